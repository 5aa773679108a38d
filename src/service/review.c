#include "service/review.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "service/audit.h"
#include "service/outbox.h"

/* Tells the person of p how their application went, with a link to the
 * program: approved (and whether training comes next), or declined with
 * the coordinator's reason. */
static int tell(store *db, const struct program_config *cfg, const struct svc_participation *p,
                bool approve, const char *reason, int64_t now)
{
    char link[LIMIT_HTTP_URL_BYTES];
    svc_outbox_link(link, sizeof link, "/programs/%lld", (long long)p->program_id);
    if (approve) {
        struct mail_value v[] = {
            {"link", link}, {"training", program_role_has_training(cfg, p->role) ? "yes" : ""}};
        return svc_outbox_mail_participation(db, p->id, "approved", v, 2, now);
    }
    struct mail_value v[] = {{"link", link}, {"reason", reason ? reason : ""}};
    return svc_outbox_mail_participation(db, p->id, "declined", v, 2, now);
}

/* The move itself, checked already. */
static int move(store *db, const svc_actor *actor, const struct program_config *cfg,
                const struct svc_participation *p, bool approve, const char *reason, int64_t now)
{
    int rc = svc_participation_stage(db, p->id, approve ? STAGE_APPROVED : STAGE_DECLINED, now);
    store_val u[] = {SV_INT(p->id), approve ? SV_NULL : SV_TEXT(reason)};
    if (rc == STORE_OK)
        rc = store_exec(db, "UPDATE participations SET decline_reason = ?2 WHERE id = ?1", u, 2,
                        NULL);
    if (rc == STORE_OK && approve)
        rc = svc_participation_trained_if_free(db, cfg, p->id, p->role, now);
    if (rc == STORE_OK)
        rc = tell(db, cfg, p, approve, reason, now);
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, approve ? "participant.approve" : "participant.decline",
                       "participation", p->id, NULL);
    return rc;
}

/* Whether p may move: 0, or -1 with the reason recorded at `field`. */
static int movable(const struct svc_participation *p, bool approve, const char *field, verr *e)
{
    const char *why = participation_review(p->status, approve ? STAGE_APPROVED : STAGE_DECLINED);
    return why ? v_fail(e, "", field, "this participation %s", why) : 0;
}

static bool no_reason(bool approve, const char *reason, verr *e)
{
    if (approve || (reason && *reason))
        return false;
    v_fail(e, "", "decline_reason", "say why, kindly");
    return true;
}

int svc_review_decide(store *db, const svc_actor *actor, const struct program_config *cfg,
                      const struct svc_participation *p, bool approve, const char *reason,
                      const char *field, int64_t now, verr *e)
{
    if (no_reason(approve, reason, e))
        return SVC_INVALID;
    if (movable(p, approve, field, e))
        return SVC_REFUSED;
    return move(db, actor, cfg, p, approve, reason, now);
}

int svc_review_bulk(store *db, const svc_actor *actor, int64_t program_id,
                    const struct program_config *cfg, bool approve, const char *reason,
                    const int64_t *ids, size_t n, int64_t now, verr *e)
{
    if (n == 0)
        v_fail(e, "", "ids", "list the participations to %s", approve ? "approve" : "decline");
    no_reason(approve, reason, e);
    if (v_failed(e))
        return SVC_INVALID;
    struct svc_participation *parts = xmalloc(n * sizeof *parts);
    size_t loaded = 0;
    int rc = SVC_OK;
    bool missing = false;
    for (size_t i = 0; i < n; i++) {
        char field[32];
        str_fmt(field, sizeof field, "ids[%zu]", i);
        rc = svc_participation_load(db, program_id, ids[i], &parts[loaded]);
        if (rc == SVC_NOT_FOUND) {
            v_fail(e, "", field, "no such participation in this program");
            missing = true;
            rc = SVC_OK;
            continue;
        }
        if (rc != SVC_OK)
            goto done;
        loaded++;
    }
    if (missing) {
        rc = SVC_INVALID;
        goto done;
    }
    for (size_t i = 0; i < loaded; i++) {
        char field[32];
        str_fmt(field, sizeof field, "ids[%zu]", i);
        movable(&parts[i], approve, field, e);
    }
    if (v_failed(e)) {
        rc = SVC_REFUSED;
        goto done;
    }
    for (size_t i = 0; i < loaded && rc == STORE_OK; i++)
        rc = move(db, actor, cfg, &parts[i], approve, reason, now);
done:
    for (size_t i = 0; i < loaded; i++)
        svc_participation_cleanup(&parts[i]);
    free(parts);
    return rc;
}
