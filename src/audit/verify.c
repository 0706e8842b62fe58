/*
 * verify.c - checking the whole audit log: `tongban audit verify` and
 * GET /api/v1/audit/verify.
 *
 * One pass in seq order, streaming (a million events never sit in memory),
 * one SM3 per event, inside one read transaction so that the anchor, the
 * events, the checkpoints and the head are one consistent snapshot while the
 * server keeps appending. What is checked, in the order a reader meets it:
 *
 *   anchor       seq 0 with a zero hash, or MAC'd (head key) and signed
 *                (audit key) by the purge that moved it     -> AUDIT_BAD_ANCHOR
 *   each event   its seq follows the previous one            -> AUDIT_GAP
 *                its prev_hash is the previous event's hash  -> AUDIT_CHAIN
 *                its hash is SM3(prev_hash || canonical)     -> AUDIT_EDITED
 *   checkpoints  merged into the walk: each names an event, with that
 *                event's hash, signed by the audit key       -> AUDIT_BAD_CHECKPOINT
 *   the end      the head's MAC (head key)                   -> AUDIT_BAD_HEAD
 *                the head names the last event               -> AUDIT_TRUNCATED,
 *                                                               AUDIT_CHAIN (events past it)
 *                no checkpoint past the last event           -> AUDIT_TRUNCATED
 *
 * The first fault stops the walk and is reported with its seq. Link before
 * content: an inserted or reordered row shows as a broken link (AUDIT_CHAIN),
 * an edited field as a hash mismatch (AUDIT_EDITED).
 *
 * What it cannot see: with only the public key (no head MAC), a tail cut
 * back to just after a checkpoint; with the head key too, a tail cut back
 * together with a head row saved earlier and put back (a valid old MAC) when
 * no checkpoint was signed in between. The periodic checkpoint job keeps that
 * window short; checkpoints exported off the machine close it.
 */
#include "audit/audit.h"
#include "audit/internal.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/err.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const unsigned char zero_hash[TB_SM3_LEN];

/* Records the first fault; returns TB_ERR_INVALID so callers can `return`. */
static int fault(struct audit_report *r, enum audit_fault f, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fault(struct audit_report *r, enum audit_fault f, int64_t seq, const char *fmt, ...)
{
    va_list ap;
    r->fault = f;
    r->seq = seq;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
    va_end(ap);
    return TB_ERR_INVALID;
}

static bool column_hash(struct tb_db_stmt *s, int col, unsigned char out[TB_SM3_LEN])
{
    const void *p = tb_db_column_blob(s, col);
    if (!p || tb_db_column_bytes(s, col) != TB_SM3_LEN)
        return false;
    memcpy(out, p, TB_SM3_LEN);
    return true;
}

/* True when sig (column col of s) is the audit key's signature of msg. */
static bool signature_ok(const struct audit_keys *k, struct tb_db_stmt *s, int col,
                         const unsigned char *msg, size_t n)
{
    const unsigned char *sig = tb_db_column_blob(s, col);
    size_t len = tb_db_column_bytes(s, col);
    return sig && tb_sm2_verify(k->verify_key, msg, n, sig, len) == 0;
}

/* ---- the walk ----------------------------------------------------------- */

struct walk {
    const struct audit_keys *k;
    struct audit_report *r;
    struct tb_db_conn *c;
    int64_t anchor_seq;
    unsigned char anchor_hash[TB_SM3_LEN];
    int64_t last_seq; /* the last event checked (anchor_seq when none) */
    unsigned char last_hash[TB_SM3_LEN];
    struct tb_db_stmt *cp; /* checkpoints in seq order */
    bool cp_row;           /* cp holds an unchecked row */
};

static const char sql_anchor[] =
    "SELECT seq, hash, at_ms, mac, signature FROM audit_anchor WHERE id = 1";

/* Reads and checks the anchor, where the chain starts. */
static int check_anchor(struct walk *w)
{
    struct tb_db_stmt *s = NULL;
    unsigned char msg[AUDIT_SIGNED_MSG_MAX], mac[TB_HMAC_SM3_LEN];
    int rc = tb_db_prepare(w->c, sql_anchor, &s);
    if (rc < 0)
        return rc;
    rc = tb_db_step(s);
    if (rc != TB_DB_ROW) {
        tb_db_stmt_done(s);
        return rc < 0 ? rc : fault(w->r, AUDIT_BAD_ANCHOR, 0, "the anchor row is missing");
    }
    w->anchor_seq = tb_db_column_int64(s, 0);
    int64_t at_ms = tb_db_column_int64(s, 2);
    bool ok = column_hash(s, 1, w->anchor_hash) && w->anchor_seq >= 0;
    if (ok && w->anchor_seq == 0) {
        ok = memcmp(w->anchor_hash, zero_hash, TB_SM3_LEN) == 0;
    } else if (ok) {
        size_t n = audit_anchor_msg(w->anchor_seq, at_ms, w->anchor_hash, msg);
        const void *stored = tb_db_column_blob(s, 3);
        if (w->k->head_mac_key)
            ok = stored && tb_db_column_bytes(s, 3) == sizeof(mac) &&
                 tb_hmac_sm3(w->k->head_mac_key, 32, msg, n, mac) == 0 &&
                 tb_ct_equal(stored, mac, sizeof(mac));
        if (ok && w->k->verify_key)
            ok = signature_ok(w->k, s, 4, msg, n);
    }
    tb_db_stmt_done(s);
    memcpy(w->last_hash, w->anchor_hash, TB_SM3_LEN);
    w->last_seq = w->anchor_seq;
    if (!ok)
        return fault(w->r, AUDIT_BAD_ANCHOR, w->anchor_seq,
                     "the anchor at seq %lld is not the one a purge recorded (MAC or signature "
                     "wrong): events at the start may have been deleted",
                     (long long)w->anchor_seq);
    return 0;
}

static const char sql_checkpoints[] =
    "SELECT seq, at_ms, hash, signature FROM audit_checkpoints ORDER BY seq";

static int cp_next(struct walk *w)
{
    int rc = tb_db_step(w->cp);
    w->cp_row = rc == TB_DB_ROW;
    return rc < 0 ? rc : 0;
}

/* Checks the current checkpoint against the event (seq, hash) it names. */
static int check_checkpoint(struct walk *w, int64_t seq, const unsigned char hash[TB_SM3_LEN])
{
    unsigned char msg[AUDIT_SIGNED_MSG_MAX], cp_hash[TB_SM3_LEN];
    int64_t at_ms = tb_db_column_int64(w->cp, 1);
    if (!column_hash(w->cp, 2, cp_hash) || memcmp(cp_hash, hash, TB_SM3_LEN) != 0)
        return fault(w->r, AUDIT_BAD_CHECKPOINT, seq,
                     "the checkpoint at seq %lld does not match the hash of event %lld",
                     (long long)seq, (long long)seq);
    size_t n = audit_checkpoint_msg(seq, at_ms, cp_hash, msg);
    if (w->k->verify_key && !signature_ok(w->k, w->cp, 3, msg, n))
        return fault(w->r, AUDIT_BAD_CHECKPOINT, seq,
                     "the signature of the checkpoint at seq %lld does not verify with the "
                     "audit public key",
                     (long long)seq);
    w->r->checkpoints++;
    return cp_next(w);
}

/* Checkpoints at or below the anchor: only one exactly at it may remain
 * (purge keeps it), and it must vouch for the anchor's hash. */
static int check_checkpoints_at_anchor(struct walk *w)
{
    int rc = cp_next(w);
    while (rc == 0 && w->cp_row && tb_db_column_int64(w->cp, 0) <= w->anchor_seq) {
        int64_t seq = tb_db_column_int64(w->cp, 0);
        if (seq < w->anchor_seq || seq <= 0)
            return fault(w->r, AUDIT_BAD_CHECKPOINT, seq,
                         "the checkpoint at seq %lld lies before the anchor at %lld",
                         (long long)seq, (long long)w->anchor_seq);
        rc = check_checkpoint(w, seq, w->anchor_hash);
    }
    return rc;
}

static const char sql_events[] = "SELECT " AUDIT_COLUMNS ", prev_hash, hash FROM audit_events "
                                 "WHERE seq > ?1 ORDER BY seq";

/* Reads the current row of s into row (pointers into s, valid until the next step). */
static void read_row(struct tb_db_stmt *s, struct audit_row *row)
{
    for (int f = 0; f < AUDIT_F__COUNT; f++) {
        struct audit_value *v = &row->v[f];
        v->is_null = tb_db_column_is_null(s, f);
        v->i = 0;
        v->s = NULL;
        v->len = 0;
        if (v->is_null)
            continue;
        if (audit_field_is_int((enum audit_field_id)f)) {
            v->i = tb_db_column_int64(s, f);
        } else {
            v->s = tb_db_column_text(s, f);
            v->len = tb_db_column_bytes(s, f);
        }
    }
}

/* One event: contiguity, link, content, then the checkpoints naming it. */
static int check_event(struct walk *w, struct tb_db_stmt *s)
{
    struct audit_row row;
    unsigned char prev[TB_SM3_LEN], stored[TB_SM3_LEN], computed[TB_SM3_LEN];
    int64_t seq = tb_db_column_int64(s, AUDIT_F_SEQ);
    int64_t want = w->last_seq + 1;
    if (seq != want)
        return fault(w->r, AUDIT_GAP, want,
                     "event %lld is missing: the log goes from %lld to %lld (deleted)",
                     (long long)want, (long long)w->last_seq, (long long)seq);
    if (!column_hash(s, AUDIT_COL_PREV_HASH, prev) || memcmp(prev, w->last_hash, TB_SM3_LEN) != 0)
        return fault(w->r, AUDIT_CHAIN, seq,
                     "event %lld does not link to event %lld (inserted, reordered, or the one "
                     "before rewritten)",
                     (long long)seq, (long long)w->last_seq);
    read_row(s, &row);
    int rc = audit_row_hash(prev, &row, computed);
    if (rc < 0)
        return rc;
    if (!column_hash(s, AUDIT_COL_HASH, stored) || memcmp(stored, computed, TB_SM3_LEN) != 0)
        return fault(w->r, AUDIT_EDITED, seq,
                     "event %lld was changed after it was written: its content no longer "
                     "matches its hash",
                     (long long)seq);
    w->last_seq = seq;
    memcpy(w->last_hash, stored, TB_SM3_LEN);
    w->r->events++;
    while (rc == 0 && w->cp_row && tb_db_column_int64(w->cp, 0) <= seq) {
        int64_t cp_seq = tb_db_column_int64(w->cp, 0);
        if (cp_seq < seq) /* contiguity makes this unreachable; kept for safety */
            return fault(w->r, AUDIT_BAD_CHECKPOINT, cp_seq,
                         "the checkpoint at seq %lld names no event", (long long)cp_seq);
        rc = check_checkpoint(w, seq, stored);
    }
    return rc;
}

static int check_events(struct walk *w)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(w->c, sql_events, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, w->anchor_seq);
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        rc = check_event(w, s);
        if (rc < 0)
            break;
    }
    tb_db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static const char sql_head[] = "SELECT seq, hash, mac FROM audit_head WHERE id = 1";

/* The head: MAC, then that it names the last event; then no checkpoint
 * may name an event past the end. */
static int check_end(struct walk *w)
{
    struct tb_db_stmt *s = NULL;
    unsigned char hash[TB_SM3_LEN], mac[TB_HMAC_SM3_LEN], want[TB_HMAC_SM3_LEN];
    int rc = tb_db_prepare(w->c, sql_head, &s);
    if (rc < 0)
        return rc;
    rc = tb_db_step(s);
    bool have = rc == TB_DB_ROW;
    int64_t seq = have ? tb_db_column_int64(s, 0) : 0;
    bool well_formed = have && column_hash(s, 1, hash) && column_hash(s, 2, mac);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;

    if (!have) {
        if (w->last_seq > 0)
            return fault(w->r, AUDIT_BAD_HEAD, w->last_seq,
                         "the head row is missing but the log holds events up to %lld",
                         (long long)w->last_seq);
    } else {
        if (!well_formed)
            return fault(w->r, AUDIT_BAD_HEAD, seq, "the head row is malformed");
        if (w->k->head_mac_key) {
            rc = audit_head_mac(w->k->head_mac_key, seq, hash, want);
            if (rc < 0)
                return rc;
            if (!tb_ct_equal(mac, want, sizeof(mac)))
                return fault(w->r, AUDIT_BAD_HEAD, seq,
                             "the head (seq %lld) was changed: its MAC does not verify",
                             (long long)seq);
        }
        if (seq > w->last_seq)
            return fault(w->r, AUDIT_TRUNCATED, w->last_seq + 1,
                         "the head names event %lld but the log ends at %lld (tail deleted)",
                         (long long)seq, (long long)w->last_seq);
        if (seq < w->last_seq)
            return fault(w->r, AUDIT_CHAIN, seq + 1,
                         "events %lld..%lld lie past the head at %lld (appended without the key)",
                         (long long)seq + 1, (long long)w->last_seq, (long long)seq);
        if (memcmp(hash, w->last_hash, TB_SM3_LEN) != 0)
            return fault(w->r, AUDIT_EDITED, seq,
                         "event %lld does not have the hash the head recorded (rewritten)",
                         (long long)seq);
    }
    if (w->cp_row) {
        int64_t cp_seq = tb_db_column_int64(w->cp, 0);
        return fault(w->r, AUDIT_TRUNCATED, w->last_seq + 1,
                     "a signed checkpoint names event %lld but the log ends at %lld (tail "
                     "deleted)",
                     (long long)cp_seq, (long long)w->last_seq);
    }
    return 0;
}

/* ---- entry point -------------------------------------------------------- */

int audit_verify(struct tb_db *db, const struct audit_keys *k, struct audit_report *report)
{
    struct walk w = {.k = k, .r = report};
    bool in_txn = false;
    assert(db && k && report);
    memset(report, 0, sizeof(*report));

    int rc = tb_db_read_conn(db, &w.c);
    if (rc < 0)
        return rc;
    /* One snapshot for the whole walk (a read transaction; writes go on). */
    rc = tb_db_exec(w.c, "BEGIN");
    if (rc < 0)
        return rc;
    in_txn = true;
    rc = check_anchor(&w);
    if (rc == 0)
        rc = tb_db_prepare(w.c, sql_checkpoints, &w.cp);
    if (rc == 0)
        rc = check_checkpoints_at_anchor(&w);
    if (rc == 0)
        rc = check_events(&w);
    if (rc == 0)
        rc = check_end(&w);

    tb_db_stmt_done(w.cp);
    if (in_txn)
        tb_db_exec(w.c, "ROLLBACK");
    if (rc == TB_ERR_INVALID && report->fault != AUDIT_OK)
        return rc;
    if (rc < 0) {
        report->fault = AUDIT_OK;
        snprintf(report->message, sizeof(report->message), "the log could not be read (%s)",
                 tb_err_code(rc));
        return rc == TB_ERR_INVALID ? TB_ERR_DB : rc;
    }
    report->seq = w.last_seq;
    char span[64] = "";
    if (report->events > 0)
        snprintf(span, sizeof(span), " (seq %lld..%lld)", (long long)w.anchor_seq + 1,
                 (long long)w.last_seq);
    snprintf(report->message, sizeof(report->message),
             "intact: %lld events%s, %lld signed checkpoints%s%s", (long long)report->events, span,
             (long long)report->checkpoints,
             k->head_mac_key ? ""
                             : "; head MAC not checked (no key): a tail cut back to a "
                               "checkpoint would not show",
             k->verify_key ? "" : "; signatures not checked (no public key)");
    return 0;
}
