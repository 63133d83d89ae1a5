/* SPDX-License-Identifier: MIT */
/*
 * strbuf.c -- growable strings and JSON text (base/strbuf.h).
 */
#include "base/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/outfile.h"

static int room(qt__strbuf *b, size_t more)
{
    size_t cap;
    char *q;
    if (b->oom)
        return -1;
    if (b->n + more + 1 <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 256;
    while (cap < b->n + more + 1) {
        if (cap > SIZE_MAX / 2) {
            b->oom = 1;
            return -1;
        }
        cap *= 2;
    }
    q = qt__realloc(b->p, cap);
    if (!q) {
        b->oom = 1;
        return -1;
    }
    b->p = q;
    b->cap = cap;
    return 0;
}

void qt__sb_reserve(qt__strbuf *b, size_t n)
{
    room(b, n);
}

void qt__sb_put(qt__strbuf *b, const char *s, size_t n)
{
    if (room(b, n) != 0)
        return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void qt__sb_puts(qt__strbuf *b, const char *s)
{
    qt__sb_put(b, s, strlen(s));
}

void qt__sb_printf(qt__strbuf *b, const char *fmt, ...)
{
    va_list ap;
    int k;
    if (b->oom)
        return;
    va_start(ap, fmt);
    k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0) {
        b->oom = 1;
        return;
    }
    if (room(b, (size_t)k) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

char *qt__sb_take(qt__strbuf *b)
{
    char *p;
    if (b->oom) {
        qt__sb_free(b);
        return NULL;
    }
    if (room(b, 0) != 0)
        return NULL;
    p = b->p;
    b->p = NULL;
    b->n = b->cap = 0;
    return p;
}

void qt__sb_free(qt__strbuf *b)
{
    qt__free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
    b->oom = 0;
}

void qt__sb_json_strn(qt__strbuf *b, const char *s, size_t n)
{
    const char *run = s, *end = s + n;
    qt__sb_put(b, "\"", 1);
    for (; s < end; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\' || ch < 0x20) {
            char esc[8];
            qt__sb_put(b, run, (size_t)(s - run));
            if (ch == '"' || ch == '\\')
                snprintf(esc, sizeof esc, "\\%c", ch);
            else
                snprintf(esc, sizeof esc, "\\u%04x", ch);
            qt__sb_puts(b, esc);
            run = s + 1;
        }
    }
    qt__sb_put(b, run, (size_t)(s - run));
    qt__sb_put(b, "\"", 1);
}

void qt__sb_json_str(qt__strbuf *b, const char *s)
{
    if (!s)
        qt__sb_put(b, "null", 4);
    else
        qt__sb_json_strn(b, s, strlen(s));
}

void qt__sb_json_num(qt__strbuf *b, double v, int dec)
{
    char num[48];
    qt__sb_put(b, num, qt__fmt_fixed(num, v, dec));
}

void qt__sb_json_i64(qt__strbuf *b, int64_t v)
{
    char num[24];
    qt__sb_put(b, num, qt__fmt_i64(num, v));
}
