//! Passwords: the length policy and argon2id hashing (OWASP parameters m=19456 KiB, t=2, p=1).
//!
//! Hashing is deliberately slow: callers run it off the async threads.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_CHARS: usize = 12;
/// Far above any passphrase; only bounds the work an attacker can make us do.
pub const MAX_CHARS: usize = 1024;

/// A password that satisfies the policy. Never truncated, never composed by rules.
pub struct NewPassword(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("too short")]
    TooShort,
    #[error("too long")]
    TooLong,
    #[error("the two passwords differ")]
    Mismatch,
    #[error("this password is among the most common ones")]
    Common,
}

impl PasswordError {
    /// The catalogue key of the message shown next to the field.
    pub fn message_key(self) -> &'static str {
        match self {
            PasswordError::TooShort => "password-error-too-short",
            PasswordError::TooLong => "password-error-too-long",
            PasswordError::Mismatch => "password-error-mismatch",
            PasswordError::Common => "password-error-common",
        }
    }
}

/// Whether the password is in the bundled list of about 100,000 common passwords (the
/// `passwords` crate's list), compared as typed and in lower case.
pub fn is_common(password: &str) -> bool {
    passwords::analyzer::is_common_password(password)
        || passwords::analyzer::is_common_password(password.to_lowercase())
}

impl NewPassword {
    pub fn parse(password: &str, confirmation: &str) -> Result<NewPassword, PasswordError> {
        let chars = password.chars().count();
        if chars < MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if password != confirmation {
            return Err(PasswordError::Mismatch);
        }
        if is_common(password) {
            return Err(PasswordError::Common);
        }
        Ok(NewPassword(password.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn hasher() -> Argon2<'static> {
    // The constants are valid argon2 parameters, so building them cannot fail.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash(password: &NewPassword) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())?;
    Ok(hasher().hash_password(password.as_str().as_bytes(), &salt)?.to_string())
}

/// Whether `password` matches the stored PHC string.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| hasher().verify_password(password.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_counts_characters_not_bytes() {
        assert_eq!(NewPassword::parse("short", "short").err(), Some(PasswordError::TooShort));
        // 12 accented characters are 24 bytes but 12 characters: accepted.
        let accented = "éééééééééééé";
        assert!(NewPassword::parse(accented, accented).is_ok());
        let long = "a".repeat(MAX_CHARS + 1);
        assert_eq!(NewPassword::parse(&long, &long).err(), Some(PasswordError::TooLong));
        assert_eq!(
            NewPassword::parse("correct horse battery", "correct horse batterY").err(),
            Some(PasswordError::Mismatch)
        );
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        for common in ["123456789012", "qwertyuiop123", "Password1234", "PASSWORD1234"] {
            assert_eq!(NewPassword::parse(common, common).err(), Some(PasswordError::Common), "{common}");
        }
        assert!(!is_common("une phrase de passe assez longue"));
    }

    #[test]
    fn hashes_with_argon2id_and_verifies_without_truncation() {
        let long = format!("{}x", "p".repeat(200));
        let password = NewPassword::parse(&long, &long).unwrap();
        let phc = hash(&password).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(&long, &phc));
        assert!(!verify(&long[..200], &phc), "a truncated password must not match");
    }
}
