/* review.h (service) - coordinators approve or decline applications, one
 * by one or in bulk (product.md §4). Which moves are allowed is
 * domain/participation.h's (participation_review); the e-mails are
 * the "approved" and "declined" templates of domain/mail.c. */
#ifndef TANDEM_SERVICE_REVIEW_H
#define TANDEM_SERVICE_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "domain/program.h"
#include "service/participation.h"
#include "service/service.h"

/* Approves (approve) or declines participation p, which the caller has
 * checked the actor may review. A decline needs a kind reason (SVC_INVALID
 * naming "decline_reason"); a move the participation's status does not
 * allow is SVC_REFUSED naming `field`. An approval trains at once a role
 * with no training to do; either way the person is told by e-mail. SVC_OK
 * or a store status. */
int svc_review_decide(store *db, const svc_actor *actor, const struct program_config *cfg,
                      const struct svc_participation *p, bool approve, const char *reason,
                      const char *field, int64_t now, verr *e);

/* Reviews participations ids[0..n) of program `program_id` alike, all or
 * nothing: every id that is no participation of the program is named
 * (SVC_INVALID, "ids[i]"), then every one whose status refuses the move
 * (SVC_REFUSED); nothing changes unless all may move. SVC_OK or a store
 * status. */
int svc_review_bulk(store *db, const svc_actor *actor, int64_t program_id,
                    const struct program_config *cfg, bool approve, const char *reason,
                    const int64_t *ids, size_t n, int64_t now, verr *e);

#endif
