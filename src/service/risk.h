/* risk.h (service) - relationships at risk (product.md §6, issue 12):
 * which of a program's open relationships need a coordinator, and why
 * (the reasons are domain/risk.h's), their flag history, a coordinator's
 * notes and nudges.
 *
 * The list is worked out when asked, from a handful of queries over the
 * program's open relationships that each use an index (meetings,
 * goals, agreement signings, health checks, pairing-fit answers), so it
 * is always current. The history - when each flag was raised and when it
 * cleared, for the at-risk report - is written by the at-risk job and at
 * once after a health check or a pairing-fit answer.
 */
#ifndef TANDEM_SERVICE_RISK_H
#define TANDEM_SERVICE_RISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/risk.h"
#include "service/relationship.h"

struct svc_risk_item {
    int64_t relationship_id, started_at;
    char status[16];
    char phase_name[LIMIT_NAME_BYTES + 1];
    struct svc_rel_member *members; /* owned, mentor first */
    size_t nmembers;
    struct risk_reason reasons[RISK_COUNT];
    int64_t since[RISK_COUNT]; /* when the flag was recorded; 0 when not yet */
    size_t nreasons;
    int64_t notes, last_note_at; /* the coordinators' notes on it */
};
void svc_risk_items_free(struct svc_risk_item *items, size_t n); /* NULL allowed */

/* The program's open relationships with at least one reason at `now`,
 * in relationship order (at most LIMIT_AT_RISK_LISTED), and how many open
 * relationships were looked at. The caller checked the actor coordinates
 * the program. *out (svc_risk_items_free) receives *n. A store status. */
int svc_risk_list(store *db, int64_t program_id, int64_t now, struct svc_risk_item **out, size_t *n,
                  int64_t *open);

/* svc_risk_list, and *counts: how many open relationships have a reason
 * and how many each reason, all of them (the list stops at
 * LIMIT_AT_RISK_LISTED). For the at-risk report. A store status. */
struct svc_risk_counts {
    int64_t at_risk, by[RISK_COUNT];
};
int svc_risk_list_counted(store *db, int64_t program_id, int64_t now, struct svc_risk_item **out,
                          size_t *n, int64_t *open, struct svc_risk_counts *counts);

/* Records the program's flags as they stand at `now`: a flag raised for
 * each new reason, the flags whose reason is gone (or whose relationship
 * ended) cleared. *changed counts both. A store status. */
int svc_risk_record(store *db, int64_t program_id, int64_t now, size_t *changed);

/* The same for one relationship (after a health check or a pairing-fit
 * answer). A store status. */
int svc_risk_record_relationship(store *db, int64_t rel_id, int64_t now);

/* The programs with an open relationship or an open flag, for the job.
 * *ids (free) receives *n. A store status. */
int svc_risk_programs(store *db, int64_t **ids, size_t *n);

/* The at-risk report's figures, from the recorded history: open
 * relationships, those flagged now, those ever flagged, those whose
 * flags all cleared while they went on (recovered), and per reason how
 * many relationships carry it now and ever did. */
struct svc_risk_report {
    int64_t open, flagged_now, flagged_ever, recovered;
    int64_t now_by[RISK_COUNT], ever_by[RISK_COUNT];
};
int svc_risk_report(store *db, int64_t program_id, struct svc_risk_report *out);

/* ---- a coordinator's notes and nudges ---- */

struct svc_coord_note {
    int64_t id, relationship_id, author_id, created_at;
    char author[LIMIT_NAME_BYTES + 1];
    char *body; /* owned */
};
void svc_coord_notes_free(struct svc_coord_note *notes, size_t n); /* NULL allowed */

/* The notes coordinators wrote on relationship *r, newest first (at most
 * LIMIT_PAGE_MAX). Only the program's coordinators (and site admins)
 * read them: anyone else gets SVC_NOT_FOUND, so its members never learn
 * there are any. */
int svc_coord_notes(store *db, const svc_actor *actor, const struct svc_rel *r,
                    struct svc_coord_note **out, size_t *n);

/* Adds a note (1..LIMIT_RISK_NOTE_BYTES) to *r as its coordinator:
 * SVC_OK with *out, SVC_NOT_FOUND for anyone else, SVC_INVALID ("body"). */
int svc_coord_note_add(store *db, const svc_actor *actor, const struct svc_rel *r, const char *body,
                       struct svc_coord_note *out, verr *e);

/* Mails the members of open relationship *r a nudge from its
 * coordinator: their words (may be empty) and a link to the workspace.
 * SVC_FORBIDDEN for anyone but a coordinator, SVC_REFUSED when it is no
 * longer open, SVC_INVALID ("message"). *told counts the members mailed. */
int svc_risk_nudge(store *db, const svc_actor *actor, const struct svc_rel *r, const char *message,
                   size_t *told, verr *e);

#endif
