/*
 * fuzz_identifiers.c - libFuzzer harness for src/accounts/identifiers.c.
 *
 * The checkers and the mask see raw request bytes before any other parsing,
 * so they must never read past len, never crash and never abort on input.
 * Besides memory safety (ASan/UBSan) the harness checks properties a bug
 * could break silently: a result is always a known reason, a valid number
 * stays valid once normalised, a mask is short printable ASCII and never
 * shows a person number's birth date.
 *
 * Build and run (seeds in tests/fuzz/corpus/identifiers/):
 *   clang -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc \
 *     src/lib/err.c src/accounts/identifiers.c tests/fuzz/fuzz_identifiers.c \
 *     -o /tmp/fuzz_identifiers
 *   /tmp/fuzz_identifiers -max_total_time=30 tests/fuzz/corpus/identifiers/
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accounts/identifiers.h"
#include "lib/err.h"

#define FUZZ_TODAY 20240615

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int cond)
{
    if (!cond)
        abort();
}

static void check_mask(enum ident_kind kind, const char *s, size_t len)
{
    char out[IDENT_MASK_BUFSZ];

    require(ident_mask(kind, s, len, out, sizeof out) == TB_OK);
    size_t n = strlen(out);
    require(n <= IDENT_MASK_MAX_LEN);
    require(n == (len < IDENT_MASK_MAX_LEN ? len : IDENT_MASK_MAX_LEN));
    for (size_t i = 0; i < n; i++)
        require(out[i] == '*' || (out[i] >= '0' && out[i] <= '9') ||
                (out[i] >= 'A' && out[i] <= 'Z'));
    /* RULE: SPEC §16 identifiers shown masked, never the birth-date part */
    if (kind == IDENT_PERSON)
        for (size_t i = 6; i < 14 && i < n; i++)
            require(out[i] == '*');
}

static void check_stays_valid(enum ident_kind kind, const char *s, size_t len)
{
    char norm[IDENT_ORG_LEN + 1];
    struct ident_result r;

    require(len < sizeof norm);
    require(ident_normalise(kind, s, len, norm, sizeof norm) == TB_OK);
    if (kind == IDENT_PERSON)
        require(ident_check_person(norm, len, FUZZ_TODAY, &r) == TB_OK);
    else
        require(ident_check_org(norm, len, &r) == TB_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size heap copy, so ASan sees any read past size. */
    char *s = malloc(size ? size : 1);
    struct ident_result r;

    if (s == NULL)
        return 0;
    memcpy(s, data, size);

    int rc = ident_check_person(s, size, FUZZ_TODAY, &r);
    require(r.reason < IDENT_REASON__COUNT);
    require((rc == TB_OK) == r.is_valid && r.is_valid == (r.reason == IDENT_OK));
    require(r.position >= 0 && (size_t)r.position <= size);
    require(ident_reason_code(r.reason) && ident_reason_zh(r.reason) && ident_reason_en(r.reason));
    if (r.is_valid)
        check_stays_valid(IDENT_PERSON, s, size);

    rc = ident_check_org(s, size, &r);
    require(r.reason < IDENT_REASON__COUNT);
    require((rc == TB_OK) == r.is_valid && r.is_valid == (r.reason == IDENT_OK));
    require(r.position >= 0 && (size_t)r.position <= size);
    if (r.is_valid)
        check_stays_valid(IDENT_ORG, s, size);

    check_mask(IDENT_PERSON, s, size);
    check_mask(IDENT_ORG, s, size);
    check_mask(IDENT_PHONE, s, size);

    free(s);
    return 0;
}
