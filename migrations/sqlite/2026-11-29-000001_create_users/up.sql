-- Supplier organisations and the people who sign in. Staff roles combine, so they live in their own table.
CREATE TABLE organisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    legal_name TEXT NOT NULL,
    identifier_type TEXT NOT NULL CHECK (identifier_type IN ('siret', 'vat', 'other')),
    identifier TEXT NOT NULL,
    address TEXT NOT NULL,
    postcode TEXT NOT NULL,
    country TEXT NOT NULL,
    size TEXT NOT NULL CHECK (size IN ('micro', 'sme', 'large')),
    social_economy BOOLEAN NOT NULL,
    sectors TEXT NOT NULL,
    -- SQLite accepts a reference to the table created next.
    owner_user_id BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (identifier_type, identifier)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    email_verified_at TIMESTAMP,
    disabled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id),
    locale TEXT NOT NULL DEFAULT 'fr'
);
CREATE INDEX users_organisation ON users (organisation_id);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('agent', 'committee', 'admin')),
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, role)
);
