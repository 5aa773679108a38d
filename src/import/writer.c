/* writer.c - the import's look-ups and writes (see writer.h). */
#include "import/writer.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/secret.h"
#include "base/str.h"
#include "domain/invitation.h"
#include "domain/participation.h"
#include "import/batch.h"
#include "service/audit.h"
#include "service/outbox.h"

#define TELL_EVERY 512 /* rows between progress reports while writing */

void import_wrote(struct import_job *j, size_t n)
{
    if (!j->writes || !j->o->progress)
        return; /* the look-ups before writing */
    j->written += n;
    if (j->written > j->writes)
        j->written = j->writes; /* the counts are estimated beforehand */
    /* writing is the second half of the work (import.c) */
    j->o->progress(j->o->arg, 500 + (size_t)((double)j->written / (double)j->writes * 500.0), 1000);
}

static void wrote_stmt(void *ctx, size_t n)
{
    import_wrote(ctx, n);
}

static struct import_person *person_of_row(struct import_job *j, const struct import_row *w)
{
    return import_roster_find(&j->roster, w->email);
}

static enum import_role role_named(const char *role)
{
    int r = 0;
    while (role && r < IMPORT_NROLES && strcmp(role, import_role_name((enum import_role)r)) != 0)
        r++;
    return role ? (enum import_role)r : IMPORT_NROLES;
}

/* Adds row k of a batch of n, telling progress now and then (each row
 * counting `weight` items). */
static int add_row(struct import_job *j, store_batch *b, const store_val *v, size_t k, size_t n,
                   size_t weight)
{
    int rc = store_batch_add(b, v);
    if ((k + 1) % TELL_EVERY == 0)
        import_wrote(j, weight * TELL_EVERY);
    else if (k + 1 == n)
        import_wrote(j, weight * (n % TELL_EVERY));
    return rc;
}

/* ---- looking up what exists ---- */

static void fill_email(void *ctx, size_t item, store_val *v)
{
    struct import_job *j = ctx;
    v[0] = SV_TEXT(j->roster.people.items[item].email);
}

static int read_person(void *ctx, store_rows *rows)
{
    struct import_job *j = ctx;
    struct import_person *p = import_roster_find(&j->roster, store_col_text(rows, 1));
    if (p) {
        p->id = store_col_int(rows, 0);
        const char *name = store_col_text(rows, 2);
        p->name = pool_strdup(j->pool, name ? name : "");
    }
    return STORE_OK;
}

static void fill_person_id(void *ctx, size_t item, store_val *v)
{
    struct import_job *j = ctx;
    v[0] = SV_INT(j->roster.people.items[item].id);
}

/* The row's profile merged into the stored one: what the row changes. */
static void plan_update(struct import_job *j, struct import_plan *pl, const struct import_row *w,
                        const char *stored, int64_t cap, int64_t wants)
{
    json_t *old = json_loads(stored ? stored : "{}", 0, NULL);
    if (!json_is_object(old)) {
        json_decref(old);
        old = json_object();
    }
    json_t *merged = json_deep_copy(old);
    json_t *mine = json_loads(w->profile, 0, NULL);
    json_object_update(merged, mine);
    json_decref(mine);
    if (json_equal(merged, old) && pl->new_capacity == cap && pl->new_wants == wants) {
        pl->action = IMPORT_SAME;
    } else {
        pl->action = IMPORT_UPDATE;
        char *t = json_dumps(merged, JSON_COMPACT);
        pl->new_profile = pool_strdup(j->pool, t);
        free(t);
    }
    json_decref(merged);
    json_decref(old);
}

static int read_participation(void *ctx, store_rows *rows)
{
    struct import_job *j = ctx;
    if (store_col_int(rows, 6) != j->o->program_id)
        return STORE_OK;
    struct import_person *p = import_roster_find(&j->roster, store_col_text(rows, 1));
    enum import_role role = role_named(store_col_text(rows, 2));
    if (!p || role >= IMPORT_NROLES || p->row[role] == IMPORT_NONE)
        return STORE_OK;
    const struct import_row *w = &j->roster.rows.items[p->row[role]];
    struct import_plan *pl = &j->plans[p->row[role]];
    pl->participation_id = store_col_int(rows, 0);
    int64_t cap = store_col_int(rows, 4), wants = store_col_int(rows, 5);
    pl->new_capacity = w->capacity ? w->capacity : cap;
    pl->new_wants = w->wants ? w->wants : wants;
    const char *stored = store_col_text(rows, 3);
    if (stored && strcmp(stored, w->profile) == 0 && pl->new_capacity == cap &&
        pl->new_wants == wants) {
        pl->action = IMPORT_SAME; /* written by the same file before: no need to parse */
        return STORE_OK;
    }
    plan_update(j, pl, w, stored, cap, wants);
    return STORE_OK;
}

int import_look_up(struct import_job *j)
{
    struct import_roster *r = &j->roster;
    j->plans = xcalloc(r->rows.len + 1, sizeof *j->plans);
    size_t *items = xmalloc(sizeof *items * (r->people.len + 1));
    for (size_t i = 0; i < r->people.len; i++)
        items[i] = i;
    struct import_stmt people = {.head = "SELECT id, email, name FROM people WHERE email IN (",
                                 .tuple = "#",
                                 .tail = ")",
                                 .per_row = 1,
                                 .fill = fill_email,
                                 .read = read_person};
    int rc = import_stmt_run(j->db, &people, j, items, r->people.len);
    if (rc != STORE_OK)
        goto done;
    import_roster_check_managers(r, j->problems, j->pool);

    size_t n = 0;
    for (size_t i = 0; i < r->people.len; i++)
        if (r->people.items[i].id && r->people.items[i].first_row != IMPORT_NONE)
            items[n++] = i;
    /* by person only, the program compared here: with the program in the
     * WHERE clause PostgreSQL may read the whole program's rows through
     * its index for every batch instead of a few rows per person */
    struct import_stmt parts = {
        .head = "SELECT pa.id, pe.email, pa.role, pa.profile, pa.capacity, pa.wants, "
                "pa.program_id FROM participations pa JOIN people pe ON pe.id = pa.person_id "
                "WHERE pa.person_id IN (",
        .tuple = "#",
        .tail = ")",
        .per_row = 1,
        .fill = fill_person_id,
        .read = read_participation};
    if ((rc = import_stmt_run(j->db, &parts, j, items, n)) != STORE_OK)
        goto done;
    for (size_t i = 0; i < r->people.len; i++) {
        struct import_person *p = &r->people.items[i];
        if (p->in_file && !p->id && p->first_row != IMPORT_NONE)
            p->name = r->rows.items[p->first_row].name; /* as they will be written */
        if (p->in_file && !p->id)
            j->created_people++;
    }
    for (size_t i = 0; i < r->rows.len; i++) {
        enum import_action a = j->plans[i].action;
        j->created += a == IMPORT_CREATE;
        j->updated += a == IMPORT_UPDATE;
        j->unchanged += a == IMPORT_SAME;
    }
done:
    free(items);
    return rc;
}

/* ---- writing ---- */

struct keyed {
    const char *key;
    size_t item;
};

static int by_key(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : x->item < y->item ? -1 : x->item > y->item;
}

/* Ranks the people of the new participations by name (the one sort by
 * text; the orders below compare ranks). Rows written in the order of an
 * index add to its end instead of all over it: people and participations
 * go in name order. Returns rank[person], IMPORT_NONE for the others. */
static size_t *rank_by_name(struct import_job *j)
{
    struct import_roster *r = &j->roster;
    size_t *rank = xmalloc(sizeof *rank * (r->people.len + 1));
    struct keyed *v = xmalloc(sizeof *v * (r->people.len + 1));
    size_t n = 0;
    for (size_t i = 0; i < r->people.len; i++) {
        const struct import_person *p = &r->people.items[i];
        rank[i] = IMPORT_NONE;
        for (int k = 0; k < IMPORT_NROLES; k++)
            if (p->row[k] != IMPORT_NONE && j->plans[p->row[k]].action == IMPORT_CREATE) {
                v[n++] = (struct keyed){.key = p->name, .item = i};
                break;
            }
    }
    if (n)
        qsort(v, n, sizeof *v, by_key);
    for (size_t k = 0; k < n; k++)
        rank[v[k].item] = k;
    free(v);
    return rank;
}

struct ranked {
    size_t rank, item;
};

static int by_rank(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->item < y->item ? -1 : x->item > y->item;
}

/* Orders items by rank_of(item) (then by item). */
static void sort_by_rank(struct import_job *j, size_t *items, size_t n, const size_t *rank,
                         size_t (*rank_of)(struct import_job *j, const size_t *rank, size_t item))
{
    struct ranked *v = xmalloc(sizeof *v * (n + 1));
    for (size_t k = 0; k < n; k++)
        v[k] = (struct ranked){.rank = rank_of(j, rank, items[k]), .item = items[k]};
    if (n)
        qsort(v, n, sizeof *v, by_rank);
    for (size_t k = 0; k < n; k++)
        items[k] = v[k].item;
    free(v);
}

static size_t person_rank(struct import_job *j, const size_t *rank, size_t person)
{
    (void)j;
    return rank[person];
}

static size_t row_rank(struct import_job *j, const size_t *rank, size_t row)
{
    size_t person;
    strmap_get(&j->roster.by_email, j->roster.rows.items[row].email, &person);
    return rank[person];
}

/* Ends batch b (when open), keeping the first failure in rc. On
 * PostgreSQL the server checks the rows' keys while the next batch's rows
 * are formatted; a failure then comes from the next statement (and the
 * commit at the latest). */
static int end_batch(store_batch *b, int rc)
{
    int end = store_batch_end_later(b);
    return rc != STORE_OK ? rc : end;
}

struct by_depth {
    int depth;
    size_t rank; /* place in name order */
    size_t item;
};

static int depth_then_name(const void *a, const void *b)
{
    const struct by_depth *x = a, *y = b;
    if (x->depth != y->depth)
        return x->depth < y->depth ? -1 : 1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Creates the new people. Their ids are reserved first and given in name
 * order, as the participations after them are written: the person ids of
 * those then rise, and the (person) and (program, person, role) indexes
 * are appended to. The rows go in managers first (by depth, see
 * import_roster_order), so each names a manager who is in already. */
static int write_people(struct import_job *j, size_t *items, const size_t *rank)
{
    static const char *const cols[] = {"id",        "email",      "name",       "department",
                                       "job_title", "job_level",  "location",   "time_zone",
                                       "languages", "manager_id", "created_at", "updated_at"};
    struct import_roster *r = &j->roster;
    size_t n = 0;
    for (size_t i = 0; i < r->people.len; i++) {
        const struct import_person *p = &r->people.items[i];
        if (p->in_file && !p->id && p->first_row != IMPORT_NONE)
            items[n++] = i;
    }
    sort_by_rank(j, items, n, rank, person_rank);
    int64_t *ids = xmalloc(sizeof *ids * (n + 1));
    struct by_depth *order = xmalloc(sizeof *order * (n + 1));
    int rc = store_reserve_ids(j->db, "people", n, ids);
    for (size_t k = 0; k < n && rc == STORE_OK; k++) {
        struct import_person *p = &r->people.items[items[k]];
        p->id = ids[k];
        order[k] = (struct by_depth){.depth = p->depth, .rank = k, .item = items[k]};
    }
    if (n)
        qsort(order, n, sizeof *order, depth_then_name);
    store_batch *b = NULL;
    if (rc == STORE_OK)
        rc = store_batch_begin(j->db, "people", cols, 12, &b);
    for (size_t k = 0; k < n && rc == STORE_OK; k++) {
        const struct import_person *p = &r->people.items[order[k].item];
        const struct import_row *w = &r->rows.items[p->first_row];
        const struct import_person *m = import_roster_find(r, w->manager);
        store_val v[] = {SV_INT(p->id),
                         SV_TEXT(w->email),
                         SV_TEXT(w->name),
                         SV_TEXT(w->department),
                         SV_TEXT(w->job_title),
                         w->job_level >= 0 ? SV_INT(w->job_level) : SV_NULL,
                         SV_TEXT(w->location),
                         SV_TEXT(w->time_zone),
                         SV_TEXT(w->languages ? w->languages : "[]"),
                         m && m->id ? SV_INT(m->id) : SV_NULL,
                         SV_INT(j->now),
                         SV_INT(j->now)};
        rc = add_row(j, b, v, k, n, 1);
    }
    free(order);
    free(ids);
    return end_batch(b, rc);
}

static int insert_participations(struct import_job *j, const size_t *items, size_t n)
{
    static const char *const cols[] = {"id",        "program_id", "person_id",  "role",
                                       "status",    "profile",    "capacity",   "wants",
                                       "sort_name", "email",      "created_at", "updated_at"};
    int64_t *ids = xmalloc(sizeof *ids * (n + 1));
    int rc = store_reserve_ids(j->db, "participations", n, ids);
    store_batch *b = NULL;
    if (rc == STORE_OK)
        rc = store_batch_begin(j->db, "participations", cols, 12, &b);
    for (size_t k = 0; k < n && rc == STORE_OK; k++) {
        j->plans[items[k]].participation_id = ids[k];
        const struct import_row *w = &j->roster.rows.items[items[k]];
        const struct import_person *p = person_of_row(j, w);
        int64_t cap = w->capacity                ? w->capacity
                      : w->role == IMPORT_MENTOR ? j->default_capacity
                                                 : 0;
        int64_t wants = w->wants ? w->wants : w->role == IMPORT_MENTEE ? j->default_wants : 0;
        store_val v[] = {SV_INT(ids[k]),
                         SV_INT(j->o->program_id),
                         SV_INT(p->id),
                         SV_TEXT(import_role_name(w->role)),
                         SV_TEXT(stage_name(STAGE_INVITED)),
                         SV_TEXT(w->profile),
                         cap ? SV_INT(cap) : SV_NULL,
                         wants ? SV_INT(wants) : SV_NULL,
                         SV_TEXT(p->name),
                         SV_TEXT(p->email),
                         SV_INT(j->now),
                         SV_INT(j->now)};
        rc = add_row(j, b, v, k, n, 1);
    }
    free(ids);
    return end_batch(b, rc);
}

/* The stage, as svc_participation_stage() records it, and the invitation
 * with its e-mail, as enrol_invite() words one. */
static int insert_invitations(struct import_job *j, const size_t *items, size_t n)
{
    static const char *const stage_cols[] = {"participation_id", "stage", "reached_at"};
    static const char *const inv_cols[] = {"token_hash", "program_id", "participation_id",
                                           "created_by", "created_at", "expires_at"};
    static const char *const mail_cols[] = {"created_at", "to_address", "to_person_id",
                                            "subject",    "body",       "html",
                                            "kind",       "program_id", "next_attempt_at"};
    store_val by = j->actor && j->actor->person_id ? SV_INT(j->actor->person_id) : SV_NULL;
    store_batch *b = NULL;
    int rc = store_batch_begin(j->db, "participation_stages", stage_cols, 3, &b);
    for (size_t k = 0; k < n && rc == STORE_OK; k++) {
        store_val v[] = {SV_INT(j->plans[items[k]].participation_id),
                         SV_TEXT(stage_name(STAGE_INVITED)), SV_INT(j->now)};
        rc = add_row(j, b, v, k, n, 1);
    }
    if ((rc = end_batch(b, rc)) != STORE_OK)
        return rc;

    rc = store_batch_begin(j->db, "invitations", inv_cols, 6, &b);
    for (size_t k = 0; k < n && rc == STORE_OK; k++) {
        struct import_plan *pl = &j->plans[items[k]];
        char token[SECRET_TOKEN_CHARS], hash[SECRET_HASH_HEX];
        secret_new("", token);
        secret_hash(token, hash);
        pl->token = pool_strdup(j->pool, token);
        store_val v[] = {SV_TEXT(hash),
                         SV_INT(j->o->program_id),
                         SV_INT(pl->participation_id),
                         by,
                         SV_INT(j->now),
                         SV_INT(j->now + (int64_t)LIMIT_INVITATION_DAYS * 86400)};
        rc = add_row(j, b, v, k, n, 1);
    }
    if ((rc = end_batch(b, rc)) != STORE_OK)
        return rc;

    /* the mail rendered once a role, the name and the link left open */
    static const char *const open[] = {"name", "link"};
    struct mail_plan *plan[IMPORT_NROLES] = {0};
    rc = store_batch_begin(j->db, "outbox", mail_cols, 9, &b);
    for (size_t k = 0; k < n && rc == STORE_OK; k++) {
        const struct import_row *w = &j->roster.rows.items[items[k]];
        const struct import_person *p = person_of_row(j, w);
        char link[LIMIT_HTTP_URL_BYTES + SECRET_TOKEN_CHARS];
        struct mail_value mv[INVITATION_VALUES];
        invitation_values(mv, link, sizeof link, import_role_name(w->role), j->base_url,
                          j->plans[items[k]].token);
        struct svc_mail m = {.kind = "invitation",
                             .name = p->name,
                             .program = j->program_name,
                             .values = mv,
                             .nvalues = INVITATION_VALUES};
        struct mail_rendered r;
        verr e = {0};
        if (!plan[w->role] && svc_outbox_plan(&m, open, 2, &plan[w->role], &e) != SVC_OK) {
            rc = STORE_ERROR; /* the template wants a value: a bug, logged */
            break;
        }
        int filled = mail_plan_fill(plan[w->role], (const char *const[]){p->name, link}, &r);
        if (filled < 0 || (filled > 0 && svc_outbox_render(&m, &r, &e) != SVC_OK)) {
            rc = STORE_ERROR; /* over the size, or the template wants a value: a bug */
            break;
        }
        store_val v[] = {SV_INT(j->now),        SV_TEXT(w->email),        SV_INT(p->id),
                         SV_TEXT(r.subject),    SV_TEXT(r.text),          SV_TEXT(r.html),
                         SV_TEXT("invitation"), SV_INT(j->o->program_id), SV_INT(j->now)};
        rc = add_row(j, b, v, k, n, 1);
        mail_rendered_cleanup(&r);
    }
    for (int i = 0; i < IMPORT_NROLES; i++)
        mail_plan_free(plan[i]);
    return end_batch(b, rc);
}

static void fill_update(void *ctx, size_t item, store_val *v)
{
    struct import_job *j = ctx;
    const struct import_plan *pl = &j->plans[item];
    v[0] = SV_INT(pl->participation_id);
    v[1] = SV_TEXT(pl->new_profile);
    v[2] = SV_INT(pl->new_capacity); /* 0: none */
    v[3] = SV_INT(pl->new_wants);
}

static int update_participations(struct import_job *j, size_t *items)
{
    size_t n = 0;
    for (size_t i = 0; i < j->roster.rows.len; i++)
        if (j->plans[i].action == IMPORT_UPDATE)
            items[n++] = i;
    store_val now[] = {SV_INT(j->now)};
    /* column1.. are the names both databases give VALUES columns */
    struct import_stmt updates = {
        .head = "UPDATE participations SET profile = v.column2, "
                "capacity = NULLIF(v.column3, 0), wants = NULLIF(v.column4, 0), "
                "updated_at = ?1 FROM (VALUES ",
        .tuple = "(#, #, #, #)",
        .tail = ") AS v WHERE participations.id = v.column1",
        .per_row = 4,
        .shared = now,
        .nshared = 1,
        .fill = fill_update,
        .done = wrote_stmt};
    return import_stmt_run(j->db, &updates, j, items, n);
}

int import_write(struct import_job *j)
{
    struct import_roster *r = &j->roster;
    size_t *items = xmalloc(sizeof *items * (r->rows.len + r->people.len + 1));
    size_t *rank = rank_by_name(j);
    int rc = store_bulk(j->db, j->created_people + 4 * j->created + j->updated);
    if (rc == STORE_OK)
        rc = write_people(j, items, rank);
    size_t n = 0;
    for (size_t i = 0; i < r->rows.len; i++)
        if (j->plans[i].action == IMPORT_CREATE)
            items[n++] = i;
    sort_by_rank(j, items, n, rank, row_rank);
    free(rank);
    if (rc == STORE_OK)
        rc = insert_participations(j, items, n);
    /* the participant list counts and the funnel groups the program's
     * participations over an index: fresh visibility information lets
     * them read the index alone */
    if (rc == STORE_OK && n >= LIMIT_IMPORT_REFRESH_ROWS)
        rc = store_refresh_after_commit(j->db, "participations");
    if (rc == STORE_OK)
        rc = insert_invitations(j, items, n);
    if (rc == STORE_OK)
        rc = update_participations(j, items);
    if (rc == STORE_OK)
        rc = svc_audit(j->db, j->actor, "program.import", "program", j->o->program_id,
                       json_pack("{s:I, s:I, s:I, s:I, s:I}", "rows", (json_int_t)j->records,
                                 "created_people", (json_int_t)j->created_people,
                                 "created_participants", (json_int_t)j->created, "updated",
                                 (json_int_t)j->updated, "unchanged", (json_int_t)j->unchanged));
    free(items);
    return rc;
}
