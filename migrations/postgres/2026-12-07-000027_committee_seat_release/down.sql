ALTER TABLE committee_members DROP COLUMN release_reason;
ALTER TABLE committee_members DROP COLUMN released_by;
ALTER TABLE committee_members DROP COLUMN released_at;
