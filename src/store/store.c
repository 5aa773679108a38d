/* store.c - the store interface: URL dispatch, argument checks, the
 * transaction state, and the SQL rewriting both backends share. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "store/backend.h"

int store_fail(store *s, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    /* one line: fold the multi-line messages some servers send */
    for (char *p = s->err; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    size_t n = strlen(s->err);
    while (n > 0 && s->err[n - 1] == ' ')
        s->err[--n] = '\0';
    return status;
}

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen > 0)
        str_fmt(err, errlen, "%s", msg);
}

const char *store_sqlite_path(const char *url)
{
    if (!url || str_starts(url, "postgres://") || str_starts(url, "postgresql://"))
        return NULL;
    const char *path = url;
    if (str_starts(url, "sqlite:")) {
        path = url + strlen("sqlite:");
        if (str_starts(path, "//"))
            path += 2;
    } else if (strstr(url, "://")) {
        return NULL;
    }
    return *path ? path : NULL;
}

int store_open(const char *url, store **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!url || !*url) {
        set_err(err, errlen, "store: empty database URL");
        return STORE_ERROR;
    }
    if (str_starts(url, "postgres://") || str_starts(url, "postgresql://"))
        return store_pg_open(url, out, err, errlen);
    const char *path = url;
    if (str_starts(url, "sqlite:")) {
        path = url + strlen("sqlite:");
        /* accept sqlite://PATH as well as sqlite:PATH */
        if (str_starts(path, "//"))
            path += 2;
    } else if (strstr(url, "://")) {
        char scheme[32];
        size_t n = (size_t)(strstr(url, "://") - url);
        if (n >= sizeof scheme)
            n = sizeof scheme - 1;
        memcpy(scheme, url, n);
        scheme[n] = '\0';
        if (err && errlen > 0)
            str_fmt(err, errlen,
                    "store: unsupported database URL scheme \"%s\" "
                    "(use sqlite:PATH, a file path, or postgresql://...)",
                    scheme);
        return STORE_ERROR;
    }
    if (!*path) {
        set_err(err, errlen, "store: empty SQLite file path");
        return STORE_ERROR;
    }
    return store_sqlite_open(path, out, err, errlen);
}

void store_free(store *s)
{
    if (!s)
        return;
    store_rollback(s);
    s->ops->close(s);
}

enum store_backend store_backend_of(const store *s)
{
    return s->backend;
}

const char *store_errmsg(const store *s)
{
    return s ? s->err : "store: no connection";
}

bool store_in_tx(const store *s)
{
    return s->in_tx;
}

int store_begin(store *s)
{
    if (s->in_tx)
        return store_fail(s, STORE_ERROR, "store: a transaction is already open");
    int rc = s->ops->control(s, s->ops->begin_sql);
    if (rc)
        return rc;
    s->in_tx = true;
    s->tx_failed = false;
    return STORE_OK;
}

int store_begin_read(store *s)
{
    if (s->in_tx)
        return store_fail(s, STORE_ERROR, "store: a transaction is already open");
    /* Deferred on SQLite: a read snapshot, no write lock. */
    int rc = s->ops->control(s, "BEGIN");
    if (rc)
        return rc;
    s->in_tx = true;
    s->tx_failed = false;
    return STORE_OK;
}

/* Rolls back, keeping the message of the failure that led here. */
static void rollback_keep_err(store *s)
{
    char saved[STORE_ERRMSG_BYTES];
    memcpy(saved, s->err, sizeof saved);
    store_batch_abandon(s);
    s->ops->control(s, "ROLLBACK");
    memcpy(s->err, saved, sizeof saved);
    s->in_tx = false;
    s->tx_failed = false;
    store_bulk_over(s, false);
}

int store_commit(store *s)
{
    if (!s->in_tx)
        return store_fail(s, STORE_ERROR, "store: commit without a transaction");
    if (s->tx_failed) {
        /* PostgreSQL turns such a COMMIT into ROLLBACK silently; say so */
        char first[STORE_ERRMSG_BYTES];
        memcpy(first, s->err, sizeof first);
        rollback_keep_err(s);
        return store_fail(s, STORE_ERROR,
                          "store: transaction rolled back after an earlier error: %s", first);
    }
    if (s->batch) {
        rollback_keep_err(s);
        return store_fail(s, STORE_ERROR, "store: commit with a batch still open; rolled back");
    }
    int rc = s->ops->control(s, "COMMIT");
    if (rc) {
        rollback_keep_err(s);
        return rc;
    }
    s->in_tx = false;
    store_bulk_over(s, true);
    return STORE_OK;
}

void store_rollback(store *s)
{
    if (!s || !s->in_tx)
        return;
    rollback_keep_err(s);
}

/* Common checks before a statement; 0 to go ahead. */
static int check(store *s, const char *sql, const store_val *params, int nparams)
{
    if (!sql)
        return store_fail(s, STORE_ERROR, "store: no SQL");
    if (nparams < 0 || nparams > LIMIT_STORE_PARAMS || (nparams > 0 && !params))
        return store_fail(s, STORE_ERROR, "store: bad parameter count %d (at most %d)", nparams,
                          LIMIT_STORE_PARAMS);
    if (s->in_tx && s->tx_failed)
        return store_fail(s, STORE_ERROR,
                          "store: transaction failed earlier; roll it back first (%s)", s->err);
    if (s->batch)
        return store_fail(s, STORE_ERROR, "store: a batch is open: end it first");
    return STORE_OK;
}

static int note(store *s, int rc)
{
    if (rc < 0 && s->in_tx)
        s->tx_failed = true;
    return rc;
}

int store_exec(store *s, const char *sql, const store_val *params, int nparams, int64_t *changes)
{
    if (changes)
        *changes = 0;
    int rc = check(s, sql, params, nparams);
    if (rc)
        return rc;
    return note(s, s->ops->exec(s, sql, params, nparams, changes));
}

int store_query(store *s, const char *sql, const store_val *params, int nparams, store_rows **out)
{
    *out = NULL;
    int rc = check(s, sql, params, nparams);
    if (rc)
        return rc;
    return note(s, s->ops->query(s, sql, params, nparams, out));
}

int store_exec_script(store *s, const char *sql)
{
    int rc = check(s, sql, NULL, 0);
    if (rc)
        return rc;
    return note(s, s->ops->exec_script(s, sql));
}

int store_next(store_rows *r)
{
    if (!r)
        return STORE_ERROR;
    return note(r->s, r->s->ops->next(r));
}

static bool col_ok(const store_rows *r, int col)
{
    return r && col >= 0 && col < r->ncols;
}

bool store_col_null(store_rows *r, int col)
{
    return col_ok(r, col) ? r->s->ops->col_null(r, col) : true;
}

int64_t store_col_int(store_rows *r, int col)
{
    return col_ok(r, col) ? r->s->ops->col_int(r, col) : 0;
}

double store_col_real(store_rows *r, int col)
{
    return col_ok(r, col) ? r->s->ops->col_real(r, col) : 0.0;
}

const char *store_col_text(store_rows *r, int col)
{
    return col_ok(r, col) ? r->s->ops->col_text(r, col) : NULL;
}

void store_rows_free(store_rows *r)
{
    if (r)
        r->s->ops->rows_free(r);
}

int store_query_int(store *s, const char *sql, const store_val *params, int nparams, int64_t *out)
{
    store_rows *r = NULL;
    int rc = store_query(s, sql, params, nparams, &r);
    if (rc)
        return rc;
    if (r->ncols < 1) {
        store_rows_free(r);
        return note(s, store_fail(s, STORE_ERROR, "store: query returns no columns"));
    }
    rc = store_next(r);
    if (rc == 1)
        *out = store_col_int(r, 0);
    store_rows_free(r);
    return rc;
}

/* Reads the first column of the rows into *out, growing it when grow
 * (then max is ignored). */
static int query_ints(store *s, const char *sql, const store_val *params, int nparams,
                      int64_t **out, size_t max, bool grow, size_t *n)
{
    store_rows *r = NULL;
    size_t cap = grow ? 0 : max;
    *n = 0;
    int rc = store_query(s, sql, params, nparams, &r);
    while (rc == STORE_OK && (grow || *n < max) && (rc = store_next(r)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        (*out)[(*n)++] = store_col_int(r, 0);
        rc = STORE_OK;
    }
    store_rows_free(r);
    if (rc < 0)
        *n = 0;
    return rc < 0 ? rc : STORE_OK;
}

int store_query_ints(store *s, const char *sql, const store_val *params, int nparams, int64_t *out,
                     size_t max, size_t *n)
{
    return query_ints(s, sql, params, nparams, &out, max, false, n);
}

int store_query_int_list(store *s, const char *sql, const store_val *params, int nparams,
                         int64_t **out, size_t *n)
{
    *out = NULL;
    int rc = query_ints(s, sql, params, nparams, out, 0, true, n);
    if (rc < 0) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- SQL rewriting ---- */

/* Length of the quoted run starting at p (p[0] is the quote), including
 * both quotes; a doubled quote inside stays inside. Unterminated runs
 * extend to the end. */
static size_t quoted_len(const char *p)
{
    char q = p[0];
    size_t i = 1;
    for (;;) {
        if (!p[i])
            return i;
        if (p[i] == q) {
            if (p[i + 1] == q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i++;
    }
}

char *store_sql_dollar(const char *sql, int *maxparam)
{
    size_t n = strlen(sql);
    int max = 0;
    char *out = xmalloc(n + 1);
    size_t i = 0, o = 0;
    while (i < n) {
        char c = sql[i];
        size_t run = 1;
        if (c == '\'' || c == '"') {
            run = quoted_len(sql + i);
        } else if (c == '-' && sql[i + 1] == '-') {
            const char *nl = strchr(sql + i, '\n');
            run = nl ? (size_t)(nl - (sql + i)) + 1 : n - i;
        } else if (c == '/' && sql[i + 1] == '*') {
            const char *end = strstr(sql + i + 2, "*/");
            run = end ? (size_t)(end - (sql + i)) + 2 : n - i;
        } else if (c == '?' && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
            out[o++] = '$';
            i++;
            int v = 0;
            while (sql[i] >= '0' && sql[i] <= '9') {
                if (v < 100000)
                    v = v * 10 + (sql[i] - '0');
                out[o++] = sql[i++];
            }
            if (v > max)
                max = v;
            continue;
        }
        memcpy(out + o, sql + i, run);
        o += run;
        i += run;
    }
    out[o] = '\0';
    if (maxparam)
        *maxparam = max;
    return out;
}

char *store_sql_tokens(const char *sql, enum store_backend b)
{
    static const struct {
        const char *token, *sqlite, *pg;
    } map[] = {
        {"{{id}}", "INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
        {"{{real}}", "REAL", "DOUBLE PRECISION"},
    };
    enum { NMAP = sizeof map / sizeof map[0] };
    /* two passes: measure, then write */
    char *out = NULL;
    size_t len = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t o = 0;
        for (const char *p = sql; *p;) {
            int k = 0;
            while (k < NMAP && !str_starts(p, map[k].token))
                k++;
            const char *put = p;
            size_t n = 1;
            if (k < NMAP) {
                put = b == STORE_PG ? map[k].pg : map[k].sqlite;
                n = strlen(put);
                p += strlen(map[k].token);
            } else {
                p++;
            }
            if (out)
                memcpy(out + o, put, n);
            o += n;
        }
        if (!out) {
            len = o;
            out = xmalloc(len + 1);
        }
    }
    out[len] = '\0';
    return out;
}
