/* test_resource.c - the help library's pure rules (domain/resource.h):
 * which links are safe, every bad field of a body named, phases of the
 * program's model, roles, and the order of recommendations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "domain/program.h"
#include "domain/resource.h"

static void test_only_http_and_https_links(void **state)
{
    (void)state;
    assert_null(resource_url_check("https://example.org/guide"));
    assert_null(resource_url_check("http://example.org"));
    assert_null(resource_url_check("HTTPS://Example.org/a?b=c#d"));
    assert_null(resource_url_check("https://user@example.org/"));
    assert_non_null(resource_url_check("javascript:alert(1)"));
    assert_non_null(resource_url_check("JaVaScRiPt:alert(1)"));
    assert_non_null(resource_url_check("data:text/html,<b>x</b>"));
    assert_non_null(resource_url_check("mailto:a@example.org"));
    assert_non_null(resource_url_check("ftp://example.org/"));
    assert_non_null(resource_url_check("//example.org/"));
    assert_non_null(resource_url_check("/relative"));
    assert_non_null(resource_url_check("https://"));
    assert_non_null(resource_url_check("https:///path"));
    assert_non_null(resource_url_check("https://@/x"));
    assert_non_null(resource_url_check("https://exa mple.org/"));
    assert_non_null(resource_url_check("https://example.org/\"onmouseover=x"));
    assert_non_null(resource_url_check("https://example.org/\x01"));
    assert_non_null(resource_url_check("https:\\\\example.org"));
    assert_non_null(resource_url_check(""));
    assert_non_null(resource_url_check(NULL));
}

static struct program_config model(void)
{
    struct program_config cfg;
    verr e = {0};
    json_t *in =
        json_loads("{\"phases\": {\"template\": \"custom\", \"items\": ["
                   " {\"name\": \"Start\", \"resources\": [\"Second listed\", \"First listed\"]},"
                   " {\"name\": \"Grow\"}, {\"name\": \"Close\"}, {\"name\": \"After\"}]}}",
                   0, NULL);
    assert_int_equal(program_config_normalize(in, NULL, &cfg, &e), 0);
    json_decref(in);
    return cfg;
}

static bool names(const verr *e, const char *field)
{
    for (int i = 0; i < e->n; i++) {
        const char *f, *m;
        if (verr_at(e, i, &f, &m) && strcmp(f, field) == 0)
            return true;
    }
    return false;
}

static void test_every_bad_field_is_named(void **state)
{
    (void)state;
    struct program_config cfg = model();
    struct resource_fields f;
    verr e = {0};
    json_t *body =
        json_loads("{\"title\": \" \", \"url\": \"javascript:x\", \"phases\": [\"Start\", "
                   "\"Nowhere\", 3], \"topics\": [\"\"], \"roles\": [\"boss\"], "
                   "\"colour\": \"red\"}",
                   0, NULL);
    assert_int_equal(resource_fields_read(body, false, &cfg, &f, &e), -1);
    assert_true(names(&e, "title"));
    assert_true(names(&e, "url"));
    assert_true(names(&e, "phases[2]"));
    assert_true(names(&e, "topics[0]"));
    assert_true(names(&e, "roles[0]"));
    assert_true(names(&e, "colour"));
    assert_null(f.phases);
    json_decref(body);

    /* Phases of the model are checked once the list itself is good. */
    memset(&e, 0, sizeof e);
    body = json_loads(
        "{\"title\": \"T\", \"body_md\": \"x\", \"phases\": [\"start\", \"Nowhere\"]}", 0, NULL);
    assert_int_equal(resource_fields_read(body, false, &cfg, &f, &e), -1);
    assert_int_equal(e.n, 1);
    assert_string_equal(e.field, "phases[1]");
    json_decref(body);

    /* Neither text nor link. */
    memset(&e, 0, sizeof e);
    body = json_loads("{\"title\": \"T\", \"body_md\": \"  \"}", 0, NULL);
    assert_int_equal(resource_fields_read(body, false, NULL, &f, &e), -1);
    assert_string_equal(e.field, "body_md");
    json_decref(body);

    /* A good one: tags trimmed, duplicates dropped, roles default to both. */
    memset(&e, 0, sizeof e);
    body =
        json_loads("{\"title\": \"T\", \"url\": \"https://example.org\", \"topics\": [\" goals \", "
                   "\"Goals\", \"career\"]}",
                   0, NULL);
    assert_int_equal(resource_fields_read(body, false, &cfg, &f, &e), 0);
    assert_int_equal(json_array_size(f.topics), 2);
    assert_string_equal(json_string_value(json_array_get(f.topics, 0)), "goals");
    assert_int_equal(json_array_size(f.roles), 2);
    resource_fields_cleanup(&f);
    json_decref(body);

    /* A PATCH: the extra keys, and an empty role list. */
    memset(&e, 0, sizeof e);
    body = json_loads("{\"position\": -1, \"retired\": 1, \"version\": 0, \"roles\": []}", 0, NULL);
    assert_int_equal(resource_fields_read(body, true, NULL, &f, &e), -1);
    assert_true(names(&e, "position"));
    assert_true(names(&e, "retired"));
    assert_true(names(&e, "version"));
    assert_true(names(&e, "roles"));
    json_decref(body);
    memset(&e, 0, sizeof e);
    body = json_loads("{\"position\": 2, \"retired\": true, \"url\": null}", 0, NULL);
    assert_int_equal(resource_fields_read(body, true, NULL, &f, &e), 0);
    assert_int_equal(f.position, 2);
    assert_int_equal(f.retired, 1);
    assert_true(f.clear_url);
    resource_fields_cleanup(&f);
    json_decref(body);
    program_config_cleanup(&cfg);
}

static void test_roles(void **state)
{
    (void)state;
    json_t *mentor = json_pack("[s]", "mentor"), *both = json_pack("[s, s]", "mentor", "mentee");
    assert_true(resource_for_role(mentor, "mentor"));
    assert_false(resource_for_role(mentor, "mentee"));
    assert_true(resource_for_role(mentor, "peer"));
    assert_true(resource_for_role(mentor, ""));
    assert_true(resource_for_role(both, "mentee"));
    json_decref(mentor);
    json_decref(both);
}

/* Places a resource tagged with `tags` (a JSON list) titled `title`. */
static struct resource_rank place(const struct program_config *cfg, int current, int64_t id,
                                  bool site, int64_t position, const char *tags, const char *title)
{
    struct resource_rank r = {.index = (size_t)id, .id = id, .site = site, .position = position};
    json_t *t = json_loads(tags, 0, NULL);
    resource_rank_place(&r, t, title, cfg, current);
    json_decref(t);
    return r;
}

static void test_the_current_phase_comes_first(void **state)
{
    (void)state;
    struct program_config cfg = model();
    /* current phase: Grow (index 1) */
    struct resource_rank r[] = {
        place(&cfg, 1, 1, false, 0, "[\"Start\"]", "Earlier one"),
        place(&cfg, 1, 2, true, 0, "[]", "Any time, site"),
        place(&cfg, 1, 3, false, 5, "[\"grow\"]", "Current, program, late"),
        place(&cfg, 1, 4, true, 0, "[\"Grow\"]", "Current, site"),
        place(&cfg, 1, 5, false, 1, "[\"After\"]", "Two later"),
        place(&cfg, 1, 6, false, 2, "[\"Close\", \"Start\"]", "Next"),
        place(&cfg, 1, 7, false, 0, "[\"Other model's phase\"]", "Any time, program"),
        place(&cfg, 1, 8, false, 1, "[\"Grow\"]", "Current, program, early"),
    };
    assert_int_equal(r[0].group, RESOURCE_EARLIER);
    assert_int_equal(r[1].group, RESOURCE_ANY);
    assert_int_equal(r[2].group, RESOURCE_CURRENT);
    assert_int_equal(r[4].group, RESOURCE_LATER);
    assert_int_equal(r[4].distance, 2);
    assert_int_equal(r[5].group, RESOURCE_LATER); /* the nearest phase it belongs to */
    assert_int_equal(r[5].distance, 1);
    assert_int_equal(r[6].group, RESOURCE_ANY);
    resource_rank_sort(r, sizeof r / sizeof r[0]);
    int64_t want[] = {8, 3, 4, 7, 2, 6, 5, 1};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_int_equal(r[i].id, want[i]);
    program_config_cleanup(&cfg);
}

static void test_a_phase_names_its_resources_by_title(void **state)
{
    (void)state;
    struct program_config cfg = model();
    /* current phase: Start, whose resources are "Second listed", "First
     * listed" - in that order, before one only tagged with it. */
    struct resource_rank r[] = {
        place(&cfg, 0, 1, false, 0, "[\"Start\"]", "Tagged"),
        place(&cfg, 0, 2, true, 9, "[]", "first LISTED"),
        place(&cfg, 0, 3, true, 0, "[\"Grow\"]", "Second listed"),
    };
    assert_int_equal(r[1].group, RESOURCE_CURRENT);
    assert_int_equal(r[1].listed_at, 1);
    assert_int_equal(r[2].group, RESOURCE_CURRENT); /* listed by the phase, tagged with another */
    resource_rank_sort(r, 3);
    assert_int_equal(r[0].id, 3);
    assert_int_equal(r[1].id, 2);
    assert_int_equal(r[2].id, 1);

    /* When the phase advances, the order follows. */
    struct resource_rank s[] = {
        place(&cfg, 1, 1, false, 0, "[\"Start\"]", "Tagged"),
        place(&cfg, 1, 3, true, 0, "[\"Grow\"]", "Second listed"),
    };
    resource_rank_sort(s, 2);
    assert_int_equal(s[0].id, 3);
    assert_int_equal(s[0].group, RESOURCE_CURRENT);
    assert_int_equal(s[1].group, RESOURCE_EARLIER);
    program_config_cleanup(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_http_and_https_links),
        cmocka_unit_test(test_every_bad_field_is_named),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_the_current_phase_comes_first),
        cmocka_unit_test(test_a_phase_names_its_resources_by_title),
    };
    return cmocka_run_group_tests_name("resource", tests, NULL, NULL);
}
