/* test_svc_enrolment.c - service/enrolment.c and service/review.c against
 * a real database (SQLite and PostgreSQL): applying in and out of the
 * enrolment window, invite-only programs, coordinators adding and
 * inviting people, the single-use invitation link, and review with its
 * mail, one by one and all or nothing. */
#include "svc_fixture.h"

#include "base/clock.h"
#include "service/enrolment.h"
#include "service/review.h"

static const char *PROGRAM =
    "{\"selection\": {\"access\": \"approval\", \"questions\": ["
    "  {\"id\": \"motivation\", \"role\": \"both\", \"type\": \"long_text\", \"label\": \"Why?\","
    "   \"required\": true},"
    "  {\"id\": \"track\", \"role\": \"mentee\", \"type\": \"single_choice\", \"label\": \"T\","
    "   \"options\": [\"tech\", \"people\"], \"required\": true}],"
    " \"profile_fields\": {\"expertise\": {\"options\": [\"SQL\", \"Python\"]}}},"
    " \"training\": {\"modules\": [{\"id\": \"m\", \"role\": \"mentee\", \"title\": \"M\"}]},"
    " \"dates\": {\"enrolment_opens\": \"2027-01-10\", \"enrolment_closes\": \"2027-01-20\"}}";

static int64_t at(const char *when)
{
    int64_t t;
    assert_int_equal(clock_parse(when, &t), 0);
    return t;
}

static const char *field_at(const verr *e, int i)
{
    const char *f, *m;
    return verr_at(e, i, &f, &m) ? f : NULL;
}

static json_t *obj(const char *text)
{
    json_t *o = json_loads(text, 0, NULL);
    assert_non_null(o);
    return o;
}

static void test_applying_in_the_window(void **state)
{
    store *db = *state;
    int64_t program = fx_program(db, fx_person(db, "Coordinator", 0), PROGRAM);
    struct program_config cfg = fx_config(db, program);
    svc_actor ann = {.person_id = fx_person(db, "Ann", 0)};
    json_t *answers = obj("{\"motivation\": \"grow\", \"track\": \"tech\"}");
    struct enrolment_application in = {.role = "mentee", .answers = answers};
    int64_t part;
    /* Before enrolment opens, and after it closes: refused, naming the date. */
    verr e = VERR_COLLECT;
    assert_int_equal(
        svc_enrolment_apply(db, &ann, program, &cfg, &in, at("2027-01-09T23:00:00Z"), &part, &e),
        SVC_INVALID);
    assert_string_equal(e.field, "dates.enrolment_opens");
    assert_non_null(strstr(e.msg, "2027-01-10"));
    e = VERR_COLLECT;
    assert_int_equal(
        svc_enrolment_apply(db, &ann, program, &cfg, &in, at("2027-01-21T00:00:00Z"), &part, &e),
        SVC_INVALID);
    assert_string_equal(e.field, "dates.enrolment_closes");
    assert_int_equal(
        fx_count(db, "SELECT COUNT(*) FROM participations WHERE program_id = ?1", program),
        1); /* the coordinator alone */
    /* In the window: applied, waiting for review. */
    e = VERR_COLLECT;
    assert_int_equal(
        svc_enrolment_apply(db, &ann, program, &cfg, &in, at("2027-01-20T23:00:00Z"), &part, &e),
        SVC_OK);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM participations WHERE id = ?1 AND status = "
                              "'applied' AND wants = 1",
                              part),
                     1);
    /* Twice in the role: refused. */
    e = VERR_COLLECT;
    assert_int_equal(
        svc_enrolment_apply(db, &ann, program, &cfg, &in, at("2027-01-15T00:00:00Z"), &part, &e),
        SVC_REFUSED);
    assert_string_equal(e.field, "role");
    json_decref(answers);
    program_config_cleanup(&cfg);
}

static void test_every_bad_field_of_an_application(void **state)
{
    store *db = *state;
    int64_t program = fx_program(db, fx_person(db, "Coordinator", 0), PROGRAM);
    struct program_config cfg = fx_config(db, program);
    svc_actor bo = {.person_id = fx_person(db, "Bo", 0)};
    json_t *answers = obj("{\"track\": \"art\"}");
    json_t *profile = obj("{\"expertise\": [\"Cobol\"]}");
    struct enrolment_application in = {.role = "mentee",
                                       .answers = answers,
                                       .profile = profile,
                                       .numbers = {.has_wants = true, .wants = 4}};
    verr e = VERR_COLLECT;
    v_fail(&e, "", "colour", "unknown field"); /* the caller's own check of the body */
    int64_t part;
    assert_int_equal(
        svc_enrolment_apply(db, &bo, program, &cfg, &in, at("2027-01-15T00:00:00Z"), &part, &e),
        SVC_INVALID);
    assert_int_equal(v_count(&e), 5);
    assert_string_equal(e.field, "colour");
    assert_string_equal(field_at(&e, 1), "wants");
    assert_string_equal(field_at(&e, 2), "profile.expertise[0]");
    assert_string_equal(field_at(&e, 3), "answers.motivation");
    assert_string_equal(field_at(&e, 4), "answers.track");
    assert_int_equal(
        fx_count(db, "SELECT COUNT(*) FROM participations WHERE person_id = ?1", bo.person_id), 0);
    json_decref(answers);
    json_decref(profile);
    program_config_cleanup(&cfg);
}

static void test_open_programs_approve_and_train_at_once(void **state)
{
    store *db = *state;
    int64_t program = fx_program(db, fx_person(db, "Coordinator", 0),
                                 "{\"selection\": {\"access\": \"open\", "
                                 "\"questions\": []}}");
    struct program_config cfg = fx_config(db, program);
    svc_actor cy = {.person_id = fx_person(db, "Cy", 0)};
    struct enrolment_application in = {.role = "mentor",
                                       .numbers = {.has_capacity = true, .capacity = 3}};
    verr e = VERR_COLLECT;
    int64_t part;
    assert_int_equal(svc_enrolment_apply(db, &cy, program, &cfg, &in, 100, &part, &e), SVC_OK);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM participations WHERE id = ?1 AND status = "
                              "'trained' AND capacity = 3 AND wants IS NULL",
                              part),
                     1);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM participation_stages WHERE participation_id = "
                              "?1 AND stage IN ('applied', 'approved', 'trained')",
                              part),
                     3);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM audit_events WHERE action = "
                              "'participant.apply' AND entity_id = ?1",
                              part),
                     1);
    program_config_cleanup(&cfg);
}

static void test_invite_only_and_coordinators_adding_people(void **state)
{
    store *db = *state;
    svc_configure(&(struct svc_config){.public_url = "https://tandem.example"});
    int64_t coord = fx_person(db, "Coordinator", 0);
    int64_t program =
        fx_program(db, coord,
                   "{\"selection\": {\"access\": \"invite_only\", \"questions\": []}, \"dates\": "
                   "{\"enrolment_opens\": \"2027-01-10\", \"enrolment_closes\": \"2027-01-20\"}}");
    struct program_config cfg = fx_config(db, program);
    svc_actor stranger = {.person_id = fx_person(db, "Stranger", 0)};
    struct enrolment_application apply = {.role = "mentee"};
    verr e = VERR_COLLECT;
    int64_t part;
    /* Someone not invited does not learn the program exists. */
    assert_int_equal(svc_enrolment_apply(db, &stranger, program, &cfg, &apply, 0, &part, &e),
                     SVC_NOT_FOUND);
    /* A coordinator adds someone new, with an invitation. */
    svc_actor c = {.person_id = coord};
    struct enrolment_add add = {.email = "Dee@Example.org", .role = "mentee", .invite = true};
    e = VERR_COLLECT;
    assert_int_equal(svc_enrolment_add(db, &c, program, &cfg, &add, 50, &part, &e), SVC_INVALID);
    assert_string_equal(e.field, "name"); /* someone new needs a name */
    add.name = "Dee";
    e = VERR_COLLECT;
    assert_int_equal(svc_enrolment_add(db, &c, program, &cfg, &add, 50, &part, &e), SVC_OK);
    int64_t dee = fx_count(db, "SELECT person_id FROM participations WHERE id = ?1", part);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM people WHERE id = ?1 AND email = "
                              "'dee@example.org' AND password_hash IS NULL",
                              dee),
                     1);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM outbox WHERE to_person_id = ?1 AND kind = "
                              "'invitation' AND body LIKE '%https://tandem.example/invite/%'",
                              dee),
                     1);
    e = VERR_COLLECT;
    assert_int_equal(svc_enrolment_add(db, &c, program, &cfg, &add, 50, &part, &e), SVC_REFUSED);
    assert_string_equal(e.field, "email");
    /* The invited person applies after enrolment closed: their invitation
     * stands. */
    svc_actor d = {.person_id = dee};
    e = VERR_COLLECT;
    assert_int_equal(
        svc_enrolment_apply(db, &d, program, &cfg, &apply, at("2027-03-01T00:00:00Z"), &part, &e),
        SVC_OK);
    /* In another role they were not invited to: refused. */
    apply.role = "mentor";
    e = VERR_COLLECT;
    assert_int_equal(
        svc_enrolment_apply(db, &d, program, &cfg, &apply, at("2027-01-15T00:00:00Z"), &part, &e),
        SVC_FORBIDDEN);
    /* Coordinators and viewers take part at once. */
    struct enrolment_add viewer = {.email = "vi@example.org", .name = "Vi", .role = "viewer"};
    e = VERR_COLLECT;
    assert_int_equal(svc_enrolment_add(db, &c, program, &cfg, &viewer, 60, &part, &e), SVC_OK);
    assert_int_equal(
        fx_count(db, "SELECT COUNT(*) FROM participations WHERE id = ?1 AND status = 'approved'",
                 part),
        1);
    program_config_cleanup(&cfg);
}

static void test_an_invitation_link_works_once(void **state)
{
    store *db = *state;
    int64_t coord = fx_person(db, "Coordinator", 0);
    int64_t program = fx_program(db, coord, "{}");
    int64_t eve = fx_person(db, "Eve", 0);
    int64_t part = fx_part(db, program, eve, "mentor", STAGE_INVITED, 2, 0, false);
    /* The invitation as its e-mail carries it: the token is only in the mail. */
    svc_actor c = {.person_id = coord};
    assert_int_equal(svc_enrolment_invite(db, &c, part, 1000), STORE_OK);
    store_rows *rows;
    store_val p[] = {SV_INT(eve)};
    assert_int_equal(
        store_query(db, "SELECT body FROM outbox WHERE to_person_id = ?1", p, 1, &rows), STORE_OK);
    assert_int_equal(store_next(rows), 1);
    const char *link = strstr(store_col_text(rows, 0), "/invite/");
    assert_non_null(link);
    char token[SECRET_TOKEN_CHARS] = "";
    sscanf(link + strlen("/invite/"), "%63[A-Za-z0-9_-]", token);
    store_rows_free(rows);
    struct svc_invitation inv;
    verr e = VERR_COLLECT;
    assert_int_equal(svc_invitation_find(db, "not-the-token", 1000, &inv, &e), SVC_NOT_FOUND);
    assert_string_equal(e.field, "token");
    e = VERR_COLLECT;
    assert_int_equal(svc_invitation_find(db, token, 1000, &inv, &e), SVC_OK);
    assert_string_equal(inv.program_name, "Program");
    assert_string_equal(inv.role, "mentor");
    assert_string_equal(inv.person_name, "Eve");
    assert_null(inv.password_hash);
    assert_int_equal(inv.expires_at, 1000 + (int64_t)LIMIT_INVITATION_DAYS * 86400);
    /* Expired: not found. */
    struct svc_invitation late;
    e = VERR_COLLECT;
    assert_int_equal(svc_invitation_find(db, token, inv.expires_at, &late, &e), SVC_NOT_FOUND);
    /* Accepted once, with a password and a new name; a second time it is gone. */
    e = VERR_COLLECT;
    assert_int_equal(svc_invitation_accept(db, &inv, "$argon2id$fake", "Eve Adams", 1100, &e),
                     SVC_OK);
    assert_int_equal(
        fx_count(db,
                 "SELECT COUNT(*) FROM people WHERE id = ?1 AND name = 'Eve Adams' AND "
                 "password_hash = '$argon2id$fake'",
                 eve),
        1);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM participations WHERE person_id = ?1 AND "
                              "sort_name = 'Eve Adams'",
                              eve),
                     1);
    e = VERR_COLLECT;
    assert_int_equal(svc_invitation_accept(db, &inv, NULL, NULL, 1200, &e), SVC_NOT_FOUND);
    assert_string_equal(e.field, "token");
    svc_invitation_cleanup(&inv);
    e = VERR_COLLECT;
    assert_int_equal(svc_invitation_find(db, token, 1200, &inv, &e), SVC_NOT_FOUND);
}

static void test_review_one_by_one_and_in_bulk(void **state)
{
    store *db = *state;
    int64_t coord = fx_person(db, "Coordinator", 0);
    int64_t program =
        fx_program(db, coord,
                   "{\"training\": {\"modules\": [{\"id\": \"m\", \"role\": \"mentee\", \"title\": "
                   "\"M\"}]}}");
    struct program_config cfg = fx_config(db, program);
    svc_actor c = {.person_id = coord};
    int64_t a = fx_part(db, program, fx_person(db, "Ann", 0), "mentee", STAGE_APPLIED, 0, 1, false);
    int64_t b = fx_part(db, program, fx_person(db, "Bo", 0), "mentor", STAGE_APPLIED, 2, 0, false);
    int64_t d = fx_part(db, program, fx_person(db, "Di", 0), "mentee", STAGE_TRAINED, 0, 1, true);
    struct svc_participation pa;
    assert_int_equal(svc_participation_load(db, program, a, &pa), SVC_OK);
    verr e = VERR_COLLECT;
    /* A decline needs a reason. */
    assert_int_equal(svc_review_decide(db, &c, &cfg, &pa, false, NULL, "status", 10, &e),
                     SVC_INVALID);
    assert_string_equal(e.field, "decline_reason");
    e = VERR_COLLECT;
    assert_int_equal(
        svc_review_decide(db, &c, &cfg, &pa, false, "No places left", "status", 10, &e), SVC_OK);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM outbox WHERE kind = 'declined' AND "
                              "next_attempt_at = ?1 AND body LIKE '%No places left%'",
                              10),
                     1);
    svc_participation_cleanup(&pa);
    /* Bulk: one trained already (past approval) refuses the lot. */
    int64_t ids[] = {a, b, d};
    e = VERR_COLLECT;
    assert_int_equal(svc_review_bulk(db, &c, program, &cfg, true, NULL, ids, 3, 20, &e),
                     SVC_REFUSED);
    assert_int_equal(v_count(&e), 1);
    assert_string_equal(e.field, "ids[2]");
    assert_int_equal(
        fx_count(db, "SELECT COUNT(*) FROM participations WHERE id = ?1 AND status = 'applied'", b),
        1);
    /* Ids of nothing in the program are named, every one. */
    int64_t unknown[] = {a, 999999, 999998};
    e = VERR_COLLECT;
    assert_int_equal(svc_review_bulk(db, &c, program, &cfg, true, NULL, unknown, 3, 20, &e),
                     SVC_INVALID);
    assert_int_equal(v_count(&e), 2);
    assert_string_equal(e.field, "ids[1]");
    /* Approved, both: the mentor has no training to do and is trained. */
    int64_t ok[] = {a, b};
    e = VERR_COLLECT;
    assert_int_equal(svc_review_bulk(db, &c, program, &cfg, true, NULL, ok, 2, 30, &e), SVC_OK);
    assert_int_equal(
        fx_count(db,
                 "SELECT COUNT(*) FROM participations WHERE id = ?1 AND status = 'approved' "
                 "AND decline_reason IS NULL",
                 a),
        1);
    assert_int_equal(
        fx_count(db, "SELECT COUNT(*) FROM participations WHERE id = ?1 AND status = 'trained'", b),
        1);
    assert_int_equal(
        fx_count(db,
                 "SELECT COUNT(*) FROM outbox WHERE kind = 'approved' AND next_attempt_at "
                 "= ?1",
                 30),
        2);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM audit_events WHERE action = "
                              "'participant.approve' AND actor_id = ?1",
                              coord),
                     2);
    int64_t none[1];
    e = VERR_COLLECT;
    assert_int_equal(svc_review_bulk(db, &c, program, &cfg, false, NULL, none, 0, 40, &e),
                     SVC_INVALID);
    assert_int_equal(v_count(&e), 2); /* no ids, no reason */
    program_config_cleanup(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_applying_in_the_window),
        FX_TEST(test_every_bad_field_of_an_application),
        FX_TEST(test_open_programs_approve_and_train_at_once),
        FX_TEST(test_invite_only_and_coordinators_adding_people),
        FX_TEST(test_an_invitation_link_works_once),
        FX_TEST(test_review_one_by_one_and_in_bulk),
    };
    return FX_MAIN("service/enrolment", tests);
}
