/* test_jobs.c - the jobs (jobs/jobs.h) against a real database: the
 * table, a run at a given time, idempotence, and the runner thread that
 * tandem serve starts and stops. */
#include "svc_fixture.h"

#include <time.h>

#include "base/clock.h"
#include "jobs/jobs.h"
#include "service/requests.h"

/* A self-matching request to two mentors; returns its id, *due its expiry. */
static int64_t a_request(store *db, int64_t *due)
{
    int64_t program = fx_program(db, fx_person(db, "Coordinator", 0),
                                 "{\"training\": {\"required_before_matching\": false}, "
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
    struct svc_request_new in = {.mentors = mentors, .n = 2, .message = ""};
    svc_actor actor = {.person_id = emil};
    verr e = {0};
    assert_int_equal(svc_request_create(db, &actor, program, &cfg, mentee, &in, &id, &e), SVC_OK);
    program_config_cleanup(&cfg);
    *due = fx_count(db, "SELECT expires_at FROM mentoring_requests WHERE id = ?1", id);
    return id;
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
    /* Stopping waits for the thread, which frees its connection. */
    jobs_runner_stop(r);
    jobs_runner_stop(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_the_table),
        FX_TEST(test_run_at_a_time),
        FX_TEST(test_the_runner),
    };
    return FX_MAIN("jobs", tests);
}
