#include "service/program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "service/audit.h"
#include "service/reminder.h"

int svc_program_config(store *db, int64_t id, struct program_config *cfg, char *name,
                       size_t namelen)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id)};
    memset(cfg, 0, sizeof *cfg);
    int rc = store_query(db, "SELECT config, name FROM programs WHERE id = ?1", p, 1, &rows);
    if (rc != STORE_OK)
        goto done;
    if ((rc = store_next(rows)) != 1) {
        rc = rc == 0 ? SVC_NOT_FOUND : rc;
        goto done;
    }
    if (name)
        str_fmt(name, namelen, "%s", store_col_text(rows, 1));
    json_t *doc = json_loads(store_col_text(rows, 0), 0, NULL);
    rc = program_config_read(doc, cfg) == 0 ? SVC_OK : STORE_ERROR; /* a corrupt document */
done:
    store_rows_free(rows);
    return rc;
}

int svc_program_roles(store *db, const svc_actor *actor, int64_t program_id, perm_roles *roles)
{
    perm_roles r = perm_site_roles(actor->site_role);
    char status[16] = "";
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(program_id), SV_INT(actor->person_id)};
    int rc = store_query(db,
                         "SELECT pr.status, pa.role FROM programs pr LEFT JOIN participations pa "
                         "ON pa.program_id = pr.id AND pa.person_id = ?2 "
                         "AND pa.status NOT IN ('declined', 'withdrawn') WHERE pr.id = ?1",
                         p, 2, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        str_fmt(status, sizeof status, "%s", store_col_text(rows, 0));
        r |= perm_role_from_name(store_col_text(rows, 1));
        rc = STORE_OK;
    }
    store_rows_free(rows);
    *roles = perm_program_roles(r, status);
    return rc < 0 ? rc : STORE_OK;
}

int svc_program_status(store *db, int64_t program_id, char *out, size_t outlen)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(program_id)};
    int rc = store_query(db, "SELECT status FROM programs WHERE id = ?1", p, 1, &rows);
    *out = 0;
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        str_fmt(out, outlen, "%s", store_col_text(rows, 0));
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

void svc_program_cleanup(struct svc_program *p)
{
    if (!p)
        return;
    free(p->description);
    program_config_cleanup(&p->cfg);
    p->description = NULL;
}

/* The columns every program read takes, and config as the 8th. */
#define PROGRAM_COLS "id, name, description, status, created_at, updated_at, version"

static void read_program(store_rows *r, struct svc_program *p)
{
    p->id = store_col_int(r, 0);
    str_fmt(p->name, sizeof p->name, "%s", store_col_text(r, 1));
    p->description = xstrdup(store_col_text(r, 2) ? store_col_text(r, 2) : "");
    str_fmt(p->status, sizeof p->status, "%s", store_col_text(r, 3));
    p->created_at = store_col_int(r, 4);
    p->updated_at = store_col_int(r, 5);
    p->version = store_col_int(r, 6);
}

int svc_program_get(store *db, const svc_actor *actor, int64_t id, struct svc_program *out)
{
    memset(out, 0, sizeof *out);
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id)};
    int rc = svc_program_roles(db, actor, id, &out->roles);
    if (rc != STORE_OK)
        return rc;
    rc =
        store_query(db, "SELECT " PROGRAM_COLS ", config FROM programs WHERE id = ?1", p, 1, &rows);
    if (rc != STORE_OK)
        goto done;
    if ((rc = store_next(rows)) != 1) {
        rc = rc == 0 ? SVC_NOT_FOUND : rc;
        goto done;
    }
    read_program(rows, out);
    if (program_config_read(json_loads(store_col_text(rows, 7), 0, NULL), &out->cfg)) {
        rc = STORE_ERROR; /* a corrupt document */
        goto done;
    }
    /* A program that takes applications shows itself to anyone signed in,
     * so they can read it and apply; invite-only ones stay hidden. */
    bool visible = perm_allows(out->roles, PERM_PROGRAM, PERM_READ) ||
                   (actor->person_id && out->cfg.selection.access != PROGRAM_INVITE_ONLY &&
                    strcmp(out->status, "draft") != 0);
    out->has_enrolment = true;
    out->enrolment = program_enrolment_at(&out->cfg, clock_now());
    rc = visible ? SVC_OK : SVC_NOT_FOUND;
done:
    store_rows_free(rows);
    if (rc != SVC_OK)
        svc_program_cleanup(out);
    return rc;
}

void svc_program_page_cleanup(struct svc_program_page *page)
{
    if (!page)
        return;
    for (size_t i = 0; i < page->n; i++)
        svc_program_cleanup(&page->items[i]);
    free(page->items);
    memset(page, 0, sizeof *page);
}

/* The joinable programs: enrolling, taking applications (not invite
 * only), enrolment not closed, the person not in them yet. Their
 * configuration decides, so they are filtered here and the page cut
 * after; there are few programs enrolling at a time. */
static int list_joinable(store *db, const svc_actor *actor, int64_t limit, int64_t offset,
                         struct svc_program_page *out)
{
    store_val p[] = {SV_INT(actor->person_id)};
    store_rows *rows = NULL;
    int64_t now = clock_now();
    int rc = store_query(db,
                         "SELECT " PROGRAM_COLS ", config FROM programs WHERE status = 'enrolling' "
                         "AND id NOT IN (SELECT program_id FROM participations WHERE person_id = "
                         "?1) ORDER BY created_at DESC, id DESC",
                         p, 1, &rows);
    size_t cap = 0;
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        struct program_config cfg;
        if (program_config_read(json_loads(store_col_text(rows, 7), 0, NULL), &cfg)) {
            rc = STORE_ERROR; /* a corrupt document */
            break;
        }
        enum program_enrolment when = program_enrolment_at(&cfg, now);
        bool takes =
            cfg.selection.access != PROGRAM_INVITE_ONLY && when != PROGRAM_ENROLMENT_CLOSED;
        char opens[11];
        str_fmt(opens, sizeof opens, "%s",
                cfg.dates.enrolment_opens ? cfg.dates.enrolment_opens : "");
        program_config_cleanup(&cfg);
        if (!takes)
            continue;
        if (out->total++ < offset || (int64_t)out->n >= limit)
            continue;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = xrealloc(out->items, cap * sizeof *out->items);
        }
        struct svc_program *it = &out->items[out->n++];
        memset(it, 0, sizeof *it);
        read_program(rows, it);
        it->has_enrolment = true;
        it->enrolment = when;
        str_fmt(it->enrolment_opens, sizeof it->enrolment_opens, "%s", opens);
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_program_list(store *db, const svc_actor *actor, bool joinable, int64_t limit,
                     int64_t offset, struct svc_program_page *out)
{
    memset(out, 0, sizeof *out);
    bool all = actor->site_role == SITE_ADMIN;
    const char *where = all ? ""
                            : " WHERE id IN (SELECT program_id FROM participations "
                              "WHERE person_id = ?1 AND status NOT IN ('declined', 'withdrawn') "
                              "AND (programs.status <> 'draft' OR role = 'coordinator'))";
    char sql[640];
    store_val p[] = {SV_INT(actor->person_id), SV_INT(limit), SV_INT(offset)};
    store_rows *rows = NULL;
    int rc;
    if (joinable) {
        rc = list_joinable(db, actor, limit, offset, out);
        goto roles;
    }
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM programs%s", where);
    rc = store_query_int(db, sql, p, all ? 0 : 1, &out->total);
    if (rc < 0)
        return rc;
    snprintf(sql, sizeof sql,
             "SELECT " PROGRAM_COLS " FROM programs%s "
             "ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3",
             all ? " WHERE ?1 = ?1" : where);
    if ((rc = store_query(db, sql, p, 3, &rows)) != STORE_OK)
        goto done;
    size_t cap = 0;
    while ((rc = store_next(rows)) == 1) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = xrealloc(out->items, cap * sizeof *out->items);
        }
        struct svc_program *it = &out->items[out->n++];
        memset(it, 0, sizeof *it);
        read_program(rows, it);
    }
    store_rows_free(rows);
    rows = NULL;
roles:
    for (size_t i = 0; rc == 0 && i < out->n; i++)
        rc = svc_program_roles(db, actor, out->items[i].id, &out->items[i].roles);
done:
    store_rows_free(rows);
    if (rc < 0)
        svc_program_page_cleanup(out);
    return rc < 0 ? rc : SVC_OK;
}

int svc_program_create(store *db, const svc_actor *actor, const struct svc_program_input *in,
                       int64_t *id)
{
    char *cfgtext = json_dumps(in->cfg->doc, JSON_COMPACT);
    int64_t now = clock_now();
    store_val p[] = {SV_TEXT(in->name), SV_TEXT(in->description), SV_TEXT(in->status),
                     SV_TEXT(cfgtext),  SV_INT(actor->person_id), SV_INT(now)};
    store_rows *rows = NULL;
    *id = 0;
    int rc = store_query(db,
                         "INSERT INTO programs (name, description, status, config, created_by, "
                         "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id",
                         p, 6, &rows);
    if (rc != STORE_OK)
        goto done;
    if ((rc = store_next(rows)) != 1) {
        rc = rc == 0 ? STORE_ERROR : rc;
        goto done;
    }
    *id = store_col_int(rows, 0);
    store_rows_free(rows);
    rows = NULL;
    /* Whoever creates a program coordinates it. */
    store_val q[] = {SV_INT(*id), SV_INT(actor->person_id), SV_INT(now)};
    rc = store_exec(db,
                    "INSERT INTO participations (program_id, person_id, role, status, created_at, "
                    "updated_at, sort_name, email) SELECT ?1, ?2, 'coordinator', 'approved', ?3, "
                    "?3, name, email FROM people WHERE id = ?2",
                    q, 3, NULL);
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "program.create", "program", *id, NULL);
done:
    store_rows_free(rows);
    free(cfgtext);
    return rc;
}

int svc_program_update(store *db, const svc_actor *actor, int64_t id,
                       const struct svc_program_input *in, verr *e)
{
    /* The configuration as it was, to see whether the reminders' rules
     * changed. */
    json_t *was = NULL;
    store_rows *rows = NULL;
    store_val q0[] = {SV_INT(id)};
    int qrc = store_query(db, "SELECT config FROM programs WHERE id = ?1", q0, 1, &rows);
    if (qrc == STORE_OK && (qrc = store_next(rows)) == 1)
        was = json_loads(store_col_text(rows, 0), 0, NULL);
    store_rows_free(rows);
    if (qrc < 0)
        return qrc;
    char *cfgtext = json_dumps(in->cfg->doc, JSON_COMPACT);
    store_val p[] = {SV_TEXT(in->name),  SV_TEXT(in->description), SV_TEXT(in->status),
                     SV_TEXT(cfgtext),   SV_INT(clock_now()),      SV_INT(id),
                     SV_INT(in->version)};
    int64_t changed = 0;
    int rc = store_exec(db,
                        "UPDATE programs SET name = ?1, description = ?2, status = ?3, config = "
                        "?4, updated_at = ?5, version = version + 1 WHERE id = ?6 AND version = ?7",
                        p, 7, &changed);
    free(cfgtext);
    if (rc != STORE_OK || changed != 1)
        json_decref(was);
    if (rc != STORE_OK)
        return rc;
    if (changed != 1) {
        int64_t now_version = 0;
        store_val q[] = {SV_INT(id)};
        if ((rc = store_query_int(db, "SELECT version FROM programs WHERE id = ?1", q, 1,
                                  &now_version)) < 0)
            return rc;
        return svc_fail(e, SVC_STALE, "version",
                        "the program was changed meanwhile (now version %lld); reload and retry",
                        (long long)now_version);
    }
    /* The rules of its reminders, or what they count from, changed: the
     * reminders job arms them again (service/reminder.h). */
    const json_t *now_doc = in->cfg->doc;
    static const char *const sections[] = {"reminders", "meetings", "phases", "matching"};
    bool rearm = false;
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        rearm = rearm || !json_equal(json_object_get(now_doc, sections[i]),
                                     json_object_get(was, sections[i]));
    json_decref(was);
    if (rearm && (rc = svc_reminder_program(db, id, clock_now(), NULL)) != STORE_OK)
        return rc;
    return svc_audit(db, actor, "program.update", "program", id, NULL);
}
