/* SPDX-License-Identifier: MIT */
/*
 * server/qr.h -- a QR code image of a short text (a coupon code), with
 * libqrencode: SVG, or PNG (grayscale, 8 pixels a module, zlib).  Thread-safe.
 */
#ifndef QUARTER_SERVER_QR_H
#define QUARTER_SERVER_QR_H

#include <stddef.h>

#include "quarter/status.h"

/* OUT: *img (malloc'd, free() -- a reply takes it), *len bytes.  Statuses: QT_ENOMEM, QT_EINVAL (text too long). */
qt_status qt__qr_image(const char *text, int png, char **img, size_t *len, qt_error *err);

#endif
