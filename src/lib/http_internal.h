/*
 * http_internal.h - what server.c and metrics.c share; not for features.
 */
#ifndef TB_HTTP_INTERNAL_H
#define TB_HTTP_INTERNAL_H

#include "lib/http.h"

#include <stdatomic.h>
#include <stdint.h>

/* Statuses counted exactly; anything else is counted as "other". */
#define TB_METRIC_STATUSES 26
/* Duration buckets in seconds (Prometheus histogram), +Inf implied. */
#define TB_METRIC_BUCKETS 14

struct route_metrics {
    _Atomic uint64_t by_status[TB_METRIC_STATUSES + 1];
    _Atomic uint64_t buckets[TB_METRIC_BUCKETS + 1]; /* last: +Inf */
    _Atomic uint64_t dur_sum_us;
    _Atomic uint64_t count;
};

struct tb_metrics {
    size_t nroutes; /* rows: routes..., then static, then unmatched */
    struct route_metrics *rows;
};

#define TB_METRIC_ROW_STATIC(m)    ((m)->nroutes)
#define TB_METRIC_ROW_UNMATCHED(m) ((m)->nroutes + 1)

int tb_metrics_init(struct tb_metrics *m, size_t nroutes);
void tb_metrics_free(struct tb_metrics *m);
void tb_metrics_record(struct tb_metrics *m, size_t row, int status, uint64_t dur_ns);
int tb_metrics_write(const struct tb_metrics *m, const struct tb_route *routes, struct tb_buf *buf);

#endif
