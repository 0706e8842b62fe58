/*
 * log.h - structured log lines (one JSON object per line) on stderr.
 *
 * Messages are for operators: they name events, routes, codes and request
 * ids. They never carry request bodies, query strings or personal data; the
 * caller is responsible for what it passes, and access lines are built from
 * the route pattern, never the raw path.
 */
#ifndef TB_LOG_H
#define TB_LOG_H

#include <jansson.h>

enum tb_log_level { TB_LOG_DEBUG, TB_LOG_INFO, TB_LOG_WARN, TB_LOG_ERROR };

/* Sets the minimum level written; "debug", "info", "warn", "error". 0 or TB_ERR_INVALID. */
int tb_log_set_level_name(const char *name);
void tb_log_set_level(enum tb_log_level level);
int tb_log_enabled(enum tb_log_level level);

/* Writes {"ts","level","msg"} with msg formatted printf-style. */
void tb_log(enum tb_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes fields (an object; "ts" and "level" are added) as one line and
 * releases the caller's reference to it. */
void tb_log_json(enum tb_log_level level, json_t *fields);

#define tb_log_debug(...) tb_log(TB_LOG_DEBUG, __VA_ARGS__)
#define tb_log_info(...)  tb_log(TB_LOG_INFO, __VA_ARGS__)
#define tb_log_warn(...)  tb_log(TB_LOG_WARN, __VA_ARGS__)
#define tb_log_error(...) tb_log(TB_LOG_ERROR, __VA_ARGS__)

#endif
