/*
 * test_licence_pdf.c - the electronic licence PDF and the seal image
 * (src/guide/licence.c), and reading a PDF's Subject back (src/lib/pdfmeta.c).
 *
 * The seal is read back as pixels: a PNG of the size asked for, transparent
 * in its corners, red in its ring and its star. The licence is read the way
 * a holder reads it: pdftotext must find the type, the holder, the number,
 * the face, the validity (长期 for no end), the issuer and the small print;
 * pdfinfo counts one page; a licence that is not valid carries its word
 * (已注销 ...). Equal input gives equal bytes, also from several threads.
 * The Subject, which holds the licence file for offline verification, must
 * come back through tb_pdf_subject byte for byte, long or Chinese. The QR
 * code must decode to verify_url (pdftoppm, then zbarimg).
 *
 * poppler-utils is a test dependency (scripts/install-deps.sh): a missing
 * pdftotext or pdfinfo fails the test. The QR check alone is skipped, with
 * a message, where pdftoppm or zbarimg cannot run.
 */
#include "guide/guide.h"
#include "lib/arena.h"
#include "lib/err.h"
#include "lib/pdfmeta.h"
#include "testtools.h"

#include <cairo.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define OUT_MAX          (16 * 1024 * 1024)
#define TOOL_OUT_MAX     (4 * 1024 * 1024)
#define THREADS          6
#define LONG_SUBJECT_LEN 3000 /* about what a licence file in base64 takes */

/* ---- LeakSanitizer ------------------------------------------------------------ */

/* The same two library leaks as test_guide.c (see its comment): cairo 1.16
 * loses 768 bytes per CFF font subset at cairo_surface_finish, fontconfig
 * 288 bytes once while loading its configuration. Every test frees its
 * buffers by hand, so that a tb_buf leak does not hide behind the first. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:cairo_surface_finish\n"
           "leak:FcInitLoadConfigAndFonts\n";
}

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0:malloc_context_size=24";
}

/* ---- the licence ---------------------------------------------------------------- */

#define VERIFY_URL                                                                                 \
    "https://zwfw.example.gov.cn/verify/"                                                          \
    "?no=1.2.156.3005.2.11100000MB0001038T002.11350100MB0000001X.7K3Q9ZP2M4XA.001.Q"               \
    "&check=7KQ2MZ9P"

static const char LICENCE[] =
    "{\"type_name\": \"食品经营许可证\","
    " \"no\": \"1.2.156.3005.2.11100000MB0001038T002.11350100MB0000001X.7K3Q9ZP2M4XA.001.Q\","
    " \"holder\": {\"name\": \"示范市鲜味餐饮管理有限公司\","
    "             \"id_type_label\": \"统一社会信用代码\", \"id_number\": \"91350100MA2XYZ1234\"},"
    " \"face\": [{\"label\": \"法定代表人\", \"value\": \"张三\"},"
    "          {\"label\": \"经营场所\", \"value\": \"示范市示范区人民路88号一层至二层（含101、"
    "102、201室），经营面积共计约三百二十平方米\"},"
    "          {\"label\": \"主体业态\", \"value\": \"餐饮服务经营者（中型餐馆）\"},"
    "          {\"label\": \"经营项目\", \"value\": "
    "\"热食类食品制售；冷食类食品制售（不含生食）\"},"
    "          {\"label\": \"从业人员\", \"value\": 36},"
    "          {\"label\": \"首次发证\", \"value\": \"2021-03-05\"}],"
    " \"issuer\": {\"name\": \"示范区行政审批局\"},"
    " \"issued_on\": \"2026-11-24\", \"valid_from\": \"2026-11-24\", \"valid_until\": null,"
    " \"trust_level\": \"A\","
    " \"verify_url\": \"" VERIFY_URL "\","
    " \"signature\": \"304502210089ab3cd4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"
    "f9002206a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b\","
    " \"seal_fingerprint\": \"5f1c2a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a29180f7e6d5c4b3a2918070f\","
    " \"seal_id\": \"SEAL-DEMO-DIST-XZSPJ-0001\", \"status\": \"valid\","
    " \"subject\": \"tongban-licence/1:eyJmb3JtYXQiOiJ0b25nYmFuLWxpY2VuY2UvMSJ9\"}";

/* What the holder must read on the page (spaces taken out, as pdf_text has). */
static const char *const LICENCE_TEXT[] = {
    "食品经营许可证",
    "1.2.156.3005.2.11100000MB0001038T002.11350100MB0000001X.7K3Q9ZP2M4XA.001.Q",
    "示范市鲜味餐饮管理有限公司",
    "统一社会信用代码",
    "91350100MA2XYZ1234",
    "法定代表人张三",
    "示范市示范区人民路88号一层至二层（含101、102、201室），经营面积共计约三百二十平方米",
    "经营项目热食类食品制售；冷食类食品制售（不含生食）",
    "从业人员36",
    "首次发证2021年3月5日",
    "有效期限2026年11月24日至长期",
    "示范区行政审批局2026年11月24日",
    "扫码核验",
    /* one line of the small print, wrapped here only */
    ("签名算法SM2-SM3·印章SEAL-DEMO-DIST-XZSPJ-0001·指纹"
     "5f1c2a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a29180f7e6d5c4b3a2918070f"),
    "304502210089ab3cd4e5f607",
};

/* The word laid over a licence that is not valid. */
static const struct status_case {
    const char *status;
    const char *word; /* NULL: none */
} STATUSES[] = {
    {"valid", NULL},       {"revoked", "已注销"}, {"superseded", "已变更"},
    {"expired", "已过期"}, {"tampered", "无效"},
};

static const char *const WORDS[] = {"已注销", "已变更", "已过期", "无效"};

/* ---- helpers ------------------------------------------------------------------ */

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
    static char path[4][128];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
    return p;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/tb_test_licence.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const FILES[] = {"licence.pdf", "page.png", "not.pdf"};
    for (size_t i = 0; i < COUNT(FILES); i++)
        unlink(tmp_path(FILES[i]));
    return rmdir(tmpdir);
}

static json_t *load(const char *json)
{
    json_error_t e;
    json_t *j = json_loads(json, 0, &e);
    if (!j)
        fail_msg("%d:%d: %s", e.line, e.column, e.text);
    return j;
}

/* Renders data into licence.pdf in tmpdir; out holds the bytes. */
static void render(const json_t *data, struct tb_buf *out)
{
    tb_buf_init(out, OUT_MAX);
    assert_int_equal(licence_pdf(data, out), TB_OK);
    assert_memory_equal(out->data, "%PDF-", 5);
    test_write_file(tmp_path("licence.pdf"), out);
}

/* The text of licence.pdf (pdftotext -raw) with every space and line break
 * taken out, so that wrapped text reads as one string. Caller frees. */
static char *pdf_text(void)
{
    struct tb_buf raw;
    tb_buf_init(&raw, TOOL_OUT_MAX);
    const char *argv[] = {"pdftotext", "-raw", "-enc", "UTF-8", tmp_path("licence.pdf"), "-", NULL};
    assert_int_equal(test_run(argv, &raw), 0);
    char *s = malloc(raw.len + 1);
    assert_non_null(s);
    size_t n = 0;
    for (size_t i = 0; i < raw.len; i++)
        if (!strchr(" \t\r\n\f", raw.data[i]))
            s[n++] = raw.data[i];
    s[n] = '\0';
    tb_buf_free(&raw);
    return s;
}

static int pdf_pages(void)
{
    struct tb_buf info;
    tb_buf_init(&info, TOOL_OUT_MAX);
    const char *argv[] = {"pdfinfo", tmp_path("licence.pdf"), NULL};
    assert_int_equal(test_run(argv, &info), 0);
    const char *p = strstr(tb_buf_cstr(&info), "\nPages:");
    assert_non_null(p);
    int pages = (int)strtol(p + strlen("\nPages:"), NULL, 10);
    tb_buf_free(&info);
    return pages;
}

static void assert_has(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("text of the PDF lacks \"%s\"", needle);
}

/* ---- the seal image --------------------------------------------------------------- */

struct png_reader {
    const struct tb_buf *b;
    size_t at;
};

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int length)
{
    struct png_reader *r = closure;
    if (r->at + length > r->b->len)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->b->data + r->at, length);
    r->at += length;
    return CAIRO_STATUS_SUCCESS;
}

/* The ARGB32 pixel at (x, y), premultiplied as cairo keeps it. */
static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
    const unsigned char *row =
        cairo_image_surface_get_data(s) + (size_t)y * (size_t)cairo_image_surface_get_stride(s);
    uint32_t p;
    memcpy(&p, row + (size_t)x * 4, 4);
    return p;
}

static bool is_red(uint32_t p)
{
    unsigned a = p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
    return a > 200 && r > 150 && g < 60 && b < 60;
}

/* Checks a seal PNG of size px: the magic, the size, clear corners, a red
 * ring at the top, a red star in the middle, and red enough overall. */
static void check_seal(const struct tb_buf *png, int size)
{
    static const unsigned char MAGIC[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    assert_true(png->len > sizeof(MAGIC));
    assert_memory_equal(png->data, MAGIC, sizeof(MAGIC));
    struct png_reader r = {png, 0};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(png_read, &r);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_format(s), CAIRO_FORMAT_ARGB32);
    assert_int_equal(cairo_image_surface_get_width(s), size);
    assert_int_equal(cairo_image_surface_get_height(s), size);
    int corner = size / 8; /* outside the circle whatever the margin */
    for (int y = 0; y < corner; y++)
        for (int x = 0; x < corner; x++) {
            assert_int_equal(pixel(s, x, y) >> 24, 0);
            assert_int_equal(pixel(s, size - 1 - x, size - 1 - y) >> 24, 0);
            assert_int_equal(pixel(s, size - 1 - x, y) >> 24, 0);
            assert_int_equal(pixel(s, x, size - 1 - y) >> 24, 0);
        }
    assert_true(is_red(pixel(s, size / 2, size / 2)));             /* the star */
    assert_true(is_red(pixel(s, size / 2, (int)(size * 0.0345)))); /* the ring at the top */
    long red = 0;
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
            red += is_red(pixel(s, x, y));
    double share = (double)red / ((double)size * size);
    print_message("%4d px: %.1f%% red\n", size, share * 100);
    assert_true(share > 0.05 && share < 0.6);
    cairo_surface_destroy(s);
}

/* n copies of the character c (UTF-8), in a static buffer of the caller's. */
static const char *chars(char *buf, size_t size, const char *c, int n)
{
    size_t len = strlen(c);
    assert_true((size_t)n * len < size);
    for (int i = 0; i < n; i++)
        memcpy(buf + (size_t)i * len, c, len);
    buf[(size_t)n * len] = '\0';
    return buf;
}

static void test_seal_png(void **state)
{
    (void)state;
    char forty[256];
    const struct {
        const char *name, *caption;
        int size;
    } SEALS[] = {
        {"示范区行政审批局", NULL, 512},
        {"示范区行政审批局", "行政审批专用章", SEAL_MIN_PX},
        {"公安局", "", 200},
        {"示范市鼓楼区市场监督管理局行政审批服务中心", NULL, SEAL_MAX_PX},
        {chars(forty, sizeof(forty), "政", SEAL_MAX_NAME_CHARS), NULL, 300},
    };
    for (size_t i = 0; i < COUNT(SEALS); i++) {
        struct tb_buf a, b;
        tb_buf_init(&a, OUT_MAX);
        tb_buf_init(&b, OUT_MAX);
        assert_int_equal(seal_png(SEALS[i].name, SEALS[i].caption, SEALS[i].size, &a), TB_OK);
        check_seal(&a, SEALS[i].size);
        /* equal input, equal bytes */
        assert_int_equal(seal_png(SEALS[i].name, SEALS[i].caption, SEALS[i].size, &b), TB_OK);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.data, b.data, a.len);
        tb_buf_free(&a);
        tb_buf_free(&b);
    }
}

static void test_seal_errors(void **state)
{
    (void)state;
    char name_max[256], name_over[256], caption_max[64], caption_over[64];
    /* the limits themselves pass, one more character fails */
    chars(name_max, sizeof(name_max), "印", SEAL_MAX_NAME_CHARS);
    chars(name_over, sizeof(name_over), "印", SEAL_MAX_NAME_CHARS + 1);
    chars(caption_max, sizeof(caption_max), "章", SEAL_MAX_CAPTION_CHARS);
    chars(caption_over, sizeof(caption_over), "章", SEAL_MAX_CAPTION_CHARS + 1);
    const struct {
        const char *name, *caption;
        int size, rc;
    } CASES[] = {
        {NULL, NULL, 256, TB_ERR_INVALID},
        {"", NULL, 256, TB_ERR_INVALID},
        {"示范区行政审批局", NULL, SEAL_MIN_PX - 1, TB_ERR_INVALID},
        {"示范区行政审批局", NULL, SEAL_MAX_PX + 1, TB_ERR_INVALID},
        {"示范区行政审批局", NULL, 0, TB_ERR_INVALID},
        {"示范区行政审批局", NULL, -256, TB_ERR_INVALID},
        {"示范区\xff审批局", NULL, 256, TB_ERR_BAD_UTF8},
        {"示范区行政审批局", "\xe7\x94", 256, TB_ERR_BAD_UTF8},
        {name_over, NULL, 256, TB_ERR_TOO_LARGE},
        {name_max, caption_over, 256, TB_ERR_TOO_LARGE},
        {name_max, caption_max, 256, TB_OK},
    };
    for (size_t i = 0; i < COUNT(CASES); i++) {
        struct tb_buf out;
        tb_buf_init(&out, OUT_MAX);
        assert_int_equal(tb_buf_puts(&out, "kept"), TB_OK);
        int rc = seal_png(CASES[i].name, CASES[i].caption, CASES[i].size, &out);
        if (rc != CASES[i].rc)
            fail_msg("case %zu: %d, expected %d", i, rc, CASES[i].rc);
        if (rc != TB_OK)
            assert_string_equal(tb_buf_cstr(&out), "kept");
        tb_buf_free(&out);
    }
    /* out's maximum: the buffer is left as it was */
    struct tb_buf small;
    tb_buf_init(&small, 1024);
    assert_int_equal(tb_buf_puts(&small, "kept"), TB_OK);
    assert_int_equal(seal_png("示范区行政审批局", NULL, 512, &small), TB_ERR_TOO_LARGE);
    assert_string_equal(tb_buf_cstr(&small), "kept");
    tb_buf_free(&small);
}

/* seal_draw on a caller's surface: with no name (or a broken one) the ring
 * and the star, and cr's state as it was. */
static void test_seal_draw(void **state)
{
    (void)state;
    static const char *const NAMES[] = {NULL, "\xff\xfe", "示范区行政审批局"};
    for (size_t i = 0; i < COUNT(NAMES); i++) {
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 200, 200);
        cairo_t *cr = cairo_create(s);
        cairo_set_source_rgb(cr, 0, 0, 1);
        cairo_set_line_width(cr, 3);
        seal_draw(cr, NAMES[i], NULL, 100, 100, 90);
        assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
        assert_true(cairo_get_line_width(cr) == 3);
        double r, g, b, a;
        assert_int_equal(cairo_pattern_get_rgba(cairo_get_source(cr), &r, &g, &b, &a),
                         CAIRO_STATUS_SUCCESS);
        assert_true(r == 0 && g == 0 && b == 1);
        cairo_surface_flush(s);
        assert_true(is_red(pixel(s, 100, 100)));
        assert_true(is_red(pixel(s, 100, 100 - 90 + 2)));
        assert_int_equal(pixel(s, 2, 2) >> 24, 0);
        cairo_destroy(cr);
        cairo_surface_destroy(s);
    }
}

/* ---- the licence PDF ----------------------------------------------------------------- */

static void test_licence_text(void **state)
{
    (void)state;
    json_t *data = load(LICENCE);
    struct tb_buf out;
    render(data, &out);
    assert_int_equal(pdf_pages(), 1);
    char *text = pdf_text();
    for (size_t i = 0; i < COUNT(LICENCE_TEXT); i++)
        assert_has(text, LICENCE_TEXT[i]);
    for (size_t i = 0; i < COUNT(WORDS); i++)
        assert_null(strstr(text, WORDS[i]));
    free(text);
    tb_buf_free(&out);
    json_decref(data);
}

static void test_equal_bytes(void **state)
{
    (void)state;
    json_t *data = load(LICENCE);
    struct tb_buf a, b;
    render(data, &a);
    render(data, &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    tb_buf_free(&a);
    tb_buf_free(&b);
    json_decref(data);
}

struct render_job {
    const json_t *data;
    struct tb_buf out;
    int rc;
};

static void *render_one(void *arg)
{
    struct render_job *job = arg;
    tb_buf_init(&job->out, OUT_MAX);
    job->rc = licence_pdf(job->data, &job->out);
    return NULL;
}

/* Licences render on the worker pool: at once, each gives the bytes of a
 * render alone. */
static void test_threads(void **state)
{
    (void)state;
    json_t *data = load(LICENCE);
    struct tb_buf alone;
    render(data, &alone);
    struct render_job jobs[THREADS];
    pthread_t tids[THREADS];
    for (size_t i = 0; i < THREADS; i++) {
        jobs[i] = (struct render_job){.data = data};
        assert_int_equal(pthread_create(&tids[i], NULL, render_one, &jobs[i]), 0);
    }
    for (size_t i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(tids[i], NULL), 0);
    for (size_t i = 0; i < THREADS; i++) {
        assert_int_equal(jobs[i].rc, TB_OK);
        assert_int_equal(jobs[i].out.len, alone.len);
        assert_memory_equal(jobs[i].out.data, alone.data, alone.len);
        tb_buf_free(&jobs[i].out);
    }
    tb_buf_free(&alone);
    json_decref(data);
}

/* A licence that is not valid says which way across the page; a valid one
 * says none of the words. */
static void test_status_watermark(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(STATUSES); i++) {
        json_t *data = load(LICENCE);
        json_object_set_new(data, "status", json_string(STATUSES[i].status));
        struct tb_buf out;
        render(data, &out);
        char *text = pdf_text();
        for (size_t k = 0; k < COUNT(WORDS); k++) {
            bool is_expected = STATUSES[i].word && strcmp(WORDS[k], STATUSES[i].word) == 0;
            if (is_expected != (strstr(text, WORDS[k]) != NULL))
                fail_msg("status %s: \"%s\" %s", STATUSES[i].status, WORDS[k],
                         is_expected ? "missing" : "shown");
        }
        assert_has(text, "食品经营许可证"); /* the licence itself still reads */
        free(text);
        tb_buf_free(&out);
        json_decref(data);
    }
}

/* Missing fields, or fields of the wrong type, print "—" and never fail. */
static void test_missing_fields(void **state)
{
    (void)state;
    static const char *const DATA[] = {
        "{}",
        "{\"type_name\": 5, \"holder\": [], \"face\": [1, null, {}, {\"label\": \"x\"}],"
        " \"issuer\": \"x\", \"issued_on\": \"soon\", \"valid_until\": 7, \"verify_url\": \"\","
        " \"status\": null, \"subject\": 12, \"trust_level\": \"Z\"}",
    };
    for (size_t i = 0; i < COUNT(DATA); i++) {
        json_t *data = load(DATA[i]);
        struct tb_buf out;
        render(data, &out);
        assert_int_equal(pdf_pages(), 1);
        char *text = pdf_text();
        assert_has(text, "持证主体—");
        assert_has(text, "有效期限—至—");
        free(text);
        char *subject = NULL;
        assert_int_equal(tb_pdf_subject(tmp_path("licence.pdf"), &subject), TB_OK);
        assert_null(subject);
        tb_buf_free(&out);
        json_decref(data);
    }
}

/* Forty short face fields fit on the page in smaller type; what can never
 * fit is refused, never cut. */
static void test_fit(void **state)
{
    (void)state;
    json_t *data = load(LICENCE);
    json_t *face = json_array();
    for (int i = 1; i <= 40; i++) {
        char label[32], value[64];
        snprintf(label, sizeof(label), "照面项目%02d", i);
        snprintf(value, sizeof(value), "照面内容第%02d项", i);
        json_array_append_new(face, json_pack("{s:s,s:s}", "label", label, "value", value));
    }
    json_object_set_new(data, "face", face);
    struct tb_buf out;
    render(data, &out);
    assert_int_equal(pdf_pages(), 1);
    char *text = pdf_text();
    assert_has(text, "照面项目01照面内容第01项");
    assert_has(text, "照面项目40照面内容第40项");
    assert_has(text, "示范区行政审批局");
    free(text);
    tb_buf_free(&out);

    /* 40 values of 1,000 characters (the catalogue's limits) cannot fit */
    char *long_value = malloc(1000 * 3 + 1);
    assert_non_null(long_value);
    for (int i = 0; i < 1000; i++)
        memcpy(long_value + i * 3, "证", 3);
    long_value[3000] = '\0';
    face = json_array();
    for (int i = 0; i < 40; i++)
        json_array_append_new(face, json_pack("{s:s,s:s}", "label", "项目", "value", long_value));
    json_object_set_new(data, "face", face);
    tb_buf_init(&out, OUT_MAX);
    assert_int_equal(tb_buf_puts(&out, "kept"), TB_OK);
    assert_int_equal(licence_pdf(data, &out), TB_ERR_TOO_LARGE);
    assert_string_equal(tb_buf_cstr(&out), "kept");
    tb_buf_free(&out);
    free(long_value);
    json_decref(data);
}

static void test_errors(void **state)
{
    (void)state;
    struct tb_buf out;
    tb_buf_init(&out, OUT_MAX);
    assert_int_equal(tb_buf_puts(&out, "kept"), TB_OK);
    json_t *arr = json_array();
    assert_int_equal(licence_pdf(NULL, &out), TB_ERR_INVALID);
    assert_int_equal(licence_pdf(arr, &out), TB_ERR_INVALID);
    assert_string_equal(tb_buf_cstr(&out), "kept");

    /* a printed text over GUIDE_MAX_TEXT_BYTES */
    json_t *data = load(LICENCE);
    char *big = malloc(GUIDE_MAX_TEXT_BYTES + 2);
    assert_non_null(big);
    memset(big, 'A', GUIDE_MAX_TEXT_BYTES + 1);
    big[GUIDE_MAX_TEXT_BYTES + 1] = '\0';
    json_object_set_new(json_object_get(data, "holder"), "name", json_string(big));
    assert_int_equal(licence_pdf(data, &out), TB_ERR_TOO_LARGE);
    assert_string_equal(tb_buf_cstr(&out), "kept");
    free(big);
    json_decref(data);

    /* the subject: LICENCE_MAX_SUBJECT_BYTES is the limit, one more too many */
    data = load(LICENCE);
    char *subject = malloc(LICENCE_MAX_SUBJECT_BYTES + 2);
    assert_non_null(subject);
    memset(subject, 'Q', LICENCE_MAX_SUBJECT_BYTES + 1);
    subject[LICENCE_MAX_SUBJECT_BYTES + 1] = '\0';
    json_object_set_new(data, "subject", json_string(subject));
    assert_int_equal(licence_pdf(data, &out), TB_ERR_TOO_LARGE);
    assert_string_equal(tb_buf_cstr(&out), "kept");
    subject[LICENCE_MAX_SUBJECT_BYTES] = '\0';
    json_object_set_new(data, "subject", json_string(subject));
    struct tb_buf ok;
    render(data, &ok);
    char *back = NULL;
    assert_int_equal(tb_pdf_subject(tmp_path("licence.pdf"), &back), TB_OK);
    assert_non_null(back);
    assert_string_equal(back, subject);
    free(back);
    tb_buf_free(&ok);
    free(subject);

    /* a verify_url too long for a QR code */
    char *url = malloc(4096);
    assert_non_null(url);
    memcpy(url, "https://x.cn/", 13);
    memset(url + 13, 'a', 4000);
    url[4013] = '\0';
    json_object_set_new(data, "subject", json_string("s"));
    json_object_set_new(data, "verify_url", json_string(url));
    assert_int_equal(licence_pdf(data, &out), TB_ERR_TOO_LARGE);
    assert_string_equal(tb_buf_cstr(&out), "kept");
    free(url);

    /* out's maximum: the buffer is left as it was */
    json_object_set_new(data, "verify_url", json_string(VERIFY_URL));
    struct tb_buf small;
    tb_buf_init(&small, 10 * 1024);
    assert_int_equal(tb_buf_puts(&small, "kept"), TB_OK);
    assert_int_equal(licence_pdf(data, &small), TB_ERR_TOO_LARGE);
    assert_string_equal(tb_buf_cstr(&small), "kept");
    tb_buf_free(&small);

    json_decref(data);
    json_decref(arr);
    tb_buf_free(&out);
}

/* ---- the Subject, read back ------------------------------------------------------------ */

/* The Subject holds the licence file for offline verification
 * (docs/licences.md): it must come back exactly, ASCII of licence size
 * and Chinese alike. */
static void test_subject_round_trip(void **state)
{
    (void)state;
    static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *long_subject = malloc(LONG_SUBJECT_LEN + 32);
    assert_non_null(long_subject);
    size_t n = (size_t)snprintf(long_subject, 32, "tongban-licence/1:");
    for (size_t i = 0; i < LONG_SUBJECT_LEN; i++)
        long_subject[n++] = B64[(i * 7 + i / 64) % 64];
    memcpy(long_subject + n, "==", 3);
    const char *const SUBJECTS[] = {
        long_subject,
        "tongban-licence/1:示范区行政审批局（食品经营许可证）\\(括号) 与 «引号» ✓",
        "",
    };
    for (size_t i = 0; i < COUNT(SUBJECTS); i++) {
        json_t *data = load(LICENCE);
        json_object_set_new(data, "subject", json_string(SUBJECTS[i]));
        struct tb_buf out;
        render(data, &out);
        char *back = NULL;
        assert_int_equal(tb_pdf_subject(tmp_path("licence.pdf"), &back), TB_OK);
        if (*SUBJECTS[i]) {
            assert_non_null(back);
            assert_string_equal(back, SUBJECTS[i]);
        } else {
            assert_true(!back || !*back); /* an empty Subject: none, or empty */
        }
        free(back);
        tb_buf_free(&out);
        json_decref(data);
    }
    free(long_subject);
}

static void test_subject_errors(void **state)
{
    (void)state;
    char *s = (char *)"untouched";
    assert_int_equal(tb_pdf_subject(tmp_path("no-such.pdf"), &s), TB_ERR_NOT_FOUND);
    assert_null(s);
    assert_int_equal(tb_pdf_subject(tmp_path("no-such-dir/licence.pdf"), &s), TB_ERR_NOT_FOUND);
    assert_int_equal(tb_pdf_subject("", &s), TB_ERR_INVALID);
    assert_int_equal(tb_pdf_subject(tmpdir, &s), TB_ERR_INVALID); /* a directory */

    static const char *const NOT_PDF[] = {
        "not a PDF at all, only text\n",
        "%PDF-1.5\n%garbage with the magic and nothing else\n",
        "",
    };
    for (size_t i = 0; i < COUNT(NOT_PDF); i++) {
        struct tb_buf b;
        tb_buf_init(&b, 1024);
        assert_int_equal(tb_buf_puts(&b, NOT_PDF[i]), TB_OK);
        test_write_file(tmp_path("not.pdf"), &b);
        tb_buf_free(&b);
        assert_int_equal(tb_pdf_subject(tmp_path("not.pdf"), &s), TB_ERR_INVALID);
        assert_null(s);
    }

    /* a relative path works like any other */
    json_t *data = load(LICENCE);
    struct tb_buf out;
    render(data, &out);
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(tmpdir), 0);
    int rc = tb_pdf_subject("licence.pdf", &s);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc, TB_OK);
    assert_string_equal(s, "tongban-licence/1:eyJmb3JtYXQiOiJ0b25nYmFuLWxpY2VuY2UvMSJ9");
    free(s);
    tb_buf_free(&out);
    json_decref(data);
}

/* ---- the QR code --------------------------------------------------------------------- */

/* The page at 200 dpi, decoded by zbarimg: one symbol, verify_url. */
static void test_qr_decodes(void **state)
{
    (void)state;
    json_t *data = load(LICENCE);
    struct tb_buf out;
    render(data, &out);
    struct tb_buf ignored, decoded;
    tb_buf_init(&ignored, TOOL_OUT_MAX);
    tb_buf_init(&decoded, TOOL_OUT_MAX);
    const char *ppm[] = {"pdftoppm",       "-r",          "200",
                         "-png",           "-singlefile", tmp_path("licence.pdf"),
                         tmp_path("page"), NULL};
    int rc = test_run(ppm, &ignored);
    if (rc == RUN_NOT_FOUND) {
        print_message("skipped: pdftoppm cannot run (poppler-utils)\n");
        goto done;
    }
    assert_int_equal(rc, 0);
    const char *zbar[] = {"zbarimg", "-q", "--raw", tmp_path("page.png"), NULL};
    rc = test_run(zbar, &decoded);
    if (rc == RUN_NOT_FOUND) {
        print_message("skipped: zbarimg cannot run (zbar-tools)\n");
        goto done;
    }
    assert_int_equal(rc, 0);
    assert_string_equal(tb_buf_cstr(&decoded), VERIFY_URL "\n");
done:
    tb_buf_free(&ignored);
    tb_buf_free(&decoded);
    tb_buf_free(&out);
    json_decref(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seal_png),
        cmocka_unit_test(test_seal_errors),
        cmocka_unit_test(test_seal_draw),
        cmocka_unit_test(test_licence_text),
        cmocka_unit_test(test_equal_bytes),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_status_watermark),
        cmocka_unit_test(test_missing_fields),
        cmocka_unit_test(test_fit),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_subject_round_trip),
        cmocka_unit_test(test_subject_errors),
        cmocka_unit_test(test_qr_decodes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
