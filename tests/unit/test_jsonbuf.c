/* test_jsonbuf.c - base/jsonbuf writes exactly what jansson's
 * json_dumps(JSON_COMPACT) writes, for every kind of value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonbuf.h"

/* v (reference stolen) as jsonbuf writes it equals json_dumps's text. */
static void same(json_t *v)
{
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    assert_non_null(want);
    buf b;
    buf_init(&b, 1u << 20);
    assert_int_equal(jsonbuf_value(&b, v), 0);
    if (strcmp(b.data, want) != 0)
        fail_msg("jsonbuf wrote %s where jansson writes %s", b.data, want);
    buf_cleanup(&b);
    free(want);
    json_decref(v);
}

static void test_scalars(void **state)
{
    (void)state;
    same(json_true());
    same(json_false());
    same(json_null());
    const json_int_t ints[] = {0, 1, -1, 42, -987654321, INT64_MAX, INT64_MIN, 1000000000000LL};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        same(json_integer(ints[i]));
    const double reals[] = {0.0,       -0.0,
                            1.0,       -2.0,
                            0.5,       0.1,
                            1.0 / 3.0, 1e5,
                            1e16,      1e17,
                            1e20,      1e100,
                            1e-5,      1.25e-7,
                            -3.5e-300, DBL_MAX,
                            DBL_MIN,   123456789.125,
                            2.5e15,    7e22,
                            1e-10,     9007199254740993.0};
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        same(json_real(reals[i]));
}

static void test_strings(void **state)
{
    (void)state;
    const char *texts[] = {"",
                           "plain",
                           "quote \" and backslash \\ and slash /",
                           "line\nbreak\rreturn\ttab",
                           "\b\f\x01\x1f\x7f",
                           "Ünïcödé ✓ 𝄞 日本語",
                           "Leads teams, \"calmly\""};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        same(json_string(texts[i]));
    same(json_stringn("nul\0inside", 10)); /* jansson escapes it as \u0000 */
}

static void test_containers_keep_their_order(void **state)
{
    (void)state;
    same(json_array());
    same(json_object());
    same(json_pack("[s, i, f, b, n, [], {}]", "a", 1, 2.5, 1));
    json_t *o = json_object();
    const char *keys[] = {"zeta", "alpha", "mid", "k\"ey", "ünï"};
    for (size_t i = 0; i < 5; i++)
        json_object_set_new(o, keys[i], json_integer((json_int_t)i));
    json_object_set_new(
        o, "nested",
        json_pack("{s:[s,s], s:{s:f}}", "languages", "English", "Portuguese", "inner", "x", 0.25));
    same(o);
}

static void test_a_profile_as_the_import_writes_it(void **state)
{
    (void)state;
    json_t *p = json_pack("{s:s, s:s, s:[s,s], s:[s], s:s, s:i, s:f, s:i, s:s}", "department",
                          "Engineering", "location", "Lisbon", "languages", "English", "Portuguese",
                          "expertise", "leadership", "learning_style", "visual", "utc_offset", 1,
                          "years_experience", 12.5, "job_level", 12, "bio",
                          "Leads teams, \"calmly\"\nand\\well");
    same(p);
}

static void test_the_cap_is_kept(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 8);
    json_t *v = json_string("longer than eight bytes");
    assert_int_equal(buf_puts(&b, "[1]"), 0);
    assert_int_equal(jsonbuf_value(&b, v), -1);
    assert_string_equal(b.data, "[1]"); /* unchanged */
    json_decref(v);
    buf_cleanup(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_containers_keep_their_order),
        cmocka_unit_test(test_a_profile_as_the_import_writes_it),
        cmocka_unit_test(test_the_cap_is_kept),
    };
    return cmocka_run_group_tests_name("jsonbuf", tests, NULL, NULL);
}
