/*
 * store.c - item versions and the catalogue's read models in the database.
 *
 * An item row holds what the lists filter on, copied from its current
 * version whenever that changes (publish, transfer): the rows are the read
 * model, item_versions the record. Versions are appended; only a draft is
 * rewritten, and the database refuses to rewrite a published one (trigger in
 * 0005_catalog.sql). The search index (items_fts, trigram) is refreshed in
 * the same transaction, so a search never sees a half-published item.
 */
#include "catalog/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/timeutil.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static json_t *iso(int64_t ms)
{
    char b[32];
    tb_time_format_iso(ms, b, sizeof(b));
    return json_string(b);
}

/* Runs a prepared statement that returns nothing. */
static int run(struct tb_db_stmt *s)
{
    int rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

static char *dump(const json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

int catalog_proofs_load(struct tb_db_conn *c, struct tb_arena *a, struct proof_list *out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT code, name FROM proofs ORDER BY code", &s);
    if (rc < 0)
        return rc;
    size_t cap = 64, n = 0;
    struct proof_entry *e = tb_arena_alloc(a, cap * sizeof(*e));
    while (e && (rc = tb_db_step(s)) == TB_DB_ROW) {
        if (n == cap) {
            struct proof_entry *bigger = tb_arena_alloc(a, 2 * cap * sizeof(*e));
            if (bigger)
                memcpy(bigger, e, n * sizeof(*e));
            e = bigger;
            cap *= 2;
            if (!e)
                break;
        }
        e[n].code = tb_arena_strdup(a, tb_db_column_text(s, 0));
        e[n].name = tb_arena_strdup(a, tb_db_column_text(s, 1));
        n++;
    }
    tb_db_stmt_done(s);
    if (!e)
        return TB_ERR_NOMEM;
    if (rc < 0)
        return rc;
    out->entries = e;
    out->n = n;
    return TB_OK;
}

/* ---- writing versions -------------------------------------------------------------- */

static int org_id(struct tb_db_conn *c, const char *code, int64_t *id)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT id FROM orgs WHERE code = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, code, -1);
    rc = tb_db_step(s);
    *id = rc == TB_DB_ROW ? tb_db_column_int64(s, 0) : 0;
    tb_db_stmt_done(s);
    return rc < 0 ? rc : rc == TB_DB_ROW ? TB_OK : TB_ERR_NOT_FOUND;
}

struct item_row {
    int64_t id;
    int current, latest;
    char status[16];
    char org_code[80];
    bool has_published;
};

static int item_row(struct tb_db_conn *c, const char *code, struct item_row *r)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT i.id, i.current_version, i.latest_version, i.status, o.code, "
                           "i.published_at IS NOT NULL FROM items i JOIN orgs o ON o.id = i.org_id "
                           "WHERE i.impl_code = ?1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, code, -1);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        r->id = tb_db_column_int64(s, 0);
        r->current = (int)tb_db_column_int64(s, 1);
        r->latest = (int)tb_db_column_int64(s, 2);
        snprintf(r->status, sizeof(r->status), "%s", tb_db_column_text(s, 3));
        snprintf(r->org_code, sizeof(r->org_code), "%s", tb_db_column_text(s, 4));
        r->has_published = tb_db_column_int64(s, 5) != 0;
    }
    tb_db_stmt_done(s);
    return rc < 0 ? rc : rc == TB_DB_ROW ? TB_OK : TB_ERR_NOT_FOUND;
}

/* The document of version n (a new reference in *out). */
static int version_doc(struct tb_db_conn *c, int64_t item_id, int n, json_t **out, char *status,
                       size_t cap)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(
        c, "SELECT doc, status FROM item_versions WHERE item_id = ?1 AND version = ?2", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, item_id);
    tb_db_bind_int64(s, 2, n);
    rc = tb_db_step(s);
    *out = NULL;
    if (rc == TB_DB_ROW) {
        const char *t = tb_db_column_text(s, 0);
        *out = json_loads(t, 0, NULL);
        if (status)
            snprintf(status, cap, "%s", tb_db_column_text(s, 1));
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (rc != TB_DB_ROW)
        return TB_ERR_NOT_FOUND;
    return *out ? TB_OK : TB_ERR_INTERNAL;
}

/* Copies the version's document into the item's read model: filter columns,
 * topics, intermediaries and the search index. */
static int refresh_read_model(struct tb_db_conn *c, int64_t item_id, int version,
                              const struct item_doc *d, int64_t org, int64_t now_ms)
{
    struct tb_arena a;
    tb_arena_init(&a, 4096);
    const json_t *o = d->canon;
    struct tb_db_stmt *s;
    const char *materials = item_doc_material_names(d, &a);
    const char *search =
        materials ? tb_arena_printf(&a, "%s\n%s\n%s", d->v.name, materials, d->conditions) : NULL;
    int rc = search ? TB_OK : TB_ERR_NOMEM;
    if (rc == TB_OK)
        rc = tb_db_prepare(
            c,
            "UPDATE items SET basic_code = ?2, name = ?3, org_id = ?4, current_version = ?5, "
            "type = ?6, audience = ?7, levels = ?8, kind = ?9, item_class = ?10, trips = ?11, "
            "is_immediate = ?12, is_online = ?13, is_nearby = ?14, is_one_visit = ?15, "
            "is_exempt = ?16, legal_limit_days = ?17, promised_limit_days = ?18, "
            "search_text = ?19, updated_at = ?20 WHERE id = ?1",
            &s);
    if (rc == TB_OK) {
        tb_db_bind_int64(s, 1, item_id);
        tb_db_bind_text(s, 2, d->v.basic_code, -1);
        tb_db_bind_text(s, 3, d->v.name, -1);
        tb_db_bind_int64(s, 4, org);
        tb_db_bind_int64(s, 5, version);
        tb_db_bind_text(s, 6, json_string_value(json_object_get(o, "type")), -1);
        tb_db_bind_int64(s, 7, d->v.audience);
        tb_db_bind_int64(s, 8, d->v.levels);
        tb_db_bind_text(s, 9, json_string_value(json_object_get(o, "kind")), -1);
        tb_db_bind_text(s, 10, json_string_value(json_object_get(o, "item_class")), -1);
        tb_db_bind_text(s, 11, json_string_value(json_object_get(o, "trips")), -1);
        tb_db_bind_int64(s, 12, d->v.is_immediate);
        tb_db_bind_int64(s, 13, d->v.is_online);
        tb_db_bind_int64(s, 14, d->v.is_nearby);
        tb_db_bind_int64(s, 15, d->v.is_one_visit);
        tb_db_bind_int64(s, 16, d->v.is_exempt);
        tb_db_bind_int64(s, 17, d->v.legal_limit_days);
        tb_db_bind_int64(s, 18, d->v.promised_limit_days);
        tb_db_bind_text(s, 19, search, -1);
        tb_db_bind_int64(s, 20, now_ms);
        rc = run(s);
    }
    if (rc == TB_OK &&
        (rc = tb_db_prepare(c, "DELETE FROM item_topics WHERE item_id = ?1", &s)) == TB_OK) {
        tb_db_bind_int64(s, 1, item_id);
        rc = run(s);
    }
    for (size_t i = 0; rc == TB_OK && i < d->n_topics; i++)
        if ((rc = tb_db_prepare(c, "INSERT INTO item_topics(item_id, topic) VALUES (?1, ?2)",
                                &s)) == TB_OK) {
            tb_db_bind_int64(s, 1, item_id);
            tb_db_bind_text(s, 2, d->topics[i], -1);
            rc = run(s);
        }
    if (rc == TB_OK && (rc = tb_db_prepare(c, "DELETE FROM item_intermediaries WHERE item_id = ?1",
                                           &s)) == TB_OK) {
        tb_db_bind_int64(s, 1, item_id);
        rc = run(s);
    }
    for (size_t i = 0; rc == TB_OK && i < d->n_intermediaries; i++)
        if ((rc = tb_db_prepare(c,
                                "INSERT INTO item_intermediaries(item_id, intermediary_code) "
                                "VALUES (?1, ?2)",
                                &s)) == TB_OK) {
            tb_db_bind_int64(s, 1, item_id);
            tb_db_bind_text(s, 2, d->intermediaries[i], -1);
            rc = run(s);
        }
    if (rc == TB_OK &&
        (rc = tb_db_prepare(c, "DELETE FROM items_fts WHERE rowid = ?1", &s)) == TB_OK) {
        tb_db_bind_int64(s, 1, item_id);
        rc = run(s);
    }
    if (rc == TB_OK &&
        (rc = tb_db_prepare(c,
                            "INSERT INTO items_fts(rowid, name, materials, conditions) "
                            "VALUES (?1, ?2, ?3, ?4)",
                            &s)) == TB_OK) {
        tb_db_bind_int64(s, 1, item_id);
        tb_db_bind_text(s, 2, d->v.name, -1);
        tb_db_bind_text(s, 3, materials, -1);
        tb_db_bind_text(s, 4, d->conditions, -1);
        rc = run(s);
    }
    tb_arena_free(&a);
    return rc;
}

/* Marks version n published (the one before superseded) and makes it the
 * item's current version. */
static int publish(struct tb_db_conn *c, int64_t item_id, int n, const struct item_doc *d,
                   int64_t org, int64_t by_id, int64_t now_ms)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "UPDATE item_versions SET status = 'superseded' WHERE item_id = ?1 AND "
                           "status = 'published'",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, item_id);
    if ((rc = run(s)) < 0)
        return rc;
    if ((rc = tb_db_prepare(c,
                            "UPDATE item_versions SET status = 'published', published_at = ?3, "
                            "published_by = ?4 WHERE item_id = ?1 AND version = ?2",
                            &s)) < 0)
        return rc;
    tb_db_bind_int64(s, 1, item_id);
    tb_db_bind_int64(s, 2, n);
    tb_db_bind_int64(s, 3, now_ms);
    if (by_id)
        tb_db_bind_int64(s, 4, by_id);
    else
        tb_db_bind_null(s, 4);
    if ((rc = run(s)) < 0)
        return rc;
    if ((rc = tb_db_prepare(c,
                            "UPDATE items SET published_at = ?2, status = CASE status WHEN 'draft' "
                            "THEN 'published' ELSE status END WHERE id = ?1",
                            &s)) < 0)
        return rc;
    tb_db_bind_int64(s, 1, item_id);
    tb_db_bind_int64(s, 2, now_ms);
    if ((rc = run(s)) < 0)
        return rc;
    return refresh_read_model(c, item_id, n, d, org, now_ms);
}

static int insert_version(struct tb_db_conn *c, int64_t item_id, int n, const char *doc,
                          const json_t *changed, const struct item_write *w)
{
    char *ch = dump(changed);
    struct tb_db_stmt *s;
    int rc = ch ? tb_db_prepare(c,
                                "INSERT INTO item_versions(item_id, version, status, doc, changed, "
                                "reason, author_id, author_name, created_at) "
                                "VALUES (?1, ?2, 'draft', ?3, ?4, ?5, ?6, ?7, ?8)",
                                &s)
                : TB_ERR_NOMEM;
    if (rc == TB_OK) {
        tb_db_bind_int64(s, 1, item_id);
        tb_db_bind_int64(s, 2, n);
        tb_db_bind_text(s, 3, doc, -1);
        tb_db_bind_text(s, 4, ch, -1);
        tb_db_bind_text(s, 5, w->reason, -1);
        if (w->author_id)
            tb_db_bind_int64(s, 6, w->author_id);
        else
            tb_db_bind_null(s, 6);
        tb_db_bind_text(s, 7, w->author_name, -1);
        tb_db_bind_int64(s, 8, w->now_ms);
        rc = run(s);
    }
    free(ch);
    return rc;
}

/* Reports org_code and intermediaries[0..n) that are not in the database. */
static int check_codes(struct tb_db_conn *c, const char *org_code, const char *const *inter,
                       size_t n, struct item_problems *problems, int64_t *org)
{
    int rc = org_code ? org_id(c, org_code, org) : TB_OK;
    if (rc == TB_ERR_NOT_FOUND)
        item_problems_add(problems, "org", "unknown_org", "办理机构不存在", "No such organisation");
    else if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct tb_db_stmt *s;
        if (!inter[i])
            continue;
        if ((rc = tb_db_prepare(c, "SELECT 1 FROM intermediaries WHERE code = ?1", &s)) < 0)
            return rc;
        tb_db_bind_text(s, 1, inter[i], -1);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
        if (rc != TB_DB_ROW) {
            char p[ITEM_PROBLEM_PATH_MAX];
            snprintf(p, sizeof(p), "intermediaries[%zu]", i % 1000);
            item_problems_add(problems, p, "unknown_intermediary", "中介服务不在中介服务清单中",
                              "Not on the intermediary-service list");
        }
    }
    return TB_OK;
}

static int check_references(struct tb_db_conn *c, struct item_write *w, int64_t *org)
{
    struct item_doc *d = w->doc;
    return check_codes(c, d->org_code, d->intermediaries, d->n_intermediaries, w->problems, org);
}

int catalog_item_references_check(struct tb_db_conn *c, const json_t *item, struct item_problems *p)
{
    const char *org = json_string_value(json_object_get(item, "org"));
    const json_t *list = json_object_get(item, "intermediaries");
    const char *inter[20] = {0};
    size_t n = json_is_array(list) ? json_array_size(list) : 0;
    if (n > COUNT(inter))
        n = COUNT(inter);
    for (size_t i = 0; i < n; i++)
        inter[i] = json_string_value(json_array_get(list, i));
    int64_t id;
    return check_codes(c, org && *org ? org : NULL, inter, n, p, &id);
}

static int create_item(struct tb_db_conn *c, struct item_write *w, int64_t org, const char *doc)
{
    struct tb_db_stmt *s;
    const struct item_doc *d = w->doc;
    int rc = tb_db_prepare(
        c,
        "INSERT INTO items(impl_code, basic_code, name, org_id, status, current_version, "
        "latest_version, type, audience, levels, kind, item_class, trips, is_immediate, "
        "is_online, is_nearby, is_one_visit, is_exempt, legal_limit_days, promised_limit_days, "
        "search_text, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'draft', 1, 1, '', 0, 0, "
        "'', '', '', 0, 0, 0, 0, 0, 0, 0, '', ?5, ?5)",
        &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, d->v.impl_code, -1);
    tb_db_bind_text(s, 2, d->v.basic_code, -1);
    tb_db_bind_text(s, 3, d->v.name, -1);
    tb_db_bind_int64(s, 4, org);
    tb_db_bind_int64(s, 5, w->now_ms);
    if ((rc = run(s)) < 0)
        return rc;
    w->item_id = tb_db_last_insert_id(c);
    w->version = 1;
    w->changed = json_array(); /* a new item: nothing changed, everything is new */
    if (!w->changed)
        return TB_ERR_NOMEM;
    if ((rc = insert_version(c, w->item_id, 1, doc, w->changed, w)) < 0)
        return rc;
    /* A draft is listed nowhere, but its columns are filled so that an
     * administrator's view of drafts shows the same summary. */
    if ((rc = refresh_read_model(c, w->item_id, 1, d, org, w->now_ms)) < 0)
        return rc;
    if (w->publish)
        rc = publish(c, w->item_id, 1, d, org, w->author_id, w->now_ms);
    return rc;
}

static int set_status_row(struct tb_db_conn *c, int64_t item_id, const char *status, int64_t now)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "UPDATE items SET status = ?2, updated_at = ?3 WHERE id = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, item_id);
    tb_db_bind_text(s, 2, status, -1);
    tb_db_bind_int64(s, 3, now);
    return run(s);
}

int catalog_item_write(struct tb_db_conn *c, struct item_write *w)
{
    struct item_doc *d = w->doc;
    int64_t org = 0;
    size_t before = w->problems->n;
    int rc = check_references(c, w, &org);
    if (rc < 0)
        return rc;
    if (w->url_code && strcmp(w->url_code, d->v.impl_code) != 0)
        item_problems_add(w->problems, "impl_code", "code_changed",
                          "实施编码不能修改，请与地址中的编码一致",
                          "The implementation code cannot change; it must match the URL");
    struct item_row r;
    const char *code = w->url_code ? w->url_code : d->v.impl_code;
    rc = item_row(c, code, &r);
    if (rc < 0 && rc != TB_ERR_NOT_FOUND)
        return rc;
    bool exists = rc == TB_OK;
    if (exists && !w->import && strcmp(r.org_code, d->org_code) != 0)
        item_problems_add(w->problems, "org", "org_changed", "办理机构只能通过划转变更",
                          "The deciding organisation changes only by "
                          "a transfer");
    if (w->problems->n > before)
        return TB_ERR_INVALID;
    if (!exists && w->url_code)
        return TB_ERR_NOT_FOUND;
    if (exists && !w->url_code && !w->import)
        return TB_ERR_CONFLICT;

    char *doc = dump(d->canon);
    if (!doc)
        return TB_ERR_NOMEM;
    if (!exists) {
        rc = create_item(c, w, org, doc);
        if (rc == TB_OK && w->import && w->status && strcmp(w->status, "published") != 0 &&
            strcmp(w->status, "draft") != 0)
            rc = set_status_row(c, w->item_id, w->status, w->now_ms);
        free(doc);
        return rc;
    }

    /* Compare with the version the new one follows: the latest. */
    json_t *prev = NULL;
    char prev_status[16] = "";
    rc = version_doc(c, r.id, r.latest, &prev, prev_status, sizeof(prev_status));
    if (rc < 0) {
        free(doc);
        return rc;
    }
    w->item_id = r.id;
    bool same = json_equal(prev, d->canon);
    if (same && (w->import || !w->publish || strcmp(prev_status, "draft") != 0)) {
        json_decref(prev);
        free(doc);
        w->unchanged = true;
        w->version = r.latest;
        if (w->import && w->status && strcmp(w->status, r.status) != 0)
            return set_status_row(c, r.id, w->status, w->now_ms);
        if (w->import)
            return TB_OK;
        item_problems_add(w->problems, "", "unchanged", "与当前版本相同，没有修改",
                          "Nothing changed from the current version");
        return TB_ERR_INVALID;
    }
    json_t *base = prev;
    json_t *older = NULL;
    if (strcmp(prev_status, "draft") == 0 && r.latest > 1) {
        /* a draft is replaced: what changed is measured from the version before it */
        if ((rc = version_doc(c, r.id, r.latest - 1, &older, NULL, 0)) < 0) {
            json_decref(prev);
            free(doc);
            return rc;
        }
        base = older;
    } else if (strcmp(prev_status, "draft") == 0) {
        base = NULL;
    }
    w->changed = item_doc_changed(base, d->canon);
    json_decref(older);
    json_decref(prev);
    if (!w->changed) {
        free(doc);
        return TB_ERR_NOMEM;
    }
    struct tb_db_stmt *s;
    if (strcmp(prev_status, "draft") == 0 && !w->import) {
        w->version = r.latest;
        char *ch = dump(w->changed);
        rc = ch ? tb_db_prepare(c,
                                "UPDATE item_versions SET doc = ?3, changed = ?4, reason = ?5, "
                                "author_id = ?6, author_name = ?7, created_at = ?8 "
                                "WHERE item_id = ?1 AND version = ?2 AND status = 'draft'",
                                &s)
                : TB_ERR_NOMEM;
        if (rc == TB_OK) {
            tb_db_bind_int64(s, 1, r.id);
            tb_db_bind_int64(s, 2, w->version);
            tb_db_bind_text(s, 3, doc, -1);
            tb_db_bind_text(s, 4, ch, -1);
            tb_db_bind_text(s, 5, w->reason, -1);
            if (w->author_id)
                tb_db_bind_int64(s, 6, w->author_id);
            else
                tb_db_bind_null(s, 6);
            tb_db_bind_text(s, 7, w->author_name, -1);
            tb_db_bind_int64(s, 8, w->now_ms);
            rc = run(s);
        }
        free(ch);
    } else {
        w->version = r.latest + 1;
        rc = insert_version(c, r.id, w->version, doc, w->changed, w);
        if (rc == TB_OK && (rc = tb_db_prepare(c,
                                               "UPDATE items SET latest_version = ?2, "
                                               "updated_at = ?3 WHERE id = ?1",
                                               &s)) == TB_OK) {
            tb_db_bind_int64(s, 1, r.id);
            tb_db_bind_int64(s, 2, w->version);
            tb_db_bind_int64(s, 3, w->now_ms);
            rc = run(s);
        }
    }
    free(doc);
    if (rc == TB_OK && (w->publish || w->import))
        rc = publish(c, r.id, w->version, d, org, w->author_id, w->now_ms);
    else if (rc == TB_OK && !r.has_published)
        rc = refresh_read_model(c, r.id, w->version, d, org, w->now_ms);
    if (rc == TB_OK && w->import && w->status && strcmp(w->status, r.status) != 0)
        rc = set_status_row(c, r.id, w->status, w->now_ms);
    return rc;
}

int catalog_item_set_status(struct tb_db_conn *c, const char *code, const char *status,
                            int64_t now_ms, char *old_status, size_t cap)
{
    struct item_row r;
    int rc = item_row(c, code, &r);
    if (rc < 0)
        return rc;
    snprintf(old_status, cap, "%s", r.status);
    /* RULE: SPEC §2 status draft -> published -> suspended -> cancelled;
     * a suspended item may be published again, a cancelled one never. */
    bool ok = (strcmp(status, "suspended") == 0 && strcmp(r.status, "published") == 0) ||
              (strcmp(status, "published") == 0 && strcmp(r.status, "suspended") == 0) ||
              (strcmp(status, "cancelled") == 0 && strcmp(r.status, "cancelled") != 0);
    if (!ok)
        return TB_ERR_CONFLICT;
    return set_status_row(c, r.id, status, now_ms);
}

int catalog_item_transfer(struct tb_db_conn *c, const char *code, const char *to_code,
                          const char *reason, int64_t by_id, const char *by_name, int64_t now_ms,
                          int *version)
{
    struct item_row r;
    int rc = item_row(c, code, &r);
    if (rc < 0)
        return rc;
    /* A pending draft would fall behind the transfer's version: publish or
     * finish it first. */
    if ((strcmp(r.status, "published") != 0 && strcmp(r.status, "suspended") != 0) ||
        r.latest != r.current)
        return TB_ERR_CONFLICT;
    int64_t from = 0, to = 0;
    if ((rc = org_id(c, r.org_code, &from)) < 0)
        return rc;
    rc = org_id(c, to_code, &to);
    if (rc == TB_ERR_NOT_FOUND || to == from)
        return TB_ERR_INVALID;
    if (rc < 0)
        return rc;

    json_t *cur = NULL;
    if ((rc = version_doc(c, r.id, r.current, &cur, NULL, 0)) < 0)
        return rc;
    json_object_set_new(cur, "org", json_string(to_code));
    struct proof_list proofs;
    struct tb_arena a;
    tb_arena_init(&a, 4096);
    struct item_problem pb[4];
    struct item_problems p = {pb, COUNT(pb), 0};
    struct item_doc d = {0};
    /* The document was valid when published; reading it again gives the
     * struct for the read model. */
    rc = catalog_proofs_load(c, &a, &proofs);
    if (rc == TB_OK)
        rc = item_doc_read(cur, &proofs, &a, &d, &p);
    json_decref(cur);
    if (rc == TB_ERR_INVALID) /* a rule or a list changed since: the transfer waits for an edit */
        rc = TB_ERR_CONFLICT;
    struct item_write w = {.doc = &d,
                           .url_code = code,
                           .reason = reason,
                           .author_id = by_id,
                           .author_name = by_name,
                           .publish = true,
                           .now_ms = now_ms,
                           .problems = &p};
    if (rc == TB_OK) {
        char *doc = dump(d.canon);
        json_t *changed = json_pack("[s]", "org");
        int n = r.latest + 1;
        rc = doc && changed ? insert_version(c, r.id, n, doc, changed, &w) : TB_ERR_NOMEM;
        free(doc);
        json_decref(changed);
        struct tb_db_stmt *s;
        if (rc == TB_OK && (rc = tb_db_prepare(c,
                                               "UPDATE items SET latest_version = ?2 WHERE id = "
                                               "?1",
                                               &s)) == TB_OK) {
            tb_db_bind_int64(s, 1, r.id);
            tb_db_bind_int64(s, 2, n);
            rc = run(s);
        }
        if (rc == TB_OK)
            rc = publish(c, r.id, n, &d, to, by_id, now_ms);
        if (rc == TB_OK &&
            (rc = tb_db_prepare(
                 c,
                 "INSERT INTO item_transfers(item_id, from_org_id, to_org_id, reason, "
                 "by_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                 &s)) == TB_OK) {
            tb_db_bind_int64(s, 1, r.id);
            tb_db_bind_int64(s, 2, from);
            tb_db_bind_int64(s, 3, to);
            tb_db_bind_text(s, 4, reason, -1);
            if (by_id)
                tb_db_bind_int64(s, 5, by_id);
            else
                tb_db_bind_null(s, 5);
            tb_db_bind_int64(s, 6, now_ms);
            rc = run(s);
        }
        *version = n;
    }
    json_decref(d.canon);
    tb_arena_free(&a);
    return rc;
}

/* ---- reading ---------------------------------------------------------------------------- */

static const struct {
    const char *name;
    enum item_list list;
} list_names[] = {
    {"all", LIST_ALL},
    {"zuiduo_paoyici", LIST_ZUIDUO_PAOYICI},
    {"quancheng_wangban", LIST_QUANCHENG_WANGBAN},
    {"wangshang", LIST_WANGSHANG},
    {"mashang", LIST_MASHANG},
    {"jiujin", LIST_JIUJIN},
    {"yici", LIST_YICI},
    {"jiban", LIST_JIBAN},
};

int item_list_parse(const char *s, enum item_list *out)
{
    for (size_t i = 0; i < COUNT(list_names); i++)
        if (strcmp(list_names[i].name, s) == 0) {
            *out = list_names[i].list;
            return TB_OK;
        }
    return TB_ERR_INVALID;
}

static json_t *code_array(enum catalog_code_table t, unsigned bits)
{
    size_t n;
    const struct catalog_code *rows = catalog_codes(t, &n);
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (bits & CODE_BIT(rows[i].value))
            json_array_append_new(a, json_string(rows[i].code));
    return a;
}

/* Columns of a summary, in the order summary() reads them. */
#define SUMMARY_COLUMNS                                                                            \
    "i.impl_code, i.basic_code, i.name, i.type, o.code, o.name, i.audience, i.levels, "            \
    "(SELECT json_group_array(topic) FROM (SELECT topic FROM item_topics t WHERE "                 \
    "t.item_id = i.id ORDER BY topic) AS tt), i.kind, "                                            \
    "i.item_class, i.trips, i.is_immediate, i.is_online, i.is_nearby, i.is_one_visit, "            \
    "i.legal_limit_days, i.promised_limit_days, i.current_version, i.status"

static json_t *summary(struct tb_db_stmt *s)
{
    json_t *topics = json_loads(tb_db_column_text(s, 8), 0, NULL);
    return json_pack(
        "{s:s,s:s,s:s,s:s,s:{s:s,s:s},s:o,s:o,s:o,s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:I,s:I,s:I,s:s}",
        "impl_code", tb_db_column_text(s, 0), "basic_code", tb_db_column_text(s, 1), "name",
        tb_db_column_text(s, 2), "type", tb_db_column_text(s, 3), "org", "code",
        tb_db_column_text(s, 4), "name", tb_db_column_text(s, 5), "audience",
        code_array(CODES_SERVICE_OBJECT, (unsigned)tb_db_column_int64(s, 6)), "levels",
        code_array(CODES_EXERCISE_LEVEL, (unsigned)tb_db_column_int64(s, 7)), "topics",
        topics ? topics : json_array(), "kind", tb_db_column_text(s, 9), "item_class",
        tb_db_column_text(s, 10), "trips", tb_db_column_text(s, 11), "is_immediate",
        (int)tb_db_column_int64(s, 12), "is_online", (int)tb_db_column_int64(s, 13), "is_nearby",
        (int)tb_db_column_int64(s, 14), "is_one_visit", (int)tb_db_column_int64(s, 15),
        "legal_limit_days", (json_int_t)tb_db_column_int64(s, 16), "promised_limit_days",
        (json_int_t)tb_db_column_int64(s, 17), "version", (json_int_t)tb_db_column_int64(s, 18),
        "status", tb_db_column_text(s, 19));
}

/* The filter part shared by both searches: ?1 dept, ?2 audience, ?3 topic,
 * ?4 levels, ?5 type, ?6 list, ?7..?10 short terms. */
#define FILTERS                                                                                    \
    "i.status = 'published' "                                                                      \
    "AND (?1 IS NULL OR i.org_id IN (WITH RECURSIVE sub(id) AS (SELECT id FROM orgs WHERE "        \
    "code = ?1 UNION ALL SELECT o2.id FROM orgs o2 JOIN sub ON o2.parent_id = sub.id) "            \
    "SELECT id FROM sub)) "                                                                        \
    "AND (?2 = 0 OR (i.audience & ?2) <> 0) "                                                      \
    "AND (?3 IS NULL OR EXISTS (SELECT 1 FROM item_topics t WHERE t.topic = ?3 AND "               \
    "t.item_id = i.id)) "                                                                          \
    "AND (?4 = 0 OR (i.levels & ?4) <> 0) "                                                        \
    "AND (?5 IS NULL OR i.type = ?5) "                                                             \
    "AND (?6 <> 1 OR i.trips IN ('0', '1')) "                                                      \
    "AND (?6 <> 2 OR (i.is_online = 1 AND i.trips = '0')) "                                        \
    "AND (?6 <> 3 OR i.is_online = 1) "                                                            \
    "AND (?6 <> 4 OR i.is_immediate = 1) "                                                         \
    "AND (?6 <> 5 OR i.is_nearby = 1) "                                                            \
    "AND (?6 <> 6 OR i.is_one_visit = 1) "                                                         \
    "AND (?6 <> 7 OR i.kind = '1') "                                                               \
    "AND (?7 IS NULL OR instr(i.search_text, ?7) > 0) "                                            \
    "AND (?8 IS NULL OR instr(i.search_text, ?8) > 0) "                                            \
    "AND (?9 IS NULL OR instr(i.search_text, ?9) > 0) "                                            \
    "AND (?10 IS NULL OR instr(i.search_text, ?10) > 0) "

/* Both searches first pick the page of ids (ranked, with the total as a
 * window count) and only then build the summaries of those rows, so the
 * topic subquery runs per shown row, not per match. */
#define PAGE_THEN_SUMMARY                                                                          \
    "SELECT " SUMMARY_COLUMNS ", h.total, h.score FROM hits h JOIN items i ON i.id = h.id "        \
    "JOIN orgs o ON o.id = i.org_id ORDER BY h.score DESC, o.code, i.basic_code, i.impl_code"

/* Without long terms: short terms rank name matches first, shorter names
 * (closer matches) before longer. ?11 is the first term (for ranking), ?12
 * limit, ?13 offset. */
static const char sql_plain[] = "WITH hits AS (SELECT i.id, count(*) OVER () AS total, "
                                "CASE WHEN ?11 IS NULL THEN 0.0 WHEN instr(i.name, ?11) > 0 THEN "
                                "1.0 + 1.0 / (1 + length(i.name)) ELSE 0.5 END AS score "
                                "FROM items i JOIN orgs o ON o.id = i.org_id WHERE " FILTERS
                                "ORDER BY score DESC, o.code, i.basic_code, i.impl_code LIMIT ?12 "
                                "OFFSET ?13) " PAGE_THEN_SUMMARY;

/* With terms of three characters or more: the trigram index, ranked by
 * bm25 with the name weighing most (items_fts's rank: name 10, materials 3,
 * conditions 1, migration 0012), and a name containing the first term first
 * of all; ?14 is the MATCH expression. items_fts(?14) is FTS5's
 * table-valued form on SQLite and a function of the same name and columns
 * on PostgreSQL (0005_catalog.pg.sql). */
static const char sql_fts[] =
    "WITH f AS (SELECT rowid AS id, rank AS r FROM items_fts(?14)), "
    "hits AS (SELECT i.id, count(*) OVER () AS total, "
    "(CASE WHEN ?11 IS NOT NULL AND instr(i.name, ?11) > 0 THEN 10.0 ELSE 0.0 END) - f.r AS score "
    "FROM f JOIN items i ON i.id = f.id JOIN orgs o ON o.id = i.org_id WHERE " FILTERS
    "ORDER BY score DESC, i.impl_code LIMIT ?12 OFFSET ?13) " PAGE_THEN_SUMMARY;

/* Splits q at white space into terms; long ones (3 or more characters) go
 * into the FTS expression, short ones into the instr() parameters. */
static int split_terms(const char *q, struct tb_arena *a, const char **shorts, size_t *nshort,
                       struct tb_buf *match, const char **first)
{
    *nshort = 0;
    *first = NULL;
    const char *p = q;
    size_t nterms = 0;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            p++;
        /* full-width space (U+3000) also separates */
        const char *ideo = strstr(start, "\xe3\x80\x80");
        if (ideo && ideo < p)
            p = ideo;
        size_t len = (size_t)(p - start);
        if (len == 0) {
            p += 3;
            continue;
        }
        char *t = tb_arena_strndup(a, start, len);
        if (!t)
            return TB_ERR_NOMEM;
        if (++nterms > SEARCH_TERMS_MAX)
            return TB_ERR_INVALID;
        if (!*first)
            *first = t;
        if (tb_utf8_chars(t, len) < 3) {
            shorts[(*nshort)++] = t;
        } else {
            tb_buf_puts(match, match->len ? " \"" : "\"");
            for (const char *c = t; *c; c++) /* a quote inside the phrase is doubled */
                tb_buf_append(match, *c == '"' ? "\"\"" : c, 1 + (*c == '"'));
            tb_buf_puts(match, "\"");
        }
        if (!strncmp(p, "\xe3\x80\x80", 3))
            p += 3;
    }
    return TB_OK;
}

int catalog_items_query(struct tb_db_conn *c, const struct item_query *q, json_t **out)
{
    struct tb_arena a;
    tb_arena_init(&a, 1024);
    struct tb_buf match;
    tb_buf_init(&match, 4096);
    const char *shorts[SEARCH_TERMS_MAX] = {0};
    size_t nshort = 0;
    const char *first = NULL;
    int rc = q->q ? split_terms(q->q, &a, shorts, &nshort, &match, &first) : TB_OK;
    struct tb_db_stmt *s = NULL;
    if (rc == TB_OK)
        rc = tb_db_prepare(c, match.len ? sql_fts : sql_plain, &s);
    if (rc < 0) {
        tb_buf_free(&match);
        tb_arena_free(&a);
        return rc;
    }
    if (q->dept)
        tb_db_bind_text(s, 1, q->dept, -1);
    else
        tb_db_bind_null(s, 1);
    tb_db_bind_int64(s, 2, q->audience);
    if (q->topic)
        tb_db_bind_text(s, 3, q->topic, -1);
    else
        tb_db_bind_null(s, 3);
    tb_db_bind_int64(s, 4, q->levels);
    if (q->type)
        tb_db_bind_text(s, 5, q->type, -1);
    else
        tb_db_bind_null(s, 5);
    tb_db_bind_int64(s, 6, q->list);
    for (int i = 0; i < SEARCH_TERMS_MAX; i++)
        if (shorts[i])
            tb_db_bind_text(s, 7 + i, shorts[i], -1);
        else
            tb_db_bind_null(s, 7 + i);
    if (first)
        tb_db_bind_text(s, 11, first, -1);
    else
        tb_db_bind_null(s, 11);
    tb_db_bind_int64(s, 12, q->per_page);
    tb_db_bind_int64(s, 13, (int64_t)(q->page - 1) * q->per_page);
    if (match.len)
        tb_db_bind_text(s, 14, tb_buf_cstr(&match), -1);
    json_t *items = json_array();
    int64_t total = 0;
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        json_t *e = summary(s);
        total = tb_db_column_int64(s, 20);
        if (first && e)
            json_object_set_new(e, "score", json_real(tb_db_column_double(s, 21)));
        json_array_append_new(items, e);
    }
    tb_db_stmt_done(s);
    tb_buf_free(&match);
    tb_arena_free(&a);
    if (rc < 0) {
        json_decref(items);
        return rc;
    }
    if (total == 0 && q->page > 1) {
        /* past the end: the total still tells the client how many there are */
        struct item_query first_page = *q;
        first_page.page = 1;
        first_page.per_page = 1;
        json_t *probe = NULL;
        if (catalog_items_query(c, &first_page, &probe) == TB_OK)
            total = json_integer_value(json_object_get(probe, "total"));
        json_decref(probe);
    }
    *out = json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page",
                     q->page, "per_page", q->per_page);
    return *out ? TB_OK : TB_ERR_NOMEM;
}

static json_t *names_for(struct tb_db_conn *c, const char *sql, const json_t *codes,
                         const char *key_code, const char *key_name)
{
    json_t *out = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(codes, i, v)
    {
        struct tb_db_stmt *s;
        if (tb_db_prepare(c, sql, &s) < 0)
            break;
        tb_db_bind_text(s, 1, json_string_value(v), -1);
        if (tb_db_step(s) == TB_DB_ROW)
            json_array_append_new(out, json_pack("{s:s,s:s}", key_code, json_string_value(v),
                                                 key_name, tb_db_column_text(s, 0)));
        tb_db_stmt_done(s);
    }
    return out;
}

int catalog_item_get(struct tb_db_conn *c, const char *code, int n, bool drafts, json_t **out)
{
    struct item_row r;
    int rc = item_row(c, code, &r);
    if (rc < 0)
        return rc;
    /* RULE: the public sees published and suspended items (a suspended
     * guide says so); drafts and cancelled items are for administrators. */
    bool visible = strcmp(r.status, "published") == 0 || strcmp(r.status, "suspended") == 0;
    if (!drafts && !visible)
        return TB_ERR_NOT_FOUND;
    int version = n > 0 ? n : r.current;
    json_t *doc;
    char vstatus[16];
    if ((rc = version_doc(c, r.id, version, &doc, vstatus, sizeof(vstatus))) < 0)
        return rc;
    if (!drafts && strcmp(vstatus, "draft") == 0) {
        json_decref(doc);
        return TB_ERR_NOT_FOUND;
    }
    struct tb_db_stmt *s;
    int64_t published_at = 0;
    if ((rc = tb_db_prepare(c,
                            "SELECT v.published_at, o.name FROM item_versions v, orgs o "
                            "WHERE v.item_id = ?1 AND v.version = ?2 AND o.code = ?3",
                            &s)) < 0) {
        json_decref(doc);
        return rc;
    }
    tb_db_bind_int64(s, 1, r.id);
    tb_db_bind_int64(s, 2, version);
    tb_db_bind_text(s, 3, json_string_value(json_object_get(doc, "org")), -1);
    json_t *org =
        json_pack("{s:s,s:s}", "code", json_string_value(json_object_get(doc, "org")), "name", "");
    if (tb_db_step(s) == TB_DB_ROW) {
        published_at = tb_db_column_is_null(s, 0) ? 0 : tb_db_column_int64(s, 0);
        json_object_set_new(org, "name", json_string(tb_db_column_text(s, 1)));
    }
    tb_db_stmt_done(s);

    json_t *proof_codes = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(doc, "materials"), i, m)
    {
        if (json_is_true(json_object_get(m, "is_proof")))
            json_array_append(proof_codes, json_object_get(m, "proof_code"));
    }
    json_t *proofs =
        names_for(c, "SELECT name FROM proofs WHERE code = ?1", proof_codes, "code", "name");
    json_decref(proof_codes);
    json_t *inter = names_for(c, "SELECT name FROM intermediaries WHERE code = ?1",
                              json_object_get(doc, "intermediaries"), "code", "name");
    char url[160];
    snprintf(url, sizeof(url), "/items/%s", code);
    *out = json_pack("{s:o,s:i,s:s,s:s,s:o,s:o,s:o,s:o,s:s}", "item", doc, "version", version,
                     "status", r.status, "version_status", vstatus, "published_at",
                     published_at ? iso(published_at) : json_null(), "org", org, "proofs", proofs,
                     "intermediaries", inter, "guide_url", url);
    return *out ? TB_OK : TB_ERR_NOMEM;
}

int catalog_item_versions(struct tb_db_conn *c, const char *code, bool drafts, json_t **out)
{
    struct item_row r;
    int rc = item_row(c, code, &r);
    if (rc < 0)
        return rc;
    bool visible = strcmp(r.status, "published") == 0 || strcmp(r.status, "suspended") == 0;
    if (!drafts && !visible)
        return TB_ERR_NOT_FOUND;
    struct tb_db_stmt *s;
    if ((rc = tb_db_prepare(c,
                            "SELECT version, status, author_name, reason, created_at, "
                            "published_at, changed FROM item_versions WHERE item_id = ?1 "
                            "AND (?2 = 1 OR status <> 'draft') ORDER BY version DESC",
                            &s)) < 0)
        return rc;
    tb_db_bind_int64(s, 1, r.id);
    tb_db_bind_int64(s, 2, drafts);
    json_t *list = json_array();
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        json_t *changed = json_loads(tb_db_column_text(s, 6), 0, NULL);
        json_array_append_new(
            list,
            json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o}", "version",
                      (json_int_t)tb_db_column_int64(s, 0), "status", tb_db_column_text(s, 1),
                      "author", tb_db_column_text(s, 2), "reason", tb_db_column_text(s, 3),
                      "created_at", iso(tb_db_column_int64(s, 4)), "published_at",
                      tb_db_column_is_null(s, 5) ? json_null() : iso(tb_db_column_int64(s, 5)),
                      "changed", changed ? changed : json_array()));
    }
    tb_db_stmt_done(s);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:s,s:o}", "impl_code", code, "versions", list);
    return *out ? TB_OK : TB_ERR_NOMEM;
}

int catalog_item_transfers(struct tb_db_conn *c, const char *code, json_t **out)
{
    struct item_row r;
    int rc = item_row(c, code, &r);
    if (rc < 0)
        return rc;
    if (strcmp(r.status, "published") != 0 && strcmp(r.status, "suspended") != 0)
        return TB_ERR_NOT_FOUND;
    struct tb_db_stmt *s;
    if ((rc = tb_db_prepare(c,
                            "SELECT f.code, f.name, t.code, t.name, x.at, x.reason "
                            "FROM item_transfers x JOIN orgs f ON f.id = x.from_org_id "
                            "JOIN orgs t ON t.id = x.to_org_id WHERE x.item_id = ?1 ORDER BY x.id",
                            &s)) < 0)
        return rc;
    tb_db_bind_int64(s, 1, r.id);
    json_t *list = json_array();
    while ((rc = tb_db_step(s)) == TB_DB_ROW)
        json_array_append_new(
            list, json_pack("{s:{s:s,s:s},s:{s:s,s:s},s:o,s:s}", "from", "code",
                            tb_db_column_text(s, 0), "name", tb_db_column_text(s, 1), "to", "code",
                            tb_db_column_text(s, 2), "name", tb_db_column_text(s, 3), "at",
                            iso(tb_db_column_int64(s, 4)), "reason", tb_db_column_text(s, 5)));
    tb_db_stmt_done(s);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o}", "transfers", list);
    return *out ? TB_OK : TB_ERR_NOMEM;
}

/* ---- KPIs, topics, lists ----------------------------------------------------------------- */

static json_t *kpis_json(const struct catalog_kpis *k)
{
    return json_pack("{s:I,s:I,s:I,s:I,s:f,s:f,s:f,s:b,s:b,s:i,s:i}", "items", (json_int_t)k->items,
                     "at_most_one_trip", (json_int_t)k->at_most_one_trip, "online",
                     (json_int_t)k->online, "over_half", (json_int_t)k->over_half,
                     "share_at_most_one_trip", k->share_at_most_one_trip, "share_online",
                     k->share_online, "mean_promised_ratio", k->mean_promised_ratio,
                     "meets_one_trip_goal", k->meets_one_trip_goal, "meets_online_goal",
                     k->meets_online_goal, "goal_one_trip_percent", KPI_GOAL_ONE_TRIP_PERCENT,
                     "goal_online_percent", KPI_GOAL_ONLINE_PERCENT);
}

struct kpi_row {
    char code[80], name[160];
};

int catalog_kpis(struct tb_db_conn *c, json_t **out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT o.code, o.name, i.trips, i.is_online, i.legal_limit_days, "
                           "i.promised_limit_days, i.is_exempt FROM items i JOIN orgs o ON "
                           "o.id = i.org_id WHERE i.status = 'published' ORDER BY o.code",
                           &s);
    if (rc < 0)
        return rc;
    size_t cap = 0, n = 0;
    struct item_version *v = NULL;
    struct kpi_row *orgs = NULL;
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        if (n == cap) {
            size_t bigger = cap ? 2 * cap : 256;
            struct item_version *nv = realloc(v, bigger * sizeof(*v));
            if (nv)
                v = nv;
            struct kpi_row *no = nv ? realloc(orgs, bigger * sizeof(*orgs)) : NULL;
            if (no)
                orgs = no;
            if (!nv || !no) {
                rc = TB_ERR_NOMEM;
                break;
            }
            cap = bigger;
        }
        memset(&v[n], 0, sizeof(v[n]));
        snprintf(orgs[n].code, sizeof(orgs[n].code), "%s", tb_db_column_text(s, 0));
        snprintf(orgs[n].name, sizeof(orgs[n].name), "%s", tb_db_column_text(s, 1));
        const struct catalog_code *t = catalog_code_by_code(CODES_TRIPS, tb_db_column_text(s, 2));
        v[n].trips = t ? (enum trips)t->value : TRIPS_N;
        v[n].is_online = tb_db_column_int64(s, 3) != 0;
        v[n].legal_limit_days = (int)tb_db_column_int64(s, 4);
        v[n].promised_limit_days = (int)tb_db_column_int64(s, 5);
        v[n].is_exempt = tb_db_column_int64(s, 6) != 0;
        n++;
    }
    tb_db_stmt_done(s);
    if (rc < 0) {
        free(v);
        free(orgs);
        return rc;
    }
    struct catalog_kpis k;
    catalog_kpis_compute(v, n, &k);
    json_t *depts = json_array();
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(orgs[j].code, orgs[i].code) == 0)
            j++;
        struct catalog_kpis dk;
        catalog_kpis_compute(v + i, j - i, &dk);
        json_t *e = kpis_json(&dk);
        json_object_set_new(e, "org",
                            json_pack("{s:s,s:s}", "code", orgs[i].code, "name", orgs[i].name));
        json_array_append_new(depts, e);
        i = j;
    }
    free(v);
    free(orgs);
    *out = json_pack("{s:o,s:o}", "overall", kpis_json(&k), "departments", depts);
    return *out ? TB_OK : TB_ERR_NOMEM;
}

int catalog_topics(struct tb_db_conn *c, json_t **out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT t.topic, count(*) FROM item_topics t JOIN items i ON "
                           "i.id = t.item_id WHERE i.status = 'published' GROUP BY t.topic "
                           "ORDER BY count(*) DESC, t.topic",
                           &s);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    while ((rc = tb_db_step(s)) == TB_DB_ROW)
        json_array_append_new(list, json_pack("{s:s,s:I}", "name", tb_db_column_text(s, 0), "items",
                                              (json_int_t)tb_db_column_int64(s, 1)));
    tb_db_stmt_done(s);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o}", "topics", list);
    return *out ? TB_OK : TB_ERR_NOMEM;
}

int catalog_proofs_json(struct tb_db_conn *c, json_t **out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT code, name, issuer, basis FROM proofs ORDER BY code", &s);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    while ((rc = tb_db_step(s)) == TB_DB_ROW)
        json_array_append_new(list,
                              json_pack("{s:s,s:s,s:s,s:s}", "code", tb_db_column_text(s, 0),
                                        "name", tb_db_column_text(s, 1), "issuer",
                                        tb_db_column_text(s, 2), "basis", tb_db_column_text(s, 3)));
    tb_db_stmt_done(s);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o}", "proofs", list);
    return *out ? TB_OK : TB_ERR_NOMEM;
}

int catalog_intermediaries_json(struct tb_db_conn *c, json_t **out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(
        c,
        "SELECT m.code, m.name, m.provider, m.fee, m.fee_basis, m.basis, "
        "(SELECT json_group_array(json_object('impl_code', y.impl_code, 'name', y.name)) FROM "
        "(SELECT i.impl_code, i.name FROM item_intermediaries x JOIN items i ON i.id = x.item_id "
        "WHERE x.intermediary_code = m.code AND i.status = 'published' ORDER BY x.item_id) "
        "AS y) FROM intermediaries m ORDER BY m.code",
        &s);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        json_t *items = json_loads(tb_db_column_text(s, 6), 0, NULL);
        json_array_append_new(
            list,
            json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "code", tb_db_column_text(s, 0), "name",
                      tb_db_column_text(s, 1), "provider", tb_db_column_text(s, 2), "fee",
                      tb_db_column_text(s, 3), "fee_basis", tb_db_column_text(s, 4), "basis",
                      tb_db_column_text(s, 5), "items", items ? items : json_array()));
    }
    tb_db_stmt_done(s);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o}", "intermediaries", list);
    return *out ? TB_OK : TB_ERR_NOMEM;
}

json_t *catalog_codes_json(void)
{
    json_t *o = json_object();
    for (int t = 0; o && t < CODES__COUNT; t++) {
        size_t n;
        const struct catalog_code *rows = catalog_codes((enum catalog_code_table)t, &n);
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "code", rows[i].code, "zh",
                                               rows[i].name_zh, "en", rows[i].name_en));
        json_object_set_new(o, catalog_codes_name((enum catalog_code_table)t), a);
    }
    return o;
}

/* ---- proof and intermediary lists: import and export ----------------------------------- */

struct list_field {
    const char *key;
    size_t max;
    bool required;
};

/* Checks list entries against fields; reports faults under prefix. */
static bool list_entry_ok(const json_t *e, const char *prefix, size_t i, const struct list_field *f,
                          size_t nf, struct item_problems *p)
{
    char path[ITEM_PROBLEM_PATH_MAX];
    size_t before = p->n;
    if (!json_is_object(e)) {
        snprintf(path, sizeof(path), "%s[%zu]", prefix, i % 100000);
        item_problems_add(p, path, "wrong_type", "应为对象", "Must be an object");
        return false;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)e, key, v)
    {
        bool known = false;
        for (size_t k = 0; k < nf; k++)
            known = known || strcmp(f[k].key, key) == 0;
        if (!known) {
            snprintf(path, sizeof(path), "%s[%zu].%.20s", prefix, i % 100000, key);
            item_problems_add(p, path, "unknown_field", "不认识的字段", "Unknown field");
        }
    }
    for (size_t k = 0; k < nf; k++) {
        const char *s;
        snprintf(path, sizeof(path), "%s[%zu].%s", prefix, i % 100000, f[k].key);
        if (tb_json_get_string(e, f[k].key, f[k].required, f[k].max, &s) < 0 ||
            (f[k].required && !*s))
            item_problems_add(p, path, "invalid", "缺少或不正确", "Missing or invalid");
    }
    return p->n == before;
}

int catalog_proofs_import(struct tb_db_conn *c, const json_t *list, int64_t now_ms,
                          struct item_problems *p)
{
    static const struct list_field f[] = {
        {"code", 64, true}, {"name", 200, true}, {"issuer", 200, false}, {"basis", 400, false}};
    if (list && !json_is_array(list)) {
        item_problems_add(p, "proofs", "wrong_type", "应为数组", "Must be an array");
        return TB_ERR_INVALID;
    }
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        if (!list_entry_ok(e, "proofs", i, f, COUNT(f), p))
            continue;
        struct tb_db_stmt *s;
        int rc = tb_db_prepare(c,
                               "INSERT INTO proofs(code, name, issuer, basis, updated_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(code) DO UPDATE SET "
                               "name = ?2, issuer = ?3, basis = ?4, updated_at = ?5",
                               &s);
        if (rc < 0)
            return rc;
        tb_db_bind_text(s, 1, json_string_value(json_object_get(e, "code")), -1);
        tb_db_bind_text(s, 2, json_string_value(json_object_get(e, "name")), -1);
        const char *issuer = json_string_value(json_object_get(e, "issuer"));
        const char *basis = json_string_value(json_object_get(e, "basis"));
        tb_db_bind_text(s, 3, issuer ? issuer : "", -1);
        tb_db_bind_text(s, 4, basis ? basis : "", -1);
        tb_db_bind_int64(s, 5, now_ms);
        if ((rc = run(s)) < 0)
            return rc;
    }
    return p->n ? TB_ERR_INVALID : TB_OK;
}

int catalog_intermediaries_import(struct tb_db_conn *c, const json_t *list, int64_t now_ms,
                                  struct item_problems *p)
{
    static const struct list_field f[] = {{"code", 64, true},        {"name", 200, true},
                                          {"provider", 200, false},  {"fee", 400, false},
                                          {"fee_basis", 400, false}, {"basis", 400, false}};
    if (list && !json_is_array(list)) {
        item_problems_add(p, "intermediaries", "wrong_type", "应为数组", "Must be an array");
        return TB_ERR_INVALID;
    }
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        if (!list_entry_ok(e, "intermediaries", i, f, COUNT(f), p))
            continue;
        struct tb_db_stmt *s;
        int rc = tb_db_prepare(
            c,
            "INSERT INTO intermediaries(code, name, provider, fee, fee_basis, basis, updated_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(code) DO UPDATE SET name = ?2, "
            "provider = ?3, fee = ?4, fee_basis = ?5, basis = ?6, updated_at = ?7",
            &s);
        if (rc < 0)
            return rc;
        for (size_t k = 0; k < COUNT(f); k++) {
            const char *v = json_string_value(json_object_get(e, f[k].key));
            tb_db_bind_text(s, (int)k + 1, v ? v : "", -1);
        }
        tb_db_bind_int64(s, 7, now_ms);
        if ((rc = run(s)) < 0)
            return rc;
    }
    return p->n ? TB_ERR_INVALID : TB_OK;
}

int catalog_items_export(struct tb_db_conn *c, json_t **out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT v.doc, i.status FROM items i JOIN item_versions v ON "
                           "v.item_id = i.id AND v.version = i.current_version ORDER BY "
                           "i.impl_code",
                           &s);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        json_t *doc = json_loads(tb_db_column_text(s, 0), 0, NULL);
        if (!doc) {
            rc = TB_ERR_INTERNAL;
            break;
        }
        json_object_set_new(doc, "status", json_string(tb_db_column_text(s, 1)));
        json_array_append_new(list, doc);
    }
    tb_db_stmt_done(s);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return TB_OK;
}
