/* report_rows.h - rows kept for the reports, derived from the rows they
 * name (migration NNN_report_rows.sql; docs/internals/reports.md, "Rows
 * kept for the reports"). Each function writes in the caller's
 * transaction, so a derived row is kept with the row it derives from; the
 * same SQL derives one source row on write and every row at once
 * (store_report_rows_rebuild: the migration, `tandem facts --rebuild`). */
#ifndef TANDEM_STORE_REPORT_ROWS_H
#define TANDEM_STORE_REPORT_ROWS_H

#include <stdint.h>

#include "store/store.h"

/* Adds response `response_id`'s rated answers - each question answered
 * with an integer from 0 to 10 - to survey_answer_counts, and the response
 * to survey_response_days, under its survey, role and day. Call it once,
 * when the response is written: it adds, it does not replace (a response
 * is never edited; one goes only with its survey, and its counts with
 * it). STORE_OK or a store status. */
STORE_MUST_USE int store_survey_values_derive(store *s, int64_t response_id);

/* outcome_latest of (person_id, kind): the record with the latest date,
 * or no row when the person has none of that kind. STORE_OK or a store
 * status. */
STORE_MUST_USE int store_outcome_latest_derive(store *s, int64_t person_id, const char *kind);

/* Every derived row again from the rows they derive from (after rows were
 * loaded around the server, and by the migration that made the tables).
 * In the caller's transaction. STORE_OK or a store status. */
STORE_MUST_USE int store_report_rows_rebuild(store *s);

#endif
