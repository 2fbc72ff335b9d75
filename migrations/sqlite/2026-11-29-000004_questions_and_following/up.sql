-- Search text of objectives, public questions and answers, and subscriptions.
ALTER TABLE objectives ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

CREATE TABLE questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    asked_by BIGINT REFERENCES users (id),
    question TEXT NOT NULL,
    answer TEXT,
    answered_by BIGINT REFERENCES users (id),
    asked_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP
);
CREATE INDEX questions_objective ON questions (objective_id);

CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    theme TEXT,
    objective_id BIGINT REFERENCES objectives (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    CHECK ((theme IS NULL) <> (objective_id IS NULL))
);
CREATE UNIQUE INDEX subscriptions_theme ON subscriptions (user_id, theme);
CREATE UNIQUE INDEX subscriptions_objective ON subscriptions (user_id, objective_id);
