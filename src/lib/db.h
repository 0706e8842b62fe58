/*
 * db.h - the backend-neutral database API every store.c uses.
 *
 * Why this shape: tongban runs on one SQLite file by default and on
 * PostgreSQL at scale, and feature code must not care which. So feature code
 * sees only opaque handles, numbered placeholders and tb_err values:
 *
 *   - Reads go through tb_db_read_conn(): one connection per thread, created
 *     on first use, closed when the thread exits or at tb_db_close().
 *   - Writes go through tb_db_write(fn, ctx): fn is a transaction function.
 *     On SQLite one writer thread runs the queued functions as a group: one
 *     BEGIN IMMEDIATE, a SAVEPOINT per function (a failing function rolls back
 *     only its own work), one COMMIT with synchronous=FULL, so many requests
 *     share one fsync. tb_db_write returns only after that COMMIT: a 0 return
 *     means the write is on disk (DESIGN.md "Write path").
 *   - Statements are prepared once per connection and cached by their SQL
 *     text; tb_db_stmt_done() hands them back for reuse.
 *
 * SQL conventions (portable to both backends):
 *   - Placeholders are ?1 ?2 ... (numbered, never bare ? or :name). The
 *     PostgreSQL backend will rewrite ?N to $N (outside string literals);
 *     SQLite would number $1 $2 by first appearance rather than by their
 *     digits, which is why the ?N form is the one we write.
 *   - String literals in single quotes only: double-quoted strings are
 *     identifiers in PostgreSQL, and the SQLite backend turns SQLite's
 *     lenient reading of them off so the mistake shows up in tests.
 *   - A transaction that may write is started by tb_db_write, never by hand.
 *
 * Migrations (tb_db_migrate) are files NNNN_name.sql applied in number order,
 * each in its own transaction with its schema_migrations row; see below for
 * the dialect suffixes.
 *
 * Thread rules: a tb_db is shared by all threads. A tb_db_conn and its
 * statements belong to one thread (its own read connection, or the writer
 * thread inside a write function) and are never passed to another.
 */
#ifndef TB_DB_H
#define TB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tb_db;      /* a database: writer thread, read connections, stats */
struct tb_db_conn; /* one connection, owned by one thread */
struct tb_db_stmt; /* a prepared statement of one connection */

/* Named limits and defaults (STYLE.md 8). */
#define TB_DB_BUSY_TIMEOUT_MS_DEFAULT 5000 /* wait for a lock held by another process */
#define TB_DB_WRITE_BATCH_MAX         512  /* write functions per group commit */
#define TB_DB_STMT_CACHE_MAX          256  /* cached statements per connection */
#define TB_DB_MIGRATION_MAX_BYTES     (4 * 1024 * 1024) /* one migration file */
#define TB_DB_MIGRATIONS_MAX          10000             /* files in a directory */

/* tb_db_step results besides negative tb_err values. */
enum { TB_DB_DONE = 0, TB_DB_ROW = 1 };

enum tb_db_log_level { TB_DB_LOG_INFO, TB_DB_LOG_WARN, TB_DB_LOG_ERROR };

/* Places in the write path where a test can inject a failure. */
enum tb_db_fault {
    TB_DB_FAULT_BEGIN,  /* the batch's BEGIN fails */
    TB_DB_FAULT_COMMIT, /* the batch's COMMIT fails (the writer rolls back instead) */
};

/*
 * Options for tb_db_open; a zeroed struct (or NULL) means the defaults. The
 * library never prints: messages go to log, if set, from whichever thread
 * produced them (the writer thread for write-path failures), possibly from
 * several threads at once.
 */
struct tb_db_options {
    int busy_timeout_ms; /* 0: TB_DB_BUSY_TIMEOUT_MS_DEFAULT */
    int write_batch_max; /* 0: TB_DB_WRITE_BATCH_MAX; 1: one transaction per write
                            (no group commit; the benchmark's baseline only) */
    void (*log)(void *log_ctx, enum tb_db_log_level level, const char *msg);
    void *log_ctx;
    /* Tests only: return true to make the write path fail at point. */
    bool (*fault)(void *fault_ctx, enum tb_db_fault point);
    void *fault_ctx;
};

/* ---- opening and closing ------------------------------------------------ */

/*
 * Opens the database named by url_or_path and starts its writer thread.
 *   "sqlite:PATH" or a plain PATH   SQLite file (created if missing), WAL mode
 *   "postgresql://..." or "postgres://..."  PostgreSQL through libpq (db_pg.c);
 *                                   the rest of the URL as libpq reads it
 * ":memory:" and "" are refused (TB_ERR_INVALID): per-thread read connections
 * need a shared file. opt may be NULL and is copied. On success *out is
 * owned by the caller, who frees it with tb_db_close.
 */
int tb_db_open(const char *url_or_path, const struct tb_db_options *opt, struct tb_db **out);

/*
 * Finishes every queued write, stops the writer thread, then closes all
 * connections and frees db. Call it after every thread that used db has
 * stopped using it (joined, or idle for good). NULL is a no-op.
 */
void tb_db_close(struct tb_db *db);

/* SELECT 1 on the calling thread's read connection (for /readyz). */
int tb_db_ping(struct tb_db *db);

/*
 * Refreshes the query planner's statistics where they are missing or stale,
 * as one write (SQLite: PRAGMA optimize, which analyses a table the write
 * connection has queried when one of its indexes has no statistics or the
 * table grew 25-fold since; seconds at a million cases, usually nothing).
 * For a daily job. A no-op on backends that keep their own statistics.
 */
int tb_db_optimize(struct tb_db *db);

/*
 * Whether this process is the one that runs periodic jobs (deadline sweep,
 * audit checkpoints, notification delivery), asked before each round.
 * SQLite: always (one server per file). PostgreSQL: true while this process
 * holds a session advisory lock on a connection of its own; when that
 * process dies its session ends, the lock is free, and the next server to
 * ask takes over. A failure (database unreachable) leaves *is_leader false.
 */
int tb_db_leader(struct tb_db *db, bool *is_leader);

/*
 * Writes a consistent copy of the database, as of one moment while it is in
 * use, to the new file dest_path (mode 0600), and checks the copy with
 * PRAGMA integrity_check before giving it that name. SQLite only: the copy
 * is made through the online backup API on a read-only connection of its
 * own holding one WAL snapshot, so writers are never held up (db_backup.c
 * says why not the writer's connection). The database alone is not a
 * restorable backup: DATA/keys (master key, audit signing key) and the
 * uploads directory belong with it (docs/operations.md).
 * Returns 0; TB_ERR_CONFLICT when dest_path exists (never overwritten);
 * TB_ERR_INVALID on PostgreSQL (logged: use pg_basebackup or pg_dump) or for
 * an empty or too long path; TB_ERR_IO, TB_ERR_BUSY or TB_ERR_DB when the
 * copy could not be made or failed its check (nothing left at dest_path).
 */
int tb_db_backup(struct tb_db *db, const char *dest_path);

/* ---- connections -------------------------------------------------------- */

/*
 * The calling thread's read-only connection to db, opened on first use.
 * *out is owned by db (closed at thread exit or tb_db_close); use it only on
 * this thread. Inside a write function use the conn passed to it instead:
 * the read connection does not see the uncommitted batch.
 */
int tb_db_read_conn(struct tb_db *db, struct tb_db_conn **out);

/*
 * Runs sql (one or more statements separated by ';', no parameters, rows
 * discarded) on c. For DDL and simple statements; anything run often should
 * be a cached statement instead.
 */
int tb_db_exec(struct tb_db_conn *c, const char *sql);

/*
 * Asks c's engine to keep up to kib KiB of database pages in memory for
 * this connection (bulk loads whose index pages are hit at random).
 * SQLite: PRAGMA cache_size; PostgreSQL: nothing (the server's
 * shared_buffers decide). 0 or a negative tb_err.
 */
int tb_db_cache_hint(struct tb_db_conn *c, int64_t kib);

/* Rows changed by the last INSERT/UPDATE/DELETE on c. */
int64_t tb_db_changes(struct tb_db_conn *c);

/* Rowid / id of the last successful INSERT on c. */
int64_t tb_db_last_insert_id(struct tb_db_conn *c);

/*
 * The database's message for the last failure on c, for logs only (never for
 * HTTP answers). Owned by c, valid until the next call on c; never NULL.
 */
const char *tb_db_errmsg(struct tb_db_conn *c);

/* ---- statements --------------------------------------------------------- */

/*
 * A prepared statement for sql on c, taken from c's cache (keyed by the SQL
 * text) or prepared and cached on first use. sql holds exactly one statement
 * with ?1 ?2 placeholders. The statement is c's: give it back with
 * tb_db_stmt_done, never free it. If the same SQL is still in use on c (not
 * yet done), a second, uncached statement is returned and finalized at done.
 */
int tb_db_prepare(struct tb_db_conn *c, const char *sql, struct tb_db_stmt **out);

/*
 * Binders; idx counts from 1 (?1). Values are copied, so the caller's memory
 * may go right after the call. A failure is also remembered by the statement
 * and returned by the next tb_db_step, so callers may check only the step.
 * len < 0 means text is NUL-terminated. A NULL text or blob binds SQL NULL.
 */
int tb_db_bind_int64(struct tb_db_stmt *s, int idx, int64_t v);
int tb_db_bind_double(struct tb_db_stmt *s, int idx, double v);
int tb_db_bind_text(struct tb_db_stmt *s, int idx, const char *text, ptrdiff_t len);
int tb_db_bind_blob(struct tb_db_stmt *s, int idx, const void *p, size_t len);
int tb_db_bind_null(struct tb_db_stmt *s, int idx);

/* TB_DB_ROW (a row is ready), TB_DB_DONE, or a negative tb_err. */
int tb_db_step(struct tb_db_stmt *s);

/*
 * Columns of the current row; col counts from 0. Text and blob pointers are
 * owned by s and valid until the next step or done. Call column_text or
 * column_blob before column_bytes. column_text of SQL NULL is NULL.
 */
int tb_db_column_count(struct tb_db_stmt *s);
bool tb_db_column_is_null(struct tb_db_stmt *s, int col);
int64_t tb_db_column_int64(struct tb_db_stmt *s, int col);
double tb_db_column_double(struct tb_db_stmt *s, int col);
const char *tb_db_column_text(struct tb_db_stmt *s, int col);
const void *tb_db_column_blob(struct tb_db_stmt *s, int col);
size_t tb_db_column_bytes(struct tb_db_stmt *s, int col);

/*
 * Resets s, clears its bindings and returns it to its connection's cache.
 * Always call it (a read statement left open pins an old snapshot and keeps
 * the WAL from being checkpointed). NULL is a no-op.
 */
void tb_db_stmt_done(struct tb_db_stmt *s);

/* ---- writes ------------------------------------------------------------- */

/*
 * Runs fn(c, ctx) as one atomic write and returns after it is durable.
 * fn runs on the writer thread with the write connection c, inside its own
 * savepoint of a batch transaction; it returns 0 or a negative tb_err. A
 * negative return rolls back fn's work only and is returned to this caller.
 * Returns 0 only when the batch's COMMIT succeeded (durable); TB_ERR_DB when
 * the commit failed (nothing of the batch was acknowledged), TB_ERR_BUSY when
 * the database stayed locked by another process past busy_timeout,
 * TB_ERR_UNAVAILABLE after tb_db_close began.
 *
 * fn must: do database work only (no network, no waiting: it holds up every
 * other writer), use only c and ctx (ctx stays valid: the caller is blocked),
 * finish every statement with tb_db_stmt_done, never BEGIN/COMMIT itself and
 * never call tb_db_write (it would wait for itself; asserted).
 *
 * Checks that decide a write (the state a transition starts from, an
 * If-Match ETag, a uniqueness rule) belong inside fn: fn sees the latest
 * committed state plus the earlier writes of its batch, while anything read
 * before tb_db_write may already be stale.
 */
int tb_db_write(struct tb_db *db, int (*fn)(struct tb_db_conn *c, void *ctx), void *ctx);

/* ---- metrics ------------------------------------------------------------ */

#define TB_DB_BATCH_BUCKETS  11
#define TB_DB_COMMIT_BUCKETS 12

/* Upper bounds ("le") of the histogram buckets; the last is +Inf. */
extern const double tb_db_batch_size_le[TB_DB_BATCH_BUCKETS];
extern const double tb_db_commit_seconds_le[TB_DB_COMMIT_BUCKETS];

/*
 * Write-path counters since tb_db_open. Histogram buckets are cumulative
 * (Prometheus style: bucket[i] counts observations <= le[i], the last bucket
 * is the total count).
 */
struct tb_db_stats {
    uint64_t batches;                                /* batches committed */
    uint64_t batches_failed;                         /* batches whose BEGIN or COMMIT failed */
    uint64_t writes;                                 /* tb_db_write calls that returned 0 */
    uint64_t writes_failed;                          /* tb_db_write calls that returned an error */
    uint64_t queue_depth;                            /* writes waiting for the writer right now */
    uint64_t batch_size_bucket[TB_DB_BATCH_BUCKETS]; /* write functions per committed batch */
    uint64_t batch_size_sum;
    uint64_t commit_seconds_bucket[TB_DB_COMMIT_BUCKETS]; /* duration of each COMMIT */
    double commit_seconds_sum;
};

/* Copies a consistent snapshot of db's counters into *out. */
void tb_db_stats_get(struct tb_db *db, struct tb_db_stats *out);

/* ---- migrations --------------------------------------------------------- */

/*
 * Migration files are named NNNN_name.sql (NNNN: 1-9 digits, the version;
 * name: letters, digits, '_' and '-'). A file may carry a dialect suffix,
 * NNNN_name.sqlite.sql or NNNN_name.pg.sql: it applies only to that backend,
 * while a plain .sql file applies to every backend. A version is either one
 * plain file or at most one file per dialect, never both. Files not ending in
 * ".sql" are ignored; a ".sql" file with any other name is an error.
 *
 * Each pending migration runs in its own transaction together with its row in
 * schema_migrations(version, name, applied_at UTC ms). A file must not
 * contain BEGIN/COMMIT/END/ROLLBACK: such a statement is refused before it
 * runs and the file fails (rolled back). Foreign keys stay on (PRAGMA
 * foreign_keys is a no-op inside a transaction); a table rebuild uses
 * PRAGMA defer_foreign_keys = ON, and the COMMIT checks the result.
 */
struct tb_db_migration {
    int64_t version;
    const char *name;
    const char *sql;
};

/* What tb_db_migrate did; which migration failed and why. */
struct tb_db_migrate_report {
    int applied;            /* migrations applied by this call */
    int64_t failed_version; /* 0 when nothing failed */
    char failed_name[256];  /* file name (or migration name) that failed */
    char message[512];      /* the reason, with the line in the file when known */
};

/*
 * Applies the pending migrations of dir in version order. Already applied
 * ones are skipped, so running it again is a no-op. Refuses (TB_ERR_INVALID,
 * nothing applied) duplicate versions, badly named .sql files, and a pending
 * version lower than one already applied. A failing file is rolled back
 * entirely (the database is as before that file) and gives TB_ERR_DB; the
 * files before it stay applied. report may be NULL; failures are also logged.
 */
int tb_db_migrate(struct tb_db *db, const char *dir, struct tb_db_migrate_report *report);

/*
 * The same from an array (tests, migrations embedded in the binary); list
 * need not be sorted and is not kept. A name ending in ".sql" is read as a
 * file name: "0002_x.pg.sql" must have version 2, is skipped on SQLite, and
 * is recorded as "x", exactly as tb_db_migrate would. Other names ("x") are
 * plain migrations recorded as given.
 */
int tb_db_migrate_from_list(struct tb_db *db, const struct tb_db_migration *list, size_t n,
                            struct tb_db_migrate_report *report);

#endif
