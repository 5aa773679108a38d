/* demo.c - `tandem demo`: a realistic sample program to explore.
 *
 * "New-hire mentoring" at a fictional company: one coordinator, 14
 * mentors and 28 mentees with profiles, approved and trained, ready to be
 * matched, and a second one five months into its life (demo_life.c) so
 * the dashboard and every report have data. Every demo account signs in with the same password, printed
 * once (or TANDEM_DEMO_PASSWORD). Running it twice changes nothing.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/identity.h"
#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/db.h"
#include "cli/demo_life.h"
#include "domain/program.h"
#include "service/participation.h"

#define DEMO_PROGRAM "New-hire mentoring (demo)"

static const char *const first[] = {
    "Ada",   "Bilal",  "Chen", "Dora",   "Emeka",  "Farah",  "Goran", "Hana", "Ivan",
    "Jun",   "Kemi",   "Lars", "Maya",   "Nikhil", "Olga",   "Pedro", "Qing", "Rosa",
    "Sami",  "Tara",   "Uma",  "Viktor", "Wen",    "Ximena", "Yusuf", "Zara", "Aino",
    "Bruno", "Carmen", "Dev",  "Elif",   "Felix",  "Gita",   "Hugo",  "Ines", "Jonas",
    "Keiko", "Leon",   "Mina", "Noor",   "Oscar",  "Priya"};
static const char *const last[] = {"Okafor", "Lindqvist", "Moreau",   "Tanaka", "Silva",
                                   "Novak",  "Haddad",    "Kowalski", "Nguyen", "Schmidt",
                                   "Costa",  "Ibrahim",   "Jensen",   "Rossi"};
static const char *const departments[] = {"Engineering", "Sales",   "Finance",
                                          "People",      "Product", "Operations"};
static const char *const skills[] = {"public speaking",
                                     "negotiation",
                                     "sql",
                                     "leadership",
                                     "product strategy",
                                     "finance basics",
                                     "career planning",
                                     "stakeholder management",
                                     "data analysis",
                                     "coaching",
                                     "writing",
                                     "time management"};
static const char *const languages[] = {"English", "French", "German", "Spanish", "Japanese"};
static const char *const cities[] = {"Lisbon", "Berlin", "Lyon", "Osaka", "Madrid", "Dublin"};
static const int offsets[] = {0, 1, 1, 9, 1, 0};
static const char *const zones[] = {"Europe/Lisbon", "Europe/Berlin", "Europe/Paris",
                                    "Asia/Tokyo",    "Europe/Madrid", "Europe/Dublin"};

/* What people pick from for the tag fields: the demo's own words. */
static json_t *choices(const char *const *list, size_t n, bool other)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(list[i]));
    return json_pack("{s:o, s:b}", "options", a, "other", other);
}

/* A deterministic pseudo-random sequence, so the demo is the same everywhere. */
static unsigned demo_rand(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7fff;
}

static json_t *pick_tags(const char *const *from, size_t n, int count, unsigned *rng)
{
    json_t *a = json_array();
    for (int k = 0; k < count; k++) {
        const char *t = from[demo_rand(rng) % n];
        size_t i;
        json_t *v;
        bool dup = false;
        json_array_foreach(a, i, v) dup = dup || strcmp(json_string_value(v), t) == 0;
        if (!dup)
            json_array_append_new(a, json_string(t));
    }
    return a;
}

static json_t *profile(bool mentor, int city, unsigned *rng)
{
    json_t *p = json_object();
    json_t *langs = json_array();
    json_array_append_new(langs, json_string("English"));
    if (demo_rand(rng) % 2)
        json_array_append_new(langs, json_string(languages[1 + demo_rand(rng) % 4]));
    json_object_set_new(p, "languages", langs);
    json_object_set_new(p, mentor ? "expertise" : "development_needs",
                        pick_tags(skills, sizeof skills / sizeof skills[0], mentor ? 4 : 3, rng));
    json_object_set_new(p, "interests",
                        pick_tags(skills, sizeof skills / sizeof skills[0], 2, rng));
    json_object_set_new(p, "location", json_string(cities[city]));
    json_object_set_new(p, "utc_offset", json_integer(offsets[city]));
    json_object_set_new(p, "time_zone", json_string(zones[city]));
    json_object_set_new(
        p, "years_experience",
        json_integer(mentor ? 8 + (int)(demo_rand(rng) % 15) : (int)(demo_rand(rng) % 4)));
    json_t *pers = json_array();
    for (int i = 0; i < 8; i++)
        json_array_append_new(pers, json_integer(1 + (int)(demo_rand(rng) % 5)));
    json_object_set_new(p, "personality", pers);
    return p;
}

static int add_participant(store *s, int64_t program, int64_t person, const char *role,
                           const char *status, json_t *prof, int64_t now)
{
    char *text = json_dumps(prof, JSON_COMPACT);
    store_val p[] = {SV_INT(program),
                     SV_INT(person),
                     SV_TEXT(role),
                     SV_TEXT(status),
                     SV_TEXT(text),
                     SV_INT(now),
                     strcmp(role, "mentor") == 0 ? SV_INT(2) : SV_NULL,
                     strcmp(role, "mentee") == 0 ? SV_INT(1) : SV_NULL};
    store_rows *rows;
    int rc =
        store_query(s,
                    "INSERT INTO participations (program_id, person_id, role, status, profile, "
                    "capacity, wants, created_at, updated_at, sort_name, email) "
                    "SELECT ?1, ?2, ?3, ?4, ?5, ?7, ?8, ?6, ?6, name, email FROM people "
                    "WHERE id = ?2 RETURNING id",
                    p, 8, &rows);
    free(text);
    if (rc != STORE_OK)
        return rc;
    int64_t id = store_next(rows) == 1 ? store_col_int(rows, 0) : 0;
    store_rows_free(rows);
    /* The funnel: every stage up to the current one, a day apart. */
    static const enum stage stages[] = {STAGE_INVITED, STAGE_APPLIED, STAGE_APPROVED,
                                        STAGE_TRAINED};
    for (int i = 0; i < 4 && id; i++) {
        if ((rc = svc_participation_stage(s, id, stages[i], now - (4 - i) * 86400)) != STORE_OK)
            return rc;
        if (strcmp(stage_name(stages[i]), status) == 0)
            break;
    }
    if (id && strcmp(status, "trained") == 0) {
        store_val t[] = {SV_INT(id), SV_INT(now - 86400)};
        if ((rc = store_exec(
                 s,
                 "INSERT INTO training_completions (participation_id, module_id, completed_at) "
                 "VALUES (?1, 'orientation', ?2)",
                 t, 2, NULL)) != STORE_OK)
            return rc;
    }
    return id ? STORE_OK : STORE_ERROR;
}

static int person(store *s, const char *email, const char *name, const char *hash, const char *role,
                  const char *dept, int level, int64_t now, int64_t *id)
{
    store_val p[] = {SV_TEXT(email), SV_TEXT(name), SV_TEXT(hash), SV_TEXT(role),
                     SV_TEXT(dept),  SV_INT(level), SV_INT(now)};
    store_rows *rows;
    int rc = store_query(s,
                         "INSERT INTO people (email, name, password_hash, site_role, department, "
                         "job_level, languages, created_at, updated_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, '[\"English\"]', ?7, ?7) RETURNING id",
                         p, 7, &rows);
    if (rc != STORE_OK)
        return rc;
    rc = store_next(rows);
    *id = rc == 1 ? store_col_int(rows, 0) : 0;
    store_rows_free(rows);
    return rc == 1 ? STORE_OK : rc == 0 ? STORE_ERROR : rc;
}

static int load_demo(store *s, const char *hash)
{
    int64_t now = clock_now(), id, program, coord;
    int rc;
    unsigned rng = 20261123u;
    json_t *in = json_loads(
        "{\"objectives\": {\"summary\": \"Help new hires settle in, build a network and grow in "
        "their first year.\", \"measures\": [{\"name\": \"12-month retention of new hires\", "
        "\"unit\": \"%\", \"baseline\": 80, \"target\": 88}]},"
        " \"selection\": {\"access\": \"approval\", \"default_capacity\": 2, \"default_wants\": 1},"
        " \"matching\": {\"mode\": \"hybrid\", \"objective\": \"total\", \"min_score\": 0.1,"
        "  \"criteria\": [{\"name\": \"skills\", \"kind\": \"overlap\", \"mentee_field\": "
        "\"development_needs\", \"mentor_field\": \"expertise\", \"weight\": 3},"
        "   {\"name\": \"language\", \"kind\": \"shared\", \"field\": \"languages\", \"weight\": "
        "1, "
        "\"required\": true},"
        "   {\"name\": \"time zone\", \"kind\": \"distance\", \"field\": \"utc_offset\", "
        "\"scale\": 6, "
        "\"weight\": 1},"
        "   {\"name\": \"seniority\", \"kind\": \"gap\", \"field\": \"years_experience\", \"min\": "
        "5, "
        "\"max\": 20, \"scale\": 5, \"weight\": 1},"
        "   {\"name\": \"personality\", \"kind\": \"similarity\", \"field\": \"personality\", "
        "\"weight\": 0.5}]},"
        " \"training\": {\"required_before_matching\": true, \"modules\": [{\"id\": "
        "\"orientation\", "
        "\"role\": \"both\", \"title\": \"Orientation\", \"content_md\": \"# "
        "Welcome\\n\\nMentoring "
        "is a relationship between two people who both learn. In this program you will meet about "
        "twice a month for a year.\\n\\n- Agree goals early\\n- Keep what is said confidential\\n"
        "- Either of you may end the relationship without blame\"}]},"
        " \"meetings\": {\"frequency_per_month\": 2, \"length_minutes\": 60, \"modes\": "
        "[\"video\", "
        "\"in_person\"]},"
        " \"phases\": {\"template\": \"zachary\"}}",
        0, NULL);
    struct program_config cfg;
    verr e = {0};
    size_t nskills = sizeof skills / sizeof skills[0];
    json_t *sel = json_object_get(in, "selection");
    if (sel)
        json_object_set_new(
            sel, "profile_fields",
            json_pack("{s:o, s:o, s:o, s:o}", "expertise", choices(skills, nskills, false),
                      "development_needs", choices(skills, nskills, false), "interests",
                      choices(skills, nskills, true), "languages",
                      choices(languages, sizeof languages / sizeof languages[0], true)));
    if (!in || program_config_normalize(in, NULL, &cfg, &e)) {
        fprintf(stderr, "tandem demo: the demo configuration is invalid: %s %s\n", e.field, e.msg);
        json_decref(in);
        return STORE_ERROR;
    }
    json_decref(in);
    char *cfgtext = json_dumps(cfg.doc, JSON_COMPACT);
    program_config_cleanup(&cfg);

    if ((rc = person(s, "coordinator@demo.tandem.example", "Grace Mensah", hash, "coordinator",
                     "People", 6, now, &coord)) != STORE_OK)
        goto done;
    store_val p[] = {SV_TEXT(DEMO_PROGRAM),
                     SV_TEXT("A year of mentoring for everyone who joined in the last six months."),
                     SV_TEXT(cfgtext), SV_INT(coord), SV_INT(now)};
    store_rows *rows;
    if ((rc = store_query(s,
                          "INSERT INTO programs (name, description, status, config, created_by, "
                          "created_at, updated_at) VALUES (?1, ?2, 'matching', ?3, ?4, ?5, ?5) "
                          "RETURNING id",
                          p, 5, &rows)) != STORE_OK)
        goto done;
    program = store_next(rows) == 1 ? store_col_int(rows, 0) : 0;
    store_rows_free(rows);
    json_t *none = json_object();
    rc = add_participant(s, program, coord, "coordinator", "approved", none, now);
    json_decref(none);
    if (rc)
        goto done;
    for (int i = 0; i < 42; i++) {
        bool mentor = i < 14;
        char email[128], name[128];
        const char *fn = first[i % 42], *ln = last[(i * 5) % 14];
        str_fmt(name, sizeof name, "%s %s", fn, ln);
        str_fmt(email, sizeof email, "%s.%s@demo.tandem.example", fn, ln);
        str_ascii_lower(email);
        int city = (int)(demo_rand(&rng) % 6);
        if ((rc = person(s, email, name, hash, "member", departments[demo_rand(&rng) % 6],
                         mentor ? 4 + i % 3 : 1 + i % 2, now, &id)) != STORE_OK)
            goto done;
        json_t *prof = profile(mentor, city, &rng);
        rc = add_participant(s, program, id, mentor ? "mentor" : "mentee",
                             i % 9 == 8 ? "approved" : "trained", prof, now);
        json_decref(prof);
        if (rc)
            goto done;
    }
    /* The first mentee's manager is the first mentor: the power-differential
     * rule keeps them apart. */
    store_val m[] = {SV_TEXT("ada.okafor@demo.tandem.example")};
    rc = store_exec(s,
                    "UPDATE people SET manager_id = (SELECT id FROM people WHERE email = ?1) "
                    "WHERE email = 'olga.rossi@demo.tandem.example'",
                    m, 1, NULL);
    if (rc == STORE_OK)
        rc = demo_load_running(s, hash, coord, now);
done:
    free(cfgtext);
    return rc;
}

/* A database loaded before the demo had its running program: adds it, for
 * the demo's coordinator, with the password the demo people already have.
 * 0, or 1 with the error printed. */
static int add_running(store *s)
{
    int64_t n = 0, coord = 0;
    char *hash = NULL;
    store_val p[] = {SV_TEXT(DEMO_RUNNING_PROGRAM)};
    int rc = store_query_int(s, "SELECT COUNT(*) FROM programs WHERE name = ?1", p, 1, &n);
    if (rc >= 0 && n > 0) {
        printf("tandem demo: the demo programs are there already\n");
        return 0;
    }
    store_rows *rows = NULL;
    if (rc >= 0)
        rc = store_query(s,
                         "SELECT id, password_hash FROM people WHERE email = "
                         "'coordinator@demo.tandem.example'",
                         NULL, 0, &rows);
    if (rc >= 0 && (rc = store_next(rows)) == 1) {
        coord = store_col_int(rows, 0);
        hash = xstrdup(store_col_text(rows, 1));
        rc = STORE_OK;
    } else if (rc == 0) {
        rc = STORE_ERROR;
    }
    store_rows_free(rows);
    if (rc == STORE_OK)
        rc = store_begin(s);
    if (rc == STORE_OK)
        rc = demo_load_running(s, hash, coord, clock_now());
    if (rc == STORE_OK)
        rc = store_commit(s);
    free(hash);
    if (rc != STORE_OK) {
        store_rollback(s);
        fprintf(stderr, "tandem demo: %s\n",
                coord ? store_errmsg(s) : "the demo coordinator is missing");
        return 1;
    }
    printf("tandem demo: added \"%s\", five months in: 14 mentors, 26 mentees,\n"
           "  22 relationships; its people sign in with the demo's password\n",
           DEMO_RUNNING_PROGRAM);
    return 0;
}

int cli_demo(int argc, char **argv)
{
    const char *db = NULL;
    const struct cli_flag flags[] = {{"--db", &db, NULL}, {0}};
    if (cli_parse(argc, argv, flags, NULL, 0, NULL))
        return 2;
    if (!(db = cli_db_url(db, "demo")))
        return 2;
    int status;
    store *s = cli_open_db("demo", db, &status);
    if (!s)
        return status;
    int64_t n = 0;
    store_val p[] = {SV_TEXT(DEMO_PROGRAM)};
    if (store_query_int(s, "SELECT COUNT(*) FROM programs WHERE name = ?1", p, 1, &n) < 0) {
        fprintf(stderr, "tandem demo: %s\n", store_errmsg(s));
        store_free(s);
        return 1;
    }
    if (n > 0) {
        int added = add_running(s);
        store_free(s);
        return added;
    }
    const char *pw = getenv("TANDEM_DEMO_PASSWORD");
    char generated[IDENTITY_TOKEN_CHARS];
    if (!pw || !*pw) {
        identity_new_secret("", generated);
        generated[16] = '\0';
        pw = generated;
    }
    char *hash = identity_password_hash(pw);
    int rc = store_begin(s);
    if (rc == STORE_OK)
        rc = load_demo(s, hash);
    if (rc == STORE_OK)
        rc = store_commit(s);
    free(hash);
    if (rc != STORE_OK) {
        store_rollback(s);
        fprintf(stderr, "tandem demo: %s\n", store_errmsg(s));
        store_free(s);
        return 1;
    }
    printf("tandem demo: loaded \"%s\": 1 coordinator, 14 mentors, 28 mentees\n"
           "  and \"%s\", five months in: 14 mentors, 26 mentees, 22 relationships\n"
           "  sign in as coordinator@demo.tandem.example (or any demo person, e.g.\n"
           "  ada.okafor@demo.tandem.example, a mentor) with the password: %s\n",
           DEMO_PROGRAM, DEMO_RUNNING_PROGRAM, pw);
    store_free(s);
    return 0;
}
