/* enrolment.h - inviting one participation (the words are
 * domain/invitation.h's, shared with the CSV import). Runs inside the
 * caller's transaction and returns a store status. Moving along the funnel
 * is service/participation.h's, mail is service/outbox.h's. */
#ifndef TANDEM_API_ENROLMENT_H
#define TANDEM_API_ENROLMENT_H

#include <stdint.h>

#include "base/buf.h"
#include "base/limits.h"
#include "domain/invitation.h"
#include "domain/participation.h"
#include "store/store.h"

/* Creates a single-use invitation for the participation and stores the
 * e-mail carrying its link (base_url + "/invite/" + token). */
int enrol_invite(store *db, int64_t participation_id, int64_t invited_by, const char *base_url,
                 int64_t now);

#endif
