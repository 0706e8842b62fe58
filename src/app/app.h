/*
 * app.h - the running platform: configuration, database, reference data and
 * the HTTP server, and the one route table that ties features to URLs.
 *
 * One struct tb_app lives for the whole `tongban serve`; handlers reach it
 * through req->app. It holds only what is loaded once at start-up; state
 * lives in the database (DESIGN: several servers may share one database).
 */
#ifndef TB_APP_H
#define TB_APP_H

#include "audit/audit.h"
#include "lib/config.h"
#include "lib/http.h"
#include "lib/keys.h"

#include <stddef.h>
#include <stdint.h>

struct tb_db;
struct calendar;

struct tb_calendar_retired {
    struct calendar *cal;
    struct tb_calendar_retired *next;
};

struct tb_app {
    struct tb_config cfg;
    struct tb_db *db;
    struct calendar *calendar; /* read with tb_app_calendar: an admin may replace it */
    struct tb_calendar_retired
        *calendars_retired; /* replaced, freed at exit: readers may hold them */
    struct tb_server *server;
    struct tb_keys keys;     /* from DATA/keys (tb_keys_load) */
    struct audit_keys audit; /* points into keys */
    int64_t started_ms;
    /* The test clock: milliseconds added to the time the case code sees.
     * Only the tongban-test binary's routes set it (docs/cases.md). */
    int64_t clock_offset_ms;
    /* calendar_versions.id in effect (0: the built-in calendar); every
     * server re-reads the calendar when another one saved a newer version */
    int64_t calendar_id;
    /* Periodic jobs (jobs.c): 1 while this server holds the jobs lock, and
     * the rounds it ran; read by /metrics. */
    int jobs_leader;
    uint64_t jobs_rounds;
};

/* The working-day calendar in effect. */
static inline const struct calendar *tb_app_calendar(const struct tb_app *app)
{
    return __atomic_load_n(&app->calendar, __ATOMIC_ACQUIRE);
}

/* Puts cal in effect (owned by app from now on); the one it replaces is
 * kept until tb_app_free_calendars, since requests may still read it. */
int tb_app_set_calendar(struct tb_app *app, struct calendar *cal);
void tb_app_free_calendars(struct tb_app *app);
/* Puts back old (a calendar replaced by the last tb_app_set_calendar) when
 * the change could not be saved. */
void tb_app_restore_calendar(struct tb_app *app, const struct calendar *old);

/* Loads the calendar an administrator saved last (calendar_versions), or
 * the built-in one. */
int tb_app_load_saved_calendar(struct tb_db *db, struct calendar **out);

/* Puts the newest saved calendar in effect when it is newer than the one
 * this server has (another server may have saved it). 1 when it changed,
 * 0 when not, or a negative tb_err. */
int tb_app_refresh_calendar(struct tb_app *app);

/* The time of the business clock: now, or the test clock's time. */
static inline int64_t tb_app_now_ms(const struct tb_app *app, int64_t real_now)
{
    return real_now + __atomic_load_n(&app->clock_offset_ms, __ATOMIC_RELAXED);
}

/* Opens data directory data for a command-line tool as the other commands
 * do: settings (environment), keys, audit keys, the database (pending
 * migrations applied) and the calendar in effect. who prefixes messages on
 * stderr. The caller closes app->db and frees app->keys. */
int tb_app_open_data(const char *data, const char *who, struct tb_app *app);

/* The key directory of a data directory: DATA/keys. */
#define TB_KEYS_SUBDIR "keys"

/* The route table: every URL of the platform, its handler, permission and
 * summary. docs/openapi.json documents each row (a unit test checks). */
extern const struct tb_route tb_routes[];
extern const size_t tb_routes_count;

/* Commands (src/app/commands.c); each returns a process exit status. */
int tb_cmd_init(int argc, char **argv);
int tb_cmd_serve(int argc, char **argv);
int tb_cmd_calendar(int argc, char **argv);
int tb_cmd_admin(int argc, char **argv);
int tb_cmd_catalog(int argc, char **argv);

/* Opens the database of cfg and applies pending migrations (embedded in
 * the binary). On success *out is owned by the caller (tb_db_close). */
int tb_app_open_db(const struct tb_config *cfg, struct tb_db **out);

/* Loads the embedded working-day calendar. */
int tb_app_load_calendar(struct calendar **out);

/* Periodic jobs (audit checkpoints, clean-up); one thread. */
struct jobs;
struct jobs *tb_jobs_start(struct tb_app *app);
void tb_jobs_stop(struct jobs *j);

/* Handlers of the platform's own routes (src/app/health.c). */
int tb_api_healthz(struct tb_req *req);
int tb_api_readyz(struct tb_req *req);
int tb_api_metrics(struct tb_req *req);
int tb_api_version(struct tb_req *req);

#define TB_VERSION "0.1.0"

#endif
