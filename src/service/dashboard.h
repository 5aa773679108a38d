/* dashboard.h (service) - what waits for a coordinator in each program
 * they coordinate (product.md §1, §4): applications to review, approved
 * mentees without the mentors they want, requests waiting for an answer,
 * and the relationships by status - counted for many programs at once, in
 * two queries whatever their number.
 */
#ifndef TANDEM_SERVICE_DASHBOARD_H
#define TANDEM_SERVICE_DASHBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "service/service.h"

struct svc_program_counts {
    int64_t program_id;
    bool known;        /* the actor coordinates it; else the counts are 0 */
    int64_t pending;   /* applications waiting for review */
    int64_t unmatched; /* approved mentees who may be matched and want a mentor */
    int64_t untrained; /* approved mentees with wants left, kept out by training */
    int64_t requests;  /* self-matching requests waiting for a mentor's answer */
    int64_t active, paused, closing, completed, ended_early; /* relationships */
};

/* The counts of programs ids[0..n) (at most LIMIT_PAGE_MAX) into out[i]
 * for the ones the actor coordinates (a site admin coordinates every
 * one); out[i].known is false for the others. A store status. */
int svc_dashboard_counts(store *db, const svc_actor *actor, const int64_t *ids, size_t n,
                         struct svc_program_counts *out);

#endif
