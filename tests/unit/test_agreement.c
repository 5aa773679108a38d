/* test_agreement.c - the partnership agreement a relationship starts from,
 * filled in from the program's typed configuration (domain/agreement.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "base/clock.h"
#include "domain/agreement.h"

static struct program_config config(const char *text)
{
    json_t *in = json_loads(text, 0, NULL);
    struct program_config cfg;
    verr e = {0};
    if (program_config_normalize(in, NULL, &cfg, &e))
        fail_msg("%s: %s", e.field, e.msg);
    json_decref(in);
    return cfg;
}

static const char *field(const json_t *a, const char *key)
{
    return json_string_value(json_object_get(a, key));
}

static void test_defaults_follow_the_program(void **state)
{
    (void)state;
    struct program_config cfg = config("{\"meetings\": {\"frequency_per_month\": 1, "
                                       "\"length_minutes\": 45, \"modes\": [\"phone\", \"chat\"]},"
                                       " \"duration_months\": 9}");
    int64_t end = 0;
    assert_int_equal(clock_parse("2027-09-30", &end), 0);
    json_t *a = agreement_defaults(&cfg, end);
    assert_string_equal(field(a, "meeting_frequency"), "1 time a month, about 45 minutes each");
    assert_string_equal(field(a, "meeting_mode"), "By phone or by chat");
    assert_string_equal(field(a, "duration"), "9 months, until 2027-09-30");
    for (const char *const *f = agreement_fields; *f; f++)
        assert_non_null(field(a, *f));
    json_decref(a);
    program_config_cleanup(&cfg);
}

static void test_defaults_of_the_defaults(void **state)
{
    (void)state;
    struct program_config cfg = config("{}");
    json_t *a = agreement_defaults(&cfg, 0);
    assert_string_equal(field(a, "meeting_frequency"), "2 times a month, about 60 minutes each");
    assert_string_equal(field(a, "meeting_mode"), "By video or in person");
    assert_string_equal(field(a, "duration"), "12 months");
    json_decref(a);
    program_config_cleanup(&cfg);
}

static void test_edit_keeps_what_it_leaves_and_names_every_bad_field(void **state)
{
    (void)state;
    struct program_config cfg = config("{}");
    json_t *a = agreement_defaults(&cfg, 0), *next = NULL;
    json_t *in = json_pack("{s:s}", "goals_summary", "Lead a team");
    verr e = {0};
    assert_int_equal(agreement_edit(a, in, &next, &e), 0);
    assert_string_equal(field(next, "goals_summary"), "Lead a team");
    assert_string_equal(field(next, "boundaries"), field(a, "boundaries"));
    json_t *changed = agreement_changes(a, next);
    assert_int_equal(json_array_size(changed), 1);
    assert_string_equal(json_string_value(json_array_get(changed, 0)), "goals_summary");
    json_decref(changed);
    changed = agreement_changes(NULL, next);
    assert_int_equal(json_array_size(changed), 10);
    json_decref(changed);
    json_decref(next);
    json_decref(in);

    /* The protective clauses may not be emptied; every bad field is named. */
    in = json_pack("{s:s, s:s, s:i}", "confidentiality", "  \n", "no_fault_exit", "", "duration",
                   12);
    memset(&e, 0, sizeof e);
    next = NULL;
    assert_int_equal(agreement_edit(a, in, &next, &e), -1);
    assert_null(next);
    assert_int_equal(e.n, 3);
    const char *f, *m;
    assert_true(verr_at(&e, 0, &f, &m));
    assert_string_equal(e.field, "confidentiality");
    assert_true(verr_at(&e, 1, &f, &m));
    assert_string_equal(f, "duration");
    assert_true(verr_at(&e, 2, &f, &m));
    assert_string_equal(f, "no_fault_exit");
    json_decref(in);
    json_decref(a);
    program_config_cleanup(&cfg);
}

static void test_every_member_signs_the_current_version(void **state)
{
    (void)state;
    int64_t both[] = {3, 3}, one[] = {3, 2}, none[] = {0, 0};
    assert_true(agreement_signed_by_all(both, 2, 3));
    assert_false(agreement_signed_by_all(both, 2, 4)); /* edited: sign again */
    assert_false(agreement_signed_by_all(one, 2, 3));
    assert_false(agreement_signed_by_all(none, 2, 1));
    assert_false(agreement_signed_by_all(NULL, 0, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_follow_the_program),
        cmocka_unit_test(test_defaults_of_the_defaults),
        cmocka_unit_test(test_edit_keeps_what_it_leaves_and_names_every_bad_field),
        cmocka_unit_test(test_every_member_signs_the_current_version),
    };
    return cmocka_run_group_tests_name("agreement", tests, NULL, NULL);
}
