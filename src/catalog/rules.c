/*
 * rules.c - pure catalogue rules: the code tables, item-version validation
 * and the catalogue KPIs.
 *
 * Validation is four tables of rules - item fields, each material, each
 * step, each special procedure - and a walker that runs every row and
 * collects every broken one. A rule is a row: a path, a stable code, two
 * messages and a predicate that says whether the row is broken. Callers are
 * the catalogue API and the import command; no I/O here.
 */
#include "catalog/catalog.h"
#include "lib/err.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- code tables ---------------------------------------------------------------- */

static const struct catalog_code item_types[] = {
    {ITEM_TYPE_LICENSING, "01", "行政许可", "Administrative licensing"},
    {ITEM_TYPE_PENALTY, "02", "行政处罚", "Administrative penalty"},
    {ITEM_TYPE_COERCION, "03", "行政强制", "Administrative coercion"},
    {ITEM_TYPE_LEVY, "04", "行政征收", "Administrative levy"},
    {ITEM_TYPE_BENEFIT, "05", "行政给付", "Administrative benefit"},
    {ITEM_TYPE_INSPECTION, "06", "行政检查", "Administrative inspection"},
    {ITEM_TYPE_CONFIRMATION, "07", "行政确认", "Administrative confirmation"},
    {ITEM_TYPE_REWARD, "08", "行政奖励", "Administrative reward"},
    {ITEM_TYPE_ADJUDICATION, "09", "行政裁决", "Administrative adjudication"},
    {ITEM_TYPE_OTHER_POWER, "10", "其他行政权力", "Other administrative power"},
    {ITEM_TYPE_PUBLIC_SERVICE, "20", "公共服务", "Public service"},
};

static const struct catalog_code service_objects[] = {
    {SERVICE_OBJECT_PERSON, "1", "自然人", "Natural person"},
    {SERVICE_OBJECT_ENTERPRISE, "2", "企业法人", "Enterprise legal person"},
    {SERVICE_OBJECT_INSTITUTION, "3", "事业法人", "Public institution legal person"},
    {SERVICE_OBJECT_SOCIAL_ORG, "4", "社会组织法人", "Social organisation legal person"},
    {SERVICE_OBJECT_UNINCORPORATED, "5", "非法人企业", "Unincorporated enterprise"},
    {SERVICE_OBJECT_OTHER, "9", "其他组织", "Other organisation"},
};

static const struct catalog_code exercise_levels[] = {
    {LEVEL_NATIONAL, "1", "国家", "National"},
    {LEVEL_PROVINCE, "2", "省", "Province"},
    {LEVEL_CITY, "3", "市", "City"},
    {LEVEL_COUNTY, "4", "县", "County"},
    {LEVEL_TOWNSHIP, "5", "乡镇(街道)", "Township (subdistrict)"},
    {LEVEL_VILLAGE, "6", "村(社区)", "Village (community)"},
};

static const struct catalog_code power_sources[] = {
    {POWER_STATUTORY, "1", "法定本级行使", "Statutory, exercised at this level"},
    {POWER_DEVOLVED, "2", "上级下放", "Devolved by a superior"},
    {POWER_AUTHORISED_BY_SUPERIOR, "3", "上级授权", "Authorised by a superior"},
    {POWER_AUTHORISED_BY_PEER, "4", "同级授权", "Authorised by a peer"},
    {POWER_ENTRUSTED_BY_SUPERIOR, "5", "上级委托", "Entrusted by a superior"},
    {POWER_ENTRUSTED_BY_PEER, "6", "同级委托", "Entrusted by a peer"},
};

static const struct catalog_code handling_modes[] = {
    {HANDLING_SELF, "1", "自办件", "Handled here"},
    {HANDLING_FIRST_REVIEW, "2", "初审件", "First review here, decided above"},
    {HANDLING_JOINT, "3", "联办件", "Handled jointly"},
    {HANDLING_FORWARDED, "4", "转报件", "Forwarded above"},
};

static const struct catalog_code case_kinds[] = {
    {CASE_KIND_INSTANT, "1", "即办件", "Instant"},
    {CASE_KIND_PROMISED, "2", "承诺件", "Promised"},
};

static const struct catalog_code item_classes[] = {
    {ITEM_CLASS_A, "A", "A类（不容缺）", "Class A (no missing material)"},
    {ITEM_CLASS_B, "B", "B类（可容缺）", "Class B (accept with missing)"},
};

static const struct catalog_code material_sources[] = {
    {SOURCE_APPLICANT, "applicant", "申请人提供", "Provided by the applicant"},
    {SOURCE_LICENCE, "licence", "电子证照", "Electronic licence"},
    {SOURCE_SHARED, "shared", "共享获取", "Shared data"},
    {SOURCE_DEPARTMENT, "department", "部门自行产生", "Produced by the department"},
};

static const struct catalog_code material_forms[] = {
    {FORM_PAPER, "paper", "纸质", "Paper"},
    {FORM_ELECTRONIC, "electronic", "电子", "Electronic"},
    {FORM_BOTH, "both", "纸质和电子", "Paper and electronic"},
};

static const struct catalog_code proof_provisions[] = {
    {PROVISION_SUBMITTED, "submitted", "提交", "Submitted"},
    {PROVISION_LICENCE, "licence", "电子证照", "Electronic licence"},
    {PROVISION_SHARED, "shared", "共享获取", "Shared data"},
    {PROVISION_COMMITMENT, "commitment", "告知承诺", "Written commitment"},
    {PROVISION_MISSING, "missing", "容缺", "Missing, to be supplied"},
};

static const struct catalog_code special_procedures[] = {
    {SPECIAL_SITE_SURVEY, "site_survey", "现场勘查", "Site survey"},
    {SPECIAL_TESTING, "testing", "检验检测", "Inspection and testing"},
    {SPECIAL_EXPERT_REVIEW, "expert_review", "专家评审", "Expert review"},
    {SPECIAL_HEARING, "hearing", "听证", "Hearing"},
    {SPECIAL_PUBLICATION, "publication", "公示", "Publication"},
    {SPECIAL_TENDER, "tender", "招标", "Tendering"},
    {SPECIAL_AUCTION, "auction", "拍卖", "Auction"},
    {SPECIAL_QUARANTINE, "quarantine", "检疫", "Quarantine"},
    {SPECIAL_APPRAISAL, "appraisal", "鉴定", "Appraisal"},
};

static const struct catalog_code deliveries[] = {
    {DELIVERY_WINDOW, "window", "窗口领取", "Collect at the window"},
    {DELIVERY_POST, "post", "邮寄送达", "By post"},
    {DELIVERY_ELECTRONIC, "electronic", "电子送达", "Electronic delivery"},
};

static const struct catalog_code trips_codes[] = {
    {TRIPS_0, "0", "零跑动", "No trip"},
    {TRIPS_1, "1", "最多跑一次", "At most one trip"},
    {TRIPS_N, "n", "多次", "Several trips"},
};

static const struct {
    const char *name;
    const struct catalog_code *rows;
    size_t n;
} code_tables[CODES__COUNT] = {
    [CODES_ITEM_TYPE] = {"item_type", item_types, COUNT(item_types)},
    [CODES_SERVICE_OBJECT] = {"service_object", service_objects, COUNT(service_objects)},
    [CODES_EXERCISE_LEVEL] = {"exercise_level", exercise_levels, COUNT(exercise_levels)},
    [CODES_POWER_SOURCE] = {"power_source", power_sources, COUNT(power_sources)},
    [CODES_HANDLING_MODE] = {"handling_mode", handling_modes, COUNT(handling_modes)},
    [CODES_CASE_KIND] = {"case_kind", case_kinds, COUNT(case_kinds)},
    [CODES_ITEM_CLASS] = {"item_class", item_classes, COUNT(item_classes)},
    [CODES_MATERIAL_SOURCE] = {"material_source", material_sources, COUNT(material_sources)},
    [CODES_MATERIAL_FORM] = {"material_form", material_forms, COUNT(material_forms)},
    [CODES_PROOF_PROVISION] = {"proof_provision", proof_provisions, COUNT(proof_provisions)},
    [CODES_SPECIAL_PROCEDURE] = {"special_procedure", special_procedures,
                                 COUNT(special_procedures)},
    [CODES_DELIVERY] = {"delivery", deliveries, COUNT(deliveries)},
    [CODES_TRIPS] = {"trips", trips_codes, COUNT(trips_codes)},
};

const struct catalog_code *catalog_codes(enum catalog_code_table t, size_t *n)
{
    assert((unsigned)t < CODES__COUNT);
    *n = code_tables[t].n;
    return code_tables[t].rows;
}

const char *catalog_codes_name(enum catalog_code_table t)
{
    assert((unsigned)t < CODES__COUNT);
    return code_tables[t].name;
}

const struct catalog_code *catalog_code_by_code(enum catalog_code_table t, const char *code)
{
    size_t n;
    const struct catalog_code *rows = catalog_codes(t, &n);
    for (size_t i = 0; code && i < n; i++)
        if (strcmp(rows[i].code, code) == 0)
            return &rows[i];
    return NULL;
}

const struct catalog_code *catalog_code_by_value(enum catalog_code_table t, int value)
{
    size_t n;
    const struct catalog_code *rows = catalog_codes(t, &n);
    for (size_t i = 0; i < n; i++)
        if (rows[i].value == value)
            return &rows[i];
    return NULL;
}

int catalog_code_parse(enum catalog_code_table t, const char *code, int *value)
{
    const struct catalog_code *row = catalog_code_by_code(t, code);
    if (!row)
        return TB_ERR_INVALID;
    *value = row->value;
    return TB_OK;
}

unsigned catalog_codes_mask(enum catalog_code_table t)
{
    size_t n;
    const struct catalog_code *rows = catalog_codes(t, &n);
    unsigned mask = 0;
    for (size_t i = 0; i < n; i++) {
        assert(rows[i].value >= 0 && rows[i].value < 32);
        mask |= CODE_BIT(rows[i].value);
    }
    return mask;
}

const struct proof_entry *proof_list_find(const struct proof_list *l, const char *code)
{
    if (!l || !code || !*code)
        return NULL;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->entries[i].code, code) == 0)
            return &l->entries[i];
    return NULL;
}

/* ---- text helpers ------------------------------------------------------------------ */

static bool is_blank(const char *s)
{
    return !s || !*s;
}

/* UTF-8 code points in s (codes are counted in characters, SPEC §16). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

/* Copies name into out without whitespace (ASCII, U+00A0, U+3000) and with
 * full-width ASCII (U+FF01..U+FF5E) folded to ASCII, then drops trailing
 * punctuation, so that "其 他 材 料" and "身份证等；" read as written intent.
 * Returns false when the result does not fit in cap. */
static bool normalise_name(const char *name, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)name;
    size_t n = 0;
    while (*p) {
        unsigned char c;
        if (*p == ' ' || (*p >= '\t' && *p <= '\r')) {
            p++;
            continue;
        }
        if (p[0] == 0xc2 && p[1] == 0xa0) {
            p += 2;
            continue;
        }
        if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) {
            p += 3;
            continue;
        }
        if (p[0] == 0xef && p[1] == 0xbc && p[2] >= 0x81 && p[2] <= 0xbf) {
            c = (unsigned char)(0x21 + (p[2] - 0x81));
            p += 3;
        } else if (p[0] == 0xef && p[1] == 0xbd && p[2] >= 0x80 && p[2] <= 0x9e) {
            c = (unsigned char)(0x60 + (p[2] - 0x80));
            p += 3;
        } else {
            c = *p++;
        }
        if (n + 1 >= cap)
            return false;
        out[n++] = (char)c;
    }
    static const char *const trailing[] = {"。", "、", ".", ",", ";", ":"};
    for (bool again = true; again;) {
        again = false;
        for (size_t i = 0; i < COUNT(trailing); i++) {
            size_t tl = strlen(trailing[i]);
            if (n >= tl && memcmp(out + n - tl, trailing[i], tl) == 0) {
                n -= tl;
                again = true;
            }
        }
    }
    out[n] = '\0';
    return true;
}

/* RULE: SPEC §2 no catch-all "其他材料": every material is named. A new
 * wording is a new row. */
static const struct {
    const char *text;
    bool is_suffix; /* else: anywhere in the name */
} catch_all_patterns[] = {
    {"其他材料", false},     {"其它材料", false},
    {"有关材料", false},     {"相关材料", false},
    {"等材料", false},       {"其他资料", false},
    {"其它资料", false},     {"有关资料", false},
    {"相关资料", false},     {"等资料", false},
    {"其他文件", false},     {"其它文件", false},
    {"有关文件", false},     {"相关文件", false},
    {"等文件", false},       {"其他证明材料", false},
    {"其它证明材料", false}, {"有关证明材料", false},
    {"相关证明材料", false}, {"等", true},
};

bool material_name_is_catch_all(const char *name)
{
    char buf[MATERIAL_NAME_MAX_BYTES + 1];
    if (is_blank(name) || !normalise_name(name, buf, sizeof(buf)))
        return false; /* reported as missing or too long instead */
    size_t len = strlen(buf);
    for (size_t i = 0; i < COUNT(catch_all_patterns); i++) {
        const char *t = catch_all_patterns[i].text;
        size_t tl = strlen(t);
        if (catch_all_patterns[i].is_suffix ? len >= tl && strcmp(buf + len - tl, t) == 0
                                            : strstr(buf, t) != NULL)
            return true;
    }
    return false;
}

/* ---- item rules ---------------------------------------------------------------------- */

static bool is_mask_bad(unsigned mask, enum catalog_code_table t)
{
    return (mask & ~catalog_codes_mask(t)) != 0;
}

static bool name_missing(const struct item_version *v)
{
    return is_blank(v->name);
}

/* RULE: SPEC §16 basic code ≤ 12 characters, implementation code ≤ 36 */
static bool basic_code_missing(const struct item_version *v)
{
    return is_blank(v->basic_code);
}

static bool basic_code_too_long(const struct item_version *v)
{
    return !is_blank(v->basic_code) && utf8_chars(v->basic_code) > ITEM_BASIC_CODE_MAX_CHARS;
}

static bool impl_code_missing(const struct item_version *v)
{
    return is_blank(v->impl_code);
}

static bool impl_code_too_long(const struct item_version *v)
{
    return !is_blank(v->impl_code) && utf8_chars(v->impl_code) > ITEM_IMPL_CODE_MAX_CHARS;
}

/* RULE: SPEC §16 national codes: every classification is a row of its table */
static bool type_unknown(const struct item_version *v)
{
    return !catalog_code_by_value(CODES_ITEM_TYPE, (int)v->type);
}

static bool power_source_unknown(const struct item_version *v)
{
    return !catalog_code_by_value(CODES_POWER_SOURCE, (int)v->power_source);
}

static bool handling_mode_unknown(const struct item_version *v)
{
    return !catalog_code_by_value(CODES_HANDLING_MODE, (int)v->handling_mode);
}

static bool kind_unknown(const struct item_version *v)
{
    return !catalog_code_by_value(CODES_CASE_KIND, (int)v->kind);
}

static bool class_unknown(const struct item_version *v)
{
    return !catalog_code_by_value(CODES_ITEM_CLASS, (int)v->item_class);
}

static bool trips_unknown(const struct item_version *v)
{
    return !catalog_code_by_value(CODES_TRIPS, (int)v->trips);
}

static bool audience_missing(const struct item_version *v)
{
    return v->audience == 0;
}

static bool audience_unknown(const struct item_version *v)
{
    return is_mask_bad(v->audience, CODES_SERVICE_OBJECT);
}

static bool levels_missing(const struct item_version *v)
{
    return v->levels == 0;
}

static bool levels_unknown(const struct item_version *v)
{
    return is_mask_bad(v->levels, CODES_EXERCISE_LEVEL);
}

static bool delivery_missing(const struct item_version *v)
{
    return v->delivery == 0;
}

static bool delivery_unknown(const struct item_version *v)
{
    return is_mask_bad(v->delivery, CODES_DELIVERY);
}

/* RULE: SPEC §2 limits in working days are positive; an instant item may
 * promise 0 (decided on the spot) */
static bool legal_not_positive(const struct item_version *v)
{
    return v->legal_limit_days <= 0;
}

static bool promised_not_positive(const struct item_version *v)
{
    return v->kind == CASE_KIND_INSTANT ? v->promised_limit_days < 0 : v->promised_limit_days <= 0;
}

/* RULE: issue 3 promised limit ≤ legal limit */
static bool promised_over_legal(const struct item_version *v)
{
    return v->legal_limit_days > 0 && v->promised_limit_days > v->legal_limit_days;
}

/* RULE: SPEC §2 promised > 50% of legal only with the safety/health/
 * environment/quality exemption. Over-legal is its own problem. */
static bool promised_over_half(const struct item_version *v)
{
    long long promised = v->promised_limit_days, legal = v->legal_limit_days;
    return !v->is_exempt && legal > 0 && promised <= legal &&
           promised * 100 > legal * COMPRESSION_MAX_PERCENT;
}

/* RULE: SPEC §2 procedure: at least one step */
static bool no_steps(const struct item_version *v)
{
    return v->n_steps == 0;
}

static bool too_many_steps(const struct item_version *v)
{
    return v->n_steps > ITEM_MAX_STEPS;
}

static bool too_many_materials(const struct item_version *v)
{
    return v->n_materials > ITEM_MAX_MATERIALS;
}

static bool too_many_specials(const struct item_version *v)
{
    return v->n_specials > ITEM_MAX_SPECIALS;
}

/* RULE: issue 3 即办件 need a step at authority level 1 (decided at the window) */
static bool instant_without_window_step(const struct item_version *v)
{
    if (v->kind != CASE_KIND_INSTANT || v->n_steps == 0)
        return false;
    for (size_t i = 0; i < v->n_steps; i++)
        if (v->steps[i].authority_level == AUTHORITY_LEVEL_MIN)
            return false;
    return true;
}

/* RULE: issue 3 即办件 need trips ≤ 1 */
static bool instant_too_many_trips(const struct item_version *v)
{
    return v->kind == CASE_KIND_INSTANT && v->trips == TRIPS_N;
}

/* RULE: issue 3 zero trips means the whole process is online (网上办, 不见面) */
static bool zero_trips_not_online(const struct item_version *v)
{
    return v->trips == TRIPS_0 && !v->is_online;
}

/* RULE: SPEC §2 一次办 means at most one trip */
static bool one_visit_too_many_trips(const struct item_version *v)
{
    return v->is_one_visit && v->trips == TRIPS_N;
}

/* RULE: SPEC §2 B class (容缺) needs at least one material allowed missing */
static bool class_b_without_missing(const struct item_version *v)
{
    if (v->item_class != ITEM_CLASS_B)
        return false;
    for (size_t i = 0; i < v->n_materials; i++)
        if (v->materials[i].allows_missing)
            return false;
    return true;
}

/* RULE: SPEC §2 fees: 零收费, or an amount in fen with its 收费依据 */
static bool fee_amount_invalid(const struct item_version *v)
{
    return v->is_free ? v->fee_fen != 0 : v->fee_fen <= 0;
}

static bool fee_basis_missing(const struct item_version *v)
{
    return !v->is_free && is_blank(v->fee_basis);
}

static const struct item_rule {
    const char *path;
    const char *code;
    const char *zh;
    const char *en;
    bool (*is_broken)(const struct item_version *v);
} item_rules[] = {
    {"name", "missing", "事项名称不能为空", "The item needs a name", name_missing},
    {"basic_code", "missing", "基本编码不能为空", "The basic code is required", basic_code_missing},
    {"basic_code", "too_long", "基本编码不能超过 12 个字符",
     "The basic code has at most 12 characters", basic_code_too_long},
    {"impl_code", "missing", "实施编码不能为空", "The implementation code is required",
     impl_code_missing},
    {"impl_code", "too_long", "实施编码不能超过 36 个字符",
     "The implementation code has at most 36 characters", impl_code_too_long},
    {"type", "unknown_code", "事项类型不在国家代码表中", "Unknown item type", type_unknown},
    {"audience", "missing", "至少选择一个服务对象", "Choose at least one service object",
     audience_missing},
    {"audience", "unknown_code", "服务对象不在代码表中", "Unknown service object",
     audience_unknown},
    {"levels", "missing", "至少选择一个行使层级", "Choose at least one exercise level",
     levels_missing},
    {"levels", "unknown_code", "行使层级不在代码表中", "Unknown exercise level", levels_unknown},
    {"power_source", "unknown_code", "权力来源不在代码表中", "Unknown power source",
     power_source_unknown},
    {"handling_mode", "unknown_code", "办理形式不在代码表中", "Unknown handling mode",
     handling_mode_unknown},
    {"kind", "unknown_code", "办件类型须为即办件或承诺件", "The kind is instant or promised",
     kind_unknown},
    {"item_class", "unknown_code", "事项须为 A 类或 B 类", "The class is A or B", class_unknown},
    {"trips", "unknown_code", "到现场次数须为 0、1 或 n", "Trips are 0, 1 or n", trips_unknown},
    {"delivery", "missing", "至少选择一种送达方式", "Choose at least one delivery option",
     delivery_missing},
    {"delivery", "unknown_code", "送达方式不在代码表中", "Unknown delivery option",
     delivery_unknown},
    {"legal_limit_days", "limit_not_positive", "法定时限须为正的工作日数",
     "The legal limit is a positive number of working days", legal_not_positive},
    {"promised_limit_days", "limit_not_positive", "承诺时限须为正的工作日数（即办件可为 0）",
     "The promised limit is a positive number of working days (0 for instant items)",
     promised_not_positive},
    {"promised_limit_days", "promised_over_legal", "承诺时限不能超过法定时限",
     "The promised limit may not exceed the legal limit", promised_over_legal},
    {"promised_limit_days", "promised_over_half",
     "承诺时限超过法定时限的 50%，仅安全、健康、环境、质量类事项可以",
     "A promised limit over 50% of the legal limit needs the safety/health/environment/"
     "quality exemption",
     promised_over_half},
    {"trips", "instant_too_many_trips", "即办件最多跑一次", "Instant items need at most one trip",
     instant_too_many_trips},
    {"trips", "zero_trips_not_online", "零跑动事项须全程网办", "Zero trips needs online handling",
     zero_trips_not_online},
    {"is_one_visit", "one_visit_too_many_trips", "一次办事项到现场次数不能为 n",
     "A one-visit item cannot need several trips", one_visit_too_many_trips},
    {"item_class", "class_b_without_missing", "B 类事项须至少有一项可容缺的材料",
     "A class B item needs at least one material that may be missing", class_b_without_missing},
    {"fee.amount_fen", "fee_amount_invalid", "收费事项须填写金额，零收费事项金额须为 0",
     "A charged item needs an amount; a free item has none", fee_amount_invalid},
    {"fee.basis", "fee_basis_missing", "收费事项须写明收费依据",
     "A charged item needs its legal basis", fee_basis_missing},
    {"materials", "too_many", "申请材料过多", "Too many materials", too_many_materials},
    {"steps", "no_steps", "至少需要一个办理环节", "The item needs at least one step", no_steps},
    {"steps", "too_many", "办理环节过多", "Too many steps", too_many_steps},
    {"steps", "instant_without_window_step", "即办件须有一个由窗口人员（一级权限）完成的环节",
     "An instant item needs a step at authority level 1 (window staff)",
     instant_without_window_step},
    {"special_procedures", "too_many", "特别程序过多", "Too many special procedures",
     too_many_specials},
};

/* ---- material rules ------------------------------------------------------------------ */

static bool material_name_missing(const struct item_version *v, const struct item_material *m,
                                  const struct proof_list *p)
{
    (void)v, (void)p;
    return is_blank(m->name);
}

static bool material_name_too_long(const struct item_version *v, const struct item_material *m,
                                   const struct proof_list *p)
{
    (void)v, (void)p;
    return !is_blank(m->name) && strlen(m->name) > MATERIAL_NAME_MAX_BYTES;
}

static bool material_catch_all(const struct item_version *v, const struct item_material *m,
                               const struct proof_list *p)
{
    (void)v, (void)p;
    return material_name_is_catch_all(m->name);
}

static bool material_source_unknown(const struct item_version *v, const struct item_material *m,
                                    const struct proof_list *p)
{
    (void)v, (void)p;
    return !catalog_code_by_value(CODES_MATERIAL_SOURCE, (int)m->source);
}

static bool material_form_unknown(const struct item_version *v, const struct item_material *m,
                                  const struct proof_list *p)
{
    (void)v, (void)p;
    return !catalog_code_by_value(CODES_MATERIAL_FORM, (int)m->form);
}

/* RULE: SPEC §16 materials carry the number of paper copies */
static bool material_copies_invalid(const struct item_version *v, const struct item_material *m,
                                    const struct proof_list *p)
{
    (void)v, (void)p;
    if (m->form == FORM_ELECTRONIC)
        return m->copies != 0;
    return m->copies < 1 || m->copies > MATERIAL_MAX_COPIES;
}

/* RULE: SPEC §2 a licence-sourced material names its licence type */
static bool material_licence_type_missing(const struct item_version *v,
                                          const struct item_material *m, const struct proof_list *p)
{
    (void)v, (void)p;
    return m->source == SOURCE_LICENCE && is_blank(m->licence_type);
}

/* RULE: SPEC §2 证明事项清单 "目录外无证明": a proof must be on the list */
static bool material_proof_not_on_list(const struct item_version *v, const struct item_material *m,
                                       const struct proof_list *p)
{
    (void)v;
    return m->is_proof && !proof_list_find(p, m->proof_code);
}

/* RULE: SPEC §2 A class: no material may be missing at acceptance */
static bool material_class_a_missing(const struct item_version *v, const struct item_material *m,
                                     const struct proof_list *p)
{
    (void)p;
    return v->item_class == ITEM_CLASS_A && m->allows_missing;
}

/* RULE: 国办发〔2020〕42号 no 告知承诺 for high-risk items (national security,
 * public safety, ecology, health) */
static bool material_commitment_high_risk(const struct item_version *v,
                                          const struct item_material *m, const struct proof_list *p)
{
    (void)p;
    return v->is_high_risk && m->allows_commitment;
}

static const struct material_rule {
    const char *field;
    const char *code;
    const char *zh;
    const char *en;
    bool (*is_broken)(const struct item_version *v, const struct item_material *m,
                      const struct proof_list *p);
} material_rules[] = {
    {"name", "missing", "材料名称不能为空", "The material needs a name", material_name_missing},
    {"name", "too_long", "材料名称过长", "The material name is too long", material_name_too_long},
    {"name", "catch_all_material", "不得设置“其他材料”“有关材料”等兜底材料，请写明具体材料",
     "Catch-all materials (\"other materials\") are not allowed; name the document",
     material_catch_all},
    {"source", "unknown_code", "材料来源渠道不在代码表中", "Unknown material source",
     material_source_unknown},
    {"form", "unknown_code", "材料形式须为纸质、电子或两者",
     "The form is paper, electronic or both", material_form_unknown},
    {"copies", "copies_invalid", "纸质材料份数须为 1 至 20，纯电子材料为 0",
     "Paper materials need 1 to 20 copies; electronic-only materials none",
     material_copies_invalid},
    {"licence_type", "licence_type_missing", "来源为电子证照的材料须指明证照类型",
     "A licence-sourced material names its licence type", material_licence_type_missing},
    {"proof_code", "proof_not_on_list", "证明材料不在证明事项清单中（目录外无证明）",
     "A proof must be on the proof list (no proof outside the list)", material_proof_not_on_list},
    {"allows_missing", "class_a_allows_missing", "A 类事项的材料不能容缺",
     "Class A items allow no missing material", material_class_a_missing},
    {"allows_commitment", "commitment_on_high_risk",
     "涉及国家安全、公共安全、生态环境、人身健康等高风险事项不适用告知承诺",
     "High-risk items (security, safety, ecology, health) allow no written commitment",
     material_commitment_high_risk},
};

/* ---- step and special-procedure rules ------------------------------------------------ */

static bool step_name_missing(const struct item_version *v, const struct item_step *s)
{
    (void)v;
    return is_blank(s->name);
}

/* RULE: GLOSSARY 审批权限 four levels: window staff .. joint meeting */
static bool step_level_invalid(const struct item_version *v, const struct item_step *s)
{
    (void)v;
    return s->authority_level < AUTHORITY_LEVEL_MIN || s->authority_level > AUTHORITY_LEVEL_MAX;
}

/* RULE: SPEC §2 each step has a time limit; on-the-spot steps of instant
 * items may have 0 */
static bool step_limit_not_positive(const struct item_version *v, const struct item_step *s)
{
    return v->kind == CASE_KIND_INSTANT ? s->limit_days < 0 : s->limit_days <= 0;
}

static const struct step_rule {
    const char *field;
    const char *code;
    const char *zh;
    const char *en;
    bool (*is_broken)(const struct item_version *v, const struct item_step *s);
} step_rules[] = {
    {"name", "missing", "环节名称不能为空", "The step needs a name", step_name_missing},
    {"authority_level", "authority_level_invalid", "审批权限须为 1 至 4 级",
     "The authority level is 1 to 4", step_level_invalid},
    {"limit_days", "limit_not_positive", "环节时限须为正的工作日数",
     "The step limit is a positive number of working days", step_limit_not_positive},
};

static bool special_kind_unknown(const struct item_special *s)
{
    return !catalog_code_by_value(CODES_SPECIAL_PROCEDURE, (int)s->kind);
}

/* RULE: 行政许可法 §45 special procedures have their own limit, not counted */
static bool special_limit_not_positive(const struct item_special *s)
{
    return s->limit_days <= 0;
}

static const struct special_rule {
    const char *field;
    const char *code;
    const char *zh;
    const char *en;
    bool (*is_broken)(const struct item_special *s);
} special_rules[] = {
    {"kind", "unknown_code", "特别程序种类不在代码表中", "Unknown special procedure",
     special_kind_unknown},
    {"limit_days", "limit_not_positive", "特别程序时限须为正的工作日数",
     "A special procedure needs a positive limit in working days", special_limit_not_positive},
};

/* ---- the walker ------------------------------------------------------------------------ */

struct sink {
    struct item_problem *out;
    size_t cap;
    size_t n;
};

static void report(struct sink *s, const char *array, size_t index, const char *field,
                   const char *code, const char *zh, const char *en)
{
    if (s->n < s->cap) {
        struct item_problem *p = &s->out[s->n];
        if (array)
            snprintf(p->path, sizeof(p->path), "%s[%zu].%s", array, index, field);
        else
            snprintf(p->path, sizeof(p->path), "%s", field);
        p->code = code;
        p->message_zh = zh;
        p->message_en = en;
    }
    s->n++;
}

int item_validate(const struct item_version *v, const struct proof_list *proofs,
                  struct item_problem *out, size_t cap, size_t *n)
{
    assert(v && n && (out || cap == 0));
    assert(v->n_materials == 0 || v->materials);
    assert(v->n_steps == 0 || v->steps);
    assert(v->n_specials == 0 || v->specials);
    struct sink s = {out, cap, 0};

    for (size_t r = 0; r < COUNT(item_rules); r++)
        if (item_rules[r].is_broken(v))
            report(&s, NULL, 0, item_rules[r].path, item_rules[r].code, item_rules[r].zh,
                   item_rules[r].en);
    for (size_t i = 0; i < v->n_materials; i++)
        for (size_t r = 0; r < COUNT(material_rules); r++)
            if (material_rules[r].is_broken(v, &v->materials[i], proofs))
                report(&s, "materials", i, material_rules[r].field, material_rules[r].code,
                       material_rules[r].zh, material_rules[r].en);
    for (size_t i = 0; i < v->n_steps; i++)
        for (size_t r = 0; r < COUNT(step_rules); r++)
            if (step_rules[r].is_broken(v, &v->steps[i]))
                report(&s, "steps", i, step_rules[r].field, step_rules[r].code, step_rules[r].zh,
                       step_rules[r].en);
    for (size_t i = 0; i < v->n_specials; i++)
        for (size_t r = 0; r < COUNT(special_rules); r++)
            if (special_rules[r].is_broken(&v->specials[i]))
                report(&s, "special_procedures", i, special_rules[r].field, special_rules[r].code,
                       special_rules[r].zh, special_rules[r].en);

    *n = s.n;
    return s.n ? TB_ERR_INVALID : TB_OK;
}

static size_t add_code(const char **out, size_t cap, size_t n, const char *code)
{
    for (size_t i = 0; i < n && i < cap; i++)
        if (strcmp(out[i], code) == 0)
            return n;
    if (n < cap)
        out[n] = code;
    return n + 1;
}

size_t item_problem_codes(const char **out, size_t cap)
{
    size_t n = 0;
    for (size_t r = 0; r < COUNT(item_rules); r++)
        n = add_code(out, cap, n, item_rules[r].code);
    for (size_t r = 0; r < COUNT(material_rules); r++)
        n = add_code(out, cap, n, material_rules[r].code);
    for (size_t r = 0; r < COUNT(step_rules); r++)
        n = add_code(out, cap, n, step_rules[r].code);
    for (size_t r = 0; r < COUNT(special_rules); r++)
        n = add_code(out, cap, n, special_rules[r].code);
    return n;
}

/* ---- catalogue KPIs ----------------------------------------------------------------------- */

void catalog_kpis_compute(const struct item_version *items, size_t n, struct catalog_kpis *out)
{
    assert(out && (items || n == 0));
    memset(out, 0, sizeof(*out));
    double ratio_sum = 0;
    for (size_t i = 0; i < n; i++) {
        const struct item_version *v = &items[i];
        out->items++;
        if (v->trips == TRIPS_0 || v->trips == TRIPS_1)
            out->at_most_one_trip++;
        if (v->is_online)
            out->online++;
        if (v->legal_limit_days > 0) {
            out->with_legal_limit++;
            ratio_sum += (double)v->promised_limit_days / v->legal_limit_days;
            /* RULE: SPEC §2 compression target, the same test as validation */
            if (!v->is_exempt && (long long)v->promised_limit_days * 100 >
                                     (long long)v->legal_limit_days * COMPRESSION_MAX_PERCENT)
                out->over_half++;
        }
    }
    if (out->items) {
        out->share_at_most_one_trip = (double)out->at_most_one_trip / (double)out->items;
        out->share_online = (double)out->online / (double)out->items;
        out->meets_one_trip_goal =
            out->at_most_one_trip * 100 >= out->items * KPI_GOAL_ONE_TRIP_PERCENT;
        out->meets_online_goal = out->online * 100 >= out->items * KPI_GOAL_ONLINE_PERCENT;
    }
    if (out->with_legal_limit)
        out->mean_promised_ratio = ratio_sum / (double)out->with_legal_limit;
}
