/* agreement.c - GET, PUT /relationships/{rid}/agreement and POST
 * .../agreement/signatures: the partnership agreement (product.md §6).
 * The rules are service/agreement.h's; this reads the body and shapes the
 * reply: the current text, who signed it, and every version with what it
 * changed, so people see the difference before they sign again. */
#include <string.h>

#include "api/handlers.h"
#include "api/relationship.h"
#include "domain/agreement.h"
#include "service/agreement.h"

static json_t *member_json(const struct svc_rel_member *m)
{
    return json_pack("{s:I, s:I, s:s, s:s}", "participation_id", (json_int_t)m->participation_id,
                     "person_id", (json_int_t)m->person_id, "name", m->name, "role", m->role);
}

/* Who signed version v, from the signings. */
static json_t *signed_by(const struct svc_agreement *a, int64_t v)
{
    json_t *list = json_array();
    for (size_t i = 0; i < a->nsignings; i++) {
        const struct svc_agreement_signing *s = &a->signings[i];
        if (s->version != v)
            continue;
        const char *name = "";
        for (size_t k = 0; k < a->nsigs; k++)
            if (a->sigs[k].who.participation_id == s->participation_id)
                name = a->sigs[k].who.name;
        json_array_append_new(list, json_pack("{s:I, s:s, s:o}", "participation_id",
                                              (json_int_t)s->participation_id, "name", name,
                                              "signed_at", api_time(s->signed_at)));
    }
    return list;
}

static json_t *agreement_json(const struct svc_agreement *a)
{
    json_t *sigs = json_array(), *fields = json_array(), *versions = json_array();
    for (size_t i = 0; i < a->nsigs; i++) {
        const struct svc_agreement_signature *s = &a->sigs[i];
        json_t *o = member_json(&s->who);
        json_object_set_new(o, "signed", json_boolean(s->current));
        json_object_set_new(o, "signed_at", s->current ? api_time(s->signed_at) : json_null());
        json_object_set_new(o, "signed_version",
                            s->version ? json_integer(s->version) : json_null());
        json_array_append_new(sigs, o);
    }
    for (const char *const *f = agreement_fields; *f; f++)
        json_array_append_new(fields, json_string(*f));
    for (size_t i = 0; i < a->nversions; i++) {
        const struct svc_agreement_version *v = &a->versions[i];
        const json_t *before = i + 1 < a->nversions ? a->versions[i + 1].content : NULL;
        json_t *o = json_pack(
            "{s:I, s:O, s:o, s:o}", "version", (json_int_t)v->version, "content", v->content,
            "changed", v->version == 1 ? json_array() : agreement_changes(before, v->content),
            "signed_by", signed_by(a, v->version));
        json_object_set_new(o, "edited_at", v->edited_at ? api_time(v->edited_at) : json_null());
        json_object_set_new(o, "edited_by",
                            v->edited_by
                                ? json_pack("{s:I, s:s}", "person_id", (json_int_t)v->edited_by,
                                            "name", v->edited_by_name)
                                : json_null());
        json_array_append_new(versions, o);
    }
    json_t *o =
        json_pack("{s:I, s:I, s:O, s:o, s:b, s:o, s:o, s:o}", "relationship_id",
                  (json_int_t)a->relationship_id, "version", (json_int_t)a->version, "content",
                  a->content, "signatures", sigs, "signed_by_all", a->signed_by_all, "fields",
                  fields, "required", json_array(), "versions", versions);
    for (const char *const *f = agreement_required; *f; f++)
        json_array_append_new(json_object_get(o, "required"), json_string(*f));
    json_object_set_new(o, "updated_at", a->updated_by ? api_time(a->updated_at) : json_null());
    json_object_set_new(o, "updated_by", a->updated_by ? json_integer(a->updated_by) : json_null());
    return o;
}

/* The body, where an empty one counts as {}. */
static int body_or_empty(api_ctx *c, json_t **out)
{
    if (c->req->body_len == 0) {
        *out = json_object();
        return 0;
    }
    return api_body_object(c, out);
}

int h_agreement_get(api_ctx *c)
{
    struct svc_rel r;
    struct svc_agreement a;
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    int rc = svc_agreement_get(c->db, &r, &a);
    if (rc != STORE_OK)
        return api_fail(c, rc, NULL);
    json_t *o = agreement_json(&a);
    svc_agreement_cleanup(&a);
    return api_json(c, 200, o);
}

int h_agreement_put(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL, *edit = NULL;
    struct svc_agreement a = {0};
    verr e = {0};
    int64_t version;
    int result = -1, rc;
    if (rel_open(c, 0, PERM_WRITE, &r) || api_body_object(c, &body))
        goto done;
    if (agreement_put_read(body, &version, &edit, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_agreement_edit(c->db, &actor, &r, edit, version, &a, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = api_json(c, 200, agreement_json(&a));
done:
    svc_agreement_cleanup(&a);
    json_decref(body);
    json_decref(edit);
    return result;
}

int h_agreement_sign(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL;
    struct svc_agreement a = {0};
    verr e = VERR_COLLECT;
    int64_t version;
    int result = -1, rc;
    if (rel_open(c, 0, PERM_WRITE, &r) || body_or_empty(c, &body))
        goto done;
    if (agreement_sign_read(body, &version, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_agreement_sign(c->db, &actor, &r, version, &a, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = api_json(c, 201, agreement_json(&a));
done:
    svc_agreement_cleanup(&a);
    json_decref(body);
    return result;
}
