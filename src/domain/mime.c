#include "domain/mime.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/limits.h"
#include "base/str.h"

#define HEADER_OCTETS 78 /* RFC 5322 §2.1.1: lines SHOULD be no longer */
#define BOUNDARY "=_tandem_alt"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool mime_header_value_ok(const char *value)
{
    if (!value)
        return false;
    size_t n = strlen(value);
    if (n > LIMIT_MAIL_HEADER_BYTES || !str_utf8_valid(value, n))
        return false;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    /* C1 controls (U+0080..U+009F) are control characters too. */
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            return false;
    return true;
}

/* Printable ASCII that no reader takes for an encoded word, with no word
 * too long to fold. */
static bool plain_ascii(const char *s)
{
    size_t word = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p > 0x7e)
            return false;
        word = *p == ' ' ? 0 : word + 1;
        if (word > HEADER_OCTETS - 20)
            return false; /* encoded words fold anywhere; plain text only at spaces */
    }
    return strstr(s, "=?") == NULL;
}

/* An address or an id: printable ASCII without spaces or angle brackets. */
static bool ascii_token(const char *s, bool want_at)
{
    if (!s || !*s || strlen(s) > LIMIT_EMAIL_BYTES * 2)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p > 0x7e || *p == '<' || *p == '>' || *p == '"' || *p == '\\' ||
            *p == ',' || *p == ';')
            return false;
    return !want_at || strchr(s, '@') != NULL;
}

/* Length of the UTF-8 sequence led by byte c (1 for anything else). */
static size_t seq_len(unsigned char c)
{
    return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

static int put_b64(buf *out, const unsigned char *p, size_t n)
{
    char q[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        q[0] = b64[v >> 18 & 63];
        q[1] = b64[v >> 12 & 63];
        q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        q[3] = i + 2 < n ? b64[v & 63] : '=';
        if (buf_append(out, q, 4))
            return -1;
    }
    return 0;
}

/* Writes s as encoded words starting at column *col, folding between
 * words; *col is updated. */
static int put_encoded(buf *out, const char *s, size_t *col)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n > 0) {
        /* "=?UTF-8?B?" + base64 + "?=" is 12 octets around the text. */
        size_t room = MIME_LINE_OCTETS > *col + 12 ? MIME_LINE_OCTETS - *col - 12 : 0;
        size_t bytes = room / 4 * 3;
        if (bytes < 12) { /* too little room on this line: fold first */
            if (buf_puts(out, "\r\n "))
                return -1;
            *col = 1;
            continue;
        }
        size_t take = 0;
        while (take < n) {
            size_t l = seq_len(p[take]);
            if (take + l > bytes)
                break;
            take += l;
        }
        if (buf_puts(out, "=?UTF-8?B?") || put_b64(out, p, take) || buf_puts(out, "?="))
            return -1;
        *col += 12 + (take + 2) / 3 * 4;
        p += take;
        n -= take;
        if (n > 0) {
            if (buf_puts(out, "\r\n "))
                return -1;
            *col = 1;
        }
    }
    return 0;
}

/* Writes plain ASCII text from column *col, folding at spaces. */
static int put_folded(buf *out, const char *s, size_t *col)
{
    while (*s) {
        const char *sp = strchr(s + 1, ' ');
        size_t word = sp ? (size_t)(sp - s) : strlen(s);
        if (*col + word > HEADER_OCTETS && *s == ' ' && *col > 1) {
            if (buf_puts(out, "\r\n"))
                return -1;
            *col = 0; /* the space that follows starts the continuation line */
        }
        if (buf_append(out, s, word))
            return -1;
        *col += word;
        s += word;
    }
    return 0;
}

int mime_header(buf *out, const char *name, const char *value)
{
    if (!mime_header_value_ok(name) || !mime_header_value_ok(value))
        return -1;
    size_t col = strlen(name) + 2;
    if (buf_puts(out, name) || buf_puts(out, ": "))
        return -1;
    if (*value &&
        (plain_ascii(value) ? put_folded(out, value, &col) : put_encoded(out, value, &col)))
        return -1;
    return buf_puts(out, "\r\n");
}

/* "Name: display name <address>\r\n" */
static int address_header(buf *out, const char *header, const char *name, const char *address)
{
    if (!ascii_token(address, true) || (name && !mime_header_value_ok(name)))
        return -1;
    size_t col = strlen(header) + 2;
    if (buf_puts(out, header) || buf_puts(out, ": "))
        return -1;
    if (name && *name) {
        if (plain_ascii(name) && strlen(name) < HEADER_OCTETS - col - 4) {
            if (buf_puts(out, "\""))
                return -1;
            for (const char *p = name; *p; p++)
                if (((*p == '"' || *p == '\\') && buf_puts(out, "\\")) || buf_append(out, p, 1))
                    return -1;
            if (buf_puts(out, "\""))
                return -1;
            col += strlen(name) + 2;
        } else if (put_encoded(out, name, &col)) {
            return -1;
        }
        if (col + strlen(address) + 3 > HEADER_OCTETS) {
            if (buf_puts(out, "\r\n"))
                return -1;
            col = 0;
        }
        if (buf_puts(out, " "))
            return -1;
    }
    return buf_puts(out, "<") || buf_puts(out, address) || buf_puts(out, ">\r\n") ? -1 : 0;
}

/* Writes c as "=XX", with a soft break first when the line is full. */
static int put_qp_byte(buf *out, unsigned char c, size_t *col)
{
    static const char hex[] = "0123456789ABCDEF";
    char enc[3] = {'=', hex[c >> 4], hex[c & 15]};
    if (*col + 3 > MIME_LINE_OCTETS - 1) { /* leave room for the soft break's "=" */
        if (buf_puts(out, "=\r\n"))
            return -1;
        *col = 0;
    }
    *col += 3;
    return buf_append(out, enc, 3);
}

int mime_qp(buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t col = 0;
    while (*p) {
        if (*p == '\r' || *p == '\n') {
            p += p[0] == '\r' && p[1] == '\n' ? 2 : 1;
            if (buf_puts(out, "\r\n"))
                return -1;
            col = 0;
            continue;
        }
        unsigned char c = *p++;
        bool at_end = *p == '\0' || *p == '\r' || *p == '\n';
        /* Encoded: white space ending a line (transports drop it), a dot
         * starting one (no transport can take it for the end of the
         * data), '=' and anything outside printable ASCII. */
        bool literal = (c >= 0x21 && c <= 0x7e && c != '=' && !(c == '.' && col == 0)) ||
                       ((c == ' ' || c == '\t') && !at_end);
        if (literal) {
            if (col + 1 > MIME_LINE_OCTETS - 1) {
                if (buf_puts(out, "=\r\n"))
                    return -1;
                col = 0;
            }
            if (buf_append(out, &c, 1))
                return -1;
            col++;
        } else if (put_qp_byte(out, c, &col)) {
            return -1;
        }
    }
    return 0;
}

void mime_date(int64_t t, char out[32])
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    str_fmt(out, 32, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
            months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int part(buf *out, const char *type, const char *body)
{
    if (buf_puts(out, "--" BOUNDARY "\r\nContent-Type: ") || buf_puts(out, type) ||
        buf_puts(out, "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n") ||
        mime_qp(out, body) || buf_puts(out, "\r\n"))
        return -1;
    return 0;
}

static int refuse(char *err, size_t errlen, const char *what)
{
    str_fmt(err, errlen, "refused: %s", what);
    return -1;
}

int mime_write(buf *out, const struct mime_message *m, char *err, size_t errlen)
{
    char date[32];
    err[0] = '\0';
    if (!m->text || !str_utf8_valid(m->text, strlen(m->text)) ||
        (m->html && !str_utf8_valid(m->html, strlen(m->html))) ||
        (m->ics && !str_utf8_valid(m->ics, strlen(m->ics))))
        return refuse(err, errlen, "a body is missing or is not UTF-8");
    if (m->ics && (!m->ics_method || !ascii_token(m->ics_method, false)))
        return refuse(err, errlen, "a calendar part needs its METHOD");
    mime_date(m->date, date);
    if (address_header(out, "From", m->from_name, m->from))
        return refuse(err, errlen, "the From address or name (control characters, or not ASCII)");
    if (address_header(out, "To", m->to_name, m->to))
        return refuse(err, errlen, "the To address or name (control characters, or not ASCII)");
    if (!m->subject || mime_header(out, "Subject", m->subject))
        return refuse(err, errlen, "the Subject (control characters, or too long)");
    size_t idlen = m->message_id ? strlen(m->message_id) : 0;
    char id[LIMIT_EMAIL_BYTES * 2 + 1];
    if (idlen < 3 || idlen >= sizeof id || m->message_id[0] != '<' ||
        m->message_id[idlen - 1] != '>')
        return refuse(err, errlen, "the Message-ID");
    str_fmt(id, sizeof id, "%.*s", (int)(idlen - 2), m->message_id + 1);
    if (!ascii_token(id, true))
        return refuse(err, errlen, "the Message-ID");
    if (buf_puts(out, "Date: ") || buf_puts(out, date) || buf_puts(out, "\r\nMessage-ID: <") ||
        buf_puts(out, id) || buf_puts(out, ">\r\n"))
        goto full;
    if (m->unsubscribe && *m->unsubscribe) {
        if (!ascii_token(m->unsubscribe, false))
            return refuse(err, errlen, "the List-Unsubscribe URL");
        /* RFC 8058: a POST to the URL turns the mail off in one click. */
        if (buf_puts(out, "List-Unsubscribe: <") || buf_puts(out, m->unsubscribe) ||
            buf_puts(out, ">\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"))
            goto full;
    }
    const char *auto_sub = m->auto_submitted ? m->auto_submitted : "auto-generated";
    if (mime_header(out, "Auto-Submitted", auto_sub) || buf_puts(out, "MIME-Version: 1.0\r\n"))
        goto full;
    if (!m->html && !m->ics) {
        if (buf_puts(out, "Content-Type: text/plain; charset=UTF-8\r\n"
                          "Content-Transfer-Encoding: quoted-printable\r\n\r\n") ||
            mime_qp(out, m->text) || buf_puts(out, "\r\n"))
            goto full;
        return 0;
    }
    if (buf_puts(out, "Content-Type: multipart/alternative; boundary=\"" BOUNDARY "\"\r\n\r\n"
                      "This is a message in MIME format.\r\n\r\n") ||
        part(out, "text/plain; charset=UTF-8", m->text) ||
        (m->html && part(out, "text/html; charset=UTF-8", m->html)))
        goto full;
    if (m->ics) {
        char type[96];
        str_fmt(type, sizeof type, "text/calendar; charset=UTF-8; method=%s", m->ics_method);
        if (part(out, type, m->ics))
            goto full;
    }
    if (buf_puts(out, "--" BOUNDARY "--\r\n"))
        goto full;
    return 0;
full:
    str_fmt(err, errlen, "the message is longer than %u bytes", LIMIT_MAIL_MESSAGE_BYTES);
    return -1;
}
