//! Form input as name/value pairs, and the problems a parse finds, tied to their field.

/// The form's raw values, field name → values (checkboxes and repeated fields give several).
pub type FormPairs = Vec<(String, String)>;

/// The first value of a field, trimmed, with Windows line ends made Unix and NUL characters
/// (which PostgreSQL refuses in text) removed.
pub fn first(pairs: &FormPairs, name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().replace("\r\n", "\n").replace(['\r', '\0'], ""))
        .unwrap_or_default()
}

/// A refused value: the field, the catalogue key of the message, and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Problem {
    pub fn new(field: &'static str, key: &'static str) -> Problem {
        Problem { field, key, args: Vec::new() }
    }
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Problem {
        self.args.push((name, value.to_string()));
        self
    }
}
