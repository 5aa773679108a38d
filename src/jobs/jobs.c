#include "jobs/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/mem.h"

/* The jobs, in the order they run. A new job is a file of its own with its
 * run function, declared in jobs.h, and a line here. */
static const struct job table[] = {
    {"expire-requests", "moves self-matching requests whose days ran out on to the next mentor", 0,
     job_expire_requests},
    {"survey-triggers", "opens the survey rounds whose time came and mails the people asked", 0,
     job_survey_triggers},
    {"health-reminders", "reminds each party whose health check is due", 0, job_health_reminders},
    {"at-risk", "records at-risk flags raised and cleared, for the at-risk report", 3600,
     job_at_risk},
};
#define NJOBS (sizeof table / sizeof table[0])

const struct job *jobs_table(size_t *n)
{
    *n = NJOBS;
    return table;
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

struct jobs_runner {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    bool stop;
    char *db_url;
    int64_t every_s, offset_s;
    int64_t last[NJOBS]; /* when each job last started, on the runner's clock */
};

/* Waits up to s seconds or until asked to stop; true when asked. */
static bool wait_or_stop(jobs_runner *r, int64_t s)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)s;
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

static void *run(void *arg)
{
    jobs_runner *r = arg;
    store *db = NULL;
    do {
        if (!db) {
            char err[256];
            if (store_open(r->db_url, &db, err, sizeof err) != STORE_OK) {
                log_error("jobs", "cannot open the database (trying again): %s", err);
                db = NULL;
                continue;
            }
        }
        for (size_t i = 0; i < NJOBS && !stopping(r); i++) {
            int64_t now = clock_now() + r->offset_s;
            if (r->last[i] && now - r->last[i] < table[i].every_s)
                continue;
            r->last[i] = now;
            size_t done = 0;
            int rc = table[i].run(db, now, &done);
            if (rc != STORE_OK)
                log_error("jobs", "%s failed: %s", table[i].name, store_errmsg(db));
            else if (done)
                log_info("jobs", "%s: %zu done", table[i].name, done);
        }
    } while (!wait_or_stop(r, r->every_s));
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
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->mu);
    free(r->db_url);
    free(r);
}
