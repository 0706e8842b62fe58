-- 0003_audit (PostgreSQL; see 0001_core.pg.sql for the mappings): the
-- append-only, hash-chained audit log (src/audit/audit.h).
--
-- The chain: hash = SM3(prev_hash || canonical(event)), see audit.c for the
-- canonical form. audit_head keeps the last (seq, hash) under an HMAC-SM3 key
-- held outside the database; audit_checkpoints are signed with SM2;
-- audit_anchor is where verification starts (seq 0 and 32 zero bytes until a
-- purge moves it, then MAC'd and signed by the purge).
-- Every key here is supplied by the application (seq numbers, id = 1).

CREATE TABLE audit_events (
    seq          BIGINT PRIMARY KEY,   -- 1, 2, 3, ... contiguous (after the anchor)
    at_ms        BIGINT NOT NULL,      -- UTC milliseconds
    actor_id     BIGINT,               -- account id; NULL for anonymous / system
    actor_role   TEXT,
    on_behalf_of BIGINT,               -- agent actions: the principal's account id
    org_id       BIGINT,
    ip           TEXT,
    action       TEXT NOT NULL,        -- "session.login", "account.create", ...
    object_type  TEXT,
    object_id    TEXT,
    result       TEXT NOT NULL,        -- "ok", "denied", "failed"
    request_id   TEXT,
    before_json  TEXT,                 -- compact JSON object, personal data masked
    after_json   TEXT,
    reason       TEXT,
    prev_hash    BYTEA NOT NULL CHECK (length(prev_hash) = 32),
    hash         BYTEA NOT NULL CHECK (length(hash) = 32)
);

-- The API's filters; each index also carries seq, so "newest first" pages
-- need no sort. (SQLite's indexes carry the rowid, seq, by themselves; here
-- it is spelled out, giving the same index.)
CREATE INDEX audit_events_at ON audit_events (at_ms, seq);
CREATE INDEX audit_events_actor ON audit_events (actor_id, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id, seq);

-- The last event: absent until the first append.
-- mac = HMAC-SM3(audit head key, seq as 8 bytes big-endian || hash).
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash BYTEA NOT NULL CHECK (length(hash) = 32),
    mac  BYTEA NOT NULL CHECK (length(mac) = 32)
);

-- Signed (seq, hash) pairs: SM2 over "tongban-audit-checkpoint v1" || seq
-- || at_ms || hash, verifiable with the public key alone.
CREATE TABLE audit_checkpoints (
    seq       BIGINT PRIMARY KEY,
    at_ms     BIGINT NOT NULL,         -- when it was signed
    hash      BYTEA NOT NULL CHECK (length(hash) = 32),
    signature BYTEA NOT NULL
);

-- Where the chain starts: the seq and hash of the last purged event. The
-- initial anchor (seq 0, zero hash) needs no proof; one set by audit_purge
-- carries a MAC and a signature so it cannot be moved to hide deletions.
CREATE TABLE audit_anchor (
    id        BIGINT PRIMARY KEY CHECK (id = 1),
    seq       BIGINT NOT NULL,
    hash      BYTEA NOT NULL CHECK (length(hash) = 32),
    at_ms     BIGINT NOT NULL,         -- when the purge ran (0 for the initial anchor)
    mac       BYTEA,
    signature BYTEA
);

INSERT INTO audit_anchor (id, seq, hash, at_ms, mac, signature)
VALUES (1, 0, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea, 0,
        NULL, NULL);

-- Defence in depth, not the protection: anyone who owns the database can
-- drop these triggers; the chain, the head MAC and the signed checkpoints
-- are what detects tampering. The triggers stop the application itself (a
-- bug, an injected statement) from rewriting history: events and
-- checkpoints are never updated, and deleted only by audit_purge, which sets
-- audit_purge_guard.active to 1 inside its own transaction and back to 0.
CREATE TABLE audit_purge_guard (
    id     BIGINT PRIMARY KEY CHECK (id = 1),
    active BIGINT NOT NULL CHECK (active IN (0, 1))
);

INSERT INTO audit_purge_guard (id, active) VALUES (1, 0);

-- raise_abort (0001) unless a purge is running: SQLite's
-- "WHEN (SELECT active ...) IS NOT 1". TG_ARGV[0] is the message.
CREATE FUNCTION audit_refuse_unless_purge() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT active FROM audit_purge_guard WHERE id = 1) IS DISTINCT FROM 1 THEN
        RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END
$$;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION raise_abort('audit_events is append-only');

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION
    audit_refuse_unless_purge('audit_events is append-only (only audit_purge deletes)');

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION raise_abort('audit_checkpoints is append-only');

CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION
    audit_refuse_unless_purge('audit_checkpoints is append-only (only audit_purge deletes)');
