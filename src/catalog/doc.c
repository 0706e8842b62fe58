/*
 * doc.c - reading an item document (docs/catalogue.md) into its canonical
 * form and the struct the rules check.
 *
 * A document is described by field tables: each field has a key, a kind, a
 * size limit and, for codes, the table or the words it may take. One walker
 * checks an object against its table, copies the known fields into a new
 * object in table order with defaults filled in, and reports every problem
 * with its path. The canonical object is then read back into struct
 * item_version (no second parser) and item_validate adds the rule problems.
 */
#include "catalog/catalog.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/err.h"
#include "lib/json.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void item_problems_add(struct item_problems *p, const char *path, const char *code, const char *zh,
                       const char *en)
{
    size_t kept = p->n < p->cap ? p->n : p->cap;
    for (size_t i = 0; i < kept; i++)
        if (strcmp(p->out[i].path, path) == 0 && strcmp(p->out[i].code, code) == 0)
            return;
    if (p->n < p->cap) {
        struct item_problem *q = &p->out[p->n];
        snprintf(q->path, sizeof(q->path), "%s", path);
        q->code = code;
        q->message_zh = zh;
        q->message_en = en;
    }
    p->n++;
}

json_t *item_problems_json(const struct item_problems *p)
{
    size_t kept = p->n < p->cap ? p->n : p->cap;
    json_t *list = json_array();
    for (size_t i = 0; i < kept && list; i++) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "path", p->out[i].path, "code", p->out[i].code,
                              "zh", p->out[i].message_zh, "en", p->out[i].message_en);
        if (!o || json_array_append_new(list, o) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

/* ---- field tables -------------------------------------------------------------------- */

enum field_kind {
    F_STRING,  /* text up to max characters; "" when absent */
    F_INT,     /* integer in [min, max]; min when absent */
    F_BOOL,    /* false when absent */
    F_CODE,    /* one code of a table or a word list */
    F_CODES,   /* array of distinct codes, at most max */
    F_STRINGS, /* array of distinct strings of up to 20 characters, at most max */
    F_OBJECT,  /* object of sub fields */
    F_OBJECTS  /* array of objects of sub fields, at most max */
};

struct field {
    const char *key;
    enum field_kind kind;
    bool required;
    long long min, max;       /* F_INT range; F_STRING/arrays: max characters/elements */
    int table;                /* enum catalog_code_table for codes, -1 for words */
    const char *const *words; /* NULL-terminated, when table is -1 */
    const char *fallback;     /* default code when absent and not required */
    const struct field *sub;  /* F_OBJECT, F_OBJECTS */
    size_t nsub;
};

static const char *const limit_starts_words[] = {"next_day", "same_day", NULL};
static const char *const result_kind_words[] = {"licence", "document", "none", NULL};
static const char *const channel_words[] = {"window", "online", "express", NULL};

#define STR(k, req, max)                                                                           \
    {                                                                                              \
        k, F_STRING, req, 0, max, -1, NULL, NULL, NULL, 0                                          \
    }
#define INT(k, req, lo, hi)                                                                        \
    {                                                                                              \
        k, F_INT, req, lo, hi, -1, NULL, NULL, NULL, 0                                             \
    }
#define BOOL(k)                                                                                    \
    {                                                                                              \
        k, F_BOOL, false, 0, 0, -1, NULL, NULL, NULL, 0                                            \
    }
#define CODE(k, req, t, def)                                                                       \
    {                                                                                              \
        k, F_CODE, req, 0, 0, t, NULL, def, NULL, 0                                                \
    }
#define WORD(k, req, w, def)                                                                       \
    {                                                                                              \
        k, F_CODE, req, 0, 0, -1, w, def, NULL, 0                                                  \
    }
#define CODES(k, req, t, max)                                                                      \
    {                                                                                              \
        k, F_CODES, req, 0, max, t, NULL, NULL, NULL, 0                                            \
    }
#define WORDS(k, req, w, max)                                                                      \
    {                                                                                              \
        k, F_CODES, req, 0, max, -1, w, NULL, NULL, 0                                              \
    }
#define STRINGS(k, max)                                                                            \
    {                                                                                              \
        k, F_STRINGS, false, 0, max, -1, NULL, NULL, NULL, 0                                       \
    }
#define OBJECT(k, f)                                                                               \
    {                                                                                              \
        k, F_OBJECT, false, 0, 0, -1, NULL, NULL, f, COUNT(f)                                      \
    }
#define OBJECTS(k, req, max, f)                                                                    \
    {                                                                                              \
        k, F_OBJECTS, req, 0, max, -1, NULL, NULL, f, COUNT(f)                                     \
    }

static const struct field basis_fields[] = {
    STR("law", true, 200),
    STR("article", false, 200),
};

/* Limits are wider than the rules' so that the rules, not the reader, name
 * the fault (materials[0].copies: copies_invalid rather than out_of_range). */
static const struct field material_fields[] = {
    STR("name", true, 400),
    BOOL("is_required"),
    INT("copies", false, 0, 1000),
    CODE("form", true, CODES_MATERIAL_FORM, NULL),
    CODE("source", true, CODES_MATERIAL_SOURCE, NULL),
    STR("licence_type", false, 64),
    BOOL("allows_missing"),
    BOOL("allows_commitment"),
    BOOL("is_proof"),
    STR("proof_code", false, 64),
    STR("sample", false, 2000),
    STR("mistakes", false, 2000),
    STR("note", false, 2000),
    STR("basis", false, 400),
};

static const struct field step_fields[] = {
    STR("name", true, 40),
    INT("authority_level", true, 0, 100),
    INT("limit_days", true, 0, 10000),
};

static const struct field special_fields[] = {
    CODE("kind", true, CODES_SPECIAL_PROCEDURE, NULL),
    INT("limit_days", true, 0, 10000),
};

static const struct field fee_fields[] = {
    BOOL("is_free"),
    INT("amount_fen", false, 0, 100000000000LL),
    STR("basis", false, 400),
};

static const struct field result_fields[] = {
    WORD("kind", false, result_kind_words, "none"),
    STR("name", false, 100),
    STR("licence_type", false, 64),
};

/* The application form (一表申请); form.c checks what the table cannot
 * (key syntax, per-type keys, options) and fills max_length, min, max. */
static const struct field form_option_fields[] = {
    STR("value", true, FORM_OPTION_MAX_CHARS),
    STR("label", true, FORM_OPTION_MAX_CHARS),
};

static const struct field form_field_fields[] = {
    STR("key", true, FORM_KEY_MAX_CHARS),
    STR("label", true, FORM_LABEL_MAX_CHARS),
    WORD("type", true, form_type_words, NULL),
    BOOL("required"),
    INT("max_length", false, 0, FORM_TEXT_MAX_CHARS),
    INT("min", false, -FORM_NUMBER_LIMIT, FORM_NUMBER_LIMIT),
    INT("max", false, -FORM_NUMBER_LIMIT, FORM_NUMBER_LIMIT),
    OBJECTS("options", false, FORM_MAX_OPTIONS, form_option_fields),
    WORD("prefill", false, form_prefill_words, ""),
    STR("help", false, FORM_HELP_MAX_CHARS),
};

static const struct field form_fields[] = {
    OBJECTS("fields", false, FORM_MAX_FIELDS, form_field_fields),
};

static const struct field contact_fields[] = {
    STR("phone", false, 100),   STR("consult", false, 400), STR("complaint", false, 400),
    STR("address", false, 200), STR("hours", false, 200),
};

static const struct field item_fields[] = {
    STR("impl_code", true, ITEM_IMPL_CODE_MAX_CHARS),
    STR("basic_code", true, ITEM_BASIC_CODE_MAX_CHARS),
    STR("local_impl_code", false, 64),
    STR("local_basic_code", false, 64),
    STR("handling_code", false, 64),
    STR("name", true, 100),
    CODE("type", true, CODES_ITEM_TYPE, NULL),
    STR("org", true, 64),
    CODES("audience", true, CODES_SERVICE_OBJECT, 6),
    CODES("levels", true, CODES_EXERCISE_LEVEL, 6),
    STRINGS("topics", 10),
    CODE("power_source", false, CODES_POWER_SOURCE, "1"),
    CODE("handling_mode", false, CODES_HANDLING_MODE, "1"),
    OBJECTS("basis", false, 20, basis_fields),
    STR("conditions", false, 4000),
    OBJECTS("materials", false, 1000, material_fields),
    OBJECTS("steps", false, 1000, step_fields),
    OBJECTS("special_procedures", false, 1000, special_fields),
    INT("legal_limit_days", true, 0, 10000),
    INT("promised_limit_days", true, 0, 10000),
    WORD("limit_starts", false, limit_starts_words, "next_day"),
    BOOL("is_exempt"),
    BOOL("is_high_risk"),
    OBJECT("fee", fee_fields),
    OBJECT("result", result_fields),
    CODE("kind", true, CODES_CASE_KIND, NULL),
    CODE("item_class", true, CODES_ITEM_CLASS, NULL),
    CODE("trips", true, CODES_TRIPS, NULL),
    BOOL("is_immediate"),
    BOOL("is_online"),
    BOOL("is_nearby"),
    BOOL("is_one_visit"),
    CODES("delivery", true, CODES_DELIVERY, 3),
    BOOL("free_post"),
    WORDS("channels", false, channel_words, 3),
    STRINGS("intermediaries", 20),
    OBJECT("contacts", contact_fields),
    STR("notes", false, 2000),
    OBJECT("form", form_fields),
};

/* ---- the walker ------------------------------------------------------------------------ */

struct walk {
    struct item_problems *p;
    int nomem;
};

static void problem(struct walk *w, const char *path, const char *code)
{
    static const struct {
        const char *code, *zh, *en;
    } texts[] = {
        {"missing", "必填项不能为空", "This field is required"},
        {"wrong_type", "字段类型不正确", "This field has the wrong type"},
        {"unknown_field", "不认识的字段", "Unknown field"},
        {"too_long", "内容过长", "The text is too long"},
        {"out_of_range", "数值超出允许范围", "The number is out of range"},
        {"unknown_code", "代码不在代码表中", "Unknown code"},
        {"duplicate", "不能重复", "Listed twice"},
        {"too_many", "条目过多", "Too many entries"},
        {"not_object", "事项须为 JSON 对象", "The item must be a JSON object"},
    };
    for (size_t i = 0; i < COUNT(texts); i++)
        if (strcmp(texts[i].code, code) == 0) {
            item_problems_add(w->p, path, code, texts[i].zh, texts[i].en);
            return;
        }
    assert(!"unknown problem code");
}

static void join(char *out, size_t cap, const char *prefix, const char *key)
{
    snprintf(out, cap, "%s%s%s", prefix, *prefix ? "." : "", key);
}

/* path[i]; a path too long for the problem is cut (paths are at most
 * "special_procedures[<digits>].authority_level", which fits). */
static void path_index(char *out, size_t cap, const char *path, size_t i)
{
    if (snprintf(out, cap, "%s[%zu]", path, i) >= (int)cap)
        out[cap - 1] = '\0';
}

static bool code_known(const struct field *f, const char *s)
{
    if (f->table >= 0)
        return catalog_code_by_code((enum catalog_code_table)f->table, s) != NULL;
    for (const char *const *w = f->words; *w; w++)
        if (strcmp(*w, s) == 0)
            return true;
    return false;
}

static int set(struct walk *w, json_t *obj, const char *key, json_t *v)
{
    if (!v || json_object_set_new(obj, key, v) < 0) {
        w->nomem = 1;
        return -1;
    }
    return 0;
}

static void walk_object(struct walk *w, const json_t *in, const struct field *fields, size_t n,
                        const char *path, json_t *out);

static json_t *walk_codes(struct walk *w, const struct field *f, const json_t *v, const char *path)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    if (!json_is_array(v)) {
        problem(w, path, "wrong_type");
        return arr;
    }
    if (json_array_size(v) > (size_t)f->max)
        problem(w, path, "too_many");
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        char p[ITEM_PROBLEM_PATH_MAX];
        path_index(p, sizeof(p), path, i);
        const char *s = json_string_value(e);
        if (!s) {
            problem(w, p, "wrong_type");
            continue;
        }
        if (f->kind == F_CODES && !code_known(f, s)) {
            problem(w, p, "unknown_code");
            continue;
        }
        if (f->kind == F_STRINGS &&
            (s[0] == '\0' || tb_utf8_chars(s, strlen(s)) > 20 || strchr(s, '\n'))) {
            problem(w, p, s[0] ? "too_long" : "missing");
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < json_array_size(arr); j++)
            dup = dup || strcmp(json_string_value(json_array_get(arr, j)), s) == 0;
        if (dup)
            problem(w, p, "duplicate");
        else if (json_array_append_new(arr, json_string(s)) < 0)
            w->nomem = 1;
    }
    if (f->required && json_array_size(arr) == 0 && json_array_size(v) == 0)
        problem(w, path, "missing");
    return arr;
}

static json_t *walk_field(struct walk *w, const struct field *f, const json_t *v, const char *path)
{
    bool absent = !v || json_is_null(v);
    if (absent && f->required && f->kind != F_CODES)
        problem(w, path, "missing");
    switch (f->kind) {
    case F_STRING: {
        if (absent)
            return json_string("");
        const char *s = json_string_value(v);
        if (!s) {
            problem(w, path, "wrong_type");
            return json_string("");
        }
        if (tb_utf8_chars(s, strlen(s)) > (size_t)f->max)
            problem(w, path, "too_long");
        else if (f->required && s[0] == '\0')
            problem(w, path, "missing");
        return json_string(s);
    }
    case F_INT: {
        if (absent)
            return json_integer(f->min);
        if (!json_is_integer(v)) {
            problem(w, path, "wrong_type");
            return json_integer(f->min);
        }
        json_int_t x = json_integer_value(v);
        if (x < f->min || x > f->max) {
            problem(w, path, "out_of_range");
            return json_integer(f->min);
        }
        return json_integer(x);
    }
    case F_BOOL:
        if (absent)
            return json_false();
        if (!json_is_boolean(v)) {
            problem(w, path, "wrong_type");
            return json_false();
        }
        return json_boolean(json_is_true(v));
    case F_CODE: {
        if (absent)
            return json_string(f->fallback ? f->fallback : "");
        const char *s = json_string_value(v);
        if (!s) {
            problem(w, path, "wrong_type");
            return json_string("");
        }
        if (!code_known(f, s)) {
            problem(w, path, "unknown_code");
            return json_string("");
        }
        return json_string(s);
    }
    case F_CODES:
    case F_STRINGS:
        if (absent) {
            if (f->required)
                problem(w, path, "missing");
            return json_array();
        }
        return walk_codes(w, f, v, path);
    case F_OBJECT: {
        json_t *o = json_object();
        if (!o)
            return NULL;
        if (!absent && !json_is_object(v))
            problem(w, path, "wrong_type");
        walk_object(w, json_is_object(v) ? v : NULL, f->sub, f->nsub, path, o);
        return o;
    }
    case F_OBJECTS: {
        json_t *arr = json_array();
        if (!arr || absent)
            return arr;
        if (!json_is_array(v)) {
            problem(w, path, "wrong_type");
            return arr;
        }
        if (json_array_size(v) > (size_t)f->max) {
            problem(w, path, "too_many");
            return arr;
        }
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            char p[ITEM_PROBLEM_PATH_MAX];
            path_index(p, sizeof(p), path, i);
            json_t *o = json_object();
            if (!o || json_array_append_new(arr, o) < 0) {
                w->nomem = 1;
                break;
            }
            if (!json_is_object(e))
                problem(w, p, "wrong_type");
            walk_object(w, json_is_object(e) ? e : NULL, f->sub, f->nsub, p, o);
        }
        return arr;
    }
    }
    return NULL;
}

static void walk_object(struct walk *w, const json_t *in, const struct field *fields, size_t n,
                        const char *path, json_t *out)
{
    char p[ITEM_PROBLEM_PATH_MAX];
    if (in) {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)in, key, v)
        {
            bool known = false;
            for (size_t i = 0; i < n && !known; i++)
                known = strcmp(fields[i].key, key) == 0;
            if (!known) {
                char k[48];
                snprintf(k, sizeof(k), "%s", key);
                join(p, sizeof(p), path, k);
                problem(w, p, "unknown_field");
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        join(p, sizeof(p), path, fields[i].key);
        json_t *v = in ? json_object_get(in, fields[i].key) : NULL;
        if (set(w, out, fields[i].key, walk_field(w, &fields[i], v, p)) < 0)
            return;
    }
}

/* ---- canonical document -> struct item_version -------------------------------------- */

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static int num(const json_t *o, const char *key)
{
    return (int)json_integer_value(json_object_get(o, key));
}

static bool flag(const json_t *o, const char *key)
{
    return json_is_true(json_object_get(o, key));
}

static int code(enum catalog_code_table t, const json_t *o, const char *key)
{
    const struct catalog_code *c = catalog_code_by_code(t, str(o, key));
    return c ? c->value : 0;
}

static unsigned code_set(enum catalog_code_table t, const json_t *o, const char *key)
{
    unsigned set = 0;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(o, key), i, e)
    {
        const struct catalog_code *c = catalog_code_by_code(t, json_string_value(e));
        if (c)
            set |= CODE_BIT(c->value);
    }
    return set;
}

static const char **strings(const json_t *arr, struct tb_arena *a, size_t *n)
{
    *n = json_array_size(arr);
    const char **out = tb_arena_calloc(a, (*n + 1) * sizeof(*out));
    for (size_t i = 0; out && i < *n; i++)
        out[i] = json_string_value(json_array_get(arr, i));
    return out;
}

static int fill(struct item_doc *d, struct tb_arena *a)
{
    const json_t *o = d->canon;
    struct item_version *v = &d->v;
    memset(v, 0, sizeof(*v));
    v->name = str(o, "name");
    v->basic_code = str(o, "basic_code");
    v->impl_code = str(o, "impl_code");
    v->type = (enum item_type)code(CODES_ITEM_TYPE, o, "type");
    v->audience = code_set(CODES_SERVICE_OBJECT, o, "audience");
    v->levels = code_set(CODES_EXERCISE_LEVEL, o, "levels");
    v->power_source = (enum power_source)code(CODES_POWER_SOURCE, o, "power_source");
    v->handling_mode = (enum handling_mode)code(CODES_HANDLING_MODE, o, "handling_mode");
    v->legal_limit_days = num(o, "legal_limit_days");
    v->promised_limit_days = num(o, "promised_limit_days");
    v->is_exempt = flag(o, "is_exempt");
    v->is_high_risk = flag(o, "is_high_risk");
    v->kind = (enum case_kind)code(CODES_CASE_KIND, o, "kind");
    v->item_class = (enum item_class)code(CODES_ITEM_CLASS, o, "item_class");
    const struct catalog_code *t = catalog_code_by_code(CODES_TRIPS, str(o, "trips"));
    v->trips = t ? (enum trips)t->value : TRIPS_N;
    v->delivery = code_set(CODES_DELIVERY, o, "delivery");
    const json_t *fee = json_object_get(o, "fee");
    v->is_free = flag(fee, "is_free");
    v->fee_fen = json_integer_value(json_object_get(fee, "amount_fen"));
    v->fee_basis = str(fee, "basis");
    v->is_immediate = flag(o, "is_immediate");
    v->is_online = flag(o, "is_online");
    v->is_nearby = flag(o, "is_nearby");
    v->is_one_visit = flag(o, "is_one_visit");

    const json_t *ms = json_object_get(o, "materials");
    v->n_materials = json_array_size(ms);
    struct item_material *m = tb_arena_calloc(a, (v->n_materials + 1) * sizeof(*m));
    const json_t *ss = json_object_get(o, "steps");
    v->n_steps = json_array_size(ss);
    struct item_step *st = tb_arena_calloc(a, (v->n_steps + 1) * sizeof(*st));
    const json_t *sp = json_object_get(o, "special_procedures");
    v->n_specials = json_array_size(sp);
    struct item_special *x = tb_arena_calloc(a, (v->n_specials + 1) * sizeof(*x));
    if (!m || !st || !x)
        return TB_ERR_NOMEM;
    for (size_t i = 0; i < v->n_materials; i++) {
        const json_t *e = json_array_get(ms, i);
        m[i].name = str(e, "name");
        m[i].is_required = flag(e, "is_required");
        m[i].copies = num(e, "copies");
        m[i].form = (enum material_form)code(CODES_MATERIAL_FORM, e, "form");
        m[i].source = (enum material_source)code(CODES_MATERIAL_SOURCE, e, "source");
        m[i].licence_type = str(e, "licence_type");
        m[i].allows_missing = flag(e, "allows_missing");
        m[i].allows_commitment = flag(e, "allows_commitment");
        m[i].is_proof = flag(e, "is_proof");
        m[i].proof_code = str(e, "proof_code");
    }
    for (size_t i = 0; i < v->n_steps; i++) {
        const json_t *e = json_array_get(ss, i);
        st[i].name = str(e, "name");
        st[i].authority_level = num(e, "authority_level");
        st[i].limit_days = num(e, "limit_days");
    }
    for (size_t i = 0; i < v->n_specials; i++) {
        const json_t *e = json_array_get(sp, i);
        x[i].kind = (enum special_procedure)code(CODES_SPECIAL_PROCEDURE, e, "kind");
        x[i].limit_days = num(e, "limit_days");
    }
    v->materials = m;
    v->steps = st;
    v->specials = x;

    d->org_code = str(o, "org");
    d->conditions = str(o, "conditions");
    d->topics = strings(json_object_get(o, "topics"), a, &d->n_topics);
    d->intermediaries = strings(json_object_get(o, "intermediaries"), a, &d->n_intermediaries);
    return d->topics && d->intermediaries ? TB_OK : TB_ERR_NOMEM;
}

int item_doc_read(const json_t *in, const struct proof_list *proofs, struct tb_arena *a,
                  struct item_doc *d, struct item_problems *p)
{
    memset(d, 0, sizeof(*d));
    struct walk w = {p, 0};
    if (!json_is_object(in)) {
        problem(&w, "", "not_object");
        return TB_ERR_INVALID;
    }
    size_t before = p->n;
    json_t *canon = json_object();
    if (!canon)
        return TB_ERR_NOMEM;
    walk_object(&w, in, item_fields, COUNT(item_fields), "", canon);
    if (!w.nomem && form_definition_check(json_object_get(in, "form"),
                                          json_object_get(canon, "form"), p) == TB_ERR_NOMEM)
        w.nomem = 1;
    d->canon = canon;
    int rc = w.nomem ? TB_ERR_NOMEM : fill(d, a);
    if (rc == TB_OK) {
        struct item_problem found[64];
        size_t n = 0;
        item_validate(&d->v, proofs, found, COUNT(found), &n);
        for (size_t i = 0; i < n && i < COUNT(found); i++)
            item_problems_add(p, found[i].path, found[i].code, found[i].message_zh,
                              found[i].message_en);
        if (p->n > before)
            rc = TB_ERR_INVALID;
    }
    if (rc != TB_OK) {
        json_decref(canon);
        d->canon = NULL;
    }
    return rc;
}

json_t *item_doc_changed(const json_t *old, const json_t *cur)
{
    json_t *out = json_array();
    if (!out)
        return NULL;
    for (size_t i = 0; i < COUNT(item_fields); i++) {
        const char *k = item_fields[i].key;
        const json_t *a = old ? json_object_get(old, k) : NULL;
        const json_t *b = json_object_get(cur, k);
        if ((a || b) && !json_equal((json_t *)a, (json_t *)b) &&
            json_array_append_new(out, json_string(k)) < 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

const char *item_doc_material_names(const struct item_doc *d, struct tb_arena *a)
{
    struct tb_buf b;
    tb_buf_init(&b, 1u << 20);
    for (size_t i = 0; i < d->v.n_materials; i++) {
        tb_buf_puts(&b, i ? "\n" : "");
        tb_buf_puts(&b, d->v.materials[i].name);
    }
    const char *s = tb_arena_strdup(a, d->v.n_materials ? tb_buf_cstr(&b) : "");
    tb_buf_free(&b);
    return s;
}

bool item_status_known(const char *s)
{
    static const char *const statuses[] = {"draft", "published", "suspended", "cancelled"};
    for (size_t i = 0; s && i < COUNT(statuses); i++)
        if (strcmp(statuses[i], s) == 0)
            return true;
    return false;
}
