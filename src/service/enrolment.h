/* enrolment.h (service) - how people come to take part (product.md §4):
 * applying on their own, being added by a coordinator, invitations by
 * single-use e-mail link and accepting them. Approving and declining is
 * service/review.h's; the answers' and e-mails' rules are
 * domain/enrolment.h's. */
#ifndef TANDEM_SERVICE_ENROLMENT_H
#define TANDEM_SERVICE_ENROLMENT_H

#include <jansson.h>
#include <stdint.h>

#include "base/limits.h"
#include "base/secret.h"
#include "domain/program.h"
#include "service/participation.h"
#include "service/service.h"

/* The actor applies to program `program_id` (its configuration cfg):
 *  - SVC_NOT_FOUND for an invite-only program they are not invited to;
 *  - SVC_FORBIDDEN for an invite-only one they are in, but not in the role;
 *  - SVC_INVALID naming "dates.enrolment_opens" / "dates.enrolment_closes"
 *    before enrolment opens or after it closes (program_enrolment_at) -
 *    unless a coordinator invited or added them, who may apply any time;
 *  - SVC_INVALID naming every bad answer, profile field and number (and
 *    those already in e: the caller's checks of the body);
 *  - SVC_REFUSED ("role") when they have applied in the role already.
 * An open program approves them at once (and trains them when their role
 * has no training). SVC_OK with *participation_id, or a store status. */
int svc_enrolment_apply(store *db, const svc_actor *actor, int64_t program_id,
                        const struct program_config *cfg, const struct enrolment_application *in,
                        int64_t now, int64_t *participation_id, verr *e);

/* Adds a participation to program `program_id`: coordinators and viewers
 * take part at once (approved), mentors and mentees are invited. Every bad
 * field is named (SVC_INVALID, with those already in e); SVC_REFUSED
 * ("email") when the person takes part in the role already. SVC_OK with
 * *participation_id, or a store status. */
int svc_enrolment_add(store *db, const svc_actor *actor, int64_t program_id,
                      const struct program_config *cfg, const struct enrolment_add *in, int64_t now,
                      int64_t *participation_id, verr *e);

/* Whether the actor is in program `program_id` in any role (any status):
 * invite-only programs show themselves to their people alone. A store
 * status. */
int svc_enrolment_is_in(store *db, const svc_actor *actor, int64_t program_id, bool *in);

/* Creates a single-use invitation for the participation, valid for
 * LIMIT_INVITATION_DAYS, and stores the e-mail carrying its link
 * (svc_public_url() + "/invite/" + token). A store status. */
int svc_enrolment_invite(store *db, const svc_actor *actor, int64_t participation_id, int64_t now);

/* An invitation as its link finds it. */
struct svc_invitation {
    int64_t id, person_id, program_id, participation_id, expires_at;
    char email[LIMIT_EMAIL_BYTES + 1];
    char person_name[LIMIT_NAME_BYTES + 1];
    char program_name[LIMIT_NAME_BYTES + 1];
    char role[16];
    char *password_hash; /* owned; NULL: the account has no password yet */
};
void svc_invitation_cleanup(struct svc_invitation *inv); /* NULL allowed */

/* The unused, unexpired invitation whose link carries `token`: SVC_OK,
 * SVC_NOT_FOUND (e names "token": used, expired or mistyped), or a store
 * status. */
int svc_invitation_find(store *db, const char *token, int64_t now, struct svc_invitation *out,
                        verr *e);

/* Uses invitation inv up: a new account gets its password (the hash,
 * NULL to keep the one it has) and, when given, its name. SVC_NOT_FOUND
 * ("token") when it was used meanwhile; else SVC_OK or a store status. The
 * caller checked the password. */
int svc_invitation_accept(store *db, const struct svc_invitation *inv, const char *password_hash,
                          const char *name, int64_t now, verr *e);

#endif
