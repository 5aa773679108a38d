/* reports.h (service) - a program's reports (product.md §8). The funnel's
 * figures are domain/participation.h's; this reads what they count. */
#ifndef TANDEM_SERVICE_REPORTS_H
#define TANDEM_SERVICE_REPORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/participation.h"
#include "domain/program.h"
#include "domain/report.h"
#include "service/service.h"

struct svc_funnel {
    struct funnel stages;       /* who reached each stage (participation_funnel_add) */
    int64_t exits[STAGE_COUNT]; /* how many are declined, withdrawn, ended early now */
};

/* The funnel of program `program_id` for mentors and mentees, or for one
 * role ("mentor", "mentee"; NULL: both). SVC_OK or a store status. */
int svc_report_funnel(store *db, int64_t program_id, const char *role, struct svc_funnel *out);

/* The funnel as one table, "stages": stage, count, conversion_from_previous,
 * conversion_from_first, a row per stage and then per exit (what the CSV and
 * the command line show). */
void svc_report_funnel_table(const struct svc_funnel *f, struct report *r);

/* The period a report covers: from the start of `from` to the end of `to`
 * (dates "YYYY-MM-DD", "" when open), read as UTC days. */
struct svc_period {
    char from[11], to[11];
    int64_t from_t, to_t; /* Unix seconds: the first and the last second in it */
    int64_t now;          /* the clock when the report is made */
    bool aggregates_only; /* who reads it sees aggregates only (a viewer): counts, no lists */
};

/* Checks and sets the period (either date may be NULL or "": open).
 * SVC_OK, or SVC_INVALID with e naming "from" or "to" (not a date, or
 * `to` before `from`); every bad one is named. */
int svc_period_set(struct svc_period *p, const char *from, const char *to, int64_t now, verr *e);

/* The period's first and last days as "YYYY-MM-DD" for comparing with
 * stored dates (outcome records): "0000-00-00" and "9999-99-99" when open. */
void svc_period_days(const struct svc_period *p, char from[11], char to[11]);

/* A subquery of each person's latest outcome record of each kind in
 * period p - columns person_id, kind, value - where ?2 and ?3 are the
 * period's days (svc_period_days). A period open at its end reads the
 * latest records the import keeps (outcome_latest, store/report_rows.h);
 * one that ends reads the records. Static text: never freed. */
const char *svc_outcome_latest_sql(const struct svc_period *p);

/* True when `name` is a report svc_report_run makes. */
bool svc_report_known(const char *name);

/* The names svc_report_run makes, comma-separated, for messages. */
const char *svc_report_names(void);

/* Makes report `name` of program `program_id` for the period into *out
 * (initialised here; release with report_cleanup() whatever the status).
 * Aggregates only: no names, e-mail or free text, so what a coordinator
 * sees a stakeholder may see too. SVC_OK, SVC_NOT_FOUND naming "name" for
 * an unknown report or when there is no such program, or a store status. */
int svc_report_run(store *db, int64_t program_id, const char *name, const struct svc_period *p,
                   struct report *out, verr *e);

/* ---- across programs (service/report_rollup.c) ---- */

/* true when report `name` adds up across programs. */
bool svc_rollup_known(const char *name);
const char *svc_rollup_names(void); /* "funnel, matching, ..." */

/* A program a roll-up covers. */
struct svc_rollup_program {
    int64_t id;
    char name[LIMIT_NAME_BYTES + 1];
    int threshold; /* its surveys.anonymity_threshold */
};

/* The equity report across programs ps[0..n) into r (service/
 * report_equity.c): the built-in fields' groups of every cohort pooled,
 * suppressed under the strictest threshold of them, and a `programs`
 * table of each cohort. SVC_OK or a store status. */
int svc_report_equity_rollup(store *db, const struct svc_rollup_program *ps, size_t n,
                             const struct svc_period *p, struct report *r);

/* Report `name` across the programs whose reports the actor reads (NULL
 * or the system: every program) into *out (report_cleanup() whatever the
 * status); program_id 0. SVC_OK, SVC_NOT_FOUND naming "name" for a report
 * that does not add up, SVC_FORBIDDEN for someone who reads no program's
 * reports, or a store status. */
int svc_report_rollup(store *db, const svc_actor *actor, const char *name,
                      const struct svc_period *p, struct report *out, verr *e);

/* The reports, one module each (service/report_<name>.c); r is initialised
 * by the caller. SVC_OK or a store status. */
int svc_report_matching(store *db, int64_t program_id, const struct program_config *cfg,
                        const struct svc_period *p, struct report *r);
int svc_report_engagement(store *db, int64_t program_id, const struct program_config *cfg,
                          const struct svc_period *p, struct report *r);
int svc_report_phases(store *db, int64_t program_id, const struct program_config *cfg,
                      const struct svc_period *p, struct report *r);
int svc_report_resources(store *db, int64_t program_id, const struct program_config *cfg,
                         const struct svc_period *p, struct report *r);
int svc_report_satisfaction(store *db, int64_t program_id, const struct program_config *cfg,
                            const struct svc_period *p, struct report *r);
int svc_report_equity(store *db, int64_t program_id, const struct program_config *cfg,
                      const struct svc_period *p, struct report *r);
int svc_report_at_risk(store *db, int64_t program_id, const struct program_config *cfg,
                       const struct svc_period *p, struct report *r);
int svc_report_outcomes(store *db, int64_t program_id, const struct program_config *cfg,
                        const struct svc_period *p, struct report *r);

#endif
