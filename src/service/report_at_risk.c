/* report_at_risk.c - the at-risk report: the program's open relationships
 * at risk now (service/risk.h works the list out, the same one
 * GET /programs/{id}/at-risk gives a coordinator to act on), how many were
 * ever flagged and how many recovered (the flags the at-risk job records),
 * and per reason how many carry it now and ever did. Whoever sees
 * aggregates only (a viewer) gets the counts, never the list. */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "service/reports.h"
#include "service/risk.h"

int svc_report_at_risk(store *db, int64_t program_id, const struct program_config *cfg,
                       const struct svc_period *p, struct report *r)
{
    (void)cfg;
    struct svc_risk_report h;
    struct svc_risk_item *items = NULL;
    size_t n = 0;
    int64_t open = 0;
    struct svc_risk_counts now;
    int rc = svc_risk_report(db, program_id, &h);
    if (rc == STORE_OK)
        rc = svc_risk_list_counted(db, program_id, p->now, &items, &n, &open, &now);
    if (rc != STORE_OK)
        return rc;

    /* The list is worked out now; the flags are what the at-risk job (and
     * each health check) recorded: they agree once the job has run. */
    struct report_table *s = report_table(r, "summary", "At risk", "metric:s,value:n");
    report_text(s, "open_relationships");
    report_int(s, h.open);
    report_text(s, "at_risk_now");
    report_int(s, now.at_risk);
    report_text(s, "share_at_risk");
    if (open)
        report_real(s, (double)now.at_risk / (double)open);
    else
        report_null(s);
    report_text(s, "flagged_now");
    report_int(s, h.flagged_now);
    report_text(s, "flagged_ever");
    report_int(s, h.flagged_ever);
    report_text(s, "recovered");
    report_int(s, h.recovered);

    struct report_table *t = report_table(r, "reasons", "Relationships by reason",
                                          "reason:s,at_risk_now:i,flagged_now:i,flagged_ever:i");
    for (int k = 0; k < RISK_COUNT; k++) {
        report_text(t, risk_code_name((enum risk_code)k));
        report_int(t, now.by[k]);
        report_int(t, h.now_by[k]);
        report_int(t, h.ever_by[k]);
    }

    if (!p->aggregates_only) {
        struct report_table *l = report_table(
            r, "relationships", "Relationships at risk now",
            "relationship_id:i,status:s,phase:s,started_on:s,members:s,reasons:s,explanation:s");
        for (size_t i = 0; i < n; i++) {
            const struct svc_risk_item *it = &items[i];
            char day[32], members[512] = "", codes[256] = "", why[RISK_COUNT * 400 + 8] = "";
            clock_rfc3339(it->started_at, day);
            day[10] = '\0'; /* the day */
            size_t used = 0;
            for (size_t m = 0; m < it->nmembers && used < sizeof members; m++)
                used += (size_t)snprintf(members + used, sizeof members - used, "%s%s: %s",
                                         m ? "; " : "", it->members[m].role, it->members[m].name);
            size_t cu = 0, wu = 0;
            for (size_t k = 0; k < it->nreasons; k++) {
                if (cu < sizeof codes)
                    cu += (size_t)snprintf(codes + cu, sizeof codes - cu, "%s%s", k ? " " : "",
                                           risk_code_name(it->reasons[k].code));
                if (wu < sizeof why)
                    wu += (size_t)snprintf(why + wu, sizeof why - wu, "%s%s", k ? " " : "",
                                           it->reasons[k].text);
            }
            report_int(l, it->relationship_id);
            report_text(l, it->status);
            report_text(l, it->phase_name);
            report_text(l, day);
            report_text(l, members);
            report_text(l, codes);
            report_text(l, why);
        }
    }
    svc_risk_items_free(items, n);
    return SVC_OK;
}
