/* sqlite.c - the SQLite backend.
 *
 * One sqlite3 connection in WAL mode with foreign keys on and a busy
 * timeout. Statements are prepared once per connection and kept in a small
 * cache keyed by their SQL text, so a hot query is only reset and re-bound.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "store/backend.h"

struct cached {
    char *sql;      /* NULL: free slot */
    uintptr_t from; /* the caller's pointer it was last asked for by, as a number */
    uint64_t hash;
    sqlite3_stmt *st;
    uint64_t used; /* tick of the last use, for eviction */
    bool busy;     /* held by a statement in progress */
};

struct sq {
    store base;
    sqlite3 *db;
    int64_t cache_before; /* cache_size before store_bulk grew it; 0: not grown */
    int ncache;
    uint64_t tick;
    struct cached cache[LIMIT_STORE_STMT_CACHE];
};

struct sq_rows {
    store_rows base;
    sqlite3_stmt *st;
    struct cached *slot; /* NULL when st is not cached and is finalized at the end */
    bool pending;        /* a row was stepped to by store_query and not yet seen */
    bool done;
};

static int fail_db(struct sq *q, int rc)
{
    int primary = rc & 0xff;
    int status = STORE_ERROR;
    if (primary == SQLITE_CONSTRAINT)
        status = STORE_CONFLICT;
    else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        status = STORE_BUSY;
    return store_fail(&q->base, status, "sqlite: %s", sqlite3_errmsg(q->db));
}

static uint64_t hash_sql(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return h;
}

/* Prepares exactly one statement; refuses SQL holding more than one. */
static int prepare(struct sq *q, const char *sql, unsigned flags, sqlite3_stmt **out)
{
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    *out = NULL;
    int rc = sqlite3_prepare_v3(q->db, sql, -1, flags, &st, &tail);
    if (rc != SQLITE_OK)
        return fail_db(q, rc);
    if (!st)
        return store_fail(&q->base, STORE_ERROR, "sqlite: empty statement");
    while (tail &&
           (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == '\r' || *tail == ';'))
        tail++;
    if (tail && *tail) {
        sqlite3_stmt *more = NULL;
        rc = sqlite3_prepare_v2(q->db, tail, -1, &more, NULL);
        sqlite3_finalize(more);
        if (rc != SQLITE_OK || more) {
            sqlite3_finalize(st);
            return store_fail(
                &q->base, STORE_ERROR,
                "sqlite: one statement at a time (use store_exec_script for several)");
        }
    }
    *out = st;
    return STORE_OK;
}

/* Finds or prepares the statement for sql. *slot is NULL when the
 * statement is not cached (the caller finalizes it through release()). */
static int acquire(struct sq *q, const char *sql, sqlite3_stmt **st, struct cached **slot)
{
    *st = NULL;
    *slot = NULL;
    /* Most SQL is a string literal, passed by the same pointer each time:
     * found by it (and the text, as a buffer may be reused) without
     * hashing the whole text first. */
    for (int i = 0; i < q->ncache; i++) {
        struct cached *c = &q->cache[i];
        if (c->from == (uintptr_t)sql && !c->busy && strcmp(c->sql, sql) == 0) {
            c->busy = true;
            c->used = ++q->tick;
            *st = c->st;
            *slot = c;
            return STORE_OK;
        }
    }
    uint64_t h = hash_sql(sql);
    struct cached *victim = NULL;
    bool in_use = false;
    for (int i = 0; i < q->ncache; i++) {
        struct cached *c = &q->cache[i];
        if (c->hash == h && strcmp(c->sql, sql) == 0) {
            if (c->busy) {
                in_use = true; /* nested use of the same SQL: prepare a private copy */
                break;
            }
            c->busy = true;
            c->used = ++q->tick;
            c->from = (uintptr_t)sql;
            *st = c->st;
            *slot = c;
            return STORE_OK;
        }
        if (!c->busy && (!victim || c->used < victim->used))
            victim = c;
    }
    if (in_use)
        return prepare(q, sql, 0, st);
    int rc = prepare(q, sql, SQLITE_PREPARE_PERSISTENT, st);
    if (rc)
        return rc;
    struct cached *c = NULL;
    if (q->ncache < LIMIT_STORE_STMT_CACHE) {
        c = &q->cache[q->ncache++];
    } else if (victim) {
        c = victim;
        sqlite3_finalize(c->st);
        free(c->sql);
    } else {
        return STORE_OK; /* every slot held: run uncached */
    }
    c->sql = xstrdup(sql);
    c->from = (uintptr_t)sql;
    c->hash = h;
    c->st = *st;
    c->busy = true;
    c->used = ++q->tick;
    *slot = c;
    return STORE_OK;
}

static void release(sqlite3_stmt *st, struct cached *slot)
{
    if (!st)
        return;
    if (!slot) {
        sqlite3_finalize(st);
        return;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    slot->busy = false;
}

static int bind(struct sq *q, sqlite3_stmt *st, const store_val *params, int nparams)
{
    int want = sqlite3_bind_parameter_count(st);
    if (want != nparams)
        return store_fail(&q->base, STORE_ERROR, "sqlite: statement takes %d parameters, %d given",
                          want, nparams);
    for (int i = 0; i < nparams; i++) {
        const store_val *v = &params[i];
        int rc;
        switch (v->type) {
        case STORE_INT: rc = sqlite3_bind_int64(st, i + 1, v->i); break;
        case STORE_REAL: rc = sqlite3_bind_double(st, i + 1, v->r); break;
        case STORE_TEXT:
            /* copied: rows may be stepped after the caller's text is gone */
            rc = v->s ? sqlite3_bind_text(st, i + 1, v->s, -1, SQLITE_TRANSIENT)
                      : sqlite3_bind_null(st, i + 1);
            break;
        case STORE_NULL: rc = sqlite3_bind_null(st, i + 1); break;
        default:
            return store_fail(&q->base, STORE_ERROR, "sqlite: parameter %d has an unknown type",
                              i + 1);
        }
        if (rc != SQLITE_OK)
            return fail_db(q, rc);
    }
    return STORE_OK;
}

static int sq_exec(store *s, const char *sql, const store_val *params, int nparams,
                   int64_t *changes)
{
    struct sq *q = (struct sq *)s;
    sqlite3_stmt *st;
    struct cached *slot;
    int rc = acquire(q, sql, &st, &slot);
    if (rc)
        return rc;
    rc = bind(q, st, params, nparams);
    if (rc)
        goto fail;
    sqlite3_int64 before = sqlite3_total_changes64(q->db);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        ;
    if (step != SQLITE_DONE) {
        rc = fail_db(q, step);
        goto fail;
    }
    if (changes)
        *changes = sqlite3_total_changes64(q->db) != before ? sqlite3_changes64(q->db) : 0;
fail:
    release(st, slot);
    return rc;
}

/* The integer a PRAGMA answers. */
static int sq_pragma_int(struct sq *q, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(q, sql, 0, &st);
    if (rc)
        return rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else if (step != SQLITE_DONE)
        rc = fail_db(q, step);
    sqlite3_finalize(st);
    return rc;
}

static int sq_control(store *s, const char *sql)
{
    return sq_exec(s, sql, NULL, 0, NULL);
}

static int sq_query(store *s, const char *sql, const store_val *params, int nparams,
                    store_rows **out)
{
    struct sq *q = (struct sq *)s;
    sqlite3_stmt *st;
    struct cached *slot;
    int rc = acquire(q, sql, &st, &slot);
    if (rc)
        return rc;
    rc = bind(q, st, params, nparams);
    if (rc)
        goto fail;
    /* step once here so that errors (a constraint on INSERT ... RETURNING)
     * surface from store_query on both backends */
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = fail_db(q, step);
        goto fail;
    }
    struct sq_rows *r = xcalloc(1, sizeof *r);
    r->base.s = s;
    r->base.ncols = sqlite3_column_count(st);
    r->st = st;
    r->slot = slot;
    r->pending = step == SQLITE_ROW;
    r->done = step == SQLITE_DONE;
    *out = &r->base;
    return STORE_OK;
fail:
    release(st, slot);
    return rc;
}

static int sq_next(store_rows *base)
{
    struct sq_rows *r = (struct sq_rows *)base;
    if (r->pending) {
        r->pending = false;
        return 1;
    }
    if (r->done)
        return 0;
    int step = sqlite3_step(r->st);
    if (step == SQLITE_ROW)
        return 1;
    r->done = true;
    if (step == SQLITE_DONE)
        return 0;
    return fail_db((struct sq *)base->s, step);
}

/* Column values are only defined while the cursor is on a row. */
static bool on_row(const struct sq_rows *r)
{
    return !r->pending && !r->done;
}

static bool sq_col_null(store_rows *base, int col)
{
    struct sq_rows *r = (struct sq_rows *)base;
    return !on_row(r) || sqlite3_column_type(r->st, col) == SQLITE_NULL;
}

static int64_t sq_col_int(store_rows *base, int col)
{
    struct sq_rows *r = (struct sq_rows *)base;
    return on_row(r) ? sqlite3_column_int64(r->st, col) : 0;
}

static double sq_col_real(store_rows *base, int col)
{
    struct sq_rows *r = (struct sq_rows *)base;
    return on_row(r) ? sqlite3_column_double(r->st, col) : 0.0;
}

static const char *sq_col_text(store_rows *base, int col)
{
    struct sq_rows *r = (struct sq_rows *)base;
    return on_row(r) ? (const char *)sqlite3_column_text(r->st, col) : NULL;
}

static void sq_rows_free(store_rows *base)
{
    struct sq_rows *r = (struct sq_rows *)base;
    release(r->st, r->slot);
    free(r);
}

static int sq_exec_script(store *s, const char *sql)
{
    struct sq *q = (struct sq *)s;
    char *msg = NULL;
    int rc = sqlite3_exec(q->db, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        return STORE_OK;
    int status = fail_db(q, sqlite3_extended_errcode(q->db));
    if (msg)
        store_fail(s, status, "sqlite: %s", msg);
    sqlite3_free(msg);
    return status;
}

/* ---- batches: multi-row INSERTs, prepared once ---- */

/* A value kept until its row is written: text as an offset into the
 * batch's copy of the texts (which may move as it grows). */
struct sq_kept {
    int type;
    int64_t i;
    double r;
    size_t at, len;
};

struct sq_batch {
    char *head;          /* "INSERT INTO t (a, b) VALUES " */
    int ncols, per;      /* columns; rows a full statement carries */
    sqlite3_stmt *full;  /* per rows */
    int nrows;           /* rows kept */
    struct sq_kept *row; /* nrows * ncols */
    buf text;
};

static int batch_prepare(struct sq *q, const struct sq_batch *b, int rows, sqlite3_stmt **st)
{
    buf sql;
    buf_init(&sql, SIZE_MAX / 2);
    buf_puts(&sql, b->head);
    int n = 0;
    for (int r = 0; r < rows; r++) {
        buf_puts(&sql, r ? ", (" : "(");
        for (int i = 0; i < b->ncols; i++)
            buf_printf(&sql, "%s?%d", i ? ", " : "", ++n);
        buf_puts(&sql, ")");
    }
    int rc = prepare(q, sql.data, 0, st);
    buf_cleanup(&sql);
    return rc;
}

static void batch_free(struct sq_batch *b)
{
    if (!b)
        return;
    sqlite3_finalize(b->full);
    free(b->head);
    free(b->row);
    buf_cleanup(&b->text);
    free(b);
}

static int sq_batch_begin(store *s, const char *table, const char *const *cols, int ncols,
                          void **state)
{
    struct sq *q = (struct sq *)s;
    struct sq_batch *b = xcalloc(1, sizeof *b);
    buf head;
    buf_init(&head, SIZE_MAX / 2);
    buf_printf(&head, "INSERT INTO %s ", table);
    store_sql_columns(&head, cols, ncols);
    buf_puts(&head, " VALUES ");
    b->head = xstrdup(head.data);
    buf_cleanup(&head);
    b->ncols = ncols;
    b->per = LIMIT_STORE_SQLITE_BATCH_PARAMS / ncols;
    if (b->per < 1)
        b->per = 1;
    b->row = xmalloc(sizeof *b->row * (size_t)(b->per * ncols));
    buf_init(&b->text, SIZE_MAX / 2);
    /* prepared now, so that a table or column that does not exist is
     * refused here, as on PostgreSQL */
    int rc = batch_prepare(q, b, b->per, &b->full);
    if (rc) {
        batch_free(b);
        return rc;
    }
    *state = b;
    return STORE_OK;
}

/* Writes the rows kept, through st (which carries exactly b->nrows). */
static int batch_step(struct sq *q, struct sq_batch *b, sqlite3_stmt *st)
{
    int rc = STORE_OK;
    int n = b->nrows * b->ncols;
    for (int i = 0; i < n && rc == STORE_OK; i++) {
        const struct sq_kept *v = &b->row[i];
        int bound;
        switch (v->type) {
        case STORE_INT: bound = sqlite3_bind_int64(st, i + 1, v->i); break;
        case STORE_REAL: bound = sqlite3_bind_double(st, i + 1, v->r); break;
        case STORE_TEXT:
            /* not copied: the rows are written before the text moves */
            bound = sqlite3_bind_text64(st, i + 1, b->text.data + v->at, v->len, SQLITE_STATIC,
                                        SQLITE_UTF8);
            break;
        default: bound = sqlite3_bind_null(st, i + 1); break;
        }
        if (bound != SQLITE_OK)
            rc = fail_db(q, bound);
    }
    if (rc == STORE_OK) {
        int step = sqlite3_step(st);
        if (step != SQLITE_DONE)
            rc = fail_db(q, step);
    }
    sqlite3_reset(st);
    b->nrows = 0;
    buf_reset(&b->text);
    return rc;
}

static int sq_batch_add(store *s, void *state, const store_val *vals, int ncols)
{
    struct sq *q = (struct sq *)s;
    struct sq_batch *b = state;
    struct sq_kept *row = &b->row[b->nrows * ncols];
    for (int i = 0; i < ncols; i++) {
        const store_val *v = &vals[i];
        struct sq_kept *k = &row[i];
        k->type = v->type;
        switch (v->type) {
        case STORE_INT: k->i = v->i; break;
        case STORE_REAL: k->r = v->r; break;
        case STORE_TEXT:
            if (!v->s) {
                k->type = STORE_NULL;
                break;
            }
            k->at = b->text.len;
            k->len = strlen(v->s);
            buf_append(&b->text, v->s, k->len);
            break;
        case STORE_NULL: break;
        default: return store_fail(s, STORE_ERROR, "sqlite: value %d has an unknown type", i + 1);
        }
    }
    if (++b->nrows < b->per)
        return STORE_OK;
    return batch_step(q, b, b->full);
}

static int sq_batch_end(store *s, void *state, bool ok, bool wait)
{
    (void)wait; /* SQLite checks each row as it goes in */
    struct sq *q = (struct sq *)s;
    struct sq_batch *b = state;
    int rc = STORE_OK;
    if (ok && b->nrows) {
        sqlite3_stmt *rest = NULL;
        rc = batch_prepare(q, b, b->nrows, &rest);
        if (rc == STORE_OK)
            rc = batch_step(q, b, rest);
        sqlite3_finalize(rest);
    }
    batch_free(b);
    return rc;
}

/* SQLite keeps 2 MB of pages per connection by default; a transaction
 * that writes more than that spills pages to the WAL and writes them
 * again and again (50,000 imported participants: over a million page
 * writes instead of twenty thousand). So the cache grows for the
 * transaction, to about 4 KiB a row within LIMIT_STORE_BULK_CACHE. */
static int sq_bulk(store *s, size_t rows)
{
    struct sq *q = (struct sq *)s;
    int64_t cur = 0;
    int rc = sq_pragma_int(q, "PRAGMA cache_size", &cur);
    if (rc)
        return rc;
    int64_t want_kib = rows > LIMIT_STORE_BULK_CACHE / 4096
                           ? (int64_t)(LIMIT_STORE_BULK_CACHE / 1024)
                           : (int64_t)rows * 4;
    /* negative: KiB; positive: pages (of 4 KiB here) */
    int64_t cur_kib = cur < 0 ? -cur : cur * 4;
    if (want_kib <= cur_kib)
        return STORE_OK;
    char sql[64];
    str_fmt(sql, sizeof sql, "PRAGMA cache_size = -%lld", (long long)want_kib);
    if ((rc = sq_exec(s, sql, NULL, 0, NULL)) != STORE_OK)
        return rc;
    q->cache_before = cur ? cur : -2000;
    return STORE_OK;
}

static void sq_bulk_end(store *s)
{
    struct sq *q = (struct sq *)s;
    if (!q->cache_before)
        return;
    char sql[64];
    str_fmt(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)q->cache_before);
    q->cache_before = 0;
    char saved[STORE_ERRMSG_BYTES];
    memcpy(saved, s->err, sizeof saved);
    if (sq_exec(s, sql, NULL, 0, NULL) != STORE_OK) /* cannot fail; the cache is only larger */
        memcpy(s->err, saved, sizeof saved);
}

static void sq_close(store *s)
{
    struct sq *q = (struct sq *)s;
    for (int i = 0; i < q->ncache; i++) {
        sqlite3_finalize(q->cache[i].st);
        free(q->cache[i].sql);
    }
    sqlite3_close_v2(q->db);
    free(q);
}

static const struct store_ops sqlite_ops = {
    .control = sq_control,
    .exec = sq_exec,
    .query = sq_query,
    .exec_script = sq_exec_script,
    .next = sq_next,
    .col_null = sq_col_null,
    .col_int = sq_col_int,
    .col_real = sq_col_real,
    .col_text = sq_col_text,
    .rows_free = sq_rows_free,
    .close = sq_close,
    .batch_begin = sq_batch_begin,
    .batch_add = sq_batch_add,
    .batch_end = sq_batch_end,
    .bulk = sq_bulk,
    .bulk_end = sq_bulk_end,
    .begin_sql = "BEGIN IMMEDIATE",
};

/* SQLite counts every allocation in global statistics behind a global
 * mutex, which nothing here reads: off, before SQLite initialises, it is
 * two lock round trips fewer per allocation (dozens per request). */
static void configure(void)
{
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        return; /* SQLite was initialised already: it counts, which is only slower */
    /* A statement that may write several rows and fail half-way keeps the
     * pages it changes in a statement journal, to undo itself; SQLite
     * moves that journal to a temporary file past 64 KiB. A batch's
     * multi-row INSERT touches a page or more a row in each index, and
     * written out the journal was 435,000 pwrite calls for 50,000
     * imported rows. Kept in memory up to the limit, it is a memcpy. */
    if (sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, (int)LIMIT_STORE_SQLITE_STMT_JOURNAL) !=
        SQLITE_OK)
        return;
}

int store_sqlite_open(const char *path, store **out, char *err, size_t errlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure);
    *out = NULL;
    struct sq *q = xcalloc(1, sizeof *q);
    q->base.ops = &sqlite_ops;
    q->base.backend = STORE_SQLITE;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &q->db, flags, NULL);
    if (rc != SQLITE_OK) {
        str_fmt(err, errlen, "sqlite: cannot open %s: %s", path,
                q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(q->db, 1);
    sqlite3_busy_timeout(q->db, LIMIT_STORE_BUSY_MS);
    static const char *const pragmas[] = {
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA foreign_keys=ON",
    };
    for (size_t i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++) {
        char *msg = NULL;
        rc = sqlite3_exec(q->db, pragmas[i], NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
            str_fmt(err, errlen, "sqlite: cannot open %s: %s: %s", path, pragmas[i],
                    msg ? msg : sqlite3_errstr(rc));
            sqlite3_free(msg);
            goto fail;
        }
    }
    *out = &q->base;
    return STORE_OK;
fail:
    sqlite3_close_v2(q->db);
    free(q);
    return STORE_ERROR;
}
