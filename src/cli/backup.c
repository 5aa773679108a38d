/* backup.c - `tandem backup --db URL --to FILE` (docs/operations.md).
 *
 * SQLite: the online backup API into FILE.partial, checked, synced and
 * renamed onto FILE (store_sqlite_backup), while the server runs.
 * PostgreSQL: pg_dump of the database in its custom format (restored
 * with pg_restore) into FILE.partial, renamed onto FILE once pg_dump
 * succeeded. Either way FILE is absent or complete, never half written;
 * an existing FILE is refused rather than overwritten. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/str.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "store/store.h"

extern char **environ;

/* fsync of a path: 0 or -1. */
static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* pg_dump --format=custom of url into `to` by way of TO.partial. 0, 1 at
 * run time (message printed). */
static int pg_backup(const char *url, const char *to)
{
    char partial[LIMIT_PATH_BYTES + 16], dir[LIMIT_PATH_BYTES];
    str_fmt(partial, sizeof partial, "%s.partial", to);
    unlink(partial);
    char *argv[] = {"pg_dump", "--format=custom", "--no-owner", "--file",
                    partial,   "--dbname",        (char *)url,  NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "pg_dump", NULL, NULL, argv, environ);
    if (rc != 0) {
        fprintf(stderr,
                "tandem backup: cannot run pg_dump (%s): a PostgreSQL database is backed up "
                "with pg_dump, from Debian's postgresql-client\n",
                strerror(rc));
        return 1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "tandem backup: lost pg_dump: %s\n", strerror(errno));
            unlink(partial);
            return 1;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "tandem backup: pg_dump failed (see its message above); no backup made\n");
        unlink(partial);
        return 1;
    }
    const char *slash = strrchr(to, '/');
    if (!slash)
        str_fmt(dir, sizeof dir, ".");
    else
        str_fmt(dir, sizeof dir, "%.*s", slash == to ? 1 : (int)(slash - to), to);
    if (sync_path(partial, O_RDONLY) != 0 || rename(partial, to) != 0 ||
        sync_path(dir, O_RDONLY | O_DIRECTORY) != 0) {
        fprintf(stderr, "tandem backup: cannot put the backup in place at %s: %s\n", to,
                strerror(errno));
        unlink(partial);
        return 1;
    }
    return 0;
}

int cli_backup(int argc, char **argv)
{
    const char *db = NULL, *to = NULL;
    const struct cli_flag flags[] = {{"--db", &db, NULL}, {"--to", &to, NULL}, {0}};
    int npos = 0;
    if (cli_parse(argc, argv, flags, NULL, 0, &npos))
        return 2;
    if (!(db = cli_db_url(db, "backup")))
        return 2;
    if (!to || !*to) {
        fprintf(stderr, "tandem backup: say where the backup goes: --to FILE\n");
        return 2;
    }
    if (strlen(to) > LIMIT_PATH_BYTES) {
        fprintf(stderr, "tandem backup: --to: the file name is too long\n");
        return 2;
    }
    struct stat st;
    if (stat(to, &st) == 0) {
        fprintf(stderr,
                "tandem backup: --to: %s exists; a backup never overwrites a file: remove it "
                "or name a new one\n",
                to);
        return 2;
    }
    int rc;
    const char *path = store_sqlite_path(db);
    if (!path) {
        if (!str_starts(db, "postgres://") && !str_starts(db, "postgresql://")) {
            fprintf(stderr,
                    "tandem backup: --db: not a database URL (use sqlite:PATH, a file path, or "
                    "postgresql://...)\n");
            return 2;
        }
        rc = pg_backup(db, to);
    } else {
        char err[LIMIT_PATH_BYTES + 256];
        if (store_sqlite_backup(path, to, err, sizeof err) != STORE_OK) {
            fprintf(stderr, "tandem backup: %s\n", err);
            return 1;
        }
        rc = 0;
    }
    if (rc == 0)
        printf("backup written to %s\n", to);
    return rc;
}
