/*
 * notice.c - the written notices of a case (受理通知书, 不予受理通知书 ...).
 *
 * A notice is a short formal document (公文) the deciding organisation
 * hands or sends to the applicant: its name in red over a red rule, the
 * title, the document number, the addressee, the facts in running text
 * (lists of materials in bordered tables), the remedies where the law asks
 * for them, and a signature block with the seal placeholder and the date.
 * The text of each kind follows the article of law it implements, which
 * its RULE tag names; tests/unit/test_notice.c carries the same tags.
 *
 * The page engine is the guide's (layout.c): the same two passes, the same
 * tables that run over pages under their header row, the same footer with
 * "第 n 页 共 m 页". This file only says what a notice holds. Callers are the
 * case routes (docs/cases.md, "Notices"), on the worker pool.
 */
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

#define INDENT_PT       24.0  /* two characters of F_LETTER, as Chinese paragraphs start */
#define PARA_GAP_PT     5.0   /* between paragraphs */
#define HEAD_RULE_W_PT  1.6   /* the red rule under the organisation's name */
#define SIGN_W_PT       210.0 /* the signature block at the right */
#define SIGN_GAP_PT     30.0  /* between the text and the signature block */
#define PLEDGE_W_PT     220.0 /* the applicant's signature at the left of pledges */
#define HEAD_MAX_LINES  2
#define TITLE_MAX_LINES 2
#define SIGN_MAX_LINES  6 /* the signature block: an absurd name is cut, never overflows */

/* ---- reading the data -------------------------------------------------------------- */

/* "20个工作日" for 20 or "20"; another string as given, "—" for none. */
static const char *work_days(struct guide_doc *d, const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (json_is_integer(v))
        return layout_printf(d, "%" JSON_INTEGER_FORMAT "个工作日", json_integer_value(v));
    const char *s = jstr(o, key);
    if (s && *s && strspn(s, "0123456789") == strlen(s))
        return layout_printf(d, "%s个工作日", s);
    return or_dash(s);
}

static const char *item_name(const struct guide_doc *d)
{
    return or_dash(jstr2(d->item, "item", "name"));
}

/* "食品经营许可（新办）申请（办件编号：…）": how every notice names the case. */
static const char *the_case(struct guide_doc *d)
{
    return layout_printf(d, "%s申请（办件编号：%s）", item_name(d),
                         or_dash(jstr(d->item, "case_no")));
}

/* ---- text blocks ----------------------------------------------------------------------- */

static void para(struct guide_doc *d, const char *text)
{
    layout_flow(d, F_LETTER, COLOUR_INK, text, MARGIN_X_PT, BODY_W_PT, INDENT_PT, PANGO_ALIGN_LEFT);
    d->y += PARA_GAP_PT;
}

/* The height text would take, without drawing it. */
static double text_h(struct guide_doc *d, enum font_role f, const char *text, double w,
                     int max_lines)
{
    cairo_t *cr = d->cr;
    d->cr = NULL;
    double h = layout_text(d, f, COLOUR_INK, text, 0, 0, w, PANGO_ALIGN_LEFT, max_lines);
    d->cr = cr;
    return h;
}

/* A numbered list in a bordered table: 序号 | what | detail. */
struct list_spec {
    const char *array;        /* the member of data holding the rows */
    const char *what, *title; /* the member naming each row and its column */
    const char *detail;       /* the second member, NULL for a two-column table */
    const char *detail_title;
    double detail_w_pt;
    bool is_date; /* detail is a date */
};

static void list_table(struct guide_doc *d, const struct list_spec *ls)
{
    const double no_w = 36;
    double detail_w = ls->detail ? ls->detail_w_pt : 0;
    const struct column cols[] = {
        {no_w, PANGO_ALIGN_CENTER, "序号"},
        {BODY_W_PT - no_w - detail_w, PANGO_ALIGN_LEFT, ls->title},
        {detail_w, ls->is_date ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT, ls->detail_title},
    };
    const struct table t = {cols, ls->detail ? 3 : 2, true};
    const json_t *arr = json_object_get(d->item, ls->array);
    layout_table_header(d, &t);
    size_t i;
    const json_t *row;
    json_array_foreach(arr, i, row)
    {
        const char *detail = ls->detail ? jstr(row, ls->detail) : NULL;
        struct cell c[] = {
            {layout_printf(d, "%zu", i + 1), NULL, 1, CELL_VALUE},
            {jstr(row, ls->what), NULL, 1, CELL_VALUE},
            {ls->is_date ? layout_date_zh(d, detail) : detail, NULL, 1, CELL_VALUE},
        };
        layout_row(d, &t, c, t.n_cols);
    }
    if (json_array_size(arr) == 0) {
        struct cell none = {"—", NULL, (int)t.n_cols, CELL_VALUE};
        layout_row(d, &t, &none, 1);
    }
    d->y += PARA_GAP_PT + 4;
}

/* ---- the bodies of the kinds ------------------------------------------------------------ */

static void body_acceptance(struct guide_doc *d)
{
    const json_t *j = d->item;
    /* RULE: 行政许可法 §32(1)(五) materials complete and in legal form: accept */
    para(d, layout_printf(d,
                          "你（单位）于%s提出的%s，经审查，申请事项属于本机关职权范围，申请材料"
                          "齐全、符合法定形式。根据《中华人民共和国行政许可法》第三十二条第一款"
                          "第（五）项的规定，本机关决定予以受理。",
                          layout_date_zh(d, jstr(j, "accepted_on")), the_case(d)));
    /* RULE: 行政许可法 §42 limit, §45 special procedures do not count */
    para(d, layout_printf(d,
                          "本事项法定办结时限为%s，承诺办结时限为%s，本机关将于%s前作出决定。"
                          "依法需要听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审的，所需时间"
                          "不计算在上述时限内。",
                          work_days(d, j, "legal_days"), work_days(d, j, "promised_days"),
                          layout_date_zh(d, jstr(j, "promised_date"))));
    const char *window = jstr2(j, "window", "name");
    if (window && *window)
        para(d, layout_printf(d, "受理窗口：%s。", window));
    const char *hint = jstr(j, "query_code_hint");
    if (hint && *hint)
        para(d, hint);
}

static void body_refusal(struct guide_doc *d)
{
    const json_t *j = d->item;
    /* RULE: 行政许可法 §32(1)(一)(二) refusal, with the reason */
    para(d, layout_printf(d, "你（单位）提出的%s收悉。经审查，%s", the_case(d),
                          or_dash(jstr(j, "reason"))));
    para(d, layout_printf(d, "根据%s的规定，本机关决定不予受理。", or_dash(jstr(j, "basis"))));
}

static void body_correction(struct guide_doc *d)
{
    const json_t *j = d->item;
    /* RULE: 行政许可法 §32(1)(四) one-time notice of every correction needed */
    para(d, layout_printf(d,
                          "你（单位）提出的%s，经审查，申请材料不齐全或者不符合法定形式。根据"
                          "《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定，现一次性"
                          "告知你（单位）需要补正的全部内容如下：",
                          the_case(d)));
    static const struct list_spec faults = {
        "faults", "material", "材料名称", "problem", "存在问题及补正要求", 250, false};
    list_table(d, &faults);
    const char *window = jstr2(j, "window", "name");
    para(d, layout_printf(d,
                          "请于%s前将上述材料补正齐全后提交至%s。补正材料齐全、符合法定形式的，"
                          "本机关依法予以受理。",
                          layout_date_zh(d, jstr(j, "deadline")),
                          window && *window ? window : "本机关"));
}

static void pledge(struct guide_doc *d)
{
    para(d, layout_printf(d, "申请人承诺：%s", or_dash(jstr(d->item, "commitment_text"))));
}

static void body_missing(struct guide_doc *d)
{
    /* RULE: SPEC §2 容缺受理: secondary materials may follow by a set date */
    para(d, layout_printf(d,
                          "你（单位）提出的%s，经审查，主要申请材料齐全、符合法定形式，下列次要材料"
                          "暂缺。根据容缺受理有关规定，本机关先行受理，请于下表所列期限前补齐：",
                          the_case(d)));
    static const struct list_spec missing = {"missing",  "material", "暂缺材料", "supplement_by",
                                             "补齐期限", 130,        true};
    list_table(d, &missing);
    pledge(d);
    para(d, "申请人逾期未补齐材料的，本机关依照容缺受理有关规定处理，由此产生的后果由申请人承担。");
}

static void body_commitment(struct guide_doc *d)
{
    /* RULE: 国办发〔2020〕42号 告知承诺: no proof is asked for what the applicant pledges */
    para(d,
         layout_printf(d,
                       "你（单位）提出的%s，根据《国务院办公厅关于全面推行证明事项和涉企经营许可"
                       "事项告知承诺制的指导意见》（国办发〔2020〕42号），下列证明事项实行告知承诺"
                       "制：申请人书面承诺符合要求的，本机关不再索要相应证明。",
                       the_case(d)));
    static const struct list_spec proofs = {"proofs", "name", "证明事项", NULL, NULL, 0, false};
    list_table(d, &proofs);
    pledge(d);
    para(d, "本机关将依法对承诺内容进行核查。承诺不实的，本机关依法撤销相关决定，记入申请人"
            "信用记录，申请人依法承担相应法律责任。");
}

static void body_approval(struct guide_doc *d)
{
    const json_t *j = d->item;
    /* RULE: 行政许可法 §38(1) approval in writing */
    para(d, layout_printf(d,
                          "你（单位）提出的%s，经审查，符合法定条件、标准。根据《中华人民共和国行政"
                          "许可法》第三十八条第一款的规定，本机关于%s决定准予行政许可。",
                          the_case(d), layout_date_zh(d, jstr(j, "decided_on"))));
    const char *number = jstr2(j, "result", "number");
    para(d, layout_printf(d, "行政许可结果：%s%s%s%s。", or_dash(jstr2(j, "result", "name")),
                          number && *number ? "（编号：" : "", number && *number ? number : "",
                          number && *number ? "）" : ""));
    /* RULE: 行政许可法 §44 certificate issued and served within 10 days */
    const char *window = jstr2(j, "window", "name");
    para(d, layout_printf(d, "本机关将自作出决定之日起10日内向你（单位）颁发、送达行政许可证件%s。",
                          window && *window ? layout_printf(d, "，你（单位）也可以到%s领取", window)
                                            : ""));
}

static void body_denial(struct guide_doc *d)
{
    const json_t *j = d->item;
    /* RULE: 行政许可法 §38(2) a denial gives its reasons */
    para(d, layout_printf(d, "你（单位）提出的%s，经审查，不符合法定条件、标准，理由如下：",
                          the_case(d)));
    static const char *const NUMERALS[] = {"一", "二", "三", "四", "五",
                                           "六", "七", "八", "九", "十"};
    const json_t *reasons = json_object_get(j, "reasons");
    if (json_is_array(reasons) && json_array_size(reasons) > 0) {
        size_t i;
        const json_t *r;
        json_array_foreach(reasons, i, r)
        {
            const char *n = i < COUNT(NUMERALS) ? layout_printf(d, "（%s）", NUMERALS[i])
                                                : layout_printf(d, "（%zu）", i + 1);
            para(d, layout_printf(d, "%s%s", n, or_dash(json_string_value(r))));
        }
    } else {
        para(d, or_dash(jstr(j, "reasons")));
    }
    para(d, layout_printf(d, "根据%s的规定，本机关于%s决定不予行政许可。",
                          or_dash(jstr(j, "basis")), layout_date_zh(d, jstr(j, "decided_on"))));
}

/* ---- the kinds ----------------------------------------------------------------------------- */

static const struct notice_spec {
    const char *title;
    const char *doc_word; /* what the remedies call the paper */
    void (*body)(struct guide_doc *d);
    bool has_remedies; /* refusals and denials */
    bool is_pledge;    /* the applicant signs too */
    const char *closing;
} NOTICES[] = {
    [NOTICE_ACCEPTANCE] = {"受理通知书", "通知书", body_acceptance, false, false, "特此通知。"},
    [NOTICE_REFUSAL] = {"不予受理通知书", "通知书", body_refusal, true, false, "特此通知。"},
    [NOTICE_CORRECTION] = {"补正材料通知书", "通知书", body_correction, false, false, "特此通知。"},
    [NOTICE_MISSING] = {"容缺受理承诺书", "承诺书", body_missing, false, true, NULL},
    [NOTICE_COMMITMENT] = {"告知承诺书", "承诺书", body_commitment, false, true, NULL},
    [NOTICE_APPROVAL] = {"准予行政许可决定书", "决定书", body_approval, false, false, "特此决定。"},
    [NOTICE_DENIAL] = {"不予行政许可决定书", "决定书", body_denial, true, false, "特此决定。"},
};

static const struct notice_spec *spec_of(enum notice_kind kind)
{
    return (size_t)kind < COUNT(NOTICES) ? &NOTICES[kind] : NULL;
}

const char *notice_title(enum notice_kind kind)
{
    const struct notice_spec *s = spec_of(kind);
    return s ? s->title : NULL;
}

/* RULE: 行政复议法 §20 (60 days) and 行政诉讼法 §46 (6 months): refusals and
 * denials tell the applicant both remedies and where to apply. The 复议机关
 * is named generically: which one applies depends on the organisation. */
static void remedies(struct guide_doc *d, const struct notice_spec *s)
{
    /* Both kinds are decisions (不予受理 is one too, 行政许可法 §32). */
    para(d,
         layout_printf(d,
                       "如不服本决定，可以自收到本%s之日起60日内，依照《中华人民共和国行政复议法》"
                       "的规定，向本机关的本级人民政府或者上一级主管部门申请行政复议；也可以自"
                       "收到本%s之日起6个月内，依照《中华人民共和国行政诉讼法》的规定，直接向"
                       "人民法院提起行政诉讼。",
                       s->doc_word, s->doc_word));
}

/* ---- the page -------------------------------------------------------------------------------- */

/* The first page's head: the organisation in red over the red rule, the
 * title, the number at the right, the addressee. */
static void head(struct guide_doc *d, const struct notice_spec *s)
{
    double x = MARGIN_X_PT, w = BODY_W_PT, y = d->y + 6;
    y += layout_text(d, F_LETTER_HEAD, COLOUR_RED, or_dash(d->org_name), x, y, w,
                     PANGO_ALIGN_CENTER, HEAD_MAX_LINES) +
         8;
    layout_rule(d, COLOUR_RED, HEAD_RULE_W_PT, x, x + w, y);
    layout_rule(d, COLOUR_RED, BORDER_W_PT, x, x + w, y + 2.5);
    y += 22;
    y += layout_text(d, F_TITLE, COLOUR_INK, s->title, x, y, w, PANGO_ALIGN_CENTER,
                     TITLE_MAX_LINES) +
         10;
    y += layout_text(d, F_LETTER, COLOUR_INK, or_dash(jstr(d->item, "number")), x, y, w,
                     PANGO_ALIGN_RIGHT, 1) +
         14;
    d->y = y;
    layout_flow(d, F_LETTER, COLOUR_INK,
                layout_printf(d, "%s：", or_dash(jstr2(d->item, "applicant", "name"))), x, w, 0,
                PANGO_ALIGN_LEFT);
    d->y += PARA_GAP_PT;
}

/* The closing line and the signature at the foot of the text: the
 * organisation, the seal's place and the date at the right; on pledges the
 * applicant's signature at the left. They stay together on one page, so
 * that the signature never stands alone; a pledge, with no closing line,
 * says "（此页无正文）" on such a page instead. */
static void signature(struct guide_doc *d, const struct notice_spec *s)
{
    const char *org = or_dash(d->org_name);
    const char *date = layout_date_zh(d, jstr(d->item, "date"));
    const char *block = layout_printf(d, "%s\n（印章）\n%s", org, date);
    double h = text_h(d, F_LETTER, block, SIGN_W_PT, SIGN_MAX_LINES);
    const char *pledger = "承诺人（签字或盖章）：\n\n　　　　年　　月　　日";
    if (s->is_pledge) {
        double ph = text_h(d, F_LETTER, pledger, PLEDGE_W_PT, 0);
        if (ph > h)
            h = ph;
    }
    double closing_h =
        s->closing ? text_h(d, F_LETTER, s->closing, BODY_W_PT - INDENT_PT, 0) + PARA_GAP_PT : 0;
    if (d->y + closing_h + SIGN_GAP_PT + h > BODY_BOTTOM_PT) {
        layout_need(d, closing_h + SIGN_GAP_PT + h);
        if (!s->closing)
            d->y += layout_text(d, F_LETTER, COLOUR_INK, "（此页无正文）", MARGIN_X_PT, d->y,
                                BODY_W_PT, PANGO_ALIGN_LEFT, 1);
    }
    if (s->closing)
        para(d, s->closing);
    double y = d->y + SIGN_GAP_PT;
    if (s->is_pledge)
        layout_text(d, F_LETTER, COLOUR_INK, pledger, MARGIN_X_PT, y, PLEDGE_W_PT, PANGO_ALIGN_LEFT,
                    0);
    layout_text(d, F_LETTER, COLOUR_INK, block, MARGIN_X_PT + BODY_W_PT - SIGN_W_PT, y, SIGN_W_PT,
                PANGO_ALIGN_CENTER, SIGN_MAX_LINES);
    d->y = y + h;
}

/* A notice being laid out: the engine's document and the kind. */
struct notice_doc {
    struct guide_doc d; /* first: lay_out gets &nd->d back as nd */
    const struct notice_spec *spec;
};

/* Lays the notice out once, counting pages or drawing (layout_pdf). */
static int lay_out(struct guide_doc *d)
{
    const struct notice_spec *s = ((struct notice_doc *)d)->spec;
    d->page = 0;
    layout_page_begin(d);
    head(d, s);
    s->body(d);
    if (s->has_remedies)
        remedies(d, s);
    signature(d, s);
    layout_page_end(d);
    return d->err;
}

int notice_pdf(enum notice_kind kind, const json_t *data, struct tb_buf *out)
{
    const struct notice_spec *s = spec_of(kind);
    if (!s || !json_is_object(data) || !out)
        return TB_ERR_INVALID;
    int rc = layout_check_limits(data);
    if (rc != TB_OK)
        return rc;
    struct notice_doc nd = {.d = {.item = data, .org_name = jstr2(data, "org", "name")}, .spec = s};
    struct guide_doc *d = &nd.d;
    layout_open(d);
    const char *number = or_dash(jstr(data, "number"));
    d->head_left = layout_printf(d, "%s｜%s", s->title, item_name(d));
    d->head_right = number;
    d->foot_left = layout_printf(d, "%s　%s　实施编码 %s", s->title, number,
                                 or_dash(jstr2(data, "item", "impl_code")));
    struct pdf_meta meta = {
        .title = layout_printf(d, "%s：%s", s->title, item_name(d)),
        .author = d->org_name,
        .subject = number,
        .date = jstr(data, "date"), /* the issue date: equal input, equal bytes */
    };
    rc = layout_pdf(d, lay_out, &meta, out);
    layout_close(d);
    return rc;
}
