/* batch.h - statements over many items at once: a look-up by an IN list
 * or an UPDATE ... FROM (VALUES ...), the same SQL on both backends, as
 * many items a statement as store_rows_per_statement() says the backend
 * takes (rows to insert go through store_batch_* instead).
 *
 * Integers that may be absent are bound as numbers with a stand-in for
 * "none" and turned into NULL by NULLIF in the SQL: PostgreSQL prepares a
 * statement per set of parameter types, and a NULL here and a number there
 * would give every batch a new (large) statement to prepare.
 */
#ifndef TANDEM_IMPORT_BATCH_H
#define TANDEM_IMPORT_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

struct import_stmt {
    const char *head, *tuple, *tail; /* "head tuple, tuple, ... tail"; each '#' in tuple
                                        becomes the next parameter after the shared ones */
    int per_row;                     /* '#' marks in tuple */
    const store_val *shared;         /* ?1 .. ?nshared, the same for every tuple */
    int nshared;
    /* Fills the per_row values of item. */
    void (*fill)(void *ctx, size_t item, store_val *vals);
    /* For a query: called on each row of the answer; a store status.
     * NULL for a change. */
    int (*read)(void *ctx, store_rows *rows);
    /* Called after each statement with the items it carried; may be NULL. */
    void (*done)(void *ctx, size_t n);
};

/* Runs st over items[0..n) in as few statements as the backend allows.
 * Returns a store status. */
int import_stmt_run(store *db, const struct import_stmt *st, void *ctx, const size_t *items,
                    size_t n);

#endif
