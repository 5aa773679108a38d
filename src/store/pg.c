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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "store/backend.h"

#define OID_BOOL 16
#define OID_INT8 20
#define OID_FLOAT8 701

struct pg {
    store base;
    PGconn *conn;
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

/* Brings a dropped connection back when no transaction is lost by it. */
static int ensure_conn(struct pg *p)
{
    if (PQstatus(p->conn) == CONNECTION_OK)
        return STORE_OK;
    if (p->base.in_tx)
        return store_fail(&p->base, STORE_ERROR, "postgresql: connection lost inside a transaction");
    PQreset(p->conn);
    if (PQstatus(p->conn) != CONNECTION_OK)
        return store_fail(&p->base, STORE_ERROR, "postgresql: connection lost: %s",
                          PQerrorMessage(p->conn));
    PGresult *res = PQexec(p->conn, "SET client_min_messages = warning");
    PQclear(res);
    return STORE_OK;
}

/* Runs one statement; *out receives a successful result (caller clears). */
static int run(struct pg *p, const char *sql, const store_val *params, int nparams, PGresult **out)
{
    const char *values[LIMIT_STORE_PARAMS];
    Oid types[LIMIT_STORE_PARAMS];
    char nums[LIMIT_STORE_PARAMS][40];
    *out = NULL;
    int rc = ensure_conn(p);
    if (rc)
        return rc;
    for (int i = 0; i < nparams; i++) {
        const store_val *v = &params[i];
        types[i] = 0;
        values[i] = NULL;
        switch (v->type) {
        case STORE_INT:
            snprintf(nums[i], sizeof nums[i], "%" PRId64, v->i);
            values[i] = nums[i];
            types[i] = OID_INT8;
            break;
        case STORE_REAL:
            snprintf(nums[i], sizeof nums[i], "%.17g", v->r);
            values[i] = nums[i];
            types[i] = OID_FLOAT8;
            break;
        case STORE_TEXT:
            values[i] = v->s;
            break;
        case STORE_NULL:
            break;
        default:
            return store_fail(&p->base, STORE_ERROR, "postgresql: parameter %d has an unknown type",
                              i + 1);
        }
    }
    int want = 0;
    char *dollar = store_sql_dollar(sql, &want);
    if (want != nparams) {
        /* PostgreSQL ignores surplus typed parameters; refuse like SQLite */
        free(dollar);
        return store_fail(&p->base, STORE_ERROR, "postgresql: statement takes %d parameters, %d given",
                          want, nparams);
    }
    PGresult *res = PQexecParams(p->conn, dollar, nparams, types, values, NULL, NULL, 0);
    free(dollar);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        rc = fail_res(p, res);
        PQclear(res);
        return rc;
    }
    *out = res;
    return STORE_OK;
}

static int pg_exec(store *s, const char *sql, const store_val *params, int nparams, int64_t *changes)
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
    return pg_exec(s, sql, NULL, 0, NULL);
}

static int pg_query(store *s, const char *sql, const store_val *params, int nparams, store_rows **out)
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

static void pg_close(store *s)
{
    struct pg *p = (struct pg *)s;
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
    PGresult *res = PQexec(p->conn, "SET client_min_messages = warning");
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
