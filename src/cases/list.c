/*
 * list.c - GET /api/v1/cases: the case lists and work queues of every kind
 * of caller (docs/cases.md "Lists").
 *
 * The idea: a list costs its page, not every case the caller may see (a
 * city's window sees all of them: a million at the scale of
 * docs/benchmarks.md). So the caller's scope is first resolved, in C, to one
 * clause an index can serve: an applicant's own cases, every case for a
 * supervisor, or a staff member's organisations as a list of ids bound as
 * `k.org_id IN (?11, ?12, ...)` (no OR and no recursive query in the list,
 * so the same SQL runs on PostgreSQL). The page is then a walk down one
 * index in the answer's order (cases_work, cases_org_warning, cases_org_id,
 * cases_applicant or the primary key) that stops after the page, and the
 * total is a count that stops after LIST_TOTAL_MAX.
 */
#include "cases/internal.h"
#include "cases/deadline.h"
#include "accounts/accounts.h"
#include "accounts/api.h"
#include "app/app.h"
#include "lib/arena.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_TOTAL_MAX    10000 /* cases counted; past it the total says "capped" */
#define SCOPE_ORGS_MAX    16384 /* organisations in one scope (bound parameters; a power of two) */
#define SCOPE_FIRST_PARAM 11    /* ?11 is the scope's first organisation */
#define LIST_SQL_MAX      (4096 + SCOPE_ORGS_MAX * 8) /* bytes of a list statement */

/* ---- scope -------------------------------------------------------------------------------- */

static const char *const queue_states[] = {
    "",
    "AND k.state IN ('submitted', 'awaiting_correction') ",
    "AND k.state IN ('result_issued', 'denied') ",
    "AND k.state IN ('accepted', 'in_review', 'suspended') ",
};

/* Who sees which cases, and the filters: the list query's parameters. */
struct list_scope {
    int64_t me;          /* an applicant: the account whose cases (?1); 0 for staff */
    bool all;            /* a supervisor: every organisation */
    const int64_t *orgs; /* other staff: the organisations (?11...), padded with -1 */
    size_t n_orgs;       /* 0 (sees nothing) or a power of two */
    const char *state, *q;
    int warning; /* -1: any */
};

/* Appends id to the scope's organisations in b unless it is there already.
 * TB_ERR_TOO_LARGE past SCOPE_ORGS_MAX. */
static int org_add(struct tb_buf *b, int64_t id)
{
    const int64_t *v = (const int64_t *)(void *)b->data;
    for (size_t i = 0; i < b->len / sizeof(id); i++)
        if (v[i] == id)
            return TB_OK;
    return tb_buf_append(b, &id, sizeof(id));
}

/*
 * The organisations a staff member's window serves: the region (the root,
 * the city, of the first comprehensive or themed window's hall, and every
 * organisation under it) and the first department window's department.
 * UNION rather than UNION ALL: a cycle in orgs ends the walk.
 */
static int window_orgs(struct tb_db_conn *c, int64_t account, struct tb_buf *out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(
        c,
        "WITH RECURSIVE up(id, parent_id, depth) AS (SELECT o.id, o.parent_id, 0 "
        "FROM window_staff ws JOIN windows w ON w.id = ws.window_id JOIN halls h ON "
        "h.id = w.hall_id JOIN orgs o ON o.id = h.org_id WHERE ws.account_id = ?1 AND "
        "w.kind <> 'department' UNION ALL SELECT o.id, o.parent_id, up.depth + 1 FROM orgs o "
        "JOIN up ON o.id = up.parent_id WHERE up.depth < 16), "
        "region(id) AS (SELECT id FROM (SELECT id FROM up WHERE parent_id IS NULL LIMIT 1) AS top "
        "UNION SELECT o.id FROM orgs o JOIN region r ON o.parent_id = r.id) "
        "SELECT id FROM region LIMIT ?2",
        &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, account);
    tb_db_bind_int64(s, 2, SCOPE_ORGS_MAX + 1);
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        int64_t id = tb_db_column_int64(s, 0);
        if ((rc = tb_buf_append(out, &id, sizeof(id))) < 0) /* distinct: UNION */
            break;
    }
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
    int64_t dept = rc == TB_DB_ROW ? tb_db_column_int64(s, 0) : 0;
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    return dept ? org_add(out, dept) : TB_OK;
}

/*
 * The organisations whose cases a staff member (not a supervisor) sees:
 * window staff their window's (window_orgs), reviewers and deciders their
 * own organisation's. Padded with -1 (no organisation) to a power of two,
 * so that a handful of statement texts serve every scope. The ids are in
 * out, which the caller owns; *n is 0 for a member who sees nothing.
 */
static int staff_orgs(struct tb_db_conn *c, const struct principal *p, struct tb_buf *out,
                      size_t *n)
{
    int rc = TB_OK;
    *n = 0;
    if ((p->roles & ROLE_WINDOW) && (rc = window_orgs(c, p->account_id, out)) < 0)
        goto fail;
    if ((p->roles & (ROLE_REVIEWER | ROLE_DECIDER)) && p->org_id &&
        (rc = org_add(out, p->org_id)) < 0)
        goto fail;
    size_t have = out->len / sizeof(int64_t), padded = have ? 1 : 0;
    while (padded < have)
        padded *= 2;
    for (int64_t none = -1; have < padded; have++)
        if ((rc = tb_buf_append(out, &none, sizeof(none))) < 0)
            goto fail;
    *n = padded;
    return TB_OK;
fail:
    if (rc == TB_ERR_TOO_LARGE) { /* the installation's org tree, not the request */
        tb_log_error("case list: account %lld sees more than %d organisations",
                     (long long)p->account_id, SCOPE_ORGS_MAX);
        rc = TB_ERR_INTERNAL;
    }
    return rc;
}

/*
 * The WHERE clause shared by the count and the page. A filter is there only
 * when asked for: a term on a column the index lacks, even "?7 IS NULL OR
 * k.warning_level = ?7", makes the count read every row instead of the
 * index (cases_org_state covers a handler's count).
 */
static int list_where(struct tb_buf *b, const struct list_scope *sc, int qi)
{
    int rc;
    if (sc->me)
        rc = tb_buf_puts(b, "k.applicant_id = ?1 ");
    else if (sc->all || !sc->n_orgs)
        rc = tb_buf_puts(b, sc->all ? "k.state <> 'draft' " : "k.state <> 'draft' AND 0 = 1 ");
    else {
        rc = tb_buf_puts(b, "k.state <> 'draft' AND k.org_id IN (");
        for (size_t i = 0; rc == 0 && i < sc->n_orgs; i++)
            rc = tb_buf_printf(b, "%s?%zu", i ? ", " : "", i + SCOPE_FIRST_PARAM);
        if (rc == 0)
            rc = tb_buf_puts(b, ") ");
    }
    if (rc == 0)
        rc = tb_buf_puts(b, queue_states[qi]);
    if (rc == 0 && sc->state)
        rc = tb_buf_puts(b, "AND k.state = ?6 ");
    if (rc == 0 && sc->warning >= 0)
        rc = tb_buf_puts(b, "AND k.warning_level = ?7 ");
    if (rc == 0 && sc->q)
        rc = tb_buf_puts(b, "AND substr(k.case_no, 1, length(?8)) = ?8 ");
    return rc;
}

/* Binds the scope and the filters list_where wrote (not ?9, ?10: the count
 * and the page differ). */
static void list_bind(struct tb_db_stmt *s, const struct list_scope *sc)
{
    if (sc->me)
        tb_db_bind_int64(s, 1, sc->me);
    if (sc->state)
        tb_db_bind_text(s, 6, sc->state, -1);
    if (sc->warning >= 0)
        tb_db_bind_int64(s, 7, sc->warning);
    if (sc->q)
        tb_db_bind_text(s, 8, sc->q, -1);
    for (size_t i = 0; !sc->me && !sc->all && i < sc->n_orgs; i++)
        tb_db_bind_int64(s, (int)(i + SCOPE_FIRST_PARAM), sc->orgs[i]);
}

/* ---- GET /api/v1/cases -------------------------------------------------------------------- */

/*
 * The total, counted up to LIST_TOTAL_MAX + 1 matches: counting all of a
 * city's cases would cost more than the page (docs/benchmarks.md).
 */
static int list_count(struct tb_db_conn *c, const char *where, const struct list_scope *sc,
                      int64_t *total)
{
    struct tb_buf sql;
    struct tb_db_stmt *s = NULL;
    tb_buf_init(&sql, LIST_SQL_MAX);
    int rc = tb_buf_printf(
        &sql, "SELECT count(*) FROM (SELECT 1 FROM cases k WHERE %sLIMIT ?9) AS capped", where);
    if (rc < 0 || (rc = tb_db_prepare(c, tb_buf_cstr(&sql), &s)) < 0)
        goto done;
    list_bind(s, sc);
    tb_db_bind_int64(s, 9, LIST_TOTAL_MAX + 1);
    if ((rc = tb_db_step(s)) == TB_DB_ROW)
        *total = tb_db_column_int64(s, 0);
done:
    tb_db_stmt_done(s);
    tb_buf_free(&sql);
    return rc < 0 ? rc : TB_OK;
}

/* One case of the page as its list entry; NULL when out of memory. */
static json_t *list_row(struct tb_app *app, struct tb_db_stmt *s, const char *today, bool staff)
{
    enum case_state cs = CS_DRAFT;
    case_state_parse(tb_db_column_text(s, 2), &cs);
    char sub[32] = "", acc[32] = "";
    if (!tb_db_column_is_null(s, 7))
        tb_time_format_iso(tb_db_column_int64(s, 7), sub, sizeof(sub));
    if (!tb_db_column_is_null(s, 8))
        tb_time_format_iso(tb_db_column_int64(s, 8), acc, sizeof(acc));
    const char *due = tb_db_column_text(s, 9);
    json_t *o = json_pack(
        "{s:s,s:s,s:s,s:s,s:{s:s,s:s},s:s,s:o,s:o,s:o,s:s,s:I,s:o}", "id", tb_db_column_text(s, 0),
        "case_no", tb_db_column_text(s, 1), "state", case_state_name(cs), "state_zh",
        case_state_zh(cs), "item", "code", tb_db_column_text(s, 3), "name", tb_db_column_text(s, 4),
        "channel", tb_db_column_text(s, 6), "submitted_at", sub[0] ? json_string(sub) : json_null(),
        "accepted_at", acc[0] ? json_string(acc) : json_null(), "promised_due",
        due ? json_string(due) : json_null(), "warning",
        case_warning_name((enum case_warning)tb_db_column_int64(s, 10)), "etag",
        (json_int_t)tb_db_column_int64(s, 11), "next_step",
        tb_db_column_is_null(s, 12)
            ? json_null()
            : json_pack("{s:s,s:I}", "name", tb_db_column_text(s, 12), "authority_level",
                        (json_int_t)tb_db_column_int64(s, 13)));
    if (!o)
        return NULL;
    if (staff)
        json_object_set_new(o, "applicant_name", json_string(tb_db_column_text(s, 5)));
    int left;
    bool running = cs == CS_ACCEPTED || cs == CS_IN_REVIEW;
    json_object_set_new(o, "remaining_workdays",
                        running && due &&
                                case_days_left(tb_app_calendar(app), today, due, &left) == 0
                            ? json_integer(left)
                            : json_null());
    const char *dm = tb_db_column_text(s, 14), *ds = tb_db_column_text(s, 15);
    json_object_set_new(o, "delivery",
                        json_pack("{s:o,s:s}", "method", dm ? json_string(dm) : json_null(),
                                  "status", ds ? ds : "pending"));
    return o;
}

/* The page, in the list's order, appended to list. */
static int list_page(struct tb_app *app, struct tb_db_conn *c, const char *where,
                     const struct list_scope *sc, const char *order, long limit, long offset,
                     bool staff, json_t *list)
{
    struct tb_buf sql;
    struct tb_db_stmt *s = NULL;
    tb_buf_init(&sql, LIST_SQL_MAX);
    int rc = tb_buf_printf(
        &sql,
        "SELECT k.public_id, k.case_no, k.state, i.impl_code, i.name, a.name, k.channel, "
        "k.submitted_at, k.accepted_at, k.promised_due, k.warning_level, k.etag, st.name, "
        "st.authority_level, k.delivery, k.delivery_status FROM cases k "
        "JOIN items i ON i.id = k.item_id JOIN accounts a ON a.id = k.applicant_id "
        "LEFT JOIN case_steps st ON st.case_id = k.id AND st.idx = k.steps_done AND "
        "k.state IN ('accepted', 'in_review', 'suspended') "
        "WHERE %sORDER BY %s LIMIT ?9 OFFSET ?10",
        where, order);
    if (rc < 0 || (rc = tb_db_prepare(c, tb_buf_cstr(&sql), &s)) < 0)
        goto done;
    list_bind(s, sc);
    tb_db_bind_int64(s, 9, limit);
    tb_db_bind_int64(s, 10, offset);
    char today[CASE_DATE_LEN + 1];
    case_date_of(case_now_ms(app), today);
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        json_t *o = list_row(app, s, today, staff);
        if (!o || json_array_append_new(list, o) != 0) {
            rc = TB_ERR_NOMEM;
            break;
        }
    }
done:
    tb_db_stmt_done(s);
    tb_buf_free(&sql);
    return rc < 0 ? rc : TB_OK;
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
    struct list_scope sc = {.state = state, .q = q, .warning = wl};
    struct tb_buf orgs, where;
    tb_buf_init(&orgs, SCOPE_ORGS_MAX * sizeof(int64_t));
    tb_buf_init(&where, LIST_SQL_MAX);
    json_t *list = json_array();
    int64_t total = 0;
    if (!list) {
        rc = TB_ERR_NOMEM;
        goto done;
    }
    if (!staff)
        sc.me = p->on_behalf_of ? p->on_behalf_of : p->account_id;
    else if (p->roles & ROLE_SUPERVISOR)
        sc.all = true;
    else if ((rc = staff_orgs(c, p, &orgs, &sc.n_orgs)) < 0)
        goto done;
    sc.orgs = (const int64_t *)(void *)orgs.data;
    if ((rc = list_where(&where, &sc, qi)) < 0 ||
        (rc = list_count(c, tb_buf_cstr(&where), &sc, &total)) < 0)
        goto done;
    /* The page only when it can have rows: a scope with no case at all
     * would otherwise walk the whole index looking for one. */
    if (total > LIST_TOTAL_MAX || offset < total)
        rc = list_page(app, c, tb_buf_cstr(&where), &sc,
                       staff && qi ? "k.warning_level DESC, k.promised_due, k.id" : "k.id DESC",
                       limit, offset, staff, list);
done:
    tb_buf_free(&orgs);
    tb_buf_free(&where);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    json_t *body =
        json_pack("{s:I,s:o}", "total",
                  (json_int_t)(total > LIST_TOTAL_MAX ? LIST_TOTAL_MAX : total), "cases", list);
    if (body && total > LIST_TOTAL_MAX)
        json_object_set_new(body, "total_capped", json_true());
    return body ? tb_resp_json(req, 200, body) : TB_ERR_NOMEM;
}
