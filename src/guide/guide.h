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
 * notice_pdf writes the notices of a case (受理通知书 ...) with the same
 * page engine; the case routes call it. licence_pdf draws an electronic
 * licence (电子证照) and seal_png / seal_draw the seal image over it; the
 * licence and seal routes call them.
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

/* ---- notices (notice.c) ----------------------------------------------------------- */

/* The written notices of a case (docs/cases.md, "Notices"). */
enum notice_kind {
    NOTICE_ACCEPTANCE, /* 受理通知书 */
    NOTICE_REFUSAL,    /* 不予受理通知书 */
    NOTICE_CORRECTION, /* 补正材料通知书 (一次性告知) */
    NOTICE_MISSING,    /* 容缺受理承诺书 */
    NOTICE_COMMITMENT, /* 告知承诺书 */
    NOTICE_APPROVAL,   /* 准予行政许可决定书 */
    NOTICE_DENIAL      /* 不予行政许可决定书 */
};

/* A written notice of a case as a PDF (A4), laid out as a formal document
 * (公文): the deciding organisation's name in red over a red rule, the
 * title, the document number, "<applicant>：", the facts, the remedies
 * where the law requires them, and the signature block (organisation,
 * "（印章）", the date as 2026年11月24日). Lists (faults, missing materials,
 * proofs) are bordered tables that run over pages, with page numbers.
 *
 * data is a JSON object:
 *  "case_no", "item": {"name", "impl_code"}, "org": {"name"} (the deciding
 *  organisation, which issues the notice and signs it), "window": {"name"}
 *  (the accepting hall or window, may be absent), "applicant": {"name"} (as
 *  given: the caller passes a masked or the full name as the law requires),
 *  "date": "YYYY-MM-DD" (issue date), "number": the document number
 *  (文书编号, "示审受字〔2026〕第0001号"); per kind:
 *   ACCEPTANCE "accepted_on", "promised_date", "legal_days",
 *              "promised_days", "query_code_hint" (how to check progress,
 *              never the code itself);
 *   REFUSAL    "reason", "basis";
 *   CORRECTION "faults": [{"material", "problem"}], "deadline";
 *   MISSING    "missing": [{"material", "supplement_by"}], "commitment_text";
 *   COMMITMENT "proofs": [{"name"}], "commitment_text";
 *   APPROVAL   "result": {"name", "number"?}, "decided_on";
 *   DENIAL     "reasons" (a string or an array of strings), "basis",
 *              "decided_on".
 * Dates "YYYY-MM-DD" print in Chinese form, other strings as given; missing
 * fields print "—" and never fail. REFUSAL and DENIAL always print the
 * remedies (行政复议 within 60 days, 行政诉讼 within 6 months).
 *
 * Appends the PDF to out. Returns TB_OK; TB_ERR_INVALID when data is not an
 * object or kind is unknown; TB_ERR_TOO_LARGE when a list or a text passes
 * GUIDE_MAX_* or out would pass its maximum; TB_ERR_NOMEM; TB_ERR_INTERNAL
 * when cairo fails. On error out is left as it was. Equal input gives equal
 * bytes (the PDF's dates are "date"). Thread-safe, like guide_pdf. */
int notice_pdf(enum notice_kind kind, const json_t *data, struct tb_buf *out);

/* "受理通知书" ... for kind; NULL for an unknown kind. Static storage. */
const char *notice_title(enum notice_kind kind);

/* ---- licences and the seal image (licence.c) ------------------------------------- */

/* docs/licences.md, "Seals" and "The licence file and the PDF". */
#define SEAL_MIN_PX               64
#define SEAL_MAX_PX               1024
#define SEAL_MAX_NAME_CHARS       40           /* characters (code points) along the arc */
#define SEAL_MAX_CAPTION_CHARS    12           /* the straight line under the star */
#define LICENCE_MAX_SUBJECT_BYTES (256 * 1024) /* the licence file in base64, not printed */

struct _cairo; /* cairo_t, for callers that draw the seal themselves */

/* The seal image (电子印章印模): a red (#d40000) round seal, size_px square,
 * transparent background: outer ring, the organisation's name set along the
 * upper arc (each character rotated to follow the circle, its foot toward
 * the centre, evenly spread over up to 240 degrees, Noto Serif CJK SC Bold,
 * narrowed when the name is long), a solid five-pointed star in the centre,
 * and caption ("电子印章" when NULL, nothing when "") in a straight line
 * below the star. The text is drawn as outlines, not as text.
 *
 * Appends the PNG to out. Returns TB_OK; TB_ERR_INVALID for a NULL or empty
 * name or size_px out of SEAL_MIN_PX..SEAL_MAX_PX; TB_ERR_BAD_UTF8 when name
 * or caption is not UTF-8; TB_ERR_TOO_LARGE for a name over
 * SEAL_MAX_NAME_CHARS or a caption over SEAL_MAX_CAPTION_CHARS characters,
 * or when out would pass its maximum; TB_ERR_NOMEM; TB_ERR_INTERNAL when
 * cairo fails. On error out is left as it was. Equal input gives equal
 * bytes. Thread-safe. */
int seal_png(const char *org_name, const char *caption, int size_px, struct tb_buf *out);

/* The same seal drawn onto cr, opaque, centred at (cx, cy) with the given
 * radius in cr's user units (licence_pdf, and later notices, draw it over
 * the issuer's name). Draws only the ring and the star when org_name is NULL
 * or not UTF-8, and at most SEAL_MAX_NAME_CHARS of it; caption as seal_png.
 * cr's state is left as it was; errors are cr's status. Thread-safe as long
 * as cr is the caller's own. */
void seal_draw(struct _cairo *cr, const char *org_name, const char *caption, double cx, double cy,
               double radius);

/* A licence (电子证照) as a one-page A4 PDF, laid out as a certificate: a
 * double red-brown border, the type's name as the title, the number, a
 * two-column table of the holder, the face fields (long values wrap), the
 * validity and the trust level, the QR code of verify_url at the lower left
 * with "扫码核验" under it, the issuer's name and the issue date at the lower
 * right with the seal drawn over them (seal_draw, radius 21 mm, slightly
 * transparent), and at the foot in grey monospace "签名算法 SM2-SM3 · 印章
 * <seal_id> · 指纹 <fingerprint>" and the signature's hex. A status other
 * than "valid" lays a large grey diagonal word over the page: 已注销
 * (revoked), 已变更 (superseded), 已过期 (expired), 无效 (anything else).
 *
 * data is a JSON object:
 *  "type_name", "no", "holder": {"name", "id_type_label", "id_number"},
 *  "face": [{"label", "value"}] (value a string or an integer; dates
 *  "YYYY-MM-DD" print in Chinese form), "issuer": {"name"}, "issued_on",
 *  "valid_from", "valid_until" ("YYYY-MM-DD", or null for 长期), "trust_level"
 *  ("A".."D"), "verify_url", "signature" (hex), "seal_fingerprint" (hex),
 *  "seal_id", "status", "subject" (put verbatim into the PDF's Subject: the
 *  licence file, so that the PDF can be verified offline; may be absent).
 * Missing fields print "—" and never fail; without "status" there is no
 * watermark, without verify_url no QR code, without issuer name no seal.
 * The PDF's title is the type's name and the number, its author the issuer,
 * its creator "tongban", its dates issued_on.
 *
 * Appends the PDF to out. Returns TB_OK; TB_ERR_INVALID when data is not an
 * object; TB_ERR_TOO_LARGE when a list or a text passes GUIDE_MAX_*, the
 * subject passes LICENCE_MAX_SUBJECT_BYTES, the table does not fit on the
 * page even in the smallest type, verify_url is too long for a QR code, or
 * out would pass its maximum; TB_ERR_NOMEM; TB_ERR_INTERNAL when cairo
 * fails. On error out is left as it was. Equal input gives equal bytes.
 * Thread-safe. */
int licence_pdf(const json_t *data, struct tb_buf *out);

#endif
