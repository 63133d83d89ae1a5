/* SPDX-License-Identifier: MIT */
/*
 * base/alloc.h -- the library's one allocator seam.
 *
 * All library allocations go through qt__malloc/qt__calloc/qt__realloc/
 * qt__free.  In builds with QT_FAULT_INJECTION, qt_test_fail_alloc_after(n)
 * makes the n-th following allocation fail (test builds only; compiled out
 * otherwise, so the library holds no global state).  Overflow-checked array
 * helpers return NULL instead of wrapping.
 */
#ifndef QUARTER_BASE_ALLOC_H
#define QUARTER_BASE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

void *qt__malloc(size_t n);
void *qt__calloc(size_t count, size_t size);
void *qt__realloc(void *p, size_t n);
void qt__free(void *p);
/* count * size, or NULL when that overflows */
void *qt__malloc_array(size_t count, size_t size);
void *qt__realloc_array(void *p, size_t count, size_t size);
char *qt__strdup(const char *s);

#ifdef QT_FAULT_INJECTION
/* n > 0: the n-th allocation from now fails (and all after it until reset);
 * n == 0: no failures. */
void qt_test_fail_alloc_after(long n);
#endif

/* Grow a vector: ensure *cap >= need, doubling. Returns 0 or -1 (no memory). */
int qt__grow(void **p, size_t *cap, size_t need, size_t elem);

#endif
