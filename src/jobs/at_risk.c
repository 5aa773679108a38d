/* at_risk.c - the job that records at-risk flags (service/risk.h): for
 * each program with open relationships, a flag raised for every new
 * reason and cleared when its reason is gone, so the at-risk report can
 * say how many were flagged and how many recovered. The at-risk list
 * itself is worked out when asked and needs no job. One transaction per
 * program. */
#include <stdlib.h>

#include "base/log.h"
#include "jobs/jobs.h"
#include "service/risk.h"

static int record_one(store *db, int64_t program, int64_t now, size_t *changed)
{
    int rc = store_begin(db);
    if (rc != STORE_OK)
        return rc;
    if ((rc = svc_risk_record(db, program, now, changed)) == STORE_OK)
        rc = store_commit(db);
    if (rc != STORE_OK)
        store_rollback(db);
    return rc;
}

int job_at_risk(store *db, int64_t now, size_t *done)
{
    int64_t *ids = NULL;
    size_t n = 0;
    *done = 0;
    int rc = store_begin_read(db);
    if (rc != STORE_OK)
        return rc;
    rc = svc_risk_programs(db, &ids, &n);
    if (rc == STORE_OK)
        rc = store_commit(db);
    if (rc != STORE_OK) {
        store_rollback(db);
        free(ids);
        return rc;
    }
    int failed = STORE_OK;
    for (size_t i = 0; i < n; i++) {
        size_t changed = 0;
        if ((rc = record_one(db, ids[i], now, &changed)) != STORE_OK) {
            log_error("jobs", "at-risk: program %lld: %s", (long long)ids[i], store_errmsg(db));
            failed = failed ? failed : rc;
        }
        *done += changed;
    }
    free(ids);
    return failed;
}
