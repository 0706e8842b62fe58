/*
 * store.c - licence types and licences as rows (docs/licences.md), the
 * signed content opened and checked, the library's look-ups for
 * applications and their log.
 */
#include "licences/internal.h"
#include "accounts/api.h"
#include "app/app.h"
#include "lib/arena.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/timeutil.h"

#include <stdlib.h>
#include <string.h>

static const char *dup(struct tb_arena *a, const char *s)
{
    return s ? tb_arena_strdup(a, s) : NULL;
}

void licence_date_of(int64_t ms, char out[LICENCE_DATE_LEN + 1])
{
    int y, m, d;
    tb_time_shanghai_date(ms, &y, &m, &d);
    snprintf(out, LICENCE_DATE_LEN + 1, "%04d-%02d-%02d", y, m, d);
}

void licence_today(const struct tb_app *app, char out[LICENCE_DATE_LEN + 1])
{
    licence_date_of(tb_app_now_ms(app, tb_time_now_ms()), out);
}

int licence_check_code(const struct tb_app *app, const char *no, char out[LICENCE_CHECK_LEN + 1])
{
    char msg[LICENCE_NO_MAX + 32];
    int n = snprintf(msg, sizeof(msg), "licence-check\n%s", no);
    if (n < 0 || (size_t)n >= sizeof(msg))
        return TB_ERR_INVALID;
    unsigned char mac[TB_HMAC_SM3_LEN];
    int rc = tb_hmac_sm3(app->keys.token_mac, TB_KEY_LEN, msg, (size_t)n, mac);
    if (rc < 0)
        return rc;
    licence_check_from_mac(mac, out);
    return TB_OK;
}

int licences_one_row(struct tb_db_conn *c, const char *sql, int64_t id, const char *text,
                     struct tb_db_stmt **out)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, sql, &s);
    if (rc != 0)
        return rc;
    if (text)
        tb_db_bind_text(s, 1, text, -1);
    else
        tb_db_bind_int64(s, 1, id);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        *out = s;
        return TB_OK;
    }
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_ERR_NOT_FOUND;
}

/* ---- types ------------------------------------------------------------------------------ */

#define TYPE_COLUMNS                                                                               \
    "id, code, name, holder_kind, fields, validity_years, issuers, version, created_at, "          \
    "updated_at FROM licence_types "

static int type_query(struct tb_db_conn *c, struct tb_arena *a, const char *sql, int64_t id,
                      const char *code, struct licence_type_row *out)
{
    struct tb_db_stmt *s = NULL;
    int rc = licences_one_row(c, sql, id, code, &s);
    if (rc != 0)
        return rc;
    memset(out, 0, sizeof(*out));
    out->id = tb_db_column_int64(s, 0);
    out->code = dup(a, tb_db_column_text(s, 1));
    out->name = dup(a, tb_db_column_text(s, 2));
    out->holder_kind = dup(a, tb_db_column_text(s, 3));
    out->fields = json_loads(tb_db_column_text(s, 4), 0, NULL);
    out->validity_years = (int)tb_db_column_int64(s, 5);
    out->issuers = json_loads(tb_db_column_text(s, 6), 0, NULL);
    out->version = tb_db_column_int64(s, 7);
    out->created_at = tb_db_column_int64(s, 8);
    out->updated_at = tb_db_column_int64(s, 9);
    tb_db_stmt_done(s);
    if (out->code && out->name && out->holder_kind && out->fields && out->issuers)
        return TB_OK;
    licence_type_row_free(out);
    return TB_ERR_NOMEM;
}

int licence_type_by_code(struct tb_db_conn *c, struct tb_arena *a, const char *code,
                         struct licence_type_row *out)
{
    return type_query(c, a, "SELECT " TYPE_COLUMNS "WHERE code = ?1", 0, code, out);
}

int licence_type_by_id(struct tb_db_conn *c, struct tb_arena *a, int64_t id,
                       struct licence_type_row *out)
{
    return type_query(c, a, "SELECT " TYPE_COLUMNS "WHERE id = ?1", id, NULL, out);
}

void licence_type_row_free(struct licence_type_row *t)
{
    json_decref(t->fields);
    json_decref(t->issuers);
    t->fields = t->issuers = NULL;
}

int licence_type_save(struct tb_db_conn *c, struct tb_arena *a, const struct licence_type_in *t,
                      int64_t if_match, int64_t now)
{
    char *fields = json_dumps(t->fields, JSON_COMPACT);
    char *issuers = json_dumps(t->issuers, JSON_COMPACT);
    struct tb_db_stmt *s = NULL;
    int rc;
    if (!fields || !issuers)
        rc = TB_ERR_NOMEM;
    else if (!if_match)
        rc = tb_db_prepare(c,
                           "INSERT INTO licence_types(code, name, holder_kind, fields, "
                           "validity_years, issuers, version, created_at, updated_at) VALUES "
                           "(?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7) ON CONFLICT (code) DO NOTHING",
                           &s);
    else
        rc = tb_db_prepare(c,
                           "UPDATE licence_types SET name = ?2, holder_kind = ?3, fields = ?4, "
                           "validity_years = ?5, issuers = ?6, updated_at = ?7, version = "
                           "version + 1 WHERE code = ?1 AND version = ?8",
                           &s);
    if (rc == 0) {
        tb_db_bind_text(s, 1, t->code, -1);
        tb_db_bind_text(s, 2, t->name, -1);
        tb_db_bind_text(s, 3, t->holder_kind, -1);
        tb_db_bind_text(s, 4, fields, -1);
        tb_db_bind_int64(s, 5, t->validity_years);
        tb_db_bind_text(s, 6, issuers, -1);
        tb_db_bind_int64(s, 7, now);
        if (if_match)
            tb_db_bind_int64(s, 8, if_match);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
    }
    free(fields);
    free(issuers);
    if (rc < 0)
        return rc;
    if (tb_db_changes(c) > 0)
        return TB_OK;
    if (!if_match)
        return TB_ERR_CONFLICT;
    struct licence_type_row row = {0};
    rc = licence_type_by_code(c, a, t->code, &row);
    if (rc == 0)
        licence_type_row_free(&row);
    return rc < 0 ? rc : TB_ERR_PRECONDITION;
}

/* ---- licences --------------------------------------------------------------------------- */

#define LICENCE_COLUMNS                                                                            \
    "l.id, l.no, l.type_id, t.code, t.name, l.serial, l.version, l.issuer_org_id, o.code, "        \
    "o.name, l.seal_id, l.holder_masked, coalesce(l.holder_account_id, 0), "                       \
    "coalesce(l.case_id, 0), k.case_no, l.trust_level, l.issued_on, l.valid_from, "                \
    "l.valid_until, l.content_enc, l.signature, l.status, coalesce(l.previous_id, 0), "            \
    "coalesce(l.replaced_by_id, 0), coalesce(l.revoked_at, 0), l.revoke_reason, l.created_at, "    \
    "l.holder_index "                                                                              \
    "FROM licences l JOIN licence_types t ON t.id = l.type_id JOIN orgs o ON o.id = "              \
    "l.issuer_org_id LEFT JOIN cases k ON k.id = l.case_id "

static const void *blobdup(struct tb_arena *a, const void *p, size_t n)
{
    void *b = tb_arena_alloc(a, n ? n : 1);
    if (b && n)
        memcpy(b, p, n);
    return b;
}

static int licence_query(struct tb_db_conn *c, struct tb_arena *a, const char *sql, int64_t id,
                         const char *no, struct licence_row *out)
{
    struct tb_db_stmt *s = NULL;
    int rc = licences_one_row(c, sql, id, no, &s);
    if (rc != 0)
        return rc;
    memset(out, 0, sizeof(*out));
    out->id = tb_db_column_int64(s, 0);
    out->no = dup(a, tb_db_column_text(s, 1));
    out->type_id = tb_db_column_int64(s, 2);
    out->type_code = dup(a, tb_db_column_text(s, 3));
    out->type_name = dup(a, tb_db_column_text(s, 4));
    out->serial = dup(a, tb_db_column_text(s, 5));
    out->version = (int)tb_db_column_int64(s, 6);
    out->issuer_org_id = tb_db_column_int64(s, 7);
    out->issuer_code = dup(a, tb_db_column_text(s, 8));
    out->issuer_name = dup(a, tb_db_column_text(s, 9));
    out->seal_id = tb_db_column_int64(s, 10);
    out->holder_masked = dup(a, tb_db_column_text(s, 11));
    out->holder_account_id = tb_db_column_int64(s, 12);
    out->case_id = tb_db_column_int64(s, 13);
    out->case_no = dup(a, tb_db_column_text(s, 14));
    out->trust_level = dup(a, tb_db_column_text(s, 15));
    out->issued_on = dup(a, tb_db_column_text(s, 16));
    out->valid_from = dup(a, tb_db_column_text(s, 17));
    out->valid_until = dup(a, tb_db_column_text(s, 18));
    out->content_enc = tb_db_column_blob(s, 19);
    out->content_len = tb_db_column_bytes(s, 19);
    out->content_enc = blobdup(a, out->content_enc, out->content_len);
    out->signature = tb_db_column_blob(s, 20);
    out->sig_len = tb_db_column_bytes(s, 20);
    out->signature = blobdup(a, out->signature, out->sig_len);
    out->status = dup(a, tb_db_column_text(s, 21));
    out->previous_id = tb_db_column_int64(s, 22);
    out->replaced_by_id = tb_db_column_int64(s, 23);
    out->revoked_at = tb_db_column_int64(s, 24);
    out->revoke_reason = dup(a, tb_db_column_text(s, 25));
    out->created_at = tb_db_column_int64(s, 26);
    if (tb_db_column_bytes(s, 27) == sizeof(out->holder_index))
        memcpy(out->holder_index, tb_db_column_blob(s, 27), sizeof(out->holder_index));
    tb_db_stmt_done(s);
    return out->no && out->type_code && out->status && out->content_enc && out->signature &&
                   out->issued_on && out->trust_level
               ? TB_OK
               : TB_ERR_NOMEM;
}

int licence_by_no(struct tb_db_conn *c, struct tb_arena *a, const char *no, struct licence_row *out)
{
    return licence_query(c, a, "SELECT " LICENCE_COLUMNS "WHERE l.no = ?1", 0, no, out);
}

int licence_by_id(struct tb_db_conn *c, struct tb_arena *a, int64_t id, struct licence_row *out)
{
    return licence_query(c, a, "SELECT " LICENCE_COLUMNS "WHERE l.id = ?1", id, NULL, out);
}

const char *licence_no_of(struct tb_db_conn *c, struct tb_arena *a, int64_t id)
{
    struct tb_db_stmt *s;
    if (!id || tb_db_prepare(c, "SELECT no FROM licences WHERE id = ?1", &s) != 0)
        return NULL;
    tb_db_bind_int64(s, 1, id);
    const char *no = tb_db_step(s) == TB_DB_ROW ? dup(a, tb_db_column_text(s, 0)) : NULL;
    tb_db_stmt_done(s);
    return no;
}

/* The plain columns say what the signed content says. */
static bool columns_agree(const struct licence_row *l, const json_t *content)
{
    const char *vu = json_string_value(json_object_get(content, "valid_until"));
    const char *no = json_string_value(json_object_get(content, "no"));
    const char *on = json_string_value(json_object_get(content, "issued_on"));
    const char *tl = json_string_value(json_object_get(content, "trust_level"));
    const char *tc = json_string_value(json_object_get(json_object_get(content, "type"), "code"));
    bool vu_same =
        (!vu && !l->valid_until) || (vu && l->valid_until && !strcmp(vu, l->valid_until));
    return vu_same && no && !strcmp(no, l->no) && on && !strcmp(on, l->issued_on) && tl &&
           !strcmp(tl, l->trust_level) && tc && !strcmp(tc, l->type_code);
}

int licence_open(struct tb_db_conn *c, struct tb_app *app, struct tb_arena *a,
                 const struct licence_row *l, json_t **content, const char **text, bool *ok,
                 struct seal_row *seal)
{
    *content = NULL;
    *text = NULL;
    *ok = false;
    int rc = seal_by_id(c, a, l->seal_id, seal);
    if (rc < 0)
        return rc;
    char *plain = NULL;
    if (pii_open(app, LICENCE_CONTENT_LABEL, l->content_enc, l->content_len, a, &plain) < 0)
        return TB_OK; /* does not open: tampered */
    size_t n = strlen(plain);
    json_t *v = NULL;
    if (tb_json_parse(plain, n, 64, &v, NULL) < 0 || !json_is_object(v))
        return TB_OK;
    *content = v;
    *text = plain;
    *ok = licence_is_canonical(plain, n) && columns_agree(l, v) &&
          seal_verify(seal, plain, n, l->signature, l->sig_len) == TB_OK;
    return TB_OK;
}

/* ---- the library for applications ------------------------------------------------------ */

int licence_find_held(struct tb_db_conn *c, struct tb_arena *a, int64_t account_id,
                      const char *type_code, const char *today, struct licence_ref *out)
{
    unsigned char idx[TB_HMAC_SM3_LEN];
    int rc = accounts_stored_index(c, account_id, idx);
    if (rc < 0)
        return rc;
    struct tb_db_stmt *s;
    if ((rc = tb_db_prepare(c,
                            "SELECT l.id, l.no, t.name, o.name FROM licences l JOIN "
                            "licence_types t ON t.id = l.type_id JOIN orgs o ON o.id = "
                            "l.issuer_org_id WHERE l.holder_index = ?1 AND t.code = ?2 AND "
                            "l.status = 'valid' AND (l.valid_until IS NULL OR l.valid_until >= "
                            "?3) ORDER BY l.id DESC LIMIT 1",
                            &s)) != 0)
        return rc;
    tb_db_bind_blob(s, 1, idx, sizeof(idx));
    tb_db_bind_text(s, 2, type_code, -1);
    tb_db_bind_text(s, 3, today, -1);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        out->id = tb_db_column_int64(s, 0);
        snprintf(out->no, sizeof(out->no), "%s", tb_db_column_text(s, 1));
        out->type_name = dup(a, tb_db_column_text(s, 2));
        out->issuer_name = dup(a, tb_db_column_text(s, 3));
        rc = out->type_name && out->issuer_name ? TB_OK : TB_ERR_NOMEM;
    } else if (rc == TB_DB_DONE) {
        rc = TB_ERR_NOT_FOUND;
    }
    tb_db_stmt_done(s);
    return rc;
}

int licence_query_log_case(struct tb_db_conn *c, int64_t account_id, const char *case_no,
                           const char *type_code, int64_t licence_id, int64_t at)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "INSERT INTO licence_queries(at, account_id, purpose, case_no, "
                           "type_code, licence_id, result) VALUES (?1, ?2, '申请材料复用', ?3, ?4, "
                           "?5, ?6)",
                           &s);
    if (rc != 0)
        return rc;
    tb_db_bind_int64(s, 1, at);
    tb_db_bind_int64(s, 2, account_id);
    tb_db_bind_text(s, 3, case_no, -1);
    tb_db_bind_text(s, 4, type_code, -1);
    if (licence_id)
        tb_db_bind_int64(s, 5, licence_id);
    else
        tb_db_bind_null(s, 5);
    tb_db_bind_text(s, 6, licence_id ? "found" : "none", -1);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}
