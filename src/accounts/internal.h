/*
 * internal.h - shared by the files of the accounts feature only.
 */
#ifndef TB_ACCOUNTS_INTERNAL_H
#define TB_ACCOUNTS_INTERNAL_H

#include "accounts/accounts.h"
#include "accounts/api.h"
#include "app/app.h"
#include "lib/crypto.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define SALT_LEN       16
#define TOKEN_LEN      32 /* 256-bit session tokens (issue 4) */
#define PUBLIC_ID_LEN  12
#define SESSION_COOKIE "tb_session"
#define NAME_MAX_CHARS 100
#define USERNAME_MAX   32

/* A row of accounts, as the feature uses it. Strings live in the arena. */
struct account {
    int64_t id;
    enum account_kind kind;
    const char *username;
    const char *name;
    const char *id_number_masked;
    const char *phone_masked;
    const char *legal_rep;
    const char *contact_name;
    int64_t org_id;
    const char *org_name;
    int authority_level;
    unsigned roles;
    unsigned char pw_hash[TB_SM3_LEN];
    unsigned char pw_salt[SALT_LEN];
    int pw_iter;
    int64_t pw_changed_at;
    bool must_change_pw;
    bool disabled;
    int64_t created_at;
};

/* pii.c: sealing and blind indexes of personal data. */
int pii_index(const struct tb_app *app, const char *label, const char *value,
              unsigned char out[TB_HMAC_SM3_LEN]);
/* Password hashing through a semaphore sized to the cores (a hash takes
 * ~100 ms; unbounded, logins would starve everything else). */
int password_hash(const char *password, const unsigned char salt[SALT_LEN], int iterations,
                  unsigned char out[TB_SM3_LEN]);

/* verifier.c: real-name verification behind one interface. */
struct realname_request {
    enum account_kind kind;
    const char *name;
    const char *number; /* normalised ID number or credit code */
    const char *phone;
};
struct realname_verifier {
    const char *name;     /* the setting's value */
    const char *recorded; /* what accounts.verifier records */
    /* 0 when the identity is confirmed; TB_ERR_INVALID with a reason when it
     * is refused; another error when the service cannot answer. */
    int (*verify)(const struct realname_request *r, const char **why_zh, const char **why_en);
};
const struct realname_verifier *realname_verifier_find(const char *name);

/* store.c */
int store_account_by_id(struct tb_db_conn *c, int64_t id, struct tb_arena *a, struct account *out);
int store_account_by_username(struct tb_db_conn *c, const char *username, struct tb_arena *a,
                              struct account *out);
int store_account_by_index(struct tb_db_conn *c, const unsigned char idx[TB_HMAC_SM3_LEN],
                           struct tb_arena *a, struct account *out);
int64_t store_setting_int(struct tb_db_conn *c, const char *key, int64_t dflt);
/* The account a login name names: an ID number or credit code (by its blind
 * index), else a user name (api_session.c). */
int accounts_find_login(struct tb_req *req, struct tb_db_conn *c, const char *name,
                        struct account *acc);

/* The JSON form of an account for answers (masked, never a full number). */
json_t *account_json(const struct account *a, const struct principal *as);
/* True when a staff password is older than 90 days. */
bool account_password_expired(const struct account *a, int64_t now);
/* The principal for an account. */
void principal_from_account(const struct account *a, int64_t session_id, struct principal *p);

/* Current settings (security admin may tighten them). */
int64_t settings_session_idle_ms(struct tb_db_conn *c, bool staff);
int settings_pbkdf2_iterations(struct tb_db_conn *c);

/* Request helpers (api_session.c). Each answers the problem itself and
 * returns its error. */
int accounts_random_token(char *out); /* 43 characters + NUL */
bool accounts_username_ok(const char *u);
/* The CSRF token of a session (43 characters + NUL into out). */
int accounts_csrf_token(const struct tb_app *app, const char *session_token, char *out);
/* The session token from the request's cookie, or NULL (arena copy). */
const char *accounts_session_token(struct tb_req *req);

/* The gate (gate.c) and the hooks the server needs. */
int accounts_gate(struct tb_req *req, const struct tb_route *route);

#endif
