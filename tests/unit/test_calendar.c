/*
 * test_calendar.c - unit tests for src/calendar (calendar.c, cli.c) and the
 * data it ships, data/calendar/cn.csv.
 *
 * The cases are tables: a known day, a deadline, a date string, a broken
 * calendar text is one more row. Day rows come from the State Council
 * notices (国务院办公厅关于YYYY年部分节假日安排的通知), several per year
 * 2018-2026, with the amended 2019 劳动节 and the 2020 春节 extension, so a
 * slip in cn.csv shows here as well as in the day-by-day cross-check against
 * chinese-days (scripts/test-calendar.sh). Property tests then check
 * calendar_add_workdays and calendar_workdays_between against a day-by-day
 * walk for every start day of the covered years. RULE tags match those in
 * calendar.c. Run with the repository root as the working directory (ctest
 * does), or build with TB_SOURCE_DIR defined.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/calendar.h"
#include "lib/err.h"

#ifndef TB_SOURCE_DIR
#define TB_SOURCE_DIR "."
#endif
#define CN_CSV TB_SOURCE_DIR "/data/calendar/cn.csv"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The limits of calendar.c (private there), tested at limit-1, limit, limit+1. */
#define MAX_TEXT_BYTES   (1024 * 1024)
#define MAX_LINE_BYTES   512
#define MAX_NOTICE_BYTES 160
#define MAX_YEARS        100
#define MAX_NOTICES      1000

#define ERRBUF_LEN 256

/* The shipped calendar, loaded once for the group. */
static struct calendar *cal;

/* ------------------------------------------------------------------------
 * helpers
 * ------------------------------------------------------------------------ */

/* The date written in s; the test fails when s is not one. */
static struct tb_date date_of(const char *s)
{
    struct tb_date d;
    if (tb_date_parse(s, strlen(s), &d) != 0)
        fail_msg("test table: \"%s\" is not a date", s);
    return d;
}

static const char *fmt(struct tb_date d, char buf[TB_DATE_BUF_LEN])
{
    tb_date_format(d, buf);
    return buf;
}

static struct tb_date next_day(struct tb_date d)
{
    return tb_date_from_days(tb_date_to_days(d) + 1);
}

/* Parses text, which must be a valid calendar. The caller frees the result. */
static struct calendar *parse_ok(const char *text, size_t len)
{
    struct calendar *c = NULL;
    char err[ERRBUF_LEN];
    int rc = calendar_parse(text, len, &c, err, sizeof err);
    if (rc != 0)
        fail_msg("calendar_parse: %d: %s", rc, err);
    assert_non_null(c);
    return c;
}

/* Parses text, which must be refused with rc; returns the message in err. */
static void parse_bad(const char *text, size_t len, int rc, char err[ERRBUF_LEN])
{
    struct calendar *c = (struct calendar *)&c; /* not NULL: must be reset */
    int got = calendar_parse(text, len, &c, err, ERRBUF_LEN);
    if (got != rc)
        fail_msg("calendar_parse: %d, expected %d (message \"%s\")", got, rc, err);
    assert_null(c);
    assert_true(strlen(err) > 0);
}

/* A growable text for generated calendars; the test fails when out of memory. */
struct text {
    char *p;
    size_t len, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (t->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(t->p, cap);
        assert_non_null(p);
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void text_line(struct text *t, const char *s)
{
    text_add(t, s, strlen(s));
    text_add(t, "\n", 1);
}

/* A line of exactly n bytes (without the newline): a comment of n - 1 'x'. */
static void text_comment_of(struct text *t, size_t n)
{
    assert_true(n >= 1);
    text_add(t, "#", 1);
    for (size_t i = 1; i < n; i++)
        text_add(t, "x", 1);
    text_add(t, "\n", 1);
}

/* ------------------------------------------------------------------------
 * fixture
 * ------------------------------------------------------------------------ */

static int load_calendar(void **state)
{
    (void)state;
    char err[ERRBUF_LEN];
    int rc = calendar_load_file(CN_CSV, &cal, err, sizeof err);
    if (rc != 0) {
        print_error("calendar_load_file: %s\n", err);
        return -1;
    }
    return 0;
}

static int free_calendar(void **state)
{
    (void)state;
    calendar_free(cal);
    cal = NULL;
    return 0;
}

/* ------------------------------------------------------------------------
 * known days, 2018-2026 (and what 2027 has so far)
 * ------------------------------------------------------------------------ */

struct day_case {
    const char *date;
    bool workday;
    const char *name; /* calendar_day_name; NULL for an ordinary day */
};

/*
 * RULE: 国务院关于职工工作时间的规定 §7: Saturday and Sunday are the weekly rest days.
 * RULE: 全国年节及纪念日放假办法 and the yearly State Council notice: days off are not
 * worked, weekend days named in the notice are.
 */
static const struct day_case day_cases[] = {
    /* 2018: 国办发明电〔2017〕12号 */
    {"2018-01-01", false, "元旦"},
    {"2018-01-02", true, NULL},
    {"2018-02-11", true, "春节调休"}, /* Sunday */
    {"2018-02-15", false, "春节"},
    {"2018-02-21", false, "春节"},
    {"2018-02-22", true, NULL},
    {"2018-02-24", true, "春节调休"}, /* Saturday */
    {"2018-03-14", true, NULL},       /* ordinary Wednesday */
    {"2018-04-08", true, "清明节调休"},
    {"2018-04-28", true, "劳动节调休"},
    {"2018-04-30", false, "劳动节"},
    {"2018-06-16", false, NULL}, /* 端午 "与周末连休": the weekend stays ordinary */
    {"2018-06-18", false, "端午节"},
    {"2018-09-24", false, "中秋节"},
    {"2018-09-29", true, "国庆节调休"},
    {"2018-09-30", true, "国庆节调休"},
    {"2018-10-07", false, "国庆节"},
    {"2018-10-08", true, NULL},
    {"2018-12-29", true, "元旦调休"}, /* set by the 2019 notice */
    {"2018-12-31", false, "元旦"},

    /* 2019: 国办发明电〔2018〕15号, 劳动节 amended by 国办发明电〔2019〕3号 */
    {"2019-01-01", false, "元旦"},
    {"2019-02-02", true, "春节调休"},
    {"2019-02-03", true, "春节调休"},
    {"2019-02-04", false, "春节"},
    {"2019-02-10", false, "春节"},
    {"2019-04-05", false, "清明节"},
    {"2019-04-06", false, NULL},        /* ordinary Saturday */
    {"2019-04-28", true, "劳动节调休"}, /* Sunday, by the amendment */
    {"2019-05-01", false, "劳动节"},
    {"2019-05-02", false, "劳动节"}, /* 5月2日-4日 off by the amendment */
    {"2019-05-03", false, "劳动节"},
    {"2019-05-04", false, "劳动节"},
    {"2019-05-05", true, "劳动节调休"}, /* Sunday, by the amendment */
    {"2019-05-06", true, NULL},
    {"2019-06-07", false, "端午节"},
    {"2019-09-13", false, "中秋节"},
    {"2019-09-29", true, "国庆节调休"},
    {"2019-10-07", false, "国庆节"},
    {"2019-10-12", true, "国庆节调休"},
    {"2019-10-13", false, NULL},

    /* 2020: 国办发明电〔2019〕16号, 春节 extended by 国办发明电〔2020〕1号 */
    {"2020-01-01", false, "元旦"},
    {"2020-01-19", true, "春节调休"},
    {"2020-01-24", false, "春节"},
    {"2020-01-30", false, "春节"},
    {"2020-01-31", false, "春节"}, /* the extension */
    {"2020-02-01", false, "春节"}, /* Saturday: the extension cancelled its 调休 */
    {"2020-02-02", false, "春节"},
    {"2020-02-03", true, NULL},
    {"2020-04-04", false, "清明节"},
    {"2020-04-26", true, "劳动节调休"},
    {"2020-05-05", false, "劳动节"},
    {"2020-05-09", true, "劳动节调休"},
    {"2020-06-25", false, "端午节"},
    {"2020-06-28", true, "端午节调休"},
    {"2020-09-27", true, "国庆节调休"},
    {"2020-10-01", false, "国庆节"}, /* also 中秋; named after the 国庆节 statutory day */
    {"2020-10-08", false, "国庆节"},
    {"2020-10-10", true, "国庆节调休"},

    /* 2021: 国办发明电〔2020〕27号 */
    {"2021-01-01", false, "元旦"},
    {"2021-01-03", false, "元旦"},
    {"2021-02-07", true, "春节调休"},
    {"2021-02-11", false, "春节"},
    {"2021-02-17", false, "春节"},
    {"2021-02-20", true, "春节调休"},
    {"2021-04-05", false, "清明节"},
    {"2021-04-25", true, "劳动节调休"},
    {"2021-05-05", false, "劳动节"},
    {"2021-05-08", true, "劳动节调休"},
    {"2021-06-14", false, "端午节"},
    {"2021-07-17", false, NULL}, /* ordinary Saturday */
    {"2021-09-18", true, "中秋节调休"},
    {"2021-09-21", false, "中秋节"},
    {"2021-09-26", true, "国庆节调休"},
    {"2021-10-07", false, "国庆节"},
    {"2021-10-09", true, "国庆节调休"},

    /* 2022: 国办发明电〔2021〕11号 */
    {"2022-01-03", false, "元旦"},
    {"2022-01-29", true, "春节调休"},
    {"2022-01-30", true, "春节调休"},
    {"2022-01-31", false, "春节"},
    {"2022-02-06", false, "春节"},
    {"2022-02-07", true, NULL},
    {"2022-04-02", true, "清明节调休"},
    {"2022-04-05", false, "清明节"},
    {"2022-04-24", true, "劳动节调休"},
    {"2022-05-04", false, "劳动节"},
    {"2022-05-07", true, "劳动节调休"},
    {"2022-06-03", false, "端午节"},
    {"2022-09-12", false, "中秋节"},
    {"2022-10-07", false, "国庆节"},
    {"2022-10-08", true, "国庆节调休"},
    {"2022-10-09", true, "国庆节调休"},
    {"2022-12-31", false, "元旦"}, /* set by the 2023 notice */

    /* 2023: 国办发明电〔2022〕16号 */
    {"2023-01-02", false, "元旦"},
    {"2023-01-21", false, "春节"},
    {"2023-01-27", false, "春节"},
    {"2023-01-28", true, "春节调休"},
    {"2023-01-29", true, "春节调休"},
    {"2023-04-05", false, "清明节"},
    {"2023-04-23", true, "劳动节调休"},
    {"2023-05-03", false, "劳动节"},
    {"2023-05-06", true, "劳动节调休"},
    {"2023-06-22", false, "端午节"},
    {"2023-06-25", true, "端午节调休"},
    {"2023-08-20", false, NULL}, /* ordinary Sunday */
    {"2023-09-29", false, "中秋节"},
    {"2023-09-30", false, "国庆节"},
    {"2023-10-06", false, "国庆节"},
    {"2023-10-07", true, "国庆节调休"},
    {"2023-10-08", true, "国庆节调休"},

    /* 2024: 国办发明电〔2023〕7号 */
    {"2024-01-01", false, "元旦"},
    {"2024-02-04", true, "春节调休"}, /* Sunday */
    {"2024-02-09", true, NULL},       /* 除夕: only annual leave is encouraged */
    {"2024-02-10", false, "春节"},
    {"2024-02-11", false, "春节"},
    {"2024-02-12", false, "春节"},
    {"2024-02-13", false, "春节"},
    {"2024-02-14", false, "春节"},
    {"2024-02-15", false, "春节"},
    {"2024-02-16", false, "春节"},
    {"2024-02-17", false, "春节"},
    {"2024-02-18", true, "春节调休"}, /* Sunday */
    {"2024-02-24", false, NULL},      /* ordinary Saturday */
    {"2024-02-29", true, NULL},       /* leap day, a Thursday */
    {"2024-04-07", true, "清明节调休"},
    {"2024-04-28", true, "劳动节调休"},
    {"2024-05-11", true, "劳动节调休"},
    {"2024-06-10", false, "端午节"},
    {"2024-09-14", true, "中秋节调休"},
    {"2024-09-17", false, "中秋节"},
    {"2024-09-29", true, "国庆节调休"},
    {"2024-10-07", false, "国庆节"},
    {"2024-10-12", true, "国庆节调休"},

    /* 2025: 国办发明电〔2024〕12号, the first under 国务院令第795号 */
    {"2025-01-01", false, "元旦"},
    {"2025-01-26", true, "春节调休"}, /* Sunday */
    {"2025-01-27", true, NULL},
    {"2025-01-28", false, "春节"}, /* 除夕, statutory since 2025 */
    {"2025-02-04", false, "春节"},
    {"2025-02-08", true, "春节调休"},
    {"2025-04-04", false, "清明节"},
    {"2025-04-27", true, "劳动节调休"},
    {"2025-05-05", false, "劳动节"},
    {"2025-05-31", false, "端午节"}, /* Saturday */
    {"2025-06-02", false, "端午节"},
    {"2025-09-28", true, "国庆节调休"},
    {"2025-10-01", false, "国庆节"},
    {"2025-10-02", false, "国庆节"},
    {"2025-10-03", false, "国庆节"},
    {"2025-10-04", false, "国庆节"},
    {"2025-10-05", false, "国庆节"},
    {"2025-10-06", false, "中秋节"}, /* 中秋 inside the 国庆 period */
    {"2025-10-07", false, "国庆节"},
    {"2025-10-08", false, "国庆节"},
    {"2025-10-09", true, NULL},
    {"2025-10-11", true, "国庆节调休"},

    /* 2026: 国办发明电〔2025〕7号 */
    {"2026-01-01", false, "元旦"},
    {"2026-01-03", false, "元旦"}, /* Saturday */
    {"2026-01-04", true, "元旦调休"},
    {"2026-02-14", true, "春节调休"},
    {"2026-02-15", false, "春节"},
    {"2026-02-23", false, "春节"}, /* Monday */
    {"2026-02-24", true, NULL},
    {"2026-02-28", true, "春节调休"},
    {"2026-04-06", false, "清明节"},
    {"2026-05-05", false, "劳动节"},
    {"2026-05-09", true, "劳动节调休"},
    {"2026-06-19", false, "端午节"},
    {"2026-09-20", true, "国庆节调休"},
    {"2026-09-25", false, "中秋节"},
    {"2026-10-07", false, "国庆节"},
    {"2026-10-10", true, "国庆节调休"},
    {"2026-12-31", true, NULL},

    /* 2027: provisional, statutory days only (国务院令第795号) */
    {"2027-01-01", false, "元旦"},
    {"2027-02-05", false, "春节"}, /* 除夕 */
    {"2027-02-08", false, "春节"},
    {"2027-02-09", true, NULL},
    {"2027-12-31", true, NULL},
};

static void test_known_days(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(day_cases); i++) {
        const struct day_case *c = &day_cases[i];
        struct tb_date d = date_of(c->date);
        assert_true(calendar_covers(cal, d));
        if (calendar_is_workday(cal, d) != c->workday)
            fail_msg("%s: workday %d, expected %d", c->date, !c->workday, c->workday);
        const char *name = calendar_day_name(cal, d);
        if (c->name == NULL ? name != NULL : name == NULL || strcmp(name, c->name) != 0)
            fail_msg("%s: name \"%s\", expected \"%s\"", c->date, name ? name : "(null)",
                     c->name ? c->name : "(null)");
        /* a special day has a notice, an ordinary one has none */
        if ((calendar_day_notice(cal, d) != NULL) != (c->name != NULL))
            fail_msg("%s: notice %s", c->date, calendar_day_notice(cal, d) ? "set" : "missing");
    }
}

struct notice_case {
    const char *date;
    const char *notice; /* NULL: an ordinary day, no notice */
};

static const struct notice_case notice_cases[] = {
    {"2024-02-10", "国办发明电〔2023〕7号"},
    {"2019-02-04", "国办发明电〔2018〕15号"},
    {"2019-04-28", "国办发明电〔2019〕3号"}, /* the amendment, not the annual notice */
    {"2019-05-02", "国办发明电〔2019〕3号"},
    {"2019-05-05", "国办发明电〔2019〕3号"},
    {"2020-01-30", "国办发明电〔2019〕16号"},
    {"2020-01-31", "国办发明电〔2020〕1号"}, /* the extension */
    {"2020-02-01", "国办发明电〔2020〕1号"},
    {"2018-12-29", "国办发明电〔2018〕15号"}, /* in 2018, set by the 2019 notice */
    {"2022-12-31", "国办发明电〔2022〕16号"},
    {"2027-02-05", "全国年节及纪念日放假办法（国务院令第795号）"},
    {"2024-02-09", NULL},
    {"2024-02-24", NULL},
    {"2017-10-01", NULL}, /* outside the covered years */
    {"2028-01-01", NULL},
};

static void test_day_notices(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(notice_cases); i++) {
        const struct notice_case *c = &notice_cases[i];
        const char *got = calendar_day_notice(cal, date_of(c->date));
        if (c->notice == NULL ? got != NULL : got == NULL || strcmp(got, c->notice) != 0)
            fail_msg("%s: notice \"%s\", expected \"%s\"", c->date, got ? got : "(null)",
                     c->notice ? c->notice : "(null)");
    }
}

/* Working days per year: a slip anywhere in a year's rows changes its count. */
static const struct {
    int year;
    int workdays;
} year_cases[] = {
    {2018, 250}, {2019, 250}, {2020, 249}, /* 2020: two fewer by the extension */
    {2021, 250}, {2022, 249}, {2023, 249},
    {2024, 251}, {2025, 248}, /* 除夕 and 5月2日 statutory from 2025 */
    {2026, 248}, {2027, 254}, /* 2027 provisional: no 补假, no bridges yet */
};

/* RULE: 行政许可法 §82: deadlines in working days exclude statutory holidays. */
static void test_workdays_per_year(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(year_cases); i++) {
        int y = year_cases[i].year, n = 0;
        struct tb_date jan1 = {y, 1, 1}, dec31 = {y, 12, 31};
        assert_int_equal(calendar_workdays_between(cal, jan1, dec31, &n), 0);
        n += calendar_is_workday(cal, jan1);
        if (n != year_cases[i].workdays)
            fail_msg("%d: %d working days, expected %d", y, n, year_cases[i].workdays);
    }
}

static void test_coverage(void **state)
{
    (void)state;
    assert_int_equal(calendar_first_year(cal), 2018);
    assert_int_equal(calendar_last_year(cal), 2027);
    assert_false(calendar_covers(cal, date_of("2017-12-31")));
    assert_true(calendar_covers(cal, date_of("2018-01-01")));
    assert_true(calendar_covers(cal, date_of("2027-12-31")));
    assert_false(calendar_covers(cal, date_of("2028-01-01")));
    /* outside: plain Monday-Friday, no names */
    assert_true(calendar_is_workday(cal, date_of("2017-12-29")));  /* Friday */
    assert_false(calendar_is_workday(cal, date_of("2017-12-31"))); /* Sunday */
    assert_false(calendar_is_workday(cal, date_of("2028-01-01"))); /* Saturday */
    assert_true(calendar_is_workday(cal, date_of("2028-01-03")));  /* Monday */
    assert_true(calendar_is_workday(cal, date_of("2017-10-02")));  /* 国庆 2017, not known */
    assert_null(calendar_day_name(cal, date_of("2017-10-02")));
}

/* RULE: a year whose notice is not published is provisional (cn.csv header). */
static void test_provisional(void **state)
{
    (void)state;
    assert_true(calendar_year_provisional(cal, 2027));
    for (int y = 2018; y <= 2026; y++) {
        if (calendar_year_provisional(cal, y))
            fail_msg("%d is provisional", y);
    }
    assert_true(calendar_year_provisional(cal, 2017)); /* outside: nothing confirmed */
    assert_true(calendar_year_provisional(cal, 2028));
    assert_true(calendar_span_provisional(cal, date_of("2026-12-01"), date_of("2027-01-05")));
    assert_true(calendar_span_provisional(cal, date_of("2027-01-05"), date_of("2026-12-01")));
    assert_false(calendar_span_provisional(cal, date_of("2018-01-01"), date_of("2026-12-31")));
    assert_false(calendar_span_provisional(cal, date_of("2026-12-31"), date_of("2024-02-10")));
    assert_true(calendar_span_provisional(cal, date_of("2017-12-31"), date_of("2018-01-02")));

    assert_string_equal(calendar_year_notice(cal, 2024), "国办发明电〔2023〕7号");
    assert_string_equal(calendar_year_notice(cal, 2019), "国办发明电〔2018〕15号");
    assert_non_null(strstr(calendar_year_notice(cal, 2027), "国务院令第795号"));
    assert_null(calendar_year_notice(cal, 2017));
    assert_null(calendar_year_notice(cal, 2028));
}

/* ------------------------------------------------------------------------
 * deadline arithmetic
 * ------------------------------------------------------------------------ */

struct add_case {
    const char *start;
    int n;
    const char *expected; /* NULL when rc != 0 */
    int rc;
};

/*
 * RULE: 行政许可法 §82: deadlines in working days exclude statutory holidays.
 * RULE: 民法典 §201: the day a period starts is not counted; it runs from the next day.
 */
static const struct add_case add_cases[] = {
    /* ordinary weeks */
    {"2024-03-01", 0, "2024-03-01", 0}, /* n = 0: start unchanged */
    {"2024-03-01", 1, "2024-03-04", 0}, /* Friday + 1: Monday */
    {"2024-03-02", 1, "2024-03-04", 0}, /* from a Saturday */
    {"2024-03-04", 1, "2024-03-05", 0},
    {"2024-03-04", 5, "2024-03-11", 0},
    {"2024-01-01", 20, "2024-01-29", 0},
    {"2023-12-31", 251, "2024-12-31", 0}, /* the whole of 2024 */
    /* 春节 2024: 2月4日（日）worked, 10-17 off, 18（日）worked */
    {"2024-02-10", 0, "2024-02-10", 0}, /* n = 0 even on a holiday */
    {"2024-02-02", 5, "2024-02-08", 0},
    {"2024-02-02", 10, "2024-02-21", 0},
    {"2024-02-03", 1, "2024-02-04", 0}, /* Saturday + 1: the worked Sunday */
    {"2024-02-08", 1, "2024-02-09", 0},
    {"2024-02-08", 2, "2024-02-18", 0},
    {"2024-02-09", 1, "2024-02-18", 0}, /* Friday + 1 across the festival */
    {"2024-02-09", 2, "2024-02-19", 0},
    {"2024-02-12", 1, "2024-02-18", 0}, /* from inside the festival */
    /* 春节 2025 and 2026 */
    {"2025-01-24", 1, "2025-01-26", 0}, /* Friday + 1: the worked Sunday */
    {"2025-01-26", 1, "2025-01-27", 0},
    {"2025-01-27", 1, "2025-02-05", 0},
    {"2025-01-27", 4, "2025-02-08", 0}, /* ends on the worked Saturday */
    {"2026-02-13", 1, "2026-02-14", 0},
    {"2026-02-14", 1, "2026-02-24", 0},
    {"2026-02-13", 3, "2026-02-25", 0},
    /* 春节 2020 with the extension to 2月2日 */
    {"2020-01-17", 1, "2020-01-19", 0},
    {"2020-01-19", 4, "2020-01-23", 0},
    {"2020-01-19", 5, "2020-02-03", 0},
    {"2020-01-23", 1, "2020-02-03", 0}, /* not 2月1日: its 调休 was cancelled */
    /* 劳动节 2019 as amended */
    {"2019-04-26", 1, "2019-04-28", 0},
    {"2019-04-30", 1, "2019-05-05", 0},
    {"2019-04-30", 2, "2019-05-06", 0},
    /* 国庆节 2024 and 2025 */
    {"2024-09-27", 1, "2024-09-29", 0},
    {"2024-09-30", 1, "2024-10-08", 0},
    {"2025-09-26", 1, "2025-09-28", 0},
    {"2025-09-30", 1, "2025-10-09", 0},
    {"2025-09-30", 3, "2025-10-11", 0}, /* ends on the worked Saturday */
    {"2025-09-30", 4, "2025-10-13", 0},
    /* across years */
    {"2018-12-28", 1, "2018-12-29", 0},
    {"2018-12-28", 2, "2019-01-02", 0},
    {"2022-12-30", 1, "2023-01-03", 0},
    {"2026-12-31", 1, "2027-01-04", 0}, /* into the provisional year */
    {"2027-12-30", 1, "2027-12-31", 0},
    {"2027-12-31", 0, "2027-12-31", 0},
    /* errors */
    {"2024-03-01", -1, NULL, TB_ERR_INVALID},
    {"2024-03-01", INT_MIN, NULL, TB_ERR_INVALID},
    {"2017-12-31", -1, NULL, TB_ERR_INVALID},
    {"2017-12-31", 0, NULL, TB_ERR_RANGE}, /* start outside */
    {"2017-12-31", 1, NULL, TB_ERR_RANGE},
    {"2028-01-01", 1, NULL, TB_ERR_RANGE},
    {"2027-12-30", 2, NULL, TB_ERR_RANGE}, /* result past 2027 */
    {"2027-12-31", 1, NULL, TB_ERR_RANGE},
    {"2026-12-31", 300, NULL, TB_ERR_RANGE},
    {"2018-01-01", INT_MAX, NULL, TB_ERR_RANGE},
};

static void test_add_workdays_table(void **state)
{
    (void)state;
    char buf[TB_DATE_BUF_LEN];
    for (size_t i = 0; i < ARRAY_LEN(add_cases); i++) {
        const struct add_case *c = &add_cases[i];
        struct tb_date out = {1, 1, 1}; /* sentinel: untouched on error */
        int rc = calendar_add_workdays(cal, date_of(c->start), c->n, &out);
        if (rc != c->rc)
            fail_msg("%s + %d: rc %d, expected %d", c->start, c->n, rc, c->rc);
        if (c->rc != 0) {
            if (out.y != 1 || out.m != 1 || out.d != 1)
                fail_msg("%s + %d: *out written on error", c->start, c->n);
        } else if (strcmp(fmt(out, buf), c->expected) != 0) {
            fail_msg("%s + %d: %s, expected %s", c->start, c->n, buf, c->expected);
        }
    }
}

struct between_case {
    const char *a, *b;
    int expected; /* when rc == 0 */
    int rc;
};

/* RULE: 民法典 §201: (a, b], the first day not counted; negated when b is before a. */
static const struct between_case between_cases[] = {
    {"2024-03-01", "2024-03-01", 0, 0},
    {"2024-03-01", "2024-03-04", 1, 0},
    {"2024-03-04", "2024-03-01", -1, 0},
    {"2024-02-09", "2024-02-18", 1, 0},
    {"2024-02-18", "2024-02-09", -1, 0},
    {"2024-02-10", "2024-02-17", 0, 0}, /* all inside 春节 */
    {"2025-09-30", "2025-10-08", 0, 0}, /* all inside 国庆 */
    {"2020-01-23", "2020-02-03", 1, 0},
    {"2018-01-01", "2027-12-31", 250 + 250 + 249 + 250 + 249 + 249 + 251 + 248 + 248 + 254, 0},
    {"2017-12-31", "2018-01-02", 0, TB_ERR_RANGE},
    {"2018-01-02", "2017-12-31", 0, TB_ERR_RANGE},
    {"2024-01-01", "2028-01-01", 0, TB_ERR_RANGE},
};

static void test_workdays_between_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(between_cases); i++) {
        const struct between_case *c = &between_cases[i];
        int n = 12345;
        int rc = calendar_workdays_between(cal, date_of(c->a), date_of(c->b), &n);
        if (rc != c->rc)
            fail_msg("(%s, %s]: rc %d, expected %d", c->a, c->b, rc, c->rc);
        if (rc == 0 && n != c->expected)
            fail_msg("(%s, %s]: %d, expected %d", c->a, c->b, n, c->expected);
        if (rc != 0 && n != 12345)
            fail_msg("(%s, %s]: *out written on error", c->a, c->b);
    }
}

/* The n-th working day after start by walking day by day (the reference). */
static int walk_add(struct tb_date start, int n, struct tb_date *out)
{
    struct tb_date d = start;
    while (n > 0) {
        d = next_day(d);
        if (!calendar_covers(cal, d))
            return TB_ERR_RANGE;
        n -= calendar_is_workday(cal, d);
    }
    *out = d;
    return 0;
}

/*
 * For every start day of the covered years and a spread of n: add agrees
 * with the walk, lands on a working day, and between(start, result) == n,
 * between(result, start) == -n.
 * RULE: 行政许可法 §82. RULE: 民法典 §201.
 */
static void test_add_between_property(void **state)
{
    (void)state;
    static const int NS[] = {0, 1, 2, 3, 5, 8, 13, 20, 30, 60, 120, 250};
    char b1[TB_DATE_BUF_LEN], b2[TB_DATE_BUF_LEN];
    struct tb_date first = {2018, 1, 1}, last = {2027, 12, 31};
    long checked = 0;
    for (struct tb_date s = first; tb_date_cmp(s, last) <= 0; s = next_day(s)) {
        for (size_t k = 0; k < ARRAY_LEN(NS); k++) {
            int n = NS[k];
            struct tb_date got = {0, 0, 0}, want = {0, 0, 0};
            int rc = calendar_add_workdays(cal, s, n, &got);
            int want_rc = walk_add(s, n, &want);
            if (rc != want_rc)
                fail_msg("%s + %d: rc %d, walk %d", fmt(s, b1), n, rc, want_rc);
            if (rc != 0)
                continue;
            if (tb_date_cmp(got, want) != 0)
                fail_msg("%s + %d: %s, walk %s", fmt(s, b1), n, fmt(got, b2), fmt(want, b1));
            if (n > 0 && !calendar_is_workday(cal, got))
                fail_msg("%s + %d: %s is not a working day", fmt(s, b1), n, fmt(got, b2));
            int fwd = 0, back = 0;
            assert_int_equal(calendar_workdays_between(cal, s, got, &fwd), 0);
            assert_int_equal(calendar_workdays_between(cal, got, s, &back), 0);
            if (fwd != n || back != -n)
                fail_msg("%s + %d = %s: between %d and %d", fmt(s, b1), n, fmt(got, b2), fwd, back);
            checked++;
        }
    }
    assert_true(checked > 3652L * 10);
}

/* between against a day-by-day count, and its antisymmetry, over spans of every length class. */
static void test_between_property(void **state)
{
    (void)state;
    static const long SPANS[] = {0, 1, 2, 6, 7, 13, 31, 100, 365, 366, 1000, 3651};
    long first = tb_date_to_days((struct tb_date){2018, 1, 1});
    long last = tb_date_to_days((struct tb_date){2027, 12, 31});
    char b1[TB_DATE_BUF_LEN], b2[TB_DATE_BUF_LEN];
    for (long a = first; a <= last; a += 3) {
        int walked = 0;
        long done = a;
        for (size_t k = 0; k < ARRAY_LEN(SPANS) && a + SPANS[k] <= last; k++) {
            long b = a + SPANS[k];
            for (; done < b; done++)
                walked += calendar_is_workday(cal, tb_date_from_days(done + 1));
            struct tb_date da = tb_date_from_days(a), db = tb_date_from_days(b);
            int fwd = 0, back = 0;
            assert_int_equal(calendar_workdays_between(cal, da, db, &fwd), 0);
            assert_int_equal(calendar_workdays_between(cal, db, da, &back), 0);
            if (fwd != walked || back != -walked)
                fail_msg("(%s, %s]: %d and %d, walk %d", fmt(da, b1), fmt(db, b2), fwd, back,
                         walked);
        }
    }
}

/* ------------------------------------------------------------------------
 * dates
 * ------------------------------------------------------------------------ */

struct parse_case {
    const char *s;
    bool ok;
    struct tb_date d; /* when ok */
};

static const struct parse_case parse_cases[] = {
    {"2024-02-29", true, {2024, 2, 29}}, /* leap year */
    {"2000-02-29", true, {2000, 2, 29}}, /* divisible by 400 */
    {"2023-02-28", true, {2023, 2, 28}},
    {"2023-12-31", true, {2023, 12, 31}},
    {"0001-01-01", true, {1, 1, 1}},
    {"9999-12-31", true, {9999, 12, 31}},
    {"2023-02-29", false, {0, 0, 0}}, /* not a leap year */
    {"1900-02-29", false, {0, 0, 0}}, /* divisible by 100, not by 400 */
    {"2023-04-31", false, {0, 0, 0}},
    {"2023-13-01", false, {0, 0, 0}},
    {"2023-00-10", false, {0, 0, 0}},
    {"2023-01-00", false, {0, 0, 0}},
    {"2023-01-32", false, {0, 0, 0}},
    {"0000-01-01", false, {0, 0, 0}}, /* years are 1..9999 */
    {"2023-2-1", false, {0, 0, 0}},
    {"2023-2-01", false, {0, 0, 0}},
    {"2023-02-1", false, {0, 0, 0}},
    {"23-02-01", false, {0, 0, 0}},
    {"12023-02-01", false, {0, 0, 0}},
    {"2023-02-01x", false, {0, 0, 0}},
    {"2023-02-01 ", false, {0, 0, 0}},
    {" 2023-02-01", false, {0, 0, 0}},
    {"2023-02- 1", false, {0, 0, 0}},
    {"+023-02-01", false, {0, 0, 0}},
    {"-023-02-01", false, {0, 0, 0}},
    {"2023-+2-01", false, {0, 0, 0}},
    {"2023/02/01", false, {0, 0, 0}},
    {"2023-02/01", false, {0, 0, 0}},
    {"20230201", false, {0, 0, 0}},
    {"2023-0a-01", false, {0, 0, 0}},
    {"２０２３-02-01", false, {0, 0, 0}}, /* full-width digits */
    {"", false, {0, 0, 0}},
    {"----------", false, {0, 0, 0}},
};

static void test_date_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(parse_cases); i++) {
        const struct parse_case *c = &parse_cases[i];
        struct tb_date d = {7, 7, 7}; /* sentinel: untouched on error */
        int rc = tb_date_parse(c->s, strlen(c->s), &d);
        if (c->ok) {
            if (rc != 0 || d.y != c->d.y || d.m != c->d.m || d.d != c->d.d)
                fail_msg("\"%s\": rc %d, %d-%d-%d", c->s, rc, d.y, d.m, d.d);
        } else if (rc != TB_ERR_INVALID || d.y != 7 || d.m != 7 || d.d != 7) {
            fail_msg("\"%s\": accepted or *out written (rc %d)", c->s, rc);
        }
    }
}

static void test_date_parse_len(void **state)
{
    (void)state;
    struct tb_date d;
    /* reads exactly len bytes: the rest of the buffer does not matter */
    const char buf[] = {'2', '0', '2', '4', '-', '0', '2', '-', '2', '9', 'x'};
    assert_int_equal(tb_date_parse(buf, TB_DATE_STR_LEN, &d), 0);
    assert_int_equal(d.y * 10000 + d.m * 100 + d.d, 20240229);
    assert_int_equal(tb_date_parse(buf, sizeof buf, &d), TB_ERR_INVALID);
    assert_int_equal(tb_date_parse(buf, TB_DATE_STR_LEN - 1, &d), TB_ERR_INVALID);
    assert_int_equal(tb_date_parse("2024-02-29", 0, &d), TB_ERR_INVALID);
    assert_int_equal(tb_date_parse(NULL, 0, &d), TB_ERR_INVALID);
    const char nul[] = "2024-02\0-29";
    assert_int_equal(tb_date_parse(nul, TB_DATE_STR_LEN, &d), TB_ERR_INVALID);
}

static void test_date_arithmetic(void **state)
{
    (void)state;
    char buf[TB_DATE_BUF_LEN];
    assert_int_equal(tb_date_to_days((struct tb_date){1970, 1, 1}), 0);
    assert_int_equal(tb_date_to_days((struct tb_date){1969, 12, 31}), -1);
    assert_int_equal(tb_date_to_days((struct tb_date){2000, 3, 1}), 11017);
    assert_int_equal(tb_date_weekday((struct tb_date){1970, 1, 1}), 4); /* Thursday */
    assert_int_equal(tb_date_weekday((struct tb_date){2024, 2, 4}), 7); /* Sunday */
    assert_int_equal(tb_date_weekday((struct tb_date){2024, 2, 5}), 1); /* Monday */
    assert_int_equal(tb_date_weekday((struct tb_date){1, 1, 1}), 1);    /* proleptic Monday */
    assert_string_equal(fmt((struct tb_date){1, 2, 3}, buf), "0001-02-03");
    assert_true(tb_date_cmp((struct tb_date){2024, 2, 29}, (struct tb_date){2024, 3, 1}) < 0);
    assert_true(tb_date_cmp((struct tb_date){2025, 1, 1}, (struct tb_date){2024, 12, 31}) > 0);
    assert_int_equal(tb_date_cmp((struct tb_date){2024, 2, 4}, (struct tb_date){2024, 2, 4}), 0);

    /* every day of years 1..9999: consecutive day numbers, weekdays, months in order */
    struct tb_date prev = {1, 1, 1};
    long first = tb_date_to_days(prev), last = tb_date_to_days((struct tb_date){9999, 12, 31});
    for (long n = first + 1; n <= last; n++) {
        struct tb_date d = tb_date_from_days(n);
        if (!tb_date_valid(d) || tb_date_to_days(d) != n || tb_date_cmp(prev, d) >= 0 ||
            tb_date_weekday(d) != tb_date_weekday(prev) % 7 + 1)
            fail_msg("day %ld: %d-%d-%d after %d-%d-%d", n, d.y, d.m, d.d, prev.y, prev.m, prev.d);
        prev = d;
    }
    assert_int_equal(last - first + 1, 3652059); /* 9999 Gregorian years */

    /* format and parse are inverse over the years the calendar may meet */
    for (long n = tb_date_to_days((struct tb_date){1900, 1, 1});
         n <= tb_date_to_days((struct tb_date){2100, 12, 31}); n++) {
        struct tb_date d = tb_date_from_days(n), back;
        fmt(d, buf);
        assert_int_equal(tb_date_parse(buf, strlen(buf), &back), 0);
        assert_int_equal(tb_date_cmp(d, back), 0);
    }
}

/* ------------------------------------------------------------------------
 * parsing the data file
 * ------------------------------------------------------------------------ */

#define Y24 "year,2024,official,N1\n"

struct bad_text_case {
    const char *text;
    int rc;
    const char *line;   /* the message starts with this ("line 2: "), or NULL */
    const char *needle; /* and contains this */
};

static const struct bad_text_case bad_text_cases[] = {
    /* day rows */
    {Y24 "2024-02-30,off,春节,N\n", TB_ERR_INVALID, "line 2: ", "bad date"},
    {Y24 "2024-2-10,off,春节,N\n", TB_ERR_INVALID, "line 2: ", "bad date"},
    {Y24 " 2024-02-10,off,春节,N\n", TB_ERR_INVALID, "line 2: ", "bad date"},
    {Y24 "2024-02-10,holiday,春节,N\n", TB_ERR_INVALID, "line 2: ", "bad kind"},
    {Y24 "2024-02-10,OFF,春节,N\n", TB_ERR_INVALID, "line 2: ", "bad kind"},
    {Y24 "2024-02-10, off,春节,N\n", TB_ERR_INVALID, "line 2: ", "bad kind"},
    /* RULE: 全国年节及纪念日放假办法 §2 (国务院令第795号): the seven festivals */
    {Y24 "2024-02-10,off,除夕,N\n", TB_ERR_INVALID, "line 2: ", "unknown holiday"},
    {Y24 "2024-02-10,off,清明,N\n", TB_ERR_INVALID, "line 2: ", "unknown holiday"},
    /* RULE: a 调休 working day replaces a weekend rest day; on a weekday it is meaningless. */
    {Y24 "2024-02-05,work,春节,N\n", TB_ERR_INVALID, "line 2: ", "2024-02-05 is a weekday"},
    {Y24 "2024-02-09,work,春节,N\n", TB_ERR_INVALID, "line 2: ", "is a weekday"},
    {Y24 "2024-02-10,off,春节,N\n# c\n\n2024-02-10,work,春节,N\n", TB_ERR_INVALID,
     "line 5: ", "already given on line 2"},
    {Y24 "2024-02-10,off,春节,N\n2024-02-10,off,春节,N\n", TB_ERR_INVALID,
     "line 3: ", "already given on line 2"},
    {Y24 "2025-01-01,off,元旦,N\n", TB_ERR_INVALID, "line 2: ", "year 2025, which has no year row"},
    {Y24 "2023-12-31,off,元旦,N\n", TB_ERR_INVALID, "line 2: ", "year 2023, which has no year row"},
    /* sources */
    {Y24 "2024-02-10,off,春节,\n", TB_ERR_INVALID, "line 2: ", "empty source"},
    {Y24 "2024-02-10,off,春节, N\n", TB_ERR_INVALID, "line 2: ", "space around the source"},
    {Y24 "2024-02-10,off,春节,N \n", TB_ERR_INVALID, "line 2: ", "space around the source"},
    {Y24 "2024-02-10,off,春节,N\tN\n", TB_ERR_INVALID, "line 2: ", "not clean UTF-8"},
    {Y24 "2024-02-10,off,春节,N\xff\n", TB_ERR_INVALID, "line 2: ", "not clean UTF-8"},
    {Y24 "2024-02-10,off,春节,\xe5\x9b\n", TB_ERR_INVALID, "line 2: ", "not clean UTF-8"},
    {Y24 "2024-02-10,off,春节,\xed\xa0\x80\n", TB_ERR_INVALID, "line 2: ", "not clean UTF-8"},
    /* field counts */
    {Y24 "2024-02-10,off,春节\n", TB_ERR_INVALID, "line 2: ", "3 fields"},
    {Y24 "2024-02-10,off,春节,国办发明电,2023\n", TB_ERR_INVALID, "line 2: ", "5 fields"},
    {Y24 "2024-02-10\n", TB_ERR_INVALID, "line 2: ", "1 field;"},
    {Y24 " \n", TB_ERR_INVALID, "line 2: ", "1 field;"}, /* only empty lines are blank */
    /* year rows */
    {"year,24,official,N\n", TB_ERR_INVALID, "line 1: ", "bad year"},
    {"year,0000,official,N\n", TB_ERR_INVALID, "line 1: ", "bad year"},
    {"year,20240,official,N\n", TB_ERR_INVALID, "line 1: ", "bad year"},
    {"year,2024,draft,N\n", TB_ERR_INVALID, "line 1: ", "bad status"},
    {"year,2024,official,\n", TB_ERR_INVALID, "line 1: ", "empty source"},
    {Y24 "year,2024,official,N2\n", TB_ERR_INVALID, "line 2: ", "already declared on line 1"},
    {Y24 "year,2026,official,N\n", TB_ERR_INVALID, "line 2: ", "2025 has no year row"},
    {"year,2026,official,N\n# c\n" Y24 "year,2027,official,N\n", TB_ERR_INVALID,
     "line 1: ", "2025 has no year row"},
    {Y24 "year,1900,official,N\n", TB_ERR_INVALID, "line 2: ", "span more than 100 years"},
    /* nothing covered */
    {"", TB_ERR_INVALID, NULL, "no year rows"},
    {"# only a comment\n\n", TB_ERR_INVALID, NULL, "no year rows"},
    {"2024-02-10,off,春节,N\n", TB_ERR_INVALID, NULL, "no year rows"},
};

static void test_parse_bad_texts(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(bad_text_cases); i++) {
        const struct bad_text_case *c = &bad_text_cases[i];
        char err[ERRBUF_LEN] = "";
        struct calendar *c2 = (struct calendar *)&c2; /* not NULL: must be reset */
        int rc = calendar_parse(c->text, strlen(c->text), &c2, err, sizeof err);
        if (rc != c->rc || c2 != NULL)
            fail_msg("case %zu: rc %d, expected %d (\"%s\")", i, rc, c->rc, err);
        if (c->line != NULL ? strncmp(err, c->line, strlen(c->line)) != 0
                            : strncmp(err, "line ", 5) == 0)
            fail_msg("case %zu: \"%s\" should start with \"%s\"", i, err,
                     c->line ? c->line : "(no line)");
        if (strstr(err, c->needle) == NULL)
            fail_msg("case %zu: \"%s\" should contain \"%s\"", i, err, c->needle);
    }
}

static void test_parse_bytes(void **state)
{
    (void)state;
    char err[ERRBUF_LEN];
    /* a NUL byte inside a line */
    static const char nul[] = Y24 "2024-02-10,off,春节,N\0N\n";
    parse_bad(nul, sizeof nul - 1, TB_ERR_INVALID, err);
    assert_string_equal(err, "line 2: NUL byte");
    /* the text ends where len says, not at a NUL */
    static const char cut[] = Y24 "2024-02-05,work,春节,N\n";
    struct calendar *c = parse_ok(cut, strlen(Y24));
    assert_true(calendar_is_workday(c, date_of("2024-02-05")));
    calendar_free(c);
}

static void test_parse_valid(void **state)
{
    (void)state;
    /* CRLF line endings, no final newline, comments and blank lines anywhere */
    static const char text[] = "# test calendar\r\n"
                               "\r\n"
                               "year,2024,official,N24\r\n"
                               "year,2025,provisional,N25\r\n"
                               "2024-02-04,work,春节,A\r\n"
                               "2024-02-12,off,春节,B\r\n"
                               "# 2025\n"
                               "2025-01-01,off,元旦,A";
    struct calendar *c = parse_ok(text, strlen(text));
    assert_int_equal(calendar_first_year(c), 2024);
    assert_int_equal(calendar_last_year(c), 2025);
    assert_false(calendar_year_provisional(c, 2024));
    assert_true(calendar_year_provisional(c, 2025));
    assert_string_equal(calendar_year_notice(c, 2025), "N25");
    assert_true(calendar_is_workday(c, date_of("2024-02-04")));
    assert_string_equal(calendar_day_name(c, date_of("2024-02-04")), "春节调休");
    assert_string_equal(calendar_day_notice(c, date_of("2024-02-04")), "A");
    assert_false(calendar_is_workday(c, date_of("2024-02-12")));
    assert_string_equal(calendar_day_notice(c, date_of("2024-02-12")), "B");
    assert_false(calendar_is_workday(c, date_of("2025-01-01")));
    assert_string_equal(calendar_day_notice(c, date_of("2025-01-01")), "A");
    assert_true(calendar_is_workday(c, date_of("2024-02-13")));
    int n = 0;
    assert_int_equal(calendar_workdays_between(c, date_of("2024-02-09"), date_of("2024-02-13"), &n),
                     0);
    assert_int_equal(n, 1); /* 02-13 only: the 12th is off, the weekend ordinary */
    calendar_free(c);
    calendar_free(NULL);
}

static void test_parse_errbuf(void **state)
{
    (void)state;
    static const char bad[] = Y24 "2024-02-05,work,春节,N\n";
    struct calendar *c = NULL;
    /* no buffer at all */
    assert_int_equal(calendar_parse(bad, strlen(bad), &c, NULL, 0), TB_ERR_INVALID);
    assert_null(c);
    /* a short buffer is truncated and terminated, never overrun */
    char small[9];
    memset(small, 'Z', sizeof small);
    assert_int_equal(calendar_parse(bad, strlen(bad), &c, small, 8), TB_ERR_INVALID);
    assert_string_equal(small, "line 2:");
    assert_int_equal(small[8], 'Z');
    /* errlen 0: untouched */
    small[0] = 'Q';
    assert_int_equal(calendar_parse(bad, strlen(bad), &c, small, 0), TB_ERR_INVALID);
    assert_int_equal(small[0], 'Q');
    /* a long bad field is quoted only in part */
    char err[ERRBUF_LEN];
    struct text t = {0};
    text_add(&t, Y24, strlen(Y24));
    text_add(&t, "2024-02-10,", 11);
    for (int i = 0; i < 200; i++)
        text_add(&t, "k", 1);
    text_add(&t, ",春节,N\n", strlen(",春节,N\n"));
    parse_bad(t.p, t.len, TB_ERR_INVALID, err);
    assert_non_null(strstr(err, "line 2: bad kind"));
    assert_true(strlen(err) < 120);
    free(t.p);
}

/* STYLE 16: each limit at limit - 1, limit, limit + 1. */
static void test_parse_limit_line(void **state)
{
    (void)state;
    char err[ERRBUF_LEN];
    for (size_t n = MAX_LINE_BYTES - 1; n <= MAX_LINE_BYTES + 1; n++) {
        struct text t = {0};
        text_add(&t, Y24, strlen(Y24));
        text_comment_of(&t, n);
        if (n <= MAX_LINE_BYTES) {
            calendar_free(parse_ok(t.p, t.len));
        } else {
            parse_bad(t.p, t.len, TB_ERR_INVALID, err);
            assert_string_equal(err, "line 2: line is 513 bytes, limit 512");
        }
        free(t.p);
    }
}

static void test_parse_limit_notice(void **state)
{
    (void)state;
    char err[ERRBUF_LEN];
    for (size_t n = MAX_NOTICE_BYTES - 1; n <= MAX_NOTICE_BYTES + 1; n++) {
        struct text t = {0};
        text_line(&t, "# a day row's source");
        text_add(&t, Y24, strlen(Y24));
        text_add(&t, "2024-02-10,off,春节,", strlen("2024-02-10,off,春节,"));
        for (size_t i = 0; i < n; i++)
            text_add(&t, "N", 1);
        text_add(&t, "\n", 1);
        if (n <= MAX_NOTICE_BYTES) {
            struct calendar *c = parse_ok(t.p, t.len);
            assert_int_equal(strlen(calendar_day_notice(c, date_of("2024-02-10"))), n);
            calendar_free(c);
        } else {
            parse_bad(t.p, t.len, TB_ERR_INVALID, err);
            assert_string_equal(err, "line 3: source is 161 bytes, limit 160");
        }
        free(t.p);
    }
}

static void test_parse_limit_text(void **state)
{
    (void)state;
    char err[ERRBUF_LEN];
    for (size_t size = MAX_TEXT_BYTES - 1; size <= MAX_TEXT_BYTES + 1; size++) {
        struct text t = {0};
        text_add(&t, Y24, strlen(Y24));
        while (t.len + 100 <= size)
            text_comment_of(&t, 99);
        if (t.len < size)
            text_comment_of(&t, size - t.len); /* the last line has no newline... */
        t.len = size;                          /* ...so drop the one it got */
        if (size <= MAX_TEXT_BYTES) {
            calendar_free(parse_ok(t.p, t.len));
        } else {
            parse_bad(t.p, t.len, TB_ERR_TOO_LARGE, err);
            assert_non_null(strstr(err, "limit 1048576"));
        }
        free(t.p);
    }
}

static void test_parse_limit_years(void **state)
{
    (void)state;
    char err[ERRBUF_LEN], line[64];
    for (int nyears = MAX_YEARS - 1; nyears <= MAX_YEARS + 1; nyears++) {
        struct text t = {0};
        for (int y = 2000; y < 2000 + nyears; y++) {
            snprintf(line, sizeof line, "year,%d,official,N", y);
            text_line(&t, line);
        }
        if (nyears <= MAX_YEARS) {
            struct calendar *c = parse_ok(t.p, t.len);
            assert_int_equal(calendar_last_year(c), 2000 + nyears - 1);
            calendar_free(c);
        } else {
            parse_bad(t.p, t.len, TB_ERR_INVALID, err);
            assert_string_equal(err, "line 101: more than 100 years");
        }
        free(t.p);
    }
}

static void test_parse_limit_notices(void **state)
{
    (void)state;
    char err[ERRBUF_LEN], line[64], buf[TB_DATE_BUF_LEN];
    for (int nnotices = MAX_NOTICES - 1; nnotices <= MAX_NOTICES + 1; nnotices++) {
        struct text t = {0};
        text_line(&t, "year,2024,official,N");
        text_line(&t, "year,2025,official,N");
        text_line(&t, "year,2026,official,N"); /* 1096 days: room for 1001 rows */
        struct tb_date d = {2024, 1, 1};
        for (int i = 0; i < nnotices; i++, d = next_day(d)) {
            snprintf(line, sizeof line, "%s,off,春节,S%04d", fmt(d, buf), i);
            text_line(&t, line);
        }
        if (nnotices <= MAX_NOTICES) {
            calendar_free(parse_ok(t.p, t.len));
        } else {
            parse_bad(t.p, t.len, TB_ERR_INVALID, err);
            assert_string_equal(err, "line 1004: more than 1000 distinct sources");
        }
        free(t.p);
    }
}

static void test_load_file(void **state)
{
    (void)state;
    char err[ERRBUF_LEN];
    struct calendar *c = (struct calendar *)&c;
    assert_int_equal(calendar_load_file("/nonexistent/cn.csv", &c, err, sizeof err), TB_ERR_IO);
    assert_null(c);
    assert_non_null(strstr(err, "/nonexistent/cn.csv: "));

    /* parse errors are prefixed with the path */
    char path[] = "/tmp/tb_test_calendar.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(Y24 "2024-02-05,work,春节,N\n", f);
    assert_int_equal(fclose(f), 0);
    c = (struct calendar *)&c;
    assert_int_equal(calendar_load_file(path, &c, err, sizeof err), TB_ERR_INVALID);
    assert_null(c);
    remove(path);
    char want[ERRBUF_LEN];
    snprintf(want, sizeof want, "%s: line 2: ", path);
    assert_true(strncmp(err, want, strlen(want)) == 0);
}

/* ------------------------------------------------------------------------
 * tongban calendar dump
 * ------------------------------------------------------------------------ */

/* Dumps from..to into a temporary file; returns the rc and the text in out (caller frees). */
static int dump(const char *from, const char *to, char **out, size_t *len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    int rc = calendar_cli_dump(cal, from, to, f);
    long size = ftell(f);
    assert_true(size >= 0);
    rewind(f);
    char *text = malloc((size_t)size + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
    text[size] = '\0';
    fclose(f);
    *out = text;
    *len = (size_t)size;
    return rc;
}

static void test_cli_dump(void **state)
{
    (void)state;
    char *text;
    size_t len;
    assert_int_equal(dump("2024-02-03", "2024-02-05", &text, &len), 0);
    assert_string_equal(text, "2024-02-03\t0\t\n"
                              "2024-02-04\t1\t春节调休\n"
                              "2024-02-05\t1\t\n");
    free(text);

    assert_int_equal(dump("2020-01-31", "2020-01-31", &text, &len), 0);
    assert_string_equal(text, "2020-01-31\t0\t春节\n");
    free(text);

    /* every covered day, one line each, agreeing with the query functions */
    assert_int_equal(dump("2018-01-01", "2027-12-31", &text, &len), 0);
    char *line = text;
    struct tb_date d = {2018, 1, 1};
    int nlines = 0;
    char buf[TB_DATE_BUF_LEN], want[64];
    while (*line != '\0') {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        const char *name = calendar_day_name(cal, d);
        snprintf(want, sizeof want, "%s\t%d\t%s", fmt(d, buf), calendar_is_workday(cal, d),
                 name ? name : "");
        if ((size_t)(nl - line) != strlen(want) || strncmp(line, want, strlen(want)) != 0)
            fail_msg("dump line %d: \"%.*s\", expected \"%s\"", nlines + 1, (int)(nl - line), line,
                     want);
        nlines++;
        d = next_day(d);
        line = nl + 1;
    }
    assert_int_equal(nlines, 3652);
    free(text);
}

static void test_cli_dump_errors(void **state)
{
    (void)state;
    char *text;
    size_t len;
    static const struct {
        const char *from, *to;
        int rc;
    } cases[] = {
        {"2024-02-05", "2024-02-04", TB_ERR_INVALID}, /* from after to */
        {"2024-02-30", "2024-03-01", TB_ERR_INVALID}, {"2024-02-01", "2024-3-01", TB_ERR_INVALID},
        {"", "2024-03-01", TB_ERR_INVALID},           {"2017-12-31", "2018-01-05", TB_ERR_RANGE},
        {"2027-12-01", "2028-01-01", TB_ERR_RANGE},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        int rc = dump(cases[i].from, cases[i].to, &text, &len);
        if (rc != cases[i].rc || len != 0)
            fail_msg("dump %s..%s: rc %d, %zu bytes; expected %d", cases[i].from, cases[i].to, rc,
                     len, cases[i].rc);
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_days),
        cmocka_unit_test(test_day_notices),
        cmocka_unit_test(test_workdays_per_year),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_provisional),
        cmocka_unit_test(test_add_workdays_table),
        cmocka_unit_test(test_workdays_between_table),
        cmocka_unit_test(test_add_between_property),
        cmocka_unit_test(test_between_property),
        cmocka_unit_test(test_date_parse_table),
        cmocka_unit_test(test_date_parse_len),
        cmocka_unit_test(test_date_arithmetic),
        cmocka_unit_test(test_parse_bad_texts),
        cmocka_unit_test(test_parse_bytes),
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_errbuf),
        cmocka_unit_test(test_parse_limit_line),
        cmocka_unit_test(test_parse_limit_notice),
        cmocka_unit_test(test_parse_limit_text),
        cmocka_unit_test(test_parse_limit_years),
        cmocka_unit_test(test_parse_limit_notices),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_cli_dump),
        cmocka_unit_test(test_cli_dump_errors),
    };
    return cmocka_run_group_tests(tests, load_calendar, free_calendar);
}
