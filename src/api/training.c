/* training.c - training modules per role, completion tracking and the
 * "trained before matched" gate (product.md §3, §7). */
#include <string.h>

#include "api/enrolment.h"
#include "api/handlers.h"
#include "api/participants.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/markdown.h"
#include "service/participation.h"
#include "service/program.h"

static bool module_for(const json_t *m, const char *role)
{
    const char *r = json_string_value(json_object_get(m, "role"));
    return strcmp(r, "both") == 0 || strcmp(r, role) == 0 || strcmp(role, "coordinator") == 0;
}

/* The actor's mentor/mentee participations in the program: ids and roles. */
static int my_parts(api_ctx *c, int64_t pid, int64_t ids[2], char roles[2][16], enum stage st[2])
{
    store_rows *rows;
    store_val q[] = {SV_INT(pid), SV_INT(c->actor.person_id)};
    int n = 0;
    if (store_query(
            c->db,
            "SELECT id, role, status FROM participations WHERE program_id = ?1 AND person_id = ?2 "
            "AND role IN ('mentor', 'mentee') ORDER BY role",
            q, 2, &rows) != STORE_OK)
        return -1;
    while (n < 2 && store_next(rows) == 1) {
        ids[n] = store_col_int(rows, 0);
        str_fmt(roles[n], 16, "%s", store_col_text(rows, 1));
        int s = stage_parse(store_col_text(rows, 2));
        st[n] = s < 0 ? STAGE_INVITED : (enum stage)s;
        n++;
    }
    store_rows_free(rows);
    return n;
}

int h_training_list(api_ctx *c)
{
    int64_t pid;
    perm_roles roles;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_READ, "", &pid, &roles))
        return -1;
    struct program_config cfg;
    int rc = svc_program_config(c->db, pid, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL);
    int64_t ids[2];
    char rnames[2][16];
    enum stage st[2];
    int n = my_parts(c, pid, ids, rnames, st);
    json_t *out = json_array();
    size_t i;
    const json_t *m;
    json_array_foreach(cfg.training.modules, i, m)
    {
        const char *mid = json_string_value(json_object_get(m, "id"));
        bool mine = perm_coordinates(roles);
        json_t *done = json_null();
        for (int k = 0; k < n; k++) {
            if (!module_for(m, rnames[k]))
                continue;
            mine = true;
            store_rows *rows;
            store_val q[] = {SV_INT(ids[k]), SV_TEXT(mid)};
            if (store_query(c->db,
                            "SELECT completed_at FROM training_completions WHERE participation_id "
                            "= ?1 AND module_id = ?2",
                            q, 2, &rows) == STORE_OK) {
                if (store_next(rows) == 1) {
                    json_decref(done);
                    done = api_time(store_col_int(rows, 0));
                }
                store_rows_free(rows);
            }
        }
        if (!mine) {
            json_decref(done);
            continue;
        }
        char *html = markdown_to_html(json_string_value(json_object_get(m, "content_md")));
        json_t *item = json_pack("{s:O, s:O, s:O, s:s, s:O, s:o}", "id", json_object_get(m, "id"),
                                 "role", json_object_get(m, "role"), "title",
                                 json_object_get(m, "title"), "content_html", html, "questions",
                                 json_object_get(m, "questions"), "completed_at", done);
        free(html);
        json_array_append_new(out, item);
    }
    json_t *reply = json_pack("{s:b, s:o}", "required_before_matching",
                              cfg.training.required_before_matching, "modules", out);
    program_config_cleanup(&cfg);
    return api_json(c, 200, reply);
}

/* true when the participation has completed every module of its role. */
static bool all_done(store *db, const json_t *modules, int64_t part, const char *role)
{
    size_t i;
    json_t *m;
    json_array_foreach(modules, i, m)
    {
        if (!module_for(m, role))
            continue;
        int64_t n = 0;
        store_val q[] = {SV_INT(part), SV_TEXT(json_string_value(json_object_get(m, "id")))};
        if (store_query_int(db,
                            "SELECT COUNT(*) FROM training_completions WHERE participation_id = ?1 "
                            "AND module_id = ?2",
                            q, 2, &n) != 1 ||
            n == 0)
            return false;
    }
    return true;
}

int h_training_complete(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_READ, "", &pid, NULL))
        return -1;
    const char *mid = c->req->params[1];
    json_t *body = NULL, *answers = NULL;
    struct program_config cfg;
    int result = -1;
    int rc = svc_program_config(c->db, pid, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL);
    const json_t *modules = cfg.training.modules, *module = NULL;
    size_t i;
    const json_t *m;
    json_array_foreach(modules, i, m) if (strcmp(json_string_value(json_object_get(m, "id")),
                                                 mid) == 0) module = m;
    if (!module) {
        result = api_not_found(c);
        goto done;
    }
    if (api_body_object(c, &body))
        goto done;
    static const char *const keys[] = {"answers", "role", NULL};
    verr e = {0};
    const char *want_role;
    if (v_known_keys(body, "", keys, &e) ||
        v_string(body, "role", "", false, false, 16, NULL, &want_role, &e) ||
        v_object(body, "answers", "", false, &answers, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    /* The end-of-training questions: every required one answered. */
    json_array_foreach(json_object_get(module, "questions"), i, m)
    {
        const char *qid = json_string_value(json_object_get(m, "id"));
        json_t *a = json_object_get(answers, qid);
        if (json_is_true(json_object_get(m, "required")) &&
            (!a || json_is_null(a) || (json_is_string(a) && json_string_length(a) == 0))) {
            result = api_problem(c, 422, "answers", "answers.%s: is required", qid);
            goto done;
        }
    }
    int64_t ids[2];
    char rnames[2][16];
    enum stage st[2];
    int n = my_parts(c, pid, ids, rnames, st), k = -1;
    for (int j = 0; j < n; j++)
        if (module_for(module, rnames[j]) && (!want_role || strcmp(want_role, rnames[j]) == 0))
            k = j;
    if (k < 0) {
        result = api_problem(c, 403, NULL, "this module is not part of your training");
        goto done;
    }
    if (st[k] < STAGE_APPROVED || stage_is_exit(st[k])) {
        result = api_problem(c, 409, NULL, "training opens once your application is approved");
        goto done;
    }
    int64_t now = clock_now();
    char *atext = answers ? json_dumps(answers, JSON_COMPACT) : NULL;
    store_val q[] = {SV_INT(ids[k]), SV_TEXT(mid), SV_INT(now), SV_TEXT(atext ? atext : "{}")};
    rc = store_exec(
        c->db,
        "INSERT INTO training_completions (participation_id, module_id, completed_at, answers) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (participation_id, module_id) "
        "DO UPDATE SET answers = excluded.answers",
        q, 4, NULL);
    free(atext);
    if (rc == STORE_OK && st[k] == STAGE_APPROVED && all_done(c->db, modules, ids[k], rnames[k]))
        rc = svc_participation_stage(c->db, ids[k], STAGE_TRAINED, now);
    if (rc != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    api_audit(c, "training.complete", "participation", ids[k], json_pack("{s:s}", "module", mid));
    result = api_json(c, 201,
                      json_pack("{s:s, s:o, s:b}", "module", mid, "completed_at", api_time(now),
                                "trained", all_done(c->db, modules, ids[k], rnames[k])));
done:
    json_decref(body);
    program_config_cleanup(&cfg);
    return result;
}
