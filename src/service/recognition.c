#include "service/recognition.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/certificate.h"
#include "domain/permissions.h"
#include "domain/when.h"
#include "service/audit.h"
#include "service/outbox.h"
#include "service/program.h"
#include "service/workspace.h"

/* ---- recording ---- */

static int record(store *db, int64_t part, int64_t rel_id, enum rec_kind kind, int threshold,
                  int64_t now)
{
    store_val p[] = {SV_INT(part),
                     rel_id ? SV_INT(rel_id) : SV_NULL,
                     SV_INT(rec_kind_per_relationship(kind) ? rel_id : 0),
                     SV_TEXT(rec_kind_name(kind)),
                     SV_INT(threshold),
                     SV_INT(now)};
    return store_exec(db,
                      "INSERT INTO recognition_milestones (participation_id, relationship_id, "
                      "scope, kind, threshold, reached_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                      "ON CONFLICT (participation_id, kind, scope, threshold) DO NOTHING",
                      p, 6, NULL);
}

/* 1 when the query (on ?1 = the relationship or participation) finds a
 * row, 0 when not, or a store status. */
static int exists(store *db, const char *sql, int64_t id)
{
    store_val p[] = {SV_INT(id)};
    int64_t one = 0;
    int rc = store_query_int(db, sql, p, 1, &one);
    return rc < 0 ? rc : rc == 1;
}

/* Minutes of mentoring of participation `part` in the meetings held in its
 * relationships (relationship `rel` only, when not 0), where it was not
 * marked absent, and how many meetings. */
static int minutes_of(store *db, int64_t part, int64_t rel, int64_t *minutes, int64_t *meetings)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(part), SV_INT(rel)};
    *minutes = *meetings = 0;
    int rc = store_query(
        db,
        "SELECT COALESCE(SUM(mt.duration_minutes), 0), COUNT(*) FROM meetings mt "
        "JOIN relationship_members m ON m.relationship_id = mt.relationship_id "
        "LEFT JOIN meeting_attendance a ON a.meeting_id = mt.id AND a.participation_id = "
        "m.participation_id WHERE m.participation_id = ?1 AND mt.status = 'held' AND "
        "(a.attended IS NULL OR a.attended <> 0) AND (?2 = 0 OR mt.relationship_id = ?2)",
        p, 2, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        *minutes = store_col_int(rows, 0);
        *meetings = store_col_int(rows, 1);
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_recognition_update(store *db, int64_t rel_id, int64_t now)
{
    struct svc_rel_member m[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n = 0;
    int rc = svc_relationship_members(db, rel_id, m, &n);
    if (rc != STORE_OK)
        return rc;
    int held = exists(db,
                      "SELECT 1 FROM meetings WHERE relationship_id = ?1 AND status = 'held' "
                      "LIMIT 1",
                      rel_id);
    int signed_all = exists(db,
                            "SELECT 1 FROM agreements a WHERE a.relationship_id = ?1 AND NOT "
                            "EXISTS (SELECT 1 FROM relationship_members m WHERE "
                            "m.relationship_id = ?1 AND NOT EXISTS (SELECT 1 FROM "
                            "agreement_signatures s WHERE s.relationship_id = ?1 AND "
                            "s.participation_id = m.participation_id AND s.version = a.version))",
                            rel_id);
    int achieved = exists(db,
                          "SELECT 1 FROM goals WHERE relationship_id = ?1 AND status = 'achieved' "
                          "LIMIT 1",
                          rel_id);
    int completed =
        exists(db, "SELECT 1 FROM relationships WHERE id = ?1 AND status = 'completed'", rel_id);
    if (held < 0 || signed_all < 0 || achieved < 0 || completed < 0)
        return held < 0 ? held : signed_all < 0 ? signed_all : achieved < 0 ? achieved : completed;
    for (size_t i = 0; i < n && rc == STORE_OK; i++) {
        int64_t part = m[i].participation_id, minutes = 0, meetings = 0;
        int hours[REC_HOURS_COUNT];
        if (held && (rc = record(db, part, rel_id, REC_FIRST_MEETING, 0, now)) != STORE_OK)
            break;
        if (signed_all && (rc = record(db, part, rel_id, REC_AGREEMENT_SIGNED, 0, now)) != STORE_OK)
            break;
        if (achieved &&
            (rc = record(db, part, rel_id, REC_FIRST_GOAL_ACHIEVED, 0, now)) != STORE_OK)
            break;
        if (completed &&
            (rc = record(db, part, rel_id, REC_RELATIONSHIP_COMPLETED, 0, now)) != STORE_OK)
            break;
        int done = exists(db,
                          "SELECT 1 FROM participation_stages WHERE participation_id = ?1 AND "
                          "stage = 'completed'",
                          part);
        if (done < 0) {
            rc = done;
            break;
        }
        if (done && (rc = record(db, part, rel_id, REC_PROGRAM_COMPLETED, 0, now)) != STORE_OK)
            break;
        if ((rc = minutes_of(db, part, 0, &minutes, &meetings)) != STORE_OK)
            break;
        size_t k = rec_hours_reached(minutes, hours);
        for (size_t j = 0; j < k && rc == STORE_OK; j++)
            rc = record(db, part, rel_id, REC_HOURS, hours[j], now);
    }
    return rc;
}

/* ---- reading ---- */

#define MILESTONE_COLS                                                                             \
    "rm.participation_id, pa.person_id, COALESCE(rm.relationship_id, 0), rm.kind, "                \
    "rm.threshold, rm.reached_at, pe.name FROM recognition_milestones rm JOIN participations pa "  \
    "ON pa.id = rm.participation_id JOIN people pe ON pe.id = pa.person_id"

static int read_milestones(store *db, const char *sql, int64_t id, struct svc_milestone_view **out,
                           size_t *n)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id)};
    size_t cap = 16;
    *n = 0;
    *out = xcalloc(cap, sizeof **out);
    int rc = store_query(db, sql, p, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        int kind = rec_kind_parse(store_col_text(rows, 3));
        if (kind < 0)
            continue;
        if (*n == cap)
            *out = xrealloc(*out, (cap *= 2) * sizeof **out);
        struct svc_milestone_view *v = &(*out)[(*n)++];
        memset(v, 0, sizeof *v);
        v->participation_id = store_col_int(rows, 0);
        v->person_id = store_col_int(rows, 1);
        v->relationship_id = store_col_int(rows, 2);
        v->kind = (enum rec_kind)kind;
        v->threshold = (int)store_col_int(rows, 4);
        v->reached_at = store_col_int(rows, 5);
        str_fmt(v->name, sizeof v->name, "%s", store_col_text(rows, 6));
        rec_label(v->kind, v->threshold, v->label, sizeof v->label);
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

#define KUDOS_COLS                                                                                 \
    "k.id, k.relationship_id, k.from_participation, k.to_participation, pf.name, pt.name, "        \
    "k.message, k.created_at FROM kudos k JOIN participations af ON af.id = "                      \
    "k.from_participation JOIN people pf ON pf.id = af.person_id JOIN participations at2 ON "      \
    "at2.id = k.to_participation JOIN people pt ON pt.id = at2.person_id"

void svc_kudos_cleanup(struct svc_kudos *k)
{
    if (!k)
        return;
    free(k->message);
    memset(k, 0, sizeof *k);
}

static void read_kudos(store_rows *rows, struct svc_kudos *k)
{
    memset(k, 0, sizeof *k);
    k->id = store_col_int(rows, 0);
    k->relationship_id = store_col_int(rows, 1);
    k->from_participation = store_col_int(rows, 2);
    k->to_participation = store_col_int(rows, 3);
    str_fmt(k->from_name, sizeof k->from_name, "%s", store_col_text(rows, 4));
    str_fmt(k->to_name, sizeof k->to_name, "%s", store_col_text(rows, 5));
    k->message = xstrdup(store_col_text(rows, 6) ? store_col_text(rows, 6) : "");
    k->created_at = store_col_int(rows, 7);
}

static int kudos_list(store *db, const char *sql, int64_t id, struct svc_kudos **out, size_t *n)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id)};
    size_t cap = 16;
    *n = 0;
    *out = xcalloc(cap, sizeof **out);
    int rc = store_query(db, sql, p, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        if (*n == cap)
            *out = xrealloc(*out, (cap *= 2) * sizeof **out);
        read_kudos(rows, &(*out)[(*n)++]);
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

void svc_highlight_cleanup(struct svc_highlight *h)
{
    if (!h)
        return;
    free(h->text);
    memset(h, 0, sizeof *h);
}

/* "A", "A and B", "A, B and C" of the members of rel_id but `except` (a
 * participation; 0: none), into out; "A and 12 others" when that is too
 * long. A store status. */
static int names_of(store *db, int64_t rel_id, int64_t except, char *out, size_t outlen)
{
    struct svc_rel_member m[LIMIT_RELATIONSHIP_MEMBERS];
    const char *names[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n = 0, k = 0;
    int rc = svc_relationship_members(db, rel_id, m, &n);
    out[0] = '\0';
    if (rc != STORE_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (m[i].participation_id != except)
            names[k++] = m[i].name;
    buf b;
    buf_init(&b, outlen - 1);
    bool full = false;
    for (size_t i = 0; i < k && !full; i++)
        full = buf_printf(&b, "%s%s", i == 0 ? "" : i + 1 == k ? " and " : ", ", names[i]) != 0;
    if (full)
        str_fmt(out, outlen, "%s and %zu others", names[0], k - 1);
    else
        str_fmt(out, outlen, "%s", b.data ? b.data : "");
    buf_cleanup(&b);
    return STORE_OK;
}

static const char highlight_sql[] =
    "SELECT h.relationship_id, h.text, h.highlighted_at, COALESCE(h.highlighted_by, 0), "
    "COALESCE(pe.name, '') FROM highlights h LEFT JOIN people pe ON pe.id = h.highlighted_by ";

static void read_highlight(store_rows *rows, struct svc_highlight *h)
{
    memset(h, 0, sizeof *h);
    h->set = true;
    h->relationship_id = store_col_int(rows, 0);
    h->text = xstrdup(store_col_text(rows, 1) ? store_col_text(rows, 1) : "");
    h->highlighted_at = store_col_int(rows, 2);
    h->by_person = store_col_int(rows, 3);
    str_fmt(h->by_name, sizeof h->by_name, "%s", store_col_text(rows, 4));
}

static int highlight_of(store *db, int64_t rel_id, struct svc_highlight *h)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(rel_id)};
    char sql[sizeof highlight_sql + 64];
    str_fmt(sql, sizeof sql, "%sWHERE h.relationship_id = ?1", highlight_sql);
    memset(h, 0, sizeof *h);
    int rc = store_query(db, sql, p, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1)
        read_highlight(rows, h);
    store_rows_free(rows);
    if (rc == 1)
        rc = names_of(db, rel_id, 0, h->members, sizeof h->members);
    return rc < 0 ? rc : STORE_OK;
}

void svc_rel_recognition_cleanup(struct svc_rel_recognition *v)
{
    if (!v)
        return;
    free(v->milestones);
    for (size_t i = 0; v->kudos && i < v->nkudos; i++)
        svc_kudos_cleanup(&v->kudos[i]);
    free(v->kudos);
    svc_highlight_cleanup(&v->highlight);
    memset(v, 0, sizeof *v);
}

int svc_recognition_of_relationship(store *db, const struct svc_rel *r,
                                    struct svc_rel_recognition *out)
{
    memset(out, 0, sizeof *out);
    int rc = read_milestones(db,
                             "SELECT " MILESTONE_COLS " WHERE rm.relationship_id = ?1 "
                             "ORDER BY rm.reached_at, rm.id",
                             r->id, &out->milestones, &out->nmilestones);
    if (rc == STORE_OK)
        rc = kudos_list(db, "SELECT " KUDOS_COLS " WHERE k.relationship_id = ?1 ORDER BY k.id DESC",
                        r->id, &out->kudos, &out->nkudos);
    if (rc == STORE_OK)
        rc = highlight_of(db, r->id, &out->highlight);
    out->certificate = strcmp(r->status, "completed") == 0;
    if (rc != STORE_OK)
        svc_rel_recognition_cleanup(out);
    return rc;
}

void svc_badges_cleanup(struct svc_badges *b)
{
    if (!b)
        return;
    free(b->milestones);
    for (size_t i = 0; b->kudos && i < b->nkudos; i++)
        svc_kudos_cleanup(&b->kudos[i]);
    free(b->kudos);
    memset(b, 0, sizeof *b);
}

int svc_recognition_badges(store *db, const svc_actor *actor, int64_t program_id, int64_t pid,
                           struct svc_badges *out)
{
    perm_roles roles = 0;
    int64_t person = 0, meetings = 0;
    memset(out, 0, sizeof *out);
    store_val q[] = {SV_INT(pid), SV_INT(program_id)};
    int rc = store_query_int(
        db, "SELECT person_id FROM participations WHERE id = ?1 AND program_id = ?2", q, 2,
        &person);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return SVC_NOT_FOUND;
    if ((rc = svc_program_roles(db, actor, program_id, &roles)) != STORE_OK)
        return rc;
    bool self = person == actor->person_id && actor->person_id != 0;
    bool partner = false;
    if (!self && !perm_coordinates(roles)) {
        store_val p[] = {SV_INT(pid), SV_INT(actor->person_id)};
        int64_t one = 0;
        if ((rc = store_query_int(db,
                                  "SELECT 1 FROM relationship_members a JOIN relationship_members "
                                  "b ON b.relationship_id = a.relationship_id JOIN "
                                  "participations pb ON pb.id = b.participation_id WHERE "
                                  "a.participation_id = ?1 AND pb.person_id = ?2 LIMIT 1",
                                  p, 2, &one)) < 0)
            return rc;
        partner = rc == 1;
    }
    if (perm_participation_access(roles, self, partner) < PERM_READ)
        return SVC_NOT_FOUND;
    if ((rc = read_milestones(db,
                              "SELECT " MILESTONE_COLS " WHERE rm.participation_id = ?1 "
                              "ORDER BY rm.reached_at, rm.id",
                              pid, &out->milestones, &out->nmilestones)) != STORE_OK ||
        (rc = kudos_list(db,
                         "SELECT " KUDOS_COLS " WHERE k.to_participation = ?1 ORDER BY k.id DESC "
                         "LIMIT 50",
                         pid, &out->kudos, &out->nkudos)) != STORE_OK ||
        (rc = store_query_int(db, "SELECT COUNT(*) FROM kudos WHERE to_participation = ?1", q, 1,
                              &out->kudos_received)) < 0 ||
        (rc = minutes_of(db, pid, 0, &out->minutes, &meetings)) != STORE_OK) {
        svc_badges_cleanup(out);
        return rc < 0 ? rc : STORE_ERROR;
    }
    struct rec_milestone *m = xcalloc(out->nmilestones + 1, sizeof *m);
    for (size_t i = 0; i < out->nmilestones; i++)
        m[i] = (struct rec_milestone){.kind = out->milestones[i].kind,
                                      .threshold = out->milestones[i].threshold,
                                      .reached_at = out->milestones[i].reached_at};
    out->nbadges = rec_badges(m, out->nmilestones, out->badges);
    free(m);
    return SVC_OK;
}

/* ---- kudos ---- */

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

int svc_kudos_send(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t to,
                   const char *message, struct svc_kudos *out, verr *e)
{
    struct svc_rel_member m[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n = 0;
    int64_t count = 0, id = 0, now = clock_now();
    memset(out, 0, sizeof *out);
    if (!r->my_part)
        return svc_fail(e, SVC_FORBIDDEN, "", "kudos are sent by the partners to each other");
    if (strcmp(r->status, "ended_early") == 0)
        return svc_fail(e, SVC_REFUSED, "", "this relationship has ended");
    int rc = svc_relationship_members(db, r->id, m, &n);
    if (rc != STORE_OK)
        return rc;
    bool bad = false;
    if (to == 0) {
        size_t others = 0;
        for (size_t i = 0; i < n; i++)
            if (m[i].participation_id != r->my_part) {
                others++;
                to = m[i].participation_id;
            }
        if (others != 1) {
            to = 0;
            bad = v_add(e, "", "to", "choose the member the kudos are for") != 0;
        }
    } else {
        bool member = false;
        for (size_t i = 0; i < n; i++)
            member = member || m[i].participation_id == to;
        if (to == r->my_part)
            bad = v_add(e, "", "to", "kudos go to someone else") != 0;
        else if (!member)
            bad = v_add(e, "", "to", "is not a member of this relationship") != 0;
    }
    if (blank(message))
        bad = v_add(e, "", "message", "say what you appreciate") != 0;
    if (bad)
        return SVC_INVALID;
    store_val q[] = {SV_INT(r->id)};
    if ((rc = store_query_int(db, "SELECT COUNT(*) FROM kudos WHERE relationship_id = ?1", q, 1,
                              &count)) < 0)
        return rc;
    if (count >= LIMIT_KUDOS_PER_RELATIONSHIP)
        return svc_fail(e, SVC_REFUSED, "", "a relationship keeps at most %d kudos",
                        LIMIT_KUDOS_PER_RELATIONSHIP);
    store_val p[] = {SV_INT(r->id), SV_INT(r->my_part), SV_INT(to), SV_TEXT(message), SV_INT(now)};
    if ((rc = store_query_int(db,
                              "INSERT INTO kudos (relationship_id, from_participation, "
                              "to_participation, message, created_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                              "RETURNING id",
                              p, 5, &id)) != 1)
        return rc < 0 ? rc : STORE_ERROR;
    const char *from = "";
    for (size_t i = 0; i < n; i++)
        if (m[i].participation_id == r->my_part)
            from = m[i].name;
    char link[512];
    svc_workspace_link(link, sizeof link, r->id, "recognition");
    struct mail_value mv[] = {{"from", from}, {"link", link}};
    if ((rc = svc_outbox_mail_participation(db, to, "kudos", mv, 2, now)) != STORE_OK ||
        (rc = svc_audit(db, actor, "kudos.create", "relationship", r->id,
                        json_pack("{s:I, s:I}", "kudos_id", (json_int_t)id, "to",
                                  (json_int_t)to))) != STORE_OK)
        return rc;
    store_rows *rows = NULL;
    store_val k[] = {SV_INT(id)};
    rc = store_query(db, "SELECT " KUDOS_COLS " WHERE k.id = ?1", k, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        read_kudos(rows, out);
        rc = SVC_OK;
    } else if (rc == 0) {
        rc = STORE_ERROR;
    }
    store_rows_free(rows);
    return rc;
}

/* ---- highlights ---- */

int svc_highlight_set(store *db, const svc_actor *actor, const struct svc_rel *r, const char *text,
                      verr *e)
{
    int64_t now = clock_now();
    if (!perm_coordinates(r->roles))
        return svc_fail(e, SVC_FORBIDDEN, "",
                        "the program's coordinators highlight successful relationships");
    if (blank(text))
        return svc_fail(e, SVC_INVALID, "text", "say what made this relationship a success");
    if (strcmp(r->status, "ended_early") == 0)
        return svc_fail(e, SVC_REFUSED, "", "a relationship that ended early is not highlighted");
    int was = exists(db, "SELECT 1 FROM highlights WHERE relationship_id = ?1", r->id);
    if (was < 0)
        return was;
    store_val p[] = {SV_INT(r->id), SV_INT(r->program_id), SV_TEXT(text),
                     actor->person_id ? SV_INT(actor->person_id) : SV_NULL, SV_INT(now)};
    int rc = store_exec(db,
                        "INSERT INTO highlights (relationship_id, program_id, text, "
                        "highlighted_by, highlighted_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT "
                        "(relationship_id) DO UPDATE SET text = excluded.text, highlighted_by = "
                        "excluded.highlighted_by",
                        p, 5, NULL);
    struct svc_rel_member m[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n = 0;
    if (rc == STORE_OK)
        rc = svc_relationship_members(db, r->id, m, &n);
    for (size_t i = 0; i < n && rc == STORE_OK; i++)
        rc = record(db, m[i].participation_id, r->id, REC_HIGHLIGHTED, 0, now);
    if (rc == STORE_OK && !was) {
        char link[512];
        svc_workspace_link(link, sizeof link, r->id, "recognition");
        struct mail_value mv[] = {{"link", link}};
        rc = svc_relationship_notify(db, actor, r, "highlighted", mv, 1);
    }
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "relationship.highlight", "relationship", r->id, NULL);
    return rc;
}

int svc_highlight_clear(store *db, const svc_actor *actor, const struct svc_rel *r, verr *e)
{
    int64_t changes = 0;
    if (!perm_coordinates(r->roles))
        return svc_fail(e, SVC_FORBIDDEN, "",
                        "the program's coordinators highlight successful relationships");
    store_val p[] = {SV_INT(r->id)};
    int rc = store_exec(db, "DELETE FROM highlights WHERE relationship_id = ?1", p, 1, &changes);
    if (rc != STORE_OK)
        return rc;
    if (!changes)
        return SVC_NOT_FOUND;
    if ((rc = store_exec(db,
                         "DELETE FROM recognition_milestones WHERE kind = 'highlighted' AND "
                         "scope = ?1",
                         p, 1, NULL)) != STORE_OK)
        return rc;
    return svc_audit(db, actor, "relationship.unhighlight", "relationship", r->id, NULL);
}

int svc_highlight_list(store *db, int64_t program_id, struct svc_highlight **out, size_t *n)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(program_id)};
    char sql[sizeof highlight_sql + 160];
    size_t cap = 8;
    *n = 0;
    *out = xcalloc(cap, sizeof **out);
    str_fmt(sql, sizeof sql,
            "%sWHERE h.program_id = ?1 ORDER BY h.highlighted_at DESC, h.relationship_id DESC "
            "LIMIT %d",
            highlight_sql, LIMIT_PAGE_MAX);
    int rc = store_query(db, sql, p, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        if (*n == cap)
            *out = xrealloc(*out, (cap *= 2) * sizeof **out);
        read_highlight(rows, &(*out)[(*n)++]);
    }
    store_rows_free(rows);
    for (size_t i = 0; i < *n && rc >= 0; i++)
        rc = names_of(db, (*out)[i].relationship_id, 0, (*out)[i].members, sizeof(*out)[i].members);
    return rc < 0 ? rc : STORE_OK;
}

/* ---- the certificate ---- */

int svc_certificate_pdf(store *db, const struct svc_rel *r, int64_t participation_id, buf *pdf,
                        char *filename, size_t filenamelen, verr *e)
{
    struct svc_rel_member m[LIMIT_RELATIONSHIP_MEMBERS];
    struct svc_ws_person who;
    char program[LIMIT_NAME_BYTES + 1] = "", partners[1024], from[11], to[11], issued[11];
    struct program_config cfg = {0};
    size_t n = 0;
    int64_t minutes = 0, meetings = 0;
    if (strcmp(r->status, "completed") != 0)
        return svc_fail(e, SVC_REFUSED, "",
                        "the certificate of completion comes once the relationship is completed "
                        "(it is %s)",
                        r->status);
    if (participation_id == 0)
        participation_id = r->my_part;
    if (participation_id == 0)
        return svc_fail(e, SVC_INVALID, "participation_id",
                        "name the member whose certificate you want (participation_id)");
    if (participation_id != r->my_part && !perm_coordinates(r->roles))
        return svc_fail(e, SVC_FORBIDDEN, "participation_id",
                        "each member downloads their own certificate");
    int rc = svc_relationship_members(db, r->id, m, &n);
    if (rc != STORE_OK)
        return rc;
    const struct svc_rel_member *me = NULL;
    for (size_t i = 0; i < n; i++)
        if (m[i].participation_id == participation_id)
            me = &m[i];
    if (!me)
        return svc_fail(e, SVC_INVALID, "participation_id", "is not a member of this relationship");
    if ((rc = svc_workspace_person(db, me->person_id, me->participation_id, &who)) != SVC_OK ||
        (rc = svc_program_config(db, r->program_id, &cfg, program, sizeof program)) != SVC_OK ||
        (rc = names_of(db, r->id, participation_id, partners, sizeof partners)) != STORE_OK ||
        (rc = minutes_of(db, participation_id, r->id, &minutes, &meetings)) != STORE_OK) {
        program_config_cleanup(&cfg);
        return rc > 0 ? STORE_ERROR : rc;
    }
    program_config_cleanup(&cfg);
    when_date(r->started_at, who.time_zone, from);
    when_date(r->ended_at ? r->ended_at : r->planned_end_at, who.time_zone, to);
    when_date(clock_now(), who.time_zone, issued);
    struct certificate c = {.name = me->name,
                            .program = program,
                            .role = me->role,
                            .partners = partners,
                            .from = from,
                            .to = to,
                            .minutes = minutes,
                            .meetings = meetings,
                            .issued = issued};
    if (certificate_pdf(&c, pdf))
        return STORE_ERROR;
    str_fmt(filename, filenamelen, "certificate-%lld-%lld.pdf", (long long)r->id,
            (long long)participation_id);
    return SVC_OK;
}
