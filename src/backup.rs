//! `achat-ouvert backup` and `achat-ouvert restore`: a consistent copy of the database and of the
//! uploaded files it references, with a manifest of SHA-256 sums, taken while the platform serves.
//!
//! A backup directory holds:
//! - `database.sqlite3` (SQLite, written by `VACUUM INTO`) or `database.pgdump` (PostgreSQL,
//!   `pg_dump --format=custom`);
//! - `uploads/xx/…`: every uploaded file a row of that snapshot references, nothing else;
//! - `backup.json`: the backend, the time, the counts and the audit log's head;
//! - `SHA256SUMS`: the SHA-256 of every other file, in the format `sha256sum -c` reads, written last
//!   (a directory without it is an unfinished backup).
//!
//! Consistency: the database snapshot is taken first and the files are copied after it, reading the
//! list of files from the snapshot itself. An upload is fsynced under its final name before the
//! row naming it commits, so every file the snapshot references is on disk when it is copied.
//! Files on disk that the snapshot does not reference (an upload whose row is not committed yet, a
//! removed draft's file) are orphans: they are left out and counted in `backup.json`.
//!
//! Restore checks the whole manifest before touching anything, refuses a database that already has
//! tables or an uploads directory that already has files, stages the files next to their place,
//! restores the database, then moves the files in.

use std::collections::BTreeSet;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::{DatabaseUrl, Settings};
use crate::db::schema::{
    audit_log, deposit_documents, indicator_reports, objective_documents, organisation_credentials, practices,
    proposal_attachments, support_materials,
};
use crate::db::{Backend, DbConnection, Manager};
use crate::uploads::Store;

/// The manifest's name: `sha256sum -c SHA256SUMS` checks a backup by hand.
pub const MANIFEST: &str = "SHA256SUMS";
/// What the backup is: backend, time, counts.
pub const DESCRIPTION: &str = "backup.json";
const SQLITE_FILE: &str = "database.sqlite3";
const PG_FILE: &str = "database.pgdump";
const UPLOADS: &str = "uploads";
/// The format written in `backup.json`; restore refuses others.
const FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} is not empty: back up into a new or empty directory")]
    TargetNotEmpty(PathBuf),
    #[error(
        "{tool} was not found (looked in PATH and /usr/lib/postgresql/*/bin): install the PostgreSQL client \
         (Debian: apt-get install postgresql-client) of the server's major version or newer"
    )]
    ToolMissing { tool: &'static str },
    #[error("{tool} failed: {message}")]
    ToolFailed { tool: &'static str, message: String },
    #[error(
        "the file {key}, referenced by the database snapshot, is missing from {dir} (removed while backing up?); \
         nothing was kept, run the backup again"
    )]
    FileMissing { key: String, dir: PathBuf },
    #[error("{0} has no manifest (SHA256SUMS): it is not a complete backup")]
    NoManifest(PathBuf),
    #[error("the manifest is malformed at line {line}: {reason}")]
    BadManifest { line: usize, reason: &'static str },
    #[error("{0} does not match its SHA-256 in the manifest: the backup was changed, nothing was restored")]
    Changed(String),
    #[error("{0} is listed in the manifest but missing: nothing was restored")]
    Missing(String),
    #[error("{0} is not listed in the manifest: the backup was changed, nothing was restored")]
    Unlisted(String),
    #[error("backup.json is unreadable: {0}")]
    BadDescription(String),
    #[error("this backup is of a {found} database; DATABASE_URL names a {expected} one")]
    WrongBackend { found: String, expected: &'static str },
    #[error("the target database is not empty ({tables} tables): restore only into a new, empty database")]
    DatabaseNotEmpty { tables: i64 },
    #[error("{0} already holds files: restore only into an empty data directory")]
    UploadsNotEmpty(PathBuf),
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("cannot connect to the database: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io { path: path.to_owned(), source }
}

/// What `backup.json` says.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Description {
    pub format: u32,
    /// `sqlite` or `postgresql`.
    pub backend: String,
    /// UTC, RFC 3339.
    pub created_at: String,
    /// The database file in the directory.
    pub database: String,
    /// Uploaded files copied (every one the snapshot references).
    pub files: usize,
    /// Files found in the uploads directory that no row of the snapshot references, left out.
    pub orphans_left_out: usize,
    pub audit_entries: i64,
    /// The last audit entry's hash in the snapshot (the genesis value when the log is empty).
    pub audit_head: String,
}

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub description: Description,
    pub bytes: u64,
}

/// What a restore put back.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub description: Description,
    pub migrations_applied: Vec<String>,
}

/// Backs up the database named by `settings` and its uploaded files into `to`, which must be
/// missing or empty. Runs while the platform serves. On failure, what was written is removed.
pub fn backup(settings: &Settings, to: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<BackupReport, BackupError> {
    if to.exists() && fs::read_dir(to).map_err(io(to))?.next().is_some() {
        return Err(BackupError::TargetNotEmpty(to.to_owned()));
    }
    if settings.database_url.backend() == Backend::Postgres {
        // Before anything is written, so a missing tool leaves nothing behind.
        find_tool("pg_dump")?;
    }
    fs::create_dir_all(to).map_err(io(to))?;
    let result = write_backup(settings, to, now);
    if result.is_err() {
        let _ = fs::remove_dir_all(to);
    }
    result
}

fn write_backup(
    settings: &Settings,
    to: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<BackupReport, BackupError> {
    let snapshot = match &settings.database_url {
        DatabaseUrl::Sqlite(_) => snapshot_sqlite(settings, to)?,
        DatabaseUrl::Postgres(url) => snapshot_postgres(settings, url.expose(), to)?,
    };
    let store = Store::new(&settings.data_dir);
    let mut sums: Vec<(String, String)> = Vec::new();
    let mut bytes = 0u64;
    let database_path = to.join(&snapshot.file);
    let (sum, size) = sha256_of(&database_path)?;
    sums.push((sum, snapshot.file.clone()));
    bytes += size;
    for key in &snapshot.keys {
        let Some(source) = store.path_of(key) else {
            // A key the store never generates: no file can be behind it.
            continue;
        };
        let relative = format!("{UPLOADS}/{key}");
        let target = to.join(&relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let (sum, size) = match copy_hashing(&source, &target) {
            Ok(done) => done,
            Err(BackupError::Io { source: e, .. }) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BackupError::FileMissing { key: key.clone(), dir: settings.data_dir.join(UPLOADS) });
            }
            Err(e) => return Err(e),
        };
        sums.push((sum, relative));
        bytes += size;
    }
    let copied: BTreeSet<&str> = snapshot.keys.iter().map(String::as_str).collect();
    let orphans =
        stored_keys(&settings.data_dir.join(UPLOADS))?.iter().filter(|k| !copied.contains(k.as_str())).count();
    let description = Description {
        format: FORMAT,
        backend: settings.database_url.backend().as_str().to_owned(),
        created_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        database: snapshot.file,
        files: snapshot.keys.len(),
        orphans_left_out: orphans,
        audit_entries: snapshot.audit_entries,
        audit_head: snapshot.audit_head,
    };
    let json = serde_json::to_string_pretty(&description).map_err(|e| BackupError::BadDescription(e.to_string()))?;
    write_synced(&to.join(DESCRIPTION), json.as_bytes())?;
    sums.push((hex::encode(Sha256::digest(json.as_bytes())), DESCRIPTION.to_owned()));
    let manifest: String = sums.iter().map(|(sum, path)| format!("{sum}  {path}\n")).collect();
    write_synced(&to.join(MANIFEST), manifest.as_bytes())?;
    sync_dir(to)?;
    Ok(BackupReport { description, bytes })
}

/// The database copy, and what the snapshot references.
struct Snapshot {
    file: String,
    keys: BTreeSet<String>,
    audit_entries: i64,
    audit_head: String,
}

fn snapshot_sqlite(settings: &Settings, to: &Path) -> Result<Snapshot, BackupError> {
    let target = to.join(SQLITE_FILE);
    let mut live = Manager::new(settings.database_url.clone()).connect_once()?;
    // An online, transactionally consistent copy: VACUUM INTO reads one snapshot while writers
    // go on (WAL), and writes a compact database file.
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(target.to_string_lossy().into_owned())
        .execute(&mut live)?;
    drop(live);
    // The list of files comes from the copy itself, never from the live database.
    let mut copy = Manager::new(DatabaseUrl::Sqlite(target.clone())).connect_once()?;
    let keys = referenced_keys(&mut copy)?;
    let (audit_entries, audit_head) = audit_head(&mut copy)?;
    // The copy was opened in WAL mode: fold everything back into the one file.
    copy.batch_execute("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")?;
    drop(copy);
    for suffix in ["-wal", "-shm"] {
        let _ = fs::remove_file(to.join(format!("{SQLITE_FILE}{suffix}")));
    }
    Ok(Snapshot { file: SQLITE_FILE.to_owned(), keys, audit_entries, audit_head })
}

fn snapshot_postgres(settings: &Settings, url: &str, to: &Path) -> Result<Snapshot, BackupError> {
    let pg_dump = find_tool("pg_dump")?;
    let target = to.join(PG_FILE);
    let mut conn = Manager::new(settings.database_url.clone()).connect_once()?;
    // One snapshot for the list of files and for pg_dump: exported by a repeatable-read
    // transaction kept open while pg_dump runs on it.
    conn.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
    let result = (|| -> Result<Snapshot, BackupError> {
        let snapshot_id: String = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>("pg_export_snapshot()"))
            .get_result(&mut conn)?;
        let keys = referenced_keys(&mut conn)?;
        let (audit_entries, audit_head) = audit_head(&mut conn)?;
        let (dbname, password) = libpq_target(url);
        let mut cmd = Command::new(&pg_dump);
        cmd.arg("--format=custom")
            .arg("--no-owner")
            .arg("--no-privileges")
            .arg(format!("--snapshot={snapshot_id}"))
            .arg(format!("--file={}", target.display()))
            .arg(format!("--dbname={dbname}"));
        if let Some(password) = password {
            cmd.env("PGPASSWORD", password);
        }
        run_tool("pg_dump", &mut cmd)?;
        Ok(Snapshot { file: PG_FILE.to_owned(), keys, audit_entries, audit_head })
    })();
    let _ = conn.batch_execute("COMMIT");
    let snapshot = result?;
    fsync(&target)?;
    Ok(snapshot)
}

/// Every upload key a row references: documents, attachments, deposited copies, credentials'
/// evidence, practices' pictures, indicator reports' evidence, change-support materials.
pub fn referenced_keys(conn: &mut DbConnection) -> QueryResult<BTreeSet<String>> {
    let mut keys = BTreeSet::new();
    keys.extend(objective_documents::table.select(objective_documents::storage_key).load::<String>(conn)?);
    keys.extend(proposal_attachments::table.select(proposal_attachments::storage_key).load::<String>(conn)?);
    keys.extend(deposit_documents::table.select(deposit_documents::storage_key).load::<String>(conn)?);
    keys.extend(support_materials::table.select(support_materials::storage_key).load::<String>(conn)?);
    keys.extend(
        organisation_credentials::table
            .filter(organisation_credentials::evidence_key.is_not_null())
            .select(organisation_credentials::evidence_key)
            .load::<Option<String>>(conn)?
            .into_iter()
            .flatten(),
    );
    keys.extend(
        practices::table
            .filter(practices::picture_key.is_not_null())
            .select(practices::picture_key)
            .load::<Option<String>>(conn)?
            .into_iter()
            .flatten(),
    );
    let evidence: Vec<Option<String>> = indicator_reports::table
        .filter(indicator_reports::evidence.is_not_null())
        .select(indicator_reports::evidence)
        .load(conn)?;
    for json in evidence.into_iter().flatten() {
        if let Some(key) = serde_json::from_str::<serde_json::Value>(&json)
            .ok()
            .and_then(|v| v.get("key").and_then(|k| k.as_str()).map(str::to_owned))
        {
            keys.insert(key);
        }
    }
    Ok(keys)
}

fn audit_head(conn: &mut DbConnection) -> QueryResult<(i64, String)> {
    let count: i64 = audit_log::table.count().get_result(conn)?;
    let head: Option<String> =
        audit_log::table.order(audit_log::id.desc()).select(audit_log::hash).first(conn).optional()?;
    Ok((count, head.unwrap_or_else(|| crate::domain::audit::GENESIS.to_owned())))
}

/// Restores the backup in `from` into the empty database and data directory named by
/// `settings`. Nothing is touched until the whole manifest has been checked and the target found
/// empty.
pub fn restore(settings: &Settings, from: &Path) -> Result<RestoreReport, BackupError> {
    let listed = check_manifest(from)?;
    let description: Description = serde_json::from_slice(&fs::read(from.join(DESCRIPTION)).map_err(io(from))?)
        .map_err(|e| BackupError::BadDescription(e.to_string()))?;
    if description.format != FORMAT {
        return Err(BackupError::BadDescription(format!(
            "format {} (this version reads {FORMAT})",
            description.format
        )));
    }
    let expected = settings.database_url.backend().as_str();
    if description.backend != expected {
        return Err(BackupError::WrongBackend { found: description.backend.clone(), expected });
    }
    if !listed.contains(&description.database) {
        return Err(BackupError::Missing(description.database.clone()));
    }
    let pg_restore = match settings.database_url.backend() {
        Backend::Postgres => Some(find_tool("pg_restore")?),
        Backend::Sqlite => None,
    };
    let tables = table_count(settings)?;
    if tables > 0 {
        return Err(BackupError::DatabaseNotEmpty { tables });
    }
    let uploads = settings.data_dir.join(UPLOADS);
    if has_files(&uploads)? {
        return Err(BackupError::UploadsNotEmpty(uploads));
    }

    // Stage the files beside their place, checking each copy against the manifest again.
    fs::create_dir_all(&settings.data_dir).map_err(io(&settings.data_dir))?;
    let staging = settings.data_dir.join(format!("uploads.restoring-{}", hex::encode(rand::random::<[u8; 4]>())));
    let staged = stage_files(from, &listed, &staging);
    if let Err(e) = staged {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let restored = match (&settings.database_url, pg_restore) {
        (DatabaseUrl::Sqlite(path), _) => restore_sqlite(&from.join(&description.database), path),
        (DatabaseUrl::Postgres(url), Some(tool)) => {
            restore_postgres(&tool, &from.join(&description.database), url.expose())
        }
        (DatabaseUrl::Postgres(_), None) => Err(BackupError::ToolMissing { tool: "pg_restore" }),
    };
    if let Err(e) = restored {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if uploads.exists() {
        fs::remove_dir_all(&uploads).map_err(io(&uploads))?;
    }
    fs::rename(&staging, &uploads).map_err(io(&uploads))?;
    sync_dir(&settings.data_dir)?;
    // A backup of an older version: bring its schema up to date.
    let mut conn = Manager::new(settings.database_url.clone()).connect_once()?;
    let migrations_applied = crate::db::migrations::run_pending(&mut conn)
        .map_err(|e| BackupError::ToolFailed { tool: "migrations", message: e.to_string() })?;
    Ok(RestoreReport { description, migrations_applied })
}

/// Checks every file of the manifest, and that nothing else is in the directory; returns the
/// paths listed.
pub fn check_manifest(from: &Path) -> Result<BTreeSet<String>, BackupError> {
    let manifest = from.join(MANIFEST);
    let text = match fs::read_to_string(&manifest) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(BackupError::NoManifest(from.to_owned())),
        Err(e) => return Err(BackupError::Io { path: manifest, source: e }),
    };
    let mut listed = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let (sum, path) =
            line.split_once("  ").ok_or(BackupError::BadManifest { line: line_no, reason: "expected `SUM  PATH`" })?;
        if sum.len() != 64 || !sum.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(BackupError::BadManifest { line: line_no, reason: "not a SHA-256 in hexadecimal" });
        }
        let safe = !path.is_empty()
            && !path.starts_with('/')
            && path.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
            && path != MANIFEST;
        if !safe {
            return Err(BackupError::BadManifest { line: line_no, reason: "the path leaves the backup directory" });
        }
        let file = from.join(path);
        let actual = match sha256_of(&file) {
            Ok((actual, _)) => actual,
            Err(BackupError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                return Err(BackupError::Missing(path.to_owned()));
            }
            Err(e) => return Err(e),
        };
        if actual != sum {
            return Err(BackupError::Changed(path.to_owned()));
        }
        listed.insert(path.to_owned());
    }
    for path in files_under(from, from)? {
        if path != MANIFEST && !listed.contains(&path) {
            return Err(BackupError::Unlisted(path));
        }
    }
    if !listed.contains(DESCRIPTION) {
        return Err(BackupError::Missing(DESCRIPTION.to_owned()));
    }
    Ok(listed)
}

fn stage_files(from: &Path, listed: &BTreeSet<String>, staging: &Path) -> Result<(), BackupError> {
    fs::create_dir_all(staging).map_err(io(staging))?;
    let prefix = format!("{UPLOADS}/");
    for path in listed {
        let Some(key) = path.strip_prefix(&prefix) else { continue };
        let target = staging.join(key);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        copy_hashing(&from.join(path), &target)?;
    }
    for dir in dirs_under(staging)? {
        sync_dir(&dir)?;
    }
    sync_dir(staging)
}

/// How many tables the target database has (it must have none).
fn table_count(settings: &Settings) -> Result<i64, BackupError> {
    if let DatabaseUrl::Sqlite(path) = &settings.database_url
        && !path.exists()
    {
        return Ok(0);
    }
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = Manager::new(settings.database_url.clone()).connect_once()?;
    let sql = match conn.backend() {
        Backend::Sqlite => "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'",
        Backend::Postgres => {
            "SELECT count(*) AS n FROM information_schema.tables \
             WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        }
    };
    Ok(diesel::sql_query(sql).get_result::<Count>(&mut conn)?.n)
}

fn restore_sqlite(source: &Path, target: &Path) -> Result<(), BackupError> {
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(io(parent))?;
    }
    // The target has no table: an empty file (or its empty journal) may stand there.
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = target.as_os_str().to_owned();
        side.push(suffix);
        let _ = fs::remove_file(PathBuf::from(side));
    }
    let partial = target.with_extension("restoring");
    copy_hashing(source, &partial)?;
    fs::rename(&partial, target).map_err(io(target))?;
    if let Some(parent) = target.parent() {
        sync_dir(parent)?;
    }
    Ok(())
}

fn restore_postgres(pg_restore: &Path, source: &Path, url: &str) -> Result<(), BackupError> {
    let (dbname, password) = libpq_target(url);
    let mut cmd = Command::new(pg_restore);
    cmd.arg("--exit-on-error")
        .arg("--single-transaction")
        .arg("--no-owner")
        .arg("--no-privileges")
        .arg(format!("--dbname={dbname}"))
        .arg(source);
    if let Some(password) = password {
        cmd.env("PGPASSWORD", password);
    }
    run_tool("pg_restore", &mut cmd)
}

/// The URL without its password (which goes in `PGPASSWORD`, not on a command line others can
/// read), and the password.
fn libpq_target(url: &str) -> (String, Option<String>) {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let password = parsed.password().map(percent_decode);
            let _ = parsed.set_password(None);
            (parsed.to_string(), password)
        }
        Err(_) => (url.to_owned(), None),
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("p={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// A PostgreSQL client tool: from PATH, else from the newest `/usr/lib/postgresql/*/bin`.
fn find_tool(tool: &'static str) -> Result<PathBuf, BackupError> {
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).map(|dir| dir.join(tool)).collect())
        .unwrap_or_default();
    if let Ok(entries) = fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<(u32, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()).map(|v| (v, e.path())))
            .collect();
        versions.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
        candidates.extend(versions.into_iter().map(|(_, dir)| dir.join("bin").join(tool)));
    }
    candidates.into_iter().find(|p| p.is_file()).ok_or(BackupError::ToolMissing { tool })
}

fn run_tool(tool: &'static str, cmd: &mut Command) -> Result<(), BackupError> {
    let out = cmd.output().map_err(|e| BackupError::ToolFailed { tool, message: e.to_string() })?;
    if out.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(BackupError::ToolFailed { tool, message: format!("{} ({})", stderr.trim(), out.status) })
    }
}

/// Copies a file, fsyncs the copy, returns its SHA-256 and size.
fn copy_hashing(source: &Path, target: &Path) -> Result<(String, u64), BackupError> {
    let mut input = fs::File::open(source).map_err(io(source))?;
    let mut output = fs::File::create(target).map_err(io(target))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = input.read(&mut buffer).map_err(io(source))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        output.write_all(&buffer[..n]).map_err(io(target))?;
        size += n as u64;
    }
    output.sync_all().map_err(io(target))?;
    Ok((hex::encode(hasher.finalize()), size))
}

fn sha256_of(path: &Path) -> Result<(String, u64), BackupError> {
    crate::uploads::sha256_of_file(path).map_err(io(path))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    let mut file = fs::File::create(path).map_err(io(path))?;
    file.write_all(bytes).map_err(io(path))?;
    file.sync_all().map_err(io(path))
}

fn fsync(path: &Path) -> Result<(), BackupError> {
    fs::File::open(path).and_then(|f| f.sync_all()).map_err(io(path))
}

fn sync_dir(dir: &Path) -> Result<(), BackupError> {
    fs::File::open(dir).and_then(|f| f.sync_all()).map_err(io(dir))
}

/// The keys of the files in an uploads directory (`xx/…`, not the in-progress `tmp/`).
fn stored_keys(uploads: &Path) -> Result<BTreeSet<String>, BackupError> {
    if !uploads.exists() {
        return Ok(BTreeSet::new());
    }
    Ok(files_under(uploads, uploads)?.into_iter().filter(|k| !k.starts_with("tmp/")).collect())
}

fn has_files(dir: &Path) -> Result<bool, BackupError> {
    Ok(dir.exists() && !files_under(dir, dir)?.is_empty())
}

/// Every file under `dir`, as `/`-separated paths relative to `root`.
fn files_under(root: &Path, dir: &Path) -> Result<Vec<String>, BackupError> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io(&path))?;
        if kind.is_dir() {
            found.extend(files_under(root, &path)?);
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            found.push(relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
        }
    }
    Ok(found)
}

fn dirs_under(dir: &Path) -> Result<Vec<PathBuf>, BackupError> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        if entry.file_type().map_err(io(&entry.path()))?.is_dir() {
            found.extend(dirs_under(&entry.path())?);
            found.push(entry.path());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_the_command_line() {
        let (dbname, password) = libpq_target("postgres://app:s%40cret@db.internal:5432/achat");
        assert_eq!(dbname, "postgres://app@db.internal:5432/achat");
        assert_eq!(password.as_deref(), Some("s@cret"));
        assert_eq!(libpq_target("postgres://app@db/achat"), ("postgres://app@db/achat".to_owned(), None));
    }

    #[test]
    fn a_manifest_is_checked_before_anything_else() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(check_manifest(dir.path()), Err(BackupError::NoManifest(_))));
        fs::write(dir.path().join(DESCRIPTION), b"{}").unwrap();
        let sum = hex::encode(Sha256::digest(b"{}"));
        fs::write(dir.path().join(MANIFEST), format!("{sum}  {DESCRIPTION}\n")).unwrap();
        assert_eq!(check_manifest(dir.path()).unwrap().len(), 1);
        fs::write(dir.path().join("extra"), b"x").unwrap();
        assert!(matches!(check_manifest(dir.path()), Err(BackupError::Unlisted(p)) if p == "extra"));
        fs::remove_file(dir.path().join("extra")).unwrap();
        fs::write(dir.path().join(DESCRIPTION), b"{ }").unwrap();
        assert!(matches!(check_manifest(dir.path()), Err(BackupError::Changed(p)) if p == DESCRIPTION));
        fs::write(dir.path().join(MANIFEST), format!("{sum}  ../etc/passwd\n")).unwrap();
        assert!(matches!(check_manifest(dir.path()), Err(BackupError::BadManifest { line: 1, .. })));
    }
}
