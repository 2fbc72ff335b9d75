//! What a refused operation says, free of web code: its [`Kind`] (which the web layer turns into
//! a status, in one table), a stable code and a [`Message`] for the catalogues. Domain errors keep
//! the database error they came from, so a lost connection or a duplicate keeps its meaning up to
//! the response, and the log shows the whole cause.

/// What sort of refusal (or failure) an error is; `web::error` gives each its one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    NotFound,
    Forbidden,
    /// The current state forbids it (a stage, a duplicate, a change made meanwhile).
    Conflict,
    /// Well-formed input that breaks a rule (422).
    Invalid,
    /// Input that is not what was asked for at all (400).
    Malformed,
    /// Over a size or count limit (413).
    TooLarge,
    /// Content of a type not accepted (415).
    Unsupported,
    /// The database cannot be reached: the user may retry.
    Unavailable,
    Internal,
}

impl Kind {
    /// The code of a refusal that has no more precise one (a database error's).
    pub fn code(self) -> &'static str {
        match self {
            Kind::NotFound => "not_found",
            Kind::Forbidden => "forbidden",
            Kind::Conflict => "conflict",
            Kind::Invalid => "invalid",
            Kind::Malformed => "bad_request",
            Kind::TooLarge => "payload_too_large",
            Kind::Unsupported => "unsupported_media_type",
            Kind::Unavailable => "service_unavailable",
            Kind::Internal => "internal_error",
        }
    }
}

/// A message for the Fluent catalogues: a key with its arguments, followed by sub-messages (a
/// list of problems). An empty key says nothing itself; a [`Message::plain`] text is not
/// translated (form field names, the few messages that never were).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    /// Arguments that are themselves catalogue keys (a field's label), translated first.
    pub labels: Vec<(&'static str, &'static str)>,
    pub parts: Vec<Message>,
    pub plain: Option<String>,
}

impl Message {
    pub fn new(key: &'static str) -> Message {
        Message { key, ..Message::default() }
    }
    /// Text shown as it is.
    pub fn plain(text: impl Into<String>) -> Message {
        Message { plain: Some(text.into()), ..Message::default() }
    }
    /// Only the parts, one after the other.
    pub fn list(parts: Vec<Message>) -> Message {
        Message { parts, ..Message::default() }
    }
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Message {
        self.args.push((name, value.to_string()));
        self
    }
    /// An argument read from the catalogues in the reader's language (a field's label).
    pub fn with_label(mut self, name: &'static str, key: &'static str) -> Message {
        self.labels.push((name, key));
        self
    }
    pub fn with_parts(mut self, parts: Vec<Message>) -> Message {
        self.parts = parts;
        self
    }
    /// The form problems as parts, in the order of their fields, as the pages list them.
    pub fn with_problems(self, problems: &[crate::domain::forms::Problem]) -> Message {
        let mut sorted: Vec<&crate::domain::forms::Problem> = problems.iter().collect();
        sorted.sort_by_key(|p| p.field);
        self.with_parts(
            sorted.into_iter().map(|p| Message { key: p.key, args: p.args.clone(), ..Message::default() }).collect(),
        )
    }
}

/// A domain error that the web layer can answer with: one kind, a stable code, a message.
pub trait Refusal: std::error::Error + Send + Sync + 'static {
    fn kind(&self) -> Kind;
    fn code(&self) -> &'static str;
    fn message(&self) -> Message;
    /// The form field the refusal is about, when a page shows it beside that field.
    fn field(&self) -> Option<&'static str> {
        None
    }
}

/// What a database error means to the user: a row not found, a duplicate, a lost connection, or
/// an internal failure.
pub fn kind_of(e: &diesel::result::Error) -> Kind {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::NotFound => Kind::NotFound,
        // A double submission racing itself: the first one won.
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => Kind::Conflict,
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand, _) => {
            Kind::Unavailable
        }
        _ => Kind::Internal,
    }
}

/// The message of a database error, by its kind (the same words as a plain database error's).
pub fn database_message(e: &diesel::result::Error) -> Message {
    match kind_of(e) {
        Kind::NotFound => Message::new("error-404-text"),
        Kind::Conflict => Message::plain("this was already done"),
        Kind::Unavailable => Message::new("error-503-text"),
        _ => Message::new("error-500-text"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error};

    fn db(kind: DatabaseErrorKind) -> Error {
        Error::DatabaseError(kind, Box::new(String::from("detail")))
    }

    #[test]
    fn database_errors_keep_their_meaning() {
        assert_eq!(kind_of(&Error::NotFound), Kind::NotFound);
        assert_eq!(kind_of(&db(DatabaseErrorKind::UniqueViolation)), Kind::Conflict);
        assert_eq!(kind_of(&db(DatabaseErrorKind::ClosedConnection)), Kind::Unavailable);
        assert_eq!(kind_of(&db(DatabaseErrorKind::UnableToSendCommand)), Kind::Unavailable);
        assert_eq!(kind_of(&db(DatabaseErrorKind::ForeignKeyViolation)), Kind::Internal);
        assert_eq!(kind_of(&Error::RollbackTransaction), Kind::Internal);
    }

    #[test]
    fn problems_are_listed_in_the_order_of_their_fields() {
        use crate::domain::forms::Problem;
        let m = Message::new("proposal-missing").with_problems(&[
            Problem::new("title", "a"),
            Problem::new("summary", "b"),
            Problem::new("title", "c"),
        ]);
        let keys: Vec<&str> = m.parts.iter().map(|p| p.key).collect();
        assert_eq!(keys, ["b", "a", "c"]);
    }
}
