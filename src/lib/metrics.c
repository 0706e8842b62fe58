/*
 * metrics.c - request counters and duration histograms per route, written
 * in the Prometheus text format.
 *
 * Labels use the route pattern ("/api/v1/calendar/days/{date}"), never the
 * requested path, so the number of series is bounded by the route table and
 * no identifier from a URL reaches the metrics. Counters are relaxed atomics:
 * a scrape may see a request counted in one series and not yet in another,
 * which Prometheus tolerates.
 */
#include "lib/err.h"
#include "lib/http_internal.h"

#include <stdlib.h>

static const int status_list[TB_METRIC_STATUSES] = {
    200, 201, 202, 204, 206, 301, 302, 304, 400, 401, 403, 404, 405,
    406, 409, 411, 412, 413, 415, 416, 422, 428, 429, 431, 500, 503,
};

static const double bucket_le[TB_METRIC_BUCKETS] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5,
};

static size_t status_slot(int status)
{
    for (size_t i = 0; i < TB_METRIC_STATUSES; i++)
        if (status_list[i] == status)
            return i;
    return TB_METRIC_STATUSES;
}

int tb_metrics_init(struct tb_metrics *m, size_t nroutes)
{
    m->nroutes = nroutes;
    m->rows = calloc(nroutes + 2, sizeof(*m->rows));
    return m->rows ? TB_OK : TB_ERR_NOMEM;
}

void tb_metrics_free(struct tb_metrics *m)
{
    free(m->rows);
    m->rows = NULL;
}

void tb_metrics_record(struct tb_metrics *m, size_t row, int status, uint64_t dur_ns)
{
    struct route_metrics *r = &m->rows[row];
    atomic_fetch_add_explicit(&r->by_status[status_slot(status)], 1, memory_order_relaxed);
    double s = (double)dur_ns / 1e9;
    size_t b = 0;
    while (b < TB_METRIC_BUCKETS && s > bucket_le[b])
        b++;
    atomic_fetch_add_explicit(&r->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->dur_sum_us, dur_ns / 1000, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->count, 1, memory_order_relaxed);
}

static const char *row_label(const struct tb_metrics *m, const struct tb_route *routes, size_t row)
{
    if (row == TB_METRIC_ROW_STATIC(m))
        return "static";
    if (row == TB_METRIC_ROW_UNMATCHED(m))
        return "unmatched";
    return routes[row].pattern;
}

static const char *row_method(const struct tb_metrics *m, const struct tb_route *routes, size_t row)
{
    return row < m->nroutes ? routes[row].method : "";
}

int tb_metrics_write(const struct tb_metrics *m, const struct tb_route *routes, struct tb_buf *buf)
{
    int rc = 0;
    rc |= tb_buf_puts(buf, "# HELP tongban_http_requests_total HTTP requests answered, by "
                           "route pattern and status.\n"
                           "# TYPE tongban_http_requests_total counter\n");
    for (size_t row = 0; row < m->nroutes + 2; row++) {
        const struct route_metrics *r = &m->rows[row];
        for (size_t s = 0; s <= TB_METRIC_STATUSES; s++) {
            uint64_t n = atomic_load_explicit(&r->by_status[s], memory_order_relaxed);
            if (!n)
                continue;
            if (s < TB_METRIC_STATUSES)
                rc |= tb_buf_printf(buf,
                                    "tongban_http_requests_total{route=\"%s\",method=\"%s\","
                                    "status=\"%d\"} %llu\n",
                                    row_label(m, routes, row), row_method(m, routes, row),
                                    status_list[s], (unsigned long long)n);
            else
                rc |= tb_buf_printf(buf,
                                    "tongban_http_requests_total{route=\"%s\",method=\"%s\","
                                    "status=\"other\"} %llu\n",
                                    row_label(m, routes, row), row_method(m, routes, row),
                                    (unsigned long long)n);
        }
    }
    rc |= tb_buf_puts(buf, "# HELP tongban_http_request_duration_seconds Time from request "
                           "arrival to response completion.\n"
                           "# TYPE tongban_http_request_duration_seconds histogram\n");
    for (size_t row = 0; row < m->nroutes + 2; row++) {
        const struct route_metrics *r = &m->rows[row];
        uint64_t count = atomic_load_explicit(&r->count, memory_order_relaxed);
        if (!count)
            continue;
        const char *label = row_label(m, routes, row);
        const char *method = row_method(m, routes, row);
        uint64_t cum = 0;
        for (size_t b = 0; b <= TB_METRIC_BUCKETS; b++) {
            cum += atomic_load_explicit(&r->buckets[b], memory_order_relaxed);
            if (b < TB_METRIC_BUCKETS)
                rc |= tb_buf_printf(buf,
                                    "tongban_http_request_duration_seconds_bucket{route=\"%s\","
                                    "method=\"%s\",le=\"%g\"} %llu\n",
                                    label, method, bucket_le[b], (unsigned long long)cum);
            else
                rc |= tb_buf_printf(buf,
                                    "tongban_http_request_duration_seconds_bucket{route=\"%s\","
                                    "method=\"%s\",le=\"+Inf\"} %llu\n",
                                    label, method, (unsigned long long)cum);
        }
        rc |= tb_buf_printf(
            buf, "tongban_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n",
            label, method,
            (double)atomic_load_explicit(&r->dur_sum_us, memory_order_relaxed) / 1e6);
        rc |= tb_buf_printf(
            buf, "tongban_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %llu\n",
            label, method, (unsigned long long)cum);
    }
    return rc ? TB_ERR_TOO_LARGE : TB_OK;
}
