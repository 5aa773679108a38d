/* survey_template.h - the built-in surveys, written from the seeds: the
 * end-of-training survey (reactions to the training and its
 * facilitators), the pairing fit after the first meeting ("is this a
 * good match?"), the periodic check-in on the qualities of a successful
 * relationship, the mid-point review, the closing survey and the
 * feedback after each meeting. A coordinator adds one to a program as a
 * survey of its own and edits it there. Pure data. */
#ifndef TANDEM_DOMAIN_SURVEY_TEMPLATE_H
#define TANDEM_DOMAIN_SURVEY_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>

#include "domain/validate.h"

/* How many templates there are, and template i's name ("end_of_training",
 * "pairing_fit", "check_in", "midpoint", "closure", "after_meeting") and
 * one line saying when it is asked; NULL past the end. */
size_t survey_template_count(void);
const char *survey_template_name(size_t i);
const char *survey_template_what(size_t i);

/* Template `name` as a new survey document in the form POST
 * /programs/{id}/surveys takes (title, intro, anonymous, audience,
 * purpose, questions, trigger), or NULL when there is none of that name.
 * The caller owns it. */
json_t *survey_template_doc(const char *name);

/* The document a POST /programs/{id}/surveys body stands for: the body
 * itself, or, when it names a built-in `template` (a string of at most 32
 * bytes; *tmpl, borrowed, NULL when none), that template's document with
 * the body's other keys over it. *doc is new (the caller releases it;
 * NULL on failure) and still to be checked by survey_def_normalize.
 * Returns 0, or -1 naming "template". */
int survey_create_doc(const json_t *body, const char **tmpl, json_t **doc, verr *e);

#endif
