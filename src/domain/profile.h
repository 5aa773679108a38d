/* profile.h - a participant's matching profile (product.md §2): the
 * fields, their types, validation, completeness and the public card. */
#ifndef TANDEM_DOMAIN_PROFILE_H
#define TANDEM_DOMAIN_PROFILE_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/validate.h"

#define PROFILE_TAGS_MAX 32 /* tags in one set */
#define PROFILE_TAG_BYTES 100
#define PROFILE_VECTOR_MAX 32

/* Validates a profile object (every key a known field of the right type;
 * time_zone an IANA name this machine knows) and returns a new, clean
 * copy in *out. Returns 0, or -1 with *e naming the field ("profile." is
 * prefixed by `path` when given). */
int profile_validate(const json_t *in, const char *path, json_t **out, verr *e);

/* The share (0..1) of the fields the program asks of this role that the
 * profile fills. A field is asked when a matching criterion names it for
 * the role (mentee_field, mentor_field or field). 1 when none is asked. */
double profile_completeness(const json_t *profile, const json_t *criteria, const char *role);

/* The fields the program asks of this role, as a new array of names. */
json_t *profile_asked_fields(const json_t *criteria, const char *role);

/* true for an IANA time-zone name that this machine's tz database has. */
bool profile_time_zone_valid(const char *tz);

#endif
