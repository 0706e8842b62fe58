-- 0007_cases: cases (办件) and everything that happens to them (docs/cases.md,
-- SPEC §4, §5, §16). Designed for both cases issues: acceptance and
-- processing now, the deadline engine and delivery next.

CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    public_id        TEXT NOT NULL UNIQUE,          -- random, in URLs
    case_no          TEXT NOT NULL UNIQUE,          -- TB + date + 8 random digits + check digit
    query_code_hash  BLOB NOT NULL,                 -- HMAC-SM3 of the query code (shown once)
    item_id          INTEGER NOT NULL REFERENCES items(id),
    item_version     INTEGER NOT NULL,              -- the version applied for, kept for life
    org_id           INTEGER NOT NULL REFERENCES orgs(id),   -- deciding organisation
    applicant_id     INTEGER NOT NULL REFERENCES accounts(id),
    agent_id         INTEGER REFERENCES accounts(id),        -- 代办: who acted for the applicant
    channel          TEXT NOT NULL CHECK (channel IN ('online', 'window', 'kiosk', 'agent', 'mobile')),
    state            TEXT NOT NULL,
    suspended_from   TEXT,                          -- the state a suspension left
    steps_total      INTEGER NOT NULL,
    steps_done       INTEGER NOT NULL DEFAULT 0,
    values_json      TEXT NOT NULL DEFAULT '{}',    -- the application form's values
    accepted_window_id INTEGER REFERENCES windows(id),
    accepted_by      INTEGER REFERENCES accounts(id),
    submitted_at     INTEGER,
    accepted_at      INTEGER,
    decided_at       INTEGER,
    closed_at        INTEGER,
    promised_due     TEXT,                          -- YYYY-MM-DD, working days from acceptance
    legal_due        TEXT,
    extended_days    INTEGER NOT NULL DEFAULT 0,
    corrections      INTEGER NOT NULL DEFAULT 0,    -- 补正 notices issued (a second is flagged)
    trips            INTEGER NOT NULL DEFAULT 0,    -- the applicant's trips to a hall
    warning          TEXT NOT NULL DEFAULT 'green' CHECK (warning IN ('green', 'yellow', 'red')),
    etag             INTEGER NOT NULL DEFAULT 1,    -- bumped by every change (If-Match)
    idem_key_hash    BLOB UNIQUE,                   -- HMAC of applicant + Idempotency-Key
    idem_body_hash   BLOB,                          -- SM3 of the request body it came with
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX cases_applicant ON cases(applicant_id, created_at);
CREATE INDEX cases_org_state ON cases(org_id, state);
CREATE INDEX cases_state ON cases(state, promised_due);

-- Per case and material of the item version: how it was provided.
CREATE TABLE case_materials (
    case_id        INTEGER NOT NULL REFERENCES cases(id),
    idx            INTEGER NOT NULL,                -- the material's index in the item version
    provision      TEXT NOT NULL CHECK (provision IN ('submitted', 'licence', 'shared',
                                                        'commitment', 'missing', 'none')),
    upload_id      INTEGER REFERENCES uploads(id),
    supplement_due TEXT,                            -- 容缺: YYYY-MM-DD
    supplied_at    INTEGER,
    PRIMARY KEY (case_id, idx)
) STRICT, WITHOUT ROWID;

-- The procedure steps of the item version, copied at acceptance.
CREATE TABLE case_steps (
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    idx             INTEGER NOT NULL,
    name            TEXT NOT NULL,
    authority_level INTEGER NOT NULL CHECK (authority_level BETWEEN 1 AND 4),
    limit_days      INTEGER NOT NULL,
    due             TEXT,
    done_by         INTEGER REFERENCES accounts(id),
    done_at         INTEGER,
    outcome         TEXT,                           -- pass, approve, deny ...
    opinion         TEXT,
    participants    TEXT,                           -- 联席会议: JSON array of names
    PRIMARY KEY (case_id, idx)
) STRICT, WITHOUT ROWID;

-- Clock stops: special procedures, corrections, overdue 容缺 materials.
CREATE TABLE case_suspensions (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,                      -- special procedure code, correction, missing_overdue
    reason      TEXT NOT NULL,
    limit_days  INTEGER,
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER
) STRICT;
CREATE INDEX case_suspensions_case ON case_suspensions(case_id);

-- Every action on a case (also appended to the audit chain as case.<action>).
CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    at          INTEGER NOT NULL,
    actor_id    INTEGER REFERENCES accounts(id),    -- NULL for the platform
    role        TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',
    reason      TEXT
) STRICT;
CREATE INDEX case_events_case ON case_events(case_id, id);
CREATE TRIGGER case_events_append_only BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case events are append-only');
END;
CREATE TRIGGER case_events_keep BEFORE DELETE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case events are kept');
END;

-- Notices issued (受理通知书 ...): the PDF is made again from its data.
CREATE TABLE case_notices (
    id          INTEGER PRIMARY KEY,
    public_id   TEXT NOT NULL UNIQUE,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    number      TEXT NOT NULL,                      -- 文书编号
    data        TEXT NOT NULL,                      -- the JSON the PDF is rendered from
    issued_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX case_notices_case ON case_notices(case_id);

-- 否定报备 and other flags for supervision (refusals, denials, second corrections,
-- broken 容缺 commitments).
CREATE TABLE case_flags (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    at          INTEGER NOT NULL,
    reason      TEXT,
    reviewed_by INTEGER REFERENCES accounts(id),
    reviewed_at INTEGER
) STRICT;
CREATE INDEX case_flags_kind ON case_flags(kind, at);
