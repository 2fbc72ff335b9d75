DROP TABLE rate_limits;
DROP TABLE mail_outbox;
DROP TABLE audit_log;
DROP TABLE invitations;
DROP TABLE api_tokens;
DROP TABLE sessions;
