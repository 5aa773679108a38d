/* main.c - the tandem command: one binary for the server, the command-line
 * tools and the matching engine. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/identity.h"
#include "cli/cli.h"

static int help(void)
{
    puts("tandem - formal mentoring programs\n"
         "\n"
         "usage: tandem COMMAND [OPTIONS]\n"
         "\n"
         "  serve   --db URL --listen HOST:PORT   run the web server and API\n"
         "          [--access-log FILE|-|off] [--threads N] [--secure-cookies]\n"
         "  init    --db URL --admin-email EMAIL --admin-password PASSWORD [--admin-name NAME]\n"
         "          create or migrate the database and the first admin\n"
         "  migrate status|up --db URL            show or apply schema migrations\n"
         "  demo    --db URL                      load a realistic sample program\n"
         "  import  --db URL --program ID FILE [--dry-run] [--public-url URL]\n"
         "          add a program's participants from CSV and invite them; every\n"
         "          bad row is reported as FILE:LINE:COLUMN and nothing is written\n"
         "  match   INPUT.json [-o OUTPUT.json] [--objective total|fair|stable]\n"
         "          run the matching engine on a file (no database)\n"
         "  routes                                list the API's routes\n"
         "  version                               print the version\n"
         "  help                                  this text\n"
         "\n"
         "URL is a file path, sqlite:PATH, or postgres://... / postgresql://...\n"
         "TANDEM_DB and TANDEM_LISTEN give --db and --listen when the flags are absent.\n"
         "Exit status: 0 success, 1 failure, 2 bad usage or bad input.");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        help();
        return 2;
    }
    const char *cmd = argv[1];
    if (identity_init() != 0) {
        fprintf(stderr, "tandem: cannot initialise the cryptography library\n");
        return 1;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } commands[] = {{"serve", cli_serve}, {"init", cli_init},   {"migrate", cli_migrate},
                    {"demo", cli_demo},   {"match", cli_match}, {"import", cli_import}};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return help();
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("tandem %s\n", TANDEM_VERSION);
        return 0;
    }
    if (strcmp(cmd, "routes") == 0) {
        api_routes_print();
        return 0;
    }
    fprintf(stderr, "tandem: unknown command '%s' (see tandem help)\n", cmd);
    return 2;
}
