/* test_svc_workspace.c - the relationship workspace's services against a
 * real database (SQLite, and PostgreSQL when tests/run has one): the
 * agreement's versions and signatures, goal and meeting dates, the mail a
 * meeting sends in each recipient's zone, notes' privacy, messages, phase
 * moves, reflections and the calendar. The clock is fixed (TANDEM_NOW) at
 * Tuesday 1 December 2026, 12:00 UTC. */
#include "svc_fixture.h"

#include "base/buf.h"
#include "service/agreement.h"
#include "service/calendar.h"
#include "service/goal.h"
#include "service/meeting.h"
#include "service/message.h"
#include "service/note.h"
#include "service/phase.h"
#include "service/reflection.h"
#include "service/relationship.h"

#define NOW 1796126400 /* 2026-12-01T12:00:00Z */
#define DAY 86400

struct ws {
    store *db;
    int64_t coord, mentor, mentee, program, rel; /* people, the program, the relationship */
    int64_t mentor_part, mentee_part;
    struct program_config cfg;
    svc_actor as_mentor, as_mentee, as_coord;
};

static const char cfg_json[] =
    "{\"training\": {\"required_before_matching\": false, \"modules\": []},"
    " \"meetings\": {\"frequency_per_month\": 2, \"length_minutes\": 45, \"modes\": [\"video\"]},"
    " \"phases\": {\"template\": \"custom\", \"items\": ["
    "  {\"name\": \"Start\", \"key_actions\": [\"Meet\", \"Agree\"], \"timeframe_days\": 14},"
    "  {\"name\": \"Grow\", \"key_actions\": []}, {\"name\": \"Close\", \"key_actions\": []}]}}";

static struct ws ws(void **state)
{
    struct ws w = {.db = *state};
    w.coord = fx_person(w.db, "Cora", 0);
    w.mentor = fx_person(w.db, "Maya", 0);
    w.mentee = fx_person(w.db, "Eli", 0);
    w.program = fx_program(w.db, w.coord, cfg_json);
    w.cfg = fx_config(w.db, w.program);
    w.mentor_part = fx_part(w.db, w.program, w.mentor, "mentor", STAGE_APPROVED, 2, 0, false);
    w.mentee_part = fx_part(w.db, w.program, w.mentee, "mentee", STAGE_APPROVED, 0, 1, false);
    w.as_mentor = (svc_actor){.person_id = w.mentor};
    w.as_mentee = (svc_actor){.person_id = w.mentee};
    w.as_coord = (svc_actor){.person_id = w.coord};
    struct svc_rel_new in = {
        .mentor = w.mentor_part, .mentees = &w.mentee_part, .n = 1, .source = "manual"};
    verr e = {0};
    assert_int_equal(svc_relationship_create(w.db, &w.as_coord, w.program, &w.cfg, &in, &w.rel, &e),
                     SVC_OK);
    /* Maya reads times in Paris (her account), Eli in New York (his profile). */
    store_val p[] = {SV_INT(w.mentor)};
    assert_int_equal(
        store_exec(w.db, "UPDATE people SET time_zone = 'Europe/Paris' WHERE id = ?1", p, 1, NULL),
        STORE_OK);
    store_val q[] = {SV_INT(w.mentee_part)};
    assert_int_equal(store_exec(w.db,
                                "UPDATE participations SET profile = "
                                "'{\"time_zone\": \"America/New_York\"}' WHERE id = ?1",
                                q, 1, NULL),
                     STORE_OK);
    return w;
}

static struct svc_rel open_as(struct ws *w, const svc_actor *a)
{
    struct svc_rel r;
    assert_int_equal(svc_relationship_get(w->db, a, w->rel, PERM_READ, &r), SVC_OK);
    return r;
}

static int64_t mails(struct ws *w, const char *kind, const char *like)
{
    store_val p[] = {SV_TEXT(kind), SV_TEXT(like)};
    int64_t n = -1;
    assert_int_equal(store_query_int(w->db,
                                     "SELECT COUNT(*) FROM outbox WHERE kind = ?1 AND body LIKE ?2",
                                     p, 2, &n),
                     1);
    return n;
}

static void test_agreement_versions_signatures_and_clauses(void **state)
{
    struct ws w = ws(state);
    struct svc_rel r = open_as(&w, &w.as_mentor), rc_ = open_as(&w, &w.as_coord);
    struct svc_agreement a = {0};
    verr e = {0};
    assert_int_equal(svc_agreement_get(w.db, &r, &a), STORE_OK);
    assert_int_equal(a.version, 1);
    assert_int_equal(a.nversions, 1);
    assert_false(a.signed_by_all);
    svc_agreement_cleanup(&a);

    assert_int_equal(svc_agreement_sign(w.db, &w.as_mentor, &r, 1, &a, &e), SVC_OK);
    assert_false(a.signed_by_all);
    svc_agreement_cleanup(&a);
    /* A coordinator reads but does not sign. */
    assert_int_equal(svc_agreement_sign(w.db, &w.as_coord, &rc_, 0, &a, &e), SVC_FORBIDDEN);
    svc_agreement_cleanup(&a);

    /* An empty confidentiality clause is refused and changes nothing. */
    json_t *edit = json_pack("{s:s, s:s}", "confidentiality", " ", "goals_summary", "Lead");
    memset(&e, 0, sizeof e);
    assert_int_equal(svc_agreement_edit(w.db, &w.as_mentee, &r, edit, 1, &a, &e), SVC_INVALID);
    assert_string_equal(e.field, "confidentiality");
    svc_agreement_cleanup(&a);
    json_decref(edit);

    edit = json_pack("{s:s}", "goals_summary", "Lead a team");
    struct svc_rel rm = open_as(&w, &w.as_mentee);
    assert_int_equal(svc_agreement_edit(w.db, &w.as_mentee, &rm, edit, 1, &a, &e), SVC_OK);
    assert_int_equal(a.version, 2);
    assert_int_equal(a.nversions, 2);
    assert_int_equal(a.versions[0].version, 2);
    assert_int_equal(a.versions[0].edited_by, w.mentee);
    assert_string_equal(a.versions[0].edited_by_name, "Eli");
    assert_int_equal(a.versions[1].version, 1);
    /* The signature of version 1 is kept in the history, not on version 2. */
    assert_int_equal(a.nsignings, 1);
    assert_int_equal(a.signings[0].version, 1);
    for (size_t i = 0; i < a.nsigs; i++)
        assert_false(a.sigs[i].current);
    svc_agreement_cleanup(&a);
    /* The stale version is refused. */
    assert_int_equal(svc_agreement_edit(w.db, &w.as_mentee, &rm, edit, 1, &a, &e), SVC_STALE);
    svc_agreement_cleanup(&a);
    json_decref(edit);
    assert_int_equal(mails(&w, "agreement_changed", "%/relationships/%/agreement%"), 1);

    assert_int_equal(svc_agreement_sign(w.db, &w.as_mentor, &r, 2, &a, &e), SVC_OK);
    svc_agreement_cleanup(&a);
    assert_int_equal(svc_agreement_sign(w.db, &w.as_mentee, &rm, 2, &a, &e), SVC_OK);
    assert_true(a.signed_by_all);
    assert_int_equal(a.nsignings, 3);
    svc_agreement_cleanup(&a);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM participation_stages WHERE stage = "
                              "'agreement_signed' AND participation_id IN (SELECT "
                              "participation_id FROM relationship_members WHERE "
                              "relationship_id = ?1)",
                              w.rel),
                     2);
    program_config_cleanup(&w.cfg);
}

static void test_goal_dates_in_the_readers_zone(void **state)
{
    struct ws w = ws(state);
    struct svc_rel r = open_as(&w, &w.as_mentee);
    struct svc_goal g = {0};
    verr e = {0};
    struct goal_change past = {
        .statement = "Speak", .target_date = "2026-11-30", .set_target_date = true};
    assert_int_equal(svc_goal_create(w.db, &w.as_mentee, &r, &past, &g, &e), SVC_INVALID);
    assert_string_equal(e.field, "target_date");
    struct goal_change in = {
        .statement = "Speak", .target_date = "2026-12-20", .set_target_date = true};
    memset(&e, 0, sizeof e);
    assert_int_equal(svc_goal_create(w.db, &w.as_mentee, &r, &in, &g, &e), SVC_OK);
    assert_false(g.overdue);
    int64_t gid = g.id;
    svc_goal_cleanup(&g);
    /* Setting a past date later is refused too; other edits are not. */
    struct goal_change back = {.target_date = "2026-01-01", .set_target_date = true};
    assert_int_equal(svc_goal_update(w.db, &w.as_mentee, &r, gid, &back, &g, &e), SVC_INVALID);
    assert_string_equal(e.field, "target_date");
    /* Time passes: the date is stored, as it was set before today. */
    store_val p[] = {SV_INT(gid)};
    assert_int_equal(
        store_exec(w.db, "UPDATE goals SET target_date = '2026-11-02' WHERE id = ?1", p, 1, NULL),
        STORE_OK);
    struct goal_change progress = {.progress = 40, .set_progress = true};
    memset(&e, 0, sizeof e);
    assert_int_equal(svc_goal_update(w.db, &w.as_mentee, &r, gid, &progress, &g, &e), SVC_OK);
    assert_true(g.overdue);
    assert_int_equal(g.progress, 40);
    svc_goal_cleanup(&g);
    struct goal_change done = {.status = "achieved"};
    assert_int_equal(svc_goal_update(w.db, &w.as_mentee, &r, gid, &done, &g, &e), SVC_OK);
    assert_false(g.overdue);
    svc_goal_cleanup(&g);

    struct svc_milestone m = {0};
    struct milestone_change late = {
        .title = "Outline", .due_date = "2026-10-01", .set_due_date = true, .done = -1};
    assert_int_equal(svc_milestone_create(w.db, &w.as_mentee, &r, gid, &late, &m, &e), SVC_INVALID);
    assert_string_equal(e.field, "due_date");
    struct milestone_change ok = {
        .title = "Outline", .due_date = "2026-12-10", .set_due_date = true, .done = -1};
    memset(&e, 0, sizeof e);
    assert_int_equal(svc_milestone_create(w.db, &w.as_mentee, &r, gid, &ok, &m, &e), SVC_OK);
    int64_t mid = m.id;
    svc_milestone_cleanup(&m);
    struct milestone_change rename = {.title = "Outline v2", .done = 1};
    assert_int_equal(svc_milestone_update(w.db, &w.as_mentor, &r, gid, mid, &rename, &m, &e),
                     SVC_OK);
    assert_string_equal(m.title, "Outline v2");
    assert_true(m.done_at > 0);
    svc_milestone_cleanup(&m);
    assert_int_equal(svc_milestone_update(w.db, &w.as_mentor, &r, gid, 9999, &rename, &m, &e),
                     SVC_NOT_FOUND);
    program_config_cleanup(&w.cfg);
}

static void test_meeting_times_and_mail_in_each_zone(void **state)
{
    struct ws w = ws(state);
    struct svc_rel r = open_as(&w, &w.as_mentor);
    struct svc_meeting m = {0};
    verr e = {0};
    /* Years before the relationship began: refused. */
    struct meeting_change old = {.set_starts_at = true, .starts_at = NOW - 3 * 365 * DAY};
    assert_int_equal(svc_meeting_create(w.db, &w.as_mentor, &r, &w.cfg, &old, &m, &e), SVC_INVALID);
    assert_string_equal(e.field, "starts_at");
    /* Tuesday 8 December 2026, 15:30 UTC. */
    struct meeting_change in = {.set_starts_at = true, .starts_at = NOW + 7 * DAY + 3.5 * 3600};
    memset(&e, 0, sizeof e);
    assert_int_equal(svc_meeting_create(w.db, &w.as_mentor, &r, &w.cfg, &in, &m, &e), SVC_OK);
    assert_string_equal(m.time_zone, "Europe/Paris"); /* Maya's own */
    assert_int_equal(m.duration_minutes, 45);
    assert_string_equal(m.mode, "video");
    int64_t mid = m.id;
    svc_meeting_cleanup(&m);
    /* Eli is told in his zone, with the meeting's page. */
    char like[128];
    str_fmt(like, sizeof like,
            "%%Tuesday 8 December 2026, 10:30 (America/New_York)%%"
            "/relationships/%lld/meetings/%lld%%",
            (long long)w.rel, (long long)mid);
    assert_int_equal(mails(&w, "meeting_scheduled", like), 1);
    assert_int_equal(mails(&w, "meeting_scheduled", "%Z (UTC)%"), 0);

    /* Not started yet: no recap, not held. */
    json_t *recap =
        json_pack("{s:s, s:s, s:s}", "discussed", "x", "decisions", "", "next_steps", "");
    struct meeting_change held = {.recap = recap};
    assert_int_equal(svc_meeting_update(w.db, &w.as_mentor, &r, mid, &held, &m, &e), SVC_INVALID);
    assert_string_equal(e.field, "recap");
    struct meeting_change mark = {.status = "held"};
    assert_int_equal(svc_meeting_update(w.db, &w.as_mentor, &r, mid, &mark, &m, &e), SVC_INVALID);
    assert_string_equal(e.field, "status");

    /* Reschedule, then cancel: same UID, growing SEQUENCE, mail each time. */
    struct meeting_change move = {.set_starts_at = true, .starts_at = NOW + 8 * DAY};
    memset(&e, 0, sizeof e);
    assert_int_equal(svc_meeting_update(w.db, &w.as_mentor, &r, mid, &move, &m, &e), SVC_OK);
    char uid[96];
    str_fmt(uid, sizeof uid, "%s", m.uid);
    assert_int_equal(m.sequence, 1);
    svc_meeting_cleanup(&m);
    assert_int_equal(mails(&w, "meeting_moved", "%moved from Tuesday 8 December 2026, 10:30%"), 1);
    struct meeting_change cancel = {.status = "cancelled"};
    assert_int_equal(svc_meeting_update(w.db, &w.as_mentor, &r, mid, &cancel, &m, &e), SVC_OK);
    assert_string_equal(m.uid, uid);
    assert_int_equal(m.sequence, 2);
    svc_meeting_cleanup(&m);
    assert_int_equal(mails(&w, "meeting_cancelled", "%Wednesday 9 December 2026, 07:00%"), 1);
    buf cal;
    buf_init(&cal, LIMIT_CALENDAR_BYTES);
    assert_int_equal(svc_calendar_meeting(w.db, "-//t//EN", &r, mid, &cal), SVC_OK);
    assert_non_null(strstr(cal.data, "METHOD:CANCEL\r\n"));
    assert_non_null(strstr(cal.data, "STATUS:CANCELLED\r\n"));
    assert_non_null(strstr(cal.data, "SEQUENCE:2\r\n"));
    assert_non_null(strstr(cal.data, uid));
    assert_non_null(strstr(cal.data, "ORGANIZER;CN=\"Maya\":mailto:"));
    buf_cleanup(&cal);

    /* A meeting logged in the past is held and recapped. */
    struct meeting_change past = {.set_starts_at = true, .starts_at = NOW - DAY};
    assert_int_equal(svc_meeting_create(w.db, &w.as_mentor, &r, &w.cfg, &past, &m, &e), SVC_OK);
    mid = m.id;
    svc_meeting_cleanup(&m);
    assert_int_equal(svc_meeting_update(w.db, &w.as_mentor, &r, mid, &held, &m, &e), SVC_OK);
    assert_string_equal(m.status, "held");
    svc_meeting_cleanup(&m);
    /* ... and cannot move into the future any more. */
    assert_int_equal(svc_meeting_update(w.db, &w.as_mentor, &r, mid, &move, &m, &e), SVC_INVALID);
    assert_string_equal(e.field, "starts_at");
    json_decref(recap);
    program_config_cleanup(&w.cfg);
}

static void test_notes_messages_and_reflections(void **state)
{
    struct ws w = ws(state);
    struct svc_rel rm = open_as(&w, &w.as_mentor), re = open_as(&w, &w.as_mentee),
                   rc_ = open_as(&w, &w.as_coord);
    struct svc_note n = {0};
    verr e = {0};
    assert_int_equal(svc_note_create(w.db, &w.as_mentor, &rm, "mine", NULL, &n, &e), SVC_OK);
    assert_string_equal(n.visibility, "private");
    int64_t nid = n.id;
    svc_note_cleanup(&n);
    assert_int_equal(svc_note_get(w.db, &w.as_mentee, &re, nid, &n), SVC_NOT_FOUND);
    assert_int_equal(svc_note_get(w.db, &w.as_coord, &rc_, nid, &n), SVC_NOT_FOUND);
    assert_int_equal(svc_note_update(w.db, &w.as_mentor, &rm, nid, "ours", "shared", &n, &e),
                     SVC_OK);
    svc_note_cleanup(&n);
    assert_int_equal(svc_note_get(w.db, &w.as_coord, &rc_, nid, &n), SVC_OK);
    svc_note_cleanup(&n);
    assert_int_equal(svc_note_update(w.db, &w.as_mentee, &re, nid, "x", NULL, &n, &e),
                     SVC_FORBIDDEN);
    assert_int_equal(svc_note_delete(w.db, &w.as_mentor, &rm, nid, &e), SVC_OK);

    struct svc_message m = {0};
    assert_int_equal(svc_message_create(w.db, &w.as_mentee, &re, "A private word", &m, &e), SVC_OK);
    assert_string_equal(m.author.name, "Eli");
    svc_message_cleanup(&m);
    char like[96];
    str_fmt(like, sizeof like, "%%/relationships/%lld/messages%%", (long long)w.rel);
    assert_int_equal(mails(&w, "message", like), 1);
    assert_int_equal(mails(&w, "message", "%private word%"), 0); /* the text stays in Tandem */
    struct svc_message *list;
    size_t count;
    bool more;
    assert_int_equal(svc_message_list(w.db, &w.as_coord, &rc_, 0, 10, &list, &count, &more),
                     STORE_OK);
    assert_int_equal(count, 1);
    assert_false(more);
    svc_messages_free(list, count);

    struct rel_reflection refl = {.learned = "Listening"};
    bool replaced;
    assert_int_equal(svc_reflection_write(w.db, &w.as_coord, &rc_, &refl, &replaced, &e),
                     SVC_FORBIDDEN);
    assert_int_equal(svc_reflection_write(w.db, &w.as_mentor, &rm, &refl, &replaced, &e), SVC_OK);
    assert_false(replaced);
    assert_int_equal(svc_reflection_write(w.db, &w.as_mentor, &rm, &refl, &replaced, &e), SVC_OK);
    assert_true(replaced);
    struct svc_reflections all;
    assert_int_equal(svc_reflection_list(w.db, &rm, &all), STORE_OK);
    assert_int_equal(all.n, 2);
    assert_false(all.complete);
    svc_reflections_cleanup(&all);
    program_config_cleanup(&w.cfg);
}

static void test_phase_moves(void **state)
{
    struct ws w = ws(state);
    struct svc_rel r = open_as(&w, &w.as_mentee), rc_ = open_as(&w, &w.as_coord);
    verr e = {0};
    assert_int_equal(svc_phase_advance(w.db, &w.as_mentee, &r, &w.cfg, false, &e), SVC_REFUSED);
    assert_string_equal(e.field, "override");
    assert_non_null(strstr(e.msg, "'Meet', 'Agree'"));
    assert_int_equal(r.phase, 0); /* refused before moving */
    assert_int_equal(fx_count(w.db, "SELECT phase FROM relationships WHERE id = ?1", w.rel), 0);
    assert_int_equal(svc_phase_advance(w.db, &w.as_mentee, &r, &w.cfg, true, &e), SVC_FORBIDDEN);
    assert_int_equal(svc_phase_check(w.db, &w.as_mentee, &r, &w.cfg, 2, 0, true, &e), SVC_REFUSED);
    assert_int_equal(svc_phase_check(w.db, &w.as_mentee, &r, &w.cfg, -1, 5, true, &e), SVC_INVALID);
    assert_int_equal(svc_phase_check(w.db, &w.as_mentee, &r, &w.cfg, -1, 0, true, &e), SVC_OK);
    assert_int_equal(svc_phase_check(w.db, &w.as_mentee, &r, &w.cfg, -1, 1, true, &e), SVC_OK);
    struct svc_phase p;
    assert_int_equal(svc_phase_get(w.db, &r, &w.cfg, &p), STORE_OK);
    assert_int_equal(p.unmet, 0);
    assert_int_equal(p.checks[0].done_by, w.mentee);
    svc_phase_cleanup(&p);
    assert_int_equal(svc_phase_advance(w.db, &w.as_mentee, &r, &w.cfg, false, &e), SVC_OK);
    assert_int_equal(r.phase, 1);
    assert_int_equal(svc_phase_advance(w.db, &w.as_coord, &rc_, &w.cfg, true, &e), SVC_REFUSED);
    /* rc_ still read phase 0: another move won meanwhile. */
    rc_ = open_as(&w, &w.as_coord);
    assert_int_equal(svc_phase_advance(w.db, &w.as_coord, &rc_, &w.cfg, true, &e), SVC_OK);
    assert_int_equal(svc_phase_advance(w.db, &w.as_coord, &rc_, &w.cfg, true, &e), SVC_REFUSED);
    assert_int_equal(svc_phase_get(w.db, &rc_, &w.cfg, &p), STORE_OK);
    assert_int_equal(p.nmoves, 2);
    assert_true(p.moves[1].override);
    assert_true(p.is_last);
    svc_phase_cleanup(&p);
    program_config_cleanup(&w.cfg);
}

static void test_calendar_feed(void **state)
{
    struct ws w = ws(state);
    struct svc_rel r = open_as(&w, &w.as_mentor);
    buf cal;
    buf_init(&cal, LIMIT_CALENDAR_BYTES);
    assert_int_equal(svc_calendar_feed(w.db, "-//t//EN", "nohash", &cal), SVC_NOT_FOUND);
    assert_int_equal(svc_calendar_feed_set(w.db, &w.as_mentee, "hash1"), STORE_OK);
    struct svc_meeting m = {0};
    verr e = {0};
    struct meeting_change in = {.set_starts_at = true, .starts_at = NOW + DAY};
    assert_int_equal(svc_meeting_create(w.db, &w.as_mentor, &r, &w.cfg, &in, &m, &e), SVC_OK);
    svc_meeting_cleanup(&m);
    assert_int_equal(svc_calendar_feed(w.db, "-//t//EN", "hash1", &cal), SVC_OK);
    assert_non_null(strstr(cal.data, "METHOD:PUBLISH\r\n"));
    assert_non_null(strstr(cal.data, "SUMMARY:Mentoring: Maya & Eli\r\n"));
    char url[96];
    str_fmt(url, sizeof url, "/relationships/%lld/meetings/", (long long)w.rel);
    assert_non_null(strstr(cal.data, url));
    buf_cleanup(&cal);
    bool exists;
    int64_t created;
    assert_int_equal(svc_calendar_feed_info(w.db, &w.as_mentee, &exists, &created), STORE_OK);
    assert_true(exists);
    assert_int_equal(svc_calendar_feed_revoke(w.db, &w.as_mentee), STORE_OK);
    buf_init(&cal, LIMIT_CALENDAR_BYTES);
    assert_int_equal(svc_calendar_feed(w.db, "-//t//EN", "hash1", &cal), SVC_NOT_FOUND);
    buf_cleanup(&cal);
    program_config_cleanup(&w.cfg);
}

static void test_an_ended_relationship_is_read_only(void **state)
{
    struct ws w = ws(state);
    store_val p[] = {SV_INT(w.rel)};
    assert_int_equal(store_exec(w.db,
                                "UPDATE relationships SET status = 'ended_early' WHERE id = ?1", p,
                                1, NULL),
                     STORE_OK);
    struct svc_rel r = open_as(&w, &w.as_mentor);
    verr e = {0};
    struct svc_note n = {0};
    struct svc_goal g = {0};
    struct goal_change in = {.statement = "Late"};
    assert_int_equal(svc_note_create(w.db, &w.as_mentor, &r, "x", NULL, &n, &e), SVC_REFUSED);
    assert_int_equal(svc_goal_create(w.db, &w.as_mentor, &r, &in, &g, &e), SVC_REFUSED);
    /* Reflection belongs to closure: still open. */
    struct rel_reflection refl = {.learned = "Much"};
    bool replaced;
    assert_int_equal(svc_reflection_write(w.db, &w.as_mentor, &r, &refl, &replaced, &e), SVC_OK);
    program_config_cleanup(&w.cfg);
}

int main(void)
{
    setenv("TANDEM_NOW", "1796126400", 1);
    const struct CMUnitTest tests[] = {
        FX_TEST(test_agreement_versions_signatures_and_clauses),
        FX_TEST(test_goal_dates_in_the_readers_zone),
        FX_TEST(test_meeting_times_and_mail_in_each_zone),
        FX_TEST(test_notes_messages_and_reflections),
        FX_TEST(test_phase_moves),
        FX_TEST(test_calendar_feed),
        FX_TEST(test_an_ended_relationship_is_read_only),
    };
    return FX_MAIN("svc_workspace", tests);
}
