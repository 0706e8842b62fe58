/*
 * config.h - settings from an INI file, TONGBAN_* environment variables and
 * command-line flags, in that order of precedence (later wins).
 *
 * Every setting is one row of the key table in config.c with its type,
 * default and limits, so a new setting is one line and every source accepts
 * it the same way: `listen` in the INI file, TONGBAN_LISTEN in the
 * environment, --listen or --set listen=... on the command line.
 */
#ifndef TB_CONFIG_H
#define TB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define TB_CONFIG_PATH_MAX 1024

struct tb_config {
    char data[TB_CONFIG_PATH_MAX];        /* data directory (database, uploads, keys) */
    char listen[128];                     /* HOST:PORT */
    char web_root[TB_CONFIG_PATH_MAX];    /* static pages */
    char database[TB_CONFIG_PATH_MAX];    /* empty: sqlite:<data>/tongban.db */
    char uploads_dir[TB_CONFIG_PATH_MAX]; /* applicants' files; empty: <data>/uploads */
    char log_level[16];
    bool access_log;
    bool cookie_secure;  /* add Secure to cookies (behind a TLS proxy) */
    unsigned io_threads; /* 0 = cores */
    unsigned workers;    /* handler threads for blocking routes */
    unsigned conn_timeout_s;
    unsigned max_conns;
    unsigned max_conns_per_ip;
    unsigned conn_memory_kb;
    unsigned body_max_kb; /* JSON request bodies */
    unsigned json_max_depth;
    unsigned db_busy_timeout_ms;
    unsigned db_write_batch_max; /* writes per group commit; 0 = TB_DB_WRITE_BATCH_MAX, 1 = none */
    unsigned audit_keep_days;
    unsigned jobs_interval_s;       /* between rounds of periodic jobs */
    unsigned pbkdf2_min_iterations; /* the security administrator cannot go below */
    char realname_verifier[32];
    char public_url[256];   /* base of printed and QR links; empty: http://LISTEN */
    char notify_sms[16];    /* SMS gateway: log | none (src/notify) */
    char notify_wechat[16]; /* WeChat gateway: log | none */
    /* "local" (checksum only) or a deployment's verifier */ /* audit events older than this are
                                                                purged (>= 186) */
};

/* Fills c with the defaults. */
void tb_config_defaults(struct tb_config *c);

/* Applies an INI file. A missing file is TB_ERR_IO; an unknown key or bad
 * value is TB_ERR_INVALID with a message (file, line, key) in err. */
int tb_config_load_file(struct tb_config *c, const char *path, char *err, size_t errlen);

/* Applies every TONGBAN_<KEY> variable present in the environment. */
int tb_config_load_env(struct tb_config *c, char *err, size_t errlen);

/* Sets one key from text ("listen", "127.0.0.1:9000"); source names the
 * origin for error messages. */
int tb_config_set(struct tb_config *c, const char *key, const char *value, const char *source,
                  char *err, size_t errlen);

/* Writes the key list with defaults and descriptions (for --help). */
void tb_config_describe(const struct tb_config *defaults, char *out, size_t cap);

#endif
