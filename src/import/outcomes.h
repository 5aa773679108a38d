/* outcomes.h - importing outcome records from CSV, shared by
 * `POST /api/v1/outcomes/imports` and `tandem import --outcomes`
 * (docs/internals/reports.md).
 *
 * The file has the header `email,date,kind,value` (in any order, names
 * matched without regard to case and surrounding spaces). `email` names a
 * person who exists; `date` is YYYY-MM-DD; `kind` is lower-case letters,
 * digits and `_`; `value` is `1` or `0` for the yes/no kinds (promotion,
 * retention_12m, or any kind whose values are all 1 and 0), a label for
 * bands. A record is one person's kind on one date: importing it again
 * replaces its value ("updated") or changes nothing ("unchanged"). Every
 * row is checked first; only a clean file is written, all or nothing with
 * the caller's transaction.
 */
#ifndef TANDEM_IMPORT_OUTCOMES_H
#define TANDEM_IMPORT_OUTCOMES_H

#include <stdbool.h>
#include <stddef.h>

#include "base/pool.h"
#include "import/check.h"
#include "service/service.h"
#include "store/store.h"

struct outcome_import_report {
    bool dry_run;
    size_t rows; /* data rows read */
    size_t created, updated, unchanged;
    const struct import_problem *errors; /* in file order, at most LIMIT_IMPORT_ERRORS */
    size_t nerrors, error_count;
    /* private */
    pool pool;
    struct import_problems problems;
};

/* Imports data[0..len) for the actor (recorded as the importer) inside the
 * caller's open transaction. SVC_OK (written, or a clean dry run) or
 * SVC_INVALID (bad rows or file: nothing written), *out filled in either
 * case; or a negative store status. Release *out with
 * outcome_import_cleanup() whatever the status. */
int outcome_import_run(store *db, const svc_actor *actor, bool dry_run, const char *data,
                       size_t len, struct outcome_import_report *out);

/* Frees what the report holds; r may be NULL. */
void outcome_import_cleanup(struct outcome_import_report *r);

#endif
