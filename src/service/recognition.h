/* recognition.h (service) - recognition (product.md §2, §7; issue 12 item
 * 6; docs/internals/resources.md): the milestones people reach, recorded
 * as they happen by the services where they happen; the badges they make
 * on a profile; kudos from one partner to another; a coordinator's
 * highlight of a successful relationship; and the certificate of
 * completion of a completed relationship, for each member.
 */
#ifndef TANDEM_SERVICE_RECOGNITION_H
#define TANDEM_SERVICE_RECOGNITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/limits.h"
#include "domain/recognition.h"
#include "service/relationship.h"

/* Records every milestone the members of relationship `rel_id` have
 * reached and not yet recorded, at `now`: the first meeting held, the
 * agreement signed by all, a goal achieved, their hours of mentoring in
 * the program (thresholds of domain/recognition.h; a meeting counts for a
 * member unless they are marked absent), the relationship completed, the
 * program completed (the member's funnel stage). Idempotent: a milestone
 * is recorded once and never taken back. The hooks call it after their
 * change: svc_meeting_update (a meeting held), svc_agreement_sign,
 * svc_goal_create / svc_goal_update (achieved) and
 * svc_relationship_change (closed). A store status. */
int svc_recognition_update(store *db, int64_t rel_id, int64_t now);

/* One milestone as people read it. */
struct svc_milestone_view {
    int64_t participation_id, person_id, relationship_id; /* relationship_id 0: none */
    enum rec_kind kind;
    int threshold;
    int64_t reached_at;
    char name[LIMIT_NAME_BYTES + 1]; /* the member's */
    char label[64];                  /* rec_label */
};

struct svc_kudos {
    int64_t id, relationship_id, from_participation, to_participation;
    char from_name[LIMIT_NAME_BYTES + 1], to_name[LIMIT_NAME_BYTES + 1];
    char *message; /* owned */
    int64_t created_at;
};

struct svc_highlight {
    bool set;
    int64_t relationship_id, highlighted_at, by_person; /* by_person 0: gone */
    char by_name[LIMIT_NAME_BYTES + 1];
    char *text;                              /* owned */
    char members[LIMIT_HIGHLIGHT_BYTES + 1]; /* "Maya Okafor and Eli Brown" */
};

/* What a relationship's workspace shows of recognition. */
struct svc_rel_recognition {
    struct svc_milestone_view *milestones; /* owned, oldest first */
    size_t nmilestones;
    struct svc_kudos *kudos; /* owned, newest first */
    size_t nkudos;
    struct svc_highlight highlight;
    bool certificate; /* completed: each member may download theirs */
};
void svc_rel_recognition_cleanup(struct svc_rel_recognition *v);

/* Relationship r's milestones (those reached in it, each member's), kudos
 * and highlight. A store status. */
int svc_recognition_of_relationship(store *db, const struct svc_rel *r,
                                    struct svc_rel_recognition *out);

/* A participation's recognition, for its profile. */
struct svc_badges {
    struct rec_badge badges[REC_KIND_COUNT];
    size_t nbadges;
    struct svc_milestone_view *milestones; /* owned, oldest first */
    size_t nmilestones;
    struct svc_kudos *kudos; /* owned: received, newest first (at most LIMIT_PAGE_DEFAULT) */
    size_t nkudos;
    int64_t kudos_received;
    int64_t minutes; /* of mentoring in the program */
};
void svc_badges_cleanup(struct svc_badges *b);

/* The badges of participation `pid` of program `program_id`, which the
 * actor may see as its profile: their own, a coordinator's or admin's, or
 * a partner's (who share a relationship). SVC_OK, SVC_NOT_FOUND, or a
 * store status. */
int svc_recognition_badges(store *db, const svc_actor *actor, int64_t program_id, int64_t pid,
                           struct svc_badges *out);

/* Sends kudos from the actor, a member of r, to member `to` (a
 * participation; 0: the only other member) with a message, and mails
 * them. While r is open or completed. SVC_OK with *out; SVC_INVALID
 * naming "to" or "message"; SVC_FORBIDDEN (not a member); SVC_REFUSED (r
 * ended early, or its kudos are full); or a store status. */
int svc_kudos_send(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t to,
                   const char *message, struct svc_kudos *out, verr *e);
void svc_kudos_cleanup(struct svc_kudos *k);

/* Highlights r with a coordinator's words (replacing earlier ones), records
 * the milestone for its members and mails them the first time.
 * SVC_OK; SVC_FORBIDDEN (not a coordinator of the program); SVC_INVALID
 * naming "text"; SVC_REFUSED when r ended early; or a store status. */
int svc_highlight_set(store *db, const svc_actor *actor, const struct svc_rel *r, const char *text,
                      verr *e);
/* Takes r's highlight (and its milestone) away. SVC_OK, SVC_FORBIDDEN,
 * SVC_NOT_FOUND (none), or a store status. */
int svc_highlight_clear(store *db, const svc_actor *actor, const struct svc_rel *r, verr *e);

/* The program's highlighted relationships, newest first, into *out (caller
 * frees each with svc_highlight_cleanup, then the array). The caller has
 * checked the actor may see the program. A store status. */
int svc_highlight_list(store *db, int64_t program_id, struct svc_highlight **out, size_t *n);
void svc_highlight_cleanup(struct svc_highlight *h);

/* The certificate of completion of member `participation_id` of r (0: the
 * actor's own) as a PDF into pdf (cap LIMIT_CERTIFICATE_BYTES), and a file
 * name for it, as the actor whose view r is (svc_relationship_get) may
 * have it. A member gets their own; the program's coordinators and
 * admins any member's. SVC_OK; SVC_REFUSED (r is not completed);
 * SVC_INVALID naming "participation_id" (no member chosen, or not a
 * member); SVC_FORBIDDEN (another member's); or a store status. */
int svc_certificate_pdf(store *db, const struct svc_rel *r, int64_t participation_id, buf *pdf,
                        char *filename, size_t filenamelen, verr *e);

#endif
