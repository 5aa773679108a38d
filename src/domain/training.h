/* training.h - what a person sends when they finish a training module
 * (product.md §4): the role they trained for
 * and their answers to the module's end-of-module questions. Pure. */
#ifndef TANDEM_DOMAIN_TRAINING_H
#define TANDEM_DOMAIN_TRAINING_H

#include <jansson.h>

#include "domain/validate.h"

/* Every required question of `module` (a training module of the program's
 * configuration: {"id", "questions": [{"id", "required"?...}]}) answered
 * in `answers` (an object, or NULL for none): an answer that is absent,
 * null or "" is none. Names each one missing ("answers.<id>: is
 * required"). Returns 0 or -1. */
int training_answers_check(const json_t *module, const json_t *answers, verr *e);

/* The body of POST /programs/{id}/training/{module}/completions: `role`
 * (the role trained for when the person has two; a string of at most 16
 * bytes, NULL when absent) and `answers` (an object, NULL when absent),
 * nothing else, and training_answers_check's rule; both borrowed. Names
 * every bad field. Returns 0 or -1. */
int training_completion_read(const json_t *body, const json_t *module, const char **role,
                             const json_t **answers, verr *e);

#endif
