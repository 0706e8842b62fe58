/*
 * db_sqlite.c - the SQLite backend of the db layer: single calls translated
 * to the sqlite3 API, plus the settings every connection needs.
 *
 * Settings and why (DESIGN.md "Pitfalls"):
 *   - SQLITE_OPEN_NOMUTEX: each connection is used by one thread at a time
 *     (its read thread, or the writer), so SQLite's per-connection mutex is
 *     pure cost. The library must still be built thread-safe (checked).
 *   - journal_mode=WAL (set by the write connection; it is persistent in the
 *     file): readers never block the writer and the writer never blocks them.
 *   - synchronous=FULL: COMMIT returns after the WAL is fsynced, so an
 *     acknowledged write survives power loss. NORMAL would not.
 *   - busy_timeout: another process (the CLI, a migration) may hold the
 *     write lock for a moment.
 *   - foreign_keys=ON: off by default in SQLite, per connection.
 *   - double-quoted string literals off (DQS): PostgreSQL reads "x" as an
 *     identifier, so SQL that relies on SQLite's leniency must fail here.
 *   - defensive mode and untrusted schema: the file cannot be made to run
 *     functions with side effects from views or triggers.
 *   - SQLITE_PREPARE_PERSISTENT: cached statements live long; re-preparing
 *     costs about four times a step.
 * Result codes map to tb_err through one table (rc_map).
 */
#include "lib/db_backend.h"
#include "lib/err.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- result codes ------------------------------------------------------- */

/* Extended codes first: the first row whose code matches wins. */
static const struct {
    int code;
    int err;
} rc_map[] = {
    {SQLITE_CONSTRAINT_UNIQUE, TB_ERR_CONFLICT},     /* duplicate */
    {SQLITE_CONSTRAINT_PRIMARYKEY, TB_ERR_CONFLICT}, /* duplicate */
    {SQLITE_CONSTRAINT_FOREIGNKEY, TB_ERR_CONFLICT}, /* refers to a missing / in-use row */
    {SQLITE_CONSTRAINT_CHECK, TB_ERR_INVALID},       /* value breaks a schema rule */
    {SQLITE_CONSTRAINT_NOTNULL, TB_ERR_INVALID},
    {SQLITE_CONSTRAINT_DATATYPE, TB_ERR_INVALID}, /* STRICT table, wrong type */
    {SQLITE_CONSTRAINT, TB_ERR_CONFLICT},
    {SQLITE_MISMATCH, TB_ERR_INVALID},
    {SQLITE_BUSY, TB_ERR_BUSY},
    {SQLITE_LOCKED, TB_ERR_BUSY},
    {SQLITE_NOMEM, TB_ERR_NOMEM},
    {SQLITE_TOOBIG, TB_ERR_TOO_LARGE},
    {SQLITE_RANGE, TB_ERR_INTERNAL},  /* bind index out of range: a bug */
    {SQLITE_MISUSE, TB_ERR_INTERNAL}, /* API misuse: a bug */
};

static int map_rc(int rc)
{
    size_t n = sizeof(rc_map) / sizeof(rc_map[0]);
    for (size_t i = 0; i < n; i++)
        if (rc_map[i].code == rc)
            return rc_map[i].err;
    for (size_t i = 0; i < n; i++)
        if (rc_map[i].code == (rc & 0xff))
            return rc_map[i].err;
    return TB_ERR_DB;
}

static sqlite3 *conn_handle(struct tb_db_conn *c)
{
    return c->impl;
}

static sqlite3_stmt *stmt_handle(struct tb_db_stmt *s)
{
    return s->impl;
}

/* ---- SQL text helpers --------------------------------------------------- */

/* Skips white space, "-- ..." and C-style comments. */
static const char *skip_space(const char *p)
{
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
        } else {
            return p;
        }
    }
}

/* Nothing but white space, comments and ';' from p on. */
static bool is_blank_tail(const char *p)
{
    for (;;) {
        p = skip_space(p);
        if (*p != ';')
            return *p == '\0';
        p++;
    }
}

static bool starts_with_word(const char *p, const char *word)
{
    size_t n = strlen(word);
    return strncasecmp(p, word, n) == 0 && !isalnum((unsigned char)p[n]) && p[n] != '_';
}

/* The statement at p ends or opens a transaction by itself. */
static bool is_txn_control(const char *p)
{
    static const char *const words[] = {"BEGIN", "COMMIT", "END", "ROLLBACK"};
    p = skip_space(p);
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (starts_with_word(p, words[i]))
            return true;
    return false;
}

/* 1-based line of pos in text. */
static int line_of(const char *text, const char *pos)
{
    int line = 1;
    for (const char *p = text; p < pos && *p; p++)
        if (*p == '\n')
            line++;
    return line;
}

/* ---- connections -------------------------------------------------------- */

static int set_config(sqlite3 *h)
{
    static const int off[] = {SQLITE_DBCONFIG_DQS_DDL, SQLITE_DBCONFIG_DQS_DML,
                              SQLITE_DBCONFIG_TRUSTED_SCHEMA,
                              SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION};
    for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
        if (sqlite3_db_config(h, off[i], 0, (int *)NULL) != SQLITE_OK)
            return TB_ERR_DB;
    if (sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL) != SQLITE_OK)
        return TB_ERR_DB;
    return 0;
}

/* PRAGMA journal_mode=WAL answers the mode now in force; anything else fails. */
static int set_wal(sqlite3 *h)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h, "PRAGMA journal_mode=WAL", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *mode = (const char *)sqlite3_column_text(st, 0);
        rc = mode && strcasecmp(mode, "wal") == 0 ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : TB_ERR_DB;
}

static int sq_conn_open(struct tb_db_conn *c, const char *path, int busy_timeout_ms)
{
    sqlite3 *h = NULL;
    int flags = SQLITE_OPEN_NOMUTEX;
    int rc;

    if (sqlite3_threadsafe() == 0) {
        tb_dbi_log(c->db, TB_DB_LOG_ERROR, "libsqlite3 was built without thread support");
        return TB_ERR_INTERNAL;
    }
    flags |= c->is_writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    rc = sqlite3_open_v2(path, &h, flags, NULL);
    if (rc != SQLITE_OK) {
        tb_dbi_log(c->db, TB_DB_LOG_ERROR, "cannot open %s: %s", path,
                   h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        rc = rc == SQLITE_NOMEM ? TB_ERR_NOMEM : TB_ERR_DB;
        goto fail;
    }
    sqlite3_extended_result_codes(h, 1);
    sqlite3_busy_timeout(h, busy_timeout_ms);
    rc = set_config(h);
    if (rc == 0 && c->is_writer)
        rc = set_wal(h);
    if (rc == 0 && sqlite3_exec(h, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", NULL, NULL,
                                NULL) != SQLITE_OK)
        rc = TB_ERR_DB;
    if (rc < 0) {
        tb_dbi_log(c->db, TB_DB_LOG_ERROR, "cannot set up %s: %s", path, sqlite3_errmsg(h));
        goto fail;
    }
    c->impl = h;
    return 0;

fail:
    sqlite3_close(h);
    return rc;
}

static void sq_conn_close(struct tb_db_conn *c)
{
    sqlite3 *h = conn_handle(c);
    int rc = sqlite3_close(h);
    if (rc != SQLITE_OK)
        tb_dbi_log(c->db, TB_DB_LOG_ERROR, "close failed: %s", sqlite3_errstr(rc));
    c->impl = NULL;
}

static void exec_error(struct tb_dbi_exec_error *err, const char *sql, const char *pos,
                       const char *msg)
{
    if (!err)
        return;
    err->line = line_of(sql, pos);
    snprintf(err->msg, sizeof(err->msg), "%s", msg);
}

/*
 * Runs every statement of sql in turn (what sqlite3_exec does), reporting the
 * line of a failure: the error token for a syntax error, else the start of
 * the failing statement.
 */
static int sq_exec(struct tb_db_conn *c, const char *sql, unsigned flags,
                   struct tb_dbi_exec_error *err)
{
    sqlite3 *h = conn_handle(c);
    const char *p = sql;
    int rc = 0;

    while (*(p = skip_space(p))) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        int src = sqlite3_prepare_v2(h, p, -1, &st, &tail);
        if (src != SQLITE_OK) {
            int off = sqlite3_error_offset(h);
            exec_error(err, sql, off >= 0 ? p + off : p, sqlite3_errmsg(h));
            return map_rc(src);
        }
        if (!st) { /* only a ';' */
            p = tail > p ? tail : p + 1;
            continue;
        }
        if ((flags & TB_DBI_EXEC_NO_TXN_CONTROL) && is_txn_control(p)) {
            exec_error(err, sql, p, "BEGIN/COMMIT/END/ROLLBACK not allowed here");
            sqlite3_finalize(st);
            return TB_ERR_INVALID;
        }
        while ((src = sqlite3_step(st)) == SQLITE_ROW)
            ;
        if (src != SQLITE_DONE) {
            exec_error(err, sql, p, sqlite3_errmsg(h));
            rc = map_rc(src);
        }
        sqlite3_finalize(st);
        if (rc < 0)
            return rc;
        p = tail;
    }
    return 0;
}

static bool sq_in_transaction(struct tb_db_conn *c)
{
    return sqlite3_get_autocommit(conn_handle(c)) == 0;
}

static bool sq_has_deferred_violation(struct tb_db_conn *c)
{
    int cur = 0, high = 0;
    if (sqlite3_db_status(conn_handle(c), SQLITE_DBSTATUS_DEFERRED_FKS, &cur, &high, 0) !=
        SQLITE_OK)
        return false;
    return cur != 0;
}

static int64_t sq_changes(struct tb_db_conn *c)
{
    return sqlite3_changes64(conn_handle(c));
}

static int64_t sq_last_insert_id(struct tb_db_conn *c)
{
    return sqlite3_last_insert_rowid(conn_handle(c));
}

static const char *sq_errmsg(struct tb_db_conn *c)
{
    return sqlite3_errmsg(conn_handle(c));
}

/* ---- statements --------------------------------------------------------- */

static int sq_prepare(struct tb_db_stmt *s)
{
    sqlite3 *h = conn_handle(s->conn);
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(h, s->sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
    if (rc != SQLITE_OK) {
        tb_dbi_log(s->conn->db, TB_DB_LOG_ERROR, "prepare failed: %s", sqlite3_errmsg(h));
        return map_rc(rc);
    }
    if (!st || !is_blank_tail(tail)) {
        /* Empty, or a second statement that would be silently ignored. */
        tb_dbi_log(s->conn->db, TB_DB_LOG_ERROR, "prepare wants exactly one statement");
        sqlite3_finalize(st);
        return TB_ERR_INVALID;
    }
    s->impl = st;
    return 0;
}

static void sq_finalize(struct tb_db_stmt *s)
{
    sqlite3_finalize(stmt_handle(s));
    s->impl = NULL;
}

static void sq_reset(struct tb_db_stmt *s)
{
    sqlite3_reset(stmt_handle(s)); /* repeats the last step's error: already reported */
    sqlite3_clear_bindings(stmt_handle(s));
}

static int bind_rc(int rc)
{
    return rc == SQLITE_OK ? 0 : map_rc(rc);
}

static int sq_bind_int64(struct tb_db_stmt *s, int idx, int64_t v)
{
    return bind_rc(sqlite3_bind_int64(stmt_handle(s), idx, v));
}

static int sq_bind_double(struct tb_db_stmt *s, int idx, double v)
{
    return bind_rc(sqlite3_bind_double(stmt_handle(s), idx, v));
}

static int sq_bind_text(struct tb_db_stmt *s, int idx, const char *p, size_t len)
{
    return bind_rc(sqlite3_bind_text64(stmt_handle(s), idx, p, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

static int sq_bind_blob(struct tb_db_stmt *s, int idx, const void *p, size_t len)
{
    return bind_rc(sqlite3_bind_blob64(stmt_handle(s), idx, p, len, SQLITE_TRANSIENT));
}

static int sq_bind_null(struct tb_db_stmt *s, int idx)
{
    return bind_rc(sqlite3_bind_null(stmt_handle(s), idx));
}

static int sq_step(struct tb_db_stmt *s)
{
    int rc = sqlite3_step(stmt_handle(s));
    if (rc == SQLITE_ROW)
        return TB_DB_ROW;
    if (rc == SQLITE_DONE)
        return TB_DB_DONE;
    return map_rc(rc);
}

static int sq_column_count(struct tb_db_stmt *s)
{
    return sqlite3_column_count(stmt_handle(s));
}

static bool sq_column_is_null(struct tb_db_stmt *s, int col)
{
    return sqlite3_column_type(stmt_handle(s), col) == SQLITE_NULL;
}

static int64_t sq_column_int64(struct tb_db_stmt *s, int col)
{
    return sqlite3_column_int64(stmt_handle(s), col);
}

static double sq_column_double(struct tb_db_stmt *s, int col)
{
    return sqlite3_column_double(stmt_handle(s), col);
}

static const char *sq_column_text(struct tb_db_stmt *s, int col)
{
    return (const char *)sqlite3_column_text(stmt_handle(s), col);
}

static const void *sq_column_blob(struct tb_db_stmt *s, int col)
{
    return sqlite3_column_blob(stmt_handle(s), col);
}

static size_t sq_column_bytes(struct tb_db_stmt *s, int col)
{
    return (size_t)sqlite3_column_bytes(stmt_handle(s), col);
}

const struct tb_db_backend tb_dbi_sqlite = {
    .dialect = "sqlite",
    /* IMMEDIATE takes the write lock up front: a deferred transaction that
     * reads and then writes fails at once with SQLITE_BUSY_SNAPSHOT. */
    .sql_begin_write = "BEGIN IMMEDIATE",
    .sql_migrations_table = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                            " version INTEGER PRIMARY KEY,"
                            " name TEXT NOT NULL,"
                            " applied_at INTEGER NOT NULL"
                            ") STRICT",
    .conn_open = sq_conn_open,
    .conn_close = sq_conn_close,
    .exec = sq_exec,
    .in_transaction = sq_in_transaction,
    .has_deferred_violation = sq_has_deferred_violation,
    .changes = sq_changes,
    .last_insert_id = sq_last_insert_id,
    .errmsg = sq_errmsg,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .reset = sq_reset,
    .bind_int64 = sq_bind_int64,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .column_count = sq_column_count,
    .column_is_null = sq_column_is_null,
    .column_int64 = sq_column_int64,
    .column_double = sq_column_double,
    .column_text = sq_column_text,
    .column_blob = sq_column_blob,
    .column_bytes = sq_column_bytes,
};
