/*
 * embed.c - lookup in the generated table of embedded files.
 */
#include "lib/embed.h"

#include <string.h>

const struct tb_embedded *tb_embedded_find(const char *name)
{
    for (const struct tb_embedded *e = tb_embedded_files; e->name; e++)
        if (strcmp(e->name, name) == 0)
            return e;
    return NULL;
}
