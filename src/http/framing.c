#include "http/framing.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "base/limits.h"

void http_framing_init(struct http_framing *f)
{
    memset(f, 0, sizeof *f);
}

/* RFC 9110 §5.6.2: tchar. */
static bool tchar(unsigned char ch)
{
    if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
        return true;
    switch (ch) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return false;
    }
}

bool http_token_valid(const char *s)
{
    if (!s || !*s)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!tchar(*p))
            return false;
    return true;
}

void http_framing_header(struct http_framing *f, const char *name, const char *value)
{
    f->headers++;
    size_t nl = name ? strlen(name) : 0, vl = value ? strlen(value) : 0;
    if (nl + vl > LIMIT_HTTP_HEADER_BYTES)
        f->too_big = true;
    if (!http_token_valid(name)) {
        f->bad_name = true;
        return;
    }
    if (value && strpbrk(value, "\r\n"))
        f->bad_value = true;
    if (strcasecmp(name, "Content-Length") == 0) {
        f->content_lengths++;
        f->content_length = value;
    } else if (strcasecmp(name, "Transfer-Encoding") == 0) {
        if (!f->transfer_encodings++)
            f->transfer_encoding = value;
    } else if (strcasecmp(name, "Host") == 0) {
        f->hosts++;
    }
}

static bool ows(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* The transfer codings of one Transfer-Encoding value: 0 when it is
 * exactly "chunked", 400 when chunked is not the last (or only) coding,
 * 501 when chunked comes last after codings the server does not do. */
static int codings(const char *v)
{
    int n = 0, chunked_at = -1, chunked_count = 0;
    const char *p = v ? v : "";
    for (;;) {
        while (ows(*p) || *p == ',')
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ',')
            p++;
        const char *end = p;
        while (end > start && ows(end[-1]))
            end--;
        size_t len = (size_t)(end - start);
        if (len == 7 && strncasecmp(start, "chunked", 7) == 0) {
            chunked_at = n;
            chunked_count++;
        }
        n++;
    }
    if (n == 0 || chunked_at != n - 1 || chunked_count != 1)
        return 400;
    return n == 1 ? 0 : 501;
}

/* 1*DIGIT as RFC 9110 §8.6 has it: 0 and the value, 1 when the digits
 * pass 2^63, -1 when it is not a number. */
static int length_value(const char *v, uint64_t *out)
{
    if (!v || !*v)
        return -1;
    uint64_t n = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        if (n > (UINT64_MAX / 2 - 9) / 10)
            return 1;
        n = n * 10 + (uint64_t)(*p - '0');
    }
    *out = n;
    return 0;
}

int http_framing_verdict(const struct http_framing *f, const char *version, size_t target_len,
                         size_t body_limit, const char **detail)
{
    bool http11 = version && strcmp(version, "HTTP/1.1") == 0;
    *detail = NULL;
    if (target_len > LIMIT_HTTP_URL_BYTES) {
        *detail = "request target too long";
        return 414;
    }
    if (f->headers > LIMIT_HTTP_HEADER_COUNT) {
        *detail = "too many header fields";
        return 431;
    }
    if (f->too_big) {
        *detail = "a header field is too large";
        return 431;
    }
    if (f->bad_name) {
        *detail = "a header field name is not a token (no space before the colon)";
        return 400;
    }
    if (f->bad_value) {
        *detail = "a header field value holds a line break";
        return 400;
    }
    if (f->hosts > 1 || (http11 && f->hosts == 0)) {
        *detail = "an HTTP/1.1 request needs exactly one Host header";
        return 400;
    }
    if (f->content_lengths > 1) {
        *detail = "more than one Content-Length header";
        return 400;
    }
    if (f->content_lengths && f->transfer_encodings) {
        *detail = "Content-Length together with Transfer-Encoding";
        return 400;
    }
    if (f->transfer_encodings) {
        if (!http11) {
            *detail = "Transfer-Encoding needs HTTP/1.1";
            return 400;
        }
        if (f->transfer_encodings > 1) {
            *detail = "more than one Transfer-Encoding header";
            return 400;
        }
        int st = codings(f->transfer_encoding);
        if (st == 400) {
            *detail = "Transfer-Encoding must end in chunked, once";
            return 400;
        }
        if (st == 501) {
            *detail = "only the chunked transfer coding is implemented";
            return 501;
        }
    }
    if (f->content_lengths) {
        uint64_t n = 0;
        int st = length_value(f->content_length, &n);
        if (st < 0) {
            *detail = "Content-Length is not a number";
            return 400;
        }
        if (st > 0 || n > body_limit) {
            *detail = "the request body is larger than allowed";
            return 413;
        }
    }
    return 0;
}

bool http_framing_chunked(const struct http_framing *f)
{
    return f->transfer_encodings > 0;
}
