/* relationship.h - opening a relationship for the actor, shared by every
 * workspace handler (product.md §6, §9).
 *
 * Members (the mentor and mentee(s), or the peers) read and write their
 * relationship's workspace; the program's coordinators and site admins
 * read it; nobody else learns that it exists (404). Private notes are the
 * author's alone - see notes handling.
 */
#ifndef TANDEM_API_RELATIONSHIP_H
#define TANDEM_API_RELATIONSHIP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"
#include "domain/participation.h"
#include "service/program.h"

struct rel {
    int64_t id, program_id;
    char kind[16];   /* one_to_one, group, peer */
    char status[16]; /* active, paused, closing, completed, ended_early */
    int phase;       /* index into the program's phase model */
    int64_t phase_started_at, started_at, planned_end_at, ended_at;
    int renewals;
    int64_t version;
    int64_t my_part;  /* the actor's participation in it; 0 when not a member */
    char my_role[16]; /* mentor, mentee or peer; "" when not a member */
    perm_roles roles; /* the actor's roles in the program */
};

/* Loads the relationship whose id is route parameter `param` and checks
 * the actor may `need` (PERM_READ or PERM_WRITE) its workspace. Answers
 * 404 (cannot see it) or 403 (may read, not write) and returns -1. */
int rel_open(api_ctx *c, int param, enum perm_access need, struct rel *out);

/* rel_open for writing, and the relationship still open (not completed
 * or ended): answers 409 when it has ended. */
int rel_open_writable(api_ctx *c, struct rel *out);

/* Same, by id, without answering: SVC_OK allowed, SVC_NOT_FOUND not
 * visible, SVC_FORBIDDEN visible but not writable, or a store status. */
int rel_load(api_ctx *c, int64_t id, enum perm_access need, struct rel *out);

/* true while members may still work in it (active or paused or closing). */
bool rel_is_open(const struct rel *r);

/* The members as JSON: [{"participation_id", "person_id", "name", "role"}]. */
json_t *rel_members_json(store *db, int64_t rel_id);

/* Records stage `s` for every member participation (of role `role`, or
 * all when NULL) that has not reached it. A store status. */
int rel_stage_all(store *db, int64_t rel_id, enum stage s, int64_t now);

/* Stores an e-mail to every member but the actor, about the relationship. */
int rel_notify_others(api_ctx *c, const struct rel *r, const char *kind, const char *subject,
                      const char *body);

/* Creates a relationship in the program's transaction: the mentor with the
 * mentees (kind one_to_one for one, group for several), or, with mentor 0,
 * a peer circle of the `mentees` participations. Every rule is re-checked
 * here, with the rows locked, so concurrent publishes and accepts never
 * exceed a capacity: roles and statuses, the training gate, capacity and
 * wants, never self, the power-differential rule, and never a pair already
 * matched in this program. Records the matched stage and mails everyone.
 * Returns SVC_OK with *id, SVC_REFUSED with *e naming the broken rule
 * (e->field names the participation), or a store status (< 0). */
int rel_create(api_ctx *c, int64_t program_id, const struct program_config *cfg, int64_t mentor,
               const int64_t *mentees, size_t n, const char *source, int64_t run_id, int64_t *id,
               verr *e);

/* The relationship as the API shows it. */
json_t *rel_json(api_ctx *c, const struct rel *r, const struct program_config *cfg);

#endif
