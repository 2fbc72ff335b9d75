-- A member whose account was disabled during the evaluation stalls the decision: the chair
-- releases the seat, with a reason (docs/EVALUATION.md, issue 16). The member's submitted
-- evaluations still count; what was not submitted no longer waits.
ALTER TABLE committee_members ADD COLUMN released_at TIMESTAMP;
ALTER TABLE committee_members ADD COLUMN released_by BIGINT REFERENCES users (id);
ALTER TABLE committee_members ADD COLUMN release_reason TEXT;
