/* pg.c - the PostgreSQL backend (libpq).
 *
 * Statements go through PQexecParams with ?N rewritten to $N. Parameters
 * travel as text: integers typed int8 and reals float8 (so that `?1 + 1`
 * or `?1 IS NULL` have a type), text and NULL left for the server to
 * infer from the context. Results are read as text and converted by the
 * column accessors, so they match what the SQLite backend returns.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "store/backend.h"

#define OID_BOOL 16
#define OID_INT8 20
#define OID_FLOAT8 701
#define STACK_PARAMS 64

/* A statement prepared on the server, named "tandem_<id>". Keyed by the
 * SQL text and the parameter types it was prepared with. */
struct prepared {
    char *sql;
    uint64_t hash;
    char *sig; /* per parameter: 'i' int8, 'r' float8, 'u' left to the server */
    unsigned id;
    uint64_t used;
};

struct pg {
    store base;
    PGconn *conn;
    bool copy_ending; /* a COPY was ended and its result is still to be read (settle) */
    int ncache;
    unsigned next_id;
    uint64_t tick;
    struct prepared cache[LIMIT_STORE_STMT_CACHE];
};

struct pg_rows {
    store_rows base;
    PGresult *res;
    int nrows;
    int row; /* -1 before the first store_next */
};

/* Records the failure of res (NULL: of the connection) and maps its
 * SQLSTATE to a store status. */
static int fail_res(struct pg *p, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    /* the primary message only: DETAIL may quote the row's values */
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg || !*msg)
        msg = PQerrorMessage(p->conn);
    int status = STORE_ERROR;
    if (state && str_starts(state, "23"))
        status = STORE_CONFLICT;
    else if (state && (str_eq(state, "40001") || str_eq(state, "40P01") || str_eq(state, "55P03")))
        status = STORE_BUSY;
    return store_fail(&p->base, status, "postgresql: %s%s%s%s", msg, state ? " (SQLSTATE " : "",
                      state ? state : "", state ? ")" : "");
}

static void forget(struct prepared *c)
{
    free(c->sql);
    free(c->sig);
    c->sql = NULL;
    c->sig = NULL;
}

static void forget_all(struct pg *p)
{
    for (int i = 0; i < p->ncache; i++)
        forget(&p->cache[i]);
    p->ncache = 0;
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

/* Brings a dropped connection back when no transaction is lost by it. */
/* Every session, on connecting and after a reset: notices stay out of the
 * log, and no JIT compilation - it spends 100-300 ms compiling each
 * report's aggregate, more than the query takes (bench/reports). */
static const char SESSION_SETTINGS[] = "SET client_min_messages = warning; SET jit = off";

/* Reads the result of the COPY pg_batch_end ended without waiting:
 * STORE_OK, or the COPY's failure (its rows refused: a key, a constraint),
 * which the statement that comes next then returns. */
static int settle(struct pg *p)
{
    if (!p->copy_ending)
        return STORE_OK;
    p->copy_ending = false;
    int rc = STORE_OK;
    PGresult *res;
    while ((res = PQgetResult(p->conn))) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == STORE_OK)
            rc = fail_res(p, res);
        PQclear(res);
    }
    return rc;
}

/* The connection, ready for a statement: the last COPY's result read
 * (its failure returned), and a lost connection reset outside a
 * transaction. */
static int ensure_conn(struct pg *p)
{
    int rc = settle(p);
    if (rc)
        return rc;
    if (PQstatus(p->conn) == CONNECTION_OK)
        return STORE_OK;
    if (p->base.in_tx)
        return store_fail(&p->base, STORE_ERROR,
                          "postgresql: connection lost inside a transaction");
    PQreset(p->conn);
    forget_all(p); /* the new session has no prepared statements */
    if (PQstatus(p->conn) != CONNECTION_OK)
        return store_fail(&p->base, STORE_ERROR, "postgresql: connection lost: %s",
                          PQerrorMessage(p->conn));
    PGresult *res = PQexec(p->conn, SESSION_SETTINGS);
    PQclear(res);
    return STORE_OK;
}

static int check_result(struct pg *p, PGresult *res, PGresult **out)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        int rc = fail_res(p, res);
        PQclear(res);
        return rc;
    }
    *out = res;
    return STORE_OK;
}

/* The cached statement for sql and sig, or NULL. */
static struct prepared *lookup(struct pg *p, const char *sql, uint64_t h, const char *sig)
{
    for (int i = 0; i < p->ncache; i++) {
        struct prepared *e = &p->cache[i];
        if (e->hash == h && strcmp(e->sig, sig) == 0 && strcmp(e->sql, sql) == 0)
            return e;
    }
    return NULL;
}

/* Removes c from the cache (the server keeps it until the session ends). */
static void drop(struct pg *p, struct prepared *c)
{
    forget(c);
    struct prepared *last = &p->cache[--p->ncache];
    if (c != last) {
        *c = *last;
        last->sql = NULL;
        last->sig = NULL;
    }
}

/* Prepares sql (already rewritten to `dollar`) and caches it, evicting the
 * least recently used statement when full. Returns STORE_OK with *c NULL
 * when no slot could be freed and the statement should run unprepared. */
static int prepare(struct pg *p, const char *sql, uint64_t h, const char *dollar, const char *sig,
                   int nparams, const Oid *types, struct prepared **c)
{
    struct prepared *victim = NULL;
    *c = NULL;
    for (int i = 0; i < p->ncache; i++)
        if (!victim || p->cache[i].used < victim->used)
            victim = &p->cache[i];
    struct prepared *e;
    char name[32];
    if (p->ncache < LIMIT_STORE_STMT_CACHE) {
        e = &p->cache[p->ncache];
    } else {
        /* DEALLOCATE is not transactional, so it is safe inside one */
        snprintf(name, sizeof name, "DEALLOCATE tandem_%u", victim->id);
        PGresult *res = PQexec(p->conn, name);
        bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        PQclear(res);
        if (!ok)
            return STORE_OK;
        forget(victim);
        e = victim;
    }
    unsigned id = ++p->next_id;
    snprintf(name, sizeof name, "tandem_%u", id);
    PGresult *res = PQprepare(p->conn, name, dollar, nparams, types);
    PGresult *ok = NULL;
    int rc = check_result(p, res, &ok);
    if (rc) {
        if (e != &p->cache[p->ncache])
            drop(p, e); /* the evicted slot is empty now */
        return rc;
    }
    PQclear(ok);
    if (e == &p->cache[p->ncache])
        p->ncache++;
    e->sql = xstrdup(sql);
    e->hash = h;
    e->sig = xstrndup(sig, (size_t)nparams);
    e->id = id;
    e->used = ++p->tick;
    *c = e;
    return STORE_OK;
}

/* Runs one statement; *out receives a successful result (caller clears). */
static int run(struct pg *p, const char *sql, const store_val *params, int nparams, PGresult **out)
{
    /* Up to STACK_PARAMS parameters live on the stack; a statement with
     * more (a batch of rows) gets its arrays from the heap, so that
     * LIMIT_STORE_PARAMS does not set the stack size of every caller. */
    const char *values_s[STACK_PARAMS];
    Oid types_s[STACK_PARAMS];
    char nums_s[STACK_PARAMS][40];
    char sig_s[STACK_PARAMS + 1];
    const char **values = values_s;
    Oid *types = types_s;
    char(*nums)[40] = nums_s;
    char *sig = sig_s;
    void *heap = NULL;
    char *dollar = NULL;
    *out = NULL;
    int rc = ensure_conn(p);
    if (rc)
        return rc;
    if (nparams > STACK_PARAMS) {
        size_t n = (size_t)nparams;
        heap = xmalloc(n * (sizeof *values + sizeof *types + sizeof *nums) + n + 1);
        nums = heap;
        values = (const char **)(nums + n);
        types = (Oid *)(values + n);
        sig = (char *)(types + n);
    }
    for (int i = 0; i < nparams; i++) {
        const store_val *v = &params[i];
        types[i] = 0;
        values[i] = NULL;
        sig[i] = 'u';
        switch (v->type) {
        case STORE_INT:
            snprintf(nums[i], sizeof nums[i], "%" PRId64, v->i);
            values[i] = nums[i];
            types[i] = OID_INT8;
            sig[i] = 'i';
            break;
        case STORE_REAL:
            snprintf(nums[i], sizeof nums[i], "%.17g", v->r);
            values[i] = nums[i];
            types[i] = OID_FLOAT8;
            sig[i] = 'r';
            break;
        case STORE_TEXT: values[i] = v->s; break;
        case STORE_NULL: break;
        default:
            rc = store_fail(&p->base, STORE_ERROR, "postgresql: parameter %d has an unknown type",
                            i + 1);
            goto fail;
        }
    }
    sig[nparams] = '\0';

    uint64_t h = hash_sql(sql);
    bool retried = false;
again:;
    struct prepared *c = lookup(p, sql, h, sig);
    if (c) {
        c->used = ++p->tick;
    } else if (!dollar) {
        int want = 0;
        dollar = store_sql_dollar(sql, &want);
        if (want != nparams) {
            /* PostgreSQL ignores surplus typed parameters; refuse like SQLite */
            rc = store_fail(&p->base, STORE_ERROR,
                            "postgresql: statement takes %d parameters, %d given", want, nparams);
            goto fail;
        }
        if ((rc = prepare(p, sql, h, dollar, sig, nparams, types, &c)))
            goto fail;
    }
    PGresult *res;
    if (c) {
        char name[32];
        snprintf(name, sizeof name, "tandem_%u", c->id);
        res = PQexecPrepared(p->conn, name, nparams, values, NULL, NULL, 0);
        const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        /* a schema change can leave a prepared statement unusable
         * ("cached plan must not change result type"): prepare it afresh
         * next time; the old one goes with the session */
        if (state && (str_eq(state, "0A000") || str_eq(state, "26000"))) {
            drop(p, c);
            /* outside a transaction nothing was spoiled: try once more */
            if (!p->base.in_tx && !retried) {
                retried = true;
                PQclear(res);
                goto again;
            }
        }
    } else {
        res = PQexecParams(p->conn, dollar, nparams, types, values, NULL, NULL, 0);
    }
    rc = check_result(p, res, out);
fail:
    free(dollar);
    free(heap);
    return rc;
}

static int pg_exec(store *s, const char *sql, const store_val *params, int nparams,
                   int64_t *changes)
{
    PGresult *res;
    int rc = run((struct pg *)s, sql, params, nparams, &res);
    if (rc)
        return rc;
    if (changes) {
        int64_t n = 0;
        const char *t = PQcmdTuples(res);
        if (t && *t && str_to_i64(t, 0, INT64_MAX, &n) == 0)
            *changes = n;
    }
    PQclear(res);
    return STORE_OK;
}

static int pg_control(store *s, const char *sql)
{
    struct pg *p = (struct pg *)s;
    PGresult *res = NULL;
    if (strcmp(sql, "ROLLBACK") == 0) {
        int failed = settle(p); /* rolling back anyway: its failure was the reason or is moot */
        (void)failed;
    }
    int rc = ensure_conn(p);
    if (!rc)
        rc = check_result(p, PQexec(p->conn, sql), &res);
    PQclear(res);
    return rc;
}

static int pg_query(store *s, const char *sql, const store_val *params, int nparams,
                    store_rows **out)
{
    PGresult *res;
    int rc = run((struct pg *)s, sql, params, nparams, &res);
    if (rc)
        return rc;
    struct pg_rows *r = xcalloc(1, sizeof *r);
    r->base.s = s;
    r->base.ncols = PQnfields(res);
    r->res = res;
    r->nrows = PQntuples(res);
    r->row = -1;
    *out = &r->base;
    return STORE_OK;
}

static int pg_next(store_rows *base)
{
    struct pg_rows *r = (struct pg_rows *)base;
    if (r->row < r->nrows)
        r->row++;
    return r->row < r->nrows ? 1 : 0;
}

/* The text of the current row's column, or NULL (SQL NULL or no row). */
static const char *cell(const struct pg_rows *r, int col)
{
    if (r->row < 0 || r->row >= r->nrows || PQgetisnull(r->res, r->row, col))
        return NULL;
    return PQgetvalue(r->res, r->row, col);
}

static bool pg_col_null(store_rows *base, int col)
{
    return cell((struct pg_rows *)base, col) == NULL;
}

static int64_t pg_col_int(store_rows *base, int col)
{
    const char *t = cell((struct pg_rows *)base, col);
    int64_t v;
    double d;
    if (!t)
        return 0;
    if (str_to_i64(t, INT64_MIN, INT64_MAX, &v) == 0)
        return v;
    if (str_eq(t, "t"))
        return 1; /* boolean expressions; SQLite gives 1/0 */
    if (str_to_double(t, &d) == 0 && d > -9.2e18 && d < 9.2e18)
        return (int64_t)d; /* numeric results such as AVG() */
    return 0;
}

static double pg_col_real(store_rows *base, int col)
{
    const char *t = cell((struct pg_rows *)base, col);
    double d;
    if (!t || str_to_double(t, &d) != 0)
        return 0.0;
    return d;
}

static const char *pg_col_text(store_rows *base, int col)
{
    struct pg_rows *r = (struct pg_rows *)base;
    const char *t = cell(r, col);
    if (t && PQftype(r->res, col) == OID_BOOL)
        return t[0] == 't' ? "1" : "0"; /* as SQLite shows a boolean */
    return t;
}

static void pg_rows_free(store_rows *base)
{
    struct pg_rows *r = (struct pg_rows *)base;
    PQclear(r->res);
    free(r);
}

static int pg_exec_script(store *s, const char *sql)
{
    struct pg *p = (struct pg *)s;
    int rc = ensure_conn(p);
    if (rc)
        return rc;
    PGresult *res = PQexec(p->conn, sql);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
        rc = fail_res(p, res);
    PQclear(res);
    return rc;
}

/* ---- batches: COPY ... FROM STDIN in the text format ---- */

#define COPY_FLUSH_BYTES (256u << 10) /* rows buffered before they go to libpq */

/* A batch is one COPY. store_batch_end_later ends it without waiting for
 * the server, which checks the rows' foreign keys only then (about half
 * of a COPY's time on the import's tables, bench/README.md): the client
 * meanwhile formats the next batch's rows, holding up to
 * LIMIT_STORE_PG_COPY_AHEAD bytes of them until the server is done; the
 * next statement reads the result first (settle) and returns its failure.
 * A batch begun while a COPY is ending sends its own COPY command with
 * its first rows (copy_start), any other at once. */
struct pg_copy {
    buf data;
    char *sql; /* COPY table (columns) FROM STDIN */
    bool started;
    size_t ask_at; /* while the last COPY ends: the length at which to ask again */
};

static void copy_free(struct pg_copy *c)
{
    buf_cleanup(&c->data);
    free(c->sql);
    free(c);
}

/* Sends the COPY command, once the previous COPY's result is in. */
static int copy_start(struct pg *p, struct pg_copy *c)
{
    if (c->started)
        return STORE_OK;
    int rc = ensure_conn(p);
    if (rc)
        return rc;
    PGresult *res = PQexec(p->conn, c->sql);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        rc = fail_res(p, res);
        PQclear(res);
        return rc;
    }
    PQclear(res);
    c->started = true;
    return STORE_OK;
}

static int pg_batch_begin(store *s, const char *table, const char *const *cols, int ncols,
                          void **state)
{
    struct pg *p = (struct pg *)s;
    *state = NULL;
    buf sql;
    buf_init(&sql, SIZE_MAX / 2);
    buf_printf(&sql, "COPY %s ", table);
    store_sql_columns(&sql, cols, ncols);
    buf_puts(&sql, " FROM STDIN");
    struct pg_copy *c = xcalloc(1, sizeof *c);
    c->sql = buf_take(&sql);
    buf_init(&c->data, SIZE_MAX / 2);
    /* started now (a bad table or column is reported here) unless the
     * last COPY is still ending: then with its first rows */
    int rc = p->copy_ending ? STORE_OK : copy_start(p, c);
    if (rc) {
        copy_free(c);
        return rc;
    }
    *state = c;
    return STORE_OK;
}

/* true while the last COPY's result has not arrived (reading what the
 * server has sent without blocking). */
static bool still_ending(struct pg *p)
{
    if (!p->copy_ending)
        return false;
    if (!PQconsumeInput(p->conn))
        return false; /* settle reports the failure */
    return PQisBusy(p->conn) != 0;
}

/* Appends text with COPY's escapes: backslash, tab, newline, return. */
static void copy_text(buf *b, const char *t)
{
    const char *run = t;
    for (; *t; t++) {
        char esc;
        switch (*t) {
        case '\\': esc = '\\'; break;
        case '\t': esc = 't'; break;
        case '\n': esc = 'n'; break;
        case '\r': esc = 'r'; break;
        default: continue;
        }
        buf_append(b, run, (size_t)(t - run));
        char two[2] = {'\\', esc};
        buf_append(b, two, 2);
        run = t + 1;
    }
    buf_append(b, run, (size_t)(t - run));
}

static int copy_flush(struct pg *p, struct pg_copy *c)
{
    int rc = copy_start(p, c);
    if (rc)
        return rc;
    if (!c->data.len)
        return STORE_OK;
    if (PQputCopyData(p->conn, c->data.data, (int)c->data.len) != 1)
        return store_fail(&p->base, STORE_ERROR, "postgresql: COPY failed: %s",
                          PQerrorMessage(p->conn));
    buf_reset(&c->data);
    return STORE_OK;
}

static int pg_batch_add(store *s, void *state, const store_val *vals, int ncols)
{
    struct pg *p = (struct pg *)s;
    struct pg_copy *c = state;
    for (int i = 0; i < ncols; i++) {
        const store_val *v = &vals[i];
        char num[40];
        if (i)
            buf_append(&c->data, "\t", 1);
        switch (v->type) {
        case STORE_INT:
            buf_append(&c->data, num, (size_t)snprintf(num, sizeof num, "%" PRId64, v->i));
            break;
        case STORE_REAL:
            buf_append(&c->data, num, (size_t)snprintf(num, sizeof num, "%.17g", v->r));
            break;
        case STORE_TEXT:
            if (v->s) {
                copy_text(&c->data, v->s);
                break;
            }
            /* fall through */
        case STORE_NULL: buf_append(&c->data, "\\N", 2); break;
        default:
            return store_fail(s, STORE_ERROR, "postgresql: value %d has an unknown type", i + 1);
        }
    }
    buf_append(&c->data, "\n", 1);
    if (c->data.len < COPY_FLUSH_BYTES)
        return STORE_OK;
    if (!c->started && c->data.len < LIMIT_STORE_PG_COPY_AHEAD && c->data.len < c->ask_at)
        return STORE_OK; /* asked too recently whether the last COPY has ended */
    if (!c->started && c->data.len < LIMIT_STORE_PG_COPY_AHEAD && still_ending(p)) {
        c->ask_at = c->data.len + COPY_FLUSH_BYTES; /* a read from the socket each time */
        return STORE_OK; /* the server is still checking the last COPY's rows */
    }
    return copy_flush(p, c);
}

static int pg_batch_end(store *s, void *state, bool ok, bool wait)
{
    struct pg *p = (struct pg *)s;
    struct pg_copy *c = state;
    if (!c->started && !ok) {
        copy_free(c); /* nothing reached the server */
        return STORE_OK;
    }
    int rc = ok ? copy_flush(p, c) : STORE_OK;
    if (!c->started) {
        copy_free(c); /* the COPY could not start: rc says why */
        return rc;
    }
    bool sent = rc == STORE_OK && ok;
    if (PQputCopyEnd(p->conn, sent ? NULL : "abandoned") != 1 && rc == STORE_OK)
        rc = store_fail(s, STORE_ERROR, "postgresql: COPY failed: %s", PQerrorMessage(p->conn));
    copy_free(c);
    if (sent && rc == STORE_OK && !wait) {
        p->copy_ending = true; /* its result is read by the next statement (settle) */
        return STORE_OK;
    }
    /* the COPY's result, then the end of the command */
    PGresult *res;
    while ((res = PQgetResult(p->conn))) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == STORE_OK)
            rc = sent ? fail_res(p, res) : STORE_ERROR;
        PQclear(res);
    }
    return rc;
}

/* VACUUM can mark a page all-visible only once the commit of its rows is
 * on disk; with synchronous_commit off (a server tuned for speed, the test
 * servers) that happens a moment after COMMIT returns, too late for the
 * VACUUM that follows. So this transaction commits synchronously. */
static int pg_refresh_prepare(store *s)
{
    return pg_exec(s, "SET LOCAL synchronous_commit = on", NULL, 0, NULL);
}

static void pg_refresh(store *s, const char *table)
{
    struct pg *p = (struct pg *)s;
    char sql[128];
    /* VACUUM marks the new pages all-visible; ANALYZE would cost ten times
     * as much (it samples every column), and autovacuum does it soon */
    snprintf(sql, sizeof sql, "VACUUM %s", table);
    if (settle(p) == STORE_OK)
        PQclear(PQexec(p->conn, sql));
}

static void pg_close(store *s)
{
    struct pg *p = (struct pg *)s;
    int ended = settle(p); /* closing: a failure is moot */
    (void)ended;
    forget_all(p);
    PQfinish(p->conn);
    free(p);
}

static const struct store_ops pg_ops = {
    .control = pg_control,
    .exec = pg_exec,
    .query = pg_query,
    .exec_script = pg_exec_script,
    .next = pg_next,
    .col_null = pg_col_null,
    .col_int = pg_col_int,
    .col_real = pg_col_real,
    .col_text = pg_col_text,
    .rows_free = pg_rows_free,
    .close = pg_close,
    .batch_begin = pg_batch_begin,
    .batch_add = pg_batch_add,
    .batch_end = pg_batch_end,
    .refresh = pg_refresh,
    .refresh_prepare = pg_refresh_prepare,
    .begin_sql = "BEGIN",
};

int store_pg_open(const char *url, store **out, char *err, size_t errlen)
{
    *out = NULL;
    struct pg *p = xcalloc(1, sizeof *p);
    p->base.ops = &pg_ops;
    p->base.backend = STORE_PG;
    p->conn = PQconnectdb(url);
    if (!p->conn || PQstatus(p->conn) != CONNECTION_OK) {
        /* the message names host and port, never the password */
        store_fail(&p->base, STORE_ERROR, "postgresql: cannot connect: %s",
                   p->conn ? PQerrorMessage(p->conn) : "out of memory");
        str_fmt(err, errlen, "%s", p->base.err);
        goto fail;
    }
    PGresult *res = PQexec(p->conn, SESSION_SETTINGS);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        fail_res(p, res);
        PQclear(res);
        str_fmt(err, errlen, "%s", p->base.err);
        goto fail;
    }
    PQclear(res);
    *out = &p->base;
    return STORE_OK;
fail:
    PQfinish(p->conn);
    free(p);
    return STORE_ERROR;
}
