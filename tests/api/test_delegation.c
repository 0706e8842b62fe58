/*
 * test_delegation.c - those who act for someone else, end to end:
 * API clients (secret shown once, bearer authentication, scopes, disable)
 * and agents (代办: a grant, X-On-Behalf-Of naming both in the audit log,
 * only the grant's agent may use it, revocation by either party).
 */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

static struct test_server srv;

struct who {
    char cookie[128]; /* "Cookie: tb_session=..." */
    char csrf[128];   /* "X-CSRF-Token: ..." */
};

static int setup(void **state)
{
    (void)state;
    return server_start(&srv, true, NULL);
}

static int teardown(void **state)
{
    (void)state;
    return server_stop(&srv) == 0 ? 0 : -1;
}

static void login(const char *user, struct who *w)
{
    char body[128];
    snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"Demo-Pass-2026\"}", user);
    const char *const ct[] = {"Content-Type: application/json", NULL};
    struct http_resp r;
    assert_int_equal(http_req(&srv, "POST", "/api/v1/sessions", ct, body, (size_t)-1, &r), 0);
    assert_int_equal(r.status, 200);
    const char *sc = resp_header(&r, "Set-Cookie");
    assert_non_null(sc);
    const char *semi = strchr(sc, ';');
    snprintf(w->cookie, sizeof(w->cookie), "Cookie: %.*s", (int)(semi - sc), sc);
    snprintf(w->csrf, sizeof(w->csrf), "X-CSRF-Token: %s",
             json_string_value(json_object_get(r.json, "csrf_token")));
    resp_free(&r);
}

/* A request as w, with JSON content type and extra header (or NULL). */
static void as(const struct who *w, const char *method, const char *path, const char *extra,
               const char *body, struct http_resp *r)
{
    const char *h[5] = {w->cookie, w->csrf, "Content-Type: application/json", extra, NULL};
    assert_int_equal(http_req(&srv, method, path, h, body, body ? (size_t)-1 : 0, r), 0);
}

static void test_api_clients(void **state)
{
    (void)state;
    struct who admin, clerk;
    struct http_resp r;
    login("sysadmin", &admin);
    as(&admin, "POST", "/api/v1/api-clients", NULL,
       "{\"name\":\"市场监管业务系统\",\"scopes\":[\"licence.query\"]}", &r);
    assert_int_equal(r.status, 201);
    char bearer[256], wrong[256];
    snprintf(bearer, sizeof(bearer), "Authorization: Bearer %s.%s",
             json_string_value(json_object_get(r.json, "client_id")),
             json_string_value(json_object_get(r.json, "secret")));
    snprintf(wrong, sizeof(wrong), "%.*sAAAA", (int)strlen(bearer) - 4, bearer);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    resp_free(&r);

    /* The secret is never shown again. */
    as(&admin, "GET", "/api/v1/api-clients", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "secret"));
    resp_free(&r);

    const char *const hb[] = {bearer, NULL};
    assert_int_equal(http_req(&srv, "GET", "/api/v1/me", hb, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "licence.query"));
    resp_free(&r);
    const char *const hw[] = {wrong, NULL};
    assert_int_equal(http_req(&srv, "GET", "/api/v1/me", hw, NULL, 0, &r), 0);
    assert_int_equal(r.status, 401);
    resp_free(&r);
    /* A client holds exactly its scopes: no staff administration. */
    assert_int_equal(http_req(&srv, "GET", "/api/v1/staff", hb, NULL, 0, &r), 0);
    assert_int_equal(r.status, 403);
    resp_free(&r);

    /* Scopes a client may not hold, and bad input. */
    as(&admin, "POST", "/api/v1/api-clients", NULL,
       "{\"name\":\"x\",\"scopes\":[\"staff.manage\"]}", &r);
    assert_int_equal(r.status, 422);
    assert_string_equal(json_string_value(json_object_get(r.json, "field")), "scopes");
    resp_free(&r);
    as(&admin, "POST", "/api/v1/api-clients", NULL, "{\"name\":\"x\",\"scopes\":[]}", &r);
    assert_int_equal(r.status, 422);
    resp_free(&r);

    /* Only the system administrator manages clients. */
    login("window01", &clerk);
    as(&clerk, "GET", "/api/v1/api-clients", NULL, NULL, &r);
    assert_int_equal(r.status, 403);
    resp_free(&r);

    /* Disabled: the secret stops working at once. */
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/api-clients/%lld", id);
    as(&admin, "PATCH", path, NULL, "{\"status\":\"disabled\"}", &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    assert_int_equal(http_req(&srv, "GET", "/api/v1/me", hb, NULL, 0, &r), 0);
    assert_int_equal(r.status, 401);
    resp_free(&r);
    as(&admin, "PATCH", "/api/v1/api-clients/999999", NULL, "{\"status\":\"disabled\"}", &r);
    assert_int_equal(r.status, 404);
    resp_free(&r);
}

/* A date 30 days from now (the grant must end within a year). */
static void date_in_30_days(char out[11])
{
    time_t t = time(NULL) + 30 * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void test_agents(void **state)
{
    (void)state;
    char until[11], body[160];
    date_in_30_days(until);
    struct who zhang, li, heng, auditor;
    struct http_resp r;
    login("zhangsan", &zhang);
    login("lisi", &li);
    login("hengxin", &heng);

    /* 张三 authorises 李四. */
    as(&zhang, "POST", "/api/v1/me/agents", NULL,
       "{\"agent_username\":\"lisi\",\"scope\":\"apply\",\"valid_until\":\"2099-01-01\"}", &r);
    assert_int_equal(r.status, 422); /* more than a year ahead */
    assert_string_equal(json_string_value(json_object_get(r.json, "field")), "valid_until");
    resp_free(&r);
    snprintf(body, sizeof(body),
             "{\"agent_username\":\"nobody\",\"scope\":\"apply\",\"valid_until\":\"%s\"}", until);
    as(&zhang, "POST", "/api/v1/me/agents", NULL, body, &r);
    assert_int_equal(r.status, 422);
    resp_free(&r);
    snprintf(body, sizeof(body),
             "{\"agent_username\":\"lisi\",\"scope\":\"apply\",\"valid_until\":\"%s\"}", until);
    as(&zhang, "POST", "/api/v1/me/agents", NULL, body, &r);
    assert_int_equal(r.status, 201);
    char grant[64], acting[96];
    snprintf(grant, sizeof(grant), "%s", json_string_value(json_object_get(r.json, "id")));
    snprintf(acting, sizeof(acting), "X-On-Behalf-Of: %s", grant);
    resp_free(&r);

    /* The agent acts for 张三; /me names both. */
    as(&li, "GET", "/api/v1/me", acting, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r.json, "acting_for"), "name")), "张三");
    assert_null(strstr(r.body, "19491231")); /* masked, never the birth date */
    resp_free(&r);
    /* Someone else cannot use the grant. */
    as(&heng, "GET", "/api/v1/me", acting, NULL, &r);
    assert_int_equal(r.status, 403);
    resp_free(&r);

    /* Both see it; a third party cannot revoke it (404, as if absent). */
    as(&li, "GET", "/api/v1/me/agents", NULL, NULL, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "held")), 1);
    resp_free(&r);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/me/agents/%s", grant);
    as(&heng, "DELETE", path, NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    resp_free(&r);
    as(&zhang, "DELETE", path, NULL, NULL, &r);
    assert_int_equal(r.status, 204);
    resp_free(&r);
    as(&li, "GET", "/api/v1/me", acting, NULL, &r);
    assert_int_equal(r.status, 403);
    resp_free(&r);

    /* The audit log names both parties of the grant. */
    login("auditadmin", &auditor);
    as(&auditor, "GET", "/api/v1/audit/events?action=agent.grant", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *ev = json_array_get(json_object_get(r.json, "events"), 0);
    assert_non_null(ev);
    assert_string_equal(json_string_value(json_object_get(ev, "object_id")), grant);
    resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_clients),
        cmocka_unit_test(test_agents),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
