/* framing.h - the checks on a request's head that decide, before any of
 * its body is read, whether the server can tell where the request ends.
 *
 * libmicrohttpd 0.9.75 is lenient where RFC 9112 asks a server to refuse:
 * it keeps "Content-Length : 5" (space before the colon) as some other
 * field, so the body would be read as the next request, and it waits
 * forever on a Transfer-Encoding it does not implement. The server feeds
 * every header field of a request through http_framing_header and refuses
 * with the status http_framing_verdict gives, in its first callback.
 *
 * Pure: no I/O, no allocation; the strings are borrowed for the length of
 * one request.
 */
#ifndef TANDEM_HTTP_FRAMING_H
#define TANDEM_HTTP_FRAMING_H

#include <stdbool.h>
#include <stddef.h>

struct http_framing {
    int headers;
    int content_lengths;
    int transfer_encodings;
    int hosts;
    bool bad_name;                 /* a field name that is not an RFC 9110 token */
    bool bad_value;                /* a value carrying NUL, CR or LF */
    bool too_big;                  /* one field over LIMIT_HTTP_HEADER_BYTES */
    const char *content_length;    /* the (only) value, borrowed */
    const char *transfer_encoding; /* the first value, borrowed */
};

void http_framing_init(struct http_framing *f);

/* Takes one header field as libmicrohttpd split it. value may be NULL. */
void http_framing_header(struct http_framing *f, const char *name, const char *value);

/* After the last field: 0 when the request may be read, else the status
 * to refuse it with (400, 413, 414, 431 or 501) and *detail a static
 * sentence saying why. version is the request's ("HTTP/1.1"),
 * target_len the length of its request target, body_limit the largest
 * body its route takes. Cannot fail. */
int http_framing_verdict(const struct http_framing *f, const char *version, size_t target_len,
                         size_t body_limit, const char **detail);

/* true when the request's body is chunked (only meaningful after a 0
 * verdict). */
bool http_framing_chunked(const struct http_framing *f);

/* true when s is a non-empty RFC 9110 token (a field name or a method). */
bool http_token_valid(const char *s);

#endif
