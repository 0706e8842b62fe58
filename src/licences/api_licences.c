/*
 * api_licences.c - licences over HTTP (docs/licences.md "HTTP API"):
 *
 *   GET  /api/v1/me/licences                   case.apply      the wallet
 *   GET  /api/v1/licences                      licence.manage  issued by my organisation
 *   GET  /api/v1/licences/verify?no=&check=    public          verification, the minimum
 *   GET  /api/v1/licences/{no}                 self            holder or issuing staff
 *   GET  /api/v1/licences/{no}/licence.pdf     self            the PDF
 *   GET  /api/v1/licences/{no}/licence.json    self            the signed licence file
 *   POST /api/v1/licences/{no}/change          licence.manage  a new version with new face data
 *   POST /api/v1/licences/{no}/renew           licence.manage  a new version with new dates
 *   POST /api/v1/licences/{no}/revoke          licence.manage  revoked, with a reason
 *   GET  /api/v1/library/licences              client scope licence.query: does H hold T
 *   GET  /api/v1/library/licences/{no}         client scope licence.query: one licence
 *
 * A licence someone may not see is 404, as if it did not exist. The
 * holder is found by the blind index of the account's number, so licences
 * imported from history (no account) reach their holder's wallet too.
 */
#include "licences/api.h"
#include "licences/internal.h"
#include "accounts/accounts.h"
#include "accounts/api.h"
#include "accounts/identifiers.h"
#include "app/app.h"
#include "audit/audit.h"
#include "guide/guide.h"
#include "lib/arena.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/ratelimit.h"
#include "lib/timeutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERIFY_PER_MINUTE 30
#define LIST_MAX          200
#define PDF_MAX           (8 * 1024 * 1024)

static struct tb_rate verify_limiter = TB_RATE_INIT(VERIFY_PER_MINUTE);

static int not_found(struct tb_req *req)
{
    return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "没有这个证照", "No such licence");
}

static json_t *iso_or_null(int64_t ms)
{
    if (!ms)
        return json_null();
    char at[40];
    tb_time_format_iso(ms, at, sizeof(at));
    return json_string(at);
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Absolute URL of a page path ("/verify/?..."), from public_url or listen. */
static const char *absolute(struct tb_req *req, const char *path)
{
    struct tb_app *app = req->app;
    const char *base = app->cfg.public_url;
    if (base[0])
        return tb_arena_printf(&req->arena, "%.*s%s",
                               (int)(strlen(base) - (base[strlen(base) - 1] == '/')), base, path);
    return tb_arena_printf(&req->arena, "http://%s%s", app->cfg.listen, path);
}

static const char *verify_path(struct tb_req *req, const char *no)
{
    char check[LICENCE_CHECK_LEN + 1];
    if (licence_check_code(req->app, no, check) < 0)
        return NULL;
    return tb_arena_printf(&req->arena, "/verify/?no=%s&check=%s", no, check);
}

/* The status from the stored columns and the business date. */
static const char *column_status(struct tb_req *req, const struct licence_row *l)
{
    char today[LICENCE_DATE_LEN + 1];
    licence_today(req->app, today);
    return licence_status_name(licence_status_eval(true, l->status, l->valid_until, today));
}

static json_t *summary_json(struct tb_req *req, const struct licence_row *l, const char *status)
{
    char check[LICENCE_CHECK_LEN + 1];
    if (licence_check_code(req->app, l->no, check) < 0)
        return NULL;
    return json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s,s:s},s:s,s:o,s:s,s:s,s:s?}", "no", l->no, "check",
                     check, "type", "code", l->type_code, "name", l->type_name, "issuer", "code",
                     l->issuer_code, "name", l->issuer_name, "issued_on", l->issued_on,
                     "valid_until", text_or_null(l->valid_until), "status",
                     status ? status : column_status(req, l), "trust_level", l->trust_level,
                     "verify_url", verify_path(req, l->no));
}

/* ---- who may see a licence -------------------------------------------------------------- */

/* The holder index of the caller as an applicant (or of the applicant an
 * agent acts for); false when the caller is no applicant. */
static bool caller_index(struct tb_req *req, struct tb_db_conn *c, unsigned char idx[32])
{
    const struct principal *p = req->user;
    int64_t who = p->on_behalf_of ? p->on_behalf_of : p->account_id;
    if (p->client_id || (p->kind == ACCOUNT_STAFF && !p->on_behalf_of))
        return false;
    return accounts_stored_index(c, who, idx) == 0;
}

enum viewer { V_NONE, V_HOLDER, V_ISSUER };

static enum viewer viewer_of(struct tb_req *req, struct tb_db_conn *c, const struct licence_row *l)
{
    const struct principal *p = req->user;
    if (p->kind == ACCOUNT_STAFF && !p->client_id && p->org_id == l->issuer_org_id)
        return V_ISSUER;
    unsigned char idx[32];
    if (!caller_index(req, c, idx))
        return V_NONE;
    bool mine = tb_ct_equal(l->holder_index, idx, sizeof(idx));
    return mine ? V_HOLDER : V_NONE;
}

/* The licence of the {no} parameter that the caller may see (404 answered). */
static int visible(struct tb_req *req, struct tb_db_conn **c, struct licence_row *l, enum viewer *v)
{
    struct tb_app *app = req->app;
    const char *no = tb_req_param(req, "no");
    struct licence_no_parts parts;
    int rc = tb_db_read_conn(app->db, c);
    if (rc != 0)
        return rc;
    if (!no || licence_no_parse(no, &parts) < 0)
        return not_found(req);
    rc = licence_by_no(*c, &req->arena, no, l);
    if (rc == TB_ERR_NOT_FOUND || (rc == 0 && (*v = viewer_of(req, *c, l)) == V_NONE))
        return not_found(req);
    return rc;
}

/* ---- detail ----------------------------------------------------------------------------- */

static json_t *face_json(struct tb_db_conn *c, struct tb_arena *a, const struct licence_row *l,
                         const json_t *content)
{
    json_t *out = json_array(), *face = json_object_get(content, "face"), *f;
    struct licence_type_row t = {0};
    if (!out || licence_type_by_id(c, a, l->type_id, &t) < 0)
        return out;
    size_t i;
    json_array_foreach(t.fields, i, f)
    {
        const char *key = json_string_value(json_object_get(f, "key"));
        json_t *v = key ? json_object_get(face, key) : NULL;
        if (v)
            json_array_append_new(out, json_pack("{s:s,s:O,s:O}", "key", key, "label",
                                                 json_object_get(f, "label"), "value", v));
    }
    /* fields the type no longer lists are still printed */
    const char *k;
    json_t *v;
    json_object_foreach(face, k, v)
    {
        if (!licence_type_has_field(t.fields, k))
            json_array_append_new(out,
                                  json_pack("{s:s,s:s,s:O}", "key", k, "label", k, "value", v));
    }
    licence_type_row_free(&t);
    return out;
}

static json_t *events_json(struct tb_db_conn *c, int64_t id)
{
    json_t *out = json_array();
    struct tb_db_stmt *s;
    if (!out || tb_db_prepare(c,
                              "SELECT kind, at, reason FROM licence_events WHERE licence_id = ?1 "
                              "ORDER BY id",
                              &s) != 0)
        return out;
    tb_db_bind_int64(s, 1, id);
    while (tb_db_step(s) == TB_DB_ROW)
        json_array_append_new(out, json_pack("{s:s,s:o,s:o}", "kind", tb_db_column_text(s, 0), "at",
                                             iso_or_null(tb_db_column_int64(s, 1)), "reason",
                                             text_or_null(tb_db_column_text(s, 2))));
    tb_db_stmt_done(s);
    return out;
}

static json_t *holder_json(const json_t *content, enum viewer v)
{
    const json_t *h = json_object_get(content, "holder");
    const char *type = json_string_value(json_object_get(h, "id_type"));
    const char *num = json_string_value(json_object_get(h, "id_number"));
    const char *name = json_string_value(json_object_get(h, "name"));
    char mask[IDENT_MASK_BUFSZ] = "";
    if (v != V_HOLDER && num)
        ident_mask(type && strcmp(type, "111") == 0 ? IDENT_PERSON : IDENT_ORG, num, strlen(num),
                   mask, sizeof(mask));
    return json_pack("{s:s?,s:s?,s:s?}", "name", name, "id_type", type, "id_number",
                     v == V_HOLDER ? num : mask);
}

int licences_api_get(struct tb_req *req)
{
    struct tb_db_conn *c;
    struct licence_row l = {0};
    enum viewer v = V_NONE;
    int rc = visible(req, &c, &l, &v);
    if (rc < 0)
        return rc;
    json_t *content;
    const char *text;
    bool ok = false;
    struct seal_row seal = {0};
    if ((rc = licence_open(c, req->app, &req->arena, &l, &content, &text, &ok, &seal)) < 0)
        return rc;
    char today[LICENCE_DATE_LEN + 1];
    licence_today(req->app, today);
    const char *status =
        licence_status_name(licence_status_eval(ok, l.status, l.valid_until, today));
    json_t *o = summary_json(req, &l, status);
    if (!o) {
        json_decref(content);
        return TB_ERR_NOMEM;
    }
    json_object_set_new(o, "holder", content ? holder_json(content, v) : json_null());
    json_object_set_new(o, "face", content ? face_json(c, &req->arena, &l, content) : json_array());
    json_object_set_new(o, "case_no", text_or_null(l.case_no));
    json_object_set_new(o, "version", json_integer(l.version));
    json_object_set_new(o, "valid_from", text_or_null(l.valid_from));
    json_object_set_new(o, "previous", text_or_null(licence_no_of(c, &req->arena, l.previous_id)));
    json_object_set_new(o, "replaced_by",
                        text_or_null(licence_no_of(c, &req->arena, l.replaced_by_id)));
    json_object_set_new(
        o, "seal", json_pack("{s:s,s:s}", "id", seal.public_id, "fingerprint", seal.fingerprint));
    json_object_set_new(o, "revoked_at", iso_or_null(l.revoked_at));
    json_object_set_new(o, "revoke_reason", text_or_null(l.revoke_reason));
    json_object_set_new(o, "events", events_json(c, l.id));
    json_decref(content);
    return tb_resp_json(req, 200, o);
}

/* The licence file of l (content opened and checked): a new object. */
static json_t *file_of(struct tb_req *req, struct tb_db_conn *c, const struct licence_row *l,
                       bool *ok, json_t **content_out)
{
    json_t *content;
    const char *text;
    struct seal_row seal = {0};
    if (licence_open(c, req->app, &req->arena, l, &content, &text, ok, &seal) < 0 || !content)
        return NULL;
    json_t *file = licence_file_json(content, l->signature, l->sig_len, &seal);
    if (content_out)
        *content_out = content;
    else
        json_decref(content);
    return file;
}

int licences_api_file(struct tb_req *req)
{
    struct tb_db_conn *c;
    struct licence_row l = {0};
    enum viewer v;
    int rc = visible(req, &c, &l, &v);
    if (rc < 0)
        return rc;
    bool ok = false;
    json_t *file = file_of(req, c, &l, &ok, NULL);
    if (!file)
        return tb_resp_problem(req, TB_ERR_CONFLICT, NULL, "证照数据损坏，无法导出",
                               "The licence's stored data is damaged; it cannot be exported");
    char disp[LICENCE_NO_MAX + 48];
    snprintf(disp, sizeof(disp), "attachment; filename=\"licence-%s.json\"", l.no);
    if ((rc = tb_resp_header(req, "Content-Disposition", disp)) < 0) {
        json_decref(file);
        return rc;
    }
    return tb_resp_json(req, 200, file);
}

int licences_api_pdf(struct tb_req *req)
{
    struct tb_db_conn *c;
    struct licence_row l = {0};
    enum viewer v;
    int rc = visible(req, &c, &l, &v);
    if (rc < 0)
        return rc;
    bool ok = false;
    json_t *content = NULL;
    json_t *file = file_of(req, c, &l, &ok, &content);
    char *text = file ? json_dumps(file, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    size_t tl = text ? strlen(text) : 0;
    char *b64 = text ? tb_arena_alloc(&req->arena, 4 * ((tl + 2) / 3) + 1) : NULL;
    if (!b64 || tb_base64_encode(text, tl, b64, 4 * ((tl + 2) / 3) + 1) < 0) {
        free(text);
        json_decref(file);
        json_decref(content);
        return file ? TB_ERR_NOMEM
                    : tb_resp_problem(req, TB_ERR_CONFLICT, NULL, "证照数据损坏，无法生成 PDF",
                                      "The licence's stored data is damaged; no PDF");
    }
    free(text);
    char today[LICENCE_DATE_LEN + 1];
    licence_today(req->app, today);
    const json_t *h = json_object_get(content, "holder");
    const char *idt = json_string_value(json_object_get(h, "id_type"));
    json_t *data = json_pack(
        "{s:s,s:s,s:{s:O,s:s,s:O},s:o,s:{s:s},s:s,s:s,s:o,s:s,s:s,s:O,s:s,s:s,s:s,s:s}",
        "type_name", l.type_name, "no", l.no, "holder", "name", json_object_get(h, "name"),
        "id_type_label", idt && strcmp(idt, "111") == 0 ? "公民身份号码" : "统一社会信用代码",
        "id_number", json_object_get(h, "id_number"), "face",
        face_json(c, &req->arena, &l, content), "issuer", "name", l.issuer_name, "issued_on",
        l.issued_on, "valid_from", l.valid_from, "valid_until", text_or_null(l.valid_until),
        "trust_level", l.trust_level, "verify_url", absolute(req, verify_path(req, l.no)),
        "signature", json_object_get(file, "signature"), "seal_fingerprint",
        json_string_value(json_object_get(json_object_get(file, "seal"), "fingerprint")), "seal_id",
        json_string_value(json_object_get(json_object_get(file, "seal"), "id")), "status",
        licence_status_name(licence_status_eval(ok, l.status, l.valid_until, today)), "subject",
        tb_arena_printf(&req->arena, "%s%s", LICENCE_PDF_SUBJECT, b64));
    json_decref(file);
    json_decref(content);
    if (!data)
        return TB_ERR_NOMEM;
    struct tb_buf pdf;
    tb_buf_init(&pdf, PDF_MAX);
    rc = licence_pdf(data, &pdf);
    json_decref(data);
    if (rc == 0) {
        char disp[LICENCE_NO_MAX + 48];
        snprintf(disp, sizeof(disp), "inline; filename=\"licence-%s.pdf\"", l.no);
        rc = tb_resp_text(req, 200, "application/pdf", pdf.data, pdf.len);
        if (rc == 0)
            rc = tb_resp_header(req, "Content-Disposition", disp);
    }
    tb_buf_free(&pdf);
    return rc;
}

/* ---- lists ------------------------------------------------------------------------------ */

static int list_rows(struct tb_req *req, struct tb_db_conn *c, struct tb_db_stmt *s, json_t **out)
{
    int64_t ids[LIST_MAX];
    size_t n = 0;
    int rc = 0;
    while (n < LIST_MAX && (rc = tb_db_step(s)) == TB_DB_ROW)
        ids[n++] = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    if (rc < 0 && n < LIST_MAX)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) {
        struct licence_row l = {0};
        if ((rc = licence_by_id(c, &req->arena, ids[i], &l)) < 0) {
            json_decref(list);
            return rc;
        }
        json_array_append_new(list, summary_json(req, &l, NULL));
    }
    *out = list;
    return list ? TB_OK : TB_ERR_NOMEM;
}

int licences_api_wallet(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc != 0)
        return rc;
    unsigned char idx[32];
    json_t *list = NULL;
    if (!caller_index(req, c, idx))
        return tb_resp_json(req, 200, json_pack("{s:[]}", "licences"));
    if ((rc = tb_db_prepare(c,
                            "SELECT id FROM licences WHERE holder_index = ?1 ORDER BY "
                            "status = 'valid' DESC, id DESC LIMIT 200",
                            &s)) != 0)
        return rc;
    tb_db_bind_blob(s, 1, idx, sizeof(idx));
    if ((rc = list_rows(req, c, s, &list)) < 0)
        return rc;
    return tb_resp_json(req, 200, json_pack("{s:o}", "licences", list));
}

int licences_api_list(struct tb_req *req)
{
    struct tb_app *app = req->app;
    const struct principal *p = req->user;
    const char *type = tb_req_query(req, "type"), *status = tb_req_query(req, "status");
    const char *cur = tb_req_query(req, "cursor");
    long long before = INT64_MAX;
    if (status && strcmp(status, "valid") != 0 && strcmp(status, "revoked") != 0 &&
        strcmp(status, "superseded") != 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "status",
                               "status 应为 valid、revoked 或 superseded",
                               "status is valid, revoked or superseded");
    if (cur) {
        char *end;
        errno = 0;
        before = strtoll(cur, &end, 10);
        if (errno || end == cur || *end || before <= 0)
            return tb_resp_problem(req, TB_ERR_INVALID, "cursor", "cursor 无效",
                                   "cursor is not valid");
    }
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc != 0)
        return rc;
    if ((rc = tb_db_prepare(c,
                            "SELECT l.id FROM licences l JOIN licence_types t ON t.id = l.type_id "
                            "WHERE l.issuer_org_id = ?1 AND l.id < ?2 AND (?3 IS NULL OR t.code = "
                            "?3) AND (?4 IS NULL OR l.status = ?4) ORDER BY l.id DESC LIMIT 50",
                            &s)) != 0)
        return rc;
    tb_db_bind_int64(s, 1, p->org_id);
    tb_db_bind_int64(s, 2, before);
    tb_db_bind_text(s, 3, type, -1);
    tb_db_bind_text(s, 4, status, -1);
    json_t *list = NULL;
    if ((rc = list_rows(req, c, s, &list)) < 0)
        return rc;
    json_t *next = json_null();
    if (json_array_size(list) == 50) {
        struct licence_row l = {0};
        const char *no = json_string_value(json_object_get(json_array_get(list, 49), "no"));
        if (no && licence_by_no(c, &req->arena, no, &l) == 0)
            next = json_sprintf("%lld", (long long)l.id);
    }
    return tb_resp_json(req, 200, json_pack("{s:o,s:o}", "licences", list, "next_cursor", next));
}

/* ---- change, renew, revoke ---------------------------------------------------------------- */

enum act { ACT_CHANGE, ACT_RENEW, ACT_REVOKE };

struct act_write {
    struct tb_req *req;
    enum act act;
    const char *no;
    const char *reason;
    const json_t *face; /* change */
    /* out */
    char new_no[LICENCE_NO_MAX];
    const char *why;
    const char *bad_key;
};

static int act_audit(struct tb_db_conn *c, struct act_write *w, const char *object)
{
    static const char *const actions[] = {"licence.change", "licence.renew", "licence.revoke"};
    struct tb_app *app = w->req->app;
    struct audit_event e;
    audit_from_req(w->req, w->req->user, &e);
    e.action = actions[w->act];
    e.object_type = "licence";
    e.object_id = object;
    e.reason = w->reason;
    e.after_json = w->act == ACT_REVOKE
                       ? "{\"status\":\"revoked\"}"
                       : tb_arena_printf(&w->req->arena, "{\"replaced_by\":\"%s\"}", w->new_no);
    return e.after_json ? audit_append(c, &app->audit, &e, NULL) : TB_ERR_NOMEM;
}

static int write_act(struct tb_db_conn *c, void *ctx)
{
    struct act_write *w = ctx;
    struct tb_req *req = w->req;
    struct tb_app *app = req->app;
    const struct principal *p = req->user;
    struct licence_row l = {0};
    int rc = licence_by_no(c, &req->arena, w->no, &l);
    if (rc < 0)
        return rc;
    if (l.issuer_org_id != p->org_id)
        return TB_ERR_NOT_FOUND;
    if (strcmp(l.status, "valid") != 0) {
        w->why = strcmp(l.status, "revoked") == 0 ? "licence_revoked" : "licence_superseded";
        return TB_ERR_CONFLICT;
    }
    int64_t now = tb_time_now_ms();
    if (w->act == ACT_REVOKE) {
        struct seal_row seal = {0};
        if ((rc = seal_active_for(c, &req->arena, l.issuer_org_id, &seal)) == TB_ERR_NOT_FOUND) {
            w->why = "no_active_seal";
            return TB_ERR_CONFLICT;
        }
        struct tb_db_stmt *s;
        if (rc < 0 || (rc = tb_db_prepare(c,
                                          "UPDATE licences SET status = 'revoked', revoked_at = "
                                          "?2, revoke_reason = ?3 WHERE id = ?1",
                                          &s)) != 0)
            return rc;
        tb_db_bind_int64(s, 1, l.id);
        tb_db_bind_int64(s, 2, now);
        tb_db_bind_text(s, 3, w->reason, -1);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0 || (rc = licence_event_add(c, app, &req->arena, &seal, l.id, l.no, "revoke",
                                              w->reason, p->account_id, l.case_id, now)) < 0)
            return rc;
        return act_audit(c, w, l.no);
    }
    /* change and renewal: a new version of the same serial */
    json_t *content;
    const char *text;
    bool ok = false;
    struct seal_row old_seal = {0};
    if ((rc = licence_open(c, app, &req->arena, &l, &content, &text, &ok, &old_seal)) < 0)
        return rc;
    if (!ok) {
        json_decref(content);
        w->why = "licence_tampered";
        return TB_ERR_CONFLICT;
    }
    struct licence_type_row type = {0};
    if ((rc = licence_type_by_id(c, &req->arena, l.type_id, &type)) < 0) {
        json_decref(content);
        return rc;
    }
    json_t *face = json_deep_copy(json_object_get(content, "face"));
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)w->face, k, v)
    {
        if (!licence_type_has_field(type.fields, k)) {
            w->bad_key = tb_arena_strdup(&req->arena, k);
            rc = TB_ERR_INVALID;
            break;
        }
        json_object_set(face, k, v);
    }
    char today[LICENCE_DATE_LEN + 1], until[LICENCE_DATE_LEN + 1] = "";
    licence_today(app, today);
    if (rc == 0)
        rc = licence_valid_until(today, type.validity_years, until);
    const json_t *h = json_object_get(content, "holder");
    struct licence_new n = {
        .type = &type,
        .issuer_org_id = l.issuer_org_id,
        .holder_name = json_string_value(json_object_get(h, "name")),
        .holder_id_type = json_string_value(json_object_get(h, "id_type")),
        .holder_id = json_string_value(json_object_get(h, "id_number")),
        .holder_account_id = l.holder_account_id,
        .case_id = l.case_id,
        .case_no = l.case_no,
        .trust_level = l.trust_level,
        .issued_on = today,
        .valid_from = w->act == ACT_RENEW ? today : l.valid_from,
        .valid_until = w->act == ACT_RENEW ? (until[0] ? until : NULL) : l.valid_until,
        .face = face,
        .serial = l.serial,
        .version = l.version + 1,
        .previous_id = l.id,
        .previous_no = l.no,
        .event_kind = w->act == ACT_RENEW ? "renew" : "change",
        .reason = w->reason,
        .actor_id = p->account_id,
        .now = now,
    };
    int64_t id = 0;
    if (rc == 0 && (!n.holder_name || !n.holder_id_type || !n.holder_id))
        rc = TB_ERR_INTERNAL;
    if (rc == 0)
        rc = licence_store_new(c, app, &req->arena, &n, &id, w->new_no, &w->why);
    json_decref(face);
    json_decref(content);
    licence_type_row_free(&type);
    return rc < 0 ? rc : act_audit(c, w, l.no);
}

static int act(struct tb_req *req, enum act a)
{
    static const char *const change_fields[] = {"face", "reason", NULL};
    static const char *const reason_only[] = {"reason", NULL};
    struct tb_app *app = req->app;
    struct act_write w = {.req = req, .act = a, .no = tb_req_param(req, "no")};
    int rc = accounts_only_fields(req, a == ACT_CHANGE ? change_fields : reason_only);
    if (rc < 0 ||
        (rc = accounts_need_string(req, "reason", LICENCE_REASON_MAX, &w.reason, "理由")) < 0)
        return rc;
    if (a == ACT_CHANGE) {
        w.face = json_object_get(req->json, "face");
        const char *k;
        json_t *v;
        bool ok = json_is_object(w.face) && json_object_size(w.face) > 0;
        json_object_foreach((json_t *)w.face, k, v)
        {
            const char *s = json_string_value(v);
            ok = ok && s && *s && tb_utf8_valid(s, strlen(s)) &&
                 tb_utf8_chars(s, strlen(s)) <= LICENCE_VALUE_MAX;
        }
        if (!ok)
            return tb_resp_problem(req, TB_ERR_INVALID, "face",
                                   "face 应为照面信息键到新值（非空文字）的对象",
                                   "face maps face-field keys to new values (non-empty text)");
    }
    struct licence_no_parts parts;
    if (!w.no || licence_no_parse(w.no, &parts) < 0)
        return not_found(req);
    rc = tb_db_write(app->db, write_act, &w);
    if (rc == TB_ERR_NOT_FOUND)
        return not_found(req);
    if (rc == TB_ERR_INVALID && w.bad_key)
        return tb_resp_problem_extra(req, rc, tb_arena_printf(&req->arena, "face.%s", w.bad_key),
                                     "该证照类型没有这项照面信息",
                                     "The licence type has no such face field",
                                     json_pack("{s:s}", "reason", "unknown_face_field"));
    if (rc == TB_ERR_CONFLICT) {
        const char *why = w.why ? w.why : "conflict";
        const char *zh = strcmp(why, "licence_revoked") == 0 ? "证照已注销"
                         : strcmp(why, "licence_superseded") == 0 ? "证照已变更，请对最新版本操作"
                         : strcmp(why, "no_active_seal") == 0 ? "发证机关没有启用中的电子印章"
                                                              : "证照数据校验失败，不能在其上变更";
        const char *en = strcmp(why, "licence_revoked") == 0 ? "The licence is revoked"
                         : strcmp(why, "licence_superseded") == 0
                             ? "The licence was replaced; act on the newest version"
                         : strcmp(why, "no_active_seal") == 0
                             ? "The issuing organisation has no active seal"
                             : "The licence's data does not verify; it cannot be changed";
        return tb_resp_problem_extra(req, rc, NULL, zh, en, json_pack("{s:s}", "reason", why));
    }
    if (rc < 0)
        return rc;
    struct tb_db_conn *c;
    struct licence_row l = {0};
    if ((rc = tb_db_read_conn(app->db, &c)) != 0 ||
        (rc = licence_by_no(c, &req->arena, a == ACT_REVOKE ? w.no : w.new_no, &l)) != 0)
        return rc;
    return tb_resp_json(req, a == ACT_REVOKE ? 200 : 201, summary_json(req, &l, NULL));
}

int licences_api_change(struct tb_req *req)
{
    return act(req, ACT_CHANGE);
}

int licences_api_renew(struct tb_req *req)
{
    return act(req, ACT_RENEW);
}

int licences_api_revoke(struct tb_req *req)
{
    return act(req, ACT_REVOKE);
}

/* ---- public verification ---------------------------------------------------------------- */

int licences_api_verify(struct tb_req *req)
{
    struct tb_app *app = req->app;
    const char *no = tb_req_query(req, "no"), *check = tb_req_query(req, "check");
    if (!tb_rate_allow(&verify_limiter, req->peer, tb_time_now_ms())) {
        int rc = tb_resp_header(req, "Retry-After", "60");
        return rc < 0
                   ? rc
                   : tb_resp_problem(req, TB_ERR_RATE_LIMITED, NULL, "核验过于频繁，请一分钟后再试",
                                     "Too many verifications; try again in a minute");
    }
    if (!no || !check)
        return tb_resp_problem(req, TB_ERR_BAD_REQUEST, !no ? "no" : "check",
                               "请输入证照编号和核验码", "Give the licence number and check code");
    struct licence_no_parts parts;
    char expect[LICENCE_CHECK_LEN + 1];
    bool well_formed = licence_no_parse(no, &parts) == 0 && strlen(check) == LICENCE_CHECK_LEN;
    int rc = licence_check_code(app, well_formed ? no : "-", expect);
    if (rc < 0)
        return rc;
    bool code_ok = well_formed && tb_ct_equal(expect, check, LICENCE_CHECK_LEN);
    struct tb_db_conn *c;
    struct licence_row l = {0};
    if ((rc = tb_db_read_conn(app->db, &c)) != 0)
        return rc;
    rc = licence_by_no(c, &req->arena, well_formed ? no : "", &l);
    if (rc == TB_ERR_NOT_FOUND || (rc == 0 && !code_ok))
        return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "未找到该证照，或核验码不正确",
                               "No such licence, or a wrong check code");
    if (rc < 0)
        return rc;
    json_t *content;
    const char *text;
    bool ok = false;
    struct seal_row seal = {0};
    if ((rc = licence_open(c, app, &req->arena, &l, &content, &text, &ok, &seal)) < 0)
        return rc;
    json_decref(content);
    char today[LICENCE_DATE_LEN + 1];
    licence_today(app, today);
    enum licence_status st = licence_status_eval(ok, l.status, l.valid_until, today);
    return tb_resp_json(
        req, 200,
        json_pack("{s:s,s:s,s:{s:s,s:s},s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:{s:s,s:s}}", "status",
                  licence_status_name(st), "no", l.no, "type", "code", l.type_code, "name",
                  l.type_name, "holder", l.holder_masked, "issuer", l.issuer_name, "issued_on",
                  l.issued_on, "valid_until", text_or_null(l.valid_until), "revoked_at",
                  iso_or_null(l.revoked_at), "revoke_reason",
                  text_or_null(st == LS_REVOKED ? l.revoke_reason : NULL), "replaced_by",
                  text_or_null(licence_no_of(c, &req->arena, l.replaced_by_id)), "seal", "id",
                  seal.public_id, "fingerprint", seal.fingerprint));
}

/* ---- the library for department systems ---------------------------------------------- */

struct query_write {
    struct tb_req *req;
    const char *purpose, *case_no, *type_code, *no;
    unsigned char idx[32];
    bool has_idx;
    int64_t licence_id;
    const char *result;
};

static int write_query_log(struct tb_db_conn *c, void *ctx)
{
    struct query_write *w = ctx;
    const struct principal *p = w->req->user;
    struct tb_app *app = w->req->app;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "INSERT INTO licence_queries(at, client_id, purpose, case_no, "
                           "holder_index, type_code, licence_id, result) VALUES (?1, ?2, ?3, ?4, "
                           "?5, ?6, ?7, ?8)",
                           &s);
    if (rc != 0)
        return rc;
    tb_db_bind_int64(s, 1, tb_time_now_ms());
    tb_db_bind_int64(s, 2, p->client_id);
    tb_db_bind_text(s, 3, w->purpose, -1);
    tb_db_bind_text(s, 4, w->case_no, -1);
    if (w->has_idx)
        tb_db_bind_blob(s, 5, w->idx, sizeof(w->idx));
    else
        tb_db_bind_null(s, 5);
    tb_db_bind_text(s, 6, w->type_code, -1);
    if (w->licence_id)
        tb_db_bind_int64(s, 7, w->licence_id);
    else
        tb_db_bind_null(s, 7);
    tb_db_bind_text(s, 8, w->result, -1);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    struct audit_event e;
    audit_from_req(w->req, p, &e);
    e.action = "licence.query";
    e.object_type = "licence";
    e.object_id = w->no;
    e.reason = w->purpose;
    e.after_json = accounts_json_text(w->req, json_pack("{s:s?,s:s?,s:s}", "type", w->type_code,
                                                        "case", w->case_no, "result", w->result));
    return e.after_json ? audit_append(c, &app->audit, &e, NULL) : TB_ERR_NOMEM;
}

/* purpose (required) and case (optional) of a library query. */
static int query_context(struct tb_req *req, struct query_write *w)
{
    const struct principal *p = req->user;
    if (!p->client_id)
        return tb_resp_problem(req, TB_ERR_FORBIDDEN, NULL, "证照库接口只供部门系统使用",
                               "The licence library API is for department systems");
    w->purpose = tb_req_query(req, "purpose");
    w->case_no = tb_req_query(req, "case");
    if (!w->purpose || !*w->purpose || !tb_utf8_valid(w->purpose, strlen(w->purpose)) ||
        tb_utf8_chars(w->purpose, strlen(w->purpose)) > LICENCE_PURPOSE_MAX)
        return tb_resp_problem_extra(req, TB_ERR_INVALID, "purpose",
                                     "请说明查询用途（purpose，不超过 200 个字）",
                                     "Say what the query is for (purpose, at most 200 characters)",
                                     json_pack("{s:s}", "reason", "purpose_required"));
    if (w->case_no && (strlen(w->case_no) > 40 || !*w->case_no))
        return tb_resp_problem(req, TB_ERR_INVALID, "case", "case 应为办件编号",
                               "case is a case number");
    return TB_OK;
}

int licences_api_library(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct query_write w = {.req = req};
    int rc = query_context(req, &w);
    if (rc < 0)
        return rc;
    const char *holder = tb_req_query(req, "holder");
    w.type_code = tb_req_query(req, "type");
    struct ident_result ir;
    size_t hl = holder ? strlen(holder) : 0;
    int y, m, d;
    tb_time_shanghai_date(tb_time_now_ms(), &y, &m, &d);
    bool person = hl && ident_check_person(holder, hl, y * 10000 + m * 100 + d, &ir) == 0;
    bool org = hl && !person && ident_check_org(holder, hl, &ir) == 0;
    if (!person && !org)
        return tb_resp_problem(req, TB_ERR_INVALID, "holder",
                               "holder 应为有效的居民身份证号或统一社会信用代码",
                               "holder is a valid ID number or unified social credit code");
    if (w.type_code && !licence_type_code_ok(w.type_code))
        return tb_resp_problem(req, TB_ERR_INVALID, "type", "type 应为证照类型编码",
                               "type is a licence type code");
    char norm[32];
    ident_normalise(person ? IDENT_PERSON : IDENT_ORG, holder, hl, norm, sizeof(norm));
    if ((rc = accounts_id_index(app, person ? "person" : "org", norm, w.idx)) < 0)
        return rc;
    w.has_idx = true;
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    if ((rc = tb_db_read_conn(app->db, &c)) != 0 ||
        (rc = tb_db_prepare(c,
                            "SELECT l.id FROM licences l JOIN licence_types t ON t.id = l.type_id "
                            "WHERE l.holder_index = ?1 AND (?2 IS NULL OR t.code = ?2) ORDER BY "
                            "l.id DESC LIMIT 200",
                            &s)) != 0)
        return rc;
    tb_db_bind_blob(s, 1, w.idx, sizeof(w.idx));
    tb_db_bind_text(s, 2, w.type_code, -1);
    int64_t ids[LIST_MAX];
    size_t n = 0;
    while (n < LIST_MAX && (rc = tb_db_step(s)) == TB_DB_ROW)
        ids[n++] = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    if (rc < 0 && n < LIST_MAX)
        return rc;
    json_t *list = json_array();
    bool holds = false;
    for (size_t i = 0; list && i < n; i++) {
        struct licence_row l = {0};
        if ((rc = licence_by_id(c, &req->arena, ids[i], &l)) < 0) {
            json_decref(list);
            return rc;
        }
        const char *st = column_status(req, &l);
        if (strcmp(st, "valid") == 0) {
            holds = true;
            if (!w.licence_id)
                w.licence_id = l.id;
        }
        json_array_append_new(list,
                              json_pack("{s:s,s:{s:s,s:s},s:s,s:s,s:o,s:s}", "no", l.no, "type",
                                        "code", l.type_code, "name", l.type_name, "status", st,
                                        "issued_on", l.issued_on, "valid_until",
                                        text_or_null(l.valid_until), "issuer", l.issuer_name));
    }
    if (!list)
        return TB_ERR_NOMEM;
    w.result = holds ? "found" : "none";
    if ((rc = tb_db_write(app->db, write_query_log, &w)) < 0) {
        json_decref(list);
        return rc;
    }
    return tb_resp_json(req, 200, json_pack("{s:b,s:o}", "holds", holds, "licences", list));
}

int licences_api_library_get(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct query_write w = {.req = req, .no = tb_req_param(req, "no")};
    int rc = query_context(req, &w);
    if (rc < 0)
        return rc;
    struct licence_no_parts parts;
    struct tb_db_conn *c;
    struct licence_row l = {0};
    if ((rc = tb_db_read_conn(app->db, &c)) != 0)
        return rc;
    rc = w.no && licence_no_parse(w.no, &parts) == 0 ? licence_by_no(c, &req->arena, w.no, &l)
                                                     : TB_ERR_NOT_FOUND;
    if (rc < 0 && rc != TB_ERR_NOT_FOUND)
        return rc;
    bool found = rc == 0;
    json_t *file = NULL;
    bool ok = false;
    if (found) {
        w.licence_id = l.id;
        w.type_code = l.type_code;
        file = file_of(req, c, &l, &ok, NULL);
    }
    w.result = found ? "found" : "none";
    if ((rc = tb_db_write(app->db, write_query_log, &w)) < 0) {
        json_decref(file);
        return rc;
    }
    if (!found)
        return not_found(req);
    char today[LICENCE_DATE_LEN + 1];
    licence_today(app, today);
    json_t *o = file ? file : json_object();
    json_object_set_new(
        o, "status",
        json_string(licence_status_name(licence_status_eval(ok, l.status, l.valid_until, today))));
    return tb_resp_json(req, 200, o);
}
