/*
 * audit.h - the append-only, hash-chained audit log (SPEC §15, 等保 2.0
 * level 3 security audit).
 *
 * Every security action and, from later features, every business action is
 * one event row. Each event's hash is SM3 over the previous event's hash and
 * the event's canonical form, so editing, deleting, inserting or reordering
 * any row breaks the chain. The head (last seq and hash) is kept with an
 * HMAC-SM3 under a key outside the database, so truncating the tail is
 * detected too; every N events (and by a periodic job) a checkpoint
 * (seq, hash) is signed with the installation's SM2 audit key, so anyone
 * with the public key can verify the log offline.
 *
 * audit_append runs inside the caller's tb_db_write function, in the same
 * transaction as the action it records: if the audit row cannot be written,
 * the action fails too (issue: "If an audit write fails, the action it
 * records fails too").
 */
#ifndef TB_AUDIT_H
#define TB_AUDIT_H

#include "lib/http.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tb_db;
struct tb_db_conn;
struct tb_sm2_key;

/* Named limits (STYLE.md 8). An event past one is refused (TB_ERR_INVALID). */
#define AUDIT_ACTION_MAX           64    /* bytes: [a-z0-9_] segments joined by '.' */
#define AUDIT_ROLE_MAX             32    /* bytes */
#define AUDIT_IP_MAX               64    /* bytes; an IPv6 text form is at most 45 */
#define AUDIT_OBJECT_TYPE_MAX      64    /* bytes */
#define AUDIT_OBJECT_ID_MAX        128   /* bytes */
#define AUDIT_REQUEST_ID_MAX       64    /* bytes */
#define AUDIT_REASON_MAX_CHARS     1000  /* UTF-8 code points */
#define AUDIT_JSON_MAX             16384 /* bytes of before_json / after_json */
#define AUDIT_CHECKPOINT_EVERY_DEF 1000  /* checkpoint_every when 0 */
#define AUDIT_RETENTION_DAYS_MIN   186 /* RULE: 等保 2.0 / 网络安全法 §21: logs kept >= 6 months */
#define AUDIT_PURGE_BATCH_MAX      50000 /* events one audit_purge call deletes at most */

/* Keys the log needs (from struct tb_keys). */
struct audit_keys {
    const unsigned char *head_mac_key;   /* 32 bytes */
    const struct tb_sm2_key *sign_key;   /* private: signs checkpoints; NULL when verifying */
    const struct tb_sm2_key *verify_key; /* public: checks checkpoint signatures */
    unsigned checkpoint_every;           /* events between signed checkpoints, 0 = 1000 */
};

/* One event. Strings may be NULL (stored as NULL). before/after are compact
 * JSON objects with personal data already masked; never raw ID numbers. */
struct audit_event {
    int64_t at_ms;           /* 0: now */
    int64_t actor_id;        /* account id; 0 for anonymous or the system */
    const char *actor_role;  /* "applicant", "sysadmin", ..., "anonymous", "system" */
    int64_t on_behalf_of;    /* agent actions: the principal's account id, else 0 */
    int64_t org_id;          /* actor's organisation, 0 for none */
    const char *ip;          /* source address */
    const char *action;      /* "session.login", "session.login_failed", "account.create", ... */
    const char *object_type; /* "account", "session", "api_client", "settings", ... */
    const char *object_id;
    const char *result; /* "ok", "denied", "failed" */
    const char *request_id;
    const char *before_json;
    const char *after_json;
    const char *reason;
};

/* Appends e inside the current write transaction of c; signs a checkpoint
 * when the new seq is a multiple of checkpoint_every. *seq_out (may be NULL)
 * receives the event's seq. 0 or a negative tb_err (the caller's write
 * function must then fail, rolling the action back). */
int audit_append(struct tb_db_conn *c, const struct audit_keys *k, const struct audit_event *e,
                 int64_t *seq_out);

/* Signs a checkpoint at the current head if none covers it and the last one
 * is older than min_interval_ms; for the periodic job. Runs inside a write. */
int audit_checkpoint_if_due(struct tb_db_conn *c, const struct audit_keys *k, int64_t now_ms,
                            int64_t min_interval_ms);

enum audit_fault {
    AUDIT_OK = 0,
    AUDIT_EDITED,         /* an event's content does not match its hash */
    AUDIT_CHAIN,          /* an event does not link to the one before (inserted, reordered) */
    AUDIT_GAP,            /* a seq is missing (deleted) */
    AUDIT_TRUNCATED,      /* the head or a checkpoint names events that are gone */
    AUDIT_BAD_HEAD,       /* the head's MAC is wrong (head edited) */
    AUDIT_BAD_CHECKPOINT, /* a checkpoint's signature or hash is wrong */
    AUDIT_BAD_ANCHOR,     /* the purge anchor's MAC or signature is wrong (prefix deleted) */
};

/* Stable machine name of a fault for APIs and scripts: "ok", "edited",
 * "chain", "gap", "truncated", "bad_head", "bad_checkpoint", "bad_anchor". */
const char *audit_fault_code(enum audit_fault f);

struct audit_report {
    enum audit_fault fault;
    int64_t seq;         /* where (the first bad event or checkpoint) */
    int64_t events;      /* events checked */
    int64_t checkpoints; /* checkpoints checked */
    char message[256];   /* English, for the operator */
};

/* Walks the whole log. 0 when intact (report->fault == AUDIT_OK),
 * TB_ERR_INVALID when a fault was found (described in report), another
 * negative tb_err when the database could not be read. verify_key checks the
 * signatures; head_mac_key may be NULL to skip the head check (offline
 * verification with only the public key then cannot see a truncated tail
 * past the last checkpoint, and says so in the message). */
int audit_verify(struct tb_db *db, const struct audit_keys *k, struct audit_report *report);

/* Deletes events older than keep_days, never fewer than 186 days
 * (等保: retention ≥ 6 months), keeping the chain verifiable: the first kept
 * event's predecessor hash is recorded as the new anchor. Runs inside a write.
 * Deletes at most AUDIT_PURGE_BATCH_MAX events a call (the job repeats while
 * *deleted > 0), never the newest event, and records itself as an
 * "audit.purge" event. Needs k->head_mac_key and k->sign_key. */
int audit_purge(struct tb_db_conn *c, const struct audit_keys *k, int64_t now_ms,
                unsigned keep_days, int64_t *deleted);

/* ---- HTTP (audit administrator, read only) ----------------------------- */

/* GET /api/v1/audit/events?from=&to=&actor=&action=&object_type=&object_id=&result=&limit=&cursor=
 */
int audit_api_events(struct tb_req *req);
/* GET /api/v1/audit/verify */
int audit_api_verify(struct tb_req *req);

/* `tongban audit verify --data DIR [--public-key FILE]` or
 * `tongban audit verify --db PATH --public-key FILE`: exit 0 intact,
 * 1 fault, 2 usage, 3 could not verify (database or key files unreadable).
 * argv[0] is "audit". */
int audit_cmd(int argc, char **argv);

#endif
