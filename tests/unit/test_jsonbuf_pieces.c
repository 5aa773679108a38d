/* test_jsonbuf_pieces.c - jsonbuf_string and jsonbuf_integer write a
 * string or an integer exactly as json_dumps writes it, for a reply put
 * together piece by piece (GET /api/v1/me). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonbuf.h"

static void same_string(const char *s, size_t n)
{
    json_t *v = json_stringn(s, n);
    assert_non_null(v);
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    buf b;
    buf_init(&b, 1u << 20);
    assert_int_equal(jsonbuf_string(&b, s, n), 0);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    buf_cleanup(&b);
    free(want);
    json_decref(v);
}

static void test_strings(void **state)
{
    (void)state;
    same_string("", 0);
    same_string("plain", 5);
    const char *odd = "quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f del \x7f "
                      "é 李 \xf0\x9f\x98\x80 U+2028 \xe2\x80\xa8";
    same_string(odd, strlen(odd));
    char controls[32];
    for (int i = 0; i < 32; i++)
        controls[i] = (char)i;
    same_string(controls, sizeof controls); /* NUL inside included */
    char big[70000];
    memset(big, '"', sizeof big);
    same_string(big, sizeof big); /* past the scratch area's first size */
}

static void same_integer(json_int_t x)
{
    json_t *v = json_integer(x);
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    buf b;
    buf_init(&b, 64);
    assert_int_equal(jsonbuf_integer(&b, x), 0);
    assert_string_equal(b.data, want);
    buf_cleanup(&b);
    free(want);
    json_decref(v);
}

static void test_integers(void **state)
{
    (void)state;
    json_int_t xs[] = {0, 1, -1, 9, 10, 1234567890123LL, INT64_MAX, INT64_MIN, INT64_MIN + 1};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
        same_integer(xs[i]);
}

static void test_past_the_cap_leaves_the_buffer_as_it_was(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 8);
    assert_int_equal(buf_puts(&b, "{\"a\":"), 0);
    assert_int_equal(jsonbuf_string(&b, "toolong", 7), -1);
    assert_int_equal(jsonbuf_integer(&b, 1234567890), -1);
    assert_int_equal(b.len, 5);
    assert_int_equal(jsonbuf_integer(&b, 12), 0);
    assert_string_equal(b.data, "{\"a\":12");
    buf_cleanup(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_past_the_cap_leaves_the_buffer_as_it_was),
    };
    return cmocka_run_group_tests_name("jsonbuf pieces", tests, NULL, NULL);
}
