/* SPDX-License-Identifier: MIT */
/*
 * quarter/status.h -- one error space for the whole library.
 *
 * Every function that can fail returns a qt_status (QT_OK == 0) and, when the
 * caller passes a qt_error, fills it with where the problem is ("nodes.csv:17:
 * column 'lat'") and what it is.  qt_error is caller-allocated and fixed-size,
 * so even QT_ENOMEM can be reported without allocating.  The first error set
 * wins; later calls only add context with qt_error_prefix().
 *
 * Thread-safety: all functions here are pure or touch only the qt_error they
 * are given.
 */
#ifndef QUARTER_STATUS_H
#define QUARTER_STATUS_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define QT_API          __attribute__((visibility("default")))
#define QT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define QT_API
#define QT_PRINTF(a, b)
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qt_status {
    QT_OK = 0,
    QT_ENOMEM,       /* out of memory */
    QT_EIO,          /* cannot open, read or write a file */
    QT_EPARSE,       /* malformed input */
    QT_EINVAL,       /* a value out of range or inconsistent */
    QT_ENOTFOUND,    /* a referenced thing does not exist */
    QT_ECONFLICT,    /* state conflict (already done, duplicate) */
    QT_EAUTH,        /* not authenticated */
    QT_EFORBIDDEN,   /* authenticated but not allowed */
    QT_EDB,          /* store failure */
    QT_EUNSUPPORTED, /* format or feature not supported */
    QT_EINTERNAL,    /* a bug: an invariant did not hold */
    QT_EGONE,        /* no longer valid (an expired coupon) */
    QT_ELIMIT,       /* too many requests (rate limit) */
    QT_ETOOBIG       /* a request or input over its size limit */
} qt_status;

typedef struct qt_error {
    qt_status code;  /* QT_OK until something is set */
    char where[160]; /* "nodes.csv:17: column 'lat'", or "" */
    char msg[256];   /* "'31.2x' is not a number" */
} qt_error;

/**
 * An error valid from its declaration: `qt_error err = QT_ERROR_INIT;`
 * (QT_OK, empty texts).  No clearing by hand is needed before the first use;
 * qt_error_clear() resets one for reuse.
 */
#define QT_ERROR_INIT                                                                                                  \
    {                                                                                                                  \
        QT_OK, "", ""                                                                                                  \
    }

/** The library's version, "MAJOR.MINOR.PATCH" (QT_VERSION_STRING of quarter/version.h when it was built). */
QT_API const char *qt_version(void);

/** Stable identifier, e.g. "QT_EPARSE" (for logs and JSON). Never NULL. */
QT_API const char *qt_status_name(qt_status st);
/** Human phrase, e.g. "parse error". Never NULL. */
QT_API const char *qt_status_str(qt_status st);
/** The HTTP status that goes with st (200, 400, 404, 409, 500 ...). */
QT_API int qt_status_http(qt_status st);

/** Reset err to QT_OK with empty texts (to reuse it; QT_ERROR_INIT starts one). err may be NULL. */
QT_API void qt_error_clear(qt_error *err);

/**
 * Set err unless an error is already set (the first cause wins).
 * where: IN, copied; may be NULL.  Returns code, so callers can write
 * `return qt_error_set(err, QT_EPARSE, where, "...")`.  err may be NULL.
 */
QT_API qt_status qt_error_set(qt_error *err, qt_status code, const char *where, const char *fmt, ...) QT_PRINTF(4, 5);
QT_API qt_status qt_error_setv(qt_error *err, qt_status code, const char *where, const char *fmt, va_list ap)
    QT_PRINTF(4, 0);

/** Prefix err->where with context ("loading city.qgraph: "). err may be NULL. */
QT_API void qt_error_prefix(qt_error *err, const char *fmt, ...) QT_PRINTF(2, 3);

#ifdef __cplusplus
}
#endif
#endif
