/*
 * health.c - liveness, readiness, metrics and version.
 *
 * /healthz answers as long as the process can serve HTTP (no I/O);
 * /readyz also asks the database, so a load balancer stops sending traffic
 * to a node whose database is gone; /metrics is the Prometheus text format.
 */
#include "app/app.h"
#include "lib/db.h"
#include "lib/err.h"

#include <stdio.h>

int tb_api_healthz(struct tb_req *req)
{
    return tb_resp_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

int tb_api_readyz(struct tb_req *req)
{
    struct tb_app *app = req->app;
    int rc = tb_db_ping(app->db);
    if (rc < 0)
        return tb_resp_problem(req, TB_ERR_UNAVAILABLE, NULL, "数据库无响应",
                               "The database does not answer");
    return tb_resp_json(req, 200, json_pack("{s:s,s:s}", "status", "ready", "database", "ok"));
}

int tb_api_version(struct tb_req *req)
{
    return tb_resp_json(req, 200, json_pack("{s:s,s:s}", "name", "tongban", "version", TB_VERSION));
}

static int write_db_metrics(struct tb_db *db, struct tb_buf *b)
{
    struct tb_db_stats s;
    int rc = 0;
    tb_db_stats_get(db, &s);
    rc |= tb_buf_puts(b, "# HELP tongban_db_write_batch_size Write functions committed per "
                         "group commit.\n# TYPE tongban_db_write_batch_size histogram\n");
    for (int i = 0; i < TB_DB_BATCH_BUCKETS; i++) {
        if (i == TB_DB_BATCH_BUCKETS - 1)
            rc |= tb_buf_printf(b, "tongban_db_write_batch_size_bucket{le=\"+Inf\"} %llu\n",
                                (unsigned long long)s.batch_size_bucket[i]);
        else
            rc |= tb_buf_printf(b, "tongban_db_write_batch_size_bucket{le=\"%g\"} %llu\n",
                                tb_db_batch_size_le[i], (unsigned long long)s.batch_size_bucket[i]);
    }
    rc |= tb_buf_printf(b,
                        "tongban_db_write_batch_size_sum %llu\n"
                        "tongban_db_write_batch_size_count %llu\n",
                        (unsigned long long)s.batch_size_sum, (unsigned long long)s.batches);
    rc |= tb_buf_puts(b, "# HELP tongban_db_commit_seconds Duration of each group commit.\n"
                         "# TYPE tongban_db_commit_seconds histogram\n");
    for (int i = 0; i < TB_DB_COMMIT_BUCKETS; i++) {
        if (i == TB_DB_COMMIT_BUCKETS - 1)
            rc |= tb_buf_printf(b, "tongban_db_commit_seconds_bucket{le=\"+Inf\"} %llu\n",
                                (unsigned long long)s.commit_seconds_bucket[i]);
        else
            rc |= tb_buf_printf(b, "tongban_db_commit_seconds_bucket{le=\"%g\"} %llu\n",
                                tb_db_commit_seconds_le[i],
                                (unsigned long long)s.commit_seconds_bucket[i]);
    }
    rc |= tb_buf_printf(b,
                        "tongban_db_commit_seconds_sum %.6f\n"
                        "tongban_db_commit_seconds_count %llu\n"
                        "# HELP tongban_db_writes_total Writes acknowledged or failed.\n"
                        "# TYPE tongban_db_writes_total counter\n"
                        "tongban_db_writes_total{result=\"ok\"} %llu\n"
                        "tongban_db_writes_total{result=\"failed\"} %llu\n"
                        "# HELP tongban_db_write_queue_depth Writes waiting for the writer.\n"
                        "# TYPE tongban_db_write_queue_depth gauge\n"
                        "tongban_db_write_queue_depth %llu\n",
                        s.commit_seconds_sum, (unsigned long long)s.batches,
                        (unsigned long long)s.writes, (unsigned long long)s.writes_failed,
                        (unsigned long long)s.queue_depth);
    return rc ? TB_ERR_TOO_LARGE : TB_OK;
}

/* Metrics text is at most a few hundred KiB even with every route and
 * status seen. */
#define METRICS_MAX_BYTES (4u * 1024 * 1024)

int tb_api_metrics(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct tb_buf b;
    tb_buf_init(&b, METRICS_MAX_BYTES);
    int rc = tb_http_metrics_write(req->server, &b);
    if (rc == 0)
        rc = write_db_metrics(app->db, &b);
    if (rc == 0 &&
        tb_buf_printf(&b,
                      "# HELP tongban_jobs_leader 1 while this server runs the periodic jobs.\n"
                      "# TYPE tongban_jobs_leader gauge\ntongban_jobs_leader %d\n"
                      "# HELP tongban_jobs_rounds_total Rounds of periodic jobs this server ran.\n"
                      "# TYPE tongban_jobs_rounds_total counter\ntongban_jobs_rounds_total %llu\n",
                      __atomic_load_n(&app->jobs_leader, __ATOMIC_RELAXED),
                      (unsigned long long)__atomic_load_n(&app->jobs_rounds, __ATOMIC_RELAXED)) < 0)
        rc = TB_ERR_TOO_LARGE;
    if (rc == 0)
        rc = tb_resp_text(req, 200, "text/plain; version=0.0.4; charset=utf-8", tb_buf_cstr(&b),
                          b.len);
    tb_buf_free(&b);
    return rc;
}
