/*
 * test_audit_api.c - GET /api/v1/audit/events and /api/v1/audit/verify,
 * served in-process over a log this test writes, so every filter can be
 * checked against known events: pages newest first with a cursor that
 * visits each event once, each filter alone and together, 422 with the
 * field for each bad value, the event's JSON shape, and verify before and
 * after the database is tampered with. The gate here stands in for the
 * accounts gate (permission "audit.read"); the platform's own wiring is
 * tested with a real session elsewhere.
 */
#include "app/app.h"
#include "audit/audit.h"
#include "harness.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/http.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#ifndef TB_SOURCE_DIR
#define TB_SOURCE_DIR "."
#endif

#define NEVENTS 300
/* 2026-03-01T00:00:00+08:00 (Asia/Shanghai midnight) = 2026-02-28T16:00:00Z */
#define DAY0_MS    1772294400000LL
#define MS_PER_DAY (24LL * 3600 * 1000)
#define PER_DAY    30 /* events per Shanghai day: seq 1..30 on day 0, 31..60 on day 1, ... */

static struct tb_app app;
static unsigned char mac_key[32];
static struct tb_sm2_key *sign_key;
static char dir[64], path[128], url[512];
static struct tb_server *srv;
static struct test_server ts;

/* ---- the log ------------------------------------------------------------ */

/* Event seq i (1-based): what each filter will find. */
static const char *action_of(int i)
{
    static const char *const a[] = {"session.login", "session.logout", "account.create",
                                    "session.login_failed"};
    return a[i % 4];
}

static int append_fn(struct tb_db_conn *c, void *ctx)
{
    (void)ctx;
    for (int i = 1; i <= NEVENTS; i++) {
        char oid[16];
        snprintf(oid, sizeof(oid), "%d", i % 10);
        struct audit_event e = {
            .at_ms = DAY0_MS + (int64_t)((i - 1) / PER_DAY) * MS_PER_DAY + (i - 1) % PER_DAY,
            .actor_id = i % 3 == 0 ? 0 : i % 3, /* 0 (none), 1 or 2 */
            .actor_role = i % 3 == 0 ? "anonymous" : "applicant",
            .ip = "192.0.2.9",
            .action = action_of(i),
            .object_type = i % 2 ? "session" : "account",
            .object_id = oid,
            .result = i % 4 == 3 ? "failed" : "ok",
            .request_id = "req-1",
            .before_json = i == 7 ? "{\"roles\":[\"a\"]}" : NULL,
            .after_json = i == 7 ? "{\"roles\":[\"a\",\"b\"],\"name\":\"张*\"}" : NULL,
            .reason = i == 7 ? "复核" : NULL,
        };
        int rc = audit_append(c, &app.audit, &e, NULL);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int gate(struct tb_req *req, const struct tb_route *route)
{
    const char *h = tb_req_header(req, "X-Test-Role");
    if (!h)
        return TB_ERR_UNAUTHENTICATED;
    return strcmp(route->permission, "audit.read") == 0 && strcmp(h, "auditadmin") == 0
               ? TB_OK
               : TB_ERR_FORBIDDEN;
}

static const struct tb_route routes[] = {
    {"GET", "/api/v1/audit/events", audit_api_events, "audit.read", "audit events", 0, 0},
    {"GET", "/api/v1/audit/verify", audit_api_verify, "audit.read", "verify the log", 0, 0},
};

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static int group_setup(void **state)
{
    (void)state;
    if (tb_crypto_init() < 0 || tb_random(mac_key, sizeof(mac_key)) < 0 ||
        tb_sm2_generate(&sign_key) < 0)
        return -1;
    app.audit = (struct audit_keys){mac_key, sign_key, sign_key, 100};
    snprintf(dir, sizeof(dir), "/tmp/tb_test_audit_api.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/t.db", dir);
    if (test_db_new(path, url, sizeof(url)) < 0 || tb_db_open(url, NULL, &app.db) < 0 ||
        tb_db_migrate(app.db, TB_SOURCE_DIR "/migrations", NULL) < 0 ||
        tb_db_write(app.db, append_fn, NULL) < 0)
        return -1;
    struct tb_http_options o = {0};
    o.listen = "127.0.0.1:0";
    o.io_threads = 2;
    o.workers = 4;
    o.conn_timeout_s = 10;
    o.max_conns = 64;
    o.max_conns_per_ip = 64;
    o.conn_memory_bytes = 64 * 1024;
    o.body_max = 1024;
    o.json_max_depth = 32;
    o.routes = routes;
    o.nroutes = sizeof(routes) / sizeof(routes[0]);
    o.gate = gate;
    o.app = &app;
    if (tb_http_start(&o, &srv) < 0)
        return -1;
    snprintf(ts.base, sizeof(ts.base), "http://127.0.0.1:%u", tb_http_port(srv));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    tb_http_stop(srv);
    tb_db_close(app.db);
    test_db_drop(url);
    tb_sm2_free(sign_key);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    tb_crypto_cleanup();
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static const char *const auditor[] = {"X-Test-Role: auditadmin", NULL};

/* GET path as the auditor; asserts the status. */
static void get(const char *p, long status, struct http_resp *r)
{
    assert_int_equal(http_req(&ts, "GET", p, auditor, NULL, 0, r), 0);
    if (r->status != status)
        fail_msg("GET %s: want %ld, got %ld: %.300s", p, status, r->status, r->body ? r->body : "");
}

/* Follows every page of query q (limit per page); returns the total and
 * checks seqs strictly decrease across pages. */
static int count_all(const char *q, int limit)
{
    char p[512];
    char cursor[32] = "";
    int total = 0;
    int64_t last = INT64_MAX;
    for (int pages = 0; pages < 1000; pages++) {
        struct http_resp r;
        snprintf(p, sizeof(p), "/api/v1/audit/events?limit=%d%s%s%s%s", limit, q[0] ? "&" : "", q,
                 cursor[0] ? "&cursor=" : "", cursor);
        get(p, 200, &r);
        json_t *ev = json_object_get(r.json, "events");
        assert_true(json_array_size(ev) <= (size_t)limit);
        for (size_t i = 0; i < json_array_size(ev); i++) {
            int64_t seq = json_integer_value(json_object_get(json_array_get(ev, i), "seq"));
            assert_true(seq < last);
            last = seq;
            total++;
        }
        json_t *next = json_object_get(r.json, "next_cursor");
        bool more = json_is_string(next);
        if (more)
            snprintf(cursor, sizeof(cursor), "%s", json_string_value(next));
        else
            assert_true(json_is_null(next));
        resp_free(&r);
        if (!more)
            return total;
    }
    fail_msg("too many pages");
    return -1;
}

/* How many of the test's events satisfy pred. */
static int expect_count(bool (*pred)(int i))
{
    int n = 0;
    for (int i = 1; i <= NEVENTS; i++)
        n += pred(i);
    return n;
}

static bool by_actor1(int i)
{
    return i % 3 == 1;
}
static bool by_session_prefix(int i)
{
    return strncmp(action_of(i), "session.", 8) == 0;
}
static bool by_login_exact(int i)
{
    return strcmp(action_of(i), "session.login") == 0;
}
static bool by_failed(int i)
{
    return i % 4 == 3;
}
static bool by_object(int i)
{
    return i % 2 == 0 && i % 10 == 4;
}
static bool by_day1(int i)
{
    return (i - 1) / PER_DAY == 1;
}
static bool by_days2to3_login_actor2(int i)
{
    int d = (i - 1) / PER_DAY;
    return d >= 2 && d <= 3 && by_login_exact(i) && i % 3 == 2;
}

/* ---- tests -------------------------------------------------------------- */

static void test_pages_visit_every_event_once(void **state)
{
    (void)state;
    struct http_resp r;
    get("/api/v1/audit/events", 200, &r);
    json_t *ev = json_object_get(r.json, "events");
    assert_int_equal(json_array_size(ev), 50); /* the default page */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(ev, 0), "seq")), NEVENTS);
    assert_string_equal(json_string_value(json_object_get(r.json, "next_cursor")), "251");
    resp_free(&r);
    assert_int_equal(count_all("", 200), NEVENTS);
    assert_int_equal(count_all("", 7), NEVENTS);
    assert_int_equal(count_all("", 1), NEVENTS);
}

static void test_filters(void **state)
{
    (void)state;
    static const struct {
        const char *q;
        bool (*pred)(int i);
    } cases[] = {
        {"actor=1", by_actor1},
        {"action=session.", by_session_prefix},
        {"action=session.login", by_login_exact},
        {"result=failed", by_failed},
        {"object_type=account&object_id=4", by_object},
        {"from=2026-03-02&to=2026-03-02", by_day1},
        {"from=1772380800000&to=1772467199999", by_day1}, /* the same day in ms, inclusive */
        {"from=2026-03-03&to=2026-03-04&action=session.login&actor=2", by_days2to3_login_actor2},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int want = expect_count(cases[i].pred);
        int got = count_all(cases[i].q, 13);
        if (got != want || want == 0)
            fail_msg("%s: want %d, got %d", cases[i].q, want, got);
    }
    /* matches nothing */
    assert_int_equal(count_all("actor=99", 50), 0);
    assert_int_equal(count_all("result=denied", 50), 0);
}

static void test_bad_filters_are_422_with_the_field(void **state)
{
    (void)state;
    static const struct {
        const char *q;
        const char *field;
    } cases[] = {
        {"limit=0", "limit"},
        {"limit=201", "limit"},
        {"limit=ten", "limit"},
        {"cursor=-1", "cursor"},
        {"cursor=abc", "cursor"},
        {"from=2026-02-30", "from"},
        {"from=yesterday", "from"},
        {"to=2026-03-01&from=2026-03-02", "to"},
        {"actor=0", "actor"},
        {"actor=1x", "actor"},
        {"action=Session.Login", "action"},
        {"action=.", "action"},
        {"result=maybe", "result"},
        {"object_type=", "object_type"},
        {"actr=1", "actr"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char p[256];
        struct http_resp r;
        snprintf(p, sizeof(p), "/api/v1/audit/events?%s", cases[i].q);
        get(p, 422, &r);
        const char *field = json_string_value(json_object_get(r.json, "field"));
        if (!field || strcmp(field, cases[i].field) != 0)
            fail_msg("%s: want field %s, got %s", cases[i].q, cases[i].field,
                     field ? field : "(none)");
        resp_free(&r);
    }
}

static void test_event_shape(void **state)
{
    (void)state;
    struct http_resp r;
    get("/api/v1/audit/events?cursor=8&limit=1", 200, &r);
    json_t *e = json_array_get(json_object_get(r.json, "events"), 0);
    assert_int_equal(json_integer_value(json_object_get(e, "seq")), 7);
    assert_string_equal(json_string_value(json_object_get(e, "at")), "2026-02-28T16:00:00.006Z");
    assert_int_equal(json_integer_value(json_object_get(e, "actor_id")), 1);
    assert_string_equal(json_string_value(json_object_get(e, "actor_role")), "applicant");
    assert_true(json_is_null(json_object_get(e, "on_behalf_of")));
    assert_true(json_is_null(json_object_get(e, "org_id")));
    assert_string_equal(json_string_value(json_object_get(e, "action")), "session.login_failed");
    assert_string_equal(json_string_value(json_object_get(e, "result")), "failed");
    assert_string_equal(json_string_value(json_object_get(e, "object_id")), "7");
    assert_string_equal(json_string_value(json_object_get(e, "reason")), "复核");
    json_t *after = json_object_get(e, "after");
    assert_true(json_is_object(after));
    assert_string_equal(json_string_value(json_object_get(after, "name")), "张*");
    assert_int_equal(json_array_size(json_object_get(json_object_get(e, "before"), "roles")), 1);
    assert_int_equal(strlen(json_string_value(json_object_get(e, "hash"))), 64);
    assert_string_equal(json_string_value(json_object_get(r.json, "next_cursor")), "7");
    resp_free(&r);
    /* an event without before/after, by nobody (seq 9: anonymous) */
    get("/api/v1/audit/events?cursor=10&limit=1", 200, &r);
    e = json_array_get(json_object_get(r.json, "events"), 0);
    assert_int_equal(json_integer_value(json_object_get(e, "seq")), 9);
    assert_true(json_is_null(json_object_get(e, "before")));
    assert_true(json_is_null(json_object_get(e, "actor_id")));
    resp_free(&r);
}

static void test_permission(void **state)
{
    (void)state;
    struct http_resp r;
    static const char *const clerk[] = {"X-Test-Role: clerk", NULL};
    assert_int_equal(http_req(&ts, "GET", "/api/v1/audit/events", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 401);
    resp_free(&r);
    assert_int_equal(http_req(&ts, "GET", "/api/v1/audit/verify", clerk, NULL, 0, &r), 0);
    assert_int_equal(r.status, 403);
    resp_free(&r);
}

/* Last: it tampers with the database under the running server. */
static void test_verify_before_and_after_tampering(void **state)
{
    (void)state;
    struct http_resp r;
    get("/api/v1/audit/verify", 200, &r);
    assert_true(json_is_true(json_object_get(r.json, "intact")));
    assert_true(json_is_null(json_object_get(r.json, "fault")));
    assert_int_equal(json_integer_value(json_object_get(r.json, "events")), NEVENTS);
    assert_int_equal(json_integer_value(json_object_get(r.json, "checkpoints")), NEVENTS / 100);
    resp_free(&r);

    /* an insider with the database's own rights: triggers off, one row edited */
    assert_int_equal(
        test_db_exec(url, test_on_pg() ? "DROP TRIGGER audit_events_no_update ON audit_events;"
                                         "UPDATE audit_events SET result = 'ok' WHERE seq = 123"
                                       : "DROP TRIGGER audit_events_no_update;"
                                         "UPDATE audit_events SET result = 'ok' WHERE seq = 123"),
        0);

    get("/api/v1/audit/verify", 200, &r);
    assert_true(json_is_false(json_object_get(r.json, "intact")));
    assert_string_equal(json_string_value(json_object_get(r.json, "fault")), "edited");
    assert_int_equal(json_integer_value(json_object_get(r.json, "seq")), 123);
    assert_non_null(strstr(json_string_value(json_object_get(r.json, "message")), "123"));
    resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_visit_every_event_once),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_bad_filters_are_422_with_the_field),
        cmocka_unit_test(test_event_shape),
        cmocka_unit_test(test_permission),
        cmocka_unit_test(test_verify_before_and_after_tampering),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
