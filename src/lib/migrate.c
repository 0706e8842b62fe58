/*
 * migrate.c - schema migrations: numbered SQL files applied once, in order,
 * each atomically with its schema_migrations row.
 *
 * The idea: the schema's history is the directory migrations/, one file per
 * change, never edited once released. tb_db_migrate reads the directory,
 * checks the names (a duplicate number is two people's changes colliding,
 * so it is refused before anything runs), and applies the pending files on
 * the write connection between two write batches. Each file runs inside one
 * transaction with the INSERT of its schema_migrations row, so a file is
 * either entirely applied and recorded, or not at all: a failure in its
 * tenth statement leaves no trace of the first nine.
 *
 * Dialects: one plain .sql file serves every backend; where SQLite and
 * PostgreSQL need different text, NNNN_name.sqlite.sql and NNNN_name.pg.sql
 * share the version and each backend applies its own (db.h has the rules).
 *
 * Concurrency: several processes may start at once (N servers, the CLI);
 * the check for "already applied" is repeated inside each file's write
 * transaction, so a file applied meanwhile by someone else is skipped.
 */
#include "lib/db.h"
#include "lib/db_backend.h"
#include "lib/err.h"

#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define VERSION_DIGITS_MAX 9

/* Dialect suffixes a file name may carry; anything else is a naming error. */
static const char *const known_dialects[] = {"sqlite", "pg"};

/* One migration, owned by a struct mig_set. */
struct mig {
    int64_t version;
    char *name;    /* "init" */
    char *file;    /* "0001_init.sql" (or the name, for lists) */
    char *dialect; /* NULL: plain .sql */
    char *sql;     /* NULL until read */
};

struct mig_set {
    struct mig *v;
    size_t n, cap;
};

/* Context of the job run on the writer thread. */
struct mig_job {
    struct tb_db *db;
    struct mig_set *set;
    struct tb_db_migrate_report *rep;
};

static void set_free(struct mig_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->v[i].name);
        free(set->v[i].file);
        free(set->v[i].dialect);
        free(set->v[i].sql);
    }
    free(set->v);
    set->v = NULL;
    set->n = set->cap = 0;
}

static struct mig *set_add(struct mig_set *set)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 16;
        struct mig *v = realloc(set->v, cap * sizeof(*v));
        if (!v)
            return NULL;
        set->v = v;
        set->cap = cap;
    }
    memset(&set->v[set->n], 0, sizeof(set->v[0]));
    return &set->v[set->n++];
}

static int cmp_mig(const void *a, const void *b)
{
    const struct mig *x = a, *y = b;
    if (x->version != y->version)
        return x->version < y->version ? -1 : 1;
    /* plain files first, then by dialect, so duplicates sit together */
    if (!x->dialect || !y->dialect)
        return (x->dialect != NULL) - (y->dialect != NULL);
    return strcmp(x->dialect, y->dialect);
}

static void report_fail(struct tb_db *db, struct tb_db_migrate_report *rep, const struct mig *m,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void report_fail(struct tb_db *db, struct tb_db_migrate_report *rep, const struct mig *m,
                        const char *fmt, ...)
{
    va_list ap;
    rep->failed_version = m ? m->version : 0;
    snprintf(rep->failed_name, sizeof(rep->failed_name), "%s", m ? m->file : "");
    va_start(ap, fmt);
    vsnprintf(rep->message, sizeof(rep->message), fmt, ap);
    va_end(ap);
    tb_dbi_log(db, TB_DB_LOG_ERROR, "migrate: %s: %s", rep->failed_name, rep->message);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- reading a directory ------------------------------------------------ */

static bool is_known_dialect(const char *d, size_t len)
{
    for (size_t i = 0; i < sizeof(known_dialects) / sizeof(known_dialects[0]); i++)
        if (strlen(known_dialects[i]) == len && memcmp(known_dialects[i], d, len) == 0)
            return true;
    return false;
}

/*
 * Parses "NNNN_name[.dialect].sql" into m (allocating name, file, dialect).
 * Returns TB_ERR_INVALID for a malformed name.
 */
static int parse_file_name(const char *fname, struct mig *m)
{
    const char *p = fname, *name, *dot;
    int64_t version = 0;
    size_t digits = 0;

    while (isdigit((unsigned char)*p) && digits < VERSION_DIGITS_MAX + 1) {
        version = version * 10 + (*p - '0');
        p++;
        digits++;
    }
    if (digits == 0 || digits > VERSION_DIGITS_MAX || version <= 0 || *p != '_')
        return TB_ERR_INVALID;
    name = ++p;
    while (isalnum((unsigned char)*p) || *p == '_' || *p == '-')
        p++;
    if (p == name || *p != '.')
        return TB_ERR_INVALID;
    dot = p;
    if (strcmp(dot, ".sql") != 0) {
        const char *d = dot + 1, *end = strchr(d, '.');
        if (!end || strcmp(end, ".sql") != 0 || !is_known_dialect(d, (size_t)(end - d)))
            return TB_ERR_INVALID;
        m->dialect = strndup(d, (size_t)(end - d));
        if (!m->dialect)
            return TB_ERR_NOMEM;
    }
    m->version = version;
    m->name = strndup(name, (size_t)(dot - name));
    m->file = strdup(fname);
    if (!m->name || !m->file)
        return TB_ERR_NOMEM;
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Lists the .sql files of dir into set (names only). */
static int list_dir(struct tb_db *db, const char *dir, struct mig_set *set,
                    struct tb_db_migrate_report *rep)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;

    if (!d) {
        report_fail(db, rep, NULL, "cannot open directory %s: %s", dir, strerror(errno));
        return TB_ERR_IO;
    }
    while ((e = readdir(d)) != NULL) {
        struct mig *m;
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".sql"))
            continue;
        if (set->n >= TB_DB_MIGRATIONS_MAX) {
            report_fail(db, rep, NULL, "more than %d migration files", TB_DB_MIGRATIONS_MAX);
            rc = TB_ERR_TOO_LARGE;
            goto done;
        }
        m = set_add(set);
        if (!m) {
            rc = TB_ERR_NOMEM;
            goto done;
        }
        rc = parse_file_name(e->d_name, m);
        if (rc == TB_ERR_INVALID) {
            snprintf(rep->failed_name, sizeof(rep->failed_name), "%s", e->d_name);
            snprintf(rep->message, sizeof(rep->message),
                     "file name must be NNNN_name.sql or NNNN_name.<sqlite|pg>.sql");
            tb_dbi_log(db, TB_DB_LOG_ERROR, "migrate: %s: %s", rep->failed_name, rep->message);
        }
        if (rc < 0)
            goto done;
    }
done:
    closedir(d);
    return rc;
}

/* Reads dir/m->file into m->sql, at most TB_DB_MIGRATION_MAX_BYTES. */
static int read_sql(struct tb_db *db, const char *dir, struct mig *m,
                    struct tb_db_migrate_report *rep)
{
    char path[4096];
    struct stat st;
    FILE *f = NULL;
    size_t len;
    int rc = TB_ERR_IO;

    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, m->file) >= sizeof(path)) {
        report_fail(db, rep, m, "path too long");
        return TB_ERR_TOO_LARGE;
    }
    f = fopen(path, "rb");
    if (!f || fstat(fileno(f), &st) != 0) {
        report_fail(db, rep, m, "cannot open: %s", strerror(errno));
        goto done;
    }
    if (st.st_size > TB_DB_MIGRATION_MAX_BYTES) {
        report_fail(db, rep, m, "larger than %d bytes", TB_DB_MIGRATION_MAX_BYTES);
        rc = TB_ERR_TOO_LARGE;
        goto done;
    }
    rc = TB_ERR_NOMEM;
    m->sql = malloc((size_t)st.st_size + 1);
    if (!m->sql)
        goto done;
    /* Read one byte more than stat said, to notice a file that grew. */
    len = fread(m->sql, 1, (size_t)st.st_size + 1, f);
    if (ferror(f) || len != (size_t)st.st_size) {
        report_fail(db, rep, m, "read error or file changed while reading");
        rc = TB_ERR_IO;
        goto done;
    }
    if (memchr(m->sql, '\0', len)) {
        report_fail(db, rep, m, "contains a NUL byte");
        rc = TB_ERR_INVALID;
        goto done;
    }
    m->sql[len] = '\0';
    rc = 0;
done:
    if (f)
        fclose(f);
    return rc;
}

/*
 * Sorts set and checks it: per version either one plain file or at most one
 * per dialect. Then drops the files of other dialects.
 */
static int check_and_filter(struct tb_db *db, struct mig_set *set, const char *dialect,
                            struct tb_db_migrate_report *rep)
{
    size_t keep = 0;
    qsort(set->v, set->n, sizeof(set->v[0]), cmp_mig);
    for (size_t i = 1; i < set->n; i++) {
        struct mig *a = &set->v[i - 1], *b = &set->v[i];
        if (a->version != b->version)
            continue;
        /* sorted plain-first: a clash is a plain file followed by anything,
         * or the same dialect twice */
        if (!a->dialect || (b->dialect && strcmp(a->dialect, b->dialect) == 0)) {
            report_fail(db, rep, b, "version %lld is also used by %s", (long long)b->version,
                        a->file);
            return TB_ERR_INVALID;
        }
    }
    for (size_t i = 0; i < set->n; i++) {
        struct mig *m = &set->v[i];
        if (!m->dialect || strcmp(m->dialect, dialect) == 0) {
            set->v[keep++] = *m;
            continue;
        }
        free(m->name);
        free(m->file);
        free(m->dialect);
        free(m->sql);
    }
    set->n = keep;
    return 0;
}

/* ---- applying (on the writer thread) ------------------------------------ */

/* The first column of the first row of sql (no row: *out unchanged). */
static int query_int64(struct tb_db_stmt *s, int64_t *out)
{
    int rc = tb_db_step(s);
    if (rc == TB_DB_ROW)
        *out = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static int max_version(struct tb_db_conn *c, int64_t *out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT coalesce(max(version), 0) FROM schema_migrations", &s);
    return rc < 0 ? rc : query_int64(s, out);
}

static int is_applied(struct tb_db_conn *c, int64_t version, bool *out)
{
    struct tb_db_stmt *s;
    int64_t n = 0;
    int rc = tb_db_prepare(c, "SELECT count(*) FROM schema_migrations WHERE version = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, version);
    rc = query_int64(s, &n);
    *out = n > 0;
    return rc;
}

static int record(struct tb_db_conn *c, const struct mig *m)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(
        c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, m->version);
    tb_db_bind_text(s, 2, m->name, -1);
    tb_db_bind_int64(s, 3, now_ms());
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* One file in one transaction. *is_done is false when another process won. */
static int apply_one(struct mig_job *job, struct tb_db_conn *c, const struct mig *m, bool *is_done)
{
    const struct tb_db_backend *be = c->be;
    struct tb_dbi_exec_error err = {0};
    bool is_already = false;
    int rc;

    *is_done = false;
    rc = tb_dbi_begin_write(c);
    if (rc < 0) {
        report_fail(job->db, job->rep, m, "BEGIN failed: %s", tb_db_errmsg(c));
        return rc;
    }
    rc = is_applied(c, m->version, &is_already);
    if (rc < 0 || is_already)
        goto finish;
    rc = be->exec(c, m->sql, TB_DBI_EXEC_NO_TXN_CONTROL, &err);
    if (rc < 0) {
        report_fail(job->db, job->rep, m, "line %d: %s", err.line, err.msg);
        rc = TB_ERR_DB;
        goto finish;
    }
    assert(be->in_transaction(c)); /* transaction control was refused above */
    rc = record(c, m);
    if (rc < 0) {
        report_fail(job->db, job->rep, m, "cannot record: %s", tb_db_errmsg(c));
        goto finish;
    }
    rc = tb_dbi_exec_cached(c, "COMMIT");
    if (rc < 0) {
        report_fail(job->db, job->rep, m, "COMMIT failed: %s", tb_db_errmsg(c));
        rc = TB_ERR_DB;
        goto finish;
    }
    *is_done = true;
    return 0;

finish:
    if (be->in_transaction(c) && tb_dbi_exec_cached(c, "ROLLBACK") < 0)
        tb_dbi_log(job->db, TB_DB_LOG_ERROR, "migrate: ROLLBACK failed: %s", tb_db_errmsg(c));
    return rc;
}

/*
 * Refuses a pending migration numbered below the highest applied one: the
 * history has forked (two branches merged), and applying it late would
 * give this database a different schema from the others.
 */
static int check_order(struct mig_job *job, struct tb_db_conn *c, int64_t max_applied)
{
    for (size_t i = 0; i < job->set->n; i++) {
        const struct mig *m = &job->set->v[i];
        bool is_already = false;
        int rc;
        if (m->version > max_applied)
            break;
        rc = is_applied(c, m->version, &is_already);
        if (rc < 0)
            return rc;
        if (!is_already) {
            report_fail(job->db, job->rep, m,
                        "pending, but version %lld is already applied; renumber it",
                        (long long)max_applied);
            return TB_ERR_INVALID;
        }
    }
    return 0;
}

static int apply_all(struct tb_db_conn *c, void *ctx)
{
    struct mig_job *job = ctx;
    int64_t max_applied = 0;
    int rc;

    rc = tb_db_exec(c, c->be->sql_migrations_table);
    if (rc < 0) {
        report_fail(job->db, job->rep, NULL, "cannot create schema_migrations: %s",
                    tb_db_errmsg(c));
        return rc;
    }
    rc = max_version(c, &max_applied);
    if (rc == 0)
        rc = check_order(job, c, max_applied);
    if (rc < 0)
        return rc;
    if (max_applied > 0 && (job->set->n == 0 || job->set->v[job->set->n - 1].version < max_applied))
        tb_dbi_log(job->db, TB_DB_LOG_WARN,
                   "migrate: the database has version %lld, newer than any file",
                   (long long)max_applied);
    for (size_t i = 0; i < job->set->n; i++) {
        const struct mig *m = &job->set->v[i];
        bool is_done = false;
        if (m->version <= max_applied)
            continue;
        rc = apply_one(job, c, m, &is_done);
        if (rc < 0)
            return rc;
        if (is_done) {
            job->rep->applied++;
            tb_dbi_log(job->db, TB_DB_LOG_INFO, "migrate: applied %s", m->file);
        }
    }
    return 0;
}

static int run_set(struct tb_db *db, struct mig_set *set, struct tb_db_migrate_report *rep)
{
    struct mig_job job = {.db = db, .set = set, .rep = rep};
    return tb_dbi_run_exclusive(db, apply_all, &job);
}

/* ---- public ------------------------------------------------------------- */

int tb_db_migrate(struct tb_db *db, const char *dir, struct tb_db_migrate_report *report)
{
    struct tb_db_migrate_report local;
    struct mig_set set = {0};
    int rc;

    assert(db && dir);
    if (!report)
        report = &local;
    memset(report, 0, sizeof(*report));
    rc = list_dir(db, dir, &set, report);
    if (rc == 0)
        rc = check_and_filter(db, &set, tb_dbi_backend(db)->dialect, report);
    for (size_t i = 0; rc == 0 && i < set.n; i++)
        rc = read_sql(db, dir, &set.v[i], report);
    if (rc == 0)
        rc = run_set(db, &set, report);
    set_free(&set);
    return rc;
}

int tb_db_migrate_from_list(struct tb_db *db, const struct tb_db_migration *list, size_t n,
                            struct tb_db_migrate_report *report)
{
    struct tb_db_migrate_report local;
    struct mig_set set = {0};
    int rc = 0;

    assert(db && (list || n == 0));
    for (size_t i = 0; i < n; i++)
        assert(list[i].name && list[i].sql);
    if (!report)
        report = &local;
    memset(report, 0, sizeof(*report));
    for (size_t i = 0; i < n; i++) {
        struct mig *m = set_add(&set);
        rc = TB_ERR_NOMEM;
        if (!m)
            goto done;
        /* A file name ("0002_x.pg.sql") is read as in a directory: its
         * dialect counts and the recorded name is "x", as tb_db_migrate's. */
        if (ends_with(list[i].name, ".sql")) {
            rc = parse_file_name(list[i].name, m);
            if (rc == 0 && m->version != list[i].version)
                rc = TB_ERR_INVALID;
            if (rc == TB_ERR_INVALID) {
                m->version = list[i].version;
                free(m->file);
                m->file = strdup(list[i].name);
                report_fail(db, report, m->file ? m : NULL,
                            "name must be NNNN_name[.sqlite|.pg].sql with NNNN = version");
            }
            if (rc < 0)
                goto done;
        } else {
            m->version = list[i].version;
            m->name = strdup(list[i].name);
            m->file = strdup(list[i].name);
            if (!m->name || !m->file)
                goto done;
        }
        m->sql = strdup(list[i].sql);
        if (!m->sql)
            goto done;
        rc = TB_ERR_INVALID;
        if (m->version <= 0) {
            report_fail(db, report, m, "version must be positive");
            goto done;
        }
    }
    rc = check_and_filter(db, &set, tb_dbi_backend(db)->dialect, report);
    if (rc == 0)
        rc = run_set(db, &set, report);
done:
    set_free(&set);
    return rc;
}
