-- The scheduler inside the server (docs/OPERATIONS.md): one row per job; a server runs a job only
-- after taking its lease with a conditional update, so with several servers on one database a
-- job runs once per period.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT,
    lease_until TIMESTAMP,
    last_run_at TIMESTAMP
);

-- Indicator report reminders (issue 17, step 6): one row per reminder sent, unique per
-- (indicator, period, kind), so a reminder is never sent twice, across servers and restarts.
CREATE TABLE indicator_reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    indicator_id BIGINT NOT NULL REFERENCES indicators (id),
    period INTEGER NOT NULL,
    kind TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    recipients INTEGER NOT NULL,
    UNIQUE (indicator_id, period, kind)
);

-- Retention (issue 17, step 9): the archived objectives whose records past their retention
-- period were purged, and what was removed (JSON counts).
CREATE TABLE retention_purges (
    objective_id BIGINT PRIMARY KEY NOT NULL REFERENCES objectives (id),
    purged_at TIMESTAMP NOT NULL,
    summary TEXT NOT NULL
);
