/* note.h (service) - notes in a relationship's workspace (product.md §2,
 * §6, §9). A note is private (its author's alone: not the partner, not a
 * coordinator, not an admin - to everyone else it does not exist) or
 * shared (every member, and the program's coordinators and admins, read
 * it). Only the author edits or deletes a note. The audit trail records
 * that a note exists, never what it says. */
#ifndef TANDEM_SERVICE_NOTE_H
#define TANDEM_SERVICE_NOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "service/relationship.h"
#include "service/workspace.h"

struct svc_note {
    int64_t id, relationship_id;
    char visibility[16]; /* private, shared */
    char *body;          /* owned */
    int64_t created_at, updated_at;
    struct svc_author author;
    bool mine;
};

void svc_note_cleanup(struct svc_note *n);
void svc_notes_free(struct svc_note *n, size_t count);

/* A page of the notes of r the actor may read, newest first. */
int svc_note_list(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t limit,
                  int64_t offset, struct svc_note **out, size_t *n, int64_t *total);

/* Note nid when the actor may read it: SVC_OK, SVC_NOT_FOUND, < 0. */
int svc_note_get(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t nid,
                 struct svc_note *out);

/* Writes a note as the actor (a member of the open relationship); body
 * required, visibility default private. */
int svc_note_create(store *db, const svc_actor *actor, const struct svc_rel *r, const char *body,
                    const char *visibility, struct svc_note *out, verr *e);

/* Changes the actor's own note: body and/or visibility (NULL keeps).
 * SVC_NOT_FOUND (cannot see it), SVC_FORBIDDEN (not the author),
 * SVC_REFUSED (the relationship ended), or a store status. */
int svc_note_update(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t nid,
                    const char *body, const char *visibility, struct svc_note *out, verr *e);

/* Deletes the actor's own note. Statuses as svc_note_update. */
int svc_note_delete(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t nid,
                    verr *e);

#endif
