/* relationship.h (service) - mentoring relationships (product.md §5-6):
 * creating one with every matching rule re-checked under lock, loading
 * one as the actor may see it, listing them, and their status moves -
 * pause, resume, closure and renewal agreed by every member (one proposes,
 * the others confirm; a coordinator does it at once), ending early
 * without blame by either party alone - with the stages and the mail
 * that follow.
 *
 * Every function runs in the caller's transaction.
 */
#ifndef TANDEM_SERVICE_RELATIONSHIP_H
#define TANDEM_SERVICE_RELATIONSHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/participation.h"
#include "domain/program.h"
#include "domain/relationship.h"
#include "domain/mail.h"
#include "service/service.h"

/* A relationship as one actor sees it. */
struct svc_rel {
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
    /* The closure or renewal waiting for the members' consent, if any. */
    enum rel_proposal proposal;
    int64_t proposed_by, proposed_at;           /* a participation; 0 when none */
    int64_t agreed[LIMIT_RELATIONSHIP_MEMBERS]; /* who agreed, the proposer first */
    size_t nagreed;
};

/* Loads relationship `id` and checks the actor may `need` (PERM_READ or
 * PERM_WRITE) its workspace (perm_relationship_access). SVC_OK,
 * SVC_NOT_FOUND (absent, or the actor may not know it exists),
 * SVC_FORBIDDEN (may read, not write), or a store status. */
int svc_relationship_get(store *db, const svc_actor *actor, int64_t id, enum perm_access need,
                         struct svc_rel *out);

/* A member of a relationship. */
struct svc_rel_member {
    int64_t participation_id, person_id;
    char name[LIMIT_NAME_BYTES + 1];
    char role[16]; /* mentor, mentee, peer */
};

/* The members of relationship `id`, mentor first, then by name, into
 * out[0..*n) (at most LIMIT_RELATIONSHIP_MEMBERS). A store status. */
int svc_relationship_members(store *db, int64_t id,
                             struct svc_rel_member out[LIMIT_RELATIONSHIP_MEMBERS], size_t *n);

/* What a new relationship is made of. */
struct svc_rel_new {
    int64_t mentor;         /* the mentor's participation; 0 for a peer circle */
    const int64_t *mentees; /* participations: the mentees, or the peers of a circle */
    size_t n;
    const char *source; /* "manual", "admin" (a published proposal) or "request" */
    int64_t run_id;     /* the published proposal, or 0 */
};

/* Creates a relationship in program `program_id` (whose configuration is
 * cfg): the mentor with the mentees (kind one_to_one for one, group for
 * several), or a peer circle. Every rule is checked here with the rows
 * locked, so concurrent publishes and accepts never exceed a capacity:
 * the roles, participation_eligible() (approved, trained where training
 * gates matching), the mentor's capacity and each mentee's wants, never
 * self, never the mentor's manager or direct report (unless the program
 * turns the power-differential rule off), and never a pair matched before
 * in this program. Records the matched stage for every member and mails
 * them all. SVC_OK with *id, SVC_REFUSED with e naming the broken rule
 * ("mentor", "mentees[1]", "peers[0]"), or a store status. */
int svc_relationship_create(store *db, const svc_actor *actor, int64_t program_id,
                            const struct program_config *cfg, const struct svc_rel_new *in,
                            int64_t *id, verr *e);

/* A page of the program's relationships (of `status` when not NULL), in id
 * order: every one when `all`, else those the actor is a member of. *out
 * (caller frees) receives *n of them, loaded as svc_relationship_get
 * does. A store status. */
int svc_relationship_list(store *db, const svc_actor *actor, int64_t program_id, bool all,
                          const char *status, int64_t limit, int64_t offset, struct svc_rel **out,
                          size_t *n);

/* Applies the change to *r (loaded with svc_relationship_get; the actor
 * is a member or coordinates the program), whose program's configuration
 * is cfg, by rel_decide():
 *
 * - close: a member's proposes closing (status closing) with their
 *   reflection; each other member's confirms with theirs, and the last
 *   one completes it; a coordinator's completes it at once;
 * - renew: only in the last cfg->renewal_window_days days before the
 *   planned end and within cfg->renewals; a member's proposes, the
 *   others' accept, and the last acceptance (or a coordinator's renew)
 *   moves the planned end on by the program's duration;
 * - decline (another member) or withdraw (the proposer) drops a proposal;
 * - pause, resume, and end early (either party alone, without blame; it
 *   drops any proposal).
 *
 * When a relationship completes, each member whose last relationship it
 * was, with no place still open for matching, completes the program
 * (rel_member_completes); an early end lets mentees be matched again.
 * The other members are mailed at every step, the coordinators when it
 * ends early. *r is reloaded. SVC_OK; SVC_STALE ("version") when r
 * changed since in->version; SVC_REFUSED ("action") when the move is not
 * allowed now, saying why; SVC_INVALID ("reflection"); or a store
 * status. */
int svc_relationship_change(store *db, const svc_actor *actor, struct svc_rel *r,
                            const struct program_config *cfg, const struct rel_change *in, verr *e);

/* Stores an e-mail of `kind` (a template of domain/mail.c) about
 * relationship r to every member but the actor, with the kind's values;
 * `link` (the relationship's page) is added to them. A store status. */
int svc_relationship_notify(store *db, const svc_actor *actor, const struct svc_rel *r,
                            const char *kind, const struct mail_value *values, size_t n);

/* Records stage `s` for every member participation that has not reached
 * it (only forward: a later stage or an exit stays the status, but one
 * matched again after an early end is matched). A store status. */
int svc_relationship_stage_all(store *db, int64_t id, enum stage s, int64_t now);

#endif
