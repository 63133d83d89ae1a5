/* SPDX-License-Identifier: MIT */
/* test_code32.c -- Crockford base32 codes with a check character, and ISO 8601 times. */
#include <string.h>

#include "base/code32.h"
#include "base/isotime.h"
#include "qt_test.h"

static void test_code32(void **state)
{
    unsigned char rnd[QT__CODE32_DATA];
    char code[QT__CODE32_LEN + 1], norm[QT__CODE32_LEN + 1], typo[QT__CODE32_LEN + 1];
    int made = 0, seed, i, j;
    (void)state;
    for (seed = 0; seed < 200; seed++) {
        for (i = 0; i < QT__CODE32_DATA; i++)
            rnd[i] = (unsigned char)(seed * 31 + i * 7);
        if (qt__code32_make(rnd, code) != 0)
            continue;
        made++;
        assert_int_equal(strlen(code), QT__CODE32_LEN);
        assert_null(strpbrk(code, "ILOU*~$="));
        assert_int_equal(qt__code32_normalize(code, norm), 0);
        assert_string_equal(norm, code);
        /* every single substitution is caught */
        for (i = 0; i < QT__CODE32_DATA; i++)
            for (j = 0; j < 32; j++) {
                memcpy(typo, code, sizeof typo);
                if (typo[i] == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[j])
                    continue;
                typo[i] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[j];
                assert_int_equal(qt__code32_normalize(typo, norm), -3);
            }
    }
    assert_true(made > 150);
    assert_int_equal(qt__code32_normalize("abc", norm), -2);
    assert_int_equal(qt__code32_normalize("ABCDE-FGHJK-!", norm), -1);
    /* O and I, L read as 0 and 1; case and separators ignored */
    {
        char t[16];
        memset(rnd, 0, sizeof rnd);
        rnd[0] = 1;
        rnd[1] = 0;
        assert_int_equal(qt__code32_make(rnd, code), 0); /* "10000000004"? */
        snprintf(t, sizeof t, "l-o%c%c %s", code[2] == '0' ? 'o' : code[2], code[3], code + 4);
        assert_int_equal(qt__code32_normalize(t, norm), 0);
        assert_string_equal(norm, code);
    }
}

static void test_isotime(void **state)
{
    int64_t t;
    char buf[32];
    (void)state;
    assert_int_equal(qt__time_parse("1790000000", 480, &t), 0);
    assert_int_equal(t, 1790000000);
    assert_int_equal(qt__time_parse("2026-12-02T10:00:00+08:00", 0, &t), 0);
    assert_int_equal(t, 1796176800);
    assert_int_equal(qt__time_parse("2026-12-02T02:00:00Z", 480, &t), 0);
    assert_int_equal(t, 1796176800);
    assert_int_equal(qt__time_parse("2026-12-02 10:00", 480, &t), 0);
    assert_int_equal(t, 1796176800);
    assert_int_equal(qt__time_parse("2026-12-02", 480, &t), 0);
    assert_int_equal(t, 1796176800 - 10 * 3600);
    assert_int_equal(qt__time_parse("2026-12-02T10:00:00.123+0800", 0, &t), 0);
    assert_int_equal(t, 1796176800);
    assert_int_equal(qt__time_parse("2026-02-29", 480, &t), -1);
    assert_int_equal(qt__time_parse("2028-02-29", 480, &t), 0);
    assert_int_equal(qt__time_parse("2026-13-01", 480, &t), -1);
    assert_int_equal(qt__time_parse("2026-12-02T25:00", 480, &t), -1);
    assert_int_equal(qt__time_parse("tomorrow", 480, &t), -1);
    assert_int_equal(qt__time_parse("", 480, &t), -1);
    assert_int_equal(qt__time_parse("2026-12-02T10:00:00+08:00junk", 480, &t), -1);
    qt__time_format(1796176800, 480, buf);
    assert_string_equal(buf, "2026-12-02T10:00:00+08:00");
    qt__time_format(1796176800, 0, buf);
    assert_string_equal(buf, "2026-12-02T02:00:00Z");
    qt__time_format(0, -300, buf);
    assert_string_equal(buf, "1969-12-31T19:00:00-05:00");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code32),
        cmocka_unit_test(test_isotime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
