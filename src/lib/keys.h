/*
 * keys.h - the installation's secret keys, held in files outside the
 * database (DATA/keys/, mode 0700, files 0600).
 *
 * master.key is 32 random bytes made by `tongban init`; every symmetric key
 * is derived from it with HMAC-SM3 and a label, so one file backs up all of
 * them and a stolen database alone reveals nothing (DESIGN: "key from a key
 * file outside the database, never in it"). The audit checkpoint key is an
 * SM2 key pair: the private half sealed with a key derived from master.key,
 * the public half in audit-sign.pub for anyone who verifies the log offline.
 */
#ifndef TB_KEYS_H
#define TB_KEYS_H

#include <stddef.h>

#define TB_KEY_LEN 32

struct tb_sm2_key;

struct tb_keys {
    unsigned char master[TB_KEY_LEN];
    unsigned char pii_seal[TB_KEY_LEN];    /* SM4-CTR+HMAC-SM3 sealing of personal data */
    unsigned char blind_index[TB_KEY_LEN]; /* HMAC-SM3 blind indexes for exact lookup */
    unsigned char audit_mac[TB_KEY_LEN];   /* MAC of the audit log's head */
    unsigned char token_mac[TB_KEY_LEN];   /* HMAC of session tokens and login throttling keys */
    unsigned char seal_kek[TB_KEY_LEN];    /* seals the private keys of electronic seals */
    struct tb_sm2_key *audit_sign;         /* signs audit checkpoints */
};

/* Creates dir (0700) and any key file missing in it. Existing keys are
 * never replaced. 0, TB_ERR_IO, TB_ERR_CRYPTO. */
int tb_keys_create(const char *dir);

/* Loads and derives every key; refuses (TB_ERR_INVALID) key files readable
 * by group or others. On error *k holds nothing. Free with tb_keys_free. */
int tb_keys_load(const char *dir, struct tb_keys *k);

/* Wipes the key material and frees the SM2 key. */
void tb_keys_free(struct tb_keys *k);

/* The public key of the audit signing key, from audit-sign.pub (for offline
 * verification without master.key). Caller frees with tb_sm2_free. */
int tb_keys_load_audit_public(const char *dir, struct tb_sm2_key **out);

#endif
