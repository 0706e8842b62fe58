/*
 * test_org_api.c - organisations, halls and windows (docs/catalogue.md),
 * end to end against a real server started with --demo, and the catalogue
 * file's "orgs"/"halls" import and export against a database of its own.
 *
 * API: the tree and list views and their filters, bad filters (422), the
 * organisation tree rules (each refused with 422 and nothing changed), 409
 * for a duplicate, 401/403 for those without org.manage, halls and windows
 * created and replaced, staff that must be active window staff, letter items
 * that must exist, a letter published today only when it changed, public
 * answers that show staff names but no user names, and one audit event for
 * every change. Import/export: faults with their paths and nothing written,
 * updates in place by code, and export -> import into an empty database ->
 * export giving the same JSON.
 */
#include "harness.h"
#include "lib/db.h"
#include "lib/err.h"
#include "org/org.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#ifndef TB_SOURCE_DIR
#define TB_SOURCE_DIR "."
#endif

#define DEMO_PASSWORD "Demo-Pass-2026"

static struct test_server srv;
static struct tb_client admin, clerk, auditor;

/* ---- helpers ------------------------------------------------------------------------------ */

static long call(const struct tb_client *c, const char *method, const char *path, const char *body,
                 struct http_resp *r)
{
    assert_int_equal(client_req(&srv, c, method, path, body, CLIENT_ORIGIN, NULL, r), 0);
    return r->status;
}

/* The status of one request; the answer is dropped. */
static long status_of(const struct tb_client *c, const char *method, const char *path,
                      const char *body)
{
    struct http_resp r;
    long st = call(c, method, path, body, &r);
    resp_free(&r);
    return st;
}

/* A 422 (or other status) problem whose "field" is field (NULL: none) and
 * whose errors include code (NULL: not checked). */
static void expect_problem(const struct tb_client *c, const char *method, const char *path,
                           const char *body, long status, const char *field, const char *code)
{
    struct http_resp r;
    long st = call(c, method, path, body, &r);
    if (st != status)
        fail_msg("%s %s %s: %ld %s (want %ld)", method, path, body ? body : "", st, r.body, status);
    const char *f = json_string_value(json_object_get(r.json, "field"));
    if ((field && (!f || strcmp(f, field) != 0)) || (!field && f))
        fail_msg("%s %s %s: field %s, want %s (%s)", method, path, body ? body : "",
                 f ? f : "(none)", field ? field : "(none)", r.body);
    if (code) {
        bool found = false;
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(r.json, "errors"), i, e)
        {
            found |= strcmp(json_string_value(json_object_get(e, "code")), code) == 0;
        }
        if (!found)
            fail_msg("%s %s %s: no error %s in %s", method, path, body ? body : "", code, r.body);
    }
    resp_free(&r);
}

/* The codes of GET /api/v1/orgs?query (flat), joined with ','. */
static void list_codes(const char *query, char *out, size_t cap)
{
    char path[256];
    struct http_resp r;
    snprintf(path, sizeof(path), "/api/v1/orgs?%s", query);
    assert_int_equal(call(NULL, "GET", path, NULL, &r), 200);
    out[0] = '\0';
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(r.json, "orgs"), i, o)
    {
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%s%s", l ? "," : "",
                 json_string_value(json_object_get(o, "code")));
    }
    resp_free(&r);
}

/* The children codes of node, joined with ','. */
static void child_codes(json_t *node, char *out, size_t cap)
{
    size_t i;
    json_t *o;
    out[0] = '\0';
    json_array_foreach(json_object_get(node, "children"), i, o)
    {
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%s%s", l ? "," : "",
                 json_string_value(json_object_get(o, "code")));
    }
}

static json_t *find_code(json_t *list, const char *code)
{
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o)
    {
        if (strcmp(json_string_value(json_object_get(o, "code")), code) == 0)
            return o;
    }
    return NULL;
}

static size_t org_count(void)
{
    struct http_resp r;
    assert_int_equal(call(NULL, "GET", "/api/v1/orgs?view=list", NULL, &r), 200);
    size_t n = json_array_size(json_object_get(r.json, "orgs"));
    resp_free(&r);
    return n;
}

/* Today in Beijing, YYYY-MM-DD. */
static void beijing_today(char out[16])
{
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

static int setup(void **state)
{
    (void)state;
    if (server_start(&srv, true, NULL) != 0)
        return -1;
    if (client_login(&srv, "sysadmin", DEMO_PASSWORD, &admin, NULL) != 200 ||
        client_login(&srv, "window01", DEMO_PASSWORD, &clerk, NULL) != 200 ||
        client_login(&srv, "auditadmin", DEMO_PASSWORD, &auditor, NULL) != 200)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    /* A sanitizer build of the server reports in its log. */
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
    return server_stop(&srv) == 0 && clean ? 0 : -1;
}

/* ---- organisations -------------------------------------------------------------------------- *
 * The demo data (data/demo/catalog.json) grows; these tests build a tree of
 * their own (T-*) and check the demo's only by properties. */

/* RULE: docs/catalogue.md Organisations: each the right way round. */
static const char *const good_orgs[] = {
    "{\"code\":\"T-CITY2\",\"name\":\"第二市\",\"level\":1,\"kind\":\"region\",\"parent\":null}",
    "{\"code\":\"T-CITY2-SPJ\",\"name\":\"第二市行政审批局\",\"level\":1,\"kind\":\"bureau\","
    "\"parent\":\"T-CITY2\"}",
    "{\"code\":\"T-DIST2\",\"name\":\"第二区\",\"level\":2,\"kind\":\"region\","
    "\"parent\":\"T-CITY2\"}",
    "{\"code\":\"T-DIST2-GA\",\"name\":\"第二区公安分局\",\"level\":2,\"kind\":\"department\","
    "\"parent\":\"T-DIST2\",\"address\":\"示范路 1 号\",\"phone\":\"0591-87000000\"}",
    "{\"code\":\"T-TOWN2\",\"name\":\"第二街道\",\"level\":3,\"kind\":\"region\","
    "\"parent\":\"T-DIST2\"}",
    "{\"code\":\"T-TOWN2-SPB\",\"name\":\"第二街道审批办\",\"level\":3,\"kind\":\"bureau\","
    "\"parent\":\"T-TOWN2\"}",
    "{\"code\":\"T-VILLAGE2\",\"name\":\"第二社区\",\"level\":4,\"kind\":\"region\","
    "\"parent\":\"T-TOWN2\"}",
};
#define NGOOD (sizeof(good_orgs) / sizeof(good_orgs[0]))

/* RULE: docs/catalogue.md Organisations: a level-1 region has no parent; a
 * region's parent is the region one level up; a department or bureau
 * belongs to the region of its own level. Each refusal: body -> field, code. */
static const struct {
    const char *body, *field, *code;
} org_refusals[] = {
    {"{\"code\":\"T-R1\",\"name\":\"甲\",\"level\":1,\"kind\":\"region\",\"parent\":\"T-CITY2\"}",
     "parent", "root_has_parent"},
    {"{\"code\":\"T-R2\",\"name\":\"甲\",\"level\":2,\"kind\":\"region\"}", "parent",
     "parent_required"},
    {"{\"code\":\"T-R2\",\"name\":\"甲\",\"level\":2,\"kind\":\"region\",\"parent\":null}",
     "parent", "parent_required"},
    {"{\"code\":\"T-R3\",\"name\":\"甲\",\"level\":3,\"kind\":\"region\",\"parent\":\"T-CITY2\"}",
     "parent", "region_parent"},
    {"{\"code\":\"T-R2\",\"name\":\"甲\",\"level\":2,\"kind\":\"region\",\"parent\":\"T-CITY2-"
     "SPJ\"}",
     "parent", "region_parent"},
    {"{\"code\":\"T-R4\",\"name\":\"甲\",\"level\":4,\"kind\":\"region\",\"parent\":\"T-DIST2\"}",
     "parent", "region_parent"},
    {"{\"code\":\"T-D2\",\"name\":\"甲\",\"level\":2,\"kind\":\"department\",\"parent\":\"T-"
     "CITY2\"}",
     "parent", "department_parent"},
    {"{\"code\":\"T-D1\",\"name\":\"甲\",\"level\":1,\"kind\":\"bureau\",\"parent\":\"T-DIST2\"}",
     "parent", "department_parent"},
    {"{\"code\":\"T-D1\",\"name\":\"甲\",\"level\":1,\"kind\":\"department\",\"parent\":\"T-"
     "CITY2-SPJ\"}",
     "parent", "department_parent"},
    {"{\"code\":\"T-D1\",\"name\":\"甲\",\"level\":1,\"kind\":\"department\"}", "parent",
     "parent_required"},
    {"{\"code\":\"T-D1\",\"name\":\"甲\",\"level\":1,\"kind\":\"department\",\"parent\":\"NOPE\"}",
     "parent", "unknown_parent"},
    {"{\"code\":\"a b\",\"name\":\"甲\",\"level\":1,\"kind\":\"region\"}", "code", "invalid"},
    {"{\"code\":\"\",\"name\":\"甲\",\"level\":1,\"kind\":\"region\"}", "code", "invalid"},
    {"{\"code\":\"T-X\",\"name\":\"\",\"level\":1,\"kind\":\"region\"}", "name", "invalid"},
    {"{\"code\":\"T-X\",\"name\":\"甲\",\"level\":5,\"kind\":\"region\"}", "level", "invalid"},
    {"{\"code\":\"T-X\",\"name\":\"甲\",\"level\":\"1\",\"kind\":\"region\"}", "level", "invalid"},
    {"{\"code\":\"T-X\",\"name\":\"甲\",\"level\":1,\"kind\":\"city\"}", "kind", "invalid"},
    {"{\"code\":\"T-X\",\"name\":\"甲\",\"level\":1,\"kind\":\"region\",\"id\":1}", "id",
     "unknown_key"},
    {"{\"code\":\"T-X\",\"level\":1,\"kind\":\"region\"}", "name", "missing"},
    {"[]", NULL, "not_object"},
};

static void test_org_create_rules(void **state)
{
    (void)state;
    size_t before = org_count();
    for (size_t i = 0; i < NGOOD; i++) {
        struct http_resp r;
        if (call(&admin, "POST", "/api/v1/orgs", good_orgs[i], &r) != 201)
            fail_msg("%s: %ld %s", good_orgs[i], r.status, r.body);
        assert_non_null(json_object_get(json_object_get(r.json, "org"), "code"));
        resp_free(&r);
    }
    assert_int_equal(org_count(), before + NGOOD);
    for (size_t i = 0; i < sizeof(org_refusals) / sizeof(org_refusals[0]); i++) {
        expect_problem(&admin, "POST", "/api/v1/orgs", org_refusals[i].body, 422,
                       org_refusals[i].field, org_refusals[i].code);
        assert_int_equal(org_count(), before + NGOOD);
    }
    /* A name of 100 characters is fine, 101 is not. */
    char body[1024], name[400] = "";
    for (int i = 0; i < 101; i++)
        memcpy(name + i * 3, "名", 3);
    snprintf(body, sizeof(body),
             "{\"code\":\"T-LONG\",\"name\":\"%s\",\"level\":1,\"kind\":\"region\"}", name);
    expect_problem(&admin, "POST", "/api/v1/orgs", body, 422, "name", "invalid");
    name[300] = '\0';
    snprintf(body, sizeof(body),
             "{\"code\":\"T-LONG\",\"name\":\"%s\",\"level\":1,\"kind\":\"region\"}", name);
    assert_int_equal(status_of(&admin, "POST", "/api/v1/orgs", body), 201);

    struct http_resp r;
    assert_int_equal(call(NULL, "GET", "/api/v1/orgs?view=list&parent=T-DIST2", NULL, &r), 200);
    json_t *ga = find_code(json_object_get(r.json, "orgs"), "T-DIST2-GA");
    assert_non_null(ga);
    assert_string_equal(json_string_value(json_object_get(ga, "address")), "示范路 1 号");
    assert_string_equal(json_string_value(json_object_get(ga, "kind")), "department");
    assert_int_equal(json_integer_value(json_object_get(ga, "level")), 2);
    resp_free(&r);

    /* 409 for a code that exists, the demo seed's too. */
    expect_problem(&admin, "POST", "/api/v1/orgs",
                   "{\"code\":\"DEMO-CITY\",\"name\":\"重复\",\"level\":1,\"kind\":\"region\"}",
                   409, "code", NULL);
    expect_problem(&admin, "POST", "/api/v1/orgs", good_orgs[3], 409, "code", NULL);
    assert_int_equal(org_count(), before + NGOOD + 1);
}

/* Checks node and everything below it: each child names node as its parent
 * and fits the rules, children in code order. Returns the nodes seen. */
static size_t check_subtree(json_t *node)
{
    size_t n = 1, i;
    json_t *child;
    const char *prev = "";
    const char *code = json_string_value(json_object_get(node, "code"));
    long long level = json_integer_value(json_object_get(node, "level"));
    json_array_foreach(json_object_get(node, "children"), i, child)
    {
        const char *cc = json_string_value(json_object_get(child, "code"));
        bool region = strcmp(json_string_value(json_object_get(child, "kind")), "region") == 0;
        long long cl = json_integer_value(json_object_get(child, "level"));
        if (strcmp(json_string_value(json_object_get(child, "parent")), code) != 0 ||
            cl != (region ? level + 1 : level) || strcmp(prev, cc) >= 0)
            fail_msg("%s under %s", cc, code);
        prev = cc;
        n += check_subtree(child);
    }
    return n;
}

static void test_org_tree(void **state)
{
    (void)state;
    struct http_resp r;
    char codes[512];
    static const char *const paths[] = {"/api/v1/orgs", "/api/v1/orgs?view=tree"};
    size_t total = org_count();
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(call(NULL, "GET", paths[k], NULL, &r), 200);
        json_t *roots = json_object_get(r.json, "orgs");
        size_t i, n = 0;
        json_t *root;
        json_array_foreach(roots, i, root)
        {
            assert_true(json_is_null(json_object_get(root, "parent")));
            assert_int_equal(json_integer_value(json_object_get(root, "level")), 1);
            n += check_subtree(root);
        }
        assert_int_equal(n, total);
        assert_non_null(find_code(roots, "DEMO-CITY"));
        json_t *city = find_code(roots, "T-CITY2");
        child_codes(city, codes, sizeof(codes));
        assert_string_equal(codes, "T-CITY2-SPJ,T-DIST2");
        json_t *dist = find_code(json_object_get(city, "children"), "T-DIST2");
        child_codes(dist, codes, sizeof(codes));
        assert_string_equal(codes, "T-DIST2-GA,T-TOWN2");
        json_t *town = find_code(json_object_get(dist, "children"), "T-TOWN2");
        child_codes(town, codes, sizeof(codes));
        assert_string_equal(codes, "T-TOWN2-SPB,T-VILLAGE2");
        json_t *ga = find_code(json_object_get(dist, "children"), "T-DIST2-GA");
        assert_string_equal(json_string_value(json_object_get(ga, "phone")), "0591-87000000");
        assert_int_equal(json_array_size(json_object_get(ga, "children")), 0);
        resp_free(&r);
    }
}

/* The list view with filters on the tree made here: query -> codes. */
static const struct {
    const char *query, *codes;
} list_cases[] = {
    {"view=list&parent=T-CITY2", "T-CITY2-SPJ,T-DIST2"},
    {"view=list&parent=T-DIST2&kind=region", "T-TOWN2"},
    {"view=list&parent=T-DIST2&kind=department", "T-DIST2-GA"},
    {"view=list&parent=T-TOWN2&level=4", "T-VILLAGE2"},
    {"view=list&parent=T-TOWN2&kind=bureau&level=3", "T-TOWN2-SPB"},
    {"view=list&parent=T-DIST2&level=1", ""},
    {"view=list&parent=T-VILLAGE2", ""},
};

static void test_org_list_filters(void **state)
{
    (void)state;
    char codes[512];
    for (size_t i = 0; i < sizeof(list_cases) / sizeof(list_cases[0]); i++) {
        list_codes(list_cases[i].query, codes, sizeof(codes));
        if (strcmp(codes, list_cases[i].codes) != 0)
            fail_msg("%s: %s, want %s", list_cases[i].query, codes, list_cases[i].codes);
    }
    /* The whole list: parents first, no children members. */
    struct http_resp all;
    assert_int_equal(call(NULL, "GET", "/api/v1/orgs?view=list", NULL, &all), 200);
    json_t *orgs = json_object_get(all.json, "orgs");
    size_t i, k;
    json_t *o;
    json_array_foreach(orgs, i, o)
    {
        json_t *parent = json_object_get(o, "parent");
        assert_null(json_object_get(o, "children"));
        if (json_is_null(parent))
            continue;
        bool earlier = false;
        for (k = 0; k < i && !earlier; k++)
            earlier = strcmp(json_string_value(json_object_get(json_array_get(orgs, k), "code")),
                             json_string_value(parent)) == 0;
        if (!earlier)
            fail_msg("%s comes before its parent", json_string_value(json_object_get(o, "code")));
    }
    /* Each level and kind filter gives exactly the matching ones. */
    static const struct {
        const char *param, *key, *value;
    } filters[] = {
        {"level=1", "level", "1"},         {"level=2", "level", "2"},
        {"level=3", "level", "3"},         {"level=4", "level", "4"},
        {"kind=region", "kind", "region"}, {"kind=department", "kind", "department"},
        {"kind=bureau", "kind", "bureau"},
    };
    for (size_t f = 0; f < sizeof(filters) / sizeof(filters[0]); f++) {
        char query[64], want[8192] = "", got[8192];
        json_array_foreach(orgs, i, o)
        {
            json_t *v = json_object_get(o, filters[f].key);
            char text[32];
            if (json_is_integer(v))
                snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(v));
            else
                snprintf(text, sizeof(text), "%s", json_string_value(v));
            if (strcmp(text, filters[f].value) != 0)
                continue;
            size_t l = strlen(want);
            snprintf(want + l, sizeof(want) - l, "%s%s", l ? "," : "",
                     json_string_value(json_object_get(o, "code")));
        }
        snprintf(query, sizeof(query), "view=list&%s", filters[f].param);
        list_codes(query, got, sizeof(got));
        if (strcmp(got, want) != 0)
            fail_msg("%s: %s, want %s", query, got, want);
    }
    resp_free(&all);
}

/* Bad parameters: query -> the field the 422 names. */
static const struct {
    const char *query, *field;
} bad_filters[] = {
    {"foo=1", "foo"},
    {"view=flat", "view"},
    {"view=", "view"},
    {"view=list&level=5", "level"},
    {"view=list&level=0", "level"},
    {"view=list&level=01", "level"},
    {"view=list&level=x", "level"},
    {"view=list&level=", "level"},
    {"view=list&kind=city", "kind"},
    {"view=list&parent=a%20b", "parent"},
    {"view=list&parent=NOPE", "parent"},
    {"level=1", "level"},
    {"view=tree&kind=region", "kind"},
    {"view=list&view=list", "view"},
    {"view=list&page=2", "page"},
};

static void test_org_bad_filters(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_filters) / sizeof(bad_filters[0]); i++) {
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/orgs?%s", bad_filters[i].query);
        expect_problem(NULL, "GET", path, NULL, 422, bad_filters[i].field, NULL);
    }
}

static void test_org_update(void **state)
{
    (void)state;
    struct http_resp r;
    assert_int_equal(call(&admin, "PATCH", "/api/v1/orgs/T-DIST2-GA",
                          "{\"name\":\"第二区公安局\",\"phone\":\"0591-87111111\"}", &r),
                     200);
    json_t *org = json_object_get(r.json, "org");
    assert_string_equal(json_string_value(json_object_get(org, "name")), "第二区公安局");
    assert_string_equal(json_string_value(json_object_get(org, "phone")), "0591-87111111");
    assert_string_equal(json_string_value(json_object_get(org, "address")), "示范路 1 号");
    assert_string_equal(json_string_value(json_object_get(org, "parent")), "T-DIST2");
    resp_free(&r);
    expect_problem(&admin, "PATCH", "/api/v1/orgs/T-DIST2-GA", "{\"level\":3}", 422, "level",
                   "unknown_key");
    expect_problem(&admin, "PATCH", "/api/v1/orgs/T-DIST2-GA", "{\"parent\":\"T-CITY2\"}", 422,
                   "parent", "unknown_key");
    expect_problem(&admin, "PATCH", "/api/v1/orgs/T-DIST2-GA", "{}", 422, NULL, "empty");
    expect_problem(&admin, "PATCH", "/api/v1/orgs/T-DIST2-GA", "{\"name\":\"\"}", 422, "name",
                   "invalid");
    expect_problem(&admin, "PATCH", "/api/v1/orgs/NOPE", "{\"name\":\"甲\"}", 404, NULL, NULL);
    expect_problem(&admin, "PATCH", "/api/v1/orgs/bad%20code", "{\"name\":\"甲\"}", 404, NULL,
                   NULL);
}

/* Only the system administrator changes organisations and halls. */
static void test_org_permissions(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path, *body;
    } writes[] = {
        {"POST", "/api/v1/orgs",
         "{\"code\":\"T-NOPE\",\"name\":\"甲\",\"level\":1,\"kind\":\"region\"}"},
        {"PATCH", "/api/v1/orgs/T-CITY2", "{\"name\":\"改名\"}"},
        {"POST", "/api/v1/halls", "{\"code\":\"H-NOPE\",\"name\":\"甲\",\"org\":\"T-CITY2\"}"},
        {"PATCH", "/api/v1/halls/H-NOPE", "{\"name\":\"改名\"}"},
        {"POST", "/api/v1/halls/H-NOPE/windows",
         "{\"code\":\"W1\",\"name\":\"甲\",\"kind\":\"comprehensive\"}"},
        {"PUT", "/api/v1/halls/H-NOPE/windows/W1",
         "{\"code\":\"W1\",\"name\":\"甲\",\"kind\":\"comprehensive\"}"},
    };
    size_t before = org_count();
    for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
        long st = status_of(NULL, writes[i].method, writes[i].path, writes[i].body);
        if (st != 401)
            fail_msg("%s %s without a session: %ld", writes[i].method, writes[i].path, st);
        st = status_of(&clerk, writes[i].method, writes[i].path, writes[i].body);
        if (st != 403)
            fail_msg("%s %s as window01: %ld", writes[i].method, writes[i].path, st);
        st = status_of(&auditor, writes[i].method, writes[i].path, writes[i].body);
        if (st != 403)
            fail_msg("%s %s as auditadmin: %ld", writes[i].method, writes[i].path, st);
    }
    /* The administrator without the CSRF token is refused too. */
    struct http_resp r;
    assert_int_equal(client_req(&srv, &admin, "POST", "/api/v1/orgs", writes[0].body,
                                CLIENT_ORIGIN | CLIENT_NO_CSRF, NULL, &r),
                     0);
    assert_int_equal(r.status, 403);
    resp_free(&r);
    assert_int_equal(org_count(), before);
    assert_int_equal(call(NULL, "GET", "/api/v1/orgs?view=list&level=1", NULL, &r), 200);
    assert_string_equal(json_string_value(json_object_get(
                            find_code(json_object_get(r.json, "orgs"), "T-CITY2"), "name")),
                        "第二市");
    resp_free(&r);
}

/* ---- halls and windows ---------------------------------------------------------------------- */

#define HALL        "T-HALL"
#define WIN_PATH(w) "/api/v1/halls/" HALL "/windows/" w

static size_t hall_count(void)
{
    struct http_resp r;
    assert_int_equal(call(NULL, "GET", "/api/v1/halls", NULL, &r), 200);
    size_t n = json_array_size(json_object_get(r.json, "halls"));
    resp_free(&r);
    return n;
}

static void test_halls(void **state)
{
    (void)state;
    struct http_resp r;
    size_t before = hall_count();
    assert_int_equal(call(&admin, "POST", "/api/v1/halls",
                          "{\"code\":\"" HALL "\",\"name\":\"第二市政务服务中心\",\"org\":\"T-"
                          "CITY2\",\"address\":\"示范大道 8 号\",\"phone\":\"12345\","
                          "\"hours\":\"工作日 9:00-17:00\"}",
                          &r),
                     201);
    json_t *hall = json_object_get(r.json, "hall");
    assert_string_equal(json_string_value(json_object_get(hall, "org")), "T-CITY2");
    assert_string_equal(json_string_value(json_object_get(hall, "address")), "示范大道 8 号");
    assert_int_equal(json_array_size(json_object_get(hall, "windows")), 0);
    resp_free(&r);
    assert_int_equal(status_of(&admin, "POST", "/api/v1/halls",
                               "{\"code\":\"T-HALL2\",\"name\":\"第二街道便民服务中心\","
                               "\"org\":\"T-TOWN2\"}"),
                     201);
    assert_int_equal(hall_count(), before + 2);

    expect_problem(&admin, "POST", "/api/v1/halls",
                   "{\"code\":\"H2\",\"name\":\"甲\",\"org\":\"T-CITY2-SPJ\"}", 422, "org",
                   "not_region");
    expect_problem(&admin, "POST", "/api/v1/halls",
                   "{\"code\":\"H2\",\"name\":\"甲\",\"org\":\"NOPE\"}", 422, "org", "unknown_org");
    expect_problem(&admin, "POST", "/api/v1/halls",
                   "{\"code\":\"H2\",\"name\":\"甲\",\"org\":\"T-CITY2\",\"windows\":[]}", 422,
                   "windows", "unknown_key");
    expect_problem(&admin, "POST", "/api/v1/halls", "{\"code\":\"H2\",\"name\":\"甲\"}", 422, "org",
                   "missing");
    expect_problem(&admin, "POST", "/api/v1/halls",
                   "{\"code\":\"" HALL "\",\"name\":\"甲\",\"org\":\"T-CITY2\"}", 409, "code",
                   NULL);
    assert_int_equal(hall_count(), before + 2);

    assert_int_equal(call(&admin, "PATCH", "/api/v1/halls/" HALL,
                          "{\"hours\":\"工作日 8:30-17:30，周六上午\"}", &r),
                     200);
    hall = json_object_get(r.json, "hall");
    assert_string_equal(json_string_value(json_object_get(hall, "hours")),
                        "工作日 8:30-17:30，周六上午");
    assert_string_equal(json_string_value(json_object_get(hall, "name")), "第二市政务服务中心");
    resp_free(&r);
    expect_problem(&admin, "PATCH", "/api/v1/halls/" HALL, "{\"org\":\"T-DIST2\"}", 422, "org",
                   "unknown_key");
    expect_problem(&admin, "PATCH", "/api/v1/halls/NOPE", "{\"name\":\"甲\"}", 404, NULL, NULL);
    expect_problem(NULL, "GET", "/api/v1/halls/NOPE", NULL, 404, NULL, NULL);

    /* Every hall, by code. */
    assert_int_equal(call(NULL, "GET", "/api/v1/halls", NULL, &r), 200);
    size_t i;
    json_t *h;
    const char *prev = "";
    json_array_foreach(json_object_get(r.json, "halls"), i, h)
    {
        const char *code = json_string_value(json_object_get(h, "code"));
        assert_true(strcmp(prev, code) < 0);
        prev = code;
    }
    assert_non_null(find_code(json_object_get(r.json, "halls"), "T-HALL2"));
    resp_free(&r);
}

/* Window bodies refused: body -> field, code. */
static const struct {
    const char *body, *field, *code;
} window_refusals[] = {
    {"{\"code\":\"T1\",\"name\":\"主题\",\"kind\":\"themed\"}", "theme", "theme_required"},
    {"{\"code\":\"T1\",\"name\":\"主题\",\"kind\":\"themed\",\"theme\":null}", "theme",
     "theme_required"},
    {"{\"code\":\"T1\",\"name\":\"综合\",\"kind\":\"comprehensive\",\"theme\":\"交通\"}", "theme",
     "theme_not_allowed"},
    {"{\"code\":\"D1\",\"name\":\"部门\",\"kind\":\"department\"}", "dept", "dept_required"},
    {"{\"code\":\"D1\",\"name\":\"部门\",\"kind\":\"department\",\"dept\":\"T-CITY2\"}", "dept",
     "not_department"},
    {"{\"code\":\"D1\",\"name\":\"部门\",\"kind\":\"department\",\"dept\":\"NOPE\"}", "dept",
     "unknown_org"},
    {"{\"code\":\"C9\",\"name\":\"综合\",\"kind\":\"comprehensive\",\"dept\":\"T-DIST2-GA\"}",
     "dept", "dept_not_allowed"},
    {"{\"code\":\"C9\",\"name\":\"综合\",\"kind\":\"comprehensive\",\"staff\":[\"reviewer01\"]}",
     "staff[0]", "not_window_staff"},
    {"{\"code\":\"C9\",\"name\":\"综合\",\"kind\":\"comprehensive\",\"staff\":[\"window01\","
     "\"zhangsan\"]}",
     "staff[1]", "not_window_staff"},
    {"{\"code\":\"C9\",\"name\":\"综合\",\"kind\":\"comprehensive\",\"staff\":[\"sysadmin\"]}",
     "staff[0]", "not_window_staff"},
    {"{\"code\":\"C9\",\"name\":\"综合\",\"kind\":\"comprehensive\",\"staff\":[\"nobody\"]}",
     "staff[0]", "not_window_staff"},
    {"{\"code\":\"C9\",\"name\":\"综合\",\"kind\":\"comprehensive\",\"staff\":[\"window01\","
     "\"window01\"]}",
     "staff[1]", "duplicate"},
    {"{\"code\":\"C9\",\"name\":\"综合\",\"kind\":\"comprehensive\",\"staff\":\"window01\"}",
     "staff", "invalid"},
    {"{\"code\":\"C9\",\"name\":\"综合\",\"kind\":\"comprehensive\",\"letter\":{\"text\":\"授权\","
     "\"items\":[\"NOPE-IMPL-0001\"]}}",
     "letter.items[0]", "unknown_item"},
    {"{\"code\":\"C9\",\"name\":\"综合\",\"kind\":\"comprehensive\",\"letter\":{\"text\":\"\"}}",
     "letter.text", "invalid"},
    {"{\"code\":\"C9\",\"name\":\"综合\",\"kind\":\"comprehensive\",\"letter\":{\"text\":\"授权\","
     "\"published_at\":\"2020-01-01\"}}",
     "letter.published_at", "unknown_key"},
    {"{\"code\":\"C9\",\"name\":\"综合\",\"kind\":\"comprehensive\",\"letter\":\"授权\"}", "letter",
     "invalid"},
    {"{\"code\":\"C 9\",\"name\":\"综合\",\"kind\":\"comprehensive\"}", "code", "invalid"},
    {"{\"code\":\"C9\",\"name\":\"综合\",\"kind\":\"counter\"}", "kind", "invalid"},
    {"{\"code\":\"C9\",\"name\":\"综合\",\"kind\":\"comprehensive\",\"position\":1}", "position",
     "unknown_key"},
};

static void test_windows(void **state)
{
    (void)state;
    struct http_resp r;
    char today[16];
    beijing_today(today);
    for (size_t i = 0; i < sizeof(window_refusals) / sizeof(window_refusals[0]); i++)
        expect_problem(&admin, "POST", "/api/v1/halls/" HALL "/windows", window_refusals[i].body,
                       422, window_refusals[i].field, window_refusals[i].code);
    /* The refusal names the account. */
    assert_int_equal(
        call(&admin, "POST", "/api/v1/halls/" HALL "/windows", window_refusals[7].body, &r), 422);
    assert_non_null(strstr(json_string_value(json_object_get(r.json, "detail")), "reviewer01"));
    resp_free(&r);
    assert_int_equal(call(&admin, "GET", "/api/v1/halls/" HALL, NULL, &r), 200);
    assert_int_equal(json_array_size(json_object_get(json_object_get(r.json, "hall"), "windows")),
                     0);
    resp_free(&r);

    /* A comprehensive window with window01 and a letter (no items yet). */
    assert_int_equal(call(&admin, "POST", "/api/v1/halls/" HALL "/windows",
                          "{\"code\":\"A01\",\"name\":\"综合受理一号窗口\",\"kind\":"
                          "\"comprehensive\",\"staff\":[\"window01\"],\"letter\":{\"text\":"
                          "\"兹授权综合受理窗口对下列事项当场作出决定。\",\"items\":[]}}",
                          &r),
                     201);
    json_t *w = json_object_get(r.json, "window");
    assert_string_equal(json_string_value(json_object_get(w, "kind")), "comprehensive");
    assert_true(json_is_null(json_object_get(w, "theme")));
    assert_true(json_is_null(json_object_get(w, "dept")));
    json_t *s0 = json_array_get(json_object_get(w, "staff"), 0);
    assert_string_equal(json_string_value(json_object_get(s0, "username")), "window01");
    assert_string_equal(json_string_value(json_object_get(s0, "name")), "钱窗口");
    json_t *letter = json_object_get(w, "letter");
    assert_string_equal(json_string_value(json_object_get(letter, "published_at")), today);
    assert_int_equal(json_array_size(json_object_get(letter, "items")), 0);
    resp_free(&r);

    assert_int_equal(status_of(&admin, "POST", "/api/v1/halls/" HALL "/windows",
                               "{\"code\":\"B01\",\"name\":\"不动产登记窗口\",\"kind\":\"themed\","
                               "\"theme\":\"不动产\"}"),
                     201);
    assert_int_equal(status_of(&admin, "POST", "/api/v1/halls/" HALL "/windows",
                               "{\"code\":\"C01\",\"name\":\"公安窗口\",\"kind\":\"department\","
                               "\"dept\":\"T-DIST2-GA\",\"staff\":[],\"letter\":null}"),
                     201);
    expect_problem(&admin, "POST", "/api/v1/halls/" HALL "/windows",
                   "{\"code\":\"A01\",\"name\":\"重复\",\"kind\":\"comprehensive\"}", 409, "code",
                   NULL);
    expect_problem(&admin, "POST", "/api/v1/halls/NOPE/windows",
                   "{\"code\":\"A01\",\"name\":\"甲\",\"kind\":\"comprehensive\"}", 404, NULL,
                   NULL);

    /* The public see the windows in order, staff by name only. */
    assert_int_equal(call(NULL, "GET", "/api/v1/halls/" HALL, NULL, &r), 200);
    json_t *wins = json_object_get(json_object_get(r.json, "hall"), "windows");
    assert_int_equal(json_array_size(wins), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(wins, 0), "code")), "A01");
    assert_string_equal(json_string_value(json_object_get(json_array_get(wins, 2), "dept")),
                        "T-DIST2-GA");
    json_t *pub = json_array_get(json_object_get(json_array_get(wins, 0), "staff"), 0);
    assert_string_equal(json_string_value(json_object_get(pub, "name")), "钱窗口");
    assert_null(json_object_get(pub, "username"));
    assert_null(strstr(r.body, "window01"));
    resp_free(&r);
    assert_int_equal(call(NULL, "GET", "/api/v1/halls", NULL, &r), 200);
    assert_non_null(find_code(json_object_get(r.json, "halls"), HALL));
    assert_null(strstr(r.body, "window01"));
    assert_non_null(strstr(r.body, "钱窗口"));
    resp_free(&r);
    /* Other staff see what the public sees; the system administrator's
     * session sees user names too (to edit the window). */
    assert_int_equal(call(&clerk, "GET", "/api/v1/halls/" HALL, NULL, &r), 200);
    assert_null(strstr(r.body, "window01"));
    resp_free(&r);
    assert_int_equal(call(&admin, "GET", "/api/v1/halls/" HALL, NULL, &r), 200);
    wins = json_object_get(json_object_get(r.json, "hall"), "windows");
    pub = json_array_get(json_object_get(json_array_get(wins, 0), "staff"), 0);
    assert_string_equal(json_string_value(json_object_get(pub, "username")), "window01");
    resp_free(&r);
    assert_int_equal(call(&admin, "GET", "/api/v1/halls", NULL, &r), 200);
    assert_non_null(strstr(r.body, "\"window01\""));
    resp_free(&r);
}

/* Sets a window's letter date behind the server's back, to see whether a
 * PUT keeps it. */
static void set_letter_date(const char *code, const char *date)
{
    char sql[400];
    /* test constants only: no quotes inside */
    assert_null(strchr(code, '\''));
    assert_null(strchr(date, '\''));
    snprintf(sql, sizeof(sql),
             "UPDATE windows SET letter_published_at = '%s' WHERE code = '%s' AND "
             "hall_id = (SELECT id FROM halls WHERE code = '" HALL "')",
             date, code);
    assert_int_equal(test_db_exec(srv.db, sql), 0);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM windows WHERE letter_published_at = '%s' AND code = '%s'", date,
             code);
    assert_int_equal(test_db_scalar(srv.db, sql), 1);
}

static const char *letter_date(const struct http_resp *r)
{
    return json_string_value(json_object_get(
        json_object_get(json_object_get(r->json, "window"), "letter"), "published_at"));
}

/* RULE: docs/catalogue.md Halls and windows: a letter is published (dated
 * today) when its text or items change, and keeps its date otherwise. */
static void test_window_replace(void **state)
{
    (void)state;
    struct http_resp r;
    char today[16];
    beijing_today(today);
    static const char same_letter[] =
        "{\"code\":\"A01\",\"name\":\"综合受理窗口（一）\",\"kind\":\"comprehensive\","
        "\"staff\":[\"window01\"],\"letter\":{\"text\":"
        "\"兹授权综合受理窗口对下列事项当场作出决定。\",\"items\":[]}}";
    set_letter_date("A01", "2020-01-02");
    assert_int_equal(call(&admin, "PUT", WIN_PATH("A01"), same_letter, &r), 200);
    assert_string_equal(letter_date(&r), "2020-01-02");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r.json, "window"), "name")),
        "综合受理窗口（一）");
    resp_free(&r);
    /* "code" may be left out of a PUT. */
    assert_int_equal(call(&admin, "PUT", WIN_PATH("A01"),
                          "{\"name\":\"综合受理窗口（一）\",\"kind\":\"comprehensive\","
                          "\"staff\":[\"window01\"],\"letter\":{\"text\":\"新的授权通知书。\"}}",
                          &r),
                     200);
    assert_string_equal(letter_date(&r), today);
    resp_free(&r);
    /* Without staff and letter: both gone. */
    assert_int_equal(call(&admin, "PUT", WIN_PATH("A01"),
                          "{\"code\":\"A01\",\"name\":\"综合受理窗口（一）\",\"kind\":"
                          "\"comprehensive\"}",
                          &r),
                     200);
    json_t *w = json_object_get(r.json, "window");
    assert_true(json_is_null(json_object_get(w, "letter")));
    assert_int_equal(json_array_size(json_object_get(w, "staff")), 0);
    resp_free(&r);
    /* A themed window becomes a department window. */
    assert_int_equal(call(&admin, "PUT", WIN_PATH("B01"),
                          "{\"code\":\"B01\",\"name\":\"审批局窗口\",\"kind\":\"department\","
                          "\"dept\":\"T-CITY2-SPJ\",\"staff\":[\"window01\"]}",
                          &r),
                     200);
    w = json_object_get(r.json, "window");
    assert_string_equal(json_string_value(json_object_get(w, "dept")), "T-CITY2-SPJ");
    assert_true(json_is_null(json_object_get(w, "theme")));
    resp_free(&r);

    expect_problem(&admin, "PUT", WIN_PATH("A01"),
                   "{\"code\":\"A02\",\"name\":\"甲\",\"kind\":\"comprehensive\"}", 422, "code",
                   "code_changed");
    expect_problem(&admin, "PUT", WIN_PATH("A01"),
                   "{\"name\":\"甲\",\"kind\":\"comprehensive\",\"staff\":[\"reviewer02\"]}", 422,
                   "staff[0]", "not_window_staff");
    expect_problem(&admin, "PUT", WIN_PATH("A01"),
                   "{\"name\":\"甲\",\"kind\":\"comprehensive\",\"letter\":{\"text\":\"授权\","
                   "\"items\":[\"NOPE-IMPL-0002\"]}}",
                   422, "letter.items[0]", "unknown_item");
    expect_problem(&admin, "PUT", WIN_PATH("Z99"), "{\"name\":\"甲\",\"kind\":\"comprehensive\"}",
                   404, NULL, NULL);
    expect_problem(&admin, "PUT", "/api/v1/halls/NOPE/windows/A01",
                   "{\"name\":\"甲\",\"kind\":\"comprehensive\"}", 404, NULL, NULL);
    /* Nothing of the refused ones stuck. */
    assert_int_equal(call(NULL, "GET", "/api/v1/halls/" HALL, NULL, &r), 200);
    json_t *a01 = json_array_get(json_object_get(json_object_get(r.json, "hall"), "windows"), 0);
    assert_string_equal(json_string_value(json_object_get(a01, "name")), "综合受理窗口（一）");
    assert_int_equal(json_array_size(json_object_get(a01, "staff")), 0);
    resp_free(&r);
}

/* One audit event for every change, with before and after where there was
 * a before. */
static void test_audit_events(void **state)
{
    (void)state;
    static const struct {
        const char *action, *object_id;
        bool has_before;
    } expected[] = {
        {"org.create", "T-DIST2-GA", false},   {"org.update", "T-DIST2-GA", true},
        {"hall.create", HALL, false},          {"hall.update", HALL, true},
        {"window.create", HALL "/A01", false}, {"window.update", HALL "/A01", true},
    };
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        char path[200];
        struct http_resp r;
        snprintf(path, sizeof(path), "/api/v1/audit/events?action=%s&object_id=%s",
                 expected[i].action, expected[i].object_id);
        assert_int_equal(call(&auditor, "GET", path, NULL, &r), 200);
        json_t *events = json_object_get(r.json, "events");
        if (json_array_size(events) == 0)
            fail_msg("no %s event for %s", expected[i].action, expected[i].object_id);
        json_t *e = json_array_get(events, 0);
        assert_string_equal(json_string_value(json_object_get(e, "actor_role")), "sysadmin");
        assert_true(json_is_object(json_object_get(e, "after")));
        assert_true(json_is_object(json_object_get(e, "before")) == expected[i].has_before);
        resp_free(&r);
    }
    /* The org update records what changed. */
    struct http_resp r;
    assert_int_equal(call(&auditor, "GET",
                          "/api/v1/audit/events?action=org.update&object_id=T-DIST2-GA", NULL, &r),
                     200);
    json_t *e = json_array_get(json_object_get(r.json, "events"), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(e, "before"), "name")),
                        "第二区公安分局");
    assert_string_equal(json_string_value(json_object_get(json_object_get(e, "after"), "name")),
                        "第二区公安局");
    resp_free(&r);
    /* Refused attempts changed nothing and left no change event. */
    assert_int_equal(
        call(&auditor, "GET", "/api/v1/audit/events?action=org.create&object_id=T-NOPE", NULL, &r),
        200);
    assert_int_equal(json_array_size(json_object_get(r.json, "events")), 0);
    resp_free(&r);
}

/* ---- import and export (no server: a database of the test's own) ---------------------------- */

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

/* What import/export needs that the catalogue file does not carry:
 * staff accounts (w1, w2 window staff; r1 a reviewer) and one item. */
static const char fixtures_sql[] =
    "INSERT INTO orgs(code, name, level, kind, created_at) VALUES ('FIX-CITY', '旧名', 1, "
    "'region', 0);"
    "INSERT INTO accounts(kind, username, name, roles, authority_level, pw_hash, pw_salt, "
    "pw_iter, pw_changed_at, created_at, updated_at) VALUES "
    "('staff', 'w1', '窗口甲', 8, 1, x'00', x'00', 1, 0, 0, 0),"
    "('staff', 'w2', '窗口乙', 8, 1, x'00', x'00', 1, 0, 0, 0),"
    "('staff', 'r1', '审查丙', 16, 2, x'00', x'00', 1, 0, 0, 0);"
    "INSERT INTO items(impl_code, basic_code, name, org_id, status, current_version, "
    "latest_version, type, audience, levels, kind, item_class, trips, is_immediate, is_online, "
    "is_nearby, is_one_visit, is_exempt, legal_limit_days, promised_limit_days, search_text, "
    "created_at, updated_at) VALUES ('IMPL-0001', 'B0001', '个体工商户登记', 1, 'published', 1, 1, "
    "'01', 2, 8, '2', 'A', '1', 0, 1, 0, 1, 0, 15, 5, '', 0, 0),"
    "('IMPL-0002', 'B0002', '食品经营许可', 1, 'published', 1, 1, '01', 4, 8, '2', 'A', '1', 0, "
    "1, 0, 1, 0, 20, 10, '', 0, 0)";

static const char import_file[] =
    "{\"orgs\":["
    "{\"code\":\"FIX-CITY\",\"name\":\"示例市\",\"level\":1,\"kind\":\"region\",\"parent\":null,"
    "\"address\":\"市府路 1 号\",\"phone\":\"0591-1\"},"
    "{\"code\":\"FIX-CITY-SPJ\",\"name\":\"示例市行政审批局\",\"level\":1,\"kind\":\"bureau\","
    "\"parent\":\"FIX-CITY\"},"
    "{\"code\":\"FIX-DIST\",\"name\":\"示例区\",\"level\":2,\"kind\":\"region\","
    "\"parent\":\"FIX-CITY\"},"
    "{\"code\":\"FIX-DIST-AJ\",\"name\":\"示例区应急局\",\"level\":2,\"kind\":\"department\","
    "\"parent\":\"FIX-DIST\",\"address\":\"\",\"phone\":\"\"}"
    "],\"halls\":["
    "{\"code\":\"FIX-HALL\",\"name\":\"示例市民中心\",\"org\":\"FIX-CITY\",\"address\":\"中心路\","
    "\"phone\":\"12345\",\"hours\":\"9-17\",\"windows\":["
    "{\"code\":\"Z2\",\"name\":\"综合窗口\",\"kind\":\"comprehensive\",\"theme\":null,"
    "\"dept\":null,\"staff\":[\"w2\",\"w1\"],\"letter\":{\"text\":\"授权通知书\",\"items\":"
    "[\"IMPL-0002\",\"IMPL-0001\"],\"published_at\":\"2025-06-01\"}},"
    "{\"code\":\"A1\",\"name\":\"审批局窗口\",\"kind\":\"department\",\"dept\":\"FIX-CITY-SPJ\"},"
    "{\"code\":\"T1\",\"name\":\"投资项目窗口\",\"kind\":\"themed\",\"theme\":\"投资项目\","
    "\"staff\":[\"w1\"],\"letter\":{\"text\":\"今天发布\",\"items\":[]}}]},"
    "{\"code\":\"FIX-HALL-D\",\"name\":\"示例区政务大厅\",\"org\":\"FIX-DIST\"}"
    "]}";

struct db_fixture {
    char dir[64];
    char url[512];
    struct tb_db *db;
};

static int exec_fn(struct tb_db_conn *c, void *ctx)
{
    return tb_db_exec(c, ctx);
}

/* fixtures_sql with its blob literals in the engine's syntax (x'00' is a bit
 * string to PostgreSQL); owned by a static buffer. */
static char *fixtures_for_backend(void)
{
    static char out[sizeof(fixtures_sql) * 2];
    const char *from = "x'00'", *to = test_on_pg() ? "'\\x00'::bytea" : "x'00'";
    size_t n = 0;
    for (const char *p = fixtures_sql; *p;) {
        if (strncmp(p, from, strlen(from)) == 0) {
            memcpy(out + n, to, strlen(to));
            n += strlen(to);
            p += strlen(from);
        } else {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
    return out;
}

static void db_open(struct db_fixture *f)
{
    char path[128];
    snprintf(f->dir, sizeof(f->dir), "/tmp/tb_test_org.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(path, sizeof(path), "%s/t.db", f->dir);
    assert_int_equal(test_db_new(path, f->url, sizeof(f->url)), 0);
    assert_int_equal(tb_db_open(f->url, NULL, &f->db), 0);
    assert_int_equal(tb_db_migrate(f->db, TB_SOURCE_DIR "/migrations", NULL), 0);
    assert_int_equal(tb_db_write(f->db, exec_fn, fixtures_for_backend()), 0);
}

static void db_close(struct db_fixture *f)
{
    tb_db_close(f->db);
    test_db_drop(f->url);
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

struct import {
    const json_t *file;
    struct item_problems p;
    struct item_problem out[64];
};

static int import_fn(struct tb_db_conn *c, void *ctx)
{
    struct import *im = ctx;
    int64_t now = (int64_t)time(NULL) * 1000;
    int rc = org_import(c, json_object_get(im->file, "orgs"), now, &im->p);
    /* Halls are checked even when orgs failed, to report everything. */
    int rc2 = rc == TB_OK || rc == TB_ERR_INVALID
                  ? hall_import(c, json_object_get(im->file, "halls"), now, &im->p)
                  : rc;
    return rc < 0 ? rc : rc2;
}

/* Imports text into f: the tb_db_write result; problems in im. */
static int import_text(struct db_fixture *f, const char *text, struct import *im)
{
    json_error_t e;
    json_t *file = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    if (!file)
        fail_msg("import file: %s at %d:%d", e.text, e.line, e.column);
    im->file = file;
    im->p = (struct item_problems){im->out, 64, 0};
    int rc = tb_db_write(f->db, import_fn, im);
    json_decref(file);
    return rc;
}

/* {"orgs","halls"} as exported, as indented JSON text (malloc'd). */
static char *export_text(struct db_fixture *f)
{
    struct tb_db_conn *c;
    json_t *orgs, *halls;
    assert_int_equal(tb_db_read_conn(f->db, &c), 0);
    assert_int_equal(org_export(c, &orgs), 0);
    assert_int_equal(hall_export(c, &halls), 0);
    json_t *file = json_pack("{s:o,s:o}", "orgs", orgs, "halls", halls);
    char *text = json_dumps(file, JSON_INDENT(1) | JSON_ENSURE_ASCII);
    json_decref(file);
    assert_non_null(text);
    return text;
}

static bool has_problem(const struct import *im, const char *path, const char *code)
{
    for (size_t i = 0; i < im->p.n && i < im->p.cap; i++)
        if (strcmp(im->out[i].path, path) == 0 && strcmp(im->out[i].code, code) == 0)
            return true;
    return false;
}

static void dump_problems(const struct import *im)
{
    for (size_t i = 0; i < im->p.n && i < im->p.cap; i++)
        fprintf(stderr, "  %s: %s %s\n", im->out[i].path, im->out[i].code, im->out[i].message_en);
}

static void test_import_export_round_trip(void **state)
{
    (void)state;
    struct db_fixture a, b;
    struct import im;
    char today[16];
    beijing_today(today);
    db_open(&a);
    int rc = import_text(&a, import_file, &im);
    if (rc != 0) {
        dump_problems(&im);
        fail_msg("import: %d", rc);
    }
    char *one = export_text(&a);
    json_t *got = json_loads(one, 0, NULL);
    /* Parents first; FIX-CITY updated in place by code (not a second row). */
    json_t *orgs = json_object_get(got, "orgs");
    assert_int_equal(json_array_size(orgs), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(orgs, 0), "code")),
                        "FIX-CITY");
    assert_string_equal(json_string_value(json_object_get(json_array_get(orgs, 0), "name")),
                        "示例市");
    json_t *halls = json_object_get(got, "halls");
    assert_int_equal(json_array_size(halls), 2);
    json_t *wins = json_object_get(json_array_get(halls, 0), "windows");
    json_t *z2 = json_array_get(wins, 0);
    /* Staff and letter items in the file's order; the date as given. */
    assert_string_equal(json_string_value(json_array_get(json_object_get(z2, "staff"), 0)), "w2");
    json_t *letter = json_object_get(z2, "letter");
    assert_string_equal(json_string_value(json_array_get(json_object_get(letter, "items"), 0)),
                        "IMPL-0002");
    assert_string_equal(json_string_value(json_object_get(letter, "published_at")), "2025-06-01");
    /* No date in the file: published today. */
    json_t *t1 = json_array_get(wins, 2);
    assert_string_equal(json_string_value(json_object_get(t1, "code")), "T1");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(t1, "letter"), "published_at")), today);
    assert_true(json_is_null(json_object_get(json_array_get(wins, 1), "letter")));
    json_decref(got);

    /* Importing the export again changes nothing. */
    assert_int_equal(import_text(&a, one, &im), 0);
    char *again = export_text(&a);
    assert_string_equal(one, again);
    free(again);

    /* Into an empty database and out again: the same JSON. */
    db_open(&b);
    rc = import_text(&b, one, &im);
    if (rc != 0) {
        dump_problems(&im);
        fail_msg("import into the empty database: %d", rc);
    }
    char *two = export_text(&b);
    assert_string_equal(one, two);
    free(two);
    db_close(&b);

    /* A disabled window account drops off the window (and the export). */
    assert_int_equal(
        tb_db_write(a.db, exec_fn,
                    (void *)"UPDATE accounts SET status = 'disabled' WHERE username = 'w2'"),
        0);
    char *three = export_text(&a);
    got = json_loads(three, 0, NULL);
    z2 = json_array_get(
        json_object_get(json_array_get(json_object_get(got, "halls"), 0), "windows"), 0);
    assert_int_equal(json_array_size(json_object_get(z2, "staff")), 1);
    json_decref(got);
    free(three);
    free(one);
    db_close(&a);
}

/* Faults with their paths; nothing written. */
static const char bad_file[] =
    "{\"orgs\":["
    "{\"code\":\"NEW-A\",\"name\":\"甲\",\"level\":2,\"kind\":\"region\",\"parent\":\"NEW-B\"},"
    "{\"code\":\"NEW-B\",\"name\":\"乙\",\"level\":1,\"kind\":\"region\",\"parent\":null},"
    "{\"code\":\"NEW-C\",\"name\":\"丙\",\"level\":1,\"kind\":\"city\"},"
    "{\"code\":\"NEW-B\",\"name\":\"乙二\",\"level\":1,\"kind\":\"region\"},"
    "{\"code\":\"NEW-D\",\"name\":\"丁\",\"level\":3,\"kind\":\"region\",\"parent\":\"NEW-B\"},"
    "{\"code\":\"NEW-E\",\"name\":\"戊\",\"level\":2,\"kind\":\"department\",\"parent\":\"NOPE\"},"
    "{\"code\":\"NEW-F\",\"name\":\"己\",\"level\":1,\"kind\":\"region\",\"colour\":\"red\"},"
    "{\"code\":\"NEW-G\",\"name\":\"庚\",\"level\":1,\"kind\":\"bureau\",\"parent\":\"NEW-G\"}"
    "],\"halls\":["
    "{\"code\":\"H1\",\"name\":\"大厅\",\"org\":\"FIX-CITY-SPJ\",\"windows\":["
    "{\"code\":\"W1\",\"name\":\"窗\",\"kind\":\"comprehensive\",\"staff\":[\"r1\",\"w1\"]},"
    "{\"code\":\"W2\",\"name\":\"窗\",\"kind\":\"comprehensive\",\"letter\":{\"text\":\"授权\","
    "\"items\":[\"IMPL-0001\",\"IMPL-9999\"],\"published_at\":\"2025-02-28\"}},"
    "{\"code\":\"W1\",\"name\":\"窗\",\"kind\":\"comprehensive\"},"
    "{\"code\":\"W3\",\"name\":\"窗\",\"kind\":\"comprehensive\",\"letter\":{\"text\":\"授权\","
    "\"published_at\":\"2025-02-30\"}},"
    "{\"code\":\"W4\",\"name\":\"窗\",\"kind\":\"themed\"}]},"
    "{\"code\":\"H1\",\"name\":\"重复\",\"org\":\"FIX-CITY\"},"
    "{\"code\":\"H2\",\"name\":\"新区大厅\",\"org\":\"NEW-B\"}"
    "]}";

static const struct {
    const char *path, *code;
} bad_file_faults[] = {
    {"orgs[0].parent", "parent_not_earlier"},
    {"orgs[2].kind", "invalid"},
    {"orgs[3].code", "duplicate"},
    {"orgs[4].parent", "region_parent"},
    {"orgs[5].parent", "unknown_parent"},
    {"orgs[6].colour", "unknown_key"},
    {"orgs[7].parent", "parent_not_earlier"},
    {"halls[0].org", "not_region"},
    {"halls[0].windows[0].staff[0]", "not_window_staff"},
    {"halls[0].windows[1].letter.items[1]", "unknown_item"},
    {"halls[0].windows[2].code", "duplicate"},
    {"halls[0].windows[3].letter.published_at", "invalid"},
    {"halls[0].windows[4].theme", "theme_required"},
    {"halls[1].code", "duplicate"},
    /* The file's orgs were refused, so a hall of a new org is refused too. */
    {"halls[2].org", "unknown_org"},
};

static void test_import_faults(void **state)
{
    (void)state;
    struct db_fixture f;
    struct import im;
    db_open(&f);
    assert_int_equal(import_text(&f, import_file, &im), 0);
    char *before = export_text(&f);
    assert_int_equal(import_text(&f, bad_file, &im), TB_ERR_INVALID);
    for (size_t i = 0; i < sizeof(bad_file_faults) / sizeof(bad_file_faults[0]); i++)
        if (!has_problem(&im, bad_file_faults[i].path, bad_file_faults[i].code)) {
            dump_problems(&im);
            fail_msg("no %s at %s", bad_file_faults[i].code, bad_file_faults[i].path);
        }
    assert_false(has_problem(&im, "halls[0].windows[0].staff[1]", "not_window_staff"));
    assert_false(has_problem(&im, "halls[0].windows[1].letter.items[0]", "unknown_item"));
    char *after = export_text(&f);
    assert_string_equal(before, after);
    free(after);

    /* Shape checks at the top. */
    assert_int_equal(import_text(&f, "{\"orgs\":{},\"halls\":[]}", &im), TB_ERR_INVALID);
    assert_true(has_problem(&im, "orgs", "invalid"));
    assert_int_equal(import_text(&f, "{\"orgs\":[],\"halls\":[7]}", &im), TB_ERR_INVALID);
    assert_true(has_problem(&im, "halls[0]", "not_object"));

    /* A change that would break what is already there. */
    assert_int_equal(import_text(&f,
                                 "{\"orgs\":[{\"code\":\"FIX-CITY\",\"name\":\"示例市\","
                                 "\"level\":2,\"kind\":\"region\",\"parent\":\"FIX-DIST\"}],"
                                 "\"halls\":[]}",
                                 &im),
                     TB_ERR_INVALID);
    assert_true(has_problem(&im, "orgs[0].parent", "region_parent"));
    assert_int_equal(import_text(&f,
                                 "{\"orgs\":[{\"code\":\"FIX-DIST\",\"name\":\"示例区\","
                                 "\"level\":1,\"kind\":\"department\",\"parent\":\"FIX-CITY\"}],"
                                 "\"halls\":[]}",
                                 &im),
                     TB_ERR_INVALID);
    assert_true(has_problem(&im, "orgs[0].level", "breaks_children"));
    assert_true(has_problem(&im, "orgs[0].kind", "hall_org_not_region"));
    assert_int_equal(import_text(&f,
                                 "{\"orgs\":[{\"code\":\"FIX-CITY-SPJ\",\"name\":\"审批局\","
                                 "\"level\":2,\"kind\":\"region\",\"parent\":\"FIX-CITY\"}],"
                                 "\"halls\":[]}",
                                 &im),
                     TB_ERR_INVALID);
    assert_true(has_problem(&im, "orgs[0].kind", "window_dept_region"));
    after = export_text(&f);
    assert_string_equal(before, after);
    free(after);
    free(before);
    db_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_org_create_rules),
        cmocka_unit_test(test_org_tree),
        cmocka_unit_test(test_org_list_filters),
        cmocka_unit_test(test_org_bad_filters),
        cmocka_unit_test(test_org_update),
        cmocka_unit_test(test_org_permissions),
        cmocka_unit_test(test_halls),
        cmocka_unit_test(test_windows),
        cmocka_unit_test(test_window_replace),
        cmocka_unit_test(test_audit_events),
        cmocka_unit_test(test_import_export_round_trip),
        cmocka_unit_test(test_import_faults),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
