/*
 * cli.c - `tongban audit verify`: the whole-log check from the command line,
 * for the operator on the server and for an auditor with a copy.
 *
 * Two strengths of guarantee, chosen by what the caller holds:
 *   --data DIR             the installation's keys (DIR/keys, master.key):
 *                          chain, checkpoint signatures, anchor and the head
 *                          MAC, so a cut tail is always seen.
 *   --db PATH --public-key FILE
 *                          only the public audit key (audit-sign.pub): chain
 *                          and signatures, but a tail cut back to just after
 *                          a checkpoint is not seen (no head MAC key).
 * --public-key with --data checks signatures against the auditor's own copy
 * of the public key instead of the one the data directory derives.
 *
 * The database is opened as it is; migrations are never run here (a verifier
 * must not change what it checks).
 */
#include "audit/audit.h"
#include "lib/crypto.h"
#include "lib/config.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/keys.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define EXIT_INTACT 0
#define EXIT_FAULT  1
#define EXIT_USAGE  2
#define EXIT_ERROR  3

#define CLI_PATH_MAX  4096
#define PUBKEY_MAX    8192 /* bytes of a public key file */
#define KEYS_SUBDIR   "keys"
#define DB_FILE       "tongban.db"
#define SQLITE_PREFIX "sqlite:"

static const char usage[] =
    "usage: tongban audit verify --data DIR [--public-key FILE]\n"
    "       tongban audit verify --db PATH --public-key FILE\n"
    "\n"
    "Checks the whole audit log: every event's SM3 hash chain, the signed\n"
    "checkpoints, the purge anchor and, with --data, the head MAC.\n"
    "\n"
    "  --data DIR          data directory; uses DIR/keys and DIR/tongban.db\n"
    "                      (or the database TONGBAN_DATABASE names)\n"
    "                      (full check, needs read access to the key files)\n"
    "  --db PATH           the database (a file path, sqlite:PATH or postgresql://...)\n"
    "  --public-key FILE   the audit public key (PEM, audit-sign.pub); without\n"
    "                      --data the head MAC cannot be checked, so a tail cut\n"
    "                      back to just after a checkpoint would not show\n"
    "  -h, --help          this text\n"
    "\n"
    "Prints one line. Exit status: 0 intact, 1 fault found, 2 usage,\n"
    "3 could not verify (database or keys unreadable).\n";

struct opts {
    const char *data;
    const char *db;
    const char *public_key;
    bool help;
};

/* Parses the options after "verify". 0, or EXIT_USAGE after a message. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'},
        {"db", required_argument, NULL, 'b'},
        {"public-key", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    memset(o, 0, sizeof(*o));
    optind = 0; /* full reset: main may have used getopt before */
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            o->data = optarg;
            break;
        case 'b':
            o->db = optarg;
            break;
        case 'p':
            o->public_key = optarg;
            break;
        case 'h':
            o->help = true;
            break;
        default:
            fprintf(stderr, "tongban audit verify: unknown or incomplete option \"%s\"\n\n%s",
                    argv[optind - 1], usage);
            return EXIT_USAGE;
        }
    }
    if (o->help)
        return 0;
    if (optind < argc) {
        fprintf(stderr, "tongban audit verify: unexpected argument \"%s\"\n\n%s", argv[optind],
                usage);
        return EXIT_USAGE;
    }
    if (!o->data && !(o->db && o->public_key)) {
        fprintf(stderr,
                "tongban audit verify: give --data DIR, or --db PATH with "
                "--public-key FILE\n\n%s",
                usage);
        return EXIT_USAGE;
    }
    return 0;
}

/* Reads a public key file (PEM, or the 130-digit hex form) into *out. */
static int load_public_key(const char *path, struct tb_sm2_key **out)
{
    char buf[PUBKEY_MAX + 1];
    FILE *f = fopen(path, "rb");
    if (!f)
        return TB_ERR_IO;
    size_t n = fread(buf, 1, sizeof(buf), f);
    int err = ferror(f);
    fclose(f);
    if (err)
        return TB_ERR_IO;
    if (n > PUBKEY_MAX)
        return TB_ERR_TOO_LARGE;
    buf[n] = '\0';
    if (tb_sm2_pub_from_pem(buf, n, out) == 0)
        return 0;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        n--;
    return tb_sm2_pub_from_hex(buf, n, out);
}

static void db_log(void *ctx, enum tb_db_log_level level, const char *msg)
{
    (void)ctx;
    if (level != TB_DB_LOG_INFO)
        fprintf(stderr, "tongban audit verify: database: %s\n", msg);
}

/* The database to open: --db, else TONGBAN_DATABASE, else DIR/tongban.db. A SQLite file must exist
 * already: opening would otherwise create an empty one. */
static bool is_pg_url(const char *u)
{
    return strncmp(u, "postgresql://", 13) == 0 || strncmp(u, "postgres://", 11) == 0;
}

static int db_target(const struct opts *o, char *url, size_t cap)
{
    struct stat st;
    struct tb_config cfg;
    char err[256];
    int n;
    /* without --db, the database the server uses: TONGBAN_DATABASE */
    tb_config_defaults(&cfg);
    const char *env_db =
        !o->db && tb_config_load_env(&cfg, err, sizeof(err)) == 0 && cfg.database[0] ? cfg.database
                                                                                     : NULL;
    if (o->db && is_pg_url(o->db))
        n = snprintf(url, cap, "%s", o->db);
    else if (env_db && is_pg_url(env_db))
        n = snprintf(url, cap, "%s", env_db);
    else if (o->db || env_db)
        n = snprintf(url, cap, "%s%s",
                     strncmp(o->db ? o->db : env_db, SQLITE_PREFIX, strlen(SQLITE_PREFIX)) == 0
                         ? ""
                         : SQLITE_PREFIX,
                     o->db ? o->db : env_db);
    else
        n = snprintf(url, cap, "%s%s/%s", SQLITE_PREFIX, o->data, DB_FILE);
    if (n < 0 || (size_t)n >= cap)
        return TB_ERR_INVALID;
    if (strncmp(url, SQLITE_PREFIX, strlen(SQLITE_PREFIX)) == 0 &&
        stat(url + strlen(SQLITE_PREFIX), &st) != 0) {
        fprintf(stderr, "tongban audit verify: %s: %s\n", url + strlen(SQLITE_PREFIX),
                strerror(errno));
        return TB_ERR_IO;
    }
    return 0;
}

/* Loads the keys o asks for into k (keys and pub hold what must be freed). */
static int load_keys(const struct opts *o, struct tb_keys *keys, bool *have_keys,
                     struct tb_sm2_key **pub, struct audit_keys *k)
{
    char keydir[CLI_PATH_MAX];
    int rc;
    memset(k, 0, sizeof(*k));
    if (o->data) {
        int n = snprintf(keydir, sizeof(keydir), "%s/%s", o->data, KEYS_SUBDIR);
        if (n < 0 || (size_t)n >= sizeof(keydir))
            return TB_ERR_INVALID;
        rc = tb_keys_load(keydir, keys);
        if (rc < 0) {
            fprintf(stderr,
                    "tongban audit verify: cannot load the keys in %s (%s); without them use "
                    "--db PATH --public-key FILE\n",
                    keydir, tb_err_code(rc));
            return rc;
        }
        *have_keys = true;
        k->head_mac_key = keys->audit_mac;
        k->verify_key = keys->audit_sign;
    }
    if (o->public_key) {
        rc = load_public_key(o->public_key, pub);
        if (rc < 0) {
            fprintf(stderr, "tongban audit verify: %s is not an SM2 public key (%s)\n",
                    o->public_key, tb_err_code(rc));
            return rc;
        }
        k->verify_key = *pub;
    }
    return 0;
}

static int cmd_verify(int argc, char **argv)
{
    struct opts o;
    struct tb_keys keys;
    struct audit_keys k;
    struct audit_report r;
    struct tb_sm2_key *pub = NULL;
    struct tb_db *db = NULL;
    bool have_keys = false;
    char url[CLI_PATH_MAX + 16];
    int status = EXIT_ERROR;

    int st = parse_opts(argc, argv, &o);
    if (st)
        return st;
    if (o.help) {
        fputs(usage, stdout);
        return EXIT_INTACT;
    }
    if (tb_crypto_init() < 0) {
        fprintf(stderr, "tongban audit verify: SM2/SM3 are not available in this OpenSSL\n");
        return EXIT_ERROR;
    }
    if (db_target(&o, url, sizeof(url)) < 0 || load_keys(&o, &keys, &have_keys, &pub, &k) < 0)
        goto done;
    struct tb_db_options dbopt = {.log = db_log};
    int rc = tb_db_open(url, &dbopt, &db);
    if (rc < 0) {
        fprintf(stderr, "tongban audit verify: cannot open the database (%s)\n", tb_err_code(rc));
        goto done;
    }
    rc = audit_verify(db, &k, &r);
    if (rc == 0) {
        printf("tongban audit: %s\n", r.message);
        status = EXIT_INTACT;
    } else if (rc == TB_ERR_INVALID) {
        printf("tongban audit: FAULT %s at seq %lld: %s\n", audit_fault_code(r.fault),
               (long long)r.seq, r.message);
        status = EXIT_FAULT;
    } else {
        fprintf(stderr, "tongban audit verify: %s\n", r.message);
    }

done:
    tb_db_close(db);
    if (have_keys)
        tb_keys_free(&keys);
    tb_sm2_free(pub);
    tb_crypto_cleanup();
    return status;
}

/* ---- the command ------------------------------------------------------- */

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} subcommands[] = {
    {"verify", cmd_verify},
};

int audit_cmd(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_INTACT;
    }
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "tongban audit: unknown subcommand \"%s\"\n\n%s", argv[1], usage);
    return EXIT_USAGE;
}
