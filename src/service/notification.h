/* notification.h - what each person is told in the app, how they want
 * each kind of mail, the daily digest, and unsubscribing by a signed link
 * (docs/internals/notifications.md).
 *
 * Every notification mail to a person with an account passes through
 * svc_outbox_mail(), which calls svc_notification_note() before storing
 * the row: the in-app notification is recorded whatever the person's
 * choice, and the mail is stored now ("immediately"), held for the day's
 * digest ("daily") or not at all ("off"). Required mail (invitations,
 * password resets) is never held, never turned off and has no in-app
 * notification (its link is a secret of its own).
 */
#ifndef TANDEM_SERVICE_NOTIFICATION_H
#define TANDEM_SERVICE_NOTIFICATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/notification.h"
#include "service/outbox.h"
#include "service/service.h"

/* ---- recording (from svc_outbox_mail) ---- */

/* Records the in-app notification of mail m whose subject is `title`,
 * when m is notification mail to a person with an account, and says
 * whether the mail itself is to be stored now (*send; always true for
 * other mail). The link is the path of m's "link" value ("/" without
 * one). A store status. */
int svc_notification_note(store *db, const struct svc_mail *m, const char *title, int64_t now,
                          bool *send);

/* ---- the list ---- */

struct svc_notification {
    int64_t id, program_id, created_at, read_at; /* program_id, read_at 0: none, not yet */
    char *kind, *title, *link, *program;         /* program NULL: none */
};

struct svc_notification_page {
    struct svc_notification *items;
    size_t n;
    char next[32]; /* the cursor of the next page; "" at the end */
};
void svc_notification_page_cleanup(struct svc_notification_page *p); /* NULL and {0} allowed */

/* person_id's notifications, unread first, then newest first, `limit`
 * (1 .. LIMIT_NOTIFICATIONS_PAGE) after `cursor` (NULL or "": from the
 * start; else the `next` of the page before). SVC_INVALID naming
 * `cursor` or `limit`; else a store status. */
int svc_notifications_list(store *db, int64_t person_id, const char *cursor, int64_t limit,
                           struct svc_notification_page *out, verr *e);

/* person_id's unread notifications: a count on the unread index, cheap
 * enough for every page the UI shows. A store status. */
int svc_notifications_unread(store *db, int64_t person_id, int64_t *n);

/* Marks notification id of person_id read at now (a second time keeps
 * the first time). On SVC_OK *out (may be NULL) is the notification as it
 * is now (clean it up with the page's cleanup of a one-item page).
 * SVC_NOT_FOUND for another person's or no such notification. */
int svc_notification_read(store *db, int64_t person_id, int64_t id, int64_t now,
                          struct svc_notification_page *out, verr *e);

/* Marks all of person_id's unread notifications read; *n how many. */
int svc_notifications_read_all(store *db, int64_t person_id, int64_t now, int64_t *n);

/* ---- preferences ---- */

struct svc_notification_setting {
    const char *kind, *what; /* the template table's */
    enum notification_mode mode;
};

/* The settings of person_id: one per kind of notification mail of the
 * template table, in its order (at most max; *n their number). */
int svc_notification_settings(store *db, int64_t person_id, struct svc_notification_setting *out,
                              size_t max, size_t *n);

/* Sets the modes of person_id's kinds named in changes (kinds not named
 * stay as they are). Every bad item is named ("kinds[2].kind": unknown
 * or required mail; "kinds[2].mode": not immediately, daily or off) and
 * nothing is changed: SVC_INVALID. Writes the audit record. */
int svc_notification_settings_put(store *db, const svc_actor *actor,
                                  const struct notification_change *changes, size_t n, int64_t now,
                                  verr *e);

/* ---- unsubscribing ---- */

/* Writes the List-Unsubscribe URL of mail of `kind` to person_id into
 * out: PUBLIC_URL/unsubscribe/TOKEN, the token signed with the server's
 * "unsubscribe" secret (made on first use: call it in a write
 * transaction) and working for LIMIT_UNSUBSCRIBE_DAYS. "" for required
 * mail or nobody with an account. A store status. */
int svc_unsubscribe_url(store *db, int64_t person_id, const char *kind, int64_t now, char *out,
                        size_t size);

/* What an unsubscribe link turns off. */
struct svc_unsubscribe {
    int64_t person_id, expires_at;
    char kind[64];
    const char *what; /* "A new message"; for the digest "The daily digest" */
    char email[LIMIT_EMAIL_BYTES + 1];
    bool off;                     /* already off (for the digest: no kind is daily) */
    const char *digest_kinds[64]; /* the digest: the kinds it holds now (their "what") */
    size_t ndigest;
};

/* Checks token at now and says what it turns off. SVC_NOT_FOUND naming
 * `token` when it is forged, mistyped, expired (the message says which)
 * or its person is gone; a store status. Changes nothing. */
int svc_unsubscribe_find(store *db, const char *token, int64_t now, struct svc_unsubscribe *out,
                         verr *e);

/* Turns off what token names (the digest: every kind held for it), as
 * svc_unsubscribe_find checks it; out says what it was. Idempotent.
 * Writes the audit record (the person as actor). */
int svc_unsubscribe_apply(store *db, const char *token, int64_t now, struct svc_unsubscribe *out,
                          verr *e);

/* ---- the daily digest (jobs/digests.c) ---- */

/* Up to max (person, day) pairs with notifications held for a digest
 * of a day that ended by now, as out[i] = {person_id, day}. */
int svc_digests_due(store *db, int64_t now, int64_t (*out)[2], size_t max, size_t *n);

/* Stores the digest mail of person_id for `day` (00:00 UTC) listing what
 * was held for it, once: the notification_digests key makes a second
 * run store none; the items leave the held set either way. *did when a
 * mail was stored. In the caller's write transaction; a store status. */
int svc_digest_send(store *db, int64_t person_id, int64_t day, int64_t now, bool *did);

#endif
