DROP TABLE subscriptions;
DROP TABLE questions;
ALTER TABLE objectives DROP COLUMN search_text;
