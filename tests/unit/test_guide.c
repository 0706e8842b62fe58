/*
 * test_guide.c - the printable service guide and the QR codes of src/guide.
 *
 * The PDF is checked the way a reader sees it: pdftotext must find the
 * item's name, every material, the legal limit, the organisation and the
 * page footer; pdfinfo counts pages. A 100-material item must run over
 * several pages with no material lost, 32 threads render at once (the
 * worker pool) and all get the same bytes. The QR PNG must decode back to
 * the URL with zbarimg, and the SVG must be well formed and hold the very
 * symbol of the PNG.
 *
 * poppler-utils and zbar-tools are test dependencies (scripts/install-deps.sh):
 * a missing tool fails the test, never skips it. xmllint (libxml2-utils, not
 * in install-deps.sh) checks the SVG too where it is installed; the shape
 * check in svg_is_well_formed runs everywhere.
 * The item is tests/unit/fixtures/guide/food_licence.json.
 */
#include "guide/guide.h"
#include "lib/arena.h"
#include "lib/err.h"
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

#define FIXTURE      TB_SOURCE_DIR "/tests/unit/fixtures/guide/food_licence.json"
#define ORG_NAME     "示范市行政审批局"
#define GUIDE_URL    "https://zwfw.example.gov.cn/items/11350100MB0000001X3000123456000"
#define OUT_MAX      (16 * 1024 * 1024)
#define TOOL_OUT_MAX (4 * 1024 * 1024)
#define THREADS      32 /* the worker pool */

/* ---- LeakSanitizer ------------------------------------------------------------ */

/* Two leaks inside the libraries, found under `make test SANITIZE=1` and
 * suppressed here only, by the narrowest frame that is symbolised:
 *  - cairo 1.16.0 (Debian 12) loses 768 bytes for each CFF font it subsets
 *    into a PDF, at cairo_surface_finish; a cairo-only program drawing one
 *    string in Noto Sans CJK (CFF) leaks the same, DejaVu (TrueType) does
 *    not. The guide embeds two CFF fonts: 1.5 KB a render, until cairo is
 *    upgraded. Caveat: a tb_buf this file forgot to free would hide here
 *    too (it grows inside cairo_surface_finish), so every test frees its
 *    buffers by hand.
 *  - fontconfig 2.14 loses 288 bytes once per process while parsing its
 *    configuration files (FcInitLoadConfigAndFonts), a one-off at start.
 * The sanitizers read these hooks from the executable; other builds ignore
 * them. Debian's libraries have no frame pointers, so a leak's stack only
 * reaches the frames named above with the slow unwinder (about 3x slower
 * here: 20 s). */
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

/* ---- helpers ------------------------------------------------------------------ */

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/tb_test_guide.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"food.pdf", "long.pdf", "empty.pdf", "qr.png", "qr.svg"};
    char path[128];
    for (size_t i = 0; i < COUNT(names); i++) {
        snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
        unlink(path);
    }
    return rmdir(tmpdir);
}

static const char *tmp_path(const char *name)
{
    static char path[128];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    return path;
}

/* The text of a PDF in drawing order (-raw: cell after cell, each cell's
 * lines together) with every space and line break taken out, so that a
 * text wrapped inside a table cell still reads as one string. */
static char *pdf_text(const char *path)
{
    struct tb_buf raw;
    tb_buf_init(&raw, TOOL_OUT_MAX);
    const char *argv[] = {"pdftotext", "-raw", "-enc", "UTF-8", path, "-", NULL};
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

static int pdf_pages(const char *path)
{
    struct tb_buf info;
    tb_buf_init(&info, TOOL_OUT_MAX);
    const char *argv[] = {"pdfinfo", path, NULL};
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

static json_t *load_item(void)
{
    json_error_t e;
    json_t *item = json_load_file(FIXTURE, 0, &e);
    if (!item)
        fail_msg("%s:%d: %s", FIXTURE, e.line, e.text);
    return item;
}

/* The food item with n numbered materials instead of its three. */
static json_t *long_item(size_t n)
{
    json_t *item = load_item();
    json_t *materials = json_array();
    for (size_t i = 1; i <= n; i++) {
        char name[64];
        snprintf(name, sizeof(name), "申请材料第%03zu号", i);
        json_array_append_new(materials,
                              json_pack("{s:s,s:b,s:i,s:s,s:s,s:b,s:b,s:b,s:s}", "name", name,
                                        "is_required", i % 3 != 0, "copies", 1, "form", "paper",
                                        "source", "applicant", "allows_missing", i % 7 == 0,
                                        "allows_commitment", i % 5 == 0, "is_proof", 0, "mistakes",
                                        "复印件未加盖公章；复印件与原件不一致；签字栏漏签。"));
    }
    json_object_set_new(item, "materials", materials);
    return item;
}

/* ---- the PDF ------------------------------------------------------------------ */

static void test_pdf_holds_every_field(void **state)
{
    (void)state;
    json_t *item = load_item();
    struct tb_buf out;
    tb_buf_init(&out, OUT_MAX);
    assert_int_equal(guide_pdf(item, ORG_NAME, GUIDE_URL, 3, "2025-03-18", &out), TB_OK);
    assert_true(out.len > 1000);
    assert_memory_equal(out.data, "%PDF-", 5);
    test_write_file(tmp_path("food.pdf"), &out);

    int pages = pdf_pages(tmp_path("food.pdf"));
    assert_true(pages >= 1);
    /* the Noto CJK faces, embedded: no silent fallback to another font */
    struct tb_buf fonts;
    tb_buf_init(&fonts, TOOL_OUT_MAX);
    const char *argv[] = {"pdffonts", tmp_path("food.pdf"), NULL};
    assert_int_equal(test_run(argv, &fonts), 0);
    assert_non_null(strstr(tb_buf_cstr(&fonts), "NotoSansCJKsc-Regular"));
    assert_non_null(strstr(tb_buf_cstr(&fonts), "NotoSerifCJKsc-Bold"));
    tb_buf_free(&fonts);
    char *text = pdf_text(tmp_path("food.pdf"));
    assert_has(text, "食品经营许可（新办）");
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(item, "materials"), i, m)
    {
        assert_has(text, json_string_value(json_object_get(m, "name")));
    }
    assert_has(text, "法定办结时限20个工作日");
    assert_has(text, "承诺办结时限10个工作日");
    assert_has(text, ORG_NAME);
    assert_has(text, GUIDE_URL);
    char footer[64];
    for (int p = 1; p <= pages; p++) {
        snprintf(footer, sizeof(footer), "第%d页共%d页", p, pages);
        assert_has(text, footer);
    }
    assert_has(text, "版本3");
    assert_has(text, "2025-03-18");
    /* codes print with their Chinese names (catalog_code_by_code) */
    const char *names[] = {"行政许可",
                           "自然人、企业法人、非法人企业",
                           "市、县",
                           "法定本级行使",
                           "自办件",
                           "承诺件",
                           "B类（可容缺）",
                           "最多跑一次",
                           "窗口领取、邮寄送达、电子送达",
                           "现场勘查",
                           "纸质和电子",
                           "电子证照",
                           "申请人提供",
                           "可容缺告知承诺",
                           "一级（窗口人员）",
                           "窗口办理、网上办理、快递申请"};
    for (size_t k = 0; k < COUNT(names); k++)
        assert_has(text, names[k]);
    /* the other fields */
    const char *fields[] = {"《中华人民共和国食品安全法》",
                            "第三十五条第一款",
                            "（五）法律、法规规定的其他条件。",
                            "审查（含现场核查）",
                            "5个工作日",
                            "不收费",
                            "食品经营许可证",
                            "0591-12345678",
                            "周一至周五",
                            "12345政务服务便民热线",
                            "一网通办",
                            "制度内容照抄模板",
                            "https://zwfw.example.gov.cn/samples/sp-001.pdf",
                            "企业开办、食品药品",
                            "11350100MB0000001X3000123456000",
                            "000123456000"};
    for (size_t k = 0; k < COUNT(fields); k++)
        assert_has(text, fields[k]);
    free(text);
    tb_buf_free(&out);
    json_decref(item);
}

static void test_long_item_runs_over_pages(void **state)
{
    (void)state;
    json_t *item = long_item(100);
    struct tb_buf out;
    tb_buf_init(&out, OUT_MAX);
    assert_int_equal(guide_pdf(item, ORG_NAME, GUIDE_URL, 1, NULL, &out), TB_OK);
    test_write_file(tmp_path("long.pdf"), &out);
    int pages = pdf_pages(tmp_path("long.pdf"));
    assert_true(pages >= 4);
    char *text = pdf_text(tmp_path("long.pdf"));
    for (int i = 1; i <= 100; i++) {
        char name[64];
        snprintf(name, sizeof(name), "申请材料第%03d号", i);
        assert_has(text, name);
        /* drawn once: no line is repeated across a page break */
        const char *first = strstr(text, name);
        assert_null(strstr(first + 1, name));
    }
    char footer[64];
    snprintf(footer, sizeof(footer), "第%d页共%d页", pages, pages);
    assert_has(text, footer);
    assert_has(text, "未发布"); /* published_at NULL */
    free(text);
    tb_buf_free(&out);
    json_decref(item);
}

/* A text longer than a page splits between lines and loses none of them. */
static void test_long_text_splits(void **state)
{
    (void)state;
    json_t *item = load_item();
    struct tb_buf conditions;
    tb_buf_init(&conditions, GUIDE_MAX_TEXT_BYTES);
    for (int i = 1; i <= 150; i++)
        assert_int_equal(tb_buf_printf(&conditions, "第%03d条申请条件的文字。\n", i), TB_OK);
    json_object_set_new(item, "conditions", json_string(tb_buf_cstr(&conditions)));
    struct tb_buf out;
    tb_buf_init(&out, OUT_MAX);
    assert_int_equal(guide_pdf(item, ORG_NAME, GUIDE_URL, 2, "2025-03-18", &out), TB_OK);
    test_write_file(tmp_path("long.pdf"), &out);
    assert_true(pdf_pages(tmp_path("long.pdf")) >= 3);
    char *text = pdf_text(tmp_path("long.pdf"));
    for (int i = 1; i <= 150; i++) {
        char line[64];
        snprintf(line, sizeof(line), "第%03d条申请条件的文字。", i);
        assert_has(text, line);
        assert_null(strstr(strstr(text, line) + 1, line));
    }
    free(text);
    tb_buf_free(&out);
    tb_buf_free(&conditions);
    json_decref(item);
}

/* Missing fields print as "—" and never fail; no URL means no QR code. */
static void test_empty_item(void **state)
{
    (void)state;
    json_t *item = json_object();
    struct tb_buf out;
    tb_buf_init(&out, OUT_MAX);
    assert_int_equal(guide_pdf(item, NULL, NULL, 0, NULL, &out), TB_OK);
    test_write_file(tmp_path("empty.pdf"), &out);
    int pages = pdf_pages(tmp_path("empty.pdf"));
    char *text = pdf_text(tmp_path("empty.pdf"));
    assert_has(text, "一、基本信息");
    assert_has(text, "十三、备注");
    char footer[64];
    snprintf(footer, sizeof(footer), "第1页共%d页", pages);
    assert_has(text, footer);
    free(text);
    tb_buf_free(&out);
    json_decref(item);
}

static void test_pdf_errors(void **state)
{
    (void)state;
    struct tb_buf out;
    tb_buf_init(&out, OUT_MAX);
    assert_int_equal(tb_buf_puts(&out, "kept"), TB_OK);
    json_t *arr = json_array();
    assert_int_equal(guide_pdf(NULL, ORG_NAME, GUIDE_URL, 1, NULL, &out), TB_ERR_INVALID);
    assert_int_equal(guide_pdf(arr, ORG_NAME, GUIDE_URL, 1, NULL, &out), TB_ERR_INVALID);
    json_t *item = load_item();
    assert_int_equal(guide_pdf(item, "\xff\xfe", GUIDE_URL, 1, NULL, &out), TB_ERR_BAD_UTF8);
    assert_string_equal(tb_buf_cstr(&out), "kept");

    /* a list over GUIDE_MAX_LIST_ENTRIES, a text over GUIDE_MAX_TEXT_BYTES */
    json_t *big = long_item(GUIDE_MAX_LIST_ENTRIES + 1);
    assert_int_equal(guide_pdf(big, ORG_NAME, GUIDE_URL, 1, NULL, &out), TB_ERR_TOO_LARGE);
    json_decref(big);
    big = long_item(GUIDE_MAX_LIST_ENTRIES);
    json_array_clear(json_object_get(big, "materials"));
    char *text = malloc(GUIDE_MAX_TEXT_BYTES + 2);
    assert_non_null(text);
    memset(text, 'a', GUIDE_MAX_TEXT_BYTES + 1);
    text[GUIDE_MAX_TEXT_BYTES + 1] = '\0';
    json_object_set_new(big, "notes", json_string(text));
    assert_int_equal(guide_pdf(big, ORG_NAME, GUIDE_URL, 1, NULL, &out), TB_ERR_TOO_LARGE);
    free(text);
    json_decref(big);
    assert_string_equal(tb_buf_cstr(&out), "kept");

    /* out's maximum: the buffer is left as it was */
    struct tb_buf small;
    tb_buf_init(&small, 10 * 1024);
    assert_int_equal(tb_buf_puts(&small, "kept"), TB_OK);
    assert_int_equal(guide_pdf(item, ORG_NAME, GUIDE_URL, 1, NULL, &small), TB_ERR_TOO_LARGE);
    assert_string_equal(tb_buf_cstr(&small), "kept");
    tb_buf_free(&small);

    json_decref(item);
    json_decref(arr);
    tb_buf_free(&out);
}

struct render_job {
    const json_t *item;
    struct tb_buf out;
    int rc;
};

static void *render_one(void *arg)
{
    struct render_job *job = arg;
    tb_buf_init(&job->out, OUT_MAX);
    job->rc = guide_pdf(job->item, ORG_NAME, GUIDE_URL, 3, "2025-03-18", &job->out);
    return NULL;
}

/* The worker pool renders guides at once: every result is whole and the
 * same bytes as a render alone (the PDF dates are the publication date). */
static void test_pdf_threads(void **state)
{
    (void)state;
    json_t *item = load_item();
    struct tb_buf alone;
    tb_buf_init(&alone, OUT_MAX);
    assert_int_equal(guide_pdf(item, ORG_NAME, GUIDE_URL, 3, "2025-03-18", &alone), TB_OK);

    static struct render_job jobs[THREADS];
    pthread_t tids[THREADS];
    for (size_t i = 0; i < THREADS; i++) {
        jobs[i] = (struct render_job){.item = item};
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
    json_decref(item);
}

/* ---- QR codes ------------------------------------------------------------------- */

static const char *const QR_TEXTS[] = {
    GUIDE_URL, "https://zwfw.example.gov.cn/items/%E9%A3%9F%E5%93%81%E7%BB%8F%E8%90%A5?v=3&lang=zh",
    "https://zwfw.example.gov.cn/items/食品经营许可",
    "HTTPS://ZWFW.EXAMPLE.GOV.CN/ITEMS/123", /* would suit alphanumeric mode: 8-bit still */
};

static void test_qr_png_decodes(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(QR_TEXTS); i++) {
        struct tb_buf png;
        tb_buf_init(&png, OUT_MAX);
        assert_int_equal(guide_qr_png(QR_TEXTS[i], 4, &png), TB_OK);
        assert_memory_equal(png.data, "\x89PNG\r\n\x1a\n", 8);
        test_write_file(tmp_path("qr.png"), &png);
        struct tb_buf decoded;
        tb_buf_init(&decoded, TOOL_OUT_MAX);
        /* -Sbinary: the bytes as the symbol holds them, not re-encoded from
         * zbar's guess of their character set (it guesses Shift-JIS for
         * UTF-8 without an ECI header) */
        const char *argv[] = {"zbarimg",          "--raw", "-q", "--nodbus", "-Sbinary",
                              tmp_path("qr.png"), NULL};
        assert_int_equal(test_run(argv, &decoded), 0);
        assert_string_equal(tb_buf_cstr(&decoded), QR_TEXTS[i]);
        tb_buf_free(&decoded);
        tb_buf_free(&png);
    }
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The SVG's shape: one root, one title, one rect, one path, tags closed,
 * every '&' an entity. Enough for the fixed document guide_qr_svg writes. */
static void svg_is_well_formed(const char *s)
{
    assert_int_equal(count(s, "<"), count(s, ">"));
    const char *once[] = {"<svg ", "</svg>", "<title>", "</title>", "<rect ", "<path "};
    for (size_t i = 0; i < COUNT(once); i++)
        assert_int_equal(count(s, once[i]), 1);
    assert_int_equal(count(s, "/>"), 2); /* rect and path */
    assert_true(strstr(s, "<title>") < strstr(s, "</title>"));
    assert_string_equal(s + strlen(s) - strlen("</svg>\n"), "</svg>\n");
    for (const char *p = strchr(s, '&'); p; p = strchr(p + 1, '&'))
        assert_true(strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&lt;", 4) == 0 ||
                    strncmp(p, "&gt;", 4) == 0 || strncmp(p, "&quot;", 6) == 0);
}

struct png_reader {
    const struct tb_buf *b;
    size_t at;
};

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int length)
{
    struct png_reader *r = closure;
    if (r->b->len - r->at < length)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->b->data + r->at, length);
    r->at += length;
    return CAIRO_STATUS_SUCCESS;
}

/* The SVG is well formed, has one path and a title, and its path paints
 * exactly the dark pixels of the 1-pixel-per-module PNG. */
static void test_qr_svg_matches_png(void **state)
{
    (void)state;
    const char *text = QR_TEXTS[1];
    struct tb_buf svg, png;
    tb_buf_init(&svg, OUT_MAX);
    tb_buf_init(&png, OUT_MAX);
    assert_int_equal(guide_qr_svg(text, &svg), TB_OK);
    assert_int_equal(guide_qr_png(text, 1, &png), TB_OK);
    const char *s = tb_buf_cstr(&svg);
    assert_int_equal(strncmp(s, "<svg", 4), 0);
    test_write_file(tmp_path("qr.svg"), &svg);
    svg_is_well_formed(s);
    struct tb_buf lint;
    tb_buf_init(&lint, TOOL_OUT_MAX);
    const char *argv[] = {"xmllint", "--noout", tmp_path("qr.svg"), NULL};
    int status = test_run(argv, &lint);
    assert_true(status == 0 || status == RUN_NOT_FOUND);
    tb_buf_free(&lint);
    assert_non_null(strstr(s, "<title>"));
    assert_non_null(strstr(s, "&amp;lang=zh</title>"));
    const char *path = strstr(s, "<path");
    assert_non_null(path);
    assert_null(strstr(path + 1, "<path"));

    int side;
    assert_int_equal(sscanf(strstr(s, "viewBox=\""), "viewBox=\"0 0 %d", &side), 1);
    assert_int_equal((side - 2 * GUIDE_QR_QUIET_MODULES - 17) % 4, 0); /* 17 + 4 v modules */

    struct png_reader r = {&png, 0};
    cairo_surface_t *img = cairo_image_surface_create_from_png_stream(png_read, &r);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(img), side);
    unsigned char *grid = calloc((size_t)side * (size_t)side, 1);
    assert_non_null(grid);
    const char *d = strstr(path, " d=\"") + 4;
    int x, y, n, n2, used;
    while (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &n2, &used) == 4) {
        assert_int_equal(n, n2);
        for (int k = 0; k < n; k++)
            grid[y * side + x + k] = 1;
        d += used;
    }
    assert_int_equal(*d, '"');
    const unsigned char *px = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    for (int row = 0; row < side; row++)
        for (int col = 0; col < side; col++) {
            uint32_t argb;
            memcpy(&argb, px + row * stride + col * 4, 4);
            bool is_dark = (argb & 0xffffff) == 0;
            assert_int_equal(is_dark, grid[row * side + col]);
        }
    free(grid);
    cairo_surface_destroy(img);
    tb_buf_free(&svg);
    tb_buf_free(&png);
}

static void test_qr_errors(void **state)
{
    (void)state;
    struct tb_buf out;
    tb_buf_init(&out, OUT_MAX);
    assert_int_equal(tb_buf_puts(&out, "kept"), TB_OK);
    assert_int_equal(guide_qr_svg(NULL, &out), TB_ERR_INVALID);
    assert_int_equal(guide_qr_svg("", &out), TB_ERR_INVALID);
    assert_int_equal(guide_qr_png(GUIDE_URL, 0, &out), TB_ERR_INVALID);
    assert_int_equal(guide_qr_png(GUIDE_URL, GUIDE_QR_PNG_MAX_SCALE + 1, &out), TB_ERR_INVALID);
    char *huge = malloc(3001);
    assert_non_null(huge);
    memset(huge, 'x', 3000);
    huge[3000] = '\0';
    assert_int_equal(guide_qr_svg(huge, &out), TB_ERR_TOO_LARGE);
    assert_int_equal(guide_qr_png(huge, 2, &out), TB_ERR_TOO_LARGE);
    free(huge);
    assert_string_equal(tb_buf_cstr(&out), "kept");
    tb_buf_free(&out);

    struct tb_buf small;
    tb_buf_init(&small, 64);
    assert_int_equal(guide_qr_svg(GUIDE_URL, &small), TB_ERR_TOO_LARGE);
    assert_int_equal(small.len, 0);
    assert_int_equal(guide_qr_png(GUIDE_URL, GUIDE_QR_PNG_MAX_SCALE, &small), TB_ERR_TOO_LARGE);
    assert_int_equal(small.len, 0);
    tb_buf_free(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pdf_holds_every_field),
        cmocka_unit_test(test_long_item_runs_over_pages),
        cmocka_unit_test(test_long_text_splits),
        cmocka_unit_test(test_empty_item),
        cmocka_unit_test(test_pdf_errors),
        cmocka_unit_test(test_pdf_threads),
        cmocka_unit_test(test_qr_png_decodes),
        cmocka_unit_test(test_qr_svg_matches_png),
        cmocka_unit_test(test_qr_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
