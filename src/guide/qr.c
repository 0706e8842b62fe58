/*
 * qr.c - the QR code of a guide page URL, as SVG, as PNG and drawn into the
 * guide PDF (guide.h, internal.h); and guide_png, which writes any image
 * surface of src/guide (the QR code, the seal) as a PNG.
 *
 * libqrencode makes the symbol: error correction level M (15% of the
 * symbol may be lost, enough for a printed sheet behind a window's glass)
 * and the whole text in 8-bit mode, so a URL with UTF-8 bytes in it is
 * carried as is. The symbol is a width x width grid of modules, bit 0 of
 * each byte telling dark or light. Every output draws runs of dark modules
 * on a row as one rectangle and leaves a quiet zone of
 * GUIDE_QR_QUIET_MODULES light modules around the grid, as ISO/IEC 18004
 * asks of readers.
 *
 * libqrencode is thread-safe when built with pthreads (Debian's is); every
 * call here owns its symbol and its cairo surface, so these functions may
 * run on all workers at once.
 */
#include "guide/guide.h"
#include "guide/internal.h"
#include "lib/err.h"

#include <cairo.h>
#include <errno.h>
#include <qrencode.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* ---- encoding ---------------------------------------------------------------- */

/* The symbol of text in *code (caller frees with QRcode_free). */
static int qr_encode(const char *text, QRcode **code)
{
    *code = NULL;
    if (!text || !*text)
        return TB_ERR_INVALID;
    errno = 0;
    *code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (*code)
        return TB_OK;
    switch (errno) {
    case ERANGE:
        return TB_ERR_TOO_LARGE; /* longer than a version 40 symbol holds */
    case ENOMEM:
        return TB_ERR_NOMEM;
    case EINVAL:
        return TB_ERR_INVALID;
    default:
        return TB_ERR_INTERNAL;
    }
}

static bool is_dark(const QRcode *code, int x, int y)
{
    return code->data[(size_t)y * (size_t)code->width + (size_t)x] & 1;
}

/* The length of the run of dark modules starting at (x, y), 0 when light. */
static int dark_run(const QRcode *code, int x, int y)
{
    int n = 0;
    while (x + n < code->width && is_dark(code, x + n, y))
        n++;
    return n;
}

/* Adds the dark modules as rectangles to cr's path and fills them black.
 * (x, y) is the top left corner of the grid itself, module its side. */
static void fill_modules(cairo_t *cr, const QRcode *code, double x, double y, double module)
{
    for (int row = 0; row < code->width; row++) {
        for (int col = 0; col < code->width;) {
            int n = dark_run(code, col, row);
            if (n == 0) {
                col++;
                continue;
            }
            cairo_rectangle(cr, x + col * module, y + row * module, n * module, module);
            col += n;
        }
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_fill(cr);
}

int guide_qr_cairo(cairo_t *cr, const char *text, double x, double y, double size)
{
    QRcode *code;
    int rc = qr_encode(text, &code);
    if (rc != TB_OK)
        return rc;
    int side = code->width + 2 * GUIDE_QR_QUIET_MODULES;
    double module = size / side;
    cairo_save(cr);
    cairo_rectangle(cr, x, y, size, size);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill(cr);
    fill_modules(cr, code, x + GUIDE_QR_QUIET_MODULES * module, y + GUIDE_QR_QUIET_MODULES * module,
                 module);
    cairo_restore(cr);
    QRcode_free(code);
    return TB_OK;
}

/* ---- SVG ------------------------------------------------------------------------ */

/* Appends text escaped for XML character data and attributes. C0 controls
 * other than tab and newline cannot appear in XML 1.0 at all, not even as
 * references: they become U+FFFD. */
static int put_xml_text(struct tb_buf *out, const char *text)
{
    int rc = TB_OK;
    for (const char *p = text; *p && rc == TB_OK; p++) {
        unsigned char c = (unsigned char)*p;
        switch (c) {
        case '&':
            rc = tb_buf_puts(out, "&amp;");
            break;
        case '<':
            rc = tb_buf_puts(out, "&lt;");
            break;
        case '>':
            rc = tb_buf_puts(out, "&gt;");
            break;
        case '"':
            rc = tb_buf_puts(out, "&quot;");
            break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n')
                rc = tb_buf_puts(out, "\xEF\xBF\xBD");
            else
                rc = tb_buf_append(out, p, 1);
        }
    }
    return rc;
}

/* The path data of the dark modules: one "M x y h n v 1 h -n z" per run. */
static int put_svg_path(struct tb_buf *out, const QRcode *code)
{
    int rc = TB_OK;
    for (int row = 0; row < code->width && rc == TB_OK; row++) {
        for (int col = 0; col < code->width && rc == TB_OK;) {
            int n = dark_run(code, col, row);
            if (n == 0) {
                col++;
                continue;
            }
            rc = tb_buf_printf(out, "M%d %dh%dv1h-%dz", col + GUIDE_QR_QUIET_MODULES,
                               row + GUIDE_QR_QUIET_MODULES, n, n);
            col += n;
        }
    }
    return rc;
}

int guide_qr_svg(const char *text, struct tb_buf *out)
{
    size_t start = out->len;
    QRcode *code;
    int rc = qr_encode(text, &code);
    if (rc != TB_OK)
        return rc;
    int side = code->width + 2 * GUIDE_QR_QUIET_MODULES;
    rc = tb_buf_printf(out,
                       "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                       "shape-rendering=\"crispEdges\" role=\"img\"><title>",
                       side, side);
    if (rc == TB_OK)
        rc = put_xml_text(out, text);
    if (rc == TB_OK)
        rc = tb_buf_printf(out,
                           "</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                           "<path fill=\"#000\" d=\"",
                           side, side);
    if (rc == TB_OK)
        rc = put_svg_path(out, code);
    if (rc == TB_OK)
        rc = tb_buf_puts(out, "\"/></svg>\n");
    QRcode_free(code);
    if (rc != TB_OK) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
    }
    return rc;
}

/* ---- PNG ------------------------------------------------------------------------- */

struct png_sink {
    struct tb_buf *out;
    int err; /* the tb_buf's error when a write failed */
};

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct png_sink *sink = closure;
    sink->err = tb_buf_append(sink->out, data, length);
    return sink->err == TB_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int guide_png(cairo_surface_t *s, struct tb_buf *out)
{
    struct png_sink sink = {out, TB_OK};
    cairo_surface_flush(s);
    cairo_status_t st = cairo_surface_write_to_png_stream(s, png_write, &sink);
    if (sink.err != TB_OK)
        return sink.err;
    if (st != CAIRO_STATUS_SUCCESS)
        return st == CAIRO_STATUS_NO_MEMORY ? TB_ERR_NOMEM : TB_ERR_INTERNAL;
    return TB_OK;
}

int guide_qr_png(const char *text, int scale, struct tb_buf *out)
{
    if (scale < 1 || scale > GUIDE_QR_PNG_MAX_SCALE)
        return TB_ERR_INVALID;
    size_t start = out->len;
    QRcode *code;
    int rc = qr_encode(text, &code);
    if (rc != TB_OK)
        return rc;
    int px = (code->width + 2 * GUIDE_QR_QUIET_MODULES) * scale;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, px, px);
    cairo_t *cr = cairo_create(s);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    fill_modules(cr, code, GUIDE_QR_QUIET_MODULES * scale, GUIDE_QR_QUIET_MODULES * scale, scale);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        rc = cairo_status(cr) == CAIRO_STATUS_NO_MEMORY ? TB_ERR_NOMEM : TB_ERR_INTERNAL;
        goto done;
    }
    rc = guide_png(s, out);
done:
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    QRcode_free(code);
    if (rc != TB_OK) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
    }
    return rc;
}
