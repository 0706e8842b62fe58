/*
 * generate.c - `tongban demo generate`: fills a demonstration database with
 * N made-up cases, so that queues, lists, the warning sweep and the
 * benchmarks (bench/run.sh section 6, docs/benchmarks.md) run at the size of
 * a real city.
 *
 * The cases look like the platform's own. They are spread over the
 * published items of the demo catalogue (their deciding organisations come
 * with them) and the demo applicants (with the item's sample form values
 * where data/demo/applications.json has one), in the mix of states of
 * state_shares below, submitted and accepted over the last GEN_DAYS_BACK
 * days so that a good share of the running ones are yellow, red or severe
 * today. Each case gets what api.c and transition.c would have written:
 * a case number (TB + date + 8 random digits + check digit), the query
 * code's HMAC and a random public id; its procedure steps with the done
 * ones consistent with the state; due dates and the days it turns yellow
 * and severe from case_due_compute (deadline.c) with the item's limits
 * copied; today's warning level for running cases; the events that brought
 * it to its state; the clock stops and supervision flags its state implies.
 * Not made: materials rows, notices, notifications, one audit record per
 * case (a single demo.generate audit event records the run).
 *
 * Speed: cases are planned and inserted GEN_BATCH_CASES at a time inside
 * one tb_db_write (one transaction, one fsync), through the write
 * connection's cached prepared statements: 1,000,000 cases in about 95 s
 * on 2 cores.
 *
 * --seed makes the mix (items, applicants, states, dates) repeatable;
 * identifiers (public ids, the digits of case numbers) always come from the
 * cryptographic random source, as they do for real cases.
 *
 * Installations not made with `tongban init --demo` (settings demo = 1) are
 * refused: made-up cases must never reach a real installation.
 */
#include "cases/generate.h"
#include "cases/deadline.h"
#include "cases/internal.h"
#include "accounts/accounts.h"
#include "app/app.h"
#include "audit/audit.h"
#include "calendar/calendar.h"
#include "catalog/catalog.h"
#include "lib/config.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/embed.h"
#include "lib/err.h"
#include "lib/keys.h"
#include "lib/timeutil.h"

#include <assert.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEN_CASES_MAX        100000000LL /* cases one run may add */
#define GEN_BATCH_CASES      20000       /* cases per transaction */
#define GEN_DAYS_BACK        120         /* calendar days submissions are spread over */
#define GEN_RECENT_WORKDAYS  4           /* corrections asked within (working days) */
#define GEN_CLOSED_MIN_DAYS  5           /* closed cases were accepted at least this long ago */
#define GEN_DENIED_DAYS_BACK 30          /* denials waiting for delivery: accepted within */
#define GEN_NEAR_PER_MILLE   800         /* running cases accepted within 1.5 limits of today */
#define GEN_ITEMS_MAX        1024
#define GEN_PEOPLE_MAX       64 /* applicants, and handlers, read from the demo */
#define GEN_EVENTS_MAX       (ITEM_MAX_STEPS + 8)
#define GEN_EVENT_DATA_MAX   128
#define GEN_CASE_NO_TRIES    8          /* fresh numbers tried when one is taken */
#define GEN_CACHE_KIB        262144     /* random index pages stay cached */
#define GEN_OFFICE_START_S   (9 * 3600) /* office hours, Asia/Shanghai */
#define GEN_OFFICE_LEN_S     (8 * 3600)
#define GEN_LATE_PER_MILLE   100         /* decisions after the promised date */
#define GEN_TODAY_END_S      (18 * 3600) /* "now" on a --today that is not today */

/* ---- what is made ---------------------------------------------------------------- */

struct gen_step {
    const char *name; /* in the item's document */
    int level, limit;
    int64_t done_by; /* a demo handler of the organisation at that level, 0 for none */
};

struct gen_item {
    int64_t id, org_id;
    int version;
    json_t *doc; /* owned */
    const char *code;
    bool instant, same_day, for_person, for_org;
    int promised, legal, nsteps;
    struct gen_step steps[ITEM_MAX_STEPS];
    const char *special; /* the first special procedure's kind, NULL for none */
    int special_limit;
    const char *delivery; /* the first delivery method offered */
    char *values;         /* owned: the demo sample's form values as JSON, else "{}" */
    int sample_applicant; /* index into applicants, -1 for none */
};

struct gen_person {
    int64_t id, org_id;
    bool org;
    int level;
    char username[64];
};

struct gen {
    struct tb_app *app;
    const struct calendar *cal;
    struct tb_date today;
    char today_s[TB_DATE_BUF_LEN];
    int64_t now_ms;
    uint64_t seed, rng[4];
    struct gen_item *items;
    size_t nitems;
    struct gen_person applicants[GEN_PEOPLE_MAX], handlers[GEN_PEOPLE_MAX];
    size_t napplicants, nhandlers;
    int64_t clerk, window; /* the comprehensive window's first clerk and the window, 0: none */
    long long made, by_state[CS__COUNT], by_warning[CW__COUNT];
};

struct gen_event {
    enum case_action action;
    const char *role;
    enum case_state from, to;
    int64_t at, actor, window;
    char data[GEN_EVENT_DATA_MAX];
    const char *reason;
};

/* One planned case: every column and child row, before it is written. */
struct gen_case {
    const struct gen_item *it;
    const struct gen_person *applicant;
    const char *channel;
    enum case_state state, suspended_from; /* suspended_from CS__COUNT: none */
    struct tb_date submitted, accepted, last_day;
    bool is_accepted;
    int64_t submitted_at, accepted_at, decided_at, closed_at, delivered_at, suspended_at;
    int64_t corrected_at, last_at;
    struct case_due promised, legal;
    int warning, steps_done, corrections, trips;
    char correction_due[TB_DATE_BUF_LEN]; /* "" for none */
    const char *delivery_status;
    struct case_due step_due[ITEM_MAX_STEPS];
    int64_t step_done_at[ITEM_MAX_STEPS];
    int step_warning[ITEM_MAX_STEPS];
    struct gen_event events[GEN_EVENTS_MAX];
    int nevents;
};

static int plan_received(struct gen *g, struct gen_case *k);
static int plan_ended_early(struct gen *g, struct gen_case *k);
static int plan_running(struct gen *g, struct gen_case *k);
static int plan_decided(struct gen *g, struct gen_case *k);

/* The mix of states (per mille, summing to 1000) and how each is made. */
static const struct state_share {
    enum case_state state;
    int per_mille;
    int (*plan)(struct gen *g, struct gen_case *k);
} state_shares[] = {
    {CS_SUBMITTED, 50, plan_received},  {CS_AWAITING_CORRECTION, 10, plan_received},
    {CS_ACCEPTED, 300, plan_running},   {CS_IN_REVIEW, 250, plan_running},
    {CS_SUSPENDED, 20, plan_running},   {CS_CLOSED, 300, plan_decided},
    {CS_REFUSED, 30, plan_ended_early}, {CS_WITHDRAWN, 20, plan_ended_early},
    {CS_DENIED, 20, plan_decided},
};

static const struct channel_share {
    const char *channel;
    int per_mille;
} channel_shares[] = {{"online", 700}, {"window", 200}, {"mobile", 80}, {"kiosk", 20}};

/* ---- repeatable choices: xoshiro256** seeded through splitmix64 ---------------------- */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static void rng_seed(struct gen *g, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        g->rng[i] = splitmix64(&seed);
}

static uint64_t rng_next(struct gen *g)
{
    uint64_t *s = g->rng;
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

/* 0..n-1 (0 when n <= 1); the modulo bias is below 2^-40 for these n. */
static int rng_below(struct gen *g, int n)
{
    return n > 1 ? (int)(rng_next(g) % (uint64_t)n) : 0;
}

static bool rng_chance(struct gen *g, int per_mille)
{
    return rng_below(g, 1000) < per_mille;
}

/* ---- days and times ------------------------------------------------------------------ */

static struct tb_date day_add(struct tb_date d, long n)
{
    return tb_date_from_days(tb_date_to_days(d) + n);
}

static struct tb_date day_min(struct tb_date a, struct tb_date b)
{
    return tb_date_cmp(a, b) <= 0 ? a : b;
}

static struct tb_date workday_on_or_before(const struct gen *g, struct tb_date d)
{
    while (!calendar_is_workday(g->cal, d))
        d = day_add(d, -1);
    return d;
}

/* n working days before d (d itself not counted; n = 0 gives d). */
static struct tb_date workdays_back(const struct gen *g, struct tb_date d, int n)
{
    while (n > 0) {
        d = day_add(d, -1);
        if (calendar_is_workday(g->cal, d))
            n--;
    }
    return d;
}

/* The instant secs seconds into day d, Asia/Shanghai. */
static int64_t day_ms(struct tb_date d, int secs)
{
    return ((int64_t)tb_date_to_days(d) * 86400 + secs) * 1000 - TB_SHANGHAI_OFFSET_MS;
}

/* An instant in office hours of day d, after `after` and not after now. */
static int64_t stamp(struct gen *g, struct tb_date d, int64_t after)
{
    int64_t t = day_ms(d, GEN_OFFICE_START_S + rng_below(g, GEN_OFFICE_LEN_S));
    if (t > g->now_ms)
        t = g->now_ms - rng_below(g, 600) * 1000LL;
    if (t <= after)
        t = after + 1000 + rng_below(g, 1800) * 1000LL;
    return t;
}

/* ---- planning one case ------------------------------------------------------------------ */

static struct gen_event *event(struct gen_case *k, enum case_action a, const char *role,
                               enum case_state from, enum case_state to, int64_t at, int64_t actor)
{
    assert(k->nevents < GEN_EVENTS_MAX);
    struct gen_event *e = &k->events[k->nevents++];
    memset(e, 0, sizeof(*e));
    e->action = a;
    e->role = role;
    e->from = from;
    e->to = to;
    e->at = at;
    e->actor = actor;
    snprintf(e->data, sizeof(e->data), "{}");
    k->last_at = at;
    return e;
}

static void submit(struct gen *g, struct gen_case *k, struct tb_date on)
{
    bool counter = strcmp(k->channel, "window") == 0;
    k->submitted = k->last_day = on;
    k->submitted_at = stamp(g, on, 0);
    struct gen_event *e =
        event(k, CA_SUBMIT, counter ? "window" : "applicant", CS_DRAFT, CS_SUBMITTED,
              k->submitted_at, counter ? g->clerk : k->applicant->id);
    if (counter) {
        e->window = g->window;
        k->trips = 1; /* originals checked at the counter */
    }
    snprintf(e->data, sizeof(e->data), "{\"channel\":\"%s\",\"item\":\"%s\",\"version\":%d}",
             k->channel, k->it->code, k->it->version);
}

/* 'submitted': received today, so that 行政许可法 §32's five working days
 * have not run out even with a test clock five working days ahead (the
 * sweep would accept a backlog at once, and the benchmark measures the
 * warning sweep). 'awaiting_correction': asked within the last few working
 * days (its §32 clock stops). */
static int plan_received(struct gen *g, struct gen_case *k)
{
    if (k->state == CS_SUBMITTED) {
        submit(g, k, g->today);
        return TB_OK;
    }
    struct tb_date on = workdays_back(g, g->today, rng_below(g, GEN_RECENT_WORKDAYS));
    submit(g, k, on);
    struct tb_date due;
    int rc = calendar_add_workdays(g->cal, on, CASE_CORRECTION_DAYS, &due);
    if (rc < 0)
        return rc;
    tb_date_format(due, k->correction_due);
    k->corrections = 1;
    k->corrected_at = stamp(g, on, k->submitted_at);
    struct gen_event *e = event(k, CA_REQUEST_CORRECTION, "window", CS_SUBMITTED,
                                CS_AWAITING_CORRECTION, k->corrected_at, g->clerk);
    e->window = g->window;
    snprintf(e->data, sizeof(e->data), "{\"due\":\"%s\",\"faults\":1}", k->correction_due);
    return TB_OK;
}

/* Refused at the window or withdrawn by the applicant before acceptance. */
static int plan_ended_early(struct gen *g, struct gen_case *k)
{
    submit(g, k, day_add(g->today, -(1 + rng_below(g, GEN_DAYS_BACK))));
    struct tb_date end = day_min(g->today, day_add(k->submitted, rng_below(g, 3)));
    k->closed_at = stamp(g, end, k->submitted_at);
    if (k->state == CS_REFUSED) {
        struct gen_event *e =
            event(k, CA_REFUSE, "window", CS_SUBMITTED, CS_REFUSED, k->closed_at, g->clerk);
        e->window = g->window;
        e->reason = "申请事项依法不需要取得行政许可";
    } else {
        struct gen_event *e = event(k, CA_WITHDRAW, "applicant", CS_SUBMITTED, CS_WITHDRAWN,
                                    k->closed_at, k->applicant->id);
        e->reason = "申请人主动撤回申请";
    }
    return TB_OK;
}

/* Accepted on working day `on` (submitted up to two days before): step 1
 * done, every due date counted as case_clock_update counts them. */
static int accept(struct gen *g, struct gen_case *k, struct tb_date on)
{
    const struct gen_item *it = k->it;
    char start[TB_DATE_BUF_LEN];
    tb_date_format(on, start);
    int rc = case_due_compute(g->cal, start, it->same_day, it->promised, 0, &k->promised);
    if (rc == 0)
        rc = case_due_compute(g->cal, start, it->same_day, it->legal, 0, &k->legal);
    for (int i = 0, cum = 0; rc == 0 && i < it->nsteps; i++) {
        cum += i > 0 ? it->steps[i].limit : 0;
        rc = case_due_compute(g->cal, start, it->same_day, cum, 0, &k->step_due[i]);
    }
    if (rc < 0)
        return rc;
    submit(g, k, day_add(on, -rng_below(g, 3)));
    k->is_accepted = true;
    k->accepted = k->last_day = on;
    k->accepted_at = stamp(g, on, k->submitted_at);
    k->steps_done = 1;
    k->step_done_at[0] = k->accepted_at;
    struct gen_event *e =
        event(k, CA_ACCEPT, "window", CS_SUBMITTED, CS_ACCEPTED, k->accepted_at, g->clerk);
    e->window = g->window;
    snprintf(e->data, sizeof(e->data), "{\"accepted_on\":\"%s\",\"promised_due\":\"%s\"}", start,
             k->promised.due);
    return TB_OK;
}

/* Steps steps_done..n-1 reviewed by `by` at the latest: each some day
 * between the step before and its due day, a few late. */
static void review_steps(struct gen *g, struct gen_case *k, int n, struct tb_date by)
{
    for (int i = k->steps_done; i < n; i++) {
        struct tb_date day = by;
        const char *due = k->step_due[i].due;
        if (tb_date_parse(due, strlen(due), &day) == 0 && rng_chance(g, GEN_LATE_PER_MILLE))
            day = day_add(day, 1 + rng_below(g, 3));
        day = day_min(day, by);
        long spread = tb_date_to_days(day) - tb_date_to_days(k->last_day);
        day = spread > 0 ? day_add(k->last_day, rng_below(g, (int)spread + 1)) : k->last_day;
        char on[TB_DATE_BUF_LEN];
        tb_date_format(day, on);
        k->step_warning[i] = (int)case_warning_at(on, &k->step_due[i]);
        struct gen_event *e =
            event(k, CA_REVIEW, "handler", i == 1 ? CS_ACCEPTED : CS_IN_REVIEW, CS_IN_REVIEW,
                  stamp(g, day, k->last_at), k->it->steps[i].done_by);
        snprintf(e->data, sizeof(e->data), "{\"step\":%d}", i);
        k->step_done_at[i] = e->at;
        k->last_day = day;
        k->steps_done = i + 1;
    }
}

/* Accepted, in review or suspended: the clock runs (or stopped), so the
 * acceptance day decides today's warning. Most are accepted within about
 * one and a half limits of today, the rest anywhere in the last
 * GEN_DAYS_BACK days: green, yellow, red and severe cases all come out. */
static int plan_running(struct gen *g, struct gen_case *k)
{
    const struct gen_item *it = k->it;
    int span = (it->promised > 0 ? it->promised : 1) * 21 / 10 + 2; /* 1.5 limits */
    if (span > GEN_DAYS_BACK)
        span = GEN_DAYS_BACK;
    int back = rng_below(g, (rng_chance(g, GEN_NEAR_PER_MILLE) ? span : GEN_DAYS_BACK) + 1);
    int rc = accept(g, k, workday_on_or_before(g, day_add(g->today, -back)));
    if (rc < 0)
        return rc;
    enum case_state at = k->state;
    if (at == CS_SUSPENDED)
        at = it->nsteps >= 3 && rng_chance(g, 500) ? CS_IN_REVIEW : CS_ACCEPTED;
    if (at == CS_IN_REVIEW)
        review_steps(g, k, 2 + rng_below(g, it->nsteps - 2), g->today);
    struct tb_date level_day = g->today;
    if (k->state == CS_SUSPENDED) {
        /* the clock stops; its level stays where it was that day */
        if ((rc = calendar_add_workdays(g->cal, k->last_day, 1, &level_day)) < 0)
            return rc;
        level_day = day_min(level_day, g->today);
        k->suspended_from = at;
        k->suspended_at = stamp(g, level_day, k->last_at);
        struct gen_event *e = event(k, CA_SUSPEND, "handler", at, CS_SUSPENDED, k->suspended_at,
                                    it->steps[k->steps_done].done_by);
        snprintf(e->data, sizeof(e->data), "{\"limit_days\":%d,\"procedure\":\"%s\"}",
                 it->special_limit, it->special);
        e->reason = "依法启动特别程序";
    }
    char on[TB_DATE_BUF_LEN];
    tb_date_format(level_day, on);
    k->warning = (int)case_warning_at(on, &k->promised);
    k->step_warning[k->steps_done] = (int)case_warning_at(on, &k->step_due[k->steps_done]);
    return TB_OK;
}

/* Closed (approved, result issued, delivered) or denied: decided within the
 * promised days, a few late. */
static int plan_decided(struct gen *g, struct gen_case *k)
{
    const struct gen_item *it = k->it;
    bool approve = k->state == CS_CLOSED;
    int back = approve ? GEN_CLOSED_MIN_DAYS + rng_below(g, GEN_DAYS_BACK - GEN_CLOSED_MIN_DAYS)
                       : 1 + rng_below(g, GEN_DENIED_DAYS_BACK);
    int rc = accept(g, k, workday_on_or_before(g, day_add(g->today, -back)));
    if (rc < 0)
        return rc;
    int days = it->promised == 0                    ? 0
               : !rng_chance(g, GEN_LATE_PER_MILLE) ? 1 + rng_below(g, it->promised)
                                                    : it->promised + 1 + rng_below(g, it->promised);
    struct tb_date decided;
    if ((rc = calendar_add_workdays(g->cal, k->accepted, days, &decided)) < 0)
        return rc;
    decided = day_min(decided, g->today);
    int last = it->nsteps - 1;
    review_steps(g, k, last, decided);
    if (tb_date_cmp(decided, k->last_day) < 0)
        decided = k->last_day;
    char on[TB_DATE_BUF_LEN];
    tb_date_format(decided, on);
    k->decided_at = stamp(g, decided, k->last_at);
    k->step_done_at[last] = k->decided_at;
    k->step_warning[last] = (int)case_warning_at(on, &k->step_due[last]);
    k->steps_done = it->nsteps;
    /* 即办件: decided at the window that accepted it (审决合一) */
    struct gen_event *e =
        event(k, CA_DECIDE, it->instant ? "window" : "handler",
              last >= 2 ? CS_IN_REVIEW : CS_ACCEPTED, approve ? CS_APPROVED : CS_DENIED,
              k->decided_at, it->instant ? g->clerk : it->steps[last].done_by);
    snprintf(e->data, sizeof(e->data), "{\"decision\":\"%s\"}", approve ? "approve" : "deny");
    if (!approve) {
        e->reason = "申请人不符合法定条件";
        k->delivery_status = "ready";
        return TB_OK;
    }
    event(k, CA_ISSUE_RESULT, "system", CS_APPROVED, CS_RESULT_ISSUED, k->decided_at, 0);
    bool electronic = strcmp(it->delivery, "electronic") == 0;
    bool pickup = strcmp(it->delivery, "window") == 0;
    struct tb_date closed = day_min(g->today, day_add(decided, electronic ? 0 : rng_below(g, 4)));
    k->closed_at = k->delivered_at = stamp(g, closed, k->decided_at);
    e = event(k, CA_DELIVER, electronic ? "system" : "window", CS_RESULT_ISSUED, CS_DELIVERED,
              k->closed_at, electronic ? 0 : g->clerk);
    e->window = electronic ? 0 : g->window;
    snprintf(e->data, sizeof(e->data), "{\"method\":\"%s\"}", it->delivery);
    event(k, CA_CLOSE, "system", CS_DELIVERED, CS_CLOSED, k->closed_at, 0);
    k->trips += pickup;
    k->delivery_status = "delivered";
    return TB_OK;
}

static const struct gen_person *pick_applicant(struct gen *g, const struct gen_item *it)
{
    if (it->sample_applicant >= 0 && rng_chance(g, 500))
        return &g->applicants[it->sample_applicant];
    for (int tries = 0; tries < 16; tries++) {
        const struct gen_person *p = &g->applicants[rng_below(g, (int)g->napplicants)];
        if ((p->org && it->for_org) || (!p->org && it->for_person))
            return p;
    }
    return &g->applicants[rng_below(g, (int)g->napplicants)];
}

/* What the item allows of the state drawn. */
static enum case_state fit_state(enum case_state s, const struct gen_item *it)
{
    bool running = s == CS_ACCEPTED || s == CS_IN_REVIEW || s == CS_SUSPENDED;
    if (running && it->instant)
        return CS_CLOSED; /* 即办件: decided when accepted */
    if (s == CS_SUSPENDED && !it->special)
        s = CS_IN_REVIEW; /* no special procedure to suspend for */
    if (s == CS_IN_REVIEW && it->nsteps < 3)
        s = CS_ACCEPTED; /* no step between acceptance and decision */
    return s;
}

static int plan_case(struct gen *g, struct gen_case *k)
{
    memset(k, 0, sizeof(*k));
    k->it = &g->items[rng_below(g, (int)g->nitems)];
    k->applicant = pick_applicant(g, k->it);
    k->suspended_from = CS__COUNT;
    int r = rng_below(g, 1000), acc = 0;
    k->channel = channel_shares[0].channel;
    for (size_t i = 0; i < sizeof(channel_shares) / sizeof(channel_shares[0]); i++)
        if (r < (acc += channel_shares[i].per_mille)) {
            k->channel = channel_shares[i].channel;
            break;
        }
    r = rng_below(g, 1000);
    acc = 0;
    const struct state_share *sh = &state_shares[0];
    for (size_t i = 0; i < sizeof(state_shares) / sizeof(state_shares[0]); i++)
        if (r < (acc += state_shares[i].per_mille)) {
            sh = &state_shares[i];
            break;
        }
    k->state = fit_state(sh->state, k->it);
    for (size_t i = 0; i < sizeof(state_shares) / sizeof(state_shares[0]); i++)
        if (state_shares[i].state == k->state)
            return state_shares[i].plan(g, k);
    return TB_ERR_INTERNAL;
}

/* ---- writing one case ------------------------------------------------------------------- */

static void bind_text_or_null(struct tb_db_stmt *s, int i, const char *v)
{
    if (v && *v)
        tb_db_bind_text(s, i, v, -1);
    else
        tb_db_bind_null(s, i);
}

static void bind_id(struct tb_db_stmt *s, int i, int64_t v)
{
    if (v > 0)
        tb_db_bind_int64(s, i, v);
    else
        tb_db_bind_null(s, i);
}

static const char sql_case[] =
    "INSERT INTO cases(public_id, case_no, query_code_hash, item_id, item_version, org_id, "
    "applicant_id, channel, state, suspended_from, steps_total, steps_done, values_json, "
    "accepted_window_id, accepted_by, submitted_at, received_at, accepted_at, decided_at, "
    "closed_at, promised_due, legal_due, promised_due_original, legal_due_original, "
    "limit_starts, promised_days, legal_days, yellow_on, severe_on, warning_level, "
    "correction_due, corrections, trips, delivery, delivery_status, delivered_at, etag, "
    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
    "?14, ?15, ?16, ?16, ?17, ?18, ?19, ?20, ?21, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, "
    "?29, ?30, ?31, ?32, ?33, 1, ?16, ?34) ON CONFLICT(case_no) DO NOTHING";

/* Inserts the case row; 0 with nothing inserted when the number is taken. */
static int insert_case(struct tb_db_conn *c, const struct gen *g, const struct gen_case *k,
                       const char *public_id, const char *case_no, const unsigned char *code_hash)
{
    const struct gen_item *it = k->it;
    bool acc = k->is_accepted;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, sql_case, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, public_id, -1);
    tb_db_bind_text(s, 2, case_no, -1);
    tb_db_bind_blob(s, 3, code_hash, TB_HMAC_SM3_LEN);
    tb_db_bind_int64(s, 4, it->id);
    tb_db_bind_int64(s, 5, it->version);
    tb_db_bind_int64(s, 6, it->org_id);
    tb_db_bind_int64(s, 7, k->applicant->id);
    tb_db_bind_text(s, 8, k->channel, -1);
    tb_db_bind_text(s, 9, case_state_name(k->state), -1);
    bind_text_or_null(s, 10,
                      k->suspended_from < CS__COUNT ? case_state_name(k->suspended_from) : NULL);
    tb_db_bind_int64(s, 11, it->nsteps);
    tb_db_bind_int64(s, 12, k->steps_done);
    tb_db_bind_text(s, 13, it->values, -1);
    bind_id(s, 14, acc ? g->window : 0);
    bind_id(s, 15, acc ? g->clerk : 0);
    tb_db_bind_int64(s, 16, k->submitted_at);
    bind_id(s, 17, k->accepted_at);
    bind_id(s, 18, k->decided_at);
    bind_id(s, 19, k->closed_at);
    bind_text_or_null(s, 20, acc ? k->promised.due : NULL);
    bind_text_or_null(s, 21, acc ? k->legal.due : NULL);
    bind_text_or_null(s, 22, acc ? (it->same_day ? "same_day" : "next_day") : NULL);
    if (acc) {
        tb_db_bind_int64(s, 23, it->promised);
        tb_db_bind_int64(s, 24, it->legal);
    } else {
        tb_db_bind_null(s, 23);
        tb_db_bind_null(s, 24);
    }
    bind_text_or_null(s, 25, acc ? k->promised.yellow_on : NULL);
    bind_text_or_null(s, 26, acc ? k->promised.severe_on : NULL);
    tb_db_bind_int64(s, 27, k->warning);
    bind_text_or_null(s, 28, k->correction_due);
    tb_db_bind_int64(s, 29, k->corrections);
    tb_db_bind_int64(s, 30, k->trips);
    tb_db_bind_text(s, 31, it->delivery, -1);
    bind_text_or_null(s, 32, k->delivery_status);
    bind_id(s, 33, k->delivered_at);
    tb_db_bind_int64(s, 34, k->last_at);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

static const char sql_step[] =
    "INSERT INTO case_steps(case_id, idx, name, authority_level, limit_days, due, done_by, "
    "done_at, outcome, opinion, warning_level, yellow_on, severe_on) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

/* The outcome and opinion a done step records. */
static void step_outcome(const struct gen_case *k, int i, const char **outcome,
                         const char **opinion)
{
    *outcome = *opinion = NULL;
    if (i >= k->steps_done)
        return;
    if (i == 0) {
        *outcome = "accept";
    } else if (i == k->it->nsteps - 1) {
        bool approve = k->state != CS_DENIED;
        *outcome = approve ? "approve" : "deny";
        *opinion = approve ? "准予许可" : "不予许可";
    } else {
        *outcome = "pass";
        *opinion = "材料齐全，符合法定形式";
    }
}

static int insert_steps(struct tb_db_conn *c, const struct gen *g, int64_t id,
                        const struct gen_case *k)
{
    const struct gen_item *it = k->it;
    int rc = TB_OK;
    for (int i = 0; rc == 0 && i < it->nsteps; i++) {
        const struct case_due *d = k->is_accepted ? &k->step_due[i] : NULL;
        bool done = i < k->steps_done;
        const char *outcome, *opinion;
        step_outcome(k, i, &outcome, &opinion);
        struct tb_db_stmt *s;
        if ((rc = tb_db_prepare(c, sql_step, &s)) < 0)
            break;
        tb_db_bind_int64(s, 1, id);
        tb_db_bind_int64(s, 2, i);
        tb_db_bind_text(s, 3, it->steps[i].name, -1);
        tb_db_bind_int64(s, 4, it->steps[i].level);
        tb_db_bind_int64(s, 5, it->steps[i].limit);
        bind_text_or_null(s, 6, d ? d->due : NULL);
        bind_id(s, 7, done ? (i == 0 ? g->clerk : it->steps[i].done_by) : 0);
        bind_id(s, 8, done ? k->step_done_at[i] : 0);
        bind_text_or_null(s, 9, outcome);
        bind_text_or_null(s, 10, opinion);
        tb_db_bind_int64(s, 11, k->step_warning[i]);
        bind_text_or_null(s, 12, d ? d->yellow_on : NULL);
        bind_text_or_null(s, 13, d ? d->severe_on : NULL);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
    }
    return rc < 0 ? rc : TB_OK;
}

static const char sql_event[] =
    "INSERT INTO case_events(case_id, at, actor_id, role, action, from_state, to_state, data, "
    "reason, window_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

static int insert_events(struct tb_db_conn *c, int64_t id, const struct gen_case *k)
{
    int rc = TB_OK;
    for (int i = 0; rc == 0 && i < k->nevents; i++) {
        const struct gen_event *e = &k->events[i];
        struct tb_db_stmt *s;
        if ((rc = tb_db_prepare(c, sql_event, &s)) < 0)
            break;
        tb_db_bind_int64(s, 1, id);
        tb_db_bind_int64(s, 2, e->at);
        bind_id(s, 3, e->actor);
        tb_db_bind_text(s, 4, e->role, -1);
        tb_db_bind_text(s, 5, case_action_name(e->action), -1);
        tb_db_bind_text(s, 6, case_state_name(e->from), -1);
        tb_db_bind_text(s, 7, case_state_name(e->to), -1);
        tb_db_bind_text(s, 8, e->data, -1);
        bind_text_or_null(s, 9, e->reason);
        bind_id(s, 10, e->window);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
    }
    return rc < 0 ? rc : TB_OK;
}

static const char sql_stop[] = "INSERT INTO case_suspensions(case_id, kind, reason, limit_days, "
                               "started_at) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_flag[] =
    "INSERT INTO case_flags(case_id, kind, at, reason) VALUES (?1, ?2, ?3, ?4)";

/* The open clock stop of a suspended or correcting case; the flag of a
 * refusal or denial (否定报备). */
static int insert_stop_and_flag(struct tb_db_conn *c, int64_t id, const struct gen_case *k)
{
    struct tb_db_stmt *s;
    int rc = TB_OK;
    bool stop = k->state == CS_SUSPENDED || k->state == CS_AWAITING_CORRECTION;
    if (stop && (rc = tb_db_prepare(c, sql_stop, &s)) == 0) {
        bool correction = k->state == CS_AWAITING_CORRECTION;
        tb_db_bind_int64(s, 1, id);
        tb_db_bind_text(s, 2, correction ? "correction" : k->it->special, -1);
        tb_db_bind_text(s, 3, correction ? "一次性告知补正" : "依法启动特别程序", -1);
        tb_db_bind_int64(s, 4, correction ? CASE_CORRECTION_DAYS : k->it->special_limit);
        tb_db_bind_int64(s, 5, correction ? k->corrected_at : k->suspended_at);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
    }
    bool flag = k->state == CS_REFUSED || k->state == CS_DENIED;
    if (rc >= 0 && flag && (rc = tb_db_prepare(c, sql_flag, &s)) == 0) {
        const struct gen_event *last = &k->events[k->nevents - 1];
        tb_db_bind_int64(s, 1, id);
        tb_db_bind_text(s, 2, k->state == CS_REFUSED ? "refusal" : "denial", -1);
        tb_db_bind_int64(s, 3, last->at);
        bind_text_or_null(s, 4, last->reason);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
    }
    return rc < 0 ? rc : TB_OK;
}

/* Numbers the planned case (a fresh random number while one is taken) and
 * writes it with its children. */
static int write_case(struct tb_db_conn *c, struct gen *g, const struct gen_case *k)
{
    char case_no[CASE_NO_LEN + 1], public_id[CASE_PUBLIC_ID_LEN + 1], code[QUERY_CODE_LEN + 1];
    unsigned char rnd[CASE_PUBLIC_ID_BYTES + 8], code_hash[TB_HMAC_SM3_LEN];
    int64_t id = 0;
    int rc;
    for (int tries = 0; !id; tries++) {
        if (tries == GEN_CASE_NO_TRIES)
            return TB_ERR_CONFLICT;
        if ((rc = tb_random(rnd, sizeof(rnd))) < 0)
            return rc;
        uint64_t r8 = 0;
        for (int i = 0; i < 8; i++)
            r8 = r8 << 8 | rnd[CASE_PUBLIC_ID_BYTES + i];
        case_no_make(k->submitted.y, k->submitted.m, k->submitted.d, r8 % 100000000u, case_no,
                     sizeof(case_no));
        if ((rc = tb_hex_encode(rnd, CASE_PUBLIC_ID_BYTES, public_id, sizeof(public_id))) < 0 ||
            (rc = case_query_code(g->app, case_no, code)) < 0 ||
            (rc = case_query_code_hash(g->app, code, code_hash)) < 0 ||
            (rc = insert_case(c, g, k, public_id, case_no, code_hash)) < 0)
            return rc;
        if (tb_db_changes(c) == 1)
            id = tb_db_last_insert_id(c);
    }
    if ((rc = insert_steps(c, g, id, k)) < 0 || (rc = insert_events(c, id, k)) < 0 ||
        (rc = insert_stop_and_flag(c, id, k)) < 0)
        return rc;
    g->made++;
    g->by_state[k->state]++;
    if (k->state == CS_ACCEPTED || k->state == CS_IN_REVIEW)
        g->by_warning[k->warning]++;
    return TB_OK;
}

struct gen_batch {
    struct gen *g;
    long long n;
};

static int write_batch(struct tb_db_conn *c, void *ctx)
{
    struct gen_batch *b = ctx;
    struct gen_case *k = malloc(sizeof(*k));
    if (!k)
        return TB_ERR_NOMEM;
    /* the random index pages (public ids, case numbers) stay in memory */
    int rc = tb_db_cache_hint(c, GEN_CACHE_KIB);
    for (long long i = 0; rc == 0 && i < b->n; i++)
        if ((rc = plan_case(b->g, k)) == 0)
            rc = write_case(c, b->g, k);
    free(k);
    return rc;
}

struct gen_summary {
    struct gen *g;
    double seconds;
};

static int write_summary(struct tb_db_conn *c, void *ctx)
{
    struct gen_summary *x = ctx;
    char after[256];
    snprintf(after, sizeof(after),
             "{\"cases\":%lld,\"seconds\":%.1f,\"seed\":\"%llu\",\"today\":\"%s\"}", x->g->made,
             x->seconds, (unsigned long long)x->g->seed, x->g->today_s);
    struct audit_event ae = {0};
    ae.actor_role = "system";
    ae.action = "demo.generate";
    ae.object_type = "cases";
    ae.object_id = "demo";
    ae.result = "ok";
    ae.after_json = after;
    ae.reason = "tongban demo generate";
    return audit_append(c, &x->g->app->audit, &ae, NULL);
}

/* ---- what the demo holds ---------------------------------------------------------------- */

static int is_demo(struct tb_db_conn *c, bool *out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT value FROM settings WHERE key = 'demo'", &s);
    if (rc < 0)
        return rc;
    rc = tb_db_step(s);
    *out = rc == TB_DB_ROW && strcmp(tb_db_column_text(s, 0), "1") == 0;
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

static int load_people(struct tb_db_conn *c, struct gen *g)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT id, kind, coalesce(username, '') FROM accounts WHERE kind IN "
                           "('person', 'org') AND status = 'active' ORDER BY id LIMIT ?1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, GEN_PEOPLE_MAX);
    while (g->napplicants < GEN_PEOPLE_MAX && (rc = tb_db_step(s)) == TB_DB_ROW) {
        struct gen_person *p = &g->applicants[g->napplicants++];
        p->id = tb_db_column_int64(s, 0);
        p->org = strcmp(tb_db_column_text(s, 1), "org") == 0;
        snprintf(p->username, sizeof(p->username), "%s", tb_db_column_text(s, 2));
    }
    tb_db_stmt_done(s);
    if (rc < 0 || (rc = tb_db_prepare(c,
                                      "SELECT id, org_id, authority_level FROM accounts WHERE "
                                      "kind = 'staff' AND status = 'active' AND org_id IS NOT "
                                      "NULL AND (roles & ?1) <> 0 ORDER BY id LIMIT ?2",
                                      &s)) < 0)
        return rc;
    tb_db_bind_int64(s, 1, ROLE_REVIEWER | ROLE_DECIDER);
    tb_db_bind_int64(s, 2, GEN_PEOPLE_MAX);
    while (g->nhandlers < GEN_PEOPLE_MAX && (rc = tb_db_step(s)) == TB_DB_ROW) {
        struct gen_person *p = &g->handlers[g->nhandlers++];
        p->id = tb_db_column_int64(s, 0);
        p->org_id = tb_db_column_int64(s, 1);
        p->level = (int)tb_db_column_int64(s, 2);
    }
    tb_db_stmt_done(s);
    if (rc < 0 || (rc = tb_db_prepare(c,
                                      "SELECT ws.account_id, ws.window_id FROM window_staff ws "
                                      "JOIN windows w ON w.id = ws.window_id WHERE w.kind = "
                                      "'comprehensive' ORDER BY ws.position, w.id LIMIT 1",
                                      &s)) < 0)
        return rc;
    if ((rc = tb_db_step(s)) == TB_DB_ROW) {
        g->clerk = tb_db_column_int64(s, 0);
        g->window = tb_db_column_int64(s, 1);
    }
    tb_db_stmt_done(s);
    return rc < 0 ? rc : g->napplicants ? TB_OK : TB_ERR_NOT_FOUND;
}

/* The handler of org who does a step of level: that level, else the
 * lowest above it; 0 when the demo has none. */
static int64_t handler_for(const struct gen *g, int64_t org, int level)
{
    const struct gen_person *best = NULL;
    for (size_t i = 0; i < g->nhandlers; i++) {
        const struct gen_person *p = &g->handlers[i];
        if (p->org_id == org && p->level >= level && (!best || p->level < best->level))
            best = p;
    }
    return best ? best->id : 0;
}

/* The demo sample application of the item (data/demo/applications.json). */
static void item_sample(struct gen *g, const json_t *samples, struct gen_item *it)
{
    size_t i;
    json_t *a;
    it->sample_applicant = -1;
    json_array_foreach(json_object_get(samples, "applications"), i, a)
    {
        const char *code = json_string_value(json_object_get(a, "impl_code"));
        if (!code || strcmp(code, it->code) != 0)
            continue;
        it->values = json_dumps(json_object_get(a, "values"), JSON_COMPACT);
        const char *who = json_string_value(json_object_get(a, "applicant"));
        for (size_t k = 0; who && k < g->napplicants; k++)
            if (strcmp(g->applicants[k].username, who) == 0)
                it->sample_applicant = (int)k;
        return;
    }
}

/* Reads what planning needs from an item version's document. */
static int item_read(struct gen *g, struct gen_item *it)
{
    const json_t *d = it->doc;
    const char *kind = json_string_value(json_object_get(d, "kind"));
    const char *starts = json_string_value(json_object_get(d, "limit_starts"));
    it->code = json_string_value(json_object_get(d, "impl_code"));
    it->instant = kind && strcmp(kind, "1") == 0;
    it->same_day = starts && strcmp(starts, "same_day") == 0;
    it->promised = (int)json_integer_value(json_object_get(d, "promised_limit_days"));
    it->legal = (int)json_integer_value(json_object_get(d, "legal_limit_days"));
    it->delivery = json_string_value(json_array_get(json_object_get(d, "delivery"), 0));
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(d, "audience"), i, v)
    {
        const char *a = json_string_value(v);
        if (a && strcmp(a, "1") == 0)
            it->for_person = true;
        else if (a)
            it->for_org = true;
    }
    json_t *sp = json_array_get(json_object_get(d, "special_procedures"), 0);
    it->special = json_string_value(json_object_get(sp, "kind"));
    it->special_limit = (int)json_integer_value(json_object_get(sp, "limit_days"));
    json_array_foreach(json_object_get(d, "steps"), i, v)
    {
        if (i >= ITEM_MAX_STEPS)
            break;
        struct gen_step *st = &it->steps[i];
        st->name = json_string_value(json_object_get(v, "name"));
        st->level = (int)json_integer_value(json_object_get(v, "authority_level"));
        st->limit = (int)json_integer_value(json_object_get(v, "limit_days"));
        st->done_by = handler_for(g, it->org_id, st->level);
        it->nsteps = (int)i + 1;
    }
    if (!it->code || !it->delivery || it->nsteps < 2 || it->promised < 0 || it->legal < 0)
        return TB_ERR_INVALID; /* checked by the catalogue import; not expected */
    for (int k = 0; k < it->nsteps; k++)
        if (!it->steps[k].name)
            return TB_ERR_INVALID;
    return TB_OK;
}

static int load_items(struct tb_db_conn *c, struct gen *g)
{
    const struct tb_embedded *e = tb_embedded_find("data/demo/applications.json");
    json_t *samples = e ? json_loadb((const char *)e->data, e->len, 0, NULL) : NULL;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c,
                           "SELECT i.id, i.org_id, v.version, v.doc FROM items i JOIN "
                           "item_versions v ON v.item_id = i.id AND v.version = "
                           "i.current_version WHERE i.status = 'published' ORDER BY i.id",
                           &s);
    if (rc == 0 && !(g->items = calloc(GEN_ITEMS_MAX, sizeof(*g->items))))
        rc = TB_ERR_NOMEM;
    while (rc == 0 && g->nitems < GEN_ITEMS_MAX && (rc = tb_db_step(s)) == TB_DB_ROW) {
        struct gen_item *it = &g->items[g->nitems++];
        it->id = tb_db_column_int64(s, 0);
        it->org_id = tb_db_column_int64(s, 1);
        it->version = (int)tb_db_column_int64(s, 2);
        it->doc = json_loads(tb_db_column_text(s, 3), 0, NULL);
        rc = it->doc ? item_read(g, it) : TB_ERR_INVALID;
        if (rc == 0)
            item_sample(g, samples, it);
        if (rc == 0 && !it->values && !(it->values = strdup("{}")))
            rc = TB_ERR_NOMEM;
    }
    tb_db_stmt_done(s);
    json_decref(samples);
    if (rc < 0)
        return rc;
    return g->nitems ? TB_OK : TB_ERR_NOT_FOUND;
}

static void items_free(struct gen *g)
{
    for (size_t i = 0; g->items && i < g->nitems; i++) {
        json_decref(g->items[i].doc);
        free(g->items[i].values);
    }
    free(g->items);
    g->items = NULL;
}

/* ---- the command ----------------------------------------------------------------------- */

static const char demo_usage[] =
    "usage: tongban demo generate --data DIR --cases N [--seed S] [--today YYYY-MM-DD]\n"
    "\n"
    "Adds N made-up cases to a demonstration installation (made with\n"
    "`tongban init --demo`; any other is refused): spread over the published\n"
    "items, their organisations and the demo applicants, in a realistic mix of\n"
    "states submitted over the last 120 days, with steps, due dates, today's\n"
    "warning levels and events. --seed repeats the same mix (identifiers stay\n"
    "random); --today is the day the cases are made around (default: today in\n"
    "Asia/Shanghai). Writes 20,000 cases a transaction; prints the time taken\n"
    "and cases per second.\n";

struct gen_opts {
    const char *data, *today;
    long long cases;
    bool has_seed, help;
    uint64_t seed;
};

static int parse_opts(int argc, char **argv, struct gen_opts *o)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'}, {"cases", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'}, {"today", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    int ch;
    char *end;
    memset(o, 0, sizeof(*o));
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            o->data = optarg;
            break;
        case 'n':
            o->cases = strtoll(optarg, &end, 10);
            if (*end || o->cases < 1 || o->cases > GEN_CASES_MAX) {
                fprintf(stderr, "tongban demo generate: --cases must be 1 to %lld\n",
                        GEN_CASES_MAX);
                return 2;
            }
            break;
        case 's':
            o->seed = strtoull(optarg, &end, 10);
            o->has_seed = true;
            if (*end || !*optarg) {
                fprintf(stderr, "tongban demo generate: --seed must be a number\n");
                return 2;
            }
            break;
        case 't':
            o->today = optarg;
            break;
        case 'h':
            o->help = true;
            break;
        default:
            fprintf(stderr, "tongban demo generate: unknown or incomplete option \"%s\"\n\n%s",
                    argv[optind - 1], demo_usage);
            return 2;
        }
    }
    if (o->help)
        return 0;
    if (optind < argc || !o->data || !o->cases) {
        fprintf(stderr, "%s", demo_usage);
        return 2;
    }
    return 0;
}

/* The day the cases are made around, and "now" on it. */
static int set_today(struct gen *g, const char *today)
{
    int y, m, d;
    int64_t real = tb_time_now_ms();
    if (!today) {
        tb_time_shanghai_date(real, &y, &m, &d);
        g->today = (struct tb_date){y, m, d};
        g->now_ms = real;
    } else if (tb_date_parse(today, strlen(today), &g->today) == 0) {
        g->now_ms = day_ms(g->today, GEN_TODAY_END_S);
    } else {
        return TB_ERR_INVALID;
    }
    tb_date_format(g->today, g->today_s);
    return TB_OK;
}

static void print_summary(const struct gen *g, double seconds)
{
    printf("tongban demo generate: %lld cases in %.1f s (%.0f cases/s), seed %llu, today %s\n",
           g->made, seconds, seconds > 0 ? (double)g->made / seconds : 0.0,
           (unsigned long long)g->seed, g->today_s);
    printf("  states:");
    for (int s = 0; s < CS__COUNT; s++)
        if (g->by_state[s])
            printf(" %s %lld", case_state_name((enum case_state)s), g->by_state[s]);
    printf("\n  running (accepted, in_review) by warning today:");
    for (int w = 0; w < CW__COUNT; w++)
        printf(" %s %lld", case_warning_name((enum case_warning)w), g->by_warning[w]);
    printf("\n");
}

static int generate(int argc, char **argv)
{
    struct gen_opts o;
    int st = parse_opts(argc, argv, &o);
    if (st || o.help) {
        if (o.help)
            fputs(demo_usage, stdout);
        return st;
    }
    static struct tb_app app;
    static struct gen g;
    int code = 1;
    bool demo = false;
    struct tb_db_conn *c;
    g.app = &app;
    if (set_today(&g, o.today) < 0) {
        fprintf(stderr, "tongban demo generate: --today must be YYYY-MM-DD\n");
        return 2;
    }
    int rc = tb_app_open_data(o.data, "tongban demo generate", &app);
    if (rc < 0) /* said why */
        goto done;
    rc = tb_db_read_conn(app.db, &c);
    if (rc == 0)
        rc = is_demo(c, &demo);
    if (rc == 0 && !demo) {
        fprintf(stderr,
                "tongban demo generate: %s is not a demonstration installation (made with "
                "`tongban init --demo`); made-up cases go into demonstrations only\n",
                o.data);
        goto done;
    }
    if (rc == 0)
        rc = load_people(c, &g);
    if (rc == 0)
        rc = load_items(c, &g);
    if (rc < 0) {
        fprintf(stderr, "tongban demo generate: cannot read the demo data (%s)\n", tb_err_code(rc));
        goto done;
    }
    g.cal = app.calendar;
    g.seed = o.seed;
    if (!o.has_seed && (rc = tb_random(&g.seed, sizeof(g.seed))) < 0)
        goto done;
    rng_seed(&g, g.seed);
    uint64_t t0 = tb_time_mono_ns();
    for (long long left = o.cases; left > 0 && rc == 0;) {
        struct gen_batch b = {&g, left < GEN_BATCH_CASES ? left : GEN_BATCH_CASES};
        rc = tb_db_write(app.db, write_batch, &b);
        left -= b.n;
    }
    struct gen_summary sum = {&g, (double)(tb_time_mono_ns() - t0) / 1e9};
    if (rc == 0)
        rc = tb_db_write(app.db, write_summary, &sum);
    if (rc < 0) {
        fprintf(stderr,
                "tongban demo generate: failed after %lld cases (%s); the cases written before "
                "stay\n",
                g.made, tb_err_code(rc));
        goto done;
    }
    print_summary(&g, sum.seconds);
    code = 0;
done:
    items_free(&g);
    tb_db_close(app.db);
    if (app.calendar)
        calendar_free(app.calendar);
    tb_keys_free(&app.keys);
    tb_crypto_cleanup();
    return code;
}

int cases_cmd_demo(int argc, char **argv)
{
    bool help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
    if (argc < 2 || strcmp(argv[1], "generate") != 0) {
        fputs(demo_usage, help ? stdout : stderr);
        return help ? 0 : 2;
    }
    return generate(argc - 1, argv + 1);
}
