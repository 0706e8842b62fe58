/*
 * deadline.h - case deadlines and warning levels (docs/cases.md "Deadlines
 * and warnings", SPEC §5, §16). Pure: the calendar in, dates out.
 *
 * One function computes a due date from its inputs every time (acceptance,
 * resume, extension, a calendar change), so that dates never drift from
 * what they were computed from; the days the case turns yellow and severe
 * are computed with it and stored, so that the warning sweep compares
 * strings and never touches the calendar.
 */
#ifndef TB_CASES_DEADLINE_H
#define TB_CASES_DEADLINE_H

#include <stdbool.h>

struct calendar;

#define CASE_DUE_LEN 10 /* YYYY-MM-DD */

enum case_warning {
    CW_GREEN,  /* 正常 */
    CW_YELLOW, /* 预警: 90% of the limit used, or one working day left */
    CW_RED,    /* 超期: past the due date */
    CW_SEVERE, /* 严重超期: overdue by more than the limit again */
    CW__COUNT
};

struct case_due {
    char due[CASE_DUE_LEN + 1];       /* the last day */
    char yellow_on[CASE_DUE_LEN + 1]; /* the first yellow day */
    char severe_on[CASE_DUE_LEN + 1]; /* the first severe day (red from the day after due) */
};

/*
 * The deadline of `limit` working days (the item's days plus extensions),
 * with `suspended` working days of clock stops added, counted from `start`
 * (the acceptance day, YYYY-MM-DD): from the next day (民法典 §201), or
 * from start itself when same_day and start is a working day. Returns 0,
 * TB_ERR_INVALID (bad date, negative days) or TB_ERR_RANGE (outside the
 * calendar's years).
 */
int case_due_compute(const struct calendar *cal, const char *start, bool same_day, int limit,
                     int suspended, struct case_due *out);

/* The level on `today` (YYYY-MM-DD) of a computed deadline. */
enum case_warning case_warning_at(const char *today, const struct case_due *d);

/* "green", "yellow", "red", "severe"; the Chinese label; parse (-1 unknown). */
const char *case_warning_name(enum case_warning w);
const char *case_warning_zh(enum case_warning w);
int case_warning_parse(const char *s);

/* Working days from today to due: negative when overdue. TB_ERR_* on bad
 * input or outside the calendar. */
int case_days_left(const struct calendar *cal, const char *today, const char *due, int *out);

#endif
