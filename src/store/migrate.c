/* migrate.c - applies the embedded migrations (store/migrations.h).
 *
 * The database records what it has in schema_migrations(version, name,
 * applied_at). Each migration runs in its own transaction together with
 * its schema_migrations row, so a failed migration leaves nothing behind.
 * Two processes migrating at once serialize: PostgreSQL through a
 * session-level advisory lock held for the whole run, SQLite through
 * BEGIN IMMEDIATE around each step, which re-reads the version under the
 * write lock.
 */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/str.h"
#include "store/backend.h"
#include "store/migrations.h"
#include "store/report_rows.h"
#include "store/store.h"

/* pg_advisory_lock key: "TANDEMMG" read as a big-endian integer, so it
 * does not collide with other applications' small numbers. */
#define MIGRATE_LOCK_KEY "6071219827799575879"

static const char create_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

static void copy_err(char dst[STORE_ERRMSG_BYTES], const store *s)
{
    str_fmt(dst, STORE_ERRMSG_BYTES, "%s", store_errmsg(s));
}

static int binary_version(void)
{
    int v = 0;
    for (int i = 0; i < store_migration_count; i++)
        if (store_migrations[i].version > v)
            v = store_migrations[i].version;
    return v;
}

static const struct store_migration *find(int version)
{
    for (int i = 0; i < store_migration_count; i++)
        if (store_migrations[i].version == version)
            return &store_migrations[i];
    return NULL;
}

static int table_exists(store *s, bool *exists)
{
    const char *sql =
        store_backend_of(s) == STORE_PG
            ? "SELECT count(*) FROM pg_catalog.pg_tables "
              "WHERE schemaname = current_schema() AND tablename = 'schema_migrations'"
            : "SELECT count(*) FROM sqlite_master "
              "WHERE type = 'table' AND name = 'schema_migrations'";
    int64_t n = 0;
    int rc = store_query_int(s, sql, NULL, 0, &n);
    if (rc < 0)
        return rc;
    *exists = n > 0;
    return STORE_OK;
}

static int db_version(store *s, int *out)
{
    bool exists = false;
    int64_t v = 0;
    *out = 0;
    int rc = table_exists(s, &exists);
    if (rc)
        return rc;
    if (!exists)
        return STORE_OK;
    rc = store_query_int(s, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL, 0, &v);
    if (rc < 0)
        return rc;
    *out = (int)v;
    return STORE_OK;
}

static int refuse_newer(store *s, int have, int latest)
{
    return store_fail(s, STORE_NEWER,
                      "store: the database schema is version %d, newer than this binary's latest "
                      "migration %d; run a newer tandem",
                      have, latest);
}

int store_schema_version(store *s, int *db, int *binary)
{
    *binary = binary_version();
    return db_version(s, db);
}

/* Applies the next migration if one is due. *done is set when the
 * database is up to date. Runs in its own transaction. */
static int step(store *s, int latest, bool *done)
{
    int have = 0;
    char *sql = NULL;
    *done = false;
    int rc = store_begin(s);
    if (rc)
        return rc;
    if (store_backend_of(s) == STORE_SQLITE && (rc = store_exec(s, create_table, NULL, 0, NULL)))
        goto fail;
    if ((rc = db_version(s, &have)))
        goto fail;
    if (have > latest) {
        rc = refuse_newer(s, have, latest);
        goto fail;
    }
    if (have == latest) {
        store_rollback(s);
        *done = true;
        return STORE_OK;
    }
    const struct store_migration *m = find(have + 1);
    if (!m) {
        rc =
            store_fail(s, STORE_ERROR, "store: migration %d is missing from this binary", have + 1);
        goto fail;
    }
    sql = store_sql_tokens(m->sql, store_backend_of(s));
    if ((rc = store_exec_script(s, sql))) {
        char first[STORE_ERRMSG_BYTES];
        copy_err(first, s);
        rc = store_fail(s, rc, "store: migration %03d_%s failed: %s", m->version, m->name, first);
        goto fail;
    }
    /* The rows kept for the reports, derived from those already there. */
    if (strcmp(m->name, "report_rows") == 0 && (rc = store_report_rows_rebuild(s))) {
        char first[STORE_ERRMSG_BYTES];
        copy_err(first, s);
        rc = store_fail(s, rc, "store: deriving the report rows failed: %s", first);
        goto fail;
    }
    store_val p[] = {SV_INT(m->version), SV_TEXT(m->name), SV_INT(clock_now())};
    if ((rc = store_exec(
             s, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)", p,
             3, NULL)))
        goto fail;
    if ((rc = store_commit(s)))
        goto fail;
    log_info("store", "applied migration %03d_%s", m->version, m->name);
    free(sql);
    return STORE_OK;
fail:
    store_rollback(s);
    free(sql);
    return rc;
}

int store_migrate(store *s)
{
    int latest = binary_version();
    bool pg = store_backend_of(s) == STORE_PG;
    bool locked = false;
    int rc;
    if (store_in_tx(s))
        return store_fail(s, STORE_ERROR, "store: cannot migrate inside a transaction");
    if (pg) {
        int64_t ignored;
        rc =
            store_query_int(s, "SELECT 1 FROM (SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")) AS l",
                            NULL, 0, &ignored);
        if (rc < 0)
            return rc;
        locked = true;
        /* under the lock, so concurrent CREATE TABLE IF NOT EXISTS cannot race */
        if ((rc = store_exec(s, create_table, NULL, 0, NULL)))
            goto fail;
    }
    for (;;) {
        bool done = false;
        if ((rc = step(s, latest, &done)))
            goto fail;
        if (done)
            break;
    }
    rc = STORE_OK;
fail:
    if (locked) {
        char saved[STORE_ERRMSG_BYTES];
        copy_err(saved, s);
        int64_t ignored;
        /* The lock also ends with the connection; a failed unlock only
         * matters when the migration itself went well. */
        int urc = store_query_int(
            s, "SELECT 1 FROM (SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")) AS l", NULL, 0,
            &ignored);
        if (rc)
            store_fail(s, rc, "%s", saved);
        else if (urc < 0)
            rc = urc;
    }
    return rc;
}
