/* notification.h - the pure rules of notifications: how a person wants
 * each kind of mail, the signed unsubscribe token, the day a digest
 * covers and what it lists (docs/internals/notifications.md). No I/O, no
 * clock: the key and the time are given.
 */
#ifndef TANDEM_DOMAIN_NOTIFICATION_H
#define TANDEM_DOMAIN_NOTIFICATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "domain/validate.h"

/* How a person wants mail of one kind. */
enum notification_mode {
    NOTIFY_IMMEDIATELY, /* each mail as it happens (the default) */
    NOTIFY_DAILY,       /* held, and listed in one digest mail a day */
    NOTIFY_OFF,         /* no mail (the in-app notification stays) */
};

/* The mode's name ("immediately", "daily", "off"), and back: -1 for
 * anything else. */
const char *notification_mode_name(enum notification_mode m);
int notification_mode_parse(const char *name);

/* ---- the unsubscribe token ----
 *
 * "PERSON.KIND.EXPIRES.MAC": the person's id, the kind of mail it turns
 * off, when it stops working (Unix seconds), and the HMAC-SHA-256 of
 * "unsubscribe:PERSON.KIND.EXPIRES" under the server's secret key, as
 * unpadded URL-safe base64. Every character is one a URL path and
 * mail_redact() keep. */

#define NOTIFICATION_KEY_BYTES 32
#define NOTIFICATION_TOKEN_CHARS 160 /* room for the longest token, with the NUL */

/* Writes the token for person and kind (letters, digits, '_'; at most
 * 48 characters) expiring at `expires` into out. false when the kind is
 * not one a token can name. */
bool notification_token_make(const unsigned char key[NOTIFICATION_KEY_BYTES], int64_t person_id,
                             const char *kind, int64_t expires, char out[NOTIFICATION_TOKEN_CHARS]);

enum notification_token_check {
    NOTIFY_TOKEN_OK,
    NOTIFY_TOKEN_FORGED,  /* malformed, or a MAC that does not match */
    NOTIFY_TOKEN_EXPIRED, /* genuine, but past its time */
};

/* Checks token at `now`: its person, kind (kind_size >= 49) and expiry
 * are filled in whenever the MAC matches (also when it expired). */
enum notification_token_check
notification_token_check(const unsigned char key[NOTIFICATION_KEY_BYTES], const char *token,
                         int64_t now, int64_t *person_id, char *kind, size_t kind_size,
                         int64_t *expires);

/* ---- digests ---- */

#define NOTIFICATION_DAY_S 86400

/* 00:00 UTC of the day holding t: the period a held notification's
 * digest covers. */
int64_t notification_day(int64_t t);

/* One thing that happened, as a digest lists it. */
struct notification_item {
    const char *title;   /* the mail's subject */
    const char *program; /* may be NULL or "" */
    const char *link;    /* an absolute URL */
};

/* Appends the digest's list of items to text (one "- title (program)"
 * line and an indented link per item) and to html (a <ul> of links, every
 * value escaped); `more` items beyond these are counted at the end. 0, or
 * -1 when a buffer's cap was reached. */
int notification_digest_list(const struct notification_item *items, size_t n, size_t more,
                             buf *text, buf *html);

/* One change asked for: mode is the name given ("daily" ...). */
struct notification_change {
    const char *kind, *mode;
};

/* Reads the body of PUT /me/notification-settings {"kinds": [{"kind",
 * "mode"}]}: at most max items into out[0..*n), each an object of the
 * two strings (kind at most 64 bytes, mode 32; borrowed; which kinds and
 * modes exist is the service's to say). Names every bad field
 * ("kinds[2].mode"). Returns 0 or -1. */
int notification_changes_read(const json_t *body, struct notification_change *out, size_t max,
                              size_t *n, verr *e);

#endif
