/* expire_requests.c - the job that moves on self-matching requests whose
 * time ran out: the next mentor is asked (and mailed), or the mentee is
 * told that none could take them on. */
#include "base/limits.h"
#include "base/log.h"
#include "jobs/jobs.h"
#include "service/requests.h"

/* How many due requests one read takes; the job reads again until none
 * is left. */
#define BATCH 100

/* Moves one request on in a transaction of its own. */
static int expire_one(store *db, int64_t id, int64_t now, bool *moved)
{
    int rc = store_begin(db);
    if (rc != STORE_OK)
        return rc;
    if ((rc = svc_request_expire(db, id, now, moved)) == STORE_OK)
        rc = store_commit(db);
    if (rc != STORE_OK)
        store_rollback(db);
    return rc;
}

int job_expire_requests(store *db, int64_t now, size_t *done)
{
    int64_t ids[BATCH];
    size_t n;
    int rc = STORE_OK;
    *done = 0;
    /* A moved request is due again only after its next expiry (later than
     * now), so each round shrinks the set; the bound is a safety net. */
    for (int round = 0; round < LIMIT_PAGE_MAX; round++) {
        if ((rc = store_begin_read(db)) != STORE_OK)
            return rc;
        rc = svc_requests_due(db, now, ids, BATCH, &n);
        if (rc == STORE_OK)
            rc = store_commit(db);
        if (rc != STORE_OK) {
            store_rollback(db);
            return rc;
        }
        int failed = STORE_OK;
        for (size_t i = 0; i < n; i++) {
            bool moved = false;
            if ((rc = expire_one(db, ids[i], now, &moved)) != STORE_OK) {
                log_error("jobs", "expire-requests: request %lld: %s", (long long)ids[i],
                          store_errmsg(db));
                failed = failed ? failed : rc;
            }
            *done += moved;
        }
        if (failed)
            return failed; /* the rest is due at the next run */
        if (n < BATCH)
            break;
    }
    return STORE_OK;
}
