/* Unit tests for the pure rules of notifications: the modes, the signed
 * unsubscribe token (made, checked, refused when any part is changed,
 * expired), the digest's day and its list (escaped, counted), the
 * footer's unsubscribe link and markup values in templates, and the
 * webhook URL rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "base/buf.h"
#include "domain/mail.h"
#include "domain/notification.h"
#include "domain/program.h"

static unsigned char key[NOTIFICATION_KEY_BYTES];
static unsigned char other_key[NOTIFICATION_KEY_BYTES];

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    memset(key, 7, sizeof key);
    memset(other_key, 8, sizeof other_key);
    return 0;
}

static void test_modes(void **state)
{
    (void)state;
    assert_int_equal(notification_mode_parse("immediately"), NOTIFY_IMMEDIATELY);
    assert_int_equal(notification_mode_parse("daily"), NOTIFY_DAILY);
    assert_int_equal(notification_mode_parse("off"), NOTIFY_OFF);
    assert_int_equal(notification_mode_parse("Off"), -1);
    assert_int_equal(notification_mode_parse("weekly"), -1);
    assert_int_equal(notification_mode_parse(NULL), -1);
    assert_string_equal(notification_mode_name(NOTIFY_DAILY), "daily");
}

static enum notification_token_check check(const unsigned char *k, const char *t, int64_t now,
                                           int64_t *person, char *kind)
{
    int64_t expires;
    return notification_token_check(k, t, now, person, kind, 64, &expires);
}

static void test_a_token_checks_for_its_person_and_kind_until_it_expires(void **state)
{
    (void)state;
    char t[NOTIFICATION_TOKEN_CHARS], kind[64];
    int64_t person = 0;
    assert_true(notification_token_make(key, 42, "message", 2000000000, t));
    assert_true(strncmp(t, "42.message.2000000000.", 22) == 0);
    assert_int_equal(strlen(t), 22 + 43);
    for (const char *c = t; *c; c++) /* a URL path segment mail_redact() shortens */
        assert_true(strchr("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._-",
                           *c) != NULL);
    assert_int_equal(check(key, t, 1999999999, &person, kind), NOTIFY_TOKEN_OK);
    assert_int_equal(person, 42);
    assert_string_equal(kind, "message");
    /* The same inputs, the same token: it is a MAC, not a random secret. */
    char again[NOTIFICATION_TOKEN_CHARS];
    assert_true(notification_token_make(key, 42, "message", 2000000000, again));
    assert_string_equal(t, again);
    /* At its time and after: expired, but still known to be genuine. */
    assert_int_equal(check(key, t, 2000000000, &person, kind), NOTIFY_TOKEN_EXPIRED);
    assert_int_equal(person, 42);
    /* Another server's key. */
    assert_int_equal(check(other_key, t, 0, &person, kind), NOTIFY_TOKEN_FORGED);
    assert_int_equal(person, 0);
}

static void test_any_change_to_a_token_is_a_forgery(void **state)
{
    (void)state;
    char t[NOTIFICATION_TOKEN_CHARS], kind[64], bad[NOTIFICATION_TOKEN_CHARS + 8];
    int64_t person;
    assert_true(notification_token_make(key, 42, "message", 2000000000, t));
    const char *mac = strrchr(t, '.') + 1;
    const char *forged[] = {"43.message.2000000000.", "42.matched.2000000000.",
                            "42.message.2000000001.", "042.message.2000000000.",
                            "42.message.02000000000."};
    for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
        snprintf(bad, sizeof bad, "%s%s", forged[i], mac);
        assert_int_equal(check(key, bad, 0, &person, kind), NOTIFY_TOKEN_FORGED);
    }
    /* Every single character of the MAC matters. */
    for (size_t i = (size_t)(mac - t); t[i]; i++) {
        snprintf(bad, sizeof bad, "%s", t);
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        assert_int_equal(check(key, bad, 0, &person, kind), NOTIFY_TOKEN_FORGED);
    }
    const char *junk[] = {"",
                          ".",
                          "...",
                          "42.message.2000000000",
                          "42.message.2000000000.",
                          "x.message.1.abc",
                          "42.Message.1.abc",
                          "42.mess age.1.abc",
                          "-42.message.1.abc",
                          "42.message.-1.abc"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
        assert_int_equal(check(key, junk[i], 0, &person, kind), NOTIFY_TOKEN_FORGED);
    snprintf(bad, sizeof bad, "%s.x", t);
    assert_int_equal(check(key, bad, 0, &person, kind), NOTIFY_TOKEN_FORGED);
    assert_int_equal(check(key, NULL, 0, &person, kind), NOTIFY_TOKEN_FORGED);
    /* A kind a token cannot name is not signed at all. */
    assert_false(notification_token_make(key, 42, "Mess age", 1, t));
    assert_false(notification_token_make(key, 0, "message", 1, t));
    assert_false(notification_token_make(key, 42, "", 1, t));
}

static void test_the_digest_day_is_the_utc_day(void **state)
{
    (void)state;
    /* 2027-01-15T23:59:59Z and 2027-01-16T00:00:00Z */
    assert_int_equal(notification_day(1800057599), 1799971200);
    assert_int_equal(notification_day(1800057600), 1800057600);
    assert_int_equal(notification_day(0), 0);
    assert_int_equal(notification_day(-1), -86400);
}

static void test_the_digest_lists_each_item_escaped_with_its_link(void **state)
{
    (void)state;
    struct notification_item items[] = {
        {"A new <message>", "Spring & Co", "https://t.example/relationships/5/messages"},
        {"Kudos from \"Bo\"\r\nBcc: x", NULL,
         "https://t.example/relationships/5/recognition?a=1&b=2"},
    };
    buf text, html;
    buf_init(&text, 1 << 16);
    buf_init(&html, 1 << 16);
    assert_int_equal(notification_digest_list(items, 2, 3, &text, &html), 0);
    assert_string_equal(
        text.data, "- A new <message> (Spring & Co)\n  https://t.example/relationships/5/messages\n"
                   "- Kudos from \"Bo\"  Bcc: x\n"
                   "  https://t.example/relationships/5/recognition?a=1&b=2\n"
                   "... and 3 more in Tandem.\n");
    assert_string_equal(
        html.data, "<ul>\n<li><a href=\"https://t.example/relationships/5/messages\">A new "
                   "&lt;message&gt;</a> "
                   "(Spring &amp; Co)</li>\n<li><a "
                   "href=\"https://t.example/relationships/5/recognition?a=1&amp;b=2\">Kudos from "
                   "&quot;Bo&quot;  Bcc: x</a></li>\n</ul>\n<p>... and 3 more in Tandem.</p>\n");
    buf_cleanup(&text);
    buf_cleanup(&html);
    /* Nothing held: nothing listed. */
    buf_init(&text, 1 << 10);
    buf_init(&html, 1 << 10);
    assert_int_equal(notification_digest_list(NULL, 0, 0, &text, &html), 0);
    assert_true(text.data == NULL || text.data[0] == '\0');
    assert_true(html.data == NULL || html.data[0] == '\0');
    buf_cleanup(&text);
    buf_cleanup(&html);
}

static void test_the_footer_carries_the_unsubscribe_link_of_notification_mail(void **state)
{
    (void)state;
    struct mail_value v[] = {{"name", "Ana"},
                             {"program", ""},
                             {"url", "https://t.example"},
                             {"author", "Bo"},
                             {"link", "https://t.example/r"},
                             {"unsubscribe_url", "https://t.example/unsubscribe/1.message.9.x"}};
    struct mail_rendered r;
    char err[200];
    assert_int_equal(mail_render("message", v, 6, &r, err, sizeof err), 0);
    assert_non_null(
        strstr(r.text, "or choose a daily digest: https://t.example/unsubscribe/1.message.9.x\n"));
    assert_non_null(strstr(r.html, "<a href=\"https://t.example/unsubscribe/1.message.9.x\""));
    mail_rendered_cleanup(&r);
    /* Without one (required mail), no line at all. */
    assert_int_equal(mail_render("message", v, 5, &r, err, sizeof err), 0);
    assert_null(strstr(r.text, "unsubscribe"));
    assert_null(strstr(r.html, "unsubscribe"));
    mail_rendered_cleanup(&r);
}

static void test_markup_values_go_only_into_the_html_body(void **state)
{
    (void)state;
    struct mail_value v[] = {{"name", ""},
                             {"program", ""},
                             {"url", "https://t"},
                             {"day", "1 May"},
                             {"count", "1"},
                             {"items", "- <b>x</b>\n"},
                             {"items_html", "<ul><li>x</li></ul>"},
                             {"link", "https://t/n"}};
    struct mail_rendered r;
    char err[200];
    assert_int_equal(mail_render("digest", v, 8, &r, err, sizeof err), 0);
    assert_string_equal(r.subject, "Your Tandem digest: 1 new");
    assert_non_null(strstr(r.html, "<ul><li>x</li></ul>")); /* as it is */
    assert_non_null(strstr(r.text, "- <b>x</b>\n"));        /* text is never markup */
    mail_rendered_cleanup(&r);
    const struct mail_template *t = mail_template_find("digest");
    assert_non_null(t);
    assert_int_equal(t->class, MAIL_DIGEST);
}

static void test_webhook_urls(void **state)
{
    (void)state;
    const char *good[] = {"",
                          "https://hooks.slack.com/services/T0/B0/x",
                          "https://chat.example:8443/hooks/abc?x=1",
                          "http://127.0.0.1:8065/hooks/x",
                          "http://localhost/h",
                          "http://[::1]:9/h",
                          NULL};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (program_webhook_problem(good[i]))
            fail_msg("%s: %s", good[i] ? good[i] : "NULL", program_webhook_problem(good[i]));
    const char *bad[] = {"http://chat.example/h",
                         "http://127.0.0.1.evil.example/h",
                         "http://localhost.evil/h",
                         "ftp://x/h",
                         "https://",
                         "https:///path",
                         "https://u:p@chat.example/h",
                         "https://chat.example/a b",
                         "https://chat.example/\x01",
                         "javascript:alert(1)",
                         "HTTPS://chat.example/h"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (!program_webhook_problem(bad[i]))
            fail_msg("accepted %s", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_a_token_checks_for_its_person_and_kind_until_it_expires),
        cmocka_unit_test(test_any_change_to_a_token_is_a_forgery),
        cmocka_unit_test(test_the_digest_day_is_the_utc_day),
        cmocka_unit_test(test_the_digest_lists_each_item_escaped_with_its_link),
        cmocka_unit_test(test_the_footer_carries_the_unsubscribe_link_of_notification_mail),
        cmocka_unit_test(test_markup_values_go_only_into_the_html_body),
        cmocka_unit_test(test_webhook_urls),
    };
    return cmocka_run_group_tests_name("notification", tests, setup, NULL);
}
