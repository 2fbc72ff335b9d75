-- The network of suppliers (issue 8), step 2: organisations looking for partners on open
-- objectives, short messages between organisations, abuse reports and messaging suspensions.
CREATE TABLE partner_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES objectives (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    skills TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (objective_id, organisation_id)
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    sender_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    sender_user_id BIGINT NOT NULL REFERENCES users (id),
    recipient_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    objective_id BIGINT REFERENCES objectives (id),
    body TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX messages_recipient ON messages (recipient_organisation_id, sent_at);
CREATE INDEX messages_sender ON messages (sender_organisation_id, sent_at);

CREATE TABLE message_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    message_id BIGINT NOT NULL UNIQUE REFERENCES messages (id),
    reported_by BIGINT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    reported_at TIMESTAMP NOT NULL,
    resolution TEXT,
    resolved_by BIGINT REFERENCES users (id),
    resolved_at TIMESTAMP
);

CREATE TABLE messaging_suspensions (
    organisation_id BIGINT PRIMARY KEY NOT NULL REFERENCES organisations (id),
    reason TEXT NOT NULL,
    suspended_by BIGINT NOT NULL REFERENCES users (id),
    suspended_at TIMESTAMP NOT NULL
);
