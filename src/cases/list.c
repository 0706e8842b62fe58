/*
 * list.c - GET /api/v1/cases: the case lists and work queues of every kind
 * of caller (docs/cases.md "Lists"). Each caller gets one scope clause, and
 * the count runs apart from the page.
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
#include "uploads/uploads.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- GET /api/v1/cases ------------------------------------------------------------------- */

static const char *const queue_states[] = {
    "",
    "AND k.state IN ('submitted', 'awaiting_correction') ",
    "AND k.state IN ('result_issued', 'denied') ",
    "AND k.state IN ('accepted', 'in_review', 'suspended') ",
};

/* The organisations a staff member's windows serve: the root (city) of the
 * first comprehensive or themed window's hall and the first department
 * window's department. */
static int window_scope(struct tb_db_conn *c, int64_t account, int64_t *root, int64_t *dept)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "WITH RECURSIVE up(id, parent_id, depth) AS ("
                           "SELECT o.id, o.parent_id, 0 FROM window_staff ws "
                           "JOIN windows w ON w.id = ws.window_id JOIN halls h ON h.id = w.hall_id "
                           "JOIN orgs o ON o.id = h.org_id WHERE ws.account_id = ?1 AND "
                           "w.kind <> 'department' UNION ALL SELECT o.id, o.parent_id, "
                           "up.depth + 1 FROM orgs o JOIN up ON o.id = up.parent_id "
                           "WHERE up.depth < 16) SELECT id FROM up WHERE parent_id IS NULL "
                           "LIMIT 1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, account);
    rc = tb_db_step(s);
    *root = rc == TB_DB_ROW ? tb_db_column_int64(s, 0) : 0;
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if ((rc = tb_db_prepare(c,
                            "SELECT w.dept_id FROM window_staff ws JOIN windows w ON "
                            "w.id = ws.window_id WHERE ws.account_id = ?1 AND "
                            "w.kind = 'department' LIMIT 1",
                            &s)) < 0)
        return rc;
    tb_db_bind_int64(s, 1, account);
    rc = tb_db_step(s);
    *dept = rc == TB_DB_ROW ? tb_db_column_int64(s, 0) : 0;
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

/* Who sees which cases, and the filters: the list query's parameters. */
struct list_scope {
    int64_t me, root;
    bool all;
    int64_t handler_org, dept;
    const char *state, *q;
    int warning; /* -1: any */
};

static void list_bind(struct tb_db_stmt *s, const struct list_scope *sc, long limit, long offset)
{
    tb_db_bind_int64(s, 1, sc->me);
    tb_db_bind_int64(s, 2, sc->root);
    tb_db_bind_int64(s, 3, sc->all ? 1 : 0);
    tb_db_bind_int64(s, 4, sc->handler_org ? sc->handler_org : -1);
    tb_db_bind_int64(s, 5, sc->dept ? sc->dept : -1);
    tb_db_bind_text(s, 6, sc->state, -1);
    if (sc->warning >= 0)
        tb_db_bind_int64(s, 7, sc->warning);
    else
        tb_db_bind_null(s, 7);
    tb_db_bind_text(s, 8, sc->q, -1);
    if (limit >= 0) { /* the count has no page */
        tb_db_bind_int64(s, 9, limit);
        tb_db_bind_int64(s, 10, offset);
    }
}

int cases_api_list(struct tb_req *req)
{
    struct tb_app *app = req->app;
    const struct principal *p = req->user;
    const char *state = tb_req_query(req, "state"), *warning = tb_req_query(req, "warning");
    const char *queue = tb_req_query(req, "queue"), *q = tb_req_query(req, "q");
    const char *lim = tb_req_query(req, "limit"), *off = tb_req_query(req, "offset");
    enum case_state st;
    int qi = 0;
    if (state && case_state_parse(state, &st) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "state", "没有这个办件状态",
                               "Unknown case state");
    int wl = warning ? case_warning_parse(warning) : -1;
    if (warning && wl < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "warning",
                               "warning 应为 green、yellow、red 或 severe",
                               "warning must be green, yellow, red or severe");
    if (queue) {
        static const char *const names[] = {"", "pre_review", "delivery", "work"};
        for (qi = 1; qi < 4 && strcmp(names[qi], queue) != 0; qi++)
            ;
        if (qi == 4)
            return tb_resp_problem(req, TB_ERR_INVALID, "queue",
                                   "queue 应为 pre_review、delivery 或 work",
                                   "queue must be pre_review, delivery or work");
    }
    char *end;
    long limit = lim ? strtol(lim, &end, 10) : 20, offset = off ? strtol(off, &end, 10) : 0;
    if (limit < 1 || limit > CASE_LIST_MAX || offset < 0 || offset > 1000000 ||
        (q && strlen(q) > CASE_NO_LEN))
        return tb_resp_problem(req, TB_ERR_INVALID, "limit", "limit 应为 1 至 100，offset 不小于 0",
                               "limit must be 1 to 100 and offset at least 0");
    if (p->client_id)
        return TB_ERR_FORBIDDEN;
    struct tb_db_conn *c;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc < 0)
        return rc;
    bool staff = p->kind == ACCOUNT_STAFF;
    int64_t root = 0, dept = 0, handler_org = 0, me = 0;
    bool all = false;
    if (staff) {
        if ((p->roles & ROLE_WINDOW) && (rc = window_scope(c, p->account_id, &root, &dept)) < 0)
            return rc;
        if (p->roles & (ROLE_REVIEWER | ROLE_DECIDER))
            handler_org = p->org_id;
        all = (p->roles & ROLE_SUPERVISOR) != 0;
    } else {
        me = p->on_behalf_of ? p->on_behalf_of : p->account_id;
    }
    /* Who sees which cases, as its own clause per kind of caller, so that
     * each list is one index range (a handler: org_id = ?4, walked in
     * warning order by cases_org_warning) rather than a scan of every case. */
    char scope[400];
    bool window_scope = staff && !all && (p->roles & ROLE_WINDOW);
    if (!staff)
        snprintf(scope, sizeof(scope), "k.applicant_id = ?1");
    else if (all)
        snprintf(scope, sizeof(scope), "k.state <> 'draft'");
    else
        snprintf(scope, sizeof(scope), "k.state <> 'draft' AND (%s%s%s)",
                 window_scope ? "k.org_id IN (SELECT id FROM region) OR k.org_id = ?5" : "",
                 window_scope && handler_org ? " OR " : "",
                 handler_org    ? "k.org_id = ?4"
                 : window_scope ? ""
                                : "0 = 1");
    const char *cte = window_scope ? "WITH RECURSIVE region(id) AS (SELECT ?2 WHERE ?2 > 0 UNION "
                                     "ALL SELECT o.id FROM orgs o JOIN region r ON o.parent_id = "
                                     "r.id) "
                                   : "";
    char filters[400];
    snprintf(filters, sizeof(filters),
             "%s AND (?6 IS NULL OR k.state = ?6) AND (?7 IS NULL OR k.warning_level = ?7) "
             "AND (?8 IS NULL OR substr(k.case_no, 1, length(?8)) = ?8) ",
             queue_states[qi]);
    char sql[2048];
    snprintf(sql, sizeof(sql),
             "%sSELECT k.public_id, k.case_no, k.state, i.impl_code, i.name, a.name, k.channel, "
             "k.submitted_at, k.accepted_at, k.promised_due, k.warning_level, k.etag, st.name, "
             "st.authority_level, k.delivery, k.delivery_status FROM cases k "
             "JOIN items i ON i.id = k.item_id JOIN accounts a ON a.id = k.applicant_id "
             "LEFT JOIN case_steps st ON st.case_id = k.id AND st.idx = k.steps_done AND "
             "k.state IN ('accepted', 'in_review', 'suspended') "
             "WHERE %s %s ORDER BY %s LIMIT ?9 OFFSET ?10",
             cte, scope, filters,
             staff && qi ? "k.warning_level DESC, k.promised_due, k.id" : "k.id DESC");
    struct list_scope sc = {me, root, all, handler_org, dept, state, q, wl};
    /* the total: a count over the same range (an index count, not the rows) */
    char csql[1400];
    snprintf(csql, sizeof(csql), "%sSELECT count(*) FROM cases k WHERE %s %s", cte, scope, filters);
    struct tb_db_stmt *s;
    int64_t total = 0;
    if ((rc = tb_db_prepare(c, csql, &s)) < 0)
        return rc;
    list_bind(s, &sc, -1, -1);
    if ((rc = tb_db_step(s)) == TB_DB_ROW)
        total = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if ((rc = tb_db_prepare(c, sql, &s)) < 0)
        return rc;
    char today[CASE_DATE_LEN + 1];
    case_date_of(case_now_ms(app), today);
    list_bind(s, &sc, limit, offset);
    json_t *list = json_array();
    while (list && (rc = tb_db_step(s)) == TB_DB_ROW) {
        enum case_state cs = CS_DRAFT;
        case_state_parse(tb_db_column_text(s, 2), &cs);
        char sub[32] = "", acc[32] = "";
        if (!tb_db_column_is_null(s, 7))
            tb_time_format_iso(tb_db_column_int64(s, 7), sub, sizeof(sub));
        if (!tb_db_column_is_null(s, 8))
            tb_time_format_iso(tb_db_column_int64(s, 8), acc, sizeof(acc));
        const char *due = tb_db_column_text(s, 9);
        json_t *o = json_pack(
            "{s:s,s:s,s:s,s:s,s:{s:s,s:s},s:s,s:o,s:o,s:o,s:s,s:I,s:o}", "id",
            tb_db_column_text(s, 0), "case_no", tb_db_column_text(s, 1), "state",
            case_state_name(cs), "state_zh", case_state_zh(cs), "item", "code",
            tb_db_column_text(s, 3), "name", tb_db_column_text(s, 4), "channel",
            tb_db_column_text(s, 6), "submitted_at", sub[0] ? json_string(sub) : json_null(),
            "accepted_at", acc[0] ? json_string(acc) : json_null(), "promised_due",
            due ? json_string(due) : json_null(), "warning",
            case_warning_name((enum case_warning)tb_db_column_int64(s, 10)), "etag",
            (json_int_t)tb_db_column_int64(s, 11), "next_step",
            tb_db_column_is_null(s, 12)
                ? json_null()
                : json_pack("{s:s,s:I}", "name", tb_db_column_text(s, 12), "authority_level",
                            (json_int_t)tb_db_column_int64(s, 13)));
        if (o && staff)
            json_object_set_new(o, "applicant_name", json_string(tb_db_column_text(s, 5)));
        int left;
        bool running = cs == CS_ACCEPTED || cs == CS_IN_REVIEW;
        if (o)
            json_object_set_new(o, "remaining_workdays",
                                running && due &&
                                        case_days_left(tb_app_calendar(app), today, due, &left) == 0
                                    ? json_integer(left)
                                    : json_null());
        const char *dm = tb_db_column_text(s, 14), *ds = tb_db_column_text(s, 15);
        if (o)
            json_object_set_new(o, "delivery",
                                json_pack("{s:o,s:s}", "method", dm ? json_string(dm) : json_null(),
                                          "status", ds ? ds : "pending"));
        if (!o || json_array_append_new(list, o) != 0) {
            rc = TB_ERR_NOMEM;
            break;
        }
    }
    tb_db_stmt_done(s);
    if (!list || rc < 0) {
        json_decref(list);
        return rc < 0 ? rc : TB_ERR_NOMEM;
    }
    return tb_resp_json(req, 200,
                        json_pack("{s:I,s:o}", "total", (json_int_t)total, "cases", list));
}
