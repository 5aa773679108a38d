/* test_match_json.c - reading and writing the engine's file contract. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "match/engine.h"
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

/* ---- the reader on two threads ---- */

/* a file of the contract over 1 MiB and 4,096 people: every kind of
 * attribute, choices, forbidden pairs, a line per person */
static char *big_text(size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    const size_t nr = 2000, ne = 12000;
    const char *langs[] = {"en", "fr", "de", "es", "hi", "zh", "ja"};
    fputs("{\"objective\": \"total\", \"mentors\": [\n", f);
    for (size_t r = 0; r < nr; r++)
        fprintf(
            f,
            "%s{\"id\": \"m%zu\", \"capacity\": %zu, \"attrs\": {\"skills\": [\"s%zu\", \"s%zu\"],"
            " \"lang\": \"%s\", \"tz\": %zu, \"v\": [%zu, 1.5, %zu]}}\n",
            r ? "," : "", r, 1 + r % 4, r % 97, (r * 7) % 131, langs[r % 7], r % 24, r % 5, r % 3);
    fputs("],\n\"mentees\": [\n", f);
    for (size_t e = 0; e < ne; e++) {
        fprintf(f,
                "%s{\"id\": \"e%zu\", \"wants\": %zu, \"choices\": [\"m%zu\", \"m%zu\"],"
                " \"attrs\": {\"needs\": [\"s%zu\", \"n%zu\"], \"lang\": \"%s\", \"tz\": %zu,"
                " \"v\": [%zu, 2, 0.25]%s}}\n",
                e ? "," : "", e, 1 + e % 3, e % nr, (e * 13 + 1) % nr, e % 151, e % 211,
                langs[e % 5], (e * 5) % 24, e % 7, e % 1000 == 999 ? ", \"none\": []" : "");
    }
    fputs("],\n\"criteria\": [{\"kind\": \"overlap\", \"mentee_field\": \"needs\","
          " \"mentor_field\": \"skills\"}, {\"kind\": \"same\", \"field\": \"lang\"},"
          " {\"kind\": \"distance\", \"field\": \"tz\", \"scale\": 6},"
          " {\"kind\": \"similarity\", \"field\": \"v\"}],\n\"forbidden\": [\n",
          f);
    for (size_t e = 0; e < ne; e += 3)
        fprintf(f, "%s[\"e%zu\", \"m%zu\"]\n", e ? "," : "", e, (e * 3) % nr);
    fputs("]\n}\n", f);
    fclose(f);
    char *text = malloc(*len + 1); /* a copy, out of the stream's hands */
    memcpy(text, buf, *len + 1);
    free(buf);
    return text;
}

static void write_text(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* the two instances hold the same people, fields, strings, attributes,
 * choices, criteria and pairs, numbered alike */
static void same_instance(const match_instance *a, const match_instance *b)
{
    for (int s = 0; s < 2; s++) {
        assert_int_equal(a->n[s], b->n[s]);
        for (size_t i = 0; i < a->n[s]; i++) {
            assert_string_equal(a->ids[s][i], b->ids[s][i]);
            assert_int_equal(a->count[s][i], b->count[s][i]);
        }
        assert_int_equal(a->nattrs[s], b->nattrs[s]);
        for (size_t i = 0; i < a->nattrs[s]; i++) {
            const match_attr *x = &a->attrs[s][i], *y = &b->attrs[s][i];
            assert_int_equal(x->person, y->person);
            assert_int_equal(x->field, y->field);
            assert_int_equal(x->type, y->type);
            assert_int_equal(x->n, y->n);
            assert_int_equal(x->str, y->str);
            assert_memory_equal(&x->num, &y->num, sizeof x->num);
            if (x->type == FT_TAGS && x->n)
                assert_memory_equal(x->tags, y->tags, x->n * sizeof *x->tags);
            if (x->type == FT_VECTOR && x->n)
                assert_memory_equal(x->vec, y->vec, x->n * sizeof *x->vec);
        }
    }
    assert_int_equal(a->nfields, b->nfields);
    for (size_t f = 0; f < a->nfields; f++) {
        assert_string_equal(a->field_names[f], b->field_names[f]);
        assert_int_equal(a->field_types[f], b->field_types[f]);
    }
    assert_int_equal(a->nstrings, b->nstrings);
    for (size_t i = 0; i < a->strings.size; i++)
        if (a->strings.slots[i].key)
            assert_int_equal(match_strmap_get(&b->strings, a->strings.slots[i].key),
                             a->strings.slots[i].val);
    for (size_t e = 0; e < a->n[MATCH_MENTEE]; e++) {
        assert_int_equal(a->nchoices[e], b->nchoices[e]);
        if (a->nchoices[e])
            assert_memory_equal(a->choices[e], b->choices[e], a->nchoices[e] * sizeof(uint32_t));
    }
    assert_int_equal(a->ncrit, b->ncrit);
    for (size_t c = 0; c < a->ncrit; c++)
        assert_string_equal(a->crit[c].name, b->crit[c].name);
    assert_int_equal(a->nforbidden, b->nforbidden);
    if (a->nforbidden)
        assert_memory_equal(a->forbidden, b->forbidden, a->nforbidden * sizeof *a->forbidden);
    assert_int_equal(a->nlocked, b->nlocked);
}

/* the file read on two threads and on one: the same instance, or the
 * same message; returns whether it was read */
static bool agree(const char *path, const char *text, size_t len)
{
    char e1[512], e2[512];
    match_instance *a = NULL, *b = NULL;
    write_text(path, text, len);
    int r2 = match_json_read_threads(path, 2, &a, e2, sizeof e2);
    int r1 = match_json_read_threads(path, 1, &b, e1, sizeof e1);
    assert_int_equal(r1, r2);
    if (r1)
        assert_string_equal(e1, e2);
    else
        same_instance(a, b);
    match_instance_free(a);
    match_instance_free(b);
    return r1 == 0;
}

static void test_two_threads(void **state)
{
    (void)state;
    char path[] = "/tmp/test-match-json-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    size_t len;
    char *text = big_text(&len);
    assert_true(len > (1u << 20));
    assert_true(agree(path, text, len));

    /* where the second thread starts: the first '{' after the middle that
     * follows a "," */
    char *mid = strstr(text + len / 2, ",{") + 1;
    char *copy = malloc(len + 1);
    size_t refused_n = 0, tried = 0;
    /* one byte spoilt at a time: across the file, densely around the
     * split, in the last members after the mentees (the forbidden pairs),
     * and just before the end */
    const char bad[] = {'#', '"', '\n', '}', ','};
    for (size_t k = 0; k < 90; k++) {
        size_t at = k < 20   ? len / 20 * k + 17
                    : k < 70 ? (size_t)(mid - text) - 150 + (k - 20) * 6
                    : k < 85 ? len - 40000 + (k - 70) * 2603
                             : len - 1 - (k - 85);
        memcpy(copy, text, len);
        copy[at] = bad[k % 5];
        tried++;
        refused_n += !agree(path, copy, len);
    }
    assert_true(refused_n > tried / 2); /* most spoilt bytes are refused */

    /* problems of the people and pairs, before, at and after the split:
     * mutations of the text that keep it JSON */
    struct {
        const char *find, *put;
        const char *want;
    } cases[] = {
        {"\"id\": \"e7000\", \"wants\": 2", "\"id\": \"e7000\", \"wants\": -2",
         ": mentees[7000].wants: must be >= 0"},
        {"\"id\": \"e11999\",", "\"id\": \"e11998\",", "mentees[11999].id: duplicate id"},
        {"\"id\": \"e500\", \"wants\": 3", "\"id\": \"e500\", \"wants\": 3, \"x\": 1",
         "mentees[500].x: unknown key"},
        {"\"id\": \"e9000\", \"wants\": 1, \"choices\": [\"m1000\"",
         "\"id\": \"e9000\", \"wants\": 1, \"choices\": [\"zz\"",
         "mentees[9000].choices[0]: unknown mentor \"zz\""},
        {"\"id\": \"e8000\", \"wants\": 3, \"choices\": [\"m0\", \"m1\"",
         "\"id\": \"e8000\", \"wants\": 3, \"choices\": [\"m0\", \"m0\"",
         "mentees[8000].choices: a mentor is listed twice"},
        {"\"lang\": \"de\", \"tz\": 18, \"v\": [6, 2, 0.25]}}\n,{\"id\": \"e10003\"",
         "\"lang\": 4, \"tz\": 18, \"v\": [6, 2, 0.25]}}\n,{\"id\": \"e10003\"",
         "mentees[10002].attrs.lang: must be a string, like elsewhere"},
        {"\"tz\": 2, \"v\": [2, 1.5, 2]", "\"tz\": \"x\", \"v\": [2, 1.5, 2]",
         "mentors[2].attrs.tz: must be a number, like elsewhere"},
        {"\"tz\": 7, \"v\": [6, 2, 0.25]}}\n,{\"id\": \"e9996\"",
         "\"tz\": 7, \"v\": [6, 2, 0.25], \"needs\": 1}}\n,{\"id\": \"e9996\"",
         "duplicate object key \"needs\""},
        {"[\"e11997\", \"m1991\"]", "[\"e11997\", \"m99999\"]",
         "forbidden[3999]: unknown mentor \"m99999\""},
        {"{\"id\": \"e6001\", \"wants\": 2", "[{\"id\": \"e6001\", \"wants\": 2}", NULL},
        {"{\"id\": \"e10\", \"wants\": 2, \"choices\": [\"m10\", \"m131\"], \"attrs\": "
         "{\"needs\": [\"s10\", \"n10\"], \"lang\": \"en\", \"tz\": 2, \"v\": [3, 2, 0.25]}}",
         "7", "mentees[10]: must be an object"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char *at = strstr(text, cases[c].find);
        if (!at)
            fail_msg("case %zu: \"%s\" not in the text", c, cases[c].find);
        size_t fl = strlen(cases[c].find), pl = strlen(cases[c].put), off = (size_t)(at - text);
        char *m = malloc(len - fl + pl + 1);
        memcpy(m, text, off);
        memcpy(m + off, cases[c].put, pl);
        memcpy(m + off + pl, at + fl, len - off - fl);
        size_t ml = len - fl + pl;
        m[ml] = 0;
        char e1[512];
        match_instance *in = NULL;
        bool ok = agree(path, m, ml);
        if (cases[c].want) {
            assert_false(ok);
            assert_int_equal(match_json_read_threads(path, 2, &in, e1, sizeof e1), -1);
            if (!strstr(e1, cases[c].want))
                fail_msg("case %zu: \"%s\" lacks \"%s\"", c, e1, cases[c].want);
        }
        free(m);
    }
    free(copy);
    free(text);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults), cmocka_unit_test(test_missing_fields),
        cmocka_unit_test(test_refusals), cmocka_unit_test(test_write_file),
        cmocka_unit_test(test_long_ids), cmocka_unit_test(test_two_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
