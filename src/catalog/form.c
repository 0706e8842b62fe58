/*
 * form.c - the application form of an item version (一表申请): the checks of
 * a form definition that doc.c's field table cannot express, the validation
 * of an application's values against it, and prefilling from the account.
 *
 * A form is {"fields":[Field]} inside the item document (docs/catalogue.md,
 * "Form"). doc.c's walker checks the shape (keys, JSON types, lengths, the
 * words of "type" and "prefill") and builds the canonical copy; then
 * form_definition_check adds what depends on the field type: which of
 * max_length, min, max and options a type takes (the table `types`), key
 * syntax and uniqueness, option values, and the defaults of the canonical
 * form. form_validate_values checks values against the canonical form, one
 * checker per type, and reports every fault at once with its path, like the
 * rest of the item document (行政许可法 §32 spirit: one notice). Callers:
 * doc.c (item_doc_read) and the case API when an application is filed.
 *
 * Everything is pure except the id_number check, which needs today's date
 * for the "not born in the future" rule of GB 11643.
 */
#include "catalog/catalog.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "accounts/identifiers.h"
#include "calendar/calendar.h"
#include "lib/err.h"
#include "lib/json.h"
#include "lib/timeutil.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- types and prefill sources --------------------------------------------------------- */

/* What a field type takes besides key, label, required and help. */
#define TAKES_MAX_LENGTH 1u /* text: max_length, default FORM_TEXT_DEFAULT_MAX_CHARS */
#define TAKES_RANGE      2u /* number: min, max */
#define TAKES_OPTIONS    4u /* select: options, 1..FORM_MAX_OPTIONS */

/* A value check: true when v (not empty) suits field f, else false with the
 * fault in *out. */
struct verdict {
    const char *code, *zh, *en;
};
typedef bool (*value_check)(const json_t *f, const json_t *v, struct verdict *out);

static bool check_text(const json_t *f, const json_t *v, struct verdict *out);
static bool check_number(const json_t *f, const json_t *v, struct verdict *out);
static bool check_date(const json_t *f, const json_t *v, struct verdict *out);
static bool check_select(const json_t *f, const json_t *v, struct verdict *out);
static bool check_checkbox(const json_t *f, const json_t *v, struct verdict *out);
static bool check_id_number(const json_t *f, const json_t *v, struct verdict *out);
static bool check_credit_code(const json_t *f, const json_t *v, struct verdict *out);
static bool check_phone(const json_t *f, const json_t *v, struct verdict *out);
static bool check_email(const json_t *f, const json_t *v, struct verdict *out);

/* The words of form_type_words, in the same order. */
static const struct form_type {
    const char *word;
    unsigned takes;
    value_check check;
} types[] = {
    {"text", TAKES_MAX_LENGTH, check_text},
    {"textarea", TAKES_MAX_LENGTH, check_text},
    {"number", TAKES_RANGE, check_number},
    {"date", 0, check_date},
    {"select", TAKES_OPTIONS, check_select},
    {"checkbox", 0, check_checkbox},
    {"id_number", 0, check_id_number},
    {"credit_code", 0, check_credit_code},
    {"phone", 0, check_phone},
    {"email", 0, check_email},
    {"address", TAKES_MAX_LENGTH, check_text},
    {"money_fen", TAKES_RANGE, check_number},
};

const char *const form_type_words[] = {
    "text",        "textarea", "number", "date",    "select",    "checkbox", "id_number",
    "credit_code", "phone",    "email",  "address", "money_fen", NULL,
};

_Static_assert(COUNT(form_type_words) == COUNT(types) + 1, "a type word for every type");

/* The words of form_prefill_words after "", in the same order; fits lists
 * the types the account field suits (a name into an id_number field would
 * make every application fail). */
static const struct prefill_source {
    const char *word;
    const char *fits[3];
} sources[] = {
    {"applicant.name", {"text", NULL, NULL}},
    {"applicant.id_number", {"id_number", "text", NULL}},
    {"applicant.phone", {"phone", "text", NULL}},
    {"applicant.credit_code", {"credit_code", "text", NULL}},
    {"applicant.legal_rep", {"text", NULL, NULL}},
};

const char *const form_prefill_words[] = {
    "",
    "applicant.name",
    "applicant.id_number",
    "applicant.phone",
    "applicant.credit_code",
    "applicant.legal_rep",
    NULL,
};

_Static_assert(COUNT(form_prefill_words) == COUNT(sources) + 2, "a prefill word for every source");

static const struct form_type *type_of(const json_t *f)
{
    const char *w = json_string_value(json_object_get(f, "type"));
    for (size_t i = 0; w && i < COUNT(types); i++)
        if (strcmp(types[i].word, w) == 0)
            return &types[i];
    return NULL;
}

/* Index into sources of the field's prefill, -1 for none. */
static int source_of(const json_t *f)
{
    const char *w = json_string_value(json_object_get(f, "prefill"));
    for (size_t i = 0; w && i < COUNT(sources); i++)
        if (strcmp(sources[i].word, w) == 0)
            return (int)i;
    return -1;
}

/* ---- problems ------------------------------------------------------------------------- */

static const struct verdict texts[] = {
    {"missing", "必填项不能为空", "This field is required"},
    {"duplicate", "不能重复", "Listed twice"},
    {"out_of_range", "数值超出允许范围", "The number is out of range"},
    {"wrong_type", "字段类型不正确", "This field has the wrong type"},
    {"unknown_field", "表单中没有这一项", "The form has no such field"},
    {"too_long", "内容过长", "The text is too long"},
    {"invalid_key", "字段标识只能由小写字母、数字和下划线组成，以字母开头，不超过 40 个字符",
     "A field key is lower-case letters, digits and underscores, starting with a letter, at "
     "most 40 characters"},
    {"not_allowed", "该字段类型不使用此项", "This field type does not take this setting"},
    {"min_over_max", "最小值大于最大值", "The minimum is above the maximum"},
    {"options_required", "下拉选择字段须列出选项", "A select field needs options"},
    {"options_not_allowed", "只有下拉选择字段可以设置选项", "Only a select field takes options"},
    {"prefill_not_allowed", "该字段类型不能用此项账户信息预填",
     "This field type cannot be prefilled from that account field"},
    {"invalid_date", "日期须为有效的 YYYY-MM-DD", "The date must be a real YYYY-MM-DD date"},
    {"unknown_option", "所选内容不在选项之中", "The choice is not one of the options"},
    {"invalid_id_number", "公民身份号码不正确", "The citizen ID number is not valid"},
    {"invalid_credit_code", "统一社会信用代码不正确",
     "The unified social credit code is not valid"},
    {"invalid_phone", "电话号码须为11位手机号码或带区号的固定电话",
     "The phone number must be an 11-digit mobile number or a landline with its area code"},
    {"invalid_email", "电子邮箱地址不正确", "The e-mail address is not valid"},
};

static struct verdict text_of(const char *code)
{
    for (size_t i = 0; i < COUNT(texts); i++)
        if (strcmp(texts[i].code, code) == 0)
            return texts[i];
    assert(!"unknown problem code");
    return texts[0];
}

static void report(struct item_problems *p, const char *path, const char *code)
{
    struct verdict t = text_of(code);
    item_problems_add(p, path, code, t.zh, t.en);
}

static bool fail(struct verdict *out, const char *code)
{
    *out = text_of(code);
    return false;
}

/* "<prefix>.<key>", the key cut at a character boundary to fit a path. */
static void path_key(char *out, size_t cap, const char *prefix, const char *key)
{
    int n = snprintf(out, cap, "%s.%s", prefix, key);
    if (n < 0 || (size_t)n < cap)
        return;
    size_t end = cap - 1;
    while (end > 0 && ((unsigned char)out[end] & 0xC0) == 0x80)
        end--;
    out[end] = '\0';
}

/* "<prefix>[i].<key>"; fits any path a form has (at most
 * "form.fields[<digits>].options[<digits>].value"). */
static void path_index_key(char *out, size_t cap, const char *prefix, size_t i, const char *key)
{
    if (snprintf(out, cap, "%s[%zu].%s", prefix, i, key) >= (int)cap)
        out[cap - 1] = '\0';
}

/* ---- form definitions ------------------------------------------------------------------- */

/* [a-z][a-z0-9_]{0,39}: a key a program can use as an identifier. */
static bool key_valid(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > FORM_KEY_MAX_CHARS || k[0] < 'a' || k[0] > 'z')
        return false;
    for (size_t i = 1; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
            return false;
    return true;
}

static bool given(const json_t *raw, const char *key)
{
    const json_t *v = json_object_get(raw, key);
    return v && !json_is_null(v);
}

static json_int_t integer(const json_t *f, const char *key)
{
    return json_integer_value(json_object_get(f, key));
}

/* Sets f[key] to x; -1 when memory runs out. */
static int set_integer(json_t *f, const char *key, json_int_t x)
{
    return json_object_set_new(f, key, json_integer(x));
}

/* A numeric setting (max_length, min, max) of a type that does not take it:
 * absent or 0 (the canonical value) is fine, anything else is refused. */
static int setting_unused(json_t *f, const json_t *raw, const char *key, const char *path,
                          struct item_problems *p)
{
    char q[ITEM_PROBLEM_PATH_MAX];
    path_key(q, sizeof(q), path, key);
    if (given(raw, key) && integer(f, key) != 0)
        report(p, q, "not_allowed");
    return set_integer(f, key, 0);
}

static int check_lengths(json_t *f, const json_t *raw, const struct form_type *t, const char *path,
                         struct item_problems *p)
{
    if (!(t->takes & TAKES_MAX_LENGTH))
        return setting_unused(f, raw, "max_length", path, p);
    if (!given(raw, "max_length"))
        return set_integer(f, "max_length", FORM_TEXT_DEFAULT_MAX_CHARS);
    char q[ITEM_PROBLEM_PATH_MAX];
    path_key(q, sizeof(q), path, "max_length");
    if (integer(f, "max_length") < 1)
        report(p, q, "out_of_range");
    return 0;
}

static int check_range(json_t *f, const json_t *raw, const struct form_type *t, const char *path,
                       struct item_problems *p)
{
    if (!(t->takes & TAKES_RANGE)) {
        int rc = setting_unused(f, raw, "min", path, p);
        return rc < 0 ? rc : setting_unused(f, raw, "max", path, p);
    }
    if ((!given(raw, "min") && set_integer(f, "min", 0) < 0) ||
        (!given(raw, "max") && set_integer(f, "max", FORM_NUMBER_LIMIT) < 0))
        return -1;
    char q[ITEM_PROBLEM_PATH_MAX];
    /* RULE: an amount of money is never negative */
    if (strcmp(t->word, "money_fen") == 0 && integer(f, "min") < 0) {
        path_key(q, sizeof(q), path, "min");
        report(p, q, "out_of_range");
    }
    if (integer(f, "min") > integer(f, "max")) {
        path_key(q, sizeof(q), path, "max");
        report(p, q, "min_over_max");
    }
    return 0;
}

static void check_options(const json_t *f, const json_t *raw, const struct form_type *t,
                          const char *path, struct item_problems *p)
{
    char q[ITEM_PROBLEM_PATH_MAX];
    path_key(q, sizeof(q), path, "options");
    const json_t *opts = json_object_get(f, "options");
    size_t n = json_array_size(opts);
    if (!(t->takes & TAKES_OPTIONS)) {
        if (n > 0)
            report(p, q, "options_not_allowed");
        return;
    }
    /* the walker reports an over-long list (too_many) and keeps none */
    if (n == 0 && json_array_size(json_object_get(raw, "options")) == 0)
        report(p, q, "options_required");
    for (size_t i = 0; i < n; i++) {
        const char *v = json_string_value(json_object_get(json_array_get(opts, i), "value"));
        for (size_t j = 0; v && v[0] && j < i; j++) {
            const char *w = json_string_value(json_object_get(json_array_get(opts, j), "value"));
            if (w && strcmp(v, w) == 0) {
                char e[ITEM_PROBLEM_PATH_MAX];
                path_index_key(e, sizeof(e), q, i, "value");
                report(p, e, "duplicate");
                break;
            }
        }
    }
}

static void check_prefill(const json_t *f, const struct form_type *t, const char *path,
                          struct item_problems *p)
{
    int s = source_of(f);
    if (s < 0)
        return;
    bool fits = false;
    for (size_t i = 0; i < COUNT(sources[s].fits) && sources[s].fits[i]; i++)
        fits = fits || strcmp(sources[s].fits[i], t->word) == 0;
    if (!fits) {
        char q[ITEM_PROBLEM_PATH_MAX];
        path_key(q, sizeof(q), path, "prefill");
        report(p, q, "prefill_not_allowed");
    }
}

/* Field i of the canonical fields, with raw its input (any value or NULL). */
static int check_field(const json_t *fields, size_t i, const json_t *raw, struct item_problems *p)
{
    json_t *f = json_array_get(fields, i);
    char path[ITEM_PROBLEM_PATH_MAX], q[ITEM_PROBLEM_PATH_MAX];
    snprintf(path, sizeof(path), "form.fields[%zu]", i);
    path_key(q, sizeof(q), path, "key");
    const char *key = json_string_value(json_object_get(f, "key"));
    if (key && key[0] && !key_valid(key))
        report(p, q, "invalid_key");
    for (size_t j = 0; key && key[0] && j < i; j++) {
        const char *other = json_string_value(json_object_get(json_array_get(fields, j), "key"));
        if (other && strcmp(other, key) == 0) {
            report(p, q, "duplicate");
            break;
        }
    }
    const struct form_type *t = type_of(f);
    if (!t) /* the walker reported the type */
        return 0;
    if (check_lengths(f, raw, t, path, p) < 0 || check_range(f, raw, t, path, p) < 0)
        return -1;
    check_options(f, raw, t, path, p);
    check_prefill(f, t, path, p);
    return 0;
}

int form_definition_check(const json_t *in, json_t *canon, struct item_problems *p)
{
    assert(json_is_object(canon));
    const json_t *fields = json_object_get(canon, "fields");
    const json_t *raw = json_object_get(in, "fields");
    size_t before = p->n;
    for (size_t i = 0; i < json_array_size(fields); i++) {
        const json_t *r = json_is_array(raw) ? json_array_get(raw, i) : NULL;
        if (check_field(fields, i, r, p) < 0)
            return TB_ERR_NOMEM;
    }
    return p->n > before ? TB_ERR_INVALID : TB_OK;
}

/* ---- values ------------------------------------------------------------------------------ */

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool check_text(const json_t *f, const json_t *v, struct verdict *out)
{
    const char *s = json_string_value(v);
    if (!s)
        return fail(out, "wrong_type");
    json_int_t max = integer(f, "max_length");
    if (max <= 0)
        max = FORM_TEXT_DEFAULT_MAX_CHARS;
    if ((json_int_t)tb_utf8_chars(s, json_string_length(v)) > max)
        return fail(out, "too_long");
    return true;
}

static bool check_number(const json_t *f, const json_t *v, struct verdict *out)
{
    if (!json_is_integer(v))
        return fail(out, "wrong_type");
    json_int_t x = json_integer_value(v);
    json_int_t lo = json_is_integer(json_object_get(f, "min")) ? integer(f, "min") : 0;
    json_int_t hi =
        json_is_integer(json_object_get(f, "max")) ? integer(f, "max") : FORM_NUMBER_LIMIT;
    /* RULE: an amount of money is never negative */
    if (strcmp(json_string_value(json_object_get(f, "type")), "money_fen") == 0 && lo < 0)
        lo = 0;
    if (x < lo || x > hi)
        return fail(out, "out_of_range");
    return true;
}

static bool check_date(const json_t *f, const json_t *v, struct verdict *out)
{
    (void)f;
    struct tb_date d;
    const char *s = json_string_value(v);
    if (!s)
        return fail(out, "wrong_type");
    if (tb_date_parse(s, json_string_length(v), &d) != 0)
        return fail(out, "invalid_date");
    return true;
}

static bool check_select(const json_t *f, const json_t *v, struct verdict *out)
{
    const char *s = json_string_value(v);
    if (!s)
        return fail(out, "wrong_type");
    size_t i;
    const json_t *o;
    json_array_foreach(json_object_get(f, "options"), i, o)
    {
        const char *w = json_string_value(json_object_get(o, "value"));
        if (w && strcmp(w, s) == 0)
            return true;
    }
    return fail(out, "unknown_option");
}

static bool check_checkbox(const json_t *f, const json_t *v, struct verdict *out)
{
    (void)f;
    return json_is_boolean(v) ? true : fail(out, "wrong_type");
}

static int today_yyyymmdd(void)
{
    int y, m, d;
    tb_time_shanghai_date(tb_time_now_ms(), &y, &m, &d);
    return y * 10000 + m * 100 + d;
}

/* RULE: GB 11643-1999 公民身份号码 (SPEC §3 一号申请) */
static bool check_id_number(const json_t *f, const json_t *v, struct verdict *out)
{
    (void)f;
    const char *s = json_string_value(v);
    if (!s)
        return fail(out, "wrong_type");
    struct ident_result r;
    if (ident_check_person(s, json_string_length(v), today_yyyymmdd(), &r) == 0)
        return true;
    *out =
        (struct verdict){"invalid_id_number", ident_reason_zh(r.reason), ident_reason_en(r.reason)};
    return false;
}

/* RULE: GB 32100-2015 统一社会信用代码 (SPEC §3 一号申请) */
static bool check_credit_code(const json_t *f, const json_t *v, struct verdict *out)
{
    (void)f;
    const char *s = json_string_value(v);
    if (!s)
        return fail(out, "wrong_type");
    struct ident_result r;
    if (ident_check_org(s, json_string_length(v), &r) == 0)
        return true;
    *out = (struct verdict){"invalid_credit_code", ident_reason_zh(r.reason),
                            ident_reason_en(r.reason)};
    return false;
}

/* A mainland mobile number 1[3-9]\d{9}, or a landline with its area code:
 * 0\d{2,3}, an optional '-', a local number [2-9]\d{6,7}, an optional
 * extension -\d{1,6}. */
static bool phone_valid(const char *s, size_t n)
{
    if (n == IDENT_PHONE_LEN && s[0] == '1' && s[1] >= '3' && s[1] <= '9' && all_digits(s, n))
        return true;
    for (size_t area = 3; area <= 4; area++) {
        if (n < area || s[0] != '0' || !all_digits(s, area))
            continue;
        size_t i = area + (n > area && s[area] == '-');
        size_t local = i;
        while (local < n && s[local] >= '0' && s[local] <= '9')
            local++;
        size_t len = local - i;
        if (len < 7 || len > 8 || s[i] < '2')
            continue;
        if (local == n)
            return true;
        size_t ext = n - local - 1;
        if (s[local] == '-' && ext >= 1 && ext <= 6 && all_digits(s + local + 1, ext))
            return true;
    }
    return false;
}

static bool check_phone(const json_t *f, const json_t *v, struct verdict *out)
{
    (void)f;
    const char *s = json_string_value(v);
    if (!s)
        return fail(out, "wrong_type");
    return phone_valid(s, json_string_length(v)) ? true : fail(out, "invalid_phone");
}

/* A simple check, not RFC 5322: printable ASCII without spaces, one '@'
 * with text before it, a domain with a dot neither first nor last nor
 * doubled. */
static bool email_valid(const char *s, size_t n)
{
    const char *at = memchr(s, '@', n);
    if (n > FORM_EMAIL_MAX_CHARS || !at || at == s || memchr(at + 1, '@', n - (at - s) - 1))
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] > '~')
            return false;
    const char *d = at + 1;
    size_t dn = n - (size_t)(d - s);
    if (dn < 3 || d[0] == '.' || d[dn - 1] == '.' || !memchr(d, '.', dn))
        return false;
    for (size_t i = 1; i < dn; i++)
        if (d[i] == '.' && d[i - 1] == '.')
            return false;
    return true;
}

static bool check_email(const json_t *f, const json_t *v, struct verdict *out)
{
    (void)f;
    const char *s = json_string_value(v);
    if (!s)
        return fail(out, "wrong_type");
    return email_valid(s, json_string_length(v)) ? true : fail(out, "invalid_email");
}

/* An answer that says nothing: absent, null, "" or, for a checkbox, false
 * (a required checkbox is a declaration the applicant must tick). */
static bool is_empty(const struct form_type *t, const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0) ||
           (t->check == check_checkbox && json_is_false(v));
}

static const json_t *field_by_key(const json_t *fields, const char *key)
{
    size_t i;
    const json_t *f;
    json_array_foreach(fields, i, f)
    {
        const char *k = json_string_value(json_object_get(f, "key"));
        if (k && strcmp(k, key) == 0)
            return f;
    }
    return NULL;
}

int form_validate_values(const json_t *form, const json_t *values, struct item_problems *p)
{
    const json_t *fields = json_object_get(form, "fields");
    size_t before = p->n;
    char path[ITEM_PROBLEM_PATH_MAX];
    if (values && !json_is_object(values)) {
        report(p, "values", "wrong_type");
        return TB_ERR_INVALID;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)values, key, v)
    {
        if (!field_by_key(fields, key)) {
            path_key(path, sizeof(path), "values", key);
            report(p, path, "unknown_field");
        }
    }
    size_t i;
    const json_t *f;
    json_array_foreach(fields, i, f)
    {
        const char *k = json_string_value(json_object_get(f, "key"));
        const struct form_type *t = type_of(f);
        if (!k || !t)
            continue;
        path_key(path, sizeof(path), "values", k);
        const json_t *x = json_object_get(values, k);
        if (is_empty(t, x)) {
            if (json_is_true(json_object_get(f, "required")))
                report(p, path, "missing");
            continue;
        }
        struct verdict fault;
        if (!t->check(f, x, &fault))
            item_problems_add(p, path, fault.code, fault.zh, fault.en);
    }
    return p->n > before ? TB_ERR_INVALID : TB_OK;
}

/* ---- prefill ---------------------------------------------------------------------------- */

json_t *form_prefill(const json_t *form, const struct form_applicant *a)
{
    json_t *out = json_object();
    if (!out || !a)
        return out;
    const char *values[] = {a->name, a->id_number, a->phone, a->credit_code, a->legal_rep};
    _Static_assert(COUNT(values) == COUNT(sources), "a value for every prefill source");
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(form, "fields"), i, f)
    {
        int s = source_of(f);
        const char *k = json_string_value(json_object_get(f, "key"));
        if (s < 0 || !k || !values[s])
            continue;
        if (json_object_set_new(out, k, json_string(values[s])) < 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}
