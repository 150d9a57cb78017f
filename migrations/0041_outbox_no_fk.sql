-- The reminder sweep writes up to hundreds of thousands of outbox rows in a
-- few statements. Each foreign key on email_outbox costs a per-row check
-- trigger: together about half of the insert time. They protect nothing
-- here: users and assignments are never deleted (deactivation and status
-- are soft), and every writer takes the ids from rows it has just read.
ALTER TABLE email_outbox
    DROP CONSTRAINT email_outbox_user_id_fkey,
    DROP CONSTRAINT email_outbox_assignment_id_fkey;
