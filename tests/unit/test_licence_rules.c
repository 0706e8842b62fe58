/*
 * test_licence_rules.c - the pure rules of electronic licences
 * (docs/licences.md): the identifier's check character, numbers made and
 * parsed, serials, the canonical form that is signed, the licence file
 * signed and checked (one changed byte fails), validity dates, masking,
 * status order and face data.
 */
#include "catalog/catalog.h"
#include "lib/crypto.h"
#include "lib/err.h"
#include "licences/internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* The verification procedure of ISO 7064 hybrid MOD 37,36: run over every
 * character, the check character included, the result is 1. */
static bool iso7064_valid(const char *s)
{
    int p = 36;
    for (; *s; s++) {
        if (*s == '.')
            continue;
        int v = *s >= '0' && *s <= '9' ? *s - '0' : *s - 'A' + 10;
        int t = (p + v) % 36;
        if (!s[1])
            return t == 1;
        if (t == 0)
            t = 36;
        p = (2 * t) % 37;
    }
    return false;
}

static void test_check_character(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "1.2.156.3005.2.11100000MB0001038T001.11500100115000027N.7OW7JU2GNXE6.001",
        "0",
        "Z",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "12345678901234567890",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        char c, full[200];
        assert_int_equal(licence_check_char(bodies[i], &c), 0);
        snprintf(full, sizeof(full), "%s%c", bodies[i], c);
        assert_true(iso7064_valid(full));
        /* every other character fails the check */
        for (const char *o = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"; *o; o++)
            if (*o != c) {
                snprintf(full, sizeof(full), "%s%c", bodies[i], *o);
                assert_false(iso7064_valid(full));
            }
    }
    char c;
    assert_int_equal(licence_check_char("abc", &c), TB_ERR_INVALID);
    assert_int_equal(licence_check_char("", &c), TB_ERR_INVALID);
    assert_int_equal(licence_check_char("A-B", &c), TB_ERR_INVALID);
}

static void test_number(void **state)
{
    (void)state;
    char no[LICENCE_NO_MAX];
    assert_int_equal(licence_no_make("11100000MB0001038T002", "11500101115000051M", "7K3Q9ZP2M4XA",
                                     1, no, sizeof(no)),
                     0);
    assert_int_equal(strncmp(no,
                             "1.2.156.3005.2.11100000MB0001038T002.11500101115000051M."
                             "7K3Q9ZP2M4XA.001.",
                             70),
                     0);
    struct licence_no_parts p;
    assert_int_equal(licence_no_parse(no, &p), 0);
    assert_string_equal(p.type_code, "11100000MB0001038T002");
    assert_string_equal(p.issuer, "11500101115000051M");
    assert_string_equal(p.serial, "7K3Q9ZP2M4XA");
    assert_int_equal(p.version, 1);
    /* one changed character anywhere: not a licence number */
    for (size_t i = 15; no[i + 1]; i++) {
        if (no[i] == '.')
            continue;
        char bad[LICENCE_NO_MAX];
        memcpy(bad, no, sizeof(bad));
        bad[i] = bad[i] == '7' ? '8' : '7';
        assert_int_equal(licence_no_parse(bad, &p), TB_ERR_INVALID);
    }
    assert_int_equal(licence_no_parse("1.2.156.3005.2.x", &p), TB_ERR_INVALID);
    assert_int_equal(licence_no_make("11100000MB0001038T002", "11500101115000051M", "7K3Q9ZP2M4XA",
                                     1000, no, sizeof(no)),
                     TB_ERR_INVALID);
    assert_true(licence_type_code_ok("11100000MB0001038T002"));
    assert_false(licence_type_code_ok("11100000MB0001038T00X"));
    assert_false(licence_type_code_ok("11100000MB0001038T0021"));
}

static void test_serial_and_check_code(void **state)
{
    (void)state;
    unsigned char rnd[32];
    char serial[LICENCE_SERIAL_LEN + 1];
    /* bytes at 252 and above are skipped: 12 symbols from the rest */
    memset(rnd, 255, sizeof(rnd));
    assert_int_equal(licence_serial_from(rnd, sizeof(rnd), serial), TB_ERR_INVALID);
    for (size_t i = 0; i < sizeof(rnd); i++)
        rnd[i] = (unsigned char)(i % 2 ? 253 : i * 7);
    assert_int_equal(licence_serial_from(rnd, sizeof(rnd), serial), 0);
    assert_int_equal(strlen(serial), LICENCE_SERIAL_LEN);
    /* 0, 14, 28, 42, 56 ... mod 36 */
    assert_string_equal(serial, "0ES6KYCQ4IWA");
    unsigned char mac[32] = {1, 2, 3, 4, 5, 6, 7, 8};
    char code[LICENCE_CHECK_LEN + 1];
    licence_check_from_mac(mac, code);
    assert_int_equal(strlen(code), LICENCE_CHECK_LEN);
    assert_null(strpbrk(code, "01IOL"));
}

static void test_canonical(void **state)
{
    (void)state;
    json_t *v = json_pack("{s:s,s:{s:i,s:s},s:[i,s],s:n}", "b", "示范/区", "a", "z", 1, "y",
                          "\"q\"", "c", 1, "x", "d");
    char *text = NULL;
    assert_int_equal(licence_canonical(v, &text), 0);
    assert_string_equal(text, "{\"a\":{\"y\":\"\\\"q\\\"\",\"z\":1},\"b\":\"示范/区\","
                              "\"c\":[1,\"x\"],\"d\":null}");
    assert_true(licence_is_canonical(text, strlen(text)));
    free(text);
    json_decref(v);
    assert_false(licence_is_canonical("{\"b\":1,\"a\":2}", 13));
    assert_false(licence_is_canonical("{\"a\": 2}", 8));
    assert_false(licence_is_canonical("{\"a\":\"\\u793a\"}", 14));
    v = json_pack("{s:f}", "a", 1.5);
    assert_int_equal(licence_canonical(v, &text), TB_ERR_INVALID);
    json_decref(v);
}

static void test_file_signed_and_checked(void **state)
{
    (void)state;
    struct tb_sm2_key *key = NULL, *other = NULL;
    assert_int_equal(tb_sm2_generate(&key), 0);
    assert_int_equal(tb_sm2_generate(&other), 0);
    json_t *content = json_pack("{s:s,s:{s:s},s:i}", "no", "1.2.156.3005.2.X", "face", "premises",
                                "示范区人民路88号", "version", 1);
    char *text = NULL;
    assert_int_equal(licence_canonical(content, &text), 0);
    unsigned char sig[TB_SM2_SIG_MAX];
    size_t siglen = 0;
    assert_int_equal(tb_sm2_sign(key, text, strlen(text), sig, sizeof(sig), &siglen), 0);
    free(text);
    struct seal_row seal = {.public_id = "0123456789abcdef",
                            .org_name = "示范区行政审批局",
                            .credit_code = "11500101115000051M",
                            .fingerprint = "ff"};
    char pub[TB_SM2_PUB_HEX_LEN + 1];
    assert_int_equal(tb_sm2_pub_to_hex(key, pub, sizeof(pub)), 0);
    seal.public_key = pub;
    json_t *file = licence_file_json(content, sig, siglen, &seal);
    assert_non_null(file);
    bool valid = false;
    const char *why = NULL;
    assert_int_equal(licence_file_verify(file, NULL, &valid, &why), 0);
    assert_true(valid);
    assert_int_equal(licence_file_verify(file, key, &valid, &why), 0);
    assert_true(valid);
    /* another key (a forged seal in the file does not help with --public-key) */
    assert_int_equal(licence_file_verify(file, other, &valid, &why), 0);
    assert_false(valid);
    /* one changed character of the face */
    json_object_set_new(json_object_get(json_object_get(file, "content"), "face"), "premises",
                        json_string("示范区人民路89号"));
    assert_int_equal(licence_file_verify(file, NULL, &valid, &why), 0);
    assert_false(valid);
    assert_non_null(why);
    json_t *junk = json_pack("{s:s}", "format", "other");
    assert_int_equal(licence_file_verify(junk, NULL, &valid, &why), TB_ERR_INVALID);
    json_decref(junk);
    json_decref(file);
    json_decref(content);
    tb_sm2_free(key);
    tb_sm2_free(other);
}

static void test_dates_masks_status(void **state)
{
    (void)state;
    char until[LICENCE_DATE_LEN + 1];
    assert_int_equal(licence_valid_until("2026-11-24", 5, until), 0);
    assert_string_equal(until, "2031-11-23");
    assert_int_equal(licence_valid_until("2024-02-29", 1, until), 0);
    assert_string_equal(until, "2025-02-28");
    assert_int_equal(licence_valid_until("2026-01-01", 0, until), 0);
    assert_string_equal(until, "");
    assert_int_equal(licence_valid_until("2026-02-30", 1, until), TB_ERR_INVALID);
    assert_false(licence_date_ok("2026-13-01"));
    assert_true(licence_date_ok("2028-02-29"));

    char m[64];
    licence_mask_name("张三", false, m, sizeof(m));
    assert_string_equal(m, "张*");
    licence_mask_name("欧阳修远", false, m, sizeof(m));
    assert_string_equal(m, "欧***");
    licence_mask_name("示范恒信科技有限公司", true, m, sizeof(m));
    assert_string_equal(m, "示范******公司");
    licence_mask_name("某局", true, m, sizeof(m));
    assert_string_equal(m, "某*");

    /* RULE: docs/licences.md tampered first, then revoked, superseded, expired */
    assert_int_equal(licence_status_eval(false, "revoked", "2000-01-01", "2026-01-01"),
                     LS_TAMPERED);
    assert_int_equal(licence_status_eval(true, "revoked", "2000-01-01", "2026-01-01"), LS_REVOKED);
    assert_int_equal(licence_status_eval(true, "superseded", "2000-01-01", "2026-01-01"),
                     LS_SUPERSEDED);
    assert_int_equal(licence_status_eval(true, "valid", "2025-12-31", "2026-01-01"), LS_EXPIRED);
    assert_int_equal(licence_status_eval(true, "valid", "2026-01-01", "2026-01-01"), LS_VALID);
    assert_int_equal(licence_status_eval(true, "valid", NULL, "2099-01-01"), LS_VALID);
}

static void test_types_and_faces(void **state)
{
    (void)state;
    struct item_problem found[16];
    struct item_problems p = {found, 16, 0};
    json_t *in = json_pack("[{s:s,s:s,s:b},{s:s,s:s,s:s,s:s},{s:s,s:s},{s:s,s:s}]", "key",
                           "business_form", "label", "主体业态", "required", 1, "key", "premises",
                           "label", "经营场所", "type", "text", "from", "site", "key", "Bad",
                           "label", "x", "key", "premises", "label", "重复");
    json_t *out = json_array();
    assert_int_equal(licence_type_fields_check(in, out, &p), TB_ERR_INVALID);
    assert_int_equal(p.n, 2);
    assert_string_equal(found[0].code, "invalid_key");
    assert_string_equal(found[1].code, "duplicate_key");
    json_decref(out);
    json_array_remove(in, 3);
    json_array_remove(in, 2);
    out = json_array();
    p.n = 0;
    assert_int_equal(licence_type_fields_check(in, out, &p), 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(out, 1), "from")), "site");
    json_t *form = json_pack("{s:[{s:s,s:[{s:s,s:s}]}]}", "fields", "key", "business_form",
                             "options", "value", "catering", "label", "餐饮服务经营者");
    json_t *values = json_pack("{s:s,s:s}", "business_form", "catering", "site", "人民路88号");
    json_t *face = NULL;
    const char *missing = NULL;
    assert_int_equal(licence_face_from(out, values, form, &face, &missing), 0);
    assert_string_equal(json_string_value(json_object_get(face, "business_form")),
                        "餐饮服务经营者");
    assert_string_equal(json_string_value(json_object_get(face, "premises")), "人民路88号");
    json_decref(face);
    assert_null(missing);
    json_object_del(values, "business_form");
    assert_int_equal(licence_face_from(out, values, form, &face, &missing), 0);
    assert_string_equal(missing, "business_form");
    assert_null(json_object_get(face, "business_form"));
    assert_string_equal(json_string_value(json_object_get(face, "premises")), "人民路88号");
    json_decref(face);
    json_decref(values);
    json_decref(form);
    json_decref(out);
    json_decref(in);
}

int main(void)
{
    if (tb_crypto_init() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_character),         cmocka_unit_test(test_number),
        cmocka_unit_test(test_serial_and_check_code),   cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_file_signed_and_checked), cmocka_unit_test(test_dates_masks_status),
        cmocka_unit_test(test_types_and_faces),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tb_crypto_cleanup();
    return rc;
}
