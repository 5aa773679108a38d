/* calendar.h (service) - meetings as iCalendar (product.md §6, RFC 5545):
 * each person's private feed of every meeting in every relationship they
 * are a member of, and one meeting as a .ics download. The text is
 * domain/ical.h's; the feed's token is made by the caller, and only its
 * hash is stored here, one per person, so a new one revokes the old.
 *
 * Every event links to the meeting's page in the web UI
 * (/relationships/<rid>/meetings/<mid>), names the meeting's mode and
 * zone, keeps its UID for life and carries a SEQUENCE that grows with
 * every change, so calendar clients replace it; a cancelled meeting has
 * STATUS:CANCELLED, and downloaded alone METHOD:CANCEL. */
#ifndef TANDEM_SERVICE_CALENDAR_H
#define TANDEM_SERVICE_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "service/relationship.h"

/* Stores `hash` as the actor's feed token, replacing any before. */
int svc_calendar_feed_set(store *db, const svc_actor *actor, const char *hash);

/* Whether the actor has a feed, and since when. A store status. */
int svc_calendar_feed_info(store *db, const svc_actor *actor, bool *exists, int64_t *created);

/* Removes the actor's feed: its address answers 404 from now on. */
int svc_calendar_feed_revoke(store *db, const svc_actor *actor);

/* The feed whose token hashes to `hash` into out (capped at
 * LIMIT_CALENDAR_BYTES; the latest LIMIT_CALENDAR_EVENTS meetings, the
 * cancelled ones too). SVC_OK, SVC_NOT_FOUND (no such feed), SVC_REFUSED
 * (too large), or a store status. */
int svc_calendar_feed(store *db, const char *prodid, const char *hash, buf *out);

/* Meeting mid of r as a calendar of its own, with its organizer and
 * attendees: METHOD:PUBLISH, or METHOD:CANCEL once cancelled. SVC_OK,
 * SVC_NOT_FOUND, SVC_REFUSED (too large), or a store status. */
int svc_calendar_meeting(store *db, const char *prodid, const struct svc_rel *r, int64_t mid,
                         buf *out);

/* Meeting mid of r as an invitation by mail (RFC 5546): as
 * svc_calendar_meeting with METHOD method ("REQUEST" to add or move it,
 * "CANCEL" to remove it; NULL: PUBLISH, or CANCEL once cancelled). Every
 * calendar this module writes carries a VTIMEZONE for each zone its
 * events are in: the meeting's recorded zone, else its organiser's, else
 * UTC. SVC_OK, SVC_NOT_FOUND, SVC_REFUSED (too large), or a store status. */
int svc_calendar_invitation(store *db, const char *prodid, const struct svc_rel *r, int64_t mid,
                            const char *method, buf *out);

#endif
