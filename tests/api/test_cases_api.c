/*
 * test_cases_api.c - the case API end to end against a demo server
 * (docs/cases.md): submitting with Idempotency-Key, form and material
 * checks, drafts; the whole journey of a three-step item (correction,
 * supplement, acceptance, review, decision) with its notices, events,
 * public progress lookup and audit trail; If-Match and two deciders at
 * once; refusal and a second correction; 容缺 acceptance; a 即办件 decided
 * at the window; denial and delivery; 告知承诺; the joint meeting; who
 * sees what; lists and prefill; extension, suspension, withdrawal,
 * termination; window rates; staff downloading a case's material.
 *
 * Sample values and materials come from data/demo/applications.json (the
 * tests run in the source directory), so a change of an item's form in the
 * demo catalogue changes the samples with it. Every test makes its own
 * cases and asserts only on those.
 */
#include "harness.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#define DEMO_PASSWORD "Demo-Pass-2026"
#define SAMPLES       "data/demo/applications.json"

/* Demo items (data/demo/catalog.json) and what the tests use them for. */
/* 企业设立登记 (市行政审批局): class B, 受理 L1, 审查 L2, 决定 L3 */
#define ITEM_SETUP "11500100MB01000285010130001000"
/* 企业变更登记: 即办件 in the letter of W01 (HALL-CITY) */
#define ITEM_CHANGE "11500100MB01000285010130002000"
/* 企业注销登记: class B, special procedure publication */
#define ITEM_CANCEL "11500100MB01000285010130004000"
/* 巡游出租汽车经营许可: class A, three steps */
#define ITEM_TAXI "11500100MB01000285010116001000"
/* 建设项目环境影响报告书审批: high risk, 集体研究 L4 before 决定 L3 */
#define ITEM_EIA "11500100MB01000285010114001000"
/* 出生登记 (示范区公安分局): zhangsan's sample */
#define ITEM_BIRTH "11500107MB0200109K070106002000"

#define LEADER_PW     "Lx9-qZ7-tR4-Wm2"
#define LEADER_PW_NEW "Pv3-kS8-nY6-Hd5"
#define SETUP_MISSING 5 /* 企业设立登记 material that allows 容缺 */

#define HENGXIN_NAME "示范恒信科技有限公司"

static struct test_server srv;
static struct tb_client zhangsan, lisi, hengxin, window01, reviewer01, decider01, reviewer02,
    supervisor01, auditadmin;
static json_t *samples; /* the "applications" array */
static char pdf_a[64], pdf_b[64], pdf_lisi[64], pdf_draft[64], pdf_zhangsan[64];
static const char pdf_a_bytes[] = "%PDF-1.4\n% hengxin material A\n%%EOF\n";

/* A case as the tests follow it. */
struct kase {
    char id[40];
    char no[24];
    char code[16];
    long long etag;
};

static struct kase journey; /* test_journey's case, used by later tests */

/* ---- requests -------------------------------------------------------------------------------- */

/* One request as c with body (stolen; may be NULL) and one extra header (may be NULL). */
static long req(const struct tb_client *c, const char *method, const char *path, json_t *body,
                const char *header, struct http_resp *r)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    const char *extra[] = {header, NULL};
    assert_int_equal(client_req(&srv, c, method, path, text, 0, header ? extra : NULL, r), 0);
    free(text);
    return r->status;
}

static long get(const struct tb_client *c, const char *path, struct http_resp *r)
{
    return req(c, "GET", path, NULL, NULL, r);
}

static void expect_status(const struct http_resp *r, long want, const char *what)
{
    if (r->status != want)
        fail_msg("%s: %ld %s (want %ld)", what, r->status, r->body, want);
}

/* The problem's "reason" (the machine's or the guard's code). */
static const char *reason_of(const struct http_resp *r)
{
    const char *s = json_string_value(json_object_get(r->json, "reason"));
    return s ? s : "";
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Whether the problem lists an error at path (with code unless NULL). */
static bool has_error(const struct http_resp *r, const char *path, const char *code)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "errors"), i, e)
    {
        if (strcmp(str(e, "path"), path) == 0 && (!code || strcmp(str(e, "code"), code) == 0))
            return true;
    }
    return false;
}

static void expect_error(const struct http_resp *r, const char *path, const char *code)
{
    if (!has_error(r, path, code))
        fail_msg("no error %s at \"%s\" in %s", code ? code : "(any)", path, r->body);
}

/* The element of array arr whose key equals val, or NULL. */
static json_t *find_by(const json_t *arr, const char *key, const char *val)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        if (strcmp(str(e, key), val) == 0)
            return e;
    }
    return NULL;
}

static bool has_string(const json_t *arr, const char *s)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        if (json_is_string(e) && strcmp(json_string_value(e), s) == 0)
            return true;
    }
    return false;
}

/* True for YYYY-MM-DD. */
static bool is_date(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    return true;
}

/* Today in Shanghai as YYYYMMDD and YYYY-MM-DD. */
static void today(char compact[9], char dashed[11])
{
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(compact, 9, "%Y%m%d", &tm);
    strftime(dashed, 11, "%Y-%m-%d", &tm);
}

/* ISO 7064 MOD 11-10 over digits, written here again so that the test does
 * not take the number's rule from the code it checks. */
static int mod11_10(const char *digits)
{
    int p = 10;
    for (; *digits; digits++) {
        int s = (*digits - '0' + p) % 10;
        if (s == 0)
            s = 10;
        p = (s * 2) % 11;
    }
    return (11 - p) % 10;
}

/* The date n working days after from (YYYY-MM-DD), from the public calendar. */
static void workdays_after(const char *from, int n, char out[16])
{
    char path[96];
    struct http_resp r;
    snprintf(path, sizeof(path), "/api/v1/calendar/add?from=%s&workdays=%d", from, n);
    assert_int_equal(get(NULL, path, &r), 200);
    snprintf(out, 16, "%s", str(r.json, "date"));
    assert_true(is_date(out));
    resp_free(&r);
}

/* ---- uploads --------------------------------------------------------------------------------- */

static void upload(const struct tb_client *c, const char *bytes, const char *name, char id[64])
{
    char cookie[200], csrf[160], fn[128];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", c->cookie);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", c->csrf);
    snprintf(fn, sizeof(fn), "X-File-Name: %s", name);
    const char *h[] = {cookie, csrf, "Content-Type: application/octet-stream", fn, NULL};
    struct http_resp r;
    assert_int_equal(http_req(&srv, "POST", "/api/v1/uploads", h, bytes, strlen(bytes), &r), 0);
    if (r.status != 201 && r.status != 200)
        fail_msg("upload %s: %ld %s", name, r.status, r.body);
    snprintf(id, 64, "%s", str(r.json, "id"));
    assert_true(strlen(id) > 0);
    resp_free(&r);
}

/* ---- cases ----------------------------------------------------------------------------------- */

/* The sample application of item code: {"item","values","materials"} with
 * every sample material given as upload up, except index skip (-1: none). */
static json_t *sample(const char *code, const char *up, int skip)
{
    size_t i;
    json_t *a;
    json_array_foreach(samples, i, a)
    {
        if (strcmp(str(a, "impl_code"), code) != 0)
            continue;
        json_t *mats = json_array();
        size_t k;
        json_t *m;
        json_array_foreach(json_object_get(a, "materials"), k, m)
        {
            json_int_t idx = json_integer_value(json_object_get(m, "index"));
            if (idx != skip)
                json_array_append_new(mats, json_pack("{s:I,s:s}", "index", idx, "upload", up));
        }
        json_t *body = json_pack("{s:s,s:o,s:o}", "item", code, "values",
                                 json_deep_copy(json_object_get(a, "values")), "materials", mats);
        assert_non_null(body);
        return body;
    }
    fail_msg("no sample application for %s in %s", code, SAMPLES);
    return NULL;
}

/* POST /api/v1/cases as c with Idempotency-Key key (NULL: none) and the
 * exact text body. */
static long post_case(const struct tb_client *c, const char *key, const char *body,
                      struct http_resp *r)
{
    char h[160];
    snprintf(h, sizeof(h), "Idempotency-Key: %s", key ? key : "");
    const char *extra[] = {h, NULL};
    assert_int_equal(client_req(&srv, c, "POST", "/api/v1/cases", body, 0, key ? extra : NULL, r),
                     0);
    return r->status;
}

static const char *new_key(void)
{
    static char key[64];
    static int n;
    snprintf(key, sizeof(key), "test-cases-%d-%ld", ++n, (long)time(NULL));
    return key;
}

/* Submits body (stolen) as c with a fresh key, expects 201 and state. */
static void create_ok(const struct tb_client *c, json_t *body, const char *state, struct kase *k)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    struct http_resp r;
    post_case(c, new_key(), text, &r);
    free(text);
    expect_status(&r, 201, "POST /api/v1/cases");
    assert_string_equal(str(r.json, "state"), state);
    memset(k, 0, sizeof(*k));
    snprintf(k->id, sizeof(k->id), "%s", str(r.json, "id"));
    snprintf(k->no, sizeof(k->no), "%s", str(r.json, "case_no"));
    snprintf(k->code, sizeof(k->code), "%s", str(r.json, "query_code"));
    k->etag = (long long)json_integer_value(json_object_get(r.json, "etag"));
    assert_true(k->etag > 0);
    resp_free(&r);
}

static void submit_sample(const struct tb_client *c, const char *code, const char *up, int skip,
                          struct kase *k)
{
    create_ok(c, sample(code, up, skip), "submitted", k);
}

static long get_case(const struct tb_client *c, const struct kase *k, struct http_resp *r)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/cases/%s", k->id);
    return get(c, path, r);
}

/* POST /transitions as c with If-Match: "etag" (etag <= 0: no If-Match)
 * and body (stolen). A 200 moves k's etag. */
static long act_with(const struct tb_client *c, struct kase *k, long long etag, json_t *body,
                     struct http_resp *r)
{
    char path[112], h[64];
    snprintf(path, sizeof(path), "/api/v1/cases/%s/transitions", k->id);
    snprintf(h, sizeof(h), "If-Match: \"%lld\"", etag);
    long st = req(c, "POST", path, body, etag > 0 ? h : NULL, r);
    if (st == 200) {
        long long e = (long long)json_integer_value(json_object_get(r->json, "etag"));
        assert_true(e > etag);
        char want[40];
        snprintf(want, sizeof(want), "\"%lld\"", e);
        const char *hdr = resp_header(r, "ETag");
        assert_non_null(hdr);
        assert_string_equal(hdr, want);
        k->etag = e;
    }
    return st;
}

static long act(const struct tb_client *c, struct kase *k, json_t *body, struct http_resp *r)
{
    return act_with(c, k, k->etag, body, r);
}

/* The action succeeds and leaves the case in state; the case in r. */
static void act_ok(const struct tb_client *c, struct kase *k, json_t *body, const char *state,
                   struct http_resp *r)
{
    char what[96];
    snprintf(what, sizeof(what), "%s", str(body, "action"));
    act(c, k, body, r);
    if (r->status != 200)
        fail_msg("%s: %ld %s", what, r->status, r->body);
    if (strcmp(str(r->json, "state"), state) != 0)
        fail_msg("%s: state %s, want %s", what, str(r->json, "state"), state);
}

static void act_ok_free(const struct tb_client *c, struct kase *k, json_t *body, const char *state)
{
    struct http_resp r;
    act_ok(c, k, body, state, &r);
    resp_free(&r);
}

/* The action is refused with status and reason (NULL: any). */
static void act_refused(const struct tb_client *c, struct kase *k, json_t *body, long status,
                        const char *reason)
{
    char what[96];
    snprintf(what, sizeof(what), "%s", str(body, "action"));
    long long before = k->etag;
    struct http_resp r;
    act(c, k, body, &r);
    if (r.status != status || (reason && strcmp(reason_of(&r), reason) != 0))
        fail_msg("%s: %ld %s (want %ld %s)", what, r.status, r.body, status, reason ? reason : "");
    const char *ct = resp_header(&r, "Content-Type");
    assert_non_null(ct);
    assert_string_equal(ct, "application/problem+json");
    resp_free(&r);
    assert_int_equal(k->etag, before);
}

static json_t *action(const char *name)
{
    return json_pack("{s:s}", "action", name);
}

static json_t *review_body(void)
{
    return json_pack("{s:s,s:s}", "action", "review", "opinion", "材料齐全，符合法定条件");
}

static json_t *approve_body(void)
{
    return json_pack("{s:s,s:s,s:s}", "action", "decide", "decision", "approve", "opinion",
                     "准予许可");
}

/* The GET answer's field as a string ("" when null or absent). */
static void case_field(const struct tb_client *c, const struct kase *k, const char *key, char *out,
                       size_t cap)
{
    struct http_resp r;
    get_case(c, k, &r);
    expect_status(&r, 200, "GET case");
    snprintf(out, cap, "%s", str(r.json, key));
    resp_free(&r);
}

/* An accepted 企业设立登记 case of hengxin. */
static void accepted_case(struct kase *k)
{
    submit_sample(&hengxin, ITEM_SETUP, pdf_a, -1, k);
    act_ok_free(&window01, k, action("accept"), "accepted");
}

/* ---- setup ----------------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    json_t *all = json_load_file(SAMPLES, 0, NULL);
    samples = json_incref(json_object_get(all, "applications"));
    json_decref(all);
    if (!json_is_array(samples) || server_start(&srv, true, NULL) != 0)
        return -1;
    struct {
        const char *name;
        struct tb_client *c;
    } who[] = {
        {"zhangsan", &zhangsan},     {"lisi", &lisi},
        {"hengxin", &hengxin},       {"window01", &window01},
        {"reviewer01", &reviewer01}, {"decider01", &decider01},
        {"reviewer02", &reviewer02}, {"supervisor01", &supervisor01},
        {"auditadmin", &auditadmin},
    };
    for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++)
        if (client_login(&srv, who[i].name, DEMO_PASSWORD, who[i].c, NULL) != 200) {
            fprintf(stderr, "login %s failed\n", who[i].name);
            return -1;
        }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bool clean = true;
    FILE *f = fopen(srv.log, "r");
    char line[4096];
    while (f && fgets(line, sizeof(line), f))
        if (strstr(line, "Sanitizer") || strstr(line, "runtime error:")) {
            fprintf(stderr, "server: %s", line);
            clean = false;
        }
    if (f)
        fclose(f);
    json_decref(samples);
    return server_stop(&srv) == 0 && clean ? 0 : -1;
}

/* ---- 1. submitting -------------------------------------------------------------------------- */

static void test_uploads_for_cases(void **state)
{
    (void)state;
    upload(&hengxin, pdf_a_bytes, "a.pdf", pdf_a);
    upload(&hengxin, "%PDF-1.4\n% hengxin material B\n%%EOF\n", "b.pdf", pdf_b);
    upload(&hengxin, "%PDF-1.4\n% hengxin draft only\n%%EOF\n", "draft.pdf", pdf_draft);
    upload(&lisi, "%PDF-1.4\n% lisi's own\n%%EOF\n", "lisi.pdf", pdf_lisi);
    upload(&zhangsan, "%PDF-1.4\n% zhangsan\n%%EOF\n", "z.pdf", pdf_zhangsan);
    assert_string_not_equal(pdf_a, pdf_b);
}

static void test_submit(void **state)
{
    (void)state;
    char compact[9], dashed[11];
    today(compact, dashed);
    json_t *body = sample(ITEM_SETUP, pdf_a, -1);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    char key[64];
    snprintf(key, sizeof(key), "%s", new_key());
    struct http_resp r;
    post_case(&hengxin, key, text, &r);
    expect_status(&r, 201, "submit");
    const char *id = str(r.json, "id"), *no = str(r.json, "case_no");
    const char *code = str(r.json, "query_code");
    assert_int_equal(strlen(id), 32);
    /* RULE: docs/cases.md case_no = "TB" + date + 8 random digits + check digit */
    assert_int_equal(strlen(no), 19);
    assert_memory_equal(no, "TB", 2);
    assert_memory_equal(no + 2, compact, 8);
    for (int i = 2; i < 19; i++)
        assert_true(no[i] >= '0' && no[i] <= '9');
    char digits[18];
    memcpy(digits, no + 2, 16);
    digits[16] = '\0';
    assert_int_equal(no[18] - '0', mod11_10(digits));
    assert_int_equal(strlen(code), 8);
    assert_string_equal(str(r.json, "state"), "submitted");
    json_int_t etag = json_integer_value(json_object_get(r.json, "etag"));
    assert_true(etag > 0);
    char want_etag[32];
    snprintf(want_etag, sizeof(want_etag), "\"%lld\"", (long long)etag);
    assert_non_null(resp_header(&r, "ETag"));
    assert_string_equal(resp_header(&r, "ETag"), want_etag);
    struct kase first = {0};
    snprintf(first.id, sizeof(first.id), "%s", id);
    snprintf(first.no, sizeof(first.no), "%s", no);
    snprintf(first.code, sizeof(first.code), "%s", code);
    resp_free(&r);

    /* The same key and body: the first answer's case, not a second one. */
    post_case(&hengxin, key, text, &r);
    expect_status(&r, 200, "same key, same body");
    assert_string_equal(str(r.json, "id"), first.id);
    assert_string_equal(str(r.json, "case_no"), first.no);
    assert_string_equal(str(r.json, "query_code"), first.code);
    resp_free(&r);
    /* The same key with another body. */
    body = sample(ITEM_SETUP, pdf_a, -1);
    json_object_set_new(json_object_get(body, "values"), "email", json_string("x@hengxin.cn"));
    char *other = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    post_case(&hengxin, key, other, &r);
    expect_status(&r, 422, "same key, other body");
    assert_string_equal(problem_code(&r), "idempotency_key_reused");
    resp_free(&r);
    free(other);
    /* No key. */
    post_case(&hengxin, NULL, text, &r);
    expect_status(&r, 428, "no Idempotency-Key");
    resp_free(&r);
    free(text);
    /* Still one case made by all this. */
    get(&hengxin, "/api/v1/cases?limit=100", &r);
    expect_status(&r, 200, "my cases");
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 1);
    resp_free(&r);

    /* An unknown item. */
    body = sample(ITEM_SETUP, pdf_a, -1);
    json_object_set_new(body, "item", json_string("11500100MB01000285010130009999"));
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    post_case(&hengxin, new_key(), text, &r);
    free(text);
    expect_status(&r, 422, "unknown item");
    assert_string_equal(str(r.json, "field"), "item");
    resp_free(&r);
}

/* Every fault of the form at once, each with its path. */
static void test_submit_invalid_values(void **state)
{
    (void)state;
    json_t *body = sample(ITEM_SETUP, pdf_a, -1);
    json_t *v = json_object_get(body, "values");
    json_object_del(v, "company_name");
    json_object_set_new(v, "company_type", json_string("partnership"));
    json_object_set_new(v, "legal_rep_id", json_string("110101199003074259")); /* check digit */
    json_object_set_new(v, "phone", json_string("12345"));
    json_object_set_new(v, "email", json_string("not-an-email"));
    json_object_set_new(v, "nope", json_string("x"));
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    struct http_resp r;
    post_case(&hengxin, new_key(), text, &r);
    free(text);
    expect_status(&r, 422, "invalid values");
    expect_error(&r, "values.company_name", "missing");
    expect_error(&r, "values.company_type", NULL);
    expect_error(&r, "values.legal_rep_id", NULL);
    expect_error(&r, "values.phone", NULL);
    expect_error(&r, "values.email", NULL);
    expect_error(&r, "values.nope", "unknown_field");
    json_t *errors = json_object_get(r.json, "errors");
    assert_int_equal(json_array_size(errors), 6);
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
    {
        assert_memory_equal(str(e, "path"), "values.", 7);
        assert_true(strlen(str(e, "code")) > 0);
    }
    resp_free(&r);

    /* A required material left out. */
    body = sample(ITEM_SETUP, pdf_a, 0);
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    post_case(&hengxin, new_key(), text, &r);
    free(text);
    expect_status(&r, 422, "material 0 missing");
    expect_error(&r, "materials[0]", "material_required");
    assert_int_equal(json_array_size(json_object_get(r.json, "errors")), 1);
    resp_free(&r);

    /* Another applicant's upload is not in hengxin's library. */
    body = sample(ITEM_SETUP, pdf_a, -1);
    json_t *m0 = json_array_get(json_object_get(body, "materials"), 0);
    json_object_set_new(m0, "upload", json_string(pdf_lisi));
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    post_case(&hengxin, new_key(), text, &r);
    free(text);
    expect_status(&r, 422, "lisi's upload");
    assert_string_equal(str(r.json, "field"), "materials[0]");
    assert_string_equal(reason_of(&r), "upload_unknown");
    resp_free(&r);

    /* Only a window records paper originals. */
    body = sample(ITEM_SETUP, pdf_a, -1);
    m0 = json_array_get(json_object_get(body, "materials"), 0);
    json_object_del(m0, "upload");
    json_object_set_new(m0, "paper", json_true());
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    post_case(&hengxin, new_key(), text, &r);
    free(text);
    expect_status(&r, 422, "paper online");
    assert_string_equal(reason_of(&r), "paper_window_only");
    resp_free(&r);
}

static void test_draft(void **state)
{
    (void)state;
    struct http_resp r;
    /* A draft with an unknown key is refused even as a draft. */
    json_t *bad =
        json_pack("{s:s,s:{s:s},s:b}", "item", ITEM_SETUP, "values", "nope", "x", "submit", 0);
    char *text = json_dumps(bad, JSON_COMPACT);
    json_decref(bad);
    post_case(&hengxin, new_key(), text, &r);
    free(text);
    expect_status(&r, 422, "draft with unknown key");
    expect_error(&r, "values.nope", "unknown_field");
    resp_free(&r);

    struct kase d;
    create_ok(&hengxin,
              json_pack("{s:s,s:{s:s},s:[{s:i,s:s}],s:b}", "item", ITEM_SETUP, "values",
                        "company_name", "示范恒信草稿有限公司", "materials", "index", 0, "upload",
                        pdf_b, "submit", 0),
              "draft", &d);
    /* A draft is the applicant's alone. */
    get_case(&window01, &d, &r);
    expect_status(&r, 404, "window01 reads a draft");
    resp_free(&r);
    get_case(&hengxin, &d, &r);
    expect_status(&r, 200, "hengxin reads the draft");
    assert_string_equal(str(r.json, "state"), "draft");
    assert_true(has_string(json_object_get(r.json, "actions"), "submit"));
    resp_free(&r);

    /* Submitting the incomplete draft: every fault, values and materials. */
    act_with(&hengxin, &d, d.etag, action("submit"), &r);
    expect_status(&r, 422, "submit the incomplete draft");
    expect_error(&r, "values.domicile", "missing");
    expect_error(&r, "materials[1]", "material_required");
    resp_free(&r);

    char path[96];
    snprintf(path, sizeof(path), "/api/v1/cases/%s", d.id);
    json_t *full = sample(ITEM_SETUP, pdf_a, -1);
    json_t *patch = json_pack("{s:O,s:O}", "values", json_object_get(full, "values"), "materials",
                              json_object_get(full, "materials"));
    json_decref(full);
    /* PATCH needs If-Match. */
    req(&hengxin, "PATCH", path, json_deep_copy(patch), NULL, &r);
    expect_status(&r, 428, "PATCH without If-Match");
    resp_free(&r);
    char ifm[48];
    snprintf(ifm, sizeof(ifm), "If-Match: \"%lld\"", d.etag + 7);
    req(&hengxin, "PATCH", path, json_deep_copy(patch), ifm, &r);
    expect_status(&r, 412, "PATCH with a stale etag");
    resp_free(&r);
    snprintf(ifm, sizeof(ifm), "If-Match: \"%lld\"", d.etag);
    req(&lisi, "PATCH", path, json_deep_copy(patch), ifm, &r);
    expect_status(&r, 404, "lisi patches hengxin's draft");
    resp_free(&r);
    req(&hengxin, "PATCH", path, patch, ifm, &r);
    expect_status(&r, 200, "PATCH");
    assert_string_equal(str(r.json, "state"), "draft");
    assert_true(json_integer_value(json_object_get(r.json, "etag")) == d.etag + 1);
    assert_string_equal(str(json_object_get(r.json, "values"), "domicile"),
                        "示范区滨江路88号5幢301室");
    assert_string_equal(
        str(json_object_get(json_array_get(json_object_get(r.json, "materials"), 1), "upload"),
            "id"),
        pdf_a);
    d.etag = json_integer_value(json_object_get(r.json, "etag"));
    resp_free(&r);

    act_ok(&hengxin, &d, action("submit"), "submitted", &r);
    assert_true(json_is_string(json_object_get(r.json, "submitted_at")));
    resp_free(&r);
    /* Not a draft any more. */
    snprintf(ifm, sizeof(ifm), "If-Match: \"%lld\"", d.etag);
    req(&hengxin, "PATCH", path, json_pack("{s:{}}", "values"), ifm, &r);
    expect_status(&r, 409, "PATCH a submitted case");
    resp_free(&r);
    get_case(&window01, &d, &r);
    expect_status(&r, 200, "window01 reads the submitted case");
    resp_free(&r);
    /* The history says what happened: saved as a draft (audited, no event),
     * then submitted once. */
    snprintf(path, sizeof(path), "/api/v1/cases/%s/events", d.id);
    get(&hengxin, path, &r);
    expect_status(&r, 200, "the draft's events");
    size_t submits = 0, i;
    json_t *e;
    json_array_foreach(json_object_get(r.json, "events"), i, e)
    {
        if (strcmp(str(e, "action"), "submit") == 0) {
            submits++;
            if (strcmp(str(e, "to"), "submitted") != 0)
                fail_msg("a submit event that submitted nothing: %s", r.body);
        }
    }
    assert_int_equal(submits, 1);
    resp_free(&r);
}

/* ---- 2. the whole journey ------------------------------------------------------------------- */

/* GET the notice of kind on case k as c; expects a PDF. */
static void notice_pdf(const struct tb_client *c, const struct kase *k, const json_t *cs,
                       const char *kind)
{
    json_t *n = find_by(json_object_get(cs, "notices"), "kind", kind);
    if (!n)
        fail_msg("no %s notice on %s", kind, k->id);
    assert_true(strlen(str(n, "number")) > 0);
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/cases/%s/notices/%s", k->id, str(n, "id"));
    struct http_resp r;
    get(c, path, &r);
    expect_status(&r, 200, "notice PDF");
    assert_non_null(resp_header(&r, "Content-Type"));
    assert_string_equal(resp_header(&r, "Content-Type"), "application/pdf");
    assert_true(r.len > 100);
    assert_memory_equal(r.body, "%PDF", 4);
    resp_free(&r);
    get(&lisi, path, &r);
    expect_status(&r, 404, "lisi reads hengxin's notice");
    resp_free(&r);
    /* The notice under another case of the same applicant. */
    if (strcmp(k->id, journey.id) != 0 && journey.id[0]) {
        snprintf(path, sizeof(path), "/api/v1/cases/%s/notices/%s", journey.id, str(n, "id"));
        get(c, path, &r);
        expect_status(&r, 404, "a notice under another case");
        resp_free(&r);
    }
}

/* GET /api/v1/progress for no and code, anonymously. */
static long progress(const char *no, const char *code, struct http_resp *r)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/progress?case_no=%s&code=%s", no, code);
    return get(NULL, path, r);
}

static void test_journey(void **state)
{
    (void)state;
    struct kase *k = &journey;
    struct http_resp r;
    char dashed[11], compact[9];
    today(compact, dashed);
    submit_sample(&hengxin, ITEM_SETUP, pdf_a, -1, k);

    get_case(&window01, k, &r);
    expect_status(&r, 200, "window01 reads");
    assert_string_equal(str(r.json, "role"), "window");
    json_t *acts = json_object_get(r.json, "actions");
    assert_true(has_string(acts, "accept"));
    assert_true(has_string(acts, "request_correction"));
    assert_true(has_string(acts, "refuse"));
    assert_false(has_string(acts, "decide"));
    assert_string_equal(str(json_object_get(r.json, "applicant"), "name"), HENGXIN_NAME);
    resp_free(&r);

    act_ok_free(&window01, k,
                json_pack("{s:s,s:s}", "action", "pre_review", "opinion", "网上预审：材料基本齐全"),
                "submitted");

    /* RULE: 行政许可法 §32 one-time correction notice listing every fault */
    act_refused(&window01, k, json_pack("{s:s,s:[]}", "action", "request_correction", "faults"),
                422, NULL);
    act_ok(&window01, k,
           json_pack("{s:s,s:[{s:i,s:s},{s:n,s:s}],s:i}", "action", "request_correction", "faults",
                     "material", 1, "problem", "公司章程未经全体股东签字", "material", "problem",
                     "申请表联系电话与营业执照不一致", "days", 5),
           "awaiting_correction", &r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "corrections")), 1);
    char due[16];
    workdays_after(dashed, 5, due);
    assert_string_equal(str(r.json, "correction_due"), due);
    json_t *susp = json_array_get(json_object_get(r.json, "suspensions"), 0);
    assert_string_equal(str(susp, "kind"), "correction");
    assert_true(json_is_null(json_object_get(susp, "ended_at")));
    assert_null(find_by(json_object_get(r.json, "flags"), "kind", "second_correction"));
    notice_pdf(&hengxin, k, r.json, "correction");
    resp_free(&r);

    get_case(&hengxin, k, &r);
    assert_true(has_string(json_object_get(r.json, "actions"), "supplement"));
    resp_free(&r);
    act_ok(&hengxin, k,
           json_pack("{s:s,s:[{s:i,s:s}]}", "action", "supplement", "materials", "index", 1,
                     "upload", pdf_b),
           "submitted", &r);
    susp = json_array_get(json_object_get(r.json, "suspensions"), 0);
    assert_true(json_is_string(json_object_get(susp, "ended_at")));
    assert_string_equal(
        str(json_object_get(json_array_get(json_object_get(r.json, "materials"), 1), "upload"),
            "id"),
        pdf_b);
    resp_free(&r);

    act_ok(&window01, k, action("accept"), "accepted", &r);
    char promised[16], legal[16];
    snprintf(promised, sizeof(promised), "%s", str(r.json, "promised_due"));
    snprintf(legal, sizeof(legal), "%s", str(r.json, "legal_due"));
    assert_true(is_date(promised));
    assert_true(is_date(legal));
    /* RULE: SPEC §5 deadlines count working days from the day after acceptance */
    workdays_after(dashed, 3, due); /* the item's promised limit */
    assert_string_equal(promised, due);
    workdays_after(dashed, 15, due); /* the legal limit */
    assert_string_equal(legal, due);
    assert_true(json_is_string(json_object_get(r.json, "accepted_at")));
    assert_string_equal(str(json_object_get(r.json, "accepted_window"), "code"), "W01");
    assert_string_equal(str(r.json, "accepted_by"), "钱窗口");
    json_t *steps = json_object_get(r.json, "steps");
    assert_int_equal(json_array_size(steps), 3);
    assert_string_equal(str(json_array_get(steps, 0), "done_by"), "钱窗口");
    assert_true(is_date(str(json_array_get(steps, 2), "due")));
    json_t *next = json_object_get(r.json, "next_step");
    assert_int_equal(json_integer_value(json_object_get(next, "index")), 1);
    assert_int_equal(json_integer_value(json_object_get(next, "authority_level")), 2);
    notice_pdf(&hengxin, k, r.json, "acceptance");
    resp_free(&r);

    /* The window does not decide an item that is not instant. */
    act_refused(&window01, k, approve_body(), 403, NULL);
    /* RULE: SPEC §5 no decision before every step before it */
    act_refused(&decider01, k, approve_body(), 409, "steps_pending");

    get_case(&reviewer01, k, &r);
    assert_string_equal(str(r.json, "role"), "handler");
    assert_true(has_string(json_object_get(r.json, "actions"), "review"));
    assert_false(has_string(json_object_get(r.json, "actions"), "decide"));
    resp_free(&r);
    act_ok(&reviewer01, k, review_body(), "in_review", &r);
    steps = json_object_get(r.json, "steps");
    assert_string_equal(str(json_array_get(steps, 1), "done_by"), "孙审查");
    assert_string_equal(str(json_array_get(steps, 1), "outcome"), "pass");
    resp_free(&r);

    /* RULE: SPEC §5 each step needs a user of its authority level */
    act_refused(&reviewer01, k, approve_body(), 403, "authority_level_too_low");

    get_case(&decider01, k, &r);
    assert_true(has_string(json_object_get(r.json, "actions"), "decide"));
    resp_free(&r);
    act_ok(&decider01, k, approve_body(), "result_issued", &r);
    assert_true(json_is_string(json_object_get(r.json, "decided_at")));
    steps = json_object_get(r.json, "steps");
    assert_string_equal(str(json_array_get(steps, 2), "done_by"), "周决定");
    assert_string_equal(str(json_array_get(steps, 2), "outcome"), "approve");
    assert_true(json_is_null(json_object_get(r.json, "next_step")));
    notice_pdf(&hengxin, k, r.json, "approval");
    resp_free(&r);

    /* The applicant's view: no supervision flags. */
    get_case(&hengxin, k, &r);
    assert_string_equal(str(r.json, "role"), "applicant");
    assert_null(json_object_get(r.json, "flags"));
    resp_free(&r);

    /* Events, in order, with their actors. */
    char path[112];
    snprintf(path, sizeof(path), "/api/v1/cases/%s/events", k->id);
    get(&hengxin, path, &r);
    expect_status(&r, 200, "events");
    static const char *const want[][3] = {
        {"submit", HENGXIN_NAME, "submitted"},
        {"pre_review", "钱窗口", "submitted"},
        {"request_correction", "钱窗口", "awaiting_correction"},
        {"supplement", HENGXIN_NAME, "submitted"},
        {"accept", "钱窗口", "accepted"},
        {"review", "孙审查", "in_review"},
        {"decide", "周决定", "approved"},
        {"issue_result", "系统", "result_issued"},
    };
    json_t *events = json_object_get(r.json, "events");
    if (json_array_size(events) != sizeof(want) / sizeof(want[0]))
        fail_msg("events: %s", r.body);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        json_t *e = json_array_get(events, i);
        assert_string_equal(str(e, "action"), want[i][0]);
        assert_string_equal(str(e, "actor"), want[i][1]);
        assert_string_equal(str(e, "to"), want[i][2]);
        assert_true(strlen(str(e, "at")) > 0);
    }
    assert_string_equal(str(json_array_get(events, 4), "role"), "window");
    assert_string_equal(str(json_array_get(events, 6), "role"), "handler");
    resp_free(&r);
    get(&lisi, path, &r);
    expect_status(&r, 404, "lisi reads the events");
    resp_free(&r);

    /* Progress: by number and code, without personal data. */
    progress(k->no, k->code, &r);
    expect_status(&r, 200, "progress");
    assert_string_equal(str(r.json, "case_no"), k->no);
    assert_string_equal(str(r.json, "state"), "result_issued");
    assert_string_equal(str(r.json, "submitted_on"), dashed);
    assert_string_equal(str(r.json, "promised_due"), promised);
    steps = json_object_get(r.json, "steps");
    assert_int_equal(json_array_size(steps), 3);
    for (size_t i = 0; i < 3; i++)
        assert_true(json_is_true(json_object_get(json_array_get(steps, i), "done")));
    static const char *const personal[] = {"恒信",   "王恒信",  "13900139000", "110101199003074258",
                                           "滨江路", "zhaomin", "钱窗口",      "周决定",
                                           "values"};
    for (size_t i = 0; i < sizeof(personal) / sizeof(personal[0]); i++)
        if (strstr(r.body, personal[i]))
            fail_msg("progress shows \"%s\": %s", personal[i], r.body);
    resp_free(&r);

    /* A wrong code and an unknown number: the same 404. */
    char wrong[32];
    snprintf(wrong, sizeof(wrong), "%s", k->code);
    wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
    char unknown[24], digits[18];
    snprintf(digits, sizeof(digits), "%.8s%08d", compact, 12345678 ^ (int)(time(NULL) & 0xffff));
    snprintf(unknown, sizeof(unknown), "TB%s%d", digits, mod11_10(digits));
    assert_string_not_equal(unknown, k->no);
    struct http_resp a, b;
    progress(k->no, wrong, &a);
    progress(unknown, k->code, &b);
    expect_status(&a, 404, "wrong code");
    expect_status(&b, 404, "unknown number");
    assert_string_not_equal(str(a.json, "request_id"), "");
    json_object_del(a.json, "request_id");
    json_object_del(b.json, "request_id");
    if (!json_equal(a.json, b.json))
        fail_msg("different 404s: %s / %s", a.body, b.body);
    resp_free(&a);
    resp_free(&b);
}

/* ---- 3. If-Match ---------------------------------------------------------------------------- */

struct racer {
    const struct tb_client *c;
    char path[112];
    char ifm[48];
    struct http_resp r;
    int rc;
};

static void *race(void *arg)
{
    struct racer *x = arg;
    static const char body[] =
        "{\"action\":\"decide\",\"decision\":\"approve\",\"opinion\":\"准予\"}";
    const char *extra[] = {x->ifm, NULL};
    x->rc = client_req(&srv, x->c, "POST", x->path, body, 0, extra, &x->r);
    return NULL;
}

static void test_if_match(void **state)
{
    (void)state;
    struct kase k;
    struct http_resp r;
    submit_sample(&hengxin, ITEM_SETUP, pdf_a, -1, &k);
    act_with(&window01, &k, 0, action("accept"), &r);
    expect_status(&r, 428, "no If-Match");
    resp_free(&r);
    act_with(&window01, &k, k.etag + 5, action("accept"), &r);
    expect_status(&r, 412, "a stale If-Match");
    resp_free(&r);
    long long old = k.etag;
    act_ok_free(&window01, &k, action("accept"), "accepted");
    /* The etag the window had before its own action is stale now. */
    act_with(&reviewer01, &k, old, review_body(), &r);
    expect_status(&r, 412, "review with the etag before acceptance");
    resp_free(&r);
    act_ok_free(&reviewer01, &k, review_body(), "in_review");

    /* Two deciders with the same etag at once: exactly one wins. */
    struct racer x[2];
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        memset(&x[i], 0, sizeof(x[i]));
        x[i].c = &decider01;
        snprintf(x[i].path, sizeof(x[i].path), "/api/v1/cases/%s/transitions", k.id);
        snprintf(x[i].ifm, sizeof(x[i].ifm), "If-Match: \"%lld\"", k.etag);
    }
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, race, &x[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    int ok = 0, stale = 0;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(x[i].rc, 0);
        if (x[i].r.status == 200)
            ok++;
        else if (x[i].r.status == 412)
            stale++;
        else
            fail_msg("racing decide: %ld %s", x[i].r.status, x[i].r.body);
    }
    assert_int_equal(ok, 1);
    assert_int_equal(stale, 1);
    for (int i = 0; i < 2; i++)
        resp_free(&x[i].r);
    /* And once more in sequence with the same etag. */
    act_with(&decider01, &k, k.etag, approve_body(), &r);
    expect_status(&r, 412, "a third decide with the same etag");
    resp_free(&r);
    /* One decision event and one result. */
    get_case(&hengxin, &k, &r);
    assert_string_equal(str(r.json, "state"), "result_issued");
    size_t approvals = 0, i;
    json_t *n;
    json_array_foreach(json_object_get(r.json, "notices"), i, n)
    {
        approvals += strcmp(str(n, "kind"), "approval") == 0;
    }
    assert_int_equal(approvals, 1);
    resp_free(&r);
}

/* ---- 4. refusal and a second correction ----------------------------------------------------- */

static void test_refusal(void **state)
{
    (void)state;
    struct kase k;
    struct http_resp r;
    submit_sample(&hengxin, ITEM_SETUP, pdf_a, -1, &k);
    act_refused(&window01, &k, action("refuse"), 422, NULL);
    act_refused(&window01, &k, json_pack("{s:s,s:s}", "action", "refuse", "reason", ""), 422, NULL);
    act_refused(&hengxin, &k, json_pack("{s:s,s:s}", "action", "refuse", "reason", "x"), 403, NULL);
    /* RULE: SPEC §4 否定报备: every refusal is reported */
    act_ok(&window01, &k,
           json_pack("{s:s,s:s}", "action", "refuse", "reason", "申请事项不属于本机关职权范围"),
           "refused", &r);
    assert_true(json_is_string(json_object_get(r.json, "closed_at")));
    assert_non_null(find_by(json_object_get(r.json, "flags"), "kind", "refusal"));
    assert_int_equal(json_array_size(json_object_get(r.json, "actions")), 0);
    notice_pdf(&hengxin, &k, r.json, "refusal");
    resp_free(&r);
    get_case(&hengxin, &k, &r);
    assert_null(json_object_get(r.json, "flags"));
    assert_false(has_string(json_object_get(r.json, "actions"), "withdraw"));
    resp_free(&r);
    /* A final state: nothing moves it. */
    act_refused(&window01, &k, action("accept"), 409, "invalid_transition");
}

static void test_second_correction(void **state)
{
    (void)state;
    struct kase k;
    struct http_resp r;
    submit_sample(&hengxin, ITEM_SETUP, pdf_a, -1, &k);
    json_t *fault = json_pack("{s:s,s:[{s:i,s:s}]}", "action", "request_correction", "faults",
                              "material", 0, "problem", "申请书未盖章");
    act_ok_free(&window01, &k, json_deep_copy(fault), "awaiting_correction");
    act_ok_free(&hengxin, &k,
                json_pack("{s:s,s:[{s:i,s:s}]}", "action", "supplement", "materials", "index", 0,
                          "upload", pdf_b),
                "submitted");
    /* RULE: SPEC §4 一次性告知: a second correction notice is reported */
    act_ok(&window01, &k, fault, "awaiting_correction", &r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "corrections")), 2);
    assert_non_null(find_by(json_object_get(r.json, "flags"), "kind", "second_correction"));
    resp_free(&r);
    get_case(&supervisor01, &k, &r);
    assert_non_null(find_by(json_object_get(r.json, "flags"), "kind", "second_correction"));
    resp_free(&r);
    get_case(&hengxin, &k, &r);
    expect_status(&r, 200, "applicant reads");
    assert_null(json_object_get(r.json, "flags"));
    assert_null(strstr(r.body, "second_correction"));
    assert_int_equal(json_integer_value(json_object_get(r.json, "corrections")), 2);
    resp_free(&r);
    /* A supplement names uploads of the applicant's own library only. */
    act_refused(&hengxin, &k,
                json_pack("{s:s,s:[{s:i,s:s}]}", "action", "supplement", "materials", "index", 0,
                          "upload", pdf_lisi),
                422, "upload_unknown");
    /* Refusing from awaiting_correction ends the correction's suspension. */
    act_ok(&window01, &k, json_pack("{s:s,s:s}", "action", "refuse", "reason", "逾期未按要求补正"),
           "refused", &r);
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(r.json, "suspensions"), i, s)
    {
        assert_true(json_is_string(json_object_get(s, "ended_at")));
    }
    resp_free(&r);
}

/* ---- 5. 容缺 -------------------------------------------------------------------------------- */

static void test_accept_with_missing(void **state)
{
    (void)state;
    struct kase k;
    struct http_resp r;
    /* Online submission may leave out a material that allows 容缺. */
    submit_sample(&hengxin, ITEM_SETUP, pdf_a, SETUP_MISSING, &k);
    act(&window01, &k, action("accept"), &r);
    expect_status(&r, 409, "plain accept with a material missing");
    assert_string_equal(reason_of(&r), "materials_incomplete");
    expect_error(&r, "materials[5]", "material_not_provided");
    resp_free(&r);
    /* Material 0 does not allow 容缺. */
    act_refused(
        &window01, &k,
        json_pack("{s:s,s:[i],s:i}", "action", "accept_with_missing", "missing", 0, "days", 10),
        422, "material_not_allowed");
    /* RULE: SPEC §4 容缺受理 for B class items, with a supplement date */
    act_ok(&window01, &k,
           json_pack("{s:s,s:[i],s:i}", "action", "accept_with_missing", "missing", SETUP_MISSING,
                     "days", 10),
           "accepted", &r);
    json_t *m = json_array_get(json_object_get(r.json, "materials"), SETUP_MISSING);
    assert_string_equal(str(m, "provision"), "missing");
    char compact[9], dashed[11], due[16];
    today(compact, dashed);
    workdays_after(dashed, 10, due);
    assert_string_equal(str(m, "supplement_due"), due);
    assert_true(json_is_null(json_object_get(m, "supplied_at")));
    assert_non_null(find_by(json_object_get(r.json, "notices"), "kind", "missing"));
    assert_non_null(find_by(json_object_get(r.json, "notices"), "kind", "acceptance"));
    resp_free(&r);
    act_ok_free(&reviewer01, &k, review_body(), "in_review");
    /* RULE: SPEC §16 容缺: no approval while materials are missing */
    act_refused(&decider01, &k, approve_body(), 409, "missing_materials_open");
    /* Only the missing material can be supplied now. */
    act_refused(&hengxin, &k,
                json_pack("{s:s,s:[{s:i,s:s}]}", "action", "supplement", "materials", "index", 0,
                          "upload", pdf_b),
                409, "not_missing");
    act_ok(&hengxin, &k,
           json_pack("{s:s,s:[{s:i,s:s}]}", "action", "supplement", "materials", "index",
                     SETUP_MISSING, "upload", pdf_b),
           "in_review", &r);
    m = json_array_get(json_object_get(r.json, "materials"), SETUP_MISSING);
    assert_true(json_is_string(json_object_get(m, "supplied_at")));
    assert_string_equal(str(json_object_get(m, "upload"), "id"), pdf_b);
    resp_free(&r);
    act_ok_free(&decider01, &k, approve_body(), "result_issued");
    /* Nothing left to supply. */
    act_refused(&hengxin, &k,
                json_pack("{s:s,s:[{s:i,s:s}]}", "action", "supplement", "materials", "index",
                          SETUP_MISSING, "upload", pdf_a),
                409, NULL);
}

static void test_missing_not_class_b(void **state)
{
    (void)state;
    struct kase k;
    submit_sample(&hengxin, ITEM_TAXI, pdf_a, -1, &k);
    act_refused(&window01, &k,
                json_pack("{s:s,s:[i]}", "action", "accept_with_missing", "missing", 6), 403,
                "not_class_b");
}

/* ---- 6. 即办 -------------------------------------------------------------------------------- */

/* RULE: SPEC §4 审决合一: an authorised window decides an instant item */
static void test_instant(void **state)
{
    (void)state;
    struct kase k;
    struct http_resp r;
    submit_sample(&hengxin, ITEM_CHANGE, pdf_a, -1, &k);
    get_case(&window01, &k, &r);
    assert_true(json_is_true(json_object_get(json_object_get(r.json, "item"), "instant")));
    resp_free(&r);
    act_ok_free(&window01, &k, action("accept"), "accepted");
    get_case(&window01, &k, &r);
    assert_true(has_string(json_object_get(r.json, "actions"), "decide"));
    resp_free(&r);
    act_ok(&window01, &k, approve_body(), "result_issued", &r);
    json_t *steps = json_object_get(r.json, "steps");
    assert_int_equal(json_array_size(steps), 2);
    assert_string_equal(str(json_array_get(steps, 1), "done_by"), "钱窗口");
    assert_non_null(find_by(json_object_get(r.json, "notices"), "kind", "approval"));
    resp_free(&r);
    char path[112];
    snprintf(path, sizeof(path), "/api/v1/cases/%s/events", k.id);
    get(&hengxin, path, &r);
    json_t *events = json_object_get(r.json, "events");
    json_t *a = find_by(events, "action", "accept"), *d = find_by(events, "action", "decide");
    assert_non_null(a);
    assert_non_null(d);
    assert_string_equal(str(a, "actor"), "钱窗口");
    assert_string_equal(str(d, "actor"), "钱窗口");
    assert_string_equal(str(d, "role"), "window");
    resp_free(&r);

    /* Delivery: only the item's methods; the applicant sees a pickup code,
     * the window hands over against it; picking up is a trip. */
    get_case(&hengxin, &k, &r);
    json_t *dl = json_object_get(r.json, "delivery");
    assert_string_equal(str(dl, "method"), "window");
    assert_string_equal(str(dl, "status"), "ready");
    char code[16];
    snprintf(code, sizeof(code), "%s", str(dl, "pickup_code"));
    assert_int_equal(strlen(code), 8);
    resp_free(&r);
    get_case(&window01, &k, &r);
    assert_null(json_object_get(json_object_get(r.json, "delivery"), "pickup_code"));
    resp_free(&r);
    act_refused(&window01, &k, json_pack("{s:s,s:s}", "action", "deliver", "method", "fax"), 422,
                "delivery_not_offered");
    act_refused(&window01, &k,
                json_pack("{s:s,s:s,s:s}", "action", "deliver", "method", "window", "pickup_code",
                          "00000000"),
                422, "pickup_code_wrong");
    /* window staff find the case by its code (the lookup is audited) */
    req(&window01, "POST", "/api/v1/pickups/lookup", json_pack("{s:s}", "code", "12345678"), NULL,
        &r);
    if (strcmp(code, "12345678") != 0)
        expect_status(&r, 404, "unknown pickup code");
    resp_free(&r);
    req(&window01, "POST", "/api/v1/pickups/lookup", json_pack("{s:s}", "code", "12ab"), NULL, &r);
    expect_status(&r, 422, "bad pickup code");
    resp_free(&r);
    req(&hengxin, "POST", "/api/v1/pickups/lookup", json_pack("{s:s}", "code", code), NULL, &r);
    expect_status(&r, 403, "an applicant looks up a code");
    resp_free(&r);
    req(&window01, "POST", "/api/v1/pickups/lookup", json_pack("{s:s}", "code", code), NULL, &r);
    expect_status(&r, 200, "pickup lookup");
    assert_string_equal(str(json_object_get(r.json, "case"), "id"), k.id);
    resp_free(&r);
    act_ok(&window01, &k,
           json_pack("{s:s,s:s,s:s}", "action", "deliver", "method", "window", "pickup_code", code),
           "closed", &r);
    assert_true(json_is_string(json_object_get(r.json, "closed_at")));
    dl = json_object_get(r.json, "delivery");
    assert_string_equal(str(dl, "method"), "window");
    assert_string_equal(str(dl, "status"), "delivered");
    assert_true(json_is_string(json_object_get(dl, "delivered_at")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "trips"), "count")),
                     1);
    resp_free(&r);
    get(&hengxin, path, &r);
    events = json_object_get(r.json, "events");
    size_t n = json_array_size(events);
    assert_true(n >= 2);
    assert_string_equal(str(json_array_get(events, n - 2), "action"), "deliver");
    assert_string_equal(str(json_array_get(events, n - 2), "to"), "delivered");
    assert_string_equal(str(json_array_get(events, n - 1), "action"), "close");
    assert_string_equal(str(json_array_get(events, n - 1), "actor"), "系统");
    resp_free(&r);
    act_refused(&window01, &k, json_pack("{s:s,s:s}", "action", "deliver", "method", "post"), 409,
                "invalid_transition");
}

/* ---- 7. who sees what ----------------------------------------------------------------------- */

/* Whether list r holds case id. */
static json_t *in_list(const struct http_resp *r, const char *id)
{
    return find_by(json_object_get(r->json, "cases"), "id", id);
}

static void test_visibility(void **state)
{
    (void)state;
    struct http_resp r;
    const struct kase *k = &journey;
    get_case(&lisi, k, &r);
    expect_status(&r, 404, "lisi reads hengxin's case");
    resp_free(&r);
    get_case(&reviewer02, k, &r);
    expect_status(&r, 404, "reviewer02 (another organisation)");
    resp_free(&r);
    get_case(NULL, k, &r);
    expect_status(&r, 401, "anonymous");
    resp_free(&r);
    get_case(&supervisor01, k, &r);
    expect_status(&r, 200, "supervisor01");
    assert_string_equal(str(r.json, "role"), "supervisor");
    assert_true(json_is_array(json_object_get(r.json, "actions")));
    assert_int_equal(json_array_size(json_object_get(r.json, "actions")), 0);
    resp_free(&r);

    struct kase sub, acc, z, d;
    submit_sample(&hengxin, ITEM_SETUP, pdf_a, -1, &sub);
    accepted_case(&acc);
    create_ok(&zhangsan, sample(ITEM_BIRTH, pdf_zhangsan, -1), "submitted", &z);
    /* 同城通办: the city's window serves a district department's case. */
    get_case(&window01, &z, &r);
    expect_status(&r, 200, "window01 reads a district case");
    assert_string_equal(str(r.json, "role"), "window");
    resp_free(&r);
    get_case(&reviewer02, &z, &r);
    expect_status(&r, 404, "reviewer02 reads another district department's case");
    resp_free(&r);
    create_ok(&hengxin,
              json_pack("{s:s,s:[{s:i,s:s}],s:b}", "item", ITEM_SETUP, "materials", "index", 0,
                        "upload", pdf_draft, "submit", 0),
              "draft", &d);
    /* The supervisor reads but never acts. */
    act_refused(&supervisor01, &sub, action("accept"), 403, NULL);

    /* Applicants: their own cases, without applicant names. */
    get(&hengxin, "/api/v1/cases?limit=100", &r);
    expect_status(&r, 200, "hengxin's list");
    assert_non_null(in_list(&r, sub.id));
    assert_non_null(in_list(&r, d.id));
    assert_null(in_list(&r, z.id));
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(r.json, "cases"), i, c)
    {
        assert_null(json_object_get(c, "applicant_name"));
    }
    resp_free(&r);
    get(&zhangsan, "/api/v1/cases?limit=100", &r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 1);
    assert_non_null(in_list(&r, z.id));
    resp_free(&r);
    get(&lisi, "/api/v1/cases", &r);
    expect_status(&r, 200, "lisi's list");
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 0);
    resp_free(&r);

    /* The window's pre-review queue: submitted cases, with names, no drafts. */
    get(&window01, "/api/v1/cases?queue=pre_review&limit=100", &r);
    expect_status(&r, 200, "window01 pre_review");
    json_t *row = in_list(&r, sub.id);
    assert_non_null(row);
    assert_string_equal(str(row, "applicant_name"), HENGXIN_NAME);
    assert_string_equal(str(row, "state"), "submitted");
    assert_null(in_list(&r, acc.id));
    assert_null(in_list(&r, d.id));
    json_array_foreach(json_object_get(r.json, "cases"), i, c)
    {
        const char *st = str(c, "state");
        assert_true(strcmp(st, "submitted") == 0 || strcmp(st, "awaiting_correction") == 0);
    }
    resp_free(&r);
    /* The handlers' work queue: accepted, in review, suspended. */
    get(&reviewer01, "/api/v1/cases?queue=work&limit=100", &r);
    expect_status(&r, 200, "reviewer01 work");
    row = in_list(&r, acc.id);
    assert_non_null(row);
    assert_string_equal(str(row, "applicant_name"), HENGXIN_NAME);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(row, "next_step"), "authority_level")),
        2);
    assert_null(in_list(&r, sub.id));
    resp_free(&r);
    get(&reviewer02, "/api/v1/cases?limit=100", &r);
    expect_status(&r, 200, "reviewer02's list");
    assert_null(in_list(&r, acc.id));
    assert_null(in_list(&r, sub.id));
    resp_free(&r);
    get(&window01, "/api/v1/cases?state=nonsense", &r);
    expect_status(&r, 422, "unknown state filter");
    resp_free(&r);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/cases?q=%.12s&limit=100", acc.no);
    get(&supervisor01, path, &r);
    expect_status(&r, 200, "supervisor by number prefix");
    assert_non_null(in_list(&r, acc.id));
    json_array_foreach(json_object_get(r.json, "cases"), i, c)
    {
        assert_memory_equal(str(c, "case_no"), acc.no, 12);
    }
    resp_free(&r);
}

/* Window staff enter an application at the counter for an applicant. */
static void test_window_entry(void **state)
{
    (void)state;
    json_t *body = sample(ITEM_CHANGE, pdf_a, -1);
    json_t *mats = json_array();
    for (int i = 0; i < 3; i++)
        json_array_append_new(mats, json_pack("{s:i,s:b}", "index", i, "paper", 1));
    json_object_set_new(body, "materials", mats);
    json_object_set_new(body, "channel", json_string("window"));
    json_object_set_new(body, "applicant", json_string("hengxin"));
    struct kase k;
    create_ok(&window01, body, "submitted", &k);
    struct http_resp r;
    get_case(&hengxin, &k, &r);
    expect_status(&r, 200, "the applicant sees the counter's case");
    assert_string_equal(str(r.json, "channel"), "window");
    assert_true(json_is_true(
        json_object_get(json_array_get(json_object_get(r.json, "materials"), 0), "paper")));
    resp_free(&r);
    /* Applicants do not create cases for others. */
    body = sample(ITEM_CHANGE, pdf_a, -1);
    json_object_set_new(body, "applicant", json_string("huaxin"));
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    post_case(&hengxin, new_key(), text, &r);
    free(text);
    expect_status(&r, 422, "applicant names another applicant");
    resp_free(&r);
}

/* ---- 8. extension, suspension --------------------------------------------------------------- */

static void test_extend_suspend(void **state)
{
    (void)state;
    struct kase k;
    struct http_resp r;
    submit_sample(&hengxin, ITEM_CANCEL, pdf_a, -1, &k);
    act_ok_free(&window01, &k, action("accept"), "accepted");
    char legal[16], promised[16];
    case_field(&hengxin, &k, "legal_due", legal, sizeof(legal));
    case_field(&hengxin, &k, "promised_due", promised, sizeof(promised));
    assert_true(is_date(legal));

    /* RULE: 行政许可法 §42 an extension, by a level above the step's */
    act_refused(&reviewer01, &k,
                json_pack("{s:s,s:i,s:s}", "action", "extend", "days", 5, "reason", "情况复杂"),
                403, "extension_needs_higher_level");
    act_refused(&decider01, &k, json_pack("{s:s,s:i}", "action", "extend", "days", 5), 422, NULL);
    act_refused(&decider01, &k,
                json_pack("{s:s,s:i,s:s}", "action", "extend", "days", 11, "reason", "情况复杂"),
                422, NULL);
    act_ok(&decider01, &k,
           json_pack("{s:s,s:i,s:s}", "action", "extend", "days", 5, "reason",
                     "需要核实清算报告，情况复杂"),
           "accepted", &r);
    char due[16];
    workdays_after(legal, 5, due);
    assert_string_equal(str(r.json, "legal_due"), due);
    workdays_after(promised, 5, due);
    assert_string_equal(str(r.json, "promised_due"), due);
    assert_int_equal(json_integer_value(json_object_get(r.json, "extended_days")), 5);
    resp_free(&r);
    act_refused(&decider01, &k,
                json_pack("{s:s,s:i,s:s}", "action", "extend", "days", 6, "reason", "再次延期"),
                409, "extension_exhausted");

    /* Special procedures: only those the item lists. */
    act_refused(&reviewer01, &k,
                json_pack("{s:s,s:s,s:s}", "action", "suspend", "procedure", "site_survey",
                          "reason", "现场勘查"),
                422, "procedure_not_listed");
    act_refused(&reviewer02, &k,
                json_pack("{s:s,s:s,s:s}", "action", "suspend", "procedure", "publication",
                          "reason", "公告"),
                404, NULL);
    act_ok(&reviewer01, &k,
           json_pack("{s:s,s:s,s:s}", "action", "suspend", "procedure", "publication", "reason",
                     "注销公告期"),
           "suspended", &r);
    json_t *s = find_by(json_object_get(r.json, "suspensions"), "kind", "publication");
    assert_non_null(s);
    assert_true(json_is_null(json_object_get(s, "ended_at")));
    assert_int_equal(json_integer_value(json_object_get(s, "limit_days")), 20);
    assert_true(has_string(json_object_get(r.json, "actions"), "resume"));
    resp_free(&r);
    act_refused(&reviewer01, &k, review_body(), 409, "invalid_transition");
    act_ok(&reviewer01, &k, action("resume"), "accepted", &r);
    s = find_by(json_object_get(r.json, "suspensions"), "kind", "publication");
    assert_true(json_is_string(json_object_get(s, "ended_at")));
    resp_free(&r);
    /* From in_review, resume returns to in_review. */
    act_ok_free(&reviewer01, &k, review_body(), "in_review");
    act_ok_free(&reviewer01, &k,
                json_pack("{s:s,s:s,s:s}", "action", "suspend", "procedure", "publication",
                          "reason", "补充公告"),
                "suspended");
    act_ok_free(&reviewer01, &k, action("resume"), "in_review");
    act_refused(&reviewer01, &k, action("resume"), 409, "invalid_transition");
}

/* ---- 9. withdrawal, termination ------------------------------------------------------------- */

static void test_withdraw_terminate(void **state)
{
    (void)state;
    struct kase k;
    struct http_resp r;
    submit_sample(&hengxin, ITEM_SETUP, pdf_a, -1, &k);
    act_refused(&window01, &k, action("withdraw"), 403, NULL);
    act_ok(&hengxin, &k, json_pack("{s:s,s:s}", "action", "withdraw", "reason", "不再需要"),
           "withdrawn", &r);
    assert_true(json_is_string(json_object_get(r.json, "closed_at")));
    resp_free(&r);
    act_refused(&window01, &k, action("accept"), 409, "invalid_transition");
    /* Withdrawing while a correction is awaited ends its suspension. */
    submit_sample(&hengxin, ITEM_SETUP, pdf_a, -1, &k);
    act_ok_free(&window01, &k,
                json_pack("{s:s,s:[{s:n,s:s}]}", "action", "request_correction", "faults",
                          "material", "problem", "申请表未签字"),
                "awaiting_correction");
    act_ok(&hengxin, &k, action("withdraw"), "withdrawn", &r);
    assert_true(json_is_string(
        json_object_get(json_array_get(json_object_get(r.json, "suspensions"), 0), "ended_at")));
    resp_free(&r);

    accepted_case(&k);
    act_refused(&hengxin, &k, json_pack("{s:s,s:s}", "action", "terminate", "reason", "x"), 403,
                NULL);
    act_refused(&reviewer01, &k, action("terminate"), 422, NULL);
    act_ok(&reviewer01, &k,
           json_pack("{s:s,s:s}", "action", "terminate", "reason", "申请人主体资格已消灭"),
           "terminated", &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "actions")), 0);
    resp_free(&r);
    /* An unknown action. */
    act_refused(&reviewer01, &k, action("issue_result"), 422, NULL);
}

/* ---- denial, 告知承诺, the joint meeting ------------------------------------------------------
 */

static void test_deny(void **state)
{
    (void)state;
    struct kase k;
    struct http_resp r;
    accepted_case(&k);
    act_ok_free(&reviewer01, &k, review_body(), "in_review");
    act_refused(&decider01, &k, json_pack("{s:s,s:s}", "action", "decide", "decision", "maybe"),
                422, NULL);
    /* RULE: SPEC §5 a denial is written with its reasons and reported to supervision */
    act_refused(&decider01, &k, json_pack("{s:s,s:s}", "action", "decide", "decision", "deny"), 422,
                NULL);
    act_ok(&decider01, &k,
           json_pack("{s:s,s:s,s:[s]}", "action", "decide", "decision", "deny", "reasons",
                     "住所使用证明与登记住所不一致"),
           "denied", &r);
    assert_non_null(find_by(json_object_get(r.json, "flags"), "kind", "denial"));
    assert_string_equal(str(json_array_get(json_object_get(r.json, "steps"), 2), "outcome"),
                        "deny");
    assert_null(find_by(json_object_get(r.json, "notices"), "kind", "approval"));
    notice_pdf(&hengxin, &k, r.json, "denial");
    resp_free(&r);
    /* The applicant wants the decision by post: address checked, sealed,
     * shown in full to the applicant and the window. */
    char path[112];
    snprintf(path, sizeof(path), "/api/v1/cases/%s/delivery", k.id);
    char ifm[48];
    get_case(&hengxin, &k, &r);
    snprintf(ifm, sizeof(ifm), "If-Match: \"%lld\"",
             json_integer_value(json_object_get(r.json, "etag")));
    resp_free(&r);
    req(&hengxin, "PUT", path,
        json_pack("{s:s,s:{s:s,s:s,s:s}}", "method", "post", "post", "recipient", "王小明", "phone",
                  "1380013", "address", "上海市黄浦区人民大道200号"),
        ifm, &r);
    expect_status(&r, 422, "short phone");
    resp_free(&r);
    req(&window01, "PUT", path,
        json_pack("{s:s,s:{s:s,s:s,s:s}}", "method", "post", "post", "recipient", "王小明", "phone",
                  "13800138000", "address", "上海市黄浦区人民大道200号"),
        ifm, &r);
    expect_status(&r, 403, "window chooses for the applicant");
    resp_free(&r);
    req(&hengxin, "PUT", path,
        json_pack("{s:s,s:{s:s,s:s,s:s}}", "method", "post", "post", "recipient", "王小明", "phone",
                  "13800138000", "address", "上海市黄浦区人民大道200号"),
        ifm, &r);
    expect_status(&r, 200, "choose post");
    k.etag = json_integer_value(json_object_get(r.json, "etag"));
    json_t *post = json_object_get(json_object_get(r.json, "delivery"), "post");
    assert_string_equal(str(post, "phone"), "13800138000");
    resp_free(&r);
    get_case(&decider01, &k, &r);
    post = json_object_get(json_object_get(r.json, "delivery"), "post");
    assert_string_equal(str(post, "phone"), "138****8000");
    assert_string_equal(str(post, "recipient"), "王**");
    resp_free(&r);
    /* posted with a tracking number first, then delivered */
    act_refused(&window01, &k, json_pack("{s:s,s:s}", "action", "deliver", "method", "post"), 409,
                "not_dispatched");
    act_refused(&window01, &k,
                json_pack("{s:s,s:s,s:s}", "action", "dispatch", "carrier", "EMS", "tracking_no",
                          "EM 1<2>"),
                422, NULL);
    act_ok(&window01, &k,
           json_pack("{s:s,s:s,s:s}", "action", "dispatch", "carrier", "EMS", "tracking_no",
                     "EM1234567890CN"),
           "denied", &r);
    post = json_object_get(json_object_get(r.json, "delivery"), "post");
    assert_string_equal(str(json_object_get(r.json, "delivery"), "status"), "dispatched");
    assert_string_equal(str(post, "tracking_no"), "EM1234567890CN");
    resp_free(&r);
    act_refused(
        &window01, &k,
        json_pack("{s:s,s:s,s:s}", "action", "dispatch", "carrier", "EMS", "tracking_no", "EM1"),
        409, "already_dispatched");
    act_ok_free(&window01, &k, json_pack("{s:s,s:s}", "action", "deliver", "method", "post"),
                "closed");
    get_case(&hengxin, &k, &r);
    assert_string_equal(str(json_object_get(r.json, "delivery"), "status"), "delivered");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "trips"), "count")),
                     0);
    resp_free(&r);
}

static void test_accept_with_commitment(void **state)
{
    (void)state;
    struct kase k;
    struct http_resp r;
    submit_sample(&hengxin, ITEM_SETUP, pdf_a, SETUP_MISSING, &k);
    act_refused(&window01, &k,
                json_pack("{s:s,s:[]}", "action", "accept_with_commitment", "commitments"), 422,
                NULL);
    act_refused(&window01, &k,
                json_pack("{s:s,s:[i]}", "action", "accept_with_commitment", "commitments", 0), 422,
                "material_not_allowed");
    act_ok(
        &window01, &k,
        json_pack("{s:s,s:[i]}", "action", "accept_with_commitment", "commitments", SETUP_MISSING),
        "accepted", &r);
    json_t *m = json_array_get(json_object_get(r.json, "materials"), SETUP_MISSING);
    assert_string_equal(str(m, "provision"), "commitment");
    assert_non_null(find_by(json_object_get(r.json, "notices"), "kind", "commitment"));
    assert_non_null(find_by(json_object_get(r.json, "notices"), "kind", "acceptance"));
    resp_free(&r);
    /* A commitment is not a missing material: the decision may follow. */
    act_ok_free(&reviewer01, &k, review_body(), "in_review");
    act_ok_free(&decider01, &k, approve_body(), "result_issued");
    /* RULE: 国办发〔2020〕42号 no 告知承诺 for high-risk items */
    submit_sample(&hengxin, ITEM_EIA, pdf_a, -1, &k);
    act_refused(&window01, &k,
                json_pack("{s:s,s:[i]}", "action", "accept_with_commitment", "commitments", 0), 403,
                "high_risk_item");
}

/* A level-4 staff member of the city bureau (the demo has none), logged in
 * with the password changed. */
static void make_leader(struct tb_client *leader)
{
    struct tb_client sys;
    struct http_resp r;
    assert_int_equal(client_login(&srv, "sysadmin", DEMO_PASSWORD, &sys, NULL), 200);
    get(&sys, "/api/v1/orgs/all", &r);
    expect_status(&r, 200, "orgs");
    json_t *org = find_by(json_object_get(r.json, "orgs"), "code", "DEMO-CITY-XZSPJ");
    assert_non_null(org);
    json_int_t org_id = json_integer_value(json_object_get(org, "id"));
    resp_free(&r);
    char body[320];
    snprintf(body, sizeof(body),
             "{\"username\":\"leader01\",\"name\":\"联席会议召集人\",\"org_id\":%lld,"
             "\"roles\":[\"decider\"],\"authority_level\":4,\"password\":\"%s\"}",
             (long long)org_id, LEADER_PW);
    assert_int_equal(client_req(&srv, &sys, "POST", "/api/v1/staff", body, CLIENT_ORIGIN, NULL, &r),
                     0);
    expect_status(&r, 201, "create leader01");
    resp_free(&r);
    assert_int_equal(client_login(&srv, "leader01", LEADER_PW, leader, NULL), 200);
    snprintf(body, sizeof(body), "{\"old_password\":\"%s\",\"new_password\":\"%s\"}", LEADER_PW,
             LEADER_PW_NEW);
    assert_int_equal(
        client_req(&srv, leader, "PUT", "/api/v1/me/password", body, CLIENT_ORIGIN, NULL, &r), 0);
    expect_status(&r, 204, "leader01 changes the password");
    resp_free(&r);
}

/* RULE: SPEC §5 major items go to the joint meeting (联席会议), which records
 * participants. In the demo catalogue the level-4 step 集体研究 comes before
 * the level-3 decision. */
static void test_joint_meeting(void **state)
{
    (void)state;
    struct kase k;
    struct http_resp r;
    struct tb_client leader;
    make_leader(&leader);
    submit_sample(&hengxin, ITEM_EIA, pdf_a, -1, &k);
    act_ok_free(&window01, &k, action("accept"), "accepted");
    act_ok_free(&reviewer01, &k, review_body(), "in_review");
    get_case(&decider01, &k, &r);
    json_t *next = json_object_get(r.json, "next_step");
    assert_int_equal(json_integer_value(json_object_get(next, "index")), 2);
    assert_int_equal(json_integer_value(json_object_get(next, "authority_level")), 4);
    resp_free(&r);
    act_refused(&decider01, &k, review_body(), 403, "authority_level_too_low");
    /* The joint meeting without its participants. */
    act_refused(&leader, &k, review_body(), 422, NULL);
    act_ok(&leader, &k,
           json_pack("{s:s,s:s,s:[s,s,s]}", "action", "review", "opinion", "联席会议研究同意",
                     "participants", "周决定", "孙审查", "联席会议召集人"),
           "in_review", &r);
    json_t *parts =
        json_object_get(json_array_get(json_object_get(r.json, "steps"), 2), "participants");
    assert_int_equal(json_array_size(parts), 3);
    resp_free(&r);
    act_ok_free(&decider01, &k, approve_body(), "result_issued");
}

/* ---- prefill, lists ---------------------------------------------------------------------- */

/* RULE: SPEC 一次采集、多方使用: what the platform holds is offered again */
static void test_prefill(void **state)
{
    (void)state;
    struct http_resp r;
    get(&hengxin, "/api/v1/cases/prefill?item=" ITEM_SETUP, &r);
    expect_status(&r, 200, "prefill");
    json_t *mats = json_object_get(r.json, "materials");
    assert_int_equal(json_array_size(mats), 7);
    json_t *up0 = json_object_get(json_array_get(mats, 0), "upload");
    const char *id0 = str(up0, "id");
    assert_true(strcmp(id0, pdf_a) == 0 || strcmp(id0, pdf_b) == 0 || strcmp(id0, pdf_draft) == 0);
    assert_string_equal(str(up0, "content_type"), "application/pdf");
    assert_true(json_is_null(json_object_get(json_array_get(mats, 2), "upload"))); /* licence */
    /* Only keys of the item's form. */
    const char *key;
    json_t *v;
    static const char *const fields[] = {"company_name",           "company_type",   "domicile",
                                         "registered_capital_fen", "legal_rep_name", "legal_rep_id",
                                         "business_scope",         "phone",          "email"};
    json_object_foreach(json_object_get(r.json, "values"), key, v)
    {
        bool known = false;
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
            known |= strcmp(fields[i], key) == 0;
        if (!known)
            fail_msg("prefill key %s: %s", key, r.body);
    }
    resp_free(&r);
    /* Nobody else's uploads. */
    get(&lisi, "/api/v1/cases/prefill?item=" ITEM_SETUP, &r);
    expect_status(&r, 200, "lisi's prefill");
    assert_true(json_is_null(
        json_object_get(json_array_get(json_object_get(r.json, "materials"), 0), "upload")));
    assert_null(strstr(r.body, pdf_a));
    resp_free(&r);
    get(&hengxin, "/api/v1/cases/prefill?item=11500100MB01000285010130009999", &r);
    expect_status(&r, 404, "prefill of an unknown item");
    resp_free(&r);
    get(&window01, "/api/v1/cases/prefill?item=" ITEM_SETUP, &r);
    expect_status(&r, 403, "staff prefill");
    resp_free(&r);
}

struct creator {
    const char *body, *key;
    struct http_resp r;
};

static void *create_race(void *arg)
{
    struct creator *x = arg;
    char h[160];
    snprintf(h, sizeof(h), "Idempotency-Key: %s", x->key);
    const char *extra[] = {h, NULL};
    client_req(&srv, &hengxin, "POST", "/api/v1/cases", x->body, 0, extra, &x->r);
    return NULL;
}

/* A retried submission racing the first: one case. */
static void test_idempotent_race(void **state)
{
    (void)state;
    json_t *body = sample(ITEM_CHANGE, pdf_a, -1);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    char key[64];
    snprintf(key, sizeof(key), "%s", new_key());
    struct creator x[2] = {{text, key, {0}}, {text, key, {0}}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, create_race, &x[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    long a = x[0].r.status, b = x[1].r.status;
    if (!((a == 201 && b == 200) || (a == 200 && b == 201)))
        fail_msg("racing retries: %ld %s / %ld %s", a, x[0].r.body, b, x[1].r.body);
    assert_string_equal(str(x[0].r.json, "id"), str(x[1].r.json, "id"));
    for (int i = 0; i < 2; i++)
        resp_free(&x[i].r);
    free(text);
    /* reviewer01 enters no applications. */
    struct http_resp r;
    body = sample(ITEM_CHANGE, pdf_a, -1);
    json_object_set_new(body, "channel", json_string("window"));
    json_object_set_new(body, "applicant", json_string("hengxin"));
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    post_case(&reviewer01, new_key(), text, &r);
    free(text);
    expect_status(&r, 403, "reviewer01 creates a case");
    resp_free(&r);
}

/* Newest first; total counts every match, whatever the page. */
static void test_list_paging(void **state)
{
    (void)state;
    struct http_resp r;
    struct kase k;
    submit_sample(&hengxin, ITEM_CHANGE, pdf_a, -1, &k);
    get(&hengxin, "/api/v1/cases?limit=2", &r);
    expect_status(&r, 200, "first page");
    json_int_t total = json_integer_value(json_object_get(r.json, "total"));
    assert_true(total > 10);
    assert_int_equal(json_array_size(json_object_get(r.json, "cases")), 2);
    assert_string_equal(str(json_array_get(json_object_get(r.json, "cases"), 0), "id"), k.id);
    resp_free(&r);
    get(&hengxin, "/api/v1/cases?limit=2&offset=2", &r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")), total);
    assert_string_not_equal(str(json_array_get(json_object_get(r.json, "cases"), 0), "id"), k.id);
    resp_free(&r);
    get(&hengxin, "/api/v1/cases?state=submitted&limit=100", &r);
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(r.json, "cases"), i, c)
    {
        assert_string_equal(str(c, "state"), "submitted");
    }
    assert_non_null(in_list(&r, k.id));
    resp_free(&r);
    get(&hengxin, "/api/v1/cases?limit=0", &r);
    expect_status(&r, 422, "limit 0");
    resp_free(&r);
    get(&hengxin, "/api/v1/cases?limit=101", &r);
    expect_status(&r, 422, "limit 101");
    resp_free(&r);
    /* A page past the end still says how many there are. */
    get(&hengxin, "/api/v1/cases?limit=2&offset=1000", &r);
    expect_status(&r, 200, "past the end");
    assert_int_equal(json_array_size(json_object_get(r.json, "cases")), 0);
    if (json_integer_value(json_object_get(r.json, "total")) != total)
        fail_msg("total past the end: %s (want %lld)", r.body, (long long)total);
    resp_free(&r);
}

/* ---- 10. window rates ----------------------------------------------------------------------- */

static void test_window_stats(void **state)
{
    (void)state;
    struct http_resp r;
    get(&window01, "/api/v1/windows/stats?hall=HALL-CITY", &r);
    expect_status(&r, 200, "window stats");
    json_t *w = NULL;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r.json, "windows"), i, e)
    {
        assert_string_equal(str(e, "hall"), "HALL-CITY");
        if (strcmp(str(e, "code"), "W01") == 0)
            w = e;
    }
    if (!w)
        fail_msg("no W01: %s", r.body);
    json_int_t received = json_integer_value(json_object_get(w, "received"));
    json_int_t accepted = json_integer_value(json_object_get(w, "accepted"));
    assert_true(received > 0);
    assert_true(accepted > 0);
    assert_true(accepted <= received);
    assert_true(json_integer_value(json_object_get(w, "refused")) >= 2);
    assert_true(json_integer_value(json_object_get(w, "corrections")) >= 3);
    assert_true(json_integer_value(json_object_get(w, "pre_reviewed")) >= 1);
    assert_true(json_integer_value(json_object_get(w, "decided")) >= 1);
    double rate = json_number_value(json_object_get(w, "acceptance_rate"));
    assert_true(rate > 0.0 && rate <= 1.0);
    resp_free(&r);
    get(&supervisor01, "/api/v1/windows/stats", &r);
    expect_status(&r, 200, "supervisor reads the rates");
    resp_free(&r);
    get(&hengxin, "/api/v1/windows/stats", &r);
    expect_status(&r, 403, "an applicant reads the rates");
    resp_free(&r);
}

/* ---- 11. staff download a case's material --------------------------------------------------- */

static void test_staff_download(void **state)
{
    (void)state;
    char path[128];
    struct http_resp r;
    snprintf(path, sizeof(path), "/api/v1/uploads/%s", pdf_a);
    get(&window01, path, &r);
    expect_status(&r, 200, "window01 downloads a material of a case it sees");
    assert_non_null(resp_header(&r, "Content-Type"));
    assert_int_equal(r.len, strlen(pdf_a_bytes));
    assert_memory_equal(r.body, pdf_a_bytes, r.len);
    assert_string_equal(resp_header(&r, "Content-Type"), "application/pdf");
    resp_free(&r);
    get(&reviewer01, path, &r);
    expect_status(&r, 200, "reviewer01 downloads a material of a case it handles");
    resp_free(&r);
    get(&reviewer02, path, &r);
    expect_status(&r, 404, "reviewer02 sees no case using it");
    resp_free(&r);
    get(&lisi, path, &r);
    expect_status(&r, 404, "another applicant");
    resp_free(&r);
    /* An upload named only by a draft: no staff member sees a draft. */
    snprintf(path, sizeof(path), "/api/v1/uploads/%s", pdf_draft);
    get(&window01, path, &r);
    expect_status(&r, 404, "window01 downloads a draft's material");
    resp_free(&r);
}

/* ---- the audit trail ------------------------------------------------------------------------ */

static void test_audit(void **state)
{
    (void)state;
    char path[160];
    struct http_resp r;
    snprintf(path, sizeof(path), "/api/v1/audit/events?object_type=case&object_id=%s&limit=200",
             journey.id);
    get(&auditadmin, path, &r);
    expect_status(&r, 200, "audit events of the case");
    json_t *events = json_object_get(r.json, "events");
    static const char *const want[] = {
        "case.submit", "case.request_correction", "case.supplement", "case.accept", "case.review",
        "case.decide", "case.issue_result"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        if (!find_by(events, "action", want[i]))
            fail_msg("no %s in %s", want[i], r.body);
    json_t *accept = find_by(events, "action", "case.accept");
    json_t *decide = find_by(events, "action", "case.decide");
    assert_int_equal(json_integer_value(json_object_get(accept, "actor_id")), window01.account_id);
    assert_int_equal(json_integer_value(json_object_get(decide, "actor_id")), decider01.account_id);
    /* Form values are personal data: never in the audit log. */
    assert_null(strstr(r.body, "王恒信"));
    assert_null(strstr(r.body, "13900139000"));
    resp_free(&r);
    get(&auditadmin, "/api/v1/audit/verify", &r);
    expect_status(&r, 200, "audit verify");
    assert_true(json_is_true(json_object_get(r.json, "intact")));
    resp_free(&r);
}

/* ---- progress: drafts and the rate limit ---------------------------------------------------- */

static void test_progress_limits(void **state)
{
    /* the production binary has no test clock */
    {
        struct http_resp t;
        const char *h[] = {"Content-Type: application/json", NULL};
        static const char body[] = "{\"today\":\"2030-01-01\"}";
        assert_int_equal(http_req(&srv, "PUT", "/api/v1/test/clock", h, body, sizeof(body) - 1, &t),
                         0);
        assert_int_equal(t.status, 404);
        resp_free(&t);
    }
    (void)state;
    struct http_resp r;
    struct kase d;
    create_ok(&hengxin, json_pack("{s:s,s:b}", "item", ITEM_SETUP, "submit", 0), "draft", &d);
    assert_int_equal(strlen(d.code), 8);
    progress(d.no, d.code, &r);
    if (r.status != 404 && r.status != 429)
        fail_msg("a draft's progress: %ld %s", r.status, r.body);
    resp_free(&r);
    /* More than 10 lookups a minute from one address: 429. */
    bool limited = false;
    for (int i = 0; i < 25 && !limited; i++) {
        progress(journey.no, journey.code, &r);
        if (r.status == 429) {
            limited = true;
            assert_string_equal(problem_code(&r), "rate_limited");
        } else {
            expect_status(&r, 200, "progress");
        }
        resp_free(&r);
    }
    assert_true(limited);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uploads_for_cases),
        cmocka_unit_test(test_submit),
        cmocka_unit_test(test_submit_invalid_values),
        cmocka_unit_test(test_draft),
        cmocka_unit_test(test_journey),
        cmocka_unit_test(test_if_match),
        cmocka_unit_test(test_refusal),
        cmocka_unit_test(test_second_correction),
        cmocka_unit_test(test_accept_with_missing),
        cmocka_unit_test(test_missing_not_class_b),
        cmocka_unit_test(test_instant),
        cmocka_unit_test(test_visibility),
        cmocka_unit_test(test_window_entry),
        cmocka_unit_test(test_extend_suspend),
        cmocka_unit_test(test_withdraw_terminate),
        cmocka_unit_test(test_deny),
        cmocka_unit_test(test_accept_with_commitment),
        cmocka_unit_test(test_joint_meeting),
        cmocka_unit_test(test_prefill),
        cmocka_unit_test(test_idempotent_race),
        cmocka_unit_test(test_list_paging),
        cmocka_unit_test(test_window_stats),
        cmocka_unit_test(test_staff_download),
        cmocka_unit_test(test_audit),
        cmocka_unit_test(test_progress_limits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
