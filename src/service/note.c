#include "service/note.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "service/audit.h"
#include "service/workspace.h"

/* What a note's reader may see: shared notes, and private ones whose
 * author is the actor. ?1 is the relationship, ?2 the actor's person id. */
#define NOTE_SELECT                                                                                \
    "SELECT n.id, n.visibility, n.body, n.created_at, n.updated_at, n.author_id, pa.person_id, "   \
    "pe.name, m.role FROM notes n JOIN participations pa ON pa.id = n.author_id "                  \
    "JOIN people pe ON pe.id = pa.person_id "                                                      \
    "LEFT JOIN relationship_members m ON m.relationship_id = n.relationship_id "                   \
    "AND m.participation_id = n.author_id "                                                        \
    "WHERE n.relationship_id = ?1 AND (n.visibility = 'shared' OR pa.person_id = ?2)"

void svc_note_cleanup(struct svc_note *n)
{
    if (!n)
        return;
    free(n->body);
    n->body = NULL;
}

void svc_notes_free(struct svc_note *n, size_t count)
{
    for (size_t i = 0; n && i < count; i++)
        svc_note_cleanup(&n[i]);
    free(n);
}

static void read_note(store_rows *rows, int64_t rel_id, int64_t actor, struct svc_note *n)
{
    memset(n, 0, sizeof *n);
    n->id = store_col_int(rows, 0);
    n->relationship_id = rel_id;
    str_fmt(n->visibility, sizeof n->visibility, "%s", store_col_text(rows, 1));
    n->body = xstrdup(store_col_text(rows, 2));
    n->created_at = store_col_int(rows, 3);
    n->updated_at = store_col_int(rows, 4);
    svc_workspace_author(rows, 5, &n->author);
    n->mine = n->author.person_id == actor;
}

int svc_note_list(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t limit,
                  int64_t offset, struct svc_note **out, size_t *n, int64_t *total)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(r->id), SV_INT(actor->person_id), SV_INT(limit), SV_INT(offset)};
    *out = NULL;
    *n = 0;
    *total = 0;
    int rc;
    if ((rc = store_query_int(db,
                              "SELECT COUNT(*) FROM notes n JOIN participations pa ON pa.id = "
                              "n.author_id WHERE n.relationship_id = ?1 AND (n.visibility = "
                              "'shared' OR pa.person_id = ?2)",
                              p, 2, total)) < 0 ||
        (rc = store_query(db, NOTE_SELECT " ORDER BY n.id DESC LIMIT ?3 OFFSET ?4", p, 4, &rows)) !=
            STORE_OK)
        return rc < 0 ? rc : STORE_ERROR;
    *out = xcalloc((size_t)(limit > 0 ? limit : 1), sizeof **out);
    while ((int64_t)*n < limit && (rc = store_next(rows)) == 1) {
        read_note(rows, r->id, actor->person_id, &(*out)[(*n)++]);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0) {
        svc_notes_free(*out, *n);
        *out = NULL;
        *n = 0;
        return rc;
    }
    return STORE_OK;
}

int svc_note_get(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t nid,
                 struct svc_note *out)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(r->id), SV_INT(actor->person_id), SV_INT(nid)};
    memset(out, 0, sizeof *out);
    int rc = store_query(db, NOTE_SELECT " AND n.id = ?3", p, 3, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1)
        read_note(rows, r->id, actor->person_id, out);
    store_rows_free(rows);
    return rc == 1 ? SVC_OK : rc == 0 ? SVC_NOT_FOUND : rc;
}

int svc_note_create(store *db, const svc_actor *actor, const struct svc_rel *r, const char *body,
                    const char *visibility, struct svc_note *out, verr *e)
{
    int64_t id = 0;
    memset(out, 0, sizeof *out);
    int rc = svc_workspace_writable(r, e);
    if (rc != SVC_OK)
        return rc;
    if (!body || !*body)
        return svc_fail(e, SVC_INVALID, "body", "is required");
    const char *vis = visibility ? visibility : "private";
    store_val p[] = {SV_INT(r->id), SV_INT(r->my_part), SV_TEXT(vis), SV_TEXT(body),
                     SV_INT(clock_now())};
    if ((rc = store_query_int(db,
                              "INSERT INTO notes (relationship_id, author_id, visibility, body, "
                              "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5) "
                              "RETURNING id",
                              p, 5, &id)) != 1)
        return rc < 0 ? rc : STORE_ERROR;
    if ((rc = svc_audit(db, actor, "note.create", "note", id,
                        json_pack("{s:s}", "visibility", vis))) != STORE_OK)
        return rc;
    return (rc = svc_note_get(db, actor, r, id, out)) == SVC_NOT_FOUND ? STORE_ERROR : rc;
}

/* Note nid for its author: SVC_NOT_FOUND when the actor cannot see it,
 * SVC_FORBIDDEN when they see it but did not write it, SVC_REFUSED when
 * the workspace is closed. */
static int open_own(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t nid,
                    struct svc_note *out, verr *e)
{
    int rc = svc_note_get(db, actor, r, nid, out);
    if (rc != SVC_OK)
        return rc;
    if (!out->mine)
        return svc_fail(e, SVC_FORBIDDEN, "", "only the author changes a note");
    if (!rel_status_open(r->status))
        return svc_fail(e, SVC_REFUSED, "", "the relationship is %s; its workspace is read-only",
                        r->status);
    return SVC_OK;
}

int svc_note_update(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t nid,
                    const char *body, const char *visibility, struct svc_note *out, verr *e)
{
    struct svc_note cur = {0};
    memset(out, 0, sizeof *out);
    int rc = open_own(db, actor, r, nid, &cur, e);
    if (rc != SVC_OK)
        goto done;
    if (body && !*body) {
        rc = svc_fail(e, SVC_INVALID, "body", "is required");
        goto done;
    }
    const char *vis = visibility ? visibility : cur.visibility;
    store_val p[] = {SV_INT(nid), SV_TEXT(body ? body : cur.body), SV_TEXT(vis),
                     SV_INT(clock_now())};
    if ((rc = store_exec(db,
                         "UPDATE notes SET body = ?2, visibility = ?3, updated_at = ?4 WHERE id = "
                         "?1",
                         p, 4, NULL)) != STORE_OK ||
        (rc = svc_audit(db, actor, "note.update", "note", nid,
                        json_pack("{s:s}", "visibility", vis))) != STORE_OK)
        goto done;
    if ((rc = svc_note_get(db, actor, r, nid, out)) == SVC_NOT_FOUND)
        rc = STORE_ERROR;
done:
    svc_note_cleanup(&cur);
    return rc;
}

int svc_note_delete(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t nid,
                    verr *e)
{
    struct svc_note cur = {0};
    int rc = open_own(db, actor, r, nid, &cur, e);
    svc_note_cleanup(&cur);
    if (rc != SVC_OK)
        return rc;
    store_val p[] = {SV_INT(nid)};
    if ((rc = store_exec(db, "DELETE FROM notes WHERE id = ?1", p, 1, NULL)) != STORE_OK)
        return rc;
    return svc_audit(db, actor, "note.delete", "note", nid, NULL);
}
