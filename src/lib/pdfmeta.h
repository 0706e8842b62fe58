/*
 * pdfmeta.h - reading the document information of a PDF file.
 *
 * Documents tongban produces carry data for machines in their metadata (a
 * PDF that must be checkable offline holds it in its Subject); this reads
 * it back. It knows nothing of what the data means. poppler-glib parses
 * the file.
 */
#ifndef TB_PDFMETA_H
#define TB_PDFMETA_H

/* The Subject entry of the document information of the PDF file at path,
 * via poppler-glib (poppler_document_new_from_file,
 * poppler_document_get_subject). *out is a malloc'd NUL-terminated UTF-8
 * string the caller frees, NULL when the PDF has no subject (and on
 * error). Returns 0; TB_ERR_NOT_FOUND when there is no such file;
 * TB_ERR_INVALID when path is NULL or empty, or the file is not a readable
 * PDF (damaged, encrypted, not a regular file); TB_ERR_IO when the file
 * exists but cannot be opened; TB_ERR_NOMEM. Thread-safe: every call opens
 * its own document. */
int tb_pdf_subject(const char *path, char **out);

#endif
