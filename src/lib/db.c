/*
 * db.c - the engine-independent half of the db layer: opening and closing,
 * per-thread read connections and the statement cache. The write path (the
 * writer thread and group commit) is in db_write.c, migrations in migrate.c.
 *
 * Read connections live in pthread TLS (one key per tb_db), are opened on a
 * thread's first read and are closed by the key's destructor when the thread
 * exits, or by tb_db_close for threads still alive.
 *
 * Statements are cached per connection in a small hash table keyed by the
 * SQL text: feature code passes the same static string each time, so after
 * the first request a prepare is a hash and a strcmp.
 *
 * The engine-specific calls go through struct tb_db_backend (db_backend.h);
 * db_sqlite.c and db_pg.c fill it.
 */
#include "lib/db.h"
#include "lib/db_backend.h"
#include "lib/err.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void db_free(struct tb_db *db);
static void conn_free(struct tb_db_conn *c);

/* ---- small helpers ------------------------------------------------------ */

/* FNV-1a: the statement cache key. */
static uint32_t hash_sql(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void vlog_opt(const struct tb_db_options *opt, enum tb_db_log_level level, const char *fmt,
                     va_list ap) __attribute__((format(printf, 3, 0)));

static void vlog_opt(const struct tb_db_options *opt, enum tb_db_log_level level, const char *fmt,
                     va_list ap)
{
    char msg[768];
    if (!opt || !opt->log)
        return;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    opt->log(opt->log_ctx, level, msg);
}

static void log_opt(const struct tb_db_options *opt, enum tb_db_log_level level, const char *fmt,
                    ...) __attribute__((format(printf, 3, 4)));

static void log_opt(const struct tb_db_options *opt, enum tb_db_log_level level, const char *fmt,
                    ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog_opt(opt, level, fmt, ap);
    va_end(ap);
}

void tb_dbi_log(struct tb_db *db, enum tb_db_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog_opt(&db->opt, level, fmt, ap);
    va_end(ap);
}

const struct tb_db_backend *tb_dbi_backend(struct tb_db *db)
{
    return db->be;
}

/* ---- opening and closing ------------------------------------------------ */

/*
 * Splits url_or_path into a backend and its target. The returned target
 * points into url_or_path.
 */
static int parse_url(const char *url, const struct tb_db_options *opt,
                     const struct tb_db_backend **be, const char **target)
{
    if (has_prefix(url, "postgresql://") || has_prefix(url, "postgres://")) {
        *be = &tb_dbi_pg;
        *target = strstr(url, "://") + 3;
        if (**target == '\0') {
            log_opt(opt, TB_DB_LOG_ERROR, "a PostgreSQL URL needs a host or a database");
            return TB_ERR_INVALID;
        }
        return 0;
    }
    if (has_prefix(url, "sqlite:"))
        url += strlen("sqlite:");
    else if (strstr(url, "://")) {
        log_opt(opt, TB_DB_LOG_ERROR, "unknown database URL scheme");
        return TB_ERR_INVALID;
    }
    if (url[0] == '\0' || strcmp(url, ":memory:") == 0) {
        log_opt(opt, TB_DB_LOG_ERROR, "a database file path is required");
        return TB_ERR_INVALID;
    }
    *be = &tb_dbi_sqlite;
    *target = url;
    return 0;
}

static int conn_new(struct tb_db *db, bool is_writer, struct tb_db_conn **out)
{
    struct tb_db_conn *c = calloc(1, sizeof(*c));
    int rc;
    *out = NULL;
    if (!c)
        return TB_ERR_NOMEM;
    c->db = db;
    c->be = db->be;
    c->is_writer = is_writer;
    rc = db->be->conn_open(c, db->target, db->opt.busy_timeout_ms);
    if (rc < 0) {
        free(c);
        return rc;
    }
    *out = c;
    return 0;
}

/* TLS destructor: a thread that read from db is exiting. */
static void read_conn_destroy(void *p)
{
    struct tb_db_conn *c = p;
    struct tb_db *db = c->db;
    pthread_mutex_lock(&db->readers_lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        db->readers = c->next;
    if (c->next)
        c->next->prev = c->prev;
    pthread_mutex_unlock(&db->readers_lock);
    conn_free(c);
}

int tb_db_open(const char *url_or_path, const struct tb_db_options *opt, struct tb_db **out)
{
    struct tb_db *db = NULL;
    const struct tb_db_backend *be = NULL;
    const char *target = NULL;
    int rc;

    assert(url_or_path && out);
    *out = NULL;
    rc = parse_url(url_or_path, opt, &be, &target);
    if (rc < 0)
        goto fail;
    rc = TB_ERR_NOMEM;
    db = calloc(1, sizeof(*db));
    if (!db)
        goto fail;
    if (opt)
        db->opt = *opt;
    if (db->opt.busy_timeout_ms <= 0)
        db->opt.busy_timeout_ms = TB_DB_BUSY_TIMEOUT_MS_DEFAULT;
    if (db->opt.write_batch_max <= 0 || db->opt.write_batch_max > TB_DB_WRITE_BATCH_MAX)
        db->opt.write_batch_max = TB_DB_WRITE_BATCH_MAX;
    db->be = be;
    db->target = strdup(target);
    if (!db->target)
        goto fail;

    rc = TB_ERR_INTERNAL;
    if (pthread_mutex_init(&db->readers_lock, NULL) != 0)
        goto fail;
    db->has_readers_lock = true;
    if (pthread_key_create(&db->read_key, read_conn_destroy) != 0)
        goto fail;
    db->has_key = true;
    if (pthread_mutex_init(&db->leader_lock, NULL) != 0)
        goto fail;
    db->has_leader_lock = true;

    rc = conn_new(db, true, &db->writer);
    if (rc < 0)
        goto fail;
    rc = tb_dbi_writer_start(db);
    if (rc < 0)
        goto fail;
    *out = db;
    return 0;

fail:
    db_free(db);
    return rc;
}

/* Frees whatever tb_db_open set up; the writer thread must have stopped. */
static void db_free(struct tb_db *db)
{
    if (!db)
        return;
    assert(!db->is_writer_running);
    if (db->has_key)
        pthread_key_delete(db->read_key); /* no destructor runs after this */
    while (db->readers) {
        struct tb_db_conn *c = db->readers;
        db->readers = c->next;
        conn_free(c);
    }
    if (db->writer)
        conn_free(db->writer);
    if (db->leader)
        conn_free(db->leader); /* ends the session: the jobs lock passes on */
    if (db->has_leader_lock)
        pthread_mutex_destroy(&db->leader_lock);
    if (db->has_readers_lock)
        pthread_mutex_destroy(&db->readers_lock);
    free(db->target);
    free(db);
}

void tb_db_close(struct tb_db *db)
{
    if (!db)
        return;
    tb_dbi_writer_stop(db); /* finishes every queued write first */
    pthread_mutex_lock(&db->readers_lock);
    /* Take the list so the lock is not held while connections close. */
    struct tb_db_conn *list = db->readers;
    db->readers = NULL;
    pthread_mutex_unlock(&db->readers_lock);
    if (db->has_key) {
        pthread_key_delete(db->read_key);
        db->has_key = false;
    }
    while (list) {
        struct tb_db_conn *c = list;
        list = c->next;
        conn_free(c);
    }
    db_free(db);
}

int tb_db_ping(struct tb_db *db)
{
    struct tb_db_conn *c;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_read_conn(db, &c);
    if (rc < 0)
        return rc;
    rc = tb_db_prepare(c, "SELECT 1", &s);
    if (rc < 0)
        return rc;
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW)
        rc = tb_db_column_int64(s, 0) == 1 ? 0 : TB_ERR_DB;
    else if (rc == TB_DB_DONE)
        rc = TB_ERR_DB;
    tb_db_stmt_done(s);
    return rc;
}

static int optimize_write(struct tb_db_conn *c, void *ctx)
{
    (void)ctx;
    return tb_db_exec(c, "PRAGMA optimize");
}

int tb_db_optimize(struct tb_db *db)
{
    /* SQLite keeps no statistics unless asked (ANALYZE); PostgreSQL's
     * autovacuum keeps its own. */
    if (strcmp(db->be->dialect, "sqlite") != 0)
        return TB_OK;
    return tb_db_write(db, optimize_write, NULL);
}

int tb_db_leader(struct tb_db *db, bool *is_leader)
{
    int rc = 0;
    *is_leader = true;
    if (!db->be->try_leader)
        return 0;
    *is_leader = false;
    pthread_mutex_lock(&db->leader_lock);
    if (!db->leader)
        rc = conn_new(db, false, &db->leader);
    if (rc == 0)
        rc = db->be->try_leader(db->leader, is_leader);
    pthread_mutex_unlock(&db->leader_lock);
    return rc;
}

int tb_dbi_begin_write(struct tb_db_conn *c)
{
    if (c->be->begin_write)
        return c->be->begin_write(c);
    return tb_dbi_exec_cached(c, c->be->sql_begin_write);
}

/* ---- connections -------------------------------------------------------- */

int tb_db_read_conn(struct tb_db *db, struct tb_db_conn **out)
{
    struct tb_db_conn *c = pthread_getspecific(db->read_key);
    int rc;
    if (c) {
        *out = c;
        return 0;
    }
    *out = NULL;
    rc = conn_new(db, false, &c);
    if (rc < 0)
        return rc;
    if (pthread_setspecific(db->read_key, c) != 0) {
        conn_free(c);
        return TB_ERR_NOMEM;
    }
    pthread_mutex_lock(&db->readers_lock);
    c->next = db->readers;
    if (db->readers)
        db->readers->prev = c;
    db->readers = c;
    pthread_mutex_unlock(&db->readers_lock);
    *out = c;
    return 0;
}

static void stmt_free(struct tb_db_stmt *s)
{
    s->be->finalize(s);
    free(s->sql);
    free(s);
}

/* Finalizes every statement of c and closes it; c must not be in a list. */
static void conn_free(struct tb_db_conn *c)
{
    for (int i = 0; i < TB_DBI_STMT_BUCKETS; i++) {
        struct tb_db_stmt *s = c->buckets[i];
        while (s) {
            struct tb_db_stmt *next = s->next;
            stmt_free(s);
            s = next;
        }
        c->buckets[i] = NULL;
    }
    c->be->conn_close(c);
    free(c);
}

int tb_db_exec(struct tb_db_conn *c, const char *sql)
{
    assert(c && sql);
    return c->be->exec(c, sql, 0, NULL);
}

int tb_db_cache_hint(struct tb_db_conn *c, int64_t kib)
{
    char sql[64];
    if (strcmp(c->be->dialect, "sqlite") != 0)
        return 0;
    snprintf(sql, sizeof(sql), "PRAGMA cache_size = %lld", -(long long)kib);
    return tb_db_exec(c, sql);
}

int64_t tb_db_changes(struct tb_db_conn *c)
{
    return c->be->changes(c);
}

int64_t tb_db_last_insert_id(struct tb_db_conn *c)
{
    return c->be->last_insert_id(c);
}

const char *tb_db_errmsg(struct tb_db_conn *c)
{
    const char *m = c->be->errmsg(c);
    return m ? m : "";
}

/* ---- statements --------------------------------------------------------- */

int tb_db_prepare(struct tb_db_conn *c, const char *sql, struct tb_db_stmt **out)
{
    struct tb_db_stmt *s;
    struct tb_db_stmt **bucket;
    bool is_in_use = false;
    uint32_t h;
    int rc;

    assert(c && sql && out);
    *out = NULL;
    h = hash_sql(sql);
    bucket = &c->buckets[h % TB_DBI_STMT_BUCKETS];
    for (s = *bucket; s; s = s->next) {
        if (s->hash != h || strcmp(s->sql, sql) != 0)
            continue;
        if (!s->is_busy) {
            s->is_busy = true;
            *out = s;
            return 0;
        }
        is_in_use = true;
    }

    s = calloc(1, sizeof(*s));
    if (!s)
        return TB_ERR_NOMEM;
    s->conn = c;
    s->be = c->be;
    s->hash = h;
    s->sql = strdup(sql);
    if (!s->sql) {
        free(s);
        return TB_ERR_NOMEM;
    }
    rc = c->be->prepare(s);
    if (rc < 0) {
        free(s->sql);
        free(s);
        return rc;
    }
    /* A second copy of a busy statement, or one past the limit, is used once. */
    s->is_cached = !is_in_use && c->n_cached < TB_DB_STMT_CACHE_MAX;
    if (s->is_cached)
        c->n_cached++;
    s->next = *bucket;
    *bucket = s;
    s->is_busy = true;
    *out = s;
    return 0;
}

static void stmt_unlink(struct tb_db_stmt *s)
{
    struct tb_db_stmt **pp = &s->conn->buckets[s->hash % TB_DBI_STMT_BUCKETS];
    while (*pp != s)
        pp = &(*pp)->next;
    *pp = s->next;
}

void tb_db_stmt_done(struct tb_db_stmt *s)
{
    if (!s)
        return;
    assert(s->is_busy);
    s->be->reset(s);
    s->err = 0;
    s->is_busy = false;
    if (!s->is_cached) {
        stmt_unlink(s);
        stmt_free(s);
    }
}

/* Finishes every statement of c still handed out (a write function forgot). */
int tb_dbi_conn_finish_busy(struct tb_db_conn *c)
{
    int n = 0;
    for (int i = 0; i < TB_DBI_STMT_BUCKETS; i++) {
        struct tb_db_stmt *s = c->buckets[i];
        while (s) {
            struct tb_db_stmt *next = s->next;
            if (s->is_busy) {
                tb_db_stmt_done(s);
                n++;
            }
            s = next;
        }
    }
    return n;
}

/* Remembers the first bind failure so tb_db_step can report it. */
static int bind_result(struct tb_db_stmt *s, int rc)
{
    if (rc < 0 && s->err == 0)
        s->err = rc;
    return rc;
}

int tb_db_bind_int64(struct tb_db_stmt *s, int idx, int64_t v)
{
    return bind_result(s, s->be->bind_int64(s, idx, v));
}

int tb_db_bind_double(struct tb_db_stmt *s, int idx, double v)
{
    return bind_result(s, s->be->bind_double(s, idx, v));
}

int tb_db_bind_text(struct tb_db_stmt *s, int idx, const char *text, ptrdiff_t len)
{
    if (!text)
        return bind_result(s, s->be->bind_null(s, idx));
    size_t n = len < 0 ? strlen(text) : (size_t)len;
    return bind_result(s, s->be->bind_text(s, idx, text, n));
}

int tb_db_bind_blob(struct tb_db_stmt *s, int idx, const void *p, size_t len)
{
    if (!p)
        return bind_result(s, s->be->bind_null(s, idx));
    return bind_result(s, s->be->bind_blob(s, idx, p, len));
}

int tb_db_bind_null(struct tb_db_stmt *s, int idx)
{
    return bind_result(s, s->be->bind_null(s, idx));
}

int tb_db_step(struct tb_db_stmt *s)
{
    assert(s && s->is_busy);
    if (s->err < 0)
        return s->err;
    return s->be->step(s);
}

int tb_db_column_count(struct tb_db_stmt *s)
{
    return s->be->column_count(s);
}

bool tb_db_column_is_null(struct tb_db_stmt *s, int col)
{
    return s->be->column_is_null(s, col);
}

int64_t tb_db_column_int64(struct tb_db_stmt *s, int col)
{
    return s->be->column_int64(s, col);
}

double tb_db_column_double(struct tb_db_stmt *s, int col)
{
    return s->be->column_double(s, col);
}

const char *tb_db_column_text(struct tb_db_stmt *s, int col)
{
    return s->be->column_text(s, col);
}

const void *tb_db_column_blob(struct tb_db_stmt *s, int col)
{
    return s->be->column_blob(s, col);
}

size_t tb_db_column_bytes(struct tb_db_stmt *s, int col)
{
    return s->be->column_bytes(s, col);
}

int tb_dbi_exec_cached(struct tb_db_conn *c, const char *sql)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, sql, &s);
    if (rc < 0)
        return rc;
    while ((rc = tb_db_step(s)) == TB_DB_ROW)
        ;
    tb_db_stmt_done(s);
    return rc;
}
