/*
 * store.c - the SQL of the accounts feature: reading accounts and settings.
 * Writes live next to the handler that makes them (each is one write
 * function with its audit event, so both commit or neither does).
 */
#include "accounts/internal.h"
#include "lib/db.h"
#include "lib/err.h"

#include <stdlib.h>
#include <string.h>

#define ACCOUNT_COLUMNS                                                                            \
    "a.id, a.kind, a.username, a.name, a.id_number_masked, a.phone_masked, a.legal_rep, "          \
    "a.contact_name, a.org_id, o.name, a.authority_level, a.roles, a.pw_hash, a.pw_salt, "         \
    "a.pw_iter, a.pw_changed_at, a.must_change_pw, a.status, a.created_at "                        \
    "FROM accounts a LEFT JOIN orgs o ON o.id = a.org_id "

static const char *dup_text(struct tb_db_stmt *s, int col, struct tb_arena *a)
{
    if (tb_db_column_is_null(s, col))
        return NULL;
    return tb_arena_strdup(a, tb_db_column_text(s, col));
}

static int read_account(struct tb_db_stmt *s, struct tb_arena *a, struct account *out)
{
    int rc = tb_db_step(s);
    if (rc < 0)
        return rc;
    if (rc == TB_DB_DONE)
        return TB_ERR_NOT_FOUND;
    memset(out, 0, sizeof(*out));
    out->id = tb_db_column_int64(s, 0);
    if (account_kind_parse(tb_db_column_text(s, 1), &out->kind) < 0)
        return TB_ERR_INTERNAL;
    out->username = dup_text(s, 2, a);
    out->name = dup_text(s, 3, a);
    out->id_number_masked = dup_text(s, 4, a);
    out->phone_masked = dup_text(s, 5, a);
    out->legal_rep = dup_text(s, 6, a);
    out->contact_name = dup_text(s, 7, a);
    out->org_id = tb_db_column_int64(s, 8);
    out->org_name = dup_text(s, 9, a);
    out->authority_level = (int)tb_db_column_int64(s, 10);
    out->roles = (unsigned)tb_db_column_int64(s, 11);
    if (tb_db_column_bytes(s, 12) != TB_SM3_LEN || tb_db_column_bytes(s, 13) != SALT_LEN)
        return TB_ERR_INTERNAL;
    memcpy(out->pw_hash, tb_db_column_blob(s, 12), TB_SM3_LEN);
    memcpy(out->pw_salt, tb_db_column_blob(s, 13), SALT_LEN);
    out->pw_iter = (int)tb_db_column_int64(s, 14);
    out->pw_changed_at = tb_db_column_int64(s, 15);
    out->must_change_pw = tb_db_column_int64(s, 16) != 0;
    out->disabled = strcmp(tb_db_column_text(s, 17), "active") != 0;
    out->created_at = tb_db_column_int64(s, 18);
    return TB_OK;
}

int store_account_by_id(struct tb_db_conn *c, int64_t id, struct tb_arena *a, struct account *out)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, "SELECT " ACCOUNT_COLUMNS "WHERE a.id = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, id);
    rc = read_account(s, a, out);
    tb_db_stmt_done(s);
    return rc;
}

int store_account_by_username(struct tb_db_conn *c, const char *username, struct tb_arena *a,
                              struct account *out)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, "SELECT " ACCOUNT_COLUMNS "WHERE a.username = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, username, -1);
    rc = read_account(s, a, out);
    tb_db_stmt_done(s);
    return rc;
}

int store_account_by_index(struct tb_db_conn *c, const unsigned char idx[TB_HMAC_SM3_LEN],
                           struct tb_arena *a, struct account *out)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, "SELECT " ACCOUNT_COLUMNS "WHERE a.id_number_index = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_blob(s, 1, idx, TB_HMAC_SM3_LEN);
    rc = read_account(s, a, out);
    tb_db_stmt_done(s);
    return rc;
}

int64_t store_setting_int(struct tb_db_conn *c, const char *key, int64_t dflt)
{
    struct tb_db_stmt *s = NULL;
    int64_t v = dflt;
    if (tb_db_prepare(c, "SELECT value FROM settings WHERE key = ?1", &s) < 0)
        return dflt;
    tb_db_bind_text(s, 1, key, -1);
    if (tb_db_step(s) == TB_DB_ROW) {
        char *end;
        const char *t = tb_db_column_text(s, 0);
        long long x = strtoll(t, &end, 10);
        if (*t && !*end)
            v = x;
    }
    tb_db_stmt_done(s);
    return v;
}

/* Security settings: the security administrator may only tighten them. */
int64_t settings_session_idle_ms(struct tb_db_conn *c, bool staff)
{
    int64_t max = staff ? SESSION_IDLE_STAFF_MS : SESSION_IDLE_APPLICANT_MS;
    int64_t min = store_setting_int(
        c, staff ? "security.session_idle_staff_min" : "security.session_idle_applicant_min",
        max / 60000);
    int64_t ms = min * 60000;
    return ms > 0 && ms < max ? ms : max;
}

int settings_pbkdf2_iterations(struct tb_db_conn *c)
{
    int64_t v = store_setting_int(c, "security.pbkdf2_iterations", 100000);
    return v >= 10000 && v <= 5000000 ? (int)v : 100000;
}
