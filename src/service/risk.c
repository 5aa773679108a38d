#include "service/risk.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/vec.h"
#include "domain/survey.h"
#include "service/alert.h"
#include "service/audit.h"
#include "service/facts.h"
#include "service/outbox.h"
#include "service/program.h"
#include "service/workspace.h"

#define OPEN_STATUSES "('active', 'paused', 'closing')"
#define WHICH "r.program_id = ?1 AND r.status IN " OPEN_STATUSES " AND (?2 = 0 OR r.id = ?2)"

void svc_risk_items_free(struct svc_risk_item *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        free(items[i].members);
    free(items);
}

/* What one open relationship is made of, while it is assessed: its facts
 * (relationship_facts, service/facts.h), the parties that have health
 * checks or pairing-fit answers, and the reasons' codes only (a few bytes,
 * where an item with their sentences is 3 KB: 50 MB at 18,000
 * relationships). The members and their names are read only for the
 * relationships listed or flagged, whose sentences name them (reassess). */
struct rel_facts {
    struct {
        int64_t relationship_id, started_at, notes, last_note_at;
        char status[16];
        struct svc_rel_member *members; /* mentor first; NULL until load_members */
        size_t nmembers;
    } item;
    int phase;
    int64_t phase_started_at, last_meeting_at, goals, members, signings, agreement;
    struct risk_party *parties; /* with checks or answers; in member order after load_members */
    int64_t *party_ids;         /* their participations */
    size_t nparties;
    size_t nreasons;
    enum risk_code codes[RISK_COUNT];
};

static void facts_free(struct rel_facts *f, size_t n)
{
    for (size_t i = 0; f && i < n; i++) {
        free(f[i].item.members);
        free(f[i].parties);
        free(f[i].party_ids);
    }
    free(f);
}

/* The relationship with this id among f[0..n) (sorted by id), or NULL. */
static struct rel_facts *find(struct rel_facts *f, size_t n, int64_t id)
{
    size_t i =
        vec_lower_bound(f, n, sizeof *f, offsetof(struct rel_facts, item.relationship_id), id);
    return i < n && f[i].item.relationship_id == id ? &f[i] : NULL;
}

/* Participation part's party of *f, added when it has none yet; NULL when
 * f is NULL or already holds LIMIT_RELATIONSHIP_MEMBERS parties. */
static struct risk_party *party_of(struct rel_facts *f, int64_t part)
{
    if (!f)
        return NULL;
    for (size_t i = 0; i < f->nparties; i++)
        if (f->party_ids[i] == part)
            return &f->parties[i];
    if (f->nparties >= LIMIT_RELATIONSHIP_MEMBERS)
        return NULL;
    if (!f->parties) {
        f->parties = xcalloc(LIMIT_RELATIONSHIP_MEMBERS, sizeof *f->parties);
        f->party_ids = xcalloc(LIMIT_RELATIONSHIP_MEMBERS, sizeof *f->party_ids);
    }
    f->party_ids[f->nparties] = part;
    return &f->parties[f->nparties++];
}

/* Reads the program's open relationships (or only rel_id) with their
 * facts, and their parties' health checks and pairing-fit answers. */
static int load_facts(store *db, int64_t program_id, int64_t rel_id, struct rel_facts **out,
                      size_t *n)
{
    store_rows *rows = NULL;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    store_val p[] = {SV_INT(program_id), SV_INT(rel_id)};
    int rc = store_query(db,
                         "SELECT r.id, r.status, r.started_at, r.phase, r.phase_started_at, "
                         "f.last_held_at, f.goals, f.members, f.agreement, f.signings_current, "
                         "f.notes, f.last_note_at FROM relationships r JOIN relationship_facts f "
                         "ON f.relationship_id = r.id WHERE " WHICH " ORDER BY r.id",
                         p, 2, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        struct rel_facts *f = &(*out)[(*n)++];
        memset(f, 0, sizeof *f);
        f->item.relationship_id = store_col_int(rows, 0);
        str_fmt(f->item.status, sizeof f->item.status, "%s", store_col_text(rows, 1));
        f->item.started_at = store_col_int(rows, 2);
        f->phase = (int)store_col_int(rows, 3);
        f->phase_started_at = store_col_int(rows, 4);
        f->last_meeting_at = store_col_null(rows, 5) ? 0 : store_col_int(rows, 5);
        f->goals = store_col_int(rows, 6);
        f->members = store_col_int(rows, 7);
        if (f->members > LIMIT_RELATIONSHIP_MEMBERS)
            f->members = LIMIT_RELATIONSHIP_MEMBERS; /* as many as are read */
        f->agreement = store_col_int(rows, 8);
        f->signings = store_col_int(rows, 9);
        f->item.notes = store_col_int(rows, 10);
        f->item.last_note_at = store_col_null(rows, 11) ? 0 : store_col_int(rows, 11);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0)
        goto fail;

    /* Each party's checks, newest first: the first two count (only members
     * write them, and members never leave a relationship). */
    rc = store_query(db,
                     "SELECT h.relationship_id, h.participation_id, h.articulation, h.listening, "
                     "h.respect, h.goal_clarity, h.challenge, h.self_awareness, "
                     "h.commitment_to_learning, h.reflection_and_preparation FROM relationships r "
                     "JOIN health_checks h ON h.relationship_id = r.id WHERE " WHICH
                     " ORDER BY h.relationship_id, h.participation_id, h.id DESC",
                     p, 2, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        struct risk_party *pt =
            party_of(find(*out, *n, store_col_int(rows, 0)), store_col_int(rows, 1));
        rc = STORE_OK;
        if (!pt || pt->has_prev)
            continue;
        int *into = pt->has_last ? pt->prev : pt->last;
        for (int q = 0; q < HEALTH_QUALITIES; q++)
            into[q] = (int)store_col_int(rows, 2 + q);
        if (pt->has_last)
            pt->has_prev = true;
        else
            pt->has_last = true;
    }
    store_rows_free(rows);
    if (rc < 0)
        goto fail;

    /* Each party's latest pairing-fit answer, when the program has a
     * pairing-fit survey (PostgreSQL would otherwise start parallel
     * workers to join every response to none). */
    int64_t fit_surveys = 0;
    rows = NULL;
    if ((rc = store_query_int(db,
                              "SELECT COUNT(*) FROM surveys WHERE program_id = ?1 AND purpose = "
                              "'pairing_fit'",
                              p, 1, &fit_surveys)) < 0)
        goto fail;
    rc = !fit_surveys
             ? STORE_OK
             : store_query(
                   db,
                   "SELECT sr.relationship_id, sr.participation_id, sr.answers FROM "
                   "relationships r JOIN survey_responses sr ON sr.relationship_id = r.id JOIN "
                   "surveys s ON s.id = sr.survey_id WHERE " WHICH
                   " AND s.purpose = 'pairing_fit' ORDER BY sr.relationship_id, "
                   "sr.participation_id, sr.id DESC",
                   p, 2, &rows);
    int64_t last_rel = 0, last_part = 0;
    while (rc == STORE_OK && fit_surveys && (rc = store_next(rows)) == 1) {
        int64_t rid = store_col_int(rows, 0), part = store_col_int(rows, 1);
        rc = STORE_OK;
        if (rid == last_rel && part == last_part)
            continue; /* an older answer */
        last_rel = rid, last_part = part;
        struct risk_party *pt = party_of(find(*out, *n, rid), part);
        if (!pt)
            continue;
        json_t *a = json_loads(store_col_text(rows, 2), 0, NULL);
        pt->fit_no = str_eq(json_string_value(json_object_get(a, SURVEY_FIT_QUESTION)), "No");
        const char *why = json_string_value(json_object_get(a, "why"));
        if (pt->fit_no && why)
            str_fmt(pt->fit_why, sizeof pt->fit_why, "%s", why);
        json_decref(a);
    }
    store_rows_free(rows);
    if (rc < 0)
        goto fail;
    return STORE_OK;
fail:
    facts_free(*out, *n);
    *out = NULL;
    *n = 0;
    return rc;
}

/* Reads the members (mentor first, then by name) of the relationships of
 * f[0..n) up to id up_to (every one when 0), and puts their parties in
 * member order with their roles and names, for the reasons' sentences. */
static int load_members(store *db, int64_t program_id, int64_t rel_id, int64_t up_to,
                        struct rel_facts *f, size_t n)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(program_id), SV_INT(rel_id), SV_INT(up_to)};
    int rc = store_query(db,
                         "SELECT m.relationship_id, m.participation_id, pa.person_id, pe.name, "
                         "m.role FROM relationships r JOIN relationship_members m ON "
                         "m.relationship_id = r.id JOIN participations pa ON pa.id = "
                         "m.participation_id JOIN people pe ON pe.id = pa.person_id WHERE " WHICH
                         " AND (?3 = 0 OR r.id <= ?3) ORDER BY m.relationship_id, CASE m.role "
                         "WHEN 'mentor' THEN 0 ELSE 1 END, pe.name, m.participation_id",
                         p, 3, &rows);
    struct rel_facts *cur = NULL;
    struct risk_party *parties = NULL;
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        struct rel_facts *r = find(f, n, store_col_int(rows, 0));
        rc = STORE_OK;
        if (r != cur && cur) { /* cur's members are all read: its parties in their order */
            free(cur->parties);
            cur->parties = parties;
            cur->nparties = cur->item.nmembers;
            parties = NULL;
        }
        cur = r;
        if (!r || (int64_t)r->item.nmembers >= r->members)
            continue;
        if (!r->item.members) {
            r->item.members = xcalloc((size_t)r->members, sizeof *r->item.members);
            parties = xcalloc((size_t)r->members, sizeof *parties);
        }
        struct svc_rel_member *m = &r->item.members[r->item.nmembers];
        struct risk_party *pt = &parties[r->item.nmembers++];
        m->participation_id = store_col_int(rows, 1);
        m->person_id = store_col_int(rows, 2);
        str_fmt(m->name, sizeof m->name, "%s", store_col_text(rows, 3));
        str_fmt(m->role, sizeof m->role, "%s", store_col_text(rows, 4));
        for (size_t i = 0; i < r->nparties; i++)
            if (r->party_ids[i] == m->participation_id)
                *pt = r->parties[i]; /* the checks and answer */
        str_fmt(pt->role, sizeof pt->role, "%s", m->role);
        str_fmt(pt->name, sizeof pt->name, "%s", m->name);
    }
    if (cur) {
        free(cur->parties);
        cur->parties = parties;
        cur->nparties = cur->item.nmembers;
        parties = NULL;
    }
    free(parties);
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

/* The reasons of relationship *f at now under the program's guideline,
 * into it (its phase's name, reasons and their count). */
static void reassess(const struct rel_facts *f, const struct program_config *cfg, int64_t now,
                     struct svc_risk_item *it)
{
    const json_t *ph = program_phase(cfg, f->phase);
    const char *name = json_string_value(json_object_get(ph, "name"));
    const json_t *days = json_object_get(ph, "timeframe_days");
    str_fmt(it->phase_name, sizeof it->phase_name, "%s", name ? name : "");
    struct risk_input in = {
        .status = f->item.status,
        .started_at = f->item.started_at,
        .phase_started_at = f->phase_started_at,
        .last_meeting_at = f->last_meeting_at,
        .phase_name = it->phase_name,
        .phase_timeframe_days = json_is_integer(days) ? (int)json_integer_value(days) : 0,
        .meetings_per_month = cfg->meetings.frequency_per_month,
        .due_days = cfg->goals.due_days,
        .agreement_signed = f->agreement > 0 && f->members > 0 && f->signings >= f->members,
        .goals = f->goals,
        .parties = f->parties,
        .nparties = f->nparties,
    };
    it->nreasons = risk_assess(&in, now, it->reasons);
}

/* Item *it of relationship *f: its fields, members handed over, reasons. */
static void item_of(struct rel_facts *f, const struct program_config *cfg, int64_t now,
                    struct svc_risk_item *it)
{
    memset(it, 0, sizeof *it);
    it->relationship_id = f->item.relationship_id;
    it->started_at = f->item.started_at;
    memcpy(it->status, f->item.status, sizeof it->status);
    it->members = f->item.members;
    it->nmembers = f->item.nmembers;
    f->item.members = NULL; /* handed over */
    it->notes = f->item.notes;
    it->last_note_at = f->item.last_note_at;
    reassess(f, cfg, now, it);
}

/* Assesses every relationship of f[0..n) with the program's guideline:
 * the codes of their reasons. */
static void assess_all(struct rel_facts *f, size_t n, const struct program_config *cfg, int64_t now)
{
    struct svc_risk_item one;
    for (size_t i = 0; i < n; i++) {
        reassess(&f[i], cfg, now, &one);
        f[i].nreasons = one.nreasons;
        for (size_t r = 0; r < one.nreasons; r++)
            f[i].codes[r] = one.reasons[r].code;
    }
}

/* The program's assessment at now (of one relationship when rel_id), and
 * its configuration into *cfg (the caller's to clean up). */
static int assess(store *db, int64_t program_id, int64_t rel_id, int64_t now, struct rel_facts **f,
                  size_t *n, struct program_config *cfg)
{
    *f = NULL;
    *n = 0;
    int rc = svc_program_config(db, program_id, cfg, NULL, 0);
    if (rc != SVC_OK)
        return rc == SVC_NOT_FOUND ? STORE_OK : rc;
    if ((rc = load_facts(db, program_id, rel_id, f, n)) == STORE_OK)
        assess_all(*f, *n, cfg, now);
    return rc;
}

/* The open flags of the program (or of rel_id, or of the relationships
 * from id from up to id up_to when up_to). */
struct open_flag {
    int64_t id, relationship_id, raised_at;
    int code;
    bool keep;
};

static int open_flags(store *db, int64_t program_id, int64_t rel_id, int64_t from, int64_t up_to,
                      struct open_flag **out, size_t *n)
{
    store_rows *rows = NULL;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    store_val p[] = {SV_INT(program_id), SV_INT(rel_id), SV_INT(up_to), SV_INT(from)};
    /* A range of relationships reads their flags by relationship (the
     * rows of other programs' relationships in it are never looked up);
     * the whole program by program. */
    int rc =
        store_query(db,
                    up_to ? "SELECT id, relationship_id, code, raised_at FROM risk_flags WHERE "
                            "relationship_id BETWEEN ?4 AND ?3 AND cleared_at IS NULL AND "
                            "(?1 = ?1 AND ?2 = ?2) ORDER BY relationship_id, id"
                          : "SELECT id, relationship_id, code, raised_at FROM risk_flags WHERE "
                            "program_id = ?1 AND cleared_at IS NULL AND (?2 = 0 OR "
                            "relationship_id = ?2) AND (?3 = ?3 AND ?4 = ?4) ORDER BY "
                            "relationship_id, id",
                    p, 4, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        struct open_flag *o = &(*out)[(*n)++];
        o->id = store_col_int(rows, 0);
        o->relationship_id = store_col_int(rows, 1);
        o->code = risk_code_parse(store_col_text(rows, 2));
        o->raised_at = store_col_int(rows, 3);
        o->keep = false;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc < 0 ? rc : STORE_OK;
}

/* The index of rel_id's first flag among of[0..n) (sorted by
 * relationship), or n: its flags are those from there with its id. */
static size_t first_flag(const struct open_flag *of, size_t n, int64_t rel_id)
{
    return vec_lower_bound(of, n, sizeof *of, offsetof(struct open_flag, relationship_id), rel_id);
}

int svc_risk_list(store *db, int64_t program_id, int64_t now, struct svc_risk_item **out, size_t *n,
                  int64_t *open)
{
    struct svc_risk_counts counts;
    return svc_risk_list_counted(db, program_id, now, out, n, open, &counts);
}

int svc_risk_list_counted(store *db, int64_t program_id, int64_t now, struct svc_risk_item **out,
                          size_t *n, int64_t *open, struct svc_risk_counts *counts)
{
    struct rel_facts *f = NULL;
    struct open_flag *of = NULL;
    struct program_config cfg = {0};
    size_t nf = 0, nof = 0;
    *out = NULL;
    *n = 0;
    *open = 0;
    memset(counts, 0, sizeof *counts);
    int rc = assess(db, program_id, 0, now, &f, &nf, &cfg);
    if (rc != STORE_OK)
        goto done;
    *open = (int64_t)nf;
    *out = xcalloc(nf < LIMIT_AT_RISK_LISTED ? nf + 1 : LIMIT_AT_RISK_LISTED, sizeof **out);
    size_t listed = 0;
    int64_t last_listed = 0;
    for (size_t i = 0; i < nf; i++) {
        if (!f[i].nreasons)
            continue;
        counts->at_risk++;
        for (size_t r = 0; r < f[i].nreasons; r++)
            counts->by[f[i].codes[r]]++;
        if (listed < LIMIT_AT_RISK_LISTED) {
            listed++;
            last_listed = f[i].item.relationship_id;
        }
    }
    /* The listed ones' members, whose names their sentences give. */
    if (listed && (rc = load_members(db, program_id, 0, last_listed, f, nf)) != STORE_OK)
        goto done;
    for (size_t i = 0; i < nf && *n < listed; i++)
        if (f[i].nreasons)
            item_of(&f[i], &cfg, now, &(*out)[(*n)++]);
    /* When each listed reason was flagged: the open flags up to the last
     * listed relationship (the list is in id order). */
    if (*n && (rc = open_flags(db, program_id, 0, (*out)[0].relationship_id,
                               (*out)[*n - 1].relationship_id, &of, &nof)) != STORE_OK)
        goto done;
    for (size_t i = 0; i < *n; i++) {
        struct svc_risk_item *it = &(*out)[i];
        size_t k0 = first_flag(of, nof, it->relationship_id);
        for (size_t r = 0; r < it->nreasons; r++)
            for (size_t k = k0; k < nof && of[k].relationship_id == it->relationship_id; k++)
                if (of[k].code == (int)it->reasons[r].code)
                    it->since[r] = of[k].raised_at;
    }
done:
    if (rc != STORE_OK) {
        svc_risk_items_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    facts_free(f, nf);
    free(of);
    program_config_cleanup(&cfg);
    return rc;
}

static int record(store *db, int64_t program_id, int64_t rel_id, int64_t now, size_t *changed)
{
    struct rel_facts *f = NULL;
    struct open_flag *of = NULL;
    struct program_config cfg = {0};
    struct svc_risk_item one;
    size_t nf = 0, nof = 0;
    *changed = 0;
    int64_t *touched = NULL; /* the relationships whose flags change */
    size_t ntouched = 0;
    int rc = assess(db, program_id, rel_id, now, &f, &nf, &cfg);
    if (rc == STORE_OK)
        rc = load_members(db, program_id, rel_id, 0, f, nf);
    if (rc == STORE_OK)
        rc = open_flags(db, program_id, rel_id, 0, 0, &of, &nof);
    if (rc == STORE_OK)
        touched = xcalloc(nf + nof + 1, sizeof *touched);
    for (size_t i = 0; rc == STORE_OK && i < nf; i++) {
        if (!f[i].nreasons)
            continue;
        struct svc_risk_item *it = &one;
        item_of(&f[i], &cfg, now, it);
        free(it->members); /* only the reasons are needed */
        it->members = NULL;
        size_t k0 = first_flag(of, nof, it->relationship_id);
        for (size_t r = 0; rc == STORE_OK && r < it->nreasons; r++) {
            bool have = false;
            for (size_t k = k0; k < nof && of[k].relationship_id == it->relationship_id; k++)
                if (of[k].code == (int)it->reasons[r].code)
                    have = of[k].keep = true;
            if (have)
                continue;
            store_val p[] = {SV_INT(it->relationship_id), SV_INT(program_id),
                             SV_TEXT(risk_code_name(it->reasons[r].code)),
                             SV_TEXT(it->reasons[r].text), SV_INT(now)};
            rc = store_exec(db,
                            "INSERT INTO risk_flags (relationship_id, program_id, code, text, "
                            "raised_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                            p, 5, NULL);
            *changed += rc == STORE_OK;
            if (rc == STORE_OK && (!ntouched || touched[ntouched - 1] != it->relationship_id))
                touched[ntouched++] = it->relationship_id;
            if (rc == STORE_OK) {
                /* A flag raised is news for the coordinators' chat. */
                char text[LIMIT_ALERT_TEXT_BYTES], link[LIMIT_HTTP_URL_BYTES];
                str_fmt(text, sizeof text, "Relationship %lld is at risk: %s",
                        (long long)it->relationship_id, it->reasons[r].text);
                svc_outbox_link(link, sizeof link, "/programs/%lld/at-risk", (long long)program_id);
                rc = svc_alert(db, program_id, "at_risk", text, link, now);
            }
        }
    }
    for (size_t k = 0; rc == STORE_OK && k < nof; k++) {
        if (of[k].keep)
            continue;
        store_val p[] = {SV_INT(of[k].id), SV_INT(now)};
        rc = store_exec(db, "UPDATE risk_flags SET cleared_at = ?2 WHERE id = ?1", p, 2, NULL);
        *changed += rc == STORE_OK;
        touched[ntouched++] = of[k].relationship_id;
    }
    /* The facts of each relationship whose flags changed (some twice:
     * refreshing again changes nothing). */
    for (size_t i = 0; rc == STORE_OK && i < ntouched; i++)
        if (!i || touched[i] != touched[i - 1])
            rc = svc_facts_refresh(db, touched[i]);
    free(touched);
    facts_free(f, nf);
    free(of);
    program_config_cleanup(&cfg);
    return rc;
}

int svc_risk_record(store *db, int64_t program_id, int64_t now, size_t *changed)
{
    return record(db, program_id, 0, now, changed);
}

int svc_risk_record_relationship(store *db, int64_t rel_id, int64_t now)
{
    int64_t program_id = 0;
    size_t changed;
    store_val p[] = {SV_INT(rel_id)};
    int rc = store_query_int(db, "SELECT program_id FROM relationships WHERE id = ?1", p, 1,
                             &program_id);
    if (rc <= 0)
        return rc;
    return record(db, program_id, rel_id, now, &changed);
}

int svc_risk_programs(store *db, int64_t **ids, size_t *n)
{
    return store_query_int_list(
        db,
        "SELECT DISTINCT program_id FROM relationships WHERE status IN " OPEN_STATUSES
        " UNION SELECT DISTINCT program_id FROM risk_flags "
        "WHERE cleared_at IS NULL ORDER BY 1",
        NULL, 0, ids, n);
}

int svc_risk_report(store *db, int64_t program_id, struct svc_risk_report *out)
{
    memset(out, 0, sizeof *out);
    store_val p[] = {SV_INT(program_id)};
    store_rows *rows = NULL;
    int rc;
    if ((rc = store_query_int(db,
                              "SELECT COUNT(*) FROM relationships WHERE program_id = ?1 AND "
                              "status IN " OPEN_STATUSES,
                              p, 1, &out->open)) < 0)
        return rc;
    /* The flags' codes per relationship, as bits (relationship_facts): a
     * relationship recovered when it was flagged, has no flag open now
     * and did not end early. */
    rc = store_query(db,
                     "SELECT f.flags_open, f.flags_ever, r.status FROM relationship_facts f JOIN "
                     "relationships r ON r.id = f.relationship_id WHERE f.program_id = ?1 AND "
                     "f.flags_ever <> 0",
                     p, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        int64_t now_bits = store_col_int(rows, 0), ever = store_col_int(rows, 1);
        out->flagged_ever++;
        out->flagged_now += now_bits != 0;
        out->recovered += !now_bits && !str_eq(store_col_text(rows, 2), "ended_early");
        for (int c = 0; c < RISK_COUNT; c++) {
            out->ever_by[c] += (ever >> c) & 1;
            out->now_by[c] += (now_bits >> c) & 1;
        }
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

/* ---- notes and nudges ---- */

void svc_coord_notes_free(struct svc_coord_note *notes, size_t n)
{
    for (size_t i = 0; notes && i < n; i++)
        free(notes[i].body);
    free(notes);
}

static int read_notes(store *db, int64_t rel_id, int64_t only_id, struct svc_coord_note **out,
                      size_t *n)
{
    store_rows *rows = NULL;
    *out = xcalloc(LIMIT_PAGE_MAX, sizeof **out);
    *n = 0;
    store_val p[] = {SV_INT(rel_id), SV_INT(only_id)};
    int rc = store_query(db,
                         "SELECT cn.id, cn.author_id, pe.name, cn.body, cn.created_at FROM "
                         "coordinator_notes cn LEFT JOIN people pe ON pe.id = cn.author_id WHERE "
                         "cn.relationship_id = ?1 AND (?2 = 0 OR cn.id = ?2) ORDER BY cn.id DESC",
                         p, 2, &rows);
    while (rc == STORE_OK && *n < LIMIT_PAGE_MAX && (rc = store_next(rows)) == 1) {
        struct svc_coord_note *c = &(*out)[(*n)++];
        c->id = store_col_int(rows, 0);
        c->relationship_id = rel_id;
        c->author_id = store_col_null(rows, 1) ? 0 : store_col_int(rows, 1);
        str_fmt(c->author, sizeof c->author, "%s",
                store_col_text(rows, 2) ? store_col_text(rows, 2) : "");
        c->body = xstrdup(store_col_text(rows, 3));
        c->created_at = store_col_int(rows, 4);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0) {
        svc_coord_notes_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc < 0 ? rc : STORE_OK;
}

int svc_coord_notes(store *db, const svc_actor *actor, const struct svc_rel *r,
                    struct svc_coord_note **out, size_t *n)
{
    (void)actor;
    *out = NULL;
    *n = 0;
    if (!perm_coordinates(r->roles))
        return SVC_NOT_FOUND;
    return read_notes(db, r->id, 0, out, n);
}

int svc_coord_note_add(store *db, const svc_actor *actor, const struct svc_rel *r, const char *body,
                       struct svc_coord_note *out, verr *e)
{
    memset(out, 0, sizeof *out);
    if (!perm_coordinates(r->roles))
        return SVC_NOT_FOUND;
    if (!body || !*body)
        return svc_fail(e, SVC_INVALID, "body", "is required");
    if (strlen(body) > LIMIT_RISK_NOTE_BYTES)
        return svc_fail(e, SVC_INVALID, "body", "must be at most %d bytes", LIMIT_RISK_NOTE_BYTES);
    int64_t id = 0, now = clock_now();
    store_val p[] = {SV_INT(r->id), actor->person_id ? SV_INT(actor->person_id) : SV_NULL,
                     SV_TEXT(body), SV_INT(now)};
    int rc = store_query_int(db,
                             "INSERT INTO coordinator_notes (relationship_id, author_id, body, "
                             "created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
                             p, 4, &id);
    if (rc != 1)
        return rc < 0 ? rc : STORE_ERROR;
    if ((rc = svc_facts_refresh(db, r->id)) != STORE_OK)
        return rc;
    struct svc_coord_note *one = NULL;
    size_t n = 0;
    if ((rc = read_notes(db, r->id, id, &one, &n)) != STORE_OK)
        return rc;
    if (n == 1) {
        *out = one[0];
        one[0].body = NULL;
    }
    svc_coord_notes_free(one, n);
    if (n != 1)
        return STORE_ERROR;
    return svc_audit(db, actor, "relationship.coordinator_note", "relationship", r->id,
                     json_pack("{s:I}", "note_id", (json_int_t)id));
}

int svc_risk_nudge(store *db, const svc_actor *actor, const struct svc_rel *r, const char *message,
                   size_t *told, verr *e)
{
    *told = 0;
    if (!perm_coordinates(r->roles))
        return svc_fail(e, SVC_FORBIDDEN, "", "only the program's coordinators nudge a pair");
    if (!rel_status_open(r->status))
        return svc_fail(e, SVC_REFUSED, "", "the relationship has ended");
    if (message && strlen(message) > LIMIT_NUDGE_BYTES)
        return svc_fail(e, SVC_INVALID, "message", "must be at most %d bytes", LIMIT_NUDGE_BYTES);
    struct svc_ws_person to[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n = 0;
    svc_actor nobody = {0}; /* every member, whoever nudges */
    int rc = svc_workspace_others(db, &nobody, r->id, to, &n);
    char link[LIMIT_HTTP_URL_BYTES];
    svc_outbox_link(link, sizeof link, "/relationships/%lld", (long long)r->id);
    struct mail_value v[] = {{"message", message ? message : ""}, {"link", link}};
    int64_t now = clock_now();
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        rc = svc_outbox_mail_person(db, to[i].person_id, r->program_id, "nudge", v, 2, now);
        *told += rc == STORE_OK;
    }
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "relationship.nudge", "relationship", r->id,
                       json_pack("{s:I}", "told", (json_int_t)*told));
    return rc;
}
