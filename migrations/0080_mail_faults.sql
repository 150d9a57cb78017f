-- Leases that end with their owner, and the mail server's circuit.
--
-- claimed_by is the pass that holds a queued row (a random token per send
-- pass). The holder renews next_attempt_at (the lease) while it works, and
-- clears claimed_by with the outcome, so a row another sender died holding
-- comes due again one lease after its last renewal. The index stays small:
-- only rows in flight have an owner.
ALTER TABLE email_outbox ADD COLUMN claimed_by text;
CREATE INDEX email_outbox_claimed_idx ON email_outbox (claimed_by) WHERE claimed_by IS NOT NULL;

-- failed_reason groups messages parked as failed for a bulk retry: the SMTP
-- reply code ("smtp 550"), or "attempts" when a message ran out of tries.
ALTER TABLE email_outbox ADD COLUMN failed_reason text NOT NULL DEFAULT '';
UPDATE email_outbox SET failed_reason = CASE
    WHEN last_error ~ '\m5[0-9][0-9]\M' THEN 'smtp ' || substring(last_error FROM '\m(5[0-9][0-9])\M')
    ELSE 'attempts' END
  WHERE status = 'failed';
CREATE INDEX email_outbox_failed_reason_idx ON email_outbox (failed_reason) WHERE status = 'failed';

-- One row: whether senders consider the mail server down (an outage:
-- refused connections, timeouts, 421, a run of 4xx across recipients),
-- until when they wait, how many times in a row it opened, and the last
-- error any sender saw. Every sender (every instance) reads it before a pass.
CREATE TABLE mail_circuit (
    id            boolean PRIMARY KEY DEFAULT true CHECK (id),
    state         text NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open')),
    open_until    timestamptz,
    opens         int NOT NULL DEFAULT 0,
    last_error    text NOT NULL DEFAULT '',
    last_error_at timestamptz,
    changed_at    timestamptz
);
INSERT INTO mail_circuit DEFAULT VALUES;
