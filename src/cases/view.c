/*
 * view.c - a case as the API answers it (docs/cases.md "The case"): the
 * row, its item, materials, steps, suspensions, notices, flags (staff only)
 * and the actions the caller may take now.
 */
#include "cases/internal.h"
#include "cases/deadline.h"
#include "accounts/accounts.h"
#include "accounts/api.h"
#include "app/app.h"
#include "catalog/catalog.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/timeutil.h"

#include <stdio.h>
#include <string.h>

static json_t *time_or_null(int64_t ms)
{
    if (ms <= 0)
        return json_null();
    char at[32];
    tb_time_format_iso(ms, at, sizeof(at));
    return json_string(at);
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Sets key to v (stolen) in o; false when memory runs out. */
static bool put(json_t *o, const char *key, json_t *v)
{
    return v && json_object_set_new(o, key, v) == 0;
}

static int add_materials(struct tb_db_conn *c, const struct case_row *r, const struct case_item *it,
                         json_t *out)
{
    json_t *defs = json_object_get(it->doc, "materials");
    json_t *list = json_array();
    if (!list || json_object_set_new(out, "materials", list) != 0)
        return TB_ERR_NOMEM;
    struct tb_db_stmt *s;
    int rc =
        tb_db_prepare(c,
                      "SELECT m.idx, m.provision, u.public_id, u.name, u.content_type, u.size, "
                      "m.supplement_due, m.supplied_at, l.no, l.status FROM case_materials m "
                      "LEFT JOIN uploads u ON u.id = m.upload_id LEFT JOIN licences l ON l.id = "
                      "m.licence_id WHERE m.case_id = ?1 ORDER BY m.idx",
                      &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, r->id);
    size_t i;
    json_t *d;
    /* every material of the item version, with the case's row where there is one */
    rc = tb_db_step(s);
    json_array_foreach(defs, i, d)
    {
        json_t *m = json_pack(
            "{s:I,s:O,s:O,s:O,s:O,s:O}", "index", (json_int_t)i, "name", json_object_get(d, "name"),
            "is_required", json_object_get(d, "is_required"), "source",
            json_object_get(d, "source"), "allows_missing", json_object_get(d, "allows_missing"),
            "allows_commitment", json_object_get(d, "allows_commitment"));
        if (!m || json_array_append_new(list, m) != 0) {
            rc = TB_ERR_NOMEM;
            break;
        }
        bool have = rc == TB_DB_ROW && tb_db_column_int64(s, 0) == (int64_t)i;
        json_t *upload = json_null();
        if (have && !tb_db_column_is_null(s, 2)) {
            const char *name = tb_db_column_text(s, 3);
            upload =
                json_pack("{s:s,s:o,s:s,s:I}", "id", tb_db_column_text(s, 2), "name",
                          name ? json_string(name) : json_null(), "content_type",
                          tb_db_column_text(s, 4), "size", (json_int_t)tb_db_column_int64(s, 5));
        }
        const char *prov = have ? tb_db_column_text(s, 1) : NULL;
        bool paper = have && prov && strcmp(prov, "submitted") == 0 && tb_db_column_is_null(s, 2);
        if (!put(m, "provision", text_or_null(prov)) || !put(m, "upload", upload) ||
            !put(m, "paper", json_boolean(paper)) ||
            !put(m, "supplement_due", text_or_null(have ? tb_db_column_text(s, 6) : NULL)) ||
            !put(m, "supplied_at", time_or_null(have ? tb_db_column_int64(s, 7) : 0)) ||
            !put(m, "licence",
                 have && !tb_db_column_is_null(s, 8)
                     ? json_pack("{s:s,s:s}", "no", tb_db_column_text(s, 8), "status",
                                 tb_db_column_text(s, 9))
                     : json_null())) {
            rc = TB_ERR_NOMEM;
            break;
        }
        if (have)
            rc = tb_db_step(s);
    }
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

static int add_steps(struct tb_req *req, struct tb_db_conn *c, const struct case_row *r,
                     json_t *out)
{
    json_t *list = json_array();
    if (!list || json_object_set_new(out, "steps", list) != 0)
        return TB_ERR_NOMEM;
    char today[CASE_DATE_LEN + 1];
    case_date_of(case_now_ms((struct tb_app *)req->app), today);
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(
        c,
        "SELECT st.idx, st.name, st.authority_level, st.limit_days, st.due, "
        "a.name, st.done_at, st.outcome, st.opinion, st.participants, st.warning_level "
        "FROM case_steps st LEFT JOIN accounts a ON a.id = st.done_by "
        "WHERE st.case_id = ?1 ORDER BY st.idx",
        &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, r->id);
    json_t *next = json_null();
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        const char *parts = tb_db_column_text(s, 9);
        json_t *pj = parts ? json_loads(parts, 0, NULL) : NULL;
        json_t *st = json_pack(
            "{s:I,s:s,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o}", "index",
            (json_int_t)tb_db_column_int64(s, 0), "name", tb_db_column_text(s, 1),
            "authority_level", (json_int_t)tb_db_column_int64(s, 2), "limit_days",
            (json_int_t)tb_db_column_int64(s, 3), "due", text_or_null(tb_db_column_text(s, 4)),
            "done_by", text_or_null(tb_db_column_text(s, 5)), "done_at",
            time_or_null(tb_db_column_int64(s, 6)), "outcome",
            text_or_null(tb_db_column_text(s, 7)), "opinion", text_or_null(tb_db_column_text(s, 8)),
            "participants", pj ? pj : json_null());
        /* the current step's clock, while the case's runs */
        bool current = tb_db_column_int64(s, 0) == r->steps_done &&
                       (r->state == CS_ACCEPTED || r->state == CS_IN_REVIEW);
        int left = 0;
        const char *due = tb_db_column_text(s, 4);
        if (st) {
            json_object_set_new(
                st, "warning",
                json_string(case_warning_name((enum case_warning)tb_db_column_int64(s, 10))));
            json_object_set_new(
                st, "remaining_workdays",
                current && due && tb_db_column_is_null(s, 6) &&
                        case_days_left(tb_app_calendar(req->app), today, due, &left) == 0
                    ? json_integer(left)
                    : json_null());
        }
        if (!st || json_array_append_new(list, st) != 0) {
            rc = TB_ERR_NOMEM;
            break;
        }
        if (tb_db_column_int64(s, 0) == r->steps_done && json_is_null(next) &&
            (r->state == CS_ACCEPTED || r->state == CS_IN_REVIEW || r->state == CS_SUSPENDED))
            next = json_pack("{s:I,s:s,s:I}", "index", (json_int_t)tb_db_column_int64(s, 0), "name",
                             tb_db_column_text(s, 1), "authority_level",
                             (json_int_t)tb_db_column_int64(s, 2));
    }
    tb_db_stmt_done(s);
    if (!put(out, "next_step", next ? next : json_null()))
        return TB_ERR_NOMEM;
    return rc < 0 ? rc : TB_OK;
}

/* The case's clock: both deadlines, the originals, limits and today's
 * standing; the extension history from its events. */
static int add_deadlines(struct tb_req *req, struct tb_db_conn *c, const struct case_row *r,
                         json_t *out)
{
    json_t *ext = json_array();
    if (!ext || json_object_set_new(out, "extensions", ext) != 0)
        return TB_ERR_NOMEM;
    if (!r->accepted_at)
        return json_object_set_new(out, "deadlines", json_null()) == 0 ? TB_OK : TB_ERR_NOMEM;
    char today[CASE_DATE_LEN + 1];
    case_date_of(case_now_ms((struct tb_app *)req->app), today);
    bool running = r->state == CS_ACCEPTED || r->state == CS_IN_REVIEW;
    int left = 0;
    bool have_left = running && r->promised_due &&
                     case_days_left(tb_app_calendar(req->app), today, r->promised_due, &left) == 0;
    enum case_warning w = (enum case_warning)r->warning_level;
    json_t *d = json_pack(
        "{s:s,s:i,s:i,s:i,s:i,s:o,s:o,s:o,s:o,s:b,s:o,s:s,s:s}", "starts",
        r->same_day ? "same_day" : "next_day", "promised_days", r->promised_days, "legal_days",
        r->legal_days, "extended_days", r->extended_days, "suspended_workdays", r->suspended_days,
        "promised_due", text_or_null(r->promised_due), "legal_due", text_or_null(r->legal_due),
        "promised_due_original", text_or_null(r->promised_due_original), "legal_due_original",
        text_or_null(r->legal_due_original), "running", running, "remaining_workdays",
        have_left ? json_integer(left) : json_null(), "warning", case_warning_name(w), "warning_zh",
        case_warning_zh(w));
    if (!d || json_object_set_new(out, "deadlines", d) != 0)
        return TB_ERR_NOMEM;
    json_object_set_new(d, "yellow_on", text_or_null(r->yellow_on));
    json_object_set_new(d, "severe_on", text_or_null(r->severe_on));
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT e.data, e.reason, e.at, a.name FROM case_events e LEFT JOIN "
                           "accounts a ON a.id = e.actor_id WHERE e.case_id = ?1 AND "
                           "e.action = 'extend' ORDER BY e.id",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, r->id);
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        json_t *data = json_loads(tb_db_column_text(s, 0), 0, NULL);
        json_t *before = json_object_get(data, "before");
        json_t *x = json_pack(
            "{s:O?,s:o,s:o,s:o,s:O?,s:O?,s:O?,s:O?}", "days", json_object_get(data, "days"),
            "reason", text_or_null(tb_db_column_text(s, 1)), "at",
            time_or_null(tb_db_column_int64(s, 2)), "by", text_or_null(tb_db_column_text(s, 3)),
            "promised_due_before", json_object_get(before, "promised_due"), "legal_due_before",
            json_object_get(before, "legal_due"), "promised_due",
            json_object_get(data, "promised_due"), "legal_due", json_object_get(data, "legal_due"));
        json_decref(data);
        if (!x || json_array_append_new(ext, x) != 0) {
            rc = TB_ERR_NOMEM;
            break;
        }
    }
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

static const char *suspension_zh(const char *kind)
{
    if (strcmp(kind, "correction") == 0)
        return "补正材料";
    if (strcmp(kind, "missing_overdue") == 0)
        return "容缺材料逾期未补";
    const struct catalog_code *cc = catalog_code_by_code(CODES_SPECIAL_PROCEDURE, kind);
    return cc ? cc->name_zh : kind;
}

/* Rows of sql (case id as ?1) as objects built by each. */
static int add_rows(struct tb_db_conn *c, const char *sql, int64_t case_id, json_t *list,
                    json_t *(*each)(struct tb_db_stmt *s))
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, sql, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, case_id);
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        json_t *o = each(s);
        if (!o || json_array_append_new(list, o) != 0) {
            rc = TB_ERR_NOMEM;
            break;
        }
    }
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

static json_t *suspension_row(struct tb_db_stmt *s)
{
    const char *kind = tb_db_column_text(s, 0);
    return json_pack(
        "{s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "kind", kind, "kind_zh", suspension_zh(kind), "reason",
        tb_db_column_text(s, 1), "limit_days",
        tb_db_column_is_null(s, 2) ? json_null() : json_integer(tb_db_column_int64(s, 2)),
        "started_at", time_or_null(tb_db_column_int64(s, 3)), "ended_at",
        time_or_null(tb_db_column_int64(s, 4)), "workdays",
        tb_db_column_is_null(s, 5) ? json_null() : json_integer(tb_db_column_int64(s, 5)));
}

static json_t *notice_row(struct tb_db_stmt *s)
{
    int kind = case_notice_kind_parse(tb_db_column_text(s, 1));
    return json_pack("{s:s,s:s,s:s,s:s,s:o}", "id", tb_db_column_text(s, 0), "kind",
                     tb_db_column_text(s, 1), "kind_zh", case_notice_kind_zh(kind), "number",
                     tb_db_column_text(s, 2), "issued_at", time_or_null(tb_db_column_int64(s, 3)));
}

static json_t *flag_row(struct tb_db_stmt *s)
{
    return json_pack("{s:s,s:o,s:o}", "kind", tb_db_column_text(s, 0), "at",
                     time_or_null(tb_db_column_int64(s, 1)), "reason",
                     text_or_null(tb_db_column_text(s, 2)));
}

static int add_correction(struct tb_db_conn *c, const struct case_row *r, json_t *o)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT data FROM case_notices WHERE case_id = ?1 AND kind = "
                           "'correction' ORDER BY id DESC LIMIT 1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, r->id);
    rc = tb_db_step(s);
    json_t *data = rc == TB_DB_ROW ? json_loads(tb_db_column_text(s, 0), 0, NULL) : NULL;
    tb_db_stmt_done(s);
    if (rc < 0) {
        json_decref(data);
        return rc;
    }
    json_t *faults = json_object_get(data, "faults");
    bool ok = put(o, "correction",
                  json_pack("{s:o,s:o}", "due", text_or_null(r->correction_due), "faults",
                            faults ? json_incref(faults) : json_array()));
    json_decref(data);
    return ok ? TB_OK : TB_ERR_NOMEM;
}

/* The user actions the actor may take now (the table and the guards). */
static json_t *actions_of(struct tb_db_conn *c, const struct case_row *r,
                          const struct case_item *it, const struct case_actor *ac)
{
    json_t *list = json_array();
    struct case_facts f;
    if (!list || case_facts_of(c, r, it, ac, &f) < 0) {
        json_decref(list);
        return NULL;
    }
    /* the special acceptances only where some material allows them */
    bool may_miss = false, may_commit = false;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(it->doc, "materials"), i, d)
    {
        may_miss |= json_is_true(json_object_get(d, "allows_missing"));
        may_commit |= json_is_true(json_object_get(d, "allows_commitment"));
    }
    may_commit &= !it->high_risk;
    for (int a = 0; a < CA_ISSUE_RESULT; a++) {
        int role = case_role_for((enum case_action)a, ac);
        if (role < 0 || (a == CA_ACCEPT_WITH_MISSING && !may_miss) ||
            (a == CA_ACCEPT_WITH_COMMITMENT && !may_commit))
            continue;
        struct case_outcome o;
        bool ok = case_transition((enum case_action)a, (enum case_role)role, &f, true, &o) == 0;
        if (!ok && a == CA_DECIDE)
            ok = case_transition(CA_DECIDE, (enum case_role)role, &f, false, &o) == 0;
        if (ok && json_array_append_new(list, json_string(case_action_name(a))) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static const char *role_word(const struct case_actor *ac)
{
    if (!ac)
        return "system";
    if (ac->roles & (1u << CR_APPLICANT))
        return "applicant";
    if (ac->roles & (1u << CR_HANDLER))
        return "handler";
    if (ac->roles & (1u << CR_WINDOW))
        return "window";
    return "supervisor";
}

static int add_header(struct tb_req *req, struct tb_db_conn *c, const struct case_row *r,
                      const struct case_item *it, const struct case_actor *ac, json_t *o)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT o.code, o.name, w.code, w.name, a.name FROM orgs o "
                           "LEFT JOIN windows w ON w.id = ?2 LEFT JOIN accounts a ON a.id = ?3 "
                           "WHERE o.id = ?1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, r->org_id);
    tb_db_bind_int64(s, 2, r->accepted_window_id);
    tb_db_bind_int64(s, 3, r->accepted_by);
    rc = tb_db_step(s);
    bool ok =
        rc == TB_DB_ROW &&
        put(o, "org",
            json_pack("{s:s,s:s}", "code", tb_db_column_text(s, 0), "name",
                      tb_db_column_text(s, 1))) &&
        put(o, "accepted_window",
            tb_db_column_is_null(s, 2) ? json_null()
                                       : json_pack("{s:s,s:s}", "code", tb_db_column_text(s, 2),
                                                   "name", tb_db_column_text(s, 3))) &&
        put(o, "accepted_by", text_or_null(tb_db_column_text(s, 4)));
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (!ok)
        return rc == TB_DB_ROW ? TB_ERR_NOMEM : TB_ERR_INTERNAL;
    struct applicant_info ai;
    if ((rc = accounts_applicant_get(req, c, r->applicant_id, false, &ai)) < 0)
        return rc;
    json_t *specials = json_array();
    size_t i;
    json_t *sp;
    json_array_foreach(json_object_get(it->doc, "special_procedures"), i, sp)
    {
        const char *k = json_string_value(json_object_get(sp, "kind"));
        const struct catalog_code *cc = k ? catalog_code_by_code(CODES_SPECIAL_PROCEDURE, k) : NULL;
        json_array_append_new(specials, json_pack("{s:s,s:s,s:O}", "kind", k ? k : "", "name_zh",
                                                  cc ? cc->name_zh : "", "limit_days",
                                                  json_object_get(sp, "limit_days")));
    }
    json_t *values = json_loads(r->values_json, 0, NULL);
    ok = put(o, "item",
             json_pack("{s:s,s:s,s:i,s:O,s:b,s:O,s:o}", "code", it->code, "name", it->name,
                       "version", it->version, "kind", json_object_get(it->doc, "kind"), "instant",
                       it->instant, "item_class", json_object_get(it->doc, "item_class"),
                       "special_procedures", specials)) &&
         put(o, "applicant",
             json_pack("{s:s,s:s,s:o}", "name", ai.name, "kind", ai.kind, "id_number",
                       text_or_null(ai.id_number_masked))) &&
         put(o, "values", values ? values : json_object());
    (void)ac;
    return ok ? TB_OK : TB_ERR_NOMEM;
}

int case_view(struct tb_req *req, struct tb_db_conn *c, const struct case_row *r,
              const struct case_item *it, const struct case_actor *ac, json_t **out)
{
    json_t *o = json_pack(
        "{s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:I,s:s}", "id",
        r->public_id, "case_no", r->case_no, "state", case_state_name(r->state), "state_zh",
        case_state_zh(r->state), "etag", (json_int_t)r->etag, "role", role_word(ac), "channel",
        r->channel, "submitted_at", time_or_null(r->submitted_at), "accepted_at",
        time_or_null(r->accepted_at), "decided_at", time_or_null(r->decided_at), "closed_at",
        time_or_null(r->closed_at), "created_at", time_or_null(r->created_at), "updated_at",
        time_or_null(r->updated_at), "promised_due", text_or_null(r->promised_due), "legal_due",
        text_or_null(r->legal_due), "correction_due", text_or_null(r->correction_due),
        "extended_days", (json_int_t)r->extended_days, "corrections", (json_int_t)r->corrections,
        "warning", case_warning_name((enum case_warning)r->warning_level));
    if (!o)
        return TB_ERR_NOMEM;
    json_t *susp = json_array(), *notices = json_array();
    int rc = TB_OK;
    if (!put(o, "suspensions", susp) || !put(o, "notices", notices))
        rc = TB_ERR_NOMEM;
    if (rc == 0)
        rc = add_header(req, c, r, it, ac, o);
    if (rc == 0)
        rc = add_materials(c, r, it, o);
    if (rc == 0)
        rc = add_steps(req, c, r, o);
    if (rc == 0)
        rc = add_deadlines(req, c, r, o);
    if (rc == 0)
        rc = case_delivery_view(req, c, r, it, ac, o);
    if (rc == 0)
        rc = add_rows(c,
                      "SELECT kind, reason, limit_days, started_at, ended_at, workdays FROM "
                      "case_suspensions WHERE case_id = ?1 ORDER BY id",
                      r->id, susp, suspension_row);
    if (rc == 0)
        rc = add_rows(c,
                      "SELECT public_id, kind, number, issued_at FROM case_notices "
                      "WHERE case_id = ?1 ORDER BY id",
                      r->id, notices, notice_row);
    /* Supervision flags are for staff, never for the applicant. */
    if (rc == 0 && ac && !(ac->roles & (1u << CR_APPLICANT))) {
        json_t *flags = json_array();
        rc = put(o, "flags", flags) ? add_rows(c,
                                               "SELECT kind, at, reason FROM case_flags "
                                               "WHERE case_id = ?1 ORDER BY id",
                                               r->id, flags, flag_row)
                                    : TB_ERR_NOMEM;
    }
    /* An open correction: what to fix, from its notice. */
    if (rc == 0 && r->state == CS_AWAITING_CORRECTION)
        rc = add_correction(c, r, o);
    /* The query code is the applicant's to see again (it is made from the
     * number with the installation's key, never stored). */
    if (rc == 0 && ac && (ac->roles & (1u << CR_APPLICANT))) {
        char code[QUERY_CODE_LEN + 1];
        rc = case_query_code(req->app, r->case_no, code);
        if (rc == 0 && !put(o, "query_code", json_string(code)))
            rc = TB_ERR_NOMEM;
    }
    if (rc == 0 && ac) {
        json_t *actions = actions_of(c, r, it, ac);
        rc = put(o, "actions", actions) ? TB_OK : TB_ERR_NOMEM;
    }
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return TB_OK;
}

int case_respond(struct tb_req *req, const char *public_id, int status)
{
    struct tb_app *app = req->app;
    struct tb_db_conn *c;
    struct case_row r = {0};
    struct case_actor ac = {0};
    struct case_item it = {0};
    json_t *o = NULL;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc == 0)
        rc = case_load(c, public_id, &req->arena, &r);
    if (rc == 0)
        rc = case_actor_of(c, req->user, &r, &ac);
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, rc, NULL, "没有这个办件", "No such case");
    if (rc == 0)
        rc = case_item_load(c, r.item_id, r.item_version, &it);
    if (rc == 0)
        rc = case_view(req, c, &r, &it, &ac, &o);
    case_item_free(&it);
    if (rc < 0)
        return rc;
    char etag[32];
    snprintf(etag, sizeof(etag), "\"%lld\"", (long long)r.etag);
    if ((rc = tb_resp_header(req, "ETag", etag)) < 0) {
        json_decref(o);
        return rc;
    }
    return tb_resp_json(req, status, o);
}
