/*
 * commands.c - `tongban init`, `tongban serve` and `tongban calendar`.
 *
 * Settings come from defaults, then an INI file (--config or
 * TONGBAN_CONFIG), then TONGBAN_* variables, then flags. `serve` refuses to
 * start when a cryptographic known-answer test fails (密评: a broken SM3 or
 * SM2 must never sign or hash anything), or when the data directory was not
 * initialised.
 */
#include "accounts/api.h"
#include "app/app.h"
#include "calendar/calendar.h"
#include "cases/api.h"
#include "catalog/io.h"
#include "licences/licences.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/embed.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/timeutil.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CALENDAR_FILE "data/calendar/cn.csv"
#define DB_FILE       "tongban.db"

/* ---- settings ------------------------------------------------------------ */

enum {
    OPT_DATA = 1000,
    OPT_LISTEN,
    OPT_WEB,
    OPT_CONFIG,
    OPT_SET,
    OPT_DEMO,
    OPT_HELP,
    OPT_FROM,
    OPT_TO
};

static const struct option common_opts[] = {
    {"data", required_argument, NULL, OPT_DATA}, {"listen", required_argument, NULL, OPT_LISTEN},
    {"web", required_argument, NULL, OPT_WEB},   {"config", required_argument, NULL, OPT_CONFIG},
    {"set", required_argument, NULL, OPT_SET},   {"demo", no_argument, NULL, OPT_DEMO},
    {"help", no_argument, NULL, OPT_HELP},       {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},     {NULL, 0, NULL, 0},
};

struct cli {
    struct tb_config cfg;
    bool demo;
    bool help;
    const char *from, *to;
};

/* Applies flags in two passes: --config first (so flags override the file),
 * then the environment, then every other flag. Returns 0 or 2 (usage). */
#define ALLOW(o) (1u << ((o)-OPT_DATA))

static int parse_cli(int argc, char **argv, unsigned allowed, struct cli *cli)
{
    char err[512];
    const char *config = getenv("TONGBAN_CONFIG");
    tb_config_defaults(&cli->cfg);
    cli->demo = cli->help = false;
    cli->from = cli->to = NULL;

    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", common_opts, NULL)) != -1) {
        if (c == OPT_CONFIG)
            config = optarg;
        else if (c == '?') {
            fprintf(stderr, "tongban %s: unknown option %s\n", argv[0], argv[optind - 1]);
            return 2;
        }
    }
    if (config && tb_config_load_file(&cli->cfg, config, err, sizeof(err)) < 0) {
        fprintf(stderr, "tongban: %s\n", err);
        return 2;
    }
    if (tb_config_load_env(&cli->cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, "tongban: %s\n", err);
        return 2;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", common_opts, NULL)) != -1) {
        const char *key = NULL;
        const char *name = NULL;
        for (const struct option *o = common_opts; o->name; o++)
            if (o->val == c)
                name = o->name;
        allowed |= ALLOW(OPT_CONFIG) | ALLOW(OPT_SET) | ALLOW(OPT_HELP);
        if (c >= OPT_DATA && name && !(allowed & ALLOW(c))) {
            fprintf(stderr, "tongban %s: --%s does not apply here\n", argv[0], name);
            return 2;
        }
        switch (c) {
        case OPT_DATA:
            key = "data";
            break;
        case OPT_LISTEN:
            key = "listen";
            break;
        case OPT_WEB:
            key = "web_root";
            break;
        case OPT_DEMO:
            cli->demo = true;
            break;
        case OPT_FROM:
            cli->from = optarg;
            break;
        case OPT_TO:
            cli->to = optarg;
            break;
        case 'h':
        case OPT_HELP:
            cli->help = true;
            break;
        case OPT_SET: {
            char *eq = strchr(optarg, '=');
            if (!eq) {
                fprintf(stderr, "tongban: --set wants KEY=VALUE\n");
                return 2;
            }
            *eq = '\0';
            int rc = tb_config_set(&cli->cfg, optarg, eq + 1, "--set", err, sizeof(err));
            *eq = '=';
            if (rc < 0) {
                fprintf(stderr, "tongban: %s\n", err);
                return 2;
            }
            break;
        }
        default:
            break;
        }
        if (key && tb_config_set(&cli->cfg, key, optarg, "flag", err, sizeof(err)) < 0) {
            fprintf(stderr, "tongban: %s\n", err);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "tongban %s: unexpected argument \"%s\"\n", argv[0], argv[optind]);
        return 2;
    }
    if (tb_log_set_level_name(cli->cfg.log_level) < 0) {
        fprintf(stderr, "tongban: log_level must be debug, info, warn or error\n");
        return 2;
    }
    return 0;
}

static void print_settings_help(void)
{
    struct tb_config d;
    char text[4096];
    tb_config_defaults(&d);
    tb_config_describe(&d, text, sizeof(text));
    printf("\nSettings (INI file via --config or TONGBAN_CONFIG, then TONGBAN_<KEY>\n"
           "environment variables, then --set KEY=VALUE; later wins):\n%s",
           text);
}

/* ---- database ------------------------------------------------------------ */

static void db_log(void *ctx, enum tb_db_log_level level, const char *msg)
{
    (void)ctx;
    tb_log(level == TB_DB_LOG_ERROR  ? TB_LOG_ERROR
           : level == TB_DB_LOG_WARN ? TB_LOG_WARN
                                     : TB_LOG_INFO,
           "db: %s", msg);
}

int tb_app_open_db(const struct tb_config *cfg, struct tb_db **out)
{
    char url[TB_CONFIG_PATH_MAX + 32];
    if (cfg->database[0])
        snprintf(url, sizeof(url), "%s", cfg->database);
    else
        snprintf(url, sizeof(url), "sqlite:%s/%s", cfg->data, DB_FILE);
    struct tb_db_options opt = {0};
    opt.busy_timeout_ms = (int)cfg->db_busy_timeout_ms;
    opt.write_batch_max = (int)cfg->db_write_batch_max;
    opt.log = db_log;
    struct tb_db *db = NULL;
    int rc = tb_db_open(url, &opt, &db);
    if (rc < 0) {
        tb_log_error("cannot open the database (%s)", tb_err_code(rc));
        return rc;
    }
    /* The migrations compiled into this binary, in the order of the table
     * (cmake sorts the glob); tb_db_migrate_from_list sorts by version anyway. */
    struct tb_db_migration list[256];
    size_t n = 0;
    for (const struct tb_embedded *e = tb_embedded_files; e->name; e++) {
        static const char prefix[] = "migrations/";
        if (strncmp(e->name, prefix, sizeof(prefix) - 1) != 0)
            continue;
        const char *base = e->name + sizeof(prefix) - 1;
        if (n == sizeof(list) / sizeof(list[0])) {
            rc = TB_ERR_INTERNAL;
            goto fail;
        }
        list[n].version = strtoll(base, NULL, 10);
        list[n].name = base;
        list[n].sql = e->data;
        n++;
    }
    struct tb_db_migrate_report rep;
    rc = tb_db_migrate_from_list(db, list, n, &rep);
    if (rc < 0) {
        tb_log_error("migration %s failed: %s", rep.failed_name, rep.message);
        goto fail;
    }
    if (rep.applied)
        tb_log_info("applied %d migration(s)", rep.applied);
    *out = db;
    return TB_OK;
fail:
    tb_db_close(db);
    return rc;
}

int tb_app_load_calendar(struct calendar **out)
{
    const struct tb_embedded *e = tb_embedded_find(CALENDAR_FILE);
    char err[256];
    if (!e)
        return TB_ERR_INTERNAL;
    int rc = calendar_parse(e->data, e->len, out, err, sizeof(err));
    if (rc < 0)
        tb_log_error("calendar data: %s", err);
    return rc;
}

/* Defined only by the tongban-test binary (tests/testbin/clock.c). */
extern const struct tb_route tb_test_routes[] __attribute__((weak));
extern const size_t tb_test_routes_count __attribute__((weak));

int tb_app_load_saved_calendar(struct tb_db *db, struct calendar **out)
{
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    int rc = tb_db_read_conn(db, &c);
    if (rc == 0)
        rc = tb_db_prepare(c, "SELECT text FROM calendar_versions ORDER BY id DESC LIMIT 1", &s);
    if (rc != 0)
        return rc;
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        const char *text = tb_db_column_text(s, 0);
        char err[256];
        rc = calendar_parse(text, strlen(text), out, err, sizeof(err));
        if (rc < 0)
            tb_log_error("saved calendar: %s", err);
        tb_db_stmt_done(s);
        return rc;
    }
    tb_db_stmt_done(s);
    return rc < 0 ? rc : tb_app_load_calendar(out);
}

int tb_app_refresh_calendar(struct tb_app *app)
{
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    struct calendar *cal = NULL;
    int64_t id = 0;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc == 0)
        rc = tb_db_prepare(c, "SELECT coalesce(max(id), 0) FROM calendar_versions", &s);
    if (rc != 0)
        return rc;
    if ((rc = tb_db_step(s)) == TB_DB_ROW)
        id = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (id == __atomic_load_n(&app->calendar_id, __ATOMIC_ACQUIRE))
        return 0;
    rc = tb_app_load_saved_calendar(app->db, &cal);
    if (rc == 0)
        rc = tb_app_set_calendar(app, cal);
    if (rc < 0) {
        calendar_free(cal);
        return rc;
    }
    __atomic_store_n(&app->calendar_id, id, __ATOMIC_RELEASE);
    return 1;
}

/* Guards the swap and the retired list: an administrator's change and the
 * jobs thread's refresh may meet. */
static pthread_mutex_t calendar_lock = PTHREAD_MUTEX_INITIALIZER;

int tb_app_set_calendar(struct tb_app *app, struct calendar *cal)
{
    pthread_mutex_lock(&calendar_lock);
    if (app->calendar) {
        struct tb_calendar_retired *old = malloc(sizeof(*old));
        if (!old) {
            pthread_mutex_unlock(&calendar_lock);
            return TB_ERR_NOMEM;
        }
        old->cal = app->calendar;
        old->next = app->calendars_retired;
        app->calendars_retired = old;
    }
    __atomic_store_n(&app->calendar, cal, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&calendar_lock);
    return TB_OK;
}

void tb_app_restore_calendar(struct tb_app *app, const struct calendar *old)
{
    pthread_mutex_lock(&calendar_lock);
    for (struct tb_calendar_retired *r = app->calendars_retired; r; r = r->next)
        if (r->cal == old) {
            struct calendar *back = r->cal;
            r->cal = app->calendar; /* kept: readers may hold it */
            __atomic_store_n(&app->calendar, back, __ATOMIC_RELEASE);
            break;
        }
    pthread_mutex_unlock(&calendar_lock);
}

void tb_app_free_calendars(struct tb_app *app)
{
    while (app->calendars_retired) {
        struct tb_calendar_retired *r = app->calendars_retired;
        app->calendars_retired = r->next;
        calendar_free(r->cal);
        free(r);
    }
    if (app->calendar)
        calendar_free(app->calendar);
    app->calendar = NULL;
}

struct setting_write {
    const char *key;
    const char *value;
};

static int write_setting(struct tb_db_conn *c, void *ctx)
{
    struct setting_write *w = ctx;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "INSERT INTO settings(key, value, updated_at) VALUES (?1, ?2, ?3) "
                           "ON CONFLICT(key) DO UPDATE SET value = ?2, updated_at = ?3",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, w->key, -1);
    tb_db_bind_text(s, 2, w->value, -1);
    tb_db_bind_int64(s, 3, tb_time_now_ms());
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

/* Loads the key files of a data directory into app (keys and audit keys). */
static int app_attach_keys(struct tb_app *app, const char *keydir)
{
    int rc = tb_keys_load(keydir, &app->keys);
    if (rc < 0) {
        tb_log_error("cannot load the key files in %s (%s): run `tongban init` or fix their "
                     "permissions (0600, owner only)",
                     keydir, tb_err_code(rc));
        return rc;
    }
    app->audit.head_mac_key = app->keys.audit_mac;
    app->audit.sign_key = app->keys.audit_sign;
    app->audit.verify_key = app->keys.audit_sign;
    app->audit.checkpoint_every = 1000;
    return TB_OK;
}

int tb_app_open_data(const char *data, const char *who, struct tb_app *app)
{
    char err[512], keydir[TB_CONFIG_PATH_MAX + 8];
    tb_config_defaults(&app->cfg);
    if (tb_config_load_env(&app->cfg, err, sizeof(err)) < 0 ||
        tb_config_set(&app->cfg, "data", data, "flag", err, sizeof(err)) < 0) {
        fprintf(stderr, "%s: %s\n", who, err);
        return TB_ERR_INVALID;
    }
    snprintf(keydir, sizeof(keydir), "%s/%s", app->cfg.data, TB_KEYS_SUBDIR);
    int rc = tb_crypto_init();
    if (rc == 0 && (rc = tb_keys_load(keydir, &app->keys)) < 0) {
        fprintf(stderr, "%s: cannot load the keys in %s (%s)\n", who, keydir, tb_err_code(rc));
        return rc;
    }
    app->audit.head_mac_key = app->keys.audit_mac;
    app->audit.sign_key = app->keys.audit_sign;
    app->audit.verify_key = app->keys.audit_sign;
    app->audit.checkpoint_every = AUDIT_CHECKPOINT_EVERY_DEF;
    if (rc == 0)
        rc = tb_app_open_db(&app->cfg, &app->db);
    if (rc == 0)
        rc = tb_app_load_saved_calendar(app->db, &app->calendar);
    return rc;
}

/* ---- init ---------------------------------------------------------------- */

static const char init_usage[] =
    "usage: tongban init --data DIR [--demo] [--config FILE] [--set KEY=VALUE]\n"
    "\n"
    "Creates the data directory (mode 0700) and its database, applies every\n"
    "migration, and with --demo marks the installation as a demonstration\n"
    "(demo data of later features is loaded only then). Running it again on an\n"
    "existing directory applies pending migrations and changes nothing else.\n";

static int import_demo_catalog(struct tb_app *app);

int tb_cmd_init(int argc, char **argv)
{
    struct cli cli;
    int st = parse_cli(argc, argv, ALLOW(OPT_DATA) | ALLOW(OPT_DEMO), &cli);
    if (st)
        return st;
    if (cli.help) {
        fputs(init_usage, stdout);
        print_settings_help();
        return 0;
    }
    if (mkdir(cli.cfg.data, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "tongban init: cannot create %s: %s\n", cli.cfg.data, strerror(errno));
        return 1;
    }
    char keydir[TB_CONFIG_PATH_MAX + 8];
    snprintf(keydir, sizeof(keydir), "%s/%s", cli.cfg.data, TB_KEYS_SUBDIR);
    if (tb_crypto_init() < 0 || tb_keys_create(keydir) < 0) {
        fprintf(stderr, "tongban init: cannot create the key files in %s\n", keydir);
        return 1;
    }
    struct tb_db *db;
    if (tb_app_open_db(&cli.cfg, &db) < 0) {
        fprintf(stderr, "tongban init: the database could not be prepared (see log above)\n");
        return 1;
    }
    int rc = TB_OK;
    if (cli.demo) {
        struct tb_app app = {0};
        struct setting_write w = {"demo", "1"};
        rc = tb_db_write(db, write_setting, &w);
        if (rc == 0)
            rc = app_attach_keys(&app, keydir);
        if (rc == 0) {
            app.db = db;
            rc = accounts_seed_demo(&app);
        }
        if (rc == 0)
            rc = import_demo_catalog(&app);
        if (rc == 0)
            rc = licences_seed_demo(&app);
        licences_cleanup();
        tb_keys_free(&app.keys);
    }
    tb_db_close(db);
    tb_crypto_cleanup();
    if (rc < 0) {
        fprintf(stderr, "tongban init: cannot record settings (%s)\n", tb_err_code(rc));
        return 1;
    }
    printf("tongban: data directory %s is ready%s\n", cli.cfg.data, cli.demo ? " (demo)" : "");
    return 0;
}

/* ---- catalogue ---------------------------------------------------------- */

static void print_problems(const char *what, const struct item_problems *p)
{
    size_t kept = p->n < p->cap ? p->n : p->cap;
    fprintf(stderr, "tongban catalog %s: %zu fault(s); nothing was written\n", what, p->n);
    for (size_t i = 0; i < kept; i++)
        fprintf(stderr, "  %s: %s: %s (%s)\n", p->out[i].path[0] ? p->out[i].path : "(file)",
                p->out[i].code, p->out[i].message_zh, p->out[i].message_en);
    if (p->n > kept)
        fprintf(stderr, "  ... and %zu more\n", p->n - kept);
}

#define IMPORT_FAULTS_SHOWN 500

/* The demo catalogue compiled into the binary (data/demo/catalog.json). */
static int import_demo_catalog(struct tb_app *app)
{
    const struct tb_embedded *e = tb_embedded_find("data/demo/catalog.json");
    if (!e)
        return TB_OK;
    static struct item_problem found[IMPORT_FAULTS_SHOWN];
    struct item_problems p = {found, IMPORT_FAULTS_SHOWN, 0};
    struct catalog_import_stats st;
    int rc = catalog_import(app->db, &app->audit, (const char *)e->data, e->len, &p, &st);
    if (rc == TB_ERR_INVALID)
        print_problems("import (demo)", &p);
    return rc;
}

static const char catalog_usage[] =
    "usage: tongban catalog import FILE --data DIR\n"
    "       tongban catalog export FILE --data DIR   (FILE - writes to standard output)\n"
    "\n"
    "The whole catalogue as one JSON file: organisations, the proof and\n"
    "intermediary lists, items and halls (docs/catalogue.md). Import checks the\n"
    "whole file and writes it entirely or not at all, listing every fault with\n"
    "its item and field; an item that differs from its current version gets a\n"
    "new published version. Export then import into an empty database then\n"
    "export gives the same bytes.\n";

#define CATALOG_FILE_MAX (256u * 1024 * 1024)

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct tb_buf b;
    tb_buf_init(&b, CATALOG_FILE_MAX);
    char chunk[65536];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = tb_buf_append(&b, chunk, n);
    bool bad = rc < 0 || ferror(f);
    fclose(f);
    if (bad) {
        tb_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    const char *s = tb_buf_cstr(&b);
    char *copy = s ? malloc(b.len + 1) : NULL;
    if (copy)
        memcpy(copy, s, b.len + 1);
    tb_buf_free(&b);
    return copy;
}

int tb_cmd_catalog(int argc, char **argv)
{
    bool help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
    if (argc < 3 || (strcmp(argv[1], "import") != 0 && strcmp(argv[1], "export") != 0)) {
        fputs(catalog_usage, help ? stdout : stderr);
        return help ? 0 : 2;
    }
    bool import = strcmp(argv[1], "import") == 0;
    const char *file = argv[2];
    struct cli cli;
    int st = parse_cli(argc - 2, argv + 2, ALLOW(OPT_DATA), &cli);
    if (st)
        return st;
    if (cli.help) {
        fputs(catalog_usage, stdout);
        return 0;
    }
    static struct tb_app app;
    app.cfg = cli.cfg;
    char keydir[TB_CONFIG_PATH_MAX + 8];
    snprintf(keydir, sizeof(keydir), "%s/%s", app.cfg.data, TB_KEYS_SUBDIR);
    int code = 1;
    char *text = NULL;
    if (tb_crypto_init() < 0 || app_attach_keys(&app, keydir) < 0)
        goto done;
    if (tb_app_open_db(&app.cfg, &app.db) < 0)
        goto done;
    if (import) {
        size_t len = 0;
        if (!(text = read_file(file, &len))) {
            fprintf(stderr, "tongban catalog import: cannot read %s: %s\n", file, strerror(errno));
            goto done;
        }
        static struct item_problem found[IMPORT_FAULTS_SHOWN];
        struct item_problems p = {found, IMPORT_FAULTS_SHOWN, 0};
        struct catalog_import_stats stats;
        int rc = catalog_import(app.db, &app.audit, text, len, &p, &stats);
        if (rc == TB_ERR_INVALID) {
            print_problems("import", &p);
            goto done;
        }
        if (rc < 0) {
            fprintf(stderr, "tongban catalog import: failed (%s)\n", tb_err_code(rc));
            goto done;
        }
        printf("tongban catalog import: %zu organisations, %zu items (%zu new versions), "
               "%zu halls\n",
               stats.orgs, stats.items, stats.items_written, stats.halls);
        code = 0;
    } else {
        int rc = catalog_export(app.db, &text);
        if (rc < 0) {
            fprintf(stderr, "tongban catalog export: failed (%s)\n", tb_err_code(rc));
            goto done;
        }
        FILE *f = strcmp(file, "-") == 0 ? stdout : fopen(file, "wb");
        if (!f) {
            fprintf(stderr, "tongban catalog export: cannot write %s: %s\n", file, strerror(errno));
            goto done;
        }
        bool ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
        if (f != stdout)
            ok = fclose(f) == 0 && ok;
        else
            ok = fflush(f) == 0 && ok;
        code = ok ? 0 : 1;
        if (!ok)
            fprintf(stderr, "tongban catalog export: write to %s failed\n", file);
    }
done:
    free(text);
    tb_db_close(app.db);
    tb_keys_free(&app.keys);
    tb_crypto_cleanup();
    return code;
}

/* ---- serve ---------------------------------------------------------------- */

static const char serve_usage[] =
    "usage: tongban serve --data DIR --listen HOST:PORT [--web DIR] [--config FILE]\n"
    "                     [--set KEY=VALUE]\n"
    "\n"
    "Serves the platform over HTTP until SIGINT or SIGTERM. Applies pending\n"
    "migrations at start. Prints one line \"tongban: listening on URL\" on\n"
    "standard output when ready (with port 0, the URL has the port chosen).\n";

int tb_cmd_serve(int argc, char **argv)
{
    struct tb_route *with_test = NULL;
    struct cli cli;
    int st = parse_cli(argc, argv, ALLOW(OPT_DATA) | ALLOW(OPT_LISTEN) | ALLOW(OPT_WEB), &cli);
    if (st)
        return st;
    if (cli.help) {
        fputs(serve_usage, stdout);
        print_settings_help();
        return 0;
    }
    static struct tb_app app; /* lives until exit; handlers point into it */
    app.cfg = cli.cfg;
    app.started_ms = tb_time_now_ms();
    int exit_code = 1;

    const char *failed = NULL;
    if (tb_crypto_init() < 0 || tb_crypto_selftest(&failed) < 0) {
        tb_log_error("cryptographic self-test failed (%s): refusing to serve",
                     failed ? failed : "init");
        return 1;
    }
    struct stat st_data;
    if (!app.cfg.database[0] && stat(app.cfg.data, &st_data) != 0) {
        fprintf(stderr,
                "tongban serve: data directory %s does not exist; run "
                "`tongban init --data %s` first\n",
                app.cfg.data, app.cfg.data);
        goto done;
    }
    char keydir[TB_CONFIG_PATH_MAX + 8];
    snprintf(keydir, sizeof(keydir), "%s/%s", app.cfg.data, TB_KEYS_SUBDIR);
    if (app_attach_keys(&app, keydir) < 0 || accounts_init(app.cfg.realname_verifier) < 0)
        goto done;
    if (tb_app_open_db(&app.cfg, &app.db) < 0)
        goto done;
    if (tb_app_load_saved_calendar(app.db, &app.calendar) < 0)
        goto done;

    /* Block the stop signals in every thread; main waits for them below. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct tb_http_options o = {0};
    o.listen = app.cfg.listen;
    o.web_root = app.cfg.web_root[0] ? app.cfg.web_root : NULL;
    o.io_threads = app.cfg.io_threads;
    o.workers = app.cfg.workers;
    o.conn_timeout_s = app.cfg.conn_timeout_s;
    o.max_conns = app.cfg.max_conns;
    o.max_conns_per_ip = app.cfg.max_conns_per_ip;
    o.conn_memory_bytes = (size_t)app.cfg.conn_memory_kb * 1024;
    o.body_max = (size_t)app.cfg.body_max_kb * 1024;
    o.json_max_depth = app.cfg.json_max_depth;
    o.access_log = app.cfg.access_log;
    o.routes = tb_routes;
    o.nroutes = tb_routes_count;
    if (&tb_test_routes_count && tb_test_routes_count) {
        /* tongban-test: its routes after the platform's */
        with_test = calloc(tb_routes_count + tb_test_routes_count, sizeof(*with_test));
        if (!with_test)
            goto done;
        memcpy(with_test, tb_routes, tb_routes_count * sizeof(*with_test));
        memcpy(with_test + tb_routes_count, tb_test_routes,
               tb_test_routes_count * sizeof(*with_test));
        o.routes = with_test;
        o.nroutes = tb_routes_count + tb_test_routes_count;
        tb_log_warn("tongban-test: the test clock routes are on (never in production)");
    }
    o.gate = accounts_gate;
    o.app = &app;
    if (tb_http_start(&o, &app.server) < 0)
        goto done;

    char host[128];
    snprintf(host, sizeof(host), "%s", app.cfg.listen);
    char *colon = strrchr(host, ':');
    if (colon)
        *colon = '\0';
    if (host[0] == '\0' || strcmp(host, "0.0.0.0") == 0)
        snprintf(host, sizeof(host), "127.0.0.1");
    printf("tongban: listening on http://%s:%u/\n", host, tb_http_port(app.server));
    fflush(stdout);
    tb_log_info("serving on port %u", tb_http_port(app.server));

    struct jobs *jobs = tb_jobs_start(&app);
    int sig = 0;
    sigwait(&stop, &sig);
    tb_log_info("signal %d: stopping", sig);
    tb_http_stop(app.server);
    tb_jobs_stop(jobs);
    app.server = NULL;
    exit_code = 0;
done:
    free(with_test);
    case_items_forget();
    licences_cleanup();
    tb_app_free_calendars(&app);
    tb_db_close(app.db);
    tb_keys_free(&app.keys);
    tb_crypto_cleanup();
    return exit_code;
}

/* ---- calendar ------------------------------------------------------------ */

static const char calendar_usage[] =
    "usage: tongban calendar dump --from YYYY-MM-DD --to YYYY-MM-DD\n"
    "\n"
    "Prints one line per day of the built-in working-day calendar:\n"
    "date, 1 for a working day or 0 for a day off, and the holiday name.\n";

int tb_cmd_calendar(int argc, char **argv)
{
    struct cli cli;
    if (argc < 2 || strcmp(argv[1], "dump") != 0) {
        fputs(calendar_usage, argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
                                  ? stdout
                                  : stderr);
        return argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) ? 0 : 2;
    }
    int st = parse_cli(argc - 1, argv + 1, ALLOW(OPT_FROM) | ALLOW(OPT_TO), &cli);
    if (st)
        return st;
    if (cli.help) {
        fputs(calendar_usage, stdout);
        return 0;
    }
    if (!cli.from || !cli.to) {
        fputs(calendar_usage, stderr);
        return 2;
    }
    struct calendar *cal;
    if (tb_app_load_calendar(&cal) < 0)
        return 1;
    int rc = calendar_cli_dump(cal, cli.from, cli.to, stdout);
    calendar_free(cal);
    if (rc < 0) {
        fprintf(stderr, "tongban calendar dump: bad date range (%s)\n", tb_err_code(rc));
        return 2;
    }
    return 0;
}

/* ---- admin ---------------------------------------------------------------- */

static const char admin_usage[] =
    "usage: tongban admin bootstrap --data DIR\n"
    "\n"
    "Creates the three administrator accounts (system, security, audit; 三权分立)\n"
    "with one-time passwords printed once, to be changed at first login.\n"
    "Refuses when they exist already.\n";

int tb_cmd_admin(int argc, char **argv)
{
    struct cli cli;
    bool help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
    if (argc < 2 || strcmp(argv[1], "bootstrap") != 0) {
        fputs(admin_usage, help ? stdout : stderr);
        return help ? 0 : 2;
    }
    int st = parse_cli(argc - 1, argv + 1, ALLOW(OPT_DATA), &cli);
    if (st)
        return st;
    if (cli.help) {
        fputs(admin_usage, stdout);
        return 0;
    }
    static struct tb_app app;
    app.cfg = cli.cfg;
    char keydir[TB_CONFIG_PATH_MAX + 8];
    snprintf(keydir, sizeof(keydir), "%s/%s", app.cfg.data, TB_KEYS_SUBDIR);
    int code = 1;
    if (tb_crypto_init() < 0 || app_attach_keys(&app, keydir) < 0 ||
        accounts_init(app.cfg.realname_verifier) < 0)
        goto done;
    if (tb_app_open_db(&app.cfg, &app.db) < 0)
        goto done;
    int rc = accounts_bootstrap(&app, stdout);
    code = rc == 0 ? 0 : 1;
done:
    tb_db_close(app.db);
    tb_keys_free(&app.keys);
    tb_crypto_cleanup();
    return code;
}
