#include "service/participation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "domain/enrolment.h"
#include "domain/profile.h"
#include "service/audit.h"
#include "service/followup.h"
#include "service/program.h"

/* ---- the record ---- */

#define PART_COLS                                                                                  \
    "pa.id, pa.program_id, pa.person_id, pa.role, pa.status, pa.profile, pa.application, "         \
    "pa.capacity, pa.wants, pa.created_at, pa.updated_at"

static void read_row(store_rows *r, struct svc_participation *p)
{
    p->id = store_col_int(r, 0);
    p->program_id = store_col_int(r, 1);
    p->person_id = store_col_int(r, 2);
    str_fmt(p->role, sizeof p->role, "%s", store_col_text(r, 3));
    int s = stage_parse(store_col_text(r, 4));
    p->status = s < 0 ? STAGE_INVITED : (enum stage)s;
    const char *profile = store_col_text(r, 5), *application = store_col_text(r, 6);
    p->profile = profile ? json_loads(profile, 0, NULL) : NULL;
    p->application = application ? json_loads(application, 0, NULL) : NULL;
    if (!json_is_object(p->profile)) {
        json_decref(p->profile);
        p->profile = json_object();
    }
    if (!json_is_object(p->application)) {
        json_decref(p->application);
        p->application = json_object();
    }
    p->capacity = store_col_int(r, 7);
    p->wants = store_col_int(r, 8);
    p->created_at = store_col_int(r, 9);
    p->updated_at = store_col_int(r, 10);
}

void svc_participation_cleanup(struct svc_participation *p)
{
    if (!p)
        return;
    json_decref(p->profile);
    json_decref(p->application);
    p->profile = p->application = NULL;
}

int svc_participation_load(store *db, int64_t program_id, int64_t id, struct svc_participation *out)
{
    memset(out, 0, sizeof *out);
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id), SV_INT(program_id)};
    int rc = store_query(
        db, "SELECT " PART_COLS " FROM participations pa WHERE pa.id = ?1 AND pa.program_id = ?2",
        p, 2, &rows);
    if (rc == STORE_OK) {
        rc = store_next(rows);
        if (rc == 1) {
            read_row(rows, out);
            rc = SVC_OK;
        } else if (rc == 0) {
            rc = SVC_NOT_FOUND;
        }
    }
    store_rows_free(rows);
    return rc;
}

/* Whether the actor is matched with participation `id` (a partner in one
 * of its relationships, any status). A store status. */
static int partner_of(store *db, const svc_actor *actor, int64_t id, bool *partner)
{
    int64_t n = 0;
    store_val q[] = {SV_INT(id), SV_INT(actor->person_id)};
    int rc =
        store_query_int(db,
                        "SELECT COUNT(*) FROM relationship_members a JOIN relationship_members "
                        "b ON a.relationship_id = b.relationship_id JOIN participations o ON "
                        "o.id = b.participation_id WHERE a.participation_id = ?1 AND "
                        "o.person_id = ?2",
                        q, 2, &n);
    *partner = rc == 1 && n > 0;
    return rc < 0 ? rc : STORE_OK;
}

int svc_participation_get(store *db, const svc_actor *actor, int64_t program_id, int64_t id,
                          struct svc_participation *out, struct svc_participation_view *view)
{
    memset(view, 0, sizeof *view);
    int rc = svc_participation_load(db, program_id, id, out);
    if (rc != SVC_OK)
        return rc;
    perm_roles roles;
    bool partner = false;
    view->self = out->person_id == actor->person_id;
    if ((rc = svc_program_roles(db, actor, program_id, &roles)) != STORE_OK)
        goto fail;
    /* A draft is its coordinators' alone, one's own place in it too. */
    char status[16];
    if ((rc = svc_program_status(db, program_id, status, sizeof status)) != STORE_OK)
        goto fail;
    if (strcmp(status, "draft") == 0 && !perm_allows(roles, PERM_PROGRAM, PERM_READ)) {
        rc = SVC_NOT_FOUND;
        goto fail;
    }
    view->coordinator = perm_coordinates(roles);
    view->full = view->self || perm_allows(roles, PERM_OTHER_PROFILE, PERM_READ);
    if (!view->full && (rc = partner_of(db, actor, id, &partner)) != STORE_OK)
        goto fail;
    perm_roles own = 0;
    if (view->self) {
        own = perm_role_from_name(out->role);
        own = own ? own : PERM_MENTEE;
    }
    view->access = perm_participation_access(roles, own, partner);
    if (view->access == PERM_NONE) {
        rc = SVC_NOT_FOUND;
        goto fail;
    }
    return SVC_OK;
fail:
    svc_participation_cleanup(out);
    return rc;
}

static char *col_dup(store_rows *r, int col)
{
    return store_col_null(r, col) ? NULL : xstrdup(store_col_text(r, col));
}

int svc_participation_detail(store *db, const struct svc_participation *p,
                             struct svc_participation_detail *out)
{
    memset(out, 0, sizeof *out);
    store_rows *rows = NULL;
    store_val q[] = {SV_INT(p->person_id)};
    int rc = store_query(db,
                         "SELECT id, name, email, department, job_title, job_level, location, "
                         "time_zone FROM people WHERE id = ?1",
                         q, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        struct svc_participant_person *pe = &out->person;
        out->has_person = true;
        pe->id = store_col_int(rows, 0);
        pe->name = col_dup(rows, 1);
        pe->email = col_dup(rows, 2);
        pe->department = col_dup(rows, 3);
        pe->job_title = col_dup(rows, 4);
        pe->has_job_level = !store_col_null(rows, 5);
        pe->job_level = store_col_int(rows, 5);
        pe->location = col_dup(rows, 6);
        pe->time_zone = col_dup(rows, 7);
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        goto done;
    store_val i[] = {SV_INT(p->id)};
    rc = store_query(
        db, "SELECT stage, reached_at FROM participation_stages WHERE participation_id = ?1", i, 1,
        &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        int s = stage_parse(store_col_text(rows, 0));
        if (s >= 0)
            out->reached_at[s] = store_col_int(rows, 1);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        goto done;
    rc = store_query(db,
                     "SELECT module_id FROM training_completions WHERE participation_id = ?1 "
                     "ORDER BY module_id",
                     i, 1, &rows);
    size_t cap = 0;
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (out->nmodules == cap) {
            cap = cap ? cap * 2 : 8;
            out->modules = xrealloc(out->modules, cap * sizeof *out->modules);
        }
        str_fmt(out->modules[out->nmodules++], sizeof out->modules[0], "%s",
                store_col_text(rows, 0));
        rc = STORE_OK;
    }
done:
    store_rows_free(rows);
    if (rc < 0) {
        svc_participation_detail_cleanup(out);
        return rc;
    }
    return SVC_OK;
}

void svc_participation_detail_cleanup(struct svc_participation_detail *d)
{
    if (!d)
        return;
    struct svc_participant_person *pe = &d->person;
    free(pe->name);
    free(pe->email);
    free(pe->department);
    free(pe->job_title);
    free(pe->location);
    free(pe->time_zone);
    free(d->modules);
    memset(d, 0, sizeof *d);
}

/* ---- the list ---- */

/* Statuses in funnel order, exits last. */
#define STAGE_ORDER                                                                                \
    "CASE status WHEN 'invited' THEN 0 WHEN 'applied' THEN 1 WHEN 'approved' THEN 2 "              \
    "WHEN 'trained' THEN 3 WHEN 'matched' THEN 4 WHEN 'agreement_signed' THEN 5 "                  \
    "WHEN 'goals_set' THEN 6 WHEN 'active' THEN 7 WHEN 'completed' THEN 8 WHEN 'declined' THEN 9 " \
    "WHEN 'withdrawn' THEN 10 ELSE 11 END"

static const struct {
    const char *name, *order;
} sorts[] = {{"name", "sort_name ASC, id ASC"},
             {"-name", "sort_name DESC, id DESC"},
             {"status", STAGE_ORDER " ASC, sort_name ASC, id ASC"},
             {"-status", STAGE_ORDER " DESC, sort_name DESC, id DESC"},
             {"created_at", "created_at ASC, id ASC"},
             {"-created_at", "created_at DESC, id DESC"}};

int svc_participation_sort_parse(const char *s)
{
    for (size_t i = 0; s && i < sizeof sorts / sizeof sorts[0]; i++)
        if (strcmp(s, sorts[i].name) == 0)
            return (int)i;
    return -1;
}

int svc_participation_list(store *db, int64_t program_id, const struct svc_participant_filter *f,
                           struct svc_participant_page *out)
{
    memset(out, 0, sizeof *out);
    int sort = f->sort >= 0 && (size_t)f->sort < sizeof sorts / sizeof sorts[0] ? f->sort : 0;
    char pattern[LIMIT_NAME_BYTES + 3];
    str_fmt(pattern, sizeof pattern, "%%%s%%", f->q ? f->q : "");
    str_ascii_lower(pattern);
    /* Only the filters given go into the statement, so each shape of query
     * gets a plan that uses the (program, status, name) or (program, name)
     * index; a catch-all "?N IS NULL OR ..." defeats them on PostgreSQL. */
    store_val p[6] = {SV_INT(program_id)};
    int n = 1;
    char where[512] = "program_id = ?1";
    size_t wl = strlen(where);
    if (f->role) {
        p[n++] = SV_TEXT(f->role);
        wl += (size_t)snprintf(where + wl, sizeof where - wl, " AND role = ?%d", n);
    }
    if (f->status) {
        p[n++] = SV_TEXT(f->status);
        wl += (size_t)snprintf(where + wl, sizeof where - wl, " AND status = ?%d", n);
    }
    if (f->q) {
        p[n++] = SV_TEXT(pattern);
        snprintf(where + wl, sizeof where - wl,
                 " AND (lower(sort_name) LIKE ?%d OR email LIKE ?%d)", n, n);
    }
    char sql[1024];
    str_fmt(sql, sizeof sql, "SELECT COUNT(*) FROM participations WHERE %s", where);
    int rc = store_query_int(db, sql, p, n, &out->total);
    if (rc < 0)
        return rc;
    p[n] = SV_INT(f->limit);
    p[n + 1] = SV_INT(f->offset);
    str_fmt(sql, sizeof sql,
            "SELECT id, person_id, sort_name, email, role, status, capacity, wants, created_at "
            "FROM participations WHERE %s ORDER BY %s LIMIT ?%d OFFSET ?%d",
            where, sorts[sort].order, n + 1, n + 2);
    store_rows *rows = NULL;
    if ((rc = store_query(db, sql, p, n + 2, &rows)) != STORE_OK)
        return rc;
    size_t cap = 0;
    while ((rc = store_next(rows)) == 1) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            out->items = xrealloc(out->items, cap * sizeof *out->items);
        }
        struct svc_participant_row *it = &out->items[out->n++];
        it->id = store_col_int(rows, 0);
        it->person_id = store_col_int(rows, 1);
        str_fmt(it->name, sizeof it->name, "%s", store_col_text(rows, 2));
        str_fmt(it->email, sizeof it->email, "%s", store_col_text(rows, 3));
        str_fmt(it->role, sizeof it->role, "%s", store_col_text(rows, 4));
        str_fmt(it->status, sizeof it->status, "%s", store_col_text(rows, 5));
        it->capacity = store_col_int(rows, 6);
        it->wants = store_col_int(rows, 7);
        it->created_at = store_col_int(rows, 8);
    }
    store_rows_free(rows);
    if (rc < 0) {
        svc_participant_page_cleanup(out);
        return rc;
    }
    return SVC_OK;
}

void svc_participant_page_cleanup(struct svc_participant_page *page)
{
    if (!page)
        return;
    free(page->items);
    memset(page, 0, sizeof *page);
}

/* ---- changes ---- */

int svc_participation_check_numbers(const struct program_config *cfg,
                                    const struct enrolment_numbers *n, verr *e)
{
    int rc = 0;
    int wants_max = program_wants_max(cfg);
    if (n->has_capacity && (n->capacity < 1 || n->capacity > LIMIT_CAPACITY_MAX))
        rc = v_fail(e, "", "capacity", "must be between 1 and %d", LIMIT_CAPACITY_MAX);
    if (n->has_wants && (n->wants < 1 || n->wants > wants_max))
        rc = v_fail(e, "", "wants", "must be between 1 and %d", wants_max);
    return rc;
}

int svc_participation_update(store *db, const svc_actor *actor, const struct program_config *cfg,
                             const struct svc_participation *p, const struct enrolment_change *in,
                             int64_t now, verr *e)
{
    json_t *answers = NULL;
    svc_participation_check_numbers(cfg, &in->numbers, e);
    if (in->profile)
        profile_check_program(in->profile, cfg, "profile", e);
    if (in->answers)
        enrolment_check_answers(in->answers, cfg->selection.questions, p->role, "", &answers, e);
    if (v_failed(e)) {
        json_decref(answers);
        return SVC_INVALID;
    }
    int64_t capacity = in->numbers.has_capacity ? in->numbers.capacity : p->capacity;
    int64_t wants = in->numbers.has_wants ? in->numbers.wants : p->wants;
    char *ptext = in->profile ? json_dumps(in->profile, JSON_COMPACT) : NULL;
    char *atext = answers ? json_dumps(answers, JSON_COMPACT) : NULL;
    store_val u[] = {SV_INT(p->id),
                     SV_TEXT(ptext),
                     SV_TEXT(atext),
                     strcmp(p->role, "mentor") == 0 && capacity ? SV_INT(capacity) : SV_NULL,
                     strcmp(p->role, "mentee") == 0 && wants ? SV_INT(wants) : SV_NULL,
                     SV_INT(now)};
    int rc = store_exec(
        db,
        "UPDATE participations SET profile = COALESCE(CAST(?2 AS TEXT), profile), "
        "application = COALESCE(CAST(?3 AS TEXT), application), capacity = ?4, wants = ?5, "
        "updated_at = ?6 WHERE id = ?1",
        u, 6, NULL);
    free(ptext);
    free(atext);
    json_decref(answers);
    if (rc == STORE_OK)
        rc = svc_participation_zone_to_person(db, p->person_id, in->profile, now);
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "participant.update", "participation", p->id, NULL);
    return rc;
}

int svc_participation_zone_to_person(store *db, int64_t person_id, const json_t *profile,
                                     int64_t now)
{
    const json_t *zone = profile ? json_object_get(profile, "time_zone") : NULL;
    if (!json_is_string(zone))
        return STORE_OK;
    store_val z[] = {SV_INT(person_id), SV_TEXT(json_string_value(zone)), SV_INT(now)};
    return store_exec(db, "UPDATE people SET time_zone = ?2, updated_at = ?3 WHERE id = ?1", z, 3,
                      NULL);
}

int svc_participation_withdraw(store *db, const svc_actor *actor, const struct svc_participation *p,
                               const char *field, int64_t now, verr *e)
{
    const char *why = participation_withdraw(p->status);
    if (why)
        return svc_fail(e, SVC_REFUSED, field, "this participation %s", why);
    int rc = svc_participation_stage(db, p->id, STAGE_WITHDRAWN, now);
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "participant.withdraw", "participation", p->id, NULL);
    return rc;
}

/* ---- the funnel ---- */

int svc_participation_stage(store *db, int64_t participation_id, enum stage s, int64_t now)
{
    store_val p[] = {SV_INT(participation_id), SV_TEXT(stage_name(s)), SV_INT(now),
                     SV_INT(stage_is_exit(s) ? -1 : (int)s)};
    int rc =
        store_exec(db,
                   "UPDATE participations SET status = ?2, updated_at = ?3, "
                   "furthest = CASE WHEN ?4 > furthest THEN ?4 ELSE furthest END WHERE id = ?1",
                   p, 4, NULL);
    if (rc != STORE_OK ||
        (rc = svc_participation_reached(db, participation_id, s, now)) != STORE_OK)
        return rc;
    return s == STAGE_TRAINED ? svc_followup_trained(db, participation_id, now) : STORE_OK;
}

int svc_participation_reached(store *db, int64_t participation_id, enum stage s, int64_t now)
{
    store_val p[] = {SV_INT(participation_id), SV_TEXT(stage_name(s)), SV_INT(now)};
    return store_exec(db,
                      "INSERT INTO participation_stages (participation_id, stage, reached_at) "
                      "VALUES (?1, ?2, ?3) ON CONFLICT (participation_id, stage) DO NOTHING",
                      p, 3, NULL);
}

int svc_participation_trained_if_free(store *db, const struct program_config *cfg,
                                      int64_t participation_id, const char *role, int64_t now)
{
    if (program_role_has_training(cfg, role))
        return STORE_OK; /* there is training to complete first */
    return svc_participation_stage(db, participation_id, STAGE_TRAINED, now);
}

int svc_participation_of(store *db, const svc_actor *actor, int64_t program_id, const char *role,
                         int64_t *id)
{
    *id = 0;
    store_val p[] = {SV_INT(program_id), SV_INT(actor->person_id), SV_TEXT(role)};
    int rc = store_query_int(db,
                             "SELECT id FROM participations WHERE program_id = ?1 AND "
                             "person_id = ?2 AND role = ?3",
                             p, 3, id);
    return rc < 0 ? rc : STORE_OK;
}

void svc_participation_matchable_sql(char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
    for (int s = 0; s < STAGE_COUNT; s++) {
        if (participation_eligible((enum stage)s, true, false) != ELIGIBLE)
            continue;
        int n = snprintf(out + used, outlen - used, "%s'%s'", used ? ", " : "",
                         stage_name((enum stage)s));
        if (n < 0 || (size_t)n >= outlen - used)
            break;
        used += (size_t)n;
    }
}

void svc_participation_stage_bits_sql(const char *col, char *out, size_t outlen)
{
    size_t used = 0;
    int n = snprintf(out, outlen, "CASE %s", col);
    used = n > 0 ? (size_t)n : 0;
    for (int s = 0; s < STAGE_FIRST_EXIT && used < outlen; s++) {
        n = snprintf(out + used, outlen - used, " WHEN '%s' THEN %u", stage_name((enum stage)s),
                     (unsigned)STAGE_BIT(s));
        if (n < 0 || (size_t)n >= outlen - used)
            return;
        used += (size_t)n;
    }
    if (used < outlen)
        snprintf(out + used, outlen - used, " ELSE 0 END");
}
