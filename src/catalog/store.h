/*
 * store.h - the catalogue in the database: item versions, the columns the
 * public lists filter on, the search index, proofs and intermediaries.
 * Used by the catalogue's API and import/export; other features ask through
 * catalog.h.
 */
#ifndef TB_CATALOG_STORE_H
#define TB_CATALOG_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "catalog/catalog.h"

struct tb_db_conn;
struct tb_arena;

#define ITEMS_PAGE_MAX     100
#define ITEMS_PAGE_DEFAULT 20
#define SEARCH_TERMS_MAX   4

/* The proof list (证明事项清单) from the database, in the arena. */
int catalog_proofs_load(struct tb_db_conn *c, struct tb_arena *a, struct proof_list *out);

/* One write of an item document, inside tb_db_write (or an import). */
struct item_write {
    struct item_doc *doc; /* read and valid */
    const char *url_code; /* PUT: must equal the document's impl_code; NULL to create */
    const char *reason;
    int64_t author_id; /* 0 for the command line */
    const char *author_name;
    bool publish;
    bool import;        /* create or update, publish when different, keep equal ones */
    const char *status; /* import: the item's status from the file */
    int64_t now_ms;
    struct item_problems *problems;
    /* out */
    int64_t item_id;
    int version;
    bool unchanged;  /* import: the document equals the current version */
    json_t *changed; /* owned by the caller when set */
};

/* TB_OK; TB_ERR_NOT_FOUND (no such item to update); TB_ERR_CONFLICT (the
 * code exists on create); TB_ERR_INVALID (problems reported); db errors. */
int catalog_item_write(struct tb_db_conn *c, struct item_write *w);

/* Reports the org and intermediaries of a raw item document (one refused
 * for other faults) that are not in the database, so that every fault is
 * reported at once. */
int catalog_item_references_check(struct tb_db_conn *c, const json_t *item,
                                  struct item_problems *p);

/* Status change: published <-> suspended, any -> cancelled (final).
 * TB_ERR_NOT_FOUND, TB_ERR_CONFLICT (not allowed from the current status). */
int catalog_item_set_status(struct tb_db_conn *c, const char *code, const char *status,
                            int64_t now_ms, char *old_status, size_t cap);

/* 划转: the deciding organisation becomes to_code; a new published version
 * records it and the history row keeps from, to, who and why.
 * TB_ERR_NOT_FOUND (item), TB_ERR_INVALID (*bad: "to" unknown or the same). */
int catalog_item_transfer(struct tb_db_conn *c, const char *code, const char *to_code,
                          const char *reason, int64_t by_id, const char *by_name, int64_t now_ms,
                          int *version);

/* Filters of GET /api/v1/items (all optional). */
enum item_list {
    LIST_ALL,
    LIST_ZUIDUO_PAOYICI,
    LIST_QUANCHENG_WANGBAN,
    LIST_WANGSHANG,
    LIST_MASHANG,
    LIST_JIUJIN,
    LIST_YICI,
    LIST_JIBAN
};

struct item_query {
    const char *dept; /* org code: that org and everything below it */
    unsigned audience;
    const char *topic;
    unsigned levels;
    const char *type;
    enum item_list list;
    const char *q;
    int page, per_page;
};

/* Parses a list name ("zuiduo_paoyici"); TB_ERR_INVALID when unknown. */
int item_list_parse(const char *s, enum item_list *out);

/* Runs q; *out = {"items":[Summary],"total","page","per_page"}. */
int catalog_items_query(struct tb_db_conn *c, const struct item_query *q, json_t **out);

/* The guide of an item: the current published version, or version n (n > 0)
 * of any status when drafts is true. *out = {"item","version","status",...}.
 * TB_ERR_NOT_FOUND when there is none the caller may see. */
int catalog_item_get(struct tb_db_conn *c, const char *code, int n, bool drafts, json_t **out);

/* {"versions":[...]} newest first; drafts listed only when drafts is true. */
int catalog_item_versions(struct tb_db_conn *c, const char *code, bool drafts, json_t **out);
int catalog_item_transfers(struct tb_db_conn *c, const char *code, json_t **out);

int catalog_kpis(struct tb_db_conn *c, json_t **out);
int catalog_topics(struct tb_db_conn *c, json_t **out);
int catalog_proofs_json(struct tb_db_conn *c, json_t **out);
int catalog_intermediaries_json(struct tb_db_conn *c, json_t **out);
json_t *catalog_codes_json(void);

/* Import/export of the proof and intermediary lists (inside a write). */
int catalog_proofs_import(struct tb_db_conn *c, const json_t *list, int64_t now_ms,
                          struct item_problems *p);
int catalog_intermediaries_import(struct tb_db_conn *c, const json_t *list, int64_t now_ms,
                                  struct item_problems *p);
/* Every item's current document plus "status", by impl_code. */
int catalog_items_export(struct tb_db_conn *c, json_t **out);

#endif
