/*
 * api.h - HTTP handlers of the accounts feature (identifier checks so far).
 */
#ifndef TB_ACCOUNTS_API_H
#define TB_ACCOUNTS_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/http.h"

struct audit_event;
struct principal;

/* ---- helpers every feature's handlers use ------------------------------------- */

/* v as compact JSON text with sorted keys, in the request arena (for audit
 * before/after); releases v. NULL when out of memory. */
char *accounts_json_text(struct tb_req *req, json_t *v);

/* An audit event from the request and principal (may be NULL): actor, role,
 * organisation, address, request id; the caller sets action and object. */
struct tb_app;
struct tb_arena;
/* Personal data sealed at rest under the installation's key, bound to a
 * label ("accounts.phone", "cases.post"); src/accounts/pii.c. */
int pii_seal(const struct tb_app *app, const char *label, const char *value, struct tb_arena *a,
             unsigned char **out, size_t *outlen);
int pii_open(const struct tb_app *app, const char *label, const unsigned char *in, size_t inlen,
             struct tb_arena *a, char **out);

void audit_from_req(struct tb_req *req, const struct principal *p, struct audit_event *e);

/* Request-body checks. Each answers the problem itself and returns its
 * error: only the allowed fields (a NULL-terminated list); a non-empty
 * string of at most max_chars characters (label_zh names it in Chinese). */
int accounts_only_fields(struct tb_req *req, const char *const *allowed);
int accounts_need_string(struct tb_req *req, const char *field, size_t max_chars, const char **out,
                         const char *label_zh);

/* ---- applicants, for other features (applicant.c) --------------------------------- */

struct tb_db_conn;

/* What a case needs to know of its applicant. Strings live in the request
 * arena. id_number (the full ID number or credit code) and phone are opened
 * only when asked for (prefilling the applicant's own form); else NULL. */
struct applicant_info {
    int64_t id;
    const char *kind; /* "person" or "org" */
    const char *name;
    const char *id_number_masked;
    const char *legal_rep; /* org accounts */
    const char *id_number;
    const char *phone;
};

/* The active applicant account (person or org) a login name names (user
 * name, ID number or credit code) into *id; TB_ERR_NOT_FOUND otherwise. */
int accounts_applicant_find(struct tb_req *req, struct tb_db_conn *c, const char *login_name,
                            int64_t *id);
/* The applicant with account id; open: also the full number and phone.
 * TB_ERR_NOT_FOUND for no such applicant. */
int accounts_applicant_get(struct tb_req *req, struct tb_db_conn *c, int64_t id, bool open,
                           struct applicant_info *out);

/* The same for the platform's own work (issuing a licence): the full ID
 * number or credit code is opened, strings live in a. */
int accounts_holder_get(const struct tb_app *app, struct tb_db_conn *c, struct tb_arena *a,
                        int64_t id, struct applicant_info *out);

/* The blind index the accounts keep of an ID number or credit code (kind
 * "person" or "org"; the number checked already), for finding what else
 * belongs to its holder (licences). */
int accounts_id_index(const struct tb_app *app, const char *kind, const char *number,
                      unsigned char out[32]);
/* The same index as stored with applicant account id (nothing decrypted);
 * TB_ERR_NOT_FOUND for staff or an account without a number. */
int accounts_stored_index(struct tb_db_conn *c, int64_t id, unsigned char out[32]);

/* ---- handlers -------------------------------------------------------------------- */

/* GET /api/v1/identifiers/check?kind=person|org&number=... */
int accounts_api_ident_check_get(struct tb_req *req);
/* POST /api/v1/identifiers/check {"kind","number"}: the same without the
 * number in the URL (SPEC §15: no personal data in URLs). */
int accounts_api_ident_check_post(struct tb_req *req);

/* POST /api/v1/accounts: register a person or an organisation. */
int accounts_api_register(struct tb_req *req);
/* POST /api/v1/sessions: log in. */
int accounts_api_login(struct tb_req *req);
/* DELETE /api/v1/sessions/current: log out. */
int accounts_api_logout(struct tb_req *req);
/* GET /api/v1/me */
int accounts_api_me(struct tb_req *req);
/* GET /api/v1/me/sessions, DELETE /api/v1/me/sessions/{id} */
int accounts_api_my_sessions(struct tb_req *req);
int accounts_api_end_session(struct tb_req *req);
/* PUT /api/v1/me/password */
int accounts_api_change_password(struct tb_req *req);

/* System administrator: staff accounts and the organisation list. */
int accounts_api_staff_list(struct tb_req *req);
int accounts_api_staff_create(struct tb_req *req);
int accounts_api_staff_update(struct tb_req *req);
int accounts_api_orgs_all(struct tb_req *req);
/* POST /api/v1/accounts/{id}/reveal: a full number, with a reason, audited. */
int accounts_api_reveal(struct tb_req *req);
/* Security administrator: GET/PUT /api/v1/security/settings */
int accounts_api_settings_get(struct tb_req *req);
int accounts_api_settings_put(struct tb_req *req);

/* System administrator: API clients of department systems. */
int accounts_api_clients_create(struct tb_req *req);
int accounts_api_clients_list(struct tb_req *req);
int accounts_api_clients_update(struct tb_req *req);
/* Applicants: agents (代办) they authorise. */
int accounts_api_agents_grant(struct tb_req *req);
int accounts_api_agents_list(struct tb_req *req);
int accounts_api_agents_revoke(struct tb_req *req);

/* Demo organisations and accounts (init --demo); existing ones are kept. */
struct tb_app;
int accounts_seed_demo(struct tb_app *app);
/* The three administrators with one-time passwords printed to out;
 * TB_ERR_CONFLICT when they exist already. */
#include <stdio.h>
int accounts_bootstrap(struct tb_app *app, FILE *out);
/* Loads the embedded common-password list and checks the configured
 * real-name verifier exists; once at start. */
int accounts_init(const char *verifier);

/* The authorisation gate the server calls for every non-public route. */
int accounts_gate(struct tb_req *req, const struct tb_route *route);

#endif
