/* report.c - `tandem report`: one of a program's reports on standard
 * output, as the API gives it (the figures are service/reports'):
 *
 *   tandem report --db URL [--program ID] NAME [--format json|csv]
 *                 [--table TABLE] [--from DATE] [--to DATE]
 *
 * Without --program: the report across every program (funnel, at-risk).
 * JSON is every table of the report; CSV one table (the first unless
 * --table names another). Bad usage or input: a message and exit 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/str.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/db.h"
#include "service/reports.h"

int cli_report(int argc, char **argv)
{
    const char *db = NULL, *program = NULL, *format = "json", *table = NULL, *from = NULL,
               *to = NULL, *name = NULL;
    const struct cli_flag flags[] = {{"--db", &db, NULL},
                                     {"--program", &program, NULL},
                                     {"--format", &format, NULL},
                                     {"--table", &table, NULL},
                                     {"--from", &from, NULL},
                                     {"--to", &to, NULL},
                                     {0}};
    int npos = 0;
    if (cli_parse(argc, argv, flags, &name, 1, &npos))
        return 2;
    if (!(db = cli_db_url(db, "report")))
        return 2;
    int64_t program_id = 0;
    if (program && str_to_i64(program, 1, INT64_MAX / 2, &program_id)) {
        fprintf(stderr, "tandem report: --program is a program's id (a positive number)\n");
        return 2;
    }
    if (npos != 1) {
        fprintf(stderr, "tandem report: name the report: %s\n", svc_report_names());
        return 2;
    }
    if (!svc_report_known(name)) {
        fprintf(stderr, "tandem report: no report named '%s' (try %s)\n", name, svc_report_names());
        return 2;
    }
    if (!program && !svc_rollup_known(name)) {
        fprintf(stderr,
                "tandem report: give the program with --program ID; across every program only %s "
                "add up\n",
                svc_rollup_names());
        return 2;
    }
    if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0) {
        fprintf(stderr, "tandem report: --format is json or csv\n");
        return 2;
    }
    verr e = VERR_COLLECT;
    struct svc_period period;
    if (svc_period_set(&period, from, to, clock_now(), &e) != SVC_OK) {
        fprintf(stderr, "tandem report: --%s %s\n", e.field, e.msg);
        return 2;
    }
    int status = 1;
    store *s = NULL;
    struct report r = {0};
    buf out;
    buf_init(&out, 1u << 30);
    s = cli_open_db("report", db, &status);
    if (!s)
        goto done;
    int rc = store_begin_read(s);
    if (rc == STORE_OK)
        rc = program ? svc_report_run(s, program_id, name, &period, &r, &e)
                     : svc_report_rollup(s, NULL, name, &period, &r, &e);
    store_rollback(s);
    if (rc == SVC_NOT_FOUND) {
        fprintf(stderr, "tandem report: there is no program %lld\n", (long long)program_id);
        status = 2;
        goto done;
    }
    if (rc != SVC_OK) {
        fprintf(stderr, "tandem report: %s\n", store_errmsg(s));
        goto done;
    }
    if (strcmp(format, "json") == 0) {
        json_t *j = report_json(&r);
        char *text = json_dumps(j, JSON_INDENT(2));
        json_decref(j);
        if (text)
            puts(text);
        free(text);
        status = text ? 0 : 1;
        goto done;
    }
    const struct report_table *t = table ? report_find(&r, table) : &r.tables[0];
    if (!t) {
        fprintf(stderr, "tandem report: the %s report has no table '%s'\n", name, table);
        status = 2;
        goto done;
    }
    if (report_csv(t, &out) == 0 && fwrite(out.data, 1, out.len, stdout) == out.len)
        status = 0;
done:
    buf_cleanup(&out);
    report_cleanup(&r);
    store_free(s);
    return status;
}
