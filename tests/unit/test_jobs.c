/* test_jobs.c - the jobs (jobs/jobs.h) against a real database: the
 * table, a run at a given time, idempotence, and the runner thread that
 * tandem serve starts and stops. */
#include "svc_fixture.h"

#include <time.h>

#include "base/clock.h"
#include "jobs/jobs.h"
#include "service/requests.h"

/* A self-matching request to two mentors; returns its id, *due its expiry.
 * Its mentor's reminder is on when `remind` (test_the_reminders_job). */
static int64_t a_request_reminded(store *db, int64_t *due, bool remind)
{
    int64_t program =
        fx_program(db, fx_person(db, "Coordinator", 0),
                   remind ? "{\"training\": {\"required_before_matching\": false}, "
                            "\"matching\": {\"mode\": \"self\", \"criteria\": [{\"name\": "
                            "\"skills\", \"kind\": \"overlap\", \"mentee_field\": "
                            "\"development_needs\", \"mentor_field\": \"expertise\", "
                            "\"weight\": 1}]}}"
                          : "{\"training\": {\"required_before_matching\": false}, "
                            "\"reminders\": {\"request_pending\": {\"enabled\": false}}, "
                            "\"matching\": {\"mode\": \"self\", \"criteria\": [{\"name\": "
                            "\"skills\", \"kind\": \"overlap\", \"mentee_field\": "
                            "\"development_needs\", \"mentor_field\": \"expertise\", "
                            "\"weight\": 1}]}}");
    int64_t m1 =
        fx_part(db, program, fx_person(db, "Ruth", 0), "mentor", STAGE_APPROVED, 1, 0, false);
    int64_t m2 =
        fx_part(db, program, fx_person(db, "Otto", 0), "mentor", STAGE_APPROVED, 1, 0, false);
    int64_t emil = fx_person(db, "Emil", 0);
    int64_t mentee = fx_part(db, program, emil, "mentee", STAGE_APPROVED, 0, 1, false);
    struct program_config cfg = fx_config(db, program);
    int64_t mentors[] = {m1, m2}, id;
    struct request_new in = {.mentors = mentors, .n = 2, .message = ""};
    svc_actor actor = {.person_id = emil};
    verr e = {0};
    assert_int_equal(svc_request_create(db, &actor, program, &cfg, mentee, &in, &id, &e), SVC_OK);
    program_config_cleanup(&cfg);
    *due = fx_count(db, "SELECT expires_at FROM mentoring_requests WHERE id = ?1", id);
    return id;
}

/* The expiry's own tests: no reminder counts among the items done. */
static int64_t a_request(store *db, int64_t *due)
{
    return a_request_reminded(db, due, false);
}

static void test_the_table(void **state)
{
    (void)state;
    size_t n;
    const struct job *t = jobs_table(&n);
    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(t[i].name);
        assert_non_null(t[i].what);
        assert_non_null(t[i].run);
        assert_true(t[i].every_s >= 0);
    }
    assert_string_equal(t[0].name, "expire-requests");
}

struct tally {
    int calls, failures;
    size_t done;
};

static void count(const struct job *job, int status, size_t done, void *arg)
{
    (void)job;
    struct tally *t = arg;
    t->calls++;
    t->failures += status != STORE_OK;
    t->done += done;
}

static void test_run_at_a_time(void **state)
{
    store *db = *state;
    int64_t due, id = a_request(db, &due);
    struct tally t = {0};
    assert_int_equal(jobs_run_all(db, due - 1, count, &t), STORE_OK);
    assert_int_equal(t.done, 0);
    assert_int_equal(t.failures, 0);
    t = (struct tally){0};
    assert_int_equal(jobs_run_all(db, due, count, &t), STORE_OK);
    assert_int_equal(t.done, 1);
    size_t n;
    jobs_table(&n);
    assert_int_equal(t.calls, (int)n);
    assert_int_equal(fx_count(db, "SELECT current FROM mentoring_requests WHERE id = ?1", id), 1);
    /* Again at the same time: nothing more is due. */
    t = (struct tally){0};
    assert_int_equal(jobs_run_all(db, due, count, &t), STORE_OK);
    assert_int_equal(t.done, 0);
    /* A failing database fails the run, and says so. */
    fx_exec(db, "ALTER TABLE mentoring_requests RENAME TO away");
    t = (struct tally){0};
    assert_true(jobs_run_all(db, due, count, &t) < 0);
    assert_int_equal(t.failures, 1);
    fx_exec(db, "ALTER TABLE away RENAME TO mentoring_requests");
}

static void test_the_runner(void **state)
{
    store *db = *state;
    int64_t due, id = a_request(db, &due);
    /* The runner's clock is moved past the expiry; it runs at once. */
    struct jobs_runner_config cfg = {
        .db_url = fx_url, .every_s = 1, .offset_s = due + 1 - clock_now()};
    jobs_runner *r;
    assert_int_equal(jobs_runner_start(&cfg, &r), 0);
    int64_t current = 0;
    for (int i = 0; i < 100 && current != 1; i++) {
        nanosleep(&(struct timespec){.tv_nsec = 50 * 1000 * 1000}, NULL);
        current = fx_count(db, "SELECT current FROM mentoring_requests WHERE id = ?1", id);
    }
    assert_int_equal(current, 1);
    /* Stopping waits for the thread, which frees its connection; once it
     * has ended, jobs run alone go to the end of their work again. */
    assert_false(jobs_stopping());
    jobs_runner_stop(r);
    assert_false(jobs_stopping());
    jobs_runner_stop(NULL);
}

/* The reminders job: the request's reminder to its mentor is sent once
 * when due, never again (a second run, another runner), and the database
 * refuses a second row for the same occurrence. */
static void test_the_reminders_job(void **state)
{
    store *db = *state;
    int64_t due, id = a_request_reminded(db, &due, true);
    int64_t asked = fx_count(db, "SELECT asked_at FROM mentoring_requests WHERE id = ?1", id);
    int64_t at = asked + 3 * 86400;
    size_t done = 0;
    assert_int_equal(job_reminders(db, at - 1, &done), STORE_OK);
    assert_int_equal(done, 0);
    assert_int_equal(job_reminders(db, at, &done), STORE_OK);
    assert_int_equal(done, 1);
    assert_int_equal(
        fx_count(db, "SELECT COUNT(*) FROM outbox WHERE kind = 'reminder_request' AND ?1 > 0", 1),
        1);
    assert_int_equal(job_reminders(db, at + 60, &done), STORE_OK);
    assert_int_equal(done, 0);
    assert_int_equal(jobs_run_all(db, at + 120, NULL, NULL), STORE_OK);
    assert_int_equal(
        fx_count(db, "SELECT COUNT(*) FROM outbox WHERE kind = 'reminder_request' AND ?1 > 0", 1),
        1);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM reminders WHERE request_id = ?1 AND outcome = "
                              "'sent'",
                              id),
                     1);
    /* The same occurrence cannot be armed twice: a unique key, not code. */
    store_val p[] = {SV_INT(id)};
    assert_int_equal(store_exec(db,
                                "INSERT INTO reminders (kind, subject, occurrence, program_id, "
                                "request_id, due_at) SELECT kind, subject, occurrence, program_id, "
                                "request_id, 0 FROM reminders WHERE request_id = ?1 AND outcome = "
                                "'sent'",
                                p, 1, NULL),
                     STORE_CONFLICT);
    /* Moved on to the next mentor (the expiry): another occurrence, due
     * three days after they were asked. */
    assert_int_equal(jobs_run_all(db, due, NULL, NULL), STORE_OK);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM reminders WHERE request_id = ?1 AND "
                              "fired_at IS NULL AND cleared_at IS NULL AND due_at = "
                              "(SELECT asked_at FROM mentoring_requests WHERE id = ?1) + 259200",
                              id),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_the_table),
        FX_TEST(test_run_at_a_time),
        FX_TEST(test_the_runner),
        FX_TEST(test_the_reminders_job),
    };
    return FX_MAIN("jobs", tests);
}
