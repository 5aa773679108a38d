/* batch.c - writing many rows: store_batch_*, store_bulk and
 * store_rows_per_statement (see store.h). The argument checks and the
 * state every backend shares are here; the backends do the writing
 * (sqlite.c: multi-row INSERTs prepared once, pg.c: COPY ... FROM STDIN). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/mem.h"
#include "store/backend.h"

struct store_batch {
    store *s;
    void *state; /* the backend's */
    int ncols;
    int rc;         /* the first failure */
    bool abandoned; /* by a rollback: the backend's state is gone */
};

static bool plain_name(const char *s)
{
    if (!s || !*s || strlen(s) > 63)
        return false;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

static int note(store *s, int rc)
{
    if (rc < 0 && s->in_tx)
        s->tx_failed = true;
    return rc;
}

void store_sql_columns(buf *b, const char *const *cols, int n)
{
    buf_puts(b, "(");
    for (int i = 0; i < n; i++) {
        if (i)
            buf_puts(b, ", ");
        buf_puts(b, cols[i]);
    }
    buf_puts(b, ")");
}

int store_batch_begin(store *s, const char *table, const char *const *cols, int ncols,
                      store_batch **out)
{
    *out = NULL;
    if (!s->in_tx)
        return store_fail(s, STORE_ERROR, "store: a batch needs an open transaction");
    if (s->tx_failed)
        return store_fail(s, STORE_ERROR,
                          "store: transaction failed earlier; roll it back first (%s)", s->err);
    /* misuse is refused before anything reaches the database, so it does
     * not spoil the transaction (as store_exec's own checks) */
    if (s->batch)
        return store_fail(s, STORE_ERROR, "store: a batch is open already");
    if (ncols < 1 || ncols > LIMIT_STORE_BATCH_COLUMNS || !plain_name(table))
        return store_fail(s, STORE_ERROR, "store: bad batch table or column count");
    for (int i = 0; i < ncols; i++)
        if (!plain_name(cols[i]))
            return store_fail(s, STORE_ERROR, "store: bad batch column %d", i + 1);
    void *state = NULL;
    int rc = s->ops->batch_begin(s, table, cols, ncols, &state);
    if (rc)
        return note(s, rc);
    store_batch *b = xcalloc(1, sizeof *b);
    b->s = s;
    b->state = state;
    b->ncols = ncols;
    s->batch = b;
    *out = b;
    return STORE_OK;
}

int store_batch_add(store_batch *b, const store_val *vals)
{
    if (!b)
        return STORE_ERROR;
    if (b->abandoned)
        return store_fail(b->s, STORE_ERROR, "store: the batch was rolled back");
    if (b->rc)
        return b->rc;
    b->rc = note(b->s, b->s->ops->batch_add(b->s, b->state, vals, b->ncols));
    return b->rc;
}

static int end(store_batch *b, bool wait)
{
    if (!b)
        return STORE_OK;
    store *s = b->s;
    if (b->abandoned) {
        free(b);
        return store_fail(s, STORE_ERROR, "store: the batch was rolled back");
    }
    int rc = s->ops->batch_end(s, b->state, b->rc == STORE_OK, wait);
    s->batch = NULL;
    if (b->rc)
        rc = b->rc;
    free(b);
    return note(s, rc);
}

int store_batch_end(store_batch *b)
{
    return end(b, true);
}

int store_batch_end_later(store_batch *b)
{
    return end(b, false);
}

void store_batch_abandon(store *s)
{
    store_batch *b = s->batch;
    if (!b)
        return;
    int rc = s->ops->batch_end(s, b->state, false, true);
    (void)rc; /* rolling back anyway */
    b->state = NULL;
    b->abandoned = true;
    s->batch = NULL;
}

int store_bulk(store *s, size_t rows)
{
    if (!s->in_tx)
        return store_fail(s, STORE_ERROR, "store: store_bulk needs an open transaction");
    if (s->bulk || !s->ops->bulk)
        return STORE_OK;
    int rc = s->ops->bulk(s, rows);
    if (rc == STORE_OK)
        s->bulk = true;
    return note(s, rc);
}

int store_reserve_ids(store *s, const char *table, size_t n, int64_t *ids)
{
    if (!s->in_tx)
        return store_fail(s, STORE_ERROR, "store: reserving ids needs an open transaction");
    if (!plain_name(table))
        return store_fail(s, STORE_ERROR, "store: bad table name to reserve ids in");
    if (!n)
        return STORE_OK;
    char sql[256];
    if (s->backend == STORE_SQLITE) {
        snprintf(sql, sizeof sql, "SELECT COALESCE(MAX(id), 0) FROM %s", table);
        int64_t max = 0;
        int rc = store_query_int(s, sql, NULL, 0, &max);
        if (rc < 0)
            return rc;
        for (size_t i = 0; i < n; i++)
            ids[i] = max + 1 + (int64_t)i;
        return STORE_OK;
    }
    /* the sequence named once (OFFSET 0 keeps the planner from pulling
     * it into the row loop): pg_get_serial_sequence per row, a catalog
     * look-up each, cost ten times the nextval calls themselves */
    snprintf(sql, sizeof sql,
             "SELECT nextval(s.seq) FROM (SELECT CAST(pg_get_serial_sequence('%s', 'id') AS "
             "regclass) AS seq OFFSET 0) AS s, generate_series(1, ?1) ORDER BY 1",
             table);
    store_rows *rows;
    int rc = store_query(s, sql, (store_val[]){SV_INT((int64_t)n)}, 1, &rows);
    if (rc != STORE_OK)
        return rc;
    size_t got = 0;
    while (got < n && (rc = store_next(rows)) == 1)
        ids[got++] = store_col_int(rows, 0);
    store_rows_free(rows);
    if (rc < 0)
        return rc;
    if (got != n)
        return note(s, store_fail(s, STORE_ERROR, "store: %zu ids reserved of %zu", got, n));
    return STORE_OK;
}

int store_refresh_after_commit(store *s, const char *table)
{
    if (!s->in_tx)
        return store_fail(s, STORE_ERROR, "store: a refresh needs an open transaction");
    if (!plain_name(table))
        return store_fail(s, STORE_ERROR, "store: bad table name to refresh");
    for (int i = 0; i < s->nrefresh; i++)
        if (strcmp(s->refresh[i], table) == 0)
            return STORE_OK;
    if (s->nrefresh == STORE_REFRESH_TABLES)
        return store_fail(s, STORE_ERROR, "store: more than %d tables to refresh",
                          STORE_REFRESH_TABLES);
    if (!s->nrefresh && s->ops->refresh_prepare) {
        int rc = s->ops->refresh_prepare(s);
        if (rc)
            return note(s, rc);
    }
    memcpy(s->refresh[s->nrefresh++], table, strlen(table) + 1);
    return STORE_OK;
}

void store_bulk_over(store *s, bool committed)
{
    if (s->bulk && s->ops->bulk_end)
        s->ops->bulk_end(s);
    s->bulk = false;
    if (committed && s->ops->refresh) {
        char saved[STORE_ERRMSG_BYTES];
        memcpy(saved, s->err, sizeof saved);
        for (int i = 0; i < s->nrefresh; i++)
            s->ops->refresh(s, s->refresh[i]);
        memcpy(s->err, saved, sizeof saved); /* not the commit's failure */
    }
    s->nrefresh = 0;
}

size_t store_rows_per_statement(const store *s, int per_row, int shared, bool query)
{
    if (per_row < 1)
        per_row = 1;
    int room = LIMIT_STORE_PARAMS;
    if (s->backend == STORE_SQLITE) {
        if (!query)
            return 1;
        room = LIMIT_STORE_SQLITE_QUERY_PARAMS;
    }
    int n = (room - shared) / per_row;
    return n > 0 ? (size_t)n : 1;
}
