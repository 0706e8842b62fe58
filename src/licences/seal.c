/*
 * seal.c - electronic seals (电子印章, "一枚印章管审批"; docs/licences.md
 * "Seals"): one SM2 key pair per organisation, the private half sealed
 * under the seal key-encryption key (derived from master.key, never in the
 * database) and bound to the seal's public id.
 *
 * Signing opens the private key once per seal and keeps it in a small cache
 * for the life of the process (licences_cleanup frees it; nothing is
 * evicted, so a key in use is never freed under a signer); a seal's key
 * never changes (rotation makes a new seal), so the cache needs no
 * invalidation. Only the active seal signs: callers read it in their own
 * transaction.
 */
#include "licences/internal.h"
#include "app/app.h"
#include "lib/arena.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/timeutil.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SEAL_CACHE_MAX 64
#define SEAL_PEM_MAX   1024

static struct {
    char public_id[SEAL_ID_LEN + 1];
    struct tb_sm2_key *key;
} cache[SEAL_CACHE_MAX];
static size_t cache_n;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

void licences_cleanup(void)
{
    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < cache_n; i++)
        tb_sm2_free(cache[i].key);
    cache_n = 0;
    pthread_mutex_unlock(&cache_lock);
}

static const char *dup(struct tb_arena *a, const char *s)
{
    return s ? tb_arena_strdup(a, s) : NULL;
}

#define SEAL_COLUMNS                                                                               \
    "s.id, s.public_id, s.org_id, o.code, o.name, o.credit_code, s.status, s.public_key, "         \
    "s.fingerprint, s.created_at, coalesce(s.rotated_at, 0), coalesce(s.revoked_at, 0), "          \
    "coalesce(s.replaces_id, 0), s.revoke_reason FROM seals s JOIN orgs o ON o.id = s.org_id "

static int seal_query(struct tb_db_conn *c, struct tb_arena *a, const char *sql, int64_t n,
                      const char *text, struct seal_row *out)
{
    struct tb_db_stmt *s = NULL;
    int rc = licences_one_row(c, sql, n, text, &s);
    if (rc != 0)
        return rc;
    memset(out, 0, sizeof(*out));
    out->id = tb_db_column_int64(s, 0);
    snprintf(out->public_id, sizeof(out->public_id), "%s", tb_db_column_text(s, 1));
    out->org_id = tb_db_column_int64(s, 2);
    out->org_code = dup(a, tb_db_column_text(s, 3));
    out->org_name = dup(a, tb_db_column_text(s, 4));
    out->credit_code = dup(a, tb_db_column_text(s, 5));
    out->status = dup(a, tb_db_column_text(s, 6));
    out->public_key = dup(a, tb_db_column_text(s, 7));
    out->fingerprint = dup(a, tb_db_column_text(s, 8));
    out->created_at = tb_db_column_int64(s, 9);
    out->rotated_at = tb_db_column_int64(s, 10);
    out->revoked_at = tb_db_column_int64(s, 11);
    out->replaces_id = tb_db_column_int64(s, 12);
    out->revoke_reason = dup(a, tb_db_column_text(s, 13));
    tb_db_stmt_done(s);
    return out->org_code && out->org_name && out->status && out->public_key && out->fingerprint
               ? TB_OK
               : TB_ERR_NOMEM;
}

int seal_active_for(struct tb_db_conn *c, struct tb_arena *a, int64_t org_id, struct seal_row *out)
{
    return seal_query(c, a, "SELECT " SEAL_COLUMNS "WHERE s.org_id = ?1 AND s.status = 'active'",
                      org_id, NULL, out);
}

int seal_by_id(struct tb_db_conn *c, struct tb_arena *a, int64_t id, struct seal_row *out)
{
    return seal_query(c, a, "SELECT " SEAL_COLUMNS "WHERE s.id = ?1", id, NULL, out);
}

int seal_by_public_id(struct tb_db_conn *c, struct tb_arena *a, const char *pid,
                      struct seal_row *out)
{
    return seal_query(c, a, "SELECT " SEAL_COLUMNS "WHERE s.public_id = ?1", 0, pid, out);
}

/* The additional data a seal's private key is sealed with. */
static void seal_aad(const char *public_id, char out[SEAL_ID_LEN + 8])
{
    snprintf(out, SEAL_ID_LEN + 8, "seal:%s", public_id);
}

int seal_create(struct tb_db_conn *c, struct tb_app *app, struct tb_arena *a, int64_t org_id,
                int64_t replaces, int64_t actor, int64_t now, struct seal_row *out,
                const char **why)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT credit_code FROM orgs WHERE id = ?1", &s);
    if (rc != 0)
        return rc;
    tb_db_bind_int64(s, 1, org_id);
    rc = tb_db_step(s);
    bool has_code = rc == TB_DB_ROW && !tb_db_column_is_null(s, 0);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (rc == TB_DB_DONE)
        return TB_ERR_NOT_FOUND;
    if (!has_code) {
        *why = "org_no_credit_code";
        return TB_ERR_CONFLICT;
    }
    struct seal_row cur = {0};
    rc = seal_active_for(c, a, org_id, &cur);
    if (rc == TB_OK && cur.id != replaces) {
        *why = "seal_exists";
        return TB_ERR_CONFLICT;
    }
    if (rc < 0 && rc != TB_ERR_NOT_FOUND)
        return rc;

    unsigned char rnd[SEAL_ID_LEN / 2];
    char pid[SEAL_ID_LEN + 1], pub[TB_SM2_PUB_HEX_LEN + 1], fp[2 * TB_SM3_LEN + 1];
    char pem[SEAL_PEM_MAX], aad[SEAL_ID_LEN + 8];
    unsigned char fpb[TB_SM3_LEN], pubraw[TB_SM2_PUB_LEN];
    size_t pemlen = 0, rawlen = 0, sealed_len = 0;
    struct tb_sm2_key *key = NULL;
    if ((rc = tb_random(rnd, sizeof(rnd))) < 0 ||
        (rc = tb_hex_encode(rnd, sizeof(rnd), pid, sizeof(pid))) < 0 ||
        (rc = tb_sm2_generate(&key)) < 0)
        return rc;
    unsigned char *sealed = tb_arena_alloc(a, SEAL_PEM_MAX + TB_SEAL_OVERHEAD);
    seal_aad(pid, aad);
    if (!sealed)
        rc = TB_ERR_NOMEM;
    if (rc == 0 && (rc = tb_sm2_pub_to_hex(key, pub, sizeof(pub))) == 0 &&
        (rc = tb_hex_decode(pub, TB_SM2_PUB_HEX_LEN, pubraw, sizeof(pubraw), &rawlen)) == 0 &&
        (rc = tb_sm3(pubraw, rawlen, fpb)) == 0 &&
        (rc = tb_hex_encode(fpb, sizeof(fpb), fp, sizeof(fp))) == 0 &&
        (rc = tb_sm2_priv_to_pem(key, pem, sizeof(pem), &pemlen)) == 0)
        rc = tb_seal(app->keys.seal_kek, pem, pemlen, aad, strlen(aad), sealed,
                     SEAL_PEM_MAX + TB_SEAL_OVERHEAD, &sealed_len);
    tb_sm2_free(key);
    explicit_bzero(pem, sizeof(pem));
    if (rc < 0)
        return rc;

    if (replaces) {
        if ((rc = tb_db_prepare(c,
                                "UPDATE seals SET status = 'rotated', rotated_at = ?2 WHERE id = "
                                "?1 AND status = 'active'",
                                &s)) != 0)
            return rc;
        tb_db_bind_int64(s, 1, replaces);
        tb_db_bind_int64(s, 2, now);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    if ((rc = tb_db_prepare(c,
                            "INSERT INTO seals(public_id, org_id, status, public_key, fingerprint, "
                            "private_enc, replaces_id, created_at, created_by) VALUES (?1, ?2, "
                            "'active', ?3, ?4, ?5, ?6, ?7, ?8)",
                            &s)) != 0)
        return rc;
    tb_db_bind_text(s, 1, pid, -1);
    tb_db_bind_int64(s, 2, org_id);
    tb_db_bind_text(s, 3, pub, -1);
    tb_db_bind_text(s, 4, fp, -1);
    tb_db_bind_blob(s, 5, sealed, sealed_len);
    if (replaces)
        tb_db_bind_int64(s, 6, replaces);
    else
        tb_db_bind_null(s, 6);
    tb_db_bind_int64(s, 7, now);
    if (actor)
        tb_db_bind_int64(s, 8, actor);
    else
        tb_db_bind_null(s, 8);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    return seal_by_id(c, a, tb_db_last_insert_id(c), out);
}

/* The seal's private key: from the cache, or opened from its row. */
static int private_key(struct tb_db_conn *c, struct tb_app *app, const struct seal_row *seal,
                       struct tb_sm2_key **out, bool *owned)
{
    *owned = false;
    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < cache_n; i++)
        if (strcmp(cache[i].public_id, seal->public_id) == 0) {
            *out = cache[i].key;
            pthread_mutex_unlock(&cache_lock);
            return TB_OK;
        }
    pthread_mutex_unlock(&cache_lock);

    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c, "SELECT private_enc FROM seals WHERE id = ?1", &s);
    if (rc != 0)
        return rc;
    tb_db_bind_int64(s, 1, seal->id);
    rc = tb_db_step(s);
    char pem[SEAL_PEM_MAX], aad[SEAL_ID_LEN + 8];
    size_t pemlen = 0;
    seal_aad(seal->public_id, aad);
    if (rc == TB_DB_ROW) {
        const unsigned char *blob = tb_db_column_blob(s, 0);
        size_t n = tb_db_column_bytes(s, 0);
        rc = tb_open(app->keys.seal_kek, blob, n, aad, strlen(aad), (unsigned char *)pem,
                     sizeof(pem), &pemlen);
    } else if (rc == TB_DB_DONE) {
        rc = TB_ERR_NOT_FOUND;
    }
    tb_db_stmt_done(s);
    struct tb_sm2_key *key = NULL;
    if (rc == 0)
        rc = tb_sm2_priv_from_pem(pem, pemlen, &key);
    explicit_bzero(pem, sizeof(pem));
    if (rc < 0)
        return rc;

    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < cache_n; i++)
        if (strcmp(cache[i].public_id, seal->public_id) == 0) {
            /* another thread opened it meanwhile */
            tb_sm2_free(key);
            *out = cache[i].key;
            pthread_mutex_unlock(&cache_lock);
            return TB_OK;
        }
    if (cache_n == SEAL_CACHE_MAX) {
        /* full (more seals than organisations usually sign with): this key
         * serves this call only, and the caller frees it */
        pthread_mutex_unlock(&cache_lock);
        *out = key;
        *owned = true;
        return TB_OK;
    }
    snprintf(cache[cache_n].public_id, sizeof(cache[cache_n].public_id), "%s", seal->public_id);
    cache[cache_n].key = key;
    cache_n++;
    *out = key;
    pthread_mutex_unlock(&cache_lock);
    return TB_OK;
}

int seal_sign(struct tb_db_conn *c, struct tb_app *app, const struct seal_row *seal,
              const void *msg, size_t n, unsigned char *sig, size_t *siglen)
{
    if (strcmp(seal->status, "active") != 0)
        return TB_ERR_CONFLICT;
    struct tb_sm2_key *key = NULL;
    bool owned = false;
    int rc = private_key(c, app, seal, &key, &owned);
    if (rc < 0)
        return rc;
    rc = tb_sm2_sign(key, msg, n, sig, TB_SM2_SIG_MAX, siglen);
    if (owned)
        tb_sm2_free(key);
    return rc;
}

int seal_verify(const struct seal_row *seal, const void *msg, size_t n, const unsigned char *sig,
                size_t siglen)
{
    struct tb_sm2_key *pub = NULL;
    int rc = tb_sm2_pub_from_hex(seal->public_key, strlen(seal->public_key), &pub);
    if (rc < 0)
        return TB_ERR_CRYPTO;
    rc = tb_sm2_verify(pub, msg, n, sig, siglen);
    tb_sm2_free(pub);
    return rc;
}

int seal_use_log(struct tb_db_conn *c, int64_t seal_id, const char *kind, int64_t licence_id,
                 int64_t case_id, int64_t account_id, int64_t at)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "INSERT INTO seal_uses(seal_id, at, kind, licence_id, case_id, "
                           "account_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           &s);
    if (rc != 0)
        return rc;
    tb_db_bind_int64(s, 1, seal_id);
    tb_db_bind_int64(s, 2, at);
    tb_db_bind_text(s, 3, kind, -1);
    if (licence_id)
        tb_db_bind_int64(s, 4, licence_id);
    else
        tb_db_bind_null(s, 4);
    if (case_id)
        tb_db_bind_int64(s, 5, case_id);
    else
        tb_db_bind_null(s, 5);
    if (account_id)
        tb_db_bind_int64(s, 6, account_id);
    else
        tb_db_bind_null(s, 6);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

/* ISO 8601 in Beijing time, or JSON null for 0. */
static json_t *iso_or_null(int64_t ms)
{
    if (!ms)
        return json_null();
    char buf[40];
    tb_time_format_iso(ms, buf, sizeof(buf));
    return json_string(buf);
}

json_t *seal_json(const struct seal_row *s)
{
    char pem[SEAL_PEM_MAX];
    size_t pemlen = 0;
    struct tb_sm2_key *pub = NULL;
    if (tb_sm2_pub_from_hex(s->public_key, strlen(s->public_key), &pub) < 0 ||
        tb_sm2_pub_to_pem(pub, pem, sizeof(pem), &pemlen) < 0)
        pem[0] = '\0';
    tb_sm2_free(pub);
    return json_pack("{s:s,s:{s:s,s:s,s:s?},s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:s?}", "id",
                     s->public_id, "org", "code", s->org_code, "name", s->org_name, "credit_code",
                     s->credit_code, "status", s->status, "algorithm", "SM2-SM3", "signer_id",
                     TB_SM2_ID, "standard", "GB/T 38540 (SM2, SM3)", "public_key_pem", pem,
                     "public_key_hex", s->public_key, "fingerprint", s->fingerprint, "created_at",
                     iso_or_null(s->created_at), "rotated_at", iso_or_null(s->rotated_at),
                     "revoked_at", iso_or_null(s->revoked_at), "revoke_reason", s->revoke_reason);
}
