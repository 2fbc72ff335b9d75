//! The command line: `serve` (default), `migrate`, `create-admin`, `check-config`, `demo`, `seed`,
//! `backup`, `restore`, `audit` (`verify`, `keygen`, `checkpoint`), `retention list`,
//! `retention purge --confirm`, `uploads sweep`, and `rush-setup` (for the crash harness only).
//!
//! Exit codes: 0 success, 1 failure at run time (database unreachable, …), 2 bad configuration
//! or usage. A bad configuration is refused before anything is created.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{ConfigError, Settings};
use crate::domain::checkpoints;
use crate::domain::email::Email;
use crate::domain::password::{self, NewPassword};
use crate::domain::signed_link;
use crate::domain::users::{self, AdminCreated};
use crate::telemetry;
use crate::web::{Application, Overrides, open_database};

/// How long the set-password link printed by `create-admin` stays valid.
const ADMIN_LINK_HOURS: i64 = 24;

#[derive(Parser, Debug)]
#[command(
    name = "achat-ouvert",
    version,
    about = "Achat Ouvert: open, sustainable public purchasing",
    long_about = "Achat Ouvert: open, sustainable public purchasing.\n\n\
                  Configuration comes from environment variables (DATABASE_URL, BIND, PUBLIC_URL, DATA_DIR, \
                  SMTP_URL, SECRET_KEY, POOL_SIZE, …); see `achat-ouvert check-config` and the README."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the platform (the default): applies pending migrations, then listens on BIND.
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Create the first administrator (or make an existing account administrator).
    ///
    /// On a terminal, asks for the password; otherwise prints a one-time set-password link.
    CreateAdmin {
        /// The administrator's e-mail address.
        #[arg(long)]
        email: String,
    },
    /// Print the effective configuration, secrets masked, and exit.
    CheckConfig,
    /// Load the demo data set into an empty database and print the demo accounts.
    Demo,
    /// Fill an empty database with a deterministic benchmark data set (S, M or L).
    Seed {
        /// S: 10 objectives, 100 proposals; M: 200 and 10,000; L: 2,000 and 100,000.
        #[arg(long, value_enum, default_value = "s")]
        scale: crate::seed::Scale,
    },
    /// Back up the database and the uploaded files it references into DIR, while serving.
    ///
    /// SQLite through `VACUUM INTO`, PostgreSQL through `pg_dump` (needed on this machine); writes a
    /// manifest of SHA-256 sums (`SHA256SUMS`) last. DIR must be missing or empty.
    Backup {
        /// The directory to write (missing or empty).
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Restore a backup into an empty database and data directory (refused otherwise).
    ///
    /// Every file is checked against the manifest before anything is touched; PostgreSQL needs
    /// `pg_restore`.
    Restore {
        /// A directory written by `backup`.
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Audit log commands.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Records past their retention period (docs/OPERATIONS.md, "Retention").
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Uploaded files (docs/OPERATIONS.md, "Uploaded files").
    Uploads {
        #[command(subcommand)]
        command: UploadsCommand,
    },
    /// For the crash harness (tests/crash/rush.py) only: a published objective whose deadline is
    /// seconds away and SUPPLIERS organisations with API tokens, printed as JSON.
    RushSetup {
        /// How many supplier organisations (each an owner and a token).
        #[arg(long, default_value_t = 20)]
        suppliers: usize,
        /// The deadline, in whole seconds from now.
        #[arg(long, default_value_t = 10)]
        deadline_in: i64,
    },
}

#[derive(Subcommand, Debug)]
enum UploadsCommand {
    /// Remove what interrupted uploads left behind: temporary files and files no row references,
    /// last modified at least --min-age seconds ago.
    Sweep {
        /// The default (an hour) is safe while servers run; 0 only when every server is stopped.
        #[arg(long, default_value_t = crate::uploads::STALE_AFTER.as_secs())]
        min_age: u64,
        /// Only count what would be removed.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand, Debug)]
enum RetentionCommand {
    /// List the archived objectives past their retention period (and when the others may go).
    List,
    /// Purge what has passed its retention period; without --confirm, only say what would go.
    Purge {
        /// Really purge (files and rows, audited).
        #[arg(long)]
        confirm: bool,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Walk the whole hash chain; exit 1 and name the first broken entry if any.
    ///
    /// With --checkpoint, also check that a kept checkpoint's signature holds and that the chain
    /// still has its head at its position (neither truncated nor rewritten).
    Verify {
        /// A checkpoint file downloaded from /audit/checkpoints.
        #[arg(long)]
        checkpoint: Option<std::path::PathBuf>,
        /// The platform's public key (hexadecimal, as published on /audit/checkpoints); by
        /// default the one of AUDIT_SIGNING_KEY_FILE.
        #[arg(long, requires = "checkpoint")]
        public_key: Option<String>,
    },
    /// Create a new Ed25519 key to sign the audit checkpoints (never overwrites a file).
    Keygen {
        /// Where to write the key (mode 0600); then set AUDIT_SIGNING_KEY_FILE to it.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Sign and publish a checkpoint of the chain's head now; prints the checkpoint file.
    Checkpoint,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => return config_failure(&e),
    };
    telemetry::init(settings.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => run_async(serve(settings)),
        Command::Migrate => run_async(migrate(settings)),
        Command::CreateAdmin { email } => match Email::parse(&email) {
            Ok(email) => run_async(create_admin(settings, email)),
            Err(e) => {
                eprintln!("error: --email: {e}");
                return ExitCode::from(2);
            }
        },
        Command::Audit { command: AuditCommand::Keygen { to } } => audit_keygen(&to),
        Command::Audit { command: AuditCommand::Checkpoint } => run_async(audit_checkpoint(settings)),
        Command::Audit { command: AuditCommand::Verify { checkpoint, public_key } } => {
            return run_async(audit_verify(settings, checkpoint, public_key)).map_or_else(
                |message| {
                    eprintln!("error: {message}");
                    ExitCode::from(1)
                },
                |intact| if intact { ExitCode::SUCCESS } else { ExitCode::from(1) },
            );
        }
        Command::Backup { to } => backup(&settings, &to),
        Command::Restore { from } => restore(&settings, &from),
        Command::Retention { command } => run_async(retention(settings, command)),
        Command::Uploads { command: UploadsCommand::Sweep { min_age, dry_run } } => {
            run_async(uploads_sweep(settings, min_age, dry_run))
        }
        Command::RushSetup { suppliers, deadline_in } => run_async(rush_setup(settings, suppliers, deadline_in)),
        Command::Demo => run_async(demo(settings)),
        Command::Seed { scale } => run_async(seed(settings, scale)),
        Command::CheckConfig => {
            for (name, value) in settings.describe() {
                println!("{name}={value}");
            }
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            tracing::error!(%message, "stopped");
            ExitCode::from(1)
        }
    }
}

fn config_failure(e: &ConfigError) -> ExitCode {
    eprintln!("configuration error: {e}");
    ExitCode::from(2)
}

fn run_async<T>(future: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    actix_web::rt::System::new().block_on(future)
}

async fn serve(settings: Settings) -> Result<(), String> {
    let bind = settings.bind;
    let backend = settings.database_url.backend().as_str();
    let app = Application::build(settings, Overrides::default()).await.map_err(|e| e.to_string())?;
    let port = app.port();
    let running = actix_web::rt::spawn(app.run_until_stopped());
    // The server installs its SIGINT/SIGTERM handlers and starts accepting on its first poll:
    // let it run once before announcing that it listens.
    actix_web::rt::task::yield_now().await;
    tracing::info!(%bind, port, database = backend, "listening");
    running.await.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    tracing::info!("stopped gracefully");
    Ok(())
}

async fn migrate(settings: Settings) -> Result<(), String> {
    settings.prepare().map_err(|e| format!("cannot prepare {}: {e}", settings.data_dir.display()))?;
    let (_, applied) = open_database(&settings).await.map_err(|e| e.to_string())?;
    if applied.is_empty() {
        println!("database is up to date");
    } else {
        for version in applied {
            println!("applied {version}");
        }
    }
    Ok(())
}

async fn create_admin(settings: Settings, email: Email) -> Result<(), String> {
    let secret = settings.prepare().map_err(|e| format!("cannot prepare {}: {e}", settings.data_dir.display()))?;
    let (db, _) = open_database(&settings).await.map_err(|e| e.to_string())?;
    let now = chrono::Utc::now();
    let created = {
        let db = db.clone();
        let email = email.clone();
        actix_web::web::block(move || {
            let mut conn = db.get().map_err(|e| e.to_string())?;
            users::create_admin(&mut conn, &email, now.naive_utc()).map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())??
    };
    match &created {
        AdminCreated::New(_) => println!("created administrator {email}"),
        AdminCreated::Promoted(_) => println!("{email} already had an account; it is now an administrator"),
    }
    let user = created.user().clone();

    if std::io::stdin().is_terminal() {
        let password = prompt_password()?;
        let hash = actix_web::web::block(move || password::hash(&password))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        let expected = signed_link::password_state(user.password_hash.as_deref());
        let stored = actix_web::web::block(move || {
            let mut conn = db.get().map_err(|e| e.to_string())?;
            users::set_password_if_unchanged(&mut conn, user.id, &expected, &hash, chrono::Utc::now().naive_utc())
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())??;
        if !stored {
            return Err("the password changed meanwhile; run the command again".into());
        }
        println!("password set");
    } else {
        let state = signed_link::password_state(user.password_hash.as_deref());
        let expires = now + chrono::Duration::hours(ADMIN_LINK_HOURS);
        let token =
            signed_link::issue(secret.expose().as_bytes(), signed_link::Purpose::SetPassword, user.id, expires, &state)
                .map_err(|e| e.to_string())?;
        let mut link = settings.public_url.join("account/set-password").map_err(|e| e.to_string())?;
        link.query_pairs_mut().append_pair("token", &token);
        println!("set the password within {ADMIN_LINK_HOURS} hours at: {link}");
    }
    Ok(())
}

fn prompt_password() -> Result<NewPassword, String> {
    for _ in 0..3 {
        let first = rpassword::prompt_password("Password (at least 12 characters): ").map_err(|e| e.to_string())?;
        let second = rpassword::prompt_password("Password again: ").map_err(|e| e.to_string())?;
        match NewPassword::parse(&first, &second) {
            Ok(p) => return Ok(p),
            Err(e) => eprintln!("{e}; try again"),
        }
    }
    Err("no acceptable password given".into())
}

fn audit_keygen(to: &std::path::Path) -> Result<(), String> {
    let public = checkpoints::keygen(to).map_err(|e| e.to_string())?;
    println!("wrote a new signing key to {} (keep it secret, and keep a copy apart from the backups)", to.display());
    println!("public key: {}", hex::encode(public.as_bytes()));
    println!("key id: {}", checkpoints::key_id(&public));
    println!("set AUDIT_SIGNING_KEY_FILE={} to publish the audit checkpoints", to.display());
    Ok(())
}

async fn audit_checkpoint(settings: Settings) -> Result<(), String> {
    let path = settings
        .audit_signing_key
        .clone()
        .ok_or("AUDIT_SIGNING_KEY_FILE is not set: create a key with `achat-ouvert audit keygen --to FILE`")?;
    let key = checkpoints::load_key(&path).map_err(|e| e.to_string())?;
    let (db, _) = open_database(&settings).await.map_err(|e| e.to_string())?;
    let now = chrono::Utc::now().naive_utc();
    let (checkpoint, created) = actix_web::web::block(move || {
        let mut conn = db.get().map_err(|e| e.to_string())?;
        checkpoints::checkpoint(&mut conn, now, &key).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())??;
    eprintln!(
        "{} checkpoint of entry #{} (head {})",
        if created { "published the" } else { "this head was already signed: the" },
        checkpoint.sequence,
        checkpoint.head_hash
    );
    let file = serde_json::to_string_pretty(&checkpoint.file()).map_err(|e| e.to_string())?;
    println!("{file}");
    Ok(())
}

/// Prints the verdict; `Ok(false)` when the chain is broken or the checkpoint does not hold.
async fn audit_verify(
    settings: Settings,
    checkpoint: Option<std::path::PathBuf>,
    public_key: Option<String>,
) -> Result<bool, String> {
    if let Some(path) = checkpoint {
        return audit_verify_checkpoint(settings, &path, public_key).await;
    }
    let (db, _) = open_database(&settings).await.map_err(|e| e.to_string())?;
    let verdict = actix_web::web::block(move || {
        let mut conn = db.get().map_err(|e| e.to_string())?;
        crate::domain::audit::verify(&mut conn).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())??;
    match verdict {
        Ok(count) => {
            println!("audit log intact: {count} entries");
            Ok(true)
        }
        Err(broken) => {
            println!("audit log broken at entry {}: {}", broken.id, broken.reason);
            Ok(false)
        }
    }
}

fn backup(settings: &Settings, to: &std::path::Path) -> Result<(), String> {
    let started = std::time::Instant::now();
    let report = crate::backup::backup(settings, to, chrono::Utc::now()).map_err(|e| e.to_string())?;
    let d = &report.description;
    println!(
        "backed up {} database, {} files ({} bytes) into {} in {:.1} s; audit log: {} entries, head {}",
        d.backend,
        d.files,
        report.bytes,
        to.display(),
        started.elapsed().as_secs_f64(),
        d.audit_entries,
        d.audit_head
    );
    if d.orphans_left_out > 0 {
        println!("left out {} files no row references (uploads in progress, removed drafts)", d.orphans_left_out);
    }
    Ok(())
}

fn restore(settings: &Settings, from: &std::path::Path) -> Result<(), String> {
    let report = crate::backup::restore(settings, from).map_err(|e| e.to_string())?;
    let d = &report.description;
    println!(
        "restored the backup of {} ({} database, {} files; audit log: {} entries, head {})",
        d.created_at, d.backend, d.files, d.audit_entries, d.audit_head
    );
    for version in report.migrations_applied {
        println!("applied {version}");
    }
    println!("run `achat-ouvert audit verify` to check the restored audit log");
    Ok(())
}

async fn audit_verify_checkpoint(
    settings: Settings,
    path: &std::path::Path,
    public_key: Option<String>,
) -> Result<bool, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: checkpoints::CheckpointFile =
        serde_json::from_str(&text).map_err(|e| format!("{} is not a checkpoint file: {e}", path.display()))?;
    let public = match (public_key, &settings.audit_signing_key) {
        (Some(text), _) => checkpoints::parse_public_key(&text).map_err(|e| e.to_string())?,
        (None, Some(key)) => checkpoints::load_key(key).map_err(|e| e.to_string())?.verifying_key(),
        (None, None) => {
            return Err("no public key: pass --public-key (published on /audit/checkpoints) or set \
                        AUDIT_SIGNING_KEY_FILE"
                .into());
        }
    };
    let (db, _) = open_database(&settings).await.map_err(|e| e.to_string())?;
    let verdict = actix_web::web::block(move || {
        let mut conn = db.get().map_err(|e| e.to_string())?;
        checkpoints::verify(&mut conn, &file, &public).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())??;
    match verdict {
        Ok(count) => {
            println!(
                "checkpoint holds: the signature is the platform's and the audit log ({count} entries) still has its head"
            );
            Ok(true)
        }
        Err(mismatch) => {
            println!("checkpoint does not hold: {mismatch}");
            Ok(false)
        }
    }
}

async fn retention(settings: Settings, command: RetentionCommand) -> Result<(), String> {
    let (db, _) = open_database(&settings).await.map_err(|e| e.to_string())?;
    let now = chrono::Utc::now().naive_utc();
    let text = actix_web::web::block(move || match command {
        RetentionCommand::List => retention_list(&db, &settings, now),
        RetentionCommand::Purge { confirm } => retention_purge(&db, &settings, now, confirm),
    })
    .await
    .map_err(|e| e.to_string())??;
    print!("{text}");
    Ok(())
}

/// `retention list` at `now`: the archived objectives past their retention period, then the
/// others with the day their period ends. Returns the text printed.
pub fn retention_list(db: &crate::db::Db, settings: &Settings, now: chrono::NaiveDateTime) -> Result<String, String> {
    use crate::domain::retention;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let all = retention::archived(&mut conn, &settings.retention).map_err(|e| e.to_string())?;
    let expired = retention::expired(&mut conn, &settings.retention, now).map_err(|e| e.to_string())?;
    let mut out = String::new();
    if expired.is_empty() {
        out.push_str("nothing has passed its retention period\n");
    } else {
        out.push_str(&format!("{} archived objective(s) past their retention period:\n", expired.len()));
        for k in &expired {
            out.push_str(&format!(
                "  #{} {} \"{}\": kept until {} ({})\n",
                k.objective.0, k.reference, k.title, k.until, k.basis
            ));
        }
    }
    let kept: Vec<_> = all.iter().filter(|k| !expired.iter().any(|e| e.objective == k.objective)).collect();
    if !kept.is_empty() {
        out.push_str(&format!("{} archived objective(s) still within their retention period:\n", kept.len()));
        for k in kept {
            out.push_str(&format!(
                "  #{} {} \"{}\": kept until {} ({})\n",
                k.objective.0, k.reference, k.title, k.until, k.basis
            ));
        }
    }
    Ok(out)
}

/// `retention purge [--confirm]` at `now`. Without `confirm`, changes nothing and says what would
/// go; with it, purges each objective past its period (rows in one audited transaction each, then
/// the files no row refers to any more). Returns the text printed.
pub fn retention_purge(
    db: &crate::db::Db,
    settings: &Settings,
    now: chrono::NaiveDateTime,
    confirm: bool,
) -> Result<String, String> {
    use crate::domain::retention;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    if !confirm {
        let expired = retention::expired(&mut conn, &settings.retention, now).map_err(|e| e.to_string())?;
        let mut out = format!("{} archived objective(s) would be purged:\n", expired.len());
        for k in &expired {
            out.push_str(&format!("  #{} {} \"{}\"\n", k.objective.0, k.reference, k.title));
        }
        out.push_str("nothing purged: run again with --confirm to purge\n");
        return Ok(out);
    }
    let (done, keys) = retention::purge(&mut conn, &settings.retention, now).map_err(|e| e.to_string())?;
    let store = crate::uploads::Store::new(&settings.data_dir);
    let mut missing = 0;
    for key in &keys {
        match store.path_of(key).map(std::fs::remove_file) {
            Some(Ok(())) => {}
            Some(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => missing += 1,
            Some(Err(e)) => return Err(format!("cannot remove the file {key}: {e}")),
            None => missing += 1,
        }
    }
    let mut out = format!("purged {} archived objective(s)\n", done.len());
    for (k, p) in &done {
        out.push_str(&format!(
            "  #{} {}: {} file(s), {} attachment(s), {} deposited document(s), {} proposal(s) emptied, {} evaluation(s), {} message(s), {} evidence file reference(s)\n",
            k.objective.0, k.reference, p.files, p.attachments, p.deposit_documents, p.proposals_emptied, p.evaluations, p.messages, p.evidence
        ));
    }
    if missing > 0 {
        out.push_str(&format!("{missing} file(s) were already gone\n"));
    }
    Ok(out)
}

async fn seed(settings: Settings, scale: crate::seed::Scale) -> Result<(), String> {
    settings.prepare().map_err(|e| format!("cannot prepare {}: {e}", settings.data_dir.display()))?;
    let (db, _) = open_database(&settings).await.map_err(|e| e.to_string())?;
    let now = chrono::Utc::now().naive_utc();
    let started = std::time::Instant::now();
    let report = actix_web::web::block(move || {
        let mut conn = db.get().map_err(|e| e.to_string())?;
        let mut last = String::new();
        let mut progress = |what: &str, done: usize, total: usize| {
            use std::io::Write;
            let line = format!("{what}: {}%", (done * 100).checked_div(total).unwrap_or(100));
            if line != last {
                eprint!("\r{line:<40}");
                let _ = std::io::stderr().flush();
                last = line;
            }
        };
        crate::seed::run(&mut conn, scale, now, &mut progress)
    })
    .await
    .map_err(|e| e.to_string())??;
    eprintln!();
    println!(
        "seeded {:?} in {:.1} s: {} organisations, {} accounts, {} objectives, {} proposals, {} deposits, {} evaluations, {} scores",
        scale,
        started.elapsed().as_secs_f64(),
        report.organisations,
        report.users,
        report.objectives,
        report.proposals,
        report.deposits,
        report.evaluations,
        report.scores
    );
    println!("every account's password: {}", crate::seed::PASSWORD);
    Ok(())
}

async fn demo(settings: Settings) -> Result<(), String> {
    settings.prepare().map_err(|e| format!("cannot prepare {}: {e}", settings.data_dir.display()))?;
    let (db, _) = open_database(&settings).await.map_err(|e| e.to_string())?;
    let now = chrono::Utc::now().naive_utc();
    let public_url = settings.public_url.clone();
    let (accounts, count) = actix_web::web::block(move || {
        let mut conn = db.get().map_err(|e| e.to_string())?;
        crate::demo::load(&mut conn, now, &public_url).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())??;
    println!("demo loaded: {count} objectives, {} accounts", accounts.len());
    println!();
    println!("sign in at {}login with:", settings.public_url);
    for a in &accounts {
        println!("  {:<28} {:<36} {}", a.role, a.email, a.password);
    }
    Ok(())
}

async fn uploads_sweep(settings: Settings, min_age: u64, dry_run: bool) -> Result<(), String> {
    let (db, _) = open_database(&settings).await.map_err(|e| e.to_string())?;
    let data_dir = settings.data_dir.clone();
    let swept = actix_web::web::block(move || {
        let mut conn = db.get().map_err(|e| e.to_string())?;
        crate::uploads::sweep(&mut conn, &data_dir, std::time::Duration::from_secs(min_age), dry_run)
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())??;
    println!(
        "{} {} temporary file(s) and {} unreferenced file(s) older than {min_age} s; {} more recent file(s) left alone",
        if dry_run { "would remove" } else { "removed" },
        swept.temporary,
        swept.unreferenced,
        swept.recent
    );
    Ok(())
}

async fn rush_setup(settings: Settings, suppliers: usize, deadline_in: i64) -> Result<(), String> {
    if !(1..=10_000).contains(&suppliers) || !(1..=86_400).contains(&deadline_in) {
        return Err("--suppliers takes 1 to 10000, --deadline-in 1 to 86400 seconds".into());
    }
    settings.prepare().map_err(|e| format!("cannot prepare {}: {e}", settings.data_dir.display()))?;
    let (db, _) = open_database(&settings).await.map_err(|e| e.to_string())?;
    let setup = actix_web::web::block(move || {
        let mut conn = db.get().map_err(|e| e.to_string())?;
        crate::rush::setup(&mut conn, suppliers, deadline_in, chrono::Utc::now().naive_utc()).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())??;
    println!("{}", serde_json::to_string(&setup).map_err(|e| e.to_string())?);
    Ok(())
}
