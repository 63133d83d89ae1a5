/* SPDX-License-Identifier: MIT */
/*
 * quarter/hours.h -- opening hours: a documented subset of OSM
 * `opening_hours` (docs/formats.md), enough for the hours shops and
 * bureaus write:
 *   24/7
 *   08:00-22:00                       every day
 *   Mo-Fr 07:00-20:00; Sa,Su 08:00-18:00
 *   Mo-Su 06:30-10:00,17:00-23:30     several ranges
 *   Fr-Sa 18:00-02:00                 past midnight: open to 02:00 next day
 *   Su off                            closed (also "closed")
 * Rules are separated by ';' and a later rule replaces earlier ones for the
 * days it names, as in OSM.  Hours may have one digit (8:00-22:00) and
 * ranges may use '~' or '～' (as Chinese tables write them).  Anything else
 * (public holidays, months, sunrise) is "unknown", never guessed.
 * Pure functions; thread-safe.
 */
#ifndef QUARTER_HOURS_H
#define QUARTER_HOURS_H

#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Whether spec says open on weekday (0 Monday .. 6 Sunday) at minute of
 * the day (0..1439): 1 open, 0 closed, -1 unknown (empty or outside the
 * subset).
 */
QT_API int qt_hours_open_at(const char *spec, int weekday, int minute);

/**
 * Parse a time of day "HH:MM", optionally after a weekday ("Sa 07:00").
 * *weekday gets 0..6, or -1 when none was given.  Statuses: QT_EINVAL.
 */
QT_API qt_status qt_hours_parse_at(const char *s, int *weekday, int *minute, qt_error *err);

#ifdef __cplusplus
}
#endif
#endif
