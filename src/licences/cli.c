/*
 * cli.c - the licence command-line tools (docs/licences.md):
 *
 *   tongban licences import --data DIR FILE.json|FILE.csv
 *   tongban licence verify FILE.json|FILE.pdf [--public-key PEM] [--data DIR]
 *
 * verify works offline: it needs no server and no key of the installation;
 * with --public-key it checks against the seal's published key, with --data
 * against the seal's key in that installation's database, else against the
 * key in the file (and prints its fingerprint to compare).
 */
#include "licences/internal.h"
#include "app/app.h"
#include "catalog/catalog.h"
#include "lib/arena.h"
#include "lib/config.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/pdfmeta.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_MAX     (256 * 1024 * 1024)
#define FAULTS_SHOWN 50
#define CSV_COLS_MAX 64

static const char usage[] =
    "usage: tongban licences import --data DIR FILE.json|FILE.csv\n"
    "       tongban licence verify FILE.json|FILE.pdf [--public-key PEM] [--data DIR]\n"
    "\n"
    "import  signs historical licences with their issuers' active seals and stores\n"
    "        them; every row is checked first and nothing is written when one is\n"
    "        wrong. JSON: an array of rows (or {\"licences\": [...]}); CSV: a header\n"
    "        row naming type, holder_name, holder_id_type (111|001), holder_id,\n"
    "        issuer (organisation code), issued_on, valid_until, trust_level and\n"
    "        face.<key> columns.\n"
    "verify  checks a licence file or PDF offline: canonical form and SM2-SM3\n"
    "        signature. Exit 0 valid, 1 tampered, 2 unusable input.\n";

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            size_t ncap = cap ? cap * 2 : 131072;
            char *nb = ncap <= FILE_MAX ? realloc(buf, ncap) : NULL;
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    bool err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The arguments after the subcommand: FILE, --data DIR and (allow_key)
 * --public-key PEM. Returns -1 to go on, else the exit status (usage or
 * help printed). */
struct cli_args {
    const char *file, *data, *public_key;
};

static int parse_args(int argc, char **argv, bool allow_key, struct cli_args *a)
{
    memset(a, 0, sizeof(*a));
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
            a->data = argv[++i];
        } else if (allow_key && strcmp(argv[i], "--public-key") == 0 && i + 1 < argc) {
            a->public_key = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (!a->file && argv[i][0] != '-') {
            a->file = argv[i];
        } else {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (!a->file) {
        fputs(usage, stderr);
        return 2;
    }
    return -1;
}

/* ---- CSV into rows (libcsv) ----------------------------------------------------------- */

struct csv_rows {
    json_t *rows;
    char *header[CSV_COLS_MAX];
    size_t ncols, col;
    bool in_header;
    json_t *row;
    int err;
};

static void csv_field(void *s, size_t len, void *data)
{
    struct csv_rows *r = data;
    if (r->err)
        return;
    if (r->in_header) {
        if (r->ncols == CSV_COLS_MAX || !(r->header[r->ncols] = strndup(s, len)))
            r->err = TB_ERR_TOO_LARGE;
        else
            r->ncols++;
        return;
    }
    if (!r->row && !(r->row = json_object())) {
        r->err = TB_ERR_NOMEM;
        return;
    }
    size_t c = r->col++;
    if (c >= r->ncols || len == 0)
        return; /* an empty cell is an absent value */
    json_t *v = json_stringn(s, len);
    if (!v) {
        r->err = TB_ERR_BAD_UTF8;
        return;
    }
    const char *name = r->header[c];
    if (strncmp(name, "face.", 5) == 0) {
        json_t *face = json_object_get(r->row, "face");
        if (!face)
            json_object_set_new(r->row, "face", face = json_object());
        json_object_set_new(face, name + 5, v);
    } else {
        json_object_set_new(r->row, name, v);
    }
}

static void csv_row_end(int ch, void *data)
{
    (void)ch;
    struct csv_rows *r = data;
    if (r->in_header) {
        r->in_header = false;
        return;
    }
    if (r->row && json_array_append_new(r->rows, r->row) < 0)
        r->err = TB_ERR_NOMEM;
    r->row = NULL;
    r->col = 0;
}

static int csv_to_rows(const char *text, size_t len, json_t **out)
{
    struct csv_parser p;
    struct csv_rows r = {.rows = json_array(), .in_header = true};
    if (!r.rows || csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0) {
        json_decref(r.rows);
        return TB_ERR_NOMEM;
    }
    /* a UTF-8 byte order mark (spreadsheets write one) is not data */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3, len -= 3;
    int rc = TB_OK;
    if (csv_parse(&p, text, len, csv_field, csv_row_end, &r) != len ||
        csv_fini(&p, csv_field, csv_row_end, &r) != 0)
        rc = TB_ERR_INVALID;
    csv_free(&p);
    for (size_t i = 0; i < r.ncols; i++)
        free(r.header[i]);
    json_decref(r.row);
    if (rc == 0 && r.err)
        rc = r.err;
    if (rc < 0) {
        json_decref(r.rows);
        return rc;
    }
    *out = r.rows;
    return TB_OK;
}

/* ---- import --------------------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

int licences_cli_import(int argc, char **argv)
{
    struct cli_args args;
    int st = parse_args(argc, argv, false, &args);
    if (st >= 0)
        return st;
    if (!args.data) {
        fputs(usage, stderr);
        return 2;
    }
    const char *file = args.file, *data = args.data;
    size_t len = 0;
    char *text = read_all(file, &len);
    if (!text) {
        fprintf(stderr, "tongban licences import: cannot read %s: %s\n", file, strerror(errno));
        return 2;
    }
    json_t *doc = NULL, *rows = NULL;
    int rc;
    if (ends_with(file, ".csv")) {
        rc = csv_to_rows(text, len, &rows);
    } else {
        rc = tb_json_parse(text, len, 16, &doc, NULL);
        rows =
            json_is_array(doc) ? json_incref(doc) : json_incref(json_object_get(doc, "licences"));
    }
    free(text);
    json_decref(doc);
    if (rc < 0 || !rows) {
        fprintf(stderr, "tongban licences import: %s is not a readable %s file (%s)\n", file,
                ends_with(file, ".csv") ? "CSV" : "JSON",
                tb_err_code(rc < 0 ? rc : TB_ERR_INVALID));
        json_decref(rows);
        return 2;
    }
    static struct tb_app app;
    int code = 1;
    struct tb_arena arena;
    tb_arena_init(&arena, 64 * 1024);
    if (tb_app_open_data(data, "tongban licences import", &app) == 0) {
        static struct item_problem found[FAULTS_SHOWN];
        struct item_problems p = {found, FAULTS_SHOWN, 0};
        size_t written = 0;
        rc = licences_import(&app, &arena, rows, &p, "cli", &written);
        if (rc == TB_ERR_INVALID) {
            fprintf(stderr, "tongban licences import: %zu fault(s), nothing imported\n", p.n);
            for (size_t i = 0; i < p.n && i < FAULTS_SHOWN; i++)
                fprintf(stderr, "  %s: %s (%s)\n", found[i].path, found[i].message_zh,
                        found[i].code);
        } else if (rc < 0) {
            fprintf(stderr, "tongban licences import: failed (%s)\n", tb_err_code(rc));
        } else {
            printf("tongban licences import: %zu licences signed and stored\n", written);
            code = 0;
        }
    }
    json_decref(rows);
    tb_arena_free(&arena);
    licences_cleanup();
    tb_db_close(app.db);
    tb_keys_free(&app.keys);
    tb_app_free_calendars(&app);
    tb_crypto_cleanup();
    return code;
}

/* ---- verify --------------------------------------------------------------------------- */

/* The licence file inside a PDF's Subject ("tongban-licence/1:" + base64). */
static json_t *file_from_pdf(const char *path)
{
    char *subject = NULL;
    if (tb_pdf_subject(path, &subject) < 0 || !subject)
        return NULL;
    size_t pl = strlen(LICENCE_PDF_SUBJECT), n = strlen(subject);
    json_t *v = NULL;
    if (n > pl && strncmp(subject, LICENCE_PDF_SUBJECT, pl) == 0) {
        size_t cap = 3 * ((n - pl) / 4) + 1, got = 0;
        char *raw = malloc(cap);
        if (raw && tb_base64_decode(subject + pl, n - pl, raw, cap, &got) == 0)
            tb_json_parse(raw, got, 64, &v, NULL);
        free(raw);
    }
    free(subject);
    return v;
}

static int key_from_data(const char *data, const char *seal_id, struct tb_sm2_key **out)
{
    struct tb_config cfg;
    char err[256];
    tb_config_defaults(&cfg);
    /* the environment names the database when it is not the data
     * directory's SQLite file (TONGBAN_DATABASE) */
    if (tb_config_load_env(&cfg, err, sizeof(err)) < 0 ||
        tb_config_set(&cfg, "data", data, "flag", err, sizeof(err)) < 0)
        return TB_ERR_INVALID;
    struct tb_db *db = NULL;
    int rc = tb_app_open_db(&cfg, &db);
    struct tb_db_conn *c;
    struct tb_arena a;
    tb_arena_init(&a, 4096);
    struct seal_row seal = {0};
    if (rc == 0 && (rc = tb_db_read_conn(db, &c)) == 0 &&
        (rc = seal_by_public_id(c, &a, seal_id ? seal_id : "", &seal)) == 0)
        rc = tb_sm2_pub_from_hex(seal.public_key, strlen(seal.public_key), out);
    tb_arena_free(&a);
    tb_db_close(db);
    return rc;
}

int licence_cli_verify(int argc, char **argv)
{
    struct cli_args args;
    int st = parse_args(argc, argv, true, &args);
    if (st >= 0)
        return st;
    const char *file = args.file, *pem_path = args.public_key, *data = args.data;
    if (tb_crypto_init() < 0)
        return 2;
    json_t *lic = NULL;
    if (ends_with(file, ".pdf")) {
        lic = file_from_pdf(file);
    } else {
        size_t len = 0;
        char *text = read_all(file, &len);
        if (text)
            tb_json_parse(text, len, 64, &lic, NULL);
        free(text);
    }
    int code = 2;
    struct tb_sm2_key *pub = NULL;
    const json_t *content = json_object_get(lic, "content");
    const json_t *seal = json_object_get(lic, "seal");
    if (!lic) {
        fprintf(stderr, "tongban licence verify: %s holds no licence file\n", file);
        goto out;
    }
    if (pem_path) {
        size_t len = 0;
        char *pem = read_all(pem_path, &len);
        int rc = pem ? tb_sm2_pub_from_pem(pem, len, &pub) : TB_ERR_IO;
        free(pem);
        if (rc < 0) {
            fprintf(stderr, "tongban licence verify: %s is no SM2 public key\n", pem_path);
            goto out;
        }
    } else if (data &&
               key_from_data(data, json_string_value(json_object_get(seal, "id")), &pub) < 0) {
        fprintf(stderr, "tongban licence verify: the seal is not in the installation at %s\n",
                data);
        goto out;
    }
    bool valid = false;
    const char *why = NULL;
    if (licence_file_verify(lic, pub, &valid, &why) < 0) {
        fprintf(stderr, "tongban licence verify: %s is not a licence file\n", file);
        goto out;
    }
    const json_t *type = json_object_get(content, "type");
    printf("证照 licence:   %s\n", json_string_value(json_object_get(content, "no")));
    printf("类型 type:      %s\n", json_string_value(json_object_get(type, "name")));
    printf("发证 issuer:    %s (%s)\n",
           json_string_value(json_object_get(json_object_get(content, "issuer"), "name")),
           json_string_value(json_object_get(json_object_get(content, "issuer"), "credit_code")));
    printf("日期 dates:     %s – %s\n", json_string_value(json_object_get(content, "valid_from")),
           json_is_string(json_object_get(content, "valid_until"))
               ? json_string_value(json_object_get(content, "valid_until"))
               : "长期");
    printf("印章 seal:      %s, SM3 fingerprint %s\n",
           json_string_value(json_object_get(seal, "id")),
           json_string_value(json_object_get(seal, "fingerprint")));
    printf("公钥 key:       %s\n", pem_path ? "the public key given"
                                   : data   ? "the seal's key in the installation"
                                            : "the key in the file: compare its fingerprint with "
                                              "the published one (GET /api/v1/seals/{id})");
    if (valid) {
        printf("结果 result:    签名有效 valid signature (SM2-SM3)\n");
        code = 0;
    } else {
        printf("结果 result:    无效 NOT valid: %s\n", why ? why : "tampered");
        code = 1;
    }
out:
    tb_sm2_free(pub);
    json_decref(lic);
    tb_crypto_cleanup();
    return code;
}

int licences_cmd(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "import") == 0)
        return licences_cli_import(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "verify") == 0)
        return licence_cli_verify(argc, argv);
    bool help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
    fputs(usage, help ? stdout : stderr);
    return help ? 0 : 2;
}
