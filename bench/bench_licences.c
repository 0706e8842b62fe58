/*
 * bench_licences.c - electronic licences issued and verified per second
 * (docs/licences.md), beside the bare SM2 operations they are built on,
 * measured in the same process on the same machine (bench/run.sh prints
 * `openssl speed sm2` beside these).
 *
 * On a demo data directory (tongban init --demo):
 *   issue   N licences through the import path: each row checked, its
 *           content made canonical, signed with the issuer's seal (SM2-SM3),
 *           sealed at rest (SM4 + HMAC-SM3), stored with its signed event and
 *           its seal use; all in one durable write;
 *   verify  the same N: row read, content opened, canonical form checked,
 *           plain columns compared, signature verified;
 *   sign    N bare tb_sm2_sign of a licence-sized message (baseline);
 *   check   N bare tb_sm2_verify (baseline).
 *
 *   bench_licences -d DATA [-n N]
 */
#include "app/app.h"
#include "catalog/catalog.h"
#include "lib/arena.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/keys.h"
#include "licences/internal.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static json_t *rows(int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        char premises[64];
        snprintf(premises, sizeof(premises), "示范区商贸城B区%d号", i + 1);
        json_array_append_new(
            a,
            json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s}}", "type", "11100000MB0001038T002",
                      "holder_name", "示范华信商贸有限公司", "holder_id_type", "001", "holder_id",
                      "91440300MA01K3Q27W", "issuer", "DEMO-DIST-XZSPJ", "issued_on", "2026-01-05",
                      "face", "premises", premises, "items", "预包装食品销售（含冷藏冷冻食品）"));
    }
    return a;
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    int n = 2000, opt;
    while ((opt = getopt(argc, argv, "d:n:")) != -1) {
        if (opt == 'd')
            dir = optarg;
        else if (opt == 'n')
            n = (int)strtol(optarg, NULL, 10);
        else
            return 2;
    }
    if (!dir || n < 1 || n > 1000000) {
        fprintf(stderr, "usage: bench_licences -d DATA [-n N]\n");
        return 2;
    }
    static struct tb_app app;
    if (tb_app_open_data(dir, "bench_licences", &app) != 0)
        return 1;
    struct tb_arena a;
    tb_arena_init(&a, 1 << 20);
    struct item_problem found[8];
    struct item_problems p = {found, 8, 0};
    json_t *in = rows(n);
    size_t written = 0;
    double t0 = now_s();
    int rc = licences_import(&app, &a, in, &p, "cli", &written);
    double issue_s = now_s() - t0;
    json_decref(in);
    if (rc != 0 || written != (size_t)n) {
        fprintf(stderr, "bench_licences: import failed (%s) %s\n", tb_err_code(rc),
                p.n ? found[0].path : "");
        return 1;
    }

    /* verify the newest n */
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    if (tb_db_read_conn(app.db, &c) != 0 ||
        tb_db_prepare(c, "SELECT max(id) FROM licences", &s) != 0 || tb_db_step(s) != TB_DB_ROW)
        return 1;
    int64_t last = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    int valid = 0;
    t0 = now_s();
    for (int64_t id = last - n + 1; id <= last; id++) {
        struct licence_row l;
        json_t *content;
        const char *text;
        bool ok = false;
        struct seal_row seal;
        if (licence_by_id(c, &a, id, &l) == 0 &&
            licence_open(c, &app, &a, &l, &content, &text, &ok, &seal) == 0 && ok)
            valid++;
        json_decref(content);
        if ((id & 255) == 0) {
            tb_arena_free(&a);
            tb_arena_init(&a, 1 << 20);
        }
    }
    double verify_s = now_s() - t0;

    /* the bare operations on a message of a licence's size */
    struct tb_sm2_key *key = NULL;
    tb_sm2_generate(&key);
    char msg[700];
    memset(msg, 'x', sizeof(msg));
    unsigned char sig[TB_SM2_SIG_MAX];
    size_t siglen = 0;
    t0 = now_s();
    for (int i = 0; i < n; i++)
        tb_sm2_sign(key, msg, sizeof(msg), sig, sizeof(sig), &siglen);
    double sign_s = now_s() - t0;
    int checked = 0;
    t0 = now_s();
    for (int i = 0; i < n; i++)
        checked += tb_sm2_verify(key, msg, sizeof(msg), sig, siglen) == 0;
    double check_s = now_s() - t0;
    tb_sm2_free(key);

    printf("%-52s %10s %10s\n", "", "per second", "ratio");
    printf("%-52s %10.0f %10.2f\n", "licences issued (check, sign, seal, store; durable)",
           n / issue_s, (n / issue_s) / (n / sign_s));
    printf("%-52s %10.0f %10s\n", "bare SM2-SM3 signatures (tb_sm2_sign, baseline)", n / sign_s,
           "1.00");
    printf("%-52s %10.0f %10.2f\n", "licences verified (read, open, canonical, SM2)", n / verify_s,
           (n / verify_s) / (n / check_s));
    printf("%-52s %10.0f %10s\n", "bare SM2-SM3 verifications (tb_sm2_verify, baseline)",
           n / check_s, "1.00");
    printf("licences: %d issued in %.3f s, %d of %d verify; bare checks %d of %d\n", n, issue_s,
           valid, n, checked, n);
    tb_arena_free(&a);
    licences_cleanup();
    tb_db_close(app.db);
    tb_keys_free(&app.keys);
    tb_app_free_calendars(&app);
    tb_crypto_cleanup();
    return valid == n && checked == n ? 0 : 1;
}
