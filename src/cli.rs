//! The command line: `serve` (default), `migrate`, `create-admin`, `check-config`, `demo`, `seed`,
//! `audit verify`, `retention list` and `retention purge --confirm`.
//!
//! Exit codes: 0 success, 1 failure at run time (database unreachable, …), 2 bad configuration
//! or usage. A bad configuration is refused before anything is created.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{ConfigError, Settings};
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
    Verify,
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
        Command::Audit { command: AuditCommand::Verify } => {
            return run_async(audit_verify(settings)).map_or_else(
                |message| {
                    eprintln!("error: {message}");
                    ExitCode::from(1)
                },
                |intact| if intact { ExitCode::SUCCESS } else { ExitCode::from(1) },
            );
        }
        Command::Retention { command } => run_async(retention(settings, command)),
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

/// Prints the verdict; `Ok(false)` when the chain is broken.
async fn audit_verify(settings: Settings) -> Result<bool, String> {
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
