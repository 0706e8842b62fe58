/*
 * jobs.c - periodic work of a running server: a signed audit checkpoint when
 * events arrived since the last one (so the log can be verified offline up
 * to the last minute), and clean-up of login-failure rows past their window
 * (among others; once a day, the database's planner statistics).
 *
 * One thread wakes every jobs_interval_s (60 by default); each job is one
 * tb_db_write. With several servers on one PostgreSQL only the holder of
 * the jobs lock runs them (tb_db_leader: a session advisory lock); when it
 * dies its session ends and the next server to wake takes over. Every
 * server, leader or not, re-reads the calendar when another one saved a
 * newer version. On SQLite there is one server and it always leads.
 */
#include "accounts/accounts.h"
#include "app/app.h"
#include "cases/api.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "notify/notify.h"

#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECKPOINT_MIN_INTERVAL (5LL * 60 * 1000)
#define PURGE_EVERY_MS          (24LL * 3600 * 1000)
#define OUTBOX_BATCH            500 /* message copies sent per run */

struct jobs {
    struct tb_app *app;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
    int64_t last_purge_ms;
    char warned_on[16];    /* the business day the warning sweep last ran */
    char optimized_on[16]; /* the business day the planner statistics were last refreshed */
    bool is_leader;
};

/* Every server: the calendar another one saved; then whether this one runs
 * the jobs (logged when that changes). */
static bool round_start(struct jobs *j)
{
    bool is_leader = false;
    int rc = tb_app_refresh_calendar(j->app);
    if (rc < 0)
        tb_log_warn("calendar refresh: %s", tb_err_code(rc));
    else if (rc > 0)
        tb_log_info("calendar: a newer saved version is in effect");
    rc = tb_db_leader(j->app->db, &is_leader);
    if (rc < 0)
        tb_log_warn("periodic jobs: cannot ask for the jobs lock: %s", tb_err_code(rc));
    if (is_leader != j->is_leader)
        tb_log_info(is_leader ? "periodic jobs: this server runs them now"
                              : "periodic jobs: another server runs them");
    j->is_leader = is_leader;
    __atomic_store_n(&j->app->jobs_leader, is_leader ? 1 : 0, __ATOMIC_RELAXED);
    if (is_leader)
        __atomic_add_fetch(&j->app->jobs_rounds, 1, __ATOMIC_RELAXED);
    return is_leader;
}

static int job_checkpoint(struct tb_db_conn *c, void *ctx)
{
    struct tb_app *app = ctx;
    return audit_checkpoint_if_due(c, &app->audit, tb_time_now_ms(), CHECKPOINT_MIN_INTERVAL);
}

static int job_prune_failures(struct tb_db_conn *c, void *ctx)
{
    (void)ctx;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "DELETE FROM login_failures WHERE at_ms < ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, tb_time_now_ms() - LOGIN_FAILURE_WINDOW_MS);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

struct purge {
    struct tb_app *app;
    int64_t deleted;
};

/* RULE: 网络安全法 §21 / 等保 2.0 logs kept at least six months (audit_purge clamps) */
static int job_purge(struct tb_db_conn *c, void *ctx)
{
    struct purge *p = ctx;
    return audit_purge(c, &p->app->audit, tb_time_now_ms(), p->app->cfg.audit_keep_days,
                       &p->deleted);
}

static void *jobs_main(void *arg)
{
    struct jobs *j = arg;
    pthread_mutex_lock(&j->lock);
    while (!j->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += (time_t)j->app->cfg.jobs_interval_s;
        int rc = 0;
        while (!j->stop && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&j->cond, &j->lock, &until);
        if (j->stop)
            break;
        pthread_mutex_unlock(&j->lock);
        if (!round_start(j)) {
            pthread_mutex_lock(&j->lock);
            continue;
        }
        int a = tb_db_write(j->app->db, job_checkpoint, j->app);
        int b = tb_db_write(j->app->db, job_prune_failures, NULL);
        if (a < 0 || b < 0)
            tb_log_warn("periodic jobs: checkpoint %s, prune %s", tb_err_code(a), tb_err_code(b));
        /* cases: 行政许可法 §32 auto acceptance, overdue 容缺 materials */
        int y, m, d, moved = 0;
        char today[16];
        tb_time_shanghai_date(tb_app_now_ms(j->app, tb_time_now_ms()), &y, &m, &d);
        snprintf(today, sizeof(today), "%04d-%02d-%02d", y, m, d);
        int crc = cases_sweep(j->app, today, &moved);
        if (crc < 0)
            tb_log_warn("case sweep: %s", tb_err_code(crc));
        else if (moved)
            tb_log_info("case sweep: %d case(s) moved", moved);
        /* levels change with the date (and at acceptance, resume, extension,
         * which set them in their own write): once a business day */
        if (strcmp(j->warned_on, today) != 0) {
            int warned = 0;
            crc = cases_warning_sweep(j->app, today, &warned);
            if (crc < 0)
                tb_log_warn("warning sweep: %s", tb_err_code(crc));
            else {
                snprintf(j->warned_on, sizeof(j->warned_on), "%s", today);
                if (warned)
                    tb_log_info("warning sweep: %d case(s) changed level", warned);
            }
        }
        /* the planner's statistics, once a day after the sweeps: without
         * them SQLite sorts a window's case lists instead of walking an
         * index (docs/benchmarks.md); usually a no-op */
        if (strcmp(j->optimized_on, today) != 0) {
            int orc = tb_db_optimize(j->app->db);
            if (orc < 0)
                tb_log_warn("database optimize: %s", tb_err_code(orc));
            else
                snprintf(j->optimized_on, sizeof(j->optimized_on), "%s", today);
        }
        /* SMS and WeChat copies of messages, through their gateways (src/notify) */
        int sent = 0, nrc = notify_outbox_run(j->app, OUTBOX_BATCH, &sent);
        if (nrc < 0)
            tb_log_warn("notification outbox: %s", tb_err_code(nrc));
        else if (sent)
            tb_log_info("notification outbox: %d message copies sent", sent);
        int64_t now = tb_time_now_ms();
        if (now - j->last_purge_ms >= PURGE_EVERY_MS) {
            struct purge p = {j->app, 0};
            int prc = 0;
            do {
                p.deleted = 0;
                prc = tb_db_write(j->app->db, job_purge, &p);
            } while (prc == 0 && p.deleted > 0);
            if (prc < 0)
                tb_log_warn("audit purge: %s", tb_err_code(prc));
            j->last_purge_ms = now;
        }
        pthread_mutex_lock(&j->lock);
    }
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

struct jobs *tb_jobs_start(struct tb_app *app)
{
    struct jobs *j = calloc(1, sizeof(*j));
    if (!j)
        return NULL;
    j->app = app;
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->cond, NULL);
    if (pthread_create(&j->thread, NULL, jobs_main, j) != 0) {
        free(j);
        return NULL;
    }
    return j;
}

void tb_jobs_stop(struct jobs *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->lock);
    j->stop = true;
    pthread_cond_signal(&j->cond);
    pthread_mutex_unlock(&j->lock);
    pthread_join(j->thread, NULL);
    pthread_cond_destroy(&j->cond);
    pthread_mutex_destroy(&j->lock);
    free(j);
}
