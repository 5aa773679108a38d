/* followup.h (service) - what follows the events of a relationship's
 * life for its surveys and health checks (issue 12). The service that
 * makes the event calls one of these in its transaction; each arms the
 * timers the survey-triggers and health-reminders jobs read later, so
 * nothing is scanned on a schedule. At-risk flags need no call: the
 * at-risk list reads the data the events wrote (service/risk.h). */
#ifndef TANDEM_SERVICE_FOLLOWUP_H
#define TANDEM_SERVICE_FOLLOWUP_H

#include <stdint.h>

#include "store/store.h"

/* A relationship started: its check-in and mid-point surveys, and its
 * parties' first health check on the program's cadence. A store status. */
int svc_followup_started(store *db, int64_t rel_id, int64_t now);

/* It ended (completed or early): its closing surveys; its series stop.
 * A store status. */
int svc_followup_ended(store *db, int64_t rel_id, int64_t now);

/* One of its meetings was held: the surveys asked after a meeting. A
 * store status. */
int svc_followup_meeting_held(store *db, int64_t rel_id, int64_t meeting_id, int64_t now);

/* A participation reached the trained stage by completing its training:
 * the end-of-training surveys. A store status. */
int svc_followup_trained(store *db, int64_t participation_id, int64_t now);

#endif
