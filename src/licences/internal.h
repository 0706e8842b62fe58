/*
 * internal.h - what the files of the licences feature share: the pure rules
 * (rules.c, unit tested), seals (seal.c), rows (store.c) and issuing
 * (issue.c). docs/licences.md is the contract.
 */
#ifndef TB_LICENCES_INTERNAL_H
#define TB_LICENCES_INTERNAL_H

#include "licences/licences.h"
#include "lib/crypto.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tb_req;
struct tb_db_stmt;

#define LICENCE_OID_PREFIX    "1.2.156.3005.2."
#define LICENCE_SERIAL_LEN    12
#define LICENCE_DATE_LEN      10
#define LICENCE_FIELDS_MAX    40
#define LICENCE_LABEL_MAX     40   /* characters */
#define LICENCE_VALUE_MAX     1000 /* characters */
#define LICENCE_NAME_MAX      100  /* type names, characters */
#define LICENCE_REASON_MAX    500
#define LICENCE_PURPOSE_MAX   200
#define LICENCE_YEARS_MAX     50
#define LICENCE_ISSUERS_MAX   50
#define LICENCE_FILE_FORMAT   "tongban-licence/1"
#define LICENCE_PDF_SUBJECT   "tongban-licence/1:"
#define LICENCE_CONTENT_LABEL "licences.content"
#define SEAL_ID_LEN           16 /* hex digits of the public id */

/* ---- rules.c: pure ---------------------------------------------------------------------- */

/* ISO 7064 MOD 37,36 check character over the characters of s that are not
 * dots; every other character must be 0-9 or A-Z. TB_OK or TB_ERR_INVALID. */
int licence_check_char(const char *s, char *out);

/* The identifier from its parts (docs/licences.md "The identifier"). */
int licence_no_make(const char *type_code, const char *issuer_credit, const char *serial,
                    int version, char *out, size_t cap);

/* The parts of an identifier, checked (shape and check character). */
struct licence_no_parts {
    char type_code[LICENCE_TYPE_CODE_MAX + 1];
    char issuer[19];
    char serial[LICENCE_SERIAL_LEN + 1];
    int version;
};
int licence_no_parse(const char *no, struct licence_no_parts *out);

/* 12 characters from 0-9A-Z out of n >= 12 random bytes (rejection
 * sampling, no bias); TB_ERR_INVALID when the bytes run out. */
int licence_serial_from(const unsigned char *rnd, size_t n, char out[LICENCE_SERIAL_LEN + 1]);

/* The 8-character check code from a MAC (40 bits, look-alike free). */
void licence_check_from_mac(const unsigned char mac[32], char out[LICENCE_CHECK_LEN + 1]);

/* A licence type code: 18-character credit code (GB 32100 shape) plus three
 * digits. */
bool licence_type_code_ok(const char *code);

/* The canonical form of v (sorted keys, compact, UTF-8, integers only):
 * a malloc'd string in *out. TB_ERR_INVALID when v holds a real number. */
int licence_canonical(const json_t *v, char **out);
/* True when text (n bytes) is exactly the canonical form of what it holds. */
bool licence_is_canonical(const char *text, size_t n);

/* valid_until for a validity of years from YYYY-MM-DD issued (0: none,
 * out ""). TB_ERR_INVALID for a bad date. */
int licence_valid_until(const char *issued, int years, char out[LICENCE_DATE_LEN + 1]);

/* YYYY-MM-DD that is a real date. */
bool licence_date_ok(const char *s);

/* A name for the public: persons keep the first character (张*, 欧阳**),
 * organisations the first two and the last two (示范****公司). */
void licence_mask_name(const char *name, bool org, char *out, size_t cap);

/* The status a verification reports (docs/licences.md "Verification"). */
enum licence_status {
    LS_VALID,
    LS_EXPIRED,
    LS_REVOKED,
    LS_SUPERSEDED,
    LS_TAMPERED,
};
const char *licence_status_name(enum licence_status s);
enum licence_status licence_status_eval(bool signature_ok, const char *stored_status,
                                        const char *valid_until, const char *today);

/* A licence type's fields checked and made canonical into out (an array
 * owned by the caller); problems go to p (path prefix "fields"). */
struct item_problems;
int licence_type_fields_check(const json_t *in, json_t *out, struct item_problems *p);

/* True when a type's fields (canonical) have one with key. */
bool licence_type_has_field(const json_t *fields, const char *key);

/* The face of a licence: for each type field, the application value (by
 * "from", or the same key) as text; a select field of form shows its
 * option's label. Missing values are left out; *missing names the first
 * required one missing (else NULL). A new object in *out; TB_ERR_NOMEM. */
int licence_face_from(const json_t *fields, const json_t *values, const json_t *form, json_t **out,
                      const char **missing);

/* ---- seal.c ----------------------------------------------------------------------------- */

struct seal_row {
    int64_t id;
    char public_id[SEAL_ID_LEN + 1];
    int64_t org_id;
    const char *org_code, *org_name, *credit_code;
    const char *status;
    const char *public_key; /* 130 hex */
    const char *fingerprint;
    int64_t created_at, rotated_at, revoked_at, replaces_id;
    const char *revoke_reason;
};

/* The active seal of an organisation; TB_ERR_NOT_FOUND when none. */
int seal_active_for(struct tb_db_conn *c, struct tb_arena *a, int64_t org_id, struct seal_row *out);
/* A seal by its row id or its public id. */
int seal_by_id(struct tb_db_conn *c, struct tb_arena *a, int64_t id, struct seal_row *out);
int seal_by_public_id(struct tb_db_conn *c, struct tb_arena *a, const char *pid,
                      struct seal_row *out);

/* Creates a seal for an organisation (a fresh SM2 key pair, the private key
 * sealed under the key-encryption key). replaces: the seal it rotates (0).
 * TB_ERR_CONFLICT when the organisation has an active seal already
 * (replaces 0) or no credit code (*why says which). */
int seal_create(struct tb_db_conn *c, struct tb_app *app, struct tb_arena *a, int64_t org_id,
                int64_t replaces, int64_t actor, int64_t now, struct seal_row *out,
                const char **why);

/* Signs msg with the seal's private key into sig (TB_SM2_SIG_MAX). */
int seal_sign(struct tb_db_conn *c, struct tb_app *app, const struct seal_row *seal,
              const void *msg, size_t n, unsigned char *sig, size_t *siglen);
/* Verifies with the seal's public key: TB_OK or TB_ERR_CRYPTO. */
int seal_verify(const struct seal_row *seal, const void *msg, size_t n, const unsigned char *sig,
                size_t siglen);

/* One use of a seal. */
int seal_use_log(struct tb_db_conn *c, int64_t seal_id, const char *kind, int64_t licence_id,
                 int64_t case_id, int64_t account_id, int64_t at);

/* The published form of a seal (docs/licences.md "Seal"). */
json_t *seal_json(const struct seal_row *s);

/* ---- store.c ---------------------------------------------------------------------------- */

/* Prepares sql, binds ?1 (text, or id when text is NULL) and steps: TB_OK
 * with *out on its first row (the caller reads it and calls
 * tb_db_stmt_done), TB_ERR_NOT_FOUND when there is none. */
int licences_one_row(struct tb_db_conn *c, const char *sql, int64_t id, const char *text,
                     struct tb_db_stmt **out);

struct licence_type_row {
    int64_t id;
    const char *code, *name, *holder_kind;
    json_t *fields; /* borrowed from the arena-owned decref list: see store.c */
    int validity_years;
    json_t *issuers;
    int64_t version, created_at, updated_at;
};

int licence_type_by_code(struct tb_db_conn *c, struct tb_arena *a, const char *code,
                         struct licence_type_row *out);
int licence_type_by_id(struct tb_db_conn *c, struct tb_arena *a, int64_t id,
                       struct licence_type_row *out);
void licence_type_row_free(struct licence_type_row *t);

/* A licence type to store (fields canonical, see licence_type_fields_check). */
struct licence_type_in {
    const char *code, *name, *holder_kind;
    const json_t *fields, *issuers;
    int validity_years;
};
/* Creates the type (if_match 0: TB_ERR_CONFLICT when the code exists) or
 * replaces version if_match of it (TB_ERR_PRECONDITION when another version
 * is current, TB_ERR_NOT_FOUND when there is no such type). */
int licence_type_save(struct tb_db_conn *c, struct tb_arena *a, const struct licence_type_in *t,
                      int64_t if_match, int64_t now);

struct licence_row {
    int64_t id;
    const char *no;
    int64_t type_id;
    const char *type_code, *type_name;
    const char *serial;
    int version;
    int64_t issuer_org_id;
    const char *issuer_code, *issuer_name;
    int64_t seal_id;
    const char *holder_masked;
    unsigned char holder_index[TB_HMAC_SM3_LEN]; /* blind index of the holder's number */
    int64_t holder_account_id, case_id;
    const char *case_no;
    const char *trust_level, *issued_on, *valid_from, *valid_until;
    const unsigned char *content_enc;
    size_t content_len;
    const unsigned char *signature;
    size_t sig_len;
    const char *status;
    int64_t previous_id, replaced_by_id, revoked_at, created_at;
    const char *revoke_reason;
};

int licence_by_no(struct tb_db_conn *c, struct tb_arena *a, const char *no,
                  struct licence_row *out);
int licence_by_id(struct tb_db_conn *c, struct tb_arena *a, int64_t id, struct licence_row *out);
/* The number of a licence row id (previous / replaced_by), or NULL. */
const char *licence_no_of(struct tb_db_conn *c, struct tb_arena *a, int64_t id);

/* The signed content of a licence, opened and checked: *content (a new
 * object, NULL when it does not open), *text (the canonical bytes), and
 * *ok whether the signature verifies under its seal and the plain columns
 * agree with the content. */
int licence_open(struct tb_db_conn *c, struct tb_app *app, struct tb_arena *a,
                 const struct licence_row *l, json_t **content, const char **text, bool *ok,
                 struct seal_row *seal);

/* The Beijing date (YYYY-MM-DD) of ms. */
void licence_date_of(int64_t ms, char out[LICENCE_DATE_LEN + 1]);
/* today (YYYY-MM-DD) on the business clock. */
void licence_today(const struct tb_app *app, char out[LICENCE_DATE_LEN + 1]);

/* ---- issue.c ---------------------------------------------------------------------------- */

/* A licence to sign and store: the content's parts. */
struct licence_new {
    const struct licence_type_row *type;
    int64_t issuer_org_id;
    const char *holder_name, *holder_id_type, *holder_id; /* 111 | 001 */
    int64_t holder_account_id;
    int64_t case_id;
    const char *case_no;
    const char *trust_level;
    const char *issued_on, *valid_from, *valid_until; /* valid_until NULL: 长期 */
    json_t *face;                                     /* borrowed */
    const char *serial;                               /* NULL: a new random one */
    int version;                                      /* 1 for a new licence */
    int64_t previous_id;
    const char *previous_no;
    const char *event_kind; /* issue | import | change | renew */
    const char *reason;
    int64_t actor_id;
    int64_t now; /* wall clock, ms */
};

/* Signs with the issuer's active seal and stores the licence, its event
 * and the seal use. TB_ERR_CONFLICT with *why as licence_issue_for_case. */
int licence_store_new(struct tb_db_conn *c, struct tb_app *app, struct tb_arena *a,
                      const struct licence_new *n, int64_t *id, char *no, const char **why);

/* Appends a signed event (revoke ...) to a licence with seal. */
int licence_event_add(struct tb_db_conn *c, struct tb_app *app, struct tb_arena *a,
                      const struct seal_row *seal, int64_t licence_id, const char *no,
                      const char *kind, const char *reason, int64_t actor_id, int64_t case_id,
                      int64_t at);

/* Imports historical licences (import.c): rows checked first, faults into p
 * (TB_ERR_INVALID, nothing written), then all signed and stored in one
 * write, audited with actor ("system", "cli"). */
struct tb_app;
int licences_import(struct tb_app *app, struct tb_arena *a, const json_t *rows,
                    struct item_problems *p, const char *actor, size_t *written);

/* The licence file (docs/licences.md "The licence file"): a new object. */
json_t *licence_file_json(const json_t *content, const unsigned char *sig, size_t siglen,
                          const struct seal_row *seal);

/* Checks a licence file offline against pub (NULL: the key in the file).
 * *valid is the result; *why a static reason when not valid. TB_ERR_INVALID
 * when file is not a licence file at all. */
int licence_file_verify(const json_t *file, const struct tb_sm2_key *pub, bool *valid,
                        const char **why);

#endif
