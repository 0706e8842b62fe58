/*
 * testtools.c - see testtools.h.
 */
#include "testtools.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include <cmocka.h>

#include "lib/arena.h"
#include "lib/err.h"

void test_write_file(const char *path, const struct tb_buf *b)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
    assert_int_equal(fclose(f), 0);
}

int test_run(const char *const argv[], struct tb_buf *out)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "test: cannot run %s (is it installed?)\n", argv[0]);
        _exit(RUN_NOT_FOUND);
    }
    close(fds[1]);
    char chunk[8192];
    ssize_t n;
    while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
        assert_int_equal(tb_buf_append(out, chunk, (size_t)n), TB_OK);
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

unsigned char *test_make_zip(const char *const *names, size_t *len)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &err);
    assert_non_null(src);
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
    assert_non_null(za);
    static const char body[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:OFD "
                               "xmlns:ofd=\"http://www.ofdspec.org/2016\" Version=\"1.0\"/>";
    for (size_t i = 0; names[i]; i++) {
        zip_source_t *f = zip_source_buffer(za, body, sizeof(body) - 1, 0);
        assert_non_null(f);
        assert_true(zip_file_add(za, names[i], f, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(za), 0);
    assert_int_equal(zip_source_open(src), 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_END), 0);
    zip_int64_t n = zip_source_tell(src);
    assert_true(n > 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_SET), 0);
    unsigned char *out = malloc((size_t)n);
    assert_non_null(out);
    assert_int_equal(zip_source_read(src, out, (zip_uint64_t)n), n);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&err);
    *len = (size_t)n;
    return out;
}
