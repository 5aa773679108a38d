/* enrolment.h - the writes every enrolment path shares (the API, the CSV
 * import, the demo): moving a participation along the funnel, storing
 * mail in the outbox, and inviting. All run inside the caller's
 * transaction and return a store status. */
#ifndef TANDEM_API_ENROLMENT_H
#define TANDEM_API_ENROLMENT_H

#include <stdint.h>

#include "base/buf.h"
#include "base/limits.h"
#include "domain/participation.h"
#include "store/store.h"

#define INVITATION_DAYS 30

/* Sets the participation's status to `s` and records the time it reached
 * the stage (the first time only). */
int enrol_stage(store *db, int64_t participation_id, enum stage s, int64_t now);

/* Who a participation's mail goes to, and about which program. */
struct enrol_recipient {
    int64_t person_id, program_id;
    char email[LIMIT_EMAIL_BYTES + 1];
    char name[LIMIT_NAME_BYTES + 1];
    char program_name[LIMIT_NAME_BYTES + 1];
    char role[16];
};

/* Looks up the recipient of a participation: 1 found, 0 none, < 0 a store
 * status. */
int enrol_recipient_of(store *db, int64_t participation_id, struct enrol_recipient *out);

/* Stores an e-mail in the outbox, to be sent by the mailer. */
int enrol_mail(store *db, const char *to, int64_t person_id, int64_t program_id, const char *kind,
               const char *subject, const char *body, int64_t now);

/* Writes the invitation e-mail for `name` to take part in `program` as a
 * `role`, with the link base_url/invite/token, into b (reset first).
 * Pieces, not a printf: the CSV import writes one per row. */
void enrol_invitation_text(buf *b, const char *name, const char *program, const char *role,
                           const char *base_url, const char *token);

/* Creates a single-use invitation for the participation and stores the
 * e-mail carrying its link (base_url + "/invite/" + token). */
int enrol_invite(store *db, int64_t participation_id, int64_t invited_by, const char *base_url,
                 int64_t now);

#endif
