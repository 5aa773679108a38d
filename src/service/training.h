/* training.h (service) - the program's training modules per role, their
 * completion, and the "trained before matched" gate (product.md §3, §7). */
#ifndef TANDEM_SERVICE_TRAINING_H
#define TANDEM_SERVICE_TRAINING_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/program.h"
#include "service/service.h"

/* A module of the program as the actor sees it. */
struct svc_training_item {
    const json_t *module; /* borrowed from the configuration */
    int64_t completed_at; /* by the actor; 0: not yet */
};

/* The modules the actor has to do as a mentor or mentee of the program
 * (every module for its coordinators), with when they completed each.
 * *items is a new array of *n the caller frees. SVC_OK or a store status. */
int svc_training_list(store *db, const svc_actor *actor, int64_t program_id,
                      const struct program_config *cfg, bool coordinator,
                      struct svc_training_item **items, size_t *n);

/* The module with id `module_id`, or NULL. */
const json_t *svc_training_module(const struct program_config *cfg, const char *module_id);

/* The actor completes module `module` (of svc_training_module) with the
 * answers to its end-of-training questions, as the participant in `role`
 * (NULL: whichever of theirs the module is for):
 *  - SVC_INVALID naming every required question left unanswered (with any
 *    error already in e);
 *  - SVC_FORBIDDEN when the module is not part of their training;
 *  - SVC_REFUSED until their application is approved.
 * Completing the last module of their role makes them trained. SVC_OK with
 * *trained, or a store status. */
int svc_training_complete(store *db, const svc_actor *actor, int64_t program_id,
                          const struct program_config *cfg, const json_t *module, const char *role,
                          const json_t *answers, int64_t now, bool *trained, verr *e);

#endif
