/*
 * uploads.h - the applicant's materials library (一次采集、多方使用).
 *
 * An applicant uploads a material once (a PDF, a JPEG, a PNG or an OFD) and
 * uses it in any number of cases. The type is decided by the content alone
 * (libmagic, and libzip for OFD), never by the name or the request's
 * Content-Type. The bytes are stored once per content under
 * DATA/uploads/aa/bb/<sm3 hex> (written to a temporary file, fsynced,
 * renamed, directory fsynced, and only then the row is committed); each
 * owner has a row per content in `uploads` (docs/cases.md "Data: uploads").
 *
 * Dedup: the same owner sending the same bytes again gets the row they
 * already have (200 instead of 201, the first name kept); two owners sending
 * the same bytes share the file and have a row each.
 *
 * Files: rules.c (pure: type, names, paths), store.c (SQL and the files on
 * disk), api.c (HTTP). Callers elsewhere (the cases feature) use
 * uploads_find and uploads_can_read.
 */
#ifndef TB_UPLOADS_H
#define TB_UPLOADS_H

#include "lib/http.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tb_db_conn;
struct principal;

/* ---- limits (STYLE.md 8) --------------------------------------------------- */

#define UPLOAD_MAX_BYTES        ((size_t)10 * 1024 * 1024)   /* one file; the route's body_max */
#define UPLOADS_PER_OWNER_MAX   200                          /* files in one owner's library */
#define UPLOADS_OWNER_BYTES_MAX ((int64_t)500 * 1024 * 1024) /* one owner's library in total */
#define UPLOAD_NAME_MAX_CHARS   200 /* file name, in code points after sanitising */
#define UPLOAD_NAME_MAX_BYTES   (UPLOAD_NAME_MAX_CHARS * 4)
#define UPLOAD_NAME_HEADER_MAX  (UPLOAD_NAME_MAX_BYTES * 3)  /* X-File-Name, percent-encoded */
#define UPLOAD_ID_RANDOM_BYTES  16                           /* 128 bits behind a public id */
#define UPLOAD_PUBLIC_ID_LEN    (2 * UPLOAD_ID_RANDOM_BYTES) /* hex digits */
#define UPLOAD_SM3_HEX_LEN      64
#define UPLOAD_TYPE_MAX         32
#define UPLOADS_SUBDIR          "uploads" /* under the data directory */
#define UPLOAD_PATH_MAX         1200

/* One row of `uploads`. Everything is copied in: no arena needed. */
struct upload_row {
    int64_t id; /* internal; public_id in URLs */
    int64_t owner_id;
    int64_t size;       /* bytes */
    int64_t created_at; /* ms since the epoch */
    char public_id[UPLOAD_PUBLIC_ID_LEN + 1];
    char sm3_hex[UPLOAD_SM3_HEX_LEN + 1];
    char content_type[UPLOAD_TYPE_MAX];
    char name[UPLOAD_NAME_MAX_BYTES + 1]; /* "" when the uploader gave none */
};

/* ---- for other features (store.c) --------------------------------------------- */

/* The upload public_id of owner_id into *out. TB_ERR_NOT_FOUND when there
 * is none or it is someone else's (callers answer 404 either way). */
int uploads_find(struct tb_db_conn *c, const char *public_id, int64_t owner_id,
                 struct upload_row *out);

/* 0 when p may read the upload with internal id upload_id, TB_ERR_NOT_FOUND
 * when not (or when there is no such upload), another negative tb_err on
 * failure. For now only the owner may (an agent acting for the owner counts
 * as the owner). When the cases feature arrives, staff who may act on a
 * case whose materials use the upload are added HERE, so that the download
 * route and every other reader keep asking this one function. */
int uploads_can_read(struct tb_db_conn *c, const struct principal *p, int64_t upload_id);

/* The account whose library p works on: the applicant an agent acts for,
 * else p's own account; 0 for an API client (no library). */
int64_t uploads_owner_of(const struct principal *p);

/* ---- rules (pure, rules.c) ------------------------------------------------------ */

/* The type of data[0..len) by content: *type gets "application/pdf",
 * "image/jpeg", "image/png" or "application/ofd" (a ZIP whose root holds
 * OFD.xml). TB_ERR_MEDIA_TYPE for anything else (empty included),
 * TB_ERR_INTERNAL when the magic database cannot be loaded. Thread-safe:
 * one libmagic handle, loaded once, behind a mutex. */
int upload_detect_type(const void *data, size_t len, const char **type);

/* The X-File-Name header value (percent-encoded UTF-8; raw UTF-8 is taken
 * too) as a stored name in out (cap >= UPLOAD_NAME_MAX_BYTES + 1): control
 * characters and bidirectional overrides dropped, '/' and '\' replaced by
 * '_', surrounding spaces trimmed. out is "" when nothing is left.
 * TB_ERR_BAD_REQUEST for a broken %-escape, TB_ERR_BAD_UTF8 for invalid
 * UTF-8, TB_ERR_INVALID when longer than UPLOAD_NAME_MAX_CHARS. */
int upload_name_clean(const char *header, char *out, size_t cap);

/* True for a public id as we make them (UPLOAD_PUBLIC_ID_LEN lowercase hex). */
bool upload_public_id_ok(const char *s);

/* ROOT/aa/bb into dir and ROOT/aa/bb/<sm3 hex> into path (ROOT: the uploads
 * directory, cfg.uploads_dir),
 * where aa and bb are the first two bytes of the digest in hex.
 * TB_ERR_INVALID when sm3_hex is not 64 lowercase hex digits,
 * TB_ERR_TOO_LARGE when a buffer is too small. */
int upload_paths(const char *root, const char *sm3_hex, char *dir, size_t dircap, char *path,
                 size_t pathcap);

/* The Content-Disposition value for a download:
 * attachment; filename*=UTF-8''<percent-encoded name>. The name gets the
 * type's extension when it does not end with one already (a PNG named
 * "a.html" is saved as "a.html.png"); without a name it is
 * "<public id>.<ext>". TB_ERR_TOO_LARGE when out is too small. */
int upload_disposition(const char *name, const char *content_type, const char *public_id, char *out,
                       size_t cap);

/* ---- files on disk (store.c) ------------------------------------------------------ */

/* Stores len bytes with digest sm3_hex under root durably (temp file,
 * fsync, rename, fsync of the directory). An existing file of the right
 * size is kept. 0 or TB_ERR_IO / TB_ERR_INVALID. */
int upload_file_put(const char *root, const char *sm3_hex, const void *data, size_t len);

/* Reads the file of row into *out (malloc'd, freed by the caller) and checks
 * its size and SM3 against the row. TB_ERR_IO when missing, short or not
 * what the row says (logged). */
int upload_file_read(const char *root, const struct upload_row *row, char **out);

/* ---- rows (store.c; for api.c) ----------------------------------------------------- */

/* The upload public_id of any owner (the caller decides who may see it). */
int upload_store_by_public_id(struct tb_db_conn *c, const char *public_id, struct upload_row *out);
/* owner_id's row for the content sm3, TB_ERR_NOT_FOUND when none. */
int upload_store_by_sm3(struct tb_db_conn *c, int64_t owner_id, const unsigned char *sm3,
                        struct upload_row *out);
/* How many files and bytes owner_id's library holds. */
int upload_store_usage(struct tb_db_conn *c, int64_t owner_id, int64_t *files, int64_t *bytes);
/* Inserts row (public_id, owner, size, type, name, created_at set; name ""
 * stored as NULL) with digest sm3; row->id gets the new id. Inside a write. */
int upload_store_insert(struct tb_db_conn *c, const unsigned char *sm3, struct upload_row *row);
/* Calls each for every row of owner_id, newest first (at most
 * UPLOADS_PER_OWNER_MAX); stops at and returns a negative return of each. */
int upload_store_list(struct tb_db_conn *c, int64_t owner_id,
                      int (*each)(const struct upload_row *row, void *ctx), void *ctx);

/* ---- handlers (api.c) --------------------------------------------------------------- */

/* POST /api/v1/uploads: raw body, X-File-Name. */
int uploads_api_create(struct tb_req *req);
/* GET /api/v1/uploads: my library, newest first. */
int uploads_api_list(struct tb_req *req);
/* GET /api/v1/uploads/{id}: the bytes, as an attachment. */
int uploads_api_get(struct tb_req *req);

#endif
