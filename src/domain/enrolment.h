/* enrolment.h - the pure rules of taking part (product.md §4): the answers
 * to a program's enrolment questions, and the bodies that apply, add
 * someone, change or review a participation, read into typed input. Which review moves are allowed is
 * domain/participation.h's; the e-mails of enrolment (the invitation, the
 * outcome of a review) are templates of domain/mail.c. */
#ifndef TANDEM_DOMAIN_ENROLMENT_H
#define TANDEM_DOMAIN_ENROLMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/validate.h"

/* Checks answers (an object keyed by question id; NULL is none) against
 * the questions (the program's selection.questions) asked of `role`: no
 * answer to a question not asked of the role, every required one given,
 * each of its question's type and within its limits. Every bad answer is
 * named (path.answers.<id>, path "" for the top level). Returns 0 with a
 * new object of the given answers in *clean, or -1 with *clean NULL. */
int enrolment_check_answers(const json_t *answers, const json_t *questions, const char *role,
                            const char *path, json_t **clean, verr *e);

/* The numbers of a participation as a body gives them: absent ones keep
 * their value. */
struct enrolment_numbers {
    bool has_capacity, has_wants;
    int64_t capacity, wants;
};

/* An application by the actor themself. */
struct enrolment_application {
    const char *role;      /* "mentor" or "mentee"; NULL when the body's was bad */
    const json_t *answers; /* to the enrolment questions, unchecked; NULL: none */
    const json_t *profile; /* checked by profile_validate(); NULL: none */
    struct enrolment_numbers numbers;
};

/* Someone a coordinator adds: by e-mail address, a new account (with
 * `name`) when there is none. */
struct enrolment_add {
    const char *email;     /* checked by the service */
    const char *name;      /* required for someone new; NULL */
    const char *role;      /* mentor, mentee, coordinator, viewer; NULL when the body's was bad */
    bool invite;           /* send the invitation e-mail */
    const json_t *profile; /* checked by profile_validate(); NULL: none */
    struct enrolment_numbers numbers;
};

/* What changes of a participation (PATCH): NULL keeps. */
struct enrolment_change {
    const json_t *profile; /* checked by profile_validate(); NULL: kept */
    const json_t *answers; /* to the enrolment questions, unchecked; NULL: kept */
    struct enrolment_numbers numbers;
};

/* The readers below go on after a bad field, so that e names every one
 * (a collecting verr), and the caller hands what they read to the service
 * whatever they return: the service adds its own errors (numbers against
 * the program, answers against its questions) to the same e and refuses
 * them all at once. Strings and the answers are borrowed from body; the
 * clean profile (profile_validate at `now`) is new in *profile, the
 * caller's to free (NULL when absent or bad), and out->profile borrows
 * it. Each returns 0, or -1 when it recorded an error. Pure. */

/* POST /programs/{id}/participants by the applicant: role (mentor or
 * mentee; required), answers, profile, capacity and wants (integers). */
int enrolment_application_read(const json_t *body, int64_t now, struct enrolment_application *out,
                               json_t **profile, verr *e);

/* POST /programs/{id}/participants by a coordinator: email (required),
 * name (one line), role (mentor, mentee, coordinator, viewer; required),
 * invite (default true), profile, capacity, wants. */
int enrolment_add_read(const json_t *body, int64_t now, struct enrolment_add *out, json_t **profile,
                       verr *e);

/* PATCH /participants/{id}: status (approved, declined, withdrawn; ""
 * when absent, never NULL), decline_reason (required to decline), profile,
 * capacity, wants, answers. */
int enrolment_change_read(const json_t *body, int64_t now, struct enrolment_change *out,
                          const char **status, const char **reason, json_t **profile, verr *e);

/* POST /programs/{id}/participants/review: action (approve or decline;
 * *action NULL when bad), decline_reason, ids (at most LIMIT_PAGE_MAX * 10
 * participation ids). *ids (free()) is always allocated, *n entries; an
 * entry that is no integer is named ("ids[2]") and counts as 0. */
int enrolment_bulk_read(const json_t *body, const char **action, const char **reason, int64_t **ids,
                        size_t *n, verr *e);

#endif
