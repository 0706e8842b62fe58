/*
 * test_case_clock.c - deadlines, warnings and calendar changes through the
 * API (docs/cases.md "Deadlines and warnings"), against build/tongban-test
 * whose test clock moves the business date.
 *
 * A case accepted today is green; on the day it turns yellow the sweep
 * makes it yellow and tells the step's handlers and their superiors; after
 * the due date it is red, then severe, and the staff queue puts it first. A
 * suspension stops the clock: both dates move by the working days it
 * lasted, the ledger says how many. An extension moves them by its length
 * and keeps the originals. An administrator's calendar change recomputes
 * open cases and leaves an event on each one it moved. Dates are checked
 * against the public calendar API, not against numbers written here.
 */
#include "harness.h"

#include <jansson.h>
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
#define ITEM_SETUP    "11500100MB01000285010130001000" /* 3 promised days, steps L1, L2, L3 */
#define ITEM_CANCEL   "11500100MB01000285010130004000" /* lists 公示 (publication) */

static struct test_server srv;
static struct tb_client hengxin, window01, reviewer01, decider01, director01, sysadmin;
static json_t *samples;
static char pdf[64];

struct kase {
    char id[40], no[24];
    long long etag;
};

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

/* The test clock and the sweep need no session. */
static long raw(const char *method, const char *path, const char *body, struct http_resp *r)
{
    const char *h[] = {"Content-Type: application/json", NULL};
    assert_int_equal(http_req(&srv, method, path, h, body, body ? strlen(body) : 0, r), 0);
    return r->status;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static void expect(const struct http_resp *r, long want, const char *what)
{
    if (r->status != want)
        fail_msg("%s: %ld %s (want %ld)", what, r->status, r->body, want);
}

static void set_today(const char *date)
{
    char body[64];
    struct http_resp r;
    snprintf(body, sizeof(body), "{\"today\":\"%s\"}", date);
    raw("PUT", "/api/v1/test/clock", body, &r);
    expect(&r, 200, "PUT /api/v1/test/clock");
    resp_free(&r);
}

static void sweep(void)
{
    struct http_resp r;
    raw("POST", "/api/v1/test/sweep", NULL, &r);
    expect(&r, 200, "POST /api/v1/test/sweep");
    resp_free(&r);
}

/* n working days after from, by the public calendar API. */
static void workdays_after(const char *from, int n, char out[16])
{
    char path[96];
    struct http_resp r;
    snprintf(path, sizeof(path), "/api/v1/calendar/add?from=%s&workdays=%d", from, n);
    raw("GET", path, NULL, &r);
    expect(&r, 200, path);
    snprintf(out, 16, "%s", str(r.json, "date"));
    resp_free(&r);
}

static void day_after(const char *d, char out[16])
{
    struct tm t = {0};
    assert_non_null(strptime(d, "%Y-%m-%d", &t));
    t.tm_mday++;
    t.tm_hour = 12;
    time_t x = timegm(&t);
    gmtime_r(&x, &t);
    strftime(out, 16, "%Y-%m-%d", &t);
}

static void get_case(const struct tb_client *c, const struct kase *k, struct http_resp *r)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/cases/%s", k->id);
    req(c, "GET", path, NULL, NULL, r);
    expect(r, 200, "GET case");
}

static void act(const struct tb_client *c, struct kase *k, json_t *body, const char *state,
                struct http_resp *r)
{
    char path[96], ifm[48];
    snprintf(path, sizeof(path), "/api/v1/cases/%s/transitions", k->id);
    snprintf(ifm, sizeof(ifm), "If-Match: \"%lld\"", k->etag);
    req(c, "POST", path, body, ifm, r);
    expect(r, 200, path);
    assert_string_equal(str(r->json, "state"), state);
    k->etag = json_integer_value(json_object_get(r->json, "etag"));
}

static void act_free(const struct tb_client *c, struct kase *k, json_t *body, const char *state)
{
    struct http_resp r;
    act(c, k, body, state, &r);
    resp_free(&r);
}

static void submit(const char *code, struct kase *k)
{
    size_t i;
    json_t *a, *body = NULL;
    json_array_foreach(samples, i, a)
    {
        if (strcmp(str(a, "impl_code"), code) != 0)
            continue;
        json_t *mats = json_array();
        size_t j;
        json_t *m;
        json_array_foreach(json_object_get(a, "materials"), j, m) json_array_append_new(
            mats, json_pack("{s:O,s:s}", "index", json_object_get(m, "index"), "upload", pdf));
        body = json_pack("{s:s,s:O,s:o}", "item", code, "values", json_object_get(a, "values"),
                         "materials", mats);
    }
    assert_non_null(body);
    static int n;
    char key[80];
    snprintf(key, sizeof(key), "Idempotency-Key: clock-%d-%ld", ++n, (long)time(NULL));
    struct http_resp r;
    req(&hengxin, "POST", "/api/v1/cases", body, key, &r);
    expect(&r, 201, "POST /api/v1/cases");
    snprintf(k->id, sizeof(k->id), "%s", str(r.json, "id"));
    snprintf(k->no, sizeof(k->no), "%s", str(r.json, "case_no"));
    k->etag = json_integer_value(json_object_get(r.json, "etag"));
    resp_free(&r);
}

static json_t *deadlines(const struct http_resp *r)
{
    json_t *d = json_object_get(r->json, "deadlines");
    assert_true(json_is_object(d));
    return d;
}

/* The warning of case k in c's queue (NULL: not listed). */
static const char *listed_warning(const struct tb_client *c, const struct kase *k, bool *first)
{
    static char w[16];
    struct http_resp r;
    req(c, "GET", "/api/v1/cases?queue=work&limit=100", NULL, NULL, &r);
    expect(&r, 200, "work queue");
    json_t *list = json_object_get(r.json, "cases"), *row;
    size_t i;
    const char *found = NULL;
    json_array_foreach(list, i, row) if (strcmp(str(row, "id"), k->id) == 0)
    {
        snprintf(w, sizeof(w), "%s", str(row, "warning"));
        found = w;
        if (first)
            *first = i == 0;
    }
    /* the queue is sorted by warning level, worst first */
    static const char *const order[] = {"green", "yellow", "red", "severe"};
    int last = 4;
    json_array_foreach(list, i, row)
    {
        int lvl = 0;
        while (lvl < 4 && strcmp(order[lvl], str(row, "warning")) != 0)
            lvl++;
        assert_true(lvl < 4);
        assert_true(lvl <= last);
        last = lvl;
    }
    resp_free(&r);
    return found;
}

/* Whether c has a warning message naming case_no. */
static bool warned(const struct tb_client *c, const char *case_no)
{
    struct http_resp r;
    req(c, "GET", "/api/v1/me/notifications?limit=100", NULL, NULL, &r);
    expect(&r, 200, "my notifications");
    bool found = false;
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(r.json, "notifications"), i, n) found |=
        strcmp(str(n, "kind"), "warning") == 0 && strstr(str(n, "body"), case_no) != NULL;
    resp_free(&r);
    return found;
}

static int setup(void **state)
{
    (void)state;
    /* this test needs the test clock: tongban-test beside tongban */
    const char *b = getenv("TB_BIN");
    static char bin[1024];
    snprintf(bin, sizeof(bin), "%s-test", b && *b ? b : "build/tongban");
    setenv("TB_BIN", bin, 1);
    json_t *all = json_load_file(SAMPLES, 0, NULL);
    samples = json_incref(json_object_get(all, "applications"));
    json_decref(all);
    if (!json_is_array(samples) || server_start(&srv, true, NULL) != 0)
        return -1;
    struct {
        const char *name;
        struct tb_client *c;
    } who[] = {{"hengxin", &hengxin},     {"window01", &window01},     {"reviewer01", &reviewer01},
               {"decider01", &decider01}, {"director01", &director01}, {"sysadmin", &sysadmin}};
    for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++)
        if (client_login(&srv, who[i].name, DEMO_PASSWORD, who[i].c, NULL) != 200)
            return -1;
    static const char bytes[] = "%PDF-1.4\n% clock test\n%%EOF\n";
    char cookie[200], csrf[160];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", hengxin.cookie);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", hengxin.csrf);
    const char *h[] = {cookie, csrf, "Content-Type: application/octet-stream", "X-File-Name: a.pdf",
                       NULL};
    struct http_resp r;
    if (http_req(&srv, "POST", "/api/v1/uploads", h, bytes, strlen(bytes), &r) != 0)
        return -1;
    snprintf(pdf, sizeof(pdf), "%s", str(r.json, "id"));
    resp_free(&r);
    return pdf[0] ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(samples);
    return server_stop(&srv);
}

/* ---- green, yellow, red, severe ---------------------------------------------------------- */

static void test_warning_levels(void **state)
{
    (void)state;
    struct kase k;
    struct http_resp r;
    char today[16], accepted[16];
    time_t now = time(NULL) + 8 * 3600;
    strftime(today, sizeof(today), "%Y-%m-%d", gmtime(&now));
    set_today(today);
    submit(ITEM_SETUP, &k);
    get_case(&hengxin, &k, &r);
    assert_true(json_is_null(json_object_get(r.json, "deadlines")));
    resp_free(&r);
    act(&window01, &k, json_pack("{s:s}", "action", "accept"), "accepted", &r);
    json_t *d = deadlines(&r);
    snprintf(accepted, sizeof(accepted), "%s", today);
    /* RULE: SPEC §5 working days from the day after acceptance */
    char due[16], yellow[16], severe[16], red[16];
    workdays_after(accepted, (int)json_integer_value(json_object_get(d, "promised_days")), due);
    assert_string_equal(str(d, "starts"), "next_day");
    assert_string_equal(str(d, "promised_due"), due);
    assert_string_equal(str(d, "promised_due_original"), due);
    assert_string_equal(str(d, "warning"), "green");
    assert_true(json_integer_value(json_object_get(d, "remaining_workdays")) >= 1);
    assert_true(json_is_true(json_object_get(d, "running")));
    snprintf(yellow, sizeof(yellow), "%s", str(d, "yellow_on"));
    snprintf(severe, sizeof(severe), "%s", str(d, "severe_on"));
    resp_free(&r);
    /* the step after 受理 is 审查 (level 2): its due date is its limit on */
    get_case(&reviewer01, &k, &r);
    json_t *step = json_array_get(json_object_get(r.json, "steps"), 1);
    workdays_after(accepted, (int)json_integer_value(json_object_get(step, "limit_days")), due);
    assert_string_equal(str(step, "due"), due);
    /* a one-day step has one working day left from the start: yellow at once */
    assert_int_equal(json_integer_value(json_object_get(step, "limit_days")), 1);
    assert_string_equal(str(step, "warning"), "yellow");
    resp_free(&r);
    assert_string_equal(listed_warning(&reviewer01, &k, NULL), "green");

    /* RULE: SPEC §16 yellow at 90% of the limit or one working day left */
    set_today(yellow);
    sweep();
    get_case(&reviewer01, &k, &r);
    d = deadlines(&r);
    assert_string_equal(str(d, "warning"), "yellow");
    assert_string_equal(str(r.json, "warning"), "yellow");
    assert_true(json_integer_value(json_object_get(d, "remaining_workdays")) <= 1);
    resp_free(&r);
    assert_string_equal(listed_warning(&reviewer01, &k, NULL), "yellow");
    /* the handler (level 2) and the superior (level 3) are told, level 4 not */
    assert_true(warned(&reviewer01, k.no));
    assert_true(warned(&decider01, k.no));
    assert_false(warned(&director01, k.no));
    /* a second sweep the same day changes nothing */
    struct http_resp sr;
    raw("POST", "/api/v1/test/sweep", NULL, &sr);
    expect(&sr, 200, "sweep again");
    assert_int_equal(json_integer_value(json_object_get(sr.json, "warned")), 0);
    resp_free(&sr);

    /* red the day after the promised date */
    get_case(&reviewer01, &k, &r);
    day_after(str(deadlines(&r), "promised_due"), red);
    resp_free(&r);
    set_today(red);
    sweep();
    get_case(&reviewer01, &k, &r);
    assert_string_equal(str(deadlines(&r), "warning"), "red");
    assert_true(json_integer_value(json_object_get(deadlines(&r), "remaining_workdays")) <=
                0); /* 0 on a weekend right after the due date */
    resp_free(&r);
    /* severe: overdue by more than the limit again; first in the queue */
    set_today(severe);
    sweep();
    bool first = false;
    assert_string_equal(listed_warning(&reviewer01, &k, &first), "severe");
    assert_true(first);
    req(&reviewer01, "GET", "/api/v1/cases?warning=severe", NULL, NULL, &r);
    expect(&r, 200, "filter severe");
    assert_true(json_array_size(json_object_get(r.json, "cases")) >= 1);
    resp_free(&r);
    req(&reviewer01, "GET", "/api/v1/cases?warning=purple", NULL, NULL, &r);
    expect(&r, 422, "bad warning filter");
    resp_free(&r);

    /* an extension (level above the step's) moves both dates, keeps the
     * originals, and can bring the level down at once */
    get_case(&reviewer01, &k, &r);
    char promised[16], legal[16], orig[16];
    snprintf(promised, sizeof(promised), "%s", str(deadlines(&r), "promised_due"));
    snprintf(legal, sizeof(legal), "%s", str(deadlines(&r), "legal_due"));
    snprintf(orig, sizeof(orig), "%s", str(deadlines(&r), "promised_due_original"));
    resp_free(&r);
    act(&decider01, &k,
        json_pack("{s:s,s:i,s:s}", "action", "extend", "days", 10, "reason", "需补充核查"),
        "accepted", &r);
    d = deadlines(&r);
    workdays_after(promised, 10, due);
    assert_string_equal(str(d, "promised_due"), due);
    workdays_after(legal, 10, due);
    assert_string_equal(str(d, "legal_due"), due);
    assert_string_equal(str(d, "promised_due_original"), orig);
    assert_int_equal(json_integer_value(json_object_get(d, "extended_days")), 10);
    json_t *ext = json_array_get(json_object_get(r.json, "extensions"), 0);
    assert_int_equal(json_integer_value(json_object_get(ext, "days")), 10);
    assert_string_equal(str(ext, "promised_due_before"), promised);
    assert_string_equal(str(ext, "reason"), "需补充核查");
    resp_free(&r);
    set_today(today);
}

/* ---- a suspension stops the clock ----------------------------------------------------------- */

static void test_suspension_moves_dates(void **state)
{
    (void)state;
    struct kase k;
    struct http_resp r;
    char today[16], later[16];
    time_t now = time(NULL) + 8 * 3600;
    strftime(today, sizeof(today), "%Y-%m-%d", gmtime(&now));
    set_today(today);
    submit(ITEM_CANCEL, &k);
    act(&window01, &k, json_pack("{s:s}", "action", "accept"), "accepted", &r);
    char promised[16], legal[16];
    snprintf(promised, sizeof(promised), "%s", str(deadlines(&r), "promised_due"));
    snprintf(legal, sizeof(legal), "%s", str(deadlines(&r), "legal_due"));
    resp_free(&r);
    act_free(&reviewer01, &k,
             json_pack("{s:s,s:s,s:s}", "action", "suspend", "procedure", "publication", "reason",
                       "注销公告期"),
             "suspended");
    /* seven working days later the clock starts again */
    workdays_after(today, 7, later);
    set_today(later);
    act(&reviewer01, &k, json_pack("{s:s}", "action", "resume"), "accepted", &r);
    json_t *d = deadlines(&r);
    char due[16];
    workdays_after(promised, 7, due);
    assert_string_equal(str(d, "promised_due"), due);
    workdays_after(legal, 7, due);
    assert_string_equal(str(d, "legal_due"), due);
    assert_int_equal(json_integer_value(json_object_get(d, "suspended_workdays")), 7);
    assert_string_equal(str(d, "promised_due_original"), promised);
    json_t *s = json_array_get(json_object_get(r.json, "suspensions"), 0);
    assert_int_equal(json_integer_value(json_object_get(s, "workdays")), 7);
    assert_string_equal(str(s, "kind_zh"), "公示");
    resp_free(&r);
    /* the resume event has the dates before and after */
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/cases/%s/events", k.id);
    req(&hengxin, "GET", path, NULL, NULL, &r);
    json_t *ev, *resume = NULL;
    size_t i;
    json_array_foreach(json_object_get(r.json, "events"), i,
                       ev) if (strcmp(str(ev, "action"), "resume") == 0) resume = ev;
    assert_non_null(resume);
    assert_string_equal(str(json_object_get(resume, "data"), "promised_due_before"), promised);
    resp_free(&r);
    set_today(today);
}

/* ---- an administrator changes the calendar -----------------------------------------------------
 */

static void test_calendar_change(void **state)
{
    (void)state;
    struct kase k;
    struct http_resp r;
    char today[16];
    time_t now = time(NULL) + 8 * 3600;
    strftime(today, sizeof(today), "%Y-%m-%d", gmtime(&now));
    set_today(today);
    submit(ITEM_SETUP, &k);
    act(&window01, &k, json_pack("{s:s}", "action", "accept"), "accepted", &r);
    char promised[16], first[16];
    snprintf(promised, sizeof(promised), "%s", str(deadlines(&r), "promised_due"));
    resp_free(&r);
    workdays_after(today, 1, first);

    /* only a system administrator, and only a valid file */
    struct http_resp src;
    raw("GET", "/api/v1/calendar/source", NULL, &src);
    expect(&src, 200, "GET calendar source");
    assert_non_null(strstr(src.body, "year,"));
    req(&reviewer01, "PUT", "/api/v1/calendar/source",
        json_pack("{s:s,s:s}", "text", src.body, "reason", "x"), NULL, &r);
    expect(&r, 403, "reviewer edits the calendar");
    resp_free(&r);
    req(&sysadmin, "PUT", "/api/v1/calendar/source",
        json_pack("{s:s,s:s}", "text", "year,2026,official,x\nnot a line\n", "reason", "坏文件"),
        NULL, &r);
    expect(&r, 422, "a broken calendar");
    assert_non_null(strstr(r.body, "line"));
    resp_free(&r);

    /* the first working day after acceptance becomes a day off (an amended
     * notice): the open case's dates move one working day later */
    size_t n = src.len + 200;
    char *text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "%s%s,off,劳动节,国务院办公厅通知（测试补充）\n", src.body, first);
    resp_free(&src);
    req(&sysadmin, "PUT", "/api/v1/calendar/source",
        json_pack("{s:s,s:s}", "text", text, "reason", "国务院办公厅补充通知"), NULL, &r);
    free(text);
    if (r.status != 200) {
        /* a weekday off must belong to a holiday period the file allows;
         * the answer names the line */
        fail_msg("calendar change: %ld %s", r.status, r.body);
    }
    assert_true(json_integer_value(json_object_get(r.json, "cases_moved")) >= 1);
    resp_free(&r);
    raw("GET", "/api/v1/calendar/days/2026-01-01", NULL, &r);
    resp_free(&r);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/calendar/days/%s", first);
    raw("GET", path, NULL, &r);
    assert_false(json_is_true(json_object_get(r.json, "workday")));
    resp_free(&r);
    get_case(&hengxin, &k, &r);
    char due[16];
    workdays_after(today, (int)json_integer_value(json_object_get(deadlines(&r), "promised_days")),
                   due);
    assert_string_equal(str(deadlines(&r), "promised_due"), due);
    assert_true(strcmp(due, promised) > 0);
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/cases/%s/events", k.id);
    req(&hengxin, "GET", path, NULL, NULL, &r);
    json_t *ev, *moved = NULL;
    size_t i;
    json_array_foreach(json_object_get(r.json, "events"), i,
                       ev) if (strcmp(str(ev, "action"), "recompute_deadlines") == 0) moved = ev;
    assert_non_null(moved);
    assert_string_equal(str(json_object_get(moved, "data"), "promised_due_before"), promised);
    resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_warning_levels),
        cmocka_unit_test(test_suspension_moves_dates),
        cmocka_unit_test(test_calendar_change),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
