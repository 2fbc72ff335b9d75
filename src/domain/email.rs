//! E-mail addresses, normalised so one person cannot hold two accounts by changing case.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the address is empty")]
    Empty,
    #[error("the address is too long")]
    TooLong,
    #[error("the address is not of the form name@domain.tld")]
    Malformed,
}

impl Email {
    /// Trims, lowercases and checks the overall shape; deliverability is proven by the
    /// verification mail, not guessed here.
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(EmailError::Empty);
        }
        if value.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = value.rsplit_once('@').ok_or(EmailError::Malformed)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && local.chars().all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[]\\,;:\"".contains(c));
        if !(domain_ok && local_ok) {
            return Err(EmailError::Malformed);
        }
        Ok(Email(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_spaces() {
        assert_eq!(Email::parse("  Marie.Curie@Region.FR ").unwrap().as_str(), "marie.curie@region.fr");
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in ["", "plain", "@region.fr", "a@region", "a@.fr", "a b@region.fr", "a@region..fr", "<a>@x.fr"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn accepts_plus_and_subdomains() {
        assert!(Email::parse("achats+test@mail.region-exemple.fr").is_ok());
    }
}
