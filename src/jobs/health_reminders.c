/* health_reminders.c - the job that reminds each party of a relationship
 * when their next health check is due, on the program's cadence
 * (service/health.h): once per due date, read from the due index. */
#include "jobs/jobs.h"
#include "service/health.h"

static int due(store *db, int64_t now, struct job_item *out, size_t max, size_t *n)
{
    int64_t pairs[JOBS_SWEEP_BATCH][2];
    int rc = svc_health_reminders_due(db, now, pairs,
                                      max < JOBS_SWEEP_BATCH ? max : JOBS_SWEEP_BATCH, n);
    for (size_t i = 0; rc == STORE_OK && i < *n; i++)
        out[i] = (struct job_item){pairs[i][0], pairs[i][1]};
    return rc;
}

static int one(store *db, const struct job_item *item, int64_t now, bool *did)
{
    return svc_health_remind(db, item->a, item->b, now, did);
}

int job_health_reminders(store *db, int64_t now, size_t *done)
{
    static const struct job_sweep sweep = {"health-reminders", "relationship", due, one};
    return jobs_sweep(db, now, &sweep, done);
}
