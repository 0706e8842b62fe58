/*
 * test_routes.c - the route table and docs/openapi.json agree: every route
 * has a handler, a permission and a summary, and an OpenAPI operation with
 * the same permission (x-permission); every OpenAPI operation is a route.
 * DESIGN: "a test fails when any of the three is missing".
 */
#include "app/app.h"
#include "lib/http.h"

#include <ctype.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static void lower(const char *in, char *out, size_t cap)
{
    size_t i = 0;
    for (; in[i] && i + 1 < cap; i++)
        out[i] = (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

static void test_routes_documented(void **state)
{
    (void)state;
    json_error_t e;
    json_t *doc = json_load_file("docs/openapi.json", JSON_REJECT_DUPLICATES, &e);
    if (!doc)
        fail_msg("docs/openapi.json: %s at line %d", e.text, e.line);
    json_t *paths = json_object_get(doc, "paths");
    assert_true(json_is_object(paths));
    for (size_t i = 0; i < tb_routes_count; i++) {
        const struct tb_route *r = &tb_routes[i];
        char m[16];
        assert_non_null(r->handler);
        assert_non_null(r->permission);
        assert_true(r->summary && strlen(r->summary) > 0);
        lower(r->method, m, sizeof(m));
        json_t *op = json_object_get(json_object_get(paths, r->pattern), m);
        if (!op)
            fail_msg("%s %s is not in docs/openapi.json", r->method, r->pattern);
        const char *perm = json_string_value(json_object_get(op, "x-permission"));
        if (!perm || strcmp(perm, r->permission) != 0)
            fail_msg("%s %s: x-permission %s, route table %s", r->method, r->pattern,
                     perm ? perm : "(none)", r->permission);
        assert_non_null(json_string_value(json_object_get(op, "summary")));
    }
    const char *path;
    json_t *item;
    json_object_foreach(paths, path, item)
    {
        const char *method;
        json_t *op;
        json_object_foreach(item, method, op)
        {
            bool found = false;
            for (size_t i = 0; i < tb_routes_count && !found; i++) {
                char m[16];
                lower(tb_routes[i].method, m, sizeof(m));
                found = strcmp(tb_routes[i].pattern, path) == 0 && strcmp(m, method) == 0;
            }
            if (!found)
                fail_msg("docs/openapi.json documents %s %s, which no route serves", method, path);
        }
    }
    json_decref(doc);
}

/* The test clock is the tongban-test binary's alone (tests/testbin): the
 * platform's table has no route under /api/v1/test/. */
static void test_no_test_routes(void **state)
{
    (void)state;
    for (size_t i = 0; i < tb_routes_count; i++)
        if (strncmp(tb_routes[i].pattern, "/api/v1/test/", 13) == 0)
            fail_msg("%s %s is in the production route table", tb_routes[i].method,
                     tb_routes[i].pattern);
}

static void test_routes_compile(void **state)
{
    (void)state;
    struct tb_router *r;
    assert_int_equal(tb_router_new(tb_routes, tb_routes_count, &r), 0);
    tb_router_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes_compile),
        cmocka_unit_test(test_no_test_routes),
        cmocka_unit_test(test_routes_documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
