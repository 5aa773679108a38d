/* report.h - a report as typed tables, and its two encodings: JSON (the
 * API's and the CLI's) and RFC 4180 CSV (one table, one header row,
 * numbers unformatted). Both are written from the same struct, so they
 * always agree. Pure (docs/internals/reports.md).
 *
 *     struct report r;
 *     report_init(&r, "phases", program_id);
 *     struct report_table *t = report_table(&r, "phases", "Relationships by phase",
 *                                           "phase:i,name:s,relationships:i,median_days:n");
 *     report_int(t, 0); report_text(t, "Building"); report_int(t, 4); report_null(t);
 *     ...
 *     json_t *j = report_json(&r);  report_csv(t, &b);
 *     report_cleanup(&r);
 */
#ifndef TANDEM_DOMAIN_REPORT_H
#define TANDEM_DOMAIN_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/pool.h"
#include "base/vec.h"

/* A column holds integers ('i'), numbers ('n': integers or reals) or
 * text ('s'); any cell may be null (nothing to count from). */
enum report_cell_kind { REPORT_NULL, REPORT_INT, REPORT_REAL, REPORT_TEXT };

struct report_cell {
    enum report_cell_kind kind;
    int64_t i;
    double r;
    const char *s; /* the report's pool */
};

struct report_table {
    const char *name, *title;
    size_t ncols;
    const char *cols[LIMIT_REPORT_COLUMNS];
    char types[LIMIT_REPORT_COLUMNS]; /* 'i', 'n' or 's' */
    VEC(struct report_cell) cells;    /* row by row; rows = cells.len / ncols */
    pool *pool;                       /* the report's */
};

struct report {
    const char *name;
    int64_t program_id;    /* 0: no program */
    char from[11], to[11]; /* the period "YYYY-MM-DD", "" when open */
    struct report_table tables[LIMIT_REPORT_TABLES];
    size_t ntables;
    pool pool;
};

/* Starts an empty report (name static). Cannot fail. */
void report_init(struct report *r, const char *name, int64_t program_id);

/* Frees what the report holds; r may be NULL. */
void report_cleanup(struct report *r);

/* Adds a table named `name` (static strings) with the columns `spec`
 * ("name:t,name:t", t one of i n s; at most LIMIT_REPORT_COLUMNS) and
 * returns it, valid while r lives. Aborts on a bad spec or too many tables:
 * both are the program's own mistakes. */
struct report_table *report_table(struct report *r, const char *name, const char *title,
                                  const char *spec);

/* The table named `name`, or NULL. */
struct report_table *report_find(struct report *r, const char *name);

/* Appends the next cell, row by row (text is copied). */
void report_int(struct report_table *t, int64_t v);
void report_real(struct report_table *t, double v);
void report_text(struct report_table *t, const char *s);
void report_null(struct report_table *t);

/* Rows in t. */
size_t report_rows(const struct report_table *t);

/* The cell of row `row`, column `col`. */
const struct report_cell *report_cell_at(const struct report_table *t, size_t row, size_t col);

/* The report as JSON (docs/openapi.json: Report), a new reference. */
json_t *report_json(const struct report *r);

/* Table t as CSV into b: the header row, then a row per row, CRLF after
 * each; integers as integers, reals in the shortest form that reads back
 * the same, null as an empty field, text quoted when it must be.
 * Returns 0, or -1 when b's cap was reached (b then holds part of it). */
int report_csv(const struct report_table *t, buf *b);

#endif
