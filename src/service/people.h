/* people.h (service) - accounts: creating one, reading and listing them
 * (product.md §9). Passwords are hashed by the caller (argon2id takes a
 * while and runs outside the transaction); sessions are
 * service/sessions.h's. */
#ifndef TANDEM_SERVICE_PEOPLE_H
#define TANDEM_SERVICE_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "service/service.h"

struct svc_person {
    int64_t id;
    char email[LIMIT_EMAIL_BYTES + 1];
    char name[LIMIT_NAME_BYTES + 1];
    char site_role[16];
};

struct svc_person_new {
    const char *email;         /* lower-cased here */
    const char *name;          /* 1 .. LIMIT_NAME_BYTES of UTF-8 */
    const char *password_hash; /* NULL: no password yet (invited) */
    const char *site_role;     /* "admin", "coordinator", "member"; NULL: member */
};

/* Creates a person: SVC_OK with *id; SVC_INVALID naming "email" (not an
 * address, or taken) or "name" - every bad one, with those already in e;
 * or a store status. Records the audit event. */
int svc_person_create(store *db, const svc_actor *actor, const struct svc_person_new *in,
                      int64_t *id, verr *e);

/* The person with the (lower-cased) e-mail address into *id, 0 when none.
 * A store status. */
int svc_person_by_email(store *db, const char *email, int64_t *id);

/* Person `id`: SVC_OK, SVC_NOT_FOUND or a store status. */
int svc_person_get(store *db, int64_t id, struct svc_person *out);

struct svc_person_page {
    struct svc_person *items; /* owned, n of them */
    size_t n;
    int64_t total;
};

/* A page of the people whose name or address holds q (NULL: everyone),
 * by name. SVC_OK or a store status. */
int svc_person_list(store *db, const char *q, int64_t limit, int64_t offset,
                    struct svc_person_page *out);
void svc_person_page_cleanup(struct svc_person_page *page); /* NULL allowed */

#endif
