/*
 * api.c - the working-day calendar over HTTP.
 *
 *   GET /api/v1/calendar/days/{date}           is this a working day, and why
 *   GET /api/v1/calendar/add?from=&workdays=   the deadline N working days on
 *
 * Deadlines count from the day after the start (行政许可法 §82 with 民法典
 * §201); dates in years whose holiday notice is not yet published are
 * answered but flagged "provisional", and dates outside the data are refused
 * rather than guessed.
 */
#include "calendar/api.h"
#include "app/app.h"
#include "calendar/calendar.h"
#include "lib/err.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A deadline further than ten years of working days is not a deadline. */
#define ADD_WORKDAYS_MAX 2500

static int bad_date(struct tb_req *req, const char *field)
{
    return tb_resp_problem(req, TB_ERR_INVALID, field,
                           "日期格式应为 YYYY-MM-DD，且必须是真实存在的日期",
                           "The date must be a real date written YYYY-MM-DD");
}

int calendar_api_day(struct tb_req *req)
{
    struct tb_app *app = req->app;
    const char *s = tb_req_param(req, "date");
    struct tb_date d;
    if (!s || tb_date_parse(s, strlen(s), &d) < 0)
        return bad_date(req, "date");
    char buf[TB_DATE_BUF_LEN];
    tb_date_format(d, buf);
    const char *name = calendar_day_name(tb_app_calendar(app), d);
    const char *notice = calendar_day_notice(tb_app_calendar(app), d);
    json_t *o = json_object();
    if (!o)
        return TB_ERR_NOMEM;
    json_object_set_new(o, "date", json_string(buf));
    json_object_set_new(o, "workday", json_boolean(calendar_is_workday(tb_app_calendar(app), d)));
    json_object_set_new(o, "name", name ? json_string(name) : json_null());
    json_object_set_new(o, "notice", notice ? json_string(notice) : json_null());
    json_object_set_new(o, "covered", json_boolean(calendar_covers(tb_app_calendar(app), d)));
    json_object_set_new(o, "provisional",
                        json_boolean(calendar_year_provisional(tb_app_calendar(app), d.y)));
    return tb_resp_json(req, 200, o);
}

int calendar_api_add(struct tb_req *req)
{
    struct tb_app *app = req->app;
    const char *from = tb_req_query(req, "from");
    const char *n_text = tb_req_query(req, "workdays");
    struct tb_date start, end;
    if (!from)
        return tb_resp_problem(req, TB_ERR_INVALID, "from", "缺少起算日期 from",
                               "from is required");
    if (tb_date_parse(from, strlen(from), &start) < 0)
        return bad_date(req, "from");
    if (!n_text)
        return tb_resp_problem(req, TB_ERR_INVALID, "workdays", "缺少工作日数 workdays",
                               "workdays is required");
    char *endp;
    errno = 0;
    long n = strtol(n_text, &endp, 10);
    if (errno || endp == n_text || *endp || n < 0 || n > ADD_WORKDAYS_MAX)
        return tb_resp_problem(req, TB_ERR_INVALID, "workdays",
                               "工作日数 workdays 应为 0 到 2500 的整数",
                               "workdays must be a whole number from 0 to 2500");
    int rc = calendar_add_workdays(tb_app_calendar(app), start, (int)n, &end);
    if (rc == TB_ERR_RANGE)
        return tb_resp_problem(req, TB_ERR_RANGE, "from", "日期超出节假日数据覆盖的年份范围",
                               "The dates fall outside the years the holiday data covers");
    if (rc < 0)
        return rc;
    char sbuf[TB_DATE_BUF_LEN], ebuf[TB_DATE_BUF_LEN];
    tb_date_format(start, sbuf);
    tb_date_format(end, ebuf);
    json_t *o =
        json_pack("{s:s,s:s,s:i,s:b}", "date", ebuf, "from", sbuf, "workdays", (int)n,
                  "provisional", calendar_span_provisional(tb_app_calendar(app), start, end));
    return tb_resp_json(req, 200, o);
}
