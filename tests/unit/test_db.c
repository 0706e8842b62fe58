/*
 * test_db.c - the db layer: statements and their cache, per-thread read
 * connections, group commit (isolation of a failing write, commit failure,
 * concurrency, durability) and migrations.
 *
 * Each test gets a fresh directory under /tmp (mkdtemp) holding its
 * database; migration fixtures live in tests/unit/fixtures/migrations_*.
 * Tests that need several writes in one batch hold the writer with a "gate"
 * write, queue the others behind it (watching stats.queue_depth), then open
 * the gate, so the batch composition is deterministic.
 */
#include "lib/db.h"
#include "lib/err.h"

#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#ifndef TB_SOURCE_DIR
#define TB_SOURCE_DIR "."
#endif
#define FIXTURES TB_SOURCE_DIR "/tests/unit/fixtures"

struct env {
    char dir[64];
    char path[128];
};

/* ---- helpers ------------------------------------------------------------ */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    struct env *e = calloc(1, sizeof(*e));
    assert_non_null(e);
    snprintf(e->dir, sizeof(e->dir), "/tmp/tb_test_db.XXXXXX");
    assert_non_null(mkdtemp(e->dir));
    snprintf(e->path, sizeof(e->path), "%s/t.db", e->dir);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct env *e = *state;
    nftw(e->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(e);
    return 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static struct tb_db *open_db(const struct env *e)
{
    struct tb_db *db = NULL;
    assert_int_equal(tb_db_open(e->path, NULL, &db), 0);
    return db;
}

/* The single int64 of sql run on this thread's read connection. */
static int64_t read_int(struct tb_db *db, const char *sql)
{
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    int64_t v;
    assert_int_equal(tb_db_read_conn(db, &c), 0);
    assert_int_equal(tb_db_prepare(c, sql, &s), 0);
    assert_int_equal(tb_db_step(s), TB_DB_ROW);
    v = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    return v;
}

static int exec_fn(struct tb_db_conn *c, void *ctx)
{
    return tb_db_exec(c, ctx);
}

static void create_rows_table(struct tb_db *db)
{
    assert_int_equal(tb_db_write(db, exec_fn,
                                 "CREATE TABLE rows (id INTEGER PRIMARY KEY, thread INTEGER NOT "
                                 "NULL, seq INTEGER NOT NULL, body TEXT) STRICT"),
                     0);
}

/* A write: insert (thread, seq); fail afterwards when asked. */
struct row_write {
    int64_t thread, seq;
    int fail_with; /* 0, or the error fn returns after inserting */
    int result;
};

static const char SQL_INSERT_ROW[] = "INSERT INTO rows (thread, seq, body) VALUES (?1, ?2, ?3)";

static int insert_row_fn(struct tb_db_conn *c, void *ctx)
{
    struct row_write *w = ctx;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, SQL_INSERT_ROW, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, w->thread);
    tb_db_bind_int64(s, 2, w->seq);
    tb_db_bind_text(s, 3, "正文 body", -1);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    return w->fail_with;
}

static int64_t count_rows(struct tb_db *db, int64_t thread)
{
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    int64_t n;
    assert_int_equal(tb_db_read_conn(db, &c), 0);
    assert_int_equal(tb_db_prepare(c, "SELECT count(*) FROM rows WHERE thread = ?1", &s), 0);
    tb_db_bind_int64(s, 1, thread);
    assert_int_equal(tb_db_step(s), TB_DB_ROW);
    n = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    return n;
}

/* ---- the gate: hold the writer while a batch queues up ----------------- */

struct gate {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool is_entered, is_open;
};

static int gate_fn(struct tb_db_conn *c, void *ctx)
{
    struct gate *g = ctx;
    (void)c;
    pthread_mutex_lock(&g->lock);
    g->is_entered = true;
    pthread_cond_broadcast(&g->cond);
    while (!g->is_open)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
    return 0;
}

struct gate_run {
    struct tb_db *db;
    struct gate gate;
    pthread_t thread;
};

static void *gate_thread(void *arg)
{
    struct gate_run *g = arg;
    assert_int_equal(tb_db_write(g->db, gate_fn, &g->gate), 0);
    return NULL;
}

/* Starts a write that blocks the writer until gate_open. */
static void gate_close(struct gate_run *g, struct tb_db *db)
{
    memset(g, 0, sizeof(*g));
    g->db = db;
    pthread_mutex_init(&g->gate.lock, NULL);
    pthread_cond_init(&g->gate.cond, NULL);
    assert_int_equal(pthread_create(&g->thread, NULL, gate_thread, g), 0);
    pthread_mutex_lock(&g->gate.lock);
    while (!g->gate.is_entered)
        pthread_cond_wait(&g->gate.cond, &g->gate.lock);
    pthread_mutex_unlock(&g->gate.lock);
}

static void wait_queue_depth(struct tb_db *db, uint64_t n)
{
    struct tb_db_stats st;
    for (int i = 0; i < 10000; i++) {
        tb_db_stats_get(db, &st);
        if (st.queue_depth == n)
            return;
        sleep_ms(1);
    }
    fail_msg("queue never reached %llu writes", (unsigned long long)n);
}

static void gate_open(struct gate_run *g)
{
    pthread_mutex_lock(&g->gate.lock);
    g->gate.is_open = true;
    pthread_cond_broadcast(&g->gate.cond);
    pthread_mutex_unlock(&g->gate.lock);
    pthread_join(g->thread, NULL);
    pthread_cond_destroy(&g->gate.cond);
    pthread_mutex_destroy(&g->gate.lock);
}

/* Runs one tb_db_write(fn, w) per thread. */
struct writer_arg {
    struct tb_db *db;
    int (*fn)(struct tb_db_conn *, void *);
    struct row_write *w;
    pthread_t thread;
};

static void *one_write_thread(void *arg)
{
    struct writer_arg *a = arg;
    a->w->result = tb_db_write(a->db, a->fn, a->w);
    return NULL;
}

/*
 * Queues n writes behind a gate so they run as one batch; returns when all
 * have finished.
 */
static void run_as_one_batch(struct tb_db *db, int (*fn)(struct tb_db_conn *, void *),
                             struct row_write *w, int n)
{
    struct gate_run g;
    struct writer_arg *args = calloc((size_t)n, sizeof(*args));
    assert_non_null(args);
    gate_close(&g, db);
    for (int i = 0; i < n; i++) {
        args[i] = (struct writer_arg){.db = db, .fn = fn, .w = &w[i]};
        assert_int_equal(pthread_create(&args[i].thread, NULL, one_write_thread, &args[i]), 0);
        wait_queue_depth(db, (uint64_t)i + 1); /* keeps the queue in index order */
    }
    gate_open(&g);
    for (int i = 0; i < n; i++)
        pthread_join(args[i].thread, NULL);
    free(args);
}

/* ---- opening ------------------------------------------------------------ */

static void test_open_refuses(void **state)
{
    struct env *e = *state;
    struct tb_db *db = (struct tb_db *)1;
    char missing[160];
    static const char *const bad[] = {"postgresql://", "mysql://x", ":memory:", "", "sqlite:"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(tb_db_open(bad[i], NULL, &db), TB_ERR_INVALID);
        assert_null(db);
    }
    snprintf(missing, sizeof(missing), "%s/no/such/dir/x.db", e->dir);
    assert_int_equal(tb_db_open(missing, NULL, &db), TB_ERR_DB);
    assert_null(db);
    /* PostgreSQL that is not there (nothing listens on port 1) */
    assert_int_equal(tb_db_open("postgresql://u@127.0.0.1:1/x?connect_timeout=2", NULL, &db),
                     TB_ERR_UNAVAILABLE);
    assert_null(db);
    assert_int_equal(tb_db_open("postgres://u@127.0.0.1:1/x?connect_timeout=2", NULL, &db),
                     TB_ERR_UNAVAILABLE);
    assert_null(db);
    tb_db_close(NULL);
}

static void test_open_sqlite_url_and_ping(void **state)
{
    struct env *e = *state;
    struct tb_db *db = NULL;
    char url[160];
    snprintf(url, sizeof(url), "sqlite:%s", e->path);
    assert_int_equal(tb_db_open(url, NULL, &db), 0);
    assert_int_equal(tb_db_ping(db), 0);
    assert_int_equal(read_int(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(read_int(db, "PRAGMA synchronous"), 2); /* FULL */
    tb_db_close(db);
    assert_int_equal(access(e->path, F_OK), 0);
}

/* ---- statements --------------------------------------------------------- */

static int64_t person_count(struct tb_db *db)
{
    return read_int(db, "SELECT count(*) FROM person");
}

struct person {
    const char *name;
    int64_t id; /* out */
};

static int add_person_fn(struct tb_db_conn *c, void *ctx)
{
    struct person *p = ctx;
    struct tb_db_stmt *s;
    int rc =
        tb_db_prepare(c, "INSERT INTO person (name, created_at) VALUES (?1, ?2) RETURNING id", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, p->name, -1);
    tb_db_bind_int64(s, 2, 1700000000000);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW)
        p->id = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    assert_int_equal(tb_db_last_insert_id(c), p->id);
    assert_int_equal(tb_db_changes(c), 1);
    return 0;
}

static void test_roundtrip(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    struct tb_db_migrate_report rep;
    struct person p = {.name = "李四"};
    struct tb_db_conn *c;
    struct tb_db_stmt *s;

    assert_int_equal(tb_db_migrate(db, FIXTURES "/migrations_ok", &rep), 0);
    assert_int_equal(rep.applied, 3);
    assert_int_equal(person_count(db), 1); /* inserted by 0002 */
    assert_int_equal(tb_db_write(db, add_person_fn, &p), 0);
    assert_true(p.id > 1);

    assert_int_equal(tb_db_read_conn(db, &c), 0);
    assert_int_equal(tb_db_prepare(c,
                                   "SELECT name, created_at, NULL, 2.5, x'00ff' FROM person "
                                   "WHERE id = ?1",
                                   &s),
                     0);
    assert_int_equal(tb_db_bind_int64(s, 1, p.id), 0);
    assert_int_equal(tb_db_step(s), TB_DB_ROW);
    assert_int_equal(tb_db_column_count(s), 5);
    assert_string_equal(tb_db_column_text(s, 0), "李四");
    assert_int_equal(tb_db_column_bytes(s, 0), strlen("李四"));
    assert_int_equal(tb_db_column_int64(s, 1), 1700000000000);
    assert_true(tb_db_column_is_null(s, 2));
    assert_null(tb_db_column_text(s, 2));
    assert_true(tb_db_column_double(s, 3) == 2.5);
    assert_memory_equal(tb_db_column_blob(s, 4), "\x00\xff", 2);
    assert_int_equal(tb_db_column_bytes(s, 4), 2);
    assert_int_equal(tb_db_step(s), TB_DB_DONE);
    tb_db_stmt_done(s);
    tb_db_close(db);
}

static void test_stmt_cache(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    struct tb_db_conn *c;
    struct tb_db_stmt *a, *b, *busy;
    static const char sql[] = "SELECT ?1 + 1";
    char copy[sizeof(sql)];

    assert_int_equal(tb_db_read_conn(db, &c), 0);
    assert_int_equal(tb_db_prepare(c, sql, &a), 0);
    assert_int_equal(tb_db_bind_int64(a, 1, 41), 0);
    assert_int_equal(tb_db_step(a), TB_DB_ROW);
    assert_int_equal(tb_db_column_int64(a, 0), 42);

    /* Same SQL while a is in use: a separate, uncached statement. */
    assert_int_equal(tb_db_prepare(c, sql, &busy), 0);
    assert_ptr_not_equal(busy, a);
    tb_db_stmt_done(busy);
    tb_db_stmt_done(a);

    /* Same text from another buffer: the cached one, reset, bindings cleared. */
    memcpy(copy, sql, sizeof(sql));
    assert_int_equal(tb_db_prepare(c, copy, &b), 0);
    assert_ptr_equal(b, a);
    assert_int_equal(tb_db_step(b), TB_DB_ROW);
    assert_true(tb_db_column_is_null(b, 0)); /* NULL + 1 */
    tb_db_stmt_done(b);
    assert_int_equal(tb_db_prepare(c, sql, &b), 0);
    assert_ptr_equal(b, a);
    assert_int_equal(tb_db_bind_int64(b, 1, 1), 0);
    assert_int_equal(tb_db_step(b), TB_DB_ROW);
    assert_int_equal(tb_db_column_int64(b, 0), 2);
    tb_db_stmt_done(b);

    /* Another SQL text: another statement. */
    assert_int_equal(tb_db_prepare(c, "SELECT ?1 + 2", &b), 0);
    assert_ptr_not_equal(b, a);
    tb_db_stmt_done(b);
    tb_db_close(db);
}

static void test_stmt_errors(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    struct tb_db_conn *c;
    struct tb_db_stmt *s = (struct tb_db_stmt *)1;

    assert_int_equal(tb_db_read_conn(db, &c), 0);
    assert_int_equal(tb_db_prepare(c, "SELEC 1", &s), TB_ERR_DB);
    assert_null(s);
    assert_non_null(strstr(tb_db_errmsg(c), "syntax error"));
    assert_int_equal(tb_db_prepare(c, "SELECT 1; SELECT 2", &s), TB_ERR_INVALID);
    assert_int_equal(tb_db_prepare(c, "  ", &s), TB_ERR_INVALID);
    assert_int_equal(tb_db_prepare(c, "SELECT 1;  -- fine\n", &s), 0);
    tb_db_stmt_done(s);
    /* Double-quoted strings are identifiers, as in PostgreSQL. */
    assert_int_equal(tb_db_prepare(c, "SELECT \"not a string\"", &s), TB_ERR_DB);

    /* A bind error is remembered and returned by step. */
    assert_int_equal(tb_db_prepare(c, "SELECT ?1", &s), 0);
    assert_int_equal(tb_db_bind_int64(s, 2, 1), TB_ERR_INTERNAL);
    assert_int_equal(tb_db_step(s), TB_ERR_INTERNAL);
    tb_db_stmt_done(s);
    assert_int_equal(tb_db_prepare(c, "SELECT ?1", &s), 0); /* the error was cleared */
    assert_int_equal(tb_db_step(s), TB_DB_ROW);
    tb_db_stmt_done(s);
    tb_db_stmt_done(NULL);

    /* Read connections are read-only. */
    assert_int_equal(tb_db_exec(c, "CREATE TABLE nope (x INTEGER) STRICT"), TB_ERR_DB);
    tb_db_close(db);
}

/* Constraint errors map to tb_err values feature code can answer with. */
static int insert_values_fn(struct tb_db_conn *c, void *ctx)
{
    return tb_db_exec(c, ctx);
}

static void test_constraint_errors(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    assert_int_equal(tb_db_write(db, exec_fn,
                                 "CREATE TABLE k (id INTEGER PRIMARY KEY, code TEXT NOT NULL "
                                 "UNIQUE, n INTEGER CHECK (n > 0)) STRICT;"
                                 "INSERT INTO k (code, n) VALUES ('a', 1)"),
                     0);
    assert_int_equal(tb_db_write(db, insert_values_fn, "INSERT INTO k (code, n) VALUES ('a', 2)"),
                     TB_ERR_CONFLICT);
    assert_int_equal(tb_db_write(db, insert_values_fn, "INSERT INTO k (code, n) VALUES ('b', 0)"),
                     TB_ERR_INVALID);
    assert_int_equal(
        tb_db_write(db, insert_values_fn, "INSERT INTO k (code, n) VALUES ('c', 'three')"),
        TB_ERR_INVALID);
    assert_int_equal(tb_db_write(db, insert_values_fn, "INSERT INTO k (code, n) VALUES (NULL, 1)"),
                     TB_ERR_INVALID);
    assert_int_equal(read_int(db, "SELECT count(*) FROM k"), 1);
    tb_db_close(db);
}

/* ---- writes ------------------------------------------------------------- */

#define N_THREADS         16
#define WRITES_PER_THREAD 200

struct thread_arg {
    struct tb_db *db;
    int64_t id;
    int failures;
    pthread_t thread;
};

static void *many_writes_thread(void *arg)
{
    struct thread_arg *a = arg;
    for (int i = 0; i < WRITES_PER_THREAD; i++) {
        struct row_write w = {.thread = a->id, .seq = i};
        if (tb_db_write(a->db, insert_row_fn, &w) != 0)
            a->failures++;
    }
    return NULL;
}

static void test_concurrent_writes(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    struct thread_arg args[N_THREADS];
    struct tb_db_stats before, after;

    create_rows_table(db);
    tb_db_stats_get(db, &before);
    for (int i = 0; i < N_THREADS; i++) {
        args[i] = (struct thread_arg){.db = db, .id = i + 1};
        assert_int_equal(pthread_create(&args[i].thread, NULL, many_writes_thread, &args[i]), 0);
    }
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(args[i].thread, NULL);
        assert_int_equal(args[i].failures, 0);
    }
    tb_db_stats_get(db, &after);

    assert_int_equal(read_int(db, "SELECT count(*) FROM rows"), N_THREADS * WRITES_PER_THREAD);
    for (int i = 0; i < N_THREADS; i++)
        assert_int_equal(count_rows(db, i + 1), WRITES_PER_THREAD);
    assert_int_equal(after.writes - before.writes, N_THREADS * WRITES_PER_THREAD);
    assert_int_equal(after.writes_failed, 0);
    assert_int_equal(after.queue_depth, 0);
    /* Group commit happened: fewer commits than writes, some batch > 1. */
    uint64_t batches = after.batches - before.batches;
    assert_true(batches < N_THREADS * WRITES_PER_THREAD);
    assert_true(after.batch_size_bucket[0] < after.batches);
    assert_int_equal(after.batch_size_bucket[TB_DB_BATCH_BUCKETS - 1], after.batches);
    assert_int_equal(after.commit_seconds_bucket[TB_DB_COMMIT_BUCKETS - 1], after.batches);
    assert_int_equal(after.batch_size_sum, after.writes);
    assert_true(after.commit_seconds_sum > 0);
    print_message("    %d writes in %llu batches (mean %.1f)\n", N_THREADS * WRITES_PER_THREAD,
                  (unsigned long long)batches, (double)(N_THREADS * WRITES_PER_THREAD) / batches);
    tb_db_close(db);
}

#define N_BATCH 8

static void test_failing_write_is_isolated(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    struct row_write w[N_BATCH];
    struct tb_db_stats before, after;

    create_rows_table(db);
    for (int i = 0; i < N_BATCH; i++)
        w[i] = (struct row_write){
            .thread = i, .seq = 0, .fail_with = i % 3 == 1 ? TB_ERR_CONFLICT : 0};
    tb_db_stats_get(db, &before);
    run_as_one_batch(db, insert_row_fn, w, N_BATCH);
    tb_db_stats_get(db, &after);

    assert_int_equal(after.batches - before.batches, 2); /* the gate's, then ours */
    /* ours had N_BATCH writes: in the (4, 8] bucket */
    assert_int_equal((after.batch_size_bucket[3] - after.batch_size_bucket[2]) -
                         (before.batch_size_bucket[3] - before.batch_size_bucket[2]),
                     1);
    for (int i = 0; i < N_BATCH; i++) {
        bool is_failing = i % 3 == 1;
        assert_int_equal(w[i].result, is_failing ? TB_ERR_CONFLICT : 0);
        assert_int_equal(count_rows(db, i), is_failing ? 0 : 1);
    }
    assert_int_equal(after.writes_failed - before.writes_failed, 3);
    tb_db_close(db);
}

/* A deferred foreign key violation would fail the shared COMMIT: it is
 * charged to the write that caused it. */
static int deferred_fk_fn(struct tb_db_conn *c, void *ctx)
{
    struct row_write *w = ctx;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "INSERT INTO child (parent_id) VALUES (?1)", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, w->seq);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static void test_deferred_fk_is_isolated(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    struct row_write w[4] = {{.seq = 1}, {.seq = 99}, {.seq = 1}, {.seq = 2}};

    assert_int_equal(tb_db_write(db, exec_fn,
                                 "CREATE TABLE parent (id INTEGER PRIMARY KEY) STRICT;"
                                 "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER "
                                 "REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED) STRICT;"
                                 "INSERT INTO parent (id) VALUES (1), (2)"),
                     0);
    run_as_one_batch(db, deferred_fk_fn, w, 4);
    assert_int_equal(w[0].result, 0);
    assert_int_equal(w[1].result, TB_ERR_CONFLICT);
    assert_int_equal(w[2].result, 0);
    assert_int_equal(w[3].result, 0);
    assert_int_equal(read_int(db, "SELECT count(*) FROM child"), 3);
    assert_int_equal(read_int(db, "SELECT count(*) FROM child WHERE parent_id = 99"), 0);
    tb_db_close(db);
}

/* Fault injection: the Nth BEGIN or COMMIT from now fails (0: none). */
static atomic_int fault_countdown;
static enum tb_db_fault fault_point;

static bool fault_nth(void *ctx, enum tb_db_fault point)
{
    (void)ctx;
    if (point != fault_point || atomic_load(&fault_countdown) <= 0)
        return false;
    return atomic_fetch_sub(&fault_countdown, 1) == 1;
}

static void test_commit_failure_fails_whole_batch(void **state)
{
    struct env *e = *state;
    struct tb_db_options opt = {.fault = fault_nth};
    struct tb_db *db = NULL;
    struct row_write w[4];
    struct row_write later = {.thread = 100};
    struct tb_db_stats st;

    assert_int_equal(tb_db_open(e->path, &opt, &db), 0);
    create_rows_table(db);
    for (int i = 0; i < 4; i++)
        w[i] = (struct row_write){.thread = i, .fail_with = i == 2 ? TB_ERR_INVALID : 0};
    fault_point = TB_DB_FAULT_COMMIT;
    atomic_store(&fault_countdown, 2); /* the gate's batch commits, ours does not */
    run_as_one_batch(db, insert_row_fn, w, 4);
    assert_int_equal(atomic_load(&fault_countdown), 0);
    for (int i = 0; i < 4; i++) {
        /* the failing write keeps its own error; the others were not durable */
        assert_int_equal(w[i].result, i == 2 ? TB_ERR_INVALID : TB_ERR_DB);
        assert_int_equal(count_rows(db, i), 0);
    }
    tb_db_stats_get(db, &st);
    assert_int_equal(st.batches_failed, 1);
    assert_int_equal(st.writes_failed, 4);
    /* The writer recovers. */
    assert_int_equal(tb_db_write(db, insert_row_fn, &later), 0);
    assert_int_equal(count_rows(db, 100), 1);
    tb_db_close(db);
}

static void test_begin_failure(void **state)
{
    struct env *e = *state;
    struct tb_db_options opt = {.fault = fault_nth};
    struct tb_db *db = NULL;
    struct row_write w = {.thread = 1};

    assert_int_equal(tb_db_open(e->path, &opt, &db), 0);
    create_rows_table(db);
    fault_point = TB_DB_FAULT_BEGIN;
    atomic_store(&fault_countdown, 1);
    assert_int_equal(tb_db_write(db, insert_row_fn, &w), TB_ERR_DB);
    assert_int_equal(count_rows(db, 1), 0);
    assert_int_equal(tb_db_write(db, insert_row_fn, &w), 0);
    assert_int_equal(count_rows(db, 1), 1);
    tb_db_close(db);
}

/* A write function that forgets tb_db_stmt_done does not wedge the writer. */
static int forgetful_fn(struct tb_db_conn *c, void *ctx)
{
    struct tb_db_stmt *s;
    (void)ctx;
    int rc = tb_db_prepare(c, "SELECT id FROM rows", &s);
    if (rc == 0)
        rc = tb_db_step(s);
    return rc < 0 ? rc : 0;
}

static void test_forgotten_stmt(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    struct row_write w = {.thread = 7};
    create_rows_table(db);
    assert_int_equal(tb_db_write(db, insert_row_fn, &w), 0);
    assert_int_equal(tb_db_write(db, forgetful_fn, NULL), 0);
    assert_int_equal(tb_db_write(db, forgetful_fn, NULL), 0);
    assert_int_equal(tb_db_write(db, insert_row_fn, &w), 0);
    assert_int_equal(count_rows(db, 7), 2);
    tb_db_close(db);
}

/* ---- reads -------------------------------------------------------------- */

struct reader {
    struct tb_db *db;
    int64_t seen;
    struct tb_db_conn *conn;
};

static void *reader_thread(void *arg)
{
    struct reader *r = arg;
    assert_int_equal(tb_db_read_conn(r->db, &r->conn), 0);
    r->seen = count_rows(r->db, 5);
    return NULL;
}

static void test_reads_see_commits(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    struct row_write w = {.thread = 5};
    struct tb_db_conn *mine, *again;
    struct reader r = {.db = db};
    pthread_t t;

    create_rows_table(db);
    assert_int_equal(tb_db_read_conn(db, &mine), 0);
    assert_int_equal(tb_db_read_conn(db, &again), 0);
    assert_ptr_equal(mine, again);
    assert_int_equal(count_rows(db, 5), 0); /* this connection has read before */
    assert_int_equal(tb_db_write(db, insert_row_fn, &w), 0);
    assert_int_equal(count_rows(db, 5), 1);

    assert_int_equal(pthread_create(&t, NULL, reader_thread, &r), 0);
    pthread_join(t, NULL);
    assert_int_equal(r.seen, 1);
    assert_ptr_not_equal(r.conn, mine); /* its own, closed when it exited */

    assert_int_equal(tb_db_write(db, insert_row_fn, &w), 0);
    assert_int_equal(pthread_create(&t, NULL, reader_thread, &r), 0);
    pthread_join(t, NULL);
    assert_int_equal(r.seen, 2);
    tb_db_close(db);
}

/* Threads that are still alive at tb_db_close: their connections are freed too. */
struct lingering {
    struct tb_db *db;
    pthread_barrier_t *read_done, *closed;
};

static void *lingering_thread(void *arg)
{
    struct lingering *l = arg;
    struct tb_db_conn *c;
    assert_int_equal(tb_db_read_conn(l->db, &c), 0);
    assert_int_equal(tb_db_ping(l->db), 0);
    pthread_barrier_wait(l->read_done);
    pthread_barrier_wait(l->closed); /* exits after the db is gone */
    return NULL;
}

static void test_close_frees_live_readers(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    pthread_barrier_t read_done, closed;
    struct lingering l = {.db = db, .read_done = &read_done, .closed = &closed};
    pthread_t t[4];

    pthread_barrier_init(&read_done, NULL, 5);
    pthread_barrier_init(&closed, NULL, 5);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, lingering_thread, &l), 0);
    pthread_barrier_wait(&read_done);
    tb_db_close(db); /* ASan reports a leak if a connection stayed open */
    pthread_barrier_wait(&closed);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&read_done);
    pthread_barrier_destroy(&closed);
}

/* ---- durability ---------------------------------------------------------- */

static void test_ack_visible_from_other_handle(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    struct tb_db *other = NULL;
    struct row_write w = {.thread = 9};

    create_rows_table(db);
    assert_int_equal(tb_db_open(e->path, NULL, &other), 0);
    for (int i = 0; i < 10; i++) {
        w.seq = i;
        assert_int_equal(tb_db_write(db, insert_row_fn, &w), 0);
        assert_int_equal(count_rows(other, 9), i + 1);
    }
    tb_db_close(other);
    tb_db_close(db);
}

/*
 * A child process writes and reports each acknowledged write through a pipe;
 * the parent kills it with SIGKILL mid-stream. Every acknowledged row must be
 * in the file. (A process crash, not a power cut: that part is fsync's, set by
 * synchronous=FULL and checked in test_open_sqlite_url_and_ping.)
 */
static void child_writer(const char *path, int fd)
{
    struct tb_db *db = NULL;
    if (tb_db_open(path, NULL, &db) != 0)
        _exit(2);
    for (int64_t i = 0;; i++) {
        struct row_write w = {.thread = 42, .seq = i};
        if (tb_db_write(db, insert_row_fn, &w) != 0)
            _exit(3);
        if (write(fd, &i, sizeof(i)) != (ssize_t)sizeof(i))
            _exit(4);
    }
}

static void test_ack_survives_kill(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    int fds[2];
    int64_t last = -1, v;
    pid_t pid;
    int status;

    create_rows_table(db);
    tb_db_close(db);
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        child_writer(e->path, fds[1]);
    }
    close(fds[1]);
    while (last < 50 && read(fds[0], &v, sizeof(v)) == (ssize_t)sizeof(v))
        last = v;
    kill(pid, SIGKILL);
    while (read(fds[0], &v, sizeof(v)) == (ssize_t)sizeof(v))
        last = v; /* acks written before the kill */
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));

    db = open_db(e);
    assert_true(last >= 50);
    assert_true(count_rows(db, 42) >= last + 1);
    assert_int_equal(read_int(db, "SELECT count(*) FROM rows WHERE thread = 42 AND seq <= 50"), 51);
    tb_db_close(db);
}

/* ---- migrations --------------------------------------------------------- */

static void test_migrations_ordered_recorded_idempotent(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    struct tb_db_migrate_report rep;
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    static const struct {
        int64_t version;
        const char *name;
    } want[] = {{1, "init"}, {2, "items"}, {3, "index"}};
    size_t i = 0;

    assert_int_equal(tb_db_migrate(db, FIXTURES "/migrations_ok", &rep), 0);
    assert_int_equal(rep.applied, 3);
    assert_int_equal(rep.failed_version, 0);

    assert_int_equal(tb_db_read_conn(db, &c), 0);
    assert_int_equal(tb_db_prepare(c,
                                   "SELECT version, name, applied_at FROM schema_migrations "
                                   "ORDER BY applied_at, version",
                                   &s),
                     0);
    while (tb_db_step(s) == TB_DB_ROW) {
        assert_true(i < 3);
        assert_int_equal(tb_db_column_int64(s, 0), want[i].version);
        assert_string_equal(tb_db_column_text(s, 1), want[i].name);
        assert_true(tb_db_column_int64(s, 2) > 1700000000000); /* UTC ms */
        i++;
    }
    tb_db_stmt_done(s);
    assert_int_equal(i, 3);
    /* the .sqlite.sql file ran, the .pg.sql one did not (it would not parse) */
    assert_int_equal(read_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'item_person'"),
                     1);

    assert_int_equal(tb_db_migrate(db, FIXTURES "/migrations_ok", &rep), 0);
    assert_int_equal(rep.applied, 0);
    assert_int_equal(read_int(db, "SELECT count(*) FROM schema_migrations"), 3);
    assert_int_equal(person_count(db), 1);
    tb_db_close(db);
}

struct log_capture {
    char last_error[768];
    int n_errors;
};

static void capture_log(void *ctx, enum tb_db_log_level level, const char *msg)
{
    struct log_capture *lc = ctx;
    if (level != TB_DB_LOG_ERROR)
        return;
    lc->n_errors++;
    snprintf(lc->last_error, sizeof(lc->last_error), "%s", msg);
}

static int64_t table_exists(struct tb_db *db, const char *name)
{
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    int64_t n;
    assert_int_equal(tb_db_read_conn(db, &c), 0);
    assert_int_equal(
        tb_db_prepare(c, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                      &s),
        0);
    tb_db_bind_text(s, 1, name, -1);
    assert_int_equal(tb_db_step(s), TB_DB_ROW);
    n = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    return n;
}

static void test_migration_failure_leaves_no_trace(void **state)
{
    struct env *e = *state;
    struct log_capture lc = {0};
    struct tb_db_options opt = {.log = capture_log, .log_ctx = &lc};
    struct tb_db_migrate_report rep;
    struct tb_db *db = NULL;

    assert_int_equal(tb_db_open(e->path, &opt, &db), 0);
    assert_int_equal(tb_db_migrate(db, FIXTURES "/migrations_broken", &rep), TB_ERR_DB);
    assert_int_equal(rep.applied, 1);
    assert_int_equal(rep.failed_version, 2);
    assert_string_equal(rep.failed_name, "0002_broken.sql");
    assert_non_null(strstr(rep.message, "line 2"));
    assert_non_null(strstr(lc.last_error, "0002_broken.sql"));

    assert_int_equal(table_exists(db, "first"), 1);
    assert_int_equal(table_exists(db, "second"), 0); /* the file's 1st statement: rolled back */
    assert_int_equal(table_exists(db, "fourth"), 0); /* nothing after the failure */
    assert_int_equal(read_int(db, "SELECT count(*) FROM schema_migrations"), 1);
    assert_int_equal(read_int(db, "SELECT max(version) FROM schema_migrations"), 1);

    /* Again: same failure, nothing more applied, the writer still works. */
    assert_int_equal(tb_db_migrate(db, FIXTURES "/migrations_broken", NULL), TB_ERR_DB);
    assert_int_equal(read_int(db, "SELECT count(*) FROM schema_migrations"), 1);
    create_rows_table(db);
    tb_db_close(db);
}

static void test_migration_duplicates_refused(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    struct tb_db_migrate_report rep;

    assert_int_equal(tb_db_migrate(db, FIXTURES "/migrations_dup", &rep), TB_ERR_INVALID);
    assert_int_equal(rep.applied, 0);
    assert_int_equal(rep.failed_version, 1);
    assert_int_equal(table_exists(db, "a"), 0);
    assert_int_equal(table_exists(db, "b"), 0);
    tb_db_close(db);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    fclose(f);
}

/* Directory contents that tb_db_migrate must refuse, one case a row. */
static const struct {
    const char *files[3]; /* names; each file holds a harmless CREATE TABLE */
    int want;
} bad_dirs[] = {
    {{"1_a.sql", "001_b.sql"}, TB_ERR_INVALID},            /* same number, other spelling */
    {{"0001_a.sql", "0001_a.sqlite.sql"}, TB_ERR_INVALID}, /* plain and dialect */
    {{"0001_a.pg.sql", "0001_b.pg.sql"}, TB_ERR_INVALID},  /* same dialect twice */
    {{"init.sql"}, TB_ERR_INVALID},
    {{"0001-init.sql"}, TB_ERR_INVALID},
    {{"0001_.sql"}, TB_ERR_INVALID},
    {{"0001_a.mysql.sql"}, TB_ERR_INVALID},
    {{"0001_a.b.sql"}, TB_ERR_INVALID},
    {{"0000_zero.sql"}, TB_ERR_INVALID},
    {{"1234567890_big.sql"}, TB_ERR_INVALID},
};

static void test_migration_bad_names(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    char dir[128];

    for (size_t i = 0; i < sizeof(bad_dirs) / sizeof(bad_dirs[0]); i++) {
        struct tb_db_migrate_report rep;
        snprintf(dir, sizeof(dir), "%s/bad%zu", e->dir, i);
        assert_int_equal(mkdir(dir, 0700), 0);
        for (size_t f = 0; f < 3 && bad_dirs[i].files[f]; f++)
            write_file(dir, bad_dirs[i].files[f], "CREATE TABLE t (x INTEGER) STRICT;");
        assert_int_equal(tb_db_migrate(db, dir, &rep), bad_dirs[i].want);
        assert_int_equal(rep.applied, 0);
        assert_true(rep.failed_name[0] != '\0');
    }
    assert_int_equal(table_exists(db, "t"), 0);
    snprintf(dir, sizeof(dir), "%s/missing", e->dir);
    assert_int_equal(tb_db_migrate(db, dir, NULL), TB_ERR_IO);
    tb_db_close(db);
}

static void test_migration_list_rules(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    struct tb_db_migrate_report rep;
    const struct tb_db_migration first[] = {
        {3, "c", "CREATE TABLE c (x INTEGER) STRICT"},
        {1, "a", "CREATE TABLE a (x INTEGER) STRICT"},
    };
    const struct tb_db_migration late[] = {
        {1, "a", "CREATE TABLE a (x INTEGER) STRICT"},
        {2, "b", "CREATE TABLE b (x INTEGER) STRICT"},
        {3, "c", "CREATE TABLE c (x INTEGER) STRICT"},
    };
    const struct tb_db_migration txn[] = {
        {4, "txn", "CREATE TABLE d (x INTEGER) STRICT;\n/* sneaky */ COMMIT;\n"},
    };
    const struct tb_db_migration trigger[] = {
        {4, "trigger",
         "CREATE TABLE e (x INTEGER) STRICT;\n"
         "CREATE TRIGGER e_ins AFTER INSERT ON e BEGIN SELECT 1; END;\n"},
    };

    assert_int_equal(tb_db_migrate_from_list(db, first, 2, &rep), 0);
    assert_int_equal(rep.applied, 2);
    /* 2 is pending below the applied 3: refused, nothing applied. */
    assert_int_equal(tb_db_migrate_from_list(db, late, 3, &rep), TB_ERR_INVALID);
    assert_int_equal(rep.failed_version, 2);
    assert_int_equal(table_exists(db, "b"), 0);
    /* Transaction control inside a migration is refused before it runs. */
    assert_int_equal(tb_db_migrate_from_list(db, txn, 1, &rep), TB_ERR_DB);
    assert_non_null(strstr(rep.message, "line 2"));
    assert_int_equal(table_exists(db, "d"), 0);
    /* BEGIN ... END inside CREATE TRIGGER is not transaction control. */
    assert_int_equal(tb_db_migrate_from_list(db, trigger, 1, &rep), 0);
    assert_int_equal(table_exists(db, "e"), 1);
    tb_db_close(db);
}

/* Embedded migrations named like files follow the directory rules. */
static void test_migration_list_file_names(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_db(e);
    struct tb_db_migrate_report rep;
    const struct tb_db_migration files[] = {
        {2, "0002_index.pg.sql", "CREATE INDEX CONCURRENTLY a_x ON a USING btree (x)"},
        {1, "0001_init.sql", "CREATE TABLE a (x INTEGER) STRICT"},
        {2, "0002_index.sqlite.sql", "CREATE INDEX a_x ON a (x)"},
    };
    const struct tb_db_migration wrong_version[] = {
        {7, "0003_x.sql", "CREATE TABLE x (x INTEGER) STRICT"},
    };

    assert_int_equal(tb_db_migrate_from_list(db, files, 3, &rep), 0);
    assert_int_equal(rep.applied, 2);
    assert_int_equal(read_int(db, "SELECT count(*) FROM schema_migrations WHERE "
                                  "(version, name) IN (VALUES (1, 'init'), (2, 'index'))"),
                     2);
    assert_int_equal(tb_db_migrate_from_list(db, wrong_version, 1, &rep), TB_ERR_INVALID);
    assert_string_equal(rep.failed_name, "0003_x.sql");
    assert_int_equal(table_exists(db, "x"), 0);
    tb_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_sqlite_url_and_ping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stmt_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stmt_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_constraint_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failing_write_is_isolated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deferred_fk_is_isolated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_failure_fails_whole_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_begin_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forgotten_stmt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reads_see_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_frees_live_readers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ack_visible_from_other_handle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ack_survives_kill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrations_ordered_recorded_idempotent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_migration_failure_leaves_no_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_duplicates_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_bad_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_list_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_list_file_names, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
