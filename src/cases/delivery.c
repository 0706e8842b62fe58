/*
 * delivery.c - how the result reaches the applicant (docs/cases.md
 * "Delivery and trips", SPEC §8): the method chosen, the post address
 * (sealed at rest), pickup codes, and the trips the applicant made.
 *
 * A pickup code is made from the case number with a key of the
 * installation (like the query code), so the applicant's page can show it
 * again; only its HMAC is stored, for window staff to look it up.
 */
#include "cases/internal.h"
#include "accounts/accounts.h"
#include "accounts/api.h"
#include "accounts/identifiers.h"
#include "app/app.h"
#include "catalog/catalog.h"
#include "lib/arena.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/timeutil.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define POST_LABEL       "cases.post"
#define POST_NAME_MAX    50
#define POST_ADDRESS_MAX 200
#define PICKUP_CODE_LEN  8

bool case_item_offers(const struct case_item *it, const char *method)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(it->doc, "delivery"), i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), method) == 0)
            return true;
    }
    return false;
}

static const char *first_method(const struct case_item *it)
{
    const char *m = json_string_value(json_array_get(json_object_get(it->doc, "delivery"), 0));
    return m ? m : "window";
}

/* A post field: given, at most max characters; path names it in a 422. */
static int post_field(const json_t *post, const char *key, const char *path, size_t max,
                      const char **out, struct case_problem *pb, const char *zh)
{
    const char *v = json_string_value(json_object_get(post, key));
    if (!v || !*v || tb_utf8_chars(v, strlen(v)) > max)
        return case_problem_set(pb, TB_ERR_INVALID, "invalid_field", path, zh,
                                "Give the recipient, a mobile number and the address for the post");
    *out = v;
    return TB_OK;
}

int case_delivery_read(const json_t *d, const struct case_item *it, struct case_delivery_in *out,
                       struct case_problem *pb)
{
    memset(out, 0, sizeof(*out));
    if (!d || json_is_null(d)) {
        out->method = first_method(it);
        return TB_OK;
    }
    if (!json_is_object(d))
        return case_problem_set(pb, TB_ERR_INVALID, "invalid_field", "delivery",
                                "delivery 应为对象", "delivery must be an object");
    const char *m = json_string_value(json_object_get(d, "method"));
    if (!m)
        m = first_method(it);
    if (!case_item_offers(it, m))
        return case_problem_set(pb, TB_ERR_INVALID, "delivery_not_offered", "delivery.method",
                                "该事项不提供这种送达方式",
                                "The item does not offer this delivery method");
    out->method = m;
    if (strcmp(m, "post") != 0)
        return TB_OK;
    const json_t *post = json_object_get(d, "post");
    int rc;
    if ((rc = post_field(post, "recipient", "delivery.post.recipient", POST_NAME_MAX,
                         &out->recipient, pb, "请填写收件人（50 字以内）")) < 0 ||
        (rc = post_field(post, "phone", "delivery.post.phone", IDENT_PHONE_LEN, &out->phone, pb,
                         "请填写收件人的 11 位手机号码")) < 0 ||
        (rc = post_field(post, "address", "delivery.post.address", POST_ADDRESS_MAX, &out->address,
                         pb, "请填写邮寄地址（200 字以内）")) < 0)
        return rc;
    if (strlen(out->phone) != IDENT_PHONE_LEN || out->phone[0] != '1' ||
        strspn(out->phone, "0123456789") != IDENT_PHONE_LEN)
        return case_problem_set(pb, TB_ERR_INVALID, "invalid_field", "delivery.post.phone",
                                "请填写收件人的 11 位手机号码",
                                "The recipient's phone is an 11-digit mobile number");
    return TB_OK;
}

int case_delivery_store(struct tb_db_conn *c, struct tb_app *app, int64_t case_id,
                        const struct case_delivery_in *d, struct tb_arena *a)
{
    unsigned char *sealed = NULL;
    size_t n = 0;
    int rc;
    if (d->recipient) {
        json_t *o = json_pack("{s:s,s:s,s:s}", "recipient", d->recipient, "phone", d->phone,
                              "address", d->address);
        char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!text)
            return TB_ERR_NOMEM;
        rc = pii_seal(app, POST_LABEL, text, a, &sealed, &n);
        free(text);
        if (rc < 0)
            return rc;
    }
    struct tb_db_stmt *s;
    if ((rc = tb_db_prepare(c, "UPDATE cases SET delivery = ?2, post_enc = ?3 WHERE id = ?1", &s)) <
        0)
        return rc;
    tb_db_bind_int64(s, 1, case_id);
    tb_db_bind_text(s, 2, d->method, -1);
    if (sealed)
        tb_db_bind_blob(s, 3, sealed, n);
    else
        tb_db_bind_null(s, 3);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

/* ---- pickup codes ------------------------------------------------------------------------ */

int case_pickup_code(struct tb_app *app, const char *case_no, char out[PICKUP_CODE_LEN + 1])
{
    unsigned char mac[TB_HMAC_SM3_LEN];
    int rc = case_mac(app, "case-pickup", case_no, mac);
    if (rc < 0)
        return rc;
    uint64_t bits = 0;
    for (int i = 0; i < 8; i++)
        bits = bits << 8 | mac[i];
    snprintf(out, PICKUP_CODE_LEN + 1, "%08llu", (unsigned long long)(bits % 100000000ULL));
    return TB_OK;
}

static int pickup_hash(struct tb_app *app, const char *code, unsigned char out[TB_HMAC_SM3_LEN])
{
    return case_mac(app, "pickup-code", code, out);
}

bool case_pickup_code_ok(struct tb_app *app, const char *case_no, const char *code)
{
    char want[PICKUP_CODE_LEN + 1];
    return code && strlen(code) == PICKUP_CODE_LEN && case_pickup_code(app, case_no, want) == 0 &&
           tb_ct_equal(want, code, PICKUP_CODE_LEN);
}

int case_delivery_ready(struct tb_db_conn *c, struct tb_app *app, struct case_row *r)
{
    r->delivery_status = "ready";
    if (!r->delivery || strcmp(r->delivery, "window") != 0)
        return TB_OK;
    char code[PICKUP_CODE_LEN + 1];
    unsigned char h[TB_HMAC_SM3_LEN];
    int rc = case_pickup_code(app, r->case_no, code);
    if (rc == 0)
        rc = pickup_hash(app, code, h);
    struct tb_db_stmt *s;
    if (rc == 0)
        rc = tb_db_prepare(c, "UPDATE cases SET pickup_code_hash = ?2 WHERE id = ?1", &s);
    if (rc != 0)
        return rc;
    tb_db_bind_int64(s, 1, r->id);
    tb_db_bind_blob(s, 2, h, sizeof(h));
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

int case_trip_add(struct tb_db_conn *c, const struct case_row *r, const struct case_item *it,
                  int64_t now)
{
    /* RULE: SPEC §8 最多跑一次: more trips than the item declares are flagged, once */
    const char *declared = json_string_value(json_object_get(it->doc, "trips"));
    int limit = declared && strcmp(declared, "0") == 0   ? 0
                : declared && strcmp(declared, "1") == 0 ? 1
                                                         : -1;
    if (limit < 0 || r->trips <= limit)
        return TB_OK;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT 1 FROM case_flags WHERE case_id = ?1 AND kind = "
                           "'trips_exceeded'",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, r->id);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc != TB_DB_DONE)
        return rc < 0 ? rc : TB_OK;
    char reason[96];
    snprintf(reason, sizeof(reason), "申请人已到现场 %d 次，超过事项承诺的 %d 次", r->trips, limit);
    return case_flag_add(c, r->id, "trips_exceeded", reason, now);
}

/* ---- the view ------------------------------------------------------------------------------ */

static const char *method_zh(const char *m)
{
    const struct catalog_code *cc = m ? catalog_code_by_code(CODES_DELIVERY, m) : NULL;
    return cc ? cc->name_zh : "";
}

static const char *status_zh(const char *s)
{
    if (!s)
        return "待出件";
    if (strcmp(s, "ready") == 0)
        return "待领取/待寄出";
    if (strcmp(s, "dispatched") == 0)
        return "已寄出";
    return "已送达";
}

/* The post address as ac may see it: in full for the applicant and window
 * staff (who post it), masked for everyone else. */
static json_t *post_json(struct tb_req *req, struct tb_db_conn *c, const struct case_row *r,
                         const struct case_actor *ac)
{
    struct tb_db_stmt *s;
    if (tb_db_prepare(c, "SELECT post_enc FROM cases WHERE id = ?1", &s) < 0)
        return NULL;
    tb_db_bind_int64(s, 1, r->id);
    json_t *o = NULL;
    if (tb_db_step(s) == TB_DB_ROW && !tb_db_column_is_null(s, 0)) {
        size_t n = tb_db_column_bytes(s, 0);
        unsigned char *sealed = tb_arena_alloc(&req->arena, n ? n : 1);
        char *text = NULL;
        if (sealed) {
            memcpy(sealed, tb_db_column_blob(s, 0), n);
            if (pii_open(req->app, POST_LABEL, sealed, n, &req->arena, &text) < 0)
                text = NULL;
        }
        o = text ? json_loads(text, 0, NULL) : NULL;
    }
    tb_db_stmt_done(s);
    if (!o)
        return NULL;
    bool full = ac && (ac->roles & ((1u << CR_APPLICANT) | (1u << CR_WINDOW)));
    if (!full) {
        char mask[IDENT_MASK_BUFSZ];
        const char *ph = json_string_value(json_object_get(o, "phone"));
        if (ph && ident_mask(IDENT_PHONE, ph, strlen(ph), mask, sizeof(mask)) == 0)
            json_object_set_new(o, "phone", json_string(mask));
        const char *name = json_string_value(json_object_get(o, "recipient"));
        if (name) {
            /* the first character, then one * per further character */
            size_t first = 1;
            while (name[first] && ((unsigned char)name[first] & 0xC0) == 0x80)
                first++;
            char buf[POST_NAME_MAX * 4 + 8];
            size_t k = tb_utf8_chars(name, strlen(name));
            size_t used = (size_t)snprintf(buf, sizeof(buf), "%.*s", (int)first, name);
            for (size_t j = 1; j < k && used + 1 < sizeof(buf); j++)
                buf[used++] = '*';
            buf[used] = '\0';
            json_object_set_new(o, "recipient", json_string(buf));
        }
        json_object_set_new(o, "address", json_string("（已隐藏）"));
    }
    return o;
}

int case_delivery_view(struct tb_req *req, struct tb_db_conn *c, const struct case_row *r,
                       const struct case_item *it, const struct case_actor *ac, json_t *o)
{
    json_t *d = json_object();
    if (!d || json_object_set_new(o, "delivery", d) != 0)
        return TB_ERR_NOMEM;
    const char *status = r->delivery_status
                             ? r->delivery_status
                             : (r->state == CS_CLOSED && r->delivery ? "delivered" : NULL);
    json_object_set_new(d, "method", r->delivery ? json_string(r->delivery) : json_null());
    json_object_set_new(d, "method_zh", json_string(method_zh(r->delivery)));
    json_object_set_new(d, "options", json_deep_copy(json_object_get(it->doc, "delivery")));
    json_object_set_new(d, "free_post",
                        json_boolean(json_is_true(json_object_get(it->doc, "free_post"))));
    json_object_set_new(d, "status", json_string(status ? status : "pending"));
    json_object_set_new(d, "status_zh", json_string(status_zh(status)));
    char t[32] = "";
    if (r->delivered_at)
        tb_time_format_iso(r->delivered_at, t, sizeof(t));
    json_object_set_new(d, "delivered_at", t[0] ? json_string(t) : json_null());
    json_t *post =
        r->delivery && strcmp(r->delivery, "post") == 0 ? post_json(req, c, r, ac) : NULL;
    if (post) {
        char dt[32] = "";
        if (r->dispatched_at)
            tb_time_format_iso(r->dispatched_at, dt, sizeof(dt));
        json_object_set_new(post, "carrier",
                            r->post_carrier ? json_string(r->post_carrier) : json_null());
        json_object_set_new(post, "tracking_no",
                            r->post_tracking ? json_string(r->post_tracking) : json_null());
        json_object_set_new(post, "dispatched_at", dt[0] ? json_string(dt) : json_null());
    }
    json_object_set_new(d, "post", post ? post : json_null());
    /* the pickup code is the applicant's to show at the window */
    if (ac && (ac->roles & (1u << CR_APPLICANT)) && status && strcmp(status, "ready") == 0 &&
        r->delivery && strcmp(r->delivery, "window") == 0) {
        char code[PICKUP_CODE_LEN + 1];
        int rc = case_pickup_code(req->app, r->case_no, code);
        if (rc < 0)
            return rc;
        json_object_set_new(d, "pickup_code", json_string(code));
    }
    const char *declared = json_string_value(json_object_get(it->doc, "trips"));
    bool exceeded = declared && ((strcmp(declared, "0") == 0 && r->trips > 0) ||
                                 (strcmp(declared, "1") == 0 && r->trips > 1));
    if (json_object_set_new(o, "trips",
                            json_pack("{s:i,s:s,s:b}", "count", r->trips, "declared",
                                      declared ? declared : "n", "exceeded", exceeded)) != 0)
        return TB_ERR_NOMEM;
    /* paper originals checked at the window */
    json_t *orig = json_array();
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT idx, name FROM case_materials WHERE case_id = ?1 AND "
                           "provision = 'submitted' AND upload_id IS NULL ORDER BY idx",
                           &s);
    if (rc < 0) {
        json_decref(orig);
        return rc;
    }
    tb_db_bind_int64(s, 1, r->id);
    while ((rc = tb_db_step(s)) == TB_DB_ROW)
        json_array_append_new(orig,
                              json_pack("{s:I,s:s}", "index", (json_int_t)tb_db_column_int64(s, 0),
                                        "name", tb_db_column_text(s, 1)));
    tb_db_stmt_done(s);
    if (json_object_set_new(o, "originals", orig) != 0)
        return TB_ERR_NOMEM;
    return rc < 0 ? rc : TB_OK;
}

/* ---- PUT /api/v1/cases/{id}/delivery --------------------------------------------------------- */

struct delivery_edit {
    struct tb_req *req;
    int64_t etag;
    struct case_item it;
    struct case_problem pb;
};

static int write_delivery(struct tb_db_conn *c, void *ctx)
{
    struct delivery_edit *w = ctx;
    struct tb_req *req = w->req;
    struct case_row r = {0};
    struct case_actor ac = {0};
    int rc = case_load(c, tb_req_param(req, "id"), &req->arena, &r);
    if (rc == 0)
        rc = case_actor_of(c, req->user, &r, &ac);
    if (rc < 0)
        return rc;
    if (r.etag != w->etag)
        return TB_ERR_PRECONDITION;
    if (!(ac.roles & (1u << CR_APPLICANT)))
        return case_problem_set(&w->pb, TB_ERR_FORBIDDEN, "role_not_allowed", NULL,
                                "只有申请人可以选择送达方式",
                                "Only the applicant chooses how the result is delivered");
    bool open = (CASE_OPEN_STATES & CASE_STATE_BIT(r.state)) && r.state != CS_DELIVERED &&
                !(r.delivery_status && strcmp(r.delivery_status, "ready") != 0);
    if (!open)
        return case_problem_set(&w->pb, TB_ERR_CONFLICT, "delivery_fixed", NULL,
                                "结果已寄出或已送达，不能再更改送达方式",
                                "The result is on its way or delivered: the method is fixed");
    if ((rc = case_item_load(c, r.item_id, r.item_version, &w->it)) < 0)
        return rc;
    struct case_delivery_in d;
    if ((rc = case_delivery_read(req->json, &w->it, &d, &w->pb)) < 0)
        return rc;
    if ((rc = case_delivery_store(c, req->app, r.id, &d, &req->arena)) < 0)
        return rc;
    const char *before = r.delivery;
    r.delivery = d.method;
    int64_t now = case_now_ms(req->app);
    if (r.delivery_status && (rc = case_delivery_ready(c, req->app, &r)) < 0)
        return rc;
    struct audit_event ae;
    char after[96];
    audit_from_req(req, req->user, &ae);
    snprintf(after, sizeof(after), "{\"from\":\"%s\",\"to\":\"%s\"}", before ? before : "",
             d.method);
    ae.action = "case.delivery_choice";
    ae.object_type = "case";
    ae.object_id = r.public_id;
    ae.after_json = after;
    if ((rc = audit_append(c, &((struct tb_app *)req->app)->audit, &ae, NULL)) < 0)
        return rc;
    return case_save(c, &r, now);
}

int cases_api_delivery_put(struct tb_req *req)
{
    struct delivery_edit w = {.req = req};
    int rc = case_if_match(req, &w.etag);
    if (rc < 0)
        return rc;
    rc = tb_db_write(((struct tb_app *)req->app)->db, write_delivery, &w);
    case_item_free(&w.it);
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, rc, NULL, "没有这个办件", "No such case");
    if (rc == TB_ERR_PRECONDITION)
        return tb_resp_problem(req, rc, "If-Match", "办件已被他人更新，请刷新后重试",
                               "The case has changed; reload it and try again");
    if (rc < 0 && w.pb.err == rc)
        return case_problem_answer(req, &w.pb);
    if (rc < 0)
        return rc;
    return case_respond(req, tb_req_param(req, "id"), 200);
}

/* ---- POST /api/v1/pickups/lookup ------------------------------------------------------------ */

struct pickup {
    struct tb_req *req;
    unsigned char hash[TB_HMAC_SM3_LEN];
    struct case_row r;
    struct case_actor ac;
    bool found;
};

/* The lookup is on record: a code opens a case to whoever enters it. */
static int write_pickup(struct tb_db_conn *c, void *ctx)
{
    struct pickup *w = ctx;
    struct tb_req *req = w->req;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT public_id FROM cases WHERE pickup_code_hash = ?1 AND "
                           "delivery_status = 'ready' ORDER BY id DESC LIMIT 8",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_blob(s, 1, w->hash, sizeof(w->hash));
    char ids[8][CASE_PUBLIC_ID_LEN + 1];
    int n = 0;
    while (n < 8 && (rc = tb_db_step(s)) == TB_DB_ROW)
        snprintf(ids[n++], sizeof(ids[0]), "%s", tb_db_column_text(s, 0));
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    /* the case must be one this window may hand over */
    for (int i = 0; i < n && !w->found; i++)
        w->found = case_load(c, ids[i], &req->arena, &w->r) == 0 &&
                   case_actor_of(c, req->user, &w->r, &w->ac) == 0 &&
                   (w->ac.roles & (1u << CR_WINDOW));
    struct audit_event ae;
    audit_from_req(req, req->user, &ae);
    ae.action = "case.pickup_lookup";
    ae.object_type = "case";
    ae.object_id = w->found ? w->r.public_id : NULL;
    ae.result = w->found ? "ok" : "failed";
    return audit_append(c, &((struct tb_app *)req->app)->audit, &ae, NULL);
}

int cases_api_pickup_lookup(struct tb_req *req)
{
    const char *code = json_string_value(json_object_get(req->json, "code"));
    if (!code || strlen(code) != PICKUP_CODE_LEN || strspn(code, "0123456789") != PICKUP_CODE_LEN)
        return tb_resp_problem(req, TB_ERR_INVALID, "code", "取件码为 8 位数字",
                               "A pickup code is 8 digits");
    const struct principal *p = req->user;
    if (p->kind != ACCOUNT_STAFF || !(p->roles & ROLE_WINDOW))
        return tb_resp_problem(req, TB_ERR_FORBIDDEN, NULL, "只有窗口人员可以办理取件",
                               "Only window staff hand results over");
    struct pickup *w = tb_arena_calloc(&req->arena, sizeof(*w));
    if (!w)
        return TB_ERR_NOMEM;
    w->req = req;
    int rc = pickup_hash(req->app, code, w->hash);
    if (rc == 0)
        rc = tb_db_write(((struct tb_app *)req->app)->db, write_pickup, w);
    if (rc < 0)
        return rc;
    if (!w->found)
        return tb_resp_problem(req, TB_ERR_NOT_FOUND, "code", "取件码无效或结果不在待领取状态",
                               "No result waits for this pickup code");
    struct tb_db_conn *c;
    struct case_item it = {0};
    json_t *o = NULL;
    if ((rc = tb_db_read_conn(((struct tb_app *)req->app)->db, &c)) == 0 &&
        (rc = case_item_load(c, w->r.item_id, w->r.item_version, &it)) == 0)
        rc = case_view(req, c, &w->r, &it, &w->ac, &o);
    case_item_free(&it);
    if (rc < 0)
        return rc;
    return tb_resp_json(req, 200, json_pack("{s:o}", "case", o));
}
