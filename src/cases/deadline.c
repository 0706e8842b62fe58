/*
 * deadline.c - due dates and warning levels (deadline.h).
 *
 * With N the working days to count (limit + suspended, one less when the
 * start day itself counts), due is the N-th working day after start. The
 * case turns yellow when R or fewer working days are left, R = max(1,
 * L - ceil(0.9 L)) with L the limit: the (N - R)-th working day after
 * start, since exactly R working days lie in (that day, due]. It turns red
 * the day after due, and severe the day after the L-th working day after
 * due.
 */
#include "cases/deadline.h"
#include "calendar/calendar.h"
#include "lib/err.h"

#include <string.h>

static const char *const warning_names[CW__COUNT] = {"green", "yellow", "red", "severe"};
static const char *const warning_zh[CW__COUNT] = {"正常", "预警", "超期", "严重超期"};

const char *case_warning_name(enum case_warning w)
{
    return (unsigned)w < CW__COUNT ? warning_names[w] : "green";
}

const char *case_warning_zh(enum case_warning w)
{
    return (unsigned)w < CW__COUNT ? warning_zh[w] : warning_zh[0];
}

int case_warning_parse(const char *s)
{
    for (int i = 0; s && i < CW__COUNT; i++)
        if (strcmp(s, warning_names[i]) == 0)
            return i;
    return -1;
}

static int parse(const char *s, struct tb_date *d)
{
    return s && tb_date_parse(s, strlen(s), d) == 0 ? 0 : TB_ERR_INVALID;
}

int case_due_compute(const struct calendar *cal, const char *start, bool same_day, int limit,
                     int suspended, struct case_due *out)
{
    struct tb_date s, due, yellow, severe;
    if (parse(start, &s) < 0 || limit < 0 || suspended < 0)
        return TB_ERR_INVALID;
    int n = limit + suspended;
    /* RULE: SPEC §16 same_day: the acceptance day is day 1 when it is a working day */
    if (same_day && n > 0 && calendar_is_workday(cal, s))
        n--;
    int rc = calendar_add_workdays(cal, s, n, &due);
    if (rc < 0)
        return rc;
    /* RULE: SPEC §16 yellow at 90% of the limit used or 1 working day left */
    int r = limit - (limit * 9 + 9) / 10;
    if (r < 1)
        r = 1;
    if (n - r <= 0)
        yellow = s;
    else if ((rc = calendar_add_workdays(cal, s, n - r, &yellow)) < 0)
        return rc;
    /* severe: overdue by more than the limit again */
    struct tb_date last;
    if ((rc = calendar_add_workdays(cal, due, limit, &last)) < 0)
        return rc;
    severe = tb_date_from_days(tb_date_to_days(last) + 1);
    tb_date_format(due, out->due);
    tb_date_format(yellow, out->yellow_on);
    tb_date_format(severe, out->severe_on);
    return 0;
}

enum case_warning case_warning_at(const char *today, const struct case_due *d)
{
    if (strcmp(today, d->severe_on) >= 0)
        return CW_SEVERE;
    if (strcmp(today, d->due) > 0)
        return CW_RED;
    if (strcmp(today, d->yellow_on) >= 0)
        return CW_YELLOW;
    return CW_GREEN;
}

int case_days_left(const struct calendar *cal, const char *today, const char *due, int *out)
{
    struct tb_date t, d;
    if (parse(today, &t) < 0 || parse(due, &d) < 0)
        return TB_ERR_INVALID;
    return calendar_workdays_between(cal, t, d, out);
}
