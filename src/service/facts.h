/* facts.h - per-relationship facts kept up to date on write
 * (relationship_facts, migration 017; docs/internals/reports.md, "Facts
 * kept on write"): the held meetings, goals, milestones, messages,
 * agreement and signings, coordinators' notes and risk flags of each
 * relationship, which the at-risk list and the engagement report read
 * instead of the raw rows. The view relationship_facts_source is their one
 * definition over the raw rows. */
#ifndef TANDEM_SERVICE_FACTS_H
#define TANDEM_SERVICE_FACTS_H

#include <stdint.h>

#include "store/store.h"

/* Recomputes relationship rel_id's facts from its rows, in the caller's
 * transaction: every write to a relationship's meetings, goals,
 * milestones, messages, agreement, signings, members, notes or flags
 * calls it before committing. Returns a store status. */
STORE_MUST_USE int svc_facts_refresh(store *db, int64_t rel_id);

/* Recomputes the facts of every relationship of the program, in the
 * caller's transaction (`tandem demo`, which writes its rows directly). */
STORE_MUST_USE int svc_facts_refresh_program(store *db, int64_t program_id);

/* Derives every row kept for the reports again from the rows they come
 * from, in one transaction of its own, then updates the planner's
 * statistics of those tables: the relationships' facts and the rows of
 * store/report_rows.h (survey answer counts, the latest outcomes). For
 * rows loaded around the server: `tandem facts --rebuild`. */
STORE_MUST_USE int svc_facts_rebuild(store *db);

/* Into *differ: how many relationships' kept facts differ from what their
 * rows give now (missing, extra or unequal rows); 0 when all are right.
 * Returns a store status. */
STORE_MUST_USE int svc_facts_check(store *db, int64_t *differ);

#endif
