/* import.h - importing a program's participants from CSV, shared by
 * `POST /api/v1/programs/{id}/imports` and `tandem import`
 * (docs/internals/import.md).
 *
 * The columns a file may have and the rules for each cell are
 * import/check.h's. Every row is checked first; only when no row is bad,
 * and it is not a dry run, are the changes written, so an import is all or
 * nothing together with the caller's transaction. People are matched by
 * e-mail (lower-cased): an existing person is reused as they are (not
 * renamed, their attributes and manager untouched); a new one is created
 * without a password, managers before the people they manage (managers
 * who go round in a circle are refused). A new participation starts
 * `invited` (its stage recorded) with a single-use invitation whose e-mail
 * goes to the outbox. An existing participation (same person and role)
 * gets the row's non-empty profile cells merged into its profile and its
 * capacity/wants set when given: "updated" when that changes something,
 * else "unchanged". Empty cells never clear anything, so importing the
 * same file twice changes nothing.
 */
#ifndef TANDEM_IMPORT_IMPORT_H
#define TANDEM_IMPORT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/pool.h"
#include "import/check.h"
#include "service/service.h"
#include "store/store.h"

struct import_opts {
    int64_t program_id;
    bool dry_run;         /* check and count only */
    const char *base_url; /* the links in invitations; NULL: svc_public_url() */
    /* Called now and then with the work done out of the total (checking
     * and writing; in steps of its own). May be NULL. */
    void (*progress)(void *arg, size_t done, size_t total);
    void *arg;
};

/* What an import did, or on a dry run or with problems, what it would do
 * for the good rows. */
struct import_report {
    bool dry_run;
    size_t rows; /* data rows read */
    size_t created_people, created_participants, updated, unchanged;
    /* The problems, in file order (line, then column): at most
     * LIMIT_IMPORT_ERRORS of them; error_count counts them all. */
    const struct import_problem *errors;
    size_t nerrors, error_count;
    /* private: what the texts live in */
    pool pool;
    struct import_problems problems;
};

/* Imports data[0..len) into the program for the actor (the invitations'
 * sender; person_id 0 for nobody), inside the caller's open transaction:
 * the caller commits on SVC_OK and rolls back otherwise.
 *
 * Returns SVC_OK (applied, or a clean dry run) or SVC_INVALID (bad rows
 * or a bad file: nothing was written), with *out filled in either case;
 * SVC_NOT_FOUND when there is no such program; or a negative store status
 * when the database failed (store_errmsg says why; the transaction is
 * spoiled). *out is always initialised: release it with
 * import_report_cleanup(). */
int import_run(store *db, const svc_actor *actor, const struct import_opts *o, const char *data,
               size_t len, struct import_report *out);

/* Frees what the report holds; r may be NULL. */
void import_report_cleanup(struct import_report *r);

#endif
