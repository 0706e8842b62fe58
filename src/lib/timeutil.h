/*
 * timeutil.h - wall-clock and monotonic time.
 *
 * Storage uses UTC milliseconds since the epoch; durations use the monotonic
 * clock. Display in Asia/Shanghai (UTC+8, no daylight saving since 1991) is
 * a fixed offset, so no tz database lookup is needed on hot paths.
 */
#ifndef TB_TIMEUTIL_H
#define TB_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define TB_SHANGHAI_OFFSET_MS (8LL * 3600 * 1000)

/* UTC milliseconds since 1970-01-01. */
int64_t tb_time_now_ms(void);
/* Monotonic nanoseconds, for durations only. */
uint64_t tb_time_mono_ns(void);
/* "2026-11-23T04:05:06.789Z" into out (cap >= 25). */
void tb_time_format_iso(int64_t ms, char *out, size_t cap);
/* The Asia/Shanghai calendar date of a UTC instant: *y, *m, *d. */
void tb_time_shanghai_date(int64_t ms, int *y, int *m, int *d);

#endif
