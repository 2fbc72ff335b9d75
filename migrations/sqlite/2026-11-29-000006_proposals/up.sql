-- Proposals: suppliers' drafts (shared by their organisation), attachments, consortia, and the
-- immutable deposits with their receipts. The practice objective is flagged on objectives.
ALTER TABLE objectives ADD COLUMN practice BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE proposals (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES objectives (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    solution TEXT NOT NULL,
    change_support TEXT NOT NULL,
    cost_euros BIGINT,
    duration_months INTEGER,
    consortium_type TEXT CHECK (consortium_type IN ('conjoint', 'solidaire')),
    version INTEGER NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (objective_id, organisation_id)
);
CREATE INDEX proposals_organisation ON proposals (organisation_id);

CREATE TABLE proposal_statements (
    proposal_id BIGINT NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    criterion_id BIGINT NOT NULL REFERENCES criteria (id),
    statement TEXT NOT NULL,
    PRIMARY KEY (proposal_id, criterion_id)
);

CREATE TABLE proposal_attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    proposal_id BIGINT NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    storage_key TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX proposal_attachments_proposal ON proposal_attachments (proposal_id);

CREATE TABLE consortium_members (
    proposal_id BIGINT NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    role TEXT NOT NULL,
    invited_by BIGINT NOT NULL REFERENCES users (id),
    invited_at TIMESTAMP NOT NULL,
    confirmed_by BIGINT REFERENCES users (id),
    confirmed_at TIMESTAMP,
    -- Raised when the member's role or the kind of consortium changes: a confirmation names the
    -- terms it confirms.
    terms_version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (proposal_id, organisation_id)
);
CREATE INDEX consortium_members_organisation ON consortium_members (organisation_id);

-- One row per deposit, reconfirmation or withdrawal: never updated except to record its opening.
CREATE TABLE deposits (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    objective_id BIGINT NOT NULL REFERENCES objectives (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL CHECK (kind IN ('deposit', 'reconfirmation', 'withdrawal')),
    receipt_number TEXT NOT NULL UNIQUE,
    depositor_id BIGINT NOT NULL REFERENCES users (id),
    started_at TIMESTAMP NOT NULL,
    deposited_at TIMESTAMP NOT NULL,
    late BOOLEAN NOT NULL,
    snapshot TEXT NOT NULL,
    receipt TEXT NOT NULL,
    deposit_hash TEXT NOT NULL,
    opened_at TIMESTAMP,
    opened_by BIGINT REFERENCES users (id)
);
CREATE INDEX deposits_proposal ON deposits (proposal_id, deposited_at);
CREATE INDEX deposits_objective ON deposits (objective_id);

CREATE TABLE deposit_documents (
    deposit_id BIGINT NOT NULL REFERENCES deposits (id),
    position INTEGER NOT NULL,
    storage_key TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (deposit_id, position)
);
CREATE INDEX deposit_documents_storage_key ON deposit_documents (storage_key);
