/*
 * test_http.c - the HTTP layer end to end: routing, limits, problem+json,
 * security headers, health, metrics and static files, against a real
 * `tongban serve`. Every malformed input must get a clear 4xx problem.
 */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static struct test_server srv;

static const char *const json_ct[] = {"Content-Type: application/json", NULL};
static const char *const json_ct_en[] = {"Content-Type: application/json",
                                         "Accept-Language: en-US,en;q=0.9,zh;q=0.5", NULL};

#define CHECK_URL "/api/v1/identifiers/check"

static int setup(void **state)
{
    (void)state;
    return server_start(&srv, false, NULL);
}

static int teardown(void **state)
{
    (void)state;
    return server_stop(&srv) == 0 ? 0 : -1;
}

/* Asserts r is a problem+json with status and code, a title, a detail and
 * the request id of the X-Request-Id header. */
static void assert_problem(struct http_resp *r, long status, const char *code)
{
    assert_int_equal(r->status, status);
    assert_string_equal(resp_header(r, "Content-Type"), "application/problem+json");
    assert_non_null(r->json);
    assert_string_equal(problem_code(r), code);
    assert_int_equal(json_integer_value(json_object_get(r->json, "status")), status);
    assert_non_null(json_string_value(json_object_get(r->json, "title")));
    assert_non_null(json_string_value(json_object_get(r->json, "detail")));
    const char *type = json_string_value(json_object_get(r->json, "type"));
    assert_non_null(type);
    assert_non_null(strstr(type, code));
    const char *rid = json_string_value(json_object_get(r->json, "request_id"));
    assert_non_null(rid);
    const char *hrid = resp_header(r, "X-Request-Id");
    assert_non_null(hrid);
    assert_string_equal(rid, hrid);
    /* Nothing internal leaks. */
    assert_null(strstr(r->body, "sqlite"));
    assert_null(strstr(r->body, "/work/"));
    assert_null(strstr(r->body, "libmicrohttpd"));
}

static void assert_security_headers(struct http_resp *r)
{
    assert_string_equal(resp_header(r, "X-Content-Type-Options"), "nosniff");
    const char *csp = resp_header(r, "Content-Security-Policy");
    assert_non_null(csp);
    assert_non_null(strstr(csp, "default-src 'self'"));
    assert_non_null(strstr(csp, "frame-ancestors 'none'"));
    assert_non_null(resp_header(r, "Referrer-Policy"));
    const char *rid = resp_header(r, "X-Request-Id");
    assert_non_null(rid);
    assert_int_equal(strlen(rid), 24);
    assert_null(resp_header(r, "Server"));
}

/* ---- health, headers -------------------------------------------------- */

static void test_healthz(void **state)
{
    (void)state;
    struct http_resp r;
    assert_int_equal(http_req(&srv, "GET", "/healthz", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"status\":\"ok\"}");
    assert_security_headers(&r);
    assert_string_equal(resp_header(&r, "Cache-Control"), "no-store");
    resp_free(&r);
}

static void test_readyz(void **state)
{
    (void)state;
    struct http_resp r;
    assert_int_equal(http_req(&srv, "GET", "/readyz", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "database")), "ok");
    resp_free(&r);
}

static void test_request_ids_differ(void **state)
{
    (void)state;
    struct http_resp a, b;
    assert_int_equal(http_req(&srv, "GET", "/healthz", NULL, NULL, 0, &a), 0);
    assert_int_equal(http_req(&srv, "GET", "/healthz", NULL, NULL, 0, &b), 0);
    char ida[64];
    snprintf(ida, sizeof(ida), "%s", resp_header(&a, "X-Request-Id"));
    assert_string_not_equal(ida, resp_header(&b, "X-Request-Id"));
    resp_free(&a);
    resp_free(&b);
}

static void test_api_no_store(void **state)
{
    (void)state;
    struct http_resp r;
    assert_int_equal(http_req(&srv, "GET", "/api/v1/version", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(resp_header(&r, "Cache-Control"), "no-store");
    assert_security_headers(&r);
    resp_free(&r);
}

/* ---- routing ------------------------------------------------------------- */

static void test_unknown_route_404(void **state)
{
    (void)state;
    struct http_resp r;
    assert_int_equal(http_req(&srv, "GET", "/api/v1/no-such-thing", NULL, NULL, 0, &r), 0);
    assert_problem(&r, 404, "not_found");
    assert_security_headers(&r);
    assert_string_equal(resp_header(&r, "Content-Language"), "zh-CN");
    resp_free(&r);
    assert_int_equal(http_req(&srv, "POST", "/nothing/here", json_ct, "{}", (size_t)-1, &r), 0);
    assert_problem(&r, 404, "not_found");
    resp_free(&r);
}

static void test_wrong_method_405(void **state)
{
    (void)state;
    struct http_resp r;
    assert_int_equal(http_req(&srv, "DELETE", "/healthz", NULL, NULL, 0, &r), 0);
    assert_problem(&r, 405, "method_not_allowed");
    assert_string_equal(resp_header(&r, "Allow"), "GET, HEAD");
    resp_free(&r);
    assert_int_equal(http_req(&srv, "PUT", CHECK_URL, json_ct, "{}", (size_t)-1, &r), 0);
    assert_problem(&r, 405, "method_not_allowed");
    assert_non_null(strstr(resp_header(&r, "Allow"), "POST"));
    resp_free(&r);
}

static void test_head(void **state)
{
    (void)state;
    struct http_resp r;
    assert_int_equal(http_req(&srv, "HEAD", "/healthz", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    resp_free(&r);
}

/* ---- language ------------------------------------------------------------ */

static void test_problem_language(void **state)
{
    (void)state;
    struct http_resp r;
    const char *const en[] = {"Accept-Language: en", NULL};
    assert_int_equal(http_req(&srv, "GET", "/api/v1/nope", en, NULL, 0, &r), 0);
    assert_problem(&r, 404, "not_found");
    assert_string_equal(json_string_value(json_object_get(r.json, "title")), "Not found");
    assert_string_equal(resp_header(&r, "Content-Language"), "en");
    resp_free(&r);
    const char *const zh_pref[] = {"Accept-Language: en;q=0.4, zh-CN;q=0.8", NULL};
    assert_int_equal(http_req(&srv, "GET", "/api/v1/nope", zh_pref, NULL, 0, &r), 0);
    assert_string_equal(json_string_value(json_object_get(r.json, "title")), "未找到请求的资源");
    resp_free(&r);
}

/* ---- JSON bodies ------------------------------------------------------------ */

static void test_json_ok(void **state)
{
    (void)state;
    struct http_resp r;
    assert_int_equal(http_req(&srv, "POST", CHECK_URL, json_ct,
                              "{\"kind\":\"org\",\"number\":\"91350100M000100Y43\"}", (size_t)-1,
                              &r),
                     0);
    assert_int_equal(r.status, 200);
    assert_true(json_is_true(json_object_get(r.json, "valid")));
    resp_free(&r);
}

static void test_wrong_content_type_415(void **state)
{
    (void)state;
    struct http_resp r;
    const char *const text[] = {"Content-Type: text/plain", NULL};
    assert_int_equal(http_req(&srv, "POST", CHECK_URL, text, "{}", (size_t)-1, &r), 0);
    assert_problem(&r, 415, "unsupported_media_type");
    resp_free(&r);
    const char *const form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    assert_int_equal(http_req(&srv, "POST", CHECK_URL, form, "a=b", (size_t)-1, &r), 0);
    assert_problem(&r, 415, "unsupported_media_type");
    resp_free(&r);
    const char *const latin1[] = {"Content-Type: application/json; charset=latin1", NULL};
    assert_int_equal(http_req(&srv, "POST", CHECK_URL, latin1, "{}", (size_t)-1, &r), 0);
    assert_problem(&r, 415, "unsupported_media_type");
    resp_free(&r);
    const char *const utf8[] = {"Content-Type: application/json; charset=UTF-8", NULL};
    assert_int_equal(http_req(&srv, "POST", CHECK_URL, utf8, "{\"kind\":\"org\",\"number\":\"x\"}",
                              (size_t)-1, &r),
                     0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
}

static const struct {
    const char *body;
    size_t len; /* (size_t)-1: strlen */
    long status;
    const char *code;
} bad_bodies[] = {
    {"", (size_t)-1, 400, "bad_json"},
    {"{", (size_t)-1, 400, "bad_json"},
    {"{\"kind\":}", (size_t)-1, 400, "bad_json"},
    {"[1,2,]", (size_t)-1, 400, "bad_json"},
    {"{} {}", (size_t)-1, 400, "bad_json"},
    {"{\"kind\":\"org\",\"kind\":\"person\"}", (size_t)-1, 400, "bad_json"}, /* duplicate key */
    {"{\"kind\":\"\xff\xfe\"}", (size_t)-1, 400, "bad_utf8"},
    {"{\"kind\":\"\xc0\xaf\"}", (size_t)-1, 400, "bad_utf8"},  /* overlong '/' */
    {"{\"kind\":\"a\\u0000b\"}", (size_t)-1, 400, "bad_json"}, /* NUL in a string */
    {"{\"kind\":\"a\x01\"}", (size_t)-1, 400, "bad_json"},     /* raw control character */
    {"\"just a string\"", (size_t)-1, 400, "bad_json"},        /* only objects and arrays */
    {"[]", (size_t)-1, 422, "invalid_value"},                  /* JSON, but not an object */
    {"{\"kind\":\"org\"}", (size_t)-1, 422, "invalid_value"},  /* missing number */
    {"{\"kind\":\"alien\",\"number\":\"1\"}", (size_t)-1, 422, "invalid_value"},
    {"{\"kind\":\"org\",\"number\":12}", (size_t)-1, 422, "invalid_value"},
};

static void test_bad_bodies(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_bodies) / sizeof(bad_bodies[0]); i++) {
        struct http_resp r;
        assert_int_equal(
            http_req(&srv, "POST", CHECK_URL, json_ct, bad_bodies[i].body, bad_bodies[i].len, &r),
            0);
        if (r.status != bad_bodies[i].status || strcmp(problem_code(&r), bad_bodies[i].code))
            fprintf(stderr, "case %zu: got %ld %s\n", i, r.status, r.body);
        assert_problem(&r, bad_bodies[i].status, bad_bodies[i].code);
        resp_free(&r);
    }
}

static void test_field_named(void **state)
{
    (void)state;
    struct http_resp r;
    assert_int_equal(
        http_req(&srv, "POST", CHECK_URL, json_ct_en, "{\"kind\":\"org\"}", (size_t)-1, &r), 0);
    assert_problem(&r, 422, "invalid_value");
    assert_string_equal(json_string_value(json_object_get(r.json, "field")), "number");
    resp_free(&r);
}

static char *nested(size_t depth)
{
    char *s = malloc(2 * depth + 1);
    for (size_t i = 0; i < depth; i++) {
        s[i] = '[';
        s[2 * depth - 1 - i] = ']';
    }
    s[2 * depth] = '\0';
    return s;
}

static void test_json_depth(void **state)
{
    (void)state;
    struct http_resp r;
    /* 32 levels are allowed (the route then refuses the array: 422)... */
    char *ok = nested(32);
    assert_int_equal(http_req(&srv, "POST", CHECK_URL, json_ct, ok, (size_t)-1, &r), 0);
    assert_problem(&r, 422, "invalid_value");
    resp_free(&r);
    free(ok);
    /* ...33 are not, nor 100000 (past jansson's own stack limit). */
    size_t depths[] = {33, 100000};
    for (size_t i = 0; i < 2; i++) {
        char *deep = nested(depths[i]);
        assert_int_equal(http_req(&srv, "POST", CHECK_URL, json_ct, deep, (size_t)-1, &r), 0);
        assert_problem(&r, 400, "json_too_deep");
        resp_free(&r);
        free(deep);
    }
}

static void test_body_limit(void **state)
{
    (void)state;
    /* Default limit 1 MiB: a valid JSON object of exactly the limit passes
     * the size check, one byte more is 413. */
    size_t limit = 1024 * 1024;
    char *body = malloc(limit + 2);
    const char *head = "{\"kind\":\"org\",\"number\":\"x\",\"pad\":\"";
    size_t hl = strlen(head);
    memcpy(body, head, hl);
    memset(body + hl, 'a', limit - hl - 2);
    memcpy(body + limit - 2, "\"}", 2);
    struct http_resp r;
    assert_int_equal(http_req(&srv, "POST", CHECK_URL, json_ct, body, limit, &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    memcpy(body + limit - 2, "a\"}", 3);
    assert_int_equal(http_req(&srv, "POST", CHECK_URL, json_ct, body, limit + 1, &r), 0);
    assert_problem(&r, 413, "too_large");
    resp_free(&r);
    /* Chunked: no Content-Length, the cap holds while the body arrives. */
    const char *const chunked[] = {"Content-Type: application/json", "Transfer-Encoding: chunked",
                                   NULL};
    assert_int_equal(http_req(&srv, "POST", CHECK_URL, chunked, body, limit + 1, &r), 0);
    assert_problem(&r, 413, "too_large");
    resp_free(&r);
    free(body);
}

static void test_bad_query_utf8(void **state)
{
    (void)state;
    struct http_resp r;
    assert_int_equal(
        http_req(&srv, "GET", CHECK_URL "?kind=person&number=%ff%fe", NULL, NULL, 0, &r), 0);
    assert_problem(&r, 400, "bad_utf8");
    resp_free(&r);
}

static void test_malformed_http(void **state)
{
    (void)state;
    /* Garbage that is not HTTP at all: the server answers 400 or closes,
     * and keeps serving. */
    char *out = raw_exchange(&srv, "\x16\x03\x01\x02\x00garbage\r\n\r\n", 16, 2000);
    assert_non_null(out);
    free(out);
    out = raw_exchange(&srv, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 34, 2000);
    assert_non_null(strstr(out, "200"));
    free(out);
}

/* ---- metrics ------------------------------------------------------------- */

static void test_metrics(void **state)
{
    (void)state;
    struct http_resp r;
    assert_int_equal(http_req(&srv, "GET", "/healthz", NULL, NULL, 0, &r), 0);
    resp_free(&r);
    assert_int_equal(http_req(&srv, "GET", "/metrics", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(resp_header(&r, "Content-Type"), "text/plain"));
    assert_non_null(strstr(r.body, "tongban_http_requests_total{route=\"/healthz\",method=\"GET\","
                                   "status=\"200\"}"));
    assert_non_null(
        strstr(r.body, "tongban_http_request_duration_seconds_bucket{route=\"/healthz\""));
    assert_non_null(strstr(r.body, "tongban_db_write_batch_size_bucket"));
    assert_non_null(strstr(r.body, "tongban_db_commit_seconds_bucket"));
    /* Paths never become labels: the 404s above count as "unmatched". */
    assert_null(strstr(r.body, "no-such-thing"));
    resp_free(&r);
}

/* ---- static files ----------------------------------------------------- */

static void test_static_index(void **state)
{
    (void)state;
    struct http_resp r;
    assert_int_equal(http_req(&srv, "GET", "/", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(resp_header(&r, "Content-Type"), "text/html; charset=utf-8");
    assert_non_null(strstr(r.body, "一网通办"));
    assert_security_headers(&r);
    char etag[128];
    snprintf(etag, sizeof(etag), "If-None-Match: %s", resp_header(&r, "ETag"));
    resp_free(&r);
    const char *const inm[] = {etag, NULL};
    assert_int_equal(http_req(&srv, "GET", "/", inm, NULL, 0, &r), 0);
    assert_int_equal(r.status, 304);
    assert_int_equal(r.len, 0);
    resp_free(&r);
    assert_int_equal(http_req(&srv, "GET", "/common/layout.css", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(resp_header(&r, "Content-Type"), "text/css; charset=utf-8");
    resp_free(&r);
    assert_int_equal(http_req(&srv, "GET", "/common/i18n.js", NULL, NULL, 0, &r), 0);
    assert_string_equal(resp_header(&r, "Content-Type"), "text/javascript; charset=utf-8");
    resp_free(&r);
    assert_int_equal(http_req(&srv, "GET", "/common", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 301);
    assert_string_equal(resp_header(&r, "Location"), "/common/");
    resp_free(&r);
}

static void test_static_traversal(void **state)
{
    (void)state;
    static const char *const paths[] = {
        "/../CMakeLists.txt",   "/%2e%2e/CMakeLists.txt", "/common/../../README.md",
        "/..%2fCMakeLists.txt", "/.git/config",           "/common/%2e%2e/%2e%2e/Makefile",
        "/./index.html",        "//etc/passwd",           "/common//layout.css",
        "/..\\CMakeLists.txt",  "/no-such-file.html",     "/index.html%00.txt",
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct http_resp r;
        assert_int_equal(http_req(&srv, "GET", paths[i], NULL, NULL, 0, &r), 0);
        if (r.status != 404 && r.status != 400)
            fprintf(stderr, "path %s: %ld\n", paths[i], r.status);
        assert_true(r.status == 404 || r.status == 400);
        assert_null(strstr(r.body, "cmake_minimum_required"));
        assert_null(strstr(r.body, "[core]"));
        assert_null(strstr(r.body, "root:"));
        resp_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthz),
        cmocka_unit_test(test_readyz),
        cmocka_unit_test(test_request_ids_differ),
        cmocka_unit_test(test_api_no_store),
        cmocka_unit_test(test_unknown_route_404),
        cmocka_unit_test(test_wrong_method_405),
        cmocka_unit_test(test_head),
        cmocka_unit_test(test_problem_language),
        cmocka_unit_test(test_json_ok),
        cmocka_unit_test(test_wrong_content_type_415),
        cmocka_unit_test(test_bad_bodies),
        cmocka_unit_test(test_field_named),
        cmocka_unit_test(test_json_depth),
        cmocka_unit_test(test_body_limit),
        cmocka_unit_test(test_bad_query_utf8),
        cmocka_unit_test(test_malformed_http),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_static_index),
        cmocka_unit_test(test_static_traversal),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
