/* Unit tests for the iCalendar writer: line folding at 75 octets without
 * splitting UTF-8, TEXT escaping, and a whole calendar's shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/str.h"
#include "domain/ical.h"

#define CAP (1u << 20)

static char *escaped(const char *s)
{
    buf b;
    buf_init(&b, CAP);
    assert_int_equal(ical_escape(&b, s), 0);
    buf_puts(&b, ""); /* an empty input still gives a string */
    return buf_take(&b);
}

static void escapes(const char *in, const char *want)
{
    char *got = escaped(in);
    if (strcmp(got, want) != 0)
        fail_msg("escape %s\n  got:  %s\n  want: %s", in, got, want);
    free(got);
}

static void test_text_escaping(void **state)
{
    (void)state;
    escapes("plain words", "plain words");
    escapes("a,b;c\\d", "a\\,b\\;c\\\\d");
    escapes("one\ntwo\r\nthree\rfour", "one\\ntwo\\nthree\\nfour");
    escapes("tab\tkept, bell\adropped", "tab\tkept\\, bell"
                                        "dropped");
    escapes("Caf\xc3\xa9 \xe2\x82\xac", "Caf\xc3\xa9 \xe2\x82\xac");
    escapes("", "");
}

/* Splits the buffer into physical lines, checking each ends in CRLF and
 * holds at most 75 octets; returns the unfolded logical text. */
static char *unfold_checked(const char *text, int *physical)
{
    buf out;
    buf_init(&out, CAP);
    buf_puts(&out, "");
    *physical = 0;
    const char *p = text;
    while (*p) {
        const char *crlf = strstr(p, "\r\n");
        assert_non_null(crlf);
        size_t n = (size_t)(crlf - p);
        assert_true(n <= ICAL_LINE_OCTETS);
        assert_true(memchr(p, '\n', n) == NULL);
        assert_true(memchr(p, '\r', n) == NULL);
        if (*physical > 0 && p[0] == ' ')
            buf_append(&out, p + 1, n - 1);
        else {
            if (*physical > 0)
                buf_append(&out, "\n", 1);
            buf_append(&out, p, n);
        }
        /* A line never starts or ends inside a UTF-8 sequence. */
        if (n > 0) {
            size_t start = p[0] == ' ' ? 1 : 0;
            if (n > start)
                assert_true(((unsigned char)p[start] & 0xC0) != 0x80);
            assert_true(str_utf8_valid(p + start, n - start));
        }
        (*physical)++;
        p = crlf + 2;
    }
    return buf_take(&out);
}

static void test_short_lines_are_not_folded(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, CAP);
    assert_int_equal(ical_line(&b, "SUMMARY", "Mentoring"), 0);
    assert_string_equal(b.data, "SUMMARY:Mentoring\r\n");
    buf_reset(&b);
    char v[80];
    memset(v, 'x', 67);
    v[67] = '\0'; /* "SUMMARY:" + 67 = 75 octets exactly */
    assert_int_equal(ical_line(&b, "SUMMARY", v), 0);
    assert_int_equal(b.len, 77);
    buf_cleanup(&b);
}

static void test_long_ascii_lines_fold_at_75_octets(void **state)
{
    (void)state;
    char v[400];
    for (int i = 0; i < 399; i++)
        v[i] = (char)('a' + i % 26);
    v[399] = '\0';
    buf b;
    buf_init(&b, CAP);
    assert_int_equal(ical_line(&b, "DESCRIPTION", v), 0);
    int lines;
    char *logical = unfold_checked(b.data, &lines);
    char want[420];
    str_fmt(want, sizeof want, "DESCRIPTION:%s", v);
    assert_string_equal(logical, want);
    /* 12 + 399 = 411 octets: 75 on the first line, 74 on each next one. */
    assert_int_equal(lines, 1 + (411 - 75 + 73) / 74);
    assert_int_equal(strncmp(b.data + 75, "\r\n ", 3), 0);
    free(logical);
    buf_cleanup(&b);
}

static void test_folding_never_splits_utf8(void **state)
{
    (void)state;
    /* Two-, three- and four-byte characters at every alignment. */
    const char *chars[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
    for (int k = 0; k < 3; k++) {
        for (int shift = 0; shift < 4; shift++) {
            char v[1200];
            size_t n = 0;
            for (int i = 0; i < shift; i++)
                v[n++] = 'x';
            while (n + 4 < 1000) {
                size_t l = strlen(chars[k]);
                memcpy(v + n, chars[k], l);
                n += l;
            }
            v[n] = '\0';
            buf b;
            buf_init(&b, CAP);
            assert_int_equal(ical_line(&b, "LOCATION", v), 0);
            int lines;
            char *logical = unfold_checked(b.data, &lines);
            assert_true(lines > 10);
            assert_int_equal(strncmp(logical, "LOCATION:", 9), 0);
            assert_string_equal(logical + 9, v);
            free(logical);
            buf_cleanup(&b);
        }
    }
}

static void test_a_calendar_with_one_event(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, CAP);
    struct ical_event e = {
        .uid = "meeting-7-abc@tandem",
        .sequence = 3,
        .stamp = 1773100000,
        .created = 1773000000,
        .start = 1773129600, /* 2026-03-10T08:00:00Z */
        .duration_s = 3600,
        .summary = "Mentoring: Ana & Bo",
        .description = "Agenda:\n- goals, next steps; review",
        .location = "Room 4, floor 2",
        .cancelled = true,
    };
    assert_int_equal(ical_begin(&b, "-//Tandem//Tandem 1//EN", NULL, "Meetings", "Europe/Paris"),
                     0);
    assert_int_equal(ical_event(&b, &e), 0);
    assert_int_equal(ical_end(&b), 0);
    int lines;
    char *t = unfold_checked(b.data, &lines);
    const char *head = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Tandem//Tandem 1//EN\n";
    assert_int_equal(strncmp(t, head, strlen(head)), 0);
    assert_non_null(strstr(t, "\nCALSCALE:GREGORIAN\nMETHOD:PUBLISH\n"));
    assert_non_null(strstr(t, "\nX-WR-TIMEZONE:Europe/Paris\n"));
    assert_non_null(strstr(t, "\nBEGIN:VEVENT\nUID:meeting-7-abc@tandem\n"));
    assert_non_null(strstr(t, "\nDTSTART:20260310T080000Z\nDTEND:20260310T090000Z\n"));
    assert_non_null(strstr(t, "\nSEQUENCE:3\nSTATUS:CANCELLED\n"));
    assert_non_null(strstr(t, "\nSUMMARY:Mentoring: Ana & Bo\n"));
    assert_non_null(strstr(t, "\nDESCRIPTION:Agenda:\\n- goals\\, next steps\\; review\n"));
    assert_non_null(strstr(t, "\nLOCATION:Room 4\\, floor 2\n"));
    const char *tail = "\nEND:VEVENT\nEND:VCALENDAR";
    assert_int_equal(strcmp(t + strlen(t) - strlen(tail), tail), 0);
    assert_int_equal(strcmp(b.data + b.len - 2, "\r\n"), 0);
    free(t);
    buf_cleanup(&b);
}

static void test_a_cancellation_with_its_people(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, CAP);
    struct ical_person org = {.name = "Ana \"the\" Mentor", .email = "ana@example.org"};
    struct ical_person att[] = {{.name = "Ana", .email = "ana@example.org"},
                                {.name = NULL, .email = "bo@example.org"}};
    struct ical_event e = {.uid = "meeting-7-abc@tandem",
                           .sequence = 4,
                           .stamp = 1773100000,
                           .start = 1773129600,
                           .duration_s = 3600,
                           .cancelled = true,
                           .organizer = &org,
                           .attendees = att,
                           .n_attendees = 2};
    assert_int_equal(ical_begin(&b, "-//Tandem//Tandem 1//EN", "CANCEL", NULL, NULL), 0);
    assert_int_equal(ical_event(&b, &e), 0);
    assert_int_equal(ical_end(&b), 0);
    int lines;
    char *t = unfold_checked(b.data, &lines);
    assert_non_null(strstr(t, "\nMETHOD:CANCEL\n"));
    assert_non_null(strstr(t, "\nSEQUENCE:4\nSTATUS:CANCELLED\n"));
    assert_non_null(strstr(t, "\nORGANIZER;CN=\"Ana the Mentor\":mailto:ana@example.org\n"));
    assert_non_null(
        strstr(t, "\nATTENDEE;CN=\"Ana\";ROLE=REQ-PARTICIPANT:mailto:ana@example.org\n"));
    assert_non_null(strstr(t, "\nATTENDEE;ROLE=REQ-PARTICIPANT:mailto:bo@example.org\nEND:VEVENT"));
    free(t);
    buf_cleanup(&b);
}

static void test_the_cap_is_reported(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 40);
    assert_int_equal(ical_begin(&b, "-//Tandem//Tandem 1//EN", NULL, NULL, NULL), -1);
    buf_cleanup(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_escaping),
        cmocka_unit_test(test_short_lines_are_not_folded),
        cmocka_unit_test(test_long_ascii_lines_fold_at_75_octets),
        cmocka_unit_test(test_folding_never_splits_utf8),
        cmocka_unit_test(test_a_calendar_with_one_event),
        cmocka_unit_test(test_a_cancellation_with_its_people),
        cmocka_unit_test(test_the_cap_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
