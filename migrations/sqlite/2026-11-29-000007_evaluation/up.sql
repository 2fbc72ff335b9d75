-- Evaluation: committees, conflict declarations, scores with their history, consensus scores,
-- and the shortlist decision. Objectives gain how scores combine and whether members score blind.
ALTER TABLE objectives ADD COLUMN aggregation TEXT NOT NULL DEFAULT 'mean' CHECK (aggregation IN ('mean', 'median'));
ALTER TABLE objectives ADD COLUMN blind BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE objectives ADD COLUMN results_published_at TIMESTAMP;
ALTER TABLE objectives ADD COLUMN results_per_criterion BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE committee_members (
    objective_id BIGINT NOT NULL REFERENCES objectives (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    chair BOOLEAN NOT NULL,
    appointed_by BIGINT NOT NULL REFERENCES users (id),
    appointed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (objective_id, user_id)
);
CREATE INDEX committee_members_user ON committee_members (user_id);

CREATE TABLE conflict_declarations (
    objective_id BIGINT NOT NULL REFERENCES objectives (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    conflict BOOLEAN NOT NULL,
    note TEXT NOT NULL,
    declared_at TIMESTAMP NOT NULL,
    PRIMARY KEY (objective_id, user_id, organisation_id)
);

CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES objectives (id),
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    submitted_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (proposal_id, user_id)
);
CREATE INDEX evaluations_objective ON evaluations (objective_id);

CREATE TABLE scores (
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    criterion_id BIGINT NOT NULL REFERENCES criteria (id),
    -- Null in a draft that has a justification but no score yet.
    score INTEGER CHECK (score BETWEEN 0 AND 5),
    justification TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (evaluation_id, criterion_id)
);

-- Every change of a score: who, when, from, to.
CREATE TABLE score_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    criterion_id BIGINT NOT NULL REFERENCES criteria (id),
    changed_by BIGINT NOT NULL REFERENCES users (id),
    changed_at TIMESTAMP NOT NULL,
    from_score INTEGER,
    to_score INTEGER,
    justification TEXT NOT NULL
);
CREATE INDEX score_history_evaluation ON score_history (evaluation_id);

CREATE TABLE consensus_scores (
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    criterion_id BIGINT NOT NULL REFERENCES criteria (id),
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 5),
    justification TEXT NOT NULL,
    decided_by BIGINT NOT NULL REFERENCES users (id),
    decided_at TIMESTAMP NOT NULL,
    PRIMARY KEY (proposal_id, criterion_id)
);

-- The chair's shortlist: the rule's proposal, each change with its reason, then the decision.
CREATE TABLE shortlist_changes (
    objective_id BIGINT NOT NULL REFERENCES objectives (id),
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    shortlisted BOOLEAN NOT NULL,
    reason TEXT NOT NULL,
    changed_by BIGINT NOT NULL REFERENCES users (id),
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (objective_id, proposal_id)
);

CREATE TABLE shortlist_decisions (
    objective_id BIGINT PRIMARY KEY NOT NULL REFERENCES objectives (id),
    decided_by BIGINT NOT NULL REFERENCES users (id),
    decided_at TIMESTAMP NOT NULL,
    -- The decided ranking and shortlist, frozen as JSON (what the results publish).
    outcome TEXT NOT NULL
);
