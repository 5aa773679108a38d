/* survey_triggers.c - the job that opens the survey rounds whose time
 * came: a check-in every M days, a relationship's mid-point, the
 * surveys after a meeting, at closure and after training (service/
 * survey.h). It reads the due timers from their index, never the
 * relationships themselves. */
#include "base/limits.h"
#include "base/log.h"
#include "jobs/jobs.h"
#include "service/survey.h"

#define BATCH 100

static int fire_one(store *db, int64_t id, int64_t now, bool *opened)
{
    int rc = store_begin(db);
    if (rc != STORE_OK)
        return rc;
    if ((rc = svc_survey_timer_fire(db, id, now, opened)) == STORE_OK)
        rc = store_commit(db);
    if (rc != STORE_OK)
        store_rollback(db);
    return rc;
}

int job_survey_triggers(store *db, int64_t now, size_t *done)
{
    int64_t ids[BATCH];
    size_t n;
    int rc = STORE_OK;
    *done = 0;
    /* A fired timer is dropped or moved past now, so each round shrinks
     * the set; the bound is a safety net. */
    for (int round = 0; round < LIMIT_PAGE_MAX; round++) {
        if ((rc = store_begin_read(db)) != STORE_OK)
            return rc;
        rc = svc_survey_timers_due(db, now, ids, BATCH, &n);
        if (rc == STORE_OK)
            rc = store_commit(db);
        if (rc != STORE_OK) {
            store_rollback(db);
            return rc;
        }
        int failed = STORE_OK;
        for (size_t i = 0; i < n; i++) {
            bool opened = false;
            if ((rc = fire_one(db, ids[i], now, &opened)) != STORE_OK) {
                log_error("jobs", "survey-triggers: timer %lld: %s", (long long)ids[i],
                          store_errmsg(db));
                failed = failed ? failed : rc;
            }
            *done += opened;
        }
        if (failed)
            return failed; /* the rest is due at the next run */
        if (n < BATCH)
            break;
    }
    return STORE_OK;
}
