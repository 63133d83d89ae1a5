/* SPDX-License-Identifier: MIT */
/*
 * heap.c -- binary min-heap of (key, id) (base/heap.h).
 */
#include "base/heap.h"

#include "base/alloc.h"

static int less(const qt__heap_item *a, const qt__heap_item *b)
{
    return a->key < b->key || (a->key == b->key && a->id < b->id);
}

static void sift_down(qt__heap *h, size_t i)
{
    qt__heap_item x = h->v[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && less(&h->v[c + 1], &h->v[c]))
            c++;
        if (!less(&h->v[c], &x))
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    h->v[i] = x;
}

int qt__heap_reserve(qt__heap *h, size_t n)
{
    return n <= h->cap ? 0 : qt__grow((void **)&h->v, &h->cap, n, sizeof *h->v);
}

int qt__heap_push(qt__heap *h, double key, uint32_t id)
{
    qt__heap_item x;
    size_t i;
    if (qt__heap_reserve(h, h->n + 1) != 0)
        return -1;
    x.key = key;
    x.id = id;
    i = h->n++;
    while (i > 0 && less(&x, &h->v[(i - 1) / 2])) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = x;
    return 0;
}

qt__heap_item qt__heap_pop(qt__heap *h)
{
    qt__heap_item top = h->v[0];
    h->v[0] = h->v[--h->n];
    if (h->n)
        sift_down(h, 0);
    return top;
}

void qt__heap_update_top(qt__heap *h, double key)
{
    h->v[0].key = key;
    sift_down(h, 0);
}

void qt__heap_build(qt__heap *h)
{
    size_t i;
    for (i = h->n / 2; i-- > 0;)
        sift_down(h, i);
}

void qt__heap_clear(qt__heap *h)
{
    h->n = 0;
}

void qt__heap_free(qt__heap *h)
{
    qt__free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}
