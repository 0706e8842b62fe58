/*
 * catalog.h - the service-item catalogue (事项目录, 实施清单): code tables,
 * the shape of an item version as the rules see it, its validation and the
 * catalogue KPIs. Everything here is pure (rules.c): no SQL, no HTTP.
 *
 * Codes. Every classification is a table of rows {value, code, zh, en}; the
 * database and the API store and exchange `code`, C code uses `value`.
 *  - National codes as SPEC §16 gives them: item type ("01".."10", "20"),
 *    service object ("1".."5", "9"), power source ("1".."6").
 *  - Codes we chose, in the order the national platform lists the terms,
 *    and fixed from now on: exercise level "1" 国家 .. "6" 村(社区); handling
 *    mode "1" 自办件 .. "4" 转报件; case kind "1" 即办件, "2" 承诺件.
 *  - Platform enumerations without a national code use the GLOSSARY words:
 *    material source ("applicant", "licence", "shared", "department"),
 *    proof provision, special procedure, delivery, trips ("0", "1", "n"),
 *    class ("A", "B"), material form ("paper", "electronic", "both").
 * Sets (audience, levels, delivery) are bit masks of CODE_BIT(value).
 *
 * Validation reports every problem at once, each with a field path, a
 * stable code and a message in both languages, so that a form, an import
 * and the admin page can show them all (行政许可法 §32 spirit: one notice).
 */
#ifndef TB_CATALOG_H
#define TB_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- code tables ------------------------------------------------------------ */

#define CODE_BIT(value) (1u << (value))

enum catalog_code_table {
    CODES_ITEM_TYPE,
    CODES_SERVICE_OBJECT,
    CODES_EXERCISE_LEVEL,
    CODES_POWER_SOURCE,
    CODES_HANDLING_MODE,
    CODES_CASE_KIND,
    CODES_ITEM_CLASS,
    CODES_MATERIAL_SOURCE,
    CODES_MATERIAL_FORM,
    CODES_PROOF_PROVISION,
    CODES_SPECIAL_PROCEDURE,
    CODES_DELIVERY,
    CODES_TRIPS,
    CODES__COUNT
};

struct catalog_code {
    int value;        /* the enum value below */
    const char *code; /* stored and exchanged */
    const char *name_zh;
    const char *name_en;
};

/* The rows of table t (static, never freed); *n gets their number. */
const struct catalog_code *catalog_codes(enum catalog_code_table t, size_t *n);
/* The table's name for paths and the API ("item_type"). */
const char *catalog_codes_name(enum catalog_code_table t);
/* The row with that code or value, NULL when there is none. */
const struct catalog_code *catalog_code_by_code(enum catalog_code_table t, const char *code);
const struct catalog_code *catalog_code_by_value(enum catalog_code_table t, int value);
/* code -> value: TB_OK, or TB_ERR_INVALID for an unknown code. */
int catalog_code_parse(enum catalog_code_table t, const char *code, int *value);
/* OR of CODE_BIT(value) over the table: the valid bits of a set. */
unsigned catalog_codes_mask(enum catalog_code_table t);

/* 事项类型, national codes (SPEC §16) */
enum item_type {
    ITEM_TYPE_LICENSING = 1,      /* 01 行政许可 */
    ITEM_TYPE_PENALTY = 2,        /* 02 行政处罚 */
    ITEM_TYPE_COERCION = 3,       /* 03 行政强制 */
    ITEM_TYPE_LEVY = 4,           /* 04 行政征收 */
    ITEM_TYPE_BENEFIT = 5,        /* 05 行政给付 */
    ITEM_TYPE_INSPECTION = 6,     /* 06 行政检查 */
    ITEM_TYPE_CONFIRMATION = 7,   /* 07 行政确认 */
    ITEM_TYPE_REWARD = 8,         /* 08 行政奖励 */
    ITEM_TYPE_ADJUDICATION = 9,   /* 09 行政裁决 */
    ITEM_TYPE_OTHER_POWER = 10,   /* 10 其他行政权力 */
    ITEM_TYPE_PUBLIC_SERVICE = 20 /* 20 公共服务 */
};

/* 服务对象, national codes; an item's audience is a set */
enum service_object {
    SERVICE_OBJECT_PERSON = 1,         /* 自然人 */
    SERVICE_OBJECT_ENTERPRISE = 2,     /* 企业法人 */
    SERVICE_OBJECT_INSTITUTION = 3,    /* 事业法人 */
    SERVICE_OBJECT_SOCIAL_ORG = 4,     /* 社会组织法人 */
    SERVICE_OBJECT_UNINCORPORATED = 5, /* 非法人企业 */
    SERVICE_OBJECT_OTHER = 9           /* 其他组织 */
};

/* 行使层级, our codes; an item's levels are a set */
enum exercise_level {
    LEVEL_NATIONAL = 1, /* 国家 */
    LEVEL_PROVINCE = 2, /* 省 */
    LEVEL_CITY = 3,     /* 市 */
    LEVEL_COUNTY = 4,   /* 县 */
    LEVEL_TOWNSHIP = 5, /* 乡镇(街道) */
    LEVEL_VILLAGE = 6   /* 村(社区) */
};

/* 权力来源, national codes */
enum power_source {
    POWER_STATUTORY = 1,              /* 法定本级行使 */
    POWER_DEVOLVED = 2,               /* 上级下放 */
    POWER_AUTHORISED_BY_SUPERIOR = 3, /* 上级授权 */
    POWER_AUTHORISED_BY_PEER = 4,     /* 同级授权 */
    POWER_ENTRUSTED_BY_SUPERIOR = 5,  /* 上级委托 */
    POWER_ENTRUSTED_BY_PEER = 6       /* 同级委托 */
};

/* 办理形式, our codes */
enum handling_mode {
    HANDLING_SELF = 1,         /* 自办件 */
    HANDLING_FIRST_REVIEW = 2, /* 初审件 */
    HANDLING_JOINT = 3,        /* 联办件 */
    HANDLING_FORWARDED = 4     /* 转报件 */
};

/* 办件类型, our codes */
enum case_kind {
    CASE_KIND_INSTANT = 1, /* 即办件 */
    CASE_KIND_PROMISED = 2 /* 承诺件 */
};

enum item_class {
    ITEM_CLASS_A = 1, /* no material may be missing at acceptance */
    ITEM_CLASS_B = 2  /* 容缺受理 allowed */
};

/* 来源渠道 of a material */
enum material_source {
    SOURCE_APPLICANT = 1, /* 申请人提供 */
    SOURCE_LICENCE = 2,   /* 电子证照 */
    SOURCE_SHARED = 3,    /* 共享获取 */
    SOURCE_DEPARTMENT = 4 /* 部门自行产生 */
};

enum material_form {
    FORM_PAPER = 1,      /* 纸质 */
    FORM_ELECTRONIC = 2, /* 电子 */
    FORM_BOTH = 3        /* 纸质和电子 */
};

/* How a case gave a material (per case, SPEC §16) */
enum proof_provision {
    PROVISION_SUBMITTED = 1,  /* 提交 */
    PROVISION_LICENCE = 2,    /* 电子证照 */
    PROVISION_SHARED = 3,     /* 共享获取 */
    PROVISION_COMMITMENT = 4, /* 告知承诺 */
    PROVISION_MISSING = 5     /* 容缺 */
};

/* 特别程序: 行政许可法 §45 lists 听证, 招标, 拍卖, 检验, 检测, 检疫, 鉴定,
 * 专家评审; SPEC §2 adds 现场勘查 and 公示. None counts in the limit. */
enum special_procedure {
    SPECIAL_SITE_SURVEY = 1,   /* 现场勘查 */
    SPECIAL_TESTING = 2,       /* 检验检测 */
    SPECIAL_EXPERT_REVIEW = 3, /* 专家评审 */
    SPECIAL_HEARING = 4,       /* 听证 */
    SPECIAL_PUBLICATION = 5,   /* 公示 */
    SPECIAL_TENDER = 6,        /* 招标 */
    SPECIAL_AUCTION = 7,       /* 拍卖 */
    SPECIAL_QUARANTINE = 8,    /* 检疫 */
    SPECIAL_APPRAISAL = 9      /* 鉴定 */
};

/* 送达方式; an item's delivery options are a set */
enum delivery {
    DELIVERY_WINDOW = 1,    /* 窗口领取 */
    DELIVERY_POST = 2,      /* 邮寄送达 */
    DELIVERY_ELECTRONIC = 3 /* 电子送达 */
};

/* 到现场次数 */
enum trips { TRIPS_0 = 0, TRIPS_1 = 1, TRIPS_N = 2 };

/* ---- item versions ------------------------------------------------------------ */

/* Limits of an item version (SPEC §16 codes; storage limits of ours). */
#define ITEM_BASIC_CODE_MAX_CHARS 12
#define ITEM_IMPL_CODE_MAX_CHARS  36
#define ITEM_MAX_MATERIALS        100
#define ITEM_MAX_STEPS            20
#define ITEM_MAX_SPECIALS         10
#define MATERIAL_NAME_MAX_BYTES   600 /* 200 CJK characters */
#define MATERIAL_MAX_COPIES       20
#define AUTHORITY_LEVEL_MIN       1  /* window staff */
#define AUTHORITY_LEVEL_MAX       4  /* joint meeting */
#define COMPRESSION_MAX_PERCENT   50 /* promised <= 50% of legal (SPEC §2) */

struct item_material {
    const char *name;
    bool is_required;
    int copies; /* paper copies; 0 when electronic only */
    enum material_form form;
    enum material_source source;
    const char *licence_type; /* licence-type code when source is SOURCE_LICENCE */
    bool allows_missing;      /* 容缺 */
    bool allows_commitment;   /* 告知承诺 may replace it */
    bool is_proof;            /* a proof (证明) issued by another body */
    const char *proof_code;   /* its entry on the proof list when is_proof */
};

struct item_step {
    const char *name;    /* 受理, 审查, 决定 ... */
    int authority_level; /* AUTHORITY_LEVEL_MIN..MAX */
    int limit_days;      /* working days; 0 allowed for instant items */
};

struct item_special {
    enum special_procedure kind;
    int limit_days; /* working days, not counted in the item's limit */
};

/* One 实施清单 version as the rules need it. All pointers are borrowed: the
 * caller (a request arena, a test) owns the strings and arrays. */
struct item_version {
    const char *name;
    const char *basic_code; /* 基本编码, <= 12 characters */
    const char *impl_code;  /* 实施编码, <= 36 characters */
    enum item_type type;
    unsigned audience; /* CODE_BIT(enum service_object) */
    unsigned levels;   /* CODE_BIT(enum exercise_level) */
    enum power_source power_source;
    enum handling_mode handling_mode;
    int legal_limit_days;    /* 法定时限, working days */
    int promised_limit_days; /* 承诺时限, working days; 0 allowed for instant items */
    bool is_exempt;          /* safety/health/environment/quality: may exceed 50% */
    bool is_high_risk;       /* 国办发〔2020〕42号: no 告知承诺 */
    enum case_kind kind;
    enum item_class item_class;
    enum trips trips;
    unsigned delivery; /* CODE_BIT(enum delivery) */
    bool is_free;      /* 零收费 */
    int64_t fee_fen;   /* amount when not free */
    const char *fee_basis;
    const struct item_material *materials;
    size_t n_materials;
    const struct item_step *steps;
    size_t n_steps;
    const struct item_special *specials;
    size_t n_specials;
    bool is_immediate; /* 马上办 */
    bool is_online;    /* 网上办 (全程网办, 不见面) */
    bool is_nearby;    /* 就近办 */
    bool is_one_visit; /* 一次办 */
};

/* 证明事项清单: the only proofs an item may ask for ("目录外无证明"). */
struct proof_entry {
    const char *code;
    const char *name;
};

struct proof_list {
    const struct proof_entry *entries; /* borrowed */
    size_t n;
};

/* The entry with that code, NULL when the list (which may be NULL: an empty
 * list) has none. */
const struct proof_entry *proof_list_find(const struct proof_list *l, const char *code);

#define ITEM_PROBLEM_PATH_MAX 64 /* "special_procedures[<20 digits>].authority_level" fits */

struct item_problem {
    char path[ITEM_PROBLEM_PATH_MAX]; /* "materials[2].name" */
    const char *code;                 /* stable, snake_case: "promised_over_legal" */
    const char *message_zh;           /* static */
    const char *message_en;           /* static */
};

/* Checks v against every catalogue rule. Writes the first cap problems to
 * out and the number found (which may exceed cap) to *n. Returns TB_OK when
 * there is none, else TB_ERR_INVALID. proofs may be NULL (an empty list). */
int item_validate(const struct item_version *v, const struct proof_list *proofs,
                  struct item_problem *out, size_t cap, size_t *n);

/* The distinct problem codes item_validate can report (static strings), so
 * that tests and docs can check each has a case. Returns their number. */
size_t item_problem_codes(const char **out, size_t cap);

/* True when a material name is a catch-all ("其他材料", "有关材料", "...等")
 * after whitespace and full-width forms are normalised. */
bool material_name_is_catch_all(const char *name);

/* ---- catalogue KPIs --------------------------------------------------------------- */

#define KPI_GOAL_ONE_TRIP_PERCENT 80 /* 最多跑一次 (SPEC §2) */
#define KPI_GOAL_ONLINE_PERCENT   80 /* 网上办 (SPEC §2) */

struct catalog_kpis {
    size_t items;
    size_t at_most_one_trip;       /* trips 0 or 1 */
    size_t online;                 /* is_online */
    size_t over_half;              /* promised > 50% of legal without the exemption */
    size_t with_legal_limit;       /* items in the ratio mean (legal limit > 0) */
    double share_at_most_one_trip; /* 0..1; 0 for an empty catalogue */
    double share_online;
    double mean_promised_ratio; /* mean of promised/legal */
    bool meets_one_trip_goal;
    bool meets_online_goal;
};

/* The KPIs over items[0..n) (one department's or the whole catalogue). */
void catalog_kpis_compute(const struct item_version *items, size_t n, struct catalog_kpis *out);

/* ---- the item document (docs/catalogue.md) ------------------------------------------ */

#include <jansson.h>

struct tb_arena;

/* Problems found so far; add with item_problems_add, which drops a repeat of
 * the same path and code and counts (but does not keep) those over cap. */
struct item_problems {
    struct item_problem *out;
    size_t cap;
    size_t n;
};

void item_problems_add(struct item_problems *p, const char *path, const char *code, const char *zh,
                       const char *en);
/* The problems kept as the API's `errors` array: [{"path","code","zh","en"}]
 * (a new array; NULL only when memory runs out). */
json_t *item_problems_json(const struct item_problems *p);

/* An item document read and checked. canon is the canonical document: the
 * documented keys in the documented order, every default filled in, so that
 * equal items have equal bytes. v, org_code and the arrays borrow from canon
 * and from the arena passed to item_doc_read. */
struct item_doc {
    json_t *canon; /* owned: json_decref when done */
    struct item_version v;
    const char *org_code;
    const char *conditions;
    const char **topics;
    size_t n_topics;
    const char **intermediaries;
    size_t n_intermediaries;
};

/* Reads in (any JSON value) as an item document: checks its shape (unknown
 * keys, types, lengths, codes) and then every catalogue rule (item_validate)
 * against proofs, reporting each problem to p. Fills d on TB_OK; on
 * TB_ERR_INVALID d->canon is NULL. TB_ERR_NOMEM when memory runs out. */
int item_doc_read(const json_t *in, const struct proof_list *proofs, struct tb_arena *a,
                  struct item_doc *d, struct item_problems *p);

/* The top-level keys whose values differ between two canonical documents
 * (a new JSON array; NULL only when memory runs out). old may be NULL. */
json_t *item_doc_changed(const json_t *old, const json_t *cur);

/* True for an item status: "draft", "published", "suspended", "cancelled". */
bool item_status_known(const char *s);

/* The material names, one per line (arena-allocated; NULL without memory). */
const char *item_doc_material_names(const struct item_doc *d, struct tb_arena *a);

/* ---- the application form (一表申请, src/catalog/form.c) ------------------------------ */

/* Limits of an item's form definition (docs/catalogue.md, "Form"). */
#define FORM_MAX_FIELDS             60
#define FORM_KEY_MAX_CHARS          40 /* [a-z][a-z0-9_]{0,39} */
#define FORM_LABEL_MAX_CHARS        40
#define FORM_HELP_MAX_CHARS         200
#define FORM_TEXT_DEFAULT_MAX_CHARS 200  /* max_length when absent */
#define FORM_TEXT_MAX_CHARS         4000 /* largest max_length */
#define FORM_MAX_OPTIONS            50
#define FORM_OPTION_MAX_CHARS       40
#define FORM_NUMBER_LIMIT           1000000000000000LL /* |min|, |max|, values: 10^15 */
#define FORM_EMAIL_MAX_CHARS        100

/* The field types and prefill sources, NULL-terminated, for the document's
 * field table (doc.c); the prefill words start with "" (none). */
extern const char *const form_type_words[];
extern const char *const form_prefill_words[];

/* The form-specific checks of a form definition that doc.c's walker has
 * already read: in is the document's "form" value as given (any JSON value
 * or NULL), canon its canonical copy ({"fields":[...]}, every sub-key
 * present), whose defaults for max_length, min and max this fills in.
 * Reports each problem to p with paths "form.fields[i].<key>". Returns
 * TB_OK, TB_ERR_INVALID when it reported a problem, TB_ERR_NOMEM. */
int form_definition_check(const json_t *in, json_t *canon, struct item_problems *p);

/* Checks an application's values ({key: value}) against a canonical form:
 * unknown keys, required fields, each value by its field's type. Reports
 * every fault to p with path "values.<key>". Returns TB_OK or
 * TB_ERR_INVALID. The id_number check uses today's date (Asia/Shanghai) for
 * the "born in the future" rule. */
int form_validate_values(const json_t *form, const json_t *values, struct item_problems *p);

/* The account data a form may be prefilled from; any pointer may be NULL
 * (borrowed, not kept). */
struct form_applicant {
    const char *name;
    const char *id_number;
    const char *phone;
    const char *credit_code;
    const char *legal_rep;
};

/* {key: value} for every field of form whose prefill source is set in a (a
 * new object the caller json_decrefs; NULL only when memory runs out). */
json_t *form_prefill(const json_t *form, const struct form_applicant *a);

#endif
