/* SPDX-License-Identifier: MIT */
/*
 * base/isotime.h -- dates and times as ISO 8601 text and Unix seconds.
 * Pure functions, thread-safe (no TZ database: offsets are explicit).
 */
#ifndef QUARTER_BASE_ISOTIME_H
#define QUARTER_BASE_ISOTIME_H

#include <stdint.h>

/*
 * Parse s as Unix seconds (digits only) or ISO 8601: YYYY-MM-DD,
 * YYYY-MM-DDTHH:MM[:SS[.fff]] (a space may replace T) with an optional Z or
 * +HH:MM / -HH:MM / +HHMM.  Without an offset, dflt_offset_min (minutes east
 * of UTC, e.g. 480 for China) is used.  Returns 0 or -1 (not a valid time).
 */
int qt__time_parse(const char *s, int dflt_offset_min, int64_t *out);

/* t as "YYYY-MM-DDTHH:MM:SS+HH:MM" at offset_min minutes east of UTC (Z for 0). */
void qt__time_format(int64_t t, int offset_min, char out[32]);

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
int64_t qt__days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
