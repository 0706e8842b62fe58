/*
 * io.c - the organisation and hall documents: the tree rules, the readers
 * that check an Org, a Hall or a Window (an API body or one entry of the
 * import file: one reader, so both refuse the same things), and
 * import/export of the catalogue file's "orgs" and "halls" (docs/catalogue.md
 * "Import and export"; called by `tongban catalog import/export`).
 *
 * A reader walks a field table: each row names a key, its kind, whether it is
 * required or may be null, its size, and what a valid value is in both
 * languages. Every fault is reported with its path ("orgs[3].parent",
 * "halls[0].windows[2].staff[0]") so that a form or an import shows them all
 * at once.
 *
 * Import checks everything before it writes anything: a first pass reads and
 * resolves every entry against the database and the entries before it, a
 * second pass writes. Export reads the same rows in a fixed order, so export,
 * import into an empty database, export gives the same JSON.
 */
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/calendar.h"
#include "lib/db.h"
#include "lib/err.h"
#include "lib/json.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- rules ------------------------------------------------------------------------------ */

static const char *const kind_words[] = {"region", "department", "bureau", NULL};
static const char *const window_words[] = {"comprehensive", "themed", "department", NULL};

const char *org_kind_name(enum org_kind k)
{
    return k <= ORG_BUREAU ? kind_words[k] : "region";
}

int org_kind_parse(const char *s, enum org_kind *out)
{
    for (size_t i = 0; s && kind_words[i]; i++)
        if (strcmp(kind_words[i], s) == 0) {
            *out = (enum org_kind)i;
            return TB_OK;
        }
    return TB_ERR_INVALID;
}

const char *window_kind_name(enum window_kind k)
{
    return k <= WINDOW_DEPARTMENT ? window_words[k] : "comprehensive";
}

bool org_code_ok(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        if (!ok)
            return false;
    }
    return true;
}

enum { FAULT_ROOT_HAS_PARENT, FAULT_PARENT_REQUIRED, FAULT_REGION_PARENT, FAULT_DEPT_PARENT };

static const struct org_fault tree_faults[] = {
    [FAULT_ROOT_HAS_PARENT] = {"root_has_parent", "一级区域是机构树的根，不能有上级",
                               "A level-1 region is a root of the tree and has no parent"},
    [FAULT_PARENT_REQUIRED] = {"parent_required", "除一级区域外，每个机构都必须有上级",
                               "Every organisation but a level-1 region needs a parent"},
    [FAULT_REGION_PARENT] = {"region_parent", "区域的上级应为高一级的区域",
                             "A region's parent is the region one level up"},
    [FAULT_DEPT_PARENT] = {"department_parent", "部门和行政审批局属于同级的区域，上级应为该区域",
                           "A department or bureau belongs to the region of its own level"},
};

/* RULE: docs/catalogue.md Organisations: four levels (市, 区/县, 乡镇/街道,
 * 村/社区); a region's parent is the region one level up; a department or
 * bureau belongs to a region of the same level; level-1 regions are roots. */
const struct org_fault *org_parent_check(struct org_shape o, const struct org_shape *parent)
{
    if (o.kind == ORG_REGION && o.level == 1)
        return parent ? &tree_faults[FAULT_ROOT_HAS_PARENT] : NULL;
    if (!parent)
        return &tree_faults[FAULT_PARENT_REQUIRED];
    if (o.kind == ORG_REGION)
        return parent->kind == ORG_REGION && parent->level == o.level - 1
                   ? NULL
                   : &tree_faults[FAULT_REGION_PARENT];
    return parent->kind == ORG_REGION && parent->level == o.level ? NULL
                                                                  : &tree_faults[FAULT_DEPT_PARENT];
}

/* ---- the field walker ----------------------------------------------------------------- */

enum field_kind {
    F_TEXT,   /* string of min..max characters */
    F_CODE,   /* 1..max of [A-Za-z0-9_-] */
    F_INT,    /* integer min..max */
    F_WORD,   /* one of words */
    F_DATE,   /* "YYYY-MM-DD", a real day */
    F_ARRAY,  /* array of at most max elements; the caller checks them */
    F_OBJECT, /* object; the caller checks it */
};

enum { REQUIRED = 1u << 0, NULLABLE = 1u << 1 };

struct field {
    const char *key;
    enum field_kind kind;
    unsigned flags;
    size_t min, max;
    const char *const *words;
    const char *zh, *en; /* what a valid value is */
};

static const char not_object_zh[] = "应为 JSON 对象", not_object_en[] = "must be a JSON object";

/* prefix.key (or key without a prefix) into out. */
static void path_of(char out[ITEM_PROBLEM_PATH_MAX], const char *prefix, const char *key)
{
    if (snprintf(out, ITEM_PROBLEM_PATH_MAX, "%s%s%s", prefix, prefix[0] ? "." : "", key) >=
        ITEM_PROBLEM_PATH_MAX)
        out[ITEM_PROBLEM_PATH_MAX - 1] = '\0'; /* a cut path still names the place */
}

static void path_index(char out[ITEM_PROBLEM_PATH_MAX], const char *prefix, const char *key,
                       size_t i)
{
    if (snprintf(out, ITEM_PROBLEM_PATH_MAX, "%s%s%s[%zu]", prefix, prefix[0] && key[0] ? "." : "",
                 key, i) >= ITEM_PROBLEM_PATH_MAX)
        out[ITEM_PROBLEM_PATH_MAX - 1] = '\0';
}

static bool text_ok(const json_t *v, size_t min, size_t max)
{
    if (!json_is_string(v))
        return false;
    size_t n = tb_utf8_chars(json_string_value(v), json_string_length(v));
    return n >= min && n <= max && strlen(json_string_value(v)) == json_string_length(v);
}

static bool value_ok(const struct field *f, const json_t *v)
{
    switch (f->kind) {
    case F_TEXT:
        return text_ok(v, f->min, f->max);
    case F_CODE:
        return json_is_string(v) && org_code_ok(json_string_value(v), f->max);
    case F_INT:
        return json_is_integer(v) && json_integer_value(v) >= (json_int_t)f->min &&
               json_integer_value(v) <= (json_int_t)f->max;
    case F_WORD:
        for (size_t i = 0; json_is_string(v) && f->words[i]; i++)
            if (strcmp(f->words[i], json_string_value(v)) == 0)
                return true;
        return false;
    case F_DATE: {
        struct tb_date d;
        return json_is_string(v) &&
               tb_date_parse(json_string_value(v), json_string_length(v), &d) == TB_OK;
    }
    case F_ARRAY:
        return json_is_array(v) && json_array_size(v) <= f->max;
    case F_OBJECT:
        return json_is_object(v);
    }
    return false;
}

/* Checks in against fields[0..n): unknown keys, missing, wrong values. vals[i]
 * gets the value of fields[i], NULL when absent or null. Returns whether
 * nothing was reported. */
static bool read_fields(const json_t *in, const char *prefix, const struct field *fields, size_t n,
                        const json_t **vals, struct item_problems *p)
{
    char path[ITEM_PROBLEM_PATH_MAX];
    size_t before = p->n;
    for (size_t i = 0; i < n; i++)
        vals[i] = NULL;
    if (!json_is_object(in)) {
        item_problems_add(p, prefix, "not_object", not_object_zh, not_object_en);
        return false;
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)in, key, v)
    {
        bool known = false;
        for (size_t i = 0; i < n && !known; i++)
            known = strcmp(fields[i].key, key) == 0;
        if (!known) {
            path_of(path, prefix, key);
            item_problems_add(p, path, "unknown_key", "不认识的字段", "Unknown field");
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct field *f = &fields[i];
        v = json_object_get(in, f->key);
        path_of(path, prefix, f->key);
        if (!v || (json_is_null(v) && (f->flags & NULLABLE))) {
            if (!v && (f->flags & REQUIRED))
                item_problems_add(p, path, "missing", "缺少必填字段", "Required field is missing");
            continue;
        }
        if (!value_ok(f, v)) {
            item_problems_add(p, path, "invalid", f->zh, f->en);
            continue;
        }
        vals[i] = v;
    }
    return p->n == before;
}

static const char *str_or(const json_t *v, const char *dflt)
{
    return v ? json_string_value(v) : dflt;
}

/* ---- Org --------------------------------------------------------------------------------- */

enum { O_CODE, O_NAME, O_LEVEL, O_KIND, O_PARENT, O_ADDRESS, O_PHONE };

static const struct field org_fields[] = {
    [O_CODE] = {"code", F_CODE, REQUIRED, 1, ORG_CODE_MAX, NULL,
                "机构编码为 1 到 64 位字母、数字、- 或 _",
                "code: 1-64 of the letters A-Z a-z, digits, - and _"},
    [O_NAME] = {"name", F_TEXT, REQUIRED, 1, ORG_NAME_MAX, NULL, "名称为 1 到 100 个字符",
                "name: 1-100 characters"},
    [O_LEVEL] = {"level", F_INT, REQUIRED, 1, ORG_LEVEL_MAX, NULL,
                 "层级为 1（市）、2（区/县）、3（乡镇/街道）或 4（村/社区）",
                 "level: 1 (city), 2 (district/county), 3 (township/street) or 4 (village)"},
    [O_KIND] = {"kind", F_WORD, REQUIRED, 0, 0, kind_words,
                "类型为 region（区域）、department（部门）或 bureau（行政审批局）",
                "kind: region, department or bureau"},
    [O_PARENT] = {"parent", F_CODE, NULLABLE, 1, ORG_CODE_MAX, NULL, "上级应为机构编码或 null",
                  "parent: an organisation code or null"},
    [O_ADDRESS] = {"address", F_TEXT, 0, 0, ORG_ADDRESS_MAX, NULL, "地址不超过 200 个字符",
                   "address: at most 200 characters"},
    [O_PHONE] = {"phone", F_TEXT, 0, 0, ORG_PHONE_MAX, NULL, "电话不超过 40 个字符",
                 "phone: at most 40 characters"},
};

int org_doc_read(const json_t *in, const char *prefix, struct org_doc *d, struct item_problems *p)
{
    const json_t *v[COUNT(org_fields)];
    memset(d, 0, sizeof(*d));
    if (!read_fields(in, prefix, org_fields, COUNT(org_fields), v, p))
        return TB_ERR_INVALID;
    d->code = json_string_value(v[O_CODE]);
    d->name = json_string_value(v[O_NAME]);
    d->shape.level = (int)json_integer_value(v[O_LEVEL]);
    org_kind_parse(json_string_value(v[O_KIND]), &d->shape.kind);
    d->parent = str_or(v[O_PARENT], NULL);
    d->address = str_or(v[O_ADDRESS], "");
    d->phone = str_or(v[O_PHONE], "");
    return TB_OK;
}

/* ---- Hall ------------------------------------------------------------------------------- */

enum { H_CODE, H_NAME, H_ORG, H_ADDRESS, H_PHONE, H_HOURS, H_WINDOWS };

static const struct field hall_fields[] = {
    [H_CODE] = {"code", F_CODE, REQUIRED, 1, ORG_CODE_MAX, NULL,
                "大厅编码为 1 到 64 位字母、数字、- 或 _",
                "code: 1-64 of the letters A-Z a-z, digits, - and _"},
    [H_NAME] = {"name", F_TEXT, REQUIRED, 1, ORG_NAME_MAX, NULL, "名称为 1 到 100 个字符",
                "name: 1-100 characters"},
    [H_ORG] = {"org", F_CODE, REQUIRED, 1, ORG_CODE_MAX, NULL, "所属区域应为机构编码",
               "org: the code of a region"},
    [H_ADDRESS] = {"address", F_TEXT, 0, 0, ORG_ADDRESS_MAX, NULL, "地址不超过 200 个字符",
                   "address: at most 200 characters"},
    [H_PHONE] = {"phone", F_TEXT, 0, 0, ORG_PHONE_MAX, NULL, "电话不超过 40 个字符",
                 "phone: at most 40 characters"},
    [H_HOURS] = {"hours", F_TEXT, 0, 0, HALL_HOURS_MAX, NULL, "办公时间不超过 200 个字符",
                 "hours: at most 200 characters"},
    /* Last: the API form leaves it out. */
    [H_WINDOWS] = {"windows", F_ARRAY, 0, 0, WINDOWS_MAX, NULL,
                   "windows 应为窗口数组（至多 500 个）",
                   "windows: an array of at most 500 windows"},
};

int hall_doc_read(const json_t *in, const char *prefix, bool with_windows, struct hall_doc *d,
                  struct item_problems *p)
{
    const json_t *v[COUNT(hall_fields)];
    size_t n = with_windows ? COUNT(hall_fields) : COUNT(hall_fields) - 1;
    memset(d, 0, sizeof(*d));
    if (!read_fields(in, prefix, hall_fields, n, v, p))
        return TB_ERR_INVALID;
    d->code = json_string_value(v[H_CODE]);
    d->name = json_string_value(v[H_NAME]);
    d->org = json_string_value(v[H_ORG]);
    d->address = str_or(v[H_ADDRESS], "");
    d->phone = str_or(v[H_PHONE], "");
    d->hours = str_or(v[H_HOURS], "");
    d->windows = with_windows ? v[H_WINDOWS] : NULL;
    return TB_OK;
}

/* ---- Window ------------------------------------------------------------------------------ */

enum { W_CODE, W_NAME, W_KIND, W_THEME, W_DEPT, W_STAFF, W_LETTER };

static const struct field window_fields[] = {
    [W_CODE] = {"code", F_CODE, REQUIRED, 1, WINDOW_CODE_MAX, NULL,
                "窗口编码为 1 到 32 位字母、数字、- 或 _",
                "code: 1-32 of the letters A-Z a-z, digits, - and _"},
    [W_NAME] = {"name", F_TEXT, REQUIRED, 1, ORG_NAME_MAX, NULL, "名称为 1 到 100 个字符",
                "name: 1-100 characters"},
    [W_KIND] = {"kind", F_WORD, REQUIRED, 0, 0, window_words,
                "类型为 comprehensive（综合）、themed（主题）或 department（部门）",
                "kind: comprehensive, themed or department"},
    [W_THEME] = {"theme", F_TEXT, NULLABLE, 1, WINDOW_THEME_MAX, NULL,
                 "主题为 1 到 50 个字符或 null", "theme: 1-50 characters or null"},
    [W_DEPT] = {"dept", F_CODE, NULLABLE, 1, ORG_CODE_MAX, NULL, "部门应为机构编码或 null",
                "dept: an organisation code or null"},
    [W_STAFF] = {"staff", F_ARRAY, 0, 0, WINDOW_STAFF_MAX, NULL,
                 "staff 应为窗口人员用户名的数组（至多 50 个）",
                 "staff: an array of at most 50 user names"},
    [W_LETTER] = {"letter", F_OBJECT, NULLABLE, 0, 0, NULL, "授权通知书应为对象或 null",
                  "letter: an object or null"},
};

enum { L_TEXT, L_ITEMS, L_PUBLISHED };

static const struct field letter_fields[] = {
    [L_TEXT] = {"text", F_TEXT, REQUIRED, 1, LETTER_TEXT_MAX, NULL,
                "授权通知书正文为 1 到 4000 个字符", "text: 1-4000 characters"},
    [L_ITEMS] = {"items", F_ARRAY, 0, 0, LETTER_ITEMS_MAX, NULL,
                 "items 应为事项实施编码的数组（至多 200 个）",
                 "items: an array of at most 200 implementation codes"},
    /* Last: only the import file carries it; the API publishes today. */
    [L_PUBLISHED] = {"published_at", F_DATE, 0, 0, 0, NULL, "发布日期应为 YYYY-MM-DD",
                     "published_at: a date YYYY-MM-DD"},
};

/* Each element a distinct string of 1..max characters; reported at
 * prefix.key[i]. */
static void check_strings(const json_t *a, const char *prefix, const char *key, size_t max,
                          const char *zh, const char *en, struct item_problems *p)
{
    char path[ITEM_PROBLEM_PATH_MAX];
    size_t i;
    const json_t *v;
    json_array_foreach((json_t *)a, i, v)
    {
        path_index(path, prefix, key, i);
        if (!text_ok(v, 1, max)) {
            item_problems_add(p, path, "invalid", zh, en);
            continue;
        }
        for (size_t k = 0; k < i; k++)
            if (json_equal(json_array_get(a, k), v)) {
                item_problems_add(p, path, "duplicate", "与前面的重复", "Listed twice");
                break;
            }
    }
}

/* Whether in has key with a value other than null. */
static bool present(const json_t *in, const char *key)
{
    const json_t *v = json_object_get(in, key);
    return v && !json_is_null(v);
}

static void read_letter(const json_t *in, const char *prefix, bool import, struct window_doc *d,
                        struct item_problems *p)
{
    char lp[ITEM_PROBLEM_PATH_MAX];
    const json_t *v[COUNT(letter_fields)];
    size_t n = import ? COUNT(letter_fields) : COUNT(letter_fields) - 1;
    path_of(lp, prefix, "letter");
    if (!read_fields(in, lp, letter_fields, n, v, p))
        return;
    d->has_letter = true;
    d->letter_text = json_string_value(v[L_TEXT]);
    d->letter_items = v[L_ITEMS]; /* NULL: none (jansson treats it as empty) */
    d->published_at = import ? str_or(v[L_PUBLISHED], NULL) : NULL;
    check_strings(d->letter_items, lp, "items", LETTER_IMPL_MAX,
                  "应为事项实施编码（至多 36 个字符）",
                  "must be an implementation code (at most 36 characters)", p);
}

int window_doc_read(const json_t *in, const char *prefix, bool import, const char *url_code,
                    struct window_doc *d, struct item_problems *p)
{
    struct field fields[COUNT(window_fields)];
    const json_t *v[COUNT(window_fields)];
    char path[ITEM_PROBLEM_PATH_MAX];
    size_t before = p->n;
    memcpy(fields, window_fields, sizeof(fields));
    if (url_code)
        fields[W_CODE].flags &= ~(unsigned)REQUIRED;
    memset(d, 0, sizeof(*d));
    read_fields(in, prefix, fields, COUNT(fields), v, p);
    d->code = str_or(v[W_CODE], url_code);
    d->name = str_or(v[W_NAME], NULL);
    d->theme = str_or(v[W_THEME], NULL);
    d->dept = str_or(v[W_DEPT], NULL);
    d->staff = v[W_STAFF]; /* NULL: none */
    if (url_code && d->code && strcmp(d->code, url_code) != 0) {
        path_of(path, prefix, "code");
        item_problems_add(p, path, "code_changed", "窗口编码与地址中的不一致，编码不能修改",
                          "The code differs from the one in the URL; a window's code never "
                          "changes");
    }
    check_strings(d->staff, prefix, "staff", WINDOW_USERNAME_MAX, "应为用户名",
                  "must be a user name", p);
    if (v[W_LETTER])
        read_letter(v[W_LETTER], prefix, import, d, p);
    if (v[W_KIND]) {
        for (size_t i = 0; window_words[i]; i++)
            if (strcmp(window_words[i], json_string_value(v[W_KIND])) == 0)
                d->kind = (enum window_kind)i;
        /* RULE: docs/catalogue.md Halls and windows: a themed window names
         * its theme, a department window its department; others neither.
         * (A value present but invalid is reported once, above.) */
        bool has_theme = present(in, "theme"), has_dept = present(in, "dept");
        path_of(path, prefix, "theme");
        if (d->kind == WINDOW_THEMED && !has_theme)
            item_problems_add(p, path, "theme_required", "主题窗口需要填写主题",
                              "A themed window needs a theme");
        if (d->kind != WINDOW_THEMED && has_theme)
            item_problems_add(p, path, "theme_not_allowed", "只有主题窗口填写主题",
                              "Only a themed window has a theme");
        path_of(path, prefix, "dept");
        if (d->kind == WINDOW_DEPARTMENT && !has_dept)
            item_problems_add(p, path, "dept_required", "部门窗口需要填写所属部门",
                              "A department window needs its department");
        if (d->kind != WINDOW_DEPARTMENT && has_dept)
            item_problems_add(p, path, "dept_not_allowed", "只有部门窗口填写所属部门",
                              "Only a department window names a department");
    }
    return p->n == before ? TB_OK : TB_ERR_INVALID;
}

/* ---- PATCH bodies ------------------------------------------------------------------------- */

static const struct field patch_fields[] = {
    {"name", F_TEXT, 0, 1, ORG_NAME_MAX, NULL, "名称为 1 到 100 个字符", "name: 1-100 characters"},
    {"address", F_TEXT, 0, 0, ORG_ADDRESS_MAX, NULL, "地址不超过 200 个字符",
     "address: at most 200 characters"},
    {"phone", F_TEXT, 0, 0, ORG_PHONE_MAX, NULL, "电话不超过 40 个字符",
     "phone: at most 40 characters"},
    {"hours", F_TEXT, 0, 0, HALL_HOURS_MAX, NULL, "办公时间不超过 200 个字符",
     "hours: at most 200 characters"},
};

int org_patch_read(const json_t *in, const char *const *allowed, struct item_problems *p)
{
    struct field fields[COUNT(patch_fields)];
    const json_t *v[COUNT(patch_fields)];
    size_t n = 0, before = p->n;
    for (size_t i = 0; i < COUNT(patch_fields); i++)
        for (size_t k = 0; allowed[k]; k++)
            if (strcmp(allowed[k], patch_fields[i].key) == 0)
                fields[n++] = patch_fields[i];
    if (read_fields(in, "", fields, n, v, p) && json_object_size(in) == 0)
        item_problems_add(p, "", "empty", "没有要修改的字段", "Nothing to change");
    return p->n == before ? TB_OK : TB_ERR_INVALID;
}

/* ---- import: organisations ------------------------------------------------------------------ */

static void too_many(struct item_problems *p, const char *path)
{
    item_problems_add(p, path, "invalid", "应为数组，且不超过上限",
                      "must be an array within the limit");
}

/* Checks entry i's parent against the entries before it (index: code -> i)
 * or the database. */
static int check_parent(struct tb_db_conn *c, const struct org_doc *docs, const bool *valid,
                        json_t *index, size_t i, struct item_problems *p)
{
    char path[ITEM_PROBLEM_PATH_MAX];
    const struct org_doc *d = &docs[i];
    struct org_shape db_shape;
    const struct org_shape *parent = NULL;
    snprintf(path, sizeof(path), "orgs[%zu].parent", i);
    if (d->parent) {
        const json_t *at = json_object_get(index, d->parent);
        if (at && (size_t)json_integer_value(at) < i) {
            if (!valid[json_integer_value(at)])
                return TB_OK; /* the parent's own faults are reported */
            parent = &docs[json_integer_value(at)].shape;
        } else if (at) {
            item_problems_add(p, path, "parent_not_earlier", "上级机构应排在它的下级之前",
                              "A parent must come before its children in the list");
            return TB_OK;
        } else {
            int64_t id;
            int rc = org_shape_by_code(c, d->parent, &id, &db_shape);
            if (rc == TB_ERR_NOT_FOUND) {
                item_problems_add(p, path, "unknown_parent",
                                  "上级机构既不在文件中此前的位置，也不在数据库中",
                                  "The parent is neither earlier in the file nor in the database");
                return TB_OK;
            }
            if (rc < 0)
                return rc;
            parent = &db_shape;
        }
    }
    const struct org_fault *f = org_parent_check(d->shape, parent);
    if (f)
        item_problems_add(p, path, f->code, f->zh, f->en);
    return TB_OK;
}

int org_import(struct tb_db_conn *c, const json_t *orgs, int64_t now_ms, struct item_problems *p)
{
    size_t n = json_array_size(orgs), before = p->n;
    char prefix[ITEM_PROBLEM_PATH_MAX];
    int rc = TB_OK;
    if (!json_is_array(orgs) || n > ORGS_MAX) {
        too_many(p, "orgs");
        return TB_ERR_INVALID;
    }
    struct org_doc *docs = calloc(n ? n : 1, sizeof(*docs));
    bool *valid = calloc(n ? n : 1, sizeof(*valid));
    json_t *index = json_object(); /* code -> its first index */
    if (!docs || !valid || !index) {
        rc = TB_ERR_NOMEM;
        goto done;
    }
    /* 1. Every entry read; codes indexed (even of a faulty entry, so that its
     * children are not reported as orphans too). */
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(orgs, i);
        const char *code = json_string_value(json_object_get(e, "code"));
        snprintf(prefix, sizeof(prefix), "orgs[%zu]", i);
        valid[i] = org_doc_read(e, prefix, &docs[i], p) == TB_OK;
        if (!code || !org_code_ok(code, ORG_CODE_MAX))
            continue;
        if (json_object_get(index, code)) {
            snprintf(prefix, sizeof(prefix), "orgs[%zu].code", i);
            item_problems_add(p, prefix, "duplicate", "编码在文件中重复出现",
                              "This code appears twice in the file");
            valid[i] = false;
            continue;
        }
        if (json_object_set_new(index, code, json_integer((json_int_t)i)) < 0) {
            rc = TB_ERR_NOMEM;
            goto done;
        }
    }
    /* 2. Each parent earlier in the file or in the database, by the rules. */
    for (size_t i = 0; i < n && rc == TB_OK; i++)
        if (valid[i])
            rc = check_parent(c, docs, valid, index, i, p);
    if (rc < 0 || p->n > before)
        goto done;
    /* 3. Written in file order, so each parent exists before its children. */
    for (size_t i = 0; i < n && rc == TB_OK; i++) {
        int64_t parent_id = 0;
        if (docs[i].parent)
            rc = org_id_by_code(c, docs[i].parent, &parent_id);
        if (rc == TB_OK)
            rc = org_upsert(c, &docs[i], parent_id, now_ms);
    }
    /* 4. What was there already still fits: children, halls, windows. */
    for (size_t i = 0; i < n && rc == TB_OK; i++) {
        snprintf(prefix, sizeof(prefix), "orgs[%zu]", i);
        rc = org_check_in_place(c, docs[i].code, prefix, p);
    }
done:
    json_decref(index);
    free(docs);
    free(valid);
    if (rc < 0)
        return rc;
    return p->n > before ? TB_ERR_INVALID : TB_OK;
}

int org_export(struct tb_db_conn *c, json_t **out)
{
    return org_list_json(c, NULL, false, out);
}

/* ---- import: halls ------------------------------------------------------------------------ */

/* One hall of the file: read, resolved and, when write, written. */
static int hall_one(struct tb_db_conn *c, const json_t *h, size_t i, bool write, int64_t now_ms,
                    json_t *index, struct item_problems *p)
{
    char prefix[ITEM_PROBLEM_PATH_MAX], path[ITEM_PROBLEM_PATH_MAX];
    struct hall_doc d;
    int64_t org_id = 0, hall_id = 0;
    int rc;
    snprintf(prefix, sizeof(prefix), "halls[%zu]", i);
    if (hall_doc_read(h, prefix, true, &d, p) < 0)
        return TB_OK;
    if (index && json_object_get(index, d.code)) {
        path_of(path, prefix, "code");
        item_problems_add(p, path, "duplicate", "编码在文件中重复出现",
                          "This code appears twice in the file");
        return TB_OK;
    }
    if (index && json_object_set_new(index, d.code, json_true()) < 0)
        return TB_ERR_NOMEM;
    path_of(path, prefix, "org");
    if ((rc = hall_org_resolve(c, d.org, path, &org_id, p)) < 0)
        return rc;
    /* The write pass runs only when the check pass found nothing. */
    if (write && (org_id == 0 || (rc = hall_upsert(c, &d, org_id, now_ms, &hall_id)) < 0))
        return rc < 0 ? rc : TB_ERR_INTERNAL;
    json_t *codes = json_object();
    if (!codes)
        return TB_ERR_NOMEM;
    size_t j;
    const json_t *w;
    json_array_foreach((json_t *)d.windows, j, w)
    {
        struct window_doc wd;
        struct window_refs refs;
        char wp[ITEM_PROBLEM_PATH_MAX];
        path_index(wp, prefix, "windows", j);
        if (window_doc_read(w, wp, true, NULL, &wd, p) < 0)
            continue;
        if (json_object_get(codes, wd.code)) {
            path_of(path, wp, "code");
            item_problems_add(p, path, "duplicate", "窗口编码在大厅中重复出现",
                              "This window code appears twice in the hall");
            continue;
        }
        json_object_set_new(codes, wd.code, json_true());
        size_t before = p->n;
        if ((rc = window_resolve(c, &wd, wp, NULL, &refs, p)) < 0)
            break;
        if (!write || p->n > before)
            continue;
        struct window_save s = {
            .hall_id = hall_id, .doc = &wd, .refs = &refs, .position = (int)j, .now_ms = now_ms};
        if ((rc = window_save(c, &s)) < 0)
            break;
    }
    json_decref(codes);
    return rc < 0 ? rc : TB_OK;
}

int hall_import(struct tb_db_conn *c, const json_t *halls, int64_t now_ms, struct item_problems *p)
{
    size_t n = json_array_size(halls), before = p->n, i;
    const json_t *h;
    int rc = TB_OK;
    if (!json_is_array(halls) || n > HALLS_MAX) {
        too_many(p, "halls");
        return TB_ERR_INVALID;
    }
    json_t *index = json_object();
    if (!index)
        return TB_ERR_NOMEM;
    /* Everything checked first; nothing written unless all of it is valid. */
    json_array_foreach((json_t *)halls, i, h)
    {
        if ((rc = hall_one(c, h, i, false, now_ms, index, p)) < 0)
            break;
    }
    json_decref(index);
    if (rc == TB_OK && p->n == before)
        json_array_foreach((json_t *)halls, i, h)
        {
            if ((rc = hall_one(c, h, i, true, now_ms, NULL, p)) < 0)
                break;
        }
    if (rc < 0)
        return rc;
    return p->n > before ? TB_ERR_INVALID : TB_OK;
}

int hall_export(struct tb_db_conn *c, json_t **out)
{
    return hall_json(c, NULL, HALL_EXPORT, out);
}
