/*
 * cli.c - `tongban calendar dump`: the calendar as plain lines, so that an
 * independent source (the npm package chinese-days, scripts/test-calendar.sh)
 * can check every day of it.
 */
#include "calendar/calendar.h"
#include "lib/err.h"

#include <string.h>

int calendar_cli_dump(const struct calendar *cal, const char *from, const char *to, FILE *out)
{
    struct tb_date a, b;
    if (tb_date_parse(from, strlen(from), &a) < 0 || tb_date_parse(to, strlen(to), &b) < 0 ||
        tb_date_cmp(a, b) > 0)
        return TB_ERR_INVALID;
    if (!calendar_covers(cal, a) || !calendar_covers(cal, b))
        return TB_ERR_RANGE;
    long first = tb_date_to_days(a), last = tb_date_to_days(b);
    for (long day = first; day <= last; day++) {
        struct tb_date d = tb_date_from_days(day);
        char buf[TB_DATE_BUF_LEN];
        const char *name = calendar_day_name(cal, d);
        tb_date_format(d, buf);
        if (fprintf(out, "%s\t%d\t%s\n", buf, calendar_is_workday(cal, d) ? 1 : 0,
                    name ? name : "") < 0)
            return TB_ERR_IO;
    }
    return fflush(out) == 0 ? TB_OK : TB_ERR_IO;
}
