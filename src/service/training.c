#include "service/training.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "domain/participation.h"
#include "domain/training.h"
#include "service/audit.h"
#include "service/participation.h"

static bool module_for(const json_t *m, const char *role)
{
    const char *r = json_string_value(json_object_get(m, "role"));
    return r && (strcmp(r, "both") == 0 || strcmp(r, role) == 0);
}

/* The actor's mentor and mentee participations in the program. */
struct mine {
    int n;
    int64_t id[2];
    char role[2][16];
    enum stage status[2];
};

static int my_parts(store *db, const svc_actor *actor, int64_t program_id, struct mine *out)
{
    memset(out, 0, sizeof *out);
    store_rows *rows = NULL;
    store_val q[] = {SV_INT(program_id), SV_INT(actor->person_id)};
    int rc = store_query(
        db,
        "SELECT id, role, status FROM participations WHERE program_id = ?1 AND person_id = ?2 "
        "AND role IN ('mentor', 'mentee') ORDER BY role",
        q, 2, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (out->n < 2) {
            out->id[out->n] = store_col_int(rows, 0);
            str_fmt(out->role[out->n], sizeof out->role[0], "%s", store_col_text(rows, 1));
            int s = stage_parse(store_col_text(rows, 2));
            out->status[out->n] = s < 0 ? STAGE_INVITED : (enum stage)s;
            out->n++;
        }
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

/* When participation `part` completed module `id` into *at (0: never). */
static int completed(store *db, int64_t part, const char *id, int64_t *at)
{
    *at = 0;
    store_val q[] = {SV_INT(part), SV_TEXT(id)};
    int rc = store_query_int(db,
                             "SELECT completed_at FROM training_completions WHERE "
                             "participation_id = ?1 AND module_id = ?2",
                             q, 2, at);
    return rc < 0 ? rc : STORE_OK;
}

static const char *module_id(const json_t *m)
{
    return json_string_value(json_object_get(m, "id"));
}

int svc_training_list(store *db, const svc_actor *actor, int64_t program_id,
                      const struct program_config *cfg, bool coordinator,
                      struct svc_training_item **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    struct mine mine;
    int rc = my_parts(db, actor, program_id, &mine);
    if (rc != STORE_OK)
        return rc;
    size_t total = json_array_size(cfg->training.modules);
    struct svc_training_item *out = xmalloc((total ? total : 1) * sizeof *out);
    size_t i, k = 0;
    const json_t *m;
    json_array_foreach(cfg->training.modules, i, m)
    {
        bool theirs = coordinator;
        int64_t at = 0;
        for (int j = 0; j < mine.n && rc == STORE_OK; j++) {
            if (!module_for(m, mine.role[j]))
                continue;
            theirs = true;
            int64_t t;
            if ((rc = completed(db, mine.id[j], module_id(m), &t)) == STORE_OK && t)
                at = t;
        }
        if (rc != STORE_OK)
            break;
        if (theirs)
            out[k++] = (struct svc_training_item){.module = m, .completed_at = at};
    }
    if (rc != STORE_OK) {
        free(out);
        return rc;
    }
    *items = out;
    *n = k;
    return SVC_OK;
}

const json_t *svc_training_module(const struct program_config *cfg, const char *id)
{
    size_t i;
    const json_t *m;
    json_array_foreach(cfg->training.modules, i, m)
    {
        const char *mid = module_id(m);
        if (id && mid && strcmp(mid, id) == 0)
            return m;
    }
    return NULL;
}

/* Whether the participation has completed every module of its role. */
static int all_done(store *db, const struct program_config *cfg, int64_t part, const char *role,
                    bool *done)
{
    *done = true;
    size_t i;
    const json_t *m;
    json_array_foreach(cfg->training.modules, i, m)
    {
        if (!module_for(m, role))
            continue;
        int64_t at;
        int rc = completed(db, part, module_id(m), &at);
        if (rc != STORE_OK)
            return rc;
        if (!at) {
            *done = false;
            break;
        }
    }
    return STORE_OK;
}

int svc_training_complete(store *db, const svc_actor *actor, int64_t program_id,
                          const struct program_config *cfg, const json_t *module, const char *role,
                          const json_t *answers, int64_t now, bool *trained, verr *e)
{
    *trained = false;
    /* The end-of-training questions: every required one answered. */
    training_answers_check(module, answers, e);
    if (v_failed(e))
        return SVC_INVALID;
    struct mine mine;
    int rc = my_parts(db, actor, program_id, &mine), k = -1;
    if (rc != STORE_OK)
        return rc;
    for (int j = 0; j < mine.n; j++)
        if (module_for(module, mine.role[j]) && (!role || strcmp(role, mine.role[j]) == 0))
            k = j;
    if (k < 0)
        return svc_fail(e, SVC_FORBIDDEN, "", "this module is not part of your training");
    if (mine.status[k] < STAGE_APPROVED || stage_is_exit(mine.status[k]))
        return svc_fail(e, SVC_REFUSED, "", "training opens once your application is approved");
    char *atext = answers ? json_dumps(answers, JSON_COMPACT) : NULL;
    store_val p[] = {SV_INT(mine.id[k]), SV_TEXT(module_id(module)), SV_INT(now),
                     SV_TEXT(atext ? atext : "{}")};
    rc = store_exec(
        db,
        "INSERT INTO training_completions (participation_id, module_id, completed_at, answers) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (participation_id, module_id) "
        "DO UPDATE SET answers = excluded.answers",
        p, 4, NULL);
    free(atext);
    bool done = false;
    if (rc == STORE_OK)
        rc = all_done(db, cfg, mine.id[k], mine.role[k], &done);
    if (rc == STORE_OK && done && mine.status[k] == STAGE_APPROVED)
        rc = svc_participation_stage(db, mine.id[k], STAGE_TRAINED, now);
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "training.complete", "participation", mine.id[k],
                       json_pack("{s:s}", "module", module_id(module)));
    if (rc == STORE_OK)
        *trained = done;
    return rc;
}
