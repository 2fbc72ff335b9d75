DROP TABLE deposit_documents;
DROP TABLE deposits;
DROP TABLE consortium_members;
DROP TABLE proposal_attachments;
DROP TABLE proposal_statements;
DROP TABLE proposals;
ALTER TABLE objectives DROP COLUMN practice;
