/* reports.h (service) - a program's reports (product.md §8). The funnel's
 * figures are domain/participation.h's; this reads what they count. */
#ifndef TANDEM_SERVICE_REPORTS_H
#define TANDEM_SERVICE_REPORTS_H

#include <stdint.h>

#include "domain/participation.h"
#include "service/service.h"

struct svc_funnel {
    struct funnel stages;       /* who reached each stage (participation_funnel_add) */
    int64_t exits[STAGE_COUNT]; /* how many are declined, withdrawn, ended early now */
};

/* The funnel of program `program_id` for mentors and mentees, or for one
 * role ("mentor", "mentee"; NULL: both). SVC_OK or a store status. */
int svc_report_funnel(store *db, int64_t program_id, const char *role, struct svc_funnel *out);

#endif
