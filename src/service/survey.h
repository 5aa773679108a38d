/* survey.h (service) - a program's surveys (product.md §2, §7): keeping
 * them, sending them, the rounds their triggers open, answering them, and
 * their results under the anonymity threshold (docs/internals/surveys.md).
 *
 * A round is one time a survey is asked: a manual sending to its
 * audience, or one opening for a relationship (relationship_started
 * every M days, midpoint, closure, meeting_held) or for a participation
 * (training_completed). The events arm a timer (survey_timers) and the
 * survey-triggers job opens the round when it is due, asks the people of
 * the audience (survey_asks) and mails them. Each person answers a round
 * once. An anonymous survey's responses name nobody: no person, round,
 * relationship or role is kept with the answers, so no endpoint can give
 * them back to anyone.
 *
 * Every function runs in the caller's transaction.
 */
#ifndef TANDEM_SERVICE_SURVEY_H
#define TANDEM_SERVICE_SURVEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/survey.h"
#include "service/service.h"

/* How the actor may see a survey. */
enum svc_survey_access {
    SVC_SURVEY_NONE,       /* not at all: 404 */
    SVC_SURVEY_ASKED,      /* a person asked to answer it: its questions, their own answers */
    SVC_SURVEY_AGGREGATES, /* a viewer: the survey and its results, never an answer */
    SVC_SURVEY_MANAGE,     /* the program's coordinators and site admins */
};

struct svc_survey {
    int64_t id, program_id, version, created_by, created_at, updated_at;
    char template_name[32]; /* "" when made from scratch */
    struct survey_def def;  /* owned */
    int64_t rounds, asked, answered, responses;
    enum svc_survey_access access; /* the actor's */
    bool coordinator; /* the actor coordinates the program (individual answers, when allowed) */
};
void svc_survey_cleanup(struct svc_survey *s);         /* NULL allowed */
void svc_surveys_free(struct svc_survey *s, size_t n); /* NULL allowed */

/* The program's surveys, oldest first, as an actor who manages or reads
 * its reports sees them (the caller checked that). *out (svc_surveys_free)
 * receives *n. A store status. */
int svc_survey_list(store *db, const svc_actor *actor, int64_t program_id, struct svc_survey **out,
                    size_t *n);

/* The same for the reports, whoever reads them: every survey of the
 * program as aggregates (access SVC_SURVEY_AGGREGATES). A store status. */
int svc_survey_list_aggregates(store *db, int64_t program_id, struct svc_survey **out, size_t *n);

/* Survey `id` as the actor may see it (out->access). SVC_OK,
 * SVC_NOT_FOUND (absent or not theirs to see), or a store status. */
int svc_survey_get(store *db, const svc_actor *actor, int64_t id, struct svc_survey *out);

/* Adds a survey to the program (the caller checked the actor manages
 * it): `def` normalised by survey_def_normalize, `template_name` the
 * built-in it began as (or NULL). At most LIMIT_SURVEYS_PER_PROGRAM
 * (SVC_REFUSED). An active survey that follows relationships is armed
 * for the program's open ones at once. SVC_OK with *id, or a status. */
int svc_survey_create(store *db, const svc_actor *actor, int64_t program_id,
                      const char *template_name, const struct survey_def *def, int64_t *id,
                      verr *e);

/* Changes survey *s (loaded by svc_survey_get, managed by the actor) to
 * `next`: SVC_STALE ("version") when it changed since `version`; once it
 * has responses its questions, anonymity and purpose stay (SVC_REFUSED
 * naming the field); switching it on arms it, closing it or changing its
 * trigger re-arms or drops its timers. *s is reloaded. */
int svc_survey_update(store *db, const svc_actor *actor, struct svc_survey *s,
                      const struct survey_def *next, int64_t version, verr *e);

/* Sends a manual survey now to its audience (the program's mentors
 * and/or mentees who are approved or further along and have not left):
 * one round, each person asked and mailed; a draft becomes active.
 * SVC_REFUSED ("trigger.on") for a survey its trigger opens, or when it
 * is closed ("status"). *asked counts the people asked. */
int svc_survey_send(store *db, const svc_actor *actor, struct svc_survey *s, int64_t now,
                    int64_t *round_id, int64_t *asked, verr *e);

/* The actor answers survey *s: `round_id` (0: their oldest open round of
 * it) with `answers` ({"QUESTION_ID": value}). SVC_FORBIDDEN when they
 * were never asked (they see the survey otherwise); SVC_INVALID naming
 * the field for a bad answer (survey_answers_check), a round that is not
 * theirs ("round_id") or one already answered ("round_id", or "answers"
 * when none was given); SVC_REFUSED when the round or the survey closed.
 * Changes nothing unless it succeeds. *response_id is 0 for an anonymous
 * survey (its response has no identity to give back). */
int svc_survey_respond(store *db, const svc_actor *actor, const struct svc_survey *s,
                       int64_t round_id, const json_t *answers, int64_t now, int64_t *response_id,
                       verr *e);

/* The results of survey *s over every response so far: the figures of
 * each question, unless suppressed - an anonymous survey, or one read
 * with aggregates only (a viewer), shows none under the program's
 * threshold (survey_suppressed). */
struct svc_survey_results {
    int64_t responses, asked, answered;
    bool suppressed;
    int threshold;
    struct survey_tally tally; /* empty when suppressed */
};
int svc_survey_results(store *db, const struct svc_survey *s, bool aggregates_only,
                       struct svc_survey_results *out);
void svc_survey_results_cleanup(struct svc_survey_results *r); /* NULL allowed */

/* One person's answers. */
struct svc_survey_response {
    int64_t id, round_id, participation_id, relationship_id, submitted_at;
    char name[LIMIT_NAME_BYTES + 1];
    char role[16];
    json_t *answers; /* owned */
};
void svc_survey_responses_free(struct svc_survey_response *r, size_t n); /* NULL allowed */

/* Individual answers, as product.md §9 allows them: a coordinator of the
 * program reads everyone's of a survey that is not anonymous; a person
 * asked reads their own of one that is not; an anonymous survey's are
 * never given (SVC_FORBIDDEN for its coordinators, an empty list for the
 * people who answered: nothing links them to their answers); a viewer,
 * or an admin who does not coordinate the program, never
 * (SVC_FORBIDDEN). A page, newest first, with the total. */
int svc_survey_responses(store *db, const svc_actor *actor, const struct svc_survey *s,
                         int64_t limit, int64_t offset, struct svc_survey_response **out, size_t *n,
                         int64_t *total, verr *e);

/* ---- what is due for me ---- */

struct svc_due_survey {
    int64_t survey_id, round_id, program_id, relationship_id, participation_id;
    int64_t opened_at, closes_at;
    char title[LIMIT_NAME_BYTES + 1];
    char program_name[LIMIT_NAME_BYTES + 1];
    char role[16];
    char with[LIMIT_NAME_BYTES + 1]; /* the other member(s) of the relationship, or "" */
    bool anonymous;
};
/* The rounds the actor was asked and has not answered, still open at
 * `now`, of active surveys, oldest first (at most LIMIT_PAGE_MAX). *out
 * (free) receives *n. A store status. */
int svc_survey_due(store *db, const svc_actor *actor, int64_t now, struct svc_due_survey **out,
                   size_t *n);

/* The rounds of survey *s open for the actor now (to choose one when
 * answering), oldest first, into out[0..*n). A store status. */
int svc_survey_my_rounds(store *db, const svc_actor *actor, const struct svc_survey *s, int64_t now,
                         struct svc_due_survey *out, size_t max, size_t *n);

/* ---- the events that arm triggers, and the job that fires them ---- */

/* A relationship started: the program's active relationship_started and
 * midpoint surveys are armed for it. A store status. */
int svc_survey_on_started(store *db, int64_t rel_id, int64_t now);
/* It ended (completed or early): its closure surveys are armed, the
 * repeating ones dropped. A store status. */
int svc_survey_on_ended(store *db, int64_t rel_id, int64_t now);
/* One of its meetings was held: meeting_held surveys are armed (up to
 * their `times` per relationship). A store status. */
int svc_survey_on_meeting(store *db, int64_t rel_id, int64_t meeting_id, int64_t now);
/* A participation completed its training: training_completed surveys
 * for its role are armed. A store status. */
int svc_survey_on_trained(store *db, int64_t participation_id, int64_t now);

/* The timers due at `now` (survey_timers_due), earliest first, into
 * ids[0..*n). A store status. */
int svc_survey_timers_due(store *db, int64_t now, int64_t *ids, size_t max, size_t *n);

/* Fires timer `id` if it is still due: opens its round (once: a round
 * already opened is not opened again), asks and mails the audience, and
 * re-arms a repeating series or drops the timer. A round of a paused
 * relationship is skipped, one of an ended relationship's series
 * dropped. *opened is true when a round opened. A store status. */
int svc_survey_timer_fire(store *db, int64_t id, int64_t now, bool *opened);

#endif
