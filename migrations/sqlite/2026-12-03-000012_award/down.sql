PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE objective_stages;
DROP TABLE challenges;
DROP TABLE letters;
DROP TABLE award_winners;
DROP TABLE awards;
UPDATE objectives SET status = 'results_published' WHERE status IN ('awarded', 'not_awarded', 'in_execution', 'completed');
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
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'under_evaluation', 'results_published', 'archived', 'cancelled')),
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
COMMIT;
PRAGMA foreign_keys = ON;
