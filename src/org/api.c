/*
 * api.c - HTTP handlers for organisations, halls and windows
 * (docs/catalogue.md, Routes).
 *
 * Reads are public: the organisation tree or a filtered list, the halls with
 * their windows. The public answers show a window's staff by name only, as
 * the name plate at the window does; the system administrator's session
 * also sees the user names, which the window form edits. Writes need org.manage (the system
 * administrator); each is one tb_db_write that checks what depends on the
 * database (parent, hall, department, staff, items, duplicates) inside the
 * write, changes the rows and appends its audit event with before/after:
 * org.create, org.update, hall.create, hall.update, window.create,
 * window.update. Bad bodies are 422 problems listing every fault
 * ("errors":[{"path","code","zh","en"}]) with the first one as "field".
 */
#include "org/org.h"

#include <stdio.h>
#include <string.h>

#include "accounts/accounts.h"
#include "accounts/api.h"
#include "app/app.h"
#include "audit/audit.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/timeutil.h"

/* ---- answers and audit -------------------------------------------------------------------- */

/* 422 listing every problem of p; the first one names the field. */
static int answer_problems(struct tb_req *req, const struct item_problems *p)
{
    size_t kept = p->n < p->cap ? p->n : p->cap;
    json_t *errors = item_problems_json(p);
    const struct item_problem *first = kept ? &p->out[0] : NULL;
    return tb_resp_problem_extra(
        req, TB_ERR_INVALID, first && first->path[0] ? first->path : NULL,
        first ? first->message_zh : NULL, first ? first->message_en : NULL,
        json_pack("{s:o*,s:I}", "errors", errors, "error_count", (json_int_t)p->n));
}

static int not_found(struct tb_req *req, const char *zh, const char *en)
{
    return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, zh, en);
}

static int no_org(struct tb_req *req)
{
    return not_found(req, "没有这个机构", "No such organisation");
}

static int no_hall(struct tb_req *req)
{
    return not_found(req, "没有这个大厅", "No such hall");
}

static int no_window(struct tb_req *req)
{
    return not_found(req, "没有这个窗口", "No such window");
}

/* v (stolen) as audit text in the request arena. A window whose letter
 * makes the text longer than the audit log takes keeps the letter's SM3
 * digest instead of its text (the text itself is in the database). NULL when
 * out of memory. */
static const char *audit_text(struct tb_req *req, json_t *v)
{
    char *t = accounts_json_text(req, json_incref(v));
    json_t *letter = json_object_get(v, "letter");
    const char *text = json_string_value(json_object_get(letter, "text"));
    if (t && strlen(t) > AUDIT_JSON_MAX && text) {
        unsigned char h[TB_SM3_LEN];
        char hex[2 * TB_SM3_LEN + 1];
        t = NULL;
        if (tb_sm3(text, strlen(text), h) == TB_OK &&
            tb_hex_encode(h, sizeof(h), hex, sizeof(hex)) == TB_OK &&
            json_object_set_new(letter, "text_sm3", json_string(hex)) == 0 &&
            json_object_del(letter, "text") == 0)
            t = accounts_json_text(req, json_incref(v));
    }
    json_decref(v);
    return t;
}

/* Appends the audit event of a change; before and after are stolen (either
 * may be NULL). */
static int audit_change(struct tb_db_conn *c, struct tb_req *req, const char *action,
                        const char *type, const char *id, json_t *before, json_t *after)
{
    struct tb_app *app = req->app;
    struct audit_event e;
    audit_from_req(req, req->user, &e);
    e.action = action;
    e.object_type = type;
    e.object_id = id;
    e.before_json = before ? audit_text(req, before) : NULL;
    e.after_json = after ? audit_text(req, after) : NULL;
    if ((before && !e.before_json) || (after && !e.after_json))
        return TB_ERR_NOMEM;
    return audit_append(c, &app->audit, &e, NULL);
}

/* ---- GET /api/v1/orgs ------------------------------------------------------------------------ */

static int bad_param(struct tb_req *req, const char *name, const char *zh, const char *en)
{
    return tb_resp_problem(req, TB_ERR_INVALID, name, zh, en);
}

int org_api_list(struct tb_req *req)
{
    static const char *const known[] = {"view", "level", "kind", "parent", NULL};
    const char *vals[4] = {NULL, NULL, NULL, NULL};
    for (size_t i = 0; i < req->nquery; i++) {
        const char *key = req->query[i].key;
        size_t k = 0;
        while (known[k] && strcmp(known[k], key) != 0)
            k++;
        if (!known[k])
            return bad_param(req, key, "不认识的查询参数（可用 view、level、kind、parent）",
                             "Unknown query parameter (view, level, kind and parent are known)");
        if (vals[k])
            return bad_param(req, key, "查询参数重复", "A query parameter is given twice");
        vals[k] = req->query[i].value ? req->query[i].value : "";
    }
    const char *view = vals[0], *level = vals[1], *kind = vals[2], *parent = vals[3];
    struct org_filter f = {0, kind, parent};
    enum org_kind k;
    bool tree = !view || strcmp(view, "tree") == 0;
    if (view && !tree && strcmp(view, "list") != 0)
        return bad_param(req, "view", "view 应为 tree 或 list", "view must be tree or list");
    if (level && (strlen(level) != 1 || level[0] < '1' || level[0] > '0' + ORG_LEVEL_MAX))
        return bad_param(req, "level", "level 应为 1 到 4", "level must be 1 to 4");
    if (level)
        f.level = level[0] - '0';
    if (kind && org_kind_parse(kind, &k) < 0)
        return bad_param(req, "kind", "kind 应为 region、department 或 bureau",
                         "kind must be region, department or bureau");
    if (parent && !org_code_ok(parent, ORG_CODE_MAX))
        return bad_param(req, "parent", "parent 应为机构编码",
                         "parent must be an organisation code");
    if (tree && (level || kind || parent))
        return bad_param(req,
                         level  ? "level"
                         : kind ? "kind"
                                : "parent",
                         "筛选条件只用于 view=list", "Filters apply to view=list only");
    struct tb_db_conn *c;
    json_t *list = NULL;
    int64_t id;
    int rc = tb_db_read_conn(((struct tb_app *)req->app)->db, &c);
    if (rc == TB_OK && parent && (rc = org_id_by_code(c, parent, &id)) == TB_ERR_NOT_FOUND)
        return bad_param(req, "parent", "没有这个上级机构", "No such parent organisation");
    if (rc < 0 || (rc = org_list_json(c, tree ? NULL : &f, tree, &list)) < 0)
        return rc;
    return tb_resp_json(req, 200, json_pack("{s:o}", "orgs", list));
}

/* ---- POST /api/v1/orgs ---------------------------------------------------------------------- */

struct org_new {
    struct tb_req *req;
    struct org_doc doc;
    struct item_problems *p;
};

static int write_org_new(struct tb_db_conn *c, void *ctx)
{
    struct org_new *w = ctx;
    struct org_shape psh;
    int64_t id, parent_id = 0;
    json_t *after = NULL;
    int rc = org_id_by_code(c, w->doc.code, &id);
    if (rc != TB_ERR_NOT_FOUND)
        return rc < 0 ? rc : TB_ERR_CONFLICT;
    if (w->doc.parent) {
        rc = org_shape_by_code(c, w->doc.parent, &parent_id, &psh);
        if (rc == TB_ERR_NOT_FOUND) {
            item_problems_add(w->p, "parent", "unknown_parent", "没有这个上级机构",
                              "No such parent organisation");
            return TB_ERR_INVALID;
        }
        if (rc < 0)
            return rc;
    }
    const struct org_fault *f = org_parent_check(w->doc.shape, w->doc.parent ? &psh : NULL);
    if (f) {
        item_problems_add(w->p, "parent", f->code, f->zh, f->en);
        return TB_ERR_INVALID;
    }
    if ((rc = org_insert(c, &w->doc, parent_id, tb_time_now_ms())) < 0 ||
        (rc = org_json_by_code(c, w->doc.code, &after)) < 0)
        return rc;
    return audit_change(c, w->req, "org.create", "org", w->doc.code, NULL, after);
}

int org_api_create(struct tb_req *req)
{
    struct item_problem out[ORG_PROBLEMS_MAX];
    struct item_problems p = {out, ORG_PROBLEMS_MAX, 0};
    struct org_new w = {req, {0}, &p};
    struct tb_db_conn *c;
    json_t *org = NULL;
    if (org_doc_read(req->json, "", &w.doc, &p) < 0)
        return answer_problems(req, &p);
    int rc = tb_db_write(((struct tb_app *)req->app)->db, write_org_new, &w);
    if (rc == TB_ERR_CONFLICT)
        return tb_resp_problem(req, TB_ERR_CONFLICT, "code", "该机构编码已存在",
                               "An organisation with this code exists");
    if (rc == TB_ERR_INVALID && p.n)
        return answer_problems(req, &p);
    if (rc < 0 || (rc = tb_db_read_conn(((struct tb_app *)req->app)->db, &c)) < 0 ||
        (rc = org_json_by_code(c, w.doc.code, &org)) < 0)
        return rc;
    return tb_resp_json(req, 201, json_pack("{s:o}", "org", org));
}

/* ---- PATCH /api/v1/orgs/{code} and /api/v1/halls/{code} ---------------------------------- */

struct patch {
    struct tb_req *req;
    const char *code;
};

static int write_org_patch(struct tb_db_conn *c, void *ctx)
{
    struct patch *w = ctx;
    json_t *before = NULL, *after = NULL;
    int rc = org_json_by_code(c, w->code, &before);
    if (rc < 0)
        return rc;
    if ((rc = org_patch(c, w->code, w->req->json, tb_time_now_ms())) < 0 ||
        (rc = org_json_by_code(c, w->code, &after)) < 0) {
        json_decref(before);
        return rc;
    }
    return audit_change(c, w->req, "org.update", "org", w->code, before, after);
}

int org_api_update(struct tb_req *req)
{
    static const char *const allowed[] = {"name", "address", "phone", NULL};
    struct item_problem out[ORG_PROBLEMS_MAX];
    struct item_problems p = {out, ORG_PROBLEMS_MAX, 0};
    struct patch w = {req, tb_req_param(req, "code")};
    struct tb_db_conn *c;
    json_t *org = NULL;
    if (!org_code_ok(w.code, ORG_CODE_MAX))
        return no_org(req);
    if (org_patch_read(req->json, allowed, &p) < 0)
        return answer_problems(req, &p);
    int rc = tb_db_write(((struct tb_app *)req->app)->db, write_org_patch, &w);
    if (rc == TB_ERR_NOT_FOUND)
        return no_org(req);
    if (rc < 0 || (rc = tb_db_read_conn(((struct tb_app *)req->app)->db, &c)) < 0 ||
        (rc = org_json_by_code(c, w.code, &org)) < 0)
        return rc;
    return tb_resp_json(req, 200, json_pack("{s:o}", "org", org));
}

static int write_hall_patch(struct tb_db_conn *c, void *ctx)
{
    struct patch *w = ctx;
    json_t *before = NULL, *after = NULL;
    int64_t id;
    int rc = hall_id_by_code(c, w->code, &id);
    if (rc < 0 || (rc = hall_fields_json(c, id, &before)) < 0)
        return rc;
    if ((rc = hall_patch(c, w->code, w->req->json, tb_time_now_ms())) < 0 ||
        (rc = hall_fields_json(c, id, &after)) < 0) {
        json_decref(before);
        return rc;
    }
    return audit_change(c, w->req, "hall.update", "hall", w->code, before, after);
}

/* The hall of code as the administrator sees it, answered with status. */
static int answer_hall(struct tb_req *req, int status, const char *code)
{
    struct tb_db_conn *c;
    json_t *hall = NULL;
    int rc = tb_db_read_conn(((struct tb_app *)req->app)->db, &c);
    if (rc < 0 || (rc = hall_json(c, code, HALL_ADMIN, &hall)) < 0)
        return rc;
    return tb_resp_json(req, status, json_pack("{s:o}", "hall", hall));
}

int hall_api_update(struct tb_req *req)
{
    static const char *const allowed[] = {"name", "address", "phone", "hours", NULL};
    struct item_problem out[ORG_PROBLEMS_MAX];
    struct item_problems p = {out, ORG_PROBLEMS_MAX, 0};
    struct patch w = {req, tb_req_param(req, "code")};
    if (!org_code_ok(w.code, ORG_CODE_MAX))
        return no_hall(req);
    if (org_patch_read(req->json, allowed, &p) < 0)
        return answer_problems(req, &p);
    int rc = tb_db_write(((struct tb_app *)req->app)->db, write_hall_patch, &w);
    if (rc == TB_ERR_NOT_FOUND)
        return no_hall(req);
    if (rc < 0)
        return rc;
    return answer_hall(req, 200, w.code);
}

/* ---- halls -------------------------------------------------------------------------------------
 */

/* How the caller sees halls: the system administrator, when the request
 * carries its session, with user names (to edit a window's staff); anyone
 * else by names only. The route is public, so the gate has not run: it is
 * asked here, and any refusal just means the public view. */
static enum hall_form viewer_form(struct tb_req *req)
{
    static const struct tb_route manage = {
        "GET", "/api/v1/halls", NULL, "org.manage", "the administrator's view of halls", 0, 0};
    if (!tb_req_header(req, "Cookie") && !tb_req_header(req, "Authorization"))
        return HALL_PUBLIC;
    return accounts_gate(req, &manage) == TB_OK ? HALL_ADMIN : HALL_PUBLIC;
}

int hall_api_list(struct tb_req *req)
{
    struct tb_db_conn *c;
    json_t *halls = NULL;
    enum hall_form form = viewer_form(req);
    int rc = tb_db_read_conn(((struct tb_app *)req->app)->db, &c);
    if (rc < 0 || (rc = hall_json(c, NULL, form, &halls)) < 0)
        return rc;
    return tb_resp_json(req, 200, json_pack("{s:o}", "halls", halls));
}

int hall_api_get(struct tb_req *req)
{
    const char *code = tb_req_param(req, "code");
    struct tb_db_conn *c;
    json_t *hall = NULL;
    if (!org_code_ok(code, ORG_CODE_MAX))
        return no_hall(req);
    enum hall_form form = viewer_form(req);
    int rc = tb_db_read_conn(((struct tb_app *)req->app)->db, &c);
    if (rc == TB_OK && (rc = hall_json(c, code, form, &hall)) == TB_ERR_NOT_FOUND)
        return no_hall(req);
    if (rc < 0)
        return rc;
    return tb_resp_json(req, 200, json_pack("{s:o}", "hall", hall));
}

struct hall_new {
    struct tb_req *req;
    struct hall_doc doc;
    struct item_problems *p;
};

static int write_hall_new(struct tb_db_conn *c, void *ctx)
{
    struct hall_new *w = ctx;
    int64_t org_id, id;
    json_t *after = NULL;
    int rc = hall_org_resolve(c, w->doc.org, "org", &org_id, w->p);
    if (rc < 0)
        return rc;
    if (!org_id)
        return TB_ERR_INVALID;
    if ((rc = hall_insert(c, &w->doc, org_id, tb_time_now_ms())) < 0 ||
        (rc = hall_id_by_code(c, w->doc.code, &id)) < 0 ||
        (rc = hall_fields_json(c, id, &after)) < 0)
        return rc;
    return audit_change(c, w->req, "hall.create", "hall", w->doc.code, NULL, after);
}

int hall_api_create(struct tb_req *req)
{
    struct item_problem out[ORG_PROBLEMS_MAX];
    struct item_problems p = {out, ORG_PROBLEMS_MAX, 0};
    struct hall_new w = {req, {0}, &p};
    if (hall_doc_read(req->json, "", false, &w.doc, &p) < 0)
        return answer_problems(req, &p);
    int rc = tb_db_write(((struct tb_app *)req->app)->db, write_hall_new, &w);
    if (rc == TB_ERR_CONFLICT)
        return tb_resp_problem(req, TB_ERR_CONFLICT, "code", "该大厅编码已存在",
                               "A hall with this code exists");
    if (rc == TB_ERR_INVALID && p.n)
        return answer_problems(req, &p);
    if (rc < 0)
        return rc;
    return answer_hall(req, 201, w.doc.code);
}

/* ---- windows ------------------------------------------------------------------------------------
 */

struct window_write {
    struct tb_req *req;
    const char *hall;
    bool replace; /* PUT: the window must exist; POST: it must not */
    struct window_doc doc;
    struct item_problems *p;
    bool no_hall, no_window;
    int64_t window_id;
};

static int write_window(struct tb_db_conn *c, void *ctx)
{
    struct window_write *w = ctx;
    struct window_refs refs;
    json_t *before = NULL, *after = NULL;
    int64_t hall_id, id;
    int rc = hall_id_by_code(c, w->hall, &hall_id);
    w->no_hall = rc == TB_ERR_NOT_FOUND;
    if (rc < 0)
        return rc;
    if (w->replace) {
        rc = window_id_by_code(c, hall_id, w->doc.code, &id);
        w->no_window = rc == TB_ERR_NOT_FOUND;
        if (rc < 0 || (rc = window_json(c, id, HALL_EXPORT, &before)) < 0)
            return rc;
    }
    size_t before_n = w->p->n;
    rc = window_resolve(c, &w->doc, "", &w->req->arena, &refs, w->p);
    if (rc == TB_OK && w->p->n > before_n)
        rc = TB_ERR_INVALID;
    struct window_save s = {.hall_id = hall_id,
                            .doc = &w->doc,
                            .refs = &refs,
                            .position = -1,
                            .must_exist = w->replace,
                            .must_be_new = !w->replace,
                            .now_ms = tb_time_now_ms()};
    if (rc == TB_OK)
        rc = window_save(c, &s);
    if (rc == TB_OK)
        rc = window_json(c, s.window_id, HALL_EXPORT, &after);
    if (rc < 0) {
        json_decref(before);
        return rc;
    }
    w->window_id = s.window_id;
    return audit_change(c, w->req, w->replace ? "window.update" : "window.create", "window",
                        tb_arena_printf(&w->req->arena, "%s/%s", w->hall, w->doc.code), before,
                        after);
}

/* POST (replace false) and PUT (true). */
static int window_api(struct tb_req *req, bool replace)
{
    struct item_problem out[ORG_PROBLEMS_MAX];
    struct item_problems p = {out, ORG_PROBLEMS_MAX, 0};
    struct window_write w = {
        .req = req, .hall = tb_req_param(req, "code"), .replace = replace, .p = &p};
    const char *url_code = replace ? tb_req_param(req, "window") : NULL;
    struct tb_db_conn *c;
    json_t *win = NULL;
    if (!org_code_ok(w.hall, ORG_CODE_MAX))
        return no_hall(req);
    if (replace && !org_code_ok(url_code, WINDOW_CODE_MAX))
        return no_window(req);
    if (window_doc_read(req->json, "", false, url_code, &w.doc, &p) < 0)
        return answer_problems(req, &p);
    int rc = tb_db_write(((struct tb_app *)req->app)->db, write_window, &w);
    if (w.no_hall)
        return no_hall(req);
    if (w.no_window || (replace && rc == TB_ERR_NOT_FOUND))
        return no_window(req);
    if (rc == TB_ERR_CONFLICT)
        return tb_resp_problem(req, TB_ERR_CONFLICT, "code", "该大厅已有这个窗口编码",
                               "The hall has a window with this code");
    if (rc == TB_ERR_INVALID && p.n)
        return answer_problems(req, &p);
    if (rc < 0 || (rc = tb_db_read_conn(((struct tb_app *)req->app)->db, &c)) < 0 ||
        (rc = window_json(c, w.window_id, HALL_ADMIN, &win)) < 0)
        return rc;
    return tb_resp_json(req, replace ? 200 : 201, json_pack("{s:o}", "window", win));
}

int window_api_create(struct tb_req *req)
{
    return window_api(req, false);
}

int window_api_replace(struct tb_req *req)
{
    return window_api(req, true);
}
