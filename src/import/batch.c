/* batch.c - statements over many items (see batch.h). */
#include "import/batch.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/mem.h"

/* Writes "head tuple, tuple, ... tail" for n tuples into b, numbering the
 * '#' marks from nshared + 1. */
static void stmt_sql(buf *b, const struct import_stmt *st, size_t n)
{
    int next = st->nshared + 1;
    buf_reset(b);
    buf_puts(b, st->head);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(b, ", ");
        for (const char *t = st->tuple; *t; t++) {
            if (*t != '#') {
                buf_append(b, t, 1);
                continue;
            }
            char num[16];
            size_t k = sizeof num;
            for (int v = next++; v; v /= 10)
                num[--k] = (char)('0' + v % 10);
            num[--k] = '?';
            buf_append(b, num + k, sizeof num - k);
        }
    }
    buf_puts(b, st->tail);
}

static int run_query(store *db, const struct import_stmt *st, void *ctx, const char *sql,
                     const store_val *vals, int np)
{
    store_rows *rows;
    int rc = store_query(db, sql, vals, np, &rows);
    if (rc != STORE_OK)
        return rc;
    while ((rc = store_next(rows)) == 1)
        if ((rc = st->read(ctx, rows)) != STORE_OK)
            break;
    store_rows_free(rows);
    return rc == 0 ? STORE_OK : rc;
}

int import_stmt_run(store *db, const struct import_stmt *st, void *ctx, const size_t *items,
                    size_t n)
{
    size_t per = store_rows_per_statement(db, st->per_row, st->nshared, st->read != NULL);
    buf full, part;
    buf_init(&full, SIZE_MAX / 2);
    buf_init(&part, SIZE_MAX / 2);
    size_t nvals = (size_t)st->nshared + per * (size_t)st->per_row;
    store_val *vals = xmalloc(sizeof *vals * nvals);
    int rc = STORE_OK;
    for (size_t i = 0; i < n && rc == STORE_OK; i += per) {
        size_t k = n - i < per ? n - i : per;
        const buf *sql = &full;
        if (k == per && !full.len)
            stmt_sql(&full, st, k);
        else if (k != per) {
            stmt_sql(&part, st, k);
            sql = &part;
        }
        if (st->nshared)
            memcpy(vals, st->shared, sizeof *vals * (size_t)st->nshared);
        for (size_t j = 0; j < k; j++)
            st->fill(ctx, items[i + j], vals + st->nshared + j * (size_t)st->per_row);
        int np = st->nshared + (int)k * st->per_row;
        rc = st->read ? run_query(db, st, ctx, sql->data, vals, np)
                      : store_exec(db, sql->data, vals, np, NULL);
        if (st->done)
            st->done(ctx, k);
    }
    free(vals);
    buf_cleanup(&full);
    buf_cleanup(&part);
    return rc;
}
