/*
 * test_catalog_api.c - the service-item catalogue over HTTP against a demo
 * server (docs/catalogue.md): creating, validating, versioning, publishing,
 * suspending, cancelling and transferring items as the system
 * administrator; the public lists, filters, search and KPIs; the audit
 * trail. Every test makes its own items (impl codes "TEST-...", topics
 * "TEST...") and asserts only on those, so that the demo catalogue may hold
 * items or not.
 */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#ifndef TB_SOURCE_DIR
#define TB_SOURCE_DIR "."
#endif

#define DEMO_PASSWORD "Demo-Pass-2026"
#define SCJGJ         "DEMO-CITY-SCJGJ"
#define CITY_XZSPJ    "DEMO-CITY-XZSPJ"
#define DIST_XZSPJ    "DEMO-DIST-XZSPJ"

static struct test_server srv;
static struct tb_client admin, clerk;

static int setup(void **state)
{
    (void)state;
    if (server_start(&srv, true, NULL) != 0)
        return -1;
    if (client_login(&srv, "sysadmin", DEMO_PASSWORD, &admin, NULL) != 200 ||
        client_login(&srv, "window01", DEMO_PASSWORD, &clerk, NULL) != 200)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return server_stop(&srv) == 0 ? 0 : -1;
}

/* ---- helpers ------------------------------------------------------------------------ */

/* Percent-encodes s for a query string. */
static const char *enc(const char *s)
{
    static char bufs[4][512];
    static int k;
    char *out = bufs[k++ % 4];
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 4 < sizeof(bufs[0]); p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.')
            out[n++] = (char)*p;
        else
            n += (size_t)snprintf(out + n, 4, "%%%02X", *p);
    }
    out[n] = '\0';
    return out;
}

/* A valid promised item (承诺件, class A, one trip) of org with topic. */
static json_t *item_doc(const char *code, const char *name, const char *org, const char *topic)
{
    json_t *d = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:[s],s:[s],s:[s],s:[{s:s,s:s}],s:s,"
        "s:[{s:s,s:b,s:i,s:s,s:s}],s:[{s:s,s:i,s:i},{s:s,s:i,s:i}],s:i,s:i,s:{s:b},"
        "s:s,s:s,s:s,s:[s],s:[s]}",
        "impl_code", code, "basic_code", "TESTBASIC01", "name", name, "type", "01", "org", org,
        "audience", "1", "levels", "3", "topics", topic, "basis", "law",
        "《中华人民共和国行政许可法》", "article", "第十二条", "conditions", "申请人符合法定条件",
        "materials", "name", "申请书", "is_required", 1, "copies", 1, "form", "paper", "source",
        "applicant", "steps", "name", "受理", "authority_level", 1, "limit_days", 1, "name", "决定",
        "authority_level", 3, "limit_days", 4, "legal_limit_days", 20, "promised_limit_days", 5,
        "fee", "is_free", 1, "kind", "2", "item_class", "A", "trips", "1", "delivery", "window",
        "channels", "window");
    assert_non_null(d);
    return d;
}

/* One request as c (NULL: anonymous) with body (stolen; may be NULL). */
static long req(const struct tb_client *c, const char *method, const char *path, json_t *body,
                unsigned flags, struct http_resp *r)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    assert_int_equal(client_req(&srv, c, method, path, text, flags, NULL, r), 0);
    free(text);
    return r->status;
}

/* {"item","reason","publish"} (steals item). */
static json_t *save_body(json_t *item, const char *reason, bool publish)
{
    return json_pack("{s:o,s:s,s:b}", "item", item, "reason", reason, "publish", publish);
}

/* POST /api/v1/items as the administrator; asserts 201. Steals doc. */
static void create(json_t *doc, bool publish)
{
    struct http_resp r;
    const char *code = json_string_value(json_object_get(doc, "impl_code"));
    char copy[64];
    snprintf(copy, sizeof(copy), "%s", code);
    long st = req(&admin, "POST", "/api/v1/items", save_body(doc, "新增事项", publish), 0, &r);
    if (st != 201)
        fail_msg("create %s: %ld %s", copy, st, r.body);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 1);
    resp_free(&r);
}

/* PUT /api/v1/items/{code}; returns the status, the answer in r. */
static long put_item(json_t *doc, const char *reason, bool publish, struct http_resp *r)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/items/%s",
             json_string_value(json_object_get(doc, "impl_code")));
    return req(&admin, "PUT", path, save_body(doc, reason, publish), 0, r);
}

static long get(const struct tb_client *c, const char *path, struct http_resp *r)
{
    return req(c, "GET", path, NULL, 0, r);
}

static long post_status(const char *code, const char *status, struct http_resp *r)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/items/%s/status", code);
    return req(&admin, "POST", path,
               json_pack("{s:s,s:s}", "status", status, "reason", "测试状态变更原因"), 0, r);
}

/* Whether the problem r lists an error with this path and code. */
static bool has_error(const struct http_resp *r, const char *path, const char *code)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "errors"), i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "path")), path) == 0 &&
            strcmp(json_string_value(json_object_get(e, "code")), code) == 0) {
            assert_true(strlen(json_string_value(json_object_get(e, "zh"))) > 0);
            assert_true(strlen(json_string_value(json_object_get(e, "en"))) > 0);
            return true;
        }
    }
    return false;
}

static void expect_error(const struct http_resp *r, const char *path, const char *code)
{
    if (!has_error(r, path, code))
        fail_msg("no error %s at \"%s\" in %s", code, path, r->body);
}

/* The impl codes of an items list, joined by spaces and sorted (the
 * queries below are small). */
static void codes_of(json_t *items, char *out, size_t cap)
{
    const char *codes[128];
    size_t n = 0, i;
    json_t *e;
    json_array_foreach(items, i, e)
    {
        if (n < 128)
            codes[n++] = json_string_value(json_object_get(e, "impl_code"));
    }
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && strcmp(codes[b - 1], codes[b]) > 0; b--) {
            const char *t = codes[b];
            codes[b] = codes[b - 1];
            codes[b - 1] = t;
        }
    out[0] = '\0';
    for (i = 0; i < n; i++) {
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%s%s", i ? " " : "", codes[i]);
    }
}

/* GET /api/v1/items?QUERY answers exactly the codes want (sorted, space
 * separated) with that total. */
static void expect_items(const char *query, const char *want)
{
    char path[512], got[2048];
    struct http_resp r;
    snprintf(path, sizeof(path), "/api/v1/items?%s", query);
    long st = get(NULL, path, &r);
    if (st != 200)
        fail_msg("GET %s: %ld %s", path, st, r.body);
    codes_of(json_object_get(r.json, "items"), got, sizeof(got));
    if (strcmp(got, want) != 0)
        fail_msg("GET %s: got [%s], want [%s]", path, got, want);
    size_t n = want[0] ? 1 : 0;
    for (const char *p = want; *p; p++)
        n += *p == ' ';
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")), n);
    resp_free(&r);
}

static void expect_status(const struct tb_client *c, const char *method, const char *path,
                          const char *body, unsigned flags, long want)
{
    struct http_resp r;
    long st = req(c, method, path, body ? json_loads(body, 0, NULL) : NULL, flags, &r);
    if (st != want)
        fail_msg("%s %s: %ld %s (want %ld)", method, path, st, r.body, want);
    if (want >= 400)
        assert_non_null(strstr(resp_header(&r, "Content-Type"), "application/problem+json"));
    resp_free(&r);
}

/* The number of admin-list items whose code starts with prefix. */
static size_t admin_count(const char *prefix)
{
    struct http_resp r;
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/catalogue/items?q=%s", enc(prefix));
    assert_int_equal(get(&admin, path, &r), 200);
    size_t n = 0, i;
    json_t *e;
    json_array_foreach(json_object_get(r.json, "items"), i, e)
    {
        n += strncmp(json_string_value(json_object_get(e, "impl_code")), prefix, strlen(prefix)) ==
             0;
    }
    resp_free(&r);
    return n;
}

/* ---- creating and who may ------------------------------------------------------------- */

static void test_create(void **state)
{
    (void)state;
    struct http_resp r;
    const char *code = "TEST-CREATE-0001";
    json_t *doc = item_doc(code, "测试新增事项", SCJGJ, "TEST新增专题");
    assert_int_equal(
        req(&admin, "POST", "/api/v1/items", save_body(json_incref(doc), "新增事项", false), 0, &r),
        201);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 1);
    assert_string_equal(json_string_value(json_object_get(r.json, "version_status")), "draft");
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "draft");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r.json, "item"), "impl_code")), code);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "org"), "code")),
                        SCJGJ);
    resp_free(&r);

    /* The draft is the administrator's only. */
    expect_status(NULL, "GET", "/api/v1/items/TEST-CREATE-0001", NULL, 0, 404);
    expect_status(NULL, "GET", "/api/v1/items/TEST-CREATE-0001/versions", NULL, 0, 404);
    expect_status(NULL, "GET", "/api/v1/items/TEST-CREATE-0001/versions/1", NULL, 0, 404);
    expect_status(&admin, "GET", "/api/v1/items/TEST-CREATE-0001", NULL, 0, 404);
    expect_items("topic="
                 "TEST%E6%96%B0%E5%A2%9E%E4%B8%93%E9%A2%98",
                 "");
    assert_int_equal(get(NULL, "/api/v1/items?per_page=100&q=TEST-CREATE", &r), 200);
    assert_null(strstr(r.body, code));
    resp_free(&r);
    assert_int_equal(get(&admin, "/api/v1/catalogue/items/TEST-CREATE-0001", &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "version_status")), "draft");
    resp_free(&r);
    assert_int_equal(admin_count("TEST-CREATE-"), 1);

    /* The same impl code again. */
    assert_int_equal(
        req(&admin, "POST", "/api/v1/items", save_body(json_incref(doc), "重复新增", false), 0, &r),
        409);
    assert_string_equal(json_string_value(json_object_get(r.json, "field")), "item.impl_code");
    resp_free(&r);

    /* Without a session, without the permission, without the CSRF token. */
    json_t *same = save_body(json_incref(doc), "越权修改", false);
    char *text = json_dumps(same, JSON_COMPACT);
    json_decref(same);
    json_object_set_new(doc, "impl_code", json_string("TEST-CREATE-0002"));
    json_t *other = save_body(json_incref(doc), "越权新增", false);
    char *text2 = json_dumps(other, JSON_COMPACT);
    json_decref(other);
    expect_status(NULL, "POST", "/api/v1/items", text2, 0, 401);
    expect_status(&clerk, "POST", "/api/v1/items", text2, 0, 403);
    expect_status(&admin, "POST", "/api/v1/items", text2, CLIENT_NO_CSRF, 403);
    expect_status(&clerk, "GET", "/api/v1/catalogue/items", NULL, 0, 403);
    expect_status(&clerk, "GET", "/api/v1/catalogue/items/TEST-CREATE-0001", NULL, 0, 403);
    expect_status(NULL, "GET", "/api/v1/catalogue/items", NULL, 0, 401);
    expect_status(&clerk, "PUT", "/api/v1/items/TEST-CREATE-0001", text, 0, 403);
    free(text);
    free(text2);
    json_decref(doc);
    assert_int_equal(admin_count("TEST-CREATE-"), 1);
    expect_status(&admin, "GET", "/api/v1/catalogue/items/TEST-CREATE-0002", NULL, 0, 404);
}

/* ---- validation ---------------------------------------------------------------------------- */

static void test_validation(void **state)
{
    (void)state;
    struct http_resp r;
    size_t before = admin_count("TEST-");
    json_t *doc = item_doc("TEST-INVALID-0001", "测试错误事项", "NO-SUCH-ORG", "TEST校验专题");
    json_object_set_new(doc, "colour", json_string("red"));            /* unknown_field */
    json_object_set_new(doc, "type", json_string("99"));               /* unknown_code */
    json_object_set_new(doc, "promised_limit_days", json_integer(15)); /* > half of 20 */
    json_object_set_new(doc, "item_class", json_string("B")); /* and nothing may be missing */
    json_object_set_new(doc, "kind", json_string("1"));       /* instant ... */
    json_object_set_new(doc, "trips", json_string("n"));      /* ... with n trips */
    json_object_set_new(
        doc, "steps",
        json_pack("[{s:s,s:i,s:i}]", "name", "决定", "authority_level", 3, "limit_days", 1));
    json_object_set_new(doc, "materials",
                        json_pack("[{s:s,s:i,s:s,s:s},{s:s,s:i,s:s,s:s,s:b,s:s}]", "name",
                                  "其他材料", "copies", 1, "form", "paper", "source", "applicant",
                                  "name", "无犯罪记录证明", "copies", 1, "form", "paper", "source",
                                  "applicant", "is_proof", 1, "proof_code", "NO-SUCH-PROOF"));
    json_object_set_new(doc, "intermediaries", json_pack("[s]", "NO-SUCH-INTERMEDIARY"));
    assert_int_equal(req(&admin, "POST", "/api/v1/items", save_body(doc, "校验", false), 0, &r),
                     422);
    assert_non_null(strstr(resp_header(&r, "Content-Type"), "application/problem+json"));
    expect_error(&r, "colour", "unknown_field");
    expect_error(&r, "type", "unknown_code");
    expect_error(&r, "promised_limit_days", "promised_over_half");
    expect_error(&r, "item_class", "class_b_without_missing");
    expect_error(&r, "trips", "instant_too_many_trips");
    expect_error(&r, "steps", "instant_without_window_step");
    expect_error(&r, "materials[0].name", "catch_all_material");
    expect_error(&r, "materials[1].proof_code", "proof_not_on_list");
    expect_error(&r, "org", "unknown_org");
    expect_error(&r, "intermediaries[0]", "unknown_intermediary");
    size_t n = json_array_size(json_object_get(r.json, "errors"));
    assert_true(n >= 10);
    assert_int_equal(json_integer_value(json_object_get(r.json, "error_count")), n);
    resp_free(&r);

    /* promised over legal, and promised over half allowed with the exemption */
    doc = item_doc("TEST-INVALID-0002", "测试错误事项二", SCJGJ, "TEST校验专题");
    json_object_set_new(doc, "promised_limit_days", json_integer(30));
    assert_int_equal(req(&admin, "POST", "/api/v1/items", save_body(doc, "校验", false), 0, &r),
                     422);
    expect_error(&r, "promised_limit_days", "promised_over_legal");
    assert_false(has_error(&r, "promised_limit_days", "promised_over_half"));
    assert_int_equal(json_array_size(json_object_get(r.json, "errors")), 1);
    resp_free(&r);
    doc = item_doc("TEST-INVALID-0003", "测试错误事项三", SCJGJ, "TEST校验专题");
    json_object_set_new(doc, "promised_limit_days", json_integer(15));
    assert_int_equal(req(&admin, "POST", "/api/v1/items", save_body(doc, "校验", false), 0, &r),
                     422);
    expect_error(&r, "promised_limit_days", "promised_over_half");
    resp_free(&r);

    /* Not an object; no reason. */
    expect_status(&admin, "POST", "/api/v1/items", "{\"item\":[],\"reason\":\"x\"}", 0, 422);
    doc = item_doc("TEST-INVALID-0004", "测试错误事项四", SCJGJ, "TEST校验专题");
    assert_int_equal(req(&admin, "POST", "/api/v1/items", json_pack("{s:o}", "item", doc), 0, &r),
                     422);
    assert_string_equal(json_string_value(json_object_get(r.json, "field")), "reason");
    resp_free(&r);

    /* Nothing was written. */
    assert_int_equal(admin_count("TEST-"), before);
    expect_status(&admin, "GET", "/api/v1/catalogue/items/TEST-INVALID-0001", NULL, 0, 404);
    expect_status(&admin, "GET", "/api/v1/catalogue/items/TEST-INVALID-0003", NULL, 0, 404);
}

/* ---- versions --------------------------------------------------------------------------- */

static void test_versions(void **state)
{
    (void)state;
    struct http_resp r;
    const char *code = "TEST-VERSION-0001";
    json_t *doc = item_doc(code, "测试版本事项", SCJGJ, "TEST版本专题");
    create(json_incref(doc), false);

    /* Publish version 1. */
    assert_int_equal(put_item(json_incref(doc), "首次发布", true, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 1);
    assert_string_equal(json_string_value(json_object_get(r.json, "version_status")), "published");
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "published");
    resp_free(&r);
    assert_int_equal(get(NULL, "/api/v1/items/TEST-VERSION-0001", &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 1);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "published");
    assert_true(json_is_string(json_object_get(r.json, "published_at")));
    assert_string_equal(json_string_value(json_object_get(r.json, "guide_url")),
                        "/items/TEST-VERSION-0001");
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "org"), "name")),
                        "示范市市场监督管理局");
    resp_free(&r);
    expect_items("topic=TEST%E7%89%88%E6%9C%AC%E4%B8%93%E9%A2%98", "TEST-VERSION-0001");

    /* A change, not published: version 2 is a draft, the public still sees 1. */
    json_object_set_new(doc, "name", json_string("测试版本事项（修订）"));
    assert_int_equal(put_item(json_incref(doc), "更名", false, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(r.json, "version_status")), "draft");
    resp_free(&r);
    assert_int_equal(get(NULL, "/api/v1/items/TEST-VERSION-0001", &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "item"), "name")),
                        "测试版本事项");
    resp_free(&r);
    assert_int_equal(get(NULL, "/api/v1/items/TEST-VERSION-0001/versions", &r), 200);
    json_t *vs = json_object_get(r.json, "versions");
    assert_int_equal(json_array_size(vs), 1);
    json_t *v1 = json_array_get(vs, 0);
    assert_int_equal(json_integer_value(json_object_get(v1, "version")), 1);
    assert_string_equal(json_string_value(json_object_get(v1, "status")), "published");
    assert_string_equal(json_string_value(json_object_get(v1, "author")), "系统管理员");
    assert_string_equal(json_string_value(json_object_get(v1, "reason")), "首次发布");
    assert_null(strstr(r.body, "更名"));
    resp_free(&r);
    expect_status(NULL, "GET", "/api/v1/items/TEST-VERSION-0001/versions/2", NULL, 0, 404);
    expect_status(NULL, "GET", "/api/v1/items/TEST-VERSION-0001/versions/0", NULL, 0, 404);
    expect_status(NULL, "GET", "/api/v1/items/TEST-VERSION-0001/versions/x", NULL, 0, 404);
    assert_int_equal(get(NULL, "/api/v1/items/TEST-VERSION-0001/versions/1", &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 1);
    resp_free(&r);

    /* The administrator sees the draft and the whole history. */
    assert_int_equal(get(&admin, "/api/v1/catalogue/items/TEST-VERSION-0001", &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(r.json, "version_status")), "draft");
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "item"), "name")),
                        "测试版本事项（修订）");
    vs = json_object_get(r.json, "versions");
    assert_int_equal(json_array_size(vs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(vs, 0), "status")),
                        "draft");
    resp_free(&r);

    /* Publishing the draft makes version 2 current and 1 superseded. */
    assert_int_equal(put_item(json_incref(doc), "发布更名", true, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(r.json, "version_status")), "published");
    resp_free(&r);
    assert_int_equal(get(NULL, "/api/v1/items/TEST-VERSION-0001", &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "item"), "name")),
                        "测试版本事项（修订）");
    resp_free(&r);
    assert_int_equal(get(NULL, "/api/v1/items/TEST-VERSION-0001/versions", &r), 200);
    vs = json_object_get(r.json, "versions");
    assert_int_equal(json_array_size(vs), 2);
    json_t *v2 = json_array_get(vs, 0);
    v1 = json_array_get(vs, 1);
    assert_int_equal(json_integer_value(json_object_get(v2, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(v2, "status")), "published");
    assert_string_equal(json_string_value(json_object_get(v2, "reason")), "发布更名");
    assert_string_equal(json_string_value(json_object_get(v2, "author")), "系统管理员");
    json_t *changed = json_object_get(v2, "changed");
    assert_int_equal(json_array_size(changed), 1);
    assert_string_equal(json_string_value(json_array_get(changed, 0)), "name");
    assert_string_equal(json_string_value(json_object_get(v1, "status")), "superseded");
    resp_free(&r);
    assert_int_equal(get(NULL, "/api/v1/items/TEST-VERSION-0001/versions/1", &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "version_status")), "superseded");
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "item"), "name")),
                        "测试版本事项");
    resp_free(&r);

    /* Nothing changed; the org changes only by a transfer; the code never. */
    assert_int_equal(put_item(json_incref(doc), "没有修改", false, &r), 422);
    expect_error(&r, "", "unchanged");
    resp_free(&r);
    assert_int_equal(put_item(json_incref(doc), "没有修改", true, &r), 422);
    expect_error(&r, "", "unchanged");
    resp_free(&r);
    json_t *moved = json_deep_copy(doc);
    json_object_set_new(moved, "org", json_string(CITY_XZSPJ));
    assert_int_equal(put_item(moved, "改机构", false, &r), 422);
    expect_error(&r, "org", "org_changed");
    resp_free(&r);
    json_t *renamed = json_deep_copy(doc);
    json_object_set_new(renamed, "impl_code", json_string("TEST-VERSION-0002"));
    json_object_set_new(renamed, "notes", json_string("改编码"));
    assert_int_equal(req(&admin, "PUT", "/api/v1/items/TEST-VERSION-0001",
                         save_body(renamed, "改编码", false), 0, &r),
                     422);
    expect_error(&r, "impl_code", "code_changed");
    resp_free(&r);
    /* Unknown item. */
    json_t *ghost = item_doc("TEST-VERSION-9999", "不存在", SCJGJ, "TEST版本专题");
    assert_int_equal(put_item(ghost, "不存在", false, &r), 404);
    resp_free(&r);
    /* Nothing of those was written. */
    assert_int_equal(get(&admin, "/api/v1/catalogue/items/TEST-VERSION-0001", &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "versions")), 2);
    resp_free(&r);
    json_decref(doc);
}

/* ---- status --------------------------------------------------------------------------- */

static void test_status(void **state)
{
    (void)state;
    struct http_resp r;
    const char *code = "TEST-STATUS-0001";
    const char *topic = "topic=TEST%E7%8A%B6%E6%80%81%E4%B8%93%E9%A2%98"; /* TEST状态专题 */
    create(item_doc(code, "测试状态事项", SCJGJ, "TEST状态专题"), true);
    expect_items(topic, code);

    assert_int_equal(post_status(code, "suspended", &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "suspended");
    assert_string_equal(json_string_value(json_object_get(r.json, "previous_status")), "published");
    resp_free(&r);
    /* The guide still answers, saying so; the lists leave it out. */
    assert_int_equal(get(NULL, "/api/v1/items/TEST-STATUS-0001", &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "suspended");
    resp_free(&r);
    expect_items(topic, "");
    assert_int_equal(post_status(code, "suspended", &r), 409);
    resp_free(&r);

    assert_int_equal(post_status(code, "published", &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "previous_status")), "suspended");
    resp_free(&r);
    expect_items(topic, code);
    assert_int_equal(get(NULL, "/api/v1/items/TEST-STATUS-0001", &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "published");
    resp_free(&r);

    assert_int_equal(post_status(code, "draft", &r), 422);
    resp_free(&r);
    assert_int_equal(post_status("TEST-STATUS-9999", "suspended", &r), 404);
    resp_free(&r);

    assert_int_equal(post_status(code, "cancelled", &r), 200);
    resp_free(&r);
    expect_status(NULL, "GET", "/api/v1/items/TEST-STATUS-0001", NULL, 0, 404);
    expect_status(NULL, "GET", "/api/v1/items/TEST-STATUS-0001/versions", NULL, 0, 404);
    expect_items(topic, "");
    assert_int_equal(post_status(code, "published", &r), 409);
    resp_free(&r);
    assert_int_equal(get(&admin, "/api/v1/catalogue/items?status=cancelled&q=TEST-STATUS", &r),
                     200);
    assert_non_null(strstr(r.body, code));
    resp_free(&r);
    expect_status(&admin, "GET", "/api/v1/catalogue/items?status=gone", NULL, 0, 422);

    /* A draft cannot be suspended (it was never published). */
    create(item_doc("TEST-STATUS-0002", "测试状态草稿", SCJGJ, "TEST状态专题"), false);
    assert_int_equal(post_status("TEST-STATUS-0002", "suspended", &r), 409);
    resp_free(&r);
    /* Without the permission. */
    expect_status(&clerk, "POST", "/api/v1/items/TEST-STATUS-0002/status",
                  "{\"status\":\"cancelled\",\"reason\":\"越权\"}", 0, 403);
}

/* ---- transfer --------------------------------------------------------------------------- */

static void test_transfer(void **state)
{
    (void)state;
    struct http_resp r;
    const char *code = "TEST-TRANSFER-0001";
    json_t *doc = item_doc(code, "测试划转事项", SCJGJ, "TEST划转专题");
    create(json_incref(doc), true);

    assert_int_equal(req(&admin, "POST", "/api/v1/items/TEST-TRANSFER-0001/transfer",
                         json_pack("{s:s,s:s}", "to", CITY_XZSPJ, "reason", "相对集中许可权改革"),
                         0, &r),
                     200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "org"), "code")),
                        CITY_XZSPJ);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
    resp_free(&r);
    assert_int_equal(get(NULL, "/api/v1/items/TEST-TRANSFER-0001", &r), 200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "item"), "org")),
                        CITY_XZSPJ);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "org"), "name")),
                        "示范市行政审批局");
    resp_free(&r);
    assert_int_equal(get(NULL, "/api/v1/items/TEST-TRANSFER-0001/versions", &r), 200);
    json_t *v2 = json_array_get(json_object_get(r.json, "versions"), 0);
    assert_int_equal(json_integer_value(json_object_get(v2, "version")), 2);
    json_t *changed = json_object_get(v2, "changed");
    assert_int_equal(json_array_size(changed), 1);
    assert_string_equal(json_string_value(json_array_get(changed, 0)), "org");
    assert_string_equal(json_string_value(json_object_get(v2, "reason")), "相对集中许可权改革");
    resp_free(&r);
    assert_int_equal(get(NULL, "/api/v1/items/TEST-TRANSFER-0001/transfers", &r), 200);
    json_t *ts = json_object_get(r.json, "transfers");
    assert_int_equal(json_array_size(ts), 1);
    json_t *t = json_array_get(ts, 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(t, "from"), "code")),
                        SCJGJ);
    assert_string_equal(json_string_value(json_object_get(json_object_get(t, "to"), "code")),
                        CITY_XZSPJ);
    assert_string_equal(json_string_value(json_object_get(t, "reason")), "相对集中许可权改革");
    assert_true(json_is_string(json_object_get(t, "at")));
    resp_free(&r);
    /* The lists follow the new org. */
    expect_items("dept=" CITY_XZSPJ "&topic=TEST%E5%88%92%E8%BD%AC%E4%B8%93%E9%A2%98", code);
    expect_items("dept=" SCJGJ "&topic=TEST%E5%88%92%E8%BD%AC%E4%B8%93%E9%A2%98", "");

    /* Unknown or the same organisation. */
    assert_int_equal(req(&admin, "POST", "/api/v1/items/TEST-TRANSFER-0001/transfer",
                         json_pack("{s:s,s:s}", "to", "NO-SUCH-ORG", "reason", "划转"), 0, &r),
                     422);
    assert_string_equal(json_string_value(json_object_get(r.json, "field")), "to");
    resp_free(&r);
    expect_status(&admin, "POST", "/api/v1/items/TEST-TRANSFER-0001/transfer",
                  "{\"to\":\"" CITY_XZSPJ "\",\"reason\":\"划转\"}", 0, 422);
    expect_status(&admin, "POST", "/api/v1/items/TEST-TRANSFER-9999/transfer",
                  "{\"to\":\"" CITY_XZSPJ "\",\"reason\":\"划转\"}", 0, 404);
    expect_status(&clerk, "POST", "/api/v1/items/TEST-TRANSFER-0001/transfer",
                  "{\"to\":\"" SCJGJ "\",\"reason\":\"越权\"}", 0, 403);

    /* A pending draft must be published first. */
    json_object_set_new(doc, "org", json_string(CITY_XZSPJ));
    json_object_set_new(doc, "notes", json_string("待发布的修改"));
    assert_int_equal(put_item(doc, "修改备注", false, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 3);
    resp_free(&r);
    expect_status(&admin, "POST", "/api/v1/items/TEST-TRANSFER-0001/transfer",
                  "{\"to\":\"" DIST_XZSPJ "\",\"reason\":\"划转\"}", 0, 409);
    assert_int_equal(get(NULL, "/api/v1/items/TEST-TRANSFER-0001/transfers", &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "transfers")), 1);
    resp_free(&r);
}

/* ---- lists, filters, pages ------------------------------------------------------------- */

#define LIST_TOPIC "topic=TEST%E6%B8%85%E5%8D%95%E4%B8%93%E9%A2%98" /* TEST清单专题 */

static void test_lists_and_filters(void **state)
{
    (void)state;
    const char *topic = "TEST清单专题";
    json_t *d;
    /* A: no trips, online: 最多跑一次, 全程网办, 网上办 */
    d = item_doc("TEST-LIST-A", "测试清单甲", SCJGJ, topic);
    json_object_set_new(d, "trips", json_string("0"));
    json_object_set_new(d, "is_online", json_true());
    create(d, true);
    /* B: one trip, online: 最多跑一次, 网上办 */
    d = item_doc("TEST-LIST-B", "测试清单乙", SCJGJ, topic);
    json_object_set_new(d, "is_online", json_true());
    create(d, true);
    /* C: 马上办 */
    d = item_doc("TEST-LIST-C", "测试清单丙", SCJGJ, topic);
    json_object_set_new(d, "trips", json_string("n"));
    json_object_set_new(d, "is_immediate", json_true());
    create(d, true);
    /* D: 就近办 */
    d = item_doc("TEST-LIST-D", "测试清单丁", SCJGJ, topic);
    json_object_set_new(d, "trips", json_string("n"));
    json_object_set_new(d, "is_nearby", json_true());
    create(d, true);
    /* E: one trip, 一次办 */
    d = item_doc("TEST-LIST-E", "测试清单戊", SCJGJ, topic);
    json_object_set_new(d, "is_one_visit", json_true());
    create(d, true);
    /* F: 即办件, one trip */
    d = item_doc("TEST-LIST-F", "测试清单己", SCJGJ, topic);
    json_object_set_new(d, "kind", json_string("1"));
    json_object_set_new(d, "promised_limit_days", json_integer(0));
    create(d, true);
    /* G: n trips, nothing; another city department */
    d = item_doc("TEST-LIST-G", "测试清单庚", CITY_XZSPJ, topic);
    json_object_set_new(d, "trips", json_string("n"));
    create(d, true);
    /* H: the district, enterprises, county level, public service */
    d = item_doc("TEST-LIST-H", "测试清单辛", DIST_XZSPJ, topic);
    json_object_set_new(d, "trips", json_string("n"));
    json_object_set_new(d, "type", json_string("20"));
    json_object_set_new(d, "audience", json_pack("[s]", "2"));
    json_object_set_new(d, "levels", json_pack("[s]", "4"));
    create(d, true);
    /* I: a draft with the same flags as A, never listed */
    d = item_doc("TEST-LIST-I", "测试清单壬", SCJGJ, topic);
    json_object_set_new(d, "trips", json_string("0"));
    json_object_set_new(d, "is_online", json_true());
    create(d, false);

    const char *all = "TEST-LIST-A TEST-LIST-B TEST-LIST-C TEST-LIST-D TEST-LIST-E TEST-LIST-F "
                      "TEST-LIST-G TEST-LIST-H";
    expect_items(LIST_TOPIC, all);
    expect_items(LIST_TOPIC "&list=all", all);
    expect_items(LIST_TOPIC "&list=zuiduo_paoyici",
                 "TEST-LIST-A TEST-LIST-B TEST-LIST-E TEST-LIST-F");
    expect_items(LIST_TOPIC "&list=quancheng_wangban", "TEST-LIST-A");
    expect_items(LIST_TOPIC "&list=wangshang", "TEST-LIST-A TEST-LIST-B");
    expect_items(LIST_TOPIC "&list=mashang", "TEST-LIST-C");
    expect_items(LIST_TOPIC "&list=jiujin", "TEST-LIST-D");
    expect_items(LIST_TOPIC "&list=yici", "TEST-LIST-E");
    expect_items(LIST_TOPIC "&list=jiban", "TEST-LIST-F");

    /* dept: the org and everything below it */
    expect_items(LIST_TOPIC "&dept=DEMO-CITY", all);
    expect_items(LIST_TOPIC "&dept=" SCJGJ,
                 "TEST-LIST-A TEST-LIST-B TEST-LIST-C TEST-LIST-D TEST-LIST-E TEST-LIST-F");
    expect_items(LIST_TOPIC "&dept=DEMO-DIST", "TEST-LIST-H");
    expect_items(LIST_TOPIC "&dept=DEMO-TOWN", "");
    expect_items(LIST_TOPIC "&dept=NO-SUCH-ORG", "");
    expect_items(LIST_TOPIC "&audience=2", "TEST-LIST-H");
    expect_items(LIST_TOPIC "&audience=3", "");
    expect_items(LIST_TOPIC "&level=4", "TEST-LIST-H");
    expect_items(LIST_TOPIC "&type=20", "TEST-LIST-H");
    expect_items(LIST_TOPIC "&type=20&list=zuiduo_paoyici", "");
    expect_items(LIST_TOPIC "&list=wangshang&dept=" SCJGJ "&audience=1&level=3&type=01",
                 "TEST-LIST-A TEST-LIST-B");

    /* A summary's shape. */
    struct http_resp r;
    assert_int_equal(get(NULL, "/api/v1/items?" LIST_TOPIC "&list=jiban", &r), 200);
    json_t *s = json_array_get(json_object_get(r.json, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(s, "kind")), "1");
    assert_string_equal(json_string_value(json_object_get(s, "trips")), "1");
    assert_string_equal(json_string_value(json_object_get(json_object_get(s, "org"), "code")),
                        SCJGJ);
    assert_string_equal(json_string_value(json_array_get(json_object_get(s, "topics"), 0)), topic);
    assert_int_equal(json_integer_value(json_object_get(s, "promised_limit_days")), 0);
    assert_null(json_object_get(s, "score")); /* only with q */
    resp_free(&r);

    /* Pages. */
    char seen[2048] = "";
    for (int page = 1; page <= 3; page++) {
        char path[256];
        snprintf(path, sizeof(path), "/api/v1/items?%s&per_page=3&page=%d", LIST_TOPIC, page);
        assert_int_equal(get(NULL, path, &r), 200);
        assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 8);
        assert_int_equal(json_integer_value(json_object_get(r.json, "page")), page);
        assert_int_equal(json_integer_value(json_object_get(r.json, "per_page")), 3);
        json_t *items = json_object_get(r.json, "items");
        assert_int_equal(json_array_size(items), page < 3 ? 3 : 2);
        size_t i;
        json_t *e;
        json_array_foreach(items, i, e)
        {
            const char *c = json_string_value(json_object_get(e, "impl_code"));
            if (strstr(seen, c))
                fail_msg("%s on two pages", c);
            size_t l = strlen(seen);
            snprintf(seen + l, sizeof(seen) - l, "%s ", c);
        }
        resp_free(&r);
    }
    assert_int_equal(get(NULL, "/api/v1/items?" LIST_TOPIC "&per_page=3&page=9", &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 8);
    resp_free(&r);

    /* Bad parameters. */
    expect_status(NULL, "GET", "/api/v1/items?colour=red", NULL, 0, 422);
    expect_status(NULL, "GET", "/api/v1/items?list=paoyici", NULL, 0, 422);
    expect_status(NULL, "GET", "/api/v1/items?audience=7", NULL, 0, 422);
    expect_status(NULL, "GET", "/api/v1/items?level=9", NULL, 0, 422);
    expect_status(NULL, "GET", "/api/v1/items?type=99", NULL, 0, 422);
    expect_status(NULL, "GET", "/api/v1/items?per_page=0", NULL, 0, 422);
    expect_status(NULL, "GET", "/api/v1/items?per_page=101", NULL, 0, 422);
    expect_status(NULL, "GET", "/api/v1/items?page=0", NULL, 0, 422);
    expect_status(NULL, "GET", "/api/v1/items?page=x", NULL, 0, 422);
    expect_status(NULL, "GET", "/api/v1/items?per_page=100", NULL, 0, 200);
    /* q: at most 50 characters (not bytes) */
    char q[1024] = "/api/v1/items?q=";
    for (size_t i = 0, l = strlen(q); i < 51; i++)
        q[l + i] = 'a', q[l + i + 1] = '\0';
    expect_status(NULL, "GET", q, NULL, 0, 422);
    q[strlen(q) - 1] = '\0';
    expect_status(NULL, "GET", q, NULL, 0, 200);
    snprintf(q, sizeof(q), "/api/v1/items?q=");
    for (int i = 0; i < 51; i++) {
        size_t l = strlen(q);
        snprintf(q + l, sizeof(q) - l, "%s", "%E9%A3%9F"); /* 食 */
    }
    expect_status(NULL, "GET", q, NULL, 0, 422);
    q[strlen(q) - 9] = '\0';
    expect_status(NULL, "GET", q, NULL, 0, 200);
    assert_int_equal(get(NULL, "/api/v1/items?q=%E9%A3%9F%E5%93%81%20a%20b%20c%20d", &r), 422);
    assert_string_equal(json_string_value(json_object_get(r.json, "field")), "q");
    resp_free(&r);
    expect_status(NULL, "GET", "/api/v1/items?q=%E9%A3%9F%E5%93%81%20a%20b%20c", NULL, 0, 200);
    expect_status(NULL, "GET", "/api/v1/items/TEST-LIST-A?x=1", NULL, 0, 422);
}

/* ---- search --------------------------------------------------------------------------- */

#define SEARCH_TOPIC "topic=TEST%E6%A3%80%E7%B4%A2%E4%B8%93%E9%A2%98" /* TEST检索专题 */

/* The items of GET /api/v1/items?SEARCH_TOPIC&q=...: codes in order, and
 * the scores are there and never rise. */
static void search(const char *q_encoded, char *out, size_t cap, long long *total)
{
    char path[512];
    struct http_resp r;
    snprintf(path, sizeof(path), "/api/v1/items?%s&q=%s", SEARCH_TOPIC, q_encoded);
    long st = get(NULL, path, &r);
    if (st != 200)
        fail_msg("GET %s: %ld %s", path, st, r.body);
    *total = json_integer_value(json_object_get(r.json, "total"));
    out[0] = '\0';
    double last = 1e300;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r.json, "items"), i, e)
    {
        json_t *score = json_object_get(e, "score");
        if (!json_is_number(score))
            fail_msg("GET %s: no score in %s", path, r.body);
        double sc = json_number_value(score);
        if (sc > last)
            fail_msg("GET %s: scores rise: %s", path, r.body);
        last = sc;
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%s%s", i ? " " : "",
                 json_string_value(json_object_get(e, "impl_code")));
    }
    resp_free(&r);
}

static void test_search(void **state)
{
    (void)state;
    const char *topic = "TEST检索专题";
    json_t *d;
    /* 执照注销 in a material of S1, in the name of S2 (created second, and
     * ordered after S1 by code: the rank alone puts it first). */
    d = item_doc("TEST-SEARCH-S1", "测试企业简易程序登记", SCJGJ, topic);
    json_object_set_new(d, "materials",
                        json_pack("[{s:s,s:i,s:s,s:s}]", "name", "营业执照注销申请书", "copies", 1,
                                  "form", "paper", "source", "applicant"));
    create(d, true);
    d = item_doc("TEST-SEARCH-S2", "测试营业执照注销登记", SCJGJ, topic);
    create(d, true);
    /* 食品: in a name, a material, the conditions */
    d = item_doc("TEST-SEARCH-F1", "测试小作坊登记", SCJGJ, topic);
    json_object_set_new(d, "materials",
                        json_pack("[{s:s,s:i,s:s,s:s}]", "name", "食品安全管理制度", "copies", 1,
                                  "form", "paper", "source", "applicant"));
    create(d, true);
    d = item_doc("TEST-SEARCH-F2", "测试摊贩备案", SCJGJ, topic);
    json_object_set_new(d, "conditions", json_string("从事食品摊贩经营的个人"));
    create(d, true);
    d = item_doc("TEST-SEARCH-F3", "测试食品经营许可", SCJGJ, topic);
    create(d, true);
    /* a draft with the words in its name is never found */
    d = item_doc("TEST-SEARCH-D1", "测试食品执照注销草稿", SCJGJ, topic);
    create(d, false);

    char got[1024];
    long long total;
    search("%E6%89%A7%E7%85%A7%E6%B3%A8%E9%94%80", got, sizeof(got), &total); /* 执照注销 */
    assert_string_equal(got, "TEST-SEARCH-S2 TEST-SEARCH-S1");
    assert_int_equal(total, 2);
    /* two long words: both must be there */
    search("%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%20%E6%B3%A8%E9%94%80%E7%94%B3%E8%AF%B7", got,
           sizeof(got), &total); /* 营业执照 注销申请 */
    assert_string_equal(got, "TEST-SEARCH-S1");
    search("%E9%A3%9F%E5%93%81", got, sizeof(got), &total); /* 食品 */
    assert_int_equal(total, 3);
    assert_int_equal(strncmp(got, "TEST-SEARCH-F3 ", 15), 0);
    assert_non_null(strstr(got, "TEST-SEARCH-F1"));
    assert_non_null(strstr(got, "TEST-SEARCH-F2"));
    /* a short and a long word together */
    search("%E9%A3%9F%E5%93%81%20%E7%AE%A1%E7%90%86%E5%88%B6%E5%BA%A6", got, sizeof(got),
           &total); /* 食品 管理制度 */
    assert_string_equal(got, "TEST-SEARCH-F1");
    /* nothing */
    search("%E6%B2%A1%E6%9C%89%E8%BF%99%E6%A0%B7%E7%9A%84%E4%BA%8B", got, sizeof(got),
           &total); /* 没有这样的事 */
    assert_int_equal(total, 0);
    assert_string_equal(got, "");
    search("%E9%BE%98%E9%BE%98", got, sizeof(got), &total); /* 龘龘 */
    assert_int_equal(total, 0);
    /* a quote in the words is only text */
    search("%22%E6%89%A7%E7%85%A7%22", got, sizeof(got), &total);
    assert_int_equal(total, 0);
}

/* ---- KPIs, codes, topics, the guide page -------------------------------------------- */

static json_t *kpis(void)
{
    struct http_resp r;
    assert_int_equal(get(NULL, "/api/v1/catalogue/kpis", &r), 200);
    json_t *k = json_incref(r.json);
    resp_free(&r);
    return k;
}

static void check_shares(json_t *k)
{
    const char *keys[] = {"share_at_most_one_trip", "share_online"};
    for (size_t i = 0; i < 2; i++) {
        json_t *v = json_object_get(k, keys[i]);
        assert_true(json_is_number(v));
        assert_true(json_number_value(v) >= 0.0 && json_number_value(v) <= 1.0);
    }
    assert_true(json_is_boolean(json_object_get(k, "meets_one_trip_goal")));
    assert_int_equal(json_integer_value(json_object_get(k, "goal_one_trip_percent")), 80);
}

static void test_kpis(void **state)
{
    (void)state;
    json_t *before = kpis();
    long long items =
        json_integer_value(json_object_get(json_object_get(before, "overall"), "items"));
    json_t *d = item_doc("TEST-KPI-0001", "测试指标事项一", SCJGJ, "TEST指标专题");
    json_object_set_new(d, "trips", json_string("0"));
    json_object_set_new(d, "is_online", json_true());
    create(d, true);
    create(item_doc("TEST-KPI-0002", "测试指标事项二", SCJGJ, "TEST指标专题"), true);
    create(item_doc("TEST-KPI-0003", "测试指标草稿", SCJGJ, "TEST指标专题"), false);
    json_t *after = kpis();
    json_t *overall = json_object_get(after, "overall");
    assert_int_equal(json_integer_value(json_object_get(overall, "items")), items + 2);
    check_shares(overall);
    size_t i, found = 0;
    json_t *e;
    json_array_foreach(json_object_get(after, "departments"), i, e)
    {
        check_shares(e);
        if (strcmp(json_string_value(json_object_get(json_object_get(e, "org"), "code")), SCJGJ) ==
            0) {
            found++;
            assert_true(json_integer_value(json_object_get(e, "items")) >= 2);
            assert_true(json_integer_value(json_object_get(e, "online")) >= 1);
            assert_string_equal(
                json_string_value(json_object_get(json_object_get(e, "org"), "name")),
                "示范市市场监督管理局");
        }
    }
    assert_int_equal(found, 1);
    json_decref(before);
    json_decref(after);
    expect_status(NULL, "GET", "/api/v1/catalogue/kpis?x=1", NULL, 0, 422);
}

static void test_codes_topics_page(void **state)
{
    (void)state;
    struct http_resp r;
    assert_int_equal(get(NULL, "/api/v1/catalogue/codes", &r), 200);
    const char *tables[] = {
        "item_type",     "service_object",  "exercise_level",    "power_source",
        "handling_mode", "case_kind",       "item_class",        "material_source",
        "material_form", "proof_provision", "special_procedure", "delivery",
        "trips"};
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        json_t *rows = json_object_get(r.json, tables[t]);
        if (!json_is_array(rows) || json_array_size(rows) == 0)
            fail_msg("no code table %s", tables[t]);
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row)
        {
            assert_true(json_is_string(json_object_get(row, "code")));
            assert_true(json_is_string(json_object_get(row, "zh")));
            assert_true(json_is_string(json_object_get(row, "en")));
        }
    }
    json_t *types = json_object_get(r.json, "item_type");
    assert_int_equal(json_array_size(types), 11);
    assert_string_equal(json_string_value(json_object_get(json_array_get(types, 0), "code")), "01");
    assert_string_equal(json_string_value(json_object_get(json_array_get(types, 0), "zh")),
                        "行政许可");
    assert_string_equal(json_string_value(json_object_get(json_array_get(types, 10), "code")),
                        "20");
    assert_int_equal(json_array_size(json_object_get(r.json, "service_object")), 6);
    resp_free(&r);

    /* Topics count published items only. */
    create(item_doc("TEST-TOPIC-0001", "测试主题事项一", SCJGJ, "TEST主题统计"), true);
    create(item_doc("TEST-TOPIC-0002", "测试主题事项二", CITY_XZSPJ, "TEST主题统计"), true);
    create(item_doc("TEST-TOPIC-0003", "测试主题草稿", SCJGJ, "TEST主题统计"), false);
    assert_int_equal(get(NULL, "/api/v1/catalogue/topics", &r), 200);
    size_t i, found = 0;
    json_t *t;
    json_array_foreach(json_object_get(r.json, "topics"), i, t)
    {
        assert_true(json_is_string(json_object_get(t, "name")));
        assert_true(json_integer_value(json_object_get(t, "items")) >= 1);
        if (strcmp(json_string_value(json_object_get(t, "name")), "TEST主题统计") == 0) {
            found++;
            assert_int_equal(json_integer_value(json_object_get(t, "items")), 2);
        }
    }
    assert_int_equal(found, 1);
    resp_free(&r);

    assert_int_equal(get(NULL, "/api/v1/proofs", &r), 200);
    assert_true(json_is_array(json_object_get(r.json, "proofs")));
    resp_free(&r);
    assert_int_equal(get(NULL, "/api/v1/intermediaries", &r), 200);
    assert_true(json_is_array(json_object_get(r.json, "intermediaries")));
    resp_free(&r);

    /* The guide page: the portal's item.html, for any code (its script asks
     * the API). It may not be written yet; then the route says 404. */
    get(NULL, "/items/TEST-TOPIC-0001", &r);
    if (access(TB_SOURCE_DIR "/web/portal/item.html", R_OK) == 0) {
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(resp_header(&r, "Content-Type"), "text/html"));
    } else {
        assert_int_equal(r.status, 404);
        assert_non_null(strstr(resp_header(&r, "Content-Type"), "application/problem+json"));
    }
    resp_free(&r);
}

/* ---- the audit trail ------------------------------------------------------------------ */

/* Runs tool on a file holding the body (pdftotext writes to "-"); its
 * standard output (malloc'd). */
static char *tool_output(const char *tool, const struct http_resp *r, const char *ext)
{
    char file[96], cmd[256];
    snprintf(file, sizeof(file), "%s/tb-guide-%d.%s", "/tmp", (int)getpid(), ext);
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(r->body, 1, r->len, f), r->len);
    assert_int_equal(fclose(f), 0);
    snprintf(cmd, sizeof(cmd), "%s %s %s", tool, file,
             strcmp(ext, "pdf") == 0 ? "-" : "2>/dev/null");
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *out = calloc(1, 1u << 20);
    assert_non_null(out);
    size_t n = fread(out, 1, (1u << 20) - 1, p);
    out[n] = '\0';
    pclose(p);
    unlink(file);
    return out;
}

/* The printable guide of a demo item: a PDF whose text (pdftotext) holds
 * the item name and every material; its QR code (zbarimg) decodes to the
 * guide page; a draft has neither. */
static void test_guide_pdf_and_qr(void **state)
{
    (void)state;
    struct http_resp r;
    assert_int_equal(get(NULL, "/api/v1/items?q=%E9%A3%9F%E5%93%81%E7%BB%8F%E8%90%A5", &r), 200);
    json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
    assert_non_null(first);
    char code[64];
    snprintf(code, sizeof(code), "%s", json_string_value(json_object_get(first, "impl_code")));
    resp_free(&r);
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/items/%s", code);
    assert_int_equal(get(NULL, path, &r), 200);
    json_t *item = json_incref(json_object_get(r.json, "item"));
    resp_free(&r);

    snprintf(path, sizeof(path), "/api/v1/items/%s/guide.pdf", code);
    assert_int_equal(get(NULL, path, &r), 200);
    assert_string_equal(resp_header(&r, "Content-Type"), "application/pdf");
    assert_true(r.len > 1000 && memcmp(r.body, "%PDF-", 5) == 0);
    char *text = tool_output("pdftotext -raw", &r, "pdf");
    resp_free(&r);
    assert_non_null(strstr(text, json_string_value(json_object_get(item, "name"))));
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(item, "materials"), i, m)
    {
        const char *name = json_string_value(json_object_get(m, "name"));
        if (!strstr(text, name))
            fail_msg("material %s not in the PDF text", name);
    }
    free(text);
    /* the second answer comes from the cache and is the same document */
    assert_int_equal(get(NULL, path, &r), 200);
    assert_true(r.len > 1000);
    resp_free(&r);

    char want[200];
    snprintf(want, sizeof(want), "/items/%s", code);
    snprintf(path, sizeof(path), "/api/v1/items/%s/qr.png", code);
    assert_int_equal(get(NULL, path, &r), 200);
    assert_string_equal(resp_header(&r, "Content-Type"), "image/png");
    char *url = tool_output("zbarimg --raw -q", &r, "png");
    resp_free(&r);
    assert_true(strncmp(url, "http://127.0.0.1:", 17) == 0);
    if (!strstr(url, want))
        fail_msg("QR decodes to %s, want ...%s", url, want);
    free(url);
    snprintf(path, sizeof(path), "/api/v1/items/%s/qr.svg", code);
    assert_int_equal(get(NULL, path, &r), 200);
    assert_string_equal(resp_header(&r, "Content-Type"), "image/svg+xml");
    assert_true(r.len > 100 && strstr(r.body, "<svg") != NULL);
    resp_free(&r);
    json_decref(item);

    /* a draft has no guide */
    json_t *doc = item_doc("TEST-GUIDE-DRAFT", "草稿事项指南测试", "DEMO-CITY-SCJGJ", "指南测试");
    create(doc, false); /* takes doc */
    assert_int_equal(get(NULL, "/api/v1/items/TEST-GUIDE-DRAFT/guide.pdf", &r), 404);
    resp_free(&r);
    assert_int_equal(get(NULL, "/api/v1/items/TEST-GUIDE-DRAFT/qr.png", &r), 404);
    resp_free(&r);
}

static bool audited(json_t *events, const char *action, const char *code, const char *reason)
{
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        const char *a = json_string_value(json_object_get(e, "action"));
        const char *o = json_string_value(json_object_get(e, "object_id"));
        const char *why = json_string_value(json_object_get(e, "reason"));
        if (a && o && why && strcmp(a, action) == 0 && strcmp(o, code) == 0 &&
            strcmp(why, reason) == 0)
            return true;
    }
    return false;
}

static void test_audit(void **state)
{
    (void)state;
    struct http_resp r;
    const char *code = "TEST-AUDIT-0001";
    json_t *doc = item_doc(code, "测试审计事项", SCJGJ, "TEST审计专题");
    assert_int_equal(req(&admin, "POST", "/api/v1/items",
                         save_body(json_incref(doc), "审计新增原因", false), 0, &r),
                     201);
    resp_free(&r);
    json_object_set_new(doc, "notes", json_string("修改"));
    assert_int_equal(put_item(json_incref(doc), "审计修改原因", false, &r), 200);
    resp_free(&r);
    assert_int_equal(put_item(json_incref(doc), "审计发布原因", true, &r), 200);
    resp_free(&r);
    assert_int_equal(req(&admin, "POST", "/api/v1/items/TEST-AUDIT-0001/status",
                         json_pack("{s:s,s:s}", "status", "suspended", "reason", "审计暂停原因"), 0,
                         &r),
                     200);
    resp_free(&r);
    assert_int_equal(req(&admin, "POST", "/api/v1/items/TEST-AUDIT-0001/transfer",
                         json_pack("{s:s,s:s}", "to", CITY_XZSPJ, "reason", "审计划转原因"), 0, &r),
                     200);
    resp_free(&r);
    json_decref(doc);

    struct tb_client auditor;
    assert_int_equal(client_login(&srv, "auditadmin", DEMO_PASSWORD, &auditor, NULL), 200);
    assert_int_equal(
        get(&auditor, "/api/v1/audit/events?action=item.&object_id=TEST-AUDIT-0001&limit=200", &r),
        200);
    json_t *ev = json_object_get(r.json, "events");
    if (!audited(ev, "item.create", code, "审计新增原因") ||
        !audited(ev, "item.update", code, "审计修改原因") ||
        !audited(ev, "item.publish", code, "审计发布原因") ||
        !audited(ev, "item.status", code, "审计暂停原因") ||
        !audited(ev, "item.transfer", code, "审计划转原因"))
        fail_msg("item events missing: %s", r.body);
    size_t i;
    json_t *e;
    json_array_foreach(ev, i, e)
    {
        assert_string_equal(json_string_value(json_object_get(e, "object_type")), "item");
    }
    assert_int_equal(json_array_size(ev), 5);
    resp_free(&r);
    /* The prefix finds other items' events too; the administrator may not read them. */
    assert_int_equal(get(&auditor, "/api/v1/audit/events?action=item.&limit=200", &r), 200);
    assert_true(json_array_size(json_object_get(r.json, "events")) > 5);
    resp_free(&r);
    expect_status(&admin, "GET", "/api/v1/audit/events?action=item.", NULL, 0, 403);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_transfer),
        cmocka_unit_test(test_lists_and_filters),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_kpis),
        cmocka_unit_test(test_codes_topics_page),
        cmocka_unit_test(test_audit),
        cmocka_unit_test(test_guide_pdf_and_qr),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
