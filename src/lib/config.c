/*
 * config.c - the table of settings and the three sources that fill it.
 */
#include "lib/config.h"
#include "lib/db.h"
#include "lib/err.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum key_type { KEY_STR, KEY_UINT, KEY_BOOL };

struct key {
    const char *name;
    enum key_type type;
    size_t offset;
    size_t size;       /* for strings: buffer size */
    unsigned min, max; /* for numbers */
    const char *help;
    const char *choices; /* strings: the values allowed, '|'-separated; NULL: any */
};

#define STR(f, h)                                                                                  \
    {                                                                                              \
#f, KEY_STR, offsetof(struct tb_config, f), sizeof(((struct tb_config *)0)->f), 0, 0, h,   \
            NULL                                                                                   \
    }
#define CHOICE(f, c, h)                                                                            \
    {                                                                                              \
#f, KEY_STR, offsetof(struct tb_config, f), sizeof(((struct tb_config *)0)->f), 0, 0, h, c \
    }
#define UINT(f, lo, hi, h)                                                                         \
    {                                                                                              \
#f, KEY_UINT, offsetof(struct tb_config, f), 0, lo, hi, h, NULL                            \
    }
#define BOOL(f, h)                                                                                 \
    {                                                                                              \
#f, KEY_BOOL, offsetof(struct tb_config, f), 0, 0, 1, h, NULL                              \
    }

static const struct key keys[] = {
    STR(data, "data directory: database, uploads, keys"),
    STR(listen, "HOST:PORT to serve on (port 0 picks a free port)"),
    STR(web_root, "directory of the static web pages"),
    STR(database, "database URL; empty means sqlite:<data>/tongban.db"),
    STR(uploads_dir, "directory of uploaded files (shared storage when several servers "
                     "share one database); empty means <data>/uploads"),
    STR(log_level, "debug, info, warn or error"),
    BOOL(access_log, "one JSON access line per request on stderr"),
    BOOL(cookie_secure, "mark cookies Secure (set when a TLS proxy serves HTTPS)"),
    UINT(io_threads, 0, 256, "HTTP I/O threads (0 = number of cores)"),
    UINT(workers, 1, 1024, "threads running handlers that may block"),
    UINT(conn_timeout_s, 1, 3600, "idle connection timeout, seconds"),
    UINT(max_conns, 1, 1000000, "total connection limit"),
    UINT(max_conns_per_ip, 1, 1000000, "connections per client address"),
    UINT(conn_memory_kb, 32, 4096, "memory per connection for headers and buffers, KiB"),
    UINT(body_max_kb, 1, 1048576, "JSON request body limit, KiB"),
    UINT(json_max_depth, 1, 256, "JSON nesting limit"),
    UINT(db_busy_timeout_ms, 0, 600000, "SQLite busy timeout, milliseconds"),
    UINT(db_write_batch_max, 0, TB_DB_WRITE_BATCH_MAX,
         "writes per group commit (0 = the built-in maximum; 1 = one commit per write, "
         "benchmarks only)"),
    UINT(audit_keep_days, 186, 36500, "days audit events are kept (at least 186)"),
    UINT(jobs_interval_s, 1, 3600,
         "seconds between rounds of periodic jobs (one server runs them)"),
    UINT(pbkdf2_min_iterations, 10000, 5000000, "floor for the password hash iteration setting"),
    STR(realname_verifier, "real-name verifier: local (checksum only) or a deployment's"),
    STR(public_url, "the address citizens reach the platform at (QR codes, printed guides); "
                    "empty: http://LISTEN"),
    CHOICE(notify_sms, "log|none",
           "SMS copies of messages: log (DATA/outbox/sms.log, recipient masked) or none"),
    CHOICE(notify_wechat, "log|none",
           "WeChat copies of messages: log (DATA/outbox/wechat.log) or none"),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

void tb_config_defaults(struct tb_config *c)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->data, sizeof(c->data), "var");
    snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
    snprintf(c->web_root, sizeof(c->web_root), "web");
    snprintf(c->log_level, sizeof(c->log_level), "info");
    c->access_log = true;
    c->io_threads = 0;
    c->workers = 32;
    c->conn_timeout_s = 30;
    c->max_conns = 4096;
    c->max_conns_per_ip = 256;
    c->conn_memory_kb = 128;
    c->body_max_kb = 1024;
    c->json_max_depth = 32;
    c->db_busy_timeout_ms = 5000;
    c->audit_keep_days = 365;
    c->jobs_interval_s = 60;
    c->pbkdf2_min_iterations = 100000;
    snprintf(c->realname_verifier, sizeof(c->realname_verifier), "local");
    snprintf(c->notify_sms, sizeof(c->notify_sms), "log");
    snprintf(c->notify_wechat, sizeof(c->notify_wechat), "log");
}

static const struct key *find_key(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

/* True when value is one of the '|'-separated choices. */
static bool is_choice(const char *choices, const char *value)
{
    size_t n = strlen(value);
    for (const char *p = choices; n && *p;) {
        const char *end = strchr(p, '|');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        if (l == n && strncmp(p, value, n) == 0)
            return true;
        p = end ? end + 1 : p + l;
    }
    return false;
}

int tb_config_set(struct tb_config *c, const char *name, const char *value, const char *source,
                  char *err, size_t errlen)
{
    const struct key *k = find_key(name);
    if (!k) {
        snprintf(err, errlen, "%s: unknown setting \"%s\"", source, name);
        return TB_ERR_INVALID;
    }
    char *field = (char *)c + k->offset;
    switch (k->type) {
    case KEY_STR: {
        size_t n = strlen(value);
        if (n >= k->size) {
            snprintf(err, errlen, "%s: %s is longer than %zu bytes", source, name, k->size - 1);
            return TB_ERR_INVALID;
        }
        if (k->choices && !is_choice(k->choices, value)) {
            snprintf(err, errlen, "%s: %s must be one of %s", source, name, k->choices);
            return TB_ERR_INVALID;
        }
        memcpy(field, value, n + 1);
        return TB_OK;
    }
    case KEY_UINT: {
        char *end;
        errno = 0;
        unsigned long v = strtoul(value, &end, 10);
        if (errno || end == value || *end || value[0] == '-' || v < k->min || v > k->max) {
            snprintf(err, errlen, "%s: %s must be a whole number from %u to %u", source, name,
                     k->min, k->max);
            return TB_ERR_INVALID;
        }
        *(unsigned *)field = (unsigned)v;
        return TB_OK;
    }
    case KEY_BOOL:
        if (!strcasecmp(value, "true") || !strcasecmp(value, "yes") || !strcmp(value, "1") ||
            !strcasecmp(value, "on")) {
            *(bool *)field = true;
        } else if (!strcasecmp(value, "false") || !strcasecmp(value, "no") || !strcmp(value, "0") ||
                   !strcasecmp(value, "off")) {
            *(bool *)field = false;
        } else {
            snprintf(err, errlen, "%s: %s must be true or false", source, name);
            return TB_ERR_INVALID;
        }
        return TB_OK;
    }
    return TB_ERR_INTERNAL;
}

struct ini_ctx {
    struct tb_config *c;
    const char *path;
    char *err;
    size_t errlen;
    int rc;
};

/* Debian's inih is built without line numbers in the callback; a bad key
 * or value is reported with the file and the key, which is just as findable. */
static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    struct ini_ctx *x = user;
    (void)section; /* sections only group keys for readers; names are unique */
    if (tb_config_set(x->c, name, value, x->path, x->err, x->errlen) < 0) {
        x->rc = TB_ERR_INVALID;
        return 0;
    }
    return 1;
}

int tb_config_load_file(struct tb_config *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return TB_ERR_IO;
    }
    struct ini_ctx x = {c, path, err, errlen, TB_OK};
    int line = ini_parse_file(f, on_ini, &x);
    fclose(f);
    if (x.rc < 0)
        return x.rc;
    if (line != 0) {
        snprintf(err, errlen, "%s:%d: not valid INI syntax", path, line);
        return TB_ERR_INVALID;
    }
    return TB_OK;
}

int tb_config_load_env(struct tb_config *c, char *err, size_t errlen)
{
    for (size_t i = 0; i < NKEYS; i++) {
        char var[64] = "TONGBAN_";
        size_t n = strlen(var);
        for (const char *p = keys[i].name; *p && n + 1 < sizeof(var); p++)
            var[n++] = (char)toupper((unsigned char)*p);
        var[n] = '\0';
        const char *v = getenv(var);
        if (v) {
            int rc = tb_config_set(c, keys[i].name, v, var, err, errlen);
            if (rc < 0)
                return rc;
        }
    }
    return TB_OK;
}

void tb_config_describe(const struct tb_config *d, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < NKEYS && used < cap; i++) {
        const struct key *k = &keys[i];
        const char *field = (const char *)d + k->offset;
        char def[64];
        if (k->type == KEY_STR)
            snprintf(def, sizeof(def), "\"%.56s\"", field);
        else if (k->type == KEY_UINT)
            snprintf(def, sizeof(def), "%u", *(const unsigned *)field);
        else
            snprintf(def, sizeof(def), "%s", *(const bool *)field ? "true" : "false");
        int w = snprintf(out + used, cap - used, "  %-20s %-18s %s\n", k->name, def, k->help);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}
