/* at_risk.h - the at-risk report, for reports.c (GET
 * /programs/{id}/reports/at-risk): aggregates only, so stakeholders read
 * it too. */
#ifndef TANDEM_API_AT_RISK_H
#define TANDEM_API_AT_RISK_H

#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"

/* Answers the report of program pid as JSON, or CSV. Returns 0 or -1. */
int api_report_at_risk(api_ctx *c, int64_t pid, bool csv);

#endif
