-- People area: lookups behind the admin pages, the audit log filters and
-- the single-use sign-in links.

-- The audit page filters by the person a change was about.
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC);

-- The user list sorts and searches by name.
CREATE INDEX users_name_idx ON users (lower(name), id);

-- Issuing a link retires the person's earlier links of the same purpose.
CREATE INDEX auth_tokens_user_purpose_idx ON auth_tokens (user_id, purpose) WHERE used_at IS NULL;
