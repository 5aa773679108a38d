#include "service/followup.h"

#include "service/health.h"
#include "service/program.h"
#include "service/survey.h"

int svc_followup_started(store *db, int64_t rel_id, int64_t now)
{
    int64_t program_id = 0;
    store_val p[] = {SV_INT(rel_id)};
    int rc = store_query_int(db, "SELECT program_id FROM relationships WHERE id = ?1", p, 1,
                             &program_id);
    if (rc <= 0)
        return rc;
    struct program_config cfg = {0};
    if ((rc = svc_program_config(db, program_id, &cfg, NULL, 0)) != SVC_OK)
        return rc > 0 ? STORE_ERROR : rc;
    rc = svc_health_arm(db, rel_id, cfg.surveys.health_check_days, now);
    program_config_cleanup(&cfg);
    if (rc == STORE_OK)
        rc = svc_survey_on_started(db, rel_id, now);
    return rc;
}

int svc_followup_ended(store *db, int64_t rel_id, int64_t now)
{
    return svc_survey_on_ended(db, rel_id, now);
}

int svc_followup_meeting_held(store *db, int64_t rel_id, int64_t meeting_id, int64_t now)
{
    return svc_survey_on_meeting(db, rel_id, meeting_id, now);
}

int svc_followup_trained(store *db, int64_t participation_id, int64_t now)
{
    /* Only a training that took place: a role without modules is
     * trained on approval, with nothing to react to. */
    int64_t done = 0;
    store_val p[] = {SV_INT(participation_id)};
    int rc = store_query_int(
        db, "SELECT COUNT(*) FROM training_completions WHERE participation_id = ?1", p, 1, &done);
    if (rc < 0 || done == 0)
        return rc < 0 ? rc : STORE_OK;
    return svc_survey_on_trained(db, participation_id, now);
}
