/* health.h - a relationship's health check (product.md §6): each party
 * rates the eight qualities of a successful mentoring relationship from
 * the seeds, 1 to 5. Pure: the qualities, checking a check's ratings,
 * and its average. */
#ifndef TANDEM_DOMAIN_HEALTH_H
#define TANDEM_DOMAIN_HEALTH_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/validate.h"

#define HEALTH_QUALITIES 8

struct health_quality {
    const char *key;   /* "goal_clarity": the ratings' key and the column's name */
    const char *label; /* "Goal clarity" */
    const char *ask;   /* what a person rates, in the seeds' words */
};

/* The eight, in the seeds' order: articulation, listening, respect,
 * goal_clarity, challenge, self_awareness, commitment_to_learning,
 * reflection_and_preparation. */
extern const struct health_quality health_qualities[HEALTH_QUALITIES];

/* Checks {"articulation": 1-5, ...}: every quality rated with a whole
 * number 1 to 5, nothing else; names every bad field
 * ("ratings.listening"). 0 with out[] filled in health_qualities order,
 * or -1. */
int health_ratings_check(const json_t *ratings, int out[HEALTH_QUALITIES], verr *e);

/* The mean of the eight ratings. */
double health_average(const int r[HEALTH_QUALITIES]);

/* The index of a quality's key, or -1. */
int health_quality_index(const char *key);

/* The body of POST .../health-checks: `ratings` (health_ratings_check's),
 * `comment` ("" when absent, at most LIMIT_HEALTH_COMMENT_BYTES) and
 * `share` (true or false; null or absent leaves the pair's setting as it
 * was: *share -1). Only those keys; the comment is borrowed. Names every
 * bad field. Returns 0 or -1. */
int health_check_read(const json_t *body, int ratings[HEALTH_QUALITIES], const char **comment,
                      int *share, verr *e);

/* The body of PUT .../health-checks/share: {"share": true|false}, the
 * flag required. Returns 0, or -1 naming what is wrong. */
int health_share_read(const json_t *body, bool *share, verr *e);

#endif
