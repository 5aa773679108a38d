/* Unit tests for mail: the templates (every kind renders, values are
 * escaped, a missing value is refused), the MIME writer (no control
 * character ever reaches a header, encoded words never split UTF-8, lines
 * stay short), redaction, the back-off, and the SMTP URL rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/str.h"
#include "base/limits.h"
#include "domain/invitation.h"
#include "domain/mail.h"
#include "domain/mime.h"
#include "jobs/mail_smtp.h"

#define CAP (4u << 20)

/* Every value any template names, so each kind renders. */
static const struct mail_value all[] = {
    {"name", "Ana"},
    {"program", "Spring <2027>"},
    {"url", "https://t.example"},
    {"link", "https://t.example/x?a=1&b=2"},
    {"role", "mentor"},
    {"days", "30"},
    {"reason", "Full"},
    {"partner", "partner"},
    {"message", "Welcome!"},
    {"relationship", "7"},
    {"when", "2027-01-15 09:00"},
    {"minutes", "45"},
    {"author", "Bo"},
    {"before", "2027-01-14 09:00"},
    {"mode", "video"},
    {"version", "2"},
    {"training", "yes"},
    {"who", "Eli"},
    {"end", "2027-06-30"},
    {"months", "6"},
    {"waiting", "Maya"},
    {"how", "declined"},
    {"by_coordinator", "yes"},
    {"from", "Eli"},
    {"title", "Pulse <check>"},
    {"with", "Maya"},
    {"until", "2027-02-01"},
    {"anonymous", "yes"},
    {"what", "scheduled"},
    {"signin", "https://t.example/signin"},
    {"phase", "Initiation"},
    {"frequency", "2"},
    {"names", "Maya and Eli"},
    {"mentee", "Eli"},
    {"day", "1 December 2026"},
    {"count", "2"},
    {"items", "- A new message\n  https://t.example/x\n"},
    {"items_html", "<ul><li>made by the service</li></ul>"},
};
#define NALL (sizeof all / sizeof all[0])

static void test_every_kind_renders(void **state)
{
    (void)state;
    size_t n;
    const struct mail_template *t = mail_templates(&n);
    assert_true(n >= 24);
    for (size_t i = 0; i < n; i++) {
        struct mail_rendered r;
        char err[200];
        if (mail_render(t[i].kind, all, NALL, &r, err, sizeof err))
            fail_msg("%s: %s", t[i].kind, err);
        assert_non_null(strstr(r.text, "Hello Ana,"));
        assert_non_null(strstr(r.html, "<p>Hello Ana,</p>"));
        buf page;
        buf_init(&page, CAP);
        assert_int_equal(mail_html_page(&page, r.subject, r.html), 0);
        assert_true(str_starts(page.data, "<!DOCTYPE html>"));
        assert_non_null(strstr(page.data, "<title>"));
        assert_null(strstr(page.data, "<2027>")); /* the title is escaped too */
        buf_cleanup(&page);
        assert_null(strstr(r.text, "{{"));
        assert_null(strstr(r.html, "{{"));
        assert_null(strchr(r.subject, '\n'));
        /* A value goes into the HTML escaped, never as markup. */
        assert_null(strstr(r.html, "<2027>"));
        if (strstr(t[i].text, "{{link}}")) {
            assert_non_null(strstr(r.text, "https://t.example/x?a=1&b=2"));
            assert_non_null(strstr(r.html, "href=\"https://t.example/x?a=1&amp;b=2\""));
        }
        assert_non_null(t[i].what);
        mail_rendered_cleanup(&r);
    }
    assert_non_null(mail_template_find("invitation"));
    assert_int_equal(mail_template_find("invitation")->class, MAIL_REQUIRED);
    assert_int_equal(mail_template_find("matched")->class, MAIL_NOTIFICATION);
    /* Accounts by mail: a person must get them. */
    assert_int_equal(mail_template_find("password_reset")->class, MAIL_REQUIRED);
    assert_int_equal(mail_template_find("password_changed")->class, MAIL_REQUIRED);
    assert_int_equal(mail_template_find("sign_up_verify")->class, MAIL_REQUIRED);
    assert_int_equal(mail_template_find("sign_up_exists")->class, MAIL_REQUIRED);
    assert_null(mail_template_find("nope"));
}

/* A plan filled in gives the bytes mail_render gives with the same
 * values, for every kind, with the open values escaped in each part; a
 * section over an open value that is empty sends the caller back to
 * mail_render. */
static void test_plans_render_as_mail_render_does(void **state)
{
    (void)state;
    static const char *const open[] = {"name", "link", "program"};
    static const char *const names[] = {"Ana", "O'Brien & <Sons> \"Q\"", "two\nlines", "x"};
    static const char *const links[] = {"https://t.example/invite/abc", "", "a&b<c>\"d'"};
    size_t n;
    const struct mail_template *t = mail_templates(&n);
    for (size_t i = 0; i < n; i++) {
        struct mail_plan *plan = NULL;
        char err[200];
        if (mail_plan_make(t[i].kind, all, NALL, open, 3, &plan, err, sizeof err))
            fail_msg("%s: %s", t[i].kind, err);
        for (size_t a = 0; a < sizeof names / sizeof *names; a++)
            for (size_t b = 0; b < sizeof links / sizeof *links; b++) {
                struct mail_value v[NALL + 3];
                memcpy(v, all, sizeof all);
                v[NALL] = (struct mail_value){"name", names[a]};
                v[NALL + 1] = (struct mail_value){"link", links[b]};
                v[NALL + 2] = (struct mail_value){"program", names[(a + b) % 4]};
                struct mail_rendered want, got;
                assert_int_equal(mail_render(t[i].kind, v, NALL + 3, &want, err, sizeof err), 0);
                const char *vals[] = {names[a], links[b], names[(a + b) % 4]};
                assert_int_equal(mail_plan_fill(plan, vals, &got), 0);
                assert_string_equal(got.subject, want.subject);
                assert_string_equal(got.text, want.text);
                assert_string_equal(got.html, want.html);
                mail_rendered_cleanup(&want);
                mail_rendered_cleanup(&got);
            }
        /* the greeting shows the name only when there is one */
        struct mail_rendered got;
        assert_int_equal(mail_plan_fill(plan, (const char *const[]){"", "l", "p"}, &got), 1);
        assert_null(got.text);
        mail_plan_free(plan);
    }
    struct mail_plan *plan = NULL;
    char err[200];
    assert_int_equal(mail_plan_make("no-such-kind", all, NALL, open, 3, &plan, err, sizeof err),
                     -1);
    assert_null(plan);
    assert_non_null(strstr(err, "no-such-kind"));
    mail_plan_free(NULL);
}

static void test_missing_values_and_optional_parts(void **state)
{
    (void)state;
    struct mail_rendered r;
    char err[200];
    struct mail_value few[] = {{"name", ""}, {"program", "P"}, {"url", "u"}};
    assert_int_equal(mail_render("invitation", few, 3, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "role"));
    assert_null(r.text);
    assert_int_equal(mail_render("no-such-kind", few, 3, &r, err, sizeof err), -1);

    /* An empty optional value leaves its part out; the greeting has no name. */
    struct mail_value v[] = {
        {"name", ""}, {"program", "P"}, {"url", "u"}, {"link", "L"}, {"message", ""}};
    assert_int_equal(mail_render("request_accepted", v, 5, &r, err, sizeof err), 0);
    assert_non_null(strstr(r.text, "Hello,\n"));
    assert_null(strstr(r.text, "They wrote"));
    assert_null(strstr(r.html, "blockquote"));
    mail_rendered_cleanup(&r);
    v[4].value = "Line one\nline <two>";
    assert_int_equal(mail_render("request_accepted", v, 5, &r, err, sizeof err), 0);
    assert_non_null(strstr(r.text, "They wrote:\n\nLine one\nline <two>"));
    assert_non_null(strstr(r.html, "Line one<br>\nline &lt;two&gt;"));
    mail_rendered_cleanup(&r);
}

static void test_subject_stays_one_line(void **state)
{
    (void)state;
    struct mail_rendered r;
    char err[200];
    struct mail_value v[] = {{"name", "x"},      {"program", "P\r\nBcc: victim@example.org"},
                             {"url", "u"},       {"link", "l"},
                             {"role", "mentor"}, {"days", "30"}};
    assert_int_equal(mail_render("invitation", v, 6, &r, err, sizeof err), 0);
    assert_string_equal(r.subject, "Invitation: P  Bcc: victim@example.org");
    mail_rendered_cleanup(&r);
}

/* The words of enrolment: an invitation (its values from
 * domain/invitation.h, as the API and the CSV import give them), an
 * approval with or without training to do, a decline with the reason. */
static void test_the_enrolment_mail(void **state)
{
    (void)state;
    struct mail_rendered r;
    char err[200], link[256];
    struct mail_value v[3 + INVITATION_VALUES] = {
        {"name", "Ana"}, {"program", "Leaders"}, {"url", "https://t.example"}};
    assert_true(
        invitation_values(v + 3, link, sizeof link, "mentee", "https://t.example", "TOKEN"));
    assert_int_equal(mail_render("invitation", v, 3 + INVITATION_VALUES, &r, err, sizeof err), 0);
    assert_string_equal(r.subject, "Invitation: Leaders");
    assert_non_null(strstr(r.text, "Hello Ana,"));
    assert_non_null(strstr(r.text, "\"Leaders\" as a mentee"));
    assert_non_null(strstr(r.text, "\nhttps://t.example/invite/TOKEN\n"));
    char days[64];
    str_fmt(days, sizeof days, "for %d days", LIMIT_INVITATION_DAYS);
    assert_non_null(strstr(r.text, days));
    assert_non_null(strstr(r.html, "href=\"https://t.example/invite/TOKEN\""));
    mail_rendered_cleanup(&r);
    char tiny[20];
    assert_false(invitation_values(v + 3, tiny, sizeof tiny, "mentee", "https://t.example", "T"));

    struct mail_value a[] = {{"name", "Ana"},
                             {"program", "Leaders"},
                             {"url", "u"},
                             {"link", "https://t.example/programs/4"},
                             {"training", "yes"}};
    assert_int_equal(mail_render("approved", a, 5, &r, err, sizeof err), 0);
    assert_string_equal(r.subject, "You are in: Leaders");
    assert_non_null(strstr(r.text, "complete your profile and your training:"));
    assert_non_null(strstr(r.html, "complete your profile and your training</a>"));
    mail_rendered_cleanup(&r);
    a[4].value = "";
    assert_int_equal(mail_render("approved", a, 5, &r, err, sizeof err), 0);
    assert_non_null(strstr(r.text, "complete your profile:"));
    assert_null(strstr(r.text, "training"));
    assert_null(strstr(r.html, "training"));
    mail_rendered_cleanup(&r);
    a[4] = (struct mail_value){"reason", "the places are taken"};
    assert_int_equal(mail_render("declined", a, 5, &r, err, sizeof err), 0);
    assert_string_equal(r.subject, "About your application: Leaders");
    assert_non_null(strstr(r.text, "could not offer you a place: the places are taken"));
    mail_rendered_cleanup(&r);
}

/* ---- MIME ---- */

static char *write_message(const struct mime_message *m, int want)
{
    buf b;
    buf_init(&b, CAP);
    char err[200];
    int rc = mime_write(&b, m, err, sizeof err);
    if (rc != want)
        fail_msg("mime_write returned %d (%s)", rc, err);
    if (rc) {
        assert_true(err[0] != '\0');
        buf_cleanup(&b);
        return NULL;
    }
    return buf_take(&b);
}

static const struct mime_message base_msg = {
    .from = "tandem@example.org",
    .from_name = "Tandem",
    .to = "ana@example.org",
    .to_name = NULL,
    .subject = "Hello",
    .message_id = "<tandem.1.2@example.org>",
    .date = 1800000000,
    .text = "Body\n",
    .html = "<p>Body</p>",
};

static void test_control_characters_never_reach_a_header(void **state)
{
    (void)state;
    const char *bad[] = {
        "P\r\nBcc: victim@example.org", "a\nb",         "a\rb", "tab\there", "nul\x01", "del\x7f",
        "c1 \xc2\x85 next line",        "bad utf8 \xff"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct mime_message m = base_msg;
        m.subject = bad[i];
        assert_null(write_message(&m, -1));
        m = base_msg;
        m.to_name = bad[i];
        assert_null(write_message(&m, -1));
        m = base_msg;
        m.from_name = bad[i];
        assert_null(write_message(&m, -1));
        assert_false(mime_header_value_ok(bad[i]));
        buf b;
        buf_init(&b, CAP);
        assert_int_equal(mime_header(&b, "X-Test", bad[i]), -1);
        buf_cleanup(&b);
    }
    const char *bad_addr[] = {
        "a@b.org\r\nBcc: c@d.org", "a b@c.org", "<a@b.org>", "ä@b.org", "no-at-sign", ""};
    for (size_t i = 0; i < sizeof bad_addr / sizeof bad_addr[0]; i++) {
        struct mime_message m = base_msg;
        m.to = bad_addr[i];
        assert_null(write_message(&m, -1));
    }
    struct mime_message m = base_msg;
    m.message_id = "<a\r\nb@c>";
    assert_null(write_message(&m, -1));
    m = base_msg;
    m.unsubscribe = "https://x.example/u\r\nBcc: y@z";
    assert_null(write_message(&m, -1));
}

static int b64val(char c)
{
    const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(t, c);
    return p && c ? (int)(p - t) : -1;
}

/* Decodes every =?UTF-8?B?...?= word in s, checks each is whole UTF-8 on
 * its own, and returns their concatenation. */
static char *decode_words(const char *s)
{
    buf out;
    buf_init(&out, CAP);
    const char *p = s;
    while ((p = strstr(p, "=?UTF-8?B?"))) {
        p += 10;
        const char *end = strstr(p, "?=");
        assert_non_null(end);
        unsigned char word[128];
        size_t n = 0;
        unsigned acc = 0;
        int bits = 0;
        for (; p < end; p++) {
            if (*p == '=')
                continue;
            int v = b64val(*p);
            assert_true(v >= 0);
            acc = acc << 6 | (unsigned)v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                word[n++] = (unsigned char)(acc >> bits & 0xff);
            }
        }
        assert_true(str_utf8_valid((const char *)word, n)); /* no sequence split */
        buf_append(&out, word, n);
        p = end + 2;
    }
    buf_puts(&out, "");
    return buf_take(&out);
}

static void assert_lines_short(const char *msg, size_t max)
{
    const char *line = msg;
    while (*line) {
        const char *eol = strstr(line, "\r\n");
        assert_non_null(eol); /* every line ends in CRLF */
        assert_true((size_t)(eol - line) <= max);
        for (const char *c = line; c < eol; c++)
            assert_true(*c != '\n' && *c != '\r'); /* no bare CR or LF */
        line = eol + 2;
    }
}

static void test_headers_are_encoded_and_folded(void **state)
{
    (void)state;
    const char *subject =
        "Invitation: Mentorat für Ärztinnen ✓ – ein sehr langer Name, der über mehrere Zeilen "
        "gefaltet werden muss, 日本語のテキストも含めて";
    struct mime_message m = base_msg;
    m.subject = subject;
    m.to_name = "Zoë \"the\" Ünal";
    char *msg = write_message(&m, 0);
    assert_lines_short(msg, 78);
    const char *s = strstr(msg, "\r\nSubject: ");
    assert_non_null(s);
    const char *end = strstr(s + 2, "\r\nDate:");
    char *hdr = strndup(s, (size_t)(end - s));
    char *decoded = decode_words(hdr);
    assert_string_equal(decoded, subject);
    free(decoded);
    free(hdr);
    assert_non_null(strstr(msg, "To: =?UTF-8?B?"));
    assert_non_null(strstr(msg, "<ana@example.org>\r\n"));
    assert_non_null(strstr(msg, "Message-ID: <tandem.1.2@example.org>\r\n"));
    assert_non_null(strstr(msg, "Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"));
    assert_non_null(strstr(msg, "Content-Type: multipart/alternative; boundary="));
    assert_non_null(strstr(msg, "Content-Type: text/plain; charset=UTF-8"));
    assert_non_null(strstr(msg, "Content-Type: text/html; charset=UTF-8"));
    assert_null(strstr(msg, "List-Unsubscribe"));
    free(msg);

    /* Plain ASCII stays readable; a quoted name keeps its quotes escaped. */
    m = base_msg;
    m.to_name = "Ana \"Ace\" Smith";
    m.unsubscribe = "https://t.example/settings/notifications";
    m.html = NULL;
    msg = write_message(&m, 0);
    assert_non_null(strstr(msg, "Subject: Hello\r\n"));
    assert_non_null(strstr(msg, "To: \"Ana \\\"Ace\\\" Smith\" <ana@example.org>\r\n"));
    assert_non_null(
        strstr(msg, "List-Unsubscribe: <https://t.example/settings/notifications>\r\n"));
    assert_non_null(strstr(msg, "Content-Type: text/plain; charset=UTF-8\r\n"));
    assert_null(strstr(msg, "multipart"));
    free(msg);

    /* A long word without spaces cannot fold as plain text: it is
     * encoded, so no line passes 78 octets. */
    char word[300];
    memset(word, 'w', sizeof word - 1);
    word[sizeof word - 1] = '\0';
    m = base_msg;
    m.subject = word;
    msg = write_message(&m, 0);
    assert_lines_short(msg, 78);
    free(msg);

    /* ASCII that looks like an encoded word is encoded, so no reader
     * decodes what the sender wrote. */
    buf b;
    buf_init(&b, CAP);
    assert_int_equal(mime_header(&b, "Subject", "=?UTF-8?B?SGk=?="), 0);
    assert_null(strstr(b.data, "Subject: =?UTF-8?B?SGk=?=\r\n"));
    buf_cleanup(&b);
}

static void test_quoted_printable(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, CAP);
    char long_line[400];
    memset(long_line, 'x', sizeof long_line - 1);
    long_line[sizeof long_line - 1] = '\0';
    buf_reset(&b);
    assert_int_equal(mime_qp(&b, "a=b ü\n.dot\ntrailing \nCR\r\nend"), 0);
    assert_string_equal(b.data, "a=3Db =C3=BC\r\n=2Edot\r\ntrailing=20\r\nCR\r\nend");
    buf_reset(&b);
    assert_int_equal(mime_qp(&b, long_line), 0);
    buf_puts(&b, "\r\n");
    assert_lines_short(b.data, MIME_LINE_OCTETS);
    buf_cleanup(&b);
}

static void test_calendar_part(void **state)
{
    (void)state;
    struct mime_message m = base_msg;
    m.ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";
    assert_null(write_message(&m, -1)); /* the METHOD must be named */
    m.ics_method = "REQUEST";
    char *msg = write_message(&m, 0);
    assert_non_null(strstr(msg, "Content-Type: text/calendar; charset=UTF-8; method=REQUEST"));
    free(msg);
}

/* ---- redaction, back-off, ids ---- */

static void test_redaction(void **state)
{
    (void)state;
    char *r = mail_redact("Accept here:\nhttps://t.example/invite/AbC-12_x\nand /invite/\nend");
    assert_string_equal(r,
                        "Accept here:\nhttps://t.example/invite/\xe2\x80\xa6\nand /invite/\nend");
    free(r);
    r = mail_redact(
        "https://t.example/password-reset/Xy_9 and https://t.example/sign-up/verify/Qz-1");
    assert_string_equal(r, "https://t.example/password-reset/\xe2\x80\xa6 and "
                           "https://t.example/sign-up/verify/\xe2\x80\xa6");
    free(r);
    /* Reset and verification links, whichever path the page has. */
    r = mail_redact("https://t.example/reset/Rk9v?x and https://t.example/password-reset/QQ, "
                    "https://t.example/verify/vv_1");
    assert_string_equal(r, "https://t.example/reset/\xe2\x80\xa6?x and "
                           "https://t.example/password-reset/\xe2\x80\xa6, "
                           "https://t.example/verify/\xe2\x80\xa6");
    free(r);
    r = mail_redact("no links");
    assert_string_equal(r, "no links");
    free(r);
    r = mail_redact(NULL);
    assert_string_equal(r, "");
    free(r);
}

static void test_backoff_and_giving_up(void **state)
{
    (void)state;
    assert_int_equal(mail_backoff_s(1), 5);
    assert_int_equal(mail_backoff_s(2), 10);
    assert_int_equal(mail_backoff_s(3), 20);
    assert_int_equal(mail_backoff_s(7), 320);
    assert_int_equal(mail_backoff_s(8), 600);
    assert_int_equal(mail_backoff_s(1000), 600);
    /* A server down for a minute: tried after 5, 15, 35, 75 s. */
    int64_t t = 0;
    for (int i = 1; i <= 4; i++)
        t += mail_backoff_s(i);
    assert_int_equal(t, 75);
    assert_int_equal(mail_after_failure(1, 12, false), MAIL_RETRY);
    assert_int_equal(mail_after_failure(11, 12, false), MAIL_RETRY);
    assert_int_equal(mail_after_failure(12, 12, false), MAIL_DEAD);
    assert_int_equal(mail_after_failure(1, 12, true), MAIL_DEAD);
    char id[128];
    assert_true(mail_message_id(42, 1800000000, "Tandem@Mail.Example.org", id, sizeof id));
    assert_string_equal(id, "<tandem.42.1800000000@Mail.Example.org>");
    assert_true(mail_message_id(1, 2, "bad", id, sizeof id));
    assert_string_equal(id, "<tandem.1.2@localhost>");
}

static void test_smtp_urls(void **state)
{
    (void)state;
    struct mail_smtp_config c;
    char err[300];
    assert_int_equal(mail_smtp_parse("smtp://mail.example.org:587", NULL, &c, err, sizeof err), 0);
    assert_true(c.tls_required);
    assert_int_equal(
        mail_smtp_parse("smtps://u:secret@mail.example.org", NULL, &c, err, sizeof err), 0);
    assert_true(c.tls_required);
    assert_null(strstr(c.shown, "secret"));
    assert_non_null(strstr(c.url, "secret"));
    assert_int_equal(
        mail_smtp_parse("smtp://127.0.0.1:2525?starttls=no", "pw", &c, err, sizeof err), 0);
    assert_false(c.tls_required);
    assert_string_equal(c.password, "pw");
    assert_null(strstr(c.url, "starttls"));
    assert_int_equal(mail_smtp_parse("smtp://localhost?starttls=no", NULL, &c, err, sizeof err), 0);
    assert_int_equal(mail_smtp_parse("smtp://[::1]:25?starttls=no", NULL, &c, err, sizeof err), 0);
    /* Refused: clear text across the network, other schemes, other options. */
    assert_int_equal(
        mail_smtp_parse("smtp://mail.example.org?starttls=no", NULL, &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "on this machine"));
    assert_int_equal(mail_smtp_parse("smtps://127.0.0.1?starttls=no", NULL, &c, err, sizeof err),
                     -1);
    assert_int_equal(mail_smtp_parse("http://mail.example.org", NULL, &c, err, sizeof err), -1);
    assert_int_equal(mail_smtp_parse("smtp://x.org?tls=off", NULL, &c, err, sizeof err), -1);
    assert_int_equal(mail_smtp_parse("", NULL, &c, err, sizeof err), -1);
    assert_int_equal(mail_smtp_parse("not a url", NULL, &c, err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind_renders),
        cmocka_unit_test(test_plans_render_as_mail_render_does),
        cmocka_unit_test(test_missing_values_and_optional_parts),
        cmocka_unit_test(test_subject_stays_one_line),
        cmocka_unit_test(test_the_enrolment_mail),
        cmocka_unit_test(test_control_characters_never_reach_a_header),
        cmocka_unit_test(test_headers_are_encoded_and_folded),
        cmocka_unit_test(test_quoted_printable),
        cmocka_unit_test(test_calendar_part),
        cmocka_unit_test(test_redaction),
        cmocka_unit_test(test_backoff_and_giving_up),
        cmocka_unit_test(test_smtp_urls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
