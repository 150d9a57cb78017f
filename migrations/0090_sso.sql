-- Sign-in with an agency's identity provider (OpenID Connect or SAML 2.0).
-- A provider serves one organization subtree; its email domains route
-- sign-in to it only once a state administrator approves them.

CREATE TABLE sso_providers (
    id                     bigserial PRIMARY KEY,
    name                   text NOT NULL,
    protocol               text NOT NULL CHECK (protocol IN ('oidc', 'saml')),
    -- OpenID Connect: the issuer (discovery at <issuer>/.well-known/...),
    -- the client id and the client secret, AES-GCM sealed (nonce||ciphertext).
    issuer                 text NOT NULL DEFAULT '',
    client_id              text NOT NULL DEFAULT '',
    secret_sealed          bytea,
    scopes                 text NOT NULL DEFAULT '', -- beyond openid email profile, space-separated
    -- SAML: the IdP's metadata (pasted or fetched from metadata_url), and
    -- this service provider's own key (sealed) and certificate (DER).
    metadata_url           text NOT NULL DEFAULT '',
    metadata_xml           text NOT NULL DEFAULT '',
    sp_key_sealed          bytea,
    sp_cert                bytea,
    idp_initiated          boolean NOT NULL DEFAULT false,
    root_org_id            bigint NOT NULL REFERENCES organizations(id),
    -- Claim mapping: the claim (or SAML attribute) holding an organization
    -- code, the one holding job-role groups (mapped in sso_role_map), and
    -- what a person gets when a claim is absent.
    org_claim              text NOT NULL DEFAULT '',
    roles_claim            text NOT NULL DEFAULT '',
    default_org_id         bigint REFERENCES organizations(id),
    default_role           text REFERENCES job_roles(code),
    require_email_verified boolean NOT NULL DEFAULT true,
    jit                    boolean NOT NULL DEFAULT false,
    password_off           boolean NOT NULL DEFAULT false,
    end_session_url        text NOT NULL DEFAULT '',
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    disabled_at            timestamptz
);
CREATE UNIQUE INDEX sso_providers_name_key ON sso_providers (lower(name));

-- An email domain a provider claims. Only an approved domain routes
-- sign-in, links people by email or creates them; one provider per domain.
CREATE TABLE sso_domains (
    provider_id bigint NOT NULL REFERENCES sso_providers(id),
    domain      text NOT NULL CHECK (domain = lower(domain) AND domain ~ '^[a-z0-9.-]+\.[a-z]{2,}$'),
    approved_at timestamptz,
    approved_by bigint REFERENCES users(id),
    PRIMARY KEY (provider_id, domain)
);
CREATE UNIQUE INDEX sso_domains_approved_key ON sso_domains (domain) WHERE approved_at IS NOT NULL;

-- A value of the roles claim (e.g. a group) and the job role it gives.
CREATE TABLE sso_role_map (
    provider_id bigint NOT NULL REFERENCES sso_providers(id),
    claim_value text NOT NULL,
    role_code   text NOT NULL REFERENCES job_roles(code),
    PRIMARY KEY (provider_id, claim_value, role_code)
);

-- A person as the provider knows them: matched by subject once linked.
CREATE TABLE sso_links (
    provider_id bigint NOT NULL REFERENCES sso_providers(id),
    subject     text NOT NULL,
    user_id     bigint NOT NULL REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    PRIMARY KEY (provider_id, subject)
);
CREATE UNIQUE INDEX sso_links_user_key ON sso_links (provider_id, user_id);

-- A sign-in under way: kept by the hash of its state (OIDC) or relay
-- state (SAML), used once. nonce and verifier (PKCE) are OIDC's;
-- request_id is the SAML AuthnRequest's.
CREATE TABLE sso_flows (
    state_hash  bytea PRIMARY KEY,
    provider_id bigint NOT NULL REFERENCES sso_providers(id),
    nonce       text NOT NULL DEFAULT '',
    verifier    text NOT NULL DEFAULT '',
    request_id  text NOT NULL DEFAULT '',
    next        text NOT NULL DEFAULT '/my',
    expires_at  timestamptz NOT NULL
);
CREATE INDEX sso_flows_expires_idx ON sso_flows (expires_at);

-- SAML assertion ids seen, kept until the assertion could no longer be
-- accepted anyway: a second use of an id is a replay.
CREATE TABLE sso_saml_assertions (
    assertion_id text PRIMARY KEY,
    provider_id  bigint NOT NULL REFERENCES sso_providers(id),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sso_saml_assertions_expires_idx ON sso_saml_assertions (expires_at);
