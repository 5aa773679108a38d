/* goal.h (service) - a relationship's goals (SMART: a specific statement,
 * how success is measured, why it matters, a target date) with status,
 * progress and milestones (product.md §2, §6). The first goal moves every
 * member to the funnel stage goals_set. A new target or due date may not
 * be in the past (in the actor's time zone); one that has passed is shown
 * overdue (domain/goal.h). */
#ifndef TANDEM_SERVICE_GOAL_H
#define TANDEM_SERVICE_GOAL_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/goal.h"
#include "service/relationship.h"

struct svc_milestone {
    int64_t id, goal_id;
    char *title;       /* owned */
    char due_date[11]; /* YYYY-MM-DD, "" for none */
    int64_t done_at;   /* 0: not done */
    int64_t created_at;
    bool overdue; /* not done, and the due date has passed for the reader */
};

struct svc_goal {
    int64_t id, relationship_id;
    char *statement, *measure, *why; /* owned */
    char target_date[11];            /* "" for none */
    char status[16];                 /* open, achieved, dropped */
    int64_t progress;                /* 0-100 */
    int64_t created_by;              /* person; 0 when gone */
    int64_t created_at, updated_at;
    bool overdue;                     /* open, and the target date has passed for the reader */
    struct svc_milestone *milestones; /* owned, by id */
    size_t nmilestones;
};

/* Frees what *g owns; accepts an empty struct. */
void svc_goal_cleanup(struct svc_goal *g);
/* Cleans up and frees an array of n goals; accepts NULL. */
void svc_goals_free(struct svc_goal *g, size_t n);

/* A page of relationship r's goals with their milestones, by id, as the
 * actor reads them (overdue in their time zone). *out (svc_goals_free)
 * receives *n; *total counts them all. A store status. */
int svc_goal_list(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t limit,
                  int64_t offset, struct svc_goal **out, size_t *n, int64_t *total);

/* Goal `gid` of relationship r: SVC_OK, SVC_NOT_FOUND, or a store status. */
int svc_goal_get(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t gid,
                 struct svc_goal *out);

/* Adds a goal to r as the actor (a member of the open relationship): the
 * statement is required; a target date may not be in the past (422 naming
 * target_date). At most LIMIT_GOALS_PER_RELATIONSHIP. The first goal
 * records the stage goals_set for every member. *out is the new goal.
 * SVC_OK, SVC_INVALID, SVC_REFUSED, SVC_FORBIDDEN, or a store status. */
int svc_goal_create(store *db, const svc_actor *actor, const struct svc_rel *r,
                    const struct goal_change *in, struct svc_goal *out, verr *e);

/* Changes goal `gid` of r: the fields given; a new target date may not be
 * in the past, one already set may stay. SVC_NOT_FOUND when it is not
 * r's; else as svc_goal_create. */
int svc_goal_update(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t gid,
                    const struct goal_change *in, struct svc_goal *out, verr *e);

/* Adds a milestone to goal `gid` of r (at most LIMIT_MILESTONES_PER_GOAL;
 * a due date not in the past). Statuses as svc_goal_update. */
int svc_milestone_create(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t gid,
                         const struct milestone_change *in, struct svc_milestone *out, verr *e);

/* Changes milestone `mid` of goal `gid` of r. Statuses as
 * svc_goal_update. */
int svc_milestone_update(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t gid,
                         int64_t mid, const struct milestone_change *in, struct svc_milestone *out,
                         verr *e);

/* Frees what *m owns. */
void svc_milestone_cleanup(struct svc_milestone *m);

#endif
