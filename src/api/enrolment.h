/* enrolment.h - the writes every enrolment path shares (the API, the CSV
 * import, the demo): moving a participation along the funnel, storing
 * mail in the outbox, and inviting. All run inside the caller's
 * transaction and return a store status. */
#ifndef TANDEM_API_ENROLMENT_H
#define TANDEM_API_ENROLMENT_H

#include <stdint.h>

#include "domain/participation.h"
#include "store/store.h"

#define INVITATION_DAYS 30

/* Sets the participation's status to `s` and records the time it reached
 * the stage (the first time only). */
int enrol_stage(store *db, int64_t participation_id, enum stage s, int64_t now);

/* Stores an e-mail in the outbox, to be sent by the mailer. */
int enrol_mail(store *db, const char *to, int64_t person_id, int64_t program_id, const char *kind,
               const char *subject, const char *body, int64_t now);

/* Creates a single-use invitation for the participation and stores the
 * e-mail carrying its link (base_url + "/invite/" + token). */
int enrol_invite(store *db, int64_t participation_id, int64_t invited_by, const char *base_url,
                 int64_t now);

#endif
