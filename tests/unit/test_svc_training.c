/* test_svc_training.c - service/training.c against a real database
 * (SQLite and PostgreSQL): the modules of each role, completing them, and
 * the trained stage they lead to. */
#include "svc_fixture.h"

#include "service/training.h"

static const char *PROGRAM =
    "{\"training\": {\"modules\": ["
    " {\"id\": \"intro\", \"role\": \"both\", \"title\": \"Intro\","
    "  \"questions\": [{\"id\": \"ready\", \"type\": \"scale\", \"label\": \"R\", \"required\": "
    "true},"
    "                  {\"id\": \"more\", \"type\": \"text\", \"label\": \"M\", \"required\": "
    "true}]},"
    " {\"id\": \"mentoring\", \"role\": \"mentor\", \"title\": \"Mentoring\"}]}}";

static void test_modules_and_completion(void **state)
{
    store *db = *state;
    int64_t coord = fx_person(db, "Coordinator", 0);
    int64_t program = fx_program(db, coord, PROGRAM);
    struct program_config cfg = fx_config(db, program);
    svc_actor mentor = {.person_id = fx_person(db, "Mo", 0)};
    int64_t part = fx_part(db, program, mentor.person_id, "mentor", STAGE_APPLIED, 2, 0, false);
    struct svc_training_item *items;
    size_t n;
    assert_int_equal(svc_training_list(db, &mentor, program, &cfg, false, &items, &n), SVC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].completed_at, 0);
    free(items);
    const json_t *intro = svc_training_module(&cfg, "intro");
    const json_t *mentoring = svc_training_module(&cfg, "mentoring");
    assert_non_null(intro);
    assert_null(svc_training_module(&cfg, "nope"));
    json_t *answers = json_pack("{s:i}", "ready", 4);
    bool trained;
    /* Every required question unanswered is named. */
    verr e = VERR_COLLECT;
    json_t *none = json_object();
    assert_int_equal(
        svc_training_complete(db, &mentor, program, &cfg, intro, NULL, none, 10, &trained, &e),
        SVC_INVALID);
    assert_int_equal(v_count(&e), 2);
    assert_string_equal(e.field, "answers.ready");
    json_object_set_new(answers, "more", json_string("yes"));
    /* Not approved yet: training waits. */
    e = VERR_COLLECT;
    assert_int_equal(
        svc_training_complete(db, &mentor, program, &cfg, intro, NULL, answers, 10, &trained, &e),
        SVC_REFUSED);
    assert_int_equal(svc_participation_stage(db, part, STAGE_APPROVED, 20), STORE_OK);
    e = VERR_COLLECT;
    assert_int_equal(
        svc_training_complete(db, &mentor, program, &cfg, intro, NULL, answers, 30, &trained, &e),
        SVC_OK);
    assert_false(trained);
    e = VERR_COLLECT;
    assert_int_equal(svc_training_complete(db, &mentor, program, &cfg, mentoring, "mentor", none,
                                           40, &trained, &e),
                     SVC_OK);
    assert_true(trained);
    assert_int_equal(
        fx_count(db, "SELECT COUNT(*) FROM participations WHERE id = ?1 AND status = 'trained'",
                 part),
        1);
    assert_int_equal(svc_training_list(db, &mentor, program, &cfg, false, &items, &n), SVC_OK);
    assert_int_equal(items[0].completed_at, 30);
    assert_int_equal(items[1].completed_at, 40);
    free(items);
    /* A mentee's module list leaves the mentors' out; the mentor module is
     * not theirs. */
    svc_actor mentee = {.person_id = fx_person(db, "Mia", 0)};
    fx_part(db, program, mentee.person_id, "mentee", STAGE_APPROVED, 0, 1, false);
    assert_int_equal(svc_training_list(db, &mentee, program, &cfg, false, &items, &n), SVC_OK);
    assert_int_equal(n, 1);
    free(items);
    e = VERR_COLLECT;
    assert_int_equal(
        svc_training_complete(db, &mentee, program, &cfg, mentoring, NULL, none, 50, &trained, &e),
        SVC_FORBIDDEN);
    /* Coordinators see every module. */
    svc_actor c = {.person_id = coord};
    assert_int_equal(svc_training_list(db, &c, program, &cfg, true, &items, &n), SVC_OK);
    assert_int_equal(n, 2);
    free(items);
    json_decref(none);
    json_decref(answers);
    program_config_cleanup(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_modules_and_completion),
    };
    return FX_MAIN("service/training", tests);
}
