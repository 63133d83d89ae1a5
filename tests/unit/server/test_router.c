/* SPDX-License-Identifier: MIT */
/*
 * test_router.c -- the endpoint table (src/server/router.c) against the
 * authorization matrix tests/server/authz.tsv, both ways: every endpoint has
 * matrix rows, every row names an endpoint (or expects 404 from everybody),
 * and the roles of each row agree with the table (an anonymous caller of a
 * guarded endpoint gets 401, a role outside it 403, a role inside it neither).
 * Also the path patterns: {id} is a positive whole number, nothing else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qt_test.h"
#include "server/router.h"

#define AUTHZ QT_TEST_DATA "/../server/authz.tsv"

/* the path of a matrix row: without the query, {coupon} as an id */
static void row_path(const char *raw, char *out, size_t cap)
{
    const char *ph = strstr(raw, "{coupon}");
    size_t n = strcspn(raw, "?");
    if (ph && (size_t)(ph - raw) < n)
        snprintf(out, cap, "%.*s1%.*s", (int)(ph - raw), raw, (int)(n - (size_t)(ph - raw) - 8), ph + 8);
    else
        snprintf(out, cap, "%.*s", (int)n, raw);
}

static void test_matrix_and_table_agree(void **state)
{
    static const qt_role roles[5] = {QT_ROLE_NONE, QT_ROLE_RESIDENT, QT_ROLE_MERCHANT, QT_ROLE_OPERATOR, QT_ROLE_ADMIN};
    size_t n, i, rows = 0;
    const qt__endpoint *t = qt__router_table(&n);
    int *seen = calloc(n, sizeof *seen);
    char line[2048];
    FILE *f = fopen(AUTHZ, "r");
    int bad = 0;
    (void)state;
    assert_non_null(f);
    assert_non_null(seen);
    while (fgets(line, sizeof line, f)) {
        char *field[8], *p = line, path[512];
        int nf = 0, k, all404 = 1;
        int64_t id;
        const qt__endpoint *ep;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        while (nf < 8 && p) {
            field[nf++] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        assert_int_equal(nf, 8);
        rows++;
        row_path(field[1], path, sizeof path);
        for (k = 0; k < 5; k++)
            all404 &= strcmp(field[3 + k], "404") == 0;
        ep = qt__router_match(field[0], path, &id);
        if (!ep) {
            if (!all404) {
                print_message("authz.tsv: %s %s names no endpoint of the table\n", field[0], field[1]);
                bad = 1;
            }
            continue;
        }
        seen[ep - t]++;
        for (k = 0; k < 5; k++) {
            int want = (int)strtol(field[3 + k], NULL, 10),
                allowed = (ep->roles & QT__NOSTORE) || (ep->roles & (1u << roles[k]));
            if (!allowed && want != (k == 0 ? 401 : 403)) {
                print_message("authz.tsv: %s %s column %d: %d, but the table refuses this caller\n", field[0], field[1],
                              k, want);
                bad = 1;
            }
            if (allowed && want == 403) {
                print_message("authz.tsv: %s %s column %d: 403, but the table lets this caller in\n", field[0],
                              field[1], k);
                bad = 1;
            }
        }
    }
    fclose(f);
    for (i = 0; i < n; i++)
        if (!seen[i]) {
            print_message("endpoint %s %s has no row in authz.tsv\n", t[i].method, t[i].pattern);
            bad = 1;
        }
    free(seen);
    assert_true(rows >= n);
    assert_false(bad);
}

static void test_patterns(void **state)
{
    int64_t id = -1;
    const qt__endpoint *ep;
    (void)state;
    ep = qt__router_match("POST", "/api/v1/coupons/17/claim", &id);
    assert_non_null(ep);
    assert_string_equal(ep->pattern, "/api/v1/coupons/{id}/claim");
    assert_int_equal(id, 17);
    ep = qt__router_match("GET", "/api/v1/nearby", &id);
    assert_non_null(ep);
    assert_int_equal(id, 0);
    assert_null(qt__router_match("GET", "/api/v1/outlets/0", &id));
    assert_null(qt__router_match("GET", "/api/v1/outlets/-3", &id));
    assert_null(qt__router_match("GET", "/api/v1/outlets/+3", &id));
    assert_null(qt__router_match("GET", "/api/v1/outlets/3x", &id));
    assert_null(qt__router_match("GET", "/api/v1/outlets/", &id));
    assert_null(qt__router_match("GET", "/api/v1/outlets/99999999999999999999", &id));
    assert_null(qt__router_match("GET", "/api/v1/nearby/", &id));
    assert_null(qt__router_match("DELETE", "/api/v1/outlets/3", &id));
    ep = qt__router_match("PATCH", "/api/v1/outlets/9223372036854775807", &id);
    assert_non_null(ep);
    assert_int_equal(id, INT64_MAX);
    assert_null(qt__router_match("POST", "/api/v1/coupons/5/claimx", &id));
    /* a final '*' takes the rest of the path, at least one character */
    ep = qt__router_match("GET", "/api/v1/tiles/15/1/2.png", &id);
    assert_non_null(ep);
    assert_string_equal(ep->pattern, "/api/v1/tiles/*");
    assert_null(qt__router_match("GET", "/api/v1/tiles/", &id));
    assert_non_null(qt__router_match("GET", "/assets/resident-AB12.js", &id));
    assert_null(qt__router_match("GET", "/assets/", &id));
    assert_null(qt__router_match("GET", "/index.html", &id));
}

/* one row per method and pattern, each with a handler */
static void test_table_rows_unique(void **state)
{
    size_t n, i, j;
    const qt__endpoint *t = qt__router_table(&n);
    (void)state;
    for (i = 0; i < n; i++) {
        assert_non_null(t[i].handler);
        assert_true(t[i].roles != 0);
        for (j = i + 1; j < n; j++)
            assert_false(strcmp(t[i].method, t[j].method) == 0 && strcmp(t[i].pattern, t[j].pattern) == 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix_and_table_agree),
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_table_rows_unique),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
