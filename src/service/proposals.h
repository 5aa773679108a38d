/* proposals.h (service) - admin matching (product.md §5): proposals
 * ("match runs") made by the engine from the program's eligible
 * participants, edited by a coordinator (lock, exclude, add or remove a
 * pair by hand), and published as relationships.
 *
 * Proposals name people: only those who coordinate the program see them.
 * Every function runs in the caller's transaction.
 */
#ifndef TANDEM_SERVICE_PROPOSALS_H
#define TANDEM_SERVICE_PROPOSALS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/proposal.h"
#include "domain/program.h"
#include "service/service.h"

/* What a proposal's edits and publishing need to know of it. */
struct svc_run_head {
    int64_t id, program_id, version;
    char status[16]; /* proposed, published, superseded */
};

/* Opens proposal `id` for an actor who coordinates its program. With
 * `editing`, it must still be proposed. SVC_OK; SVC_NOT_FOUND (absent, or
 * the actor does not coordinate it); SVC_REFUSED when editing one that is
 * published or superseded; or a store status. */
int svc_proposal_open(store *db, const svc_actor *actor, int64_t id, bool editing,
                      struct svc_run_head *out, verr *e);

/* Runs the engine on the program's eligible participants (the match input)
 * with cfg's criteria, objective and minimum score - the caller may have
 * changed the last two for this run - and stores the proposal with its
 * pairs, the engine's report, the unmatched and the hard to match, and its
 * people: those given to the engine, and those approved but left out
 * (not trained, no place free), with why.
 * SVC_OK with *id; SVC_REFUSED when the engine refuses the instance; or a
 * store status. */
int svc_proposal_make(store *db, const svc_actor *actor, int64_t program_id,
                      const struct program_config *cfg, int64_t *id, verr *e);

struct svc_run_pair {
    int64_t mentee, mentor; /* participations */
    char mentee_name[LIMIT_NAME_BYTES + 1], mentor_name[LIMIT_NAME_BYTES + 1];
    double score;
    json_t *explain; /* owned: {criterion: share} */
    bool locked, manual;
};

/* Someone the proposal was made from: given to the engine with the places
 * they had free, or left out with the reason. */
struct svc_run_person {
    int64_t part; /* participation */
    char name[LIMIT_NAME_BYTES + 1];
    bool mentor;
    int64_t slots; /* wants or capacity free when it was made; 0 when left out */
    char *reason;  /* owned: why left out; NULL when given to the engine */
};

/* A proposal with its pairs, best first. */
struct svc_run {
    int64_t id, program_id, created_at, published_at, version; /* published_at 0: not yet */
    char objective[16], status[16];
    json_t *engine_stats, *unmatched, *hard_to_match; /* owned documents: the engine's */
    struct svc_run_pair *pairs;                       /* owned, npairs of them */
    size_t npairs;
    struct svc_run_person *people; /* owned, by side and name; none for older runs */
    size_t npeople;
};
void svc_run_cleanup(struct svc_run *r); /* NULL allowed */

/* A mentee with places left, or a person with places free to add by hand. */
struct svc_run_left {
    int64_t part;
    char name[LIMIT_NAME_BYTES + 1];
    int64_t slots;      /* left unmatched, or free */
    const char *reason; /* borrowed from the run; NULL for a free place */
};

/* The proposal's figures as its pairs stand, hand edits included. */
struct svc_run_figures {
    bool known;  /* the run's people were recorded (runs made before were not) */
    bool edited; /* the pairs are no longer the engine's: added, removed or excluded by hand */
    double engine_total;
    int64_t load_used, load_capacity, mentors_full, mentors_idle;
    struct svc_run_left *unmatched; /* mentees with places left, and why */
    size_t nunmatched;
    struct svc_run_left *mentees_free, *mentors_free; /* who can be added to a pair by hand */
    size_t nmentees_free, nmentors_free;
};

/* Counts the figures of r as it stands (no database): the unmatched
 * mentees (the engine's reason, or "removed from this proposal by hand"),
 * the mentor load, and whether hand edits made it differ from the
 * engine's proposal, whose total score it keeps. For a run made before
 * its people were recorded, the engine's own figures. Release with
 * svc_run_figures_cleanup. */
void svc_proposal_figures(const struct svc_run *r, struct svc_run_figures *out);
void svc_run_figures_cleanup(struct svc_run_figures *f); /* NULL allowed */

/* Loads proposal `id` (the caller has opened it). SVC_OK, SVC_NOT_FOUND,
 * or a store status. */
int svc_proposal_get(store *db, int64_t id, struct svc_run *out);

/* The program's proposals, newest first (at most LIMIT_RUNS_LISTED). */
struct svc_run_summary {
    int64_t id, created_at, pairs;
    char objective[16], status[16];
};
int svc_proposal_list(store *db, int64_t program_id, struct svc_run_summary **out, size_t *n);

/* A coordinator's hand edit of a proposed run (opened for editing). Lock
 * and unlock a pair in it (kept by re-runs); exclude a pair (never
 * proposed again) or include it again; remove a pair; add one, scored and
 * explained as the engine would, within the places the mentor and the
 * mentee had free when it was made, less their pairs in it. A refusal
 * names the person and which condition fails ("Ada has not completed
 * training, ..."). SVC_OK; SVC_INVALID or SVC_REFUSED with e naming
 * "mentee" or "mentor"; or a store status. */
int svc_proposal_edit(store *db, const svc_actor *actor, const struct svc_run_head *run,
                      enum proposal_pair_action action, int64_t mentee, int64_t mentor, verr *e);

/* Publishes a proposal: one relationship per pair (per mentor in a group
 * program), every rule checked again by svc_relationship_create; the
 * program's other proposals are superseded. All or nothing: the caller
 * rolls back on a refusal. *made (caller frees) holds the relationship
 * ids. SVC_OK; SVC_REFUSED when it is published already or a pair breaks
 * a rule; or a store status. */
int svc_proposal_publish(store *db, const svc_actor *actor, const struct svc_run_head *run,
                         int64_t **made, size_t *nmade, verr *e);

#endif
