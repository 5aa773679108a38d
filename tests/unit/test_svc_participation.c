/* test_svc_participation.c - service/participation.c, service/outbox.c
 * and service/mentors.c against a real database: funnel moves, the mail
 * they send, the mentor cards self-matching shows, who sees a
 * participation, its changes and withdrawal, and the participant list. */
#include "svc_fixture.h"

#include "service/mentors.h"
#include "service/relationship.h"
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

static void test_who_sees_a_participation(void **state)
{
    store *db = *state;
    int64_t coord = fx_person(db, "Coordinator", 0);
    int64_t program = fx_program(db, coord, "{}");
    struct program_config cfg = fx_config(db, program);
    svc_actor mentee = {.person_id = fx_person(db, "Mia", 0)};
    svc_actor mentor = {.person_id = fx_person(db, "Max", 0)};
    svc_actor stranger = {.person_id = fx_person(db, "Stan", 0)};
    svc_actor c = {.person_id = coord};
    int64_t me = fx_part(db, program, mentee.person_id, "mentee", STAGE_TRAINED, 0, 1, true);
    int64_t mo = fx_part(db, program, mentor.person_id, "mentor", STAGE_TRAINED, 2, 0, true);
    struct svc_participation p;
    struct svc_participation_view v;
    assert_int_equal(svc_participation_get(db, &mentee, program, me, &p, &v), SVC_OK);
    assert_true(v.self && v.full && !v.coordinator);
    assert_int_equal(v.access, PERM_WRITE);
    svc_participation_cleanup(&p);
    assert_int_equal(svc_participation_get(db, &c, program, me, &p, &v), SVC_OK);
    assert_true(!v.self && v.full && v.coordinator);
    svc_participation_cleanup(&p);
    /* Strangers and the mentor before matching learn nothing. */
    assert_int_equal(svc_participation_get(db, &stranger, program, me, &p, &v), SVC_NOT_FOUND);
    assert_int_equal(svc_participation_get(db, &mentor, program, me, &p, &v), SVC_NOT_FOUND);
    assert_int_equal(svc_participation_get(db, &c, program + 1, me, &p, &v), SVC_NOT_FOUND);
    /* Matched, the partner reads the profile, not the rest. */
    struct svc_rel_new rel = {.mentor = mo, .mentees = &me, .n = 1, .source = "manual"};
    int64_t rid;
    verr e = VERR_COLLECT;
    assert_int_equal(svc_relationship_create(db, &c, program, &cfg, &rel, &rid, &e), SVC_OK);
    assert_int_equal(svc_participation_get(db, &mentor, program, me, &p, &v), SVC_OK);
    assert_true(!v.self && !v.full);
    assert_int_equal(v.access, PERM_READ);
    struct svc_participation_detail d;
    assert_int_equal(svc_participation_detail(db, &p, &d), SVC_OK);
    assert_true(d.has_person);
    assert_string_equal(d.person.name, "Mia");
    assert_true(d.reached_at[STAGE_TRAINED] > 0 && d.reached_at[STAGE_MATCHED] > 0);
    assert_int_equal(d.reached_at[STAGE_DECLINED], 0);
    svc_participation_detail_cleanup(&d);
    svc_participation_cleanup(&p);
    program_config_cleanup(&cfg);
}

static void test_changing_a_participation(void **state)
{
    store *db = *state;
    int64_t coord = fx_person(db, "Coordinator", 0);
    int64_t program = fx_program(
        db, coord,
        "{\"selection\": {\"questions\": [{\"id\": \"why\", \"type\": \"text\", \"label\": "
        "\"W\", \"required\": true}], \"profile_fields\": {\"expertise\": {\"options\": "
        "[\"SQL\"]}}}, \"matching\": {\"max_mentors_per_mentee\": 2}}");
    struct program_config cfg = fx_config(db, program);
    svc_actor ann = {.person_id = fx_person(db, "Ann", 0)};
    int64_t id = fx_part(db, program, ann.person_id, "mentee", STAGE_APPROVED, 0, 1, false);
    struct svc_participation p;
    assert_int_equal(svc_participation_load(db, program, id, &p), SVC_OK);
    json_t *bad = json_pack("{s:[s]}", "expertise", "Cobol");
    json_t *answers = json_pack("{s:s}", "nope", "x");
    struct enrolment_change in = {
        .profile = bad, .answers = answers, .numbers = {.has_wants = true, .wants = 3}};
    verr e = VERR_COLLECT;
    assert_int_equal(svc_participation_update(db, &ann, &cfg, &p, &in, 10, &e), SVC_INVALID);
    assert_int_equal(v_count(&e), 4); /* wants, expertise[0], answers.nope, answers.why */
    /* Nothing was written; the program's maximum holds for everyone. */
    assert_int_equal(fx_count(db, "SELECT wants FROM participations WHERE id = ?1", id), 1);
    json_t *good = json_pack("{s:[s], s:s}", "expertise", "SQL", "time_zone", "Europe/Lisbon");
    json_t *fine = json_pack("{s:s}", "why", "to learn");
    struct enrolment_change ok = {
        .profile = good, .answers = fine, .numbers = {.has_wants = true, .wants = 2}};
    e = VERR_COLLECT;
    assert_int_equal(svc_participation_update(db, &ann, &cfg, &p, &ok, 20, &e), SVC_OK);
    assert_int_equal(fx_count(db, "SELECT wants FROM participations WHERE id = ?1", id), 2);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM people WHERE id = ?1 AND time_zone = "
                              "'Europe/Lisbon'",
                              ann.person_id),
                     1);
    svc_participation_cleanup(&p);
    assert_int_equal(svc_participation_load(db, program, id, &p), SVC_OK);
    assert_string_equal(json_string_value(json_object_get(p.application, "why")), "to learn");
    /* Withdrawing, once. */
    e = VERR_COLLECT;
    assert_int_equal(svc_participation_withdraw(db, &ann, &p, "status", 30, &e), SVC_OK);
    svc_participation_cleanup(&p);
    assert_int_equal(svc_participation_load(db, program, id, &p), SVC_OK);
    assert_int_equal(p.status, STAGE_WITHDRAWN);
    e = VERR_COLLECT;
    assert_int_equal(svc_participation_withdraw(db, &ann, &p, "status", 40, &e), SVC_REFUSED);
    assert_string_equal(e.field, "status");
    svc_participation_cleanup(&p);
    json_decref(bad);
    json_decref(answers);
    json_decref(good);
    json_decref(fine);
    program_config_cleanup(&cfg);
}

static void test_the_participant_list(void **state)
{
    store *db = *state;
    int64_t program = fx_program(db, fx_person(db, "Coordinator", 0), "{}");
    fx_part(db, program, fx_person(db, "Cleo", 0), "mentee", STAGE_APPLIED, 0, 1, false);
    fx_part(db, program, fx_person(db, "Abe", 0), "mentor", STAGE_APPROVED, 3, 0, false);
    fx_part(db, program, fx_person(db, "Bea", 0), "mentee", STAGE_APPROVED, 0, 1, false);
    struct svc_participant_filter f = {.limit = 10};
    struct svc_participant_page page;
    assert_int_equal(svc_participation_list(db, program, &f, &page), SVC_OK);
    assert_int_equal(page.total, 4); /* the coordinator too */
    assert_string_equal(page.items[0].name, "Abe");
    assert_int_equal(page.items[0].capacity, 3);
    svc_participant_page_cleanup(&page);
    f.role = "mentee";
    f.sort = svc_participation_sort_parse("-name");
    assert_int_equal(svc_participation_list(db, program, &f, &page), SVC_OK);
    assert_int_equal(page.n, 2);
    assert_string_equal(page.items[0].name, "Cleo");
    svc_participant_page_cleanup(&page);
    f.status = "approved";
    f.q = "BE";
    assert_int_equal(svc_participation_list(db, program, &f, &page), SVC_OK);
    assert_int_equal(page.total, 1);
    assert_string_equal(page.items[0].name, "Bea");
    svc_participant_page_cleanup(&page);
    assert_int_equal(svc_participation_sort_parse("status"), 2);
    assert_int_equal(svc_participation_sort_parse("shoe"), -1);
    assert_int_equal(svc_participation_sort_parse(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_stages_move_forward),
        FX_TEST(test_whose_participation),
        FX_TEST(test_outbox),
        FX_TEST(test_mentor_cards),
        FX_TEST(test_who_sees_a_participation),
        FX_TEST(test_changing_a_participation),
        FX_TEST(test_the_participant_list),
    };
    return FX_MAIN("service/participation", tests);
}
