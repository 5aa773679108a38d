/* outbox.h - e-mail: stored in the outbox in the same transaction as the
 * event that causes it, delivered later by the mail job (jobs/mail.c),
 * read and retried by admins (docs/internals/mail.md).
 *
 * Storing: a call site names a kind (a template in domain/mail.c), the
 * recipient and the kind's values; the subject, the text, the HTML
 * alternative (a fragment the sender wraps in the page) and the
 * List-Unsubscribe URL (notifications only) are rendered here, once.
 *
 *     struct mail_value v[] = {{"link", link}, {"reason", reason}};
 *     rc = svc_outbox_mail_participation(db, part_id, "declined", v, 2, now);
 *
 * Delivering: the mail job claims due rows with a lease, sends them, and
 * records each outcome (svc_outbox_claim, _sent, _failed, _renew).
 */
#ifndef TANDEM_SERVICE_OUTBOX_H
#define TANDEM_SERVICE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/mail.h"
#include "service/service.h"

/* ---- storing mail ---- */

struct svc_mail {
    const char *kind;                /* a template's kind */
    const char *to;                  /* the address */
    int64_t person_id;               /* 0: nobody with an account (yet) */
    int64_t program_id;              /* 0: none */
    const char *name;                /* the greeting's name; NULL or "": "Hello," */
    const char *program;             /* the program's name; NULL: none */
    const struct mail_value *values; /* the kind's own values (link, reason ...) */
    size_t nvalues;
    const char *ics; /* an iCalendar text with its METHOD line; NULL: none */
};

/* Renders m's template and stores the mail, due now. SVC_OK, SVC_INVALID
 * when the template refuses the values (a missing value names it in e;
 * a programming error: it is logged too), or a store status. */
int svc_outbox_mail(store *db, const struct svc_mail *m, int64_t now, verr *e);

/* Renders m's template with the values every mail gets (name, program,
 * url), as svc_outbox_mail() stores it - for writers that store rows in
 * batches (the CSV import). SVC_OK (out filled; clean it up), or
 * SVC_INVALID with e naming what the template lacks. */
int svc_outbox_render(const struct svc_mail *m, struct mail_rendered *out, verr *e);
/* svc_outbox_render() once for many mails that differ only in the values
 * named open (mail_plan_make; "name" may be one of them): SVC_OK and *out
 * (mail_plan_free it), or SVC_INVALID as svc_outbox_render's. */
int svc_outbox_plan(const struct svc_mail *m, const char *const *open, size_t nopen,
                    struct mail_plan **out, verr *e);

/* Who a participation's mail goes to, and about which program. */
struct svc_recipient {
    int64_t person_id, program_id;
    char email[LIMIT_EMAIL_BYTES + 1];
    char name[LIMIT_NAME_BYTES + 1];
    char program_name[LIMIT_NAME_BYTES + 1];
    char role[16];
};

/* Looks up the recipient of participation `id`: SVC_OK, SVC_NOT_FOUND, or
 * a store status. */
int svc_outbox_recipient(store *db, int64_t participation_id, struct svc_recipient *out);

/* Stores mail of `kind` to the person of participation `id` about its
 * program, with the kind's values. SVC_OK (also when there is no such
 * participation: nobody to tell), or a store status (a template refusal
 * is logged and reported as STORE_ERROR: it is a bug, not bad input). */
int svc_outbox_mail_participation(store *db, int64_t participation_id, const char *kind,
                                  const struct mail_value *values, size_t n, int64_t now);

/* Stores mail of `kind` to a person by id (name and address looked up),
 * about program_id (0: none). SVC_OK (also when the person is gone), or a
 * store status as above. */
int svc_outbox_mail_person(store *db, int64_t person_id, int64_t program_id, const char *kind,
                           const struct mail_value *values, size_t n, int64_t now);

/* The name of program_id for a mail's {{program}} ("" when it is gone).
 * A store status. */
int svc_outbox_program_name(store *db, int64_t program_id, char *out, size_t size);

/* Until every call site names a template: stores a text-only mail with
 * the subject and body given (to: an address). A store status. */
int svc_outbox_add(store *db, const char *to, int64_t person_id, int64_t program_id,
                   const char *kind, const char *subject, const char *body, int64_t now);
/* The same, to the person of a participation (SVC_OK when there is none). */
int svc_outbox_to_participation(store *db, int64_t participation_id, const char *kind,
                                const char *subject, const char *body, int64_t now);

/* Writes the public URL followed by the printf-formatted path into out:
 * the links mail carries. false when it did not fit. */
bool svc_outbox_link(char *out, size_t size, const char *path_fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The List-Unsubscribe URL of mail of `kind` to person_id, or "" when
 * it carries none (required mail, or nobody with an account). The hook
 * for signed one-click links (docs/internals/mail.md). */
void svc_outbox_unsubscribe_url(int64_t person_id, const char *kind, char *out, size_t size);

/* ---- delivering (the mail job) ---- */

/* One claimed message, owned. */
struct svc_outbox_item {
    int64_t id, created_at, person_id;
    int attempts; /* before this one */
    char *to, *kind, *subject, *text, *html, *ics, *unsubscribe;
};
void svc_outbox_item_cleanup(struct svc_outbox_item *m); /* NULL and {0} allowed */

/* Claims up to max undelivered rows due at `due` whose lease (if any) ran
 * out by `now`, oldest first, for `owner` until lease_until; on
 * PostgreSQL rows another sender has locked are skipped (FOR UPDATE SKIP
 * LOCKED), on SQLite the caller's write transaction holds the database.
 * Run it in a write transaction of its own and commit before sending.
 * Fills out[0..*n) (freed with svc_outbox_item_cleanup). A store status. */
int svc_outbox_claim(store *db, int64_t due, int64_t now, int64_t lease_until, const char *owner,
                     struct svc_outbox_item *out, size_t max, size_t *n);

/* Extends owner's lease on ids[0..*n) to `until`, keeping in ids only the
 * rows still owned, undelivered (*n shrinks). A store status. */
int svc_outbox_renew(store *db, const char *owner, int64_t now, int64_t until, int64_t *ids,
                     size_t *n);

/* Records that row id was accepted by the mail server at `now` and ends
 * owner's lease. *ours is false when the lease was lost meanwhile (the
 * row is then left as it is). A store status. */
int svc_outbox_sent(store *db, int64_t id, const char *owner, int64_t now, bool *ours);

/* Records a failed attempt at row id: the reply is kept, and the row is
 * due again after mail_backoff_s() or dead (mail_after_failure()). *next
 * says which. A store status. */
int svc_outbox_failed(store *db, int64_t id, const char *owner, int64_t now, const char *reply,
                      bool permanent, int max_attempts, enum mail_next *next);

/* Gives row id back untried (the server was unreachable before its
 * turn): owner's lease ends, no attempt is counted, due at next_at. */
int svc_outbox_release(store *db, int64_t id, const char *owner, int64_t next_at);

/* The earliest time an undelivered row is due (*at 0 when there is
 * none; a row under another sender's lease counts). A store status. */
int svc_outbox_next_due(store *db, int64_t *at);

/* ---- the admin's outbox ---- */

enum svc_outbox_state { OUTBOX_ANY, OUTBOX_PENDING, OUTBOX_RETRYING, OUTBOX_SENT, OUTBOX_DEAD };

/* The state's name ("pending" ...) and back; -1 for an unknown name. */
const char *svc_outbox_state_name(enum svc_outbox_state s);
int svc_outbox_state_parse(const char *name);

struct svc_outbox_filter {
    enum svc_outbox_state state;
    const char *kind; /* NULL: any */
    const char *to;   /* an address, any case; NULL: any */
    int64_t limit, offset;
};

struct svc_outbox_row {
    int64_t id, created_at, program_id;        /* program_id 0: none */
    int64_t next_attempt_at;                   /* 0 once sent or dead */
    int64_t last_attempt_at, sent_at, dead_at; /* 0: not (yet) */
    int attempts;
    enum svc_outbox_state state;
    char *to, *kind, *subject, *body; /* body: the text, secret links redacted */
    char *last_error;                 /* NULL: none */
    char message_id[LIMIT_EMAIL_BYTES + 64];
};

struct svc_outbox_page {
    struct svc_outbox_row *items;
    size_t n;
    int64_t total;
};
void svc_outbox_page_cleanup(struct svc_outbox_page *p); /* NULL and {0} allowed */

/* Lists stored mail, newest first (admins only: SVC_NOT_FOUND for anyone
 * else). SVC_INVALID naming `kind` for a kind no template has. */
int svc_outbox_list(store *db, const svc_actor *actor, const struct svc_outbox_filter *f,
                    struct svc_outbox_page *out, verr *e);

/* Sends row id again now (admins only): a dead letter goes back in the
 * queue with its attempts counted anew, a retrying one is due at once.
 * SVC_REFUSED naming `state` when it was sent or is pending already;
 * SVC_NOT_FOUND; a store status. Writes the audit record. On SVC_OK
 * *out (may be NULL) is the row as it is now (clean it up). */
int svc_outbox_retry(store *db, const svc_actor *actor, int64_t id, int64_t now,
                     struct svc_outbox_page *out, verr *e);

#endif
