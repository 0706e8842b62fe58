/*
 * ratelimit.h - a fixed-window limit per client address, for public
 * look-ups that take a secret (progress query codes, licence check codes):
 * each address may ask per_minute times a minute. Addresses are hashed into
 * TB_RATE_BUCKETS buckets; two that collide share one (a stricter limit,
 * never a looser one). Thread-safe; lives for the process.
 */
#ifndef TB_RATELIMIT_H
#define TB_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define TB_RATE_BUCKETS 4096

struct tb_rate {
    pthread_mutex_t lock;
    int per_minute;
    struct {
        int64_t minute;
        int count;
    } b[TB_RATE_BUCKETS];
};

#define TB_RATE_INIT(n)                                                                            \
    {                                                                                              \
        .lock = PTHREAD_MUTEX_INITIALIZER, .per_minute = (n)                                       \
    }

/* True when peer may ask once more in the minute of now_ms (and counts it). */
bool tb_rate_allow(struct tb_rate *r, const char *peer, int64_t now_ms);

#endif
