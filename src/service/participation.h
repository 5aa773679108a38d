/* participation.h (service) - a person's participation in a program
 * (product.md §2-4): the record, who may see and change it, the
 * participant list, changes to the profile and answers, withdrawal, and
 * the moves along the funnel. Which moves are allowed is
 * domain/participation.h's; applying, adding and inviting people are
 * service/enrolment.h's, approving and declining service/review.h's. */
#ifndef TANDEM_SERVICE_PARTICIPATION_H
#define TANDEM_SERVICE_PARTICIPATION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/enrolment.h"
#include "domain/participation.h"
#include "domain/program.h"
#include "service/service.h"

/* ---- the record ---- */

struct svc_participation {
    int64_t id, program_id, person_id;
    char role[16];
    enum stage status;
    json_t *profile;         /* owned; {} when none */
    json_t *application;     /* owned: the answers; {} when none */
    int64_t capacity, wants; /* 0 when unset */
    int64_t created_at, updated_at;
};
void svc_participation_cleanup(struct svc_participation *p); /* NULL allowed */

/* Loads participation `id` of program `program_id` (no permission check:
 * for code that has made one). SVC_OK, SVC_NOT_FOUND or a store status. */
int svc_participation_load(store *db, int64_t program_id, int64_t id,
                           struct svc_participation *out);

/* What the actor may do with a participation: see it at all (access),
 * whether it is their own, and whether they see everything
 * (coordinators, the owner) or the profile alone (a matched partner). */
struct svc_participation_view {
    enum perm_access access; /* PERM_READ or PERM_WRITE */
    bool self;
    bool full;        /* the application, the stages, the e-mail address */
    bool coordinator; /* the actor coordinates the program */
};

/* Loads participation `id` of program `program_id` as the actor may see
 * it. SVC_NOT_FOUND also when they may not see it (ids cannot be probed);
 * else SVC_OK with *view, or a store status. */
int svc_participation_get(store *db, const svc_actor *actor, int64_t program_id, int64_t id,
                          struct svc_participation *out, struct svc_participation_view *view);

/* The person behind a participation, as the participation shows them.
 * Strings are owned (NULL when the column is empty). */
struct svc_participant_person {
    int64_t id;
    char *name, *email, *department, *job_title, *location, *time_zone;
    bool has_job_level;
    int64_t job_level;
};

/* What a participation carries beyond its row: the person, the stages
 * reached with their times, the training modules completed. */
struct svc_participation_detail {
    bool has_person;
    struct svc_participant_person person;
    int64_t reached_at[STAGE_COUNT];            /* 0: not reached */
    char (*modules)[LIMIT_CONFIG_ID_BYTES + 1]; /* owned, nmodules of them, by id */
    size_t nmodules;
};
int svc_participation_detail(store *db, const struct svc_participation *p,
                             struct svc_participation_detail *out); /* SVC_OK or a store status */
void svc_participation_detail_cleanup(struct svc_participation_detail *d); /* NULL allowed */

/* ---- the participant list ---- */

/* The orders the list takes: "name", "status", "created_at", each
 * reversed by a leading "-". -1 for anything else. */
int svc_participation_sort_parse(const char *s);

struct svc_participant_filter {
    const char *role;   /* NULL: any */
    const char *status; /* a stage name, NULL: any */
    const char *q;      /* in the name or e-mail address, NULL: all */
    int sort;           /* svc_participation_sort_parse(); 0 is by name */
    int64_t limit, offset;
};

struct svc_participant_row {
    int64_t id, person_id, capacity, wants, created_at; /* capacity, wants: 0 when unset */
    char name[LIMIT_NAME_BYTES + 1];
    char email[LIMIT_EMAIL_BYTES + 1];
    char role[16], status[24];
};

struct svc_participant_page {
    struct svc_participant_row *items; /* owned, n of them */
    size_t n;
    int64_t total;
};

/* A page of the program's participants, filtered and ordered (the filters
 * checked by the caller). SVC_OK or a store status. */
int svc_participation_list(store *db, int64_t program_id, const struct svc_participant_filter *f,
                           struct svc_participant_page *out);
void svc_participant_page_cleanup(struct svc_participant_page *page); /* NULL allowed */

/* ---- changes ---- */

/* Checks the numbers by their one rule: a mentor takes 1 ..
 * LIMIT_CAPACITY_MAX mentees, a mentee wants what program_wants_max()
 * allows, whoever sets it. Records every bad one in e and returns -1,
 * else 0. */
int svc_participation_check_numbers(const struct program_config *cfg,
                                    const struct enrolment_numbers *n, verr *e);

/* Changes participation p (loaded by svc_participation_get with write
 * access) as the actor asks: the profile, checked against the program's
 * pick-lists and questionnaires; the answers; capacity and wants by
 * svc_participation_check_numbers. The profile's time zone becomes the
 * person's too (meetings are planned in it). Every bad field is named,
 * together with any already in e (the caller's own checks of the body):
 * when e holds an error nothing is written and SVC_INVALID is returned.
 * SVC_OK, SVC_INVALID, or a store status. */
int svc_participation_update(store *db, const svc_actor *actor, const struct program_config *cfg,
                             const struct svc_participation *p, const struct enrolment_change *in,
                             int64_t now, verr *e);

/* The time zone a profile names becomes its person's: meetings and e-mail
 * are written in it. Nothing happens when the profile names none. A store
 * status. */
int svc_participation_zone_to_person(store *db, int64_t person_id, const json_t *profile,
                                     int64_t now);

/* The participant leaves the program: SVC_OK, SVC_REFUSED (e names
 * `field`: they left already, or a relationship holds them), or a store
 * status. */
int svc_participation_withdraw(store *db, const svc_actor *actor, const struct svc_participation *p,
                               const char *field, int64_t now, verr *e);

/* ---- the funnel ---- */

/* Sets the participation's status to `s`, raises its furthest stage, and
 * records the time it reached the stage (the first time only). A store
 * status. */
int svc_participation_stage(store *db, int64_t participation_id, enum stage s, int64_t now);

/* Records that the participation reached `s` without changing its status
 * (a later stage already reached, or an exit, is kept). A store status. */
int svc_participation_reached(store *db, int64_t participation_id, enum stage s, int64_t now);

/* Moves an approved participation on to trained when its role has no
 * training to do in the program. A store status. */
int svc_participation_trained_if_free(store *db, const struct program_config *cfg,
                                      int64_t participation_id, const char *role, int64_t now);

/* The actor's participation in the program in `role` ("mentee", ...) into
 * *id, 0 when none (a declined or withdrawn one counts). A store
 * status. */
int svc_participation_of(store *db, const svc_actor *actor, int64_t program_id, const char *role,
                         int64_t *id);

/* The statuses in which participation_eligible() can allow a match at all,
 * as an SQL list ("'approved', 'trained', ..."), so that a query narrows
 * its rows by the one rule instead of a copy of it. */
void svc_participation_matchable_sql(char *out, size_t outlen);

/* The stages of domain/participation.h as an SQL expression of the column
 * `col` giving each stage's bit (STAGE_BIT), 0 for an exit: the funnel
 * report adds them up per participation. */
void svc_participation_stage_bits_sql(const char *col, char *out, size_t outlen);

#endif
