/* backend.h - what store.c shares with the two backends (private to store/).
 *
 * A backend embeds `struct store` as the first member of its connection
 * and `struct store_rows` as the first member of its row cursor, and fills
 * in a `store_ops` table. store.c checks arguments, tracks the transaction
 * state and dispatches; the backends only talk to their library.
 */
#ifndef TANDEM_STORE_BACKEND_H
#define TANDEM_STORE_BACKEND_H

#include <stdarg.h>

#include "base/buf.h"
#include "store/store.h"

#define STORE_ERRMSG_BYTES 512

struct store_ops {
    /* Runs one transaction-control statement ("BEGIN ...", "COMMIT",
     * "ROLLBACK") with no parameters. */
    int (*control)(store *s, const char *sql);
    int (*exec)(store *s, const char *sql, const store_val *params, int nparams, int64_t *changes);
    int (*query)(store *s, const char *sql, const store_val *params, int nparams, store_rows **out);
    int (*exec_script)(store *s, const char *sql);
    int (*next)(store_rows *r);
    bool (*col_null)(store_rows *r, int col);
    int64_t (*col_int)(store_rows *r, int col);
    double (*col_real)(store_rows *r, int col);
    const char *(*col_text)(store_rows *r, int col);
    void (*rows_free)(store_rows *r);
    void (*close)(store *s);
    /* Batches (store_batch_*, batch.c checks the arguments): begin gets
     * the table and its columns, already checked to be plain names, and
     * fills *state; add writes (or buffers) one row of ncols values; end
     * finishes the rows buffered (when ok, else abandons them) and frees
     * the state. */
    int (*batch_begin)(store *s, const char *table, const char *const *cols, int ncols,
                       void **state);
    int (*batch_add)(store *s, void *state, const store_val *vals, int ncols);
    /* wait false: the backend may leave the result to the next statement,
     * which then returns its failure (PostgreSQL: the COPY's key checks) */
    int (*batch_end)(store *s, void *state, bool ok, bool wait);
    /* Tuning for a transaction writing about `rows` rows (store_bulk), and
     * undoing it when the transaction ends; either may be NULL. */
    int (*bulk)(store *s, size_t rows);
    void (*bulk_end)(store *s);
    /* Refreshes a table's statistics after a commit (store_refresh_after_commit);
     * NULL when the backend needs nothing. Outside a transaction. */
    void (*refresh)(store *s, const char *table);
    /* Prepares the open transaction for a refresh after it (once, at the
     * first store_refresh_after_commit); may be NULL. */
    int (*refresh_prepare)(store *s);
    const char *begin_sql; /* "BEGIN IMMEDIATE" or "BEGIN" */
};

struct store {
    const struct store_ops *ops;
    enum store_backend backend;
    bool in_tx;
    bool tx_failed;                         /* a statement failed inside the transaction */
    struct store_batch *batch;              /* the open batch: no other statement until it ends */
    bool bulk;                              /* store_bulk tuned this transaction: undo at its end */
    char refresh[STORE_REFRESH_TABLES][64]; /* tables to refresh after the commit */
    int nrefresh;
    char err[STORE_ERRMSG_BYTES];
};

struct store_rows {
    store *s;
    int ncols;
};

/* Backend constructors (sqlite.c, pg.c). `target` is the file path or the
 * PostgreSQL URL. On failure *out is NULL and err holds one line. */
int store_sqlite_open(const char *path, store **out, char *err, size_t errlen);
int store_pg_open(const char *url, store **out, char *err, size_t errlen);

/* Records the message of the last failure on s (one line; newlines are
 * folded into spaces) and returns `status` for `return store_fail(...)`. */
int store_fail(store *s, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends "(a, b, c)" for the column names cols[0..n) to b (batch.c). */
void store_sql_columns(buf *b, const char *const *cols, int n);

/* Undoes store_bulk's tuning when the transaction has ended, and after a
 * commit refreshes the tables asked for (batch.c). */
void store_bulk_over(store *s, bool committed);
/* Abandons the open batch, if any, before a rollback (batch.c); the
 * caller's store_batch_end then only frees it. */
void store_batch_abandon(store *s);

/* Rewrites ?N parameters to $N, leaving '...' literals, "..." identifiers
 * and comments alone. Returns a new string (caller frees); *maxparam
 * (may be NULL) receives the highest N seen, 0 for none. */
char *store_sql_dollar(const char *sql, int *maxparam);

/* Replaces the migration tokens {{id}} and {{real}} for backend b.
 * Returns a new string (caller frees). */
char *store_sql_tokens(const char *sql, enum store_backend b);

#endif
