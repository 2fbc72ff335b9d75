//! The database: one connection type over SQLite and PostgreSQL, the pool, migrations, transactions.
//!
//! Query code elsewhere takes `&mut DbConnection` and is written once for both backends. The few
//! places where SQL differs match on the variant here. Diesel is blocking: callers on the async
//! side go through [`Db::run`], which moves the work onto the blocking thread pool.

pub mod ids;
pub mod locks;
pub mod migrations;
pub mod schema;

// The advisory-lock keys, at their old paths (`crate::db::LOCK_OBJECTIVES`…).
pub use locks::*;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::{AnsiTransactionManager, InstrumentationEvent, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};

use crate::config::DatabaseUrl;

/// A connection to whichever backend the configuration selected.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(diesel::SqliteConnection),
    Pg(diesel::PgConnection),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The name reported by `/health` and `check-config`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        }
    }
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Sqlite(_) => Backend::Sqlite,
            DbConnection::Pg(_) => Backend::Postgres,
        }
    }
}

/// Pragmas applied to every SQLite connection. `synchronous=FULL` because a receipt may only be
/// issued once a deposit is durable; the busy timeout lets concurrent writers queue instead of fail.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";

/// Opens connections for the pool, knowing the backend up front (the derived `establish` would
/// try each backend in turn).
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
    /// Statements run by the pool's connections (see [`Db::statements`]).
    statements: Arc<AtomicU64>,
}

impl Manager {
    pub fn new(url: DatabaseUrl) -> Self {
        Manager { url, statements: Arc::default() }
    }

    pub fn connect_once(&self) -> ConnectionResult<DbConnection> {
        let mut conn = match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(&sqlite_path(path))?;
                conn.batch_execute(SQLITE_PRAGMAS).map_err(ConnectionError::CouldntSetupConfiguration)?;
                DbConnection::Sqlite(conn)
            }
            DatabaseUrl::Postgres(url) => {
                let mut conn = diesel::PgConnection::establish(url.expose())?;
                conn.batch_execute("SET TIME ZONE 'UTC'").map_err(ConnectionError::CouldntSetupConfiguration)?;
                DbConnection::Pg(conn)
            }
        };
        let statements = self.statements.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { .. } = event {
                statements.fetch_add(1, Ordering::Relaxed);
            }
        });
        Ok(conn)
    }
}

fn sqlite_path(path: &std::path::Path) -> String {
    PathBuf::from(path).to_string_lossy().into_owned()
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = ConnectionError;

    fn connect(&self) -> Result<DbConnection, ConnectionError> {
        self.connect_once()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectionError> {
        conn.ping().map_err(ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// Why the database could not serve a request.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No connection could be had in time: the database is down or saturated.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("the blocking task was cancelled")]
    Cancelled,
}

/// The shared pool and its backend; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    statements: Arc<AtomicU64>,
    backend: Backend,
    acquire_timeout: Duration,
}

impl Db {
    /// Builds the pool, retrying for `connect_timeout` while the database is unreachable.
    pub fn connect(
        url: &DatabaseUrl,
        pool_size: u32,
        connect_timeout: Duration,
        acquire_timeout: Duration,
    ) -> Result<Db, ConnectionError> {
        let manager = Manager::new(url.clone());
        let statements = manager.statements.clone();
        let started = Instant::now();
        let mut delay = Duration::from_millis(200);
        loop {
            match manager.connect_once() {
                Ok(_) => break,
                Err(e) if started.elapsed() >= connect_timeout => return Err(e),
                Err(e) => {
                    tracing::warn!(error = %e, retry_in_ms = delay.as_millis() as u64, "database unreachable, retrying");
                    std::thread::sleep(delay);
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
        // SQLite allows one writer at a time; a handful of connections serves reads in parallel
        // under WAL without piling up writers on the busy timeout.
        let size = match url.backend() {
            Backend::Sqlite => pool_size.min(8),
            Backend::Postgres => pool_size,
        };
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            .connection_timeout(acquire_timeout)
            .build_unchecked(manager);
        Ok(Db { pool, statements, backend: url.backend(), acquire_timeout })
    }

    /// How many SQL statements the pool's connections have run since start-up (health checks of
    /// pooled connections included). The query-count tests read it around a request to prove a
    /// page's queries do not grow with what it lists (no N+1).
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for blocking code (commands, tests). Async code uses [`Db::run`].
    pub fn get(&self) -> Result<PooledConnection, DbError> {
        self.pool.get().map_err(|e| DbError::Unavailable(e.to_string()))
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        self.run_with_timeout(self.acquire_timeout, f).await
    }

    /// Like [`Db::run`], waiting at most `timeout` for a connection (the health check is impatient).
    pub async fn run_with_timeout<T, E, F>(&self, timeout: Duration, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        // The current runtime's blocking pool: under actix, the worker's, capped by the server's
        // `worker_max_blocking_threads` (what `actix_web::web::block` does too).
        let joined = tokio::task::spawn_blocking(move || {
            let mut conn = pool.get_timeout(timeout).map_err(|e| E::from(DbError::Unavailable(e.to_string())))?;
            f(&mut conn)
        })
        .await;
        match joined {
            Ok(result) => result,
            // The task panicked, or the runtime shut down before it ran.
            Err(_) => Err(E::from(DbError::Cancelled)),
        }
    }
}

/// The process's SQLite writers queue here, one at a time, before `BEGIN IMMEDIATE`. SQLite lets
/// one writer in and makes the others poll with growing sleeps (the busy handler): under a burst
/// of deposits the lock sat free while writers slept. Queued on a fair mutex, the next writer
/// starts the moment the last one commits; a writer waits at most as long as the busy timeout,
/// then fails as SQLite would have. (Other processes on the same file still meet the busy
/// timeout. The mutex is one per process, shared by every SQLite database the process opens:
/// tests open many, and only queue a little more.)
static SQLITE_WRITER: parking_lot::Mutex<()> = parking_lot::const_mutex(());
const SQLITE_WRITER_WAIT: Duration = Duration::from_secs(5);

/// Runs `f` in a write transaction. On SQLite it begins with `BEGIN IMMEDIATE`, so a transaction
/// that reads before it writes takes the write lock first and waits on the busy timeout instead
/// of failing when another writer commits in between.
pub fn write_tx<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    // Nested calls become savepoints; only the outermost SQLite transaction is `IMMEDIATE`, and
    // only it queues for the writer's turn (held until it commits or rolls back).
    let mut _turn = None;
    match conn {
        DbConnection::Sqlite(c) => {
            if transaction_depth(c)? == 0 {
                _turn = Some(SQLITE_WRITER.try_lock_for(SQLITE_WRITER_WAIT).ok_or_else(|| {
                    diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::Unknown,
                        Box::new("database is locked (waited for the writer's turn)".to_owned()),
                    )
                })?);
                AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
            } else {
                AnsiTransactionManager::begin_transaction(c)?
            }
        }
        DbConnection::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            let committed = match conn {
                DbConnection::Sqlite(c) => AnsiTransactionManager::commit_transaction(c),
                DbConnection::Pg(c) => AnsiTransactionManager::commit_transaction(c),
            };
            if let Err(e) = committed {
                rollback(conn);
                return Err(e.into());
            }
            Ok(value)
        }
        Err(e) => {
            rollback(conn);
            Err(e)
        }
    }
}

fn transaction_depth<C>(conn: &mut C) -> QueryResult<u32>
where
    C: Connection<TransactionManager = AnsiTransactionManager>,
{
    Ok(AnsiTransactionManager::transaction_manager_status_mut(conn).transaction_depth()?.map_or(0, |d| d.get()))
}

fn rollback(conn: &mut DbConnection) {
    let result = match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::rollback_transaction(c),
        DbConnection::Pg(c) => AnsiTransactionManager::rollback_transaction(c),
    };
    if let Err(e) = result {
        // The connection is then marked broken by the transaction manager and dropped by the pool.
        tracing::error!(error = %e, "rollback failed");
    }
}

/// Serialises transactions that check a condition across rows before writing (the last
/// administrator, an organisation's owner). On PostgreSQL a transaction-scoped advisory lock on
/// one of the [`locks`]; on SQLite write transactions are already serialised by `BEGIN IMMEDIATE`.
pub fn serialize(conn: &mut DbConnection, key: i64) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({key})")).execute(pg)?;
    }
    Ok(())
}

/// The cheapest real round trip to the database, used by `/health`.
pub fn ping(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}
