/*
 * rules.c - the pure parts of the materials library: what a file is, what
 * its name may be, where it lives and how it is named on download. No
 * database and no files here (libmagic reads its compiled database once),
 * so tests/unit/test_uploads_rules.c checks all of it without a server.
 *
 * The type is decided by content only. libmagic (file(1)'s library, the
 * Debian package libmagic1) names PDF, JPEG and PNG; an OFD document
 * (GB/T 33190) is a ZIP container whose root holds OFD.xml, which libmagic
 * reports as application/zip, so libzip then reads the ZIP's central
 * directory and looks for that entry. Everything else is refused: HTML,
 * SVG, scripts, executables, other ZIPs, empty files.
 */
#include "uploads/uploads.h"
#include "lib/err.h"
#include "lib/json.h"

#include <assert.h>
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

/* ---- type by content ------------------------------------------------------ */

/* What is allowed: libmagic's answer, the type we store and serve, and the
 * file name extensions that go with it (the first is added on download). */
static const struct upload_type {
    const char *magic;
    const char *type;
    const char *starts; /* bytes the file must also start with, or NULL */
    bool is_zip;        /* accepted only when the ZIP's root holds OFD.xml */
    const char *ext[3];
} upload_types[] = {
    /* libmagic names a PDF whose "%PDF-" is anywhere in the first 256 bytes
     * (as readers tolerate); ISO 32000-1 §7.5.2 puts the header first, and
     * requiring that refuses HTML/PDF polyglots. */
    {"application/pdf", "application/pdf", "%PDF-", false, {".pdf", NULL, NULL}},
    {"image/jpeg", "image/jpeg", NULL, false, {".jpg", ".jpeg", NULL}},
    {"image/png", "image/png", NULL, false, {".png", NULL, NULL}},
    {"application/zip", "application/ofd", NULL, true, {".ofd", NULL, NULL}},
};
#define NTYPES (sizeof(upload_types) / sizeof(upload_types[0]))

/* The entry an OFD package has at its root (GB/T 33190 §7.3: the main entry
 * file OFD.xml). */
#define OFD_ROOT_ENTRY "OFD.xml"

/* Only the MIME type is wanted. The parsers for compressed, ELF and CDF
 * files are skipped: we accept none of those, and attacker-supplied bytes
 * should meet as little parsing code as possible. */
#define MAGIC_FLAGS                                                                                \
    (MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_CDF)

/* A magic_t is not thread-safe: one handle, loaded once, used under a lock.
 * It lives as long as the process. */
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_db; /* NULL when the database could not be loaded */

static void magic_load_once(void)
{
    magic_t m = magic_open(MAGIC_FLAGS);
    if (m && magic_load(m, NULL) != 0) {
        magic_close(m);
        m = NULL;
    }
    magic_db = m;
}

/* libmagic's MIME type for data into out; "" when it has no answer. */
static int magic_type(const void *data, size_t len, char *out, size_t cap)
{
    pthread_once(&magic_once, magic_load_once);
    if (!magic_db)
        return TB_ERR_INTERNAL;
    pthread_mutex_lock(&magic_lock);
    const char *t = magic_buffer(magic_db, data, len);
    snprintf(out, cap, "%s", t ? t : "");
    pthread_mutex_unlock(&magic_lock);
    return TB_OK;
}

/* True when data is a ZIP that libzip opens (consistency checks on) and
 * whose root holds OFD.xml. libzip reads the central directory only. */
static bool zip_is_ofd(const void *data, size_t len)
{
    zip_error_t err;
    zip_error_init(&err);
    bool is_ofd = false;
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &err);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err) : NULL;
    if (za) {
        is_ofd = zip_name_locate(za, OFD_ROOT_ENTRY, ZIP_FL_ENC_RAW) >= 0;
        zip_discard(za); /* frees src too */
    } else if (src) {
        zip_source_free(src);
    }
    zip_error_fini(&err);
    return is_ofd;
}

static const struct upload_type *type_by_name(const char *type)
{
    for (size_t i = 0; i < NTYPES; i++)
        if (strcmp(upload_types[i].type, type) == 0)
            return &upload_types[i];
    return NULL;
}

int upload_detect_type(const void *data, size_t len, const char **type)
{
    char found[128];
    *type = NULL;
    if (!data || len == 0)
        return TB_ERR_MEDIA_TYPE;
    int rc = magic_type(data, len, found, sizeof(found));
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < NTYPES; i++) {
        if (strcmp(upload_types[i].magic, found) != 0)
            continue;
        const char *starts = upload_types[i].starts;
        if (starts && (len < strlen(starts) || memcmp(data, starts, strlen(starts)) != 0))
            return TB_ERR_MEDIA_TYPE;
        if (upload_types[i].is_zip && !zip_is_ofd(data, len))
            return TB_ERR_MEDIA_TYPE;
        *type = upload_types[i].type;
        return TB_OK;
    }
    return TB_ERR_MEDIA_TYPE;
}

/* ---- file names ----------------------------------------------------------- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes %XX escapes of in into out (cap > strlen(in)); *len gets the
 * byte count. Other bytes are copied as they are ('+' is a plus). */
static int percent_decode(const char *in, char *out, size_t cap, size_t *len)
{
    size_t n = 0;
    for (size_t i = 0; in[i]; i++) {
        if (n + 1 >= cap)
            return TB_ERR_TOO_LARGE;
        if (in[i] != '%') {
            out[n++] = in[i];
            continue;
        }
        int hi = hex_value(in[i + 1]), lo = hi < 0 ? -1 : hex_value(in[i + 2]);
        if (hi < 0 || lo < 0)
            return TB_ERR_BAD_REQUEST;
        out[n++] = (char)(hi * 16 + lo);
        i += 2;
    }
    out[n] = '\0';
    *len = n;
    return TB_OK;
}

/* The code point at s (valid UTF-8, avail bytes left) and its length in *n. */
static unsigned utf8_next(const unsigned char *s, size_t avail, size_t *n)
{
    size_t need = s[0] < 0x80 ? 1 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
    static const unsigned lead_mask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    if (need > avail)
        need = 1; /* cannot happen after tb_utf8_valid; never read past the end */
    unsigned cp = s[0] & lead_mask[need];
    for (size_t i = 1; i < need; i++)
        cp = (cp << 6) | (s[i] & 0x3Fu);
    *n = need;
    return cp;
}

/* Characters a stored name never keeps: C0 and C1 controls, DEL, and the
 * invisible direction marks and overrides that make "fdp.exe" look like
 * "exe.pdf" (Unicode TR #36 §2.1), and the byte order mark. */
static bool is_dropped(unsigned cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

int upload_name_clean(const char *header, char *out, size_t cap)
{
    char raw[UPLOAD_NAME_HEADER_MAX + 1];
    size_t len, n = 0, chars = 0;
    assert(cap >= UPLOAD_NAME_MAX_BYTES + 1);
    out[0] = '\0';
    if (strlen(header) > UPLOAD_NAME_HEADER_MAX)
        return TB_ERR_INVALID;
    int rc = percent_decode(header, raw, sizeof(raw), &len);
    if (rc < 0)
        return rc == TB_ERR_TOO_LARGE ? TB_ERR_INVALID : rc;
    if (!tb_utf8_valid(raw, len))
        return TB_ERR_BAD_UTF8;
    for (size_t i = 0; i < len;) {
        size_t k;
        unsigned cp = utf8_next((const unsigned char *)raw + i, len - i, &k);
        if (!is_dropped(cp)) {
            if (chars == UPLOAD_NAME_MAX_CHARS)
                return TB_ERR_INVALID;
            if (cp == '/' || cp == '\\') {
                out[n++] = '_';
            } else {
                memcpy(out + n, raw + i, k);
                n += k;
            }
            chars++;
        }
        i += k;
    }
    out[n] = '\0';
    /* Surrounding spaces are invisible in a list; a name of dots only is no name. */
    size_t start = 0;
    while (out[start] == ' ')
        start++;
    while (n > start && out[n - 1] == ' ')
        n--;
    memmove(out, out + start, n - start);
    n -= start;
    out[n] = '\0';
    if (strspn(out, ".") == n)
        out[0] = '\0';
    return TB_OK;
}

bool upload_public_id_ok(const char *s)
{
    size_t n = strlen(s);
    return n == UPLOAD_PUBLIC_ID_LEN && strspn(s, "0123456789abcdef") == n;
}

/* ---- paths and downloads ---------------------------------------------------- */

int upload_paths(const char *root, const char *sm3_hex, char *dir, size_t dircap, char *path,
                 size_t pathcap)
{
    if (strlen(sm3_hex) != UPLOAD_SM3_HEX_LEN ||
        strspn(sm3_hex, "0123456789abcdef") != UPLOAD_SM3_HEX_LEN)
        return TB_ERR_INVALID;
    int d = snprintf(dir, dircap, "%s/%.2s/%.2s", root, sm3_hex, sm3_hex + 2);
    if (d < 0 || (size_t)d >= dircap)
        return TB_ERR_TOO_LARGE;
    int p = snprintf(path, pathcap, "%s/%s", dir, sm3_hex);
    if (p < 0 || (size_t)p >= pathcap)
        return TB_ERR_TOO_LARGE;
    return TB_OK;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcasecmp(s + n - k, suffix) == 0;
}

/* RFC 8187 attr-char: what may stand unescaped in filename*. */
static bool is_attr_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$&+-.^_`|~", c) != NULL);
}

static int append_encoded(char *out, size_t cap, size_t *n, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        size_t need = is_attr_char(*p) ? 1 : 3;
        if (*n + need >= cap)
            return TB_ERR_TOO_LARGE;
        if (need == 1) {
            out[(*n)++] = (char)*p;
        } else {
            out[(*n)++] = '%';
            out[(*n)++] = hex[*p >> 4];
            out[(*n)++] = hex[*p & 15];
        }
    }
    out[*n] = '\0';
    return TB_OK;
}

int upload_disposition(const char *name, const char *content_type, const char *public_id, char *out,
                       size_t cap)
{
    static const char prefix[] = "attachment; filename*=UTF-8''";
    assert(content_type && public_id);
    const struct upload_type *t = type_by_name(content_type);
    const char *ext = t && t->ext[0] ? t->ext[0] : "";
    bool has_ext = !t;
    for (size_t i = 0; t && i < sizeof(t->ext) / sizeof(t->ext[0]) && t->ext[i]; i++)
        has_ext |= name && ends_with_ci(name, t->ext[i]);
    size_t n = sizeof(prefix) - 1;
    if (cap <= n)
        return TB_ERR_TOO_LARGE;
    memcpy(out, prefix, n + 1);
    int rc = append_encoded(out, cap, &n, name && *name ? name : public_id);
    if (rc == 0 && !has_ext)
        rc = append_encoded(out, cap, &n, ext);
    return rc;
}
