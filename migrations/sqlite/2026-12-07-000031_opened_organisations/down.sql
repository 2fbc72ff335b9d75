-- The organisations each deposit was made for: the lead and every confirmed consortium member
-- as frozen in the deposit. The public profile finds an organisation's results through it
-- instead of searching every snapshot's text (docs/PERFORMANCE.md, issue 19).
CREATE TABLE deposit_organisations (
    deposit_id BIGINT NOT NULL REFERENCES deposits (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (deposit_id, organisation_id)
);
CREATE INDEX deposit_organisations_organisation ON deposit_organisations (organisation_id, deposit_id);

-- Deposits made before this table existed: the lead, and the members confirmed when it was made.
INSERT INTO deposit_organisations (deposit_id, organisation_id)
SELECT id, organisation_id FROM deposits;
INSERT INTO deposit_organisations (deposit_id, organisation_id)
SELECT d.id, m.organisation_id
FROM deposits d
JOIN consortium_members m ON m.proposal_id = d.proposal_id
WHERE m.confirmed_at IS NOT NULL AND m.confirmed_at <= d.deposited_at AND m.organisation_id <> d.organisation_id;

DROP TABLE opened_organisations;
