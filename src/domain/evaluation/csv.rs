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
