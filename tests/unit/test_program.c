/* test_program.c - a program's configuration (domain/program.h): the
 * normaliser's defaults and bounds, the typed view of a stored document,
 * and the wants rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "domain/program.h"

static struct program_config normalized(const char *text)
{
    json_t *in = json_loads(text, 0, NULL);
    assert_non_null(in);
    struct program_config cfg;
    verr e = {0};
    if (program_config_normalize(in, NULL, &cfg, &e))
        fail_msg("%s: %s", e.field, e.msg);
    json_decref(in);
    return cfg;
}

/* The field a refused configuration names. */
static const char *refused(const char *text, verr *e)
{
    json_t *in = json_loads(text, 0, NULL);
    assert_non_null(in);
    struct program_config cfg;
    assert_int_equal(program_config_normalize(in, NULL, &cfg, e), -1);
    assert_null(cfg.doc);
    json_decref(in);
    return e->field;
}

static void test_defaults(void **state)
{
    (void)state;
    struct program_config cfg = normalized("{}");
    assert_int_equal(cfg.selection.access, PROGRAM_APPROVAL);
    assert_int_equal(cfg.selection.default_capacity, 2);
    assert_int_equal(cfg.selection.default_wants, 1);
    assert_int_equal(cfg.matching.mode, PROGRAM_MATCH_ADMIN);
    assert_int_equal(cfg.matching.relationship_type, PROGRAM_ONE_TO_ONE);
    assert_string_equal(cfg.matching.objective, "total");
    assert_true(cfg.matching.power_differential_rule);
    assert_int_equal(cfg.matching.max_mentors_per_mentee, 1);
    assert_int_equal(cfg.matching.request_expiry_days, 7);
    assert_int_equal(json_array_size(cfg.matching.criteria), 2);
    assert_true(cfg.training.required_before_matching);
    assert_int_equal(cfg.meetings.frequency_per_month, 2);
    assert_int_equal(cfg.meetings.length_minutes, 60);
    assert_int_equal(cfg.goals.count, 3);
    assert_string_equal(cfg.phases.template_name, "zachary");
    assert_int_equal(cfg.phases.count, 4);
    assert_string_equal(json_string_value(json_object_get(program_phase(&cfg, 0), "name")),
                        "Preparation");
    assert_null(program_phase(&cfg, 4));
    assert_null(program_phase(&cfg, -1));
    assert_int_equal(cfg.duration_months, 12);
    assert_int_equal(cfg.renewals, 1);
    /* The document holds the same, for the store and the API. */
    assert_int_equal(json_integer_value(json_object_get(json_object_get(cfg.doc, "matching"),
                                                        "request_expiry_days")),
                     7);
    program_config_cleanup(&cfg);
    program_config_cleanup(&cfg); /* twice is harmless */
    program_config_cleanup(NULL);
}

static void test_typed_fields_follow_the_input(void **state)
{
    (void)state;
    struct program_config cfg = normalized(
        "{\"selection\": {\"access\": \"invite_only\", \"default_wants\": 2},"
        " \"matching\": {\"mode\": \"self\", \"relationship_type\": \"group\", \"objective\": "
        "\"fair\", \"min_score\": 0.25, \"power_differential_rule\": false, "
        "\"max_mentors_per_mentee\": 3, \"request_expiry_days\": 14},"
        " \"training\": {\"required_before_matching\": false, \"modules\": [{\"id\": \"m\", "
        "\"role\": \"mentor\", \"title\": \"For mentors\"}]},"
        " \"phases\": {\"template\": \"kram\"}, \"duration_months\": 6, \"renewals\": 0}");
    assert_int_equal(cfg.selection.access, PROGRAM_INVITE_ONLY);
    assert_int_equal(cfg.matching.mode, PROGRAM_MATCH_SELF);
    assert_int_equal(cfg.matching.relationship_type, PROGRAM_GROUP);
    assert_string_equal(cfg.matching.objective, "fair");
    assert_true(cfg.matching.min_score == 0.25);
    assert_false(cfg.matching.power_differential_rule);
    assert_int_equal(cfg.matching.request_expiry_days, 14);
    assert_false(cfg.training.required_before_matching);
    assert_true(program_role_has_training(&cfg, "mentor"));
    assert_false(program_role_has_training(&cfg, "mentee"));
    assert_string_equal(cfg.phases.template_name, "kram");
    assert_int_equal(cfg.duration_months, 6);
    assert_int_equal(cfg.renewals, 0);
    program_config_cleanup(&cfg);
}

static void test_bounds_come_from_limits(void **state)
{
    (void)state;
    verr e = {0};
    char text[256];
    snprintf(text, sizeof text, "{\"selection\": {\"default_capacity\": %d}}",
             LIMIT_CAPACITY_MAX + 1);
    assert_string_equal(refused(text, &e), "selection.default_capacity");
    snprintf(text, sizeof text, "{\"matching\": {\"max_mentors_per_mentee\": %d}}",
             LIMIT_WANTS_MAX + 1);
    assert_string_equal(refused(text, &e), "matching.max_mentors_per_mentee");
    snprintf(text, sizeof text, "{\"matching\": {\"request_expiry_days\": %d}}",
             LIMIT_REQUEST_EXPIRY_DAYS_MAX + 1);
    assert_string_equal(refused(text, &e), "matching.request_expiry_days");
    snprintf(text, sizeof text, "{\"goals\": {\"count\": %d}}", LIMIT_GOALS_COUNT_MAX + 1);
    assert_string_equal(refused(text, &e), "goals.count");
    snprintf(text, sizeof text, "{\"renewals\": %d}", LIMIT_RENEWALS_MAX + 1);
    assert_string_equal(refused(text, &e), "renewals");
    snprintf(text, sizeof text, "{\"duration_months\": %d}", LIMIT_DURATION_MONTHS_MAX + 1);
    assert_string_equal(refused(text, &e), "duration_months");
    assert_string_equal(refused("{\"matching\": {\"min_score\": 2}}", &e), "matching.min_score");
    /* The largest values are fine. */
    snprintf(text, sizeof text,
             "{\"selection\": {\"default_capacity\": %d}, \"matching\": "
             "{\"max_mentors_per_mentee\": %d, \"request_expiry_days\": %d}}",
             LIMIT_CAPACITY_MAX, LIMIT_WANTS_MAX, LIMIT_REQUEST_EXPIRY_DAYS_MAX);
    struct program_config cfg = normalized(text);
    assert_int_equal(cfg.matching.max_mentors_per_mentee, LIMIT_WANTS_MAX);
    program_config_cleanup(&cfg);
}

static void test_patch_keeps_the_base(void **state)
{
    (void)state;
    struct program_config base = normalized("{\"matching\": {\"mode\": \"hybrid\"}}");
    json_t *in = json_loads("{\"renewals\": 3}", 0, NULL);
    struct program_config cfg;
    verr e = {0};
    assert_int_equal(program_config_normalize(in, base.doc, &cfg, &e), 0);
    assert_int_equal(cfg.matching.mode, PROGRAM_MATCH_HYBRID);
    assert_int_equal(cfg.renewals, 3);
    json_decref(in);
    program_config_cleanup(&cfg);
    program_config_cleanup(&base);
}

static void test_read_an_older_document(void **state)
{
    (void)state;
    /* A document stored before some fields existed reads as their defaults. */
    struct program_config cfg;
    assert_int_equal(
        program_config_read(json_loads("{\"matching\": {\"mode\": \"self\"}}", 0, NULL), &cfg), 0);
    assert_int_equal(cfg.matching.mode, PROGRAM_MATCH_SELF);
    assert_int_equal(cfg.matching.request_expiry_days, 7);
    assert_int_equal(cfg.duration_months, 12);
    assert_true(json_is_array(cfg.training.modules));
    assert_int_equal(json_array_size(cfg.phases.items), 0);
    assert_false(program_role_has_training(&cfg, "mentee"));
    program_config_cleanup(&cfg);
    assert_int_equal(program_config_read(json_string("not an object"), &cfg), -1);
    assert_null(cfg.doc);
    assert_int_equal(program_config_read(NULL, &cfg), -1);
}

static void test_the_surveys_section(void **state)
{
    (void)state;
    struct program_config cfg = normalized("{}");
    assert_int_equal(cfg.surveys.anonymity_threshold, 5);
    assert_int_equal(cfg.surveys.health_check_days, 30);
    program_config_cleanup(&cfg);
    cfg = normalized("{\"surveys\": {\"anonymity_threshold\": 3, \"health_check_days\": 14}}");
    assert_int_equal(cfg.surveys.anonymity_threshold, 3);
    assert_int_equal(cfg.surveys.health_check_days, 14);
    program_config_cleanup(&cfg);
    verr e = {0};
    /* Never below 3: an aggregate of two answers gives each away. */
    assert_string_equal(refused("{\"surveys\": {\"anonymity_threshold\": 2}}", &e),
                        "surveys.anonymity_threshold");
    e = (verr){0};
    assert_string_equal(refused("{\"surveys\": {\"health_check_days\": 3}}", &e),
                        "surveys.health_check_days");
    e = (verr){0};
    assert_string_equal(refused("{\"surveys\": {\"threshold\": 5}}", &e), "surveys.threshold");
    /* A stored document from before the section reads the defaults; one
     * edited by hand below the floor reads the floor. */
    json_t *old = json_loads("{\"surveys\": {\"anonymity_threshold\": 1}}", 0, NULL);
    assert_int_equal(program_config_read(old, &cfg), 0);
    assert_int_equal(cfg.surveys.anonymity_threshold, LIMIT_ANONYMITY_THRESHOLD_MIN);
    assert_int_equal(cfg.surveys.health_check_days, 30);
    program_config_cleanup(&cfg);
}

static void test_the_wants_rule(void **state)
{
    (void)state;
    struct program_config cfg = normalized("{}");
    assert_int_equal(program_wants_max(&cfg), 1);
    assert_int_equal(program_wants_default(&cfg), 1);
    program_config_cleanup(&cfg);
    /* A default above the maximum gives the maximum. */
    cfg = normalized("{\"selection\": {\"default_wants\": 4}, \"matching\": "
                     "{\"max_mentors_per_mentee\": 2}}");
    assert_int_equal(program_wants_max(&cfg), 2);
    assert_int_equal(program_wants_default(&cfg), 2);
    program_config_cleanup(&cfg);
    /* Never above the hard limit. */
    cfg = normalized("{\"matching\": {\"max_mentors_per_mentee\": 10}}");
    assert_int_equal(program_wants_max(&cfg), LIMIT_WANTS_MAX);
    program_config_cleanup(&cfg);
    /* The import's limit is the coordinator's. */
    assert_int_equal(LIMIT_IMPORT_WANTS, LIMIT_WANTS_MAX);
    assert_int_equal(LIMIT_IMPORT_CAPACITY, LIMIT_CAPACITY_MAX);
}

static const char *field_at(const verr *e, int i)
{
    const char *f, *m;
    return verr_at(e, i, &f, &m) ? f : NULL;
}

/* Every bad field of the configuration is named at once. */
static verr all_refused(const char *text)
{
    json_t *in = json_loads(text, 0, NULL);
    assert_non_null(in);
    struct program_config cfg;
    verr e = VERR_COLLECT;
    assert_int_equal(program_config_normalize(in, NULL, &cfg, &e), -1);
    assert_null(cfg.doc);
    json_decref(in);
    return e;
}

static void test_every_bad_field_at_once(void **state)
{
    (void)state;
    verr e = all_refused("{\"selection\": {\"default_capacity\": 0, \"access\": \"secret\"}, "
                         "\"matching\": {\"min_score\": 3, \"criteria\": [{\"name\": \"a\", "
                         "\"kind\": \"nope\"}, {\"kind\": \"shared\", \"field\": \"shoe\"}]}, "
                         "\"renewals\": -1}");
    assert_int_equal(v_count(&e), 7);
    assert_string_equal(e.field, "selection.access");
    assert_string_equal(field_at(&e, 1), "selection.default_capacity");
    assert_string_equal(field_at(&e, 2), "matching.min_score");
    assert_string_equal(field_at(&e, 3), "matching.criteria[0].kind");
    assert_string_equal(field_at(&e, 4), "matching.criteria[1].name");
    assert_string_equal(field_at(&e, 5), "matching.criteria[1].field");
    assert_string_equal(field_at(&e, 6), "renewals");
    /* A plain verr gets the first of them. */
    verr one = {0};
    assert_string_equal(refused("{\"selection\": {\"access\": \"x\"}, \"renewals\": -1}", &one),
                        "selection.access");
}

static void test_dates_in_an_order_that_makes_sense(void **state)
{
    (void)state;
    /* The wizard's two bad dates: both named in one refusal. */
    verr e =
        all_refused("{\"dates\": {\"enrolment_opens\": \"2027-03-01\", "
                    "\"enrolment_closes\": \"2027-02-01\", \"matching_date\": \"2027-02-15\"}}");
    assert_int_equal(v_count(&e), 2);
    assert_string_equal(e.field, "dates.enrolment_closes");
    assert_string_equal(field_at(&e, 1), "dates.matching_date");
    assert_non_null(strstr(e.more[0].msg, "must not be before enrolment opens (2027-03-01)"));
    e = all_refused("{\"dates\": {\"starts\": \"2027-05-01\", \"ends\": \"2027-04-01\", "
                    "\"matching_date\": \"2027-06-01\", \"enrolment_closes\": \"2027-07-01\"}}");
    assert_string_equal(e.field, "dates.ends");
    assert_string_equal(field_at(&e, 1), "dates.matching_date");
    assert_string_equal(field_at(&e, 2), "dates.enrolment_closes");
    e = all_refused("{\"dates\": {\"starts\": \"2027-13-01\", \"ends\": \"soon\"}}");
    assert_int_equal(v_count(&e), 2);
    assert_string_equal(e.msg, "must be a date YYYY-MM-DD");
    /* In order, or on the same day: fine. */
    struct program_config cfg = normalized(
        "{\"dates\": {\"enrolment_opens\": \"2027-01-01\", \"enrolment_closes\": \"2027-01-31\", "
        "\"matching_date\": \"2027-01-31\", \"starts\": \"2027-02-10\", \"ends\": "
        "\"2027-08-10\"}}");
    assert_string_equal(cfg.dates.enrolment_opens, "2027-01-01");
    assert_string_equal(cfg.dates.ends, "2027-08-10");
    program_config_cleanup(&cfg);
    /* A program may start before enrolment opens (people join as it runs). */
    cfg = normalized(
        "{\"dates\": {\"starts\": \"2027-01-01\", \"enrolment_opens\": \"2027-02-01\"}}");
    program_config_cleanup(&cfg);
}

static void test_the_enrolment_window(void **state)
{
    (void)state;
    struct program_config cfg = normalized(
        "{\"dates\": {\"enrolment_opens\": \"2027-01-10\", \"enrolment_closes\": \"2027-01-20\"}}");
    int64_t t;
    assert_int_equal(clock_parse("2027-01-09T23:59:59Z", &t), 0);
    assert_int_equal(program_enrolment_at(&cfg, t), PROGRAM_ENROLMENT_NOT_YET);
    assert_int_equal(program_enrolment_at(&cfg, t + 1), PROGRAM_ENROLMENT_OPEN);
    assert_int_equal(clock_parse("2027-01-20T23:59:59Z", &t), 0);
    assert_int_equal(program_enrolment_at(&cfg, t),
                     PROGRAM_ENROLMENT_OPEN); /* the whole last day */
    assert_int_equal(program_enrolment_at(&cfg, t + 1), PROGRAM_ENROLMENT_CLOSED);
    program_config_cleanup(&cfg);
    struct program_config none = normalized("{}");
    assert_null(none.dates.enrolment_opens);
    assert_int_equal(program_enrolment_at(&none, 0), PROGRAM_ENROLMENT_OPEN);
    program_config_cleanup(&none);
}

static void test_profile_field_choices(void **state)
{
    (void)state;
    struct program_config cfg = normalized(
        "{\"selection\": {\"profile_fields\": {\"expertise\": {\"options\": [\"SQL\"]}, "
        "\"values\": {\"questions\": [{\"label\": \"Honesty\", \"high\": \"Matters most\"}]}}}}");
    const json_t *exp = json_object_get(cfg.selection.profile_fields, "expertise");
    assert_false(json_is_true(json_object_get(exp, "other")));
    const json_t *val = json_object_get(cfg.selection.profile_fields, "values");
    assert_int_equal(json_integer_value(json_object_get(val, "scale")), 5);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(val, "questions"), 0), "low")),
                        "");
    program_config_cleanup(&cfg);
    verr e = all_refused("{\"selection\": {\"profile_fields\": {\"expertise\": {\"options\": []}, "
                         "\"languages\": {\"options\": [\"en\", \"en\"]}, \"job_level\": {}, "
                         "\"shoe\": {}, \"personality\": {\"questions\": [], \"scale\": 11}}}}");
    const char *want[] = {"selection.profile_fields.expertise.options",
                          "selection.profile_fields.languages.options[1]",
                          "selection.profile_fields.job_level",
                          "selection.profile_fields.shoe",
                          "selection.profile_fields.personality.scale",
                          "selection.profile_fields.personality.questions"};
    assert_int_equal(v_count(&e), 6);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        bool seen = false;
        for (int k = 0; k < v_count(&e); k++)
            seen = seen || strcmp(field_at(&e, k), want[i]) == 0;
        if (!seen)
            fail_msg("not named: %s", want[i]);
    }
    /* A score field a criterion compares gets a questionnaire of its own,
     * unless the program wrote one. */
    struct program_config sim =
        normalized("{\"matching\": {\"criteria\": [{\"name\": \"p\", \"kind\": \"similarity\", "
                   "\"field\": \"personality\"}]}}");
    const json_t *pers = json_object_get(sim.selection.profile_fields, "personality");
    assert_int_equal(json_array_size(json_object_get(pers, "questions")), 8);
    assert_int_equal(json_integer_value(json_object_get(pers, "scale")), 5);
    assert_null(json_object_get(sim.selection.profile_fields, "values"));
    program_config_cleanup(&sim);
    /* An older document without them reads as none. */
    struct program_config old = {0};
    assert_int_equal(program_config_read(json_loads("{\"selection\": {}}", 0, NULL), &old), 0);
    assert_int_equal(json_object_size(old.selection.profile_fields), 0);
    program_config_cleanup(&old);
}

/* Measurable objectives: what they track is checked, and where each
 * stands against a straight line from the baseline to the target. */
static void test_measurable_objectives(void **state)
{
    (void)state;
    json_t *in = json_pack(
        "{s:{s:[{s:s, s:f, s:f, s:s, s:s}, {s:s, s:f, s:s}, {s:s, s:f, s:s, s:s}]}}", "objectives",
        "measures", "name", "Retention", "baseline", 80.0, "target", 88.0, "tracks",
        "outcome:retention_12m", "by", "2027-12-31", "name", "Bad", "target", 1.0, "tracks",
        "Outcome:Nope", "name", "Bad date", "target", 1.0, "tracks", "nps", "by", "2027-02-30");
    struct program_config cfg;
    verr e = VERR_COLLECT;
    assert_int_equal(program_config_normalize(in, NULL, &cfg, &e), -1);
    bool tracks = false, by = false;
    for (int i = 0; i < v_count(&e); i++) {
        const char *f = i == 0 ? e.field : e.more[i - 1].field;
        tracks |= strcmp(f, "objectives.measures[1].tracks") == 0;
        by |= strcmp(f, "objectives.measures[2].by") == 0;
    }
    assert_true(tracks && by);
    json_array_remove(json_object_get(json_object_get(in, "objectives"), "measures"), 2);
    json_array_remove(json_object_get(json_object_get(in, "objectives"), "measures"), 1);
    e = (verr)VERR_COLLECT;
    assert_int_equal(program_config_normalize(in, NULL, &cfg, &e), 0);
    assert_int_equal(cfg.objectives.count, 1);
    const struct program_objective *o = &cfg.objectives.items[0];
    assert_string_equal(o->tracks, "outcome:retention_12m");
    assert_string_equal(o->by, "2027-12-31");
    assert_true(o->has_baseline);
    int64_t start, mid;
    assert_int_equal(clock_parse("2027-01-01", &start), 0);
    assert_int_equal(clock_parse("2027-07-02", &mid), 0); /* about half way */
    assert_int_equal(program_objective_status(o, false, 0, start, mid), OBJECTIVE_NO_DATA);
    assert_int_equal(program_objective_status(o, true, 88, start, mid), OBJECTIVE_MET);
    assert_int_equal(program_objective_status(o, true, 84.5, start, mid), OBJECTIVE_ON_TRACK);
    assert_int_equal(program_objective_status(o, true, 83.5, start, mid), OBJECTIVE_BEHIND);
    assert_int_equal(program_objective_status(o, true, 83.5, 0, mid),
                     OBJECTIVE_BEHIND); /* no start */
    /* Lower is better when the target is below the baseline. */
    struct program_objective down = {.name = "Attrition",
                                     .tracks = "outcome:left",
                                     .by = "2027-12-31",
                                     .has_baseline = true,
                                     .baseline = 20,
                                     .target = 10};
    assert_int_equal(program_objective_status(&down, true, 14, start, mid), OBJECTIVE_ON_TRACK);
    assert_int_equal(program_objective_status(&down, true, 16, start, mid), OBJECTIVE_BEHIND);
    assert_int_equal(program_objective_status(&down, true, 9, start, mid), OBJECTIVE_MET);
    assert_true(program_tracks_valid("match_rate") && program_tracks_valid("outcome:a_1"));
    assert_false(program_tracks_valid("outcome:") || program_tracks_valid("speed"));
    program_config_cleanup(&cfg);
    json_decref(in);
}

static void test_equity_group_fields(void **state)
{
    (void)state;
    json_t *qs =
        json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]", "id", "gender", "type", "single_choice",
                  "id", "confidence", "type", "scale", "id", "goal", "type", "text");
    assert_null(program_group_field_problem("gender", qs));
    assert_null(program_group_field_problem("confidence", qs));
    assert_null(program_group_field_problem("learning_style", qs));
    assert_null(program_group_field_problem("time_zone", qs));
    assert_null(program_group_field_problem("job_title", qs));
    assert_non_null(program_group_field_problem("goal", qs));       /* free text */
    assert_non_null(program_group_field_problem("department", qs)); /* built in */
    assert_non_null(program_group_field_problem("expertise", qs));  /* a tag set */
    assert_non_null(program_group_field_problem("nope", qs));
    assert_non_null(program_group_field_problem("gender", NULL)); /* no such question */
    json_decref(qs);
    /* The normaliser names each bad item and keeps a good list. */
    verr e = VERR_COLLECT;
    json_t *in =
        json_loads("{\"selection\": {\"questions\": [{\"id\": \"gender\", \"type\": "
                   "\"single_choice\", \"label\": \"Gender\", \"options\": [\"a\", "
                   "\"b\"]}]}, \"reports\": {\"equity_groups\": [\"gender\", \"location\", "
                   "\"gender\"]}}",
                   0, NULL);
    struct program_config cfg;
    assert_int_equal(program_config_normalize(in, NULL, &cfg, &e), -1);
    assert_int_equal(v_count(&e), 2);
    assert_string_equal(e.field, "reports.equity_groups[1]");
    assert_string_equal(e.more[0].field, "reports.equity_groups[2]");
    json_array_remove(json_object_get(json_object_get(in, "reports"), "equity_groups"), 2);
    json_array_remove(json_object_get(json_object_get(in, "reports"), "equity_groups"), 1);
    e = (verr)VERR_COLLECT;
    assert_int_equal(program_config_normalize(in, NULL, &cfg, &e), 0);
    assert_int_equal(json_array_size(cfg.reports.equity_groups), 1);
    assert_string_equal(json_string_value(json_array_get(cfg.reports.equity_groups, 0)), "gender");
    program_config_cleanup(&cfg);
    json_decref(in);
    /* An older document without the section reads as no group field. */
    cfg = normalized("{}");
    assert_int_equal(json_array_size(cfg.reports.equity_groups), 0);
    program_config_cleanup(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_typed_fields_follow_the_input),
        cmocka_unit_test(test_bounds_come_from_limits),
        cmocka_unit_test(test_patch_keeps_the_base),
        cmocka_unit_test(test_read_an_older_document),
        cmocka_unit_test(test_the_surveys_section),
        cmocka_unit_test(test_the_wants_rule),
        cmocka_unit_test(test_every_bad_field_at_once),
        cmocka_unit_test(test_dates_in_an_order_that_makes_sense),
        cmocka_unit_test(test_the_enrolment_window),
        cmocka_unit_test(test_profile_field_choices),
        cmocka_unit_test(test_measurable_objectives),
        cmocka_unit_test(test_equity_group_fields),
    };
    return cmocka_run_group_tests_name("program", tests, NULL, NULL);
}
