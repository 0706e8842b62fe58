/*
 * transition.c - POST /api/v1/cases/{id}/transitions (docs/cases.md
 * "Actions"): the one way a case changes state.
 *
 * Inside one write: the case is read again, the caller's If-Match compared
 * with its ETag (two deciders at once: exactly one wins), the machine asked
 * (table and guards, machine.c), the action's body checked and its effects
 * applied - steps, due dates, materials, suspensions, notices, flags - and
 * the event appended to the case and the audit chain. A refusal at any
 * point rolls everything back.
 */
#include "cases/internal.h"
#include "accounts/accounts.h"
#include "accounts/api.h"
#include "app/app.h"
#include "calendar/calendar.h"
#include "catalog/catalog.h"
#include "guide/guide.h"
#include "lib/arena.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "licences/licences.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tx {
    struct tb_req *req;
    struct tb_app *app;
    const struct principal *p; /* NULL: the platform */
    enum case_action action;
    int64_t etag;
    const json_t *body;
    struct case_problem pb;
    struct item_problem found[32];
    struct item_problems probs;
    /* during the write */
    struct case_row r;
    struct case_item it;
    struct case_actor ac;
    enum case_role role;
    int64_t now;
    char today[CASE_DATE_LEN + 1];
};

#define PROBLEM(t, err, code, field, zh, en) case_problem_set(&(t)->pb, err, code, field, zh, en)

/* ---- small helpers --------------------------------------------------------------------- */

/* A body string: required or not, at most max characters. */
static int body_text(struct tx *t, const char *key, bool required, size_t max, const char **out)
{
    *out = NULL;
    int rc = tb_json_get_string(t->body, key, required, max, out);
    if (rc == 0 && (!required || (*out && **out)))
        return TB_OK;
    char *zh = tb_arena_printf(&t->req->arena, "请填写 %s（不超过 %zu 个字）", key, max);
    char *en = tb_arena_printf(&t->req->arena, "%s is required, at most %zu characters", key, max);
    return PROBLEM(t, TB_ERR_INVALID, "invalid_field", key, zh ? zh : "", en ? en : "");
}

static int body_int(struct tx *t, const char *key, long long min, long long max, long long dflt,
                    long long *out)
{
    *out = dflt;
    if (!json_object_get(t->body, key))
        return TB_OK;
    if (tb_json_get_int(t->body, key, true, min, max, out) == 0)
        return TB_OK;
    char *zh = tb_arena_printf(&t->req->arena, "%s 应为 %lld 至 %lld 的整数", key, min, max);
    char *en = tb_arena_printf(&t->req->arena, "%s must be a whole number from %lld to %lld", key,
                               min, max);
    return PROBLEM(t, TB_ERR_INVALID, "invalid_field", key, zh ? zh : "", en ? en : "");
}

static json_t *material_def(struct tx *t, size_t idx)
{
    return json_array_get(json_object_get(t->it.doc, "materials"), idx);
}

static const char *material_name(struct tx *t, size_t idx)
{
    const char *n = json_string_value(json_object_get(material_def(t, idx), "name"));
    return n ? n : "";
}

static int event(struct tx *t, struct tb_db_conn *c, enum case_action a, enum case_state from,
                 const char *role, json_t *data, const char *reason)
{
    struct case_event e = {
        .p = t->p,
        .req = t->p ? t->req : NULL,
        .r = &t->r,
        .role = role,
        .action = a,
        .from = from,
        .to = t->r.state,
        .data = data,
        .reason = reason,
        .window_id = strcmp(role, "window") == 0 ? t->ac.window_id : 0,
        .at = t->now,
    };
    return case_event_add(c, t->app, &e);
}

/* Marks step idx done by the actor. */
static int step_done(struct tx *t, struct tb_db_conn *c, int idx, const char *outcome,
                     const char *opinion, const json_t *participants)
{
    char *parts = participants ? json_dumps(participants, JSON_COMPACT) : NULL;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "UPDATE case_steps SET done_by = ?3, done_at = ?4, outcome = ?5, "
                           "opinion = ?6, participants = ?7 WHERE case_id = ?1 AND idx = ?2",
                           &s);
    if (rc == 0) {
        tb_db_bind_int64(s, 1, t->r.id);
        tb_db_bind_int64(s, 2, idx);
        if (t->p)
            tb_db_bind_int64(s, 3, t->p->account_id);
        else
            tb_db_bind_null(s, 3);
        tb_db_bind_int64(s, 4, t->now);
        tb_db_bind_text(s, 5, outcome, -1);
        tb_db_bind_text(s, 6, opinion, -1);
        tb_db_bind_text(s, 7, parts, -1);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
    }
    free(parts);
    return rc < 0 ? rc : TB_OK;
}

/* n working days after date, or NULL outside the calendar (logged). */
static const char *due_after(struct tx *t, const char *date, int n)
{
    char out[CASE_DATE_LEN + 1];
    int rc = case_add_workdays(tb_app_calendar(t->app), date, n, out);
    if (rc < 0) {
        tb_log_warn("case %s: no due date %d working days after %s (%s)", t->r.case_no, n, date,
                    tb_err_code(rc));
        return NULL;
    }
    return tb_arena_strdup(&t->req->arena, out);
}

/* ---- acceptance ------------------------------------------------------------------------- */

/* Every required material from the applicant is provided (or, with
 * allowed, listed in allowed). Reports the rest to t->probs. */
static int materials_provided(struct tx *t, struct tb_db_conn *c, const bool *allowed)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT idx, provision FROM case_materials WHERE case_id = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, t->r.id);
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        size_t idx = (size_t)tb_db_column_int64(s, 0);
        const char *prov = tb_db_column_text(s, 1);
        json_t *d = material_def(t, idx);
        if (!json_is_true(json_object_get(d, "is_required")) ||
            !case_material_applicants(d, prov) || strcmp(prov, "none") != 0 ||
            (allowed && allowed[idx]))
            continue;
        char path[32];
        snprintf(path, sizeof(path), "materials[%zu]", idx);
        item_problems_add(&t->probs, path, "material_not_provided", "这份必需材料尚未提交",
                          "This required material has not been provided");
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (t->probs.n)
        return PROBLEM(t, TB_ERR_CONFLICT, "materials_incomplete", "materials",
                       "必需材料不齐：请一次性告知补正，或对允许的材料容缺受理、告知承诺",
                       "Required materials are missing: request a correction, or accept "
                       "with missing materials or a commitment where allowed");
    return TB_OK;
}

/* Acceptance on date `on` (YYYY-MM-DD): the clerk, the window, step 1
 * done, the due dates and the 受理通知书. */
static int do_accept(struct tx *t, struct tb_db_conn *c, const char *on, bool completes_step)
{
    struct case_row *r = &t->r;
    json_t *doc = t->it.doc;
    const char *starts = json_string_value(json_object_get(doc, "limit_starts"));
    /* the limits are the case's from now on (a later item version does not
     * change them) */
    r->promised_days = (int)json_integer_value(json_object_get(doc, "promised_limit_days"));
    r->legal_days = (int)json_integer_value(json_object_get(doc, "legal_limit_days"));
    r->same_day = starts && strcmp(starts, "same_day") == 0;
    if (!r->accepted_at)
        r->accepted_at = t->now;
    r->accepted_window_id = t->ac.window_id;
    r->accepted_by = t->p ? t->p->account_id : 0;
    int rc;
    if (completes_step) {
        if ((rc = step_done(t, c, 0, "accept", NULL, NULL)) < 0)
            return rc;
        r->steps_done = 1;
    }
    r->state = CS_ACCEPTED; /* the clock runs from here (the caller sets it again) */
    if ((rc = case_clock_update(c, t->app, r, t->today, &t->req->arena)) < 0)
        return rc;
    r->promised_due_original = r->promised_due;
    r->legal_due_original = r->legal_due;
    json_t *data =
        json_pack("{s:s,s:o,s:i,s:i,s:s}", "accepted_on", on, "promised_date",
                  r->promised_due ? json_string(r->promised_due) : json_null(), "legal_days",
                  r->legal_days, "promised_days", r->promised_days, "query_code_hint",
                  "凭办件编号和查询码在“一网通办”办事门户“办件进度查询”查询办理进度");
    return case_notice_add(c, t->app, r, &t->it, NOTICE_ACCEPTANCE, data, t->now);
}

/* A list of material indexes (missing / commitments) into sel. */
static int index_list(struct tx *t, const char *key, const char *allow_key, bool *sel)
{
    json_t *list = json_object_get(t->body, key);
    size_t n = json_array_size(json_object_get(t->it.doc, "materials")), i;
    json_t *v;
    if (!json_is_array(list) || json_array_size(list) == 0)
        return PROBLEM(t, TB_ERR_INVALID, "invalid_field", key, "请列出材料序号（至少一项）",
                       "List the materials' indexes (at least one)");
    json_array_foreach(list, i, v)
    {
        json_int_t k = json_is_integer(v) ? json_integer_value(v) : -1;
        char *field = tb_arena_printf(&t->req->arena, "%s[%zu]", key, i);
        if (k < 0 || (size_t)k >= n)
            return PROBLEM(t, TB_ERR_INVALID, "material_index", field, "材料序号不存在",
                           "No material with that index");
        json_t *d = material_def(t, (size_t)k);
        if (!json_is_true(json_object_get(d, allow_key)))
            return PROBLEM(t, TB_ERR_INVALID, "material_not_allowed", field,
                           strcmp(allow_key, "allows_missing") == 0 ? "该材料不在容缺受理范围内"
                                                                    : "该材料不适用告知承诺",
                           strcmp(allow_key, "allows_missing") == 0
                               ? "This material may not be missing at acceptance"
                               : "This material cannot be replaced by a commitment");
        sel[k] = true;
    }
    return TB_OK;
}

static int set_provision(struct tx *t, struct tb_db_conn *c, size_t idx, const char *prov,
                         const char *due, bool supplied)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "UPDATE case_materials SET provision = ?3, supplement_due = ?4, "
                           "supplied_at = ?5 WHERE case_id = ?1 AND idx = ?2",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, t->r.id);
    tb_db_bind_int64(s, 2, (int64_t)idx);
    tb_db_bind_text(s, 3, prov, -1);
    tb_db_bind_text(s, 4, due, -1);
    if (supplied)
        tb_db_bind_int64(s, 5, t->now);
    else
        tb_db_bind_null(s, 5);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

static int act_accept_with(struct tx *t, struct tb_db_conn *c, bool missing, bool completes)
{
    size_t n = json_array_size(json_object_get(t->it.doc, "materials"));
    bool sel[ITEM_MAX_MATERIALS] = {0};
    long long days = 0;
    int rc;
    if (!missing && t->it.high_risk)
        return PROBLEM(t, TB_ERR_FORBIDDEN, "high_risk_item", NULL,
                       "高风险事项不适用告知承诺（国办发〔2020〕42号）",
                       "High-risk items are not handled by commitment");
    if ((rc = index_list(t, missing ? "missing" : "commitments",
                         missing ? "allows_missing" : "allows_commitment", sel)) < 0 ||
        (missing && (rc = body_int(t, "days", 1, 60, CASE_MISSING_DAYS, &days)) < 0) ||
        (rc = materials_provided(t, c, sel)) < 0)
        return rc;
    const char *due = missing ? due_after(t, t->today, (int)days) : NULL;
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!sel[i])
            continue;
        if ((rc = set_provision(t, c, i, missing ? "missing" : "commitment", due, !missing)) < 0)
            break;
        json_array_append_new(list, missing ? json_pack("{s:s,s:o}", "material",
                                                        material_name(t, i), "supplement_by",
                                                        due ? json_string(due) : json_null())
                                            : json_pack("{s:s}", "name", material_name(t, i)));
    }
    if (rc < 0 || (rc = do_accept(t, c, t->today, completes)) < 0) {
        json_decref(list);
        return rc;
    }
    json_t *data = missing ? json_pack("{s:o,s:s}", "missing", list, "commitment_text",
                                       "申请人承诺在补交期限内提交上述材料；逾期未补交的，办件中止"
                                       "办理，并记录失信承诺。")
                           : json_pack("{s:o,s:s}", "proofs", list, "commitment_text",
                                       "申请人承诺已经符合告知的条件、标准和要求，愿意承担不实承诺"
                                       "的法律责任。");
    return case_notice_add(c, t->app, &t->r, &t->it, missing ? NOTICE_MISSING : NOTICE_COMMITMENT,
                           data, t->now);
}

/* ---- the actions -------------------------------------------------------------------------- */

static int act_submit(struct tx *t, struct tb_db_conn *c)
{
    json_t *values = json_loads(t->r.values_json, 0, NULL);
    form_validate_values(json_object_get(t->it.doc, "form"), values, &t->probs);
    json_decref(values);
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT idx, provision FROM case_materials WHERE case_id = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, t->r.id);
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        size_t idx = (size_t)tb_db_column_int64(s, 0);
        json_t *d = material_def(t, idx);
        if (strcmp(tb_db_column_text(s, 1), "none") != 0 ||
            !case_material_applicants(d, tb_db_column_text(s, 1)) ||
            !json_is_true(json_object_get(d, "is_required")) ||
            json_is_true(json_object_get(d, "allows_missing")) ||
            json_is_true(json_object_get(d, "allows_commitment")))
            continue;
        char path[32];
        snprintf(path, sizeof(path), "materials[%zu]", idx);
        item_problems_add(&t->probs, path, "material_required", "请提交这份必需材料",
                          "This material is required");
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (t->probs.n)
        return TB_ERR_INVALID;
    t->r.submitted_at = t->r.received_at = t->now;
    return TB_OK;
}

static int act_correction(struct tx *t, struct tb_db_conn *c, json_t **data)
{
    json_t *faults = json_object_get(t->body, "faults"), *f;
    long long days;
    size_t i, n = json_array_size(json_object_get(t->it.doc, "materials"));
    int rc = body_int(t, "days", 1, 30, CASE_CORRECTION_DAYS, &days);
    if (rc < 0)
        return rc;
    if (!json_is_array(faults) || json_array_size(faults) == 0 ||
        json_array_size(faults) > CASE_FAULTS_MAX)
        return PROBLEM(t, TB_ERR_INVALID, "invalid_field", "faults",
                       "请一次性列出全部需要补正的问题（1 至 50 项）",
                       "List every fault at once (1 to 50)");
    json_t *list = json_array();
    json_array_foreach(faults, i, f)
    {
        json_t *m = json_object_get(f, "material");
        const char *problem = json_string_value(json_object_get(f, "problem"));
        char *field = tb_arena_printf(&t->req->arena, "faults[%zu]", i);
        bool idx_ok =
            !m || json_is_null(m) ||
            (json_is_integer(m) && json_integer_value(m) >= 0 && (size_t)json_integer_value(m) < n);
        if (!json_is_object(f) || !idx_ok || !problem || !*problem ||
            tb_utf8_chars(problem, strlen(problem)) > 200) {
            json_decref(list);
            return PROBLEM(t, TB_ERR_INVALID, "invalid_fault", field,
                           "每项补正应写明问题（不超过 200 字），material 为材料序号或 null",
                           "Each fault needs a problem (at most 200 characters) and a material "
                           "index or null");
        }
        json_array_append_new(list, json_pack("{s:s,s:s}", "material",
                                              json_is_integer(m)
                                                  ? material_name(t, (size_t)json_integer_value(m))
                                                  : "申请表及其他",
                                              "problem", problem));
    }
    const char *due = due_after(t, t->today, (int)days);
    t->r.corrections++;
    t->r.correction_due = due;
    struct tb_db_stmt *s;
    if ((rc = tb_db_prepare(c,
                            "INSERT INTO case_suspensions(case_id, kind, reason, limit_days, "
                            "started_at) VALUES (?1, 'correction', '一次性告知补正', ?2, ?3)",
                            &s)) == 0) {
        tb_db_bind_int64(s, 1, t->r.id);
        tb_db_bind_int64(s, 2, days);
        tb_db_bind_int64(s, 3, t->now);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
    }
    /* RULE: SPEC §4 一次性告知: a second correction notice is reported */
    if (rc >= 0 && t->r.corrections >= 2)
        rc = case_flag_add(c, t->r.id, "second_correction", "同一办件第二次补正告知", t->now);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *data = json_pack("{s:i,s:o}", "faults", (int)json_array_size(list), "due",
                      due ? json_string(due) : json_null());
    return case_notice_add(
        c, t->app, &t->r, &t->it, NOTICE_CORRECTION,
        json_pack("{s:o,s:o}", "faults", list, "deadline", due ? json_string(due) : json_null()),
        t->now);
}

/* Ends the case's open suspension of kind (NULL: any); *days gets the
 * working days it lasted. */
static int end_suspension(struct tx *t, struct tb_db_conn *c, const char *kind, int *days)
{
    struct tb_db_stmt *s;
    *days = 0;
    int rc = tb_db_prepare(c,
                           "SELECT id, started_at FROM case_suspensions WHERE case_id = ?1 AND "
                           "ended_at IS NULL AND (?2 IS NULL OR kind = ?2) ORDER BY id DESC "
                           "LIMIT 1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, t->r.id);
    tb_db_bind_text(s, 2, kind, -1);
    rc = tb_db_step(s);
    int64_t id = rc == TB_DB_ROW ? tb_db_column_int64(s, 0) : 0;
    int64_t started = rc == TB_DB_ROW ? tb_db_column_int64(s, 1) : 0;
    tb_db_stmt_done(s);
    if (rc < 0 || !id)
        return rc < 0 ? rc : TB_OK;
    char from[CASE_DATE_LEN + 1];
    case_date_of(started, from);
    if (case_workdays_between(tb_app_calendar(t->app), from, t->today, days) < 0 || *days < 0)
        *days = 0;
    if ((rc = tb_db_prepare(c, "UPDATE case_suspensions SET ended_at = ?2 WHERE id = ?1", &s)) < 0)
        return rc;
    tb_db_bind_int64(s, 1, id);
    tb_db_bind_int64(s, 2, t->now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

/* After the ledger or the extension changed: the dates again, with the
 * before and after for the event. */
static int clock_moved(struct tx *t, struct tb_db_conn *c, json_t *data)
{
    const char *pd = t->r.promised_due, *ld = t->r.legal_due;
    int rc = case_clock_update(c, t->app, &t->r, t->today, &t->req->arena);
    if (rc < 0 || !data)
        return rc;
    json_object_set_new(data, "promised_due_before", pd ? json_string(pd) : json_null());
    json_object_set_new(data, "legal_due_before", ld ? json_string(ld) : json_null());
    json_object_set_new(data, "promised_due",
                        t->r.promised_due ? json_string(t->r.promised_due) : json_null());
    json_object_set_new(data, "legal_due",
                        t->r.legal_due ? json_string(t->r.legal_due) : json_null());
    return TB_OK;
}

static int act_supplement(struct tx *t, struct tb_db_conn *c, json_t **data)
{
    struct case_material_in mats[ITEM_MAX_MATERIALS];
    json_t *list = json_object_get(t->body, "materials");
    size_t n = json_array_size(json_object_get(t->it.doc, "materials"));
    bool correcting = t->r.state == CS_AWAITING_CORRECTION;
    int rc = case_materials_read(t->req, c, list, &t->it, t->r.applicant_id, t->role == CR_WINDOW,
                                 mats, &t->pb);
    if (rc < 0)
        return rc;
    json_t *values = json_object_get(t->body, "values");
    if (values && (!correcting || !json_is_object(values)))
        return PROBLEM(t, TB_ERR_INVALID, "invalid_field", "values",
                       "只有补正时可以修改申请表，values 应为对象",
                       "values can be changed only when answering a correction, as an object");
    if (!json_array_size(list) && !values)
        return PROBLEM(t, TB_ERR_INVALID, "invalid_field", "materials", "请提交补正或补交的材料",
                       "Give the materials you supply");
    json_t *given = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!mats[i].given)
            continue;
        struct tb_db_stmt *s;
        if ((rc = tb_db_prepare(c,
                                "SELECT provision, supplied_at FROM case_materials WHERE "
                                "case_id = ?1 AND idx = ?2",
                                &s)) < 0)
            break;
        tb_db_bind_int64(s, 1, t->r.id);
        tb_db_bind_int64(s, 2, (int64_t)i);
        rc = tb_db_step(s);
        bool open_missing = rc == TB_DB_ROW && strcmp(tb_db_column_text(s, 0), "missing") == 0 &&
                            tb_db_column_is_null(s, 1);
        tb_db_stmt_done(s);
        if (rc < 0)
            break;
        if (!correcting && !open_missing) {
            json_decref(given);
            return PROBLEM(t, TB_ERR_CONFLICT, "not_missing",
                           tb_arena_printf(&t->req->arena, "materials[%zu]", i),
                           "这份材料不在待补交之列", "This material is not waiting to be supplied");
        }
        if ((rc = tb_db_prepare(c,
                                "UPDATE case_materials SET provision = CASE WHEN provision = "
                                "'missing' THEN 'missing' ELSE 'submitted' END, upload_id = ?3, "
                                "supplied_at = ?4 WHERE case_id = ?1 AND idx = ?2",
                                &s)) < 0)
            break;
        tb_db_bind_int64(s, 1, t->r.id);
        tb_db_bind_int64(s, 2, (int64_t)i);
        if (mats[i].upload_id)
            tb_db_bind_int64(s, 3, mats[i].upload_id);
        else
            tb_db_bind_null(s, 3);
        tb_db_bind_int64(s, 4, t->now);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            break;
        json_array_append_new(given, json_integer((json_int_t)i));
    }
    if (rc < 0) {
        json_decref(given);
        return rc;
    }
    *data = json_pack("{s:o}", "materials", given);
    /* RULE: SPEC §8 paper brought to the counter is a trip */
    bool paper = false;
    for (size_t i = 0; i < n; i++)
        paper |= mats[i].given && mats[i].paper;
    if (paper && t->role == CR_WINDOW) {
        t->r.trips++;
        if ((rc = case_trip_add(c, &t->r, &t->it, t->now)) < 0)
            return rc;
    }
    if (correcting) {
        if (values) {
            size_t before = t->probs.n;
            form_validate_values(json_object_get(t->it.doc, "form"), values, &t->probs);
            if (t->probs.n > before)
                return TB_ERR_INVALID;
            char *text = json_dumps(values, JSON_COMPACT);
            t->r.values_json = text ? tb_arena_strdup(&t->req->arena, text) : NULL;
            free(text);
            if (!t->r.values_json)
                return TB_ERR_NOMEM;
        }
        int days;
        if ((rc = end_suspension(t, c, "correction", &days)) < 0)
            return rc;
        /* 行政许可法 §32: the five days run again from the complete application */
        t->r.received_at = t->now;
        t->r.correction_due = NULL;
        return TB_OK;
    }
    return TB_OK;
}

/* After a 容缺 supplement: a case suspended for overdue materials resumes
 * once nothing is missing. */
static int resume_if_supplied(struct tx *t, struct tb_db_conn *c)
{
    bool open;
    int rc = case_has_open_missing(c, t->r.id, &open);
    if (rc < 0 || open || t->r.state != CS_SUSPENDED)
        return rc;
    struct tb_db_stmt *s;
    if ((rc = tb_db_prepare(c,
                            "SELECT 1 FROM case_suspensions WHERE case_id = ?1 AND ended_at IS "
                            "NULL AND kind = 'missing_overdue'",
                            &s)) < 0)
        return rc;
    tb_db_bind_int64(s, 1, t->r.id);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc != TB_DB_ROW)
        return rc < 0 ? rc : TB_OK;
    int days;
    enum case_state from = t->r.state;
    t->r.state = t->r.suspended_from < CS__COUNT ? t->r.suspended_from : CS_ACCEPTED;
    json_t *data = json_pack("{s:s}", "why", "materials_supplied");
    if ((rc = end_suspension(t, c, "missing_overdue", &days)) < 0 ||
        (rc = clock_moved(t, c, data)) < 0) {
        json_decref(data);
        return rc;
    }
    json_object_set_new(data, "suspended_workdays", json_integer(days));
    const struct principal *actor = t->p;
    t->p = NULL;
    rc = event(t, c, CA_RESUME, from, "system", data, "容缺材料已补齐，恢复办理");
    t->p = actor;
    return rc;
}

/* RULE: SPEC §5 a joint-meeting (联席会议, level 4) step records its
 * participants: at least CASE_JOINT_MEETING_MIN names; other steps none. */
static int joint_participants(struct tx *t, int idx, const json_t *parts, bool *joint)
{
    json_t *st = json_array_get(json_object_get(t->it.doc, "steps"), (size_t)idx);
    *joint = json_integer_value(json_object_get(st, "authority_level")) == AUTHORITY_LEVEL_MAX;
    if (*joint) {
        size_t i;
        json_t *v;
        bool ok = json_is_array(parts) && json_array_size(parts) >= CASE_JOINT_MEETING_MIN &&
                  json_array_size(parts) <= 30;
        json_array_foreach(parts, i, v) if (!json_is_string(v) || !json_string_length(v) ||
                                            json_string_length(v) > 100) ok = false;
        if (!ok)
            return PROBLEM(t, TB_ERR_INVALID, "invalid_field", "participants",
                           "联席会议（集体研究）环节须列出至少 3 名参会人员",
                           "A joint-meeting step lists at least 3 participants");
    } else if (parts) {
        return PROBLEM(t, TB_ERR_INVALID, "invalid_field", "participants",
                       "只有联席会议（集体研究）环节记录参会人员",
                       "Only a joint-meeting step records participants");
    }
    return TB_OK;
}

static int act_decide(struct tx *t, struct tb_db_conn *c, bool approve, json_t **data)
{
    const char *opinion = NULL;
    json_t *reasons = json_object_get(t->body, "reasons");
    json_t *parts = json_object_get(t->body, "participants");
    int rc = body_text(t, "opinion", false, CASE_REASON_MAX, &opinion);
    if (rc < 0)
        return rc;
    bool reasons_ok = json_is_string(reasons)
                          ? json_string_length(reasons) > 0 && json_string_length(reasons) <= 2000
                          : json_is_array(reasons) && json_array_size(reasons) > 0 &&
                                json_array_size(reasons) <= 20;
    if (json_is_array(reasons)) {
        size_t i;
        json_t *v;
        json_array_foreach(reasons, i, v) if (!json_is_string(v) || !json_string_length(v) ||
                                              json_string_length(v) > 1000) reasons_ok = false;
    }
    if (!approve && !reasons_ok)
        return PROBLEM(t, TB_ERR_INVALID, "invalid_field", "reasons",
                       "不予许可须写明理由（文字或文字列表）",
                       "A denial needs its reasons (a text or a list of texts)");
    int last = t->r.steps_total - 1;
    bool joint;
    if ((rc = joint_participants(t, last, parts, &joint)) < 0)
        return rc;
    if ((rc = step_done(t, c, last, approve ? "approve" : "deny", opinion, joint ? parts : NULL)) <
        0)
        return rc;
    t->r.steps_done = t->r.steps_total;
    t->r.decided_at = t->now;
    *data = json_pack("{s:s}", "decision", approve ? "approve" : "deny");
    if (!approve) {
        if ((rc = case_flag_add(c, t->r.id, "denial", "不予许可决定（否定报备）", t->now)) < 0)
            return rc;
        json_t *basis = json_array();
        size_t i;
        json_t *b;
        json_array_foreach(json_object_get(t->it.doc, "basis"), i, b)
        {
            const char *law = json_string_value(json_object_get(b, "law"));
            const char *art = json_string_value(json_object_get(b, "article"));
            json_array_append_new(basis, json_sprintf("%s%s", law ? law : "", art ? art : ""));
        }
        t->r.closed_at = 0;
        return case_notice_add(
            c, t->app, &t->r, &t->it, NOTICE_DENIAL,
            json_pack("{s:O,s:o,s:s}", "reasons", reasons, "basis", basis, "decided_on", t->today),
            t->now);
    }
    return TB_OK;
}

/* The licence an approved case results in (docs/licences.md "Lifecycle"):
 * issued and signed in this write, so the decision and the licence stand
 * or fall together. *no is "" when the item's result is no registered
 * licence type. */
static int issue_licence(struct tx *t, struct tb_db_conn *c, char no[LICENCE_NO_MAX])
{
    no[0] = '\0';
    json_t *res = json_object_get(t->it.doc, "result");
    const char *kind = json_string_value(json_object_get(res, "kind"));
    const char *type = json_string_value(json_object_get(res, "licence_type"));
    if (!kind || strcmp(kind, "licence") != 0 || !type || !*type)
        return TB_OK;
    json_t *values = json_loads(t->r.values_json ? t->r.values_json : "{}", 0, NULL);
    struct licence_issue_in in = {
        .case_id = t->r.id,
        .case_no = t->r.case_no,
        .holder_account_id = t->r.applicant_id,
        .org_id = t->r.org_id,
        .type_code = type,
        .values = values,
        .form = json_object_get(t->it.doc, "form"),
        .actor_id = t->p ? t->p->account_id : 0,
        .now = t->now,
        .real_now = tb_time_now_ms(),
    };
    int64_t id = 0;
    const char *why = NULL;
    int rc = licence_issue_for_case(c, t->app, &t->req->arena, &in, &id, no, &why);
    json_decref(values);
    if (rc == TB_ERR_NOT_FOUND) {
        no[0] = '\0';
        return TB_OK; /* not a registered licence type: the result is a document */
    }
    if (rc == TB_ERR_CONFLICT)
        return PROBLEM(t, TB_ERR_CONFLICT, why ? why : "no_active_seal", NULL,
                       "发证机关没有启用中的电子印章（或没有统一社会信用代码），不能签发证照；"
                       "请安全管理员先制作印章",
                       "The issuing organisation has no active electronic seal (or no credit "
                       "code), so the licence cannot be issued; the security administrator makes "
                       "the seal first");
    return rc;
}

/* approved -> result issued, by the platform in the same transaction. */
static int issue_result(struct tx *t, struct tb_db_conn *c)
{
    json_t *res = json_object_get(t->it.doc, "result");
    const char *name = json_string_value(json_object_get(res, "name"));
    char no[LICENCE_NO_MAX];
    int rc = issue_licence(t, c, no);
    if (rc < 0)
        return rc;
    json_t *result = json_pack("{s:s}", "name", name ? name : "准予行政许可决定书");
    if (no[0])
        json_object_set_new(result, "number", json_string(no));
    rc = case_notice_add(c, t->app, &t->r, &t->it, NOTICE_APPROVAL,
                         json_pack("{s:o,s:s}", "result", result, "decided_on", t->today), t->now);
    if (rc < 0)
        return rc;
    enum case_state from = t->r.state;
    t->r.state = CS_RESULT_ISSUED;
    const struct principal *actor = t->p;
    t->p = NULL;
    json_t *data = json_pack("{s:s}", "result", name ? name : "准予行政许可决定书");
    if (no[0])
        json_object_set_new(data, "licence_no", json_string(no));
    rc = event(t, c, CA_ISSUE_RESULT, from, "system", data, NULL);
    t->p = actor;
    return rc;
}

static int act_suspend(struct tx *t, struct tb_db_conn *c, json_t **data)
{
    const char *proc, *reason;
    int rc;
    if ((rc = body_text(t, "procedure", true, 32, &proc)) < 0 ||
        (rc = body_text(t, "reason", true, CASE_REASON_MAX, &reason)) < 0)
        return rc;
    json_t *sp, *found = NULL;
    size_t i;
    json_array_foreach(json_object_get(t->it.doc, "special_procedures"), i, sp)
    {
        if (json_is_string(json_object_get(sp, "kind")) &&
            strcmp(json_string_value(json_object_get(sp, "kind")), proc) == 0)
            found = sp;
    }
    if (!found)
        return PROBLEM(t, TB_ERR_INVALID, "procedure_not_listed", "procedure",
                       "该事项的办事指南没有列出这一特别程序",
                       "The item's guide does not list this special procedure");
    /* RULE: SPEC §5 现场勘查 starts within 2 working days of acceptance */
    if (strcmp(proc, "site_survey") == 0 && t->r.accepted_at) {
        char on[CASE_DATE_LEN + 1];
        int days = 0;
        case_date_of(t->r.accepted_at, on);
        if (case_workdays_between(tb_app_calendar(t->app), on, t->today, &days) == 0 &&
            days > CASE_SITE_SURVEY_START_DAYS)
            return PROBLEM(t, TB_ERR_CONFLICT, "site_survey_late", "procedure",
                           "现场勘查应在受理后 2 个工作日内启动",
                           "A site survey starts within 2 working days of acceptance");
    }
    struct tb_db_stmt *s;
    if ((rc = tb_db_prepare(c,
                            "INSERT INTO case_suspensions(case_id, kind, reason, limit_days, "
                            "started_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                            &s)) < 0)
        return rc;
    tb_db_bind_int64(s, 1, t->r.id);
    tb_db_bind_text(s, 2, proc, -1);
    tb_db_bind_text(s, 3, reason, -1);
    tb_db_bind_int64(s, 4, json_integer_value(json_object_get(found, "limit_days")));
    tb_db_bind_int64(s, 5, t->now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    t->r.suspended_from = t->r.state;
    *data = json_pack("{s:s,s:I}", "procedure", proc, "limit_days",
                      json_integer_value(json_object_get(found, "limit_days")));
    return rc < 0 ? rc : TB_OK;
}

static int act_extend(struct tx *t, struct tb_db_conn *c, json_t **data)
{
    long long days;
    int rc = body_int(t, "days", 1, CASE_EXTEND_MAX_DAYS, 0, &days);
    if (rc < 0)
        return rc;
    if (days == 0)
        return PROBLEM(t, TB_ERR_INVALID, "invalid_field", "days",
                       "请填写延长的工作日数（1 至 10）",
                       "Give the working days to extend by (1 to 10)");
    /* RULE: 行政许可法 §42 an extension of at most ten days */
    if (t->r.extended_days + days > CASE_EXTEND_MAX_DAYS)
        return PROBLEM(t, TB_ERR_CONFLICT, "extension_exhausted", "days",
                       "延长期限合计不得超过 10 个工作日（行政许可法第四十二条）",
                       "Extensions total at most 10 working days (Administrative Licensing "
                       "Law art. 42)");
    json_t *old =
        json_pack("{s:o,s:o}", "promised_due",
                  t->r.promised_due ? json_string(t->r.promised_due) : json_null(), "legal_due",
                  t->r.legal_due ? json_string(t->r.legal_due) : json_null());
    t->r.extended_days += (int)days;
    *data = json_pack("{s:I,s:o}", "days", (json_int_t)days, "before", old);
    return clock_moved(t, c, *data);
}

/* RULE: SPEC §8 the result reaches the applicant the way they chose: a
 * window pickup against the pickup code (a trip), the post once dispatched,
 * or electronically. */
static int act_deliver(struct tx *t, struct tb_db_conn *c, json_t **data)
{
    const char *method;
    int rc = body_text(t, "method", true, 16, &method);
    if (rc < 0)
        return rc;
    if (!case_item_offers(&t->it, method))
        return PROBLEM(t, TB_ERR_INVALID, "delivery_not_offered", "method",
                       "该事项不提供这种送达方式", "The item does not offer this delivery method");
    if (t->r.delivery && strcmp(t->r.delivery, method) != 0)
        return PROBLEM(t, TB_ERR_CONFLICT, "delivery_method_differs", "method",
                       "申请人选择了另一种送达方式", "The applicant chose another delivery method");
    if (strcmp(method, "window") == 0) {
        const char *code = json_string_value(json_object_get(t->body, "pickup_code"));
        if (!case_pickup_code_ok(t->app, t->r.case_no, code))
            return PROBLEM(t, TB_ERR_INVALID, "pickup_code_wrong", "pickup_code", "取件码不正确",
                           "The pickup code is wrong");
        t->r.trips++; /* picking up at the window is a trip */
        if ((rc = case_trip_add(c, &t->r, &t->it, t->now)) < 0)
            return rc;
    }
    t->r.delivery = method;
    t->r.delivery_status = "delivered";
    t->r.delivered_at = t->now;
    *data = json_pack("{s:s,s:i}", "method", method, "trips", t->r.trips);
    return TB_OK;
}

static int act_dispatch(struct tx *t, json_t **data)
{
    const char *carrier, *tracking;
    int rc;
    if ((rc = body_text(t, "carrier", true, 40, &carrier)) < 0 ||
        (rc = body_text(t, "tracking_no", true, 40, &tracking)) < 0)
        return rc;
    for (const char *p = tracking; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
              *p == '-'))
            return PROBLEM(t, TB_ERR_INVALID, "invalid_field", "tracking_no",
                           "运单号只能包含字母、数字和连字符",
                           "A tracking number has letters, digits and hyphens only");
    t->r.post_carrier = carrier;
    t->r.post_tracking = tracking;
    t->r.dispatched_at = t->now;
    t->r.delivery_status = "dispatched";
    *data = json_pack("{s:s,s:s}", "carrier", carrier, "tracking_no", tracking);
    return TB_OK;
}

/* The result (or the denial) is out: ready for delivery; an electronic one
 * is delivered by the platform at once. */
static int result_out(struct tx *t, struct tb_db_conn *c)
{
    int rc = case_delivery_ready(c, t->app, &t->r);
    if (rc < 0 || !t->r.delivery || strcmp(t->r.delivery, "electronic") != 0)
        return rc;
    enum case_state from = t->r.state;
    t->r.state = CS_DELIVERED;
    t->r.delivery_status = "delivered";
    t->r.delivered_at = t->now;
    const struct principal *actor = t->p;
    t->p = NULL;
    rc = event(t, c, CA_DELIVER, from, "system", json_pack("{s:s}", "method", "electronic"),
               "电子送达：结果文书已推送至申请人的办件页面");
    t->p = actor;
    return rc;
}

/* ---- the write ---------------------------------------------------------------------------- */

static int write_transition(struct tb_db_conn *c, void *ctx)
{
    struct tx *t = ctx;
    struct tb_req *req = t->req;
    int rc = case_load(c, tb_req_param(req, "id"), &req->arena, &t->r);
    if (rc == 0)
        rc = case_actor_of(c, t->p, &t->r, &t->ac);
    if (rc < 0)
        return rc;
    if (t->r.etag != t->etag)
        return TB_ERR_PRECONDITION;
    if ((rc = case_item_load(c, t->r.item_id, t->r.item_version, &t->it)) < 0)
        return rc;
    int role = case_role_for(t->action, &t->ac);
    if (role < 0) {
        /* someone who may see the case but not take this action */
        return PROBLEM(t, TB_ERR_FORBIDDEN, "role_not_allowed", NULL, "无权对该办件执行此操作",
                       "You may not take this action on the case");
    }
    t->role = (enum case_role)role;
    const char *decision = NULL;
    if (t->action == CA_DECIDE) {
        decision = json_string_value(json_object_get(t->body, "decision"));
        if (!decision || (strcmp(decision, "approve") != 0 && strcmp(decision, "deny") != 0))
            return PROBLEM(t, TB_ERR_INVALID, "invalid_field", "decision",
                           "decision 应为 approve（准予）或 deny（不予）",
                           "decision must be approve or deny");
    }
    bool approve = decision && strcmp(decision, "approve") == 0;
    struct case_facts f;
    struct case_outcome o;
    if ((rc = case_facts_of(c, &t->r, &t->it, &t->ac, &f)) < 0)
        return rc;
    if ((rc = case_transition(t->action, t->role, &f, approve, &o)) < 0)
        return PROBLEM(t, rc, o.code, NULL, o.zh, o.en);
    t->now = case_now_ms(t->app);
    case_date_of(t->now, t->today);
    enum case_state from = t->r.state;
    json_t *data = NULL;
    const char *reason = NULL;
    switch (t->action) {
    case CA_SUBMIT:
        rc = act_submit(t, c);
        break;
    case CA_PRE_REVIEW:
        if ((rc = body_text(t, "opinion", true, CASE_REASON_MAX, &reason)) == 0)
            data = json_pack("{s:s}", "opinion", reason);
        break;
    case CA_ACCEPT:
        if ((rc = materials_provided(t, c, NULL)) == 0)
            rc = do_accept(t, c, t->today, o.completes_step);
        break;
    case CA_REFUSE:
        if ((rc = body_text(t, "reason", true, CASE_REASON_MAX, &reason)) < 0)
            break;
        t->r.closed_at = t->now;
        /* RULE: SPEC §4 否定报备: every refusal is reported to supervision */
        if ((rc = case_flag_add(c, t->r.id, "refusal", reason, t->now)) == 0)
            rc = case_notice_add(c, t->app, &t->r, &t->it, NOTICE_REFUSAL,
                                 json_pack("{s:s,s:s}", "reason", reason, "basis",
                                           "《中华人民共和国行政许可法》第三十二条"),
                                 t->now);
        if (rc == 0) {
            int days;
            rc = end_suspension(t, c, NULL, &days);
        }
        break;
    case CA_REQUEST_CORRECTION:
        rc = act_correction(t, c, &data);
        break;
    case CA_SUPPLEMENT:
        rc = act_supplement(t, c, &data);
        break;
    case CA_ACCEPT_WITH_MISSING:
        rc = act_accept_with(t, c, true, o.completes_step);
        break;
    case CA_ACCEPT_WITH_COMMITMENT:
        rc = act_accept_with(t, c, false, o.completes_step);
        break;
    case CA_REVIEW: {
        const char *outcome = json_string_value(json_object_get(t->body, "outcome"));
        if (outcome && strcmp(outcome, "pass") != 0) {
            rc = PROBLEM(t, TB_ERR_INVALID, "invalid_field", "outcome",
                         "审查意见为 pass（通过）；不通过请由决定环节作出不予许可决定",
                         "outcome is pass; a refusal is a deny decision");
            break;
        }
        json_t *parts = json_object_get(t->body, "participants");
        bool joint = false;
        if ((rc = body_text(t, "opinion", true, CASE_REASON_MAX, &reason)) == 0 &&
            (rc = joint_participants(t, t->r.steps_done, parts, &joint)) == 0 &&
            (rc = step_done(t, c, t->r.steps_done, "pass", reason, joint ? parts : NULL)) == 0) {
            data = json_pack("{s:i}", "step", t->r.steps_done);
            t->r.steps_done++;
        }
        reason = NULL;
        break;
    }
    case CA_DECIDE:
        rc = act_decide(t, c, approve, &data);
        break;
    case CA_SUSPEND:
        rc = act_suspend(t, c, &data);
        break;
    case CA_RESUME: {
        int days;
        t->r.state = o.to; /* running again: today's level */
        if ((rc = end_suspension(t, c, NULL, &days)) == 0) {
            data = json_pack("{s:i}", "suspended_workdays", days);
            rc = clock_moved(t, c, data);
        }
        break;
    }
    case CA_EXTEND:
        if ((rc = body_text(t, "reason", true, CASE_REASON_MAX, &reason)) == 0)
            rc = act_extend(t, c, &data);
        break;
    case CA_DELIVER:
        rc = act_deliver(t, c, &data);
        break;
    case CA_DISPATCH:
        rc = act_dispatch(t, &data);
        break;
    case CA_WITHDRAW:
    case CA_TERMINATE:
        rc = body_text(t, "reason", t->action == CA_TERMINATE, CASE_REASON_MAX, &reason);
        if (rc == 0) {
            int days;
            t->r.closed_at = t->now;
            rc = end_suspension(t, c, NULL, &days);
        }
        break;
    default:
        rc = TB_ERR_INTERNAL;
    }
    if (rc < 0) {
        json_decref(data);
        return rc;
    }
    t->r.state = o.to;
    if ((rc = event(t, c, t->action, from, case_role_name(t->role), data, reason)) < 0)
        return rc;
    /* the platform's own moves in the same transaction */
    if (t->r.state == CS_APPROVED && (rc = issue_result(t, c)) < 0)
        return rc;
    if (t->action == CA_DECIDE && (t->r.state == CS_RESULT_ISSUED || t->r.state == CS_DENIED) &&
        (rc = result_out(t, c)) < 0)
        return rc;
    if (t->action == CA_SUPPLEMENT && (rc = resume_if_supplied(t, c)) < 0)
        return rc;
    if (t->r.state == CS_DELIVERED) {
        t->r.closed_at = t->now;
        t->r.state = CS_CLOSED;
        const struct principal *actor = t->p;
        t->p = NULL;
        rc = event(t, c, CA_CLOSE, CS_DELIVERED, "system", NULL, NULL);
        t->p = actor;
        if (rc < 0)
            return rc;
    }
    return case_save(c, &t->r, t->now);
}

int cases_api_transition(struct tb_req *req)
{
    struct tx *t = tb_arena_calloc(&req->arena, sizeof(*t));
    if (!t)
        return TB_ERR_NOMEM;
    t->req = req;
    t->app = req->app;
    t->p = req->user;
    t->body = req->json;
    t->probs = (struct item_problems){t->found, 32, 0};
    int rc = case_if_match(req, &t->etag);
    if (rc < 0)
        return rc;
    const char *action = json_string_value(json_object_get(t->body, "action"));
    if (!action || case_action_parse(action, &t->action) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "action", "没有这个办件操作",
                               "Unknown case action");
    rc = tb_db_write(t->app->db, write_transition, t);
    case_item_free(&t->it);
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, rc, NULL, "没有这个办件", "No such case");
    if (rc == TB_ERR_PRECONDITION)
        return tb_resp_problem(req, rc, "If-Match", "办件已被他人更新，请刷新后重试",
                               "The case has changed; reload it and try again");
    if (rc < 0 && t->probs.n && (rc == TB_ERR_INVALID || t->pb.err == rc)) {
        json_t *list = item_problems_json(&t->probs);
        if (!t->pb.err)
            case_problem_set(&t->pb, TB_ERR_INVALID, "invalid_application", t->probs.out[0].path,
                             "申请内容不完整，请逐项修改", "The application is incomplete");
        t->pb.errors = list;
        return case_problem_answer(req, &t->pb);
    }
    if (rc < 0 && t->pb.err == rc)
        return case_problem_answer(req, &t->pb);
    if (rc < 0)
        return rc;
    return case_respond(req, tb_req_param(req, "id"), 200);
}

/* ---- the platform's sweep ------------------------------------------------------------------- */

struct sweep {
    struct tb_app *app;
    struct tb_req req; /* an arena for the helpers; no HTTP */
    const char *today;
    int64_t now;
    int64_t cutoff; /* received before this can be due: today - 5 days, 00:00 Shanghai */
    int moved;
    bool more;
};

/* Loads case id into a system tx. */
static int sweep_case(struct sweep *sw, struct tb_db_conn *c, int64_t id, struct tx *t)
{
    memset(t, 0, sizeof(*t));
    t->req = &sw->req;
    t->app = sw->app;
    t->probs = (struct item_problems){t->found, 32, 0};
    t->role = CR_SYSTEM;
    t->now = sw->now;
    snprintf(t->today, sizeof(t->today), "%s", sw->today);
    int rc = case_load_by_id(c, id, &sw->req.arena, &t->r);
    if (rc == 0)
        rc = case_item_load(c, t->r.item_id, t->r.item_version, &t->it);
    return rc;
}

/* RULE: 行政许可法 §32 an application not answered within five (working)
 * days counts as accepted from the day it was received. */
static int auto_accept(struct sweep *sw, struct tb_db_conn *c, int64_t id)
{
    struct tx t;
    int rc = sweep_case(sw, c, id, &t);
    char on[CASE_DATE_LEN + 1], due[CASE_DATE_LEN + 1];
    if (rc < 0 || t.r.state != CS_SUBMITTED || !t.r.received_at)
        goto out;
    case_date_of(t.r.received_at, on);
    if (case_add_workdays(tb_app_calendar(sw->app), on, CASE_AUTO_ACCEPT_DAYS, due) < 0 ||
        strcmp(sw->today, due) <= 0)
        goto out;
    struct case_facts f = {.state = t.r.state, .steps_total = t.r.steps_total};
    struct case_outcome o;
    if ((rc = case_transition(CA_AUTO_ACCEPT, CR_SYSTEM, &f, false, &o)) < 0)
        goto out;
    t.r.accepted_at = t.r.received_at; /* accepted from receipt */
    if ((rc = do_accept(&t, c, on, o.completes_step)) < 0)
        goto out;
    t.r.state = o.to;
    if ((rc = event(&t, c, CA_AUTO_ACCEPT, CS_SUBMITTED, "system",
                    json_pack("{s:s,s:s}", "received_on", on, "answer_due", due),
                    "五日内未作出受理决定，自收到申请之日起即为受理（行政许可法第三十二条）")) <
            0 ||
        (rc = case_save(c, &t.r, t.now)) < 0)
        goto out;
    sw->moved++;
out:
    case_item_free(&t.it);
    return rc;
}

/* RULE: SPEC §4 容缺: materials not supplied by the promised date suspend
 * the case and record a broken commitment. */
static int missing_overdue(struct sweep *sw, struct tb_db_conn *c, int64_t id)
{
    struct tx t;
    int rc = sweep_case(sw, c, id, &t);
    if (rc < 0 || (t.r.state != CS_ACCEPTED && t.r.state != CS_IN_REVIEW))
        goto out;
    struct case_facts f = {.state = t.r.state, .steps_total = t.r.steps_total};
    struct case_outcome o;
    if ((rc = case_transition(CA_SUSPEND, CR_SYSTEM, &f, false, &o)) < 0)
        goto out;
    struct tb_db_stmt *s;
    if ((rc = tb_db_prepare(c,
                            "INSERT INTO case_suspensions(case_id, kind, reason, started_at) "
                            "VALUES (?1, 'missing_overdue', '容缺材料逾期未补交', ?2)",
                            &s)) < 0)
        goto out;
    tb_db_bind_int64(s, 1, t.r.id);
    tb_db_bind_int64(s, 2, t.now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0 ||
        (rc = case_flag_add(c, t.r.id, "broken_commitment", "容缺受理承诺逾期未履行", t.now)) < 0)
        goto out;
    t.r.suspended_from = t.r.state;
    t.r.state = o.to;
    if ((rc = event(&t, c, CA_SUSPEND, t.r.suspended_from, "system",
                    json_pack("{s:s}", "procedure", "missing_overdue"),
                    "容缺材料逾期未补交，办件中止，记录失信承诺")) < 0 ||
        (rc = case_save(c, &t.r, t.now)) < 0)
        goto out;
    sw->moved++;
out:
    case_item_free(&t.it);
    return rc;
}

#define SWEEP_BATCH 100

/* The ids of one query (?1 a time, ?2 a date, ?3 the batch size). */
static int sweep_ids(struct sweep *sw, struct tb_db_conn *c, const char *sql, int64_t *ids, int *n)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, sql, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, sw->cutoff);
    tb_db_bind_text(s, 2, sw->today, -1);
    tb_db_bind_int64(s, 3, SWEEP_BATCH);
    *n = 0;
    while (*n < SWEEP_BATCH && (rc = tb_db_step(s)) == TB_DB_ROW)
        ids[(*n)++] = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

static int sweep_write(struct tb_db_conn *c, void *ctx)
{
    struct sweep *sw = ctx;
    int64_t ids[SWEEP_BATCH];
    int n, rc, before = sw->moved;
    /* oldest first: when the first batch is not due, no later one is */
    if ((rc = sweep_ids(sw, c,
                        "SELECT id FROM cases WHERE state = 'submitted' AND received_at < ?1 "
                        "AND ?2 IS NOT NULL ORDER BY received_at LIMIT ?3",
                        ids, &n)) < 0)
        return rc;
    for (int i = 0; i < n; i++)
        if ((rc = auto_accept(sw, c, ids[i])) < 0)
            return rc;
    bool full = n == SWEEP_BATCH;
    if ((rc = sweep_ids(sw, c,
                        "SELECT DISTINCT k.id FROM cases k JOIN case_materials m ON m.case_id = "
                        "k.id WHERE ?1 IS NOT NULL AND k.state IN ('accepted', 'in_review') AND "
                        "m.provision = 'missing' AND m.supplied_at IS NULL AND "
                        "m.supplement_due < ?2 LIMIT ?3",
                        ids, &n)) < 0)
        return rc;
    for (int i = 0; i < n; i++)
        if ((rc = missing_overdue(sw, c, ids[i])) < 0)
            return rc;
    sw->more = (full || n == SWEEP_BATCH) && sw->moved > before;
    return TB_OK;
}

int cases_sweep(struct tb_app *app, const char *today, int *moved)
{
    struct sweep sw = {.app = app, .today = today, .now = tb_time_now_ms()};
    struct tb_date d;
    if (!today || tb_date_parse(today, strlen(today), &d) < 0)
        return TB_ERR_INVALID;
    /* five working days end at least five calendar days after receipt */
    sw.cutoff = ((int64_t)tb_date_to_days(d) - CASE_AUTO_ACCEPT_DAYS) * 86400000 - 8LL * 3600000;
    tb_arena_init(&sw.req.arena, 16384);
    sw.req.app = app;
    int rc = 0;
    do {
        sw.more = false;
        rc = tb_db_write(app->db, sweep_write, &sw);
    } while (rc == 0 && sw.more);
    tb_arena_free(&sw.req.arena);
    *moved = sw.moved;
    return rc;
}
