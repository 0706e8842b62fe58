/*
 * gateway.c - the gateways that carry SMS and WeChat copies (notify.h).
 *
 * A gateway is a row of the table below: a name (the value of the settings
 * notify_sms and notify_wechat) and a send function. A deployment adds its
 * operator's SMS platform or its WeChat template-message client as a new
 * row; nothing else changes.
 *
 * `log` writes what would be sent to DATA/outbox/<channel>.log (directory
 * 0700, file 0600), one line per message: time, channel, the recipient as
 * masked as it is on screen, title and body. It lets a demonstration or a
 * test see every message without an operator, and never holds a full phone
 * number or ID number. `none` sends nothing (notify_add queues nothing for
 * a channel that is off).
 */
#include "notify/notify.h"
#include "lib/config.h"
#include "lib/err.h"
#include "lib/timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int log_send(const struct notify_gateway *gw, const struct notify_msg *m);

static const struct notify_gateway gateways[] = {
    {"log", log_send, NULL, NULL},
    {"none", NULL, NULL, NULL},
};

#define NGATEWAYS (sizeof(gateways) / sizeof(gateways[0]))

bool notify_gateway_known(const char *name)
{
    for (size_t i = 0; name && i < NGATEWAYS; i++)
        if (strcmp(gateways[i].name, name) == 0)
            return true;
    return false;
}

int notify_gateway_get(const char *name, const char *data_dir, struct notify_gateway *out)
{
    for (size_t i = 0; name && i < NGATEWAYS; i++) {
        if (strcmp(gateways[i].name, name) == 0) {
            *out = gateways[i];
            out->dir = data_dir;
            return TB_OK;
        }
    }
    return TB_ERR_INVALID;
}

const char *notify_channel_gateway(const struct tb_config *cfg, const char *channel)
{
    if (strcmp(channel, "sms") == 0)
        return cfg->notify_sms;
    if (strcmp(channel, "wechat") == 0)
        return cfg->notify_wechat;
    return NULL;
}

/* ---- the log gateway ------------------------------------------------------------------ */

/* Appends s to out at *n with tabs, line breaks and other control bytes as
 * spaces, so that one message stays one line of five fields. */
static int put_field(char *out, size_t cap, size_t *n, const char *s, char end)
{
    for (; s && *s; s++) {
        if (*n + 2 > cap)
            return TB_ERR_TOO_LARGE;
        unsigned char ch = (unsigned char)*s;
        out[(*n)++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
    }
    if (*n + 2 > cap)
        return TB_ERR_TOO_LARGE;
    out[(*n)++] = end;
    out[*n] = '\0';
    return TB_OK;
}

int notify_log_line(const struct notify_msg *m, char *out, size_t cap)
{
    char at[32];
    size_t n = 0;
    tb_time_format_iso(m->at, at, sizeof(at));
    if (cap == 0)
        return TB_ERR_TOO_LARGE;
    out[0] = '\0';
    int rc = put_field(out, cap, &n, at, '\t');
    if (rc == 0)
        rc = put_field(out, cap, &n, m->channel, '\t');
    if (rc == 0)
        rc = put_field(out, cap, &n, m->recipient, '\t');
    if (rc == 0)
        rc = put_field(out, cap, &n, m->title, '\t');
    if (rc == 0)
        rc = put_field(out, cap, &n, m->body, '\n');
    return rc;
}

/* Channel names become file names: lower-case letters only. */
static bool channel_name_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 16)
        return false;
    for (; *s; s++)
        if (*s < 'a' || *s > 'z')
            return false;
    return true;
}

static int log_send(const struct notify_gateway *gw, const struct notify_msg *m)
{
    char dir[TB_CONFIG_PATH_MAX + 16], path[TB_CONFIG_PATH_MAX + 48], line[NOTIFY_LOG_LINE_MAX];
    if (!gw->dir || !channel_name_ok(m->channel))
        return TB_ERR_INVALID;
    int rc = notify_log_line(m, line, sizeof(line));
    if (rc < 0)
        return rc;
    int dn = snprintf(dir, sizeof(dir), "%s/%s", gw->dir, NOTIFY_OUTBOX_SUBDIR);
    int pn = snprintf(path, sizeof(path), "%s/%s.log", dir, m->channel);
    if (dn < 0 || (size_t)dn >= sizeof(dir) || pn < 0 || (size_t)pn >= sizeof(path))
        return TB_ERR_TOO_LARGE;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return TB_ERR_IO;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return TB_ERR_IO;
    /* One write of the whole line: O_APPEND keeps lines whole. */
    size_t len = strlen(line), done = 0;
    rc = TB_OK;
    while (done < len) {
        ssize_t w = write(fd, line + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = TB_ERR_IO;
            break;
        }
        done += (size_t)w;
    }
    if (close(fd) != 0 && rc == 0)
        rc = TB_ERR_IO;
    return rc;
}
