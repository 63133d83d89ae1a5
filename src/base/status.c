/* SPDX-License-Identifier: MIT */
/* status.c -- names, phrases and HTTP codes of qt_status; qt_error helpers. */
#include "quarter/status.h"
#include "base/i18n.h"
#include "quarter/version.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    const char *str;
    int http;
} status_table[] = {
    [QT_OK] = {"QT_OK", N_("success"), 200},
    [QT_ENOMEM] = {"QT_ENOMEM", N_("out of memory"), 503},
    [QT_EIO] = {"QT_EIO", N_("input/output error"), 500},
    [QT_EPARSE] = {"QT_EPARSE", N_("parse error"), 400},
    [QT_EINVAL] = {"QT_EINVAL", N_("invalid value"), 422},
    [QT_ENOTFOUND] = {"QT_ENOTFOUND", N_("not found"), 404},
    [QT_ECONFLICT] = {"QT_ECONFLICT", N_("conflict"), 409},
    [QT_EAUTH] = {"QT_EAUTH", N_("not authenticated"), 401},
    [QT_EFORBIDDEN] = {"QT_EFORBIDDEN", N_("forbidden"), 403},
    [QT_EDB] = {"QT_EDB", N_("store error"), 500},
    [QT_EUNSUPPORTED] = {"QT_EUNSUPPORTED", N_("not supported"), 415},
    [QT_EINTERNAL] = {"QT_EINTERNAL", N_("internal error"), 500},
    [QT_EGONE] = {"QT_EGONE", N_("gone"), 410},
    [QT_ELIMIT] = {"QT_ELIMIT", N_("too many requests"), 429},
    [QT_ETOOBIG] = {"QT_ETOOBIG", N_("too large"), 413},
};

#define STATUS_COUNT (sizeof status_table / sizeof status_table[0])

const char *qt_status_name(qt_status st)
{
    return (unsigned)st < STATUS_COUNT ? status_table[st].name : "QT_EUNKNOWN";
}

const char *qt_status_str(qt_status st)
{
    return (unsigned)st < STATUS_COUNT ? status_table[st].str : N_("unknown error");
}

int qt_status_http(qt_status st)
{
    return (unsigned)st < STATUS_COUNT ? status_table[st].http : 500;
}

void qt_error_clear(qt_error *err)
{
    if (!err)
        return;
    err->code = QT_OK;
    err->where[0] = '\0';
    err->msg[0] = '\0';
}

qt_status qt_error_setv(qt_error *err, qt_status code, const char *where, const char *fmt, va_list ap)
{
    if (!err || err->code != QT_OK)
        return code;
    err->code = code;
    snprintf(err->where, sizeof err->where, "%s", where ? where : "");
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return code;
}

qt_status qt_error_set(qt_error *err, qt_status code, const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qt_error_setv(err, code, where, fmt, ap);
    va_end(ap);
    return code;
}

void qt_error_prefix(qt_error *err, const char *fmt, ...)
{
    char pre[160], old[160], both[330];
    va_list ap;
    if (!err)
        return;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    memcpy(old, err->where, sizeof old);
    if (old[0])
        snprintf(both, sizeof both, "%s: %s", pre, old);
    else
        snprintf(both, sizeof both, "%s", pre);
    memcpy(err->where, both, sizeof err->where - 1);
    err->where[sizeof err->where - 1] = '\0';
}

const char *qt_version(void)
{
    return QT_VERSION_STRING;
}
