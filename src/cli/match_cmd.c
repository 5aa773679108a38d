/* match_cmd.c - `tandem match INPUT.json [-o OUTPUT.json] [--objective X]`:
 * the matching engine on a file, with no database (product.md section 5). */
#include "cli/cli.h"

#include "match/match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void)
{
    fprintf(stderr, "usage: tandem match INPUT.json [-o OUTPUT.json] "
                    "[--objective total|fair|stable] [--threads N] [--top-k K]\n");
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v;
    if (!s || !*s)
        return -1;
    v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

int cli_match(int argc, char **argv)
{
    const char *input = NULL, *output = NULL, *objective = NULL;
    match_options opts = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && i + 1 < argc) {
            output = argv[++i];
        } else if (strncmp(a, "--objective=", 12) == 0) {
            objective = a + 12;
        } else if (strcmp(a, "--objective") == 0 && i + 1 < argc) {
            objective = argv[++i];
        } else if (strcmp(a, "--threads") == 0 && i + 1 < argc) {
            if (parse_int(argv[++i], 1, 256, &opts.threads)) {
                fprintf(stderr, "tandem match: --threads: must be 1..256\n");
                return 2;
            }
        } else if (strcmp(a, "--top-k") == 0 && i + 1 < argc) {
            if (parse_int(argv[++i], 1, 4096, &opts.top_k)) {
                fprintf(stderr, "tandem match: --top-k: must be 1..4096\n");
                return 2;
            }
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage();
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tandem match: unknown option %s\n", a);
            usage();
            return 2;
        } else if (!input) {
            input = a;
        } else {
            fprintf(stderr, "tandem match: one input file only\n");
            usage();
            return 2;
        }
    }
    if (!input) {
        usage();
        return 2;
    }
    match_objective obj = MATCH_TOTAL;
    if (objective && match_objective_parse(objective, &obj)) {
        fprintf(stderr, "tandem match: --objective: must be total, fair or stable\n");
        return 2;
    }
    char err[512];
    match_instance *in = NULL;
    /* --threads bounds the reader and the writer too (none: one per CPU) */
    int threads = opts.threads;
    if (threads ? match_json_read_threads(input, threads, &in, err, sizeof err)
                : match_json_read(input, &in, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (objective)
        match_set_objective(in, obj);
    bool tty = isatty(STDERR_FILENO);
    if (tty) {
        opts.progress = match_progress_print;
        opts.progress_ctx = stderr;
    }
    match_result *res = NULL;
    int rc = match_solve(in, &opts, &res, err, sizeof err);
    if (tty)
        match_progress_end(stderr);
    if (rc) {
        fprintf(stderr, "%s: %s\n", input, err);
        match_instance_free(in);
        return 2;
    }
    rc = threads ? match_json_write_threads(in, res, output, threads, err, sizeof err)
                 : match_json_write(in, res, output, err, sizeof err);
    if (rc)
        fprintf(stderr, "tandem match: %s\n", err);
    match_result_free(res);
    match_instance_free(in);
    return rc ? 1 : 0;
}
