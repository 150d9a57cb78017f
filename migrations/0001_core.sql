-- Core schema: organizations, people, courses, assignments, completions,
-- certificates, mail outbox, sessions and the audit log.

CREATE TABLE organizations (
    id             bigserial PRIMARY KEY,
    parent_id      bigint REFERENCES organizations(id),
    code           text NOT NULL,
    name           text NOT NULL,
    type           text NOT NULL,
    county         text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    deactivated_at timestamptz,
    CONSTRAINT organizations_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{0,31}$')
);
CREATE UNIQUE INDEX organizations_code_key ON organizations (code);
CREATE INDEX organizations_parent_idx ON organizations (parent_id);

-- Closure table: one row per (ancestor, descendant) pair, including each
-- organization with itself at depth 0. Subtree queries are a single join.
CREATE TABLE org_closure (
    ancestor_id   bigint NOT NULL REFERENCES organizations(id),
    descendant_id bigint NOT NULL REFERENCES organizations(id),
    depth         int NOT NULL,
    PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX org_closure_descendant_idx ON org_closure (descendant_id, ancestor_id);

CREATE TABLE job_roles (
    code   text PRIMARY KEY,
    name   text NOT NULL,
    sector text NOT NULL
);

CREATE TABLE users (
    id             bigserial PRIMARY KEY,
    org_id         bigint NOT NULL REFERENCES organizations(id),
    email          text NOT NULL,
    name           text NOT NULL,
    password_hash  text NOT NULL DEFAULT '',
    is_admin       boolean NOT NULL DEFAULT false,
    is_facilitator boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_login_at  timestamptz,
    deactivated_at timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_org_idx ON users (org_id);

CREATE TABLE user_roles (
    user_id    bigint NOT NULL REFERENCES users(id),
    role_code  text NOT NULL REFERENCES job_roles(code),
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, role_code)
);
CREATE INDEX user_roles_role_idx ON user_roles (role_code);

-- A manager sees the people of each organization subtree listed here.
CREATE TABLE manager_scopes (
    user_id bigint NOT NULL REFERENCES users(id),
    org_id  bigint NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (user_id, org_id)
);
CREATE INDEX manager_scopes_org_idx ON manager_scopes (org_id);

CREATE TABLE courses (
    id                 bigserial PRIMARY KEY,
    slug               text NOT NULL UNIQUE,
    current_version_id bigint,
    created_at         timestamptz NOT NULL DEFAULT now(),
    retired_at         timestamptz
);

-- Every distinct content of a course, kept forever: completions point here.
CREATE TABLE course_versions (
    id             bigserial PRIMARY KEY,
    course_id      bigint NOT NULL REFERENCES courses(id),
    content_hash   text NOT NULL,
    version        text NOT NULL,
    code           text NOT NULL,
    title          text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('training', 'prevention')),
    language       text NOT NULL,
    minutes        int NOT NULL CHECK (minutes > 0),
    pass_mark      int NOT NULL CHECK (pass_mark BETWEEN 0 AND 100),
    renewal_months int NOT NULL CHECK (renewal_months >= 0),
    lesson_count   int NOT NULL CHECK (lesson_count > 0),
    audiences      text[] NOT NULL,
    content        jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (course_id, content_hash)
);
ALTER TABLE courses ADD CONSTRAINT courses_current_version_fk
    FOREIGN KEY (current_version_id) REFERENCES course_versions(id);

CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor_id  bigint REFERENCES users(id),
    action    text NOT NULL,
    entity    text NOT NULL,
    entity_id text NOT NULL DEFAULT '',
    org_id    bigint REFERENCES organizations(id),
    before    jsonb,
    after     jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC);
CREATE INDEX audit_log_org_idx ON audit_log (org_id, at DESC);

-- The audit log is append-only.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users(id),
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Single-use links for invitations and password resets; only hashes stored.
CREATE TABLE auth_tokens (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users(id),
    purpose    text NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX auth_tokens_user_idx ON auth_tokens (user_id);

-- Sign-in throttling shared by every app instance: failures per key
-- ("email:<addr>" or "ip:<addr>") in a sliding window.
CREATE TABLE login_failures (
    key text NOT NULL,
    at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key_idx ON login_failures (key, at);
