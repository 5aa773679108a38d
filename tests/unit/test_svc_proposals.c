/* test_svc_proposals.c - service/proposals.c and the engine's input
 * (service/match_input.c) against a real database: who goes into a
 * proposal, hand edits, and publishing. */
#include "svc_fixture.h"

#include "service/match_input.h"
#include "service/proposals.h"

struct world {
    store *db;
    int64_t program;
    svc_actor coord;
    struct program_config cfg;
    int64_t mentors[2], mentees[3];
};

static void set_profile(store *db, int64_t part, const char *json)
{
    store_val p[] = {SV_INT(part), SV_TEXT(json)};
    assert_int_equal(
        store_exec(db, "UPDATE participations SET profile = ?2 WHERE id = ?1", p, 2, NULL),
        STORE_OK);
}

/* Two trained mentors taking one mentee each; three mentees, of whom the
 * last is approved but untrained (so the training gate keeps them out). */
static struct world world(void **state)
{
    struct world w = {.db = *state};
    w.coord.person_id = fx_person(w.db, "Coordinator", 0);
    w.program = fx_program(w.db, w.coord.person_id,
                           "{\"matching\": {\"criteria\": [{\"name\": \"skills\", \"kind\": "
                           "\"overlap\", \"mentee_field\": \"development_needs\", "
                           "\"mentor_field\": \"expertise\", \"weight\": 1}]}}");
    w.cfg = fx_config(w.db, w.program);
    const char *mentor_names[] = {"Ruth", "Otto"}, *mentee_names[] = {"Ada", "Ben", "Cai"};
    for (int i = 0; i < 2; i++) {
        w.mentors[i] = fx_part(w.db, w.program, fx_person(w.db, mentor_names[i], 0), "mentor",
                               STAGE_TRAINED, 1, 0, true);
        set_profile(w.db, w.mentors[i],
                    i ? "{\"expertise\": [\"go\"]}" : "{\"expertise\": [\"sql\"]}");
    }
    for (int i = 0; i < 3; i++) {
        w.mentees[i] = fx_part(w.db, w.program, fx_person(w.db, mentee_names[i], 0), "mentee",
                               i < 2 ? STAGE_TRAINED : STAGE_APPROVED, 0, 1, i < 2);
        set_profile(w.db, w.mentees[i],
                    i == 1 ? "{\"development_needs\": [\"go\"]}"
                           : "{\"development_needs\": [\"sql\"]}");
    }
    return w;
}

static void test_the_input_holds_the_eligible(void **state)
{
    struct world w = world(state);
    struct match_input mi;
    char err[256];
    assert_int_equal(svc_match_input_build(w.db, w.program, &w.cfg, 0, false, &mi, err, sizeof err),
                     SVC_OK);
    assert_int_equal(mi.nmentors, 2);
    assert_int_equal(mi.nmentees, 2); /* Cai is not trained */
    assert_true(svc_match_input_mentee(&mi, w.mentees[2]) < 0);
    assert_true(svc_match_input_mentee(&mi, w.mentees[1]) >= 0);
    svc_match_input_cleanup(&mi);
    /* Without the gate Cai comes in; a withdrawn mentee never does. */
    w.cfg.training.required_before_matching = false;
    assert_int_equal(svc_participation_stage(w.db, w.mentees[0], STAGE_WITHDRAWN, 5), STORE_OK);
    assert_int_equal(svc_match_input_build(w.db, w.program, &w.cfg, 0, false, &mi, err, sizeof err),
                     SVC_OK);
    assert_int_equal(mi.nmentees, 2);
    assert_true(svc_match_input_mentee(&mi, w.mentees[2]) >= 0);
    assert_true(svc_match_input_mentee(&mi, w.mentees[0]) < 0);
    svc_match_input_cleanup(&mi);
    svc_match_input_cleanup(NULL);
    program_config_cleanup(&w.cfg);
}

static void test_make_list_and_get(void **state)
{
    struct world w = world(state);
    int64_t id;
    verr e = {0};
    assert_int_equal(svc_proposal_make(w.db, &w.coord, w.program, &w.cfg, &id, &e), SVC_OK);
    struct svc_run r;
    assert_int_equal(svc_proposal_get(w.db, id, &r), SVC_OK);
    assert_string_equal(r.status, "proposed");
    assert_string_equal(r.objective, "total");
    assert_int_equal(r.npairs, 2);
    for (size_t i = 0; i < r.npairs; i++)
        assert_true(r.pairs[i].score == 1.0); /* each mentee with the mentor of their skill */
    svc_run_cleanup(&r);
    struct svc_run_summary *runs;
    size_t n;
    assert_int_equal(svc_proposal_list(w.db, w.program, &runs, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(runs[0].pairs, 2);
    free(runs);
    assert_int_equal(svc_proposal_get(w.db, 9999, &r), SVC_NOT_FOUND);
    program_config_cleanup(&w.cfg);
}

static void test_only_coordinators_open_a_proposal(void **state)
{
    struct world w = world(state);
    int64_t id;
    verr e = {0};
    assert_int_equal(svc_proposal_make(w.db, &w.coord, w.program, &w.cfg, &id, &e), SVC_OK);
    struct svc_run_head head;
    assert_int_equal(svc_proposal_open(w.db, &w.coord, id, true, &head, &e), SVC_OK);
    svc_actor mentor = {
        .person_id =
            fx_count(w.db, "SELECT person_id FROM participations WHERE id = ?1", w.mentors[0])};
    assert_int_equal(svc_proposal_open(w.db, &mentor, id, false, &head, &e), SVC_NOT_FOUND);
    svc_actor admin = {.person_id = fx_person(w.db, "Admin", 0), .site_role = SITE_ADMIN};
    assert_int_equal(svc_proposal_open(w.db, &admin, id, false, &head, &e), SVC_OK);
    program_config_cleanup(&w.cfg);
}

static void test_hand_edits(void **state)
{
    struct world w = world(state);
    int64_t id;
    verr e = {0};
    assert_int_equal(svc_proposal_make(w.db, &w.coord, w.program, &w.cfg, &id, &e), SVC_OK);
    struct svc_run_head run;
    assert_int_equal(svc_proposal_open(w.db, &w.coord, id, true, &run, &e), SVC_OK);
    int64_t ada = w.mentees[0], ben = w.mentees[1], ruth = w.mentors[0], otto = w.mentors[1];
    /* Ada is with Ruth, Ben with Otto. */
    assert_int_equal(svc_proposal_edit(w.db, &w.coord, &run, PAIR_LOCK, ada, otto, &e),
                     SVC_INVALID);
    assert_string_equal(e.msg, "only a pair in the proposal can be locked");
    assert_int_equal(svc_proposal_edit(w.db, &w.coord, &run, PAIR_LOCK, ada, ruth, &e), SVC_OK);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM pair_rules WHERE program_id = ?1 AND rule = "
                              "'lock'",
                              w.program),
                     1);
    assert_int_equal(svc_proposal_edit(w.db, &w.coord, &run, PAIR_ADD, ada, ruth, &e), SVC_REFUSED);
    assert_string_equal(e.msg, "that pair is in the proposal already");
    /* Otto takes one mentee and has Ben. */
    assert_int_equal(svc_proposal_edit(w.db, &w.coord, &run, PAIR_ADD, ada, otto, &e), SVC_REFUSED);
    assert_string_equal(e.field, "mentor");
    assert_int_equal(svc_proposal_edit(w.db, &w.coord, &run, PAIR_EXCLUDE, ben, otto, &e), SVC_OK);
    /* Ben has no mentor now; Ruth is full; Otto is free but excluded with Ben. */
    assert_int_equal(svc_proposal_edit(w.db, &w.coord, &run, PAIR_ADD, ben, otto, &e), SVC_REFUSED);
    assert_string_equal(e.msg, "the pair is not allowed: forbidden");
    assert_int_equal(svc_proposal_edit(w.db, &w.coord, &run, PAIR_INCLUDE, ben, otto, &e), SVC_OK);
    assert_int_equal(svc_proposal_edit(w.db, &w.coord, &run, PAIR_ADD, ben, otto, &e), SVC_OK);
    assert_int_equal(svc_proposal_edit(w.db, &w.coord, &run, PAIR_REMOVE, ada, otto, &e),
                     SVC_INVALID);
    assert_int_equal(svc_proposal_edit(w.db, &w.coord, &run, PAIR_REMOVE, ben, otto, &e), SVC_OK);
    struct svc_run r;
    assert_int_equal(svc_proposal_get(w.db, id, &r), SVC_OK);
    assert_int_equal(r.npairs, 1);
    assert_true(r.pairs[0].locked);
    assert_int_equal(r.version, 1 + 5); /* each accepted edit counts */
    svc_run_cleanup(&r);
    program_config_cleanup(&w.cfg);
}

static void test_publish(void **state)
{
    struct world w = world(state);
    int64_t first, second;
    verr e = {0};
    assert_int_equal(svc_proposal_make(w.db, &w.coord, w.program, &w.cfg, &first, &e), SVC_OK);
    assert_int_equal(svc_proposal_make(w.db, &w.coord, w.program, &w.cfg, &second, &e), SVC_OK);
    struct svc_run_head run;
    assert_int_equal(svc_proposal_open(w.db, &w.coord, second, false, &run, &e), SVC_OK);
    int64_t *made;
    size_t n;
    assert_int_equal(svc_proposal_publish(w.db, &w.coord, &run, &made, &n, &e), SVC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM relationships WHERE run_id = ?1 AND source = "
                              "'admin'",
                              second),
                     2);
    free(made);
    struct svc_run r;
    assert_int_equal(svc_proposal_get(w.db, second, &r), SVC_OK);
    assert_string_equal(r.status, "published");
    assert_true(r.published_at > 0);
    svc_run_cleanup(&r);
    assert_int_equal(svc_proposal_get(w.db, first, &r), SVC_OK);
    assert_string_equal(r.status, "superseded");
    svc_run_cleanup(&r);
    /* Published once only, and not edited any more. */
    assert_int_equal(svc_proposal_publish(w.db, &w.coord, &run, &made, &n, &e), SVC_REFUSED);
    assert_string_equal(e.msg, "this proposal is published already");
    assert_null(made);
    assert_int_equal(svc_proposal_open(w.db, &w.coord, second, true, &run, &e), SVC_REFUSED);
    program_config_cleanup(&w.cfg);
}

static void test_publish_refuses_a_broken_rule(void **state)
{
    struct world w = world(state);
    int64_t id;
    verr e = {0};
    assert_int_equal(svc_proposal_make(w.db, &w.coord, w.program, &w.cfg, &id, &e), SVC_OK);
    /* Meanwhile Ada withdraws. */
    assert_int_equal(svc_participation_stage(w.db, w.mentees[0], STAGE_WITHDRAWN, 9), STORE_OK);
    struct svc_run_head run;
    assert_int_equal(svc_proposal_open(w.db, &w.coord, id, false, &run, &e), SVC_OK);
    int64_t *made;
    size_t n;
    assert_int_equal(svc_proposal_publish(w.db, &w.coord, &run, &made, &n, &e), SVC_REFUSED);
    assert_string_equal(e.field, "");
    assert_non_null(strstr(e.msg, "nothing was published"));
    assert_non_null(strstr(e.msg, "not approved (withdrawn)"));
    program_config_cleanup(&w.cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_the_input_holds_the_eligible),
        FX_TEST(test_make_list_and_get),
        FX_TEST(test_only_coordinators_open_a_proposal),
        FX_TEST(test_hand_edits),
        FX_TEST(test_publish),
        FX_TEST(test_publish_refuses_a_broken_rule),
    };
    return FX_MAIN("service/proposals", tests);
}
