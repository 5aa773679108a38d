/* program.h - a program's configuration (product.md §3; the document is
 * described field by field in docs/program-config.md).
 *
 * The module is three files: program.c validates and normalises a
 * configuration, program_read.c is its typed view and the questions asked
 * of it, program_templates.c holds the phase models of the seeds.
 */
#ifndef TANDEM_DOMAIN_PROGRAM_H
#define TANDEM_DOMAIN_PROGRAM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/validate.h"

/* The configuration sections, in the order the setup wizard shows them. */
extern const char *const program_config_keys[]; /* NULL-terminated */
extern const char *const program_statuses[];    /* NULL-terminated */

/* The defaults the normaliser fills in, and the reader of an older
 * document assumes. */
enum {
    PROGRAM_DEFAULT_CAPACITY = 2,
    PROGRAM_DEFAULT_WANTS = 1,
    PROGRAM_DEFAULT_MAX_MENTORS = 1,
    PROGRAM_DEFAULT_REQUEST_EXPIRY_DAYS = 7,
    PROGRAM_DEFAULT_FREQUENCY = 2,
    PROGRAM_DEFAULT_LENGTH_MINUTES = 60,
    PROGRAM_DEFAULT_GOALS = 3,
    PROGRAM_DEFAULT_GOAL_DUE_DAYS = 30,
    PROGRAM_DEFAULT_DURATION_MONTHS = 12,
    PROGRAM_DEFAULT_RENEWALS = 1,
    PROGRAM_DEFAULT_RENEWAL_WINDOW_DAYS = 30,
    PROGRAM_DEFAULT_QUESTIONNAIRE_SCALE = 5,
    PROGRAM_DEFAULT_ANONYMITY_THRESHOLD = 5,
    PROGRAM_DEFAULT_HEALTH_CHECK_DAYS = 30,
};

/* The reminder rules of the `reminders` section (domain/reminder.h), in
 * the order the settings page shows them. */
enum program_remind {
    PROGRAM_REMIND_AGREEMENT, /* agreement_unsigned: days after the start (or a new version) */
    PROGRAM_REMIND_NO_GOALS,  /* no_goals: days after the start */
    PROGRAM_REMIND_MEETING,   /* meeting_soon: hours before a scheduled meeting */
    PROGRAM_REMIND_NO_MEETING, /* no_meeting: the guideline interval (meetings.frequency_per_month) */
    PROGRAM_REMIND_REQUEST,    /* request_pending: days a request waits on its mentor */
    PROGRAM_REMIND_SURVEY,     /* survey_unanswered: days after a person was asked */
    PROGRAM_REMIND_PHASE,      /* phase_overdue: the phase's own timeframe_days */
    PROGRAM_REMIND_INACTIVE,   /* inactive: days without activity (off by default) */
    PROGRAM_REMIND_COUNT
};

/* A rule's name in the document, the unit of its N ("days", "hours"; NULL
 * when the program's other settings give the time), and its defaults. */
struct program_remind_spec {
    const char *name, *unit;
    bool enabled;
    int n;
};
extern const struct program_remind_spec program_remind_specs[PROGRAM_REMIND_COUNT];

struct program_remind_rule {
    bool enabled;
    int n; /* days or hours, per its spec's unit; 0 when it has none */
};

enum program_access { PROGRAM_APPROVAL, PROGRAM_OPEN, PROGRAM_INVITE_ONLY };
enum program_mode { PROGRAM_MATCH_ADMIN, PROGRAM_MATCH_SELF, PROGRAM_MATCH_HYBRID };
enum program_rel_type { PROGRAM_ONE_TO_ONE, PROGRAM_GROUP, PROGRAM_PEER };

/* ---- measurable objectives (issue 13) ----
 * An objective measures something the reports compute: an outcome kind's
 * yes-rate among the program's matched participants ("outcome:KIND",
 * in %), or one of the program's own measures (program_measures: shares
 * in %, the NPS -100..100, the mean rating 1..5). "" tracks nothing (it is
 * shown, never measured). */
#define PROGRAM_MEASURES_TEXT                                                                      \
    "match_rate, share_active, share_meeting_guideline, goal_completion, nps, mean_rating"
extern const char *const program_measures[]; /* NULL-terminated, as in PROGRAM_MEASURES_TEXT */

/* true when `tracks` is "outcome:KIND" (KIND lower-case letters, digits
 * and _, as an outcome record's) or one of program_measures. */
bool program_tracks_valid(const char *tracks);

struct program_objective {
    const char *name, *unit, *tracks; /* borrowed from the document; tracks "" for none */
    const char *by;                   /* "YYYY-MM-DD" to reach the target by, or NULL */
    bool has_baseline;
    double baseline, target;
};

enum objective_status { OBJECTIVE_NO_DATA, OBJECTIVE_MET, OBJECTIVE_ON_TRACK, OBJECTIVE_BEHIND };
const char *objective_status_name(enum objective_status s); /* "no_data", "met", ... */

/* Where objective o stands with the current value (has_current false:
 * nothing to measure yet -> NO_DATA). The target's side is the baseline's
 * opposite (higher is better without a baseline). MET once the current
 * value reaches the target; else ON_TRACK when it is at least where a
 * straight line from the baseline at `start` (the program's start, Unix
 * seconds; 0 unknown) to the target on `by` puts it at `now`; else BEHIND
 * (also when there is no baseline, start or by to draw that line). */
enum objective_status program_objective_status(const struct program_objective *o, bool has_current,
                                               double current, int64_t start, int64_t now);

/* A program's configuration, typed. `doc` is the normalised JSON document:
 * what the store keeps and the API returns. The fields are what code
 * reads; they are filled once, from the document, by
 * program_config_normalize() or program_config_read(). Lists stay JSON
 * (borrowed from doc, valid while the struct lives). */
struct program_config {
    json_t *doc; /* owned */
    struct {
        enum program_access access;
        bool mentor_voluntary;
        int default_capacity, default_wants;
        const json_t *questions; /* [{id, role, type, label, required, options}] */
        /* What people choose from for a profile field, by field name:
         * {"options": [...], "other": bool} for tags and values,
         * {"questions": [{label, low, high}], "scale": N} for score lists. */
        const json_t *profile_fields;
    } selection;
    struct {
        enum program_mode mode;
        enum program_rel_type relationship_type;
        const char *direction; /* "senior", "peer", "reverse" */
        const char *objective; /* "total", "fair", "stable" (match/match.h parses it) */
        double min_score;
        bool power_differential_rule;
        int max_mentors_per_mentee;
        int request_expiry_days;
        const json_t *criteria; /* [{name, kind, field | mentee_field + mentor_field, ...}] */
    } matching;
    struct {
        bool required_before_matching;
        const json_t *modules; /* [{id, role, title, content_md, questions}] */
    } training;
    struct {
        int frequency_per_month, length_minutes;
        const json_t *modes; /* ["video", "in_person", ...] */
    } meetings;
    struct {
        int count, due_days;
        const json_t *questions;
    } goals;
    struct {
        const char *template_name;
        const json_t *items; /* [{name, key_actions, timeframe_days, resources, exit_criteria}] */
        size_t count;
    } phases;
    struct {
        /* "YYYY-MM-DD" (borrowed from doc), NULL when not set */
        const char *enrolment_opens, *enrolment_closes, *matching_date, *starts, *ends;
    } dates;
    struct {
        int anonymity_threshold; /* no aggregate of fewer responses is shown (>= 3) */
        int health_check_days;   /* how often each party is asked for a health check */
    } surveys;
    struct {
        struct program_remind_rule rule[PROGRAM_REMIND_COUNT]; /* by enum program_remind */
    } reminders;
    struct {
        const char *webhook_url; /* an incoming webhook for coordinator alerts; "" none */
    } alerts;
    struct {
        /* The fields the equity report groups by besides department, job
         * level and location: ["gender", "learning_style", ...] (strings). */
        const json_t *equity_groups;
    } reports;
    int duration_months, renewals;
    int renewal_window_days; /* renewal is offered in the last days before the planned end */
    /* The measurable objectives (objectives.measures[], issue 13). */
    struct {
        struct program_objective items[LIMIT_PROGRAM_LIST_ITEMS];
        size_t count;
    } objectives;
};

/* Validates the configuration sections found in `in` (an object holding
 * any of program_config_keys; other keys are the caller's business) and
 * fills *out with a new, complete configuration with every default filled
 * in. `base` (may be NULL) is an earlier complete configuration document
 * whose sections are kept where `in` does not name them (PATCH). Every
 * section is checked and every bad field named, so one attempt shows all
 * that is wrong (up to LIMIT_FIELD_ERRORS). Returns 0, or -1 with *e
 * naming the fields (*out is then empty). The caller releases *out with
 * program_config_cleanup(). */
int program_config_normalize(const json_t *in, const json_t *base, struct program_config *out,
                             verr *e);

/* Fills *out from a stored, normalised document, taking over the caller's
 * reference to doc (released here on failure). Anything a document of an
 * older version lacks reads as the normaliser's default. Returns 0, or -1
 * when doc is not an object. */
int program_config_read(json_t *doc, struct program_config *out);

/* Releases the document; the struct is empty afterwards. NULL allowed. */
void program_config_cleanup(struct program_config *cfg);

/* Why url cannot be a program's incoming webhook (NULL when it can, or
 * when it is empty: none). https://, or http:// only to the loopback
 * (127.0.0.1, localhost, [::1]); no user or password, no spaces. */
const char *program_webhook_problem(const char *url);

/* The wants rule, the one place it is written: a mentee asks for 1 ..
 * max_mentors_per_mentee mentors, whoever sets it (the mentee applying or
 * changing it, a coordinator by hand or by CSV import); the matching
 * engine never sees more. One who names no number wants the program's
 * default, never more than the program's maximum. */
int program_wants_max(const struct program_config *cfg);
int program_wants_default(const struct program_config *cfg);

/* true when the role ("mentor", "mentee", ...) has a training module to
 * complete in this program (a module for the role or for both). */
bool program_role_has_training(const struct program_config *cfg, const char *role);

/* The phase at index i (a JSON object borrowed from doc), or NULL. */
const json_t *program_phase(const struct program_config *cfg, int i);

/* The phase templates: {"zachary": [phase...], "kram": ..., ...}. New
 * reference; the caller owns it. */
json_t *program_phase_templates(void);
/* The phases of template `name` as a new array, or NULL for no such one. */
json_t *program_template_phases(const char *name);

/* Whether people may apply on their own at time `now`: enrolment opens at
 * the start (00:00 UTC) of dates.enrolment_opens and closes at the end of
 * dates.enrolment_closes; a date not set leaves that side open. */
enum program_enrolment {
    PROGRAM_ENROLMENT_OPEN,
    PROGRAM_ENROLMENT_NOT_YET,
    PROGRAM_ENROLMENT_CLOSED,
};
enum program_enrolment program_enrolment_at(const struct program_config *cfg, int64_t now);

/* Why `name` cannot be a group field of the equity report
 * (reports.equity_groups), or NULL when it can: a single-choice or scale
 * enrolment question of `questions` (the program's), the profile's
 * learning_style or time_zone, or the person's job_title. */
const char *program_group_field_problem(const char *name, const json_t *questions);

/* true when name is a profile field a matching criterion may use. */
int program_profile_field_kind(
    const char *name); /* 0 unknown, 1 tags, 2 value, 3 number, 4 vector */

/* The top-level fields of a program's create or PATCH body, beside its
 * configuration: what they were (the defaults on create, the program's on
 * PATCH) in, what the body makes them out; strings borrowed from the body
 * or kept from in. */
struct program_fields {
    const char *name, *description, *status;
    int64_t version; /* the version a PATCH was made against */
};

/* Reads a create (base NULL) or PATCH (base: the stored document) body:
 * only the configuration's sections and name, description, status and
 * version; the name one line of at most LIMIT_NAME_BYTES (required on
 * create), the description at most LIMIT_TEXT_BYTES, the status one of
 * program_statuses, the version required on PATCH (1..INT64_MAX/2); and
 * the configuration normalised over base into *cfg
 * (program_config_normalize). Every check runs, so e names every bad
 * field. Returns 0 (release *cfg with program_config_cleanup), or -1
 * with *cfg empty. Pure. */
int program_body_read(const json_t *body, const json_t *base, struct program_fields *f,
                      struct program_config *cfg, verr *e);

#endif
