/*
 * server.c - the libmicrohttpd server behind http.h.
 *
 * Life of a request (libmicrohttpd's three-call protocol):
 *   1. headers arrive: we copy headers and query into the request arena,
 *      pick the language, match the route and run the checks that need no
 *      body (404, 405, 413 by Content-Length, 415, the authorisation gate).
 *      Any refusal is answered at once, before reading a byte of the body.
 *      Unmatched GET/HEAD paths outside /api/ are static files.
 *   2. body chunks arrive: appended to a buffer bounded by the route's
 *      limit. Chunked bodies have no Content-Length, so the cap is enforced
 *      while accumulating; past it the rest is discarded (up to a hard cap,
 *      then the connection is dropped) and the answer is a 413.
 *   3. the body is complete: JSON routes parse it (strict, depth-limited),
 *      then the handler runs. TB_ROUTE_INLINE handlers run here, on the I/O
 *      thread. Others run on a worker: the connection is suspended, a worker
 *      runs the handler (which may block on the database), then resumes the
 *      connection, and libmicrohttpd calls us once more to queue the answer.
 * The completion callback records metrics, writes the access line and frees
 * the request arena: everything a handler allocated goes at once.
 */
#include "lib/err.h"
#include "lib/http.h"
#include "lib/http_internal.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/timeutil.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* Past the body limit we keep reading (and discarding) this much more so
 * the client can read our 413; beyond it the connection is dropped. */
#define DISCARD_MAX_BYTES (8u * 1024 * 1024)
#define REQ_ARENA_BLOCK   4096

#define CSP_VALUE                                                                                  \
    "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "            \
    "object-src 'none'"

enum phase {
    PHASE_HEADERS,  /* first call done, body may follow */
    PHASE_RUNNING,  /* handed to a worker; connection suspended */
    PHASE_ANSWERED, /* response fields set in req; to be queued */
    PHASE_QUEUED,   /* response queued with libmicrohttpd */
};

struct req_ctx {
    struct tb_req req; /* first: handlers see only this */
    struct MHD_Connection *conn;
    enum phase phase;
    uint64_t start_ns;
    size_t metric_row;
    struct tb_buf body;
    size_t body_max;
    size_t discarded;
    bool too_large;
    /* A static file answer: fd handed to libmicrohttpd. */
    int file_fd;
    uint64_t file_size;
    struct req_ctx *next; /* worker queue link */
};

struct tb_server {
    struct tb_http_options opt;
    struct MHD_Daemon *daemon;
    struct tb_router *router;
    struct tb_metrics metrics;
    int web_fd;
    unsigned port;
    /* Worker pool for blocking handlers. */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct req_ctx *q_head, *q_tail;
    bool closing;
    pthread_t *workers;
    unsigned nworkers;
};

/* ---- request ids ------------------------------------------------------ */

/* 12 random bytes as 24 hex characters: unique and not guessable from each
 * other. Randomness is fetched in blocks to keep it off the syscall path. */
static void make_request_id(char out[TB_REQUEST_ID_LEN + 1])
{
    static _Thread_local unsigned char pool[1536];
    static _Thread_local size_t used = sizeof(pool);
    static const char hex[] = "0123456789abcdef";
    if (used + 12 > sizeof(pool)) {
        if (getrandom(pool, sizeof(pool), 0) != (ssize_t)sizeof(pool)) {
            /* getrandom on Linux does not fail short for <= 256 bytes once
             * seeded; for a bigger block, mix in time as a last resort. */
            uint64_t t = tb_time_mono_ns();
            for (size_t i = 0; i < sizeof(pool); i++)
                pool[i] ^= (unsigned char)(t >> ((i % 8) * 8));
        }
        used = 0;
    }
    for (size_t i = 0; i < 12; i++) {
        out[2 * i] = hex[pool[used + i] >> 4];
        out[2 * i + 1] = hex[pool[used + i] & 15];
    }
    used += 12;
    out[TB_REQUEST_ID_LEN] = '\0';
}

/* ---- request accessors ------------------------------------------------- */

static const char *kv_find(const struct tb_kv *kv, size_t n, const char *key, bool nocase)
{
    for (size_t i = 0; i < n; i++)
        if (nocase ? strcasecmp(kv[i].key, key) == 0 : strcmp(kv[i].key, key) == 0)
            return kv[i].value;
    return NULL;
}

const char *tb_req_param(const struct tb_req *req, const char *name)
{
    return kv_find(req->params, req->nparams, name, false);
}

const char *tb_req_query(const struct tb_req *req, const char *name)
{
    return kv_find(req->query, req->nquery, name, false);
}

const char *tb_req_header(const struct tb_req *req, const char *name)
{
    return kv_find(req->headers, req->nheaders, name, true);
}

/* ---- responses ---------------------------------------------------------- */

int tb_resp_header(struct tb_req *req, const char *name, const char *value)
{
    if (req->nresp_headers == sizeof(req->resp_headers) / sizeof(req->resp_headers[0]))
        return TB_ERR_INTERNAL;
    struct tb_kv *kv = &req->resp_headers[req->nresp_headers];
    kv->key = tb_arena_strdup(&req->arena, name);
    kv->value = tb_arena_strdup(&req->arena, value);
    if (!kv->key || !kv->value)
        return TB_ERR_NOMEM;
    req->nresp_headers++;
    return TB_OK;
}

int tb_resp_text(struct tb_req *req, int status, const char *content_type, const char *body,
                 size_t len)
{
    char *copy = tb_arena_alloc(&req->arena, len + 1);
    if (!copy)
        return TB_ERR_NOMEM;
    memcpy(copy, body, len);
    copy[len] = '\0';
    req->status = status;
    req->content_type = content_type;
    req->resp_body = copy;
    req->resp_len = len;
    return TB_OK;
}

/* Serialises v into the arena (compact, UTF-8) and releases it. */
static int set_json_body(struct tb_req *req, int status, const char *type, json_t *v)
{
    if (!v)
        return TB_ERR_NOMEM;
    size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *buf = n ? tb_arena_alloc(&req->arena, n + 1) : NULL;
    if (!buf) {
        json_decref(v);
        return TB_ERR_NOMEM;
    }
    json_dumpb(v, buf, n, JSON_COMPACT | JSON_PRESERVE_ORDER);
    buf[n] = '\0';
    json_decref(v);
    req->status = status;
    req->content_type = type;
    req->resp_body = buf;
    req->resp_len = n;
    return TB_OK;
}

int tb_resp_json(struct tb_req *req, int status, json_t *body)
{
    return set_json_body(req, status, "application/json", body);
}

int tb_resp_problem(struct tb_req *req, int err, const char *field, const char *detail_zh,
                    const char *detail_en)
{
    return tb_resp_problem_extra(req, err, field, detail_zh, detail_en, NULL);
}

int tb_resp_problem_extra(struct tb_req *req, int err, const char *field, const char *detail_zh,
                          const char *detail_en, json_t *extra)
{
    const struct tb_err_info *info = tb_err_info(err);
    json_t *p = tb_http_problem_body(err, req->lang, field, detail_zh, detail_en, req->request_id);
    if (p && extra)
        json_object_update_missing(p, extra);
    json_decref(extra);
    req->nresp_headers = 0; /* headers meant for a success answer do not apply */
    if (set_json_body(req, info->status, "application/problem+json", p) < 0) {
        /* Out of memory while reporting: a fixed body still tells the truth. */
        static const char oom[] = "{\"status\":503,\"code\":\"out_of_memory\"}";
        req->status = 503;
        req->content_type = "application/problem+json";
        req->resp_body = oom;
        req->resp_len = sizeof(oom) - 1;
    }
    tb_resp_header(req, "Content-Language", req->lang == TB_LANG_EN ? "en" : "zh-CN");
    return err;
}

/* ---- queueing an answer ----------------------------------------------- */

static void add_common_headers(struct tb_server *srv, struct req_ctx *rc, struct MHD_Response *resp)
{
    (void)srv;
    MHD_add_response_header(resp, "X-Request-Id", rc->req.request_id);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Content-Security-Policy", CSP_VALUE);
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    if (strncmp(rc->req.path, "/api/", 5) == 0 || rc->req.route)
        MHD_add_response_header(resp, "Cache-Control", "no-store");
}

static enum MHD_Result queue_answer(struct tb_server *srv, struct req_ctx *rc)
{
    struct MHD_Response *resp;
    assert(rc->phase == PHASE_ANSWERED);
    if (rc->file_fd >= 0) {
        resp = MHD_create_response_from_fd64(rc->file_size, rc->file_fd);
        if (resp)
            rc->file_fd = -1; /* libmicrohttpd owns and closes it now */
    } else {
        resp = MHD_create_response_from_buffer(rc->req.resp_len, (void *)rc->req.resp_body,
                                               MHD_RESPMEM_PERSISTENT);
    }
    if (!resp)
        return MHD_NO;
    if (rc->req.content_type)
        MHD_add_response_header(resp, "Content-Type", rc->req.content_type);
    for (size_t i = 0; i < rc->req.nresp_headers; i++)
        MHD_add_response_header(resp, rc->req.resp_headers[i].key, rc->req.resp_headers[i].value);
    add_common_headers(srv, rc, resp);
    enum MHD_Result r = MHD_queue_response(rc->conn, (unsigned)rc->req.status, resp);
    MHD_destroy_response(resp);
    rc->phase = PHASE_QUEUED;
    return r;
}

/* Answers with the problem for err and queues it. */
static enum MHD_Result answer_problem(struct tb_server *srv, struct req_ctx *rc, int err,
                                      const char *field, const char *zh, const char *en)
{
    tb_resp_problem(&rc->req, err, field, zh, en);
    rc->phase = PHASE_ANSWERED;
    return queue_answer(srv, rc);
}

/* ---- running handlers --------------------------------------------------- */

/* Runs the route's handler and makes sure an answer is set. */
static void run_handler(struct req_ctx *rc)
{
    struct tb_req *req = &rc->req;
    struct tb_server *srv = req->server;
    int r = TB_OK;
    /* The gate runs here, on the worker, because it reads (and now and then
     * writes) the session: never on an I/O thread. Non-public routes are
     * never inline (tb_http_start refuses the combination). */
    if (strcmp(req->route->permission, "public") != 0)
        r = srv->opt.gate(req, req->route);
    if (r == TB_OK)
        r = req->route->handler(req);
    else
        req->status = 0; /* the gate answers nothing itself */
    if (req->status == 0) {
        if (r >= 0) {
            tb_log_error("handler for %s %s answered nothing", req->route->method,
                         req->route->pattern);
            r = TB_ERR_INTERNAL;
        }
        tb_resp_problem(req, r, NULL, NULL, NULL);
    }
    rc->phase = PHASE_ANSWERED;
}

static void *worker_main(void *arg)
{
    struct tb_server *srv = arg;
    pthread_mutex_lock(&srv->lock);
    for (;;) {
        while (!srv->q_head && !srv->closing)
            pthread_cond_wait(&srv->cond, &srv->lock);
        struct req_ctx *rc = srv->q_head;
        if (!rc)
            break; /* closing and drained */
        srv->q_head = rc->next;
        if (!srv->q_head)
            srv->q_tail = NULL;
        pthread_mutex_unlock(&srv->lock);
        run_handler(rc);
        MHD_resume_connection(rc->conn);
        pthread_mutex_lock(&srv->lock);
    }
    pthread_mutex_unlock(&srv->lock);
    return NULL;
}

/* Suspends the connection and queues rc for a worker. Returns false when
 * the server is closing (the caller answers 503 itself). The connection is
 * suspended before a worker can see rc, so resume always follows suspend. */
static bool submit_to_worker(struct tb_server *srv, struct req_ctx *rc)
{
    pthread_mutex_lock(&srv->lock);
    if (srv->closing) {
        pthread_mutex_unlock(&srv->lock);
        return false;
    }
    rc->phase = PHASE_RUNNING;
    MHD_suspend_connection(rc->conn);
    rc->next = NULL;
    if (srv->q_tail)
        srv->q_tail->next = rc;
    else
        srv->q_head = rc;
    srv->q_tail = rc;
    pthread_cond_signal(&srv->cond);
    pthread_mutex_unlock(&srv->lock);
    return true;
}

/* ---- static files --------------------------------------------------------- */

static bool accepts_gzip(const struct tb_req *req)
{
    const char *ae = tb_req_header(req, "Accept-Encoding");
    return ae && strstr(ae, "gzip") != NULL;
}

/* Answers a GET/HEAD for a file below the web root. */
static enum MHD_Result serve_static(struct tb_server *srv, struct req_ctx *rc)
{
    struct tb_req *req = &rc->req;
    rc->metric_row = TB_METRIC_ROW_STATIC(&srv->metrics);
    if (srv->web_fd < 0 || !tb_http_static_path_ok(req->path))
        return answer_problem(srv, rc, TB_ERR_NOT_FOUND, NULL, NULL, NULL);
    size_t plen = strlen(req->path);
    const char *rel = req->path[plen - 1] == '/'
                          ? tb_arena_printf(&req->arena, "%sindex.html", req->path + 1)
                          : req->path + 1;
    if (!rel)
        return MHD_NO;
    int fd = openat(srv->web_fd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return answer_problem(srv, rc, TB_ERR_NOT_FOUND, NULL, NULL, NULL);
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        const char *loc = tb_arena_printf(&req->arena, "%s/", req->path);
        if (!loc || tb_resp_text(req, 301, "text/plain; charset=utf-8", "", 0) < 0 ||
            tb_resp_header(req, "Location", loc) < 0)
            return MHD_NO;
        rc->phase = PHASE_ANSWERED;
        return queue_answer(srv, rc);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return answer_problem(srv, rc, TB_ERR_NOT_FOUND, NULL, NULL, NULL);
    }
    const char *type = tb_http_mime_type(rel);
    bool gz = false;
    if (accepts_gzip(req)) {
        const char *gzname = tb_arena_printf(&req->arena, "%s.gz", rel);
        int gfd = gzname ? openat(srv->web_fd, gzname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
        struct stat gst;
        if (gfd >= 0 && fstat(gfd, &gst) == 0 && S_ISREG(gst.st_mode)) {
            close(fd);
            fd = gfd;
            st = gst;
            gz = true;
        } else if (gfd >= 0) {
            close(gfd);
        }
    }
    char etag[64];
    snprintf(etag, sizeof(etag), "\"%llx-%llx%s\"", (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
                 (unsigned long long)st.st_mtim.tv_nsec,
             gz ? "-gz" : "");
    tb_resp_header(req, "ETag", etag);
    tb_resp_header(req, "Cache-Control", "no-cache");
    tb_resp_header(req, "Vary", "Accept-Encoding");
    if (gz)
        tb_resp_header(req, "Content-Encoding", "gzip");
    const char *inm = tb_req_header(req, "If-None-Match");
    if (inm && strstr(inm, etag)) {
        close(fd);
        req->status = 304;
        req->resp_body = "";
        req->resp_len = 0;
        rc->phase = PHASE_ANSWERED;
        return queue_answer(srv, rc);
    }
    req->status = 200;
    req->content_type = type;
    rc->file_fd = fd;
    rc->file_size = (uint64_t)st.st_size;
    rc->phase = PHASE_ANSWERED;
    return queue_answer(srv, rc);
}

/* ---- arrival: headers ------------------------------------------------------ */

struct collect {
    struct req_ctx *rc;
    bool overflow;
    bool bad;
};

static bool text_ok(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return tb_utf8_valid(s, n);
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    struct collect *c = cls;
    struct tb_req *req = &c->rc->req;
    (void)kind;
    if (req->nheaders == TB_HTTP_MAX_HEADERS) {
        c->overflow = true;
        return MHD_NO;
    }
    req->headers[req->nheaders].key = key; /* libmicrohttpd keeps these for the request */
    req->headers[req->nheaders].value = value ? value : "";
    req->nheaders++;
    return MHD_YES;
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    struct collect *c = cls;
    struct tb_req *req = &c->rc->req;
    (void)kind;
    if (req->nquery == TB_HTTP_MAX_QUERY) {
        c->overflow = true;
        return MHD_NO;
    }
    if (!text_ok(key) || (value && !text_ok(value)))
        c->bad = true;
    req->query[req->nquery].key = key;
    req->query[req->nquery].value = value ? value : "";
    req->nquery++;
    return MHD_YES;
}

static bool is_json_type(const char *ct)
{
    static const char want[] = "application/json";
    size_t n = sizeof(want) - 1;
    if (!ct || strncasecmp(ct, want, n) != 0)
        return false;
    const char *p = ct + n;
    while (*p == ' ')
        p++;
    if (*p == '\0')
        return true;
    if (*p != ';')
        return false;
    p++;
    while (*p == ' ')
        p++;
    /* RFC 8259 §8.1: JSON is UTF-8; a charset parameter may only say so. */
    if (strncasecmp(p, "charset=", 8) != 0)
        return false;
    p += 8;
    if (*p == '"')
        p++;
    return strncasecmp(p, "utf-8", 5) == 0 && (p[5] == '\0' || p[5] == '"' || p[5] == ' ');
}

static struct req_ctx *req_new(struct tb_server *srv, struct MHD_Connection *conn, const char *url,
                               const char *method)
{
    struct req_ctx *rc = calloc(1, sizeof(*rc));
    if (!rc)
        return NULL;
    rc->conn = conn;
    rc->start_ns = tb_time_mono_ns();
    rc->file_fd = -1;
    rc->phase = PHASE_HEADERS;
    rc->metric_row = TB_METRIC_ROW_UNMATCHED(&srv->metrics);
    tb_arena_init(&rc->req.arena, REQ_ARENA_BLOCK);
    rc->req.server = srv;
    rc->req.app = srv->opt.app;
    rc->req.method = method;
    rc->req.path = url;
    make_request_id(rc->req.request_id);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, rc->req.peer,
                      sizeof(rc->req.peer));
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, rc->req.peer,
                      sizeof(rc->req.peer));
    }
    return rc;
}

static void req_free(struct req_ctx *rc)
{
    if (rc->file_fd >= 0)
        close(rc->file_fd);
    if (rc->req.json)
        json_decref(rc->req.json);
    tb_buf_free(&rc->body);
    tb_arena_free(&rc->req.arena);
    free(rc);
}

/* First call: everything that can be decided from the headers. Returns
 * MHD_YES to go on reading the body, or the result of queueing an answer. */
static enum MHD_Result on_headers(struct tb_server *srv, struct req_ctx *rc)
{
    struct tb_req *req = &rc->req;
    struct collect c = {rc, false, false};
    MHD_get_connection_values(rc->conn, MHD_HEADER_KIND, collect_header, &c);
    req->lang = tb_http_pick_lang(tb_req_header(req, "Accept-Language"));
    if (c.overflow)
        return answer_problem(srv, rc, TB_ERR_BAD_REQUEST, NULL, "请求头过多",
                              "Too many request headers");
    MHD_get_connection_values(rc->conn, MHD_GET_ARGUMENT_KIND, collect_query, &c);
    if (c.overflow)
        return answer_problem(srv, rc, TB_ERR_BAD_REQUEST, NULL, "查询参数过多",
                              "Too many query parameters");
    if (c.bad)
        return answer_problem(srv, rc, TB_ERR_BAD_UTF8, NULL,
                              "查询参数含有非法字符或不是合法的 UTF-8 编码",
                              "A query parameter has control characters or invalid UTF-8");
    if (!text_ok(req->path))
        return answer_problem(srv, rc, TB_ERR_BAD_REQUEST, NULL, "请求路径含有非法字符",
                              "The request path has invalid characters");

    char allow[64];
    enum tb_match m = tb_router_match(srv->router, req->method, req->path, &req->arena, &req->route,
                                      req->params, &req->nparams, allow, sizeof(allow));
    if (m == TB_MATCH_NO_METHOD) {
        tb_resp_problem(req, TB_ERR_METHOD, NULL, "该地址不支持此请求方法",
                        "This resource does not support the request method");
        tb_resp_header(req, "Allow", allow);
        rc->phase = PHASE_ANSWERED;
        return queue_answer(srv, rc);
    }
    if (m == TB_MATCH_NO_PATH) {
        bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
        if (get && strncmp(req->path, "/api/", 5) != 0 && strcmp(req->path, "/api") != 0)
            return serve_static(srv, rc);
        return answer_problem(srv, rc, TB_ERR_NOT_FOUND, NULL, "请求的地址不存在",
                              "No such resource");
    }
    rc->metric_row = (size_t)(req->route - srv->opt.routes);

    rc->body_max = req->route->body_max ? req->route->body_max : srv->opt.body_max;
    const char *cl = tb_req_header(req, "Content-Length");
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (errno || *end || end == cl)
            return answer_problem(srv, rc, TB_ERR_BAD_REQUEST, NULL, "Content-Length 无效",
                                  "Invalid Content-Length");
        if (n > rc->body_max)
            return answer_problem(srv, rc, TB_ERR_TOO_LARGE, NULL, "请求体超过大小上限",
                                  "The request body is larger than allowed");
    }
    if (req->route->flags & TB_ROUTE_JSON_BODY) {
        if (!is_json_type(tb_req_header(req, "Content-Type")))
            return answer_problem(srv, rc, TB_ERR_MEDIA_TYPE, NULL,
                                  "请求体必须是 application/json（UTF-8）",
                                  "The request body must be application/json (UTF-8)");
    }
    if (strcmp(req->route->permission, "public") != 0 && !srv->opt.gate)
        return answer_problem(srv, rc, TB_ERR_UNAUTHENTICATED, NULL, NULL, NULL);
    tb_buf_init(&rc->body, rc->body_max);
    return MHD_YES;
}

/* Last call for a routed request: the body is complete. */
static enum MHD_Result on_body_complete(struct tb_server *srv, struct req_ctx *rc)
{
    struct tb_req *req = &rc->req;
    if (rc->too_large)
        return answer_problem(srv, rc, TB_ERR_TOO_LARGE, NULL, "请求体超过大小上限",
                              "The request body is larger than allowed");
    req->body = rc->body.len ? rc->body.data : NULL;
    req->body_len = rc->body.len;
    if (req->route->flags & TB_ROUTE_JSON_BODY) {
        if (rc->body.len == 0)
            return answer_problem(srv, rc, TB_ERR_BAD_JSON, NULL, "请求体为空",
                                  "The request body is empty");
        struct tb_json_error je;
        if (tb_json_parse(rc->body.data, rc->body.len, srv->opt.json_max_depth, &req->json, &je) <
            0) {
            char zh[160], en[240];
            if (je.err == TB_ERR_JSON_DEPTH) {
                snprintf(zh, sizeof(zh), "JSON 嵌套层级超过 %zu 层", srv->opt.json_max_depth);
                snprintf(en, sizeof(en), "JSON nesting is deeper than %zu levels",
                         srv->opt.json_max_depth);
            } else if (je.err == TB_ERR_BAD_UTF8) {
                snprintf(zh, sizeof(zh), "第 %d 行第 %d 列附近不是合法的 UTF-8", je.line,
                         je.column);
                snprintf(en, sizeof(en), "Invalid UTF-8 near line %d, column %d", je.line,
                         je.column);
            } else {
                snprintf(zh, sizeof(zh), "第 %d 行第 %d 列附近 JSON 格式错误", je.line, je.column);
                snprintf(en, sizeof(en), "Malformed JSON near line %d, column %d: %s", je.line,
                         je.column, je.text);
            }
            return answer_problem(srv, rc, je.err, NULL, zh, en);
        }
    }
    if (req->route->flags & TB_ROUTE_INLINE) {
        run_handler(rc);
        return queue_answer(srv, rc);
    }
    if (!submit_to_worker(srv, rc))
        return answer_problem(srv, rc, TB_ERR_UNAVAILABLE, NULL, "服务正在停止",
                              "The server is shutting down");
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct tb_server *srv = cls;
    struct req_ctx *rc = *con_cls;
    (void)version;
    if (!rc) {
        rc = req_new(srv, conn, url, method);
        if (!rc)
            return MHD_NO;
        *con_cls = rc;
        return on_headers(srv, rc);
    }
    switch (rc->phase) {
    case PHASE_HEADERS:
        if (*upload_data_size) {
            if (!rc->too_large && tb_buf_append(&rc->body, upload_data, *upload_data_size) < 0)
                rc->too_large = true;
            if (rc->too_large) {
                rc->discarded += *upload_data_size;
                if (rc->discarded > DISCARD_MAX_BYTES)
                    return MHD_NO;
            }
            *upload_data_size = 0;
            return MHD_YES;
        }
        return on_body_complete(srv, rc);
    case PHASE_ANSWERED:
        return queue_answer(srv, rc);
    case PHASE_RUNNING:
    case PHASE_QUEUED:
        break;
    }
    /* Called while suspended or after queueing: nothing to do. */
    *upload_data_size = 0;
    return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct tb_server *srv = cls;
    struct req_ctx *rc = *con_cls;
    (void)conn;
    if (!rc)
        return;
    *con_cls = NULL;
    uint64_t dur = tb_time_mono_ns() - rc->start_ns;
    int status = rc->req.status ? rc->req.status : 499; /* client went away */
    tb_metrics_record(&srv->metrics, rc->metric_row, status, dur);
    if (srv->opt.access_log && tb_log_enabled(TB_LOG_INFO)) {
        const char *route = rc->req.route ? rc->req.route->pattern
                            : rc->metric_row == TB_METRIC_ROW_STATIC(&srv->metrics) ? "static"
                                                                                    : "unmatched";
        json_t *line = json_pack("{s:s,s:s,s:s,s:i,s:f,s:s}", "msg", "access", "method",
                                 rc->req.method, "route", route, "status", status, "dur_ms",
                                 (double)dur / 1e6, "request_id", rc->req.request_id);
        if (line && toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
            json_object_set_new(line, "aborted", json_true());
        tb_log_json(TB_LOG_INFO, line);
    }
    req_free(rc);
}

/* Percent-decoding of the path and query (libmicrohttpd's own decoder), except
 * that "%00" would cut the string short and make "/index.html%00.txt" look
 * like "/index.html": its '%' becomes DEL, which the path and query checks
 * refuse with a 400. */
static size_t unescape_uri(void *cls, struct MHD_Connection *conn, char *uri)
{
    (void)cls;
    (void)conn;
    for (char *p = uri; (p = strstr(p, "%00")) != NULL; p += 3)
        *p = 0x7f;
    return MHD_http_unescape(uri);
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    tb_log_warn("libmicrohttpd: %s", msg);
}

/* ---- start and stop ------------------------------------------------------ */

/* Parses "HOST:PORT" or "[V6]:PORT" into a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, bool *v6)
{
    char host[128];
    const char *colon;
    const char *h = listen;
    size_t hlen;
    if (listen[0] == '[') {
        const char *close_br = strchr(listen, ']');
        if (!close_br || close_br[1] != ':')
            return TB_ERR_INVALID;
        h = listen + 1;
        hlen = (size_t)(close_br - h);
        colon = close_br + 1;
    } else {
        colon = strrchr(listen, ':');
        if (!colon)
            return TB_ERR_INVALID;
        hlen = (size_t)(colon - listen);
    }
    if (hlen >= sizeof(host))
        return TB_ERR_INVALID;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535)
        return TB_ERR_INVALID;
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    char portstr[8];
    snprintf(portstr, sizeof(portstr), "%ld", port);
    if (getaddrinfo(host[0] ? host : NULL, portstr, &hints, &res) != 0 || !res)
        return TB_ERR_INVALID;
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    *v6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    return TB_OK;
}

int tb_http_start(const struct tb_http_options *opt, struct tb_server **out)
{
    int rc = TB_ERR_NOMEM;
    struct tb_server *srv = calloc(1, sizeof(*srv));
    if (!srv)
        return TB_ERR_NOMEM;
    srv->opt = *opt;
    srv->web_fd = -1;
    pthread_mutex_init(&srv->lock, NULL);
    pthread_cond_init(&srv->cond, NULL);
    if (!srv->opt.json_max_depth)
        srv->opt.json_max_depth = TB_JSON_MAX_DEPTH_DEFAULT;
    if (!srv->opt.io_threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        srv->opt.io_threads = n > 0 ? (unsigned)n : 1;
    }
    if (!srv->opt.workers)
        srv->opt.workers = 32;

    rc = tb_router_new(opt->routes, opt->nroutes, &srv->router);
    if (rc < 0) {
        tb_log_error("route table is malformed (bad pattern, missing field or duplicate)");
        goto fail;
    }
    for (size_t i = 0; i < opt->nroutes; i++)
        if ((opt->routes[i].flags & TB_ROUTE_INLINE) &&
            strcmp(opt->routes[i].permission, "public") != 0) {
            tb_log_error("route %s %s: a route behind the gate cannot be inline",
                         opt->routes[i].method, opt->routes[i].pattern);
            rc = TB_ERR_INVALID;
            goto fail;
        }
    rc = tb_metrics_init(&srv->metrics, opt->nroutes);
    if (rc < 0)
        goto fail;
    if (opt->web_root) {
        srv->web_fd = open(opt->web_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (srv->web_fd < 0)
            tb_log_warn("web root %s cannot be opened: static pages disabled", opt->web_root);
    }

    struct sockaddr_storage ss;
    socklen_t sslen;
    bool v6 = false;
    rc = parse_listen(opt->listen, &ss, &sslen, &v6);
    if (rc < 0) {
        tb_log_error("listen address \"%s\" is not HOST:PORT", opt->listen);
        goto fail;
    }

    srv->workers = calloc(srv->opt.workers, sizeof(*srv->workers));
    if (!srv->workers) {
        rc = TB_ERR_NOMEM;
        goto fail;
    }
    for (unsigned i = 0; i < srv->opt.workers; i++) {
        if (pthread_create(&srv->workers[i], NULL, worker_main, srv) != 0) {
            rc = TB_ERR_INTERNAL;
            goto fail;
        }
        srv->nworkers++;
    }

    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
                     MHD_USE_TURBO;
    if (v6)
        flags |= MHD_USE_IPv6;
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, srv->opt.io_threads, MHD_OPTION_CONNECTION_TIMEOUT,
        srv->opt.conn_timeout_s, MHD_OPTION_CONNECTION_LIMIT, srv->opt.max_conns,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, srv->opt.max_conns_per_ip,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, srv->opt.conn_memory_bytes, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_UNESCAPE_CALLBACK,
        unescape_uri, NULL, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
    if (!srv->daemon) {
        tb_log_error("cannot listen on %s: %s", opt->listen, strerror(errno));
        rc = TB_ERR_IO;
        goto fail;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : 0;
    *out = srv;
    return TB_OK;
fail:
    tb_http_stop(srv);
    return rc;
}

unsigned tb_http_port(const struct tb_server *srv)
{
    return srv->port;
}

void tb_http_stop(struct tb_server *srv)
{
    if (!srv)
        return;
    /* Stop accepting; requests already read still run. */
    if (srv->daemon)
        MHD_quiesce_daemon(srv->daemon);
    /* Workers drain the queue, resuming every suspended connection, then
     * exit; libmicrohttpd must not be stopped with a connection suspended. */
    pthread_mutex_lock(&srv->lock);
    srv->closing = true;
    pthread_cond_broadcast(&srv->cond);
    pthread_mutex_unlock(&srv->lock);
    for (unsigned i = 0; i < srv->nworkers; i++)
        pthread_join(srv->workers[i], NULL);
    if (srv->daemon)
        MHD_stop_daemon(srv->daemon);
    free(srv->workers);
    tb_metrics_free(&srv->metrics);
    tb_router_free(srv->router);
    if (srv->web_fd >= 0)
        close(srv->web_fd);
    pthread_cond_destroy(&srv->cond);
    pthread_mutex_destroy(&srv->lock);
    free(srv);
}

int tb_http_metrics_write(struct tb_server *srv, struct tb_buf *buf)
{
    return tb_metrics_write(&srv->metrics, srv->opt.routes, buf);
}
