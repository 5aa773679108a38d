#include "service/rematch.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "service/audit.h"

/* Mentees of the program's relationships that ended early with no
 * relationship since, not taken out of the queue, still in the program. */
#define QUEUE_SQL                                                                                  \
    "SELECT m.participation_id, pa.person_id, pe.name, r.id, r.ended_at, "                         \
    "COALESCE(re.reason, 'ended_early'), COALESCE(r.end_reason, ''), "                             \
    "(SELECT mp.name FROM relationship_members mm JOIN participations mpa ON mpa.id = "            \
    "mm.participation_id JOIN people mp ON mp.id = mpa.person_id WHERE mm.relationship_id = r.id " \
    "AND mm.role = 'mentor') "                                                                     \
    "FROM relationships r JOIN relationship_members m ON m.relationship_id = r.id AND m.role = "   \
    "'mentee' JOIN participations pa ON pa.id = m.participation_id JOIN people pe ON pe.id = "     \
    "pa.person_id LEFT JOIN rematch_entries re ON re.relationship_id = r.id AND "                  \
    "re.participation_id = m.participation_id "                                                    \
    "WHERE r.program_id = ?1 AND r.status = 'ended_early' AND COALESCE(re.state, 'waiting') = "    \
    "'waiting' AND pa.status NOT IN ('declined', 'withdrawn', 'completed') AND NOT EXISTS "        \
    "(SELECT 1 FROM relationship_members m2 WHERE m2.participation_id = m.participation_id AND "   \
    "m2.relationship_id > r.id) "                                                                  \
    "ORDER BY r.ended_at, m.participation_id"

/* The latest proposal's unmatched mentees (made after `since`): reason of
 * part into why, its run into *run; false when it placed them or none. */
static bool unplaced(const json_t *unmatched, int64_t part, char *why, size_t whylen)
{
    size_t i;
    const json_t *u;
    json_array_foreach(unmatched, i, u)
    {
        if (json_integer_value(json_object_get(u, "mentee")) != part)
            continue;
        const char *r = json_string_value(json_object_get(u, "reason"));
        str_fmt(why, whylen, "%s", r ? r : "the engine found no allowed mentor");
        return true;
    }
    return false;
}

int svc_rematch_list(store *db, int64_t program_id, struct svc_rematch_item **out, size_t *n)
{
    store_rows *rows = NULL;
    *out = xcalloc(LIMIT_REMATCH_LISTED, sizeof **out);
    *n = 0;
    store_val p[] = {SV_INT(program_id)};
    int rc = store_query(db, QUEUE_SQL, p, 1, &rows);
    while (rc == STORE_OK && *n < LIMIT_REMATCH_LISTED && (rc = store_next(rows)) == 1) {
        struct svc_rematch_item *it = &(*out)[(*n)++];
        it->participation_id = store_col_int(rows, 0);
        it->person_id = store_col_int(rows, 1);
        str_fmt(it->name, sizeof it->name, "%s", store_col_text(rows, 2));
        it->relationship_id = store_col_int(rows, 3);
        it->ended_at = store_col_null(rows, 4) ? 0 : store_col_int(rows, 4);
        str_fmt(it->reason, sizeof it->reason, "%s", store_col_text(rows, 5));
        str_fmt(it->end_reason, sizeof it->end_reason, "%s", store_col_text(rows, 6));
        str_fmt(it->former_mentor, sizeof it->former_mentor, "%s",
                store_col_text(rows, 7) ? store_col_text(rows, 7) : "");
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0 || *n == 0)
        goto done;
    /* The newest proposal: whoever of the queue it left unmatched shows
     * "no match found", when it was made after they joined the queue. */
    int64_t run = 0, made = 0;
    json_t *unmatched = NULL;
    rc = store_query(db,
                     "SELECT id, created_at, unmatched FROM match_runs WHERE program_id = ?1 "
                     "ORDER BY id DESC LIMIT 1",
                     p, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        run = store_col_int(rows, 0);
        made = store_col_int(rows, 1);
        unmatched = json_loads(store_col_text(rows, 2), 0, NULL);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    for (size_t i = 0; run && i < *n; i++) {
        struct svc_rematch_item *it = &(*out)[i];
        if (made >= it->ended_at &&
            unplaced(unmatched, it->participation_id, it->no_match_why, sizeof it->no_match_why)) {
            it->no_match = true;
            it->no_match_run = run;
        }
    }
    json_decref(unmatched);
done:
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc < 0 ? rc : STORE_OK;
}

int svc_rematch_queue_ids(store *db, int64_t program_id, int64_t **ids, size_t *n)
{
    store_val p[] = {SV_INT(program_id)};
    return store_query_int_list(db, QUEUE_SQL, p, 1, ids, n);
}

/* Ends *r early as its coordinator, with the reason. */
static int end_early(store *db, const svc_actor *actor, struct svc_rel *r,
                     const struct program_config *cfg, const char *reason, int64_t version, verr *e)
{
    if (!perm_coordinates(r->roles))
        return svc_fail(e, SVC_FORBIDDEN, "", "only the program's coordinators do this");
    struct rel_change ch = {.action = REL_END_EARLY, .reason = reason, .version = version};
    return svc_relationship_change(db, actor, r, cfg, &ch, e);
}

int svc_rematch_agree(store *db, const svc_actor *actor, struct svc_rel *r,
                      const struct program_config *cfg, const char *reason, int64_t version,
                      verr *e)
{
    char why[LIMIT_REASON_BYTES + 64];
    str_fmt(why, sizeof why, "%s%s%s", "The pairing did not fit", reason && *reason ? ": " : ".",
            reason && *reason ? reason : "");
    int rc = end_early(db, actor, r, cfg, why, version, e);
    if (rc != SVC_OK)
        return rc;
    struct svc_rel_member m[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n = 0;
    int64_t now = clock_now();
    rc = svc_relationship_members(db, r->id, m, &n);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        if (strcmp(m[i].role, "mentee") != 0)
            continue;
        store_val p[] = {SV_INT(r->id), SV_INT(m[i].participation_id), SV_INT(r->program_id),
                         actor->person_id ? SV_INT(actor->person_id) : SV_NULL, SV_INT(now)};
        rc = store_exec(db,
                        "INSERT INTO rematch_entries (relationship_id, participation_id, "
                        "program_id, reason, state, decided_by, decided_at) VALUES (?1, ?2, ?3, "
                        "'pairing_fit', 'waiting', ?4, ?5) ON CONFLICT (relationship_id, "
                        "participation_id) DO UPDATE SET reason = 'pairing_fit', state = "
                        "'waiting', decided_by = excluded.decided_by, decided_at = "
                        "excluded.decided_at",
                        p, 5, NULL);
    }
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "relationship.rematch", "relationship", r->id,
                       json_pack("{s:s}", "reason", "pairing_fit"));
    return rc;
}

int svc_rematch_dismiss(store *db, const svc_actor *actor, int64_t program_id, int64_t part,
                        verr *e)
{
    store_rows *rows = NULL;
    int64_t rel = 0;
    store_val p[] = {SV_INT(program_id)};
    int rc = store_query(db, QUEUE_SQL, p, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (store_col_int(rows, 0) == part)
            rel = store_col_int(rows, 3);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0)
        return rc;
    if (!rel)
        return svc_fail(e, SVC_NOT_FOUND, "", "they are not waiting to be matched again");
    store_val q[] = {SV_INT(rel), SV_INT(part), SV_INT(program_id),
                     actor->person_id ? SV_INT(actor->person_id) : SV_NULL, SV_INT(clock_now())};
    rc = store_exec(db,
                    "INSERT INTO rematch_entries (relationship_id, participation_id, program_id, "
                    "reason, state, decided_by, decided_at) VALUES (?1, ?2, ?3, 'ended_early', "
                    "'dismissed', ?4, ?5) ON CONFLICT (relationship_id, participation_id) DO "
                    "UPDATE SET state = 'dismissed', decided_by = excluded.decided_by, "
                    "decided_at = excluded.decided_at",
                    q, 5, NULL);
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "rematch.dismiss", "participation", part, NULL);
    return rc;
}

int svc_rematch_reassign(store *db, const svc_actor *actor, struct svc_rel *r,
                         const struct program_config *cfg, int64_t mentor, const char *reason,
                         int64_t version, int64_t *new_id, verr *e)
{
    *new_id = 0;
    if (!perm_coordinates(r->roles))
        return svc_fail(e, SVC_FORBIDDEN, "", "only the program's coordinators reassign");
    if (strcmp(r->kind, "peer") == 0)
        return svc_fail(e, SVC_REFUSED, "", "a peer circle has no mentor to replace");
    struct svc_rel_member m[LIMIT_RELATIONSHIP_MEMBERS];
    int64_t mentees[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n = 0, k = 0;
    int rc = svc_relationship_members(db, r->id, m, &n);
    if (rc != STORE_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(m[i].role, "mentor") == 0 && m[i].participation_id == mentor)
            return svc_fail(e, SVC_INVALID, "mentor", "is this relationship's mentor already");
        if (strcmp(m[i].role, "mentee") == 0)
            mentees[k++] = m[i].participation_id;
    }
    char why[LIMIT_REASON_BYTES + 64];
    str_fmt(why, sizeof why, "Reassigned to another mentor%s%s", reason && *reason ? ": " : ".",
            reason && *reason ? reason : "");
    int64_t program = r->program_id;
    if ((rc = end_early(db, actor, r, cfg, why, version, e)) != SVC_OK)
        return rc;
    struct svc_rel_new in = {.mentor = mentor, .mentees = mentees, .n = k, .source = "manual"};
    if ((rc = svc_relationship_create(db, actor, program, cfg, &in, new_id, e)) != SVC_OK)
        return rc;
    return svc_audit(db, actor, "relationship.reassign", "relationship", r->id,
                     json_pack("{s:I}", "relationship_id", (json_int_t)*new_id));
}
