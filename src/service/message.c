#include "service/facts.h"
#include "service/message.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "service/audit.h"
#include "service/workspace.h"
#include "service/reminder.h"

#define MESSAGE_SELECT                                                                             \
    "SELECT ms.id, ms.body, ms.created_at, ms.author_id, pa.person_id, pe.name, m.role "           \
    "FROM messages ms JOIN participations pa ON pa.id = ms.author_id "                             \
    "JOIN people pe ON pe.id = pa.person_id "                                                      \
    "LEFT JOIN relationship_members m ON m.relationship_id = ms.relationship_id "                  \
    "AND m.participation_id = ms.author_id WHERE ms.relationship_id = ?1"

void svc_message_cleanup(struct svc_message *m)
{
    if (!m)
        return;
    free(m->body);
    m->body = NULL;
}

void svc_messages_free(struct svc_message *m, size_t n)
{
    for (size_t i = 0; m && i < n; i++)
        svc_message_cleanup(&m[i]);
    free(m);
}

static void read_message(store_rows *rows, int64_t rel_id, int64_t actor, struct svc_message *m)
{
    memset(m, 0, sizeof *m);
    m->id = store_col_int(rows, 0);
    m->relationship_id = rel_id;
    m->body = xstrdup(store_col_text(rows, 1));
    m->created_at = store_col_int(rows, 2);
    svc_workspace_author(rows, 3, &m->author);
    m->mine = m->author.person_id == actor;
}

int svc_message_list(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t after,
                     int64_t limit, struct svc_message **out, size_t *n, bool *more)
{
    store_rows *rows = NULL;
    /* One more than asked tells whether more follow. */
    store_val p[] = {SV_INT(r->id), SV_INT(after), SV_INT(limit + 1)};
    *out = NULL;
    *n = 0;
    *more = false;
    int rc = store_query(db, MESSAGE_SELECT " AND ms.id > ?2 ORDER BY ms.id LIMIT ?3", p, 3, &rows);
    if (rc != STORE_OK)
        return rc;
    *out = xcalloc((size_t)(limit > 0 ? limit : 1), sizeof **out);
    while ((rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        if ((int64_t)*n == limit) {
            *more = true;
            break;
        }
        read_message(rows, r->id, actor->person_id, &(*out)[(*n)++]);
    }
    store_rows_free(rows);
    if (rc < 0) {
        svc_messages_free(*out, *n);
        *out = NULL;
        *n = 0;
        return rc;
    }
    return STORE_OK;
}

int svc_message_create(store *db, const svc_actor *actor, const struct svc_rel *r, const char *body,
                       struct svc_message *out, verr *e)
{
    store_rows *rows = NULL;
    int64_t id = 0;
    memset(out, 0, sizeof *out);
    int rc = svc_workspace_writable(r, e);
    if (rc != SVC_OK)
        return rc;
    if (!body || !*body)
        return svc_fail(e, SVC_INVALID, "body", "is required");
    store_val p[] = {SV_INT(r->id), SV_INT(r->my_part), SV_TEXT(body), SV_INT(clock_now())};
    if ((rc = store_query_int(db,
                              "INSERT INTO messages (relationship_id, author_id, body, "
                              "created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
                              p, 4, &id)) != 1)
        return rc < 0 ? rc : STORE_ERROR;
    store_val g[] = {SV_INT(r->id), SV_INT(id)};
    if ((rc = store_query(db, MESSAGE_SELECT " AND ms.id = ?2", g, 2, &rows)) == STORE_OK &&
        (rc = store_next(rows)) == 1) {
        read_message(rows, r->id, actor->person_id, out);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc != STORE_OK)
        return rc < 0 ? rc : STORE_ERROR;
    /* The mail says who wrote and where to read it, not what. */
    char link[LIMIT_HTTP_URL_BYTES];
    svc_workspace_link(link, sizeof link, r->id, "messages");
    struct mail_value mv[] = {{"author", out->author.name}, {"link", link}};
    if ((rc = svc_relationship_notify(db, actor, r, "message", mv, 2)) != STORE_OK ||
        (rc = svc_reminder_relationship(db, r->id, clock_now())) != STORE_OK ||
        (rc = svc_facts_refresh(db, r->id)) != STORE_OK ||
        (rc = svc_audit(db, actor, "message.create", "message", id,
                        json_pack("{s:I}", "relationship_id", (json_int_t)r->id))) != STORE_OK) {
        svc_message_cleanup(out);
        return rc;
    }
    return SVC_OK;
}
