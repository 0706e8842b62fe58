/*
 * http.h - the HTTP layer: server, one route table, request limits,
 * problem+json errors, security headers, metrics and static files.
 *
 * libmicrohttpd does the protocol work on a small epoll thread pool sized to
 * the cores. Handlers are plain synchronous functions: a route that may
 * block (database writes waiting for group commit, password hashing, PDF
 * rendering) runs on a worker thread while its connection is suspended, so
 * it never stalls the connections that share its I/O thread; a route marked
 * TB_ROUTE_INLINE (health checks, cheap reads) runs on the I/O thread.
 *
 * A handler reads the request (parameters, query, headers, parsed JSON body),
 * and answers with tb_resp_json(), tb_resp_problem() or tb_resp_text(). If it
 * returns a negative tb_err without answering, the layer answers with the
 * problem+json for that error. Everything a handler allocates comes from
 * req->arena and is freed when the response is done.
 */
#ifndef TB_HTTP_H
#define TB_HTTP_H

#include "lib/arena.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tb_req;
struct tb_server;

typedef int (*tb_handler)(struct tb_req *req);

enum tb_route_flags {
    TB_ROUTE_INLINE = 1 << 0,    /* cheap and non-blocking: run on the I/O thread */
    TB_ROUTE_JSON_BODY = 1 << 1, /* expects an application/json body (parsed into req->json) */
};

/* One row of the route table. The pattern is a path whose segments are
 * literals or {name} parameters (one whole segment each). */
struct tb_route {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* "/api/v1/calendar/days/{date}" */
    tb_handler handler;
    const char *permission; /* "public" or a permission name checked by the gate */
    const char *summary;    /* one line for docs and the OpenAPI cross-check */
    unsigned flags;         /* enum tb_route_flags */
    size_t body_max;        /* 0: the server's default body limit */
};

enum tb_lang { TB_LANG_ZH = 0, TB_LANG_EN = 1 };

#define TB_HTTP_MAX_PARAMS   8
#define TB_HTTP_MAX_SEGMENTS 16
#define TB_HTTP_MAX_HEADERS  64
#define TB_HTTP_MAX_QUERY    64
#define TB_REQUEST_ID_LEN    24

struct tb_kv {
    const char *key;
    const char *value;
};

/* The authorisation gate: called on the worker thread, after the body is
 * read, before every handler whose route does not have permission "public"
 * (such routes cannot be TB_ROUTE_INLINE). Returns 0 to allow, or a negative tb_err
 * (TB_ERR_UNAUTHENTICATED, TB_ERR_FORBIDDEN, TB_ERR_NOT_FOUND) to refuse.
 * With no gate installed every non-public route is refused (deny by default). */
typedef int (*tb_gate_fn)(struct tb_req *req, const struct tb_route *route);

struct tb_http_options {
    const char *listen;        /* "127.0.0.1:8080"; port 0 picks a free port */
    const char *web_root;      /* directory of static files, NULL for none */
    unsigned io_threads;       /* libmicrohttpd pool size; 0 = number of cores */
    unsigned workers;          /* handler threads for blocking routes */
    unsigned conn_timeout_s;   /* idle connection timeout */
    unsigned max_conns;        /* total connection limit */
    unsigned max_conns_per_ip; /* per client address */
    size_t conn_memory_bytes;  /* libmicrohttpd per-connection memory */
    size_t body_max;           /* default request body limit (JSON) */
    size_t json_max_depth;
    bool access_log;
    const struct tb_route *routes;
    size_t nroutes;
    tb_gate_fn gate;
    void *app; /* handed to handlers as req->app */
};

struct tb_req {
    struct tb_arena arena;
    struct tb_server *server;
    void *app;
    const struct tb_route *route; /* NULL for static files and unmatched paths */
    const char *method;
    const char *path; /* decoded path without query */
    enum tb_lang lang;
    char request_id[TB_REQUEST_ID_LEN + 1];
    char peer[48]; /* client address ("127.0.0.1"), "" when unknown */
    /* Path parameters, in pattern order. */
    struct tb_kv params[TB_HTTP_MAX_PARAMS];
    size_t nparams;
    /* Request headers and query arguments, copied at arrival. */
    struct tb_kv headers[TB_HTTP_MAX_HEADERS];
    size_t nheaders;
    struct tb_kv query[TB_HTTP_MAX_QUERY];
    size_t nquery;
    const char *body; /* NUL-terminated copy, or NULL */
    size_t body_len;
    json_t *json; /* parsed body for TB_ROUTE_JSON_BODY routes; owned by the layer */
    void *user;   /* set by the gate: the authenticated principal */
    /* Response, filled by tb_resp_*. */
    int status;
    const char *content_type;
    const char *resp_body;
    size_t resp_len;
    struct tb_kv resp_headers[16];
    size_t nresp_headers;
    /* Private to the layer. */
    void *priv;
};

/* Starts the server; *out is owned by the caller and freed by tb_http_stop. */
int tb_http_start(const struct tb_http_options *opt, struct tb_server **out);
/* The bound port (useful after listening on port 0). */
unsigned tb_http_port(const struct tb_server *srv);
/* Stops accepting, finishes every request in flight, frees srv. */
void tb_http_stop(struct tb_server *srv);

/* Request accessors. Returned strings are owned by req and live as long as it. */
const char *tb_req_param(const struct tb_req *req, const char *name);
const char *tb_req_query(const struct tb_req *req, const char *name);
const char *tb_req_header(const struct tb_req *req, const char *name);

/* Responses. tb_resp_json steals the reference to body. */
int tb_resp_json(struct tb_req *req, int status, json_t *body);
int tb_resp_text(struct tb_req *req, int status, const char *content_type, const char *body,
                 size_t len);
int tb_resp_header(struct tb_req *req, const char *name, const char *value);
/* Answers with RFC 9457 problem+json for err. field may be NULL; detail_zh
 * and detail_en (NULL for the error's title) explain the fault in plain words.
 * Returns err so handlers can `return tb_resp_problem(...)`. */
int tb_resp_problem(struct tb_req *req, int err, const char *field, const char *detail_zh,
                    const char *detail_en);
/* The same with more members (such as "errors") from extra, whose
 * reference it steals (may be NULL); standard members are never replaced. */
int tb_resp_problem_extra(struct tb_req *req, int err, const char *field, const char *detail_zh,
                          const char *detail_en, json_t *extra);

/* ---- pieces exposed for unit tests and tools ---------------------------- */

struct tb_router;

/* Compiles routes (which must outlive the router). Fails with TB_ERR_INVALID
 * on a malformed pattern or a duplicate method+pattern. */
int tb_router_new(const struct tb_route *routes, size_t n, struct tb_router **out);
void tb_router_free(struct tb_router *r);

enum tb_match { TB_MATCH_OK, TB_MATCH_NO_PATH, TB_MATCH_NO_METHOD };

/* Matches method+path. On TB_MATCH_OK *route is set and params are filled
 * (values are copied into arena). On TB_MATCH_NO_METHOD, allow receives a
 * comma-separated list of allowed methods (e.g. "GET, HEAD"). */
enum tb_match tb_router_match(const struct tb_router *r, const char *method, const char *path,
                              struct tb_arena *arena, const struct tb_route **route,
                              struct tb_kv *params, size_t *nparams, char *allow, size_t allow_cap);

/* Chooses zh or en from an Accept-Language header value (zh when absent). */
enum tb_lang tb_http_pick_lang(const char *accept_language);

/* The problem+json body for err (a new reference). */
json_t *tb_http_problem_body(int err, enum tb_lang lang, const char *field, const char *detail_zh,
                             const char *detail_en, const char *request_id);

/* Appends the Prometheus text exposition of the server's metrics to buf. */
struct tb_buf;
int tb_http_metrics_write(struct tb_server *srv, struct tb_buf *buf);

/* Content type for a file name by extension ("application/octet-stream" if unknown). */
const char *tb_http_mime_type(const char *name);
/* True when a URL path is safe to map below the web root: segments of
 * [A-Za-z0-9._-], none empty, none starting with '.'. */
bool tb_http_static_path_ok(const char *path);

#endif
