//! The words people read (issue 20, items 2 and 6): the demo data set loaded, every page reachable
//! by a link is read as a visitor and as each demo account, in French and then in English. The
//! visible text of each page must hold
//! - no phrase of the other language's catalogue (French words on an English page, or English on a
//!   French one): every literal fragment of three words or more of the other catalogue that no
//!   message of the page's own catalogue contains;
//! - no catalogue key (a message looked up under a missing key shows its key);
//! - no HTTP status line ("409 Conflict", "404 Introuvable"), internal id (`user:2`), empty JSON
//!   (`{}`) or raw timestamp (`2026-12-07T10:00:00`, `2026-12-07 10:00:00.123`; English pages write
//!   `2026-12-07 10:00:00` for a receipt's Paris time).
//!
//! The demo's own content (objectives, proposals) is French whatever the interface's language: only
//! the catalogues' words are compared, never the people's.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::both_backends;
use crate::headers::{demo_app, links, shape};
use crate::helpers::Browser;

/// At most this many distinct pages per account and language (the demo has fewer).
const PAGES_PER_ACCOUNT: usize = 400;

/// A catalogue as key → its literal text, placeables and selectors removed (each removed part
/// becomes a line break, so fragments never join across them).
fn catalogue(lang: &str) -> BTreeMap<String, String> {
    let path = format!("{}/locales/{lang}/main.ftl", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(char::is_whitespace)
            && let Some((key, value)) = line.split_once(" = ").or_else(|| line.split_once(" ="))
        {
            let key = key.trim().to_owned();
            out.insert(key.clone(), value.to_owned());
            current = Some(key);
            continue;
        }
        if let Some(key) = &current {
            let v = out.get_mut(key).unwrap();
            v.push('\n');
            v.push_str(line.trim());
        }
    }
    out.into_iter().map(|(k, v)| (k, literal(&v))).collect()
}

/// A message's literal text: whatever is inside braces (placeables, selectors and their variants)
/// becomes a line break.
fn literal(value: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in value.chars() {
        match c {
            '{' => {
                depth += 1;
                out.push('\n');
            }
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The fragments of `foreign`'s messages that would betray the other language on a page: three
/// words or more, and in no message of `own` (a word both languages share, such as an acronym or a
/// name, is not foreign).
fn telltales(foreign: &BTreeMap<String, String>, own: &BTreeMap<String, String>) -> BTreeSet<String> {
    let own_text: String = own.values().map(|v| normalise(v)).collect::<Vec<_>>().join("\n");
    foreign
        .values()
        .flat_map(|v| v.split('\n').map(normalise).collect::<Vec<_>>())
        .filter(|f| f.split_whitespace().count() >= 3 && f.chars().count() >= 15)
        .filter(|f| !own_text.contains(f.as_str()))
        .collect()
}

/// Spaces collapsed (the no-break spaces of French typography included), ends trimmed.
fn normalise(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The visible text of an HTML page: the head, tags and comments left out, entities decoded.
fn visible_text(html: &str) -> String {
    let body = html.split_once("</head>").map_or(html, |(_, b)| b);
    let mut out = String::with_capacity(body.len() / 2);
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    normalise(&decoded)
}

/// What is wrong with one page's text.
fn problems_of(path: &str, text: &str, telltales: &BTreeSet<String>, keys: &BTreeSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    for t in telltales {
        if text.contains(t.as_str()) {
            found.push(format!("{path}: the other language's « {t} »"));
        }
    }
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == ':'))
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        if w.contains('-') && keys.contains(*w) {
            found.push(format!("{path}: the catalogue key `{w}`"));
        }
        for kind in ["user:", "organisation:", "objective:", "proposal:", "system:"] {
            if let Some(rest) = w.strip_prefix(kind)
                && rest.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            {
                found.push(format!("{path}: the internal id `{w}`"));
            }
        }
        let status =
            w.len() == 3 && (w.starts_with('4') || w.starts_with('5')) && w.bytes().all(|b| b.is_ascii_digit());
        let reason = [
            "Bad",
            "Unauthorized",
            "Forbidden",
            "Not",
            "Conflict",
            "Gone",
            "Payload",
            "Unsupported",
            "Unprocessable",
            "Too",
            "Internal",
            "Service",
            "Requête",
            "Introuvable",
            "Conflit",
            "Interdit",
            "Erreur",
        ];
        if status && words.get(i + 1).is_some_and(|next| reason.contains(next)) {
            found.push(format!("{path}: the status line `{w} {}`", words[i + 1]));
        }
    }
    if text.contains("{}") {
        found.push(format!("{path}: an empty JSON object"));
    }
    if let Some(t) = raw_timestamp(text) {
        found.push(format!("{path}: the raw timestamp `{t}`"));
    }
    found
}

/// The first `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD HH:MM:SS` of a text.
fn raw_timestamp(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let is = |i: usize, c: u8| b.get(i) == Some(&c);
    (0..b.len()).find_map(|i| {
        let date = (i..i + 4).all(digit)
            && is(i + 4, b'-')
            && digit(i + 5)
            && digit(i + 6)
            && is(i + 7, b'-')
            && digit(i + 8)
            && digit(i + 9);
        let time = digit(i + 11) && digit(i + 12) && is(i + 13, b':') && digit(i + 14) && digit(i + 15);
        // A space and seconds are how English pages write a receipt's time; with a fraction of a
        // second, it is a value printed as stored.
        let fraction = is(i + 16, b':') && digit(i + 17) && digit(i + 18) && is(i + 19, b'.') && digit(i + 20);
        (date && time && (is(i + 10, b'T') || (is(i + 10, b' ') && fraction))).then(|| &text[i..i + 16])
    })
}

/// Reads every page reachable from `start`, one per shape, in the language the browser's cookie
/// set; returns how many HTML pages were in `lang`.
async fn read_all(
    browser: &Browser,
    start: &[&str],
    lang: &str,
    telltales: &BTreeSet<String>,
    keys: &BTreeSet<String>,
    problems: &mut Vec<String>,
) -> usize {
    let mut queue: VecDeque<String> = start.iter().map(|s| (*s).to_owned()).collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut read = 0;
    while let Some(path) = queue.pop_front() {
        if path.starts_with("/lang/") || path.starts_with("/logout") || !seen.insert(shape(&path)) {
            continue;
        }
        if seen.len() > PAGES_PER_ACCOUNT {
            break;
        }
        let response = browser.get(&path).await;
        let html = response.headers().get("content-type").is_some_and(|v| v.to_str().unwrap().starts_with("text/html"));
        if !html {
            continue;
        }
        let body = response.text().await.unwrap();
        queue.extend(links(&body));
        if !body.contains(&format!("<html lang=\"{lang}\"")) {
            problems.push(format!("{path}: not in {lang}"));
            continue;
        }
        read += 1;
        problems.extend(problems_of(&path, &visible_text(&body), telltales, keys));
    }
    read
}

both_backends! {
    async fn no_page_shows_the_other_languages_words_a_key_a_status_code_or_a_raw_timestamp(backend) {
        let (app, accounts) = demo_app(backend).await;
        let (fr, en) = (catalogue("fr"), catalogue("en"));
        let keys: BTreeSet<String> = fr.keys().chain(en.keys()).cloned().collect();
        let english_in_french = telltales(&en, &fr);
        let french_in_english = telltales(&fr, &en);
        // The comparison has something to compare: hundreds of phrases each way.
        assert!(english_in_french.len() > 300 && french_in_english.len() > 300, "{} / {}", english_in_french.len(), french_in_english.len());
        let mut problems = Vec::new();
        let (mut french, mut english) = (0, 0);
        let public = ["/", "/receipts/verify", "/register", "/forgot-password", "/no-such-page", "/login"];

        let visitor = app.browser();
        french += read_all(&visitor, &public, "fr", &english_in_french, &keys, &mut problems).await;
        let visitor = app.browser();
        visitor.get("/lang/en?next=/").await;
        english += read_all(&visitor, &public, "en", &french_in_english, &keys, &mut problems).await;
        for (email, password) in &accounts {
            let person = app.browser();
            assert_eq!(person.sign_in(email, password).await.status(), 303, "{email}");
            french += read_all(&person, &["/work", "/account", "/"], "fr", &english_in_french, &keys, &mut problems).await;
            person.get("/lang/en?next=/").await;
            english += read_all(&person, &["/work", "/account", "/"], "en", &french_in_english, &keys, &mut problems).await;
        }
        eprintln!("words: {french} French and {english} English pages read, as a visitor and {} accounts", accounts.len());
        problems.sort();
        problems.dedup();
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
        assert!(french > 150 && english > 150, "only {french} French and {english} English pages read");
        app.stop().await;
    }
}

#[test]
fn the_checks_find_what_they_look_for() {
    let (fr, en) = (catalogue("fr"), catalogue("en"));
    let keys: BTreeSet<String> = fr.keys().chain(en.keys()).cloned().collect();
    let english_in_french = telltales(&en, &fr);
    let english = en.get("stage-confirm-irreversible-archived").unwrap();
    let page = format!("<html lang=\"fr\"><head><title>x</title></head><body><p>{english}</p></body></html>");
    assert!(!problems_of("/x", &visible_text(&page), &english_in_french, &keys).is_empty(), "English on a French page");
    let french = fr.get("stage-confirm-irreversible-archived").unwrap();
    let page = format!("<body><p>{french}</p></body>");
    assert!(problems_of("/x", &visible_text(&page), &english_in_french, &keys).is_empty(), "French on a French page");
    for bad in [
        "<p>409 Requête incorrecte</p>",
        "<p>award-title</p>",
        "<td>user:2</td>",
        "<td>{}</td>",
        "<td>2026-12-07T10:00:00</td>",
        "<td>2026-12-07 10:00:00.123</td>",
    ] {
        assert!(!problems_of("/x", &visible_text(bad), &english_in_french, &keys).is_empty(), "{bad}");
    }
    for good in [
        "<p>07/12/2026 à 11:00 (heure de Paris)</p>",
        "<p>404 propositions</p>",
        "<p>Lot 2 : 10:00</p>",
        "<p>2026-12-07 11:00:05 (Paris time)</p>",
    ] {
        assert!(problems_of("/x", &visible_text(good), &english_in_french, &keys).is_empty(), "{good}");
    }
}
