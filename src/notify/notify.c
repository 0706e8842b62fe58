/*
 * notify.c - in-app messages, their SMS and WeChat copies, and the job that
 * sends the copies (notify.h, docs/notifications.md).
 *
 * Writing a message is part of the write that causes it (a case's state
 * change: case_event_add calls notify_case_state): one row of
 * `notifications`, and one or two rows of `notification_outbox` in a single
 * statement. The hot path therefore costs at most five statements per state
 * change (the item's name, then a message and its copies for the applicant
 * and for an agent).
 *
 * Sending is the job's (notify_outbox_run, from src/app/jobs.c): it reads a
 * batch of pending copies, hands each to its channel's gateway outside any
 * transaction (a gateway may wait on the network; a write never does), and
 * records every outcome in one write. A copy that fails is tried again at
 * the next run, NOTIFY_ATTEMPTS_MAX times in all, then marked failed.
 *
 * Personal data: titles and bodies name the item and the case number only.
 * The gateway sees the recipient masked (the account's phone_masked, or its
 * user name); logs name counts and error codes, never a recipient.
 */
#include "notify/notify.h"
#include "app/app.h"
#include "lib/arena.h"
#include "lib/config.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/timeutil.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing messages ------------------------------------------------------------ */

static const char sql_notification[] =
    "INSERT INTO notifications(account_id, case_id, kind, title, body, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/* The copies of notification ?1, by the channels that are on: [sms][wechat]. */
static const char *const sql_copies[2][2] = {
    {NULL, "INSERT INTO notification_outbox(notification_id, channel) VALUES (?1, 'wechat')"},
    {"INSERT INTO notification_outbox(notification_id, channel) VALUES (?1, 'sms')",
     "INSERT INTO notification_outbox(notification_id, channel) VALUES (?1, 'sms'), "
     "(?1, 'wechat')"},
};

static bool text_ok(const char *s, size_t max)
{
    return s && s[0] && strlen(s) <= max;
}

static bool channel_on(const struct tb_config *cfg, const char *channel)
{
    const char *gw = notify_channel_gateway(cfg, channel);
    return gw && strcmp(gw, "none") != 0;
}

int notify_add(struct tb_db_conn *c, const struct tb_config *cfg, int64_t account_id,
               int64_t case_id, const char *kind, const char *title, const char *body, int64_t now,
               bool copies, int64_t *id_out)
{
    assert(c && cfg && account_id > 0);
    if (!text_ok(kind, NOTIFY_KIND_MAX_BYTES) || !text_ok(title, NOTIFY_TITLE_MAX_BYTES) ||
        !text_ok(body, NOTIFY_BODY_MAX_BYTES))
        return TB_ERR_INVALID;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, sql_notification, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, account_id);
    if (case_id > 0)
        tb_db_bind_int64(s, 2, case_id);
    else
        tb_db_bind_null(s, 2);
    tb_db_bind_text(s, 3, kind, -1);
    tb_db_bind_text(s, 4, title, -1);
    tb_db_bind_text(s, 5, body, -1);
    tb_db_bind_int64(s, 6, now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    int64_t id = tb_db_last_insert_id(c);
    if (id_out)
        *id_out = id;
    const char *sql = copies ? sql_copies[channel_on(cfg, "sms")][channel_on(cfg, "wechat")] : NULL;
    if (!sql)
        return TB_OK;
    if ((rc = tb_db_prepare(c, sql, &s)) < 0)
        return rc;
    tb_db_bind_int64(s, 1, id);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

/* ---- a case's state change ---------------------------------------------------------- */

/* What the message says of each state, after "您申请的“<item>”（办件编号 <no>）".
 * A state missing here gets "状态变更为“<state_zh>”。". */
static const struct {
    const char *state, *text;
} case_texts[] = {
    {"submitted", "已提交，等待受理。"},
    {"awaiting_correction", "需要补正材料，请按补正材料通知书补正。"},
    {"accepted", "已受理。"},
    {"in_review", "已进入审查。"},
    {"suspended", "已中止计时，办理期限暂停计算。"},
    {"approved", "已准予许可。"},
    {"result_issued", "办理结果已出具，请留意送达。"},
    {"denied", "不予许可，请查看决定书。"},
    {"delivered", "办理结果已送达。"},
    {"closed", "已办结。"},
    {"refused", "不予受理，请查看不予受理通知书。"},
    {"withdrawn", "已撤回。"},
    {"terminated", "已终止办理。"},
};

void notify_case_body(const char *state, const char *state_zh, const char *item_name,
                      const char *case_no, bool agent, char *out, size_t cap)
{
    const char *text = NULL;
    for (size_t i = 0; i < sizeof(case_texts) / sizeof(case_texts[0]) && !text; i++)
        if (strcmp(case_texts[i].state, state) == 0)
            text = case_texts[i].text;
    int n = snprintf(out, cap, "您%s的“%s”（办件编号 %s）", agent ? "代办" : "申请", item_name,
                     case_no);
    if (n < 0 || (size_t)n >= cap)
        return;
    if (text)
        snprintf(out + n, cap - (size_t)n, "%s", text);
    else
        snprintf(out + n, cap - (size_t)n, "状态变更为“%s”。", state_zh);
}

int notify_case_state(struct tb_db_conn *c, const struct tb_config *cfg,
                      const struct notify_case *nc)
{
    char item[256] = "", title[NOTIFY_TITLE_MAX_BYTES + 1], body[NOTIFY_BODY_MAX_BYTES + 1];
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT name FROM items WHERE id = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, nc->item_id);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW && tb_db_column_text(s, 0))
        snprintf(item, sizeof(item), "%s", tb_db_column_text(s, 0));
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    snprintf(title, sizeof(title), "办件状态变更：%s", nc->state_zh);
    notify_case_body(nc->state, nc->state_zh, item, nc->case_no, false, body, sizeof(body));
    rc = notify_add(c, cfg, nc->applicant_id, nc->case_id, "case_state", title, body, nc->at, true,
                    NULL);
    if (rc < 0 || nc->agent_id <= 0 || nc->agent_id == nc->applicant_id)
        return rc;
    notify_case_body(nc->state, nc->state_zh, item, nc->case_no, true, body, sizeof(body));
    return notify_add(c, cfg, nc->agent_id, nc->case_id, "case_state", title, body, nc->at, true,
                      NULL);
}

/* ---- the outbox job ------------------------------------------------------------------ */

enum notify_outcome notify_outcome_of(int attempts_before, int send_rc)
{
    if (send_rc == 0)
        return NOTIFY_SENT;
    return attempts_before + 1 >= NOTIFY_ATTEMPTS_MAX ? NOTIFY_FAILED : NOTIFY_RETRY;
}

/* One pending copy and what became of it. */
struct copy {
    int64_t id, at;
    int attempts;
    char channel[8];
    char recipient[NOTIFY_RECIPIENT_MAX];
    const char *title, *body; /* in the run's arena */
    enum notify_outcome outcome;
    const char *error; /* a tb_err code or a reason, NULL when sent */
};

struct run {
    struct tb_app *app;
    struct copy *copies;
    size_t n;
    int64_t now;
};

static const char sql_pending[] =
    "SELECT o.id, o.channel, o.attempts, n.title, n.body, n.created_at, a.phone_masked, "
    "a.username, a.id FROM notification_outbox o "
    "JOIN notifications n ON n.id = o.notification_id JOIN accounts a ON a.id = n.account_id "
    "WHERE o.status = 'pending' ORDER BY o.id LIMIT ?1";

/* The masked recipient of a copy: the phone's display mask for SMS (none
 * when the account has no phone); for WeChat the user name, else the
 * account's number on the platform. */
static void recipient_of(struct tb_db_stmt *s, struct copy *k)
{
    bool sms = strcmp(k->channel, "sms") == 0;
    const char *v = tb_db_column_text(s, sms ? 6 : 7);
    if (v)
        snprintf(k->recipient, sizeof(k->recipient), "%s", v);
    else if (!sms)
        snprintf(k->recipient, sizeof(k->recipient), "account-%" PRId64, tb_db_column_int64(s, 8));
}

static int read_pending(struct run *r, struct tb_arena *a, int max)
{
    struct tb_db_conn *c;
    struct tb_db_stmt *s;
    int rc = tb_db_read_conn(r->app->db, &c);
    if (rc < 0 || (rc = tb_db_prepare(c, sql_pending, &s)) < 0)
        return rc;
    tb_db_bind_int64(s, 1, max);
    while ((rc = tb_db_step(s)) == TB_DB_ROW && r->n < (size_t)max) {
        struct copy *k = &r->copies[r->n];
        const char *ch = tb_db_column_text(s, 1);
        memset(k, 0, sizeof(*k));
        k->id = tb_db_column_int64(s, 0);
        snprintf(k->channel, sizeof(k->channel), "%s", ch ? ch : "");
        k->attempts = (int)tb_db_column_int64(s, 2);
        k->title = tb_arena_strdup(a, tb_db_column_text(s, 3));
        k->body = tb_arena_strdup(a, tb_db_column_text(s, 4));
        k->at = tb_db_column_int64(s, 5);
        if (!k->title || !k->body) {
            rc = TB_ERR_NOMEM;
            break;
        }
        recipient_of(s, k);
        r->n++;
    }
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

/* Sends one copy through gw (NULL: its channel's gateway is unknown). */
static void send_copy(const struct notify_gateway *gw, struct copy *k)
{
    if (!gw || !gw->send) {
        /* the channel was turned off (or misnamed) after the copy was queued */
        k->outcome = NOTIFY_FAILED;
        k->error = "channel_off";
        return;
    }
    if (!k->recipient[0]) {
        k->outcome = NOTIFY_FAILED;
        k->error = "no_recipient"; /* an account without a phone number */
        return;
    }
    struct notify_msg m = {k->id, k->channel, k->recipient, k->title, k->body, k->at};
    int rc = gw->send(gw, &m);
    k->outcome = notify_outcome_of(k->attempts, rc);
    k->error = rc == 0 ? NULL : tb_err_code(rc);
}

static const char sql_mark[] =
    "UPDATE notification_outbox SET status = ?2, attempts = attempts + 1, sent_at = ?3, "
    "error = ?4 WHERE id = ?1 AND status = 'pending'";

static int write_outcomes(struct tb_db_conn *c, void *ctx)
{
    static const char *const status[] = {
        [NOTIFY_SENT] = "sent", [NOTIFY_RETRY] = "pending", [NOTIFY_FAILED] = "failed"};
    struct run *r = ctx;
    for (size_t i = 0; i < r->n; i++) {
        const struct copy *k = &r->copies[i];
        struct tb_db_stmt *s;
        int rc = tb_db_prepare(c, sql_mark, &s);
        if (rc < 0)
            return rc;
        tb_db_bind_int64(s, 1, k->id);
        tb_db_bind_text(s, 2, status[k->outcome], -1);
        if (k->outcome == NOTIFY_SENT)
            tb_db_bind_int64(s, 3, r->now);
        else
            tb_db_bind_null(s, 3);
        tb_db_bind_text(s, 4, k->error, -1);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    return TB_OK;
}

int notify_outbox_run(struct tb_app *app, int max, int *sent)
{
    static const char *const channels[] = {"sms", "wechat"};
    struct notify_gateway gws[2];
    const struct notify_gateway *gw_of[2];
    *sent = 0;
    if (max <= 0)
        return TB_OK;
    if (max > NOTIFY_RUN_MAX)
        max = NOTIFY_RUN_MAX;
    for (size_t i = 0; i < 2; i++) {
        const char *name = notify_channel_gateway(&app->cfg, channels[i]);
        gw_of[i] = name && notify_gateway_get(name, app->cfg.data, &gws[i]) == 0 ? &gws[i] : NULL;
    }
    struct tb_arena a;
    tb_arena_init(&a, 16 * 1024);
    struct run r = {app, tb_arena_calloc(&a, sizeof(struct copy) * (size_t)max), 0, 0};
    int failed = 0;
    int rc = r.copies ? read_pending(&r, &a, max) : TB_ERR_NOMEM;
    if (rc < 0 || r.n == 0)
        goto done;
    for (size_t i = 0; i < r.n; i++) {
        struct copy *k = &r.copies[i];
        send_copy(gw_of[strcmp(k->channel, "sms") == 0 ? 0 : 1], k);
        if (k->outcome == NOTIFY_SENT)
            (*sent)++;
        else
            failed++;
    }
    r.now = tb_time_now_ms();
    rc = tb_db_write(app->db, write_outcomes, &r);
    if (failed)
        tb_log_warn("notify: %d of %zu message copies not sent (kept for retry or failed)", failed,
                    r.n);
done:
    tb_arena_free(&a);
    return rc;
}
