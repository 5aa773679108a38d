/* test_match_json.c - reading and writing the engine's file contract. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "match/match.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char err[512];

static int rd(const char *text, match_instance **in)
{
    return match_json_read_string(text, "in.json", in, err, sizeof err);
}

static void refused(const char *text, const char *want)
{
    match_instance *in = (match_instance *)1;
    assert_int_equal(rd(text, &in), -1);
    assert_null(in);
    if (!strstr(err, want))
        fail_msg("message \"%s\" lacks \"%s\"", err, want);
    assert_null(strchr(err, '\n'));
}

static void test_defaults(void **state)
{
    (void)state;
    match_instance *in;
    assert_int_equal(rd("{\"mentors\": [{\"id\": \"m\"}], \"mentees\": [{\"id\": \"e\"}],"
                        " \"scores\": [[\"e\", \"m\", 0.4]]}",
                        &in),
                     0);
    assert_int_equal(match_get_objective(in), MATCH_TOTAL);
    match_result *r;
    assert_int_equal(match_solve(in, NULL, &r, err, sizeof err), 0);
    assert_int_equal(r->npairs, 1); /* wants and capacity default to 1 */
    char *s = match_json_dumps(in, r);
    json_error_t je;
    json_t *o = json_loads(s, 0, &je);
    assert_non_null(o);
    json_t *m = json_array_get(json_object_get(o, "matches"), 0);
    assert_string_equal(json_string_value(json_object_get(m, "mentee")), "e");
    assert_true(json_real_value(json_object_get(json_object_get(m, "explain"), "score")) == 0.4);
    assert_true(json_is_true(json_object_get(json_object_get(o, "stats"), "optimal")));
    json_decref(o);
    free(s);
    match_result_free(r);
    match_instance_free(in);
}

static void test_missing_fields(void **state)
{
    (void)state;
    /* attrs missing on one side score 0 for that criterion, not an error */
    match_instance *in;
    assert_int_equal(rd("{\"mentors\": [{\"id\": \"m\", \"attrs\": {\"tz\": 1}}],"
                        " \"mentees\": [{\"id\": \"e\"}],"
                        " \"criteria\": [{\"kind\": \"distance\", \"field\": \"tz\","
                        " \"scale\": 4}, {\"kind\": \"same\", \"field\": \"city\"}]}",
                        &in),
                     0);
    match_result *r;
    assert_int_equal(match_solve(in, NULL, &r, err, sizeof err), 0);
    assert_int_equal(r->npairs, 1);
    assert_true(r->pairs[0].score == 0.0);
    assert_string_equal(r->crit_names[0], "tz"); /* a criterion is named by its field */
    match_result_free(r);
    match_instance_free(in);
}

static void test_refusals(void **state)
{
    (void)state;
    refused("{\"mentors\": [\n  {\"id\": \"m\",}\n]}", "in.json:2:");
    refused("[]", "must be an object");
    refused("{\"mentors\": [], \"mentees\": [], \"criteria\": [], \"x\": 1}", "x: unknown key");
    refused("{\"mentors\": [{\"id\": \"m\", \"capacity\": -3}], \"mentees\": [],"
            " \"scores\": []}",
            "in.json: mentors[0].capacity: must be >= 0");
    refused("{\"mentors\": [], \"mentees\": [{\"id\": \"e\", \"wants\": \"2\"}],"
            " \"scores\": []}",
            "mentees[0].wants: must be an integer");
    refused("{\"mentors\": [{\"id\": 7}], \"mentees\": [], \"scores\": []}",
            "mentors[0].id: must be a non-empty string");
    refused("{\"mentors\": [], \"mentees\": []}", "give either scores or criteria");
    refused("{\"mentors\": [], \"mentees\": [], \"scores\": [], \"criteria\": []}", "not both");
    refused("{\"mentors\": [{\"id\": \"m\"}], \"mentees\": [{\"id\": \"e\"}],"
            " \"scores\": [[\"e\", \"q\", 0.5]]}",
            "scores[0]: unknown mentor \"q\"");
    refused("{\"mentors\": [{\"id\": \"m\"}], \"mentees\": [{\"id\": \"e\"}],"
            " \"scores\": [[\"e\", \"m\"]]}",
            "scores[0]: must be [mentee id, mentor id, score]");
    refused("{\"mentors\": [], \"mentees\": [], \"criteria\": [{\"kind\": \"x\","
            " \"field\": \"f\"}]}",
            "criteria[0].kind: unknown kind");
    refused("{\"mentors\": [], \"mentees\": [], \"criteria\": [{\"kind\": \"same\","
            " \"field\": \"f\", \"weight\": -2}]}",
            "criteria[0].weight: must be a number >= 0");
    /* weights whose sum overflows scored every pair 0 (and a lock "below min_score") */
    refused("{\"mentors\": [], \"mentees\": [], \"criteria\": [{\"kind\": \"same\","
            " \"field\": \"f\", \"weight\": 1e308}, {\"kind\": \"same\", \"field\": \"g\","
            " \"weight\": 1e308}]}",
            "criteria[0].weight: must be at most 1000000");
    refused("{\"mentors\": [], \"mentees\": [], \"criteria\": [{\"kind\": \"same\","
            " \"field\": \"f\", \"weight\": 1000000.5}]}",
            "criteria[0].weight: must be at most 1000000");
    refused("{\"mentors\": [], \"mentees\": [], \"criteria\": [{\"kind\": \"same\","
            " \"field\": \"f\", \"required\": 1}]}",
            "criteria[0].required: must be true or false");
    refused("{\"mentors\": [{\"id\": \"m\", \"attrs\": {\"a\": [1, \"x\"]}}], \"mentees\": [],"
            " \"scores\": []}",
            "mentors[0].attrs.a: must be a list of strings or a list of numbers");
    refused("{\"mentors\": [{\"id\": \"m\", \"attrs\": {\"a\": true}}], \"mentees\": [],"
            " \"scores\": []}",
            "mentors[0].attrs.a: must be");
    refused("{\"mentors\": [], \"mentees\": [], \"scores\": [], \"objective\": \"max\"}",
            "objective: must be");
    refused("{\"mentors\": [{\"id\": \"m\"}, {\"id\": \"m\"}], \"mentees\": [], \"scores\": []}",
            "mentors[1].id: duplicate id \"m\"");
    refused("{\"mentors\": [], \"mentees\": [], \"scores\": [], \"scores\": []}", "duplicate");
}

static void test_write_file(void **state)
{
    (void)state;
    match_instance *in;
    assert_int_equal(rd("{\"mentors\": [{\"id\": \"m\"}], \"mentees\": [{\"id\": \"e\"}],"
                        " \"scores\": [[\"e\", \"m\", 0.25]], \"objective\": \"fair\"}",
                        &in),
                     0);
    match_result *r;
    assert_int_equal(match_solve(in, NULL, &r, err, sizeof err), 0);
    char path[] = "/tmp/test_match_json_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(match_json_write(in, r, path, err, sizeof err), 0);
    json_error_t je;
    json_t *o = json_load_file(path, 0, &je);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "objective")), "fair");
    json_decref(o);
    unlink(path);
    /* a folder that does not exist: an error, not a crash */
    assert_int_equal(match_json_write(in, r, "/nonexistent/dir/out.json", err, sizeof err), -1);
    match_result_free(r);
    match_instance_free(in);
}

/* ids are looked up by their first 16 bytes in the map's slot: ids that
 * share those bytes, and ids on either side of that length, stay apart */
static void test_long_ids(void **state)
{
    (void)state;
    const char *ids[] = {"abcdefghijklmno",     /* 15: the whole key in the slot */
                         "abcdefghijklmnop",    /* 16 */
                         "abcdefghijklmnopq",   /* 17 */
                         "abcdefghijklmnopqr1", /* the same first 16 bytes */
                         "abcdefghijklmnopqr2", "abcdefghijklmnopqr2-and-then-some-more", "a"};
    size_t n = sizeof ids / sizeof ids[0];
    match_instance *in = match_instance_new();
    for (size_t i = 0; i < n; i++) {
        size_t idx;
        assert_int_equal(match_add_mentor(in, ids[i], 1, &idx, err, sizeof err), 0);
        assert_int_equal(idx, i);
    }
    for (size_t i = 0; i < n; i++) {
        size_t idx;
        assert_int_equal(match_find(in, MATCH_MENTOR, ids[i]), (long)i);
        assert_int_not_equal(match_add_mentor(in, ids[i], 1, &idx, err, sizeof err), 0);
        assert_non_null(strstr(err, "duplicate id"));
    }
    assert_int_equal(match_find(in, MATCH_MENTOR, "abcdefghijklmnopqr3"), -1);
    assert_int_equal(match_find(in, MATCH_MENTOR, "abcdefghijklmnopqr2-and-then-some"), -1);
    assert_int_equal(match_find(in, MATCH_MENTOR, "abcdefghijklmn"), -1);
    /* and through the file: a mentee chooses the 17-byte one */
    match_instance_free(in);
    assert_int_equal(rd("{\"mentors\": [{\"id\": \"abcdefghijklmnopqr1\"},"
                        " {\"id\": \"abcdefghijklmnopqr2\"}],"
                        " \"mentees\": [{\"id\": \"e\"}],"
                        " \"scores\": [[\"e\", \"abcdefghijklmnopqr2\", 0.5],"
                        " [\"e\", \"abcdefghijklmnopqr1\", 0.25]]}",
                        &in),
                     0);
    match_result *r;
    assert_int_equal(match_solve(in, NULL, &r, err, sizeof err), 0);
    assert_int_equal(r->npairs, 1);
    assert_string_equal(match_mentor_id(in, r->pairs[0].mentor), "abcdefghijklmnopqr2");
    match_result_free(r);
    match_instance_free(in);
    refused("{\"mentors\": [{\"id\": \"abcdefghijklmnopqr1\"}, {\"id\": \"abcdefghijklmnopqr1\"}],"
            " \"mentees\": [{\"id\": \"e\"}], \"scores\": []}",
            "duplicate");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults), cmocka_unit_test(test_missing_fields),
        cmocka_unit_test(test_refusals), cmocka_unit_test(test_write_file),
        cmocka_unit_test(test_long_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
