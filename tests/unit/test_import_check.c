/* test_import_check.c - the CSV import's pure rules: the header, each
 * row's cells and the problems they give (import/check), and the file's
 * people: repeats, managers that exist, and managers in order or in a
 * circle (import/roster). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "import/check.h"
#include "import/roster.h"

/* A file checked as import.c checks one: the header, then every row into
 * the roster. */
struct checked {
    pool pool;
    struct import_problems problems;
    struct import_checker c;
    struct import_roster roster;
    int header; /* import_check_header's answer */
    size_t good;
};

static void check_file(struct checked *f, const char *text)
{
    memset(f, 0, sizeof *f);
    import_checker_init(&f->c, &f->pool, &f->problems);
    csv_reader r;
    csv_init(&r, text, strlen(text));
    f->header = import_check_header(&f->c, &r);
    if (f->header == 0) {
        int got;
        while ((got = csv_next(&r)) == 1) {
            struct import_row w;
            bool good = import_check_row(&f->c, &r, &w);
            f->good += import_roster_add(&f->roster, &w, good, &f->problems, &f->pool);
        }
        if (got < 0)
            import_check_csv_error(&f->c, &r);
    }
    csv_cleanup(&r);
    import_problems_sort(&f->problems);
}

static void done(struct checked *f)
{
    import_checker_cleanup(&f->c);
    import_roster_cleanup(&f->roster);
    import_problems_cleanup(&f->problems);
    pool_cleanup(&f->pool);
}

static const struct import_problem *nth(const struct checked *f, size_t i)
{
    if (i >= f->problems.list.len)
        fail_msg("only %zu problems, wanted #%zu", f->problems.list.len, i + 1);
    return &f->problems.list.items[i];
}

/* Problem i is at line, in the cell of column `cell` (NULL: in none), and
 * its message holds `words`. */
static void expect(const struct checked *f, size_t i, unsigned line, const char *cell,
                   const char *words)
{
    const struct import_problem *p = nth(f, i);
    assert_int_equal(p->line, line);
    if (cell) {
        assert_non_null(p->cell);
        assert_string_equal(p->cell, cell);
        assert_string_equal(p->field, cell);
    } else {
        assert_null(p->cell);
    }
    if (!strstr(p->message, words))
        fail_msg("problem %zu says '%s', not '%s'", i + 1, p->message, words);
}

static void test_the_header_names_the_columns(void **state)
{
    (void)state;
    struct checked f;
    check_file(&f, "\xEF\xBB\xBF Email ,NAME, Role ,manager_email\n");
    assert_int_equal(f.header, 0);
    assert_int_equal(f.c.pos[IMPORT_COL_EMAIL], 0);
    assert_int_equal(f.c.pos[IMPORT_COL_ROLE], 2);
    assert_int_equal(f.c.pos[IMPORT_COL_MANAGER], 3);
    assert_int_equal(f.c.pos[IMPORT_COL_BIO], -1);
    assert_int_equal(f.problems.count, 0);
    done(&f);

    check_file(&f, "email,name,colour,email\n");
    assert_int_equal(f.header, -1);
    assert_int_equal(f.problems.count, 3);
    expect(&f, 0, 1, NULL, "the required column 'role' is missing");
    expect(&f, 1, 1, NULL, "unknown column 'colour'");
    assert_string_equal(nth(&f, 1)->field, "colour");
    assert_int_equal(nth(&f, 1)->column, 12);
    expect(&f, 2, 1, NULL, "column 'email' appears twice");
    done(&f);

    check_file(&f, "");
    assert_int_equal(f.header, -1);
    expect(&f, 0, 1, NULL, "the file is empty");
    done(&f);
}

static void test_a_good_row_is_read_into_its_fields(void **state)
{
    (void)state;
    struct checked f;
    check_file(&f, "email,name,role,department,job_title,job_level,location,time_zone,"
                   "manager_email,capacity,languages,expertise,utc_offset,bio\n"
                   " Lea@Example.ORG ,Lea Lead,MENTOR,Engineering,Director,12,Lisbon,"
                   "Europe/Lisbon,Boss@Example.org,3,English; Portuguese;English; ,"
                   "sql;;leadership,0.5,\"Leads teams, \"\"calmly\"\"\"\n");
    assert_int_equal(f.problems.count, 0);
    assert_int_equal(f.good, 1);
    const struct import_row *w = &f.roster.rows.items[0];
    assert_int_equal(w->line, 2);
    assert_string_equal(w->email, "lea@example.org");
    assert_int_equal(w->email_column, 1);
    assert_string_equal(w->name, "Lea Lead");
    assert_int_equal(w->role, IMPORT_MENTOR);
    assert_string_equal(w->department, "Engineering");
    assert_string_equal(w->job_title, "Director");
    assert_int_equal(w->job_level, 12);
    assert_string_equal(w->location, "Lisbon");
    assert_string_equal(w->time_zone, "Europe/Lisbon");
    assert_string_equal(w->manager, "boss@example.org");
    assert_int_equal(w->capacity, 3);
    assert_int_equal(w->wants, 0);
    assert_string_equal(w->languages, "[\"English\",\"Portuguese\"]");
    /* keys in column order, as jansson would write them */
    assert_string_equal(w->profile, "{\"department\":\"Engineering\",\"location\":\"Lisbon\","
                                    "\"languages\":[\"English\",\"Portuguese\"],"
                                    "\"expertise\":[\"sql\",\"leadership\"],\"utc_offset\":0.5,"
                                    "\"bio\":\"Leads teams, \\\"calmly\\\"\",\"job_level\":12,"
                                    "\"time_zone\":\"Europe/Lisbon\"}");
    done(&f);
}

/* Each row's profile is written straight from its cells when every cell
 * is a good profile value, and built as a jansson tree (and checked by
 * profile_validate) otherwise: both give the same bytes - the same keys
 * in the same order, escapes, numbers, tags - and take the same person
 * attributes. */
static void test_profiles_written_from_the_cells_match_the_tree(void **state)
{
    (void)state;
    const char *text =
        "email,name,role,department,job_level,location,time_zone,languages,expertise,"
        "development_needs,interests,communication,availability,learning_style,utc_offset,"
        "years_experience,bio,headline\n"
        "a@example.org,Ann,mentor,Engineering,12,Lisbon,Europe/Lisbon,English; Portuguese;English; "
        ","
        "sql;;leadership,a;b,c,d,e,visual,0.5,20,\"Leads teams, \"\"calmly\"\"\",Head\n"
        "b@example.org,Bob,mentee,,,,,,,,,,,,,,,\n"
        "c@example.org,Cem,mentee, Ops ,0,São Paulo,America/Sao_Paulo,Türkçe;日本語,"
        " x ; y ;x,,,,,,-3,0,\"tab\there, line\nbreak, back\\slash, bell\x07, slash/\",\"\"\n"
        "d@example.org,Dee,mentor,R&D,30,,Asia/Kolkata,;;,,,,,,,5.5,1e1,\"\",\"quote \"\" \"\n"
        "e@example.org,Eve,mentee,,,,,,,,,,,,-14,80.0,,\n"
        "f@example.org,Fay,mentee,,,,,,,,,,,,14,0.125,,\n"
        "g@example.org,Gus,mentee,,,,,,,,,,,,1E0,2.50,,\n";
    struct checked direct, tree;
    check_file(&direct, text);
    memset(&tree, 0, sizeof tree);
    import_checker_init(&tree.c, &tree.pool, &tree.problems);
    tree.c.tree_only = true;
    csv_reader r;
    csv_init(&r, text, strlen(text));
    assert_int_equal(import_check_header(&tree.c, &r), 0);
    while (csv_next(&r) == 1) {
        struct import_row w;
        bool good = import_check_row(&tree.c, &r, &w);
        tree.good += import_roster_add(&tree.roster, &w, good, &tree.problems, &tree.pool);
    }
    csv_cleanup(&r);
    assert_int_equal(direct.problems.count, 0);
    assert_int_equal(tree.problems.count, 0);
    assert_int_equal(direct.good, 7);
    assert_int_equal(tree.good, 7);
    for (size_t i = 0; i < 7; i++) {
        const struct import_row *a = &direct.roster.rows.items[i], *b = &tree.roster.rows.items[i];
        assert_string_equal(a->profile, b->profile);
#define SAME(f)                                                                                    \
    do {                                                                                           \
        if (a->f || b->f) {                                                                        \
            assert_non_null(a->f);                                                                 \
            assert_non_null(b->f);                                                                 \
            assert_string_equal(a->f, b->f);                                                       \
        }                                                                                          \
    } while (0)
        SAME(languages);
        SAME(department);
        SAME(location);
        SAME(time_zone);
#undef SAME
    }
    assert_string_equal(direct.roster.rows.items[1].profile, "{}");
    assert_null(direct.roster.rows.items[1].languages);
    assert_null(direct.roster.rows.items[3].languages); /* ";;": no tag */
    assert_string_equal(direct.roster.rows.items[3].profile,
                        "{\"department\":\"R&D\",\"utc_offset\":5.5,\"years_experience\":10.0,"
                        "\"headline\":\"quote \\\"\",\"job_level\":30,"
                        "\"time_zone\":\"Asia/Kolkata\"}");
    done(&direct);
    done(&tree);
}

/* A bad profile cell sends the row down the tree's path, which names it;
 * the good cells of the same row are still read. */
static void test_a_bad_profile_cell_is_named_as_before(void **state)
{
    (void)state;
    struct checked f;
    check_file(&f, "email,name,role,department,utc_offset,years_experience,time_zone\n"
                   "a@example.org,Ann,mentor,Sales,15,3,Europe/Lisbon\n"
                   "b@example.org,Bob,mentee,Sales,x,81,Nowhere/Else\n");
    assert_int_equal(f.good, 0);
    assert_int_equal(f.problems.count, 4);
    expect(&f, 0, 2, "utc_offset", "must be a number from -14 to 14");
    expect(&f, 1, 3, "utc_offset", "'x' is not a number");
    expect(&f, 2, 3, "years_experience", "must be a number from 0 to 80");
    expect(&f, 3, 3, "time_zone", "is not a known time zone");
    done(&f);
}

/* Security probe defect 3: an import set wants above the program's
 * max_mentors_per_mentee. And defect 9: a name on two lines. */
static void test_wants_keep_to_the_programs_maximum_and_names_to_one_line(void **state)
{
    (void)state;
    struct checked f;
    memset(&f, 0, sizeof f);
    import_checker_init(&f.c, &f.pool, &f.problems);
    f.c.wants_max = 2;
    const char *text = "email,name,role,wants\n"
                       "a@example.org,Ann,mentee,2\n"
                       "b@example.org,Bob,mentee,3\n"
                       "c@example.org,\"Two\nlines\",mentee,\n"
                       "d@example.org,\"Esc\x1b[31m\",mentee,\n";
    csv_reader r;
    csv_init(&r, text, strlen(text));
    assert_int_equal(import_check_header(&f.c, &r), 0);
    while (csv_next(&r) == 1) {
        struct import_row w;
        bool good = import_check_row(&f.c, &r, &w);
        f.good += import_roster_add(&f.roster, &w, good, &f.problems, &f.pool);
    }
    csv_cleanup(&r);
    assert_int_equal(f.good, 1);
    expect(&f, 0, 3, "wants", "3 is more than the program allows (max_mentors_per_mentee 2)");
    expect(&f, 1, 4, "name", "must be a single line: U+000A at byte 4 is a line break");
    expect(&f, 2, 6, "name", "must be a single line: U+001B at byte 4 is a control character");
    assert_int_equal(f.problems.count, 3);
    done(&f);
}

static void test_each_bad_cell_is_named_by_its_column(void **state)
{
    (void)state;
    struct checked f;
    check_file(&f, "email,name,role,time_zone,capacity,wants,job_level,utc_offset,languages\n"
                   "not-an-email,,boss,Mars/Olympus,99,20,31,20,\n" /* 2 */
                   "ok@example.org,Ok,mentee,,2,,,,\n"              /* 3: capacity */
                   "ok2@example.org,Ok,mentor,,,2,,x,\n"            /* 4: wants, utc */
                   "short@example.org,Short,mentee\n"               /* 5 */
                   ",Nobody,viewer,,,,,,\n");                       /* 6 */
    assert_int_equal(f.good, 0);
    size_t i = 0;
    expect(&f, i++, 2, "email", "'not-an-email' is not a valid e-mail address");
    expect(&f, i++, 2, "name", "is required");
    expect(&f, i++, 2, "role", "'boss' is not a role");
    expect(&f, i++, 2, "time_zone", "'Mars/Olympus' is not a known time zone");
    expect(&f, i++, 2, "capacity", "from 1 to 50");
    expect(&f, i++, 2, "wants", "from 1 to 10");
    expect(&f, i++, 2, "job_level", "from 0 to 30");
    expect(&f, i++, 2, "utc_offset", "-14");
    expect(&f, i++, 3, "capacity", "is set for mentors only (this row is a mentee)");
    expect(&f, i++, 4, "wants", "is set for mentees only (this row is a mentor)");
    expect(&f, i++, 4, "utc_offset", "'x' is not a number");
    expect(&f, i++, 5, NULL, "the row has 3 cells where the header names 9");
    expect(&f, i++, 6, "email", "is required");
    assert_int_equal(f.problems.count, i);
    /* the place is the cell's: line 2, column 30 is Mars/Olympus */
    assert_int_equal(nth(&f, 3)->column, strlen("not-an-email,,boss,") + 1);
    /* messages carry no place of their own */
    for (size_t k = 0; k < f.problems.list.len; k++)
        if (f.problems.list.items[k].cell)
            assert_false(strncmp(f.problems.list.items[k].message, f.problems.list.items[k].cell,
                                 strlen(f.problems.list.items[k].cell)) == 0);
    done(&f);
}

static void test_a_csv_error_names_the_column_it_is_in(void **state)
{
    (void)state;
    struct checked f;
    check_file(&f, "email,name,role\nok@example.org,Jos\xE9,mentee\n");
    expect(&f, 0, 2, "name", "invalid UTF-8");
    assert_int_equal(nth(&f, 0)->column, 19);
    done(&f);
    check_file(&f, "email,name,role\nq@example.org,\"open,mentee\n");
    expect(&f, 0, 2, "name", "unterminated");
    done(&f);
    check_file(&f, "email,na\xFFme,role\n"); /* in the header: no column yet */
    expect(&f, 0, 1, NULL, "invalid UTF-8");
    done(&f);
}

static void test_where_and_quote(void **state)
{
    (void)state;
    char out[80];
    struct import_problem p = {.line = 5, .column = 29, .cell = "email", .message = "x"};
    import_where(&p, out, sizeof out);
    assert_string_equal(out, "line 5, column \"email\"");
    p.cell = NULL;
    import_where(&p, out, sizeof out);
    assert_string_equal(out, "line 5");

    char q[IMPORT_QUOTE_BYTES + 4];
    assert_string_equal(import_quote(q, "two\nlines\there"), "two lines here");
    char longer[200];
    memset(longer, 'a', sizeof longer);
    memcpy(longer + IMPORT_QUOTE_BYTES - 1, "\xC3\xA9", 2); /* é across the cut */
    longer[sizeof longer - 1] = '\0';
    import_quote(q, longer);
    assert_int_equal(strlen(q), IMPORT_QUOTE_BYTES - 1 + 3);
    assert_string_equal(q + IMPORT_QUOTE_BYTES - 1, "...");
}

static void test_problems_keep_file_order_and_a_cap(void **state)
{
    (void)state;
    pool p = {0};
    struct import_problems ps = {0};
    import_problem(&ps, &p, 3, 5, "b", "b", "third");
    import_problem(&ps, &p, 2, 9, NULL, NULL, "second");
    import_problem(&ps, &p, 2, 1, "a", "a", "first");
    import_problem(&ps, &p, 3, 5, "b", "b", "fourth (same place, found later)");
    import_problems_sort(&ps);
    const char *want[] = {"first", "second", "third", "fourth (same place, found later)"};
    for (int i = 0; i < 4; i++)
        assert_string_equal(ps.list.items[i].message, want[i]);
    for (int i = 0; i < LIMIT_IMPORT_ERRORS + 5; i++)
        import_problem(&ps, &p, 10, 1, NULL, NULL, "many");
    assert_int_equal(ps.list.len, LIMIT_IMPORT_ERRORS);
    assert_int_equal(ps.count, LIMIT_IMPORT_ERRORS + 9);
    import_problems_cleanup(&ps);
    pool_cleanup(&p);
}

static void test_one_row_per_person_and_role(void **state)
{
    (void)state;
    struct checked f;
    check_file(&f, "email,name,role\n"
                   "a@example.org,A,mentee\n"
                   "A@EXAMPLE.ORG,A,mentee\n" /* the same e-mail and role */
                   "a@example.org,A,mentor\n" /* another role: fine */
                   "b@example.org,,mentee\n"  /* bad, but it holds b's mentee role */
                   "b@example.org,B,mentee\n");
    assert_int_equal(f.good, 2);
    assert_int_equal(f.problems.count, 3);
    expect(&f, 0, 3, "email", "'a@example.org' is listed as mentee twice (first on line 2)");
    expect(&f, 1, 5, "name", "is required");
    expect(&f, 2, 6, "email", "listed as mentee twice (first on line 5)");
    const struct import_person *a = import_roster_find(&f.roster, "a@example.org");
    assert_non_null(a);
    assert_int_equal(a->first_row, 0);
    assert_int_equal(a->row[IMPORT_MENTEE], 0);
    assert_int_equal(a->row[IMPORT_MENTOR], 1);
    assert_int_equal(a->row[IMPORT_VIEWER], IMPORT_NONE);
    done(&f);
}

static void test_managers_must_exist(void **state)
{
    (void)state;
    struct checked f;
    check_file(&f, "email,name,role,manager_email\n"
                   "a@example.org,A,mentee,b@example.org\n"     /* later in the file */
                   "b@example.org,B,mentor,boss@example.org\n"  /* in the database */
                   "c@example.org,C,mentee,ghost@example.org\n" /* nowhere */
                   "d@example.org,D,mentee,d@example.org\n");   /* themselves */
    expect(&f, 0, 5, "manager_email", "a person cannot be their own manager");
    import_roster_find(&f.roster, "boss@example.org")->id = 7; /* as the look-up finds it */
    size_t before = f.problems.count;
    import_roster_check_managers(&f.roster, &f.problems, &f.pool);
    assert_int_equal(f.problems.count, before + 1);
    const struct import_problem *p = &f.problems.list.items[before];
    assert_int_equal(p->line, 4);
    assert_string_equal(p->cell, "manager_email");
    assert_int_equal(p->column, strlen("c@example.org,C,mentee,") + 1);
    assert_non_null(strstr(p->message, "no one with the e-mail 'ghost@example.org'"));
    done(&f);
}

static int depth_of(const struct checked *f, const char *email)
{
    return import_roster_find(&f->roster, email)->depth;
}

static void test_managers_come_before_the_people_they_manage(void **state)
{
    (void)state;
    struct checked f;
    check_file(&f, "email,name,role,manager_email\n"
                   "report@x.org,R,mentee,boss@x.org\n"
                   "boss@x.org,B,mentor,top@x.org\n"
                   "top@x.org,T,viewer,\n"
                   "peer@x.org,P,mentee,old@x.org\n"
                   "side@x.org,S,mentee,top@x.org\n");
    import_roster_find(&f.roster, "old@x.org")->id = 3; /* in the database */
    assert_int_equal(import_roster_order(&f.roster, &f.problems, &f.pool), 2);
    assert_int_equal(f.problems.count, 0);
    assert_int_equal(depth_of(&f, "top@x.org"), 0);
    assert_int_equal(depth_of(&f, "peer@x.org"), 0);
    assert_int_equal(depth_of(&f, "boss@x.org"), 1);
    assert_int_equal(depth_of(&f, "side@x.org"), 1);
    assert_int_equal(depth_of(&f, "report@x.org"), 2);
    assert_int_equal(depth_of(&f, "old@x.org"), -1); /* not written */
    done(&f);
}

static void test_managers_in_a_circle_are_problems_naming_the_rows(void **state)
{
    (void)state;
    struct checked f;
    check_file(&f, "email,name,role,manager_email\n"
                   "cat@x.org,C,mentor,ann@x.org\n" /* 2 */
                   "ann@x.org,A,mentee,bob@x.org\n" /* 3 */
                   "dan@x.org,D,mentee,ann@x.org\n" /* 4: below the circle */
                   "bob@x.org,B,mentor,cat@x.org\n" /* 5 */
                   "one@x.org,O,mentor,two@x.org\n" /* 6 */
                   "two@x.org,T,mentor,one@x.org\n" /* 7 */
                   "top@x.org,T,viewer,\n");
    assert_int_equal(import_roster_order(&f.roster, &f.problems, &f.pool), -1);
    import_problems_sort(&f.problems);
    assert_int_equal(f.problems.count, 5);
    const char *big = "line 2 (cat@x.org) -> line 3 (ann@x.org) -> line 5 (bob@x.org) -> line 2";
    const char *small = "line 6 (one@x.org) -> line 7 (two@x.org) -> line 6";
    unsigned lines[] = {2, 3, 5, 6, 7};
    for (int i = 0; i < 5; i++) {
        expect(&f, (size_t)i, lines[i], "manager_email", i < 3 ? big : small);
        expect(&f, (size_t)i, lines[i], "manager_email", "the managers go round in a circle");
    }
    /* at the manager cell */
    assert_int_equal(nth(&f, 0)->column, strlen("cat@x.org,C,mentor,") + 1);
    done(&f);
}

static void test_a_long_circle_is_cut_short_in_the_message(void **state)
{
    (void)state;
    char text[4096] = "email,name,role,manager_email\n";
    size_t o = strlen(text);
    for (int i = 0; i < 9; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "p%d@x.org,P,mentee,p%d@x.org\n", i,
                              (i + 1) % 9);
    struct checked f;
    check_file(&f, text);
    assert_int_equal(import_roster_order(&f.roster, &f.problems, &f.pool), -1);
    import_problems_sort(&f.problems);
    assert_int_equal(f.problems.count, 9);
    expect(&f, 0, 2, "manager_email", "line 2 (p0@x.org) -> line 3 (p1@x.org)");
    expect(&f, 0, 2, "manager_email", "-> ... (9 people) -> line 2");
    done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_header_names_the_columns),
        cmocka_unit_test(test_a_good_row_is_read_into_its_fields),
        cmocka_unit_test(test_each_bad_cell_is_named_by_its_column),
        cmocka_unit_test(test_wants_keep_to_the_programs_maximum_and_names_to_one_line),
        cmocka_unit_test(test_a_csv_error_names_the_column_it_is_in),
        cmocka_unit_test(test_where_and_quote),
        cmocka_unit_test(test_problems_keep_file_order_and_a_cap),
        cmocka_unit_test(test_profiles_written_from_the_cells_match_the_tree),
        cmocka_unit_test(test_a_bad_profile_cell_is_named_as_before),
        cmocka_unit_test(test_one_row_per_person_and_role),
        cmocka_unit_test(test_managers_must_exist),
        cmocka_unit_test(test_managers_come_before_the_people_they_manage),
        cmocka_unit_test(test_managers_in_a_circle_are_problems_naming_the_rows),
        cmocka_unit_test(test_a_long_circle_is_cut_short_in_the_message),
    };
    return cmocka_run_group_tests_name("import check", tests, NULL, NULL);
}
