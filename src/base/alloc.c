/* SPDX-License-Identifier: MIT */
/* alloc.c -- allocation seam with optional fault injection (test builds). */
#include "base/alloc.h"

#include <stdlib.h>
#include <string.h>

#ifdef QT_FAULT_INJECTION
#include <stdatomic.h>
static atomic_long fail_countdown; /* test builds only */

void qt_test_fail_alloc_after(long n)
{
    atomic_store(&fail_countdown, n);
}

static int should_fail(void)
{
    long v = atomic_load(&fail_countdown);
    if (v <= 0)
        return 0;
    if (v == 1)
        return 1; /* stays at 1: every later allocation fails too */
    atomic_fetch_sub(&fail_countdown, 1);
    return 0;
}
#define FAIL_POINT()                                                                                                   \
    do {                                                                                                               \
        if (should_fail())                                                                                             \
            return NULL;                                                                                               \
    } while (0)
#else
#define FAIL_POINT() ((void)0)
#endif

void *qt__malloc(size_t n)
{
    FAIL_POINT();
    return malloc(n ? n : 1);
}

void *qt__calloc(size_t count, size_t size)
{
    FAIL_POINT();
    return calloc(count ? count : 1, size ? size : 1);
}

void *qt__realloc(void *p, size_t n)
{
    FAIL_POINT();
    return realloc(p, n ? n : 1);
}

void qt__free(void *p)
{
    free(p);
}

void *qt__malloc_array(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return qt__malloc(count * size);
}

void *qt__realloc_array(void *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return qt__realloc(p, count * size);
}

char *qt__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = qt__malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int qt__grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t nc;
    void *np;
    if (need <= *cap)
        return 0;
    nc = *cap ? *cap : 16;
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return -1;
        nc *= 2;
    }
    np = qt__realloc_array(*p, nc, elem);
    if (!np)
        return -1;
    *p = np;
    *cap = nc;
    return 0;
}
