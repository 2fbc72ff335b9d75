-- Indicators over the horizons (issue 17, step 6): once the contract is signed, an agent sets
-- indicators linked to the objective's criteria, with a baseline and targets at the horizon's
-- milestones (JSON); the holder reports a value per period, the agent validates it or sends it
-- back with a reason. A report sent back stays as a row; the holder reports that period again.
CREATE TABLE indicators (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES contracts (objective_id),
    criterion_id BIGINT REFERENCES criteria (id),
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    baseline DOUBLE NOT NULL,
    targets TEXT NOT NULL,
    period_months INTEGER NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX indicators_objective ON indicators (objective_id);

CREATE TABLE indicator_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    indicator_id BIGINT NOT NULL REFERENCES indicators (id),
    period INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    comment TEXT NOT NULL,
    evidence TEXT,
    state TEXT NOT NULL CHECK (state IN ('submitted', 'sent_back', 'validated')),
    reported_by BIGINT NOT NULL REFERENCES users (id),
    reported_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    reason TEXT
);
CREATE INDEX indicator_reports_indicator ON indicator_reports (indicator_id, period);
