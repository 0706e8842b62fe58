/*
 * arena.c - bump allocator in linked blocks, and the bounded buffer.
 *
 * Blocks are malloc'd; a request larger than the block size gets a block of
 * its own, so one big allocation does not waste a whole default block.
 */
#include "lib/arena.h"
#include "lib/err.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN         alignof(max_align_t)
#define ARENA_BLOCK_DEFAULT 8192

struct tb_arena_block {
    struct tb_arena_block *next;
    size_t used;
    size_t size;
    alignas(max_align_t) unsigned char mem[];
};

void tb_arena_init(struct tb_arena *a, size_t block_size)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : ARENA_BLOCK_DEFAULT;
    a->total = 0;
}

void tb_arena_free(struct tb_arena *a)
{
    struct tb_arena_block *b = a->head;
    while (b) {
        struct tb_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

void *tb_arena_alloc(struct tb_arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    size_t need = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    struct tb_arena_block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t size = need > a->block_size ? need : a->block_size;
        b = malloc(sizeof(*b) + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        /* A dedicated big block goes behind the current one so the rest of
         * the current block stays usable. */
        if (a->head && need > a->block_size) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = b->mem + b->used;
    b->used += need;
    a->total += need;
    return p;
}

void *tb_arena_calloc(struct tb_arena *a, size_t n)
{
    void *p = tb_arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *tb_arena_strndup(struct tb_arena *a, const char *s, size_t n)
{
    char *p = tb_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *tb_arena_strdup(struct tb_arena *a, const char *s)
{
    return tb_arena_strndup(a, s, strlen(s));
}

char *tb_arena_vprintf(struct tb_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *p = tb_arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *tb_arena_printf(struct tb_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = tb_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

/* ---- bounded buffer ---------------------------------------------------- */

void tb_buf_init(struct tb_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void tb_buf_free(struct tb_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void tb_buf_reset(struct tb_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

int tb_buf_append(struct tb_buf *b, const void *p, size_t n)
{
    if (n > b->max || b->len > b->max - n)
        return TB_ERR_TOO_LARGE;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (cap > b->max + 1)
            cap = b->max + 1;
        char *d = realloc(b->data, cap);
        if (!d)
            return TB_ERR_NOMEM;
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return TB_OK;
}

int tb_buf_puts(struct tb_buf *b, const char *s)
{
    return tb_buf_append(b, s, strlen(s));
}

int tb_buf_printf(struct tb_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return TB_ERR_INTERNAL;
    if ((size_t)n < sizeof(small))
        return tb_buf_append(b, small, (size_t)n);
    char *big = malloc((size_t)n + 1);
    if (!big)
        return TB_ERR_NOMEM;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = tb_buf_append(b, big, (size_t)n);
    free(big);
    return rc;
}

const char *tb_buf_cstr(struct tb_buf *b)
{
    return b->data ? b->data : "";
}
