/*
 * sm2.c - SM2 keys and signatures (GB/T 32918, GM/T 0003) over OpenSSL 3.
 *
 * A struct tb_sm2_key wraps one EVP_PKEY of type "SM2"; callers never see
 * OpenSSL types. Documents and audit checkpoints are signed here; at about
 * 2k signatures per second per core, nothing per-request should be.
 *
 * The signer's distinguishing ID enters the Z value that is hashed with the
 * message, so signer and verifier must agree on it. GM/T 0009 names
 * "1234567812345678" as the default, but OpenSSL 3.0 defaults to an empty
 * ID, and on 3.0.19 an ID passed in the init params is dropped silently
 * (see DESIGN.md, Pitfalls). So every sign and verify sets TB_SM2_ID with
 * EVP_PKEY_CTX_set1_id on the context returned by EVP_Digest*Init_ex,
 * before any data is fed; the fixed-signature self-test in crypto.c checks
 * this against the openssl CLI.
 *
 * Imports accept only keys that OpenSSL loads as type "SM2" (an EC key on
 * the SM2 curve) and that pass its key checks, so a P-256 key, an RSA key or
 * a point off the curve is refused before it can be used.
 */
#include "lib/crypto.h"
#include "lib/err.h"

#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define SM2_ID_LEN (sizeof TB_SM2_ID - 1)

struct tb_sm2_key {
    EVP_PKEY *pkey; /* type "SM2"; owned */
};

/* Empties OpenSSL's per-thread error queue and gives the error value. */
static int fail(int err)
{
    ERR_clear_error();
    return err;
}

/* Puts pkey (ownership passes here) into a new key in *out. */
static int wrap(EVP_PKEY *pkey, struct tb_sm2_key **out)
{
    struct tb_sm2_key *key = malloc(sizeof *key);

    if (!key) {
        EVP_PKEY_free(pkey);
        return TB_ERR_NOMEM;
    }
    key->pkey = pkey;
    *out = key;
    return 0;
}

/* True when pkey is an SM2 key that passes OpenSSL's checks: the public
 * point is on the curve, and with has_private the private scalar is in
 * range and matches it. */
static bool is_usable_sm2(EVP_PKEY *pkey, bool has_private)
{
    EVP_PKEY_CTX *c;
    bool ok;

    if (!EVP_PKEY_is_a(pkey, "SM2"))
        return false;
    c = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    if (!c)
        return false;
    ok = (has_private ? EVP_PKEY_check(c) : EVP_PKEY_public_check(c)) == 1;
    EVP_PKEY_CTX_free(c);
    return ok;
}

/* Checks and wraps a key that was just decoded; frees it when refused. */
static int accept_key(EVP_PKEY *pkey, bool has_private, struct tb_sm2_key **out)
{
    if (!pkey)
        return fail(TB_ERR_INVALID);
    if (!is_usable_sm2(pkey, has_private)) {
        EVP_PKEY_free(pkey);
        return fail(TB_ERR_INVALID);
    }
    return wrap(pkey, out);
}

/* ---- keys ------------------------------------------------------------- */

int tb_sm2_generate(struct tb_sm2_key **out)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
    EVP_PKEY *pkey = NULL;
    int rc = TB_ERR_CRYPTO;

    *out = NULL;
    if (!c)
        return fail(TB_ERR_CRYPTO);
    if (EVP_PKEY_keygen_init(c) != 1 || EVP_PKEY_generate(c, &pkey) != 1)
        goto done;
    rc = wrap(pkey, out);
done:
    EVP_PKEY_CTX_free(c);
    return rc == 0 ? 0 : fail(rc);
}

void tb_sm2_free(struct tb_sm2_key *key)
{
    if (!key)
        return;
    EVP_PKEY_free(key->pkey);
    free(key);
}

/* ---- signatures ------------------------------------------------------- */

int tb_sm2_sign(const struct tb_sm2_key *key, const void *msg, size_t n, unsigned char *sig,
                size_t cap, size_t *siglen)
{
    unsigned char buf[TB_SM2_SIG_MAX];
    size_t len = sizeof buf;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pc = NULL;
    int rc = TB_ERR_CRYPTO;

    assert(msg != NULL || n == 0);
    if (!md)
        return fail(TB_ERR_NOMEM);
    if (EVP_DigestSignInit_ex(md, &pc, "SM3", NULL, NULL, key->pkey, NULL) != 1)
        goto done;
    /* After init, before data: see the top of the file. */
    if (EVP_PKEY_CTX_set1_id(pc, TB_SM2_ID, SM2_ID_LEN) != 1)
        goto done;
    if (EVP_DigestSignUpdate(md, n ? msg : "", n) != 1 || EVP_DigestSignFinal(md, buf, &len) != 1)
        goto done;
    if (len > cap) {
        rc = TB_ERR_TOO_LARGE;
        goto done;
    }
    memcpy(sig, buf, len);
    *siglen = len;
    rc = 0;
done:
    EVP_MD_CTX_free(md); /* frees pc too */
    return rc == 0 ? 0 : fail(rc);
}

int tb_sm2_verify(const struct tb_sm2_key *key, const void *msg, size_t n, const unsigned char *sig,
                  size_t siglen)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pc = NULL;
    int rc = TB_ERR_CRYPTO;

    assert(msg != NULL || n == 0);
    if (!md)
        return fail(TB_ERR_NOMEM);
    if (EVP_DigestVerifyInit_ex(md, &pc, "SM3", NULL, NULL, key->pkey, NULL) != 1)
        goto done;
    if (EVP_PKEY_CTX_set1_id(pc, TB_SM2_ID, SM2_ID_LEN) != 1)
        goto done;
    if (EVP_DigestVerifyUpdate(md, n ? msg : "", n) != 1)
        goto done;
    /* 1 valid, 0 invalid, < 0 malformed or failed: only 1 passes. */
    if (EVP_DigestVerifyFinal(md, sig, siglen) == 1)
        rc = 0;
done:
    EVP_MD_CTX_free(md);
    return rc == 0 ? 0 : fail(rc);
}

/* ---- PEM -------------------------------------------------------------- */

/* Refuses a passphrase, so an encrypted PEM fails instead of prompting on
 * the terminal (OpenSSL's default callback with a NULL cb). */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

/* Copies the contents of a memory BIO into out as a C string. */
static int bio_to_cstr(BIO *b, char *out, size_t cap, size_t *len)
{
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);

    if (n <= 0 || !p)
        return fail(TB_ERR_CRYPTO);
    if ((size_t)n >= cap)
        return TB_ERR_TOO_LARGE;
    memcpy(out, p, (size_t)n);
    out[n] = '\0';
    *len = (size_t)n;
    return 0;
}

int tb_sm2_priv_to_pem(const struct tb_sm2_key *key, char *out, size_t cap, size_t *len)
{
    /* secmem: the BIO's copy of the private key is cleansed when freed. */
    BIO *b = BIO_new(BIO_s_secmem());
    int rc;

    if (!b)
        return fail(TB_ERR_NOMEM);
    if (PEM_write_bio_PrivateKey(b, key->pkey, NULL, NULL, 0, NULL, NULL) != 1)
        rc = fail(TB_ERR_CRYPTO);
    else
        rc = bio_to_cstr(b, out, cap, len);
    BIO_free(b);
    return rc;
}

int tb_sm2_pub_to_pem(const struct tb_sm2_key *key, char *out, size_t cap, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    int rc;

    if (!b)
        return fail(TB_ERR_NOMEM);
    if (PEM_write_bio_PUBKEY(b, key->pkey) != 1)
        rc = fail(TB_ERR_CRYPTO);
    else
        rc = bio_to_cstr(b, out, cap, len);
    BIO_free(b);
    return rc;
}

int tb_sm2_priv_from_pem(const char *pem, size_t len, struct tb_sm2_key **out)
{
    BIO *b;
    EVP_PKEY *pkey;

    *out = NULL;
    if (len == 0 || len > INT_MAX)
        return TB_ERR_INVALID;
    b = BIO_new_mem_buf(pem, (int)len);
    if (!b)
        return fail(TB_ERR_NOMEM);
    pkey = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
    BIO_free(b);
    return accept_key(pkey, true, out);
}

int tb_sm2_pub_from_pem(const char *pem, size_t len, struct tb_sm2_key **out)
{
    BIO *b;
    EVP_PKEY *pkey;

    *out = NULL;
    if (len == 0 || len > INT_MAX)
        return TB_ERR_INVALID;
    b = BIO_new_mem_buf(pem, (int)len);
    if (!b)
        return fail(TB_ERR_NOMEM);
    pkey = PEM_read_bio_PUBKEY(b, NULL, no_passphrase, NULL);
    BIO_free(b);
    return accept_key(pkey, false, out);
}

/* ---- raw public point ------------------------------------------------- */

int tb_sm2_pub_to_hex(const struct tb_sm2_key *key, char *out, size_t outcap)
{
    unsigned char point[TB_SM2_PUB_LEN];
    size_t len = 0;

    if (outcap < TB_SM2_PUB_HEX_LEN + 1)
        return TB_ERR_TOO_LARGE;
    if (EVP_PKEY_get_octet_string_param(key->pkey, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point,
                                        &len) != 1 ||
        len != TB_SM2_PUB_LEN || point[0] != 0x04)
        return fail(TB_ERR_CRYPTO);
    return tb_hex_encode(point, len, out, outcap);
}

int tb_sm2_pub_from_hex(const char *hex, size_t hexlen, struct tb_sm2_key **out)
{
    unsigned char point[TB_SM2_PUB_LEN];
    char group[] = "SM2";
    OSSL_PARAM params[3];
    EVP_PKEY_CTX *c;
    EVP_PKEY *pkey = NULL;
    size_t len = 0;

    *out = NULL;
    if (hexlen != TB_SM2_PUB_HEX_LEN ||
        tb_hex_decode(hex, hexlen, point, sizeof point, &len) != 0 || point[0] != 0x04)
        return TB_ERR_INVALID;
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, len);
    params[2] = OSSL_PARAM_construct_end();
    c = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
    if (!c)
        return fail(TB_ERR_CRYPTO);
    /* fromdata refuses a point that is not on the curve. */
    if (EVP_PKEY_fromdata_init(c) != 1 ||
        EVP_PKEY_fromdata(c, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        pkey = NULL;
    EVP_PKEY_CTX_free(c);
    return accept_key(pkey, false, out);
}
