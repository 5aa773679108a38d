/* test_vec.c - base/vec: the lower bound of a key in an array sorted by
 * an int64_t member, against a linear scan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/vec.h"

struct row {
    char tag;
    int64_t id;
    int other;
};

/* The first index whose id is >= key, by walking the array. */
static size_t scan(const struct row *r, size_t n, int64_t key)
{
    size_t i = 0;
    while (i < n && r[i].id < key)
        i++;
    return i;
}

static void test_lower_bound_matches_a_scan(void **state)
{
    (void)state;
    /* Runs of equal keys, gaps, negative keys; every prefix length. */
    static const int64_t ids[] = {-7, -7, 0, 3, 3, 3, 8, 20, 21, 21, INT64_MAX};
    struct row r[sizeof ids / sizeof ids[0]];
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        r[i] = (struct row){'x', ids[i], (int)i};
    for (size_t n = 0; n <= sizeof ids / sizeof ids[0]; n++)
        for (int64_t key = -9; key <= 23; key++)
            assert_int_equal(vec_lower_bound(r, n, sizeof *r, offsetof(struct row, id), key),
                             scan(r, n, key));
    size_t n = sizeof ids / sizeof ids[0];
    assert_int_equal(vec_lower_bound(r, n, sizeof *r, offsetof(struct row, id), INT64_MIN), 0);
    assert_int_equal(vec_lower_bound(r, n, sizeof *r, offsetof(struct row, id), INT64_MAX), n - 1);
    assert_int_equal(vec_lower_bound(NULL, 0, sizeof *r, offsetof(struct row, id), 5), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lower_bound_matches_a_scan),
    };
    return cmocka_run_group_tests_name("vec", tests, NULL, NULL);
}
