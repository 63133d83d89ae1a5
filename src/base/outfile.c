/* SPDX-License-Identifier: MIT */
/* outfile.c -- buffered tmp+rename output and fast number formatting. */
#include "base/i18n.h"
#include "base/outfile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"

#define OUT_BUF (1u << 20)

/* "00" "01" ... "99": numbers are written two digits at a time */
static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

size_t qt__fmt_i64(char *dst, int64_t v)
{
    static const uint64_t pow10[20] = {1ull,
                                       10ull,
                                       100ull,
                                       1000ull,
                                       10000ull,
                                       100000ull,
                                       1000000ull,
                                       10000000ull,
                                       100000000ull,
                                       1000000000ull,
                                       10000000000ull,
                                       100000000000ull,
                                       1000000000000ull,
                                       10000000000000ull,
                                       100000000000000ull,
                                       1000000000000000ull,
                                       10000000000000000ull,
                                       100000000000000000ull,
                                       1000000000000000000ull,
                                       10000000000000000000ull};
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    /* digits: floor(log10(u)) + 1 from the bit length (Bit Twiddling Hacks) */
    unsigned t = ((64u - (unsigned)__builtin_clzll(u | 1)) * 1233u) >> 12;
    size_t nd = t - ((u | 1) < pow10[t]) + 1, k = 0, end;
    if (v < 0)
        dst[k++] = '-';
    end = k + nd;
    /* from the last digit back, two at a time */
    while (u >= 100) {
        unsigned r = (unsigned)(u % 100);
        u /= 100;
        end -= 2;
        dst[end] = digit_pairs[2 * r];
        dst[end + 1] = digit_pairs[2 * r + 1];
    }
    if (u >= 10) {
        dst[end - 2] = digit_pairs[2 * u];
        dst[end - 1] = digit_pairs[2 * u + 1];
    } else {
        dst[end - 1] = (char)('0' + u);
    }
    return k + nd;
}

size_t qt__fmt_fixed(char *dst, double v, int dec)
{
    static const double scale[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    static const uint64_t iscale[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};
    double x, frac;
    uint64_t q;
    size_t k;
    int i;
    if (dec < 0 || dec > 9 || !isfinite(v) || v < 0 || (v == 0 && signbit(v)) || v >= 9.0e12)
        return (size_t)snprintf(dst, 48, "%.*f", dec < 0 ? 0 : dec, v);
    x = v * scale[dec];
    /* Below 2^52 every n + 0.5 is a double, so the rounded product lies on the same side of it as
       the exact v * 10^dec (or on it: the tie case below); above, printf decides. */
    if (!(x < 4503599627370496.0))
        return (size_t)snprintf(dst, 48, "%.*f", dec, v);
    q = (uint64_t)x;             /* x >= 0 and < 2^52: truncation is floor */
    frac = x - (double)q;        /* exact (Sterbenz) */
    if (fabs(frac - 0.5) < 1e-6) /* near a tie: let printf decide exactly */
        return (size_t)snprintf(dst, 48, "%.*f", dec, v);
    q += frac > 0.5; /* = nearbyint(x), ties excluded above */
    k = qt__fmt_i64(dst, (int64_t)(q / iscale[dec]));
    if (!dec)
        return k;
    dst[k++] = '.';
    q %= iscale[dec];
    for (i = dec; i >= 2; i -= 2) {
        memcpy(dst + k + (size_t)i - 2, digit_pairs + 2 * (q % 100), 2);
        q /= 100;
    }
    if (i == 1)
        dst[k] = (char)('0' + q);
    return k + (size_t)dec;
}

size_t qt__fmt_fixed6(char *dst, double v)
{
    return qt__fmt_fixed(dst, v, 6);
}

qt_status qt__outfile_open(qt__outfile *o, const char *path, qt_error *err)
{
    memset(o, 0, sizeof *o);
    o->buf = qt__malloc(OUT_BUF);
    if (!o->buf)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory for the output buffer"));
    o->cap = OUT_BUF;
    if (!path || strcmp(path, "-") == 0) {
        o->fp = stdout;
        return QT_OK;
    }
    o->path = qt__strdup(path);
    o->tmppath = qt__malloc(strlen(path) + 5);
    if (!o->path || !o->tmppath) {
        qt__outfile_abort(o);
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    memcpy(o->tmppath, path, strlen(path));
    memcpy(o->tmppath + strlen(path), ".tmp", 5);
    o->fp = fopen(o->tmppath, "wb");
    if (!o->fp) {
        int e = errno;
        qt_error_set(err, QT_EIO, path, _("cannot create output file: %s"), strerror(e));
        qt__free(o->tmppath);
        o->tmppath = NULL;
        qt__outfile_abort(o);
        return QT_EIO;
    }
    return QT_OK;
}

static void flush_buf(qt__outfile *o)
{
    if (o->len && !o->failed && fwrite(o->buf, 1, o->len, o->fp) != o->len)
        o->failed = errno ? errno : EIO;
    o->len = 0;
}

void qt__outfile_write(qt__outfile *o, const char *s, size_t n)
{
    if (n >= o->cap) {
        flush_buf(o);
        if (!o->failed && fwrite(s, 1, n, o->fp) != n)
            o->failed = errno ? errno : EIO;
        return;
    }
    if (o->len + n > o->cap)
        flush_buf(o);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

void qt__outfile_puts(qt__outfile *o, const char *s)
{
    qt__outfile_write(o, s, strlen(s));
}

void qt__outfile_printf(qt__outfile *o, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        qt__outfile_write(o, small, (size_t)n);
    } else {
        char *big = qt__malloc((size_t)n + 1);
        if (!big) {
            o->failed = ENOMEM;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        qt__outfile_write(o, big, (size_t)n);
        qt__free(big);
    }
}

void qt__outfile_i64(qt__outfile *o, int64_t v)
{
    char t[24];
    qt__outfile_write(o, t, qt__fmt_i64(t, v));
}

void qt__outfile_fixed6(qt__outfile *o, double v)
{
    char t[48];
    qt__outfile_write(o, t, qt__fmt_fixed6(t, v));
}

void qt__outfile_double(qt__outfile *o, double v, int decimals)
{
    char t[64];
    if (decimals >= 0 && decimals <= 9 && fabs(v) < 9.0e12) { /* at most 23 characters */
        qt__outfile_write(o, t, qt__fmt_fixed(t, v, decimals));
        return;
    }
    qt__outfile_printf(o, "%.*f", decimals, v); /* any length (1e300 has 301 digits) */
}

static void release(qt__outfile *o)
{
    qt__free(o->buf);
    qt__free(o->path);
    qt__free(o->tmppath);
    o->buf = o->path = o->tmppath = NULL;
    o->fp = NULL;
}

qt_status qt__outfile_commit(qt__outfile *o, qt_error *err)
{
    qt_status st = QT_OK;
    flush_buf(o);
    if (o->fp == stdout) {
        if (fflush(stdout) != 0 && !o->failed)
            o->failed = errno ? errno : EIO;
        if (o->failed)
            st = qt_error_set(err, QT_EIO, "stdout", _("write failed: %s"), strerror(o->failed));
        release(o);
        return st;
    }
    if (fclose(o->fp) != 0 && !o->failed)
        o->failed = errno ? errno : EIO;
    o->fp = NULL;
    if (!o->failed && rename(o->tmppath, o->path) != 0)
        o->failed = errno ? errno : EIO;
    if (o->failed) {
        st = qt_error_set(err, QT_EIO, o->path, _("write failed: %s"), strerror(o->failed));
        unlink(o->tmppath);
    }
    release(o);
    return st;
}

void qt__outfile_abort(qt__outfile *o)
{
    if (o->fp && o->fp != stdout)
        fclose(o->fp);
    else if (o->fp == stdout)
        fflush(stdout);
    if (o->tmppath)
        unlink(o->tmppath);
    release(o);
}

void qt__outfile_csv(qt__outfile *o, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        qt__outfile_puts(o, s);
        return;
    }
    qt__outfile_puts(o, "\"");
    for (; *s; s++) {
        if (*s == '"')
            qt__outfile_puts(o, "\"");
        qt__outfile_write(o, s, 1);
    }
    qt__outfile_puts(o, "\"");
}
