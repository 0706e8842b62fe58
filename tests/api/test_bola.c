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

static int setup(void **state)
{
    (void)state;
    if (server_start(&srv, true, NULL) != 0)
        return -1;
    struct ident *sys = by_name("sysadmin");
    return login_all() == 0 && make_staff(sys) == 0 && make_clients(sys) == 0 && make_grants() == 0
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
        char path[96];
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
        char path[96];
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
        char path[96];
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
        char path[96];
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
        char path[96];
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
        char path[96];
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
        char path[96];
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

static struct replay_case {
    const char *method, *pattern;
    void (*run)(void);
    long long replays; /* made by run */
} cases[] = {
    {"DELETE", "/api/v1/me/sessions/{id}", replay_end_session, 0},
    {"PATCH", "/api/v1/staff/{id}", replay_patch_staff, 0},
    {"POST", "/api/v1/accounts/{id}/reveal", replay_reveal, 0},
    {"PATCH", "/api/v1/api-clients/{id}", replay_patch_client, 0},
    {"DELETE", "/api/v1/me/agents/{id}", replay_revoke_grant, 0},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* Routes with a path parameter that names no object: nobody owns it. A
 * route joins this list only with a reason. */
static const struct {
    const char *method, *pattern, *why;
} not_objects[] = {
    {"GET", "/api/v1/calendar/days/{date}", "a calendar date: public reference data"},
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
        cmocka_unit_test(test_on_behalf_of_header),
        cmocka_unit_test(test_every_object_route_is_covered),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
