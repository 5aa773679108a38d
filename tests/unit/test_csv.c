/* test_csv.c - the RFC 4180 reader: fields, quoting, line endings,
 * positions and the errors it names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/limits.h"

/* Reads every record of s into "a|b|c\n" lines; returns the status of
 * the last csv_next. */
static int read_all(const char *s, size_t len, char *out, size_t outlen, csv_reader *r)
{
    csv_init(r, s, len);
    size_t o = 0;
    out[0] = '\0';
    int rc;
    while ((rc = csv_next(r)) == 1) {
        for (size_t i = 0; i < r->nfields; i++)
            o += (size_t)snprintf(out + o, outlen - o, "%s%s", i ? "|" : "", r->fields[i].text);
        o += (size_t)snprintf(out + o, outlen - o, "\n");
    }
    return rc;
}

static void expect(const char *in, const char *want)
{
    char out[4096];
    csv_reader r;
    int rc = read_all(in, strlen(in), out, sizeof out, &r);
    csv_cleanup(&r);
    assert_int_equal(rc, 0);
    assert_string_equal(out, want);
}

static void expect_error(const char *in, size_t len, unsigned line, unsigned column,
                         const char *words)
{
    char out[4096];
    csv_reader r;
    int rc = read_all(in, len, out, sizeof out, &r);
    assert_int_equal(rc, -1);
    assert_int_equal(r.error.line, line);
    assert_int_equal(r.error.column, column);
    if (!strstr(r.error.msg, words))
        fail_msg("'%s' does not say '%s'", r.error.msg, words);
    assert_int_equal(csv_next(&r), -1); /* stays failed */
    csv_cleanup(&r);
}

static void test_plain_fields(void **state)
{
    (void)state;
    expect("a,b,c\n1,2,3\n", "a|b|c\n1|2|3\n");
    expect("a,b,c\n1,2,3", "a|b|c\n1|2|3\n"); /* no final line break */
    expect("a,,c\n,,\n", "a||c\n||\n");       /* empty fields */
    expect("", "");
    expect("x", "x\n");
    expect("a, b ,c\n", "a| b |c\n"); /* spaces are data */
}

static void test_line_endings_and_empty_lines(void **state)
{
    (void)state;
    expect("a,b\r\n1,2\r\n", "a|b\n1|2\n");
    expect("a,b\r1,2\r", "a|b\n1|2\n");
    expect("a,b\n\n\r\n1,2\n\n", "a|b\n1|2\n");
    expect("a,b\n1,\n", "a|b\n1|\n");
}

static void test_quoted_fields(void **state)
{
    (void)state;
    expect("\"a,b\",\"say \"\"hi\"\"\"\n", "a,b|say \"hi\"\n");
    expect("\"\",x\n", "|x\n");
    expect("\"two\nlines\",y\n", "two\nlines|y\n");
    expect("\"crlf\r\nkept\",y\r\n", "crlf\r\nkept|y\n");
    expect("\"a\"\n", "a\n");
    expect("a,\"\"\"\"\n", "a|\"\n");
}

static void test_utf8_and_bom(void **state)
{
    (void)state;
    expect("\xEF\xBB\xBFname,city\nJos\xC3\xA9,S\xC3\xA3o Paulo\n",
           "name|city\nJos\xC3\xA9|S\xC3\xA3o Paulo\n");
    /* the BOM is only skipped at the very start */
    expect("a\n\xEF\xBB\xBF"
           "b\n",
           "a\n\xEF\xBB\xBF"
           "b\n");
}

static void test_positions(void **state)
{
    (void)state;
    const char *s = "h1,h2,h3\n\n\xC3\xA9t\xC3\xA9,\"multi\nline\",z\nlast,\"q\",\n";
    csv_reader r;
    csv_init(&r, s, strlen(s));
    assert_int_equal(csv_next(&r), 1);
    assert_int_equal(r.line, 1);
    assert_int_equal(r.fields[2].column, 7);
    assert_int_equal(csv_next(&r), 1);
    assert_int_equal(r.line, 3);
    assert_int_equal(r.nfields, 3);
    assert_int_equal(r.fields[0].len, 5); /* bytes */
    assert_int_equal(r.fields[1].line, 3);
    assert_int_equal(r.fields[1].column, 5); /* characters: "été," is 4 */
    assert_int_equal(r.fields[2].line, 4);
    assert_int_equal(r.fields[2].column, 7);
    assert_int_equal(csv_next(&r), 1);
    assert_int_equal(r.line, 5);
    assert_int_equal(r.nfields, 3);
    assert_int_equal(r.fields[2].len, 0);
    assert_int_equal(r.fields[2].column, 10);
    assert_int_equal(csv_next(&r), 0);
    assert_int_equal(csv_next(&r), 0);
    csv_cleanup(&r);
}

static void test_errors_name_line_and_column(void **state)
{
    (void)state;
    const char *s1 = "a,b\n1,\"open\nstill open\n";
    expect_error(s1, strlen(s1), 2, 3, "unterminated");
    const char *s2 = "a,b\n1,x\"y\n";
    expect_error(s2, strlen(s2), 2, 4, "stray quote");
    const char *s3 = "a,b\n1,\"x\"y\n";
    expect_error(s3, strlen(s3), 2, 6, "stray quote");
    const char *s4 = "a,b\n\xC3\xA9,caf\xE9\n";
    expect_error(s4, strlen(s4), 2, 6, "invalid UTF-8");
    const char *s5 = "a,b\n1,\"x\xC3\"\n"; /* a truncated sequence */
    expect_error(s5, strlen(s5), 2, 5, "invalid UTF-8");
    const char *s6 = "a,\xED\xA0\x80\n"; /* a surrogate */
    expect_error(s6, strlen(s6), 1, 3, "invalid UTF-8");
    const char s7[] = "a,b\n1,x\0y\n";
    expect_error(s7, sizeof s7 - 1, 2, 4, "NUL");
    const char *s8 = "\xFF\xFE"
                     "a,b\n"; /* UTF-16 */
    expect_error(s8, strlen(s8), 1, 1, "invalid UTF-8");
}

/* The error says which field of the record it is in (from 0), so a
 * caller that knows the header can name the column. */
static void test_errors_name_the_field(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"a,b,c\n1,2,caf\xE9\n", "2"}, /* a bad byte in the third field */
        {"a,b,c\n\"open,2,3\n", "0"},  /* a quote never closed, from the first */
        {"a,b,c\n1,x\"y,3\n", "1"},    /* a stray quote in the second */
        {"a,b\xFF,c\n", "1"},          /* in the header too */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        csv_reader r;
        char out[256];
        assert_int_equal(read_all(cases[i][0], strlen(cases[i][0]), out, sizeof out, &r), -1);
        assert_int_equal(r.error.field, (size_t)(cases[i][1][0] - '0'));
        csv_cleanup(&r);
    }
}

static void test_limits(void **state)
{
    (void)state;
    size_t n = LIMIT_CSV_FIELDS + 1;
    char *s = malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = 'x';
        s[2 * i + 1] = i + 1 < n ? ',' : '\n';
    }
    s[2 * n] = '\0';
    expect_error(s, strlen(s), 1, (unsigned)(2 * n - 1), "fields");
    free(s);

    size_t big = LIMIT_CSV_RECORD_BYTES + 10;
    s = malloc(big + 1);
    memset(s, 'y', big);
    s[big] = '\0';
    char out[8];
    csv_reader r;
    csv_init(&r, s, big);
    assert_int_equal(csv_next(&r), -1);
    assert_non_null(strstr(r.error.msg, "longer"));
    csv_cleanup(&r);
    (void)out;
    free(s);
}

static void test_field_text_survives_growth(void **state)
{
    (void)state;
    /* enough fields and bytes that the reader's buffers move mid-record */
    char s[8192];
    size_t o = 0;
    for (int i = 0; i < 200; i++)
        o += (size_t)snprintf(s + o, sizeof s - o, "%sfield-%03d", i ? "," : "", i);
    csv_reader r;
    csv_init(&r, s, o);
    assert_int_equal(csv_next(&r), 1);
    assert_int_equal(r.nfields, 200);
    assert_string_equal(r.fields[0].text, "field-000");
    assert_string_equal(r.fields[199].text, "field-199");
    assert_int_equal(r.fields[199].column, 199 * 10 + 1);
    csv_cleanup(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_fields),
        cmocka_unit_test(test_line_endings_and_empty_lines),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_utf8_and_bom),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_errors_name_line_and_column),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_field_text_survives_growth),
        cmocka_unit_test(test_errors_name_the_field),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
