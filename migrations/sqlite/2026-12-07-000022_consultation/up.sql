-- Market consultation before the call (docs/CONSULTATION.md): one consultation per draft
-- objective, the contributions, the sourcing meetings and their registrations.
CREATE TABLE consultations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    need TEXT NOT NULL,
    questions TEXT NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    synthesis TEXT,
    synthesis_at TIMESTAMP,
    change_note TEXT,
    call_opened_at TIMESTAMP,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX consultations_objective ON consultations (objective_id);

CREATE TABLE consultation_contributions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    organisation_id BIGINT REFERENCES organisations (id),
    body TEXT NOT NULL,
    confidential BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX consultation_contributions_consultation ON consultation_contributions (consultation_id);

CREATE TABLE consultation_meetings (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    starts_at TIMESTAMP NOT NULL,
    place TEXT NOT NULL,
    online_url TEXT,
    capacity INTEGER NOT NULL,
    minutes TEXT,
    minutes_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX consultation_meetings_consultation ON consultation_meetings (consultation_id);

-- Seated or waiting (in order of registration); a cancellation deletes the row and its unsent
-- reminder (reminder_mail_id, a row of mail_outbox).
CREATE TABLE meeting_registrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    meeting_id BIGINT NOT NULL REFERENCES consultation_meetings (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    waiting BOOLEAN NOT NULL,
    registered_at TIMESTAMP NOT NULL,
    reminder_mail_id BIGINT
);
CREATE UNIQUE INDEX meeting_registrations_person ON meeting_registrations (meeting_id, user_id);
