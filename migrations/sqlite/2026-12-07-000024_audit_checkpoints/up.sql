-- Audit checkpoints (issue 16, item 11): the audit chain's head, signed with the platform's
-- Ed25519 key and published every day (and on demand), so anyone who keeps one can later prove
-- the log was not truncated or rewritten. `sequence` is the head's position in the chain (the
-- number of entries up to it), not its id (ids may have gaps).
CREATE TABLE audit_checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    sequence BIGINT NOT NULL,
    head_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    key_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL,
    UNIQUE (sequence, key_id)
);
CREATE INDEX audit_checkpoints_created ON audit_checkpoints (created_at);
