/* test_store.c - the store contract, run against every backend.
 *
 * Every test runs against SQLite (a fresh file in a temporary folder) and,
 * when TANDEM_TEST_PG holds a PostgreSQL URL, against PostgreSQL too: the
 * suite creates its own database there (tandem_store_<pid>), resets its
 * public schema before each test and drops the database at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/str.h"
#include "store/backend.h"
#include "store/migrations.h"
#include "store/store.h"

static enum store_backend backend;
static char tmpdir[256];
static char url[1024];    /* the current test's database */
static char pg_url[1024]; /* the suite's private PostgreSQL database */
static int test_no;

/* ---- fixtures ---- */

static store *open_ok(void)
{
    store *s = NULL;
    char err[256] = "";
    int rc = store_open(url, &s, err, sizeof err);
    if (rc)
        fail_msg("store_open(%s): %s", backend == STORE_PG ? "postgresql" : url, err);
    return s;
}

static void exec_ok(store *s, const char *sql, const store_val *p, int n)
{
    int rc = store_exec(s, sql, p, n, NULL);
    if (rc)
        fail_msg("%s: %d %s", sql, rc, store_errmsg(s));
}

static int setup(void **state)
{
    test_no++;
    if (backend == STORE_SQLITE) {
        str_fmt(url, sizeof url, "sqlite:%s/t%d.db", tmpdir, test_no);
    } else {
        str_fmt(url, sizeof url, "%s", pg_url);
        store *s = open_ok();
        exec_ok(s, "DROP SCHEMA public CASCADE", NULL, 0);
        exec_ok(s, "CREATE SCHEMA public", NULL, 0);
        store_free(s);
    }
    *state = open_ok();
    return 0;
}

static int teardown(void **state)
{
    store_free(*state);
    return 0;
}

/* ---- tests ---- */

static void test_open_bad_url(void **state)
{
    (void)state;
    store *s = (store *)1;
    char err[256] = "";
    assert_int_equal(store_open("mysql://localhost/x", &s, err, sizeof err), STORE_ERROR);
    assert_null(s);
    assert_non_null(strstr(err, "mysql"));

    err[0] = '\0';
    assert_int_equal(store_open("", &s, err, sizeof err), STORE_ERROR);
    assert_null(s);
    assert_true(err[0] != '\0');

    err[0] = '\0';
    assert_int_equal(store_open("sqlite:", &s, err, sizeof err), STORE_ERROR);
    assert_true(err[0] != '\0');

    char path[600];
    str_fmt(path, sizeof path, "sqlite:%s/no/such/folder/x.db", tmpdir);
    err[0] = '\0';
    assert_int_equal(store_open(path, &s, err, sizeof err), STORE_ERROR);
    assert_null(s);
    assert_non_null(strstr(err, "cannot open"));

    /* a file that is not a database */
    char junk[600];
    str_fmt(junk, sizeof junk, "%s/junk.db", tmpdir);
    FILE *f = fopen(junk, "w");
    assert_non_null(f);
    for (int i = 0; i < 200; i++)
        fputs("this is not a database file\n", f);
    fclose(f);
    err[0] = '\0';
    assert_int_equal(store_open(junk, &s, err, sizeof err), STORE_ERROR);
    assert_null(s);
    assert_true(err[0] != '\0');

    /* nothing listens on port 1 */
    err[0] = '\0';
    assert_int_equal(
        store_open("postgresql://nobody@127.0.0.1:1/x?connect_timeout=2", &s, err, sizeof err),
        STORE_ERROR);
    assert_null(s);
    assert_non_null(strstr(err, "postgresql"));
    assert_null(strchr(err, '\n'));
}

static void test_backend_of(void **state)
{
    store *s = *state;
    assert_int_equal(store_backend_of(s), backend);
    assert_non_null(store_errmsg(s));
    assert_false(store_in_tx(s));
}

static void test_migrate_twice(void **state)
{
    store *s = *state;
    int db = -1, bin = -1;
    assert_int_equal(store_schema_version(s, &db, &bin), STORE_OK);
    assert_int_equal(db, 0);
    assert_int_equal(bin, store_migration_count);
    assert_true(bin >= 1);

    assert_int_equal(store_migrate(s), STORE_OK);
    assert_int_equal(store_schema_version(s, &db, &bin), STORE_OK);
    assert_int_equal(db, bin);
    assert_int_equal(store_migrate(s), STORE_OK);
    assert_int_equal(store_schema_version(s, &db, &bin), STORE_OK);
    assert_int_equal(db, bin);

    int64_t n = 0;
    assert_int_equal(store_query_int(s, "SELECT count(*) FROM schema_migrations", NULL, 0, &n), 1);
    assert_int_equal(n, store_migration_count);
    /* the migrated schema is usable */
    assert_int_equal(store_query_int(s, "SELECT count(*) FROM people", NULL, 0, &n), 1);
    assert_int_equal(n, 0);
}

static void test_refuse_newer(void **state)
{
    store *s = *state;
    assert_int_equal(store_migrate(s), STORE_OK);
    exec_ok(s,
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)",
            NULL, 0);
    assert_int_equal(store_migrate(s), STORE_NEWER);
    const char *msg = store_errmsg(s);
    assert_non_null(strstr(msg, "999"));
    char latest[16];
    str_fmt(latest, sizeof latest, "%d", store_migration_count);
    assert_non_null(strstr(msg, latest));
    assert_false(store_in_tx(s));
    int db = 0, bin = 0;
    assert_int_equal(store_schema_version(s, &db, &bin), STORE_OK);
    assert_int_equal(db, 999);
    /* the connection is still usable */
    int64_t n = 0;
    assert_int_equal(store_query_int(s, "SELECT count(*) FROM people", NULL, 0, &n), 1);
}

static void make_table(store *s)
{
    assert_int_equal(store_exec_script(s, "CREATE TABLE t (k BIGINT PRIMARY KEY, i BIGINT, "
                                          "r DOUBLE PRECISION, s TEXT);"
                                          "CREATE TABLE u (name TEXT NOT NULL UNIQUE)"),
                     STORE_OK);
}

static void test_params_all_types(void **state)
{
    store *s = *state;
    make_table(s);
    const char *quoted =
        "it's \"quoted\" ?1 -- not a comment; $1 /* nor */ \\ \xc3\xa9\xe2\x82\xac";
    store_val p[] = {SV_INT(1), SV_INT(INT64_MAX), SV_REAL(3.25), SV_TEXT(quoted)};
    exec_ok(s, "INSERT INTO t (k, i, r, s) VALUES (?1, ?2, ?3, ?4)", p, 4);
    store_val q[] = {SV_INT(2), SV_INT(INT64_MIN), SV_NULL, SV_TEXT(NULL)};
    exec_ok(s, "INSERT INTO t (k, i, r, s) VALUES (?1, ?2, ?3, ?4)", q, 4);
    store_val r3[] = {SV_INT(3), SV_NULL, SV_REAL(-0.1), SV_TEXT("")};
    exec_ok(s, "INSERT INTO t (k, i, r, s) VALUES (?1, ?2, ?3, ?4)", r3, 4);

    store_rows *r = NULL;
    assert_int_equal(store_query(s, "SELECT k, i, r, s FROM t ORDER BY k", NULL, 0, &r), STORE_OK);
    assert_int_equal(store_next(r), 1);
    assert_int_equal(store_col_int(r, 0), 1);
    assert_true(store_col_int(r, 1) == INT64_MAX);
    assert_true(store_col_real(r, 2) == 3.25);
    assert_string_equal(store_col_text(r, 3), quoted);
    assert_false(store_col_null(r, 3));

    assert_int_equal(store_next(r), 1);
    assert_true(store_col_int(r, 1) == INT64_MIN);
    assert_true(store_col_null(r, 2));
    assert_true(store_col_real(r, 2) == 0.0);
    assert_true(store_col_null(r, 3));
    assert_null(store_col_text(r, 3));

    assert_int_equal(store_next(r), 1);
    assert_true(store_col_null(r, 1));
    assert_int_equal(store_col_int(r, 1), 0);
    assert_true(store_col_real(r, 2) == -0.1);
    assert_string_equal(store_col_text(r, 3), ""); /* empty text is not NULL */
    assert_false(store_col_null(r, 3));

    assert_int_equal(store_next(r), 0);
    /* out-of-range columns are NULL, not a crash */
    assert_true(store_col_null(r, 7));
    assert_null(store_col_text(r, -1));
    store_rows_free(r);
}

static void test_question_marks_in_literals(void **state)
{
    store *s = *state;
    make_table(s);
    /* ?2 inside literals and identifiers is text, not a parameter */
    store_val p[] = {SV_INT(5), SV_TEXT("x")};
    exec_ok(s, "INSERT INTO t (k, s) VALUES (?1, 'lit ?2 ''and ?1'' ' || ?2) -- trailing ?2\n", p,
            2);
    store_rows *r = NULL;
    store_val k[] = {SV_INT(5)};
    assert_int_equal(store_query(s, "SELECT s AS \"what?1\" FROM t WHERE k = ?1", k, 1, &r),
                     STORE_OK);
    assert_int_equal(store_next(r), 1);
    assert_string_equal(store_col_text(r, 0), "lit ?2 'and ?1' x");
    store_rows_free(r);

    int max = -1;
    char *d = store_sql_dollar("SELECT '?1', \"?2\", ?3 /* ?4 */ -- ?50\n, ?10, ?", &max);
    assert_string_equal(d, "SELECT '?1', \"?2\", $3 /* ?4 */ -- ?50\n, $10, ?");
    assert_int_equal(max, 10);
    free(d);
    d = store_sql_dollar("SELECT 'it''s ?1' || ?1", &max);
    assert_string_equal(d, "SELECT 'it''s ?1' || $1");
    assert_int_equal(max, 1);
    free(d);
    d = store_sql_dollar("SELECT 'unterminated ?1", &max);
    assert_string_equal(d, "SELECT 'unterminated ?1");
    assert_int_equal(max, 0);
    free(d);
    d = store_sql_dollar("SELECT ?1 FROM \"a\"\"?2\" WHERE x = ?2", NULL);
    assert_string_equal(d, "SELECT $1 FROM \"a\"\"?2\" WHERE x = $2");
    free(d);
}

static void test_tokens(void **state)
{
    (void)state;
    char *t = store_sql_tokens("CREATE TABLE x (id {{id}}, w {{real}}, j TEXT DEFAULT '{}')",
                               STORE_SQLITE);
    assert_string_equal(t, "CREATE TABLE x (id INTEGER PRIMARY KEY, w REAL, j TEXT DEFAULT '{}')");
    free(t);
    t = store_sql_tokens("{{id}}{{real}}{{other}}", STORE_PG);
    assert_string_equal(t, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
                           "DOUBLE PRECISION{{other}}");
    free(t);
    t = store_sql_tokens("", STORE_PG);
    assert_string_equal(t, "");
    free(t);
}

static void test_param_order(void **state)
{
    store *s = *state;
    make_table(s);
    store_val p[] = {SV_INT(7), SV_TEXT("seven")};
    exec_ok(s, "INSERT INTO t (s, k) VALUES (?2, ?1)", p, 2);
    /* one parameter used twice, the second before the first */
    store_val q[] = {SV_TEXT("seven"), SV_INT(7)};
    int64_t v = 0;
    assert_int_equal(
        store_query_int(s, "SELECT k FROM t WHERE k = ?2 AND s = ?1 AND k = ?2", q, 2, &v), 1);
    assert_int_equal(v, 7);
    /* typed parameters work in expressions and IS NULL tests */
    store_val e[] = {SV_INT(40), SV_NULL};
    assert_int_equal(store_query_int(s, "SELECT ?1 + 2", e, 1, &v), 1);
    assert_int_equal(v, 42);
    assert_int_equal(
        store_query_int(
            s, "SELECT count(*) FROM t WHERE (CAST(?2 AS TEXT) IS NULL OR s = ?2) AND k < ?1", e, 2,
            &v),
        1);
    assert_int_equal(v, 1);
}

static void test_param_count_mismatch(void **state)
{
    store *s = *state;
    make_table(s);
    store_val p[] = {SV_INT(1), SV_INT(2)};
    assert_int_not_equal(store_exec(s, "INSERT INTO t (k) VALUES (?1)", p, 2, NULL), STORE_OK);
    assert_int_not_equal(store_exec(s, "INSERT INTO t (k, i) VALUES (?1, ?2)", p, 1, NULL),
                         STORE_OK);
    assert_int_equal(store_exec(s, "INSERT INTO t (k) VALUES (?1)", p, -1, NULL), STORE_ERROR);
    assert_int_equal(store_exec(s, "INSERT INTO t (k) VALUES (?1)", NULL, 1, NULL), STORE_ERROR);
    assert_int_equal(store_exec(s, "SELECT nonsense FROM nowhere", NULL, 0, NULL), STORE_ERROR);
    assert_true(strlen(store_errmsg(s)) > 0);
    assert_null(strchr(store_errmsg(s), '\n'));
    /* the connection still works */
    exec_ok(s, "INSERT INTO t (k) VALUES (?1)", p, 1);
}

static int64_t add_person(store *s, const char *email)
{
    store_val p[] = {SV_TEXT(email), SV_TEXT("A Person"), SV_INT(1700000000)};
    int64_t id = 0;
    int rc = store_query_int(s,
                             "INSERT INTO people (email, name, created_at, updated_at) "
                             "VALUES (?1, ?2, ?3, ?3) RETURNING id",
                             p, 3, &id);
    if (rc == 1)
        return id;
    return rc;
}

static void test_returning_id(void **state)
{
    store *s = *state;
    assert_int_equal(store_migrate(s), STORE_OK);
    int64_t a = add_person(s, "a@example.org");
    int64_t b = add_person(s, "b@example.org");
    assert_true(a > 0);
    assert_true(b > a);

    store_rows *r = NULL;
    store_val p[] = {SV_TEXT("c@example.org"), SV_TEXT("C"), SV_INT(5)};
    assert_int_equal(store_query(s,
                                 "INSERT INTO people (email, name, created_at, updated_at) "
                                 "VALUES (?1, ?2, ?3, ?3) RETURNING id, email, created_at",
                                 p, 3, &r),
                     STORE_OK);
    assert_int_equal(store_next(r), 1);
    assert_true(store_col_int(r, 0) > b);
    assert_string_equal(store_col_text(r, 1), "c@example.org");
    assert_int_equal(store_col_int(r, 2), 5);
    assert_int_equal(store_next(r), 0);
    store_rows_free(r);
}

static void test_conflict(void **state)
{
    store *s = *state;
    assert_int_equal(store_migrate(s), STORE_OK);
    assert_true(add_person(s, "a@example.org") > 0);
    assert_int_equal(add_person(s, "a@example.org"), STORE_CONFLICT);
    assert_non_null(store_errmsg(s));
    /* a foreign key refusal too */
    store_val p[] = {SV_TEXT("h"), SV_INT(424242), SV_TEXT("c"), SV_INT(1)};
    assert_int_equal(
        store_exec(s,
                   "INSERT INTO sessions (token_hash, person_id, csrf_token, created_at, "
                   "last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?4, ?4)",
                   p, 4, NULL),
        STORE_CONFLICT);
    /* through store_exec as well as store_query */
    store_val q[] = {SV_TEXT("a@example.org"), SV_TEXT("x"), SV_INT(1)};
    assert_int_equal(store_exec(s,
                                "INSERT INTO people (email, name, created_at, updated_at) "
                                "VALUES (?1, ?2, ?3, ?3)",
                                q, 3, NULL),
                     STORE_CONFLICT);
    /* ON CONFLICT DO NOTHING is not an error and changes nothing */
    int64_t changes = -1;
    assert_int_equal(store_exec(s,
                                "INSERT INTO people (email, name, created_at, updated_at) "
                                "VALUES (?1, ?2, ?3, ?3) ON CONFLICT (email) DO NOTHING",
                                q, 3, &changes),
                     STORE_OK);
    assert_int_equal(changes, 0);
    assert_int_equal(
        store_exec(s,
                   "INSERT INTO people (email, name, created_at, updated_at) "
                   "VALUES (?1, ?2, ?3, ?3) ON CONFLICT (email) DO UPDATE SET name = excluded.name",
                   q, 3, &changes),
        STORE_OK);
    assert_int_equal(changes, 1);
    store_rows *r = NULL;
    assert_int_equal(store_query(s, "SELECT name FROM people", NULL, 0, &r), STORE_OK);
    assert_int_equal(store_next(r), 1);
    assert_string_equal(store_col_text(r, 0), "x");
    store_rows_free(r);
}

static void test_rollback_discards(void **state)
{
    store *s = *state;
    make_table(s);
    store_rollback(s); /* no-op outside a transaction */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_true(store_in_tx(s));
    assert_int_equal(store_begin(s), STORE_ERROR); /* no nesting */
    store_val p[] = {SV_INT(1)};
    exec_ok(s, "INSERT INTO t (k) VALUES (?1)", p, 1);
    store_rollback(s);
    assert_false(store_in_tx(s));
    int64_t n = -1;
    assert_int_equal(store_query_int(s, "SELECT count(*) FROM t", NULL, 0, &n), 1);
    assert_int_equal(n, 0);
    assert_int_equal(store_commit(s), STORE_ERROR); /* nothing to commit */
}

static void test_commit_keeps(void **state)
{
    store *s = *state;
    make_table(s);
    assert_int_equal(store_begin(s), STORE_OK);
    store_val p[] = {SV_INT(1)};
    exec_ok(s, "INSERT INTO t (k) VALUES (?1)", p, 1);
    assert_int_equal(store_commit(s), STORE_OK);
    assert_false(store_in_tx(s));
    store_rollback(s);

    /* visible from another connection */
    store *o = open_ok();
    int64_t n = -1;
    assert_int_equal(store_query_int(o, "SELECT count(*) FROM t", NULL, 0, &n), 1);
    assert_int_equal(n, 1);
    store_free(o);
}

static void test_failed_tx_must_roll_back(void **state)
{
    store *s = *state;
    make_table(s);
    store_val p[] = {SV_INT(1)};
    exec_ok(s, "INSERT INTO t (k) VALUES (?1)", p, 1);
    assert_int_equal(store_begin(s), STORE_OK);
    store_val q[] = {SV_INT(2)};
    exec_ok(s, "INSERT INTO t (k) VALUES (?1)", q, 1);
    assert_int_equal(store_exec(s, "INSERT INTO t (k) VALUES (?1)", p, 1, NULL), STORE_CONFLICT);
    assert_non_null(strstr(store_errmsg(s), "")); /* message kept */
    /* the same on both backends: the transaction is spoiled */
    assert_int_equal(store_exec(s, "INSERT INTO t (k) VALUES (3)", NULL, 0, NULL), STORE_ERROR);
    assert_int_equal(store_commit(s), STORE_ERROR);
    assert_false(store_in_tx(s));
    int64_t n = -1;
    assert_int_equal(store_query_int(s, "SELECT count(*) FROM t", NULL, 0, &n), 1);
    assert_int_equal(n, 1);

    /* rollback keeps the failure's message */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_exec(s, "INSERT INTO t (k) VALUES (?1)", p, 1, NULL), STORE_CONFLICT);
    char msg[STORE_ERRMSG_BYTES];
    str_fmt(msg, sizeof msg, "%s", store_errmsg(s));
    store_rollback(s);
    assert_string_equal(store_errmsg(s), msg);
    assert_false(store_in_tx(s));
}

static void test_rows_iteration(void **state)
{
    store *s = *state;
    make_table(s);
    assert_int_equal(store_begin(s), STORE_OK);
    for (int k = 1; k <= 300; k++) {
        char text[32];
        str_fmt(text, sizeof text, "row %d", k);
        store_val p[] = {SV_INT(k), SV_INT(k * 10), SV_REAL(k / 4.0), SV_TEXT(text)};
        exec_ok(s, "INSERT INTO t (k, i, r, s) VALUES (?1, ?2, ?3, ?4)", p, 4);
    }
    assert_int_equal(store_commit(s), STORE_OK);

    store_rows *r = NULL;
    store_val lo[] = {SV_INT(100)};
    assert_int_equal(store_query(s, "SELECT k, i, r, s FROM t WHERE k > ?1 ORDER BY k", lo, 1, &r),
                     STORE_OK);
    int seen = 0;
    int64_t sum = 0;
    int rc;
    while ((rc = store_next(r)) == 1) {
        seen++;
        int64_t k = store_col_int(r, 0);
        assert_int_equal(k, 100 + seen);
        sum += store_col_int(r, 1);
        assert_true(store_col_real(r, 2) == k / 4.0);
        char want[32];
        str_fmt(want, sizeof want, "row %d", (int)k);
        assert_string_equal(store_col_text(r, 3), want);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(store_next(r), 0); /* stays at the end */
    store_rows_free(r);
    assert_int_equal(seen, 200);
    assert_int_equal(sum, 10 * (300 * 301 / 2 - 100 * 101 / 2));

    /* no rows at all */
    store_val none[] = {SV_INT(1000)};
    assert_int_equal(store_query(s, "SELECT k FROM t WHERE k > ?1", none, 1, &r), STORE_OK);
    assert_int_equal(store_next(r), 0);
    store_rows_free(r);
    store_rows_free(NULL);

    /* rows freed early, then the same statement again */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(store_query(s, "SELECT k FROM t ORDER BY k", NULL, 0, &r), STORE_OK);
        assert_int_equal(store_next(r), 1);
        assert_int_equal(store_col_int(r, 0), 1);
        store_rows_free(r);
    }

    /* changes */
    int64_t changes = -1;
    store_val up[] = {SV_INT(290)};
    assert_int_equal(store_exec(s, "UPDATE t SET s = 'x' WHERE k > ?1", up, 1, &changes), STORE_OK);
    assert_int_equal(changes, 10);
    assert_int_equal(store_exec(s, "DELETE FROM t WHERE k > ?1", up, 1, &changes), STORE_OK);
    assert_int_equal(changes, 10);
    assert_int_equal(store_exec(s, "DELETE FROM t WHERE k > ?1", up, 1, &changes), STORE_OK);
    assert_int_equal(changes, 0);
}

static void test_query_int(void **state)
{
    store *s = *state;
    make_table(s);
    int64_t v = -1;
    assert_int_equal(store_query_int(s, "SELECT count(*) FROM t", NULL, 0, &v), 1);
    assert_int_equal(v, 0);
    v = -1;
    assert_int_equal(store_query_int(s, "SELECT k FROM t", NULL, 0, &v), 0);
    assert_int_equal(v, -1); /* untouched when no row */
    store_val p[] = {SV_INT(9), SV_INT(-12345678901234)};
    exec_ok(s, "INSERT INTO t (k, i) VALUES (?1, ?2)", p, 2);
    assert_int_equal(store_query_int(s, "SELECT i FROM t WHERE k = ?1", p, 1, &v), 1);
    assert_true(v == -12345678901234);
    assert_int_equal(store_query_int(s, "SELECT MAX(k) FROM t", NULL, 0, &v), 1);
    assert_int_equal(v, 9);
    assert_int_equal(store_query_int(s, "SELECT k FROM nowhere", NULL, 0, &v), STORE_ERROR);
}

/* The first column of every row, in order: into a bounded array (rows past
 * the bound unread) and into a growing one (past its first 16). */
static void test_query_ints(void **state)
{
    store *s = *state;
    make_table(s);
    int64_t few[3] = {-1, -1, -1}, *all = (int64_t *)1;
    size_t n = 99;
    assert_int_equal(store_query_ints(s, "SELECT k FROM t ORDER BY k", NULL, 0, few, 3, &n),
                     STORE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_query_int_list(s, "SELECT k FROM t", NULL, 0, &all, &n), STORE_OK);
    assert_null(all);
    assert_int_equal(n, 0);
    for (int64_t k = 1; k <= 40; k++) {
        store_val p[] = {SV_INT(k * 7 % 41)};
        exec_ok(s, "INSERT INTO t (k) VALUES (?1)", p, 1);
    }
    store_val lo[] = {SV_INT(5)};
    assert_int_equal(
        store_query_ints(s, "SELECT k FROM t WHERE k > ?1 ORDER BY k DESC", lo, 1, few, 3, &n),
        STORE_OK);
    assert_int_equal(n, 3);
    assert_true(few[0] == 40 && few[1] == 39 && few[2] == 38);
    assert_int_equal(store_query_int_list(s, "SELECT k FROM t ORDER BY k", NULL, 0, &all, &n),
                     STORE_OK);
    assert_int_equal(n, 40);
    for (size_t i = 0; i < n; i++)
        assert_true(all[i] == (int64_t)i + 1);
    free(all);
    n = 99;
    assert_int_equal(store_query_int_list(s, "SELECT k FROM nowhere", NULL, 0, &all, &n),
                     STORE_ERROR);
    assert_null(all);
    assert_int_equal(n, 0);
    assert_int_equal(store_query_ints(s, "SELECT k FROM nowhere", NULL, 0, few, 3, &n),
                     STORE_ERROR);
    assert_int_equal(n, 0);
}

static void test_exec_script(void **state)
{
    store *s = *state;
    assert_int_equal(store_exec_script(s, "CREATE TABLE a (x BIGINT, y TEXT);\n"
                                          "-- a comment; with a semicolon\n"
                                          "INSERT INTO a VALUES (1, 'one');\n"
                                          "INSERT INTO a VALUES (2, 'two; three');\n"),
                     STORE_OK);
    int64_t n = 0;
    assert_int_equal(store_query_int(s, "SELECT count(*) FROM a", NULL, 0, &n), 1);
    assert_int_equal(n, 2);
    assert_int_equal(store_exec_script(s, "INSERT INTO a VALUES (1); SELECT nonsense FROM nowhere"),
                     STORE_ERROR);
    assert_true(strlen(store_errmsg(s)) > 0);
}

static void test_statement_cache(void **state)
{
    store *s = *state;
    make_table(s);
    /* more distinct statements than the cache holds, each run twice */
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 300; i++) {
            char sql[96];
            str_fmt(sql, sizeof sql, "SELECT count(*) + %d FROM t WHERE k > ?1", i);
            store_val p[] = {SV_INT(0)};
            int64_t v = -1;
            assert_int_equal(store_query_int(s, sql, p, 1, &v), 1);
            assert_int_equal(v, i);
        }
    }
    /* the same SQL while its rows are still open (the cached statement is
     * busy) still works */
    store_val p[] = {SV_INT(1), SV_INT(2)};
    exec_ok(s, "INSERT INTO t (k) VALUES (?1), (?2)", p, 2);
    store_rows *outer = NULL, *inner = NULL;
    const char *sql = "SELECT k FROM t ORDER BY k";
    assert_int_equal(store_query(s, sql, NULL, 0, &outer), STORE_OK);
    assert_int_equal(store_next(outer), 1);
    assert_int_equal(store_query(s, sql, NULL, 0, &inner), STORE_OK);
    assert_int_equal(store_next(inner), 1);
    assert_int_equal(store_next(inner), 1);
    assert_int_equal(store_col_int(inner, 0), 2);
    store_rows_free(inner);
    assert_int_equal(store_col_int(outer, 0), 1);
    assert_int_equal(store_next(outer), 1);
    assert_int_equal(store_col_int(outer, 0), 2);
    store_rows_free(outer);
    /* a cached statement survives a change of the table under it */
    assert_int_equal(store_query(s, "SELECT * FROM t ORDER BY k", NULL, 0, &outer), STORE_OK);
    assert_int_equal(outer->ncols, 4);
    store_rows_free(outer);
    exec_ok(s, "ALTER TABLE t ADD COLUMN z TEXT", NULL, 0);
    assert_int_equal(store_query(s, "SELECT * FROM t ORDER BY k", NULL, 0, &outer), STORE_OK);
    assert_int_equal(outer->ncols, 5);
    assert_int_equal(store_next(outer), 1);
    store_rows_free(outer);
    /* several statements in one store_exec are refused */
    assert_int_equal(
        store_exec(s, "INSERT INTO t (k) VALUES (5); INSERT INTO t (k) VALUES (6)", NULL, 0, NULL),
        STORE_ERROR);
}

/* ---- concurrency ---- */

struct writer {
    int id;
    int rows;
    int failures;
    char err[256];
};

static void *write_rows(void *arg)
{
    struct writer *w = arg;
    store *s = NULL;
    if (store_open(url, &s, w->err, sizeof w->err)) {
        w->failures = w->rows;
        return NULL;
    }
    for (int i = 0; i < w->rows; i++) {
        store_val p[] = {SV_INT(w->id * 100000 + i), SV_INT(w->id)};
        int rc = store_begin(s);
        if (!rc)
            rc = store_exec(s, "INSERT INTO t (k, i) VALUES (?1, ?2)", p, 2, NULL);
        if (!rc)
            rc = store_exec(s, "UPDATE t SET r = COALESCE(r, 0) + 1 WHERE k = 0", NULL, 0, NULL);
        if (!rc)
            rc = store_commit(s);
        if (rc) {
            store_rollback(s);
            w->failures++;
            str_fmt(w->err, sizeof w->err, "%s", store_errmsg(s));
        }
    }
    store_free(s);
    return NULL;
}

static void test_concurrent_writers(void **state)
{
    store *s = *state;
    make_table(s);
    exec_ok(s, "INSERT INTO t (k, r) VALUES (0, 0)", NULL, 0);
    enum { N = 4, ROWS = 150 };
    pthread_t th[N];
    struct writer w[N];
    for (int i = 0; i < N; i++) {
        w[i] = (struct writer){.id = i + 1, .rows = ROWS};
        assert_int_equal(pthread_create(&th[i], NULL, write_rows, &w[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        if (w[i].failures)
            fail_msg("writer %d: %d failures, last: %s", i, w[i].failures, w[i].err);
    }
    int64_t n = 0;
    assert_int_equal(store_query_int(s, "SELECT count(*) FROM t WHERE k > 0", NULL, 0, &n), 1);
    assert_int_equal(n, N * ROWS);
    assert_int_equal(store_query_int(s, "SELECT r FROM t WHERE k = 0", NULL, 0, &n), 1);
    assert_int_equal(n, N * ROWS);
}

struct waiter {
    int rc;
    double waited;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *begin_and_insert(void *arg)
{
    struct waiter *w = arg;
    store *s = NULL;
    char err[256];
    w->rc = store_open(url, &s, err, sizeof err);
    if (w->rc)
        return NULL;
    double t0 = now_s();
    w->rc = store_begin(s);
    if (!w->rc)
        w->rc = store_exec(s, "UPDATE t SET i = 2 WHERE k = 0", NULL, 0, NULL);
    if (!w->rc)
        w->rc = store_exec(s, "INSERT INTO t (k) VALUES (2)", NULL, 0, NULL);
    w->waited = now_s() - t0;
    if (!w->rc)
        w->rc = store_commit(s);
    store_free(s);
    return NULL;
}

/* A second writer waits for the first (the busy timeout on SQLite, the
 * row lock on PostgreSQL) instead of failing. */
static void test_writer_waits(void **state)
{
    store *s = *state;
    make_table(s);
    exec_ok(s, "INSERT INTO t (k) VALUES (0)", NULL, 0);
    assert_int_equal(store_begin(s), STORE_OK);
    exec_ok(s, "INSERT INTO t (k) VALUES (1)", NULL, 0);
    exec_ok(s, "UPDATE t SET i = 1 WHERE k = 0", NULL, 0);

    struct waiter w = {.rc = 99};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, begin_and_insert, &w), 0);
    usleep(300 * 1000);
    assert_int_equal(store_commit(s), STORE_OK);
    pthread_join(th, NULL);
    assert_int_equal(w.rc, STORE_OK);
    assert_true(w.waited >= 0.2);
    int64_t n = 0;
    assert_int_equal(store_query_int(s, "SELECT count(*) FROM t", NULL, 0, &n), 1);
    assert_int_equal(n, 3);
}

static void *migrate_once(void *arg)
{
    int *rc = arg;
    store *s = NULL;
    char err[256];
    *rc = store_open(url, &s, err, sizeof err);
    if (!*rc)
        *rc = store_migrate(s);
    if (*rc)
        fprintf(stderr, "migrate: %s\n", s ? store_errmsg(s) : err);
    store_free(s);
    return NULL;
}

static void test_concurrent_migrate(void **state)
{
    store *s = *state;
    enum { N = 4 };
    pthread_t th[N];
    int rc[N];
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_create(&th[i], NULL, migrate_once, &rc[i]), 0);
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(rc[i], STORE_OK);
    }
    int db = 0, bin = 0;
    assert_int_equal(store_schema_version(s, &db, &bin), STORE_OK);
    assert_int_equal(db, bin);
    int64_t n = 0;
    assert_int_equal(store_query_int(s, "SELECT count(*) FROM schema_migrations", NULL, 0, &n), 1);
    assert_int_equal(n, bin);
}

/* A writer that cannot get its lock in time reports STORE_BUSY. */
static void test_busy(void **state)
{
    store *s = *state;
    make_table(s);
    exec_ok(s, "INSERT INTO t (k) VALUES (1)", NULL, 0);
    store *o = open_ok();
    exec_ok(o, backend == STORE_SQLITE ? "PRAGMA busy_timeout = 50" : "SET lock_timeout = 50", NULL,
            0);
    assert_int_equal(store_begin(s), STORE_OK);
    exec_ok(s, "UPDATE t SET i = 1 WHERE k = 1", NULL, 0);
    int rc = store_begin(o);
    if (rc == STORE_OK) /* PostgreSQL: BEGIN takes no lock; the row does */
        rc = store_exec(o, "UPDATE t SET i = 2 WHERE k = 1", NULL, 0, NULL);
    assert_int_equal(rc, STORE_BUSY);
    store_rollback(o);
    assert_false(store_in_tx(o));
    assert_int_equal(store_commit(s), STORE_OK);
    assert_int_equal(store_begin(o), STORE_OK);
    exec_ok(o, "UPDATE t SET i = 2 WHERE k = 1", NULL, 0);
    assert_int_equal(store_commit(o), STORE_OK);
    store_free(o);
}

/* What each backend is opened with, and values that render differently
 * on the two unless the store smooths them over. */
static void test_settings_and_values(void **state)
{
    store *s = *state;
    make_table(s);
    exec_ok(s, "INSERT INTO t (k, i, r) VALUES (1, 10, 0.5)", NULL, 0);
    store_rows *r = NULL;
    assert_int_equal(
        store_query(s, "SELECT k = 1, k = 2, AVG(i), SUM(i) FROM t GROUP BY k", NULL, 0, &r),
        STORE_OK);
    assert_int_equal(store_next(r), 1);
    assert_int_equal(store_col_int(r, 0), 1);
    assert_string_equal(store_col_text(r, 0), "1");
    assert_int_equal(store_col_int(r, 1), 0);
    assert_string_equal(store_col_text(r, 1), "0");
    assert_true(store_col_real(r, 2) == 10.0);
    assert_int_equal(store_col_int(r, 2), 10);
    assert_int_equal(store_col_int(r, 3), 10);
    store_rows_free(r);

    if (backend != STORE_SQLITE)
        return;
    assert_int_equal(store_query(s, "PRAGMA journal_mode", NULL, 0, &r), STORE_OK);
    assert_int_equal(store_next(r), 1);
    assert_string_equal(store_col_text(r, 0), "wal");
    store_rows_free(r);
    int64_t v = 0;
    assert_int_equal(store_query_int(s, "PRAGMA foreign_keys", NULL, 0, &v), 1);
    assert_int_equal(v, 1);
    assert_int_equal(store_query_int(s, "PRAGMA busy_timeout", NULL, 0, &v), 1);
    assert_true(v > 0);
}

/* PostgreSQL: a connection the server dropped comes back on the next
 * statement outside a transaction. */
static void test_pg_reconnect(void **state)
{
    store *s = *state;
    if (backend != STORE_PG)
        skip();
    int64_t pid = 0, ok = 0;
    assert_int_equal(store_query_int(s, "SELECT pg_backend_pid()", NULL, 0, &pid), 1);
    store *o = open_ok();
    store_val p[] = {SV_INT(pid)};
    assert_int_equal(
        store_query_int(o, "SELECT pg_terminate_backend(CAST(?1 AS INTEGER))", p, 1, &ok), 1);
    assert_int_equal(ok, 1);
    store_free(o);
    usleep(100 * 1000);
    int64_t v = 0;
    assert_int_equal(store_query_int(s, "SELECT 1", NULL, 0, &v), STORE_ERROR);
    assert_null(strchr(store_errmsg(s), '\n'));
    assert_int_equal(store_query_int(s, "SELECT 2", NULL, 0, &v), 1);
    assert_int_equal(v, 2);
    /* prepared statements were forgotten with the old session */
    assert_int_equal(store_query_int(s, "SELECT pg_backend_pid()", NULL, 0, &v), 1);
    assert_true(v != pid);
}

/* ---- batches: many rows into one table (store_batch_*) ---- */

static const char *const batch_cols[] = {"k", "i", "r", "s"};

/* Texts that COPY's text format must escape, and some that it need not. */
static const char *const awkward[] = {
    "plain", "tab\there",  "line\nbreak",         "return\rhere", "back\\slash",
    "\\N",   "",           "quote ' and \" both", "Ünïcödé ✓",    "comma, semicolon; pipe |",
    "\\.",   "trailing\\",
};
enum { NAWKWARD = sizeof awkward / sizeof awkward[0] };

static void test_batch_inserts_every_row_and_value(void **state)
{
    store *s = *state;
    make_table(s);
    assert_int_equal(store_exec_script(s, "CREATE TABLE d (k BIGINT PRIMARY KEY, "
                                          "note TEXT NOT NULL DEFAULT 'none')"),
                     STORE_OK);
    assert_int_equal(store_begin(s), STORE_OK);
    store_batch *b = NULL;
    assert_int_equal(store_batch_begin(s, "t", batch_cols, 4, &b), STORE_OK);
    enum { N = 5000 }; /* past the PostgreSQL backend's flush size */
    char text[64];
    for (int k = 0; k < N; k++) {
        store_val v[4] = {SV_INT(k), SV_INT(-k * 1000003LL), SV_REAL(k / 8.0), SV_NULL};
        if (k % 3 == 0)
            v[3] = SV_TEXT(awkward[k % NAWKWARD]);
        else if (k % 3 == 1) {
            str_fmt(text, sizeof text, "row %d", k);
            v[3] = SV_TEXT(text); /* used before the call returns */
        } else {
            v[1] = SV_NULL;
            v[2] = SV_NULL;
            v[3] = SV_TEXT(NULL);
        }
        assert_int_equal(store_batch_add(b, v), STORE_OK);
    }
    assert_int_equal(store_batch_end(b), STORE_OK);
    /* a column not named takes its default */
    static const char *const dcols[] = {"k"};
    assert_int_equal(store_batch_begin(s, "d", dcols, 1, &b), STORE_OK);
    assert_int_equal(store_batch_add(b, (store_val[]){SV_INT(7)}), STORE_OK);
    assert_int_equal(store_batch_end(b), STORE_OK);
    assert_int_equal(store_commit(s), STORE_OK);

    int64_t n = 0;
    assert_int_equal(store_query_int(s, "SELECT COUNT(*) FROM t", NULL, 0, &n), 1);
    assert_int_equal(n, N);
    store_rows *r = NULL;
    assert_int_equal(store_query(s, "SELECT k, i, r, s FROM t ORDER BY k", NULL, 0, &r), STORE_OK);
    for (int k = 0; k < N; k++) {
        assert_int_equal(store_next(r), 1);
        assert_int_equal(store_col_int(r, 0), k);
        if (k % 3 == 2) {
            assert_true(store_col_null(r, 1) && store_col_null(r, 2) && store_col_null(r, 3));
            continue;
        }
        assert_int_equal(store_col_int(r, 1), -k * 1000003LL);
        assert_true(store_col_real(r, 2) == k / 8.0);
        if (k % 3 == 0) {
            assert_string_equal(store_col_text(r, 3), awkward[k % NAWKWARD]);
        } else {
            str_fmt(text, sizeof text, "row %d", k);
            assert_string_equal(store_col_text(r, 3), text);
        }
    }
    assert_int_equal(store_next(r), 0);
    store_rows_free(r);
    char *note = NULL;
    assert_int_equal(store_query(s, "SELECT note FROM d WHERE k = 7", NULL, 0, &r), STORE_OK);
    assert_int_equal(store_next(r), 1);
    note = strdup(store_col_text(r, 0));
    store_rows_free(r);
    assert_string_equal(note, "none");
    free(note);
}

/* A row a constraint refuses fails the batch (at the row or at the end,
 * as the backend finds it) and spoils the transaction: nothing stays. */
static void test_batch_conflict_spoils_the_transaction(void **state)
{
    store *s = *state;
    make_table(s);
    exec_ok(s, "INSERT INTO u (name) VALUES ('taken')", NULL, 0);
    static const char *const cols[] = {"name"};
    assert_int_equal(store_begin(s), STORE_OK);
    store_batch *b = NULL;
    assert_int_equal(store_batch_begin(s, "u", cols, 1, &b), STORE_OK);
    int rc = STORE_OK;
    const char *names[] = {"a", "b", "taken", "c"};
    for (int i = 0; i < 4 && rc == STORE_OK; i++)
        rc = store_batch_add(b, (store_val[]){SV_TEXT(names[i])});
    int end = store_batch_end(b);
    if (rc == STORE_OK)
        rc = end;
    assert_int_equal(rc, STORE_CONFLICT);
    int64_t n = 0;
    assert_int_equal(store_query_int(s, "SELECT COUNT(*) FROM u", NULL, 0, &n), STORE_ERROR);
    assert_int_equal(store_commit(s), STORE_ERROR);
    assert_int_equal(store_query_int(s, "SELECT COUNT(*) FROM u", NULL, 0, &n), 1);
    assert_int_equal(n, 1);

    /* NULL in a NOT NULL column: refused too */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_batch_begin(s, "u", cols, 1, &b), STORE_OK);
    rc = store_batch_add(b, (store_val[]){SV_NULL});
    end = store_batch_end(b);
    assert_int_equal(rc == STORE_OK ? end : rc, STORE_CONFLICT);
    store_rollback(s);
    assert_int_equal(store_query_int(s, "SELECT COUNT(*) FROM u", NULL, 0, &n), 1);
    assert_int_equal(n, 1);
}

/* store_batch_end_later: a batch's failure may come from the next
 * statement or batch (PostgreSQL reads a COPY's result only then); it
 * spoils the transaction as before, and good batches ended that way are
 * all in at the commit, the next batch's rows included. */
static void test_batch_ended_later_reports_at_the_next_statement(void **state)
{
    store *s = *state;
    make_table(s);
    exec_ok(s, "INSERT INTO u (name) VALUES ('taken')", NULL, 0);
    static const char *const cols[] = {"name"};
    assert_int_equal(store_begin(s), STORE_OK);
    store_batch *b = NULL;
    char name[48];
    for (int k = 0; k < 2; k++) {
        assert_int_equal(store_batch_begin(s, "u", cols, 1, &b), STORE_OK);
        int rc = STORE_OK;
        for (int i = 0; i < 3000 && rc == STORE_OK; i++) {
            snprintf(name, sizeof name, "batch %d row %d", k, i);
            rc = store_batch_add(b, (store_val[]){SV_TEXT(name)});
        }
        assert_int_equal(rc, STORE_OK);
        assert_int_equal(store_batch_end_later(b), STORE_OK);
    }
    assert_int_equal(store_commit(s), STORE_OK);
    int64_t n = 0;
    assert_int_equal(store_query_int(s, "SELECT COUNT(*) FROM u", NULL, 0, &n), 1);
    assert_int_equal(n, 6001);

    /* a conflict in the first batch: the second batch or the query says so */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_batch_begin(s, "u", cols, 1, &b), STORE_OK);
    int rc = store_batch_add(b, (store_val[]){SV_TEXT("new")});
    if (rc == STORE_OK)
        rc = store_batch_add(b, (store_val[]){SV_TEXT("taken")});
    int end = store_batch_end_later(b);
    if (rc == STORE_OK)
        rc = end;
    if (rc == STORE_OK) {
        rc = store_batch_begin(s, "u", cols, 1, &b);
        for (int i = 0; i < 40000 && rc == STORE_OK; i++) {
            snprintf(name, sizeof name, "later %d", i);
            rc = store_batch_add(b, (store_val[]){SV_TEXT(name)});
        }
        end = store_batch_end_later(b);
        if (rc == STORE_OK)
            rc = end;
    }
    if (rc == STORE_OK)
        rc = store_query_int(s, "SELECT COUNT(*) FROM u", NULL, 0, &n);
    assert_int_equal(rc, STORE_CONFLICT);
    assert_int_equal(store_commit(s), STORE_ERROR);
    assert_int_equal(store_query_int(s, "SELECT COUNT(*) FROM u", NULL, 0, &n), 1);
    assert_int_equal(n, 6001);

    /* the last batch's conflict, reported by the commit */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_batch_begin(s, "u", cols, 1, &b), STORE_OK);
    rc = store_batch_add(b, (store_val[]){SV_TEXT("taken")});
    end = store_batch_end_later(b);
    if (rc == STORE_OK)
        rc = end;
    if (rc == STORE_OK)
        rc = store_commit(s);
    else
        store_rollback(s);
    assert_int_not_equal(rc, STORE_OK);
    assert_int_equal(store_query_int(s, "SELECT COUNT(*) FROM u", NULL, 0, &n), 1);
    assert_int_equal(n, 6001);
}

static void test_batch_refuses_misuse(void **state)
{
    store *s = *state;
    make_table(s);
    store_batch *b = (store_batch *)1;
    /* outside a transaction */
    assert_int_equal(store_batch_begin(s, "t", batch_cols, 4, &b), STORE_ERROR);
    assert_null(b);
    assert_int_equal(store_batch_end(NULL), STORE_OK);
    /* names that are not plain, and no columns */
    assert_int_equal(store_begin(s), STORE_OK);
    static const char *const evil[] = {"k); DROP TABLE t; --"};
    assert_int_equal(store_batch_begin(s, "t", evil, 1, &b), STORE_ERROR);
    store_rollback(s);
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_batch_begin(s, "t; x", batch_cols, 4, &b), STORE_ERROR);
    store_rollback(s);
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_batch_begin(s, "t", batch_cols, 0, &b), STORE_ERROR);
    store_rollback(s);
    /* a table that does not exist */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_batch_begin(s, "nowhere", batch_cols, 4, &b), STORE_ERROR);
    assert_null(b);
    store_rollback(s);

    /* no other statement, no second batch and no commit while one is open */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_batch_begin(s, "t", batch_cols, 4, &b), STORE_OK);
    store_batch *other = NULL;
    assert_int_equal(store_batch_begin(s, "t", batch_cols, 4, &other), STORE_ERROR);
    int64_t n = 0;
    assert_int_equal(store_query_int(s, "SELECT 1", NULL, 0, &n), STORE_ERROR);
    assert_non_null(strstr(store_errmsg(s), "batch"));
    assert_int_equal(store_batch_add(b, (store_val[]){SV_INT(1), SV_INT(1), SV_REAL(1), SV_NULL}),
                     STORE_OK);
    assert_int_equal(store_commit(s), STORE_ERROR); /* rolled back */
    assert_int_equal(store_batch_end(b), STORE_ERROR);
    assert_int_equal(store_query_int(s, "SELECT COUNT(*) FROM t", NULL, 0, &n), 1);
    assert_int_equal(n, 0);

    /* a rollback with a batch open abandons it; the connection goes on */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_batch_begin(s, "t", batch_cols, 4, &b), STORE_OK);
    assert_int_equal(store_batch_add(b, (store_val[]){SV_INT(2), SV_INT(2), SV_REAL(2), SV_NULL}),
                     STORE_OK);
    store_rollback(s);
    assert_int_equal(store_batch_add(b, (store_val[]){SV_INT(3), SV_INT(3), SV_REAL(3), SV_NULL}),
                     STORE_ERROR);
    assert_int_equal(store_batch_end(b), STORE_ERROR);
    assert_int_equal(store_query_int(s, "SELECT COUNT(*) FROM t", NULL, 0, &n), 1);
    assert_int_equal(n, 0);
}

static int64_t cache_size(store *s)
{
    int64_t v = 0;
    assert_int_equal(store_query_int(s, "PRAGMA cache_size", NULL, 0, &v), 1);
    return v;
}

/* store_bulk tunes the transaction and is undone when it ends, committed
 * or rolled back. */
static void test_bulk_tuning_lasts_one_transaction(void **state)
{
    store *s = *state;
    make_table(s);
    assert_int_equal(store_bulk(s, 1000), STORE_ERROR); /* outside a transaction */
    int64_t before = backend == STORE_SQLITE ? cache_size(s) : 0;
    for (int commit = 0; commit < 2; commit++) {
        assert_int_equal(store_begin(s), STORE_OK);
        assert_int_equal(store_bulk(s, 50000), STORE_OK);
        assert_int_equal(store_bulk(s, 50000), STORE_OK); /* once is enough */
        if (backend == STORE_SQLITE)
            assert_int_equal(cache_size(s), -200000); /* 4 KiB a row, in KiB */
        exec_ok(s, "INSERT INTO t (k) VALUES (?1)", (store_val[]){SV_INT(commit)}, 1);
        if (commit)
            assert_int_equal(store_commit(s), STORE_OK);
        else
            store_rollback(s);
        if (backend == STORE_SQLITE)
            assert_int_equal(cache_size(s), before);
    }
    /* capped */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_bulk(s, 100000000), STORE_OK);
    if (backend == STORE_SQLITE)
        assert_int_equal(cache_size(s), -(int64_t)(LIMIT_STORE_BULK_CACHE / 1024));
    assert_int_equal(store_commit(s), STORE_OK);
    /* a small write needs nothing */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_bulk(s, 10), STORE_OK);
    if (backend == STORE_SQLITE)
        assert_int_equal(cache_size(s), before);
    store_rollback(s);
}

/* After a commit the tables asked for are vacuumed and analysed on
 * PostgreSQL (their pages marked all-visible); a rollback asks nothing. */
static void test_refresh_after_commit(void **state)
{
    store *s = *state;
    make_table(s);
    assert_int_equal(store_refresh_after_commit(s, "t"), STORE_ERROR); /* outside a transaction */
    for (int commit = 0; commit < 2; commit++) {
        assert_int_equal(store_begin(s), STORE_OK);
        store_batch *b = NULL;
        assert_int_equal(store_batch_begin(s, "t", batch_cols, 4, &b), STORE_OK);
        for (int k = 0; k < 2000; k++) {
            store_val v[] = {SV_INT(commit * 10000 + k), SV_INT(k), SV_REAL(k), SV_TEXT("x")};
            assert_int_equal(store_batch_add(b, v), STORE_OK);
        }
        assert_int_equal(store_batch_end(b), STORE_OK);
        assert_int_equal(store_refresh_after_commit(s, "t"), STORE_OK);
        assert_int_equal(store_refresh_after_commit(s, "t"), STORE_OK); /* once is enough */
        assert_int_equal(store_refresh_after_commit(s, "t; DROP TABLE t"), STORE_ERROR);
        if (commit)
            assert_int_equal(store_commit(s), STORE_OK);
        else
            store_rollback(s);
        if (backend != STORE_PG)
            continue;
        int64_t visible = -1;
        assert_int_equal(store_query_int(s,
                                         "SELECT relallvisible FROM pg_class WHERE relname = 't'",
                                         NULL, 0, &visible),
                         1);
        if (commit)
            assert_true(visible > 0);
        else
            assert_int_equal(visible, 0);
    }
    int64_t n = 0;
    assert_int_equal(store_query_int(s, "SELECT COUNT(*) FROM t", NULL, 0, &n), 1);
    assert_int_equal(n, 2000);
    /* at most STORE_REFRESH_TABLES a transaction */
    assert_int_equal(store_begin(s), STORE_OK);
    const char *names[] = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < STORE_REFRESH_TABLES; i++)
        assert_int_equal(store_refresh_after_commit(s, names[i]), STORE_OK);
    assert_int_equal(store_refresh_after_commit(s, names[STORE_REFRESH_TABLES]), STORE_ERROR);
    store_rollback(s);
}

/* Ids reserved in a transaction are new, rise, and are taken by the rows
 * inserted with them; a second transaction gets others. */
static void test_reserve_ids(void **state)
{
    store *s = *state;
    char *ddl = store_sql_tokens("CREATE TABLE r (id {{id}}, v TEXT)", backend);
    assert_int_equal(store_exec_script(s, ddl), STORE_OK);
    free(ddl);
    exec_ok(s, "INSERT INTO r (v) VALUES ('before')", NULL, 0);
    int64_t ids[3000], more[5];
    assert_int_equal(store_reserve_ids(s, "r", 3, ids), STORE_ERROR); /* outside a transaction */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_reserve_ids(s, "r; x", 3, ids), STORE_ERROR);
    assert_int_equal(store_reserve_ids(s, "r", 0, ids), STORE_OK);
    assert_int_equal(store_reserve_ids(s, "r", 3000, ids), STORE_OK);
    for (int i = 1; i < 3000; i++)
        assert_true(ids[i] > ids[i - 1]);
    assert_true(ids[0] > 1);
    static const char *const cols[] = {"id", "v"};
    store_batch *b = NULL;
    assert_int_equal(store_batch_begin(s, "r", cols, 2, &b), STORE_OK);
    for (int i = 0; i < 3000; i++)
        assert_int_equal(store_batch_add(b, (store_val[]){SV_INT(ids[i]), SV_TEXT("batch")}),
                         STORE_OK);
    assert_int_equal(store_batch_end(b), STORE_OK);
    assert_int_equal(store_commit(s), STORE_OK);
    /* the next rows, reserved or not, come after */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_reserve_ids(s, "r", 5, more), STORE_OK);
    assert_true(more[0] > ids[2999]);
    int64_t next = 0;
    assert_int_equal(
        store_query_int(s, "INSERT INTO r (v) VALUES ('after') RETURNING id", NULL, 0, &next), 1);
    assert_true(next > ids[2999]);
    store_rollback(s);
    int64_t n = 0;
    assert_int_equal(store_query_int(s, "SELECT COUNT(*) FROM r WHERE v = 'batch'", NULL, 0, &n),
                     1);
    assert_int_equal(n, 3000);
}

static void test_rows_per_statement(void **state)
{
    store *s = *state;
    if (backend == STORE_SQLITE) {
        assert_int_equal(store_rows_per_statement(s, 4, 1, false), 1);
        assert_int_equal(store_rows_per_statement(s, 1, 0, true), LIMIT_STORE_SQLITE_QUERY_PARAMS);
        assert_int_equal(store_rows_per_statement(s, 2, 6, true),
                         (LIMIT_STORE_SQLITE_QUERY_PARAMS - 6) / 2);
    } else {
        assert_int_equal(store_rows_per_statement(s, 4, 1, false), (LIMIT_STORE_PARAMS - 1) / 4);
        assert_int_equal(store_rows_per_statement(s, 1, 0, true), LIMIT_STORE_PARAMS);
    }
    assert_int_equal(store_rows_per_statement(s, LIMIT_STORE_PARAMS * 2, 0, true), 1);
    /* the figure works: a look-up of that many ids in one statement */
    size_t n = store_rows_per_statement(s, 1, 0, true);
    store_val *v = calloc(n, sizeof *v);
    char *sql = calloc(n * 8 + 64, 1);
    size_t o = (size_t)sprintf(sql, "SELECT COUNT(*) FROM (SELECT 1 AS x) q WHERE 1 IN (");
    for (size_t i = 0; i < n; i++) {
        v[i] = SV_INT((int64_t)i);
        o += (size_t)snprintf(sql + o, 16, "%s?%zu", i ? "," : "", i + 1);
    }
    strcat(sql, ")");
    int64_t c = 0;
    assert_int_equal(store_query_int(s, sql, v, (int)n, &c), 1);
    assert_int_equal(c, 1);
    free(sql);
    free(v);
}

/* ---- driver ---- */

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_open_bad_url, setup, teardown),
    cmocka_unit_test_setup_teardown(test_backend_of, setup, teardown),
    cmocka_unit_test_setup_teardown(test_migrate_twice, setup, teardown),
    cmocka_unit_test_setup_teardown(test_refuse_newer, setup, teardown),
    cmocka_unit_test_setup_teardown(test_params_all_types, setup, teardown),
    cmocka_unit_test_setup_teardown(test_question_marks_in_literals, setup, teardown),
    cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
    cmocka_unit_test_setup_teardown(test_param_order, setup, teardown),
    cmocka_unit_test_setup_teardown(test_param_count_mismatch, setup, teardown),
    cmocka_unit_test_setup_teardown(test_returning_id, setup, teardown),
    cmocka_unit_test_setup_teardown(test_conflict, setup, teardown),
    cmocka_unit_test_setup_teardown(test_rollback_discards, setup, teardown),
    cmocka_unit_test_setup_teardown(test_commit_keeps, setup, teardown),
    cmocka_unit_test_setup_teardown(test_failed_tx_must_roll_back, setup, teardown),
    cmocka_unit_test_setup_teardown(test_rows_iteration, setup, teardown),
    cmocka_unit_test_setup_teardown(test_query_int, setup, teardown),
    cmocka_unit_test_setup_teardown(test_query_ints, setup, teardown),
    cmocka_unit_test_setup_teardown(test_exec_script, setup, teardown),
    cmocka_unit_test_setup_teardown(test_statement_cache, setup, teardown),
    cmocka_unit_test_setup_teardown(test_concurrent_writers, setup, teardown),
    cmocka_unit_test_setup_teardown(test_writer_waits, setup, teardown),
    cmocka_unit_test_setup_teardown(test_concurrent_migrate, setup, teardown),
    cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
    cmocka_unit_test_setup_teardown(test_settings_and_values, setup, teardown),
    cmocka_unit_test_setup_teardown(test_pg_reconnect, setup, teardown),
    cmocka_unit_test_setup_teardown(test_batch_inserts_every_row_and_value, setup, teardown),
    cmocka_unit_test_setup_teardown(test_batch_conflict_spoils_the_transaction, setup, teardown),
    cmocka_unit_test_setup_teardown(test_batch_ended_later_reports_at_the_next_statement, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_batch_refuses_misuse, setup, teardown),
    cmocka_unit_test_setup_teardown(test_bulk_tuning_lasts_one_transaction, setup, teardown),
    cmocka_unit_test_setup_teardown(test_rows_per_statement, setup, teardown),
    cmocka_unit_test_setup_teardown(test_refresh_after_commit, setup, teardown),
    cmocka_unit_test_setup_teardown(test_reserve_ids, setup, teardown),
};

/* Replaces the database name in a postgresql:// URL (the path after the
 * host), keeping any ?options. */
static int url_with_db(const char *base, const char *db, char *out, size_t n)
{
    const char *host = strstr(base, "://");
    if (!host)
        return -1;
    host += 3;
    const char *path = strchr(host, '/');
    const char *query = strchr(host, '?');
    if (query && path && path > query)
        path = NULL;
    size_t hostlen = path ? (size_t)(path - base) : query ? (size_t)(query - base) : strlen(base);
    return str_fmt(out, n, "%.*s/%s%s", (int)hostlen, base, db, query ? query : "") ? 0 : -1;
}

static int run_pg(const char *maint)
{
    char dbname[64], err[512];
    str_fmt(dbname, sizeof dbname, "tandem_store_%ld", (long)getpid());
    if (url_with_db(maint, dbname, pg_url, sizeof pg_url)) {
        fprintf(stderr, "TANDEM_TEST_PG is not a postgresql:// URL\n");
        return 1;
    }
    store *m = NULL;
    if (store_open(maint, &m, err, sizeof err)) {
        fprintf(stderr, "TANDEM_TEST_PG: %s\n", err);
        return 1;
    }
    char sql[160];
    str_fmt(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", dbname);
    if (store_exec(m, sql, NULL, 0, NULL))
        fprintf(stderr, "warning: %s\n", store_errmsg(m)); /* CREATE below says more */
    str_fmt(sql, sizeof sql, "CREATE DATABASE %s", dbname);
    if (store_exec(m, sql, NULL, 0, NULL)) {
        fprintf(stderr, "TANDEM_TEST_PG: %s\n", store_errmsg(m));
        store_free(m);
        return 1;
    }
    backend = STORE_PG;
    int failed = cmocka_run_group_tests_name("store on postgresql", tests, NULL, NULL);
    str_fmt(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
    if (store_exec(m, sql, NULL, 0, NULL))
        fprintf(stderr, "warning: %s\n", store_errmsg(m));
    store_free(m);
    return failed;
}

static void remove_tree(const char *dir)
{
    char cmd[600];
    if (str_fmt(cmd, sizeof cmd, "rm -rf '%s'", dir) && system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    str_fmt(tmpdir, sizeof tmpdir, "%s/tandem-store-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    backend = STORE_SQLITE;
    int failed = cmocka_run_group_tests_name("store on sqlite", tests, NULL, NULL);
    const char *pg = getenv("TANDEM_TEST_PG");
    if (pg && *pg)
        failed += run_pg(pg);
    else
        fprintf(stderr, "note: TANDEM_TEST_PG not set; PostgreSQL tests skipped\n");
    remove_tree(tmpdir);
    return failed ? 1 : 0;
}
