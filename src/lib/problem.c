/*
 * problem.c - RFC 9457 problem details and language choice.
 *
 * Every error answer of the API has the same shape:
 *   {"type","title","status","detail","code","field"?,"request_id"}
 * title and detail are in the language chosen from Accept-Language (Chinese
 * unless the client prefers English). The code is the stable machine code of
 * the tb_err; the text never contains paths, SQL or library messages.
 */
#include "lib/err.h"
#include "lib/http.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PROBLEM_TYPE_PREFIX "urn:tongban:problem:"

json_t *tb_http_problem_body(int err, enum tb_lang lang, const char *field, const char *detail_zh,
                             const char *detail_en, const char *request_id)
{
    const struct tb_err_info *info = tb_err_info(err);
    const char *title = lang == TB_LANG_EN ? info->title_en : info->title_zh;
    const char *detail = lang == TB_LANG_EN ? detail_en : detail_zh;
    char type[96];
    size_t plen = strlen(PROBLEM_TYPE_PREFIX);
    size_t clen = strlen(info->code);
    memcpy(type, PROBLEM_TYPE_PREFIX, plen);
    memcpy(type + plen, info->code, clen + 1);
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "type", json_string(type));
    json_object_set_new(o, "title", json_string(title));
    json_object_set_new(o, "status", json_integer(info->status));
    json_object_set_new(o, "detail", json_string(detail ? detail : title));
    json_object_set_new(o, "code", json_string(info->code));
    if (field)
        json_object_set_new(o, "field", json_string(field));
    if (request_id)
        json_object_set_new(o, "request_id", json_string(request_id));
    return o;
}

/* Parses one language range with its q value; returns the q in thousandths
 * (RFC 9110 §12.4.2: at most three decimals), or -1 when malformed. */
static int parse_q(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (end - p < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
        return -1;
    p += 2;
    if (p >= end || (*p != '0' && *p != '1'))
        return -1;
    int q = (*p - '0') * 1000;
    p++;
    if (p < end && *p == '.') {
        p++;
        int scale = 100;
        while (p < end && isdigit((unsigned char)*p) && scale > 0) {
            q += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
    }
    return q > 1000 ? 1000 : q;
}

enum tb_lang tb_http_pick_lang(const char *h)
{
    if (!h)
        return TB_LANG_ZH;
    int best_zh = -1, best_en = -1;
    const char *p = h;
    while (*p) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        const char *semi = NULL;
        for (const char *q = p; q < end; q++)
            if (*q == ';') {
                semi = q;
                break;
            }
        const char *tag_end = semi ? semi : end;
        while (tag_end > p && (tag_end[-1] == ' ' || tag_end[-1] == '\t'))
            tag_end--;
        int q = semi ? parse_q(semi + 1, end) : 1000;
        size_t tlen = (size_t)(tag_end - p);
        if (q > 0 && tlen >= 2) {
            if (strncasecmp(p, "zh", 2) == 0 && (tlen == 2 || p[2] == '-') && q > best_zh)
                best_zh = q;
            if (strncasecmp(p, "en", 2) == 0 && (tlen == 2 || p[2] == '-') && q > best_en)
                best_en = q;
        }
        p = *end ? end + 1 : end;
    }
    return best_en > best_zh ? TB_LANG_EN : TB_LANG_ZH;
}

/* ---- static file helpers ------------------------------------------------ */

static const struct {
    const char *ext;
    const char *type;
} mime_table[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".ttf", "font/ttf"},
    {".otf", "font/otf"},
    {".txt", "text/plain; charset=utf-8"},
    {".md", "text/markdown; charset=utf-8"},
    {".pdf", "application/pdf"},
    {".map", "application/json"},
    {".webmanifest", "application/manifest+json"},
};

const char *tb_http_mime_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof(mime_table) / sizeof(mime_table[0]); i++)
            if (strcasecmp(dot, mime_table[i].ext) == 0)
                return mime_table[i].type;
    return "application/octet-stream";
}

bool tb_http_static_path_ok(const char *path)
{
    if (path[0] != '/')
        return false;
    const char *p = path + 1;
    if (*p == '\0')
        return true; /* the root: index.html */
    bool seg_start = true;
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '/') {
            if (seg_start)
                return false; /* empty segment */
            seg_start = true;
            continue;
        }
        if (seg_start && c == '.')
            return false; /* "..", "." and dotfiles */
        seg_start = false;
        if (!(isalnum(c) || c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}
