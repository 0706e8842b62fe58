/*
 * clock.c - the routes of the tongban-test binary (docs/cases.md "A test
 * clock"): set the business date the case code sees, and run the platform
 * sweep now. Linked into build/tongban-test only; the production binary has
 * no such routes and no setting that adds them (src/app/commands.c merges
 * tb_test_routes only when this file is linked in).
 */
#include "app/app.h"
#include "calendar/calendar.h"
#include "cases/api.h"
#include "lib/err.h"
#include "lib/http.h"
#include "lib/log.h"
#include "lib/timeutil.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define DAY_MS (24LL * 3600 * 1000)

static int test_clock_put(struct tb_req *req)
{
    struct tb_app *app = req->app;
    const char *today = json_string_value(json_object_get(req->json, "today"));
    struct tb_date d;
    if (!today || tb_date_parse(today, strlen(today), &d) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "today", "today 应为 YYYY-MM-DD",
                               "today must be YYYY-MM-DD");
    int y, m, dd;
    tb_time_shanghai_date(tb_time_now_ms(), &y, &m, &dd);
    struct tb_date real = {y, m, dd};
    long days = tb_date_to_days(d) - tb_date_to_days(real);
    __atomic_store_n(&app->clock_offset_ms, (int64_t)days * DAY_MS, __ATOMIC_RELAXED);
    tb_log_warn("test clock: business date %s (%+ld days)", today, days);
    return tb_resp_json(req, 200,
                        json_pack("{s:s,s:I}", "today", today, "offset_days", (json_int_t)days));
}

static int test_sweep_post(struct tb_req *req)
{
    struct tb_app *app = req->app;
    int y, m, d, moved = 0, warned = 0;
    char today[16];
    tb_time_shanghai_date(tb_app_now_ms(app, tb_time_now_ms()), &y, &m, &d);
    snprintf(today, sizeof(today), "%04d-%02d-%02d", y, m, d);
    int rc = cases_sweep(app, today, &moved);
    if (rc == 0)
        rc = cases_warning_sweep(app, today, &warned);
    if (rc < 0)
        return rc;
    return tb_resp_json(
        req, 200, json_pack("{s:s,s:i,s:i}", "today", today, "moved", moved, "warned", warned));
}

const struct tb_route tb_test_routes[] = {
    {"PUT", "/api/v1/test/clock", test_clock_put, "public",
     "tongban-test only: the business date the case code sees", TB_ROUTE_JSON_BODY, 0},
    {"POST", "/api/v1/test/sweep", test_sweep_post, "public",
     "tongban-test only: run the platform sweep now", 0, 0},
};
const size_t tb_test_routes_count = sizeof(tb_test_routes) / sizeof(tb_test_routes[0]);
