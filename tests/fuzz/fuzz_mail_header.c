/* fuzz_mail_header.c - the mailer's header encoding (domain/mime.h) over
 * every input that reaches a header from people: the subject (a program's
 * or a person's name inside it), the recipient's display name and address.
 *
 * Properties: a value with a control character (CR, LF, TAB, NUL, DEL, C1)
 * or invalid UTF-8 refuses the whole message; otherwise every line of the
 * message ends in CRLF with no other CR or LF, every header line is at
 * most 78 octets but for the address lines (at most 998), and decoding the
 * Subject's encoded words and unfolding it gives back the subject. */
#include "base/buf.h"
#include "base/str.h"
#include "domain/mime.h"
#include "fuzz.h"

static int b64(char c)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(t, c) : NULL;
    return p ? (int)(p - t) : -1;
}

/* The Subject header's value, unfolded and decoded (caller frees). */
static char *subject_of(const char *msg)
{
    const char *s = strstr(msg, "\r\nSubject: ");
    fuzz_assert(s != NULL);
    s += 11;
    const char *end = s;
    while (!(end[0] == '\r' && end[1] == '\n' && end[2] != ' '))
        end++;
    buf out;
    buf_init(&out, 1 << 20);
    bool encoded = strncmp(s, "=?UTF-8?B?", 10) == 0;
    for (const char *p = s; p < end;) {
        if (p[0] == '\r' && p[1] == '\n') { /* a fold: CRLF and the space */
            p += 2;
            if (encoded)
                p++; /* between encoded words the white space goes */
            continue;
        }
        if (encoded && strncmp(p, "=?UTF-8?B?", 10) == 0) {
            p += 10;
            unsigned acc = 0;
            int bits = 0;
            for (; p < end && *p != '?'; p++) {
                if (*p == '=')
                    continue;
                int v = b64(*p);
                fuzz_assert(v >= 0);
                acc = acc << 6 | (unsigned)v;
                bits += 6;
                if (bits >= 8) {
                    bits -= 8;
                    char ch = (char)(acc >> bits & 0xff);
                    buf_append(&out, &ch, 1);
                }
            }
            fuzz_assert(p + 1 < end + 1 && p[0] == '?' && p[1] == '=');
            p += 2;
            continue;
        }
        buf_append(&out, p, 1);
        p++;
    }
    buf_puts(&out, "");
    return buf_take(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Three NUL-separated pieces: subject, display name, address. */
    char *text = malloc(size + 3);
    memcpy(text, data, size);
    text[size] = text[size + 1] = text[size + 2] = '\0';
    const char *subject = text, *name = subject + strlen(subject) + 1;
    if (name > text + size)
        name = text + size + 1;
    const char *addr = name + strlen(name) + 1;
    if (addr > text + size + 1)
        addr = text + size + 2;
    struct mime_message m = {.from = "tandem@example.org",
                             .from_name = "Tandem",
                             .to = *addr ? addr : "a@example.org",
                             .to_name = name,
                             .subject = subject,
                             .message_id = "<tandem.1.2@example.org>",
                             .date = 1800000000,
                             .text = "Body\n",
                             .html = "<p>Body</p>"};
    buf out;
    buf_init(&out, 4u << 20);
    char err[200];
    int rc = mime_write(&out, &m, err, sizeof err);
    bool ok_values = mime_header_value_ok(subject) && mime_header_value_ok(name);
    if (!ok_values)
        fuzz_assert(rc == -1); /* a control character never reaches a header */
    if (rc == 0) {
        fuzz_assert(ok_values);
        const char *head_end = strstr(out.data, "\r\n\r\n");
        fuzz_assert(head_end != NULL);
        for (const char *line = out.data; *line;) {
            const char *eol = strstr(line, "\r\n");
            fuzz_assert(eol != NULL);
            for (const char *c = line; c < eol; c++)
                fuzz_assert(*c != '\r' && *c != '\n');
            size_t len = (size_t)(eol - line);
            bool address = strncmp(line, "To: ", 4) == 0 || strncmp(line, " <", 2) == 0 ||
                           strncmp(line, "From: ", 6) == 0 || line[0] == '<';
            if (line < head_end)
                fuzz_assert(len <= (address ? 998u : 78u));
            line = eol + 2;
        }
        char *back = subject_of(out.data);
        if (strcmp(back, subject) != 0)
            fuzz_fail("subject read back as '%s', not '%s'", back, subject);
        free(back);
    }
    buf_cleanup(&out);
    free(text);
    return 0;
}
