/*
 * test_case_sweep.c - the platform's own moves on cases (docs/cases.md):
 * 行政许可法 §32 (an application not answered within five working days
 * counts as accepted from the day it was received) and overdue 容缺
 * materials (the case is suspended and a broken commitment is flagged;
 * supplying the material resumes it).
 *
 * Cases are made through the API of a real server; the sweep then runs in
 * this process on the same database (SQLite allows a second writer process;
 * the audit chain's head is read from the database on every append), with
 * a "today" in the future instead of waiting for it. A sweep on the real
 * date moves nothing; a second sweep moves nothing again; the audit chain
 * verifies afterwards.
 */
#include "app/app.h"
#include "calendar/calendar.h"
#include "cases/api.h"
#include "harness.h"
#include "lib/config.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/keys.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define DEMO_PASSWORD "Demo-Pass-2026"
#define ITEM          "11500100MB01000285010130001000" /* 企业设立登记, class B, hengxin's sample */
#define MISSING_IDX   5 /* 住所（经营场所）使用证明: allows 容缺 */

static struct test_server srv;
static struct tb_client hengxin, window01, auditadmin;
static char upload_id[64];

/* POST /api/v1/cases for hengxin with the demo sample, leaving out material
 * skip (or none when skip < 0); the case id into id. */
static void submit(const char *key, int skip, char *id, size_t cap)
{
    char body[2048], idem[80], mats[600] = "";
    static const int idx[] = {0, 1, 4, 5};
    for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
        if (idx[i] == skip)
            continue;
        size_t l = strlen(mats);
        snprintf(mats + l, sizeof(mats) - l, "%s{\"index\":%d,\"upload\":\"%s\"}", l ? "," : "",
                 idx[i], upload_id);
    }
    snprintf(body, sizeof(body),
             "{\"item\":\"" ITEM "\",\"values\":{\"company_name\":\"示范扫描测试有限公司\","
             "\"company_type\":\"llc\",\"domicile\":\"示范区滨江路1号\","
             "\"registered_capital_fen\":100000000,\"legal_rep_name\":\"王恒信\","
             "\"legal_rep_id\":\"110101199003074258\",\"business_scope\":\"软件开发\","
             "\"phone\":\"13900139000\",\"email\":\"a@hengxin.example.cn\"},\"materials\":[%s]}",
             mats);
    snprintf(idem, sizeof(idem), "Idempotency-Key: sweep-%s", key);
    const char *const h[] = {idem, NULL};
    struct http_resp r;
    assert_int_equal(client_req(&srv, &hengxin, "POST", "/api/v1/cases", body, 0, h, &r), 0);
    if (r.status != 201)
        fail_msg("submit: %ld %s", r.status, r.body);
    snprintf(id, cap, "%s", json_string_value(json_object_get(r.json, "id")));
    resp_free(&r);
}

/* GET the case as c into *out (200 asserted). */
static void get_case(const struct tb_client *c, const char *id, struct http_resp *out)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/cases/%s", id);
    assert_int_equal(client_req(&srv, c, "GET", path, NULL, 0, NULL, out), 0);
    if (out->status != 200)
        fail_msg("get %s: %ld %s", id, out->status, out->body);
}

static long act(const struct tb_client *c, const char *id, const char *body)
{
    struct http_resp r;
    get_case(c, id, &r);
    char path[128], match[64];
    snprintf(match, sizeof(match), "If-Match: \"%lld\"",
             (long long)json_integer_value(json_object_get(r.json, "etag")));
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/cases/%s/transitions", id);
    const char *const h[] = {match, NULL};
    assert_int_equal(client_req(&srv, c, "POST", path, body, 0, h, &r), 0);
    long status = r.status;
    if (status != 200)
        print_message("%s -> %ld %s\n", body, r.status, r.body);
    resp_free(&r);
    return status;
}

static const char *state_of(const struct tb_client *c, const char *id)
{
    static char state[32];
    struct http_resp r;
    get_case(c, id, &r);
    snprintf(state, sizeof(state), "%s", json_string_value(json_object_get(r.json, "state")));
    resp_free(&r);
    return state;
}

/* The sweep in this process, on the server's data directory. */
static int sweep(const char *today, int *moved)
{
    struct tb_app app;
    memset(&app, 0, sizeof(app));
    tb_config_defaults(&app.cfg);
    char keydir[300];
    snprintf(keydir, sizeof(keydir), "%s/keys", srv.data);
    snprintf(app.cfg.data, sizeof(app.cfg.data), "%s", srv.data);
    snprintf(app.cfg.database, sizeof(app.cfg.database), "%s", srv.db);
    assert_int_equal(tb_app_open_db(&app.cfg, &app.db), 0);
    assert_int_equal(tb_app_load_calendar(&app.calendar), 0);
    assert_int_equal(tb_keys_load(keydir, &app.keys), 0);
    app.audit.head_mac_key = app.keys.audit_mac;
    app.audit.sign_key = app.keys.audit_sign;
    app.audit.verify_key = app.keys.audit_sign;
    app.audit.checkpoint_every = 1000;
    int rc = cases_sweep(&app, today, moved);
    tb_db_close(app.db);
    calendar_free(app.calendar);
    tb_keys_free(&app.keys);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    if (tb_crypto_init() != 0 || server_start(&srv, true, NULL) != 0)
        return -1;
    if (client_login(&srv, "hengxin", DEMO_PASSWORD, &hengxin, NULL) != 200 ||
        client_login(&srv, "window01", DEMO_PASSWORD, &window01, NULL) != 200 ||
        client_login(&srv, "auditadmin", DEMO_PASSWORD, &auditadmin, NULL) != 200)
        return -1;
    static const char doc[] = "%PDF-1.4\n% sweep test\n%%EOF\n";
    char cookie[200], csrf[160];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", hengxin.cookie);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", hengxin.csrf);
    const char *const h[] = {cookie, csrf, "Content-Type: application/octet-stream", NULL};
    struct http_resp r;
    if (http_req(&srv, "POST", "/api/v1/uploads", h, doc, sizeof(doc) - 1, &r) != 0 ||
        (r.status != 201 && r.status != 200))
        return -1;
    snprintf(upload_id, sizeof(upload_id), "%s", json_string_value(json_object_get(r.json, "id")));
    resp_free(&r);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return server_stop(&srv);
}

static void test_sweep(void **state)
{
    (void)state;
    char unanswered[64], missing[64], answered[64];
    submit("unanswered", -1, unanswered, sizeof(unanswered));
    submit("missing", MISSING_IDX, missing, sizeof(missing));
    submit("answered", -1, answered, sizeof(answered));
    assert_int_equal(
        act(&window01, missing, "{\"action\":\"accept_with_missing\",\"missing\":[5],\"days\":3}"),
        200);
    assert_int_equal(act(&window01, answered, "{\"action\":\"accept\"}"), 200);

    /* Today nothing is due. */
    int moved = -1;
    assert_int_equal(sweep("2026-11-24", &moved), 0);
    assert_int_equal(moved, 0);
    assert_string_equal(state_of(&hengxin, unanswered), "submitted");

    /* Weeks later: the unanswered application counts as accepted from its
     * receipt; the 容缺 case is suspended; the answered one is left alone. */
    assert_int_equal(sweep("2026-12-28", &moved), 0);
    assert_int_equal(moved, 2);
    assert_int_equal(sweep("2026-12-28", &moved), 0);
    assert_int_equal(moved, 0);

    struct http_resp r;
    get_case(&window01, unanswered, &r);
    assert_string_equal(json_string_value(json_object_get(r.json, "state")), "accepted");
    assert_string_equal(json_string_value(json_object_get(r.json, "accepted_at")),
                        json_string_value(json_object_get(r.json, "submitted_at")));
    assert_non_null(json_string_value(json_object_get(r.json, "promised_due")));
    json_t *notices = json_object_get(r.json, "notices");
    assert_int_equal(json_array_size(notices), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(notices, 0), "kind")),
                        "acceptance");
    resp_free(&r);
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/cases/%s/events", unanswered);
    assert_int_equal(client_req(&srv, &hengxin, "GET", path, NULL, 0, NULL, &r), 0);
    json_t *ev = json_array_get(json_object_get(r.json, "events"), 1);
    assert_string_equal(json_string_value(json_object_get(ev, "action")), "auto_accept");
    assert_string_equal(json_string_value(json_object_get(ev, "role")), "system");
    assert_non_null(strstr(json_string_value(json_object_get(ev, "reason")), "第三十二条"));
    resp_free(&r);

    get_case(&window01, missing, &r);
    assert_string_equal(json_string_value(json_object_get(r.json, "state")), "suspended");
    json_t *flags = json_object_get(r.json, "flags");
    assert_int_equal(json_array_size(flags), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(flags, 0), "kind")),
                        "broken_commitment");
    json_t *susp = json_array_get(json_object_get(r.json, "suspensions"), 0);
    assert_string_equal(json_string_value(json_object_get(susp, "kind")), "missing_overdue");
    resp_free(&r);
    /* the applicant does not see supervision flags */
    get_case(&hengxin, missing, &r);
    assert_null(json_object_get(r.json, "flags"));
    resp_free(&r);
    assert_string_equal(state_of(&hengxin, answered), "accepted");

    /* Supplying the material resumes the case where it was. */
    char body[200];
    snprintf(body, sizeof(body),
             "{\"action\":\"supplement\",\"materials\":[{\"index\":5,\"upload\":\"%s\"}]}",
             upload_id);
    assert_int_equal(act(&hengxin, missing, body), 200);
    assert_string_equal(state_of(&hengxin, missing), "accepted");
    get_case(&window01, missing, &r);
    susp = json_array_get(json_object_get(r.json, "suspensions"), 0);
    assert_true(json_is_string(json_object_get(susp, "ended_at")));
    resp_free(&r);

    /* The sweep's events are in the one audit chain, which verifies. */
    assert_int_equal(
        client_req(&srv, &auditadmin, "GET", "/api/v1/audit/verify", NULL, 0, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    if (!json_is_true(json_object_get(r.json, "intact")))
        fail_msg("audit chain: %s", r.body);
    resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
