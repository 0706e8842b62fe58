/*
 * test_catalog_rules.c - the pure catalogue rules: code tables, item-version
 * validation (every rule fails on its own row with its code and path, and
 * passes at its boundary), several faults reported at once, catch-all
 * material names, catalogue KPIs.
 *
 * Validation cases start from one valid item (fx_init) and change one
 * thing. A new case is one line in FAIL_CASES or PASS_CASES.
 */
#include "catalog/catalog.h"
#include "lib/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- fixture: one valid item --------------------------------------------------- */

struct fx {
    struct item_version v;
    struct item_material m[ITEM_MAX_MATERIALS + 1];
    struct item_step s[ITEM_MAX_STEPS + 1];
    struct item_special sp[ITEM_MAX_SPECIALS + 1];
};

static const struct proof_entry proof_entries[] = {
    {"P001", "无犯罪记录证明"},
    {"P002", "婚姻状况证明"},
};
static const struct proof_list proofs = {proof_entries, COUNT(proof_entries)};

static char name600[MATERIAL_NAME_MAX_BYTES + 1];
static char name601[MATERIAL_NAME_MAX_BYTES + 2];

/* A B-class promised item: 20 legal days, 10 promised, one trip, online. */
static void fx_init(struct fx *f)
{
    memset(f, 0, sizeof(*f));
    memset(name600, 'a', sizeof(name600) - 1);
    memset(name601, 'a', sizeof(name601) - 1);
    f->v = (struct item_version){
        .name = "食品经营许可",
        .basic_code = "000123456000",
        .impl_code = "11500000MB1234567X3000123456000",
        .type = ITEM_TYPE_LICENSING,
        .audience = CODE_BIT(SERVICE_OBJECT_PERSON) | CODE_BIT(SERVICE_OBJECT_ENTERPRISE),
        .levels = CODE_BIT(LEVEL_COUNTY),
        .power_source = POWER_STATUTORY,
        .handling_mode = HANDLING_SELF,
        .legal_limit_days = 20,
        .promised_limit_days = 10,
        .kind = CASE_KIND_PROMISED,
        .item_class = ITEM_CLASS_B,
        .trips = TRIPS_1,
        .delivery = CODE_BIT(DELIVERY_WINDOW) | CODE_BIT(DELIVERY_POST),
        .is_free = true,
        .materials = f->m,
        .n_materials = 3,
        .steps = f->s,
        .n_steps = 3,
        .specials = f->sp,
        .n_specials = 1,
        .is_online = true,
        .is_one_visit = true,
    };
    f->m[0] = (struct item_material){.name = "营业执照",
                                     .is_required = true,
                                     .form = FORM_ELECTRONIC,
                                     .source = SOURCE_LICENCE,
                                     .licence_type = "11100000000013338W001"};
    for (size_t i = 1; i < COUNT(f->m); i++)
        f->m[i] = (struct item_material){.name = "食品经营许可申请书",
                                         .is_required = true,
                                         .copies = 1,
                                         .form = FORM_PAPER,
                                         .source = SOURCE_APPLICANT};
    f->m[2] = (struct item_material){.name = "无犯罪记录证明",
                                     .form = FORM_ELECTRONIC,
                                     .source = SOURCE_SHARED,
                                     .allows_missing = true,
                                     .allows_commitment = true,
                                     .is_proof = true,
                                     .proof_code = "P001"};
    f->s[0] = (struct item_step){"受理", 1, 1};
    f->s[1] = (struct item_step){"审查", 2, 5};
    for (size_t i = 2; i < COUNT(f->s); i++)
        f->s[i] = (struct item_step){"决定", 3, 4};
    for (size_t i = 0; i < COUNT(f->sp); i++)
        f->sp[i] = (struct item_special){SPECIAL_SITE_SURVEY, 5};
}

/* ---- one fault at a time --------------------------------------------------------- */

/* X(id, change, path, code): the change makes exactly one problem. */
#define FAIL_CASES(X)                                                                              \
    X(name_empty, f->v.name = "", "name", "missing")                                               \
    X(name_null, f->v.name = NULL, "name", "missing")                                              \
    /* RULE: SPEC §16 basic code ≤ 12 characters, implementation code ≤ 36 */                 \
    X(basic_empty, f->v.basic_code = "", "basic_code", "missing")                                  \
    X(basic_13, f->v.basic_code = "0001234560001", "basic_code", "too_long")                       \
    X(basic_13_cjk, f->v.basic_code = "一二三四五六七八九十一二三", "basic_code", "too_long")      \
    X(impl_null, f->v.impl_code = NULL, "impl_code", "missing")                                    \
    X(impl_37, f->v.impl_code = "1234567890123456789012345678901234567", "impl_code", "too_long")  \
    /* RULE: SPEC §16 national codes: every classification is a row of its table */               \
    X(type_0, f->v.type = 0, "type", "unknown_code")                                               \
    X(type_11, f->v.type = 11, "type", "unknown_code")                                             \
    X(audience_none, f->v.audience = 0, "audience", "missing")                                     \
    X(audience_6, f->v.audience |= CODE_BIT(6), "audience", "unknown_code")                        \
    X(levels_none, f->v.levels = 0, "levels", "missing")                                           \
    X(levels_7, f->v.levels = CODE_BIT(7), "levels", "unknown_code")                               \
    X(levels_0, f->v.levels = CODE_BIT(0), "levels", "unknown_code")                               \
    X(power_7, f->v.power_source = 7, "power_source", "unknown_code")                              \
    X(handling_0, f->v.handling_mode = 0, "handling_mode", "unknown_code")                         \
    X(kind_3, f->v.kind = 3, "kind", "unknown_code")                                               \
    X(class_0, f->v.item_class = 0, "item_class", "unknown_code")                                  \
    X(trips_3, f->v.trips = 3, "trips", "unknown_code")                                            \
    X(delivery_none, f->v.delivery = 0, "delivery", "missing")                                     \
    X(delivery_4, f->v.delivery |= CODE_BIT(4), "delivery", "unknown_code")                        \
    /* RULE: SPEC §2 limits in working days are positive */                                       \
    X(legal_0, f->v.legal_limit_days = 0, "legal_limit_days", "limit_not_positive")                \
    X(legal_neg, f->v.legal_limit_days = -5, "legal_limit_days", "limit_not_positive")             \
    X(promised_0, f->v.promised_limit_days = 0, "promised_limit_days", "limit_not_positive")       \
    X(instant_promised_neg, f->v.kind = CASE_KIND_INSTANT;                                         \
      f->v.promised_limit_days = -1, "promised_limit_days", "limit_not_positive")                  \
    /* RULE: issue 3 promised limit ≤ legal limit */                                             \
    X(promised_legal_plus_1, f->v.promised_limit_days = 21, "promised_limit_days",                 \
      "promised_over_legal")                                                                       \
    X(promised_legal_plus_1_exempt, f->v.is_exempt = true;                                         \
      f->v.promised_limit_days = 21, "promised_limit_days", "promised_over_legal")                 \
    /* RULE: SPEC §2 promised > 50% of legal only with the ... exemption */                       \
    X(promised_51pct, f->v.legal_limit_days = 100;                                                 \
      f->v.promised_limit_days = 51, "promised_limit_days", "promised_over_half")                  \
    X(promised_11_of_20, f->v.promised_limit_days = 11, "promised_limit_days",                     \
      "promised_over_half")                                                                        \
    X(promised_equal_legal, f->v.promised_limit_days = 20, "promised_limit_days",                  \
      "promised_over_half")                                                                        \
    /* RULE: SPEC §2 procedure: at least one step */                                              \
    X(no_steps, f->v.n_steps = 0, "steps", "no_steps")                                             \
    X(steps_21, f->v.n_steps = ITEM_MAX_STEPS + 1, "steps", "too_many")                            \
    X(materials_101, f->v.n_materials = ITEM_MAX_MATERIALS + 1, "materials", "too_many")           \
    X(specials_11, f->v.n_specials = ITEM_MAX_SPECIALS + 1, "special_procedures", "too_many")      \
    /* RULE: issue 3 即办件 need a step at authority level 1 (decided at the window) */         \
    X(instant_no_level1, f->v.kind = CASE_KIND_INSTANT;                                            \
      f->s[0].authority_level = 2, "steps", "instant_without_window_step")                         \
    /* RULE: issue 3 即办件 need trips ≤ 1 */                                                 \
    X(instant_trips_n, f->v.kind = CASE_KIND_INSTANT; f->v.is_one_visit = false;                   \
      f->v.trips = TRIPS_N, "trips", "instant_too_many_trips")                                     \
    /* RULE: issue 3 zero trips means the whole process is online (网上办, 不见面) */        \
    X(zero_trips_offline, f->v.trips = TRIPS_0;                                                    \
      f->v.is_online = false, "trips", "zero_trips_not_online")                                    \
    /* RULE: SPEC §2 一次办 means at most one trip */                                          \
    X(one_visit_trips_n, f->v.trips = TRIPS_N, "is_one_visit", "one_visit_too_many_trips")         \
    /* RULE: SPEC §2 B class (容缺) needs at least one material allowed missing */              \
    X(class_b_none_missing, f->m[2].allows_missing = false, "item_class",                          \
      "class_b_without_missing")                                                                   \
    /* RULE: SPEC §2 A class: no material may be missing at acceptance */                         \
    X(class_a_with_missing, f->v.item_class = ITEM_CLASS_A, "materials[2].allows_missing",         \
      "class_a_allows_missing")                                                                    \
    /* RULE: SPEC §2 fees: 零收费, or an amount in fen with its 收费依据 */                \
    X(fee_free_with_amount, f->v.fee_fen = 100, "fee.amount_fen", "fee_amount_invalid")            \
    X(fee_charged_zero, f->v.is_free = false;                                                      \
      f->v.fee_basis = "《收费标准》", "fee.amount_fen", "fee_amount_invalid")                     \
    X(fee_no_basis, f->v.is_free = false; f->v.fee_fen = 5000, "fee.basis", "fee_basis_missing")   \
    /* materials */                                                                                \
    X(material_name_empty, f->m[1].name = "", "materials[1].name", "missing")                      \
    X(material_name_601, f->m[1].name = name601, "materials[1].name", "too_long")                  \
    /* RULE: SPEC §2 no catch-all "其他材料": every material is named */                      \
    X(material_other, f->m[1].name = "其他材料", "materials[1].name", "catch_all_material")        \
    X(material_related, f->m[1].name = " 相关 材料 ", "materials[1].name", "catch_all_material")   \
    X(material_source_0, f->m[1].source = 0, "materials[1].source", "unknown_code")                \
    X(material_form_0, f->m[1].form = 0, "materials[1].form", "unknown_code")                      \
    /* RULE: SPEC §16 materials carry the number of paper copies */                               \
    X(material_copies_0, f->m[1].copies = 0, "materials[1].copies", "copies_invalid")              \
    X(material_copies_21, f->m[1].copies = 21, "materials[1].copies", "copies_invalid")            \
    X(material_electronic_copies, f->m[0].copies = 1, "materials[0].copies", "copies_invalid")     \
    /* RULE: SPEC §2 a licence-sourced material names its licence type */                         \
    X(licence_type_null, f->m[0].licence_type = NULL, "materials[0].licence_type",                 \
      "licence_type_missing")                                                                      \
    X(licence_type_empty, f->m[0].licence_type = "", "materials[0].licence_type",                  \
      "licence_type_missing")                                                                      \
    /* RULE: SPEC §2 证明事项清单 "目录外无证明": a proof must be on the list */      \
    X(proof_off_list, f->m[2].proof_code = "P999", "materials[2].proof_code", "proof_not_on_list") \
    X(proof_no_code, f->m[2].proof_code = NULL, "materials[2].proof_code", "proof_not_on_list")    \
    X(proof_flag_on_form, f->m[1].is_proof = true, "materials[1].proof_code", "proof_not_on_list") \
    /* RULE: 国办发〔2020〕42号 no 告知承诺 for high-risk items */                       \
    X(commitment_high_risk, f->v.is_high_risk = true, "materials[2].allows_commitment",            \
      "commitment_on_high_risk")                                                                   \
    /* steps */                                                                                    \
    X(step_name_empty, f->s[1].name = "", "steps[1].name", "missing")                              \
    /* RULE: GLOSSARY 审批权限 four levels: window staff .. joint meeting */                   \
    X(step_level_0, f->s[1].authority_level = 0, "steps[1].authority_level",                       \
      "authority_level_invalid")                                                                   \
    X(step_level_5, f->s[1].authority_level = 5, "steps[1].authority_level",                       \
      "authority_level_invalid")                                                                   \
    /* RULE: SPEC §2 each step has a time limit */                                                \
    X(step_limit_0, f->s[1].limit_days = 0, "steps[1].limit_days", "limit_not_positive")           \
    X(instant_step_limit_neg, f->v.kind = CASE_KIND_INSTANT;                                       \
      f->s[1].limit_days = -1, "steps[1].limit_days", "limit_not_positive")                        \
    /* RULE: 行政许可法 §45 special procedures have their own limit, not counted */          \
    X(special_kind_0, f->sp[0].kind = 0, "special_procedures[0].kind", "unknown_code")             \
    X(special_kind_10, f->sp[0].kind = 10, "special_procedures[0].kind", "unknown_code")           \
    X(special_limit_0, f->sp[0].limit_days = 0, "special_procedures[0].limit_days",                \
      "limit_not_positive")

/* Y(id, change): the item stays valid (boundaries and allowed variants). */
#define PASS_CASES(Y)                                                                              \
    Y(as_is, (void)f)                                                                              \
    Y(basic_12, f->v.basic_code = "000123456789")                                                  \
    Y(basic_12_cjk, f->v.basic_code = "一二三四五六七八九十一二")                                  \
    Y(impl_36, f->v.impl_code = "123456789012345678901234567890123456")                            \
    Y(type_20, f->v.type = ITEM_TYPE_PUBLIC_SERVICE)                                               \
    Y(audience_other, f->v.audience = CODE_BIT(SERVICE_OBJECT_OTHER))                              \
    Y(all_levels, f->v.levels = catalog_codes_mask(CODES_EXERCISE_LEVEL))                          \
    Y(promised_50pct, f->v.legal_limit_days = 100; f->v.promised_limit_days = 50)                  \
    Y(promised_51pct_exempt, f->v.is_exempt = true; f->v.legal_limit_days = 100;                   \
      f->v.promised_limit_days = 51)                                                               \
    Y(promised_equal_legal_exempt, f->v.is_exempt = true; f->v.promised_limit_days = 20)           \
    Y(promised_1_of_3, f->v.legal_limit_days = 3; f->v.promised_limit_days = 1)                    \
    Y(instant_on_the_spot, f->v.kind = CASE_KIND_INSTANT; f->v.promised_limit_days = 0;            \
      f->s[0].limit_days = 0)                                                                      \
    Y(instant_zero_trips_online, f->v.kind = CASE_KIND_INSTANT; f->v.trips = TRIPS_0)              \
    Y(trips_n_not_one_visit, f->v.trips = TRIPS_N; f->v.is_one_visit = false)                      \
    Y(class_a_no_missing, f->v.item_class = ITEM_CLASS_A; f->m[2].allows_missing = false)          \
    Y(charged_with_basis, f->v.is_free = false; f->v.fee_fen = 5000;                               \
      f->v.fee_basis = "渝价〔2015〕1号")                                                          \
    Y(steps_20, f->v.n_steps = ITEM_MAX_STEPS)                                                     \
    Y(materials_100, f->v.n_materials = ITEM_MAX_MATERIALS)                                        \
    Y(specials_10, f->v.n_specials = ITEM_MAX_SPECIALS)                                            \
    Y(no_specials, f->v.n_specials = 0)                                                            \
    Y(no_materials_class_a, f->v.item_class = ITEM_CLASS_A; f->v.n_materials = 0)                  \
    Y(material_name_600, f->m[1].name = name600)                                                   \
    Y(material_copies_20, f->m[1].copies = 20)                                                     \
    Y(material_both_forms, f->m[1].form = FORM_BOTH)                                               \
    Y(other_id_document, f->m[1].name = "居民身份证或其他有效身份证件")                            \
    Y(proof_on_list, f->m[2].proof_code = "P002")                                                  \
    Y(high_risk_without_commitment, f->v.is_high_risk = true; f->m[2].allows_commitment = false)   \
    Y(step_level_4, f->s[2].authority_level = 4)                                                   \
    Y(special_hearing, f->sp[0].kind = SPECIAL_HEARING)

#define DEFINE_CHANGE(id, change)                                                                  \
    static void change_##id(struct fx *f)                                                          \
    {                                                                                              \
        change;                                                                                    \
    }
#define DEFINE_FAIL_CHANGE(id, change, path, code) DEFINE_CHANGE(id, change)
FAIL_CASES(DEFINE_FAIL_CHANGE)
PASS_CASES(DEFINE_CHANGE)

static const struct {
    const char *id;
    void (*change)(struct fx *f);
    const char *path;
    const char *code;
} fail_cases[] = {
#define FAIL_ROW(id, change, path, code) {#id, change_##id, path, code},
    FAIL_CASES(FAIL_ROW)
#undef FAIL_ROW
};

static const struct {
    const char *id;
    void (*change)(struct fx *f);
} pass_cases[] = {
#define PASS_ROW(id, change) {#id, change_##id},
    PASS_CASES(PASS_ROW)
#undef PASS_ROW
};

static struct fx fixture;

static void test_valid_items_pass(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(pass_cases); i++) {
        fx_init(&fixture);
        pass_cases[i].change(&fixture);
        struct item_problem out[8];
        size_t n = 99;
        int rc = item_validate(&fixture.v, &proofs, out, COUNT(out), &n);
        if (rc != TB_OK || n != 0)
            fail_msg("pass case %s: rc %d, %zu problems, first %s %s", pass_cases[i].id, rc, n,
                     n ? out[0].path : "", n ? out[0].code : "");
    }
}

static void test_each_rule_fails_alone(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(fail_cases); i++) {
        fx_init(&fixture);
        fail_cases[i].change(&fixture);
        struct item_problem out[8];
        size_t n = 0;
        int rc = item_validate(&fixture.v, &proofs, out, COUNT(out), &n);
        if (rc != TB_ERR_INVALID || n != 1 || strcmp(out[0].path, fail_cases[i].path) != 0 ||
            strcmp(out[0].code, fail_cases[i].code) != 0)
            fail_msg("fail case %s: rc %d, %zu problems, first %s %s; want %s %s", fail_cases[i].id,
                     rc, n, n ? out[0].path : "", n ? out[0].code : "", fail_cases[i].path,
                     fail_cases[i].code);
        assert_true(out[0].message_zh && *out[0].message_zh);
        assert_true(out[0].message_en && *out[0].message_en);
    }
}

/* Every code the validator can give has at least one failing row above. */
static void test_every_code_has_a_case(void **state)
{
    (void)state;
    const char *codes[64];
    size_t n = item_problem_codes(codes, COUNT(codes));
    assert_true(n > 10 && n <= COUNT(codes));
    for (size_t c = 0; c < n; c++) {
        bool found = false;
        for (size_t i = 0; i < COUNT(fail_cases) && !found; i++)
            found = strcmp(fail_cases[i].code, codes[c]) == 0;
        if (!found)
            fail_msg("problem code %s has no failing case", codes[c]);
    }
}

/* RULE: SPEC §2 证明事项清单 "目录外无证明": without a list, no proof may be asked */
static void test_no_proof_list(void **state)
{
    (void)state;
    fx_init(&fixture);
    struct item_problem out[4];
    size_t n = 0;
    assert_int_equal(item_validate(&fixture.v, NULL, out, COUNT(out), &n), TB_ERR_INVALID);
    assert_int_equal(n, 1);
    assert_string_equal(out[0].path, "materials[2].proof_code");
    assert_string_equal(out[0].code, "proof_not_on_list");
    assert_null(proof_list_find(&proofs, ""));
    assert_string_equal(proof_list_find(&proofs, "P002")->name, "婚姻状况证明");
}

/* ---- several faults at once ----------------------------------------------------------- */

static void break_many(struct fx *f)
{
    f->v.impl_code = "";
    f->v.promised_limit_days = 25; /* over legal 20 */
    f->v.item_class = ITEM_CLASS_A;
    f->m[1].name = "有关材料";
    f->m[0].licence_type = NULL;
    f->s[1].authority_level = 9;
    f->sp[0].limit_days = 0;
}

static const struct {
    const char *path;
    const char *code;
} many_want[] = {
    {"impl_code", "missing"},
    {"promised_limit_days", "promised_over_legal"},
    {"materials[0].licence_type", "licence_type_missing"},
    {"materials[1].name", "catch_all_material"},
    {"materials[2].allows_missing", "class_a_allows_missing"},
    {"steps[1].authority_level", "authority_level_invalid"},
    {"special_procedures[0].limit_days", "limit_not_positive"},
};

static void test_all_faults_reported(void **state)
{
    (void)state;
    fx_init(&fixture);
    break_many(&fixture);
    struct item_problem out[16];
    size_t n = 0;
    assert_int_equal(item_validate(&fixture.v, &proofs, out, COUNT(out), &n), TB_ERR_INVALID);
    assert_int_equal(n, COUNT(many_want));
    for (size_t i = 0; i < COUNT(many_want); i++) {
        assert_string_equal(out[i].path, many_want[i].path);
        assert_string_equal(out[i].code, many_want[i].code);
    }

    /* A small buffer gets the first problems and the full count. */
    struct item_problem few[3];
    memset(few, 0, sizeof(few));
    n = 0;
    assert_int_equal(item_validate(&fixture.v, &proofs, few, 2, &n), TB_ERR_INVALID);
    assert_int_equal(n, COUNT(many_want));
    assert_string_equal(few[1].code, "promised_over_legal");
    assert_null(few[2].code);
    n = 0;
    assert_int_equal(item_validate(&fixture.v, &proofs, NULL, 0, &n), TB_ERR_INVALID);
    assert_int_equal(n, COUNT(many_want));
}

/* ---- catch-all material names ----------------------------------------------------------- */

/* RULE: SPEC §2 no catch-all "其他材料": every material is named */
static const struct {
    const char *name;
    bool is_catch_all;
} catch_all_cases[] = {
    {"其他材料", true},
    {"其它材料", true},
    {"有关材料", true},
    {"相关材料", true},
    {"身份证、户口簿等材料", true},
    {"其 他 材 料", true},
    {"其他\t材料", true},
    {"其他\u3000材料", true}, /* ideographic space */
    {"其他\u00a0材料", true}, /* no-break space */
    {"审批机关认为需要提交的其他材料", true},
    {"其他相关资料", true},
    {"项目相关文件", true},
    {"相关证明材料", true},
    {"营业执照、身份证等", true},
    {"营业执照、身份证等。", true},
    {"营业执照、身份证等\uff1b", true}, /* full-width semicolon */
    {"营业执照、身份证 等 ， ", true},
    {"营业执照", false},
    {"食品经营许可申请书", false},
    {"居民身份证或其他有效身份证件", false},
    {"法定代表人身份证明", false},
    {"等级评定证书", false},
    {"", false},
    {NULL, false},
};

static void test_catch_all_names(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(catch_all_cases); i++)
        if (material_name_is_catch_all(catch_all_cases[i].name) != catch_all_cases[i].is_catch_all)
            fail_msg("catch-all case %zu (%s)", i,
                     catch_all_cases[i].name ? catch_all_cases[i].name : "NULL");
}

/* ---- code tables ------------------------------------------------------------------------- */

static const struct {
    enum catalog_code_table table;
    const char *code;
    int value; /* -1: unknown code */
    const char *name_zh;
} code_cases[] = {
    {CODES_ITEM_TYPE, "01", ITEM_TYPE_LICENSING, "行政许可"},
    {CODES_ITEM_TYPE, "07", ITEM_TYPE_CONFIRMATION, "行政确认"},
    {CODES_ITEM_TYPE, "10", ITEM_TYPE_OTHER_POWER, "其他行政权力"},
    {CODES_ITEM_TYPE, "20", ITEM_TYPE_PUBLIC_SERVICE, "公共服务"},
    {CODES_ITEM_TYPE, "1", -1, NULL},
    {CODES_ITEM_TYPE, "11", -1, NULL},
    {CODES_SERVICE_OBJECT, "1", SERVICE_OBJECT_PERSON, "自然人"},
    {CODES_SERVICE_OBJECT, "9", SERVICE_OBJECT_OTHER, "其他组织"},
    {CODES_SERVICE_OBJECT, "6", -1, NULL},
    {CODES_EXERCISE_LEVEL, "1", LEVEL_NATIONAL, "国家"},
    {CODES_EXERCISE_LEVEL, "5", LEVEL_TOWNSHIP, "乡镇(街道)"},
    {CODES_EXERCISE_LEVEL, "6", LEVEL_VILLAGE, "村(社区)"},
    {CODES_EXERCISE_LEVEL, "7", -1, NULL},
    {CODES_POWER_SOURCE, "1", POWER_STATUTORY, "法定本级行使"},
    {CODES_POWER_SOURCE, "6", POWER_ENTRUSTED_BY_PEER, "同级委托"},
    {CODES_HANDLING_MODE, "2", HANDLING_FIRST_REVIEW, "初审件"},
    {CODES_HANDLING_MODE, "4", HANDLING_FORWARDED, "转报件"},
    {CODES_CASE_KIND, "1", CASE_KIND_INSTANT, "即办件"},
    {CODES_CASE_KIND, "2", CASE_KIND_PROMISED, "承诺件"},
    {CODES_CASE_KIND, "", -1, NULL},
    {CODES_ITEM_CLASS, "B", ITEM_CLASS_B, "B类（可容缺）"},
    {CODES_ITEM_CLASS, "b", -1, NULL},
    {CODES_MATERIAL_SOURCE, "applicant", SOURCE_APPLICANT, "申请人提供"},
    {CODES_MATERIAL_SOURCE, "licence", SOURCE_LICENCE, "电子证照"},
    {CODES_MATERIAL_SOURCE, "shared", SOURCE_SHARED, "共享获取"},
    {CODES_MATERIAL_SOURCE, "department", SOURCE_DEPARTMENT, "部门自行产生"},
    {CODES_MATERIAL_FORM, "both", FORM_BOTH, "纸质和电子"},
    {CODES_PROOF_PROVISION, "commitment", PROVISION_COMMITMENT, "告知承诺"},
    {CODES_PROOF_PROVISION, "missing", PROVISION_MISSING, "容缺"},
    {CODES_SPECIAL_PROCEDURE, "site_survey", SPECIAL_SITE_SURVEY, "现场勘查"},
    {CODES_SPECIAL_PROCEDURE, "hearing", SPECIAL_HEARING, "听证"},
    {CODES_SPECIAL_PROCEDURE, "quarantine", SPECIAL_QUARANTINE, "检疫"},
    {CODES_DELIVERY, "post", DELIVERY_POST, "邮寄送达"},
    {CODES_TRIPS, "0", TRIPS_0, "零跑动"},
    {CODES_TRIPS, "n", TRIPS_N, "多次"},
    {CODES_TRIPS, "2", -1, NULL},
};

/* Row counts: the national tables are complete (SPEC §16). */
static const struct {
    enum catalog_code_table table;
    size_t rows;
} table_sizes[] = {
    {CODES_ITEM_TYPE, 11},      {CODES_SERVICE_OBJECT, 6},    {CODES_EXERCISE_LEVEL, 6},
    {CODES_POWER_SOURCE, 6},    {CODES_HANDLING_MODE, 4},     {CODES_CASE_KIND, 2},
    {CODES_ITEM_CLASS, 2},      {CODES_MATERIAL_SOURCE, 4},   {CODES_MATERIAL_FORM, 3},
    {CODES_PROOF_PROVISION, 5}, {CODES_SPECIAL_PROCEDURE, 9}, {CODES_DELIVERY, 3},
    {CODES_TRIPS, 3},
};

static void test_code_lookup(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(code_cases); i++) {
        int value = -1;
        int rc = catalog_code_parse(code_cases[i].table, code_cases[i].code, &value);
        if (code_cases[i].value < 0) {
            if (rc != TB_ERR_INVALID)
                fail_msg("code %s of %s should be unknown", code_cases[i].code,
                         catalog_codes_name(code_cases[i].table));
            continue;
        }
        assert_int_equal(rc, TB_OK);
        assert_int_equal(value, code_cases[i].value);
        const struct catalog_code *row = catalog_code_by_value(code_cases[i].table, value);
        assert_non_null(row);
        assert_string_equal(row->code, code_cases[i].code);
        assert_string_equal(row->name_zh, code_cases[i].name_zh);
    }
    assert_null(catalog_code_by_code(CODES_ITEM_TYPE, NULL));
    assert_null(catalog_code_by_value(CODES_ITEM_TYPE, 0));
    assert_int_equal(catalog_codes_mask(CODES_SERVICE_OBJECT), 0x23e); /* bits 1-5 and 9 */
}

static void test_code_tables_well_formed(void **state)
{
    (void)state;
    assert_int_equal(COUNT(table_sizes), CODES__COUNT);
    for (size_t i = 0; i < COUNT(table_sizes); i++) {
        size_t n;
        const struct catalog_code *rows = catalog_codes(table_sizes[i].table, &n);
        const char *name = catalog_codes_name(table_sizes[i].table);
        assert_true(name && *name);
        if (n != table_sizes[i].rows)
            fail_msg("%s has %zu rows, want %zu", name, n, table_sizes[i].rows);
        for (size_t a = 0; a < n; a++) {
            assert_true(*rows[a].code && *rows[a].name_zh && *rows[a].name_en);
            for (size_t b = a + 1; b < n; b++) {
                assert_int_not_equal(rows[a].value, rows[b].value);
                assert_string_not_equal(rows[a].code, rows[b].code);
            }
        }
    }
}

/* ---- catalogue KPIs ---------------------------------------------------------------------- */

static void test_kpis(void **state)
{
    (void)state;
    const struct item_version items[] = {
        {.trips = TRIPS_0, .is_online = true, .legal_limit_days = 20, .promised_limit_days = 10},
        {.trips = TRIPS_1, .is_online = true, .legal_limit_days = 20, .promised_limit_days = 5},
        {.trips = TRIPS_N, .legal_limit_days = 10, .promised_limit_days = 8}, /* over half */
        {.trips = TRIPS_1,
         .is_online = true,
         .is_exempt = true,
         .legal_limit_days = 10,
         .promised_limit_days = 10},
        {.trips = TRIPS_1, .legal_limit_days = 0}, /* no legal limit: not in the mean */
    };
    struct catalog_kpis k;
    catalog_kpis_compute(items, COUNT(items), &k);
    assert_int_equal(k.items, 5);
    assert_int_equal(k.at_most_one_trip, 4);
    assert_int_equal(k.online, 3);
    assert_int_equal(k.over_half, 1);
    assert_int_equal(k.with_legal_limit, 4);
    assert_float_equal(k.share_at_most_one_trip, 0.8, 1e-9);
    assert_float_equal(k.share_online, 0.6, 1e-9);
    assert_float_equal(k.mean_promised_ratio, (0.5 + 0.25 + 0.8 + 1.0) / 4, 1e-9);
    assert_true(k.meets_one_trip_goal); /* exactly 80% */
    assert_false(k.meets_online_goal);

    catalog_kpis_compute(items + 2, 3, &k); /* 2 of 3 at most one trip: 66.7% */
    assert_false(k.meets_one_trip_goal);

    catalog_kpis_compute(NULL, 0, &k);
    assert_int_equal(k.items, 0);
    assert_float_equal(k.share_online, 0, 0);
    assert_float_equal(k.mean_promised_ratio, 0, 0);
    assert_false(k.meets_one_trip_goal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_items_pass),
        cmocka_unit_test(test_each_rule_fails_alone),
        cmocka_unit_test(test_every_code_has_a_case),
        cmocka_unit_test(test_no_proof_list),
        cmocka_unit_test(test_all_faults_reported),
        cmocka_unit_test(test_catch_all_names),
        cmocka_unit_test(test_code_lookup),
        cmocka_unit_test(test_code_tables_well_formed),
        cmocka_unit_test(test_kpis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
