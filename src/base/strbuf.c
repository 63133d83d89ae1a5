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

void qt__json_escape(const char *s, size_t n, void (*put)(void *ud, const char *p, size_t len), void *ud)
{
    static const char hex[] = "0123456789abcdef";
    const char *run = s, *end = s + n;
    put(ud, "\"", 1);
    for (; s < end; s++) {
        unsigned char ch = (unsigned char)*s;
        char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
        if (ch != '"' && ch != '\\' && ch >= 0x20)
            continue;
        put(ud, run, (size_t)(s - run));
        run = s + 1;
        if (ch >= 0x20) { /* \" or \\ */
            esc[1] = (char)ch;
            put(ud, esc, 2);
        } else {
            put(ud, esc, 6);
        }
    }
    put(ud, run, (size_t)(s - run));
    put(ud, "\"", 1);
}

static void put_sb(void *ud, const char *p, size_t len)
{
    qt__sb_put(ud, p, len);
}

void qt__sb_json_strn(qt__strbuf *b, const char *s, size_t n)
{
    qt__json_escape(s, n, put_sb, b);
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
