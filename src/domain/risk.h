/* risk.h - when a relationship is at risk, and why (product.md §6,
 * issue 12): pure decisions over what the service read about one
 * relationship. Every reason is listed, each with a code and a sentence
 * for the coordinator; a reason is gone as soon as its cause is.
 *
 *   low_rating          a quality rated 2 or less in a party's latest health check
 *   rating_drop         a party's average fell by 1 or more since their previous check
 *   no_meeting          no meeting held within twice the program's guideline interval
 *                       (since the start when none was)
 *   pairing_fit         a party's latest answer to "is this a good match?" is "No"
 *   agreement_unsigned  the agreement is not signed by everyone N days after the start
 *                       (N: the program's goals.due_days)
 *   no_goals            no goal (other than dropped ones) N days after the start
 *   phase_overdue       the current phase has lasted more than twice its timeframe
 *
 * The reasons of time (no_meeting, the agreement, goals, phase) wait
 * while a relationship is paused; an ended relationship has none.
 */
#ifndef TANDEM_DOMAIN_RISK_H
#define TANDEM_DOMAIN_RISK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/health.h"
#include "domain/validate.h"

enum risk_code {
    RISK_LOW_RATING,
    RISK_RATING_DROP,
    RISK_NO_MEETING,
    RISK_PAIRING_FIT,
    RISK_AGREEMENT_UNSIGNED,
    RISK_NO_GOALS,
    RISK_PHASE_OVERDUE,
    RISK_COUNT
};

#define RISK_LOW_RATING_MAX 2 /* a rating at or below this is low */
#define RISK_DROP_MIN 1.0     /* a fall of the average this large is a drop */

const char *risk_code_name(enum risk_code c); /* "low_rating" ... */
int risk_code_parse(const char *name);        /* enum risk_code, or -1 */

/* One party of the relationship, as its health checks and pairing fit
 * stand. */
struct risk_party {
    char role[16]; /* mentor, mentee, peer */
    char name[LIMIT_NAME_BYTES + 1];
    bool has_last, has_prev;
    int last[HEALTH_QUALITIES], prev[HEALTH_QUALITIES]; /* latest and previous check */
    bool fit_no;                                        /* latest pairing-fit answer is "No" */
    char fit_why[200];                                  /* what they wrote with it */
};

struct risk_input {
    const char *status; /* active, paused, closing, completed, ended_early */
    int64_t started_at, phase_started_at;
    int64_t last_meeting_at; /* start of the latest meeting held; 0 for none */
    const char *phase_name;
    int phase_timeframe_days;
    int meetings_per_month; /* the program's guideline */
    int due_days;           /* the program's goals.due_days */
    bool agreement_signed;  /* every member signed the current version */
    int64_t goals;          /* goals not dropped */
    const struct risk_party *parties;
    size_t nparties;
};

struct risk_reason {
    enum risk_code code;
    char text[400];
};

/* The reasons the relationship is at risk at `now`, in code order, into
 * out[0..return) (at most RISK_COUNT). */
size_t risk_assess(const struct risk_input *in, int64_t now, struct risk_reason out[RISK_COUNT]);

/* The guideline's "twice the interval" in seconds for a frequency per
 * month (a month taken as 30 days). */
int64_t risk_meeting_gap_s(int meetings_per_month);

/* The bodies of a coordinator's actions on a relationship at risk. Each
 * takes only its own keys, borrows its strings from the body and names
 * every bad field; 0 or -1. */

/* POST .../coordinator-notes: `body`, required, not blank, at most
 * LIMIT_RISK_NOTE_BYTES. */
int risk_note_read(const json_t *body, const char **text, verr *e);

/* POST .../nudge: `message`, optional ("" when absent), at most
 * LIMIT_NUDGE_BYTES. */
int risk_nudge_read(const json_t *body, const char **message, verr *e);

/* A follow-up that ends the relationship (agree to a rematch; reassign
 * when with_mentor): `reason` ("" when absent, at most
 * LIMIT_REASON_BYTES), `version` (1..INT64_MAX/2; *version keeps what it
 * held when absent) and, when with_mentor, `mentor` (required, a
 * participation id 1..INT64_MAX/2). */
struct risk_followup {
    const char *reason;
    int64_t version, mentor;
};
int risk_followup_read(const json_t *body, bool with_mentor, struct risk_followup *out, verr *e);

#endif
