/* test_survey.c - the survey rules that need no data (domain/survey.h,
 * domain/survey_template.h): a definition checked field by field, answers
 * checked against it, NPS, the anonymity threshold, the tally, and when a
 * trigger opens its rounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "domain/survey.h"
#include "domain/survey_template.h"

#define DAY 86400

/* Normalises JSON text; returns 0 and fills d, or -1 with e. */
static int def_of(const char *text, struct survey_def *d, verr *e)
{
    json_t *in = json_loads(text, 0, NULL);
    assert_non_null(in);
    int rc = survey_def_normalize(in, NULL, d, e);
    json_decref(in);
    return rc;
}

static void refused(const char *text, const char *field)
{
    struct survey_def d;
    verr e = {0};
    if (def_of(text, &d, &e) == 0)
        fail_msg("accepted: %s", text);
    if (strcmp(e.field, field) != 0)
        fail_msg("%s: named '%s' (%s), not '%s'", text, e.field, e.msg, field);
}

static const char *const PULSE =
    "{\"title\": \"Pulse\", \"anonymous\": true, \"trigger\": {\"on\": \"relationship_started\"},"
    " \"questions\": [{\"id\": \"useful\", \"kind\": \"likert\", \"label\": \"Useful\", "
    "\"required\": true}, {\"kind\": \"nps\", \"label\": \"Recommend\"}, {\"kind\": \"single\", "
    "\"label\": \"Best\", \"options\": [\"Goals\", \"Talks\"]}, {\"id\": \"areas\", \"kind\": "
    "\"multi\", \"label\": \"Areas\", \"options\": [\"Career\", \"Skills\", \"Network\"]}]}";

static void test_defaults_and_generated_ids(void **state)
{
    (void)state;
    struct survey_def d;
    verr e = {0};
    assert_int_equal(def_of(PULSE, &d, &e), 0);
    assert_string_equal(d.title, "Pulse");
    assert_true(d.anonymous);
    assert_int_equal(d.audience, SURVEY_TO_BOTH);
    assert_int_equal(d.status, SURVEY_DRAFT);
    assert_int_equal(d.purpose, SURVEY_FEEDBACK);
    /* relationship_started: 30 days, then every 60 */
    assert_int_equal(d.trigger.on, SURVEY_ON_START);
    assert_int_equal(d.trigger.after_days, 30);
    assert_int_equal(d.trigger.every_days, 60);
    assert_int_equal(d.nquestions, 4);
    assert_string_equal(json_string_value(json_object_get(survey_question(&d, "q2"), "kind")),
                        "nps");
    assert_non_null(survey_question(&d, "q3"));
    assert_null(survey_question(&d, "nope"));
    survey_def_cleanup(&d);

    /* No trigger: manual. A PATCH keeps what it does not name. */
    assert_int_equal(
        def_of("{\"title\": \"T\", \"questions\": [{\"kind\": \"text\", \"label\": \"Why\"}]}", &d,
               &e),
        0);
    assert_int_equal(d.trigger.on, SURVEY_ON_MANUAL);
    json_t *patch = json_pack("{s:s}", "title", "Renamed");
    struct survey_def next;
    assert_int_equal(survey_def_normalize(patch, &d, &next, &e), 0);
    assert_string_equal(next.title, "Renamed");
    assert_true(json_equal(next.questions, d.questions));
    assert_null(survey_def_frozen_field(&d, &next));
    json_decref(patch);
    patch = json_pack("{s:b}", "anonymous", 1);
    survey_def_cleanup(&next);
    /* ... and an anonymous survey with free text is refused. */
    assert_int_equal(survey_def_normalize(patch, &d, &next, &e), -1);
    assert_string_equal(e.field, "questions[0].kind");
    json_decref(patch);
    survey_def_cleanup(&d);
}

static void test_every_bad_field_is_named(void **state)
{
    (void)state;
    refused("{\"questions\": [{\"kind\": \"likert\", \"label\": \"a\"}]}", "title");
    refused("{\"title\": \"x\"}", "questions");
    refused("{\"title\": \"x\", \"questions\": []}", "questions");
    refused("{\"title\": \"x\", \"questions\": [{\"kind\": \"likert\"}]}", "questions[0].label");
    refused("{\"title\": \"x\", \"questions\": [{\"kind\": \"stars\", \"label\": \"a\"}]}",
            "questions[0].kind");
    refused("{\"title\": \"x\", \"questions\": [{\"id\": \"A b\", \"kind\": \"likert\", "
            "\"label\": \"a\"}]}",
            "questions[0].id");
    refused("{\"title\": \"x\", \"questions\": [{\"kind\": \"single\", \"label\": \"a\", "
            "\"options\": [\"one\"]}]}",
            "questions[0].options");
    refused("{\"title\": \"x\", \"questions\": [{\"kind\": \"multi\", \"label\": \"a\", "
            "\"options\": [\"one\", \"one\"]}]}",
            "questions[0].options[1]");
    refused("{\"title\": \"x\", \"questions\": [{\"kind\": \"nps\", \"label\": \"a\", "
            "\"options\": [\"one\", \"two\"]}]}",
            "questions[0].options");
    refused("{\"title\": \"x\", \"questions\": [{\"kind\": \"likert\", \"label\": \"a\", "
            "\"colour\": 1}]}",
            "questions[0].colour");
    refused("{\"title\": \"x\", \"audience\": \"everyone\", \"questions\": [{\"kind\": "
            "\"likert\", \"label\": \"a\"}]}",
            "audience");
    refused("{\"title\": \"x\", \"trigger\": {\"on\": \"closure\", \"every_days\": 10}, "
            "\"questions\": [{\"kind\": \"likert\", \"label\": \"a\"}]}",
            "trigger.every_days");
    refused("{\"title\": \"x\", \"trigger\": {\"on\": \"relationship_started\", \"every_days\": "
            "3}, \"questions\": [{\"kind\": \"likert\", \"label\": \"a\"}]}",
            "trigger.every_days");
    refused("{\"title\": \"x\", \"trigger\": {\"on\": \"closure\", \"times\": 2}, "
            "\"questions\": [{\"kind\": \"likert\", \"label\": \"a\"}]}",
            "trigger.times");
    refused("{\"title\": \"x\", \"trigger\": {\"on\": \"manual\", \"after_days\": 1}, "
            "\"questions\": [{\"kind\": \"likert\", \"label\": \"a\"}]}",
            "trigger.after_days");
    refused("{\"title\": \"x\", \"trigger\": {\"on\": \"closure\", \"after_days\": 99999}, "
            "\"questions\": [{\"kind\": \"likert\", \"label\": \"a\"}]}",
            "trigger.after_days");
    refused("{\"title\": \"x\", \"anonymous\": true, \"questions\": [{\"kind\": \"likert\", "
            "\"label\": \"a\"}, {\"kind\": \"text\", \"label\": \"b\"}]}",
            "questions[1].kind");
    /* Two bad questions: both are named. */
    struct survey_def d;
    verr e = {0};
    assert_int_equal(def_of("{\"title\": \"x\", \"questions\": [{\"kind\": \"x\", \"label\": "
                            "\"a\"}, {\"kind\": \"likert\"}]}",
                            &d, &e),
                     -1);
    assert_int_equal(e.n, 2);
    assert_string_equal(e.field, "questions[0].kind");
    assert_string_equal(e.more[0].field, "questions[1].label");
}

static void test_a_pairing_fit_asks_the_fixed_question(void **state)
{
    (void)state;
    const char *q = "\"questions\": [{\"id\": \"good_match\", \"kind\": \"single\", "
                    "\"required\": true, \"label\": \"Good?\", \"options\": [\"Yes\", \"Not "
                    "sure\", \"No\"]}]";
    char text[600];
    struct survey_def d;
    verr e = {0};
    snprintf(text, sizeof text,
             "{\"title\": \"Fit\", \"purpose\": \"pairing_fit\", \"trigger\": {\"on\": "
             "\"meeting_held\", \"times\": 1}, %s}",
             q);
    assert_int_equal(def_of(text, &d, &e), 0);
    assert_int_equal(d.purpose, SURVEY_PAIRING_FIT);
    assert_int_equal(d.trigger.times, 1);
    survey_def_cleanup(&d);
    snprintf(text, sizeof text,
             "{\"title\": \"Fit\", \"purpose\": \"pairing_fit\", \"anonymous\": true, "
             "\"trigger\": {\"on\": \"meeting_held\"}, %s}",
             q);
    refused(text, "anonymous");
    snprintf(text, sizeof text,
             "{\"title\": \"Fit\", \"purpose\": \"pairing_fit\", \"trigger\": {\"on\": "
             "\"training_completed\"}, %s}",
             q);
    refused(text, "trigger.on");
    refused("{\"title\": \"Fit\", \"purpose\": \"pairing_fit\", \"trigger\": {\"on\": "
            "\"meeting_held\"}, \"questions\": [{\"id\": \"good_match\", \"kind\": \"single\", "
            "\"label\": \"Good?\", \"options\": [\"Yes\", \"No\"], \"required\": true}]}",
            "questions[0]");
    refused("{\"title\": \"Fit\", \"purpose\": \"pairing_fit\", \"trigger\": {\"on\": "
            "\"meeting_held\"}, \"questions\": [{\"kind\": \"likert\", \"label\": \"a\"}]}",
            "questions");
}

static void test_the_templates_are_valid_surveys(void **state)
{
    (void)state;
    assert_int_equal(survey_template_count(), 6);
    for (size_t i = 0; i < survey_template_count(); i++) {
        json_t *doc = survey_template_doc(survey_template_name(i));
        struct survey_def d;
        verr e = {0};
        assert_non_null(doc);
        if (survey_def_normalize(doc, NULL, &d, &e))
            fail_msg("%s: %s %s", survey_template_name(i), e.field, e.msg);
        assert_non_null(survey_template_what(i));
        survey_def_cleanup(&d);
        json_decref(doc);
    }
    assert_null(survey_template_doc("nope"));
    assert_null(survey_template_name(99));
}

/* Checks answers as JSON text; returns 0 or -1 with e. */
static int answers(const struct survey_def *d, const char *text, json_t **clean, verr *e)
{
    json_t *a = json_loads(text, 0, NULL);
    int rc = survey_answers_check(d, a, clean, e);
    json_decref(a);
    return rc;
}

static void test_answers_are_checked_against_the_survey(void **state)
{
    (void)state;
    struct survey_def d;
    verr e = {0};
    json_t *clean = NULL;
    assert_int_equal(def_of(PULSE, &d, &e), 0);
    assert_int_equal(answers(&d,
                             "{\"useful\": 5, \"q2\": 0, \"q3\": \"Talks\", \"areas\": "
                             "[\"Career\", \"Network\"]}",
                             &clean, &e),
                     0);
    assert_int_equal(json_object_size(clean), 4);
    json_decref(clean);
    /* None given for an optional one: left out, not stored as empty. */
    assert_int_equal(
        answers(&d, "{\"useful\": 1, \"q2\": null, \"q3\": \"\", \"areas\": []}", &clean, &e), 0);
    assert_int_equal(json_object_size(clean), 1);
    json_decref(clean);

    static const struct {
        const char *text, *field;
    } bad[] = {
        {"{\"useful\": 6}", "answers.useful"},
        {"{\"useful\": 0}", "answers.useful"},
        {"{\"useful\": 2.5}", "answers.useful"},
        {"{\"useful\": \"4\"}", "answers.useful"},
        {"{\"useful\": 3, \"q2\": 11}", "answers.q2"},
        {"{\"useful\": 3, \"q2\": -1}", "answers.q2"},
        {"{\"useful\": 3, \"q3\": \"Cake\"}", "answers.q3"},
        {"{\"useful\": 3, \"q3\": [\"Talks\"]}", "answers.q3"},
        {"{\"useful\": 3, \"areas\": \"Career\"}", "answers.areas"},
        {"{\"useful\": 3, \"areas\": [\"Career\", \"Career\"]}", "answers.areas"},
        {"{\"useful\": 3, \"areas\": [\"Cake\"]}", "answers.areas"},
        {"{\"useful\": 3, \"elsewhere\": 1}", "answers.elsewhere"},
        {"{\"q2\": 4}", "answers.useful"}, /* required */
        {"{}", "answers.useful"},
        {"[]", "answers"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        e = (verr){0};
        clean = NULL;
        if (answers(&d, bad[i].text, &clean, &e) == 0)
            fail_msg("accepted %s", bad[i].text);
        if (strcmp(e.field, bad[i].field) != 0)
            fail_msg("%s named %s (%s)", bad[i].text, e.field, e.msg);
        assert_null(clean);
    }
    e = (verr){0};
    assert_int_equal(survey_answers_check(&d, NULL, &clean, &e), -1);
    assert_string_equal(e.field, "answers");
    /* Every bad one at once, the required one not named twice. */
    e = (verr){0};
    assert_int_equal(answers(&d, "{\"useful\": 9, \"q2\": 99, \"zz\": 1}", &clean, &e), -1);
    assert_int_equal(e.n, 3);
    survey_def_cleanup(&d);

    /* Free text: trimmed empty is none; too long is refused. */
    assert_int_equal(def_of("{\"title\": \"T\", \"questions\": [{\"id\": \"why\", \"kind\": "
                            "\"text\", \"label\": \"Why\"}]}",
                            &d, &e),
                     0);
    assert_int_equal(answers(&d, "{\"why\": \"  \"}", &clean, &e), 0);
    assert_int_equal(json_object_size(clean), 0);
    json_decref(clean);
    char big[LIMIT_SURVEY_ANSWER_BYTES + 40];
    memset(big, 'a', sizeof big);
    memcpy(big, "{\"why\": \"", 9);
    memcpy(big + sizeof big - 3, "\"}", 3);
    e = (verr){0};
    assert_int_equal(answers(&d, big, &clean, &e), -1);
    assert_string_equal(e.field, "answers.why");
    survey_def_cleanup(&d);
}

static void test_nps(void **state)
{
    (void)state;
    double nps;
    int64_t none[11] = {0};
    assert_false(survey_nps(none, &nps));
    int64_t all_promoters[11] = {[9] = 3, [10] = 2};
    assert_true(survey_nps(all_promoters, &nps));
    assert_true(nps == 100.0);
    int64_t all_detractors[11] = {[0] = 1, [6] = 4};
    assert_true(survey_nps(all_detractors, &nps));
    assert_true(nps == -100.0);
    /* Passives (7-8) count in the total only. */
    int64_t passives[11] = {[7] = 2, [8] = 2};
    assert_true(survey_nps(passives, &nps));
    assert_true(nps == 0.0);
    /* 3 promoters, 1 detractor, 1 passive of 5: 60% - 20% = 40 */
    int64_t mixed[11] = {[10] = 2, [9] = 1, [7] = 1, [3] = 1};
    assert_true(survey_nps(mixed, &nps));
    assert_true(nps > 39.999 && nps < 40.001);
    /* 6 is a detractor, 9 a promoter: the edges. */
    int64_t edges[11] = {[6] = 1, [9] = 1};
    assert_true(survey_nps(edges, &nps));
    assert_true(nps == 0.0);
}

static void test_the_anonymity_threshold(void **state)
{
    (void)state;
    assert_int_equal(survey_threshold(5), 5);
    assert_int_equal(survey_threshold(3), 3);
    assert_int_equal(survey_threshold(1), 3); /* never below 3 */
    assert_int_equal(survey_threshold(0), 3);
    assert_true(survey_suppressed(true, false, 4, 5));
    assert_false(survey_suppressed(true, false, 5, 5));
    assert_true(survey_suppressed(true, false, 2, 1)); /* 2 < 3 */
    assert_false(survey_suppressed(true, false, 3, 1));
    /* A named survey: its coordinator sees any figure, a viewer only over the threshold. */
    assert_false(survey_suppressed(false, false, 1, 5));
    assert_true(survey_suppressed(false, true, 4, 5));
    assert_false(survey_suppressed(false, true, 5, 5));
    assert_true(survey_suppressed(true, false, 0, 5));
}

static void test_the_tally(void **state)
{
    (void)state;
    struct survey_def d;
    verr e = {0};
    assert_int_equal(def_of(PULSE, &d, &e), 0);
    struct survey_tally t;
    survey_tally_init(&t, &d);
    const char *rs[] = {
        "{\"useful\": 5, \"q2\": 10, \"q3\": \"Goals\", \"areas\": [\"Career\", \"Skills\"]}",
        "{\"useful\": 4, \"q2\": 9, \"areas\": [\"Career\"]}",
        "{\"useful\": 1, \"q2\": 2, \"q3\": \"Talks\"}",
        "{\"useful\": 7, \"q2\": \"x\", \"q3\": \"Gone\", \"areas\": [\"Old\"]}", /* stale */
    };
    for (size_t i = 0; i < 4; i++) {
        json_t *a = json_loads(rs[i], 0, NULL);
        survey_tally_add(&t, a);
        json_decref(a);
    }
    survey_tally_add(&t, NULL); /* not a response at all */
    assert_int_equal(t.responses, 4);
    double mean, nps;
    assert_int_equal(t.q[0].answered, 3);
    assert_true(survey_mean(&t.q[0], &mean));
    assert_true(mean > 3.333 && mean < 3.334);
    assert_int_equal(t.q[0].ncounts, 5);
    assert_int_equal(t.q[0].counts[0], 1);
    assert_int_equal(t.q[0].counts[4], 1);
    char buf[8];
    assert_string_equal(survey_count_label(&t.q[0], 0, buf), "1");
    assert_int_equal(t.q[1].ncounts, 11);
    assert_string_equal(survey_count_label(&t.q[1], 0, buf), "0");
    assert_true(survey_nps(t.q[1].counts, &nps));
    assert_true(nps > 33.333 && nps < 33.334); /* 2 promoters, 1 detractor of 3 */
    assert_int_equal(t.q[2].answered, 2);
    assert_string_equal(survey_count_label(&t.q[2], 1, buf), "Talks");
    assert_int_equal(t.q[3].answered, 2);
    assert_int_equal(t.q[3].counts[0], 2);
    assert_int_equal(t.q[3].counts[1], 1);
    assert_int_equal(t.q[3].counts[2], 0);
    assert_false(survey_mean(&t.q[2], &mean));
    survey_tally_cleanup(&t);
    survey_tally_cleanup(NULL);
    survey_def_cleanup(&d);
}

/* Counted answers (the satisfaction report's rows) add up to what the
 * same answers in responses give, and skip what a response would. */
static void test_the_tally_of_counted_answers(void **state)
{
    (void)state;
    struct survey_def d;
    verr e = {0};
    assert_int_equal(def_of(PULSE, &d, &e), 0);
    struct survey_tally a, b;
    survey_tally_init(&a, &d);
    survey_tally_init(&b, &d);
    const char *rs[] = {"{\"useful\": 5, \"q2\": 10}", "{\"useful\": 5, \"q2\": 3}",
                        "{\"useful\": 2, \"q2\": 10}"};
    for (size_t i = 0; i < 3; i++) {
        json_t *j = json_loads(rs[i], 0, NULL);
        survey_tally_add(&a, j);
        json_decref(j);
    }
    survey_tally_add_rated(&b, "useful", 5, 2);
    survey_tally_add_rated(&b, "useful", 2, 1);
    survey_tally_add_rated(&b, "q2", 10, 2);
    survey_tally_add_rated(&b, "q2", 3, 1);
    survey_tally_add_rated(&b, "useful", 0, 4); /* under a likert's 1 */
    survey_tally_add_rated(&b, "useful", 6, 4); /* over its 5 */
    survey_tally_add_rated(&b, "q3", 1, 4);     /* a choice question: not rated */
    survey_tally_add_rated(&b, "gone", 1, 4);   /* no such question */
    survey_tally_add_rated(&b, NULL, 1, 4);
    for (size_t q = 0; q < 2; q++) {
        assert_int_equal(a.q[q].answered, b.q[q].answered);
        assert_true(a.q[q].sum == b.q[q].sum);
        assert_memory_equal(a.q[q].counts, b.q[q].counts, sizeof a.q[q].counts);
    }
    assert_int_equal(b.q[0].answered, 3);
    assert_int_equal(b.q[2].answered, 0);
    assert_int_equal(b.responses, 0); /* the caller counts responses */
    survey_tally_cleanup(&a);
    survey_tally_cleanup(&b);
    survey_def_cleanup(&d);
}

static void test_when_rounds_open(void **state)
{
    (void)state;
    int64_t start = 1800000000, due;
    int seq;
    struct survey_rel_times rel = {.started_at = start, .planned_end_at = start + 360 * DAY};
    /* A new relationship: 30 days after it starts. */
    assert_true(survey_first_due(SURVEY_ON_START, 30, 60, 0, &rel, start, start, &due, &seq));
    assert_int_equal(due, start + 30 * DAY);
    assert_int_equal(seq, 1);
    /* ... then every 60: 90, 150 ... */
    int next;
    assert_true(survey_next_due(30, 60, 0, start, 1, start + 30 * DAY, &due, &next));
    assert_int_equal(due, start + 90 * DAY);
    assert_int_equal(next, 2);
    /* A run late by months opens one round and goes on from the present. */
    assert_true(survey_next_due(30, 60, 0, start, 2, start + 200 * DAY, &due, &next));
    assert_int_equal(due, start + 210 * DAY);
    assert_int_equal(next, 4);
    /* times caps the series; every_days 0 asks once. */
    assert_false(survey_next_due(30, 60, 2, start, 2, start + 90 * DAY, &due, &next));
    assert_false(survey_next_due(30, 0, 0, start, 1, start + 30 * DAY, &due, &next));
    /* Switched on 100 days in: the current period's round now, numbered as such. */
    assert_true(survey_first_due(SURVEY_ON_START, 30, 60, 0, &rel, start + 100 * DAY,
                                 start + 100 * DAY, &due, &seq));
    assert_int_equal(due, start + 100 * DAY);
    assert_int_equal(seq, 2);
    assert_false(survey_first_due(SURVEY_ON_START, 30, 60, 1, &rel, start + 100 * DAY,
                                  start + 100 * DAY, &due, &seq));
    /* A one-off already past: asked now. */
    assert_true(survey_first_due(SURVEY_ON_START, 30, 0, 0, &rel, start + 40 * DAY,
                                 start + 40 * DAY, &due, &seq));
    assert_int_equal(due, start + 40 * DAY);
    /* The mid-point, and after it (asked now) until the planned end. */
    assert_true(survey_first_due(SURVEY_ON_MIDPOINT, 0, 0, 0, &rel, start, start, &due, &seq));
    assert_int_equal(due, start + 180 * DAY);
    assert_true(survey_first_due(SURVEY_ON_MIDPOINT, 0, 0, 0, &rel, start + 200 * DAY,
                                 start + 200 * DAY, &due, &seq));
    assert_int_equal(due, start + 200 * DAY);
    assert_false(survey_first_due(SURVEY_ON_MIDPOINT, 0, 0, 0, &rel, start + 400 * DAY,
                                  start + 400 * DAY, &due, &seq));
    /* Events: their moment plus after_days; manual never. */
    assert_true(survey_first_due(SURVEY_ON_CLOSURE, 2, 0, 0, &rel, start + 5 * DAY, start + 5 * DAY,
                                 &due, &seq));
    assert_int_equal(due, start + 7 * DAY);
    assert_true(
        survey_first_due(SURVEY_ON_MEETING, 0, 0, 0, &rel, start + DAY, start + DAY, &due, &seq));
    assert_int_equal(due, start + DAY);
    assert_false(survey_first_due(SURVEY_ON_MANUAL, 0, 0, 0, &rel, start, start, &due, &seq));
}

static void test_audiences(void **state)
{
    (void)state;
    assert_true(survey_audience_has(SURVEY_TO_BOTH, "mentor"));
    assert_true(survey_audience_has(SURVEY_TO_BOTH, "peer"));
    assert_true(survey_audience_has(SURVEY_TO_MENTEES, "mentee"));
    assert_false(survey_audience_has(SURVEY_TO_MENTEES, "mentor"));
    assert_false(survey_audience_has(SURVEY_TO_MENTORS, "peer"));
    assert_false(survey_audience_has(SURVEY_TO_BOTH, "coordinator"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_generated_ids),
        cmocka_unit_test(test_every_bad_field_is_named),
        cmocka_unit_test(test_a_pairing_fit_asks_the_fixed_question),
        cmocka_unit_test(test_the_templates_are_valid_surveys),
        cmocka_unit_test(test_answers_are_checked_against_the_survey),
        cmocka_unit_test(test_nps),
        cmocka_unit_test(test_the_anonymity_threshold),
        cmocka_unit_test(test_the_tally),
        cmocka_unit_test(test_the_tally_of_counted_answers),
        cmocka_unit_test(test_when_rounds_open),
        cmocka_unit_test(test_audiences),
    };
    return cmocka_run_group_tests_name("survey", tests, NULL, NULL);
}
