/* args.h - command-line flags of the subcommands. */
#ifndef TANDEM_CLI_ARGS_H
#define TANDEM_CLI_ARGS_H

#include <stdbool.h>

struct cli_flag {
    const char *name;   /* "--db" */
    const char **value; /* receives the value (borrowed from argv); NULL for a switch */
    bool *set;          /* set to true when present; may be NULL for valued flags */
};

/* Parses argv[1..] (argv[0] is the subcommand) against flags, which ends
 * with a zeroed entry. Accepts "--flag VALUE" and "--flag=VALUE". Other
 * arguments go to positional (at most maxpos). Prints a one-line message
 * naming the problem and returns 2 on a bad command line, else 0. */
int cli_parse(int argc, char **argv, const struct cli_flag *flags, const char **positional,
              int maxpos, int *npos);

/* The database URL from --db or TANDEM_DB; prints a message when neither. */
const char *cli_db_url(const char *flag_value, const char *cmd);

#endif
