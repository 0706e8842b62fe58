/*
 * api_delegation.c - those who act for someone else:
 *   API clients: department systems with a client id and a secret (shown
 *       once, stored as its HMAC), scoped permissions, managed by the
 *       system administrator;
 *   agents (代办员): an applicant authorises another person, with a scope
 *       and an end date; the agent then sends X-On-Behalf-Of with the grant
 *       id and every action names both (SPEC §3).
 */
#include "accounts/internal.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "calendar/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLIENT_NAME_MAX  100
#define GRANT_MAX_DAYS   366
#define CLIENTS_LIST_MAX 500

static json_t *iso(int64_t ms)
{
    char b[32];
    tb_time_format_iso(ms, b, sizeof(b));
    return json_string(b);
}

/* ---- API clients ------------------------------------------------------------------ */

struct client_new {
    struct tb_app *app;
    struct tb_req *req;
    const char *name, *scopes;
    int64_t org_id, id;
    char client_id[40], secret[64];
    bool bad_org;
};

static int write_client_new(struct tb_db_conn *c, void *ctx)
{
    struct client_new *w = ctx;
    struct tb_db_stmt *s = NULL;
    int rc;
    if (w->org_id) {
        rc = tb_db_prepare(c, "SELECT 1 FROM orgs WHERE id = ?1", &s);
        if (rc < 0)
            return rc;
        tb_db_bind_int64(s, 1, w->org_id);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc != TB_DB_ROW) {
            w->bad_org = true;
            return rc < 0 ? rc : TB_ERR_INVALID;
        }
    }
    unsigned char h[TB_HMAC_SM3_LEN];
    if ((rc = tb_hmac_sm3(w->app->keys.token_mac, TB_KEY_LEN, w->secret, strlen(w->secret), h)) < 0)
        return rc;
    int64_t now = tb_time_now_ms();
    rc =
        tb_db_prepare(c,
                      "INSERT INTO api_clients(client_id, secret_hash, name, org_id, scopes, "
                      "created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                      &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, w->client_id, -1);
    tb_db_bind_blob(s, 2, h, sizeof(h));
    tb_db_bind_text(s, 3, w->name, -1);
    if (w->org_id)
        tb_db_bind_int64(s, 4, w->org_id);
    else
        tb_db_bind_null(s, 4);
    tb_db_bind_text(s, 5, w->scopes, -1);
    tb_db_bind_int64(s, 6, ((const struct principal *)w->req->user)->account_id);
    tb_db_bind_int64(s, 7, now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    w->id = tb_db_last_insert_id(c);
    struct audit_event e;
    audit_from_req(w->req, w->req->user, &e);
    e.action = "api_client.create";
    e.object_type = "api_client";
    e.object_id = w->client_id;
    e.after_json =
        accounts_json_text(w->req, json_pack("{s:s,s:s}", "name", w->name, "scopes", w->scopes));
    return audit_append(c, &w->app->audit, &e, NULL);
}

int accounts_api_clients_create(struct tb_req *req)
{
    static const char *const fields[] = {"name", "org_id", "scopes", NULL};
    struct tb_app *app = req->app;
    struct client_new w = {0};
    int rc;
    long long org = 0;
    w.app = app;
    w.req = req;
    if ((rc = accounts_only_fields(req, fields)) < 0 ||
        (rc = accounts_need_string(req, "name", CLIENT_NAME_MAX, &w.name, "系统名称")) < 0)
        return rc;
    if (tb_json_get_int(req->json, "org_id", false, 1, INT64_MAX, &org) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "org_id", "所属机构无效",
                               "org_id must be an organisation id");
    json_t *a = json_object_get(req->json, "scopes");
    size_t i;
    json_t *v;
    char scopes[256] = "";
    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > 8)
        return tb_resp_problem(req, TB_ERR_INVALID, "scopes", "请至少选择一项接口权限",
                               "scopes must list at least one permission");
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v) || !client_scope_valid(json_string_value(v)))
            return tb_resp_problem(req, TB_ERR_INVALID, "scopes", "含有不能授予接口的权限",
                                   "A scope is not one an API client can hold");
        size_t l = strlen(scopes);
        snprintf(scopes + l, sizeof(scopes) - l, "%s%s", l ? " " : "", json_string_value(v));
    }
    w.scopes = scopes;
    w.org_id = org;
    unsigned char rid[8];
    if ((rc = tb_random(rid, sizeof(rid))) < 0)
        return rc;
    memcpy(w.client_id, "tbc_", 4);
    if ((rc = tb_hex_encode(rid, sizeof(rid), w.client_id + 4, sizeof(w.client_id) - 4)) < 0 ||
        (rc = accounts_random_token(w.secret)) < 0)
        return rc;
    rc = tb_db_write(app->db, write_client_new, &w);
    if (w.bad_org)
        return tb_resp_problem(req, TB_ERR_INVALID, "org_id", "所属机构不存在",
                               "No such organisation");
    if (rc < 0)
        return rc;
    return tb_resp_json(req, 201,
                        json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)w.id, "client_id",
                                  w.client_id, "secret", w.secret, "name", w.name, "scopes",
                                  w.scopes));
}

int accounts_api_clients_list(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct tb_db_conn *c;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc == 0)
        rc = tb_db_prepare(c,
                           "SELECT id, client_id, name, org_id, scopes, status, created_at "
                           "FROM api_clients ORDER BY id LIMIT ?1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, CLIENTS_LIST_MAX);
    json_t *list = json_array();
    while ((rc = tb_db_step(s)) == TB_DB_ROW)
        json_array_append_new(
            list, json_pack("{s:I,s:s,s:s,s:o,s:s,s:s,s:o}", "id",
                            (json_int_t)tb_db_column_int64(s, 0), "client_id",
                            tb_db_column_text(s, 1), "name", tb_db_column_text(s, 2), "org_id",
                            tb_db_column_is_null(s, 3) ? json_null()
                                                       : json_integer(tb_db_column_int64(s, 3)),
                            "scopes", tb_db_column_text(s, 4), "status", tb_db_column_text(s, 5),
                            "created_at", iso(tb_db_column_int64(s, 6))));
    tb_db_stmt_done(s);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    return tb_resp_json(req, 200, json_pack("{s:o}", "clients", list));
}

struct client_status {
    struct tb_app *app;
    struct tb_req *req;
    int64_t id;
    const char *status;
};

static int write_client_status(struct tb_db_conn *c, void *ctx)
{
    struct client_status *w = ctx;
    struct tb_db_stmt *s = NULL;
    int rc =
        tb_db_prepare(c, "UPDATE api_clients SET status = ?2, updated_at = ?3 WHERE id = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, w->id);
    tb_db_bind_text(s, 2, w->status, -1);
    tb_db_bind_int64(s, 3, tb_time_now_ms());
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (tb_db_changes(c) == 0)
        return TB_ERR_NOT_FOUND;
    struct audit_event e;
    char oid[24];
    audit_from_req(w->req, w->req->user, &e);
    snprintf(oid, sizeof(oid), "%lld", (long long)w->id);
    e.action = "api_client.update";
    e.object_type = "api_client";
    e.object_id = oid;
    e.after_json = accounts_json_text(w->req, json_pack("{s:s}", "status", w->status));
    return audit_append(c, &w->app->audit, &e, NULL);
}

int accounts_api_clients_update(struct tb_req *req)
{
    static const char *const fields[] = {"status", NULL};
    struct client_status w = {req->app, req, 0, NULL};
    char *end;
    int rc;
    w.id = strtoll(tb_req_param(req, "id"), &end, 10);
    if ((rc = accounts_only_fields(req, fields)) < 0)
        return rc;
    if (tb_json_get_string(req->json, "status", true, 16, &w.status) < 0 ||
        (strcmp(w.status, "active") != 0 && strcmp(w.status, "disabled") != 0))
        return tb_resp_problem(req, TB_ERR_INVALID, "status", "状态应为 active 或 disabled",
                               "status must be active or disabled");
    rc = *end || w.id <= 0 ? TB_ERR_NOT_FOUND : tb_db_write(w.app->db, write_client_status, &w);
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "没有这个接口客户端",
                               "No such API client");
    if (rc < 0)
        return rc;
    return tb_resp_json(req, 200,
                        json_pack("{s:I,s:s}", "id", (json_int_t)w.id, "status", w.status));
}

/* ---- agents (代办) ------------------------------------------------------------------- */

struct grant_new {
    struct tb_app *app;
    struct tb_req *req;
    const char *agent_username, *scope;
    int64_t valid_until, agent_id;
    char public_id[2 * PUBLIC_ID_LEN + 1];
};

static int write_grant_new(struct tb_db_conn *c, void *ctx)
{
    struct grant_new *w = ctx;
    const struct principal *p = w->req->user;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c,
                           "SELECT id FROM accounts WHERE username = ?1 AND kind = 'person' "
                           "AND status = 'active'",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, w->agent_username, -1);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW)
        w->agent_id = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    if (rc != TB_DB_ROW || w->agent_id == p->account_id)
        return rc < 0 ? rc : TB_ERR_NOT_FOUND;
    int64_t now = tb_time_now_ms();
    rc = tb_db_prepare(c,
                       "INSERT INTO agent_grants(public_id, principal_id, agent_id, scope, "
                       "valid_from, valid_until, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)",
                       &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, w->public_id, -1);
    tb_db_bind_int64(s, 2, p->account_id);
    tb_db_bind_int64(s, 3, w->agent_id);
    tb_db_bind_text(s, 4, w->scope, -1);
    tb_db_bind_int64(s, 5, now);
    tb_db_bind_int64(s, 6, w->valid_until);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    struct audit_event e;
    audit_from_req(w->req, p, &e);
    e.action = "agent.grant";
    e.object_type = "agent_grant";
    e.object_id = w->public_id;
    e.after_json = accounts_json_text(w->req, json_pack("{s:I,s:s,s:o}", "agent_id",
                                                        (json_int_t)w->agent_id, "scope", w->scope,
                                                        "valid_until", iso(w->valid_until)));
    return audit_append(c, &w->app->audit, &e, NULL);
}

int accounts_api_agents_grant(struct tb_req *req)
{
    static const char *const fields[] = {"agent_username", "scope", "valid_until", NULL};
    struct grant_new w = {0};
    const char *until;
    int rc;
    w.app = req->app;
    w.req = req;
    if ((rc = accounts_only_fields(req, fields)) < 0 ||
        (rc = accounts_need_string(req, "agent_username", USERNAME_MAX, &w.agent_username,
                                   "代办人用户名")) < 0 ||
        (rc = accounts_need_string(req, "valid_until", 10, &until, "授权截止日期")) < 0)
        return rc;
    if (tb_json_get_string(req->json, "scope", true, 8, &w.scope) < 0 ||
        (strcmp(w.scope, "apply") != 0 && strcmp(w.scope, "all") != 0))
        return tb_resp_problem(req, TB_ERR_INVALID, "scope", "授权范围应为 apply（代为申请）或 all",
                               "scope must be apply or all");
    struct tb_date d;
    int y, m, dd;
    tb_time_shanghai_date(tb_time_now_ms(), &y, &m, &dd);
    struct tb_date today = {y, m, dd};
    if (tb_date_parse(until, strlen(until), &d) < 0 || tb_date_cmp(d, today) <= 0 ||
        tb_date_to_days(d) - tb_date_to_days(today) > GRANT_MAX_DAYS)
        return tb_resp_problem(req, TB_ERR_INVALID, "valid_until",
                               "授权截止日期应在今天之后、一年之内（YYYY-MM-DD）",
                               "valid_until must be a date after today and within a year");
    /* The grant ends at the end of that day, Beijing time. */
    w.valid_until = (tb_date_to_days(d) + 1) * 86400000LL - TB_SHANGHAI_OFFSET_MS;
    unsigned char pid[PUBLIC_ID_LEN];
    if ((rc = tb_random(pid, sizeof(pid))) < 0 ||
        (rc = tb_hex_encode(pid, sizeof(pid), w.public_id, sizeof(w.public_id))) < 0)
        return rc;
    rc = tb_db_write(w.app->db, write_grant_new, &w);
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, TB_ERR_INVALID, "agent_username",
                               "没有这个可以代办的自然人账号",
                               "No person account of that user name can act as your agent");
    if (rc < 0)
        return rc;
    return tb_resp_json(req, 201,
                        json_pack("{s:s,s:s,s:s,s:o}", "id", w.public_id, "agent_username",
                                  w.agent_username, "scope", w.scope, "valid_until",
                                  iso(w.valid_until)));
}

int accounts_api_agents_list(struct tb_req *req)
{
    struct tb_app *app = req->app;
    const struct principal *p = req->user;
    struct tb_db_conn *c;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc == 0)
        rc = tb_db_prepare(
            c,
            "SELECT g.public_id, g.scope, g.valid_from, g.valid_until, g.revoked_at, "
            "g.principal_id = ?1, pa.name, ag.name, ag.username FROM agent_grants g "
            "JOIN accounts pa ON pa.id = g.principal_id JOIN accounts ag ON ag.id = g.agent_id "
            "WHERE g.principal_id = ?1 OR g.agent_id = ?1 ORDER BY g.id DESC LIMIT 200",
            &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, p->account_id);
    json_t *given = json_array(), *held = json_array();
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        bool mine = tb_db_column_int64(s, 5) != 0;
        json_t *g = json_pack("{s:s,s:s,s:o,s:o,s:b}", "id", tb_db_column_text(s, 0), "scope",
                              tb_db_column_text(s, 1), "valid_from", iso(tb_db_column_int64(s, 2)),
                              "valid_until", iso(tb_db_column_int64(s, 3)), "revoked",
                              !tb_db_column_is_null(s, 4));
        if (mine) {
            json_object_set_new(g, "agent_name", json_string(tb_db_column_text(s, 7)));
            json_object_set_new(g, "agent_username", json_string(tb_db_column_text(s, 8)));
            json_array_append_new(given, g);
        } else {
            json_object_set_new(g, "principal_name", json_string(tb_db_column_text(s, 6)));
            json_array_append_new(held, g);
        }
    }
    tb_db_stmt_done(s);
    if (rc < 0) {
        json_decref(given);
        json_decref(held);
        return rc;
    }
    return tb_resp_json(req, 200, json_pack("{s:o,s:o}", "granted", given, "held", held));
}

struct grant_revoke {
    struct tb_app *app;
    struct tb_req *req;
    const char *id;
};

static int write_grant_revoke(struct tb_db_conn *c, void *ctx)
{
    struct grant_revoke *w = ctx;
    const struct principal *p = w->req->user;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c,
                           "UPDATE agent_grants SET revoked_at = ?3 WHERE public_id = ?1 AND "
                           "(principal_id = ?2 OR agent_id = ?2) AND revoked_at IS NULL",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, w->id, -1);
    tb_db_bind_int64(s, 2, p->account_id);
    tb_db_bind_int64(s, 3, tb_time_now_ms());
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (tb_db_changes(c) == 0)
        return TB_ERR_NOT_FOUND;
    struct audit_event e;
    audit_from_req(w->req, p, &e);
    e.action = "agent.revoke";
    e.object_type = "agent_grant";
    e.object_id = w->id;
    return audit_append(c, &w->app->audit, &e, NULL);
}

int accounts_api_agents_revoke(struct tb_req *req)
{
    struct grant_revoke w = {req->app, req, tb_req_param(req, "id")};
    int rc = strlen(w.id) == 2 * PUBLIC_ID_LEN ? tb_db_write(w.app->db, write_grant_revoke, &w)
                                               : TB_ERR_NOT_FOUND;
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "没有这项代办授权",
                               "No such agent authorisation");
    if (rc < 0)
        return rc;
    return tb_resp_text(req, 204, NULL, "", 0);
}
