/*
 * api.c - HTTP handlers of cases (docs/cases.md "Routes"):
 *
 *   POST  /api/v1/cases                       case.create  submit or save a draft
 *   GET   /api/v1/cases                       self         my cases / my queue
 *   GET   /api/v1/cases/prefill?item=         case.apply   what the platform holds already
 *   GET   /api/v1/cases/{id}                  self         one case; others 404
 *   PATCH /api/v1/cases/{id}                  self         a draft's values and materials
 *   GET   /api/v1/cases/{id}/events           self         the case's events
 *   GET   /api/v1/cases/{id}/notices/{n}      self         a notice as PDF
 *
 * Form values may carry personal data: they are stored with the case and
 * never written to the audit log or the access log.
 */
#include "cases/internal.h"
#include "cases/deadline.h"
#include "accounts/accounts.h"
#include "accounts/api.h"
#include "app/app.h"
#include "audit/audit.h"
#include "catalog/catalog.h"
#include "guide/guide.h"
#include "lib/arena.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "licences/licences.h"
#include "uploads/uploads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- problems found inside a write --------------------------------------------------- */

int case_problem_set(struct case_problem *pb, int err, const char *code, const char *field,
                     const char *zh, const char *en)
{
    pb->err = err;
    pb->code = code;
    pb->field = field;
    pb->zh = zh;
    pb->en = en;
    return err;
}

int case_problem_answer(struct tb_req *req, struct case_problem *pb)
{
    json_t *extra = json_object();
    if (!extra)
        return TB_ERR_NOMEM;
    if (pb->code)
        json_object_set_new(extra, "reason", json_string(pb->code));
    if (pb->errors) {
        json_object_set_new(extra, "errors", pb->errors);
        pb->errors = NULL;
    }
    return tb_resp_problem_extra(req, pb->err, pb->field, pb->zh, pb->en, extra);
}

/* The problems of p as 422 with every one listed. */
static int problems_answer(struct tb_req *req, const struct item_problems *p)
{
    json_t *list = item_problems_json(p);
    size_t kept = p->n < p->cap ? p->n : p->cap;
    char zh[96], en[96];
    snprintf(zh, sizeof(zh), "申请有 %zu 处问题，请逐项修改", p->n);
    snprintf(en, sizeof(en), "The application has %zu problem(s); each is listed in errors", p->n);
    return tb_resp_problem_extra(
        req, TB_ERR_INVALID, kept ? p->out[0].path : NULL, zh, en,
        json_pack("{s:o,s:I}", "errors", list, "error_count", (json_int_t)p->n));
}

/* ---- materials given with an application -------------------------------------------- */

int case_materials_read(struct tb_req *req, struct tb_db_conn *c, const json_t *list,
                        const struct case_item *it, int64_t owner, bool paper_ok,
                        struct case_material_in *out, struct case_problem *pb)
{
    json_t *defs = json_object_get(it->doc, "materials");
    size_t n = json_array_size(defs), i;
    json_t *m;
    memset(out, 0, sizeof(*out) * (n ? n : 1));
    if (!list)
        return case_materials_from_library(req, c, it, owner, out);
    if (!json_is_array(list))
        return case_problem_set(pb, TB_ERR_INVALID, "materials_not_array", "materials",
                                "materials 应为数组", "materials must be an array");
    json_array_foreach(list, i, m)
    {
        char *field = tb_arena_printf(&req->arena, "materials[%zu]", i);
        json_t *idx = json_object_get(m, "index");
        json_t *up = json_object_get(m, "upload");
        bool paper = json_is_true(json_object_get(m, "paper"));
        if (!json_is_object(m) || !json_is_integer(idx) || json_integer_value(idx) < 0 ||
            (size_t)json_integer_value(idx) >= n || json_object_size(m) > 3)
            return case_problem_set(pb, TB_ERR_INVALID, "material_index", field,
                                    "材料序号不存在（index 应为事项材料的序号）",
                                    "No material with that index in the item");
        size_t k = (size_t)json_integer_value(idx);
        if (out[k].given)
            return case_problem_set(pb, TB_ERR_INVALID, "material_repeated", field,
                                    "同一材料只能给出一次", "A material is given once");
        if (paper) {
            if (!paper_ok)
                return case_problem_set(pb, TB_ERR_INVALID, "paper_window_only", field,
                                        "只有窗口可以登记纸质原件",
                                        "Only a window records paper originals");
            out[k].paper = out[k].given = true;
            continue;
        }
        const char *pid = json_string_value(up);
        struct upload_row row;
        int rc =
            pid && upload_public_id_ok(pid) ? uploads_find(c, pid, owner, &row) : TB_ERR_NOT_FOUND;
        if (rc == TB_ERR_NOT_FOUND)
            return case_problem_set(pb, TB_ERR_INVALID, "upload_unknown", field,
                                    "材料库中没有这份文件",
                                    "No such file in the materials library");
        if (rc < 0)
            return rc;
        out[k].upload_id = row.id;
        out[k].given = true;
    }
    return case_materials_from_library(req, c, it, owner, out);
}

int case_materials_from_library(struct tb_req *req, struct tb_db_conn *c,
                                const struct case_item *it, int64_t owner,
                                struct case_material_in *out)
{
    size_t i;
    json_t *d;
    char today[CASE_DATE_LEN + 1];
    case_date_of(case_now_ms(req->app), today);
    json_array_foreach(json_object_get(it->doc, "materials"), i, d)
    {
        const char *src = json_string_value(json_object_get(d, "source"));
        const char *type = json_string_value(json_object_get(d, "licence_type"));
        if (i >= ITEM_MAX_MATERIALS || out[i].given || !src || strcmp(src, "licence") != 0 ||
            !type || !*type)
            continue;
        struct licence_ref ref;
        int rc = licence_find_held(c, &req->arena, owner, type, today, &ref);
        if (rc == TB_ERR_NOT_FOUND)
            continue;
        if (rc < 0)
            return rc;
        out[i].licence_id = ref.id;
    }
    return TB_OK;
}

bool case_material_applicants(const json_t *def, const char *provision)
{
    (void)provision;
    const char *src = json_string_value(json_object_get(def, "source"));
    /* RULE: SPEC §7 a licence-sourced material is never required of the applicant: found in
     * the library it is provided from there; not found, the applicant may upload it and the
     * window checks it against the original (docs/licences.md "Reuse") */
    return src && strcmp(src, "applicant") == 0;
}

/* The provision a material gets at creation. */
static const char *provision_of(const json_t *def, const struct case_material_in *in)
{
    const char *src = json_string_value(json_object_get(def, "source"));
    if (in->given)
        return "submitted";
    if (src && strcmp(src, "licence") == 0)
        return "licence"; /* from the library: licence_id names it, or none was found */
    if (src && strcmp(src, "shared") == 0)
        return "shared";
    return "none";
}

/* Submission: every required material from the applicant is given, except
 * those the window may accept later with 容缺 or 告知承诺. */
static void materials_complete(const struct case_item *it, const struct case_material_in *in,
                               struct item_problems *p)
{
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(it->doc, "materials"), i, d)
    {
        if (!json_is_true(json_object_get(d, "is_required")) ||
            !case_material_applicants(d, in[i].licence_id ? "licence" : NULL) || in[i].given ||
            json_is_true(json_object_get(d, "allows_missing")) ||
            json_is_true(json_object_get(d, "allows_commitment")))
            continue;
        char path[32];
        snprintf(path, sizeof(path), "materials[%zu]", i);
        item_problems_add(p, path, "material_required", "请提交这份必需材料",
                          "This material is required");
    }
}

/* Form values: a draft is checked for unknown keys and types only. */
static void values_check(const struct case_item *it, const json_t *values, bool submit,
                         struct item_problems *p)
{
    size_t before = p->n;
    form_validate_values(json_object_get(it->doc, "form"), values, p);
    if (submit)
        return;
    size_t w = before;
    for (size_t i = before; i < p->n && i < p->cap; i++)
        if (strcmp(p->out[i].code, "missing") != 0)
            p->out[w++] = p->out[i];
    p->n = w;
}

/* ---- POST /api/v1/cases ------------------------------------------------------------------ */

struct case_new {
    struct tb_req *req;
    struct tb_app *app;
    struct case_item it;
    int64_t applicant_id, agent_id, window_id;
    const char *channel;
    char *values_text;
    struct case_material_in mats[ITEM_MAX_MATERIALS];
    bool submit;
    struct case_delivery_in delivery;
    unsigned char idem[TB_HMAC_SM3_LEN], body[TB_SM3_LEN];
    /* out */
    struct case_row row;
    bool existing, reused;
    char query_code[QUERY_CODE_LEN + 1];
};

/* The query code of a case: made from the case number with a key of the
 * installation, so that it can be shown to the applicant again and checked
 * without being stored. */
int case_mac(struct tb_app *app, const char *label, const char *s,
             unsigned char out[TB_HMAC_SM3_LEN])
{
    char msg[96];
    int n = snprintf(msg, sizeof(msg), "%s\n%s", label, s);
    if (n < 0 || (size_t)n >= sizeof(msg))
        return TB_ERR_INVALID;
    return tb_hmac_sm3(app->keys.token_mac, TB_KEY_LEN, msg, (size_t)n, out);
}

int case_query_code(struct tb_app *app, const char *case_no, char out[QUERY_CODE_LEN + 1])
{
    unsigned char mac[TB_HMAC_SM3_LEN];
    int rc = case_mac(app, "case-query", case_no, mac);
    if (rc < 0)
        return rc;
    uint64_t bits = 0;
    for (int i = 0; i < 5; i++)
        bits = bits << 8 | mac[i];
    query_code_make(bits, out, QUERY_CODE_LEN + 1);
    return TB_OK;
}

int case_query_code_hash(struct tb_app *app, const char *code, unsigned char out[TB_HMAC_SM3_LEN])
{
    return case_mac(app, "case-code", code, out);
}

/* The case with this idempotency key, if any: 0 with w->existing set,
 * TB_ERR_IDEMPOTENCY when it came with another body. */
static int idem_lookup(struct tb_db_conn *c, struct case_new *w)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT id, idem_body_hash FROM cases WHERE idem_key_hash = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_blob(s, 1, w->idem, sizeof(w->idem));
    rc = tb_db_step(s);
    int64_t id = 0;
    bool same = false;
    if (rc == TB_DB_ROW) {
        id = tb_db_column_int64(s, 0);
        same = tb_db_column_bytes(s, 1) == sizeof(w->body) &&
               memcmp(tb_db_column_blob(s, 1), w->body, sizeof(w->body)) == 0;
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (!id)
        return TB_OK;
    if (!same)
        return TB_ERR_IDEMPOTENCY;
    w->existing = true;
    return case_load_by_id(c, id, &w->req->arena, &w->row);
}

static int insert_children(struct tb_db_conn *c, struct case_new *w)
{
    json_t *defs = json_object_get(w->it.doc, "materials");
    size_t i;
    json_t *d;
    struct tb_db_stmt *s;
    int rc = 0;
    json_array_foreach(defs, i, d)
    {
        if ((rc =
                 tb_db_prepare(c,
                               "INSERT INTO case_materials(case_id, idx, provision, upload_id, "
                               "supplied_at, name, licence_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                               &s)) < 0)
            return rc;
        tb_db_bind_int64(s, 1, w->row.id);
        tb_db_bind_int64(s, 2, (int64_t)i);
        tb_db_bind_text(s, 3, provision_of(d, &w->mats[i]), -1);
        if (w->mats[i].upload_id)
            tb_db_bind_int64(s, 4, w->mats[i].upload_id);
        else
            tb_db_bind_null(s, 4);
        if (w->mats[i].given)
            tb_db_bind_int64(s, 5, w->row.created_at);
        else
            tb_db_bind_null(s, 5);
        tb_db_bind_text(s, 6, json_string_value(json_object_get(d, "name")), -1);
        if (w->mats[i].licence_id)
            tb_db_bind_int64(s, 7, w->mats[i].licence_id);
        else
            tb_db_bind_null(s, 7);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
        /* every question put to the licence library is logged */
        if (w->mats[i].licence_id &&
            (rc = licence_query_log_case(c, w->row.applicant_id, w->row.case_no,
                                         json_string_value(json_object_get(d, "licence_type")),
                                         w->mats[i].licence_id, w->row.created_at)) < 0)
            return rc;
    }
    json_array_foreach(json_object_get(w->it.doc, "steps"), i, d)
    {
        if ((rc = tb_db_prepare(c,
                                "INSERT INTO case_steps(case_id, idx, name, authority_level, "
                                "limit_days) VALUES (?1, ?2, ?3, ?4, ?5)",
                                &s)) < 0)
            return rc;
        tb_db_bind_int64(s, 1, w->row.id);
        tb_db_bind_int64(s, 2, (int64_t)i);
        tb_db_bind_text(s, 3, json_string_value(json_object_get(d, "name")), -1);
        tb_db_bind_int64(s, 4, json_integer_value(json_object_get(d, "authority_level")));
        tb_db_bind_int64(s, 5, json_integer_value(json_object_get(d, "limit_days")));
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    return TB_OK;
}

static int write_case(struct tb_db_conn *c, void *ctx)
{
    struct case_new *w = ctx;
    struct case_row *r = &w->row;
    int rc = idem_lookup(c, w);
    if (rc < 0 || w->existing)
        return rc;
    unsigned char rnd[CASE_PUBLIC_ID_BYTES + 8], code_hash[TB_HMAC_SM3_LEN];
    int y, m, d;
    int64_t now = case_now_ms(w->app);
    tb_time_shanghai_date(now, &y, &m, &d);
    /* A new random number until it is unused (10^8 a day: a repeat is rare). */
    for (int tries = 0;; tries++) {
        if (tries == 8)
            return TB_ERR_CONFLICT;
        if ((rc = tb_random(rnd, sizeof(rnd))) < 0)
            return rc;
        uint64_t r8 = 0;
        for (int i = 0; i < 8; i++)
            r8 = r8 << 8 | rnd[CASE_PUBLIC_ID_BYTES + i];
        case_no_make(y, m, d, r8 % 100000000u, r->case_no, sizeof(r->case_no));
        struct tb_db_stmt *s;
        if ((rc = tb_db_prepare(c, "SELECT 1 FROM cases WHERE case_no = ?1", &s)) < 0)
            return rc;
        tb_db_bind_text(s, 1, r->case_no, -1);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
        if (rc == TB_DB_DONE)
            break;
    }
    if ((rc = tb_hex_encode(rnd, CASE_PUBLIC_ID_BYTES, r->public_id, sizeof(r->public_id))) < 0 ||
        (rc = case_query_code(w->app, r->case_no, w->query_code)) < 0 ||
        (rc = case_query_code_hash(w->app, w->query_code, code_hash)) < 0)
        return rc;
    r->item_id = w->it.id;
    r->item_version = w->it.version;
    r->applicant_id = w->applicant_id;
    r->agent_id = w->agent_id;
    r->channel = w->channel;
    r->state = w->submit ? CS_SUBMITTED : CS_DRAFT;
    r->suspended_from = CS__COUNT;
    r->steps_total = (int)json_array_size(json_object_get(w->it.doc, "steps"));
    r->values_json = w->values_text;
    r->submitted_at = r->received_at = w->submit ? now : 0;
    r->created_at = r->updated_at = now;
    r->etag = 1;
    struct tb_db_stmt *s;
    if ((rc = tb_db_prepare(c,
                            "INSERT INTO cases(public_id, case_no, query_code_hash, item_id, "
                            "item_version, org_id, applicant_id, agent_id, channel, state, "
                            "steps_total, values_json, submitted_at, received_at, idem_key_hash, "
                            "idem_body_hash, created_at, updated_at) SELECT ?1, ?2, ?3, ?4, ?5, "
                            "i.org_id, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?14, ?15, ?15 "
                            "FROM items i WHERE i.id = ?4",
                            &s)) < 0)
        return rc;
    tb_db_bind_text(s, 1, r->public_id, -1);
    tb_db_bind_text(s, 2, r->case_no, -1);
    tb_db_bind_blob(s, 3, code_hash, sizeof(code_hash));
    tb_db_bind_int64(s, 4, r->item_id);
    tb_db_bind_int64(s, 5, r->item_version);
    tb_db_bind_int64(s, 6, r->applicant_id);
    if (r->agent_id)
        tb_db_bind_int64(s, 7, r->agent_id);
    else
        tb_db_bind_null(s, 7);
    tb_db_bind_text(s, 8, r->channel, -1);
    tb_db_bind_text(s, 9, case_state_name(r->state), -1);
    tb_db_bind_int64(s, 10, r->steps_total);
    tb_db_bind_text(s, 11, r->values_json, -1);
    if (w->submit)
        tb_db_bind_int64(s, 12, now);
    else
        tb_db_bind_null(s, 12);
    tb_db_bind_blob(s, 13, w->idem, sizeof(w->idem));
    tb_db_bind_blob(s, 14, w->body, sizeof(w->body));
    tb_db_bind_int64(s, 15, now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    r->id = tb_db_last_insert_id(c);
    if ((rc = insert_children(c, w)) < 0 ||
        (rc = case_delivery_store(c, w->app, r->id, &w->delivery, &w->req->arena)) < 0)
        return rc;
    r->delivery = w->delivery.method;
    /* RULE: SPEC §8 bringing paper originals to the counter is a trip */
    bool paper = false;
    for (size_t i = 0; i < ITEM_MAX_MATERIALS; i++)
        paper |= w->mats[i].paper;
    if (paper && w->submit) {
        struct tb_db_stmt *s2;
        if ((rc = tb_db_prepare(c, "UPDATE cases SET trips = 1 WHERE id = ?1", &s2)) < 0)
            return rc;
        tb_db_bind_int64(s2, 1, r->id);
        rc = tb_db_step(s2);
        tb_db_stmt_done(s2);
        r->trips = 1;
        if (rc < 0 || (rc = case_trip_add(c, r, &w->it, now)) < 0)
            return rc;
    }
    const struct principal *p = w->req->user;
    if (!w->submit) {
        /* a draft is no action on a case yet: audited, not an event */
        struct audit_event ae;
        audit_from_req(w->req, p, &ae);
        ae.action = "case.draft";
        ae.object_type = "case";
        ae.object_id = r->public_id;
        ae.after_json = accounts_json_text(
            w->req, json_pack("{s:s,s:i}", "item", w->it.code, "version", w->it.version));
        return ae.after_json ? audit_append(c, &w->app->audit, &ae, NULL) : TB_ERR_NOMEM;
    }
    struct case_event e = {
        .p = p,
        .req = w->req,
        .r = r,
        .role = p->kind == ACCOUNT_STAFF ? "window" : "applicant",
        .action = CA_SUBMIT,
        .from = CS_DRAFT,
        .to = r->state,
        .data = json_pack("{s:s,s:s,s:i}", "channel", r->channel, "item", w->it.code, "version",
                          w->it.version),
        .window_id = w->window_id,
        .at = now,
    };
    return case_event_add(c, w->app, &e);
}

/* Idempotency-Key: 1..100 printable ASCII characters. */
static int idem_key(struct tb_req *req, const char **out)
{
    const char *k = tb_req_header(req, "Idempotency-Key");
    if (!k)
        return tb_resp_problem(req, TB_ERR_PRECONDITION_REQUIRED, "Idempotency-Key",
                               "提交申请须带 Idempotency-Key 请求头（重试时原样再发）",
                               "Submitting needs an Idempotency-Key header (sent again unchanged "
                               "on a retry)");
    size_t n = strlen(k);
    bool ok = n >= 1 && n <= CASE_IDEM_KEY_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = k[i] > 0x20 && k[i] < 0x7f;
    if (!ok)
        return tb_resp_problem(req, TB_ERR_BAD_REQUEST, "Idempotency-Key",
                               "Idempotency-Key 应为 1 至 100 个可见 ASCII 字符",
                               "Idempotency-Key must be 1 to 100 visible ASCII characters");
    *out = k;
    return TB_OK;
}

/* Who applies, through which channel: fills w or answers a problem. */
static int applicant_of(struct tb_req *req, struct tb_db_conn *c, struct case_new *w)
{
    const struct principal *p = req->user;
    const char *channel = NULL, *who = NULL;
    int rc;
    if (tb_json_get_string(req->json, "channel", false, 16, &channel) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "channel", "channel 应为字符串",
                               "channel must be a string");
    if (tb_json_get_string(req->json, "applicant", false, 64, &who) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "applicant", "applicant 应为字符串",
                               "applicant must be a string");
    if (p->kind == ACCOUNT_STAFF) {
        if (!(p->roles & ROLE_WINDOW))
            return TB_ERR_FORBIDDEN;
        if (!channel || strcmp(channel, "window") != 0)
            return tb_resp_problem(req, TB_ERR_INVALID, "channel",
                                   "窗口代录申请时 channel 应为 window",
                                   "Staff entering an application send channel \"window\"");
        if (!who)
            return tb_resp_problem(req, TB_ERR_INVALID, "applicant",
                                   "请填写申请人的用户名、身份证号或统一社会信用代码",
                                   "Give the applicant's user name, ID number or credit code");
        rc = accounts_applicant_find(req, c, who, &w->applicant_id);
        if (rc == TB_ERR_NOT_FOUND)
            return tb_resp_problem(req, TB_ERR_INVALID, "applicant", "没有这个申请人账户",
                                   "No applicant account by that name or number");
        if (rc < 0)
            return rc;
        w->channel = "window";
        /* the window must serve this item's organisation (同城通办) */
        struct case_row probe = {.org_id = 0, .item_id = w->it.id, .state = CS_SUBMITTED};
        struct tb_db_stmt *s;
        if ((rc = tb_db_prepare(c, "SELECT org_id FROM items WHERE id = ?1", &s)) < 0)
            return rc;
        tb_db_bind_int64(s, 1, w->it.id);
        if (tb_db_step(s) == TB_DB_ROW)
            probe.org_id = tb_db_column_int64(s, 0);
        tb_db_stmt_done(s);
        struct case_actor ac;
        rc = case_actor_of(c, p, &probe, &ac);
        if (rc < 0 && rc != TB_ERR_NOT_FOUND)
            return rc;
        if (rc < 0 || !(ac.roles & (1u << CR_WINDOW)))
            return tb_resp_problem(req, TB_ERR_FORBIDDEN, "item",
                                   "您所在的窗口不受理该事项（不在同一城市或部门）",
                                   "Your window does not serve this item's organisation");
        w->window_id = ac.window_id;
        return TB_OK;
    }
    if (who)
        return tb_resp_problem(req, TB_ERR_INVALID, "applicant", "申请人就是当前登录的账户",
                               "The applicant is the account logged in");
    w->applicant_id = p->on_behalf_of ? p->on_behalf_of : p->account_id;
    w->agent_id = p->on_behalf_of ? p->account_id : 0;
    if (p->on_behalf_of)
        w->channel = "agent";
    else if (!channel || strcmp(channel, "online") == 0)
        w->channel = "online";
    else if (strcmp(channel, "mobile") == 0 || strcmp(channel, "kiosk") == 0)
        w->channel = strcmp(channel, "mobile") == 0 ? "mobile" : "kiosk";
    else
        return tb_resp_problem(req, TB_ERR_INVALID, "channel",
                               "channel 应为 online、mobile 或 kiosk",
                               "channel must be online, mobile or kiosk");
    return TB_OK;
}

static int create_answer(struct tb_req *req, struct case_new *w)
{
    char etag[32];
    snprintf(etag, sizeof(etag), "\"%lld\"", (long long)w->row.etag);
    int rc = tb_resp_header(req, "ETag", etag);
    if (rc < 0)
        return rc;
    if (w->existing && (rc = case_query_code(w->app, w->row.case_no, w->query_code)) < 0)
        return rc;
    return tb_resp_json(req, w->existing ? 200 : 201,
                        json_pack("{s:s,s:s,s:s,s:s,s:I}", "id", w->row.public_id, "case_no",
                                  w->row.case_no, "query_code", w->query_code, "state",
                                  case_state_name(w->row.state), "etag", (json_int_t)w->row.etag));
}

int cases_api_create(struct tb_req *req)
{
    static const char *const fields[] = {"item",    "values",    "materials", "submit",
                                         "channel", "applicant", "delivery",  NULL};
    struct case_new *w = tb_arena_calloc(&req->arena, sizeof(*w));
    const struct principal *p = req->user;
    const char *key = NULL, *code = NULL;
    struct tb_db_conn *c;
    int rc;
    if (!w)
        return TB_ERR_NOMEM;
    w->req = req;
    w->app = req->app;
    if ((rc = idem_key(req, &key)) < 0 || (rc = accounts_only_fields(req, fields)) < 0)
        return rc;
    if ((rc = accounts_need_string(req, "item", ITEM_IMPL_CODE_MAX_CHARS, &code, "事项编码")) < 0)
        return rc;
    w->submit = true;
    if (tb_json_get_bool(req->json, "submit", false, &w->submit) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "submit", "submit 应为 true 或 false",
                               "submit must be true or false");
    json_t *values = json_object_get(req->json, "values");
    if (values && !json_is_object(values))
        return tb_resp_problem(req, TB_ERR_INVALID, "values", "values 应为对象",
                               "values must be an object");
    if ((rc = tb_db_read_conn(w->app->db, &c)) < 0)
        return rc;
    rc = case_item_current(c, code, &w->it);
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, TB_ERR_INVALID, "item", "没有这个可申请的事项（或已暂停办理）",
                               "No such published item to apply for");
    if (rc < 0)
        return rc;
    struct item_problem found[32];
    struct item_problems probs = {found, 32, 0};
    struct case_problem pb = {0};
    if ((rc = applicant_of(req, c, w)) < 0)
        goto out;
    values_check(&w->it, values, w->submit, &probs);
    rc = case_materials_read(req, c, json_object_get(req->json, "materials"), &w->it,
                             w->applicant_id, p->kind == ACCOUNT_STAFF, w->mats, &pb);
    if (rc == TB_ERR_INVALID) {
        rc = case_problem_answer(req, &pb);
        goto out;
    }
    if (rc < 0)
        goto out;
    rc = case_delivery_read(json_object_get(req->json, "delivery"), &w->it, &w->delivery, &pb);
    if (rc == TB_ERR_INVALID) {
        rc = case_problem_answer(req, &pb);
        goto out;
    }
    if (w->submit)
        materials_complete(&w->it, w->mats, &probs);
    if (probs.n) {
        rc = problems_answer(req, &probs);
        goto out;
    }
    char *text = values ? json_dumps(values, JSON_COMPACT) : strdup("{}");
    w->values_text = text ? tb_arena_strdup(&req->arena, text) : NULL;
    free(text);
    if (!w->values_text) {
        rc = TB_ERR_NOMEM;
        goto out;
    }
    if (strlen(w->values_text) > CASE_VALUES_MAX) {
        rc = tb_resp_problem(req, TB_ERR_TOO_LARGE, "values", "表单内容过大", "values too large");
        goto out;
    }
    /* The key is the submitter's own: two people cannot collide. */
    char msg[CASE_IDEM_KEY_MAX + 48];
    int n = snprintf(msg, sizeof(msg), "case-idem\n%lld\n%s", (long long)p->account_id, key);
    if ((rc = tb_hmac_sm3(w->app->keys.token_mac, TB_KEY_LEN, msg, (size_t)n, w->idem)) < 0 ||
        (rc = tb_sm3(req->body ? req->body : "", req->body_len, w->body)) < 0)
        goto out;
    rc = tb_db_write(w->app->db, write_case, w);
    if (rc == TB_ERR_IDEMPOTENCY)
        rc =
            tb_resp_problem(req, rc, "Idempotency-Key", "这个 Idempotency-Key 已用于另一份申请内容",
                            "This Idempotency-Key was used with a different body");
    else if (rc == 0)
        rc = create_answer(req, w);
out:
    case_item_free(&w->it);
    return rc;
}

/* ---- GET /api/v1/cases/{id} ------------------------------------------------------------ */

int cases_api_get(struct tb_req *req)
{
    return case_respond(req, tb_req_param(req, "id"), 200);
}

/* ---- PATCH /api/v1/cases/{id}: a draft ----------------------------------------------- */

struct draft_edit {
    struct tb_req *req;
    struct tb_app *app;
    int64_t etag;
    const json_t *values;
    const json_t *materials;
    struct case_problem pb;
    struct item_problem found[32];
    struct item_problems probs;
};

static int write_draft(struct tb_db_conn *c, void *ctx)
{
    struct draft_edit *w = ctx;
    struct tb_req *req = w->req;
    struct case_row r = {0};
    struct case_actor ac = {0};
    struct case_item it = {0};
    int rc = case_load(c, tb_req_param(req, "id"), &req->arena, &r);
    if (rc == 0)
        rc = case_actor_of(c, req->user, &r, &ac);
    if (rc < 0)
        return rc;
    if (!(ac.roles & (1u << CR_APPLICANT)))
        return TB_ERR_NOT_FOUND;
    if (r.etag != w->etag)
        return TB_ERR_PRECONDITION;
    if (r.state != CS_DRAFT)
        return case_problem_set(&w->pb, TB_ERR_CONFLICT, "not_draft", NULL,
                                "只有草稿可以修改；已提交的申请请按补正通知补正",
                                "Only a draft can be edited");
    if ((rc = case_item_load(c, r.item_id, r.item_version, &it)) < 0)
        return rc;
    struct case_material_in mats[ITEM_MAX_MATERIALS];
    int64_t now = case_now_ms(req->app);
    if (w->values) {
        values_check(&it, w->values, false, &w->probs);
        char *text = json_dumps(w->values, JSON_COMPACT);
        r.values_json = text ? tb_arena_strdup(&req->arena, text) : NULL;
        free(text);
        if (!r.values_json)
            rc = TB_ERR_NOMEM;
    }
    if (rc == 0 && w->probs.n)
        rc = TB_ERR_INVALID;
    if (rc == 0 && w->materials) {
        rc = case_materials_read(req, c, w->materials, &it, r.applicant_id, false, mats, &w->pb);
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(it.doc, "materials"), i, d)
        {
            struct tb_db_stmt *s;
            if (rc < 0 || (rc = tb_db_prepare(c,
                                              "UPDATE case_materials SET provision = ?3, "
                                              "upload_id = ?4, supplied_at = ?5, licence_id = ?6 "
                                              "WHERE case_id = ?1 AND idx = ?2",
                                              &s)) < 0)
                break;
            tb_db_bind_int64(s, 1, r.id);
            tb_db_bind_int64(s, 2, (int64_t)i);
            tb_db_bind_text(s, 3, provision_of(d, &mats[i]), -1);
            if (mats[i].upload_id)
                tb_db_bind_int64(s, 4, mats[i].upload_id);
            else
                tb_db_bind_null(s, 4);
            if (mats[i].given)
                tb_db_bind_int64(s, 5, now);
            else
                tb_db_bind_null(s, 5);
            if (mats[i].licence_id)
                tb_db_bind_int64(s, 6, mats[i].licence_id);
            else
                tb_db_bind_null(s, 6);
            rc = tb_db_step(s);
            tb_db_stmt_done(s);
        }
    }
    case_item_free(&it);
    if (rc < 0)
        return rc;
    return case_save(c, &r, now);
}

/* If-Match: "<n>" (or W/"<n>"): 428 without, 412 when unreadable. */
int case_if_match(struct tb_req *req, int64_t *etag)
{
    const char *h = tb_req_header(req, "If-Match");
    if (!h)
        return tb_resp_problem(req, TB_ERR_PRECONDITION_REQUIRED, "If-Match",
                               "请带上 If-Match 请求头（办件的 ETag），以免覆盖他人的操作",
                               "Send If-Match with the case's ETag so that nobody's action is "
                               "overwritten");
    if (strncmp(h, "W/", 2) == 0)
        h += 2;
    char *end;
    long long v = *h == '"' ? strtoll(h + 1, &end, 10) : -1;
    if (v <= 0 || *h != '"' || end[0] != '"' || end[1] != '\0')
        return tb_resp_problem(req, TB_ERR_PRECONDITION, "If-Match",
                               "办件已被他人更新，请刷新后重试",
                               "The case has changed; reload it and try again");
    *etag = v;
    return TB_OK;
}

int cases_api_patch(struct tb_req *req)
{
    static const char *const fields[] = {"values", "materials", NULL};
    struct draft_edit *w = tb_arena_calloc(&req->arena, sizeof(*w));
    if (!w)
        return TB_ERR_NOMEM;
    w->req = req;
    w->app = req->app;
    w->probs = (struct item_problems){w->found, 32, 0};
    int rc = case_if_match(req, &w->etag);
    if (rc < 0 || (rc = accounts_only_fields(req, fields)) < 0)
        return rc;
    w->values = json_object_get(req->json, "values");
    w->materials = json_object_get(req->json, "materials");
    if (w->values && !json_is_object(w->values))
        return tb_resp_problem(req, TB_ERR_INVALID, "values", "values 应为对象",
                               "values must be an object");
    rc = tb_db_write(w->app->db, write_draft, w);
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, rc, NULL, "没有这个办件", "No such case");
    if (rc == TB_ERR_PRECONDITION)
        return tb_resp_problem(req, rc, "If-Match", "办件已被他人更新，请刷新后重试",
                               "The case has changed; reload it and try again");
    if (rc == TB_ERR_INVALID && w->probs.n)
        return problems_answer(req, &w->probs);
    if (rc < 0 && w->pb.err == rc)
        return case_problem_answer(req, &w->pb);
    if (rc < 0)
        return rc;
    return case_respond(req, tb_req_param(req, "id"), 200);
}

/* ---- GET /api/v1/cases/{id}/events ---------------------------------------------------- */

/* The case of the path, if the caller may see it (else answered 404). */
static int visible_case(struct tb_req *req, struct tb_db_conn **c, struct case_row *r)
{
    struct tb_app *app = req->app;
    struct case_actor ac;
    int rc = tb_db_read_conn(app->db, c);
    if (rc == 0)
        rc = case_load(*c, tb_req_param(req, "id"), &req->arena, r);
    if (rc == 0)
        rc = case_actor_of(*c, req->user, r, &ac);
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, rc, NULL, "没有这个办件", "No such case");
    return rc;
}

int cases_api_events(struct tb_req *req)
{
    struct tb_db_conn *c;
    struct case_row r = {0};
    int rc = visible_case(req, &c, &r);
    if (rc < 0)
        return rc;
    struct tb_db_stmt *s;
    if ((rc = tb_db_prepare(c,
                            "SELECT e.at, a.name, e.role, e.action, e.from_state, e.to_state, "
                            "e.data, e.reason FROM case_events e LEFT JOIN accounts a ON "
                            "a.id = e.actor_id WHERE e.case_id = ?1 ORDER BY e.id",
                            &s)) < 0)
        return rc;
    tb_db_bind_int64(s, 1, r.id);
    json_t *list = json_array();
    while (list && (rc = tb_db_step(s)) == TB_DB_ROW) {
        char at[32];
        tb_time_format_iso(tb_db_column_int64(s, 0), at, sizeof(at));
        const char *actor = tb_db_column_text(s, 1), *reason = tb_db_column_text(s, 7);
        json_t *data = json_loads(tb_db_column_text(s, 6), 0, NULL);
        enum case_state from = CS_DRAFT, to = CS_DRAFT;
        case_state_parse(tb_db_column_text(s, 4), &from);
        case_state_parse(tb_db_column_text(s, 5), &to);
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "at", at, "actor",
                              actor ? actor : "系统", "role", tb_db_column_text(s, 2), "action",
                              tb_db_column_text(s, 3), "from", case_state_name(from), "to",
                              case_state_name(to), "from_zh", case_state_zh(from), "to_zh",
                              case_state_zh(to), "data", data ? data : json_object(), "reason",
                              reason ? json_string(reason) : json_null());
        if (!o || json_array_append_new(list, o) != 0)
            rc = TB_ERR_NOMEM;
    }
    tb_db_stmt_done(s);
    if (!list || rc < 0) {
        json_decref(list);
        return rc < 0 ? rc : TB_ERR_NOMEM;
    }
    return tb_resp_json(req, 200, json_pack("{s:o}", "events", list));
}

/* ---- GET /api/v1/cases/{id}/notices/{notice} ------------------------------------------------ */

int cases_api_notice(struct tb_req *req)
{
    struct tb_db_conn *c;
    struct case_row r = {0};
    int rc = visible_case(req, &c, &r);
    if (rc < 0)
        return rc;
    const char *nid = tb_req_param(req, "notice");
    struct tb_db_stmt *s;
    if (!case_public_id_ok(nid))
        return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "没有这份文书", "No such notice");
    if ((rc = tb_db_prepare(c,
                            "SELECT kind, data FROM case_notices WHERE public_id = ?1 AND "
                            "case_id = ?2",
                            &s)) < 0)
        return rc;
    tb_db_bind_text(s, 1, nid, -1);
    tb_db_bind_int64(s, 2, r.id);
    rc = tb_db_step(s);
    int kind = rc == TB_DB_ROW ? case_notice_kind_parse(tb_db_column_text(s, 0)) : -1;
    json_t *data = rc == TB_DB_ROW ? json_loads(tb_db_column_text(s, 1), 0, NULL) : NULL;
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (kind < 0 || !data) {
        json_decref(data);
        return rc == TB_DB_ROW
                   ? TB_ERR_INTERNAL
                   : tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "没有这份文书", "No such notice");
    }
    struct tb_buf pdf;
    tb_buf_init(&pdf, 16u << 20);
    rc = notice_pdf((enum notice_kind)kind, data, &pdf);
    json_decref(data);
    if (rc == 0) {
        char disp[96];
        snprintf(disp, sizeof(disp), "inline; filename=\"%s-%s.pdf\"", r.case_no,
                 case_notice_kind_name(kind));
        rc = tb_resp_header(req, "Content-Disposition", disp);
    }
    if (rc == 0)
        rc = tb_resp_text(req, 200, "application/pdf", tb_buf_cstr(&pdf), pdf.len);
    tb_buf_free(&pdf);
    return rc;
}

/* ---- GET /api/v1/cases/prefill?item= -----------------------------------------------------------
 */

int cases_api_prefill(struct tb_req *req)
{
    const struct principal *p = req->user;
    const char *code = tb_req_query(req, "item");
    struct tb_db_conn *c;
    struct case_item it = {0};
    int64_t me = p->on_behalf_of ? p->on_behalf_of : p->account_id;
    if (!code || strlen(code) > ITEM_IMPL_CODE_MAX_CHARS)
        return tb_resp_problem(req, TB_ERR_INVALID, "item", "请给出事项的实施编码",
                               "Give the item's implementation code");
    int rc = tb_db_read_conn(((struct tb_app *)req->app)->db, &c);
    if (rc == 0)
        rc = case_item_current(c, code, &it);
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, rc, "item", "没有这个可申请的事项", "No such published item");
    if (rc < 0)
        return rc;
    struct applicant_info ai;
    json_t *values = NULL, *mats = json_array();
    if ((rc = accounts_applicant_get(req, c, me, true, &ai)) < 0)
        goto out;
    bool org = strcmp(ai.kind, "org") == 0;
    struct form_applicant fa = {
        .name = ai.name,
        .id_number = org ? NULL : ai.id_number,
        .phone = ai.phone,
        .credit_code = org ? ai.id_number : NULL,
        .legal_rep = ai.legal_rep,
    };
    values = form_prefill(json_object_get(it.doc, "form"), &fa);
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(it.doc, "materials"), i, d)
    {
        const char *name = json_string_value(json_object_get(d, "name"));
        const char *type = json_string_value(json_object_get(d, "licence_type"));
        const char *src = json_string_value(json_object_get(d, "source"));
        json_t *upload = json_null(), *licence = json_null();
        struct licence_ref ref;
        char today[CASE_DATE_LEN + 1];
        case_date_of(case_now_ms(req->app), today);
        if (src && strcmp(src, "licence") == 0 && type && *type) {
            rc = licence_find_held(c, &req->arena, me, type, today, &ref);
            if (rc == 0)
                licence = json_pack("{s:s,s:s,s:s}", "no", ref.no, "type", ref.type_name, "issuer",
                                    ref.issuer_name);
            else if (rc != TB_ERR_NOT_FOUND)
                goto out;
            rc = 0;
        }
        struct tb_db_stmt *s;
        bool uploadable = case_material_applicants(d, NULL) ||
                          (src && strcmp(src, "licence") == 0 && json_is_null(licence));
        if (uploadable &&
            (rc = tb_db_prepare(c,
                                "SELECT u.public_id, u.name, u.content_type, u.size FROM "
                                "case_materials m JOIN cases k ON k.id = m.case_id JOIN uploads "
                                "u ON u.id = m.upload_id WHERE k.applicant_id = ?1 AND "
                                "m.name = ?2 ORDER BY m.supplied_at DESC, k.id DESC LIMIT 1",
                                &s)) == 0) {
            tb_db_bind_int64(s, 1, me);
            tb_db_bind_text(s, 2, name, -1);
            if ((rc = tb_db_step(s)) == TB_DB_ROW) {
                const char *un = tb_db_column_text(s, 1);
                upload = json_pack("{s:s,s:o,s:s,s:I}", "id", tb_db_column_text(s, 0), "name",
                                   un ? json_string(un) : json_null(), "content_type",
                                   tb_db_column_text(s, 2), "size",
                                   (json_int_t)tb_db_column_int64(s, 3));
            }
            tb_db_stmt_done(s);
        }
        if (rc < 0)
            goto out;
        rc = 0;
        json_array_append_new(
            mats, json_pack("{s:I,s:s,s:O,s:o,s:o,s:s?}", "index", (json_int_t)i, "name",
                            name ? name : "", "source", json_object_get(d, "source"), "upload",
                            upload ? upload : json_null(), "licence", licence, "provision",
                            json_is_null(licence) ? NULL : "licence"));
    }
    case_item_free(&it);
    return tb_resp_json(
        req, 200,
        json_pack("{s:o,s:o}", "values", values ? values : json_object(), "materials", mats));
out:
    case_item_free(&it);
    json_decref(values);
    json_decref(mats);
    return rc;
}
