/*
 * testtools.h - helpers shared by unit and API tests (cmocka): writing a
 * buffer to a file, running a command-line tool and collecting its output,
 * building a ZIP in memory. Each asserts on failure.
 */
#ifndef TB_TESTTOOLS_H
#define TB_TESTTOOLS_H

#include <stddef.h>

struct tb_buf;

#define RUN_NOT_FOUND 127 /* the exit status of a child that could not exec */

/* Writes b to path (created or truncated). */
void test_write_file(const char *path, const struct tb_buf *b);

/* Runs argv (no shell) with its standard output appended to out; returns the
 * exit status. A tool that cannot be started exits RUN_NOT_FOUND, which fails
 * the callers that assert 0: the tools tests use are required, not optional. */
int test_run(const char *const argv[], struct tb_buf *out);

/* A ZIP holding the given entries (NULL-terminated names, each with a small
 * OFD XML body), built with libzip in memory; *len gets its size; the caller
 * frees it. */
unsigned char *test_make_zip(const char *const *names, size_t *len);

#endif
