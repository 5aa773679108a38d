/* test_validate.c - the field checks and the verr (domain/validate.h):
 * a collecting verr names every bad field, a plain one keeps the last,
 * failed checks leave their defaults, and a check may refine what an
 * inner one said about the same field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "domain/validate.h"

static json_t *obj(const char *text)
{
    json_t *o = json_loads(text, 0, NULL);
    assert_non_null(o);
    return o;
}

static const char *field_at(const verr *e, int i)
{
    const char *f, *m;
    return verr_at(e, i, &f, &m) ? f : NULL;
}

static void test_a_collecting_verr_names_every_bad_field(void **state)
{
    (void)state;
    json_t *body = obj("{\"name\": 7, \"capacity\": 99, \"colour\": \"red\", \"shape\": 1}");
    static const char *const keys[] = {"name", "capacity", "when", NULL};
    verr e = VERR_COLLECT;
    const char *name, *when;
    int64_t capacity;
    v_known_keys(body, "", keys, &e);
    v_string(body, "name", "", true, false, 10, "x", &name, &e);
    v_int(body, "capacity", "", 1, 50, 2, false, &capacity, &e);
    v_date(body, "when", "", &when, &e);
    assert_true(v_failed(&e));
    assert_int_equal(v_count(&e), 4);
    /* In the order found; the first is field/msg as callers read it. */
    assert_string_equal(e.field, "colour");
    assert_string_equal(field_at(&e, 1), "shape");
    assert_string_equal(field_at(&e, 2), "name");
    assert_string_equal(field_at(&e, 3), "capacity");
    assert_null(field_at(&e, 4));
    /* Failed checks leave their defaults for the checks after them. */
    assert_string_equal(name, "x");
    assert_int_equal(capacity, 2);
    assert_null(when);
    json_decref(body);
}

static void test_a_plain_verr_keeps_the_last(void **state)
{
    (void)state;
    json_t *body = obj("{\"a\": 1, \"b\": 2}");
    verr e = {0};
    const char *s;
    v_string(body, "a", "", true, false, 10, NULL, &s, &e);
    v_string(body, "b", "", true, false, 10, NULL, &s, &e);
    assert_int_equal(v_count(&e), 1);
    assert_string_equal(e.field, "b");
    assert_string_equal(e.msg, "must be a string");
    /* v_add still appends to a plain one. */
    v_add(&e, "", "c", "more");
    assert_int_equal(v_count(&e), 2);
    assert_string_equal(field_at(&e, 1), "c");
    json_decref(body);
}

static void test_a_check_refines_the_same_field(void **state)
{
    (void)state;
    json_t *body = obj("{\"when\": 12}");
    verr e = VERR_COLLECT;
    const char *when;
    assert_int_equal(v_date(body, "when", "dates", &when, &e), -1);
    assert_int_equal(v_count(&e), 1); /* one error for the field, the date's own words */
    assert_string_equal(e.field, "dates.when");
    assert_string_equal(e.msg, "must be a date YYYY-MM-DD");
    json_decref(body);
}

/* sscanf's %d takes a space or a sign before the digits; a date or an
 * instant has digits where RFC 3339 has them, and nothing else. */
static void test_dates_and_instants_have_digits_only(void **state)
{
    (void)state;
    static const char *const dates[] = {"2027-03- 1", "2027-03-+1", "2027- 3-01", " 2027-03-01",
                                        "+2027-3-01", "2027-03-0 ", NULL};
    static const char *const instants[] = {"2026-03-10T 9:00:00Z",
                                           "2026-03-10T09:-0:00Z",
                                           "2026-03-10T09:00:+0Z",
                                           "2026-03-10T09:00:00+ 1:00",
                                           "2026-03-10T09:00:00+01:-0",
                                           "2026-03- 9T09:00:00Z",
                                           NULL};
    for (const char *const *d = dates; *d; d++) {
        char text[64];
        snprintf(text, sizeof text, "{\"when\": \"%s\"}", *d);
        json_t *body = obj(text);
        verr e = VERR_COLLECT;
        const char *when;
        assert_int_equal(v_date(body, "when", "", &when, &e), -1);
        assert_null(when);
        json_decref(body);
    }
    for (const char *const *d = instants; *d; d++) {
        char text[64];
        snprintf(text, sizeof text, "{\"at\": \"%s\"}", *d);
        json_t *body = obj(text);
        verr e = VERR_COLLECT;
        const char *at;
        int64_t t;
        assert_int_equal(v_instant(body, "at", "", true, &at, &t, &e), -1);
        json_decref(body);
    }
    json_t *good = obj("{\"when\": \"2028-02-29\", \"at\": \"2026-03-10T09:00:00.5-01:30\"}");
    verr e = VERR_COLLECT;
    const char *when, *at;
    int64_t t;
    assert_int_equal(v_date(good, "when", "", &when, &e), 0);
    assert_int_equal(v_instant(good, "at", "", true, &at, &t, &e), 0);
    assert_int_equal(t, 1773138600); /* 10:30 UTC */
    json_decref(good);
}

/* A long unknown key is named cut to the field's size, never inside a
 * character (a reply naming a field that is not UTF-8 cannot be sent). */
static void test_a_long_field_name_is_cut_between_characters(void **state)
{
    (void)state;
    verr probe;
    size_t room = sizeof probe.field - 1;
    for (size_t at = room - 3; at <= room; at++) {
        char key[400], text[512];
        memset(key, 'k', sizeof key);
        memcpy(key + at - 1, "\xc3\xa9\xe2\x82\xac", 5); /* é€ across the cut */
        key[sizeof key - 1] = '\0';
        snprintf(text, sizeof text, "{\"%s\": 1}", key);
        json_t *body = obj(text);
        static const char *const none[] = {NULL};
        verr e = VERR_COLLECT, plain = {0};
        assert_int_equal(v_known_keys(body, "", none, &e), -1);
        assert_int_equal(v_known_keys(body, "", none, &plain), -1);
        for (int k = 0; k < 2; k++) {
            const char *field = k ? plain.field : field_at(&e, 0);
            assert_true(strlen(field) <= room && strlen(field) >= room - 3);
            json_t *s = json_string(field); /* NULL when not UTF-8 */
            assert_non_null(s);
            json_decref(s);
        }
        json_decref(body);
    }
}

static void test_the_list_has_a_limit(void **state)
{
    (void)state;
    verr e = VERR_COLLECT;
    for (int i = 0; i < LIMIT_FIELD_ERRORS + 5; i++) {
        char k[16];
        snprintf(k, sizeof k, "f%d", i);
        assert_int_equal(v_fail(&e, "", k, "bad"), -1);
    }
    assert_int_equal(v_count(&e), LIMIT_FIELD_ERRORS);
    char last[16];
    snprintf(last, sizeof last, "f%d", LIMIT_FIELD_ERRORS - 1);
    assert_string_equal(field_at(&e, LIMIT_FIELD_ERRORS - 1), last);
}

static void test_merging(void **state)
{
    (void)state;
    verr from = VERR_COLLECT;
    v_fail(&from, "dates", "starts", "first");
    v_fail(&from, "dates", "ends", "second");
    verr all = VERR_COLLECT, one = {0};
    v_fail(&all, "", "name", "before");
    v_merge(&all, &from);
    assert_int_equal(v_count(&all), 3);
    assert_string_equal(field_at(&all, 2), "dates.ends");
    v_merge(&one, &from);
    assert_int_equal(v_count(&one), 1);
    assert_string_equal(one.field, "dates.starts");
}

static void test_string_lists_name_each_bad_item(void **state)
{
    (void)state;
    json_t *body = obj("{\"tags\": [\"ok\", \"\", 3, \"fine\"]}");
    verr e = VERR_COLLECT;
    json_t *tags = (json_t *)1;
    assert_int_equal(v_string_list(body, "tags", "p", 10, 10, &tags, &e), -1);
    assert_null(tags);
    assert_int_equal(v_count(&e), 2);
    assert_string_equal(e.field, "p.tags[1]");
    assert_string_equal(field_at(&e, 1), "p.tags[2]");
    verr ok = VERR_COLLECT;
    json_t *good = obj("{\"tags\": [\"a\", \"b\"]}");
    assert_int_equal(v_string_list(good, "tags", "", 10, 10, &tags, &ok), 0);
    assert_int_equal(json_array_size(tags), 2);
    assert_false(v_failed(&ok));
    json_decref(good);
    json_decref(body);
}

static void test_values_and_bounds(void **state)
{
    (void)state;
    json_t *body = obj("{\"n\": 3, \"x\": 0.5, \"b\": true, \"s\": \"  \", \"k\": \"blue\"}");
    verr e = VERR_COLLECT;
    int64_t n;
    double x;
    bool b;
    const char *s, *k;
    static const char *const colours[] = {"red", "green", NULL};
    assert_int_equal(v_int(body, "n", "", 1, 5, 0, true, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_int_equal(v_number(body, "x", "", 0, 1, 0, true, &x, &e), 0);
    assert_true(x == 0.5);
    assert_int_equal(v_bool(body, "b", "", false, &b, &e), 0);
    assert_true(b);
    assert_int_equal(v_string(body, "s", "", true, false, 10, NULL, &s, &e), -1);
    assert_int_equal(v_enum(body, "k", "", colours, "red", &k, &e), -1);
    assert_string_equal(k, "red");
    assert_string_equal(field_at(&e, 1), "k");
    assert_string_equal(e.msg, "must not be empty");
    json_decref(body);
}

/* Defect 9 of the security probe: a program named "P\r\nBcc: x" reached
 * a mail subject; ESC and right-to-left overrides reached the UI. */
static void test_single_lines_refuse_breaks_controls_and_overrides(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *msg; /* NULL: accepted */
    } cases[] = {
        {"Ana Lima", NULL},
        {"Zoë Ødegård 山田 🙂", NULL}, /* any printable UTF-8 */
        {"tab\there", "must be a single line: U+0009 at byte 4 is a control character"},
        {"P\r\nBcc: victim@example.org", "must be a single line: U+000D at byte 2 is a line break"},
        {"line\n", "must be a single line: U+000A at byte 5 is a line break"},
        {"\x1b[31mred", "must be a single line: U+001B at byte 1 is a control character"},
        {"del\x7f", "must be a single line: U+007F at byte 4 is a control character"},
        {"c1 \xc2\x85", "must be a single line: U+0085 at byte 4 is a control character"},
        {"ls \xe2\x80\xa8", "must be a single line: U+2028 at byte 4 is a line break"},
        {"ps \xe2\x80\xa9", "must be a single line: U+2029 at byte 4 is a line break"},
        {"rlo \xe2\x80\xae", "must be a single line: U+202E at byte 5 is a bidirectional override"},
        {"lre \xe2\x80\xaa", "must be a single line: U+202A at byte 5 is a bidirectional override"},
        {"fsi \xe2\x81\xa8", "must be a single line: U+2068 at byte 5 is a bidirectional override"},
        {"pdi \xe2\x81\xa9", "must be a single line: U+2069 at byte 5 is a bidirectional override"},
        {"lrm \xe2\x80\x8e ok", NULL}, /* a mark, not an override */
        {"\xe2\x81\xaa ok", NULL},     /* U+206A, past the isolates */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = v_line_problem(cases[i].text, strlen(cases[i].text));
        if (!cases[i].msg)
            assert_null(got);
        else
            assert_string_equal(got, cases[i].msg);
    }
    /* A NUL inside the given length is a control character too. */
    assert_string_equal(v_line_problem("a\0b", 3),
                        "must be a single line: U+0000 at byte 2 is a control character");
    /* A cut sequence at the end is read byte by byte, not past the end. */
    assert_null(v_line_problem("ok \xe2\x80", 5));

    /* v_line: the message on the field, the default kept, v_string's rules first. */
    json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "name", "P\r\nBcc: x", "title", "Fine",
                             "empty", "", "long", "abcdefghijk");
    verr e = VERR_COLLECT;
    const char *name = "x", *title, *empty, *longer, *absent;
    assert_int_equal(v_line(body, "name", "phases[0]", true, false, 200, NULL, &name, &e), -1);
    assert_null(name);
    assert_int_equal(v_line(body, "title", "", true, false, 200, NULL, &title, &e), 0);
    assert_string_equal(title, "Fine");
    assert_int_equal(v_line(body, "empty", "", true, false, 200, NULL, &empty, &e), -1);
    assert_int_equal(v_line(body, "long", "", true, false, 10, NULL, &longer, &e), -1);
    assert_int_equal(v_line(body, "absent", "", false, false, 10, "dflt", &absent, &e), 0);
    assert_string_equal(absent, "dflt");
    assert_int_equal(v_count(&e), 3);
    assert_string_equal(field_at(&e, 0), "phases[0].name");
    assert_string_equal(e.msg, "must be a single line: U+000D at byte 2 is a line break");
    assert_string_equal(field_at(&e, 1), "empty");
    assert_string_equal(field_at(&e, 2), "long");
    json_decref(body);
}

/* Field names are copied, not printed: the same bytes as snprintf's,
 * cut the same way, at every buffer size. */
static void test_field_names_match_printf_at_every_size(void **state)
{
    (void)state;
    static const char *const paths[] = {"", "profile", "profile.skills", NULL};
    static const char *const keys[] = {"", "skills", "a", NULL};
    static const size_t indexes[] = {0, 7, 10, 123456789};
    char got[32], want[32];
    for (size_t size = 1; size <= sizeof got; size++) {
        for (size_t p = 0; p < sizeof paths / sizeof *paths; p++) {
            for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
                const char *path = paths[p], *key = keys[k];
                memset(got, 'x', sizeof got);
                v_join(got, size, path, key);
                if (!path || !*path)
                    snprintf(want, size, "%s", key ? key : "(null)");
                else if (!key || !*key)
                    snprintf(want, size, "%s", path);
                else
                    snprintf(want, size, "%s.%s", path, key);
                assert_string_equal(got, want);
            }
            for (size_t i = 0; i < sizeof indexes / sizeof *indexes; i++) {
                const char *path = paths[p] ? paths[p] : "(null)";
                v_index(got, size, paths[p], indexes[i]);
                snprintf(want, size, "%s[%zu]", path, indexes[i]);
                assert_string_equal(got, want);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_collecting_verr_names_every_bad_field),
        cmocka_unit_test(test_a_plain_verr_keeps_the_last),
        cmocka_unit_test(test_a_check_refines_the_same_field),
        cmocka_unit_test(test_the_list_has_a_limit),
        cmocka_unit_test(test_merging),
        cmocka_unit_test(test_string_lists_name_each_bad_item),
        cmocka_unit_test(test_values_and_bounds),
        cmocka_unit_test(test_dates_and_instants_have_digits_only),
        cmocka_unit_test(test_a_long_field_name_is_cut_between_characters),
        cmocka_unit_test(test_single_lines_refuse_breaks_controls_and_overrides),
        cmocka_unit_test(test_field_names_match_printf_at_every_size),
    };
    return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
