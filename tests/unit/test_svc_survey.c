/* test_svc_survey.c - surveys, health checks, at-risk flags and the
 * rematch queue against a real database (SQLite, and PostgreSQL when
 * TANDEM_TEST_PG is set): timers armed by events and fired by the job,
 * one answer per round, anonymous responses that keep nobody, results
 * under the threshold, flags raised and cleared, reminders sent once. */
#include "svc_fixture.h"

#include "base/clock.h"
#include "jobs/jobs.h"
#include "service/health.h"
#include "service/rematch.h"
#include "service/risk.h"
#include "service/survey.h"

#define DAY 86400

struct world {
    store *db;
    int64_t coord, program, rel;
    int64_t person[4], part[4]; /* mentor, mentee, mentor, mentee */
    struct program_config cfg;
};

static const char open_cfg[] = "{\"training\": {\"required_before_matching\": false, \"modules\": "
                               "[]}, \"surveys\": {\"anonymity_threshold\": 3}}";

/* A program with two pairs, the first related. */
static struct world world(void **state)
{
    struct world w = {.db = *state};
    w.coord = fx_person(w.db, "Coordinator", 0);
    w.program = fx_program(w.db, w.coord, open_cfg);
    w.cfg = fx_config(w.db, w.program);
    const char *names[] = {"Ruth", "Emil", "Otto", "Ines"};
    for (int i = 0; i < 4; i++) {
        w.person[i] = fx_person(w.db, names[i], 0);
        w.part[i] = fx_part(w.db, w.program, w.person[i], i % 2 ? "mentee" : "mentor",
                            STAGE_APPROVED, i % 2 ? 0 : 2, i % 2 ? 1 : 0, false);
    }
    return w;
}

static int64_t pair(struct world *w, int64_t mentor, int64_t mentee)
{
    svc_actor coord = {.person_id = w->coord};
    struct svc_rel_new in = {.mentor = mentor, .mentees = &mentee, .n = 1, .source = "manual"};
    verr e = {0};
    int64_t id = 0;
    if (svc_relationship_create(w->db, &coord, w->program, &w->cfg, &in, &id, &e) != SVC_OK)
        fail_msg("pair: %s %s", e.field, e.msg);
    return id;
}

/* A survey from JSON text, created as the coordinator. */
static int64_t survey(struct world *w, const char *text)
{
    json_t *in = json_loads(text, 0, NULL);
    struct survey_def d;
    verr e = {0};
    if (!in || survey_def_normalize(in, NULL, &d, &e))
        fail_msg("survey: %s %s", e.field, e.msg);
    json_decref(in);
    svc_actor coord = {.person_id = w->coord};
    int64_t id = 0;
    assert_int_equal(svc_survey_create(w->db, &coord, w->program, NULL, &d, &id, &e), SVC_OK);
    survey_def_cleanup(&d);
    return id;
}

static size_t run_job(store *db, int (*job)(store *, int64_t, size_t *), int64_t now)
{
    size_t done = 0;
    assert_int_equal(job(db, now, &done), STORE_OK);
    return done;
}

static int respond(struct world *w, int who, int64_t sid, const char *answers, verr *e)
{
    svc_actor actor = {.person_id = w->person[who]};
    struct svc_survey s;
    int rc = svc_survey_get(w->db, &actor, sid, &s);
    if (rc != SVC_OK)
        return rc;
    json_t *a = json_loads(answers, 0, NULL);
    int64_t id;
    *e = (verr){0};
    rc = svc_survey_respond(w->db, &actor, &s, 0, a, clock_now(), &id, e);
    json_decref(a);
    svc_survey_cleanup(&s);
    return rc;
}

static const char check_in[] =
    "{\"title\": \"Check-in\", \"status\": \"active\", \"trigger\": {\"on\": "
    "\"relationship_started\", \"after_days\": 30, \"every_days\": 60, \"times\": 3}, "
    "\"questions\": [{\"id\": \"ok\", \"kind\": \"likert\", \"label\": \"OK?\", \"required\": "
    "true}]}";

static void test_a_series_opens_on_time_once_and_stops(void **state)
{
    struct world w = world(state);
    int64_t sid = survey(&w, check_in);
    w.rel = pair(&w, w.part[0], w.part[1]);
    int64_t now = clock_now();
    assert_int_equal(fx_count(w.db, "SELECT COUNT(*) FROM survey_timers WHERE survey_id = ?1", sid),
                     1);
    assert_int_equal(run_job(w.db, job_survey_triggers, now + 29 * DAY), 0);
    assert_int_equal(run_job(w.db, job_survey_triggers, now + 31 * DAY), 1);
    assert_int_equal(run_job(w.db, job_survey_triggers, now + 31 * DAY), 0);
    assert_int_equal(fx_count(w.db, "SELECT COUNT(*) FROM survey_asks WHERE survey_id = ?1", sid),
                     2);
    assert_int_equal(
        fx_count(w.db, "SELECT COUNT(*) FROM outbox WHERE kind = 'survey_due' AND program_id = ?1",
                 w.program),
        2);
    /* Paused at the next round: it is skipped, the series goes on. */
    svc_actor coord = {.person_id = w.coord};
    struct svc_rel r;
    verr e = {0};
    assert_int_equal(svc_relationship_get(w.db, &coord, w.rel, PERM_READ, &r), SVC_OK);
    struct rel_change pause = {.action = REL_PAUSE, .reason = "", .version = r.version};
    assert_int_equal(svc_relationship_change(w.db, &coord, &r, &w.cfg, &pause, &e), SVC_OK);
    assert_int_equal(run_job(w.db, job_survey_triggers, now + 91 * DAY), 0);
    struct rel_change resume = {.action = REL_RESUME, .reason = "", .version = r.version};
    assert_int_equal(svc_relationship_change(w.db, &coord, &r, &w.cfg, &resume, &e), SVC_OK);
    assert_int_equal(run_job(w.db, job_survey_triggers, now + 151 * DAY), 1);
    /* times 3: the series ends after its third point (the second was skipped). */
    assert_int_equal(fx_count(w.db, "SELECT COUNT(*) FROM survey_timers WHERE survey_id = ?1", sid),
                     0);
    assert_int_equal(fx_count(w.db, "SELECT COUNT(*) FROM survey_rounds WHERE survey_id = ?1", sid),
                     2);
    program_config_cleanup(&w.cfg);
}

static void test_an_ended_relationship_drops_its_series_and_opens_closure(void **state)
{
    struct world w = world(state);
    int64_t sid = survey(&w, check_in);
    int64_t closing = survey(&w, "{\"title\": \"Closing\", \"status\": \"active\", \"anonymous\": "
                                 "true, \"audience\": \"mentees\", \"trigger\": {\"on\": "
                                 "\"closure\"}, \"questions\": [{\"kind\": \"nps\", \"label\": "
                                 "\"Recommend?\"}]}");
    w.rel = pair(&w, w.part[0], w.part[1]);
    svc_actor emil = {.person_id = w.person[1]};
    struct svc_rel r;
    verr e = {0};
    assert_int_equal(svc_relationship_get(w.db, &emil, w.rel, PERM_WRITE, &r), SVC_OK);
    struct rel_change end = {.action = REL_END_EARLY, .reason = "busy", .version = r.version};
    assert_int_equal(svc_relationship_change(w.db, &emil, &r, &w.cfg, &end, &e), SVC_OK);
    assert_int_equal(fx_count(w.db, "SELECT COUNT(*) FROM survey_timers WHERE survey_id = ?1", sid),
                     0);
    assert_int_equal(run_job(w.db, job_survey_triggers, clock_now()), 1);
    /* Only the mentee is asked the mentees' survey. */
    assert_int_equal(
        fx_count(w.db, "SELECT COUNT(*) FROM survey_asks WHERE survey_id = ?1", closing), 1);
    assert_int_equal(respond(&w, 1, closing, "{\"q1\": 9}", &e), SVC_OK);
    assert_int_equal(respond(&w, 0, closing, "{\"q1\": 9}", &e), SVC_NOT_FOUND);
    /* The anonymous response keeps nobody. */
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?1 AND "
                              "participation_id IS NULL AND round_id IS NULL AND relationship_id "
                              "IS NULL AND role IS NULL",
                              closing),
                     1);
    program_config_cleanup(&w.cfg);
}

static void test_one_answer_per_round_and_the_threshold(void **state)
{
    struct world w = world(state);
    w.rel = pair(&w, w.part[0], w.part[1]);
    pair(&w, w.part[2], w.part[3]);
    int64_t sid = survey(&w, "{\"title\": \"Pulse\", \"anonymous\": true, \"questions\": [{\"id\": "
                             "\"ok\", \"kind\": \"likert\", \"label\": \"OK?\"}]}");
    svc_actor coord = {.person_id = w.coord};
    struct svc_survey s;
    verr e = {0};
    int64_t round, asked;
    assert_int_equal(svc_survey_get(w.db, &coord, sid, &s), SVC_OK);
    assert_int_equal(svc_survey_send(w.db, &coord, &s, clock_now(), &round, &asked, &e), SVC_OK);
    assert_int_equal(asked, 4);
    assert_int_equal(s.def.status, SURVEY_ACTIVE);

    assert_int_equal(respond(&w, 0, sid, "{\"ok\": 9}", &e), SVC_INVALID);
    assert_string_equal(e.field, "answers.ok");
    assert_int_equal(respond(&w, 0, sid, "{\"ok\": 4}", &e), SVC_OK);
    assert_int_equal(respond(&w, 0, sid, "{\"ok\": 5}", &e), SVC_INVALID);
    assert_string_equal(e.field, "answers");
    assert_int_equal(respond(&w, 1, sid, "{\"ok\": 2}", &e), SVC_OK);

    /* Two responses, threshold 3: nothing to show. */
    struct svc_survey_results res;
    svc_survey_cleanup(&s);
    assert_int_equal(svc_survey_get(w.db, &coord, sid, &s), SVC_OK);
    assert_int_equal(svc_survey_results(w.db, &s, false, &res), STORE_OK);
    assert_true(res.suppressed);
    assert_int_equal(res.responses, 2);
    assert_int_equal(res.threshold, 3);
    assert_int_equal(res.tally.n, 0);
    svc_survey_results_cleanup(&res);
    assert_int_equal(respond(&w, 2, sid, "{\"ok\": 3}", &e), SVC_OK);
    svc_survey_cleanup(&s);
    assert_int_equal(svc_survey_get(w.db, &coord, sid, &s), SVC_OK);
    assert_int_equal(svc_survey_results(w.db, &s, true, &res), STORE_OK);
    assert_false(res.suppressed);
    double mean;
    assert_true(survey_mean(&res.tally.q[0], &mean));
    assert_true(mean == 3.0);
    svc_survey_results_cleanup(&res);
    /* Individual answers of an anonymous survey: never. */
    struct svc_survey_response *rs;
    size_t n;
    int64_t total;
    assert_int_equal(svc_survey_responses(w.db, &coord, &s, 50, 0, &rs, &n, &total, &e),
                     SVC_FORBIDDEN);
    svc_survey_cleanup(&s);
    /* Once answered, the questions stay. */
    assert_int_equal(svc_survey_get(w.db, &coord, sid, &s), SVC_OK);
    json_t *patch = json_loads("{\"questions\": [{\"kind\": \"nps\", \"label\": \"x\"}]}", 0, NULL);
    struct survey_def next;
    assert_int_equal(survey_def_normalize(patch, &s.def, &next, &e), 0);
    assert_int_equal(svc_survey_update(w.db, &coord, &s, &next, s.version, &e), SVC_REFUSED);
    assert_string_equal(e.field, "questions");
    survey_def_cleanup(&next);
    json_decref(patch);
    svc_survey_cleanup(&s);
    program_config_cleanup(&w.cfg);
}

static void post_check(struct world *w, int who, int value, int low_q, int low_v)
{
    svc_actor actor = {.person_id = w->person[who]};
    struct svc_rel r;
    verr e = {0};
    assert_int_equal(svc_relationship_get(w->db, &actor, w->rel, PERM_WRITE, &r), SVC_OK);
    struct svc_health_in in = {.share = -1};
    for (int q = 0; q < HEALTH_QUALITIES; q++)
        in.ratings[q] = value;
    if (low_q >= 0)
        in.ratings[low_q] = low_v;
    int64_t id;
    assert_int_equal(svc_health_post(w->db, &actor, &r, &w->cfg, &in, &id, &e), SVC_OK);
}

static size_t at_risk(struct world *w, struct svc_risk_item **items)
{
    size_t n;
    int64_t open;
    assert_int_equal(svc_risk_list(w->db, w->program, clock_now(), items, &n, &open), STORE_OK);
    return n;
}

static void test_a_low_check_raises_a_flag_and_a_better_one_clears_it(void **state)
{
    struct world w = world(state);
    w.rel = pair(&w, w.part[0], w.part[1]);
    struct svc_risk_item *items;
    assert_int_equal(at_risk(&w, &items), 0);
    svc_risk_items_free(items, 0);
    post_check(&w, 1, 4, 1, 2); /* the mentee: listening 2 */
    assert_int_equal(at_risk(&w, &items), 1);
    assert_int_equal(items[0].relationship_id, w.rel);
    assert_int_equal(items[0].nreasons, 1);
    assert_int_equal(items[0].reasons[0].code, RISK_LOW_RATING);
    assert_true(items[0].since[0] > 0);
    assert_int_equal(items[0].nmembers, 2);
    assert_string_equal(items[0].members[0].role, "mentor");
    svc_risk_items_free(items, 1);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM risk_flags WHERE relationship_id = ?1 AND code "
                              "= 'low_rating' AND cleared_at IS NULL",
                              w.rel),
                     1);
    post_check(&w, 1, 4, -1, 0);
    assert_int_equal(at_risk(&w, &items), 0);
    svc_risk_items_free(items, 0);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM risk_flags WHERE relationship_id = ?1 AND "
                              "cleared_at IS NOT NULL",
                              w.rel),
                     1);
    struct svc_risk_report rep;
    assert_int_equal(svc_risk_report(w.db, w.program, &rep), STORE_OK);
    assert_int_equal(rep.flagged_ever, 1);
    assert_int_equal(rep.recovered, 1);
    assert_int_equal(rep.ever_by[RISK_LOW_RATING], 1);

    /* The job records reasons of time: 31 days without a meeting, then
     * clears them when the relationship ends. */
    size_t changed;
    assert_int_equal(svc_risk_record(w.db, w.program, clock_now() + 31 * DAY, &changed), STORE_OK);
    assert_int_equal(changed, 4); /* no_meeting, agreement_unsigned, no_goals, phase_overdue */
    assert_int_equal(svc_risk_record(w.db, w.program, clock_now() + 31 * DAY, &changed), STORE_OK);
    assert_int_equal(changed, 0);
    svc_actor emil = {.person_id = w.person[1]};
    struct svc_rel r;
    verr e = {0};
    assert_int_equal(svc_relationship_get(w.db, &emil, w.rel, PERM_WRITE, &r), SVC_OK);
    struct rel_change end = {.action = REL_END_EARLY, .reason = "", .version = r.version};
    assert_int_equal(svc_relationship_change(w.db, &emil, &r, &w.cfg, &end, &e), SVC_OK);
    assert_int_equal(run_job(w.db, job_at_risk, clock_now() + 31 * DAY), 4);
    assert_int_equal(svc_risk_report(w.db, w.program, &rep), STORE_OK);
    assert_int_equal(rep.flagged_now, 0);
    assert_int_equal(rep.recovered, 0); /* it ended early: not a recovery */
    program_config_cleanup(&w.cfg);
}

static void test_health_reminders_once_per_due_date(void **state)
{
    struct world w = world(state);
    w.rel = pair(&w, w.part[0], w.part[1]);
    int64_t now = clock_now();
    assert_int_equal(run_job(w.db, job_health_reminders, now + 29 * DAY), 0);
    assert_int_equal(run_job(w.db, job_health_reminders, now + 30 * DAY + 60), 2);
    assert_int_equal(run_job(w.db, job_health_reminders, now + 40 * DAY), 0);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM outbox WHERE kind = 'health_check_due' AND "
                              "program_id = ?1",
                              w.program),
                     2);
    /* A check sets the poster's next due date a cadence on, with a
     * reminder of its own. */
    post_check(&w, 1, 4, -1, 0);
    assert_int_equal(run_job(w.db, job_health_reminders, now + 29 * DAY), 0);
    assert_int_equal(run_job(w.db, job_health_reminders, now + 30 * DAY + 60), 1);
    assert_int_equal(run_job(w.db, job_health_reminders, now + 30 * DAY + 60), 0);
    program_config_cleanup(&w.cfg);
}

static void test_the_rematch_queue(void **state)
{
    struct world w = world(state);
    w.rel = pair(&w, w.part[0], w.part[1]);
    svc_actor coord = {.person_id = w.coord};
    struct svc_rel r;
    verr e = {0};
    assert_int_equal(svc_relationship_get(w.db, &coord, w.rel, PERM_READ, &r), SVC_OK);
    svc_actor emil = {.person_id = w.person[1]};
    struct svc_rel mine;
    assert_int_equal(svc_relationship_get(w.db, &emil, w.rel, PERM_READ, &mine), SVC_OK);
    assert_int_equal(svc_rematch_agree(w.db, &emil, &mine, &w.cfg, "", mine.version, &e),
                     SVC_FORBIDDEN);
    assert_int_equal(svc_rematch_agree(w.db, &coord, &r, &w.cfg, "no spark", r.version, &e),
                     SVC_OK);
    assert_string_equal(r.status, "ended_early");
    struct svc_rematch_item *q;
    size_t n;
    assert_int_equal(svc_rematch_list(w.db, w.program, &q, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(q[0].participation_id, w.part[1]);
    assert_string_equal(q[0].reason, "pairing_fit");
    assert_string_equal(q[0].former_mentor, "Ruth");
    assert_non_null(strstr(q[0].end_reason, "no spark"));
    free(q);
    int64_t *ids;
    assert_int_equal(svc_rematch_queue_ids(w.db, w.program, &ids, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], w.part[1]);
    free(ids);
    /* Matched again: out of the queue. */
    pair(&w, w.part[2], w.part[1]);
    assert_int_equal(svc_rematch_list(w.db, w.program, &q, &n), STORE_OK);
    assert_int_equal(n, 0);
    free(q);
    assert_int_equal(svc_rematch_dismiss(w.db, &coord, w.program, w.part[1], &e), SVC_NOT_FOUND);
    program_config_cleanup(&w.cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_a_series_opens_on_time_once_and_stops),
        FX_TEST(test_an_ended_relationship_drops_its_series_and_opens_closure),
        FX_TEST(test_one_answer_per_round_and_the_threshold),
        FX_TEST(test_a_low_check_raises_a_flag_and_a_better_one_clears_it),
        FX_TEST(test_health_reminders_once_per_due_date),
        FX_TEST(test_the_rematch_queue),
    };
    return FX_MAIN("svc_survey", tests);
}
