/* test_svc_program.c - service/program.c, service/audit.c and the status
 * contract of service/service.h against a real database. */
#include "svc_fixture.h"

#include "service/audit.h"

static void test_the_status_contract(void **state)
{
    (void)state;
    verr e = {0};
    assert_int_equal(svc_fail(&e, SVC_REFUSED, "mentor", "at capacity (%d)", 2), SVC_REFUSED);
    assert_string_equal(e.field, "mentor");
    assert_string_equal(e.msg, "at capacity (2)");
    assert_int_equal(svc_fail(&e, SVC_INVALID, NULL, "whole"), SVC_INVALID);
    assert_string_equal(e.field, "");
    assert_string_equal(svc_status_name(SVC_OK), "ok");
    assert_string_equal(svc_status_name(SVC_STALE), "stale");
    assert_string_equal(svc_status_name(STORE_BUSY), "database busy");
    assert_string_equal(svc_status_name(STORE_ERROR), "database error");
    svc_configure(&(struct svc_config){.public_url = "https://tandem.example"});
    assert_string_equal(svc_public_url(), "https://tandem.example");
    svc_configure(&(struct svc_config){.public_url = NULL}); /* keeps the last */
    assert_string_equal(svc_public_url(), "https://tandem.example");
}

static void test_config_loads_typed(void **state)
{
    store *db = *state;
    int64_t coord = fx_person(db, "Coordinator", 0);
    int64_t id = fx_program(db, coord, "{\"matching\": {\"mode\": \"self\"}, \"renewals\": 2}");
    struct program_config cfg;
    char name[64];
    assert_int_equal(svc_program_config(db, id, &cfg, name, sizeof name), SVC_OK);
    assert_string_equal(name, "Program");
    assert_int_equal(cfg.matching.mode, PROGRAM_MATCH_SELF);
    assert_int_equal(cfg.renewals, 2);
    program_config_cleanup(&cfg);
    assert_int_equal(svc_program_config(db, id + 100, &cfg, NULL, 0), SVC_NOT_FOUND);
    assert_null(cfg.doc);
    /* A document that is not one reads as a database failure, not as absent. */
    fx_exec(db, "UPDATE programs SET config = 'not json'");
    assert_int_equal(svc_program_config(db, id, &cfg, NULL, 0), STORE_ERROR);
}

static void test_roles(void **state)
{
    store *db = *state;
    int64_t coord = fx_person(db, "Coordinator", 0), ann = fx_person(db, "Ann", 0);
    int64_t id = fx_program(db, coord, "{}");
    perm_roles roles;
    svc_actor c = {.person_id = coord}, a = {.person_id = ann};
    svc_actor admin = {.person_id = fx_person(db, "Admin", 0), .site_role = SITE_ADMIN};
    assert_int_equal(svc_program_roles(db, &c, id, &roles), STORE_OK);
    assert_int_equal(roles, PERM_COORDINATOR);
    assert_int_equal(svc_program_roles(db, &a, id, &roles), STORE_OK);
    assert_int_equal(roles, 0);
    int64_t part = fx_part(db, id, ann, "mentee", STAGE_APPLIED, 0, 1, false);
    fx_part(db, id, ann, "mentor", STAGE_APPROVED, 1, 0, false);
    assert_int_equal(svc_program_roles(db, &a, id, &roles), STORE_OK);
    assert_int_equal(roles, PERM_MENTEE | PERM_MENTOR);
    /* A withdrawn participation gives no role. */
    assert_int_equal(svc_participation_stage(db, part, STAGE_WITHDRAWN, 2), STORE_OK);
    assert_int_equal(svc_program_roles(db, &a, id, &roles), STORE_OK);
    assert_int_equal(roles, PERM_MENTOR);
    assert_int_equal(svc_program_roles(db, &admin, id, &roles), STORE_OK);
    assert_int_equal(roles, PERM_ADMIN);
    fx_exec(db, "ALTER TABLE participations RENAME TO away");
    assert_true(svc_program_roles(db, &a, id, &roles) < 0);
    fx_exec(db, "ALTER TABLE away RENAME TO participations");
}

static void test_create_get_update(void **state)
{
    store *db = *state;
    int64_t coord = fx_person(db, "Coordinator", 0);
    svc_actor actor = {.person_id = coord};
    json_t *in = json_loads("{\"selection\": {\"access\": \"invite_only\"}}", 0, NULL);
    struct program_config cfg;
    verr e = {0};
    assert_int_equal(program_config_normalize(in, NULL, &cfg, &e), 0);
    struct svc_program_input pin = {
        .name = "Mentoring 2027", .description = "", .status = "draft", .cfg = &cfg};
    int64_t id;
    assert_int_equal(svc_program_create(db, &actor, &pin, &id), SVC_OK);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM audit_events WHERE action = 'program.create' "
                              "AND entity_id = ?1",
                              id),
                     1);
    struct svc_program p;
    assert_int_equal(svc_program_get(db, &actor, id, &p), SVC_OK);
    assert_string_equal(p.name, "Mentoring 2027");
    assert_int_equal(p.version, 1);
    assert_int_equal(p.roles, PERM_COORDINATOR);
    assert_int_equal(p.cfg.selection.access, PROGRAM_INVITE_ONLY);
    svc_program_cleanup(&p);
    /* Invite-only programs stay hidden from everyone outside. */
    svc_actor stranger = {.person_id = fx_person(db, "Stranger", 0)};
    assert_int_equal(svc_program_get(db, &stranger, id, &p), SVC_NOT_FOUND);
    /* An update made against an old version is refused. */
    pin.name = "Mentoring 2028";
    pin.version = 1;
    assert_int_equal(svc_program_update(db, &actor, id, &pin, &e), SVC_OK);
    assert_int_equal(svc_program_update(db, &actor, id, &pin, &e), SVC_STALE);
    assert_string_equal(e.field, "version");
    assert_non_null(strstr(e.msg, "now version 2"));
    assert_int_equal(svc_program_get(db, &actor, id, &p), SVC_OK);
    assert_string_equal(p.name, "Mentoring 2028");
    svc_program_cleanup(&p);
    svc_program_cleanup(NULL);
    program_config_cleanup(&cfg);
    json_decref(in);
}

static void test_lists(void **state)
{
    store *db = *state;
    int64_t coord = fx_person(db, "Coordinator", 0), ann = fx_person(db, "Ann", 0);
    int64_t open = fx_program(db, coord, "{\"selection\": {\"access\": \"open\"}}");
    int64_t invited = fx_program(db, coord, "{\"selection\": {\"access\": \"invite_only\"}}");
    fx_exec(db, "UPDATE programs SET status = 'enrolling'");
    svc_actor a = {.person_id = ann}, c = {.person_id = coord};
    struct svc_program_page page;
    assert_int_equal(svc_program_list(db, &a, true, 10, 0, &page), SVC_OK);
    assert_int_equal(page.n, 1); /* the one taking applications */
    assert_int_equal(page.items[0].id, open);
    svc_program_page_cleanup(&page);
    assert_int_equal(svc_program_list(db, &a, false, 10, 0, &page), SVC_OK);
    assert_int_equal(page.n, 0);
    svc_program_page_cleanup(&page);
    assert_int_equal(svc_program_list(db, &c, false, 1, 0, &page), SVC_OK);
    assert_int_equal(page.total, 2);
    assert_int_equal(page.n, 1);
    assert_int_equal(page.items[0].id, invited); /* newest first */
    assert_int_equal(page.items[0].roles, PERM_COORDINATOR);
    svc_program_page_cleanup(&page);
}

static void test_audit(void **state)
{
    store *db = *state;
    svc_actor system = {0};
    assert_int_equal(svc_audit(db, &system, "job.run", "job", 7, json_pack("{s:i}", "n", 3)),
                     STORE_OK);
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM audit_events WHERE actor_id IS NULL AND "
                              "entity_id = ?1 AND detail = '{\"n\":3}'",
                              7),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_the_status_contract),
        FX_TEST(test_config_loads_typed),
        FX_TEST(test_roles),
        FX_TEST(test_create_get_update),
        FX_TEST(test_lists),
        FX_TEST(test_audit),
    };
    return FX_MAIN("service/program", tests);
}
