/* reminder.h (service) - reminders armed by events, sent when due (issue
 * 11 item 5, docs/internals/reminders.md).
 *
 * The rules are domain/reminder.h's and the program's `reminders`
 * configuration. Each reminder a subject (a relationship, a request, a
 * survey ask) should get is a row of `reminders` with its due time; the
 * services that change a subject's facts call the svc_reminder_<subject>
 * function in their transaction, which works the plan out again and arms,
 * moves or clears the rows. The reminders job reads the rows due from an
 * index (svc_reminders_due) and fires each (svc_reminder_fire), which
 * checks the plan once more, so a reminder whose condition went since it
 * was armed is cleared, not sent.
 */
#ifndef TANDEM_SERVICE_REMINDER_H
#define TANDEM_SERVICE_REMINDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/mail.h"
#include "store/store.h"

/* Relationship rel_id's facts changed (it started, its status, agreement,
 * goals, meetings, phase changed, or something happened in it): its
 * reminders are armed again for what it is now. A store status (a
 * relationship that is gone: STORE_OK). */
int svc_reminder_relationship(store *db, int64_t rel_id, int64_t now);

/* Request request_id was made, answered, withdrawn, or moved on to its
 * next choice: its reminder to the mentor is armed again. A store status. */
int svc_reminder_request(store *db, int64_t request_id, int64_t now);

/* Participation part was asked in survey round round_id, or answered it:
 * its reminder is armed again. A store status. */
int svc_reminder_survey_ask(store *db, int64_t round_id, int64_t part, int64_t now);

/* Program program_id's rules changed: every open relationship, pending
 * request and unanswered ask of the program is queued to be armed again
 * by the reminders job (one row each, due at now), so the change takes
 * effect without rearming thousands of rows in the request. *queued (may
 * be NULL) counts them. A store status. */
int svc_reminder_program(store *db, int64_t program_id, int64_t now, int64_t *queued);

/* The pending rows due at now, earliest first: with sync true only the
 * re-arming rows (they run first), else every other. ids[0..*n). A store
 * status. */
int svc_reminders_due(store *db, int64_t now, bool sync, int64_t *ids, size_t max, size_t *n);

/* Handles due row id at now in the caller's transaction: a re-arming row
 * arms its subject; a reminder still in its subject's plan and not stale
 * is mailed and marked sent (once: the row is taken under the write lock
 * and a sent row is never sent again); one due later is moved; one whose
 * condition went, whose rule is off, or that is stale is cleared.
 * *did is true when the row was handled. A store status. */
int svc_reminder_fire(store *db, int64_t id, int64_t now, bool *did);

/* Tells the coordinators of program_id something a reminder found: mails
 * each approved coordinator the template `kind` with its values. The one
 * place reminders reach coordinators (chat alerts hook in here). A store
 * status. */
int svc_reminder_tell_coordinators(store *db, int64_t program_id, const char *kind,
                                   const struct mail_value *values, size_t n, int64_t now);

#endif
