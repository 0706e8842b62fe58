/*
 * api.h - HTTP handlers of cases (docs/cases.md "Routes") and the sweep the
 * jobs thread runs.
 */
#ifndef TB_CASES_API_H
#define TB_CASES_API_H

#include "lib/http.h"

#include <stdint.h>

struct tb_app;

int cases_api_create(struct tb_req *req);        /* POST /api/v1/cases */
int cases_api_list(struct tb_req *req);          /* GET /api/v1/cases */
int cases_api_prefill(struct tb_req *req);       /* GET /api/v1/cases/prefill */
int cases_api_get(struct tb_req *req);           /* GET /api/v1/cases/{id} */
int cases_api_patch(struct tb_req *req);         /* PATCH /api/v1/cases/{id} */
int cases_api_transition(struct tb_req *req);    /* POST /api/v1/cases/{id}/transitions */
int cases_api_events(struct tb_req *req);        /* GET /api/v1/cases/{id}/events */
int cases_api_notice(struct tb_req *req);        /* GET /api/v1/cases/{id}/notices/{notice} */
int cases_api_progress(struct tb_req *req);      /* GET /api/v1/progress */
int cases_api_window_stats(struct tb_req *req);  /* GET /api/v1/windows/stats */
int cases_api_demo_samples(struct tb_req *req);  /* GET /api/v1/demo/applications */
int cases_api_demo_file(struct tb_req *req);     /* GET /api/v1/demo/files/{name} */
int cases_api_calendar_get(struct tb_req *req);  /* GET /api/v1/calendar/source */
int cases_api_calendar_put(struct tb_req *req);  /* PUT /api/v1/calendar/source */
int cases_api_delivery_put(struct tb_req *req);  /* PUT /api/v1/cases/{id}/delivery */
int cases_api_pickup_lookup(struct tb_req *req); /* POST /api/v1/pickups/lookup */

struct tb_db_conn;
struct principal;
/* 0 when staff member p may see a case whose materials name upload_id,
 * else TB_ERR_NOT_FOUND (uploads_can_read asks it). */
int cases_upload_visible(struct tb_db_conn *c, const struct principal *p, int64_t upload_id);

/* The platform's sweep over open cases as of today (YYYY-MM-DD): 行政许可法
 * §32 auto acceptance, overdue 容缺 materials. *moved: cases changed. */
int cases_sweep(struct tb_app *app, const char *today, int *moved);

/* Drops the parsed item versions the case code keeps (at exit: no leak). */
void case_items_forget(void);

/* The warning sweep (docs/cases.md "Deadlines and warnings"): raises the
 * level of running cases and their current steps as of today and notifies
 * handlers and their superiors. *warned: cases whose level rose. */
int cases_warning_sweep(struct tb_app *app, const char *today, int *warned);

#endif
