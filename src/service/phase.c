#include "service/phase.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/permissions.h"
#include "domain/phase.h"
#include "service/audit.h"
#include "service/workspace.h"
#include "service/reminder.h"

void svc_phase_cleanup(struct svc_phase *p)
{
    if (!p)
        return;
    free(p->checks);
    free(p->moves);
    memset(p, 0, sizeof *p);
}

static const char *name_of(const json_t *items, size_t i)
{
    return json_string_value(json_object_get(json_array_get(items, i), "name"));
}

static int load_checks(store *db, int64_t rel_id, struct svc_phase *p)
{
    const json_t *actions = json_object_get(p->phase, "key_actions");
    p->nchecks = json_array_size(actions);
    p->checks = xcalloc(p->nchecks + 1, sizeof *p->checks);
    for (size_t i = 0; i < p->nchecks; i++)
        p->checks[i].text = json_string_value(json_array_get(actions, i));
    store_rows *rows = NULL;
    store_val q[] = {SV_INT(rel_id), SV_INT(p->index)};
    int rc = store_query(db,
                         "SELECT pc.item, pc.done_by, pe.name, pc.done_at FROM phase_checks pc "
                         "LEFT JOIN people pe ON pe.id = pc.done_by "
                         "WHERE pc.relationship_id = ?1 AND pc.phase = ?2",
                         q, 2, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        int64_t item = store_col_int(rows, 0);
        rc = STORE_OK;
        if (item < 0 || (size_t)item >= p->nchecks)
            continue; /* the model changed since it was ticked */
        struct svc_phase_check *c = &p->checks[item];
        c->done = true;
        c->done_by = store_col_null(rows, 1) ? 0 : store_col_int(rows, 1);
        str_fmt(c->done_by_name, sizeof c->done_by_name, "%s",
                store_col_text(rows, 2) ? store_col_text(rows, 2) : "");
        c->done_at = store_col_int(rows, 3);
    }
    store_rows_free(rows);
    p->unmet = 0;
    for (size_t i = 0; i < p->nchecks; i++)
        p->unmet += !p->checks[i].done;
    return rc < 0 ? rc : STORE_OK;
}

static int load_moves(store *db, int64_t rel_id, struct svc_phase *p)
{
    store_rows *rows = NULL;
    store_val q[] = {SV_INT(rel_id)};
    size_t cap = 8;
    p->moves = xcalloc(cap, sizeof *p->moves);
    int rc = store_query(
        db,
        "SELECT pm.from_phase, pm.to_phase, pm.moved_at, pm.moved_by, pe.name, pm.override "
        "FROM phase_moves pm LEFT JOIN people pe ON pe.id = pm.moved_by "
        "WHERE pm.relationship_id = ?1 ORDER BY pm.id",
        q, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (p->nmoves == cap)
            p->moves = xrealloc(p->moves, (cap *= 2) * sizeof *p->moves);
        struct svc_phase_move *m = &p->moves[p->nmoves++];
        m->from = (int)store_col_int(rows, 0);
        m->to = (int)store_col_int(rows, 1);
        m->moved_at = store_col_int(rows, 2);
        m->moved_by = store_col_null(rows, 3) ? 0 : store_col_int(rows, 3);
        str_fmt(m->moved_by_name, sizeof m->moved_by_name, "%s",
                store_col_text(rows, 4) ? store_col_text(rows, 4) : "");
        m->override = store_col_int(rows, 5) != 0;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_phase_get(store *db, const struct svc_rel *r, const struct program_config *cfg,
                  struct svc_phase *out)
{
    memset(out, 0, sizeof *out);
    out->items = cfg->phases.items;
    out->count = json_array_size(out->items);
    out->index = r->phase;
    out->phase = json_array_get(out->items, (size_t)r->phase);
    out->timeframe_days = json_integer_value(json_object_get(out->phase, "timeframe_days"));
    out->started_at = r->phase_started_at;
    out->due_at = phase_due(r->phase_started_at, out->timeframe_days);
    out->overdue = phase_overdue(r->phase_started_at, out->timeframe_days,
                                 rel_status_open(r->status), clock_now());
    out->is_last = (size_t)r->phase + 1 >= out->count;
    int rc = load_checks(db, r->id, out);
    if (rc == STORE_OK)
        rc = load_moves(db, r->id, out);
    if (rc != STORE_OK)
        svc_phase_cleanup(out);
    return rc;
}

int svc_phase_check(store *db, const svc_actor *actor, const struct svc_rel *r,
                    const struct program_config *cfg, int64_t phase, int64_t item, bool done,
                    verr *e)
{
    const json_t *items = cfg->phases.items;
    const char *why;
    int rc = svc_workspace_writable(r, e);
    if (rc != SVC_OK)
        return rc;
    if (phase < 0)
        phase = r->phase;
    if (phase >= (int64_t)json_array_size(items))
        return svc_fail(e, SVC_INVALID, "phase", "must be at most %zu", json_array_size(items) - 1);
    if ((why = phase_check_allowed(phase, r->phase)))
        return svc_fail(e, SVC_REFUSED, "phase", "phase %lld %s", (long long)phase, why);
    size_t n =
        json_array_size(json_object_get(json_array_get(items, (size_t)phase), "key_actions"));
    if (n == 0)
        return svc_fail(e, SVC_INVALID, "item", "this phase has no key actions to tick");
    if (item < 0 || (size_t)item >= n)
        return svc_fail(e, SVC_INVALID, "item", "must be between 0 and %zu", n - 1);
    store_val p[] = {SV_INT(r->id), SV_INT(phase), SV_INT(item), SV_INT(actor->person_id),
                     SV_INT(clock_now())};
    if (done)
        rc = store_exec(
            db,
            "INSERT INTO phase_checks (relationship_id, phase, item, done_by, done_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (relationship_id, phase, item) DO NOTHING",
            p, 5, NULL);
    else
        rc = store_exec(
            db, "DELETE FROM phase_checks WHERE relationship_id = ?1 AND phase = ?2 AND item = ?3",
            p, 3, NULL);
    if (rc != STORE_OK)
        return rc;
    return svc_audit(db, actor, done ? "phase.check" : "phase.uncheck", "relationship", r->id,
                     json_pack("{s:I, s:I}", "phase", (json_int_t)phase, "item", (json_int_t)item));
}

/* "'a', 'b'" from the key actions not ticked, for a message. */
static void unmet_text(const struct svc_phase *p, char *out, size_t outlen)
{
    buf b;
    buf_init(&b, outlen - 1);
    int k = 0;
    for (size_t i = 0; i < p->nchecks; i++)
        if (!p->checks[i].done && buf_printf(&b, "%s'%s'", k++ ? ", " : "", p->checks[i].text))
            break;
    str_fmt(out, outlen, "%s", b.len ? b.data : "");
    buf_cleanup(&b);
}

int svc_phase_advance(store *db, const svc_actor *actor, struct svc_rel *r,
                      const struct program_config *cfg, bool override, verr *e)
{
    const json_t *items = cfg->phases.items;
    size_t count = json_array_size(items);
    bool coordinator = perm_coordinates(r->roles);
    struct svc_phase ph = {0};
    int rc;
    if (!rel_status_open(r->status))
        return svc_fail(e, SVC_REFUSED, "", "the relationship is %s; its phase no longer moves",
                        r->status);
    if (!r->my_part && !coordinator)
        return svc_fail(e, SVC_FORBIDDEN, "", "only the partners and coordinators move phases");
    switch (phase_advance(r->phase, count, 0, override, coordinator)) {
    case PHASE_MOVE_NOT_ALLOWED:
        return svc_fail(e, SVC_FORBIDDEN, "override",
                        "only the program's coordinators may override the exit criteria");
    case PHASE_MOVE_LAST:
        return svc_fail(e, SVC_REFUSED, "", "'%s' is the last phase; there is no next one",
                        name_of(items, (size_t)r->phase));
    default: break;
    }
    /* Lock the row in the phase that was read (a no-op UPDATE: a concurrent
     * move has either won already - 0 rows - or waits), check the criteria
     * under that lock, then move. */
    int64_t now = clock_now(), changes = 0;
    store_val p[] = {SV_INT(r->id), SV_INT(r->phase + 1), SV_INT(now), SV_INT(r->phase)};
    store_val l[] = {SV_INT(r->id), SV_INT(r->phase)};
    if ((rc = store_exec(db, "UPDATE relationships SET phase = phase WHERE id = ?1 AND phase = ?2",
                         l, 2, &changes)) != STORE_OK)
        return rc;
    if (changes != 1)
        return svc_fail(e, SVC_REFUSED, "",
                        "the relationship moved to another phase meanwhile; read it again");
    if ((rc = svc_phase_get(db, r, cfg, &ph)) != STORE_OK)
        return rc;
    if (phase_advance(r->phase, count, ph.unmet, override, coordinator) == PHASE_MOVE_UNMET) {
        char list[1024];
        unmet_text(&ph, list, sizeof list);
        rc = svc_fail(e, SVC_REFUSED, "override",
                      "the exit criteria of '%s' are not met: key actions not done: %s",
                      name_of(items, (size_t)r->phase), list);
        svc_phase_cleanup(&ph);
        return rc;
    }
    svc_phase_cleanup(&ph);
    if ((rc = store_exec(db,
                         "UPDATE relationships SET phase = ?2, phase_started_at = ?3, "
                         "updated_at = ?3, version = version + 1 WHERE id = ?1 AND phase = ?4",
                         p, 4, NULL)) != STORE_OK)
        return rc;
    store_val m[] = {SV_INT(r->id), SV_INT(r->phase),         SV_INT(r->phase + 1),
                     SV_INT(now),   SV_INT(actor->person_id), SV_INT(override ? 1 : 0)};
    if ((rc = store_exec(db,
                         "INSERT INTO phase_moves (relationship_id, from_phase, to_phase, "
                         "moved_at, moved_by, override) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         m, 6, NULL)) != STORE_OK)
        return rc;
    if ((rc = svc_audit(db, actor, "phase.advance", "relationship", r->id,
                        json_pack("{s:i, s:i, s:b}", "from", r->phase, "to", r->phase + 1,
                                  "override", override))) != STORE_OK)
        return rc;
    r->phase++;
    r->phase_started_at = now;
    if ((rc = svc_reminder_relationship(db, r->id, now)) != STORE_OK)
        return rc;
    r->version++;
    return SVC_OK;
}
