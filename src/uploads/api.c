/*
 * api.c - HTTP handlers of the materials library (docs/cases.md "Routes"):
 *
 *   POST /api/v1/uploads        case.apply  raw body, X-File-Name -> 201 (200: already had it)
 *   GET  /api/v1/uploads        case.apply  my library, newest first
 *   GET  /api/v1/uploads/{id}   self        the bytes, as an attachment; others 404
 *
 * An agent acting for an applicant (X-On-Behalf-Of) works on the
 * applicant's library. The file name may carry personal data ("张三身份证
 * .jpg"), so it is never written to the audit log or the access log.
 */
#include "uploads/uploads.h"
#include "accounts/accounts.h"
#include "accounts/api.h"
#include "app/app.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/timeutil.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The request body's only accepted Content-Type: the bytes are the file,
 * never a form, so nothing in between is parsed. */
#define UPLOAD_REQUEST_TYPE "application/octet-stream"

static json_t *row_json(const struct upload_row *r)
{
    char at[32];
    tb_time_format_iso(r->created_at, at, sizeof(at));
    return json_pack("{s:s,s:s,s:I,s:s,s:o,s:s}", "id", r->public_id, "sm3", r->sm3_hex, "size",
                     (json_int_t)r->size, "content_type", r->content_type, "name",
                     r->name[0] ? json_string(r->name) : json_null(), "created_at", at);
}

/* application/octet-stream, in any case, with or without parameters. */
static bool is_octet_stream(const char *ct)
{
    size_t n = sizeof(UPLOAD_REQUEST_TYPE) - 1;
    if (!ct || strncasecmp(ct, UPLOAD_REQUEST_TYPE, n) != 0)
        return false;
    ct += n;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    return *ct == '\0' || *ct == ';';
}

/* The uploads directory: the setting, or DATA/uploads (root holds it). */
static const char *uploads_root(const struct tb_app *app, char root[UPLOAD_PATH_MAX])
{
    if (app->cfg.uploads_dir[0])
        return app->cfg.uploads_dir;
    snprintf(root, UPLOAD_PATH_MAX, "%.900s/%s", app->cfg.data, UPLOADS_SUBDIR);
    return root;
}

/* ---- POST /api/v1/uploads ---------------------------------------------------------- */

enum upload_limit { LIMIT_NONE, LIMIT_FILES, LIMIT_BYTES };

struct upload_new {
    struct tb_app *app;
    struct tb_req *req;
    unsigned char sm3[TB_SM3_LEN];
    struct upload_row row; /* the new row, or the owner's existing one */
    bool existing;
    enum upload_limit limit;
};

/* The library limits for one more file of size bytes; sets w->limit. */
static int check_limits(struct tb_db_conn *c, struct upload_new *w)
{
    int64_t files = 0, bytes = 0;
    int rc = upload_store_usage(c, w->row.owner_id, &files, &bytes);
    if (rc < 0)
        return rc;
    if (files >= UPLOADS_PER_OWNER_MAX)
        w->limit = LIMIT_FILES;
    else if (bytes + w->row.size > UPLOADS_OWNER_BYTES_MAX)
        w->limit = LIMIT_BYTES;
    return w->limit == LIMIT_NONE ? TB_OK : TB_ERR_CONFLICT;
}

/* The owner's existing row for this content, if any. 0 with w->existing
 * set, TB_ERR_NOT_FOUND when none, or an error. */
static int find_existing(struct tb_db_conn *c, struct upload_new *w)
{
    struct upload_row old;
    int rc = upload_store_by_sm3(c, w->row.owner_id, w->sm3, &old);
    if (rc == TB_OK) {
        w->row = old;
        w->existing = true;
    }
    return rc;
}

static int write_upload(struct tb_db_conn *c, void *ctx)
{
    struct upload_new *w = ctx;
    /* Decided again here: another request of the same owner may have
     * committed since the checks before the file was written. */
    int rc = find_existing(c, w);
    if (rc != TB_ERR_NOT_FOUND)
        return rc;
    if ((rc = check_limits(c, w)) < 0 || (rc = upload_store_insert(c, w->sm3, &w->row)) < 0)
        return rc;
    struct audit_event e;
    audit_from_req(w->req, w->req->user, &e);
    e.action = "upload.create";
    e.object_type = "upload";
    e.object_id = w->row.public_id;
    /* Not the name: it may carry personal data. */
    e.after_json =
        accounts_json_text(w->req, json_pack("{s:I,s:s}", "size", (json_int_t)w->row.size,
                                             "content_type", w->row.content_type));
    if (!e.after_json)
        return TB_ERR_NOMEM;
    return audit_append(c, &w->app->audit, &e, NULL);
}

static int limit_problem(struct tb_req *req, enum upload_limit limit)
{
    if (limit == LIMIT_FILES)
        return tb_resp_problem(req, TB_ERR_CONFLICT, NULL, "材料库已满：最多保存 200 个文件",
                               "The materials library is full: at most 200 files");
    return tb_resp_problem(req, TB_ERR_CONFLICT, NULL, "材料库已满：文件总大小不能超过 500 MiB",
                           "The materials library is full: at most 500 MiB in total");
}

static int name_problem(struct tb_req *req, int err)
{
    if (err == TB_ERR_INVALID)
        return tb_resp_problem(req, TB_ERR_INVALID, "X-File-Name", "文件名不能超过 200 个字符",
                               "The file name must be at most 200 characters");
    return tb_resp_problem(req, err, "X-File-Name", "文件名应为百分号编码的 UTF-8 文本",
                           "X-File-Name must be percent-encoded UTF-8");
}

/* Everything decided before the file is written: the request, the type,
 * the digest, the owner's row for it and the limits. */
static int prepare(struct tb_req *req, struct upload_new *w)
{
    struct upload_row *r = &w->row;
    if (!is_octet_stream(tb_req_header(req, "Content-Type")))
        return tb_resp_problem(req, TB_ERR_MEDIA_TYPE, NULL,
                               "请求体应为文件本身，Content-Type: application/octet-stream",
                               "The body must be the file itself, with Content-Type: "
                               "application/octet-stream");
    const char *name = tb_req_header(req, "X-File-Name");
    int rc = name ? upload_name_clean(name, r->name, sizeof(r->name)) : TB_OK;
    if (rc < 0)
        return name_problem(req, rc);
    if (req->body_len == 0)
        return tb_resp_problem(req, TB_ERR_MEDIA_TYPE, NULL, "文件是空的", "The file is empty");
    const char *type;
    /* RULE: docs/cases.md uploads: the type is decided by content, never by name or header. */
    rc = upload_detect_type(req->body, req->body_len, &type);
    if (rc == TB_ERR_MEDIA_TYPE)
        return tb_resp_problem(req, rc, NULL, "只接受 PDF、JPEG、PNG 或 OFD 文件（按文件内容判断）",
                               "Only PDF, JPEG, PNG and OFD files are accepted (judged by their "
                               "content)");
    if (rc < 0)
        return rc;
    snprintf(r->content_type, sizeof(r->content_type), "%s", type);
    r->size = (int64_t)req->body_len;
    if ((rc = tb_sm3(req->body, req->body_len, w->sm3)) < 0 ||
        (rc = tb_hex_encode(w->sm3, sizeof(w->sm3), r->sm3_hex, sizeof(r->sm3_hex))) < 0)
        return rc;
    /* A cheap look first, so that a full library or a repeat writes no file. */
    struct tb_db_conn *c;
    if ((rc = tb_db_read_conn(w->app->db, &c)) < 0)
        return rc;
    rc = find_existing(c, w);
    if (rc == TB_OK || rc != TB_ERR_NOT_FOUND)
        return rc;
    rc = check_limits(c, w);
    return rc == TB_ERR_CONFLICT ? limit_problem(req, w->limit) : rc;
}

int uploads_api_create(struct tb_req *req)
{
    char root[UPLOAD_PATH_MAX];
    struct upload_new w = {0};
    unsigned char rnd[UPLOAD_ID_RANDOM_BYTES];
    w.app = req->app;
    w.req = req;
    w.row.owner_id = uploads_owner_of(req->user);
    if (w.row.owner_id <= 0)
        return TB_ERR_FORBIDDEN;
    int rc = prepare(req, &w);
    if (rc < 0)
        return rc;
    if (w.existing)
        return tb_resp_json(req, 200, row_json(&w.row));
    if ((rc = tb_random(rnd, sizeof(rnd))) < 0 ||
        (rc = tb_hex_encode(rnd, sizeof(rnd), w.row.public_id, sizeof(w.row.public_id))) < 0)
        return rc;
    w.row.created_at = tb_time_now_ms();
    /* The file is durable before the row that names it is committed. */
    if ((rc = upload_file_put(uploads_root(w.app, root), w.row.sm3_hex, req->body, req->body_len)) <
        0)
        return rc;
    rc = tb_db_write(w.app->db, write_upload, &w);
    if (rc == TB_ERR_CONFLICT && w.limit != LIMIT_NONE)
        return limit_problem(req, w.limit);
    if (rc < 0)
        return rc;
    return tb_resp_json(req, w.existing ? 200 : 201, row_json(&w.row));
}

/* ---- GET /api/v1/uploads ---------------------------------------------------------------- */

static int add_row(const struct upload_row *row, void *ctx)
{
    json_t *o = row_json(row);
    return o && json_array_append_new(ctx, o) == 0 ? TB_OK : TB_ERR_NOMEM;
}

int uploads_api_list(struct tb_req *req)
{
    struct tb_app *app = req->app;
    int64_t owner = uploads_owner_of(req->user);
    struct tb_db_conn *c;
    if (owner <= 0)
        return TB_ERR_FORBIDDEN;
    int rc = tb_db_read_conn(app->db, &c);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    if (!list)
        return TB_ERR_NOMEM;
    if ((rc = upload_store_list(c, owner, add_row, list)) < 0) {
        json_decref(list);
        return rc;
    }
    return tb_resp_json(req, 200, json_pack("{s:o}", "uploads", list));
}

/* ---- GET /api/v1/uploads/{id} ------------------------------------------------------------- */

int uploads_api_get(struct tb_req *req)
{
    char root[UPLOAD_PATH_MAX];
    struct tb_app *app = req->app;
    const char *id = tb_req_param(req, "id");
    struct upload_row row = {0};
    struct tb_db_conn *c;
    char *bytes = NULL;
    char disposition[UPLOAD_NAME_MAX_BYTES * 3 + 128];
    int rc = upload_public_id_ok(id) ? tb_db_read_conn(app->db, &c) : TB_ERR_NOT_FOUND;
    if (rc == 0)
        rc = upload_store_by_public_id(c, id, &row);
    /* Someone else's upload is answered exactly like one that does not exist. */
    if (rc == 0)
        rc = uploads_can_read(c, req->user, row.id);
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, rc, NULL, "没有这份材料", "No such upload");
    if (rc < 0)
        return rc;
    const char *type = tb_arena_strdup(&req->arena, row.content_type);
    if (!type)
        return TB_ERR_NOMEM;
    if ((rc = upload_disposition(row.name, row.content_type, row.public_id, disposition,
                                 sizeof(disposition))) < 0 ||
        (rc = upload_file_read(uploads_root(app, root), &row, &bytes)) < 0)
        return rc;
    rc = tb_resp_text(req, 200, type, bytes, (size_t)row.size);
    free(bytes);
    /* X-Content-Type-Options: nosniff is on every answer (the HTTP layer);
     * the layer's Cache-Control: no-store joins this one. */
    if (rc == 0 && (rc = tb_resp_header(req, "Content-Disposition", disposition)) == 0)
        rc = tb_resp_header(req, "Cache-Control", "private, no-store");
    return rc;
}
