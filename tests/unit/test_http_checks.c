/* test_http_checks.c - the pure checks of the HTTP layer: a request
 * head's framing (http/framing.h), the access log's target
 * (http/access_log.h) and the client address behind trusted proxies
 * (http/client_addr.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "base/limits.h"
#include "http/access_log.h"
#include "http/client_addr.h"
#include "http/framing.h"

/* The verdict for a head given as "Name: value" lines separated by '|'. */
static int verdict(const char *version, const char *fields, size_t limit)
{
    static char copy[4096];
    strncpy(copy, fields, sizeof copy - 1);
    struct http_framing f;
    http_framing_init(&f);
    for (char *line = copy; line && *line;) {
        char *bar = strchr(line, '|');
        if (bar)
            *bar = '\0';
        char *colon = strchr(line, ':');
        assert_non_null(colon);
        *colon = '\0';
        char *value = colon + 1;
        while (*value == ' ')
            value++;
        http_framing_header(&f, line, value);
        line = bar ? bar + 1 : NULL;
    }
    const char *detail;
    int st = http_framing_verdict(&f, version, 10, limit, &detail);
    assert_true((st == 0) == (detail == NULL));
    return st;
}

static void test_framing(void **state)
{
    (void)state;
    const char *v = "HTTP/1.1";
    assert_int_equal(verdict(v, "Host: x|Content-Length: 5", 100), 0);
    assert_int_equal(verdict(v, "Host: x|Content-Length : 5", 100), 400);
    assert_int_equal(verdict(v, "Host: x|Content Length: 5", 100), 400);
    assert_int_equal(verdict(v, "Host: x|Content-Length: 5|Content-Length: 5", 100), 400);
    assert_int_equal(verdict(v, "Host: x|Content-Length: +5", 100), 400);
    assert_int_equal(verdict(v, "Host: x|Content-Length: 5 5", 100), 400);
    assert_int_equal(verdict(v, "Host: x|Content-Length: 0005", 100), 0);
    assert_int_equal(verdict(v, "Host: x|Content-Length: 101", 100), 413);
    assert_int_equal(verdict(v, "Host: x|Content-Length: 99999999999999999999999", 100), 413);
    assert_int_equal(verdict(v, "Host: x|Transfer-Encoding: chunked", 100), 0);
    assert_int_equal(verdict(v, "Host: x|Transfer-Encoding: CHUNKED", 100), 0);
    assert_int_equal(verdict(v, "Host: x|Transfer-Encoding: gzip", 100), 400);
    assert_int_equal(verdict(v, "Host: x|Transfer-Encoding: xchunked", 100), 400);
    assert_int_equal(verdict(v, "Host: x|Transfer-Encoding: chunked, gzip", 100), 400);
    assert_int_equal(verdict(v, "Host: x|Transfer-Encoding: identity, chunked", 100), 501);
    assert_int_equal(verdict(v, "Host: x|Transfer-Encoding: gzip, chunked", 100), 501);
    assert_int_equal(verdict(v, "Host: x|Transfer-Encoding: chunked, chunked", 100), 400);
    assert_int_equal(verdict(v, "Host: x|Transfer-Encoding: ", 100), 400);
    assert_int_equal(
        verdict(v, "Host: x|Transfer-Encoding: chunked|Transfer-Encoding: chunked", 100), 400);
    assert_int_equal(verdict(v, "Host: x|Transfer-Encoding: chunked|Content-Length: 5", 100), 400);
    assert_int_equal(verdict("HTTP/1.0", "Transfer-Encoding: chunked", 100), 400);
    assert_int_equal(verdict(v, "Content-Length: 5", 100), 400); /* no Host */
    assert_int_equal(verdict(v, "Host: a|Host: b", 100), 400);
    assert_int_equal(verdict("HTTP/1.0", "Content-Length: 5", 100), 0);
    assert_false(http_token_valid(""));
    assert_false(http_token_valid("a b"));
    assert_false(http_token_valid("a:b"));
    assert_true(http_token_valid("X-Custom_1.2~!"));
}

static const char *logged(const char *raw)
{
    static char out[8192];
    size_t n = access_log_target(raw, out, sizeof out);
    assert_int_equal(n, strlen(out));
    return out;
}

#define TOKEN "Zq3xV9bT2mW8nL4kP7rJ1sH6dF5gC0yA-_eUoIiQQQ"

static void test_access_log_target(void **state)
{
    (void)state;
    assert_string_equal(logged("/api/v1/programs/12?limit=5"), "/api/v1/programs/12?limit=5");
    assert_string_equal(logged("/api/v1/calendar/cal_" TOKEN ".ics"),
                        "/api/v1/calendar/[redacted].ics");
    assert_string_equal(logged("/api/v1/calendar/short.ics"), "/api/v1/calendar/[redacted].ics");
    assert_string_equal(logged("/api/v1/calendar/feed"), "/api/v1/calendar/feed");
    assert_string_equal(logged("/invite/" TOKEN), "/invite/[redacted]");
    assert_string_equal(logged("/reset/abc"), "/reset/[redacted]");
    assert_string_equal(logged("/api/v1/%63alendar/%63al_x.ics"),
                        "/api/v1/%63alendar/[redacted].ics");
    assert_string_equal(logged("/x?token=abc&a=1&API_KEY=z&next=%2Finvite%2F" TOKEN),
                        "/x?token=[redacted]&a=1&API_KEY=[redacted]&next=[redacted]");
    assert_string_equal(logged("/x?" TOKEN), "/x?[redacted]");
    assert_string_equal(logged("/a%0ab%1b[31m\x1b[0m\"\\ \x7f\xc3\xa9"),
                        "/a%0ab%1b[31m%1B[0m%22%5C%20%7F%C3%A9");
    /* Cut with a mark when it does not fit, never mid-escape. */
    char small[16];
    access_log_target("/abcdefghijklmnopqrstuvwxyz", small, sizeof small);
    assert_string_equal(small, "/abcdefghijk...");
    access_log_target("/\x01\x01\x01\x01\x01", small, sizeof small);
    assert_string_equal(small, "/%01%01%01...");
    char meth[32];
    access_log_escape("GET\r\nX", meth, sizeof meth);
    assert_string_equal(meth, "GET%0D%0AX");
}

static void test_client_addr(void **state)
{
    (void)state;
    struct http_proxies p;
    char err[160], out[64];
    assert_int_equal(http_proxies_parse("10.0.0.0/8, 127.0.0.1 ::1,fd00::/8", &p, err, sizeof err),
                     0);
    assert_int_equal(p.n, 4);
    assert_true(http_proxies_contains(&p, "10.200.3.4"));
    assert_true(http_proxies_contains(&p, "::ffff:10.1.1.1"));
    assert_false(http_proxies_contains(&p, "11.0.0.1"));
    assert_true(http_proxies_contains(&p, "fd12::1"));
    assert_int_equal(http_proxies_parse("10.0.0.0/33", &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "10.0.0.0/33"));
    assert_int_equal(http_proxies_parse("nonsense", &p, err, sizeof err), -1);
    assert_int_equal(http_proxies_parse(NULL, &p, err, sizeof err), 0);
    assert_int_equal(p.n, 0);

    assert_int_equal(http_proxies_parse("127.0.0.1, 10.0.0.0/8", &p, err, sizeof err), 0);
    const char *one[] = {"6.6.6.6, 198.51.100.23"};
    http_client_addr(&p, "127.0.0.1", one, 1, out, sizeof out);
    assert_string_equal(out, "198.51.100.23"); /* what the proxy appended, not what was claimed */
    const char *chain[] = {"203.0.113.5", "10.1.2.3, 10.4.5.6"};
    http_client_addr(&p, "127.0.0.1", chain, 2, out, sizeof out);
    assert_string_equal(out, "203.0.113.5"); /* through two trusted hops, two fields */
    const char *bad[] = {"203.0.113.5, junk, 10.1.1.1"};
    http_client_addr(&p, "127.0.0.1", bad, 1, out, sizeof out);
    assert_string_equal(out, "10.1.1.1"); /* the walk stops at the last good address */
    http_client_addr(&p, "192.0.2.9", one, 1, out, sizeof out);
    assert_string_equal(out, "192.0.2.9"); /* not a trusted peer: the header is ignored */
    http_client_addr(&p, "127.0.0.1", NULL, 0, out, sizeof out);
    assert_string_equal(out, "127.0.0.1");
    const char *v6[] = {"2001:DB8:0:0::1"};
    http_client_addr(&p, "127.0.0.1", v6, 1, out, sizeof out);
    assert_string_equal(out, "2001:db8::1"); /* canonical */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_framing),
        cmocka_unit_test(test_access_log_target),
        cmocka_unit_test(test_client_addr),
    };
    return cmocka_run_group_tests_name("http checks", tests, NULL, NULL);
}
