/*
 * test_http_unit.c - the pure parts of the HTTP layer: route matching,
 * language choice, problem bodies, JSON limits, static path safety, bounded
 * buffers and settings. Tests as tables: a new case is a new row.
 */
#include "lib/arena.h"
#include "lib/config.h"
#include "lib/err.h"
#include "lib/http.h"
#include "lib/json.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static int h_dummy(struct tb_req *req)
{
    (void)req;
    return 0;
}

static const struct tb_route routes[] = {
    {"GET", "/", h_dummy, "public", "root", 0, 0},
    {"GET", "/healthz", h_dummy, "public", "health", 0, 0},
    {"GET", "/api/v1/cases/{no}", h_dummy, "case.read", "case", 0, 0},
    {"POST", "/api/v1/cases/{no}", h_dummy, "case.write", "case", 0, 0},
    {"GET", "/api/v1/cases/{no}/events/{seq}", h_dummy, "case.read", "event", 0, 0},
    {"GET", "/api/v1/cases/mine", h_dummy, "case.read", "literal after param row", 0, 0},
};

static const struct {
    const char *method, *path;
    enum tb_match want;
    int route; /* index into routes, -1 when none */
    const char *p1, *p2;
    const char *allow;
} match_cases[] = {
    {"GET", "/", TB_MATCH_OK, 0, NULL, NULL, NULL},
    {"GET", "/healthz", TB_MATCH_OK, 1, NULL, NULL, NULL},
    {"HEAD", "/healthz", TB_MATCH_OK, 1, NULL, NULL, NULL},
    {"GET", "/healthz/", TB_MATCH_NO_PATH, -1, NULL, NULL, NULL},
    {"GET", "/healthzz", TB_MATCH_NO_PATH, -1, NULL, NULL, NULL},
    {"GET", "/api/v1/cases/A123", TB_MATCH_OK, 2, "A123", NULL, NULL},
    {"POST", "/api/v1/cases/A123", TB_MATCH_OK, 3, "A123", NULL, NULL},
    {"DELETE", "/api/v1/cases/A123", TB_MATCH_NO_METHOD, -1, NULL, NULL, "GET, HEAD, POST"},
    {"GET", "/api/v1/cases/A1/events/7", TB_MATCH_OK, 4, "A1", "7", NULL},
    {"GET", "/api/v1/cases//events/7", TB_MATCH_NO_PATH, -1, NULL, NULL, NULL},
    {"GET", "/api/v1/cases", TB_MATCH_NO_PATH, -1, NULL, NULL, NULL},
    {"GET", "/api/v1/cases/a/b/c/d", TB_MATCH_NO_PATH, -1, NULL, NULL, NULL},
    {"PUT", "/healthz", TB_MATCH_NO_METHOD, -1, NULL, NULL, "GET, HEAD"},
    {"GET", "relative", TB_MATCH_NO_PATH, -1, NULL, NULL, NULL},
    {"GET", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r", TB_MATCH_NO_PATH, -1, NULL, NULL, NULL},
};

static void test_router_match(void **state)
{
    (void)state;
    struct tb_router *r;
    assert_int_equal(tb_router_new(routes, sizeof(routes) / sizeof(routes[0]), &r), 0);
    for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
        struct tb_arena a;
        tb_arena_init(&a, 0);
        const struct tb_route *route;
        struct tb_kv params[TB_HTTP_MAX_PARAMS];
        size_t np;
        char allow[64];
        enum tb_match m = tb_router_match(r, match_cases[i].method, match_cases[i].path, &a, &route,
                                          params, &np, allow, sizeof(allow));
        assert_int_equal(m, match_cases[i].want);
        if (match_cases[i].route >= 0)
            assert_ptr_equal(route, &routes[match_cases[i].route]);
        if (match_cases[i].p1) {
            assert_string_equal(params[0].value, match_cases[i].p1);
            assert_string_equal(params[0].key, "no");
        }
        if (match_cases[i].p2) {
            assert_int_equal(np, 2);
            assert_string_equal(params[1].value, match_cases[i].p2);
            assert_string_equal(params[1].key, "seq");
        }
        if (match_cases[i].allow)
            assert_string_equal(allow, match_cases[i].allow);
        tb_arena_free(&a);
    }
    tb_router_free(r);
}

static void test_router_rejects_bad_tables(void **state)
{
    (void)state;
    struct tb_router *r;
    const struct tb_route dup[] = {
        {"GET", "/x", h_dummy, "public", "a", 0, 0},
        {"GET", "/x", h_dummy, "public", "b", 0, 0},
    };
    assert_int_equal(tb_router_new(dup, 2, &r), TB_ERR_INVALID);
    const struct tb_route no_perm[] = {{"GET", "/x", h_dummy, NULL, "a", 0, 0}};
    assert_int_equal(tb_router_new(no_perm, 1, &r), TB_ERR_INVALID);
    const struct tb_route no_summary[] = {{"GET", "/x", h_dummy, "public", NULL, 0, 0}};
    assert_int_equal(tb_router_new(no_summary, 1, &r), TB_ERR_INVALID);
    const struct tb_route bad_param[] = {{"GET", "/x/{}", h_dummy, "public", "a", 0, 0}};
    assert_int_equal(tb_router_new(bad_param, 1, &r), TB_ERR_INVALID);
    const struct tb_route bad_slash[] = {{"GET", "/x/", h_dummy, "public", "a", 0, 0}};
    assert_int_equal(tb_router_new(bad_slash, 1, &r), TB_ERR_INVALID);
}

static const struct {
    const char *header;
    enum tb_lang want;
} lang_cases[] = {
    {NULL, TB_LANG_ZH},
    {"", TB_LANG_ZH},
    {"en", TB_LANG_EN},
    {"en-US,en;q=0.9", TB_LANG_EN},
    {"zh-CN,zh;q=0.9,en;q=0.8", TB_LANG_ZH},
    {"en;q=0.4, zh-CN;q=0.8", TB_LANG_ZH},
    {"fr, en;q=0.5", TB_LANG_EN},
    {"fr", TB_LANG_ZH},
    {"en;q=0", TB_LANG_ZH},
    {"english", TB_LANG_ZH},
    {"EN-gb", TB_LANG_EN},
    {";;;,,,q=", TB_LANG_ZH},
    {"en;q=garbage", TB_LANG_ZH},
};

static void test_pick_lang(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(lang_cases) / sizeof(lang_cases[0]); i++)
        assert_int_equal(tb_http_pick_lang(lang_cases[i].header), lang_cases[i].want);
}

static void test_problem_body(void **state)
{
    (void)state;
    json_t *p = tb_http_problem_body(TB_ERR_MEDIA_TYPE, TB_LANG_EN, "body", "中文说明",
                                     "English detail", "abc");
    assert_string_equal(json_string_value(json_object_get(p, "code")), "unsupported_media_type");
    assert_int_equal(json_integer_value(json_object_get(p, "status")), 415);
    assert_string_equal(json_string_value(json_object_get(p, "title")), "Unsupported media type");
    assert_string_equal(json_string_value(json_object_get(p, "detail")), "English detail");
    assert_string_equal(json_string_value(json_object_get(p, "field")), "body");
    assert_string_equal(json_string_value(json_object_get(p, "request_id")), "abc");
    assert_string_equal(json_string_value(json_object_get(p, "type")),
                        "urn:tongban:problem:unsupported_media_type");
    json_decref(p);
    p = tb_http_problem_body(TB_ERR_NOT_FOUND, TB_LANG_ZH, NULL, NULL, NULL, NULL);
    assert_string_equal(json_string_value(json_object_get(p, "title")), "未找到请求的资源");
    assert_null(json_object_get(p, "field"));
    json_decref(p);
}

/* Every error has a distinct code and a 4xx/5xx status; titles in both languages. */
static void test_err_table(void **state)
{
    (void)state;
    for (int e = -1; e > -TB_ERR__COUNT; e--) {
        const struct tb_err_info *i = tb_err_info(e);
        assert_int_equal(i->err, e);
        assert_true(i->status >= 400 && i->status < 600);
        assert_true(strlen(i->title_zh) > 0 && strlen(i->title_en) > 0);
        for (int f = e - 1; f > -TB_ERR__COUNT; f--)
            assert_string_not_equal(i->code, tb_err_info(f)->code);
    }
}

static const struct {
    const char *text;
    size_t len;
    int err;
} json_cases[] = {
    {"{}", 2, 0},
    {"{\"a\":[1,2,{\"b\":null}]}", 22, 0},
    {"", 0, TB_ERR_BAD_JSON},
    {"{\"a\":1,\"a\":2}", 13, TB_ERR_BAD_JSON},
    {"\"\xc3\x28\"", 4, TB_ERR_BAD_UTF8},
    {"\"\\u0000\"", 8, TB_ERR_BAD_JSON},
    {"{\"a\":1} x", 9, TB_ERR_BAD_JSON},
    {"9223372036854775808", 19, TB_ERR_BAD_JSON}, /* integer overflow */
};

static void test_json_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
        json_t *v = NULL;
        struct tb_json_error e;
        int rc = tb_json_parse(json_cases[i].text, json_cases[i].len, 32, &v, &e);
        assert_int_equal(rc, json_cases[i].err);
        if (rc == 0)
            json_decref(v);
        else
            assert_null(v);
    }
}

static void test_json_depth_limit(void **state)
{
    (void)state;
    char buf[200];
    for (size_t depth = 30; depth <= 34; depth++) {
        for (size_t i = 0; i < depth; i++) {
            buf[i] = '[';
            buf[2 * depth - 1 - i] = ']';
        }
        json_t *v = NULL;
        struct tb_json_error e;
        int rc = tb_json_parse(buf, 2 * depth, 32, &v, &e);
        assert_int_equal(rc, depth <= 32 ? 0 : TB_ERR_JSON_DEPTH);
        if (v) {
            assert_int_equal(tb_json_depth(v), depth);
            json_decref(v);
        }
    }
}

static void test_json_getters(void **state)
{
    (void)state;
    json_t *o = json_pack("{s:s,s:i,s:b,s:s}", "name", "张三丰", "n", 5, "ok", 1, "e", "");
    const char *s;
    long long n;
    bool b;
    assert_int_equal(tb_json_get_string(o, "name", true, 3, &s), 0);
    assert_string_equal(s, "张三丰");
    assert_int_equal(tb_json_get_string(o, "name", true, 2, &s), TB_ERR_INVALID); /* code points */
    assert_int_equal(tb_json_get_string(o, "missing", true, 9, &s), TB_ERR_INVALID);
    assert_int_equal(tb_json_get_string(o, "missing", false, 9, &s), 0);
    assert_null(s);
    assert_int_equal(tb_json_get_string(o, "e", true, 9, &s), TB_ERR_INVALID);
    assert_int_equal(tb_json_get_string(o, "n", true, 9, &s), TB_ERR_INVALID);
    assert_int_equal(tb_json_get_int(o, "n", true, 0, 5, &n), 0);
    assert_int_equal(n, 5);
    assert_int_equal(tb_json_get_int(o, "n", true, 0, 4, &n), TB_ERR_INVALID);
    assert_int_equal(tb_json_get_bool(o, "ok", true, &b), 0);
    assert_true(b);
    assert_int_equal(tb_json_get_bool(o, "name", true, &b), TB_ERR_INVALID);
    json_decref(o);
}

static const struct {
    const char *s;
    bool ok;
} utf8_cases[] = {
    {"plain", true},
    {"中文", true},
    {"\xf0\x9f\x98\x80", true},
    {"\xc3\x28", false},
    {"\xe2\x82", false},
    {"\xed\xa0\x80", false}, /* surrogate */
    {"\xc0\xaf", false},
    {"\xf4\x90\x80\x80", false}, /* > U+10FFFF */
    {"\xff", false},
};

static void test_utf8(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++)
        assert_int_equal(tb_utf8_valid(utf8_cases[i].s, strlen(utf8_cases[i].s)), utf8_cases[i].ok);
    assert_false(tb_utf8_valid("a\0b", 3));
}

static const struct {
    const char *path;
    bool ok;
} static_cases[] = {
    {"/", true},
    {"/index.html", true},
    {"/common/", true},
    {"/common/layout.css", true},
    {"/portal/app-1_2.js", true},
    {"/..", false},
    {"/../etc/passwd", false},
    {"/common/../x", false},
    {"/.git/config", false},
    {"/.env", false},
    {"//etc", false},
    {"/a//b", false},
    {"/a\\b", false},
    {"/a b", false},
    {"/a%2fb", false},
    {"relative", false},
    {"/中文.html", false},
};

static void test_static_paths(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(static_cases) / sizeof(static_cases[0]); i++)
        assert_int_equal(tb_http_static_path_ok(static_cases[i].path), static_cases[i].ok);
    assert_string_equal(tb_http_mime_type("a.js"), "text/javascript; charset=utf-8");
    assert_string_equal(tb_http_mime_type("A.CSS"), "text/css; charset=utf-8");
    assert_string_equal(tb_http_mime_type("x.svg"), "image/svg+xml");
    assert_string_equal(tb_http_mime_type("noext"), "application/octet-stream");
}

/* STYLE 16: each limit at limit-1, limit, limit+1. */
static void test_buf_limits(void **state)
{
    (void)state;
    struct tb_buf b;
    tb_buf_init(&b, 10);
    assert_int_equal(tb_buf_append(&b, "123456789", 9), 0);
    assert_int_equal(tb_buf_append(&b, "0", 1), 0);
    assert_int_equal(b.len, 10);
    assert_int_equal(tb_buf_append(&b, "x", 1), TB_ERR_TOO_LARGE);
    assert_int_equal(b.len, 10);
    assert_string_equal(tb_buf_cstr(&b), "1234567890");
    tb_buf_reset(&b);
    assert_int_equal(tb_buf_printf(&b, "%s", "12345678901"), TB_ERR_TOO_LARGE);
    assert_int_equal(b.len, 0);
    assert_int_equal(tb_buf_append(&b, "x", SIZE_MAX), TB_ERR_TOO_LARGE);
    tb_buf_free(&b);
}

static void test_arena(void **state)
{
    (void)state;
    struct tb_arena a;
    tb_arena_init(&a, 64);
    char *s = tb_arena_printf(&a, "%s-%d", "case", 42);
    assert_string_equal(s, "case-42");
    void *big = tb_arena_alloc(&a, 10000); /* bigger than a block */
    assert_non_null(big);
    memset(big, 1, 10000);
    char *after = tb_arena_strdup(&a, "still fine");
    assert_string_equal(after, "still fine");
    assert_string_equal(s, "case-42");
    assert_null(tb_arena_alloc(&a, SIZE_MAX));
    for (int i = 0; i < 1000; i++)
        assert_non_null(tb_arena_alloc(&a, 24));
    tb_arena_free(&a);
}

static void test_config(void **state)
{
    (void)state;
    struct tb_config c;
    char err[256];
    tb_config_defaults(&c);
    assert_string_equal(c.listen, "127.0.0.1:8080");
    assert_int_equal(c.body_max_kb, 1024);
    assert_int_equal(c.json_max_depth, 32);
    assert_int_equal(tb_config_set(&c, "listen", "0.0.0.0:9", "t", err, sizeof(err)), 0);
    assert_string_equal(c.listen, "0.0.0.0:9");
    assert_int_equal(tb_config_set(&c, "workers", "0", "t", err, sizeof(err)), TB_ERR_INVALID);
    assert_int_equal(tb_config_set(&c, "workers", "-1", "t", err, sizeof(err)), TB_ERR_INVALID);
    assert_int_equal(tb_config_set(&c, "workers", "8x", "t", err, sizeof(err)), TB_ERR_INVALID);
    assert_int_equal(tb_config_set(&c, "workers", "8", "t", err, sizeof(err)), 0);
    assert_int_equal(c.workers, 8);
    assert_int_equal(tb_config_set(&c, "access_log", "off", "t", err, sizeof(err)), 0);
    assert_false(c.access_log);
    assert_int_equal(tb_config_set(&c, "access_log", "maybe", "t", err, sizeof(err)),
                     TB_ERR_INVALID);
    assert_int_equal(tb_config_set(&c, "no_such_key", "1", "t", err, sizeof(err)), TB_ERR_INVALID);
    assert_non_null(strstr(err, "no_such_key"));

    char path[] = "/tmp/tongban-cfg-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char ini[] = "[server]\nlisten = 127.0.0.1:7000\nworkers = 3\n[limits]\nbody_max_kb=64\n";
    assert_int_equal(write(fd, ini, sizeof(ini) - 1), (ssize_t)(sizeof(ini) - 1));
    close(fd);
    tb_config_defaults(&c);
    assert_int_equal(tb_config_load_file(&c, path, err, sizeof(err)), 0);
    assert_string_equal(c.listen, "127.0.0.1:7000");
    assert_int_equal(c.workers, 3);
    assert_int_equal(c.body_max_kb, 64);
    setenv("TONGBAN_WORKERS", "5", 1);
    assert_int_equal(tb_config_load_env(&c, err, sizeof(err)), 0);
    assert_int_equal(c.workers, 5);
    setenv("TONGBAN_WORKERS", "lots", 1);
    assert_int_equal(tb_config_load_env(&c, err, sizeof(err)), TB_ERR_INVALID);
    unsetenv("TONGBAN_WORKERS");
    unlink(path);
    assert_int_equal(tb_config_load_file(&c, path, err, sizeof(err)), TB_ERR_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_router_match),
        cmocka_unit_test(test_router_rejects_bad_tables),
        cmocka_unit_test(test_pick_lang),
        cmocka_unit_test(test_problem_body),
        cmocka_unit_test(test_err_table),
        cmocka_unit_test(test_json_parse),
        cmocka_unit_test(test_json_depth_limit),
        cmocka_unit_test(test_json_getters),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_static_paths),
        cmocka_unit_test(test_buf_limits),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
