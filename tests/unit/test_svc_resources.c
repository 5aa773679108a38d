/* test_svc_resources.c - the help library's and recognition's services
 * against a real database (SQLite, and PostgreSQL when tests/run has one):
 * who edits which library, the phase names checked, versions, ordering,
 * hiding, opens, recommendations across a phase move; milestones recorded
 * once each as they happen, hours that skip an absent member, completion
 * through the relationship's close, kudos mail, and the certificate's
 * refusals. The clock is fixed (TANDEM_NOW) at 1 December 2026, 12:00 UTC. */
#include "svc_fixture.h"

#include "service/phase.h"
#include "service/recognition.h"
#include "service/relationship.h"
#include "service/resource.h"

#define NOW 1796126400 /* 2026-12-01T12:00:00Z */

struct lib {
    store *db;
    int64_t coord, mentor, mentee, program, rel, mentor_part, mentee_part;
    struct program_config cfg;
    svc_actor as_coord, as_mentor, as_mentee, as_admin;
};

static const char cfg_json[] =
    "{\"training\": {\"required_before_matching\": false, \"modules\": []},"
    " \"phases\": {\"template\": \"custom\", \"items\": ["
    "  {\"name\": \"Start\", \"key_actions\": [], \"resources\": [\"Listed\"]},"
    "  {\"name\": \"Grow\", \"key_actions\": []}, {\"name\": \"Close\", \"key_actions\": []}]}}";

static struct lib setup(void **state)
{
    struct lib l = {.db = *state};
    l.coord = fx_person(l.db, "Cora", 0);
    l.mentor = fx_person(l.db, "Maya", 0);
    l.mentee = fx_person(l.db, "Eli", 0);
    l.program = fx_program(l.db, l.coord, cfg_json);
    l.cfg = fx_config(l.db, l.program);
    l.mentor_part = fx_part(l.db, l.program, l.mentor, "mentor", STAGE_APPROVED, 2, 0, false);
    l.mentee_part = fx_part(l.db, l.program, l.mentee, "mentee", STAGE_APPROVED, 0, 1, false);
    l.as_coord = (svc_actor){.person_id = l.coord};
    l.as_mentor = (svc_actor){.person_id = l.mentor};
    l.as_mentee = (svc_actor){.person_id = l.mentee};
    l.as_admin = (svc_actor){.person_id = fx_person(l.db, "Ada", 0), .site_role = SITE_ADMIN};
    struct svc_rel_new in = {
        .mentor = l.mentor_part, .mentees = &l.mentee_part, .n = 1, .source = "manual"};
    verr e = {0};
    assert_int_equal(svc_relationship_create(l.db, &l.as_coord, l.program, &l.cfg, &in, &l.rel, &e),
                     SVC_OK);
    return l;
}

static int64_t add(struct lib *l, const svc_actor *who, int64_t program, const char *json, verr *e,
                   int want)
{
    json_t *body = json_loads(json, 0, NULL);
    struct resource_fields f;
    int64_t id = 0;
    assert_int_equal(resource_fields_read(body, false, NULL, &f, e), 0);
    assert_int_equal(svc_resource_create(l->db, who, program, program ? &l->cfg : NULL, &f, &id, e),
                     want);
    resource_fields_cleanup(&f);
    json_decref(body);
    return id;
}

static int patch(struct lib *l, const svc_actor *who, int64_t id, const char *json, verr *e)
{
    json_t *body = json_loads(json, 0, NULL);
    struct resource_fields f;
    assert_int_equal(resource_fields_read(body, true, NULL, &f, e), 0);
    int rc = svc_resource_update(l->db, who, id, &f, e);
    resource_fields_cleanup(&f);
    json_decref(body);
    return rc;
}

/* patch() with the resource's current version added to the fields
 * (`fields` is the inside of a JSON object, without its braces). */
static int vpatch(struct lib *l, const svc_actor *who, int64_t id, const char *fields, verr *e)
{
    char json[512];
    int64_t v = fx_count(l->db, "SELECT version FROM resources WHERE id = ?1", id);
    snprintf(json, sizeof json, "{\"version\": %lld, %s}", (long long)v, fields);
    return patch(l, who, id, json, e);
}

static int64_t starters(store *db)
{
    return fx_count(db, "SELECT COUNT(*) FROM resources WHERE starter IS NOT NULL AND ?1 = ?1", 0);
}

static void test_editors_phases_versions_and_order(void **state)
{
    struct lib l = setup(state);
    verr e = {0};
    assert_int_equal(starters(l.db), 5);
    int64_t a =
        add(&l, &l.as_coord, l.program, "{\"title\": \"A\", \"body_md\": \"x\"}", &e, SVC_OK);
    int64_t b = add(&l, &l.as_coord, l.program, "{\"title\": \"B\", \"url\": \"https://e.org\"}",
                    &e, SVC_OK);
    int64_t c =
        add(&l, &l.as_coord, l.program, "{\"title\": \"C\", \"body_md\": \"x\"}", &e, SVC_OK);
    add(&l, &l.as_mentor, l.program, "{\"title\": \"D\", \"body_md\": \"x\"}", &e, SVC_FORBIDDEN);
    add(&l, &l.as_coord, 0, "{\"title\": \"Site\", \"body_md\": \"x\"}", &e, SVC_FORBIDDEN);
    int64_t site = add(&l, &l.as_admin, 0, "{\"title\": \"Site\", \"body_md\": \"x\"}", &e, SVC_OK);
    memset(&e, 0, sizeof e);
    add(&l, &l.as_coord, l.program,
        "{\"title\": \"P\", \"body_md\": \"x\", \"phases\": [\"grow\", \"Nowhere\"]}", &e,
        SVC_INVALID);
    assert_string_equal(e.field, "phases[1]");
    assert_int_equal(
        fx_count(l.db, "SELECT COUNT(*) FROM resources WHERE program_id = ?1", l.program), 3);

    /* Versions: a stale one is refused, naming version. */
    memset(&e, 0, sizeof e);
    assert_int_equal(patch(&l, &l.as_coord, a, "{\"title\": \"A2\", \"version\": 1}", &e), SVC_OK);
    assert_int_equal(patch(&l, &l.as_coord, a, "{\"title\": \"A3\", \"version\": 1}", &e),
                     SVC_STALE);
    assert_string_equal(e.field, "version");
    /* ... and a change without one is refused too, after the access check. */
    memset(&e, 0, sizeof e);
    assert_int_equal(patch(&l, &l.as_coord, a, "{\"title\": \"A3\"}", &e), SVC_INVALID);
    assert_string_equal(e.field, "version");
    assert_int_equal(patch(&l, &l.as_mentee, a, "{\"title\": \"Mine\"}", &e), SVC_FORBIDDEN);
    assert_int_equal(patch(&l, &l.as_coord, site, "{\"title\": \"Mine\"}", &e), SVC_FORBIDDEN);
    /* Nothing left to open. */
    memset(&e, 0, sizeof e);
    assert_int_equal(vpatch(&l, &l.as_coord, b, "\"url\": null", &e), SVC_INVALID);
    assert_string_equal(e.field, "body_md");

    /* Order: C to the top, then A to the bottom; positions stay 0, 1, 2. */
    assert_int_equal(vpatch(&l, &l.as_coord, c, "\"position\": 0", &e), SVC_OK);
    assert_int_equal(vpatch(&l, &l.as_coord, a, "\"position\": 99", &e), SVC_OK);
    struct svc_resource_list list;
    assert_int_equal(svc_resource_list(l.db, &l.as_mentee, l.program, NULL, &list), STORE_OK);
    assert_false(list.editor);
    assert_int_equal(list.n, 3 + 5 + 1);
    assert_int_equal(list.items[0].id, c);
    assert_int_equal(list.items[1].id, b);
    assert_int_equal(list.items[2].id, a);
    for (int i = 0; i < 3; i++)
        assert_int_equal(list.items[i].position, i);
    assert_int_equal(list.items[3].program_id, 0); /* then the site-wide ones */
    svc_resource_list_cleanup(&list);

    /* Retired and hidden: readers lose them, editors see them with all. */
    assert_int_equal(vpatch(&l, &l.as_coord, b, "\"retired\": true", &e), SVC_OK);
    assert_int_equal(svc_resource_hide(l.db, &l.as_coord, l.program, site, true, &e), SVC_OK);
    assert_int_equal(svc_resource_hide(l.db, &l.as_coord, l.program, a, true, &e), SVC_REFUSED);
    assert_int_equal(svc_resource_hide(l.db, &l.as_mentor, l.program, site, false, &e),
                     SVC_FORBIDDEN);
    assert_int_equal(svc_resource_list(l.db, &l.as_mentee, l.program, NULL, &list), STORE_OK);
    assert_int_equal(list.n, 2 + 5);
    svc_resource_list_cleanup(&list);
    struct svc_resource_filter all = {.all = true};
    assert_int_equal(svc_resource_list(l.db, &l.as_coord, l.program, &all, &list), STORE_OK);
    assert_int_equal(list.n, 3 + 5 + 1);
    svc_resource_list_cleanup(&list);
    struct svc_resource r;
    assert_int_equal(svc_resource_get(l.db, &l.as_mentee, b, 0, &r), SVC_NOT_FOUND);
    assert_int_equal(svc_resource_get(l.db, &l.as_coord, b, 0, &r), SVC_OK);
    assert_true(r.editable && r.retired_at == NOW);
    svc_resource_cleanup(&r);
    program_config_cleanup(&l.cfg);
}

static void test_opens_and_recommendations_across_a_phase_move(void **state)
{
    struct lib l = setup(state);
    verr e = {0};
    int64_t listed =
        add(&l, &l.as_coord, l.program, "{\"title\": \"listed\", \"body_md\": \"x\"}", &e, SVC_OK);
    int64_t grow =
        add(&l, &l.as_coord, l.program,
            "{\"title\": \"G\", \"body_md\": \"x\", \"phases\": [\"Grow\"]}", &e, SVC_OK);
    int64_t mentors = add(&l, &l.as_coord, l.program,
                          "{\"title\": \"M\", \"body_md\": \"x\", \"phases\": [\"Start\"], "
                          "\"roles\": [\"mentor\"]}",
                          &e, SVC_OK);
    int64_t opens = 0, first = 0, last = 0;
    assert_int_equal(svc_resource_open(l.db, &l.as_mentee, listed, &opens, &first, &last), SVC_OK);
    assert_int_equal(svc_resource_open(l.db, &l.as_mentee, listed, &opens, &first, &last), SVC_OK);
    assert_int_equal(opens, 2);
    svc_actor stranger = {.person_id = fx_person(l.db, "Zed", 0)};
    assert_int_equal(svc_resource_open(l.db, &stranger, listed, &opens, &first, &last),
                     SVC_NOT_FOUND);
    svc_actor system = {0};
    assert_int_equal(svc_resource_open(l.db, &system, listed, &opens, &first, &last),
                     SVC_FORBIDDEN);

    struct svc_rel r;
    struct svc_resource_list rec;
    assert_int_equal(svc_relationship_get(l.db, &l.as_mentee, l.rel, PERM_READ, &r), SVC_OK);
    assert_int_equal(svc_resource_recommend(l.db, &l.as_mentee, &r, &l.cfg, &rec), STORE_OK);
    assert_int_equal(rec.items[0].id, listed); /* the phase lists it by title */
    assert_int_equal(rec.items[0].group, RESOURCE_CURRENT);
    assert_true(rec.items[0].opened_at == NOW);
    for (size_t i = 0; i < rec.n; i++)
        assert_int_not_equal(rec.items[i].id, mentors); /* a mentee's */
    svc_resource_list_cleanup(&rec);

    struct svc_rel rc_;
    assert_int_equal(svc_relationship_get(l.db, &l.as_coord, l.rel, PERM_READ, &rc_), SVC_OK);
    assert_int_equal(svc_phase_advance(l.db, &l.as_coord, &rc_, &l.cfg, true, &e), SVC_OK);
    assert_int_equal(svc_relationship_get(l.db, &l.as_mentee, l.rel, PERM_READ, &r), SVC_OK);
    assert_int_equal(svc_resource_recommend(l.db, &l.as_mentee, &r, &l.cfg, &rec), STORE_OK);
    assert_int_equal(rec.items[0].id, grow);
    assert_int_equal(rec.items[0].group, RESOURCE_CURRENT);
    svc_resource_list_cleanup(&rec);

    /* The editor's counts. */
    struct svc_resource one;
    assert_int_equal(svc_resource_get(l.db, &l.as_coord, listed, l.program, &one), SVC_OK);
    assert_int_equal(one.opens, 2);
    assert_int_equal(one.people, 1);
    svc_resource_cleanup(&one);
    program_config_cleanup(&l.cfg);
}

static int64_t milestones(store *db, int64_t part, const char *kind)
{
    store_val p[] = {SV_INT(part), SV_TEXT(kind)};
    int64_t n = -1;
    assert_int_equal(store_query_int(db,
                                     "SELECT COUNT(*) FROM recognition_milestones WHERE "
                                     "participation_id = ?1 AND kind = ?2",
                                     p, 2, &n),
                     1);
    return n;
}

static void held(struct lib *l, int64_t minutes, int64_t absent)
{
    int64_t id = 0;
    char uid[64];
    static int n;
    str_fmt(uid, sizeof uid, "t-%d-%lld", ++n, (long long)l->rel);
    store_val q[] = {SV_INT(l->rel), SV_INT(minutes), SV_INT(NOW - 86400), SV_TEXT(uid)};
    assert_int_equal(
        store_query_int(l->db,
                        "INSERT INTO meetings (relationship_id, uid, starts_at, "
                        "duration_minutes, mode, status, created_at, updated_at) "
                        "VALUES (?1, ?4, ?3, ?2, 'video', 'held', ?3, ?3) RETURNING id",
                        q, 4, &id),
        1);
    if (absent) {
        store_val a[] = {SV_INT(id), SV_INT(absent)};
        assert_int_equal(store_exec(l->db,
                                    "INSERT INTO meeting_attendance (meeting_id, participation_id, "
                                    "attended) VALUES (?1, ?2, 0)",
                                    a, 2, NULL),
                         STORE_OK);
    }
}

static void test_milestones_once_each_as_they_happen(void **state)
{
    struct lib l = setup(state);
    verr e = {0};
    assert_int_equal(svc_recognition_update(l.db, l.rel, NOW), STORE_OK);
    assert_int_equal(fx_count(l.db, "SELECT COUNT(*) FROM recognition_milestones WHERE ?1 = ?1", 0),
                     0);
    held(&l, 50, 0);
    held(&l, 250, l.mentor_part); /* the mentor was not there */
    assert_int_equal(svc_recognition_update(l.db, l.rel, NOW), STORE_OK);
    assert_int_equal(svc_recognition_update(l.db, l.rel, NOW + 5), STORE_OK); /* idempotent */
    assert_int_equal(milestones(l.db, l.mentee_part, "first_meeting"), 1);
    assert_int_equal(milestones(l.db, l.mentor_part, "first_meeting"), 1);
    assert_int_equal(milestones(l.db, l.mentee_part, "hours"), 2); /* 1 and 5 hours: 300 min */
    assert_int_equal(milestones(l.db, l.mentor_part, "hours"), 0); /* 50 minutes */

    /* Completion through the relationship's close records both kinds. */
    struct svc_rel r;
    assert_int_equal(svc_relationship_get(l.db, &l.as_mentee, l.rel, PERM_READ, &r), SVC_OK);
    struct rel_reflection refl = {.learned = "a lot"};
    struct rel_change ch = {
        .action = REL_CLOSE, .reason = "", .reflection = &refl, .version = r.version};
    buf pdf;
    buf_init(&pdf, LIMIT_CERTIFICATE_BYTES);
    char name[96];
    assert_int_equal(svc_certificate_pdf(l.db, &r, 0, &pdf, name, sizeof name, &e), SVC_REFUSED);
    assert_int_equal(svc_relationship_change(l.db, &l.as_mentee, &r, &l.cfg, &ch, &e), SVC_OK);
    /* Closing is agreed: the mentee proposed it, the mentor confirms. */
    assert_int_equal(milestones(l.db, l.mentee_part, "relationship_completed"), 0);
    struct svc_rel rm;
    assert_int_equal(svc_relationship_get(l.db, &l.as_mentor, l.rel, PERM_READ, &rm), SVC_OK);
    ch.version = rm.version;
    assert_int_equal(svc_relationship_change(l.db, &l.as_mentor, &rm, &l.cfg, &ch, &e), SVC_OK);
    assert_int_equal(svc_relationship_get(l.db, &l.as_mentee, l.rel, PERM_READ, &r), SVC_OK);
    assert_string_equal(r.status, "completed");
    assert_int_equal(milestones(l.db, l.mentee_part, "relationship_completed"), 1);
    assert_int_equal(milestones(l.db, l.mentee_part, "program_completed"), 1);

    /* The certificate: the member's own; a coordinator names the member. */
    assert_int_equal(svc_certificate_pdf(l.db, &r, 0, &pdf, name, sizeof name, &e), SVC_OK);
    assert_memory_equal(pdf.data, "%PDF-", 5);
    assert_int_equal(svc_certificate_pdf(l.db, &r, l.mentor_part, &pdf, name, sizeof name, &e),
                     SVC_FORBIDDEN);
    struct svc_rel rc_;
    assert_int_equal(svc_relationship_get(l.db, &l.as_coord, l.rel, PERM_READ, &rc_), SVC_OK);
    memset(&e, 0, sizeof e);
    assert_int_equal(svc_certificate_pdf(l.db, &rc_, 0, &pdf, name, sizeof name, &e), SVC_INVALID);
    assert_string_equal(e.field, "participation_id");
    assert_int_equal(svc_certificate_pdf(l.db, &rc_, l.mentor_part, &pdf, name, sizeof name, &e),
                     SVC_OK);
    buf_cleanup(&pdf);

    /* Badges: the mentee's, as themself and as their partner sees them. */
    struct svc_badges b;
    assert_int_equal(svc_recognition_badges(l.db, &l.as_mentor, l.program, l.mentee_part, &b),
                     SVC_OK);
    assert_int_equal(b.minutes, 300);
    bool five = false;
    for (size_t i = 0; i < b.nbadges; i++)
        five = five || (b.badges[i].kind == REC_HOURS && b.badges[i].threshold == 5);
    assert_true(five);
    svc_badges_cleanup(&b);
    svc_actor stranger = {.person_id = fx_person(l.db, "Zed", 0)};
    assert_int_equal(svc_recognition_badges(l.db, &stranger, l.program, l.mentee_part, &b),
                     SVC_NOT_FOUND);
    program_config_cleanup(&l.cfg);
}

static void test_kudos_and_highlights(void **state)
{
    struct lib l = setup(state);
    verr e = {0};
    struct svc_rel r, rc_;
    struct svc_kudos k;
    assert_int_equal(svc_relationship_get(l.db, &l.as_mentee, l.rel, PERM_READ, &r), SVC_OK);
    assert_int_equal(svc_kudos_send(l.db, &l.as_mentee, &r, 0, "Thank you", &k, &e), SVC_OK);
    assert_int_equal(k.to_participation, l.mentor_part);
    svc_kudos_cleanup(&k);
    assert_int_equal(
        fx_count(l.db, "SELECT COUNT(*) FROM outbox WHERE kind = 'kudos' AND to_person_id = ?1",
                 l.mentor),
        1);
    memset(&e, 0, sizeof e);
    assert_int_equal(svc_kudos_send(l.db, &l.as_mentee, &r, l.mentee_part, " ", &k, &e),
                     SVC_INVALID);
    assert_int_equal(e.n, 2); /* "to" and "message" */
    assert_int_equal(svc_relationship_get(l.db, &l.as_coord, l.rel, PERM_READ, &rc_), SVC_OK);
    assert_int_equal(svc_kudos_send(l.db, &l.as_coord, &rc_, 0, "Nice", &k, &e), SVC_FORBIDDEN);

    assert_int_equal(svc_highlight_set(l.db, &l.as_mentee, &r, "Us", &e), SVC_FORBIDDEN);
    assert_int_equal(svc_highlight_set(l.db, &l.as_coord, &rc_, "A model pair", &e), SVC_OK);
    assert_int_equal(svc_highlight_set(l.db, &l.as_coord, &rc_, "Edited", &e), SVC_OK);
    assert_int_equal(
        fx_count(l.db, "SELECT COUNT(*) FROM outbox WHERE kind = 'highlighted' AND ?1 = ?1", 0),
        2); /* each member, once */
    struct svc_highlight *h = NULL;
    size_t n = 0;
    assert_int_equal(svc_highlight_list(l.db, l.program, &h, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_string_equal(h[0].text, "Edited");
    assert_non_null(strstr(h[0].members, "Maya"));
    svc_highlight_cleanup(&h[0]);
    free(h);
    assert_int_equal(milestones(l.db, l.mentee_part, "highlighted"), 1);
    assert_int_equal(svc_highlight_clear(l.db, &l.as_coord, &rc_, &e), SVC_OK);
    assert_int_equal(milestones(l.db, l.mentee_part, "highlighted"), 0);
    assert_int_equal(svc_highlight_clear(l.db, &l.as_coord, &rc_, &e), SVC_NOT_FOUND);
    program_config_cleanup(&l.cfg);
}

int main(void)
{
    setenv("TANDEM_NOW", "1796126400", 1);
    const struct CMUnitTest tests[] = {
        FX_TEST(test_editors_phases_versions_and_order),
        FX_TEST(test_opens_and_recommendations_across_a_phase_move),
        FX_TEST(test_milestones_once_each_as_they_happen),
        FX_TEST(test_kudos_and_highlights),
    };
    return FX_MAIN("svc_resources", tests);
}
