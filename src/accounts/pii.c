/*
 * pii.c - personal data at rest (PIPL; GB/T 35273): ID and phone numbers are
 * sealed with SM4-CTR + HMAC-SM3 under a key derived from the key file, and
 * found again through an HMAC-SM3 blind index (exact match only), so the
 * database alone reveals no number. The label binds each sealed value to
 * its column: a value copied into another column does not open.
 */
#include "accounts/internal.h"
#include "lib/err.h"

#include <pthread.h>
#include <semaphore.h>
#include <string.h>
#include <unistd.h>

int pii_index(const struct tb_app *app, const char *label, const char *value,
              unsigned char out[TB_HMAC_SM3_LEN])
{
    unsigned char buf[512];
    size_t ll = strlen(label), vl = strlen(value);
    if (ll + 1 + vl > sizeof(buf))
        return TB_ERR_INVALID;
    memcpy(buf, label, ll);
    buf[ll] = ':';
    memcpy(buf + ll + 1, value, vl);
    return tb_hmac_sm3(app->keys.blind_index, TB_KEY_LEN, buf, ll + 1 + vl, out);
}

int pii_seal(const struct tb_app *app, const char *label, const char *value, struct tb_arena *a,
             unsigned char **out, size_t *outlen)
{
    size_t n = strlen(value);
    size_t cap = n + TB_SEAL_OVERHEAD;
    unsigned char *buf = tb_arena_alloc(a, cap);
    if (!buf)
        return TB_ERR_NOMEM;
    int rc = tb_seal(app->keys.pii_seal, value, n, label, strlen(label), buf, cap, outlen);
    if (rc == 0)
        *out = buf;
    return rc;
}

int pii_open(const struct tb_app *app, const char *label, const unsigned char *in, size_t inlen,
             struct tb_arena *a, char **out)
{
    if (inlen < TB_SEAL_OVERHEAD)
        return TB_ERR_CRYPTO;
    size_t cap = inlen - TB_SEAL_OVERHEAD + 1, len;
    char *buf = tb_arena_alloc(a, cap);
    if (!buf)
        return TB_ERR_NOMEM;
    int rc = tb_open(app->keys.pii_seal, in, inlen, label, strlen(label), (unsigned char *)buf, cap,
                     &len);
    if (rc < 0)
        return rc;
    buf[len] = '\0';
    *out = buf;
    return TB_OK;
}

static sem_t hash_slots;
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void hash_slots_init(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    sem_init(&hash_slots, 0, n > 0 ? (unsigned)n : 1);
}

int password_hash(const char *password, const unsigned char salt[SALT_LEN], int iterations,
                  unsigned char out[TB_SM3_LEN])
{
    pthread_once(&hash_once, hash_slots_init);
    while (sem_wait(&hash_slots) != 0)
        ;
    int rc = tb_pbkdf2_sm3(password, strlen(password), salt, SALT_LEN, (unsigned)iterations, out,
                           TB_SM3_LEN);
    sem_post(&hash_slots);
    return rc;
}
