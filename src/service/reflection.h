/* reflection.h (service) - each member's closing reflection (product.md
 * §6): what was learned, next steps, feedback on the program. One per
 * member; writing again replaces it. Reflection belongs to closure, so a
 * member may write theirs after the relationship has ended too. */
#ifndef TANDEM_SERVICE_REFLECTION_H
#define TANDEM_SERVICE_REFLECTION_H

#include <stdbool.h>
#include <stddef.h>

#include "service/relationship.h"

struct svc_member_reflection {
    struct svc_rel_member who;
    bool mine, written;
    char *learned, *next_steps, *program_feedback; /* owned; NULL when not written */
    int64_t written_at;
};

struct svc_reflections {
    struct svc_member_reflection *items; /* owned: every member */
    size_t n;
    bool complete; /* every member wrote one */
};

void svc_reflections_cleanup(struct svc_reflections *r);

/* Every member of r with their reflection. A store status. */
int svc_reflection_list(store *db, const struct svc_rel *r, struct svc_reflections *out);

/* Writes or replaces the actor's reflection (a member: SVC_FORBIDDEN
 * otherwise); `learned` is required. *replaced tells which. */
int svc_reflection_write(store *db, const svc_actor *actor, const struct svc_rel *r,
                         const struct rel_reflection *in, bool *replaced, verr *e);

#endif
