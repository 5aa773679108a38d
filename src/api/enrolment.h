/* enrolment.h - inviting, shared by every enrolment path (the API, the
 * CSV import). Runs inside the caller's transaction and returns a store
 * status. Moving along the funnel is service/participation.h's, mail is
 * service/outbox.h's. */
#ifndef TANDEM_API_ENROLMENT_H
#define TANDEM_API_ENROLMENT_H

#include <stdint.h>

#include "base/buf.h"
#include "base/limits.h"
#include "domain/mail.h"
#include "domain/participation.h"
#include "store/store.h"

#define INVITATION_DAYS 30

/* Renders the invitation e-mail for `name` to take part in `program` as a
 * `role`, with the link base_url/invite/token (the "invitation" template
 * of domain/mail.c), into out - the CSV import stores one per row.
 * SVC_OK (clean out up), or SVC_INVALID. */
int enrol_invitation_mail(const char *name, const char *program, const char *role,
                          const char *base_url, const char *token, struct mail_rendered *out);

/* Creates a single-use invitation for the participation and stores the
 * e-mail carrying its link (base_url + "/invite/" + token). */
int enrol_invite(store *db, int64_t participation_id, int64_t invited_by, const char *base_url,
                 int64_t now);

#endif
