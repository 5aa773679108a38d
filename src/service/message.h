/* message.h (service) - messages between the members of a relationship
 * (product.md §2, §6, §9): posted by members, read by everyone who may
 * read the relationship (the program's coordinators too), listed oldest
 * first and paged by id. Each message is mailed to the other members -
 * who wrote and where to read it, never the text, which stays in Tandem. */
#ifndef TANDEM_SERVICE_MESSAGE_H
#define TANDEM_SERVICE_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "service/note.h"

struct svc_message {
    int64_t id, relationship_id;
    char *body; /* owned */
    int64_t created_at;
    struct svc_author author;
    bool mine;
};

void svc_message_cleanup(struct svc_message *m);
void svc_messages_free(struct svc_message *m, size_t n);

/* Up to `limit` messages of r with an id above `after`, oldest first;
 * *more tells whether more follow. A store status. */
int svc_message_list(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t after,
                     int64_t limit, struct svc_message **out, size_t *n, bool *more);

/* Posts a message as the actor (a member of the open relationship) and
 * mails the other members a link to the workspace's messages. */
int svc_message_create(store *db, const svc_actor *actor, const struct svc_rel *r, const char *body,
                       struct svc_message *out, verr *e);

#endif
