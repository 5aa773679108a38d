/* agreement.h (service) - the partnership agreement of a relationship
 * (product.md §6): reading it with its signatures and history, editing it
 * (a change is a new version; everyone signs again) and signing the
 * current version. When every member has signed it, each reaches the
 * funnel stage agreement_signed. Every version and every signature is
 * kept (agreement_versions, agreement_signings).
 *
 * Until someone edits or signs it, the agreement is the program's default
 * text (agreement_defaults) at version 1 and nothing is stored. */
#ifndef TANDEM_SERVICE_AGREEMENT_H
#define TANDEM_SERVICE_AGREEMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "service/relationship.h"

/* A member and the version they last signed. */
struct svc_agreement_signature {
    struct svc_rel_member who;
    int64_t version;   /* 0: never signed */
    int64_t signed_at; /* of that version */
    bool current;      /* signed the current version */
};

/* One version of the text, newest first in svc_agreement.versions. */
struct svc_agreement_version {
    int64_t version;
    json_t *content;   /* owned */
    int64_t edited_by; /* person; 0 for the program's default text */
    char edited_by_name[LIMIT_NAME_BYTES + 1];
    int64_t edited_at; /* 0 for the default text not yet stored */
};

/* A signature given, at any version. */
struct svc_agreement_signing {
    int64_t version, participation_id, signed_at;
};

struct svc_agreement {
    int64_t relationship_id, version;
    json_t *content;                /* owned: the current text */
    int64_t updated_by, updated_at; /* 0 until stored */
    struct svc_agreement_signature sigs[LIMIT_RELATIONSHIP_MEMBERS];
    size_t nsigs;
    bool signed_by_all;
    struct svc_agreement_version *versions; /* owned, newest first, the current one included */
    size_t nversions;                       /* at most LIMIT_AGREEMENT_VERSIONS */
    struct svc_agreement_signing *signings; /* owned, every signature, oldest first */
    size_t nsignings;
};

/* Frees what *a owns; accepts an empty struct. */
void svc_agreement_cleanup(struct svc_agreement *a);

/* Relationship r's agreement into *out (cleanup after). A store status. */
int svc_agreement_get(store *db, const struct svc_rel *r, struct svc_agreement *out);

/* Edits r's agreement as the actor: `edit` holds any of agreement_fields
 * (a document; absent ones keep their text), checked by agreement_edit
 * (every bad field named; the protective clauses may not be blank).
 * `version` is the one the client read (0: not given). A real change
 * stores a new version, clears the signatures of the old and mails the
 * other members; identical text changes nothing. *out is the agreement
 * after. SVC_OK, SVC_FORBIDDEN / SVC_REFUSED (not a member, or the
 * relationship ended), SVC_STALE ("version"), SVC_INVALID, or a store
 * status. */
int svc_agreement_edit(store *db, const svc_actor *actor, const struct svc_rel *r,
                       const json_t *edit, int64_t version, struct svc_agreement *out, verr *e);

/* Signs the current version of r's agreement as the actor (a member; a
 * second signature of the same version changes nothing). `version` as
 * above. When everyone has signed it, every member reaches the stage
 * agreement_signed. Statuses as svc_agreement_edit. */
int svc_agreement_sign(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t version,
                       struct svc_agreement *out, verr *e);

#endif
