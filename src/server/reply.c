/* SPDX-License-Identifier: MIT */
/*
 * reply.c -- replies of the HTTP API (server/reply.h).
 */
#include "server/reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/utf8.h"
#include "server/delay.h"

enum MHD_Result qt__reply_text(qt__req *r, int status, char *text, size_t len, const char *type)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    enum MHD_Result ok;
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", type);
    if (r->conn->retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", r->conn->retry_after);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    r->conn->status = status;
    r->conn->bytes = len;
    if (r->pooled) { /* on a write pool thread: the HTTP thread queues it when the connection resumes */
        if (r->conn->resp)
            MHD_destroy_response(r->conn->resp);
        r->conn->resp = resp;
        r->conn->resp_status = (unsigned)status;
        return MHD_YES;
    }
    if (status == 429 && r->s->tarpit) {
        /* a rate limit's refusal waits in the tarpit (server/delay.h); the handler is called again when
         * it is due and queues it (pooled 2, as a write pool's reply) */
        r->conn->resp = resp;
        r->conn->resp_status = 429;
        r->conn->pooled = 2;
        if (qt__delay_hold(r->s->tarpit, r->c, 0))
            return MHD_YES;
        r->conn->resp = NULL; /* the tarpit is full: at once */
        r->conn->pooled = 0;
    }
    ok = MHD_queue_response(r->c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ok;
}

enum MHD_Result qt__reply_json(qt__req *r, int status, json_t *j)
{
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(j);
    if (!text) {
        /* jansson refuses text that is not UTF-8, or ran out of memory: still a reply in the error shape */
        static const char fallback[] =
            "{\"code\":\"QT_EINTERNAL\",\"status\":500,"
            "\"message\":\"the reply could not be encoded\"}";
        text = strdup(fallback);
        if (!text)
            return MHD_NO;
        return qt__reply_text(r, 500, text, strlen(text), "application/json; charset=utf-8");
    }
    return qt__reply_text(r, status, text, strlen(text), "application/json; charset=utf-8");
}

enum MHD_Result qt__reply_error(qt__req *r, qt_status code, const char *field, const char *fmt, ...)
{
    char msg[300], fld[80];
    int status = r->conn->http_status > 0 ? r->conn->http_status : qt_status_http(code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, _(fmt), ap); /* the catalogue's text: xgettext takes qt__reply_error's 4th argument */
    va_end(ap);
    r->conn->http_status = 0;
    /* messages quote what the client sent: cut and repaired so the reply is UTF-8 */
    msg[qt__utf8_cut(msg, strlen(msg), sizeof msg - 1)] = '\0';
    qt__utf8_repair(msg);
    if (field) {
        snprintf(fld, sizeof fld, "%s", field);
        fld[qt__utf8_cut(fld, strlen(fld), sizeof fld - 1)] = '\0';
        qt__utf8_repair(fld);
    }
    return qt__reply_json(r, status,
                          json_pack("{s:s, s:i, s:s, s:s?}", "code", qt_status_name(code), "status", status, "message",
                                    msg, "field", field ? fld : NULL));
}

enum MHD_Result qt__reply_status(qt__req *r, const qt_error *e)
{
    if (e->code == QT_EDB || e->code == QT_EIO || e->code == QT_EINTERNAL) {
        /* the store's and the system's errors go to the log, never to the client (issue 11, item 12) */
        FILE *log = r->s->o.error_log ? r->s->o.error_log : stderr;
        pthread_mutex_lock(&r->s->lock);
        fprintf(log, "quarter serve: %s %s: %s: %s: %s\n", r->method ? r->method : "-", r->url ? r->url : "-",
                qt_status_name(e->code), e->where, e->msg);
        fflush(log);
        pthread_mutex_unlock(&r->s->lock);
        return qt__reply_error(r, e->code, NULL, "the server could not do this now; the cause is in its log");
    }
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
