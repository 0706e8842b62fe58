/*
 * test_catalog_form.c - the application form of an item (src/catalog/form.c):
 * every definition rule refused with its path and code, the canonical
 * defaults, each value type accepted and refused with realistic values, and
 * prefilling from the account.
 *
 * Cases are data: a definition fault is one row of DEF_CASES (a form and the
 * path and code it must produce), a value case one row of VALUE_CASES (a key
 * of the 食品经营许可 form, a value, and the code or NULL for accepted).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/catalog.h"
#include "lib/arena.h"
#include "lib/err.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A valid item document without a form; the cases add one. */
static const char minimal[] =
    "{\"impl_code\":\"T-1\",\"basic_code\":\"B1\",\"name\":\"食品经营许可\",\"type\":\"01\","
    "\"org\":\"DEMO-CITY\",\"audience\":[\"2\"],\"levels\":[\"4\"],"
    "\"steps\":[{\"name\":\"受理\",\"authority_level\":1,\"limit_days\":1},"
    "{\"name\":\"决定\",\"authority_level\":3,\"limit_days\":4}],"
    "\"legal_limit_days\":20,\"promised_limit_days\":5,\"kind\":\"2\",\"item_class\":\"A\","
    "\"trips\":\"1\",\"delivery\":[\"window\"],\"fee\":{\"is_free\":true}}";

/* The 食品经营许可 form: every type once. */
static const char food_form[] =
    "{\"fields\":["
    "{\"key\":\"operator_name\",\"label\":\"经营者名称\",\"type\":\"text\",\"required\":true,"
    "\"max_length\":100,\"prefill\":\"applicant.name\"},"
    "{\"key\":\"credit_code\",\"label\":\"统一社会信用代码\",\"type\":\"credit_code\","
    "\"required\":true,\"prefill\":\"applicant.credit_code\"},"
    "{\"key\":\"legal_rep\",\"label\":\"法定代表人\",\"type\":\"text\",\"required\":true,"
    "\"max_length\":20,\"prefill\":\"applicant.legal_rep\"},"
    "{\"key\":\"legal_rep_id\",\"label\":\"法定代表人身份证号码\",\"type\":\"id_number\","
    "\"required\":true},"
    "{\"key\":\"premises\",\"label\":\"经营场所\",\"type\":\"address\",\"required\":true,"
    "\"max_length\":10},"
    "{\"key\":\"business_form\",\"label\":\"主体业态\",\"type\":\"select\",\"required\":true,"
    "\"options\":[{\"value\":\"sales\",\"label\":\"食品销售经营者\"},"
    "{\"value\":\"catering\",\"label\":\"餐饮服务经营者\"},"
    "{\"value\":\"canteen\",\"label\":\"单位食堂\"}]},"
    "{\"key\":\"items\",\"label\":\"经营项目\",\"type\":\"textarea\",\"max_length\":12},"
    "{\"key\":\"staff\",\"label\":\"从业人员数\",\"type\":\"number\",\"min\":1,\"max\":500},"
    "{\"key\":\"capital_fen\",\"label\":\"注册资本（分）\",\"type\":\"money_fen\","
    "\"max\":100000000000},"
    "{\"key\":\"opening_date\",\"label\":\"拟开业日期\",\"type\":\"date\"},"
    "{\"key\":\"phone\",\"label\":\"联系电话\",\"type\":\"phone\",\"required\":true,"
    "\"prefill\":\"applicant.phone\"},"
    "{\"key\":\"email\",\"label\":\"电子邮箱\",\"type\":\"email\"},"
    "{\"key\":\"promise\",\"label\":\"本人承诺所填信息真实有效\",\"type\":\"checkbox\","
    "\"required\":true,\"help\":\"不实承诺将记入信用记录\"}]}";

/* Valid values for food_form. */
static const char food_values[] =
    "{\"operator_name\":\"示范恒信科技有限公司\",\"credit_code\":\"91350100M000100Y43\","
    "\"legal_rep\":\"王恒信\",\"legal_rep_id\":\"11010519491231002X\","
    "\"premises\":\"示范区人民路128号\",\"business_form\":\"catering\","
    "\"items\":\"热食类食品制售\",\"staff\":12,\"capital_fen\":50000000,"
    "\"opening_date\":\"2026-03-01\",\"phone\":\"13900139000\","
    "\"email\":\"zhaomin@hengxin.example.cn\",\"promise\":true}";

struct run {
    struct tb_arena a;
    struct item_problem found[64];
    struct item_problems p;
    struct item_doc d;
    int rc;
};

/* Reads minimal with "form" set to form_text (NULL: no form key). */
static void read_form(struct run *r, const char *form_text)
{
    json_t *in = json_loads(minimal, 0, NULL);
    assert_non_null(in);
    if (form_text) {
        json_t *f = json_loads(form_text, 0, NULL);
        assert_non_null(f);
        json_object_set_new(in, "form", f);
    }
    tb_arena_init(&r->a, 4096);
    r->p = (struct item_problems){r->found, COUNT(r->found), 0};
    r->rc = item_doc_read(in, NULL, &r->a, &r->d, &r->p);
    json_decref(in);
}

static void done(struct run *r)
{
    json_decref(r->d.canon);
    tb_arena_free(&r->a);
}

static bool has(const struct item_problem *found, size_t n, const char *path, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(found[i].path, path) == 0 && strcmp(found[i].code, code) == 0)
            return true;
    return false;
}

static void print_problems(const struct item_problem *found, size_t n)
{
    for (size_t i = 0; i < n; i++)
        print_message("  %s: %s (%s)\n", found[i].path, found[i].code, found[i].message_en);
}

/* ---- definitions ----------------------------------------------------------------------- */

#define F(extra) "{\"fields\":[{\"key\":\"name\",\"label\":\"姓名\",\"type\":\"text\"" extra "}]}"
#define F2(a, b) "{\"fields\":[" a "," b "]}"
#define SELECT(opts)                                                                               \
    "{\"fields\":[{\"key\":\"kind\",\"label\":\"主体业态\",\"type\":\"select\",\"options\":" opts  \
    "}]}"

static const struct def_case {
    const char *form, *path, *code;
} DEF_CASES[] = {
    /* shape, from the field table */
    {"[]", "form", "wrong_type"},
    {"{\"fields\":{}}", "form.fields", "wrong_type"},
    {"{\"fields\":[],\"title\":\"申请表\"}", "form.title", "unknown_field"},
    {"{\"fields\":[7]}", "form.fields[0]", "wrong_type"},
    {"{\"fields\":[{\"label\":\"姓名\",\"type\":\"text\"}]}", "form.fields[0].key", "missing"},
    {"{\"fields\":[{\"key\":\"name\",\"type\":\"text\"}]}", "form.fields[0].label", "missing"},
    {"{\"fields\":[{\"key\":\"name\",\"label\":\"姓名\"}]}", "form.fields[0].type", "missing"},
    {F(",\"colour\":\"red\""), "form.fields[0].colour", "unknown_field"},
    {F(",\"required\":\"yes\""), "form.fields[0].required", "wrong_type"},
    {"{\"fields\":[{\"key\":\"name\",\"label\":\"姓名\",\"type\":\"string\"}]}",
     "form.fields[0].type", "unknown_code"},
    {F(",\"prefill\":\"applicant.email\""), "form.fields[0].prefill", "unknown_code"},
    {"{\"fields\":[{\"key\":\"name\",\"label\":"
     "\"申请人姓名申请人姓名申请人姓名申请人姓名申请人姓名申请人姓名申请人姓名申请人姓名申\","
     "\"type\":\"text\"}]}",
     "form.fields[0].label", "too_long"},
    {F(",\"help\":\"" /* 222 characters */
       "请填写与身份证件一致的姓名请填写与身份证件一致的姓名请填写与身份证件一致的姓名请填写与身份"
       "证"
       "件一致的姓名请填写与身份证件一致的姓名请填写与身份证件一致的姓名请填写与身份证件一致的姓名"
       "请"
       "填写与身份证件一致的姓名请填写与身份证件一致的姓名请填写与身份证件一致的姓名请填写与身份证"
       "件"
       "一致的姓名请填写与身份证件一致的姓名请填写与身份证件一致的姓名请填写与身份证件一致的姓名请"
       "填"
       "写与身份证件一致的姓名请填写与身份证件一致的姓名请填写与身份证件一致的姓名请"
       "\""),
     "form.fields[0].help", "too_long"},
    {F(",\"max_length\":4001"), "form.fields[0].max_length", "out_of_range"},
    /* form.c: keys */
    {"{\"fields\":[{\"key\":\"Name\",\"label\":\"姓名\",\"type\":\"text\"}]}", "form.fields[0].key",
     "invalid_key"},
    {"{\"fields\":[{\"key\":\"1st\",\"label\":\"姓名\",\"type\":\"text\"}]}", "form.fields[0].key",
     "invalid_key"},
    {"{\"fields\":[{\"key\":\"legal-rep\",\"label\":\"姓名\",\"type\":\"text\"}]}",
     "form.fields[0].key", "invalid_key"},
    {"{\"fields\":[{\"key\":\"姓名\",\"label\":\"姓名\",\"type\":\"text\"}]}", "form.fields[0].key",
     "invalid_key"},
    {"{\"fields\":[{\"key\":\"a1234567890123456789012345678901234567890\",\"label\":\"姓名\","
     "\"type\":\"text\"}]}",
     "form.fields[0].key", "too_long"},
    {F2("{\"key\":\"name\",\"label\":\"姓名\",\"type\":\"text\"}",
        "{\"key\":\"name\",\"label\":\"名称\",\"type\":\"text\"}"),
     "form.fields[1].key", "duplicate"},
    /* form.c: what each type takes */
    {F(",\"max_length\":0"), "form.fields[0].max_length", "out_of_range"},
    {"{\"fields\":[{\"key\":\"staff\",\"label\":\"从业人员数\",\"type\":\"number\","
     "\"max_length\":10}]}",
     "form.fields[0].max_length", "not_allowed"},
    {F(",\"min\":1"), "form.fields[0].min", "not_allowed"},
    {F(",\"max\":100"), "form.fields[0].max", "not_allowed"},
    {"{\"fields\":[{\"key\":\"staff\",\"label\":\"从业人员数\",\"type\":\"number\",\"min\":10,"
     "\"max\":5}]}",
     "form.fields[0].max", "min_over_max"},
    {"{\"fields\":[{\"key\":\"fee\",\"label\":\"金额\",\"type\":\"money_fen\",\"min\":-100}]}",
     "form.fields[0].min", "out_of_range"},
    {"{\"fields\":[{\"key\":\"staff\",\"label\":\"从业人员数\",\"type\":\"number\","
     "\"max\":1000000000000001}]}",
     "form.fields[0].max", "out_of_range"},
    /* form.c: options */
    {"{\"fields\":[{\"key\":\"kind\",\"label\":\"主体业态\",\"type\":\"select\"}]}",
     "form.fields[0].options", "options_required"},
    {SELECT("[]"), "form.fields[0].options", "options_required"},
    {F(",\"options\":[{\"value\":\"a\",\"label\":\"甲\"}]"), "form.fields[0].options",
     "options_not_allowed"},
    {SELECT("[{\"value\":\"sales\",\"label\":\"食品销售经营者\"},"
            "{\"value\":\"sales\",\"label\":\"餐饮服务经营者\"}]"),
     "form.fields[0].options[1].value", "duplicate"},
    {SELECT("[{\"label\":\"食品销售经营者\"}]"), "form.fields[0].options[0].value", "missing"},
    {SELECT("[{\"value\":\"sales\"}]"), "form.fields[0].options[0].label", "missing"},
    {SELECT("[{\"value\":\"a\",\"label\":\"甲\"},{\"value\":\"b\",\"label\":\"乙\"},"
            "{\"value\":\"c\",\"label\":\"丙\"},{\"value\":\"d\",\"label\":\"丁\"},"
            "{\"value\":\"e\",\"label\":\"戊\"},{\"value\":\"f\",\"label\":\"己\"},"
            "{\"value\":\"g\",\"label\":\"庚\"},{\"value\":\"h\",\"label\":\"辛\"},"
            "{\"value\":\"i\",\"label\":\"壬\"},{\"value\":\"j\",\"label\":\"癸\"},"
            "{\"value\":\"a1\",\"label\":\"甲\"},{\"value\":\"b1\",\"label\":\"乙\"},"
            "{\"value\":\"c1\",\"label\":\"丙\"},{\"value\":\"d1\",\"label\":\"丁\"},"
            "{\"value\":\"e1\",\"label\":\"戊\"},{\"value\":\"f1\",\"label\":\"己\"},"
            "{\"value\":\"g1\",\"label\":\"庚\"},{\"value\":\"h1\",\"label\":\"辛\"},"
            "{\"value\":\"i1\",\"label\":\"壬\"},{\"value\":\"j1\",\"label\":\"癸\"},"
            "{\"value\":\"a2\",\"label\":\"甲\"},{\"value\":\"b2\",\"label\":\"乙\"},"
            "{\"value\":\"c2\",\"label\":\"丙\"},{\"value\":\"d2\",\"label\":\"丁\"},"
            "{\"value\":\"e2\",\"label\":\"戊\"},{\"value\":\"f2\",\"label\":\"己\"},"
            "{\"value\":\"g2\",\"label\":\"庚\"},{\"value\":\"h2\",\"label\":\"辛\"},"
            "{\"value\":\"i2\",\"label\":\"壬\"},{\"value\":\"j2\",\"label\":\"癸\"},"
            "{\"value\":\"a3\",\"label\":\"甲\"},{\"value\":\"b3\",\"label\":\"乙\"},"
            "{\"value\":\"c3\",\"label\":\"丙\"},{\"value\":\"d3\",\"label\":\"丁\"},"
            "{\"value\":\"e3\",\"label\":\"戊\"},{\"value\":\"f3\",\"label\":\"己\"},"
            "{\"value\":\"g3\",\"label\":\"庚\"},{\"value\":\"h3\",\"label\":\"辛\"},"
            "{\"value\":\"i3\",\"label\":\"壬\"},{\"value\":\"j3\",\"label\":\"癸\"},"
            "{\"value\":\"a4\",\"label\":\"甲\"},{\"value\":\"b4\",\"label\":\"乙\"},"
            "{\"value\":\"c4\",\"label\":\"丙\"},{\"value\":\"d4\",\"label\":\"丁\"},"
            "{\"value\":\"e4\",\"label\":\"戊\"},{\"value\":\"f4\",\"label\":\"己\"},"
            "{\"value\":\"g4\",\"label\":\"庚\"},{\"value\":\"h4\",\"label\":\"辛\"},"
            "{\"value\":\"i4\",\"label\":\"壬\"},{\"value\":\"j4\",\"label\":\"癸\"},"
            "{\"value\":\"k4\",\"label\":\"子\"}]"),
     "form.fields[0].options", "too_many"},
    /* form.c: prefill only into a type the account field suits */
    {"{\"fields\":[{\"key\":\"id\",\"label\":\"身份证号码\",\"type\":\"id_number\","
     "\"prefill\":\"applicant.name\"}]}",
     "form.fields[0].prefill", "prefill_not_allowed"},
    {"{\"fields\":[{\"key\":\"staff\",\"label\":\"从业人员数\",\"type\":\"number\","
     "\"prefill\":\"applicant.phone\"}]}",
     "form.fields[0].prefill", "prefill_not_allowed"},
    {"{\"fields\":[{\"key\":\"phone\",\"label\":\"联系电话\",\"type\":\"phone\","
     "\"prefill\":\"applicant.credit_code\"}]}",
     "form.fields[0].prefill", "prefill_not_allowed"},
};

static void test_definition_faults(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(DEF_CASES); i++) {
        const struct def_case *c = &DEF_CASES[i];
        struct run r;
        read_form(&r, c->form);
        if (r.rc != TB_ERR_INVALID || !has(r.found, r.p.n, c->path, c->code)) {
            print_message("case %zu: want %s: %s, got rc %d\n", i, c->path, c->code, r.rc);
            print_problems(r.found, r.p.n);
            fail();
        }
        assert_null(r.d.canon);
        for (size_t j = 0; j < r.p.n; j++) {
            assert_non_null(r.found[j].message_zh);
            assert_non_null(r.found[j].message_en);
        }
        done(&r);
    }
}

/* 60 text fields pass, 61 are too many. */
static void test_field_count_limit(void **state)
{
    (void)state;
    for (int n = FORM_MAX_FIELDS - 1; n <= FORM_MAX_FIELDS + 1; n++) {
        json_t *fields = json_array();
        for (int i = 0; i < n; i++) {
            char key[16];
            snprintf(key, sizeof(key), "field_%d", i);
            json_array_append_new(
                fields, json_pack("{s:s,s:s,s:s}", "key", key, "label", "备注", "type", "text"));
        }
        json_t *form = json_pack("{s:o}", "fields", fields);
        char *text = json_dumps(form, JSON_COMPACT);
        json_decref(form);
        struct run r;
        read_form(&r, text);
        free(text);
        if (n <= FORM_MAX_FIELDS) {
            assert_int_equal(r.rc, TB_OK);
        } else {
            assert_int_equal(r.rc, TB_ERR_INVALID);
            assert_true(has(r.found, r.p.n, "form.fields", "too_many"));
        }
        done(&r);
    }
}

static void test_canonical_defaults(void **state)
{
    (void)state;
    struct run r;
    read_form(&r, NULL);
    assert_int_equal(r.rc, TB_OK);
    char *empty = json_dumps(json_object_get(r.d.canon, "form"), JSON_COMPACT);
    assert_string_equal(empty, "{\"fields\":[]}");
    free(empty);
    done(&r);

    read_form(&r, food_form);
    if (r.rc != TB_OK)
        print_problems(r.found, r.p.n);
    assert_int_equal(r.rc, TB_OK);
    const json_t *fields = json_object_get(json_object_get(r.d.canon, "form"), "fields");
    assert_int_equal(json_array_size(fields), 13);
    /* the text field's given max_length, the id field's unused settings */
    const json_t *name = json_array_get(fields, 0);
    assert_int_equal(json_integer_value(json_object_get(name, "max_length")), 100);
    const json_t *id = json_array_get(fields, 3);
    assert_int_equal(json_integer_value(json_object_get(id, "max_length")), 0);
    assert_int_equal(json_integer_value(json_object_get(id, "min")), 0);
    assert_int_equal(json_integer_value(json_object_get(id, "max")), 0);
    assert_string_equal(json_string_value(json_object_get(id, "prefill")), "");
    assert_string_equal(json_string_value(json_object_get(id, "help")), "");
    assert_int_equal(json_array_size(json_object_get(id, "options")), 0);
    /* money: min defaults to 0; max given */
    const json_t *money = json_array_get(fields, 8);
    assert_int_equal(json_integer_value(json_object_get(money, "min")), 0);
    assert_int_equal(json_integer_value(json_object_get(money, "max")), 100000000000LL);
    /* keys in the documented order */
    static const char *const order[] = {"key", "label", "type",    "required", "max_length",
                                        "min", "max",   "options", "prefill",  "help"};
    void *it = json_object_iter((json_t *)name);
    for (size_t i = 0; i < COUNT(order); i++, it = json_object_iter_next((json_t *)name, it))
        assert_string_equal(json_object_iter_key(it), order[i]);
    assert_null(it);

    /* reading the canonical form again gives the same bytes */
    char *a = json_dumps(json_object_get(r.d.canon, "form"), JSON_COMPACT);
    struct run again;
    read_form(&again, a);
    assert_int_equal(again.rc, TB_OK);
    char *b = json_dumps(json_object_get(again.d.canon, "form"), JSON_COMPACT);
    assert_string_equal(a, b);
    free(a);
    free(b);
    done(&again);
    done(&r);

    /* defaults of a field that gives none */
    read_form(&r,
              "{\"fields\":[{\"key\":\"area\",\"label\":\"面积（平方米）\",\"type\":\"number\"},"
              "{\"key\":\"remark\",\"label\":\"备注\",\"type\":\"textarea\"}]}");
    assert_int_equal(r.rc, TB_OK);
    fields = json_object_get(json_object_get(r.d.canon, "form"), "fields");
    const json_t *area = json_array_get(fields, 0);
    assert_int_equal(json_integer_value(json_object_get(area, "min")), 0);
    assert_int_equal(json_integer_value(json_object_get(area, "max")), FORM_NUMBER_LIMIT);
    assert_int_equal(json_integer_value(json_object_get(area, "max_length")), 0);
    const json_t *remark = json_array_get(fields, 1);
    assert_int_equal(json_integer_value(json_object_get(remark, "max_length")),
                     FORM_TEXT_DEFAULT_MAX_CHARS);
    assert_true(json_is_false(json_object_get(remark, "required")));
    done(&r);
}

/* Every type word and prefill word is accepted where it fits. */
static void test_every_type_and_source(void **state)
{
    (void)state;
    for (const char *const *w = form_type_words; *w; w++) {
        json_t *f = json_pack("{s:s,s:s,s:s}", "key", "x", "label", "项", "type", *w);
        if (strcmp(*w, "select") == 0)
            json_object_set_new(f, "options",
                                json_pack("[{s:s,s:s}]", "value", "a", "label", "甲"));
        json_t *form = json_pack("{s:[o]}", "fields", f);
        char *text = json_dumps(form, JSON_COMPACT);
        json_decref(form);
        struct run r;
        read_form(&r, text);
        free(text);
        assert_int_equal(r.rc, TB_OK);
        done(&r);
    }
    for (const char *const *w = form_prefill_words; *w; w++) {
        json_t *form = json_pack("{s:[{s:s,s:s,s:s,s:s}]}", "fields", "key", "x", "label", "项",
                                 "type", "text", "prefill", *w);
        char *text = json_dumps(form, JSON_COMPACT);
        json_decref(form);
        struct run r;
        read_form(&r, text);
        free(text);
        assert_int_equal(r.rc, TB_OK);
        done(&r);
    }
}

/* ---- values --------------------------------------------------------------------------------- */

/* key of food_form, the value as JSON ("null" removes it), the code or NULL. */
static const struct value_case {
    const char *key, *value, *code;
} VALUE_CASES[] = {
    /* text, address, textarea: strings up to max_length characters */
    {"operator_name", "\"示范恒信餐饮管理有限公司\"", NULL},
    {"operator_name", "12", "wrong_type"},
    {"legal_rep", "\"欧阳娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜\"", NULL}, /* 20 characters */
    {"legal_rep", "\"欧阳娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜\"", "too_long"},
    {"premises", "\"示范区人民路128号\"", NULL}, /* 10 characters */
    {"premises", "\"示范区人民路128号1\"", "too_long"},
    {"items", "\"预包装食品销售，热食类食品制售\"", "too_long"},
    {"items", "\"预包装食品销售\\n冷食类\"", NULL},
    /* number: an integer within min..max */
    {"staff", "1", NULL},
    {"staff", "500", NULL},
    {"staff", "0", "out_of_range"},
    {"staff", "501", "out_of_range"},
    {"staff", "12.5", "wrong_type"},
    {"staff", "\"12\"", "wrong_type"},
    /* money_fen: an integer number of fen, >= 0, within max */
    {"capital_fen", "0", NULL},
    {"capital_fen", "100000000000", NULL},
    {"capital_fen", "-1", "out_of_range"},
    {"capital_fen", "100000000001", "out_of_range"},
    {"capital_fen", "\"50万元\"", "wrong_type"},
    /* date: a real YYYY-MM-DD */
    {"opening_date", "\"2024-02-29\"", NULL},
    {"opening_date", "\"2023-02-29\"", "invalid_date"},
    {"opening_date", "\"2026-3-1\"", "invalid_date"},
    {"opening_date", "\"2026年3月1日\"", "invalid_date"},
    {"opening_date", "20260301", "wrong_type"},
    /* select: one of the option values */
    {"business_form", "\"canteen\"", NULL},
    {"business_form", "\"餐饮服务经营者\"", "unknown_option"},
    {"business_form", "[\"sales\"]", "wrong_type"},
    /* checkbox: a bool; a required one must be ticked */
    {"promise", "false", "missing"},
    {"promise", "\"是\"", "wrong_type"},
    /* id_number: GB 11643 */
    {"legal_rep_id", "\"110101199003074258\"", NULL},
    {"legal_rep_id", "\"11010519491231002x\"", NULL},
    {"legal_rep_id", "\"110105194912310021\"", "invalid_id_number"},
    {"legal_rep_id", "\"110105491231002\"", "invalid_id_number"},
    {"legal_rep_id", "\"11010519491331002X\"", "invalid_id_number"},
    /* credit_code: GB 32100 */
    {"credit_code", "\"91440300MA01K3Q27W\"", NULL},
    {"credit_code", "\"91350100M000100Y44\"", "invalid_credit_code"},
    {"credit_code", "\"9135010\"", "invalid_credit_code"},
    /* phone: mobile 1[3-9]\d{9}, or a landline with area code */
    {"phone", "\"13800138000\"", NULL},
    {"phone", "\"19912345678\"", NULL},
    {"phone", "\"023-65810065\"", NULL},
    {"phone", "\"02365810065\"", NULL},
    {"phone", "\"0591-8765432\"", NULL},
    {"phone", "\"010-12345678\"", "invalid_phone"}, /* a local number starts 2-9 */
    {"phone", "\"010-62345678-8021\"", NULL},
    {"phone", "\"12800138000\"", "invalid_phone"},
    {"phone", "\"1380013800\"", "invalid_phone"},
    {"phone", "\"65810065\"", "invalid_phone"},
    {"phone", "\"+8613800138000\"", "invalid_phone"},
    {"phone", "\"138 0013 8000\"", "invalid_phone"},
    /* email: one @, a dotted domain, at most 100 characters */
    {"email", "\"zhang.san@example.com.cn\"", NULL},
    {"email", "\"zhangsan@example\"", "invalid_email"},
    {"email", "\"zhang@san@example.com\"", "invalid_email"},
    {"email", "\"@example.com\"", "invalid_email"},
    {"email", "\"zhangsan@.example.com\"", "invalid_email"},
    {"email", "\"zhangsan@example..com\"", "invalid_email"},
    {"email", "\"张三@example.com\"", "invalid_email"},
    {"email", "\"zhang san@example.com\"", "invalid_email"},
    {"email",
     "\"a123456789a123456789a123456789a123456789a123456789a123456789a123456789a123456789a123456789"
     "@example.com\"",
     "invalid_email"},
    /* required and optional fields left empty */
    {"operator_name", "null", "missing"},
    {"operator_name", "\"\"", "missing"},
    {"email", "null", NULL},
    {"email", "\"\"", NULL},
    {"staff", "null", NULL},
};

static json_t *canonical_food_form(void)
{
    struct run r;
    read_form(&r, food_form);
    assert_int_equal(r.rc, TB_OK);
    json_t *form = json_incref(json_object_get(r.d.canon, "form"));
    done(&r);
    return form;
}

static void test_values(void **state)
{
    (void)state;
    json_t *form = canonical_food_form();
    struct item_problem found[32];
    struct item_problems p = {found, COUNT(found), 0};

    json_t *values = json_loads(food_values, 0, NULL);
    assert_non_null(values);
    int rc = form_validate_values(form, values, &p);
    print_problems(found, p.n);
    assert_int_equal(rc, TB_OK);
    assert_int_equal(p.n, 0);

    for (size_t i = 0; i < COUNT(VALUE_CASES); i++) {
        const struct value_case *c = &VALUE_CASES[i];
        json_t *v = json_deep_copy(values);
        json_t *x = json_loads(c->value, JSON_DECODE_ANY, NULL);
        assert_non_null(x);
        json_object_set_new(v, c->key, x);
        p = (struct item_problems){found, COUNT(found), 0};
        rc = form_validate_values(form, v, &p);
        char path[ITEM_PROBLEM_PATH_MAX];
        snprintf(path, sizeof(path), "values.%s", c->key);
        bool ok = c->code ? rc == TB_ERR_INVALID && p.n == 1 && has(found, p.n, path, c->code)
                          : rc == TB_OK && p.n == 0;
        if (!ok) {
            print_message("case %zu: %s = %s, want %s\n", i, c->key, c->value,
                          c->code ? c->code : "ok");
            print_problems(found, p.n);
            fail();
        }
        for (size_t j = 0; j < p.n; j++) {
            assert_true(strlen(found[j].message_zh) > 0);
            assert_true(strlen(found[j].message_en) > 0);
        }
        json_decref(v);
    }
    json_decref(values);
    json_decref(form);
}

static void test_values_all_at_once(void **state)
{
    (void)state;
    json_t *form = canonical_food_form();
    struct item_problem found[32];
    struct item_problems p = {found, COUNT(found), 0};

    /* unknown keys, every required field missing */
    json_t *values = json_pack("{s:s,s:i}", "shop_sign", "恒信小厨",
                               "a_key_much_longer_than_any_"
                               "path_could_hold_in_sixty_"
                               "four_bytes_really",
                               1);
    assert_int_equal(form_validate_values(form, values, &p), TB_ERR_INVALID);
    assert_true(has(found, p.n, "values.shop_sign", "unknown_field"));
    assert_true(has(found, p.n, "values.operator_name", "missing"));
    assert_true(has(found, p.n, "values.credit_code", "missing"));
    assert_true(has(found, p.n, "values.promise", "missing"));
    assert_false(has(found, p.n, "values.email", "missing"));
    assert_int_equal(p.n, 2 + 8); /* two unknown, eight required */
    for (size_t i = 0; i < p.n; i++)
        assert_true(strlen(found[i].path) < ITEM_PROBLEM_PATH_MAX);
    json_decref(values);

    /* values that are not an object; no values at all */
    p = (struct item_problems){found, COUNT(found), 0};
    values = json_pack("[s]", "示范恒信科技有限公司");
    assert_int_equal(form_validate_values(form, values, &p), TB_ERR_INVALID);
    assert_true(has(found, p.n, "values", "wrong_type"));
    json_decref(values);
    p = (struct item_problems){found, COUNT(found), 0};
    assert_int_equal(form_validate_values(form, NULL, &p), TB_ERR_INVALID);
    assert_true(has(found, p.n, "values.phone", "missing"));

    /* an empty form takes only empty values */
    json_t *empty = json_pack("{s:[]}", "fields");
    values = json_object();
    p = (struct item_problems){found, COUNT(found), 0};
    assert_int_equal(form_validate_values(empty, values, &p), TB_OK);
    json_decref(values);
    json_decref(empty);
    json_decref(form);
}

/* ---- prefill ----------------------------------------------------------------------------------
 */

static void test_prefill(void **state)
{
    (void)state;
    json_t *form = canonical_food_form();
    const struct form_applicant hengxin = {
        .name = "示范恒信科技有限公司",
        .credit_code = "91350100M000100Y43",
        .phone = "13900139000",
        .legal_rep = "王恒信",
    };
    json_t *got = form_prefill(form, &hengxin);
    assert_non_null(got);
    assert_int_equal(json_object_size(got), 4);
    assert_string_equal(json_string_value(json_object_get(got, "operator_name")),
                        "示范恒信科技有限公司");
    assert_string_equal(json_string_value(json_object_get(got, "credit_code")),
                        "91350100M000100Y43");
    assert_string_equal(json_string_value(json_object_get(got, "phone")), "13900139000");
    assert_string_equal(json_string_value(json_object_get(got, "legal_rep")), "王恒信");
    json_decref(got);

    /* a person: no credit code, no legal representative; the id number has
     * no field with that source in this form */
    const struct form_applicant zhangsan = {
        .name = "张三", .id_number = "11010519491231002X", .phone = "13800138000"};
    got = form_prefill(form, &zhangsan);
    assert_int_equal(json_object_size(got), 2);
    assert_string_equal(json_string_value(json_object_get(got, "operator_name")), "张三");
    assert_null(json_object_get(got, "credit_code"));
    assert_null(json_object_get(got, "legal_rep"));
    json_decref(got);

    got = form_prefill(form, NULL);
    assert_int_equal(json_object_size(got), 0);
    json_decref(got);
    json_decref(form);

    /* a person form: the id number is prefilled too */
    struct run r;
    read_form(&r,
              "{\"fields\":[{\"key\":\"name\",\"label\":\"姓名\",\"type\":\"text\","
              "\"prefill\":\"applicant.name\"},{\"key\":\"id_number\",\"label\":\"公民身份号码\","
              "\"type\":\"id_number\",\"prefill\":\"applicant.id_number\"}]}");
    assert_int_equal(r.rc, TB_OK);
    got = form_prefill(json_object_get(r.d.canon, "form"), &zhangsan);
    assert_string_equal(json_string_value(json_object_get(got, "id_number")), "11010519491231002X");
    struct item_problem found[8];
    struct item_problems p = {found, COUNT(found), 0};
    assert_int_equal(form_validate_values(json_object_get(r.d.canon, "form"), got, &p), TB_OK);
    json_decref(got);
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_definition_faults),
        cmocka_unit_test(test_field_count_limit),
        cmocka_unit_test(test_canonical_defaults),
        cmocka_unit_test(test_every_type_and_source),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_values_all_at_once),
        cmocka_unit_test(test_prefill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
