/*
 * pdf.c - the printable service guide (办事指南) of an item version.
 *
 * The guide is what a window hands out and what the portal offers as a
 * download: every field of the item document (docs/catalogue.md) on A4
 * pages, in the order the national guide template lists them, each code
 * printed with its Chinese name from the catalogue's code tables. A field
 * that is missing or of the wrong type prints "—": the guide of a draft
 * that does not validate yet still renders.
 *
 * This file turns the item into sections of rows; layout.c puts the rows
 * on pages. The guide is laid out twice with the same code, once counting
 * pages and once drawing, so that every footer can say "第 n 页 共 m 页".
 */
#include "catalog/catalog.h"
#include "guide/guide.h"
#include "guide/internal.h"
#include "lib/arena.h"
#include "lib/err.h"

#include <cairo.h>
#include <jansson.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define QR_SIZE_PT      80.0 /* 28 mm: a phone reads it from arm's length */
#define HEADER_GAP_PT   10.0 /* between the first page's header and the body */
#define RULE_RED_W_PT   1.6
#define TITLE_MAX_LINES 4 /* the header's title; the full name is in 基本信息 */

/* ---- reading the item ---------------------------------------------------------- */

static const char *yes_no(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_true(v) ? "是" : json_is_false(v) ? "否" : "—";
}

/* The Chinese name of a code, the code itself when the table has no such
 * row, "—" when there is no code. */
static const char *code_zh(enum catalog_code_table t, const char *code)
{
    if (!code || !*code)
        return "—";
    const struct catalog_code *row = catalog_code_by_code(t, code);
    return row ? row->name_zh : code;
}

/* The Chinese names of an array of codes, joined with "、". */
static const char *codes_zh(struct guide_doc *d, enum catalog_code_table t, const json_t *arr)
{
    const char *s = "";
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v))
            s = layout_printf(d, "%s%s%s", s, *s ? "、" : "", code_zh(t, json_string_value(v)));
    }
    return or_dash(s);
}

/* Our own small vocabularies, which have no catalogue code table. */
struct word {
    const char *code;
    const char *zh;
};

static const struct word CHANNELS[] = {
    {"window", "窗口办理"}, {"online", "网上办理"}, {"express", "快递申请"}};
static const struct word RESULT_KINDS[] = {
    {"licence", "证照"}, {"document", "批准文书"}, {"none", "无"}};
/* When counting starts (行政许可法 §42 counts from acceptance). */
static const struct word LIMIT_STARTS[] = {{"next_day", "自受理次日起计算"},
                                           {"same_day", "自受理当日起计算"}};
/* Authority levels of a step (catalog.h AUTHORITY_LEVEL_MIN..MAX; GLOSSARY 审批权限). */
static const struct word AUTHORITY_LEVELS[] = {{"1", "一级（窗口人员）"},
                                               {"2", "二级（科室负责人）"},
                                               {"3", "三级（分管领导）"},
                                               {"4", "四级（联席会议）"}};

static const char *word_zh(const struct word *w, size_t n, const char *code)
{
    if (!code || !*code)
        return "—";
    for (size_t i = 0; i < n; i++)
        if (strcmp(w[i].code, code) == 0)
            return w[i].zh;
    return code;
}

static const char *words_zh(struct guide_doc *d, const struct word *w, size_t n, const json_t *arr)
{
    const char *s = "";
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v))
            s = layout_printf(d, "%s%s%s", s, *s ? "、" : "", word_zh(w, n, json_string_value(v)));
    }
    return or_dash(s);
}

/* "20 个工作日" for an integer member, "—" without one. */
static const char *days(struct guide_doc *d, const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return "—";
    return layout_printf(d, "%" JSON_INTEGER_FORMAT " 个工作日", json_integer_value(v));
}

static const char *integer(struct guide_doc *d, const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? layout_printf(d, "%" JSON_INTEGER_FORMAT, json_integer_value(v))
                              : "—";
}

/* ---- the first page's header ----------------------------------------------------------- */

/* The URL as a cairo link attribute: quotes and backslashes escaped. */
static const char *link_attr(struct guide_doc *d, const char *url)
{
    struct tb_buf b;
    tb_buf_init(&b, 4 * strlen(url) + 16);
    int rc = tb_buf_puts(&b, "uri='");
    for (const char *p = url; *p && rc == TB_OK; p++) {
        if (*p == '\'' || *p == '\\')
            rc = tb_buf_append(&b, "\\", 1);
        if (rc == TB_OK)
            rc = tb_buf_append(&b, p, 1);
    }
    if (rc == TB_OK)
        rc = tb_buf_puts(&b, "'");
    const char *s = rc == TB_OK ? layout_printf(d, "%s", tb_buf_cstr(&b)) : "";
    if (rc != TB_OK)
        d->err = rc;
    tb_buf_free(&b);
    return s;
}

static void header(struct guide_doc *d)
{
    bool has_qr = d->url && *d->url;
    double w = has_qr ? BODY_W_PT - QR_SIZE_PT - 14 : BODY_W_PT;
    double x = MARGIN_X_PT, y = d->y;
    y += layout_text(d, F_KICKER, COLOUR_RED, "办 事 指 南", x, y, w, PANGO_ALIGN_LEFT, 0) + 2;
    y += layout_text(d, F_TITLE, COLOUR_INK, or_dash(jstr(d->item, "name")), x, y, w,
                     PANGO_ALIGN_LEFT, TITLE_MAX_LINES) +
         4;
    y += layout_text(d, F_BODY, COLOUR_INK, layout_printf(d, "实施主体：%s", or_dash(d->org_name)),
                     x, y, w, PANGO_ALIGN_LEFT, 2);
    y += layout_text(d, F_BODY, COLOUR_INK,
                     layout_printf(d, "实施编码：%s", or_dash(jstr(d->item, "impl_code"))), x, y, w,
                     PANGO_ALIGN_LEFT, 2);
    if (has_qr) {
        if (d->cr)
            cairo_tag_begin(d->cr, CAIRO_TAG_LINK, link_attr(d, d->url));
        y += layout_text(d, F_SMALL, COLOUR_NAVY, layout_printf(d, "在线查看：%s", d->url), x, y, w,
                         PANGO_ALIGN_LEFT, 3);
        double qx = MARGIN_X_PT + BODY_W_PT - QR_SIZE_PT;
        if (d->cr) {
            int rc = guide_qr_cairo(d->cr, d->url, qx, d->y, QR_SIZE_PT);
            if (rc != TB_OK && d->err == TB_OK)
                d->err = rc;
            cairo_tag_end(d->cr, CAIRO_TAG_LINK);
        }
        double qy = d->y + QR_SIZE_PT;
        qy += layout_text(d, F_SMALL, COLOUR_GREY, "扫码查看最新版本", qx, qy, QR_SIZE_PT,
                          PANGO_ALIGN_CENTER, 1);
        if (qy > y)
            y = qy;
    }
    y += 6;
    layout_rule(d, COLOUR_RED, RULE_RED_W_PT, MARGIN_X_PT, MARGIN_X_PT + BODY_W_PT, y);
    layout_rule(d, COLOUR_RED, BORDER_W_PT, MARGIN_X_PT, MARGIN_X_PT + BODY_W_PT, y + 2.5);
    d->y = y + HEADER_GAP_PT;
}

/* ---- sections ----------------------------------------------------------------------------- */

static void section_basic(struct guide_doc *d)
{
    const json_t *it = d->item;
    layout_kv1(d, "事项名称", jstr(it, "name"));
    layout_kv2(d, "事项类型", code_zh(CODES_ITEM_TYPE, jstr(it, "type")), "基本编码",
               jstr(it, "basic_code"));
    layout_kv1(d, "实施编码", jstr(it, "impl_code"));
    if (jstr(it, "local_impl_code") || jstr(it, "local_basic_code"))
        layout_kv2(d, "地方实施编码", jstr(it, "local_impl_code"), "地方基本编码",
                   jstr(it, "local_basic_code"));
    if (jstr(it, "handling_code"))
        layout_kv1(d, "业务办理项编码", jstr(it, "handling_code"));
    layout_kv1(d, "实施主体", d->org_name ? d->org_name : jstr(it, "org"));
    layout_kv2(d, "服务对象", codes_zh(d, CODES_SERVICE_OBJECT, json_object_get(it, "audience")),
               "行使层级", codes_zh(d, CODES_EXERCISE_LEVEL, json_object_get(it, "levels")));
    layout_kv2(d, "权力来源", code_zh(CODES_POWER_SOURCE, jstr(it, "power_source")), "办理形式",
               code_zh(CODES_HANDLING_MODE, jstr(it, "handling_mode")));
    layout_kv2(d, "办件类型", code_zh(CODES_CASE_KIND, jstr(it, "kind")), "受理类别",
               code_zh(CODES_ITEM_CLASS, jstr(it, "item_class")));
    const char *topics = "";
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(it, "topics"), i, v)
    {
        if (json_is_string(v))
            topics = layout_printf(d, "%s%s%s", topics, *topics ? "、" : "", json_string_value(v));
    }
    layout_kv1(d, "主题分类", or_dash(topics));
    /* RULE: 国办发〔2020〕42号 high-risk items may not use 告知承诺 */
    const json_t *risk = json_object_get(it, "is_high_risk");
    layout_kv1(d, "高风险事项",
               json_is_true(risk)    ? "是（不适用告知承诺制）"
               : json_is_false(risk) ? "否"
                                     : "—");
}

static void section_basis(struct guide_doc *d)
{
    static const struct column cols[] = {{28, PANGO_ALIGN_CENTER, "序号"},
                                         {BODY_W_PT - 28 - 150, PANGO_ALIGN_LEFT, "法律法规名称"},
                                         {150, PANGO_ALIGN_LEFT, "条款"}};
    static const struct table t = {cols, COUNT(cols), true};
    const json_t *arr = json_object_get(d->item, "basis");
    layout_table_header(d, &t);
    size_t i;
    const json_t *b;
    json_array_foreach(arr, i, b)
    {
        struct cell c[] = {{layout_printf(d, "%zu", i + 1), NULL, 1, CELL_VALUE},
                           {jstr(b, "law"), NULL, 1, CELL_VALUE},
                           {jstr(b, "article"), NULL, 1, CELL_VALUE}};
        layout_row(d, &t, c, COUNT(c));
    }
    if (json_array_size(arr) == 0) {
        struct cell none = {json_is_array(arr) ? "无" : "—", NULL, 3, CELL_VALUE};
        layout_row(d, &t, &none, 1);
    }
}

static void section_conditions(struct guide_doc *d)
{
    layout_paragraph(d, jstr(d->item, "conditions"));
}

/* The small lines under a material's name: what kind of paper it is. */
static const char *material_sub(struct guide_doc *d, const json_t *m)
{
    const char *s = "";
    if (json_is_true(json_object_get(m, "is_proof")))
        s = layout_printf(d, "证明事项（清单编码 %s）", or_dash(jstr(m, "proof_code")));
    if (jstr(m, "licence_type"))
        s = layout_printf(d, "%s%s电子证照类型：%s", s, *s ? "\n" : "", jstr(m, "licence_type"));
    if (jstr(m, "basis"))
        s = layout_printf(d, "%s%s依据：%s", s, *s ? "\n" : "", jstr(m, "basis"));
    if (jstr(m, "note"))
        s = layout_printf(d, "%s%s备注：%s", s, *s ? "\n" : "", jstr(m, "note"));
    return *s ? s : NULL;
}

static void section_materials(struct guide_doc *d)
{
    static const struct column cols[] = {
        {24, PANGO_ALIGN_CENTER, "序号"},
        {100, PANGO_ALIGN_LEFT, "材料名称"},
        {32, PANGO_ALIGN_CENTER, "必要性"},
        {28, PANGO_ALIGN_CENTER, "纸质份数"},
        {49, PANGO_ALIGN_CENTER, "材料形式"},
        {49, PANGO_ALIGN_CENTER, "来源渠道"},
        {44, PANGO_ALIGN_CENTER, "容缺/告知承诺"},
        {62, PANGO_ALIGN_LEFT, "示例样表"},
        {BODY_W_PT - 388, PANGO_ALIGN_LEFT, "常见错误"},
    };
    static const struct table t = {cols, COUNT(cols), true};
    const json_t *arr = json_object_get(d->item, "materials");
    layout_table_header(d, &t);
    size_t i;
    const json_t *m;
    json_array_foreach(arr, i, m)
    {
        const json_t *copies = json_object_get(m, "copies");
        bool may_miss = json_is_true(json_object_get(m, "allows_missing"));
        bool may_commit = json_is_true(json_object_get(m, "allows_commitment"));
        const char *marks = may_miss && may_commit ? "可容缺\n告知承诺"
                            : may_miss             ? "可容缺"
                            : may_commit           ? "告知承诺"
                                                   : "—";
        const json_t *req = json_object_get(m, "is_required");
        struct cell c[] = {
            {layout_printf(d, "%zu", i + 1), NULL, 1, CELL_VALUE},
            {jstr(m, "name"), material_sub(d, m), 1, CELL_VALUE},
            {json_is_true(req)    ? "必要"
             : json_is_false(req) ? "非必要"
                                  : "—",
             NULL, 1, CELL_VALUE},
            {json_integer_value(copies) > 0 ? integer(d, m, "copies") : "—", NULL, 1, CELL_VALUE},
            {code_zh(CODES_MATERIAL_FORM, jstr(m, "form")), NULL, 1, CELL_VALUE},
            {code_zh(CODES_MATERIAL_SOURCE, jstr(m, "source")), NULL, 1, CELL_VALUE},
            {marks, NULL, 1, CELL_VALUE},
            {jstr(m, "sample"), NULL, 1, CELL_VALUE},
            {jstr(m, "mistakes"), NULL, 1, CELL_VALUE},
        };
        layout_row(d, &t, c, COUNT(c));
    }
    if (json_array_size(arr) == 0) {
        struct cell none = {json_is_array(arr) ? "无需提交材料" : "—", NULL, 9, CELL_VALUE};
        layout_row(d, &t, &none, 1);
    }
    /* RULE: SPEC §2 容缺受理 and 国办发〔2020〕42号 告知承诺 */
    layout_note(d,
                "可容缺：该材料暂缺时可先行受理，申请人在规定期限内补齐；告知承诺：申请人书面承诺"
                "符合要求的，可不再提交该材料。纸质份数为“—”的材料无需提交纸质件。");
}

static void section_steps(struct guide_doc *d)
{
    static const struct column cols[] = {{28, PANGO_ALIGN_CENTER, "序号"},
                                         {BODY_W_PT - 28 - 150 - 110, PANGO_ALIGN_LEFT, "办理环节"},
                                         {150, PANGO_ALIGN_CENTER, "审批权限"},
                                         {110, PANGO_ALIGN_CENTER, "办理时限"}};
    static const struct table t = {cols, COUNT(cols), true};
    const json_t *arr = json_object_get(d->item, "steps");
    layout_table_header(d, &t);
    size_t i;
    const json_t *s;
    json_array_foreach(arr, i, s)
    {
        struct cell c[] = {
            {layout_printf(d, "%zu", i + 1), NULL, 1, CELL_VALUE},
            {jstr(s, "name"), NULL, 1, CELL_VALUE},
            {word_zh(AUTHORITY_LEVELS, COUNT(AUTHORITY_LEVELS), integer(d, s, "authority_level")),
             NULL, 1, CELL_VALUE},
            {days(d, s, "limit_days"), NULL, 1, CELL_VALUE}};
        layout_row(d, &t, c, COUNT(c));
    }
    if (json_array_size(arr) == 0) {
        struct cell none = {"—", NULL, 4, CELL_VALUE};
        layout_row(d, &t, &none, 1);
    }
}

static void section_specials(struct guide_doc *d)
{
    static const struct column cols[] = {{28, PANGO_ALIGN_CENTER, "序号"},
                                         {BODY_W_PT - 28 - 110, PANGO_ALIGN_LEFT, "特别程序"},
                                         {110, PANGO_ALIGN_CENTER, "所需时限"}};
    static const struct table t = {cols, COUNT(cols), true};
    const json_t *arr = json_object_get(d->item, "special_procedures");
    layout_table_header(d, &t);
    size_t i;
    const json_t *s;
    json_array_foreach(arr, i, s)
    {
        struct cell c[] = {{layout_printf(d, "%zu", i + 1), NULL, 1, CELL_VALUE},
                           {code_zh(CODES_SPECIAL_PROCEDURE, jstr(s, "kind")), NULL, 1, CELL_VALUE},
                           {days(d, s, "limit_days"), NULL, 1, CELL_VALUE}};
        layout_row(d, &t, c, COUNT(c));
    }
    if (json_array_size(arr) == 0) {
        struct cell none = {json_is_array(arr) ? "无" : "—", NULL, 3, CELL_VALUE};
        layout_row(d, &t, &none, 1);
    }
    /* RULE: 行政许可法 §45 special procedures do not count in the limit */
    layout_note(d,
                "依照《中华人民共和国行政许可法》第四十五条，特别程序所需时间不计算在办理时限内。");
}

static void section_limits(struct guide_doc *d)
{
    const json_t *it = d->item;
    const json_t *promised = json_object_get(it, "promised_limit_days");
    const char *p = json_is_integer(promised) && json_integer_value(promised) == 0
                        ? "即办（当场办结）"
                        : days(d, it, "promised_limit_days");
    layout_kv2(d, "法定办结时限", days(d, it, "legal_limit_days"), "承诺办结时限", p);
    const char *starts = jstr(it, "limit_starts");
    layout_kv2(d, "时限计算",
               word_zh(LIMIT_STARTS, COUNT(LIMIT_STARTS), starts ? starts : "next_day"),
               "时限压缩例外", yes_no(it, "is_exempt"));
}

static void section_fee(struct guide_doc *d)
{
    const json_t *fee = json_object_get(d->item, "fee");
    const json_t *is_free = json_object_get(fee, "is_free");
    const json_t *amount = json_object_get(fee, "amount_fen");
    const char *money = "—";
    if (json_is_true(is_free)) {
        money = "0 元";
    } else if (json_is_integer(amount) && json_integer_value(amount) >= 0) {
        json_int_t fen = json_integer_value(amount);
        money = layout_printf(d, "%" JSON_INTEGER_FORMAT ".%02d 元", fen / 100, (int)(fen % 100));
    }
    layout_kv2(d, "是否收费",
               json_is_true(is_free)    ? "不收费"
               : json_is_false(is_free) ? "收费"
                                        : "—",
               "收费标准", money);
    layout_kv1(d, "收费依据", jstr(fee, "basis"));
}

static void section_result(struct guide_doc *d)
{
    const json_t *r = json_object_get(d->item, "result");
    layout_kv2(d, "结果类型", word_zh(RESULT_KINDS, COUNT(RESULT_KINDS), jstr(r, "kind")),
               "证照类型", jstr(r, "licence_type"));
    layout_kv1(d, "结果名称", jstr(r, "name"));
}

static void section_ways(struct guide_doc *d)
{
    const json_t *it = d->item;
    layout_kv2(d, "马上办", yes_no(it, "is_immediate"), "网上办", yes_no(it, "is_online"));
    layout_kv2(d, "就近办", yes_no(it, "is_nearby"), "一次办", yes_no(it, "is_one_visit"));
    layout_kv2(d, "到办事现场次数", code_zh(CODES_TRIPS, jstr(it, "trips")), "办理渠道",
               words_zh(d, CHANNELS, COUNT(CHANNELS), json_object_get(it, "channels")));
    layout_kv1(d, "送达方式", codes_zh(d, CODES_DELIVERY, json_object_get(it, "delivery")));
}

static void section_intermediaries(struct guide_doc *d)
{
    const char *s = "";
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(d->item, "intermediaries"), i, v)
    {
        if (json_is_string(v))
            s = layout_printf(d, "%s%s%s", s, *s ? "、" : "", json_string_value(v));
    }
    layout_kv1(d, "中介服务", *s ? layout_printf(d, "中介服务清单编码：%s", s) : "无");
}

static void section_contacts(struct guide_doc *d)
{
    const json_t *c = json_object_get(d->item, "contacts");
    layout_kv1(d, "办理地点", jstr(c, "address"));
    layout_kv1(d, "办理时间", jstr(c, "hours"));
    layout_kv1(d, "咨询电话", jstr(c, "phone"));
    layout_kv1(d, "咨询方式", jstr(c, "consult"));
    layout_kv1(d, "监督投诉", jstr(c, "complaint"));
}

static void section_notes(struct guide_doc *d)
{
    const char *notes = jstr(d->item, "notes");
    layout_paragraph(d, notes && *notes ? notes : "无");
}

/* The sections in the order of the national guide template. */
static const struct section {
    const char *title;
    void (*render)(struct guide_doc *d);
} SECTIONS[] = {
    {"一、基本信息", section_basic},
    {"二、设定依据", section_basis},
    {"三、申请条件", section_conditions},
    {"四、申请材料", section_materials},
    {"五、办理流程", section_steps},
    {"六、特别程序", section_specials},
    {"七、办理时限", section_limits},
    {"八、收费标准", section_fee},
    {"九、办理结果", section_result},
    {"十、办理方式与送达", section_ways},
    {"十一、中介服务", section_intermediaries},
    {"十二、咨询与投诉", section_contacts},
    {"十三、备注", section_notes},
};

/* Lays the whole guide out once: counting pages when d->cr is NULL, else
 * drawing them. Returns d->err. */
static int lay_out(struct guide_doc *d)
{
    d->page = 0;
    layout_page_begin(d);
    header(d);
    for (size_t i = 0; i < COUNT(SECTIONS) && d->err == TB_OK; i++) {
        layout_heading(d, SECTIONS[i].title);
        SECTIONS[i].render(d);
    }
    layout_page_end(d);
    return d->err;
}

/* ---- the PDF --------------------------------------------------------------------------------- */

/* The running head of pages after the first and the footer's left side. */
static void set_running_texts(struct guide_doc *d, int version, const char *published_at)
{
    d->head_left = layout_printf(d, "办事指南｜%s", or_dash(jstr(d->item, "name")));
    d->head_right = or_dash(jstr(d->item, "impl_code"));
    d->foot_left = layout_printf(d, "%s　版本 %d　发布日期 %s", or_dash(d->org_name), version,
                                 published_at && *published_at ? published_at : "未发布");
}

static bool is_utf8(const char *s)
{
    return !s || g_utf8_validate(s, -1, NULL);
}

int guide_pdf(const json_t *item, const char *org_name, const char *url, int version,
              const char *published_at, struct tb_buf *out)
{
    if (!json_is_object(item) || !out)
        return TB_ERR_INVALID;
    if (!is_utf8(org_name) || !is_utf8(url) || !is_utf8(published_at))
        return TB_ERR_BAD_UTF8;
    int rc = layout_check_limits(item);
    if (rc != TB_OK)
        return rc;
    struct guide_doc d = {.item = item, .org_name = org_name, .url = url};
    layout_open(&d);
    set_running_texts(&d, version, published_at);
    struct pdf_meta meta = {
        .title = layout_printf(&d, "办事指南：%s", or_dash(jstr(item, "name"))),
        .author = org_name,
        .subject = or_dash(jstr(item, "impl_code")),
        /* The publication date, not the render time: the same version gives
         * the same bytes, whichever worker renders it and when. */
        .date = published_at,
    };
    rc = layout_pdf(&d, lay_out, &meta, out);
    layout_close(&d);
    return rc;
}
