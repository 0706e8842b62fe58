/*
 * harness.h - API tests: run build/tongban on a free port with a temporary
 * data directory and talk to it over HTTP with libcurl.
 *
 * The binary is $TB_BIN (set by ctest) or build/tongban. The server prints
 * "tongban: listening on URL" when ready; the harness reads that line, so
 * tests never guess ports or sleep.
 */
#ifndef TB_TEST_HARNESS_H
#define TB_TEST_HARNESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct test_server {
    pid_t pid;
    char base[128]; /* "http://127.0.0.1:PORT" without trailing slash */
    char data[256]; /* temporary data directory */
    char log[300];  /* the server's stderr, kept for failures */
    char db[512];   /* its database: the SQLite file, or a PostgreSQL URL */
};

/*
 * A fresh database for a test. With $TB_TEST_PG set (a PostgreSQL base URL
 * such as postgresql://tongban@127.0.0.1:PORT, scripts/pg-cluster.sh) a new
 * database is created there and its URL written to out; otherwise out is
 * sqlite_path. 0 or -1.
 */
int test_db_new(const char *sqlite_path, char *out, size_t cap);
/* Drops a database made by test_db_new (nothing for SQLite files). */
void test_db_drop(const char *db);
/* True when the tests run on PostgreSQL ($TB_TEST_PG). */
bool test_on_pg(void);
/* Runs sql (one or more statements, no parameters) on db as one write,
 * through the db layer, behind the server's back. 0 or -1. */
int test_db_exec(const char *db, const char *sql);
/* The integer in the first column of the first row of sql on db. */
long long test_db_scalar(const char *db, const char *sql);

/* Inits a data dir (with --demo when demo) and starts serving; extra is a
 * NULL-terminated list of additional serve arguments or NULL. 0 or -1.
 * On PostgreSQL ($TB_TEST_PG) the server gets a database of its own
 * (TONGBAN_DATABASE, also set in the test's own environment for the
 * commands it runs), dropped by server_stop. */
int server_start(struct test_server *s, bool demo, const char *const *extra);
/* SIGTERM, wait, and return the exit status (0 for a clean stop); removes
 * the data directory. */
int server_stop(struct test_server *s);

struct http_resp {
    long status;
    char *body;
    size_t len;
    json_t *json;  /* parsed body when it is JSON, else NULL */
    char *headers; /* raw header block */
};

/* One request. headers: NULL-terminated "Name: value" strings or NULL.
 * body may be NULL; len (size_t)-1 means strlen(body). 0 or -1. */
int http_req(const struct test_server *s, const char *method, const char *path,
             const char *const *headers, const char *body, size_t len, struct http_resp *out);
/* The value of a response header (case-insensitive name), copied into a
 * static buffer, or NULL. */
const char *resp_header(const struct http_resp *r, const char *name);
void resp_free(struct http_resp *r);

/* Sends raw bytes on a new TCP connection and returns what came back until
 * the server closed or timeout_ms passed (malloc'd, NUL-terminated). */
char *raw_exchange(const struct test_server *s, const char *bytes, size_t len, int timeout_ms);

/* The problem+json "code" of r, or "" when r is not a problem. */
const char *problem_code(const struct http_resp *r);

/* ---- sessions: cookie and CSRF token (docs/accounts.md) -------------------- */

/* One logged-in browser: its session cookie and CSRF token. */
struct tb_client {
    char cookie[160]; /* "tb_session=TOKEN", the value of a Cookie header */
    char csrf[128];   /* csrf_token of the login answer */
    long long account_id;
};

/* Logs in with POST /api/v1/sessions. On 200 fills *c (cookie, CSRF token,
 * account id). Returns the HTTP status, or -1 when the request failed. The
 * answer is left in *out when out is not NULL (the caller frees it). */
long client_login(const struct test_server *s, const char *username, const char *password,
                  struct tb_client *c, struct http_resp *out);

enum {
    CLIENT_NO_CSRF = 1u << 0,    /* leave out X-CSRF-Token */
    CLIENT_ORIGIN = 1u << 1,     /* send Origin: the server's own origin */
    CLIENT_BAD_ORIGIN = 1u << 2, /* send Origin: http://evil.example */
    CLIENT_EN = 1u << 3,         /* Accept-Language: en */
};

/* One request as c (NULL: without a cookie). A body is sent as
 * application/json. State-changing methods (not GET/HEAD/OPTIONS) carry
 * c's X-CSRF-Token unless CLIENT_NO_CSRF. extra: more NULL-terminated
 * "Name: value" headers, or NULL. 0 or -1 like http_req. */
int client_req(const struct test_server *s, const struct tb_client *c, const char *method,
               const char *path, const char *body, unsigned flags, const char *const *extra,
               struct http_resp *out);

/* The Set-Cookie line that sets cookie name (any of several Set-Cookie
 * headers), copied into a static buffer, or NULL. */
const char *resp_set_cookie(const struct http_resp *r, const char *name);

#endif
