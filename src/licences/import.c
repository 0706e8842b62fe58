/*
 * import.c - historical licences from a file (docs/licences.md
 * "Lifecycle": import), and the demo installation's licence data.
 *
 * Every row is checked before anything is written, every fault reported
 * with its row and field; then all rows are signed with their issuers'
 * active seals and stored in one write (all or nothing).
 */
#include "licences/internal.h"
#include "accounts/api.h"
#include "accounts/identifiers.h"
#include "app/app.h"
#include "audit/audit.h"
#include "catalog/catalog.h"
#include "lib/arena.h"
#include "lib/db.h"
#include "lib/embed.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT_ROWS_MAX 100000

struct import {
    struct tb_app *app;
    struct tb_arena *arena;
    const json_t *rows;
    struct item_problems *p;
    const char *actor; /* audit role: "system" (demo) or "cli" */
    size_t written;
};

static void fault(struct import *im, size_t row, const char *field, const char *code,
                  const char *zh, const char *en)
{
    char path[64];
    snprintf(path, sizeof(path), "licences[%zu].%s", row, field);
    item_problems_add(im->p, path, code, zh, en);
}

static int64_t org_id_of(struct tb_db_conn *c, const char *code)
{
    struct tb_db_stmt *s;
    int64_t id = 0;
    if (!code || tb_db_prepare(c, "SELECT id FROM orgs WHERE code = ?1", &s) != 0)
        return 0;
    tb_db_bind_text(s, 1, code, -1);
    if (tb_db_step(s) == TB_DB_ROW)
        id = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    return id;
}

/* One row checked (and, with write, stored). */
static int import_row(struct tb_db_conn *c, struct import *im, size_t i, const json_t *row,
                      bool write)
{
    static const char *const keys[] = {"type",        "holder_name", "holder_id_type", "holder_id",
                                       "issuer",      "issued_on",   "valid_until",    "face",
                                       "trust_level", NULL};
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)row, k, v)
    {
        bool known = false;
        for (size_t j = 0; keys[j]; j++)
            known = known || strcmp(keys[j], k) == 0;
        if (!known)
            fault(im, i, k, "unknown_field", "未知字段", "unknown field");
    }
    const char *type = json_string_value(json_object_get(row, "type"));
    const char *name = json_string_value(json_object_get(row, "holder_name"));
    const char *idt = json_string_value(json_object_get(row, "holder_id_type"));
    const char *hid = json_string_value(json_object_get(row, "holder_id"));
    const char *issuer = json_string_value(json_object_get(row, "issuer"));
    const char *on = json_string_value(json_object_get(row, "issued_on"));
    const char *until = json_string_value(json_object_get(row, "valid_until"));
    const char *trust = json_string_value(json_object_get(row, "trust_level"));
    json_t *face = json_object_get(row, "face");
    size_t before = im->p->n;
    struct licence_type_row t = {0};
    int rc = type ? licence_type_by_code(c, im->arena, type, &t) : TB_ERR_NOT_FOUND;
    if (rc == TB_ERR_NOT_FOUND)
        fault(im, i, "type", "unknown_type", "没有这个证照类型", "no such licence type");
    else if (rc < 0)
        return rc;
    if (!name || !*name || tb_utf8_chars(name, strlen(name)) > 100)
        fault(im, i, "holder_name", "invalid_holder_name", "请填写持证主体名称",
              "holder_name is required");
    bool person = idt && strcmp(idt, "111") == 0, org = idt && strcmp(idt, "001") == 0;
    struct ident_result ir;
    int y, m, d;
    tb_time_shanghai_date(tb_time_now_ms(), &y, &m, &d);
    char norm[32] = "";
    if (!person && !org)
        fault(im, i, "holder_id_type", "invalid_id_type",
              "证件类型应为 111（居民身份证）或 001（统一社会信用代码）",
              "holder_id_type is 111 (ID card) or 001 (credit code)");
    else if (!hid || (person ? ident_check_person(hid, strlen(hid), y * 10000 + m * 100 + d, &ir)
                             : ident_check_org(hid, strlen(hid), &ir)) != 0)
        fault(im, i, "holder_id", "invalid_holder_id", "证件号码无效", "holder_id is not valid");
    else
        ident_normalise(person ? IDENT_PERSON : IDENT_ORG, hid, strlen(hid), norm, sizeof(norm));
    if (rc == 0 && ((strcmp(t.holder_kind, "person") == 0 && org) ||
                    (strcmp(t.holder_kind, "org") == 0 && person)))
        fault(im, i, "holder_id_type", "holder_kind_mismatch", "该类证照的持证主体类型不符",
              "this licence type is not held by this kind of holder");
    int64_t org_id = org_id_of(c, issuer);
    struct seal_row seal = {0};
    if (!org_id)
        fault(im, i, "issuer", "unknown_org", "没有这个发证机关", "no such issuing organisation");
    else if ((rc = seal_active_for(c, im->arena, org_id, &seal)) == TB_ERR_NOT_FOUND)
        fault(im, i, "issuer", "no_active_seal", "发证机关没有启用中的电子印章",
              "the issuing organisation has no active seal");
    else if (rc < 0)
        return rc;
    if (!licence_date_ok(on))
        fault(im, i, "issued_on", "invalid_date", "发证日期应为 YYYY-MM-DD",
              "issued_on is YYYY-MM-DD");
    if (json_object_get(row, "valid_until") && !json_is_null(json_object_get(row, "valid_until")) &&
        (!licence_date_ok(until) || (on && strcmp(until, on) < 0)))
        fault(im, i, "valid_until", "invalid_date", "有效期至应为不早于发证日期的 YYYY-MM-DD",
              "valid_until is YYYY-MM-DD, not before issued_on");
    if (trust && (strlen(trust) != 1 || trust[0] < 'A' || trust[0] > 'D'))
        fault(im, i, "trust_level", "invalid_trust_level", "可信等级应为 A、B、C 或 D",
              "trust_level is A, B, C or D");
    if (face && !json_is_object(face))
        fault(im, i, "face", "invalid_face", "face 应为对象", "face is an object");
    json_object_foreach(face, k, v)
    {
        const char *s = json_string_value(v);
        if (!licence_type_has_field(t.fields, k) || !s ||
            tb_utf8_chars(s, strlen(s)) > LICENCE_VALUE_MAX)
            fault(im, i, "face", "invalid_face_field", "照面信息不属于该证照类型或不是文字",
                  "a face field is not the type's or not text");
    }
    if (im->p->n != before || !write) {
        licence_type_row_free(&t);
        return TB_OK;
    }
    char vu[LICENCE_DATE_LEN + 1] = "";
    if (!until)
        licence_valid_until(on, t.validity_years, vu);
    json_t *fc = face ? json_deep_copy(face) : json_object();
    struct licence_new n = {
        .type = &t,
        .issuer_org_id = org_id,
        .holder_name = name,
        .holder_id_type = idt,
        .holder_id = norm,
        .trust_level = trust ? trust : "B",
        .issued_on = on,
        .valid_from = on,
        .valid_until = until   ? until
                       : vu[0] ? vu
                               : NULL,
        .face = fc,
        .version = 1,
        .event_kind = "import",
        .reason = "历史证照导入",
        .now = tb_time_now_ms(),
    };
    int64_t id;
    char no[LICENCE_NO_MAX];
    const char *why = NULL;
    rc = licence_store_new(c, im->app, im->arena, &n, &id, no, &why);
    json_decref(fc);
    licence_type_row_free(&t);
    if (rc == 0)
        im->written++;
    return rc;
}

static int write_import(struct tb_db_conn *c, void *ctx)
{
    struct import *im = ctx;
    size_t i;
    json_t *row;
    int rc;
    json_array_foreach(im->rows, i, row)
    {
        if (!json_is_object(row)) {
            fault(im, i, "", "invalid_row", "每一行应为对象", "each row is an object");
            continue;
        }
        if ((rc = import_row(c, im, i, row, false)) < 0)
            return rc;
    }
    if (im->p->n)
        return TB_ERR_INVALID;
    json_array_foreach(im->rows, i, row)
    {
        if ((rc = import_row(c, im, i, row, true)) < 0)
            return rc;
    }
    struct audit_event e = {0};
    e.actor_role = im->actor;
    e.action = "licence.import";
    e.object_type = "licence";
    e.result = "ok";
    char after[64];
    snprintf(after, sizeof(after), "{\"licences\":%zu}", im->written);
    e.after_json = after;
    return audit_append(c, &im->app->audit, &e, NULL);
}

int licences_import(struct tb_app *app, struct tb_arena *a, const json_t *rows,
                    struct item_problems *p, const char *actor, size_t *written)
{
    if (!json_is_array(rows) || json_array_size(rows) > IMPORT_ROWS_MAX) {
        item_problems_add(p, "licences", "invalid_rows", "licences 应为不超过 100000 行的数组",
                          "licences is an array of at most 100000 rows");
        return TB_ERR_INVALID;
    }
    struct import im = {app, a, rows, p, actor, 0};
    int rc = tb_db_write(app->db, write_import, &im);
    *written = rc == 0 ? im.written : 0;
    return rc;
}

/* ---- the demo installation -------------------------------------------------------------- */

struct demo {
    struct tb_app *app;
    struct tb_arena *arena;
    const json_t *data;
    int seals;
};

static int write_demo(struct tb_db_conn *c, void *ctx)
{
    struct demo *dm = ctx;
    const char *k;
    json_t *v;
    struct tb_db_stmt *s;
    int rc;
    json_object_foreach(json_object_get(dm->data, "org_credit_codes"), k, v)
    {
        if ((rc = tb_db_prepare(c,
                                "UPDATE orgs SET credit_code = ?2 WHERE code = ?1 AND "
                                "credit_code IS NULL",
                                &s)) != 0)
            return rc;
        tb_db_bind_text(s, 1, k, -1);
        tb_db_bind_text(s, 2, json_string_value(v), -1);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    size_t i;
    int64_t now = tb_time_now_ms();
    json_array_foreach(json_object_get(dm->data, "types"), i, v)
    {
        struct item_problem found[8];
        struct item_problems p = {found, 8, 0};
        json_t *fields = json_array();
        if (!fields)
            return TB_ERR_NOMEM;
        rc = licence_type_fields_check(json_object_get(v, "fields"), fields, &p);
        struct licence_type_in t = {json_string_value(json_object_get(v, "code")),
                                    json_string_value(json_object_get(v, "name")),
                                    json_string_value(json_object_get(v, "holder_kind")),
                                    fields,
                                    json_object_get(v, "issuers"),
                                    (int)json_integer_value(json_object_get(v, "validity_years"))};
        if (rc == 0)
            rc = licence_type_save(c, dm->arena, &t, 0, now);
        json_decref(fields);
        if (rc == TB_ERR_CONFLICT)
            continue; /* loaded before: the administrator's edits stay */
        if (rc < 0)
            return rc == TB_ERR_INVALID ? TB_ERR_INTERNAL : rc; /* the demo file is ours */
    }
    /* 一枚印章: every organisation that decides items gets its seal */
    if ((rc = tb_db_prepare(c,
                            "SELECT o.id FROM orgs o WHERE o.kind IN ('bureau', 'department') AND "
                            "o.credit_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM seals s "
                            "WHERE s.org_id = o.id AND s.status = 'active') ORDER BY o.id",
                            &s)) != 0)
        return rc;
    int64_t ids[256];
    size_t n = 0;
    while (n < 256 && (rc = tb_db_step(s)) == TB_DB_ROW)
        ids[n++] = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    for (size_t j = 0; j < n; j++) {
        struct seal_row seal = {0};
        const char *why;
        if ((rc = seal_create(c, dm->app, dm->arena, ids[j], 0, 0, now, &seal, &why)) < 0)
            return rc;
        dm->seals++;
    }
    struct audit_event e = {0};
    e.actor_role = "system";
    e.action = "licence.demo_seed";
    e.object_type = "seal";
    e.result = "ok";
    char after[64];
    snprintf(after, sizeof(after), "{\"seals\":%d}", dm->seals);
    e.after_json = after;
    return audit_append(c, &dm->app->audit, &e, NULL);
}

/* Whether any licence exists (the demo's history is imported once). */
static int have_licences(struct tb_app *app, bool *out)
{
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc != 0 || (rc = tb_db_prepare(c, "SELECT 1 FROM licences LIMIT 1", &s)) != 0)
        return rc;
    rc = tb_db_step(s);
    *out = rc == TB_DB_ROW;
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

int licences_seed_demo(struct tb_app *app)
{
    const struct tb_embedded *e = tb_embedded_find("data/demo/licences.json");
    if (!e)
        return TB_ERR_NOT_FOUND;
    json_t *data = NULL;
    int rc = tb_json_parse(e->data, e->len, 16, &data, NULL);
    if (rc < 0)
        return rc;
    struct tb_arena arena;
    tb_arena_init(&arena, 16 * 1024);
    struct demo dm = {app, &arena, data, 0};
    rc = tb_db_write(app->db, write_demo, &dm);
    bool have = false;
    if (rc == 0)
        rc = have_licences(app, &have);
    if (rc == 0 && !have) {
        struct item_problem found[16];
        struct item_problems p = {found, 16, 0};
        size_t written = 0;
        rc =
            licences_import(app, &arena, json_object_get(data, "licences"), &p, "system", &written);
        for (size_t i = 0; rc == TB_ERR_INVALID && i < p.n && i < 16; i++)
            tb_log_error("demo licence %s: %s", found[i].path, found[i].message_en);
    }
    tb_arena_free(&arena);
    json_decref(data);
    return rc;
}
