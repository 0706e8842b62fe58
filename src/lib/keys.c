/*
 * keys.c - key files: creation at init, loading and derivation at start.
 *
 * Files are written with write -> fsync -> rename -> fsync(dir), so a crash
 * during init never leaves a half-written key that would later be trusted.
 */
#include "lib/keys.h"
#include "lib/crypto.h"
#include "lib/err.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MASTER_FILE     "master.key"
#define AUDIT_PRIV_FILE "audit-sign.key"
#define AUDIT_PUB_FILE  "audit-sign.pub"
#define PEM_MAX         4096

/* Derivation labels: changing one changes every key derived from it. */
static const struct {
    size_t offset;
    const char *label;
} derived[] = {
    {offsetof(struct tb_keys, pii_seal), "tongban v1 personal data seal"},
    {offsetof(struct tb_keys, blind_index), "tongban v1 blind index"},
    {offsetof(struct tb_keys, audit_mac), "tongban v1 audit head mac"},
    {offsetof(struct tb_keys, token_mac), "tongban v1 token mac"},
    {offsetof(struct tb_keys, seal_kek), "tongban v1 seal key encryption"},
};
static const char audit_seal_label[] = "tongban v1 audit signing key seal";

static int path_join(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);
    return n < 0 || (size_t)n >= cap ? TB_ERR_INVALID : TB_OK;
}

/* Writes data to dir/name atomically with the given mode. */
static int write_file_atomic(const char *dir, const char *name, const void *data, size_t len,
                             mode_t mode)
{
    char path[1024], tmp[1100];
    int rc = TB_ERR_IO;
    if (path_join(path, sizeof(path), dir, name) < 0)
        return TB_ERR_INVALID;
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return TB_ERR_IO;
    const unsigned char *p = data;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, p + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            goto fail;
        off += (size_t)w;
    }
    if (fsync(fd) != 0)
        goto fail;
    close(fd);
    fd = -1;
    if (rename(tmp, path) != 0)
        goto fail;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return TB_OK;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return rc;
}

/* Reads dir/name (at most cap bytes); private files must not be readable by
 * group or others. */
static int read_file(const char *dir, const char *name, bool is_private, void *buf, size_t cap,
                     size_t *len)
{
    char path[1024];
    if (path_join(path, sizeof(path), dir, name) < 0)
        return TB_ERR_INVALID;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return TB_ERR_IO;
    struct stat st;
    int rc = TB_ERR_IO;
    if (fstat(fd, &st) != 0)
        goto done;
    if (is_private && (st.st_mode & 077)) {
        rc = TB_ERR_INVALID;
        goto done;
    }
    if ((size_t)st.st_size > cap) {
        rc = TB_ERR_TOO_LARGE;
        goto done;
    }
    size_t off = 0;
    while (off < (size_t)st.st_size) {
        ssize_t r = read(fd, (char *)buf + off, (size_t)st.st_size - off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            goto done;
        off += (size_t)r;
    }
    *len = off;
    rc = TB_OK;
done:
    close(fd);
    return rc;
}

static bool file_exists(const char *dir, const char *name)
{
    char path[1024];
    struct stat st;
    return path_join(path, sizeof(path), dir, name) == 0 && stat(path, &st) == 0;
}

static int derive(const unsigned char master[TB_KEY_LEN], const char *label,
                  unsigned char out[TB_KEY_LEN])
{
    return tb_hmac_sm3(master, TB_KEY_LEN, label, strlen(label), out);
}

int tb_keys_create(const char *dir)
{
    unsigned char master[TB_KEY_LEN];
    size_t len;
    int rc;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return TB_ERR_IO;
    if (!file_exists(dir, MASTER_FILE)) {
        if ((rc = tb_random(master, sizeof(master))) < 0)
            return rc;
        if ((rc = write_file_atomic(dir, MASTER_FILE, master, sizeof(master), 0600)) < 0)
            goto done;
    } else {
        if ((rc = read_file(dir, MASTER_FILE, true, master, sizeof(master), &len)) < 0)
            goto done;
        if (len != TB_KEY_LEN) {
            rc = TB_ERR_INVALID;
            goto done;
        }
    }
    rc = TB_OK;
    if (!file_exists(dir, AUDIT_PRIV_FILE)) {
        struct tb_sm2_key *k = NULL;
        char pem[PEM_MAX], pub[PEM_MAX];
        unsigned char sealed[PEM_MAX + TB_SEAL_OVERHEAD], seal_key[TB_KEY_LEN];
        size_t pemlen, publen, sealedlen;
        if ((rc = tb_sm2_generate(&k)) < 0)
            goto done;
        rc = tb_sm2_priv_to_pem(k, pem, sizeof(pem), &pemlen);
        if (rc == 0)
            rc = tb_sm2_pub_to_pem(k, pub, sizeof(pub), &publen);
        if (rc == 0)
            rc = derive(master, audit_seal_label, seal_key);
        if (rc == 0)
            rc = tb_seal(seal_key, pem, pemlen, AUDIT_PRIV_FILE, strlen(AUDIT_PRIV_FILE), sealed,
                         sizeof(sealed), &sealedlen);
        if (rc == 0)
            rc = write_file_atomic(dir, AUDIT_PUB_FILE, pub, publen, 0644);
        if (rc == 0)
            rc = write_file_atomic(dir, AUDIT_PRIV_FILE, sealed, sealedlen, 0600);
        OPENSSL_cleanse(pem, sizeof(pem));
        OPENSSL_cleanse(seal_key, sizeof(seal_key));
        tb_sm2_free(k);
    }
done:
    OPENSSL_cleanse(master, sizeof(master));
    return rc;
}

int tb_keys_load(const char *dir, struct tb_keys *k)
{
    size_t len;
    memset(k, 0, sizeof(*k));
    int rc = read_file(dir, MASTER_FILE, true, k->master, sizeof(k->master), &len);
    if (rc < 0)
        return rc;
    if (len != TB_KEY_LEN) {
        rc = TB_ERR_INVALID;
        goto fail;
    }
    for (size_t i = 0; i < sizeof(derived) / sizeof(derived[0]); i++)
        if ((rc = derive(k->master, derived[i].label, (unsigned char *)k + derived[i].offset)) < 0)
            goto fail;
    unsigned char sealed[PEM_MAX + TB_SEAL_OVERHEAD], seal_key[TB_KEY_LEN];
    char pem[PEM_MAX];
    size_t sealedlen, pemlen;
    rc = read_file(dir, AUDIT_PRIV_FILE, true, sealed, sizeof(sealed), &sealedlen);
    if (rc == 0)
        rc = derive(k->master, audit_seal_label, seal_key);
    if (rc == 0)
        rc = tb_open(seal_key, sealed, sealedlen, AUDIT_PRIV_FILE, strlen(AUDIT_PRIV_FILE),
                     (unsigned char *)pem, sizeof(pem), &pemlen);
    if (rc == 0)
        rc = tb_sm2_priv_from_pem(pem, pemlen, &k->audit_sign);
    OPENSSL_cleanse(pem, sizeof(pem));
    OPENSSL_cleanse(seal_key, sizeof(seal_key));
    if (rc < 0)
        goto fail;
    return TB_OK;
fail:
    tb_keys_free(k);
    return rc;
}

void tb_keys_free(struct tb_keys *k)
{
    tb_sm2_free(k->audit_sign);
    OPENSSL_cleanse(k, sizeof(*k));
}

int tb_keys_load_audit_public(const char *dir, struct tb_sm2_key **out)
{
    char pem[PEM_MAX];
    size_t len;
    int rc = read_file(dir, AUDIT_PUB_FILE, false, pem, sizeof(pem), &len);
    if (rc < 0)
        return rc;
    return tb_sm2_pub_from_pem(pem, len, out);
}
