/* resource.h (service) - the help library (product.md §2, §7; issue 12
 * item 5; docs/internals/resources.md): Markdown articles and links, per
 * program and site-wide, tagged by phase, topic and role; created,
 * edited, ordered and retired by their editors (a program's coordinators;
 * site admins for the site-wide library); recommended in a relationship's
 * workspace, the current phase's first; opens recorded per person.
 *
 * Who reads: a program's library, anyone with a role in the program; the
 * site-wide library, anyone signed in. Retired resources, and site-wide
 * ones a program hid, are shown to editors only. Anything else answers
 * SVC_NOT_FOUND.
 */
#ifndef TANDEM_SERVICE_RESOURCE_H
#define TANDEM_SERVICE_RESOURCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/resource.h"
#include "service/relationship.h"

/* A resource as one actor reads it. */
struct svc_resource {
    int64_t id, program_id;          /* program_id 0: site-wide */
    char *title;                     /* owned */
    char *body_md, *url;             /* owned; NULL when it has none */
    json_t *phases, *topics, *roles; /* owned lists of strings */
    int64_t position, retired_at;    /* retired_at 0: live */
    bool starter;                    /* one of the starter set shipped with Tandem */
    bool hidden;                     /* site-wide, and the program of the list hid it */
    bool editable;                   /* svc_resource_get: the actor may change it */
    int64_t created_at, updated_at, version;
    int64_t opened_at;         /* the actor's last open; 0 never */
    int64_t opens;             /* times opened (in the program, for a program's list) */
    int64_t people;            /* people who opened it (likewise) */
    enum resource_group group; /* recommendations only */
};

void svc_resource_cleanup(struct svc_resource *r);         /* accepts an empty struct */
void svc_resources_free(struct svc_resource *r, size_t n); /* accepts NULL */

/* What a library list is narrowed to; NULL or "" for no filter. */
struct svc_resource_filter {
    const char *phase, *topic, *role; /* tags; case does not matter */
    const char *q;                    /* words in the title or the text */
    bool all;                         /* editors: retired and hidden ones too */
};

struct svc_resource_list {
    struct svc_resource *items; /* owned */
    size_t n;
    bool editor; /* the actor may change this library */
};
void svc_resource_list_cleanup(struct svc_resource_list *l);

/* The library of program `program_id` (its own resources by position, then
 * the site-wide ones by position), or the site-wide library when
 * program_id is 0, narrowed by f. The caller has checked the actor may see
 * the program. A store status. */
int svc_resource_list(store *db, const svc_actor *actor, int64_t program_id,
                      const struct svc_resource_filter *f, struct svc_resource_list *out);

/* Resource `id`, as the actor may read it (in the context of program
 * `program_id` when not 0: its hidden flag and its counts there). SVC_OK,
 * SVC_NOT_FOUND, or a store status. */
int svc_resource_get(store *db, const svc_actor *actor, int64_t id, int64_t program_id,
                     struct svc_resource *out);

/* Creates a resource in program `program_id` (whose configuration is cfg;
 * its phases must be the model's) or, with program_id 0 and cfg NULL,
 * site-wide, at the end of its library. The actor must be an editor
 * (SVC_FORBIDDEN). SVC_OK with *id; SVC_INVALID naming each bad field;
 * SVC_REFUSED when the library is full; or a store status. */
int svc_resource_create(store *db, const svc_actor *actor, int64_t program_id,
                        const struct program_config *cfg, const struct resource_fields *in,
                        int64_t *id, verr *e);

/* Changes resource `id`: the fields given (an article's text or a link
 * may be taken away as long as one is left), its position in its library
 * (the others move up or down), retired or restored. in->version is
 * required (SVC_INVALID naming "version" when 0, after the access check)
 * and must be the current one (SVC_STALE naming "version"). SVC_OK;
 * SVC_NOT_FOUND; SVC_FORBIDDEN for a reader who is not an editor;
 * SVC_INVALID naming each bad field; or a store status. */
int svc_resource_update(store *db, const svc_actor *actor, int64_t id,
                        const struct resource_fields *in, verr *e);

/* Takes site-wide resource `id` out of program `program_id`'s library
 * (hidden) or puts it back, as one of the program's coordinators. SVC_OK;
 * SVC_NOT_FOUND; SVC_FORBIDDEN; SVC_REFUSED (naming "hidden") for a
 * resource of the program's own (retire it instead); or a store status. */
int svc_resource_hide(store *db, const svc_actor *actor, int64_t program_id, int64_t id,
                      bool hidden, verr *e);

/* Records that the actor opened resource `id` (which they may read, live):
 * the first time, the last time and how often. *opens receives the
 * actor's count. SVC_OK, SVC_NOT_FOUND, SVC_FORBIDDEN (the system, or no
 * person), or a store status. */
int svc_resource_open(store *db, const svc_actor *actor, int64_t id, int64_t *opens,
                      int64_t *first_at, int64_t *last_at);

/* The resources relationship r's workspace recommends to the actor: the
 * program's live ones and the live site-wide ones it did not hide, for
 * the actor's role in r (a coordinator reads all), in the order of
 * resource_rank_sort for r's current phase of cfg, each with its group.
 * A store status. */
int svc_resource_recommend(store *db, const svc_actor *actor, const struct svc_rel *r,
                           const struct program_config *cfg, struct svc_resource_list *out);

#endif
