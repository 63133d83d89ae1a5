/* SPDX-License-Identifier: MIT */
/*
 * reply.c -- replies of the HTTP API (server/reply.h).
 */
#include "server/reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outfile.h"

enum MHD_Result qt__reply_text(qt__req *r, int status, char *text, size_t len, const char *type)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    enum MHD_Result ok;
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", type);
    r->conn->status = status;
    ok = MHD_queue_response(r->c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ok;
}

enum MHD_Result qt__reply_json(qt__req *r, int status, json_t *j)
{
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(j);
    if (!text)
        return MHD_NO;
    return qt__reply_text(r, status, text, strlen(text), "application/json; charset=utf-8");
}

enum MHD_Result qt__reply_error(qt__req *r, qt_status code, const char *field, const char *fmt, ...)
{
    char msg[300];
    int status = qt_status_http(code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return qt__reply_json(r, status,
                          json_pack("{s:s, s:i, s:s, s:s?}", "code", qt_status_name(code), "status", status, "message",
                                    msg, "field", field));
}

enum MHD_Result qt__reply_status(qt__req *r, const qt_error *e)
{
    return qt__reply_error(r, e->code, e->where[0] ? e->where : NULL, "%s", e->msg);
}

/* ---- the text builder ---- */

void qt__jb_put(qt__jbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *q;
        while (cap < b->n + n + 1)
            cap *= 2;
        q = realloc(b->p, cap); /* freed by libmicrohttpd with free() */
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void qt__jb_lit(qt__jbuf *b, const char *s)
{
    qt__jb_put(b, s, strlen(s));
}

void qt__jb_str(qt__jbuf *b, const char *s)
{
    const char *run = s;
    qt__jb_put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\' || ch < 0x20) {
            char esc[8];
            qt__jb_put(b, run, (size_t)(s - run));
            if (ch == '"' || ch == '\\')
                snprintf(esc, sizeof esc, "\\%c", ch);
            else
                snprintf(esc, sizeof esc, "\\u%04x", ch);
            qt__jb_lit(b, esc);
            run = s + 1;
        }
    }
    qt__jb_put(b, run, (size_t)(s - run));
    qt__jb_put(b, "\"", 1);
}

void qt__jb_num(qt__jbuf *b, double v, int dec)
{
    char num[48];
    qt__jb_put(b, num, qt__fmt_fixed(num, v, dec));
}

void qt__jb_i64(qt__jbuf *b, int64_t v)
{
    char num[24];
    qt__jb_put(b, num, qt__fmt_i64(num, v));
}

enum MHD_Result qt__reply_jbuf(qt__req *r, int status, qt__jbuf *b)
{
    if (b->oom || !b->p) {
        free(b->p);
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    }
    return qt__reply_text(r, status, b->p, b->n, "application/json; charset=utf-8");
}
