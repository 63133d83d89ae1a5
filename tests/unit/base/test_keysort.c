/* SPDX-License-Identifier: MIT */
/* test_keysort.c -- the radix sort orders as qsort does; (key, index) pairs by key, then index. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/keysort.h"
#include "qt_test.h"

static uint64_t state64 = 2026;

static uint64_t rnd64(void) /* PCG's LCG step, high bits folded down */
{
    state64 = state64 * 6364136223846793005ull + 1442695040888963407ull;
    return state64 ^ (state64 >> 29);
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* n keys drawn by kind: 0 any 64 bits, 1 a few low bits (many equal), 2 one high byte varying,
   3 already sorted, 4 descending */
static void check_sort(size_t n, int kind)
{
    uint64_t *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
    size_t i;
    assert_non_null(a);
    assert_non_null(b);
    for (i = 0; i < n; i++) {
        uint64_t r = rnd64();
        a[i] = kind == 0   ? r
               : kind == 1 ? r % 7
               : kind == 2 ? (r & 0xff00000000000000ull) | 0x1234
               : kind == 3 ? (uint64_t)i * 3
                           : (uint64_t)(n - i) << 20;
    }
    memcpy(b, a, n * sizeof *a);
    qsort(b, n, sizeof *b, cmp_u64);
    assert_int_equal(qt__sort_u64(a, n), 0);
    assert_memory_equal(a, b, n * sizeof *a);
    free(a);
    free(b);
}

static void test_sort_u64_like_qsort(void **state)
{
    static const size_t sizes[] = {0, 1, 2, 47, 48, 49, 255, 256, 1000, 65537};
    size_t i;
    int kind;
    (void)state;
    for (i = 0; i < sizeof sizes / sizeof *sizes; i++)
        for (kind = 0; kind < 5; kind++)
            check_sort(sizes[i], kind);
}

static void test_keyed_sort_breaks_ties_by_index(void **state)
{
    qt__keyed a[2000];
    size_t i;
    (void)state;
    for (i = 0; i < 2000; i++) {
        a[i].key = (int64_t)(rnd64() % 50) - 25; /* negative keys too */
        a[i].i = 1999 - i;
    }
    qt__keyed_sort(a, 2000);
    for (i = 1; i < 2000; i++)
        assert_true(a[i - 1].key < a[i].key || (a[i - 1].key == a[i].key && a[i - 1].i < a[i].i));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort_u64_like_qsort),
        cmocka_unit_test(test_keyed_sort_breaks_ties_by_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
