/*
 * test_identifiers.c - unit tests for src/accounts/identifiers.c.
 *
 * The cases are tables: a new vector is one more row. Valid person numbers
 * were computed with an independent script and include the GB 11643-1999
 * example 11010519491231002X; valid credit codes include the GB 32100-2015
 * example 91350100M000100Y43 and published codes of well-known companies,
 * each of which passes both the MOD 31 and the embedded GB 11714 check.
 * Property tests then go beyond the tables: for any body exactly one check
 * character completes it, and masks never show a birth date, whatever the
 * input bytes. RULE tags match those in the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "accounts/identifiers.h"
#include "lib/err.h"

#define TODAY 20240615

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------
 * 公民身份号码
 * ------------------------------------------------------------------------ */

struct person_case {
    const char *input;
    int today;
    enum ident_reason reason; /* IDENT_OK: valid */
    int position;
};

static const struct person_case person_cases[] = {
    /* RULE: GB 11643-1999 ISO 7064 MOD 11-2 check */
    {"11010519491231002X", TODAY, IDENT_OK, 0}, /* the standard's example, X check */
    {"11010519491231002x", TODAY, IDENT_OK, 0}, /* lowercase x accepted */
    {"65010220000229001X", TODAY, IDENT_OK, 0}, /* X check, leap day */
    {"110105199003071239", TODAY, IDENT_OK, 0},
    {"440306198511223875", TODAY, IDENT_OK, 0},
    {"320583198811110043", TODAY, IDENT_OK, 0},
    {"130102197001010147", TODAY, IDENT_OK, 0},
    {"610113199606060668", TODAY, IDENT_OK, 0},
    {"210202198303030311", TODAY, IDENT_OK, 0},
    {"370202195512051232", TODAY, IDENT_OK, 0},
    {"110105194912310020", TODAY, IDENT_BAD_CHECK_DIGIT, 18}, /* X expected */
    {"110105194912310021", TODAY, IDENT_BAD_CHECK_DIGIT, 18}, /* X expected */
    {"110105199003071230", TODAY, IDENT_BAD_CHECK_DIGIT, 18},
    {"110105199003071293", TODAY, IDENT_BAD_CHECK_DIGIT, 18}, /* transposition */
    {"440306198511223876", TODAY, IDENT_BAD_CHECK_DIGIT, 18},

    /* RULE: GB/T 2260 province codes (first two digits of a 公民身份号码) */
    {"710000198008080011", TODAY, IDENT_OK, 0}, /* 台湾 */
    {"810000199001010019", TODAY, IDENT_OK, 0}, /* 港澳居民居住证 (香港) */
    {"820000200102030024", TODAY, IDENT_OK, 0}, /* 港澳居民居住证 (澳门) */
    {"830000197512300055", TODAY, IDENT_OK, 0}, /* 台湾居民居住证 */
    {"540102190001010010", TODAY, IDENT_OK, 0}, /* 西藏 */
    {"01010519491231002X", TODAY, IDENT_BAD_REGION, 1},
    {"10010519491231002X", TODAY, IDENT_BAD_REGION, 1},
    {"16010519491231002X", TODAY, IDENT_BAD_REGION, 1},
    {"24010519491231002X", TODAY, IDENT_BAD_REGION, 1},
    {"47010519491231002X", TODAY, IDENT_BAD_REGION, 1},
    {"55010519491231002X", TODAY, IDENT_BAD_REGION, 1},
    {"66010519491231002X", TODAY, IDENT_BAD_REGION, 1},
    {"72010519491231002X", TODAY, IDENT_BAD_REGION, 1},
    {"84000019491231002X", TODAY, IDENT_BAD_REGION, 1},
    {"91000019491231002X", TODAY, IDENT_BAD_REGION, 1},

    /* RULE: GB 11643-1999 birth date code is a real calendar date */
    {"110105190002290011", TODAY, IDENT_BAD_BIRTH_DATE, 7}, /* 1900 is not leap */
    {"110105199902290010", TODAY, IDENT_BAD_BIRTH_DATE, 7},
    {"110105199913010010", TODAY, IDENT_BAD_BIRTH_DATE, 7}, /* month 13 */
    {"110105199900100010", TODAY, IDENT_BAD_BIRTH_DATE, 7}, /* month 0 */
    {"110105199901000010", TODAY, IDENT_BAD_BIRTH_DATE, 7}, /* day 0 */
    {"110105199904310010", TODAY, IDENT_BAD_BIRTH_DATE, 7}, /* 31 April */
    {"110105199912320010", TODAY, IDENT_BAD_BIRTH_DATE, 7},
    {"110105000001010010", TODAY, IDENT_BAD_BIRTH_DATE, 7}, /* year 0 */

    /* RULE: platform policy, birth date from 1900-01-01 to today */
    {"540102190001010010", TODAY, IDENT_OK, 0},                /* first day allowed */
    {"500103202406150059", TODAY, IDENT_OK, 0},                /* born today */
    {"500103202406160054", 20240616, IDENT_OK, 0},             /* ... and the next day */
    {"500103202406160054", TODAY, IDENT_FUTURE_BIRTH_DATE, 7}, /* born tomorrow */
    {"110105189912310010", TODAY, IDENT_EARLY_BIRTH_DATE, 7},
    {"440524188001010014", TODAY, IDENT_EARLY_BIRTH_DATE, 7}, /* GB 11643's other example */
    {"110105000101010010", TODAY, IDENT_EARLY_BIRTH_DATE, 7},

    /* RULE: platform policy, 18-character 公民身份号码 only */
    {"", TODAY, IDENT_EMPTY, 0},
    {"110105491231002", TODAY, IDENT_OLD_15_DIGIT, 0},
    {"11010549123100X", TODAY, IDENT_WRONG_LENGTH, 0},     /* 15, not the old format */
    {"11010519491231002", TODAY, IDENT_WRONG_LENGTH, 0},   /* 17 */
    {"11010519491231002X0", TODAY, IDENT_WRONG_LENGTH, 0}, /* 19 */
    {"1", TODAY, IDENT_WRONG_LENGTH, 0},                   /* 1 */
    {"1101051949123100 2X", TODAY, IDENT_WRONG_LENGTH, 0}, /* 19, inner space */
    {"1101051949123A002X", TODAY, IDENT_BAD_CHARACTER, 14},
    {" 1010519491231002X", TODAY, IDENT_BAD_CHARACTER, 1},
    {"11010519491231002Y", TODAY, IDENT_BAD_CHARACTER, 18},
    {"1101051949123100X2", TODAY, IDENT_BAD_CHARACTER, 17},
    {"11010519491231002\xff", TODAY, IDENT_BAD_CHARACTER, 18},
    {"\357\274\22110519491231002X", TODAY, IDENT_BAD_CHARACTER, 1}, /* fullwidth 1: 3 bytes */
    {"\357\274\221\357\274\2210519491231002X", TODAY, IDENT_WRONG_LENGTH, 0}, /* 22 bytes */
};

static void test_person_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(person_cases); i++) {
        const struct person_case *c = &person_cases[i];
        struct ident_result r;
        int rc = ident_check_person(c->input, strlen(c->input), c->today, &r);

        if (r.reason != c->reason || r.position != c->position)
            print_error("case %zu \"%s\": got %s at %d, want %s at %d\n", i, c->input,
                        ident_reason_code(r.reason), r.position, ident_reason_code(c->reason),
                        c->position);
        assert_int_equal(r.reason, c->reason);
        assert_int_equal(r.position, c->position);
        assert_int_equal(r.is_valid, c->reason == IDENT_OK);
        assert_int_equal(rc, c->reason == IDENT_OK ? TB_OK : TB_ERR_INVALID);
    }
}

/* RULE: GB 11643-1999 ISO 7064 MOD 11-2 check */
static void test_person_one_check_char_per_body(void **state)
{
    static const char checks[] = "0123456789X";
    char s[IDENT_PERSON_LEN + 1];
    unsigned seed = 12345;
    int seen_x = 0;

    (void)state;
    memcpy(s, "110105199003071230", sizeof s);
    for (int n = 0; n < 2000; n++) {
        int valid = 0;

        /* vary the sequence digits and the birth day (1..28) */
        seed = seed * 1103515245u + 12345u;
        snprintf(s + 12, 7, "%02u%03u", 1 + (seed >> 8) % 28, (seed >> 16) % 1000);
        for (size_t k = 0; k < sizeof checks - 1; k++) {
            struct ident_result r;
            s[17] = checks[k];
            if (ident_check_person(s, IDENT_PERSON_LEN, TODAY, &r) == TB_OK) {
                valid++;
                seen_x += checks[k] == 'X';
            } else {
                assert_int_equal(r.reason, IDENT_BAD_CHECK_DIGIT);
            }
        }
        assert_int_equal(valid, 1);
    }
    assert_true(seen_x > 0);
}

static void test_person_reads_only_len(void **state)
{
    struct ident_result r;

    (void)state;
    /* a valid number followed by more bytes: len decides, not the NUL */
    assert_int_equal(ident_check_person("11010519491231002X99", 18, TODAY, &r), TB_OK);
    assert_int_equal(ident_check_person("11010519491231002X", 17, TODAY, &r), TB_ERR_INVALID);
    assert_int_equal(r.reason, IDENT_WRONG_LENGTH);
    assert_int_equal(ident_check_person(NULL, 0, TODAY, &r), TB_ERR_INVALID);
    assert_int_equal(r.reason, IDENT_EMPTY);
    /* an embedded NUL is a bad character, not the end */
    assert_int_equal(ident_check_person("1101051949\000231002X", 18, TODAY, &r), TB_ERR_INVALID);
    assert_int_equal(r.reason, IDENT_BAD_CHARACTER);
    assert_int_equal(r.position, 11);
}

/* ------------------------------------------------------------------------
 * 统一社会信用代码
 * ------------------------------------------------------------------------ */

struct org_case {
    const char *input;
    enum ident_reason reason;
    int position;
};

static const struct org_case org_cases[] = {
    /* RULE: GB 32100-2015 character set and MOD 31 check */
    /* RULE: GB 11714-1997 organisation code check */
    {"91350100M000100Y43", IDENT_OK, 0}, /* the standard's example */
    {"914403001922038216", IDENT_OK, 0}, /* 华为技术有限公司 */
    {"91440300708461136T", IDENT_OK, 0}, /* 深圳市腾讯计算机系统有限公司 */
    {"91330100799655058B", IDENT_OK, 0}, /* 阿里巴巴（中国）有限公司 */
    {"91110000802100433B", IDENT_OK, 0}, /* 北京百度网讯科技有限公司 */
    {"91110108551385082Q", IDENT_OK, 0}, /* 小米科技有限责任公司 */
    {"91350100m000100y43", IDENT_OK, 0}, /* lowercase accepted */
    {"9111010810000018XA", IDENT_OK, 0}, /* computed: organisation check X */
    {"91110108100000040N", IDENT_OK, 0}, /* computed: organisation check 0 */
    {"911101081000004460", IDENT_OK, 0}, /* computed: final check 0 */
    {"91110108100000091Y", IDENT_OK, 0}, /* computed: final check Y */
    {"91350100M000100Y44", IDENT_BAD_CHECK_DIGIT, 18},
    {"91350100M000100Y4Y", IDENT_BAD_CHECK_DIGIT, 18},
    {"91350100M100100Y43", IDENT_BAD_CHECK_DIGIT, 18},    /* typo inside the org code */
    {"91350100M000100Y56", IDENT_BAD_ORG_CODE_CHECK, 17}, /* final check fits a bad org code */
    {"91350100M000100Y4", IDENT_WRONG_LENGTH, 0},
    {"91350100M000100Y430", IDENT_WRONG_LENGTH, 0},
    {"", IDENT_EMPTY, 0},
    {"91350100M000100I43", IDENT_BAD_CHARACTER, 16},
    {"91350100M000100O43", IDENT_BAD_CHARACTER, 16},
    {"91350100M000100Z43", IDENT_BAD_CHARACTER, 16},
    {"91350100M000100S43", IDENT_BAD_CHARACTER, 16},
    {"91350100V000100Y43", IDENT_BAD_CHARACTER, 9},
    {"91350100M000100Y4i", IDENT_BAD_CHARACTER, 18},
    {"91350100M000100Y4-", IDENT_BAD_CHARACTER, 18},
    {"91350100M000-00Y43", IDENT_BAD_CHARACTER, 13},
    {"9135010\0M000100Y43", IDENT_WRONG_LENGTH, 0}, /* strlen stops at the NUL: 7 */

    /* RULE: GB 32100-2015 registration authority and organisation type codes */
    {"12100000400001053J", IDENT_OK, 0}, /* computed: 机构编制 事业单位, central level */
    {"511100005000234282", IDENT_OK, 0}, /* computed: 民政 社会团体 */
    {"353100004250277000", IDENT_OK, 0}, /* computed: 司法行政 仲裁委员会 */
    {"814201007257536404", IDENT_OK, 0}, /* computed: 工会 基层工会 */
    {"93320583MA1N8K0P22", IDENT_OK, 0}, /* computed: 工商 农民专业合作社 */
    {"A1110000MA00A0B1X7", IDENT_OK, 0}, /* computed: 军队事业单位 */
    {"N2330106MA2CXK0145", IDENT_OK, 0}, /* computed: 村级集体经济组织 */
    {"Y1440300MA5F3L0A53", IDENT_OK, 0}, /* computed: 其他 */
    {"01350100M000100Y43", IDENT_BAD_REGISTRATION_AUTHORITY, 1},
    {"B1350100M000100Y43", IDENT_BAD_REGISTRATION_AUTHORITY, 1},
    {"X1350100M000100Y43", IDENT_BAD_REGISTRATION_AUTHORITY, 1},
    {"94350100M000100Y43", IDENT_BAD_ORG_TYPE, 2}, /* 工商 has types 1-3 only */
    {"99350100M000100Y43", IDENT_BAD_ORG_TYPE, 2},
    {"92350100M000100Y43", IDENT_BAD_CHECK_DIGIT, 18}, /* 个体工商户: type fine */
    {"Y2350100M000100Y43", IDENT_BAD_ORG_TYPE, 2},
    {"26350100M000100Y43", IDENT_BAD_ORG_TYPE, 2},
    {"9A350100M000100Y43", IDENT_BAD_ORG_TYPE, 2},
    {"9135A100M000100Y43", IDENT_BAD_REGION, 5},
    {"9135010YM000100Y43", IDENT_BAD_REGION, 8},
};

static void test_org_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(org_cases); i++) {
        const struct org_case *c = &org_cases[i];
        struct ident_result r;
        int rc = ident_check_org(c->input, strlen(c->input), &r);

        if (r.reason != c->reason || r.position != c->position)
            print_error("case %zu \"%s\": got %s at %d, want %s at %d\n", i, c->input,
                        ident_reason_code(r.reason), r.position, ident_reason_code(c->reason),
                        c->position);
        assert_int_equal(r.reason, c->reason);
        assert_int_equal(r.position, c->position);
        assert_int_equal(r.is_valid, c->reason == IDENT_OK);
        assert_int_equal(rc, c->reason == IDENT_OK ? TB_OK : TB_ERR_INVALID);
    }
}

/* RULE: GB 32100-2015 character set and MOD 31 check */
static void test_org_one_check_char_per_body(void **state)
{
    static const char charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static const char *const bodies[] = {
        "91350100M000100Y4",
        "914403001922038216",
        "12100000400001053J",
        "9111010810000018XA",
    };

    (void)state;
    for (size_t b = 0; b < ARRAY_LEN(bodies); b++) {
        char s[IDENT_ORG_LEN + 1];
        int valid = 0;

        memcpy(s, bodies[b], IDENT_ORG_LEN - 1);
        s[IDENT_ORG_LEN] = '\0';
        for (size_t k = 0; k < sizeof charset - 1; k++) {
            struct ident_result r;
            s[17] = charset[k];
            if (ident_check_org(s, IDENT_ORG_LEN, &r) == TB_OK)
                valid++;
            else
                assert_int_equal(r.reason, IDENT_BAD_CHECK_DIGIT);
        }
        assert_int_equal(valid, 1);
    }
}

/* ------------------------------------------------------------------------
 * Normalising
 * ------------------------------------------------------------------------ */

struct normalise_case {
    enum ident_kind kind;
    const char *input;
    const char *want;
};

static const struct normalise_case normalise_cases[] = {
    {IDENT_PERSON, "11010519491231002x", "11010519491231002X"},
    {IDENT_PERSON, "11010519491231002X", "11010519491231002X"},
    {IDENT_ORG, "91350100m000100y43", "91350100M000100Y43"},
    {IDENT_ORG, "91350100M000100Y43", "91350100M000100Y43"},
    {IDENT_PHONE, "13812345678", "13812345678"},
    {IDENT_PERSON, "", ""},
};

static void test_normalise_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(normalise_cases); i++) {
        const struct normalise_case *c = &normalise_cases[i];
        char out[32];

        assert_int_equal(ident_normalise(c->kind, c->input, strlen(c->input), out, sizeof out),
                         TB_OK);
        assert_string_equal(out, c->want);
    }
}

/* Bounded buffers: outcap at limit-1, limit, limit+1. */
static void test_normalise_limits(void **state)
{
    const char *s = "11010519491231002x";
    char out[IDENT_PERSON_LEN + 2];

    (void)state;
    memset(out, 'Q', sizeof out);
    assert_int_equal(ident_normalise(IDENT_PERSON, s, 18, out, 18), TB_ERR_TOO_LARGE);
    assert_string_equal(out, "");
    assert_int_equal(ident_normalise(IDENT_PERSON, s, 18, out, 19), TB_OK);
    assert_string_equal(out, "11010519491231002X");
    assert_int_equal(ident_normalise(IDENT_PERSON, s, 18, out, 20), TB_OK);
    assert_string_equal(out, "11010519491231002X");
    assert_int_equal(ident_normalise(IDENT_PERSON, s, 18, NULL, 0), TB_ERR_TOO_LARGE);
}

/* ------------------------------------------------------------------------
 * Masking
 * ------------------------------------------------------------------------ */

struct mask_case {
    enum ident_kind kind;
    const char *input;
    const char *want;
};

/* RULE: SPEC §16 identifiers shown masked, never the birth-date part */
static const struct mask_case mask_cases[] = {
    {IDENT_PERSON, "11010519491231002X", "110***********002X"},
    {IDENT_PERSON, "11010519491231002x", "110***********002X"},
    {IDENT_PERSON, "830000197512300055", "830***********0055"},
    {IDENT_PERSON, "110105491231002", "***************"}, /* old: birth at 7-12 */
    {IDENT_PERSON, "11010519491231002", "*****************"},
    {IDENT_PERSON, "11010519491231002X0", "******************"},
    {IDENT_PERSON, "", ""},
    {IDENT_PERSON, "abc", "***"},
    {IDENT_PERSON, "1234567890123456789012345678901234567890", "******************"},
    {IDENT_PERSON, "\xe5\x8c\x97\xe4\xba\xac\xe5\xb8\x82\xe6\x9c\x9d\xe9\x98\xb3\xe5\x8c\xba",
     "******************"},                                       /* 18 bytes of UTF-8 */
    {IDENT_PERSON, "1\n<051949123100<&\"", "1*************0***"}, /* shown bytes not alnum */
    {IDENT_ORG, "91350100M000100Y43", "913***********0Y43"},
    {IDENT_ORG, "91350100m000100y43", "913***********0Y43"},
    {IDENT_ORG, "91350100M000100Y4", "*****************"},
    {IDENT_PHONE, "13812345678", "138****5678"},
    {IDENT_PHONE, "1381234567", "**********"},
    {IDENT_PHONE, "+8613812345678", "**************"},
};

static void test_mask_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(mask_cases); i++) {
        const struct mask_case *c = &mask_cases[i];
        char out[IDENT_MASK_BUFSZ];

        assert_int_equal(ident_mask(c->kind, c->input, strlen(c->input), out, sizeof out), TB_OK);
        assert_string_equal(out, c->want);
    }
}

/* RULE: SPEC §16 identifiers shown masked, never the birth-date part */
static void test_mask_hides_birth_date(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(person_cases); i++) {
        const char *s = person_cases[i].input;
        size_t len = strlen(s);
        char out[IDENT_MASK_BUFSZ];
        char birth[9];

        assert_int_equal(ident_mask(IDENT_PERSON, s, len, out, sizeof out), TB_OK);
        if (len != IDENT_PERSON_LEN)
            continue;
        memcpy(birth, s + 6, 8);
        birth[8] = '\0';
        assert_null(strstr(out, birth));
        for (size_t k = 6; k < 14; k++)
            assert_int_equal(out[k], '*');
    }
}

/* Arbitrary bytes: masks are printable ASCII, never longer than the
 * maximum, and the checkers give a reason from the enum. */
static void test_garbage_is_safe(void **state)
{
    static const enum ident_kind kinds[] = {IDENT_PERSON, IDENT_ORG, IDENT_PHONE};
    unsigned char buf[64];
    unsigned seed = 42;

    (void)state;
    for (int n = 0; n < 5000; n++) {
        size_t len = (size_t)n % sizeof buf;
        struct ident_result r;

        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            /* mostly digits at times, so deep branches are reached too */
            buf[i] = n % 3 ? (unsigned char)('0' + (seed >> 16) % 10) : (unsigned char)(seed >> 16);
        }
        ident_check_person((const char *)buf, len, TODAY, &r);
        assert_true(r.reason < IDENT_REASON__COUNT);
        ident_check_org((const char *)buf, len, &r);
        assert_true(r.reason < IDENT_REASON__COUNT);
        for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
            char out[IDENT_MASK_BUFSZ];

            assert_int_equal(ident_mask(kinds[k], (const char *)buf, len, out, sizeof out), TB_OK);
            assert_true(strlen(out) <= IDENT_MASK_MAX_LEN);
            for (const char *p = out; *p; p++)
                assert_true(*p == '*' || (*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z'));
        }
    }
}

/* Bounded buffers: outcap at limit-1, limit, limit+1. */
static void test_mask_limits(void **state)
{
    const char *s = "11010519491231002X";
    char out[IDENT_MASK_BUFSZ + 1];

    (void)state;
    memset(out, 'Q', sizeof out);
    assert_int_equal(ident_mask(IDENT_PERSON, s, 18, out, 18), TB_ERR_TOO_LARGE);
    assert_string_equal(out, "");
    assert_int_equal(ident_mask(IDENT_PERSON, s, 18, out, 19), TB_OK);
    assert_string_equal(out, "110***********002X");
    assert_int_equal(ident_mask(IDENT_PERSON, s, 18, out, 20), TB_OK);
    assert_string_equal(out, "110***********002X");
    assert_int_equal(ident_mask(IDENT_PHONE, "13812345678", 11, out, 11), TB_ERR_TOO_LARGE);
    assert_int_equal(ident_mask(IDENT_PHONE, "13812345678", 11, out, 12), TB_OK);
    assert_int_equal(ident_mask(IDENT_PERSON, NULL, 0, out, 1), TB_OK);
    assert_string_equal(out, "");
    assert_int_equal(ident_mask(IDENT_PERSON, s, 18, NULL, 0), TB_ERR_TOO_LARGE);
}

/* ------------------------------------------------------------------------
 * Reasons
 * ------------------------------------------------------------------------ */

static void test_reason_table(void **state)
{
    (void)state;
    for (int i = 0; i < IDENT_REASON__COUNT; i++) {
        const char *code = ident_reason_code((enum ident_reason)i);

        assert_true(strlen(code) > 0);
        assert_string_not_equal(code, "unknown");
        assert_true(strlen(ident_reason_zh((enum ident_reason)i)) > 0);
        assert_true(strlen(ident_reason_en((enum ident_reason)i)) > 0);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(code, ident_reason_code((enum ident_reason)j));
    }
    assert_string_equal(ident_reason_code(IDENT_OLD_15_DIGIT), "old_15_digit");
    assert_string_equal(ident_reason_code(IDENT_BAD_ORG_CODE_CHECK), "bad_org_code_check");
    assert_string_equal(ident_reason_code(IDENT_REASON__COUNT), "unknown");
    assert_string_equal(ident_reason_code((enum ident_reason) - 1), "unknown");
    assert_non_null(ident_reason_zh(IDENT_REASON__COUNT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_person_table),
        cmocka_unit_test(test_person_one_check_char_per_body),
        cmocka_unit_test(test_person_reads_only_len),
        cmocka_unit_test(test_org_table),
        cmocka_unit_test(test_org_one_check_char_per_body),
        cmocka_unit_test(test_normalise_table),
        cmocka_unit_test(test_normalise_limits),
        cmocka_unit_test(test_mask_table),
        cmocka_unit_test(test_mask_hides_birth_date),
        cmocka_unit_test(test_garbage_is_safe),
        cmocka_unit_test(test_mask_limits),
        cmocka_unit_test(test_reason_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
