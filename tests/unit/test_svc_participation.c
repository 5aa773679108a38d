/* test_svc_participation.c - service/participation.c, service/outbox.c
 * and service/mentors.c against a real database: funnel moves, the mail
 * they send, and the mentor cards self-matching shows. */
#include "svc_fixture.h"

#include "service/mentors.h"
#include "service/outbox.h"

static void test_stages_move_forward(void **state)
{
    store *db = *state;
    int64_t program = fx_program(db, fx_person(db, "Coordinator", 0), "{}");
    int64_t part =
        fx_part(db, program, fx_person(db, "Ann", 0), "mentee", STAGE_APPLIED, 0, 1, false);
    assert_int_equal(svc_participation_stage(db, part, STAGE_APPROVED, 10), STORE_OK);
    assert_int_equal(svc_participation_stage(db, part, STAGE_APPROVED, 20), STORE_OK);
    /* The first time a stage is reached is kept. */
    assert_int_equal(fx_count(db,
                              "SELECT reached_at FROM participation_stages WHERE "
                              "participation_id = ?1 AND stage = 'approved'",
                              part),
                     10);
    assert_int_equal(fx_count(db, "SELECT furthest FROM participations WHERE id = ?1", part),
                     STAGE_APPROVED);
    /* An exit is the status; the furthest stage stays. */
    assert_int_equal(svc_participation_stage(db, part, STAGE_WITHDRAWN, 30), STORE_OK);
    assert_int_equal(fx_count(db, "SELECT furthest FROM participations WHERE id = ?1", part),
                     STAGE_APPROVED);
    /* Reached without becoming the status. */
    assert_int_equal(svc_participation_reached(db, part, STAGE_TRAINED, 40), STORE_OK);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM participations WHERE id = ?1 AND status = "
                              "'withdrawn'",
                              part),
                     1);
}

static void test_whose_participation(void **state)
{
    store *db = *state;
    int64_t program = fx_program(db, fx_person(db, "Coordinator", 0), "{}");
    int64_t ann = fx_person(db, "Ann", 0);
    int64_t part = fx_part(db, program, ann, "mentee", STAGE_APPLIED, 0, 1, false);
    svc_actor a = {.person_id = ann};
    int64_t id;
    assert_int_equal(svc_participation_of(db, &a, program, "mentee", &id), STORE_OK);
    assert_int_equal(id, part);
    assert_int_equal(svc_participation_of(db, &a, program, "mentor", &id), STORE_OK);
    assert_int_equal(id, 0);
    char sql[256];
    svc_participation_matchable_sql(sql, sizeof sql);
    assert_non_null(strstr(sql, "'approved'"));
    assert_non_null(strstr(sql, "'ended_early'"));
    assert_null(strstr(sql, "'applied'"));
    assert_null(strstr(sql, "'withdrawn'"));
}

static void test_outbox(void **state)
{
    store *db = *state;
    int64_t program = fx_program(db, fx_person(db, "Coordinator", 0), "{}");
    int64_t ann = fx_person(db, "Ann", 0);
    int64_t part = fx_part(db, program, ann, "mentor", STAGE_APPROVED, 1, 0, false);
    struct svc_recipient to;
    assert_int_equal(svc_outbox_recipient(db, part, &to), SVC_OK);
    assert_string_equal(to.name, "Ann");
    assert_string_equal(to.program_name, "Program");
    assert_string_equal(to.role, "mentor");
    assert_int_equal(to.person_id, ann);
    assert_int_equal(svc_outbox_recipient(db, part + 100, &to), SVC_NOT_FOUND);
    assert_int_equal(svc_outbox_to_participation(db, part, "hello", "Hi", "Body", 5), SVC_OK);
    assert_int_equal(svc_outbox_to_participation(db, part + 100, "hello", "Hi", "Body", 5),
                     SVC_OK); /* nobody to tell */
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM outbox WHERE to_person_id = ?1 AND kind = "
                              "'hello' AND next_attempt_at = 5",
                              ann),
                     1);
}

static void test_mentor_cards(void **state)
{
    store *db = *state;
    int64_t program = fx_program(db, fx_person(db, "Coordinator", 0), "{}");
    int64_t b =
        fx_part(db, program, fx_person(db, "Bea", 0), "mentor", STAGE_APPROVED, 3, 0, false);
    int64_t a = fx_part(db, program, fx_person(db, "Abe", 0), "mentor", STAGE_TRAINED, 0, 0, true);
    fx_part(db, program, fx_person(db, "Cid", 0), "mentor", STAGE_APPLIED, 2, 0, false);
    fx_part(db, program, fx_person(db, "Dan", 0), "mentee", STAGE_APPROVED, 0, 1, false);
    struct svc_mentor_card *cards;
    size_t n;
    /* Paged: by name; only mentors who may be matched. */
    assert_int_equal(svc_mentor_cards(db, program, 10, 0, &cards, &n), STORE_OK);
    assert_int_equal(n, 2);
    assert_string_equal(cards[0].name, "Abe");
    assert_int_equal(cards[0].capacity, 1); /* unset: one */
    assert_int_equal(cards[1].capacity, 3);
    assert_int_equal(cards[1].used, 0);
    svc_mentor_cards_free(cards, n);
    /* All of them: by participation. */
    assert_int_equal(svc_mentor_cards(db, program, 0, 0, &cards, &n), STORE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(cards[0].participation_id, b < a ? b : a);
    svc_mentor_cards_free(cards, n);
    svc_mentor_cards_free(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_stages_move_forward),
        FX_TEST(test_whose_participation),
        FX_TEST(test_outbox),
        FX_TEST(test_mentor_cards),
    };
    return FX_MAIN("service/participation", tests);
}
