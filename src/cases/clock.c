/*
 * clock.c - the case's clock (docs/cases.md "Deadlines and warnings"):
 * due dates from the ledger, the warning sweep, and the recomputation of
 * every open case when an administrator changes the calendar.
 *
 * case_clock_update() is the one place dates are computed: from the
 * acceptance day, the limits copied at acceptance, the extension days and
 * the ended clock stops of the ledger (recounted with the calendar in
 * effect), through case_due_compute(). Acceptance, resume, extension and a
 * calendar change all call it, so a date never depends on the path that led
 * to it.
 */
#include "cases/internal.h"
#include "cases/deadline.h"
#include "accounts/accounts.h"
#include "accounts/api.h"
#include "audit/audit.h"
#include "app/app.h"
#include "calendar/calendar.h"
#include "catalog/catalog.h"
#include "lib/db.h"
#include "lib/embed.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/log.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WARN_BATCH      5000 /* cases re-levelled per write */
#define WARN_LIST_MAX   10   /* case numbers named in one staff message */
#define WARN_GROUPS_MAX 256  /* (organisation, level, warning) groups per sweep */

static bool clock_runs(enum case_state s)
{
    return s == CS_ACCEPTED || s == CS_IN_REVIEW;
}

/* Sums the working days of the case's ended clock stops since acceptance,
 * recounting each with cal and storing counts that changed. */
static int ledger_days(struct tb_db_conn *c, const struct calendar *cal, const struct case_row *r,
                       int *total)
{
    struct tb_db_stmt *s;
    *total = 0;
    int rc = tb_db_prepare(c,
                           "SELECT id, started_at, ended_at, workdays FROM case_suspensions "
                           "WHERE case_id = ?1 AND ended_at IS NOT NULL AND started_at >= ?2",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, r->id);
    tb_db_bind_int64(s, 2, r->accepted_at);
    int64_t fix_id[64];
    int fix_days[64], nfix = 0;
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        char from[CASE_DATE_LEN + 1], to[CASE_DATE_LEN + 1];
        case_date_of(tb_db_column_int64(s, 1), from);
        case_date_of(tb_db_column_int64(s, 2), to);
        int days = 0;
        if (case_workdays_between(cal, from, to, &days) < 0 || days < 0)
            days = 0;
        *total += days;
        if ((tb_db_column_is_null(s, 3) || tb_db_column_int64(s, 3) != days) && nfix < 64) {
            fix_id[nfix] = tb_db_column_int64(s, 0);
            fix_days[nfix++] = days;
        }
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    for (int i = 0; i < nfix; i++) {
        if ((rc = tb_db_prepare(c, "UPDATE case_suspensions SET workdays = ?2 WHERE id = ?1", &s)) <
            0)
            return rc;
        tb_db_bind_int64(s, 1, fix_id[i]);
        tb_db_bind_int64(s, 2, fix_days[i]);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    return TB_OK;
}

/* The open steps' due dates and levels. */
static int steps_update(struct tb_db_conn *c, const struct calendar *cal, const struct case_row *r,
                        const char *start, int suspended, const char *today)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT idx, limit_days, done_at IS NOT NULL FROM case_steps WHERE "
                           "case_id = ?1 ORDER BY idx",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, r->id);
    struct {
        int idx, cum, limit;
        bool done;
    } st[ITEM_MAX_STEPS];
    int n = 0, cum = 0;
    while (n < ITEM_MAX_STEPS && (rc = tb_db_step(s)) == TB_DB_ROW) {
        st[n].idx = (int)tb_db_column_int64(s, 0);
        st[n].limit = (int)tb_db_column_int64(s, 1);
        if (st[n].idx > 0)
            cum += st[n].limit;
        st[n].cum = cum;
        st[n].done = tb_db_column_int64(s, 2) != 0;
        n++;
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    for (int i = 0; i < n; i++) {
        if (st[i].done)
            continue;
        struct case_due d;
        if (case_due_compute(cal, start, r->same_day, st[i].cum, suspended, &d) < 0)
            continue; /* outside the calendar: the step keeps no date */
        int level = clock_runs(r->state) && st[i].idx == r->steps_done
                        ? (int)case_warning_at(today, &d)
                        : 0;
        if ((rc = tb_db_prepare(c,
                                "UPDATE case_steps SET due = ?3, yellow_on = ?4, severe_on = ?5, "
                                "warning_level = ?6 WHERE case_id = ?1 AND idx = ?2",
                                &s)) < 0)
            return rc;
        tb_db_bind_int64(s, 1, r->id);
        tb_db_bind_int64(s, 2, st[i].idx);
        tb_db_bind_text(s, 3, d.due, -1);
        tb_db_bind_text(s, 4, d.yellow_on, -1);
        tb_db_bind_text(s, 5, d.severe_on, -1);
        tb_db_bind_int64(s, 6, level);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    return TB_OK;
}

int case_clock_update(struct tb_db_conn *c, struct tb_app *app, struct case_row *r,
                      const char *today, struct tb_arena *a)
{
    if (!r->accepted_at)
        return TB_OK;
    const struct calendar *cal = tb_app_calendar(app);
    char start[CASE_DATE_LEN + 1];
    case_date_of(r->accepted_at, start);
    int suspended, rc;
    if ((rc = ledger_days(c, cal, r, &suspended)) < 0)
        return rc;
    r->suspended_days = suspended;
    struct case_due p, l;
    int prc = case_due_compute(cal, start, r->same_day, r->promised_days + r->extended_days,
                               suspended, &p);
    int lrc =
        case_due_compute(cal, start, r->same_day, r->legal_days + r->extended_days, suspended, &l);
    if (prc < 0 || lrc < 0)
        tb_log_warn("case %s: deadline outside the calendar (%s)", r->case_no,
                    tb_err_code(prc < 0 ? prc : lrc));
    r->promised_due = prc < 0 ? NULL : tb_arena_strdup(a, p.due);
    r->yellow_on = prc < 0 ? NULL : tb_arena_strdup(a, p.yellow_on);
    r->severe_on = prc < 0 ? NULL : tb_arena_strdup(a, p.severe_on);
    r->legal_due = lrc < 0 ? NULL : tb_arena_strdup(a, l.due);
    if (!r->promised_due_original)
        r->promised_due_original = r->promised_due;
    if (!r->legal_due_original)
        r->legal_due_original = r->legal_due;
    /* a stopped clock keeps its level; a running one shows today's */
    if (clock_runs(r->state))
        r->warning_level = prc < 0 ? 0 : (int)case_warning_at(today, &p);
    return steps_update(c, cal, r, start, suspended, today);
}

/* ---- the warning sweep ------------------------------------------------------------------ */

/* Cases that turned a level at one organisation and step level. */
struct warn_group {
    int64_t org_id;
    int step_level, warning, count;
    char cases[WARN_LIST_MAX][CASE_NO_LEN + 1];
};

struct warn_sweep {
    struct tb_app *app;
    const char *today;
    int64_t now;
    int64_t after; /* keyset: the last case id seen */
    bool more;
    int warned;
    struct warn_group groups[WARN_GROUPS_MAX];
    int ngroups;
};

static void group_add(struct warn_sweep *w, int64_t org, int step_level, int level,
                      const char *case_no)
{
    struct warn_group *g = NULL;
    for (int i = 0; i < w->ngroups && !g; i++)
        if (w->groups[i].org_id == org && w->groups[i].step_level == step_level &&
            w->groups[i].warning == level)
            g = &w->groups[i];
    if (!g) {
        if (w->ngroups == WARN_GROUPS_MAX)
            return; /* the levels are stored; only the message is cut short */
        g = &w->groups[w->ngroups++];
        memset(g, 0, sizeof(*g));
        g->org_id = org;
        g->step_level = step_level;
        g->warning = level;
    }
    if (g->count < WARN_LIST_MAX)
        snprintf(g->cases[g->count], sizeof(g->cases[0]), "%s", case_no);
    g->count++;
}

static int warn_write(struct tb_db_conn *c, void *ctx)
{
    struct warn_sweep *w = ctx;
    struct tb_db_stmt *s;
    /* running cases by id from where the last batch stopped (the expression
     * keeps the planner on the primary key, in id order, instead of a state
     * index and a sort per batch); the step is the current one */
    int rc = tb_db_prepare(
        c,
        "SELECT id, org_id, case_no, lvl, warning_level, step_lvl, step_warning, step_level "
        "FROM (SELECT k.id, k.org_id, k.case_no, k.warning_level, "
        "CASE WHEN ?1 >= k.severe_on THEN 3 WHEN ?1 > k.promised_due THEN 2 "
        "WHEN ?1 >= k.yellow_on THEN 1 ELSE 0 END AS lvl, "
        "CASE WHEN st.severe_on IS NULL THEN 0 WHEN ?1 >= st.severe_on THEN 3 "
        "WHEN ?1 > st.due THEN 2 WHEN ?1 >= st.yellow_on THEN 1 ELSE 0 END AS step_lvl, "
        "coalesce(st.warning_level, 0) AS step_warning, coalesce(st.authority_level, 1) "
        "AS step_level FROM cases k LEFT JOIN case_steps st ON st.case_id = k.id AND "
        "st.idx = k.steps_done WHERE k.id > ?2 AND (k.state || '') IN ('accepted', 'in_review') "
        "AND k.promised_due IS NOT NULL ORDER BY k.id) x "
        "WHERE lvl > warning_level OR step_lvl > step_warning LIMIT ?3",
        &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, w->today, -1);
    tb_db_bind_int64(s, 2, w->after);
    tb_db_bind_int64(s, 3, WARN_BATCH);
    struct row {
        int64_t id, org;
        int lvl, old, step_lvl, step_old, step_level;
        char case_no[CASE_NO_LEN + 1];
    } *rows = malloc(WARN_BATCH * sizeof(*rows));
    if (!rows) {
        tb_db_stmt_done(s);
        return TB_ERR_NOMEM;
    }
    int n = 0;
    while (n < WARN_BATCH && (rc = tb_db_step(s)) == TB_DB_ROW) {
        struct row *x = &rows[n++];
        x->id = tb_db_column_int64(s, 0);
        x->org = tb_db_column_int64(s, 1);
        snprintf(x->case_no, sizeof(x->case_no), "%s", tb_db_column_text(s, 2));
        x->lvl = (int)tb_db_column_int64(s, 3);
        x->old = (int)tb_db_column_int64(s, 4);
        x->step_lvl = (int)tb_db_column_int64(s, 5);
        x->step_old = (int)tb_db_column_int64(s, 6);
        x->step_level = (int)tb_db_column_int64(s, 7);
    }
    tb_db_stmt_done(s);
    for (int i = 0; rc >= 0 && i < n; i++) {
        struct row *x = &rows[i];
        if (x->lvl > x->old) {
            if ((rc = tb_db_prepare(c, "UPDATE cases SET warning_level = ?2 WHERE id = ?1", &s)) <
                0)
                break;
            tb_db_bind_int64(s, 1, x->id);
            tb_db_bind_int64(s, 2, x->lvl);
            rc = tb_db_step(s);
            tb_db_stmt_done(s);
            group_add(w, x->org, x->step_level, x->lvl, x->case_no);
            w->warned++;
        }
        if (rc >= 0 && x->step_lvl > x->step_old) {
            if ((rc = tb_db_prepare(c,
                                    "UPDATE case_steps SET warning_level = ?2 WHERE case_id = ?1 "
                                    "AND idx = (SELECT steps_done FROM cases WHERE id = ?1)",
                                    &s)) < 0)
                break;
            tb_db_bind_int64(s, 1, x->id);
            tb_db_bind_int64(s, 2, x->step_lvl);
            rc = tb_db_step(s);
            tb_db_stmt_done(s);
        }
    }
    if (n > 0)
        w->after = rows[n - 1].id;
    w->more = n == WARN_BATCH;
    free(rows);
    return rc < 0 ? rc : TB_OK;
}

/* One message per person per sweep: the handlers of the step's level and
 * their superiors (the level above). */
static int warn_notify(struct tb_db_conn *c, void *ctx)
{
    struct warn_sweep *w = ctx;
    for (int i = 0; i < w->ngroups; i++) {
        const struct warn_group *g = &w->groups[i];
        char title[128], body[512];
        snprintf(title, sizeof(title), "办件%s：%d 件",
                 case_warning_zh((enum case_warning)g->warning), g->count);
        size_t used = (size_t)snprintf(body, sizeof(body), "以下办件已进入%s，请及时办理：",
                                       case_warning_zh((enum case_warning)g->warning));
        for (int k = 0; k < g->count && k < WARN_LIST_MAX && used < sizeof(body); k++)
            used += (size_t)snprintf(body + used, sizeof(body) - used, "%s%s", k ? "、" : "",
                                     g->cases[k]);
        if (g->count > WARN_LIST_MAX && used < sizeof(body))
            snprintf(body + used, sizeof(body) - used, " 等 %d 件", g->count);
        struct tb_db_stmt *s;
        int rc = tb_db_prepare(c,
                               "SELECT id FROM accounts WHERE kind = 'staff' AND org_id = ?1 AND "
                               "status = 'active' AND authority_level IN (?2, ?2 + 1) AND "
                               "(roles & ?3) <> 0",
                               &s);
        if (rc < 0)
            return rc;
        tb_db_bind_int64(s, 1, g->org_id);
        tb_db_bind_int64(s, 2, g->step_level);
        tb_db_bind_int64(s, 3, ROLE_REVIEWER | ROLE_DECIDER);
        int64_t who[64];
        int n = 0;
        while (n < 64 && (rc = tb_db_step(s)) == TB_DB_ROW)
            who[n++] = tb_db_column_int64(s, 0);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
        for (int k = 0; k < n; k++)
            if ((rc = notify_add(c, &w->app->cfg, who[k], 0, "warning", title, body, w->now, false,
                                 NULL)) < 0)
                return rc;
    }
    return TB_OK;
}

int cases_warning_sweep(struct tb_app *app, const char *today, int *warned)
{
    struct warn_sweep *w = calloc(1, sizeof(*w));
    if (!w)
        return TB_ERR_NOMEM;
    w->app = app;
    w->today = today;
    w->now = case_now_ms(app);
    int rc;
    do {
        rc = tb_db_write(app->db, warn_write, w);
    } while (rc == 0 && w->more);
    if (rc == 0 && w->ngroups)
        rc = tb_db_write(app->db, warn_notify, w);
    *warned = w->warned;
    free(w);
    return rc;
}

/* ---- a calendar change -------------------------------------------------------------------- */

struct recompute {
    struct tb_app *app;
    const char *text, *reason;
    const struct principal *p;
    struct tb_req *req;
    int64_t version;
    int moved;
};

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Every open case whose clock was started: recomputed, an event where the
 * dates moved. */
static int recompute_all(struct tb_db_conn *c, struct recompute *rc_)
{
    struct tb_app *app = rc_->app;
    char today[CASE_DATE_LEN + 1];
    int64_t now = case_now_ms(app);
    case_date_of(now, today);
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT id FROM cases WHERE state IN ('accepted', 'in_review', "
                           "'suspended') AND accepted_at IS NOT NULL ORDER BY id",
                           &s);
    if (rc < 0)
        return rc;
    size_t n = 0, cap = 0;
    int64_t *ids = NULL;
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            int64_t *x = realloc(ids, ncap * sizeof(*x));
            if (!x) {
                rc = TB_ERR_NOMEM;
                break;
            }
            ids = x;
            cap = ncap;
        }
        ids[n++] = tb_db_column_int64(s, 0);
    }
    tb_db_stmt_done(s);
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        struct tb_arena a;
        tb_arena_init(&a, 4096);
        struct case_row r;
        if ((rc = case_load_by_id(c, ids[i], &a, &r)) == 0) {
            const char *pd = r.promised_due, *ld = r.legal_due;
            if ((rc = case_clock_update(c, app, &r, today, &a)) == 0 &&
                (!same(pd, r.promised_due) || !same(ld, r.legal_due))) {
                struct case_event e = {
                    .r = &r,
                    .role = "system",
                    .action = CA_RECOMPUTE,
                    .from = r.state,
                    .to = r.state,
                    .data = json_pack(
                        "{s:I,s:o,s:o,s:o,s:o}", "calendar_version", (json_int_t)rc_->version,
                        "promised_due_before", pd ? json_string(pd) : json_null(),
                        "legal_due_before", ld ? json_string(ld) : json_null(), "promised_due",
                        r.promised_due ? json_string(r.promised_due) : json_null(), "legal_due",
                        r.legal_due ? json_string(r.legal_due) : json_null()),
                    .reason = "工作日历调整，办理时限重新计算",
                    .at = now,
                };
                if ((rc = case_event_add(c, app, &e)) == 0 && (rc = case_save(c, &r, now)) == 0)
                    rc_->moved++;
            } else if (rc == 0) {
                rc = case_save_clock(c, &r);
            }
        }
        tb_arena_free(&a);
    }
    free(ids);
    return rc < 0 ? rc : TB_OK;
}

static int calendar_write(struct tb_db_conn *c, void *ctx)
{
    struct recompute *x = ctx;
    struct tb_db_stmt *s;
    int64_t now = tb_time_now_ms();
    int rc = tb_db_prepare(c,
                           "INSERT INTO calendar_versions(text, reason, changed_by, changed_at) "
                           "VALUES (?1, ?2, ?3, ?4)",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, x->text, -1);
    tb_db_bind_text(s, 2, x->reason, -1);
    tb_db_bind_int64(s, 3, x->p->account_id);
    tb_db_bind_int64(s, 4, now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    x->version = tb_db_last_insert_id(c);
    x->moved = 0;
    if ((rc = recompute_all(c, x)) < 0)
        return rc;
    struct audit_event ae;
    char after[96], id[24];
    audit_from_req(x->req, x->p, &ae);
    snprintf(id, sizeof(id), "%lld", (long long)x->version);
    snprintf(after, sizeof(after), "{\"version\":%lld,\"cases_moved\":%d}", (long long)x->version,
             x->moved);
    ae.action = "calendar.change";
    ae.object_type = "calendar";
    ae.object_id = id;
    ae.after_json = after;
    ae.reason = x->reason;
    return audit_append(c, &x->app->audit, &ae, NULL);
}

int cases_api_calendar_put(struct tb_req *req)
{
    const json_t *b = req->json;
    const char *text = json_string_value(json_object_get(b, "text"));
    const char *reason = json_string_value(json_object_get(b, "reason"));
    if (!text || !*text)
        return tb_resp_problem(req, TB_ERR_INVALID, "text", "请提供完整的工作日历文本",
                               "Send the whole calendar text");
    if (!reason || !*reason || tb_utf8_chars(reason, strlen(reason)) > CASE_REASON_MAX)
        return tb_resp_problem(req, TB_ERR_INVALID, "reason", "请填写调整依据（500 字以内）",
                               "Give the reason for the change (at most 500 characters)");
    struct calendar *cal;
    char err[256];
    if (calendar_parse(text, strlen(text), &cal, err, sizeof(err)) < 0) {
        char zh[400];
        snprintf(zh, sizeof(zh), "工作日历有误：%s", err);
        return tb_resp_problem(req, TB_ERR_INVALID, "text", zh, err);
    }
    /* the new calendar is in effect before the write, so that the
     * recomputation uses it; on failure the old one is put back */
    struct tb_app *app = req->app;
    const struct calendar *old = tb_app_calendar(app);
    struct recompute x = {.app = app, .text = text, .reason = reason, .p = req->user, .req = req};
    int rc = tb_app_set_calendar(app, cal);
    if (rc < 0) {
        calendar_free(cal);
        return rc;
    }
    rc = tb_db_write(app->db, calendar_write, &x);
    if (rc < 0) {
        tb_app_restore_calendar(app, old);
        return rc;
    }
    return tb_resp_json(
        req, 200, json_pack("{s:I,s:i}", "version", (json_int_t)x.version, "cases_moved", x.moved));
}

int cases_api_calendar_get(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc == 0)
        rc = tb_db_prepare(c, "SELECT text FROM calendar_versions ORDER BY id DESC LIMIT 1", &s);
    if (rc != 0)
        return rc;
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        char *text = tb_arena_strdup(&req->arena, tb_db_column_text(s, 0));
        tb_db_stmt_done(s);
        return text ? tb_resp_text(req, 200, "text/csv; charset=utf-8", text, strlen(text))
                    : TB_ERR_NOMEM;
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    const struct tb_embedded *e = tb_embedded_find("data/calendar/cn.csv");
    if (!e)
        return TB_ERR_INTERNAL;
    return tb_resp_text(req, 200, "text/csv; charset=utf-8", (const char *)e->data, e->len);
}
