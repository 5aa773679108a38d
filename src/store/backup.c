/* backup.c - a consistent copy of a SQLite database while it is in use
 * (store.h: store_sqlite_backup), with SQLite's online backup API.
 *
 * The copy is written to TO.partial next to TO, checked, synced and
 * renamed onto TO only once complete, so a backup killed half way leaves
 * no TO at all (only a .partial file the next backup replaces). */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/str.h"
#include "store/store.h"

#define BACKUP_PAGES 256 /* pages copied per step: the writers get a turn in between */

/* fsync of a file or folder by path: 0 or -1 with errno. */
static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* The folder holding path, into dir[0..n). */
static void folder_of(const char *path, char *dir, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        str_fmt(dir, n, ".");
    else if (slash == path)
        str_fmt(dir, n, "/");
    else
        str_fmt(dir, n, "%.*s", (int)(slash - path), path);
}

/* One statement on db; 0 or -1 with err filled. */
static int exec(sqlite3 *db, const char *sql, char *err, size_t n)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    str_fmt(err, n, "%s: %s", sql, msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return -1;
}

/* The answer of PRAGMA quick_check on db: 0 when "ok". */
static int quick_check(sqlite3 *db, char *err, size_t n)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK) {
        str_fmt(err, n, "cannot check the copy: %s", sqlite3_errmsg(db));
        return -1;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        if (v && strcmp(v, "ok") == 0)
            rc = 0;
        else
            str_fmt(err, n, "the copy fails its check: %s", v ? v : "(no answer)");
    } else {
        str_fmt(err, n, "cannot check the copy: %s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    return rc;
}

int store_sqlite_backup(const char *path, const char *to, char *err, size_t errlen)
{
    sqlite3 *src = NULL, *dst = NULL;
    sqlite3_backup *b = NULL;
    char partial[LIMIT_PATH_BYTES + 16], dir[LIMIT_PATH_BYTES];
    int result = STORE_ERROR;
    struct stat st;
    if (strlen(to) > LIMIT_PATH_BYTES) {
        str_fmt(err, errlen, "the backup's file name is too long");
        return STORE_ERROR;
    }
    if (stat(path, &st) != 0) {
        str_fmt(err, errlen, "cannot read the database %s: %s", path, strerror(errno));
        return STORE_ERROR;
    }
    str_fmt(partial, sizeof partial, "%s.partial", to);
    if (unlink(partial) != 0 && errno != ENOENT) { /* a backup killed half way */
        str_fmt(err, errlen, "cannot remove %s: %s", partial, strerror(errno));
        return STORE_ERROR;
    }
    if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        str_fmt(err, errlen, "cannot open the database %s: %s", path,
                src ? sqlite3_errmsg(src) : "out of memory");
        goto done;
    }
    sqlite3_busy_timeout(src, LIMIT_STORE_BUSY_MS);
    if (sqlite3_open_v2(partial, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        str_fmt(err, errlen, "cannot create %s: %s", partial,
                dst ? sqlite3_errmsg(dst) : "out of memory");
        goto done;
    }
    if (!(b = sqlite3_backup_init(dst, "main", src, "main"))) {
        str_fmt(err, errlen, "cannot start the backup: %s", sqlite3_errmsg(dst));
        goto done;
    }
    int rc;
    while ((rc = sqlite3_backup_step(b, BACKUP_PAGES)) != SQLITE_DONE) {
        if (rc == SQLITE_OK)
            continue;
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            sqlite3_sleep(20);
            continue;
        }
        str_fmt(err, errlen, "the backup failed: %s", sqlite3_errstr(rc));
        goto done;
    }
    rc = sqlite3_backup_finish(b);
    b = NULL;
    if (rc != SQLITE_OK) {
        str_fmt(err, errlen, "the backup failed: %s", sqlite3_errmsg(dst));
        goto done;
    }
    /* One self-contained file: no -wal beside it to carry along. */
    if (exec(dst, "PRAGMA journal_mode=DELETE", err, errlen) || quick_check(dst, err, errlen))
        goto done;
    if (sqlite3_close(dst) != SQLITE_OK) {
        str_fmt(err, errlen, "cannot close %s: %s", partial, sqlite3_errmsg(dst));
        goto done;
    }
    dst = NULL;
    folder_of(to, dir, sizeof dir);
    if (sync_path(partial, O_RDONLY) != 0 || rename(partial, to) != 0 ||
        sync_path(dir, O_RDONLY | O_DIRECTORY) != 0) {
        str_fmt(err, errlen, "cannot put the backup in place at %s: %s", to, strerror(errno));
        goto done;
    }
    result = STORE_OK;
done:
    if (b)
        sqlite3_backup_finish(b);
    if (dst)
        sqlite3_close(dst);
    if (src)
        sqlite3_close(src);
    if (result != STORE_OK)
        unlink(partial);
    return result;
}
