/*
 * test_server_inproc.c - the HTTP layer started in-process with a route
 * table of its own, to check what the platform's routes cannot show yet:
 * deny-by-default for non-public routes, the gate's answers, handlers that
 * fail or answer nothing, blocking handlers on workers (they must not stall
 * each other), and a clean stop with requests in flight.
 */
#include "harness.h"
#include "lib/err.h"
#include "lib/http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

static int h_ok(struct tb_req *req)
{
    return tb_resp_json(
        req, 200,
        json_pack("{s:s}", "param", tb_req_param(req, "id") ? tb_req_param(req, "id") : ""));
}

static int h_fail_conflict(struct tb_req *req)
{
    (void)req;
    return TB_ERR_CONFLICT; /* no answer set: the layer answers the problem */
}

static int h_answer_nothing(struct tb_req *req)
{
    (void)req;
    return 0; /* a bug: the layer must still answer */
}

/* Blocks like a handler waiting for a group commit: it waits until the test
 * releases it (or 10 s pass). */
static pthread_mutex_t hold_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hold_cond = PTHREAD_COND_INITIALIZER;
static int hold_arrived;
static bool hold_released;

static int h_slow(struct tb_req *req)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&hold_lock);
    hold_arrived++;
    pthread_cond_broadcast(&hold_cond);
    int rc = 0;
    while (!hold_released && rc == 0)
        rc = pthread_cond_timedwait(&hold_cond, &hold_lock, &until);
    bool released = hold_released;
    pthread_mutex_unlock(&hold_lock);
    if (!released)
        return TB_ERR_UNAVAILABLE;
    return tb_resp_json(req, 200, json_pack("{s:b}", "released", 1));
}

static void hold_reset(void)
{
    pthread_mutex_lock(&hold_lock);
    hold_arrived = 0;
    hold_released = false;
    pthread_mutex_unlock(&hold_lock);
}

/* Waits up to 10 s for n handlers to be blocked at once; returns how many were. */
static int hold_wait_arrived(int n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&hold_lock);
    int rc = 0;
    while (hold_arrived < n && rc == 0)
        rc = pthread_cond_timedwait(&hold_cond, &hold_lock, &until);
    int got = hold_arrived;
    pthread_mutex_unlock(&hold_lock);
    return got;
}

static void hold_release(void)
{
    pthread_mutex_lock(&hold_lock);
    hold_released = true;
    pthread_cond_broadcast(&hold_cond);
    pthread_mutex_unlock(&hold_lock);
}

static int gate_calls;

static int test_gate(struct tb_req *req, const struct tb_route *route)
{
    (void)route;
    __atomic_add_fetch(&gate_calls, 1, __ATOMIC_SEQ_CST);
    const char *h = tb_req_header(req, "X-Test-Role");
    if (!h)
        return TB_ERR_UNAUTHENTICATED;
    if (strcmp(h, "clerk") == 0)
        return TB_OK;
    return TB_ERR_NOT_FOUND; /* not yours: 404, not 403 */
}

static const struct tb_route routes[] = {
    {"GET", "/open/{id}", h_ok, "public", "open", TB_ROUTE_INLINE, 0},
    {"GET", "/secret", h_ok, "case.read", "needs a session", 0, 0},
    {"GET", "/conflict", h_fail_conflict, "public", "fails", 0, 0},
    {"GET", "/nothing", h_answer_nothing, "public", "bug", 0, 0},
    {"GET", "/slow", h_slow, "public", "blocks 200 ms", 0, 0},
    {"POST", "/small", h_ok, "public", "16-byte body limit", TB_ROUTE_JSON_BODY, 16},
};

static struct tb_server *start(tb_gate_fn gate, struct test_server *ts)
{
    struct tb_http_options o = {0};
    o.listen = "127.0.0.1:0";
    o.io_threads = 2;
    o.workers = 8;
    o.conn_timeout_s = 10;
    o.max_conns = 256;
    o.max_conns_per_ip = 256;
    o.conn_memory_bytes = 64 * 1024;
    o.body_max = 1024;
    o.json_max_depth = 32;
    o.routes = routes;
    o.nroutes = sizeof(routes) / sizeof(routes[0]);
    o.gate = gate;
    struct tb_server *srv = NULL;
    assert_int_equal(tb_http_start(&o, &srv), 0);
    memset(ts, 0, sizeof(*ts));
    snprintf(ts->base, sizeof(ts->base), "http://127.0.0.1:%u", tb_http_port(srv));
    return srv;
}

static void test_deny_by_default(void **state)
{
    (void)state;
    struct test_server ts;
    struct tb_server *srv = start(NULL, &ts);
    struct http_resp r;
    assert_int_equal(http_req(&ts, "GET", "/secret", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 401);
    assert_string_equal(problem_code(&r), "unauthenticated");
    resp_free(&r);
    assert_int_equal(http_req(&ts, "GET", "/open/abc", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "param")), "abc");
    resp_free(&r);
    tb_http_stop(srv);
}

static void test_gate_answers(void **state)
{
    (void)state;
    struct test_server ts;
    struct tb_server *srv = start(test_gate, &ts);
    struct http_resp r;
    gate_calls = 0;
    assert_int_equal(http_req(&ts, "GET", "/secret", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 401);
    resp_free(&r);
    const char *const clerk[] = {"X-Test-Role: clerk", NULL};
    assert_int_equal(http_req(&ts, "GET", "/secret", clerk, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    const char *const other[] = {"X-Test-Role: other", NULL};
    assert_int_equal(http_req(&ts, "GET", "/secret", other, NULL, 0, &r), 0);
    assert_int_equal(r.status, 404);
    assert_string_equal(problem_code(&r), "not_found");
    resp_free(&r);
    /* Public routes never consult the gate. */
    assert_int_equal(http_req(&ts, "GET", "/open/1", NULL, NULL, 0, &r), 0);
    resp_free(&r);
    assert_int_equal(gate_calls, 3);
    tb_http_stop(srv);
}

static void test_handler_errors(void **state)
{
    (void)state;
    struct test_server ts;
    struct tb_server *srv = start(NULL, &ts);
    struct http_resp r;
    assert_int_equal(http_req(&ts, "GET", "/conflict", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 409);
    assert_string_equal(problem_code(&r), "conflict");
    resp_free(&r);
    assert_int_equal(http_req(&ts, "GET", "/nothing", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 500);
    assert_string_equal(problem_code(&r), "internal_error");
    resp_free(&r);
    tb_http_stop(srv);
}

static void test_route_body_limit(void **state)
{
    (void)state;
    struct test_server ts;
    struct tb_server *srv = start(NULL, &ts);
    const char *const ct[] = {"Content-Type: application/json", NULL};
    struct http_resp r;
    /* 16 bytes: at the limit. */
    assert_int_equal(http_req(&ts, "POST", "/small", ct, "{\"a\":\"12345678\"}", 16, &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    assert_int_equal(http_req(&ts, "POST", "/small", ct, "{\"a\":\"123456789\"}", 17, &r), 0);
    assert_int_equal(r.status, 413);
    resp_free(&r);
    tb_http_stop(srv);
}

struct slow_arg {
    struct test_server *ts;
    long status;
};

static void *slow_client(void *p)
{
    struct slow_arg *a = p;
    struct http_resp r;
    if (http_req(a->ts, "GET", "/slow", NULL, NULL, 0, &r) == 0)
        a->status = r.status;
    resp_free(&r);
    return NULL;
}

/* Eight blocked handlers on 2 I/O threads and 8 workers are all running at
 * once (each waits for the others), and meanwhile an inline route still
 * answers: blocking handlers never hold the I/O threads. With handlers on
 * the I/O threads only 2 could ever be blocked and this would fail. */
static void test_blocking_handlers_run_on_workers(void **state)
{
    (void)state;
    struct test_server ts;
    struct tb_server *srv = start(NULL, &ts);
    pthread_t t[8];
    struct slow_arg a[8];
    hold_reset();
    for (int i = 0; i < 8; i++) {
        a[i].ts = &ts;
        a[i].status = 0;
        pthread_create(&t[i], NULL, slow_client, &a[i]);
    }
    assert_int_equal(hold_wait_arrived(8), 8);
    struct http_resp r;
    assert_int_equal(http_req(&ts, "GET", "/open/x", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    hold_release();
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(a[i].status, 200);
    }
    tb_http_stop(srv);
}

/* Stopping while handlers are running lets them finish and answer. */
static void test_stop_with_requests_in_flight(void **state)
{
    (void)state;
    struct test_server ts;
    struct tb_server *srv = start(NULL, &ts);
    pthread_t t[4];
    struct slow_arg a[4];
    hold_reset();
    for (int i = 0; i < 4; i++) {
        a[i].ts = &ts;
        a[i].status = 0;
        pthread_create(&t[i], NULL, slow_client, &a[i]);
    }
    assert_int_equal(hold_wait_arrived(4), 4);
    hold_release();
    tb_http_stop(srv);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    /* Every handler ran to its end; the stop neither hung, crashed nor leaked
     * (the ASan build checks the last two). */
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deny_by_default),
        cmocka_unit_test(test_gate_answers),
        cmocka_unit_test(test_handler_errors),
        cmocka_unit_test(test_route_body_limit),
        cmocka_unit_test(test_blocking_handlers_run_on_workers),
        cmocka_unit_test(test_stop_with_requests_in_flight),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
