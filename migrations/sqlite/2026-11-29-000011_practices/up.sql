-- The network of suppliers (issue 8), step 4: good practices organisations share, reviewed by
-- agents before publication (submitted → published or refused with a reason).
CREATE TABLE practices (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    -- JSON array of theme codes (domain::themes).
    themes TEXT NOT NULL,
    picture_key TEXT UNIQUE,
    picture_type TEXT,
    picture_size BIGINT,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'published', 'refused')),
    refusal_reason TEXT,
    featured BOOLEAN NOT NULL DEFAULT FALSE,
    submitted_by BIGINT NOT NULL REFERENCES users (id),
    submitted_at TIMESTAMP NOT NULL,
    reviewed_by BIGINT REFERENCES users (id),
    reviewed_at TIMESTAMP,
    published_at TIMESTAMP
);
CREATE INDEX practices_published ON practices (status, published_at);
CREATE INDEX practices_organisation ON practices (organisation_id);
