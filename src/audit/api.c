/*
 * api.c - the audit log over HTTP, for the audit administrator (read only;
 * the route table gives both routes the permission "audit.read").
 *
 *   GET /api/v1/audit/events   filtered, newest first, cursor pages
 *   GET /api/v1/audit/verify   the whole-log check of verify.c
 *
 * Filters are a table: each row names its query parameter, how its value is
 * checked and the SQL condition it adds. The statement is assembled from the
 * rows present (values are always bound, never written into the text), so
 * each combination of filters is its own cached statement that can use its
 * index; the indexes carry seq, so "newest first" needs no sort.
 */
#include "app/app.h"
#include "audit/audit.h"
#include "audit/internal.h"
#include "calendar/calendar.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/timeutil.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define EVENTS_LIMIT_DEFAULT 50
#define EVENTS_LIMIT_MAX     200
#define EVENTS_SQL_MAX       1024 /* bytes of the assembled statement */
#define EVENTS_PARAMS_MAX    12   /* bound values: filters, cursor, limit */
#define MS_PER_DAY           (24LL * 3600 * 1000)
#define MS_DIGITS_MAX        15 /* a ms timestamp up to year 33658 */

/* ---- filters ------------------------------------------------------------ */

enum filter_kind {
    FILTER_FROM,   /* YYYY-MM-DD (Asia/Shanghai day) or UTC ms, inclusive */
    FILTER_TO,     /* the same, inclusive (a date means through its end) */
    FILTER_ID,     /* a positive account id */
    FILTER_ACTION, /* exact, or a prefix ending in '.' */
    FILTER_TEXT,   /* exact text up to max_bytes */
    FILTER_RESULT, /* one of the known results */
};

static const struct filter {
    const char *param;
    enum filter_kind kind;
    const char *clause; /* '#' marks each placeholder, numbered when assembled */
    size_t max_bytes;
    const char *hint_zh;
    const char *hint_en;
} filters[] = {
    {"from", FILTER_FROM, "at_ms >= #", 0, "from 应为 YYYY-MM-DD 日期或毫秒时间戳",
     "from must be a date YYYY-MM-DD or a timestamp in milliseconds"},
    {"to", FILTER_TO, "at_ms < #", 0, "to 应为 YYYY-MM-DD 日期或毫秒时间戳，且不早于 from",
     "to must be a date YYYY-MM-DD or a timestamp in milliseconds, not before from"},
    {"actor", FILTER_ID, "actor_id = #", 0, "actor 应为正整数账号 ID",
     "actor must be a positive account id"},
    {"action", FILTER_ACTION, "action = #", AUDIT_ACTION_MAX,
     "action 应为操作名（如 session.login）或以点结尾的前缀（如 session.）",
     "action must be an action name (session.login) or a prefix ending in a dot (session.)"},
    {"object_type", FILTER_TEXT, "object_type = #", AUDIT_OBJECT_TYPE_MAX,
     "object_type 过长或不是有效的 UTF-8", "object_type is too long or not valid UTF-8"},
    {"object_id", FILTER_TEXT, "object_id = #", AUDIT_OBJECT_ID_MAX,
     "object_id 过长或不是有效的 UTF-8", "object_id is too long or not valid UTF-8"},
    {"result", FILTER_RESULT, "result = #", 0, "result 只能是 ok、denied 或 failed",
     "result must be ok, denied or failed"},
};
#define NFILTERS (sizeof(filters) / sizeof(filters[0]))

/* The other parameters the route accepts. */
static const char *const other_params[] = {"limit", "cursor"};

/* The prefix form matches a range ("session." <= action < "session/"), which
 * the action index serves; '/' is the byte after '.'. */
static const char action_prefix_clause[] = "action >= # AND action < #";

struct param {
    bool is_int;
    int64_t i;
    const char *s;
};

struct query {
    struct tb_buf sql;
    struct param p[EVENTS_PARAMS_MAX];
    int np;
    bool has_where;
};

/* Strict decimal: digits only, at most max_digits, no sign, no spaces. */
static bool parse_digits(const char *s, int max_digits, int64_t *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > (size_t)max_digits)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* A time bound in UTC ms: a ms timestamp, or the start of a Shanghai day
 * (is_end: the start of the day after, so "to=2025-03-01" covers that day). */
static bool parse_time(const char *s, bool is_end, int64_t *out)
{
    struct tb_date d;
    if (parse_digits(s, MS_DIGITS_MAX, out)) {
        if (is_end)
            *out += 1; /* inclusive ms -> exclusive bound */
        return true;
    }
    if (tb_date_parse(s, strlen(s), &d) < 0)
        return false;
    *out = (int64_t)(tb_date_to_days(d) + (is_end ? 1 : 0)) * MS_PER_DAY - TB_SHANGHAI_OFFSET_MS;
    return true;
}

/* Appends clause to q's SQL, replacing each '#' with the next ?N. */
static int add_clause(struct query *q, const char *clause)
{
    int rc = tb_buf_puts(&q->sql, q->has_where ? " AND " : " WHERE ");
    q->has_where = true;
    for (const char *p = clause; rc == 0 && *p; p++) {
        if (*p != '#') {
            rc = tb_buf_append(&q->sql, p, 1);
            continue;
        }
        assert(q->np < EVENTS_PARAMS_MAX);
        rc = tb_buf_printf(&q->sql, "?%d", ++q->np);
    }
    return rc;
}

static void add_int(struct query *q, int64_t v)
{
    q->p[q->np - 1] = (struct param){.is_int = true, .i = v};
}

static void add_text(struct query *q, const char *s)
{
    q->p[q->np - 1] = (struct param){.is_int = false, .s = s};
}

/* Checks one filter value and adds its condition. false: the value is bad. */
static bool apply_filter(struct tb_req *req, struct query *q, const struct filter *f, const char *v,
                         int64_t *from_ms)
{
    int64_t n;
    size_t len = strlen(v);
    switch (f->kind) {
    case FILTER_FROM:
    case FILTER_TO:
        if (!parse_time(v, f->kind == FILTER_TO, &n))
            return false;
        if (f->kind == FILTER_FROM)
            *from_ms = n;
        else if (n <= *from_ms)
            return false;
        if (add_clause(q, f->clause) < 0)
            return false;
        add_int(q, n);
        return true;
    case FILTER_ID:
        if (!parse_digits(v, 18, &n) || n <= 0 || add_clause(q, f->clause) < 0)
            return false;
        add_int(q, n);
        return true;
    case FILTER_ACTION:
        if (!audit_action_ok(v, true))
            return false;
        if (v[len - 1] != '.') {
            if (add_clause(q, f->clause) < 0)
                return false;
            add_text(q, v);
            return true;
        }
        char *upper = tb_arena_strdup(&req->arena, v);
        if (!upper || add_clause(q, action_prefix_clause) < 0)
            return false;
        upper[len - 1] = '/';
        q->p[q->np - 2] = (struct param){.is_int = false, .s = v};
        add_text(q, upper);
        return true;
    case FILTER_TEXT:
        if (len == 0 || len > f->max_bytes || !tb_utf8_valid(v, len) ||
            add_clause(q, f->clause) < 0)
            return false;
        add_text(q, v);
        return true;
    case FILTER_RESULT:
        if (!audit_result_known(v) || add_clause(q, f->clause) < 0)
            return false;
        add_text(q, v);
        return true;
    }
    return false;
}

static bool param_known(const char *name)
{
    for (size_t i = 0; i < NFILTERS; i++)
        if (strcmp(name, filters[i].param) == 0)
            return true;
    for (size_t i = 0; i < sizeof(other_params) / sizeof(other_params[0]); i++)
        if (strcmp(name, other_params[i]) == 0)
            return true;
    return false;
}

/* ---- rows to JSON ------------------------------------------------------- */

static json_t *text_or_null(struct tb_db_stmt *s, int col)
{
    const char *t = tb_db_column_text(s, col);
    return t ? json_stringn(t, tb_db_column_bytes(s, col)) : json_null();
}

static json_t *id_or_null(struct tb_db_stmt *s, int col)
{
    return tb_db_column_is_null(s, col) ? json_null() : json_integer(tb_db_column_int64(s, col));
}

/* Stored JSON as a value; null when absent (or, after tampering, not JSON). */
static json_t *json_or_null(struct tb_db_stmt *s, int col)
{
    const char *t = tb_db_column_text(s, col);
    json_t *v = t ? json_loadb(t, tb_db_column_bytes(s, col), JSON_REJECT_DUPLICATES, NULL) : NULL;
    return v ? v : json_null();
}

/* The current row (AUDIT_COLUMNS, then hash) as an API event object. */
static json_t *event_json(struct tb_db_stmt *s)
{
    char at[32], hex[2 * TB_SM3_LEN + 1] = "";
    tb_time_format_iso(tb_db_column_int64(s, AUDIT_F_AT_MS), at, sizeof(at));
    const void *h = tb_db_column_blob(s, AUDIT_F__COUNT);
    size_t hlen = tb_db_column_bytes(s, AUDIT_F__COUNT);
    if (h && hlen == TB_SM3_LEN)
        tb_hex_encode(h, hlen, hex, sizeof(hex));
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "seq", json_integer(tb_db_column_int64(s, AUDIT_F_SEQ)));
    json_object_set_new(o, "at", json_string(at));
    json_object_set_new(o, "actor_id", id_or_null(s, AUDIT_F_ACTOR_ID));
    json_object_set_new(o, "actor_role", text_or_null(s, AUDIT_F_ACTOR_ROLE));
    json_object_set_new(o, "on_behalf_of", id_or_null(s, AUDIT_F_ON_BEHALF_OF));
    json_object_set_new(o, "org_id", id_or_null(s, AUDIT_F_ORG_ID));
    json_object_set_new(o, "ip", text_or_null(s, AUDIT_F_IP));
    json_object_set_new(o, "action", text_or_null(s, AUDIT_F_ACTION));
    json_object_set_new(o, "object_type", text_or_null(s, AUDIT_F_OBJECT_TYPE));
    json_object_set_new(o, "object_id", text_or_null(s, AUDIT_F_OBJECT_ID));
    json_object_set_new(o, "result", text_or_null(s, AUDIT_F_RESULT));
    json_object_set_new(o, "request_id", text_or_null(s, AUDIT_F_REQUEST_ID));
    json_object_set_new(o, "before", json_or_null(s, AUDIT_F_BEFORE_JSON));
    json_object_set_new(o, "after", json_or_null(s, AUDIT_F_AFTER_JSON));
    json_object_set_new(o, "reason", text_or_null(s, AUDIT_F_REASON));
    json_object_set_new(o, "hash", json_string(hex));
    return o;
}

/* ---- handlers ----------------------------------------------------------- */

/* Runs q and answers {"events": [...], "next_cursor": "..." | null}. */
static int answer_events(struct tb_req *req, struct query *q, int64_t limit)
{
    struct tb_app *app = req->app;
    struct tb_db_conn *c;
    struct tb_db_stmt *s = NULL;
    int64_t last_seq = 0, count = 0;
    bool more = false;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc == 0)
        rc = tb_db_prepare(c, tb_buf_cstr(&q->sql), &s);
    if (rc < 0)
        return rc;
    for (int i = 0; i < q->np; i++) {
        if (q->p[i].is_int)
            tb_db_bind_int64(s, i + 1, q->p[i].i);
        else
            tb_db_bind_text(s, i + 1, q->p[i].s, -1);
    }
    json_t *events = json_array();
    if (!events) {
        tb_db_stmt_done(s);
        return TB_ERR_NOMEM;
    }
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        if (count == limit) { /* the extra row: there is a next page */
            more = true;
            break;
        }
        json_t *e = event_json(s);
        if (!e || json_array_append_new(events, e) < 0) {
            rc = TB_ERR_NOMEM;
            break;
        }
        last_seq = tb_db_column_int64(s, AUDIT_F_SEQ);
        count++;
    }
    tb_db_stmt_done(s);
    if (rc < 0) {
        json_decref(events);
        return rc;
    }
    json_t *o = json_object();
    if (!o) {
        json_decref(events);
        return TB_ERR_NOMEM;
    }
    json_object_set_new(o, "events", events);
    if (more) {
        char cur[24];
        snprintf(cur, sizeof(cur), "%lld", (long long)last_seq);
        json_object_set_new(o, "next_cursor", json_string(cur));
    } else {
        json_object_set_new(o, "next_cursor", json_null());
    }
    return tb_resp_json(req, 200, o);
}

int audit_api_events(struct tb_req *req)
{
    struct query q = {.np = 0};
    int64_t limit = EVENTS_LIMIT_DEFAULT, cursor = 0, from_ms = INT64_MIN;
    int rc;

    for (size_t i = 0; i < req->nquery; i++)
        if (!param_known(req->query[i].key))
            return tb_resp_problem(req, TB_ERR_INVALID, req->query[i].key, "不支持的查询参数",
                                   "Unknown query parameter");
    const char *lim = tb_req_query(req, "limit");
    if (lim && (!parse_digits(lim, 3, &limit) || limit < 1 || limit > EVENTS_LIMIT_MAX))
        return tb_resp_problem(req, TB_ERR_INVALID, "limit", "limit 应为 1 到 200 的整数",
                               "limit must be a whole number from 1 to 200");
    const char *cur = tb_req_query(req, "cursor");
    if (cur && (!parse_digits(cur, 18, &cursor) || cursor < 1))
        return tb_resp_problem(req, TB_ERR_INVALID, "cursor", "cursor 无效，请使用上一页返回的值",
                               "cursor is not valid; pass the next_cursor of the previous page");

    tb_buf_init(&q.sql, EVENTS_SQL_MAX);
    rc = tb_buf_puts(&q.sql, "SELECT " AUDIT_COLUMNS ", hash FROM audit_events");
    for (size_t i = 0; rc == 0 && i < NFILTERS; i++) {
        const char *v = tb_req_query(req, filters[i].param);
        if (v && !apply_filter(req, &q, &filters[i], v, &from_ms)) {
            tb_buf_free(&q.sql);
            return tb_resp_problem(req, TB_ERR_INVALID, filters[i].param, filters[i].hint_zh,
                                   filters[i].hint_en);
        }
    }
    if (rc == 0 && cur && (rc = add_clause(&q, "seq < #")) == 0)
        add_int(&q, cursor);
    if (rc == 0)
        rc = tb_buf_puts(&q.sql, " ORDER BY seq DESC LIMIT ");
    if (rc == 0)
        rc = tb_buf_printf(&q.sql, "?%d", ++q.np);
    if (rc == 0) {
        add_int(&q, limit + 1);
        rc = answer_events(req, &q, limit);
    }
    tb_buf_free(&q.sql);
    return rc;
}

int audit_api_verify(struct tb_req *req)
{
    struct tb_app *app = req->app;
    struct audit_report r;
    int rc = audit_verify(app->db, &app->audit, &r);
    if (rc < 0 && rc != TB_ERR_INVALID)
        return rc;
    bool intact = rc == 0;
    json_t *o = json_object();
    if (!o)
        return TB_ERR_NOMEM;
    json_object_set_new(o, "intact", json_boolean(intact));
    json_object_set_new(o, "fault", intact ? json_null() : json_string(audit_fault_code(r.fault)));
    json_object_set_new(o, "seq", json_integer(r.seq));
    json_object_set_new(o, "events", json_integer(r.events));
    json_object_set_new(o, "checkpoints", json_integer(r.checkpoints));
    json_object_set_new(o, "message", json_string(r.message));
    return tb_resp_json(req, 200, o);
}
