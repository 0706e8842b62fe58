/*
 * store.c - organisations, halls and windows in the database: SQL and row
 * mapping only (the rules are in io.c). Each statement sits next to the
 * function that runs it, parameters bound as ?1 ?2.
 *
 * Lists come out in one fixed order so that answers and exports are
 * deterministic: organisations by (depth in the tree, code), which puts
 * every parent before its children; halls by code; windows by position
 * (their place in the hall), then code; staff and letter items by position.
 *
 * A window shows only the staff who are still active staff accounts with the
 * window role: an account disabled or moved to other work drops off the name
 * plate, the public answers and the export without touching the window.
 */
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts/accounts.h"
#include "lib/arena.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/timeutil.h"

#define ORG_DEPTH_MAX 16 /* far past the four levels; stops a damaged tree */

/* Steps s once more and gives it back: TB_OK or the error. */
static int run(struct tb_db_stmt *s)
{
    int rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

static void bind_id_or_null(struct tb_db_stmt *s, int idx, int64_t id)
{
    if (id)
        tb_db_bind_int64(s, idx, id);
    else
        tb_db_bind_null(s, idx);
}

/* One id by one text parameter: TB_OK, TB_ERR_NOT_FOUND or a db error. */
static int id_by_text(struct tb_db_conn *c, const char *sql, const char *text, int64_t *id)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, sql, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, text, -1);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW)
        *id = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    return rc == TB_DB_ROW ? TB_OK : rc < 0 ? rc : TB_ERR_NOT_FOUND;
}

/* ---- organisations ------------------------------------------------------------------------ */

/* Org JSON from 7 columns starting at c0: code, name, level, kind, parent
 * code, address, phone. NULL when out of memory. */
static json_t *org_row_json(struct tb_db_stmt *s, int c0)
{
    return json_pack(
        "{s:s,s:s,s:I,s:s,s:s?,s:s,s:s}", "code", tb_db_column_text(s, c0), "name",
        tb_db_column_text(s, c0 + 1), "level", (json_int_t)tb_db_column_int64(s, c0 + 2), "kind",
        tb_db_column_text(s, c0 + 3), "parent", tb_db_column_text(s, c0 + 4), "address",
        tb_db_column_text(s, c0 + 5), "phone", tb_db_column_text(s, c0 + 6));
}

int org_id_by_code(struct tb_db_conn *c, const char *code, int64_t *id)
{
    return id_by_text(c, "SELECT id FROM orgs WHERE code = ?1", code, id);
}

int org_shape_by_code(struct tb_db_conn *c, const char *code, int64_t *id, struct org_shape *sh)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, "SELECT id, level, kind FROM orgs WHERE code = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, code, -1);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        *id = tb_db_column_int64(s, 0);
        sh->level = (int)tb_db_column_int64(s, 1);
        if (org_kind_parse(tb_db_column_text(s, 2), &sh->kind) < 0)
            rc = TB_ERR_INTERNAL; /* the table's CHECK allows only the three */
    }
    tb_db_stmt_done(s);
    return rc == TB_DB_ROW ? TB_OK : rc < 0 ? rc : TB_ERR_NOT_FOUND;
}

static int name_by(struct tb_db_conn *c, const char *sql, int64_t id, const char *code,
                   struct tb_arena *a, const char **name)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, sql, &s);
    if (rc < 0)
        return rc;
    if (code)
        tb_db_bind_text(s, 1, code, -1);
    else
        tb_db_bind_int64(s, 1, id);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        *name = tb_arena_strdup(a, tb_db_column_text(s, 0));
        rc = *name ? TB_OK : TB_ERR_NOMEM;
    } else if (rc == TB_DB_DONE) {
        rc = TB_ERR_NOT_FOUND;
    }
    tb_db_stmt_done(s);
    return rc;
}

int org_name_by_id(struct tb_db_conn *c, int64_t id, struct tb_arena *a, const char **name)
{
    return name_by(c, "SELECT name FROM orgs WHERE id = ?1", id, NULL, a, name);
}

int org_name_by_code(struct tb_db_conn *c, const char *code, struct tb_arena *a, const char **name)
{
    return name_by(c, "SELECT name FROM orgs WHERE code = ?1", 0, code, a, name);
}

int org_json_by_code(struct tb_db_conn *c, const char *code, json_t **out)
{
    struct tb_db_stmt *s = NULL;
    *out = NULL;
    int rc = tb_db_prepare(c,
                           "SELECT o.code, o.name, o.level, o.kind, p.code, o.address, o.phone "
                           "FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id WHERE o.code = ?1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, code, -1);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        *out = org_row_json(s, 0);
        rc = *out ? TB_OK : TB_ERR_NOMEM;
    } else if (rc == TB_DB_DONE) {
        rc = TB_ERR_NOT_FOUND;
    }
    tb_db_stmt_done(s);
    return rc;
}

/* Adds o (stolen) under its parent in the tree being built: index maps an id
 * to its node. Roots go to roots. */
static int tree_add(json_t *roots, json_t *index, int64_t id, int64_t parent_id, json_t *o)
{
    char key[24];
    if (json_object_set_new(o, "children", json_array()) < 0) {
        json_decref(o);
        return TB_ERR_NOMEM;
    }
    snprintf(key, sizeof(key), "%lld", (long long)id);
    if (json_object_set(index, key, o) < 0) {
        json_decref(o);
        return TB_ERR_NOMEM;
    }
    if (!parent_id)
        return json_array_append_new(roots, o) < 0 ? TB_ERR_NOMEM : TB_OK;
    snprintf(key, sizeof(key), "%lld", (long long)parent_id);
    json_t *parent = json_object_get(index, key);
    /* Depth order puts every parent first; a parent outside the answer
     * (there is none in a tree) leaves the node out. */
    if (!parent) {
        json_decref(o);
        return TB_OK;
    }
    return json_array_append_new(json_object_get(parent, "children"), o) < 0 ? TB_ERR_NOMEM : TB_OK;
}

int org_list_json(struct tb_db_conn *c, const struct org_filter *f, bool tree, json_t **out)
{
    static const char sql[] =
        "WITH RECURSIVE t(id, depth) AS ("
        "SELECT id, 0 FROM orgs WHERE parent_id IS NULL "
        "UNION ALL SELECT o.id, t.depth + 1 FROM orgs o JOIN t ON o.parent_id = t.id "
        "WHERE t.depth < ?5) "
        "SELECT o.id, o.parent_id, o.code, o.name, o.level, o.kind, p.code, o.address, o.phone "
        "FROM t JOIN orgs o ON o.id = t.id LEFT JOIN orgs p ON p.id = o.parent_id "
        "WHERE (?1 = 0 OR o.level = ?1) AND (?2 = '' OR o.kind = ?2) "
        "AND (?3 = '' OR p.code = ?3) ORDER BY t.depth, o.code LIMIT ?4";
    struct tb_db_stmt *s = NULL;
    json_t *list = json_array(), *index = json_object();
    int rc = list && index ? tb_db_prepare(c, sql, &s) : TB_ERR_NOMEM;
    *out = NULL;
    if (rc < 0)
        goto done;
    tb_db_bind_int64(s, 1, f ? f->level : 0);
    tb_db_bind_text(s, 2, f && f->kind ? f->kind : "", -1);
    tb_db_bind_text(s, 3, f && f->parent ? f->parent : "", -1);
    tb_db_bind_int64(s, 4, ORGS_MAX);
    tb_db_bind_int64(s, 5, ORG_DEPTH_MAX);
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        json_t *o = org_row_json(s, 2);
        if (!o) {
            rc = TB_ERR_NOMEM;
            break;
        }
        if (tree)
            rc = tree_add(list, index, tb_db_column_int64(s, 0), tb_db_column_int64(s, 1), o);
        else
            rc = json_array_append_new(list, o) < 0 ? TB_ERR_NOMEM : TB_OK;
        if (rc < 0)
            break;
    }
    tb_db_stmt_done(s);
done:
    json_decref(index);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return TB_OK;
}

static void bind_org(struct tb_db_stmt *s, const struct org_doc *d, int64_t parent_id,
                     int64_t now_ms)
{
    tb_db_bind_text(s, 1, d->code, -1);
    tb_db_bind_text(s, 2, d->name, -1);
    bind_id_or_null(s, 3, parent_id);
    tb_db_bind_int64(s, 4, d->shape.level);
    tb_db_bind_text(s, 5, org_kind_name(d->shape.kind), -1);
    tb_db_bind_text(s, 6, d->address, -1);
    tb_db_bind_text(s, 7, d->phone, -1);
    tb_db_bind_int64(s, 8, now_ms);
}

int org_insert(struct tb_db_conn *c, const struct org_doc *d, int64_t parent_id, int64_t now_ms)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c,
                           "INSERT INTO orgs(code, name, parent_id, level, kind, address, phone, "
                           "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                           &s);
    if (rc < 0)
        return rc;
    bind_org(s, d, parent_id, now_ms);
    return run(s);
}

int org_upsert(struct tb_db_conn *c, const struct org_doc *d, int64_t parent_id, int64_t now_ms)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(
        c,
        "INSERT INTO orgs(code, name, parent_id, level, kind, address, phone, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) ON CONFLICT(code) DO UPDATE SET "
        "name = excluded.name, parent_id = excluded.parent_id, level = excluded.level, "
        "kind = excluded.kind, address = excluded.address, phone = excluded.phone, "
        "updated_at = excluded.updated_at WHERE orgs.name <> excluded.name "
        "OR COALESCE(orgs.parent_id, 0) <> COALESCE(excluded.parent_id, 0) "
        "OR orgs.level <> excluded.level OR orgs.kind <> excluded.kind "
        "OR orgs.address <> excluded.address OR orgs.phone <> excluded.phone",
        &s);
    if (rc < 0)
        return rc;
    bind_org(s, d, parent_id, now_ms);
    return run(s);
}

/* Whether the statement (one parameter, the org id) finds a row. */
static int any_row(struct tb_db_conn *c, const char *sql, int64_t id, bool *found)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, sql, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, id);
    rc = tb_db_step(s);
    *found = rc == TB_DB_ROW;
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

int org_check_in_place(struct tb_db_conn *c, const char *code, const char *prefix,
                       struct item_problems *p)
{
    char path[ITEM_PROBLEM_PATH_MAX];
    struct org_shape sh;
    struct tb_db_stmt *s = NULL;
    int64_t id;
    bool found = false;
    int rc = org_shape_by_code(c, code, &id, &sh);
    if (rc < 0)
        return rc;
    rc = tb_db_prepare(c, "SELECT level, kind FROM orgs WHERE parent_id = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, id);
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        struct org_shape child = {(int)tb_db_column_int64(s, 0), ORG_REGION};
        org_kind_parse(tb_db_column_text(s, 1), &child.kind);
        found |= org_parent_check(child, &sh) != NULL;
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    snprintf(path, sizeof(path), "%s.level", prefix);
    if (found)
        item_problems_add(p, path, "breaks_children",
                          "修改后，数据库中已有的下级机构不再符合层级规则",
                          "After this change the organisations below it no longer fit the tree "
                          "rules");
    snprintf(path, sizeof(path), "%s.kind", prefix);
    if (sh.kind != ORG_REGION) {
        rc = any_row(c, "SELECT 1 FROM halls WHERE org_id = ?1 LIMIT 1", id, &found);
        if (rc == TB_OK && found)
            item_problems_add(p, path, "hall_org_not_region", "已有大厅属于此机构，它必须仍是区域",
                              "A hall belongs to this organisation, so it must stay a region");
    } else {
        rc = any_row(c, "SELECT 1 FROM windows WHERE dept_id = ?1 LIMIT 1", id, &found);
        if (rc == TB_OK && found)
            item_problems_add(p, path, "window_dept_region",
                              "已有部门窗口属于此机构，它必须仍是部门或行政审批局",
                              "A department window names this organisation, so it must stay a "
                              "department or bureau");
    }
    return rc;
}

int org_patch(struct tb_db_conn *c, const char *code, const json_t *patch, int64_t now_ms)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c,
                           "UPDATE orgs SET name = COALESCE(?2, name), address = COALESCE(?3, "
                           "address), phone = COALESCE(?4, phone), updated_at = ?5 WHERE code = ?1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, code, -1);
    tb_db_bind_text(s, 2, json_string_value(json_object_get(patch, "name")), -1);
    tb_db_bind_text(s, 3, json_string_value(json_object_get(patch, "address")), -1);
    tb_db_bind_text(s, 4, json_string_value(json_object_get(patch, "phone")), -1);
    tb_db_bind_int64(s, 5, now_ms);
    if ((rc = run(s)) < 0)
        return rc;
    return tb_db_changes(c) ? TB_OK : TB_ERR_NOT_FOUND;
}

/* ---- halls ------------------------------------------------------------------------------------
 */

int hall_id_by_code(struct tb_db_conn *c, const char *code, int64_t *id)
{
    return id_by_text(c, "SELECT id FROM halls WHERE code = ?1", code, id);
}

static json_t *hall_row_json(struct tb_db_stmt *s, int c0)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "code", tb_db_column_text(s, c0), "name",
                     tb_db_column_text(s, c0 + 1), "org", tb_db_column_text(s, c0 + 2), "address",
                     tb_db_column_text(s, c0 + 3), "phone", tb_db_column_text(s, c0 + 4), "hours",
                     tb_db_column_text(s, c0 + 5));
}

int hall_fields_json(struct tb_db_conn *c, int64_t hall_id, json_t **out)
{
    struct tb_db_stmt *s = NULL;
    *out = NULL;
    int rc = tb_db_prepare(c,
                           "SELECT h.code, h.name, o.code, h.address, h.phone, h.hours FROM halls "
                           "h JOIN orgs o ON o.id = h.org_id WHERE h.id = ?1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, hall_id);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        *out = hall_row_json(s, 0);
        rc = *out ? TB_OK : TB_ERR_NOMEM;
    } else if (rc == TB_DB_DONE) {
        rc = TB_ERR_NOT_FOUND;
    }
    tb_db_stmt_done(s);
    return rc;
}

/* The windows of a hall, in order, into o's "windows". */
static int hall_windows(struct tb_db_conn *c, int64_t hall_id, enum hall_form form, json_t *o)
{
    int64_t ids[WINDOWS_MAX];
    size_t n = 0;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(
        c, "SELECT id FROM windows WHERE hall_id = ?1 ORDER BY position, code LIMIT ?2", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, hall_id);
    tb_db_bind_int64(s, 2, WINDOWS_MAX);
    while (n < WINDOWS_MAX && (rc = tb_db_step(s)) == TB_DB_ROW)
        ids[n++] = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    if (!list || json_object_set_new(o, "windows", list) < 0)
        return TB_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        json_t *w;
        if ((rc = window_json(c, ids[i], form, &w)) < 0)
            return rc;
        if (json_array_append_new(list, w) < 0)
            return TB_ERR_NOMEM;
    }
    return TB_OK;
}

int hall_json(struct tb_db_conn *c, const char *code, enum hall_form form, json_t **out)
{
    int64_t *ids = calloc(HALLS_MAX, sizeof(*ids));
    size_t n = 0;
    struct tb_db_stmt *s = NULL;
    json_t *list = json_array();
    int rc = ids && list ? TB_OK : TB_ERR_NOMEM;
    *out = NULL;
    if (rc == TB_OK)
        rc = tb_db_prepare(c,
                           "SELECT h.id, h.code, h.name, o.code, h.address, h.phone, h.hours "
                           "FROM halls h JOIN orgs o ON o.id = h.org_id "
                           "WHERE (?1 = '' OR h.code = ?1) ORDER BY h.code LIMIT ?2",
                           &s);
    if (rc < 0)
        goto done;
    tb_db_bind_text(s, 1, code ? code : "", -1);
    tb_db_bind_int64(s, 2, HALLS_MAX);
    while (n < HALLS_MAX && (rc = tb_db_step(s)) == TB_DB_ROW) {
        json_t *h = hall_row_json(s, 1);
        if (!h || json_array_append_new(list, h) < 0) {
            rc = TB_ERR_NOMEM;
            break;
        }
        ids[n++] = tb_db_column_int64(s, 0);
    }
    tb_db_stmt_done(s);
    for (size_t i = 0; i < n && rc >= 0; i++)
        rc = hall_windows(c, ids[i], form, json_array_get(list, i));
    if (rc < 0)
        goto done;
    rc = TB_OK;
    if (!code) {
        *out = json_incref(list);
    } else if (n == 1) {
        *out = json_incref(json_array_get(list, 0));
    } else {
        rc = TB_ERR_NOT_FOUND;
    }
done:
    json_decref(list);
    free(ids);
    return rc;
}

static void bind_hall(struct tb_db_stmt *s, const struct hall_doc *d, int64_t org_id,
                      int64_t now_ms)
{
    tb_db_bind_text(s, 1, d->code, -1);
    tb_db_bind_text(s, 2, d->name, -1);
    tb_db_bind_int64(s, 3, org_id);
    tb_db_bind_text(s, 4, d->address, -1);
    tb_db_bind_text(s, 5, d->phone, -1);
    tb_db_bind_text(s, 6, d->hours, -1);
    tb_db_bind_int64(s, 7, now_ms);
}

int hall_insert(struct tb_db_conn *c, const struct hall_doc *d, int64_t org_id, int64_t now_ms)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c,
                           "INSERT INTO halls(code, name, org_id, address, phone, hours, "
                           "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                           &s);
    if (rc < 0)
        return rc;
    bind_hall(s, d, org_id, now_ms);
    return run(s);
}

int hall_upsert(struct tb_db_conn *c, const struct hall_doc *d, int64_t org_id, int64_t now_ms,
                int64_t *hall_id)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(
        c,
        "INSERT INTO halls(code, name, org_id, address, phone, hours, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) ON CONFLICT(code) DO UPDATE SET "
        "name = excluded.name, org_id = excluded.org_id, address = excluded.address, "
        "phone = excluded.phone, hours = excluded.hours, updated_at = excluded.updated_at "
        "WHERE halls.name <> excluded.name OR halls.org_id <> excluded.org_id "
        "OR halls.address <> excluded.address OR halls.phone <> excluded.phone "
        "OR halls.hours <> excluded.hours",
        &s);
    if (rc < 0)
        return rc;
    bind_hall(s, d, org_id, now_ms);
    if ((rc = run(s)) < 0)
        return rc;
    return hall_id_by_code(c, d->code, hall_id);
}

int hall_patch(struct tb_db_conn *c, const char *code, const json_t *patch, int64_t now_ms)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c,
                           "UPDATE halls SET name = COALESCE(?2, name), address = COALESCE(?3, "
                           "address), phone = COALESCE(?4, phone), hours = COALESCE(?5, hours), "
                           "updated_at = ?6 WHERE code = ?1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, code, -1);
    tb_db_bind_text(s, 2, json_string_value(json_object_get(patch, "name")), -1);
    tb_db_bind_text(s, 3, json_string_value(json_object_get(patch, "address")), -1);
    tb_db_bind_text(s, 4, json_string_value(json_object_get(patch, "phone")), -1);
    tb_db_bind_text(s, 5, json_string_value(json_object_get(patch, "hours")), -1);
    tb_db_bind_int64(s, 6, now_ms);
    if ((rc = run(s)) < 0)
        return rc;
    return tb_db_changes(c) ? TB_OK : TB_ERR_NOT_FOUND;
}

int hall_org_resolve(struct tb_db_conn *c, const char *code, const char *path, int64_t *org_id,
                     struct item_problems *p)
{
    struct org_shape sh;
    int64_t id;
    *org_id = 0;
    int rc = org_shape_by_code(c, code, &id, &sh);
    if (rc == TB_ERR_NOT_FOUND) {
        item_problems_add(p, path, "unknown_org", "没有这个机构", "No such organisation");
        return TB_OK;
    }
    if (rc < 0)
        return rc;
    /* RULE: docs/catalogue.md Halls and windows: a hall belongs to a region. */
    if (sh.kind != ORG_REGION)
        item_problems_add(p, path, "not_region", "大厅属于一个区域（市、区县、乡镇街道或村社区）",
                          "A hall belongs to a region, not to a department");
    else
        *org_id = id;
    return TB_OK;
}

/* ---- windows ------------------------------------------------------------------------------ */

int window_id_by_code(struct tb_db_conn *c, int64_t hall_id, const char *code, int64_t *id)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, "SELECT id FROM windows WHERE hall_id = ?1 AND code = ?2", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, hall_id);
    tb_db_bind_text(s, 2, code, -1);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW)
        *id = tb_db_column_int64(s, 0);
    tb_db_stmt_done(s);
    return rc == TB_DB_ROW ? TB_OK : rc < 0 ? rc : TB_ERR_NOT_FOUND;
}

/* The staff shown for a window, in form. */
static int window_staff_json(struct tb_db_conn *c, int64_t window_id, enum hall_form form,
                             json_t *list)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c,
                           "SELECT a.username, a.name FROM window_staff ws "
                           "JOIN accounts a ON a.id = ws.account_id WHERE ws.window_id = ?1 "
                           "AND a.kind = 'staff' AND a.status = 'active' AND (a.roles & ?2) <> 0 "
                           "ORDER BY ws.position, a.username LIMIT ?3",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, window_id);
    tb_db_bind_int64(s, 2, ROLE_WINDOW);
    tb_db_bind_int64(s, 3, WINDOW_STAFF_MAX);
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        const char *username = tb_db_column_text(s, 0), *name = tb_db_column_text(s, 1);
        json_t *v = form == HALL_EXPORT ? json_string(username)
                    : form == HALL_PUBLIC
                        ? json_pack("{s:s}", "name", name)
                        : json_pack("{s:s,s:s}", "username", username, "name", name);
        if (json_array_append_new(list, v) < 0) {
            rc = TB_ERR_NOMEM;
            break;
        }
    }
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

/* The items a window's letter names, in form. */
static int letter_items_json(struct tb_db_conn *c, int64_t window_id, enum hall_form form,
                             json_t *list)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c,
                           "SELECT i.impl_code, i.name FROM window_letter_items l "
                           "JOIN items i ON i.id = l.item_id WHERE l.window_id = ?1 "
                           "ORDER BY l.position, i.impl_code LIMIT ?2",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, window_id);
    tb_db_bind_int64(s, 2, LETTER_ITEMS_MAX);
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        const char *code = tb_db_column_text(s, 0), *name = tb_db_column_text(s, 1);
        json_t *v = form == HALL_EXPORT ? json_string(code)
                                        : json_pack("{s:s,s:s}", "impl_code", code, "name", name);
        if (json_array_append_new(list, v) < 0) {
            rc = TB_ERR_NOMEM;
            break;
        }
    }
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

int window_json(struct tb_db_conn *c, int64_t window_id, enum hall_form form, json_t **out)
{
    struct tb_db_stmt *s = NULL;
    json_t *o = NULL, *letter = NULL, *staff = json_array();
    *out = NULL;
    int rc = staff ? tb_db_prepare(c,
                                   "SELECT w.code, w.name, w.kind, w.theme, d.code, w.letter_text, "
                                   "w.letter_published_at FROM windows w "
                                   "LEFT JOIN orgs d ON d.id = w.dept_id WHERE w.id = ?1",
                                   &s)
                   : TB_ERR_NOMEM;
    if (rc < 0)
        goto fail;
    tb_db_bind_int64(s, 1, window_id);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        o = json_pack("{s:s,s:s,s:s,s:s?,s:s?}", "code", tb_db_column_text(s, 0), "name",
                      tb_db_column_text(s, 1), "kind", tb_db_column_text(s, 2), "theme",
                      tb_db_column_text(s, 3), "dept", tb_db_column_text(s, 4));
        if (tb_db_column_text(s, 5))
            letter = json_pack("{s:s,s:[],s:s?}", "text", tb_db_column_text(s, 5), "items",
                               "published_at", tb_db_column_text(s, 6));
        rc = o && (letter || tb_db_column_is_null(s, 5)) ? TB_OK : TB_ERR_NOMEM;
    } else if (rc == TB_DB_DONE) {
        rc = TB_ERR_NOT_FOUND;
    }
    tb_db_stmt_done(s);
    if (rc < 0 || (rc = window_staff_json(c, window_id, form, staff)) < 0)
        goto fail;
    if (letter &&
        (rc = letter_items_json(c, window_id, form, json_object_get(letter, "items"))) < 0)
        goto fail;
    if (json_object_set_new(o, "staff", staff) < 0) {
        staff = NULL;
        rc = TB_ERR_NOMEM;
        goto fail;
    }
    staff = NULL;
    if (json_object_set_new(o, "letter", letter ? letter : json_null()) < 0) {
        letter = NULL;
        rc = TB_ERR_NOMEM;
        goto fail;
    }
    *out = o;
    return TB_OK;
fail:
    json_decref(o);
    json_decref(letter);
    json_decref(staff);
    return rc;
}

/* prefix.what[i] (or what[i]) into out. */
static void element_path(char out[ITEM_PROBLEM_PATH_MAX], const char *prefix, const char *what,
                         size_t i)
{
    snprintf(out, ITEM_PROBLEM_PATH_MAX, "%s%s%s[%zu]", prefix, prefix[0] ? "." : "", what, i);
}

/* A message naming value (before value after) when there is an arena for
 * it, else the static fallback. */
static const char *naming(struct tb_arena *a, const char *before, const char *value,
                          const char *after, const char *fallback)
{
    const char *m = a ? tb_arena_printf(a, "%s%s%s", before, value, after) : NULL;
    return m ? m : fallback;
}

int window_resolve(struct tb_db_conn *c, const struct window_doc *d, const char *prefix,
                   struct tb_arena *a, struct window_refs *r, struct item_problems *p)
{
    char path[ITEM_PROBLEM_PATH_MAX];
    int rc = TB_OK;
    size_t i;
    const json_t *v;
    r->dept_id = 0;
    r->n_staff = r->n_items = 0;
    if (d->dept) {
        struct org_shape sh;
        int64_t id;
        snprintf(path, sizeof(path), "%s%sdept", prefix, prefix[0] ? "." : "");
        rc = org_shape_by_code(c, d->dept, &id, &sh);
        if (rc == TB_ERR_NOT_FOUND)
            item_problems_add(p, path, "unknown_org", "没有这个机构", "No such organisation");
        else if (rc == TB_OK && sh.kind == ORG_REGION)
            item_problems_add(p, path, "not_department", "部门窗口应属于部门或行政审批局，不是区域",
                              "A department window belongs to a department or bureau, not a "
                              "region");
        else if (rc == TB_OK)
            r->dept_id = id;
        else
            return rc;
    }
    /* RULE: docs/catalogue.md Halls and windows: a window's staff are
     * active staff accounts holding the window role. */
    json_array_foreach((json_t *)d->staff, i, v)
    {
        int64_t id = 0;
        struct tb_db_stmt *s = NULL;
        if (i >= WINDOW_STAFF_MAX)
            break;
        if ((rc = tb_db_prepare(c,
                                "SELECT id FROM accounts WHERE username = ?1 AND kind = 'staff' "
                                "AND status = 'active' AND (roles & ?2) <> 0",
                                &s)) < 0)
            return rc;
        tb_db_bind_text(s, 1, json_string_value(v), -1);
        tb_db_bind_int64(s, 2, ROLE_WINDOW);
        rc = tb_db_step(s);
        if (rc == TB_DB_ROW)
            id = tb_db_column_int64(s, 0);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
        element_path(path, prefix, "staff", i);
        if (id)
            r->staff_ids[r->n_staff++] = id;
        else
            item_problems_add(p, path, "not_window_staff",
                              naming(a, "", json_string_value(v),
                                     " 不是启用的、具有窗口角色的工作人员账号",
                                     "不是启用的、具有窗口角色的工作人员账号"),
                              naming(a, "", json_string_value(v),
                                     " is not an active staff account with the window role",
                                     "Not an active staff account with the window role"));
    }
    json_array_foreach((json_t *)d->letter_items, i, v)
    {
        int64_t id = 0;
        if (i >= LETTER_ITEMS_MAX)
            break;
        rc = id_by_text(c, "SELECT id FROM items WHERE impl_code = ?1", json_string_value(v), &id);
        if (rc < 0 && rc != TB_ERR_NOT_FOUND)
            return rc;
        element_path(path, prefix, "letter.items", i);
        if (rc == TB_OK)
            r->item_ids[r->n_items++] = id;
        else
            item_problems_add(p, path, "unknown_item",
                              naming(a, "没有实施编码为 ", json_string_value(v), " 的事项",
                                     "没有这个实施编码的事项"),
                              naming(a, "No item has the implementation code ",
                                     json_string_value(v), "",
                                     "No item has this implementation code"));
    }
    return TB_OK;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Whether the stored letter items of window_id are the set ids[0..n). */
static int same_items(struct tb_db_conn *c, int64_t window_id, const int64_t *ids, size_t n,
                      bool *same)
{
    int64_t sorted[LETTER_ITEMS_MAX];
    struct tb_db_stmt *s = NULL;
    size_t k = 0;
    memcpy(sorted, ids, n * sizeof(*ids));
    qsort(sorted, n, sizeof(*sorted), cmp_id);
    int rc = tb_db_prepare(c,
                           "SELECT item_id FROM window_letter_items WHERE window_id = ?1 "
                           "ORDER BY item_id LIMIT ?2",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, window_id);
    tb_db_bind_int64(s, 2, LETTER_ITEMS_MAX + 1);
    *same = true;
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        if (k >= n || tb_db_column_int64(s, 0) != sorted[k])
            *same = false;
        k++;
    }
    tb_db_stmt_done(s);
    if (k != n)
        *same = false;
    return rc < 0 ? rc : TB_OK;
}

/* Replaces the rows of a window's list table: DELETE, then one INSERT per id
 * with its position. */
static int replace_list(struct tb_db_conn *c, const char *del, const char *ins, int64_t window_id,
                        const int64_t *ids, size_t n)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, del, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, window_id);
    if ((rc = run(s)) < 0)
        return rc;
    for (size_t i = 0; i < n && rc == TB_OK; i++) {
        if ((rc = tb_db_prepare(c, ins, &s)) < 0)
            return rc;
        tb_db_bind_int64(s, 1, window_id);
        tb_db_bind_int64(s, 2, ids[i]);
        tb_db_bind_int64(s, 3, (int64_t)i);
        rc = run(s);
    }
    return rc;
}

/* What is stored for (hall, code) now. */
struct window_now {
    int64_t id; /* 0: none */
    bool same_text;
    char published_at[16];
};

static int window_now(struct tb_db_conn *c, const struct window_save *w, struct window_now *now)
{
    struct tb_db_stmt *s = NULL;
    memset(now, 0, sizeof(*now));
    int rc = tb_db_prepare(c,
                           "SELECT id, letter_text IS NOT NULL AND letter_text = ?3, "
                           "letter_published_at FROM windows WHERE hall_id = ?1 AND code = ?2",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, w->hall_id);
    tb_db_bind_text(s, 2, w->doc->code, -1);
    tb_db_bind_text(s, 3, w->doc->has_letter ? w->doc->letter_text : NULL, -1);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        const char *pub = tb_db_column_text(s, 2);
        now->id = tb_db_column_int64(s, 0);
        now->same_text = tb_db_column_int64(s, 1) == 1;
        snprintf(now->published_at, sizeof(now->published_at), "%s", pub ? pub : "");
    }
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

int window_save(struct tb_db_conn *c, struct window_save *w)
{
    const struct window_doc *d = w->doc;
    const struct window_refs *r = w->refs;
    struct window_now old;
    struct tb_db_stmt *s = NULL;
    char today[40];
    const char *published = NULL;
    int rc = window_now(c, w, &old);
    if (rc < 0)
        return rc;
    if (w->must_exist && !old.id)
        return TB_ERR_NOT_FOUND;
    if (w->must_be_new && old.id)
        return TB_ERR_CONFLICT;
    if (d->has_letter) {
        /* RULE: docs/catalogue.md Halls and windows: a letter whose text or
         * items change is published again, dated today (Beijing). */
        bool same = false;
        if (old.id && old.same_text && old.published_at[0] &&
            (rc = same_items(c, old.id, r->item_ids, r->n_items, &same)) < 0)
            return rc;
        int y, m, dd;
        tb_time_shanghai_date(w->now_ms, &y, &m, &dd);
        snprintf(today, sizeof(today), "%04d-%02d-%02d", y, m, dd);
        published = d->published_at ? d->published_at : same ? old.published_at : today;
    }
    if (old.id)
        rc = tb_db_prepare(c,
                           "UPDATE windows SET name = ?2, kind = ?3, theme = ?4, dept_id = ?5, "
                           "letter_text = ?6, letter_published_at = ?7, "
                           "position = COALESCE(?8, position), updated_at = ?9 WHERE id = ?1",
                           &s);
    else
        rc = tb_db_prepare(c,
                           "INSERT INTO windows(hall_id, code, name, kind, theme, dept_id, "
                           "letter_text, letter_published_at, position, created_at, updated_at) "
                           "VALUES (?1, ?10, ?2, ?3, ?4, ?5, ?6, ?7, COALESCE(?8, (SELECT "
                           "COALESCE(MAX(position) + 1, 0) FROM windows WHERE hall_id = ?1)), "
                           "?9, ?9)",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, old.id ? old.id : w->hall_id);
    tb_db_bind_text(s, 2, d->name, -1);
    tb_db_bind_text(s, 3, window_kind_name(d->kind), -1);
    tb_db_bind_text(s, 4, d->theme, -1);
    bind_id_or_null(s, 5, r->dept_id);
    tb_db_bind_text(s, 6, d->has_letter ? d->letter_text : NULL, -1);
    tb_db_bind_text(s, 7, published, -1);
    if (w->position >= 0)
        tb_db_bind_int64(s, 8, w->position);
    else
        tb_db_bind_null(s, 8);
    tb_db_bind_int64(s, 9, w->now_ms);
    if (!old.id)
        tb_db_bind_text(s, 10, d->code, -1);
    if ((rc = run(s)) < 0)
        return rc;
    w->window_id = old.id ? old.id : tb_db_last_insert_id(c);
    rc = replace_list(c, "DELETE FROM window_staff WHERE window_id = ?1",
                      "INSERT INTO window_staff(window_id, account_id, position) "
                      "VALUES (?1, ?2, ?3)",
                      w->window_id, r->staff_ids, r->n_staff);
    if (rc < 0)
        return rc;
    return replace_list(c, "DELETE FROM window_letter_items WHERE window_id = ?1",
                        "INSERT INTO window_letter_items(window_id, item_id, position) "
                        "VALUES (?1, ?2, ?3)",
                        w->window_id, r->item_ids, r->n_items);
}
