/*
 * db_pg.c - the PostgreSQL backend of the db layer: single calls translated
 * to libpq, so every store.c runs unchanged on PostgreSQL.
 *
 * How the calls map (DESIGN.md "Write path", docs/operations.md):
 *   - One PGconn per tb_db_conn: per-thread read connections and one write
 *     connection per process, as on SQLite (db.c). A process holds
 *     (threads + 2) connections.
 *   - Writes keep group commit: the writer thread opens one transaction per
 *     batch, a SAVEPOINT per write function, one COMMIT (synchronous_commit
 *     is the server's; never turn it off). Before the first statement the
 *     batch takes a transaction-level advisory lock, so batches of all
 *     servers on one database run one after another. That is what keeps
 *     case numbers, notice serials, idempotency keys, ETag checks and the
 *     audit chain exactly as on SQLite: each write function sees every
 *     write committed before it, on any server (READ COMMITTED takes a new
 *     snapshot per statement, after the lock). The audit chain orders every
 *     write anyway (each appends to one hash chain), so the lock costs no
 *     parallelism the schema would allow; batches keep the fsyncs shared.
 *   - Statements: ?N placeholders are rewritten to $N once; a statement is
 *     prepared (PQprepare, named) at its first step on a connection, with
 *     the parameter types left to the server where the SQL fixes them and
 *     taken from the bound values where it does not. Text and numbers are
 *     sent as text, blobs as binary bytea; results come back as text
 *     (bytea decoded on demand, booleans read as 1/0).
 *   - A statement that fails inside a write transaction would abort the
 *     whole transaction in PostgreSQL, while SQLite undoes only that
 *     statement and feature code may go on (e.g. an INSERT meeting a unique
 *     key). So on the write connection each statement inside a transaction
 *     runs under its own savepoint, sent in the same round trip (pipeline
 *     mode): a failure rolls back that statement only, as on SQLite.
 *   - A lost connection (server restart, failover) is reopened on the next
 *     call; its prepared statements are re-prepared (generation counter).
 *     A write transaction open at that moment is gone: the writer turns
 *     every would-be success of the batch into TB_ERR_DB.
 * SQLSTATE classes map to tb_err through one table (state_map).
 */
#include "lib/db_backend.h"
#include "lib/err.h"

#include <ctype.h>
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_OID_BOOL   16
#define PG_OID_BYTEA  17
#define PG_OID_INT8   20
#define PG_OID_TEXT   25
#define PG_OID_FLOAT8 701

#define PG_PARAMS_MAX 100 /* highest ?N a statement may use */

/* The advisory lock keys (pg_advisory_xact_lock / pg_try_advisory_lock). */
#define PG_LOCK_WRITE  "7451730001" /* every write batch and migration */
#define PG_LOCK_LEADER "7451730002" /* the node that runs periodic jobs */

/* ---- SQLSTATE to tb_err ------------------------------------------------- */

/* Full codes first, then classes (two characters); the first match wins. */
static const struct {
    const char *state;
    int err;
} state_map[] = {
    {"23505", TB_ERR_CONFLICT},  /* unique_violation */
    {"23503", TB_ERR_CONFLICT},  /* foreign_key_violation */
    {"23514", TB_ERR_INVALID},   /* check_violation */
    {"23502", TB_ERR_INVALID},   /* not_null_violation */
    {"22001", TB_ERR_TOO_LARGE}, /* string_data_right_truncation */
    {"54000", TB_ERR_TOO_LARGE}, /* program_limit_exceeded */
    {"53200", TB_ERR_NOMEM},     /* out_of_memory */
    {"55P03", TB_ERR_BUSY},      /* lock_not_available (lock_timeout) */
    {"57014", TB_ERR_BUSY},      /* query_canceled (statement_timeout) */
    {"40001", TB_ERR_BUSY},      /* serialization_failure */
    {"40P01", TB_ERR_BUSY},      /* deadlock_detected */
    {"23", TB_ERR_CONFLICT},     /* other integrity constraints */
    {"22", TB_ERR_INVALID},      /* data exception: a value the type refuses */
    {"08", TB_ERR_UNAVAILABLE},  /* connection exception */
    {"57", TB_ERR_UNAVAILABLE},  /* operator intervention (shutdown) */
    {"42", TB_ERR_INTERNAL},     /* syntax or access rule: a bug */
};

static int map_state(const char *state)
{
    size_t n = sizeof(state_map) / sizeof(state_map[0]);
    if (!state)
        return TB_ERR_DB;
    for (size_t i = 0; i < n; i++)
        if (strcmp(state_map[i].state, state) == 0)
            return state_map[i].err;
    for (size_t i = 0; i < n; i++)
        if (strlen(state_map[i].state) == 2 && strncmp(state_map[i].state, state, 2) == 0)
            return state_map[i].err;
    return TB_ERR_DB;
}

/* ---- per-connection and per-statement state ----------------------------- */

struct pg_conn {
    PGconn *pg;
    char *conninfo;      /* for reconnecting */
    unsigned generation; /* bumped at each reconnect: prepared statements are gone */
    unsigned next_name;  /* statement names tb1, tb2, ... */
    int64_t changes;
    char errmsg[512];
    /* statements finalized while a failed transaction refused DEALLOCATE;
     * deallocated at the connection's next statement */
    unsigned *stale;
    size_t nstale, capstale;
};

enum bind_kind { BIND_NONE, BIND_NULL, BIND_INT, BIND_DOUBLE, BIND_TEXT, BIND_BLOB };

struct pg_param {
    enum bind_kind kind;
    char *value; /* owned; text form, or the blob's bytes */
    int len;
    char num[32]; /* ints and doubles are printed here */
};

struct pg_stmt {
    char *sql;   /* ?N rewritten to $N */
    int nparams; /* highest N */
    char name[24];
    unsigned generation;   /* of the connection when prepared; 0: not yet */
    bool is_write_guarded; /* runs under a statement savepoint when in a transaction */
    struct pg_param params[PG_PARAMS_MAX];
    PGresult *res;
    int row, nrows;
    bool is_done;
    /* bytea columns of the current row, decoded on demand */
    unsigned char **blob;
    size_t *blob_len;
    int nblob;
};

static struct pg_conn *pgc(struct tb_db_conn *c)
{
    return c->impl;
}

static struct pg_stmt *pgs(struct tb_db_stmt *s)
{
    return s->impl;
}

static void set_errmsg(struct pg_conn *p, const char *msg)
{
    size_t n;
    snprintf(p->errmsg, sizeof(p->errmsg), "%s", msg ? msg : "");
    n = strlen(p->errmsg);
    while (n > 0 && (p->errmsg[n - 1] == '\n' || p->errmsg[n - 1] == ' '))
        p->errmsg[--n] = '\0';
}

/* Records res's error on the connection and returns its tb_err. */
static int result_error(struct tb_db_conn *c, const PGresult *res)
{
    struct pg_conn *p = pgc(c);
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    set_errmsg(p, res ? PQresultErrorMessage(res) : PQerrorMessage(p->pg));
    if (PQstatus(p->pg) == CONNECTION_BAD)
        return TB_ERR_UNAVAILABLE;
    return map_state(state);
}

/* ---- SQL text ----------------------------------------------------------- */

/*
 * Rewrites ?N to $N outside string literals, quoted identifiers and
 * comments, and finds the highest N. A bare '?' is refused: the db API
 * numbers every placeholder (db.h).
 */
static int rewrite_placeholders(const char *in, char **out, int *nparams)
{
    size_t n = strlen(in);
    char *o = malloc(n + 1);
    size_t j = 0;
    int max = 0;
    if (!o)
        return TB_ERR_NOMEM;
    for (size_t i = 0; i < n;) {
        char ch = in[i];
        if (ch == '\'' || ch == '"') { /* literal or identifier; doubled quote inside */
            char q = ch;
            o[j++] = in[i++];
            while (i < n) {
                o[j++] = in[i];
                if (in[i++] == q) {
                    if (i < n && in[i] == q) {
                        o[j++] = in[i++];
                        continue;
                    }
                    break;
                }
            }
        } else if (ch == '-' && in[i + 1] == '-') {
            while (i < n && in[i] != '\n')
                o[j++] = in[i++];
        } else if (ch == '/' && in[i + 1] == '*') {
            const char *end = strstr(in + i + 2, "*/");
            size_t stop = end ? (size_t)(end - in) + 2 : n;
            while (i < stop)
                o[j++] = in[i++];
        } else if (ch == '?') {
            long v = 0;
            size_t k = i + 1;
            while (k < n && isdigit((unsigned char)in[k]) && v <= PG_PARAMS_MAX)
                v = v * 10 + (in[k++] - '0');
            if (k == i + 1 || v < 1 || v > PG_PARAMS_MAX) {
                free(o);
                return TB_ERR_INVALID;
            }
            o[j++] = '$';
            i++;
            while (i < k)
                o[j++] = in[i++];
            if (v > max)
                max = (int)v;
        } else {
            o[j++] = in[i++];
        }
    }
    o[j] = '\0';
    *out = o;
    *nparams = max;
    return 0;
}

/* The statement may change data (runs under a statement savepoint). */
static bool is_data_change(const char *sql)
{
    static const char *const words[] = {"INSERT", "UPDATE", "DELETE", "WITH"};
    while (isspace((unsigned char)*sql))
        sql++;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t n = strlen(words[i]);
        if (strncasecmp(sql, words[i], n) == 0 && !isalnum((unsigned char)sql[n]))
            return true;
    }
    return false;
}

/* 1-based line of the 1-based character position pos (UTF-8) in text. */
static int line_of_char(const char *text, long pos)
{
    int line = 1;
    long chars = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p & 0xC0) != 0x80 && ++chars >= pos)
            break;
        if (*p == '\n')
            line++;
    }
    return line;
}

/* ---- connections -------------------------------------------------------- */

/* Session settings every connection needs. */
static int conn_setup(struct tb_db_conn *c, int busy_timeout_ms)
{
    struct pg_conn *p = pgc(c);
    char sql[256];
    PGresult *res;
    int rc = 0;
    /* UTF-8 text, UTC (times are stored as integers anyway), a lock wait
     * bounded like SQLite's busy_timeout, standard strings. */
    snprintf(sql, sizeof(sql),
             "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'; "
             "SET standard_conforming_strings = on; SET lock_timeout = %d; "
             "SET idle_in_transaction_session_timeout = %d",
             busy_timeout_ms * 6, busy_timeout_ms * 12);
    res = PQexec(p->pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = result_error(c, res);
    PQclear(res);
    return rc;
}

/* Server notices ("relation exists, skipping") are not errors: dropped
 * instead of printed on stderr by libpq. */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static int pg_connect(struct tb_db_conn *c, int busy_timeout_ms)
{
    struct pg_conn *p = pgc(c);
    p->pg = PQconnectdb(p->conninfo);
    if (!p->pg)
        return TB_ERR_NOMEM;
    PQsetNoticeProcessor(p->pg, ignore_notice, NULL);
    if (PQstatus(p->pg) != CONNECTION_OK) {
        set_errmsg(p, PQerrorMessage(p->pg));
        tb_dbi_log(c->db, TB_DB_LOG_ERROR, "cannot connect to PostgreSQL: %s", p->errmsg);
        PQfinish(p->pg);
        p->pg = NULL;
        return TB_ERR_UNAVAILABLE;
    }
    p->generation++;
    p->nstale = 0; /* a new session has none of the old statements */
    return conn_setup(c, busy_timeout_ms);
}

static int pg_conn_open(struct tb_db_conn *c, const char *target, int busy_timeout_ms)
{
    struct pg_conn *p = calloc(1, sizeof(*p));
    int rc;
    if (!p)
        return TB_ERR_NOMEM;
    /* target is the URL without "postgresql://"; libpq wants it whole. */
    size_t n = strlen("postgresql://") + strlen(target) + 1;
    p->conninfo = malloc(n);
    if (!p->conninfo) {
        free(p);
        return TB_ERR_NOMEM;
    }
    snprintf(p->conninfo, n, "postgresql://%s", target);
    c->impl = p;
    rc = pg_connect(c, busy_timeout_ms);
    if (rc < 0) {
        if (p->pg)
            PQfinish(p->pg);
        free(p->conninfo);
        free(p);
        c->impl = NULL;
    }
    return rc;
}

static void pg_conn_close(struct tb_db_conn *c)
{
    struct pg_conn *p = pgc(c);
    if (!p)
        return;
    if (p->pg)
        PQfinish(p->pg);
    free(p->stale);
    free(p->conninfo);
    free(p);
    c->impl = NULL;
}

/*
 * A connection that broke (server restart, failover) is reopened, outside
 * a transaction only: a transaction in progress is lost and its writer must
 * hear about it (in_transaction turns false).
 */
static int ensure_connected(struct tb_db_conn *c)
{
    struct pg_conn *p = pgc(c);
    if (p->pg && PQstatus(p->pg) == CONNECTION_OK)
        return 0;
    if (p->pg) {
        PQfinish(p->pg);
        p->pg = NULL;
    }
    return pg_connect(c, c->db->opt.busy_timeout_ms);
}

static int pg_exec(struct tb_db_conn *c, const char *sql, unsigned flags,
                   struct tb_dbi_exec_error *err)
{
    struct pg_conn *p = pgc(c);
    bool was_in_txn = PQtransactionStatus(p->pg) == PQTRANS_INTRANS;
    PGresult *res;
    int rc = ensure_connected(c);
    if (rc < 0)
        return rc;
    /* The simple protocol runs every statement of sql, in the open
     * transaction if there is one. */
    res = PQexec(p->pg, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        rc = result_error(c, res);
        if (err) {
            const char *pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
            err->line = pos ? line_of_char(sql, strtol(pos, NULL, 10)) : 0;
            snprintf(err->msg, sizeof(err->msg), "%.255s", p->errmsg);
        }
    }
    PQclear(res);
    if (rc == 0 && (flags & TB_DBI_EXEC_NO_TXN_CONTROL) && was_in_txn &&
        PQtransactionStatus(p->pg) != PQTRANS_INTRANS) {
        /* A migration file ended the transaction itself: what it did before
         * is committed or gone, and its row was not recorded. */
        if (err) {
            err->line = 0;
            snprintf(err->msg, sizeof(err->msg), "BEGIN/COMMIT/END/ROLLBACK not allowed here");
        }
        rc = TB_ERR_INVALID;
    }
    return rc;
}

static bool pg_in_transaction(struct tb_db_conn *c)
{
    struct pg_conn *p = pgc(c);
    PGTransactionStatusType st = PQtransactionStatus(p->pg);
    return st == PQTRANS_INTRANS || st == PQTRANS_INERROR || st == PQTRANS_ACTIVE;
}

static bool pg_has_deferred_violation(struct tb_db_conn *c)
{
    (void)c; /* constraints are checked per statement (none is DEFERRABLE) */
    return false;
}

static int64_t pg_changes(struct tb_db_conn *c)
{
    return pgc(c)->changes;
}

static int64_t pg_last_insert_id(struct tb_db_conn *c)
{
    struct pg_conn *p = pgc(c);
    int64_t id = 0;
    /* The identity sequence the session's last INSERT advanced. Called only
     * right after such an INSERT, so lastval() is defined and cannot abort
     * the transaction. */
    PGresult *res = PQexecParams(p->pg, "SELECT lastval()", 0, NULL, NULL, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    else
        set_errmsg(p, PQresultErrorMessage(res));
    PQclear(res);
    return id;
}

static const char *pg_errmsg(struct tb_db_conn *c)
{
    struct pg_conn *p = pgc(c);
    return p ? p->errmsg : "";
}

/* ---- statements --------------------------------------------------------- */

static void clear_result(struct pg_stmt *st)
{
    for (int i = 0; st->blob && i < st->nblob; i++)
        if (st->blob[i])
            PQfreemem(st->blob[i]);
    free(st->blob);
    free(st->blob_len);
    st->blob = NULL;
    st->blob_len = NULL;
    st->nblob = 0;
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
    st->nrows = 0;
    st->is_done = false;
}

static int pg_prepare(struct tb_db_stmt *s)
{
    struct pg_stmt *st = calloc(1, sizeof(*st));
    int rc;
    if (!st)
        return TB_ERR_NOMEM;
    rc = rewrite_placeholders(s->sql, &st->sql, &st->nparams);
    if (rc < 0) {
        tb_dbi_log(s->conn->db, TB_DB_LOG_ERROR, "prepare: bad placeholder in SQL");
        free(st);
        return rc;
    }
    st->row = -1;
    st->is_write_guarded = s->conn->is_writer && is_data_change(st->sql);
    s->impl = st;
    return 0;
}

static void unbind_all(struct pg_stmt *st)
{
    for (int i = 0; i < st->nparams; i++) {
        free(st->params[i].value);
        st->params[i].value = NULL;
        st->params[i].kind = BIND_NONE;
    }
}

static void pg_finalize(struct tb_db_stmt *s)
{
    struct pg_stmt *st = pgs(s);
    struct pg_conn *p = pgc(s->conn);
    if (!st)
        return;
    clear_result(st);
    unbind_all(st);
    if (st->generation && p && p->pg && st->generation == p->generation &&
        PQstatus(p->pg) == CONNECTION_OK) {
        /* Prepared statements are not transactional: DEALLOCATE works in a
         * transaction too, but not in one that failed. */
        if (PQtransactionStatus(p->pg) == PQTRANS_INERROR) {
            if (p->nstale == p->capstale) {
                size_t cap = p->capstale ? p->capstale * 2 : 16;
                unsigned *v = realloc(p->stale, cap * sizeof(*v));
                if (v) {
                    p->stale = v;
                    p->capstale = cap;
                }
            }
            if (p->nstale < p->capstale)
                p->stale[p->nstale++] = (unsigned)strtoul(st->name + 2, NULL, 10);
        } else {
            char sql[48];
            snprintf(sql, sizeof(sql), "DEALLOCATE %s", st->name);
            PQclear(PQexec(p->pg, sql));
        }
    }
    free(st->sql);
    free(st);
    s->impl = NULL;
}

static void pg_reset(struct tb_db_stmt *s)
{
    struct pg_stmt *st = pgs(s);
    clear_result(st);
    unbind_all(st);
}

static struct pg_param *param(struct tb_db_stmt *s, int idx)
{
    struct pg_stmt *st = pgs(s);
    if (idx < 1 || idx > st->nparams)
        return NULL;
    struct pg_param *pp = &st->params[idx - 1];
    free(pp->value);
    pp->value = NULL;
    return pp;
}

static int pg_bind_int64(struct tb_db_stmt *s, int idx, int64_t v)
{
    struct pg_param *pp = param(s, idx);
    if (!pp)
        return TB_ERR_INTERNAL;
    pp->kind = BIND_INT;
    pp->len = snprintf(pp->num, sizeof(pp->num), "%lld", (long long)v);
    return 0;
}

static int pg_bind_double(struct tb_db_stmt *s, int idx, double v)
{
    struct pg_param *pp = param(s, idx);
    if (!pp)
        return TB_ERR_INTERNAL;
    pp->kind = BIND_DOUBLE;
    pp->len = snprintf(pp->num, sizeof(pp->num), "%.17g", v);
    return 0;
}

static int bind_bytes(struct tb_db_stmt *s, int idx, const void *p, size_t len, enum bind_kind kind)
{
    struct pg_param *pp = param(s, idx);
    if (!pp)
        return TB_ERR_INTERNAL;
    if (len > (size_t)0x3fffffff)
        return TB_ERR_TOO_LARGE;
    /* text must not hold NUL bytes (PostgreSQL refuses them); +1 keeps a
     * terminator for the text format */
    pp->value = malloc(len + 1);
    if (!pp->value)
        return TB_ERR_NOMEM;
    memcpy(pp->value, p, len);
    pp->value[len] = '\0';
    pp->len = (int)len;
    pp->kind = kind;
    if (kind == BIND_TEXT && memchr(p, '\0', len))
        return TB_ERR_INVALID;
    return 0;
}

static int pg_bind_text(struct tb_db_stmt *s, int idx, const char *p, size_t len)
{
    return bind_bytes(s, idx, p, len, BIND_TEXT);
}

static int pg_bind_blob(struct tb_db_stmt *s, int idx, const void *p, size_t len)
{
    return bind_bytes(s, idx, p, len, BIND_BLOB);
}

static int pg_bind_null(struct tb_db_stmt *s, int idx)
{
    struct pg_param *pp = param(s, idx);
    if (!pp)
        return TB_ERR_INTERNAL;
    pp->kind = BIND_NULL;
    return 0;
}

/* The parameter types a prepare states: only blobs, or (concrete) every
 * bound value's own type. */
static void param_types(const struct pg_stmt *st, bool is_concrete, Oid *types)
{
    for (int i = 0; i < st->nparams; i++) {
        switch (st->params[i].kind) {
        case BIND_BLOB:
            types[i] = PG_OID_BYTEA;
            break;
        case BIND_INT:
            types[i] = is_concrete ? PG_OID_INT8 : 0;
            break;
        case BIND_DOUBLE:
            types[i] = is_concrete ? PG_OID_FLOAT8 : 0;
            break;
        case BIND_TEXT:
            types[i] = is_concrete ? PG_OID_TEXT : 0;
            break;
        default: /* NULL or unbound: text when nothing else tells */
            types[i] = is_concrete ? PG_OID_TEXT : 0;
        }
    }
}

/* Runs "SAVEPOINT" / "RELEASE" / "ROLLBACK TO" around a statement or a prepare. */
static int run_simple(struct tb_db_conn *c, const char *sql)
{
    PGresult *res = PQexec(pgc(c)->pg, sql);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : result_error(c, res);
    PQclear(res);
    return rc;
}

/*
 * Prepares st on c under a fresh name. The server infers parameter types
 * from the SQL; where it cannot ("?1 IS NULL" alone, an overloaded
 * function), the prepare is repeated with the bound values' types.
 */
static int prepare_named(struct tb_db_stmt *s)
{
    struct pg_conn *p = pgc(s->conn);
    struct pg_stmt *st = pgs(s);
    Oid types[PG_PARAMS_MAX];
    PGresult *res;
    int rc = 0;

    snprintf(st->name, sizeof(st->name), "tb%u", ++p->next_name);
    /* A failed prepare would abort a transaction in progress: inside one it
     * runs under a savepoint (once per statement and connection). */
    bool is_in_txn = PQtransactionStatus(p->pg) == PQTRANS_INTRANS;
    if (is_in_txn && (rc = run_simple(s->conn, "SAVEPOINT tb_prepare")) < 0)
        return rc;
    for (int attempt = 0; attempt < 2; attempt++) {
        param_types(st, attempt == 1, types);
        res = PQprepare(p->pg, st->name, st->sql, st->nparams, types);
        if (PQresultStatus(res) == PGRES_COMMAND_OK) {
            PQclear(res);
            st->generation = p->generation;
            return is_in_txn ? run_simple(s->conn, "RELEASE tb_prepare") : 0;
        }
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        bool is_type_problem = state && strncmp(state, "42", 2) == 0 &&
                               strcmp(state, "42601") != 0 && strcmp(state, "42P01") != 0;
        rc = result_error(s->conn, res);
        PQclear(res);
        if (is_in_txn && PQstatus(p->pg) == CONNECTION_OK) {
            /* back to before the failed prepare; the savepoint stays for a
             * second try and goes after the last */
            if (run_simple(s->conn, "ROLLBACK TO tb_prepare") < 0)
                break;
            bool is_last = attempt == 1 || !is_type_problem;
            if (is_last && run_simple(s->conn, "RELEASE tb_prepare") < 0)
                break;
        }
        if (!is_type_problem)
            break;
    }
    tb_dbi_log(s->conn->db, TB_DB_LOG_ERROR, "prepare failed: %s", p->errmsg);
    return rc;
}

/*
 * Executes st with its bindings. A data change inside a write transaction
 * is sent in one pipeline with a statement savepoint before and its
 * release after, so a failure undoes only this statement (SQLite's rule)
 * at no extra round trip.
 */
static PGresult *execute(struct tb_db_stmt *s, bool is_guarded)
{
    struct pg_conn *p = pgc(s->conn);
    struct pg_stmt *st = pgs(s);
    const char *values[PG_PARAMS_MAX];
    int lengths[PG_PARAMS_MAX], formats[PG_PARAMS_MAX];

    for (int i = 0; i < st->nparams; i++) {
        const struct pg_param *pp = &st->params[i];
        switch (pp->kind) {
        case BIND_INT:
        case BIND_DOUBLE:
            values[i] = pp->num;
            break;
        case BIND_TEXT:
        case BIND_BLOB:
            values[i] = pp->value;
            break;
        default:
            values[i] = NULL; /* unbound parameters are NULL, as in SQLite */
        }
        lengths[i] = pp->len;
        formats[i] = pp->kind == BIND_BLOB;
    }
    if (!is_guarded)
        return PQexecPrepared(p->pg, st->name, st->nparams, values, lengths, formats, 0);

    /* SAVEPOINT; the statement; RELEASE; one sync, one round trip. */
    PGresult *res = NULL, *r;
    if (PQenterPipelineMode(p->pg) != 1)
        return NULL;
    int ok = PQsendQueryParams(p->pg, "SAVEPOINT tb_stmt", 0, NULL, NULL, NULL, NULL, 0) &&
             PQsendQueryPrepared(p->pg, st->name, st->nparams, values, lengths, formats, 0) &&
             PQsendQueryParams(p->pg, "RELEASE tb_stmt", 0, NULL, NULL, NULL, NULL, 0) &&
             PQpipelineSync(p->pg);
    if (!ok) {
        PQexitPipelineMode(p->pg);
        return NULL;
    }
    /* Three results, each followed by NULL, then the sync. */
    bool is_failed = false;
    for (int k = 0; k < 3; k++) {
        while ((r = PQgetResult(p->pg)) != NULL) {
            if (k == 1 && !res)
                res = r;
            else {
                if (PQresultStatus(r) == PGRES_FATAL_ERROR && k == 0)
                    is_failed = true;
                PQclear(r);
            }
        }
    }
    while ((r = PQgetResult(p->pg)) != NULL) { /* the sync */
        ExecStatusType rs = PQresultStatus(r);
        PQclear(r);
        if (rs == PGRES_PIPELINE_SYNC)
            break;
    }
    PQexitPipelineMode(p->pg);
    ExecStatusType rst = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (!is_failed && (rst == PGRES_FATAL_ERROR || rst == PGRES_PIPELINE_ABORTED) &&
        PQtransactionStatus(p->pg) == PQTRANS_INERROR) {
        /* the statement failed: undo it alone, the transaction goes on */
        if (run_simple(s->conn, "ROLLBACK TO tb_stmt") == 0)
            run_simple(s->conn, "RELEASE tb_stmt");
    }
    return res;
}

/* Deallocates the statements a failed transaction kept (pg_finalize). */
static void flush_stale(struct tb_db_conn *c)
{
    struct pg_conn *p = pgc(c);
    char sql[48];
    if (!p->nstale || PQstatus(p->pg) != CONNECTION_OK ||
        PQtransactionStatus(p->pg) == PQTRANS_INERROR)
        return;
    for (size_t i = 0; i < p->nstale; i++) {
        snprintf(sql, sizeof(sql), "DEALLOCATE tb%u", p->stale[i]);
        PQclear(PQexec(p->pg, sql));
    }
    p->nstale = 0;
}

static int pg_step(struct tb_db_stmt *s)
{
    struct pg_conn *p = pgc(s->conn);
    struct pg_stmt *st = pgs(s);
    int rc;

    if (st->res) { /* the next row of the result already fetched */
        if (st->row + 1 < st->nrows) {
            st->row++;
            for (int i = 0; i < st->nblob; i++) {
                if (st->blob[i])
                    PQfreemem(st->blob[i]);
                st->blob[i] = NULL;
            }
            return TB_DB_ROW;
        }
        st->row = st->nrows;
        return TB_DB_DONE;
    }
    if (st->is_done)
        return TB_DB_DONE;

    /* Outside a transaction a connection found dead (server restart,
     * failover, an idle session ended) is reopened and a statement that
     * changes nothing is sent again: nothing was in progress. */
    bool is_idle = PQstatus(p->pg) != CONNECTION_OK || PQtransactionStatus(p->pg) == PQTRANS_IDLE;
    bool is_guarded = false;
    PGresult *res = NULL;
    for (int attempt = 0;; attempt++) {
        if (is_idle && (rc = ensure_connected(s->conn)) < 0)
            return rc;
        rc = st->generation != p->generation ? prepare_named(s) : 0;
        if (rc == 0) {
            is_guarded = st->is_write_guarded && PQtransactionStatus(p->pg) == PQTRANS_INTRANS;
            res = execute(s, is_guarded);
        }
        if (attempt > 0 || !is_idle || PQstatus(p->pg) == CONNECTION_OK || is_data_change(st->sql))
            break;
        PQclear(res);
        res = NULL;
    }
    if (rc < 0)
        return rc;
    flush_stale(s->conn);
    ExecStatusType rs = PQresultStatus(res);
    if (rs == PGRES_COMMAND_OK) {
        p->changes = strtoll(PQcmdTuples(res), NULL, 10);
        PQclear(res);
        st->is_done = true;
        return TB_DB_DONE;
    }
    if (rs != PGRES_TUPLES_OK) {
        rc = result_error(s->conn, res);
        PQclear(res);
        if (!is_guarded && PQtransactionStatus(p->pg) == PQTRANS_INERROR)
            tb_dbi_log(s->conn->db, TB_DB_LOG_WARN, "statement failed in a transaction: %s",
                       p->errmsg);
        return rc;
    }
    const char *ct = PQcmdTuples(res);
    p->changes = *ct ? strtoll(ct, NULL, 10) : 0; /* INSERT ... RETURNING */
    st->res = res;
    st->nrows = PQntuples(res);
    int ncols = PQnfields(res);
    if (ncols > 0) {
        st->blob = calloc((size_t)ncols, sizeof(*st->blob));
        st->blob_len = calloc((size_t)ncols, sizeof(*st->blob_len));
        if (!st->blob || !st->blob_len) {
            clear_result(st);
            return TB_ERR_NOMEM;
        }
        st->nblob = ncols;
    }
    st->row = 0;
    if (st->nrows == 0)
        return TB_DB_DONE;
    return TB_DB_ROW;
}

static bool has_row(const struct pg_stmt *st, int col)
{
    return st->res && st->row >= 0 && st->row < st->nrows && col >= 0 && col < PQnfields(st->res);
}

static int pg_column_count(struct tb_db_stmt *s)
{
    struct pg_stmt *st = pgs(s);
    return st->res ? PQnfields(st->res) : 0;
}

static bool pg_column_is_null(struct tb_db_stmt *s, int col)
{
    struct pg_stmt *st = pgs(s);
    return !has_row(st, col) || PQgetisnull(st->res, st->row, col);
}

static int64_t pg_column_int64(struct tb_db_stmt *s, int col)
{
    struct pg_stmt *st = pgs(s);
    if (pg_column_is_null(s, col))
        return 0;
    const char *v = PQgetvalue(st->res, st->row, col);
    if (PQftype(st->res, col) == PG_OID_BOOL)
        return v[0] == 't';
    return strtoll(v, NULL, 10);
}

static double pg_column_double(struct tb_db_stmt *s, int col)
{
    struct pg_stmt *st = pgs(s);
    if (pg_column_is_null(s, col))
        return 0.0;
    const char *v = PQgetvalue(st->res, st->row, col);
    if (PQftype(st->res, col) == PG_OID_BOOL)
        return v[0] == 't' ? 1.0 : 0.0;
    return strtod(v, NULL);
}

static const char *pg_column_text(struct tb_db_stmt *s, int col)
{
    struct pg_stmt *st = pgs(s);
    if (pg_column_is_null(s, col))
        return NULL;
    if (PQftype(st->res, col) == PG_OID_BOOL)
        return PQgetvalue(st->res, st->row, col)[0] == 't' ? "1" : "0";
    return PQgetvalue(st->res, st->row, col);
}

static const void *pg_column_blob(struct tb_db_stmt *s, int col)
{
    struct pg_stmt *st = pgs(s);
    if (pg_column_is_null(s, col))
        return NULL;
    if (PQftype(st->res, col) != PG_OID_BYTEA)
        return PQgetvalue(st->res, st->row, col);
    if (!st->blob[col]) {
        size_t n = 0;
        st->blob[col] =
            PQunescapeBytea((const unsigned char *)PQgetvalue(st->res, st->row, col), &n);
        st->blob_len[col] = n;
    }
    return st->blob[col];
}

static size_t pg_column_bytes(struct tb_db_stmt *s, int col)
{
    struct pg_stmt *st = pgs(s);
    if (pg_column_is_null(s, col))
        return 0;
    if (PQftype(st->res, col) == PG_OID_BYTEA) {
        if (!st->blob[col])
            pg_column_blob(s, col);
        return st->blob_len[col];
    }
    return (size_t)PQgetlength(st->res, st->row, col);
}

/* ---- the write lock and the jobs lock ----------------------------------- */

static int pg_begin_write(struct tb_db_conn *c)
{
    int rc = tb_dbi_exec_cached(c, c->be->sql_begin_write);
    if (rc < 0)
        return rc;
    return tb_dbi_exec_cached(c, "SELECT pg_advisory_xact_lock(" PG_LOCK_WRITE ")");
}

static int pg_try_leader(struct tb_db_conn *c, bool *is_leader)
{
    struct pg_conn *p = pgc(c);
    PGresult *res;
    int rc = ensure_connected(c);
    *is_leader = false;
    if (rc < 0)
        return rc;
    /* Session lock: held while this connection lives. Asked again by its
     * holder it answers true and only counts up (never unlocked: the
     * session's end frees it); the round trip also finds a dead session. */
    res = PQexec(p->pg, "SELECT pg_try_advisory_lock(" PG_LOCK_LEADER ")");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = result_error(c, res);
        PQclear(res);
        return rc;
    }
    *is_leader = PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    return 0;
}

const struct tb_db_backend tb_dbi_pg = {
    .dialect = "pg",
    .sql_begin_write = "BEGIN ISOLATION LEVEL READ COMMITTED",
    /* Two servers starting at once must not both create it. */
    .sql_migrations_table = "DO $$ BEGIN PERFORM pg_advisory_xact_lock(" PG_LOCK_WRITE "); "
                            "CREATE TABLE IF NOT EXISTS schema_migrations ("
                            " version BIGINT PRIMARY KEY,"
                            " name TEXT NOT NULL,"
                            " applied_at BIGINT NOT NULL); END $$",
    .begin_write = pg_begin_write,
    .try_leader = pg_try_leader,
    .conn_open = pg_conn_open,
    .conn_close = pg_conn_close,
    .exec = pg_exec,
    .in_transaction = pg_in_transaction,
    .has_deferred_violation = pg_has_deferred_violation,
    .changes = pg_changes,
    .last_insert_id = pg_last_insert_id,
    .errmsg = pg_errmsg,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .column_count = pg_column_count,
    .column_is_null = pg_column_is_null,
    .column_int64 = pg_column_int64,
    .column_double = pg_column_double,
    .column_text = pg_column_text,
    .column_blob = pg_column_blob,
    .column_bytes = pg_column_bytes,
};
