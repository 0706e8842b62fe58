/*
 * json.c - request JSON parsing and checked field access.
 */
#include "lib/json.h"
#include "lib/err.h"

#include <stdio.h>
#include <string.h>

size_t tb_json_depth(const json_t *v)
{
    size_t max = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *child;
        json_object_foreach((json_t *)v, k, child)
        {
            size_t d = tb_json_depth(child);
            if (d > max)
                max = d;
        }
        return max + 1;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *child;
        json_array_foreach(v, i, child)
        {
            size_t d = tb_json_depth(child);
            if (d > max)
                max = d;
        }
        return max + 1;
    }
    return 0;
}

int tb_json_parse(const char *buf, size_t len, size_t max_depth, json_t **out,
                  struct tb_json_error *e)
{
    json_error_t je;
    struct tb_json_error ignored;
    if (!e)
        e = &ignored;
    memset(e, 0, sizeof(*e));
    e->position = -1;
    *out = NULL;
    json_t *v = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!v) {
        switch (json_error_code(&je)) {
        case json_error_out_of_memory:
            e->err = TB_ERR_NOMEM;
            break;
        case json_error_stack_overflow:
            e->err = TB_ERR_JSON_DEPTH;
            break;
        case json_error_invalid_utf8:
            e->err = TB_ERR_BAD_UTF8;
            break;
        default:
            e->err = TB_ERR_BAD_JSON;
            break;
        }
        e->line = je.line > 0 ? je.line : 0;
        e->column = je.column > 0 ? je.column : 0;
        e->position = je.position;
        snprintf(e->text, sizeof(e->text), "%s", je.text);
        return e->err;
    }
    if (tb_json_depth(v) > max_depth) {
        json_decref(v);
        e->err = TB_ERR_JSON_DEPTH;
        snprintf(e->text, sizeof(e->text), "nesting deeper than %zu", max_depth);
        return e->err;
    }
    *out = v;
    return TB_OK;
}

bool tb_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t n;
        unsigned min;
        unsigned cp;
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return false;
        }
        if (len - i - 1 < n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

size_t tb_utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

int tb_json_get_string(const json_t *obj, const char *key, bool required, size_t max_chars,
                       const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return required ? TB_ERR_INVALID : TB_OK;
    if (!json_is_string(v))
        return TB_ERR_INVALID;
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (tb_utf8_chars(s, len) > max_chars || (required && len == 0))
        return TB_ERR_INVALID;
    *out = s;
    return TB_OK;
}

int tb_json_get_int(const json_t *obj, const char *key, bool required, long long min, long long max,
                    long long *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return required ? TB_ERR_INVALID : TB_OK;
    if (!json_is_integer(v))
        return TB_ERR_INVALID;
    long long x = json_integer_value(v);
    if (x < min || x > max)
        return TB_ERR_INVALID;
    *out = x;
    return TB_OK;
}

int tb_json_get_bool(const json_t *obj, const char *key, bool required, bool *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return required ? TB_ERR_INVALID : TB_OK;
    if (!json_is_boolean(v))
        return TB_ERR_INVALID;
    *out = json_is_true(v);
    return TB_OK;
}
