/*
 * api.h - HTTP handlers of the calendar feature.
 */
#ifndef TB_CALENDAR_API_H
#define TB_CALENDAR_API_H

#include "lib/http.h"

/* GET /api/v1/calendar/days/{date} */
int calendar_api_day(struct tb_req *req);
/* GET /api/v1/calendar/add?from=YYYY-MM-DD&workdays=N */
int calendar_api_add(struct tb_req *req);

#endif
