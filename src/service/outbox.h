/* outbox.h - e-mail, stored in the outbox in the same transaction as the
 * event that causes it; the mailer (a job) delivers it later. */
#ifndef TANDEM_SERVICE_OUTBOX_H
#define TANDEM_SERVICE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "service/service.h"

/* Stores one e-mail to `to` (person_id and program_id may be 0). A store
 * status. */
int svc_outbox_add(store *db, const char *to, int64_t person_id, int64_t program_id,
                   const char *kind, const char *subject, const char *body, int64_t now);

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

/* Stores an e-mail to the person of participation `id` about its
 * program. SVC_OK (also when there is no such participation: nobody to
 * tell), or a store status. */
int svc_outbox_to_participation(store *db, int64_t participation_id, const char *kind,
                                const char *subject, const char *body, int64_t now);

/* A stored e-mail, as admins read the outbox. Strings are owned. */
struct svc_mail {
    int64_t id, created_at, program_id, attempts, sent_at; /* program_id, sent_at: 0 when none */
    char *to, *subject, *body, *kind, *last_error;         /* last_error: NULL when none */
};

struct svc_mail_page {
    struct svc_mail *items; /* owned, n of them */
    size_t n;
    int64_t total;
};

/* A page of the outbox, newest first, to one address or (to NULL) all.
 * SVC_OK or a store status. */
int svc_outbox_list(store *db, const char *to, int64_t limit, int64_t offset,
                    struct svc_mail_page *out);
void svc_mail_page_cleanup(struct svc_mail_page *page); /* NULL allowed */

#endif
