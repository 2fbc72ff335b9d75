-- The citizens' dashboard (docs/OPEN-DATA.md) finds the deposit that stands for each proposal
-- and its organisation without reading the deposits' large rows (snapshot, receipt).
CREATE INDEX deposits_dashboard ON deposits (proposal_id, late, deposited_at, id, kind, objective_id, organisation_id);
