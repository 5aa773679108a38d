/* expire_requests.c - the job that moves on self-matching requests whose
 * time ran out: the next mentor is asked (and mailed), or the mentee is
 * told that none could take them on. A moved request is due again only
 * after its next expiry, later than now. */
#include "jobs/jobs.h"
#include "service/requests.h"

static int due(store *db, int64_t now, struct job_item *out, size_t max, size_t *n)
{
    int64_t ids[JOBS_SWEEP_BATCH];
    int rc = svc_requests_due(db, now, ids, max < JOBS_SWEEP_BATCH ? max : JOBS_SWEEP_BATCH, n);
    for (size_t i = 0; rc == STORE_OK && i < *n; i++)
        out[i] = (struct job_item){ids[i], 0};
    return rc;
}

static int one(store *db, const struct job_item *item, int64_t now, bool *did)
{
    return svc_request_expire(db, item->a, now, did);
}

int job_expire_requests(store *db, int64_t now, size_t *done)
{
    static const struct job_sweep sweep = {"expire-requests", "request", due, one};
    return jobs_sweep(db, now, &sweep, done);
}
