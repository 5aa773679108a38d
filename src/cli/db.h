/* db.h - opening the database for a command: open, migrate, report. */
#ifndef TANDEM_CLI_DB_H
#define TANDEM_CLI_DB_H

#include "store/store.h"

/* Opens url and applies pending migrations. Prints a one-line message and
 * returns NULL on failure (*status gets the exit status: 2 for a URL that
 * cannot be opened, 1 otherwise). */
store *cli_open_db(const char *cmd, const char *url, int *status);

#endif
