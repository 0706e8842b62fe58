-- 0003_audit: the append-only, hash-chained audit log (src/audit/audit.h).
--
-- Written in the SQL both backends read, except the triggers at the end
-- (SQLite syntax) and the X'..' blob literals: a 0003_audit.pg.sql port
-- swaps BLOB for BYTEA, X'00..' for '\x00..'::bytea, STRICT away, and the
-- triggers for plpgsql trigger functions. No SQLite-only functions.
--
-- The chain: hash = SM3(prev_hash || canonical(event)), see audit.c for the
-- canonical form. audit_head keeps the last (seq, hash) under an HMAC-SM3 key
-- held outside the database; audit_checkpoints are signed with SM2;
-- audit_anchor is where verification starts (seq 0 and 32 zero bytes until a
-- purge moves it, then MAC'd and signed by the purge).

CREATE TABLE audit_events (
    seq          INTEGER PRIMARY KEY,  -- 1, 2, 3, ... contiguous (after the anchor)
    at_ms        INTEGER NOT NULL,     -- UTC milliseconds
    actor_id     INTEGER,              -- account id; NULL for anonymous / system
    actor_role   TEXT,
    on_behalf_of INTEGER,              -- agent actions: the principal's account id
    org_id       INTEGER,
    ip           TEXT,
    action       TEXT NOT NULL,        -- "session.login", "account.create", ...
    object_type  TEXT,
    object_id    TEXT,
    result       TEXT NOT NULL,        -- "ok", "denied", "failed"
    request_id   TEXT,
    before_json  TEXT,                 -- compact JSON object, personal data masked
    after_json   TEXT,
    reason       TEXT,
    prev_hash    BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash         BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

-- The API's filters; each index also carries seq (the rowid), so
-- "newest first" pages need no sort.
CREATE INDEX audit_events_at ON audit_events (at_ms);
CREATE INDEX audit_events_actor ON audit_events (actor_id);
CREATE INDEX audit_events_action ON audit_events (action);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id);

-- The last event: absent until the first append.
-- mac = HMAC-SM3(audit head key, seq as 8 bytes big-endian || hash).
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    mac  BLOB NOT NULL CHECK (length(mac) = 32)
) STRICT;

-- Signed (seq, hash) pairs: SM2 over "tongban-audit-checkpoint v1" || seq
-- || at_ms || hash, verifiable with the public key alone.
CREATE TABLE audit_checkpoints (
    seq       INTEGER PRIMARY KEY,
    at_ms     INTEGER NOT NULL,        -- when it was signed
    hash      BLOB NOT NULL CHECK (length(hash) = 32),
    signature BLOB NOT NULL
) STRICT;

-- Where the chain starts: the seq and hash of the last purged event. The
-- initial anchor (seq 0, zero hash) needs no proof; one set by audit_purge
-- carries a MAC and a signature so it cannot be moved to hide deletions.
CREATE TABLE audit_anchor (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    seq       INTEGER NOT NULL,
    hash      BLOB NOT NULL CHECK (length(hash) = 32),
    at_ms     INTEGER NOT NULL,        -- when the purge ran (0 for the initial anchor)
    mac       BLOB,
    signature BLOB
) STRICT;

INSERT INTO audit_anchor (id, seq, hash, at_ms, mac, signature)
VALUES (1, 0, X'0000000000000000000000000000000000000000000000000000000000000000', 0,
        NULL, NULL);

-- Defence in depth, not the protection: anyone who owns the database file
-- can drop these triggers; the chain, the head MAC and the signed
-- checkpoints are what detects tampering. The triggers stop the application
-- itself (a bug, an injected statement) from rewriting history: events and
-- checkpoints are never updated, and deleted only by audit_purge, which sets
-- audit_purge_guard.active to 1 inside its own transaction and back to 0.
CREATE TABLE audit_purge_guard (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    active INTEGER NOT NULL CHECK (active IN (0, 1))
) STRICT;

INSERT INTO audit_purge_guard (id, active) VALUES (1, 0);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
WHEN (SELECT active FROM audit_purge_guard WHERE id = 1) IS NOT 1
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only (only audit_purge deletes)');
END;

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoints is append-only');
END;

CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
WHEN (SELECT active FROM audit_purge_guard WHERE id = 1) IS NOT 1
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoints is append-only (only audit_purge deletes)');
END;
