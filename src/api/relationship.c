#include "api/relationship.h"

bool rel_is_open(const struct svc_rel *r)
{
    return rel_status_open(r->status);
}

int rel_open(api_ctx *c, int param, enum perm_access need, struct svc_rel *out)
{
    int64_t id;
    if (api_param_id(c, param, &id))
        return -1;
    svc_actor actor = api_actor(c);
    int rc = svc_relationship_get(c->db, &actor, id, need, out);
    if (rc == SVC_FORBIDDEN)
        return api_problem(c, 403, NULL,
                           "coordinators read relationships; the partners write in them");
    return rc == SVC_OK ? 0 : api_fail(c, rc, NULL);
}

int rel_members_json(store *db, int64_t rel_id, json_t **out)
{
    struct svc_rel_member m[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n;
    *out = json_array();
    int rc = svc_relationship_members(db, rel_id, m, &n);
    for (size_t i = 0; rc == STORE_OK && i < n; i++)
        json_array_append_new(*out, json_pack("{s:I, s:I, s:s, s:s}", "participation_id",
                                              (json_int_t)m[i].participation_id, "person_id",
                                              (json_int_t)m[i].person_id, "name", m[i].name, "role",
                                              m[i].role));
    return rc;
}
