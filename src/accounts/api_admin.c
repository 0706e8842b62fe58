/*
 * api_admin.c - what the three administrators do with accounts:
 *   system administrator: staff accounts (create, roles, level, disable)
 *       and the organisation list they belong to;
 *   security administrator: security settings, within fixed limits;
 * and the audited reveal of a full number for the few roles allowed it.
 * Each change is one write with its audit event (before/after, masked).
 */
#include "accounts/identifiers.h"
#include "accounts/internal.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STAFF_LIST_MAX 500
#define REASON_MIN     4
#define REASON_MAX     200

static json_t *roles_json(unsigned roles)
{
    json_t *a = json_array();
    for (unsigned bit = 1; bit <= ROLE_ALL_MASK; bit <<= 1)
        if (roles & bit)
            json_array_append_new(a, json_string(role_name(bit)));
    return a;
}

/* Parses {"roles": [...]}; answers the problem itself on error. */
static int parse_roles(struct tb_req *req, unsigned *roles)
{
    json_t *a = json_object_get(req->json, "roles");
    size_t i;
    json_t *v;
    *roles = 0;
    if (!json_is_array(a) || json_array_size(a) > 8)
        return tb_resp_problem(req, TB_ERR_INVALID, "roles", "roles 应为角色名称的数组",
                               "roles must be an array of role names");
    json_array_foreach(a, i, v)
    {
        unsigned bit;
        if (!json_is_string(v) || role_parse(json_string_value(v), &bit) < 0)
            return tb_resp_problem(req, TB_ERR_INVALID, "roles", "含有未知角色",
                                   "Unknown role name");
        *roles |= bit;
    }
    const char *zh, *en;
    if (roles_check(ACCOUNT_STAFF, *roles, &zh, &en) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "roles", zh, en);
    return TB_OK;
}

/* RULE: 三权分立 (SPEC §15) administrators are made only by `tongban admin
 * bootstrap`, on the server, never through the API. */
static int no_admin_roles(struct tb_req *req)
{
    return tb_resp_problem(req, TB_ERR_INVALID, "roles",
                           "管理员角色只能由服务器上的 tongban admin bootstrap 设立（三权分立）",
                           "Administrator roles are set up only by `tongban admin bootstrap` on "
                           "the server (separation of duties)");
}

/* Business roles act at an authority level 1-4; administrators have none. */
static int check_level(struct tb_req *req, unsigned roles, long long level)
{
    bool business = (roles & ~(unsigned)ROLE_ADMIN_MASK) != 0;
    if (business && (level < 1 || level > 4))
        return tb_resp_problem(req, TB_ERR_INVALID, "authority_level",
                               "业务人员需要审批权限级别 1 到 4",
                               "Staff with a business role need an authority level from 1 to 4");
    if (!business && level != 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "authority_level", "管理员没有审批权限级别",
                               "Administrators have no authority level");
    return TB_OK;
}

/* ---- list ---------------------------------------------------------------------- */

int accounts_api_staff_list(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct tb_db_conn *c;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc == 0)
        rc = tb_db_prepare(c, "SELECT id FROM accounts WHERE kind = 'staff' ORDER BY id LIMIT ?1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, STAFF_LIST_MAX);
    int64_t ids[STAFF_LIST_MAX];
    size_t n = 0;
    while ((rc = tb_db_step(s)) == TB_DB_ROW && n < STAFF_LIST_MAX)
        ids[n++] = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        struct account a;
        if ((rc = store_account_by_id(c, ids[i], &req->arena, &a)) < 0) {
            json_decref(list);
            return rc;
        }
        json_array_append_new(list, account_json(&a, NULL));
    }
    return tb_resp_json(req, 200, json_pack("{s:o}", "accounts", list));
}

int accounts_api_orgs_all(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct tb_db_conn *c;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc == 0)
        rc = tb_db_prepare(c,
                           "SELECT id, code, name, level, kind, parent_id FROM orgs ORDER BY id "
                           "LIMIT 10000",
                           &s);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    while ((rc = tb_db_step(s)) == TB_DB_ROW)
        json_array_append_new(
            list, json_pack("{s:I,s:s,s:s,s:I,s:s,s:o}", "id", (json_int_t)tb_db_column_int64(s, 0),
                            "code", tb_db_column_text(s, 1), "name", tb_db_column_text(s, 2),
                            "level", (json_int_t)tb_db_column_int64(s, 3), "kind",
                            tb_db_column_text(s, 4), "parent_id",
                            tb_db_column_is_null(s, 5) ? json_null()
                                                       : json_integer(tb_db_column_int64(s, 5))));
    tb_db_stmt_done(s);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    return tb_resp_json(req, 200, json_pack("{s:o}", "orgs", list));
}

/* ---- create ---------------------------------------------------------------------- */

struct staff_new {
    struct tb_app *app;
    struct tb_req *req;
    const char *username, *name;
    int64_t org_id, now, id;
    unsigned roles;
    int level, iter;
    unsigned char salt[SALT_LEN], hash[TB_SM3_LEN];
    bool bad_org;
};

static int write_staff_new(struct tb_db_conn *c, void *ctx)
{
    struct staff_new *w = ctx;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, "SELECT 1 FROM orgs WHERE id = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, w->org_id);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc != TB_DB_ROW) {
        w->bad_org = true;
        return rc < 0 ? rc : TB_ERR_INVALID;
    }
    rc =
        tb_db_prepare(c,
                      "INSERT INTO accounts(kind, username, name, org_id, authority_level, roles, "
                      "pw_hash, pw_salt, pw_iter, pw_changed_at, must_change_pw, created_at, "
                      "updated_at) VALUES ('staff', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?9, ?9)",
                      &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, w->username, -1);
    tb_db_bind_text(s, 2, w->name, -1);
    tb_db_bind_int64(s, 3, w->org_id);
    tb_db_bind_int64(s, 4, w->level);
    tb_db_bind_int64(s, 5, w->roles);
    tb_db_bind_blob(s, 6, w->hash, sizeof(w->hash));
    tb_db_bind_blob(s, 7, w->salt, sizeof(w->salt));
    tb_db_bind_int64(s, 8, w->iter);
    tb_db_bind_int64(s, 9, w->now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    w->id = tb_db_last_insert_id(c);
    struct audit_event e;
    char oid[24];
    audit_from_req(w->req, w->req->user, &e);
    snprintf(oid, sizeof(oid), "%lld", (long long)w->id);
    e.action = "account.create";
    e.object_type = "account";
    e.object_id = oid;
    e.after_json =
        accounts_json_text(w->req, json_pack("{s:s,s:o,s:I,s:i}", "username", w->username, "roles",
                                             roles_json(w->roles), "org_id", (json_int_t)w->org_id,
                                             "authority_level", w->level));
    return audit_append(c, &w->app->audit, &e, NULL);
}

int accounts_api_staff_create(struct tb_req *req)
{
    static const char *const fields[] = {"username",        "name",     "org_id", "roles",
                                         "authority_level", "password", NULL};
    struct tb_app *app = req->app;
    struct staff_new w = {0};
    const char *password;
    long long org_id = 0, level = 0;
    int rc;
    w.app = app;
    w.req = req;
    if ((rc = accounts_only_fields(req, fields)) < 0 ||
        (rc = accounts_need_string(req, "username", USERNAME_MAX, &w.username, "用户名")) < 0 ||
        (rc = accounts_need_string(req, "name", NAME_MAX_CHARS, &w.name, "姓名")) < 0)
        return rc;
    if (!accounts_username_ok(w.username))
        return tb_resp_problem(req, TB_ERR_INVALID, "username",
                               "用户名为 3 到 32 位小写字母、数字或 _ . -，以字母开头",
                               "username: 3-32 of a-z 0-9 _ . -, starting with a letter");
    if (tb_json_get_int(req->json, "org_id", true, 1, INT64_MAX, &org_id) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "org_id", "请选择所属机构",
                               "org_id is required");
    if ((rc = parse_roles(req, &w.roles)) < 0)
        return rc;
    if (w.roles & ROLE_ADMIN_MASK)
        return no_admin_roles(req);
    if (tb_json_get_int(req->json, "authority_level", false, 0, 4, &level) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "authority_level", "审批权限级别应为 1 到 4",
                               "authority_level must be 1 to 4");
    if ((rc = check_level(req, w.roles, level)) < 0)
        return rc;
    if ((rc = accounts_need_string(req, "password", PASSWORD_MAX_BYTES, &password, "初始密码")) < 0)
        return rc;
    const char *zh, *en;
    if (password_check(ACCOUNT_STAFF, password, w.username, &zh, &en) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "password", zh, en);
    struct tb_db_conn *c;
    if ((rc = tb_db_read_conn(app->db, &c)) < 0)
        return rc;
    w.org_id = org_id;
    w.level = (int)level;
    w.iter = settings_pbkdf2_iterations(c);
    w.now = tb_time_now_ms();
    if ((rc = tb_random(w.salt, sizeof(w.salt))) < 0 ||
        (rc = password_hash(password, w.salt, w.iter, w.hash)) < 0)
        return rc;
    rc = tb_db_write(app->db, write_staff_new, &w);
    if (w.bad_org)
        return tb_resp_problem(req, TB_ERR_INVALID, "org_id", "所属机构不存在",
                               "No such organisation");
    if (rc == TB_ERR_CONFLICT)
        return tb_resp_problem(req, TB_ERR_CONFLICT, "username", "该用户名已被使用",
                               "This user name is taken");
    if (rc < 0)
        return rc;
    struct account a;
    if ((rc = store_account_by_id(c, w.id, &req->arena, &a)) < 0)
        return rc;
    return tb_resp_json(req, 201, json_pack("{s:o*}", "account", account_json(&a, NULL)));
}

/* ---- update ---------------------------------------------------------------------- */

struct staff_upd {
    struct tb_app *app;
    struct tb_req *req;
    const struct account *before;
    unsigned roles;
    int level;
    bool disabled;
    int64_t now;
};

static int write_staff_upd(struct tb_db_conn *c, void *ctx)
{
    struct staff_upd *w = ctx;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c,
                           "UPDATE accounts SET roles = ?2, authority_level = ?3, status = ?4, "
                           "updated_at = ?5 WHERE id = ?1 AND kind = 'staff'",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, w->before->id);
    tb_db_bind_int64(s, 2, w->roles);
    tb_db_bind_int64(s, 3, w->level);
    tb_db_bind_text(s, 4, w->disabled ? "disabled" : "active", -1);
    tb_db_bind_int64(s, 5, w->now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (w->disabled || w->roles != w->before->roles) {
        /* A disabled account, or one whose powers changed, logs in again. */
        rc = tb_db_prepare(c,
                           "UPDATE sessions SET revoked_at = ?2, revoke_reason = 'account changed' "
                           "WHERE account_id = ?1 AND revoked_at IS NULL",
                           &s);
        if (rc < 0)
            return rc;
        tb_db_bind_int64(s, 1, w->before->id);
        tb_db_bind_int64(s, 2, w->now);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    struct audit_event e;
    char oid[24];
    audit_from_req(w->req, w->req->user, &e);
    snprintf(oid, sizeof(oid), "%lld", (long long)w->before->id);
    e.action = "account.update";
    e.object_type = "account";
    e.object_id = oid;
    e.before_json = accounts_json_text(
        w->req, json_pack("{s:o,s:i,s:s}", "roles", roles_json(w->before->roles), "authority_level",
                          w->before->authority_level, "status",
                          w->before->disabled ? "disabled" : "active"));
    e.after_json = accounts_json_text(
        w->req, json_pack("{s:o,s:i,s:s}", "roles", roles_json(w->roles), "authority_level",
                          w->level, "status", w->disabled ? "disabled" : "active"));
    return audit_append(c, &w->app->audit, &e, NULL);
}

int accounts_api_staff_update(struct tb_req *req)
{
    static const char *const fields[] = {"roles", "authority_level", "status", NULL};
    struct tb_app *app = req->app;
    const struct principal *p = req->user;
    int rc;
    char *end;
    const char *id_text = tb_req_param(req, "id");
    long long id = strtoll(id_text, &end, 10);
    struct tb_db_conn *c;
    struct account before;
    if (*end || id <= 0)
        return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "没有这个工作人员账号",
                               "No such staff account");
    if ((rc = accounts_only_fields(req, fields)) < 0)
        return rc;
    if ((rc = tb_db_read_conn(app->db, &c)) < 0)
        return rc;
    rc = store_account_by_id(c, id, &req->arena, &before);
    if (rc == TB_ERR_NOT_FOUND || (rc == 0 && before.kind != ACCOUNT_STAFF))
        return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "没有这个工作人员账号",
                               "No such staff account");
    if (rc < 0)
        return rc;
    if (before.id == p->account_id)
        return tb_resp_problem(req, TB_ERR_FORBIDDEN, NULL, "不能修改自己的角色或状态",
                               "You cannot change your own roles or status");
    /* RULE: 三权分立 (SPEC §15) the system administrator manages staff, never
     * the other administrators: it could otherwise disable the auditor who
     * watches it or make an auditor whose first password it chose. */
    if (before.roles & ROLE_ADMIN_MASK)
        return tb_resp_problem(req, TB_ERR_FORBIDDEN, NULL,
                               "管理员账号不能通过系统管理修改（三权分立）",
                               "Administrator accounts cannot be changed through staff "
                               "administration (separation of duties)");
    struct staff_upd w = {
        app, req, &before, before.roles, before.authority_level, before.disabled, tb_time_now_ms()};
    if (json_object_get(req->json, "roles") && (rc = parse_roles(req, &w.roles)) < 0)
        return rc;
    if (w.roles & ROLE_ADMIN_MASK)
        return no_admin_roles(req);
    long long level = before.authority_level;
    if (tb_json_get_int(req->json, "authority_level", false, 0, 4, &level) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "authority_level", "审批权限级别应为 1 到 4",
                               "authority_level must be 1 to 4");
    if ((w.roles & ROLE_ADMIN_MASK) && !json_object_get(req->json, "authority_level"))
        level = 0;
    if ((rc = check_level(req, w.roles, level)) < 0)
        return rc;
    w.level = (int)level;
    const char *status = NULL;
    if (tb_json_get_string(req->json, "status", false, 16, &status) < 0 ||
        (status && strcmp(status, "active") != 0 && strcmp(status, "disabled") != 0))
        return tb_resp_problem(req, TB_ERR_INVALID, "status", "状态应为 active 或 disabled",
                               "status must be active or disabled");
    if (status)
        w.disabled = strcmp(status, "disabled") == 0;
    if ((rc = tb_db_write(app->db, write_staff_upd, &w)) < 0)
        return rc;
    struct account after;
    if ((rc = store_account_by_id(c, id, &req->arena, &after)) < 0)
        return rc;
    return tb_resp_json(req, 200, json_pack("{s:o*}", "account", account_json(&after, NULL)));
}

/* ---- reveal ---------------------------------------------------------------------- */

struct reveal {
    struct tb_app *app;
    struct tb_req *req;
    int64_t account_id;
    const char *field, *reason;
};

static int write_reveal(struct tb_db_conn *c, void *ctx)
{
    struct reveal *r = ctx;
    struct audit_event e;
    char oid[24];
    audit_from_req(r->req, r->req->user, &e);
    snprintf(oid, sizeof(oid), "%lld", (long long)r->account_id);
    e.action = "pii.reveal";
    e.object_type = "account";
    e.object_id = oid;
    e.reason = r->reason;
    e.after_json = accounts_json_text(r->req, json_pack("{s:s}", "field", r->field));
    return audit_append(c, &r->app->audit, &e, NULL);
}

/* RULE: PIPL §51 / SPEC §15 revealing needs a reason and is audited */
int accounts_api_reveal(struct tb_req *req)
{
    static const char *const fields[] = {"field", "reason", NULL};
    struct tb_app *app = req->app;
    struct reveal r = {app, req, 0, NULL, NULL};
    int rc;
    char *end;
    long long id = strtoll(tb_req_param(req, "id"), &end, 10);
    if ((rc = accounts_only_fields(req, fields)) < 0)
        return rc;
    if (tb_json_get_string(req->json, "field", true, 16, &r.field) < 0 ||
        (strcmp(r.field, "id_number") != 0 && strcmp(r.field, "phone") != 0))
        return tb_resp_problem(req, TB_ERR_INVALID, "field", "field 应为 id_number 或 phone",
                               "field must be id_number or phone");
    if (tb_json_get_string(req->json, "reason", true, REASON_MAX, &r.reason) < 0 ||
        tb_utf8_chars(r.reason, strlen(r.reason)) < REASON_MIN)
        return tb_resp_problem(req, TB_ERR_INVALID, "reason",
                               "请说明查看完整号码的理由（至少 4 个字）",
                               "A reason of at least 4 characters is required");
    struct tb_db_conn *c;
    struct tb_db_stmt *s = NULL;
    if ((rc = tb_db_read_conn(app->db, &c)) < 0)
        return rc;
    rc = tb_db_prepare(c,
                       strcmp(r.field, "phone") == 0
                           ? "SELECT phone_enc FROM accounts WHERE id = ?1 AND kind <> 'staff'"
                           : "SELECT id_number_enc FROM accounts WHERE id = ?1 AND kind <> 'staff'",
                       &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, *end ? -1 : id);
    rc = tb_db_step(s);
    if (rc != TB_DB_ROW || tb_db_column_is_null(s, 0)) {
        tb_db_stmt_done(s);
        return rc < 0 ? rc
                      : tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "没有这个申请人",
                                        "No such applicant");
    }
    size_t n = tb_db_column_bytes(s, 0);
    unsigned char *sealed = tb_arena_alloc(&req->arena, n ? n : 1);
    if (sealed)
        memcpy(sealed, tb_db_column_blob(s, 0), n);
    tb_db_stmt_done(s);
    if (!sealed)
        return TB_ERR_NOMEM;
    char *value;
    rc = pii_open(app, strcmp(r.field, "phone") == 0 ? "accounts.phone" : "accounts.id_number",
                  sealed, n, &req->arena, &value);
    if (rc < 0)
        return rc;
    r.account_id = id;
    /* The reveal is on record before the number leaves. */
    if ((rc = tb_db_write(app->db, write_reveal, &r)) < 0)
        return rc;
    return tb_resp_json(req, 200, json_pack("{s:s}", "value", value));
}

/* ---- security settings ------------------------------------------------------------ */

static const struct {
    const char *name; /* API field */
    const char *key;  /* settings row */
    long long min, max, dflt;
} settings_table[] = {
    {"session_idle_staff_min", "security.session_idle_staff_min", 1, 15, 15},
    {"session_idle_applicant_min", "security.session_idle_applicant_min", 1, 30, 30},
    /* The minimum here is replaced by the server's pbkdf2_min_iterations
     * (100000 unless the operator set it): the security administrator can
     * raise the cost, never take it below the operator's floor. */
    {"pbkdf2_iterations", "security.pbkdf2_iterations", 10000, 5000000, 100000},
};
#define NSETTINGS (sizeof(settings_table) / sizeof(settings_table[0]))

/* The lower limit of setting i on this server. */
static long long setting_min(const struct tb_req *req, size_t i)
{
    const struct tb_app *app = req->app;
    if (strcmp(settings_table[i].name, "pbkdf2_iterations") == 0)
        return app->cfg.pbkdf2_min_iterations;
    return settings_table[i].min;
}

static json_t *settings_json(struct tb_db_conn *c)
{
    json_t *o = json_object();
    for (size_t i = 0; i < NSETTINGS; i++)
        json_object_set_new(
            o, settings_table[i].name,
            json_integer(store_setting_int(c, settings_table[i].key, settings_table[i].dflt)));
    return o;
}

int accounts_api_settings_get(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct tb_db_conn *c;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc < 0)
        return rc;
    json_t *limits = json_object();
    for (size_t i = 0; i < NSETTINGS; i++)
        json_object_set_new(limits, settings_table[i].name,
                            json_pack("{s:I,s:I}", "min", (json_int_t)setting_min(req, i), "max",
                                      (json_int_t)settings_table[i].max));
    return tb_resp_json(req, 200,
                        json_pack("{s:o,s:o}", "settings", settings_json(c), "limits", limits));
}

struct settings_put {
    struct tb_app *app;
    struct tb_req *req;
    long long values[NSETTINGS];
    bool given[NSETTINGS];
    const char *before;
};

static int write_settings(struct tb_db_conn *c, void *ctx)
{
    struct settings_put *w = ctx;
    int64_t now = tb_time_now_ms();
    json_t *after = json_object();
    for (size_t i = 0; i < NSETTINGS; i++) {
        if (!w->given[i])
            continue;
        struct tb_db_stmt *s;
        int rc = tb_db_prepare(c,
                               "INSERT INTO settings(key, value, updated_at) VALUES (?1, ?2, ?3) "
                               "ON CONFLICT(key) DO UPDATE SET value = ?2, updated_at = ?3",
                               &s);
        if (rc < 0) {
            json_decref(after);
            return rc;
        }
        char v[24];
        snprintf(v, sizeof(v), "%lld", w->values[i]);
        tb_db_bind_text(s, 1, settings_table[i].key, -1);
        tb_db_bind_text(s, 2, v, -1);
        tb_db_bind_int64(s, 3, now);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0) {
            json_decref(after);
            return rc;
        }
        json_object_set_new(after, settings_table[i].name, json_integer(w->values[i]));
    }
    struct audit_event e;
    audit_from_req(w->req, w->req->user, &e);
    e.action = "settings.change";
    e.object_type = "settings";
    e.object_id = "security";
    e.before_json = w->before;
    e.after_json = accounts_json_text(w->req, after);
    return audit_append(c, &w->app->audit, &e, NULL);
}

int accounts_api_settings_put(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct settings_put w = {0};
    const char *allowed[NSETTINGS + 1];
    int rc;
    for (size_t i = 0; i < NSETTINGS; i++)
        allowed[i] = settings_table[i].name;
    allowed[NSETTINGS] = NULL;
    if ((rc = accounts_only_fields(req, allowed)) < 0)
        return rc;
    w.app = app;
    w.req = req;
    for (size_t i = 0; i < NSETTINGS; i++) {
        if (!json_object_get(req->json, settings_table[i].name))
            continue;
        long long min = setting_min(req, i);
        if (tb_json_get_int(req->json, settings_table[i].name, true, min, settings_table[i].max,
                            &w.values[i]) < 0) {
            char zh[160], en[160];
            snprintf(zh, sizeof(zh), "%s 应为 %lld 到 %lld 的整数", settings_table[i].name, min,
                     settings_table[i].max);
            snprintf(en, sizeof(en), "%s must be a whole number from %lld to %lld",
                     settings_table[i].name, min, settings_table[i].max);
            return tb_resp_problem(req, TB_ERR_INVALID, settings_table[i].name, zh, en);
        }
        w.given[i] = true;
    }
    struct tb_db_conn *c;
    if ((rc = tb_db_read_conn(app->db, &c)) < 0)
        return rc;
    w.before = accounts_json_text(req, settings_json(c));
    if ((rc = tb_db_write(app->db, write_settings, &w)) < 0)
        return rc;
    return tb_resp_json(req, 200, json_pack("{s:o}", "settings", settings_json(c)));
}
