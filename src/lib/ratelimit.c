/*
 * ratelimit.c - a fixed window per address and minute (ratelimit.h).
 */
#include "lib/ratelimit.h"

/* FNV-1a over the address. */
static unsigned bucket_of(const char *peer)
{
    uint32_t h = 2166136261u;
    for (; peer && *peer; peer++)
        h = (h ^ (unsigned char)*peer) * 16777619u;
    return h % TB_RATE_BUCKETS;
}

bool tb_rate_allow(struct tb_rate *r, const char *peer, int64_t now_ms)
{
    int64_t minute = now_ms / 60000;
    unsigned i = bucket_of(peer);
    pthread_mutex_lock(&r->lock);
    if (r->b[i].minute != minute) {
        r->b[i].minute = minute;
        r->b[i].count = 0;
    }
    bool ok = ++r->b[i].count <= r->per_minute;
    pthread_mutex_unlock(&r->lock);
    return ok;
}
