/*
 * db_backend.h - inside the db layer: the backend vtable and the structs
 * shared by db.c, db_write.c, db_sqlite.c and migrate.c. Feature code
 * includes db.h only.
 *
 * Why a vtable: db.c and db_write.c own everything that is the same for
 * every engine (the statement cache, per-thread read connections, the write
 * queue and group commit, stats); a backend only translates single calls (open, prepare,
 * bind, step, column, exec). Adding PostgreSQL means one db_pg.c filling a
 * struct tb_db_backend, and a branch in tb_db_open; no feature code changes.
 * PostgreSQL keeps the single writer per process and orders the writers of
 * all processes with an advisory lock (begin_write; see db_pg.c).
 *
 * Names: tb_dbi_* are internal to the db layer (curl's Curl_ prefix).
 */
#ifndef TB_DB_BACKEND_H
#define TB_DB_BACKEND_H

#include "lib/db.h"

#include <pthread.h>
#include <stdarg.h>

#define TB_DBI_STMT_BUCKETS 64 /* hash buckets of a connection's statement cache */

/* Flags for the exec slot. */
#define TB_DBI_EXEC_NO_TXN_CONTROL 1u /* refuse BEGIN/COMMIT/END/ROLLBACK (migrations) */

/* Where a multi-statement exec failed. */
struct tb_dbi_exec_error {
    int line;      /* 1-based line in the text, 0 if unknown */
    char msg[256]; /* the engine's message */
};

struct tb_db_stmt {
    struct tb_db_conn *conn;
    const struct tb_db_backend *be;
    void *impl;              /* the engine's statement (sqlite3_stmt *) */
    char *sql;               /* cache key, owned */
    uint32_t hash;           /* of sql */
    struct tb_db_stmt *next; /* hash chain in conn->buckets */
    bool is_cached;          /* false: finalized at done */
    bool is_busy;            /* handed out, not yet done */
    int err;                 /* first bind failure, returned by the next step */
};

struct tb_db_conn {
    struct tb_db *db;
    const struct tb_db_backend *be;
    void *impl; /* the engine's connection (sqlite3 *) */
    bool is_writer;
    int n_cached;
    struct tb_db_stmt *buckets[TB_DBI_STMT_BUCKETS];
    struct tb_db_conn *prev, *next; /* db's list of read connections */
};

struct tb_dbi_write_req; /* a queued tb_db_write call (db_write.c) */

struct tb_db {
    const struct tb_db_backend *be;
    char *target; /* path or URL without the scheme */
    struct tb_db_options opt;

    /* Write path (db_write.c). lock guards the queue, is_stopping and stats. */
    struct tb_db_conn *writer; /* only the writer thread uses it once started */
    pthread_t writer_thread;
    pthread_mutex_t lock;
    pthread_cond_t wake_writer;
    struct tb_dbi_write_req *head, *tail;
    bool is_stopping;
    bool is_writer_running;
    struct tb_db_stats stats;

    /* Read connections (db.c). readers_lock guards the list. */
    pthread_key_t read_key;
    pthread_mutex_t readers_lock;
    struct tb_db_conn *readers;
    bool has_key, has_readers_lock; /* for db_free after a failed open */

    /* The jobs lock's own connection (tb_db_leader), opened on first use. */
    struct tb_db_conn *leader;
    pthread_mutex_t leader_lock;
    bool has_leader_lock;
};

struct tb_db_backend {
    const char *dialect;              /* "sqlite": migration suffix .sqlite.sql */
    const char *sql_begin_write;      /* a transaction that will write */
    const char *sql_migrations_table; /* CREATE TABLE IF NOT EXISTS schema_migrations */

    /* Optional: opens a write transaction (a batch or a migration) and takes
     * whatever lock orders the writers of all processes; NULL means
     * tb_dbi_exec_cached(c, sql_begin_write). */
    int (*begin_write)(struct tb_db_conn *c);
    /* Optional: asks whether this process is the one that runs periodic jobs
     * (a lock held by c's session); NULL means always (one process). */
    int (*try_leader)(struct tb_db_conn *c, bool *is_leader);

    /* c->db and c->is_writer are set; fills c->impl. target is the path/URL
     * without the scheme. */
    int (*conn_open)(struct tb_db_conn *c, const char *target, int busy_timeout_ms);
    /* Every statement of c is finalized before this is called. */
    void (*conn_close)(struct tb_db_conn *c);
    int (*exec)(struct tb_db_conn *c, const char *sql, unsigned flags,
                struct tb_dbi_exec_error *err);
    bool (*in_transaction)(struct tb_db_conn *c);
    /* A foreign key violation deferred to COMMIT is pending on c. */
    bool (*has_deferred_violation)(struct tb_db_conn *c);
    int64_t (*changes)(struct tb_db_conn *c);
    int64_t (*last_insert_id)(struct tb_db_conn *c);
    const char *(*errmsg)(struct tb_db_conn *c);

    /* s->conn, s->be and s->sql are set; fills s->impl. */
    int (*prepare)(struct tb_db_stmt *s);
    void (*finalize)(struct tb_db_stmt *s);
    void (*reset)(struct tb_db_stmt *s); /* reset and clear bindings */
    int (*bind_int64)(struct tb_db_stmt *s, int idx, int64_t v);
    int (*bind_double)(struct tb_db_stmt *s, int idx, double v);
    int (*bind_text)(struct tb_db_stmt *s, int idx, const char *p, size_t len);
    int (*bind_blob)(struct tb_db_stmt *s, int idx, const void *p, size_t len);
    int (*bind_null)(struct tb_db_stmt *s, int idx);
    int (*step)(struct tb_db_stmt *s); /* TB_DB_ROW, TB_DB_DONE or tb_err */
    int (*column_count)(struct tb_db_stmt *s);
    bool (*column_is_null)(struct tb_db_stmt *s, int col);
    int64_t (*column_int64)(struct tb_db_stmt *s, int col);
    double (*column_double)(struct tb_db_stmt *s, int col);
    const char *(*column_text)(struct tb_db_stmt *s, int col);
    const void *(*column_blob)(struct tb_db_stmt *s, int col);
    size_t (*column_bytes)(struct tb_db_stmt *s, int col);

    /* Backups are not a slot: tb_db_backup (db_backup.c) opens its own
     * read-only SQLite connection; PostgreSQL is backed up with its tools. */
};

extern const struct tb_db_backend tb_dbi_sqlite;
extern const struct tb_db_backend tb_dbi_pg;

/* Opens a write transaction on c (begin_write or sql_begin_write). */
int tb_dbi_begin_write(struct tb_db_conn *c);

/* The backend of db. */
const struct tb_db_backend *tb_dbi_backend(struct tb_db *db);

/* Sends a message to the caller's log callback, if any. */
void tb_dbi_log(struct tb_db *db, enum tb_db_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Runs fn(c, ctx) alone on the write connection, outside any transaction,
 * between two batches; fn manages its own transactions. For migrations. Returns fn's result.
 */
int tb_dbi_run_exclusive(struct tb_db *db, int (*fn)(struct tb_db_conn *c, void *ctx), void *ctx);

/* Runs one statement of c through the cache and steps it to the end. */
int tb_dbi_exec_cached(struct tb_db_conn *c, const char *sql);

/* Finishes (tb_db_stmt_done) every statement of c still handed out; returns
 * how many there were. */
int tb_dbi_conn_finish_busy(struct tb_db_conn *c);

/* Starts db's writer thread on db->writer (opened already). */
int tb_dbi_writer_start(struct tb_db *db);

/* Runs every queued write, then stops and joins the writer thread. Later
 * tb_db_write calls fail with TB_ERR_UNAVAILABLE. No-op if not running. */
void tb_dbi_writer_stop(struct tb_db *db);

#endif
