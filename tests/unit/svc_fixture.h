/* svc_fixture.h - a real database for the service suites.
 *
 * Every test gets a fresh, migrated database: a new SQLite file in a
 * temporary folder and, when TANDEM_TEST_PG holds a PostgreSQL URL (as
 * tests/run sets it), the suite runs a second time against a database of
 * its own there (tandem_svc_<pid>), whose schema is reset before each
 * test and which is dropped at the end - as test_store.c does.
 *
 * A suite includes this header once and calls fx_main() from main().
 * The helpers set up people, programs and participations the way the
 * API does, through services where one exists.
 */
#ifndef TANDEM_TESTS_SVC_FIXTURE_H
#define TANDEM_TESTS_SVC_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/str.h"
#include "domain/program.h"
#include "service/participation.h"
#include "service/program.h"
#include "store/store.h"

static enum store_backend fx_backend;
static char fx_tmp[256], fx_url[1024], fx_pg[1024];
static int fx_no;

static inline store *fx_open(void)
{
    store *s = NULL;
    char err[256] = "";
    if (store_open(fx_url, &s, err, sizeof err))
        fail_msg("store_open: %s", err);
    return s;
}

static inline void fx_exec(store *s, const char *sql)
{
    if (store_exec(s, sql, NULL, 0, NULL))
        fail_msg("%s: %s", sql, store_errmsg(s));
}

static inline int fx_setup(void **state)
{
    fx_no++;
    if (fx_backend == STORE_SQLITE) {
        str_fmt(fx_url, sizeof fx_url, "sqlite:%s/t%d.db", fx_tmp, fx_no);
    } else {
        str_fmt(fx_url, sizeof fx_url, "%s", fx_pg);
        store *s = fx_open();
        fx_exec(s, "DROP SCHEMA public CASCADE");
        fx_exec(s, "CREATE SCHEMA public");
        store_free(s);
    }
    store *db = fx_open();
    if (store_migrate(db))
        fail_msg("migrate: %s", store_errmsg(db));
    *state = db;
    return 0;
}

static inline int fx_teardown(void **state)
{
    store_free(*state);
    return 0;
}

/* ---- data the way the API makes it ---- */

/* A person (site role member); manager 0 for none. */
static inline int64_t fx_person(store *db, const char *name, int64_t manager)
{
    static int serial;
    char email[128];
    str_fmt(email, sizeof email, "%s.%d@example.org", name, ++serial);
    str_ascii_lower(email);
    store_val p[] = {SV_TEXT(email), SV_TEXT(name), manager ? SV_INT(manager) : SV_NULL};
    int64_t id = 0;
    if (store_query_int(db,
                        "INSERT INTO people (email, name, manager_id, created_at, updated_at) "
                        "VALUES (?1, ?2, ?3, 0, 0) RETURNING id",
                        p, 3, &id) != 1)
        fail_msg("person %s: %s", name, store_errmsg(db));
    return id;
}

/* A program with the configuration sections of `json` (normalised), whose
 * creator coordinates it. */
static inline int64_t fx_program(store *db, int64_t creator, const char *json)
{
    json_t *in = json_loads(json, 0, NULL);
    struct program_config cfg;
    verr e = {0};
    if (!in || program_config_normalize(in, NULL, &cfg, &e))
        fail_msg("config: %s %s", e.field, e.msg);
    json_decref(in);
    svc_actor actor = {.person_id = creator};
    struct svc_program_input pin = {
        .name = "Program", .description = "", .status = "matching", .cfg = &cfg};
    int64_t id = 0;
    if (svc_program_create(db, &actor, &pin, &id) != SVC_OK)
        fail_msg("program: %s", store_errmsg(db));
    program_config_cleanup(&cfg);
    return id;
}

static inline struct program_config fx_config(store *db, int64_t program)
{
    struct program_config cfg;
    assert_int_equal(svc_program_config(db, program, &cfg, NULL, 0), SVC_OK);
    return cfg;
}

/* A participation of the person in the program with the role, moved along
 * the funnel to `status` (and trained when asked). */
static inline int64_t fx_part(store *db, int64_t program, int64_t person, const char *role,
                              enum stage status, int64_t capacity, int64_t wants, bool trained)
{
    store_val p[] = {SV_INT(program), SV_INT(person), SV_TEXT(role),
                     capacity ? SV_INT(capacity) : SV_NULL, wants ? SV_INT(wants) : SV_NULL};
    int64_t id = 0;
    if (store_query_int(db,
                        "INSERT INTO participations (program_id, person_id, role, status, "
                        "capacity, wants, created_at, updated_at, sort_name, email) SELECT ?1, "
                        "?2, ?3, 'invited', ?4, ?5, 0, 0, name, email FROM people WHERE id = ?2 "
                        "RETURNING id",
                        p, 5, &id) != 1)
        fail_msg("participation: %s", store_errmsg(db));
    if (trained)
        assert_int_equal(svc_participation_stage(db, id, STAGE_TRAINED, 1), STORE_OK);
    assert_int_equal(svc_participation_stage(db, id, status, 1), STORE_OK);
    return id;
}

/* A count from the database, for checking what a service wrote. */
static inline int64_t fx_count(store *db, const char *sql, int64_t arg)
{
    store_val p[] = {SV_INT(arg)};
    int64_t n = -1;
    if (store_query_int(db, sql, p, 1, &n) != 1)
        fail_msg("%s: %s", sql, store_errmsg(db));
    return n;
}

/* ---- running the suite on each backend ---- */

static inline int fx_pg_url(const char *base, const char *name, char *out, size_t n)
{
    const char *host = strstr(base, "://");
    if (!host)
        return -1;
    host += 3;
    const char *path = strchr(host, '/'), *query = strchr(host, '?');
    if (query && path && path > query)
        path = NULL;
    size_t hostlen = path ? (size_t)(path - base) : query ? (size_t)(query - base) : strlen(base);
    return str_fmt(out, n, "%.*s/%s%s", (int)hostlen, base, name, query ? query : "") ? 0 : -1;
}

static inline int fx_run_pg(const char *suite, const struct CMUnitTest *tests, size_t n,
                            const char *maint)
{
    char name[64], sql[160], err[512], title[128];
    str_fmt(name, sizeof name, "tandem_svc_%ld", (long)getpid());
    if (fx_pg_url(maint, name, fx_pg, sizeof fx_pg)) {
        fprintf(stderr, "TANDEM_TEST_PG is not a postgresql:// URL\n");
        return 1;
    }
    store *m = NULL;
    if (store_open(maint, &m, err, sizeof err)) {
        fprintf(stderr, "TANDEM_TEST_PG: %s\n", err);
        return 1;
    }
    str_fmt(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", name);
    if (store_exec(m, sql, NULL, 0, NULL))
        fprintf(stderr, "warning: %s\n", store_errmsg(m));
    str_fmt(sql, sizeof sql, "CREATE DATABASE %s", name);
    if (store_exec(m, sql, NULL, 0, NULL)) {
        fprintf(stderr, "TANDEM_TEST_PG: %s\n", store_errmsg(m));
        store_free(m);
        return 1;
    }
    fx_backend = STORE_PG;
    str_fmt(title, sizeof title, "%s on postgresql", suite);
    int failed = _cmocka_run_group_tests(title, tests, n, NULL, NULL);
    str_fmt(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
    if (store_exec(m, sql, NULL, 0, NULL))
        fprintf(stderr, "warning: %s\n", store_errmsg(m));
    store_free(m);
    return failed;
}

static inline int fx_main(const char *suite, const struct CMUnitTest *tests, size_t n)
{
    const char *base = getenv("TMPDIR");
    char title[128], cmd[600];
    str_fmt(fx_tmp, sizeof fx_tmp, "%s/tandem-svc-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(fx_tmp)) {
        perror("mkdtemp");
        return 1;
    }
    log_set_level(LOG_WARN); /* no line per migration applied */
    fx_backend = STORE_SQLITE;
    str_fmt(title, sizeof title, "%s on sqlite", suite);
    int failed = _cmocka_run_group_tests(title, tests, n, NULL, NULL);
    const char *pg = getenv("TANDEM_TEST_PG");
    if (pg && *pg)
        failed += fx_run_pg(suite, tests, n, pg);
    else
        fprintf(stderr, "note: TANDEM_TEST_PG not set; PostgreSQL runs skipped\n");
    if (str_fmt(cmd, sizeof cmd, "rm -rf '%s'", fx_tmp) && system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", fx_tmp);
    return failed ? 1 : 0;
}

#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
#define FX_MAIN(name, tests) fx_main(name, tests, sizeof tests / sizeof tests[0])

#endif
