-- 0002_accounts: organisations (the minimal tree staff belong to; the catalogue
-- issue extends it), accounts, sessions, login throttling.

CREATE TABLE orgs (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,   -- 统一社会信用代码 or a local code
    name       TEXT NOT NULL,
    parent_id  INTEGER REFERENCES orgs(id),
    level      INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4), -- 1 市 2 区县 3 乡镇街道 4 村社区
    kind       TEXT NOT NULL CHECK (kind IN ('region', 'department', 'bureau')),
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('person', 'org', 'staff')),
    username         TEXT UNIQUE,            -- lower case; applicants may log in by number instead
    name             TEXT NOT NULL,
    id_number_enc    BLOB,                   -- sealed 居民身份证号 / 统一社会信用代码
    id_number_index  BLOB UNIQUE,            -- HMAC-SM3 blind index of the normalised number
    id_number_masked TEXT,
    phone_enc        BLOB,
    phone_index      BLOB,
    phone_masked     TEXT,
    legal_rep        TEXT,                   -- 法定代表人 (org)
    contact_name     TEXT,                   -- 联系人 (org)
    org_id           INTEGER REFERENCES orgs(id),
    authority_level  INTEGER NOT NULL DEFAULT 0 CHECK (authority_level BETWEEN 0 AND 4),
    roles            INTEGER NOT NULL DEFAULT 0,
    pw_hash          BLOB NOT NULL,
    pw_salt          BLOB NOT NULL,
    pw_iter          INTEGER NOT NULL,
    pw_changed_at    INTEGER NOT NULL,
    must_change_pw   INTEGER NOT NULL DEFAULT 0 CHECK (must_change_pw IN (0, 1)),
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    locked_until     INTEGER NOT NULL DEFAULT 0,
    verified_at      INTEGER,                -- real-name verification time
    verifier         TEXT,                   -- which verifier said so
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    -- 三权分立 (SPEC §15): an administrator bit (1 system, 2 security, 4 audit) stands alone.
    CHECK ((roles & 7) = 0 OR roles IN (1, 2, 4)),
    CHECK (roles BETWEEN 0 AND 255),
    -- Applicants hold no roles; they are identified by their number.
    CHECK (kind = 'staff' OR (roles = 0 AND id_number_index IS NOT NULL)),
    CHECK (kind <> 'staff' OR username IS NOT NULL)
) STRICT;
CREATE INDEX accounts_phone ON accounts(phone_index);
CREATE INDEX accounts_org ON accounts(org_id);

CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY,
    public_id       TEXT NOT NULL UNIQUE,     -- shown in "my sessions"; not the token
    token_hash      BLOB NOT NULL UNIQUE,     -- HMAC-SM3 of the cookie token
    csrf_hash       BLOB NOT NULL,
    account_id      INTEGER NOT NULL REFERENCES accounts(id),
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    idle_ms         INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,         -- absolute end
    ip              TEXT,
    user_agent      TEXT,
    revoked_at      INTEGER,
    revoke_reason   TEXT
) STRICT;
CREATE INDEX sessions_account ON sessions(account_id, revoked_at);

-- Failed logins per login name (HMAC of the normalised name, so unknown
-- names are throttled exactly like known ones and no name is stored).
CREATE TABLE login_failures (
    name_key BLOB NOT NULL,
    at_ms    INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_key ON login_failures(name_key, at_ms);
