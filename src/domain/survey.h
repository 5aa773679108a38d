/* survey.h - surveys (product.md §2, §7): the kinds of question, a
 * survey's definition checked field by field, one person's answers
 * checked against it, the figures of the results (counts, means, NPS)
 * and what results may show under the anonymity threshold, and when a
 * trigger opens a survey's next round. Pure: no I/O.
 *
 * A survey is asked in rounds: one manual sending to its audience, or one
 * time it opens for a relationship (a check-in every M days, the
 * mid-point, closure, a meeting held) or for a participation (training
 * completed). Each person asked answers a round once.
 */
#ifndef TANDEM_DOMAIN_SURVEY_H
#define TANDEM_DOMAIN_SURVEY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/validate.h"

enum survey_kind { SURVEY_LIKERT, SURVEY_NPS, SURVEY_SINGLE, SURVEY_MULTI, SURVEY_TEXT };
enum survey_audience { SURVEY_TO_BOTH, SURVEY_TO_MENTORS, SURVEY_TO_MENTEES };
enum survey_on {
    SURVEY_ON_MANUAL,
    SURVEY_ON_TRAINING,
    SURVEY_ON_START,
    SURVEY_ON_MIDPOINT,
    SURVEY_ON_CLOSURE,
    SURVEY_ON_MEETING,
};
enum survey_status { SURVEY_DRAFT, SURVEY_ACTIVE, SURVEY_CLOSED };
enum survey_purpose { SURVEY_FEEDBACK, SURVEY_PAIRING_FIT };

/* The names, in enum order, NULL-terminated. */
extern const char *const survey_kinds[];     /* likert, nps, single, multi, text */
extern const char *const survey_audiences[]; /* both, mentors, mentees */
extern const char *const survey_triggers[];  /* manual, training_completed, relationship_started,
                                                midpoint, closure, meeting_held */
extern const char *const survey_statuses[];  /* draft, active, closed */
extern const char *const survey_purposes[];  /* feedback, pairing_fit */

/* The pairing-fit question every pairing_fit survey asks, and its answers. */
#define SURVEY_FIT_QUESTION "good_match"
extern const char *const survey_fit_options[]; /* "Yes", "Not sure", "No", NULL */

/* The index of name in a NULL-terminated list, or -1. */
int survey_name_index(const char *const *names, const char *name);

/* A survey's definition, typed. `doc` is the normalised document
 * {title, intro, anonymous, audience, purpose, status, questions:
 * [{id, kind, label, options, required}], trigger: {on, after_days,
 * every_days, times}}; the fields are read from it (questions borrowed,
 * valid while the struct lives). */
struct survey_def {
    json_t *doc; /* owned */
    const char *title, *intro;
    bool anonymous;
    enum survey_audience audience;
    enum survey_purpose purpose;
    enum survey_status status;
    struct {
        enum survey_on on;
        int after_days, every_days, times; /* times 0: no limit */
    } trigger;
    const json_t *questions;
    size_t nquestions;
};

/* Checks a survey given as `in` (members title, intro, anonymous,
 * audience, purpose, status, questions, trigger; unknown ones refused)
 * over `base` (a definition whose members are kept where `in` lacks
 * them, for PATCH; may be NULL) and fills *out with the normalised
 * definition. Every bad field is named (e.g. "questions[2].options",
 * "trigger.every_days"). Rules: a title; 1..LIMIT_SURVEY_QUESTIONS
 * questions with unique ids (a-z, 0-9, _; "q1", "q2" ... when none is
 * given); choice questions have 2..LIMIT_SURVEY_OPTIONS distinct options,
 * the others none; an anonymous survey asks no free text (a written
 * answer can be recognised); only relationship_started repeats
 * (every_days) and only it and meeting_held count rounds (times); a
 * manual survey opens when sent (after_days 0); relationship_started
 * defaults to 30 days, then every 60. A pairing_fit survey is not
 * anonymous, follows a relationship (meeting_held, relationship_started
 * or midpoint) and asks SURVEY_FIT_QUESTION as a required single choice
 * of survey_fit_options. Returns 0, or -1 with e filled (*out empty). */
int survey_def_normalize(const json_t *in, const struct survey_def *base, struct survey_def *out,
                         verr *e);

/* Fills *out from a normalised document, taking over the caller's
 * reference (released on failure). 0, or -1 when doc is not one. */
int survey_def_read(json_t *doc, struct survey_def *out);
void survey_def_cleanup(struct survey_def *d); /* NULL allowed */

/* Once a survey has responses, what they answered must keep its meaning:
 * the questions, anonymity and purpose no longer change. NULL when
 * `next` keeps them, else the field that may not change ("questions",
 * "anonymous", "purpose"). */
const char *survey_def_frozen_field(const struct survey_def *was, const struct survey_def *next);

/* The question with this id, or NULL. */
const json_t *survey_question(const struct survey_def *d, const char *id);
enum survey_kind survey_question_kind(const json_t *q);

/* true when a member in role ("mentor", "mentee", "peer") is in the
 * audience (peers are asked only when it is "both"). */
bool survey_audience_has(enum survey_audience a, const char *role);

/* Checks answers {"QUESTION_ID": value} against the survey: each key a
 * question of it ("answers.<key>: is not a question of this survey"),
 * each value of its kind - likert a whole number 1-5, nps 0-10, single
 * one of its options, multi a list of distinct options, text a string of
 * at most LIMIT_SURVEY_ANSWER_BYTES - null or "" for none; every required
 * question answered. Names every bad field. Returns 0 with *clean a new
 * object of the answers given (none empty), or -1. */
int survey_answers_check(const struct survey_def *d, const json_t *answers, json_t **clean,
                         verr *e);

/* ---- results ---- */

/* The threshold actually applied: the program's, never below
 * LIMIT_ANONYMITY_THRESHOLD_MIN. */
int survey_threshold(int configured);

/* Whether results may show figures: an anonymous survey, and any survey
 * read by someone who sees aggregates only (a viewer), shows none under
 * the threshold. */
bool survey_suppressed(bool anonymous, bool aggregates_only, int64_t responses, int threshold);

/* The net promoter score of counts[0..10] (how many answered 0 ... 10):
 * % promoters (9-10) minus % detractors (0-6), -100 to 100. false when
 * nobody answered. */
bool survey_nps(const int64_t counts[11], double *nps);

/* One question's figures. */
struct survey_qstat {
    const json_t *q; /* the question, borrowed from the definition */
    enum survey_kind kind;
    int64_t answered;
    int64_t counts[LIMIT_SURVEY_OPTIONS > 11 ? LIMIT_SURVEY_OPTIONS : 11];
    size_t ncounts; /* likert 5 ("1".."5"), nps 11 ("0".."10"), choices: one per option */
    double sum;     /* likert and nps */
};

/* The figures of every question over the responses added. */
struct survey_tally {
    struct survey_qstat *q; /* owned, one per question */
    size_t n;
    int64_t responses;
};
void survey_tally_init(struct survey_tally *t, const struct survey_def *d);
/* Adds one stored response (checked answers; anything else in it is
 * skipped, so an old response never breaks the figures). */
void survey_tally_add(struct survey_tally *t, const json_t *answers);
/* Adds n answers `value` to the rated (likert or nps) question with the
 * id `question`, as n responses holding it would: a question of another
 * kind or none of that id, or a value out of range, adds nothing. It
 * does not count responses (the caller counts them). */
void survey_tally_add_rated(struct survey_tally *t, const char *question, int64_t value, int64_t n);
void survey_tally_cleanup(struct survey_tally *t); /* NULL allowed */
/* The label of count i of a question ("3", "Not sure"); never NULL. */
const char *survey_count_label(const struct survey_qstat *s, size_t i, char buf[8]);
/* The mean of a likert or nps question; false when none answered. */
bool survey_mean(const struct survey_qstat *s, double *mean);

/* ---- when rounds open ---- */

/* A relationship's times, for the triggers that follow one. */
struct survey_rel_times {
    int64_t started_at, planned_end_at;
};

/* The first time a trigger opens for a relationship or an event at
 * `event_at` (a meeting held, closure, training completed), and its round
 * number (1). For a relationship the survey meets only now (`arming_at`,
 * e.g. when the survey is switched on): a series already under way opens
 * its current round at once and goes on from there; a mid-point passed
 * opens at once unless the planned end has passed too (false: none). */
bool survey_first_due(enum survey_on on, int after_days, int every_days, int times,
                      const struct survey_rel_times *rel, int64_t event_at, int64_t arming_at,
                      int64_t *due, int *seq);

/* After round `seq` of a relationship_started series opened late at
 * `now`: the next round's time and number, skipping those already past
 * (a server down for a month asks once, not twice). false when the
 * series is over (every_days 0, or times reached). */
bool survey_next_due(int after_days, int every_days, int times, int64_t started_at, int seq,
                     int64_t now, int64_t *due, int *next_seq);

/* The body of PATCH /surveys/{id}: the changed parts of the definition
 * (survey_def_normalize reads them over the current one) and the
 * `version` they were made against (required, 1..INT64_MAX/2). *changes
 * is a new copy of the body without `version` (NULL on failure), which
 * the caller releases. Returns 0, or -1 naming "version". */
int survey_patch_read(const json_t *body, int64_t *version, json_t **changes, verr *e);

/* The body of POST /surveys/{id}/responses: `answers` (borrowed as given:
 * survey_answers_check judges it; NULL when absent) and `round_id` (the
 * round answered, 1..INT64_MAX/2; 0 when absent), nothing else. Names
 * every bad field. Returns 0 or -1. */
int survey_response_read(const json_t *body, int64_t *round, const json_t **answers, verr *e);

#endif
