/*
 * api_session.c - registration, login, logout, "me", my sessions and
 * password change.
 *
 * Login answers the same way, with the same work, for an unknown name and
 * a wrong password: both hash the password (a dummy salt for unknown
 * names), both record a failure and an audit event in one write, both get
 * 401 login_failed. Five failures for a name within 15 minutes lock the
 * name, known or not (issue 4).
 */
#include "accounts/identifiers.h"
#include "accounts/internal.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/timeutil.h"

#include <ctype.h>
#include <pthread.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#define USER_AGENT_MAX 200

/* ---- small helpers ---------------------------------------------------------- */

/* base64url without padding of n bytes into out (cap >= 4n/3 + 2). */
static void b64url(const unsigned char *in, size_t n, char *out)
{
    int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
    while (len > 0 && out[len - 1] == '=')
        len--;
    out[len] = '\0';
    for (int i = 0; i < len; i++)
        out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
}

int accounts_random_token(char *out)
{
    unsigned char raw[TOKEN_LEN];
    int rc = tb_random(raw, sizeof(raw));
    if (rc == 0)
        b64url(raw, sizeof(raw), out);
    return rc;
}

static int today_yyyymmdd(void)
{
    int y, m, d;
    tb_time_shanghai_date(tb_time_now_ms(), &y, &m, &d);
    return y * 10000 + m * 100 + d;
}

/* Refuses any member of obj not in allowed (OWASP API3: no mass assignment). */
int accounts_only_fields(struct tb_req *req, const char *const *allowed)
{
    const char *key;
    json_t *v;
    if (!json_is_object(req->json))
        return tb_resp_problem(req, TB_ERR_INVALID, NULL, "请求体必须是 JSON 对象",
                               "The request body must be a JSON object");
    json_object_foreach(req->json, key, v)
    {
        bool ok = false;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = strcmp(allowed[i], key) == 0;
        if (!ok) {
            char zh[160], en[160];
            snprintf(zh, sizeof(zh), "不认识的字段 %.60s", key);
            snprintf(en, sizeof(en), "Unknown field %.60s", key);
            return tb_resp_problem(req, TB_ERR_INVALID, key, zh, en);
        }
    }
    (void)v;
    return TB_OK;
}

int accounts_need_string(struct tb_req *req, const char *field, size_t max_chars, const char **out,
                         const char *label_zh)
{
    if (tb_json_get_string(req->json, field, true, max_chars, out) < 0) {
        char zh[200], en[200];
        snprintf(zh, sizeof(zh), "请填写%s（不超过 %zu 个字符）", label_zh, max_chars);
        snprintf(en, sizeof(en), "%s is required (at most %zu characters)", field, max_chars);
        return tb_resp_problem(req, TB_ERR_INVALID, field, zh, en);
    }
    return TB_OK;
}

/* Mainland mobile numbers: 11 digits starting 1[3-9]. */
static bool phone_ok(const char *p)
{
    if (strlen(p) != IDENT_PHONE_LEN || p[0] != '1' || p[1] < '3' || p[1] > '9')
        return false;
    for (int i = 0; i < IDENT_PHONE_LEN; i++)
        if (!isdigit((unsigned char)p[i]))
            return false;
    return true;
}

/* User names: 3-32 of [a-z0-9_.-], starting with a letter, so that a user
 * name can never be mistaken for an ID number or a credit code. */
bool accounts_username_ok(const char *u)
{
    size_t n = strlen(u);
    if (n < 3 || n > USERNAME_MAX || !islower((unsigned char)u[0]))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)u[i];
        if (!(islower(c) || isdigit(c) || c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

static void lower_copy(const char *in, char *out, size_t cap)
{
    size_t i = 0;
    for (; in[i] && i + 1 < cap; i++)
        out[i] = (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

/* The session's CSRF token is derived from its cookie token, so any page of
 * the session can get it again from GET /me (a new tab) while a site that
 * cannot read our responses or our HttpOnly cookie cannot. */
int accounts_csrf_token(const struct tb_app *app, const char *session_token, char *out)
{
    unsigned char mac[TB_HMAC_SM3_LEN], msg[64];
    size_t tl = strlen(session_token);
    if (tl + 5 > sizeof(msg))
        return TB_ERR_INVALID;
    memcpy(msg, "csrf:", 5);
    memcpy(msg + 5, session_token, tl);
    int rc = tb_hmac_sm3(app->keys.token_mac, TB_KEY_LEN, msg, tl + 5, mac);
    if (rc == 0)
        b64url(mac, sizeof(mac), out);
    return rc;
}

/* ---- register ----------------------------------------------------------------- */

struct reg {
    struct tb_app *app;
    struct tb_req *req;
    enum account_kind kind;
    const char *name, *username, *legal_rep, *contact;
    unsigned char id_index[TB_HMAC_SM3_LEN], phone_index[TB_HMAC_SM3_LEN];
    unsigned char *id_enc, *phone_enc;
    size_t id_enc_len, phone_enc_len;
    char id_masked[IDENT_MASK_BUFSZ], phone_masked[IDENT_MASK_BUFSZ];
    unsigned char salt[SALT_LEN], hash[TB_SM3_LEN];
    int iter;
    int64_t now, id;
    const char *conflict_field;
    const char *verifier; /* which real-name verifier vouched */
};

static int exists(struct tb_db_conn *c, const char *sql, const void *blob, size_t bl,
                  const char *text)
{
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c, sql, &s);
    if (rc < 0)
        return rc;
    if (text)
        tb_db_bind_text(s, 1, text, -1);
    else
        tb_db_bind_blob(s, 1, blob, bl);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc;
}

static int write_register(struct tb_db_conn *c, void *ctx)
{
    struct reg *r = ctx;
    int rc = exists(c, "SELECT 1 FROM accounts WHERE id_number_index = ?1", r->id_index,
                    sizeof(r->id_index), NULL);
    if (rc != TB_DB_DONE) {
        r->conflict_field = r->kind == ACCOUNT_PERSON ? "id_number" : "credit_code";
        return rc < 0 ? rc : TB_ERR_CONFLICT;
    }
    if (r->username) {
        rc = exists(c, "SELECT 1 FROM accounts WHERE username = ?1", NULL, 0, r->username);
        if (rc != TB_DB_DONE) {
            r->conflict_field = "username";
            return rc < 0 ? rc : TB_ERR_CONFLICT;
        }
    }
    struct tb_db_stmt *s = NULL;
    rc = tb_db_prepare(
        c,
        "INSERT INTO accounts(kind, username, name, id_number_enc, id_number_index, "
        "id_number_masked, phone_enc, phone_index, phone_masked, legal_rep, contact_name, "
        "pw_hash, pw_salt, pw_iter, pw_changed_at, verified_at, verifier, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, "
        "?16, ?15, ?15)",
        &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, account_kind_name(r->kind), -1);
    if (r->username)
        tb_db_bind_text(s, 2, r->username, -1);
    else
        tb_db_bind_null(s, 2);
    tb_db_bind_text(s, 3, r->name, -1);
    tb_db_bind_blob(s, 4, r->id_enc, r->id_enc_len);
    tb_db_bind_blob(s, 5, r->id_index, sizeof(r->id_index));
    tb_db_bind_text(s, 6, r->id_masked, -1);
    tb_db_bind_blob(s, 7, r->phone_enc, r->phone_enc_len);
    tb_db_bind_blob(s, 8, r->phone_index, sizeof(r->phone_index));
    tb_db_bind_text(s, 9, r->phone_masked, -1);
    if (r->legal_rep)
        tb_db_bind_text(s, 10, r->legal_rep, -1);
    else
        tb_db_bind_null(s, 10);
    if (r->contact)
        tb_db_bind_text(s, 11, r->contact, -1);
    else
        tb_db_bind_null(s, 11);
    tb_db_bind_blob(s, 12, r->hash, sizeof(r->hash));
    tb_db_bind_blob(s, 13, r->salt, sizeof(r->salt));
    tb_db_bind_int64(s, 14, r->iter);
    tb_db_bind_int64(s, 15, r->now);
    tb_db_bind_text(s, 16, r->verifier, -1);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    r->id = tb_db_last_insert_id(c);

    struct audit_event e;
    char oid[24], after[160];
    audit_from_req(r->req, NULL, &e);
    snprintf(oid, sizeof(oid), "%lld", (long long)r->id);
    snprintf(after, sizeof(after), "{\"kind\":\"%s\",\"id_number\":\"%s\"}",
             account_kind_name(r->kind), r->id_masked);
    e.action = "account.register";
    e.object_type = "account";
    e.object_id = oid;
    e.after_json = after;
    return audit_append(c, &r->app->audit, &e, NULL);
}

int accounts_api_register(struct tb_req *req)
{
    static const char *const person_fields[] = {"kind",     "name",     "id_number", "phone",
                                                "password", "username", NULL};
    static const char *const org_fields[] = {
        "kind",     "name",     "credit_code", "legal_representative", "contact_name", "phone",
        "password", "username", NULL};
    struct tb_app *app = req->app;
    struct reg r = {0};
    const char *kind, *number, *phone, *password, *username = NULL;
    int rc;
    r.app = app;
    r.req = req;
    if (!json_is_object(req->json) || tb_json_get_string(req->json, "kind", true, 16, &kind) < 0 ||
        account_kind_parse(kind, &r.kind) < 0 || r.kind == ACCOUNT_STAFF)
        return tb_resp_problem(req, TB_ERR_INVALID, "kind", "请选择注册类型：自然人或法人",
                               "kind must be person or org");
    if ((rc = accounts_only_fields(req, r.kind == ACCOUNT_PERSON ? person_fields : org_fields)) < 0)
        return rc;
    if ((rc = accounts_need_string(req, "name", NAME_MAX_CHARS, &r.name,
                                   r.kind == ACCOUNT_PERSON ? "姓名" : "单位名称")) < 0)
        return rc;
    const char *num_field = r.kind == ACCOUNT_PERSON ? "id_number" : "credit_code";
    if ((rc = accounts_need_string(req, num_field, 64, &number,
                                   r.kind == ACCOUNT_PERSON ? "居民身份证号码"
                                                            : "统一社会信用代码")) < 0)
        return rc;
    struct ident_result ir;
    if (r.kind == ACCOUNT_PERSON)
        ident_check_person(number, strlen(number), today_yyyymmdd(), &ir);
    else
        ident_check_org(number, strlen(number), &ir);
    if (!ir.is_valid)
        return tb_resp_problem(req, TB_ERR_INVALID, num_field, ident_reason_zh(ir.reason),
                               ident_reason_en(ir.reason));
    if (r.kind == ACCOUNT_ORG) {
        if ((rc = accounts_need_string(req, "legal_representative", 50, &r.legal_rep,
                                       "法定代表人")) < 0 ||
            (rc = accounts_need_string(req, "contact_name", 50, &r.contact, "联系人")) < 0)
            return rc;
    }
    if ((rc = accounts_need_string(req, "phone", 11, &phone, "手机号码")) < 0)
        return rc;
    if (!phone_ok(phone))
        return tb_resp_problem(req, TB_ERR_INVALID, "phone", "手机号码应为 11 位数字，以 1 开头",
                               "phone must be an 11-digit mainland mobile number");
    if (tb_json_get_string(req->json, "username", false, USERNAME_MAX, &username) < 0 ||
        (username && !accounts_username_ok(username)))
        return tb_resp_problem(req, TB_ERR_INVALID, "username",
                               "用户名为 3 到 32 位小写字母、数字或 _ . -，以字母开头",
                               "username: 3-32 of a-z 0-9 _ . -, starting with a letter");
    r.username = username;
    if ((rc = accounts_need_string(req, "password", PASSWORD_MAX_BYTES, &password, "密码")) < 0)
        return rc;
    const char *why_zh, *why_en;
    if (password_check(r.kind, password, username, &why_zh, &why_en) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "password", why_zh, why_en);

    char norm[IDENT_ORG_LEN + 1];
    enum ident_kind ik = r.kind == ACCOUNT_PERSON ? IDENT_PERSON : IDENT_ORG;
    ident_normalise(ik, number, strlen(number), norm, sizeof(norm));
    /* Real-name verification through the configured verifier (verifier.c). */
    const struct realname_verifier *v = realname_verifier_find(app->cfg.realname_verifier);
    if (!v)
        return TB_ERR_UNAVAILABLE;
    struct realname_request rr = {r.kind, r.name, norm, phone};
    if ((rc = v->verify(&rr, &why_zh, &why_en)) == TB_ERR_INVALID)
        return tb_resp_problem(req, TB_ERR_INVALID, num_field, why_zh, why_en);
    if (rc < 0)
        return rc;
    r.verifier = v->recorded;
    ident_mask(ik, norm, strlen(norm), r.id_masked, sizeof(r.id_masked));
    ident_mask(IDENT_PHONE, phone, strlen(phone), r.phone_masked, sizeof(r.phone_masked));
    struct tb_db_conn *c;
    if ((rc = tb_db_read_conn(app->db, &c)) < 0)
        return rc;
    r.iter = settings_pbkdf2_iterations(c);
    r.now = tb_time_now_ms();
    if ((rc = pii_index(app, "id", norm, r.id_index)) < 0 ||
        (rc = pii_index(app, "phone", phone, r.phone_index)) < 0 ||
        (rc = pii_seal(app, "accounts.id_number", norm, &req->arena, &r.id_enc, &r.id_enc_len)) <
            0 ||
        (rc = pii_seal(app, "accounts.phone", phone, &req->arena, &r.phone_enc, &r.phone_enc_len)) <
            0 ||
        (rc = tb_random(r.salt, sizeof(r.salt))) < 0 ||
        (rc = password_hash(password, r.salt, r.iter, r.hash)) < 0)
        return rc;
    rc = tb_db_write(app->db, write_register, &r);
    if (rc == TB_ERR_CONFLICT)
        return tb_resp_problem(
            req, TB_ERR_CONFLICT, r.conflict_field,
            strcmp(r.conflict_field, "username") == 0 ? "该用户名已被使用" : "该证件号码已注册",
            strcmp(r.conflict_field, "username") == 0 ? "This user name is taken"
                                                      : "An account with this number exists");
    if (rc < 0)
        return rc;
    struct account acc;
    if ((rc = store_account_by_id(c, r.id, &req->arena, &acc)) < 0)
        return rc;
    return tb_resp_json(req, 201, json_pack("{s:o*}", "account", account_json(&acc, NULL)));
}

/* ---- login ---------------------------------------------------------------------- */

struct login {
    struct tb_app *app;
    struct tb_req *req;
    unsigned char name_key[TB_HMAC_SM3_LEN];
    const struct account *acc; /* NULL for an unknown name */
    bool ok;
    int64_t now, locked_until;
    /* On success: */
    bool rehash; /* the setting changed since the hash was made */
    int new_iter;
    unsigned char new_salt[SALT_LEN], new_hash[TB_SM3_LEN];
    char token[64], csrf[64], public_id[2 * PUBLIC_ID_LEN + 1];
    int64_t idle_ms, expires_at, session_id;
    const char *user_agent;
};

/* Reserves one attempt for the name before its password is checked: counts
 * the failures of the window and, unless the name is locked, records this
 * attempt as a failure (undone by a successful login). The writer runs one
 * write at a time, so concurrent guesses cannot all pass the count: at most
 * LOGIN_FAILURES_MAX attempts are checked per window. */
static int write_login_attempt(struct tb_db_conn *c, void *ctx)
{
    struct login *l = ctx;
    struct tb_db_stmt *s = NULL;
    int failures = 0;
    int64_t last = 0;
    int rc = tb_db_prepare(c,
                           "SELECT count(*), coalesce(max(at_ms), 0) FROM login_failures "
                           "WHERE name_key = ?1 AND at_ms > ?2",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_blob(s, 1, l->name_key, sizeof(l->name_key));
    tb_db_bind_int64(s, 2, l->now - LOGIN_FAILURE_WINDOW_MS);
    rc = tb_db_step(s);
    if (rc == TB_DB_ROW) {
        failures = (int)tb_db_column_int64(s, 0);
        last = tb_db_column_int64(s, 1);
    }
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    l->locked_until = lockout_until(l->acc && l->acc->kind == ACCOUNT_STAFF, failures, last);
    if (l->locked_until > l->now) {
        struct audit_event e;
        char oid[24];
        audit_from_req(l->req, NULL, &e);
        e.action = "session.login_locked";
        e.result = "denied";
        e.object_type = "account";
        if (l->acc) {
            snprintf(oid, sizeof(oid), "%lld", (long long)l->acc->id);
            e.object_id = oid;
        }
        return audit_append(c, &l->app->audit, &e, NULL);
    }
    rc = tb_db_prepare(c, "INSERT INTO login_failures(name_key, at_ms) VALUES (?1, ?2)", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_blob(s, 1, l->name_key, sizeof(l->name_key));
    tb_db_bind_int64(s, 2, l->now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    return rc < 0 ? rc : TB_OK;
}

static int write_login_failure(struct tb_db_conn *c, void *ctx)
{
    struct login *l = ctx;
    struct audit_event e;
    char oid[24];
    audit_from_req(l->req, NULL, &e);
    e.action = "session.login_failed";
    e.result = "failed";
    e.object_type = "account";
    if (l->acc) {
        snprintf(oid, sizeof(oid), "%lld", (long long)l->acc->id);
        e.object_id = oid;
    }
    return audit_append(c, &l->app->audit, &e, NULL);
}

static int write_login_ok(struct tb_db_conn *c, void *ctx)
{
    struct login *l = ctx;
    unsigned char th[TB_HMAC_SM3_LEN], ch[TB_HMAC_SM3_LEN];
    int rc;
    if ((rc = tb_hmac_sm3(l->app->keys.token_mac, TB_KEY_LEN, l->token, strlen(l->token), th)) <
            0 ||
        (rc = tb_hmac_sm3(l->app->keys.token_mac, TB_KEY_LEN, l->csrf, strlen(l->csrf), ch)) < 0)
        return rc;
    struct tb_db_stmt *s = NULL;
    rc = tb_db_prepare(c, "DELETE FROM login_failures WHERE name_key = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_blob(s, 1, l->name_key, sizeof(l->name_key));
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    rc = tb_db_prepare(c,
                       "INSERT INTO sessions(public_id, token_hash, csrf_hash, account_id, "
                       "created_at, last_seen_at, idle_ms, expires_at, ip, user_agent) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?9)",
                       &s);
    if (rc < 0)
        return rc;
    tb_db_bind_text(s, 1, l->public_id, -1);
    tb_db_bind_blob(s, 2, th, sizeof(th));
    tb_db_bind_blob(s, 3, ch, sizeof(ch));
    tb_db_bind_int64(s, 4, l->acc->id);
    tb_db_bind_int64(s, 5, l->now);
    tb_db_bind_int64(s, 6, l->idle_ms);
    tb_db_bind_int64(s, 7, l->expires_at);
    tb_db_bind_text(s, 8, l->req->peer, -1);
    if (l->user_agent)
        tb_db_bind_text(s, 9, l->user_agent, -1);
    else
        tb_db_bind_null(s, 9);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    l->session_id = tb_db_last_insert_id(c);
    if (l->rehash) {
        rc = tb_db_prepare(c,
                           "UPDATE accounts SET pw_hash = ?2, pw_salt = ?3, pw_iter = ?4 "
                           "WHERE id = ?1",
                           &s);
        if (rc < 0)
            return rc;
        tb_db_bind_int64(s, 1, l->acc->id);
        tb_db_bind_blob(s, 2, l->new_hash, sizeof(l->new_hash));
        tb_db_bind_blob(s, 3, l->new_salt, sizeof(l->new_salt));
        tb_db_bind_int64(s, 4, l->new_iter);
        rc = tb_db_step(s);
        tb_db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    struct principal p;
    principal_from_account(l->acc, l->session_id, &p);
    struct audit_event e;
    char oid[24];
    audit_from_req(l->req, &p, &e);
    snprintf(oid, sizeof(oid), "%lld", (long long)l->session_id);
    e.action = "session.login";
    e.object_type = "session";
    e.object_id = oid;
    return audit_append(c, &l->app->audit, &e, NULL);
}

/* Finds the account a login name names: an ID number or credit code (by
 * its blind index), else a user name. */
int accounts_find_login(struct tb_req *req, struct tb_db_conn *c, const char *name,
                        struct account *acc)
{
    struct tb_app *app = req->app;
    struct ident_result ir;
    char norm[IDENT_ORG_LEN + 1];
    size_t n = strlen(name);
    bool person = ident_check_person(name, n, today_yyyymmdd(), &ir) == 0;
    bool org = !person && ident_check_org(name, n, &ir) == 0;
    if (person || org) {
        unsigned char idx[TB_HMAC_SM3_LEN];
        ident_normalise(person ? IDENT_PERSON : IDENT_ORG, name, n, norm, sizeof(norm));
        int rc = pii_index(app, "id", norm, idx);
        return rc < 0 ? rc : store_account_by_index(c, idx, &req->arena, acc);
    }
    char low[USERNAME_MAX + 1];
    if (n > USERNAME_MAX)
        return TB_ERR_NOT_FOUND;
    lower_copy(name, low, sizeof(low));
    return store_account_by_username(c, low, &req->arena, acc);
}

/* The PBKDF2 work every failed login does: the largest iteration count of
 * any account (or the setting, if larger). An unknown name is hashed that
 * many times; a known account whose hash has fewer is padded with dummy
 * work up to it; so a failure takes as long whether or not the name exists
 * and whatever the account's hash age. Refreshed every minute. */
static int dummy_iterations(struct tb_db_conn *c)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static int cached;
    static int64_t cached_at;
    int64_t now = tb_time_now_ms();
    pthread_mutex_lock(&lock);
    int v = cached;
    bool stale = !cached || now - cached_at > 60000;
    pthread_mutex_unlock(&lock);
    if (!stale)
        return v;
    struct tb_db_stmt *s = NULL;
    v = settings_pbkdf2_iterations(c);
    if (tb_db_prepare(c, "SELECT coalesce(max(pw_iter), 0) FROM accounts", &s) == 0) {
        if (tb_db_step(s) == TB_DB_ROW && tb_db_column_int64(s, 0) > v)
            v = (int)tb_db_column_int64(s, 0);
        tb_db_stmt_done(s);
    }
    pthread_mutex_lock(&lock);
    cached = v;
    cached_at = now;
    pthread_mutex_unlock(&lock);
    return v;
}

static void set_cookie(struct tb_req *req, const char *token, int64_t max_age_s)
{
    struct tb_app *app = req->app;
    char *v = tb_arena_printf(
        &req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", SESSION_COOKIE,
        token, (long long)max_age_s, app->cfg.cookie_secure ? "; Secure" : "");
    if (v)
        tb_resp_header(req, "Set-Cookie", v);
}

int accounts_api_login(struct tb_req *req)
{
    static const char *const fields[] = {"username", "password", NULL};
    struct tb_app *app = req->app;
    const char *name, *password;
    int rc;
    if ((rc = accounts_only_fields(req, fields)) < 0)
        return rc;
    if (tb_json_get_string(req->json, "username", true, 64, &name) < 0 ||
        tb_json_get_string(req->json, "password", true, PASSWORD_MAX_BYTES, &password) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, NULL, "请输入账号和密码",
                               "username and password are required");
    struct tb_db_conn *c;
    if ((rc = tb_db_read_conn(app->db, &c)) < 0)
        return rc;
    struct login l = {0};
    l.app = app;
    l.req = req;
    l.now = tb_time_now_ms();
    struct account acc;
    rc = accounts_find_login(req, c, name, &acc);
    if (rc < 0 && rc != TB_ERR_NOT_FOUND)
        return rc;
    l.acc = rc == 0 ? &acc : NULL;
    /* Failures count per account, whichever of its names was used (user
     * name, ID number, credit code); per name for names of no account. */
    char key[80];
    if (l.acc)
        snprintf(key, sizeof(key), "account:%lld", (long long)l.acc->id);
    else {
        memcpy(key, "name:", 5);
        lower_copy(name, key + 5, sizeof(key) - 5);
    }
    if ((rc = tb_hmac_sm3(app->keys.token_mac, TB_KEY_LEN, key, strlen(key), l.name_key)) < 0)
        return rc;
    if ((rc = tb_db_write(app->db, write_login_attempt, &l)) < 0)
        return rc;
    int64_t until = l.locked_until;
    if (until > l.now) {
        tb_resp_problem(req, TB_ERR_RATE_LIMITED, NULL,
                        "登录失败次数过多，账号已暂时锁定，请稍后再试",
                        "Too many failed logins: locked for a while, try again later");
        char ra[24];
        snprintf(ra, sizeof(ra), "%lld", (long long)((until - l.now + 999) / 1000));
        tb_resp_header(req, "Retry-After", ra);
        return TB_ERR_RATE_LIMITED;
    }

    /* The same work for every name: unknown ones hash against a fixed salt. */
    static const unsigned char dummy_salt[SALT_LEN] = "tongban-nobody!";
    unsigned char h[TB_SM3_LEN];
    int full = dummy_iterations(c);
    int iter = l.acc ? l.acc->pw_iter : full;
    if ((rc = password_hash(password, l.acc ? l.acc->pw_salt : dummy_salt, iter, h)) < 0)
        return rc;
    l.ok = l.acc && tb_ct_equal(h, l.acc->pw_hash, sizeof(h)) && !l.acc->disabled;
    if (!l.ok) {
        unsigned char pad[TB_SM3_LEN];
        if (iter < full && (rc = password_hash(password, dummy_salt, full - iter, pad)) < 0)
            return rc;
        if ((rc = tb_db_write(app->db, write_login_failure, &l)) < 0)
            return rc;
        return tb_resp_problem(req, TB_ERR_LOGIN_FAILED, NULL, "账号或密码错误",
                               "Wrong user name or password");
    }

    unsigned char pid[PUBLIC_ID_LEN];
    if ((rc = accounts_random_token(l.token)) < 0 ||
        (rc = accounts_csrf_token(app, l.token, l.csrf)) < 0 ||
        (rc = tb_random(pid, sizeof(pid))) < 0 ||
        (rc = tb_hex_encode(pid, sizeof(pid), l.public_id, sizeof(l.public_id))) < 0)
        return rc;
    /* The security administrator changed the iteration count: bring this
     * account's hash to it now that we hold the password. */
    l.new_iter = settings_pbkdf2_iterations(c);
    if (l.acc->pw_iter != l.new_iter) {
        if ((rc = tb_random(l.new_salt, sizeof(l.new_salt))) < 0 ||
            (rc = password_hash(password, l.new_salt, l.new_iter, l.new_hash)) < 0)
            return rc;
        l.rehash = true;
    }
    l.idle_ms = settings_session_idle_ms(c, l.acc->kind == ACCOUNT_STAFF);
    l.expires_at = l.now + SESSION_ABSOLUTE_MS;
    const char *ua = tb_req_header(req, "User-Agent");
    if (ua && tb_utf8_valid(ua, strlen(ua)))
        l.user_agent = tb_arena_strndup(&req->arena, ua,
                                        strlen(ua) > USER_AGENT_MAX ? USER_AGENT_MAX : strlen(ua));
    if ((rc = tb_db_write(app->db, write_login_ok, &l)) < 0)
        return rc;
    struct principal p;
    principal_from_account(l.acc, l.session_id, &p);
    char exp[32];
    tb_time_format_iso(l.expires_at, exp, sizeof(exp));
    rc = tb_resp_json(req, 200,
                      json_pack("{s:s,s:o*,s:s,s:b}", "csrf_token", l.csrf, "account",
                                account_json(l.acc, &p), "expires_at", exp, "must_change_password",
                                p.must_change_password));
    set_cookie(req, l.token, SESSION_ABSOLUTE_MS / 1000);
    return rc;
}

/* ---- logout, me, sessions --------------------------------------------------------- */

struct revoke {
    struct tb_app *app;
    struct tb_req *req;
    const struct principal *p;
    const char *public_id; /* NULL: the current session */
    const char *reason;
    int64_t now;
};

static int write_revoke(struct tb_db_conn *c, void *ctx)
{
    struct revoke *r = ctx;
    struct tb_db_stmt *s = NULL;
    int rc;
    if (r->public_id)
        rc = tb_db_prepare(c,
                           "UPDATE sessions SET revoked_at = ?3, revoke_reason = ?4 "
                           "WHERE public_id = ?1 AND account_id = ?2 AND revoked_at IS NULL",
                           &s);
    else
        rc = tb_db_prepare(c,
                           "UPDATE sessions SET revoked_at = ?3, revoke_reason = ?4 "
                           "WHERE id = ?1 AND account_id = ?2 AND revoked_at IS NULL",
                           &s);
    if (rc < 0)
        return rc;
    if (r->public_id)
        tb_db_bind_text(s, 1, r->public_id, -1);
    else
        tb_db_bind_int64(s, 1, r->p->session_id);
    tb_db_bind_int64(s, 2, r->p->account_id);
    tb_db_bind_int64(s, 3, r->now);
    tb_db_bind_text(s, 4, r->reason, -1);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (tb_db_changes(c) == 0)
        return TB_ERR_NOT_FOUND; /* not one of yours: the same as none */
    struct audit_event e;
    audit_from_req(r->req, r->p, &e);
    e.action = r->public_id ? "session.end" : "session.logout";
    e.object_type = "session";
    e.object_id = r->public_id;
    e.reason = r->reason;
    return audit_append(c, &r->app->audit, &e, NULL);
}

int accounts_api_logout(struct tb_req *req)
{
    struct revoke r = {req->app, req, req->user, NULL, "logout", tb_time_now_ms()};
    int rc = tb_db_write(r.app->db, write_revoke, &r);
    if (rc < 0)
        return rc;
    tb_resp_text(req, 204, NULL, "", 0);
    set_cookie(req, "", 0);
    return TB_OK;
}

int accounts_api_me(struct tb_req *req)
{
    struct tb_app *app = req->app;
    const struct principal *p = req->user;
    struct tb_db_conn *c;
    struct account acc;
    if (p->client_id) {
        const char *perms[16];
        size_t n = principal_permissions(p, perms, 16);
        json_t *pa = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(pa, json_string(perms[i]));
        return tb_resp_json(
            req, 200,
            json_pack("{s:{s:s,s:o}}", "client", "name", p->role_name, "permissions", pa));
    }
    int rc = tb_db_read_conn(app->db, &c);
    if (rc == 0)
        rc = store_account_by_id(c, p->account_id, &req->arena, &acc);
    if (rc < 0)
        return rc;
    json_t *o = json_pack("{s:o*}", "account", account_json(&acc, p));
    char csrf[64];
    const char *token = accounts_session_token(req);
    if (o && token && accounts_csrf_token(app, token, csrf) == 0)
        json_object_set_new(o, "csrf_token", json_string(csrf));
    if (o && p->on_behalf_of) {
        /* 代办: name the applicant being acted for, masked like everywhere. */
        struct account pr;
        if ((rc = store_account_by_id(c, p->on_behalf_of, &req->arena, &pr)) < 0) {
            json_decref(o);
            return rc;
        }
        json_object_set_new(o, "acting_for",
                            json_pack("{s:I,s:s,s:s,s:s?}", "id", (json_int_t)pr.id, "kind",
                                      account_kind_name(pr.kind), "name", pr.name,
                                      "id_number_masked", pr.id_number_masked));
    }
    return tb_resp_json(req, 200, o);
}

int accounts_api_my_sessions(struct tb_req *req)
{
    struct tb_app *app = req->app;
    const struct principal *p = req->user;
    struct tb_db_conn *c;
    struct tb_db_stmt *s = NULL;
    int64_t now = tb_time_now_ms();
    int rc = tb_db_read_conn(app->db, &c);
    if (rc == 0)
        rc = tb_db_prepare(c,
                           "SELECT id, public_id, created_at, last_seen_at, expires_at, ip, "
                           "user_agent FROM sessions WHERE account_id = ?1 AND revoked_at IS NULL "
                           "AND expires_at > ?2 AND last_seen_at + idle_ms > ?2 "
                           "ORDER BY created_at DESC LIMIT 100",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, p->account_id);
    tb_db_bind_int64(s, 2, now);
    json_t *list = json_array();
    while ((rc = tb_db_step(s)) == TB_DB_ROW) {
        char created[32], seen[32], exp[32];
        tb_time_format_iso(tb_db_column_int64(s, 2), created, sizeof(created));
        tb_time_format_iso(tb_db_column_int64(s, 3), seen, sizeof(seen));
        tb_time_format_iso(tb_db_column_int64(s, 4), exp, sizeof(exp));
        json_array_append_new(
            list,
            json_pack("{s:s,s:s,s:s,s:s,s:s?,s:s?,s:b}", "id", tb_db_column_text(s, 1),
                      "created_at", created, "last_seen_at", seen, "expires_at", exp, "ip",
                      tb_db_column_is_null(s, 5) ? NULL : tb_db_column_text(s, 5), "user_agent",
                      tb_db_column_is_null(s, 6) ? NULL : tb_db_column_text(s, 6), "current",
                      tb_db_column_int64(s, 0) == p->session_id));
    }
    tb_db_stmt_done(s);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    return tb_resp_json(req, 200, json_pack("{s:o}", "sessions", list));
}

int accounts_api_end_session(struct tb_req *req)
{
    const char *id = tb_req_param(req, "id");
    struct revoke r = {req->app, req, req->user, id, "ended by the user", tb_time_now_ms()};
    if (!id || strlen(id) != 2 * PUBLIC_ID_LEN)
        return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "没有这个会话", "No such session");
    int rc = tb_db_write(r.app->db, write_revoke, &r);
    if (rc == TB_ERR_NOT_FOUND)
        return tb_resp_problem(req, TB_ERR_NOT_FOUND, NULL, "没有这个会话", "No such session");
    if (rc < 0)
        return rc;
    return tb_resp_text(req, 204, NULL, "", 0);
}

/* ---- password change ----------------------------------------------------------------- */

struct pwchange {
    struct tb_app *app;
    struct tb_req *req;
    const struct principal *p;
    unsigned char name_key[TB_HMAC_SM3_LEN]; /* its attempts, cleared on success */
    unsigned char salt[SALT_LEN], hash[TB_SM3_LEN];
    int iter;
    int64_t now;
};

static int write_password(struct tb_db_conn *c, void *ctx)
{
    struct pwchange *w = ctx;
    struct tb_db_stmt *s = NULL;
    int rc = tb_db_prepare(c,
                           "UPDATE accounts SET pw_hash = ?2, pw_salt = ?3, pw_iter = ?4, "
                           "pw_changed_at = ?5, must_change_pw = 0, updated_at = ?5 WHERE id = ?1",
                           &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, w->p->account_id);
    tb_db_bind_blob(s, 2, w->hash, sizeof(w->hash));
    tb_db_bind_blob(s, 3, w->salt, sizeof(w->salt));
    tb_db_bind_int64(s, 4, w->iter);
    tb_db_bind_int64(s, 5, w->now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    rc = tb_db_prepare(c, "DELETE FROM login_failures WHERE name_key = ?1", &s);
    if (rc < 0)
        return rc;
    tb_db_bind_blob(s, 1, w->name_key, sizeof(w->name_key));
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    /* RULE: issue 4 a password change ends every other session */
    rc = tb_db_prepare(c,
                       "UPDATE sessions SET revoked_at = ?3, revoke_reason = 'password changed' "
                       "WHERE account_id = ?1 AND id <> ?2 AND revoked_at IS NULL",
                       &s);
    if (rc < 0)
        return rc;
    tb_db_bind_int64(s, 1, w->p->account_id);
    tb_db_bind_int64(s, 2, w->p->session_id);
    tb_db_bind_int64(s, 3, w->now);
    rc = tb_db_step(s);
    tb_db_stmt_done(s);
    if (rc < 0)
        return rc;
    struct audit_event e;
    char oid[24];
    audit_from_req(w->req, w->p, &e);
    snprintf(oid, sizeof(oid), "%lld", (long long)w->p->account_id);
    e.action = "account.password_change";
    e.object_type = "account";
    e.object_id = oid;
    return audit_append(c, &w->app->audit, &e, NULL);
}

int accounts_api_change_password(struct tb_req *req)
{
    static const char *const fields[] = {"old_password", "new_password", NULL};
    struct tb_app *app = req->app;
    struct pwchange w = {0};
    const char *old_pw, *new_pw;
    int rc;
    w.app = app;
    w.req = req;
    w.p = req->user;
    if ((rc = accounts_only_fields(req, fields)) < 0)
        return rc;
    if ((rc = accounts_need_string(req, "old_password", PASSWORD_MAX_BYTES, &old_pw, "原密码")) <
            0 ||
        (rc = accounts_need_string(req, "new_password", PASSWORD_MAX_BYTES, &new_pw, "新密码")) < 0)
        return rc;
    struct tb_db_conn *c;
    struct account acc;
    if ((rc = tb_db_read_conn(app->db, &c)) < 0 ||
        (rc = store_account_by_id(c, w.p->account_id, &req->arena, &acc)) < 0)
        return rc;
    /* RULE: OWASP ASVS 4.0.3 V2.2.1 the current password is a password check:
     * its wrong guesses count toward the account's lockout like logins. */
    struct login l = {0};
    l.app = app;
    l.req = req;
    l.acc = &acc;
    l.now = tb_time_now_ms();
    char key[40];
    snprintf(key, sizeof(key), "account:%lld", (long long)acc.id);
    if ((rc = tb_hmac_sm3(app->keys.token_mac, TB_KEY_LEN, key, strlen(key), l.name_key)) < 0 ||
        (rc = tb_db_write(app->db, write_login_attempt, &l)) < 0)
        return rc;
    if (l.locked_until > l.now) {
        tb_resp_problem(req, TB_ERR_RATE_LIMITED, NULL, "密码错误次数过多，请稍后再试",
                        "Too many wrong passwords: try again later");
        char ra[24];
        snprintf(ra, sizeof(ra), "%lld", (long long)((l.locked_until - l.now + 999) / 1000));
        tb_resp_header(req, "Retry-After", ra);
        return TB_ERR_RATE_LIMITED;
    }
    unsigned char h[TB_SM3_LEN];
    if ((rc = password_hash(old_pw, acc.pw_salt, acc.pw_iter, h)) < 0)
        return rc;
    if (!tb_ct_equal(h, acc.pw_hash, sizeof(h))) {
        if ((rc = tb_db_write(app->db, write_login_failure, &l)) < 0)
            return rc;
        return tb_resp_problem(req, TB_ERR_INVALID, "old_password", "原密码不正确",
                               "The current password is wrong");
    }
    memcpy(w.name_key, l.name_key, sizeof(w.name_key));
    const char *why_zh, *why_en;
    if (password_check(acc.kind, new_pw, acc.username, &why_zh, &why_en) < 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "new_password", why_zh, why_en);
    if (strcmp(old_pw, new_pw) == 0)
        return tb_resp_problem(req, TB_ERR_INVALID, "new_password", "新密码不能与原密码相同",
                               "The new password must differ from the current one");
    w.iter = settings_pbkdf2_iterations(c);
    w.now = tb_time_now_ms();
    if ((rc = tb_random(w.salt, sizeof(w.salt))) < 0 ||
        (rc = password_hash(new_pw, w.salt, w.iter, w.hash)) < 0 ||
        (rc = tb_db_write(app->db, write_password, &w)) < 0)
        return rc;
    return tb_resp_text(req, 204, NULL, "", 0);
}
