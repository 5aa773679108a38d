/* phases.c - a relationship's place in the program's phase model
 * (product.md §2, §6): the current phase with its checklist, timeframe,
 * resources and exit criteria; ticking key actions; moving on.
 *
 * A phase's exit criteria count as met when every key action of the
 * phase is ticked (a phase without key actions is met at once). The
 * criteria texts themselves are guidance shown to the partners; only the
 * checklist is checked. A coordinator (or admin) may move a relationship
 * on with "override": true whatever the checklist says. Every move is
 * recorded in phase_moves with its date. */
#include <string.h>

#include "api/handlers.h"
#include "api/relationship.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/str.h"
#include "service/program.h"

#define DAY_S 86400

static const json_t *phase_items(const struct program_config *cfg)
{
    return cfg->phases.items;
}

/* The checklist of phase `index`: [{"item", "text", "done", "done_by", "done_at"}].
 * *unmet receives the texts not ticked (new array). */
static json_t *checklist(api_ctx *c, int64_t rel_id, int index, const json_t *actions,
                         json_t **unmet)
{
    size_t n = json_array_size(actions);
    json_t *list = json_array();
    *unmet = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:i, s:O, s:b, s:n, s:n}", "item", (int)i, "text",
                                              json_array_get(actions, i), "done", 0, "done_by",
                                              "done_at"));
    store_rows *rows;
    store_val p[] = {SV_INT(rel_id), SV_INT(index)};
    if (store_query(c->db,
                    "SELECT pc.item, pc.done_by, pe.name, pc.done_at FROM phase_checks pc "
                    "LEFT JOIN people pe ON pe.id = pc.done_by "
                    "WHERE pc.relationship_id = ?1 AND pc.phase = ?2",
                    p, 2, &rows) == STORE_OK) {
        while (store_next(rows) == 1) {
            int64_t item = store_col_int(rows, 0);
            json_t *it = item >= 0 && (size_t)item < n ? json_array_get(list, (size_t)item) : NULL;
            if (!it)
                continue;
            json_object_set_new(it, "done", json_true());
            json_object_set_new(
                it, "done_by",
                store_col_null(rows, 1)
                    ? json_null()
                    : json_pack("{s:I, s:s}", "person_id", (json_int_t)store_col_int(rows, 1),
                                "name", store_col_text(rows, 2) ? store_col_text(rows, 2) : ""));
            json_object_set_new(it, "done_at", api_time(store_col_int(rows, 3)));
        }
        store_rows_free(rows);
    }
    size_t i;
    json_t *it;
    json_array_foreach(list, i, it)
    {
        if (!json_is_true(json_object_get(it, "done")))
            json_array_append(*unmet, json_object_get(it, "text"));
    }
    return list;
}

static json_t *history(api_ctx *c, int64_t rel_id, const json_t *items)
{
    json_t *a = json_array();
    store_rows *rows;
    store_val p[] = {SV_INT(rel_id)};
    if (store_query(
            c->db,
            "SELECT pm.from_phase, pm.to_phase, pm.moved_at, pm.moved_by, pe.name, pm.override "
            "FROM phase_moves pm LEFT JOIN people pe ON pe.id = pm.moved_by "
            "WHERE pm.relationship_id = ?1 ORDER BY pm.id",
            p, 1, &rows) != STORE_OK)
        return a;
    while (store_next(rows) == 1) {
        int from = (int)store_col_int(rows, 0), to = (int)store_col_int(rows, 1);
        json_t *fp = json_array_get(items, (size_t)from), *tp = json_array_get(items, (size_t)to);
        json_t *m =
            json_pack("{s:i, s:O, s:i, s:O, s:o, s:b}", "from", from, "from_name",
                      fp ? json_object_get(fp, "name") : json_null(), "to", to, "to_name",
                      tp ? json_object_get(tp, "name") : json_null(), "moved_at",
                      api_time(store_col_int(rows, 2)), "override", store_col_int(rows, 5) != 0);
        json_object_set_new(
            m, "moved_by",
            store_col_null(rows, 3)
                ? json_null()
                : json_pack("{s:I, s:s}", "person_id", (json_int_t)store_col_int(rows, 3), "name",
                            store_col_text(rows, 4) ? store_col_text(rows, 4) : ""));
        json_array_append_new(a, m);
    }
    store_rows_free(rows);
    return a;
}

/* A copy of a list of the phase model, [] when absent. */
static json_t *list_copy(const json_t *list)
{
    return json_is_array(list) ? json_deep_copy(list) : json_array();
}

/* The current phase as the API shows it; *unmet_out (may be NULL) gets
 * the key actions not ticked (new array). */
static json_t *phase_json(api_ctx *c, const struct svc_rel *r, const struct program_config *cfg,
                          json_t **unmet_out)
{
    const json_t *items = phase_items(cfg);
    size_t count = json_array_size(items);
    json_t *phase = json_array_get(items, (size_t)r->phase);
    json_t *unmet;
    json_t *list = checklist(c, r->id, r->phase, json_object_get(phase, "key_actions"), &unmet);
    json_int_t days = json_integer_value(json_object_get(phase, "timeframe_days"));
    int64_t due = r->phase_started_at + (int64_t)days * DAY_S;
    json_t *names = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(names, json_pack("{s:i, s:O}", "index", (int)i, "name",
                                               json_object_get(json_array_get(items, i), "name")));
    json_t *next = json_array_get(items, (size_t)r->phase + 1);
    json_t *o = json_pack(
        "{s:I, s:i, s:i, s:O, s:b, s:o, s:I, s:o, s:o, s:b, s:o, s:o, s:b, s:o, s:o, s:o}",
        "relationship_id", (json_int_t)r->id, "index", r->phase, "count", (int)count, "name",
        phase ? json_object_get(phase, "name") : json_null(), "is_last",
        (size_t)r->phase + 1 >= count, "key_actions", list, "timeframe_days", days, "started_at",
        api_time(r->phase_started_at), "due_at", api_time(due), "overdue",
        rel_is_open(r) && days > 0 && clock_now() > due, "resources",
        list_copy(json_object_get(phase, "resources")), "exit_criteria",
        list_copy(json_object_get(phase, "exit_criteria")), "criteria_met",
        json_array_size(unmet) == 0, "unmet", unmet, "phases", names, "history",
        history(c, r->id, items));
    json_object_set_new(
        o, "next",
        next ? json_pack("{s:i, s:O}", "index", r->phase + 1, "name", json_object_get(next, "name"))
             : json_null());
    if (unmet_out)
        *unmet_out = json_incref(unmet);
    return o;
}

/* The body, where an empty one counts as {}. */
static int body_or_empty(api_ctx *c, json_t **out)
{
    if (c->req->body_len == 0) {
        *out = json_object();
        return 0;
    }
    return api_body_object(c, out);
}

static int config_of(api_ctx *c, const struct svc_rel *r, struct program_config *cfg)
{
    int rc = svc_program_config(c->db, r->program_id, cfg, NULL, 0);
    if (rc == SVC_OK)
        return 0;
    return api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
}

int h_phase_get(api_ctx *c)
{
    struct svc_rel r;
    struct program_config cfg;
    if (rel_open(c, 0, PERM_READ, &r) || config_of(c, &r, &cfg))
        return -1;
    json_t *o = phase_json(c, &r, &cfg, NULL);
    program_config_cleanup(&cfg);
    return api_json(c, 200, o);
}

int h_phase_check(api_ctx *c)
{
    static const char *const keys[] = {"phase", "item", "done", NULL};
    struct svc_rel r;
    struct program_config cfg = {0};
    json_t *body = NULL;
    int result = -1, rc;
    if (rel_open(c, 0, PERM_WRITE, &r))
        return -1;
    if (!rel_is_open(&r))
        return api_problem(c, 409, NULL, "the relationship is %s; its workspace is read-only",
                           r.status);
    if (config_of(c, &r, &cfg) || api_body_object(c, &body))
        goto done;
    const json_t *items = phase_items(&cfg);
    verr e = {0};
    int64_t phase, item;
    bool done_flag;
    if (v_known_keys(body, "", keys, &e) ||
        v_int(body, "phase", "", 0, (int64_t)json_array_size(items) - 1, r.phase, false, &phase,
              &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if (phase > r.phase) {
        result = api_problem(c, 409, "phase", "phase %lld has not started yet", (long long)phase);
        goto done;
    }
    const json_t *actions = json_object_get(json_array_get(items, (size_t)phase), "key_actions");
    if (json_array_size(actions) == 0) {
        result = api_problem(c, 422, "item", "item: this phase has no key actions to tick");
        goto done;
    }
    if (v_int(body, "item", "", 0, (int64_t)json_array_size(actions) - 1, 0, true, &item, &e) ||
        v_bool(body, "done", "", true, &done_flag, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    store_val p[] = {SV_INT(r.id), SV_INT(phase), SV_INT(item), SV_INT(c->actor.person_id),
                     SV_INT(clock_now())};
    if (done_flag)
        rc = store_exec(
            c->db,
            "INSERT INTO phase_checks (relationship_id, phase, item, done_by, done_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (relationship_id, phase, item) DO NOTHING",
            p, 5, NULL);
    else
        rc = store_exec(
            c->db,
            "DELETE FROM phase_checks WHERE relationship_id = ?1 AND phase = ?2 AND item = ?3", p,
            3, NULL);
    if (rc != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    api_audit(c, done_flag ? "phase.check" : "phase.uncheck", "relationship", r.id,
              json_pack("{s:I, s:I}", "phase", (json_int_t)phase, "item", (json_int_t)item));
    result = api_json(c, 200, phase_json(c, &r, &cfg, NULL));
done:
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}

/* "'a', 'b'" from a list of texts, for a message. */
static void join_quoted(const json_t *list, char *out, size_t outlen)
{
    buf b;
    buf_init(&b, outlen - 1);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        if (buf_printf(&b, "%s'%s'", i ? ", " : "", json_string_value(v)))
            break;
    }
    str_fmt(out, outlen, "%s", b.len ? b.data : "");
    buf_cleanup(&b);
}

int h_phase_advance(api_ctx *c)
{
    static const char *const keys[] = {"override", NULL};
    struct svc_rel r;
    struct program_config cfg = {0};
    json_t *body = NULL, *unmet = NULL;
    int result = -1, rc;
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    bool coordinator = perm_coordinates(r.roles);
    if (!rel_is_open(&r))
        return api_problem(c, 409, NULL, "the relationship is %s; its phase no longer moves",
                           r.status);
    if (config_of(c, &r, &cfg) || body_or_empty(c, &body))
        goto done;
    verr e = {0};
    bool override;
    if (v_known_keys(body, "", keys, &e) || v_bool(body, "override", "", false, &override, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if (override && !coordinator) {
        result = api_problem(c, 403, "override",
                             "only the program's coordinators may override the exit criteria");
        goto done;
    }
    const json_t *items = phase_items(&cfg);
    if ((size_t)r.phase + 1 >= json_array_size(items)) {
        result = api_problem(
            c, 409, NULL, "'%s' is the last phase; there is no next one",
            json_string_value(json_object_get(json_array_get(items, (size_t)r.phase), "name")));
        goto done;
    }
    /* Move first (the conditional UPDATE locks the row and loses to a
     * concurrent move), then check the criteria under that lock. */
    int64_t now = clock_now(), changes = 0;
    store_val p[] = {SV_INT(r.id), SV_INT(r.phase + 1), SV_INT(now), SV_INT(r.phase)};
    if ((rc = store_exec(
             c->db,
             "UPDATE relationships SET phase = ?2, phase_started_at = ?3, updated_at = ?3, "
             "version = version + 1 WHERE id = ?1 AND phase = ?4",
             p, 4, &changes)) != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    if (changes != 1) {
        result = api_problem(c, 409, NULL,
                             "the relationship moved to another phase meanwhile; read it again");
        goto done;
    }
    json_decref(phase_json(c, &r, &cfg, &unmet));
    if (json_array_size(unmet) > 0 && !override) {
        char list[1024];
        join_quoted(unmet, list, sizeof list);
        result = api_problem(
            c, 409, "override", "the exit criteria of '%s' are not met: key actions not done: %s",
            json_string_value(json_object_get(json_array_get(items, (size_t)r.phase), "name")),
            list);
        goto done;
    }
    store_val m[] = {SV_INT(r.id),
                     SV_INT(r.phase),
                     SV_INT(r.phase + 1),
                     SV_INT(now),
                     SV_INT(c->actor.person_id),
                     SV_INT(override ? 1 : 0)};
    if ((rc = store_exec(c->db,
                         "INSERT INTO phase_moves (relationship_id, from_phase, to_phase, "
                         "moved_at, moved_by, override) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         m, 6, NULL)) != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    api_audit(
        c, "phase.advance", "relationship", r.id,
        json_pack("{s:i, s:i, s:b}", "from", r.phase, "to", r.phase + 1, "override", override));
    r.phase++;
    r.phase_started_at = now;
    result = api_json(c, 200, phase_json(c, &r, &cfg, NULL));
done:
    program_config_cleanup(&cfg);
    json_decref(body);
    json_decref(unmet);
    return result;
}
