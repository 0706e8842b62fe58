/*
 * test_licences.c - the electronic licence library and the one seal
 * (docs/licences.md) through the API of a real server (tongban-test, for
 * the test clock):
 *
 *  - a case journey issues a signed licence: wallet, detail, public
 *    verification (valid; a wrong check code is 404), the licence file and
 *    PDF checked offline by `tongban licence verify` (valid; one changed
 *    byte: tampered), a changed signature in the database: tampered;
 *  - revocation and change are signed events: revoked (time, reason),
 *    superseded (replaced_by); only the issuing organisation's deciders;
 *  - expiry by date and by the test clock;
 *  - reuse: a licence-sourced material comes from the library, logged;
 *  - the library API by scope, every query logged;
 *  - seals: create, rotate, revoke, the use log; licence types.
 */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <cmocka.h>

#define DEMO_PASSWORD "Demo-Pass-2026"
#define ITEM_SETUP    "11500100MB01000285010130001000" /* 企业设立登记 → 营业执照, steps L1-L3 */
#define TYPE_BL       "11100000MB0001038T001"          /* 营业执照 */
#define TYPE_ID       "11100000MB00010113001"          /* 居民身份证 */
#define TYPE_VL       "11100000MB00010113004"          /* 机动车行驶证 */
#define HENGXIN_CODE  "91350100M000100Y43"

static struct test_server srv;
static struct tb_client hengxin, lisi, window01, reviewer01, decider01, secadmin, sysadmin;
static char upload_id[64], issued_no[160], bin[1024];

/* ---- helpers ------------------------------------------------------------------------ */

static long call(const struct tb_client *c, const char *method, const char *path, const char *body,
                 const char *header, struct http_resp *r)
{
    const char *extra[] = {header, NULL};
    assert_int_equal(client_req(&srv, c, method, path, body, 0, header ? extra : NULL, r), 0);
    return r->status;
}

static void expect(const struct http_resp *r, long want, const char *what)
{
    if (r->status != want)
        fail_msg("%s: %ld %s (want %ld)", what, r->status, r->body, want);
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static long act(const struct tb_client *c, const char *id, const char *body)
{
    struct http_resp r;
    char path[128], match[64];
    snprintf(path, sizeof(path), "/api/v1/cases/%s", id);
    call(c, "GET", path, NULL, NULL, &r);
    expect(&r, 200, "case");
    snprintf(match, sizeof(match), "If-Match: \"%lld\"",
             (long long)json_integer_value(json_object_get(r.json, "etag")));
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/cases/%s/transitions", id);
    long st = call(c, "POST", path, body, match, &r);
    if (st != 200)
        print_message("%s -> %ld %s\n", body, r.status, r.body);
    resp_free(&r);
    return st;
}

/* A public verification of no with its check code (from the wallet). */
static void verify(const char *no, const char *check, struct http_resp *r)
{
    char path[320];
    snprintf(path, sizeof(path), "/api/v1/licences/verify?no=%s&check=%s", no, check);
    assert_int_equal(http_req(&srv, "GET", path, NULL, NULL, 0, r), 0);
}

/* The wallet entry of type (the newest) of c, copied into no and check. */
static void wallet_find(const struct tb_client *c, const char *type, char *no, char *check)
{
    struct http_resp r;
    expect((call(c, "GET", "/api/v1/me/licences", NULL, NULL, &r), &r), 200, "wallet");
    size_t i;
    json_t *l;
    no[0] = check[0] = '\0';
    json_array_foreach(json_object_get(r.json, "licences"), i, l)
    {
        if (!no[0] && strcmp(str(json_object_get(l, "type"), "code"), type) == 0) {
            snprintf(no, 160, "%s", str(l, "no"));
            snprintf(check, 16, "%s", str(l, "check"));
        }
    }
    resp_free(&r);
    if (!no[0])
        fail_msg("no licence of type %s in the wallet", type);
}

/* Runs `tongban licence verify path [extra]`: its exit status. */
static int offline_verify(const char *path, const char *extra)
{
    char cmd[2048];
    snprintf(cmd, sizeof(cmd), "'%s' licence verify '%s' %s >&2", bin, path, extra ? extra : "");
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void save(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static long long db_count(const char *sql)
{
    long long n = test_db_scalar(srv.db, sql);
    assert_true(n >= 0);
    return n;
}

/* ---- setup --------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    const char *b = getenv("TB_BIN");
    snprintf(bin, sizeof(bin), "%s-test", b && *b ? b : "build/tongban");
    setenv("TB_BIN", bin, 1);
    if (server_start(&srv, true, NULL) != 0)
        return -1;
    struct {
        const char *name;
        struct tb_client *c;
    } who[] = {{"hengxin", &hengxin},       {"lisi", &lisi},           {"window01", &window01},
               {"reviewer01", &reviewer01}, {"decider01", &decider01}, {"secadmin", &secadmin},
               {"sysadmin", &sysadmin}};
    for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++)
        if (client_login(&srv, who[i].name, DEMO_PASSWORD, who[i].c, NULL) != 200)
            return -1;
    static const char doc[] = "%PDF-1.4\n% licence test\n%%EOF\n";
    char cookie[200], csrf[160];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", hengxin.cookie);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", hengxin.csrf);
    const char *const h[] = {cookie, csrf, "Content-Type: application/octet-stream", NULL};
    struct http_resp r;
    if (http_req(&srv, "POST", "/api/v1/uploads", h, doc, sizeof(doc) - 1, &r) != 0 ||
        (r.status != 201 && r.status != 200))
        return -1;
    snprintf(upload_id, sizeof(upload_id), "%s", str(r.json, "id"));
    resp_free(&r);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return server_stop(&srv);
}

/* hengxin's 企业设立登记 submitted, accepted and reviewed: the case id. */
static void prepare(const char *key, char *id, size_t idcap)
{
    char body[2048], idem[80];
    snprintf(body, sizeof(body),
             "{\"item\":\"" ITEM_SETUP "\",\"values\":{\"company_name\":\"示范证照测试有限公司\","
             "\"company_type\":\"llc\",\"domicile\":\"示范区滨江路9号\","
             "\"registered_capital_fen\":100000000,\"legal_rep_name\":\"王恒信\","
             "\"legal_rep_id\":\"110101199003074258\",\"business_scope\":\"软件开发\","
             "\"phone\":\"13900139000\",\"email\":\"a@hengxin.example.cn\"},\"materials\":["
             "{\"index\":0,\"upload\":\"%s\"},{\"index\":1,\"upload\":\"%s\"},"
             "{\"index\":4,\"upload\":\"%s\"},{\"index\":5,\"upload\":\"%s\"}],"
             "\"delivery\":{\"method\":\"electronic\"}}",
             upload_id, upload_id, upload_id, upload_id);
    snprintf(idem, sizeof(idem), "Idempotency-Key: licence-%s", key);
    struct http_resp r;
    call(&hengxin, "POST", "/api/v1/cases", body, idem, &r);
    expect(&r, 201, "submit");
    snprintf(id, idcap, "%s", str(r.json, "id"));
    resp_free(&r);
    assert_int_equal(act(&window01, id, "{\"action\":\"accept\"}"), 200);
    assert_int_equal(act(&reviewer01, id, "{\"action\":\"review\",\"opinion\":\"符合\"}"), 200);
}

/* The same through to the result: the licence number. */
static void journey(const char *key, char *no, size_t cap)
{
    char id[64];
    struct http_resp r;
    prepare(key, id, sizeof(id));
    assert_int_equal(act(&decider01, id,
                         "{\"action\":\"decide\",\"decision\":\"approve\",\"opinion\":\"准予\"}"),
                     200);
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/cases/%s/events", id);
    expect((call(&hengxin, "GET", path, NULL, NULL, &r), &r), 200, "events");
    size_t i;
    json_t *e;
    no[0] = '\0';
    json_array_foreach(json_object_get(r.json, "events"), i, e)
    {
        const char *l = str(json_object_get(e, "data"), "licence_no");
        if (*l)
            snprintf(no, cap, "%s", l);
    }
    resp_free(&r);
    if (!no[0])
        fail_msg("the result event names no licence");
}

/* ---- tests -------------------------------------------------------------------------- */

static void test_issue_verify_tamper(void **state)
{
    (void)state;
    journey("issue", issued_no, sizeof(issued_no));
    /* RULE: SPEC §16 1.2.156.3005.2.<type>.<issuer>.<serial>.<version>.<check> */
    assert_int_equal(strncmp(issued_no, "1.2.156.3005.2." TYPE_BL ".", 37), 0);
    assert_non_null(strstr(issued_no, ".001."));
    char no[160], check[16];
    wallet_find(&hengxin, TYPE_BL, no, check);
    assert_string_equal(no, issued_no);

    struct http_resp r;
    char path[400];
    snprintf(path, sizeof(path), "/api/v1/licences/%s", no);
    expect((call(&hengxin, "GET", path, NULL, NULL, &r), &r), 200, "licence");
    assert_string_equal(str(r.json, "status"), "valid");
    assert_string_equal(str(r.json, "trust_level"), "A");
    assert_string_equal(str(json_object_get(r.json, "holder"), "id_number"), HENGXIN_CODE);
    bool domicile = false;
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(r.json, "face"), i, f) domicile |=
        strcmp(str(f, "value"), "示范区滨江路9号") == 0;
    assert_true(domicile);
    resp_free(&r);
    /* issuing staff see it with the number masked; others get 404 */
    expect((call(&reviewer01, "GET", path, NULL, NULL, &r), &r), 200, "issuer staff");
    assert_null(strstr(r.body, HENGXIN_CODE));
    resp_free(&r);
    expect((call(&lisi, "GET", path, NULL, NULL, &r), &r), 404, "someone else");
    resp_free(&r);

    verify(no, check, &r);
    expect(&r, 200, "verify");
    assert_string_equal(str(r.json, "status"), "valid");
    assert_string_equal(str(r.json, "holder"), "示范******公司");
    assert_null(strstr(r.body, HENGXIN_CODE));
    resp_free(&r);
    verify(no, "22222222", &r);
    expect(&r, 404, "wrong check");
    resp_free(&r);

    /* the licence file, checked offline; one changed byte is tampered */
    char file[400], pdf[400];
    snprintf(path, sizeof(path), "/api/v1/licences/%s/licence.json", no);
    expect((call(&hengxin, "GET", path, NULL, NULL, &r), &r), 200, "licence file");
    snprintf(file, sizeof(file), "%s/licence.json", srv.data);
    save(file, r.body, r.len);
    assert_int_equal(offline_verify(file, NULL), 0);
    char *at = strstr(r.body, "滨江路9号");
    assert_non_null(at);
    at[strlen("滨江路")] = '8';
    save(file, r.body, r.len);
    assert_int_equal(offline_verify(file, NULL), 1);
    resp_free(&r);

    snprintf(path, sizeof(path), "/api/v1/licences/%s/licence.pdf", no);
    expect((call(&hengxin, "GET", path, NULL, NULL, &r), &r), 200, "pdf");
    assert_true(r.len > 1000 && memcmp(r.body, "%PDF", 4) == 0);
    snprintf(pdf, sizeof(pdf), "%s/licence.pdf", srv.data);
    save(pdf, r.body, r.len);
    resp_free(&r);
    assert_int_equal(offline_verify(pdf, NULL), 0);
    char opt[400];
    snprintf(opt, sizeof(opt), "--data '%s'", srv.data);
    assert_int_equal(offline_verify(pdf, opt), 0);

    /* another licence's signature put on this one in the database: tampered */
    wallet_find(&hengxin, "11100000MB0001054G001", no, check);
    char sql[600];
    snprintf(sql, sizeof(sql),
             "UPDATE licences SET signature = (SELECT signature FROM licences WHERE no <> '%s' "
             "LIMIT 1) WHERE no = '%s'",
             no, no);
    assert_int_equal(test_db_exec(srv.db, sql), 0);
    verify(no, check, &r);
    expect(&r, 200, "verify tampered");
    assert_string_equal(str(r.json, "status"), "tampered");
    resp_free(&r);
}

static void test_revoke_and_change(void **state)
{
    (void)state;
    char no[160], check[16], path[400], body[256];
    struct http_resp r;
    /* the imported 营业执照 of hengxin (示范市行政审批局): changed */
    char old[160], old_check[16];
    journey("change", no, sizeof(no));
    snprintf(old, sizeof(old), "%s", no);
    wallet_find(&hengxin, TYPE_BL, old, old_check);
    snprintf(path, sizeof(path), "/api/v1/licences/%s/change", old);
    snprintf(body, sizeof(body),
             "{\"face\":{\"domicile\":\"示范区新址1号\"},\"reason\":\"住所变更\"}");
    expect((call(&reviewer01, "POST", path, body, NULL, &r), &r), 403, "reviewer changes");
    resp_free(&r);
    expect(
        (call(&decider01, "POST", path, "{\"face\":{\"nope\":\"x\"},\"reason\":\"x\"}", NULL, &r),
         &r),
        422, "unknown face field");
    resp_free(&r);
    expect((call(&decider01, "POST", path, body, NULL, &r), &r), 201, "change");
    snprintf(no, sizeof(no), "%s", str(r.json, "no"));
    assert_non_null(strstr(no, ".002."));
    resp_free(&r);
    verify(old, old_check, &r);
    assert_string_equal(str(r.json, "status"), "superseded");
    assert_string_equal(str(r.json, "replaced_by"), no);
    resp_free(&r);
    expect((call(&decider01, "POST", path, body, NULL, &r), &r), 409, "change a superseded one");
    resp_free(&r);

    /* revocation: a signed event with time and reason */
    wallet_find(&hengxin, TYPE_BL, no, check);
    snprintf(path, sizeof(path), "/api/v1/licences/%s/revoke", no);
    expect((call(&decider01, "POST", path, "{}", NULL, &r), &r), 422, "no reason");
    resp_free(&r);
    expect((call(&decider01, "POST", path, "{\"reason\":\"申请人申请注销\"}", NULL, &r), &r), 200,
           "revoke");
    resp_free(&r);
    verify(no, check, &r);
    assert_string_equal(str(r.json, "status"), "revoked");
    assert_string_equal(str(r.json, "revoke_reason"), "申请人申请注销");
    assert_true(json_is_string(json_object_get(r.json, "revoked_at")));
    resp_free(&r);
    snprintf(path, sizeof(path),
             "SELECT count(*) FROM licence_events e JOIN licences l ON l.id = "
             "e.licence_id WHERE l.no = '%s' AND e.kind = 'revoke'",
             no);
    assert_int_equal(db_count(path), 1);
}

static void test_expiry(void **state)
{
    (void)state;
    char no[160], check[16];
    struct http_resp r;
    /* lisi's 机动车行驶证 ran out on 2024-05-31 */
    wallet_find(&lisi, TYPE_VL, no, check);
    verify(no, check, &r);
    assert_string_equal(str(r.json, "status"), "expired");
    resp_free(&r);
    /* lisi's 居民身份证 is valid until 2030-08-31: the test clock passes it */
    wallet_find(&lisi, TYPE_ID, no, check);
    verify(no, check, &r);
    assert_string_equal(str(r.json, "status"), "valid");
    resp_free(&r);
    const char *const h[] = {"Content-Type: application/json", NULL};
    static const char later[] = "{\"today\":\"2030-09-02\"}";
    assert_int_equal(http_req(&srv, "PUT", "/api/v1/test/clock", h, later, sizeof(later) - 1, &r),
                     0);
    expect(&r, 200, "test clock");
    resp_free(&r);
    verify(no, check, &r);
    assert_string_equal(str(r.json, "status"), "expired");
    resp_free(&r);
    /* back to the real date */
    char now[48];
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof(now), "{\"today\":\"%Y-%m-%d\"}", &tm);
    assert_int_equal(http_req(&srv, "PUT", "/api/v1/test/clock", h, now, strlen(now), &r), 0);
    expect(&r, 200, "test clock back");
    resp_free(&r);
}

static void test_reuse_in_application(void **state)
{
    (void)state;
    struct http_resp r;
    long long before =
        db_count("SELECT count(*) FROM licence_queries WHERE purpose = '申请材料复用'");
    expect((call(&hengxin, "GET", "/api/v1/cases/prefill?item=" ITEM_SETUP, NULL, NULL, &r), &r),
           200, "prefill");
    json_t *mats = json_object_get(r.json, "materials");
    /* 3: 企业股东营业执照 (营业执照): hengxin holds one; 2: a person's ID card: not */
    assert_true(json_is_object(json_object_get(json_array_get(mats, 3), "licence")));
    assert_string_equal(str(json_array_get(mats, 3), "provision"), "licence");
    assert_true(json_is_null(json_object_get(json_array_get(mats, 2), "licence")));
    resp_free(&r);
    call(&hengxin, "POST", "/api/v1/cases",
         "{\"item\":\"" ITEM_SETUP "\",\"values\":{},\"submit\":false}",
         "Idempotency-Key: licence-reuse", &r);
    expect(&r, 201, "draft");
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/cases/%s", str(r.json, "id"));
    resp_free(&r);
    expect((call(&hengxin, "GET", path, NULL, NULL, &r), &r), 200, "case");
    json_t *m3 = json_array_get(json_object_get(r.json, "materials"), 3);
    assert_string_equal(str(m3, "provision"), "licence");
    assert_int_equal(strncmp(str(json_object_get(m3, "licence"), "no"), "1.2.156.3005.2.", 15), 0);
    resp_free(&r);
    assert_int_equal(
        db_count("SELECT count(*) FROM licence_queries WHERE purpose = '申请材料复用'"),
        before + 1);
}

/* An API client with scopes (space-separated words in JSON) as a header. */
static void make_client(const char *name, const char *scopes, char *auth, size_t cap)
{
    char body[256];
    struct http_resp r;
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"scopes\":%s}", name, scopes);
    expect((call(&sysadmin, "POST", "/api/v1/api-clients", body, NULL, &r), &r), 201, "client");
    snprintf(auth, cap, "Authorization: Bearer %s.%s", str(r.json, "client_id"),
             str(r.json, "secret"));
    resp_free(&r);
}

static long as_client(const char *auth, const char *path, struct http_resp *r)
{
    const char *h[] = {auth, NULL};
    assert_int_equal(http_req(&srv, "GET", path, h, NULL, 0, r), 0);
    return r->status;
}

static void test_library(void **state)
{
    (void)state;
    char with[256], without[256];
    struct http_resp r;
    make_client("证照库测试系统", "[\"licence.query\"]", with, sizeof(with));
    make_client("无证照权限系统", "[\"case.read\"]", without, sizeof(without));
    long long before = db_count("SELECT count(*) FROM licence_queries WHERE client_id IS NOT NULL");
    as_client(with,
              "/api/v1/library/licences?holder=" HENGXIN_CODE "&type=11100000MB0001054G001"
              "&purpose=%E5%AE%A1%E6%89%B9%E6%A0%B8%E9%AA%8C&case=TB2026112400000001",
              &r);
    expect(&r, 200, "library query");
    assert_true(json_is_array(json_object_get(r.json, "licences")));
    resp_free(&r);
    as_client(with, "/api/v1/library/licences?holder=91440300MA01K3Q27W&type=" TYPE_BL "&purpose=x",
              &r);
    expect(&r, 200, "library query huaxin");
    assert_true(json_is_true(json_object_get(r.json, "holds")));
    char no[160];
    snprintf(no, sizeof(no), "%s",
             str(json_array_get(json_object_get(r.json, "licences"), 0), "no"));
    resp_free(&r);
    char path[400];
    snprintf(path, sizeof(path), "/api/v1/library/licences/%s?purpose=x", no);
    expect((as_client(with, path, &r), &r), 200, "library get");
    assert_string_equal(str(r.json, "format"), "tongban-licence/1");
    assert_string_equal(str(r.json, "status"), "valid");
    resp_free(&r);
    expect((as_client(with, "/api/v1/library/licences?holder=" HENGXIN_CODE, &r), &r), 422,
           "no purpose");
    resp_free(&r);
    expect((as_client(with, "/api/v1/library/licences?holder=123&purpose=x", &r), &r), 422,
           "bad holder");
    resp_free(&r);
    expect(
        (as_client(without, "/api/v1/library/licences?holder=" HENGXIN_CODE "&purpose=x", &r), &r),
        403, "no scope");
    resp_free(&r);
    expect((call(&decider01, "GET", "/api/v1/library/licences?holder=" HENGXIN_CODE "&purpose=x",
                 NULL, NULL, &r),
            &r),
           403, "staff session");
    resp_free(&r);
    assert_int_equal(db_count("SELECT count(*) FROM licence_queries WHERE client_id IS NOT NULL"),
                     before + 3);
    assert_int_equal(db_count("SELECT count(*) FROM licence_queries WHERE case_no = "
                              "'TB2026112400000001' AND purpose = '审批核验'"),
                     1);
}

static void test_seals(void **state)
{
    (void)state;
    struct http_resp r;
    expect((call(&secadmin, "GET", "/api/v1/seals", NULL, NULL, &r), &r), 200, "seals");
    char id[40] = "", path[160];
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(r.json, "seals"), i, s)
    {
        if (strcmp(str(json_object_get(s, "org"), "code"), "DEMO-CITY-XZSPJ") == 0 &&
            strcmp(str(s, "status"), "active") == 0)
            snprintf(id, sizeof(id), "%s", str(s, "id"));
    }
    resp_free(&r);
    assert_int_equal(strlen(id), 16);
    expect((call(&sysadmin, "GET", "/api/v1/seals", NULL, NULL, &r), &r), 403, "sysadmin");
    resp_free(&r);
    expect(
        (call(&secadmin, "POST", "/api/v1/seals", "{\"org\":\"DEMO-CITY-XZSPJ\"}", NULL, &r), &r),
        409, "one seal");
    resp_free(&r);
    expect((call(&secadmin, "POST", "/api/v1/seals", "{\"org\":\"DEMO-CITY\"}", NULL, &r), &r), 422,
           "no credit code");
    resp_free(&r);
    /* the seal signed the licences issued above: its use log names them */
    snprintf(path, sizeof(path), "/api/v1/seals/%s/uses", id);
    expect((call(&secadmin, "GET", path, NULL, NULL, &r), &r), 200, "uses");
    bool found = false;
    json_array_foreach(json_object_get(r.json, "uses"), i, s) found |=
        strcmp(str(s, "licence_no"), issued_no) == 0 && strcmp(str(s, "kind"), "issue") == 0 &&
        strcmp(str(s, "user"), "周决定") == 0 && *str(s, "case_no");
    assert_true(found);
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/seals/%s/image.png", id);
    assert_int_equal(http_req(&srv, "GET", path, NULL, NULL, 0, &r), 0);
    assert_true(r.status == 200 && r.len > 1000 && memcmp(r.body, "\x89PNG", 4) == 0);
    resp_free(&r);
    /* rotation: a new key pair; the old one still verifies what it signed */
    snprintf(path, sizeof(path), "/api/v1/seals/%s/rotate", id);
    expect((call(&secadmin, "POST", path, NULL, NULL, &r), &r), 201, "rotate");
    char fresh[40];
    snprintf(fresh, sizeof(fresh), "%s", str(r.json, "id"));
    assert_string_not_equal(fresh, id);
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/seals/%s", id);
    assert_int_equal(http_req(&srv, "GET", path, NULL, NULL, 0, &r), 0);
    assert_string_equal(str(r.json, "status"), "rotated");
    resp_free(&r);
    char no[160], check[16];
    wallet_find(&lisi, TYPE_ID, no, check);
    verify(no, check, &r);
    assert_string_equal(str(r.json, "status"), "valid");
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/seals/%s/revoke", fresh);
    expect((call(&secadmin, "POST", path, "{}", NULL, &r), &r), 422, "revoke without reason");
    resp_free(&r);
    expect((call(&secadmin, "POST", path, "{\"reason\":\"密钥泄露演练\"}", NULL, &r), &r), 200,
           "revoke");
    assert_string_equal(str(r.json, "status"), "revoked");
    resp_free(&r);
    /* without an active seal the bureau cannot issue: the decision is refused */
    char id2[64];
    prepare("no-seal", id2, sizeof(id2));
    assert_int_equal(act(&decider01, id2,
                         "{\"action\":\"decide\",\"decision\":\"approve\",\"opinion\":\"准予\"}"),
                     409);
    snprintf(path, sizeof(path), "/api/v1/cases/%s", id2);
    expect((call(&hengxin, "GET", path, NULL, NULL, &r), &r), 200, "case");
    assert_string_not_equal(str(r.json, "state"), "result_issued");
    resp_free(&r);
}

static void test_types(void **state)
{
    (void)state;
    struct http_resp r;
    static const char good[] =
        "{\"code\":\"11100000MB0001038T099\",\"name\":\"测试许可证\",\"holder_kind\":\"org\","
        "\"fields\":[{\"key\":\"premises\",\"label\":\"经营场所\",\"type\":\"text\","
        "\"required\":true}],\"validity_years\":3,\"issuers\":[\"DEMO-CITY-XZSPJ\"]}";
    expect((call(&secadmin, "POST", "/api/v1/licence-types", good, NULL, &r), &r), 403, "secadmin");
    resp_free(&r);
    expect((call(&sysadmin, "POST", "/api/v1/licence-types", good, NULL, &r), &r), 201, "create");
    assert_string_equal(str(json_array_get(json_object_get(r.json, "fields"), 0), "from"),
                        "premises");
    resp_free(&r);
    expect((call(&sysadmin, "POST", "/api/v1/licence-types", good, NULL, &r), &r), 409, "again");
    resp_free(&r);
    expect((call(&sysadmin, "POST", "/api/v1/licence-types",
                 "{\"code\":\"11100000MB0001038T098\",\"name\":\"\",\"holder_kind\":\"x\","
                 "\"fields\":[{\"key\":\"A\",\"label\":\"\"}],\"validity_years\":99}",
                 NULL, &r),
            &r),
           422, "faults");
    assert_true(json_array_size(json_object_get(r.json, "errors")) >= 5);
    resp_free(&r);
    static const char put[] = "{\"name\":\"测试许可证（新）\",\"holder_kind\":\"org\","
                              "\"fields\":[],\"validity_years\":0}";
    expect((call(&sysadmin, "PUT", "/api/v1/licence-types/11100000MB0001038T099", put,
                 "If-Match: \"1\"", &r),
            &r),
           200, "put");
    resp_free(&r);
    expect((call(&sysadmin, "PUT", "/api/v1/licence-types/11100000MB0001038T099", put,
                 "If-Match: \"1\"", &r),
            &r),
           412, "stale");
    resp_free(&r);
    assert_int_equal(http_req(&srv, "GET", "/api/v1/licence-types", NULL, NULL, 0, &r), 0);
    expect(&r, 200, "types");
    bool items = false;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(r.json, "types"), i, t) items |=
        strcmp(str(t, "code"), TYPE_BL) == 0 && json_array_size(json_object_get(t, "items")) >= 3;
    assert_true(items);
    resp_free(&r);
}

/* `tongban licences import`: a CSV of history is checked whole (one bad row:
 * nothing imported), then signed and stored; the holder's wallet has it. */
static void test_import_csv(void **state)
{
    (void)state;
    char csv[400], cmd[2048];
    snprintf(csv, sizeof(csv), "%s/history.csv", srv.data);
    static const char bad[] =
        "type,holder_name,holder_id_type,holder_id,issuer,issued_on,face.premises\n"
        "11100000MB0001038T002,示范华信商贸有限公司,001,91440300MA01K3Q27W,DEMO-DIST-XZSPJ,"
        "2023-03-01,\"示范区商贸城B区12号, 一层\"\n"
        "11100000MB0001038T002,某公司,001,91440300MA01K3Q27X,DEMO-DIST-XZSPJ,2023-13-01,x\n";
    save(csv, bad, sizeof(bad) - 1);
    long long before = db_count("SELECT count(*) FROM licences");
    snprintf(cmd, sizeof(cmd), "'%s' licences import --data '%s' '%s' >&2", bin, srv.data, csv);
    int st = system(cmd);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    assert_int_equal(db_count("SELECT count(*) FROM licences"), before);
    /* the good row alone */
    save(csv, bad, strchr(strchr(bad, '\n') + 1, '\n') + 1 - bad);
    st = system(cmd);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(db_count("SELECT count(*) FROM licences"), before + 1);
    struct tb_client huaxin;
    assert_int_equal(client_login(&srv, "huaxin", DEMO_PASSWORD, &huaxin, NULL), 200);
    char no[160], check[16];
    wallet_find(&huaxin, "11100000MB0001038T002", no, check);
    struct http_resp r;
    verify(no, check, &r);
    assert_string_equal(str(r.json, "status"), "valid");
    /* 5 years from 2023-03-01 */
    assert_string_equal(str(r.json, "valid_until"), "2028-02-29");
    resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_verify_tamper),
        cmocka_unit_test(test_revoke_and_change),
        cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_reuse_in_application),
        cmocka_unit_test(test_library),
        cmocka_unit_test(test_seals),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_import_csv),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
