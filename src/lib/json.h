/*
 * json.h - strict JSON input for requests, on top of jansson.
 *
 * Bodies are parsed with JSON_REJECT_DUPLICATES (a duplicate key is an
 * ambiguity an attacker can use), invalid UTF-8 and \u0000 are refused by
 * jansson itself, and nesting deeper than a configured limit is refused
 * after parsing. Field getters check type and length and say which field is
 * at fault, so every handler reports input errors the same way.
 */
#ifndef TB_JSON_H
#define TB_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define TB_JSON_MAX_DEPTH_DEFAULT 32

struct tb_json_error {
    int err;      /* TB_ERR_BAD_JSON, TB_ERR_JSON_DEPTH, TB_ERR_BAD_UTF8, TB_ERR_NOMEM */
    int line;     /* 1-based, 0 when unknown */
    int column;   /* 1-based, 0 when unknown */
    int position; /* byte offset, -1 when unknown */
    char text[160];
};

/* Parses exactly one JSON value from buf[0..len). On success *out holds a new
 * reference the caller releases with json_decref. e may be NULL when the
 * caller needs no description of a fault. */
int tb_json_parse(const char *buf, size_t len, size_t max_depth, json_t **out,
                  struct tb_json_error *e);

/* Nesting depth of v: scalars 0, [] or {} 1, [[1]] 2. */
size_t tb_json_depth(const json_t *v);

/* Field getters. Each returns 0, or TB_ERR_INVALID when the field has the
 * wrong type or length (or is missing and required). Strings are borrowed
 * from obj. max_chars counts UTF-8 code points. */
int tb_json_get_string(const json_t *obj, const char *key, bool required, size_t max_chars,
                       const char **out);
int tb_json_get_int(const json_t *obj, const char *key, bool required, long long min, long long max,
                    long long *out);
int tb_json_get_bool(const json_t *obj, const char *key, bool required, bool *out);

/* Number of UTF-8 code points in a valid UTF-8 string. */
size_t tb_utf8_chars(const char *s, size_t len);
/* True when s[0..len) is valid UTF-8 with no NUL byte. */
bool tb_utf8_valid(const char *s, size_t len);

#endif
