/* reminder.h - when each reminder is due (issue 11 item 5,
 * docs/internals/reminders.md). Pure: the service reads the facts of a
 * relationship, a request or a survey ask, and these rules say which
 * reminders should be armed, for when, and until when one is still worth
 * sending. The same plan is asked twice: when an event changes the facts
 * (the reminders are re-armed), and when a reminder falls due (it is sent
 * only if it is still in the plan, due, and not stale).
 *
 * Each armed reminder is named by its kind, its subject and an occurrence
 * key; the key changes when the thing it is about changes (a new
 * agreement version, a meeting moved, a meeting held, a new phase), so a
 * reminder fires at most once per occurrence and a new occurrence gets
 * its own.
 */
#ifndef TANDEM_DOMAIN_REMINDER_H
#define TANDEM_DOMAIN_REMINDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/program.h"

enum reminder_kind {
    REMINDER_AGREEMENT,     /* the agreement is not signed: the members who have not signed */
    REMINDER_NO_GOALS,      /* no goal yet: the members */
    REMINDER_MEETING_SOON,  /* a meeting starts within the rule's hours: the members */
    REMINDER_NO_MEETING,    /* no meeting held within the guideline interval: the members */
    REMINDER_NO_MEETING_2X, /* none within twice the interval: the coordinators; at risk */
    REMINDER_REQUEST,       /* a request waits on its mentor: the mentor */
    REMINDER_SURVEY,        /* a survey round not answered: the person asked */
    REMINDER_PHASE,         /* the phase is past its suggested timeframe: the members */
    REMINDER_INACTIVE,      /* nothing happened for N days: the members are warned */
    REMINDER_INACTIVE_2X,   /* nor for N more: the coordinators are asked whether to close it */
    REMINDER_SYNC,          /* not a reminder: re-arm the subject's reminders (a migration,
                               a changed rule) */
    REMINDER_KINDS
};

const char *reminder_kind_name(enum reminder_kind k); /* "agreement_unsigned" ... */
int reminder_kind_parse(const char *name);            /* enum reminder_kind, or -1 */
/* The mail template of a kind ("reminder_agreement" ...); NULL for SYNC. */
const char *reminder_kind_mail(enum reminder_kind k);
/* The rule (enum program_remind) a kind follows; -1 for SYNC. */
int reminder_kind_rule(enum reminder_kind k);

#define REMINDER_OCCURRENCE_BYTES 48
#define REMINDER_PLAN_MAX (9 + LIMIT_REMINDER_MEETINGS)

/* One reminder that should be armed. */
struct reminder_item {
    enum reminder_kind kind;
    char occurrence[REMINDER_OCCURRENCE_BYTES];
    int64_t due_at;
    int64_t stale_at;   /* from then on it is not worth sending (0: never) */
    int64_t meeting_id; /* MEETING_SOON: the meeting */
};

/* A scheduled meeting of the relationship. */
struct reminder_meeting {
    int64_t id, starts_at;
};

/* What the service read about one relationship. */
struct reminder_rel {
    const char *status; /* active, paused, closing, completed, ended_early */
    int64_t started_at;
    int agreement_version;                   /* 0: no agreement written yet */
    int64_t agreement_since;                 /* when the current version was written (0: none) */
    bool agreement_signed;                   /* every member signed the current version */
    int64_t goals;                           /* goals not dropped */
    int64_t last_meeting_at;                 /* start of the latest meeting held; 0: none */
    const struct reminder_meeting *meetings; /* scheduled, not yet begun long ago */
    size_t nmeetings;
    int phase;
    int64_t phase_started_at;
    int phase_timeframe_days; /* 0: the phase suggests none */
    int64_t last_activity_at; /* the latest message, meeting, goal or signature; the start */
};

/* The reminders relationship *r should have armed under cfg's rules, at
 * most REMINDER_PLAN_MAX, into out; returns their number. Only an active
 * relationship has any (a paused one waits, a closing or ended one needs
 * none). `now` decides only whether a scheduled meeting is still ahead. */
size_t reminder_plan_relationship(const struct program_config *cfg, const struct reminder_rel *r,
                                  int64_t now, struct reminder_item out[REMINDER_PLAN_MAX]);

/* A pending request asked its current mentor at asked_at and moves on at
 * expires_at: its reminder (0 or 1 items). */
size_t reminder_plan_request(const struct program_config *cfg, bool pending, int64_t mentor_id,
                             int64_t asked_at, int64_t expires_at, struct reminder_item *out);

/* A person asked in a survey round at asked_at, the round closing at
 * closes_at: the reminder while they have not answered (0 or 1 items). */
size_t reminder_plan_survey(const struct program_config *cfg, bool answered, int64_t asked_at,
                            int64_t closes_at, struct reminder_item *out);

enum reminder_verdict {
    REMINDER_FIRE,  /* send it now */
    REMINDER_LATER, /* still wanted, but due later (*due_at): re-arm it */
    REMINDER_CLEAR, /* its condition is gone (or its rule is off): nothing is sent */
    REMINDER_STALE, /* still true but too late to be of use (a catch-up): dropped */
};
const char *reminder_verdict_name(enum reminder_verdict v); /* "fire" ... */

/* What to do with the armed reminder (kind, occurrence) that fell due, at
 * `now`, given the plan worked out now. *due_at receives the new due
 * time for REMINDER_LATER. */
enum reminder_verdict reminder_judge(const struct reminder_item *plan, size_t n,
                                     enum reminder_kind kind, const char *occurrence, int64_t now,
                                     int64_t *due_at);

/* true when a reminder first armed at `now` would already be due and is
 * of a kind whose moment has passed by then: a meeting scheduled less
 * than the rule's hours ahead (the mail saying it was scheduled does the
 * reminding). Such a reminder is stored as cleared, never sent. */
bool reminder_born_late(const struct reminder_item *it, int64_t now);

#endif
