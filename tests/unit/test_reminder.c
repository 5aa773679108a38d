/* test_reminder.c - when each reminder is due, what is cleared and what a
 * catch-up drops (domain/reminder.h), and the reminders section of a
 * program's configuration (domain/program.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "domain/program.h"
#include "domain/reminder.h"
#include "domain/risk.h"

#define DAY 86400
#define HOUR 3600
#define T0 1800000000 /* the relationship starts */

/* The configuration of the document text (NULL: the defaults). */
static void config(const char *text, struct program_config *cfg)
{
    json_error_t je;
    json_t *in = json_loads(text ? text : "{}", 0, &je);
    assert_non_null(in);
    verr e = VERR_COLLECT;
    assert_int_equal(program_config_normalize(in, NULL, cfg, &e), 0);
    json_decref(in);
}

/* A new relationship: nothing done yet. */
static struct reminder_rel fresh(void)
{
    return (struct reminder_rel){.status = "active",
                                 .started_at = T0,
                                 .phase_started_at = T0,
                                 .phase_timeframe_days = 14,
                                 .last_activity_at = T0};
}

static const struct reminder_item *find(const struct reminder_item *items, size_t n,
                                        enum reminder_kind k)
{
    for (size_t i = 0; i < n; i++)
        if (items[i].kind == k)
            return &items[i];
    return NULL;
}

/* The verdict on (kind, occurrence) at now, the plan worked out at now. */
static enum reminder_verdict judge(const struct program_config *cfg, const struct reminder_rel *r,
                                   enum reminder_kind k, const char *occ, int64_t now, int64_t *due)
{
    struct reminder_item items[REMINDER_PLAN_MAX];
    size_t n = reminder_plan_relationship(cfg, r, now, items);
    *due = 0;
    return reminder_judge(items, n, k, occ, now, due);
}

static void test_the_defaults_are_on_with_their_days(void **state)
{
    (void)state;
    struct program_config cfg;
    config(NULL, &cfg);
    assert_true(cfg.reminders.rule[PROGRAM_REMIND_AGREEMENT].enabled);
    assert_int_equal(cfg.reminders.rule[PROGRAM_REMIND_AGREEMENT].n, 7);
    assert_int_equal(cfg.reminders.rule[PROGRAM_REMIND_NO_GOALS].n, 14);
    assert_int_equal(cfg.reminders.rule[PROGRAM_REMIND_MEETING].n, 24);
    assert_int_equal(cfg.reminders.rule[PROGRAM_REMIND_REQUEST].n, 3);
    assert_int_equal(cfg.reminders.rule[PROGRAM_REMIND_SURVEY].n, 3);
    assert_true(cfg.reminders.rule[PROGRAM_REMIND_NO_MEETING].enabled);
    assert_true(cfg.reminders.rule[PROGRAM_REMIND_PHASE].enabled);
    assert_false(cfg.reminders.rule[PROGRAM_REMIND_INACTIVE].enabled);
    assert_int_equal(cfg.reminders.rule[PROGRAM_REMIND_INACTIVE].n, 30);
    /* The document names every rule with its fields. */
    json_t *a = json_object_get(json_object_get(cfg.doc, "reminders"), "agreement_unsigned");
    assert_true(json_is_true(json_object_get(a, "enabled")));
    assert_int_equal(json_integer_value(json_object_get(a, "days")), 7);
    assert_null(json_object_get(
        json_object_get(json_object_get(cfg.doc, "reminders"), "no_meeting"), "days"));
    program_config_cleanup(&cfg);

    /* An older document without the section reads as the defaults. */
    struct program_config old = {0};
    assert_int_equal(program_config_read(json_object(), &old), 0);
    assert_true(old.reminders.rule[PROGRAM_REMIND_NO_GOALS].enabled);
    assert_int_equal(old.reminders.rule[PROGRAM_REMIND_NO_GOALS].n, 14);
    assert_false(old.reminders.rule[PROGRAM_REMIND_INACTIVE].enabled);
    program_config_cleanup(&old);
}

static void test_every_bad_rule_is_named(void **state)
{
    (void)state;
    json_t *in = json_loads("{\"reminders\": {\"agreement_unsigned\": {\"days\": 0}, "
                            "\"meeting_soon\": {\"hours\": 169}, \"no_goals\": {\"enabled\": 1}, "
                            "\"no_meeting\": {\"days\": 3}, \"inactive\": 5, \"nonsense\": {}}}",
                            0, NULL);
    struct program_config cfg;
    verr e = VERR_COLLECT;
    assert_int_equal(program_config_normalize(in, NULL, &cfg, &e), -1);
    const char *want[] = {"reminders.agreement_unsigned.days",
                          "reminders.meeting_soon.hours",
                          "reminders.no_goals.enabled",
                          "reminders.no_meeting.days",
                          "reminders.inactive",
                          "reminders.nonsense"};
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
        bool found = false;
        found = strcmp(e.field, want[w]) == 0;
        for (int i = 0; i + 1 < v_count(&e); i++)
            found = found || strcmp(e.more[i].field, want[w]) == 0;
        if (!found)
            fail_msg("%s is not named", want[w]);
    }
    json_decref(in);
}

static void test_a_patch_keeps_the_rules_and_fields_it_does_not_name(void **state)
{
    (void)state;
    struct program_config before, after;
    config("{\"reminders\": {\"agreement_unsigned\": {\"days\": 5}, \"inactive\": {\"enabled\": "
           "true, \"days\": 20}}}",
           &before);
    json_t *patch = json_loads("{\"reminders\": {\"inactive\": {\"days\": 40}}}", 0, NULL);
    verr e = VERR_COLLECT;
    assert_int_equal(program_config_normalize(patch, before.doc, &after, &e), 0);
    assert_int_equal(after.reminders.rule[PROGRAM_REMIND_AGREEMENT].n, 5);
    assert_true(after.reminders.rule[PROGRAM_REMIND_INACTIVE].enabled);
    assert_int_equal(after.reminders.rule[PROGRAM_REMIND_INACTIVE].n, 40);
    json_decref(patch);
    program_config_cleanup(&before);
    program_config_cleanup(&after);
}

static void test_agreement_due_after_n_days_and_cleared_once_signed(void **state)
{
    (void)state;
    struct program_config cfg;
    config(NULL, &cfg);
    struct reminder_rel r = fresh();
    int64_t due;
    assert_int_equal(judge(&cfg, &r, REMINDER_AGREEMENT, "v0", T0 + 7 * DAY - 1, &due),
                     REMINDER_LATER);
    assert_int_equal(due, T0 + 7 * DAY);
    assert_int_equal(judge(&cfg, &r, REMINDER_AGREEMENT, "v0", T0 + 7 * DAY, &due), REMINDER_FIRE);
    /* Written (version 1) on day 3 and not signed: a new occurrence, due 7
     * days after that version; the old one is cleared. */
    r.agreement_version = 1;
    r.agreement_since = T0 + 3 * DAY;
    assert_int_equal(judge(&cfg, &r, REMINDER_AGREEMENT, "v0", T0 + 8 * DAY, &due), REMINDER_CLEAR);
    assert_int_equal(judge(&cfg, &r, REMINDER_AGREEMENT, "v1", T0 + 8 * DAY, &due), REMINDER_LATER);
    assert_int_equal(due, T0 + 10 * DAY);
    r.agreement_signed = true;
    assert_int_equal(judge(&cfg, &r, REMINDER_AGREEMENT, "v1", T0 + 10 * DAY, &due),
                     REMINDER_CLEAR);
    /* Still true weeks later: a catch-up sends it, it is not stale. */
    r.agreement_signed = false;
    assert_int_equal(judge(&cfg, &r, REMINDER_AGREEMENT, "v1", T0 + 60 * DAY, &due), REMINDER_FIRE);
    program_config_cleanup(&cfg);
}

static void test_goals_and_a_rule_turned_off_or_changed(void **state)
{
    (void)state;
    struct program_config cfg, off, three;
    config(NULL, &cfg);
    config("{\"reminders\": {\"no_goals\": {\"enabled\": false}}}", &off);
    config("{\"reminders\": {\"no_goals\": {\"days\": 3}}}", &three);
    struct reminder_rel r = fresh();
    int64_t due;
    assert_int_equal(judge(&cfg, &r, REMINDER_NO_GOALS, "start", T0 + 14 * DAY, &due),
                     REMINDER_FIRE);
    assert_int_equal(judge(&off, &r, REMINDER_NO_GOALS, "start", T0 + 14 * DAY, &due),
                     REMINDER_CLEAR);
    assert_int_equal(judge(&three, &r, REMINDER_NO_GOALS, "start", T0 + 3 * DAY, &due),
                     REMINDER_FIRE);
    r.goals = 1;
    assert_int_equal(judge(&cfg, &r, REMINDER_NO_GOALS, "start", T0 + 14 * DAY, &due),
                     REMINDER_CLEAR);
    program_config_cleanup(&cfg);
    program_config_cleanup(&off);
    program_config_cleanup(&three);
}

static void test_only_an_active_relationship_is_reminded(void **state)
{
    (void)state;
    struct program_config cfg;
    config("{\"reminders\": {\"inactive\": {\"enabled\": true}}}", &cfg);
    struct reminder_item items[REMINDER_PLAN_MAX];
    struct reminder_rel r = fresh();
    assert_true(reminder_plan_relationship(&cfg, &r, T0, items) >= 6);
    const char *others[] = {"paused", "closing", "completed", "ended_early", NULL};
    for (int i = 0; others[i]; i++) {
        r.status = others[i];
        assert_int_equal(reminder_plan_relationship(&cfg, &r, T0, items), 0);
    }
    r.status = NULL;
    assert_int_equal(reminder_plan_relationship(&cfg, &r, T0, items), 0);
    program_config_cleanup(&cfg);
}

static void test_a_meeting_in_24_hours_and_what_a_catch_up_drops(void **state)
{
    (void)state;
    struct program_config cfg, six;
    config(NULL, &cfg);
    config("{\"reminders\": {\"meeting_soon\": {\"hours\": 6}}}", &six);
    struct reminder_meeting m[] = {{41, T0 + 10 * DAY}};
    struct reminder_rel r = fresh();
    r.meetings = m;
    r.nmeetings = 1;
    char occ[REMINDER_OCCURRENCE_BYTES];
    snprintf(occ, sizeof occ, "m41@%lld", (long long)(T0 + 10 * DAY));
    int64_t due;
    assert_int_equal(judge(&cfg, &r, REMINDER_MEETING_SOON, occ, T0 + 9 * DAY - 1, &due),
                     REMINDER_LATER);
    assert_int_equal(due, T0 + 9 * DAY);
    assert_int_equal(judge(&cfg, &r, REMINDER_MEETING_SOON, occ, T0 + 9 * DAY + HOUR, &due),
                     REMINDER_FIRE);
    assert_int_equal(judge(&six, &r, REMINDER_MEETING_SOON, occ, T0 + 9 * DAY + HOUR, &due),
                     REMINDER_LATER);
    assert_int_equal(due, T0 + 10 * DAY - 6 * HOUR);
    /* Caught up after the meeting began: dropped, not sent late. */
    assert_int_equal(judge(&cfg, &r, REMINDER_MEETING_SOON, occ, T0 + 10 * DAY, &due),
                     REMINDER_STALE);
    assert_int_equal(judge(&cfg, &r, REMINDER_MEETING_SOON, occ, T0 + 12 * DAY, &due),
                     REMINDER_STALE);
    /* Moved: the old occurrence is cleared, the new one due. */
    m[0].starts_at = T0 + 11 * DAY;
    assert_int_equal(judge(&cfg, &r, REMINDER_MEETING_SOON, occ, T0 + 9 * DAY + HOUR, &due),
                     REMINDER_CLEAR);
    /* Cancelled (no longer scheduled): cleared. */
    r.nmeetings = 0;
    snprintf(occ, sizeof occ, "m41@%lld", (long long)(T0 + 11 * DAY));
    assert_int_equal(judge(&cfg, &r, REMINDER_MEETING_SOON, occ, T0 + 10 * DAY + HOUR, &due),
                     REMINDER_CLEAR);

    /* Scheduled less than the rule's hours ahead: born late, never sent
     * (the mail saying it was scheduled does the reminding). */
    struct reminder_item items[REMINDER_PLAN_MAX];
    struct reminder_meeting soon[] = {{42, T0 + 5 * HOUR}};
    r.meetings = soon;
    r.nmeetings = 1;
    size_t n = reminder_plan_relationship(&cfg, &r, T0, items);
    const struct reminder_item *it = find(items, n, REMINDER_MEETING_SOON);
    assert_non_null(it);
    assert_int_equal(it->meeting_id, 42);
    assert_true(reminder_born_late(it, T0));
    assert_false(reminder_born_late(it, T0 - DAY));
    assert_false(reminder_born_late(find(items, n, REMINDER_NO_GOALS), T0 + 30 * DAY));
    program_config_cleanup(&cfg);
    program_config_cleanup(&six);
}

static void test_no_meeting_at_1x_and_2x_of_the_guideline(void **state)
{
    (void)state;
    struct program_config cfg;
    config("{\"meetings\": {\"frequency_per_month\": 2}}", &cfg);
    struct reminder_rel r = fresh();
    int64_t gap2 = risk_meeting_gap_s(2), due;
    assert_int_equal(gap2, 30 * DAY);
    char occ[REMINDER_OCCURRENCE_BYTES];
    snprintf(occ, sizeof occ, "since%lld", (long long)T0);
    assert_int_equal(judge(&cfg, &r, REMINDER_NO_MEETING, occ, T0 + 15 * DAY - 1, &due),
                     REMINDER_LATER);
    assert_int_equal(judge(&cfg, &r, REMINDER_NO_MEETING, occ, T0 + 15 * DAY, &due), REMINDER_FIRE);
    /* The 2x comes when the at-risk list flags it: more than the gap. */
    assert_int_equal(judge(&cfg, &r, REMINDER_NO_MEETING_2X, occ, T0 + 30 * DAY, &due),
                     REMINDER_LATER);
    assert_int_equal(due, T0 + 30 * DAY + 1);
    struct risk_input ri = {.status = "active",
                            .started_at = T0,
                            .phase_started_at = T0,
                            .meetings_per_month = 2,
                            .due_days = 30,
                            .agreement_signed = true,
                            .goals = 1};
    struct risk_reason why[RISK_COUNT];
    size_t nr = risk_assess(&ri, due, why);
    bool flagged = false;
    for (size_t i = 0; i < nr; i++)
        flagged = flagged || why[i].code == RISK_NO_MEETING;
    assert_true(flagged);
    assert_int_equal(judge(&cfg, &r, REMINDER_NO_MEETING_2X, occ, due, &due), REMINDER_FIRE);
    /* A catch-up past the 2x: the 1x nudge is stale, the 2x goes. */
    assert_int_equal(judge(&cfg, &r, REMINDER_NO_MEETING, occ, T0 + 31 * DAY, &due),
                     REMINDER_STALE);
    assert_int_equal(judge(&cfg, &r, REMINDER_NO_MEETING_2X, occ, T0 + 31 * DAY, &due),
                     REMINDER_FIRE);
    /* A meeting held on day 10: both occurrences cleared, new ones from it. */
    r.last_meeting_at = T0 + 10 * DAY;
    assert_int_equal(judge(&cfg, &r, REMINDER_NO_MEETING, occ, T0 + 15 * DAY, &due),
                     REMINDER_CLEAR);
    assert_int_equal(judge(&cfg, &r, REMINDER_NO_MEETING_2X, occ, T0 + 31 * DAY, &due),
                     REMINDER_CLEAR);
    snprintf(occ, sizeof occ, "since%lld", (long long)(T0 + 10 * DAY));
    assert_int_equal(judge(&cfg, &r, REMINDER_NO_MEETING, occ, T0 + 15 * DAY, &due),
                     REMINDER_LATER);
    assert_int_equal(due, T0 + 25 * DAY);
    /* A meeting planned ahead: no nudge at 1x (the 2x still counts). */
    struct reminder_meeting ahead[] = {{7, T0 + 40 * DAY}};
    r.meetings = ahead;
    r.nmeetings = 1;
    assert_int_equal(judge(&cfg, &r, REMINDER_NO_MEETING, occ, T0 + 26 * DAY, &due),
                     REMINDER_CLEAR);
    assert_int_equal(judge(&cfg, &r, REMINDER_NO_MEETING_2X, occ, T0 + 41 * DAY, &due),
                     REMINDER_FIRE);
    program_config_cleanup(&cfg);
}

static void test_a_phase_past_its_timeframe(void **state)
{
    (void)state;
    struct program_config cfg;
    config(NULL, &cfg);
    struct reminder_rel r = fresh();
    int64_t due;
    char occ[REMINDER_OCCURRENCE_BYTES];
    snprintf(occ, sizeof occ, "p0@%lld", (long long)T0);
    assert_int_equal(judge(&cfg, &r, REMINDER_PHASE, occ, T0 + 14 * DAY, &due), REMINDER_FIRE);
    /* Moved on: the next phase is another occurrence. */
    r.phase = 1;
    r.phase_started_at = T0 + 13 * DAY;
    assert_int_equal(judge(&cfg, &r, REMINDER_PHASE, occ, T0 + 14 * DAY, &due), REMINDER_CLEAR);
    /* A phase that suggests no timeframe has no reminder. */
    r.phase_timeframe_days = 0;
    struct reminder_item items[REMINDER_PLAN_MAX];
    size_t n = reminder_plan_relationship(&cfg, &r, T0, items);
    assert_null(find(items, n, REMINDER_PHASE));
    program_config_cleanup(&cfg);
}

static void test_inactive_warns_then_asks_the_coordinators(void **state)
{
    (void)state;
    struct program_config off, on;
    config(NULL, &off);
    config("{\"reminders\": {\"inactive\": {\"enabled\": true, \"days\": 20}}}", &on);
    struct reminder_rel r = fresh();
    struct reminder_item items[REMINDER_PLAN_MAX];
    size_t n = reminder_plan_relationship(&off, &r, T0, items);
    assert_null(find(items, n, REMINDER_INACTIVE));
    assert_null(find(items, n, REMINDER_INACTIVE_2X));
    r.last_activity_at = T0 + 5 * DAY;
    char occ[REMINDER_OCCURRENCE_BYTES];
    snprintf(occ, sizeof occ, "since%lld", (long long)(T0 + 5 * DAY));
    int64_t due;
    assert_int_equal(judge(&on, &r, REMINDER_INACTIVE, occ, T0 + 25 * DAY, &due), REMINDER_FIRE);
    assert_int_equal(judge(&on, &r, REMINDER_INACTIVE_2X, occ, T0 + 25 * DAY, &due),
                     REMINDER_LATER);
    assert_int_equal(due, T0 + 45 * DAY);
    /* After a gap past the question: the warning is stale, the question goes. */
    assert_int_equal(judge(&on, &r, REMINDER_INACTIVE, occ, T0 + 46 * DAY, &due), REMINDER_STALE);
    assert_int_equal(judge(&on, &r, REMINDER_INACTIVE_2X, occ, T0 + 46 * DAY, &due), REMINDER_FIRE);
    /* Activity moves the count on. */
    r.last_activity_at = T0 + 30 * DAY;
    assert_int_equal(judge(&on, &r, REMINDER_INACTIVE_2X, occ, T0 + 46 * DAY, &due),
                     REMINDER_CLEAR);
    program_config_cleanup(&off);
    program_config_cleanup(&on);
}

static void test_a_request_and_a_survey_ask(void **state)
{
    (void)state;
    struct program_config cfg, late;
    config(NULL, &cfg);
    config("{\"reminders\": {\"request_pending\": {\"days\": 7}, \"survey_unanswered\": "
           "{\"days\": 30}}}",
           &late);
    struct reminder_item it[1];
    int64_t due;
    /* Asked at T0, moving on at T0 + 7 days: reminded on day 3. */
    assert_int_equal(reminder_plan_request(&cfg, true, 12, T0, T0 + 7 * DAY, it), 1);
    assert_int_equal(it[0].due_at, T0 + 3 * DAY);
    assert_string_equal(it[0].occurrence, "m12@1800000000");
    assert_int_equal(reminder_judge(it, 1, REMINDER_REQUEST, "m12@1800000000", T0 + 3 * DAY, &due),
                     REMINDER_FIRE);
    /* Caught up once it moved on: stale. */
    assert_int_equal(reminder_judge(it, 1, REMINDER_REQUEST, "m12@1800000000", T0 + 7 * DAY, &due),
                     REMINDER_STALE);
    /* Answered, or a rule that would fall after the move: nothing. */
    assert_int_equal(reminder_plan_request(&cfg, false, 12, T0, T0 + 7 * DAY, it), 0);
    assert_int_equal(reminder_plan_request(&late, true, 12, T0, T0 + 7 * DAY, it), 0);
    /* The next mentor asked is another occurrence. */
    assert_int_equal(reminder_plan_request(&cfg, true, 13, T0 + 7 * DAY, T0 + 14 * DAY, it), 1);
    assert_int_equal(reminder_judge(it, 1, REMINDER_REQUEST, "m12@1800000000", T0 + 10 * DAY, &due),
                     REMINDER_CLEAR);

    assert_int_equal(reminder_plan_survey(&cfg, false, T0, T0 + 30 * DAY, it), 1);
    assert_int_equal(it[0].due_at, T0 + 3 * DAY);
    assert_int_equal(reminder_judge(it, 1, REMINDER_SURVEY, it[0].occurrence, T0 + 30 * DAY, &due),
                     REMINDER_STALE);
    assert_int_equal(reminder_plan_survey(&cfg, true, T0, T0 + 30 * DAY, it), 0);
    assert_int_equal(reminder_plan_survey(&late, false, T0, T0 + 30 * DAY, it), 0);
    program_config_cleanup(&cfg);
    program_config_cleanup(&late);
}

static void test_kinds_names_mail_and_rules(void **state)
{
    (void)state;
    for (int k = 0; k < REMINDER_KINDS; k++) {
        assert_int_equal(reminder_kind_parse(reminder_kind_name((enum reminder_kind)k)), k);
        if (k == REMINDER_SYNC) {
            assert_null(reminder_kind_mail((enum reminder_kind)k));
            assert_int_equal(reminder_kind_rule((enum reminder_kind)k), -1);
        } else {
            assert_non_null(reminder_kind_mail((enum reminder_kind)k));
            assert_in_range(reminder_kind_rule((enum reminder_kind)k), 0, PROGRAM_REMIND_COUNT - 1);
        }
    }
    assert_int_equal(reminder_kind_parse("nonsense"), -1);
    assert_int_equal(reminder_kind_parse(NULL), -1);
    assert_string_equal(reminder_verdict_name(REMINDER_STALE), "stale");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_defaults_are_on_with_their_days),
        cmocka_unit_test(test_every_bad_rule_is_named),
        cmocka_unit_test(test_a_patch_keeps_the_rules_and_fields_it_does_not_name),
        cmocka_unit_test(test_agreement_due_after_n_days_and_cleared_once_signed),
        cmocka_unit_test(test_goals_and_a_rule_turned_off_or_changed),
        cmocka_unit_test(test_only_an_active_relationship_is_reminded),
        cmocka_unit_test(test_a_meeting_in_24_hours_and_what_a_catch_up_drops),
        cmocka_unit_test(test_no_meeting_at_1x_and_2x_of_the_guideline),
        cmocka_unit_test(test_a_phase_past_its_timeframe),
        cmocka_unit_test(test_inactive_warns_then_asks_the_coordinators),
        cmocka_unit_test(test_a_request_and_a_survey_ask),
        cmocka_unit_test(test_kinds_names_mail_and_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
