/* demo_life.h - the demo's second program, months into its life. */
#ifndef TANDEM_CLI_DEMO_LIFE_H
#define TANDEM_CLI_DEMO_LIFE_H

#include <stdint.h>

#include "store/store.h"

#define DEMO_RUNNING_PROGRAM "Graduate mentoring 2026 (demo)"

/* Loads "Graduate mentoring 2026 (demo)" inside the caller's transaction:
 * 14 mentors and 26 mentees who started about five months before `now`,
 * their relationships in every phase and status with meetings, goals,
 * messages, health checks and survey answers, and outcome records for
 * them and for 30 people who never joined; `coord` (a person) coordinates
 * it and every new person signs in with `hash`. Generated from a fixed
 * seed, dated relative to `now`. A store status. */
int demo_load_running(store *s, const char *hash, int64_t coord, int64_t now);

#endif
