/*
 * layout.c - the guide's page engine: A4 pages of rows of cells (internal.h).
 * The notices of a case (notice.c) use it too, with running text
 * (layout_flow) between their tables.
 *
 * The page is a column of rows, and a table is rows of cells. A cell is a
 * pango layout of its own width; a row is as tall as its tallest cell. A
 * row that does not fit moves to the next page; a row taller than
 * ROW_SPLIT_MIN_PT is split between two lines of text and continues on the
 * next page, under the table's header row drawn again. Nothing is clipped:
 * each line of text is drawn on exactly one page, so the text a reader
 * copies or a search engine extracts is whole.
 *
 * Everything runs twice per guide (pdf.c): once with d->cr NULL, only
 * measuring, to count pages for "第 n 页 共 m 页", then drawing. Metrics are
 * unhinted so that both passes break lines and pages in the same places.
 *
 * Thread safety: layout_open builds a PangoFontMap and PangoContext for
 * the one call (pango objects must not be shared between threads). What the
 * libraries share underneath (fontconfig's configuration, cairo's FreeType
 * font cache) is guarded by their own locks.
 */
#include "guide/guide.h"
#include "guide/internal.h"
#include "lib/arena.h"
#include "lib/err.h"

#include <assert.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define RUNNING_HEAD_H_PT 22.0  /* pages after the first */
#define CELL_PAD_X_PT     3.0   /* inside every table cell, left and right */
#define CELL_PAD_Y_PT     4.0   /* top and bottom */
#define SECTION_GAP_PT    10.0  /* before each section heading */
#define SECTION_KEEP_PT   80.0  /* room a heading needs below it, else next page */
#define ROW_SPLIT_MIN_PT  96.0  /* rows shorter than this move whole, never split */
#define FRAGMENT_MIN_PT   30.0  /* the least of a split row left at a page's foot */
#define LINE_SPACING      1.15f /* factor on the font's height */
#define LABEL_COL_PT      84.0  /* label columns of the key/value tables */
#define ARENA_BLOCK_BYTES (16 * 1024)

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- fonts and colours --------------------------------------------------------- */

#define FONT_SANS  "Noto Sans CJK SC"
#define FONT_SERIF "Noto Serif CJK SC"
#define FONT_MONO  "Noto Sans Mono CJK SC"

/* Two faces in the guide (each embedded font is a subset of a large CJK
 * font): serif bold for titles and labels, sans for the text. Notices add
 * serif regular for their letter text. */
static const struct font_spec {
    const char *family;
    double size_pt;
    PangoWeight weight;
} FONTS[F__COUNT] = {
    [F_KICKER] = {FONT_SERIF, 13.0, PANGO_WEIGHT_BOLD},
    [F_TITLE] = {FONT_SERIF, 20.0, PANGO_WEIGHT_BOLD},
    [F_HEADING] = {FONT_SERIF, 12.0, PANGO_WEIGHT_BOLD},
    [F_BODY] = {FONT_SANS, 9.0, PANGO_WEIGHT_NORMAL},
    [F_CELL] = {FONT_SANS, 8.5, PANGO_WEIGHT_NORMAL},
    [F_CELL_BOLD] = {FONT_SERIF, 8.5, PANGO_WEIGHT_BOLD},
    [F_SMALL] = {FONT_SANS, 7.5, PANGO_WEIGHT_NORMAL},
    /* Notices (notice.c) read as letters: serif text, a large red head. */
    [F_LETTER_HEAD] = {FONT_SERIF, 24.0, PANGO_WEIGHT_BOLD},
    [F_LETTER] = {FONT_SERIF, 12.0, PANGO_WEIGHT_NORMAL},
    /* Licences (licence.c): a certificate's large title, hex in small print. */
    [F_CERT_TITLE] = {FONT_SERIF, 30.0, PANGO_WEIGHT_BOLD},
    [F_MONO] = {FONT_MONO, 7.0, PANGO_WEIGHT_NORMAL},
};

static const struct rgb {
    double r, g, b;
} COLOURS[COLOUR__COUNT] = {
    [COLOUR_INK] = {0.10, 0.10, 0.10},         /* text */
    [COLOUR_GREY] = {0.40, 0.40, 0.42},        /* notes, running heads, footers */
    [COLOUR_RED] = {0.76, 0.09, 0.09},         /* the red rules of official papers */
    [COLOUR_NAVY] = {0.11, 0.23, 0.42},        /* headings and labels */
    [COLOUR_BORDER] = {0.55, 0.58, 0.62},      /* table borders, thin rules */
    [COLOUR_LABEL_FILL] = {0.93, 0.95, 0.97},  /* label cells */
    [COLOUR_HEADER_FILL] = {0.86, 0.89, 0.94}, /* header cells */
    [COLOUR_CERT] = {0.58, 0.13, 0.09},        /* licences: border and title */
};

/* ---- the document --------------------------------------------------------------- */

void layout_open(struct guide_doc *d)
{
    tb_arena_init(&d->arena, ARENA_BLOCK_BYTES);
    d->fontmap = pango_cairo_font_map_new();
    d->pc = pango_font_map_create_context(d->fontmap);
    /* Unhinted metrics: the lines measured while counting are the lines drawn. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(d->pc, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_context_set_resolution(d->pc, 72); /* font sizes in points are PDF units */
    pango_context_set_round_glyph_positions(d->pc, FALSE);
    pango_context_set_language(d->pc, pango_language_from_string("zh-cn"));
    for (size_t i = 0; i < F__COUNT; i++) {
        d->font[i] = pango_font_description_new();
        pango_font_description_set_family_static(d->font[i], FONTS[i].family);
        pango_font_description_set_weight(d->font[i], FONTS[i].weight);
        pango_font_description_set_size(d->font[i], (gint)(FONTS[i].size_pt * PANGO_SCALE));
    }
}

void layout_close(struct guide_doc *d)
{
    for (size_t i = 0; i < F__COUNT; i++)
        if (d->font[i])
            pango_font_description_free(d->font[i]);
    if (d->pc)
        g_object_unref(d->pc);
    if (d->fontmap)
        g_object_unref(d->fontmap);
    tb_arena_free(&d->arena);
}

const char *layout_printf(struct guide_doc *d, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *s = tb_arena_vprintf(&d->arena, f, ap);
    va_end(ap);
    if (!s) {
        d->err = TB_ERR_NOMEM;
        return "";
    }
    return s;
}

/* ---- text layouts ------------------------------------------------------------------ */

static void set_colour(cairo_t *cr, enum colour c)
{
    cairo_set_source_rgb(cr, COLOURS[c].r, COLOURS[c].g, COLOURS[c].b);
}

/* A layout of text wrapped to width_pt; sub, when not NULL, follows on its
 * own line in small grey type (notes under a material's name). Caller
 * unrefs. */
static PangoLayout *layout_new(struct guide_doc *d, enum font_role f, const char *text,
                               const char *sub, double width_pt, PangoAlignment align)
{
    PangoLayout *l = pango_layout_new(d->pc);
    pango_layout_set_font_description(l, d->font[f]);
    pango_layout_set_width(l, (int)(width_pt * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, align);
    pango_layout_set_line_spacing(l, LINE_SPACING);
    /* A hyphen pango adds where it breaks a word would read as part of a
     * URL or a code ("exam-ple.gov.cn"). */
    PangoAttrList *attrs = pango_attr_list_new();
    pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
    if (!sub || !*sub) {
        pango_layout_set_text(l, text, -1);
    } else {
        pango_layout_set_text(l, layout_printf(d, "%s\n%s", text, sub), -1);
        guint from = (guint)strlen(text) + 1;
        PangoAttribute *small[] = {
            pango_attr_size_new((int)(FONTS[F_SMALL].size_pt * PANGO_SCALE)),
            pango_attr_foreground_new((guint16)(COLOURS[COLOUR_GREY].r * 65535),
                                      (guint16)(COLOURS[COLOUR_GREY].g * 65535),
                                      (guint16)(COLOURS[COLOUR_GREY].b * 65535)),
            pango_attr_weight_new(PANGO_WEIGHT_NORMAL),
        };
        for (size_t i = 0; i < COUNT(small); i++) {
            small[i]->start_index = from;
            pango_attr_list_insert(attrs, small[i]);
        }
    }
    pango_layout_set_attributes(l, attrs);
    pango_attr_list_unref(attrs);
    return l;
}

static double layout_height(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

double layout_text(struct guide_doc *d, enum font_role f, enum colour colour, const char *text,
                   double x, double y, double width_pt, PangoAlignment align, int max_lines)
{
    PangoLayout *l = layout_new(d, f, text, NULL, width_pt, align);
    if (max_lines > 0) {
        pango_layout_set_height(l, -max_lines);
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    }
    double h = layout_height(l);
    if (d->cr) {
        set_colour(d->cr, colour);
        cairo_move_to(d->cr, x, y);
        pango_cairo_show_layout(d->cr, l);
    }
    g_object_unref(l);
    return h;
}

void layout_box(struct guide_doc *d, enum colour colour, double width_pt, double x, double y,
                double w, double h)
{
    if (!d->cr)
        return;
    set_colour(d->cr, colour);
    cairo_set_line_width(d->cr, width_pt);
    cairo_rectangle(d->cr, x, y, w, h);
    cairo_stroke(d->cr);
}

double layout_text_h(struct guide_doc *d, enum font_role f, const char *text, double width_pt,
                     int max_lines)
{
    cairo_t *cr = d->cr;
    d->cr = NULL;
    double h = layout_text(d, f, COLOUR_INK, text, 0, 0, width_pt, PANGO_ALIGN_LEFT, max_lines);
    d->cr = cr;
    return h;
}

void layout_rule(struct guide_doc *d, enum colour colour, double width_pt, double x0, double x1,
                 double y)
{
    if (!d->cr)
        return;
    set_colour(d->cr, colour);
    cairo_set_line_width(d->cr, width_pt);
    cairo_move_to(d->cr, x0, y);
    cairo_line_to(d->cr, x1, y);
    cairo_stroke(d->cr);
}

/* ---- pages ------------------------------------------------------------------------- */

static void running_head(struct guide_doc *d)
{
    double w = BODY_W_PT * 0.62;
    layout_text(d, F_SMALL, COLOUR_GREY, d->head_left, MARGIN_X_PT, MARGIN_TOP_PT, w,
                PANGO_ALIGN_LEFT, 1);
    layout_text(d, F_SMALL, COLOUR_GREY, d->head_right, MARGIN_X_PT + w, MARGIN_TOP_PT,
                BODY_W_PT - w, PANGO_ALIGN_RIGHT, 1);
    layout_rule(d, COLOUR_BORDER, BORDER_W_PT, MARGIN_X_PT, MARGIN_X_PT + BODY_W_PT,
                MARGIN_TOP_PT + RUNNING_HEAD_H_PT - 8);
}

static void footer(struct guide_doc *d)
{
    double y = BODY_BOTTOM_PT + 18;
    double w = BODY_W_PT - 120;
    layout_rule(d, COLOUR_BORDER, BORDER_W_PT, MARGIN_X_PT, MARGIN_X_PT + BODY_W_PT, y - 5);
    layout_text(d, F_SMALL, COLOUR_GREY, d->foot_left, MARGIN_X_PT, y, w, PANGO_ALIGN_LEFT, 1);
    layout_text(d, F_SMALL, COLOUR_INK, layout_printf(d, "第 %d 页 共 %d 页", d->page, d->pages),
                MARGIN_X_PT + w, y, BODY_W_PT - w, PANGO_ALIGN_RIGHT, 1);
}

void layout_page_begin(struct guide_doc *d)
{
    d->page++;
    if (d->page > GUIDE_MAX_PAGES && d->err == TB_OK)
        d->err = TB_ERR_TOO_LARGE;
    d->y = MARGIN_TOP_PT;
    if (d->page > 1) {
        running_head(d);
        d->y += RUNNING_HEAD_H_PT;
    }
}

void layout_page_end(struct guide_doc *d)
{
    if (!d->cr)
        return;
    footer(d);
    cairo_show_page(d->cr);
}

static void new_page(struct guide_doc *d)
{
    layout_page_end(d);
    layout_page_begin(d);
}

void layout_heading(struct guide_doc *d, const char *title)
{
    if (d->err != TB_OK)
        return;
    PangoLayout *l = layout_new(d, F_HEADING, title, NULL, BODY_W_PT, PANGO_ALIGN_LEFT);
    double h = layout_height(l) + 4;
    g_object_unref(l);
    if (d->y + SECTION_GAP_PT + h + SECTION_KEEP_PT > BODY_BOTTOM_PT)
        new_page(d);
    else if (d->y > MARGIN_TOP_PT + RUNNING_HEAD_H_PT)
        d->y += SECTION_GAP_PT;
    if (d->cr) {
        cairo_rectangle(d->cr, MARGIN_X_PT, d->y + 2, 3.5, h - 4);
        set_colour(d->cr, COLOUR_RED); /* a red bar before the title */
        cairo_fill(d->cr);
        cairo_pdf_surface_add_outline(
            d->surface, CAIRO_PDF_OUTLINE_ROOT, title,
            layout_printf(d, "page=%d pos=[%.1f %.1f]", d->page, MARGIN_X_PT, d->y), 0);
    }
    layout_text(d, F_HEADING, COLOUR_NAVY, title, MARGIN_X_PT + 9, d->y + 2, BODY_W_PT - 9,
                PANGO_ALIGN_LEFT, 0);
    d->y += h + 3;
}

/* ---- tables ------------------------------------------------------------------------ */

/* A cell being drawn, possibly over several pages. */
struct cell_state {
    PangoLayout *layout;
    double x, w;
    enum cell_kind kind;
    int line;   /* the first line not drawn yet */
    double top; /* the layout y of that line's top */
};

static double cell_rest(const struct cell_state *c)
{
    return layout_height(c->layout) - c->top;
}

/* How many lines of c, from c->line, fit in max_h; *h gets their height. */
static int cell_fit(const struct cell_state *c, double max_h, double *h)
{
    PangoLayoutIter *it = pango_layout_get_iter(c->layout);
    int n = 0;
    *h = 0;
    for (int i = 0; i < c->line; i++)
        pango_layout_iter_next_line(it);
    do {
        int y0, y1;
        pango_layout_iter_get_line_yrange(it, &y0, &y1);
        double bottom = (double)y1 / PANGO_SCALE - c->top;
        if (bottom > max_h + 0.01)
            break;
        *h = bottom;
        n++;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    if (c->line + n > pango_layout_get_line_count(c->layout))
        n = pango_layout_get_line_count(c->layout) - c->line;
    return n;
}

/* Draws n lines of c from c->line with the first line's top at y, and
 * moves c past them. */
static void cell_take(struct guide_doc *d, struct cell_state *c, double y, int n)
{
    PangoLayoutIter *it = pango_layout_get_iter(c->layout);
    for (int i = 0; i < c->line; i++)
        pango_layout_iter_next_line(it);
    double next_top = c->top;
    for (int i = 0; i < n; i++) {
        int y0, y1;
        pango_layout_iter_get_line_yrange(it, &y0, &y1);
        if (d->cr) {
            PangoRectangle logical;
            pango_layout_iter_get_line_extents(it, NULL, &logical);
            double baseline = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
            set_colour(d->cr, c->kind == CELL_VALUE ? COLOUR_INK : COLOUR_NAVY);
            cairo_move_to(d->cr, c->x + CELL_PAD_X_PT + (double)logical.x / PANGO_SCALE,
                          y + CELL_PAD_Y_PT + baseline - c->top);
            pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
        }
        next_top = (double)y1 / PANGO_SCALE;
        if (!pango_layout_iter_next_line(it))
            break;
    }
    pango_layout_iter_free(it);
    c->line += n;
    c->top = next_top;
}

static void cell_box(struct guide_doc *d, const struct cell_state *c, double y, double h)
{
    if (!d->cr)
        return;
    cairo_rectangle(d->cr, c->x, y, c->w, h);
    if (c->kind != CELL_VALUE) {
        set_colour(d->cr, c->kind == CELL_HEADER ? COLOUR_HEADER_FILL : COLOUR_LABEL_FILL);
        cairo_fill_preserve(d->cr);
    }
    set_colour(d->cr, COLOUR_BORDER);
    cairo_set_line_width(d->cr, BORDER_W_PT);
    cairo_stroke(d->cr);
}

static void draw_row(struct guide_doc *d, const struct table *t, const struct cell *cells, size_t n,
                     bool is_header);

void layout_table_header(struct guide_doc *d, const struct table *t)
{
    struct cell h[LAYOUT_MAX_COLS];
    assert(t->n_cols <= LAYOUT_MAX_COLS);
    for (size_t i = 0; i < t->n_cols; i++)
        h[i] = (struct cell){.text = t->cols[i].title, .kind = CELL_HEADER};
    draw_row(d, t, h, t->n_cols, true);
}

/* The page is full: the rest of the table goes on a new page, under its
 * header again. */
static void table_break(struct guide_doc *d, const struct table *t)
{
    new_page(d);
    if (t->has_header)
        layout_table_header(d, t);
}

/* Draws one row at d->y, moving or splitting it over pages as the file's
 * top comment says, and advances d->y. */
static void draw_row(struct guide_doc *d, const struct table *t, const struct cell *cells, size_t n,
                     bool is_header)
{
    struct cell_state cs[LAYOUT_MAX_COLS];
    size_t ncs = 0;
    double x = MARGIN_X_PT;
    size_t col = 0;
    for (size_t i = 0; i < n && col < t->n_cols; i++) {
        int span = cells[i].span > 0 ? cells[i].span : 1;
        double w = 0;
        for (int k = 0; k < span && col < t->n_cols; k++)
            w += t->cols[col++].w_pt;
        PangoAlignment align = cells[i].kind == CELL_HEADER  ? PANGO_ALIGN_CENTER
                               : cells[i].kind == CELL_LABEL ? PANGO_ALIGN_LEFT
                               : span == 1                   ? t->cols[col - 1].align
                                                             : PANGO_ALIGN_LEFT;
        enum font_role f = cells[i].kind == CELL_VALUE ? F_CELL : F_CELL_BOLD;
        cs[ncs++] = (struct cell_state){
            .layout = layout_new(d, f, or_dash(cells[i].text), cells[i].sub, w - 2 * CELL_PAD_X_PT,
                                 align),
            .x = x,
            .w = w,
            .kind = cells[i].kind,
        };
        x += w;
    }
    bool is_split = false;
    while (d->err == TB_OK) {
        double rest = 0;
        for (size_t i = 0; i < ncs; i++)
            if (cell_rest(&cs[i]) > rest)
                rest = cell_rest(&cs[i]);
        double h = rest + 2 * CELL_PAD_Y_PT;
        double avail = BODY_BOTTOM_PT - d->y;
        if (h <= avail + 0.01) {
            for (size_t i = 0; i < ncs; i++) {
                cell_box(d, &cs[i], d->y, h);
                cell_take(d, &cs[i], d->y, pango_layout_get_line_count(cs[i].layout) - cs[i].line);
            }
            d->y += h;
            break;
        }
        /* Short rows and the header move whole; a tall row fills the page. */
        double used = 0;
        int lines[LAYOUT_MAX_COLS];
        bool fits_some = false;
        for (size_t i = 0; i < ncs; i++) {
            double ch;
            lines[i] = cell_fit(&cs[i], avail - 2 * CELL_PAD_Y_PT, &ch);
            fits_some |= lines[i] > 0 && cell_rest(&cs[i]) > 0;
            if (ch > used)
                used = ch;
        }
        if (is_header) {
            new_page(d); /* a fresh page always has room for a header */
            continue;
        }
        if ((!is_split && h < ROW_SPLIT_MIN_PT) || !fits_some || used < FRAGMENT_MIN_PT) {
            table_break(d, t);
            continue;
        }
        for (size_t i = 0; i < ncs; i++) {
            cell_box(d, &cs[i], d->y, used + 2 * CELL_PAD_Y_PT);
            cell_take(d, &cs[i], d->y, lines[i]);
        }
        is_split = true;
        table_break(d, t);
    }
    for (size_t i = 0; i < ncs; i++)
        g_object_unref(cs[i].layout);
}

void layout_row(struct guide_doc *d, const struct table *t, const struct cell *cells, size_t n)
{
    if (d->err == TB_OK)
        draw_row(d, t, cells, n, false);
}

/* ---- key/value tables and text ------------------------------------------------------ */

static const struct column KV_COLS[] = {
    {LABEL_COL_PT, PANGO_ALIGN_LEFT, NULL},
    {BODY_W_PT / 2 - LABEL_COL_PT, PANGO_ALIGN_LEFT, NULL},
    {LABEL_COL_PT, PANGO_ALIGN_LEFT, NULL},
    {BODY_W_PT / 2 - LABEL_COL_PT, PANGO_ALIGN_LEFT, NULL},
};
static const struct table KV = {KV_COLS, COUNT(KV_COLS), false};

void layout_kv1(struct guide_doc *d, const char *label, const char *value)
{
    struct cell c[] = {{label, NULL, 1, CELL_LABEL}, {value, NULL, 3, CELL_VALUE}};
    layout_row(d, &KV, c, COUNT(c));
}

void layout_kv2(struct guide_doc *d, const char *l1, const char *v1, const char *l2, const char *v2)
{
    struct cell c[] = {{l1, NULL, 1, CELL_LABEL},
                       {v1, NULL, 1, CELL_VALUE},
                       {l2, NULL, 1, CELL_LABEL},
                       {v2, NULL, 1, CELL_VALUE}};
    layout_row(d, &KV, c, COUNT(c));
}

void layout_paragraph(struct guide_doc *d, const char *text)
{
    static const struct column one[] = {{BODY_W_PT, PANGO_ALIGN_LEFT, NULL}};
    static const struct table t = {one, 1, false};
    struct cell c = {or_dash(text), NULL, 1, CELL_VALUE};
    layout_row(d, &t, &c, 1);
}

void layout_note(struct guide_doc *d, const char *text)
{
    if (d->err != TB_OK)
        return;
    PangoLayout *l = layout_new(d, F_SMALL, text, NULL, BODY_W_PT, PANGO_ALIGN_LEFT);
    double h = layout_height(l);
    g_object_unref(l);
    if (d->y + 3 + h > BODY_BOTTOM_PT)
        new_page(d);
    d->y += 3;
    d->y += layout_text(d, F_SMALL, COLOUR_GREY, text, MARGIN_X_PT, d->y, BODY_W_PT,
                        PANGO_ALIGN_LEFT, 0);
}

/* ---- flowing text -------------------------------------------------------------------- */

static double page_top(const struct guide_doc *d)
{
    return MARGIN_TOP_PT + (d->page > 1 ? RUNNING_HEAD_H_PT : 0);
}

void layout_need(struct guide_doc *d, double h_pt)
{
    if (d->err == TB_OK && d->y + h_pt > BODY_BOTTOM_PT)
        new_page(d);
}

void layout_flow(struct guide_doc *d, enum font_role f, enum colour colour, const char *text,
                 double x, double width_pt, double indent_pt, PangoAlignment align)
{
    if (d->err != TB_OK)
        return;
    PangoLayout *l = layout_new(d, f, or_dash(text), NULL, width_pt, align);
    pango_layout_set_indent(l, (int)(indent_pt * PANGO_SCALE));
    pango_layout_set_justify(l, align == PANGO_ALIGN_LEFT);
    PangoLayoutIter *it = pango_layout_get_iter(l);
    double top = 0; /* the layout y drawn at d->y */
    double bottom = 0;
    /* A line moves to the next page when it does not fit, unless it is
     * already at the top of one. */
    bool is_page_top = d->y <= page_top(d) + 0.01;
    do {
        int y0, y1;
        pango_layout_iter_get_line_yrange(it, &y0, &y1);
        if (d->y + (double)y1 / PANGO_SCALE - top > BODY_BOTTOM_PT + 0.01 && !is_page_top) {
            new_page(d);
            top = (double)y0 / PANGO_SCALE;
        }
        is_page_top = false;
        if (d->cr) {
            PangoRectangle logical;
            pango_layout_iter_get_line_extents(it, NULL, &logical);
            set_colour(d->cr, colour);
            cairo_move_to(d->cr, x + (double)logical.x / PANGO_SCALE,
                          d->y + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE - top);
            pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
        }
        bottom = (double)y1 / PANGO_SCALE;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(l);
    d->y += bottom - top;
}

/* ---- limits on the input --------------------------------------------------------- */

#define LIMIT_DEPTH 3 /* documents are read to data.list[i].name, nothing deeper */

static int check_limits(const json_t *j, int depth)
{
    if (json_is_string(j))
        return json_string_length(j) > GUIDE_MAX_TEXT_BYTES ? TB_ERR_TOO_LARGE : TB_OK;
    if (depth >= LIMIT_DEPTH)
        return TB_OK;
    int rc = TB_OK;
    if (json_is_array(j)) {
        if (json_array_size(j) > GUIDE_MAX_LIST_ENTRIES)
            return TB_ERR_TOO_LARGE;
        size_t i;
        const json_t *v;
        json_array_foreach(j, i, v)
        {
            if ((rc = check_limits(v, depth + 1)) != TB_OK)
                break;
        }
    } else if (json_is_object(j)) {
        const char *k;
        const json_t *v;
        /* jansson's object iteration takes a mutable pointer; nothing is changed */
        json_object_foreach((json_t *)j, k, v)
        {
            if ((rc = check_limits(v, depth + 1)) != TB_OK)
                break;
        }
    }
    return rc;
}

int layout_check_limits(const json_t *j)
{
    return check_limits(j, 0);
}

/* ---- the PDF --------------------------------------------------------------------------------- */

bool layout_is_date(const char *s)
{
    static const char shape[] = "dddd-dd-dd";
    if (!s || strlen(s) != sizeof(shape) - 1)
        return false;
    for (size_t i = 0; i < sizeof(shape) - 1; i++)
        if (shape[i] == 'd' ? !g_ascii_isdigit(s[i]) : s[i] != shape[i])
            return false;
    return true;
}

const char *layout_date_zh(struct guide_doc *d, const char *s)
{
    if (!layout_is_date(s))
        return or_dash(s);
    int month = (s[5] - '0') * 10 + (s[6] - '0');
    int day = (s[8] - '0') * 10 + (s[9] - '0');
    return layout_printf(d, "%.4s年%d月%d日", s, month, day);
}

struct pdf_sink {
    struct tb_buf *out;
    int err;
};

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct pdf_sink *sink = closure;
    if (sink->err == TB_OK)
        sink->err = tb_buf_append(sink->out, data, length);
    return sink->err == TB_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int cairo_err(cairo_status_t st)
{
    return st == CAIRO_STATUS_SUCCESS     ? TB_OK
           : st == CAIRO_STATUS_NO_MEMORY ? TB_ERR_NOMEM
                                          : TB_ERR_INTERNAL;
}

static void set_metadata(struct guide_doc *d, const struct pdf_meta *m)
{
    if (m->title)
        cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, m->title);
    if (m->author)
        cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_AUTHOR, m->author);
    if (m->subject)
        cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_SUBJECT, m->subject);
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, "tongban");
    /* Without a date cairo writes the render time, and equal input no
     * longer gives equal bytes. */
    if (layout_is_date(m->date)) {
        const char *date = layout_printf(d, "%sT00:00:00", m->date);
        cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
        cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_MOD_DATE, date);
    }
}

int layout_pdf(struct guide_doc *d, int (*lay_out)(struct guide_doc *d),
               const struct pdf_meta *meta, struct tb_buf *out)
{
    size_t start = out->len;
    struct pdf_sink sink = {out, TB_OK};
    int rc = lay_out(d);
    if (rc != TB_OK)
        goto done;
    d->pages = d->page;
    d->surface = cairo_pdf_surface_create_for_stream(pdf_write, &sink, PAGE_W_PT, PAGE_H_PT);
    d->cr = cairo_create(d->surface);
    set_metadata(d, meta);
    rc = lay_out(d);
    assert(rc != TB_OK || d->page == d->pages);
    if (rc == TB_OK)
        rc = cairo_err(cairo_status(d->cr));
    cairo_destroy(d->cr);
    d->cr = NULL;
    cairo_surface_finish(d->surface);
    if (rc == TB_OK)
        rc = cairo_err(cairo_surface_status(d->surface));
    if (sink.err != TB_OK) /* cairo only says "write error": say why */
        rc = sink.err;
    cairo_surface_destroy(d->surface);
    d->surface = NULL;
done:
    if (rc != TB_OK) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
    }
    return rc;
}
