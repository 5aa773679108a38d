/* participants.h - loading a participation, shared by the handlers that
 * act on one (participants, training, matching). */
#ifndef TANDEM_API_PARTICIPANTS_H
#define TANDEM_API_PARTICIPANTS_H

#include <jansson.h>
#include <stdint.h>

#include "api/api.h"
#include "domain/participation.h"

struct participation {
    int64_t id, program_id, person_id;
    char role[16];
    enum stage status;
    json_t *profile;         /* owned */
    json_t *application;     /* owned */
    int64_t capacity, wants; /* 0 when unset */
    int64_t created_at, updated_at;
};

void participation_cleanup(struct participation *p);

/* Loads participation `id` of program `program_id`: 1 found, 0 none, < 0
 * a store status. */
int participation_load(store *db, int64_t program_id, int64_t id, struct participation *out);

#endif
