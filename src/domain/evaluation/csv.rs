//! CSV exports that spreadsheets cannot turn into formulas: a cell beginning with `=`, `+`, `-`,
//! `@` (or their full-width forms `＝＋－＠`), a tab or a carriage return, even after leading
//! spaces, is prefixed with an apostrophe (OWASP's advice), and every cell is quoted, doubling
//! inner quotes (RFC 4180).

/// Characters that start a formula in one spreadsheet or another.
const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// Whether a spreadsheet could read the cell as a formula: it starts with a tab or a carriage
/// return, or with a formula character once leading white space (any, including no-break and
/// full-width spaces, which some programs skip) is passed.
fn looks_like_formula(value: &str) -> bool {
    value.starts_with(['\t', '\r', '\n']) || value.trim_start().starts_with(FORMULA_STARTS)
}

/// One cell, neutralised and quoted.
pub fn cell(value: &str) -> String {
    let neutral = if looks_like_formula(value) { format!("'{value}") } else { value.to_owned() };
    format!("\"{}\"", neutral.replace('"', "\"\""))
}

/// A whole document: a header row, then the rows, CRLF line ends, with a UTF-8 byte order mark
/// so spreadsheet programs read accents right.
pub fn document(header: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{feff}");
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_cannot_run() {
        assert_eq!(cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        for bad in ["+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell(bad).starts_with("\"'"), "{bad}");
        }
        for bad in [" =1+1", "  @SUM(A1)", "\u{a0}=1", "\u{3000}+1", "＝1+1", "＋1", "－1", "＠SUM(A1)", " ＝1", "\nx"]
        {
            assert!(cell(bad).starts_with("\"'"), "{bad:?}");
        }
        assert_eq!(cell(" texte = valeur"), "\" texte = valeur\"");
        assert_eq!(cell("Coopérative, « bois »"), "\"Coopérative, « bois »\"");
        assert_eq!(cell("74.67"), "\"74.67\"");
        let doc = document(&["a".into(), "b".into()], &[vec!["1".into(), "=2".into()]]);
        assert_eq!(doc, "\u{feff}\"a\",\"b\"\r\n\"1\",\"'=2\"\r\n");
    }
}

/// Properties of exported cells, whose text comes from users (`cargo test --lib property_tests`).
#[cfg(test)]
mod property_tests {
    use super::*;
    use proptest::prelude::*;

    /// The cell's value as a spreadsheet reads it: the quotes removed, inner quotes undoubled.
    fn unquote(cell: &str) -> Option<String> {
        let inner = cell.strip_prefix('"')?.strip_suffix('"')?;
        // Every quote inside comes in a pair.
        let mut chars = inner.chars().peekable();
        let mut out = String::new();
        while let Some(c) = chars.next() {
            if c == '"' && chars.next() != Some('"') {
                return None;
            }
            out.push(c);
        }
        Some(out)
    }

    /// Values made to start formulas: a tab or a line break first, or any white space (ASCII,
    /// no-break, full-width, ideographic) then a formula character (ASCII or full-width); then
    /// anything.
    fn formulas() -> impl Strategy<Value = String> {
        let start = prop_oneof![
            "[\t\r\n]",
            ("[ \t\u{a0}\u{2000}-\u{200a}\u{3000}\u{202f}\u{205f}\u{85}\u{b}\u{c}]{0,4}", "[=+\\-@＝＋－＠]")
                .prop_map(|(space, c)| format!("{space}{c}")),
        ];
        (start, "\\PC{0,20}").prop_map(|(start, rest)| format!("{start}{rest}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// No cell a spreadsheet opens can start a formula: once the quoting is read and any
        /// leading white space skipped, it starts with an apostrophe or with no formula character.
        #[test]
        fn no_formula_survives(value in prop_oneof![formulas(), any::<String>(), "\\PC{0,40}"]) {
            let cell = cell(&value);
            let read = unquote(&cell);
            prop_assert!(read.is_some(), "badly quoted: {cell:?}");
            let read = read.unwrap_or_default();
            let neutralised = read.starts_with('\'');
            let starts_formula = read.starts_with(['\t', '\r', '\n']) || read.trim_start().starts_with(FORMULA_STARTS);
            prop_assert!(neutralised || !starts_formula, "{cell:?}");
            // Nothing else changes: the value itself, or an apostrophe then the value.
            prop_assert!(read == value || read == format!("'{value}"), "{cell:?}");
        }

        /// Every value meant as a formula is neutralised.
        #[test]
        fn formulas_are_neutralised(value in formulas()) {
            prop_assert_eq!(unquote(&cell(&value)), Some(format!("'{value}")));
        }

        /// A document has one line per row plus the header, whatever the cells hold besides line breaks.
        #[test]
        fn a_document_has_one_line_per_row(rows in proptest::collection::vec(proptest::collection::vec("[^\r\n]{0,12}", 3), 0..6)) {
            let header = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
            let doc = document(&header, &rows);
            prop_assert!(doc.starts_with('\u{feff}'), "no byte order mark");
            prop_assert_eq!(doc.matches("\r\n").count(), rows.len() + 1);
        }
    }
}
