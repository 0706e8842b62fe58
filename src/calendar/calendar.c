/*
 * calendar.c - dates, the calendar data file, and working-day arithmetic.
 *
 * The idea: the calendar covers whole years, so it is a dense array with
 * one entry per day from January 1 of the first year to December 31 of the
 * last (about 3,650 entries for ten years). Each entry says whether the day
 * is ordinary, a day off or a weekend day worked instead, and which holiday
 * and notice it belongs to. A prefix sum of working days over that array
 * makes "working days between a and b" two lookups and "the n-th working
 * day after x" a binary search, so deadline arithmetic costs the same for 1
 * working day as for 250.
 *
 * The data file (data/calendar/cn.csv, format at its top) is read in two
 * passes over the text: the first checks every line and collects the
 * declared years, which fixes the size of the day array; the second fills
 * the days, which can then be checked against each other (duplicates,
 * "work" on a weekday, a day in a year nobody declared). Every error names
 * its line: the file is edited by hand and by admins.
 *
 * Callers: the case deadline code (add, between), the workbench and the
 * supervision board (is_workday, day_name), `tongban calendar dump`.
 *
 * Memory: everything a calendar owns comes from its arena and goes with
 * calendar_free; the parse has one temporary array, freed before return.
 */
#include "calendar/calendar.h"
#include "lib/arena.h"
#include "lib/err.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ================================================================ limits */

#define CALENDAR_MAX_TEXT_BYTES                                                                    \
    (1024 * 1024) /* a century of rows fits in ~2 MiB; ten years ~30 KiB */
#define CALENDAR_MAX_LINE_BYTES   512
#define CALENDAR_MAX_NOTICE_BYTES 160
#define CALENDAR_MAX_YEARS        100
#define CALENDAR_MAX_NOTICES      1000 /* distinct source texts */
#define CALENDAR_FIELDS           4
#define CALENDAR_ERR_QUOTE_BYTES  48 /* how much of a bad field an error message repeats */
#define CALENDAR_ARENA_BLOCK      (64 * 1024)

/* ================================================================ tables */

/*
 * The holidays a row may name. RULE: 全国年节及纪念日放假办法 §2 (国务院令第795号):
 * the seven festivals on which all citizens have days off. A new festival
 * (2015 had a one-off 抗战胜利纪念日) is a new row here.
 */
static const struct holiday {
    const char *name;      /* in the data file and on days off */
    const char *work_name; /* on weekend days worked instead */
} HOLIDAYS[] = {
    {"元旦", "元旦调休"},     {"春节", "春节调休"},     {"清明节", "清明节调休"},
    {"劳动节", "劳动节调休"}, {"端午节", "端午节调休"}, {"中秋节", "中秋节调休"},
    {"国庆节", "国庆节调休"},
};
#define NHOLIDAYS (sizeof HOLIDAYS / sizeof HOLIDAYS[0])

enum day_kind {
    DAY_ORDINARY = 0, /* no row: Monday-Friday worked, weekend off */
    DAY_OFF = 1,      /* 放假: off whatever the weekday */
    DAY_WORK = 2,     /* 调休上班: a weekend day worked */
};

static const struct {
    const char *word;
    enum day_kind kind;
} KINDS[] = {
    {"off", DAY_OFF},
    {"work", DAY_WORK},
};

static const struct {
    const char *word;
    bool provisional;
} STATUSES[] = {
    {"official", false},
    {"provisional", true},
};

/* ================================================================ types */

struct cal_year {
    bool declared; /* a year row was seen (parsing checks there is no gap) */
    bool provisional;
    const char *notice; /* owned by the calendar's arena */
};

struct calendar {
    struct tb_arena arena;
    int first_year, last_year;
    long first_day; /* tb_date_to_days of first_year-01-01 */
    int ndays;
    unsigned char *kind;    /* ndays entries, enum day_kind */
    unsigned char *holiday; /* ndays entries, index into HOLIDAYS when kind != ordinary */
    unsigned short *notice; /* ndays entries, index into notices when kind != ordinary */
    int *workdays_before;   /* ndays + 1 entries: working days among days [0, i) */
    struct cal_year *years; /* last_year - first_year + 1 entries */
    const char **notices;   /* distinct source texts of day rows */
    size_t nnotices;
};

/* ================================================================ dates */

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int DAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    assert(m >= 1 && m <= 12);
    return m == 2 && is_leap(y) ? 29 : DAYS[m - 1];
}

bool tb_date_valid(struct tb_date d)
{
    return d.y >= 1 && d.y <= 9999 && d.m >= 1 && d.m <= 12 && d.d >= 1 &&
           d.d <= days_in_month(d.y, d.m);
}

/* n ASCII digits at s as a number, or -1 when any is not a digit. */
static int parse_digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int tb_date_parse(const char *s, size_t len, struct tb_date *out)
{
    if (s == NULL || len != TB_DATE_STR_LEN || s[4] != '-' || s[7] != '-')
        return TB_ERR_INVALID;
    struct tb_date d = {parse_digits(s, 4), parse_digits(s + 5, 2), parse_digits(s + 8, 2)};
    if (!tb_date_valid(d))
        return TB_ERR_INVALID;
    *out = d;
    return 0;
}

void tb_date_format(struct tb_date d, char out[TB_DATE_BUF_LEN])
{
    assert(tb_date_valid(d));
    snprintf(out, TB_DATE_BUF_LEN, "%04d-%02d-%02d", d.y, d.m, d.d);
}

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar. */
long tb_date_to_days(struct tb_date d)
{
    assert(tb_date_valid(d));
    long y = d.y - (d.m <= 2);
    long era = y / 400; /* y >= 0 for years 1..9999 */
    long yoe = y - era * 400;
    long doy = (153 * (d.m + (d.m > 2 ? -3 : 9)) + 2) / 5 + d.d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct tb_date tb_date_from_days(long days)
{
    long z = days + 719468;
    assert(z >= 0);
    long era = z / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    struct tb_date d;
    d.d = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.m = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.y = (int)(yoe + era * 400 + (d.m <= 2));
    assert(tb_date_valid(d));
    return d;
}

static int weekday_of_days(long days)
{
    /* 1970-01-01 was a Thursday (ISO 4). */
    return (int)(((days % 7) + 7 + 3) % 7) + 1;
}

int tb_date_weekday(struct tb_date d)
{
    return weekday_of_days(tb_date_to_days(d));
}

int tb_date_cmp(struct tb_date a, struct tb_date b)
{
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    if (a.m != b.m)
        return a.m < b.m ? -1 : 1;
    return a.d < b.d ? -1 : a.d > b.d;
}

/* ================================================================ queries */

/* Index of d in the day arrays, or -1 when d is outside the covered years. */
static long day_index(const struct calendar *cal, struct tb_date d)
{
    assert(tb_date_valid(d));
    if (d.y < cal->first_year || d.y > cal->last_year)
        return -1;
    long i = tb_date_to_days(d) - cal->first_day;
    assert(i >= 0 && i < cal->ndays);
    return i;
}

/*
 * RULE: 国务院关于职工工作时间的规定 §7: Saturday and Sunday are the weekly
 * rest days. RULE: 全国年节及纪念日放假办法 and the yearly State Council
 * notice: days off are not worked, weekend days named in the notice are.
 */
static bool kind_is_workday(enum day_kind kind, int weekday)
{
    switch (kind) {
    case DAY_OFF:
        return false;
    case DAY_WORK:
        return true;
    case DAY_ORDINARY:
        break;
    }
    return weekday <= 5;
}

int calendar_first_year(const struct calendar *cal)
{
    return cal->first_year;
}

int calendar_last_year(const struct calendar *cal)
{
    return cal->last_year;
}

bool calendar_covers(const struct calendar *cal, struct tb_date d)
{
    return day_index(cal, d) >= 0;
}

bool calendar_is_workday(const struct calendar *cal, struct tb_date d)
{
    long i = day_index(cal, d);
    if (i < 0)
        return tb_date_weekday(d) <= 5; /* outside coverage: Monday-Friday, see calendar_covers */
    return cal->workdays_before[i + 1] != cal->workdays_before[i];
}

const char *calendar_day_name(const struct calendar *cal, struct tb_date d)
{
    long i = day_index(cal, d);
    if (i < 0 || cal->kind[i] == DAY_ORDINARY)
        return NULL;
    const struct holiday *h = &HOLIDAYS[cal->holiday[i]];
    return cal->kind[i] == DAY_WORK ? h->work_name : h->name;
}

const char *calendar_day_notice(const struct calendar *cal, struct tb_date d)
{
    long i = day_index(cal, d);
    if (i < 0 || cal->kind[i] == DAY_ORDINARY)
        return NULL;
    return cal->notices[cal->notice[i]];
}

/*
 * RULE: 行政许可法 §82: deadlines in working days exclude statutory holidays.
 * RULE: 民法典 §201: the day a period starts is not counted; it runs from the
 * next day. So the answer is the n-th working day strictly after start.
 */
int calendar_add_workdays(const struct calendar *cal, struct tb_date start, int n,
                          struct tb_date *out)
{
    if (n < 0 || !tb_date_valid(start))
        return TB_ERR_INVALID;
    long i = day_index(cal, start);
    if (i < 0)
        return TB_ERR_RANGE;
    if (n == 0) {
        *out = start;
        return 0;
    }
    const int *pre = cal->workdays_before;
    long target = (long)pre[i + 1] + n; /* working days in [0, answer] */
    if (target > pre[cal->ndays])
        return TB_ERR_RANGE;
    /* The smallest k with pre[k] >= target; pre rises by one exactly at
     * working days, so day k - 1 is the working day that reaches target. */
    long lo = i + 2, hi = cal->ndays;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (pre[mid] >= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    assert(pre[lo] == target && pre[lo - 1] == target - 1);
    *out = tb_date_from_days(cal->first_day + lo - 1);
    return 0;
}

int calendar_workdays_between(const struct calendar *cal, struct tb_date a, struct tb_date b,
                              int *out)
{
    if (!tb_date_valid(a) || !tb_date_valid(b))
        return TB_ERR_INVALID;
    long ia = day_index(cal, a), ib = day_index(cal, b);
    if (ia < 0 || ib < 0)
        return TB_ERR_RANGE;
    *out = cal->workdays_before[ib + 1] - cal->workdays_before[ia + 1];
    return 0;
}

bool calendar_year_provisional(const struct calendar *cal, int year)
{
    if (year < cal->first_year || year > cal->last_year)
        return true;
    return cal->years[year - cal->first_year].provisional;
}

bool calendar_span_provisional(const struct calendar *cal, struct tb_date a, struct tb_date b)
{
    int lo = a.y < b.y ? a.y : b.y, hi = a.y < b.y ? b.y : a.y;
    for (int y = lo; y <= hi; y++) {
        if (calendar_year_provisional(cal, y))
            return true;
    }
    return false;
}

const char *calendar_year_notice(const struct calendar *cal, int year)
{
    if (year < cal->first_year || year > cal->last_year)
        return NULL;
    return cal->years[year - cal->first_year].notice;
}

void calendar_free(struct calendar *cal)
{
    if (cal == NULL)
        return;
    tb_arena_free(&cal->arena);
    free(cal);
}

/* ================================================================ parsing */

struct field {
    const char *p;
    size_t n;
};

/* Parse state shared by both passes. */
struct parser {
    const char *text;
    size_t len;
    char *errbuf;
    size_t errlen;
    struct calendar *cal;
    /* pass 1: the year rows seen, in file order */
    struct {
        int year;
        bool provisional;
        int line;
        struct field notice;
    } years[CALENDAR_MAX_YEARS];
    int nyears;
    int *set_on_line; /* pass 2: line of the row that set each day, 0 = none */
};

static int fail(struct parser *ps, int err, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes "line N: message" (or just the message when line is 0) to errbuf. */
static int fail(struct parser *ps, int err, int line, const char *fmt, ...)
{
    if (ps->errbuf == NULL || ps->errlen == 0)
        return err;
    size_t at = 0;
    if (line > 0) {
        int w = snprintf(ps->errbuf, ps->errlen, "line %d: ", line);
        at = w < 0 ? 0 : (size_t)w;
    }
    if (at < ps->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ps->errbuf + at, ps->errlen - at, fmt, ap);
        va_end(ap);
    }
    return err;
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), 0 when invalid. */
static size_t utf8_char_len(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len;
    unsigned min;
    unsigned cp;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2, min = 0x80, cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3, min = 0x800, cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4, min = 0x10000, cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* True when the n bytes at s are valid UTF-8 without control characters. */
static bool is_clean_text(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (u[i] < 0x20 || u[i] == 0x7F)
            return false;
        size_t c = utf8_char_len(u + i, n - i);
        if (c == 0)
            return false;
        i += c;
    }
    return true;
}

/* How many bytes of f an error message may repeat: bounded, and never
 * cutting a UTF-8 character or showing bytes that are not clean text. */
static int quote_len(struct field f)
{
    size_t n = 0;
    const unsigned char *u = (const unsigned char *)f.p;
    while (n < f.n && n < CALENDAR_ERR_QUOTE_BYTES) {
        if (u[n] < 0x20 || u[n] == 0x7F)
            break;
        size_t c = utf8_char_len(u + n, f.n - n);
        if (c == 0 || n + c > CALENDAR_ERR_QUOTE_BYTES)
            break;
        n += c;
    }
    return (int)n;
}

static bool field_is(struct field f, const char *word)
{
    size_t n = strlen(word);
    return f.n == n && memcmp(f.p, word, n) == 0;
}

/* Splits a line into fields at ','; returns how many there were (may exceed max). */
static int split_fields(const char *line, size_t n, struct field *out, int max)
{
    int count = 0;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || line[i] == ',') {
            if (count < max)
                out[count] = (struct field){line + start, i - start};
            count++;
            start = i + 1;
        }
    }
    return count;
}

static int check_notice(struct parser *ps, int line, struct field f)
{
    if (f.n == 0)
        return fail(ps, TB_ERR_INVALID, line, "empty source (name the notice)");
    if (f.n > CALENDAR_MAX_NOTICE_BYTES)
        return fail(ps, TB_ERR_INVALID, line, "source is %zu bytes, limit %d", f.n,
                    CALENDAR_MAX_NOTICE_BYTES);
    if (!is_clean_text(f.p, f.n))
        return fail(ps, TB_ERR_INVALID, line, "source is not clean UTF-8 text");
    if (f.p[0] == ' ' || f.p[f.n - 1] == ' ')
        return fail(ps, TB_ERR_INVALID, line, "space around the source \"%.*s\"", quote_len(f),
                    f.p);
    return 0;
}

/*
 * Calls fn for every record line (not blank, not a comment) with its
 * number and fields; stops at the first error. Line-level checks (length,
 * NUL bytes, field count) are made here, once for both passes.
 */
typedef int (*record_fn)(struct parser *ps, int line, struct field *f);

static int for_each_record(struct parser *ps, record_fn fn)
{
    size_t pos = 0;
    int line = 0;
    while (pos < ps->len) {
        line++;
        const char *s = ps->text + pos;
        const char *nl = memchr(s, '\n', ps->len - pos);
        size_t n = nl ? (size_t)(nl - s) : ps->len - pos;
        pos += n + (nl != NULL);
        if (n > 0 && s[n - 1] == '\r')
            n--;
        if (n > CALENDAR_MAX_LINE_BYTES)
            return fail(ps, TB_ERR_INVALID, line, "line is %zu bytes, limit %d", n,
                        CALENDAR_MAX_LINE_BYTES);
        if (memchr(s, '\0', n) != NULL)
            return fail(ps, TB_ERR_INVALID, line, "NUL byte");
        if (n == 0 || s[0] == '#')
            continue;
        struct field f[CALENDAR_FIELDS];
        int count = split_fields(s, n, f, CALENDAR_FIELDS);
        if (count != CALENDAR_FIELDS)
            return fail(ps, TB_ERR_INVALID, line,
                        "%d field%s; a record has %d separated by ',' (see the file header)", count,
                        count == 1 ? "" : "s", CALENDAR_FIELDS);
        int rc = fn(ps, line, f);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---------------------------------------------------------------- pass 1 */

static int year_record(struct parser *ps, int line, struct field *f)
{
    int year = f[1].n == 4 ? parse_digits(f[1].p, 4) : -1;
    if (year < 1)
        return fail(ps, TB_ERR_INVALID, line, "bad year \"%.*s\" (want YYYY)", quote_len(f[1]),
                    f[1].p);
    size_t s;
    for (s = 0; s < sizeof STATUSES / sizeof STATUSES[0]; s++) {
        if (field_is(f[2], STATUSES[s].word))
            break;
    }
    if (s == sizeof STATUSES / sizeof STATUSES[0])
        return fail(ps, TB_ERR_INVALID, line, "bad status \"%.*s\" (want official or provisional)",
                    quote_len(f[2]), f[2].p);
    int rc = check_notice(ps, line, f[3]);
    if (rc < 0)
        return rc;
    for (int i = 0; i < ps->nyears; i++) {
        if (ps->years[i].year == year)
            return fail(ps, TB_ERR_INVALID, line, "year %d already declared on line %d", year,
                        ps->years[i].line);
    }
    if (ps->nyears == CALENDAR_MAX_YEARS)
        return fail(ps, TB_ERR_INVALID, line, "more than %d years", CALENDAR_MAX_YEARS);
    ps->years[ps->nyears].year = year;
    ps->years[ps->nyears].provisional = STATUSES[s].provisional;
    ps->years[ps->nyears].line = line;
    ps->years[ps->nyears].notice = f[3];
    ps->nyears++;
    return 0;
}

/* Checks a day row on its own; *d, *kind, *holiday receive its values. */
static int check_day(struct parser *ps, int line, struct field *f, struct tb_date *d,
                     enum day_kind *kind, size_t *holiday)
{
    if (tb_date_parse(f[0].p, f[0].n, d) < 0)
        return fail(ps, TB_ERR_INVALID, line,
                    "bad date \"%.*s\" (want a real day as YYYY-MM-DD, or the word year)",
                    quote_len(f[0]), f[0].p);
    size_t k;
    for (k = 0; k < sizeof KINDS / sizeof KINDS[0]; k++) {
        if (field_is(f[1], KINDS[k].word))
            break;
    }
    if (k == sizeof KINDS / sizeof KINDS[0])
        return fail(ps, TB_ERR_INVALID, line, "bad kind \"%.*s\" (want off or work)",
                    quote_len(f[1]), f[1].p);
    *kind = KINDS[k].kind;
    for (*holiday = 0; *holiday < NHOLIDAYS; (*holiday)++) {
        if (field_is(f[2], HOLIDAYS[*holiday].name))
            break;
    }
    if (*holiday == NHOLIDAYS)
        return fail(ps, TB_ERR_INVALID, line,
                    "unknown holiday \"%.*s\" (want 元旦 春节 清明节 劳动节 端午节 中秋节 国庆节)",
                    quote_len(f[2]), f[2].p);
    /* RULE: a 调休 working day replaces a weekend rest day; on a weekday it is meaningless. */
    if (*kind == DAY_WORK && tb_date_weekday(*d) <= 5)
        return fail(ps, TB_ERR_INVALID, line, "%.*s is a weekday; a work row must be a weekend day",
                    (int)f[0].n, f[0].p);
    return check_notice(ps, line, f[3]);
}

static int pass1_record(struct parser *ps, int line, struct field *f)
{
    if (field_is(f[0], "year"))
        return year_record(ps, line, f);
    struct tb_date d;
    enum day_kind kind = DAY_OFF;
    size_t holiday = 0;
    return check_day(ps, line, f, &d, &kind, &holiday);
}

/* ---------------------------------------------------------------- pass 2 */

/* The index of notice text f in cal->notices, adding it when new; <0 on error. */
static int intern_notice(struct parser *ps, int line, struct field f)
{
    struct calendar *cal = ps->cal;
    for (size_t i = 0; i < cal->nnotices; i++) {
        if (strlen(cal->notices[i]) == f.n && memcmp(cal->notices[i], f.p, f.n) == 0)
            return (int)i;
    }
    if (cal->nnotices == CALENDAR_MAX_NOTICES)
        return fail(ps, TB_ERR_INVALID, line, "more than %d distinct sources",
                    CALENDAR_MAX_NOTICES);
    char *copy = tb_arena_strndup(&cal->arena, f.p, f.n);
    if (copy == NULL)
        return fail(ps, TB_ERR_NOMEM, 0, "out of memory");
    cal->notices[cal->nnotices] = copy;
    return (int)cal->nnotices++;
}

static int pass2_record(struct parser *ps, int line, struct field *f)
{
    struct calendar *cal = ps->cal;
    if (field_is(f[0], "year"))
        return 0;
    struct tb_date d;
    enum day_kind kind = DAY_OFF;
    size_t holiday = 0;
    int rc = check_day(ps, line, f, &d, &kind, &holiday);
    if (rc < 0)
        return rc;
    long i = day_index(cal, d);
    if (i < 0)
        return fail(ps, TB_ERR_INVALID, line, "%.*s is in year %d, which has no year row",
                    (int)f[0].n, f[0].p, d.y);
    if (ps->set_on_line[i] != 0)
        return fail(ps, TB_ERR_INVALID, line, "%.*s already given on line %d", (int)f[0].n, f[0].p,
                    ps->set_on_line[i]);
    int notice = intern_notice(ps, line, f[3]);
    if (notice < 0)
        return notice;
    ps->set_on_line[i] = line;
    cal->kind[i] = (unsigned char)kind;
    cal->holiday[i] = (unsigned char)holiday;
    cal->notice[i] = (unsigned short)notice;
    return 0;
}

/* ---------------------------------------------------------------- build */

/*
 * The line of the first year row after year y (0 when there is none): where
 * a gap at y shows, so that the error names a line like every other one.
 */
static int year_line_after(const struct parser *ps, int y)
{
    int line = 0, next = INT_MAX;
    for (int i = 0; i < ps->nyears; i++) {
        if (ps->years[i].year > y && ps->years[i].year < next) {
            next = ps->years[i].year;
            line = ps->years[i].line;
        }
    }
    return line;
}

/* The later in the file of the year rows of first and last: the one that made the span too wide. */
static int span_line(const struct parser *ps, int first, int last)
{
    int line = 0;
    for (int i = 0; i < ps->nyears; i++) {
        if ((ps->years[i].year == first || ps->years[i].year == last) && ps->years[i].line > line)
            line = ps->years[i].line;
    }
    return line;
}

/* Sizes and allocates the calendar from the years of pass 1. */
static int build_years(struct parser *ps)
{
    if (ps->nyears == 0)
        return fail(ps, TB_ERR_INVALID, 0, "no year rows: nothing is covered");
    int first = ps->years[0].year, last = first;
    for (int i = 1; i < ps->nyears; i++) {
        if (ps->years[i].year < first)
            first = ps->years[i].year;
        if (ps->years[i].year > last)
            last = ps->years[i].year;
    }
    int span = last - first + 1;
    if (span > CALENDAR_MAX_YEARS)
        return fail(ps, TB_ERR_INVALID, span_line(ps, first, last),
                    "years %d..%d span more than %d years", first, last, CALENDAR_MAX_YEARS);

    struct calendar *cal = ps->cal;
    cal->first_year = first;
    cal->last_year = last;
    cal->first_day = tb_date_to_days((struct tb_date){first, 1, 1});
    cal->ndays = (int)(tb_date_to_days((struct tb_date){last, 12, 31}) - cal->first_day + 1);
    size_t nd = (size_t)cal->ndays;
    cal->years = tb_arena_calloc(&cal->arena, (size_t)span * sizeof *cal->years);
    cal->kind = tb_arena_calloc(&cal->arena, nd);
    cal->holiday = tb_arena_calloc(&cal->arena, nd);
    cal->notice = tb_arena_calloc(&cal->arena, nd * sizeof *cal->notice);
    cal->workdays_before = tb_arena_calloc(&cal->arena, (nd + 1) * sizeof *cal->workdays_before);
    cal->notices = tb_arena_calloc(&cal->arena, CALENDAR_MAX_NOTICES * sizeof *cal->notices);
    ps->set_on_line = calloc(nd, sizeof *ps->set_on_line);
    if (!cal->years || !cal->kind || !cal->holiday || !cal->notice || !cal->workdays_before ||
        !cal->notices || !ps->set_on_line)
        return fail(ps, TB_ERR_NOMEM, 0, "out of memory");

    for (int i = 0; i < ps->nyears; i++) {
        struct cal_year *y = &cal->years[ps->years[i].year - first];
        y->declared = true;
        y->provisional = ps->years[i].provisional;
        y->notice = tb_arena_strndup(&cal->arena, ps->years[i].notice.p, ps->years[i].notice.n);
        if (y->notice == NULL)
            return fail(ps, TB_ERR_NOMEM, 0, "out of memory");
    }
    for (int y = first; y <= last; y++) {
        if (!cal->years[y - first].declared)
            return fail(ps, TB_ERR_INVALID, year_line_after(ps, y),
                        "year %d has no year row, but %d..%d are covered: years must be "
                        "contiguous",
                        y, first, last);
    }
    return 0;
}

static void build_prefix_sums(struct calendar *cal)
{
    int *pre = cal->workdays_before;
    pre[0] = 0;
    for (int i = 0; i < cal->ndays; i++) {
        int wd = weekday_of_days(cal->first_day + i);
        pre[i + 1] = pre[i] + kind_is_workday((enum day_kind)cal->kind[i], wd);
    }
}

int calendar_parse(const char *text, size_t len, struct calendar **out, char *errbuf, size_t errlen)
{
    *out = NULL;
    if (errbuf != NULL && errlen > 0)
        errbuf[0] = '\0';
    int rc;
    struct parser *ps = calloc(1, sizeof *ps);
    struct calendar *cal = calloc(1, sizeof *cal);
    if (ps == NULL || cal == NULL) {
        if (errbuf != NULL && errlen > 0)
            snprintf(errbuf, errlen, "out of memory");
        rc = TB_ERR_NOMEM;
        goto done;
    }
    tb_arena_init(&cal->arena, CALENDAR_ARENA_BLOCK);
    ps->text = text;
    ps->len = len;
    ps->errbuf = errbuf;
    ps->errlen = errlen;
    ps->cal = cal;

    if (len > CALENDAR_MAX_TEXT_BYTES) {
        rc = fail(ps, TB_ERR_TOO_LARGE, 0, "calendar text is %zu bytes, limit %d", len,
                  CALENDAR_MAX_TEXT_BYTES);
        goto done;
    }
    if ((rc = for_each_record(ps, pass1_record)) < 0)
        goto done;
    if ((rc = build_years(ps)) < 0)
        goto done;
    if ((rc = for_each_record(ps, pass2_record)) < 0)
        goto done;
    build_prefix_sums(cal);
    *out = cal;
    cal = NULL;
    rc = 0;
done:
    if (ps != NULL)
        free(ps->set_on_line);
    free(ps);
    calendar_free(cal);
    return rc;
}

/* ================================================================ file */

/* Reads at most max bytes of path into a malloc'd buffer the caller frees. */
static int read_file(const char *path, size_t max, char **data, size_t *len, char *errbuf,
                     size_t errlen)
{
    int rc = 0;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
        return TB_ERR_IO;
    }
    buf = malloc(max + 1);
    if (buf == NULL) {
        snprintf(errbuf, errlen, "%s: out of memory", path);
        rc = TB_ERR_NOMEM;
        goto done;
    }
    n = fread(buf, 1, max + 1, f);
    if (ferror(f)) {
        snprintf(errbuf, errlen, "%s: read error", path);
        rc = TB_ERR_IO;
        goto done;
    }
    if (n > max) {
        snprintf(errbuf, errlen, "%s: larger than %zu bytes", path, max);
        rc = TB_ERR_TOO_LARGE;
        goto done;
    }
    *data = buf;
    *len = n;
    buf = NULL;
done:
    free(buf);
    fclose(f);
    return rc;
}

int calendar_load_file(const char *path, struct calendar **out, char *errbuf, size_t errlen)
{
    char msg[256] = "";
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    int rc = read_file(path, CALENDAR_MAX_TEXT_BYTES, &text, &len, msg, sizeof msg);
    if (rc == 0) {
        rc = calendar_parse(text, len, out, msg, sizeof msg);
        if (rc < 0 && errbuf != NULL && errlen > 0)
            snprintf(errbuf, errlen, "%s: %s", path, msg);
    } else if (errbuf != NULL && errlen > 0) {
        snprintf(errbuf, errlen, "%s", msg); /* read_file names the path itself */
    }
    free(text);
    return rc;
}
