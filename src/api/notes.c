/* notes.c - notes and messages in a relationship's workspace (product.md
 * §2, §6, §9).
 *
 * A note is private (its author's alone: not the partner, not a
 * coordinator, not an admin - to everyone else it does not exist, 404) or
 * shared (every member, and the program's coordinators and admins, read
 * it). Only the author edits or deletes a note. Messages are posted by
 * members, read by everyone who may read the relationship, listed oldest
 * first and paged with ?after=<id>; each one is mailed to the other
 * members. */
#include <string.h>

#include "api/handlers.h"
#include "api/relationship.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/str.h"

static const char *const visibilities[] = {"private", "shared", NULL};

/* What a note's reader may see: shared notes, and private ones whose
 * author is the actor. ?1 is the relationship, ?2 the actor's person id. */
#define NOTE_SELECT                                                                                \
    "SELECT n.id, n.visibility, n.body, n.created_at, n.updated_at, n.author_id, pa.person_id, "   \
    "pe.name, m.role FROM notes n JOIN participations pa ON pa.id = n.author_id "                  \
    "JOIN people pe ON pe.id = pa.person_id "                                                      \
    "LEFT JOIN relationship_members m ON m.relationship_id = n.relationship_id "                   \
    "AND m.participation_id = n.author_id "                                                        \
    "WHERE n.relationship_id = ?1 AND (n.visibility = 'shared' OR pa.person_id = ?2)"

static json_t *author_json(store_rows *rows, int col)
{
    return json_pack("{s:I, s:I, s:s, s:s}", "participation_id",
                     (json_int_t)store_col_int(rows, col), "person_id",
                     (json_int_t)store_col_int(rows, col + 1), "name",
                     store_col_text(rows, col + 2), "role",
                     store_col_text(rows, col + 3) ? store_col_text(rows, col + 3) : "");
}

static json_t *note_row_json(api_ctx *c, store_rows *rows, int64_t rel_id)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:b}", "id",
                     (json_int_t)store_col_int(rows, 0), "relationship_id", (json_int_t)rel_id,
                     "visibility", store_col_text(rows, 1), "body", store_col_text(rows, 2),
                     "created_at", api_time(store_col_int(rows, 3)), "updated_at",
                     api_time(store_col_int(rows, 4)), "author", author_json(rows, 5), "mine",
                     store_col_int(rows, 6) == c->actor.person_id);
}

/* Note `nid` if the actor may see it: 1 (and *author_person), 0, < 0. */
static int note_load(api_ctx *c, const struct svc_rel *r, int64_t nid, json_t **out,
                     int64_t *author_person)
{
    *out = NULL;
    store_rows *rows;
    store_val p[] = {SV_INT(r->id), SV_INT(c->actor.person_id), SV_INT(nid)};
    int rc = store_query(c->db, NOTE_SELECT " AND n.id = ?3", p, 3, &rows);
    if (rc != STORE_OK)
        return rc;
    rc = store_next(rows);
    if (rc == 1) {
        *out = note_row_json(c, rows, r->id);
        if (author_person)
            *author_person = store_col_int(rows, 6);
    }
    store_rows_free(rows);
    return rc;
}

int h_notes_list(api_ctx *c)
{
    struct svc_rel r;
    int64_t limit, offset, total = 0;
    if (rel_open(c, 0, PERM_READ, &r) || api_page(c, &limit, &offset))
        return -1;
    store_val p[] = {SV_INT(r.id), SV_INT(c->actor.person_id), SV_INT(limit), SV_INT(offset)};
    int rc = store_query_int(
        c->db,
        "SELECT COUNT(*) FROM notes n JOIN participations pa ON pa.id = n.author_id "
        "WHERE n.relationship_id = ?1 AND (n.visibility = 'shared' OR pa.person_id = ?2)",
        p, 2, &total);
    if (rc < 0)
        return api_store_failed(c, rc);
    store_rows *rows;
    if ((rc = store_query(c->db, NOTE_SELECT " ORDER BY n.id DESC LIMIT ?3 OFFSET ?4", p, 4,
                          &rows)) != STORE_OK)
        return api_store_failed(c, rc);
    json_t *items = json_array();
    while (store_next(rows) == 1)
        json_array_append_new(items, note_row_json(c, rows, r.id));
    store_rows_free(rows);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
                              "limit", (json_int_t)limit, "offset", (json_int_t)offset));
}

int h_note_create(api_ctx *c)
{
    static const char *const keys[] = {"body", "visibility", NULL};
    struct svc_rel r;
    json_t *body = NULL;
    int result = -1, rc;
    if (rel_open_writable(c, &r) || api_body_object(c, &body))
        goto done;
    verr e = {0};
    const char *text, *vis;
    if (v_known_keys(body, "", keys, &e) ||
        v_string(body, "body", "", true, false, LIMIT_TEXT_BYTES, NULL, &text, &e) ||
        v_enum(body, "visibility", "", visibilities, "private", &vis, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    int64_t now = clock_now(), id = 0;
    store_val p[] = {SV_INT(r.id), SV_INT(r.my_part), SV_TEXT(vis), SV_TEXT(text), SV_INT(now)};
    if ((rc = store_query_int(c->db,
                              "INSERT INTO notes (relationship_id, author_id, visibility, body, "
                              "created_at, updated_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id",
                              p, 5, &id)) != 1)
        goto store_fail;
    /* The audit trail records that a note exists, never what it says. */
    api_audit(c, "note.create", "note", id, json_pack("{s:s}", "visibility", vis));
    json_t *out;
    if ((rc = note_load(c, &r, id, &out, NULL)) != 1)
        goto store_fail;
    result = api_json(c, 201, out);
    goto done;
store_fail:
    result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
done:
    json_decref(body);
    return result;
}

int h_note_get(api_ctx *c)
{
    struct svc_rel r;
    int64_t nid;
    if (rel_open(c, 0, PERM_READ, &r) || api_param_id(c, 1, &nid))
        return -1;
    json_t *out;
    int rc = note_load(c, &r, nid, &out, NULL);
    if (rc != 1)
        return rc == 0 ? api_not_found(c) : api_store_failed(c, rc);
    return api_json(c, 200, out);
}

/* Opens note `nid` for its author: 404 when the actor cannot see it, 403
 * when they see it but did not write it, 409 when the workspace is
 * closed. */
static int open_own_note(api_ctx *c, struct svc_rel *r, int64_t *nid)
{
    json_t *note;
    int64_t author = 0;
    if (rel_open(c, 0, PERM_READ, r) || api_param_id(c, 1, nid))
        return -1;
    int rc = note_load(c, r, *nid, &note, &author);
    if (rc != 1)
        return rc == 0 ? api_not_found(c) : api_store_failed(c, rc);
    json_decref(note);
    if (author != c->actor.person_id)
        return api_problem(c, 403, NULL, "only the author changes a note");
    if (!rel_is_open(r))
        return api_problem(c, 409, NULL, "the relationship is %s; its workspace is read-only",
                           r->status);
    return 0;
}

int h_note_patch(api_ctx *c)
{
    static const char *const keys[] = {"body", "visibility", NULL};
    struct svc_rel r;
    int64_t nid;
    json_t *body = NULL, *cur = NULL;
    int result = -1, rc;
    if (open_own_note(c, &r, &nid) || api_body_object(c, &body))
        goto done;
    if ((rc = note_load(c, &r, nid, &cur, NULL)) != 1)
        goto store_fail;
    verr e = {0};
    const char *text, *vis;
    if (v_known_keys(body, "", keys, &e) ||
        v_string(body, "body", "", false, false, LIMIT_TEXT_BYTES,
                 json_string_value(json_object_get(cur, "body")), &text, &e) ||
        v_enum(body, "visibility", "", visibilities,
               json_string_value(json_object_get(cur, "visibility")), &vis, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if (json_is_null(json_object_get(body, "body"))) {
        result = api_problem(c, 422, "body", "body: is required");
        goto done;
    }
    store_val p[] = {SV_INT(nid), SV_TEXT(text), SV_TEXT(vis), SV_INT(clock_now())};
    if ((rc = store_exec(
             c->db, "UPDATE notes SET body = ?2, visibility = ?3, updated_at = ?4 WHERE id = ?1", p,
             4, NULL)) != STORE_OK)
        goto store_fail;
    api_audit(c, "note.update", "note", nid, json_pack("{s:s}", "visibility", vis));
    json_t *out;
    if ((rc = note_load(c, &r, nid, &out, NULL)) != 1)
        goto store_fail;
    result = api_json(c, 200, out);
    goto done;
store_fail:
    result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
done:
    json_decref(cur);
    json_decref(body);
    return result;
}

int h_note_delete(api_ctx *c)
{
    struct svc_rel r;
    int64_t nid;
    if (open_own_note(c, &r, &nid))
        return -1;
    store_val p[] = {SV_INT(nid)};
    int rc = store_exec(c->db, "DELETE FROM notes WHERE id = ?1", p, 1, NULL);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    api_audit(c, "note.delete", "note", nid, NULL);
    return api_no_content(c);
}

/* ---- messages ---- */

#define MESSAGE_SELECT                                                                             \
    "SELECT ms.id, ms.body, ms.created_at, ms.author_id, pa.person_id, pe.name, m.role "           \
    "FROM messages ms JOIN participations pa ON pa.id = ms.author_id "                             \
    "JOIN people pe ON pe.id = pa.person_id "                                                      \
    "LEFT JOIN relationship_members m ON m.relationship_id = ms.relationship_id "                  \
    "AND m.participation_id = ms.author_id WHERE ms.relationship_id = ?1"

static json_t *message_row_json(api_ctx *c, store_rows *rows, int64_t rel_id)
{
    return json_pack("{s:I, s:I, s:s, s:o, s:o, s:b}", "id", (json_int_t)store_col_int(rows, 0),
                     "relationship_id", (json_int_t)rel_id, "body", store_col_text(rows, 1),
                     "created_at", api_time(store_col_int(rows, 2)), "author", author_json(rows, 3),
                     "mine", store_col_int(rows, 4) == c->actor.person_id);
}

int h_messages_list(api_ctx *c)
{
    struct svc_rel r;
    int64_t limit, offset, after = 0;
    if (rel_open(c, 0, PERM_READ, &r) || api_page(c, &limit, &offset))
        return -1;
    const char *a = http_req_query(c->req, "after");
    if (a && str_to_i64(a, 0, INT64_MAX / 2, &after))
        return api_problem(c, 400, "after", "after must be a message id");
    /* One more than asked tells whether more follow. */
    store_val p[] = {SV_INT(r.id), SV_INT(after), SV_INT(limit + 1)};
    store_rows *rows;
    int rc =
        store_query(c->db, MESSAGE_SELECT " AND ms.id > ?2 ORDER BY ms.id LIMIT ?3", p, 3, &rows);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    json_t *items = json_array();
    bool more = false;
    int64_t last = after;
    while (store_next(rows) == 1) {
        if ((int64_t)json_array_size(items) == limit) {
            more = true;
            break;
        }
        last = store_col_int(rows, 0);
        json_array_append_new(items, message_row_json(c, rows, r.id));
    }
    store_rows_free(rows);
    json_t *o =
        json_pack("{s:o, s:b, s:I}", "items", items, "has_more", more, "limit", (json_int_t)limit);
    json_object_set_new(o, "next_after", json_array_size(items) ? json_integer(last) : json_null());
    return api_json(c, 200, o);
}

int h_message_create(api_ctx *c)
{
    static const char *const keys[] = {"body", NULL};
    struct svc_rel r;
    json_t *body = NULL;
    int result = -1, rc;
    if (rel_open_writable(c, &r) || api_body_object(c, &body))
        goto done;
    verr e = {0};
    const char *text;
    if (v_known_keys(body, "", keys, &e) ||
        v_string(body, "body", "", true, false, LIMIT_MESSAGE_BYTES, NULL, &text, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    int64_t now = clock_now(), id = 0;
    store_val p[] = {SV_INT(r.id), SV_INT(r.my_part), SV_TEXT(text), SV_INT(now)};
    if ((rc = store_query_int(c->db,
                              "INSERT INTO messages (relationship_id, author_id, body, created_at) "
                              "VALUES (?1, ?2, ?3, ?4) RETURNING id",
                              p, 4, &id)) != 1)
        goto store_fail;
    /* The mail says who wrote and where to read it, not what: messages
     * stay in Tandem. */
    char who[LIMIT_NAME_BYTES + 1] = "Your partner";
    store_rows *rows;
    store_val q[] = {SV_INT(c->actor.person_id)};
    if (store_query(c->db, "SELECT name FROM people WHERE id = ?1", q, 1, &rows) == STORE_OK) {
        if (store_next(rows) == 1)
            str_fmt(who, sizeof who, "%s", store_col_text(rows, 0));
        store_rows_free(rows);
    }
    struct mail_value mv[] = {{"author", who}};
    if ((rc = rel_notify_others(c, &r, "message", mv, 1)) != STORE_OK)
        goto store_fail;
    api_audit(c, "message.create", "message", id,
              json_pack("{s:I}", "relationship_id", (json_int_t)r.id));
    store_val g[] = {SV_INT(r.id), SV_INT(id)};
    if ((rc = store_query(c->db, MESSAGE_SELECT " AND ms.id = ?2", g, 2, &rows)) != STORE_OK)
        goto store_fail;
    json_t *out = store_next(rows) == 1 ? message_row_json(c, rows, r.id) : NULL;
    store_rows_free(rows);
    if (!out) {
        rc = STORE_ERROR;
        goto store_fail;
    }
    result = api_json(c, 201, out);
    goto done;
store_fail:
    result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
done:
    json_decref(body);
    return result;
}
