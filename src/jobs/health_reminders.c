/* health_reminders.c - the job that reminds each party of a relationship
 * when their next health check is due, on the program's cadence
 * (service/health.h): once per due date, read from the due index. */
#include "base/limits.h"
#include "base/log.h"
#include "jobs/jobs.h"
#include "service/health.h"

#define BATCH 100

static int remind_one(store *db, int64_t rel, int64_t part, int64_t now, bool *sent)
{
    int rc = store_begin(db);
    if (rc != STORE_OK)
        return rc;
    if ((rc = svc_health_remind(db, rel, part, now, sent)) == STORE_OK)
        rc = store_commit(db);
    if (rc != STORE_OK)
        store_rollback(db);
    return rc;
}

int job_health_reminders(store *db, int64_t now, size_t *done)
{
    int64_t pairs[BATCH][2];
    size_t n;
    int rc = STORE_OK;
    *done = 0;
    for (int round = 0; round < LIMIT_PAGE_MAX; round++) {
        if ((rc = store_begin_read(db)) != STORE_OK)
            return rc;
        rc = svc_health_reminders_due(db, now, pairs, BATCH, &n);
        if (rc == STORE_OK)
            rc = store_commit(db);
        if (rc != STORE_OK) {
            store_rollback(db);
            return rc;
        }
        int failed = STORE_OK;
        for (size_t i = 0; i < n; i++) {
            bool sent = false;
            if ((rc = remind_one(db, pairs[i][0], pairs[i][1], now, &sent)) != STORE_OK) {
                log_error("jobs", "health-reminders: relationship %lld: %s", (long long)pairs[i][0],
                          store_errmsg(db));
                failed = failed ? failed : rc;
            }
            *done += sent;
        }
        if (failed)
            return failed;
        if (n < BATCH)
            break;
    }
    return STORE_OK;
}
