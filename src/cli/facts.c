/* facts.c - `tandem facts`: the rows kept for the reports (service/facts.h,
 * store/report_rows.h), derived again from the raw rows, or the
 * relationships' facts checked against them.
 *
 *   tandem facts --db URL --rebuild   derive every kept row again
 *   tandem facts --db URL --check     exit 1 when any relationship's fact is wrong
 *
 * The server keeps these rows up to date on every write; --rebuild is for
 * rows loaded around it (a benchmark's generated tables, a restore by
 * hand). */
#include <stdio.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/db.h"
#include "service/facts.h"

int cli_facts(int argc, char **argv)
{
    const char *db = NULL;
    bool rebuild = false, check = false;
    const struct cli_flag flags[] = {
        {"--db", &db, NULL}, {"--rebuild", NULL, &rebuild}, {"--check", NULL, &check}, {0}};
    if (cli_parse(argc, argv, flags, NULL, 0, NULL))
        return 2;
    if (rebuild == check) {
        fprintf(stderr, "tandem facts: give one of --rebuild or --check\n");
        return 2;
    }
    if (!(db = cli_db_url(db, "facts")))
        return 2;
    int status;
    store *s = cli_open_db("facts", db, &status);
    if (!s)
        return status;
    int64_t differ = 0;
    int rc = rebuild ? svc_facts_rebuild(s) : svc_facts_check(s, &differ);
    if (rc != STORE_OK)
        fprintf(stderr, "tandem facts: %s\n", store_errmsg(s));
    else if (differ)
        fprintf(stderr, "tandem facts: %lld relationships' facts differ from their rows\n",
                (long long)differ);
    else
        printf("facts: %s\n", rebuild ? "rebuilt" : "right");
    store_free(s);
    return rc != STORE_OK || differ ? 1 : 0;
}
