-- 0004_clients_agents: department systems' API clients and agents' authorisations.

CREATE TABLE api_clients (
    id           INTEGER PRIMARY KEY,
    client_id    TEXT NOT NULL UNIQUE,      -- public identifier, "tbc_" + hex
    secret_hash  BLOB NOT NULL,             -- HMAC-SM3 of the secret (the secret is shown once)
    name         TEXT NOT NULL,
    org_id       INTEGER REFERENCES orgs(id),
    scopes       TEXT NOT NULL,             -- space-separated permission names
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_by   INTEGER NOT NULL REFERENCES accounts(id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

-- 代办: an applicant authorises an agent to act for them, with a scope and a validity.
CREATE TABLE agent_grants (
    id           INTEGER PRIMARY KEY,
    public_id    TEXT NOT NULL UNIQUE,
    principal_id INTEGER NOT NULL REFERENCES accounts(id),   -- the applicant
    agent_id     INTEGER NOT NULL REFERENCES accounts(id),   -- the 代办员
    scope        TEXT NOT NULL CHECK (scope IN ('apply', 'all')),
    valid_from   INTEGER NOT NULL,
    valid_until  INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    CHECK (principal_id <> agent_id),
    CHECK (valid_until > valid_from)
) STRICT;
CREATE INDEX agent_grants_principal ON agent_grants(principal_id);
CREATE INDEX agent_grants_agent ON agent_grants(agent_id);
