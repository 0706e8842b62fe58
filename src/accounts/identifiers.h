/*
 * identifiers.h - the numbers an applicant is known by, checked and masked.
 *
 * SPEC §3 (一号申请) gives every applicant one identity: a natural person
 * by the 18-character 公民身份号码 of GB 11643-1999 (also printed on the
 * residence permits of Hong Kong, Macao and Taiwan residents), a legal
 * entity or other organisation by the 18-character 统一社会信用代码 of
 * GB 32100-2015. Invalid numbers are refused with a clear message, and
 * wherever a number is displayed it is masked (SPEC §16).
 *
 * Everything here is pure: bytes and a length in, a decision out, no I/O,
 * no allocation. Inputs may be arbitrary bytes (not NUL-terminated, not
 * UTF-8); no function reads past len. The caller owns every buffer.
 */
#ifndef TB_ACCOUNTS_IDENTIFIERS_H
#define TB_ACCOUNTS_IDENTIFIERS_H

#include <stdbool.h>
#include <stddef.h>

#define IDENT_PERSON_LEN     18       /* GB 11643-1999 公民身份号码, characters */
#define IDENT_PERSON_OLD_LEN 15       /* pre-1999 number, refused */
#define IDENT_ORG_LEN        18       /* GB 32100-2015 统一社会信用代码, characters */
#define IDENT_PHONE_LEN      11       /* mainland mobile number, digits */
#define IDENT_BIRTH_MIN      19000101 /* platform policy: no birth date before 1900 */

/* Longest mask ident_mask writes, in characters without the NUL, and a
 * buffer size that always suffices. */
#define IDENT_MASK_MAX_LEN 18
#define IDENT_MASK_BUFSZ   (IDENT_MASK_MAX_LEN + 1)

enum ident_kind {
    IDENT_PERSON, /* 公民身份号码 */
    IDENT_ORG,    /* 统一社会信用代码 */
    IDENT_PHONE   /* 手机号码 (mask only) */
};

/* Why a number was refused. The values, and the machine codes that
 * ident_reason_code returns, are part of the API: append, never renumber. */
enum ident_reason {
    IDENT_OK = 0,
    IDENT_EMPTY,                      /* "empty" */
    IDENT_WRONG_LENGTH,               /* "wrong_length" */
    IDENT_OLD_15_DIGIT,               /* "old_15_digit": 15 digits, the old format */
    IDENT_BAD_CHARACTER,              /* "bad_character": position says where */
    IDENT_BAD_REGION,                 /* "bad_region" */
    IDENT_BAD_BIRTH_DATE,             /* "bad_birth_date": not a calendar date */
    IDENT_EARLY_BIRTH_DATE,           /* "early_birth_date": before IDENT_BIRTH_MIN */
    IDENT_FUTURE_BIRTH_DATE,          /* "future_birth_date": after today */
    IDENT_BAD_REGISTRATION_AUTHORITY, /* "bad_registration_authority" */
    IDENT_BAD_ORG_TYPE,               /* "bad_org_type" */
    IDENT_BAD_ORG_CODE_CHECK,         /* "bad_org_code_check": GB 11714 check */
    IDENT_BAD_CHECK_DIGIT,            /* "bad_check_digit": the final check */
    IDENT_REASON__COUNT
};

struct ident_result {
    bool is_valid;
    enum ident_reason reason; /* IDENT_OK when is_valid */
    int position;             /* 1-based byte the fault is at; 0 when it is not about one */
};

/*
 * Check a 公民身份号码 (GB 11643-1999). today_yyyymmdd is the current date
 * (e.g. 20240615), a parameter so the "not in the future" rule is
 * deterministic; it must be a real date. A lowercase x check character is
 * accepted; store the ident_normalise form. Fills *r and returns 0 when the
 * number is valid, TB_ERR_INVALID when not.
 */
int ident_check_person(const char *s, size_t len, int today_yyyymmdd, struct ident_result *r);

/*
 * Check a 统一社会信用代码 (GB 32100-2015), including the embedded GB 11714
 * organisation-code check. Lowercase letters are accepted; store the
 * ident_normalise form. Fills *r and returns 0 when valid, TB_ERR_INVALID
 * when not.
 */
int ident_check_org(const char *s, size_t len, struct ident_result *r);

/* Stable snake_case machine code ("bad_check_digit"); "unknown" for a value
 * outside the enum. Never NULL. */
const char *ident_reason_code(enum ident_reason reason);

/* Message for the applicant in Chinese / English. Never NULL. */
const char *ident_reason_zh(enum ident_reason reason);
const char *ident_reason_en(enum ident_reason reason);

/*
 * Write the stored form of s into out: for IDENT_PERSON 'x' becomes 'X', for
 * IDENT_ORG ASCII letters become uppercase, IDENT_PHONE is copied. Other
 * bytes are copied unchanged, so call it on a number that passed its check.
 * out receives len bytes and a NUL. Returns 0, or TB_ERR_TOO_LARGE (out set to
 * "" when outcap > 0) when outcap <= len.
 */
int ident_normalise(enum ident_kind kind, const char *s, size_t len, char *out, size_t outcap);

/*
 * Write a display mask of s into out (NUL-terminated ASCII). When len is the
 * kind's length (18, 18, 11) the first 3 and last 4 characters are shown and
 * the rest are '*': "110***********002X", "913***********0Y43", "138****5678".
 * A person number's birth date (characters 7-14) is never shown. Any other
 * length is masked entirely, as min(len, IDENT_MASK_MAX_LEN) '*'. A shown byte
 * that is not an ASCII letter or digit is also '*', letters are uppercased.
 * Returns 0, or TB_ERR_TOO_LARGE (out set to "" when outcap > 0) when the
 * mask does not fit; IDENT_MASK_BUFSZ always fits.
 */
int ident_mask(enum ident_kind kind, const char *s, size_t len, char *out, size_t outcap);

#endif
