/* program_body.c - the top-level fields of a program's body
 * (program_body_read in program.h). */
#include "domain/program.h"

static const char *const top_keys[] = {
    "name",     "description", "status",  "objectives",      "selection", "matching",
    "training", "meetings",    "goals",   "duration_months", "renewals",  "renewal_window_days",
    "phases",   "dates",       "surveys", "version",         "reminders", "alerts",
    "reports",  NULL};

int program_body_read(const json_t *body, const json_t *base, struct program_fields *f,
                      struct program_config *cfg, verr *e)
{
    bool creating = base == NULL;
    v_known_keys(body, "", top_keys, e);
    v_line(body, "name", "", creating, false, LIMIT_NAME_BYTES, f->name, &f->name, e);
    v_string(body, "description", "", false, true, LIMIT_TEXT_BYTES, f->description,
             &f->description, e);
    v_enum(body, "status", "", program_statuses, f->status, &f->status, e);
    if (!creating)
        v_int(body, "version", "", 1, INT64_MAX / 2, f->version, true, &f->version, e);
    if (program_config_normalize(body, base, cfg, e) || v_failed(e)) {
        program_config_cleanup(cfg);
        return -1;
    }
    return 0;
}
