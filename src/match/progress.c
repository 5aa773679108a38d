/* progress.c - a one-line progress display for a terminal. */
#include "match/match.h"

#include "base/clock.h"

#include <stdio.h>
#include <string.h>

static double last_t;
static char last_stage[16];

void match_progress_print(void *ctx, const char *stage, double done, double total)
{
    FILE *f = ctx ? ctx : stderr;
    double now = clock_mono();
    bool changed = strncmp(stage, last_stage, sizeof last_stage - 1) != 0;
    if (!changed && now - last_t < 0.1 && done < total)
        return;
    if (changed && last_stage[0])
        fputc('\n', f);
    last_t = now;
    snprintf(last_stage, sizeof last_stage, "%s", stage);
    double pct = total > 0 ? 100.0 * done / total : 100.0;
    fprintf(f, "\r%-8s %5.1f%%", stage, pct > 100 ? 100.0 : pct);
    fflush(f);
}

void match_progress_end(void *ctx)
{
    FILE *f = ctx ? ctx : stderr;
    if (last_stage[0])
        fputc('\n', f);
    last_stage[0] = 0;
    fflush(f);
}
