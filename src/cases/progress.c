/*
 * progress.c - GET /api/v1/progress?case_no=&code= (public): where a case
 * stands, for anyone holding its number and query code, without a name,
 * a value or a material. A wrong code and an unknown number get the same
 * answer after the same work; each address may ask PROGRESS_PER_MINUTE
 * times a minute.
 */
#include "cases/internal.h"
#include "app/app.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/ratelimit.h"
#include "lib/timeutil.h"

#include <stdio.h>
#include <string.h>

#define PROGRESS_PER_MINUTE 10

static struct tb_rate limiter = TB_RATE_INIT(PROGRESS_PER_MINUTE);

static json_t *date_of(int64_t ms)
{
    if (ms <= 0)
        return json_null();
    char d[CASE_DATE_LEN + 1];
    case_date_of(ms, d);
    return json_string(d);
}

static int not_found(struct tb_req *req)
{
    return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "办件编号或查询码不正确",
                           "Wrong case number or query code");
}

int cases_api_progress(struct tb_req *req)
{
    struct tb_app *app = req->app;
    const char *no = tb_req_query(req, "case_no"), *code = tb_req_query(req, "code");
    if (!tb_rate_allow(&limiter, req->peer, tb_time_now_ms())) {
        int rc = tb_resp_header(req, "Retry-After", "60");
        return rc < 0
                   ? rc
                   : tb_resp_problem(req, TB_ERR_RATE_LIMITED, NULL, "查询过于频繁，请一分钟后再试",
                                     "Too many lookups; try again in a minute");
    }
    if (!no || !code)
        return tb_resp_problem(req, TB_ERR_BAD_REQUEST, !no ? "case_no" : "code",
                               "请输入办件编号和查询码", "Give the case number and query code");
    /* The expected code is made for any well-formed number, found or not. */
    bool well_formed = case_no_valid(no) && query_code_valid(code);
    char expect[QUERY_CODE_LEN + 1];
    int rc = case_query_code(app, well_formed ? no : "TB0000000000000000", expect);
    if (rc < 0)
        return rc;
    bool code_ok = well_formed && tb_ct_equal(expect, code, QUERY_CODE_LEN);
    struct tb_db_conn *c;
    if ((rc = tb_db_read_conn(app->db, &c)) < 0)
        return rc;
    struct tb_db_stmt *s;
    if ((rc = tb_db_prepare(c,
                            "SELECT k.id, k.state, i.name, o.name, k.submitted_at, k.accepted_at, "
                            "k.promised_due, k.closed_at FROM cases k JOIN items i ON "
                            "i.id = k.item_id JOIN orgs o ON o.id = k.org_id WHERE k.case_no = ?1 "
                            "AND k.state <> 'draft'",
                            &s)) < 0)
        return rc;
    tb_db_bind_text(s, 1, well_formed ? no : "", -1);
    rc = tb_db_step(s);
    json_t *o = NULL;
    int64_t id = 0;
    if (rc == TB_DB_ROW && code_ok) {
        enum case_state st = CS_SUBMITTED;
        case_state_parse(tb_db_column_text(s, 1), &st);
        const char *due = tb_db_column_text(s, 6);
        id = tb_db_column_int64(s, 0);
        o = json_pack("{s:s,s:{s:s},s:{s:s},s:s,s:s,s:o,s:o,s:o,s:o}", "case_no", no, "item",
                      "name", tb_db_column_text(s, 2), "org", "name", tb_db_column_text(s, 3),
                      "state", case_state_name(st), "state_zh", case_state_zh(st), "submitted_on",
                      date_of(tb_db_column_int64(s, 4)), "accepted_on",
                      date_of(tb_db_column_int64(s, 5)), "promised_due",
                      due ? json_string(due) : json_null(), "closed_on",
                      date_of(tb_db_column_int64(s, 7)));
    }
    tb_db_stmt_done(s);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    if (!o)
        return id || rc == TB_DB_ROW || rc == TB_DB_DONE ? not_found(req) : TB_ERR_NOMEM;
    json_t *steps = json_array();
    if ((rc = tb_db_prepare(
             c, "SELECT name, done_at FROM case_steps WHERE case_id = ?1 ORDER BY idx", &s)) < 0) {
        json_decref(o);
        json_decref(steps);
        return rc;
    }
    tb_db_bind_int64(s, 1, id);
    while ((rc = tb_db_step(s)) == TB_DB_ROW)
        json_array_append_new(steps, json_pack("{s:s,s:b,s:o}", "name", tb_db_column_text(s, 0),
                                               "done", !tb_db_column_is_null(s, 1), "done_on",
                                               date_of(tb_db_column_int64(s, 1))));
    tb_db_stmt_done(s);
    json_object_set_new(o, "steps", steps);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    return tb_resp_json(req, 200, o);
}
