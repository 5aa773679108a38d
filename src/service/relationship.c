#include "service/facts.h"
#include "service/relationship.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "service/alert.h"
#include "service/audit.h"
#include "service/followup.h"
#include "service/matchable.h"
#include "service/outbox.h"
#include "service/participation.h"
#include "service/program.h"
#include "service/reflection.h"
#include "service/recognition.h"
#include "service/reminder.h"

/* ---- reading ---- */

#define REL_COLS                                                                                   \
    "r.id, r.program_id, r.kind, r.status, r.phase, r.phase_started_at, r.started_at, "            \
    "r.planned_end_at, r.ended_at, r.renewals, r.version, p.action, p.proposed_by, p.proposed_at"

static void read_rel(store_rows *rows, struct svc_rel *out)
{
    out->id = store_col_int(rows, 0);
    out->program_id = store_col_int(rows, 1);
    str_fmt(out->kind, sizeof out->kind, "%s", store_col_text(rows, 2));
    str_fmt(out->status, sizeof out->status, "%s", store_col_text(rows, 3));
    out->phase = (int)store_col_int(rows, 4);
    out->phase_started_at = store_col_int(rows, 5);
    out->started_at = store_col_int(rows, 6);
    out->planned_end_at = store_col_int(rows, 7);
    out->ended_at = store_col_int(rows, 8);
    out->renewals = (int)store_col_int(rows, 9);
    out->version = store_col_int(rows, 10);
    if (!store_col_null(rows, 11)) {
        out->proposal = (enum rel_proposal)rel_proposal_parse(store_col_text(rows, 11));
        out->proposed_by = store_col_int(rows, 12);
        out->proposed_at = store_col_int(rows, 13);
    }
}

/* Who has agreed to r's proposal, the proposer first. A store status. */
static int read_consents(store *db, struct svc_rel *r)
{
    store_val p[] = {SV_INT(r->id), SV_INT(r->proposed_by)};
    r->nagreed = 0;
    if (r->proposal == REL_PROPOSAL_NONE)
        return STORE_OK;
    return store_query_ints(db,
                            "SELECT participation_id FROM relationship_consents WHERE "
                            "relationship_id = ?1 ORDER BY participation_id <> ?2, given_at, "
                            "participation_id",
                            p, 2, r->agreed, LIMIT_RELATIONSHIP_MEMBERS, &r->nagreed);
}

int svc_relationship_get(store *db, const svc_actor *actor, int64_t id, enum perm_access need,
                         struct svc_rel *out)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id)};
    memset(out, 0, sizeof *out);
    int rc = store_query(db,
                         "SELECT " REL_COLS " FROM relationships r LEFT JOIN "
                         "relationship_proposals p ON p.relationship_id = r.id WHERE r.id = ?1",
                         p, 1, &rows);
    if (rc != STORE_OK)
        goto done;
    if ((rc = store_next(rows)) != 1) {
        rc = rc == 0 ? SVC_NOT_FOUND : rc;
        goto done;
    }
    read_rel(rows, out);
    store_rows_free(rows);
    rows = NULL;
    if ((rc = read_consents(db, out)) != STORE_OK)
        goto done;

    store_val q[] = {SV_INT(id), SV_INT(actor->person_id)};
    if ((rc = store_query(db,
                          "SELECT m.participation_id, m.role FROM relationship_members m "
                          "JOIN participations pa ON pa.id = m.participation_id "
                          "WHERE m.relationship_id = ?1 AND pa.person_id = ?2 ORDER BY m.role",
                          q, 2, &rows)) != STORE_OK)
        goto done;
    if ((rc = store_next(rows)) == 1) {
        out->my_part = store_col_int(rows, 0);
        str_fmt(out->my_role, sizeof out->my_role, "%s", store_col_text(rows, 1));
    }
    if (rc < 0 || (rc = svc_program_roles(db, actor, out->program_id, &out->roles)) != STORE_OK)
        goto done;
    enum perm_access a = perm_relationship_access(out->roles, out->my_part != 0);
    rc = a == PERM_NONE ? SVC_NOT_FOUND : (a & need) == need ? SVC_OK : SVC_FORBIDDEN;
done:
    store_rows_free(rows);
    return rc;
}

int svc_relationship_members(store *db, int64_t id,
                             struct svc_rel_member out[LIMIT_RELATIONSHIP_MEMBERS], size_t *n)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id)};
    *n = 0;
    int rc = store_query(
        db,
        "SELECT m.participation_id, pa.person_id, pe.name, m.role FROM relationship_members m "
        "JOIN participations pa ON pa.id = m.participation_id JOIN people pe ON pe.id = "
        "pa.person_id WHERE m.relationship_id = ?1 ORDER BY m.role DESC, pe.name",
        p, 1, &rows);
    while (rc == STORE_OK && *n < LIMIT_RELATIONSHIP_MEMBERS && (rc = store_next(rows)) == 1) {
        struct svc_rel_member *m = &out[(*n)++];
        m->participation_id = store_col_int(rows, 0);
        m->person_id = store_col_int(rows, 1);
        str_fmt(m->name, sizeof m->name, "%s", store_col_text(rows, 2));
        str_fmt(m->role, sizeof m->role, "%s", store_col_text(rows, 3));
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_relationship_list(store *db, const svc_actor *actor, int64_t program_id, bool all,
                          const char *status, int64_t limit, int64_t offset, struct svc_rel **out,
                          size_t *n)
{
    store_val p[] = {SV_INT(program_id), SV_INT(all ? 0 : actor->person_id), SV_TEXT(status),
                     SV_INT(limit), SV_INT(offset)};
    *out = NULL;
    *n = 0;
    int64_t ids[LIMIT_PAGE_MAX];
    size_t k = 0;
    int rc = store_query_ints(
        db,
        "SELECT r.id FROM relationships r WHERE r.program_id = ?1 "
        "AND (CAST(?3 AS TEXT) IS NULL OR r.status = ?3) AND (?2 = 0 OR EXISTS ("
        " SELECT 1 FROM relationship_members m JOIN participations pa ON pa.id = "
        "m.participation_id WHERE m.relationship_id = r.id AND pa.person_id = ?2)) "
        "ORDER BY r.id LIMIT ?4 OFFSET ?5",
        p, 5, ids, LIMIT_PAGE_MAX, &k);
    if (rc < 0)
        return rc;
    *out = xcalloc(k + 1, sizeof **out);
    for (size_t i = 0; i < k; i++) {
        rc = svc_relationship_get(db, actor, ids[i], PERM_READ, &(*out)[*n]);
        if (rc < 0) {
            free(*out);
            *out = NULL;
            *n = 0;
            return rc;
        }
        if (rc == SVC_OK)
            (*n)++;
    }
    return STORE_OK;
}

/* ---- creating ---- */

/* What the rules need of one participation. */
struct part {
    int64_t person;
    enum stage status;
    int64_t capacity, wants, open; /* open: places taken now (SVC_TAKEN_SQL) */
    bool trained;
};

/* Locks participation `id` (a no-op write takes the row lock on PostgreSQL;
 * SQLite holds the database lock already) and reads what the rules need.
 * SVC_OK when it is one of the program with that role, SVC_NOT_FOUND when
 * not, or a store status. */
static int lock_part(store *db, int64_t program, int64_t id, const char *role, struct part *out)
{
    store_val p[] = {SV_INT(id), SV_INT(program), SV_TEXT(role)};
    int64_t changed = 0;
    int rc = store_exec(db,
                        "UPDATE participations SET updated_at = updated_at WHERE id = ?1 AND "
                        "program_id = ?2 AND role = ?3",
                        p, 3, &changed);
    if (rc != STORE_OK)
        return rc;
    if (changed != 1)
        return SVC_NOT_FOUND;
    store_rows *rows = NULL;
    store_val q[] = {SV_INT(id)};
    rc = store_query(db,
                     "SELECT person_id, status, COALESCE(capacity, 1), COALESCE(wants, 1), "
                     "(SELECT COUNT(*) FROM participation_stages s WHERE s.participation_id = "
                     "pa.id AND s.stage = 'trained'), " SVC_TAKEN_SQL
                     " FROM participations pa WHERE id = ?1",
                     q, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        int st = stage_parse(store_col_text(rows, 1));
        out->person = store_col_int(rows, 0);
        out->status = st < 0 ? STAGE_INVITED : (enum stage)st;
        out->capacity = store_col_int(rows, 2);
        out->wants = store_col_int(rows, 3);
        out->trained = store_col_int(rows, 4) > 0;
        out->open = store_col_int(rows, 5);
        rc = SVC_OK;
    } else if (rc == 0) {
        rc = STORE_ERROR; /* locked a moment ago */
    }
    store_rows_free(rows);
    return rc;
}

/* Refuses a participation the matching rules do not allow yet. `who` is
 * "the mentor" or "" for a mentee or peer (the field names them). */
static int check_eligible(const struct part *p, const struct program_config *cfg, const char *field,
                          const char *who, verr *e)
{
    switch (participation_eligible(p->status, p->trained, cfg->training.required_before_matching)) {
    case ELIGIBLE: return SVC_OK;
    case NOT_APPROVED:
        return svc_fail(e, SVC_REFUSED, field, "%s%snot approved (%s)", who, *who ? " is " : "",
                        stage_name(p->status));
    case NOT_TRAINED:
        return svc_fail(e, SVC_REFUSED, field, "%s%shas not completed training", who,
                        *who ? " " : "");
    case COMPLETED:
        return svc_fail(e, SVC_REFUSED, field, "%s%shas completed the program", who,
                        *who ? " " : "");
    }
    return SVC_REFUSED;
}

/* Whether the two people are manager and direct report, in *yes. */
static int manages(store *db, int64_t a, int64_t b, bool *yes)
{
    int64_t n = 0;
    store_val q[] = {SV_INT(a), SV_INT(b)};
    int rc = store_query_int(db,
                             "SELECT COUNT(*) FROM people a JOIN people b ON a.id = ?1 AND "
                             "b.id = ?2 WHERE a.manager_id = b.id OR b.manager_id = a.id",
                             q, 2, &n);
    *yes = n > 0;
    return rc < 0 ? rc : STORE_OK;
}

/* Whether the two participations were ever in one relationship, in *yes. */
static int matched_before(store *db, int64_t mentee, int64_t mentor, bool *yes)
{
    int64_t n = 0;
    store_val d[] = {SV_INT(mentee), SV_INT(mentor)};
    int rc = store_query_int(db,
                             "SELECT COUNT(*) FROM relationship_members a JOIN "
                             "relationship_members b ON a.relationship_id = b.relationship_id "
                             "WHERE a.participation_id = ?1 AND b.participation_id = ?2",
                             d, 2, &n);
    *yes = n > 0;
    return rc < 0 ? rc : STORE_OK;
}

/* The mail that tells every member where to start. */
static int tell_matched(store *db, const struct svc_rel *made, bool peer)
{
    struct mail_value v[] = {{"partner", peer ? "peers" : "partner"}};
    const svc_actor nobody = {0}; /* mail every member, the actor included */
    return svc_relationship_notify(db, &nobody, made, "matched", v, 1);
}

int svc_relationship_create(store *db, const svc_actor *actor, int64_t program_id,
                            const struct program_config *cfg, const struct svc_rel_new *in,
                            int64_t *id, verr *e)
{
    bool peer = in->mentor == 0, pdr = cfg->matching.power_differential_rule;
    const char *side = peer ? "peers" : "mentees";
    struct part mentor = {0};
    int64_t now = clock_now(), persons[LIMIT_RELATIONSHIP_MEMBERS];
    char f[64], why[128];
    int rc;
    *id = 0;
    if (!rel_members_check(peer, in->n, why, sizeof why))
        return svc_fail(e, SVC_REFUSED, peer && in->n == 1 ? "peers" : "mentees", "%s", why);
    if (!peer) {
        if ((rc = lock_part(db, program_id, in->mentor, "mentor", &mentor)) == SVC_NOT_FOUND)
            return svc_fail(e, SVC_REFUSED, "mentor", "%lld is not a mentor in this program",
                            (long long)in->mentor);
        if (rc != SVC_OK || (rc = check_eligible(&mentor, cfg, "mentor", "the mentor", e)))
            return rc;
        if (mentor.open + (int64_t)in->n > mentor.capacity)
            return svc_fail(e, SVC_REFUSED, "mentor", "the mentor is at capacity (%lld)",
                            (long long)mentor.capacity);
    }
    for (size_t i = 0; i < in->n; i++) {
        struct part m = {0};
        str_fmt(f, sizeof f, "%s[%zu]", side, i);
        rc = lock_part(db, program_id, in->mentees[i], peer ? "mentor" : "mentee", &m);
        if (rc == SVC_NOT_FOUND && peer)
            rc = lock_part(db, program_id, in->mentees[i], "mentee", &m);
        if (rc == SVC_NOT_FOUND)
            return svc_fail(e, SVC_REFUSED, f, "%lld is not a %s in this program",
                            (long long)in->mentees[i], peer ? "participant" : "mentee");
        if (rc != SVC_OK || (rc = check_eligible(&m, cfg, f, "", e)))
            return rc;
        if (!peer && m.open + 1 > m.wants)
            return svc_fail(e, SVC_REFUSED, f, "has all the mentors they want (%lld)",
                            (long long)m.wants);
        for (size_t k = 0; k < i; k++)
            if (persons[k] == m.person)
                return svc_fail(e, SVC_REFUSED, f, "is listed twice");
        if (!peer && m.person == mentor.person)
            return svc_fail(e, SVC_REFUSED, f, "a person is never matched with themself");
        persons[i] = m.person;
        if (peer)
            continue;
        bool yes = false;
        if (pdr && (rc = manages(db, m.person, mentor.person, &yes)) != STORE_OK)
            return rc;
        if (yes)
            return svc_fail(
                e, SVC_REFUSED, f,
                "the mentor is their manager or direct report (power-differential rule)");
        if ((rc = matched_before(db, in->mentees[i], in->mentor, &yes)) != STORE_OK)
            return rc;
        if (yes)
            return svc_fail(e, SVC_REFUSED, f, "this pair has been matched in this program before");
    }

    store_val r[] = {SV_INT(program_id),  SV_TEXT(rel_kind(peer, in->n)),
                     SV_INT(now),         SV_INT(rel_planned_end(now, cfg->duration_months)),
                     SV_TEXT(in->source), in->run_id ? SV_INT(in->run_id) : SV_NULL};
    rc = store_query_int(db,
                         "INSERT INTO relationships (program_id, kind, phase_started_at, "
                         "started_at, planned_end_at, source, run_id, created_at, updated_at) "
                         "VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?3, ?3) RETURNING id",
                         r, 6, id);
    if (rc != 1)
        return rc < 0 ? rc : STORE_ERROR;
    for (size_t i = 0; i <= in->n && rc >= 0; i++) {
        if (i == in->n && peer)
            break;
        int64_t part = i < in->n ? in->mentees[i] : in->mentor;
        store_val m[] = {SV_INT(*id), SV_INT(part),
                         SV_TEXT(peer        ? "peer"
                                 : i < in->n ? "mentee"
                                             : "mentor")};
        rc = store_exec(db,
                        "INSERT INTO relationship_members (relationship_id, participation_id, "
                        "role) VALUES (?1, ?2, ?3)",
                        m, 3, NULL);
    }
    if (rc != STORE_OK || (rc = svc_relationship_stage_all(db, *id, STAGE_MATCHED, now)) ||
        (rc = svc_followup_started(db, *id, now)) ||
        (rc = svc_reminder_relationship(db, *id, now)) || (rc = svc_facts_refresh(db, *id)))
        return rc;
    struct svc_rel made = {.id = *id, .program_id = program_id};
    if ((rc = tell_matched(db, &made, peer)) != STORE_OK)
        return rc;
    return svc_audit(db, actor, "relationship.create", "relationship", *id,
                     json_pack("{s:s}", "source", in->source));
}

/* ---- status moves ---- */

/* Stores mail of `kind` for every person a query returns (email, person
 * id, name) - at most LIMIT_RELATIONSHIP_MEMBERS of them - about the
 * program, with the values. A store status. */
static int mail_each(store *db, const char *sql, const store_val *p, int np, int64_t program,
                     const char *kind, const struct mail_value *values, size_t nv)
{
    store_rows *rows = NULL;
    char to[LIMIT_RELATIONSHIP_MEMBERS][LIMIT_EMAIL_BYTES + 1];
    char names[LIMIT_RELATIONSHIP_MEMBERS][LIMIT_NAME_BYTES + 1];
    char program_name[LIMIT_NAME_BYTES + 1] = "";
    int64_t ids[LIMIT_RELATIONSHIP_MEMBERS], now = clock_now();
    int n = 0;
    int rc = store_query(db, sql, p, np, &rows);
    while (rc == STORE_OK && n < LIMIT_RELATIONSHIP_MEMBERS && (rc = store_next(rows)) == 1) {
        str_fmt(to[n], sizeof to[n], "%s", store_col_text(rows, 0));
        ids[n] = store_col_int(rows, 1);
        str_fmt(names[n++], sizeof names[0], "%s", store_col_text(rows, 2));
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0)
        return rc;
    if (n > 0 && (rc = svc_outbox_program_name(db, program, program_name, sizeof program_name)) < 0)
        return rc;
    for (int i = 0; i < n && rc == STORE_OK; i++) {
        verr e = {0};
        struct svc_mail m = {.kind = kind,
                             .to = to[i],
                             .person_id = ids[i],
                             .program_id = program,
                             .name = names[i],
                             .program = program_name,
                             .values = values,
                             .nvalues = nv};
        rc = svc_outbox_mail(db, &m, now, &e);
        rc = rc > 0 ? STORE_ERROR : rc; /* a template refusal is a bug, logged */
    }
    return rc;
}

/* Mails the program's approved coordinators. */
static int tell_coordinators(store *db, int64_t program, const char *kind,
                             const struct mail_value *values, size_t n)
{
    store_val p[] = {SV_INT(program)};
    return mail_each(
        db,
        "SELECT pe.email, pe.id, pe.name FROM participations pa JOIN people pe ON pe.id = "
        "pa.person_id WHERE pa.program_id = ?1 AND pa.role = 'coordinator' AND pa.status = "
        "'approved'",
        p, 1, program, kind, values, n);
}

/* Ending early, without blame: the mentees (or peers) leave the funnel here
 * until matched again; a mentor may have other mentees, so their status
 * stays. */
static int end_early(store *db, const svc_actor *actor, const struct svc_rel *r, const char *reason,
                     int64_t now)
{
    store_val q[] = {SV_INT(r->id), SV_INT(now)};
    int rc = store_exec(db,
                        "INSERT INTO participation_stages (participation_id, stage, reached_at) "
                        "SELECT participation_id, 'ended_early', ?2 FROM relationship_members "
                        "WHERE relationship_id = ?1 "
                        "ON CONFLICT (participation_id, stage) DO NOTHING",
                        q, 2, NULL);
    if (rc == STORE_OK)
        rc = store_exec(db,
                        "UPDATE participations SET status = 'ended_early', updated_at = ?2 "
                        "WHERE id IN (SELECT participation_id FROM relationship_members WHERE "
                        "relationship_id = ?1 AND role IN ('mentee', 'peer'))",
                        q, 2, NULL);
    if (rc == STORE_OK) {
        /* The relationship's page is read-only now; the member's list of
         * relationships is where a new match shows. */
        char link[LIMIT_HTTP_URL_BYTES];
        svc_outbox_link(link, sizeof link, "/relationships");
        struct mail_value v[] = {{"link", link}};
        rc = svc_relationship_notify(db, actor, r, "ended_early", v, 1);
    }
    if (rc == STORE_OK) {
        char id[24], link[LIMIT_HTTP_URL_BYTES];
        str_fmt(id, sizeof id, "%lld", (long long)r->id);
        svc_outbox_link(link, sizeof link, "/relationships/%lld", (long long)r->id);
        struct mail_value v[] = {{"relationship", id}, {"reason", reason}, {"link", link}};
        rc = tell_coordinators(db, r->program_id, "ended_early_alert", v, 3);
        if (rc == STORE_OK) {
            char text[LIMIT_ALERT_TEXT_BYTES];
            str_fmt(text, sizeof text, "Relationship %s ended early.%s%s", id,
                    reason && *reason ? " Reason given: " : "", reason ? reason : "");
            rc = svc_alert(db, r->program_id, "ended_early", text, link, now);
        }
    }
    return rc;
}

/* A date as people read it: "15 March 2027" (UTC). */
static void day_text(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    if (!strftime(out, 32, "%e %B %Y", &tm))
        out[0] = '\0';
    if (out[0] == ' ')
        memmove(out, out + 1, strlen(out));
}

static bool has_agreed(const struct svc_rel *r, int64_t part)
{
    for (size_t i = 0; i < r->nagreed; i++)
        if (r->agreed[i] == part)
            return true;
    return false;
}

/* The names of the members who have not agreed to r's proposal, besides
 * `except`: "Ana" or "Ana, Ben and Cai" ("" when none). */
static void waiting_names(const struct svc_rel *r, const struct svc_rel_member *m, size_t n,
                          int64_t except, char *out, size_t len)
{
    size_t k = 0, total = 0, used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        total += m[i].participation_id != except && !has_agreed(r, m[i].participation_id);
    for (size_t i = 0; i < n; i++) {
        if (m[i].participation_id == except || has_agreed(r, m[i].participation_id))
            continue;
        k++;
        const char *sep = k == 1 ? "" : k == total ? " and " : ", ";
        used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s", sep, m[i].name);
        if (used >= len)
            break;
    }
}

/* Records what the decision does to the waiting proposal: a new one, one
 * more consent, or none left (carried out, dropped, or ended early). */
static int write_proposal(store *db, const struct svc_rel *r, const struct rel_decision *d,
                          int64_t now)
{
    store_val p[] = {SV_INT(r->id), SV_TEXT(rel_proposal_name(d->about)), SV_INT(r->my_part),
                     SV_INT(now)};
    bool consents = d->effect == REL_PROPOSE || d->effect == REL_AGREE;
    bool gone = d->effect == REL_CARRY_OUT || d->effect == REL_DROP ||
                (d->effect == REL_MOVE && strcmp(d->next, "ended_early") == 0);
    int rc = STORE_OK;
    if (d->effect == REL_PROPOSE)
        rc = store_exec(db,
                        "INSERT INTO relationship_proposals (relationship_id, action, "
                        "proposed_by, proposed_at) VALUES (?1, ?2, ?3, ?4)",
                        p, 4, NULL);
    store_val c[] = {SV_INT(r->id), SV_INT(r->my_part), SV_INT(now)};
    if (rc == STORE_OK && consents)
        rc = store_exec(db,
                        "INSERT INTO relationship_consents (relationship_id, participation_id, "
                        "given_at) VALUES (?1, ?2, ?3) "
                        "ON CONFLICT (relationship_id, participation_id) DO NOTHING",
                        c, 3, NULL);
    if (rc == STORE_OK && gone)
        rc = store_exec(db, "DELETE FROM relationship_consents WHERE relationship_id = ?1", p, 1,
                        NULL);
    if (rc == STORE_OK && gone)
        rc = store_exec(db, "DELETE FROM relationship_proposals WHERE relationship_id = ?1", p, 1,
                        NULL);
    return rc;
}

/* Every member whose last relationship this was, and whose places are all
 * taken by relationships that completed, completes the program
 * (rel_member_completes); the others keep their status and may be matched
 * again. A store status. */
static int complete_members(store *db, const struct svc_rel *r, int64_t now)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(r->id)};
    int64_t done[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n = 0;
    bool peer = strcmp(r->kind, "peer") == 0;
    int rc = store_query(
        db,
        "SELECT pa.id, COALESCE(CASE WHEN pa.role = 'mentor' THEN pa.capacity ELSE pa.wants END, "
        "1), (SELECT COUNT(*) FROM relationship_members m JOIN relationships o ON o.id = "
        "m.relationship_id WHERE m.participation_id = pa.id AND o.status IN ('active', 'paused', "
        "'closing')), (SELECT COUNT(*) FROM relationship_members m JOIN relationships o ON o.id "
        "= m.relationship_id JOIN relationship_members x ON x.relationship_id = o.id AND "
        "x.role = CASE WHEN m.role = 'mentor' THEN 'mentee' ELSE 'mentor' END "
        "WHERE m.participation_id = pa.id AND m.role IN ('mentor', 'mentee') AND o.status = "
        "'completed') FROM participations pa WHERE pa.id IN (SELECT participation_id FROM "
        "relationship_members WHERE relationship_id = ?1) ORDER BY pa.id",
        p, 1, &rows);
    while (rc == STORE_OK && n < LIMIT_RELATIONSHIP_MEMBERS && (rc = store_next(rows)) == 1) {
        if (rel_member_completes(peer, store_col_int(rows, 2), store_col_int(rows, 3),
                                 store_col_int(rows, 1)))
            done[n++] = store_col_int(rows, 0);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    for (size_t i = 0; i < n && rc >= 0; i++)
        rc = svc_participation_stage(db, done[i], STAGE_COMPLETED, now);
    return rc < 0 ? rc : STORE_OK;
}

/* The mail that follows a decision, to the other members: a template per
 * kind (domain/mail.c) - closing_ or renewal_ proposed, agreed or
 * dropped, then closed or renewed. */
static int tell_members(store *db, const svc_actor *actor, const struct svc_rel *before,
                        const struct svc_rel *after, const struct rel_decision *d,
                        enum rel_action action, const struct svc_rel_member *m, size_t n,
                        const struct program_config *cfg)
{
    char who[LIMIT_NAME_BYTES + 1] = "Your coordinator", end[32], next[32], months[16],
                                waiting[LIMIT_NAME_BYTES * LIMIT_RELATIONSHIP_MEMBERS + 64];
    for (size_t i = 0; i < n; i++)
        if (m[i].participation_id == before->my_part)
            str_fmt(who, sizeof who, "%s", m[i].name);
    day_text(before->planned_end_at, end);
    day_text(after->planned_end_at, next);
    str_fmt(months, sizeof months, "%d", cfg->duration_months);
    waiting_names(after, m, n, 0, waiting, sizeof waiting);
    bool close = d->about == REL_PROPOSAL_CLOSE;
    const char *kind = NULL;
    struct mail_value v[] = {{"who", who},
                             {"end", end},
                             {"months", months},
                             {"waiting", waiting},
                             {"how", action == REL_WITHDRAW ? "withdrew" : "declined"},
                             {"by_coordinator", before->my_part ? "" : "yes"}};
    switch (d->effect) {
    case REL_MOVE: return STORE_OK; /* pause, resume; ending early tells its own */
    case REL_PROPOSE: kind = close ? "closing_proposed" : "renewal_proposed"; break;
    case REL_AGREE: kind = close ? "closing_agreed" : "renewal_agreed"; break;
    case REL_DROP: kind = close ? "closing_dropped" : "renewal_dropped"; break;
    case REL_CARRY_OUT:
        kind = close ? "closed" : "renewed";
        v[1].value = next; /* the plan as it is now */
        break;
    }
    return svc_relationship_notify(db, actor, before, kind, v, sizeof v / sizeof v[0]);
}

int svc_relationship_change(store *db, const svc_actor *actor, struct svc_rel *r,
                            const struct program_config *cfg, const struct rel_change *in, verr *e)
{
    enum rel_action action = in->action;
    const char *reason = in->reason ? in->reason : "", *why;
    int64_t now = clock_now(), end = r->planned_end_at;
    struct svc_rel_member m[LIMIT_RELATIONSHIP_MEMBERS];
    struct rel_decision d;
    size_t n = 0;
    int rc;
    if (in->version != r->version)
        return svc_fail(e, SVC_STALE, "version",
                        "the relationship changed meanwhile (now version %lld)",
                        (long long)r->version);
    if ((rc = svc_relationship_members(db, r->id, m, &n)) != STORE_OK)
        return rc;
    struct rel_situation sit = {.status = r->status,
                                .renewals = r->renewals,
                                .renewals_allowed = cfg->renewals,
                                .proposal = r->proposal,
                                .member = r->my_part != 0,
                                .proposer = r->my_part && r->proposed_by == r->my_part,
                                .agreed = r->my_part && has_agreed(r, r->my_part)};
    for (size_t i = 0; i < n; i++)
        sit.others_waiting +=
            m[i].participation_id != r->my_part && !has_agreed(r, m[i].participation_id);
    if ((why = rel_decide(&sit, action, &d)))
        return svc_fail(e, SVC_REFUSED, "action", "%s", why);
    if (action == REL_RENEW) {
        int64_t opens = rel_renewal_opens(r->planned_end_at, cfg->renewal_window_days);
        if (now < opens) {
            char from[32], planned[32];
            day_text(opens, from);
            day_text(r->planned_end_at, planned);
            return svc_fail(e, SVC_REFUSED, "action",
                            "renewal is offered from %s, %d days before the planned end (%s)", from,
                            cfg->renewal_window_days, planned);
        }
    }
    if (in->reflection) {
        if (!r->my_part)
            return svc_fail(e, SVC_INVALID, "reflection", "only the partners write reflections");
        bool replaced;
        if ((rc = svc_reflection_write(db, actor, r, in->reflection, &replaced, e)) != SVC_OK)
            return rc;
    }
    if (action == REL_CLOSE && r->my_part) {
        int64_t has = 0;
        store_val q[] = {SV_INT(r->id), SV_INT(r->my_part)};
        if ((rc = store_query_int(db,
                                  "SELECT COUNT(*) FROM reflections WHERE relationship_id = ?1 "
                                  "AND participation_id = ?2",
                                  q, 2, &has)) < 0)
            return rc;
        if (!has)
            return svc_fail(e, SVC_INVALID, "reflection",
                            "closing asks what you learned (reflection.learned)");
    }
    bool renewed = d.effect == REL_CARRY_OUT && d.about == REL_PROPOSAL_RENEW;
    bool closed = d.effect == REL_CARRY_OUT && d.about == REL_PROPOSAL_CLOSE;
    bool ending = closed || action == REL_END_EARLY;
    if (renewed)
        end = rel_planned_end(r->planned_end_at, cfg->duration_months);
    store_val u[] = {SV_INT(r->id),
                     SV_TEXT(d.next),
                     SV_INT(now),
                     SV_INT(end),
                     SV_INT(renewed ? 1 : 0),
                     ending ? SV_INT(now) : SV_NULL,
                     SV_TEXT(ending && *reason ? reason : NULL),
                     SV_INT(r->version)};
    int64_t changed = 0;
    rc = store_exec(db,
                    "UPDATE relationships SET status = ?2, updated_at = ?3, planned_end_at = ?4, "
                    "renewals = renewals + ?5, ended_at = COALESCE(?6, ended_at), "
                    "end_reason = COALESCE(CAST(?7 AS TEXT), end_reason), version = version + 1 "
                    "WHERE id = ?1 AND version = ?8",
                    u, 8, &changed);
    if (rc != STORE_OK)
        return rc;
    if (changed != 1)
        return svc_fail(e, SVC_STALE, "version", "changed meanwhile; retry");
    if ((rc = write_proposal(db, r, &d, now)) != STORE_OK)
        return rc;
    if (closed) {
        rc = complete_members(db, r, now);
        if (rc == STORE_OK)
            rc = svc_recognition_update(db, r->id, now);
    } else if (action == REL_END_EARLY)
        rc = end_early(db, actor, r, reason, now);
    if (rc == STORE_OK && ending)
        rc = svc_followup_ended(db, r->id, now);
    if (rc == STORE_OK)
        rc = svc_reminder_relationship(db, r->id, now);
    struct svc_rel before = *r;
    if (rc == STORE_OK && (rc = svc_relationship_get(db, actor, r->id, PERM_READ, r)) > 0)
        rc = STORE_ERROR; /* it was there a moment ago */
    if (rc == STORE_OK && action != REL_END_EARLY)
        rc = tell_members(db, actor, &before, r, &d, action, m, n, cfg);
    if (rc == STORE_OK)
        rc =
            svc_audit(db, actor, "relationship.update", "relationship", r->id,
                      json_pack("{s:s, s:s}", "action", rel_action_name(action), "status", d.next));
    return rc;
}

/* ---- shared by the workspace ---- */

int svc_relationship_notify(store *db, const svc_actor *actor, const struct svc_rel *r,
                            const char *kind, const struct mail_value *values, size_t n)
{
    struct mail_value v[LIMIT_MAIL_VALUES];
    char link[LIMIT_HTTP_URL_BYTES];
    svc_outbox_link(link, sizeof link, "/relationships/%lld", (long long)r->id);
    size_t nv = 0;
    v[nv++] = (struct mail_value){"link", link}; /* the caller's own link comes later and wins */
    for (size_t i = 0; i < n && nv < LIMIT_MAIL_VALUES; i++)
        v[nv++] = values[i];
    store_val p[] = {SV_INT(r->id), SV_INT(actor->person_id)};
    return mail_each(db,
                     "SELECT pe.email, pe.id, pe.name FROM relationship_members m "
                     "JOIN participations pa ON pa.id = m.participation_id JOIN people pe ON "
                     "pe.id = pa.person_id WHERE m.relationship_id = ?1 AND pe.id <> ?2",
                     p, 2, r->program_id, kind, v, nv);
}

int svc_relationship_stage_all(store *db, int64_t id, enum stage s, int64_t now)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id)};
    int64_t ids[LIMIT_RELATIONSHIP_MEMBERS];
    int statuses[LIMIT_RELATIONSHIP_MEMBERS];
    int n = 0;
    int rc = store_query(db,
                         "SELECT m.participation_id, pa.status FROM relationship_members m JOIN "
                         "participations pa ON pa.id = m.participation_id WHERE "
                         "m.relationship_id = ?1",
                         p, 1, &rows);
    while (rc == STORE_OK && n < LIMIT_RELATIONSHIP_MEMBERS && (rc = store_next(rows)) == 1) {
        ids[n] = store_col_int(rows, 0);
        statuses[n++] = stage_parse(store_col_text(rows, 1));
        rc = STORE_OK;
    }
    store_rows_free(rows);
    for (int i = 0; i < n && rc == STORE_OK; i++) {
        /* Only forward: a later stage already reached is kept as the
         * status - except that someone matched again after a relationship
         * ended early is matched now, no longer counted as having left. */
        int cur = statuses[i];
        bool again = s == STAGE_MATCHED && cur == STAGE_ENDED_EARLY;
        if (cur >= 0 && !again && (cur >= (int)s || stage_is_exit((enum stage)cur)))
            rc = svc_participation_reached(db, ids[i], s, now);
        else
            rc = svc_participation_stage(db, ids[i], s, now);
    }
    return rc < 0 ? rc : STORE_OK;
}
