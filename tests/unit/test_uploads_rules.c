/*
 * test_uploads_rules.c - the pure rules of the materials library: the type
 * by content (libmagic, libzip for OFD), file-name sanitising, the storage
 * path and the download name. Tables: a new case is a new row.
 */
#include "uploads/uploads.h"
#include "lib/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testtools.h"

/* ---- samples ------------------------------------------------------------------ */

static const char pdf[] =
    "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R "
    ">>\n%%EOF\n";
/* A 1x1 PNG. */
static const unsigned char png[] = {
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
    0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};
/* A JFIF header and end of image. */
static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46,
                                     0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
                                     0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9};
static const char html[] = "<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n";
static const char svg[] = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
                          "onload=\"alert(1)\"><rect width=\"1\" height=\"1\"/></svg>\n";
static const char script[] = "#!/bin/sh\nrm -rf /\n";
static const unsigned char exe[] = {'M',  'Z',  0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00,
                                    0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0xB8, 0x00, 0x00, 0x00,
                                    0,    0,    0,    0,    0x40, 0,    0,    0,    0,    0};
static const char text_with_pdf[] = "see the attached %PDF-1.4 document\n";
static const char html_pdf[] = "<html><script>alert(1)</script>%PDF-1.4\n";

/* ---- type by content ------------------------------------------------------------ */

/* RULE: docs/cases.md uploads: the type is decided by content, never by name or header. */
static const struct {
    const char *what;
    const void *data;
    size_t len;
    const char *type; /* NULL: refused with 415 */
} type_cases[] = {
    {"PDF", pdf, sizeof(pdf) - 1, "application/pdf"},
    {"PNG", png, sizeof(png), "image/png"},
    {"JPEG", jpeg, sizeof(jpeg), "image/jpeg"},
    {"HTML", html, sizeof(html) - 1, NULL},
    {"SVG", svg, sizeof(svg) - 1, NULL},
    {"shell script", script, sizeof(script) - 1, NULL},
    {"EXE", exe, sizeof(exe), NULL},
    {"text mentioning %PDF", text_with_pdf, sizeof(text_with_pdf) - 1, NULL},
    {"HTML/PDF polyglot", html_pdf, sizeof(html_pdf) - 1, NULL},
    {"PNG signature only", png, 8, NULL},
    {"empty", "", 0, NULL},
};

static void test_type_by_content(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(type_cases) / sizeof(type_cases[0]); i++) {
        const char *type = NULL;
        int rc = upload_detect_type(type_cases[i].data, type_cases[i].len, &type);
        if (type_cases[i].type) {
            if (rc != 0 || !type || strcmp(type, type_cases[i].type) != 0)
                fail_msg("%s: rc %d type %s", type_cases[i].what, rc, type ? type : "(none)");
        } else if (rc != TB_ERR_MEDIA_TYPE) {
            fail_msg("%s: accepted as %s (rc %d)", type_cases[i].what, type ? type : "?", rc);
        }
    }
    const char *type = "x";
    assert_int_equal(upload_detect_type(NULL, 0, &type), TB_ERR_MEDIA_TYPE);
    assert_null(type);
}

/* RULE: docs/cases.md uploads: OFD is a ZIP container whose root holds OFD.xml. */
static void test_type_ofd(void **state)
{
    (void)state;
    static const struct {
        const char *names[4];
        bool is_ofd;
    } zips[] = {
        {{"OFD.xml", "Doc_0/Document.xml", NULL}, true},
        {{"Doc_0/Document.xml", "OFD.xml", NULL}, true},
        {{"a.txt", NULL}, false},
        {{"Doc_0/OFD.xml", NULL}, false},
        {{"ofd.xml", NULL}, false},
        {{"OFD.xml.bak", NULL}, false},
    };
    for (size_t i = 0; i < sizeof(zips) / sizeof(zips[0]); i++) {
        size_t len;
        unsigned char *z = test_make_zip(zips[i].names, &len);
        const char *type = NULL;
        int rc = upload_detect_type(z, len, &type);
        if (zips[i].is_ofd && (rc != 0 || strcmp(type, "application/ofd") != 0))
            fail_msg("zip %zu: rc %d type %s", i, rc, type ? type : "(none)");
        if (!zips[i].is_ofd && rc != TB_ERR_MEDIA_TYPE)
            fail_msg("zip %zu accepted", i);
        /* A truncated OFD (central directory cut off) is not a ZIP libzip opens. */
        if (zips[i].is_ofd)
            assert_int_equal(upload_detect_type(z, len - 10, &type), TB_ERR_MEDIA_TYPE);
        free(z);
    }
}

/* ---- names ------------------------------------------------------------------------ */

static const struct {
    const char *header;
    int rc;
    const char *name;
} name_cases[] = {
    {"a.pdf", 0, "a.pdf"},
    {"%E5%BC%A0%E4%B8%89%E8%BA%AB%E4%BB%BD%E8%AF%81.jpg", 0, "张三身份证.jpg"},
    {"张三.pdf", 0, "张三.pdf"}, /* raw UTF-8 is taken too */
    {"a+b%20c.pdf", 0, "a+b c.pdf"},
    {"../../etc/passwd", 0, ".._.._etc_passwd"},
    {"a%2Fb%5Cc.png", 0, "a_b_c.png"},
    {"a%0D%0Ab%09c%7F.pdf", 0, "abc.pdf"},
    {"x%C2%85y.pdf", 0, "xy.pdf"},       /* C1 control NEL */
    {"%E2%80%AEfdp.exe", 0, "fdp.exe"},  /* right-to-left override */
    {"%EF%BB%BFbom.pdf", 0, "bom.pdf"},  /* byte order mark */
    {"  spaced.pdf  ", 0, "spaced.pdf"}, /* surrounding spaces */
    {"..", 0, ""},
    {"", 0, ""},
    {"%0A", 0, ""},
    {"a%00b.pdf", TB_ERR_BAD_UTF8, ""},
    {"%FF.pdf", TB_ERR_BAD_UTF8, ""},
    {"%C0%AF.pdf", TB_ERR_BAD_UTF8, ""}, /* overlong '/' */
    {"%ED%A0%80.pdf", TB_ERR_BAD_UTF8, ""},
    {"%zz.pdf", TB_ERR_BAD_REQUEST, ""},
    {"a%4", TB_ERR_BAD_REQUEST, ""},
    {"a%", TB_ERR_BAD_REQUEST, ""},
};

static void test_name_clean(void **state)
{
    (void)state;
    char out[UPLOAD_NAME_MAX_BYTES + 1];
    for (size_t i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
        int rc = upload_name_clean(name_cases[i].header, out, sizeof(out));
        if (rc != name_cases[i].rc || (rc == 0 && strcmp(out, name_cases[i].name) != 0))
            fail_msg("\"%s\": rc %d name \"%s\", want %d \"%s\"", name_cases[i].header, rc,
                     rc == 0 ? out : "", name_cases[i].rc, name_cases[i].name);
    }
}

/* The name limit at limit-1, limit and limit+1 (STYLE.md 16), in ASCII and
 * in three-byte characters percent-encoded; dropped characters do not count. */
static void test_name_limit(void **state)
{
    (void)state;
    char out[UPLOAD_NAME_MAX_BYTES + 1];
    static char in[UPLOAD_NAME_HEADER_MAX + 64];
    for (int n = UPLOAD_NAME_MAX_CHARS - 1; n <= UPLOAD_NAME_MAX_CHARS + 1; n++) {
        int want = n <= UPLOAD_NAME_MAX_CHARS ? 0 : TB_ERR_INVALID;
        memset(in, 'a', (size_t)n);
        in[n] = '\0';
        assert_int_equal(upload_name_clean(in, out, sizeof(out)), want);
        if (want == 0)
            assert_int_equal(strlen(out), (size_t)n);
        in[0] = '\0';
        for (int k = 0; k < n; k++)
            strncat(in, "%E5%BC%A0", sizeof(in) - strlen(in) - 1);
        assert_int_equal(upload_name_clean(in, out, sizeof(out)), want);
        if (want == 0)
            assert_int_equal(strlen(out), (size_t)n * 3);
    }
    memset(in, 'a', UPLOAD_NAME_MAX_CHARS);
    in[UPLOAD_NAME_MAX_CHARS] = '\0';
    strncat(in, "%0A%0D", sizeof(in) - strlen(in) - 1);
    assert_int_equal(upload_name_clean(in, out, sizeof(out)), 0);
    /* A header longer than any valid name could be encoded is refused unread. */
    memset(in, 'a', UPLOAD_NAME_HEADER_MAX + 1);
    in[UPLOAD_NAME_HEADER_MAX + 1] = '\0';
    assert_int_equal(upload_name_clean(in, out, sizeof(out)), TB_ERR_INVALID);
}

static void test_public_id(void **state)
{
    (void)state;
    assert_true(upload_public_id_ok("0123456789abcdef0123456789abcdef"));
    assert_false(upload_public_id_ok("0123456789abcdef0123456789abcde"));
    assert_false(upload_public_id_ok("0123456789abcdef0123456789abcdef0"));
    assert_false(upload_public_id_ok("0123456789ABCDEF0123456789abcdef"));
    assert_false(upload_public_id_ok("0123456789abcdef0123456789abcde/"));
    assert_false(upload_public_id_ok(""));
}

/* ---- paths and downloads ---------------------------------------------------------- */

static void test_paths(void **state)
{
    (void)state;
    static const char hex[] = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";
    char dir[UPLOAD_PATH_MAX], path[UPLOAD_PATH_MAX];
    assert_int_equal(upload_paths("/srv/data/uploads", hex, dir, sizeof(dir), path, sizeof(path)),
                     0);
    assert_string_equal(dir, "/srv/data/uploads/66/c7");
    assert_string_equal(path, "/srv/data/uploads/66/c7/"
                              "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    static const char *const bad[] = {
        "66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0",
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e",
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e00",
        "../../../../etc/passwd0000000000000000000000000000000000000000000",
        "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(upload_paths("/d", bad[i], dir, sizeof(dir), path, sizeof(path)),
                         TB_ERR_INVALID);
    assert_int_equal(upload_paths("/srv/data", hex, dir, 10, path, sizeof(path)), TB_ERR_TOO_LARGE);
    assert_int_equal(upload_paths("/srv/data", hex, dir, sizeof(dir), path, 30), TB_ERR_TOO_LARGE);
}

static const struct {
    const char *name, *type, *want;
} disposition_cases[] = {
    {"张三.pdf", "application/pdf", "attachment; filename*=UTF-8''%E5%BC%A0%E4%B8%89.pdf"},
    {"scan.JPEG", "image/jpeg", "attachment; filename*=UTF-8''scan.JPEG"},
    {"scan.jpg", "image/jpeg", "attachment; filename*=UTF-8''scan.jpg"},
    {"page.html", "image/png", "attachment; filename*=UTF-8''page.html.png"},
    {"合同", "application/ofd", "attachment; filename*=UTF-8''%E5%90%88%E5%90%8C.ofd"},
    {"a b;\"c'.pdf", "application/pdf", "attachment; filename*=UTF-8''a%20b%3B%22c%27.pdf"},
    {"", "image/png", "attachment; filename*=UTF-8''0123456789abcdef0123456789abcdef.png"},
    {".pdf", "application/pdf", "attachment; filename*=UTF-8''.pdf.pdf"},
};

static void test_disposition(void **state)
{
    (void)state;
    char out[UPLOAD_NAME_MAX_BYTES * 3 + 128];
    for (size_t i = 0; i < sizeof(disposition_cases) / sizeof(disposition_cases[0]); i++) {
        assert_int_equal(upload_disposition(disposition_cases[i].name, disposition_cases[i].type,
                                            "0123456789abcdef0123456789abcdef", out, sizeof(out)),
                         0);
        assert_string_equal(out, disposition_cases[i].want);
    }
    assert_int_equal(upload_disposition("张三.pdf", "application/pdf", "x", out, 40),
                     TB_ERR_TOO_LARGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_by_content), cmocka_unit_test(test_type_ofd),
        cmocka_unit_test(test_name_clean),      cmocka_unit_test(test_name_limit),
        cmocka_unit_test(test_public_id),       cmocka_unit_test(test_paths),
        cmocka_unit_test(test_disposition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
