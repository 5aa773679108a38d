/* requests.h (service) - self-matching (product.md §5, §9): a mentee's
 * recommendations, mentoring requests to one mentor or a ranked list of up
 * to LIMIT_REQUEST_CHOICES that cascades on decline or expiry, the
 * mentor's answer, and expiry itself (run by the jobs, never by a read).
 *
 * Every function runs in the caller's transaction.
 */
#ifndef TANDEM_SERVICE_REQUESTS_H
#define TANDEM_SERVICE_REQUESTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/program.h"
#include "domain/request.h"
#include "match/rank.h"
#include "service/match_input.h"
#include "service/service.h"

/* A mentoring request. */
struct svc_request {
    int64_t id, program_id;
    int64_t mentee, mentor; /* participations; mentor: the one asked now */
    int current;            /* index of `mentor` in choices */
    int64_t choices[LIMIT_REQUEST_CHOICES];
    size_t nchoices;
    char status[16]; /* pending, accepted, declined, expired, withdrawn */
    char *message;   /* owned */
    json_t *history; /* owned: [{mentor, outcome, at}] */
    int64_t created_at, asked_at, expires_at;
    int64_t responded_at, relationship_id; /* 0 while none */
    /* Names, filled by svc_request_list for the inbox. */
    char mentee_name[LIMIT_NAME_BYTES + 1], mentor_name[LIMIT_NAME_BYTES + 1];
    char choice_names[LIMIT_REQUEST_CHOICES][LIMIT_NAME_BYTES + 1];
    /* The mentee's card, filled by svc_request_list for the mentor asked
     * now and for coordinators (NULL otherwise): so nobody answers blind. */
    struct svc_requester *card; /* owned */
};

/* Who asks: what a mentor reads before answering a request. */
struct svc_requester {
    int64_t participation_id, person_id;
    char *department, *job_title; /* owned; NULL when unset */
    json_t *profile;              /* owned: the mentee's profile (matching answers) */
    json_t *answers;              /* owned: [{question, label, answer}], the mentee's questions */
};
void svc_request_cleanup(struct svc_request *r); /* NULL allowed */

/* Who may ask in the program: the actor's mentee participation into
 * *mentee and the program's configuration into *cfg (the caller releases
 * it). SVC_OK; SVC_FORBIDDEN when the actor is no mentee of it (with the
 * message `not_mentee`) or the program matches by coordinators only; or a
 * store status. */
int svc_request_asker(store *db, const svc_actor *actor, int64_t program_id, const char *not_mentee,
                      int64_t *mentee, struct program_config *cfg, verr *e);

/* Every mentor with a free place ranked for the mentee, scored and
 * explained as the engine scores a proposal (with the engine's input, so
 * mi.mentor_part names each mentor). Release with
 * svc_recommendations_cleanup. SVC_OK; SVC_REFUSED when the mentee cannot
 * ask now, saying why with the field that names what to do: "status"
 * (not approved yet, or left), "training" (to complete first), "wants"
 * (they have the mentors they want); or a store status. */
struct svc_recommendations {
    struct match_input mi;
    match_ranking *rk;
};
int svc_request_recommend(store *db, int64_t program_id, const struct program_config *cfg,
                          int64_t mentee, struct svc_recommendations *out, verr *e);
void svc_recommendations_cleanup(struct svc_recommendations *r); /* NULL allowed */

/* The profile fields of the program's required criteria that the mentee
 * leaves empty (then every mentor scores 0 on them: no pair is allowed)
 * into out[0..*n), borrowed from cfg. A store status. */
int svc_request_missing(store *db, const struct program_config *cfg, int64_t mentee,
                        const char *out[LIMIT_REQUIRED_FIELDS], size_t *n);

/* Creates the mentee's request (svc_request_asker gave mentee and cfg):
 * one pending request at a time (the mentee's own expired one moves on
 * first); every choice a mentor of the program, listed once, with a free
 * place, whom the mentee may be matched with. Asks the first and mails
 * them. SVC_OK with *id; SVC_INVALID or SVC_REFUSED with e naming
 * "mentors" or "mentors[i]"; or a store status. */
int svc_request_create(store *db, const svc_actor *actor, int64_t program_id,
                       const struct program_config *cfg, int64_t mentee,
                       const struct request_new *in, int64_t *id, verr *e);

/* Loads request `id`. SVC_OK, SVC_NOT_FOUND, or a store status. */
int svc_request_get(store *db, int64_t id, struct svc_request *out);

/* Request `id` for an actor who is its mentee (*as_mentee) or the mentor
 * asked now (*as_mentor): SVC_OK; SVC_NOT_FOUND when neither (nobody else
 * learns it exists); or a store status. */
int svc_request_open(store *db, const svc_actor *actor, int64_t id, struct svc_request *out,
                     bool *as_mentee, bool *as_mentor);

/* The answer to request r (opened with svc_request_open): the mentor
 * asked accepts (the relationship is made, svc_relationship_create) or
 * declines (the request moves to the next choice, or ends) before it
 * expires; the mentee withdraws it. `message` goes to the mentee with an
 * acceptance and into the history with a decline. *r is reloaded.
 * SVC_OK; SVC_FORBIDDEN or SVC_REFUSED with e naming "action"; or a store
 * status. */
int svc_request_answer(store *db, const svc_actor *actor, struct svc_request *r,
                       enum request_action action, const char *message, verr *e);

/* The program's requests the actor may see, newest first (at most
 * LIMIT_REQUESTS_LISTED): all of them when `all`; else the mentee's own, and for
 * a mentor the ones that reached them (asked now, or asked before and
 * answered), not those still waiting for an earlier choice. With names,
 * and the mentee's card on the pending ones the actor is to answer (all of
 * them for coordinators).
 * *out (free each with svc_request_cleanup, then the array). A store
 * status. */
int svc_request_list(store *db, const svc_actor *actor, int64_t program_id, bool all,
                     struct svc_request **out, size_t *n);
void svc_request_list_free(struct svc_request *items, size_t n); /* NULL allowed */

/* Expiry, for the jobs: the ids of pending requests whose time ran out at
 * `now` (at most max, oldest first), and moving one on - to its next
 * choice, asked at `now`, or to its end when none is left - when it is
 * still pending and due (*moved tells). Store statuses. */
int svc_requests_due(store *db, int64_t now, int64_t *ids, size_t max, size_t *n);
int svc_request_expire(store *db, int64_t id, int64_t now, bool *moved);

#endif
