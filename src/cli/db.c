#include "cli/db.h"

#include <stdio.h>

store *cli_open_db(const char *cmd, const char *url, int *status)
{
    char err[512];
    store *s = NULL;
    if (store_open(url, &s, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "tandem %s: cannot open the database: %s\n", cmd, err);
        *status = 2;
        return NULL;
    }
    int rc = store_migrate(s);
    if (rc != STORE_OK) {
        fprintf(stderr, "tandem %s: %s\n", cmd, store_errmsg(s));
        store_free(s);
        *status = rc == STORE_NEWER ? 2 : 1;
        return NULL;
    }
    *status = 0;
    return s;
}
