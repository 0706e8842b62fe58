/*
 * calendar.h - the mainland China working-day calendar (工作日历).
 *
 * Case deadlines count working days (行政许可法 §82), and which days are
 * working days is set each year by a State Council notice: public holidays
 * off, some weekend days worked instead (调休). This module loads that
 * table (data/calendar/cn.csv, format documented at the top of the file)
 * and answers "is this a working day", "what is the N-th working day after
 * X", "how many working days between X and Y". It is pure: no clock, no
 * database, no I/O except calendar_load_file and calendar_cli_dump.
 *
 * Dates are struct tb_date, a proleptic Gregorian calendar date with no
 * time zone: the caller decides which day "today" is (Asia/Shanghai, see
 * tb_time_shanghai_date). A struct tb_date handed to this API must be valid
 * (tb_date_valid); dates from users go through tb_date_parse first.
 *
 * Coverage: the calendar covers whole years, first..last, with no gap.
 * Deadline arithmetic (add, between) refuses dates outside with
 * TB_ERR_RANGE instead of guessing holidays; calendar_is_workday falls back
 * to Monday-Friday there and calendar_covers says whether it did. A covered
 * year may be provisional (its notice is not published yet): answers over it
 * are the best known and must be recomputed when the notice arrives.
 *
 * A struct calendar is immutable after parsing and may be shared by threads.
 */
#ifndef TB_CALENDAR_H
#define TB_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* ------------------------------------------------------------------ dates */

struct tb_date {
    int y; /* 1..9999 */
    int m; /* 1..12 */
    int d; /* 1..days in month */
};

#define TB_DATE_STR_LEN 10 /* "YYYY-MM-DD" */
#define TB_DATE_BUF_LEN 11 /* with the NUL */

/* True when d is a real day of years 1..9999 (2024-02-29 yes, 2023-02-29 no). */
bool tb_date_valid(struct tb_date d);

/*
 * Parses exactly "YYYY-MM-DD" from the len bytes at s (s need not be
 * NUL-terminated): four-digit year, two-digit month and day, a real day.
 * Rejects "2023-2-1", "2023-02-29", "2023-02-01x", " 2023-02-01", signs and
 * spaces. 0, or TB_ERR_INVALID with *out untouched.
 */
int tb_date_parse(const char *s, size_t len, struct tb_date *out);

/* Writes "YYYY-MM-DD" and a NUL into out. d must be valid. */
void tb_date_format(struct tb_date d, char out[TB_DATE_BUF_LEN]);

/* Days since 1970-01-01 (negative before). d must be valid. */
long tb_date_to_days(struct tb_date d);
/* The date days after 1970-01-01; the result must fall in years 1..9999. */
struct tb_date tb_date_from_days(long days);
/* ISO weekday: 1 = Monday .. 7 = Sunday. d must be valid. */
int tb_date_weekday(struct tb_date d);
/* <0, 0, >0 as a is before, the same as, after b. */
int tb_date_cmp(struct tb_date a, struct tb_date b);

/* --------------------------------------------------------------- calendar */

struct calendar;

/*
 * Parses a calendar from len bytes of text in the cn.csv format. On success
 * *out is a new calendar the caller frees with calendar_free. On failure
 * *out is NULL and, when errbuf is not NULL, errbuf holds a message naming
 * the line ("line 12: 2024-02-05 is a Monday; a work day must be a weekend
 * day"). Returns 0, TB_ERR_INVALID (bad data), TB_ERR_TOO_LARGE (over the
 * size limit) or TB_ERR_NOMEM.
 */
int calendar_parse(const char *text, size_t len, struct calendar **out, char *errbuf,
                   size_t errlen);

/*
 * calendar_parse on the contents of the file at path; errors are prefixed
 * with the path. Adds TB_ERR_IO when the file cannot be read.
 */
int calendar_load_file(const char *path, struct calendar **out, char *errbuf, size_t errlen);

/* Frees cal and everything it owns; NULL is fine. */
void calendar_free(struct calendar *cal);

/* The first and last covered years (inclusive). */
int calendar_first_year(const struct calendar *cal);
int calendar_last_year(const struct calendar *cal);

/* True when d falls in a covered year. */
bool calendar_covers(const struct calendar *cal, struct tb_date d);

/*
 * True when d is a working day: a weekday that is not a day off, or a
 * weekend day worked instead (调休). Outside the covered years the answer is
 * plain Monday-Friday; check calendar_covers when that matters.
 */
bool calendar_is_workday(const struct calendar *cal, struct tb_date d);

/*
 * The name of a special day, or NULL for an ordinary day or one outside the
 * covered years: the holiday for a day off ("春节"), the holiday followed by
 * 调休 for a weekend day worked instead ("春节调休"). Static storage.
 */
const char *calendar_day_name(const struct calendar *cal, struct tb_date d);

/* The notice that set a special day ("国办发明电〔2023〕7号"), or NULL. Owned by cal. */
const char *calendar_day_notice(const struct calendar *cal, struct tb_date d);

/*
 * The n-th working day after start, counting from the day after start, the
 * way deadlines run (民法典 §201: the first day is not counted): n = 1 on a
 * Friday before an ordinary weekend gives the next Monday, whatever start
 * itself is. n = 0 gives start unchanged. Returns 0, TB_ERR_INVALID for
 * n < 0, TB_ERR_RANGE when start or the result falls outside the covered
 * years (*out untouched on error). O(log days).
 */
int calendar_add_workdays(const struct calendar *cal, struct tb_date start, int n,
                          struct tb_date *out);

/*
 * The number of working days in (a, b]: after a, up to and including b, so
 * that calendar_workdays_between(a, calendar_add_workdays(a, n)) == n. When
 * b is before a the count of (b, a] is returned negated (days overdue).
 * Returns 0 or TB_ERR_RANGE when a or b is outside the covered years. O(1).
 */
int calendar_workdays_between(const struct calendar *cal, struct tb_date a, struct tb_date b,
                              int *out);

/*
 * True when the year's arrangement is provisional (notice not published),
 * and for any year outside the covered range: nothing there is confirmed.
 */
bool calendar_year_provisional(const struct calendar *cal, int year);

/* True when any year from a.y to b.y (either order) is provisional. */
bool calendar_span_provisional(const struct calendar *cal, struct tb_date a, struct tb_date b);

/* The notice of a covered year as declared in the data, or NULL. Owned by cal. */
const char *calendar_year_notice(const struct calendar *cal, int year);

/* ------------------------------------------------------------------- cli */

/*
 * `tongban calendar dump --from X --to Y`: one line per day from..to, both
 * "YYYY-MM-DD" and covered, "YYYY-MM-DD<TAB>1|0<TAB>name-or-empty\n" with 1
 * for a working day. Returns 0, TB_ERR_INVALID (bad date, from after to),
 * TB_ERR_RANGE (outside the covered years), TB_ERR_IO (write failed).
 * Implemented in cli.c.
 */
int calendar_cli_dump(const struct calendar *cal, const char *from, const char *to, FILE *out);

#endif
