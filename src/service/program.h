/* program.h (service) - programs: their configuration as the code reads
 * it, the actor's roles in them, and creating, changing and listing them
 * (product.md §3). */
#ifndef TANDEM_SERVICE_PROGRAM_H
#define TANDEM_SERVICE_PROGRAM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/limits.h"

#include "domain/program.h"
#include "service/service.h"

/* Loads program `id`'s configuration into *cfg (released with
 * program_config_cleanup): one read and one parse of the stored document,
 * no validation (it was normalised when stored). name (may be NULL)
 * receives the program's name. SVC_OK, SVC_NOT_FOUND, or a store status. */
int svc_program_config(store *db, int64_t id, struct program_config *cfg, char *name,
                       size_t namelen);

/* The roles the actor holds in the program (a site admin's PERM_ADMIN
 * included) into *roles; 0 when none. A store status. */
int svc_program_roles(store *db, const svc_actor *actor, int64_t program_id, perm_roles *roles);

/* A program as the services hand it out. */
struct svc_program {
    int64_t id, created_at, updated_at, version;
    char name[LIMIT_NAME_BYTES + 1];
    char status[16];
    char *description;                /* owned */
    struct program_config cfg;        /* filled by svc_program_get; empty in lists */
    perm_roles roles;                 /* the actor's roles in it */
    bool has_enrolment;               /* enrolment is known: svc_program_get, joinable lists */
    enum program_enrolment enrolment; /* whether people may apply on their own now */
    char enrolment_opens[11];         /* "YYYY-MM-DD" or "" (with has_enrolment) */
};
void svc_program_cleanup(struct svc_program *p); /* NULL allowed */

/* Program `id` with its configuration, as the actor may see it: their
 * roles let them read it, or it takes applications (not invite-only) and
 * they are signed in. SVC_OK, SVC_NOT_FOUND, or a store status. */
int svc_program_get(store *db, const svc_actor *actor, int64_t id, struct svc_program *out);

/* A page of the programs the actor takes part in (every program for an
 * admin) or, with `joinable`, of those enrolling that take applications
 * (not invite-only, enrolment not closed: program_enrolment_at) and that
 * the actor is not in yet; newest first, with the total count. Joinable
 * ones say whether enrolment is open or not yet. */
struct svc_program_page {
    struct svc_program *items; /* owned, n of them */
    size_t n;
    int64_t total;
};
int svc_program_list(store *db, const svc_actor *actor, bool joinable, int64_t limit,
                     int64_t offset, struct svc_program_page *out);
void svc_program_page_cleanup(struct svc_program_page *page); /* NULL allowed */

/* What creating or changing a program takes: the checked basics and the
 * normalised configuration (program_config_normalize). */
struct svc_program_input {
    const char *name, *description, *status;
    const struct program_config *cfg;
    int64_t version; /* the version the change was made against (updates) */
};

/* Creates a program; its creator coordinates it. SVC_OK with *id, or a
 * store status. */
int svc_program_create(store *db, const svc_actor *actor, const struct svc_program_input *in,
                       int64_t *id);

/* Changes program `id`: SVC_OK, SVC_STALE (e names "version") when it
 * changed since in->version, or a store status. The caller has checked
 * the actor may change it. */
int svc_program_update(store *db, const svc_actor *actor, int64_t id,
                       const struct svc_program_input *in, verr *e);

#endif
