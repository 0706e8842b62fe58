/*
 * bench_dbwrite.c - what group commit buys: durable inserts through
 * tb_db_write with batching, against the same through one transaction per
 * write, side by side in one run on the same disk.
 *
 * N client threads (default 32, like a loaded HTTP thread pool) each do M
 * inserts of a ~200-byte row and wait for each to be acknowledged, i.e. on
 * disk (synchronous=FULL). Both modes use the same writer thread and queue;
 * the baseline only sets write_batch_max = 1, so the difference is the number
 * of fsyncs. Printed: writes/s, mean batch size, per-write latency p50/p99,
 * commits, and the ratio.
 *
 * The database files go to -d DIR (default bench/out, created if missing);
 * the file system type is printed because on tmpfs fsync is free and the
 * comparison means nothing.
 *
 *   bench_dbwrite [-t threads] [-n writes_per_thread] [-d dir]
 */
#include "lib/db.h"
#include "lib/err.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_THREADS 32
#define DEFAULT_WRITES  250
#define MAX_THREADS     1024
#define MAX_WRITES      1000000
#define PAYLOAD_BYTES   176 /* + three integers and the row header: ~200 bytes */
#define TMPFS_MAGIC     0x01021994

struct run_result {
    double seconds;
    double writes_per_s;
    double mean_batch;
    double p50_ms, p99_ms;
    uint64_t commits;
    uint64_t failures;
};

struct client {
    struct tb_db *db;
    pthread_barrier_t *start;
    int id, n;
    double *latency_ms; /* n entries, this client's slice */
    int failures;
    pthread_t thread;
};

struct row {
    int64_t client, seq;
    const char *payload;
};

static char payload[PAYLOAD_BYTES + 1];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exec_fn(struct tb_db_conn *c, void *ctx)
{
    return tb_db_exec(c, ctx);
}

static int insert_fn(struct tb_db_conn *c, void *ctx)
{
    const struct row *r = ctx;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "INSERT INTO bench (client, seq, payload) VALUES (?1, ?2, ?3)", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, r->client);
    tb_db_bind_int64(s, 2, r->seq);
    tb_db_bind_text(s, 3, r->payload, PAYLOAD_BYTES);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static void *client_main(void *arg)
{
    struct client *cl = arg;
    pthread_barrier_wait(cl->start);
    for (int i = 0; i < cl->n; i++) {
        struct row r = {.client = cl->id, .seq = i, .payload = payload};
        double t0 = now_s();
        if (tb_db_write(cl->db, insert_fn, &r) != 0)
            cl->failures++;
        cl->latency_ms[i] = (now_s() - t0) * 1e3;
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(const double *sorted, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}

static void remove_db(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    char p[PATH_MAX];
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
        unlink(p);
    }
}

/* One mode: a fresh database, n_threads clients, n writes each. */
static int run(const char *dir, const char *name, int batch_max, int n_threads, int n,
               struct run_result *out)
{
    struct tb_db_options opt = {.write_batch_max = batch_max};
    struct tb_db *db = NULL;
    struct client *cl = NULL;
    double *lat = NULL;
    size_t total = (size_t)n_threads * (size_t)n;
    pthread_barrier_t start;
    struct tb_db_stats before, after;
    char path[PATH_MAX];
    double t0;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((size_t)snprintf(path, sizeof(path), "%s/%s.db", dir, name) >= sizeof(path))
        return TB_ERR_TOO_LARGE;
    remove_db(path);
    rc = tb_db_open(path, &opt, &db);
    if (rc < 0)
        goto done;
    rc = tb_db_write(db, exec_fn,
                     "CREATE TABLE bench (id INTEGER PRIMARY KEY, client INTEGER NOT NULL, "
                     "seq INTEGER NOT NULL, payload TEXT NOT NULL) STRICT");
    if (rc < 0)
        goto done;
    rc = TB_ERR_NOMEM;
    cl = calloc((size_t)n_threads, sizeof(*cl));
    lat = calloc(total, sizeof(*lat));
    if (!cl || !lat)
        goto done;
    pthread_barrier_init(&start, NULL, (unsigned)n_threads + 1);
    for (int i = 0; i < n_threads; i++) {
        cl[i] = (struct client){
            .db = db, .start = &start, .id = i, .n = n, .latency_ms = lat + (size_t)i * (size_t)n};
        if (pthread_create(&cl[i].thread, NULL, client_main, &cl[i]) != 0) {
            fprintf(stderr, "bench_dbwrite: cannot start thread %d\n", i);
            exit(1); /* the barrier would never open */
        }
    }
    tb_db_stats_get(db, &before);
    pthread_barrier_wait(&start);
    t0 = now_s();
    for (int i = 0; i < n_threads; i++) {
        pthread_join(cl[i].thread, NULL);
        out->failures += (uint64_t)cl[i].failures;
    }
    out->seconds = now_s() - t0;
    tb_db_stats_get(db, &after);
    pthread_barrier_destroy(&start);

    out->commits = after.batches - before.batches;
    out->writes_per_s = (double)total / out->seconds;
    out->mean_batch = out->commits ? (double)(after.writes - before.writes) / out->commits : 0;
    qsort(lat, total, sizeof(*lat), cmp_double);
    out->p50_ms = percentile(lat, total, 0.50);
    out->p99_ms = percentile(lat, total, 0.99);
    rc = 0;
done:
    if (rc < 0)
        fprintf(stderr, "bench_dbwrite: %s: %s\n", name, tb_err_code(rc));
    free(cl);
    free(lat);
    tb_db_close(db);
    remove_db(path);
    return rc;
}

static int parse_int(const char *s, int min, int max, int *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

static void print_row(const char *mode, const struct run_result *r)
{
    printf("%-22s %10.0f %11.1f %9.2f %9.2f %9llu %6.2f\n", mode, r->writes_per_s, r->mean_batch,
           r->p50_ms, r->p99_ms, (unsigned long long)r->commits, r->seconds);
}

int main(int argc, char **argv)
{
    int n_threads = DEFAULT_THREADS, n = DEFAULT_WRITES, opt;
    const char *dir = "bench/out";
    struct run_result group, single;
    struct statfs fs;

    while ((opt = getopt(argc, argv, "t:n:d:h")) != -1) {
        if (opt == 't' && parse_int(optarg, 1, MAX_THREADS, &n_threads) == 0)
            continue;
        if (opt == 'n' && parse_int(optarg, 1, MAX_WRITES, &n) == 0)
            continue;
        if (opt == 'd') {
            dir = optarg;
            continue;
        }
        fprintf(stderr, "usage: %s [-t threads (1-%d)] [-n writes per thread] [-d dir]\n", argv[0],
                MAX_THREADS);
        return opt == 'h' ? 0 : 2;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "bench_dbwrite: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    memset(payload, 'x', PAYLOAD_BYTES);

    printf("bench_dbwrite: %d threads x %d durable inserts (~200 B rows), SQLite %s, "
           "synchronous=FULL, dir %s",
           n_threads, n, sqlite3_libversion(), dir);
    if (statfs(dir, &fs) == 0 && fs.f_type == TMPFS_MAGIC)
        printf(" (tmpfs: fsync is free, figures are not meaningful)");
    printf("\n\n");

    /* Baseline first, so page-cache warm-up, if anything, favours it. */
    if (run(dir, "single", 1, n_threads, n, &single) < 0 ||
        run(dir, "group", 0, n_threads, n, &group) < 0)
        return 1;

    printf("%-22s %10s %11s %9s %9s %9s %6s\n", "mode", "writes/s", "mean batch", "p50 ms",
           "p99 ms", "commits", "s");
    print_row("group commit", &group);
    print_row("one commit per write", &single);
    printf("\ngroup commit / one commit per write: %.1fx writes/s\n",
           group.writes_per_s / single.writes_per_s);
    if (group.failures || single.failures) {
        printf("FAILED writes: group %llu, single %llu\n", (unsigned long long)group.failures,
               (unsigned long long)single.failures);
        return 1;
    }
    return 0;
}
