/* SPDX-License-Identifier: MIT */
/*
 * base/outfile.h -- buffered output written atomically.
 *
 * qt__outfile_open(path) writes to "path.tmp" (or to stdout when path is
 * NULL or "-"); qt__outfile_commit renames it into place, so a reader never
 * sees a half-written file and a failure leaves any old file untouched.
 * qt__outfile_abort removes the temporary.  Appends are buffered (1 MiB).
 * Also the fast number formatters the writers share.  Not thread-safe: one
 * outfile per writer.
 */
#ifndef QUARTER_BASE_OUTFILE_H
#define QUARTER_BASE_OUTFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "quarter/status.h"

typedef struct qt__outfile {
    FILE *fp;
    char *path;    /* final path, NULL for stdout */
    char *tmppath; /* path.tmp */
    char *buf;
    size_t len, cap;
    int failed;
} qt__outfile;

qt_status qt__outfile_open(qt__outfile *o, const char *path, qt_error *err);
void qt__outfile_write(qt__outfile *o, const char *s, size_t n);
void qt__outfile_puts(qt__outfile *o, const char *s);
/* s as one CSV field: quoted ("" for ") when it holds a comma, quote or line break */
void qt__outfile_csv(qt__outfile *o, const char *s);
void qt__outfile_printf(qt__outfile *o, const char *fmt, ...) QT_PRINTF(2, 3);
void qt__outfile_i64(qt__outfile *o, int64_t v);
/* v with exactly 6 decimals, the same digits as printf("%.6f") */
void qt__outfile_fixed6(qt__outfile *o, double v);
/* v with `decimals` decimals, the same digits as printf("%.*f") (the fast formatter up to 9
 * decimals and 9e12, printf beyond) */
void qt__outfile_double(qt__outfile *o, double v, int decimals);
qt_status qt__outfile_commit(qt__outfile *o, qt_error *err);
void qt__outfile_abort(qt__outfile *o);

/* Format helpers usable without an outfile; return the length written.
 * dst must have room for 24 (i64) or 40 (fixed6) bytes. */
size_t qt__fmt_i64(char *dst, int64_t v);
size_t qt__fmt_fixed6(char *dst, double v);
/* v with `dec` decimals, the same digits as printf("%.*f"): fast for 0..9 decimals, finite
 * 0 <= v < 9e12 and v * 10^dec < 2^52, printf otherwise (at most 47 characters written then) */
size_t qt__fmt_fixed(char *dst, double v, int dec);

#endif
