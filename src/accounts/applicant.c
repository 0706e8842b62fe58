/*
 * applicant.c - applicants as other features see them (the cases feature:
 * window staff enter an application for an applicant named at the counter;
 * a form is prefilled from the applicant's own account).
 */
#include "accounts/internal.h"
#include "accounts/identifiers.h"
#include "lib/db.h"
#include "lib/err.h"

#include <string.h>

int accounts_applicant_find(struct tb_req *req, struct tb_db_conn *c, const char *login_name,
                            int64_t *id)
{
    struct account acc;
    int rc = accounts_find_login(req, c, login_name, &acc);
    if (rc < 0)
        return rc;
    if (acc.kind == ACCOUNT_STAFF || acc.disabled)
        return TB_ERR_NOT_FOUND;
    *id = acc.id;
    return TB_OK;
}

/* The sealed column col of account id, opened with label; NULL when empty. */
static int open_column(const struct tb_app *app, struct tb_arena *a, struct tb_db_conn *c,
                       int64_t id, const char *sql, const char *label, const char **out)
{
    struct tb_db_stmt *s;
    *out = NULL;
    int rc = tb_db_prepare(c, sql, &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, id);
    rc = tb_db_step(s);
    unsigned char *sealed = NULL;
    size_t n = 0;
    if (rc == TB_DB_ROW && !tb_db_column_is_null(s, 0)) {
        n = tb_db_column_bytes(s, 0);
        sealed = tb_arena_alloc(a, n ? n : 1);
        if (sealed)
            memcpy(sealed, tb_db_column_blob(s, 0), n);
        else
            rc = TB_ERR_NOMEM;
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (!sealed)
        return TB_OK;
    char *value;
    if ((rc = pii_open(app, label, sealed, n, a, &value)) < 0)
        return rc;
    *out = value;
    return TB_OK;
}

/* The applicant account id (not staff) into out, nothing opened. */
static int applicant_fill(struct tb_db_conn *c, struct tb_arena *a, int64_t id,
                          struct applicant_info *out)
{
    struct account acc;
    int rc = store_account_by_id(c, id, a, &acc);
    if (rc < 0)
        return rc;
    if (acc.kind == ACCOUNT_STAFF)
        return TB_ERR_NOT_FOUND;
    memset(out, 0, sizeof(*out));
    out->id = acc.id;
    out->kind = account_kind_name(acc.kind);
    out->name = acc.name;
    out->id_number_masked = acc.id_number_masked;
    out->legal_rep = acc.legal_rep;
    return TB_OK;
}

int accounts_applicant_get(struct tb_req *req, struct tb_db_conn *c, int64_t id, bool open,
                           struct applicant_info *out)
{
    int rc = applicant_fill(c, &req->arena, id, out);
    if (rc < 0 || !open)
        return rc;
    if ((rc = open_column(req->app, &req->arena, c, id,
                          "SELECT id_number_enc FROM accounts WHERE id = ?1", "accounts.id_number",
                          &out->id_number)) < 0)
        return rc;
    return open_column(req->app, &req->arena, c, id, "SELECT phone_enc FROM accounts WHERE id = ?1",
                       "accounts.phone", &out->phone);
}

int accounts_holder_get(const struct tb_app *app, struct tb_db_conn *c, struct tb_arena *a,
                        int64_t id, struct applicant_info *out)
{
    int rc = applicant_fill(c, a, id, out);
    if (rc < 0)
        return rc;
    return open_column(app, a, c, id, "SELECT id_number_enc FROM accounts WHERE id = ?1",
                       "accounts.id_number", &out->id_number);
}

int accounts_id_index(const struct tb_app *app, const char *kind, const char *number,
                      unsigned char out[32])
{
    char norm[64];
    enum ident_kind k = strcmp(kind, "person") == 0 ? IDENT_PERSON : IDENT_ORG;
    size_t n = strlen(number);
    int rc = ident_normalise(k, number, n, norm, sizeof(norm));
    return rc < 0 ? rc : pii_index(app, "id", norm, out);
}

int accounts_stored_index(struct tb_db_conn *c, int64_t id, unsigned char out[32])
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "SELECT id_number_index FROM accounts WHERE id = ?1 AND kind <> 'staff' "
                           "AND id_number_index IS NOT NULL",
                           &s);
    if (rc != 0)
        return rc;
    tb_db_bind_int64(s, 1, id);
    rc = tb_db_step(s);
    bool found = rc == TB_DB_ROW && tb_db_column_bytes(s, 0) == 32;
    if (found)
        memcpy(out, tb_db_column_blob(s, 0), 32);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    return found ? TB_OK : TB_ERR_NOT_FOUND;
}
