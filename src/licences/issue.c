/*
 * issue.c - making licences: the signed content, the row, its event and
 * the seal use, all in the caller's write (docs/licences.md "Lifecycle");
 * the licence file and its offline check.
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

/* ISO 8601 with the Beijing offset: what a reader of the licence expects. */
static void beijing_iso(int64_t ms, char out[32])
{
    int64_t s = (ms + 8 * 3600 * 1000LL) / 1000;
    int y, m, d;
    tb_time_shanghai_date(ms, &y, &m, &d);
    int sec = (int)(((s % 86400) + 86400) % 86400);
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", y, m, d, sec / 3600, sec / 60 % 60,
             sec % 60);
}

static int bind_opt_int(struct tb_db_stmt *s, int i, int64_t v)
{
    return v ? tb_db_bind_int64(s, i, v) : tb_db_bind_null(s, i);
}

static int event_row(struct tb_db_conn *c, int64_t licence_id, const char *kind, int64_t at,
                     int64_t actor, const char *reason, const char *content,
                     const unsigned char *sig, size_t siglen, int64_t seal_id)
{
    struct tb_db_stmt *s;
    int rc = tb_db_prepare(c,
                           "INSERT INTO licence_events(licence_id, kind, at, account_id, reason, "
                           "content, signature, seal_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           &s);
    if (rc != 0)
        return rc;
    tb_db_bind_int64(s, 1, licence_id);
    tb_db_bind_text(s, 2, kind, -1);
    tb_db_bind_int64(s, 3, at);
    bind_opt_int(s, 4, actor);
    tb_db_bind_text(s, 5, reason, -1);
    tb_db_bind_text(s, 6, content, -1);
    tb_db_bind_blob(s, 7, sig, siglen);
    tb_db_bind_int64(s, 8, seal_id);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

int licence_event_add(struct tb_db_conn *c, struct tb_app *app, struct tb_arena *a,
                      const struct seal_row *seal, int64_t licence_id, const char *no,
                      const char *kind, const char *reason, int64_t actor_id, int64_t case_id,
                      int64_t at)
{
    (void)a;
    char when[32];
    beijing_iso(at, when);
    json_t *ev = json_pack("{s:s,s:s,s:s,s:s?,s:s}", "event", kind, "no", no, "at", when, "reason",
                           reason, "seal", seal->public_id);
    char *text = NULL;
    int rc = ev ? licence_canonical(ev, &text) : TB_ERR_NOMEM;
    json_decref(ev);
    if (rc < 0)
        return rc;
    unsigned char sig[TB_SM2_SIG_MAX];
    size_t siglen = 0;
    if ((rc = seal_sign(c, app, seal, text, strlen(text), sig, &siglen)) == 0 &&
        (rc = event_row(c, licence_id, kind, at, actor_id, reason, text, sig, siglen, seal->id)) ==
            0)
        rc = seal_use_log(c, seal->id, kind, licence_id, case_id, actor_id, at);
    free(text);
    return rc;
}

int licence_store_new(struct tb_db_conn *c, struct tb_app *app, struct tb_arena *a,
                      const struct licence_new *n, int64_t *id, char *no, const char **why)
{
    struct seal_row seal = {0};
    int rc = seal_active_for(c, a, n->issuer_org_id, &seal);
    if (rc == TB_ERR_NOT_FOUND) {
        *why = "no_active_seal";
        return TB_ERR_CONFLICT;
    }
    if (rc < 0)
        return rc;
    if (!seal.credit_code) {
        *why = "org_no_credit_code";
        return TB_ERR_CONFLICT;
    }
    char serial[LICENCE_SERIAL_LEN + 1];
    if (n->serial) {
        snprintf(serial, sizeof(serial), "%s", n->serial);
    } else {
        unsigned char rnd[32];
        if ((rc = tb_random(rnd, sizeof(rnd))) < 0)
            return rc;
        if (licence_serial_from(rnd, sizeof(rnd), serial) < 0)
            return TB_ERR_CRYPTO; /* 32 bytes give 12 symbols but for 1 in 10^26 */
    }
    if ((rc = licence_no_make(n->type->code, seal.credit_code, serial, n->version, no,
                              LICENCE_NO_MAX)) < 0)
        return rc;

    char signed_at[32];
    beijing_iso(n->now, signed_at);
    json_t *content = json_pack(
        "{s:s?,s:O,s:{s:s,s:s,s:s},s:s,s:{s:s,s:s},s:s,s:s?,s:s,s:s,s:s,s:{s:s,s:s},s:s,s:s?,"
        "s:i}",
        "case_no", n->case_no, "face", n->face, "holder", "id_number", n->holder_id, "id_type",
        n->holder_id_type, "name", n->holder_name, "issued_on", n->issued_on, "issuer",
        "credit_code", seal.credit_code, "name", seal.org_name, "no", no, "previous",
        n->previous_no, "seal", seal.public_id, "signed_at", signed_at, "trust_level",
        n->trust_level, "type", "code", n->type->code, "name", n->type->name, "valid_from",
        n->valid_from, "valid_until", n->valid_until, "version", n->version);
    if (!content)
        return TB_ERR_NOMEM;
    char *text = NULL;
    rc = licence_canonical(content, &text);
    json_decref(content);
    if (rc < 0)
        return rc;
    unsigned char sig[TB_SM2_SIG_MAX], idx[TB_HMAC_SM3_LEN], *sealed = NULL;
    size_t siglen = 0, sealed_len = 0;
    char masked[256];
    licence_mask_name(n->holder_name, strcmp(n->holder_id_type, "001") == 0, masked,
                      sizeof(masked));
    if ((rc = seal_sign(c, app, &seal, text, strlen(text), sig, &siglen)) < 0 ||
        (rc = accounts_id_index(app, strcmp(n->holder_id_type, "111") == 0 ? "person" : "org",
                                n->holder_id, idx)) < 0 ||
        (rc = pii_seal(app, LICENCE_CONTENT_LABEL, text, a, &sealed, &sealed_len)) < 0) {
        free(text);
        return rc;
    }
    free(text);

    struct tb_db_stmt *s;
    if ((rc = tb_db_prepare(c,
                            "INSERT INTO licences(no, type_id, serial, version, issuer_org_id, "
                            "seal_id, holder_index, holder_masked, holder_account_id, case_id, "
                            "trust_level, issued_on, valid_from, valid_until, content_enc, "
                            "signature, status, previous_id, created_at) VALUES (?1, ?2, ?3, ?4, "
                            "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 'valid', ?17, "
                            "?18)",
                            &s)) != 0)
        return rc;
    tb_db_bind_text(s, 1, no, -1);
    tb_db_bind_int64(s, 2, n->type->id);
    tb_db_bind_text(s, 3, serial, -1);
    tb_db_bind_int64(s, 4, n->version);
    tb_db_bind_int64(s, 5, n->issuer_org_id);
    tb_db_bind_int64(s, 6, seal.id);
    tb_db_bind_blob(s, 7, idx, sizeof(idx));
    tb_db_bind_text(s, 8, masked, -1);
    bind_opt_int(s, 9, n->holder_account_id);
    bind_opt_int(s, 10, n->case_id);
    tb_db_bind_text(s, 11, n->trust_level, -1);
    tb_db_bind_text(s, 12, n->issued_on, -1);
    tb_db_bind_text(s, 13, n->valid_from, -1);
    tb_db_bind_text(s, 14, n->valid_until, -1);
    tb_db_bind_blob(s, 15, sealed, sealed_len);
    tb_db_bind_blob(s, 16, sig, siglen);
    bind_opt_int(s, 17, n->previous_id);
    tb_db_bind_int64(s, 18, n->now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc == TB_ERR_CONFLICT ? TB_ERR_CONFLICT : rc;
    *id = tb_db_last_insert_id(c);
    if (n->previous_id) {
        if ((rc = tb_db_prepare(c,
                                "UPDATE licences SET status = 'superseded', replaced_by_id = ?2 "
                                "WHERE id = ?1",
                                &s)) != 0)
            return rc;
        tb_db_bind_int64(s, 1, n->previous_id);
        tb_db_bind_int64(s, 2, *id);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    return licence_event_add(c, app, a, &seal, *id, no, n->event_kind, n->reason, n->actor_id,
                             n->case_id, n->now);
}

int licence_issue_for_case(struct tb_db_conn *c, struct tb_app *app, struct tb_arena *a,
                           const struct licence_issue_in *in, int64_t *id, char *no,
                           const char **why)
{
    struct licence_type_row type = {0};
    int rc = licence_type_by_code(c, a, in->type_code, &type);
    if (rc < 0)
        return rc;
    struct applicant_info holder;
    json_t *face = NULL;
    const char *missing = NULL;
    if ((rc = accounts_holder_get(app, c, a, in->holder_account_id, &holder)) < 0 ||
        !holder.id_number) {
        licence_type_row_free(&type);
        return rc < 0 ? rc : TB_ERR_NOT_FOUND;
    }
    /* a value the type prints but the form lacks is left out (an approval
     * does not fail on it); missing names it */
    if ((rc = licence_face_from(type.fields, in->values, in->form, &face, &missing)) < 0) {
        licence_type_row_free(&type);
        return rc;
    }
    char today[LICENCE_DATE_LEN + 1], until[LICENCE_DATE_LEN + 1] = "";
    licence_date_of(in->now, today);
    licence_valid_until(today, type.validity_years, until);
    struct licence_new n = {
        .type = &type,
        .issuer_org_id = in->org_id,
        .holder_name = holder.name,
        .holder_id_type = strcmp(holder.kind, "person") == 0 ? "111" : "001",
        .holder_id = holder.id_number,
        .holder_account_id = in->holder_account_id,
        .case_id = in->case_id,
        .case_no = in->case_no,
        .trust_level = "A",
        .issued_on = today,
        .valid_from = today,
        .valid_until = until[0] ? until : NULL,
        .face = face,
        .version = 1,
        .event_kind = "issue",
        .reason = "准予许可",
        .actor_id = in->actor_id,
        .now = in->real_now,
    };
    rc = licence_store_new(c, app, a, &n, id, no, why);
    json_decref(face);
    licence_type_row_free(&type);
    return rc;
}

/* ---- the licence file ------------------------------------------------------------------- */

json_t *licence_file_json(const json_t *content, const unsigned char *sig, size_t siglen,
                          const struct seal_row *seal)
{
    char hex[2 * TB_SM2_SIG_MAX + 1];
    if (tb_hex_encode(sig, siglen, hex, sizeof(hex)) < 0)
        return NULL;
    return json_pack("{s:s,s:O,s:s,s:{s:s,s:s,s:s?,s:s,s:s,s:s,s:s}}", "format",
                     LICENCE_FILE_FORMAT, "content", content, "signature", hex, "seal", "id",
                     seal->public_id, "org", seal->org_name, "credit_code", seal->credit_code,
                     "public_key", seal->public_key, "fingerprint", seal->fingerprint, "algorithm",
                     "SM2-SM3", "signer_id", TB_SM2_ID);
}

int licence_file_verify(const json_t *file, const struct tb_sm2_key *pub, bool *valid,
                        const char **why)
{
    *valid = false;
    const char *format = json_string_value(json_object_get(file, "format"));
    const json_t *content = json_object_get(file, "content");
    const char *hex = json_string_value(json_object_get(file, "signature"));
    const char *key =
        json_string_value(json_object_get(json_object_get(file, "seal"), "public_key"));
    if (!format || strcmp(format, LICENCE_FILE_FORMAT) != 0 || !json_is_object(content) || !hex)
        return TB_ERR_INVALID;
    unsigned char sig[TB_SM2_SIG_MAX];
    size_t siglen = 0;
    if (tb_hex_decode(hex, strlen(hex), sig, sizeof(sig), &siglen) < 0) {
        *why = "签名数据损坏 / the signature is malformed";
        return TB_OK;
    }
    struct tb_sm2_key *own = NULL;
    if (!pub) {
        if (!key || tb_sm2_pub_from_hex(key, strlen(key), &own) < 0) {
            *why = "文件中的印章公钥无效 / the seal key in the file is not valid";
            return TB_OK;
        }
        pub = own;
    }
    char *text = NULL;
    int rc = licence_canonical(content, &text);
    if (rc == TB_ERR_INVALID) {
        *why = "内容不是规范形式 / the content is not in canonical form";
        rc = TB_OK;
    } else if (rc == TB_OK) {
        *valid = tb_sm2_verify(pub, text, strlen(text), sig, siglen) == TB_OK;
        if (!*valid)
            *why = "签名与内容不符：证照被篡改 / the signature does not match: tampered";
    }
    free(text);
    tb_sm2_free(own);
    return rc;
}
