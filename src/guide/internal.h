/*
 * internal.h - what the files of src/guide share and nobody else sees.
 *
 * qr.c draws QR codes into cairo for the guide's header and writes PNG
 * images (the QR code's, the seal's in licence.c). layout.c is the
 * page engine: A4 pages of rows of cells, with headings, running heads and
 * footers; pdf.c fills it with the item document's sections. The engine
 * knows nothing of items, the sections nothing of pango lines.
 */
#ifndef TB_GUIDE_INTERNAL_H
#define TB_GUIDE_INTERNAL_H

#include "lib/arena.h"

#include <cairo.h>
#include <jansson.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- qr.c ------------------------------------------------------------------------ */

/* Draws the QR code of text, quiet zone included, as a size x size square
 * with its top left corner at (x, y) in cr's user units: a white square and
 * the dark modules as filled rectangles. Returns TB_OK or the errors of
 * guide_qr_svg. */
int guide_qr_cairo(cairo_t *cr, const char *text, double x, double y, double size);

/* Appends the image surface s as a PNG to out (cairo_surface_write_to_png_stream).
 * Returns TB_OK; TB_ERR_TOO_LARGE or TB_ERR_NOMEM from out; TB_ERR_NOMEM or
 * TB_ERR_INTERNAL when cairo fails. On error out may hold part of the
 * image: the caller cuts it back. */
int guide_png(cairo_surface_t *s, struct tb_buf *out);

/* ---- layout.c: page geometry, in PDF points (1/72 inch) --------------------------- */

#define PAGE_W_PT        595.276 /* A4, 210 mm */
#define PAGE_H_PT        841.890 /* A4, 297 mm */
#define MARGIN_X_PT      51.0    /* 18 mm */
#define MARGIN_TOP_PT    45.0
#define MARGIN_BOTTOM_PT 54.0 /* the footer lives here */
#define BODY_W_PT        (PAGE_W_PT - 2 * MARGIN_X_PT)
#define BODY_BOTTOM_PT   (PAGE_H_PT - MARGIN_BOTTOM_PT)
#define BORDER_W_PT      0.5 /* table borders and thin rules */
#define LAYOUT_MAX_COLS  9

enum font_role {
    F_KICKER,
    F_TITLE,
    F_HEADING,
    F_BODY,
    F_CELL,
    F_CELL_BOLD,
    F_SMALL,
    F_LETTER_HEAD, /* notices: the issuing organisation over the red rule */
    F_LETTER,      /* notices: the running text */
    F_CERT_TITLE,  /* licences: the type's name */
    F_MONO,        /* licences: signature and fingerprint in small print */
    F__COUNT
};

enum colour {
    COLOUR_INK,
    COLOUR_GREY,
    COLOUR_RED, /* the red rule of official papers */
    COLOUR_NAVY,
    COLOUR_BORDER,
    COLOUR_LABEL_FILL,
    COLOUR_HEADER_FILL,
    COLOUR_CERT, /* licences: the red-brown of the border and the title */
    COLOUR__COUNT
};

/* One guide being laid out. pdf.c fills the item fields and the running
 * texts; layout.c owns the rest. */
struct guide_doc {
    PangoFontMap *fontmap;
    PangoContext *pc;
    PangoFontDescription *font[F__COUNT];
    struct tb_arena arena; /* formatted strings, freed by layout_close */
    cairo_surface_t *surface;
    cairo_t *cr;        /* NULL while counting pages */
    const json_t *item; /* the item document; read by pdf.c only */
    const char *org_name;
    const char *url;
    const char *head_left; /* running head of pages after the first */
    const char *head_right;
    const char *foot_left; /* footer, beside "第 n 页 共 m 页" */
    int pages;             /* total, known in the drawing pass */
    int page;              /* the page being laid out, from 1 */
    double y;              /* the next free y on it */
    int err;               /* the first error; layout stops there */
};

/* Its own font map, pango context and fonts for d (thread-safe: nothing
 * is shared with another call). layout_close frees them and d's arena. */
void layout_open(struct guide_doc *d);
void layout_close(struct guide_doc *d);

/* A string owned by d's arena; "" (and d->err set) when out of memory. */
const char *layout_printf(struct guide_doc *d, const char *f, ...)
    __attribute__((format(printf, 2, 3)));

/* Lays out a block that is never split (header, notes) of at most
 * max_lines lines (0: any), draws it at (x, y) when drawing and returns its
 * height. */
double layout_text(struct guide_doc *d, enum font_role f, enum colour c, const char *text, double x,
                   double y, double width_pt, PangoAlignment align, int max_lines);
void layout_rule(struct guide_doc *d, enum colour c, double width_pt, double x0, double x1,
                 double y);
/* The outline of a rectangle, when drawing. */
void layout_box(struct guide_doc *d, enum colour c, double width_pt, double x, double y, double w,
                double h);
/* The height layout_text would give, measured without drawing. */
double layout_text_h(struct guide_doc *d, enum font_role f, const char *text, double width_pt,
                     int max_lines);

/* The first page starts at MARGIN_TOP_PT; the others under the running
 * head. layout_page_end draws the footer and ends the page. */
void layout_page_begin(struct guide_doc *d);
void layout_page_end(struct guide_doc *d);

/* A section heading, kept with the start of its section. */
void layout_heading(struct guide_doc *d, const char *title);

/* Starts a new page unless h_pt is left on this one (blocks kept together). */
void layout_need(struct guide_doc *d, double h_pt);
/* Running text at x, width_pt wide, from d->y: the first line of each
 * paragraph indented by indent_pt, lines justified when align is LEFT,
 * broken between lines over pages, no border. Advances d->y. */
void layout_flow(struct guide_doc *d, enum font_role f, enum colour c, const char *text, double x,
                 double width_pt, double indent_pt, PangoAlignment align);

/* ---- layout.c: tables ------------------------------------------------------------- */

struct column {
    double w_pt;
    PangoAlignment align;
    const char *title; /* the header row; NULL in tables without one */
};

struct table {
    const struct column *cols; /* widths summing to BODY_W_PT */
    size_t n_cols;             /* <= LAYOUT_MAX_COLS */
    bool has_header;
};

enum cell_kind { CELL_VALUE, CELL_LABEL, CELL_HEADER };

struct cell {
    const char *text; /* NULL or "" prints "—" */
    const char *sub;  /* small grey lines under text, or NULL */
    int span;         /* columns; 0 means 1 */
    enum cell_kind kind;
};

/* The header row of t, drawn again on each page the table continues on. */
void layout_table_header(struct guide_doc *d, const struct table *t);
/* One row of t at the current y: moved to the next page when it does not
 * fit, split between lines of text when it is taller than ROW_SPLIT_MIN_PT. */
void layout_row(struct guide_doc *d, const struct table *t, const struct cell *cells, size_t n);
/* Key/value tables: label | value spanning three columns, or
 * label | value | label | value. */
void layout_kv1(struct guide_doc *d, const char *label, const char *value);
void layout_kv2(struct guide_doc *d, const char *l1, const char *v1, const char *l2,
                const char *v2);
/* One full-width cell of free text. */
void layout_paragraph(struct guide_doc *d, const char *text);
/* Small grey text under a table. */
void layout_note(struct guide_doc *d, const char *text);

/* ---- layout.c: input limits and the PDF ------------------------------------------- */

/* TB_ERR_TOO_LARGE when a list or a text a document would print passes the
 * GUIDE_MAX_* limits (read to depth 3: data.list[i].name). */
int layout_check_limits(const json_t *j);

/* Whether s has the shape "YYYY-MM-DD". */
bool layout_is_date(const char *s);
/* "2026年11月24日" for "2026-11-24" (owned by d's arena); any other string as
 * given, "—" for NULL or "". */
const char *layout_date_zh(struct guide_doc *d, const char *s);

struct pdf_meta {
    const char *title, *author, *subject; /* NULL: left out */
    const char *date; /* "YYYY-MM-DD" as the PDF's dates; else cairo writes the time */
};

/* Renders d as a PDF appended to out: lay_out runs once counting pages
 * (d->cr NULL), then again drawing them, and returns d->err. d is open
 * (layout_open) and its running texts set; the caller closes it. Returns
 * TB_OK or the error of lay_out, of cairo or of out; on error out is left as
 * it was. */
int layout_pdf(struct guide_doc *d, int (*lay_out)(struct guide_doc *d),
               const struct pdf_meta *meta, struct tb_buf *out);

/* ---- reading documents ---------------------------------------------------------------- */

/* o[key] as a string, or NULL. */
static inline const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* o[key][sub] as a string, or NULL. */
static inline const char *jstr2(const json_t *o, const char *key, const char *sub)
{
    return jstr(json_object_get(o, key), sub);
}

/* s, or "—" for a missing or empty text. */
static inline const char *or_dash(const char *s)
{
    return s && *s ? s : "—";
}

#endif
