/* SPDX-License-Identifier: MIT */
/* report_gpkg.c -- analysis.gpkg (placeholder until written) */
#include "report/report_internal.h"

qt_status qt__write_gpkg(const qt__report *R, const char *path, qt_error *err)
{
    (void)R;
    return qt_error_set(err, QT_EUNSUPPORTED, path, "GeoPackage output is not written yet");
}
