/* gen.h - the benchmark's seeded instance generator.
 *
 * Sizes S (1,000 mentees x 200 mentors), M (10k x 2k), L (100k x 20k);
 * capacities 1-5 (scarce) or 3-9 (balanced); wants 1-3; 128 skills with
 * Zipf-skewed popularity; 16 languages (a required criterion); time zones;
 * a seniority gap; 8-value personality vectors; 1-3 forbidden pairs and
 * three ranked choices per mentee. The same seed gives the same instance,
 * built in memory or written as the JSON of `tandem match`.
 */
#ifndef TANDEM_BENCH_MATCH_GEN_H
#define TANDEM_BENCH_MATCH_GEN_H

#include "match/match.h"

#include <stdint.h>
#include <stdio.h>

typedef struct gen_params {
    size_t ne, nr;
    int cap_lo, cap_hi;
    uint64_t seed;
} gen_params;

/* "S", "M", "L" and "scarce" / "balanced"; 0 or -1. */
int gen_params_parse(const char *size, const char *caps, uint64_t seed, gen_params *p);

typedef struct gen_data gen_data;
gen_data *gen_new(const gen_params *p);
void gen_free(gen_data *d);
match_instance *gen_instance(const gen_data *d);
/* The slot-expanded relaxation: a mentee wanting w mentors becomes w
 * mentees wanting one each (so one pair may repeat), as SciPy sees it. */
match_instance *gen_instance_slots(const gen_data *d);
int gen_write_json(const gen_data *d, FILE *f);

#endif
