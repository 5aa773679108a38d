/* test_svc_ratelimit.c - the sign-in counters (service/ratelimit.h), on SQLite
 * and, when TANDEM_TEST_PG is set, on PostgreSQL.
 *
 * The limits are shrunk (3 failures lock an account, 5 an address, 2 the
 * global count; 6 live counters fill the table) and time is passed in, so
 * every rule shows in a few calls: a lock holds for its whole time whatever
 * else arrives, a full table adds no counter and never drops a live one,
 * the address is checked first, and two connections share the counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/str.h"
#include "service/ratelimit.h"
#include "store/store.h"

static enum store_backend backend;
static char tmpdir[256];
static char url[1024];
static char pg_url[1024];
static int test_no;

static const struct svc_ratelimit_config cfg = {
    .account_attempts = 3,
    .address_attempts = 5,
    .global_attempts = 2,
    .window_s = 100,
    .lock_s = 100,
    .max_counters = 6,
};

#define T0 1000000 /* "now" at the start of every test */

static store *open_ok(void)
{
    store *s = NULL;
    char err[256] = "";
    if (store_open(url, &s, err, sizeof err))
        fail_msg("store_open: %s", err);
    return s;
}

static int setup(void **state)
{
    test_no++;
    if (backend == STORE_SQLITE) {
        str_fmt(url, sizeof url, "sqlite:%s/t%d.db", tmpdir, test_no);
    } else {
        str_fmt(url, sizeof url, "%s", pg_url);
        store *s = open_ok();
        assert_int_equal(store_exec(s, "DROP SCHEMA public CASCADE", NULL, 0, NULL), 0);
        assert_int_equal(store_exec(s, "CREATE SCHEMA public", NULL, 0, NULL), 0);
        store_free(s);
    }
    store *s = open_ok();
    assert_int_equal(store_migrate(s), 0);
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    store_free(*state);
    return 0;
}

/* The seconds until a sign-in may be tried (0: now). */
static int64_t wait_for(store *s, const char *email, const char *ip, int64_t now)
{
    int64_t retry = -1;
    assert_int_equal(store_begin_read(s), 0);
    assert_int_equal(svc_ratelimit_check(s, &cfg, email, ip, now, &retry), 0);
    assert_int_equal(store_commit(s), 0);
    assert_true(retry >= 0);
    return retry;
}

static void fail_once(store *s, const char *email, const char *ip, int64_t now)
{
    assert_int_equal(store_begin(s), 0);
    assert_int_equal(svc_ratelimit_failed(s, &cfg, email, ip, now), 0);
    assert_int_equal(store_commit(s), 0);
}

static void succeed(store *s, const char *email, int64_t now)
{
    assert_int_equal(store_begin(s), 0);
    assert_int_equal(svc_ratelimit_succeeded(s, &cfg, email, now), 0);
    assert_int_equal(store_commit(s), 0);
}

static int64_t rows(store *s)
{
    int64_t n = -1;
    assert_int_equal(store_query_int(s, "SELECT COUNT(*) FROM signin_counters", NULL, 0, &n), 1);
    return n;
}

static void test_nothing_counted_allows(void **state)
{
    store *s = *state;
    assert_int_equal(wait_for(s, "a@example.org", "192.0.2.1", T0), 0);
    assert_int_equal(rows(s), 0);
}

static void test_an_account_locks_for_the_whole_lock_time(void **state)
{
    store *s = *state;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(wait_for(s, "a@example.org", "192.0.2.1", T0 + i), 0);
        fail_once(s, "a@example.org", "192.0.2.1", T0 + i);
    }
    /* Locked at the third failure, for lock_s from then, from anywhere. */
    assert_int_equal(wait_for(s, "a@example.org", "192.0.2.1", T0 + 2), 100);
    assert_int_equal(wait_for(s, "A@Example.org", "198.51.100.7", T0 + 50), 52);
    assert_int_equal(wait_for(s, "a@example.org", "198.51.100.7", T0 + 101), 1);
    assert_int_equal(wait_for(s, "a@example.org", "198.51.100.7", T0 + 102), 0);
    /* Other accounts were never locked. */
    assert_int_equal(wait_for(s, "b@example.org", "198.51.100.8", T0 + 3), 0);
}

static void test_a_full_table_never_drops_a_live_lock(void **state)
{
    store *s = *state;
    for (int i = 0; i < 3; i++)
        fail_once(s, "victim@example.org", "192.0.2.1", T0);
    assert_int_equal(wait_for(s, "victim@example.org", "192.0.2.1", T0), 100);
    /* A flood: many e-mails from many addresses, far past the table's size. */
    char email[64], ip[64];
    for (int i = 0; i < 60; i++) {
        str_fmt(email, sizeof email, "flood%d@example.org", i);
        str_fmt(ip, sizeof ip, "203.0.113.%d", i + 1);
        fail_once(s, email, ip, T0 + 1 + i);
    }
    /* The table stayed at its size (plus the global counter) ... */
    assert_true(rows(s) <= cfg.max_counters + 1);
    /* ... and the lock holds to its last second. */
    assert_int_equal(wait_for(s, "victim@example.org", "192.0.2.9", T0 + 99), 1);
    assert_int_equal(wait_for(s, "victim@example.org", "192.0.2.9", T0 + 100), 0);
}

static void test_when_full_new_keys_share_the_global_count(void **state)
{
    store *s = *state;
    /* Three addresses and three accounts: six live counters, a full table. */
    fail_once(s, "one@example.org", "192.0.2.1", T0);
    fail_once(s, "two@example.org", "192.0.2.2", T0);
    fail_once(s, "three@example.org", "192.0.2.3", T0);
    assert_int_equal(rows(s), 6);
    /* Keys that have a counter carry on as before. */
    assert_int_equal(wait_for(s, "one@example.org", "192.0.2.1", T0 + 1), 0);
    /* New keys go to the global count: two failures lock every new key. */
    fail_once(s, "new1@example.org", "198.51.100.1", T0 + 1);
    assert_int_equal(rows(s), 7); /* the global counter, nothing else */
    assert_int_equal(wait_for(s, "new2@example.org", "198.51.100.2", T0 + 2), 0);
    fail_once(s, "new2@example.org", "198.51.100.2", T0 + 2);
    assert_int_equal(wait_for(s, "new3@example.org", "198.51.100.3", T0 + 3), 99);
    assert_int_equal(wait_for(s, "one@example.org", "192.0.2.1", T0 + 3), 0);
    /* Once the old counters' window is over there is room again. */
    fail_once(s, "new4@example.org", "198.51.100.4", T0 + 150);
    assert_int_equal(wait_for(s, "new5@example.org", "198.51.100.5", T0 + 150), 0);
    assert_int_equal(wait_for(s, "new4@example.org", "198.51.100.4", T0 + 150), 0);
}

static void test_the_address_is_checked_first(void **state)
{
    store *s = *state;
    char email[64];
    for (int i = 0; i < 5; i++) {
        str_fmt(email, sizeof email, "guess%d@example.org", i);
        fail_once(s, email, "192.0.2.66", T0);
    }
    assert_int_equal(rows(s), 6);
    /* Any account from the locked address, even one never seen. */
    assert_int_equal(wait_for(s, "never@example.org", "192.0.2.66", T0 + 10), 90);
    /* Checking stores nothing. */
    assert_int_equal(rows(s), 6);
    assert_int_equal(wait_for(s, "never@example.org", "192.0.2.67", T0 + 10), 0);
}

static void test_a_right_password_clears_the_account_not_the_address(void **state)
{
    store *s = *state;
    fail_once(s, "a@example.org", "192.0.2.1", T0);
    fail_once(s, "a@example.org", "192.0.2.1", T0);
    succeed(s, "a@example.org", T0 + 1);
    fail_once(s, "a@example.org", "192.0.2.1", T0 + 2);
    fail_once(s, "a@example.org", "192.0.2.1", T0 + 2);
    assert_int_equal(wait_for(s, "a@example.org", "192.0.2.1", T0 + 2), 0); /* 2 of 3 */
    fail_once(s, "b@example.org", "192.0.2.1", T0 + 3);                     /* the address's 5th */
    assert_int_equal(wait_for(s, "c@example.org", "192.0.2.1", T0 + 3), 100);
}

static void test_a_count_starts_again_after_its_window(void **state)
{
    store *s = *state;
    fail_once(s, "a@example.org", "192.0.2.1", T0);
    fail_once(s, "a@example.org", "192.0.2.1", T0 + 10);
    fail_once(s, "a@example.org", "192.0.2.1", T0 + 100); /* the window began at T0 */
    fail_once(s, "a@example.org", "192.0.2.1", T0 + 101);
    assert_int_equal(wait_for(s, "a@example.org", "192.0.2.1", T0 + 101), 0);
    fail_once(s, "a@example.org", "192.0.2.1", T0 + 102);
    assert_int_equal(wait_for(s, "a@example.org", "192.0.2.1", T0 + 102), 100);
}

static void test_keys_are_keyed_hashes(void **state)
{
    store *s = *state;
    fail_once(s, "Someone@Example.org", "192.0.2.44", T0);
    fail_once(s, "someone@example.org", "192.0.2.44", T0);
    assert_int_equal(rows(s), 2); /* case does not make another account */
    store_rows *r;
    assert_int_equal(store_query(s, "SELECT counter_key FROM signin_counters", NULL, 0, &r), 0);
    while (store_next(r) == 1) {
        const char *k = store_col_text(r, 0);
        assert_int_equal(strlen(k), 32);
        assert_int_equal(strspn(k, "0123456789abcdef"), 32);
    }
    store_rows_free(r);
    int64_t secrets = 0;
    assert_int_equal(store_query_int(s, "SELECT COUNT(*) FROM server_secrets", NULL, 0, &secrets),
                     1);
    assert_int_equal(secrets, 1);
}

static void test_ipv6_counts_per_64(void **state)
{
    store *s = *state;
    char ip[64];
    for (int i = 1; i <= 5; i++) {
        str_fmt(ip, sizeof ip, "2001:db8:0:7::%x", i * 4097);
        fail_once(s, "v6@example.org", ip, T0);
    }
    assert_int_equal(wait_for(s, "x@example.org", "2001:db8:0:7:ffff::1", T0 + 1), 99);
    assert_int_equal(wait_for(s, "x@example.org", "2001:db8:0:8::1", T0 + 1), 0);
    /* An IPv4 address written as IPv6 is the IPv4 address. */
    for (int i = 0; i < 5; i++)
        fail_once(s, "v4@example.org", "192.0.2.200", T0);
    assert_int_equal(wait_for(s, "x@example.org", "::ffff:192.0.2.200", T0 + 1), 99);
}

/* A scope keeps counts of its own in the same table: a reset's counts do
 * not lock sign-in, and each limit is told apart. */
static void test_a_scope_counts_apart(void **state)
{
    store *s = *state;
    struct svc_ratelimit_config reset = cfg;
    reset.scope = "mail:";
    reset.max_counters = 100;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(store_begin(s), 0);
        assert_int_equal(svc_ratelimit_failed(s, &reset, "a@example.org", "192.0.2.9", T0), 0);
        assert_int_equal(store_commit(s), 0);
    }
    int64_t by_address = -1, by_account = -1;
    assert_int_equal(store_begin_read(s), 0);
    assert_int_equal(svc_ratelimit_check_each(s, &reset, "a@example.org", "192.0.2.9", T0 + 1,
                                              &by_address, &by_account),
                     0);
    assert_int_equal(store_commit(s), 0);
    assert_int_equal(by_address, 0); /* 3 of the client's 5 */
    assert_int_equal(by_account, 99);
    /* Signing in, in the default scope, is not held back. */
    assert_int_equal(wait_for(s, "a@example.org", "192.0.2.9", T0 + 1), 0);
    /* The client's own limit, named as such. */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(store_begin(s), 0);
        assert_int_equal(svc_ratelimit_failed(s, &reset, "b@example.org", "192.0.2.9", T0 + 2), 0);
        assert_int_equal(store_commit(s), 0);
    }
    assert_int_equal(store_begin_read(s), 0);
    assert_int_equal(svc_ratelimit_check_each(s, &reset, "c@example.org", "192.0.2.9", T0 + 2,
                                              &by_address, &by_account),
                     0);
    assert_int_equal(store_commit(s), 0);
    assert_int_equal(by_address, 100);
    assert_int_equal(by_account, 0);
    assert_int_equal(wait_for(s, "c@example.org", "192.0.2.9", T0 + 2), 0);
}

static void test_two_connections_share_the_counts(void **state)
{
    store *a = *state, *b = open_ok();
    fail_once(a, "shared@example.org", "192.0.2.1", T0);
    fail_once(b, "shared@example.org", "192.0.2.2", T0);
    fail_once(a, "shared@example.org", "192.0.2.3", T0);
    assert_int_equal(wait_for(b, "shared@example.org", "192.0.2.4", T0 + 1), 99);
    store_free(b);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_nothing_counted_allows, setup, teardown),
    cmocka_unit_test_setup_teardown(test_an_account_locks_for_the_whole_lock_time, setup, teardown),
    cmocka_unit_test_setup_teardown(test_a_full_table_never_drops_a_live_lock, setup, teardown),
    cmocka_unit_test_setup_teardown(test_when_full_new_keys_share_the_global_count, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_the_address_is_checked_first, setup, teardown),
    cmocka_unit_test_setup_teardown(test_a_right_password_clears_the_account_not_the_address, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_a_count_starts_again_after_its_window, setup, teardown),
    cmocka_unit_test_setup_teardown(test_keys_are_keyed_hashes, setup, teardown),
    cmocka_unit_test_setup_teardown(test_ipv6_counts_per_64, setup, teardown),
    cmocka_unit_test_setup_teardown(test_two_connections_share_the_counts, setup, teardown),
    cmocka_unit_test_setup_teardown(test_a_scope_counts_apart, setup, teardown),
};

/* The PostgreSQL URL of a database named db on the server of base. */
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
    char dbname[64], err[512], sql[160];
    str_fmt(dbname, sizeof dbname, "tandem_ratelimit_%ld", (long)getpid());
    if (url_with_db(maint, dbname, pg_url, sizeof pg_url)) {
        fprintf(stderr, "TANDEM_TEST_PG is not a postgresql:// URL\n");
        return 1;
    }
    store *m = NULL;
    if (store_open(maint, &m, err, sizeof err)) {
        fprintf(stderr, "TANDEM_TEST_PG: %s\n", err);
        return 1;
    }
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
    int failed = cmocka_run_group_tests_name("ratelimit on postgresql", tests, NULL, NULL);
    str_fmt(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
    if (store_exec(m, sql, NULL, 0, NULL))
        fprintf(stderr, "warning: %s\n", store_errmsg(m));
    store_free(m);
    return failed;
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    str_fmt(tmpdir, sizeof tmpdir, "%s/tandem-ratelimit-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    backend = STORE_SQLITE;
    int failed = cmocka_run_group_tests_name("ratelimit on sqlite", tests, NULL, NULL);
    const char *pg = getenv("TANDEM_TEST_PG");
    if (pg && *pg)
        failed += run_pg(pg);
    else
        fprintf(stderr, "note: TANDEM_TEST_PG not set; PostgreSQL tests skipped\n");
    char cmd[600];
    if (str_fmt(cmd, sizeof cmd, "rm -rf '%s'", tmpdir) && system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", tmpdir);
    return failed ? 1 : 0;
}
