//! The scheduler inside the server: periodic jobs without cron, safe with several servers on one
//! database.
//!
//! Each job has a row in `job_leases` (its name, the server holding its lease, until when, and
//! when it last ran). On every tick a server tries to take the lease of each job that is due with
//! one conditional update (lease free or expired, last run at least one period ago); only the
//! server whose update changed the row runs the job, then records the run and frees the lease.
//! So with two servers a job runs once per period. A server that dies while holding a lease holds
//! it only until [`LEASE`] expires; jobs must therefore be idempotent for what they send (the
//! indicator reminders record each reminder under a unique key, in the transaction that queues
//! its mails).
//!
//! To add a job, add one line to [`JOBS`]: a name, a period in seconds, and a function.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::schema::job_leases;
use crate::db::{Db, DbConnection};

/// How long a server keeps a job's lease while running it, at most.
pub const LEASE: chrono::Duration = chrono::Duration::minutes(10);

/// What a job does: given a connection, the settings and the time, it does its work and says how
/// many things it did (for the log). It owns its transactions.
pub type JobFn = fn(&mut DbConnection, &Settings, NaiveDateTime) -> QueryResult<usize>;

/// A periodic job.
#[derive(Clone, Copy)]
pub struct Job {
    /// Unique among the jobs; the key of its lease.
    pub name: &'static str,
    /// It runs at most once every this many seconds, across all servers.
    pub every_seconds: i64,
    pub run: JobFn,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("name", &self.name).field("every_seconds", &self.every_seconds).finish()
    }
}

/// Every job the servers run. Adding a job is adding a line here.
pub const JOBS: &[Job] = &[
    Job { name: "indicator-reminders", every_seconds: 3600, run: crate::domain::award::reminders::run },
    Job { name: "audit-checkpoint", every_seconds: 3600, run: crate::domain::checkpoints::scheduled },
    Job { name: "uploads-sweep", every_seconds: 3600, run: crate::uploads::scheduled },
];

fn pool_error(e: crate::db::DbError) -> DieselError {
    DieselError::QueryBuilderError(e.to_string().into())
}

/// Makes sure the job has its lease row (several servers may try at once: the loser's insert
/// fails on the primary key, which is fine). Runs outside any transaction.
fn ensure(conn: &mut DbConnection, name: &str) -> QueryResult<()> {
    let exists: i64 = job_leases::table.filter(job_leases::name.eq(name)).count().get_result(conn)?;
    if exists > 0 {
        return Ok(());
    }
    match diesel::insert_into(job_leases::table)
        .values((
            job_leases::name.eq(name),
            job_leases::holder.eq(None::<String>),
            job_leases::lease_until.eq(None::<NaiveDateTime>),
            job_leases::last_run_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
    {
        Ok(_) | Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Takes the lease of `job` for `holder` if it is due at `now` (never run, or last run at least a
/// period ago) and nobody holds it; true when this server may run it now.
pub fn claim(conn: &mut DbConnection, job: &Job, holder: &str, now: NaiveDateTime) -> QueryResult<bool> {
    ensure(conn, job.name)?;
    let due_before = now - chrono::Duration::seconds(job.every_seconds);
    let changed = diesel::update(
        job_leases::table
            .filter(job_leases::name.eq(job.name))
            .filter(job_leases::lease_until.is_null().or(job_leases::lease_until.lt(now)))
            .filter(job_leases::last_run_at.is_null().or(job_leases::last_run_at.le(due_before))),
    )
    .set((job_leases::holder.eq(Some(holder)), job_leases::lease_until.eq(Some(now + LEASE))))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Frees the lease `holder` took; a successful run is recorded as the job's last run (started at
/// `started`), a failed one is retried at the next tick.
pub fn release(
    conn: &mut DbConnection,
    job: &Job,
    holder: &str,
    started: NaiveDateTime,
    succeeded: bool,
) -> QueryResult<()> {
    let mine = job_leases::table.filter(job_leases::name.eq(job.name)).filter(job_leases::holder.eq(holder));
    if succeeded {
        diesel::update(mine)
            .set((job_leases::lease_until.eq(None::<NaiveDateTime>), job_leases::last_run_at.eq(Some(started))))
            .execute(conn)?;
    } else {
        diesel::update(mine).set(job_leases::lease_until.eq(None::<NaiveDateTime>)).execute(conn)?;
    }
    Ok(())
}

/// What one tick did: the jobs this server ran, with what each reported.
pub type Ran = Vec<(&'static str, QueryResult<usize>)>;

/// One tick of the scheduler on this server: runs every job of `jobs` that is due and whose
/// lease it takes. Blocking: run it off the async threads.
pub fn tick(db: &Db, jobs: &[Job], settings: &Settings, holder: &str, now: NaiveDateTime) -> QueryResult<Ran> {
    let mut conn = db.get().map_err(pool_error)?;
    let mut ran = Vec::new();
    for job in jobs {
        if !claim(&mut conn, job, holder, now)? {
            continue;
        }
        let outcome = (job.run)(&mut conn, settings, now);
        release(&mut conn, job, holder, now, outcome.is_ok())?;
        ran.push((job.name, outcome));
    }
    Ok(ran)
}

/// A name for this server in the leases it takes: its process and a random part.
pub fn holder_id() -> String {
    format!("{}-{}", std::process::id(), hex::encode(rand::random::<[u8; 6]>()))
}

/// Runs [`JOBS`] every `every` on the current actix system until it stops (started by the
/// application next to the outbox worker).
pub fn spawn(db: Db, settings: Arc<Settings>, clock: SharedClock, every: Duration) {
    let holder = holder_id();
    actix_web::rt::spawn(async move {
        // The first tick one period after start: a server starting does not run jobs at once.
        let first = actix_web::rt::time::Instant::now() + every;
        let mut interval = actix_web::rt::time::interval_at(first, every);
        loop {
            interval.tick().await;
            let (db, settings, holder, now) = (db.clone(), settings.clone(), holder.clone(), clock.now_naive());
            match actix_web::web::block(move || tick(&db, JOBS, &settings, &holder, now)).await {
                Ok(Ok(ran)) => {
                    for (job, outcome) in ran {
                        match outcome {
                            Ok(done) => tracing::info!(job, done, "scheduled job ran"),
                            Err(e) => tracing::warn!(job, error = %e, "scheduled job failed; retried at the next tick"),
                        }
                    }
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "scheduler tick failed"),
                Err(e) => tracing::warn!(error = %e, "scheduler task failed"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::JOBS;

    #[test]
    fn job_names_are_unique_and_periods_positive() {
        for (i, a) in JOBS.iter().enumerate() {
            assert!(a.every_seconds > 0, "{}", a.name);
            assert!(JOBS[i + 1..].iter().all(|b| b.name != a.name), "{} twice", a.name);
        }
    }
}
