-- 0011_licences: the electronic licence library and the one seal
-- (docs/licences.md; SPEC §7, §16).

-- 统一社会信用代码 of an organisation (GB 32100): a seal and every licence
-- number need it. Organisation codes may be local codes, so it is apart.
ALTER TABLE orgs ADD COLUMN credit_code TEXT;
CREATE UNIQUE INDEX orgs_credit_code ON orgs(credit_code) WHERE credit_code IS NOT NULL;

CREATE TABLE licence_types (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,  -- ministry credit code + 3-digit sequence
    name           TEXT NOT NULL,
    holder_kind    TEXT NOT NULL CHECK (holder_kind IN ('person', 'org', 'any')),
    fields         TEXT NOT NULL,         -- JSON array of face fields
    validity_years INTEGER NOT NULL DEFAULT 0 CHECK (validity_years BETWEEN 0 AND 50),
    issuers        TEXT NOT NULL DEFAULT '[]', -- JSON array of organisation codes
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;

-- One active seal per organisation; rotated and revoked ones stay to verify
-- what they signed. The private key is sealed under a key derived from
-- master.key (never in the database), bound to the seal's public id.
CREATE TABLE seals (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT NOT NULL UNIQUE,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    status        TEXT NOT NULL CHECK (status IN ('active', 'rotated', 'revoked')),
    public_key    TEXT NOT NULL,          -- 04||x||y, 130 hex digits
    fingerprint   TEXT NOT NULL,          -- SM3 of the public point, hex
    private_enc   BLOB NOT NULL,
    replaces_id   INTEGER REFERENCES seals(id),
    created_at    INTEGER NOT NULL,
    created_by    INTEGER REFERENCES accounts(id),
    rotated_at    INTEGER,
    revoked_at    INTEGER,
    revoke_reason TEXT
) STRICT;
CREATE UNIQUE INDEX seals_one_active ON seals(org_id) WHERE status = 'active';

CREATE TABLE licences (
    id                INTEGER PRIMARY KEY,
    no                TEXT NOT NULL UNIQUE,  -- 1.2.156.3005.2.<type>.<issuer>.<serial>.<ver>.<check>
    type_id           INTEGER NOT NULL REFERENCES licence_types(id),
    serial            TEXT NOT NULL,
    version           INTEGER NOT NULL,
    issuer_org_id     INTEGER NOT NULL REFERENCES orgs(id),
    seal_id           INTEGER NOT NULL REFERENCES seals(id),
    holder_index      BLOB NOT NULL,         -- blind index of the holder's number
    holder_masked     TEXT NOT NULL,         -- the holder's name, masked
    holder_account_id INTEGER REFERENCES accounts(id),
    case_id           INTEGER REFERENCES cases(id),
    trust_level       TEXT NOT NULL CHECK (trust_level IN ('A', 'B', 'C', 'D')),
    issued_on         TEXT NOT NULL,
    valid_from        TEXT NOT NULL,
    valid_until       TEXT,                  -- NULL: 长期
    content_enc       BLOB NOT NULL,         -- the signed canonical JSON, sealed
    signature         BLOB NOT NULL,         -- SM2-SM3 DER over the canonical JSON
    status            TEXT NOT NULL CHECK (status IN ('valid', 'revoked', 'superseded')),
    previous_id       INTEGER REFERENCES licences(id),
    replaced_by_id    INTEGER REFERENCES licences(id),
    revoked_at        INTEGER,
    revoke_reason     TEXT,
    created_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX licences_holder ON licences(holder_index, type_id, status);
CREATE INDEX licences_issuer ON licences(issuer_org_id, id);
CREATE UNIQUE INDEX licences_serial ON licences(type_id, serial, version);

-- Issue, import, change, renewal and revocation: each signed on its own.
CREATE TABLE licence_events (
    id         INTEGER PRIMARY KEY,
    licence_id INTEGER NOT NULL REFERENCES licences(id),
    kind       TEXT NOT NULL CHECK (kind IN ('issue', 'import', 'change', 'renew', 'revoke')),
    at         INTEGER NOT NULL,
    account_id INTEGER REFERENCES accounts(id),
    reason     TEXT,
    content    TEXT NOT NULL,                -- canonical JSON (no personal data)
    signature  BLOB NOT NULL,
    seal_id    INTEGER NOT NULL REFERENCES seals(id)
) STRICT;
CREATE INDEX licence_events_licence ON licence_events(licence_id, id);

-- Every use of a seal: what it signed, for which case, by whom.
CREATE TABLE seal_uses (
    id         INTEGER PRIMARY KEY,
    seal_id    INTEGER NOT NULL REFERENCES seals(id),
    at         INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('issue', 'import', 'change', 'renew', 'revoke')),
    licence_id INTEGER REFERENCES licences(id),
    case_id    INTEGER REFERENCES cases(id),
    account_id INTEGER REFERENCES accounts(id)
) STRICT;
CREATE INDEX seal_uses_seal ON seal_uses(seal_id, id);

-- Every question put to the licence library: by a department system (API
-- client) or by the platform for an application.
CREATE TABLE licence_queries (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    client_id    INTEGER REFERENCES api_clients(id),
    account_id   INTEGER REFERENCES accounts(id),
    purpose      TEXT NOT NULL,
    case_no      TEXT,
    holder_index BLOB,
    type_code    TEXT,
    licence_id   INTEGER REFERENCES licences(id),
    result       TEXT NOT NULL CHECK (result IN ('found', 'none', 'denied'))
) STRICT;
CREATE INDEX licence_queries_client ON licence_queries(client_id, id);

-- a material provided from the licence library names the licence
ALTER TABLE case_materials ADD COLUMN licence_id INTEGER REFERENCES licences(id);
