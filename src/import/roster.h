/* roster.h - the people an import file names, and the rules between its
 * rows: one row per person and role, managers that exist, and managers
 * who do not go round in a circle. Pure (the database's answer, which
 * people exist, is filled in by the caller): unit-tested in
 * tests/unit/test_import_check.c.
 *
 * People are keyed by lower-cased e-mail. A person may have several rows
 * (one per role); their person attributes and manager come from their
 * first good row.
 */
#ifndef TANDEM_IMPORT_ROSTER_H
#define TANDEM_IMPORT_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/pool.h"
#include "base/strmap.h"
#include "base/vec.h"
#include "import/check.h"

#define IMPORT_NONE SIZE_MAX /* no row */

struct import_person {
    const char *email;
    const char *name;             /* as stored, for people in the database; NULL otherwise */
    int64_t id;                   /* 0: not in the database (yet) */
    bool in_file;                 /* some row has this e-mail */
    size_t first_row;             /* the first good row with it, IMPORT_NONE when none */
    unsigned seen[IMPORT_NROLES]; /* the line a role was first seen on, 0 when not */
    size_t row[IMPORT_NROLES];    /* the good row per role, IMPORT_NONE when none */
    int depth; /* new people: managers in the file above them; -1 before import_roster_order */
};

/* A row naming a manager: the cell, to point at when the manager is not
 * found. */
struct import_manager_ref {
    size_t manager; /* index in people */
    unsigned line, column;
};

struct import_roster {
    VEC(struct import_row) rows; /* the good rows, in file order */
    VEC(struct import_person) people;
    VEC(struct import_manager_ref) managers;
    strmap by_email; /* e-mail -> index in people */
};

/* A zeroed roster is empty and ready. */
void import_roster_cleanup(struct import_roster *r); /* r may be NULL */

/* The index of the person with this (lower-cased, pooled) e-mail, added
 * when new. */
size_t import_roster_person(struct import_roster *r, const char *email);

/* The person with this e-mail, or NULL. */
struct import_person *import_roster_find(const struct import_roster *r, const char *email);

/* Takes a checked row (import_check_row; good says whether it passed):
 * a valid manager e-mail is noted, a second row for the same e-mail and
 * role is a problem (naming the first line), and a good row that is no
 * repeat is kept. Returns true when it was kept. */
bool import_roster_add(struct import_roster *r, const struct import_row *w, bool good,
                       struct import_problems *ps, pool *p);

/* After the people in the database are known (their id set): every
 * manager named must be in the database or in the file. Records a
 * problem per row naming someone who is neither. */
void import_roster_check_managers(const struct import_roster *r, struct import_problems *ps,
                                  pool *p);

/* The new person's manager when that is a new person too, else NULL. */
struct import_person *import_roster_new_manager(const struct import_roster *r,
                                                const struct import_person *p);

/* Orders the new people (in the file, not in the database) for writing:
 * each gets a depth, 0 when their manager is nobody or someone in the
 * database, else one more than their manager's, so writing by depth puts
 * every manager in before their reports. People whose managers go round
 * in a circle (A manages B, B manages A) cannot be written: each row of a
 * circle gets a problem at its manager cell naming the rows of the
 * circle. Returns the deepest depth, or -1 when there was a circle. */
int import_roster_order(struct import_roster *r, struct import_problems *ps, pool *p);

#endif
