/* SPDX-License-Identifier: MIT */
/*
 * fuzz_body.c -- what the server does with a request body before the store:
 * the JSON parse (as qt__req_body), then each string member through the
 * readers the handlers use on them: ISO 8601 times, coupon codes as typed,
 * survey periods, UTF-8 cutting and repair, and the goods CSV upload.
 */
#include <jansson.h>

#include "base/code32.h"
#include "base/isotime.h"
#include "base/utf8.h"
#include "fuzz_util.h"
#include "io/csv.h"
#include "quarter.h"
#include "base/alloc.h"

static void text_readers(const char *s)
{
    int64_t t;
    char code[33], buf[300];
    qt_error err;
    size_t n = strlen(s), cut;
    qt_error_clear(&err);
    (void)qt__time_parse(s, 480, &t);
    (void)qt_store_code_normalize(s, code, &err);
    qt_error_clear(&err);
    (void)qt_store_period_check(s, 1790000000, &t, &err);
    cut = qt__utf8_cut(s, n, 255);
    if (cut > n)
        abort();
    snprintf(buf, sizeof buf, "%s", s);
    buf[qt__utf8_cut(buf, strlen(buf), sizeof buf - 1)] = '\0';
    qt__utf8_repair(buf);
    if (qt__utf8_valid_prefix(buf, strlen(buf)) != strlen(buf))
        abort(); /* repaired text is valid UTF-8 */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *j = json_loadb((const char *)data, size, 0, &je), *v;
    const char *k;
    char *s = fuzz_str(data, size);
    if (j && json_is_object(j)) {
        json_object_foreach(j, k, v)
        {
            if (json_is_string(v))
                text_readers(json_string_value(v));
        }
    }
    json_decref(j);
    if (!s)
        return 0;
    text_readers(s);
    /* the goods upload: the body as a CSV, as qt__api_goods_upload reads it */
    if (qt__utf8_valid_prefix(s, size) == size) {
        qt__csv c;
        qt_error err;
        memset(&c, 0, sizeof c);
        c.path = "goods.csv";
        c.data = qt__malloc(size + 1);
        if (c.data) {
            memcpy(c.data, s, size + 1);
            c.len = size;
            c.encoding = QT_ENC_UTF8;
            qt_error_clear(&err);
            if (qt__csv_start(&c, &err) == QT_OK) {
                int rows = 0;
                while (qt__csv_next(&c, &err) == 1 && rows++ < 10000) {
                    double price;
                    qt_error e2;
                    qt_error_clear(&e2);
                    if (c.nfield > 1)
                        (void)qt__csv_double(&c, 1, &price, &e2);
                }
                qt__csv_close(&c);
            }
        }
    }
    free(s);
    return 0;
}
