/*
 * store.c - the materials library's rows (SQL and row mapping) and its
 * files on disk.
 *
 * Files: a content is stored once, at DATA/uploads/aa/bb/<sm3 hex>. It is
 * written to a temporary file in that directory, fsynced, renamed over the
 * final name and the directory fsynced, all before the row that points at
 * it is committed: a committed row always has its file. A crash between the
 * two leaves a file without a row, which is harmless (a later clean-up may
 * remove files no row names). Files are never rewritten in place, so readers
 * need no lock; two writers of the same content rename identical bytes.
 */
#include "uploads/uploads.h"
#include "cases/api.h"
#include "accounts/accounts.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- rows -------------------------------------------------------------------- */

#define ROW_COLUMNS                                                                                \
    "id, public_id, owner_id, sm3, size, content_type, coalesce(name, ''), created_at"

static void copy_text(char *out, size_t cap, const char *s)
{
    snprintf(out, cap, "%s", s ? s : "");
}

/* The current row of s (selected with ROW_COLUMNS) into *out. */
static void row_read(struct tb_db_stmt *s, struct upload_row *out)
{
    memset(out, 0, sizeof(*out));
    out->id = tb_db_column_int64(s, 0);
    copy_text(out->public_id, sizeof(out->public_id), tb_db_column_text(s, 1));
    out->owner_id = tb_db_column_int64(s, 2);
    const void *d = tb_db_column_blob(s, 3);
    if (d && tb_db_column_bytes(s, 3) == TB_SM3_LEN)
        tb_hex_encode(d, TB_SM3_LEN, out->sm3_hex, sizeof(out->sm3_hex));
    out->size = tb_db_column_int64(s, 4);
    copy_text(out->content_type, sizeof(out->content_type), tb_db_column_text(s, 5));
    copy_text(out->name, sizeof(out->name), tb_db_column_text(s, 6));
    out->created_at = tb_db_column_int64(s, 7);
}

/* Runs s (parameters bound) for at most one row into *out. */
static int one_row(struct tb_db_stmt *s, struct upload_row *out)
{
    int rc = tb_db_step(s);
    if (rc == TB_DB_ROW)
        row_read(s, out);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    return rc == TB_DB_ROW ? TB_OK : TB_ERR_NOT_FOUND;
}

static const char sql_by_public_id[] = "SELECT " ROW_COLUMNS " FROM uploads WHERE public_id = ?1";

int upload_store_by_public_id(struct tb_db_conn *c, const char *public_id, struct upload_row *out)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, sql_by_public_id, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, public_id, -1);
    return one_row(s, out);
}

static const char sql_find[] =
    "SELECT " ROW_COLUMNS " FROM uploads WHERE public_id = ?1 AND owner_id = ?2";

int uploads_find(struct tb_db_conn *c, const char *public_id, int64_t owner_id,
                 struct upload_row *out)
{
    struct tb_db_stmt *s = NULL;
    if (!public_id || !upload_public_id_ok(public_id) || owner_id <= 0)
        return TB_ERR_NOT_FOUND;
    int rc = tb_db_prepare(c, sql_find, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, public_id, -1);
    tb_db_bind_int64(s, 2, owner_id);
    return one_row(s, out);
}

int64_t uploads_owner_of(const struct principal *p)
{
    if (!p || p->client_id)
        return 0;
    return p->on_behalf_of ? p->on_behalf_of : p->account_id;
}

static const char sql_owner[] = "SELECT owner_id FROM uploads WHERE id = ?1";

int uploads_can_read(struct tb_db_conn *c, const struct principal *p, int64_t upload_id)
{
    struct tb_db_stmt *s = NULL;
    int64_t me = uploads_owner_of(p);
    if (me <= 0)
        return TB_ERR_NOT_FOUND;
    int rc = tb_db_prepare(c, sql_owner, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, upload_id);
    rc = tb_db_step(s);
    bool is_owner = rc == TB_DB_ROW && tb_db_column_int64(s, 0) == me;
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (is_owner)
        return TB_OK;
    /* Staff who may see a case whose materials name this upload (docs/cases.md,
     * GET /api/v1/uploads/{id}: "owner or staff on a case using it"). */
    return p->kind == ACCOUNT_STAFF ? cases_upload_visible(c, p, upload_id) : TB_ERR_NOT_FOUND;
}

static const char sql_by_sm3[] =
    "SELECT " ROW_COLUMNS " FROM uploads WHERE owner_id = ?1 AND sm3 = ?2";

int upload_store_by_sm3(struct tb_db_conn *c, int64_t owner_id, const unsigned char *sm3,
                        struct upload_row *out)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, sql_by_sm3, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, owner_id);
    tb_db_bind_blob(s, 2, sm3, TB_SM3_LEN);
    return one_row(s, out);
}

static const char sql_usage[] =
    "SELECT count(*), coalesce(sum(size), 0) FROM uploads WHERE owner_id = ?1";

int upload_store_usage(struct tb_db_conn *c, int64_t owner_id, int64_t *files, int64_t *bytes)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, sql_usage, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, owner_id);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        *files = tb_db_column_int64(s, 0);
        *bytes = tb_db_column_int64(s, 1);
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    return rc == TB_DB_ROW ? TB_OK : TB_ERR_DB;
}

static const char sql_insert[] =
    "INSERT INTO uploads(public_id, owner_id, sm3, size, content_type, name, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

int upload_store_insert(struct tb_db_conn *c, const unsigned char *sm3, struct upload_row *row)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, sql_insert, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, row->public_id, -1);
    tb_db_bind_int64(s, 2, row->owner_id);
    tb_db_bind_blob(s, 3, sm3, TB_SM3_LEN);
    tb_db_bind_int64(s, 4, row->size);
    tb_db_bind_text(s, 5, row->content_type, -1);
    tb_db_bind_text(s, 6, row->name[0] ? row->name : NULL, -1);
    tb_db_bind_int64(s, 7, row->created_at);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    row->id = tb_db_last_insert_id(c);
    return TB_OK;
}

static const char sql_list[] =
    "SELECT " ROW_COLUMNS " FROM uploads WHERE owner_id = ?1 ORDER BY id DESC LIMIT ?2";

int upload_store_list(struct tb_db_conn *c, int64_t owner_id,
                      int (*each)(const struct upload_row *row, void *ctx), void *ctx)
{
    struct tb_db_stmt *s = NULL;
    struct upload_row row;
    int rc = tb_db_prepare(c, sql_list, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, owner_id);
    tb_db_bind_int64(s, 2, UPLOADS_PER_OWNER_MAX);
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        row_read(s, &row);
        if ((rc = each(&row, ctx)) < 0)
            break;
    }
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

/* ---- files ------------------------------------------------------------------- */

/* mkdir that accepts an existing directory. */
static int make_dir(const char *path)
{
    return mkdir(path, 0700) == 0 || errno == EEXIST ? TB_OK : TB_ERR_IO;
}

/* ROOT, ROOT/aa and ROOT/aa/bb. */
static int make_dirs(const char *root, const char *sm3_hex)
{
    char p[UPLOAD_PATH_MAX];
    int rc = TB_OK;
    snprintf(p, sizeof(p), "%s", root);
    rc = make_dir(p);
    if (rc == 0) {
        snprintf(p, sizeof(p), "%s/%.2s", root, sm3_hex);
        rc = make_dir(p);
    }
    if (rc == 0) {
        snprintf(p, sizeof(p), "%s/%.2s/%.2s", root, sm3_hex, sm3_hex + 2);
        rc = make_dir(p);
    }
    return rc;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, p + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return TB_ERR_IO;
        off += (size_t)w;
    }
    return TB_OK;
}

/* fsync of a directory, so that a rename in it survives a crash. */
static int sync_dir(const char *dir)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return TB_ERR_IO;
    int rc = fsync(dfd) == 0 ? TB_OK : TB_ERR_IO;
    close(dfd);
    return rc;
}

int upload_file_put(const char *root, const char *sm3_hex, const void *data, size_t len)
{
    char dir[UPLOAD_PATH_MAX], path[UPLOAD_PATH_MAX], tmp[UPLOAD_PATH_MAX + 16];
    int fd = -1;
    tmp[0] = '\0';
    int rc = upload_paths(root, sm3_hex, dir, sizeof(dir), path, sizeof(path));
    if (rc < 0)
        return rc;
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len)
        return sync_dir(dir); /* the same content is there already (maybe just renamed) */
    if ((rc = make_dirs(root, sm3_hex)) < 0)
        goto fail;
    if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
        rc = TB_ERR_INVALID;
        goto fail;
    }
    fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
    if (fd < 0) {
        tmp[0] = '\0';
        rc = TB_ERR_IO;
        goto fail;
    }
    if ((rc = write_all(fd, data, len)) < 0)
        goto fail;
    if (fsync(fd) != 0 || close(fd) != 0) {
        fd = -1;
        rc = TB_ERR_IO;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        rc = TB_ERR_IO;
        goto fail;
    }
    tmp[0] = '\0';
    if ((rc = sync_dir(dir)) < 0)
        goto fail;
    return TB_OK;
fail:
    tb_log_error("uploads: cannot store %s: %s", sm3_hex, strerror(errno));
    if (fd >= 0)
        close(fd);
    if (tmp[0])
        unlink(tmp);
    return rc;
}

int upload_file_read(const char *root, const struct upload_row *row, char **out)
{
    char dir[UPLOAD_PATH_MAX], path[UPLOAD_PATH_MAX];
    unsigned char want[TB_SM3_LEN], got[TB_SM3_LEN];
    size_t wl;
    char *buf = NULL;
    int fd = -1;
    *out = NULL;
    int rc = upload_paths(root, row->sm3_hex, dir, sizeof(dir), path, sizeof(path));
    if (rc < 0 || row->size <= 0 || (size_t)row->size > UPLOAD_MAX_BYTES)
        goto fail;
    rc = TB_ERR_IO;
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != row->size)
        goto fail;
    buf = malloc((size_t)row->size);
    if (!buf) {
        rc = TB_ERR_NOMEM;
        goto fail;
    }
    size_t off = 0;
    while (off < (size_t)row->size) {
        ssize_t r = read(fd, buf + off, (size_t)row->size - off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            goto fail;
        off += (size_t)r;
    }
    /* The name is the digest: a file that no longer matches it was changed
     * behind our back and is not served. */
    if (tb_hex_decode(row->sm3_hex, UPLOAD_SM3_HEX_LEN, want, sizeof(want), &wl) < 0 ||
        tb_sm3(buf, off, got) < 0 || !tb_ct_equal(want, got, sizeof(got)))
        goto fail;
    close(fd);
    *out = buf;
    return TB_OK;
fail:
    tb_log_error("uploads: file of upload %s is missing or damaged", row->public_id);
    if (fd >= 0)
        close(fd);
    free(buf);
    return rc < 0 ? rc : TB_ERR_IO;
}
