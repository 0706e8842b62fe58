/*
 * test_notice.c - the written notices of a case (src/guide/notice.c).
 *
 * Each kind is rendered from realistic data and read back the way the
 * applicant reads it: pdftotext must find the title, the case, the item,
 * the organisation, the facts of the kind and, on refusals and denials, the
 * remedies with their time limits; pdfinfo counts pages. Equal input gives
 * equal bytes, also from several threads at once; missing fields never
 * fail; 50 faults run onto a second page and lose none.
 *
 * poppler-utils is a test dependency (scripts/install-deps.sh): a missing
 * tool fails the test, never skips it. The cases are the table CASES: a new
 * kind or fact is a new row or string.
 */
#include "guide/guide.h"
#include "lib/arena.h"
#include "lib/err.h"
#include "testtools.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define OUT_MAX      (16 * 1024 * 1024)
#define TOOL_OUT_MAX (4 * 1024 * 1024)
#define THREADS      8
#define LONG_FAULTS  50
#define MAX_EXPECT   12

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

/* ---- the cases ------------------------------------------------------------------ */

/* What every notice of the case carries. */
static const char COMMON[] = "{\"case_no\": \"SPJY-20261120-000123\","
                             " \"item\": {\"name\": \"食品经营许可（新办）\","
                             "            \"impl_code\": \"11350100MB0000001X3000123456000\"},"
                             " \"org\": {\"name\": \"示范市行政审批局\"},"
                             " \"window\": {\"name\": \"示范市政务服务中心二楼市场准入综合窗口\"},"
                             " \"applicant\": {\"name\": \"示范市鲜味餐饮管理有限公司\"},"
                             " \"date\": \"2026-11-24\","
                             " \"number\": \"示审受字〔2026〕第0001号\"}";

static const char *const COMMON_TEXT[] = {
    "SPJY-20261120-000123",     "食品经营许可（新办）",
    "示范市行政审批局",         "示范市鲜味餐饮管理有限公司：",
    "示审受字〔2026〕第0001号", "（印章）",
    "2026年11月24日",
};

/* RULE: 行政复议法 §20 (60 days) and 行政诉讼法 §46 (6 months) */
static const char *const REMEDIES[] = {
    "60日内",  "《中华人民共和国行政复议法》", "本级人民政府或者上一级主管部门申请行政复议",
    "6个月内", "《中华人民共和国行政诉讼法》", "人民法院提起行政诉讼",
};

static const struct notice_case {
    enum notice_kind kind;
    const char *title;
    const char *json; /* the kind's members, merged over COMMON */
    bool has_remedies;
    const char *expect[MAX_EXPECT]; /* the kind's facts as they must read */
} CASES[] = {
    /* RULE: 行政许可法 §32(1)(五) acceptance, §42 limits */
    {NOTICE_ACCEPTANCE,
     "受理通知书",
     "{\"accepted_on\": \"2026-11-20\", \"promised_date\": \"2026-12-04\", \"legal_days\": 20,"
     " \"promised_days\": 10, \"query_code_hint\": \"您可凭受理短信中的查询码，登录示范市"
     "“一网通办”平台或拨打12345热线查询办理进度。\"}",
     false,
     {"2026年11月20日", "2026年12月4日前作出决定", "法定办结时限为20个工作日",
      "承诺办结时限为10个工作日", "第三十二条第一款第（五）项", "拨打12345热线查询办理进度",
      "受理窗口：示范市政务服务中心二楼市场准入综合窗口", "特此通知。"}},
    /* RULE: 行政许可法 §32(1)(一)(二) refusal */
    {NOTICE_REFUSAL,
     "不予受理通知书",
     "{\"reason\": \"申请事项依法不需要取得行政许可：你单位申请经营的预包装食品仅销售，已按"
     "规定办理备案。\", \"basis\": \"《中华人民共和国行政许可法》第三十二条第一款第（一）项\"}",
     true,
     {"申请事项依法不需要取得行政许可", "已按规定办理备案。",
      "根据《中华人民共和国行政许可法》第三十二条第一款第（一）项的规定，本机关决定不予受理",
      "自收到本通知书之日起60日内"}},
    /* RULE: 行政许可法 §32(1)(四) one-time correction notice */
    {NOTICE_CORRECTION,
     "补正材料通知书",
     "{\"deadline\": \"2026-12-01\", \"faults\": ["
     " {\"material\": \"食品经营许可申请书\", \"problem\": "
     "\"法定代表人未签字，请签字并加盖公章。\"},"
     " {\"material\": \"食品安全管理制度\", \"problem\": "
     "\"制度内容照抄模板，未结合本单位经营项目。\"},"
     " {\"material\": \"经营场所平面布局图\", \"problem\": \"未标注加工操作间面积及设备位置。\"}]}",
     false,
     {"一次性告知", "食品经营许可申请书", "法定代表人未签字，请签字并加盖公章。",
      "食品安全管理制度", "制度内容照抄模板，未结合本单位经营项目。", "经营场所平面布局图",
      "未标注加工操作间面积及设备位置。", "请于2026年12月1日前", "第三十二条第一款第（四）项"}},
    /* RULE: SPEC §2 容缺受理 */
    {NOTICE_MISSING,
     "容缺受理承诺书",
     "{\"commitment_text\": \"本单位承诺在规定期限内补齐下列材料，所补材料真实有效；逾期未补齐的，"
     "自愿承担相应后果。\", \"missing\": ["
     " {\"material\": \"从业人员健康证明\", \"supplement_by\": \"2026-12-10\"},"
     " {\"material\": \"经营场所租赁合同原件\", \"supplement_by\": \"2026-12-15\"}]}",
     false,
     {"从业人员健康证明", "2026年12月10日", "经营场所租赁合同原件", "2026年12月15日",
      "申请人承诺：本单位承诺在规定期限内补齐下列材料", "承诺人（签字或盖章）："}},
    /* RULE: 国办发〔2020〕42号 告知承诺 */
    {NOTICE_COMMITMENT,
     "告知承诺书",
     "{\"commitment_text\": \"本单位已知晓告知的全部内容，所填写的信息真实、准确，符合告知的条件、"
     "标准和要求，愿意承担不实承诺的法律责任。\", \"proofs\": ["
     " {\"name\": \"经营场所无违章建筑证明\"}, {\"name\": \"消防安全检查合格证明\"}]}",
     false,
     {"经营场所无违章建筑证明", "消防安全检查合格证明", "国办发〔2020〕42号",
      "愿意承担不实承诺的法律责任。", "承诺人（签字或盖章）："}},
    /* RULE: 行政许可法 §38(1) approval, §44 served within 10 days */
    {NOTICE_APPROVAL,
     "准予行政许可决定书",
     "{\"decided_on\": \"2026-11-24\", \"result\": {\"name\": \"食品经营许可证\","
     " \"number\": \"JY13501000012345\"}}",
     false,
     {"行政许可结果：食品经营许可证（编号：JY13501000012345）", "第三十八条第一款",
      "本机关于2026年11月24日决定准予行政许可", "10日内", "特此决定。"}},
    /* RULE: 行政许可法 §38(2) denial with reasons */
    {NOTICE_DENIAL,
     "不予行政许可决定书",
     "{\"decided_on\": \"2026-11-24\", \"basis\": \"《中华人民共和国食品安全法》第三十五条"
     "第一款、《食品经营许可和备案管理办法》第十二条\", \"reasons\": ["
     " \"经现场核查，经营场所与有毒、有害场所的距离不足25米，不符合卫生要求。\","
     " \"未设置与经营的食品品种、数量相适应的冷藏设施。\"]}",
     true,
     {"（一）经现场核查，经营场所与有毒、有害场所的距离不足25米，不符合卫生要求。",
      "（二）未设置与经营的食品品种、数量相适应的冷藏设施。",
      "《食品经营许可和备案管理办法》第十二条", "本机关于2026年11月24日决定不予行政许可",
      "自收到本决定书之日起60日内"}},
};

/* ---- helpers ------------------------------------------------------------------ */

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/tb_test_notice.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof(path), "%s/notice.pdf", tmpdir);
    unlink(path);
    return rmdir(tmpdir);
}

static const char *pdf_path(void)
{
    static char path[128];
    snprintf(path, sizeof(path), "%s/notice.pdf", tmpdir);
    return path;
}

/* The text of page (0: every page) of the PDF at pdf_path() (pdftotext
 * -raw) with every space and line break taken out, so that wrapped text
 * reads as one string. Caller frees. */
static char *pdf_page_text(int page)
{
    struct tb_buf raw;
    tb_buf_init(&raw, TOOL_OUT_MAX);
    char first[16], last[16];
    snprintf(first, sizeof(first), "%d", page > 0 ? page : 1);
    snprintf(last, sizeof(last), "%d", page > 0 ? page : 1 << 30);
    const char *argv[] = {"pdftotext", "-raw", "-enc",     "UTF-8", "-f", first,
                          "-l",        last,   pdf_path(), "-",     NULL};
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

static char *pdf_text(void)
{
    return pdf_page_text(0);
}

static int pdf_pages(void)
{
    struct tb_buf info;
    tb_buf_init(&info, TOOL_OUT_MAX);
    const char *argv[] = {"pdfinfo", pdf_path(), NULL};
    assert_int_equal(test_run(argv, &info), 0);
    const char *p = strstr(tb_buf_cstr(&info), "\nPages:");
    assert_non_null(p);
    int pages = (int)strtol(p + strlen("\nPages:"), NULL, 10);
    tb_buf_free(&info);
    return pages;
}

/* needle without its spaces, as pdf_text has them taken out */
static void assert_has(const char *text, const char *needle)
{
    char squeezed[1024];
    size_t n = 0;
    for (const char *p = needle; *p && n < sizeof(squeezed) - 1; p++)
        if (*p != ' ')
            squeezed[n++] = *p;
    squeezed[n] = '\0';
    if (!strstr(text, squeezed))
        fail_msg("text of the PDF lacks \"%s\"", squeezed);
}

static json_t *load(const char *json)
{
    json_error_t e;
    json_t *j = json_loads(json, 0, &e);
    if (!j)
        fail_msg("%d:%d: %s", e.line, e.column, e.text);
    return j;
}

/* COMMON with the members of c's json. Caller decrefs. */
static json_t *case_data(const struct notice_case *c)
{
    json_t *data = load(COMMON);
    json_t *own = load(c->json);
    assert_int_equal(json_object_update(data, own), 0);
    json_decref(own);
    return data;
}

/* Renders kind from data into pdf_path(); returns the PDF's bytes. */
static void render(enum notice_kind kind, const json_t *data, struct tb_buf *out)
{
    tb_buf_init(out, OUT_MAX);
    assert_int_equal(notice_pdf(kind, data, out), TB_OK);
    assert_memory_equal(out->data, "%PDF-", 5);
    test_write_file(pdf_path(), out);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- the kinds ------------------------------------------------------------------ */

static void test_titles(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(CASES); i++)
        assert_string_equal(notice_title(CASES[i].kind), CASES[i].title);
    assert_null(notice_title((enum notice_kind)COUNT(CASES)));
    assert_null(notice_title((enum notice_kind) - 1));
}

/* Every kind holds the case, its own facts on one page and, on refusals and
 * denials only, the remedies. */
static void test_each_kind(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(CASES); i++) {
        const struct notice_case *c = &CASES[i];
        json_t *data = case_data(c);
        struct tb_buf out;
        double t0 = now_ms();
        render(c->kind, data, &out);
        print_message("%-12s %6.1f ms %7zu bytes\n", c->title, now_ms() - t0, out.len);
        assert_int_equal(pdf_pages(), 1);
        char *text = pdf_text();
        assert_has(text, c->title);
        for (size_t k = 0; k < COUNT(COMMON_TEXT); k++)
            assert_has(text, COMMON_TEXT[k]);
        for (size_t k = 0; k < MAX_EXPECT && c->expect[k]; k++)
            assert_has(text, c->expect[k]);
        for (size_t k = 0; k < COUNT(REMEDIES); k++)
            if (c->has_remedies)
                assert_has(text, REMEDIES[k]);
            else
                assert_null(strstr(text, REMEDIES[k]));
        assert_has(text, "第1页共1页");
        free(text);
        tb_buf_free(&out);
        json_decref(data);
    }
}

/* The same input gives the same bytes (the PDF's dates are "date"). */
static void test_equal_bytes(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(CASES); i++) {
        json_t *data = case_data(&CASES[i]);
        struct tb_buf a, b;
        render(CASES[i].kind, data, &a);
        render(CASES[i].kind, data, &b);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.data, b.data, a.len);
        tb_buf_free(&a);
        tb_buf_free(&b);
        json_decref(data);
    }
}

struct render_job {
    const struct notice_case *c;
    const json_t *data;
    struct tb_buf out;
    int rc;
};

static void *render_one(void *arg)
{
    struct render_job *job = arg;
    tb_buf_init(&job->out, OUT_MAX);
    job->rc = notice_pdf(job->c->kind, job->data, &job->out);
    return NULL;
}

/* Notices render on the worker pool: at once, each gives the bytes of a
 * render alone. */
static void test_threads(void **state)
{
    (void)state;
    json_t *data[COUNT(CASES)];
    struct tb_buf alone[COUNT(CASES)];
    for (size_t i = 0; i < COUNT(CASES); i++) {
        data[i] = case_data(&CASES[i]);
        render(CASES[i].kind, data[i], &alone[i]);
    }
    struct render_job jobs[THREADS];
    pthread_t tids[THREADS];
    for (size_t i = 0; i < THREADS; i++) {
        size_t k = i % COUNT(CASES);
        jobs[i] = (struct render_job){.c = &CASES[k], .data = data[k]};
        assert_int_equal(pthread_create(&tids[i], NULL, render_one, &jobs[i]), 0);
    }
    for (size_t i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(tids[i], NULL), 0);
    for (size_t i = 0; i < THREADS; i++) {
        const struct tb_buf *a = &alone[i % COUNT(CASES)];
        assert_int_equal(jobs[i].rc, TB_OK);
        assert_int_equal(jobs[i].out.len, a->len);
        assert_memory_equal(jobs[i].out.data, a->data, a->len);
        tb_buf_free(&jobs[i].out);
    }
    for (size_t i = 0; i < COUNT(CASES); i++) {
        tb_buf_free(&alone[i]);
        json_decref(data[i]);
    }
}

/* Missing fields, or fields of the wrong type, print "—" and never fail. */
static void test_missing_fields(void **state)
{
    (void)state;
    static const char *const DATA[] = {
        "{}",
        "{\"item\": 5, \"org\": \"x\", \"window\": [], \"applicant\": null, \"date\": \"soon\","
        " \"faults\": \"none\", \"missing\": [1, null, {}], \"proofs\": {}, \"reasons\": 7,"
        " \"result\": [], \"legal_days\": \"二十\", \"promised_days\": -1, \"case_no\": 12}",
    };
    for (size_t k = 0; k < COUNT(DATA); k++) {
        json_t *data = load(DATA[k]);
        for (size_t i = 0; i < COUNT(CASES); i++) {
            struct tb_buf out;
            render(CASES[i].kind, data, &out);
            char *text = pdf_text();
            assert_has(text, CASES[i].title);
            assert_has(text, "—：");      /* the addressee */
            assert_has(text, "（印章）"); /* the signature without organisation */
            if (CASES[i].has_remedies)
                assert_has(text, "6个月内");
            free(text);
            tb_buf_free(&out);
        }
        json_decref(data);
    }
}

static void test_errors(void **state)
{
    (void)state;
    struct tb_buf out;
    tb_buf_init(&out, OUT_MAX);
    assert_int_equal(tb_buf_puts(&out, "kept"), TB_OK);
    json_t *arr = json_array();
    json_t *str = json_string("受理");
    json_t *data = case_data(&CASES[0]);
    assert_int_equal(notice_pdf(NOTICE_ACCEPTANCE, NULL, &out), TB_ERR_INVALID);
    assert_int_equal(notice_pdf(NOTICE_ACCEPTANCE, arr, &out), TB_ERR_INVALID);
    assert_int_equal(notice_pdf(NOTICE_DENIAL, str, &out), TB_ERR_INVALID);
    assert_int_equal(notice_pdf((enum notice_kind)COUNT(CASES), data, &out), TB_ERR_INVALID);
    assert_int_equal(notice_pdf((enum notice_kind) - 1, data, &out), TB_ERR_INVALID);
    assert_string_equal(tb_buf_cstr(&out), "kept");

    /* a list over GUIDE_MAX_LIST_ENTRIES */
    json_t *faults = json_array();
    for (int i = 0; i <= GUIDE_MAX_LIST_ENTRIES; i++)
        json_array_append_new(faults, json_pack("{s:s,s:s}", "material", "材料", "problem", "缺"));
    json_object_set_new(data, "faults", faults);
    assert_int_equal(notice_pdf(NOTICE_CORRECTION, data, &out), TB_ERR_TOO_LARGE);
    assert_string_equal(tb_buf_cstr(&out), "kept");

    /* out's maximum: the buffer is left as it was */
    struct tb_buf small;
    tb_buf_init(&small, 10 * 1024);
    assert_int_equal(tb_buf_puts(&small, "kept"), TB_OK);
    assert_int_equal(notice_pdf(NOTICE_ACCEPTANCE, data, &small), TB_ERR_TOO_LARGE);
    assert_string_equal(tb_buf_cstr(&small), "kept");
    tb_buf_free(&small);

    json_decref(data);
    json_decref(str);
    json_decref(arr);
    tb_buf_free(&out);
}

/* RULE: 行政许可法 §32(1)(四) one-time correction notice: a long list runs
 * over pages, every fault on exactly one of them, with the deadline. */
static void test_long_faults(void **state)
{
    (void)state;
    json_t *data = case_data(&CASES[2]);
    json_t *faults = json_array();
    for (int i = 1; i <= LONG_FAULTS; i++) {
        char material[64], problem[128];
        snprintf(material, sizeof(material), "补正材料第%03d号", i);
        snprintf(problem, sizeof(problem),
                 "第%03d号材料复印件不清晰，请提交清晰的复印件并加盖公章。", i);
        json_array_append_new(faults,
                              json_pack("{s:s,s:s}", "material", material, "problem", problem));
    }
    json_object_set_new(data, "faults", faults);
    struct tb_buf out;
    render(NOTICE_CORRECTION, data, &out);
    int pages = pdf_pages();
    assert_true(pages >= 2);
    char *text = pdf_text();
    for (int i = 1; i <= LONG_FAULTS; i++) {
        char s[128];
        snprintf(s, sizeof(s), "补正材料第%03d号", i);
        assert_has(text, s);
        assert_null(strstr(strstr(text, s) + 1, s)); /* drawn once */
        snprintf(s, sizeof(s), "第%03d号材料复印件不清晰", i);
        assert_has(text, s);
    }
    assert_has(text, "请于2026年12月1日前");
    assert_has(text, "（印章）");
    char footer[64];
    for (int p = 1; p <= pages; p++) {
        snprintf(footer, sizeof(footer), "第%d页共%d页", p, pages);
        assert_has(text, footer);
    }
    free(text);
    tb_buf_free(&out);
    json_decref(data);
}

/* A list of n rows of data's array, each row {key: text, detail: detail}. */
static void set_rows(json_t *data, const char *array, int n, const char *key, const char *text,
                     const char *detail, const char *detail_text)
{
    json_t *rows = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(rows, json_pack("{s:s,s:s}", key, text, detail, detail_text));
    json_object_set_new(data, array, rows);
}

/* Whatever the length of the list, the signature never stands alone on a
 * page: the closing line goes with it, and a pledge (no closing line) says
 * "（此页无正文）" there. The ranges cover the lengths where the signature
 * no longer fits under the list. */
static void test_signature_kept_with_text(void **state)
{
    (void)state;
    for (int n = 15; n <= 24; n++) {
        json_t *data = case_data(&CASES[2]);
        set_rows(data, "faults", n, "material", "补正材料", "problem", "复印件不清晰。");
        struct tb_buf out;
        render(NOTICE_CORRECTION, data, &out);
        char *last = pdf_page_text(pdf_pages());
        assert_has(last, "特此通知。");
        assert_has(last, "（印章）");
        assert_null(strstr(last, "此页无正文"));
        free(last);
        tb_buf_free(&out);
        json_decref(data);
    }
    bool seen_bare_page = false;
    for (int n = 15; n <= 30; n++) {
        json_t *data = case_data(&CASES[3]);
        set_rows(data, "missing", n, "material", "暂缺材料", "supplement_by", "2026-12-10");
        struct tb_buf out;
        render(NOTICE_MISSING, data, &out);
        char *last = pdf_page_text(pdf_pages());
        assert_has(last, "（印章）");
        assert_has(last, "承诺人（签字或盖章）：");
        /* the running head (ending in the number) is never followed by
         * the signature itself */
        assert_null(strstr(last, "第0001号承诺人"));
        seen_bare_page |= strstr(last, "第0001号（此页无正文）承诺人") != NULL;
        free(last);
        tb_buf_free(&out);
        json_decref(data);
    }
    assert_true(seen_bare_page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_titles),         cmocka_unit_test(test_each_kind),
        cmocka_unit_test(test_equal_bytes),    cmocka_unit_test(test_threads),
        cmocka_unit_test(test_missing_fields), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_long_faults),    cmocka_unit_test(test_signature_kept_with_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
