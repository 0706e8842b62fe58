/*
 * backup.c - `tongban backup --data DIR FILE`: an online copy of the SQLite
 * database while `tongban serve` keeps running (docs/operations.md
 * "Backup and restore").
 *
 * The copy itself is tb_db_backup (src/lib/db_backup.c): one WAL snapshot,
 * copied page by page, checked with PRAGMA integrity_check, given its name
 * only when complete, never over an existing file. This command adds what
 * an operator needs around it: the settings as every command reads them
 * (--config or TONGBAN_CONFIG, TONGBAN_* variables, --data and --set), a
 * summary of the copy (its size and the number of audit events it holds,
 * read back from the copy), and the reminder that the database alone
 * restores nothing: DATA/keys and the uploads belong with it.
 *
 * It opens the database with tb_db_open, not tb_app_open_data: a backup
 * must not change what it copies (no migrations applied by a binary that may
 * be newer than the running server), and it needs no keys or calendar.
 */
#include "app/backup.h"
#include "app/app.h"
#include "lib/config.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/log.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DB_FILE        "tongban.db"
#define UPLOADS_SUB    "uploads"
#define PATH_MAX_BYTES 4096 /* FILE and the database path */
#define URL_MAX_BYTES  (PATH_MAX_BYTES + 8)

static const char usage[] =
    "usage: tongban backup --data DIR FILE [--config FILE] [--set KEY=VALUE]\n"
    "\n"
    "Writes a consistent copy of the data directory's SQLite database to FILE\n"
    "while the server keeps running (SQLite's online backup API over one\n"
    "snapshot; writers are not held up), checks it with PRAGMA integrity_check\n"
    "and prints its size and the number of audit events it holds. Refuses when\n"
    "FILE exists. FILE is the database only: keep DIR/keys (secret) and copy\n"
    "the uploads directory after it; docs/operations.md has the restore drill.\n"
    "PostgreSQL installations use pg_basebackup or pg_dump instead.\n"
    "Exit status: 0 copied and checked, 1 failed, 2 usage.\n";

enum { OPT_DATA = 1000, OPT_CONFIG, OPT_SET, OPT_HELP };

static const struct option opts[] = {
    {"data", required_argument, NULL, OPT_DATA},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"set", required_argument, NULL, OPT_SET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

/* ---- settings ----------------------------------------------------------- */

/* Defaults, then the INI file, then the environment, then --data and --set
 * (later wins), as the other commands read them. Returns -1 to go on, else
 * the exit status (usage or help printed). */
static int parse_args(int argc, char **argv, struct tb_config *cfg, const char **file)
{
    char err[512];
    const char *config = getenv("TONGBAN_CONFIG");
    int c;
    tb_config_defaults(cfg);
    *file = NULL;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == OPT_HELP || c == 'h') {
            fputs(usage, stdout);
            return 0;
        }
        if (c == OPT_CONFIG)
            config = optarg;
        else if (c == '?') {
            fprintf(stderr, "tongban backup: unknown or incomplete option %s\n\n%s",
                    argv[optind - 1], usage);
            return 2;
        }
    }
    if (config && tb_config_load_file(cfg, config, err, sizeof(err)) < 0) {
        fprintf(stderr, "tongban backup: %s\n", err);
        return 2;
    }
    if (tb_config_load_env(cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, "tongban backup: %s\n", err);
        return 2;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int rc = 0;
        if (c == OPT_DATA) {
            rc = tb_config_set(cfg, "data", optarg, "--data", err, sizeof(err));
        } else if (c == OPT_SET) {
            char *eq = strchr(optarg, '=');
            if (!eq) {
                fprintf(stderr, "tongban backup: --set wants KEY=VALUE\n");
                return 2;
            }
            *eq = '\0';
            rc = tb_config_set(cfg, optarg, eq + 1, "--set", err, sizeof(err));
            *eq = '=';
        }
        if (rc < 0) {
            fprintf(stderr, "tongban backup: %s\n", err);
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "tongban backup: %s\n\n%s",
                optind < argc ? "one FILE, nothing more" : "FILE is missing", usage);
        return 2;
    }
    *file = argv[optind];
    if (strlen(*file) >= PATH_MAX_BYTES) {
        fprintf(stderr, "tongban backup: FILE is longer than %d bytes\n", PATH_MAX_BYTES - 1);
        return 2;
    }
    if (tb_log_set_level_name(cfg->log_level) < 0) {
        fprintf(stderr, "tongban backup: log_level must be debug, info, warn or error\n");
        return 2;
    }
    return -1;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- the copy's summary ------------------------------------------------- */

static void db_log(void *ctx, enum tb_db_log_level level, const char *msg)
{
    (void)ctx;
    tb_log(level == TB_DB_LOG_ERROR  ? TB_LOG_ERROR
           : level == TB_DB_LOG_WARN ? TB_LOG_WARN
                                     : TB_LOG_INFO,
           "db: %s", msg);
}

/* The number of audit events in the copy at path, read back from it. */
static int count_audit_events(const char *path, int64_t *out)
{
    char url[URL_MAX_BYTES];
    struct tb_db_options opt = {.log = db_log};
    struct tb_db *db = NULL;
    struct tb_db_conn *c;
    struct tb_db_stmt *s = NULL;
    int rc =
        (size_t)snprintf(url, sizeof(url), "sqlite:%s", path) < sizeof(url) ? 0 : TB_ERR_TOO_LARGE;
    if (rc == 0)
        rc = tb_db_open(url, &opt, &db);
    if (rc == 0)
        rc = tb_db_read_conn(db, &c);
    if (rc == 0)
        rc = tb_db_prepare(c, "SELECT count(*) FROM audit_events", &s);
    if (rc == 0) {
        rc = tb_db_step(s);
        if (rc == TB_DB_ROW) {
            *out = tb_db_column_int64(s, 0);
            rc = 0;
        } else if (rc == TB_DB_DONE) {
            rc = TB_ERR_DB;
        }
    }
    tb_db_stmt_done(s);
    tb_db_close(db);
    return rc;
}

/* Size in bytes and in the largest binary unit that keeps it >= 1. */
static void print_summary(const char *file, long long bytes, int64_t events)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
        v /= 1024;
        u++;
    }
    printf("tongban backup: %s: %lld bytes (%.1f %s), integrity ok, %lld audit events\n", file,
           bytes, v, units[u], (long long)events);
}

/* ---- the command -------------------------------------------------------- */

int tb_cmd_backup(int argc, char **argv)
{
    static struct tb_config cfg; /* large: not on the stack */
    const char *file;
    char path[PATH_MAX_BYTES];
    char url[URL_MAX_BYTES];
    struct stat st;
    struct tb_db *db = NULL;
    int code = parse_args(argc, argv, &cfg, &file);
    if (code >= 0)
        return code;

    if (has_prefix(cfg.database, "postgresql://") || has_prefix(cfg.database, "postgres://")) {
        fprintf(stderr, "tongban backup: this installation's database is PostgreSQL; back it up "
                        "with pg_basebackup and WAL archiving (point-in-time recovery) or pg_dump "
                        "(a logical copy), see docs/operations.md\n");
        return 1;
    }
    if (cfg.database[0])
        snprintf(path, sizeof(path), "%s",
                 cfg.database + (has_prefix(cfg.database, "sqlite:") ? strlen("sqlite:") : 0));
    else
        snprintf(path, sizeof(path), "%s/%s", cfg.data, DB_FILE);
    /* tb_db_open would create a missing file: a typo in --data must not
     * produce an empty "backup". */
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "tongban backup: no database at %s (check --data, or run `tongban init`)\n",
                path);
        return 1;
    }
    if (lstat(file, &st) == 0 || errno != ENOENT) {
        fprintf(stderr,
                "tongban backup: %s exists; refusing to overwrite it (choose a new name, or "
                "remove it first)\n",
                file);
        return 1;
    }

    snprintf(url, sizeof(url), "sqlite:%s", path);
    struct tb_db_options opt = {0};
    opt.busy_timeout_ms = (int)cfg.db_busy_timeout_ms;
    opt.log = db_log;
    int rc = tb_db_open(url, &opt, &db);
    if (rc == 0)
        rc = tb_db_backup(db, file);
    tb_db_close(db);
    if (rc == TB_ERR_CONFLICT) {
        fprintf(stderr, "tongban backup: %s exists; refusing to overwrite it\n", file);
        return 1;
    }
    if (rc < 0) {
        fprintf(stderr,
                "tongban backup: the copy failed (%s); see the log above. Nothing was "
                "written to %s\n",
                tb_err_code(rc), file);
        return 1;
    }

    int64_t events = 0;
    rc = count_audit_events(file, &events);
    if (rc < 0 || stat(file, &st) != 0) {
        fprintf(stderr,
                "tongban backup: %s was written and checked, but reading it back failed "
                "(%s)\n",
                file, tb_err_code(rc));
        return 1;
    }
    char uploads[TB_CONFIG_PATH_MAX + sizeof(UPLOADS_SUB) + 1];
    if (cfg.uploads_dir[0])
        snprintf(uploads, sizeof(uploads), "%s", cfg.uploads_dir);
    else
        snprintf(uploads, sizeof(uploads), "%s/%s", cfg.data, UPLOADS_SUB);
    print_summary(file, (long long)st.st_size, events);
    /* The uploads go after the database: a file is written before the row
     * naming it commits and is never changed, so a later copy of the
     * directory has every file the database copy names. */
    printf("tongban backup: reminder: %s holds the database only. Keep %s/%s with it, apart "
           "and secret (the master key: without it the sealed personal data cannot be read "
           "nor the audit log verified), and copy the uploaded files in %s now, after the "
           "database (docs/operations.md).\n",
           file, cfg.data, TB_KEYS_SUBDIR, uploads);
    return 0;
}
