-- A manager's person page lists the messages sent to that person, newest
-- first: one index range instead of a scan of the whole outbox.
CREATE INDEX email_outbox_user_idx ON email_outbox (user_id, id DESC) WHERE user_id IS NOT NULL;
