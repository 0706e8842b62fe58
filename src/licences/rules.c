/*
 * rules.c - pure rules of electronic licences (docs/licences.md): the
 * identifier and its check character, serials and check codes, the
 * canonical form that is signed, validity, masking, face data and the
 * status a verification reports. No I/O.
 */
#include "licences/internal.h"
#include "calendar/calendar.h"
#include "catalog/catalog.h"
#include "lib/err.h"
#include "lib/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the identifier --------------------------------------------------------------------- */

static int alnum36(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A' + 10;
    return -1;
}

static const char digits36[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* RULE: SPEC §16 ISO 7064 MOD 37,36 (hybrid system) over the parts without dots */
int licence_check_char(const char *s, char *out)
{
    const int m = 36;
    int p = m;
    size_t used = 0;
    for (; *s; s++) {
        if (*s == '.')
            continue;
        int v = alnum36(*s);
        if (v < 0)
            return TB_ERR_INVALID;
        int t = (p + v) % m;
        if (t == 0)
            t = m;
        p = (2 * t) % (m + 1);
        used++;
    }
    if (!used)
        return TB_ERR_INVALID;
    *out = digits36[(m + 1 - p) % m];
    return TB_OK;
}

bool licence_type_code_ok(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    if (n != 21)
        return false;
    for (size_t i = 0; i < n; i++)
        if (alnum36(code[i]) < 0 || (i >= 18 && (code[i] < '0' || code[i] > '9')))
            return false;
    return true;
}

int licence_no_make(const char *type_code, const char *issuer_credit, const char *serial,
                    int version, char *out, size_t cap)
{
    if (version < 1 || version > 999)
        return TB_ERR_INVALID;
    char body[LICENCE_NO_MAX];
    int n = snprintf(body, sizeof(body), "%s%s.%s.%s.%03d", LICENCE_OID_PREFIX, type_code,
                     issuer_credit, serial, version);
    if (n < 0 || (size_t)n >= sizeof(body))
        return TB_ERR_TOO_LARGE;
    char check;
    /* the check covers every part, the OID prefix included */
    if (licence_check_char(body, &check) < 0)
        return TB_ERR_INVALID;
    n = snprintf(out, cap, "%s.%c", body, check);
    return n < 0 || (size_t)n >= cap ? TB_ERR_TOO_LARGE : TB_OK;
}

/* Copies the part up to the next dot into out (at most cap - 1 bytes). */
static const char *part(const char *s, char *out, size_t cap)
{
    const char *dot = strchr(s, '.');
    size_t n = dot ? (size_t)(dot - s) : strlen(s);
    if (!dot || n == 0 || n >= cap)
        return NULL;
    memcpy(out, s, n);
    out[n] = '\0';
    return dot + 1;
}

int licence_no_parse(const char *no, struct licence_no_parts *out)
{
    size_t plen = strlen(LICENCE_OID_PREFIX);
    if (!no || strlen(no) >= LICENCE_NO_MAX || strncmp(no, LICENCE_OID_PREFIX, plen) != 0)
        return TB_ERR_INVALID;
    const char *s = no + plen;
    char ver[8];
    if (!(s = part(s, out->type_code, sizeof(out->type_code))) ||
        !(s = part(s, out->issuer, sizeof(out->issuer))) ||
        !(s = part(s, out->serial, sizeof(out->serial))) || !(s = part(s, ver, sizeof(ver))))
        return TB_ERR_INVALID;
    if (!licence_type_code_ok(out->type_code) || strlen(out->issuer) != 18 ||
        strlen(out->serial) != LICENCE_SERIAL_LEN || strlen(ver) != 3 || strlen(s) != 1)
        return TB_ERR_INVALID;
    out->version = 0;
    for (int i = 0; i < 3; i++) {
        if (ver[i] < '0' || ver[i] > '9')
            return TB_ERR_INVALID;
        out->version = out->version * 10 + (ver[i] - '0');
    }
    char body[LICENCE_NO_MAX], check;
    size_t blen = strlen(no) - 2;
    memcpy(body, no, blen);
    body[blen] = '\0';
    if (out->version < 1 || licence_check_char(body, &check) < 0 || check != s[0])
        return TB_ERR_INVALID;
    return TB_OK;
}

int licence_serial_from(const unsigned char *rnd, size_t n, char out[LICENCE_SERIAL_LEN + 1])
{
    size_t k = 0;
    /* 252 = 7 * 36: bytes at or above it would favour the first symbols */
    for (size_t i = 0; i < n && k < LICENCE_SERIAL_LEN; i++)
        if (rnd[i] < 252)
            out[k++] = digits36[rnd[i] % 36];
    out[k] = '\0';
    return k == LICENCE_SERIAL_LEN ? TB_OK : TB_ERR_INVALID;
}

void licence_check_from_mac(const unsigned char mac[32], char out[LICENCE_CHECK_LEN + 1])
{
    static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"; /* 31 symbols */
    uint64_t bits = 0;
    for (int i = 0; i < 8; i++)
        bits = bits << 8 | mac[i];
    for (int i = 0; i < LICENCE_CHECK_LEN; i++) {
        out[i] = alphabet[bits % 31];
        bits /= 31;
    }
    out[LICENCE_CHECK_LEN] = '\0';
}

/* ---- the canonical form ----------------------------------------------------------------- */

static bool integers_only(const json_t *v, int depth)
{
    if (depth > 32)
        return false;
    if (json_is_real(v))
        return false;
    const char *k;
    json_t *x;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, k, x)
        {
            if (!integers_only(x, depth + 1))
                return false;
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x)
        {
            if (!integers_only(x, depth + 1))
                return false;
        }
    }
    return true;
}

/* RULE: docs/licences.md the signed bytes: sorted keys, compact, raw UTF-8, integers only */
int licence_canonical(const json_t *v, char **out)
{
    if (!json_is_object(v) || !integers_only(v, 0))
        return TB_ERR_INVALID;
    *out = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    return *out ? TB_OK : TB_ERR_NOMEM;
}

bool licence_is_canonical(const char *text, size_t n)
{
    json_t *v = NULL;
    if (tb_json_parse(text, n, 64, &v, NULL) < 0)
        return false;
    char *again = NULL;
    bool same =
        licence_canonical(v, &again) == TB_OK && strlen(again) == n && memcmp(again, text, n) == 0;
    free(again);
    json_decref(v);
    return same;
}

/* ---- dates ------------------------------------------------------------------------------ */

/* A date of the range a licence can carry (1900..2999): the calendar's
 * parser, whose dates the rest of the platform uses. */
static bool date_of(const char *s, struct tb_date *d)
{
    return s && tb_date_parse(s, strlen(s), d) == 0 && d->y >= 1900 && d->y <= 2999;
}

bool licence_date_ok(const char *s)
{
    struct tb_date d;
    return date_of(s, &d);
}

/* RULE: docs/licences.md valid for N years: the day before the Nth anniversary */
int licence_valid_until(const char *issued, int years, char out[LICENCE_DATE_LEN + 1])
{
    struct tb_date d;
    if (!date_of(issued, &d) || years < 0 || years > LICENCE_YEARS_MAX)
        return TB_ERR_INVALID;
    if (years == 0) {
        out[0] = '\0';
        return TB_OK;
    }
    /* 29 February plus N years is 1 March in a common year: minus one day */
    struct tb_date anniversary = {d.y + years, d.m, d.d};
    if (!tb_date_valid(anniversary))
        anniversary = (struct tb_date){d.y + years, 3, 1};
    tb_date_format(tb_date_from_days(tb_date_to_days(anniversary) - 1), out);
    return TB_OK;
}

/* ---- masking ---------------------------------------------------------------------------- */

/* Byte length of the UTF-8 character at s. */
static size_t char_len(const char *s)
{
    size_t n = 1;
    while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
        n++;
    return n;
}

void licence_mask_name(const char *name, bool org, char *out, size_t cap)
{
    if (!cap)
        return;
    out[0] = '\0';
    if (!name || !*name)
        return;
    size_t chars = tb_utf8_chars(name, strlen(name));
    size_t keep_head = org ? 2 : 1, keep_tail = org && chars > 4 ? 2 : 0;
    if (chars <= keep_head + keep_tail)
        keep_head = 1, keep_tail = 0;
    size_t used = 0, i = 0;
    const char *s = name;
    while (*s && used + 8 < cap) {
        size_t n = char_len(s);
        bool shown = i < keep_head || i >= chars - keep_tail;
        if (shown) {
            memcpy(out + used, s, n);
            used += n;
        } else {
            out[used++] = '*';
        }
        s += n;
        i++;
    }
    out[used] = '\0';
}

/* ---- status ----------------------------------------------------------------------------- */

const char *licence_status_name(enum licence_status s)
{
    static const char *const names[] = {"valid", "expired", "revoked", "superseded", "tampered"};
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "tampered";
}

/* RULE: docs/licences.md tampered, then revoked, superseded, expired, else valid */
enum licence_status licence_status_eval(bool signature_ok, const char *stored_status,
                                        const char *valid_until, const char *today)
{
    if (!signature_ok)
        return LS_TAMPERED;
    if (stored_status && strcmp(stored_status, "revoked") == 0)
        return LS_REVOKED;
    if (stored_status && strcmp(stored_status, "superseded") == 0)
        return LS_SUPERSEDED;
    if (valid_until && *valid_until && today && strcmp(today, valid_until) > 0)
        return LS_EXPIRED;
    return LS_VALID;
}

/* ---- types and faces -------------------------------------------------------------------- */

static bool key_ok(const char *k)
{
    size_t n = k ? strlen(k) : 0;
    if (n < 1 || n > 40 || !(k[0] >= 'a' && k[0] <= 'z'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
            return false;
    return true;
}

static bool text_ok(const json_t *v, size_t max)
{
    const char *s = json_string_value(v);
    size_t n = s ? strlen(s) : 0;
    return s && n && tb_utf8_valid(s, n) && tb_utf8_chars(s, n) <= max;
}

int licence_type_fields_check(const json_t *in, json_t *out, struct item_problems *p)
{
    if (!json_is_array(in) || json_array_size(in) > LICENCE_FIELDS_MAX) {
        item_problems_add(p, "fields", "invalid_field", "照面信息应为不超过 40 项的列表",
                          "fields must be a list of at most 40 entries");
        return TB_ERR_INVALID;
    }
    size_t before = p->n, i;
    json_t *f;
    json_array_foreach(in, i, f)
    {
        char path[48];
        snprintf(path, sizeof(path), "fields[%zu]", i);
        const char *key = json_string_value(json_object_get(f, "key"));
        const char *type = json_string_value(json_object_get(f, "type"));
        const char *from = json_string_value(json_object_get(f, "from"));
        json_t *req = json_object_get(f, "required");
        if (!json_is_object(f)) {
            item_problems_add(p, path, "invalid_field", "每一项照面信息应为对象",
                              "each field is an object");
            continue;
        }
        const char *k;
        json_t *x;
        json_object_foreach(f, k, x)
        {
            if (strcmp(k, "key") != 0 && strcmp(k, "label") != 0 && strcmp(k, "type") != 0 &&
                strcmp(k, "required") != 0 && strcmp(k, "from") != 0)
                item_problems_add(p, path, "unknown_field", "照面信息含有未知的键",
                                  "a field has an unknown key");
        }
        if (!key_ok(key))
            item_problems_add(p, path, "invalid_key", "键应为小写字母开头的字母、数字或下划线",
                              "key: lower-case letters, digits and _, a letter first");
        for (size_t j = 0; j < i && key_ok(key); j++) {
            const char *other = json_string_value(json_object_get(json_array_get(in, j), "key"));
            if (other && strcmp(key, other) == 0)
                item_problems_add(p, path, "duplicate_key", "照面信息的键重复",
                                  "two fields have the same key");
        }
        if (!text_ok(json_object_get(f, "label"), LICENCE_LABEL_MAX))
            item_problems_add(p, path, "invalid_label", "请填写名称（不超过 40 个字）",
                              "label: 1 to 40 characters");
        if (type && strcmp(type, "text") != 0 && strcmp(type, "date") != 0 &&
            strcmp(type, "integer") != 0)
            item_problems_add(p, path, "invalid_type", "类型应为 text、date 或 integer",
                              "type is text, date or integer");
        if (req && !json_is_boolean(req))
            item_problems_add(p, path, "invalid_required", "required 应为 true 或 false",
                              "required is true or false");
        if (json_object_get(f, "from") && !key_ok(from))
            item_problems_add(p, path, "invalid_from", "from 应为申请表中的字段键",
                              "from names a key of the application form");
        if (p->n == before) {
            json_t *c = json_pack("{s:s,s:O,s:s,s:b,s:s}", "key", key, "label",
                                  json_object_get(f, "label"), "type", type ? type : "text",
                                  "required", json_is_true(req), "from", from ? from : key);
            if (!c || json_array_append_new(out, c) < 0)
                return TB_ERR_NOMEM;
        }
    }
    return p->n == before ? TB_OK : TB_ERR_INVALID;
}

bool licence_type_has_field(const json_t *fields, const char *key)
{
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f)
    {
        const char *k = json_string_value(json_object_get(f, "key"));
        if (k && key && strcmp(k, key) == 0)
            return true;
    }
    return false;
}

/* The label of a select option, or value itself. */
static const char *option_label(const json_t *form, const char *key, const char *value)
{
    size_t i, j;
    json_t *f, *o;
    json_array_foreach(json_object_get(form, "fields"), i, f)
    {
        const char *k = json_string_value(json_object_get(f, "key"));
        if (!k || strcmp(k, key) != 0)
            continue;
        json_array_foreach(json_object_get(f, "options"), j, o)
        {
            const char *v = json_string_value(json_object_get(o, "value"));
            const char *l = json_string_value(json_object_get(o, "label"));
            if (v && l && strcmp(v, value) == 0)
                return l;
        }
    }
    return value;
}

int licence_face_from(const json_t *fields, const json_t *values, const json_t *form, json_t **out,
                      const char **missing)
{
    json_t *face = json_object();
    if (!face)
        return TB_ERR_NOMEM;
    *missing = NULL;
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f)
    {
        const char *key = json_string_value(json_object_get(f, "key"));
        const char *from = json_string_value(json_object_get(f, "from"));
        json_t *v = json_object_get(values, from ? from : key);
        char num[32];
        const char *text = NULL;
        if (json_is_string(v) && *json_string_value(v))
            text = option_label(form, from ? from : key, json_string_value(v));
        else if (json_is_integer(v))
            snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v)), text = num;
        else if (json_is_boolean(v))
            text = json_is_true(v) ? "是" : "否";
        if (!key)
            continue;
        if (!text) {
            if (!*missing && json_is_true(json_object_get(f, "required")))
                *missing = key;
            continue;
        }
        if (json_object_set_new(face, key, json_string(text)) < 0) {
            json_decref(face);
            return TB_ERR_NOMEM;
        }
    }
    *out = face;
    return TB_OK;
}
