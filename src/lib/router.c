/*
 * router.c - matching method + path against the one route table.
 *
 * Patterns are split into segments once, at start-up. A request path is
 * split the same way and compared segment by segment; {name} segments match
 * any single non-empty segment. A path that matches some pattern but not its
 * method is a 405 with the methods that would have matched; a path that
 * matches nothing is a 404. The table is small (hundreds of routes), so a
 * linear scan over pre-split segments is fast and easy to reason about.
 */
#include "lib/err.h"
#include "lib/http.h"

#include <stdlib.h>
#include <string.h>

struct compiled_route {
    const struct tb_route *route;
    size_t nseg;
    const char *seg[TB_HTTP_MAX_SEGMENTS]; /* literal, or NULL for a parameter */
    size_t seglen[TB_HTTP_MAX_SEGMENTS];
    const char *param[TB_HTTP_MAX_SEGMENTS]; /* parameter name (copied) */
};

struct tb_router {
    size_t n;
    struct compiled_route *routes;
    char *strings; /* one allocation for every parameter name */
};

/* Splits path ("/a/b/c") into segments pointing into path. Returns the
 * number of segments, or -1 for too many or an empty segment ("//"). A
 * trailing slash is significant only for the root. */
static int split_path(const char *path, const char *seg[], size_t seglen[])
{
    if (path[0] != '/')
        return -1;
    int n = 0;
    const char *p = path + 1;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0)
            return -1;
        if (n == TB_HTTP_MAX_SEGMENTS)
            return -1;
        seg[n] = p;
        seglen[n] = len;
        n++;
        if (!end)
            break;
        p = end + 1;
        if (*p == '\0')
            return -1; /* trailing slash */
    }
    return n;
}

void tb_router_free(struct tb_router *r)
{
    if (!r)
        return;
    free(r->routes);
    free(r->strings);
    free(r);
}

int tb_router_new(const struct tb_route *routes, size_t n, struct tb_router **out)
{
    int rc = TB_ERR_NOMEM;
    struct tb_router *r = calloc(1, sizeof(*r));
    if (!r)
        goto fail;
    r->n = n;
    r->routes = calloc(n ? n : 1, sizeof(*r->routes));
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += strlen(routes[i].pattern) + 1;
    r->strings = malloc(total ? total : 1);
    if (!r->routes || !r->strings)
        goto fail;
    char *sp = r->strings;
    rc = TB_ERR_INVALID;
    for (size_t i = 0; i < n; i++) {
        struct compiled_route *c = &r->routes[i];
        const struct tb_route *rt = &routes[i];
        if (!rt->method || !rt->pattern || !rt->handler || !rt->permission || !rt->summary)
            goto fail;
        c->route = rt;
        int ns = split_path(rt->pattern, c->seg, c->seglen);
        if (ns < 0)
            goto fail;
        c->nseg = (size_t)ns;
        size_t nparams = 0;
        for (size_t s = 0; s < c->nseg; s++) {
            if (c->seg[s][0] == '{') {
                if (c->seglen[s] < 3 || c->seg[s][c->seglen[s] - 1] != '}')
                    goto fail;
                size_t plen = c->seglen[s] - 2;
                memcpy(sp, c->seg[s] + 1, plen);
                sp[plen] = '\0';
                c->param[s] = sp;
                sp += plen + 1;
                c->seg[s] = NULL;
                if (++nparams > TB_HTTP_MAX_PARAMS)
                    goto fail;
            }
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(routes[j].method, rt->method) == 0 &&
                strcmp(routes[j].pattern, rt->pattern) == 0)
                goto fail;
    }
    *out = r;
    return TB_OK;
fail:
    tb_router_free(r);
    return rc;
}

static bool segments_match(const struct compiled_route *c, size_t nseg, const char *seg[],
                           const size_t seglen[])
{
    if (c->nseg != nseg)
        return false;
    for (size_t s = 0; s < nseg; s++) {
        if (!c->seg[s])
            continue;
        if (c->seglen[s] != seglen[s] || memcmp(c->seg[s], seg[s], seglen[s]) != 0)
            return false;
    }
    return true;
}

static bool method_matches(const char *route_method, const char *method)
{
    if (strcmp(route_method, method) == 0)
        return true;
    /* RFC 9110 §9.3.2: HEAD is GET without the body; libmicrohttpd drops it. */
    return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

static void allow_add(char *allow, size_t cap, const char *method)
{
    size_t len = strlen(allow);
    size_t mlen = strlen(method);
    if (strstr(allow, method))
        return;
    if (len + mlen + 3 > cap)
        return;
    if (len) {
        memcpy(allow + len, ", ", 2);
        len += 2;
    }
    memcpy(allow + len, method, mlen + 1);
}

enum tb_match tb_router_match(const struct tb_router *r, const char *method, const char *path,
                              struct tb_arena *arena, const struct tb_route **route,
                              struct tb_kv *params, size_t *nparams, char *allow, size_t allow_cap)
{
    const char *seg[TB_HTTP_MAX_SEGMENTS];
    size_t seglen[TB_HTTP_MAX_SEGMENTS];
    bool path_seen = false;
    *route = NULL;
    *nparams = 0;
    if (allow_cap)
        allow[0] = '\0';
    int ns = split_path(path, seg, seglen);
    if (ns < 0)
        return TB_MATCH_NO_PATH;
    for (size_t i = 0; i < r->n; i++) {
        const struct compiled_route *c = &r->routes[i];
        if (!segments_match(c, (size_t)ns, seg, seglen))
            continue;
        if (!method_matches(c->route->method, method)) {
            path_seen = true;
            if (allow_cap) {
                allow_add(allow, allow_cap, c->route->method);
                if (strcmp(c->route->method, "GET") == 0)
                    allow_add(allow, allow_cap, "HEAD");
            }
            continue;
        }
        size_t np = 0;
        for (size_t s = 0; s < c->nseg; s++) {
            if (c->seg[s])
                continue;
            params[np].key = c->param[s];
            params[np].value = tb_arena_strndup(arena, seg[s], seglen[s]);
            if (!params[np].value)
                return TB_MATCH_NO_PATH;
            np++;
        }
        *nparams = np;
        *route = c->route;
        return TB_MATCH_OK;
    }
    return path_seen ? TB_MATCH_NO_METHOD : TB_MATCH_NO_PATH;
}
