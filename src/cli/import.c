/* import.c - `tandem import`: a program's participants from a CSV file
 * (the rules are import/'s, shared with the HTTP API).
 *
 *   tandem import --db URL --program ID FILE [--dry-run] [--public-url URL]
 *
 * Every problem is printed as FILE:LINE: column "NAME": message (or
 * FILE:LINE: message when it is in no cell) and nothing is written (exit
 * 2); otherwise the summary is printed (exit 0). A progress bar goes to
 * standard error when it is a terminal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "service/service.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/db.h"
#include "import/import.h"

#define BAR_WIDTH 40

struct bar {
    int shown; /* the last permille drawn, -1 before the first */
};

static void draw(void *arg, size_t done, size_t total)
{
    struct bar *b = arg;
    int permille = total ? (int)(done * 1000 / total) : 1000;
    if (permille > 1000)
        permille = 1000;
    if (permille / 5 == b->shown / 5)
        return; /* redraw in steps of half a percent */
    b->shown = permille;
    char cells[BAR_WIDTH + 1];
    int full = permille * BAR_WIDTH / 1000;
    for (int i = 0; i < BAR_WIDTH; i++)
        cells[i] = i < full ? '#' : '.';
    cells[BAR_WIDTH] = '\0';
    fprintf(stderr, "\rimporting [%s] %3d%%", cells, permille / 10);
    fflush(stderr);
}

/* Reads the whole file (at most LIMIT_IMPORT_FILE_BYTES) into *out. */
static int read_file(const char *path, char **out, size_t *len)
{
    *out = NULL;
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "tandem import: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t size = 1u << 16, n = 0;
    char *data = xmalloc(size);
    for (;;) {
        if (n == size) {
            if (size >= LIMIT_IMPORT_FILE_BYTES) {
                fprintf(stderr, "tandem import: %s is larger than %u bytes: split it\n", path,
                        (unsigned)LIMIT_IMPORT_FILE_BYTES);
                goto fail;
            }
            size *= 2;
            data = xrealloc(data, size);
        }
        size_t got = fread(data + n, 1, size - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "tandem import: cannot read %s: %s\n", path, strerror(errno));
        goto fail;
    }
    if (f != stdin)
        fclose(f);
    *out = data;
    *len = n;
    return 0;
fail:
    if (f != stdin)
        fclose(f);
    free(data);
    return -1;
}

static void print_errors(const char *file, const struct import_report *r)
{
    for (size_t i = 0; i < r->nerrors; i++) {
        const struct import_problem *p = &r->errors[i];
        if (p->cell)
            fprintf(stderr, "%s:%u: column \"%s\": %s\n", file, p->line, p->cell, p->message);
        else
            fprintf(stderr, "%s:%u: %s\n", file, p->line, p->message);
    }
    if (r->error_count > r->nerrors)
        fprintf(stderr, "%s: %zu more problems not shown\n", file, r->error_count - r->nerrors);
    fprintf(stderr, "tandem import: %zu problem%s in %s; nothing was imported\n", r->error_count,
            r->error_count == 1 ? "" : "s", file);
}

static void print_summary(const struct import_report *r, bool dry_run, double seconds)
{
    printf("tandem import: %s%zu rows: %zu people %screated, %zu participants %sinvited, "
           "%zu updated, %zu unchanged (%.2f s)\n",
           dry_run ? "dry run, nothing written; " : "", r->rows, r->created_people,
           dry_run ? "would be " : "", r->created_participants, dry_run ? "would be " : "",
           r->updated, r->unchanged, seconds);
}

int cli_import(int argc, char **argv)
{
    const char *db = NULL, *program = NULL, *public_url = NULL, *file = NULL;
    bool dry_run = false;
    const struct cli_flag flags[] = {{"--db", &db, NULL},
                                     {"--program", &program, NULL},
                                     {"--public-url", &public_url, NULL},
                                     {"--dry-run", NULL, &dry_run},
                                     {0}};
    int npos = 0;
    if (cli_parse(argc, argv, flags, &file, 1, &npos))
        return 2;
    if (!(db = cli_db_url(db, "import")))
        return 2;
    int64_t program_id;
    if (!program || str_to_i64(program, 1, INT64_MAX / 2, &program_id)) {
        fprintf(stderr, "tandem import: give the program with --program ID (a positive number)\n");
        return 2;
    }
    if (npos != 1) {
        fprintf(stderr, "tandem import: give the CSV file to import (or - for standard input)\n");
        return 2;
    }
    if (!public_url)
        public_url = getenv("TANDEM_PUBLIC_URL");
    if (!public_url || !*public_url)
        public_url = "http://127.0.0.1:8080";
    svc_configure(&(struct svc_config){.public_url = public_url}); /* the mail's links */

    char *data = NULL;
    size_t len = 0;
    if (read_file(file, &data, &len))
        return 2;
    int status = 1;
    struct import_report report = {0};
    store *s = cli_open_db("import", db, &status);
    if (!s)
        goto done;
    struct bar bar = {.shown = -5};
    svc_actor nobody = {0};
    struct import_opts o = {.program_id = program_id,
                            .dry_run = dry_run,
                            .base_url = public_url,
                            .progress = isatty(STDERR_FILENO) ? draw : NULL,
                            .arg = &bar};
    double start = clock_mono();
    int rc = store_begin(s);
    if (rc == STORE_OK)
        rc = import_run(s, &nobody, &o, data, len, &report);
    if (rc == SVC_OK && !dry_run)
        rc = store_commit(s);
    if (o.progress && bar.shown >= 0)
        fputc('\n', stderr);
    if (rc == SVC_OK) {
        store_rollback(s); /* a dry run: nothing to keep */
        print_summary(&report, dry_run, clock_mono() - start);
        status = 0;
    } else if (rc == SVC_INVALID) {
        store_rollback(s);
        print_errors(file, &report);
        status = 2;
    } else if (rc == SVC_NOT_FOUND) {
        store_rollback(s);
        fprintf(stderr, "tandem import: there is no program %lld\n", (long long)program_id);
        status = 2;
    } else {
        store_rollback(s);
        fprintf(stderr, "tandem import: %s; nothing was imported\n", store_errmsg(s));
        status = 1;
    }
done:
    import_report_cleanup(&report);
    store_free(s);
    free(data);
    return status;
}
