/*
 * test_db_backup.c - tb_db_backup (src/lib/db_backup.c): an online copy
 * while another thread keeps writing is one consistent snapshot that passes
 * PRAGMA integrity_check; the copy does not wait for the writer (it is made
 * even while a write holds the write transaction open); an existing file is
 * never overwritten; a failed copy leaves nothing behind; PostgreSQL is
 * refused (with $TB_TEST_PG naming a cluster, scripts/pg-cluster.sh; else
 * that test is skipped).
 *
 * Each test gets a fresh directory under /tmp (mkdtemp) holding its
 * database and its copies.
 */
#include "lib/db.h"
#include "lib/err.h"

#include <dirent.h>
#include <ftw.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define SEED_ROWS            2000 /* about 8 MiB of 4,000-character bodies: many backup steps */
#define WRITES_BEFORE_BACKUP 20   /* the writer is under way before the copy starts */

struct env {
    char dir[64];
    char path[128]; /* the database */
    char copy[128]; /* where the backup goes */
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
    snprintf(e->dir, sizeof(e->dir), "/tmp/tb_test_backup.XXXXXX");
    assert_non_null(mkdtemp(e->dir));
    snprintf(e->path, sizeof(e->path), "%s/t.db", e->dir);
    snprintf(e->copy, sizeof(e->copy), "%s/copy.db", e->dir);
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

static struct tb_db *open_path(const char *path)
{
    struct tb_db *db = NULL;
    assert_int_equal(tb_db_open(path, NULL, &db), 0);
    return db;
}

/* The single int64 of sql run on this thread's read connection. */
static int64_t read_int(struct tb_db *db, const char *sql)
{
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    assert_int_equal(tb_db_read_conn(db, &c), 0);
    assert_int_equal(tb_db_prepare(c, sql, &s), 0);
    assert_int_equal(tb_db_step(s), TB_DB_ROW);
    int64_t v = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    return v;
}

static void assert_integrity_ok(struct tb_db *db)
{
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    assert_int_equal(tb_db_read_conn(db, &c), 0);
    assert_int_equal(tb_db_prepare(c, "PRAGMA integrity_check", &s), 0);
    assert_int_equal(tb_db_step(s), TB_DB_ROW);
    assert_string_equal(tb_db_column_text(s, 0), "ok");
    assert_int_equal(tb_db_step(s), TB_DB_DONE);
    tb_db_stmt_done(s);
}

static int exec_fn(struct tb_db_conn *c, void *ctx)
{
    return tb_db_exec(c, ctx);
}

/* A table of rows, SEED_ROWS of them from thread 0. */
static void create_seeded_table(struct tb_db *db)
{
    assert_int_equal(tb_db_write(db, exec_fn,
                                 "CREATE TABLE rows (id INTEGER PRIMARY KEY, thread INTEGER NOT "
                                 "NULL, seq INTEGER NOT NULL, body TEXT NOT NULL) STRICT"),
                     0);
    char sql[512];
    snprintf(sql, sizeof(sql),
             "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %d) "
             "INSERT INTO rows (thread, seq, body) SELECT 0, i, hex(randomblob(2000)) FROM n",
             SEED_ROWS);
    assert_int_equal(tb_db_write(db, exec_fn, sql), 0);
}

/* Files in dir whose names contain part. */
static int count_files_with(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    struct dirent *ent;
    int n = 0;
    assert_non_null(d);
    while ((ent = readdir(d)))
        if (strstr(ent->d_name, part))
            n++;
    closedir(d);
    return n;
}

/* ---- a writer that keeps writing ------------------------------------------ */

struct writer {
    struct tb_db *db;
    pthread_t thread;
    atomic_long acked; /* writes tb_db_write returned 0 for */
    atomic_bool is_stopping;
    int failures;
};

struct seq_write {
    int64_t seq;
};

static int insert_seq_fn(struct tb_db_conn *c, void *ctx)
{
    const struct seq_write *w = ctx;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "INSERT INTO rows (thread, seq, body) VALUES (1, ?1, ?2)", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, w->seq);
    tb_db_bind_text(s, 2, "备份期间写入 written during the backup", -1);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* Inserts (1, 0), (1, 1), ... one write at a time until told to stop. */
static void *writer_thread(void *arg)
{
    struct writer *w = arg;
    for (int64_t seq = 0; !atomic_load(&w->is_stopping); seq++) {
        struct seq_write sw = {seq};
        if (tb_db_write(w->db, insert_seq_fn, &sw) != 0) {
            w->failures++;
            break;
        }
        atomic_fetch_add(&w->acked, 1);
    }
    return NULL;
}

/* ---- the gate: a write that holds the write transaction open ------------ */

struct gate {
    struct tb_db *db;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool is_entered, is_open;
};

/* Inserts a row, then waits, inside the batch transaction, until opened. */
static int gate_fn(struct tb_db_conn *c, void *ctx)
{
    struct gate *g = ctx;
    int rc = tb_db_exec(c, "INSERT INTO rows (thread, seq, body) VALUES (2, 0, 'gated')");
    pthread_mutex_lock(&g->lock);
    g->is_entered = true;
    pthread_cond_broadcast(&g->cond);
    while (!g->is_open)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
    return rc;
}

static void *gate_thread(void *arg)
{
    struct gate *g = arg;
    assert_int_equal(tb_db_write(g->db, gate_fn, g), 0);
    return NULL;
}

static void gate_close(struct gate *g, struct tb_db *db)
{
    memset(g, 0, sizeof(*g));
    g->db = db;
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->cond, NULL);
    assert_int_equal(pthread_create(&g->thread, NULL, gate_thread, g), 0);
    pthread_mutex_lock(&g->lock);
    while (!g->is_entered)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
}

static void gate_open(struct gate *g)
{
    pthread_mutex_lock(&g->lock);
    g->is_open = true;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
    pthread_join(g->thread, NULL);
    pthread_cond_destroy(&g->cond);
    pthread_mutex_destroy(&g->lock);
}

/* ---- tests -------------------------------------------------------------- */

/* The copy is one snapshot: thread 1's rows in it are 0..k-1 with no gap,
 * k at least what was acknowledged before the copy began and at most what
 * was acknowledged when it ended (plus the one write in flight). */
static void test_backup_while_writing(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_path(e->path);
    create_seeded_table(db);

    struct writer w = {.db = db};
    atomic_init(&w.acked, 0);
    atomic_init(&w.is_stopping, false);
    assert_int_equal(pthread_create(&w.thread, NULL, writer_thread, &w), 0);
    while (atomic_load(&w.acked) < WRITES_BEFORE_BACKUP)
        sleep_ms(1);

    long before = atomic_load(&w.acked);
    assert_int_equal(tb_db_backup(db, e->copy), 0);
    long after = atomic_load(&w.acked);
    atomic_store(&w.is_stopping, true);
    pthread_join(w.thread, NULL);
    assert_int_equal(w.failures, 0);
    tb_db_close(db);

    struct stat st;
    assert_int_equal(stat(e->copy, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(count_files_with(e->dir, ".partial-"), 0);

    struct tb_db *copy = open_path(e->copy);
    assert_integrity_ok(copy);
    assert_int_equal(read_int(copy, "SELECT count(*) FROM rows WHERE thread = 0"), SEED_ROWS);
    int64_t k = read_int(copy, "SELECT count(*) FROM rows WHERE thread = 1");
    assert_int_equal(read_int(copy, "SELECT coalesce(max(seq), -1) + 1 FROM rows WHERE "
                                    "thread = 1"),
                     k);
    assert_true(k >= before);
    assert_true(k <= after + 1);
    print_message("    copy holds %lld of thread 1's writes; %ld acknowledged before the "
                  "copy, %ld after\n",
                  (long long)k, before, after);
    tb_db_close(copy);
}

/* The copy reads its own snapshot: it is made while a write holds the
 * batch transaction open, and holds none of that write's work. */
static void test_backup_does_not_wait_for_writer(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_path(e->path);
    create_seeded_table(db);
    struct gate g;
    gate_close(&g, db);
    assert_int_equal(tb_db_backup(db, e->copy), 0);
    gate_open(&g);
    assert_int_equal(read_int(db, "SELECT count(*) FROM rows WHERE thread = 2"), 1);
    tb_db_close(db);

    struct tb_db *copy = open_path(e->copy);
    assert_integrity_ok(copy);
    assert_int_equal(read_int(copy, "SELECT count(*) FROM rows"), SEED_ROWS);
    tb_db_close(copy);
}

/* An existing file is refused and left as it was. */
static void test_backup_refuses_existing_file(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_path(e->path);
    create_seeded_table(db);
    FILE *f = fopen(e->copy, "w");
    assert_non_null(f);
    fputs("keep me", f);
    fclose(f);

    assert_int_equal(tb_db_backup(db, e->copy), TB_ERR_CONFLICT);
    char buf[32] = {0};
    f = fopen(e->copy, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof(buf), f));
    fclose(f);
    assert_string_equal(buf, "keep me");
    assert_int_equal(count_files_with(e->dir, ".partial-"), 0);

    /* a dangling symbolic link is a name taken too */
    char link_path[160];
    snprintf(link_path, sizeof(link_path), "%s/dangling.db", e->dir);
    assert_int_equal(symlink("/nonexistent/tongban-backup", link_path), 0);
    assert_int_equal(tb_db_backup(db, link_path), TB_ERR_CONFLICT);
    tb_db_close(db);
}

/* A copy that cannot be made leaves nothing behind. */
static void test_backup_failure_leaves_nothing(void **state)
{
    struct env *e = *state;
    struct tb_db *db = open_path(e->path);
    create_seeded_table(db);
    char missing_dir[160];
    snprintf(missing_dir, sizeof(missing_dir), "%s/no-such-dir/copy.db", e->dir);
    assert_int_equal(tb_db_backup(db, missing_dir), TB_ERR_IO);
    assert_int_equal(tb_db_backup(db, ""), TB_ERR_INVALID);
    assert_int_equal(count_files_with(e->dir, "copy"), 0);
    assert_int_equal(count_files_with(e->dir, ".partial-"), 0);
    tb_db_close(db);
}

/* PostgreSQL has its own tools: refused, and nothing is written. */
static void test_backup_refuses_postgresql(void **state)
{
    struct env *e = *state;
    const char *base = getenv("TB_TEST_PG");
    if (!base || !base[0]) {
        skip();
        return;
    }
    char url[512];
    snprintf(url, sizeof(url), "%s/postgres", base);
    struct tb_db *db = open_path(url);
    assert_int_equal(tb_db_backup(db, e->copy), TB_ERR_INVALID);
    tb_db_close(db);
    assert_int_equal(count_files_with(e->dir, "copy"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_backup_while_writing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup_does_not_wait_for_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup_refuses_existing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup_failure_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup_refuses_postgresql, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
