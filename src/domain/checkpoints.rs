//! Audit checkpoints: the audit chain's head, signed with the platform's Ed25519 key and published
//! every day (and on demand), on a public page and an Atom feed. Whoever keeps one can later prove
//! that the log was not truncated or rewritten: `achat-ouvert audit verify --checkpoint FILE`
//! walks the chain and checks that the entry at the checkpoint's position still has its hash, and
//! that the platform's key signed it.
//!
//! The signed text is fixed ([`Checkpoint::signed_text`]); the file a verifier keeps is
//! [`CheckpointFile`] (JSON). A checkpoint is not itself written to the audit log: the entry would
//! move the head it publishes.

use std::io::Write;
use std::path::Path;

use chrono::{NaiveDateTime, SubsecRound};
use diesel::prelude::*;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use super::audit::{self, AuditEntry};
use super::error::{Kind, Message, Refusal, database_message, kind_of};
use crate::db::locks::PG_AUDIT_LOCK;
use crate::db::schema::{audit_checkpoints, audit_log};
use crate::db::{DbConnection, write_tx};

/// The `format` of a checkpoint file.
pub const FORMAT: &str = "achat-ouvert-audit-checkpoint/1";

/// A published checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = audit_checkpoints)]
pub struct Checkpoint {
    pub id: i64,
    /// The head's position in the chain: the number of entries up to and including it.
    pub sequence: i64,
    pub head_hash: String,
    pub created_at: NaiveDateTime,
    pub key_id: String,
    /// The public key, hexadecimal.
    pub public_key: String,
    /// The Ed25519 signature of [`Checkpoint::signed_text`], hexadecimal.
    pub signature: String,
}

/// The file a verifier keeps: what was signed, and the signature.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CheckpointFile {
    pub format: String,
    pub sequence: i64,
    pub head_hash: String,
    /// UTC, `2026-12-07T03:00:00.000000Z`.
    pub created_at: String,
    pub key_id: String,
    pub signature: String,
}

impl Checkpoint {
    pub fn file(&self) -> CheckpointFile {
        CheckpointFile {
            format: FORMAT.to_owned(),
            sequence: self.sequence,
            head_hash: self.head_hash.clone(),
            created_at: time_text(self.created_at),
            key_id: self.key_id.clone(),
            signature: self.signature.clone(),
        }
    }
}

fn time_text(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

impl CheckpointFile {
    /// The exact text the signature covers.
    pub fn signed_text(&self) -> String {
        signed_text(self.sequence, &self.head_hash, &self.created_at, &self.key_id)
    }
}

fn signed_text(sequence: i64, head_hash: &str, created_at: &str, key_id: &str) -> String {
    format!("{FORMAT}\nsequence: {sequence}\nhead: {head_hash}\ntime: {created_at}\nkey: {key_id}\n")
}

/// A key's id: the first 16 hexadecimal digits of the SHA-256 of the public key's bytes.
pub fn key_id(key: &VerifyingKey) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))[..16].to_owned()
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0} already exists: a signing key is never overwritten")]
    Exists(String),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{0} is not a signing key written by `achat-ouvert audit keygen` (64 hexadecimal digits)")]
    Malformed(String),
    #[error("`{0}` is not a public key (64 hexadecimal digits, as published on /audit/checkpoints)")]
    BadPublicKey(String),
}

/// Writes a new signing key to `path` (mode 0600; never overwrites); returns its public key.
pub fn keygen(path: &Path) -> Result<VerifyingKey, KeyError> {
    let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let shown = path.display().to_string();
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists(shown.clone())
        } else {
            KeyError::Io { path: shown.clone(), source: e }
        }
    })?;
    file.write_all(format!("{}\n", hex::encode(key.to_bytes())).as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| KeyError::Io { path: shown, source: e })?;
    Ok(key.verifying_key())
}

/// Reads a signing key written by [`keygen`].
pub fn load_key(path: &Path) -> Result<SigningKey, KeyError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| KeyError::Io { path: shown.clone(), source: e })?;
    let bytes: [u8; 32] =
        hex::decode(text.trim()).ok().and_then(|b| b.try_into().ok()).ok_or(KeyError::Malformed(shown))?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// Parses a public key as published (hexadecimal).
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, KeyError> {
    let bad = || KeyError::BadPublicKey(text.chars().take(80).collect());
    let bytes: [u8; 32] = hex::decode(text.trim()).ok().and_then(|b| b.try_into().ok()).ok_or_else(bad)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| bad())
}

#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("database: {0}")]
    Db(#[from] diesel::result::Error),
}

impl Refusal for CheckpointError {
    fn kind(&self) -> Kind {
        match self {
            CheckpointError::Db(e) => kind_of(e),
        }
    }
    fn code(&self) -> &'static str {
        self.kind().code()
    }
    fn message(&self) -> Message {
        match self {
            CheckpointError::Db(e) => database_message(e),
        }
    }
}

/// Signs and publishes the chain's current head, unless this key already signed that head (then
/// the existing checkpoint is returned, `false`).
pub fn checkpoint(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    key: &SigningKey,
) -> Result<(Checkpoint, bool), CheckpointError> {
    let public = key.verifying_key();
    let id = key_id(&public);
    write_tx(conn, |conn| {
        // The head cannot move while it is read: appends take the same lock (SQLite: the writer's
        // turn taken by the immediate transaction).
        if let DbConnection::Pg(pg) = conn {
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({PG_AUDIT_LOCK})")).execute(pg)?;
        }
        let sequence: i64 = audit_log::table.count().get_result(conn)?;
        let head_hash: String = audit_log::table
            .order(audit_log::id.desc())
            .select(audit_log::hash)
            .first(conn)
            .optional()?
            .unwrap_or_else(|| audit::GENESIS.to_owned());
        let existing: Option<Checkpoint> = audit_checkpoints::table
            .filter(audit_checkpoints::sequence.eq(sequence))
            .filter(audit_checkpoints::key_id.eq(&id))
            .select(Checkpoint::as_select())
            .first(conn)
            .optional()?;
        if let Some(existing) = existing {
            return Ok((existing, false));
        }
        let created_at = now.trunc_subsecs(6);
        let text = signed_text(sequence, &head_hash, &time_text(created_at), &id);
        let signature = hex::encode(key.sign(text.as_bytes()).to_bytes());
        let public_key = hex::encode(public.as_bytes());
        let row_id: i64 = diesel::insert_into(audit_checkpoints::table)
            .values((
                audit_checkpoints::sequence.eq(sequence),
                audit_checkpoints::head_hash.eq(&head_hash),
                audit_checkpoints::created_at.eq(created_at),
                audit_checkpoints::key_id.eq(&id),
                audit_checkpoints::public_key.eq(&public_key),
                audit_checkpoints::signature.eq(&signature),
            ))
            .returning(audit_checkpoints::id)
            .get_result(conn)?;
        Ok((
            Checkpoint { id: row_id, sequence, head_hash, created_at, key_id: id.clone(), public_key, signature },
            true,
        ))
    })
}

/// The scheduler's job (`scheduler::JOBS`, hourly): publishes the day's checkpoint when a signing key
/// is configured and none was published today. A key that cannot be read is logged, not retried
/// faster (the start-up already refuses such a key).
pub fn scheduled(
    conn: &mut DbConnection,
    settings: &crate::config::Settings,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let Some(path) = &settings.audit_signing_key else { return Ok(0) };
    let key = match load_key(path) {
        Ok(key) => key,
        Err(e) => {
            tracing::error!(error = %e, "audit checkpoint: the signing key cannot be read");
            return Ok(0);
        }
    };
    match checkpoint_if_due(conn, now, &key) {
        Ok(published) => Ok(usize::from(published.is_some())),
        Err(CheckpointError::Db(e)) => Err(e),
    }
}

/// The daily checkpoint: publishes one unless this key already published one on `now`'s day
/// (UTC). The daily scheduler calls it; the server also calls it at start. Returns the new
/// checkpoint, if one was published.
pub fn checkpoint_if_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    key: &SigningKey,
) -> Result<Option<Checkpoint>, CheckpointError> {
    let id = key_id(&key.verifying_key());
    let day_start = now.date().and_hms_opt(0, 0, 0).unwrap_or(now);
    let today: i64 = audit_checkpoints::table
        .filter(audit_checkpoints::key_id.eq(&id))
        .filter(audit_checkpoints::created_at.ge(day_start))
        .count()
        .get_result(conn)?;
    if today > 0 {
        return Ok(None);
    }
    let (checkpoint, created) = checkpoint(conn, now, key)?;
    Ok(created.then_some(checkpoint))
}

/// The newest published checkpoints, newest first.
pub fn list(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<Checkpoint>> {
    audit_checkpoints::table.order(audit_checkpoints::id.desc()).limit(limit).select(Checkpoint::as_select()).load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Checkpoint>> {
    audit_checkpoints::table.find(id).select(Checkpoint::as_select()).first(conn).optional()
}

/// Why a checkpoint does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    #[error("the checkpoint is not a file of format {FORMAT}")]
    Format,
    #[error("the checkpoint was signed by key {signed_by}, not by the given key {given}")]
    OtherKey { signed_by: String, given: String },
    #[error("the signature is wrong: this checkpoint was not signed by the key {0}")]
    BadSignature(String),
    #[error(
        "the audit log was truncated: it has {entries} entries, the checkpoint names entry #{sequence} with hash {head}"
    )]
    Truncated { entries: u64, sequence: i64, head: String },
    #[error("the audit log was rewritten: entry #{sequence} has hash {found}, the checkpoint says {head}")]
    Rewritten { sequence: i64, found: String, head: String },
    #[error("the audit log is broken at entry {id} (#{position}): {reason}")]
    Broken { id: i64, position: u64, reason: &'static str },
}

/// Checks a kept checkpoint against the chain: the signature with `public`, then the whole chain
/// (every link and hash) and that its entry at the checkpoint's position has the checkpoint's hash.
/// Returns the number of entries.
pub fn verify(
    conn: &mut DbConnection,
    file: &CheckpointFile,
    public: &VerifyingKey,
) -> QueryResult<Result<u64, Mismatch>> {
    if file.format != FORMAT || file.sequence < 0 {
        return Ok(Err(Mismatch::Format));
    }
    let given = key_id(public);
    if file.key_id != given {
        return Ok(Err(Mismatch::OtherKey { signed_by: file.key_id.clone(), given }));
    }
    let signature =
        hex::decode(&file.signature).ok().and_then(|b| <[u8; 64]>::try_from(b).ok()).map(|b| Signature::from_bytes(&b));
    match signature {
        Some(signature) if public.verify(file.signed_text().as_bytes(), &signature).is_ok() => {}
        _ => return Ok(Err(Mismatch::BadSignature(given))),
    }
    let sequence = file.sequence as u64;
    let mut found: Option<String> = (sequence == 0).then(|| audit::GENESIS.to_owned());
    let mut expected_prev = audit::GENESIS.to_owned();
    let mut position = 0u64;
    let mut after = crate::db::ids::AuditEntryId(0);
    loop {
        let page: Vec<AuditEntry> = audit_log::table
            .filter(audit_log::id.gt(after))
            .order(audit_log::id.asc())
            .limit(1000)
            .select(AuditEntry::as_select())
            .load(conn)?;
        if page.is_empty() {
            break;
        }
        for entry in &page {
            position += 1;
            let broken = |reason| Mismatch::Broken { id: entry.id.0, position, reason };
            if entry.prev_hash != expected_prev {
                return Ok(Err(broken("prev_hash does not match the previous entry")));
            }
            if audit::Canonical::of(entry).hash() != entry.hash {
                return Ok(Err(broken("hash does not match the entry's content")));
            }
            if position == sequence {
                found = Some(entry.hash.clone());
            }
            expected_prev = entry.hash.clone();
            after = entry.id;
        }
    }
    Ok(match found {
        None => Err(Mismatch::Truncated { entries: position, sequence: file.sequence, head: file.head_hash.clone() }),
        Some(hash) if hash != file.head_hash => {
            Err(Mismatch::Rewritten { sequence: file.sequence, found: hash, head: file.head_hash.clone() })
        }
        Some(_) => Ok(position),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_covers_every_field_and_only_its_key_verifies_it() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let other = SigningKey::from_bytes(&[8u8; 32]);
        let created_at = "2026-12-07T03:00:00.000000Z";
        let id = key_id(&key.verifying_key());
        let text = signed_text(42, &"a".repeat(64), created_at, &id);
        let file = CheckpointFile {
            format: FORMAT.into(),
            sequence: 42,
            head_hash: "a".repeat(64),
            created_at: created_at.into(),
            key_id: id.clone(),
            signature: hex::encode(key.sign(text.as_bytes()).to_bytes()),
        };
        let check = |f: &CheckpointFile, k: &VerifyingKey| {
            let sig = Signature::from_bytes(&<[u8; 64]>::try_from(hex::decode(&f.signature).unwrap()).unwrap());
            k.verify(f.signed_text().as_bytes(), &sig).is_ok()
        };
        assert!(check(&file, &key.verifying_key()));
        assert!(!check(&file, &other.verifying_key()));
        for changed in [
            CheckpointFile { sequence: 41, ..file.clone() },
            CheckpointFile { head_hash: "b".repeat(64), ..file.clone() },
            CheckpointFile { created_at: "2026-12-07T03:00:01.000000Z".into(), ..file.clone() },
        ] {
            assert!(!check(&changed, &key.verifying_key()));
        }
        assert_eq!(id.len(), 16);
        assert!(parse_public_key(&hex::encode(key.verifying_key().as_bytes())).is_ok());
        assert!(parse_public_key("zz").is_err());
    }

    #[test]
    fn keygen_never_overwrites_and_its_key_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.key");
        let public = keygen(&path).unwrap();
        assert_eq!(load_key(&path).unwrap().verifying_key(), public);
        assert!(matches!(keygen(&path), Err(KeyError::Exists(_))));
        std::fs::write(dir.path().join("bad"), "nope").unwrap();
        assert!(matches!(load_key(&dir.path().join("bad")), Err(KeyError::Malformed(_))));
    }
}
