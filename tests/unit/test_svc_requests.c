/* test_svc_requests.c - service/requests.c against a real database:
 * who may ask, the checks of a new request, the answers, the inbox rule,
 * and expiry with its cascade (what the expire-requests job runs). */
#include "svc_fixture.h"

#include "base/clock.h"
#include "service/requests.h"

#define DAY 86400

struct world {
    store *db;
    int64_t program;
    int64_t ruth, otto, emil;         /* people */
    int64_t mentor1, mentor2, mentee; /* their participations */
    svc_actor as_ruth, as_otto, as_emil;
    struct program_config cfg;
};

static void set_profile(store *db, int64_t part, const char *json)
{
    store_val p[] = {SV_INT(part), SV_TEXT(json)};
    assert_int_equal(
        store_exec(db, "UPDATE participations SET profile = ?2 WHERE id = ?1", p, 2, NULL),
        STORE_OK);
}

static struct world world(void **state, const char *mode)
{
    struct world w = {.db = *state};
    char json[512];
    str_fmt(json, sizeof json,
            "{\"training\": {\"required_before_matching\": false}, \"matching\": {\"mode\": "
            "\"%s\", \"request_expiry_days\": 3, \"criteria\": [{\"name\": \"skills\", \"kind\": "
            "\"overlap\", \"mentee_field\": \"development_needs\", \"mentor_field\": "
            "\"expertise\", \"weight\": 1}]}}",
            mode);
    w.program = fx_program(w.db, fx_person(w.db, "Coordinator", 0), json);
    w.cfg = fx_config(w.db, w.program);
    w.ruth = fx_person(w.db, "Ruth", 0);
    w.otto = fx_person(w.db, "Otto", 0);
    w.emil = fx_person(w.db, "Emil", 0);
    w.mentor1 = fx_part(w.db, w.program, w.ruth, "mentor", STAGE_APPROVED, 1, 0, false);
    w.mentor2 = fx_part(w.db, w.program, w.otto, "mentor", STAGE_APPROVED, 1, 0, false);
    w.mentee = fx_part(w.db, w.program, w.emil, "mentee", STAGE_APPROVED, 0, 1, false);
    set_profile(w.db, w.mentor1, "{\"expertise\": [\"sql\", \"go\"]}");
    set_profile(w.db, w.mentor2, "{\"expertise\": [\"sql\"]}");
    set_profile(w.db, w.mentee, "{\"development_needs\": [\"sql\", \"go\"]}");
    w.as_ruth = (svc_actor){.person_id = w.ruth};
    w.as_otto = (svc_actor){.person_id = w.otto};
    w.as_emil = (svc_actor){.person_id = w.emil};
    return w;
}

static int ask(struct world *w, const int64_t *mentors, size_t n, int64_t *id, verr *e)
{
    struct request_new in = {.mentors = mentors, .n = n, .message = "please"};
    memset(e, 0, sizeof *e);
    return svc_request_create(w->db, &w->as_emil, w->program, &w->cfg, w->mentee, &in, id, e);
}

static void test_who_may_ask(void **state)
{
    struct world w = world(state, "self");
    struct program_config cfg;
    int64_t mentee;
    verr e = {0};
    assert_int_equal(
        svc_request_asker(w.db, &w.as_emil, w.program, "mentees only", &mentee, &cfg, &e), SVC_OK);
    assert_int_equal(mentee, w.mentee);
    program_config_cleanup(&cfg);
    assert_int_equal(
        svc_request_asker(w.db, &w.as_ruth, w.program, "mentees only", &mentee, &cfg, &e),
        SVC_FORBIDDEN);
    assert_string_equal(e.msg, "mentees only");
    program_config_cleanup(&w.cfg);
    struct world a = world(state, "admin");
    assert_int_equal(
        svc_request_asker(a.db, &a.as_emil, a.program, "mentees only", &mentee, &cfg, &e),
        SVC_FORBIDDEN);
    assert_string_equal(e.msg, "in this program the coordinators make the matches");
    program_config_cleanup(&a.cfg);
}

static void test_recommendations_rank_by_the_criteria(void **state)
{
    struct world w = world(state, "self");
    struct svc_recommendations rec;
    verr e = {0};
    assert_int_equal(svc_request_recommend(w.db, w.program, &w.cfg, w.mentee, &rec, &e), SVC_OK);
    assert_int_equal(rec.rk->n, 2);
    assert_int_equal(rec.mi.mentor_part[rec.rk->items[0].mentor], w.mentor1);
    assert_true(rec.rk->items[0].score > rec.rk->items[1].score);
    svc_recommendations_cleanup(&rec);
    /* Once matched to the one mentor they want, there is nothing to rank. */
    int64_t id;
    int64_t one[] = {w.mentor1};
    assert_int_equal(ask(&w, one, 1, &id, &e), SVC_OK);
    struct svc_request r;
    bool m, t;
    assert_int_equal(svc_request_open(w.db, &w.as_ruth, id, &r, &m, &t), SVC_OK);
    assert_int_equal(svc_request_answer(w.db, &w.as_ruth, &r, REQUEST_ACCEPT, "", &e), SVC_OK);
    svc_request_cleanup(&r);
    assert_int_equal(svc_request_recommend(w.db, w.program, &w.cfg, w.mentee, &rec, &e),
                     SVC_REFUSED);
    program_config_cleanup(&w.cfg);
}

static void test_a_request_is_checked(void **state)
{
    struct world w = world(state, "self");
    int64_t id;
    verr e;
    int64_t twice[] = {w.mentor1, w.mentor1};
    assert_int_equal(ask(&w, twice, 2, &id, &e), SVC_INVALID);
    assert_string_equal(e.field, "mentors[1]");
    int64_t nobody[] = {w.mentee};
    assert_int_equal(ask(&w, nobody, 1, &id, &e), SVC_INVALID);
    assert_string_equal(e.msg, "not a mentor of this program");
    assert_int_equal(ask(&w, nobody, 0, &id, &e), SVC_INVALID);
    int64_t both[] = {w.mentor1, w.mentor2};
    assert_int_equal(ask(&w, both, 2, &id, &e), SVC_OK);
    /* One waiting request at a time. */
    int64_t again[] = {w.mentor2};
    assert_int_equal(ask(&w, again, 1, &id, &e), SVC_REFUSED);
    assert_string_equal(e.field, "mentors");
    /* The first mentor was asked and mailed. */
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM outbox WHERE kind = 'request' AND "
                              "to_person_id = ?1",
                              w.ruth),
                     1);
    program_config_cleanup(&w.cfg);
}

static void test_answers(void **state)
{
    struct world w = world(state, "self");
    int64_t id;
    verr e;
    int64_t both[] = {w.mentor1, w.mentor2};
    assert_int_equal(ask(&w, both, 2, &id, &e), SVC_OK);
    struct svc_request r;
    bool as_mentee, as_mentor;
    /* Only the mentee and the mentor asked now know the request. */
    assert_int_equal(svc_request_open(w.db, &w.as_otto, id, &r, &as_mentee, &as_mentor),
                     SVC_NOT_FOUND);
    assert_int_equal(svc_request_open(w.db, &w.as_emil, id, &r, &as_mentee, &as_mentor), SVC_OK);
    assert_true(as_mentee && !as_mentor);
    assert_int_equal(svc_request_answer(w.db, &w.as_emil, &r, REQUEST_ACCEPT, "", &e),
                     SVC_FORBIDDEN);
    assert_string_equal(e.msg, "only the mentor asked answers a request");
    svc_request_cleanup(&r);
    /* Ruth declines: Otto is asked. */
    assert_int_equal(svc_request_open(w.db, &w.as_ruth, id, &r, &as_mentee, &as_mentor), SVC_OK);
    assert_int_equal(svc_request_answer(w.db, &w.as_ruth, &r, REQUEST_WITHDRAW, "", &e),
                     SVC_FORBIDDEN);
    assert_int_equal(svc_request_answer(w.db, &w.as_ruth, &r, REQUEST_DECLINE, "full", &e), SVC_OK);
    assert_int_equal(r.mentor, w.mentor2);
    assert_int_equal(r.current, 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r.history, 0), "outcome")),
                        "full");
    svc_request_cleanup(&r);
    /* Otto accepts: the relationship is made and the mentee told. */
    assert_int_equal(svc_request_open(w.db, &w.as_otto, id, &r, &as_mentee, &as_mentor), SVC_OK);
    assert_int_equal(svc_request_answer(w.db, &w.as_otto, &r, REQUEST_ACCEPT, "Gladly", &e),
                     SVC_OK);
    assert_string_equal(r.status, "accepted");
    assert_true(r.relationship_id > 0);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM outbox WHERE kind = 'request_accepted' AND "
                              "to_person_id = ?1",
                              w.emil),
                     1);
    assert_int_equal(svc_request_answer(w.db, &w.as_otto, &r, REQUEST_ACCEPT, "", &e), SVC_REFUSED);
    assert_string_equal(e.msg, "this request is accepted");
    svc_request_cleanup(&r);
    program_config_cleanup(&w.cfg);
}

static void test_the_inbox_shows_what_reached_each(void **state)
{
    struct world w = world(state, "self");
    int64_t id;
    verr e;
    int64_t both[] = {w.mentor1, w.mentor2};
    assert_int_equal(ask(&w, both, 2, &id, &e), SVC_OK);
    struct svc_request *items;
    size_t n;
    assert_int_equal(svc_request_list(w.db, &w.as_otto, w.program, false, &items, &n), STORE_OK);
    assert_int_equal(n, 0); /* not asked yet */
    svc_request_list_free(items, n);
    assert_int_equal(svc_request_list(w.db, &w.as_ruth, w.program, false, &items, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].mentee_name, "Emil");
    assert_string_equal(items[0].choice_names[1], "Otto");
    svc_request_list_free(items, n);
    assert_int_equal(svc_request_list(w.db, &w.as_emil, w.program, true, &items, &n), STORE_OK);
    assert_int_equal(n, 1);
    svc_request_list_free(items, n);
    program_config_cleanup(&w.cfg);
}

static void test_expiry_cascades_and_ends(void **state)
{
    struct world w = world(state, "self");
    int64_t id, ids[8];
    size_t n;
    bool moved;
    verr e;
    int64_t both[] = {w.mentor1, w.mentor2};
    assert_int_equal(ask(&w, both, 2, &id, &e), SVC_OK);
    struct svc_request r;
    assert_int_equal(svc_request_get(w.db, id, &r), SVC_OK);
    int64_t due_at = r.expires_at;
    svc_request_cleanup(&r);
    assert_int_equal(due_at - r.asked_at, 3 * DAY);
    /* Not due a second early; due at the time. */
    assert_int_equal(svc_requests_due(w.db, due_at - 1, ids, 8, &n), STORE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(svc_requests_due(w.db, due_at, ids, 8, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(svc_request_expire(w.db, id, due_at, &moved), STORE_OK);
    assert_true(moved);
    assert_int_equal(svc_request_get(w.db, id, &r), SVC_OK);
    assert_int_equal(r.mentor, w.mentor2);
    assert_int_equal(r.asked_at, due_at);
    assert_int_equal(r.expires_at, due_at + 3 * DAY);
    svc_request_cleanup(&r);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM outbox WHERE kind = 'request' AND "
                              "to_person_id = ?1",
                              w.otto),
                     1);
    /* Running again at the same time changes nothing. */
    assert_int_equal(svc_request_expire(w.db, id, due_at, &moved), STORE_OK);
    assert_false(moved);
    /* Too late to answer, even before the job came by. */
    bool m, t;
    assert_int_equal(svc_request_open(w.db, &w.as_otto, id, &r, &m, &t), SVC_OK);
    store_val p[] = {SV_INT(id), SV_INT(clock_now() - 1)};
    assert_int_equal(
        store_exec(w.db, "UPDATE mentoring_requests SET expires_at = ?2 WHERE id = ?1", p, 2, NULL),
        STORE_OK);
    svc_request_cleanup(&r);
    assert_int_equal(svc_request_open(w.db, &w.as_otto, id, &r, &m, &t), SVC_OK);
    assert_int_equal(svc_request_answer(w.db, &w.as_otto, &r, REQUEST_ACCEPT, "", &e), SVC_REFUSED);
    assert_string_equal(e.msg, "this request expired before your answer");
    svc_request_cleanup(&r);
    /* The last choice runs out: it ends, and the mentee is told. */
    assert_int_equal(svc_request_expire(w.db, id, clock_now(), &moved), STORE_OK);
    assert_true(moved);
    assert_int_equal(svc_request_get(w.db, id, &r), SVC_OK);
    assert_string_equal(r.status, "expired");
    assert_int_equal(json_array_size(r.history), 2);
    svc_request_cleanup(&r);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM outbox WHERE kind = 'request_closed' AND "
                              "to_person_id = ?1",
                              w.emil),
                     1);
    assert_int_equal(svc_request_expire(w.db, 424242, clock_now(), &moved), STORE_OK);
    program_config_cleanup(&w.cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_who_may_ask),
        FX_TEST(test_recommendations_rank_by_the_criteria),
        FX_TEST(test_a_request_is_checked),
        FX_TEST(test_answers),
        FX_TEST(test_the_inbox_shows_what_reached_each),
        FX_TEST(test_expiry_cascades_and_ends),
    };
    return FX_MAIN("service/requests", tests);
}
