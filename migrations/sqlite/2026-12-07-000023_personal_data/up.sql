-- A person's own data (docs/ACCOUNTS.md): the export and the erasure find one user's rows by the
-- columns that name them, without reading whole tables.
CREATE INDEX audit_log_subject ON audit_log (object_type, object_id);
CREATE INDEX mail_outbox_to ON mail_outbox (to_address);
CREATE INDEX invitations_email ON invitations (email);
CREATE INDEX invitations_invited_by ON invitations (invited_by);
CREATE INDEX questions_asked_by ON questions (asked_by);
CREATE INDEX messages_sender_user ON messages (sender_user_id);
CREATE INDEX deposits_depositor ON deposits (depositor_id);
CREATE INDEX deposits_organisation ON deposits (organisation_id);
CREATE INDEX proposals_created_by ON proposals (created_by);
CREATE INDEX proposals_updated_by ON proposals (updated_by);
CREATE INDEX evaluations_user ON evaluations (user_id);
CREATE INDEX practices_submitted_by ON practices (submitted_by);
CREATE INDEX objectives_created_by ON objectives (created_by);
