-- The signed contract of an awarded objective (issue 17, step 2): one row per objective, written
-- once at signature; its holders and considerations are frozen as JSON. Later modifications are
-- rows of their own, numbered from 1, never an update of the contract.
CREATE TABLE contracts (
    objective_id BIGINT PRIMARY KEY NOT NULL REFERENCES objectives (id),
    object TEXT NOT NULL,
    holders TEXT NOT NULL,
    signed_on DATE NOT NULL,
    notified_on DATE NOT NULL,
    amount_cents BIGINT NOT NULL,
    duration_months INTEGER NOT NULL,
    cpv TEXT NOT NULL,
    place_code TEXT NOT NULL,
    place_kind TEXT NOT NULL CHECK (place_kind IN ('commune', 'department', 'region', 'country')),
    price_form TEXT NOT NULL CHECK (price_form IN ('firm', 'revisable', 'updatable')),
    price_basis TEXT NOT NULL CHECK (price_basis IN ('lump_sum', 'unit', 'mixed')),
    subcontracting BOOLEAN NOT NULL,
    considerations TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);

CREATE TABLE contract_modifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES contracts (objective_id),
    number INTEGER NOT NULL,
    notified_on DATE NOT NULL,
    reason TEXT NOT NULL,
    object TEXT,
    amount_cents BIGINT,
    duration_months INTEGER,
    holders TEXT,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (objective_id, number)
);
