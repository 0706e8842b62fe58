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
};

/* Inits a data dir (with --demo when demo) and starts serving; extra is a
 * NULL-terminated list of additional serve arguments or NULL. 0 or -1. */
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

#endif
