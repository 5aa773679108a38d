#include "service/resource.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/permissions.h"
#include "service/audit.h"
#include "service/program.h"

void svc_resource_cleanup(struct svc_resource *r)
{
    if (!r)
        return;
    free(r->title);
    free(r->body_md);
    free(r->url);
    json_decref(r->phases);
    json_decref(r->topics);
    json_decref(r->roles);
    memset(r, 0, sizeof *r);
}

void svc_resources_free(struct svc_resource *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++)
        svc_resource_cleanup(&r[i]);
    free(r);
}

void svc_resource_list_cleanup(struct svc_resource_list *l)
{
    if (!l)
        return;
    svc_resources_free(l->items, l->n);
    memset(l, 0, sizeof *l);
}

/* The columns every read takes; ?1 is the program whose view it is (0:
 * none), ?2 the actor's person. Counts are of the program's participants
 * when there is a program. */
#define RESOURCE_COLS                                                                              \
    "r.id, COALESCE(r.program_id, 0), r.title, r.body_md, r.url, r.phases, r.topics, r.roles, "    \
    "r.position, COALESCE(r.retired_at, 0), CASE WHEN r.starter IS NULL THEN 0 ELSE 1 END, "       \
    "r.created_at, r.updated_at, r.version, "                                                      \
    "CASE WHEN r.program_id IS NULL AND EXISTS (SELECT 1 FROM program_hidden_resources h WHERE "   \
    "h.program_id = ?1 AND h.resource_id = r.id) THEN 1 ELSE 0 END, "                              \
    "COALESCE((SELECT o.last_opened_at FROM resource_opens o WHERE o.resource_id = r.id AND "      \
    "o.person_id = ?2), 0), "                                                                      \
    "(SELECT COALESCE(SUM(o.opens), 0) FROM resource_opens o WHERE o.resource_id = r.id AND "      \
    "(?1 = 0 OR o.person_id IN (SELECT pa.person_id FROM participations pa WHERE pa.program_id "   \
    "= ?1))), "                                                                                    \
    "(SELECT COUNT(*) FROM resource_opens o WHERE o.resource_id = r.id AND (?1 = 0 OR "            \
    "o.person_id IN (SELECT pa.person_id FROM participations pa WHERE pa.program_id = ?1)))"

static json_t *list_of(const char *text)
{
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_array(j)) {
        json_decref(j);
        j = json_array();
    }
    return j;
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void read_row(store_rows *rows, struct svc_resource *out)
{
    memset(out, 0, sizeof *out);
    out->id = store_col_int(rows, 0);
    out->program_id = store_col_int(rows, 1);
    out->title = xstrdup(store_col_text(rows, 2) ? store_col_text(rows, 2) : "");
    out->body_md = dup_or_null(store_col_text(rows, 3));
    out->url = dup_or_null(store_col_text(rows, 4));
    out->phases = list_of(store_col_text(rows, 5));
    out->topics = list_of(store_col_text(rows, 6));
    out->roles = list_of(store_col_text(rows, 7));
    out->position = store_col_int(rows, 8);
    out->retired_at = store_col_int(rows, 9);
    out->starter = store_col_int(rows, 10) != 0;
    out->created_at = store_col_int(rows, 11);
    out->updated_at = store_col_int(rows, 12);
    out->version = store_col_int(rows, 13);
    out->hidden = store_col_int(rows, 14) != 0;
    out->opened_at = store_col_int(rows, 15);
    out->opens = store_col_int(rows, 16);
    out->people = store_col_int(rows, 17);
}

/* Appends every row of the query to *items. A store status. */
static int read_all(store *db, const char *sql, const store_val *p, int np,
                    struct svc_resource **items, size_t *n)
{
    store_rows *rows = NULL;
    size_t cap = *n + 16;
    *items = xrealloc(*items, cap * sizeof **items);
    int rc = store_query(db, sql, p, np, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (*n == cap)
            *items = xrealloc(*items, (cap *= 2) * sizeof **items);
        read_row(rows, &(*items)[(*n)++]);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

static bool has_tag(const json_t *list, const char *tag)
{
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t)
    {
        if (strcasecmp(json_string_value(t), tag) == 0)
            return true;
    }
    return false;
}

static bool matches(const struct svc_resource *r, const struct svc_resource_filter *f)
{
    if (!f)
        return true;
    if (f->phase && *f->phase && !has_tag(r->phases, f->phase))
        return false;
    if (f->topic && *f->topic && !has_tag(r->topics, f->topic))
        return false;
    if (f->role && *f->role && !resource_for_role(r->roles, f->role))
        return false;
    if (f->q && *f->q && !strcasestr(r->title, f->q) &&
        !(r->body_md && strcasestr(r->body_md, f->q)))
        return false;
    return true;
}

/* Keeps the items f lets through (live and shown, unless all). */
static void narrow(struct svc_resource_list *l, const struct svc_resource_filter *f, bool all)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        struct svc_resource *r = &l->items[i];
        if ((!all && (r->retired_at || r->hidden)) || !matches(r, f)) {
            svc_resource_cleanup(r);
            continue;
        }
        if (k != i)
            l->items[k] = *r;
        k++;
    }
    l->n = k;
}

/* May the actor change the library of program_id (0: site-wide)? */
static int is_editor(store *db, const svc_actor *actor, int64_t program_id, bool *editor,
                     perm_roles *roles_out)
{
    perm_roles roles = 0;
    *editor = false;
    if (program_id == 0) {
        *editor = actor->site_role == SITE_ADMIN;
    } else {
        int rc = svc_program_roles(db, actor, program_id, &roles);
        if (rc != STORE_OK)
            return rc;
        *editor = perm_coordinates(roles);
    }
    if (roles_out)
        *roles_out = roles;
    return STORE_OK;
}

static const char list_sql[] =
    "SELECT " RESOURCE_COLS " FROM resources r WHERE (?1 <> 0 AND r.program_id = ?1) OR "
    "r.program_id IS NULL ORDER BY CASE WHEN r.program_id IS NULL THEN 1 ELSE 0 END, "
    "r.position, r.id";

int svc_resource_list(store *db, const svc_actor *actor, int64_t program_id,
                      const struct svc_resource_filter *f, struct svc_resource_list *out)
{
    memset(out, 0, sizeof *out);
    int rc = is_editor(db, actor, program_id, &out->editor, NULL);
    if (rc != STORE_OK)
        return rc;
    store_val p[] = {SV_INT(program_id), SV_INT(actor->person_id)};
    if ((rc = read_all(db, list_sql, p, 2, &out->items, &out->n)) != STORE_OK) {
        svc_resource_list_cleanup(out);
        return rc;
    }
    /* An editor asking for everything sees the retired and the hidden; on a
     * program's list, site-wide retired ones stay out (only site admins
     * bring them back, on the site-wide list). */
    bool all = f && f->all && out->editor;
    narrow(out, f, all);
    if (all && program_id) {
        size_t k = 0;
        for (size_t i = 0; i < out->n; i++) {
            struct svc_resource *r = &out->items[i];
            if (r->program_id == 0 && r->retired_at) {
                svc_resource_cleanup(r);
                continue;
            }
            out->items[k++] = *r;
        }
        out->n = k;
    }
    return STORE_OK;
}

/* Loads resource id in the view of program_id: SVC_OK, SVC_NOT_FOUND, <0. */
static int load(store *db, const svc_actor *actor, int64_t id, int64_t program_id,
                struct svc_resource *out)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(program_id), SV_INT(actor->person_id), SV_INT(id)};
    memset(out, 0, sizeof *out);
    int rc =
        store_query(db, "SELECT " RESOURCE_COLS " FROM resources r WHERE r.id = ?3", p, 3, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1)
        read_row(rows, out);
    store_rows_free(rows);
    return rc == 1 ? SVC_OK : rc == 0 ? SVC_NOT_FOUND : rc;
}

/* May the actor read r (loaded), and edit it? */
static int access_of(store *db, const svc_actor *actor, const struct svc_resource *r, bool *read,
                     bool *edit)
{
    bool editor = false;
    perm_roles roles = 0;
    int rc = is_editor(db, actor, r->program_id, &editor, &roles);
    if (rc != STORE_OK)
        return rc;
    *edit = editor;
    if (r->program_id)
        *read = editor || (roles != 0 && !r->retired_at);
    else
        *read = editor || !r->retired_at;
    return STORE_OK;
}

int svc_resource_get(store *db, const svc_actor *actor, int64_t id, int64_t program_id,
                     struct svc_resource *out)
{
    bool read = false, edit = false;
    int rc = load(db, actor, id, program_id, out);
    if (rc == SVC_OK && (rc = access_of(db, actor, out, &read, &edit)) == STORE_OK && !read)
        rc = SVC_NOT_FOUND;
    out->editable = edit;
    if (rc != SVC_OK)
        svc_resource_cleanup(out);
    return rc;
}

static const char *text_or_null(const char *s)
{
    return s && *s ? s : NULL;
}

static char *dump(const json_t *list)
{
    return json_dumps(list, JSON_COMPACT);
}

/* The library's row lock (a no-op UPDATE of every row in it), so two
 * reorderings or two inserts at the end queue. */
static int lock_library(store *db, int64_t program_id)
{
    store_val p[] = {SV_INT(program_id)};
    return store_exec(db,
                      "UPDATE resources SET position = position WHERE COALESCE(program_id, 0) = ?1",
                      p, 1, NULL);
}

int svc_resource_create(store *db, const svc_actor *actor, int64_t program_id,
                        const struct program_config *cfg, const struct resource_fields *in,
                        int64_t *id, verr *e)
{
    bool editor = false;
    int64_t count = 0, now = clock_now();
    *id = 0;
    int rc = is_editor(db, actor, program_id, &editor, NULL);
    if (rc != STORE_OK)
        return rc;
    if (!editor)
        return svc_fail(e, SVC_FORBIDDEN, "",
                        program_id ? "only the program's coordinators add resources to its library"
                                   : "only site admins add resources to the site-wide library");
    int bad = resource_complete_check(in->title, in->body_md, in->url, e);
    if (program_id && cfg && in->phases)
        bad |= resource_phases_check(in->phases, cfg, e);
    if (bad)
        return SVC_INVALID;
    if ((rc = lock_library(db, program_id)) != STORE_OK)
        return rc;
    store_val q[] = {SV_INT(program_id)};
    if ((rc = store_query_int(db,
                              "SELECT COUNT(*) FROM resources WHERE COALESCE(program_id, 0) = ?1",
                              q, 1, &count)) < 0)
        return rc;
    if (count >= LIMIT_RESOURCES_PER_LIBRARY)
        return svc_fail(e, SVC_REFUSED, "", "a library keeps at most %d resources",
                        LIMIT_RESOURCES_PER_LIBRARY);
    json_t *empty = json_array();
    char *phases = dump(in->phases ? in->phases : empty),
         *topics = dump(in->topics ? in->topics : empty),
         *roles = dump(in->roles ? in->roles : empty);
    json_decref(empty);
    store_val p[] = {program_id ? SV_INT(program_id) : SV_NULL,
                     SV_TEXT(in->title),
                     SV_TEXT(text_or_null(in->body_md)),
                     SV_TEXT(text_or_null(in->url)),
                     SV_TEXT(phases),
                     SV_TEXT(topics),
                     SV_TEXT(roles),
                     SV_INT(count),
                     actor->person_id ? SV_INT(actor->person_id) : SV_NULL,
                     SV_INT(now),
                     SV_INT(program_id)};
    rc = store_query_int(db,
                         "INSERT INTO resources (program_id, title, body_md, url, phases, topics, "
                         "roles, position, created_by, created_at, updated_at) VALUES (?1, ?2, ?3, "
                         "?4, ?5, ?6, ?7, (SELECT COALESCE(MAX(position) + 1, 0) FROM resources "
                         "WHERE COALESCE(program_id, 0) = ?11), ?9, ?10, ?10) RETURNING id",
                         p, 11, id);
    free(phases);
    free(topics);
    free(roles);
    if (rc != 1)
        return rc < 0 ? rc : STORE_ERROR;
    return svc_audit(db, actor, "resource.create", "resource", *id,
                     json_pack("{s:I}", "program_id", (json_int_t)program_id));
}

/* Moves resource id to `to` among its library's resources (ordered by
 * position, then id), renumbering them 0, 1, 2, ... A store status. */
static int move_to(store *db, int64_t program_id, int64_t id, int64_t to)
{
    store_rows *rows = NULL;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0, at = 0;
    store_val q[] = {SV_INT(program_id)};
    int rc = store_query(db,
                         "SELECT id FROM resources WHERE COALESCE(program_id, 0) = ?1 ORDER BY "
                         "position, id",
                         q, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        int64_t r = store_col_int(rows, 0);
        rc = STORE_OK;
        if (r == id)
            continue;
        if (n == cap)
            ids = xrealloc(ids, (cap = cap ? cap * 2 : 32) * sizeof *ids);
        ids[n++] = r;
    }
    store_rows_free(rows);
    if (rc < 0) {
        free(ids);
        return rc;
    }
    at = to > (int64_t)n ? n : (size_t)to;
    ids = xrealloc(ids, (n + 1) * sizeof *ids);
    memmove(ids + at + 1, ids + at, (n - at) * sizeof *ids);
    ids[at] = id;
    n++;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        store_val u[] = {SV_INT(ids[i]), SV_INT((int64_t)i)};
        rc = store_exec(db, "UPDATE resources SET position = ?2 WHERE id = ?1 AND position <> ?2",
                        u, 2, NULL);
    }
    free(ids);
    return rc < 0 ? rc : STORE_OK;
}

int svc_resource_update(store *db, const svc_actor *actor, int64_t id,
                        const struct resource_fields *in, verr *e)
{
    struct svc_resource cur = {0};
    struct program_config cfg = {0};
    bool read = false, edit = false;
    char *phases = NULL, *topics = NULL, *roles = NULL;
    int64_t now = clock_now();
    int rc = load(db, actor, id, 0, &cur);
    if (rc != SVC_OK || (rc = access_of(db, actor, &cur, &read, &edit)) != STORE_OK)
        goto done;
    if (!read) {
        rc = SVC_NOT_FOUND;
        goto done;
    }
    if (!edit) {
        rc = svc_fail(e, SVC_FORBIDDEN, "",
                      cur.program_id ? "only the program's coordinators change its library"
                                     : "only site admins change the site-wide library");
        goto done;
    }
    if (!in->version) { /* a change names what it changes: no silent lost update */
        rc = svc_fail(e, SVC_INVALID, "version", "is required: the version you read");
        goto done;
    }
    if ((rc = lock_library(db, cur.program_id)) != STORE_OK)
        goto done;
    svc_resource_cleanup(&cur);
    if ((rc = load(db, actor, id, 0, &cur)) != SVC_OK) /* under the lock */
        goto done;
    if (in->version && in->version != cur.version) {
        rc = svc_fail(e, SVC_STALE, "version",
                      "the resource changed meanwhile (now version %lld); read it again",
                      (long long)cur.version);
        goto done;
    }
    const char *title = in->title ? in->title : cur.title;
    const char *body = in->clear_body ? NULL : in->body_md ? in->body_md : cur.body_md;
    const char *url = in->clear_url ? NULL : in->url ? in->url : cur.url;
    int bad = resource_complete_check(title, body, url, e);
    if (cur.program_id && in->phases) {
        if ((rc = svc_program_config(db, cur.program_id, &cfg, NULL, 0)) != SVC_OK) {
            rc = rc > 0 ? STORE_ERROR : rc;
            goto done;
        }
        bad |= resource_phases_check(in->phases, &cfg, e);
    }
    if (bad) {
        rc = SVC_INVALID;
        goto done;
    }
    phases = dump(in->phases ? in->phases : cur.phases);
    topics = dump(in->topics ? in->topics : cur.topics);
    roles = dump(in->roles ? in->roles : cur.roles);
    int64_t retired = in->retired < 0 ? cur.retired_at
                      : in->retired   ? (cur.retired_at ? cur.retired_at : now)
                                      : 0;
    store_val p[] = {SV_INT(id),
                     SV_TEXT(title),
                     SV_TEXT(text_or_null(body)),
                     SV_TEXT(text_or_null(url)),
                     SV_TEXT(phases),
                     SV_TEXT(topics),
                     SV_TEXT(roles),
                     retired ? SV_INT(retired) : SV_NULL,
                     SV_INT(now)};
    if ((rc = store_exec(db,
                         "UPDATE resources SET title = ?2, body_md = ?3, url = ?4, phases = ?5, "
                         "topics = ?6, roles = ?7, retired_at = ?8, updated_at = ?9, version = "
                         "version + 1 WHERE id = ?1",
                         p, 9, NULL)) != STORE_OK)
        goto done;
    if (in->position >= 0 && (rc = move_to(db, cur.program_id, id, in->position)) != STORE_OK)
        goto done;
    json_t *detail = json_pack("{s:I}", "version", (json_int_t)cur.version + 1);
    if (in->retired >= 0)
        json_object_set_new(detail, "retired", json_boolean(in->retired));
    if (in->position >= 0)
        json_object_set_new(detail, "position", json_integer(in->position));
    rc = svc_audit(db, actor, "resource.update", "resource", id, detail);
done:
    free(phases);
    free(topics);
    free(roles);
    program_config_cleanup(&cfg);
    svc_resource_cleanup(&cur);
    return rc;
}

int svc_resource_hide(store *db, const svc_actor *actor, int64_t program_id, int64_t id,
                      bool hidden, verr *e)
{
    struct svc_resource r = {0};
    bool editor = false;
    int rc = load(db, actor, id, program_id, &r);
    if (rc != SVC_OK)
        goto done;
    if ((r.program_id && r.program_id != program_id) || (!r.program_id && r.retired_at)) {
        rc = SVC_NOT_FOUND; /* not in this program's library */
        goto done;
    }
    if ((rc = is_editor(db, actor, program_id, &editor, NULL)) != STORE_OK)
        goto done;
    if (!editor) {
        rc = svc_fail(e, SVC_FORBIDDEN, "hidden",
                      "only the program's coordinators choose what its library shows");
        goto done;
    }
    if (r.program_id) {
        rc = svc_fail(e, SVC_REFUSED, "hidden",
                      "this resource is the program's own: retire it instead of hiding it");
        goto done;
    }
    store_val p[] = {SV_INT(program_id), SV_INT(id),
                     actor->person_id ? SV_INT(actor->person_id) : SV_NULL, SV_INT(clock_now())};
    if (hidden)
        rc = store_exec(db,
                        "INSERT INTO program_hidden_resources (program_id, resource_id, hidden_by, "
                        "hidden_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (program_id, resource_id) "
                        "DO NOTHING",
                        p, 4, NULL);
    else
        rc = store_exec(
            db, "DELETE FROM program_hidden_resources WHERE program_id = ?1 AND resource_id = ?2",
            p, 2, NULL);
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, hidden ? "resource.hide" : "resource.show", "resource", id,
                       json_pack("{s:I}", "program_id", (json_int_t)program_id));
done:
    svc_resource_cleanup(&r);
    return rc;
}

int svc_resource_open(store *db, const svc_actor *actor, int64_t id, int64_t *opens,
                      int64_t *first_at, int64_t *last_at)
{
    struct svc_resource r = {0};
    int64_t now = clock_now();
    *opens = *first_at = *last_at = 0;
    if (actor->person_id == 0)
        return SVC_FORBIDDEN;
    int rc = svc_resource_get(db, actor, id, 0, &r);
    if (rc != SVC_OK)
        return rc;
    bool live = r.retired_at == 0;
    svc_resource_cleanup(&r);
    if (!live)
        return SVC_NOT_FOUND; /* an editor reads a retired one; nobody opens it */
    store_val p[] = {SV_INT(id), SV_INT(actor->person_id), SV_INT(now)};
    if ((rc = store_exec(db,
                         "INSERT INTO resource_opens (resource_id, person_id, first_opened_at, "
                         "last_opened_at, opens) VALUES (?1, ?2, ?3, ?3, 1) ON CONFLICT "
                         "(resource_id, person_id) DO UPDATE SET last_opened_at = "
                         "excluded.last_opened_at, opens = resource_opens.opens + 1",
                         p, 3, NULL)) != STORE_OK)
        return rc;
    store_rows *rows = NULL;
    rc = store_query(db,
                     "SELECT opens, first_opened_at, last_opened_at FROM resource_opens WHERE "
                     "resource_id = ?1 AND person_id = ?2",
                     p, 2, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        *opens = store_col_int(rows, 0);
        *first_at = store_col_int(rows, 1);
        *last_at = store_col_int(rows, 2);
        rc = STORE_OK;
    } else if (rc == 0) {
        rc = STORE_ERROR; /* written a moment ago */
    }
    store_rows_free(rows);
    return rc;
}

int svc_resource_recommend(store *db, const svc_actor *actor, const struct svc_rel *r,
                           const struct program_config *cfg, struct svc_resource_list *out)
{
    struct resource_rank *rank = NULL;
    struct svc_resource *sorted = NULL;
    memset(out, 0, sizeof *out);
    store_val p[] = {SV_INT(r->program_id), SV_INT(actor->person_id)};
    int rc = read_all(db, list_sql, p, 2, &out->items, &out->n);
    if (rc != STORE_OK) {
        svc_resource_list_cleanup(out);
        return rc;
    }
    struct svc_resource_filter f = {.role = r->my_role};
    narrow(out, &f, false);
    rank = xcalloc(out->n + 1, sizeof *rank);
    for (size_t i = 0; i < out->n; i++) {
        struct svc_resource *it = &out->items[i];
        rank[i] = (struct resource_rank){
            .index = i, .id = it->id, .site = it->program_id == 0, .position = it->position};
        resource_rank_place(&rank[i], it->phases, it->title, cfg, r->phase);
    }
    resource_rank_sort(rank, out->n);
    sorted = xcalloc(out->n + 1, sizeof *sorted);
    for (size_t i = 0; i < out->n; i++) {
        sorted[i] = out->items[rank[i].index];
        sorted[i].group = rank[i].group;
    }
    free(out->items);
    out->items = sorted;
    free(rank);
    return STORE_OK;
}
