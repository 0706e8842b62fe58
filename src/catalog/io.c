/*
 * io.c - the whole catalogue as one JSON file: organisations, the proof and
 * intermediary lists, items and halls (docs/catalogue.md, "Import and
 * export").
 *
 * Import runs in one write: everything is checked while it is written and
 * any fault rolls the whole file back, so a file is taken entirely or not
 * at all, and the faults are all reported with their item and field.
 * Export writes every list in a fixed order with canonical item documents,
 * so export -> import into an empty database -> export gives the same bytes.
 */
#include "catalog/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "audit/audit.h"
#include "catalog/store.h"
#include "lib/arena.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "org/org.h"

#define FORMAT_NAME    "tongban-catalogue"
#define FORMAT_VERSION 1
#define ITEM_FAULTS    64

struct import_job {
    const struct audit_keys *audit;
    const json_t *root;
    struct item_problems *p;
    struct catalog_import_stats *st;
};

static void add_prefixed(struct item_problems *p, size_t i, const struct item_problems *q)
{
    size_t kept = q->n < q->cap ? q->n : q->cap;
    for (size_t k = 0; k < kept; k++) {
        char path[ITEM_PROBLEM_PATH_MAX];
        if (snprintf(path, sizeof(path), "items[%zu]%s%s", i, q->out[k].path[0] ? "." : "",
                     q->out[k].path) >= (int)sizeof(path))
            path[sizeof(path) - 1] = '\0';
        item_problems_add(p, path, q->out[k].code, q->out[k].message_zh, q->out[k].message_en);
    }
    if (q->n > kept)
        p->n += q->n - kept;
}

static int import_items(struct tb_db_conn *c, struct import_job *j, int64_t now)
{
    const json_t *items = json_object_get(j->root, "items");
    if (items && !json_is_array(items)) {
        item_problems_add(j->p, "items", "wrong_type", "应为数组", "Must be an array");
        return TB_OK;
    }
    struct tb_arena a;
    tb_arena_init(&a, 64 * 1024);
    struct proof_list proofs;
    int rc = catalog_proofs_load(c, &a, &proofs);
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e)
    {
        if (rc < 0)
            break;
        struct item_problem found[ITEM_FAULTS];
        struct item_problems q = {found, ITEM_FAULTS, 0};
        const char *status = json_string_value(json_object_get(e, "status"));
        if (!json_is_object(e)) {
            item_problems_add(&q, "", "not_object", "事项须为 JSON 对象",
                              "The item must be a JSON object");
            add_prefixed(j->p, i, &q);
            continue;
        }
        if (!item_status_known(status))
            item_problems_add(&q, "status", "unknown_code",
                              "状态应为 draft、published、suspended 或 cancelled",
                              "status is draft, published, suspended or cancelled");
        json_t *doc = json_deep_copy(e);
        if (!doc) {
            rc = TB_ERR_NOMEM;
            break;
        }
        json_object_del(doc, "status");
        struct item_doc d;
        rc = item_doc_read(doc, &proofs, &a, &d, &q);
        json_decref(doc);
        if (rc == TB_OK && q.n == 0) {
            struct item_write w = {.doc = &d,
                                   .reason = "导入",
                                   .author_name = "目录导入",
                                   .import = true,
                                   .publish = status && strcmp(status, "draft") != 0,
                                   .status = status,
                                   .now_ms = now,
                                   .problems = &q};
            rc = catalog_item_write(c, &w);
            if (rc == TB_OK && !w.unchanged)
                j->st->items_written++;
            json_decref(w.changed);
        }
        json_decref(d.canon);
        if (rc == TB_ERR_INVALID || q.n)
            rc = TB_OK;
        add_prefixed(j->p, i, &q);
        j->st->items++;
    }
    tb_arena_free(&a);
    return rc;
}

static int write_import(struct tb_db_conn *c, void *ctx)
{
    struct import_job *j = ctx;
    const json_t *root = j->root;
    int64_t now = tb_time_now_ms();
    static const char *const keys[] = {"format",         "version", "orgs",  "proofs",
                                       "intermediaries", "items",   "halls", NULL};
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)root, key, v)
    {
        bool known = false;
        for (const char *const *k = keys; *k && !known; k++)
            known = strcmp(*k, key) == 0;
        if (!known) {
            char path[ITEM_PROBLEM_PATH_MAX];
            snprintf(path, sizeof(path), "%.40s", key);
            item_problems_add(j->p, path, "unknown_field", "不认识的字段", "Unknown field");
        }
    }
    const char *format = json_string_value(json_object_get(root, "format"));
    if (!format || strcmp(format, FORMAT_NAME) != 0)
        item_problems_add(j->p, "format", "wrong_format", "不是 tongban 事项目录文件",
                          "Not a tongban catalogue file");
    if (json_integer_value(json_object_get(root, "version")) != FORMAT_VERSION)
        item_problems_add(j->p, "version", "wrong_version", "文件格式版本应为 1",
                          "The file format version must be 1");
    if (j->p->n)
        return TB_ERR_INVALID;

    int rc;
    const json_t *orgs = json_object_get(root, "orgs");
    if (orgs && (rc = org_import(c, orgs, now, j->p)) < 0 && rc != TB_ERR_INVALID)
        return rc;
    if ((rc = catalog_proofs_import(c, json_object_get(root, "proofs"), now, j->p)) < 0 &&
        rc != TB_ERR_INVALID)
        return rc;
    if ((rc = catalog_intermediaries_import(c, json_object_get(root, "intermediaries"), now,
                                            j->p)) < 0 &&
        rc != TB_ERR_INVALID)
        return rc;
    /* Items are checked even after faults in the lists (whose good entries
     * are in place by now), so one run reports everything. */
    if ((rc = import_items(c, j, now)) < 0)
        return rc;
    const json_t *halls = json_object_get(root, "halls");
    if (halls && (rc = hall_import(c, halls, now, j->p)) < 0 && rc != TB_ERR_INVALID)
        return rc;
    if (j->p->n)
        return TB_ERR_INVALID;

    j->st->orgs = json_array_size(orgs);
    j->st->halls = json_array_size(halls);
    struct audit_event e = {0};
    char after[128];
    snprintf(after, sizeof(after),
             "{\"items\":%zu,\"items_written\":%zu,\"orgs\":%zu,\"halls\":%zu}", j->st->items,
             j->st->items_written, j->st->orgs, j->st->halls);
    e.actor_role = "system";
    e.action = "catalog.import";
    e.object_type = "catalog";
    e.object_id = "catalog";
    e.result = "ok";
    e.after_json = after;
    return audit_append(c, j->audit, &e, NULL);
}

int catalog_import(struct tb_db *db, const struct audit_keys *audit, const char *text, size_t len,
                   struct item_problems *p, struct catalog_import_stats *st)
{
    memset(st, 0, sizeof(*st));
    json_t *root = NULL;
    struct tb_json_error je;
    int rc = tb_json_parse(text, len, TB_JSON_MAX_DEPTH_DEFAULT, &root, &je);
    if (rc < 0) {
        char path[ITEM_PROBLEM_PATH_MAX];
        snprintf(path, sizeof(path), "line %d column %d", je.line, je.column);
        item_problems_add(p, path, "bad_json", "不是有效的 JSON", "Not valid JSON");
        return TB_ERR_INVALID;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        item_problems_add(p, "", "wrong_type", "文件应为 JSON 对象", "The file must be an object");
        return TB_ERR_INVALID;
    }
    struct import_job j = {audit, root, p, st};
    rc = tb_db_write(db, write_import, &j);
    json_decref(root);
    if (rc == TB_ERR_INVALID && p->n == 0)
        item_problems_add(p, "", "invalid", "导入被拒绝", "The import was refused");
    return rc;
}

int catalog_export(struct tb_db *db, char **out)
{
    struct tb_db_conn *c;
    int rc = tb_db_read_conn(db, &c);
    if (rc < 0)
        return rc;
    json_t *orgs = NULL, *proofs = NULL, *inter = NULL, *items = NULL, *halls = NULL;
    if ((rc = org_export(c, &orgs)) == TB_OK && (rc = catalog_proofs_json(c, &proofs)) == TB_OK &&
        (rc = catalog_intermediaries_json(c, &inter)) == TB_OK &&
        (rc = catalog_items_export(c, &items)) == TB_OK)
        rc = hall_export(c, &halls);
    json_t *root = NULL;
    if (rc == TB_OK) {
        json_t *list = json_object_get(inter, "intermediaries");
        size_t i;
        for (i = 0; i < json_array_size(list); i++) /* the items are computed, not data */
            json_object_del(json_array_get(list, i), "items");
        root = json_pack("{s:s,s:i,s:O,s:O,s:O,s:O,s:O}", "format", FORMAT_NAME, "version",
                         FORMAT_VERSION, "orgs", orgs, "proofs", json_object_get(proofs, "proofs"),
                         "intermediaries", list, "items", items, "halls", halls);
        if (!root)
            rc = TB_ERR_NOMEM;
    }
    json_decref(orgs);
    json_decref(proofs);
    json_decref(inter);
    json_decref(items);
    json_decref(halls);
    if (rc < 0)
        return rc;
    *out = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return *out ? TB_OK : TB_ERR_NOMEM;
}
