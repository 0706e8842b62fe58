/*
 * internal.h - what audit.c, verify.c and api.c share and nobody else sees:
 * the canonical form of an event, the messages that are MAC'd or signed, and
 * the column order every statement over audit_events uses.
 *
 * One field table (AUDIT_F_*) drives the INSERT, the verifier's SELECT and the
 * hash, so a column cannot be stored without being hashed, or hashed in a
 * different order than it is read back.
 */
#ifndef TB_AUDIT_INTERNAL_H
#define TB_AUDIT_INTERNAL_H

#include "audit/audit.h"
#include "lib/crypto.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fields in canonical order; also the column order of AUDIT_COLUMNS. */
enum audit_field_id {
    AUDIT_F_SEQ,
    AUDIT_F_AT_MS,
    AUDIT_F_ACTOR_ID,
    AUDIT_F_ACTOR_ROLE,
    AUDIT_F_ON_BEHALF_OF,
    AUDIT_F_ORG_ID,
    AUDIT_F_IP,
    AUDIT_F_ACTION,
    AUDIT_F_OBJECT_TYPE,
    AUDIT_F_OBJECT_ID,
    AUDIT_F_RESULT,
    AUDIT_F_REQUEST_ID,
    AUDIT_F_BEFORE_JSON,
    AUDIT_F_AFTER_JSON,
    AUDIT_F_REASON,
    AUDIT_F__COUNT
};

/* The columns in AUDIT_F_* order, then prev_hash and hash. */
#define AUDIT_COLUMNS                                                                              \
    "seq, at_ms, actor_id, actor_role, on_behalf_of, org_id, ip, action, object_type, "            \
    "object_id, result, request_id, before_json, after_json, reason"
#define AUDIT_COL_PREV_HASH AUDIT_F__COUNT
#define AUDIT_COL_HASH      (AUDIT_F__COUNT + 1)

/* One field value as stored: an integer, or text with an explicit length
 * (text read back from the database may hold a NUL). is_null for SQL NULL. */
struct audit_value {
    bool is_null;
    int64_t i;
    const char *s;
    size_t len;
};

/* An event as stored: what is hashed. */
struct audit_row {
    struct audit_value v[AUDIT_F__COUNT];
};

/* Whether field f is an integer column. */
bool audit_field_is_int(enum audit_field_id f);
/* The column name of field f ("actor_id"). */
const char *audit_field_name(enum audit_field_id f);

/* hash = SM3(prev_hash || canonical(row)). 0, TB_ERR_NOMEM or TB_ERR_CRYPTO. */
int audit_row_hash(const unsigned char prev_hash[TB_SM3_LEN], const struct audit_row *row,
                   unsigned char out[TB_SM3_LEN]);

/* The head MAC: HMAC-SM3(key, seq BE64 || hash). */
int audit_head_mac(const unsigned char *key, int64_t seq, const unsigned char hash[TB_SM3_LEN],
                   unsigned char out[TB_HMAC_SM3_LEN]);

/* Signed / MAC'd messages. Checkpoint: "tongban-audit-checkpoint v1" || seq
 * || at_ms || hash; anchor: "tongban-audit-anchor v1" || seq || at_ms ||
 * hash. out must hold AUDIT_SIGNED_MSG_MAX bytes; returns the length. */
#define AUDIT_SIGNED_MSG_MAX 96
size_t audit_checkpoint_msg(int64_t seq, int64_t at_ms, const unsigned char hash[TB_SM3_LEN],
                            unsigned char *out);
size_t audit_anchor_msg(int64_t seq, int64_t at_ms, const unsigned char hash[TB_SM3_LEN],
                        unsigned char *out);

/* Writes v as 8 bytes big-endian. */
void audit_put_be64(unsigned char *p, int64_t v);

/* The results an event may have ("ok", "denied", "failed"). */
bool audit_result_known(const char *s);
/* True when s is a well-formed action name: [a-z0-9_] segments joined by
 * '.', at most AUDIT_ACTION_MAX bytes; allow_trailing_dot admits the
 * "session." prefix form the API filters with. */
bool audit_action_ok(const char *s, bool allow_trailing_dot);

#endif
