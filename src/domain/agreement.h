/* agreement.h - the partnership agreement of a relationship (product.md
 * §6): its fields, the defaults a program suggests, and checking edits.
 *
 * An agreement is a JSON object holding exactly the agreement_fields, all
 * strings. Signing and versions are the caller's business: every change
 * of content is a new version, and a version is agreed when every member
 * has signed it.
 */
#ifndef TANDEM_DOMAIN_AGREEMENT_H
#define TANDEM_DOMAIN_AGREEMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/program.h"
#include "domain/validate.h"

extern const char *const agreement_fields[]; /* NULL-terminated, in reading order */

/* The agreement a new relationship starts from, filled in from the
 * program's configuration (meeting frequency, length and modes, duration)
 * and the planned end (Unix seconds; 0 leaves the date out). New
 * reference; never NULL. */
json_t *agreement_defaults(const struct program_config *cfg, int64_t planned_end);

/* The clauses an agreement may not leave empty: confidentiality,
 * boundaries and the no-fault exit (NULL-terminated). */
extern const char *const agreement_required[];

/* Checks an edit: `in` may hold any of agreement_fields (strings of at
 * most LIMIT_TEXT_BYTES) and nothing else; the fields it leaves out keep
 * their value in `current`; the agreement_required clauses may not be
 * blank. Every bad field is named in *e. Returns 0 with *out a new
 * complete agreement, or -1 (*out NULL). */
int agreement_edit(const json_t *current, const json_t *in, json_t **out, verr *e);

/* The re-signing rule: a version is agreed when every one of the n
 * members has signed that very version (signed[i] is the version member i
 * last signed, 0 for none). Editing makes a new version, so every member
 * signs again. false for no members. */
bool agreement_signed_by_all(const int64_t *signed_versions, size_t n, int64_t version);

/* The agreement_fields whose text differs between two versions, as a new
 * array of names in reading order (all of them when `before` is NULL). */
json_t *agreement_changes(const json_t *before, const json_t *after);

/* The body of PUT .../agreement: the clauses agreement_edit reads and the
 * `version` the edit was made against (required, 1..INT32_MAX). *edit is
 * a new copy of the body without `version` (NULL on failure), which the
 * caller releases. Returns 0, or -1 naming the version. */
int agreement_put_read(const json_t *body, int64_t *version, json_t **edit, verr *e);

/* The body of POST .../agreement/signatures: {"version"?} (1..INT32_MAX;
 * 0 when absent: the current one) and nothing else. Names every bad
 * field. Returns 0 or -1. */
int agreement_sign_read(const json_t *body, int64_t *version, verr *e);

#endif
