/*
 * test_bola.c - object-level authorisation (OWASP API1:2023 BOLA) against a
 * real server started with --demo. For every route whose path carries an
 * object id, objects are made (or found) as their owner A and the request
 * is replayed with that id by every other identity B (the eleven demo
 * accounts, each with its own session and CSRF token, and a department
 * system's API client with its bearer secret): the answer is 403 or 404
 * (401 without credentials), the object is unchanged afterwards, and not
 * one byte of A's data (user name, name, masked or full number, phone,
 * session, grant or client id, secret) is in any of B's answers. An
 * agent grant id sent in X-On-Behalf-Of is replayed the same way. The
 * route table itself (tb_routes[], linked from tbcore) is walked so that a
 * new route with an id in its path fails this test until it has a replay
 * case here (or is listed as naming no object, with the reason).
 */
#include "app/app.h"
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

#define DEMO_PASSWORD "Demo-Pass-2026"
#define STAFF_PW      "Start-Bola-7391!"

static struct test_server srv;

/* An identity that replays, and what of it must never reach anyone else. */
struct ident {
    const char *username;
    const char *full_id;    /* applicants: the full number (data/demo/README.md) */
    const char *full_phone; /* applicants */
    bool reveals;           /* holds pii.reveal: may reveal applicants by design */
    struct tb_client c;     /* a session; empty for the API client */
    char auth[256];         /* the API client: "Authorization: Bearer ID.SECRET" */
    char name[128], id_masked[32], phone_masked[32], session[64];
};

static struct ident ids[] = {
    {.username = "zhangsan", .full_id = "11010519491231002X", .full_phone = "13800138000"},
    {.username = "lisi", .full_id = "110101199003074258", .full_phone = "13800138001"},
    {.username = "hengxin", .full_id = "91350100M000100Y43", .full_phone = "13900139000"},
    {.username = "huaxin", .full_id = "91440300MA01K3Q27W", .full_phone = "13900139001"},
    {.username = "reviewer01"},
    {.username = "reviewer02"},
    {.username = "decider01"},
    {.username = "window01", .reveals = true},
    {.username = "supervisor01", .reveals = true},
    {.username = "sysadmin"},
    {.username = "secadmin"},
    {.username = "auditadmin"},
    {.username = "tbc-bola"}, /* the API client, made at setup */
};
#define NIDS      (sizeof(ids) / sizeof(ids[0]))
#define NACCOUNTS (NIDS - 1) /* ids[0..NACCOUNTS-1] log in; the last is the API client */
#define APPLICANT 4          /* ids[0..3] are applicants: two people, two companies */
#define CLIENT    (&ids[NIDS - 1])

static struct ident *by_name(const char *u)
{
    for (size_t i = 0; i < NIDS; i++)
        if (strcmp(ids[i].username, u) == 0)
            return &ids[i];
    fail_msg("no identity %s", u);
    return NULL;
}

/* Staff accounts the system administrator makes, one per organisation. */
static struct {
    const char *username, *org_name;
    long long id;
    char name[64];
} made[] = {
    {"bola.city", "示范市行政审批局", 0, ""},
    {"bola.district", "示范区行政审批局", 0, ""},
};
#define NMADE (sizeof(made) / sizeof(made[0]))

/* API clients: [0] is the replaying identity CLIENT, [1] only an object. */
static struct {
    const char *name;
    long long id;
    char client_id[64], secret[96];
} clients[] = {{"越权测试接口甲", 0, "", ""}, {"越权测试接口乙", 0, "", ""}};

/* Agent grants (代办): principal -> agent. */
static struct {
    const char *principal, *agent, *scope;
    char id[64];
} grants[] = {{"zhangsan", "lisi", "apply", ""}, {"hengxin", "zhangsan", "all", ""}};
#define NGRANTS (sizeof(grants) / sizeof(grants[0]))

/* ---- requests, replays and the foreign-byte count ------------------------------ */

static int as_req(const struct ident *b, const char *method, const char *path, const char *body,
                  const char *extra_header, struct http_resp *out)
{
    const char *extra[3] = {NULL, NULL, NULL};
    int n = 0;
    if (b && b->auth[0])
        extra[n++] = b->auth;
    if (extra_header)
        extra[n++] = extra_header;
    return client_req(&srv, b && !b->auth[0] ? &b->c : NULL, method, path, body, CLIENT_ORIGIN,
                      extra, out);
}

static long long replays, bytes_checked, foreign_bytes;
static bool quiet; /* positive controls: count without printing */

static void count_foreign(const char *hay, const char *needle, const char *what, const char *ctx)
{
    if (!needle || strlen(needle) < 2)
        return;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) {
        foreign_bytes += (long long)strlen(needle);
        if (!quiet)
            fprintf(stderr, "%s: %s (%s) in the answer\n", ctx, what, needle);
    }
}

/* Counts any of owner's data, and any of extra (NULL-terminated), in r. */
static void check_foreign(const struct ident *owner, const char *const *extra,
                          const struct http_resp *r, const char *ctx)
{
    bytes_checked += (long long)(strlen(r->headers) + r->len);
    const char *parts[] = {r->headers, r->body};
    for (int k = 0; k < 2; k++) {
        const char *h = parts[k];
        if (owner) {
            count_foreign(h, owner->username, "user name", ctx);
            count_foreign(h, owner->name, "name", ctx);
            count_foreign(h, owner->id_masked, "masked number", ctx);
            count_foreign(h, owner->phone_masked, "masked phone", ctx);
            count_foreign(h, owner->full_id, "full number", ctx);
            count_foreign(h, owner->full_phone, "full phone", ctx);
            count_foreign(h, owner->session, "session id", ctx);
        }
        for (int i = 0; extra && extra[i]; i++)
            count_foreign(h, extra[i], "object data", ctx);
    }
}

/* One replay by b (NULL: anonymous): refused (403 or 404; 401 without
 * credentials) and carrying none of owner's data or extra. */
static void replay(const struct ident *b, const char *method, const char *path, const char *body,
                   const char *header, const struct ident *owner, const char *const *extra)
{
    struct http_resp r;
    char ctx[320];
    snprintf(ctx, sizeof(ctx), "%s %s %s%s as %s", method, path, body ? body : "",
             header ? header : "", b ? b->username : "anonymous");
    assert_int_equal(as_req(b, method, path, body, header, &r), 0);
    replays++;
    bool ok = b ? r.status == 403 || r.status == 404 : r.status == 401;
    if (!ok)
        fail_msg("%s: %ld %s (want %s)", ctx, r.status, r.body, b ? "403 or 404" : "401");
    check_foreign(owner, extra, &r, ctx);
    resp_free(&r);
}

/* ---- setup ------------------------------------------------------------------------ */

static long long find_id(json_t *list, const char *key, const char *value)
{
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o)
    {
        const char *v = json_string_value(json_object_get(o, key));
        if (v && strcmp(v, value) == 0)
            return (long long)json_integer_value(json_object_get(o, "id"));
    }
    return 0;
}

static void copy_str(char *out, size_t cap, json_t *v)
{
    snprintf(out, cap, "%s", json_is_string(v) ? json_string_value(v) : "");
}

static int login_all(void)
{
    for (size_t i = 0; i < NACCOUNTS; i++) {
        struct ident *x = &ids[i];
        struct http_resp r;
        if (client_login(&srv, x->username, DEMO_PASSWORD, &x->c, &r) != 200) {
            fprintf(stderr, "login %s: %ld %s\n", x->username, r.status, r.body);
            return -1;
        }
        json_t *acc = json_object_get(r.json, "account");
        copy_str(x->name, sizeof(x->name), json_object_get(acc, "name"));
        copy_str(x->id_masked, sizeof(x->id_masked), json_object_get(acc, "id_number_masked"));
        copy_str(x->phone_masked, sizeof(x->phone_masked), json_object_get(acc, "phone_masked"));
        resp_free(&r);
        if (client_req(&srv, &x->c, "GET", "/api/v1/me/sessions", NULL, 0, NULL, &r) != 0 ||
            r.status != 200)
            return -1;
        size_t k;
        json_t *s;
        json_array_foreach(json_object_get(r.json, "sessions"), k, s)
        {
            if (json_is_true(json_object_get(s, "current")))
                copy_str(x->session, sizeof(x->session), json_object_get(s, "id"));
        }
        resp_free(&r);
        if (strlen(x->session) != 24 || !x->c.account_id)
            return -1;
    }
    return 0;
}

static int make_staff(struct ident *sys)
{
    struct http_resp r;
    if (client_req(&srv, &sys->c, "GET", "/api/v1/orgs/all", NULL, 0, NULL, &r) != 0 ||
        r.status != 200)
        return -1;
    json_t *orgs = json_incref(json_object_get(r.json, "orgs"));
    resp_free(&r);
    int rc = 0;
    for (size_t i = 0; i < NMADE && rc == 0; i++) {
        long long org = find_id(orgs, "name", made[i].org_name);
        snprintf(made[i].name, sizeof(made[i].name), "越权测试%zu", i);
        char body[512];
        snprintf(body, sizeof(body),
                 "{\"username\":\"%s\",\"name\":\"%s\",\"org_id\":%lld,\"roles\":[\"reviewer\"],"
                 "\"authority_level\":2,\"password\":\"%s\"}",
                 made[i].username, made[i].name, org, STAFF_PW);
        if (!org ||
            client_req(&srv, &sys->c, "POST", "/api/v1/staff", body, CLIENT_ORIGIN, NULL, &r) !=
                0 ||
            r.status != 201) {
            fprintf(stderr, "create %s: %ld %s\n", made[i].username, r.status, r.body);
            rc = -1;
        } else {
            made[i].id = (long long)json_integer_value(
                json_object_get(json_object_get(r.json, "account"), "id"));
        }
        resp_free(&r);
    }
    json_decref(orgs);
    return rc;
}

static int make_clients(struct ident *sys)
{
    for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
        char body[256];
        struct http_resp r;
        snprintf(body, sizeof(body), "{\"name\":\"%s\",\"scopes\":[\"case.read\"]}",
                 clients[i].name);
        if (client_req(&srv, &sys->c, "POST", "/api/v1/api-clients", body, CLIENT_ORIGIN, NULL,
                       &r) != 0 ||
            r.status != 201) {
            fprintf(stderr, "create API client: %ld %s\n", r.status, r.body);
            return -1;
        }
        clients[i].id = (long long)json_integer_value(json_object_get(r.json, "id"));
        copy_str(clients[i].client_id, sizeof(clients[i].client_id),
                 json_object_get(r.json, "client_id"));
        copy_str(clients[i].secret, sizeof(clients[i].secret), json_object_get(r.json, "secret"));
        resp_free(&r);
    }
    snprintf(CLIENT->auth, sizeof(CLIENT->auth), "Authorization: Bearer %s.%s",
             clients[0].client_id, clients[0].secret);
    snprintf(CLIENT->name, sizeof(CLIENT->name), "%s", clients[0].name);
    /* The client is who it says: GET /me answers for it. */
    struct http_resp r;
    if (as_req(CLIENT, "GET", "/api/v1/me", NULL, NULL, &r) != 0 || r.status != 200) {
        fprintf(stderr, "API client /me: %ld %s\n", r.status, r.body);
        return -1;
    }
    resp_free(&r);
    return 0;
}

static int make_grants(void)
{
    /* Valid until 30 days from now (Beijing date). */
    time_t t = time(NULL) + 8 * 3600 + 30 * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    char until[16];
    strftime(until, sizeof(until), "%Y-%m-%d", &tm);
    for (size_t i = 0; i < NGRANTS; i++) {
        char body[256];
        struct http_resp r;
        snprintf(body, sizeof(body),
                 "{\"agent_username\":\"%s\",\"scope\":\"%s\",\"valid_until\":\"%s\"}",
                 grants[i].agent, grants[i].scope, until);
        if (as_req(by_name(grants[i].principal), "POST", "/api/v1/me/agents", body, NULL, &r) !=
                0 ||
            r.status != 201) {
            fprintf(stderr, "grant %s -> %s: %ld %s\n", grants[i].principal, grants[i].agent,
                    r.status, r.body);
            return -1;
        }
        copy_str(grants[i].id, sizeof(grants[i].id), json_object_get(r.json, "id"));
        resp_free(&r);
        if (strlen(grants[i].id) != 24)
            return -1;
    }
    return 0;
}

/* Catalogue items of the system administrator (catalog.manage): a draft
 * never published, a published item with a pending draft version 2, and a
 * cancelled one. What only the administrator may see of them is in
 * item_secrets; none of it may reach anyone through the public routes. */
static struct {
    const char *code, *name;
    bool publish, pending, cancel;
    const char *status; /* after setup */
    int latest;
} items[] = {
    {"BOLA-ITEM-DRAFT", "越权测试草稿事项", false, false, false, "draft", 1},
    {"BOLA-ITEM-PUB", "越权测试已发布事项", true, true, false, "published", 2},
    {"BOLA-ITEM-GONE", "越权测试已取消事项", true, false, true, "cancelled", 1},
};
#define NITEMS (sizeof(items) / sizeof(items[0]))
static const char *const item_secrets[] = {"越权测试草稿事项",   "越权测试已取消事项",
                                           "越权测试待发布名称", "越权测试待发布原因",
                                           "越权测试草稿条件",   NULL};
#define ITEM_ORG "DEMO-CITY-SCJGJ"

/* A valid item document (docs/catalogue.md) as JSON text. */
static void item_json(char *out, size_t cap, const char *code, const char *name,
                      const char *conditions)
{
    snprintf(out, cap,
             "{\"impl_code\":\"%s\",\"basic_code\":\"BOLA01\",\"name\":\"%s\",\"type\":\"01\","
             "\"org\":\"" ITEM_ORG "\",\"audience\":[\"1\"],\"levels\":[\"3\"],"
             "\"conditions\":\"%s\",\"materials\":[{\"name\":\"申请书\",\"copies\":1,"
             "\"form\":\"paper\",\"source\":\"applicant\"}],\"steps\":[{\"name\":\"受理\","
             "\"authority_level\":1,\"limit_days\":1}],\"legal_limit_days\":20,"
             "\"promised_limit_days\":5,\"fee\":{\"is_free\":true},\"kind\":\"2\","
             "\"item_class\":\"A\",\"trips\":\"1\",\"delivery\":[\"window\"]}",
             code, name, conditions);
}

static int item_write(struct ident *sys, const char *method, const char *path, const char *doc,
                      const char *reason, bool publish, long want)
{
    char body[2048];
    struct http_resp r;
    snprintf(body, sizeof(body), "{\"item\":%s,\"reason\":\"%s\",\"publish\":%s}", doc, reason,
             publish ? "true" : "false");
    if (as_req(sys, method, path, body, NULL, &r) != 0 || r.status != want) {
        fprintf(stderr, "%s %s: %ld %s\n", method, path, r.status, r.body);
        return -1;
    }
    resp_free(&r);
    return 0;
}

static int make_items(struct ident *sys)
{
    for (size_t i = 0; i < NITEMS; i++) {
        char doc[1536], path[96];
        item_json(doc, sizeof(doc), items[i].code, items[i].name,
                  items[i].publish ? "公开的申请条件" : "越权测试草稿条件");
        if (item_write(sys, "POST", "/api/v1/items", doc, "越权测试新增", items[i].publish, 201) <
            0)
            return -1;
        snprintf(path, sizeof(path), "/api/v1/items/%s", items[i].code);
        if (items[i].pending) {
            item_json(doc, sizeof(doc), items[i].code, "越权测试待发布名称", "公开的申请条件");
            if (item_write(sys, "PUT", path, doc, "越权测试待发布原因", false, 200) < 0)
                return -1;
        }
        if (items[i].cancel) {
            struct http_resp r;
            snprintf(path, sizeof(path), "/api/v1/items/%s/status", items[i].code);
            if (as_req(sys, "POST", path, "{\"status\":\"cancelled\",\"reason\":\"越权测试取消\"}",
                       NULL, &r) != 0 ||
                r.status != 200)
                return -1;
            resp_free(&r);
        }
    }
    return 0;
}

static int setup(void **state)
{
    (void)state;
    if (server_start(&srv, true, NULL) != 0)
        return -1;
    struct ident *sys = by_name("sysadmin");
    return login_all() == 0 && make_staff(sys) == 0 && make_clients(sys) == 0 &&
                   make_grants() == 0 && make_items(sys) == 0
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    fprintf(stderr, "test_bola: %lld replays, %lld answer bytes checked, %lld foreign bytes\n",
            replays, bytes_checked, foreign_bytes);
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

/* ---- the replay cases, one per route with an object id -------------------------------- */

/* DELETE /api/v1/me/sessions/{id}: A's session, ended by B. */
static void replay_end_session(void)
{
    for (size_t a = 0; a < NACCOUNTS; a++) {
        char path[320];
        snprintf(path, sizeof(path), "/api/v1/me/sessions/%s", ids[a].session);
        for (size_t b = 0; b < NIDS; b++)
            if (b != a)
                replay(&ids[b], "DELETE", path, NULL, NULL, &ids[a], NULL);
        replay(NULL, "DELETE", path, NULL, NULL, &ids[a], NULL);
    }
    /* Every session still works and is still listed. */
    for (size_t a = 0; a < NACCOUNTS; a++) {
        struct http_resp r;
        assert_int_equal(as_req(&ids[a], "GET", "/api/v1/me/sessions", NULL, NULL, &r), 0);
        if (r.status != 200 || !strstr(r.body, ids[a].session))
            fail_msg("%s's session was ended by someone else: %ld %s", ids[a].username, r.status,
                     r.body);
        resp_free(&r);
    }
}

/* PATCH /api/v1/staff/{id}: staff accounts (made by the system
 * administrator, in two organisations, and the demo reviewers of those
 * two) changed by everyone else; applicant ids through the staff route by
 * the system administrator. */
static void replay_patch_staff(void)
{
    static const char *const bodies[] = {
        "{\"status\":\"disabled\"}",
        "{\"roles\":[\"sysadmin\"]}",
        "{\"roles\":[\"reviewer\"],\"authority_level\":4}",
    };
    struct ident *sys = by_name("sysadmin");
    struct object {
        long long id;
        const struct ident *owner; /* the account itself when it is a demo identity */
        const char *name;
    } objects[NMADE + 2];
    size_t n = 0;
    for (size_t i = 0; i < NMADE; i++)
        objects[n++] = (struct object){made[i].id, sys, made[i].name};
    objects[n++] = (struct object){by_name("reviewer01")->c.account_id, by_name("reviewer01"), ""};
    objects[n++] = (struct object){by_name("reviewer02")->c.account_id, by_name("reviewer02"), ""};
    for (size_t o = 0; o < n; o++) {
        char path[320];
        snprintf(path, sizeof(path), "/api/v1/staff/%lld", objects[o].id);
        const char *extra[] = {objects[o].name, NULL};
        for (size_t b = 0; b < NIDS; b++) {
            if (&ids[b] == sys)
                continue;
            for (size_t k = 0; k < sizeof(bodies) / sizeof(bodies[0]); k++)
                replay(&ids[b], "PATCH", path, bodies[k], NULL, objects[o].owner, extra);
        }
        replay(NULL, "PATCH", path, bodies[0], NULL, objects[o].owner, extra);
    }
    /* Applicants are no staff: the system administrator gets 404, no data. */
    for (size_t a = 0; a < APPLICANT; a++) {
        char path[320];
        snprintf(path, sizeof(path), "/api/v1/staff/%lld", ids[a].c.account_id);
        for (size_t k = 0; k < sizeof(bodies) / sizeof(bodies[0]); k++)
            replay(sys, "PATCH", path, bodies[k], NULL, &ids[a], NULL);
    }
    /* Nothing changed. */
    struct http_resp r;
    assert_int_equal(as_req(sys, "GET", "/api/v1/staff", NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    size_t i, watched = 0;
    json_t *acc;
    json_array_foreach(json_object_get(r.json, "accounts"), i, acc)
    {
        const char *u = json_string_value(json_object_get(acc, "username"));
        if (strcmp(u, "reviewer01") != 0 && strcmp(u, "reviewer02") != 0 &&
            strncmp(u, "bola.", 5) != 0)
            continue;
        watched++;
        json_t *roles = json_object_get(acc, "roles");
        if (strcmp(json_string_value(json_object_get(acc, "status")), "active") != 0 ||
            json_array_size(roles) != 1 ||
            strcmp(json_string_value(json_array_get(roles, 0)), "reviewer") != 0 ||
            json_integer_value(json_object_get(acc, "authority_level")) != 2)
            fail_msg("staff account %s was changed by a replay", u);
    }
    assert_int_equal(watched, n);
    resp_free(&r);
    for (size_t a = 0; a < NACCOUNTS; a++) {
        assert_int_equal(as_req(&ids[a], "GET", "/api/v1/me", NULL, NULL, &r), 0);
        assert_int_equal(r.status, 200);
        resp_free(&r);
    }
}

/* POST /api/v1/accounts/{id}/reveal: an applicant's numbers revealed by
 * everyone without pii.reveal (window and supervisor staff hold it by
 * design, docs/accounts.md); staff and administrator accounts revealed by
 * anyone, those who hold it included: 404. */
static void replay_reveal(void)
{
    static const char *const bodies[] = {
        "{\"field\":\"id_number\",\"reason\":\"越权测试理由\"}",
        "{\"field\":\"phone\",\"reason\":\"越权测试理由\"}",
    };
    for (size_t a = 0; a < NACCOUNTS; a++) {
        char path[320];
        snprintf(path, sizeof(path), "/api/v1/accounts/%lld/reveal", ids[a].c.account_id);
        for (size_t b = 0; b < NIDS; b++) {
            if (b == a || (a < APPLICANT && ids[b].reveals))
                continue;
            for (size_t k = 0; k < 2; k++)
                replay(&ids[b], "POST", path, bodies[k], NULL, &ids[a], NULL);
        }
        replay(NULL, "POST", path, bodies[0], NULL, &ids[a], NULL);
    }
    for (size_t i = 0; i < NMADE; i++) {
        char path[320];
        snprintf(path, sizeof(path), "/api/v1/accounts/%lld/reveal", made[i].id);
        const char *extra[] = {made[i].name, made[i].username, NULL};
        for (size_t b = 0; b < NIDS; b++)
            for (size_t k = 0; k < 2; k++)
                replay(&ids[b], "POST", path, bodies[k], NULL, NULL, extra);
    }
}

/* PATCH /api/v1/api-clients/{id}: the system administrator's API clients
 * disabled by everyone else, the client itself included. */
static void replay_patch_client(void)
{
    struct ident *sys = by_name("sysadmin");
    for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
        char path[320];
        snprintf(path, sizeof(path), "/api/v1/api-clients/%lld", clients[i].id);
        const char *extra[] = {clients[i].name, clients[i].client_id, clients[i].secret, NULL};
        for (size_t b = 0; b < NIDS; b++)
            if (&ids[b] != sys)
                replay(&ids[b], "PATCH", path, "{\"status\":\"disabled\"}", NULL, NULL, extra);
        replay(NULL, "PATCH", path, "{\"status\":\"disabled\"}", NULL, NULL, extra);
    }
    /* Both still active, and the replaying client still gets in. */
    struct http_resp r;
    assert_int_equal(as_req(sys, "GET", "/api/v1/api-clients", NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, clients[0].secret));
    size_t k;
    json_t *c;
    int active = 0;
    json_array_foreach(json_object_get(r.json, "clients"), k, c)
    {
        for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++)
            if (json_integer_value(json_object_get(c, "id")) == clients[i].id)
                active += strcmp(json_string_value(json_object_get(c, "status")), "active") == 0;
    }
    resp_free(&r);
    assert_int_equal(active, 2);
    assert_int_equal(as_req(CLIENT, "GET", "/api/v1/me", NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
}

/* The grants of principal, as its /me/agents lists them: how many of ours
 * are there and not revoked. */
static int grants_alive(void)
{
    int alive = 0;
    for (size_t i = 0; i < NGRANTS; i++) {
        struct http_resp r;
        assert_int_equal(
            as_req(by_name(grants[i].principal), "GET", "/api/v1/me/agents", NULL, NULL, &r), 0);
        assert_int_equal(r.status, 200);
        size_t k;
        json_t *g;
        json_array_foreach(json_object_get(r.json, "granted"), k, g)
        {
            const char *id = json_string_value(json_object_get(g, "id"));
            if (id && strcmp(id, grants[i].id) == 0 && json_is_false(json_object_get(g, "revoked")))
                alive++;
        }
        resp_free(&r);
    }
    return alive;
}

/* DELETE /api/v1/me/agents/{id}: a grant revoked by anyone but its two
 * parties. */
static void replay_revoke_grant(void)
{
    assert_int_equal(grants_alive(), (int)NGRANTS);
    for (size_t i = 0; i < NGRANTS; i++) {
        char path[320];
        snprintf(path, sizeof(path), "/api/v1/me/agents/%s", grants[i].id);
        const struct ident *principal = by_name(grants[i].principal);
        const struct ident *agent = by_name(grants[i].agent);
        const char *extra[] = {grants[i].id, agent->name, agent->username, NULL};
        for (size_t b = 0; b < NIDS; b++)
            if (&ids[b] != principal && &ids[b] != agent)
                replay(&ids[b], "DELETE", path, NULL, NULL, principal, extra);
        replay(NULL, "DELETE", path, NULL, NULL, principal, extra);
    }
    assert_int_equal(grants_alive(), (int)NGRANTS);
}

/* A replay of a public route: nobody needs a session, so everyone, the
 * anonymous caller included, gets 404 (or 403) and none of extra. */
static void replay_public(const struct ident *b, const char *path, const char *const *extra)
{
    struct http_resp r;
    char ctx[320];
    snprintf(ctx, sizeof(ctx), "GET %s as %s", path, b ? b->username : "anonymous");
    assert_int_equal(as_req(b, "GET", path, NULL, NULL, &r), 0);
    replays++;
    if (r.status != 403 && r.status != 404)
        fail_msg("%s: %ld %s (want 403 or 404)", ctx, r.status, r.body);
    check_foreign(NULL, extra, &r, ctx);
    resp_free(&r);
}

/* A public answer that may be given (the published guide of an item with a
 * pending draft) but must carry nothing of the draft. */
static void leak_check_public(const struct ident *b, const char *path, const char *const *extra)
{
    struct http_resp r;
    char ctx[320];
    snprintf(ctx, sizeof(ctx), "GET %s as %s", path, b ? b->username : "anonymous");
    assert_int_equal(as_req(b, "GET", path, NULL, NULL, &r), 0);
    if (r.status != 200)
        fail_msg("%s: %ld %s (want the published guide)", ctx, r.status, r.body);
    check_foreign(NULL, extra, &r, ctx);
    resp_free(&r);
}

/* Runs f for every identity and the anonymous caller. */
#define EVERYONE(f, ...)                                                                           \
    do {                                                                                           \
        for (size_t b_ = 0; b_ < NIDS; b_++)                                                       \
            f(&ids[b_], __VA_ARGS__);                                                              \
        f(NULL, __VA_ARGS__);                                                                      \
    } while (0)

/* GET /api/v1/items/{code}: drafts and cancelled items are nobody's to
 * read, not even the administrator's through the public route; the pending
 * draft of a published item stays out of its guide. */
static void replay_item_get(void)
{
    EVERYONE(replay_public, "/api/v1/items/BOLA-ITEM-DRAFT", item_secrets);
    EVERYONE(replay_public, "/api/v1/items/BOLA-ITEM-GONE", item_secrets);
    EVERYONE(leak_check_public, "/api/v1/items/BOLA-ITEM-PUB", item_secrets);
}

/* GET /api/v1/items/{code}/versions: the same, and a pending draft is not
 * listed (its reason is the administrator's). */
static void replay_item_versions(void)
{
    EVERYONE(replay_public, "/api/v1/items/BOLA-ITEM-DRAFT/versions", item_secrets);
    EVERYONE(replay_public, "/api/v1/items/BOLA-ITEM-GONE/versions", item_secrets);
    EVERYONE(leak_check_public, "/api/v1/items/BOLA-ITEM-PUB/versions", item_secrets);
}

/* GET /api/v1/items/{code}/versions/{version}: draft versions (of a never
 * published item and of a published one) and a cancelled item's. */
static void replay_item_version(void)
{
    EVERYONE(replay_public, "/api/v1/items/BOLA-ITEM-DRAFT/versions/1", item_secrets);
    EVERYONE(replay_public, "/api/v1/items/BOLA-ITEM-PUB/versions/2", item_secrets);
    EVERYONE(replay_public, "/api/v1/items/BOLA-ITEM-GONE/versions/1", item_secrets);
    EVERYONE(leak_check_public, "/api/v1/items/BOLA-ITEM-PUB/versions/1", item_secrets);
}

static void replay_item_transfers(void)
{
    EVERYONE(replay_public, "/api/v1/items/BOLA-ITEM-DRAFT/transfers", item_secrets);
    EVERYONE(replay_public, "/api/v1/items/BOLA-ITEM-GONE/transfers", item_secrets);
}

/* GET /api/v1/items/{code}/guide.pdf, qr.svg, qr.png: a draft or a
 * cancelled item has no guide and no QR code for anyone. */
static void replay_item_guide(const char *suffix)
{
    char path[320];
    snprintf(path, sizeof(path), "/api/v1/items/BOLA-ITEM-DRAFT/%s", suffix);
    EVERYONE(replay_public, path, item_secrets);
    snprintf(path, sizeof(path), "/api/v1/items/BOLA-ITEM-GONE/%s", suffix);
    EVERYONE(replay_public, path, item_secrets);
}

static void replay_item_pdf(void)
{
    replay_item_guide("guide.pdf");
}

static void replay_item_qr_svg(void)
{
    replay_item_guide("qr.svg");
}

static void replay_item_qr_png(void)
{
    replay_item_guide("qr.png");
}

/* Every item is as setup left it: status, latest version, name, org. */
static void items_unchanged(void)
{
    struct ident *sys = by_name("sysadmin");
    for (size_t i = 0; i < NITEMS; i++) {
        char path[320];
        struct http_resp r;
        snprintf(path, sizeof(path), "/api/v1/catalogue/items/%s", items[i].code);
        assert_int_equal(as_req(sys, "GET", path, NULL, NULL, &r), 0);
        assert_int_equal(r.status, 200);
        json_t *item = json_object_get(r.json, "item");
        if (strcmp(json_string_value(json_object_get(r.json, "status")), items[i].status) != 0 ||
            json_integer_value(json_object_get(r.json, "version")) != items[i].latest ||
            json_array_size(json_object_get(r.json, "versions")) != (size_t)items[i].latest ||
            strcmp(json_string_value(json_object_get(item, "org")), ITEM_ORG) != 0 ||
            strcmp(json_string_value(json_object_get(item, "name")),
                   items[i].pending ? "越权测试待发布名称" : items[i].name) != 0)
            fail_msg("item %s was changed by a replay: %s", items[i].code, r.body);
        resp_free(&r);
    }
}

/* The routes of catalog.manage, replayed by everyone but the system
 * administrator (the only holder) on every item. */
static void replay_catalog_manage(const char *method, const char *suffix, const char *const *bodies,
                                  size_t nbodies)
{
    struct ident *sys = by_name("sysadmin");
    for (size_t i = 0; i < NITEMS; i++) {
        char path[128];
        snprintf(path, sizeof(path), "%s%s%s",
                 strcmp(method, "GET") == 0 ? "/api/v1/catalogue/items/" : "/api/v1/items/",
                 items[i].code, suffix);
        for (size_t k = 0; k < nbodies; k++) {
            char body[2048];
            const char *b = bodies[k];
            if (b && strcmp(b, "DOC") == 0) {
                char doc[1536];
                item_json(doc, sizeof(doc), items[i].code, "越权测试改名", "越权测试条件");
                snprintf(body, sizeof(body), "{\"item\":%s,\"reason\":\"越权\",\"publish\":true}",
                         doc);
                b = body;
            }
            for (size_t x = 0; x < NIDS; x++)
                if (&ids[x] != sys)
                    replay(&ids[x], method, path, b, NULL, sys, item_secrets);
            replay(NULL, method, path, b, NULL, sys, item_secrets);
        }
    }
    items_unchanged();
}

static void replay_admin_item(void)
{
    static const char *const none[] = {NULL};
    replay_catalog_manage("GET", "", none, 1);
}

static void replay_item_put(void)
{
    static const char *const bodies[] = {"DOC"};
    replay_catalog_manage("PUT", "", bodies, 1);
}

static void replay_item_status(void)
{
    static const char *const bodies[] = {
        "{\"status\":\"cancelled\",\"reason\":\"越权\"}",
        "{\"status\":\"suspended\",\"reason\":\"越权\"}",
        "{\"status\":\"published\",\"reason\":\"越权\"}",
    };
    replay_catalog_manage("POST", "/status", bodies, 3);
}

static void replay_item_transfer(void)
{
    static const char *const bodies[] = {
        "{\"to\":\"DEMO-CITY-XZSPJ\",\"reason\":\"越权\"}",
        "{\"to\":\"DEMO-DIST-XZSPJ\",\"reason\":\"越权\"}",
    };
    replay_catalog_manage("POST", "/transfer", bodies, 2);
}

/* ---- organisations, halls and windows (src/org): org.manage alone changes them ---------- */

#define BOLA_HALL "BOLA-HALL"

/* What the public answers of a hall must never carry: the user name of its
 * window staff (they show the name only, as the name plate does). */
static const char *const hall_secrets[] = {"window01", NULL};
/* The hall's own data, which no refusal echoes. */
static const char *const hall_data[] = {"越权测试大厅", "越权测试窗口", "越权测试授权通知书", NULL};

/* The hall and window the system administrator makes, once. */
static void hall_ready(void)
{
    static bool hall_made;
    struct ident *sys = by_name("sysadmin");
    struct http_resp r;
    if (hall_made)
        return;
    assert_int_equal(as_req(sys, "POST", "/api/v1/halls",
                            "{\"code\":\"" BOLA_HALL "\",\"name\":\"越权测试大厅\","
                            "\"org\":\"DEMO-CITY\"}",
                            NULL, &r),
                     0);
    if (r.status != 201)
        fail_msg("create hall: %ld %s", r.status, r.body);
    resp_free(&r);
    assert_int_equal(as_req(sys, "POST", "/api/v1/halls/" BOLA_HALL "/windows",
                            "{\"code\":\"W1\",\"name\":\"越权测试窗口\",\"kind\":\"comprehensive\","
                            "\"staff\":[\"window01\"],\"letter\":{\"text\":\"越权测试授权通知书\","
                            "\"items\":[]}}",
                            NULL, &r),
                     0);
    if (r.status != 201)
        fail_msg("create window: %ld %s", r.status, r.body);
    resp_free(&r);
    hall_made = true;
}

/* The hall, its one window (staff, letter) and the demo district are as made. */
static void hall_unchanged(void)
{
    struct http_resp r;
    assert_int_equal(as_req(NULL, "GET", "/api/v1/halls/" BOLA_HALL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    json_t *h = json_object_get(r.json, "hall");
    json_t *w = json_array_get(json_object_get(h, "windows"), 0);
    if (strcmp(json_string_value(json_object_get(h, "name")), "越权测试大厅") != 0 ||
        json_array_size(json_object_get(h, "windows")) != 1 ||
        strcmp(json_string_value(json_object_get(w, "name")), "越权测试窗口") != 0 ||
        json_array_size(json_object_get(w, "staff")) != 1 ||
        !json_is_object(json_object_get(w, "letter")))
        fail_msg("the hall was changed by a replay: %s", r.body);
    resp_free(&r);
    assert_int_equal(
        as_req(NULL, "GET", "/api/v1/orgs?view=list&kind=region&level=2", NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    if (!strstr(r.body, "\"示范市示范区\""))
        fail_msg("the demo district was changed by a replay: %s", r.body);
    resp_free(&r);
}

/* method path body by everyone but the system administrator, and anonymously. */
static void replay_org_manage(const char *method, const char *path, const char *body)
{
    struct ident *sys = by_name("sysadmin");
    for (size_t b = 0; b < NIDS; b++)
        if (&ids[b] != sys)
            replay(&ids[b], method, path, body, NULL, NULL, hall_data);
    replay(NULL, method, path, body, NULL, NULL, hall_data);
}

/* PATCH /api/v1/orgs/{code}: a demo region and a bureau renamed. */
static void replay_patch_org(void)
{
    hall_ready();
    replay_org_manage("PATCH", "/api/v1/orgs/DEMO-DIST", "{\"name\":\"越权改名\"}");
    replay_org_manage("PATCH", "/api/v1/orgs/DEMO-CITY-XZSPJ", "{\"phone\":\"110\"}");
    hall_unchanged();
}

static void replay_patch_hall(void)
{
    hall_ready();
    replay_org_manage("PATCH", "/api/v1/halls/" BOLA_HALL, "{\"name\":\"越权改名\"}");
    hall_unchanged();
}

static void replay_add_window(void)
{
    hall_ready();
    replay_org_manage("POST", "/api/v1/halls/" BOLA_HALL "/windows",
                      "{\"code\":\"W2\",\"name\":\"越权窗口\",\"kind\":\"comprehensive\"}");
    hall_unchanged();
}

/* PUT /api/v1/halls/{code}/windows/{window}: a replace that would drop the
 * staff and the letter. */
static void replay_put_window(void)
{
    hall_ready();
    replay_org_manage("PUT", "/api/v1/halls/" BOLA_HALL "/windows/W1",
                      "{\"name\":\"越权改名\",\"kind\":\"comprehensive\"}");
    hall_unchanged();
}

/* GET /api/v1/halls/{code} is public: everyone, the anonymous caller
 * included, gets the hall with its staff by name and never a user name
 * (only the system administrator, who edits the window, sees those); an
 * unknown hall is 404 for all. */
static void replay_get_hall(void)
{
    static const char *const paths[] = {"/api/v1/halls/" BOLA_HALL, "/api/v1/halls/BOLA-NOPE"};
    struct ident *sys = by_name("sysadmin");
    hall_ready();
    for (size_t b = 0; b <= NIDS; b++) {
        const struct ident *who = b < NIDS ? &ids[b] : NULL;
        if (who == sys)
            continue;
        for (size_t k = 0; k < 2; k++) {
            struct http_resp r;
            char ctx[200];
            snprintf(ctx, sizeof(ctx), "GET %s as %s", paths[k], who ? who->username : "anonymous");
            assert_int_equal(as_req(who, "GET", paths[k], NULL, NULL, &r), 0);
            replays++;
            if (r.status != (k == 0 ? 200 : 404))
                fail_msg("%s: %ld %s", ctx, r.status, r.body);
            check_foreign(NULL, hall_secrets, &r, ctx);
            resp_free(&r);
        }
    }
}

/* GET /api/v1/uploads/{id}: zhangsan's material (a PDF whose bytes and
 * name are marked), downloaded by everyone else. Agents acting under a
 * grant are the owner's by design and are not replayed here. */
static const char *const upload_secrets[] = {"BOLA-UPLOAD-CONTENT", "越权测试材料", NULL};

static void replay_get_upload(void)
{
    static const char doc[] = "%PDF-1.4\n% BOLA-UPLOAD-CONTENT\n%%EOF\n";
    struct ident *owner = by_name("zhangsan");
    char cookie[200], csrf[160], path[96];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", owner->c.cookie);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", owner->c.csrf);
    const char *const h[] = {
        cookie, csrf, "Content-Type: application/octet-stream",
        "X-File-Name: %E8%B6%8A%E6%9D%83%E6%B5%8B%E8%AF%95%E6%9D%90%E6%96%99.pdf", NULL};
    struct http_resp r;
    assert_int_equal(http_req(&srv, "POST", "/api/v1/uploads", h, doc, sizeof(doc) - 1, &r), 0);
    if (r.status != 201 && r.status != 200)
        fail_msg("upload: %ld %s", r.status, r.body);
    snprintf(path, sizeof(path), "/api/v1/uploads/%s",
             json_string_value(json_object_get(r.json, "id")));
    resp_free(&r);
    /* The owner gets it (the positive control of the foreign-byte check). */
    assert_int_equal(as_req(owner, "GET", path, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "BOLA-UPLOAD-CONTENT"));
    resp_free(&r);
    for (size_t b = 0; b < NIDS; b++)
        if (&ids[b] != owner)
            replay(&ids[b], "GET", path, NULL, NULL, owner, upload_secrets);
    replay(NULL, "GET", path, NULL, NULL, owner, upload_secrets);
}

/* ---- cases (src/cases): an applicant's case, read and acted on by others -------------- */

/* 企业设立登记 of 示范市行政审批局 (DEMO-CITY-XZSPJ), steps 受理 (level 1),
 * 审查 (2), 决定 (3). Every published item of that bureau is for companies;
 * this one is what a natural person applies for when founding one, so
 * zhangsan applies for himself (a one-person company with him as legal
 * representative); the sample in data/demo/applications.json is hengxin's. */
#define CASE_ITEM        "11500100MB01000285010130001000"
#define CASE_MARK        "BOLA-CASE-VALUE"
#define CASE_COMPANY     "越权测试办件企业有限公司"
#define CASE_UPLOAD_MARK "BOLA-CASE-UPLOAD"
#define DRAFT_MARK       "BOLA-DRAFT-VALUE"
#define DRAFT_COMPANY    "越权测试草稿企业有限公司"

/* Who sees a submitted case by design (docs/cases.md "Routes"): the
 * applicant, window staff of the city (window01), handlers of the deciding
 * organisation (reviewer01, decider01) and the supervisor, who reads every
 * case. They are the positive controls, never replayed on that case. A
 * draft is the applicant's alone: on a draft everyone else replays. */
static const char *const case_readers[] = {"zhangsan",  "window01",     "reviewer01",
                                           "decider01", "supervisor01", NULL};

/* A reviewer of another organisation (made at setup): replays as well. */
static struct ident other_org = {.username = "bola.district"};

/* A case as its owner sees it, and what of it must reach nobody else. */
struct kase {
    const char *state;
    char id[40], case_no[32], query_code[16], notice[40], upload[40];
    long long etag;
    size_t events;
    const char *secrets[10];
};
static struct kase submitted_case, draft_case;
static char lisi_draft[40]; /* lisi's own draft: a case he may see */

static bool is_case_reader(const struct ident *x)
{
    for (size_t i = 0; case_readers[i]; i++)
        if (strcmp(x->username, case_readers[i]) == 0)
            return true;
    return false;
}

/* Uploads doc (len bytes) to owner's library; its public id into id. */
static void upload_as(const struct ident *owner, const char *doc, size_t len, char *id, size_t cap)
{
    char cookie[200], csrf[160];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", owner->c.cookie);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", owner->c.csrf);
    const char *const h[] = {cookie, csrf, "Content-Type: application/octet-stream",
                             "X-File-Name: bola-case.pdf", NULL};
    struct http_resp r;
    assert_int_equal(http_req(&srv, "POST", "/api/v1/uploads", h, doc, len, &r), 0);
    if (r.status != 201 && r.status != 200)
        fail_msg("upload as %s: %ld %s", owner->username, r.status, r.body);
    copy_str(id, cap, json_object_get(r.json, "id"));
    resp_free(&r);
    assert_int_equal(strlen(id), 32);
}

/* POST /api/v1/cases as who with an Idempotency-Key: 201, into k. */
static void case_create(const struct ident *who, const char *key, const char *body, struct kase *k)
{
    char header[128];
    struct http_resp r;
    snprintf(header, sizeof(header), "Idempotency-Key: %s", key);
    assert_int_equal(as_req(who, "POST", "/api/v1/cases", body, header, &r), 0);
    if (r.status != 201)
        fail_msg("create a case as %s: %ld %s", who->username, r.status, r.body);
    copy_str(k->id, sizeof(k->id), json_object_get(r.json, "id"));
    copy_str(k->case_no, sizeof(k->case_no), json_object_get(r.json, "case_no"));
    copy_str(k->query_code, sizeof(k->query_code), json_object_get(r.json, "query_code"));
    k->etag = (long long)json_integer_value(json_object_get(r.json, "etag"));
    resp_free(&r);
    assert_int_equal(strlen(k->id), 32);
    assert_int_equal(strlen(k->case_no), 19);
    assert_int_equal(strlen(k->query_code), 8);
}

/* The number of events of case k, as its owner sees them. */
static size_t case_events(const struct ident *owner, const struct kase *k)
{
    char path[320];
    struct http_resp r;
    snprintf(path, sizeof(path), "/api/v1/cases/%s/events", k->id);
    assert_int_equal(as_req(owner, "GET", path, NULL, NULL, &r), 0);
    if (r.status != 200)
        fail_msg("GET %s as %s: %ld %s", path, owner->username, r.status, r.body);
    size_t n = json_array_size(json_object_get(r.json, "events"));
    resp_free(&r);
    return n;
}

/* zhangsan's submitted case, accepted by window01 (so that a 受理通知书
 * exists), his draft, and lisi's draft: made once. */
static void cases_ready(void)
{
    static bool ready;
    static const char doc[] = "%PDF-1.4\n% " CASE_UPLOAD_MARK "\n%%EOF\n";
    struct ident *owner = by_name("zhangsan"), *window = by_name("window01");
    char body[2048], path[320], header[64];
    struct http_resp r;
    if (ready)
        return;
    if (client_login(&srv, other_org.username, STAFF_PW, &other_org.c, &r) != 200)
        fail_msg("login %s: %ld %s", other_org.username, r.status, r.body);
    resp_free(&r);
    struct kase *k = &submitted_case;
    upload_as(owner, doc, sizeof(doc) - 1, k->upload, sizeof(k->upload));
    snprintf(body, sizeof(body),
             "{\"item\":\"" CASE_ITEM "\",\"values\":{\"company_name\":\"" CASE_COMPANY "\","
             "\"company_type\":\"llc_single\",\"domicile\":\"示范区滨江路88号5幢301室\","
             "\"registered_capital_fen\":10000000,\"legal_rep_name\":\"%s\","
             "\"legal_rep_id\":\"%s\",\"business_scope\":\"" CASE_MARK " 软件开发\","
             "\"phone\":\"%s\"},\"materials\":[{\"index\":0,\"upload\":\"%s\"},"
             "{\"index\":1,\"upload\":\"%s\"},{\"index\":4,\"upload\":\"%s\"},"
             "{\"index\":5,\"upload\":\"%s\"}]}",
             owner->name, owner->full_id, owner->full_phone, k->upload, k->upload, k->upload,
             k->upload);
    case_create(owner, "bola-case-submitted", body, k);
    snprintf(path, sizeof(path), "/api/v1/cases/%s/transitions", k->id);
    snprintf(header, sizeof(header), "If-Match: \"%lld\"", k->etag);
    assert_int_equal(as_req(window, "POST", path, "{\"action\":\"accept\"}", header, &r), 0);
    if (r.status != 200)
        fail_msg("accept as window01: %ld %s", r.status, r.body);
    k->state = "accepted";
    assert_string_equal(json_string_value(json_object_get(r.json, "state")), k->state);
    k->etag = (long long)json_integer_value(json_object_get(r.json, "etag"));
    copy_str(k->notice, sizeof(k->notice),
             json_object_get(json_array_get(json_object_get(r.json, "notices"), 0), "id"));
    resp_free(&r);
    assert_int_equal(strlen(k->notice), 32);
    k->events = case_events(owner, k);
    const char *const secrets[] = {CASE_MARK, CASE_COMPANY, k->case_no,       k->id, k->query_code,
                                   k->notice, k->upload,    CASE_UPLOAD_MARK, NULL};
    memcpy(k->secrets, secrets, sizeof(secrets));

    k = &draft_case;
    case_create(owner, "bola-case-draft",
                "{\"item\":\"" CASE_ITEM "\",\"submit\":false,\"values\":{\"company_name\":"
                "\"" DRAFT_COMPANY "\",\"business_scope\":\"" DRAFT_MARK "\"}}",
                k);
    k->state = "draft";
    k->events = case_events(owner, k);
    const char *const draft_secrets[] = {DRAFT_MARK, DRAFT_COMPANY, k->case_no,
                                         k->id,      k->query_code, NULL};
    memcpy(k->secrets, draft_secrets, sizeof(draft_secrets));

    struct kase lisi = {0};
    case_create(by_name("lisi"), "bola-case-lisi",
                "{\"item\":\"" CASE_ITEM "\",\"submit\":false,\"values\":{}}", &lisi);
    snprintf(lisi_draft, sizeof(lisi_draft), "%s", lisi.id);
    ready = true;
}

/* Both of zhangsan's cases are as made: etag, state, values, events. */
static void cases_unchanged(void)
{
    struct ident *owner = by_name("zhangsan");
    struct kase *const all[] = {&submitted_case, &draft_case};
    const char *const marks[] = {CASE_MARK, DRAFT_MARK};
    for (size_t i = 0; i < 2; i++) {
        char path[320];
        struct http_resp r;
        snprintf(path, sizeof(path), "/api/v1/cases/%s", all[i]->id);
        assert_int_equal(as_req(owner, "GET", path, NULL, NULL, &r), 0);
        const char *scope =
            json_string_value(json_object_get(json_object_get(r.json, "values"), "business_scope"));
        if (r.status != 200 ||
            json_integer_value(json_object_get(r.json, "etag")) != all[i]->etag ||
            strcmp(json_string_value(json_object_get(r.json, "state")), all[i]->state) != 0 ||
            !scope || !strstr(scope, marks[i]))
            fail_msg("case %s was changed by a replay (etag %lld before): %ld %s", all[i]->id,
                     all[i]->etag, r.status, r.body);
        resp_free(&r);
        if (case_events(owner, all[i]) != all[i]->events)
            fail_msg("case %s has new events after the replays", all[i]->id);
    }
}

/* Who replays on a case: everyone but its readers (on the submitted case),
 * everyone but its applicant (on a draft), or everyone. */
enum case_skip { SKIP_READERS, SKIP_OWNER, SKIP_NONE };

/* method path body header by everyone skip leaves, the other
 * organisation's reviewer and the anonymous caller: 403/404 (401), none of
 * zhangsan's data or k's. */
static void replay_case(const struct kase *k, enum case_skip skip, const char *method,
                        const char *path, const char *body, const char *header)
{
    const struct ident *owner = by_name("zhangsan");
    for (size_t b = 0; b < NIDS; b++) {
        if ((skip == SKIP_READERS && is_case_reader(&ids[b])) ||
            (skip == SKIP_OWNER && &ids[b] == owner))
            continue;
        replay(&ids[b], method, path, body, header, owner, k->secrets);
    }
    replay(&other_org, method, path, body, header, owner, k->secrets);
    replay(NULL, method, path, body, header, owner, k->secrets);
}

/* A reader by design gets path: 200, and when carries, the foreign-byte
 * check finds k's data in the answer (so that it finds none elsewhere
 * means something). */
static void reader_gets(const char *who, const char *path, const struct kase *k, bool carries)
{
    struct http_resp r;
    assert_int_equal(as_req(by_name(who), "GET", path, NULL, NULL, &r), 0);
    if (r.status != 200)
        fail_msg("GET %s as %s (a reader by design): %ld %s", path, who, r.status, r.body);
    if (carries) {
        long long saved = foreign_bytes, checked = bytes_checked;
        quiet = true;
        check_foreign(NULL, k->secrets, &r, "positive control");
        quiet = false;
        if (foreign_bytes == saved)
            fail_msg("GET %s as %s: none of the case's data in the answer", path, who);
        foreign_bytes = saved;
        bytes_checked = checked;
    }
    resp_free(&r);
}

static void if_match(char *out, size_t cap, long long etag)
{
    snprintf(out, cap, "If-Match: \"%lld\"", etag);
}

/* GET /api/v1/cases/{id}: the submitted case by its readers (200, with its
 * values) and by everyone else; the draft by anyone but its applicant. The
 * case's material (GET /api/v1/uploads/{id}) goes with it: its staff
 * readers download it now, nobody else. */
static void replay_case_get(void)
{
    char path[320];
    cases_ready();
    snprintf(path, sizeof(path), "/api/v1/cases/%s", submitted_case.id);
    for (size_t i = 0; case_readers[i]; i++)
        reader_gets(case_readers[i], path, &submitted_case, true);
    replay_case(&submitted_case, SKIP_READERS, "GET", path, NULL, NULL);
    snprintf(path, sizeof(path), "/api/v1/cases/%s", draft_case.id);
    reader_gets("zhangsan", path, &draft_case, true);
    replay_case(&draft_case, SKIP_OWNER, "GET", path, NULL, NULL);
    snprintf(path, sizeof(path), "/api/v1/uploads/%s", submitted_case.upload);
    for (size_t i = 0; case_readers[i]; i++)
        reader_gets(case_readers[i], path, &submitted_case, true);
    replay_case(&submitted_case, SKIP_READERS, "GET", path, NULL, NULL);
    cases_unchanged();
}

/* Each body to the submitted case (as everyone who may not see it) and to
 * the draft (as anyone but its applicant) at path /api/v1/cases/{id}<suffix>,
 * with the current If-Match, then the first body with a stale one. */
static void replay_case_writes(const char *method, const char *suffix, const char *const *bodies,
                               size_t n)
{
    char path[320], header[64];
    cases_ready();
    const struct kase *const all[] = {&submitted_case, &draft_case};
    for (size_t i = 0; i < 2; i++) {
        const struct kase *k = all[i];
        enum case_skip skip = i == 0 ? SKIP_READERS : SKIP_OWNER;
        snprintf(path, sizeof(path), "/api/v1/cases/%s%s", k->id, suffix);
        if_match(header, sizeof(header), k->etag);
        for (size_t j = 0; j < n; j++)
            replay_case(k, skip, method, path, bodies[j], header);
        if_match(header, sizeof(header), k->etag + 1);
        replay_case(k, skip, method, path, bodies[0], header);
    }
    cases_unchanged();
}

/* PATCH /api/v1/cases/{id} with the current (and a stale) If-Match: the
 * submitted case by those who may not see it, the draft (the one case a
 * PATCH may change) by anyone but its applicant. */
static void replay_case_patch(void)
{
    static const char *const bodies[] = {
        "{\"values\":{}}",
        "{\"values\":{\"business_scope\":\"越权改写\"}}",
    };
    replay_case_writes("PATCH", "", bodies, sizeof(bodies) / sizeof(bodies[0]));
}

/* POST /api/v1/cases/{id}/transitions: the applicant's, the window's and
 * the handlers' actions with the current If-Match (a stale one must not
 * tell a stranger that the case exists: 404, not 412). */
static void replay_case_transitions(void)
{
    static const char *const bodies[] = {
        "{\"action\":\"withdraw\"}",
        "{\"action\":\"review\",\"opinion\":\"x\"}",
        "{\"action\":\"terminate\",\"reason\":\"越权终止\"}",
        "{\"action\":\"refuse\",\"reason\":\"越权不予受理\"}",
        "{\"action\":\"submit\"}",
    };
    replay_case_writes("POST", "/transitions", bodies, sizeof(bodies) / sizeof(bodies[0]));
}

/* PUT /api/v1/cases/{id}/delivery: the applicant's choice of delivery (with
 * a post address) by everyone who may not see the case. */
static void replay_case_delivery(void)
{
    static const char *const bodies[] = {
        "{\"method\":\"window\"}",
        "{\"method\":\"post\",\"post\":{\"recipient\":\"越权\",\"phone\":\"13800138000\","
        "\"address\":\"越权地址\"}}",
    };
    replay_case_writes("PUT", "/delivery", bodies, sizeof(bodies) / sizeof(bodies[0]));
}

/* GET /api/v1/cases/{id}/events: who acted when, with the staff's names. */
static void replay_case_events(void)
{
    char path[320];
    cases_ready();
    snprintf(path, sizeof(path), "/api/v1/cases/%s/events", submitted_case.id);
    for (size_t i = 0; case_readers[i]; i++)
        reader_gets(case_readers[i], path, &submitted_case, false);
    replay_case(&submitted_case, SKIP_READERS, "GET", path, NULL, NULL);
    snprintf(path, sizeof(path), "/api/v1/cases/%s/events", draft_case.id);
    replay_case(&draft_case, SKIP_OWNER, "GET", path, NULL, NULL);
    cases_unchanged();
}

/* GET /api/v1/cases/{id}/notices/{notice}: the 受理通知书 (its file name
 * carries the case number) by those who may not see the case; and through
 * a case the caller does see (lisi's own draft, zhangsan's draft): a notice
 * belongs to its case only, so everyone gets 404 there. */
static void replay_case_notice(void)
{
    char path[160];
    cases_ready();
    snprintf(path, sizeof(path), "/api/v1/cases/%s/notices/%s", submitted_case.id,
             submitted_case.notice);
    for (size_t i = 0; case_readers[i]; i++)
        reader_gets(case_readers[i], path, &submitted_case, true);
    replay_case(&submitted_case, SKIP_READERS, "GET", path, NULL, NULL);
    snprintf(path, sizeof(path), "/api/v1/cases/%s/notices/%s", lisi_draft, submitted_case.notice);
    replay_case(&submitted_case, SKIP_NONE, "GET", path, NULL, NULL);
    snprintf(path, sizeof(path), "/api/v1/cases/%s/notices/%s", draft_case.id,
             submitted_case.notice);
    replay_case(&submitted_case, SKIP_NONE, "GET", path, NULL, NULL);
    cases_unchanged();
}

/* ---- licences and seals (docs/licences.md) ------------------------------------------ */

/* zhangsan's 居民身份证, imported for the demo and issued by 示范区公安分局,
 * where no demo staff member works: only zhangsan may read it; and a seal
 * (the security administrator's to manage). */
static char licence_no[160], seal_id[40];
static const char *const licence_secrets[] = {"示范市示范区中山路 18 号", NULL};

static void licences_ready(void)
{
    if (licence_no[0])
        return;
    struct http_resp r;
    assert_int_equal(as_req(by_name("zhangsan"), "GET", "/api/v1/me/licences", NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(r.json, "licences"), i, l)
    {
        const char *type = json_string_value(json_object_get(json_object_get(l, "type"), "code"));
        if (type && strcmp(type, "11100000MB00010113001") == 0)
            copy_str(licence_no, sizeof(licence_no), json_object_get(l, "no"));
    }
    resp_free(&r);
    assert_true(licence_no[0]);
    assert_int_equal(as_req(by_name("secadmin"), "GET", "/api/v1/seals", NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    copy_str(seal_id, sizeof(seal_id),
             json_object_get(json_array_get(json_object_get(r.json, "seals"), 0), "id"));
    resp_free(&r);
    assert_int_equal(strlen(seal_id), 16);
}

/* The licence is as it was: valid, version 1, its holder still reads it. */
static void licence_unchanged(void)
{
    char path[256];
    struct http_resp r;
    snprintf(path, sizeof(path), "/api/v1/licences/%s", licence_no);
    assert_int_equal(as_req(by_name("zhangsan"), "GET", path, NULL, NULL, &r), 0);
    if (r.status != 200 || strcmp(json_string_value(json_object_get(r.json, "status")), "valid") ||
        json_integer_value(json_object_get(r.json, "version")) != 1)
        fail_msg("licence changed by a replay: %ld %s", r.status, r.body);
    resp_free(&r);
}

/* path (suffix after the licence number) by everyone but the holder. */
static void replay_licence(const char *method, const char *suffix, const char *body)
{
    char path[320];
    licences_ready();
    snprintf(path, sizeof(path), "/api/v1/licences/%s%s", licence_no, suffix);
    struct ident *holder = by_name("zhangsan");
    for (size_t i = 0; i < NIDS; i++)
        if (&ids[i] != holder)
            replay(&ids[i], method, path, body, NULL, holder, licence_secrets);
    replay(NULL, method, path, body, NULL, holder, licence_secrets);
    licence_unchanged();
}

static void replay_licence_get(void)
{
    replay_licence("GET", "", NULL);
}

static void replay_licence_pdf(void)
{
    replay_licence("GET", "/licence.pdf", NULL);
}

static void replay_licence_file(void)
{
    replay_licence("GET", "/licence.json", NULL);
}

static void replay_licence_change(void)
{
    replay_licence("POST", "/change", "{\"face\":{\"address\":\"越权地址\"},\"reason\":\"越权\"}");
}

static void replay_licence_renew(void)
{
    replay_licence("POST", "/renew", "{\"reason\":\"越权\"}");
}

static void replay_licence_revoke(void)
{
    replay_licence("POST", "/revoke", "{\"reason\":\"越权\"}");
}

/* GET /api/v1/library/licences/{no}: department systems with the
 * licence.query scope only (the test's client has case.read): 403 for all. */
static void replay_library_get(void)
{
    char path[320];
    licences_ready();
    snprintf(path, sizeof(path), "/api/v1/library/licences/%s?purpose=x", licence_no);
    struct ident *holder = by_name("zhangsan");
    for (size_t i = 0; i < NIDS; i++)
        replay(&ids[i], "GET", path, NULL, NULL, holder, licence_secrets);
    replay(NULL, "GET", path, NULL, NULL, holder, licence_secrets);
}

/* The seal's routes of seal.manage by everyone but the security
 * administrator; the seal stays active with no more uses. */
static void replay_seal(const char *method, const char *suffix, const char *body)
{
    char path[160];
    licences_ready();
    snprintf(path, sizeof(path), "/api/v1/seals/%s%s", seal_id, suffix);
    struct ident *sec = by_name("secadmin");
    for (size_t i = 0; i < NIDS; i++)
        if (&ids[i] != sec)
            replay(&ids[i], method, path, body, NULL, NULL, NULL);
    replay(NULL, method, path, body, NULL, NULL, NULL);
    struct http_resp r;
    snprintf(path, sizeof(path), "/api/v1/seals/%s", seal_id);
    assert_int_equal(as_req(NULL, "GET", path, NULL, NULL, &r), 0);
    if (r.status != 200 || strcmp(json_string_value(json_object_get(r.json, "status")), "active"))
        fail_msg("seal changed by a replay: %ld %s", r.status, r.body);
    resp_free(&r);
}

static void replay_seal_rotate(void)
{
    replay_seal("POST", "/rotate", NULL);
}

static void replay_seal_revoke(void)
{
    replay_seal("POST", "/revoke", "{\"reason\":\"越权\"}");
}

static void replay_seal_uses(void)
{
    replay_seal("GET", "/uses", NULL);
}

/* PUT /api/v1/licence-types/{code}: the system administrator's only. */
static void replay_licence_type_put(void)
{
    static const char body[] = "{\"name\":\"越权改名\",\"holder_kind\":\"org\",\"fields\":[]}";
    struct ident *sys = by_name("sysadmin");
    for (size_t i = 0; i < NIDS; i++)
        if (&ids[i] != sys)
            replay(&ids[i], "PUT", "/api/v1/licence-types/11100000MB0001038T001", body,
                   "If-Match: \"1\"", NULL, NULL);
    replay(NULL, "PUT", "/api/v1/licence-types/11100000MB0001038T001", body, "If-Match: \"1\"",
           NULL, NULL);
    struct http_resp r;
    assert_int_equal(
        as_req(NULL, "GET", "/api/v1/licence-types/11100000MB0001038T001", NULL, NULL, &r), 0);
    if (r.status != 200 || strcmp(json_string_value(json_object_get(r.json, "name")), "营业执照"))
        fail_msg("licence type changed by a replay: %ld %s", r.status, r.body);
    resp_free(&r);
}

static struct replay_case {
    const char *method, *pattern;
    void (*run)(void);
    long long replays; /* made by run */
} cases[] = {
    {"GET", "/api/v1/licences/{no}", replay_licence_get, 0},
    {"GET", "/api/v1/licences/{no}/licence.pdf", replay_licence_pdf, 0},
    {"GET", "/api/v1/licences/{no}/licence.json", replay_licence_file, 0},
    {"POST", "/api/v1/licences/{no}/change", replay_licence_change, 0},
    {"POST", "/api/v1/licences/{no}/renew", replay_licence_renew, 0},
    {"POST", "/api/v1/licences/{no}/revoke", replay_licence_revoke, 0},
    {"GET", "/api/v1/library/licences/{no}", replay_library_get, 0},
    {"POST", "/api/v1/seals/{id}/rotate", replay_seal_rotate, 0},
    {"POST", "/api/v1/seals/{id}/revoke", replay_seal_revoke, 0},
    {"GET", "/api/v1/seals/{id}/uses", replay_seal_uses, 0},
    {"PUT", "/api/v1/licence-types/{code}", replay_licence_type_put, 0},
    {"DELETE", "/api/v1/me/sessions/{id}", replay_end_session, 0},
    {"PATCH", "/api/v1/staff/{id}", replay_patch_staff, 0},
    {"POST", "/api/v1/accounts/{id}/reveal", replay_reveal, 0},
    {"PATCH", "/api/v1/api-clients/{id}", replay_patch_client, 0},
    {"DELETE", "/api/v1/me/agents/{id}", replay_revoke_grant, 0},
    {"PATCH", "/api/v1/orgs/{code}", replay_patch_org, 0},
    {"GET", "/api/v1/halls/{code}", replay_get_hall, 0},
    {"PATCH", "/api/v1/halls/{code}", replay_patch_hall, 0},
    {"POST", "/api/v1/halls/{code}/windows", replay_add_window, 0},
    {"PUT", "/api/v1/halls/{code}/windows/{window}", replay_put_window, 0},
    {"GET", "/api/v1/items/{code}", replay_item_get, 0},
    {"GET", "/api/v1/items/{code}/versions", replay_item_versions, 0},
    {"GET", "/api/v1/items/{code}/versions/{version}", replay_item_version, 0},
    {"GET", "/api/v1/items/{code}/transfers", replay_item_transfers, 0},
    {"GET", "/api/v1/items/{code}/guide.pdf", replay_item_pdf, 0},
    {"GET", "/api/v1/items/{code}/qr.svg", replay_item_qr_svg, 0},
    {"GET", "/api/v1/items/{code}/qr.png", replay_item_qr_png, 0},
    {"GET", "/api/v1/catalogue/items/{code}", replay_admin_item, 0},
    {"PUT", "/api/v1/items/{code}", replay_item_put, 0},
    {"POST", "/api/v1/items/{code}/status", replay_item_status, 0},
    {"POST", "/api/v1/items/{code}/transfer", replay_item_transfer, 0},
    {"GET", "/api/v1/uploads/{id}", replay_get_upload, 0},
    {"GET", "/api/v1/cases/{id}", replay_case_get, 0},
    {"PATCH", "/api/v1/cases/{id}", replay_case_patch, 0},
    {"POST", "/api/v1/cases/{id}/transitions", replay_case_transitions, 0},
    {"GET", "/api/v1/cases/{id}/events", replay_case_events, 0},
    {"PUT", "/api/v1/cases/{id}/delivery", replay_case_delivery, 0},
    {"GET", "/api/v1/cases/{id}/notices/{notice}", replay_case_notice, 0},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* Routes with a path parameter that names no object: nobody owns it. A
 * route joins this list only with a reason. */
static const struct {
    const char *method, *pattern, *why;
} not_objects[] = {
    {"GET", "/api/v1/calendar/days/{date}", "a calendar date: public reference data"},
    {"GET", "/items/{code}",
     "a static page, the same for any code: its script reads the code from the address and asks "
     "GET /api/v1/items/{code}, which has its case"},
    {"GET", "/api/v1/licence-types/{code}", "a licence type: public reference data"},
    {"GET", "/api/v1/seals/{id}",
     "a seal's published public key and metadata: public by design, "
     "so that anyone can check a licence offline"},
    {"GET", "/api/v1/seals/{id}/image.png", "the seal image, printed on every licence: public"},
    {"GET", "/api/v1/demo/files/{name}",
     "a sample file of the demonstration by its name (data/demo/files, built in): the same "
     "public bytes for everyone, on demo installations only"},
};

static void run_case(const char *method, const char *pattern)
{
    for (size_t i = 0; i < NCASES; i++) {
        if (strcmp(cases[i].method, method) != 0 || strcmp(cases[i].pattern, pattern) != 0)
            continue;
        long long before = replays, foreign_before = foreign_bytes;
        cases[i].run();
        cases[i].replays = replays - before;
        assert_true(cases[i].replays > 0);
        if (foreign_bytes != foreign_before)
            fail_msg("%lld foreign bytes in answers to replays of %s %s",
                     foreign_bytes - foreign_before, method, pattern);
        return;
    }
    fail_msg("no case %s %s", method, pattern);
}

static void test_end_session(void **state)
{
    (void)state;
    run_case("DELETE", "/api/v1/me/sessions/{id}");
}

static void test_patch_staff(void **state)
{
    (void)state;
    run_case("PATCH", "/api/v1/staff/{id}");
}

static void test_reveal(void **state)
{
    (void)state;
    run_case("POST", "/api/v1/accounts/{id}/reveal");
}

static void test_patch_api_client(void **state)
{
    (void)state;
    run_case("PATCH", "/api/v1/api-clients/{id}");
}

static void test_revoke_agent_grant(void **state)
{
    (void)state;
    run_case("DELETE", "/api/v1/me/agents/{id}");
}

static void test_item_get(void **state)
{
    (void)state;
    run_case("GET", "/api/v1/items/{code}");
}

static void test_item_guide(void **state)
{
    (void)state;
    run_case("GET", "/api/v1/items/{code}/guide.pdf");
    run_case("GET", "/api/v1/items/{code}/qr.svg");
    run_case("GET", "/api/v1/items/{code}/qr.png");
}

static void test_item_versions(void **state)
{
    (void)state;
    run_case("GET", "/api/v1/items/{code}/versions");
}

static void test_item_version(void **state)
{
    (void)state;
    run_case("GET", "/api/v1/items/{code}/versions/{version}");
}

static void test_item_transfers(void **state)
{
    (void)state;
    run_case("GET", "/api/v1/items/{code}/transfers");
}

static void test_admin_item(void **state)
{
    (void)state;
    run_case("GET", "/api/v1/catalogue/items/{code}");
}

static void test_item_put(void **state)
{
    (void)state;
    run_case("PUT", "/api/v1/items/{code}");
}

static void test_item_status(void **state)
{
    (void)state;
    run_case("POST", "/api/v1/items/{code}/status");
}

static void test_item_transfer(void **state)
{
    (void)state;
    run_case("POST", "/api/v1/items/{code}/transfer");
}

static void test_get_upload(void **state)
{
    (void)state;
    run_case("GET", "/api/v1/uploads/{id}");
}

static void test_patch_org(void **state)
{
    (void)state;
    run_case("PATCH", "/api/v1/orgs/{code}");
}

static void test_get_hall(void **state)
{
    (void)state;
    run_case("GET", "/api/v1/halls/{code}");
}

static void test_patch_hall(void **state)
{
    (void)state;
    run_case("PATCH", "/api/v1/halls/{code}");
}

static void test_add_window(void **state)
{
    (void)state;
    run_case("POST", "/api/v1/halls/{code}/windows");
}

static void test_put_window(void **state)
{
    (void)state;
    run_case("PUT", "/api/v1/halls/{code}/windows/{window}");
}

static void test_case_get(void **state)
{
    (void)state;
    run_case("GET", "/api/v1/cases/{id}");
}

static void test_case_patch(void **state)
{
    (void)state;
    run_case("PATCH", "/api/v1/cases/{id}");
}

static void test_case_transitions(void **state)
{
    (void)state;
    run_case("POST", "/api/v1/cases/{id}/transitions");
}

static void test_case_events(void **state)
{
    (void)state;
    run_case("GET", "/api/v1/cases/{id}/events");
}

static void test_case_delivery(void **state)
{
    (void)state;
    run_case("PUT", "/api/v1/cases/{id}/delivery");
}

static void test_case_notice(void **state)
{
    (void)state;
    run_case("GET", "/api/v1/cases/{id}/notices/{notice}");
}

static void test_licences(void **state)
{
    (void)state;
    run_case("GET", "/api/v1/licences/{no}");
    run_case("GET", "/api/v1/licences/{no}/licence.pdf");
    run_case("GET", "/api/v1/licences/{no}/licence.json");
    run_case("POST", "/api/v1/licences/{no}/change");
    run_case("POST", "/api/v1/licences/{no}/renew");
    run_case("POST", "/api/v1/licences/{no}/revoke");
    run_case("GET", "/api/v1/library/licences/{no}");
}

static void test_seals_and_types(void **state)
{
    (void)state;
    run_case("POST", "/api/v1/seals/{id}/rotate");
    run_case("POST", "/api/v1/seals/{id}/revoke");
    run_case("GET", "/api/v1/seals/{id}/uses");
    run_case("PUT", "/api/v1/licence-types/{code}");
}

/* X-On-Behalf-Of carries an object id too: only the grant's agent acts
 * with it. Everyone else (the principal included) gets 403 and nothing of
 * the principal; the API client, which authenticates without a session,
 * must not come to act for anyone either. */
static void test_on_behalf_of_header(void **state)
{
    (void)state;
    long long before = foreign_bytes;
    for (size_t i = 0; i < NGRANTS; i++) {
        char header[96];
        snprintf(header, sizeof(header), "X-On-Behalf-Of: %s", grants[i].id);
        const struct ident *principal = by_name(grants[i].principal);
        const struct ident *agent = by_name(grants[i].agent);
        /* The agent: acts for the principal (the positive control). */
        struct http_resp r;
        assert_int_equal(as_req(agent, "GET", "/api/v1/me", NULL, header, &r), 0);
        assert_int_equal(r.status, 200);
        json_t *af = json_object_get(r.json, "acting_for");
        assert_int_equal(json_integer_value(json_object_get(af, "id")), principal->c.account_id);
        /* ... and the foreign-byte check sees the principal's name there. */
        long long saved = foreign_bytes;
        quiet = true;
        check_foreign(principal, NULL, &r, "positive control");
        quiet = false;
        assert_true(foreign_bytes > saved);
        foreign_bytes = saved;
        resp_free(&r);
        const char *extra[] = {grants[i].id, NULL};
        for (size_t b = 0; b < NIDS; b++) {
            if (&ids[b] == agent)
                continue;
            if (&ids[b] == CLIENT) {
                assert_int_equal(as_req(CLIENT, "GET", "/api/v1/me", NULL, header, &r), 0);
                replays++;
                if (r.status == 200 && json_object_get(r.json, "acting_for"))
                    fail_msg("the API client acts for %s with a grant not its own",
                             principal->username);
                if (r.status != 200 && r.status != 403)
                    fail_msg("API client with %s: %ld %s", header, r.status, r.body);
                check_foreign(principal, extra, &r, "API client with X-On-Behalf-Of");
                resp_free(&r);
                continue;
            }
            replay(&ids[b], "GET", "/api/v1/me", NULL, header, principal, extra);
        }
        replay(NULL, "GET", "/api/v1/me", NULL, header, principal, extra);
    }
    assert_int_equal(foreign_bytes, before);
}

/* Every route of the table with an id in its path has a replay case that
 * ran (or is listed, with a reason, as naming no object). */
static void test_every_object_route_is_covered(void **state)
{
    (void)state;
    char missing[2048] = "";
    int nmissing = 0, nobject = 0;
    for (size_t r = 0; r < tb_routes_count; r++) {
        const struct tb_route *rt = &tb_routes[r];
        if (!strchr(rt->pattern, '{'))
            continue;
        bool exempt = false;
        for (size_t k = 0; k < sizeof(not_objects) / sizeof(not_objects[0]); k++)
            exempt |= strcmp(not_objects[k].method, rt->method) == 0 &&
                      strcmp(not_objects[k].pattern, rt->pattern) == 0;
        if (exempt)
            continue;
        nobject++;
        bool covered = false;
        for (size_t k = 0; k < NCASES; k++)
            covered |= strcmp(cases[k].method, rt->method) == 0 &&
                       strcmp(cases[k].pattern, rt->pattern) == 0 && cases[k].replays > 0;
        if (!covered) {
            nmissing++;
            size_t l = strlen(missing);
            snprintf(missing + l, sizeof(missing) - l, "\n  %s %s (permission %s)", rt->method,
                     rt->pattern, rt->permission);
        }
    }
    if (nmissing)
        fail_msg("%d route(s) with an object id and no BOLA replay case in test_bola.c:%s",
                 nmissing, missing);
    assert_true(nobject >= 5);
    /* Cases and exemptions for routes that no longer exist are stale. */
    for (size_t k = 0; k < NCASES; k++) {
        bool found = false;
        for (size_t r = 0; r < tb_routes_count; r++)
            found |= strcmp(cases[k].method, tb_routes[r].method) == 0 &&
                     strcmp(cases[k].pattern, tb_routes[r].pattern) == 0;
        if (!found)
            fail_msg("replay case %s %s names no route", cases[k].method, cases[k].pattern);
    }
    for (size_t k = 0; k < sizeof(not_objects) / sizeof(not_objects[0]); k++) {
        bool found = false;
        for (size_t r = 0; r < tb_routes_count; r++)
            found |= strcmp(not_objects[k].method, tb_routes[r].method) == 0 &&
                     strcmp(not_objects[k].pattern, tb_routes[r].pattern) == 0;
        if (!found)
            fail_msg("exemption %s %s names no route", not_objects[k].method,
                     not_objects[k].pattern);
    }
    assert_int_equal(foreign_bytes, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_end_session),
        cmocka_unit_test(test_patch_staff),
        cmocka_unit_test(test_reveal),
        cmocka_unit_test(test_patch_api_client),
        cmocka_unit_test(test_revoke_agent_grant),
        cmocka_unit_test(test_patch_org),
        cmocka_unit_test(test_get_hall),
        cmocka_unit_test(test_patch_hall),
        cmocka_unit_test(test_add_window),
        cmocka_unit_test(test_put_window),
        cmocka_unit_test(test_item_get),
        cmocka_unit_test(test_item_versions),
        cmocka_unit_test(test_item_guide),
        cmocka_unit_test(test_item_version),
        cmocka_unit_test(test_item_transfers),
        cmocka_unit_test(test_admin_item),
        cmocka_unit_test(test_item_put),
        cmocka_unit_test(test_item_status),
        cmocka_unit_test(test_item_transfer),
        cmocka_unit_test(test_get_upload),
        cmocka_unit_test(test_case_get),
        cmocka_unit_test(test_case_patch),
        cmocka_unit_test(test_case_transitions),
        cmocka_unit_test(test_case_events),
        cmocka_unit_test(test_case_notice),
        cmocka_unit_test(test_case_delivery),
        cmocka_unit_test(test_licences),
        cmocka_unit_test(test_seals_and_types),
        cmocka_unit_test(test_on_behalf_of_header),
        cmocka_unit_test(test_every_object_route_is_covered),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
