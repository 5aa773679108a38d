/* digests.c - the job that stores each person's daily digest once the
 * day it covers is over: one mail per person and day listing what was
 * held for it (service/notification.h). A day with nothing held has no
 * row here and gets no mail; a day already sent is not sent again (the
 * notification_digests key). */
#include "jobs/jobs.h"
#include "service/notification.h"

static int due(store *db, int64_t now, struct job_item *out, size_t max, size_t *n)
{
    int64_t pairs[JOBS_SWEEP_BATCH][2];
    int rc = svc_digests_due(db, now, pairs, max < JOBS_SWEEP_BATCH ? max : JOBS_SWEEP_BATCH, n);
    for (size_t i = 0; rc == STORE_OK && i < *n; i++)
        out[i] = (struct job_item){pairs[i][0], pairs[i][1]};
    return rc;
}

static int one(store *db, const struct job_item *item, int64_t now, bool *did)
{
    return svc_digest_send(db, item->a, item->b, now, did);
}

int job_digests(store *db, int64_t now, size_t *done)
{
    static const struct job_sweep sweep = {"digests", "person", due, one};
    return jobs_sweep(db, now, &sweep, done);
}
