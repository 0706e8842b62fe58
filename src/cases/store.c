/*
 * store.c - case rows, the item version behind a case, who may see and act
 * on a case, and the records every action leaves: events (each also in the
 * audit chain), notices and supervision flags (docs/cases.md "Data").
 */
#include "cases/internal.h"
#include "accounts/accounts.h"
#include "accounts/api.h"
#include "app/app.h"
#include "audit/audit.h"
#include "calendar/calendar.h"
#include "catalog/catalog.h"
#include "guide/guide.h"
#include "lib/arena.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "notify/notify.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- rows ------------------------------------------------------------------------- */

#define CASE_COLUMNS                                                                               \
    "id, public_id, case_no, item_id, item_version, org_id, applicant_id, agent_id, channel, "     \
    "state, suspended_from, steps_total, steps_done, values_json, accepted_window_id, "            \
    "accepted_by, submitted_at, accepted_at, decided_at, closed_at, received_at, promised_due, "   \
    "legal_due, correction_due, extended_days, corrections, trips, warning_level, delivery, "      \
    "etag, "                                                                                       \
    "created_at, updated_at, limit_starts, promised_days, legal_days, promised_due_original, "     \
    "legal_due_original, suspended_days, yellow_on, severe_on, delivery_status, post_carrier, "    \
    "post_tracking, dispatched_at, delivered_at FROM cases "

static const char *text_or_null(struct tb_db_stmt *s, int col, struct tb_arena *a)
{
    const char *t = tb_db_column_text(s, col);
    return t ? tb_arena_strdup(a, t) : NULL;
}

static int read_row(struct tb_db_stmt *s, struct tb_arena *a, struct case_row *r)
{
    int rc = tb_db_step(s);
    if (rc != TB_DB_ROW)
        return rc < 0 ? rc : TB_ERR_NOT_FOUND;
    memset(r, 0, sizeof(*r));
    r->id = tb_db_column_int64(s, 0);
    snprintf(r->public_id, sizeof(r->public_id), "%s", tb_db_column_text(s, 1));
    snprintf(r->case_no, sizeof(r->case_no), "%s", tb_db_column_text(s, 2));
    r->item_id = tb_db_column_int64(s, 3);
    r->item_version = (int)tb_db_column_int64(s, 4);
    r->org_id = tb_db_column_int64(s, 5);
    r->applicant_id = tb_db_column_int64(s, 6);
    r->agent_id = tb_db_column_int64(s, 7);
    r->channel = text_or_null(s, 8, a);
    if (case_state_parse(tb_db_column_text(s, 9), &r->state) < 0)
        return TB_ERR_INTERNAL;
    r->suspended_from = CS__COUNT;
    if (!tb_db_column_is_null(s, 10) &&
        case_state_parse(tb_db_column_text(s, 10), &r->suspended_from) < 0)
        return TB_ERR_INTERNAL;
    r->steps_total = (int)tb_db_column_int64(s, 11);
    r->steps_done = (int)tb_db_column_int64(s, 12);
    r->values_json = text_or_null(s, 13, a);
    r->accepted_window_id = tb_db_column_int64(s, 14);
    r->accepted_by = tb_db_column_int64(s, 15);
    r->submitted_at = tb_db_column_int64(s, 16);
    r->accepted_at = tb_db_column_int64(s, 17);
    r->decided_at = tb_db_column_int64(s, 18);
    r->closed_at = tb_db_column_int64(s, 19);
    r->received_at = tb_db_column_int64(s, 20);
    r->promised_due = text_or_null(s, 21, a);
    r->legal_due = text_or_null(s, 22, a);
    r->correction_due = text_or_null(s, 23, a);
    r->extended_days = (int)tb_db_column_int64(s, 24);
    r->corrections = (int)tb_db_column_int64(s, 25);
    r->trips = (int)tb_db_column_int64(s, 26);
    r->warning_level = (int)tb_db_column_int64(s, 27);
    r->delivery = text_or_null(s, 28, a);
    r->etag = tb_db_column_int64(s, 29);
    r->created_at = tb_db_column_int64(s, 30);
    r->updated_at = tb_db_column_int64(s, 31);
    r->same_day = tb_db_column_text(s, 32) && strcmp(tb_db_column_text(s, 32), "same_day") == 0;
    r->promised_days = (int)tb_db_column_int64(s, 33);
    r->legal_days = (int)tb_db_column_int64(s, 34);
    r->promised_due_original = text_or_null(s, 35, a);
    r->legal_due_original = text_or_null(s, 36, a);
    r->suspended_days = (int)tb_db_column_int64(s, 37);
    r->yellow_on = text_or_null(s, 38, a);
    r->severe_on = text_or_null(s, 39, a);
    r->delivery_status = text_or_null(s, 40, a);
    r->post_carrier = text_or_null(s, 41, a);
    r->post_tracking = text_or_null(s, 42, a);
    r->dispatched_at = tb_db_column_int64(s, 43);
    r->delivered_at = tb_db_column_int64(s, 44);
    if (!r->channel || !r->values_json)
        return TB_ERR_NOMEM;
    return TB_OK;
}

bool case_public_id_ok(const char *s)
{
    if (!s || strlen(s) != CASE_PUBLIC_ID_LEN)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

int case_load(struct tb_db_conn *c, const char *public_id, struct tb_arena *a, struct case_row *out)
{
    if (!case_public_id_ok(public_id))
        return TB_ERR_NOT_FOUND;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT " CASE_COLUMNS "WHERE public_id = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, public_id, -1);
    rc = read_row(s, a, out);
    tb_db_stmt_done(s);
    return rc;
}

int case_load_by_id(struct tb_db_conn *c, int64_t id, struct tb_arena *a, struct case_row *out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT " CASE_COLUMNS "WHERE id = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, id);
    rc = read_row(s, a, out);
    tb_db_stmt_done(s);
    return rc;
}

int case_save(struct tb_db_conn *c, struct case_row *r, int64_t now)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(
        c,
        "UPDATE cases SET state = ?2, suspended_from = ?3, steps_done = ?4, values_json = ?5, "
        "accepted_window_id = ?6, accepted_by = ?7, submitted_at = ?8, accepted_at = ?9, "
        "decided_at = ?10, closed_at = ?11, received_at = ?12, promised_due = ?13, "
        "legal_due = ?14, correction_due = ?15, extended_days = ?16, corrections = ?17, "
        "trips = ?18, delivery = ?19, etag = etag + 1, updated_at = ?20, warning_level = ?21, "
        "limit_starts = ?22, promised_days = ?23, legal_days = ?24, promised_due_original = ?25, "
        "legal_due_original = ?26, suspended_days = ?27, yellow_on = ?28, severe_on = ?29, "
        "delivery_status = ?30, post_carrier = ?31, post_tracking = ?32, dispatched_at = ?33, "
        "delivered_at = ?34 WHERE id = ?1",
        &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, r->id);
    tb_db_bind_text(s, 2, case_state_name(r->state), -1);
    if (r->state == CS_SUSPENDED && r->suspended_from < CS__COUNT)
        tb_db_bind_text(s, 3, case_state_name(r->suspended_from), -1);
    else
        tb_db_bind_null(s, 3);
    tb_db_bind_int64(s, 4, r->steps_done);
    tb_db_bind_text(s, 5, r->values_json, -1);
#define BIND_ID(i, v) ((v) > 0 ? tb_db_bind_int64(s, i, v) : tb_db_bind_null(s, i))
    BIND_ID(6, r->accepted_window_id);
    BIND_ID(7, r->accepted_by);
    BIND_ID(8, r->submitted_at);
    BIND_ID(9, r->accepted_at);
    BIND_ID(10, r->decided_at);
    BIND_ID(11, r->closed_at);
    BIND_ID(12, r->received_at);
    BIND_ID(33, r->dispatched_at);
    BIND_ID(34, r->delivered_at);
#undef BIND_ID
    tb_db_bind_text(s, 13, r->promised_due, -1);
    tb_db_bind_text(s, 14, r->legal_due, -1);
    tb_db_bind_text(s, 15, r->correction_due, -1);
    tb_db_bind_int64(s, 16, r->extended_days);
    tb_db_bind_int64(s, 17, r->corrections);
    tb_db_bind_int64(s, 18, r->trips);
    tb_db_bind_text(s, 19, r->delivery, -1);
    tb_db_bind_int64(s, 20, now);
    tb_db_bind_int64(s, 21, r->warning_level);
    if (r->accepted_at) {
        tb_db_bind_text(s, 22, r->same_day ? "same_day" : "next_day", -1);
        tb_db_bind_int64(s, 23, r->promised_days);
        tb_db_bind_int64(s, 24, r->legal_days);
    } else {
        tb_db_bind_null(s, 22);
        tb_db_bind_null(s, 23);
        tb_db_bind_null(s, 24);
    }
    tb_db_bind_text(s, 25, r->promised_due_original, -1);
    tb_db_bind_text(s, 26, r->legal_due_original, -1);
    tb_db_bind_int64(s, 27, r->suspended_days);
    tb_db_bind_text(s, 28, r->yellow_on, -1);
    tb_db_bind_text(s, 29, r->severe_on, -1);
    tb_db_bind_text(s, 30, r->delivery_status, -1);
    tb_db_bind_text(s, 31, r->post_carrier, -1);
    tb_db_bind_text(s, 32, r->post_tracking, -1);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    r->etag++;
    r->updated_at = now;
    return TB_OK;
}

int case_save_clock(struct tb_db_conn *c, const struct case_row *r)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "UPDATE cases SET promised_due = ?2, legal_due = ?3, yellow_on = ?4, "
                           "severe_on = ?5, suspended_days = ?6, warning_level = ?7 WHERE id = ?1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, r->id);
    tb_db_bind_text(s, 2, r->promised_due, -1);
    tb_db_bind_text(s, 3, r->legal_due, -1);
    tb_db_bind_text(s, 4, r->yellow_on, -1);
    tb_db_bind_text(s, 5, r->severe_on, -1);
    tb_db_bind_int64(s, 6, r->suspended_days);
    tb_db_bind_int64(s, 7, r->warning_level);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

/* ---- the item version ----------------------------------------------------------------- */

/*
 * Item versions never change once published, and every case write reads
 * one: their parsed documents are kept here, shared (jansson's reference
 * counts are atomic; nobody modifies a document), one slot per hash of
 * (item, version), replaced on collision.
 */
#define ITEM_CACHE_SLOTS 256

static struct {
    pthread_mutex_t lock;
    struct {
        int64_t item_id;
        int version;
        json_t *doc;
    } slot[ITEM_CACHE_SLOTS];
} item_cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static size_t item_slot(int64_t item_id, int version)
{
    uint64_t h = (uint64_t)item_id * 0x9E3779B97F4A7C15ULL ^ (uint64_t)version;
    return (size_t)(h >> 40) % ITEM_CACHE_SLOTS;
}

static json_t *item_cache_get(int64_t item_id, int version)
{
    size_t i = item_slot(item_id, version);
    json_t *doc = NULL;
    pthread_mutex_lock(&item_cache.lock);
    if (item_cache.slot[i].doc && item_cache.slot[i].item_id == item_id &&
        item_cache.slot[i].version == version)
        doc = json_incref(item_cache.slot[i].doc);
    pthread_mutex_unlock(&item_cache.lock);
    return doc;
}

static void item_cache_put(int64_t item_id, int version, json_t *doc)
{
    size_t i = item_slot(item_id, version);
    pthread_mutex_lock(&item_cache.lock);
    json_t *old = item_cache.slot[i].doc;
    item_cache.slot[i].item_id = item_id;
    item_cache.slot[i].version = version;
    item_cache.slot[i].doc = json_incref(doc);
    pthread_mutex_unlock(&item_cache.lock);
    json_decref(old);
}

/* Fills out from a row (item_id, version, doc), the document from the
 * cache when it is there. */
static int item_fill(struct tb_db_stmt *s, struct case_item *out)
{
    int rc = tb_db_step(s);
    if (rc != TB_DB_ROW)
        return rc < 0 ? rc : TB_ERR_NOT_FOUND;
    memset(out, 0, sizeof(*out));
    out->id = tb_db_column_int64(s, 0);
    out->version = (int)tb_db_column_int64(s, 1);
    out->doc = item_cache_get(out->id, out->version);
    if (!out->doc) {
        const char *doc = tb_db_column_text(s, 2);
        out->doc = doc ? json_loads(doc, 0, NULL) : NULL;
        if (!out->doc)
            return TB_ERR_INTERNAL;
        item_cache_put(out->id, out->version, out->doc);
    }
    out->code = json_string_value(json_object_get(out->doc, "impl_code"));
    out->name = json_string_value(json_object_get(out->doc, "name"));
    const char *kind = json_string_value(json_object_get(out->doc, "kind"));
    const char *cls = json_string_value(json_object_get(out->doc, "item_class"));
    out->instant = kind && strcmp(kind, "1") == 0;
    out->class_b = cls && strcmp(cls, "B") == 0;
    out->high_risk = json_is_true(json_object_get(out->doc, "is_high_risk"));
    if (!out->code || !out->name) {
        case_item_free(out);
        return TB_ERR_INTERNAL;
    }
    return TB_OK;
}

int case_item_load(struct tb_db_conn *c, int64_t item_id, int version, struct case_item *out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT item_id, version, doc FROM item_versions "
                           "WHERE item_id = ?1 AND version = ?2",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, item_id);
    tb_db_bind_int64(s, 2, version);
    rc = item_fill(s, out);
    tb_db_stmt_done(s);
    return rc;
}

int case_item_current(struct tb_db_conn *c, const char *code, struct case_item *out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT v.item_id, v.version, v.doc FROM items i "
                           "JOIN item_versions v ON v.item_id = i.id AND v.version = "
                           "i.current_version WHERE i.impl_code = ?1 AND i.status = 'published'",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, code, -1);
    rc = item_fill(s, out);
    tb_db_stmt_done(s);
    return rc;
}

void case_items_forget(void)
{
    pthread_mutex_lock(&item_cache.lock);
    for (size_t i = 0; i < ITEM_CACHE_SLOTS; i++) {
        json_decref(item_cache.slot[i].doc);
        item_cache.slot[i].doc = NULL;
    }
    pthread_mutex_unlock(&item_cache.lock);
}

void case_item_free(struct case_item *it)
{
    json_decref(it->doc);
    it->doc = NULL;
}

/* ---- who may see and act ------------------------------------------------------------ */

/* The top of the organisation tree above org (the city): 同城通办. */
static int org_root(struct tb_db_conn *c, int64_t org, int64_t *out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "WITH RECURSIVE up(id, parent_id, depth) AS ("
                           "SELECT id, parent_id, 0 FROM orgs WHERE id = ?1 UNION ALL "
                           "SELECT o.id, o.parent_id, up.depth + 1 FROM orgs o "
                           "JOIN up ON o.id = up.parent_id WHERE up.depth < 16) "
                           "SELECT id FROM up WHERE parent_id IS NULL",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, org);
    rc = tb_db_step(s);
    *out = rc == TB_DB_ROW ? tb_db_column_int64(s, 0) : 0;
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

/* The first window of staff member p that serves a case of org: a
 * comprehensive or themed window of a hall in the same city, or a
 * department window of that organisation. */
static int window_for(struct tb_db_conn *c, int64_t account, const struct case_row *r,
                      struct case_actor *ac)
{
    int64_t root = 0;
    int rc = org_root(c, r->org_id, &root);
    if (rc < 0)
        return rc;
    struct tb_db_stmt *s;
    rc = tb_db_prepare(c,
                       "SELECT w.id, w.kind, w.dept_id, h.org_id FROM window_staff ws "
                       "JOIN windows w ON w.id = ws.window_id JOIN halls h ON h.id = w.hall_id "
                       "WHERE ws.account_id = ?1 ORDER BY ws.position, w.id",
                       &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, account);
    int64_t ids[8], halls[8];
    bool dept_ok[8];
    int n = 0;
    while (n < 8 && (rc = tb_db_step(s)) == TB_DB_ROW) {
        ids[n] = tb_db_column_int64(s, 0);
        const char *kind = tb_db_column_text(s, 1);
        dept_ok[n] = kind && strcmp(kind, "department") == 0;
        if (dept_ok[n] && tb_db_column_int64(s, 2) != r->org_id)
            continue; /* a department window serves its department only */
        halls[n] = dept_ok[n] ? 0 : tb_db_column_int64(s, 3);
        n++;
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    for (int i = 0; i < n; i++) {
        int64_t hall_root = 0;
        if (halls[i] && (rc = org_root(c, halls[i], &hall_root)) < 0)
            return rc;
        if (!dept_ok[i] && hall_root != root)
            continue;
        if (!ac->window_id)
            ac->window_id = ids[i];
        if ((rc = tb_db_prepare(c,
                                "SELECT 1 FROM window_letter_items WHERE window_id = ?1 AND "
                                "item_id = ?2",
                                &s)) < 0)
            return rc;
        tb_db_bind_int64(s, 1, ids[i]);
        tb_db_bind_int64(s, 2, r->item_id);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
        if (rc == TB_DB_ROW) {
            ac->window_id = ids[i]; /* the authorised window decides */
            ac->window_for_item = true;
            break;
        }
    }
    return TB_OK;
}

int case_actor_of(struct tb_db_conn *c, const struct principal *p, const struct case_row *r,
                  struct case_actor *out)
{
    memset(out, 0, sizeof(*out));
    out->p = p;
    if (!p || p->client_id)
        return TB_ERR_NOT_FOUND; /* department systems read cases with the case.read scope later */
    if (p->kind != ACCOUNT_STAFF) {
        int64_t me = p->on_behalf_of ? p->on_behalf_of : p->account_id;
        if (me != r->applicant_id)
            return TB_ERR_NOT_FOUND;
        out->roles = 1u << CR_APPLICANT;
        return TB_OK;
    }
    if (r->state == CS_DRAFT)
        return TB_ERR_NOT_FOUND; /* a draft is the applicant's alone */
    if (p->roles & ROLE_WINDOW) {
        int rc = window_for(c, p->account_id, r, out);
        if (rc < 0)
            return rc;
        if (out->window_id)
            out->roles |= 1u << CR_WINDOW;
    }
    if ((p->roles & (ROLE_REVIEWER | ROLE_DECIDER)) && p->org_id == r->org_id)
        out->roles |= 1u << CR_HANDLER;
    out->supervisor = (p->roles & ROLE_SUPERVISOR) != 0;
    return out->roles || out->supervisor ? TB_OK : TB_ERR_NOT_FOUND;
}

int case_role_for(enum case_action a, const struct case_actor *ac)
{
    unsigned has = ac->roles;
#define HAS(r) (has & (1u << (r)))
    switch (a) {
    case CA_SUBMIT:
    case CA_SUPPLEMENT:
        return HAS(CR_APPLICANT) ? CR_APPLICANT : HAS(CR_WINDOW) ? CR_WINDOW : -1;
    case CA_WITHDRAW:
        return HAS(CR_APPLICANT) ? CR_APPLICANT : -1;
    case CA_PRE_REVIEW:
    case CA_ACCEPT:
    case CA_REFUSE:
    case CA_REQUEST_CORRECTION:
    case CA_ACCEPT_WITH_MISSING:
    case CA_ACCEPT_WITH_COMMITMENT:
        return HAS(CR_WINDOW) ? CR_WINDOW : -1;
    case CA_DELIVER:
    case CA_DISPATCH:
        return HAS(CR_WINDOW) ? CR_WINDOW : HAS(CR_HANDLER) ? CR_HANDLER : -1;
    case CA_DECIDE:
        if (HAS(CR_HANDLER))
            return CR_HANDLER;
        return HAS(CR_WINDOW) && ac->window_for_item ? CR_WINDOW : -1;
    case CA_REVIEW:
    case CA_SUSPEND:
    case CA_RESUME:
    case CA_EXTEND:
    case CA_TERMINATE:
        return HAS(CR_HANDLER) ? CR_HANDLER : -1;
    default:
        return -1;
    }
#undef HAS
}

int cases_upload_visible(struct tb_db_conn *c, const struct principal *p, int64_t upload_id)
{
    int64_t ids[16];
    int n = 0;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT DISTINCT case_id FROM case_materials WHERE upload_id = ?1 "
                           "LIMIT 16",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, upload_id);
    while (n < 16 && (rc = tb_db_step(s)) == TB_DB_ROW)
        ids[n++] = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    struct tb_arena a;
    tb_arena_init(&a, 4096);
    rc = TB_ERR_NOT_FOUND;
    for (int i = 0; i < n && rc == TB_ERR_NOT_FOUND; i++) {
        struct case_row r;
        struct case_actor ac;
        rc = case_load_by_id(c, ids[i], &a, &r);
        if (rc == 0)
            rc = case_actor_of(c, p, &r, &ac);
    }
    tb_arena_free(&a);
    return rc;
}

int case_has_open_missing(struct tb_db_conn *c, int64_t case_id, bool *out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT 1 FROM case_materials WHERE case_id = ?1 AND "
                           "provision = 'missing' AND supplied_at IS NULL LIMIT 1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, case_id);
    rc = tb_db_step(s);
    *out = rc == TB_DB_ROW;
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

/* The authority level of step idx of the case (its copy, else the item's). */
static int step_level(struct tb_db_conn *c, const struct case_row *r, const struct case_item *it,
                      int idx)
{
    if (idx < 0 || idx >= r->steps_total)
        return AUTHORITY_LEVEL_MAX + 1; /* no step left: nobody is high enough */
    struct tb_db_stmt *s;
    int level = -1;
    if (tb_db_prepare(c, "SELECT authority_level FROM case_steps WHERE case_id = ?1 AND idx = ?2",
                      &s) == 0) {
        tb_db_bind_int64(s, 1, r->id);
        tb_db_bind_int64(s, 2, idx);
        if (tb_db_step(s) == TB_DB_ROW)
            level = (int)tb_db_column_int64(s, 0);
        tb_db_stmt_done(s);
    }
    if (level < 0) {
        json_t *st = json_array_get(json_object_get(it->doc, "steps"), (size_t)idx);
        level = (int)json_integer_value(json_object_get(st, "authority_level"));
    }
    return level;
}

int case_facts_of(struct tb_db_conn *c, const struct case_row *r, const struct case_item *it,
                  const struct case_actor *ac, struct case_facts *f)
{
    const struct principal *p = ac->p;
    memset(f, 0, sizeof(*f));
    f->state = r->state;
    f->suspended_from = r->suspended_from < CS__COUNT ? r->suspended_from : CS_ACCEPTED;
    f->item_instant = it->instant;
    f->item_class_b = it->class_b;
    /* The dishonest list (失信名单) arrives with the credit feature; until
     * then no applicant is on it. */
    f->applicant_dishonest = false;
    f->steps_total = r->steps_total;
    f->steps_done = r->steps_done;
    f->step_level = step_level(c, r, it, r->steps_done);
    f->actor_level = p && p->kind == ACCOUNT_STAFF ? p->authority_level : 0;
    f->actor_in_deciding_org = p && p->kind == ACCOUNT_STAFF && p->org_id == r->org_id;
    f->actor_is_applicant = p && (p->account_id == r->applicant_id ||
                                  (p->on_behalf_of && p->on_behalf_of == r->applicant_id));
    f->actor_accepted_case = p && r->accepted_by && p->account_id == r->accepted_by;
    f->actor_window_for_item = ac->window_for_item;
    f->delivery_post = r->delivery && strcmp(r->delivery, "post") == 0;
    f->dispatched = r->dispatched_at != 0;
    return case_has_open_missing(c, r->id, &f->has_open_missing);
}

/* ---- dates ------------------------------------------------------------------------------ */

void case_date_of(int64_t ms, char out[CASE_DATE_LEN + 1])
{
    int y, m, d;
    tb_time_shanghai_date(ms, &y, &m, &d);
    snprintf(out, CASE_DATE_LEN + 1, "%04d-%02d-%02d", y, m, d);
}

int case_add_workdays(const struct calendar *cal, const char *date, int n,
                      char out[CASE_DATE_LEN + 1])
{
    struct tb_date d, r;
    if (!date || tb_date_parse(date, strlen(date), &d) < 0)
        return TB_ERR_INVALID;
    int rc = calendar_add_workdays(cal, d, n, &r);
    if (rc < 0)
        return rc;
    tb_date_format(r, out);
    return TB_OK;
}

int case_workdays_between(const struct calendar *cal, const char *a, const char *b, int *out)
{
    struct tb_date x, y;
    if (!a || !b || tb_date_parse(a, strlen(a), &x) < 0 || tb_date_parse(b, strlen(b), &y) < 0)
        return TB_ERR_INVALID;
    return calendar_workdays_between(cal, x, y, out);
}

/* ---- events, notices, flags ------------------------------------------------------------ */

int case_event_add(struct tb_db_conn *c, struct tb_app *app, struct case_event *e)
{
    const char *action = case_action_name(e->action);
    json_t *data = e->data ? e->data : json_object();
    char *text = data ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(data);
    e->data = NULL;
    if (!text)
        return TB_ERR_NOMEM;
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "INSERT INTO case_events(case_id, at, actor_id, role, action, "
                           "from_state, to_state, data, reason, window_id) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                           &s);
    if (rc < 0) {
        free(text);
        return rc;
    }
    tb_db_bind_int64(s, 1, e->r->id);
    tb_db_bind_int64(s, 2, e->at);
    if (e->p)
        tb_db_bind_int64(s, 3, e->p->account_id);
    else
        tb_db_bind_null(s, 3);
    tb_db_bind_text(s, 4, e->role, -1);
    tb_db_bind_text(s, 5, action, -1);
    tb_db_bind_text(s, 6, case_state_name(e->from), -1);
    tb_db_bind_text(s, 7, case_state_name(e->to), -1);
    tb_db_bind_text(s, 8, text, -1);
    tb_db_bind_text(s, 9, e->reason, -1);
    if (e->window_id)
        tb_db_bind_int64(s, 10, e->window_id);
    else
        tb_db_bind_null(s, 10);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0) {
        free(text);
        return rc;
    }
    /* The same action in the audit chain, in the same transaction. */
    struct audit_event ae;
    char audit_action[48], after[64];
    snprintf(audit_action, sizeof(audit_action), "case.%s", action);
    if (e->req) {
        audit_from_req(e->req, e->p, &ae);
    } else {
        memset(&ae, 0, sizeof(ae));
        ae.actor_role = "system";
        ae.result = "ok";
    }
    ae.at_ms = tb_time_now_ms(); /* the audit chain runs on real time, even under a test clock */
    ae.action = audit_action;
    ae.object_type = "case";
    ae.object_id = e->r->public_id;
    snprintf(after, sizeof(after), "{\"from\":\"%s\",\"to\":\"%s\"}", case_state_name(e->from),
             case_state_name(e->to));
    ae.after_json = after;
    ae.reason = e->reason;
    rc = audit_append(c, &app->audit, &ae, NULL);
    free(text);
    /* docs/cases.md "Notifications": a state change tells the applicant
     * (and the agent) in-app, with SMS and WeChat copies, in this write. */
    if (rc == 0 && e->from != e->to) {
        struct notify_case nc = {
            .case_id = e->r->id,
            .item_id = e->r->item_id,
            .applicant_id = e->r->applicant_id,
            .agent_id = e->r->agent_id,
            .case_no = e->r->case_no,
            .state = case_state_name(e->to),
            .state_zh = case_state_zh(e->to),
            .at = e->at,
        };
        rc = notify_case_state(c, &app->cfg, &nc);
    }
    return rc;
}

static const struct {
    const char *name, *zh, *word;
} notice_kinds[] = {
    [NOTICE_ACCEPTANCE] = {"acceptance", "受理通知书", "受"},
    [NOTICE_REFUSAL] = {"refusal", "不予受理通知书", "不受"},
    [NOTICE_CORRECTION] = {"correction", "补正材料通知书", "补"},
    [NOTICE_MISSING] = {"missing", "容缺受理承诺书", "容"},
    [NOTICE_COMMITMENT] = {"commitment", "告知承诺书", "诺"},
    [NOTICE_APPROVAL] = {"approval", "准予行政许可决定书", "准"},
    [NOTICE_DENIAL] = {"denial", "不予行政许可决定书", "不准"},
};

const char *case_notice_kind_name(int kind)
{
    return kind >= 0 && kind <= NOTICE_DENIAL ? notice_kinds[kind].name : "unknown";
}

const char *case_notice_kind_zh(int kind)
{
    return kind >= 0 && kind <= NOTICE_DENIAL ? notice_kinds[kind].zh : "文书";
}

int case_notice_kind_parse(const char *s)
{
    for (int k = 0; s && k <= NOTICE_DENIAL; k++)
        if (strcmp(notice_kinds[k].name, s) == 0)
            return k;
    return -1;
}

/* The deciding organisation's code and name. */
static int org_of(struct tb_db_conn *c, int64_t id, json_t **name)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT name FROM orgs WHERE id = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, id);
    rc = tb_db_step(s);
    *name = json_string(rc == TB_DB_ROW ? tb_db_column_text(s, 0) : "");
    tb_db_stmt_done(s);
    return rc < 0 ? rc : *name ? TB_OK : TB_ERR_NOMEM;
}

static int account_name(struct tb_db_conn *c, int64_t id, json_t **name)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT name FROM accounts WHERE id = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, id);
    rc = tb_db_step(s);
    *name = json_string(rc == TB_DB_ROW ? tb_db_column_text(s, 0) : "");
    tb_db_stmt_done(s);
    return rc < 0 ? rc : *name ? TB_OK : TB_ERR_NOMEM;
}

int case_notice_add(struct tb_db_conn *c, struct tb_app *app, const struct case_row *r,
                    const struct case_item *it, int kind, json_t *data, int64_t now)
{
    (void)app;
    char date[CASE_DATE_LEN + 1], number[96];
    unsigned char rnd[CASE_PUBLIC_ID_BYTES];
    char public_id[CASE_PUBLIC_ID_LEN + 1];
    json_t *org = NULL, *who = NULL;
    struct tb_db_stmt *s;
    int rc;
    if (!data)
        return TB_ERR_NOMEM;
    case_date_of(now, date);
    /* 文书编号: kind word, year, organisation and a serial per year, kept
     * in notice_serials (one row bumped per notice, not a count of them) */
    if ((rc = tb_db_prepare(c,
                            "INSERT INTO notice_serials(org_id, kind, year, last) "
                            "VALUES (?1, ?2, ?3, 1) ON CONFLICT (org_id, kind, year) "
                            "DO UPDATE SET last = notice_serials.last + 1 RETURNING last",
                            &s)) < 0)
        goto out;
    tb_db_bind_int64(s, 1, r->org_id);
    tb_db_bind_text(s, 2, notice_kinds[kind].name, -1);
    struct tb_date today = {2000, 1, 1};
    tb_date_parse(date, CASE_DATE_LEN, &today);
    tb_db_bind_int64(s, 3, today.y);
    rc = tb_db_step(s);
    int64_t serial = rc == TB_DB_ROW ? tb_db_column_int64(s, 0) : 1;
    tb_db_stmt_done(s);
    if (rc < 0)
        goto out;
    snprintf(number, sizeof(number), "%s字〔%.4s〕第%03lld-%06lld号", notice_kinds[kind].word, date,
             (long long)r->org_id, (long long)serial);
    if ((rc = org_of(c, r->org_id, &org)) < 0 || (rc = account_name(c, r->applicant_id, &who)) < 0)
        goto out;
    if (json_object_set_new(data, "case_no", json_string(r->case_no)) ||
        json_object_set_new(data, "number", json_string(number)) ||
        json_object_set_new(data, "date", json_string(date)) ||
        json_object_set_new(data, "item",
                            json_pack("{s:s,s:s}", "name", it->name, "impl_code", it->code)) ||
        json_object_set_new(data, "org", json_pack("{s:O}", "name", org)) ||
        json_object_set_new(data, "applicant", json_pack("{s:O}", "name", who))) {
        rc = TB_ERR_NOMEM;
        goto out;
    }
    if ((rc = tb_random(rnd, sizeof(rnd))) < 0 ||
        (rc = tb_hex_encode(rnd, sizeof(rnd), public_id, sizeof(public_id))) < 0)
        goto out;
    char *text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text) {
        rc = TB_ERR_NOMEM;
        goto out;
    }
    if ((rc = tb_db_prepare(c,
                            "INSERT INTO case_notices(public_id, case_id, kind, number, data, "
                            "issued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            &s)) == 0) {
        tb_db_bind_text(s, 1, public_id, -1);
        tb_db_bind_int64(s, 2, r->id);
        tb_db_bind_text(s, 3, notice_kinds[kind].name, -1);
        tb_db_bind_text(s, 4, number, -1);
        tb_db_bind_text(s, 5, text, -1);
        tb_db_bind_int64(s, 6, now);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
    }
    free(text);
out:
    json_decref(org);
    json_decref(who);
    json_decref(data);
    return rc < 0 ? rc : TB_OK;
}

int case_flag_add(struct tb_db_conn *c, int64_t case_id, const char *kind, const char *reason,
                  int64_t now)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "INSERT INTO case_flags(case_id, kind, at, reason) "
                           "VALUES (?1, ?2, ?3, ?4)",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, case_id);
    tb_db_bind_text(s, 2, kind, -1);
    tb_db_bind_int64(s, 3, now);
    tb_db_bind_text(s, 4, reason, -1);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}
