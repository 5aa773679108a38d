/* training.c - training modules per role, completion tracking and the
 * "trained before matched" gate (product.md §3, §7). The rules are
 * service/training.c's; this file reads bodies and shapes replies. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "base/clock.h"
#include "domain/markdown.h"
#include "domain/training.h"
#include "service/program.h"
#include "service/training.h"

int h_training_list(api_ctx *c)
{
    int64_t pid;
    perm_roles roles;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_READ, "", &pid, &roles))
        return -1;
    struct program_config cfg;
    int rc = svc_program_config(c->db, pid, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL); /* an admin may name a program that is not there: 404 */
    svc_actor actor = api_actor(c);
    struct svc_training_item *items;
    size_t n;
    if ((rc = svc_training_list(c->db, &actor, pid, &cfg, perm_coordinates(roles), &items, &n)) !=
        SVC_OK) {
        program_config_cleanup(&cfg);
        return api_fail(c, rc, NULL);
    }
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++) {
        const json_t *m = items[i].module;
        char *html = markdown_to_html(json_string_value(json_object_get(m, "content_md")));
        json_array_append_new(
            out, json_pack("{s:O, s:O, s:O, s:s, s:O, s:o}", "id", json_object_get(m, "id"), "role",
                           json_object_get(m, "role"), "title", json_object_get(m, "title"),
                           "content_html", html, "questions", json_object_get(m, "questions"),
                           "completed_at",
                           items[i].completed_at ? api_time(items[i].completed_at) : json_null()));
        free(html);
    }
    free(items);
    json_t *reply = json_pack("{s:b, s:o}", "required_before_matching",
                              cfg.training.required_before_matching, "modules", out);
    program_config_cleanup(&cfg);
    return api_json(c, 200, reply);
}

int h_training_complete(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_READ, "", &pid, NULL))
        return -1;
    json_t *body = NULL;
    const json_t *answers;
    struct program_config cfg;
    int result = -1;
    int rc = svc_program_config(c->db, pid, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    const json_t *module = svc_training_module(&cfg, c->req->params[1]);
    if (!module) {
        result = api_not_found(c);
        goto done;
    }
    if (api_body_object(c, &body))
        goto done;
    verr e = VERR_COLLECT;
    const char *role;
    if (training_completion_read(body, module, &role, &answers, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    int64_t now = clock_now();
    bool trained;
    rc = svc_training_complete(c->db, &actor, pid, &cfg, module, role, answers, now, &trained, &e);
    if (rc != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = api_json(c, 201,
                      json_pack("{s:O, s:o, s:b}", "module", json_object_get(module, "id"),
                                "completed_at", api_time(now), "trained", trained));
done:
    json_decref(body);
    program_config_cleanup(&cfg);
    return result;
}
