/* mail.h - what each kind of e-mail says, and the rules of sending it
 * (docs/internals/mail.md). Pure: no I/O, no clock.
 *
 * Every kind of mail Tandem sends has one template here: a subject, a
 * text body and an HTML body, written with named values:
 *
 *   {{name}}              the value, as given (HTML-escaped in the HTML body;
 *                         control characters become spaces in the subject)
 *   {{#name}}...{{/name}} the part between, only when the value is not empty
 *
 * The service gives every mail the values `name` (the recipient's name,
 * may be empty), `program` (may be empty) and `url` (the public URL); a
 * kind's template names the others it needs (`link`, `reason` ...), and
 * rendering fails when one is missing, so a call site cannot forget one.
 *
 * A kind is a notification (the person could choose not to get it, and
 * the mail carries List-Unsubscribe) or required (an invitation, a
 * password reset: a person must get it, it has no List-Unsubscribe).
 */
#ifndef TANDEM_DOMAIN_MAIL_H
#define TANDEM_DOMAIN_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

enum mail_class {
    MAIL_NOTIFICATION, /* may be turned off by the person; List-Unsubscribe */
    MAIL_REQUIRED,     /* must reach the person: no List-Unsubscribe, no opting out */
};

struct mail_template {
    const char *kind; /* "invitation", the outbox row's kind */
    enum mail_class class;
    const char *what;    /* one line for people: the admin page's filter, the settings */
    const char *subject; /* one line */
    const char *text;    /* the text/plain body, after the greeting */
    const char *html;    /* the text/html body's inner part, after the greeting */
};

/* A named value for a template; value NULL counts as empty. */
struct mail_value {
    const char *name;
    const char *value;
};

/* The template of `kind`, or NULL when there is none. */
const struct mail_template *mail_template_find(const char *kind);

/* The table itself (for the admin page's list of kinds, and the tests);
 * *n receives its length. */
const struct mail_template *mail_templates(size_t *n);

/* One mail, rendered: each string NUL-terminated, owned. */
struct mail_rendered {
    char *subject, *text, *html;
};
void mail_rendered_cleanup(struct mail_rendered *m); /* NULL and {0} allowed */

/* Renders kind's template with the values (the last of one name wins):
 * a greeting, the body, and the footer, as text and as an HTML fragment
 * (what the outbox stores; mail_html_page() makes it a page when it is
 * sent). 0, or -1 with err naming the missing value or the unknown kind
 * (out is then empty). */
int mail_render(const char *kind, const struct mail_value *values, size_t n,
                struct mail_rendered *out, char *err, size_t errlen);

/* A template rendered once with some values left open, for many mails
 * that differ only in those (an import's invitations): mail_plan_fill
 * copies the rendered text and escapes only the open values, giving the
 * same bytes mail_render gives with every value. */
struct mail_plan;
/* Makes kind's plan from values (as mail_render takes them) with the
 * values named open[0..nopen) left open (open is read only here).
 * 0 and *out (free with mail_plan_free), or -1 with err as mail_render's. */
int mail_plan_make(const char *kind, const struct mail_value *values, size_t n,
                   const char *const *open, size_t nopen, struct mail_plan **out, char *err,
                   size_t errlen);
/* Renders one mail with values[i] for open[i]: 0, 1 when the plan does not
 * fit these values (a section over an open value that is empty: use
 * mail_render), -1 when the mail is over LIMIT_MAIL_BODY_BYTES. */
int mail_plan_fill(const struct mail_plan *p, const char *const *values, struct mail_rendered *out);
void mail_plan_free(struct mail_plan *p); /* NULL allowed */

/* Appends the HTML page every HTML part is: the document, its title
 * (subject, escaped) and one readable column around the stored fragment.
 * 0, or -1 when out's cap was reached. */
int mail_html_page(buf *out, const char *subject, const char *fragment);

/* Copies text with the secret part of every link that grants access by
 * itself (an invitation's /invite/TOKEN, a reset link) replaced by "…",
 * for showing stored mail to an admin. Returns a new string (caller
 * frees). */
char *mail_redact(const char *text);

/* ---- sending ---- */

#define MAIL_BACKOFF_FIRST_S 5   /* the wait after the first failed attempt */
#define MAIL_BACKOFF_MAX_S 600   /* the longest wait between two attempts */
#define MAIL_ATTEMPTS_DEFAULT 12 /* attempts before a message is given up (about an hour) */
#define MAIL_ATTEMPTS_MAX 100

/* Seconds to wait after `attempts` failed attempts (1, 2, ...): 5, 10,
 * 20, ... doubling up to MAIL_BACKOFF_MAX_S. */
int64_t mail_backoff_s(int attempts);

/* What happens to a message after a failed attempt. */
enum mail_next {
    MAIL_RETRY, /* try again after mail_backoff_s(attempts) */
    MAIL_DEAD,  /* give up: the reply is kept and an admin may retry */
};
/* `attempts` counts this one. A permanent refusal (an SMTP 5xx reply)
 * gives up at once; a transient failure (4xx, no connection) when
 * attempts reached max_attempts. */
enum mail_next mail_after_failure(int attempts, int max_attempts, bool permanent);

/* Writes the stable Message-ID of outbox row `id` created at `created_at`
 * for mail from `from` ("<tandem.ID.CREATED@DOMAIN>", DOMAIN from the
 * address, "localhost" without one) into out. false when it did not fit. */
bool mail_message_id(int64_t id, int64_t created_at, const char *from, char *out, size_t size);

#endif
