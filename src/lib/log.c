/*
 * log.c - JSON log lines. Each line is written with a single write(2) so
 * lines from different threads never interleave.
 */
#include "lib/log.h"
#include "lib/err.h"
#include "lib/timeutil.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static _Atomic int min_level = TB_LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void tb_log_set_level(enum tb_log_level level)
{
    atomic_store(&min_level, (int)level);
}

int tb_log_set_level_name(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0) {
            tb_log_set_level((enum tb_log_level)i);
            return TB_OK;
        }
    return TB_ERR_INVALID;
}

int tb_log_enabled(enum tb_log_level level)
{
    return (int)level >= atomic_load(&min_level);
}

void tb_log_json(enum tb_log_level level, json_t *fields)
{
    if (!fields)
        return;
    if (!tb_log_enabled(level)) {
        json_decref(fields);
        return;
    }
    char ts[32];
    tb_time_format_iso(tb_time_now_ms(), ts, sizeof(ts));
    json_object_set_new(fields, "ts", json_string(ts));
    json_object_set_new(fields, "level", json_string(level_names[level]));
    char *line = json_dumps(fields, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(fields);
    if (!line)
        return;
    size_t n = strlen(line);
    char *out = realloc(line, n + 2);
    if (!out) {
        free(line);
        return;
    }
    out[n] = '\n';
    ssize_t w = write(STDERR_FILENO, out, n + 1);
    (void)w; /* nowhere to report a failing log write */
    free(out);
}

void tb_log(enum tb_log_level level, const char *fmt, ...)
{
    if (!tb_log_enabled(level))
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_t *o = json_object();
    if (!o)
        return;
    json_t *m = json_string(msg); /* NULL when msg is not valid UTF-8 */
    json_object_set_new(o, "msg", m ? m : json_string("(message not valid UTF-8)"));
    tb_log_json(level, o);
}
