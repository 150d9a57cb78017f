-- A roster file that passed its dry run, kept for a short time so that
-- "Import" applies exactly the file that was checked without asking for it
-- again. Keyed by the administrator who uploaded it and the SHA-256 of its
-- bytes; deleted when applied or once expired.
CREATE TABLE pending_imports (
    admin_id   bigint NOT NULL REFERENCES users(id),
    sha256     bytea NOT NULL CHECK (length(sha256) = 32),
    file_name  text NOT NULL,
    content    bytea NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (admin_id, sha256)
);
CREATE INDEX pending_imports_expires_idx ON pending_imports (expires_at);
