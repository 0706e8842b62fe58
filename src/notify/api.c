/*
 * api.c - the caller's own messages (docs/cases.md "Notifications"):
 *
 *   GET  /api/v1/me/notifications?unread=&limit=&offset=   self  newest first
 *   POST /api/v1/me/notifications/read {"ids"} | {"all"}   self  mark read
 *
 * Both work on the caller's account only: every statement carries
 * account_id = the caller, so an id of someone else's message is simply not
 * found (not listed, not marked) and nothing says it exists. Messages are
 * the person's, not an applicant's as represented: an agent acting for an
 * applicant (X-On-Behalf-Of) reads the agent's own. Department systems (API
 * clients) have no messages.
 */
#include "notify/notify.h"
#include "accounts/accounts.h"
#include "accounts/api.h"
#include "app/app.h"
#include "audit/audit.h"
#include "lib/arena.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/timeutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int no_client(struct tb_req *req)
{
    return tb_resp_problem(req, TB_ERR_FORBIDDEN, NULL, "部门系统没有个人消息",
                           "API clients have no messages");
}

/* A whole number from lo to hi in text s (NULL: def) into *out. */
static bool number_in(const char *s, long def, long lo, long hi, long *out)
{
    if (!s) {
        *out = def;
        return true;
    }
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* ---- GET /api/v1/me/notifications ------------------------------------------------- */

static const char sql_counts[] =
    "SELECT count(*), coalesce(sum(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END), 0) "
    "FROM notifications WHERE account_id = ?1";

static const char sql_page[] =
    "SELECT n.id, n.kind, n.title, n.body, n.created_at, n.read_at, k.public_id, k.case_no "
    "FROM notifications n LEFT JOIN cases k ON k.id = n.case_id "
    "WHERE n.account_id = ?1 AND (?2 = 0 OR n.read_at IS NULL) "
    "ORDER BY n.id DESC LIMIT ?3 OFFSET ?4";

static json_t *iso_or_null(struct tb_db_stmt *s, int col)
{
    char at[32];
    if (tb_db_column_is_null(s, col))
        return json_null();
    tb_time_format_iso(tb_db_column_int64(s, col), at, sizeof(at));
    return json_string(at);
}

static json_t *row_json(struct tb_db_stmt *s)
{
    const char *case_id = tb_db_column_text(s, 6);
    json_t *kase = case_id ? json_pack("{s:s,s:s}", "id", case_id, "case_no",
                                       tb_db_column_text(s, 7) ? tb_db_column_text(s, 7) : "")
                           : json_null();
    return json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o}", "id", (json_int_t)tb_db_column_int64(s, 0),
                     "kind", tb_db_column_text(s, 1), "title", tb_db_column_text(s, 2), "body",
                     tb_db_column_text(s, 3), "case", kase, "created_at", iso_or_null(s, 4),
                     "read_at", iso_or_null(s, 5));
}

/* The caller's totals: all messages and the unread ones. */
static int counts(struct tb_db_conn *c, int64_t account, int64_t *all, int64_t *unread)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, sql_counts, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, account);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        *all = tb_db_column_int64(s, 0);
        *unread = tb_db_column_int64(s, 1);
    }
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

int notify_api_list(struct tb_req *req)
{
    struct tb_app *app = req->app;
    const struct principal *p = req->user;
    const char *unread_q = tb_req_query(req, "unread");
    long limit, offset;
    bool only_unread = unread_q && strcmp(unread_q, "true") == 0;
    if (unread_q && !only_unread && strcmp(unread_q, "false") != 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "unread", "unread 应为 true 或 false",
                               "unread must be true or false");
    if (!number_in(tb_req_query(req, "limit"), NOTIFY_LIST_DEFAULT, 1, NOTIFY_LIST_MAX, &limit))
        return tb_resp_problem(req, TB_ERR_INVALID, "limit", "limit 应为 1 至 100 的整数",
                               "limit must be a whole number from 1 to 100");
    if (!number_in(tb_req_query(req, "offset"), 0, 0, NOTIFY_OFFSET_MAX, &offset))
        return tb_resp_problem(req, TB_ERR_INVALID, "offset", "offset 应为不小于 0 的整数",
                               "offset must be a whole number, at least 0");
    if (p->client_id)
        return no_client(req);
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    int64_t all = 0, unread = 0;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc < 0 || (rc = counts(c, p->account_id, &all, &unread)) < 0 ||
        (rc = tb_db_prepare(c, sql_page, &s)) < 0)
        return rc;
    tb_db_bind_int64(s, 1, p->account_id);
    tb_db_bind_int64(s, 2, only_unread ? 1 : 0);
    tb_db_bind_int64(s, 3, limit);
    tb_db_bind_int64(s, 4, offset);
    json_t *list = json_array();
    while (list && (rc = tb_db_step(s)) == TB_DB_ROW) {
        json_t *o = row_json(s);
        if (!o || json_array_append_new(list, o) != 0) {
            rc = TB_ERR_NOMEM;
            break;
        }
    }
    tb_db_stmt_done(s);
    if (!list || rc < 0) {
        json_decref(list);
        return rc < 0 ? rc : TB_ERR_NOMEM;
    }
    return tb_resp_json(req, 200,
                        json_pack("{s:I,s:I,s:o}", "total",
                                  (json_int_t)(only_unread ? unread : all), "unread",
                                  (json_int_t)unread, "notifications", list));
}

/* ---- POST /api/v1/me/notifications/read -------------------------------------------- */

struct mark {
    struct tb_app *app;
    struct tb_req *req;
    const struct principal *p;
    const int64_t *ids; /* NULL: all */
    size_t n;
    int64_t now;
    /* out */
    int64_t marked, unread;
};

static int write_mark(struct tb_db_conn *c, void *ctx)
{
    struct mark *m = ctx;
    struct tb_db_stmt *s;
    int rc;
    int64_t all = 0;
    if (!m->ids) {
        if ((rc = tb_db_prepare(c,
                                "UPDATE notifications SET read_at = ?2 WHERE account_id = ?1 AND "
                                "read_at IS NULL",
                                &s)) < 0)
            return rc;
        tb_db_bind_int64(s, 1, m->p->account_id);
        tb_db_bind_int64(s, 2, m->now);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
        m->marked = tb_db_changes(c);
    }
    for (size_t i = 0; m->ids && i < m->n; i++) {
        /* account_id in the statement: someone else's id changes nothing */
        if ((rc = tb_db_prepare(c,
                                "UPDATE notifications SET read_at = ?3 WHERE id = ?2 AND "
                                "account_id = ?1 AND read_at IS NULL",
                                &s)) < 0)
            return rc;
        tb_db_bind_int64(s, 1, m->p->account_id);
        tb_db_bind_int64(s, 2, m->ids[i]);
        tb_db_bind_int64(s, 3, m->now);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
        m->marked += tb_db_changes(c);
    }
    if ((rc = counts(c, m->p->account_id, &all, &m->unread)) < 0)
        return rc;
    /* audited like every write: which messages, and how many changed */
    json_t *after = json_pack("{s:I}", "marked", (json_int_t)m->marked);
    json_t *ids = m->ids ? json_array() : json_true();
    for (size_t i = 0; ids && m->ids && i < m->n; i++)
        json_array_append_new(ids, json_integer((json_int_t)m->ids[i]));
    if (!after || !ids) {
        json_decref(after);
        json_decref(ids);
        return TB_ERR_NOMEM;
    }
    json_object_set_new(after, m->ids ? "ids" : "all", ids);
    struct audit_event e;
    audit_from_req(m->req, m->p, &e);
    e.at_ms = m->now;
    e.action = "notification.read";
    e.object_type = "notification";
    e.object_id = m->ids ? NULL : "all";
    e.after_json = accounts_json_text(m->req, after);
    return e.after_json ? audit_append(c, &m->app->audit, &e, NULL) : TB_ERR_NOMEM;
}

/* The body's ids into m (answered on a fault). */
static int read_ids(struct tb_req *req, const json_t *ids, struct mark *m)
{
    size_t i, n = json_array_size(ids);
    json_t *v;
    if (!json_is_array(ids) || n == 0 || n > NOTIFY_READ_IDS_MAX)
        return tb_resp_problem(req, TB_ERR_INVALID, "ids", "ids 应为 1 至 100 个消息编号的数组",
                               "ids must be an array of 1 to 100 message ids");
    int64_t *out = tb_arena_alloc(&req->arena, n * sizeof(*out));
    if (!out)
        return TB_ERR_NOMEM;
    json_array_foreach(ids, i, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            char *field = tb_arena_printf(&req->arena, "ids[%zu]", i);
            return tb_resp_problem(req, TB_ERR_INVALID, field, "消息编号应为正整数",
                                   "A message id is a positive whole number");
        }
        out[i] = (int64_t)json_integer_value(v);
    }
    m->ids = out;
    m->n = n;
    return TB_OK;
}

int notify_api_read(struct tb_req *req)
{
    static const char *const fields[] = {"ids", "all", NULL};
    struct mark m = {req->app, req, req->user, NULL, 0, tb_time_now_ms(), 0, 0};
    int rc = accounts_only_fields(req, fields);
    if (rc < 0)
        return rc;
    json_t *ids = json_object_get(req->json, "ids"), *all = json_object_get(req->json, "all");
    if ((ids == NULL) == (all == NULL))
        return tb_resp_problem(req, TB_ERR_INVALID, NULL, "请给出 ids（消息编号）或 all: true 之一",
                               "Give either ids (message ids) or all: true");
    if (all && !json_is_true(all))
        return tb_resp_problem(req, TB_ERR_INVALID, "all", "all 只能为 true",
                               "all can only be true");
    if (ids && (rc = read_ids(req, ids, &m)) < 0)
        return rc;
    if (m.p->client_id)
        return no_client(req);
    if ((rc = tb_db_write(m.app->db, write_mark, &m)) < 0)
        return rc;
    return tb_resp_json(
        req, 200,
        json_pack("{s:I,s:I}", "unread", (json_int_t)m.unread, "marked", (json_int_t)m.marked));
}
