#include "jobs/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/mem.h"

/* The jobs, in the order they run. A new job is a file of its own with its
 * run function, declared in jobs.h, and a line here. The mail job comes
 * last: a run delivers the mail the jobs before it stored. */
static const struct job table[] = {
    {"expire-requests", "moves self-matching requests whose days ran out on to the next mentor", 0,
     job_expire_requests},
    {"survey-triggers", "opens the survey rounds whose time came and mails the people asked", 0,
     job_survey_triggers},
    {"health-reminders", "reminds each party whose health check is due", 0, job_health_reminders},
    {"at-risk", "records at-risk flags raised and cleared, for the at-risk report", 3600,
     job_at_risk},
    {"reminders", "sends the reminders that fell due (agreement, goals, meetings, requests ...)", 0,
     job_reminders},
    {"digests", "stores each person's daily digest of the day before", 60, job_digests},
    {"alerts", "posts coordinator alerts to the programs' chat webhooks", LIMIT_MAIL_POLL_S,
     job_alerts},
    {"mail", "delivers the outbox over SMTP (with --smtp)", LIMIT_MAIL_POLL_S, job_mail},
};
#define NJOBS (sizeof table / sizeof table[0])

const struct job *jobs_table(size_t *n)
{
    *n = NJOBS;
    return table;
}

static int sweep_one(store *db, const struct job_sweep *s, const struct job_item *item, int64_t now,
                     bool *did)
{
    int rc = store_begin(db);
    if (rc != STORE_OK)
        return rc;
    if ((rc = s->one(db, item, now, did)) == STORE_OK)
        rc = store_commit(db);
    if (rc != STORE_OK)
        store_rollback(db);
    return rc;
}

int jobs_sweep(store *db, int64_t now, const struct job_sweep *s, size_t *done)
{
    struct job_item items[JOBS_SWEEP_BATCH];
    size_t n;
    int rc = STORE_OK;
    *done = 0;
    /* A handled item leaves the due set, so each round shrinks it; the
     * bound is a safety net. */
    for (int round = 0; round < LIMIT_PAGE_MAX; round++) {
        if ((rc = store_begin_read(db)) != STORE_OK)
            return rc;
        rc = s->due(db, now, items, JOBS_SWEEP_BATCH, &n);
        if (rc == STORE_OK)
            rc = store_commit(db);
        if (rc != STORE_OK) {
            store_rollback(db);
            return rc;
        }
        int failed = STORE_OK;
        for (size_t i = 0; i < n && !jobs_stopping(); i++) {
            bool did = false;
            if ((rc = sweep_one(db, s, &items[i], now, &did)) != STORE_OK) {
                log_error("jobs", "%s: %s %lld: %s", s->name, s->noun, (long long)items[i].a,
                          store_errmsg(db));
                failed = failed ? failed : rc;
            }
            *done += did;
        }
        if (failed)
            return failed; /* the rest is due at the next run */
        if (n < JOBS_SWEEP_BATCH || jobs_stopping())
            break;
    }
    return STORE_OK;
}

int jobs_run_all(store *db, int64_t now,
                 void (*report)(const struct job *job, int status, size_t done, void *arg),
                 void *arg)
{
    int first = STORE_OK;
    for (size_t i = 0; i < NJOBS; i++) {
        size_t done = 0;
        int rc = table[i].run(db, now, &done);
        if (rc != STORE_OK && first == STORE_OK)
            first = rc;
        if (report)
            report(&table[i], rc, done, arg);
    }
    return first;
}

/* ---- the runner ---- */

/* Raised by jobs_runner_stop for the job in progress (jobs_stopping),
 * lowered once its thread has ended. */
static atomic_bool stop_asked;

bool jobs_stopping(void)
{
    return atomic_load(&stop_asked);
}

struct jobs_runner {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    bool stop;
    char *db_url;
    int64_t every_s, offset_s;
    double last[NJOBS]; /* when each job last started (clock_mono); 0: never */
};

/* Waits up to s seconds or until asked to stop; true when asked. */
static bool wait_or_stop(jobs_runner *r, double s)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)s;
    until.tv_nsec += (long)((s - (double)(time_t)s) * 1e9);
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&r->mu);
    while (!r->stop && pthread_cond_timedwait(&r->wake, &r->mu, &until) != ETIMEDOUT) {
    }
    bool stop = r->stop;
    pthread_mutex_unlock(&r->mu);
    return stop;
}

static bool stopping(jobs_runner *r)
{
    pthread_mutex_lock(&r->mu);
    bool stop = r->stop;
    pthread_mutex_unlock(&r->mu);
    return stop;
}

/* How often job i runs: its own interval, or the runner's tick. */
static double interval(const jobs_runner *r, size_t i)
{
    return (double)(table[i].every_s ? table[i].every_s : r->every_s);
}

static void *run(void *arg)
{
    jobs_runner *r = arg;
    store *db = NULL;
    double wait = 0;
    do {
        if (!db) {
            char err[256];
            wait = (double)r->every_s;
            if (store_open(r->db_url, &db, err, sizeof err) != STORE_OK) {
                log_error("jobs", "cannot open the database (trying again): %s", err);
                db = NULL;
                continue;
            }
        }
        /* Each job runs when its interval has passed since it last
         * started (on the monotonic clock); the thread then sleeps until
         * the next one is due. */
        wait = (double)r->every_s;
        for (size_t i = 0; i < NJOBS && !stopping(r); i++) {
            double t = clock_mono(), left = r->last[i] + interval(r, i) - t;
            if (r->last[i] > 0 && left > 0) {
                wait = left < wait ? left : wait;
                continue;
            }
            r->last[i] = t;
            wait = interval(r, i) < wait ? interval(r, i) : wait;
            size_t done = 0;
            int rc = table[i].run(db, clock_now() + r->offset_s, &done);
            if (rc != STORE_OK)
                log_error("jobs", "%s failed: %s", table[i].name, store_errmsg(db));
            else if (done)
                log_info("jobs", "%s: %zu done", table[i].name, done);
        }
    } while (!wait_or_stop(r, wait));
    store_free(db);
    return NULL;
}

int jobs_runner_start(const struct jobs_runner_config *cfg, jobs_runner **out)
{
    jobs_runner *r = xcalloc(1, sizeof *r);
    r->db_url = xstrdup(cfg->db_url);
    r->every_s = cfg->every_s > 0 ? cfg->every_s : LIMIT_JOBS_EVERY_S;
    r->offset_s = cfg->offset_s;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->wake, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&r->mu, NULL);
    if (pthread_create(&r->thread, NULL, run, r) != 0) {
        log_error("jobs", "cannot start the jobs thread");
        pthread_cond_destroy(&r->wake);
        pthread_mutex_destroy(&r->mu);
        free(r->db_url);
        free(r);
        *out = NULL;
        return -1;
    }
    *out = r;
    return 0;
}

void jobs_runner_stop(jobs_runner *r)
{
    if (!r)
        return;
    atomic_store(&stop_asked, true);
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    atomic_store(&stop_asked, false);
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->mu);
    free(r->db_url);
    free(r);
}
