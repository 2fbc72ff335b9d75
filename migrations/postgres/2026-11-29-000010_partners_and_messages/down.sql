DROP TABLE messaging_suspensions;
DROP TABLE message_reports;
DROP TABLE messages;
DROP TABLE partner_requests;
