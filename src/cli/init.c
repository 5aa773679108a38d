/* init.c - `tandem init` and `tandem migrate`. */
#include <stdio.h>
#include <string.h>

#include "api/identity.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/db.h"
#include "domain/password.h"
#include "service/identity.h"

int cli_init(int argc, char **argv)
{
    const char *db = NULL, *email = NULL, *password = NULL, *name = "Administrator";
    const struct cli_flag flags[] = {{"--db", &db, NULL},
                                     {"--admin-email", &email, NULL},
                                     {"--admin-password", &password, NULL},
                                     {"--admin-name", &name, NULL},
                                     {0}};
    if (cli_parse(argc, argv, flags, NULL, 0, NULL))
        return 2;
    if (!(db = cli_db_url(db, "init")))
        return 2;
    if (!email || !password) {
        fprintf(stderr, "tandem init: give --admin-email EMAIL and --admin-password PASSWORD\n");
        return 2;
    }
    /* Check the input before touching the database. */
    const char *why = password_weakness(password, email);
    if (why) {
        fprintf(stderr, "tandem init: --admin-password: %s\n", why);
        return 2;
    }
    int status;
    store *s = cli_open_db("init", db, &status);
    if (!s)
        return status;
    int64_t admins = 0;
    if (store_query_int(s, "SELECT COUNT(*) FROM people WHERE site_role = 'admin'", NULL, 0,
                        &admins) < 0) {
        fprintf(stderr, "tandem init: %s\n", store_errmsg(s));
        store_free(s);
        return 1;
    }
    if (admins > 0) {
        printf("tandem init: the database is ready; an admin exists already, none was added\n");
        store_free(s);
        return 0;
    }
    verr e = {0};
    int64_t id;
    int rc = store_begin(s);
    if (rc == STORE_OK)
        rc = svc_identity_create_person(s, email, name, password, SITE_ADMIN, &id, &e);
    if (rc == STORE_OK)
        rc = store_commit(s);
    if (rc != STORE_OK) {
        store_rollback(s);
        if (e.field[0])
            fprintf(stderr, "tandem init: --admin-%s: %s\n", e.field, e.msg);
        else
            fprintf(stderr, "tandem init: %s\n", store_errmsg(s));
        store_free(s);
        return e.field[0] ? 2 : 1;
    }
    printf("tandem init: the database is ready; admin %s created\n", email);
    store_free(s);
    return 0;
}

int cli_migrate(int argc, char **argv)
{
    const char *db = NULL, *pos[1];
    int npos = 0;
    const struct cli_flag flags[] = {{"--db", &db, NULL}, {0}};
    if (cli_parse(argc, argv, flags, pos, 1, &npos))
        return 2;
    if (npos != 1 || (strcmp(pos[0], "status") != 0 && strcmp(pos[0], "up") != 0)) {
        fprintf(stderr, "tandem migrate: say 'status' or 'up'\n");
        return 2;
    }
    if (!(db = cli_db_url(db, "migrate")))
        return 2;
    char err[512];
    store *s;
    if (store_open(db, &s, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "tandem migrate: cannot open the database: %s\n", err);
        return 2;
    }
    int have, latest, rc;
    if (strcmp(pos[0], "up") == 0 && (rc = store_migrate(s)) != STORE_OK) {
        fprintf(stderr, "tandem migrate: %s\n", store_errmsg(s));
        store_free(s);
        return rc == STORE_NEWER ? 2 : 1;
    }
    if ((rc = store_schema_version(s, &have, &latest)) != STORE_OK) {
        fprintf(stderr, "tandem migrate: %s\n", store_errmsg(s));
        store_free(s);
        return 1;
    }
    printf("schema version %d; this binary knows up to %d%s\n", have, latest,
           have < latest   ? " (run: tandem migrate up)"
           : have > latest ? " (the database is newer!)"
                           : "");
    store_free(s);
    return have > latest ? 2 : 0;
}
