-- Every message is written here first, then sent. dedupe_key makes a
-- reminder exist once per (assignment, kind, cycle) however often and by
-- however many instances the sweep runs.
CREATE TABLE email_outbox (
    id              bigserial PRIMARY KEY,
    dedupe_key      text NOT NULL UNIQUE,
    kind            text NOT NULL,
    user_id         bigint REFERENCES users(id),
    assignment_id   bigint REFERENCES assignments(id),
    to_addr         text NOT NULL,
    subject         text NOT NULL,
    text_body       text NOT NULL,
    html_body       text NOT NULL,
    headers         jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    attempts        int NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'dropped')),
    sent_at         timestamptz
);
CREATE INDEX email_outbox_ready_idx ON email_outbox (next_attempt_at) WHERE status = 'queued';
