/*
 * identifiers.c - validation, normalisation and masking of 公民身份号码,
 * 统一社会信用代码 and phone numbers.
 *
 * Both identifiers end in a check character, so a mistyped number is
 * refused at the form or the window, with the reason and the position of
 * the fault, instead of failing weeks later at real-name verification or a
 * registry lookup. The checks run in a fixed order, cheapest and most
 * specific first (length, characters, fields, dates, check characters), so
 * each input has exactly one reason and the same input always the same one.
 *
 * Rules are tables: the reasons with their messages, the province codes,
 * the registration authorities with their organisation types, the check
 * weights, the mask widths. A new province or organisation type is a new
 * row. Each rule carries a RULE tag naming its source; the unit tests in
 * tests/unit/test_identifiers.c carry the same tags.
 *
 * The functions take a length and never read past it or depend on a NUL,
 * because they see raw request bytes before any other parsing;
 * tests/fuzz/fuzz_identifiers.c holds them to that. Real registries hold
 * some numbers that fail these checks (SPEC §16); the administrator's
 * reasoned override lives with the account, not here.
 */
#include "accounts/identifiers.h"

#include "lib/err.h"

#include <assert.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Reasons
 * ------------------------------------------------------------------------ */

struct reason_row {
    enum ident_reason reason;
    const char *code;
    const char *zh;
    const char *en;
};

/* Indexed by enum ident_reason; ident_reason_row asserts the order. */
static const struct reason_row reason_table[] = {
    {IDENT_OK, "ok", "号码有效", "The number is valid"},
    {IDENT_EMPTY, "empty", "请填写号码", "Please enter the number"},
    {IDENT_WRONG_LENGTH, "wrong_length", "号码应为18位", "The number must have 18 characters"},
    {IDENT_OLD_15_DIGIT, "old_15_digit", "不受理15位旧身份证号码，请填写18位公民身份号码",
     "Old 15-digit ID numbers are not accepted; please enter the 18-character number"},
    {IDENT_BAD_CHARACTER, "bad_character", "号码中有不允许的字符",
     "The number contains a character that is not allowed"},
    {IDENT_BAD_REGION, "bad_region", "号码中的行政区划代码无效",
     "The region code in the number is not valid"},
    {IDENT_BAD_BIRTH_DATE, "bad_birth_date", "号码中的出生日期不是有效日期",
     "The birth date in the number is not a real date"},
    {IDENT_EARLY_BIRTH_DATE, "early_birth_date", "号码中的出生日期早于1900年",
     "The birth date in the number is before 1900"},
    {IDENT_FUTURE_BIRTH_DATE, "future_birth_date", "号码中的出生日期晚于今天",
     "The birth date in the number is in the future"},
    {IDENT_BAD_REGISTRATION_AUTHORITY, "bad_registration_authority", "第1位登记管理部门代码无效",
     "The registration authority code (character 1) is not valid"},
    {IDENT_BAD_ORG_TYPE, "bad_org_type", "第2位机构类别代码与登记管理部门不符",
     "The organisation type code (character 2) is not valid for its registration authority"},
    {IDENT_BAD_ORG_CODE_CHECK, "bad_org_code_check", "第9至17位组织机构代码校验不通过，请核对",
     "The organisation code (characters 9 to 17) fails its check; please check it"},
    {IDENT_BAD_CHECK_DIGIT, "bad_check_digit", "校验位不符，请核对号码",
     "The check character does not match; please check the number"},
};

_Static_assert(sizeof reason_table / sizeof reason_table[0] == IDENT_REASON__COUNT,
               "one reason_table row per enum ident_reason");

static const struct reason_row reason_unknown = {IDENT_REASON__COUNT, "unknown", "号码无效",
                                                 "The number is not valid"};

static const struct reason_row *reason_row(enum ident_reason reason)
{
    if ((unsigned)reason >= IDENT_REASON__COUNT)
        return &reason_unknown;
    assert(reason_table[reason].reason == reason);
    return &reason_table[reason];
}

const char *ident_reason_code(enum ident_reason reason)
{
    return reason_row(reason)->code;
}

const char *ident_reason_zh(enum ident_reason reason)
{
    return reason_row(reason)->zh;
}

const char *ident_reason_en(enum ident_reason reason)
{
    return reason_row(reason)->en;
}

/* Fill *r; return the value the checkers return. */
static int verdict(struct ident_result *r, enum ident_reason reason, int position)
{
    r->is_valid = reason == IDENT_OK;
    r->reason = reason;
    r->position = position;
    return r->is_valid ? TB_OK : TB_ERR_INVALID;
}

/* ------------------------------------------------------------------------
 * Small byte helpers (ASCII only: never the locale's idea of a letter)
 * ------------------------------------------------------------------------ */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char ascii_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool is_alnum(char c)
{
    c = ascii_upper(c);
    return is_digit(c) || (c >= 'A' && c <= 'Z');
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

/* Value of n digits; the caller has checked they are digits and n <= 9. */
static int digits_value(const char *s, size_t n)
{
    int v = 0;

    assert(n <= 9);
    for (size_t i = 0; i < n; i++) {
        assert(is_digit(s[i]));
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* ------------------------------------------------------------------------
 * Calendar
 * ------------------------------------------------------------------------ */

static bool is_leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* RULE: GB 11643-1999 birth date code is a real calendar date */
static bool is_real_date(int yyyymmdd)
{
    static const int days_in_month[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = yyyymmdd / 10000, m = yyyymmdd / 100 % 100, d = yyyymmdd % 100;

    if (yyyymmdd < 0 || y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    if (m == 2 && is_leap_year(y))
        return d <= 29;
    return d <= days_in_month[m - 1];
}

/* ------------------------------------------------------------------------
 * 公民身份号码, GB 11643-1999
 *
 * 6 region digits (GB/T 2260), 8 birth-date digits YYYYMMDD, 3 sequence
 * digits (odd for men), 1 check character.
 * ------------------------------------------------------------------------ */

/* RULE: GB/T 2260 province codes (first two digits of a 公民身份号码) */
static const char provinces[][2] = {
    {'1', '1'}, /* 北京 */
    {'1', '2'}, /* 天津 */
    {'1', '3'}, /* 河北 */
    {'1', '4'}, /* 山西 */
    {'1', '5'}, /* 内蒙古 */
    {'2', '1'}, /* 辽宁 */
    {'2', '2'}, /* 吉林 */
    {'2', '3'}, /* 黑龙江 */
    {'3', '1'}, /* 上海 */
    {'3', '2'}, /* 江苏 */
    {'3', '3'}, /* 浙江 */
    {'3', '4'}, /* 安徽 */
    {'3', '5'}, /* 福建 */
    {'3', '6'}, /* 江西 */
    {'3', '7'}, /* 山东 */
    {'4', '1'}, /* 河南 */
    {'4', '2'}, /* 湖北 */
    {'4', '3'}, /* 湖南 */
    {'4', '4'}, /* 广东 */
    {'4', '5'}, /* 广西 */
    {'4', '6'}, /* 海南 */
    {'5', '0'}, /* 重庆 */
    {'5', '1'}, /* 四川 */
    {'5', '2'}, /* 贵州 */
    {'5', '3'}, /* 云南 */
    {'5', '4'}, /* 西藏 */
    {'6', '1'}, /* 陕西 */
    {'6', '2'}, /* 甘肃 */
    {'6', '3'}, /* 青海 */
    {'6', '4'}, /* 宁夏 */
    {'6', '5'}, /* 新疆 */
    {'7', '1'}, /* 台湾 */
    /* residence permits: 港澳居民居住证 810000 / 820000, 台湾居民居住证 830000 */
    {'8', '1'}, /* 香港 */
    {'8', '2'}, /* 澳门 */
    {'8', '3'}, /* 台湾居民居住证 */
};

static bool is_person_province(const char *s)
{
    for (size_t i = 0; i < sizeof provinces / sizeof provinces[0]; i++)
        if (s[0] == provinces[i][0] && s[1] == provinces[i][1])
            return true;
    return false;
}

/* RULE: GB 11643-1999 ISO 7064 MOD 11-2 check */
static const int person_weights[IDENT_PERSON_LEN - 1] = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                         3, 7, 9,  10, 5, 8, 4, 2};
static const char person_check_chars[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

/* The check character for 17 digits. */
static char person_check_char(const char *s)
{
    int sum = 0;

    for (size_t i = 0; i < IDENT_PERSON_LEN - 1; i++)
        sum += (s[i] - '0') * person_weights[i];
    return person_check_chars[sum % 11];
}

int ident_check_person(const char *s, size_t len, int today_yyyymmdd, struct ident_result *r)
{
    assert(r != NULL);
    assert(s != NULL || len == 0);
    assert(is_real_date(today_yyyymmdd));

    if (len == 0)
        return verdict(r, IDENT_EMPTY, 0);
    if (len != IDENT_PERSON_LEN) {
        /* RULE: platform policy, 18-character 公民身份号码 only */
        if (len == IDENT_PERSON_OLD_LEN && all_digits(s, len))
            return verdict(r, IDENT_OLD_15_DIGIT, 0);
        return verdict(r, IDENT_WRONG_LENGTH, 0);
    }
    for (size_t i = 0; i < IDENT_PERSON_LEN - 1; i++)
        if (!is_digit(s[i]))
            return verdict(r, IDENT_BAD_CHARACTER, (int)i + 1);
    if (!is_digit(s[17]) && ascii_upper(s[17]) != 'X')
        return verdict(r, IDENT_BAD_CHARACTER, 18);

    if (!is_person_province(s))
        return verdict(r, IDENT_BAD_REGION, 1);

    int birth = digits_value(s + 6, 8);
    if (!is_real_date(birth))
        return verdict(r, IDENT_BAD_BIRTH_DATE, 7);
    /* RULE: platform policy, birth date from 1900-01-01 to today */
    if (birth < IDENT_BIRTH_MIN)
        return verdict(r, IDENT_EARLY_BIRTH_DATE, 7);
    if (birth > today_yyyymmdd)
        return verdict(r, IDENT_FUTURE_BIRTH_DATE, 7);

    if (person_check_char(s) != ascii_upper(s[17]))
        return verdict(r, IDENT_BAD_CHECK_DIGIT, 18);
    return verdict(r, IDENT_OK, 0);
}

/* ------------------------------------------------------------------------
 * 统一社会信用代码, GB 32100-2015
 *
 * 1 registration authority, 1 organisation type, 6 region digits of the
 * registering office (GB/T 2260, 100000 for the central level), 9
 * characters GB 11714 organisation code (8 body + its own check), 1 check
 * character. Characters from 0-9 A-H J-N P Q R T U W X Y (no I O Z S V).
 * ------------------------------------------------------------------------ */

/* RULE: GB 32100-2015 character set and MOD 31 check */
static const char credit_charset[31] = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A',
                                        'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M',
                                        'N', 'P', 'Q', 'R', 'T', 'U', 'W', 'X', 'Y'};
static const int credit_weights[IDENT_ORG_LEN - 1] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                      29, 25, 13, 8,  24, 10, 30, 28};

/* Value 0..30 of an (uppercase) character, -1 outside the set. */
static int credit_value(char c)
{
    for (int v = 0; v < (int)sizeof credit_charset; v++)
        if (credit_charset[v] == c)
            return v;
    return -1;
}

/* The check character for 17 uppercase characters of the set. */
static char credit_check_char(const char *s)
{
    int sum = 0;

    for (size_t i = 0; i < IDENT_ORG_LEN - 1; i++) {
        int v = credit_value(ascii_upper(s[i]));
        assert(v >= 0);
        sum += v * credit_weights[i];
    }
    return credit_charset[(31 - sum % 31) % 31];
}

/* RULE: GB 32100-2015 registration authority and organisation type codes */
static const struct authority {
    char code;
    const char *types; /* organisation type codes valid under this authority */
} authorities[] = {
    {'1', "1239"}, /* 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他 */
    {'2', "19"},   /* 外交: 外国常驻新闻机构, 其他 */
    {'3', "123459"}, /* 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构,
                        仲裁委员会, 其他 */
    {'4', "19"},   /* 文化: 外国在华文化中心, 其他 */
    {'5', "1239"}, /* 民政: 社会团体, 民办非企业单位, 基金会, 其他 */
    {'6', "129"}, /* 旅游: 外国旅游部门常驻代表机构, 港澳台地区旅游部门常驻内地（大陆）
                     代表机构, 其他 */
    {'7', "129"},  /* 宗教: 宗教活动场所, 宗教院校, 其他 */
    {'8', "19"},   /* 工会: 基层工会, 其他 */
    {'9', "123"},  /* 工商: 企业, 个体工商户, 农民专业合作社 */
    {'A', "19"},   /* 中央军委改革和编制办公室: 军队事业单位, 其他 */
    {'N', "1239"}, /* 农业: 组级, 村级, 乡镇级集体经济组织, 其他 */
    {'Y', "1"},    /* 其他: 不再划分机构类别 */
};

static const struct authority *find_authority(char c)
{
    for (size_t i = 0; i < sizeof authorities / sizeof authorities[0]; i++)
        if (authorities[i].code == c)
            return &authorities[i];
    return NULL;
}

static bool is_org_type(const struct authority *a, char c)
{
    return memchr(a->types, c, strlen(a->types)) != NULL;
}

/* RULE: GB 11714-1997 organisation code check */
static const int org_code_weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};

/* The check character for the 8 body characters of an organisation code:
 * digits count 0-9, letters A-Z 10-35. */
static char org_code_check_char(const char *s)
{
    int sum = 0;

    for (size_t i = 0; i < 8; i++) {
        char c = ascii_upper(s[i]);
        int v = is_digit(c) ? c - '0' : c - 'A' + 10;
        assert(is_alnum(c));
        sum += v * org_code_weights[i];
    }
    int check = 11 - sum % 11;
    if (check == 10)
        return 'X';
    if (check == 11)
        return '0';
    return (char)('0' + check);
}

int ident_check_org(const char *s, size_t len, struct ident_result *r)
{
    assert(r != NULL);
    assert(s != NULL || len == 0);

    if (len == 0)
        return verdict(r, IDENT_EMPTY, 0);
    if (len != IDENT_ORG_LEN)
        return verdict(r, IDENT_WRONG_LENGTH, 0);
    for (size_t i = 0; i < IDENT_ORG_LEN; i++)
        if (credit_value(ascii_upper(s[i])) < 0)
            return verdict(r, IDENT_BAD_CHARACTER, (int)i + 1);

    const struct authority *a = find_authority(ascii_upper(s[0]));
    if (a == NULL)
        return verdict(r, IDENT_BAD_REGISTRATION_AUTHORITY, 1);
    if (!is_org_type(a, ascii_upper(s[1])))
        return verdict(r, IDENT_BAD_ORG_TYPE, 2);
    /* Only digits: the central level uses 100000 and old codes keep the
     * division table of their registration year, so no table lookup. */
    for (size_t i = 2; i < 8; i++)
        if (!is_digit(s[i]))
            return verdict(r, IDENT_BAD_REGION, (int)i + 1);

    /* The final check covers all 17 characters, so a typo anywhere reports
     * it; the embedded check then catches a code issued over a bad
     * organisation code. */
    if (credit_check_char(s) != ascii_upper(s[17]))
        return verdict(r, IDENT_BAD_CHECK_DIGIT, 18);
    if (org_code_check_char(s + 8) != ascii_upper(s[16]))
        return verdict(r, IDENT_BAD_ORG_CODE_CHECK, 17);
    return verdict(r, IDENT_OK, 0);
}

/* ------------------------------------------------------------------------
 * Normalising and masking
 * ------------------------------------------------------------------------ */

int ident_normalise(enum ident_kind kind, const char *s, size_t len, char *out, size_t outcap)
{
    assert(out != NULL || outcap == 0);
    assert(s != NULL || len == 0);

    if (outcap <= len) {
        if (outcap > 0)
            out[0] = '\0';
        return TB_ERR_TOO_LARGE;
    }
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (kind == IDENT_PERSON && c == 'x')
            c = 'X';
        else if (kind == IDENT_ORG)
            c = ascii_upper(c);
        out[i] = c;
    }
    out[len] = '\0';
    return TB_OK;
}

/* RULE: SPEC §16 identifiers shown masked, never the birth-date part.
 * First 3 and last 4: the last 4 are what people quote (尾号); 3 leading
 * digits name at most a province and part of a prefecture. A person
 * number's birth date is characters 7-14, inside the masked part. */
#define MASK_HEAD 3
#define MASK_TAIL 4
_Static_assert(MASK_HEAD <= 6 && MASK_TAIL <= IDENT_PERSON_LEN - 14,
               "a person mask must hide the birth date (characters 7-14)");
_Static_assert(IDENT_PERSON_LEN <= IDENT_MASK_MAX_LEN && IDENT_ORG_LEN <= IDENT_MASK_MAX_LEN,
               "a full-length mask fits IDENT_MASK_BUFSZ");

static const struct mask_rule {
    enum ident_kind kind;
    size_t len; /* only a value of this length shows anything */
    size_t head;
    size_t tail;
} mask_rules[] = {
    {IDENT_PERSON, IDENT_PERSON_LEN, MASK_HEAD, MASK_TAIL}, /* 110***********002X */
    {IDENT_ORG, IDENT_ORG_LEN, MASK_HEAD, MASK_TAIL},       /* 913***********0Y43 */
    {IDENT_PHONE, IDENT_PHONE_LEN, MASK_HEAD, MASK_TAIL},   /* 138****5678 */
};

static const struct mask_rule *find_mask_rule(enum ident_kind kind)
{
    for (size_t i = 0; i < sizeof mask_rules / sizeof mask_rules[0]; i++)
        if (mask_rules[i].kind == kind)
            return &mask_rules[i];
    return NULL;
}

/* Characters in the mask of a len-byte value. */
static size_t mask_len(size_t len)
{
    return len < IDENT_MASK_MAX_LEN ? len : IDENT_MASK_MAX_LEN;
}

int ident_mask(enum ident_kind kind, const char *s, size_t len, char *out, size_t outcap)
{
    const struct mask_rule *rule = find_mask_rule(kind);
    size_t n = mask_len(len);

    assert(out != NULL || outcap == 0);
    assert(s != NULL || len == 0);
    assert(rule != NULL);
    if (rule == NULL || outcap <= n) {
        if (outcap > 0)
            out[0] = '\0';
        return rule == NULL ? TB_ERR_INTERNAL : TB_ERR_TOO_LARGE;
    }

    bool is_shown_length = len == rule->len;
    for (size_t i = 0; i < n; i++) {
        bool is_shown = is_shown_length && (i < rule->head || i >= len - rule->tail);
        out[i] = is_shown && is_alnum(s[i]) ? ascii_upper(s[i]) : '*';
    }
    out[n] = '\0';
    return TB_OK;
}
