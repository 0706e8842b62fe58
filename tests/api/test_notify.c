/*
 * test_notify.c - notifications end to end (docs/cases.md "Notifications"):
 * a case's state changes reach its applicant as in-app messages (the
 * submission: 已提交, waiting for acceptance; the acceptance: 已受理), newest
 * first, with the case's number; nobody else sees them or can mark them;
 * marking by ids and all, audited; bad queries and bodies are problems; an
 * agent hears of the case they applied for. The SMS and WeChat copies are
 * queued in the same write and sent by notify_outbox_run, called here in
 * this process on the server's data directory (as test_case_sweep.c runs
 * the sweep): DATA/outbox/sms.log holds the masked phone and never the
 * full one, and a gateway that keeps failing is given up after five tries.
 */
#include "app/app.h"
#include "harness.h"
#include "lib/config.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/keys.h"
#include "notify/notify.h"

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

#define DEMO_PASSWORD "Demo-Pass-2026"
/* 出生登记 (示范区公安分局): zhangsan's sample, no materials */
#define ITEM_BIRTH   "11500107MB0200109K070106002000"
#define ITEM_NAME    "出生登记"
#define ZHANG_PHONE  "13800138000" /* data/demo/README.md */
#define ZHANG_ID     "11010519491231002X"
#define PROBLEM_TYPE "application/problem+json"
#define BIRTH_SAMPLE                                                                                 \
    "{\"item\":\"" ITEM_BIRTH "\",\"values\":{\"applicant_name\":\"张三\",\"id_number\":"          \
    "\"" ZHANG_ID "\",\"phone\":\"" ZHANG_PHONE "\",\"baby_name\":\"张小满\",\"baby_sex\":\"f\"," \
    "\"birth_date\":\"2026-01-08\",\"birth_cert_no\":\"Y500123456\"},\"materials\":[]}"

static struct test_server srv;
static struct tb_client zhangsan, lisi, window01, auditadmin;

/* The case the tests follow. */
static struct {
    char id[40], no[24];
    long long etag;
} kase;

/* ---- helpers ------------------------------------------------------------------------------ */

static long req(const struct tb_client *c, const char *method, const char *path, const char *body,
                const char *header, struct http_resp *r)
{
    const char *extra[] = {header, NULL};
    assert_int_equal(client_req(&srv, c, method, path, body, 0, header ? extra : NULL, r), 0);
    return r->status;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static long long num(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* Submits zhangsan's sample as c (acting: an X-On-Behalf-Of header or NULL). */
static void submit(const struct tb_client *c, const char *acting, char id[40], char no[24],
                   long long *etag)
{
    static int n;
    char key[80];
    snprintf(key, sizeof(key), "Idempotency-Key: notify-%d-%ld", ++n, (long)time(NULL));
    const char *extra[] = {key, acting, NULL};
    struct http_resp r;
    assert_int_equal(client_req(&srv, c, "POST", "/api/v1/cases", BIRTH_SAMPLE, 0, extra, &r), 0);
    if (r.status != 201)
        fail_msg("submit: %ld %s", r.status, r.body);
    snprintf(id, 40, "%s", str(r.json, "id"));
    snprintf(no, 24, "%s", str(r.json, "case_no"));
    *etag = num(r.json, "etag");
    resp_free(&r);
}

/* GET /api/v1/me/notifications<query> as c, 200 expected. */
static void list(const struct tb_client *c, const char *query, struct http_resp *r)
{
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/me/notifications%s", query);
    if (req(c, "GET", path, NULL, NULL, r) != 200)
        fail_msg("GET %s: %ld %s", path, r->status, r->body);
}

static json_t *nth(const struct http_resp *r, size_t i)
{
    return json_array_get(json_object_get(r->json, "notifications"), i);
}

/* POST .../read with body as c: the status; the answer in *r. */
static long mark(const struct tb_client *c, const char *body, struct http_resp *r)
{
    return req(c, "POST", "/api/v1/me/notifications/read", body, NULL, r);
}

static void expect_problem(const struct http_resp *r, long status, const char *what)
{
    if (r->status != status)
        fail_msg("%s: %ld %s (want %ld)", what, r->status, r->body, status);
    const char *ct = resp_header(r, "Content-Type");
    assert_non_null(ct);
    assert_string_equal(ct, PROBLEM_TYPE);
    /* both languages are carried: the detail in the request's, a title always */
    assert_true(strlen(str(r->json, "title")) > 0);
    assert_true(strlen(str(r->json, "detail")) > 0);
}

/* ---- the outbox, in this process ----------------------------------------------------------- */

static struct tb_app app; /* on the server's data directory */

static int app_open(void)
{
    memset(&app, 0, sizeof(app));
    tb_config_defaults(&app.cfg);
    snprintf(app.cfg.data, sizeof(app.cfg.data), "%s", srv.data);
    snprintf(app.cfg.database, sizeof(app.cfg.database), "%s", srv.db);
    char keydir[300];
    snprintf(keydir, sizeof(keydir), "%s/keys", srv.data);
    if (tb_app_open_db(&app.cfg, &app.db) != 0 || tb_keys_load(keydir, &app.keys) != 0)
        return -1;
    app.audit.head_mac_key = app.keys.audit_mac;
    app.audit.sign_key = app.keys.audit_sign;
    app.audit.verify_key = app.keys.audit_sign;
    app.audit.checkpoint_every = 1000;
    return 0;
}

/* One number from the database (sql with text parameter ?1). */
static long long db_number(const char *sql, const char *param)
{
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    assert_int_equal(tb_db_read_conn(app.db, &c), 0);
    assert_int_equal(tb_db_prepare(c, sql, &s), 0);
    if (param)
        tb_db_bind_text(s, 1, param, -1);
    assert_int_equal(tb_db_step(s), TB_DB_ROW);
    long long v = (long long)tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    return v;
}

static void db_text(const char *sql, const char *param, char *out, size_t cap)
{
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    assert_int_equal(tb_db_read_conn(app.db, &c), 0);
    assert_int_equal(tb_db_prepare(c, sql, &s), 0);
    tb_db_bind_text(s, 1, param, -1);
    assert_int_equal(tb_db_step(s), TB_DB_ROW);
    snprintf(out, cap, "%s", tb_db_column_text(s, 0) ? tb_db_column_text(s, 0) : "");
    tb_db_stmt_done(s);
}

/* The whole of a file (malloc'd, NUL-terminated) or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    (void)n;
    fclose(f);
    return buf;
}

static int count_lines(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; p && *p;) {
        const char *end = strchr(p, '\n');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        char line[4096];
        snprintf(line, sizeof(line), "%.*s", (int)(l < sizeof(line) - 1 ? l : sizeof(line) - 1), p);
        n += !needle || strstr(line, needle) != NULL;
        p = end ? end + 1 : p + l;
    }
    return n;
}

/* ---- setup ---------------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    if (tb_crypto_init() != 0 || server_start(&srv, true, NULL) != 0)
        return -1;
    struct {
        const char *name;
        struct tb_client *c;
    } who[] = {{"zhangsan", &zhangsan},
               {"lisi", &lisi},
               {"window01", &window01},
               {"auditadmin", &auditadmin}};
    for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++)
        if (client_login(&srv, who[i].name, DEMO_PASSWORD, who[i].c, NULL) != 200)
            return -1;
    return app_open();
}

static int teardown(void **state)
{
    (void)state;
    bool clean = true;
    char *log = slurp(srv.log);
    if (log && (strstr(log, "Sanitizer") || strstr(log, "runtime error:"))) {
        fprintf(stderr, "server log:\n%s", log);
        clean = false;
    }
    free(log);
    tb_db_close(app.db);
    tb_keys_free(&app.keys);
    return server_stop(&srv) == 0 && clean ? 0 : -1;
}

/* ---- 1. a case's state changes reach its applicant ---------------------------------------- */

static void test_case_messages(void **state)
{
    (void)state;
    struct http_resp r;
    list(&zhangsan, "", &r);
    assert_int_equal(num(r.json, "total"), 0);
    assert_int_equal(num(r.json, "unread"), 0);
    assert_int_equal(json_array_size(json_object_get(r.json, "notifications")), 0);
    resp_free(&r);

    /* Submitting: one unread message naming the case and its wait for acceptance. */
    submit(&zhangsan, NULL, kase.id, kase.no, &kase.etag);
    list(&zhangsan, "", &r);
    assert_int_equal(num(r.json, "total"), 1);
    assert_int_equal(num(r.json, "unread"), 1);
    json_t *n = nth(&r, 0);
    assert_string_equal(str(n, "kind"), "case_state");
    assert_non_null(strstr(str(n, "title"), "已提交"));
    assert_non_null(strstr(str(n, "body"), kase.no));
    assert_non_null(strstr(str(n, "body"), ITEM_NAME));
    assert_non_null(strstr(str(n, "body"), "已提交，等待受理"));
    assert_null(strstr(r.body, ZHANG_PHONE));
    assert_null(strstr(r.body, ZHANG_ID));
    assert_string_equal(str(json_object_get(n, "case"), "id"), kase.id);
    assert_string_equal(str(json_object_get(n, "case"), "case_no"), kase.no);
    assert_true(json_is_null(json_object_get(n, "read_at")));
    assert_int_equal(strlen(str(n, "created_at")), 24); /* 2026-11-24T08:00:00.000Z */
    assert_true(num(n, "id") > 0);
    resp_free(&r);

    /* The window accepts: a second message, listed first. */
    char path[112], match[64];
    snprintf(path, sizeof(path), "/api/v1/cases/%s/transitions", kase.id);
    snprintf(match, sizeof(match), "If-Match: \"%lld\"", kase.etag);
    if (req(&window01, "POST", path, "{\"action\":\"accept\"}", match, &r) != 200)
        fail_msg("accept: %ld %s", r.status, r.body);
    resp_free(&r);
    list(&zhangsan, "", &r);
    assert_int_equal(num(r.json, "total"), 2);
    assert_int_equal(num(r.json, "unread"), 2);
    assert_string_equal(str(nth(&r, 0), "title"), "办件状态变更：已受理");
    assert_non_null(strstr(str(nth(&r, 0), "body"), "已受理"));
    assert_non_null(strstr(str(nth(&r, 1), "title"), "已提交"));
    assert_true(num(nth(&r, 0), "id") > num(nth(&r, 1), "id"));
    resp_free(&r);

    /* Paging and the unread filter. */
    list(&zhangsan, "?limit=1&offset=1", &r);
    assert_int_equal(num(r.json, "total"), 2);
    assert_int_equal(json_array_size(json_object_get(r.json, "notifications")), 1);
    assert_non_null(strstr(str(nth(&r, 0), "title"), "已提交"));
    resp_free(&r);
    list(&zhangsan, "?unread=true&limit=100", &r);
    assert_int_equal(num(r.json, "total"), 2);
    resp_free(&r);
    list(&zhangsan, "?offset=50", &r);
    assert_int_equal(num(r.json, "total"), 2);
    assert_int_equal(json_array_size(json_object_get(r.json, "notifications")), 0);
    resp_free(&r);

    /* Nobody else sees them: another applicant, the window that acted. */
    list(&lisi, "", &r);
    assert_int_equal(num(r.json, "total"), 0);
    assert_null(strstr(r.body, kase.no));
    resp_free(&r);
    list(&window01, "", &r);
    assert_int_equal(num(r.json, "total"), 0);
    resp_free(&r);
    assert_int_equal(req(NULL, "GET", "/api/v1/me/notifications", NULL, NULL, &r), 401);
    resp_free(&r);
}

/* ---- 2. bad queries and bodies ------------------------------------------------------------- */

static void test_bad_requests(void **state)
{
    (void)state;
    static const struct {
        const char *query, *field;
    } queries[] = {
        {"?unread=yes", "unread"}, {"?unread=", "unread"},    {"?limit=0", "limit"},
        {"?limit=101", "limit"},   {"?limit=abc", "limit"},   {"?limit=5x", "limit"},
        {"?offset=-1", "offset"},  {"?offset=1e3", "offset"}, {"?limit=", "limit"},
    };
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        char path[96];
        struct http_resp r;
        snprintf(path, sizeof(path), "/api/v1/me/notifications%s", queries[i].query);
        req(&zhangsan, "GET", path, NULL, NULL, &r);
        expect_problem(&r, 422, queries[i].query);
        assert_string_equal(str(r.json, "field"), queries[i].field);
        resp_free(&r);
    }
    /* limit 100 is the most */
    struct http_resp r;
    list(&zhangsan, "?limit=100", &r);
    resp_free(&r);

    static const struct {
        const char *body;
        long status;
        const char *field; /* NULL: none named */
    } bodies[] = {
        {"{}", 422, NULL},
        {"[]", 422, NULL},
        {"{\"ids\":[]}", 422, "ids"},
        {"{\"ids\":\"1\"}", 422, "ids"},
        {"{\"ids\":[1,0]}", 422, "ids[1]"},
        {"{\"ids\":[-4]}", 422, "ids[0]"},
        {"{\"ids\":[1.5]}", 422, "ids[0]"},
        {"{\"ids\":[\"1\"]}", 422, "ids[0]"},
        {"{\"ids\":[1],\"all\":true}", 422, NULL},
        {"{\"all\":false}", 422, "all"},
        {"{\"all\":1}", 422, "all"},
        {"{\"every\":true}", 422, "every"},
        {"{\"all\":true", 400, NULL},
        {"not json", 400, NULL},
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        mark(&zhangsan, bodies[i].body, &r);
        expect_problem(&r, bodies[i].status, bodies[i].body);
        if (bodies[i].field)
            assert_string_equal(str(r.json, "field"), bodies[i].field);
        resp_free(&r);
    }
    /* 101 ids: one too many; 100 are fine */
    char many[1024] = "{\"ids\":[";
    for (int i = 1; i <= 101; i++) {
        size_t l = strlen(many);
        snprintf(many + l, sizeof(many) - l, "%s%d", i > 1 ? "," : "", 900000 + i);
    }
    size_t l = strlen(many);
    snprintf(many + l, sizeof(many) - l, "]}");
    mark(&zhangsan, many, &r);
    expect_problem(&r, 422, "101 ids");
    resp_free(&r);
    char *comma = strrchr(many, ',');
    snprintf(comma, sizeof(many) - (size_t)(comma - many), "]}");
    assert_int_equal(mark(&zhangsan, many, &r), 200);
    assert_int_equal(num(r.json, "marked"), 0);
    assert_int_equal(num(r.json, "unread"), 2);
    resp_free(&r);
    /* English on request */
    assert_int_equal(client_req(&srv, &zhangsan, "POST", "/api/v1/me/notifications/read", "{}",
                                CLIENT_EN, NULL, &r),
                     0);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(str(r.json, "detail"), "Give either ids"));
    resp_free(&r);
    /* without the CSRF token a mark is refused */
    assert_int_equal(client_req(&srv, &zhangsan, "POST", "/api/v1/me/notifications/read",
                                "{\"all\":true}", CLIENT_NO_CSRF, NULL, &r),
                     0);
    assert_int_equal(r.status, 403);
    resp_free(&r);
}

/* ---- 3. marking read --------------------------------------------------------------------- */

static void test_mark_read(void **state)
{
    (void)state;
    struct http_resp r;
    list(&zhangsan, "", &r);
    long long newest = num(nth(&r, 0), "id"), older = num(nth(&r, 1), "id");
    resp_free(&r);
    char body[96];

    /* Someone else's ids change nothing, and say nothing. */
    snprintf(body, sizeof(body), "{\"ids\":[%lld,%lld]}", newest, older);
    assert_int_equal(mark(&lisi, body, &r), 200);
    assert_int_equal(num(r.json, "marked"), 0);
    assert_int_equal(num(r.json, "unread"), 0);
    resp_free(&r);
    assert_int_equal(mark(&lisi, "{\"all\":true}", &r), 200);
    resp_free(&r);
    list(&zhangsan, "", &r);
    assert_int_equal(num(r.json, "unread"), 2);
    resp_free(&r);

    /* One by id; again is a no-op. */
    snprintf(body, sizeof(body), "{\"ids\":[%lld]}", newest);
    assert_int_equal(mark(&zhangsan, body, &r), 200);
    assert_int_equal(num(r.json, "marked"), 1);
    assert_int_equal(num(r.json, "unread"), 1);
    resp_free(&r);
    assert_int_equal(mark(&zhangsan, body, &r), 200);
    assert_int_equal(num(r.json, "marked"), 0);
    assert_int_equal(num(r.json, "unread"), 1);
    resp_free(&r);
    list(&zhangsan, "", &r);
    assert_true(json_is_string(json_object_get(nth(&r, 0), "read_at")));
    assert_true(json_is_null(json_object_get(nth(&r, 1), "read_at")));
    resp_free(&r);
    list(&zhangsan, "?unread=true", &r);
    assert_int_equal(num(r.json, "total"), 1);
    assert_int_equal(num(nth(&r, 0), "id"), older);
    resp_free(&r);

    /* All. */
    assert_int_equal(mark(&zhangsan, "{\"all\":true}", &r), 200);
    assert_int_equal(num(r.json, "marked"), 1);
    assert_int_equal(num(r.json, "unread"), 0);
    resp_free(&r);
    list(&zhangsan, "?unread=true", &r);
    assert_int_equal(num(r.json, "total"), 0);
    resp_free(&r);

    /* Every mark is in the audit log, with the caller as actor. */
    req(&auditadmin, "GET", "/api/v1/audit/events?action=notification.read&limit=200", NULL, NULL,
        &r);
    assert_int_equal(r.status, 200);
    json_t *events = json_object_get(r.json, "events");
    assert_true(json_array_size(events) >= 6);
    size_t i;
    json_t *e;
    int all = 0;
    json_array_foreach(events, i, e)
    {
        assert_string_equal(str(e, "object_type"), "notification");
        all += strcmp(str(e, "object_id"), "all") == 0;
    }
    assert_true(all >= 2);
    resp_free(&r);
}

/* ---- 4. an agent's case ------------------------------------------------------------------- */

static void test_agent(void **state)
{
    (void)state;
    char until[11], body[160], grant[64], acting[96];
    time_t t = time(NULL) + 30 * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(until, sizeof(until), "%Y-%m-%d", &tm);
    snprintf(body, sizeof(body),
             "{\"agent_username\":\"lisi\",\"scope\":\"apply\",\"valid_until\":\"%s\"}", until);
    struct http_resp r;
    if (req(&zhangsan, "POST", "/api/v1/me/agents", body, NULL, &r) != 201)
        fail_msg("grant: %ld %s", r.status, r.body);
    snprintf(grant, sizeof(grant), "%s", str(r.json, "id"));
    snprintf(acting, sizeof(acting), "X-On-Behalf-Of: %s", grant);
    resp_free(&r);

    char id[40], no[24];
    long long etag;
    submit(&lisi, acting, id, no, &etag);
    /* The applicant and the agent both hear of it, each in their own words. */
    list(&zhangsan, "?unread=true", &r);
    assert_int_equal(num(r.json, "total"), 1);
    assert_non_null(strstr(str(nth(&r, 0), "body"), no));
    assert_non_null(strstr(str(nth(&r, 0), "body"), "您申请的"));
    resp_free(&r);
    list(&lisi, "", &r);
    assert_int_equal(num(r.json, "total"), 1);
    assert_non_null(strstr(str(nth(&r, 0), "body"), "您代办的"));
    assert_string_equal(str(json_object_get(nth(&r, 0), "case"), "id"), id);
    resp_free(&r);
    /* Acting for 张三, 李四 still reads his own messages. */
    list(&lisi, "", &r);
    long long lisi_total = num(r.json, "total");
    resp_free(&r);
    req(&lisi, "GET", "/api/v1/me/notifications", NULL, acting, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(num(r.json, "total"), lisi_total);
    resp_free(&r);
}

/* ---- 5. SMS and WeChat copies ------------------------------------------------------------- */

static void test_outbox(void **state)
{
    (void)state;
    /* 张三 has three messages (two of the first case, one of the agent's), 李四 one */
    long long queued = db_number("SELECT count(*) FROM notification_outbox", NULL);
    long long messages = db_number("SELECT count(*) FROM notifications", NULL);
    assert_int_equal(queued, 2 * messages); /* sms and wechat, both gateways `log` */
    assert_int_equal(db_number("SELECT count(DISTINCT channel) FROM notification_outbox", NULL), 2);

    int sent = -1;
    assert_int_equal(notify_outbox_run(&app, 500, &sent), 0);
    /* (the server's own job may have sent some first; between them, all) */
    assert_true(sent >= 0 && sent <= queued);
    assert_int_equal(
        db_number("SELECT count(*) FROM notification_outbox WHERE status <> 'sent'", NULL), 0);
    assert_int_equal(notify_outbox_run(&app, 500, &sent), 0);
    assert_int_equal(sent, 0);

    char dir[400], path[420], masked[32];
    struct stat st;
    snprintf(dir, sizeof(dir), "%s/outbox", srv.data);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(path, sizeof(path), "%s/sms.log", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    db_text("SELECT phone_masked FROM accounts WHERE username = ?1", "zhangsan", masked,
            sizeof(masked));
    assert_true(strlen(masked) >= 7 && strchr(masked, '*'));
    char *sms = slurp(path);
    assert_non_null(sms);
    assert_int_equal(count_lines(sms, NULL), messages);
    assert_int_equal(count_lines(sms, kase.no), 2);
    assert_true(count_lines(sms, masked) >= 3);
    assert_non_null(strstr(sms, "\tsms\t"));
    assert_null(strstr(sms, ZHANG_PHONE));
    assert_null(strstr(sms, ZHANG_ID));
    assert_null(strstr(sms, "张三"));
    free(sms);
    snprintf(path, sizeof(path), "%s/wechat.log", dir);
    char *wechat = slurp(path);
    assert_non_null(wechat);
    assert_int_equal(count_lines(wechat, NULL), messages);
    assert_true(count_lines(wechat, "\tzhangsan\t") >= 3);
    assert_null(strstr(wechat, ZHANG_PHONE));
    free(wechat);

    /* The server's own log never carries the phone number or the texts. */
    char *log = slurp(srv.log);
    assert_non_null(log);
    assert_null(strstr(log, ZHANG_PHONE));
    assert_null(strstr(log, "办件状态变更"));
    free(log);
}

/* A gateway that keeps failing: tried five times, then given up. */
static void test_outbox_retry(void **state)
{
    (void)state;
    char dir[400], moved[420];
    snprintf(dir, sizeof(dir), "%s/outbox", srv.data);
    snprintf(moved, sizeof(moved), "%s/outbox.ok", srv.data);
    assert_int_equal(rename(dir, moved), 0);
    FILE *f = fopen(dir, "w"); /* a file where the directory should be: every send fails */
    assert_non_null(f);
    fclose(f);

    char id[40], no[24];
    long long etag;
    submit(&zhangsan, NULL, id, no, &etag);
    const char *pending = "SELECT count(*) FROM notification_outbox WHERE status = 'pending'";
    assert_int_equal(db_number(pending, NULL), 2);
    int sent = -1;
    for (int i = 1; i < NOTIFY_ATTEMPTS_MAX; i++) {
        assert_int_equal(notify_outbox_run(&app, 500, &sent), 0);
        assert_int_equal(sent, 0);
    }
    assert_int_equal(db_number(pending, NULL), 2);
    assert_int_equal(db_number("SELECT min(attempts) FROM notification_outbox WHERE status = "
                               "'pending'",
                               NULL),
                     NOTIFY_ATTEMPTS_MAX - 1);
    assert_int_equal(notify_outbox_run(&app, 500, &sent), 0);
    assert_int_equal(db_number(pending, NULL), 0);
    assert_int_equal(db_number("SELECT count(*) FROM notification_outbox WHERE status = 'failed' "
                               "AND attempts = 5 AND error = ?1",
                               "io_error"),
                     2);
    /* the in-app message is there all the same */
    struct http_resp r;
    list(&zhangsan, "?unread=true", &r);
    assert_non_null(strstr(r.body, no));
    resp_free(&r);
    unlink(dir);
    assert_int_equal(rename(moved, dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_messages), cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_mark_read),     cmocka_unit_test(test_agent),
        cmocka_unit_test(test_outbox),        cmocka_unit_test(test_outbox_retry),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
