/*
 * crypto.h - the 国密 (SM2/SM3/SM4) primitives tongban uses, over OpenSSL 3.
 *
 * 密评 (GB/T 39786) expects commercial-cryptography algorithms, so every
 * hash is SM3, every MAC HMAC-SM3, every cipher SM4 and every signature SM2.
 * Nothing here implements a cipher by hand: all of it is OpenSSL 3 EVP.
 *
 * Call tb_crypto_init() once at start-up, before any thread starts, then
 * tb_crypto_selftest(); refuse to serve when either fails. After that every
 * function here is safe to call from any thread (an SM2 key may be shared
 * by threads for signing and verifying; an SM3 context may not).
 *
 * Errors: 0 or a negative enum tb_err. TB_ERR_CRYPTO is a failed check
 * (bad tag, bad signature) or a library failure; TB_ERR_INVALID is input
 * that cannot be used (bad hex, bad PEM, a key that is not SM2);
 * TB_ERR_TOO_LARGE is an output that would not fit the caller's buffer or
 * an input over a named limit, as with tb_buf (arena.h).
 */
#ifndef TB_CRYPTO_H
#define TB_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#define TB_SM3_LEN      32 /* SM3 digest, bytes */
#define TB_HMAC_SM3_LEN 32 /* HMAC-SM3 tag, bytes */

/* tb_seal: 1-byte version | 16-byte IV | ciphertext | 32-byte tag. */
#define TB_SEAL_KEY_LEN       32
#define TB_SEAL_VERSION       1
#define TB_SEAL_IV_LEN        16
#define TB_SEAL_TAG_LEN       32
#define TB_SEAL_OVERHEAD      (1 + TB_SEAL_IV_LEN + TB_SEAL_TAG_LEN)
#define TB_SEAL_MAX_PLAINTEXT ((size_t)1 << 30) /* bytes; fields, not files */

/* SM2 (GM/T 0003, GB/T 32918) with SM3, default signer ID of GM/T 0009. */
#define TB_SM2_ID          "1234567812345678"
#define TB_SM2_SIG_MAX     72  /* DER SEQUENCE of two 256-bit INTEGERs */
#define TB_SM2_PUB_LEN     65  /* 04 || x || y */
#define TB_SM2_PUB_HEX_LEN 130 /* hex of the above, without the NUL */

/* ---- set-up ----------------------------------------------------------- */

/* Fetches and caches the algorithms; call once before threads start.
 * 0 or TB_ERR_CRYPTO (SM2/SM3/SM4 missing from the OpenSSL build). */
int tb_crypto_init(void);

/* Releases what tb_crypto_init fetched; call once after threads stop. */
void tb_crypto_cleanup(void);

/* Runs the known-answer tests. 0, or TB_ERR_CRYPTO with *failed_name (if
 * failed_name is not NULL) set to the name of the first failing test, a
 * static string. */
int tb_crypto_selftest(const char **failed_name);

/* ---- small helpers ---------------------------------------------------- */

/* n bytes from the OpenSSL DRBG. 0 or TB_ERR_CRYPTO. */
int tb_random(void *buf, size_t n);

/* Compares in time that depends on n only, never on the contents. */
bool tb_ct_equal(const void *a, const void *b, size_t n);

/* Lowercase hex of data into out, NUL-terminated; outcap >= 2 * n + 1 or
 * TB_ERR_TOO_LARGE. */
int tb_hex_encode(const void *data, size_t n, char *out, size_t outcap);

/* Decodes exactly hexlen hex digits (either case) into out; *outlen gets
 * hexlen / 2. TB_ERR_INVALID for an odd length or a non-hex digit,
 * TB_ERR_TOO_LARGE when outcap < hexlen / 2. */
int tb_hex_decode(const char *hex, size_t hexlen, void *out, size_t outcap, size_t *outlen);

/* Standard base64 (RFC 4648, with padding, no line breaks) of n bytes into
 * out, NUL-terminated; outcap >= 4 * ((n + 2) / 3) + 1 or TB_ERR_TOO_LARGE.
 * OpenSSL's EVP_EncodeBlock. */
int tb_base64_encode(const void *data, size_t n, char *out, size_t outcap);
/* Decodes len base64 characters (no white space) into out; *outlen gets the
 * bytes. TB_ERR_INVALID for anything that is not base64, TB_ERR_TOO_LARGE
 * when outcap < 3 * (len / 4). OpenSSL's EVP_DecodeBlock. */
int tb_base64_decode(const char *b64, size_t len, void *out, size_t outcap, size_t *outlen);

/* ---- SM3 (GB/T 32905) -------------------------------------------------- */

int tb_sm3(const void *data, size_t n, unsigned char out[TB_SM3_LEN]);

struct evp_md_ctx_st; /* OpenSSL's EVP_MD_CTX */

/* Incremental SM3. The caller owns the struct (stack or embedded); init
 * allocates inside it, final and discard release that again. */
struct tb_sm3_ctx {
    struct evp_md_ctx_st *md;
};

/* 0, TB_ERR_NOMEM or TB_ERR_CRYPTO; on failure nothing needs releasing. */
int tb_sm3_init(struct tb_sm3_ctx *c);
int tb_sm3_update(struct tb_sm3_ctx *c, const void *data, size_t n);
/* Writes the digest and releases the context, also when it fails. */
int tb_sm3_final(struct tb_sm3_ctx *c, unsigned char out[TB_SM3_LEN]);
/* Releases a context without a digest (error paths); safe to repeat. */
void tb_sm3_discard(struct tb_sm3_ctx *c);

/* ---- HMAC-SM3 (GM/T 0042) and PBKDF2 ---------------------------------- */

int tb_hmac_sm3(const void *key, size_t keylen, const void *data, size_t n,
                unsigned char out[TB_HMAC_SM3_LEN]);

/* PBKDF2 (RFC 8018) with HMAC-SM3. iterations >= 1 (passwords: see the
 * password module, 100k); lengths must fit an int, else TB_ERR_INVALID. */
int tb_pbkdf2_sm3(const void *pass, size_t passlen, const void *salt, size_t saltlen,
                  unsigned iterations, unsigned char *out, size_t outlen);

/* ---- data at rest: SM4-CTR + HMAC-SM3, encrypt-then-MAC --------------- */

/* Encrypts n bytes bound to aad (may be NULL when aadlen is 0) under the
 * 32-byte master key. out must not overlap plaintext; outcap >= n +
 * TB_SEAL_OVERHEAD or TB_ERR_TOO_LARGE (also for n > TB_SEAL_MAX_PLAINTEXT).
 * *outlen gets n + TB_SEAL_OVERHEAD. */
int tb_seal(const unsigned char key[TB_SEAL_KEY_LEN], const void *plaintext, size_t n,
            const void *aad, size_t aadlen, unsigned char *out, size_t outcap, size_t *outlen);

/* Checks the tag, then decrypts; the same aad must be given. Any tampering,
 * a wrong key, an unknown version or input shorter than TB_SEAL_OVERHEAD
 * gives TB_ERR_CRYPTO and leaves out untouched. outcap >= inlen -
 * TB_SEAL_OVERHEAD or TB_ERR_TOO_LARGE. */
int tb_open(const unsigned char key[TB_SEAL_KEY_LEN], const unsigned char *in, size_t inlen,
            const void *aad, size_t aadlen, unsigned char *out, size_t outcap, size_t *outlen);

/* ---- SM2 -------------------------------------------------------------- */

struct tb_sm2_key; /* opaque; owned by whoever got it, freed by tb_sm2_free */

/* A fresh key pair in *out. 0, TB_ERR_NOMEM or TB_ERR_CRYPTO. */
int tb_sm2_generate(struct tb_sm2_key **out);
void tb_sm2_free(struct tb_sm2_key *key);

/* DER signature of msg with SM3 and ID TB_SM2_ID into sig (cap >=
 * TB_SM2_SIG_MAX is always enough, else TB_ERR_TOO_LARGE if it does not
 * fit). TB_ERR_CRYPTO also when key has no private part. */
int tb_sm2_sign(const struct tb_sm2_key *key, const void *msg, size_t n, unsigned char *sig,
                size_t cap, size_t *siglen);

/* 0 when sig is a valid signature of msg under key with ID TB_SM2_ID,
 * TB_ERR_CRYPTO otherwise (invalid, malformed, or library failure). */
int tb_sm2_verify(const struct tb_sm2_key *key, const void *msg, size_t n, const unsigned char *sig,
                  size_t siglen);

/* PEM export into a caller buffer, NUL-terminated; *len excludes the NUL.
 * The private key is unencrypted PKCS#8 ("PRIVATE KEY"): the caller must
 * protect it (tb_seal it, or keep it in a 0600 file). */
int tb_sm2_priv_to_pem(const struct tb_sm2_key *key, char *out, size_t cap, size_t *len);
int tb_sm2_pub_to_pem(const struct tb_sm2_key *key, char *out, size_t cap, size_t *len);

/* PEM import of len bytes (no NUL needed) into a new key in *out. Accepts
 * only SM2 keys with a valid public point; anything else (another key type,
 * an encrypted key, garbage) is TB_ERR_INVALID. Never prompts. */
int tb_sm2_priv_from_pem(const char *pem, size_t len, struct tb_sm2_key **out);
int tb_sm2_pub_from_pem(const char *pem, size_t len, struct tb_sm2_key **out);

/* The public point as 130 lowercase hex digits (04 || x || y) plus NUL;
 * outcap >= TB_SM2_PUB_HEX_LEN + 1 or TB_ERR_TOO_LARGE. */
int tb_sm2_pub_to_hex(const struct tb_sm2_key *key, char *out, size_t outcap);
/* A public-only key from that hex form; TB_ERR_INVALID when it is not an
 * uncompressed point on the SM2 curve. */
int tb_sm2_pub_from_hex(const char *hex, size_t hexlen, struct tb_sm2_key **out);

#endif
