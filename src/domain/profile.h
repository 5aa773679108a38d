/* profile.h - a participant's matching profile (product.md §2): the
 * fields, their types, validation, completeness, the fields a program
 * requires, and the program's own choices for them (pick-lists and
 * questionnaires, docs/program-config.md). */
#ifndef TANDEM_DOMAIN_PROFILE_H
#define TANDEM_DOMAIN_PROFILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/validate.h"

struct program_config;

/* Validates a profile object - every key a known field of the right type
 * and size (base/limits.h: LIMIT_PROFILE_*), time_zone an IANA name this
 * machine knows - and returns a new, clean copy in *out. Every bad field
 * is named ("profile." is prefixed by `path` when given).
 *
 * The UTC offset is derived, not asked: when the profile names a
 * time_zone, utc_offset is that zone's standard offset in hours (5.5 for
 * Asia/Kolkata) at `now`, whatever the input said; a time_zone set to null
 * clears utc_offset with it. Returns 0, or -1 with *e naming the fields
 * (*out is then NULL). */
int profile_validate(const json_t *in, const char *path, int64_t now, json_t **out, verr *e);

/* What profile_validate takes of one field, answered from the value's
 * measures for a caller that holds it unparsed (the CSV import, which
 * writes the profile's JSON itself): text of len bytes for key (a text or
 * a value field; not time_zone, which profile_time_zone_valid judges), a
 * list of count tags whose shortest and longest have those lengths, a
 * number. true when profile_validate would accept that value for key. */
bool profile_text_fits(const char *key, size_t len);
bool profile_tags_fit(const char *key, size_t count, size_t shortest, size_t longest);
bool profile_number_fits(const char *key, double v);

/* Checks a clean profile against what the program defines for its fields
 * (selection.profile_fields): a tag or value from the pick-list unless the
 * program takes other values too, a questionnaire's answers as one whole
 * number per statement, from 1 to its scale. Every bad field is named.
 * Returns 0 or -1. */
int profile_check_program(const json_t *profile, const struct program_config *cfg, const char *path,
                          verr *e);

/* The share (0..1) of the fields the program asks of this role that the
 * profile fills. A field is asked when a matching criterion names it for
 * the role (mentee_field, mentor_field or field). 1 when none is asked. */
double profile_completeness(const json_t *profile, const json_t *criteria, const char *role);

/* The fields the program asks of this role, as a new array of names. */
json_t *profile_asked_fields(const json_t *criteria, const char *role);

/* The fields a required criterion uses for this role, as a new array of
 * names: someone without them can never be matched (the pair scores 0 on a
 * required criterion), so the forms mark them required. */
json_t *profile_required_fields(const json_t *criteria, const char *role);

/* true when v holds something a criterion could score: not missing, not
 * null, not an empty string or list. */
bool profile_value_filled(const json_t *v);

/* true for an IANA time-zone name that this machine's tz database has. */
bool profile_time_zone_valid(const char *tz);

#endif
