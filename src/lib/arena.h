/*
 * arena.h - per-request memory and bounded buffers.
 *
 * An arena hands out memory that is freed all at once by tb_arena_free()
 * (h2o/nginx pools): request work allocates here and never frees by hand.
 * A tb_buf is a growable byte buffer created with a hard maximum (curl's
 * dynbuf): appending past it fails with TB_ERR_TOO_LARGE, never truncates.
 */
#ifndef TB_ARENA_H
#define TB_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct tb_arena_block;

struct tb_arena {
    struct tb_arena_block *head;
    size_t block_size; /* default size of new blocks */
    size_t total;      /* bytes handed out, for limits and metrics */
};

/* Initialises an arena; no memory is taken until the first allocation. */
void tb_arena_init(struct tb_arena *a, size_t block_size);
/* Frees every allocation made from a; a may be reused after tb_arena_init. */
void tb_arena_free(struct tb_arena *a);

/* Memory aligned for any type, or NULL when out of memory. Owned by a. */
void *tb_arena_alloc(struct tb_arena *a, size_t n);
void *tb_arena_calloc(struct tb_arena *a, size_t n);
char *tb_arena_strdup(struct tb_arena *a, const char *s);
char *tb_arena_strndup(struct tb_arena *a, const char *s, size_t n);
char *tb_arena_printf(struct tb_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *tb_arena_vprintf(struct tb_arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

struct tb_buf {
    char *data; /* always NUL-terminated when len > 0 or after tb_buf_cstr */
    size_t len;
    size_t cap;
    size_t max; /* hard limit on len */
};

/* A buffer that will never hold more than max bytes. Owner calls tb_buf_free. */
void tb_buf_init(struct tb_buf *b, size_t max);
void tb_buf_free(struct tb_buf *b);
/* 0, TB_ERR_TOO_LARGE when len would pass max, TB_ERR_NOMEM. */
int tb_buf_append(struct tb_buf *b, const void *p, size_t n);
int tb_buf_puts(struct tb_buf *b, const char *s);
int tb_buf_printf(struct tb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The contents as a C string (empty string for an empty buffer); owned by b. */
const char *tb_buf_cstr(struct tb_buf *b);
void tb_buf_reset(struct tb_buf *b);

#endif
