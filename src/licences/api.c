/*
 * api.c - licence types and seals over HTTP (docs/licences.md "HTTP API"):
 *
 *   GET  /api/v1/licence-types                public          every type
 *   GET  /api/v1/licence-types/{code}         public          one type
 *   POST /api/v1/licence-types                catalog.manage  create
 *   PUT  /api/v1/licence-types/{code}         catalog.manage  replace (If-Match)
 *   GET  /api/v1/seals                        seal.manage     every seal
 *   POST /api/v1/seals                        seal.manage     make an organisation's seal
 *   POST /api/v1/seals/{id}/rotate            seal.manage     a new key pair
 *   POST /api/v1/seals/{id}/revoke            seal.manage     revoke with a reason
 *   GET  /api/v1/seals/{id}/uses              seal.manage     what it signed
 *   GET  /api/v1/seals/{id}                   public          published metadata
 *   GET  /api/v1/seals/{id}/image.png         public          the seal image
 */
#include "licences/api.h"
#include "licences/internal.h"
#include "accounts/accounts.h"
#include "accounts/api.h"
#include "app/app.h"
#include "audit/audit.h"
#include "catalog/catalog.h"
#include "guide/guide.h"
#include "lib/arena.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/timeutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEAL_IMAGE_PX 400
#define USES_PAGE_MAX 200

/* A problem with a stable reason code besides the error's own code. */
static int problem(struct tb_req *req, int err, const char *reason, const char *field,
                   const char *zh, const char *en)
{
    return tb_resp_problem_extra(req, err, field, zh, en,
                                 reason ? json_pack("{s:s}", "reason", reason) : NULL);
}

static int audit_write(struct tb_db_conn *c, struct tb_req *req, const char *action,
                       const char *type, const char *id, json_t *after, const char *reason)
{
    struct tb_app *app = req->app;
    struct audit_event e;
    audit_from_req(req, req->user, &e);
    e.action = action;
    e.object_type = type;
    e.object_id = id;
    e.reason = reason;
    e.after_json = after ? accounts_json_text(req, after) : NULL;
    if (after && !e.after_json)
        return TB_ERR_NOMEM;
    return audit_append(c, &app->audit, &e, NULL);
}

/* ---- licence types ---------------------------------------------------------------------- */

/* The published items whose result is a licence, grouped by licence type
 * code: {"<code>": [{"impl_code","name"}]} (one pass over the catalogue, the
 * item documents parsed once). code, when not NULL, keeps only that type. */
static json_t *items_by_type(struct tb_db_conn *c, const char *code)
{
    struct tb_db_stmt *s;
    json_t *out = json_object();
    if (!out || tb_db_prepare(c,
                              "SELECT i.impl_code, i.name, v.doc FROM items i JOIN item_versions "
                              "v ON v.item_id = i.id AND v.version = i.current_version WHERE "
                              "i.status = 'published' AND instr(v.doc, ?1) > 0 ORDER BY "
                              "i.impl_code",
                              &s) != 0)
        return out;
    tb_db_bind_text(s, 1, code ? code : "licence_type", -1);
    while (tb_db_step(s) == TB_DB_ROW) {
        json_t *doc = json_loads(tb_db_column_text(s, 2), 0, NULL);
        const char *lt =
            json_string_value(json_object_get(json_object_get(doc, "result"), "licence_type"));
        if (lt && *lt && (!code || strcmp(lt, code) == 0)) {
            json_t *list = json_object_get(out, lt);
            if (!list)
                json_object_set_new(out, lt, list = json_array());
            json_array_append_new(list, json_pack("{s:s,s:s}", "impl_code", tb_db_column_text(s, 0),
                                                  "name", tb_db_column_text(s, 1)));
        }
        json_decref(doc);
    }
    tb_db_stmt_done(s);
    return out;
}

/* A type as the API gives it; items (from items_by_type) may be NULL. */
static json_t *type_json(const struct licence_type_row *t, const json_t *items)
{
    json_t *o =
        json_pack("{s:s,s:s,s:s,s:O,s:i,s:O,s:I}", "code", t->code, "name", t->name, "holder_kind",
                  t->holder_kind, "fields", t->fields, "validity_years", t->validity_years,
                  "issuers", t->issuers, "version", (json_int_t)t->version);
    if (o && items) {
        json_t *mine = json_object_get(items, t->code);
        json_object_set_new(o, "items", mine ? json_incref(mine) : json_array());
    }
    return o;
}

/* One type with its items, for the single-type answers. */
static json_t *type_json_one(struct tb_db_conn *c, const struct licence_type_row *t)
{
    json_t *items = items_by_type(c, t->code);
    json_t *o = type_json(t, items);
    json_decref(items);
    return o;
}

int licences_api_types(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc != 0)
        return rc;
    if ((rc = tb_db_prepare(c, "SELECT id FROM licence_types ORDER BY code", &s)) != 0)
        return rc;
    int64_t ids[512];
    size_t n = 0;
    while (n < sizeof(ids) / sizeof(ids[0]) && (rc = tb_db_step(s)) == TB_DB_ROW)
        ids[n++] = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    json_t *list = json_array(), *items = items_by_type(c, NULL);
    for (size_t i = 0; list && i < n; i++) {
        struct licence_type_row t = {0};
        if ((rc = licence_type_by_id(c, &req->arena, ids[i], &t)) < 0) {
            json_decref(list);
            json_decref(items);
            return rc;
        }
        json_array_append_new(list, type_json(&t, items));
        licence_type_row_free(&t);
    }
    json_decref(items);
    return list ? tb_resp_json(req, 200, json_pack("{s:o}", "types", list)) : TB_ERR_NOMEM;
}

int licences_api_type(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct tb_db_conn *c;
    struct licence_type_row t = {0};
    int rc = tb_db_read_conn(app->db, &c);
    if (rc != 0)
        return rc;
    rc = licence_type_by_code(c, &req->arena, tb_req_param(req, "code"), &t);
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, rc, NULL, "没有这个证照类型", "No such licence type");
    if (rc < 0)
        return rc;
    json_t *o = type_json_one(c, &t);
    char etag[32];
    snprintf(etag, sizeof(etag), "\"%lld\"", (long long)t.version);
    licence_type_row_free(&t);
    if ((rc = tb_resp_header(req, "ETag", etag)) < 0) {
        json_decref(o);
        return rc;
    }
    return tb_resp_json(req, 200, o);
}

struct type_write {
    struct tb_req *req;
    const char *code, *name, *holder_kind;
    json_t *fields, *issuers; /* canonical, owned */
    int validity_years;
    int64_t if_match; /* 0: create */
    int64_t version;  /* out */
    const char *why;
};

/* The organisation codes of issuers exist (checked inside the write). */
static int issuers_exist(struct tb_db_conn *c, const json_t *issuers, const char **bad)
{
    size_t i;
    json_t *v;
    json_array_foreach(issuers, i, v)
    {
        struct tb_db_stmt *s;
        int rc = tb_db_prepare(c, "SELECT 1 FROM orgs WHERE code = ?1", &s);
        if (rc != 0)
            return rc;
        tb_db_bind_text(s, 1, json_string_value(v), -1);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
        if (rc == TB_DB_DONE) {
            *bad = json_string_value(v);
            return TB_ERR_INVALID;
        }
    }
    return TB_OK;
}

static int write_type(struct tb_db_conn *c, void *ctx)
{
    struct type_write *w = ctx;
    const char *bad = NULL;
    int rc = issuers_exist(c, w->issuers, &bad);
    if (rc < 0) {
        w->why = bad;
        return rc;
    }
    struct licence_type_in t = {w->code,   w->name,    w->holder_kind,
                                w->fields, w->issuers, w->validity_years};
    if ((rc = licence_type_save(c, &w->req->arena, &t, w->if_match, tb_time_now_ms())) < 0)
        return rc;
    w->version = w->if_match ? w->if_match + 1 : 1;
    json_t *after =
        json_pack("{s:s,s:s,s:s,s:O,s:i,s:O,s:I}", "code", w->code, "name", w->name, "holder_kind",
                  w->holder_kind, "fields", w->fields, "validity_years", w->validity_years,
                  "issuers", w->issuers, "version", (json_int_t)w->version);
    return audit_write(c, w->req, w->if_match ? "licence_type.update" : "licence_type.create",
                       "licence_type", w->code, after, NULL);
}

/* The body of a type, checked: every problem at once (422 errors[]). */
static int type_body(struct tb_req *req, struct type_write *w)
{
    static const char *const allowed[] = {"code",           "name",    "holder_kind", "fields",
                                          "validity_years", "issuers", NULL};
    int rc = accounts_only_fields(req, allowed);
    if (rc < 0)
        return rc;
    struct item_problem found[32];
    struct item_problems p = {found, 32, 0};
    const json_t *b = req->json;
    const char *name = json_string_value(json_object_get(b, "name"));
    const char *hk = json_string_value(json_object_get(b, "holder_kind"));
    json_t *vy = json_object_get(b, "validity_years"), *iss = json_object_get(b, "issuers");
    if (!name || !*name || !tb_utf8_valid(name, strlen(name)) ||
        tb_utf8_chars(name, strlen(name)) > LICENCE_NAME_MAX)
        item_problems_add(&p, "name", "invalid_name", "请填写证照名称（不超过 100 个字）",
                          "name: 1 to 100 characters");
    if (!hk || (strcmp(hk, "person") != 0 && strcmp(hk, "org") != 0 && strcmp(hk, "any") != 0))
        item_problems_add(&p, "holder_kind", "invalid_holder_kind",
                          "持证主体应为 person（自然人）、org（法人和其他组织）或 any",
                          "holder_kind is person, org or any");
    if (vy && (!json_is_integer(vy) || json_integer_value(vy) < 0 ||
               json_integer_value(vy) > LICENCE_YEARS_MAX))
        item_problems_add(&p, "validity_years", "invalid_validity",
                          "有效期应为 0（长期）至 50 年的整数",
                          "validity_years is a whole number from 0 (no expiry) to 50");
    bool iss_ok = !iss || (json_is_array(iss) && json_array_size(iss) <= LICENCE_ISSUERS_MAX);
    size_t i;
    json_t *v;
    json_array_foreach(iss, i, v)
    {
        const char *code = json_string_value(v);
        iss_ok = iss_ok && code && *code && strlen(code) <= 64;
    }
    if (!iss_ok)
        item_problems_add(&p, "issuers", "invalid_issuers",
                          "发证机关应为不超过 50 个组织编码的列表",
                          "issuers is a list of at most 50 organisation codes");
    json_t *fields = json_array();
    if (!fields)
        return TB_ERR_NOMEM;
    if (licence_type_fields_check(json_object_get(b, "fields"), fields, &p) == TB_ERR_NOMEM) {
        json_decref(fields);
        return TB_ERR_NOMEM;
    }
    if (p.n) {
        json_decref(fields);
        char zh[96], en[96];
        snprintf(zh, sizeof(zh), "证照类型有 %zu 处问题，请逐项修改", p.n);
        snprintf(en, sizeof(en), "The licence type has %zu problem(s); each is listed", p.n);
        return tb_resp_problem_extra(req, TB_ERR_INVALID, found[0].path, zh, en,
                                     json_pack("{s:o}", "errors", item_problems_json(&p)));
    }
    w->name = name;
    w->holder_kind = hk;
    w->validity_years = vy ? (int)json_integer_value(vy) : 0;
    w->fields = fields;
    w->issuers = iss ? json_incref(iss) : json_array();
    return TB_OK;
}

static int type_answer(struct tb_req *req, struct type_write *w, int rc, int status)
{
    json_decref(w->fields);
    json_decref(w->issuers);
    if (rc == TB_ERR_INVALID && w->why)
        return problem(req, rc, "unknown_org", "issuers", "发证机关中有不存在的组织编码",
                       "issuers names an organisation that does not exist");
    if (rc == TB_ERR_CONFLICT)
        return problem(req, rc, "type_exists", "code", "该证照类型编码已存在",
                       "A licence type with this code exists");
    if (rc == TB_ERR_PRECONDITION)
        return tb_resp_problem(req, rc, "If-Match", "证照类型已被他人修改，请刷新后重试",
                               "The licence type has changed; reload it and try again");
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, rc, NULL, "没有这个证照类型", "No such licence type");
    if (rc < 0)
        return rc;
    struct tb_app *app = req->app;
    struct tb_db_conn *c;
    struct licence_type_row t = {0};
    if ((rc = tb_db_read_conn(app->db, &c)) != 0 ||
        (rc = licence_type_by_code(c, &req->arena, w->code, &t)) != 0)
        return rc;
    json_t *o = type_json_one(c, &t);
    char etag[32];
    snprintf(etag, sizeof(etag), "\"%lld\"", (long long)t.version);
    licence_type_row_free(&t);
    if ((rc = tb_resp_header(req, "ETag", etag)) < 0) {
        json_decref(o);
        return rc;
    }
    return tb_resp_json(req, status, o);
}

int licences_api_type_create(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct type_write w = {.req = req};
    w.code = json_string_value(json_object_get(req->json, "code"));
    if (!w.code || !licence_type_code_ok(w.code))
        return problem(req, TB_ERR_INVALID, "invalid_code", "code",
                       "证照类型编码应为 18 位统一社会信用代码加 3 位顺序号",
                       "code is an 18-character credit code and a 3-digit sequence");
    int rc = type_body(req, &w);
    if (rc < 0)
        return rc;
    return type_answer(req, &w, tb_db_write(app->db, write_type, &w), 201);
}

int licences_api_type_put(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct type_write w = {.req = req, .code = tb_req_param(req, "code")};
    const char *h = tb_req_header(req, "If-Match");
    if (!h)
        return tb_resp_problem(req, TB_ERR_PRECONDITION_REQUIRED, "If-Match",
                               "请带上 If-Match 请求头（证照类型的 ETag）",
                               "Send If-Match with the licence type's ETag");
    char *end;
    errno = 0;
    long long v = h[0] == '"' ? strtoll(h + 1, &end, 10) : 0;
    if (v <= 0 || errno || end[0] != '"' || end[1])
        return tb_resp_problem(req, TB_ERR_PRECONDITION, "If-Match",
                               "证照类型已被他人修改，请刷新后重试",
                               "The licence type has changed; reload it and try again");
    w.if_match = v;
    const char *code = json_string_value(json_object_get(req->json, "code"));
    if (code && strcmp(code, w.code) != 0)
        return problem(req, TB_ERR_INVALID, "code_immutable", "code", "证照类型编码不能修改",
                       "The code of a licence type cannot change");
    int rc = type_body(req, &w);
    if (rc < 0)
        return rc;
    return type_answer(req, &w, tb_db_write(app->db, write_type, &w), 200);
}

/* ---- seals ------------------------------------------------------------------------------ */

static json_t *seal_with_uses(struct tb_db_conn *c, const struct seal_row *s)
{
    json_t *o = seal_json(s);
    struct tb_db_stmt *st;
    if (o && tb_db_prepare(c, "SELECT count(*) FROM seal_uses WHERE seal_id = ?1", &st) == 0) {
        tb_db_bind_int64(st, 1, s->id);
        if (tb_db_step(st) == TB_DB_ROW)
            json_object_set_new(o, "uses", json_integer(tb_db_column_int64(st, 0)));
        tb_db_stmt_done(st);
    }
    return o;
}

int licences_api_seals(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc != 0)
        return rc;
    if ((rc = tb_db_prepare(c, "SELECT id FROM seals ORDER BY id DESC LIMIT 1000", &s)) != 0)
        return rc;
    int64_t *ids = tb_arena_alloc(&req->arena, 1000 * sizeof(*ids));
    size_t n = 0;
    while (ids && n < 1000 && (rc = tb_db_step(s)) == TB_DB_ROW)
        ids[n++] = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    if (!ids || rc < 0)
        return ids ? rc : TB_ERR_NOMEM;
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) {
        struct seal_row row = {0};
        if ((rc = seal_by_id(c, &req->arena, ids[i], &row)) < 0) {
            json_decref(list);
            return rc;
        }
        json_array_append_new(list, seal_with_uses(c, &row));
    }
    return list ? tb_resp_json(req, 200, json_pack("{s:o}", "seals", list)) : TB_ERR_NOMEM;
}

struct seal_write {
    struct tb_req *req;
    const char *org_code;  /* create */
    const char *public_id; /* rotate, revoke */
    const char *reason;    /* revoke */
    bool rotate;
    struct seal_row out;
    const char *why;
};

static int write_seal_create(struct tb_db_conn *c, void *ctx)
{
    struct seal_write *w = ctx;
    struct tb_req *req = w->req;
    const struct principal *p = req->user;
    int64_t org = 0, replaces = 0, now = tb_time_now_ms();
    int rc;
    if (w->rotate) {
        struct seal_row cur = {0};
        if ((rc = seal_by_public_id(c, &req->arena, w->public_id, &cur)) < 0)
            return rc;
        if (strcmp(cur.status, "active") != 0) {
            w->why = "seal_not_active";
            return TB_ERR_CONFLICT;
        }
        org = cur.org_id;
        replaces = cur.id;
    } else {
        struct tb_db_stmt *s;
        if ((rc = tb_db_prepare(c, "SELECT id FROM orgs WHERE code = ?1", &s)) != 0)
            return rc;
        tb_db_bind_text(s, 1, w->org_code, -1);
        rc = tb_db_step(s);
        if (rc == TB_DB_ROW)
            org = tb_db_column_int64(s, 0);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
        if (!org) {
            w->why = "unknown_org";
            return TB_ERR_INVALID;
        }
    }
    if ((rc = seal_create(c, req->app, &req->arena, org, replaces, p->account_id, now, &w->out,
                          &w->why)) < 0)
        return rc;
    json_t *after = json_pack("{s:s,s:s,s:s}", "org", w->out.org_code, "fingerprint",
                              w->out.fingerprint, "replaces", w->rotate ? w->public_id : "");
    return audit_write(c, req, w->rotate ? "seal.rotate" : "seal.create", "seal", w->out.public_id,
                       after, NULL);
}

static int seal_write_answer(struct tb_req *req, struct seal_write *w, int rc)
{
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, rc, NULL, "没有这枚印章", "No such seal");
    if (rc == TB_ERR_INVALID && w->why)
        return problem(req, rc, w->why, "org", "没有这个组织", "No such organisation");
    if (rc == TB_ERR_CONFLICT && w->why && strcmp(w->why, "org_no_credit_code") == 0)
        return problem(req, TB_ERR_INVALID, w->why, "org",
                       "该组织没有统一社会信用代码，不能制作印章",
                       "The organisation has no unified social credit code; it cannot have a "
                       "seal");
    if (rc == TB_ERR_CONFLICT && w->why && strcmp(w->why, "seal_exists") == 0)
        return problem(req, rc, w->why, "org",
                       "该组织已有启用中的印章（一枚印章），请轮换而不是新建",
                       "The organisation has an active seal already (one seal); rotate it "
                       "instead");
    if (rc == TB_ERR_CONFLICT)
        return problem(req, rc, w->why ? w->why : "seal_not_active", NULL, "这枚印章已轮换或吊销",
                       "The seal was rotated or revoked already");
    if (rc < 0)
        return rc;
    return TB_OK;
}

int licences_api_seal_create(struct tb_req *req)
{
    static const char *const allowed[] = {"org", NULL};
    struct tb_app *app = req->app;
    struct seal_write w = {.req = req};
    int rc = accounts_only_fields(req, allowed);
    if (rc < 0 || (rc = accounts_need_string(req, "org", 64, &w.org_code, "组织编码")) < 0)
        return rc;
    rc = seal_write_answer(req, &w, tb_db_write(app->db, write_seal_create, &w));
    if (rc < 0 || req->status)
        return rc;
    return tb_resp_json(req, 201, seal_json(&w.out));
}

int licences_api_seal_rotate(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct seal_write w = {.req = req, .public_id = tb_req_param(req, "id"), .rotate = true};
    int rc = seal_write_answer(req, &w, tb_db_write(app->db, write_seal_create, &w));
    if (rc < 0 || req->status)
        return rc;
    return tb_resp_json(req, 201, seal_json(&w.out));
}

static int write_seal_revoke(struct tb_db_conn *c, void *ctx)
{
    struct seal_write *w = ctx;
    struct tb_req *req = w->req;
    struct seal_row cur = {0};
    int rc = seal_by_public_id(c, &req->arena, w->public_id, &cur);
    if (rc < 0)
        return rc;
    if (strcmp(cur.status, "revoked") == 0) {
        w->why = "seal_revoked";
        return TB_ERR_CONFLICT;
    }
    struct tb_db_stmt *s;
    if ((rc = tb_db_prepare(c,
                            "UPDATE seals SET status = 'revoked', revoked_at = ?2, revoke_reason = "
                            "?3 WHERE id = ?1",
                            &s)) != 0)
        return rc;
    tb_db_bind_int64(s, 1, cur.id);
    tb_db_bind_int64(s, 2, tb_time_now_ms());
    tb_db_bind_text(s, 3, w->reason, -1);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0 || (rc = seal_by_id(c, &req->arena, cur.id, &w->out)) < 0)
        return rc;
    return audit_write(c, req, "seal.revoke", "seal", cur.public_id,
                       json_pack("{s:s,s:s}", "status", "revoked", "org", cur.org_code), w->reason);
}

int licences_api_seal_revoke(struct tb_req *req)
{
    static const char *const allowed[] = {"reason", NULL};
    struct tb_app *app = req->app;
    struct seal_write w = {.req = req, .public_id = tb_req_param(req, "id")};
    int rc = accounts_only_fields(req, allowed);
    if (rc < 0 ||
        (rc = accounts_need_string(req, "reason", LICENCE_REASON_MAX, &w.reason, "吊销理由")) < 0)
        return rc;
    rc = seal_write_answer(req, &w, tb_db_write(app->db, write_seal_revoke, &w));
    if (rc < 0 || req->status)
        return rc;
    return tb_resp_json(req, 200, seal_json(&w.out));
}

/* A seal by the {id} parameter on a read connection (404 answered). */
static int seal_param(struct tb_req *req, struct tb_db_conn **c, struct seal_row *out)
{
    struct tb_app *app = req->app;
    const char *id = tb_req_param(req, "id");
    int rc = tb_db_read_conn(app->db, c);
    if (rc != 0)
        return rc;
    rc = id && strlen(id) == SEAL_ID_LEN ? seal_by_public_id(*c, &req->arena, id, out)
                                         : TB_ERR_NOT_FOUND;
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, rc, NULL, "没有这枚印章", "No such seal");
    return rc;
}

int licences_api_seal(struct tb_req *req)
{
    struct tb_db_conn *c;
    struct seal_row s = {0};
    int rc = seal_param(req, &c, &s);
    return rc < 0 ? rc : tb_resp_json(req, 200, seal_json(&s));
}

int licences_api_seal_image(struct tb_req *req)
{
    struct tb_db_conn *c;
    struct seal_row s = {0};
    int rc = seal_param(req, &c, &s);
    if (rc < 0)
        return rc;
    struct tb_buf png;
    tb_buf_init(&png, 4 * 1024 * 1024);
    rc = seal_png(s.org_name, "电子印章", SEAL_IMAGE_PX, &png);
    if (rc == 0 && (rc = tb_resp_header(req, "Cache-Control", "public, max-age=86400")) == 0)
        rc = tb_resp_text(req, 200, "image/png", png.data, png.len);
    tb_buf_free(&png);
    return rc;
}

int licences_api_seal_uses(struct tb_req *req)
{
    struct tb_db_conn *c;
    struct seal_row seal = {0};
    int rc = seal_param(req, &c, &seal);
    if (rc < 0)
        return rc;
    const char *cur = tb_req_query(req, "cursor"), *lim = tb_req_query(req, "limit");
    char *end;
    long long before = INT64_MAX, limit = 50;
    if (cur) {
        errno = 0;
        before = strtoll(cur, &end, 10);
        if (errno || end == cur || *end || before <= 0)
            return tb_resp_problem(req, TB_ERR_INVALID, "cursor", "cursor 无效",
                                   "cursor is not valid");
    }
    if (lim) {
        errno = 0;
        limit = strtoll(lim, &end, 10);
        if (errno || end == lim || *end || limit < 1 || limit > USES_PAGE_MAX)
            return tb_resp_problem(req, TB_ERR_INVALID, "limit", "limit 应为 1 至 200 的整数",
                                   "limit must be a whole number from 1 to 200");
    }
    struct tb_db_stmt *s;
    if ((rc = tb_db_prepare(c,
                            "SELECT u.id, u.at, u.kind, l.no, k.case_no, a.name FROM seal_uses u "
                            "LEFT JOIN licences l ON l.id = u.licence_id LEFT JOIN cases k ON "
                            "k.id = u.case_id LEFT JOIN accounts a ON a.id = u.account_id WHERE "
                            "u.seal_id = ?1 AND u.id < ?2 ORDER BY u.id DESC LIMIT ?3",
                            &s)) != 0)
        return rc;
    tb_db_bind_int64(s, 1, seal.id);
    tb_db_bind_int64(s, 2, before);
    tb_db_bind_int64(s, 3, limit + 1);
    json_t *list = json_array();
    int64_t last = 0;
    long long n = 0;
    bool more = false;
    while (list && (rc = tb_db_step(s)) == TB_DB_ROW) {
        if (n == limit) {
            more = true;
            break;
        }
        char at[40];
        tb_time_format_iso(tb_db_column_int64(s, 1), at, sizeof(at));
        last = tb_db_column_int64(s, 0);
        json_array_append_new(
            list, json_pack("{s:s,s:s,s:s?,s:s?,s:s?}", "at", at, "kind", tb_db_column_text(s, 2),
                            "licence_no", tb_db_column_text(s, 3), "case_no",
                            tb_db_column_text(s, 4), "user", tb_db_column_text(s, 5)));
        n++;
    }
    tb_db_stmt_done(s);
    if (!list || rc < 0) {
        json_decref(list);
        return rc < 0 ? rc : TB_ERR_NOMEM;
    }
    json_t *next = more ? json_sprintf("%lld", (long long)last) : json_null();
    return tb_resp_json(req, 200, json_pack("{s:o,s:o}", "uses", list, "next_cursor", next));
}
