-- SCIM 2.0 provisioning (internal/scim): clients with their hashed bearer
-- tokens, each limited to an organization subtree; the SCIM identity of
-- the people a client provisions; its groups and their members; and the
-- administrators' mapping of group names to job roles.

-- Changes made by a machine client (no person) name it in the audit log.
ALTER TABLE audit_log ADD COLUMN actor_label text NOT NULL DEFAULT '';

CREATE TABLE scim_clients (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL,
    token_hash      bytea NOT NULL UNIQUE,
    root_org_id     bigint NOT NULL REFERENCES organizations(id),
    rate_per_second integer NOT NULL DEFAULT 50 CHECK (rate_per_second > 0),
    burst           integer NOT NULL DEFAULT 200 CHECK (burst > 0),
    created_by      bigint REFERENCES users(id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz
);
CREATE UNIQUE INDEX scim_clients_name_key ON scim_clients (lower(name));

CREATE TABLE scim_users (
    client_id   bigint NOT NULL REFERENCES scim_clients(id),
    user_id     bigint NOT NULL REFERENCES users(id),
    user_name   text NOT NULL,
    external_id text NOT NULL DEFAULT '',
    given_name  text NOT NULL DEFAULT '',
    family_name text NOT NULL DEFAULT '',
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client_id, user_id)
);
CREATE UNIQUE INDEX scim_users_user_name_key ON scim_users (client_id, lower(user_name));
CREATE INDEX scim_users_external_idx ON scim_users (client_id, external_id) WHERE external_id <> '';
CREATE UNIQUE INDEX scim_users_user_key ON scim_users (user_id);

CREATE TABLE scim_groups (
    id           bigserial PRIMARY KEY,
    client_id    bigint NOT NULL REFERENCES scim_clients(id),
    display_name text NOT NULL,
    external_id  text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX scim_groups_name_key ON scim_groups (client_id, lower(display_name));

CREATE TABLE scim_group_members (
    group_id bigint NOT NULL REFERENCES scim_groups(id) ON DELETE CASCADE,
    user_id  bigint NOT NULL REFERENCES users(id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX scim_group_members_user_idx ON scim_group_members (user_id);

-- A group, by its display name, grants a job role to its members.
CREATE TABLE scim_group_roles (
    client_id    bigint NOT NULL REFERENCES scim_clients(id),
    display_name text NOT NULL,
    role_code    text NOT NULL REFERENCES job_roles(code),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client_id, display_name)
);
CREATE UNIQUE INDEX scim_group_roles_name_key ON scim_group_roles (client_id, lower(display_name));
