-- The criteria catalogue and the objectives agents publish, with their weighted criteria,
-- milestones and amendments.
CREATE TABLE criteria (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL CHECK (category IN ('environmental', 'social', 'economic', 'change_support', 'innovation', 'feasibility')),
    goal TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    description_fr TEXT NOT NULL,
    description_en TEXT NOT NULL,
    levels_fr TEXT NOT NULL,
    levels_en TEXT NOT NULL,
    retired_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE objectives (
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
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX objectives_status_deadline ON objectives (status, deadline_at);

CREATE TABLE objective_criteria (
    objective_id BIGINT NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    criterion_id BIGINT NOT NULL REFERENCES criteria (id),
    weight INTEGER NOT NULL,
    eliminatory BOOLEAN NOT NULL,
    min_score INTEGER,
    position INTEGER NOT NULL,
    PRIMARY KEY (objective_id, criterion_id)
);
CREATE INDEX objective_criteria_criterion ON objective_criteria (criterion_id);

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    due_on DATE NOT NULL,
    label TEXT NOT NULL
);
CREATE INDEX milestones_objective ON milestones (objective_id);

CREATE TABLE amendments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    occurred_at TIMESTAMP NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    changes TEXT NOT NULL,
    essential BOOLEAN NOT NULL
);
CREATE INDEX amendments_objective ON amendments (objective_id);
