/* import.c - a CSV import from start to end (see import.h).
 *
 * Two passes over the parsed file. The first checks every row (check.c),
 * gathers the people it names (roster.c) and looks up, in batches, the
 * people and participations that exist (writer.c); it writes nothing and
 * collects every problem. The second, only for a clean file and a real
 * import, writes in batches.
 */
#include "import/import.h"

#include <string.h>

#include "base/clock.h"
#include "base/csv.h"
#include "domain/program.h"
#include "import/roster.h"
#include "import/writer.h"
#include "service/program.h"

/* Progress runs from 0 to PROGRESS_END: checking takes all of it on a
 * dry run and the first half otherwise (measured in bytes read), writing
 * the second half (writer.c, measured in items written). */
#define PROGRESS_END 1000

static void checked(const struct import_opts *o, size_t offset, size_t len)
{
    if (!o->progress)
        return;
    size_t span = o->dry_run ? PROGRESS_END : PROGRESS_END / 2;
    o->progress(o->arg, len ? (size_t)((double)offset / (double)len * (double)span) : span,
                PROGRESS_END);
}

/* Reads and checks every row into j's roster. */
static void check_file(struct import_job *j, const char *data, size_t len)
{
    struct import_checker c;
    import_checker_init(&c, j->pool, j->problems);
    csv_reader r;
    csv_init(&r, data, len);
    if (import_check_header(&c, &r) == 0) {
        int got;
        while ((got = csv_next(&r)) == 1) {
            if (++j->records > LIMIT_IMPORT_ROWS) {
                j->records--;
                import_problem(j->problems, j->pool, r.line, 1, NULL, NULL,
                               "more than %d rows: split the file", LIMIT_IMPORT_ROWS);
                break;
            }
            struct import_row w;
            bool good = import_check_row(&c, &r, &w);
            import_roster_add(&j->roster, &w, good, j->problems, j->pool);
            if ((j->records & 1023) == 0)
                checked(j->o, csv_offset(&r), len);
        }
        if (got < 0)
            import_check_csv_error(&c, &r);
    }
    csv_cleanup(&r);
    import_checker_cleanup(&c);
}

void import_report_cleanup(struct import_report *r)
{
    if (!r)
        return;
    import_problems_cleanup(&r->problems);
    pool_cleanup(&r->pool);
    r->errors = NULL;
    r->nerrors = 0;
}

int import_run(store *db, const svc_actor *actor, const struct import_opts *o, const char *data,
               size_t len, struct import_report *out)
{
    *out = (struct import_report){.dry_run = o->dry_run};
    struct import_job j = {.db = db,
                           .actor = actor,
                           .o = o,
                           .pool = &out->pool,
                           .problems = &out->problems,
                           .base_url = o->base_url ? o->base_url : svc_public_url(),
                           .now = clock_now()};
    struct program_config cfg = {0};
    int rc = svc_program_config(db, o->program_id, &cfg, j.program_name, sizeof j.program_name);
    if (rc != SVC_OK)
        goto done;
    j.default_capacity = cfg.selection.default_capacity;
    j.default_wants = cfg.selection.default_wants;

    check_file(&j, data, len);
    if ((rc = import_look_up(&j)) != STORE_OK)
        goto done;
    import_roster_order(&j.roster, j.problems, j.pool); /* a circle is a problem */
    checked(o, len, len);
    if (!j.problems->count && !o->dry_run) {
        j.writes = j.created_people + 4 * j.created + j.updated; /* rows */
        if ((rc = import_write(&j)) != STORE_OK)
            goto done;
    }
    import_problems_sort(j.problems);
    out->rows = j.records;
    out->created_people = j.created_people;
    out->created_participants = j.created;
    out->updated = j.updated;
    out->unchanged = j.unchanged;
    out->errors = out->problems.list.items;
    out->nerrors = out->problems.list.len;
    out->error_count = out->problems.count;
    rc = out->error_count ? SVC_INVALID : SVC_OK;
done:
    program_config_cleanup(&cfg);
    import_roster_cleanup(&j.roster);
    free(j.plans);
    return rc;
}
