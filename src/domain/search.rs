//! French-aware full-text search, the same on both backends.
//!
//! Instead of each database's own full-text dialect, the text is normalised here — lower case,
//! accents removed, stop words dropped, French plurals folded to the singular — and stored as a
//! string of space-separated tokens. A query is normalised the same way and every token must
//! start a stored token. SQLite and PostgreSQL then only run the same `LIKE`, so they return the
//! same results by construction.

const STOP_WORDS: &[&str] = &[
    "a", "au", "aux", "avec", "ce", "ces", "d", "dans", "de", "des", "du", "en", "et", "l", "la", "le", "les", "leur",
    "leurs", "ou", "par", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur", "un", "une", "the", "of", "and",
    "to", "in", "for",
];

fn fold_char(c: char) -> &'static str {
    match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'î' | 'ï' | 'í' | 'ì' => "i",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
        'ù' | 'û' | 'ü' | 'ú' => "u",
        'ç' => "c",
        'ñ' => "n",
        'ÿ' | 'ý' => "y",
        'œ' => "oe",
        'æ' => "ae",
        _ => "",
    }
}

/// Lower case without accents; anything that is not a letter or digit becomes a space. Text in
/// decomposed form (NFD, as some PDFs and systems paste it: `e` followed by a combining accent)
/// folds like composed text: the combining marks are dropped, not turned into spaces.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            continue;
        }
        let folded = fold_char(c);
        if !folded.is_empty() {
            out.push_str(folded);
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push(' ');
        }
    }
    out
}

/// A key that sorts names the same on every backend and collation: lower case letters and digits
/// only, accents folded (`Écologie` sorts with `ecologie`, before `Zinc`).
pub fn sort_key(text: &str) -> String {
    fold(text).chars().filter(char::is_ascii_alphanumeric).collect()
}

/// One phrase as a key for exact matching, whatever its case and accents: its tokens, in order.
pub fn phrase_key(text: &str) -> String {
    tokens(text).join(" ")
}

/// A stem shared by a French word's singular and plural, well enough for search: bureau and
/// bureaux → burea, local and locaux → loca, travail and travaux → trava, lycées → lycee.
fn singular(word: &str) -> String {
    if word.len() <= 3 {
        return word.to_owned();
    }
    for ending in ["aux", "ail", "au", "al"] {
        if let Some(stem) = word.strip_suffix(ending)
            && stem.len() >= 2
        {
            return format!("{stem}a");
        }
    }
    if let Some(stem) = word.strip_suffix('s').or_else(|| word.strip_suffix('x')) {
        return stem.to_owned();
    }
    word.to_owned()
}

/// The tokens of a text, in order, duplicates removed.
pub fn tokens(text: &str) -> Vec<String> {
    let mut seen = Vec::new();
    for word in fold(text).split_whitespace() {
        if STOP_WORDS.contains(&word) {
            continue;
        }
        let token = singular(word);
        if !seen.contains(&token) {
            seen.push(token);
        }
    }
    seen
}

/// What is stored: the tokens between spaces, so ` token` marks the start of a word.
pub fn index_text(parts: &[&str]) -> String {
    let mut all = Vec::new();
    for part in parts {
        for t in tokens(part) {
            if !all.contains(&t) {
                all.push(t);
            }
        }
    }
    format!(" {} ", all.join(" "))
}

/// The `LIKE` patterns a query needs, one per token (at most 8).
pub fn query_patterns(query: &str) -> Vec<String> {
    query_tokens(query).iter().map(|t| like_pattern(t)).collect()
}

/// The `LIKE` pattern of one query token on an index text: a word that starts with it.
pub fn like_pattern(token: &str) -> String {
    format!("% {token}%")
}

/// The tokens a query searches for (at most 8).
pub fn query_tokens(query: &str) -> Vec<String> {
    tokens(query).into_iter().take(8).collect()
}

/// The words of a stored index text (`index_text`), each once, for a word index table.
pub fn index_words(index_text: &str) -> impl Iterator<Item = &str> {
    index_text.split_whitespace()
}

/// The half-open range `[low, high)` of the words that start with `token`, compared byte by byte
/// (the word index's collation on both backends): what `LIKE '% token%'` finds in the index text.
pub fn prefix_range(token: &str) -> (String, String) {
    (token.to_owned(), format!("{token}{}", char::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_range_holds_the_words_a_like_pattern_finds() {
        let text = index_text(&["Isolation des toitures", "ISO 14001", "Bâtiment"]);
        for query in ["iso", "toit", "14", "bat", "isolations"] {
            let like: Vec<&str> = index_words(&text)
                .filter(|w| format!(" {w} ").contains(&format!(" {}", query_tokens(query)[0])))
                .collect();
            let (low, high) = prefix_range(&query_tokens(query)[0]);
            let ranged: Vec<&str> = index_words(&text).filter(|w| *w >= low.as_str() && *w < high.as_str()).collect();
            assert_eq!(like, ranged, "{query}");
            assert!(!ranged.is_empty(), "{query}");
        }
        let (low, high) = prefix_range("zz");
        assert!(index_words(&text).all(|w| !(w >= low.as_str() && w < high.as_str())));
    }

    #[test]
    fn accents_case_and_plurals_fold_together() {
        assert_eq!(tokens("Lycées ÉNERGÉTIQUES"), vec!["lycee", "energetique"]);
        assert_eq!(tokens("les bureaux et les locaux"), tokens("le bureau et le local"));
        assert_eq!(tokens("matériaux"), tokens("matériau"));
        assert_eq!(tokens("travaux"), tokens("travail"));
        assert_eq!(tokens("Cantine"), tokens("cantines"));
        assert_eq!(tokens("l’énergie des écoles"), vec!["energie", "ecole"]);
    }

    #[test]
    fn decomposed_accents_fold_like_composed_ones() {
        let decomposed = "Lyce\u{301}es e\u{301}nerge\u{301}tiques";
        assert_eq!(tokens(decomposed), tokens("Lycées énergétiques"));
        assert_eq!(sort_key("E\u{301}cole"), sort_key("École"));
        assert_eq!(sort_key("École"), "ecole");
    }

    #[test]
    fn a_query_matches_the_start_of_indexed_words() {
        let index = index_text(&["Rénovation énergétique des lycées"]);
        for query in ["lycee", "LYCÉES", "renov", "énergétiques"] {
            assert!(
                query_patterns(query).iter().all(|p| {
                    let needle = p.trim_start_matches('%').trim_end_matches('%');
                    index.contains(needle)
                }),
                "{query}"
            );
        }
    }
}

/// Properties of the folding of searched and indexed text (`cargo test --lib property_tests`).
#[cfg(test)]
mod property_tests {
    use super::*;
    use proptest::prelude::*;

    /// French text: letters with and without accents, digits, punctuation, spaces.
    fn french() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9àâäéèêëîïôöùûüçÿœæÀÂÉÈÊËÎÏÔÙÛÜÇŒÆ ,.;'’()-]{0,80}"
    }

    /// The same text with its accented letters decomposed (a letter then a combining accent).
    fn decomposed(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            let (base, mark) = match c {
                'à' => ('a', '\u{300}'),
                'â' => ('a', '\u{302}'),
                'ä' => ('a', '\u{308}'),
                'é' => ('e', '\u{301}'),
                'è' => ('e', '\u{300}'),
                'ê' => ('e', '\u{302}'),
                'ë' => ('e', '\u{308}'),
                'î' => ('i', '\u{302}'),
                'ï' => ('i', '\u{308}'),
                'ô' => ('o', '\u{302}'),
                'ö' => ('o', '\u{308}'),
                'ù' => ('u', '\u{300}'),
                'û' => ('u', '\u{302}'),
                'ü' => ('u', '\u{308}'),
                'ç' => ('c', '\u{327}'),
                'ÿ' => ('y', '\u{308}'),
                'É' => ('E', '\u{301}'),
                'È' => ('E', '\u{300}'),
                'Ç' => ('C', '\u{327}'),
                other => {
                    out.push(other);
                    continue;
                }
            };
            out.push(base);
            out.push(mark);
        }
        out
    }

    /// What `LIKE '% token%'` finds in an index text.
    fn like(index: &str, token: &str) -> bool {
        index.contains(&format!(" {token}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// Any text folds (no panic) to distinct, non-empty tokens of lower-case ASCII letters and
        /// digits, none a stop word; a sort key is made of the same characters.
        #[test]
        fn tokens_are_plain_distinct_words(text in prop_oneof![french(), any::<String>()]) {
            let tokens = tokens(&text);
            for (i, t) in tokens.iter().enumerate() {
                prop_assert!(!t.is_empty() && t.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()), "{t:?}");
                prop_assert!(!STOP_WORDS.contains(&t.as_str()), "{t:?}");
                prop_assert!(!tokens[..i].contains(t), "{t:?} twice");
            }
            prop_assert!(sort_key(&text).chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
            prop_assert!(query_tokens(&text).len() <= 8);
            prop_assert_eq!(query_patterns(&text).len(), query_tokens(&text).len());
        }

        /// Case and the way accents are encoded change nothing.
        #[test]
        fn case_and_accent_encoding_fold_together(text in french()) {
            prop_assert_eq!(tokens(&text.to_uppercase()), tokens(&text));
            prop_assert_eq!(tokens(&decomposed(&text)), tokens(&text));
            prop_assert_eq!(sort_key(&decomposed(&text)), sort_key(&text));
            prop_assert_eq!(phrase_key(&text.to_lowercase()), phrase_key(&text));
        }

        /// A text is found by any of its words, typed in any case, and by the start of any of its
        /// tokens; the word index's prefix range finds exactly what `LIKE` finds.
        #[test]
        fn a_text_is_found_by_its_own_words(parts in proptest::collection::vec(french(), 1..4), pick in any::<prop::sample::Index>(), cut in 1usize..10) {
            let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
            let index = index_text(&refs);
            let words: Vec<String> = parts.iter().flat_map(|p| p.split_whitespace().map(str::to_owned)).collect();
            prop_assume!(!words.is_empty());
            let word = pick.get(&words);
            for pattern in query_patterns(&word.to_uppercase()) {
                let token = pattern.trim_start_matches("% ").trim_end_matches('%');
                prop_assert!(like(&index, token), "{word:?} in {index:?}");
            }
            let stored: Vec<&str> = index_words(&index).collect();
            prop_assume!(!stored.is_empty());
            let token = pick.get(&stored);
            let prefix: String = token.chars().take(cut).collect();
            prop_assert!(like(&index, &prefix));
            let (low, high) = prefix_range(&prefix);
            let ranged: Vec<&str> = stored.iter().copied().filter(|w| *w >= low.as_str() && *w < high.as_str()).collect();
            let liked: Vec<&str> = stored.iter().copied().filter(|w| w.starts_with(prefix.as_str())).collect();
            prop_assert_eq!(ranged, liked);
        }
    }
}
