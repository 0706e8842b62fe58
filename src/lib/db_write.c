/*
 * db_write.c - the write path: one writer thread doing group commit.
 *
 * Why: a durable commit costs one fsync (synchronous=FULL). At a few
 * thousand fsyncs a second, a commit per request caps the whole server,
 * while SQLite writes hundreds of thousands of rows a second when they share
 * a commit. So handlers do not commit: tb_db_write() queues a transaction
 * function and sleeps. The writer thread takes everything queued (up to
 * write_batch_max), opens one BEGIN IMMEDIATE, runs each function inside its
 * own SAVEPOINT (a failing function is rolled back alone), COMMITs once and
 * then wakes every caller with its own result. While one batch commits the
 * next one queues up, so the batch size follows the load with no timer and
 * no added latency when the server is quiet.
 *
 * The promise: a caller hears 0 only after COMMIT returned, so nothing is
 * acknowledged that is not on disk. Anything that ends the batch
 * transaction early (a failed COMMIT, an I/O error that rolled everything
 * back) turns every would-be success of the batch into TB_ERR_DB.
 *
 * Queue and stats share db->lock; a request lives on its caller's stack and
 * belongs to the writer from the moment it is queued until is_done is set.
 */
#include "lib/db.h"
#include "lib/db_backend.h"
#include "lib/err.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <time.h>

const double tb_db_batch_size_le[TB_DB_BATCH_BUCKETS] = {1,  2,   4,   8,   16,      32,
                                                         64, 128, 256, 512, INFINITY};
const double tb_db_commit_seconds_le[TB_DB_COMMIT_BUCKETS] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, INFINITY};

/* Savepoint around each write function of a batch; released before the next. */
#define SQL_SAVEPOINT   "SAVEPOINT tb_write"
#define SQL_RELEASE     "RELEASE tb_write"
#define SQL_ROLLBACK_TO "ROLLBACK TO tb_write"
#define SQL_COMMIT      "COMMIT"
#define SQL_ROLLBACK    "ROLLBACK"

/* One queued tb_db_write call; lives on the caller's stack while it waits. */
struct tb_dbi_write_req {
    int (*fn)(struct tb_db_conn *c, void *ctx);
    void *ctx;
    bool is_exclusive; /* runs alone, outside a batch transaction */
    bool is_done;      /* set by the writer under db->lock */
    int result;
    pthread_cond_t done;
    struct tb_dbi_write_req *next;
};

/* True on a writer thread: tb_db_write there would wait for itself. */
static _Thread_local bool tls_is_writer;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool is_fault(struct tb_db *db, enum tb_db_fault point)
{
    return db->opt.fault && db->opt.fault(db->opt.fault_ctx, point);
}

/* ---- callers ------------------------------------------------------------ */

/* Queues req and sleeps until the writer has finished it. */
static int enqueue_and_wait(struct tb_db *db, int (*fn)(struct tb_db_conn *, void *), void *ctx,
                            bool is_exclusive)
{
    struct tb_dbi_write_req req = {.fn = fn, .ctx = ctx, .is_exclusive = is_exclusive};
    int rc;

    if (pthread_cond_init(&req.done, NULL) != 0)
        return TB_ERR_INTERNAL;
    pthread_mutex_lock(&db->lock);
    if (db->is_stopping) {
        if (!is_exclusive)
            db->stats.writes_failed++;
        rc = TB_ERR_UNAVAILABLE;
        goto unlock;
    }
    /* req leaves the queue (take_batch) before is_done lets us return. */
    if (db->tail)
        db->tail->next = &req;
    else
        db->head = &req; // cppcheck-suppress autoVariables
    db->tail = &req;     // cppcheck-suppress autoVariables
    db->stats.queue_depth++;
    pthread_cond_signal(&db->wake_writer);
    while (!req.is_done)
        pthread_cond_wait(&req.done, &db->lock);
    rc = req.result;
unlock:
    pthread_mutex_unlock(&db->lock);
    pthread_cond_destroy(&req.done);
    return rc;
}

int tb_db_write(struct tb_db *db, int (*fn)(struct tb_db_conn *c, void *ctx), void *ctx)
{
    assert(db && fn);
    assert(!tls_is_writer && "tb_db_write called from inside a write function");
    return enqueue_and_wait(db, fn, ctx, false);
}

int tb_dbi_run_exclusive(struct tb_db *db, int (*fn)(struct tb_db_conn *c, void *ctx), void *ctx)
{
    assert(db && fn);
    assert(!tls_is_writer && "tb_dbi_run_exclusive called from the writer thread");
    return enqueue_and_wait(db, fn, ctx, true);
}

/* ---- the writer thread ------------------------------------------------- */

/* Rolls back whatever transaction is open on the write connection. */
static void writer_rollback(struct tb_db *db, struct tb_db_conn *c)
{
    if (!c->be->in_transaction(c))
        return;
    if (tb_dbi_exec_cached(c, SQL_ROLLBACK) < 0)
        tb_dbi_log(db, TB_DB_LOG_ERROR, "ROLLBACK failed: %s", tb_db_errmsg(c));
}

/*
 * Runs one write function inside its savepoint of the open batch
 * transaction. Returns the caller's result; sets *is_broken when the batch
 * transaction itself can no longer commit.
 */
static int run_one(struct tb_db *db, struct tb_db_conn *c, struct tb_dbi_write_req *r,
                   bool *is_broken)
{
    int rc = tb_dbi_exec_cached(c, SQL_SAVEPOINT);
    if (rc < 0) {
        tb_dbi_log(db, TB_DB_LOG_ERROR, "SAVEPOINT failed: %s", tb_db_errmsg(c));
        *is_broken = true;
        return rc;
    }
    rc = r->fn(c, r->ctx);
    if (rc > 0)
        rc = 0;
    if (tb_dbi_conn_finish_busy(c) > 0)
        tb_dbi_log(db, TB_DB_LOG_WARN, "a write function left statements without done");
    if (!c->be->in_transaction(c)) {
        /* An I/O or memory error rolled back the whole transaction, or fn
         * ended it itself: the work of earlier functions is gone too. */
        tb_dbi_log(db, TB_DB_LOG_ERROR, "batch transaction ended inside a write function");
        *is_broken = true;
        return rc < 0 ? rc : TB_ERR_DB;
    }
    /* A deferred foreign key violation would fail the COMMIT of everyone:
     * charge it to the function that caused it. */
    if (rc == 0 && c->be->has_deferred_violation(c))
        rc = TB_ERR_CONFLICT;
    if (rc < 0) {
        if (tb_dbi_exec_cached(c, SQL_ROLLBACK_TO) < 0 || tb_dbi_exec_cached(c, SQL_RELEASE) < 0) {
            tb_dbi_log(db, TB_DB_LOG_ERROR, "ROLLBACK TO failed: %s", tb_db_errmsg(c));
            *is_broken = true;
        }
        return rc;
    }
    if (tb_dbi_exec_cached(c, SQL_RELEASE) < 0) {
        tb_dbi_log(db, TB_DB_LOG_ERROR, "RELEASE failed: %s", tb_db_errmsg(c));
        *is_broken = true;
        return TB_ERR_DB;
    }
    return 0;
}

/* What a batch did, for the stats. */
struct batch_outcome {
    bool is_committed;
    double commit_seconds;
};

/*
 * One group commit: BEGIN IMMEDIATE, each request in its savepoint, COMMIT.
 * Sets every r->result; a 0 result survives only if COMMIT succeeded.
 */
static void run_batch(struct tb_db *db, struct tb_dbi_write_req *first, struct batch_outcome *out)
{
    struct tb_db_conn *c = db->writer;
    struct tb_dbi_write_req *r;
    bool is_broken = false;
    double t0;
    int rc;

    out->is_committed = false;
    writer_rollback(db, c); /* a transaction left open by a failed batch */
    rc = is_fault(db, TB_DB_FAULT_BEGIN) ? TB_ERR_DB : tb_dbi_begin_write(c);
    if (rc < 0) {
        tb_dbi_log(db, TB_DB_LOG_ERROR, "BEGIN failed: %s", tb_db_errmsg(c));
        for (r = first; r; r = r->next)
            r->result = rc == TB_ERR_BUSY ? TB_ERR_BUSY : TB_ERR_DB;
        return;
    }
    for (r = first; r; r = r->next)
        r->result = is_broken ? TB_ERR_DB : run_one(db, c, r, &is_broken);

    if (!is_broken) {
        t0 = now_seconds();
        rc = is_fault(db, TB_DB_FAULT_COMMIT) ? TB_ERR_DB : tb_dbi_exec_cached(c, SQL_COMMIT);
        out->commit_seconds = now_seconds() - t0;
        if (rc == 0) {
            out->is_committed = true;
            return;
        }
        tb_dbi_log(db, TB_DB_LOG_ERROR, "COMMIT failed: %s", tb_db_errmsg(c));
    }
    /* Nothing of this batch is on disk: no caller may hear success. */
    writer_rollback(db, c);
    for (r = first; r; r = r->next)
        if (r->result == 0)
            r->result = TB_ERR_DB;
}

static void observe(uint64_t *buckets, const double *le, int n, double v)
{
    for (int i = 0; i < n; i++)
        if (v <= le[i])
            buckets[i]++;
}

/* Under db->lock: counts a finished batch of n requests. */
static void stats_record(struct tb_db *db, struct tb_dbi_write_req *first, size_t n,
                         const struct batch_outcome *o)
{
    struct tb_db_stats *st = &db->stats;
    if (o->is_committed) {
        st->batches++;
        observe(st->batch_size_bucket, tb_db_batch_size_le, TB_DB_BATCH_BUCKETS, (double)n);
        st->batch_size_sum += n;
        observe(st->commit_seconds_bucket, tb_db_commit_seconds_le, TB_DB_COMMIT_BUCKETS,
                o->commit_seconds);
        st->commit_seconds_sum += o->commit_seconds;
    } else {
        st->batches_failed++;
    }
    for (struct tb_dbi_write_req *r = first; r; r = r->next) {
        if (r->result == 0)
            st->writes++;
        else
            st->writes_failed++;
    }
}

/* Under db->lock: unlinks the next batch (or one exclusive job) from the queue. */
static struct tb_dbi_write_req *take_batch(struct tb_db *db, size_t *n)
{
    struct tb_dbi_write_req *first = db->head, *last = first;
    size_t max = first->is_exclusive ? 1 : (size_t)db->opt.write_batch_max;
    *n = 1;
    while (*n < max && last->next && !last->next->is_exclusive) {
        last = last->next;
        (*n)++;
    }
    db->head = last->next;
    if (!db->head)
        db->tail = NULL;
    last->next = NULL;
    db->stats.queue_depth -= *n;
    return first;
}

static void *writer_main(void *arg)
{
    struct tb_db *db = arg;
    tls_is_writer = true;
    pthread_mutex_lock(&db->lock);
    for (;;) {
        struct batch_outcome outcome = {0};
        struct tb_dbi_write_req *first, *r, *next;
        size_t n;

        while (!db->head && !db->is_stopping)
            pthread_cond_wait(&db->wake_writer, &db->lock);
        if (!db->head)
            break; /* stopping, and the queue is drained */
        first = take_batch(db, &n);
        pthread_mutex_unlock(&db->lock);

        /* The requests are ours until is_done: their callers are asleep. */
        if (first->is_exclusive)
            first->result = first->fn(db->writer, first->ctx);
        else
            run_batch(db, first, &outcome);

        pthread_mutex_lock(&db->lock);
        if (!first->is_exclusive)
            stats_record(db, first, n, &outcome);
        for (r = first; r; r = next) {
            next = r->next; /* r belongs to its caller once is_done is set */
            r->is_done = true;
            pthread_cond_signal(&r->done);
        }
    }
    pthread_mutex_unlock(&db->lock);
    return NULL;
}

int tb_dbi_writer_start(struct tb_db *db)
{
    assert(db->writer && !db->is_writer_running);
    if (pthread_mutex_init(&db->lock, NULL) != 0)
        return TB_ERR_INTERNAL;
    if (pthread_cond_init(&db->wake_writer, NULL) != 0)
        goto fail_lock;
    if (pthread_create(&db->writer_thread, NULL, writer_main, db) != 0)
        goto fail_cond;
    db->is_writer_running = true;
    return 0;

fail_cond:
    pthread_cond_destroy(&db->wake_writer);
fail_lock:
    pthread_mutex_destroy(&db->lock);
    return TB_ERR_INTERNAL;
}

void tb_dbi_writer_stop(struct tb_db *db)
{
    if (!db->is_writer_running)
        return;
    assert(!tls_is_writer);
    pthread_mutex_lock(&db->lock);
    db->is_stopping = true; /* the writer drains the queue, then exits */
    pthread_cond_signal(&db->wake_writer);
    pthread_mutex_unlock(&db->lock);
    pthread_join(db->writer_thread, NULL);
    pthread_cond_destroy(&db->wake_writer);
    pthread_mutex_destroy(&db->lock);
    db->is_writer_running = false;
}

/* ---- metrics ------------------------------------------------------------ */

void tb_db_stats_get(struct tb_db *db, struct tb_db_stats *out)
{
    pthread_mutex_lock(&db->lock);
    *out = db->stats;
    pthread_mutex_unlock(&db->lock);
}
