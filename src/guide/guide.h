/*
 * guide.h - the printable service guide (办事指南) of an item version and
 * the QR code of its page.
 *
 * guide_pdf lays the item document (docs/catalogue.md, "Item document")
 * out on A4 pages with cairo and pango; guide_qr_svg and guide_qr_png draw
 * the QR code of the guide page URL that windows print and hang up. Callers
 * are the item routes (GET /api/v1/items/{code}/guide.pdf, qr.svg, qr.png),
 * which run on the worker pool: every function here is thread-safe and
 * keeps no state between calls.
 *
 * Every function appends to a tb_buf the caller owns and returns TB_OK or a
 * negative TB_ERR_*. On failure out is left as it was on entry.
 */
#ifndef TB_GUIDE_H
#define TB_GUIDE_H

#include "lib/arena.h"

#include <jansson.h>

/* Limits on what one guide may hold, so that a document that was never
 * validated cannot make a render run for minutes (TB_ERR_TOO_LARGE). The
 * catalogue's own limits (ITEM_MAX_MATERIALS ...) are well inside them. */
#define GUIDE_MAX_LIST_ENTRIES 200         /* rows of any list: materials, steps, basis ... */
#define GUIDE_MAX_TEXT_BYTES   (32 * 1024) /* one text field */
#define GUIDE_MAX_PAGES        200

/* QR codes */
#define GUIDE_QR_QUIET_MODULES 4  /* ISO/IEC 18004 quiet zone */
#define GUIDE_QR_PNG_MAX_SCALE 64 /* pixels per module */

/* The printable service guide (办事指南) of one item version as a PDF (A4,
 * cairo + pango, fonts "Noto Sans CJK SC" and "Noto Serif CJK SC").
 *
 * item is the item document as a jansson object; fields that are missing
 * or of the wrong type print as "—" or are left out, never fail. org_name
 * is the deciding organisation's name (NULL: the item's org code); url the
 * guide page URL, printed and drawn as a QR code in the first page's header
 * (NULL: neither). version and published_at ("YYYY-MM-DD", may be NULL)
 * are printed in every page's footer with "第 n 页 共 m 页".
 *
 * Appends the PDF bytes to out. Returns TB_OK; TB_ERR_INVALID when item is
 * not an object; TB_ERR_BAD_UTF8 when org_name, url or published_at is not
 * UTF-8; TB_ERR_TOO_LARGE when a list, a text or the page count passes the
 * limits above, url is too long for a QR code or out would pass its
 * maximum; TB_ERR_NOMEM; TB_ERR_INTERNAL when cairo fails. The same
 * arguments give the same bytes (the PDF's dates are published_at).
 * Thread-safe. */
int guide_pdf(const json_t *item, const char *org_name, const char *url, int version,
              const char *published_at, struct tb_buf *out);

/* QR code of text (libqrencode, error correction M, the whole text in 8-bit
 * mode as UTF-8 bytes) as an SVG document: one <path> of the dark modules,
 * a 4-module quiet zone, the viewBox in modules and a <title> holding the
 * text. Returns TB_OK; TB_ERR_INVALID for NULL or empty text;
 * TB_ERR_TOO_LARGE when the text does not fit in a QR code (about 2,300
 * bytes) or out would pass its maximum; TB_ERR_NOMEM. Thread-safe. */
int guide_qr_svg(const char *text, struct tb_buf *out);

/* The same QR code as a PNG image: scale pixels per module
 * (1..GUIDE_QR_PNG_MAX_SCALE), black on white, quiet zone included,
 * drawn on a cairo image surface and written with
 * cairo_surface_write_to_png_stream. Returns as guide_qr_svg, and
 * TB_ERR_INVALID for a scale out of range, TB_ERR_INTERNAL when cairo
 * fails. Thread-safe. */
int guide_qr_png(const char *text, int scale, struct tb_buf *out);

#endif
