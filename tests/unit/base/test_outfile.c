/* SPDX-License-Identifier: MIT */
/* test_outfile.c -- the fast number formatters write what printf writes. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/outfile.h"
#include "qt_test.h"

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint64_t rnd64(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void check_i64(int64_t v)
{
    char a[32], b[32];
    size_t n = qt__fmt_i64(a, v);
    a[n] = 0;
    snprintf(b, sizeof b, "%" PRId64, v);
    assert_string_equal(a, b);
}

static void test_i64_like_printf(void **state)
{
    static const int64_t edge[] = {0,
                                   1,
                                   -1,
                                   9,
                                   10,
                                   11,
                                   99,
                                   100,
                                   101,
                                   999,
                                   1000,
                                   12345,
                                   -12345,
                                   INT64_MAX,
                                   INT64_MIN,
                                   INT64_MIN + 1,
                                   4294967295ll,
                                   4294967296ll};
    size_t i;
    int64_t p = 1;
    (void)state;
    for (i = 0; i < sizeof edge / sizeof *edge; i++)
        check_i64(edge[i]);
    for (i = 0; i < 19; i++) {
        check_i64(p);
        check_i64(p - 1);
        check_i64(-p);
        if (i < 18)
            p *= 10;
    }
    for (i = 0; i < 200000; i++) {
        uint64_t r = rnd64();
        check_i64((int64_t)(r >> (r % 64)));
        check_i64(-(int64_t)(r >> (1 + r % 63)));
    }
}

static void test_fixed_like_printf(void **state)
{
    char a[64], b[64];
    size_t i;
    int dec;
    (void)state;
    for (i = 0; i < 300000; i++) {
        uint64_t r = rnd64();
        double v = (double)(r >> 11) / (double)(1ull << 53) * pow(10, (double)(r % 17) - 3);
        for (dec = 0; dec <= 9; dec++) {
            size_t n = qt__fmt_fixed(a, v, dec);
            a[n] = 0;
            snprintf(b, sizeof b, "%.*f", dec, v);
            assert_string_equal(a, b);
        }
        a[qt__fmt_fixed6(a, v)] = 0;
        snprintf(b, sizeof b, "%.6f", v);
        assert_string_equal(a, b);
    }
    {
        /* near 2^52 after scaling, where the fast path hands over to printf */
        static const double edge[] = {4503599627370495.5, 4503599627370496.0, 450359962737.04955, 8999999999999.99,
                                      118.78512345675,    32.04794999995,     0.00000000049999,   1e-10};
        for (i = 0; i < sizeof edge / sizeof *edge; i++)
            for (dec = 0; dec <= 9; dec++) {
                a[qt__fmt_fixed(a, edge[i], dec)] = 0;
                snprintf(b, sizeof b, "%.*f", dec, edge[i]);
                assert_string_equal(a, b);
            }
    }
    a[qt__fmt_fixed(a, 0.5, 0)] = 0;
    assert_string_equal(a, "0");
    a[qt__fmt_fixed(a, 1234.0000005, 6)] = 0;
    snprintf(b, sizeof b, "%.6f", 1234.0000005);
    assert_string_equal(a, b);
}

/* qt__outfile_double writes what printf("%.*f") writes, for any value and 0..12 decimals */
static void test_outfile_double_like_printf(void **state)
{
    static const double edge[] = {0,    -0.0,    0.5,   1.5,    2.5,    -2.5,           1e15,          -1e15,
                                  9e12, 8.99e12, 1e300, -1e300, 1e-300, 118.7851234567, 123456.0000005};
    char path[] = "/tmp/qt_outfile_XXXXXX", b[4096], *got;
    size_t i, n = 0, cap = 1 << 22;
    int dec, fd = mkstemp(path);
    qt__outfile o;
    qt_error err = QT_ERROR_INIT;
    FILE *f;
    char *want = malloc(cap);
    (void)state;
    assert_true(fd >= 0 && want);
    close(fd);
    assert_int_equal(qt__outfile_open(&o, path, &err), QT_OK);
    for (i = 0; i < 20000 + sizeof edge / sizeof *edge; i++) {
        uint64_t r = rnd64();
        double v = i < sizeof edge / sizeof *edge
                       ? edge[i]
                       : ((double)(r >> 11) / (double)(1ull << 53) - 0.25) * pow(10, (double)(r % 19) - 3);
        for (dec = 0; dec <= 12; dec++) {
            int k = snprintf(b, sizeof b, "%.*f\n", dec, v);
            assert_true(k > 0 && n + (size_t)k < cap);
            memcpy(want + n, b, (size_t)k);
            n += (size_t)k;
            qt__outfile_double(&o, v, dec);
            qt__outfile_puts(&o, "\n");
        }
    }
    qt__outfile_double(&o, NAN, 2);
    qt__outfile_double(&o, INFINITY, 0);
    memcpy(want + n, "nan", 3), n += 3;
    memcpy(want + n, "inf", 3), n += 3;
    assert_int_equal(qt__outfile_commit(&o, &err), QT_OK);
    f = fopen(path, "rb");
    assert_non_null(f);
    got = malloc(n + 1);
    assert_non_null(got);
    assert_int_equal(fread(got, 1, n + 1, f), n);
    fclose(f);
    unlink(path);
    assert_memory_equal(got, want, n);
    free(got);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_i64_like_printf),
        cmocka_unit_test(test_fixed_like_printf),
        cmocka_unit_test(test_outfile_double_like_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
