/*
 * db_backup.c - an online, consistent copy of a SQLite database while
 * servers keep using it (`tongban backup`, docs/operations.md "Backup").
 *
 * The idea: open a connection of our own, read-only, to the same file, and
 * start a read transaction on it. In WAL mode that pins one snapshot: every
 * page the backup API copies comes from the same committed state, however
 * many group commits land meanwhile. The copy is made with SQLite's online
 * backup API (sqlite3_backup_step, BACKUP_PAGES_PER_STEP pages at a time)
 * into a temporary file beside the destination, checked with
 * PRAGMA integrity_check, fsynced, and only then linked to its final name
 * (link(2) refuses an existing name, so nothing is ever overwritten and the
 * final name never shows a half-written file).
 *
 * Why not the writer's connection (tb_dbi_run_exclusive): the backup would
 * then run between two batches and hold up every tb_db_write until it ends,
 * seconds to minutes for a large file. A WAL reader blocks no writer. Its
 * only cost is that the WAL cannot be checkpointed past the pinned snapshot
 * while the copy runs, so it grows by the writes made meanwhile and is
 * reused afterwards.
 *
 * Why the read transaction is held across steps: without it each
 * sqlite3_backup_step takes a fresh snapshot, and a write by another
 * connection between two steps restarts the copy from page 1; under steady
 * load a large database would never finish. With it the steps continue the
 * same snapshot and the copy ends after page-count / step-size steps.
 *
 * PostgreSQL has its own tools (pg_basebackup with WAL archiving, pg_dump);
 * tb_db_backup refuses it.
 */
#include "lib/db_backend.h"
#include "lib/err.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BACKUP_PAGES_PER_STEP  256 /* pages per sqlite3_backup_step (1 MiB at 4 KiB pages) */
#define BACKUP_BUSY_SLEEP_MS   20  /* pause before a step is tried again after BUSY/LOCKED */
#define BACKUP_BUSY_TRIES_MAX  250 /* such pauses in a row before giving up (5 s) */
#define BACKUP_TMP_SUFFIX      ".partial-XXXXXX"
#define BACKUP_SIDE_SUFFIX_MAX 16 /* bytes of the longest of side_suffixes, with its NUL */
#define BACKUP_PATH_MAX        4096

/* SQLite's files beside a database file. */
static const char *const side_suffixes[] = {"-journal", "-wal", "-shm"};

/* ---- helpers ------------------------------------------------------------ */

/* The settings db_sqlite.c gives every connection that matter for reading a
 * file we do not fully trust (a copy may be opened by an operator later). */
static int harden(sqlite3 *h)
{
    if (sqlite3_db_config(h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL) != SQLITE_OK ||
        sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL) != SQLITE_OK ||
        sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL) != SQLITE_OK)
        return TB_ERR_DB;
    return 0;
}

/* Opens path with flags; *out is closed by the caller even on failure. */
static int open_conn(struct tb_db *db, const char *path, int flags, sqlite3 **out)
{
    int rc = sqlite3_open_v2(path, out, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(*out, 1);
        sqlite3_busy_timeout(*out, db->opt.busy_timeout_ms);
        if (harden(*out) == 0)
            return 0;
    }
    tb_dbi_log(db, TB_DB_LOG_ERROR, "backup: cannot open %s: %s", path,
               *out ? sqlite3_errmsg(*out) : sqlite3_errstr(rc));
    return rc == SQLITE_NOMEM ? TB_ERR_NOMEM : TB_ERR_DB;
}

/* PRAGMA integrity_check on h: 0 when its only row is "ok"; else logs the
 * first problem it names and returns TB_ERR_DB. */
static int check_integrity(struct tb_db *db, sqlite3 *h)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    const char *first = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    int out = first && strcmp(first, "ok") == 0 ? 0 : TB_ERR_DB;
    if (out < 0)
        tb_dbi_log(db, TB_DB_LOG_ERROR, "backup: the copy fails PRAGMA integrity_check: %s",
                   first ? first : sqlite3_errmsg(h));
    sqlite3_finalize(st);
    return out;
}

/* fsync of path (a file or a directory). */
static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return TB_ERR_IO;
    int rc = fsync(fd) == 0 ? 0 : TB_ERR_IO;
    close(fd);
    return rc;
}

/* fsync of the directory holding path, so a new name in it is durable. */
static int sync_parent(const char *path)
{
    char dir[BACKUP_PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    return sync_path(dir, O_RDONLY | O_DIRECTORY);
}

/* Steps backup b to the end. */
static int copy_pages(struct tb_db *db, sqlite3_backup *b)
{
    int busy = 0;
    for (;;) {
        int rc = sqlite3_backup_step(b, BACKUP_PAGES_PER_STEP);
        if (rc == SQLITE_DONE)
            return 0;
        if (rc == SQLITE_OK) {
            busy = 0;
            continue;
        }
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++busy <= BACKUP_BUSY_TRIES_MAX) {
            sqlite3_sleep(BACKUP_BUSY_SLEEP_MS);
            continue;
        }
        tb_dbi_log(db, TB_DB_LOG_ERROR, "backup: copying pages failed: %s", sqlite3_errstr(rc));
        switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return TB_ERR_BUSY;
        case SQLITE_NOMEM:
            return TB_ERR_NOMEM;
        case SQLITE_FULL:
        case SQLITE_IOERR:
            return TB_ERR_IO; /* the destination's disk, most likely */
        default:
            return TB_ERR_DB;
        }
    }
}

/* Copies the snapshot of db->target into tmp (an empty file) and checks it. */
static int copy_into(struct tb_db *db, const char *tmp)
{
    sqlite3 *src = NULL, *dst = NULL;
    sqlite3_backup *b = NULL;
    int rc = open_conn(db, db->target, SQLITE_OPEN_READONLY, &src);
    if (rc < 0)
        goto done;
    /* The read transaction that pins the snapshot (a deferred BEGIN reads
     * nothing until the first statement that does). */
    if (sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) !=
        SQLITE_OK) {
        tb_dbi_log(db, TB_DB_LOG_ERROR, "backup: cannot read %s: %s", db->target,
                   sqlite3_errmsg(src));
        rc = TB_ERR_DB;
        goto done;
    }
    rc = open_conn(db, tmp, SQLITE_OPEN_READWRITE, &dst);
    if (rc < 0)
        goto done;
    if (sqlite3_exec(dst, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK) {
        rc = TB_ERR_DB;
        goto done;
    }
    b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        tb_dbi_log(db, TB_DB_LOG_ERROR, "backup: cannot start: %s", sqlite3_errmsg(dst));
        rc = TB_ERR_DB;
        goto done;
    }
    rc = copy_pages(db, b);
    int frc = sqlite3_backup_finish(b); /* also commits the copy on dst */
    if (rc == 0 && frc != SQLITE_OK) {
        tb_dbi_log(db, TB_DB_LOG_ERROR, "backup: finishing failed: %s", sqlite3_errmsg(dst));
        rc = TB_ERR_DB;
    }
    /* Let go of the snapshot before checking the copy: the WAL may be
     * checkpointed again. */
    sqlite3_close(src);
    src = NULL;
    if (rc == 0)
        rc = check_integrity(db, dst);
done:
    sqlite3_close(src); /* ends the read transaction */
    if (dst && sqlite3_close(dst) != SQLITE_OK && rc == 0)
        rc = TB_ERR_DB;
    return rc;
}

/* ---- the public function ------------------------------------------------ */

int tb_db_backup(struct tb_db *db, const char *dest_path)
{
    char tmp[BACKUP_PATH_MAX], side[BACKUP_PATH_MAX + BACKUP_SIDE_SUFFIX_MAX];
    struct stat st;
    int rc;

    assert(db && dest_path);
    if (strcmp(db->be->dialect, "sqlite") != 0) {
        tb_dbi_log(db, TB_DB_LOG_ERROR,
                   "backup: only SQLite databases are copied by tongban; back up PostgreSQL "
                   "with pg_basebackup and WAL archiving, or pg_dump for a logical copy "
                   "(docs/operations.md)");
        return TB_ERR_INVALID;
    }
    if (dest_path[0] == '\0' ||
        (size_t)snprintf(tmp, sizeof(tmp), "%s%s", dest_path, BACKUP_TMP_SUFFIX) >= sizeof(tmp)) {
        tb_dbi_log(db, TB_DB_LOG_ERROR, "backup: the destination path is empty or too long");
        return TB_ERR_INVALID;
    }
    if (lstat(dest_path, &st) == 0) {
        tb_dbi_log(db, TB_DB_LOG_ERROR, "backup: %s exists; refusing to overwrite it", dest_path);
        return TB_ERR_CONFLICT;
    }
    if (errno != ENOENT) {
        tb_dbi_log(db, TB_DB_LOG_ERROR, "backup: cannot look at %s: %s", dest_path,
                   strerror(errno));
        return TB_ERR_IO;
    }
    int fd = mkstemp(tmp); /* mode 0600: the copy holds (sealed) personal data */
    if (fd < 0) {
        tb_dbi_log(db, TB_DB_LOG_ERROR, "backup: cannot create a file beside %s: %s", dest_path,
                   strerror(errno));
        return TB_ERR_IO;
    }
    close(fd);

    rc = copy_into(db, tmp);
    if (rc == 0 && sync_path(tmp, O_RDONLY) < 0) {
        tb_dbi_log(db, TB_DB_LOG_ERROR, "backup: fsync of the copy failed: %s", strerror(errno));
        rc = TB_ERR_IO;
    }
    if (rc == 0 && link(tmp, dest_path) != 0) {
        if (errno == EEXIST) {
            tb_dbi_log(db, TB_DB_LOG_ERROR, "backup: %s appeared meanwhile; not overwritten",
                       dest_path);
            rc = TB_ERR_CONFLICT;
        } else {
            tb_dbi_log(db, TB_DB_LOG_ERROR, "backup: cannot name the copy %s: %s", dest_path,
                       strerror(errno));
            rc = TB_ERR_IO;
        }
    }
    unlink(tmp);
    /* The copy's own side files, left only by a copy that failed half-way
     * (its connection reads the copy as a WAL database once it is made). */
    for (size_t i = 0; i < sizeof(side_suffixes) / sizeof(side_suffixes[0]); i++) {
        snprintf(side, sizeof(side), "%s%s", tmp, side_suffixes[i]);
        unlink(side);
    }
    if (rc == 0 && sync_parent(dest_path) < 0) {
        tb_dbi_log(db, TB_DB_LOG_ERROR, "backup: fsync of the directory of %s failed", dest_path);
        rc = TB_ERR_IO;
    }
    return rc;
}
