#include "service/requests.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/profile.h"
#include "service/alert.h"
#include "service/audit.h"
#include "service/matchable.h"
#include "service/outbox.h"
#include "service/participation.h"
#include "service/program.h"
#include "service/relationship.h"
#include "service/reminder.h"

#define DAY_S 86400

/* ---- reading ---- */

#define REQ_COLS                                                                                   \
    "r.id, r.program_id, r.mentee_id, r.choices, r.current, r.mentor_id, r.status, r.message, "    \
    "r.history, r.created_at, r.asked_at, r.expires_at, r.responded_at, r.relationship_id"

void svc_request_cleanup(struct svc_request *r)
{
    if (!r)
        return;
    free(r->message);
    json_decref(r->history);
    if (r->card) {
        free(r->card->department);
        free(r->card->job_title);
        json_decref(r->card->profile);
        json_decref(r->card->answers);
        free(r->card);
    }
    r->message = NULL;
    r->history = NULL;
    r->card = NULL;
}

/* The mentee's answers to the program's questions for mentees, with their
 * labels, in the program's order. */
static json_t *answers_of(const struct program_config *cfg, const json_t *application)
{
    json_t *out = json_array();
    size_t i;
    const json_t *q;
    json_array_foreach(cfg->selection.questions, i, q)
    {
        const char *id = json_string_value(json_object_get(q, "id"));
        const char *role = json_string_value(json_object_get(q, "role"));
        const json_t *a = id ? json_object_get(application, id) : NULL;
        if (!a || json_is_null(a) || (role && strcmp(role, "mentor") == 0))
            continue;
        const char *label = json_string_value(json_object_get(q, "label"));
        json_array_append_new(out, json_pack("{s:s, s:s, s:O}", "question", id, "label",
                                             label ? label : id, "answer", a));
    }
    return out;
}

/* The card of the mentee of r, for whoever answers it. */
static int requester(store *db, const struct program_config *cfg, struct svc_request *r)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(r->mentee)};
    int rc = store_query(db,
                         "SELECT pa.person_id, pe.department, pe.job_title, pa.profile, "
                         "pa.application FROM participations pa JOIN people pe ON pe.id = "
                         "pa.person_id WHERE pa.id = ?1",
                         p, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        struct svc_requester *c = r->card = xcalloc(1, sizeof *c);
        c->participation_id = r->mentee;
        c->person_id = store_col_int(rows, 0);
        c->department = store_col_text(rows, 1) ? xstrdup(store_col_text(rows, 1)) : NULL;
        c->job_title = store_col_text(rows, 2) ? xstrdup(store_col_text(rows, 2)) : NULL;
        c->profile = json_loads(store_col_text(rows, 3), 0, NULL);
        if (!json_is_object(c->profile)) {
            json_decref(c->profile);
            c->profile = json_object();
        }
        json_t *application = json_loads(store_col_text(rows, 4), 0, NULL);
        c->answers = answers_of(cfg, application);
        json_decref(application);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

void svc_request_list_free(struct svc_request *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        svc_request_cleanup(&items[i]);
    free(items);
}

static void read_request(store_rows *rows, struct svc_request *r)
{
    memset(r, 0, sizeof *r);
    r->id = store_col_int(rows, 0);
    r->program_id = store_col_int(rows, 1);
    r->mentee = store_col_int(rows, 2);
    json_t *choices = json_loads(store_col_text(rows, 3), 0, NULL);
    size_t i;
    json_t *v;
    json_array_foreach(choices, i, v) if (r->nchoices < LIMIT_REQUEST_CHOICES)
        r->choices[r->nchoices++] = json_integer_value(v);
    json_decref(choices);
    r->current = (int)store_col_int(rows, 4);
    r->mentor = store_col_int(rows, 5);
    str_fmt(r->status, sizeof r->status, "%s", store_col_text(rows, 6));
    r->message = xstrdup(store_col_text(rows, 7) ? store_col_text(rows, 7) : "");
    r->history = json_loads(store_col_text(rows, 8), 0, NULL);
    if (!json_is_array(r->history)) {
        json_decref(r->history);
        r->history = json_array();
    }
    r->created_at = store_col_int(rows, 9);
    r->asked_at = store_col_int(rows, 10);
    r->expires_at = store_col_int(rows, 11);
    r->responded_at = store_col_null(rows, 12) ? 0 : store_col_int(rows, 12);
    r->relationship_id = store_col_null(rows, 13) ? 0 : store_col_int(rows, 13);
}

int svc_request_get(store *db, int64_t id, struct svc_request *out)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id)};
    memset(out, 0, sizeof *out);
    int rc = store_query(db, "SELECT " REQ_COLS " FROM mentoring_requests r WHERE r.id = ?1", p, 1,
                         &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        read_request(rows, out);
        rc = SVC_OK;
    } else if (rc == 0) {
        rc = SVC_NOT_FOUND;
    }
    store_rows_free(rows);
    return rc;
}

/* Whether participation `part` is the actor's, in *yes. */
static int is_mine(store *db, const svc_actor *actor, int64_t part, bool *yes)
{
    int64_t n = 0;
    store_val q[] = {SV_INT(part), SV_INT(actor->person_id)};
    int rc = store_query_int(
        db, "SELECT COUNT(*) FROM participations WHERE id = ?1 AND person_id = ?2", q, 2, &n);
    *yes = n > 0;
    return rc < 0 ? rc : STORE_OK;
}

int svc_request_open(store *db, const svc_actor *actor, int64_t id, struct svc_request *out,
                     bool *as_mentee, bool *as_mentor)
{
    int rc = svc_request_get(db, id, out);
    if (rc == SVC_OK && (rc = is_mine(db, actor, out->mentee, as_mentee)) == STORE_OK &&
        (rc = is_mine(db, actor, out->mentor, as_mentor)) == STORE_OK)
        rc = *as_mentee || *as_mentor ? SVC_OK : SVC_NOT_FOUND;
    if (rc != SVC_OK)
        svc_request_cleanup(out);
    return rc;
}

/* The sort name of participation `part` into out ("" when none). */
static int name_of(store *db, int64_t part, char *out, size_t outlen)
{
    store_rows *rows = NULL;
    store_val q[] = {SV_INT(part)};
    out[0] = '\0';
    int rc = store_query(db, "SELECT sort_name FROM participations WHERE id = ?1", q, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1 && store_col_text(rows, 0))
        str_fmt(out, outlen, "%s", store_col_text(rows, 0));
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

/* Whether a mentor participation sees the request: it reached them. */
static bool reached(const struct svc_request *r, int64_t mentor)
{
    for (size_t k = 0; mentor && k < r->nchoices; k++)
        if (r->choices[k] == mentor && (int)k <= r->current)
            return true;
    return false;
}

int svc_request_list(store *db, const svc_actor *actor, int64_t program_id, bool all,
                     struct svc_request **out, size_t *n)
{
    int64_t my_mentor = 0, my_mentee = 0;
    store_rows *rows = NULL;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc = STORE_OK;
    if (!all && ((rc = svc_participation_of(db, actor, program_id, "mentor", &my_mentor)) ||
                 (rc = svc_participation_of(db, actor, program_id, "mentee", &my_mentee))))
        return rc;
    store_val p[] = {SV_INT(program_id), SV_INT(all ? 0 : actor->person_id),
                     SV_INT(LIMIT_REQUESTS_LISTED)};
    rc = store_query(db,
                     "SELECT " REQ_COLS
                     " FROM mentoring_requests r WHERE r.program_id = ?1 AND (?2 = 0 OR EXISTS ("
                     " SELECT 1 FROM participations pa WHERE pa.person_id = ?2 AND (pa.id = "
                     "r.mentee_id OR pa.id = r.mentor_id "
                     " OR (',' || replace(replace(r.choices, '[', ''), ']', '') || ',') LIKE ('%,' "
                     "|| pa.id || ',%')))) ORDER BY r.id DESC LIMIT ?3",
                     p, 3, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        struct svc_request r;
        read_request(rows, &r);
        if (!all && r.mentee != my_mentee && !reached(&r, my_mentor)) {
            svc_request_cleanup(&r);
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        (*out)[(*n)++] = r;
    }
    store_rows_free(rows);
    /* Names, for the inbox, and the card of who asks for the one who answers. */
    struct program_config cfg = {0};
    if (rc >= 0 && (rc = svc_program_config(db, program_id, &cfg, NULL, 0)) > 0)
        rc = STORE_ERROR; /* a participation's program exists */
    for (size_t i = 0; rc >= 0 && i < *n; i++) {
        struct svc_request *r = &(*out)[i];
        if (strcmp(r->status, "pending") == 0 && (all || (my_mentor && r->mentor == my_mentor)))
            rc = requester(db, &cfg, r);
        for (size_t k = 0; rc >= 0 && k < r->nchoices; k++)
            rc = name_of(db, r->choices[k], r->choice_names[k], sizeof r->choice_names[k]);
        if (rc >= 0)
            rc = name_of(db, r->mentee, r->mentee_name, sizeof r->mentee_name);
        if (rc >= 0)
            rc = name_of(db, r->mentor, r->mentor_name, sizeof r->mentor_name);
    }
    program_config_cleanup(&cfg);
    if (rc < 0) {
        svc_request_list_free(*out, *n);
        *out = NULL;
        *n = 0;
        return rc;
    }
    return STORE_OK;
}

/* ---- asking ---- */

int svc_request_asker(store *db, const svc_actor *actor, int64_t program_id, const char *not_mentee,
                      int64_t *mentee, struct program_config *cfg, verr *e)
{
    memset(cfg, 0, sizeof *cfg);
    int rc = svc_participation_of(db, actor, program_id, "mentee", mentee);
    if (rc != STORE_OK)
        return rc;
    if (!*mentee)
        return svc_fail(e, SVC_FORBIDDEN, NULL, "%s", not_mentee);
    if ((rc = svc_program_config(db, program_id, cfg, NULL, 0)) != SVC_OK)
        return rc > 0 ? STORE_ERROR : rc; /* a participation's program exists */
    if (cfg->matching.mode == PROGRAM_MATCH_ADMIN) {
        program_config_cleanup(cfg);
        return svc_fail(e, SVC_FORBIDDEN, NULL,
                        "in this program the coordinators make the matches");
    }
    return SVC_OK;
}

void svc_recommendations_cleanup(struct svc_recommendations *r)
{
    if (!r)
        return;
    match_ranking_free(r->rk); /* borrows names from the instance: first */
    svc_match_input_cleanup(&r->mi);
    r->rk = NULL;
}

/* Why the mentee cannot ask for a mentor now, in words for them, with the
 * field that says what to do: "status" (wait for approval), "training"
 * (complete it first), "wants" (they have the mentors they want). */
static int not_matchable(store *db, int64_t program_id, const struct program_config *cfg,
                         int64_t mentee, verr *e)
{
    struct svc_matchable *m = NULL;
    size_t n = 0;
    int rc = svc_matchable_list(db, program_id, "mentee", mentee, &m, &n);
    if (rc != STORE_OK)
        return rc;
    if (n == 0) {
        free(m);
        return STORE_ERROR; /* the asker's own participation, read a moment ago */
    }
    struct svc_matchable me = m[0];
    free(m);
    switch (participation_eligible(me.status, me.trained, cfg->training.required_before_matching)) {
    case NOT_APPROVED:
        if (me.status == STAGE_DECLINED || me.status == STAGE_WITHDRAWN)
            return svc_fail(e, SVC_REFUSED, "status",
                            "you are no longer taking part in this program as a mentee (%s)",
                            stage_name(me.status));
        return svc_fail(e, SVC_REFUSED, "status",
                        "your application is waiting for a coordinator's approval; you can ask "
                        "for a mentor once it is approved");
    case NOT_TRAINED:
        return svc_fail(e, SVC_REFUSED, "training",
                        "complete your training first: this program asks for it before you are "
                        "matched");
    case COMPLETED:
        return svc_fail(e, SVC_REFUSED, "wants",
                        "you have completed the program; your relationships are under My "
                        "relationships");
    case ELIGIBLE: break;
    }
    if (me.slots <= 1)
        return svc_fail(e, SVC_REFUSED, "wants",
                        "you have the mentor you asked for; your relationship is under My "
                        "relationships");
    return svc_fail(e, SVC_REFUSED, "wants",
                    "you have all the mentors you want (%lld of %lld); your relationships are "
                    "under My relationships",
                    (long long)me.taken, (long long)me.slots);
}

int svc_request_missing(store *db, const struct program_config *cfg, int64_t mentee,
                        const char *out[LIMIT_REQUIRED_FIELDS], size_t *n)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(mentee)};
    json_t *profile = NULL, *answers = NULL;
    *n = 0;
    int rc = store_query(db, "SELECT profile, application FROM participations WHERE id = ?1", p, 1,
                         &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        profile = json_loads(store_col_text(rows, 0), 0, NULL);
        answers = json_loads(store_col_text(rows, 1), 0, NULL);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    size_t i;
    const json_t *c;
    json_array_foreach(cfg->matching.criteria, i, c)
    {
        if (rc != STORE_OK || !json_is_true(json_object_get(c, "required")))
            continue;
        const char *f = json_string_value(json_object_get(c, "mentee_field"));
        if (!f)
            f = json_string_value(json_object_get(c, "field"));
        if (!f || profile_value_filled(json_object_get(profile, f)) ||
            profile_value_filled(json_object_get(answers, f)))
            continue;
        bool seen = false;
        for (size_t k = 0; k < *n; k++)
            seen = seen || strcmp(out[k], f) == 0;
        if (!seen && *n < LIMIT_REQUIRED_FIELDS)
            out[(*n)++] = f; /* borrowed from cfg's document */
    }
    json_decref(profile);
    json_decref(answers);
    return rc < 0 ? rc : STORE_OK;
}

int svc_request_recommend(store *db, int64_t program_id, const struct program_config *cfg,
                          int64_t mentee, struct svc_recommendations *out, verr *e)
{
    char why[512] = "";
    memset(out, 0, sizeof *out);
    int rc = svc_match_input_build(db, program_id, cfg, mentee, false, &out->mi, why, sizeof why);
    if (rc != SVC_OK)
        return rc > 0 ? svc_fail(e, rc, NULL, "%s", why) : rc;
    long m = svc_match_input_mentee(&out->mi, mentee);
    if (m < 0) {
        svc_recommendations_cleanup(out);
        return not_matchable(db, program_id, cfg, mentee, e);
    }
    if (match_rank(out->mi.inst, (size_t)m, &out->rk, why, sizeof why)) {
        svc_recommendations_cleanup(out);
        return svc_fail(e, SVC_REFUSED, NULL, "%s", why);
    }
    return SVC_OK;
}

/* Ids of the pending requests due at `now`, of one mentee when > 0. */
static int due(store *db, int64_t now, int64_t mentee, int64_t *ids, size_t max, size_t *n)
{
    store_val p[] = {SV_INT(now), SV_INT(mentee), SV_INT((int64_t)max)};
    return store_query_ints(db,
                            "SELECT id FROM mentoring_requests WHERE status = 'pending' AND "
                            "expires_at <= ?1 AND (?2 = 0 OR mentee_id = ?2) "
                            "ORDER BY expires_at, id LIMIT ?3",
                            p, 3, ids, max, n);
}

/* One pending request per mentee (the service checks, the database's
 * index holds it under concurrent requests). */
static const char one_pending[] = "you have a request waiting for an answer; withdraw it first";

/* Asks mentor participation `mentor` in program_id, by mail, to answer
 * a request on the program's requests page. */
static int ask(store *db, int64_t program_id, int64_t mentor, int64_t now)
{
    char link[LIMIT_HTTP_URL_BYTES];
    svc_outbox_link(link, sizeof link, "/programs/%lld/requests", (long long)program_id);
    struct mail_value v[] = {{"link", link}};
    return svc_outbox_mail_participation(db, mentor, "request", v, 1, now);
}

int svc_request_create(store *db, const svc_actor *actor, int64_t program_id,
                       const struct program_config *cfg, int64_t mentee,
                       const struct request_new *in, int64_t *id, verr *e)
{
    int64_t now = clock_now(), ids[LIMIT_REQUEST_CHOICES], pending = 0;
    struct svc_recommendations rec = {0};
    char f[32];
    size_t n;
    bool moved;
    int rc;
    *id = 0;
    if (in->n == 0 || in->n > LIMIT_REQUEST_CHOICES)
        return svc_fail(e, SVC_INVALID, "mentors",
                        "name one mentor, or up to three in order of preference");
    /* The mentee's own request whose time ran out moves on first. */
    if ((rc = due(db, now, mentee, ids, LIMIT_REQUEST_CHOICES, &n)) != STORE_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        if ((rc = svc_request_expire(db, ids[i], now, &moved)) != STORE_OK)
            return rc;
    store_val q[] = {SV_INT(mentee)};
    if ((rc = store_query_int(
             db,
             "SELECT COUNT(*) FROM mentoring_requests WHERE mentee_id = ?1 AND status = 'pending'",
             q, 1, &pending)) < 0)
        return rc;
    if (pending)
        return svc_fail(e, SVC_REFUSED, "mentors", "%s", one_pending);
    if ((rc = svc_request_recommend(db, program_id, cfg, mentee, &rec, e)) != SVC_OK)
        return rc;
    /* Every choice must be a mentor with free capacity the mentee may be
     * matched with. */
    for (size_t i = 0; i < in->n && rc == SVC_OK; i++) {
        str_fmt(f, sizeof f, "mentors[%zu]", i);
        for (size_t k = 0; k < i && rc == SVC_OK; k++)
            if (in->mentors[k] == in->mentors[i])
                rc = svc_fail(e, SVC_INVALID, f, "listed twice");
        if (rc != SVC_OK)
            break;
        long r = svc_match_input_mentor(&rec.mi, in->mentors[i]);
        const match_ranked *it = NULL;
        for (size_t k = 0; r >= 0 && k < rec.rk->n; k++)
            if (rec.rk->items[k].mentor == (size_t)r)
                it = &rec.rk->items[k];
        if (!it) {
            int64_t is_mentor = 0;
            store_val m[] = {SV_INT(in->mentors[i]), SV_INT(program_id)};
            if ((rc = store_query_int(db,
                                      "SELECT COUNT(*) FROM participations WHERE id = ?1 AND "
                                      "program_id = ?2 AND role = 'mentor'",
                                      m, 2, &is_mentor)) >= 0)
                rc = is_mentor ? svc_fail(e, SVC_REFUSED, f, "this mentor has no free place now")
                               : svc_fail(e, SVC_INVALID, f, "not a mentor of this program");
        } else if (!it->allowed) {
            rc = svc_fail(e, SVC_REFUSED, f, "you cannot be matched with this mentor (%s)",
                          it->refusal);
        }
    }
    svc_recommendations_cleanup(&rec);
    if (rc != SVC_OK)
        return rc;
    json_t *choices = json_array();
    for (size_t i = 0; i < in->n; i++)
        json_array_append_new(choices, json_integer(in->mentors[i]));
    char *ct = json_dumps(choices, JSON_COMPACT);
    json_decref(choices);
    store_val ins[] = {SV_INT(program_id),
                       SV_INT(mentee),
                       SV_TEXT(ct),
                       SV_INT(in->mentors[0]),
                       SV_TEXT(in->message ? in->message : ""),
                       SV_INT(now),
                       SV_INT(now + (int64_t)cfg->matching.request_expiry_days * DAY_S)};
    rc = store_query_int(db,
                         "INSERT INTO mentoring_requests (program_id, mentee_id, choices, "
                         "mentor_id, message, created_at, asked_at, expires_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7) RETURNING id",
                         ins, 7, id);
    free(ct);
    /* Another request of the mentee's, made at the same moment, was first:
     * the database's one-pending-request index refused this one. */
    if (rc == STORE_CONFLICT)
        return svc_fail(e, SVC_REFUSED, "mentors", "%s", one_pending);
    if (rc != 1)
        return rc < 0 ? rc : STORE_ERROR;
    if ((rc = ask(db, program_id, in->mentors[0], now)) != STORE_OK ||
        (rc = svc_reminder_request(db, *id, now)) != STORE_OK)
        return rc;
    return svc_audit(db, actor, "request.create", "request", *id, NULL);
}

/* ---- answers and expiry ---- */

/* The history with one more entry, as text (caller frees). */
static char *history_with(const struct svc_request *r, int64_t mentor, const char *outcome,
                          int64_t now)
{
    char at[32];
    clock_rfc3339(now, at);
    json_t *h = json_deep_copy(r->history);
    json_array_append_new(h, json_pack("{s:I, s:s, s:s}", "mentor", (json_int_t)mentor, "outcome",
                                       outcome, "at", at));
    char *text = json_dumps(h, JSON_COMPACT);
    json_decref(h);
    return text;
}

/* Moves a pending request on after a decline or an expiry: to the next
 * choice, asked now, or to its end (`final`) when none is left. */
static int cascade(store *db, const struct svc_request *r, const char *outcome, const char *final,
                   int64_t expiry_days, int64_t now)
{
    char *ht = history_with(r, r->mentor, outcome, now);
    int rc;
    if ((size_t)r->current + 1 < r->nchoices) {
        int64_t next = r->choices[r->current + 1];
        store_val p[] = {SV_INT(r->id), SV_INT(r->current + 1),           SV_INT(next), SV_TEXT(ht),
                         SV_INT(now),   SV_INT(now + expiry_days * DAY_S)};
        rc = store_exec(db,
                        "UPDATE mentoring_requests SET current = ?2, mentor_id = ?3, history = ?4, "
                        "asked_at = ?5, expires_at = ?6 WHERE id = ?1",
                        p, 6, NULL);
        if (rc == STORE_OK)
            rc = ask(db, r->program_id, next, now);
    } else {
        store_val p[] = {SV_INT(r->id), SV_TEXT(final), SV_TEXT(ht), SV_INT(now)};
        rc = store_exec(db,
                        "UPDATE mentoring_requests SET status = ?2, history = ?3, responded_at = "
                        "?4 WHERE id = ?1",
                        p, 4, NULL);
        if (rc == STORE_OK) {
            char link[LIMIT_HTTP_URL_BYTES];
            svc_outbox_link(link, sizeof link, "/programs/%lld/mentors", (long long)r->program_id);
            struct mail_value v[] = {{"link", link}};
            rc = svc_outbox_mail_participation(db, r->mentee, "request_closed", v, 1, now);
        }
    }
    free(ht);
    return rc;
}

/* Takes request `id`'s row lock (a no-op write: PostgreSQL locks the row,
 * SQLite's writer holds the database) and reads it again under it, so two
 * answers, or an answer and the expiry job, never act on the same pending
 * request. SVC_OK, SVC_NOT_FOUND, or a store status. */
static int lock_request(store *db, int64_t id, struct svc_request *out)
{
    store_val p[] = {SV_INT(id)};
    int rc =
        store_exec(db, "UPDATE mentoring_requests SET current = current WHERE id = ?1", p, 1, NULL);
    return rc == STORE_OK ? svc_request_get(db, id, out) : rc;
}

int svc_requests_due(store *db, int64_t now, int64_t *ids, size_t max, size_t *n)
{
    return due(db, now, 0, ids, max, n);
}

int svc_request_expire(store *db, int64_t id, int64_t now, bool *moved)
{
    struct svc_request r;
    struct program_config cfg = {0};
    *moved = false;
    int rc = lock_request(db, id, &r);
    if (rc == SVC_NOT_FOUND)
        return STORE_OK; /* gone meanwhile */
    if (rc != SVC_OK)
        return rc;
    if (strcmp(r.status, "pending") != 0 || r.expires_at > now)
        goto done; /* answered, or asked again, meanwhile */
    if ((rc = svc_program_config(db, r.program_id, &cfg, NULL, 0)) != SVC_OK) {
        rc = rc > 0 ? STORE_ERROR : rc;
        goto done;
    }
    bool next = (size_t)r.current + 1 < r.nchoices;
    rc = cascade(db, &r, "expired", "expired", cfg.matching.request_expiry_days, now);
    if (rc == STORE_OK)
        rc = svc_reminder_request(db, id, now);
    *moved = rc == STORE_OK;
    if (rc == STORE_OK) {
        /* The coordinators' chat hears of requests left waiting. */
        char text[200], link[LIMIT_HTTP_URL_BYTES];
        str_fmt(text, sizeof text,
                next ? "A mentee's request waited %d days without an answer and moved on to "
                       "their next choice."
                     : "A mentee's request waited %d days without an answer; none of their "
                       "choices is left, so it ended.",
                cfg.matching.request_expiry_days);
        svc_outbox_link(link, sizeof link, "/programs/%lld/requests", (long long)r.program_id);
        rc = svc_alert(db, r.program_id, "request_waiting", text, link, now);
    }
done:
    program_config_cleanup(&cfg);
    svc_request_cleanup(&r);
    return rc;
}

/* The mentor said yes: the relationship is made, with every rule checked
 * again under lock. */
static int accept(store *db, const svc_actor *actor, const struct svc_request *r,
                  const struct program_config *cfg, const char *message, int64_t now, verr *e)
{
    int64_t rel = 0, mentee = r->mentee;
    struct svc_rel_new in = {.mentor = r->mentor, .mentees = &mentee, .n = 1, .source = "request"};
    int rc = svc_relationship_create(db, actor, r->program_id, cfg, &in, &rel, e);
    if (rc > 0) {
        char why[sizeof e->msg];
        str_fmt(why, sizeof why, "%s", e->msg);
        return svc_fail(e, SVC_REFUSED, "action", "the match cannot be made: %s", why);
    }
    if (rc != STORE_OK)
        return rc;
    char *ht = history_with(r, r->mentor, "accepted", now);
    store_val a[] = {SV_INT(r->id), SV_INT(now), SV_INT(rel), SV_TEXT(ht)};
    rc = store_exec(db,
                    "UPDATE mentoring_requests SET status = 'accepted', responded_at = ?2, "
                    "relationship_id = ?3, history = ?4 WHERE id = ?1 AND status = 'pending'",
                    a, 4, NULL);
    free(ht);
    if (rc == STORE_OK && *message) {
        char link[LIMIT_HTTP_URL_BYTES];
        svc_outbox_link(link, sizeof link, "/relationships/%lld", (long long)rel);
        struct mail_value v[] = {{"message", message}, {"link", link}};
        rc = svc_outbox_mail_participation(db, r->mentee, "request_accepted", v, 2, now);
    }
    return rc;
}

int svc_request_answer(store *db, const svc_actor *actor, struct svc_request *r,
                       enum request_action action, const char *message, verr *e)
{
    static const char *const names[] = {"accept", "decline", "withdraw"};
    struct program_config cfg = {0};
    bool as_mentee, as_mentor;
    int64_t now = clock_now(), id = r->id;
    message = message ? message : "";
    /* Read it again under its lock: the state checked below is the state
     * changed, even when the expiry job or another answer came first. */
    svc_request_cleanup(r);
    int rc = lock_request(db, id, r);
    if (rc != SVC_OK)
        return rc > 0 ? STORE_ERROR : rc;
    if ((rc = is_mine(db, actor, r->mentee, &as_mentee)) != STORE_OK ||
        (rc = is_mine(db, actor, r->mentor, &as_mentor)) != STORE_OK)
        return rc;
    if (action == REQUEST_WITHDRAW ? !as_mentee : !as_mentor)
        return svc_fail(e, SVC_FORBIDDEN, "action",
                        action == REQUEST_WITHDRAW ? "only the mentee withdraws a request"
                                                   : "only the mentor asked answers a request");
    if (strcmp(r->status, "pending") != 0)
        return svc_fail(e, SVC_REFUSED, "action", "this request is %s", r->status);
    if (action != REQUEST_WITHDRAW && r->expires_at <= now)
        /* Too late: the expiry job moves it on. */
        return svc_fail(e, SVC_REFUSED, "action", "this request expired before your answer");
    if ((rc = svc_program_config(db, r->program_id, &cfg, NULL, 0)) != SVC_OK) {
        rc = rc > 0 ? STORE_ERROR : rc;
        goto done;
    }
    if (action == REQUEST_WITHDRAW) {
        store_val w[] = {SV_INT(r->id), SV_INT(now)};
        rc = store_exec(
            db,
            "UPDATE mentoring_requests SET status = 'withdrawn', responded_at = ?2 WHERE id = ?1",
            w, 2, NULL);
    } else if (action == REQUEST_DECLINE) {
        rc = cascade(db, r, *message ? message : "declined", "declined",
                     cfg.matching.request_expiry_days, now);
    } else {
        rc = accept(db, actor, r, &cfg, message, now, e);
    }
    if (rc == STORE_OK)
        rc = svc_reminder_request(db, id, now);
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "request.answer", "request", r->id,
                       json_pack("{s:s}", "action", names[action]));
    if (rc == STORE_OK) {
        svc_request_cleanup(r);
        if ((rc = svc_request_get(db, id, r)) > 0)
            rc = STORE_ERROR; /* it was there a moment ago */
    }
done:
    program_config_cleanup(&cfg);
    return rc;
}
