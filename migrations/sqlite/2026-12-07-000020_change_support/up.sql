-- Change support, delivered and heard (issue 17, step 5): the contract's change-support plan (its
-- actions, each with its kind, audience, planned date and hours), each action's delivery recorded
-- by the holder (date, participants, materials in the upload store), the users of the purchase
-- (an account given access to one contract by an agent) and their attendance with a rating.
CREATE TABLE support_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES contracts (objective_id),
    kind TEXT NOT NULL CHECK (kind IN ('training', 'advice', 'awareness', 'recommendation', 'coaching')),
    description TEXT NOT NULL,
    audience TEXT NOT NULL,
    planned_on DATE NOT NULL,
    planned_hours DOUBLE NOT NULL CHECK (planned_hours > 0),
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX support_actions_objective ON support_actions (objective_id, planned_on);

-- An action is delivered once.
CREATE TABLE support_deliveries (
    action_id BIGINT PRIMARY KEY NOT NULL REFERENCES support_actions (id),
    delivered_on DATE NOT NULL,
    participants INTEGER NOT NULL CHECK (participants > 0),
    notes TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);

-- The delivery's materials: files in the upload store.
CREATE TABLE support_materials (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    action_id BIGINT NOT NULL REFERENCES support_deliveries (action_id),
    storage_key TEXT NOT NULL,
    original_name TEXT NOT NULL,
    content_type TEXT NOT NULL
);
CREATE INDEX support_materials_action ON support_materials (action_id);

-- Users of the purchase: scoped to one contract, invited by an agent; no other right.
CREATE TABLE purchase_users (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES contracts (objective_id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    invited_by BIGINT NOT NULL REFERENCES users (id),
    invited_at TIMESTAMP NOT NULL,
    UNIQUE (objective_id, user_id)
);
CREATE INDEX purchase_users_user ON purchase_users (user_id);

-- A user's attendance of a delivered action and its usefulness, once per user and action.
CREATE TABLE support_ratings (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    action_id BIGINT NOT NULL REFERENCES support_deliveries (action_id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT NOT NULL,
    rated_at TIMESTAMP NOT NULL,
    UNIQUE (action_id, user_id)
);
