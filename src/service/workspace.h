/* workspace.h (service) - what every noun of a relationship's workspace
 * shares (product.md §6, docs/internals/workspace.md): may the actor write
 * in it now, who the other members are with their e-mail and time zone,
 * and the addresses of the workspace's pages for links in mail and
 * calendars. The relationship itself is service/relationship.h's. */
#ifndef TANDEM_SERVICE_WORKSPACE_H
#define TANDEM_SERVICE_WORKSPACE_H

#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "service/relationship.h"

/* SVC_OK when the actor (whose view of the relationship is r, loaded with
 * svc_relationship_get) may change its workspace: a member (else
 * SVC_FORBIDDEN) while the relationship is open (else SVC_REFUSED). */
int svc_workspace_writable(const struct svc_rel *r, verr *e);

/* A member to tell about a change, as their mail needs them. */
struct svc_ws_person {
    int64_t person_id, participation_id;
    char name[LIMIT_NAME_BYTES + 1];
    char email[LIMIT_EMAIL_BYTES + 1];
    char time_zone[72]; /* their profile's, else their account's, else "UTC" */
};

/* The members of relationship `rel_id` but the actor, into out[0..*n). A
 * store status. */
int svc_workspace_others(store *db, const svc_actor *actor, int64_t rel_id,
                         struct svc_ws_person out[LIMIT_RELATIONSHIP_MEMBERS], size_t *n);

/* Person `id` as above; their zone is their profile's in participation
 * `participation_id` (0: none), else their account's. SVC_OK,
 * SVC_NOT_FOUND, or a store status. */
int svc_workspace_person(store *db, int64_t id, int64_t participation_id,
                         struct svc_ws_person *out);

/* Who wrote a note or a message. */
struct svc_author {
    int64_t participation_id, person_id;
    char name[LIMIT_NAME_BYTES + 1];
    char role[16]; /* "" when no longer a member */
};

/* Reads an author from columns col.. of a row: participation id, person
 * id, name, role (may be NULL). */
void svc_workspace_author(store_rows *rows, int col, struct svc_author *out);

/* The address of the workspace page of relationship `rel_id` (the public
 * URL, then /relationships/<rid>, then "/<section>" when section is not
 * NULL: "messages", "agreement", "meetings/12"). These are the pages the
 * web UI routes. */
void svc_workspace_link(char *out, size_t outlen, int64_t rel_id, const char *section);

#endif
