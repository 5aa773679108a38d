/* importer.h - importing a program's participants from CSV, shared by
 * `POST /api/v1/programs/{id}/imports` and `tandem import`.
 *
 * The file has a header row naming its columns, in any order (names are
 * matched without regard to case and surrounding spaces):
 *
 *   required   email, name, role (mentor | mentee | coordinator | viewer)
 *   person     department, job_title, job_level, location, time_zone,
 *              manager_email
 *   enrolment  capacity (mentors), wants (mentees)
 *   profile    languages, expertise, development_needs, interests,
 *              communication, availability (tag sets: "a; b; c"),
 *              location, department, learning_style, utc_offset,
 *              years_experience, job_level, time_zone, bio, headline
 *
 * A column that is both a person attribute and a profile field (location,
 * department, job_level, time_zone) fills both.
 *
 * Every row is validated first; only when no row is bad, and it is not a
 * dry run, are the changes written, so an import is all or nothing
 * together with the caller's transaction. People are matched by e-mail
 * (lower-cased): an existing person is reused as they are (not renamed,
 * their attributes and manager untouched); a new one is created without a
 * password. A new participation starts `invited` (its stage recorded) with
 * a single-use invitation whose e-mail goes to the outbox. An existing
 * participation (same person and role) gets the row's non-empty profile
 * cells merged into its profile and its capacity/wants set when given:
 * "updated" when that changes something, else "unchanged". Empty cells
 * never clear anything, so importing the same file twice changes nothing.
 */
#ifndef TANDEM_API_IMPORTER_H
#define TANDEM_API_IMPORTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

enum import_status {
    IMPORT_OK = 0,         /* applied, or a clean dry run */
    IMPORT_INVALID = 1,    /* bad rows or a bad file: the report lists them; nothing written */
    IMPORT_NO_PROGRAM = 2, /* no program with that id; no report */
};

struct import_opts {
    int64_t program_id;
    int64_t actor_id;     /* who imports (the invitations' sender); 0 for nobody */
    bool dry_run;         /* validate and count only */
    const char *base_url; /* the server's public URL, for the links in invitations */
    /* Called now and then with the work done out of the total (rows; a
     * real import counts each row twice: checking and writing). May be
     * NULL. */
    void (*progress)(void *arg, size_t done, size_t total);
    void *arg;
};

/* Imports data[0..len) into the program, inside the caller's open
 * transaction (the caller commits on IMPORT_OK and rolls back otherwise).
 *
 * Returns IMPORT_OK or IMPORT_INVALID with *report set to a new object
 * the caller frees:
 *
 *   {"dry_run": bool, "rows": N, "created_people": N,
 *    "created_participants": N, "updated": N, "unchanged": N,
 *    "errors": [{"line": L, "column": C, "field": "email"|null,
 *                "message": "..."}], "error_count": N}
 *
 * The counts say what was done (or, on a dry run or with errors, what
 * would be done for the good rows). errors is in file order and holds at
 * most LIMIT_IMPORT_ERRORS entries; error_count counts them all. line and
 * column are physical positions in the file (column in characters, from
 * 1); field is the header name of the offending column.
 *
 * Returns IMPORT_NO_PROGRAM (*report NULL) when the program does not
 * exist, or a negative store status (*report NULL; store_errmsg says why)
 * when the database failed: the transaction is spoiled then. */
int import_run(store *db, const struct import_opts *o, const char *data, size_t len,
               json_t **report);

#endif
