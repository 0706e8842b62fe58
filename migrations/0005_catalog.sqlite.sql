-- 0005_catalog: the organisation tree in full, service halls and windows, and
-- the versioned service-item catalogue (SPEC §1, §2, §16; docs/catalogue.md).

ALTER TABLE orgs ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX orgs_parent ON orgs(parent_id);

-- 证明事项清单: the only proofs an item may ask for.
CREATE TABLE proofs (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    issuer     TEXT NOT NULL DEFAULT '',
    basis      TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL
) STRICT;

-- 中介服务清单.
CREATE TABLE intermediaries (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    provider   TEXT NOT NULL DEFAULT '',
    fee        TEXT NOT NULL DEFAULT '',
    fee_basis  TEXT NOT NULL DEFAULT '',
    basis      TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL
) STRICT;

-- An item: its identity, deciding organisation, status and the columns the
-- public lists filter on, copied from the current version when it changes.
-- The current version is the latest published one (or, before the first
-- publication, the latest draft).
CREATE TABLE items (
    id               INTEGER PRIMARY KEY,
    impl_code        TEXT NOT NULL UNIQUE,   -- 实施编码
    basic_code       TEXT NOT NULL,          -- 基本编码
    name             TEXT NOT NULL,
    org_id           INTEGER NOT NULL REFERENCES orgs(id),
    status           TEXT NOT NULL CHECK (status IN ('draft', 'published', 'suspended', 'cancelled')),
    current_version  INTEGER NOT NULL,
    latest_version   INTEGER NOT NULL,
    type             TEXT NOT NULL,
    audience         INTEGER NOT NULL,       -- CODE_BIT(service object)
    levels           INTEGER NOT NULL,       -- CODE_BIT(exercise level)
    kind             TEXT NOT NULL,
    item_class       TEXT NOT NULL,
    trips            TEXT NOT NULL,
    is_immediate     INTEGER NOT NULL,
    is_online        INTEGER NOT NULL,
    is_nearby        INTEGER NOT NULL,
    is_one_visit     INTEGER NOT NULL,
    is_exempt        INTEGER NOT NULL,
    legal_limit_days    INTEGER NOT NULL,
    promised_limit_days INTEGER NOT NULL,
    search_text      TEXT NOT NULL,          -- name, materials, conditions (for 1-2 character queries)
    published_at     INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX items_org ON items(org_id);
CREATE INDEX items_basic ON items(basic_code);

CREATE TABLE item_versions (
    item_id      INTEGER NOT NULL REFERENCES items(id),
    version      INTEGER NOT NULL CHECK (version >= 1),
    status       TEXT NOT NULL CHECK (status IN ('draft', 'published', 'superseded')),
    doc          TEXT NOT NULL,              -- the item document (docs/catalogue.md), canonical JSON
    changed      TEXT NOT NULL,              -- JSON array of the top-level keys changed from the version before
    reason       TEXT NOT NULL,
    author_id    INTEGER REFERENCES accounts(id),  -- NULL for the command-line import
    author_name  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    published_at INTEGER,
    published_by INTEGER REFERENCES accounts(id),
    PRIMARY KEY (item_id, version)
) STRICT, WITHOUT ROWID;

-- A published version is never rewritten (SPEC §2: every change kept).
CREATE TRIGGER item_versions_frozen BEFORE UPDATE OF doc, changed, reason, author_id ON item_versions
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'published item versions are immutable');
END;
CREATE TRIGGER item_versions_keep BEFORE DELETE ON item_versions
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'published item versions are kept');
END;

CREATE TABLE item_topics (
    item_id INTEGER NOT NULL REFERENCES items(id),
    topic   TEXT NOT NULL,
    PRIMARY KEY (item_id, topic)
) STRICT, WITHOUT ROWID;
CREATE INDEX item_topics_topic ON item_topics(topic, item_id);

CREATE TABLE item_intermediaries (
    item_id           INTEGER NOT NULL REFERENCES items(id),
    intermediary_code TEXT NOT NULL REFERENCES intermediaries(code),
    PRIMARY KEY (item_id, intermediary_code)
) STRICT, WITHOUT ROWID;
CREATE INDEX item_intermediaries_code ON item_intermediaries(intermediary_code, item_id);

-- 划转: the deciding organisation changed; the old one no longer decides.
CREATE TABLE item_transfers (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items(id),
    from_org_id INTEGER NOT NULL REFERENCES orgs(id),
    to_org_id   INTEGER NOT NULL REFERENCES orgs(id),
    reason      TEXT NOT NULL,
    by_id       INTEGER REFERENCES accounts(id),
    at          INTEGER NOT NULL
) STRICT;
CREATE INDEX item_transfers_item ON item_transfers(item_id);

-- Chinese keyword search: trigram FTS over the current version (queries of
-- three characters or more); shorter ones scan items.search_text.
CREATE VIRTUAL TABLE items_fts USING fts5(name, materials, conditions, tokenize = 'trigram');

CREATE TABLE halls (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    address    TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    hours      TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE windows (
    id          INTEGER PRIMARY KEY,
    hall_id     INTEGER NOT NULL REFERENCES halls(id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('comprehensive', 'themed', 'department')),
    theme       TEXT,
    dept_id     INTEGER REFERENCES orgs(id),
    letter_text TEXT,                        -- 授权通知书; NULL when the window has none
    letter_published_at TEXT,                -- YYYY-MM-DD
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (hall_id, code),
    CHECK (kind <> 'department' OR dept_id IS NOT NULL),
    CHECK (kind <> 'themed' OR theme IS NOT NULL)
) STRICT;

CREATE TABLE window_staff (
    window_id  INTEGER NOT NULL REFERENCES windows(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (window_id, account_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX window_staff_account ON window_staff(account_id);

-- The items a window's authorisation letter lets it decide directly.
CREATE TABLE window_letter_items (
    window_id INTEGER NOT NULL REFERENCES windows(id),
    item_id   INTEGER NOT NULL REFERENCES items(id),
    position  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (window_id, item_id)
) STRICT, WITHOUT ROWID;
