/* enrolment.h - inviting, shared by every enrolment path (the API, the
 * CSV import). Runs inside the caller's transaction and returns a store
 * status. Moving along the funnel is service/participation.h's, mail is
 * service/outbox.h's. */
#ifndef TANDEM_API_ENROLMENT_H
#define TANDEM_API_ENROLMENT_H

#include <stdint.h>

#include "base/buf.h"
#include "base/limits.h"
#include "domain/participation.h"
#include "store/store.h"

#define INVITATION_DAYS 30

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
