/* demo_life.c - the demo's second program, about five months in.
 *
 * "Graduate mentoring 2026": 14 mentors and 26 mentees matched by a
 * published run five months ago (and a few later, by request), so every
 * report has something to show: relationships in each phase and status,
 * meetings held with recaps and ratings, goals and milestones, messages,
 * health checks (a few pairs at risk), two surveys (one answered by too few
 * people to show), resources read, and outcome records for the
 * participants and for 30 people who never joined, compared against the
 * program's measurable objectives. Everything comes from a fixed seed and
 * is dated relative to now.
 */
#include "cli/demo_life.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/str.h"
#include "domain/agreement.h"
#include "domain/participation.h"
#include "domain/program.h"
#include "import/outcomes.h"
#include "service/facts.h"
#include "service/participation.h"
#include "service/program.h"
#include "service/risk.h"
#include "store/report_rows.h"

#define DAY 86400
#define NMENTORS 14
#define NMENTEES 26
#define NOTHERS 30
#define STARTED_DAYS 150 /* the program began this many days ago */

static const char *const first[] = {
    "Abebe",  "Beatriz", "Cyrus", "Dalia",  "Eitan",  "Fatima",  "Gustavo", "Helga",
    "Ikaika", "Jasmin",  "Kofi",  "Lucia",  "Mateo",  "Nadia",   "Omar",    "Paula",
    "Rahul",  "Sofia",   "Tomas", "Ursula", "Vikram", "Wanjiru", "Xavier",  "Yara",
    "Zoltan", "Amara",   "Boris", "Celine", "Dmitri", "Esther",  "Fiona",   "Gabriel",
    "Hiro",   "Isla",    "Jamal", "Klara",  "Luca",   "Marta",   "Nils",    "Ona"};
static const char *const last[] = {"Achebe",  "Barros", "Cohen", "Dubois",  "Eriksen",
                                   "Fischer", "Garcia", "Hoang", "Ivanova", "Kim"};
static const char *const depts[] = {"Engineering", "Sales", "Operations", "Finance"};

/* One relationship of the demo: where it stands and how it has gone. */
struct rel_spec {
    int phase;          /* 0 preparing .. 3 closure */
    const char *status; /* active, paused, completed, ended_early */
    int started;        /* days ago */
    int quiet;          /* days since the last meeting held (or since it ended) */
    int health;         /* 0 fine, 1 a low rating, 2 a drop since the last check */
};

static const struct rel_spec rels[] = {
    {0, "active", 18, 4, 0},        {0, "active", 25, 9, 0},      {0, "active", 150, 48, 0},
    {1, "active", 50, 8, 0},        {1, "active", 60, 6, 0},      {1, "active", 55, 12, 1},
    {1, "active", 45, 5, 0},        {2, "active", 150, 0, 0},     {2, "active", 150, 6, 0},
    {2, "active", 150, 11, 2},      {2, "active", 120, 4, 0},     {2, "active", 150, 9, 0},
    {2, "active", 150, 13, 0},      {2, "active", 120, 0, 0},     {3, "active", 150, 7, 0},
    {3, "active", 150, 10, 0},      {2, "paused", 150, 40, 0},    {1, "paused", 150, 52, 0},
    {3, "completed", 150, 9, 0},    {3, "completed", 150, 14, 0}, {1, "ended_early", 150, 70, 0},
    {1, "ended_early", 150, 95, 0},
};
#define NRELS (sizeof rels / sizeof rels[0])

/* Days into a relationship it moves into phase 1, 2 and 3. */
static const int move_day[] = {20, 55, 128};

static const char *const discussed[] = {"How the first weeks went and who to get to know",
                                        "Preparing the quarterly presentation",
                                        "Feedback from the last project review",
                                        "Working with a difficult stakeholder",
                                        "Which skills to build next and how",
                                        "Balancing project work and learning time",
                                        "The team's planning process and where to contribute",
                                        "A negotiation coming up with a supplier"};
static const char *const decisions[] = {"Shadow a client meeting next month",
                                        "Take the lead on the next retrospective",
                                        "Ask for a stretch task in the spring planning",
                                        "Write a one-page plan before each big meeting",
                                        "Join the internal data guild",
                                        "Book a short session with the finance team"};
static const char *const next_steps[] = {
    "Draft the outline and share it before we meet", "Read the article on active listening",
    "Set up a coffee with two people from another team",
    "Try the new approach once and note what happened", "Bring two examples of feedback received"};
static const char *const goal_texts[][2] = {
    {"Present confidently to the leadership team", "Give one presentation and get feedback"},
    {"Build a network across departments", "Meet ten people outside my team"},
    {"Understand how the business makes money", "Explain our P&L to a new colleague"},
    {"Lead a small project end to end", "Deliver one project with a clear owner: me"},
    {"Get better at giving feedback", "Give structured feedback in every retrospective"},
    {"Plan my next career step", "A written two-year plan agreed with my manager"}};
static const char *const milestone_texts[] = {"Agree what good looks like", "First attempt done",
                                              "Feedback gathered", "Second attempt done",
                                              "Reflect on what changed"};
static const char *const message_texts[] = {
    "Thanks for today - that helped a lot.",
    "I've shared the outline in our notes, have a look when you can.",
    "Could we move Thursday's meeting by an hour?",
    "Here is the article I mentioned.",
    "I tried what we discussed and it went well!",
    "Running late, I'll be there in ten minutes.",
    "Good luck with the presentation tomorrow."};

static unsigned rnd(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7fff;
}

static void day_text(int64_t t, char out[11])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Runs an INSERT ... RETURNING id; *id is the new row's. */
static int insert_id(store *s, const char *sql, const store_val *p, size_t n, int64_t *id)
{
    store_rows *rows = NULL;
    int rc = store_query(s, sql, p, n, &rows);
    if (rc != STORE_OK)
        return rc;
    rc = store_next(rows);
    *id = rc == 1 ? store_col_int(rows, 0) : 0;
    store_rows_free(rows);
    return rc == 1 ? STORE_OK : rc == 0 ? STORE_ERROR : rc;
}

static int exec(store *s, const char *sql, const store_val *p, size_t n)
{
    return store_exec(s, sql, p, n, NULL);
}

static int new_person(store *s, const char *fn, const char *ln, const char *hash, const char *dept,
                      int level, const char *city, int64_t at, int64_t *id)
{
    char email[128], name[128];
    str_fmt(name, sizeof name, "%s %s", fn, ln);
    str_fmt(email, sizeof email, "%s.%s@demo.tandem.example", fn, ln);
    str_ascii_lower(email);
    store_val p[] = {SV_TEXT(email), SV_TEXT(name), SV_TEXT(hash), SV_TEXT(dept),
                     SV_INT(level),  SV_TEXT(city), SV_INT(at)};
    return insert_id(s,
                     "INSERT INTO people (email, name, password_hash, site_role, department, "
                     "job_level, location, languages, created_at, updated_at) VALUES (?1, ?2, ?3, "
                     "'member', ?4, ?5, ?6, '[\"English\"]', ?7, ?7) RETURNING id",
                     p, 7, id);
}

static int participation(store *s, int64_t program, int64_t person, const char *role,
                         const char *profile, int64_t at, int64_t *id)
{
    bool mentor = strcmp(role, "mentor") == 0;
    store_val p[] = {SV_INT(program),
                     SV_INT(person),
                     SV_TEXT(role),
                     SV_TEXT(profile),
                     SV_INT(at),
                     mentor ? SV_INT(2) : SV_NULL,
                     strcmp(role, "mentee") == 0 ? SV_INT(1) : SV_NULL};
    return insert_id(
        s,
        "INSERT INTO participations (program_id, person_id, role, status, profile, "
        "capacity, wants, created_at, updated_at, sort_name, email) SELECT ?1, ?2, ?3, "
        "'invited', ?4, ?6, ?7, ?5, ?5, name, email FROM people WHERE id = ?2 "
        "RETURNING id",
        p, 7, id);
}

static int stages(store *s, int64_t part, const enum stage *st, const int64_t *at, size_t n)
{
    int rc = STORE_OK;
    for (size_t i = 0; i < n && rc == STORE_OK; i++)
        rc = svc_participation_stage(s, part, st[i], at[i]);
    return rc;
}

static char *program_config(int64_t now)
{
    char starts[11], ends[11], opens[11], closes[11], match[11], by[11];
    day_text(now - (STARTED_DAYS + 45) * (int64_t)DAY, opens);
    day_text(now - (STARTED_DAYS + 25) * (int64_t)DAY, closes);
    day_text(now - (STARTED_DAYS + 3) * (int64_t)DAY, match);
    day_text(now - STARTED_DAYS * (int64_t)DAY, starts);
    day_text(now + (365 - STARTED_DAYS) * (int64_t)DAY, ends);
    day_text(now + (365 - STARTED_DAYS) * (int64_t)DAY, by);
    json_t *in = json_pack(
        "{s:{s:s, s:[{s:s, s:s, s:i, s:i, s:s, s:s}, {s:s, s:s, s:i, s:i, s:s, s:s},"
        " {s:s, s:s, s:i, s:i, s:s, s:s}, {s:s, s:s, s:i, s:i, s:s, s:s}]},"
        " s:{s:s, s:i, s:i}, s:{s:s, s:s, s:n, s:[{s:s, s:s, s:s, s:s, s:i}]},"
        " s:{s:i, s:i, s:[s, s]}, s:{s:i, s:i}, s:{s:s}, s:{s:i},"
        " s:{s:s, s:s, s:s, s:s, s:s}}",
        "objectives", "summary",
        "Help graduates settle in, stay and grow in their first year: retention, pairs that keep "
        "meeting, and a program people recommend.",
        "measures", "name", "12-month retention of graduates", "unit", "%", "baseline", 80,
        "target", 90, "tracks", "outcome:retention_12m", "by", by, "name",
        "Pairs meeting twice a month", "unit", "%", "baseline", 40, "target", 90, "tracks",
        "share_meeting_guideline", "by", by, "name", "Mentees matched", "unit", "%", "baseline", 70,
        "target", 90, "tracks", "match_rate", "by", by, "name",
        "Participants recommending the program (NPS)", "unit", "", "baseline", 20, "target", 60,
        "tracks", "nps", "by", by, "selection", "access", "approval", "default_capacity", 2,
        "default_wants", 1, "matching", "mode", "hybrid", "objective", "total", "min_score",
        "criteria", "name", "skills", "kind", "overlap", "mentee_field", "development_needs",
        "mentor_field", "expertise", "weight", 3, "meetings", "frequency_per_month", 2,
        "length_minutes", 60, "modes", "video", "in_person", "goals", "count", 3, "due_days", 30,
        "phases", "template", "zachary", "surveys", "anonymity_threshold", 5, "dates",
        "enrolment_opens", opens, "enrolment_closes", closes, "matching_date", match, "starts",
        starts, "ends", ends);
    if (!in)
        return NULL;
    json_object_set_new(json_object_get(in, "matching"), "min_score", json_real(0.1));
    struct program_config cfg;
    verr e = {0};
    if (program_config_normalize(in, NULL, &cfg, &e)) {
        fprintf(stderr, "tandem demo: the running program's configuration is invalid: %s %s\n",
                e.field, e.msg);
        json_decref(in);
        return NULL;
    }
    json_decref(in);
    char *text = json_dumps(cfg.doc, JSON_COMPACT);
    program_config_cleanup(&cfg);
    return text;
}

/* The people: mentors, mentees and the comparison group who never joined. */
struct cast {
    int64_t person[NMENTORS + NMENTEES + NOTHERS];
    int64_t part[NMENTORS + NMENTEES];
    char email[NMENTORS + NMENTEES + NOTHERS][128];
};

static int load_people(store *s, const char *hash, int64_t program, int64_t now, struct cast *c,
                       unsigned *rng)
{
    static const char *const cities[] = {"Lisbon", "Berlin", "Dublin", "Madrid"};
    static const char *const skills[] = {"public speaking", "negotiation",    "sql",
                                         "leadership",      "finance basics", "career planning",
                                         "data analysis",   "writing"};
    int64_t joined = now - (STARTED_DAYS + 45) * (int64_t)DAY;
    int rc = STORE_OK;
    for (int i = 0; i < NMENTORS + NMENTEES + NOTHERS && rc == STORE_OK; i++) {
        bool mentor = i < NMENTORS, other = i >= NMENTORS + NMENTEES;
        int k = other ? i - NMENTORS - NMENTEES : i;
        const char *ln = other ? last[(k + 5) % 10] : last[k % 10];
        /* Mentees mostly in three departments, so equity has groups to show. */
        const char *dept = mentor ? depts[rnd(rng) % 4] : k % 9 == 4 ? depts[3] : depts[k % 3];
        rc = new_person(s, first[k], ln, hash, dept, mentor ? 4 + k % 3 : 1 + k % 2,
                        cities[rnd(rng) % 4], joined, &c->person[i]);
        str_fmt(c->email[i], sizeof c->email[i], "%s.%s@demo.tandem.example", first[k], ln);
        str_ascii_lower(c->email[i]);
        if (rc != STORE_OK || other)
            continue;
        char profile[256];
        str_fmt(profile, sizeof profile, "{\"%s\": [\"%s\", \"%s\"], \"languages\": [\"English\"]}",
                mentor ? "expertise" : "development_needs", skills[rnd(rng) % 8],
                skills[rnd(rng) % 8]);
        rc = participation(s, program, c->person[i], mentor ? "mentor" : "mentee", profile, joined,
                           &c->part[i]);
        int64_t base = now - STARTED_DAYS * (int64_t)DAY;
        const enum stage st[] = {STAGE_INVITED, STAGE_APPLIED, STAGE_APPROVED, STAGE_TRAINED};
        const int64_t at[] = {base - 40 * DAY, base - 33 * DAY + (int64_t)(rnd(rng) % 5) * DAY,
                              base - 25 * DAY, base - 12 * DAY};
        if (rc == STORE_OK)
            rc = stages(s, c->part[i], st, at, 4);
        store_val t[] = {SV_INT(c->part[i]), SV_INT(at[3])};
        if (rc == STORE_OK)
            rc = exec(s,
                      "INSERT INTO training_completions (participation_id, module_id, "
                      "completed_at) VALUES (?1, 'orientation', ?2)",
                      t, 2);
    }
    return rc;
}

/* The day of `t` at a working hour (UTC), on the same side of now. */
static int64_t working_hour(int64_t t, int64_t now, unsigned *rng)
{
    int64_t at = t - t % DAY + (8 + (int64_t)(rnd(rng) % 8)) * 3600 + (rnd(rng) % 2) * 1800;
    return (t <= now) == (at <= now) ? at : t;
}

static int add_meeting(store *s, int64_t rel, int n, int64_t at, const char *status,
                       const int64_t members[2], int rating_lo, unsigned *rng)
{
    char uid[96];
    str_fmt(uid, sizeof uid, "demo-%lld-%d@tandem.example", (long long)rel, n);
    json_t *recap = NULL;
    char *rtext = NULL;
    if (strcmp(status, "held") == 0) {
        recap = json_pack("{s:s, s:s, s:s}", "discussed", discussed[rnd(rng) % 8], "decisions",
                          decisions[rnd(rng) % 6], "next_steps", next_steps[rnd(rng) % 5]);
        rtext = json_dumps(recap, JSON_COMPACT);
        json_decref(recap);
    }
    const char *mode = rnd(rng) % 3 ? "video" : "in_person";
    store_val p[] = {SV_INT(rel),
                     SV_TEXT(uid),
                     SV_INT(at),
                     SV_TEXT(mode),
                     SV_TEXT(strcmp(mode, "video") == 0 ? "Video call" : "Cafe on the 2nd floor"),
                     rtext ? SV_TEXT(rtext) : SV_NULL,
                     SV_TEXT(status),
                     SV_INT(at - 7 * DAY)};
    int64_t id;
    int rc =
        insert_id(s,
                  "INSERT INTO meetings (relationship_id, uid, starts_at, duration_minutes, "
                  "time_zone, mode, location, agenda, recap, status, created_at, updated_at) "
                  "VALUES (?1, ?2, ?3, 60, 'Europe/Lisbon', ?4, ?5, '[\"Catch up\", \"Goals\"]', "
                  "?6, ?7, ?8, ?8) RETURNING id",
                  p, 8, &id);
    free(rtext);
    for (int m = 0; m < 2 && rc == STORE_OK && strcmp(status, "held") == 0; m++) {
        int rating = rating_lo + (int)(rnd(rng) % (unsigned)(6 - rating_lo));
        store_val a[] = {SV_INT(id), SV_INT(members[m]), SV_INT(rating)};
        rc = exec(s,
                  "INSERT INTO meeting_attendance (meeting_id, participation_id, attended, "
                  "rating) VALUES (?1, ?2, 1, ?3)",
                  a, 3);
    }
    return rc;
}

static int health_check(store *s, int64_t rel, int64_t part, const int q[8], int64_t at)
{
    store_val p[] = {SV_INT(rel),  SV_INT(part), SV_INT(q[0]), SV_INT(q[1]),
                     SV_INT(q[2]), SV_INT(q[3]), SV_INT(q[4]), SV_INT(q[5]),
                     SV_INT(q[6]), SV_INT(q[7]), SV_INT(at)};
    return exec(s,
                "INSERT INTO health_checks (relationship_id, participation_id, articulation, "
                "listening, respect, goal_clarity, challenge, self_awareness, "
                "commitment_to_learning, reflection_and_preparation, created_at) VALUES (?1, ?2, "
                "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                p, 11);
}

/* One relationship with its whole history. */
static int load_relationship(store *s, int64_t program, int64_t run,
                             const struct program_config *cfg, size_t r, const struct cast *c,
                             int64_t now, unsigned *rng, int64_t *rel_id)
{
    const struct rel_spec *sp = &rels[r];
    int mentor = (int)(r % NMENTORS), mentee = NMENTORS + (int)r;
    int64_t members[2] = {c->part[mentor], c->part[mentee]};
    int64_t start = now - sp->started * (int64_t)DAY;
    bool ended = strcmp(sp->status, "completed") == 0 || strcmp(sp->status, "ended_early") == 0;
    int64_t end = ended ? now - sp->quiet * (int64_t)DAY : 0;
    /* Earlier today for the pairs that met today (quiet 0). */
    int64_t last_meeting = now - sp->quiet * (int64_t)DAY - (ended ? 3 * DAY : 2 * 3600);
    int64_t phase_at = start;
    for (int k = 0; k < sp->phase; k++)
        phase_at = start + move_day[k] * (int64_t)DAY;
    bool by_run = sp->started >= 120;
    store_val p[] = {SV_INT(program),
                     SV_TEXT(sp->status),
                     SV_INT(sp->phase),
                     SV_INT(phase_at),
                     SV_INT(start),
                     SV_INT(start + 365 * (int64_t)DAY),
                     ended ? SV_INT(end) : SV_NULL,
                     strcmp(sp->status, "ended_early") == 0
                         ? SV_TEXT(r % 2 ? "Our schedules never lined up after the reorganisation."
                                         : "The mentee moved to another country.")
                         : SV_NULL,
                     SV_TEXT(by_run ? "admin" : "request"),
                     by_run ? SV_INT(run) : SV_NULL,
                     SV_INT(now - (ended ? sp->quiet : 1) * (int64_t)DAY)};
    int rc = insert_id(s,
                       "INSERT INTO relationships (program_id, status, phase, phase_started_at, "
                       "started_at, planned_end_at, ended_at, end_reason, source, run_id, "
                       "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                       "?5, ?11) RETURNING id",
                       p, 11, rel_id);
    int64_t rel = *rel_id;
    for (int m = 0; m < 2 && rc == STORE_OK; m++) {
        store_val q[] = {SV_INT(rel), SV_INT(members[m]), SV_TEXT(m ? "mentee" : "mentor")};
        rc = exec(s,
                  "INSERT INTO relationship_members (relationship_id, participation_id, role) "
                  "VALUES (?1, ?2, ?3)",
                  q, 3);
    }
    if (rc == STORE_OK && by_run) {
        store_val q[] = {SV_INT(run), SV_INT(members[1]), SV_INT(members[0]),
                         SV_REAL(0.42 + (double)(rnd(rng) % 50) / 100.0)};
        rc = exec(s,
                  "INSERT INTO match_run_pairs (run_id, mentee_id, mentor_id, score) VALUES (?1, "
                  "?2, ?3, ?4)",
                  q, 4);
    }
    for (int k = 0; k < sp->phase && rc == STORE_OK; k++) {
        store_val q[] = {SV_INT(rel), SV_INT(k), SV_INT(k + 1),
                         SV_INT(start + move_day[k] * (int64_t)DAY), SV_INT(c->person[mentee])};
        rc = exec(s,
                  "INSERT INTO phase_moves (relationship_id, from_phase, to_phase, moved_at, "
                  "moved_by) VALUES (?1, ?2, ?3, ?4, ?5)",
                  q, 5);
    }

    /* The key actions of each phase behind them, ticked off before they
     * moved on, and the first of the current one's once it has run a while. */
    for (int k = 0; k <= sp->phase && rc == STORE_OK; k++) {
        const json_t *acts =
            json_object_get(json_array_get(cfg->phases.items, (size_t)k), "key_actions");
        int64_t until = k < sp->phase ? start + move_day[k] * (int64_t)DAY : now;
        size_t nacts = k < sp->phase                         ? json_array_size(acts)
                       : now - phase_at > 14 * DAY && !ended ? 1
                                                             : 0;
        for (size_t a = 0; a < nacts && a < json_array_size(acts) && rc == STORE_OK; a++) {
            store_val q[] = {SV_INT(rel), SV_INT(k), SV_INT((int64_t)a),
                             SV_INT(c->person[a % 2 ? mentor : mentee]),
                             SV_INT(until - (int64_t)(nacts - a) * 2 * DAY)};
            rc = exec(s,
                      "INSERT INTO phase_checks (relationship_id, phase, item, done_by, done_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)",
                      q, 5);
        }
    }

    /* The agreement the program proposes, with the pair's goals, signed by
     * both within a week (not yet by the newest pair). */
    bool signed_ = sp->started > 20;
    int64_t signed_at = start + 5 * DAY;
    json_t *agreement = agreement_defaults(cfg, start + 365 * (int64_t)DAY);
    json_object_set_new(agreement, "goals_summary", json_string(goal_texts[r % 6][0]));
    char *content = json_dumps(agreement, JSON_COMPACT);
    json_decref(agreement);
    store_val ag[] = {SV_INT(rel), SV_TEXT(content), SV_INT(c->person[mentee]),
                      SV_INT(start + 2 * DAY)};
    if (rc == STORE_OK)
        rc = exec(s,
                  "INSERT INTO agreements (relationship_id, content, version, updated_by, "
                  "updated_at) VALUES (?1, ?2, 1, ?3, ?4)",
                  ag, 4);
    if (rc == STORE_OK)
        rc = exec(s,
                  "INSERT INTO agreement_versions (relationship_id, version, content, "
                  "edited_by, edited_at) VALUES (?1, 1, ?2, ?3, ?4)",
                  ag, 4);
    free(content);
    for (int m = 0; m < 2 && rc == STORE_OK && signed_; m++) {
        store_val q[] = {SV_INT(rel), SV_INT(members[m]), SV_INT(signed_at + m * DAY)};
        rc = exec(s,
                  "INSERT INTO agreement_signings (relationship_id, version, participation_id, "
                  "signed_at) VALUES (?1, 1, ?2, ?3)",
                  q, 3);
    }

    /* Meetings about every two weeks up to the last one held; the next one
     * booked for the pairs still meeting. */
    int n = 0, lo = sp->health == 1 ? 2 : 4;
    int64_t first_meeting = 0, t = start + 7 * DAY;
    for (; rc == STORE_OK && t < last_meeting - 5 * DAY; n++) {
        first_meeting = first_meeting ? first_meeting : t;
        bool cancelled = rnd(rng) % 11 == 0;
        rc = add_meeting(s, rel, n, working_hour(t, now, rng), cancelled ? "cancelled" : "held",
                         members, lo, rng);
        t += (13 + (int64_t)(rnd(rng) % 4)) * DAY;
    }
    if (rc == STORE_OK && last_meeting > start) {
        first_meeting = first_meeting ? first_meeting : last_meeting;
        rc = add_meeting(s, rel, n++, working_hour(last_meeting, now, rng), "held", members, lo,
                         rng);
    }
    if (rc == STORE_OK && strcmp(sp->status, "active") == 0 && sp->quiet < 30)
        rc = add_meeting(s, rel, n++,
                         working_hour(now + (3 + (int64_t)(rnd(rng) % 9)) * DAY, now, rng),
                         "scheduled", members, lo, rng);

    /* Goals with milestones: the longer it has run, the more is done. */
    int ngoals = sp->started < 20 ? 0 : sp->started < 50 ? 1 : 2 + (int)(r % 2);
    int64_t goals_at = start + 12 * DAY;
    for (int g = 0; g < ngoals && rc == STORE_OK; g++) {
        double span = (double)((ended ? end : now) - start) / (365.0 * DAY);
        int progress = (int)(span * 230.0) - g * 25 + (int)(rnd(rng) % 20);
        if (strcmp(sp->status, "completed") == 0)
            progress = g == 2 ? 70 : 100;
        progress = progress < 0 ? 0 : progress > 100 ? 100 : progress;
        const char *status = progress == 100                               ? "achieved"
                             : strcmp(sp->status, "ended_early") == 0 && g ? "dropped"
                                                                           : "open";
        char target[11];
        day_text(start + (120 + 60 * g) * (int64_t)DAY, target);
        int64_t gid;
        store_val q[] = {SV_INT(rel),
                         SV_TEXT(goal_texts[(r + (size_t)g) % 6][0]),
                         SV_TEXT(goal_texts[(r + (size_t)g) % 6][1]),
                         SV_TEXT("It matters for my first year here."),
                         SV_TEXT(target),
                         SV_TEXT(status),
                         SV_INT(progress),
                         SV_INT(c->person[mentee]),
                         SV_INT(goals_at + g * 3 * DAY)};
        rc = insert_id(s,
                       "INSERT INTO goals (relationship_id, statement, measure, why, target_date, "
                       "status, progress, created_by, created_at, updated_at) VALUES (?1, ?2, ?3, "
                       "?4, ?5, ?6, ?7, ?8, ?9, ?9) RETURNING id",
                       q, 9, &gid);
        int done = progress * 4 / 100;
        for (int k = 0; k < 4 && rc == STORE_OK; k++) {
            char due[11];
            day_text(start + (30 + 30 * k + 20 * g) * (int64_t)DAY, due);
            int64_t at = start + (25 + 30 * k + 20 * g) * (int64_t)DAY;
            store_val w[] = {SV_INT(gid), SV_TEXT(milestone_texts[k + (g % 2)]), SV_TEXT(due),
                             k < done ? SV_INT(at < now ? at : now - DAY) : SV_NULL,
                             SV_INT(goals_at + g * 3 * DAY)};
            rc = exec(s,
                      "INSERT INTO milestones (goal_id, title, due_date, done_at, created_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)",
                      w, 5);
        }
    }

    /* Messages between meetings. */
    int nmsg = 2 + (int)(rnd(rng) % 6);
    for (int k = 0; k < nmsg && rc == STORE_OK; k++) {
        int64_t at = start + (int64_t)((double)(last_meeting - start) * (k + 1) / (nmsg + 1));
        store_val q[] = {SV_INT(rel), SV_INT(members[k % 2]), SV_TEXT(message_texts[rnd(rng) % 7]),
                         SV_INT(at)};
        rc = exec(s,
                  "INSERT INTO messages (relationship_id, author_id, body, created_at) VALUES "
                  "(?1, ?2, ?3, ?4)",
                  q, 4);
    }

    /* Health checks a month in, and again lately for the long-running
     * pairs; one pair rates goal clarity low, another has fallen since. */
    bool open = !ended;
    for (int m = 0; m < 2 && rc == STORE_OK && sp->started > 35; m++) {
        int q1[8], q2[8];
        for (int k = 0; k < 8; k++) {
            q1[k] = 4 + (int)(rnd(rng) % 2);
            q2[k] = 4 + (int)(rnd(rng) % 2);
            if (sp->health == 2 && m == 1)
                q2[k] = 3;
        }
        if (sp->health == 1 && m == 1)
            q2[3] = 2, q2[6] = 2;
        rc = health_check(s, rel, members[m], q1, start + (30 + m) * (int64_t)DAY);
        if (rc == STORE_OK && (sp->started > 90 || sp->health) && open)
            rc = health_check(s, rel, members[m], q2, now - (12 - m * 2) * (int64_t)DAY);
    }
    for (int m = 0; m < 2 && rc == STORE_OK && open; m++) {
        store_val q[] = {SV_INT(rel), SV_INT(members[m]), SV_INT(now + (int64_t)(18 + m) * DAY)};
        rc = exec(s,
                  "INSERT INTO health_parties (relationship_id, participation_id, share, due_at) "
                  "VALUES (?1, ?2, 1, ?3)",
                  q, 3);
    }

    /* Each party's funnel: matched, agreement signed, goals set, active,
     * then completed or ended early. */
    for (int m = 0; m < 2 && rc == STORE_OK; m++) {
        enum stage st[6];
        int64_t at[6];
        size_t k = 0;
        st[k] = STAGE_MATCHED, at[k++] = start;
        if (signed_)
            st[k] = STAGE_AGREEMENT_SIGNED, at[k++] = signed_at + m * DAY;
        if (signed_ && ngoals)
            st[k] = STAGE_GOALS_SET, at[k++] = goals_at;
        if (signed_ && ngoals && first_meeting)
            st[k] = STAGE_ACTIVE, at[k++] = first_meeting > goals_at ? first_meeting : goals_at;
        if (m == 1 && strcmp(sp->status, "completed") == 0)
            st[k] = STAGE_COMPLETED, at[k++] = end;
        if (m == 1 && strcmp(sp->status, "ended_early") == 0)
            st[k] = STAGE_ENDED_EARLY, at[k++] = end;
        rc = stages(s, members[m], st, at, k);
    }
    return rc;
}

/* Two surveys: a named two-month check-in most pairs answered (one
 * question too few mentors answered to show), and an anonymous pulse only
 * four people answered, so the threshold hides it. */
static int load_surveys(store *s, int64_t program, int64_t coord, const int64_t *rel_ids,
                        const struct cast *c, int64_t now, unsigned *rng)
{
    static const char midpoint_q[] =
        "[{\"id\": \"meetings_useful\", \"kind\": \"likert\", \"label\": \"Our meetings are "
        "useful\", \"options\": [], \"required\": true},"
        " {\"id\": \"recommend\", \"kind\": \"nps\", \"label\": \"Would you recommend "
        "the program?\", \"options\": [], \"required\": true},"
        " {\"id\": \"training_helped\", \"kind\": \"likert\", \"label\": \"Orientation "
        "prepared me well\", \"options\": [], \"required\": false},"
        " {\"id\": \"best_part\", \"kind\": \"text\", \"label\": \"What has been the best part "
        "so far?\", \"options\": [], \"required\": false}]";
    static const char pulse_q[] =
        "[{\"id\": \"supported\", \"kind\": \"likert\", \"label\": \"I feel supported by the "
        "program team\", \"options\": [], \"required\": true},"
        " {\"id\": \"recommend\", \"kind\": \"nps\", \"label\": \"Would you recommend "
        "the program?\", \"options\": [], \"required\": true}]";
    static const char *const best[] = {"Having someone outside my team to ask",
                                       "The honest feedback", "Learning how decisions get made",
                                       "Meeting people across the company"};
    int64_t created = now - (STARTED_DAYS + 10) * (int64_t)DAY, mid, pulse;
    store_val p[] = {SV_INT(program),
                     SV_TEXT("Two-month check-in"),
                     SV_TEXT("Four questions on how your mentoring is going, two months in."),
                     SV_TEXT(midpoint_q),
                     SV_INT(coord),
                     SV_INT(created)};
    int rc = insert_id(s,
                       "INSERT INTO surveys (program_id, purpose, title, intro, anonymous, "
                       "audience, questions, trigger_on, after_days, times, status, created_by, "
                       "created_at, updated_at) VALUES (?1, 'feedback', ?2, ?3, 0, 'both', ?4, "
                       "'relationship_started', 60, 1, 'active', ?5, ?6, ?6) RETURNING id",
                       p, 6, &mid);
    int training_mentors = 0;
    for (size_t r = 0; r < NRELS && rc == STORE_OK; r++) {
        if (rels[r].started < 120)
            continue; /* the later pairs answer in a few weeks */
        int64_t opened = now - (rels[r].started - 60) * (int64_t)DAY, round;
        char subject[32];
        str_fmt(subject, sizeof subject, "r%lld", (long long)rel_ids[r]);
        store_val q[] = {SV_INT(mid), SV_TEXT(subject), SV_INT(rel_ids[r]), SV_INT(opened),
                         SV_INT(opened + 14 * DAY)};
        rc = insert_id(s,
                       "INSERT INTO survey_rounds (survey_id, subject, event, seq, "
                       "relationship_id, opened_at, closes_at) VALUES (?1, ?2, 'start', 1, ?3, "
                       "?4, ?5) RETURNING id",
                       q, 5, &round);
        for (int m = 0; m < 2 && rc == STORE_OK; m++) {
            int64_t part = c->part[m ? NMENTORS + (int)r : (int)(r % NMENTORS)];
            bool answers = rnd(rng) % 7 != 0;
            int64_t at = opened + (1 + (int64_t)(rnd(rng) % 6)) * DAY;
            store_val a[] = {SV_INT(round), SV_INT(part), SV_INT(mid), SV_INT(opened),
                             answers ? SV_INT(at) : SV_NULL};
            rc = exec(s,
                      "INSERT INTO survey_asks (round_id, participation_id, survey_id, asked_at, "
                      "answered_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                      a, 5);
            if (rc != STORE_OK || !answers)
                continue;
            bool weak = rels[r].health != 0 || strcmp(rels[r].status, "ended_early") == 0;
            json_t *ans =
                json_pack("{s:i, s:i}", "meetings_useful",
                          weak ? 2 + (int)(rnd(rng) % 2) : 4 + (int)(rnd(rng) % 2), "recommend",
                          weak ? 4 + (int)(rnd(rng) % 3) : 8 + (int)(rnd(rng) % 3));
            if (m == 1 || training_mentors < 3) {
                json_object_set_new(ans, "training_helped", json_integer(3 + (int)(rnd(rng) % 3)));
                training_mentors += m == 0;
            }
            if (rnd(rng) % 2)
                json_object_set_new(ans, "best_part", json_string(best[rnd(rng) % 4]));
            char *text = json_dumps(ans, JSON_COMPACT);
            json_decref(ans);
            store_val w[] = {SV_INT(mid),
                             SV_INT(round),
                             SV_INT(part),
                             SV_INT(rel_ids[r]),
                             SV_TEXT(m ? "mentee" : "mentor"),
                             SV_TEXT(text),
                             SV_INT(at)};
            int64_t response = 0;
            rc = insert_id(s,
                           "INSERT INTO survey_responses (survey_id, round_id, participation_id, "
                           "relationship_id, role, answers, submitted_at) VALUES (?1, ?2, ?3, "
                           "?4, ?5, ?6, ?7) RETURNING id",
                           w, 7, &response);
            if (rc == STORE_OK) /* its rated answers, as an answer through the service */
                rc = store_survey_values_derive(s, response);
            free(text);
        }
    }

    /* The anonymous pulse: everyone asked three weeks ago, four answered. */
    store_val q[] = {SV_INT(program),
                     SV_TEXT("Program pulse"),
                     SV_TEXT("Two anonymous questions for everyone in the program."),
                     SV_TEXT(pulse_q),
                     SV_INT(coord),
                     SV_INT(now - 22 * (int64_t)DAY)};
    if (rc == STORE_OK)
        rc = insert_id(s,
                       "INSERT INTO surveys (program_id, purpose, title, intro, anonymous, "
                       "audience, questions, trigger_on, status, created_by, created_at, "
                       "updated_at) VALUES (?1, 'feedback', ?2, ?3, 1, 'both', ?4, 'manual', "
                       "'active', ?5, ?6, ?6) RETURNING id",
                       q, 6, &pulse);
    int64_t round = 0, opened = now - 21 * (int64_t)DAY;
    store_val w[] = {SV_INT(pulse), SV_INT(opened), SV_INT(opened + 28 * DAY)};
    if (rc == STORE_OK)
        rc = insert_id(s,
                       "INSERT INTO survey_rounds (survey_id, subject, event, seq, opened_at, "
                       "closes_at) VALUES (?1, 'program', 'manual', 1, ?2, ?3) RETURNING id",
                       w, 3, &round);
    for (int i = 0; i < NMENTORS + NMENTEES && rc == STORE_OK; i++) {
        bool answers = i % 10 == 3;
        int64_t at = opened + (1 + i % 5) * (int64_t)DAY;
        store_val a[] = {SV_INT(round), SV_INT(c->part[i]), SV_INT(pulse), SV_INT(opened),
                         answers ? SV_INT(at) : SV_NULL};
        rc = exec(s,
                  "INSERT INTO survey_asks (round_id, participation_id, survey_id, asked_at, "
                  "answered_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                  a, 5);
        if (rc != STORE_OK || !answers)
            continue;
        char text[64];
        str_fmt(text, sizeof text, "{\"supported\": %d, \"recommend\": %d}", 3 + i % 3, 6 + i % 5);
        store_val v[] = {SV_INT(pulse), SV_TEXT(text), SV_INT((at / DAY) * DAY)};
        int64_t response = 0;
        rc = insert_id(s,
                       "INSERT INTO survey_responses (survey_id, answers, submitted_at) VALUES "
                       "(?1, ?2, ?3) RETURNING id",
                       v, 3, &response);
        if (rc == STORE_OK)
            rc = store_survey_values_derive(s, response);
    }
    return rc;
}

/* The starter articles people opened, in the phases they were in. */
static int load_resource_opens(store *s, const struct cast *c, int64_t now, unsigned *rng)
{
    int64_t ids[16];
    size_t n = 0;
    int rc = store_query_ints(s,
                              "SELECT id FROM resources WHERE program_id IS NULL AND starter IS "
                              "NOT NULL ORDER BY position, id",
                              NULL, 0, ids, sizeof ids / sizeof ids[0], &n);
    if (rc < 0)
        return rc;
    for (int i = 0; i < NMENTORS + NMENTEES && n && rc == STORE_OK; i++) {
        /* The library is in phase order: people read up to a little past
         * the phase their relationship is in. */
        size_t r = i < NMENTORS ? (size_t)i : (size_t)(i - NMENTORS);
        size_t upto = (r < NRELS ? (size_t)rels[r].phase : 0) + 2;
        upto = upto < n ? upto : n;
        int count = 1 + (int)(rnd(rng) % upto);
        for (int k = 0; k < count && rc == STORE_OK; k++) {
            int64_t firsts = now - (5 + (int64_t)(rnd(rng) % (STARTED_DAYS - 5))) * DAY;
            store_val p[] = {SV_INT(ids[upto - 1 - (size_t)k]), SV_INT(c->person[i]),
                             SV_INT(firsts), SV_INT(firsts + (int64_t)(rnd(rng) % 4) * DAY),
                             SV_INT(1 + rnd(rng) % 3)};
            rc = exec(s,
                      "INSERT INTO resource_opens (resource_id, person_id, first_opened_at, "
                      "last_opened_at, opens) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                      p, 5);
        }
    }
    return rc;
}

/* Outcome records from "HR": retention, promotion and performance band
 * for the matched participants and for the comparison group, written by
 * the outcome import. */
static int load_outcomes(store *s, const struct cast *c, int64_t now, unsigned *rng)
{
    char day[11];
    day_text(now - 5 * (int64_t)DAY, day);
    size_t cap = 64 * (NMENTORS + NMENTEES + NOTHERS) * 3, len = 0;
    char *csv = malloc(cap);
    if (!csv)
        return STORE_ERROR;
    len += (size_t)snprintf(csv, cap, "email,date,kind,value\n");
    for (int i = 0; i < NMENTORS + NMENTEES + NOTHERS; i++) {
        bool other = i >= NMENTORS + NMENTEES;
        if (!other && i >= NMENTORS + (int)NRELS)
            continue; /* never matched: in neither group */
        int stay = other ? rnd(rng) % 100 < 72 : rnd(rng) % 100 < 92;
        int promoted = other ? rnd(rng) % 100 < 14 : rnd(rng) % 100 < 31;
        unsigned b = rnd(rng) % 100;
        const char *band = b < (other ? 15u : 27u)   ? "Exceeds"
                           : b < (other ? 78u : 85u) ? "Meets"
                                                     : "Below";
        len += (size_t)snprintf(csv + len, cap - len,
                                "%s,%s,retention_12m,%d\n%s,%s,promotion,%d\n"
                                "%s,%s,performance_band,%s\n",
                                c->email[i], day, stay, c->email[i], day, promoted, c->email[i],
                                day, band);
    }
    svc_actor system = {0};
    struct outcome_import_report rep;
    int rc = outcome_import_run(s, &system, false, csv, len, &rep);
    if (rc == SVC_INVALID && rep.nerrors)
        fprintf(stderr, "tandem demo: outcome record line %u: %s\n", rep.errors[0].line,
                rep.errors[0].message);
    outcome_import_cleanup(&rep);
    free(csv);
    return rc == SVC_OK ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
}

int demo_load_running(store *s, const char *hash, int64_t coord, int64_t now)
{
    unsigned rng = 20260701u;
    int64_t program = 0, run = 0, part, rel_ids[NRELS];
    struct cast *c = calloc(1, sizeof *c);
    char *cfg = program_config(now);
    int rc = c && cfg ? STORE_OK : STORE_ERROR;
    store_val p[] = {SV_TEXT(DEMO_RUNNING_PROGRAM),
                     SV_TEXT("A year of mentoring for the 2026 graduate intake, five months in."),
                     SV_TEXT(cfg ? cfg : "{}"),
                     SV_INT(coord),
                     SV_INT(now - (STARTED_DAYS + 60) * (int64_t)DAY),
                     SV_INT(now - DAY)};
    if (rc == STORE_OK)
        rc = insert_id(s,
                       "INSERT INTO programs (name, description, status, config, created_by, "
                       "created_at, updated_at) VALUES (?1, ?2, 'running', ?3, ?4, ?5, ?6) "
                       "RETURNING id",
                       p, 6, &program);
    if (rc == STORE_OK) {
        store_val q[] = {SV_INT(program), SV_INT(coord), SV_INT(now - 200 * (int64_t)DAY)};
        rc = insert_id(s,
                       "INSERT INTO participations (program_id, person_id, role, status, "
                       "created_at, updated_at, sort_name, email) SELECT ?1, ?2, 'coordinator', "
                       "'approved', ?3, ?3, name, email FROM people WHERE id = ?2 RETURNING id",
                       q, 3, &part);
    }
    if (rc == STORE_OK)
        rc = load_people(s, hash, program, now, c, &rng);
    if (rc == STORE_OK) {
        int64_t made = now - (STARTED_DAYS + 3) * (int64_t)DAY;
        store_val q[] = {SV_INT(program), SV_INT(coord), SV_INT(made), SV_INT(made + DAY)};
        rc = insert_id(s,
                       "INSERT INTO match_runs (program_id, created_by, created_at, objective, "
                       "status, published_at, published_by) VALUES (?1, ?2, ?3, 'total', "
                       "'published', ?4, ?2) RETURNING id",
                       q, 4, &run);
    }
    /* Who the run was given: everyone trained then, with their places. */
    for (int i = 0; i < NMENTORS + NMENTEES && rc == STORE_OK; i++) {
        bool mentor = i < NMENTORS;
        store_val q[] = {SV_INT(run), SV_INT(c->part[i]), SV_TEXT(mentor ? "mentor" : "mentee"),
                         SV_INT(mentor ? 2 : 1)};
        rc = exec(s,
                  "INSERT INTO match_run_people (run_id, participation_id, side, slots) VALUES "
                  "(?1, ?2, ?3, ?4)",
                  q, 4);
    }
    struct program_config pc;
    memset(&pc, 0, sizeof pc);
    if (rc == STORE_OK)
        rc = svc_program_config(s, program, &pc, NULL, 0) == SVC_OK ? STORE_OK : STORE_ERROR;
    for (size_t r = 0; r < NRELS && rc == STORE_OK; r++)
        rc = load_relationship(s, program, run, &pc, r, c, now, &rng, &rel_ids[r]);
    if (rc == STORE_OK)
        rc = load_surveys(s, program, coord, rel_ids, c, now, &rng);
    if (rc == STORE_OK)
        rc = load_resource_opens(s, c, now, &rng);
    if (rc == STORE_OK)
        rc = load_outcomes(s, c, now, &rng);
    /* Two pairs were at risk in the spring and recovered; the at-risk
     * job's record of who is at risk now. */
    for (size_t k = 0; k < 2 && rc == STORE_OK; k++) {
        size_t r = k ? 8 : 3;
        store_val q[] = {SV_INT(rel_ids[r]),
                         SV_INT(program),
                         SV_TEXT(k ? "low_rating" : "no_meeting"),
                         SV_TEXT(k ? "A quality was rated 2 or less in the latest health check."
                                   : "No meeting held in a month."),
                         SV_INT(now - (90 - 10 * (int64_t)k) * DAY),
                         SV_INT(now - (62 - 5 * (int64_t)k) * DAY)};
        rc = exec(s,
                  "INSERT INTO risk_flags (relationship_id, program_id, code, text, raised_at, "
                  "cleared_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  q, 6);
    }
    size_t changed = 0;
    if (rc == STORE_OK)
        rc = svc_risk_record(s, program, now, &changed);
    /* The daily job would have raised each when its cause arose, not all
     * just now: a missed meeting once the gap passed twice the guideline's
     * interval, a rating with the check that gave it, the rest lately. */
    store_val q[] = {SV_INT(program), SV_INT(now)};
    if (rc == STORE_OK)
        rc = exec(s,
                  "UPDATE risk_flags SET raised_at = ?2 - (3 + id % 9) * 86400 WHERE program_id = "
                  "?1 AND cleared_at IS NULL",
                  q, 2);
    if (rc == STORE_OK)
        rc = exec(s,
                  "UPDATE risk_flags SET raised_at = (SELECT MAX(m.starts_at) FROM meetings m "
                  "WHERE m.relationship_id = risk_flags.relationship_id AND m.status = 'held') + "
                  "31 * 86400 WHERE program_id = ?1 AND cleared_at IS NULL AND code = 'no_meeting' "
                  "AND EXISTS (SELECT 1 FROM meetings m WHERE m.relationship_id = "
                  "risk_flags.relationship_id AND m.status = 'held')",
                  q, 1);
    if (rc == STORE_OK)
        rc =
            exec(s,
                 "UPDATE risk_flags SET raised_at = (SELECT MAX(h.created_at) FROM health_checks h "
                 "WHERE h.relationship_id = risk_flags.relationship_id) WHERE program_id = ?1 AND "
                 "cleared_at IS NULL AND code IN ('low_rating', 'rating_drop')",
                 q, 1);
    for (size_t r = 0; r < NRELS && rc == STORE_OK; r++) {
        int64_t phase_at = now - rels[r].started * (int64_t)DAY;
        if (rels[r].phase)
            phase_at += move_day[rels[r].phase - 1] * (int64_t)DAY;
        json_int_t days = json_integer_value(json_object_get(
            json_array_get(pc.phases.items, (size_t)rels[r].phase), "timeframe_days"));
        store_val w[] = {SV_INT(rel_ids[r]), SV_INT(phase_at + (2 * days + 1) * DAY)};
        rc = exec(s,
                  "UPDATE risk_flags SET raised_at = ?2 WHERE relationship_id = ?1 AND code = "
                  "'phase_overdue' AND cleared_at IS NULL",
                  w, 2);
    }
    /* The facts the reports read, from the rows written above. */
    if (rc == STORE_OK)
        rc = svc_facts_refresh_program(s, program);
    program_config_cleanup(&pc);
    free(cfg);
    free(c);
    return rc;
}
