/* enrolment.h - the pure rules of taking part (product.md §4): the answers
 * to a program's enrolment questions. Which review moves are allowed is
 * domain/participation.h's; the e-mails of enrolment (the invitation, the
 * outcome of a review) are templates of domain/mail.c. */
#ifndef TANDEM_DOMAIN_ENROLMENT_H
#define TANDEM_DOMAIN_ENROLMENT_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/validate.h"

/* Checks answers (an object keyed by question id; NULL is none) against
 * the questions (the program's selection.questions) asked of `role`: no
 * answer to a question not asked of the role, every required one given,
 * each of its question's type and within its limits. Every bad answer is
 * named (path.answers.<id>, path "" for the top level). Returns 0 with a
 * new object of the given answers in *clean, or -1 with *clean NULL. */
int enrolment_check_answers(const json_t *answers, const json_t *questions, const char *role,
                            const char *path, json_t **clean, verr *e);

#endif
