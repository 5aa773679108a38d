/* test_permissions.c - the role table of product.md §9 and the questions
 * the handlers ask of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "domain/permissions.h"

static void test_the_table(void **state)
{
    (void)state;
    /* A few cells read straight from product.md §9. */
    assert_int_equal(perm_access_of(PERM_MENTEE, PERM_PROGRAM), PERM_READ);
    assert_int_equal(perm_access_of(PERM_COORDINATOR, PERM_PROGRAM), PERM_WRITE);
    assert_int_equal(perm_access_of(PERM_VIEWER, PERM_OTHER_PROFILE), PERM_NONE);
    assert_int_equal(perm_access_of(PERM_VIEWER, PERM_REPORT), PERM_READ);
    assert_int_equal(perm_access_of(PERM_MENTOR, PERM_MENTOR_CARD), PERM_NONE);
    assert_int_equal(perm_access_of(PERM_MENTEE, PERM_MENTOR_CARD), PERM_READ);
    assert_int_equal(perm_access_of(PERM_COORDINATOR, PERM_PRIVATE_NOTE), PERM_NONE);
    assert_int_equal(perm_access_of(PERM_ADMIN, PERM_PRIVATE_NOTE), PERM_NONE);
    assert_int_equal(perm_access_of(PERM_MENTEE, PERM_MATCH_REQUEST), PERM_WRITE);
    assert_int_equal(perm_access_of(PERM_COORDINATOR, PERM_MATCH_REQUEST), PERM_READ);
    assert_int_equal(perm_access_of(PERM_VIEWER, PERM_MATCH_REQUEST), PERM_NONE);
    /* The widest of several roles wins; write implies read. */
    assert_int_equal(perm_access_of(PERM_VIEWER | PERM_COORDINATOR, PERM_OTHER_PROFILE),
                     PERM_WRITE);
    assert_true(perm_allows(PERM_COORDINATOR, PERM_OTHER_PROFILE, PERM_READ));
    assert_false(perm_allows(0, PERM_PROGRAM, PERM_READ));
    assert_int_equal(perm_access_of(PERM_ADMIN, PERM_DATA_COUNT), PERM_NONE);
}

static void test_role_names(void **state)
{
    (void)state;
    assert_int_equal(perm_role_from_name("mentor"), PERM_MENTOR);
    assert_int_equal(perm_role_from_name("admin"), 0); /* a site role, not a program role */
    assert_int_equal(perm_role_from_name(NULL), 0);
    const char *names[4];
    size_t n = perm_role_names(PERM_MENTEE | PERM_VIEWER | PERM_COORDINATOR | PERM_ADMIN, names);
    assert_int_equal(n, 3);
    assert_string_equal(names[0], "coordinator");
    assert_string_equal(names[1], "mentee");
    assert_string_equal(names[2], "viewer");
    assert_int_equal(perm_role_names(0, names), 0);
}

static void test_site_roles(void **state)
{
    (void)state;
    assert_int_equal(perm_site_roles(SITE_ADMIN), PERM_ADMIN);
    assert_int_equal(perm_site_roles(SITE_COORDINATOR), 0);
    assert_int_equal(perm_site_roles(SITE_MEMBER), 0);
    assert_true(perm_may_create_program(SITE_ADMIN));
    assert_true(perm_may_create_program(SITE_COORDINATOR));
    assert_false(perm_may_create_program(SITE_MEMBER));
}

static void test_coordinates(void **state)
{
    (void)state;
    assert_true(perm_coordinates(PERM_COORDINATOR));
    assert_true(perm_coordinates(PERM_ADMIN));
    assert_true(perm_coordinates(PERM_MENTOR | PERM_COORDINATOR));
    assert_false(perm_coordinates(PERM_MENTOR | PERM_MENTEE | PERM_VIEWER));
}

static void test_relationship_access(void **state)
{
    (void)state;
    /* Members write their own, whatever else they are. */
    assert_int_equal(perm_relationship_access(PERM_MENTEE, true), PERM_WRITE);
    assert_int_equal(perm_relationship_access(0, true), PERM_WRITE);
    /* Coordinators and admins read others'; a mentor of the same program sees nothing. */
    assert_int_equal(perm_relationship_access(PERM_COORDINATOR, false), PERM_READ);
    assert_int_equal(perm_relationship_access(PERM_ADMIN, false), PERM_READ);
    assert_int_equal(perm_relationship_access(PERM_MENTOR | PERM_MENTEE, false), PERM_NONE);
    assert_int_equal(perm_relationship_access(PERM_VIEWER, false), PERM_NONE);
}

static void test_participation_access(void **state)
{
    (void)state;
    /* One's own as a mentee or mentor, even withdrawn (no roles left). */
    assert_int_equal(perm_participation_access(PERM_MENTEE, PERM_MENTEE, false), PERM_WRITE);
    assert_int_equal(perm_participation_access(0, PERM_MENTOR, false), PERM_WRITE);
    /* A viewer reads their own and changes nothing (§9; it was writable). */
    assert_int_equal(perm_participation_access(PERM_VIEWER, PERM_VIEWER, false), PERM_READ);
    /* ... unless they coordinate the program too. */
    assert_int_equal(perm_participation_access(PERM_VIEWER | PERM_COORDINATOR, PERM_VIEWER, false),
                     PERM_WRITE);
    /* Coordinators change anyone's. */
    assert_int_equal(perm_participation_access(PERM_COORDINATOR, 0, false), PERM_WRITE);
    /* A partner reads; a stranger sees nothing. */
    assert_int_equal(perm_participation_access(PERM_MENTOR, 0, true), PERM_READ);
    assert_int_equal(perm_participation_access(PERM_MENTOR, 0, false), PERM_NONE);
    assert_int_equal(perm_participation_access(PERM_VIEWER, 0, false), PERM_NONE);
}

static void test_drafts_and_closed_programs(void **state)
{
    (void)state;
    perm_roles all = PERM_MENTEE | PERM_MENTOR | PERM_COORDINATOR | PERM_VIEWER | PERM_ADMIN;
    /* A draft counts its coordinators and admins alone. */
    assert_int_equal(perm_program_roles(all, "draft"), PERM_COORDINATOR | PERM_ADMIN);
    assert_int_equal(perm_program_roles(PERM_MENTEE | PERM_VIEWER, "draft"), 0);
    assert_false(perm_allows(perm_program_roles(PERM_MENTOR, "draft"), PERM_PROGRAM, PERM_READ));
    for (const char *const *s =
             (const char *const[]){"enrolling", "matching", "running", "closed", NULL};
         *s; s++)
        assert_int_equal(perm_program_roles(all, *s), all);
    /* Applications: not to a draft, not to a closed program. */
    assert_false(perm_program_takes_applications("draft"));
    assert_false(perm_program_takes_applications("closed"));
    assert_false(perm_program_takes_applications(NULL));
    assert_true(perm_program_takes_applications("enrolling"));
    assert_true(perm_program_takes_applications("running"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_table),
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_site_roles),
        cmocka_unit_test(test_coordinates),
        cmocka_unit_test(test_relationship_access),
        cmocka_unit_test(test_participation_access),
        cmocka_unit_test(test_drafts_and_closed_programs),
    };
    return cmocka_run_group_tests_name("permissions", tests, NULL, NULL);
}
