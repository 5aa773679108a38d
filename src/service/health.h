/* health.h (service) - health checks of a relationship (product.md §6):
 * each party rates the eight qualities (domain/health.h) whenever they
 * like, and is reminded on the program's cadence
 * (surveys.health_check_days). Each party sees their own history; the
 * pair's when every party agreed to share; the program's coordinators
 * read the ratings (not the comments), which the at-risk list is made
 * of. */
#ifndef TANDEM_SERVICE_HEALTH_H
#define TANDEM_SERVICE_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/health.h"
#include "domain/program.h"
#include "service/relationship.h"

struct svc_health_check {
    int64_t id, participation_id, created_at;
    char name[LIMIT_NAME_BYTES + 1];
    char role[16];
    int ratings[HEALTH_QUALITIES];
    char *comment; /* owned; NULL when the reader may not see it */
    bool mine;
};

/* A relationship's health checks as the actor sees them. */
struct svc_health_view {
    struct svc_health_check *checks; /* owned, newest first */
    size_t n;
    bool member;       /* the actor is a party */
    bool i_share;      /* the actor agreed to share with the pair */
    bool others_share; /* every other party did */
    bool pair_visible; /* every party did: each sees the others' checks */
    int64_t my_due_at; /* when the actor's next check is due; 0 when not known */
    int cadence_days;  /* the program's */
};
void svc_health_view_cleanup(struct svc_health_view *v); /* NULL allowed */

/* The checks of relationship *r (loaded with svc_relationship_get for
 * reading) that the actor may see, newest first (at most
 * LIMIT_HEALTH_CHECKS_LISTED). A store status. */
int svc_health_list(store *db, const svc_actor *actor, const struct svc_rel *r,
                    const struct program_config *cfg, struct svc_health_view *out);

/* What a party posts. */
struct svc_health_in {
    int ratings[HEALTH_QUALITIES]; /* checked by health_ratings_check */
    const char *comment;           /* may be NULL */
    int share;                     /* 1 share with the pair, 0 not, -1 leave as it was */
};

/* Records the actor's check of open relationship *r (members only:
 * SVC_FORBIDDEN otherwise; SVC_REFUSED once it ended; SVC_INVALID
 * "comment"), moves their next due date on by the cadence and records
 * the relationship's at-risk flags at once. *id is the new check. */
int svc_health_post(store *db, const svc_actor *actor, const struct svc_rel *r,
                    const struct program_config *cfg, const struct svc_health_in *in, int64_t *id,
                    verr *e);

/* Sets whether the actor shares their checks with the pair (members
 * only: SVC_FORBIDDEN). A store status otherwise. */
int svc_health_share(store *db, const svc_actor *actor, const struct svc_rel *r, bool share,
                     verr *e);

/* ---- the cadence ---- */

/* Every party of relationship rel_id is due a check `days` after now.
 * Called when it starts. A store status. */
int svc_health_arm(store *db, int64_t rel_id, int days, int64_t now);

/* The parties due a reminder at now (health_parties_due), earliest
 * first, as (relationship, participation) pairs. A store status. */
int svc_health_reminders_due(store *db, int64_t now, int64_t (*pairs)[2], size_t max, size_t *n);

/* Reminds one party if still due (the relationship open): one mail per
 * due date, never two. *sent is true when mailed. A store status. */
int svc_health_remind(store *db, int64_t rel_id, int64_t participation_id, int64_t now, bool *sent);

/* Health checks due for the actor now: their parties whose due date has
 * passed, in open relationships. */
struct svc_health_due {
    int64_t relationship_id, program_id, due_at;
    char program_name[LIMIT_NAME_BYTES + 1];
    char with[LIMIT_NAME_BYTES + 1];
};
int svc_health_due_for(store *db, const svc_actor *actor, int64_t now, struct svc_health_due **out,
                       size_t *n);

#endif
