-- Who an opened proposal belongs to: the lead organisation and every consortium member named in
-- the opened deposit, with its role, written at the opening in the opening's transaction
-- (`proposals::opening::open`). The committee's board, the member's seat and the public profiles
-- read these short rows instead of the deposits' snapshots (docs/EVALUATION.md, issue 19).
-- Nothing is written before the opening: until then nobody learns who deposited.
CREATE TABLE opened_organisations (
    deposit_id BIGINT NOT NULL REFERENCES deposits (id),
    objective_id BIGINT NOT NULL REFERENCES objectives (id),
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    -- `lead` or `member`.
    role TEXT NOT NULL,
    -- 0 for the lead, then the members in the order the deposit names them.
    position INTEGER NOT NULL,
    PRIMARY KEY (deposit_id, organisation_id)
);
CREATE INDEX opened_organisations_objective ON opened_organisations (objective_id, proposal_id, position);
CREATE INDEX opened_organisations_organisation ON opened_organisations (organisation_id, deposit_id);

-- Deposits opened before this table existed: the lead, then the consortium members the
-- snapshot names, matched by identifier (as the opening does).
INSERT INTO opened_organisations (deposit_id, objective_id, proposal_id, organisation_id, role, position)
SELECT d.id, d.objective_id, d.proposal_id, d.organisation_id, 'lead', 0
FROM deposits d
WHERE d.opened_at IS NOT NULL;
INSERT OR IGNORE INTO opened_organisations (deposit_id, objective_id, proposal_id, organisation_id, role, position)
SELECT d.id, d.objective_id, d.proposal_id, o.id, 'member', m.key + 1
FROM deposits d, json_each(d.snapshot, '$.consortium.members') m
JOIN organisations o
  ON o.identifier_type = json_extract(m.value, '$.identifier_type')
 AND o.identifier = json_extract(m.value, '$.identifier')
WHERE d.opened_at IS NOT NULL AND json_type(d.snapshot, '$.consortium.members') = 'array';

-- The table it replaces: written with every deposit, read only by the public profiles.
DROP TABLE deposit_organisations;
