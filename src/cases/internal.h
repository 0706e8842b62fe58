/*
 * internal.h - shared by the files of the cases feature (docs/cases.md):
 *
 *   store.c       case rows, the item version a case applies for, who may
 *                 see and act on a case (case_actor_of), events, notices
 *   view.c        the JSON answers: a case, a list row
 *   api.c         POST/GET/PATCH /api/v1/cases, events, notices, prefill
 *   transition.c  POST /api/v1/cases/{id}/transitions: every action's effect
 *   progress.c    the public progress lookup, rate limited per address
 *   sweep.c       the platform's own moves (行政许可法 §32, 容缺 overdue)
 *   stats.c       acceptance rates per window
 */
#ifndef TB_CASES_INTERNAL_H
#define TB_CASES_INTERNAL_H

#include "cases/api.h"
#include "cases/cases.h"
#include "app/app.h"
#include "lib/http.h"
#include "lib/timeutil.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct tb_db_conn;
struct tb_app;
struct principal;
struct calendar;

#define CASE_PUBLIC_ID_BYTES        16
#define CASE_PUBLIC_ID_LEN          (2 * CASE_PUBLIC_ID_BYTES)
#define CASE_DATE_LEN               10  /* YYYY-MM-DD */
#define CASE_REASON_MAX             500 /* characters of a reason or opinion */
#define CASE_FAULTS_MAX             50  /* faults in one correction notice */
#define CASE_IDEM_KEY_MAX           100
#define CASE_VALUES_MAX             (256 * 1024) /* bytes of form values */
#define CASE_LIST_MAX               100
#define CASE_CORRECTION_DAYS        5  /* default working days to answer a correction */
#define CASE_MISSING_DAYS           10 /* default working days to supply 容缺 materials */
#define CASE_EXTEND_MAX_DAYS        10 /* 行政许可法 §42: ten more days */
#define CASE_AUTO_ACCEPT_DAYS       5 /* 行政许可法 §32: five days to answer an application */
#define CASE_SITE_SURVEY_START_DAYS 2 /* 现场勘查 within 2 working days of acceptance */
#define CASE_JOINT_MEETING_MIN      3 /* participants of a 联席会议 decision */

/* One row of `cases`; strings in the arena given to the loader. */
struct case_row {
    int64_t id;
    char public_id[CASE_PUBLIC_ID_LEN + 1];
    char case_no[CASE_NO_LEN + 1];
    int64_t item_id;
    int item_version;
    int64_t org_id;
    int64_t applicant_id;
    int64_t agent_id;
    const char *channel;
    enum case_state state;
    enum case_state suspended_from; /* CS__COUNT when none */
    int steps_total, steps_done;
    const char *values_json;
    int64_t accepted_window_id, accepted_by;
    int64_t submitted_at, accepted_at, decided_at, closed_at, received_at;
    const char *promised_due, *legal_due, *correction_due; /* NULL when unset */
    int extended_days, corrections, trips;
    int warning_level; /* enum case_warning */
    /* deadlines (deadline.c): inputs copied at acceptance, outputs */
    bool same_day;
    int promised_days, legal_days, suspended_days;
    const char *promised_due_original, *legal_due_original;
    const char *yellow_on, *severe_on;
    /* delivery: the method chosen, its status, the post */
    const char *delivery;
    const char *delivery_status; /* NULL (pending), ready, dispatched, delivered */
    const char *post_carrier, *post_tracking;
    int64_t dispatched_at, delivered_at;
    int64_t etag;
    int64_t created_at, updated_at;
};

/* The item version a case applies for. */
struct case_item {
    int64_t id;
    int version;
    json_t *doc; /* owned: case_item_free */
    const char *code, *name;
    bool instant, class_b, high_risk;
};

/* Who the principal is to a case. */
struct case_actor {
    const struct principal *p;
    unsigned roles;       /* 1u << CR_APPLICANT / CR_WINDOW / CR_HANDLER */
    bool supervisor;      /* reads every case, acts on none */
    int64_t window_id;    /* the actor's window that serves this case, 0 for none */
    bool window_for_item; /* that window's 授权通知书 lists the item */
};

/* The business clock (the test clock in tongban-test, else now). */
#define case_now_ms(app) tb_app_now_ms((app), tb_time_now_ms())

/* ---- store.c ------------------------------------------------------------------- */

int case_load(struct tb_db_conn *c, const char *public_id, struct tb_arena *a,
              struct case_row *out);
int case_load_by_id(struct tb_db_conn *c, int64_t id, struct tb_arena *a, struct case_row *out);
int case_item_load(struct tb_db_conn *c, int64_t item_id, int version, struct case_item *out);
/* The current published version of the item with that 实施编码. */
int case_item_current(struct tb_db_conn *c, const char *code, struct case_item *out);
void case_item_free(struct case_item *it);
bool case_public_id_ok(const char *s);

/* Who p is to case r; TB_ERR_NOT_FOUND when p may not see it at all. */
int case_actor_of(struct tb_db_conn *c, const struct principal *p, const struct case_row *r,
                  struct case_actor *out);
/* The role p acts in for action a, or -1 when p has none that may. */
int case_role_for(enum case_action a, const struct case_actor *ac);
/* The facts the machine's guards need. */
int case_facts_of(struct tb_db_conn *c, const struct case_row *r, const struct case_item *it,
                  const struct case_actor *ac, struct case_facts *f);

/* Appends an event (and its audit record case.<action>) inside a write. p
 * NULL: the platform. data is stolen (may be NULL). */
struct case_event {
    const struct principal *p;
    struct tb_req *req; /* NULL for jobs */
    const struct case_row *r;
    const char *role;
    enum case_action action;
    enum case_state from, to;
    json_t *data;
    const char *reason;
    int64_t window_id;
    int64_t at;
};
int case_event_add(struct tb_db_conn *c, struct tb_app *app, struct case_event *e);
/* Issues a notice of kind (a notice_kind) with data (stolen) inside a write;
 * fills number, date, case, item, org and applicant. */
int case_notice_add(struct tb_db_conn *c, struct tb_app *app, const struct case_row *r,
                    const struct case_item *it, int kind, json_t *data, int64_t now);
/* Notice kinds (enum notice_kind): API name, Chinese name, parse (-1). */
const char *case_notice_kind_name(int kind);
const char *case_notice_kind_zh(int kind);
int case_notice_kind_parse(const char *s);
int case_flag_add(struct tb_db_conn *c, int64_t case_id, const char *kind, const char *reason,
                  int64_t now);
/* Writes the row's mutable columns back with etag + 1 (r->etag updated). */
int case_save(struct tb_db_conn *c, struct case_row *r, int64_t now);
/* Writes only the clock's columns (dates, level): no new ETag. */
int case_save_clock(struct tb_db_conn *c, const struct case_row *r);
/* The Shanghai date of ms as YYYY-MM-DD. */
void case_date_of(int64_t ms, char out[CASE_DATE_LEN + 1]);
/* n working days after date (YYYY-MM-DD) into out; TB_ERR_RANGE outside
 * the calendar. */
int case_add_workdays(const struct calendar *cal, const char *date, int n,
                      char out[CASE_DATE_LEN + 1]);
/* Working days in (a, b]. */
int case_workdays_between(const struct calendar *cal, const char *a, const char *b, int *out);
/* True when some 容缺 material of the case is not supplied yet. */
int case_has_open_missing(struct tb_db_conn *c, int64_t case_id, bool *out);

/* ---- clock.c --------------------------------------------------------------------- */

/* Recomputes the due dates of an accepted case (and its open steps, written
 * here) from the ledger and the calendar in effect; sets r's dates, days
 * suspended and, while the clock runs, its level on today. Strings in a. */
int case_clock_update(struct tb_db_conn *c, struct tb_app *app, struct case_row *r,
                      const char *today, struct tb_arena *a);

struct case_problem;

/* ---- delivery.c ------------------------------------------------------------------ */

/* The delivery chosen: method, and for the post the address (strings
 * borrowed from the request body). */
struct case_delivery_in {
    const char *method;
    const char *recipient, *phone, *address; /* post only */
};
bool case_item_offers(const struct case_item *it, const char *method);
/* Reads {"method", "post": {...}} (d may be NULL: the item's first method). */
int case_delivery_read(const json_t *d, const struct case_item *it, struct case_delivery_in *out,
                       struct case_problem *pb);
/* Stores the method and the sealed post address inside a write. */
int case_delivery_store(struct tb_db_conn *c, struct tb_app *app, int64_t case_id,
                        const struct case_delivery_in *d, struct tb_arena *a);
/* The result is out: status ready; a window pickup gets its code. */
int case_delivery_ready(struct tb_db_conn *c, struct tb_app *app, struct case_row *r);
int case_pickup_code(struct tb_app *app, const char *case_no, char out[9]);
bool case_pickup_code_ok(struct tb_app *app, const char *case_no, const char *code);
/* After r->trips went up: flags trips_exceeded when over the item's. */
int case_trip_add(struct tb_db_conn *c, const struct case_row *r, const struct case_item *it,
                  int64_t now);
/* Adds delivery, trips and originals to the case view. */
int case_delivery_view(struct tb_req *req, struct tb_db_conn *c, const struct case_row *r,
                       const struct case_item *it, const struct case_actor *ac, json_t *o);

/* ---- view.c ---------------------------------------------------------------------- */

/* The case as GET /api/v1/cases/{id} answers it for ac (NULL: platform). */
int case_view(struct tb_req *req, struct tb_db_conn *c, const struct case_row *r,
              const struct case_item *it, const struct case_actor *ac, json_t **out);
/* Answers 200 with the case of public_id as ac sees it, with its ETag. */
int case_respond(struct tb_req *req, const char *public_id, int status);

/* ---- transition.c, sweep.c --------------------------------------------------------- */

/* A problem found inside a write, answered after it. */
struct case_problem {
    int err;
    const char *field, *zh, *en, *code;
    json_t *errors; /* owned */
};
int case_problem_set(struct case_problem *pb, int err, const char *code, const char *field,
                     const char *zh, const char *en);
int case_problem_answer(struct tb_req *req, struct case_problem *pb);

/* Checks the materials given ([{"index","upload"|"paper"}]) against the item
 * for owner (the applicant) into provisions; reports to pb. */
struct case_material_in {
    int64_t upload_id; /* 0: none */
    bool paper;
    bool given;
    int64_t licence_id; /* provided from the licence library (not given): 0 none */
};
/* A material the applicant must give: source "applicant" (a licence-sourced
 * one comes from the library, or is checked by the window) (api.c). */
bool case_material_applicants(const json_t *def, const char *provision);
/* Fills licence_id of the licence-sourced materials not given in out from
 * the library (owner's valid licences on the business date). */
int case_materials_from_library(struct tb_req *req, struct tb_db_conn *c,
                                const struct case_item *it, int64_t owner,
                                struct case_material_in *out);
int case_materials_read(struct tb_req *req, struct tb_db_conn *c, const json_t *list,
                        const struct case_item *it, int64_t owner, bool paper_ok,
                        struct case_material_in *out, struct case_problem *pb);

/* The query code of a case, made from its number with a key of the
 * installation (api.c). */
int case_query_code(struct tb_app *app, const char *case_no, char out[QUERY_CODE_LEN + 1]);
/* The HMAC of a query code stored in cases.query_code_hash (api.c). */
int case_query_code_hash(struct tb_app *app, const char *code, unsigned char out[32]);
/* HMAC-SM3 of "label\ns" under the installation's token key: the one way
 * codes are made from case numbers (query, pickup) and looked up. */
int case_mac(struct tb_app *app, const char *label, const char *s, unsigned char out[32]);
/* If-Match: "<n>" into *etag, or the 428/412 answer (api.c). */
int case_if_match(struct tb_req *req, int64_t *etag);

#endif
