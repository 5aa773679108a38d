/* jobs.h - work driven by time, not by requests (docs/internals/jobs.md).
 *
 * A job is a row of the table in jobs.c: a name, a line saying what it
 * does, how often it runs, and a run function that does what is due at
 * `now` - idempotent, so running it twice, or after a pause of a day,
 * does no harm and misses nothing. It calls services (never handlers),
 * owns its transactions (one per item, so one bad item does not hold up
 * the rest), and reports how many items it handled.
 *
 * `tandem serve` runs the jobs on a timer in a thread of its own with its
 * own database connection (jobs_runner_*); `tandem jobs` runs them from
 * the command line, once (--once) or on the same timer. No job runs inside
 * a request.
 */
#ifndef TANDEM_JOBS_JOBS_H
#define TANDEM_JOBS_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct job {
    const char *name; /* "expire-requests" */
    const char *what; /* one line, for `tandem jobs --help` and the log */
    int64_t every_s;  /* the runner starts it this often; 0: at every tick (--jobs-every) */
    /* Does what is due at `now`; *done counts the items handled. A store
     * status (the items done before a failure stay done). */
    int (*run)(store *db, int64_t now, size_t *done);
};

/* The table, in the order the jobs run; *n receives its length. */
const struct job *jobs_table(size_t *n);

/* Runs every job once at `now`, in table order, going on after a failed
 * one. `report` (may be NULL) is called after each with its outcome.
 * Returns 0 when all succeeded, else the status of the first failure. */
int jobs_run_all(store *db, int64_t now,
                 void (*report)(const struct job *job, int status, size_t done, void *arg),
                 void *arg);

/* ---- a sweep: what is due, each item in a transaction of its own ---- */

#define JOBS_SWEEP_BATCH 100 /* items one read of the due index takes */

/* One due item: a row id (b unused), or a relationship and a participation. */
struct job_item {
    int64_t a, b;
};

struct job_sweep {
    const char *name; /* the job's name, for the log */
    const char *noun; /* what `a` names in the log ("request") */
    /* Reads up to max due items into out, *n their number; a store status. */
    int (*due)(store *db, int64_t now, struct job_item *out, size_t max, size_t *n);
    /* Handles one item in the caller's transaction; *did when it acted. */
    int (*one)(store *db, const struct job_item *item, int64_t now, bool *did);
};

/* Reads the due items in batches (in a read transaction) and handles each
 * in a write transaction of its own, until fewer than a batch are due;
 * an item that fails is logged and rolled back, the others go on, and the
 * first failure is returned after the batch (the rest waits for the next
 * run). Handling an item must move it out of the due set. *done counts
 * the items acted on. */
int jobs_sweep(store *db, int64_t now, const struct job_sweep *s, size_t *done);

/* ---- the runner of tandem serve and tandem jobs ---- */

struct jobs_runner_config {
    const char *db_url;
    int64_t every_s;  /* the tick: how often the runner looks for due jobs */
    int64_t offset_s; /* added to the clock: --now moves time for testing */
};

typedef struct jobs_runner jobs_runner;

/* Starts the runner thread: it opens its own connection (retrying at the
 * next tick when it cannot), runs the jobs at once and then each tick.
 * The caller blocks the signals it waits for before calling, so the
 * thread never takes them. 0, or -1 when the thread cannot start. */
int jobs_runner_start(const struct jobs_runner_config *cfg, jobs_runner **out);

/* Asks the runner to stop, waits for the job in progress to finish and
 * the thread to end, and frees it. NULL allowed. */
void jobs_runner_stop(jobs_runner *r);

/* True while a runner is being stopped: from jobs_runner_stop until its
 * thread has ended. A job that may run long (the mail queue, a sweep)
 * checks it between items and leaves the rest due for the next start, so
 * stopping the server waits for one item at most, not for the queue. */
bool jobs_stopping(void);

/* ---- the jobs (one file each) ---- */

/* jobs/expire_requests.c: self-matching requests whose days ran out move
 * on to their next choice, or end (service/requests.h). */
int job_expire_requests(store *db, int64_t now, size_t *done);

/* jobs/survey_triggers.c: the survey rounds whose time came open, and
 * the people asked are mailed (service/survey.h). */
int job_survey_triggers(store *db, int64_t now, size_t *done);

/* jobs/health_reminders.c: parties whose health check is due on the
 * program's cadence are reminded, once per due date (service/health.h). */
int job_health_reminders(store *db, int64_t now, size_t *done);

/* jobs/at_risk.c: at-risk flags raised and cleared in the history the
 * at-risk report reads (service/risk.h). */
int job_at_risk(store *db, int64_t now, size_t *done);

/* jobs/reminders.c: the reminders that fell due are sent, once each,
 * if their condition still holds (service/reminder.h). */
int job_reminders(store *db, int64_t now, size_t *done);
/* jobs/digests.c: each person's daily digest of held notification mail,
 * once the day is over, once (service/notification.h). */
int job_digests(store *db, int64_t now, size_t *done);

/* jobs/alerts.c: posts due coordinator alerts to the programs' incoming
 * webhooks, with back-off (service/alert.h). Never inside a request. */
int job_alerts(store *db, int64_t now, size_t *done);

/* jobs/mail.c: delivers the outbox over SMTP (settings in jobs/mail.h);
 * last in the table, so a run delivers the mail the jobs before it
 * stored. Does nothing when no SMTP server is configured. */
int job_mail(store *db, int64_t now, size_t *done);

#endif
