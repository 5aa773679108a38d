/* mime.h - an e-mail message as sent over SMTP (RFC 5322, MIME RFC 2045-2047).
 * Pure: no I/O, no clock.
 *
 * One message is a multipart/alternative with a text/plain part, an HTML
 * part and, when given, a text/calendar part (an invitation), each UTF-8
 * and quoted-printable; with no HTML and no calendar it is a single
 * text/plain part. Lines end in CRLF and stay under 78 octets; SMTP's
 * dot-stuffing is the transport's.
 *
 * Header values are checked and encoded here whatever the caller passes:
 * a CR, LF or any other control character (or invalid UTF-8) in a value
 * refuses the whole message - a name like "P\r\nBcc: x" can never add a
 * header. Text that is not plain ASCII is written as RFC 2047 encoded
 * words (=?UTF-8?B?...?=), never splitting a UTF-8 sequence, folded.
 */
#ifndef TANDEM_DOMAIN_MIME_H
#define TANDEM_DOMAIN_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define MIME_LINE_OCTETS 76 /* encoded lines are kept at most this long (RFC 2045 §6.7) */

struct mime_message {
    const char *from;           /* an address, ASCII: "tandem@example.org" */
    const char *from_name;      /* a display name, UTF-8; NULL or "" left out */
    const char *to;             /* an address, ASCII */
    const char *to_name;        /* UTF-8; NULL or "" left out */
    const char *subject;        /* UTF-8, one line */
    const char *message_id;     /* "<...>", ASCII */
    int64_t date;               /* Unix seconds, written in UTC */
    const char *unsubscribe;    /* a URL for List-Unsubscribe; NULL or "" left out */
    const char *text;           /* the text/plain body, UTF-8 */
    const char *html;           /* the text/html body; NULL: none */
    const char *ics;            /* a text/calendar body; NULL: none */
    const char *ics_method;     /* its METHOD ("REQUEST", "CANCEL"); needed with ics */
    const char *auto_submitted; /* "auto-generated" (the default, NULL) or "no" */
};

/* Writes the whole message into out (appended). 0, or -1 with err saying
 * which header or part was refused (a control character, an address that
 * is not plain ASCII, a missing field) or that out's cap was reached; out
 * then holds a partial message that must not be sent. */
int mime_write(buf *out, const struct mime_message *m, char *err, size_t errlen);

/* true when value may stand in a header: valid UTF-8 with no control
 * character (no CR, LF, TAB, NUL, DEL ...), at most LIMIT_MAIL_HEADER_BYTES. */
bool mime_header_value_ok(const char *value);

/* Writes "Name: value\r\n", the value as unstructured text: as is when it
 * is printable ASCII, else as RFC 2047 encoded words, folded so no line
 * passes 78 octets. -1 when the value is refused (see above) or out is
 * full. */
int mime_header(buf *out, const char *name, const char *value);

/* Appends s as quoted-printable (RFC 2045 §6.7) with CRLF line ends: a
 * line break in s (LF or CRLF) is a hard break, longer lines get soft
 * breaks. */
int mime_qp(buf *out, const char *s);

/* Formats Unix seconds as an RFC 5322 date in UTC, "Fri, 15 Jan 2027
 * 09:00:00 +0000", into out[32]. */
void mime_date(int64_t t, char out[32]);

#endif
