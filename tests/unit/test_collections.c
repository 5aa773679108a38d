/* test_collections.c - the generic containers of base/: the string pool,
 * the string hash table and the growable array. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/pool.h"
#include "base/strmap.h"
#include "base/vec.h"

static void test_pool_copies_and_terminates(void **state)
{
    (void)state;
    pool p = {0};
    char *a = pool_dup(&p, "hello world", 5);
    char *b = pool_strdup(&p, "second");
    assert_string_equal(a, "hello");
    assert_string_equal(b, "second");
    assert_ptr_equal(pool_strdup(&p, NULL), NULL);
    assert_string_equal(pool_dup(&p, "", 0), "");
    /* copies, not the caller's bytes */
    char src[] = "mutable";
    char *c = pool_strdup(&p, src);
    src[0] = 'X';
    assert_string_equal(c, "mutable");
    pool_cleanup(&p);
    assert_ptr_equal(p.chunks, NULL);
    pool_cleanup(&p); /* twice is fine */
    pool_cleanup(NULL);
}

static void test_pool_keeps_every_string_across_chunks(void **state)
{
    (void)state;
    pool p = {0};
    enum { N = 300000 }; /* several chunks' worth */
    char **kept = malloc(sizeof *kept * N);
    char text[32];
    for (int i = 0; i < N; i++) {
        int n = snprintf(text, sizeof text, "string-%d", i);
        kept[i] = pool_dup(&p, text, (size_t)n);
    }
    /* a string longer than a chunk gets one of its own and the current
     * chunk keeps filling */
    size_t big = POOL_CHUNK_BYTES + 10;
    char *long_src = malloc(big + 1);
    memset(long_src, 'x', big);
    long_src[big] = '\0';
    char *long_copy = pool_strdup(&p, long_src);
    char *after = pool_strdup(&p, "after");
    for (int i = 0; i < N; i += 997) {
        snprintf(text, sizeof text, "string-%d", i);
        assert_string_equal(kept[i], text);
    }
    assert_int_equal(strlen(long_copy), big);
    assert_string_equal(after, "after");
    assert_string_equal(kept[N - 1], "string-299999");
    free(long_src);
    free(kept);
    pool_cleanup(&p);
}

static void test_strmap_adds_finds_and_refuses_duplicates(void **state)
{
    (void)state;
    strmap m = {0};
    size_t v = 99;
    assert_false(strmap_get(&m, "absent", &v)); /* an empty map */
    assert_int_equal(v, 99);
    assert_true(strmap_add(&m, "ana@example.org", 0, NULL));
    assert_true(strmap_add(&m, "bo@example.org", 1, NULL));
    size_t old = 0;
    assert_false(strmap_add(&m, "ana@example.org", 7, &old));
    assert_int_equal(old, 0);
    assert_false(strmap_add(&m, "bo@example.org", 8, NULL));
    assert_true(strmap_get(&m, "bo@example.org", &v));
    assert_int_equal(v, 1);
    assert_false(strmap_get(&m, "Ana@example.org", &v)); /* keys are exact */
    assert_int_equal(m.len, 2);
    strmap_cleanup(&m);
    assert_false(strmap_get(&m, "ana@example.org", &v));
    strmap_cleanup(NULL);
}

static void test_strmap_grows_and_keeps_every_key(void **state)
{
    (void)state;
    strmap m = {0};
    pool keys = {0};
    enum { N = 100000 };
    char text[32];
    for (size_t i = 0; i < N; i++) {
        int n = snprintf(text, sizeof text, "person%zu@example.org", i);
        assert_true(strmap_add(&m, pool_dup(&keys, text, (size_t)n), i, NULL));
    }
    assert_int_equal(m.len, N);
    assert_true(m.nslots >= 2 * N);
    assert_int_equal(m.nslots & (m.nslots - 1), 0); /* a power of two */
    for (size_t i = 0; i < N; i++) {
        snprintf(text, sizeof text, "person%zu@example.org", i);
        size_t v = SIZE_MAX;
        assert_true(strmap_get(&m, text, &v));
        assert_int_equal(v, i);
    }
    assert_false(strmap_get(&m, "person100000@example.org", &(size_t){0}));
    strmap_cleanup(&m);
    pool_cleanup(&keys);
}

static void test_strmap_hash_is_fnv1a(void **state)
{
    (void)state;
    assert_true(strmap_hash("") == 14695981039346656037u);
    assert_true(strmap_hash("a") == 0xaf63dc4c8601ec8cu);
}

struct pair {
    int a;
    double b;
};

static void test_vec_pushes_zeroed_elements_and_grows(void **state)
{
    (void)state;
    VEC(struct pair) v = {0};
    for (int i = 0; i < 1000; i++) {
        struct pair *p = VEC_PUSH(&v);
        assert_int_equal(p->a, 0);
        assert_true(p->b == 0.0);
        p->a = i;
        p->b = i / 2.0;
    }
    assert_int_equal(v.len, 1000);
    assert_true(v.cap >= 1000 && v.cap < 2000);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(v.items[i].a, i);
    VEC_FREE(&v);
    assert_ptr_equal(v.items, NULL);
    assert_int_equal(v.len, 0);
    *VEC_PUSH(&v) = (struct pair){.a = 5};
    assert_int_equal(v.items[0].a, 5);
    VEC_FREE(&v);
}

static void test_vec_reserve_makes_room_at_once(void **state)
{
    (void)state;
    VEC(size_t) v = {0};
    vec_reserve((void **)&v.items, &v.cap, 5000, sizeof *v.items);
    assert_true(v.cap >= 5000);
    size_t cap = v.cap;
    for (size_t i = 0; i < 5000; i++)
        *VEC_PUSH(&v) = i;
    assert_int_equal(v.cap, cap);                                /* no move */
    vec_reserve((void **)&v.items, &v.cap, 10, sizeof *v.items); /* never shrinks */
    assert_int_equal(v.cap, cap);
    VEC_FREE(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_copies_and_terminates),
        cmocka_unit_test(test_pool_keeps_every_string_across_chunks),
        cmocka_unit_test(test_strmap_adds_finds_and_refuses_duplicates),
        cmocka_unit_test(test_strmap_grows_and_keeps_every_key),
        cmocka_unit_test(test_strmap_hash_is_fnv1a),
        cmocka_unit_test(test_vec_pushes_zeroed_elements_and_grows),
        cmocka_unit_test(test_vec_reserve_makes_room_at_once),
    };
    return cmocka_run_group_tests_name("collections", tests, NULL, NULL);
}
