-- After the shortlist: objectives gain the stages awarded, not awarded, in execution and completed.
-- SQLite cannot change a CHECK constraint in place: the objectives table is rebuilt, with foreign
-- keys off (outside a transaction, see metadata.toml) so that dropping the old table cascades nothing.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE objectives_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    need TEXT NOT NULL,
    political_objective TEXT NOT NULL,
    deliberation_ref TEXT NOT NULL,
    deliberation_date DATE,
    deliberation_url TEXT,
    themes TEXT NOT NULL,
    horizon TEXT NOT NULL CHECK (horizon IN ('5', '10', '20', '20+')),
    budget_euros BIGINT,
    place TEXT NOT NULL,
    contact TEXT NOT NULL,
    deadline_at TIMESTAMP,
    shortlist_rule TEXT NOT NULL CHECK (shortlist_rule IN ('top', 'min')),
    shortlist_value INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'under_evaluation', 'results_published', 'awarded', 'not_awarded', 'in_execution', 'completed', 'archived', 'cancelled')),
    cancel_reason TEXT,
    published_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    search_text TEXT NOT NULL DEFAULT '',
    practice BOOLEAN NOT NULL DEFAULT FALSE,
    aggregation TEXT NOT NULL DEFAULT 'mean' CHECK (aggregation IN ('mean', 'median')),
    blind BOOLEAN NOT NULL DEFAULT FALSE,
    results_published_at TIMESTAMP,
    results_per_criterion BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO objectives_rebuilt SELECT id, reference, title, need, political_objective, deliberation_ref,
    deliberation_date, deliberation_url, themes, horizon, budget_euros, place, contact, deadline_at,
    shortlist_rule, shortlist_value, status, cancel_reason, published_at, cancelled_at, created_by,
    created_at, updated_at, search_text, practice, aggregation, blind, results_published_at,
    results_per_criterion FROM objectives;
DROP TABLE objectives;
ALTER TABLE objectives_rebuilt RENAME TO objectives;
CREATE INDEX objectives_status_deadline ON objectives (status, deadline_at);
CREATE INDEX objectives_list_deadline ON objectives (practice, deadline_at IS NULL, deadline_at DESC, id DESC, status, search_text);
CREATE INDEX objectives_list_published ON objectives (practice, published_at IS NULL, published_at DESC, id DESC, status);

-- The award (or the declaration that nothing is awarded) of an objective whose results are
-- published: one row per objective, written once.
CREATE TABLE awards (
    objective_id BIGINT PRIMARY KEY NOT NULL REFERENCES objectives (id),
    outcome TEXT NOT NULL CHECK (outcome IN ('awarded', 'not_awarded')),
    reasons TEXT NOT NULL,
    standstill_days INTEGER NOT NULL,
    standstill_ends_at TIMESTAMP NOT NULL,
    decided_by BIGINT NOT NULL REFERENCES users (id),
    decided_at TIMESTAMP NOT NULL
);

CREATE TABLE award_winners (
    objective_id BIGINT NOT NULL REFERENCES objectives (id),
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    PRIMARY KEY (objective_id, proposal_id)
);

-- Letters to organisations, their facts frozen at award time (JSON), never recomputed.
CREATE TABLE letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES objectives (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    proposal_id BIGINT REFERENCES proposals (id),
    kind TEXT NOT NULL CHECK (kind IN ('award', 'rejection', 'not_opened', 'not_awarded')),
    facts TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    first_opened_at TIMESTAMP,
    first_opened_by BIGINT REFERENCES users (id)
);
CREATE INDEX letters_organisation ON letters (organisation_id, sent_at);
CREATE INDEX letters_objective ON letters (objective_id);

-- Pre-contractual challenges: each suspends the signature until its outcome is recorded.
CREATE TABLE challenges (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES objectives (id),
    lodged_on DATE NOT NULL,
    lodged_by TEXT NOT NULL,
    summary TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    outcome TEXT CHECK (outcome IN ('rejected', 'upheld', 'withdrawn')),
    outcome_note TEXT,
    outcome_by BIGINT REFERENCES users (id),
    outcome_at TIMESTAMP
);
CREATE INDEX challenges_objective ON challenges (objective_id);

-- The stages after the results (awarded, not awarded, in execution, completed, archived): when,
-- and by whom, for the public timeline.
CREATE TABLE objective_stages (
    objective_id BIGINT NOT NULL REFERENCES objectives (id),
    status TEXT NOT NULL,
    reached_at TIMESTAMP NOT NULL,
    reached_by BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (objective_id, status)
);
COMMIT;
PRAGMA foreign_keys = ON;
