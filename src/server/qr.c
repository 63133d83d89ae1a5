/* SPDX-License-Identifier: MIT */
/* qr.c -- QR code images of coupon codes (server/qr.h). */
#include "server/qr.h"

#include <qrencode.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/i18n.h"

#define QUIET 4 /* modules of white border, as the standard asks */
#define SCALE 8 /* PNG pixels per module */

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* one PNG chunk at out (len + type + data + crc); returns its size */
static size_t chunk(unsigned char *out, const char *type, const unsigned char *data, size_t n)
{
    uLong crc;
    put32(out, (uint32_t)n);
    memcpy(out + 4, type, 4);
    if (n)
        memcpy(out + 8, data, n);
    crc = crc32(0L, out + 4, (uInt)(n + 4));
    put32(out + 8 + n, (uint32_t)crc);
    return n + 12;
}

static qt_status to_png(const QRcode *q, char **img, size_t *len, qt_error *err)
{
    size_t side = (size_t)(q->width + 2 * QUIET) * SCALE, row = side + 1, raw_n = row * side, y, x;
    unsigned char *raw = malloc(raw_n), *out;
    uLongf zn = compressBound((uLong)raw_n);
    unsigned char ihdr[13];
    size_t k = 0;
    if (!raw)
        return qt_error_set(err, QT_ENOMEM, "qr", _("no memory"));
    for (y = 0; y < side; y++) {
        size_t my = y / SCALE;
        raw[y * row] = 0; /* filter: none */
        for (x = 0; x < side; x++) {
            size_t mx = x / SCALE;
            int dark = my >= QUIET && mx >= QUIET && my < (size_t)q->width + QUIET && mx < (size_t)q->width + QUIET &&
                       (q->data[(my - QUIET) * (size_t)q->width + (mx - QUIET)] & 1);
            raw[y * row + 1 + x] = dark ? 0 : 255;
        }
    }
    out = malloc(8 + 25 + 12 + zn + 12);
    if (!out) {
        free(raw);
        return qt_error_set(err, QT_ENOMEM, "qr", _("no memory"));
    }
    memcpy(out, "\x89PNG\r\n\x1a\n", 8);
    k = 8;
    put32(ihdr, (uint32_t)side);
    put32(ihdr + 4, (uint32_t)side);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 0;  /* grayscale */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0;
    ihdr[12] = 0;
    k += chunk(out + k, "IHDR", ihdr, sizeof ihdr);
    if (compress2(out + k + 8, &zn, raw, (uLong)raw_n, 9) != Z_OK) {
        free(raw);
        free(out);
        return qt_error_set(err, QT_ENOMEM, "qr", _("cannot compress the image"));
    }
    free(raw);
    {
        /* the data was compressed in place, after the chunk's length and type */
        uLong crc;
        put32(out + k, (uint32_t)zn);
        memcpy(out + k + 4, "IDAT", 4);
        crc = crc32(0L, out + k + 4, (uInt)(zn + 4));
        put32(out + k + 8 + zn, (uint32_t)crc);
        k += zn + 12;
    }
    k += chunk(out + k, "IEND", NULL, 0);
    *img = (char *)out;
    *len = k;
    return QT_OK;
}

static qt_status to_svg(const QRcode *q, char **img, size_t *len, qt_error *err)
{
    size_t side = (size_t)q->width + 2 * QUIET, cap = 256 + (size_t)q->width * (size_t)q->width * 24, n, x, y;
    char *s = malloc(cap);
    if (!s)
        return qt_error_set(err, QT_ENOMEM, "qr", _("no memory"));
    n = (size_t)snprintf(
        s, cap,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %zu %zu\" shape-rendering=\"crispEdges\">"
        "<rect width=\"%zu\" height=\"%zu\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
        side, side, side, side);
    for (y = 0; y < (size_t)q->width; y++)
        for (x = 0; x < (size_t)q->width; x++)
            if (q->data[y * (size_t)q->width + x] & 1)
                n += (size_t)snprintf(s + n, cap - n, "M%zu %zuh1v1h-1z", x + QUIET, y + QUIET);
    n += (size_t)snprintf(s + n, cap - n, "\"/></svg>\n");
    *img = s;
    *len = n;
    return QT_OK;
}

qt_status qt__qr_image(const char *text, int png, char **img, size_t *len, qt_error *err)
{
    QRcode *q;
    qt_status rc;
    *img = NULL;
    *len = 0;
    if (strlen(text) > 64)
        return qt_error_set(err, QT_EINVAL, "code", _("too long for a QR code here"));
    q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return qt_error_set(err, QT_ENOMEM, "qr", _("cannot make the QR code"));
    rc = png ? to_png(q, img, len, err) : to_svg(q, img, len, err);
    QRcode_free(q);
    return rc;
}
