/*
 * licence.c - the electronic licence (电子证照) as a PDF, and the seal image
 * (电子印章印模) drawn over it (docs/licences.md, "Seals" and "The licence
 * file and the PDF").
 *
 * The seal is drawn, never uploaded, the way round official seals look
 * (GA 241): a red ring, the organisation's name along the upper arc, a
 * five-pointed star in the middle and a caption under it. Each character of
 * the name is set on its own and turned so that its foot points at the
 * centre; a long name narrows its characters before it shrinks them. All
 * text is filled as outlines, so the seal is a picture in the PDF, not text
 * a reader copies or a search finds. seal_png draws it on a transparent
 * image for the seal routes, seal_draw on the caller's cairo context.
 *
 * The licence is one A4 page laid out with the guide's engine (layout.c):
 * its fonts, its two passes through layout_pdf (the first only measures),
 * its PDF metadata with issued_on as the dates, so that the same licence
 * gives the same bytes. The page reads like a printed certificate with
 * fixed places: the title at the top; at the foot the signature in small
 * print, and above it a band with the QR code at the left and the issuer
 * under its seal at the right; the table of the holder and the face fields
 * between, in the largest of TABLE_TYPES that fits. The PDF's Subject holds
 * the caller's "subject" (the licence file), which `tongban licence verify`
 * reads back (lib/pdfmeta.h) to check a PDF offline.
 *
 * Callers are the licence and seal routes, on the worker pool: nothing
 * here keeps state between calls, and every call has its own font map.
 */
#include "guide/guide.h"
#include "guide/internal.h"
#include "lib/arena.h"
#include "lib/err.h"

#include <cairo.h>
#include <jansson.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the seal: its geometry as fractions of the radius ------------------------------- */

#define SEAL_RED_R           (0xd4 / 255.0) /* #d40000 */
#define SEAL_RED_G           0.0
#define SEAL_RED_B           0.0
#define SEAL_FONT            "Noto Serif CJK SC" /* bold: 宋体 is what seals are cut in */
#define SEAL_DEFAULT_CAPTION "电子印章"
#define SEAL_RING_W          0.06  /* the ring's width */
#define SEAL_TEXT_GAP        0.045 /* between the ring and the name's outer edge */
#define SEAL_TEXT_H          0.27  /* the name's characters, at most */
#define SEAL_TEXT_ROOM       0.92  /* of a character's share of the arc it may fill */
#define SEAL_TEXT_NARROWEST  0.55  /* crowded characters narrow to this before they shrink */
#define SEAL_ARC_DEG         240.0 /* the name spreads over at most this */
#define SEAL_STEP_DEG        30.0  /* and at most this from one character to the next */
#define SEAL_STAR_R          0.32  /* the star's points */
#define SEAL_STAR_INNER      0.382 /* inner to outer radius of a regular pentagram */
#define SEAL_CAPTION_H       0.17
#define SEAL_CAPTION_Y       0.56 /* the caption's centre, below the seal's */
#define SEAL_CAPTION_W       0.95 /* its widest */
#define SEAL_EM_CENTRE       0.38 /* an ideograph's em box centre above its baseline (Noto CJK) */
#define SEAL_PNG_MARGIN      0.02 /* of the image's side, so that the ring's edge is whole */

/* Adds the outline of l's text to cr's path, centred on cr's origin: the
 * width narrowed by narrow, the em box of size centred vertically. */
static void text_path(cairo_t *cr, PangoLayout *l, double size, double narrow)
{
    PangoRectangle logical;
    pango_layout_get_extents(l, NULL, &logical);
    double w = (double)logical.width / PANGO_SCALE;
    double baseline = (double)pango_layout_get_baseline(l) / PANGO_SCALE;
    cairo_save(cr);
    cairo_scale(cr, narrow, 1);
    cairo_move_to(cr, -w / 2, SEAL_EM_CENTRE * size - baseline);
    pango_cairo_layout_path(cr, l);
    cairo_restore(cr);
}

static void set_size(PangoLayout *l, PangoFontDescription *font, double size)
{
    pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
    pango_layout_set_font_description(l, font);
}

/* The name along the upper arc, centred on the top, read clockwise. cr's
 * origin is the seal's centre. */
static void name_path(cairo_t *cr, PangoLayout *l, PangoFontDescription *font, const char *name,
                      double r)
{
    long n = g_utf8_strlen(name, -1);
    if (n > SEAL_MAX_NAME_CHARS)
        n = SEAL_MAX_NAME_CHARS;
    if (n <= 0)
        return;
    double step_deg = n > 1 ? fmin(SEAL_STEP_DEG, SEAL_ARC_DEG / (double)(n - 1)) : 0;
    double step = step_deg * G_PI / 180;
    double outer = r * (1 - SEAL_RING_W - SEAL_TEXT_GAP);
    double h = SEAL_TEXT_H * r;
    double narrow = 1;
    /* The room of one character along the arc through the characters' middle. */
    double room = n > 1 ? (outer - h / 2) * step * SEAL_TEXT_ROOM : h;
    if (room < h) {
        narrow = fmax(room / h, SEAL_TEXT_NARROWEST);
        h = room / narrow;
    }
    double mid = outer - h / 2;
    set_size(l, font, h);
    const char *p = name;
    for (long i = 0; i < n; i++) {
        const char *next = g_utf8_next_char(p);
        pango_layout_set_text(l, p, (int)(next - p));
        cairo_save(cr);
        cairo_rotate(cr, ((double)i - (double)(n - 1) / 2) * step);
        cairo_translate(cr, 0, -mid);
        text_path(cr, l, h, narrow);
        cairo_restore(cr);
        p = next;
    }
}

/* The caption in a straight line under the star, narrowed to fit. */
static void caption_path(cairo_t *cr, PangoLayout *l, PangoFontDescription *font,
                         const char *caption, double r)
{
    const char *end = caption + strlen(caption);
    if (g_utf8_strlen(caption, -1) > SEAL_MAX_CAPTION_CHARS)
        end = g_utf8_offset_to_pointer(caption, SEAL_MAX_CAPTION_CHARS);
    if (end == caption)
        return;
    double h = SEAL_CAPTION_H * r;
    set_size(l, font, h);
    pango_layout_set_text(l, caption, (int)(end - caption));
    PangoRectangle logical;
    pango_layout_get_extents(l, NULL, &logical);
    double w = (double)logical.width / PANGO_SCALE;
    double narrow = w > SEAL_CAPTION_W * r ? SEAL_CAPTION_W * r / w : 1;
    cairo_save(cr);
    cairo_translate(cr, 0, SEAL_CAPTION_Y * r);
    text_path(cr, l, h, narrow);
    cairo_restore(cr);
}

/* A regular five-pointed star, one point up, centred on cr's origin. */
static void star_path(cairo_t *cr, double r)
{
    for (int k = 0; k < 10; k++) {
        double a = -G_PI / 2 + k * G_PI / 5;
        double rk = (k % 2 ? SEAL_STAR_INNER : 1) * SEAL_STAR_R * r;
        if (k == 0)
            cairo_move_to(cr, rk * cos(a), rk * sin(a));
        else
            cairo_line_to(cr, rk * cos(a), rk * sin(a));
    }
    cairo_close_path(cr);
}

/* The seal with pc's fonts (the caller's own context: pango objects are
 * not shared between threads). */
static void seal_paint(cairo_t *cr, PangoContext *pc, const char *name, const char *caption,
                       double cx, double cy, double r)
{
    if (!caption)
        caption = SEAL_DEFAULT_CAPTION;
    cairo_save(cr);
    cairo_translate(cr, cx, cy);
    cairo_new_path(cr);
    cairo_set_source_rgb(cr, SEAL_RED_R, SEAL_RED_G, SEAL_RED_B);
    cairo_set_line_width(cr, SEAL_RING_W * r);
    cairo_arc(cr, 0, 0, r * (1 - SEAL_RING_W / 2), 0, 2 * G_PI);
    cairo_stroke(cr);
    PangoLayout *l = pango_layout_new(pc);
    PangoFontDescription *font = pango_font_description_new();
    pango_font_description_set_family_static(font, SEAL_FONT);
    pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
    star_path(cr, r);
    if (name && g_utf8_validate(name, -1, NULL))
        name_path(cr, l, font, name, r);
    if (g_utf8_validate(caption, -1, NULL))
        caption_path(cr, l, font, caption, r);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    cairo_fill(cr);
    pango_font_description_free(font);
    g_object_unref(l);
    cairo_restore(cr);
}

void seal_draw(cairo_t *cr, const char *org_name, const char *caption, double cx, double cy,
               double radius)
{
    struct guide_doc d = {.err = TB_OK};
    layout_open(&d); /* for its font map and context, which are this call's own */
    seal_paint(cr, d.pc, org_name, caption, cx, cy, radius);
    layout_close(&d);
}

static int cairo_rc(cairo_status_t st)
{
    return st == CAIRO_STATUS_SUCCESS     ? TB_OK
           : st == CAIRO_STATUS_NO_MEMORY ? TB_ERR_NOMEM
                                          : TB_ERR_INTERNAL;
}

int seal_png(const char *org_name, const char *caption, int size_px, struct tb_buf *out)
{
    if (!org_name || !*org_name || size_px < SEAL_MIN_PX || size_px > SEAL_MAX_PX || !out)
        return TB_ERR_INVALID;
    if (!g_utf8_validate(org_name, -1, NULL) || (caption && !g_utf8_validate(caption, -1, NULL)))
        return TB_ERR_BAD_UTF8;
    if (g_utf8_strlen(org_name, -1) > SEAL_MAX_NAME_CHARS ||
        (caption && g_utf8_strlen(caption, -1) > SEAL_MAX_CAPTION_CHARS))
        return TB_ERR_TOO_LARGE;
    size_t start = out->len;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size_px, size_px);
    cairo_t *cr = cairo_create(s);
    double half = size_px / 2.0;
    seal_draw(cr, org_name, caption, half, half, half - SEAL_PNG_MARGIN * size_px);
    int rc = cairo_rc(cairo_status(cr));
    if (rc == TB_OK)
        rc = guide_png(s, out);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    if (rc != TB_OK) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
    }
    return rc;
}

/* ---- the licence: the page, in points ------------------------------------------------ */

#define BORDER_OUT_PT    22.0 /* the double border, from the page's edges */
#define BORDER_OUT_W_PT  2.2
#define BORDER_IN_PT     27.5
#define BORDER_IN_W_PT   0.7
#define TITLE_TOP_PT     70.0
#define TITLE_MAX_LINES  2
#define NUMBER_GAP_PT    8.0 /* between the title and the number */
#define NUMBER_MAX_LINES 2
#define TABLE_GAP_PT     18.0 /* between the number and the table */
#define TABLE_LINE_W_PT  0.6
#define TABLE_EDGE_W_PT  1.0
#define SEAL_R_PT        59.53 /* 21 mm: a 42 mm round seal (GA 241) */
#define SEAL_ALPHA       0.85  /* the issuer's name shows through the seal */
#define ISSUER_W_PT      190.0
#define ISSUER_MAX_LINES 4    /* the name on up to three lines, and the date */
#define ISSUER_DROP      0.04 /* of the seal's radius: the name and date sit below its centre */
#define QR_PT            85.0 /* 30 mm: a phone reads it from arm's length */
#define BAND_GAP_PT      16.0 /* above and below the band of the QR code and the seal */
#define FOOT_BOTTOM_PT   (PAGE_H_PT - BORDER_IN_PT - 12.0)
#define FOOT_MAX_LINES   6
#define WATERMARK_SCALE  3.6 /* F_CERT_TITLE (30 pt) to 108 pt */
#define WATERMARK_ALPHA  0.30
#define WATERMARK_DEG    (-32.0)
#define FIXED_FIELDS     4 /* holder name and number, validity, trust level */

/* The word laid over a licence that is not valid: 注销 and 撤销 both end a
 * licence (docs/licences.md, "Revocation"); any other state says 无效. */
static const struct status_word {
    const char *status;
    const char *word; /* NULL: no watermark */
} STATUS_WORDS[] = {
    {"valid", NULL},
    {"revoked", "已注销"},
    {"superseded", "已变更"},
    {"expired", "已过期"},
};
#define STATUS_OTHER_WORD "无效"

/* docs/licences.md, "What is signed": the trust levels. */
static const struct trust_level {
    const char *code;
    const char *text;
} TRUST_LEVELS[] = {
    {"A", "A（发证机关签发）"},
    {"B", "B（已与原件核验）"},
    {"C", "C（申请人上传）"},
    {"D", "D（申请人承诺）"},
};

/* The table's type, largest first: the first that fits is used. The last
 * sets two fields side by side, so that the catalogue's 40 face fields
 * (docs/licences.md) still fit on the page. */
static const struct table_type {
    enum font_role label, value;
    double label_w_pt; /* the label column; the value has the rest of its pair */
    double pad_x_pt, pad_y_pt;
    int pairs; /* label and value pairs in one row */
} TABLE_TYPES[] = {
    {F_HEADING, F_LETTER, 112.0, 8.0, 9.0, 1}, /* 12 pt serif */
    {F_CELL_BOLD, F_BODY, 100.0, 5.0, 4.0, 1}, /* 9 pt */
    {F_CELL_BOLD, F_SMALL, 100.0, 3.0, 2.5, 1},
    {F_CELL_BOLD, F_SMALL, 64.0, 3.0, 2.0, 2},
};

/* ---- reading the data ------------------------------------------------------------------ */

/* A face value: a string (a date in Chinese form), an integer, else "—". */
static const char *face_value(struct guide_doc *d, const json_t *v)
{
    if (json_is_integer(v))
        return layout_printf(d, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return layout_date_zh(d, json_is_string(v) ? json_string_value(v) : NULL);
}

/* "2026年11月24日至2031年11月23日"; null valid_until is 长期 (validity_years 0). */
static const char *validity(struct guide_doc *d)
{
    const json_t *until = json_object_get(d->item, "valid_until");
    return layout_printf(d, "%s至%s", layout_date_zh(d, jstr(d->item, "valid_from")),
                         json_is_null(until) ? "长期"
                                             : layout_date_zh(d, json_string_value(until)));
}

static const char *trust_text(const char *code)
{
    for (size_t i = 0; code && i < COUNT(TRUST_LEVELS); i++)
        if (strcmp(code, TRUST_LEVELS[i].code) == 0)
            return TRUST_LEVELS[i].text;
    return or_dash(code);
}

static const char *watermark_word(const char *status)
{
    if (!status)
        return NULL;
    for (size_t i = 0; i < COUNT(STATUS_WORDS); i++)
        if (strcmp(status, STATUS_WORDS[i].status) == 0)
            return STATUS_WORDS[i].word;
    return STATUS_OTHER_WORD;
}

/* ---- the table ------------------------------------------------------------------------- */

struct field {
    const char *label, *value;
};

/* The fields of the table in d's arena: the holder, the face fields, the
 * validity and the trust level. NULL (d->err set) when out of memory. */
static struct field *table_fields(struct guide_doc *d, size_t *n)
{
    const json_t *face = json_object_get(d->item, "face");
    size_t max = FIXED_FIELDS + json_array_size(face);
    struct field *fields = tb_arena_alloc(&d->arena, max * sizeof(*fields));
    if (!fields) {
        d->err = TB_ERR_NOMEM;
        return NULL;
    }
    const json_t *holder = json_object_get(d->item, "holder");
    const char *id_label = jstr(holder, "id_type_label");
    size_t k = 0;
    fields[k++] = (struct field){"持证主体", or_dash(jstr(holder, "name"))};
    fields[k++] = (struct field){id_label && *id_label ? id_label : "证件号码",
                                 or_dash(jstr(holder, "id_number"))};
    size_t i;
    const json_t *f;
    json_array_foreach(face, i, f)
    {
        fields[k++] =
            (struct field){or_dash(jstr(f, "label")), face_value(d, json_object_get(f, "value"))};
    }
    fields[k++] = (struct field){"有效期限", validity(d)};
    fields[k++] = (struct field){"可信等级", trust_text(jstr(d->item, "trust_level"))};
    *n = k;
    return fields;
}

static double pair_w(const struct table_type *t)
{
    return BODY_W_PT / t->pairs;
}

static double label_w(const struct table_type *t)
{
    return t->label_w_pt - 2 * t->pad_x_pt;
}

static double value_w(const struct table_type *t)
{
    return pair_w(t) - t->label_w_pt - 2 * t->pad_x_pt;
}

/* The height of the row of t->pairs fields from f (fewer at the end). */
static double row_h(struct guide_doc *d, const struct table_type *t, const struct field *f,
                    size_t n)
{
    double h = 0;
    for (size_t k = 0; k < n; k++) {
        h = fmax(h, layout_text_h(d, t->label, f[k].label, label_w(t), 0));
        h = fmax(h, layout_text_h(d, t->value, f[k].value, value_w(t), 0));
    }
    return h + 2 * t->pad_y_pt;
}

static size_t in_row(const struct table_type *t, size_t i, size_t n)
{
    return n - i < (size_t)t->pairs ? n - i : (size_t)t->pairs;
}

static double table_h(struct guide_doc *d, const struct table_type *t, const struct field *f,
                      size_t n)
{
    double h = 0;
    for (size_t i = 0; i < n; i += (size_t)t->pairs)
        h += row_h(d, t, &f[i], in_row(t, i, n));
    return h;
}

/* One cell's text in the middle of its box. */
static void cell(struct guide_doc *d, enum font_role font, const char *text, double x, double y,
                 double w, double h, double pad_x, PangoAlignment align)
{
    layout_box(d, COLOUR_CERT, TABLE_LINE_W_PT, x, y, w, h);
    if (!text)
        return;
    double th = layout_text_h(d, font, text, w - 2 * pad_x, 0);
    layout_text(d, font, COLOUR_INK, text, x + pad_x, y + (h - th) / 2, w - 2 * pad_x, align, 0);
}

/* The table from d->y, above bottom, in the largest type that fits;
 * TB_ERR_TOO_LARGE when none does. Labels are centred, values left. */
static void table(struct guide_doc *d, double bottom)
{
    size_t n;
    struct field *f = table_fields(d, &n);
    if (!f)
        return;
    const struct table_type *t = NULL;
    for (size_t i = 0; i < COUNT(TABLE_TYPES) && !t; i++)
        if (d->y + table_h(d, &TABLE_TYPES[i], f, n) <= bottom)
            t = &TABLE_TYPES[i];
    if (!t) {
        d->err = TB_ERR_TOO_LARGE;
        return;
    }
    double y = d->y;
    for (size_t i = 0; i < n; i += (size_t)t->pairs) {
        size_t m = in_row(t, i, n);
        double h = row_h(d, t, &f[i], m);
        for (size_t k = 0; k < (size_t)t->pairs; k++) {
            double x = MARGIN_X_PT + (double)k * pair_w(t);
            const struct field *fk = k < m ? &f[i + k] : NULL; /* a blank pair ends the table */
            cell(d, t->label, fk ? fk->label : NULL, x, y, t->label_w_pt, h, t->pad_x_pt,
                 PANGO_ALIGN_CENTER);
            cell(d, t->value, fk ? fk->value : NULL, x + t->label_w_pt, y,
                 pair_w(t) - t->label_w_pt, h, t->pad_x_pt, PANGO_ALIGN_LEFT);
        }
        y += h;
    }
    layout_box(d, COLOUR_CERT, TABLE_EDGE_W_PT, MARGIN_X_PT, d->y, BODY_W_PT, y - d->y);
    d->y = y;
}

/* ---- the rest of the page ---------------------------------------------------------------- */

static void border(struct guide_doc *d)
{
    layout_box(d, COLOUR_CERT, BORDER_OUT_W_PT, BORDER_OUT_PT, BORDER_OUT_PT,
               PAGE_W_PT - 2 * BORDER_OUT_PT, PAGE_H_PT - 2 * BORDER_OUT_PT);
    layout_box(d, COLOUR_CERT, BORDER_IN_W_PT, BORDER_IN_PT, BORDER_IN_PT,
               PAGE_W_PT - 2 * BORDER_IN_PT, PAGE_H_PT - 2 * BORDER_IN_PT);
}

/* The type's name as the title and the number under it. */
static void head(struct guide_doc *d)
{
    double x = MARGIN_X_PT, w = BODY_W_PT, y = TITLE_TOP_PT;
    y += layout_text(d, F_CERT_TITLE, COLOUR_CERT, or_dash(jstr(d->item, "type_name")), x, y, w,
                     PANGO_ALIGN_CENTER, TITLE_MAX_LINES);
    y += NUMBER_GAP_PT;
    y += layout_text(d, F_BODY, COLOUR_INK,
                     layout_printf(d, "证照编号：%s", or_dash(jstr(d->item, "no"))), x, y, w,
                     PANGO_ALIGN_CENTER, NUMBER_MAX_LINES);
    d->y = y + TABLE_GAP_PT;
}

/* The QR code of verify_url at the left of the band centred on cy. */
static void qr(struct guide_doc *d, double cy)
{
    const char *url = jstr(d->item, "verify_url");
    double caption_h = layout_text_h(d, F_BODY, "扫码核验", QR_PT, 1);
    double x = MARGIN_X_PT, y = cy - (QR_PT + caption_h) / 2;
    if (url && *url && d->cr) {
        int rc = guide_qr_cairo(d->cr, url, x, y, QR_PT);
        if (rc != TB_OK && d->err == TB_OK)
            d->err = rc;
    }
    layout_text(d, F_BODY, COLOUR_INK, url && *url ? "扫码核验" : "—", x, y + QR_PT, QR_PT,
                PANGO_ALIGN_CENTER, 1);
}

/* The issuer's name and the issue date at the right of the band, the seal
 * over them, a little transparent and multiplied like ink on paper, so that
 * the name shows through. As GB/T 9704 §7.3.5.1 places the seal on a
 * document: centred on the name and the date, which sit a little below the
 * seal's centre. */
static void issuer(struct guide_doc *d, double cy)
{
    const char *name = jstr2(d->item, "issuer", "name");
    const char *text =
        layout_printf(d, "%s\n%s", or_dash(name), layout_date_zh(d, jstr(d->item, "issued_on")));
    double x = MARGIN_X_PT + BODY_W_PT - ISSUER_W_PT;
    double h = layout_text_h(d, F_LETTER, text, ISSUER_W_PT, ISSUER_MAX_LINES);
    layout_text(d, F_LETTER, COLOUR_INK, text, x, cy + ISSUER_DROP * SEAL_R_PT - h / 2, ISSUER_W_PT,
                PANGO_ALIGN_CENTER, ISSUER_MAX_LINES);
    if (!d->cr || !name || !*name)
        return;
    cairo_save(d->cr);
    cairo_push_group(d->cr);
    seal_paint(d->cr, d->pc, name, NULL, x + ISSUER_W_PT / 2, cy, SEAL_R_PT);
    cairo_pop_group_to_source(d->cr);
    cairo_set_operator(d->cr, CAIRO_OPERATOR_MULTIPLY);
    cairo_paint_with_alpha(d->cr, SEAL_ALPHA);
    cairo_restore(d->cr);
}

/* "签名算法 SM2-SM3 · 印章 … · 指纹 …" and the signature, in small print. */
static const char *foot_text(struct guide_doc *d)
{
    return layout_printf(
        d, "签名算法 SM2-SM3 · 印章 %s · 指纹 %s\n%s", or_dash(jstr(d->item, "seal_id")),
        or_dash(jstr(d->item, "seal_fingerprint")), or_dash(jstr(d->item, "signature")));
}

static void foot(struct guide_doc *d, const char *text, double top)
{
    layout_rule(d, COLOUR_BORDER, BORDER_W_PT, MARGIN_X_PT, MARGIN_X_PT + BODY_W_PT, top - 5);
    layout_text(d, F_MONO, COLOUR_GREY, text, MARGIN_X_PT, top, BODY_W_PT, PANGO_ALIGN_LEFT,
                FOOT_MAX_LINES);
}

/* A licence that is not valid says so across the page, over everything. */
static void watermark(struct guide_doc *d)
{
    const char *word = watermark_word(jstr(d->item, "status"));
    if (!word || !d->cr)
        return;
    double w = PAGE_W_PT / WATERMARK_SCALE;
    double h = layout_text_h(d, F_CERT_TITLE, word, w, 1);
    cairo_push_group(d->cr); /* saves cr's state; popping restores it */
    cairo_translate(d->cr, PAGE_W_PT / 2, PAGE_H_PT / 2);
    cairo_rotate(d->cr, WATERMARK_DEG * G_PI / 180);
    cairo_scale(d->cr, WATERMARK_SCALE, WATERMARK_SCALE);
    layout_text(d, F_CERT_TITLE, COLOUR_GREY, word, -w / 2, -h / 2, w, PANGO_ALIGN_CENTER, 1);
    cairo_pop_group_to_source(d->cr);
    cairo_paint_with_alpha(d->cr, WATERMARK_ALPHA);
}

/* Lays the licence out once, measuring or drawing (layout_pdf). */
static int lay_out(struct guide_doc *d)
{
    d->page = 0;
    layout_page_begin(d);
    const char *foot_s = foot_text(d);
    double foot_top = FOOT_BOTTOM_PT - layout_text_h(d, F_MONO, foot_s, BODY_W_PT, FOOT_MAX_LINES);
    double band_cy = foot_top - BAND_GAP_PT - SEAL_R_PT;
    border(d);
    head(d);
    table(d, band_cy - SEAL_R_PT - BAND_GAP_PT);
    if (d->err != TB_OK)
        return d->err;
    qr(d, band_cy);
    issuer(d, band_cy);
    foot(d, foot_s, foot_top);
    watermark(d);
    if (d->cr)
        cairo_show_page(d->cr);
    return d->err;
}

/* layout_check_limits on every member but the subject, which is never
 * printed and holds the whole licence file: it has its own limit. */
static int check_limits(const json_t *data)
{
    int rc = TB_OK;
    const char *key;
    const json_t *v;
    /* jansson's object iteration takes a mutable pointer; nothing is changed */
    json_object_foreach((json_t *)data, key, v)
    {
        if (strcmp(key, "subject") == 0)
            rc = json_is_string(v) && json_string_length(v) > LICENCE_MAX_SUBJECT_BYTES
                     ? TB_ERR_TOO_LARGE
                     : TB_OK;
        else
            rc = layout_check_limits(v);
        if (rc != TB_OK)
            break;
    }
    return rc;
}

int licence_pdf(const json_t *data, struct tb_buf *out)
{
    if (!json_is_object(data) || !out)
        return TB_ERR_INVALID;
    int rc = check_limits(data);
    if (rc != TB_OK)
        return rc;
    struct guide_doc d = {.item = data, .org_name = jstr2(data, "issuer", "name")};
    layout_open(&d);
    struct pdf_meta meta = {
        .title =
            layout_printf(&d, "%s %s", or_dash(jstr(data, "type_name")), or_dash(jstr(data, "no"))),
        .author = d.org_name,
        .subject = jstr(data, "subject"),
        .date = jstr(data, "issued_on"), /* equal input, equal bytes */
    };
    rc = layout_pdf(&d, lay_out, &meta, out);
    layout_close(&d);
    return rc;
}
