/*
 * notify.h - messages to people (SPEC §8, docs/cases.md "Notifications").
 *
 * Every message is first a row of `notifications`: the in-app message the
 * person reads under 我的消息. Written in the same write as the action it
 * tells of, so a message exists exactly when its action committed. Copies
 * by SMS and WeChat are rows of `notification_outbox`, queued in that same
 * write and sent later by a job (notify_outbox_run) through a gateway per
 * channel, because a write never waits on the network.
 *
 * Gateways are pluggable (struct notify_gateway): the setting notify_sms or
 * notify_wechat names one. Built in: `log` appends one line per message to
 * DATA/outbox/<channel>.log with the recipient masked (a stand-in for an
 * operator's SMS platform and WeChat template messages), and `none`, which
 * turns the channel off (nothing is queued for it). Delivery is at least
 * once: a message whose send succeeded but whose "sent" mark was lost is
 * sent again by the next run.
 *
 * Files: notify.c (messages, outbox, the case-state texts), gateway.c (the
 * gateways), api.c (GET /api/v1/me/notifications and .../read).
 */
#ifndef TB_NOTIFY_H
#define TB_NOTIFY_H

#include "lib/http.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tb_app;
struct tb_config;
struct tb_db_conn;

/* ---- limits (STYLE.md 8) --------------------------------------------------- */

#define NOTIFY_TITLE_MAX_BYTES 200  /* a title, UTF-8 */
#define NOTIFY_BODY_MAX_BYTES  1000 /* a body, UTF-8 */
#define NOTIFY_KIND_MAX_BYTES  32
#define NOTIFY_ATTEMPTS_MAX    5   /* sends of one outbox row before it is failed */
#define NOTIFY_LIST_MAX        100 /* notifications one list answer carries */
#define NOTIFY_LIST_DEFAULT    20
#define NOTIFY_OFFSET_MAX      1000000
#define NOTIFY_READ_IDS_MAX    100      /* ids one mark-read request names */
#define NOTIFY_RUN_MAX         1000     /* outbox rows one notify_outbox_run sends at most */
#define NOTIFY_RECIPIENT_MAX   64       /* bytes of a masked recipient */
#define NOTIFY_OUTBOX_SUBDIR   "outbox" /* under the data directory: the log gateway's files */
#define NOTIFY_LOG_LINE_MAX    4096     /* bytes of one log gateway line */

/* ---- writing messages (inside a tb_db_write) ---------------------------------- */

/*
 * Adds an in-app message for account_id inside the caller's write (c is the
 * write connection). case_id 0: about no case. kind is a short code
 * ("case_state", "warning"); title and body are plain text without personal
 * data (they are copied to SMS and WeChat). With copies, an outbox row is
 * queued for each of sms and wechat whose gateway in cfg is not `none`.
 * *id_out (may be NULL) receives the notification's id. 0, TB_ERR_INVALID
 * (empty or oversized text), or a database error: the caller's write fails.
 */
int notify_add(struct tb_db_conn *c, const struct tb_config *cfg, int64_t account_id,
               int64_t case_id, const char *kind, const char *title, const char *body, int64_t now,
               bool copies, int64_t *id_out);

/* A case's state change, as case_event_add reports it. */
struct notify_case {
    int64_t case_id, item_id;
    int64_t applicant_id, agent_id; /* agent_id 0: none */
    const char *case_no;
    const char *state;    /* the new state's API name ("accepted") */
    const char *state_zh; /* its Chinese name ("已受理") */
    int64_t at;
};

/*
 * Tells the applicant (and the agent) of a case's new state: kind
 * case_state, with SMS and WeChat copies. One item-name lookup and two
 * inserts per person. Inside the caller's write.
 */
int notify_case_state(struct tb_db_conn *c, const struct tb_config *cfg,
                      const struct notify_case *nc);

/* The body notify_case_state writes ("您申请的“<item>”（办件编号 <no>）已受理。";
 * an agent's says 您代办的) into out; the text follows the state (pure). */
void notify_case_body(const char *state, const char *state_zh, const char *item_name,
                      const char *case_no, bool agent, char *out, size_t cap);

/* ---- gateways ---------------------------------------------------------------------- */

/* One message as a gateway sees it. Strings are valid during send only. */
struct notify_msg {
    int64_t id;            /* the outbox row */
    const char *channel;   /* "sms" or "wechat" */
    const char *recipient; /* masked: a phone's display mask, a user name */
    const char *title;
    const char *body;
    int64_t at; /* when the message was made, ms */
};

/* A gateway: send returns 0 when the message is handed over, else a negative
 * tb_err (the row is tried again up to NOTIFY_ATTEMPTS_MAX). A deployment's
 * gateway is a new row of the table in gateway.c with its own send. */
struct notify_gateway {
    const char *name; /* "log", "none", ... (the setting's value) */
    int (*send)(const struct notify_gateway *gw, const struct notify_msg *m); /* NULL: off */
    const char *dir; /* log: where DATA/outbox is */
    void *ctx;       /* a deployment gateway's own state */
};

/* True when name is a gateway (the settings notify_sms, notify_wechat). */
bool notify_gateway_known(const char *name);
/* The gateway called name into *out, for the data directory data_dir
 * (out->dir points to it: keep it alive while out is used). TB_ERR_INVALID
 * for an unknown name. */
int notify_gateway_get(const char *name, const char *data_dir, struct notify_gateway *out);
/* The gateway name the configuration gives channel ("sms", "wechat"), or
 * NULL for an unknown channel. */
const char *notify_channel_gateway(const struct tb_config *cfg, const char *channel);

/* One log gateway line for m, without personal data beyond the masked
 * recipient; tabs and line breaks in the texts become spaces. 0 or
 * TB_ERR_TOO_LARGE when it does not fit cap. */
int notify_log_line(const struct notify_msg *m, char *out, size_t cap);

/* ---- the outbox job ----------------------------------------------------------------- */

/* What becomes of an outbox row after a send that returned send_rc, the row
 * having been tried attempts times before (pure). */
enum notify_outcome { NOTIFY_SENT, NOTIFY_RETRY, NOTIFY_FAILED };
enum notify_outcome notify_outcome_of(int attempts_before, int send_rc);

/*
 * Sends up to max (≤ NOTIFY_RUN_MAX) pending outbox messages through the
 * configured gateways: reads them in a read, sends each, then marks them
 * sent, pending again or failed in one write. *sent receives the number
 * handed over. 0 or a negative tb_err (the database); a gateway's failure is
 * the row's, not the run's.
 */
int notify_outbox_run(struct tb_app *app, int max, int *sent);

/* ---- HTTP (api.c) ------------------------------------------------------------------ */

/* GET /api/v1/me/notifications?unread=&limit=&offset= */
int notify_api_list(struct tb_req *req);
/* POST /api/v1/me/notifications/read {"ids":[...]} | {"all":true} */
int notify_api_read(struct tb_req *req);

#endif
