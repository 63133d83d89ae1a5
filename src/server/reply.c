/* SPDX-License-Identifier: MIT */
/*
 * reply.c -- replies of the HTTP API (server/reply.h).
 */
#include "server/reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


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

enum MHD_Result qt__reply_sb(qt__req *r, int status, qt__strbuf *b)
{
    size_t n = b->n;
    char *text = qt__sb_take(b);
    if (!text)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    return qt__reply_text(r, status, text, n, "application/json; charset=utf-8");
}
