/*
 * test_deadline.c - unit tests for src/cases/deadline.c: due dates, the
 * days a case turns yellow and severe, warning levels (docs/cases.md
 * "Deadlines and warnings", SPEC §16).
 *
 * A few rows are worked out by hand over the 2026 National Day holiday
 * (10-01..10-07 off, Saturday 10-10 worked); then every start day of
 * 2019-2026 and limits 0..25 with and without clock stops are checked
 * against the definitions by walking the days one by one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "calendar/calendar.h"
#include "cases/deadline.h"
#include "lib/err.h"

#ifndef TB_SOURCE_DIR
#define TB_SOURCE_DIR "."
#endif

static struct calendar *cal;

static int setup(void **state)
{
    (void)state;
    char err[256];
    return calendar_load_file(TB_SOURCE_DIR "/data/calendar/cn.csv", &cal, err, sizeof(err));
}

static int teardown(void **state)
{
    (void)state;
    calendar_free(cal);
    return 0;
}

static const struct row {
    const char *start;
    bool same_day;
    int limit, suspended;
    const char *due, *yellow_on, *severe_on;
} rows[] = {
    /* next day: 10-08, 10-09, 10-10 (worked Saturday), 10-12, 10-13 */
    {"2026-09-30", false, 5, 0, "2026-10-13", "2026-10-12", "2026-10-21"},
    /* the acceptance day counts: four more */
    {"2026-09-30", true, 5, 0, "2026-10-12", "2026-10-10", "2026-10-20"},
    /* same_day on a holiday: counted from the next day as usual */
    {"2026-10-03", true, 5, 0, "2026-10-13", "2026-10-12", "2026-10-21"},
    /* two stopped working days push everything by two */
    {"2026-09-30", false, 5, 2, "2026-10-15", "2026-10-14", "2026-10-23"},
    /* 20 days: yellow with 2 working days left (90% used) */
    {"2026-11-02", false, 20, 0, "2026-11-30", "2026-11-26", "2026-12-29"},
    /* limit 0 (即办): due the same day, yellow at once, severe the day after */
    {"2026-11-24", false, 0, 0, "2026-11-24", "2026-11-24", "2026-11-25"},
};

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        struct case_due d;
        assert_int_equal(case_due_compute(cal, r->start, r->same_day, r->limit, r->suspended, &d),
                         0);
        if (strcmp(d.due, r->due) || strcmp(d.yellow_on, r->yellow_on) ||
            strcmp(d.severe_on, r->severe_on))
            fail_msg("row %zu: got %s %s %s, want %s %s %s", i, d.due, d.yellow_on, d.severe_on,
                     r->due, r->yellow_on, r->severe_on);
    }
}

static void test_levels(void **state)
{
    (void)state;
    struct case_due d;
    assert_int_equal(case_due_compute(cal, "2026-09-30", false, 5, 0, &d), 0);
    assert_int_equal(case_warning_at("2026-10-09", &d), CW_GREEN);
    assert_int_equal(case_warning_at("2026-10-12", &d), CW_YELLOW);
    assert_int_equal(case_warning_at("2026-10-13", &d), CW_YELLOW);
    assert_int_equal(case_warning_at("2026-10-14", &d), CW_RED);
    assert_int_equal(case_warning_at("2026-10-20", &d), CW_RED);
    assert_int_equal(case_warning_at("2026-10-21", &d), CW_SEVERE);
    assert_string_equal(case_warning_name(CW_SEVERE), "severe");
    assert_string_equal(case_warning_zh(CW_YELLOW), "预警");
    assert_int_equal(case_warning_parse("red"), CW_RED);
    assert_int_equal(case_warning_parse("purple"), -1);
    assert_int_equal(case_warning_parse(NULL), -1);
    int left = 0;
    assert_int_equal(case_days_left(cal, "2026-10-09", d.due, &left), 0);
    assert_int_equal(left, 3); /* 10-10, 10-12, 10-13 */
    assert_int_equal(case_days_left(cal, "2026-10-15", d.due, &left), 0);
    assert_int_equal(left, -2);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct case_due d;
    assert_int_equal(case_due_compute(cal, "2026-13-01", false, 5, 0, &d), TB_ERR_INVALID);
    assert_int_equal(case_due_compute(cal, NULL, false, 5, 0, &d), TB_ERR_INVALID);
    assert_int_equal(case_due_compute(cal, "2026-11-24", false, -1, 0, &d), TB_ERR_INVALID);
    assert_int_equal(case_due_compute(cal, "2026-11-24", false, 5, -1, &d), TB_ERR_INVALID);
    assert_int_equal(case_due_compute(cal, "1990-01-01", false, 5, 0, &d), TB_ERR_RANGE);
    assert_int_equal(case_due_compute(cal, "2027-12-20", false, 200, 0, &d), TB_ERR_RANGE);
    int left;
    assert_int_equal(case_days_left(cal, "x", "2026-11-24", &left), TB_ERR_INVALID);
}

/* The definitions, walked day by day. */
static struct tb_date next_day(struct tb_date d)
{
    return tb_date_from_days(tb_date_to_days(d) + 1);
}

static int count_between(struct tb_date a, struct tb_date b) /* working days in (a, b] */
{
    int n = 0;
    for (struct tb_date x = next_day(a); tb_date_cmp(x, b) <= 0; x = next_day(x))
        n += calendar_is_workday(cal, x);
    return n;
}

static void test_walk(void **state)
{
    (void)state;
    struct tb_date s = {2019, 1, 1};
    struct tb_date end = {2026, 12, 31};
    long checked = 0;
    for (; tb_date_cmp(s, end) <= 0; s = tb_date_from_days(tb_date_to_days(s) + 3)) {
        char start[TB_DATE_BUF_LEN];
        tb_date_format(s, start);
        for (int limit = 0; limit <= 25; limit += 1 + limit / 5) {
            for (int susp = 0; susp <= 3; susp += 3) {
                for (int same = 0; same <= 1; same++) {
                    struct case_due d;
                    assert_int_equal(case_due_compute(cal, start, same, limit, susp, &d), 0);
                    struct tb_date due, yellow, severe;
                    assert_int_equal(tb_date_parse(d.due, 10, &due), 0);
                    assert_int_equal(tb_date_parse(d.yellow_on, 10, &yellow), 0);
                    assert_int_equal(tb_date_parse(d.severe_on, 10, &severe), 0);
                    int n = limit + susp;
                    if (same && n > 0 && calendar_is_workday(cal, s))
                        n--;
                    /* due: n working days after start, and a working day (or start) */
                    assert_int_equal(count_between(s, due), n);
                    if (n > 0)
                        assert_true(calendar_is_workday(cal, due));
                    /* yellow: the first day with at most R working days left */
                    int r = limit - (limit * 9 + 9) / 10;
                    r = r < 1 ? 1 : r;
                    assert_true(tb_date_cmp(yellow, s) >= 0);
                    assert_true(count_between(yellow, due) <= r);
                    if (tb_date_cmp(yellow, s) > 0)
                        assert_true(
                            count_between(tb_date_from_days(tb_date_to_days(yellow) - 1), due) > r);
                    /* severe: the day after the limit-th working day after due */
                    struct tb_date last = tb_date_from_days(tb_date_to_days(severe) - 1);
                    assert_int_equal(count_between(due, last), limit);
                    if (limit > 0)
                        assert_true(calendar_is_workday(cal, last));
                    checked++;
                }
            }
        }
    }
    assert_true(checked > 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_walk),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
