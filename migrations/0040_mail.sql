-- Mail lists a person may leave (the weekly manager digest) and the
-- indexes the sender's admin page needs. Mandatory reminders are not a
-- list: they cannot be unsubscribed from.

-- One row per person and list. token is the secret in the List-Unsubscribe
-- link; it identifies the row without a sign-in (RFC 8058 one-click).
CREATE TABLE mail_subscriptions (
    user_id         bigint NOT NULL REFERENCES users(id),
    list            text NOT NULL CHECK (list IN ('digest')),
    token           text NOT NULL UNIQUE DEFAULT replace(gen_random_uuid()::text, '-', ''),
    unsubscribed_at timestamptz,
    changed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, list)
);

-- Messages parked as failed, newest first, for /admin/mail.
CREATE INDEX email_outbox_failed_idx ON email_outbox (id DESC) WHERE status = 'failed';
