-- The mail worker's claims and backoff: a mail is claimed by one sender at a time (locked_by, until
-- locked_until), retried from next_attempt_at, and failed for good (failed_at) after its last attempt.
ALTER TABLE mail_outbox ADD COLUMN locked_by TEXT;
ALTER TABLE mail_outbox ADD COLUMN locked_until INTEGER;
ALTER TABLE mail_outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mail_outbox ADD COLUMN failed_at INTEGER;
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, failed_at, next_attempt_at);
