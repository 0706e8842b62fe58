/*
 * stats.c - GET /api/v1/windows/stats?hall=CODE: acceptance rates per
 * window from the case events taken at each window (docs/cases.md
 * "Window rates"): 接件受理率 = accepted / received, 审核率 = pre-reviewed /
 * received online, 直接审批率 = decided at the window / accepted.
 */
#include "cases/internal.h"
#include "app/app.h"
#include "lib/db.h"
#include "lib/err.h"

#include <string.h>

static json_t *rate(int64_t num, int64_t den)
{
    return den > 0 ? json_real((double)num / (double)den) : json_null();
}

int cases_api_window_stats(struct tb_req *req)
{
    struct tb_app *app = req->app;
    const char *hall = tb_req_query(req, "hall");
    if (hall && strlen(hall) > 64)
        return tb_resp_problem(req, TB_ERR_INVALID, "hall", "没有这个大厅", "No such hall");
    struct tb_db_conn *c;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc < 0)
        return rc;
    struct tb_db_stmt *s;
    /* received: cases whose first window action (accept, refuse, correction,
     * the two special acceptances) was at this window */
    if ((rc = tb_db_prepare(
             c,
             "WITH firsts AS (SELECT case_id, window_id FROM case_events WHERE id IN ("
             "SELECT min(id) FROM case_events WHERE window_id IS NOT NULL AND action IN ("
             "'accept', 'refuse', 'request_correction', 'accept_with_missing', "
             "'accept_with_commitment') GROUP BY case_id)), per AS (SELECT e.window_id AS w, "
             "count(DISTINCT CASE WHEN e.action IN ('accept', 'accept_with_missing', "
             "'accept_with_commitment') THEN e.case_id END) AS accepted, "
             "count(DISTINCT CASE WHEN e.action = 'refuse' THEN e.case_id END) AS refused, "
             "sum(CASE WHEN e.action = 'request_correction' THEN 1 ELSE 0 END) AS corrections, "
             "count(DISTINCT CASE WHEN e.action = 'pre_review' THEN e.case_id END) AS pre, "
             "count(DISTINCT CASE WHEN e.action = 'decide' THEN e.case_id END) AS decided "
             "FROM case_events e WHERE e.window_id IS NOT NULL GROUP BY e.window_id) "
             "SELECT h.code, w.code, w.name, "
             "(SELECT count(*) FROM firsts f WHERE f.window_id = w.id), "
             "coalesce(p.accepted, 0), coalesce(p.refused, 0), coalesce(p.corrections, 0), "
             "coalesce(p.pre, 0), coalesce(p.decided, 0), "
             "(SELECT count(*) FROM firsts f JOIN cases k ON k.id = f.case_id WHERE "
             "f.window_id = w.id AND k.channel IN ('online', 'mobile', 'agent')) "
             "FROM windows w JOIN halls h ON h.id = w.hall_id LEFT JOIN per p ON p.w = w.id "
             "WHERE ?1 IS NULL OR h.code = ?1 ORDER BY h.code, w.position, w.code",
             &s)) < 0)
        return rc;
    tb_db_bind_text(s, 1, hall, -1);
    json_t *list = json_array();
    while (list && (rc = tb_db_step(s)) == TB_DB_ROW) {
        int64_t received = tb_db_column_int64(s, 3), accepted = tb_db_column_int64(s, 4);
        int64_t pre = tb_db_column_int64(s, 7), decided = tb_db_column_int64(s, 8);
        int64_t online = tb_db_column_int64(s, 9);
        json_t *o = json_pack(
            "{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o}", "hall", tb_db_column_text(s, 0),
            "code", tb_db_column_text(s, 1), "name", tb_db_column_text(s, 2), "received",
            (json_int_t)received, "accepted", (json_int_t)accepted, "refused",
            (json_int_t)tb_db_column_int64(s, 5), "corrections",
            (json_int_t)tb_db_column_int64(s, 6), "pre_reviewed", (json_int_t)pre, "decided",
            (json_int_t)decided, "acceptance_rate", rate(accepted, received), "review_rate",
            rate(pre < online ? pre : online, online), "direct_rate", rate(decided, accepted));
        if (!o || json_array_append_new(list, o) != 0)
            rc = TB_ERR_NOMEM;
    }
    tb_db_stmt_done(s);
    if (!list || rc < 0) {
        json_decref(list);
        return rc < 0 ? rc : TB_ERR_NOMEM;
    }
    return tb_resp_json(req, 200, json_pack("{s:o}", "windows", list));
}
