/* survey_triggers.c - the job that opens the survey rounds whose time
 * came: a check-in every M days, a relationship's mid-point, the
 * surveys after a meeting, at closure and after training (service/
 * survey.h). It reads the due timers from their index, never the
 * relationships themselves; a fired timer is dropped or moved past now. */
#include "jobs/jobs.h"
#include "service/survey.h"

static int due(store *db, int64_t now, struct job_item *out, size_t max, size_t *n)
{
    int64_t ids[JOBS_SWEEP_BATCH];
    int rc =
        svc_survey_timers_due(db, now, ids, max < JOBS_SWEEP_BATCH ? max : JOBS_SWEEP_BATCH, n);
    for (size_t i = 0; rc == STORE_OK && i < *n; i++)
        out[i] = (struct job_item){ids[i], 0};
    return rc;
}

static int one(store *db, const struct job_item *item, int64_t now, bool *did)
{
    return svc_survey_timer_fire(db, item->a, now, did);
}

int job_survey_triggers(store *db, int64_t now, size_t *done)
{
    static const struct job_sweep sweep = {"survey-triggers", "timer", due, one};
    return jobs_sweep(db, now, &sweep, done);
}
