/* program.h - a program's configuration (product.md §3; the document is
 * described field by field in docs/program-config.md).
 */
#ifndef TANDEM_DOMAIN_PROGRAM_H
#define TANDEM_DOMAIN_PROGRAM_H

#include <jansson.h>

#include "domain/validate.h"

/* The configuration sections, in the order the setup wizard shows them. */
extern const char *const program_config_keys[]; /* NULL-terminated */
extern const char *const program_statuses[];    /* NULL-terminated */

/* Validates the configuration sections found in `in` (an object holding
 * any of program_config_keys; other keys are the caller's business) and
 * returns in *out a new, complete configuration with every default filled
 * in. `base` (may be NULL) is an earlier complete configuration whose
 * sections are kept where `in` does not name them (PATCH). Returns 0, or
 * -1 with *e naming the field; *out is then NULL. The caller owns *out. */
int program_config_normalize(const json_t *in, const json_t *base, json_t **out, verr *e);

/* The phase templates: {"zachary": [phase...], "kram": ..., ...}. New
 * reference; the caller owns it. */
json_t *program_phase_templates(void);

/* true when name is a profile field a matching criterion may use. */
int program_profile_field_kind(
    const char *name); /* 0 unknown, 1 tags, 2 value, 3 number, 4 vector */

#endif
