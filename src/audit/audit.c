/*
 * audit.c - writing the audit log: append, checkpoints, purge, and the
 * canonical form every hash is computed over.
 *
 * The idea (audit.h has the whole story): each event's hash is
 * SM3(prev_hash || canonical(event)), so every row vouches for all rows
 * before it; the head (last seq and hash) carries an HMAC-SM3 under a key
 * kept outside the database, and every checkpoint_every events a signed
 * checkpoint lets anyone with the public key check the log offline.
 *
 * Callers: every feature that changes something calls audit_append inside
 * its own tb_db_write function, so the event and the action commit or roll
 * back together. The periodic job calls audit_checkpoint_if_due and
 * audit_purge. verify.c reads what this file writes.
 *
 * Concurrency: on SQLite all writes run on the single writer connection, so
 * "read the head, insert seq+1, update the head" cannot interleave. The
 * PostgreSQL port must read the head with SELECT ... FOR UPDATE (a row lock
 * serialising appends); the INSERT's primary key is the second line of
 * defence either way (a duplicate seq fails the action).
 */
#include "audit/audit.h"
#include "audit/internal.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/timeutil.h"

#include <assert.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define MS_PER_DAY (24LL * 3600 * 1000)

/* ---- the canonical form ------------------------------------------------- */

/*
 * canonical(event) is a byte string, never JSON (JSON has many spellings of
 * one value; a hash must have exactly one input):
 *
 *   field 0: tag 0x00, length 4-byte big-endian, "tongban-audit-event v1"
 *   then for each field in AUDIT_F_* order (seq, at_ms, actor_id,
 *   actor_role, on_behalf_of, org_id, ip, action, object_type, object_id,
 *   result, request_id, before_json, after_json, reason):
 *     tag      1 byte: the field's number + 1 (0x01 seq .. 0x0f reason)
 *     length   4 bytes big-endian; 0xFFFFFFFF for SQL NULL (then no bytes)
 *     bytes    integers: 8 bytes big-endian two's complement (length 8);
 *              text: the stored UTF-8 bytes as they are
 *
 * hash(seq) = SM3(hash(seq - 1) || canonical(event seq)), hash(anchor) being
 * 32 zero bytes for a log never purged. Tags and lengths make the encoding
 * unambiguous: no two different rows have the same canonical form. Integer
 * ids of 0 ("none") are stored, and so hashed, as NULL.
 */

static const char event_domain[] = "tongban-audit-event v1";
static const char checkpoint_domain[] = "tongban-audit-checkpoint v1";
static const char anchor_domain[] = "tongban-audit-anchor v1";

#define CANON_NULL_LEN 0xFFFFFFFFu

static const struct {
    const char *name;
    bool is_int;
} fields[AUDIT_F__COUNT] = {
    [AUDIT_F_SEQ] = {"seq", true},
    [AUDIT_F_AT_MS] = {"at_ms", true},
    [AUDIT_F_ACTOR_ID] = {"actor_id", true},
    [AUDIT_F_ACTOR_ROLE] = {"actor_role", false},
    [AUDIT_F_ON_BEHALF_OF] = {"on_behalf_of", true},
    [AUDIT_F_ORG_ID] = {"org_id", true},
    [AUDIT_F_IP] = {"ip", false},
    [AUDIT_F_ACTION] = {"action", false},
    [AUDIT_F_OBJECT_TYPE] = {"object_type", false},
    [AUDIT_F_OBJECT_ID] = {"object_id", false},
    [AUDIT_F_RESULT] = {"result", false},
    [AUDIT_F_REQUEST_ID] = {"request_id", false},
    [AUDIT_F_BEFORE_JSON] = {"before_json", false},
    [AUDIT_F_AFTER_JSON] = {"after_json", false},
    [AUDIT_F_REASON] = {"reason", false},
};

bool audit_field_is_int(enum audit_field_id f)
{
    assert(f < AUDIT_F__COUNT);
    return fields[f].is_int;
}

const char *audit_field_name(enum audit_field_id f)
{
    assert(f < AUDIT_F__COUNT);
    return fields[f].name;
}

void audit_put_be64(unsigned char *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char)(u & 0xff);
        u >>= 8;
    }
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/*
 * A buffered SM3 writer: small pieces (tags, lengths, integers, short text)
 * gather in a stack buffer so one event costs a few digest updates, not
 * thirty; large pieces go straight through. Verification of a million
 * events is this loop a million times.
 */
struct hasher {
    struct tb_sm3_ctx sm3;
    int rc;
    size_t used;
    unsigned char stage[512];
};

static void hasher_flush(struct hasher *h)
{
    if (h->rc == 0 && h->used > 0)
        h->rc = tb_sm3_update(&h->sm3, h->stage, h->used);
    h->used = 0;
}

static void hasher_put(struct hasher *h, const void *p, size_t n)
{
    if (h->used + n > sizeof(h->stage))
        hasher_flush(h);
    if (n >= sizeof(h->stage)) {
        if (h->rc == 0)
            h->rc = tb_sm3_update(&h->sm3, p, n);
        return;
    }
    memcpy(h->stage + h->used, p, n);
    h->used += n;
}

static void hasher_field(struct hasher *h, unsigned tag, const void *p, size_t n, bool is_null)
{
    unsigned char hdr[5];
    hdr[0] = (unsigned char)tag;
    /* Stored text is bounded far below 4 GiB (SQLite's limit is 1 GB). */
    put_be32(hdr + 1, is_null ? CANON_NULL_LEN : (uint32_t)n);
    hasher_put(h, hdr, sizeof(hdr));
    if (!is_null)
        hasher_put(h, p, n);
}

int audit_row_hash(const unsigned char prev_hash[TB_SM3_LEN], const struct audit_row *row,
                   unsigned char out[TB_SM3_LEN])
{
    struct hasher h = {.rc = 0, .used = 0};
    int rc = tb_sm3_init(&h.sm3);
    if (rc < 0)
        return rc;
    hasher_put(&h, prev_hash, TB_SM3_LEN);
    hasher_field(&h, 0, event_domain, sizeof(event_domain) - 1, false);
    for (int f = 0; f < AUDIT_F__COUNT; f++) {
        const struct audit_value *v = &row->v[f];
        if (fields[f].is_int) {
            unsigned char be[8];
            audit_put_be64(be, v->i);
            hasher_field(&h, (unsigned)f + 1, be, sizeof(be), v->is_null);
        } else {
            hasher_field(&h, (unsigned)f + 1, v->s, v->len, v->is_null || !v->s);
        }
    }
    hasher_flush(&h);
    if (h.rc < 0) {
        tb_sm3_discard(&h.sm3);
        return h.rc;
    }
    return tb_sm3_final(&h.sm3, out);
}

int audit_head_mac(const unsigned char *key, int64_t seq, const unsigned char hash[TB_SM3_LEN],
                   unsigned char out[TB_HMAC_SM3_LEN])
{
    unsigned char msg[8 + TB_SM3_LEN];
    audit_put_be64(msg, seq);
    memcpy(msg + 8, hash, TB_SM3_LEN);
    return tb_hmac_sm3(key, 32, msg, sizeof(msg), out);
}

/* domain || seq || at_ms || hash, the form both signed messages share. */
static size_t signed_msg(const char *domain, size_t dlen, int64_t seq, int64_t at_ms,
                         const unsigned char hash[TB_SM3_LEN], unsigned char *out)
{
    assert(dlen + 16 + TB_SM3_LEN <= AUDIT_SIGNED_MSG_MAX);
    memcpy(out, domain, dlen);
    audit_put_be64(out + dlen, seq);
    audit_put_be64(out + dlen + 8, at_ms);
    memcpy(out + dlen + 16, hash, TB_SM3_LEN);
    return dlen + 16 + TB_SM3_LEN;
}

size_t audit_checkpoint_msg(int64_t seq, int64_t at_ms, const unsigned char hash[TB_SM3_LEN],
                            unsigned char *out)
{
    return signed_msg(checkpoint_domain, sizeof(checkpoint_domain) - 1, seq, at_ms, hash, out);
}

size_t audit_anchor_msg(int64_t seq, int64_t at_ms, const unsigned char hash[TB_SM3_LEN],
                        unsigned char *out)
{
    return signed_msg(anchor_domain, sizeof(anchor_domain) - 1, seq, at_ms, hash, out);
}

const char *audit_fault_code(enum audit_fault f)
{
    static const char *const codes[] = {
        [AUDIT_OK] = "ok",
        [AUDIT_EDITED] = "edited",
        [AUDIT_CHAIN] = "chain",
        [AUDIT_GAP] = "gap",
        [AUDIT_TRUNCATED] = "truncated",
        [AUDIT_BAD_HEAD] = "bad_head",
        [AUDIT_BAD_CHECKPOINT] = "bad_checkpoint",
        [AUDIT_BAD_ANCHOR] = "bad_anchor",
    };
    if ((unsigned)f >= sizeof(codes) / sizeof(codes[0]) || !codes[f])
        return "unknown";
    return codes[f];
}

/* ---- validation --------------------------------------------------------- */

static const char *const known_results[] = {"ok", "denied", "failed"};

bool audit_result_known(const char *s)
{
    for (size_t i = 0; s && i < sizeof(known_results) / sizeof(known_results[0]); i++)
        if (strcmp(s, known_results[i]) == 0)
            return true;
    return false;
}

bool audit_action_ok(const char *s, bool allow_trailing_dot)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > AUDIT_ACTION_MAX || s[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.';
        if (!ok || (ch == '.' && i > 0 && s[i - 1] == '.'))
            return false;
    }
    return s[n - 1] != '.' || allow_trailing_dot;
}

enum text_kind { TEXT_PLAIN, TEXT_ACTION, TEXT_RESULT, TEXT_JSON };

/* What each text field of an event may hold. */
static const struct {
    enum audit_field_id f;
    size_t offset; /* of the const char * in struct audit_event */
    enum text_kind kind;
    bool required;
    size_t max_bytes;
    size_t max_chars; /* 0: no limit in code points */
} text_rules[] = {
    {AUDIT_F_ACTOR_ROLE, offsetof(struct audit_event, actor_role), TEXT_PLAIN, false,
     AUDIT_ROLE_MAX, 0},
    {AUDIT_F_IP, offsetof(struct audit_event, ip), TEXT_PLAIN, false, AUDIT_IP_MAX, 0},
    {AUDIT_F_ACTION, offsetof(struct audit_event, action), TEXT_ACTION, true, AUDIT_ACTION_MAX, 0},
    {AUDIT_F_OBJECT_TYPE, offsetof(struct audit_event, object_type), TEXT_PLAIN, false,
     AUDIT_OBJECT_TYPE_MAX, 0},
    {AUDIT_F_OBJECT_ID, offsetof(struct audit_event, object_id), TEXT_PLAIN, false,
     AUDIT_OBJECT_ID_MAX, 0},
    {AUDIT_F_RESULT, offsetof(struct audit_event, result), TEXT_RESULT, true, 16, 0},
    {AUDIT_F_REQUEST_ID, offsetof(struct audit_event, request_id), TEXT_PLAIN, false,
     AUDIT_REQUEST_ID_MAX, 0},
    {AUDIT_F_BEFORE_JSON, offsetof(struct audit_event, before_json), TEXT_JSON, false,
     AUDIT_JSON_MAX, 0},
    {AUDIT_F_AFTER_JSON, offsetof(struct audit_event, after_json), TEXT_JSON, false, AUDIT_JSON_MAX,
     0},
    {AUDIT_F_REASON, offsetof(struct audit_event, reason), TEXT_PLAIN, false,
     AUDIT_REASON_MAX_CHARS * 4, AUDIT_REASON_MAX_CHARS},
};

/* True when s[0..n) is one JSON object (strict: duplicate keys refused). */
static bool is_json_object(const char *s, size_t n)
{
    json_error_t jerr;
    json_t *v = json_loadb(s, n, JSON_REJECT_DUPLICATES, &jerr);
    bool ok = v && json_is_object(v);
    json_decref(v);
    return ok;
}

static bool text_ok(const char *s, size_t n, enum text_kind kind, size_t max_bytes,
                    size_t max_chars)
{
    if (n > max_bytes || !tb_utf8_valid(s, n))
        return false;
    if (max_chars && tb_utf8_chars(s, n) > max_chars)
        return false;
    switch (kind) {
    case TEXT_PLAIN:
        return true;
    case TEXT_ACTION:
        return audit_action_ok(s, false);
    case TEXT_RESULT:
        return audit_result_known(s);
    case TEXT_JSON:
        return is_json_object(s, n);
    }
    return false;
}

/* An optional id: 0 is "none" and stored as NULL; negative ids do not exist. */
static int put_id(struct audit_value *v, int64_t id)
{
    if (id < 0)
        return TB_ERR_INVALID;
    v->is_null = id == 0;
    v->i = id;
    return 0;
}

/* Checks e and fills row (strings point into e). seq and at_ms are left for
 * the caller. 0 or TB_ERR_INVALID. */
static int event_to_row(const struct audit_event *e, struct audit_row *row)
{
    memset(row, 0, sizeof(*row));
    if (e->at_ms < 0)
        return TB_ERR_INVALID;
    if (put_id(&row->v[AUDIT_F_ACTOR_ID], e->actor_id) < 0 ||
        put_id(&row->v[AUDIT_F_ON_BEHALF_OF], e->on_behalf_of) < 0 ||
        put_id(&row->v[AUDIT_F_ORG_ID], e->org_id) < 0)
        return TB_ERR_INVALID;
    for (size_t i = 0; i < sizeof(text_rules) / sizeof(text_rules[0]); i++) {
        const char *s = *(const char *const *)((const char *)e + text_rules[i].offset);
        struct audit_value *v = &row->v[text_rules[i].f];
        if (!s) {
            if (text_rules[i].required)
                return TB_ERR_INVALID;
            v->is_null = true;
            continue;
        }
        size_t n = strlen(s);
        if (!text_ok(s, n, text_rules[i].kind, text_rules[i].max_bytes, text_rules[i].max_chars))
            return TB_ERR_INVALID;
        v->s = s;
        v->len = n;
    }
    return 0;
}

/* ---- head, anchor, checkpoints ------------------------------------------ */

struct head {
    int64_t seq;
    unsigned char hash[TB_SM3_LEN];
};

/* Copies a 32-byte blob column; false when it is not exactly 32 bytes. */
static bool column_hash(struct tb_db_stmt *s, int col, unsigned char out[TB_SM3_LEN])
{
    const void *p = tb_db_column_blob(s, col);
    if (!p || tb_db_column_bytes(s, col) != TB_SM3_LEN)
        return false;
    memcpy(out, p, TB_SM3_LEN);
    return true;
}

static const char sql_head_get[] = "SELECT seq, hash, mac FROM audit_head WHERE id = 1";
static const char sql_anchor_get[] = "SELECT seq, hash FROM audit_anchor WHERE id = 1";

/*
 * The head the next event links to, read inside the write transaction: the
 * audit_head row with its MAC checked, or the initial anchor when nothing was
 * ever appended. A head that fails its MAC is not extended (TB_ERR_CRYPTO):
 * appending would put a fresh MAC over a forged head and launder it, so the
 * log fails closed and the action with it until an operator investigates
 * with `tongban audit verify`.
 */
static int head_read(struct tb_db_conn *c, const struct audit_keys *k, struct head *h)
{
    struct tb_db_stmt *s = NULL;
    unsigned char mac[TB_HMAC_SM3_LEN], want[TB_HMAC_SM3_LEN];
    memset(h, 0, sizeof(*h));
    int rc = tb_db_prepare(c, sql_head_get, &s);
    if (rc < 0)
        return rc;
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        h->seq = tb_db_column_int64(s, 0);
        bool ok = column_hash(s, 1, h->hash) && column_hash(s, 2, mac);
        tb_db_stmt_done(s);
        if (!ok || h->seq < 1)
            return TB_ERR_CRYPTO;
        rc = audit_head_mac(k->head_mac_key, h->seq, h->hash, want);
        if (rc < 0)
            return rc;
        return tb_ct_equal(mac, want, sizeof(mac)) ? 0 : TB_ERR_CRYPTO;
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;

    /* No head yet: the log is empty and starts at the initial anchor. */
    rc = tb_db_prepare(c, sql_anchor_get, &s);
    if (rc < 0)
        return rc;
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        static const unsigned char zero[TB_SM3_LEN];
        h->seq = tb_db_column_int64(s, 0);
        bool ok = column_hash(s, 1, h->hash);
        /* A moved anchor always has a head above it: purge keeps the newest
         * event. Without one, the head row was deleted. */
        rc = ok && h->seq == 0 && memcmp(h->hash, zero, TB_SM3_LEN) == 0 ? 0 : TB_ERR_CRYPTO;
    } else if (rc >= 0) {
        rc = TB_ERR_INTERNAL; /* the migration inserts the anchor row */
    }
    tb_db_stmt_done(s);
    return rc;
}

static const char sql_head_put[] =
    "INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, ?1, ?2, ?3) "
    "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac";

static int head_write(struct tb_db_conn *c, const struct audit_keys *k, int64_t seq,
                      const unsigned char hash[TB_SM3_LEN])
{
    unsigned char mac[TB_HMAC_SM3_LEN];
    struct tb_db_stmt *s = NULL;
    int rc = audit_head_mac(k->head_mac_key, seq, hash, mac);
    if (rc < 0)
        return rc;
    rc = tb_db_prepare(c, sql_head_put, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, seq);
    tb_db_bind_blob(s, 2, hash, TB_SM3_LEN);
    tb_db_bind_blob(s, 3, mac, sizeof(mac));
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static const char sql_checkpoint_put[] =
    "INSERT INTO audit_checkpoints (seq, at_ms, hash, signature) VALUES (?1, ?2, ?3, ?4)";

/* Signs (seq, at_ms, hash) with the audit key and stores the checkpoint. */
static int checkpoint_write(struct tb_db_conn *c, const struct audit_keys *k, int64_t seq,
                            int64_t at_ms, const unsigned char hash[TB_SM3_LEN])
{
    unsigned char msg[AUDIT_SIGNED_MSG_MAX], sig[TB_SM2_SIG_MAX];
    size_t siglen = 0;
    struct tb_db_stmt *s = NULL;
    if (!k->sign_key)
        return TB_ERR_CRYPTO;
    size_t n = audit_checkpoint_msg(seq, at_ms, hash, msg);
    int rc = tb_sm2_sign(k->sign_key, msg, n, sig, sizeof(sig), &siglen);
    if (rc < 0)
        return rc;
    rc = tb_db_prepare(c, sql_checkpoint_put, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, seq);
    tb_db_bind_int64(s, 2, at_ms);
    tb_db_bind_blob(s, 3, hash, TB_SM3_LEN);
    tb_db_bind_blob(s, 4, sig, siglen);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* ---- append ------------------------------------------------------------- */

static const char sql_event_put[] =
    "INSERT INTO audit_events (" AUDIT_COLUMNS ", prev_hash, hash) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";

/* Binds row's fields in AUDIT_F_* order as ?1..?15. */
static void bind_row(struct tb_db_stmt *s, const struct audit_row *row)
{
    for (int f = 0; f < AUDIT_F__COUNT; f++) {
        const struct audit_value *v = &row->v[f];
        if (v->is_null)
            tb_db_bind_null(s, f + 1);
        else if (fields[f].is_int)
            tb_db_bind_int64(s, f + 1, v->i);
        else
            tb_db_bind_text(s, f + 1, v->s, (ptrdiff_t)v->len);
    }
}

int audit_append(struct tb_db_conn *c, const struct audit_keys *k, const struct audit_event *e,
                 int64_t *seq_out)
{
    struct audit_row row;
    struct head h;
    unsigned char hash[TB_SM3_LEN];
    struct tb_db_stmt *s = NULL;
    assert(c && k && k->head_mac_key && e);

    int rc = event_to_row(e, &row);
    if (rc < 0)
        return rc;
    rc = head_read(c, k, &h);
    if (rc < 0)
        return rc;
    int64_t seq = h.seq + 1;
    int64_t at_ms = e->at_ms ? e->at_ms : tb_time_now_ms();
    row.v[AUDIT_F_SEQ].i = seq;
    row.v[AUDIT_F_AT_MS].i = at_ms;
    rc = audit_row_hash(h.hash, &row, hash);
    if (rc < 0)
        return rc;

    rc = tb_db_prepare(c, sql_event_put, &s);
    if (rc < 0)
        return rc;
    bind_row(s, &row);
    tb_db_bind_blob(s, AUDIT_COL_PREV_HASH + 1, h.hash, TB_SM3_LEN);
    tb_db_bind_blob(s, AUDIT_COL_HASH + 1, hash, TB_SM3_LEN);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    rc = head_write(c, k, seq, hash);
    if (rc < 0)
        return rc;
    unsigned every = k->checkpoint_every ? k->checkpoint_every : AUDIT_CHECKPOINT_EVERY_DEF;
    if (seq % every == 0) {
        rc = checkpoint_write(c, k, seq, at_ms, hash);
        if (rc < 0)
            return rc;
    }
    if (seq_out)
        *seq_out = seq;
    return 0;
}

/* ---- periodic checkpoint ------------------------------------------------ */

static const char sql_checkpoint_last[] =
    "SELECT seq, at_ms FROM audit_checkpoints ORDER BY seq DESC LIMIT 1";

int audit_checkpoint_if_due(struct tb_db_conn *c, const struct audit_keys *k, int64_t now_ms,
                            int64_t min_interval_ms)
{
    struct head h;
    struct tb_db_stmt *s = NULL;
    assert(c && k && k->head_mac_key);
    int rc = head_read(c, k, &h);
    if (rc < 0 || h.seq == 0)
        return rc;
    rc = tb_db_prepare(c, sql_checkpoint_last, &s);
    if (rc < 0)
        return rc;
    rc = tb_db_step(s);
    bool due = true;
    if (rc == TB_DB_ROW) {
        int64_t last_seq = tb_db_column_int64(s, 0);
        int64_t last_at = tb_db_column_int64(s, 1);
        due = last_seq < h.seq && now_ms - last_at >= min_interval_ms;
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    return due ? checkpoint_write(c, k, h.seq, now_ms, h.hash) : 0;
}

/* ---- purge -------------------------------------------------------------- */

/* The first event at or after the cutoff; walks seq order, so it costs the
 * number of old events, which are the ones about to go anyway. */
static const char sql_first_young[] =
    "SELECT seq FROM audit_events WHERE seq > ?1 AND at_ms >= ?2 ORDER BY seq LIMIT 1";
static const char sql_event_hash[] = "SELECT hash FROM audit_events WHERE seq = ?1";
static const char sql_guard_set[] = "UPDATE audit_purge_guard SET active = ?1 WHERE id = 1";
static const char sql_events_del[] = "DELETE FROM audit_events WHERE seq <= ?1";
static const char sql_checkpoints_del[] = "DELETE FROM audit_checkpoints WHERE seq < ?1";
static const char sql_anchor_put[] = "UPDATE audit_anchor SET seq = ?1, hash = ?2, at_ms = ?3, "
                                     "mac = ?4, signature = ?5 WHERE id = 1";

/* Runs one statement with up to two integer parameters; *changes (may be
 * NULL) gets the rows it changed. */
static int run_ints(struct tb_db_conn *c, const char *sql, int nparams, int64_t a, int64_t b,
                    int64_t *changes)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, sql, &s);
    if (rc < 0)
        return rc;
    if (nparams >= 1)
        tb_db_bind_int64(s, 1, a);
    if (nparams >= 2)
        tb_db_bind_int64(s, 2, b);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (changes)
        *changes = tb_db_changes(c);
    return 0;
}

/* The seq of the last event to purge (anchor_seq when none): the end of the
 * run of events before the first one at or after cutoff, never the newest
 * event (so a head event always exists), at most a batch. */
static int purge_end(struct tb_db_conn *c, int64_t anchor_seq, int64_t head_seq, int64_t cutoff,
                     int64_t *end)
{
    struct tb_db_stmt *s = NULL;
    int64_t first_young = head_seq;
    int rc = tb_db_prepare(c, sql_first_young, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, anchor_seq);
    tb_db_bind_int64(s, 2, cutoff);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW && tb_db_column_int64(s, 0) < head_seq)
        first_young = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    *end = first_young - 1;
    if (*end > anchor_seq + AUDIT_PURGE_BATCH_MAX)
        *end = anchor_seq + AUDIT_PURGE_BATCH_MAX;
    if (*end < anchor_seq)
        *end = anchor_seq;
    return 0;
}

/* Moves the anchor to (seq, hash), MAC'd and signed so that it cannot be
 * moved by anyone without the keys to hide deleted events at the start. */
static int anchor_write(struct tb_db_conn *c, const struct audit_keys *k, int64_t seq,
                        int64_t at_ms, const unsigned char hash[TB_SM3_LEN])
{
    unsigned char msg[AUDIT_SIGNED_MSG_MAX], mac[TB_HMAC_SM3_LEN], sig[TB_SM2_SIG_MAX];
    size_t siglen = 0;
    struct tb_db_stmt *s = NULL;
    size_t n = audit_anchor_msg(seq, at_ms, hash, msg);
    int rc = tb_hmac_sm3(k->head_mac_key, 32, msg, n, mac);
    if (rc == 0)
        rc = tb_sm2_sign(k->sign_key, msg, n, sig, sizeof(sig), &siglen);
    if (rc == 0)
        rc = tb_db_prepare(c, sql_anchor_put, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, seq);
    tb_db_bind_blob(s, 2, hash, TB_SM3_LEN);
    tb_db_bind_int64(s, 3, at_ms);
    tb_db_bind_blob(s, 4, mac, sizeof(mac));
    tb_db_bind_blob(s, 5, sig, siglen);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static int anchor_seq_get(struct tb_db_conn *c, int64_t *seq)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, sql_anchor_get, &s);
    if (rc < 0)
        return rc;
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW)
        *seq = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    return rc == TB_DB_ROW ? 0 : rc < 0 ? rc : TB_ERR_INTERNAL;
}

int audit_purge(struct tb_db_conn *c, const struct audit_keys *k, int64_t now_ms,
                unsigned keep_days, int64_t *deleted)
{
    struct head h;
    struct tb_db_stmt *s = NULL;
    unsigned char hash[TB_SM3_LEN];
    int64_t anchor = 0, end = 0, n = 0;
    bool guarded = false;
    assert(c && k && k->head_mac_key);

    if (deleted)
        *deleted = 0;
    if (!k->sign_key)
        return TB_ERR_CRYPTO;
    /* RULE: 等保 2.0 (GB/T 22239-2019 8.1.4.3) / 网络安全法 §21: network logs
     * are kept for no less than six months, whatever the caller asks. */
    if (keep_days < AUDIT_RETENTION_DAYS_MIN)
        keep_days = AUDIT_RETENTION_DAYS_MIN;
    int64_t cutoff = now_ms - (int64_t)keep_days * MS_PER_DAY;

    int rc = head_read(c, k, &h);
    if (rc == 0 && h.seq > 0)
        rc = anchor_seq_get(c, &anchor);
    if (rc == 0 && h.seq > 0)
        rc = purge_end(c, anchor, h.seq, cutoff, &end);
    if (rc < 0 || end <= anchor)
        return rc;

    rc = tb_db_prepare(c, sql_event_hash, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, end);
    rc = tb_db_step(s);
    bool ok = rc == TB_DB_ROW && column_hash(s, 0, hash);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (!ok)
        return TB_ERR_CONFLICT; /* the log has a hole: verify, do not purge */

    rc = run_ints(c, sql_guard_set, 1, 1, 0, NULL);
    if (rc < 0)
        goto done;
    guarded = true;
    rc = run_ints(c, sql_events_del, 1, end, 0, &n);
    if (rc == 0) /* a checkpoint at the anchor itself stays: it vouches for it */
        rc = run_ints(c, sql_checkpoints_del, 1, end, 0, NULL);
    if (rc == 0)
        rc = anchor_write(c, k, end, now_ms, hash);

done:
    if (guarded) {
        int grc = run_ints(c, sql_guard_set, 1, 0, 0, NULL);
        if (rc == 0)
            rc = grc;
    }
    if (rc < 0)
        return rc;

    /* The purge is itself an audited action. */
    char after[160];
    snprintf(after, sizeof(after),
             "{\"anchor_seq\":%lld,\"deleted\":%lld,\"keep_days\":%u,\"cutoff_ms\":%lld}",
             (long long)end, (long long)n, keep_days, (long long)cutoff);
    struct audit_event e = {
        .at_ms = now_ms,
        .actor_role = "system",
        .action = "audit.purge",
        .object_type = "audit_log",
        .result = "ok",
        .after_json = after,
        .reason = "retention",
    };
    rc = audit_append(c, k, &e, NULL);
    if (rc == 0 && deleted)
        *deleted = n;
    return rc;
}
