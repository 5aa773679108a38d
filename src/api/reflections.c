/* reflections.c - GET, POST /relationships/{rid}/reflections: each
 * member's closing reflection (product.md §6; service/reflection.h). */
#include "api/handlers.h"
#include "api/relationship.h"
#include "service/reflection.h"

static int reply(api_ctx *c, int status, const struct svc_rel *r)
{
    struct svc_reflections list;
    int rc = svc_reflection_list(c->db, r, &list);
    if (rc != STORE_OK)
        return api_fail(c, rc, NULL);
    json_t *items = json_array();
    for (size_t i = 0; i < list.n; i++) {
        const struct svc_member_reflection *it = &list.items[i];
        json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:b}", "participation_id",
                              (json_int_t)it->who.participation_id, "person_id",
                              (json_int_t)it->who.person_id, "name", it->who.name, "role",
                              it->who.role, "mine", it->mine);
        json_object_set_new(o, "reflection",
                            it->written ? json_pack("{s:s, s:s, s:s, s:o}", "learned", it->learned,
                                                    "next_steps", it->next_steps,
                                                    "program_feedback", it->program_feedback,
                                                    "written_at", api_time(it->written_at))
                                        : json_null());
        json_array_append_new(items, o);
    }
    json_t *o = json_pack("{s:I, s:o, s:b}", "relationship_id", (json_int_t)r->id, "items", items,
                          "complete", list.complete);
    svc_reflections_cleanup(&list);
    return api_json(c, status, o);
}

int h_reflections_list(api_ctx *c)
{
    struct svc_rel r;
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    return reply(c, 200, &r);
}

int h_reflection_put(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL;
    verr e = {0};
    struct rel_reflection in = {0};
    bool replaced;
    int result = -1, rc;
    if (rel_open(c, 0, PERM_WRITE, &r) || api_body_object(c, &body))
        goto done;
    if (rel_reflection_read(body, "", &in, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_reflection_write(c->db, &actor, &r, &in, &replaced, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = reply(c, replaced ? 200 : 201, &r);
done:
    json_decref(body);
    return result;
}
