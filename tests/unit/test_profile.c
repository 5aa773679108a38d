/* test_profile.c - profiles (domain/profile.h): every bad field named,
 * the limits of base/limits.h, the UTC offset derived from the time zone,
 * the program's pick-lists and questionnaires, and the fields a program
 * asks or requires. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "domain/profile.h"
#include "domain/program.h"

static json_t *obj(const char *text)
{
    json_t *o = json_loads(text, 0, NULL);
    assert_non_null(o);
    return o;
}

static int64_t july(void)
{
    int64_t t;
    assert_int_equal(clock_parse("2026-07-15T12:00:00Z", &t), 0);
    return t;
}

static const char *field_at(const verr *e, int i)
{
    const char *f, *m;
    return verr_at(e, i, &f, &m) ? f : NULL;
}

static void test_every_bad_field_is_named(void **state)
{
    (void)state;
    json_t *in = obj("{\"languages\": [\"en\", 4], \"location\": \"\", \"job_level\": 99, "
                     "\"time_zone\": \"Mars/Base\", \"shoe\": 42, \"bio\": \"hi\"}");
    verr e = VERR_COLLECT;
    json_t *out = (json_t *)1;
    assert_int_equal(profile_validate(in, "profile", july(), &out, &e), -1);
    assert_null(out);
    assert_int_equal(v_count(&e), 5);
    const char *want[] = {"profile.languages[1]", "profile.location", "profile.job_level",
                          "profile.time_zone", "profile.shoe"};
    for (int i = 0; i < 5; i++) {
        bool seen = false;
        for (int k = 0; k < 5; k++)
            seen = seen || strcmp(field_at(&e, k), want[i]) == 0;
        assert_true(seen);
    }
    json_decref(in);
}

static void test_limits_come_from_limits_h(void **state)
{
    (void)state;
    char big[LIMIT_PROFILE_VALUE_BYTES + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    json_t *in = json_pack("{s:s}", "department", big);
    verr e = VERR_COLLECT;
    json_t *out;
    assert_int_equal(profile_validate(in, "", july(), &out, &e), -1);
    assert_string_equal(e.field, "department");
    big[LIMIT_PROFILE_VALUE_BYTES] = '\0'; /* exactly the limit */
    json_object_set_new(in, "department", json_string(big));
    verr ok = VERR_COLLECT;
    assert_int_equal(profile_validate(in, "", july(), &out, &ok), 0);
    json_decref(out);
    json_decref(in);
    json_t *tags = json_array();
    for (int i = 0; i <= LIMIT_PROFILE_TAGS; i++)
        json_array_append_new(tags, json_string("t"));
    in = json_pack("{s:o}", "expertise", tags);
    verr many = VERR_COLLECT;
    assert_int_equal(profile_validate(in, "", july(), &out, &many), -1);
    assert_string_equal(many.field, "expertise");
    json_decref(in);
}

static void test_the_offset_follows_the_zone(void **state)
{
    (void)state;
    json_t *out;
    verr e = VERR_COLLECT;
    /* Summer in Lisbon is UTC+1, but the standard offset, 0, is kept: two
     * people in one zone never differ by the season they saved in. */
    json_t *in = obj("{\"time_zone\": \"Europe/Lisbon\", \"utc_offset\": 9}");
    assert_int_equal(profile_validate(in, "", july(), &out, &e), 0);
    assert_true(json_number_value(json_object_get(out, "utc_offset")) == 0);
    json_decref(out);
    json_decref(in);
    in = obj("{\"time_zone\": \"Asia/Kolkata\"}");
    assert_int_equal(profile_validate(in, "", july(), &out, &e), 0);
    assert_true(json_number_value(json_object_get(out, "utc_offset")) == 5.5);
    json_decref(out);
    json_decref(in);
    in = obj("{\"time_zone\": \"America/New_York\"}");
    assert_int_equal(profile_validate(in, "", july(), &out, &e), 0);
    assert_true(json_number_value(json_object_get(out, "utc_offset")) == -5);
    json_decref(out);
    json_decref(in);
    /* Clearing the zone clears the offset derived from it; without a zone
     * a given offset stays (an import's). */
    in = obj("{\"time_zone\": null, \"utc_offset\": 3}");
    assert_int_equal(profile_validate(in, "", july(), &out, &e), 0);
    assert_null(json_object_get(out, "utc_offset"));
    json_decref(out);
    json_decref(in);
    in = obj("{\"utc_offset\": 3}");
    assert_int_equal(profile_validate(in, "", july(), &out, &e), 0);
    assert_true(json_number_value(json_object_get(out, "utc_offset")) == 3);
    json_decref(out);
    json_decref(in);
    assert_false(v_failed(&e));
}

static struct program_config program(const char *text)
{
    json_t *in = obj(text);
    struct program_config cfg;
    verr e = {0};
    if (program_config_normalize(in, NULL, &cfg, &e))
        fail_msg("%s: %s", e.field, e.msg);
    json_decref(in);
    return cfg;
}

static void test_the_programs_choices(void **state)
{
    (void)state;
    struct program_config cfg =
        program("{\"selection\": {\"profile_fields\": {"
                "\"expertise\": {\"options\": [\"SQL\", \"Python\"]},"
                "\"languages\": {\"options\": [\"English\"], \"other\": true},"
                "\"department\": {\"options\": [\"Sales\", \"IT\"]},"
                "\"personality\": {\"questions\": [{\"label\": \"A\"}, {\"label\": \"B\"}], "
                "\"scale\": 5}}}}");
    json_t *good = obj("{\"expertise\": [\"SQL\"], \"languages\": [\"English\", \"Basque\"], "
                       "\"department\": \"IT\", \"personality\": [1, 5]}");
    verr e = VERR_COLLECT;
    assert_int_equal(profile_check_program(good, &cfg, "profile", &e), 0);
    assert_false(v_failed(&e));
    json_t *bad = obj("{\"expertise\": [\"SQL\", \"Sequel\"], \"languages\": [\"Klingon\"], "
                      "\"department\": \"Legal\", \"personality\": [1, 6]}");
    assert_int_equal(profile_check_program(bad, &cfg, "profile", &e), -1);
    /* Free text where the program allows it (languages); the rest named. */
    assert_int_equal(v_count(&e), 3);
    assert_string_equal(e.field, "profile.expertise[1]");
    assert_string_equal(field_at(&e, 1), "profile.department");
    assert_string_equal(field_at(&e, 2), "profile.personality[1]");
    json_t *short_answers = obj("{\"personality\": [3]}");
    verr s = VERR_COLLECT;
    assert_int_equal(profile_check_program(short_answers, &cfg, "", &s), -1);
    assert_string_equal(s.field, "personality");
    json_decref(short_answers);
    json_decref(good);
    json_decref(bad);
    program_config_cleanup(&cfg);
}

static void test_asked_and_required_fields(void **state)
{
    (void)state;
    json_t *criteria =
        obj("[{\"kind\": \"overlap\", \"mentee_field\": \"development_needs\", \"mentor_field\": "
            "\"expertise\", \"required\": false},"
            " {\"kind\": \"shared\", \"field\": \"languages\", \"required\": true},"
            " {\"kind\": \"same\", \"field\": \"track\", \"required\": true}]");
    json_t *asked = profile_asked_fields(criteria, "mentee");
    json_t *required = profile_required_fields(criteria, "mentee");
    assert_int_equal(json_array_size(asked), 2);
    assert_int_equal(json_array_size(required), 1); /* track is a question, not a profile field */
    assert_string_equal(json_string_value(json_array_get(required, 0)), "languages");
    json_t *mentor = profile_asked_fields(criteria, "mentor");
    assert_string_equal(json_string_value(json_array_get(mentor, 0)), "expertise");
    json_t *p = obj("{\"languages\": [\"en\"], \"development_needs\": []}");
    assert_true(profile_completeness(p, criteria, "mentee") == 0.5);
    json_decref(p);
    json_decref(mentor);
    json_decref(asked);
    json_decref(required);
    json_decref(criteria);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_bad_field_is_named),
        cmocka_unit_test(test_limits_come_from_limits_h),
        cmocka_unit_test(test_the_offset_follows_the_zone),
        cmocka_unit_test(test_the_programs_choices),
        cmocka_unit_test(test_asked_and_required_fields),
    };
    return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
