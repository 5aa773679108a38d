/* mail_smtp.h - handing messages to a mail server over SMTP, with libcurl
 * (docs/internals/mail.md).
 *
 * One mail_smtp is one connection, opened at the first message and reused
 * for every message after it (libcurl keeps it between transfers and
 * opens it again when the server closed it). Not thread-safe: one per
 * thread.
 */
#ifndef TANDEM_JOBS_MAIL_SMTP_H
#define TANDEM_JOBS_MAIL_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#define MAIL_SMTP_URL_BYTES 1024

/* A checked SMTP configuration. */
struct mail_smtp_config {
    char url[MAIL_SMTP_URL_BYTES];   /* given to libcurl: no query, user and password kept */
    char shown[MAIL_SMTP_URL_BYTES]; /* for logs and messages: no password */
    char password[256];              /* TANDEM_SMTP_PASSWORD; "" to use the URL's, if any */
    bool tls_required;               /* smtp:// with STARTTLS required, or smtps:// */
};

/* Checks url: smtp://[user[:password]@]host[:port][/ehlo-name] or
 * smtps://..., with the single option ?starttls=no, accepted only for a
 * loopback host (localhost, 127.0.0.0/8, [::1]): without it STARTTLS is
 * required and a server that does not offer it is not used. password
 * (may be NULL or "") is used instead of one in the URL. 0, or -1 with
 * err saying what is wrong. */
int mail_smtp_parse(const char *url, const char *password, struct mail_smtp_config *out, char *err,
                    size_t errlen);

/* Initialises libcurl once per process, before any thread uses it. */
void mail_smtp_global_init(void);

typedef struct mail_smtp mail_smtp;

/* A sender for cfg (copied); NULL when libcurl cannot make a handle. */
mail_smtp *mail_smtp_new(const struct mail_smtp_config *cfg);
void mail_smtp_free(mail_smtp *s); /* closes the connection; NULL allowed */

enum mail_smtp_result {
    MAIL_SMTP_SENT,      /* the server answered 250 to the end of the data */
    MAIL_SMTP_TRANSIENT, /* this message failed for now (a 4xx reply, a broken transfer) */
    MAIL_SMTP_PERMANENT, /* the server refused this message (a 5xx reply) */
    MAIL_SMTP_DOWN,      /* no usable server: cannot connect, no TLS, cannot sign in */
};

/* Sends message[0..len) (CRLF lines, not dot-stuffed) from `from` to
 * `to`. reply receives the server's last reply line or libcurl's reason. */
enum mail_smtp_result mail_smtp_send(mail_smtp *s, const char *from, const char *to,
                                     const char *message, size_t len, char *reply, size_t replylen);

#endif
