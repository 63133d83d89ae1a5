/* SPDX-License-Identifier: MIT */
/* fuzz_hours.c -- opening hours (the OSM subset) and "Sa 07:00" times on any bytes. */
#include "fuzz_util.h"
#include "quarter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    int wd, minute, d;
    qt_error err;
    if (!s)
        return 0;
    for (d = 0; d < 7; d++) {
        (void)qt_hours_open_at(s, d, 0);
        (void)qt_hours_open_at(s, d, 7 * 60 + 30);
        (void)qt_hours_open_at(s, d, 1439);
    }
    qt_error_clear(&err);
    (void)qt_hours_parse_at(s, &wd, &minute, &err);
    free(s);
    return 0;
}
