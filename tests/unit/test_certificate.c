/* test_certificate.c - the certificate of completion (domain/certificate.h)
 * read back with pdftotext: the person, the program, the dates and hours
 * are there as text; names in other scripts lay out (their text comes
 * back); a very long name fits the page; text that looks like pango
 * markup prints as typed; nothing else is in the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/str.h"
#include "domain/certificate.h"

/* Renders c, checks it is a PDF and returns its text as pdftotext reads
 * it (the caller frees it); *pages gets the page count from pdfinfo. */
static char *render_text(const struct certificate *c, buf *pdf, int *pages)
{
    char dir[] = "/tmp/tandem-cert-XXXXXX", path[64], cmd[256];
    assert_non_null(mkdtemp(dir));
    assert_int_equal(certificate_pdf(c, pdf), 0);
    assert_true(pdf->len > 1000);
    assert_memory_equal(pdf->data, "%PDF-", 5);
    str_fmt(path, sizeof path, "%s/c.pdf", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(pdf->data, 1, pdf->len, f), pdf->len);
    fclose(f);
    str_fmt(cmd, sizeof cmd, "pdfinfo '%s' | sed -n 's/^Pages: *//p'", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%d", pages), 1);
    pclose(p);
    str_fmt(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", path);
    p = popen(cmd, "r");
    assert_non_null(p);
    buf out;
    buf_init(&out, 1u << 20);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        assert_int_equal(buf_append(&out, chunk, n), 0);
    assert_int_equal(pclose(p), 0);
    str_fmt(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return out.data ? buf_take(&out) : calloc(1, 1);
}

/* Turns every run of white space (line breaks included) into one space. */
static void squash(char *s)
{
    char *o = s;
    bool space = false;
    for (; *s; s++) {
        if (*s == '\n' || *s == ' ' || *s == '\f' || *s == '\r' || *s == '\t') {
            space = true;
            continue;
        }
        if (space)
            *o++ = ' ';
        space = false;
        *o++ = *s;
    }
    *o = '\0';
}

static const struct certificate base = {.name = "Ana Lima",
                                        .program = "New Leaders 2027",
                                        .role = "mentee",
                                        .partners = "Maya Okafor",
                                        .from = "2026-03-03",
                                        .to = "2027-03-02",
                                        .minutes = 750,
                                        .meetings = 14,
                                        .issued = "2027-03-05"};

static void test_the_text_names_person_program_dates_and_hours(void **state)
{
    (void)state;
    buf pdf;
    buf_init(&pdf, LIMIT_CERTIFICATE_BYTES);
    int pages = 0;
    char *t = render_text(&base, &pdf, &pages);
    squash(t);
    assert_int_equal(pages, 1);
    assert_non_null(strstr(t, "Certificate of completion"));
    assert_non_null(strstr(t, "Ana Lima"));
    assert_non_null(strstr(t, "as mentee"));
    assert_non_null(strstr(t, "Maya Okafor"));
    assert_non_null(strstr(t, "New Leaders 2027"));
    assert_non_null(strstr(t, "From 3 March 2026 to 2 March 2027"));
    assert_non_null(strstr(t, "12 hours and 30 minutes of mentoring in 14 meetings"));
    assert_non_null(strstr(t, "Issued on 5 March 2027"));
    /* The title and creator, and no link or picture. */
    assert_non_null(memmem(pdf.data, pdf.len, "Certificate of completion", 25));
    assert_null(memmem(pdf.data, pdf.len, "/URI", 4));
    assert_null(memmem(pdf.data, pdf.len, "/Image", 6));
    free(t);
    buf_cleanup(&pdf);
}

static void test_names_in_other_scripts_lay_out(void **state)
{
    (void)state;
    static const char *const names[] = {
        "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e",                      /* 王小明 */
        "\xe5\xb1\xb1\xe7\x94\xb0 \xe8\x8a\xb1\xe5\xad\x90",         /* 山田 花子 */
        "\xd9\x84\xd9\x8a\xd9\x84\xd9\x89 \xd8\xad\xd8\xb3\xd9\x86", /* ليلى حسن */
        "\xd0\x9e\xd0\xbb\xd1\x8c\xd0\xb3\xd0\xb0 \xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd\xd0\xbe"
        "\xd0\xb2\xd0\xb0", /* Ольга Иванова */
        "\xce\x9d\xce\xb9\xce\xba\xce\xbf\xce\xbb\xce\xac\xce\xbf\xcf\x82", /* Νικολάος */
        "Zo\xc3\xab \xc3\x85str\xc3\xb6m-N\xc3\xba\xc3\xb1"
        "ez", /* Zoë Åström-Núñez */
    };
    buf pdf;
    buf_init(&pdf, LIMIT_CERTIFICATE_BYTES);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct certificate c = base;
        c.name = names[i];
        int pages = 0;
        char *t = render_text(&c, &pdf, &pages);
        assert_int_equal(pages, 1);
        if (i == 2) {
            /* Right to left: pdftotext gives the words in visual or
             * logical order depending on the font; each word must be
             * there. */
            assert_non_null(strstr(t, "\xd9\x84\xd9\x8a\xd9\x84\xd9\x89"));
            assert_non_null(strstr(t, "\xd8\xad\xd8\xb3\xd9\x86"));
        } else if (!strstr(t, names[i])) {
            fail_msg("name %zu not in the text: %s", i, t);
        }
        free(t);
    }
    buf_cleanup(&pdf);
}

static void test_a_long_name_fits_the_page(void **state)
{
    (void)state;
    char name[LIMIT_NAME_BYTES + 1];
    str_fmt(name, sizeof name, "%s",
            "Maria Fernanda Alessandra Carolina de los Santos Rodrigues-Oliveira Wijesinghe "
            "Nakamura-Schwarzenegger Papadopoulou Abernathy-Featherstonehaugh");
    struct certificate c = base;
    c.name = name;
    c.program = "A program with a rather long name that goes on: Leadership, Mentoring and "
                "Growth across the whole Organisation 2027-2028";
    buf pdf;
    buf_init(&pdf, LIMIT_CERTIFICATE_BYTES);
    int pages = 0;
    char *t = render_text(&c, &pdf, &pages);
    squash(t);
    assert_int_equal(pages, 1);
    /* Every word of the name is on the page, wrapped or not. */
    assert_non_null(strstr(t, "Wijesinghe"));
    assert_non_null(strstr(t, "Abernathy-Featherstonehaugh"));
    assert_non_null(strstr(t, "Organisation"));
    /* and what comes after it is still on the page */
    assert_non_null(strstr(t, "Issued on 5 March 2027"));
    free(t);
    buf_cleanup(&pdf);
}

static void test_markup_is_printed_as_typed(void **state)
{
    (void)state;
    struct certificate c = base;
    c.name = "<b>Eve</b> &amp; <span foreground=\"red\">Co</span>";
    c.program = "R&D <i>2027</i>";
    c.partners = "Bob & Alice <x>";
    buf pdf;
    buf_init(&pdf, LIMIT_CERTIFICATE_BYTES);
    int pages = 0;
    char *t = render_text(&c, &pdf, &pages);
    squash(t);
    assert_non_null(strstr(t, "<b>Eve</b> &amp; <span foreground=\"red\">Co</span>"));
    assert_non_null(strstr(t, "R&D <i>2027</i>"));
    assert_non_null(strstr(t, "Bob & Alice <x>"));
    free(t);
    buf_cleanup(&pdf);
}

static void test_words(void **state)
{
    (void)state;
    char s[64];
    certificate_date_words("2026-12-01", s, sizeof s);
    assert_string_equal(s, "1 December 2026");
    certificate_date_words("2026-13-01", s, sizeof s);
    assert_string_equal(s, "");
    certificate_date_words(NULL, s, sizeof s);
    assert_string_equal(s, "");
    certificate_duration_words(45, s, sizeof s);
    assert_string_equal(s, "45 minutes");
    certificate_duration_words(60, s, sizeof s);
    assert_string_equal(s, "1 hour");
    certificate_duration_words(61, s, sizeof s);
    assert_string_equal(s, "1 hour and 1 minute");
    certificate_duration_words(0, s, sizeof s);
    assert_string_equal(s, "0 minutes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_text_names_person_program_dates_and_hours),
        cmocka_unit_test(test_names_in_other_scripts_lay_out),
        cmocka_unit_test(test_a_long_name_fits_the_page),
        cmocka_unit_test(test_markup_is_printed_as_typed),
        cmocka_unit_test(test_words),
    };
    return cmocka_run_group_tests_name("certificate", tests, NULL, NULL);
}
