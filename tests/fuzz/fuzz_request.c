/*
 * fuzz_request.c - libFuzzer harness for what a request's bytes go through
 * before a handler sees them: JSON parsing with the depth limit and checked
 * getters, route matching against the real route table, Accept-Language
 * parsing and static-path checks. The first byte picks the target.
 */
#include "app/app.h"
#include "lib/arena.h"
#include "lib/http.h"
#include "lib/json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct tb_router *router;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!router && tb_router_new(tb_routes, tb_routes_count, &router) != 0)
        abort();
    uint8_t target = data[0] % 4;
    data++;
    size--;
    /* An exact-size copy so AddressSanitizer sees any overread. */
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    switch (target) {
    case 0: {
        json_t *v = NULL;
        struct tb_json_error e;
        if (tb_json_parse(s, size, TB_JSON_MAX_DEPTH_DEFAULT, &v, &e) == 0) {
            if (tb_json_depth(v) > TB_JSON_MAX_DEPTH_DEFAULT)
                abort();
            const char *str;
            long long n;
            bool b;
            tb_json_get_string(v, "kind", true, 16, &str);
            tb_json_get_int(v, "n", false, 0, 100, &n);
            tb_json_get_bool(v, "b", false, &b);
            json_decref(v);
        }
        break;
    }
    case 1: {
        struct tb_arena a;
        tb_arena_init(&a, 0);
        const struct tb_route *r;
        struct tb_kv params[TB_HTTP_MAX_PARAMS];
        size_t np;
        char allow[64];
        tb_router_match(router, (size && s[0] == 'P') ? "POST" : "GET", s, &a, &r, params, &np,
                        allow, sizeof(allow));
        tb_arena_free(&a);
        break;
    }
    case 2:
        tb_http_pick_lang(s);
        break;
    case 3:
        if (tb_http_static_path_ok(s) && strstr(s, "/."))
            abort(); /* a dot segment must never pass */
        tb_utf8_valid(s, size);
        break;
    }
    free(s);
    return 0;
}
