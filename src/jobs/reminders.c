/* reminders.c - the job that sends the reminders that fell due
 * (service/reminder.h): it reads the due rows from their index, never
 * the relationships. The re-arming rows (a migration, a changed rule)
 * go first, so what they arm is due in the same run. */
#include "jobs/jobs.h"
#include "service/reminder.h"

static int due_rows(store *db, int64_t now, bool sync, struct job_item *out, size_t max, size_t *n)
{
    int64_t ids[JOBS_SWEEP_BATCH];
    int rc =
        svc_reminders_due(db, now, sync, ids, max < JOBS_SWEEP_BATCH ? max : JOBS_SWEEP_BATCH, n);
    for (size_t i = 0; rc == STORE_OK && i < *n; i++)
        out[i] = (struct job_item){ids[i], 0};
    return rc;
}

static int due_sync(store *db, int64_t now, struct job_item *out, size_t max, size_t *n)
{
    return due_rows(db, now, true, out, max, n);
}

static int due(store *db, int64_t now, struct job_item *out, size_t max, size_t *n)
{
    return due_rows(db, now, false, out, max, n);
}

static int one(store *db, const struct job_item *item, int64_t now, bool *did)
{
    return svc_reminder_fire(db, item->a, now, did);
}

int job_reminders(store *db, int64_t now, size_t *done)
{
    static const struct job_sweep arming = {"reminders", "re-arming", due_sync, one};
    static const struct job_sweep firing = {"reminders", "reminder", due, one};
    size_t armed = 0, fired = 0;
    int rc = jobs_sweep(db, now, &arming, &armed);
    if (rc == STORE_OK)
        rc = jobs_sweep(db, now, &firing, &fired);
    *done = armed + fired;
    return rc;
}
