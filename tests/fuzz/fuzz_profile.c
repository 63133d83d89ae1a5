/* SPDX-License-Identifier: MIT */
/* fuzz_profile.c -- the walking profile parser on any bytes; a profile that loads is queried. */
#include "fuzz_util.h"
#include "quarter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("x.profile", data, size);
    qt_profile *p = NULL;
    qt_error err;
    if (!path)
        return 0;
    qt_error_clear(&err);
    if (qt_profile_load(path, &p, &err) == QT_OK) {
        size_t i, n = qt_profile_category_count(p);
        (void)qt_profile_find(p, "菜市场");
        (void)qt_profile_find(p, "XX");
        for (i = 0; i < n && i < 64; i++)
            (void)qt_profile_find(p, qt_profile_category(p, i)->code);
        (void)qt_profile_speed_kmh(p, "default");
        qt_profile_free(p);
    }
    return 0;
}
