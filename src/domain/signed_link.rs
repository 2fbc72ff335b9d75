//! Signed, single-use links: setting or resetting a password, verifying an e-mail address.
//!
//! The link carries the user id and an expiry, signed with the secret key for one purpose. The
//! signature also covers a fingerprint of the state the link is meant to change (the current
//! password hash, or the address and whether it is verified), so the link stops working as soon
//! as it has been used: single use without storing anything.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::db::ids::UserId;

/// What a link is for; a link signed for one purpose is refused for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Set or reset the password (first administrator, staff invitation, forgotten password).
    SetPassword,
    VerifyEmail,
}

impl Purpose {
    fn tag(self) -> &'static [u8] {
        match self {
            Purpose::SetPassword => b"achat-ouvert/set-password/v1",
            Purpose::VerifyEmail => b"achat-ouvert/verify-email/v1",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link is malformed")]
    Malformed,
    #[error("the link has expired")]
    Expired,
    #[error("the link was already used or is not valid")]
    Invalid,
}

/// What a valid token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkClaims {
    pub user_id: UserId,
    pub expires_at: i64,
}

/// A fingerprint of the stored password state; changes whenever a password is set.
pub fn password_state(password_hash: Option<&str>) -> [u8; 32] {
    Sha256::digest(password_hash.unwrap_or("(no password)").as_bytes()).into()
}

/// A fingerprint of the address and whether it is verified; changes once it is verified.
pub fn email_state(email: &str, verified: bool) -> [u8; 32] {
    Sha256::digest(format!("{email}|{verified}").as_bytes()).into()
}

fn mac(
    secret: &[u8],
    purpose: Purpose,
    user_id: UserId,
    expires_at: i64,
    state: &[u8; 32],
) -> Result<Hmac<Sha256>, LinkError> {
    // HMAC accepts keys of any length, so this error is only a formality.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).map_err(|_| LinkError::Invalid)?;
    mac.update(purpose.tag());
    mac.update(&user_id.0.to_be_bytes());
    mac.update(&expires_at.to_be_bytes());
    mac.update(state);
    Ok(mac)
}

/// Issues a token for `user_id`, valid until `expires`.
pub fn issue(
    secret: &[u8],
    purpose: Purpose,
    user_id: UserId,
    expires: DateTime<Utc>,
    state: &[u8; 32],
) -> Result<String, LinkError> {
    let expires_at = expires.timestamp();
    let signature = mac(secret, purpose, user_id, expires_at, state)?.finalize().into_bytes();
    Ok(format!("{}.{}.{}", user_id.0, expires_at, URL_SAFE_NO_PAD.encode(signature)))
}

/// Reads the claims of a token without trusting them (to look up the user's current state).
pub fn peek(token: &str) -> Result<LinkClaims, LinkError> {
    let mut parts = token.split('.');
    let (Some(id), Some(expires), Some(_sig), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(LinkError::Malformed);
    };
    let user_id = id.parse().map(UserId).map_err(|_| LinkError::Malformed)?;
    let expires_at = expires.parse().map_err(|_| LinkError::Malformed)?;
    Ok(LinkClaims { user_id, expires_at })
}

/// Checks the signature against the user's current password state and the expiry.
pub fn verify(
    secret: &[u8],
    purpose: Purpose,
    token: &str,
    now: DateTime<Utc>,
    state: &[u8; 32],
) -> Result<LinkClaims, LinkError> {
    let claims = peek(token)?;
    let signature =
        token.rsplit('.').next().and_then(|s| URL_SAFE_NO_PAD.decode(s).ok()).ok_or(LinkError::Malformed)?;
    mac(secret, purpose, claims.user_id, claims.expires_at, state)?
        .verify_slice(&signature)
        .map_err(|_| LinkError::Invalid)?;
    if now.timestamp() > claims.expires_at {
        return Err(LinkError::Expired);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_link_is_valid_until_it_expires() {
        let now = Utc::now();
        let state = password_state(None);
        let token = issue(SECRET, Purpose::SetPassword, UserId(7), now + Duration::hours(24), &state).unwrap();
        assert_eq!(verify(SECRET, Purpose::SetPassword, &token, now, &state).unwrap().user_id, UserId(7));
        assert_eq!(
            verify(SECRET, Purpose::SetPassword, &token, now + Duration::hours(25), &state),
            Err(LinkError::Expired)
        );
    }

    #[test]
    fn a_link_dies_once_a_password_is_set() {
        let now = Utc::now();
        let token =
            issue(SECRET, Purpose::SetPassword, UserId(7), now + Duration::hours(1), &password_state(None)).unwrap();
        let after = password_state(Some("$argon2id$new"));
        assert_eq!(verify(SECRET, Purpose::SetPassword, &token, now, &after), Err(LinkError::Invalid));
    }

    #[test]
    fn tampering_or_another_key_is_refused() {
        let now = Utc::now();
        let state = password_state(None);
        let token = issue(SECRET, Purpose::SetPassword, UserId(7), now + Duration::hours(1), &state).unwrap();
        let forged = token.replacen('7', "8", 1);
        assert_eq!(verify(SECRET, Purpose::SetPassword, &forged, now, &state), Err(LinkError::Invalid));
        assert_eq!(
            verify(b"another key entirely, 32 bytes!!", Purpose::SetPassword, &token, now, &state),
            Err(LinkError::Invalid)
        );
        assert_eq!(verify(SECRET, Purpose::SetPassword, "garbage", now, &state), Err(LinkError::Malformed));
        // A password link is no e-mail verification link, even with the same state.
        assert_eq!(verify(SECRET, Purpose::VerifyEmail, &token, now, &state), Err(LinkError::Invalid));
    }
}
