//! Typed configuration read from the environment, validated before anything is created.
//!
//! `Settings::from_env` only parses: it touches no file and opens no connection, so a bad value
//! stops start-up (exit code 2) with nothing created. `Settings::prepare` then creates the data
//! directory and the generated secret.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::db::Backend;

/// A value that must never be printed or logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"********\"")
    }
}

/// Where the database lives, parsed from `DATABASE_URL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(Secret),
}

impl DatabaseUrl {
    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }

    /// The URL with any password replaced, for `check-config` and logs.
    pub fn masked(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(secret) => match url::Url::parse(secret.expose()) {
                Ok(mut url) => {
                    if url.password().is_some() {
                        let _ = url.set_password(Some("********"));
                    }
                    url.to_string()
                }
                Err(_) => "postgres://(unparsable)".to_owned(),
            },
        }
    }
}

/// How mail leaves the platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailTransportSetting {
    /// `.eml` files under `DATA_DIR/outbox` (the default, for development).
    Files,
    /// An SMTP relay; the URL may carry credentials.
    Smtp(Secret),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Where the secret key comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretKeySource {
    Env(Secret),
    /// Generated on first start and kept in `DATA_DIR/secret_key` (mode 0600).
    Generated,
}

/// The effective configuration of one application instance. Passed explicitly, never global.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub bind: SocketAddr,
    pub public_url: url::Url,
    pub data_dir: PathBuf,
    pub mail: MailTransportSetting,
    pub mail_from: String,
    pub secret_key: SecretKeySource,
    pub pool_size: u32,
    /// How long start-up keeps retrying an unreachable database.
    pub db_connect_timeout: Duration,
    /// How long a request waits for a pooled connection before answering 503.
    pub db_acquire_timeout: Duration,
    pub workers: Option<usize>,
    pub log_format: LogFormat,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, whatever happens.
    pub session_max_age: Duration,
    /// Whether to take the client address from `X-Forwarded-For` (behind a reverse proxy).
    pub trust_proxy: bool,
    /// The shortest time between publishing an objective and its deadline.
    pub min_response_period: Duration,
    /// The largest file accepted, in bytes.
    pub max_file_size: u64,
    /// The most all the files of one objective (or proposal) may weigh together, in bytes.
    pub max_total_size: u64,
    /// The buyer's name in receipts and open data.
    pub buyer_name: String,
    /// The OCDS ocid prefix registered by the buyer (`ocds-` and six characters).
    pub ocid_prefix: String,
    /// The administrative court competent for the remedies against an award, named in the letters.
    pub remedies_court: String,
    /// The buyer's SIRET, for the French essential data of contracts (DECP); without it they
    /// are not published (their schema requires it).
    pub buyer_siret: Option<String>,
    /// Who publishes the site and answers for it: the legal notice, the accessibility statement
    /// and the privacy notice name them (docs/PUBLIC-SITE.md).
    pub site: PublicSite,
    /// The Ed25519 key that signs the audit checkpoints (`achat-ouvert audit keygen --to FILE`);
    /// without it, no checkpoint is published.
    pub audit_signing_key: Option<PathBuf>,
    /// `SCHEDULER_TICK`: how often each server looks for scheduled jobs that are due.
    pub scheduler_tick: Duration,
    /// `REMINDER_DAYS_BEFORE`: how many days before an indicator report is due its holder is reminded.
    pub reminder_days_before: u32,
    /// How long records are kept before `retention purge` may remove them (docs/OPERATIONS.md).
    pub retention: Retention,
}

/// The retention periods, in years, never below what the public procurement code requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// `RETENTION_PROCEDURE_YEARS`: applications, proposals and the procedure's documents, from the
    /// signature of the contract (article R2184-12: at least 5 years).
    pub procedure_years: u32,
    /// `RETENTION_CONTRACT_YEARS`: a supplies or services contract's documents, from the end of its
    /// execution (article R2184-13: at least 5 years).
    pub contract_years: u32,
    /// `RETENTION_WORKS_CONTRACT_YEARS`: the same for works contracts (CPV division 45), from the
    /// end of execution (article R2184-13: at least 10 years).
    pub works_contract_years: u32,
}

impl Retention {
    pub const MIN_PROCEDURE_YEARS: u32 = 5;
    pub const MIN_CONTRACT_YEARS: u32 = 5;
    pub const MIN_WORKS_CONTRACT_YEARS: u32 = 10;
}

/// The people and addresses the public statements name (legal notice, accessibility, privacy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicSite {
    /// `SITE_PUBLISHER`: the body that publishes the site (default: `BUYER_NAME`).
    pub publisher: String,
    /// `SITE_PUBLISHER_ADDRESS`: its postal address.
    pub publisher_address: String,
    /// `SITE_PUBLICATION_DIRECTOR`: the director of publication (a person or an office).
    pub publication_director: String,
    /// `SITE_HOST`: the host's name, address and telephone (default: the publisher, self-hosted).
    pub host: String,
    /// `SITE_CONTACT_EMAIL`: where accessibility feedback and questions go.
    pub contact_email: String,
    /// `SITE_DPO_CONTACT`: the data protection officer's contact.
    pub dpo_contact: String,
    /// `ACCESSIBILITY_STATUS`: `full`, `partial` (default) or `none`, as measured by the last audit.
    pub accessibility: Conformity,
    /// `ACCESSIBILITY_STATEMENT_DATE`: when the accessibility statement was drawn up.
    pub statement_date: chrono::NaiveDate,
}

/// The RGAA conformity status the accessibility statement declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conformity {
    Full,
    Partial,
    None,
}

impl Conformity {
    pub fn as_str(self) -> &'static str {
        match self {
            Conformity::Full => "full",
            Conformity::Partial => "partial",
            Conformity::None => "none",
        }
    }
}

/// A configuration value that cannot be used; names the variable and what is expected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: {problem} (expected {expected})")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
    pub expected: &'static str,
}

impl ConfigError {
    fn new(variable: &'static str, problem: impl Into<String>, expected: &'static str) -> Self {
        ConfigError { variable, problem: problem.into(), expected }
    }
}

/// Every variable the platform reads, with its default, for `check-config` and the README.
pub const VARIABLES: &[(&str, &str)] = &[
    ("DATABASE_URL", "sqlite://$DATA_DIR/achat-ouvert.sqlite3"),
    ("BIND", "127.0.0.1:8080"),
    ("PUBLIC_URL", "http://localhost:$PORT"),
    ("DATA_DIR", "./data"),
    ("SMTP_URL", "(unset: .eml files in $DATA_DIR/outbox)"),
    ("MAIL_FROM", "Achat Ouvert <no-reply@$PUBLIC_URL host>"),
    ("SECRET_KEY", "(unset: generated into $DATA_DIR/secret_key)"),
    ("POOL_SIZE", "10"),
    ("DB_CONNECT_TIMEOUT", "30 (seconds)"),
    ("DB_ACQUIRE_TIMEOUT", "5 (seconds)"),
    ("WORKERS", "(number of cores)"),
    ("LOG_FORMAT", "text"),
    ("SESSION_IDLE_TIMEOUT", "7200 (seconds)"),
    ("SESSION_MAX_AGE", "43200 (seconds)"),
    ("TRUST_PROXY", "false"),
    ("MIN_RESPONSE_PERIOD", "604800 (seconds: 7 days)"),
    ("MAX_FILE_SIZE", "26214400 (bytes: 25 MiB)"),
    ("MAX_TOTAL_SIZE", "104857600 (bytes: 100 MiB)"),
    ("BUYER_NAME", "Région"),
    ("BUYER_SIRET", "(unset: the DECP outputs answer 404 decp_not_configured)"),
    ("REMEDIES_COURT", "Tribunal administratif de Lyon, 184 rue Duguesclin, 69433 Lyon Cedex 03"),
    ("OCID_PREFIX", "ocds-ao0000"),
    ("SITE_PUBLISHER", "$BUYER_NAME"),
    ("SITE_PUBLISHER_ADDRESS", "Hôtel de Région, 1 esplanade François-Mitterrand, 69002 Lyon"),
    ("SITE_PUBLICATION_DIRECTOR", "La présidence du conseil régional"),
    ("SITE_HOST", "$SITE_PUBLISHER, $SITE_PUBLISHER_ADDRESS (self-hosted)"),
    ("SITE_CONTACT_EMAIL", "contact@$PUBLIC_URL host"),
    ("SITE_DPO_CONTACT", "dpo@$PUBLIC_URL host"),
    ("ACCESSIBILITY_STATUS", "partial (full, partial or none)"),
    ("ACCESSIBILITY_STATEMENT_DATE", "2026-12-07"),
    ("AUDIT_SIGNING_KEY_FILE", "(unset: no audit checkpoint is published)"),
    ("SCHEDULER_TICK", "60 (seconds)"),
    ("REMINDER_DAYS_BEFORE", "14 (days)"),
    ("RETENTION_PROCEDURE_YEARS", "5 (years, at least 5: article R2184-12)"),
    ("RETENTION_CONTRACT_YEARS", "5 (years, at least 5: article R2184-13)"),
    ("RETENTION_WORKS_CONTRACT_YEARS", "10 (years, at least 10: article R2184-13)"),
];

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Settings, ConfigError> {
        let vars: HashMap<String, String> = std::env::vars().collect();
        Settings::from_map(&vars)
    }

    /// Parses settings from a map of variables; empty values count as unset.
    pub fn from_map(vars: &HashMap<String, String>) -> Result<Settings, ConfigError> {
        let get = |name: &str| vars.get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());

        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "./data".to_owned()));

        let bind_raw = get("BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let bind: SocketAddr = bind_raw.parse().map_err(|_| {
            ConfigError::new(
                "BIND",
                format!("`{bind_raw}` is not an address and port"),
                "IP:PORT such as 127.0.0.1:8080",
            )
        })?;

        let database_url = match get("DATABASE_URL") {
            None => DatabaseUrl::Sqlite(data_dir.join("achat-ouvert.sqlite3")),
            Some(raw) => parse_database_url(&raw)?,
        };

        let public_url = match get("PUBLIC_URL") {
            None => url::Url::parse(&format!("http://localhost:{}/", bind.port()))
                .map_err(|e| ConfigError::new("PUBLIC_URL", e.to_string(), "an http:// or https:// URL"))?,
            Some(raw) => parse_public_url(&raw)?,
        };

        let mail = match get("SMTP_URL") {
            None => MailTransportSetting::Files,
            Some(raw) => {
                crate::mail::validate_smtp_url(&raw).map_err(|problem| {
                    ConfigError::new(
                        "SMTP_URL",
                        problem,
                        "smtp://[user:password@]host[:port] or smtps://…, optionally ?tls=required",
                    )
                })?;
                MailTransportSetting::Smtp(Secret::new(raw))
            }
        };

        let host = public_url.host_str().unwrap_or("localhost").to_owned();
        let mail_from = get("MAIL_FROM").unwrap_or_else(|| format!("Achat Ouvert <no-reply@{host}>"));
        crate::mail::validate_mailbox(&mail_from).map_err(|problem| {
            ConfigError::new("MAIL_FROM", problem, "a mailbox such as Achat Ouvert <no-reply@example.org>")
        })?;

        let secret_key = match get("SECRET_KEY") {
            None => SecretKeySource::Generated,
            Some(raw) if raw.len() < 32 => {
                return Err(ConfigError::new(
                    "SECRET_KEY",
                    format!("only {} characters", raw.len()),
                    "at least 32 random characters",
                ));
            }
            Some(raw) => SecretKeySource::Env(Secret::new(raw)),
        };

        let pool_size = parse_number(&get, "POOL_SIZE", 10, 1, 200, "an integer from 1 to 200")?;
        let connect = parse_number(&get, "DB_CONNECT_TIMEOUT", 30, 0, 3600, "a number of seconds from 0 to 3600")?;
        let acquire = parse_number(&get, "DB_ACQUIRE_TIMEOUT", 5, 1, 300, "a number of seconds from 1 to 300")?;
        let workers = match get("WORKERS") {
            None => None,
            Some(_) => Some(parse_number(&get, "WORKERS", 1, 1, 256, "an integer from 1 to 256")? as usize),
        };
        let log_format = match get("LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError::new("LOG_FORMAT", format!("`{other}` is not a format"), "text or json"));
            }
        };

        let idle = parse_number(
            &get,
            "SESSION_IDLE_TIMEOUT",
            7200,
            60,
            30 * 86_400,
            "a number of seconds from 60 to 2592000",
        )?;
        let max_age =
            parse_number(&get, "SESSION_MAX_AGE", 43_200, 60, 90 * 86_400, "a number of seconds from 60 to 7776000")?;
        let trust_proxy = match get("TRUST_PROXY").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => {
                return Err(ConfigError::new("TRUST_PROXY", format!("`{other}` is not a boolean"), "true or false"));
            }
        };

        let min_response = parse_number(
            &get,
            "MIN_RESPONSE_PERIOD",
            604_800,
            1,
            365 * 86_400,
            "a number of seconds from 1 to 31536000",
        )?;

        let max_file =
            parse_number(&get, "MAX_FILE_SIZE", 25 * 1024 * 1024, 1024, u32::MAX, "a number of bytes, at least 1024")?;
        let max_total = parse_number(
            &get,
            "MAX_TOTAL_SIZE",
            100 * 1024 * 1024,
            1024,
            u32::MAX,
            "a number of bytes, at least 1024",
        )?;
        let buyer_name = get("BUYER_NAME").unwrap_or_else(|| "Région".to_owned());
        if buyer_name.chars().count() > 200 || buyer_name.chars().any(char::is_control) {
            return Err(ConfigError::new(
                "BUYER_NAME",
                "longer than 200 characters or on several lines",
                "the buyer's name, on one line",
            ));
        }
        let remedies_court = get("REMEDIES_COURT")
            .unwrap_or_else(|| "Tribunal administratif de Lyon, 184 rue Duguesclin, 69433 Lyon Cedex 03".to_owned());
        if remedies_court.trim().is_empty() || remedies_court.chars().count() > 300 {
            return Err(ConfigError::new(
                "REMEDIES_COURT",
                "empty or longer than 300 characters",
                "the court's name and address",
            ));
        }
        let buyer_siret = match get("BUYER_SIRET").map(|s| s.split_whitespace().collect::<String>()) {
            None => None,
            Some(s) if s.is_empty() => None,
            Some(s) if valid_siret(&s) => Some(s),
            Some(_) => {
                return Err(ConfigError::new(
                    "BUYER_SIRET",
                    "not a valid SIRET",
                    "the buyer's 14-digit SIRET, with its check digit",
                ));
            }
        };
        let site = parse_public_site(&get, &buyer_name, &host)?;
        let ocid_prefix = get("OCID_PREFIX").unwrap_or_else(|| "ocds-ao0000".to_owned());
        let prefix_ok = ocid_prefix.len() == 11
            && ocid_prefix.starts_with("ocds-")
            && ocid_prefix[5..].chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        if !prefix_ok {
            return Err(ConfigError::new(
                "OCID_PREFIX",
                format!("`{ocid_prefix}` is not an OCDS prefix"),
                "ocds- followed by six lowercase letters or digits",
            ));
        }

        let scheduler_tick = parse_number(&get, "SCHEDULER_TICK", 60, 1, 3600, "a number of seconds from 1 to 3600")?;
        let reminder_days_before =
            parse_number(&get, "REMINDER_DAYS_BEFORE", 14, 1, 90, "a number of days from 1 to 90")?;
        let retention = Retention {
            procedure_years: parse_years(
                &get,
                "RETENTION_PROCEDURE_YEARS",
                Retention::MIN_PROCEDURE_YEARS,
                "a number of years, at least 5 (article R2184-12 of the public procurement code)",
            )?,
            contract_years: parse_years(
                &get,
                "RETENTION_CONTRACT_YEARS",
                Retention::MIN_CONTRACT_YEARS,
                "a number of years, at least 5 (article R2184-13 of the public procurement code)",
            )?,
            works_contract_years: parse_years(
                &get,
                "RETENTION_WORKS_CONTRACT_YEARS",
                Retention::MIN_WORKS_CONTRACT_YEARS,
                "a number of years, at least 10 for works (article R2184-13 of the public procurement code)",
            )?,
        };

        Ok(Settings {
            database_url,
            bind,
            public_url,
            data_dir,
            mail,
            mail_from,
            secret_key,
            pool_size,
            db_connect_timeout: Duration::from_secs(u64::from(connect)),
            db_acquire_timeout: Duration::from_secs(u64::from(acquire)),
            workers,
            log_format,
            session_idle: Duration::from_secs(u64::from(idle)),
            session_max_age: Duration::from_secs(u64::from(max_age)),
            trust_proxy,
            min_response_period: Duration::from_secs(u64::from(min_response)),
            buyer_name,
            ocid_prefix,
            remedies_court,
            buyer_siret,
            site,
            max_file_size: u64::from(max_file),
            max_total_size: u64::from(max_total),
            audit_signing_key: get("AUDIT_SIGNING_KEY_FILE").filter(|p| !p.trim().is_empty()).map(PathBuf::from),
            scheduler_tick: Duration::from_secs(u64::from(scheduler_tick)),
            reminder_days_before,
            retention,
        })
    }

    /// Whether the public address is https (cookies get `Secure`, responses get HSTS).
    pub fn is_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    pub fn secret_key_path(&self) -> PathBuf {
        self.data_dir.join("secret_key")
    }

    /// The session cookie's name: `__Host-` prefixed when served over https.
    pub fn session_cookie_name(&self) -> &'static str {
        if self.is_https() { "__Host-ao_session" } else { "ao_session" }
    }

    /// The anonymous CSRF cookie's name.
    pub fn csrf_cookie_name(&self) -> &'static str {
        if self.is_https() { "__Host-ao_csrf" } else { "ao_csrf" }
    }

    pub fn session_lifetimes(&self) -> crate::domain::sessions::Lifetimes {
        crate::domain::sessions::Lifetimes {
            idle: chrono::Duration::seconds(self.session_idle.as_secs() as i64),
            absolute: chrono::Duration::seconds(self.session_max_age.as_secs() as i64),
        }
    }

    pub fn min_response(&self) -> chrono::Duration {
        chrono::Duration::seconds(self.min_response_period.as_secs() as i64)
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// Creates the data directory and, if needed, the generated secret key; returns the key.
    pub fn prepare(&self) -> std::io::Result<Secret> {
        std::fs::create_dir_all(&self.data_dir)?;
        if let DatabaseUrl::Sqlite(path) = &self.database_url
            && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)?;
        }
        match &self.secret_key {
            SecretKeySource::Env(secret) => Ok(secret.clone()),
            SecretKeySource::Generated => load_or_generate_secret(&self.secret_key_path()),
        }
    }

    /// The effective configuration as `NAME=value` lines, secrets masked.
    pub fn describe(&self) -> Vec<(String, String)> {
        let secret = match &self.secret_key {
            SecretKeySource::Env(_) => "******** (from SECRET_KEY)".to_owned(),
            SecretKeySource::Generated => format!("******** (generated, kept in {})", self.secret_key_path().display()),
        };
        let smtp = match &self.mail {
            MailTransportSetting::Files => format!("(unset: mails written to {})", self.outbox_dir().display()),
            MailTransportSetting::Smtp(url) => crate::mail::mask_smtp_url(url.expose()),
        };
        vec![
            ("DATABASE_URL".into(), self.database_url.masked()),
            ("database backend".into(), self.database_url.backend().as_str().into()),
            ("BIND".into(), self.bind.to_string()),
            ("PUBLIC_URL".into(), self.public_url.to_string()),
            ("DATA_DIR".into(), self.data_dir.display().to_string()),
            ("SMTP_URL".into(), smtp),
            ("MAIL_FROM".into(), self.mail_from.clone()),
            ("SECRET_KEY".into(), secret),
            ("POOL_SIZE".into(), self.pool_size.to_string()),
            ("DB_CONNECT_TIMEOUT".into(), format!("{}s", self.db_connect_timeout.as_secs())),
            ("DB_ACQUIRE_TIMEOUT".into(), format!("{}s", self.db_acquire_timeout.as_secs())),
            ("WORKERS".into(), self.workers.map_or_else(|| "(number of cores)".to_owned(), |w| w.to_string())),
            ("LOG_FORMAT".into(), format!("{:?}", self.log_format).to_lowercase()),
            ("SESSION_IDLE_TIMEOUT".into(), format!("{}s", self.session_idle.as_secs())),
            ("SESSION_MAX_AGE".into(), format!("{}s", self.session_max_age.as_secs())),
            ("TRUST_PROXY".into(), self.trust_proxy.to_string()),
            ("MIN_RESPONSE_PERIOD".into(), format!("{}s", self.min_response_period.as_secs())),
            ("MAX_FILE_SIZE".into(), self.max_file_size.to_string()),
            ("MAX_TOTAL_SIZE".into(), self.max_total_size.to_string()),
            ("BUYER_NAME".into(), self.buyer_name.clone()),
            ("OCID_PREFIX".into(), self.ocid_prefix.clone()),
            ("REMEDIES_COURT".into(), self.remedies_court.clone()),
            (
                "BUYER_SIRET".into(),
                self.buyer_siret
                    .clone()
                    .unwrap_or_else(|| "(unset: the DECP essential data are not published)".to_owned()),
            ),
            ("SITE_PUBLISHER".into(), self.site.publisher.clone()),
            ("SITE_PUBLISHER_ADDRESS".into(), self.site.publisher_address.clone()),
            ("SITE_PUBLICATION_DIRECTOR".into(), self.site.publication_director.clone()),
            ("SITE_HOST".into(), self.site.host.clone()),
            ("SITE_CONTACT_EMAIL".into(), self.site.contact_email.clone()),
            ("SITE_DPO_CONTACT".into(), self.site.dpo_contact.clone()),
            ("ACCESSIBILITY_STATUS".into(), self.site.accessibility.as_str().to_owned()),
            ("ACCESSIBILITY_STATEMENT_DATE".into(), self.site.statement_date.to_string()),
            (
                "AUDIT_SIGNING_KEY_FILE".into(),
                self.audit_signing_key.as_ref().map_or_else(
                    || "(unset: no audit checkpoint is published)".to_owned(),
                    |p| p.display().to_string(),
                ),
            ),
            ("SCHEDULER_TICK".into(), format!("{}s", self.scheduler_tick.as_secs())),
            ("REMINDER_DAYS_BEFORE".into(), self.reminder_days_before.to_string()),
            ("RETENTION_PROCEDURE_YEARS".into(), self.retention.procedure_years.to_string()),
            ("RETENTION_CONTRACT_YEARS".into(), self.retention.contract_years.to_string()),
            ("RETENTION_WORKS_CONTRACT_YEARS".into(), self.retention.works_contract_years.to_string()),
        ]
    }
}

/// 14 digits with their check digit: the registration's rule (`organisations::LegalIdentifier`),
/// without the separators it allows.
fn valid_siret(s: &str) -> bool {
    use crate::domain::organisations::{IdentifierType, LegalIdentifier};
    s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit()) && LegalIdentifier::parse(IdentifierType::Siret, s).is_ok()
}

/// The public statements' people and addresses: each a line of text of at most 300 characters.
fn parse_public_site(
    get: &dyn Fn(&str) -> Option<String>,
    buyer_name: &str,
    host: &str,
) -> Result<PublicSite, ConfigError> {
    let line = |variable: &'static str, default: String, expected: &'static str| {
        let value = get(variable).unwrap_or(default);
        if value.chars().count() > 300 || value.chars().any(char::is_control) {
            return Err(ConfigError::new(variable, "longer than 300 characters or on several lines", expected));
        }
        Ok(value)
    };
    let publisher = line("SITE_PUBLISHER", buyer_name.to_owned(), "the publishing body's name")?;
    let publisher_address = line(
        "SITE_PUBLISHER_ADDRESS",
        "Hôtel de Région, 1 esplanade François-Mitterrand, 69002 Lyon".to_owned(),
        "the publisher's postal address",
    )?;
    let publication_director = line(
        "SITE_PUBLICATION_DIRECTOR",
        "La présidence du conseil régional".to_owned(),
        "the director of publication",
    )?;
    let site_host =
        line("SITE_HOST", format!("{publisher}, {publisher_address}"), "the host's name, address and telephone")?;
    // A value given is checked as an address; the default, built from the public host, is taken
    // as it is (`localhost` in development has no dot).
    let mailbox = |variable: &'static str, default: String| match get(variable) {
        None => Ok(default),
        Some(_) => {
            let value = line(variable, default, "an e-mail address")?;
            crate::domain::email::Email::parse(&value).map_err(|_| {
                ConfigError::new(variable, format!("`{value}` is not an e-mail address"), "an e-mail address")
            })?;
            Ok::<_, ConfigError>(value)
        }
    };
    let contact_email = mailbox("SITE_CONTACT_EMAIL", format!("contact@{host}"))?;
    let dpo_contact = mailbox("SITE_DPO_CONTACT", format!("dpo@{host}"))?;
    let accessibility = match get("ACCESSIBILITY_STATUS").as_deref() {
        None | Some("partial") => Conformity::Partial,
        Some("full") => Conformity::Full,
        Some("none") => Conformity::None,
        Some(other) => {
            return Err(ConfigError::new(
                "ACCESSIBILITY_STATUS",
                format!("`{other}` is not a conformity status"),
                "full, partial or none",
            ));
        }
    };
    let statement_date = match get("ACCESSIBILITY_STATEMENT_DATE") {
        None => chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default(),
        Some(raw) => chrono::NaiveDate::parse_from_str(&raw, "%Y-%m-%d").map_err(|_| {
            ConfigError::new("ACCESSIBILITY_STATEMENT_DATE", format!("`{raw}` is not a date"), "a date as YYYY-MM-DD")
        })?,
    };
    Ok(PublicSite {
        publisher,
        publisher_address,
        publication_director,
        host: site_host,
        contact_email,
        dpo_contact,
        accessibility,
        statement_date,
    })
}

fn parse_number(
    get: &dyn Fn(&str) -> Option<String>,
    variable: &'static str,
    default: u32,
    min: u32,
    max: u32,
    expected: &'static str,
) -> Result<u32, ConfigError> {
    match get(variable) {
        None => Ok(default),
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(ConfigError::new(variable, format!("`{raw}` is out of range or not a number"), expected)),
        },
    }
}

/// A retention period in years: the legal minimum by default; below it, start-up is refused with
/// a message naming the minimum and the article that sets it.
fn parse_years(
    get: &dyn Fn(&str) -> Option<String>,
    variable: &'static str,
    minimum: u32,
    expected: &'static str,
) -> Result<u32, ConfigError> {
    match get(variable) {
        None => Ok(minimum),
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if n < minimum => Err(ConfigError::new(
                variable,
                format!("{n} years is below the legal minimum of {minimum} years"),
                expected,
            )),
            Ok(n) if n <= 100 => Ok(n),
            _ => Err(ConfigError::new(variable, format!("`{raw}` is not a number of years up to 100"), expected)),
        },
    }
}

const DATABASE_URL_EXPECTED: &str =
    "postgres://user[:password]@host[:port]/database, postgresql://…, sqlite://PATH or a file path";

fn parse_database_url(raw: &str) -> Result<DatabaseUrl, ConfigError> {
    let bad = |problem: String| ConfigError::new("DATABASE_URL", problem, DATABASE_URL_EXPECTED);
    if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
        let url = url::Url::parse(raw).map_err(|e| bad(format!("not a valid URL ({e})")))?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("no host in the PostgreSQL URL".into()));
        }
        if url.path().trim_start_matches('/').is_empty() {
            return Err(bad("no database name in the PostgreSQL URL".into()));
        }
        return Ok(DatabaseUrl::Postgres(Secret::new(raw.to_owned())));
    }
    let path = if let Some(rest) = raw.strip_prefix("sqlite://") {
        rest
    } else if let Some(rest) = raw.strip_prefix("sqlite:") {
        rest
    } else if raw.contains("://") {
        let scheme = raw.split("://").next().unwrap_or_default();
        return Err(bad(format!("unsupported scheme `{scheme}`")));
    } else {
        raw
    };
    if path.is_empty() || path == ":memory:" || path.contains('?') {
        return Err(bad(format!("`{raw}` does not name a database file")));
    }
    Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
}

fn parse_public_url(raw: &str) -> Result<url::Url, ConfigError> {
    const EXPECTED: &str = "an absolute http:// or https:// URL such as https://achats.example.fr";
    let url =
        url::Url::parse(raw).map_err(|e| ConfigError::new("PUBLIC_URL", format!("not a valid URL ({e})"), EXPECTED))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ConfigError::new("PUBLIC_URL", format!("`{raw}` is not an http(s) address"), EXPECTED));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ConfigError::new("PUBLIC_URL", "a query or fragment is not allowed", EXPECTED));
    }
    Ok(url)
}

fn load_or_generate_secret(path: &Path) -> std::io::Result<Secret> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::read_to_string(path) {
        Ok(existing) if existing.trim().len() >= 32 => return Ok(Secret::new(existing.trim().to_owned())),
        Ok(_) => {
            return Err(std::io::Error::other(format!(
                "{} is shorter than 32 characters; delete it to regenerate",
                path.display()
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    // Written in full under a private name, then linked into place: several servers sharing
    // `DATA_DIR` and starting at once all end up with the one key that won, never a partial file.
    let key = hex::encode(rand::random::<[u8; 32]>());
    let temporary =
        path.with_extension(format!("new-{}-{}", std::process::id(), hex::encode(rand::random::<[u8; 4]>())));
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&temporary)?;
    let written =
        file.write_all(key.as_bytes()).and_then(|_| file.sync_all()).and_then(|_| std::fs::hard_link(&temporary, path));
    let _ = std::fs::remove_file(&temporary);
    match written {
        Ok(()) => Ok(Secret::new(key)),
        // Another server wrote it first: read it, checked like any existing key.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_or_generate_secret(path),
        // A file system without hard links: write the key in place, once.
        Err(e) if matches!(e.kind(), std::io::ErrorKind::Unsupported | std::io::ErrorKind::PermissionDenied) => {
            let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
            file.write_all(key.as_bytes())?;
            file.sync_all()?;
            Ok(Secret::new(key))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Settings::from_map(&map)
    }

    #[test]
    fn defaults_to_sqlite_in_the_data_directory() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database_url, DatabaseUrl::Sqlite(PathBuf::from("./data/achat-ouvert.sqlite3")));
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.public_url.as_str(), "http://localhost:8080/");
        assert_eq!(s.mail, MailTransportSetting::Files);
        assert!(!s.is_https());
    }

    #[test]
    fn postgres_schemes_select_postgresql() {
        for url in ["postgres://u@h/db", "postgresql://u:p@h:5433/db"] {
            assert_eq!(settings(&[("DATABASE_URL", url)]).unwrap().database_url.backend(), Backend::Postgres);
        }
    }

    #[test]
    fn malformed_values_name_their_variable() {
        let cases = [
            ("DATABASE_URL", "mysql://h/db"),
            ("DATABASE_URL", "postgres://"),
            ("DATABASE_URL", "postgres://host"),
            ("DATABASE_URL", ":memory:"),
            ("BIND", "localhost"),
            ("BIND", "127.0.0.1:99999"),
            ("PUBLIC_URL", "ftp://x"),
            ("PUBLIC_URL", "not a url"),
            ("SMTP_URL", "http://mail"),
            ("SECRET_KEY", "short"),
            ("POOL_SIZE", "0"),
            ("POOL_SIZE", "ten"),
            ("LOG_FORMAT", "xml"),
            ("SESSION_IDLE_TIMEOUT", "5"),
            ("TRUST_PROXY", "maybe"),
            ("OCID_PREFIX", "ocds-12"),
            ("MAIL_FROM", "nobody"),
            ("SITE_CONTACT_EMAIL", "nobody"),
            ("SITE_DPO_CONTACT", "dpo at region"),
            ("ACCESSIBILITY_STATUS", "mostly"),
            ("ACCESSIBILITY_STATEMENT_DATE", "07/12/2026"),
            ("SCHEDULER_TICK", "0"),
            ("REMINDER_DAYS_BEFORE", "soon"),
            ("RETENTION_PROCEDURE_YEARS", "4"),
            ("RETENTION_CONTRACT_YEARS", "five"),
            ("RETENTION_WORKS_CONTRACT_YEARS", "5"),
        ];
        for (var, value) in cases {
            let err = settings(&[(var, value)]).expect_err(value);
            assert_eq!(err.variable, var, "{value}");
            assert!(err.to_string().starts_with(var));
        }
    }

    #[test]
    fn servers_starting_at_once_on_a_shared_data_dir_share_one_secret_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret_key");
        let keys: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8).map(|_| s.spawn(|| load_or_generate_secret(&path).unwrap())).collect();
            handles.into_iter().map(|h| h.join().unwrap().expose().to_owned()).collect()
        });
        assert!(keys.iter().all(|k| k.len() == 64 && *k == keys[0]), "{keys:?}");
        // Nothing else is left in the directory.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(load_or_generate_secret(&path).unwrap().expose(), keys[0]);
    }

    #[test]
    fn secrets_are_masked_in_descriptions() {
        let s = settings(&[
            ("DATABASE_URL", "postgres://app:hunter2hunter2@db/achat"),
            ("SECRET_KEY", "0123456789abcdef0123456789abcdef-very-secret"),
            ("SMTP_URL", "smtp://mailer:smtp-password@relay:587"),
        ])
        .unwrap();
        let text = format!("{:?} {:?}", s.describe(), s);
        for secret in ["hunter2hunter2", "very-secret", "smtp-password"] {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
    }

    #[test]
    fn retention_periods_default_to_the_legal_minimums_and_refuse_less() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.retention, Retention { procedure_years: 5, contract_years: 5, works_contract_years: 10 });
        let longer = settings(&[("RETENTION_PROCEDURE_YEARS", "7"), ("RETENTION_WORKS_CONTRACT_YEARS", "12")]);
        assert_eq!(longer.unwrap().retention.procedure_years, 7);
        let err = settings(&[("RETENTION_CONTRACT_YEARS", "3")]).unwrap_err().to_string();
        assert!(err.contains("below the legal minimum of 5 years") && err.contains("R2184-13"), "{err}");
    }

    #[test]
    fn https_public_url_is_detected() {
        assert!(settings(&[("PUBLIC_URL", "https://achats.example.fr")]).unwrap().is_https());
    }
}

/// Properties of the configuration read from the environment (`cargo test --lib property_tests`).
#[cfg(test)]
mod property_tests {
    use super::*;
    use proptest::prelude::*;

    /// Every variable read.
    fn variables() -> impl Strategy<Value = &'static str> {
        let names: Vec<&'static str> = VARIABLES.iter().map(|(name, _)| *name).collect();
        proptest::sample::select(names)
    }

    /// Values an operator might set, well or badly: numbers, URLs, addresses, any text.
    fn values() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "\\PC{0,40}",
            "-?[0-9]{1,12}",
            "(postgres|postgresql|sqlite|mysql|http|https|smtp|smtps|ftp)://[a-z0-9:@._\\[\\]/?=%-]{0,30}",
            "[a-zA-Z0-9 ._<>@\n-]{0,40}",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}",
            "[0-9a-f:.\\[\\]]{2,20}:[0-9]{1,6}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// One variable set to anything: parsing never panics, and a refusal names that variable.
        #[test]
        fn a_bad_value_is_refused_naming_its_variable(name in variables(), value in values()) {
            let vars: HashMap<String, String> = [(name.to_owned(), value.clone())].into_iter().collect();
            if let Err(e) = Settings::from_map(&vars) {
                prop_assert_eq!(e.variable, name, "{:?}={:?}: {}", name, value, e);
                prop_assert!(e.to_string().starts_with(name));
            }
        }

        /// Several variables at once: never a panic.
        #[test]
        fn any_environment_is_answered(vars in proptest::collection::hash_map(variables().prop_map(str::to_owned), values(), 0..8)) {
            let _ = Settings::from_map(&vars);
        }

        /// A number in its range is taken as it is; one outside is refused.
        #[test]
        fn numbers_are_taken_in_their_range_only(n in 0u32..400) {
            let vars: HashMap<String, String> = [("POOL_SIZE".to_owned(), format!(" {n} "))].into_iter().collect();
            match Settings::from_map(&vars) {
                Ok(s) => prop_assert!((1..=200).contains(&n) && s.pool_size == n),
                Err(e) => prop_assert!(!(1..=200).contains(&n) && e.variable == "POOL_SIZE"),
            }
        }
    }

    #[test]
    fn a_buyer_name_on_several_lines_is_refused_as_the_buyer_name() {
        // Found by a property: the name was taken, then refused as the site's publisher it defaults to.
        let vars: HashMap<String, String> =
            [("BUYER_NAME".to_owned(), "Région\nAuvergne".to_owned())].into_iter().collect();
        assert_eq!(Settings::from_map(&vars).unwrap_err().variable, "BUYER_NAME");
    }
}
