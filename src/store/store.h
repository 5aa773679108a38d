/* store.h - the one database interface, with a SQLite and a PostgreSQL
 * backend behind it.
 *
 * A `store` is one connection. It is not thread-safe: each thread opens
 * its own (the HTTP server keeps one per worker thread). SQL is written
 * once for both backends:
 *
 *   - parameters are numbered ?1, ?2, ... (the PostgreSQL backend rewrites
 *     them to $1, $2, ... outside string literals);
 *   - times are BIGINT Unix seconds, booleans are INTEGER 0/1, documents
 *     are TEXT holding JSON;
 *   - INSERT ... RETURNING and ON CONFLICT ... DO UPDATE/NOTHING work on
 *     both; avoid backend-specific functions.
 *
 * Every function returns STORE_OK (0) or a negative store_status, and the
 * message of the last failure is available from store_errmsg(). Ignoring
 * a status is a compile error (STORE_MUST_USE): a failed read taken for
 * "no rows" would let a rule pass unchecked.
 */
#ifndef TANDEM_STORE_STORE_H
#define TANDEM_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_MUST_USE __attribute__((warn_unused_result))

typedef struct store store;
typedef struct store_rows store_rows;

enum store_status {
    STORE_OK = 0,
    STORE_ERROR = -1,    /* anything not listed below */
    STORE_CONFLICT = -2, /* a unique or foreign-key constraint refused the change */
    STORE_BUSY = -3,     /* lock not obtained in time / serialization failure: retry */
    STORE_NEWER = -4,    /* the database schema is newer than this binary */
};

enum store_backend { STORE_SQLITE, STORE_PG };

/* A bound parameter. Build them with the SV_* macros; text is borrowed and
 * must outlive the call. */
enum store_vtype { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT };
typedef struct store_val {
    enum store_vtype type;
    int64_t i;
    double r;
    const char *s;
} store_val;

#define SV_NULL ((store_val){.type = STORE_NULL})
#define SV_INT(x) ((store_val){.type = STORE_INT, .i = (int64_t)(x)})
#define SV_REAL(x) ((store_val){.type = STORE_REAL, .r = (double)(x)})
/* NULL text binds SQL NULL. A function rather than a bare conditional so
 * that a char array argument does not trip -Waddress ("always true"). */
static inline store_val store_text_val(const char *s)
{
    return (store_val){.type = s ? STORE_TEXT : STORE_NULL, .s = s};
}
#define SV_TEXT(x) store_text_val(x)

/* Opens a connection. url: "sqlite:PATH", "postgres://..." or
 * "postgresql://...", or a plain file path (SQLite). SQLite is opened in
 * WAL mode with foreign keys on and a busy timeout. Does not migrate.
 * On failure returns an error status, *out is NULL and err holds a
 * one-line message. */
STORE_MUST_USE int store_open(const char *url, store **out, char *err, size_t errlen);
void store_free(store *s); /* closes; NULL allowed */

/* The file path of a SQLite URL ("sqlite:PATH", "sqlite://PATH" or a
 * plain path), borrowed from url; NULL for a PostgreSQL URL, an unknown
 * scheme or an empty path. */
const char *store_sqlite_path(const char *url);

/* Copies the SQLite database at `path` (in use or not: SQLite's online
 * backup API, a consistent snapshot) into a new file `to`: written as
 * TO.partial beside it, checked (PRAGMA quick_check), synced and renamed
 * onto `to` once complete, so `to` is either absent or a whole database
 * (in rollback-journal mode: one file). A TO.partial left by a killed
 * run is replaced. STORE_OK, or STORE_ERROR with err holding a one-line
 * message (nothing left behind). src/store/backup.c. */
STORE_MUST_USE int store_sqlite_backup(const char *path, const char *to, char *err, size_t errlen);

enum store_backend store_backend_of(const store *s);
const char *store_errmsg(const store *s); /* message of the last failure, never NULL */

/* Transactions. store_begin() takes the write lock at once on SQLite
 * (BEGIN IMMEDIATE) so a transaction never fails to upgrade halfway. */
STORE_MUST_USE int store_begin(store *s);
/* A read transaction: one consistent snapshot for several statements, and
 * on SQLite one lock round instead of one per statement. Writing inside
 * it is not supported (SQLite may refuse the upgrade); commit it first. */
STORE_MUST_USE int store_begin_read(store *s);
STORE_MUST_USE int store_commit(store *s);
void store_rollback(store *s); /* no-op outside a transaction; cannot fail */
bool store_in_tx(const store *s);

/* Runs one statement that returns no rows. *changes (may be NULL)
 * receives the number of rows changed. */
STORE_MUST_USE int store_exec(store *s, const char *sql, const store_val *params, int nparams,
                              int64_t *changes);

/* Runs one statement and returns its rows; the caller frees them with
 * store_rows_free() before the next statement on the same connection. */
STORE_MUST_USE int store_query(store *s, const char *sql, const store_val *params, int nparams,
                               store_rows **out);

/* Advances to the next row: 1 when a row is there, 0 at the end, a
 * negative status on failure. */
STORE_MUST_USE int store_next(store_rows *r);
bool store_col_null(store_rows *r, int col);
int64_t store_col_int(store_rows *r, int col);      /* 0 for NULL */
double store_col_real(store_rows *r, int col);      /* 0 for NULL */
const char *store_col_text(store_rows *r, int col); /* NULL for NULL; valid until store_next */
void store_rows_free(store_rows *r);                /* NULL allowed */

/* Convenience: runs a query expected to return at most one row with one
 * integer column. Returns 1 and sets *out when a row came, 0 when none
 * (*out untouched), or a negative store status. */
STORE_MUST_USE int store_query_int(store *s, const char *sql, const store_val *params, int nparams,
                                   int64_t *out);

/* Convenience: runs a query and reads its first column as integers, in
 * order, into out[0..*n) - at most max of them (the rest are not read:
 * give the query a LIMIT). Returns STORE_OK or a negative store status
 * (*n is then 0). */
STORE_MUST_USE int store_query_ints(store *s, const char *sql, const store_val *params, int nparams,
                                    int64_t *out, size_t max, size_t *n);

/* The same, every row, into a new array (*out, freed by the caller; NULL
 * when no row came or on failure). */
STORE_MUST_USE int store_query_int_list(store *s, const char *sql, const store_val *params,
                                        int nparams, int64_t **out, size_t *n);

/* ---- Writing many rows ----
 *
 * A batch inserts rows into one table inside the open transaction, by the
 * fastest way each backend has: a COPY ... FROM STDIN on PostgreSQL (no
 * statement per row to parse, plan or answer), multi-row INSERTs prepared
 * once on SQLite (rows are kept until a statement's worth is there, so a
 * failure may surface at a later add or at the end; the statement journal
 * such a statement keeps stays in memory). Constraints and
 * foreign keys are checked as for an INSERT; a column not named takes its
 * default. While a batch is open no other statement may run on the
 * connection. A failure spoils the transaction (see store_begin).
 *
 *     store_batch *b;
 *     int rc = store_batch_begin(db, "people", cols, 3, &b);
 *     for (...) if (rc == STORE_OK) rc = store_batch_add(b, vals);
 *     int end = store_batch_end(b);          // always; frees b
 *     if (rc == STORE_OK) rc = end;
 */
typedef struct store_batch store_batch;

/* Starts a batch of rows for table's columns cols[0..ncols) (names of
 * letters, digits and '_' from the code, never from input; at most
 * LIMIT_STORE_BATCH_COLUMNS). Needs an open transaction. On failure *out
 * is NULL. */
STORE_MUST_USE int store_batch_begin(store *s, const char *table, const char *const *cols,
                                     int ncols, store_batch **out);
/* Adds one row: ncols values in the order of the columns (SV_TEXT(NULL)
 * or SV_NULL for NULL). Text is used before the call returns. A failure
 * may only be reported by a later add or by store_batch_end: PostgreSQL
 * checks the rows as they stream in. */
STORE_MUST_USE int store_batch_add(store_batch *b, const store_val *vals);
/* Ends the batch: every row added is in, or the first failure is returned
 * (the transaction is spoiled then). Frees b; NULL gives STORE_OK. */
STORE_MUST_USE int store_batch_end(store_batch *b);
/* Ends the batch as store_batch_end does, except that a failure of its
 * rows may be returned by the next statement or batch instead (and spoils
 * the transaction then): PostgreSQL checks a COPY's foreign keys when it
 * ends, and the caller formats its next rows meanwhile. For a writer that
 * goes on in the same transaction and checks every status; the commit
 * reports any failure not reported before. Frees b; NULL gives STORE_OK. */
STORE_MUST_USE int store_batch_end_later(store_batch *b);

/* Says the open transaction will write about `rows` rows, so the backend
 * can prepare for it: SQLite grows the connection's page cache (about
 * 4 KiB a row, at most LIMIT_STORE_BULK_CACHE) so that pages are not
 * spilled and rewritten again and again; PostgreSQL needs nothing. Undone
 * when the transaction commits or rolls back. */
STORE_MUST_USE int store_bulk(store *s, size_t rows);

/* Reserves n new ids for table's `id` column (a {{id}} primary key) in
 * the open transaction, into ids[0..n), ascending, for rows a batch then
 * inserts with their id given - so nothing has to be read back. SQLite:
 * the n after the largest id (the transaction holds the write lock, so no
 * one else takes them); PostgreSQL: n values of the column's sequence
 * (unique across transactions, perhaps with gaps). On SQLite a row the
 * same transaction inserts without an id before the reserved ones takes
 * the first of them: insert the reserved rows first. */
STORE_MUST_USE int store_reserve_ids(store *s, const char *table, size_t n, int64_t *ids);

/* Asks that once the open transaction commits, table's visibility
 * information be brought up to date. After a bulk write a count over an
 * index (the participant list's total, the funnel) otherwise reads every
 * new row from the table itself until the server's background vacuum
 * passes: PostgreSQL runs VACUUM table after the commit (outside any
 * transaction, as it must; statistics are left to autovacuum), SQLite
 * needs nothing. table: a name from the code (as for a batch), at most
 * STORE_REFRESH_TABLES per transaction. A failure of that step does not
 * undo the commit and is not reported. */
#define STORE_REFRESH_TABLES 4
STORE_MUST_USE int store_refresh_after_commit(store *s, const char *table);

/* How many tuples of per_row parameters, after `shared` parameters used
 * by all of them, one statement should carry on this backend: for a query
 * (a look-up by an IN list) or for a change (a multi-row INSERT, an UPDATE
 * ... FROM (VALUES ...)). PostgreSQL: as many as LIMIT_STORE_PARAMS
 * allows, every statement being a round trip. SQLite: changes one row at a
 * time (a multi-row change keeps a statement journal), queries up to
 * LIMIT_STORE_SQLITE_QUERY_PARAMS parameters (preparing costs time
 * quadratic in the parameters). At least 1. */
size_t store_rows_per_statement(const store *s, int per_row, int shared, bool query);

/* Runs several statements separated by ';' with no parameters (schema). */
STORE_MUST_USE int store_exec_script(store *s, const char *sql);

/* Migrations (store/migrate.c). Applies every embedded migration newer
 * than the database's version, each in its own transaction, under a lock
 * (pg_advisory_lock on PostgreSQL, BEGIN IMMEDIATE on SQLite). Refuses
 * with STORE_NEWER when the database is newer than this binary. */
STORE_MUST_USE int store_migrate(store *s);
/* Reports the database version and the binary's latest version. */
STORE_MUST_USE int store_schema_version(store *s, int *db_version, int *binary_version);

#endif
