/* test_agreement.c - the partnership agreement a relationship starts from,
 * filled in from the program's typed configuration (domain/agreement.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_follow_the_program),
        cmocka_unit_test(test_defaults_of_the_defaults),
    };
    return cmocka_run_group_tests_name("agreement", tests, NULL, NULL);
}
