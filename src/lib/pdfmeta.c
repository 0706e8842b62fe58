/*
 * pdfmeta.c - the Subject of a PDF file (pdfmeta.h).
 *
 * poppler-glib wants a URI, so the path is made absolute and turned into a
 * file: URI first. Whether the file exists is asked of the file system
 * before poppler, whose "cannot open" does not say why. poppler decodes the
 * PDF text string (PDFDocEncoding or UTF-16) to UTF-8; the copy handed out
 * is malloc'd, so that the caller frees it like any other string of
 * src/lib, not with g_free.
 */
#include "lib/pdfmeta.h"
#include "lib/err.h"

#include <assert.h>
#include <errno.h>
#include <glib.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* TB_ERR_* for poppler's failure to open a document. */
static int open_error(const GError *error)
{
    if (error && error->domain == POPPLER_ERROR && error->code == POPPLER_ERROR_OPEN_FILE)
        return TB_ERR_IO;
    return TB_ERR_INVALID; /* damaged, encrypted, not a PDF at all */
}

int tb_pdf_subject(const char *path, char **out)
{
    assert(out);
    *out = NULL;
    if (!path || !*path)
        return TB_ERR_INVALID;
    struct stat st;
    if (stat(path, &st) != 0)
        return errno == ENOENT || errno == ENOTDIR ? TB_ERR_NOT_FOUND : TB_ERR_IO;
    if (!S_ISREG(st.st_mode))
        return TB_ERR_INVALID;
    int rc = TB_OK;
    GError *error = NULL;
    PopplerDocument *doc = NULL;
    gchar *subject = NULL;
    gchar *abs = g_canonicalize_filename(path, NULL);
    gchar *uri = g_filename_to_uri(abs, NULL, &error);
    if (!uri) {
        rc = TB_ERR_INVALID;
        goto done;
    }
    doc = poppler_document_new_from_file(uri, NULL, &error);
    if (!doc) {
        rc = open_error(error);
        goto done;
    }
    subject = poppler_document_get_subject(doc);
    if (subject) {
        *out = strdup(subject);
        if (!*out)
            rc = TB_ERR_NOMEM;
    }
done:
    g_free(subject);
    if (doc)
        g_object_unref(doc);
    g_free(uri);
    g_free(abs);
    if (error)
        g_error_free(error);
    return rc;
}
