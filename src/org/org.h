/*
 * org.h - organisations, service halls and their windows (docs/catalogue.md,
 * "Organisations" and "Halls and windows"; SPEC §1).
 *
 * The organisation tree has four levels (1 市, 2 区/县, 3 乡镇/街道,
 * 4 村/社区). A region is a level of government; a department or a bureau
 * (行政审批局) belongs to the region of its own level. A hall belongs to a
 * region and has windows: comprehensive (综合窗口), themed (主题窗口) or one
 * department's; each window has its staff (window-role accounts) and may
 * have an authorisation letter (授权通知书) naming the items it decides
 * directly.
 *
 * Three files: io.c reads and checks the JSON documents (API bodies and the
 * import file share one reader, so both refuse the same things) and holds
 * import/export; store.c is the SQL; api.c the HTTP handlers. Other features
 * use only the import/export and lookup functions at the end of this file.
 */
#ifndef TB_ORG_H
#define TB_ORG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "lib/http.h"

struct tb_arena;
struct tb_db_conn;

/* ---- limits (STYLE.md 8) ------------------------------------------------------------ */

#define ORG_CODE_MAX        64    /* characters of [A-Za-z0-9_-]: org and hall codes */
#define ORG_NAME_MAX        100   /* characters: org, hall and window names */
#define ORG_ADDRESS_MAX     200   /* characters */
#define ORG_PHONE_MAX       40    /* characters */
#define ORG_LEVEL_MAX       4     /* 村/社区 */
#define HALL_HOURS_MAX      200   /* characters of opening hours text */
#define WINDOW_CODE_MAX     32    /* characters of [A-Za-z0-9_-] */
#define WINDOW_THEME_MAX    50    /* characters: 投资项目, 交通, 不动产 ... */
#define WINDOW_STAFF_MAX    50    /* accounts at one window */
#define WINDOW_USERNAME_MAX 64    /* characters of a staff user name as sent */
#define LETTER_TEXT_MAX     4000  /* characters of an authorisation letter */
#define LETTER_ITEMS_MAX    200   /* items one letter names */
#define LETTER_IMPL_MAX     36    /* characters of an implementation code (实施编码) */
#define ORGS_MAX            10000 /* organisations one answer or export holds */
#define HALLS_MAX           1000  /* halls one answer or export holds */
#define WINDOWS_MAX         500   /* windows of one hall */
#define ORG_PROBLEMS_MAX    64    /* problems one API answer lists */

/* ---- rules (io.c, pure) ------------------------------------------------------------- */

enum org_kind { ORG_REGION, ORG_DEPARTMENT, ORG_BUREAU };

/* What the tree rules look at. */
struct org_shape {
    int level; /* 1..ORG_LEVEL_MAX */
    enum org_kind kind;
};

/* A broken rule: a stable code and a message in both languages (static). */
struct org_fault {
    const char *code;
    const char *zh;
    const char *en;
};

/* "region", "department", "bureau" <-> enum; TB_ERR_INVALID when unknown. */
const char *org_kind_name(enum org_kind k);
int org_kind_parse(const char *s, enum org_kind *out);

/* True when s is 1..max characters of [A-Za-z0-9_-]. */
bool org_code_ok(const char *s, size_t max);

/* Whether an organisation of shape o may have parent (NULL: none). NULL when
 * it may, else the rule it breaks (static). */
const struct org_fault *org_parent_check(struct org_shape o, const struct org_shape *parent);

/* ---- documents (io.c) ----------------------------------------------------------------
 * Each reader checks one JSON value against its field table and reports every
 * problem to p, paths prefixed with prefix ("" for an API body, "orgs[3]" in
 * an import file). Strings are borrowed from the JSON value. TB_OK, or
 * TB_ERR_INVALID when it reported problems. */

struct org_doc {
    const char *code, *name, *parent, *address, *phone; /* parent NULL for a root */
    struct org_shape shape;
};
int org_doc_read(const json_t *in, const char *prefix, struct org_doc *d, struct item_problems *p);

struct hall_doc {
    const char *code, *name, *org, *address, *phone, *hours;
    const json_t *windows; /* import only: an array (empty when absent) */
};
/* with_windows: the import form (a "windows" array); the API refuses it. */
int hall_doc_read(const json_t *in, const char *prefix, bool with_windows, struct hall_doc *d,
                  struct item_problems *p);

enum window_kind { WINDOW_COMPREHENSIVE, WINDOW_THEMED, WINDOW_DEPARTMENT };

struct window_doc {
    const char *code, *name;
    enum window_kind kind;
    const char *theme, *dept; /* NULL when none */
    const json_t *staff;      /* array of user names (checked); empty when absent */
    bool has_letter;
    const char *letter_text;
    const json_t *letter_items; /* array of impl codes (checked) */
    const char *published_at;   /* import only; NULL: today when the letter changed */
};
/* import: the letter may carry published_at. url_code (PUT): the code from
 * the URL; "code" may then be left out and must otherwise equal it. */
int window_doc_read(const json_t *in, const char *prefix, bool import, const char *url_code,
                    struct window_doc *d, struct item_problems *p);

/* PATCH bodies: only the keys in allowed (NULL-terminated), each a text field
 * (name 1..ORG_NAME_MAX, address, phone, hours); at least one. */
int org_patch_read(const json_t *in, const char *const *allowed, struct item_problems *p);

const char *window_kind_name(enum window_kind k);

/* ---- store (store.c) ------------------------------------------------------------------ */

/* The id and shape of the org with code: TB_OK, TB_ERR_NOT_FOUND, db error. */
int org_shape_by_code(struct tb_db_conn *c, const char *code, int64_t *id, struct org_shape *s);

/* Org JSON {"code","name","level","kind","parent","address","phone"} of one
 * code (*out a new reference): TB_OK, TB_ERR_NOT_FOUND, db error. */
int org_json_by_code(struct tb_db_conn *c, const char *code, json_t **out);

/* Filters of the list view; 0/NULL for none. */
struct org_filter {
    int level;
    const char *kind;
    const char *parent;
};
/* Every organisation, parents before children ((depth, code) order), as a
 * flat array (f applied) or, when tree, as roots with "children" (f must be
 * NULL). *out is a new reference. */
int org_list_json(struct tb_db_conn *c, const struct org_filter *f, bool tree, json_t **out);

/* Insert (TB_ERR_CONFLICT when the code exists) or upsert by code. */
int org_insert(struct tb_db_conn *c, const struct org_doc *d, int64_t parent_id, int64_t now_ms);
int org_upsert(struct tb_db_conn *c, const struct org_doc *d, int64_t parent_id, int64_t now_ms);
/* After an import changed the org with code (reported at prefix): its
 * children still fit the tree rules, a hall's org is still a region, a
 * window's department is still a department or bureau. Faults go to p. */
int org_check_in_place(struct tb_db_conn *c, const char *code, const char *prefix,
                       struct item_problems *p);
/* Sets the text fields present in patch (name, address, phone): TB_OK or
 * TB_ERR_NOT_FOUND. */
int org_patch(struct tb_db_conn *c, const char *code, const json_t *patch, int64_t now_ms);

/* How a hall or window is shown: public (staff names only), to the
 * administrator (user names and names) or in the import/export file (user
 * names, letter items as impl codes). */
enum hall_form { HALL_PUBLIC, HALL_ADMIN, HALL_EXPORT };

int hall_id_by_code(struct tb_db_conn *c, const char *code, int64_t *id);
/* One hall (code) or all (code NULL, by code) with their windows; *out is the
 * Hall object, or the array of them. TB_ERR_NOT_FOUND for an unknown code. */
int hall_json(struct tb_db_conn *c, const char *code, enum hall_form form, json_t **out);
/* The hall without its windows (audit before/after). */
int hall_fields_json(struct tb_db_conn *c, int64_t hall_id, json_t **out);
int hall_insert(struct tb_db_conn *c, const struct hall_doc *d, int64_t org_id, int64_t now_ms);
int hall_upsert(struct tb_db_conn *c, const struct hall_doc *d, int64_t org_id, int64_t now_ms,
                int64_t *hall_id);
/* Sets the text fields present in patch (name, address, phone, hours). */
int hall_patch(struct tb_db_conn *c, const char *code, const json_t *patch, int64_t now_ms);

/* The org a hall may belong to (a region): its id, or a problem at path. */
int hall_org_resolve(struct tb_db_conn *c, const char *code, const char *path, int64_t *org_id,
                     struct item_problems *p);

/* A window's references resolved to ids. */
struct window_refs {
    int64_t dept_id; /* 0: none */
    size_t n_staff, n_items;
    int64_t staff_ids[WINDOW_STAFF_MAX];
    int64_t item_ids[LETTER_ITEMS_MAX];
};
/* Resolves dept (a department or bureau), staff (active staff accounts with
 * the window role) and letter items (existing items), reporting each one
 * that fails to p. a (may be NULL) lets the messages name the value; without
 * it they are static and the path says which. */
int window_resolve(struct tb_db_conn *c, const struct window_doc *d, const char *prefix,
                   struct tb_arena *a, struct window_refs *r, struct item_problems *p);

/* One window written to a hall. */
struct window_save {
    int64_t hall_id;
    const struct window_doc *doc;
    const struct window_refs *refs;
    int position;     /* < 0: after the others when new, unchanged otherwise */
    bool must_exist;  /* PUT: TB_ERR_NOT_FOUND when there is none */
    bool must_be_new; /* POST: TB_ERR_CONFLICT when there is one */
    int64_t now_ms;
    int64_t window_id; /* out */
};
/* Creates or replaces the window (hall_id, doc->code): its fields, its staff
 * and its letter items. The letter's published_at is doc->published_at when
 * given, the stored date when text and items are unchanged, else today
 * (Beijing). */
int window_save(struct tb_db_conn *c, struct window_save *w);

/* The window (hall, code): its id (TB_ERR_NOT_FOUND when none). */
int window_id_by_code(struct tb_db_conn *c, int64_t hall_id, const char *code, int64_t *id);
/* One window in form. */
int window_json(struct tb_db_conn *c, int64_t window_id, enum hall_form form, json_t **out);

/* ---- for other features: lookups, import and export ------------------------------------- */

/* The org id for a code: TB_OK, TB_ERR_NOT_FOUND, or a db error. */
int org_id_by_code(struct tb_db_conn *c, const char *code, int64_t *id);
/* The name of an org, by id or by code, copied into a: TB_OK, TB_ERR_NOT_FOUND,
 * TB_ERR_NOMEM or a db error. */
int org_name_by_id(struct tb_db_conn *c, int64_t id, struct tb_arena *a, const char **name);
int org_name_by_code(struct tb_db_conn *c, const char *code, struct tb_arena *a, const char **name);

/* Inside a write transaction on c. Upserts by code; reports every fault to p
 * with a path like "orgs[3].parent" (unknown keys, missing/invalid fields,
 * parent not earlier in the list or in the database, a tree rule broken,
 * a change that would break an org already there). Returns TB_OK,
 * TB_ERR_INVALID (faults reported; the caller's write function must then
 * fail so that its savepoint drops anything written) or a db error. */
int org_import(struct tb_db_conn *c, const json_t *orgs, int64_t now_ms, struct item_problems *p);
/* All organisations, parents before children ((depth, code) order); each
 * {"code","name","level","kind","parent","address","phone"}. *out is a new
 * array. */
int org_export(struct tb_db_conn *c, json_t **out);
/* Halls with windows (staff as user names, letter items as impl codes, the
 * letter's published_at kept exactly as given, or as stored when the letter
 * is unchanged, or today). Upserts halls by code and windows by (hall, code),
 * a window's position being its place in the file; a window's staff and
 * letter items are replaced by the file's. Windows missing from the file are
 * kept. Paths like "halls[0].windows[2].staff[0]". Same returns as
 * org_import; run it after org_import (a hall may name an org of the file). */
int hall_import(struct tb_db_conn *c, const json_t *halls, int64_t now_ms, struct item_problems *p);
/* All halls by code, windows by position; staff who are no longer active
 * window staff are left out (they are not shown anywhere either). */
int hall_export(struct tb_db_conn *c, json_t **out);

/* ---- HTTP handlers (api.c) --------------------------------------------------------------- */

int org_api_list(struct tb_req *req);       /* GET /api/v1/orgs */
int org_api_create(struct tb_req *req);     /* POST /api/v1/orgs */
int org_api_update(struct tb_req *req);     /* PATCH /api/v1/orgs/{code} */
int hall_api_list(struct tb_req *req);      /* GET /api/v1/halls */
int hall_api_get(struct tb_req *req);       /* GET /api/v1/halls/{code} */
int hall_api_create(struct tb_req *req);    /* POST /api/v1/halls */
int hall_api_update(struct tb_req *req);    /* PATCH /api/v1/halls/{code} */
int window_api_create(struct tb_req *req);  /* POST /api/v1/halls/{code}/windows */
int window_api_replace(struct tb_req *req); /* PUT /api/v1/halls/{code}/windows/{window} */

#endif
