/* main.c - the tandem command: one binary for the server, the command-line
 * tools and the matching engine. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/identity.h"
#include "cli/cli.h"

static int routes(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    api_routes_print();
    return 0;
}

static int version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("tandem %s\n", TANDEM_VERSION);
    return 0;
}

static int help(int argc, char **argv);

/* Every subcommand with its usage: `tandem help` lists them all and
 * `tandem COMMAND --help` (or -h) prints its own. */
static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
} commands[] = {
    {"serve", cli_serve,
     "serve   --db URL --listen HOST:PORT   run the web server and API, and the jobs\n"
     "        [--access-log FILE|-|off] [--threads N] [--secure-cookies]\n"
     "        [--public-url URL] [--jobs-every SECONDS (0: no jobs)]\n"
     "        [--smtp URL] [--mail-from ADDRESS] [--mail-attempts N]   deliver mail"},
    {"init", cli_init,
     "init    --db URL --admin-email EMAIL --admin-password PASSWORD [--admin-name NAME]\n"
     "        create or migrate the database and the first admin"},
    {"migrate", cli_migrate,
     "migrate status|up --db URL            show or apply schema migrations"},
    {"demo", cli_demo,
     "demo    --db URL                      two sample programs: one to match, one months in"},
    {"import", cli_import,
     "import  --db URL --program ID FILE [--dry-run] [--public-url URL]\n"
     "        add a program's participants from CSV and invite them; every\n"
     "        bad row is reported as FILE:LINE:COLUMN and nothing is written\n"
     "import  --db URL --outcomes FILE [--dry-run]\n"
     "        add outcome records (email,date,kind,value) from CSV"},
    {"report", cli_report,
     "report  --db URL [--program ID] NAME [--format json|csv] [--table TABLE]\n"
     "        [--from DATE] [--to DATE]   print a report (funnel, matching,\n"
     "        engagement, phases, resources, outcomes, satisfaction, equity,\n"
     "        at-risk); without --program across every program"},
    {"jobs", cli_jobs,
     "jobs    --db URL [--once] [--now TIME] [--every SECONDS] [--public-url URL]\n"
     "        [--smtp URL] [--mail-from ADDRESS] [--mail-attempts N]\n"
     "        run the time-driven jobs (request expiry, mail ...): once, or every\n"
     "        SECONDS until SIGTERM; TIME is RFC 3339, e.g. 2027-01-15T09:00:00Z"},
    {"backup", cli_backup,
     "backup  --db URL --to FILE            a consistent copy of the database, taken while\n"
     "        it is in use: SQLite's online backup (a SQLite file), or pg_dump's custom\n"
     "        format for PostgreSQL; FILE appears only once complete (docs/operations.md)"},
    {"facts", cli_facts,
     "facts   --db URL --rebuild|--check    derive every row kept for the reports again from\n"
     "        the rows they come from (after rows were loaded around the server), or\n"
     "        check the relationships' facts against them (exit 1 when any is wrong)"},
    {"match", cli_match,
     "match   INPUT.json [-o OUTPUT.json] [--objective total|fair|stable]\n"
     "        [--threads N] [--top-k K]   run the matching engine on a file (no database)"},
    {"routes", routes, "routes                                list the API's routes"},
    {"version", version, "version                               print the version"},
    {"help", help, "help                                  this text"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* Writes prefix and the usage, continuation lines indented under it. */
static void print_usage(const char *prefix, const char *usage)
{
    fputs(prefix, stdout);
    for (const char *p = usage; *p; p++) {
        putchar(*p);
        if (*p == '\n')
            printf("%*s", (int)strlen(prefix), "");
    }
    putchar('\n');
}

static int help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    puts("tandem - formal mentoring programs\n"
         "\n"
         "usage: tandem COMMAND [OPTIONS]   (tandem COMMAND --help for one)\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        print_usage("  ", commands[i].usage);
    puts("\n"
         "URL is a file path, sqlite:PATH, or postgres://... / postgresql://...\n"
         "TANDEM_DB and TANDEM_LISTEN give --db and --listen when the flags are absent;\n"
         "TANDEM_SMTP_URL, TANDEM_SMTP_PASSWORD, TANDEM_MAIL_FROM and TANDEM_MAIL_ATTEMPTS\n"
         "the mail settings. --smtp smtp://[USER[:PASSWORD]@]HOST[:PORT] requires STARTTLS;\n"
         "smtps:// is TLS from the start; ?starttls=no is accepted for a loopback host only.\n"
         "Exit status: 0 success, 1 failure, 2 bad usage or bad input.");
    return 0;
}

/* true when the arguments ask for help rather than for the command. */
static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        help(0, NULL);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return help(0, NULL);
    if (strcmp(cmd, "--version") == 0)
        return version(0, NULL);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(cmd, commands[i].name) != 0)
            continue;
        if (wants_help(argc - 1, argv + 1)) {
            print_usage("usage: tandem ", commands[i].usage);
            return 0;
        }
        if (identity_init() != 0) {
            fprintf(stderr, "tandem: cannot initialise the cryptography library\n");
            return 1;
        }
        return commands[i].fn(argc - 1, argv + 1);
    }
    fprintf(stderr, "tandem: unknown command '%s' (see tandem help)\n", cmd);
    return 2;
}
