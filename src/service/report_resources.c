/* report_resources.c - the resources report: how the program's
 * participants use the help library, by resource and by phase.
 *
 * The resources are the program's own and the site-wide ones it does not
 * hide, retired ones included (they were read while they were offered).
 * A reader is one of the program's mentors or mentees who first opened the
 * resource in the period; opens are those readers' opens of it. A phase's
 * row adds up the resources tagged with the phase's name. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/vec.h"
#include "service/reports.h"

struct res_row {
    int64_t id, readers, opens;
    char *title;
    json_t *phases; /* the names it is tagged with */
};

int svc_report_resources(store *db, int64_t program_id, const struct program_config *cfg,
                         const struct svc_period *p, struct report *r)
{
    VEC(struct res_row) res = {0};
    store_rows *rows = NULL;
    store_val pv[] = {SV_INT(program_id), SV_INT(p->from_t), SV_INT(p->to_t)};
    int rc = store_query(
        db,
        "SELECT r.id, r.title, r.phases, COUNT(o.person_id), COALESCE(SUM(o.opens), 0) FROM "
        "resources r LEFT JOIN resource_opens o ON o.resource_id = r.id AND o.first_opened_at "
        "BETWEEN ?2 AND ?3 AND EXISTS (SELECT 1 FROM participations pa WHERE pa.person_id = "
        "o.person_id AND pa.program_id = ?1 AND pa.role IN ('mentor', 'mentee')) WHERE "
        "(r.program_id = ?1 OR (r.program_id IS NULL AND NOT EXISTS (SELECT 1 FROM "
        "program_hidden_resources h WHERE h.program_id = ?1 AND h.resource_id = r.id))) "
        "GROUP BY r.id, r.title, r.phases, r.position ORDER BY r.position, r.id",
        pv, 3, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        struct res_row *w = VEC_PUSH(&res);
        w->id = store_col_int(rows, 0);
        const char *title = store_col_text(rows, 1);
        w->title = strdup(title ? title : "");
        w->phases = json_loads(store_col_text(rows, 2) ? store_col_text(rows, 2) : "[]", 0, NULL);
        w->readers = store_col_int(rows, 3);
        w->opens = store_col_int(rows, 4);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0)
        goto done;

    struct report_table *t = report_table(r, "resources", "Opens by resource",
                                          "resource_id:i,title:s,phases:s,readers:i,opens:i");
    for (size_t i = 0; i < res.len; i++) {
        const struct res_row *w = &res.items[i];
        char phases[512] = "";
        size_t k, used = 0;
        json_t *v;
        json_array_foreach(w->phases, k, v)
        {
            const char *s = json_string_value(v);
            if (s && used < sizeof phases)
                used += (size_t)snprintf(phases + used, sizeof phases - used, "%s%s",
                                         used ? "; " : "", s);
        }
        report_int(t, w->id);
        report_text(t, w->title);
        report_text(t, phases);
        report_int(t, w->readers);
        report_int(t, w->opens);
    }
    struct report_table *ph = report_table(r, "by_phase", "Opens by phase",
                                           "phase:i,name:s,resources:i,readers:i,opens:i");
    for (size_t i = 0; i < cfg->phases.count; i++) {
        const char *name =
            json_string_value(json_object_get(json_array_get(cfg->phases.items, i), "name"));
        int64_t n = 0, readers = 0, opens = 0;
        for (size_t j = 0; name && j < res.len; j++) {
            size_t k;
            json_t *v;
            bool tagged = false;
            json_array_foreach(res.items[j].phases, k, v)
            {
                const char *tag = json_string_value(v);
                if (tag && strcasecmp(tag, name) == 0)
                    tagged = true;
            }
            if (tagged) {
                n++;
                readers += res.items[j].readers;
                opens += res.items[j].opens;
            }
        }
        report_int(ph, (int64_t)i);
        report_text(ph, name ? name : "");
        report_int(ph, n);
        report_int(ph, readers);
        report_int(ph, opens);
    }
    rc = SVC_OK;
done:
    for (size_t i = 0; i < res.len; i++) {
        free(res.items[i].title);
        json_decref(res.items[i].phases);
    }
    VEC_FREE(&res);
    return rc;
}
