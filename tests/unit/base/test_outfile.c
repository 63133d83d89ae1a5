/* SPDX-License-Identifier: MIT */
/* test_outfile.c -- the fast number formatters write what printf writes. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    static const int64_t edge[] = {0, 1, -1, 9, 10, 11, 99, 100, 101, 999, 1000, 12345, -12345,
                                   INT64_MAX, INT64_MIN, INT64_MIN + 1, 4294967295ll, 4294967296ll};
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
        double v = (double)(r >> 11) / (double)(1ull << 53) * pow(10, (double)(r % 11) - 3);
        for (dec = 0; dec <= 6; dec++) {
            size_t n = qt__fmt_fixed(a, v, dec);
            a[n] = 0;
            snprintf(b, sizeof b, "%.*f", dec, v);
            assert_string_equal(a, b);
        }
        a[qt__fmt_fixed6(a, v)] = 0;
        snprintf(b, sizeof b, "%.6f", v);
        assert_string_equal(a, b);
    }
    a[qt__fmt_fixed(a, 0.5, 0)] = 0;
    assert_string_equal(a, "0");
    a[qt__fmt_fixed(a, 1234.0000005, 6)] = 0;
    snprintf(b, sizeof b, "%.6f", 1234.0000005);
    assert_string_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_i64_like_printf),
        cmocka_unit_test(test_fixed_like_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
