/* SPDX-License-Identifier: MIT */
/*
 * server/reply.h -- writing replies: JSON (jansson or the fast text builder
 * for hot paths), plain text, and the one error shape
 * {code, status, message, field} whose HTTP status follows from the code
 * (qt_status_http).  Every function queues the reply on r->c, records its
 * status for the access log, and returns what the handler returns.
 */
#ifndef QUARTER_SERVER_REPLY_H
#define QUARTER_SERVER_REPLY_H

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>

#include "base/strbuf.h"
#include "quarter/status.h"
#include "server/request.h"

/* TAKES ownership of text (malloc'd; libmicrohttpd frees it) */
enum MHD_Result qt__reply_text(qt__req *r, int status, char *text, size_t len, const char *type);
/* TAKES the reference j (may be NULL: no memory) */
enum MHD_Result qt__reply_json(qt__req *r, int status, json_t *j);
enum MHD_Result qt__reply_error(qt__req *r, qt_status code, const char *field, const char *fmt, ...) QT_PRINTF(4, 5);
/* the error e as the error reply (e->where is the field) */
enum MHD_Result qt__reply_status(qt__req *r, const qt_error *e);

/* TAKES b's text (base/strbuf.h): the reply, or a QT_ENOMEM error when the builder ran out of memory */
enum MHD_Result qt__reply_sb(qt__req *r, int status, qt__strbuf *b);

#endif
