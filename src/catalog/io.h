/*
 * io.h - import and export of the whole catalogue file (docs/catalogue.md).
 */
#ifndef TB_CATALOG_IO_H
#define TB_CATALOG_IO_H

#include <stddef.h>

#include "catalog/catalog.h"

struct tb_db;
struct audit_keys;

struct catalog_import_stats {
    size_t orgs, halls, items, items_written;
};

/* Imports the file text in one write, audited as catalog.import. On
 * TB_ERR_INVALID nothing was written and p lists every fault with its path
 * ("items[3].materials[1].name"). */
int catalog_import(struct tb_db *db, const struct audit_keys *audit, const char *text, size_t len,
                   struct item_problems *p, struct catalog_import_stats *st);

/* The whole catalogue as JSON text (malloc'd; the caller frees). */
int catalog_export(struct tb_db *db, char **out);

#endif
