/* SPDX-License-Identifier: MIT */
/*
 * base/strbuf.h -- a growable NUL-terminated string, and the one JSON text
 * writer built on it (strings escaped once, numbers with fixed decimals).
 *
 * Zero-initialise (`qt__strbuf b = {0};`).  Appends never fail loudly: on
 * no memory the buffer keeps what it had and sets `oom`, and later appends
 * do nothing; check `oom` once at the end.  The text is malloc'd (through
 * qt__realloc, so plain free() releases it too: libmicrohttpd frees replies
 * that way); take it with qt__strbuf_take or free it with qt__strbuf_free.
 * Not thread-safe: one builder per writer.
 */
#ifndef QUARTER_BASE_STRBUF_H
#define QUARTER_BASE_STRBUF_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/status.h"

typedef struct qt__strbuf {
    char *p;       /* the text, NUL-terminated (NULL while empty) */
    size_t n, cap; /* length, allocated */
    int oom;       /* an append ran out of memory */
} qt__strbuf;

/* room for n more bytes without growing (a hint: on no memory, oom is set) */
void qt__sb_reserve(qt__strbuf *b, size_t n);
void qt__sb_put(qt__strbuf *b, const char *s, size_t n);
void qt__sb_puts(qt__strbuf *b, const char *s);
void qt__sb_printf(qt__strbuf *b, const char *fmt, ...) QT_PRINTF(2, 3);
/* OUT: the text (never NULL unless oom; "" for an empty builder), the builder emptied; NULL on oom */
char *qt__sb_take(qt__strbuf *b);
void qt__sb_free(qt__strbuf *b);

/* ---- JSON ---- */

/* s as a JSON string: quotes, backslashes and control characters escaped (NULL: null) */
/* s[0..n) as a JSON string (quotes, \" \\ and \u00XX for control characters) through put: the one
 * JSON escaper, for string builders and output files alike */
void qt__json_escape(const char *s, size_t n, void (*put)(void *ud, const char *p, size_t len), void *ud);
void qt__sb_json_str(qt__strbuf *b, const char *s);
/* the first n bytes of s as a JSON string */
void qt__sb_json_strn(qt__strbuf *b, const char *s, size_t n);
/* v with dec decimals (0..6), the digits of printf("%.*f") */
void qt__sb_json_num(qt__strbuf *b, double v, int dec);
void qt__sb_json_i64(qt__strbuf *b, int64_t v);

#endif
