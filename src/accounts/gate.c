/*
 * gate.c - the one authorisation gate (SPEC §15, OWASP ASVS V4).
 *
 * Every route that is not "public" comes through here before its handler:
 *   1. who: the session cookie (256-bit token, looked up by its HMAC), not
 *      revoked, not past its idle or absolute end, account active;
 *   2. CSRF: a state-changing request carrying the cookie must send the
 *      session's CSRF token and, when the browser names one, our Origin;
 *   3. a password that must be changed allows only the routes of one's own
 *      account and session (/api/v1/me..., logging out): nothing else, not
 *      even "self" routes that reach other objects (cases, uploads);
 *   4. what: the principal's roles grant the route's permission.
 * Data scope (own objects, own organisation) is the handler's part: it
 * answers 404 for an object outside the caller's scope, exactly as for a
 * missing one. Anything not allowed here is refused: deny by default.
 */
#include "accounts/internal.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/timeutil.h"

#include <string.h>
#include <strings.h>

/* last_seen_at is written at most this often per session. */
#define TOUCH_EVERY_MS 60000

/* The value of cookie name in a Cookie header, copied into the arena. */
static const char *cookie_value(struct tb_req *req, const char *name)
{
    const char *h = tb_req_header(req, "Cookie");
    size_t nl = strlen(name);
    while (h && *h) {
        while (*h == ' ' || *h == ';')
            h++;
        const char *end = strchr(h, ';');
        size_t len = end ? (size_t)(end - h) : strlen(h);
        if (len > nl && strncmp(h, name, nl) == 0 && h[nl] == '=')
            return tb_arena_strndup(&req->arena, h + nl + 1, len - nl - 1);
        h = end;
    }
    return NULL;
}

const char *accounts_session_token(struct tb_req *req)
{
    return cookie_value(req, SESSION_COOKIE);
}

static bool is_state_changing(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
           strcmp(method, "OPTIONS") != 0;
}

/* RULE: OWASP ASVS 4.0.3 V3.5.3 / V4.2.2: Origin check for cookie requests */
static bool origin_ok(struct tb_req *req)
{
    const char *origin = tb_req_header(req, "Origin");
    const char *host = tb_req_header(req, "Host");
    if (!origin)
        return true; /* non-browser clients; the token still has to match */
    if (!host)
        return false;
    const char *p = strstr(origin, "://");
    return p && strcasecmp(p + 3, host) == 0;
}

struct touch {
    int64_t session_id;
    int64_t now;
};

static int touch_session(struct tb_db_conn *c, void *ctx)
{
    struct touch *t = ctx;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, "UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, t->session_id);
    tb_db_bind_int64(s, 2, t->now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

/* A department system: "Authorization: Bearer <client_id>.<secret>". No
 * cookie, so no CSRF; the secret is compared by its HMAC in constant time. */
static int client_gate(struct tb_req *req, const struct tb_route *route, const char *auth)
{
    struct tb_app *app = req->app;
    const char *cred = auth + 7;
    const char *dot = strchr(cred, '.');
    if (strncmp(auth, "Bearer ", 7) != 0 || !dot || dot - cred > 64 || strlen(dot + 1) > 128)
        return TB_ERR_UNAUTHENTICATED;
    char cid[65];
    memcpy(cid, cred, (size_t)(dot - cred));
    cid[dot - cred] = '\0';
    unsigned char h[TB_HMAC_SM3_LEN];
    if (tb_hmac_sm3(app->keys.token_mac, TB_KEY_LEN, dot + 1, strlen(dot + 1), h) < 0)
        return TB_ERR_INTERNAL;
    struct tb_db_conn *c;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc == 0)
        rc = tb_db_prepare(c,
                           "SELECT id, secret_hash, scopes, coalesce(org_id, 0) FROM api_clients "
                           "WHERE client_id = ?1 AND status = 'active'",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, cid, -1);
    rc = tb_db_step(s);
    bool ok = rc == TB_DB_ROW && tb_db_column_bytes(s, 1) == sizeof(h) &&
              tb_ct_equal(h, tb_db_column_blob(s, 1), sizeof(h));
    struct principal *p = ok ? tb_arena_calloc(&req->arena, sizeof(*p)) : NULL;
    if (p) {
        p->client_id = tb_db_column_int64(s, 0);
        p->scopes = tb_arena_strdup(&req->arena, tb_db_column_text(s, 2));
        p->org_id = tb_db_column_int64(s, 3);
        p->kind = ACCOUNT_STAFF;
        p->role_name = tb_arena_printf(&req->arena, "api_client:%s", cid);
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (!ok)
        return TB_ERR_UNAUTHENTICATED;
    if (!p || !p->scopes || !p->role_name)
        return TB_ERR_NOMEM;
    req->user = p;
    return principal_has(p, route->permission) ? TB_OK : TB_ERR_FORBIDDEN;
}

/* 代办: "X-On-Behalf-Of: <grant id>" makes an agent act for the applicant
 * who granted it, while the grant is valid; every audit event then names
 * both. A grant that is not the caller's, expired or revoked: 403. */
static int agent_acting(struct tb_req *req, struct principal *p, const char *grant_id)
{
    struct tb_app *app = req->app;
    struct tb_db_conn *c;
    struct tb_db_stmt *s = NULL;
    int64_t now = tb_time_now_ms();
    int rc = tb_db_read_conn(app->db, &c);
    if (rc == 0)
        rc = tb_db_prepare(c,
                           "SELECT principal_id FROM agent_grants WHERE public_id = ?1 "
                           "AND agent_id = ?2 AND revoked_at IS NULL AND valid_from <= ?3 "
                           "AND valid_until > ?3",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, grant_id, -1);
    tb_db_bind_int64(s, 2, p->account_id);
    tb_db_bind_int64(s, 3, now);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW)
        p->on_behalf_of = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    return rc == TB_DB_ROW ? TB_OK : TB_ERR_FORBIDDEN;
}

/* The routes open to someone who must change their password first: their
 * own account and sessions (to change it, or to leave). */
static bool password_change_route(const struct tb_route *route)
{
    return strcmp(route->permission, "self") == 0 &&
           (strncmp(route->pattern, "/api/v1/me", 10) == 0 ||
            strcmp(route->pattern, "/api/v1/sessions/current") == 0);
}

int accounts_gate(struct tb_req *req, const struct tb_route *route)
{
    struct tb_app *app = req->app;
    const char *auth = tb_req_header(req, "Authorization");
    if (auth && !tb_req_header(req, "Cookie")) {
        if (tb_req_header(req, "X-On-Behalf-Of"))
            return TB_ERR_FORBIDDEN; /* a system never acts as an agent */
        return client_gate(req, route, auth);
    }
    const char *token = cookie_value(req, SESSION_COOKIE);
    if (!token || strlen(token) != 43) /* base64url of 32 bytes */
        return TB_ERR_UNAUTHENTICATED;
    unsigned char th[TB_HMAC_SM3_LEN];
    if (tb_hmac_sm3(app->keys.token_mac, TB_KEY_LEN, token, strlen(token), th) < 0)
        return TB_ERR_INTERNAL;

    struct tb_db_conn *c;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc < 0)
        return rc;
    struct tb_db_stmt *s = NULL;
    rc = tb_db_prepare(c,
                       "SELECT id, account_id, csrf_hash, last_seen_at, idle_ms, expires_at "
                       "FROM sessions WHERE token_hash = ?1 AND revoked_at IS NULL",
                       &s);
    if (rc < 0)
        return rc;
    tb_db_bind_blob(s, 1, th, sizeof(th));
    rc = tb_db_step(s);
    if (rc != TB_DB_ROW) {
        tb_db_stmt_done(s);
        return rc < 0 ? rc : TB_ERR_UNAUTHENTICATED;
    }
    int64_t sid = tb_db_column_int64(s, 0), account_id = tb_db_column_int64(s, 1);
    unsigned char csrf_hash[TB_HMAC_SM3_LEN];
    bool csrf_ok_len = tb_db_column_bytes(s, 2) == sizeof(csrf_hash);
    if (csrf_ok_len)
        memcpy(csrf_hash, tb_db_column_blob(s, 2), sizeof(csrf_hash));
    int64_t last_seen = tb_db_column_int64(s, 3), idle = tb_db_column_int64(s, 4),
            expires = tb_db_column_int64(s, 5);
    tb_db_stmt_done(s);

    /* RULE: issue 4 idle timeout (15 min staff, 30 min applicants), absolute 12 h */
    int64_t now = tb_time_now_ms();
    if (now >= expires || now - last_seen >= idle)
        return TB_ERR_UNAUTHENTICATED;

    struct account acc;
    rc = store_account_by_id(c, account_id, &req->arena, &acc);
    if (rc < 0)
        return rc == TB_ERR_NOT_FOUND ? TB_ERR_UNAUTHENTICATED : rc;
    if (acc.disabled)
        return TB_ERR_UNAUTHENTICATED;

    if (is_state_changing(req->method)) {
        const char *csrf = tb_req_header(req, "X-CSRF-Token");
        unsigned char ch[TB_HMAC_SM3_LEN];
        if (!csrf || !csrf_ok_len || !origin_ok(req) ||
            tb_hmac_sm3(app->keys.token_mac, TB_KEY_LEN, csrf, strlen(csrf), ch) < 0 ||
            !tb_ct_equal(ch, csrf_hash, sizeof(ch)))
            return TB_ERR_CSRF;
    }

    struct principal *p = tb_arena_calloc(&req->arena, sizeof(*p));
    if (!p)
        return TB_ERR_NOMEM;
    principal_from_account(&acc, sid, p);
    req->user = p;
    /* RULE: issue 4 staff passwords rotate every 90 days; one-time passwords */
    if (p->must_change_password && !password_change_route(route))
        return TB_ERR_PASSWORD_CHANGE;
    if (!principal_has(p, route->permission))
        return TB_ERR_FORBIDDEN;
    const char *acting = tb_req_header(req, "X-On-Behalf-Of");
    if (acting && (rc = agent_acting(req, p, acting)) < 0)
        return rc;

    if (now - last_seen >= TOUCH_EVERY_MS) {
        struct touch t = {sid, now};
        tb_db_write(app->db, touch_session, &t); /* best effort: the request goes on */
    }
    return TB_OK;
}
