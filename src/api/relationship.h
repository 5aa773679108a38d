/* relationship.h - opening a relationship for the actor, shared by every
 * workspace handler (product.md §6, §9).
 *
 * Members (the mentor and mentee(s), or the peers) read and write their
 * relationship's workspace; the program's coordinators and site admins
 * read it; nobody else learns that it exists (404). Private notes are the
 * author's alone - see notes handling. The rules and the data are
 * service/relationship.h's; these answer for a handler.
 */
#ifndef TANDEM_API_RELATIONSHIP_H
#define TANDEM_API_RELATIONSHIP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"
#include "service/relationship.h"

/* Loads the relationship whose id is route parameter `param` and checks
 * the actor may `need` (PERM_READ or PERM_WRITE) its workspace. Answers
 * 404 (cannot see it) or 403 (may read, not write) and returns -1. */
int rel_open(api_ctx *c, int param, enum perm_access need, struct svc_rel *out);

/* true while members may still work in it (active or paused or closing). */
bool rel_is_open(const struct svc_rel *r);

/* The members as JSON: [{"participation_id", "person_id", "name", "role"}].
 * A store status; *out is a new array. */
int rel_members_json(store *db, int64_t rel_id, json_t **out);

#endif
