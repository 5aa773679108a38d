/* notes.c - notes and messages in a relationship's workspace (product.md
 * §2, §6, §9): GET, POST /relationships/{rid}/notes; GET, PATCH, DELETE
 * notes/{nid}; GET, POST messages. Who sees which note, and the mail a
 * message sends, are service/note.h's and service/message.h's. */
#include <string.h>

#include "api/handlers.h"
#include "api/relationship.h"
#include "base/str.h"
#include "domain/note.h"
#include "service/message.h"
#include "service/note.h"

static json_t *author_json(const struct svc_author *a)
{
    return json_pack("{s:I, s:I, s:s, s:s}", "participation_id", (json_int_t)a->participation_id,
                     "person_id", (json_int_t)a->person_id, "name", a->name, "role", a->role);
}

static json_t *note_json(const struct svc_note *n)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:b}", "id", (json_int_t)n->id,
                     "relationship_id", (json_int_t)n->relationship_id, "visibility", n->visibility,
                     "body", n->body, "created_at", api_time(n->created_at), "updated_at",
                     api_time(n->updated_at), "author", author_json(&n->author), "mine", n->mine);
}

static int note_reply(api_ctx *c, int status, int rc, struct svc_note *n, verr *e)
{
    if (rc != SVC_OK)
        return api_fail(c, rc, e);
    int result = api_json(c, status, note_json(n));
    svc_note_cleanup(n);
    return result;
}

int h_notes_list(api_ctx *c)
{
    struct svc_rel r;
    int64_t limit, offset, total;
    struct svc_note *notes;
    size_t n;
    if (rel_open(c, 0, PERM_READ, &r) || api_page(c, &limit, &offset))
        return -1;
    svc_actor actor = api_actor(c);
    int rc = svc_note_list(c->db, &actor, &r, limit, offset, &notes, &n, &total);
    if (rc != STORE_OK)
        return api_fail(c, rc, NULL);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, note_json(&notes[i]));
    svc_notes_free(notes, n);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
                              "limit", (json_int_t)limit, "offset", (json_int_t)offset));
}

int h_note_create(api_ctx *c)
{
    struct svc_rel r;
    struct svc_note n = {0};
    json_t *body = NULL;
    const char *text, *vis;
    verr e = {0};
    int result = -1;
    if (rel_open(c, 0, PERM_WRITE, &r) || api_body_object(c, &body))
        goto done;
    if (note_input_read(body, true, &text, &vis, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    result = note_reply(c, 201, svc_note_create(c->db, &actor, &r, text, vis, &n, &e), &n, &e);
done:
    json_decref(body);
    return result;
}

int h_note_get(api_ctx *c)
{
    struct svc_rel r;
    struct svc_note n;
    int64_t nid;
    if (rel_open(c, 0, PERM_READ, &r) || api_param_id(c, 1, &nid))
        return -1;
    svc_actor actor = api_actor(c);
    return note_reply(c, 200, svc_note_get(c->db, &actor, &r, nid, &n), &n, NULL);
}

int h_note_patch(api_ctx *c)
{
    struct svc_rel r;
    struct svc_note n = {0};
    int64_t nid;
    json_t *body = NULL;
    const char *text, *vis;
    verr e = {0};
    int result = -1;
    if (rel_open(c, 0, PERM_READ, &r) || api_param_id(c, 1, &nid) || api_body_object(c, &body))
        goto done;
    if (note_input_read(body, false, &text, &vis, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    result = note_reply(c, 200, svc_note_update(c->db, &actor, &r, nid, text, vis, &n, &e), &n, &e);
done:
    json_decref(body);
    return result;
}

int h_note_delete(api_ctx *c)
{
    struct svc_rel r;
    int64_t nid;
    verr e = {0};
    if (rel_open(c, 0, PERM_READ, &r) || api_param_id(c, 1, &nid))
        return -1;
    svc_actor actor = api_actor(c);
    int rc = svc_note_delete(c->db, &actor, &r, nid, &e);
    return rc == SVC_OK ? api_no_content(c) : api_fail(c, rc, &e);
}

/* ---- messages ---- */

static json_t *message_json(const struct svc_message *m)
{
    return json_pack("{s:I, s:I, s:s, s:o, s:o, s:b}", "id", (json_int_t)m->id, "relationship_id",
                     (json_int_t)m->relationship_id, "body", m->body, "created_at",
                     api_time(m->created_at), "author", author_json(&m->author), "mine", m->mine);
}

int h_messages_list(api_ctx *c)
{
    struct svc_rel r;
    int64_t limit, offset, after = 0;
    struct svc_message *ms;
    size_t n;
    bool more;
    if (rel_open(c, 0, PERM_READ, &r) || api_page(c, &limit, &offset))
        return -1;
    const char *a = http_req_query(c->req, "after");
    if (a && str_to_i64(a, 0, INT64_MAX / 2, &after))
        return api_problem(c, 400, "after", "after must be a message id");
    svc_actor actor = api_actor(c);
    int rc = svc_message_list(c->db, &actor, &r, after, limit, &ms, &n, &more);
    if (rc != STORE_OK)
        return api_fail(c, rc, NULL);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, message_json(&ms[i]));
    json_t *o =
        json_pack("{s:o, s:b, s:I}", "items", items, "has_more", more, "limit", (json_int_t)limit);
    json_object_set_new(o, "next_after", n ? json_integer(ms[n - 1].id) : json_null());
    svc_messages_free(ms, n);
    return api_json(c, 200, o);
}

int h_message_create(api_ctx *c)
{
    struct svc_rel r;
    struct svc_message m = {0};
    json_t *body = NULL;
    const char *text;
    verr e = {0};
    int result = -1, rc;
    if (rel_open(c, 0, PERM_WRITE, &r) || api_body_object(c, &body))
        goto done;
    if (message_input_read(body, &text, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_message_create(c->db, &actor, &r, text, &m, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = api_json(c, 201, message_json(&m));
    svc_message_cleanup(&m);
done:
    json_decref(body);
    return result;
}
