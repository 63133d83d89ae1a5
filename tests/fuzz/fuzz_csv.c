/* SPDX-License-Identifier: MIT */
/* fuzz_csv.c -- the CSV reader (encoding detection, quoting, BOM) on any bytes. */
#include "fuzz_util.h"
#include "io/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("table.csv", data, size);
    qt__csv c;
    qt_error err;
    int r, rows = 0;
    if (!path)
        return 0;
    qt_error_clear(&err);
    memset(&c, 0, sizeof c);
    if (qt__csv_open_enc(&c, path, QT_ENC_AUTO, &err) != QT_OK)
        return 0;
    while ((r = qt__csv_next(&c, &err)) == 1 && rows++ < 100000) {
        double v;
        qt_error e2;
        qt_error_clear(&e2);
        if (c.nfield > 0)
            (void)qt__csv_opt_double(&c, 0, &v, &e2);
    }
    qt__csv_close(&c);
    return 0;
}
