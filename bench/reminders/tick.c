/* tick.c - one tick of the reminders job, timed in process
 * (bench/reminders/run.py drives it).
 *
 *   reminders-tick DB_URL NOW ROUNDS
 *
 * Opens the database as `tandem jobs` does, runs job_reminders(db, NOW)
 * ROUNDS times and prints one line per round: the wall time of the tick
 * in microseconds and the items it handled. Exit 0, or 1 when the
 * database cannot be opened or a tick fails. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "jobs/jobs.h"
#include "store/store.h"

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: reminders-tick DB_URL NOW ROUNDS\n");
        return 2;
    }
    char err[256];
    store *db = NULL;
    if (store_open(argv[1], &db, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "reminders-tick: %s\n", err);
        return 1;
    }
    int64_t now = strtoll(argv[2], NULL, 10);
    long rounds = strtol(argv[3], NULL, 10);
    int rc = 0;
    for (long i = 0; i < rounds && rc == 0; i++) {
        size_t done = 0;
        double t = now_us();
        if (job_reminders(db, now, &done) != STORE_OK) {
            fprintf(stderr, "reminders-tick: %s\n", store_errmsg(db));
            rc = 1;
        }
        printf("%.1f %zu\n", now_us() - t, done);
    }
    store_free(db);
    return rc;
}
