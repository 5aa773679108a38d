/* relationship.h - a mentoring relationship's status machine (product.md
 * §6): active <-> paused; closure proposed by one member (closing) and
 * confirmed by the others (completed), or ended early by either party
 * alone; renewal proposed and accepted near the planned end. */
#ifndef TANDEM_DOMAIN_RELATIONSHIP_H
#define TANDEM_DOMAIN_RELATIONSHIP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/participation.h"
#include "domain/validate.h"

/* The actions of PATCH /relationships/{rid}. Closing and renewing are
 * agreed by every member: one proposes, the others confirm (close, renew)
 * or decline it, and who proposed may withdraw it; a coordinator closes
 * or renews at once. Pausing, resuming and ending early take one party. */
enum rel_action {
    REL_PAUSE,
    REL_RESUME,
    REL_CLOSE,
    REL_END_EARLY,
    REL_RENEW,
    REL_DECLINE,
    REL_WITHDRAW
};
#define REL_ACTION_COUNT 7

int rel_action_parse(const char *s); /* enum rel_action, or -1 */
const char *rel_action_name(enum rel_action a);

/* A proposal waiting for the other members' consent. */
enum rel_proposal { REL_PROPOSAL_NONE, REL_PROPOSAL_CLOSE, REL_PROPOSAL_RENEW };
int rel_proposal_parse(const char *s);              /* "close", "renew"; else REL_PROPOSAL_NONE */
const char *rel_proposal_name(enum rel_proposal p); /* "close", "renew", NULL for none */

/* What an action meets: the relationship and the actor's part in it. */
struct rel_situation {
    const char *status; /* active, paused, closing, completed, ended_early */
    int renewals, renewals_allowed;
    enum rel_proposal proposal; /* pending, or REL_PROPOSAL_NONE */
    bool member;                /* the actor is a member; else they coordinate */
    bool proposer;              /* the actor made the pending proposal */
    bool agreed;                /* the actor agreed to it (the proposer has) */
    int others_waiting;         /* members besides the actor yet to agree */
};

/* What an allowed action does. */
enum rel_effect {
    REL_MOVE,      /* the status changes: pause, resume, end early */
    REL_PROPOSE,   /* the actor proposes (and agrees); the others are asked */
    REL_AGREE,     /* the actor agrees; others are still to agree */
    REL_CARRY_OUT, /* close or renew now; a pending proposal is fulfilled */
    REL_DROP,      /* the pending proposal is declined or withdrawn */
};

struct rel_decision {
    enum rel_effect effect;
    enum rel_proposal about; /* what is proposed, agreed, carried out or dropped */
    const char *next;        /* the status afterwards */
};

/* NULL when action `a` may be taken in situation *s, with *out saying
 * what it does; else a static message saying why not. Ending early drops
 * any proposal. The renewal window is the caller's to check
 * (rel_renewal_opens). */
const char *rel_decide(const struct rel_situation *s, enum rel_action a, struct rel_decision *out);

/* When renewal is first offered for a relationship planned to end at
 * `planned_end`: `window_days` days before it. */
int64_t rel_renewal_opens(int64_t planned_end, int window_days);

/* Whether a member completes the program as a relationship of theirs
 * completes: when none of theirs is open any more and no place of theirs
 * is left for matching - `filled` of their `slots` (a mentor's capacity,
 * a mentee's wanted mentors) were taken by relationships that completed
 * (an early end frees its place). In a peer circle, places do not count.
 */
bool rel_member_completes(bool peer, int64_t open, int64_t filled, int64_t slots);

/* Why a participation cannot be matched now, as words for a person
 * ("has not completed training, which this program requires before
 * matching"), into buf; NULL when it can. The rule is
 * participation_eligible() (status, and training where `gate`) and a free
 * place: `taken` of `slots` (a mentor's capacity, counted in mentees; a
 * mentee's wanted mentors) are in open relationships. */
const char *rel_why_not_matchable(enum stage status, bool trained, bool gate, bool mentor,
                                  int64_t slots, int64_t taken, char *buf, size_t len);

/* true while members may still work in a relationship in `status`:
 * active, paused or closing (not completed, not ended early). */
bool rel_status_open(const char *status);

/* The kind of a new relationship: "peer" for a peer circle, "group" for
 * a mentor with several mentees, else "one_to_one". */
const char *rel_kind(bool peer, size_t mentees);

/* true when a new relationship may have `mentees` mentees (or, for a
 * peer circle, members): 1 .. LIMIT_RELATIONSHIP_MEMBERS - 1, a peer
 * circle at least two; else false with why set. */
bool rel_members_check(bool peer, size_t mentees, char *why, size_t whylen);

/* The planned end of a relationship started at `start` lasting `months`
 * (calendar months, same day of month, clamped to the month's end). */
int64_t rel_planned_end(int64_t start, int months);

/* A partner's reflection at the end (what was learned is required).
 * Strings are borrowed from the body they were read from. */
struct rel_reflection {
    const char *learned, *next_steps, *program_feedback;
};

/* Reads a reflection from obj (the body of PUT .../reflection, path "",
 * or PATCH's "reflection" object): the known keys, `learned` required,
 * next_steps and program_feedback ("" when absent), each at most
 * LIMIT_TEXT_BYTES. Stops at the first bad field, named under path in e.
 * Returns 0 or -1. Pure. */
int rel_reflection_read(const json_t *obj, const char *path, struct rel_reflection *out, verr *e);

/* A status move of PATCH /relationships/{rid}. */
struct rel_change {
    enum rel_action action;
    const char *reason;                      /* why it ends; "" for none */
    const struct rel_reflection *reflection; /* the actor's, or NULL */
    int64_t version;                         /* the version the change was made against */
};

/* Reads the body of PATCH /relationships/{rid} into *out: an action among
 * rel_action_parse's, a reason of at most LIMIT_REASON_BYTES ("" when
 * none), the version (required, 1..INT64_MAX/2) and an optional
 * reflection (an object: learned required, next_steps and
 * program_feedback of at most LIMIT_TEXT_BYTES each), read into *refl,
 * which out->reflection then points at (NULL when the body has none).
 * Stops at the first bad field, named in e. Returns 0 or -1. Pure. */
int rel_change_read(const json_t *body, struct rel_change *out, struct rel_reflection *refl,
                    verr *e);

/* A pairing a coordinator makes by hand (POST /programs/{id}/relationships). */
struct rel_new_input {
    int64_t mentor; /* the mentor's participation id; 0 for a peer circle */
    bool peer;      /* the body named "peers" */
    int64_t *ids;   /* the mentees' or peers' participation ids, the body's order */
    size_t n;
};

/* Reads {"mentor": id, "mentees": [id...]} or {"peers": [id...]}: only
 * those keys; mentor required (an integer 1..INT64_MAX/2) unless peers
 * are named; the list (absent: none) an array of at most
 * LIMIT_RELATIONSHIP_MEMBERS - 1 integers. out->ids is the caller's
 * array ids[LIMIT_RELATIONSHIP_MEMBERS]. Whether those people may be
 * paired is the service's. Names every bad field ("mentees[2]").
 * Returns 0 or -1. Pure. */
int rel_new_read(const json_t *body, int64_t *ids, struct rel_new_input *out, verr *e);

#endif
