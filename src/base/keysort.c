/* SPDX-License-Identifier: MIT */
/* keysort.c -- sorting by integer keys (base/keysort.h). */
#include "base/keysort.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

int qt__sort_u64(uint64_t *a, size_t n)
{
    uint64_t *key = a, *tmp, lo = ~(uint64_t)0, hi = 0, vary;
    size_t i;
    int shift;
    if (n < 48) {
        for (i = 1; i < n; i++) {
            uint64_t t = a[i];
            size_t j = i;
            for (; j > 0 && a[j - 1] > t; j--)
                a[j] = a[j - 1];
            a[j] = t;
        }
        return 0;
    }
    if (!(tmp = qt__malloc(n * sizeof *tmp)))
        return -1;
    for (i = 0; i < n; i++) {
        lo &= a[i];
        hi |= a[i];
    }
    vary = lo ^ hi; /* the bits not the same in every key */
    for (shift = 0; shift < 64; shift += 8) {
        size_t count[257] = {0};
        uint64_t *t;
        if (!((vary >> shift) & 0xff))
            continue;
        for (i = 0; i < n; i++)
            count[((key[i] >> shift) & 0xff) + 1]++;
        for (i = 0; i < 256; i++)
            count[i + 1] += count[i];
        for (i = 0; i < n; i++)
            tmp[count[(key[i] >> shift) & 0xff]++] = key[i];
        t = key;
        key = tmp;
        tmp = t;
    }
    if (key != a) { /* an odd number of passes: the sorted keys are in the buffer */
        memcpy(a, key, n * sizeof *a);
        tmp = key;
    }
    qt__free(tmp);
    return 0;
}

static int cmp_keyed(const void *x, const void *y)
{
    const qt__keyed *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

void qt__keyed_sort(qt__keyed *a, size_t n)
{
    qsort(a, n, sizeof *a, cmp_keyed);
}
