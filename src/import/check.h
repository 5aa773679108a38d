/* check.h - the CSV import's rules for a file and its rows, with no
 * database: the columns a file may have, the header, each row's cells,
 * and the problems found, each placed at its line and named by its
 * column. Pure: unit-tested in tests/unit/test_import_check.c.
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
 */
#ifndef TANDEM_IMPORT_CHECK_H
#define TANDEM_IMPORT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/jsonbuf.h"
#include "base/limits.h"
#include "base/pool.h"
#include "base/strmap.h"
#include "base/vec.h"

enum import_col {
    IMPORT_COL_EMAIL,
    IMPORT_COL_NAME,
    IMPORT_COL_ROLE,
    IMPORT_COL_DEPARTMENT,
    IMPORT_COL_JOB_TITLE,
    IMPORT_COL_JOB_LEVEL,
    IMPORT_COL_LOCATION,
    IMPORT_COL_TIME_ZONE,
    IMPORT_COL_MANAGER,
    IMPORT_COL_CAPACITY,
    IMPORT_COL_WANTS,
    IMPORT_COL_LANGUAGES,
    IMPORT_COL_EXPERTISE,
    IMPORT_COL_DEVELOPMENT_NEEDS,
    IMPORT_COL_INTERESTS,
    IMPORT_COL_COMMUNICATION,
    IMPORT_COL_AVAILABILITY,
    IMPORT_COL_LEARNING_STYLE,
    IMPORT_COL_UTC_OFFSET,
    IMPORT_COL_YEARS_EXPERIENCE,
    IMPORT_COL_BIO,
    IMPORT_COL_HEADLINE,
    IMPORT_NCOLS
};

/* The header name of column c ("email", "manager_email", ...). */
const char *import_col_name(enum import_col c);

enum import_role { IMPORT_MENTOR, IMPORT_MENTEE, IMPORT_COORDINATOR, IMPORT_VIEWER, IMPORT_NROLES };

/* "mentor", "mentee", "coordinator" or "viewer". */
const char *import_role_name(enum import_role r);

#define IMPORT_QUOTE_BYTES 60 /* how much of a bad value a message quotes */
#define IMPORT_ATTR_BYTES 200 /* a person attribute (department, job title, location) */
#define IMPORT_MESSAGE_BYTES 512

/* One problem with the file. */
struct import_problem {
    unsigned line, column; /* where it is: physical line, character column from 1 */
    const char *field;     /* the header name it is about, or NULL for the row or file */
    const char *cell;      /* the header name of the column whose cell on this line holds
                              it, or NULL when it is in no cell (the header row, the row
                              as a whole); what a message's place names */
    const char *message;   /* what is wrong, without the place ("'x' is not ...") */
};

/* Problems as found: the first LIMIT_IMPORT_ERRORS kept, all counted. */
struct import_problems {
    VEC(struct import_problem) list;
    size_t count;
};

/* Records a problem (message in printf style, copied into p). field and
 * cell are kept as given: static names (import_col_name) or pooled. */
void import_problem(struct import_problems *ps, pool *p, unsigned line, unsigned column,
                    const char *field, const char *cell, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Sorts the problems kept by line, then column (stable). */
void import_problems_sort(struct import_problems *ps);

/* Frees the list (the texts are the pool's); ps may be NULL. */
void import_problems_cleanup(struct import_problems *ps);

/* Writes where the problem is, as people read it, into out[0..n):
 * `line 5, column "email"`, or `line 5` when it is in no cell. */
void import_where(const struct import_problem *p, char *out, size_t n);

/* Writes s as a message quotes a bad value into out: at most
 * IMPORT_QUOTE_BYTES, cut on a character boundary with "...", control
 * characters (line breaks of a quoted cell) as spaces. Returns out. */
const char *import_quote(char out[IMPORT_QUOTE_BYTES + 4], const char *s);

/* A good row, as the checks read it. Strings are pooled; NULL when the
 * cell is empty (or, for a person attribute shared with the profile, when
 * the profile did not take it). */
struct import_row {
    unsigned line;
    enum import_role role;
    const char *email; /* lower-cased */
    unsigned email_line, email_column;
    const char *name, *department, *job_title, *location, *time_zone;
    const char *manager; /* the manager's e-mail, lower-cased, or NULL */
    unsigned manager_line, manager_column;
    int64_t job_level;       /* -1: not given */
    int64_t capacity, wants; /* 0: not given */
    const char *profile;     /* compact JSON, keys in column order */
    const char *languages;   /* JSON array for people.languages, or NULL */
};

/* The checking state of one file. */
struct import_checker {
    pool *pool;                          /* where strings go (borrowed) */
    struct import_problems *found;       /* where problems go (borrowed) */
    int pos[IMPORT_NCOLS];               /* header position of each column, -1 when absent */
    const char *names[LIMIT_CSV_FIELDS]; /* the column of each header position, or NULL */
    size_t ncols;
    int64_t wants_max; /* the program's max_mentors_per_mentee (LIMIT_IMPORT_WANTS by default) */
    strmap time_zones; /* time zone -> 1 known, 0 unknown: each checked once */
    buf json;          /* scratch for a row's profile as JSON */
    struct jsonbuf_out direct; /* scratch for a profile written from its cells */
    bool tree_only;            /* every profile built and checked as a jansson tree, as rows with a
                       bad profile cell are: the unit suite compares the two texts */
};

void import_checker_init(struct import_checker *c, pool *p, struct import_problems *found);
void import_checker_cleanup(struct import_checker *c); /* c may be NULL */

/* Reads the header from r (the first record, read here). Returns 0, or -1
 * when the file cannot be read on (empty, unreadable, a required column
 * missing, an unknown or repeated column), the problems recorded. */
int import_check_header(struct import_checker *c, csv_reader *r);

/* Checks r's current record (a data row) into *w. Returns true when the
 * row is good. A bad row's problems are recorded and *w is still filled
 * as far as it could be read: its e-mail and role (when valid) find
 * duplicates, its manager (when valid) must exist. */
bool import_check_row(struct import_checker *c, const csv_reader *r, struct import_row *w);

/* Records the reader's failure (csv_next returned -1), naming the column
 * of the cell it is in once the header is known. */
void import_check_csv_error(struct import_checker *c, const csv_reader *r);

#endif
