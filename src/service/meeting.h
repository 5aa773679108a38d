/* meeting.h (service) - a relationship's meetings (product.md §2, §6):
 * scheduled or logged, with time, length, time zone, mode, place and
 * agenda; later rescheduled, cancelled, or held with a recap, attendance
 * and each member's own rating. Every change bumps the meeting's
 * iCalendar SEQUENCE so calendar clients replace the event (same UID).
 * The first meeting held moves every member to the funnel stage active.
 * Scheduling, moving and cancelling mail the other members, each with
 * the time in their own zone and a link to the meeting's page. The rules
 * of time and status are domain/meeting.h's. */
#ifndef TANDEM_SERVICE_MEETING_H
#define TANDEM_SERVICE_MEETING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/meeting.h"
#include "service/relationship.h"

/* A member and whether they attended (1, 0, or -1 when nobody said). */
struct svc_attendance {
    struct svc_rel_member who;
    int attended;
};

struct svc_meeting {
    int64_t id, relationship_id;
    char uid[96];
    int64_t sequence, starts_at, duration_minutes;
    char time_zone[72], mode[16], status[16]; /* scheduled, held, cancelled */
    char *location;                           /* owned */
    json_t *agenda;                           /* owned: an array of strings */
    json_t *recap;      /* owned: {discussed, decisions, next_steps}, or NULL */
    int64_t created_by; /* person; 0 when gone */
    int64_t created_at, updated_at;
    struct svc_attendance *attendance; /* owned: every member */
    size_t nattendance;
    int64_t my_rating; /* the reader's own rating 1-5; 0 for none */
};

void svc_meeting_cleanup(struct svc_meeting *m);
void svc_meetings_free(struct svc_meeting *m, size_t n);

/* A page of r's meetings by start, as the actor reads them. *out
 * (svc_meetings_free) receives *n; *total counts them all. A store
 * status. */
int svc_meeting_list(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t limit,
                     int64_t offset, struct svc_meeting **out, size_t *n, int64_t *total);

/* Meeting mid of r: SVC_OK, SVC_NOT_FOUND, or a store status. */
int svc_meeting_get(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t mid,
                    struct svc_meeting *out);

/* The zone a new meeting of the actor's defaults to: their profile's in
 * this program, else their account's, else UTC. A store status. */
int svc_meeting_default_zone(store *db, const svc_actor *actor, const struct svc_rel *r,
                             char out[72]);

/* Schedules (or logs) a meeting of r as the actor, a member of the open
 * relationship: starts_at is required and not long before the
 * relationship began; the length defaults to the program's, the mode to
 * its first, the zone to the actor's (svc_meeting_default_zone). At most
 * LIMIT_MEETINGS_PER_RELATIONSHIP. SVC_OK with *out; SVC_INVALID naming
 * the field; SVC_REFUSED; SVC_FORBIDDEN; or a store status. */
int svc_meeting_create(store *db, const svc_actor *actor, const struct svc_rel *r,
                       const struct program_config *cfg, const struct meeting_change *in,
                       struct svc_meeting *out, verr *e);

/* Changes meeting mid of r (any change bumps SEQUENCE; nothing asked
 * changes nothing): reschedules (not long before the relationship; a held
 * meeting not into the future), cancels or schedules again
 * (meeting_status_move), holds it with a recap (only once it started:
 * SVC_INVALID naming "recap" or "status"), records attendance of members
 * (SVC_INVALID naming "attendance.<id>") and the actor's rating (only once
 * held). SVC_NOT_FOUND when it is not r's; else as svc_meeting_create. */
int svc_meeting_update(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t mid,
                       const struct meeting_change *in, struct svc_meeting *out, verr *e);

#endif
