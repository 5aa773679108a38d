/* test_svc_relationship.c - service/relationship.c against a real
 * database: every matching rule of svc_relationship_create, the status
 * moves of svc_relationship_change, and what a failing database makes of
 * them (a store status, never a refusal). */
#include "svc_fixture.h"

#include "base/clock.h"
#include "service/relationship.h"

/* A program, its coordinator, and the configuration. */
struct world {
    store *db;
    int64_t coord, program;
    struct program_config cfg;
};

static struct world world(void **state, const char *json)
{
    struct world w = {.db = *state};
    w.coord = fx_person(w.db, "Coordinator", 0);
    w.program = fx_program(w.db, w.coord, json);
    w.cfg = fx_config(w.db, w.program);
    return w;
}

static const char open_cfg[] =
    "{\"training\": {\"required_before_matching\": false, \"modules\": []}}";

/* Creates a one-to-one (or group) relationship; the service status. */
static int pair(struct world *w, int64_t mentor, const int64_t *mentees, size_t n, int64_t *id,
                verr *e)
{
    svc_actor coord = {.person_id = w->coord};
    struct svc_rel_new in = {.mentor = mentor, .mentees = mentees, .n = n, .source = "manual"};
    memset(e, 0, sizeof *e);
    return svc_relationship_create(w->db, &coord, w->program, &w->cfg, &in, id, e);
}

static void test_create_records_members_stages_and_mail(void **state)
{
    struct world w = world(state, open_cfg);
    int64_t r = fx_person(w.db, "Ruth", 0), e1 = fx_person(w.db, "Emil", 0);
    int64_t mentor = fx_part(w.db, w.program, r, "mentor", STAGE_APPROVED, 2, 0, false);
    int64_t mentee = fx_part(w.db, w.program, e1, "mentee", STAGE_APPROVED, 0, 1, false);
    int64_t id;
    verr e;
    assert_int_equal(pair(&w, mentor, &mentee, 1, &id, &e), SVC_OK);
    assert_true(id > 0);
    svc_actor ruth = {.person_id = r};
    struct svc_rel rel;
    assert_int_equal(svc_relationship_get(w.db, &ruth, id, PERM_WRITE, &rel), SVC_OK);
    assert_string_equal(rel.kind, "one_to_one");
    assert_string_equal(rel.status, "active");
    assert_string_equal(rel.my_role, "mentor");
    assert_int_equal(rel.planned_end_at, rel_planned_end(rel.started_at, 12));
    struct svc_rel_member m[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n;
    assert_int_equal(svc_relationship_members(w.db, id, m, &n), STORE_OK);
    assert_int_equal(n, 2);
    assert_string_equal(m[0].role, "mentor"); /* mentor first */
    assert_string_equal(m[0].name, "Ruth");
    /* Both are matched now, and both were told where to start. */
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM participations WHERE program_id = ?1 "
                              "AND status = 'matched'",
                              w.program),
                     2);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM outbox WHERE kind = 'matched' AND body LIKE "
                              "'%/relationships/' || ?1 || '%'",
                              id),
                     2);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM audit_events WHERE action = "
                              "'relationship.create' AND entity_id = ?1",
                              id),
                     1);
    program_config_cleanup(&w.cfg);
}

static void test_who_may_be_matched(void **state)
{
    struct world w = world(state, "{}"); /* training gates matching by default */
    int64_t r = fx_person(w.db, "Ruth", 0), e1 = fx_person(w.db, "Emil", 0);
    int64_t mentor = fx_part(w.db, w.program, r, "mentor", STAGE_APPLIED, 2, 0, false);
    int64_t mentee = fx_part(w.db, w.program, e1, "mentee", STAGE_APPROVED, 0, 1, false);
    int64_t id;
    verr e;
    assert_int_equal(pair(&w, mentor, &mentee, 1, &id, &e), SVC_REFUSED);
    assert_string_equal(e.field, "mentor");
    assert_string_equal(e.msg, "the mentor is not approved (applied)");
    assert_int_equal(svc_participation_stage(w.db, mentor, STAGE_APPROVED, 2), STORE_OK);
    assert_int_equal(pair(&w, mentor, &mentee, 1, &id, &e), SVC_REFUSED);
    assert_string_equal(e.msg, "the mentor has not completed training");
    assert_int_equal(svc_participation_stage(w.db, mentor, STAGE_TRAINED, 3), STORE_OK);
    assert_int_equal(pair(&w, mentor, &mentee, 1, &id, &e), SVC_REFUSED);
    assert_string_equal(e.field, "mentees[0]");
    assert_string_equal(e.msg, "has not completed training");
    assert_int_equal(svc_participation_stage(w.db, mentee, STAGE_TRAINED, 3), STORE_OK);
    assert_int_equal(pair(&w, mentor, &mentee, 1, &id, &e), SVC_OK);
    /* Not a mentor of this program at all. */
    assert_int_equal(pair(&w, mentee, &mentor, 1, &id, &e), SVC_REFUSED);
    assert_string_equal(e.field, "mentor");
    /* A declined mentee is never matched. */
    int64_t d =
        fx_part(w.db, w.program, fx_person(w.db, "Dora", 0), "mentee", STAGE_DECLINED, 0, 1, true);
    assert_int_equal(pair(&w, mentor, &d, 1, &id, &e), SVC_REFUSED);
    assert_string_equal(e.msg, "not approved (declined)");
    program_config_cleanup(&w.cfg);
}

static void test_capacity_and_wants(void **state)
{
    struct world w = world(state, open_cfg);
    int64_t mentor =
        fx_part(w.db, w.program, fx_person(w.db, "Ruth", 0), "mentor", STAGE_APPROVED, 1, 0, false);
    int64_t other =
        fx_part(w.db, w.program, fx_person(w.db, "Otto", 0), "mentor", STAGE_APPROVED, 3, 0, false);
    int64_t a =
        fx_part(w.db, w.program, fx_person(w.db, "Ada", 0), "mentee", STAGE_APPROVED, 0, 1, false);
    int64_t b =
        fx_part(w.db, w.program, fx_person(w.db, "Ben", 0), "mentee", STAGE_APPROVED, 0, 1, false);
    int64_t id;
    verr e;
    int64_t both[] = {a, b};
    assert_int_equal(pair(&w, mentor, both, 2, &id, &e), SVC_REFUSED);
    assert_string_equal(e.msg, "the mentor is at capacity (1)");
    assert_int_equal(pair(&w, mentor, &a, 1, &id, &e), SVC_OK);
    assert_int_equal(pair(&w, mentor, &b, 1, &id, &e), SVC_REFUSED);
    assert_string_equal(e.field, "mentor");
    /* Ada wants one mentor and has one. */
    assert_int_equal(pair(&w, other, &a, 1, &id, &e), SVC_REFUSED);
    assert_string_equal(e.field, "mentees[0]");
    assert_string_equal(e.msg, "has all the mentors they want (1)");
    /* A group: Otto takes Ben and a new mentee at once. */
    int64_t c =
        fx_part(w.db, w.program, fx_person(w.db, "Cai", 0), "mentee", STAGE_APPROVED, 0, 1, false);
    int64_t group[] = {b, c};
    assert_int_equal(pair(&w, other, group, 2, &id, &e), SVC_OK);
    svc_actor coord = {.person_id = w.coord};
    struct svc_rel rel;
    assert_int_equal(svc_relationship_get(w.db, &coord, id, PERM_READ, &rel), SVC_OK);
    assert_string_equal(rel.kind, "group");
    /* The group took two of Otto's three places, not one. */
    int64_t more[] = {
        fx_part(w.db, w.program, fx_person(w.db, "Dan", 0), "mentee", STAGE_APPROVED, 0, 1, false),
        fx_part(w.db, w.program, fx_person(w.db, "Eve", 0), "mentee", STAGE_APPROVED, 0, 1, false)};
    int64_t id2;
    assert_int_equal(pair(&w, other, more, 2, &id2, &e), SVC_REFUSED);
    assert_string_equal(e.msg, "the mentor is at capacity (3)");
    assert_int_equal(pair(&w, other, more, 1, &id2, &e), SVC_OK);
    /* A coordinator reads, never writes, a relationship they are not in. */
    assert_int_equal(svc_relationship_get(w.db, &coord, id, PERM_WRITE, &rel), SVC_FORBIDDEN);
    svc_actor stranger = {.person_id = fx_person(w.db, "Stranger", 0)};
    assert_int_equal(svc_relationship_get(w.db, &stranger, id, PERM_READ, &rel), SVC_NOT_FOUND);
    assert_int_equal(svc_relationship_get(w.db, &coord, 99999, PERM_READ, &rel), SVC_NOT_FOUND);
    program_config_cleanup(&w.cfg);
}

static void test_never_self_never_a_manager_never_again(void **state)
{
    struct world w = world(state, open_cfg);
    int64_t boss = fx_person(w.db, "Boss", 0), report = fx_person(w.db, "Report", boss);
    int64_t both = fx_person(w.db, "Both", 0);
    int64_t mentor = fx_part(w.db, w.program, boss, "mentor", STAGE_APPROVED, 5, 0, false);
    int64_t mentee = fx_part(w.db, w.program, report, "mentee", STAGE_APPROVED, 0, 3, false);
    int64_t self_mentor = fx_part(w.db, w.program, both, "mentor", STAGE_APPROVED, 5, 0, false);
    int64_t self_mentee = fx_part(w.db, w.program, both, "mentee", STAGE_APPROVED, 0, 3, false);
    int64_t id;
    verr e;
    assert_int_equal(pair(&w, self_mentor, &self_mentee, 1, &id, &e), SVC_REFUSED);
    assert_string_equal(e.msg, "a person is never matched with themself");
    assert_int_equal(pair(&w, mentor, &mentee, 1, &id, &e), SVC_REFUSED);
    assert_string_equal(e.msg,
                        "the mentor is their manager or direct report (power-differential rule)");
    int64_t twice[] = {self_mentee, self_mentee};
    assert_int_equal(pair(&w, mentor, twice, 2, &id, &e), SVC_REFUSED);
    assert_string_equal(e.field, "mentees[1]");
    assert_string_equal(e.msg, "is listed twice");
    /* Matched once, ended early: never matched again in this program. */
    assert_int_equal(pair(&w, mentor, &self_mentee, 1, &id, &e), SVC_OK);
    svc_actor coord = {.person_id = w.coord};
    struct svc_rel rel;
    assert_int_equal(svc_relationship_get(w.db, &coord, id, PERM_READ, &rel), SVC_OK);
    struct rel_change end = {.action = REL_END_EARLY, .reason = "", .version = rel.version};
    assert_int_equal(svc_relationship_change(w.db, &coord, &rel, &w.cfg, &end, &e), SVC_OK);
    assert_int_equal(pair(&w, mentor, &self_mentee, 1, &id, &e), SVC_REFUSED);
    assert_string_equal(e.msg, "this pair has been matched in this program before");
    program_config_cleanup(&w.cfg);
    /* With the power-differential rule off, the manager may mentor. */
    struct world w2 = world(state, "{\"training\": {\"required_before_matching\": false}, "
                                   "\"matching\": {\"power_differential_rule\": false}}");
    mentor = fx_part(w2.db, w2.program, boss, "mentor", STAGE_APPROVED, 5, 0, false);
    mentee = fx_part(w2.db, w2.program, report, "mentee", STAGE_APPROVED, 0, 3, false);
    assert_int_equal(pair(&w2, mentor, &mentee, 1, &id, &e), SVC_OK);
    program_config_cleanup(&w2.cfg);
}

static void test_peer_circles_and_sizes(void **state)
{
    struct world w = world(state, open_cfg);
    int64_t a =
        fx_part(w.db, w.program, fx_person(w.db, "Ada", 0), "mentee", STAGE_APPROVED, 0, 1, false);
    int64_t b =
        fx_part(w.db, w.program, fx_person(w.db, "Ben", 0), "mentor", STAGE_APPROVED, 1, 0, false);
    int64_t id;
    verr e;
    assert_int_equal(pair(&w, 0, &a, 1, &id, &e), SVC_REFUSED);
    assert_string_equal(e.field, "peers");
    assert_int_equal(pair(&w, 0, &a, 0, &id, &e), SVC_REFUSED);
    assert_string_equal(e.field, "mentees");
    int64_t peers[] = {a, b};
    assert_int_equal(pair(&w, 0, peers, 2, &id, &e), SVC_OK);
    svc_actor ada = {.person_id =
                         fx_count(w.db, "SELECT person_id FROM participations WHERE id = ?1", a)};
    struct svc_rel rel;
    assert_int_equal(svc_relationship_get(w.db, &ada, id, PERM_WRITE, &rel), SVC_OK);
    assert_string_equal(rel.kind, "peer");
    assert_string_equal(rel.my_role, "peer");
    program_config_cleanup(&w.cfg);
}

/* Applies `action` as `who` to relationship `id` (reloaded first); the
 * service status. */
static int act(struct world *w, int64_t who, int64_t id, enum rel_action action,
               const char *learned, struct svc_rel *rel, verr *e)
{
    svc_actor a = {.person_id = who};
    struct rel_reflection refl = {.learned = learned};
    memset(e, 0, sizeof *e);
    int rc = svc_relationship_get(w->db, &a, id, PERM_READ, rel);
    if (rc != SVC_OK)
        return rc;
    struct rel_change ch = {.action = action,
                            .reason = "",
                            .reflection = learned ? &refl : NULL,
                            .version = rel->version};
    rc = svc_relationship_change(w->db, &a, rel, &w->cfg, &ch, e);
    if (rc < 0)
        print_error("%s\n", store_errmsg(w->db));
    return rc;
}

static const char *status_of(store *db, int64_t part)
{
    static char out[32];
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(part)};
    out[0] = '\0';
    if (store_query(db, "SELECT status FROM participations WHERE id = ?1", p, 1, &rows) ==
            STORE_OK &&
        store_next(rows) == 1)
        str_fmt(out, sizeof out, "%s", store_col_text(rows, 0));
    store_rows_free(rows);
    return out;
}

static int64_t completed_stages(store *db, int64_t part)
{
    return fx_count(db,
                    "SELECT COUNT(*) FROM participation_stages WHERE stage = 'completed' AND "
                    "participation_id = ?1",
                    part);
}

static void test_status_moves(void **state)
{
    /* Renewal is offered at once: the window is longer than the term. */
    struct world w = world(state, "{\"training\": {\"required_before_matching\": false}, "
                                  "\"duration_months\": 6, \"renewals\": 1, "
                                  "\"renewal_window_days\": 365}");
    int64_t rp = fx_person(w.db, "Ruth", 0), ep = fx_person(w.db, "Emil", 0);
    int64_t mentor = fx_part(w.db, w.program, rp, "mentor", STAGE_APPROVED, 2, 0, false);
    int64_t mentee = fx_part(w.db, w.program, ep, "mentee", STAGE_APPROVED, 0, 1, false);
    int64_t id;
    verr e;
    assert_int_equal(pair(&w, mentor, &mentee, 1, &id, &e), SVC_OK);
    svc_actor emil = {.person_id = ep};
    struct svc_rel rel;
    assert_int_equal(svc_relationship_get(w.db, &emil, id, PERM_WRITE, &rel), SVC_OK);
    int64_t first_end = rel.planned_end_at;
    struct rel_change ch = {.action = REL_PAUSE, .reason = "", .version = rel.version};
    assert_int_equal(svc_relationship_change(w.db, &emil, &rel, &w.cfg, &ch, &e), SVC_OK);
    assert_string_equal(rel.status, "paused");
    /* The old version is refused: someone changed it meanwhile. */
    ch.action = REL_RESUME;
    assert_int_equal(svc_relationship_change(w.db, &emil, &rel, &w.cfg, &ch, &e), SVC_STALE);
    assert_string_equal(e.field, "version");
    ch.version = rel.version;
    assert_int_equal(svc_relationship_change(w.db, &emil, &rel, &w.cfg, &ch, &e), SVC_OK);

    /* Renewal: Emil proposes, nothing moves yet; Ruth accepts. */
    assert_int_equal(act(&w, ep, id, REL_RENEW, NULL, &rel, &e), SVC_OK);
    assert_int_equal(rel.proposal, REL_PROPOSAL_RENEW);
    assert_int_equal(rel.proposed_by, mentee);
    assert_int_equal(rel.renewals, 0);
    assert_int_equal(rel.planned_end_at, first_end);
    assert_int_equal(act(&w, ep, id, REL_RENEW, NULL, &rel, &e), SVC_REFUSED);
    assert_string_equal(e.msg, "you proposed renewing; the others are asked to accept");
    assert_int_equal(act(&w, rp, id, REL_RENEW, NULL, &rel, &e), SVC_OK);
    assert_int_equal(rel.planned_end_at, rel_planned_end(first_end, 6));
    assert_int_equal(rel.renewals, 1);
    assert_int_equal(rel.proposal, REL_PROPOSAL_NONE);
    assert_int_equal(act(&w, ep, id, REL_RENEW, NULL, &rel, &e), SVC_REFUSED);
    assert_string_equal(e.field, "action");

    /* Closing: Emil proposes with what he learned; Ruth confirms. */
    assert_int_equal(act(&w, ep, id, REL_CLOSE, NULL, &rel, &e), SVC_INVALID);
    assert_string_equal(e.field, "reflection");
    assert_int_equal(act(&w, ep, id, REL_CLOSE, "to ask for help", &rel, &e), SVC_OK);
    assert_string_equal(rel.status, "closing");
    assert_int_equal(rel.proposal, REL_PROPOSAL_CLOSE);
    assert_int_equal(rel.nagreed, 1);
    assert_int_equal(completed_stages(w.db, mentee), 0);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM outbox WHERE to_person_id = ?1 AND kind = "
                              "'closing_proposed' AND subject LIKE 'Emil proposes to close%'",
                              rp),
                     1);
    assert_int_equal(act(&w, rp, id, REL_CLOSE, NULL, &rel, &e), SVC_INVALID);
    assert_int_equal(act(&w, rp, id, REL_CLOSE, "patience", &rel, &e), SVC_OK);
    assert_string_equal(rel.status, "completed");
    assert_int_equal(rel.proposal, REL_PROPOSAL_NONE);
    assert_int_equal(completed_stages(w.db, mentee), 1);
    assert_int_equal(completed_stages(w.db, mentor), 0); /* a place is still open */
    assert_string_equal(status_of(w.db, mentee), "completed");
    assert_int_equal(
        fx_count(w.db, "SELECT COUNT(*) FROM reflections WHERE relationship_id = ?1", id), 2);
    /* Nothing moves an ended relationship. */
    assert_int_equal(act(&w, ep, id, REL_PAUSE, NULL, &rel, &e), SVC_REFUSED);
    assert_string_equal(e.msg, "the relationship has ended");
    program_config_cleanup(&w.cfg);
}

static void test_renewal_window(void **state)
{
    struct world w = world(state, "{\"training\": {\"required_before_matching\": false}, "
                                  "\"duration_months\": 6, \"renewals\": 1}");
    assert_int_equal(w.cfg.renewal_window_days, 30);
    int64_t rp = fx_person(w.db, "Ruth", 0), ep = fx_person(w.db, "Emil", 0);
    int64_t mentor = fx_part(w.db, w.program, rp, "mentor", STAGE_APPROVED, 2, 0, false);
    int64_t mentee = fx_part(w.db, w.program, ep, "mentee", STAGE_APPROVED, 0, 1, false);
    int64_t id;
    verr e;
    struct svc_rel rel;
    assert_int_equal(pair(&w, mentor, &mentee, 1, &id, &e), SVC_OK);
    /* Day one: too early, for a member and for a coordinator. */
    assert_int_equal(act(&w, ep, id, REL_RENEW, NULL, &rel, &e), SVC_REFUSED);
    assert_string_equal(e.field, "action");
    assert_non_null(strstr(e.msg, "renewal is offered from"));
    assert_non_null(strstr(e.msg, "30 days before the planned end"));
    assert_int_equal(act(&w, w.coord, id, REL_RENEW, NULL, &rel, &e), SVC_REFUSED);
    /* Ten days before the planned end it is offered; the coordinator renews at once. */
    int64_t planned = rel.planned_end_at;
    store_val p[] = {SV_INT(id), SV_INT(clock_now() + 10 * 86400)};
    assert_int_equal(
        store_exec(w.db, "UPDATE relationships SET planned_end_at = ?2 WHERE id = ?1", p, 2, NULL),
        STORE_OK);
    assert_int_equal(act(&w, w.coord, id, REL_RENEW, NULL, &rel, &e), SVC_OK);
    assert_int_equal(rel.renewals, 1);
    assert_true(rel.planned_end_at > planned);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM outbox WHERE kind = 'renewed' AND body LIKE "
                              "'%renewed by your coordinator%' AND to_person_id = ?1",
                              ep),
                     1);
    program_config_cleanup(&w.cfg);
}

static void test_proposals_declined_withdrawn_and_closed_by_a_coordinator(void **state)
{
    struct world w = world(state, open_cfg);
    int64_t rp = fx_person(w.db, "Ruth", 0), ep = fx_person(w.db, "Emil", 0);
    int64_t mentor = fx_part(w.db, w.program, rp, "mentor", STAGE_APPROVED, 1, 0, false);
    int64_t mentee = fx_part(w.db, w.program, ep, "mentee", STAGE_APPROVED, 0, 1, false);
    int64_t id;
    verr e;
    struct svc_rel rel;
    assert_int_equal(pair(&w, mentor, &mentee, 1, &id, &e), SVC_OK);
    /* Proposed and declined: active again, the proposer told. */
    assert_int_equal(act(&w, ep, id, REL_CLOSE, "a lot", &rel, &e), SVC_OK);
    assert_int_equal(act(&w, ep, id, REL_DECLINE, NULL, &rel, &e), SVC_REFUSED);
    assert_int_equal(act(&w, rp, id, REL_WITHDRAW, NULL, &rel, &e), SVC_REFUSED);
    assert_int_equal(act(&w, w.coord, id, REL_DECLINE, NULL, &rel, &e), SVC_REFUSED);
    assert_int_equal(act(&w, rp, id, REL_DECLINE, NULL, &rel, &e), SVC_OK);
    assert_string_equal(rel.status, "active");
    assert_int_equal(rel.proposal, REL_PROPOSAL_NONE);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM outbox WHERE to_person_id = ?1 AND subject "
                              "LIKE 'Ruth declined the proposal to close%'",
                              ep),
                     1);
    /* Proposed again, then withdrawn by its proposer. */
    assert_int_equal(act(&w, rp, id, REL_CLOSE, "more", &rel, &e), SVC_OK);
    assert_int_equal(rel.proposed_by, mentor);
    assert_int_equal(act(&w, rp, id, REL_WITHDRAW, NULL, &rel, &e), SVC_OK);
    assert_string_equal(rel.status, "active");
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM relationship_consents WHERE "
                              "relationship_id = ?1",
                              id),
                     0);
    /* A coordinator closes it at once: both complete (Ruth's one place was this). */
    assert_int_equal(act(&w, w.coord, id, REL_CLOSE, NULL, &rel, &e), SVC_OK);
    assert_string_equal(rel.status, "completed");
    assert_string_equal(status_of(w.db, mentor), "completed");
    assert_string_equal(status_of(w.db, mentee), "completed");
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM outbox WHERE kind = 'closed' AND body LIKE "
                              "'%closed by your coordinator%' AND program_id = ?1",
                              w.program),
                     2);
    program_config_cleanup(&w.cfg);
}

static void test_a_mentor_completes_with_the_last_mentee(void **state)
{
    struct world w = world(state, open_cfg);
    int64_t bp = fx_person(w.db, "Bilal", 0), sp = fx_person(w.db, "Sofia", 0),
            ip = fx_person(w.db, "Ines", 0);
    int64_t bilal = fx_part(w.db, w.program, bp, "mentor", STAGE_APPROVED, 2, 0, false);
    int64_t sofia = fx_part(w.db, w.program, sp, "mentee", STAGE_APPROVED, 0, 1, false);
    int64_t ines = fx_part(w.db, w.program, ip, "mentee", STAGE_APPROVED, 0, 1, false);
    int64_t with_sofia, with_ines;
    verr e;
    struct svc_rel rel;
    assert_int_equal(pair(&w, bilal, &sofia, 1, &with_sofia, &e), SVC_OK);
    assert_int_equal(pair(&w, bilal, &ines, 1, &with_ines, &e), SVC_OK);
    assert_int_equal(act(&w, sp, with_sofia, REL_CLOSE, "confidence", &rel, &e), SVC_OK);
    assert_int_equal(act(&w, bp, with_sofia, REL_CLOSE, "listening", &rel, &e), SVC_OK);
    assert_string_equal(rel.status, "completed");
    /* Sofia completes; Bilal mentors Ines still. */
    assert_string_equal(status_of(w.db, sofia), "completed");
    assert_string_equal(status_of(w.db, bilal), "matched");
    assert_int_equal(completed_stages(w.db, bilal), 0);
    assert_int_equal(fx_count(w.db, "SELECT furthest FROM participations WHERE id = ?1", bilal),
                     STAGE_MATCHED);
    /* Ines's relationship closes too: now Bilal has completed. */
    assert_int_equal(act(&w, w.coord, with_ines, REL_CLOSE, NULL, &rel, &e), SVC_OK);
    assert_string_equal(status_of(w.db, bilal), "completed");
    assert_int_equal(completed_stages(w.db, bilal), 1);
    program_config_cleanup(&w.cfg);

    /* With a third place free, the mentor is still open for matching. */
    struct world w2 = world(state, open_cfg);
    int64_t m3 = fx_part(w2.db, w2.program, bp, "mentor", STAGE_APPROVED, 3, 0, false);
    int64_t a = fx_part(w2.db, w2.program, sp, "mentee", STAGE_APPROVED, 0, 1, false);
    int64_t r3;
    assert_int_equal(pair(&w2, m3, &a, 1, &r3, &e), SVC_OK);
    assert_int_equal(act(&w2, w2.coord, r3, REL_CLOSE, NULL, &rel, &e), SVC_OK);
    assert_string_equal(status_of(w2.db, a), "completed");
    assert_string_equal(status_of(w2.db, m3), "matched");
    /* ... and matched again, the mentee too (not counted as having left). */
    int64_t b = fx_part(w2.db, w2.program, ip, "mentee", STAGE_APPROVED, 0, 1, false);
    assert_int_equal(pair(&w2, m3, &b, 1, &r3, &e), SVC_OK);
    program_config_cleanup(&w2.cfg);
}

static void test_a_group_closes_when_every_member_confirms(void **state)
{
    struct world w = world(state, open_cfg);
    int64_t rp = fx_person(w.db, "Ruth", 0), ap = fx_person(w.db, "Ada", 0),
            bp = fx_person(w.db, "Ben", 0);
    int64_t mentor = fx_part(w.db, w.program, rp, "mentor", STAGE_APPROVED, 2, 0, false);
    int64_t group[] = {fx_part(w.db, w.program, ap, "mentee", STAGE_APPROVED, 0, 1, false),
                       fx_part(w.db, w.program, bp, "mentee", STAGE_APPROVED, 0, 1, false)};
    int64_t id;
    verr e;
    struct svc_rel rel;
    assert_int_equal(pair(&w, mentor, group, 2, &id, &e), SVC_OK);
    assert_int_equal(act(&w, rp, id, REL_CLOSE, "groups work", &rel, &e), SVC_OK);
    assert_int_equal(act(&w, ap, id, REL_CLOSE, "peers help", &rel, &e), SVC_OK);
    assert_string_equal(rel.status, "closing"); /* Ben is still to confirm */
    assert_int_equal(rel.nagreed, 2);
    assert_int_equal(rel.agreed[0], mentor); /* the proposer first */
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM outbox WHERE to_person_id = ?1 AND body LIKE "
                              "'%Still to agree: Ben.%'",
                              rp),
                     1);
    assert_int_equal(act(&w, bp, id, REL_CLOSE, "structure", &rel, &e), SVC_OK);
    assert_string_equal(rel.status, "completed");
    assert_string_equal(status_of(w.db, mentor), "completed"); /* two mentees, two places */
    program_config_cleanup(&w.cfg);
}

static void test_ending_early_frees_the_mentee(void **state)
{
    struct world w = world(state, open_cfg);
    int64_t rp = fx_person(w.db, "Ruth", 0), ep = fx_person(w.db, "Emil", 0);
    int64_t mentor = fx_part(w.db, w.program, rp, "mentor", STAGE_APPROVED, 2, 0, false);
    int64_t mentee = fx_part(w.db, w.program, ep, "mentee", STAGE_APPROVED, 0, 1, false);
    int64_t id;
    verr e;
    assert_int_equal(pair(&w, mentor, &mentee, 1, &id, &e), SVC_OK);
    svc_actor ruth = {.person_id = rp};
    struct svc_rel rel;
    assert_int_equal(svc_relationship_get(w.db, &ruth, id, PERM_WRITE, &rel), SVC_OK);
    struct rel_change ch = {
        .action = REL_END_EARLY, .reason = "moved away", .version = rel.version};
    /* A coordinator who is no partner writes no reflection. */
    struct rel_reflection refl = {.learned = "x"};
    svc_actor coord = {.person_id = w.coord};
    struct svc_rel as_coord;
    assert_int_equal(svc_relationship_get(w.db, &coord, id, PERM_READ, &as_coord), SVC_OK);
    struct rel_change with = ch;
    with.reflection = &refl;
    assert_int_equal(svc_relationship_change(w.db, &coord, &as_coord, &w.cfg, &with, &e),
                     SVC_INVALID);
    assert_string_equal(e.msg, "only the partners write reflections");
    assert_int_equal(svc_relationship_change(w.db, &ruth, &rel, &w.cfg, &ch, &e), SVC_OK);
    assert_string_equal(rel.status, "ended_early");
    /* The mentee is out of the funnel until matched again; the mentor keeps
     * their status; the coordinator heard why. */
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM participations WHERE id = ?1 AND status = "
                              "'ended_early'",
                              mentee),
                     1);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM participations WHERE id = ?1 AND status = "
                              "'matched'",
                              mentor),
                     1);
    assert_int_equal(fx_count(w.db,
                              "SELECT COUNT(*) FROM outbox WHERE to_person_id = ?1 AND kind = "
                              "'ended_early_alert' AND body LIKE '%moved away%'",
                              w.coord),
                     1);
    /* ... and may be matched with someone else. */
    int64_t other =
        fx_part(w.db, w.program, fx_person(w.db, "Otto", 0), "mentor", STAGE_APPROVED, 2, 0, false);
    assert_int_equal(pair(&w, other, &mentee, 1, &id, &e), SVC_OK);
    program_config_cleanup(&w.cfg);
}

static void test_a_failing_database_is_no_refusal(void **state)
{
    struct world w = world(state, open_cfg);
    int64_t mentor =
        fx_part(w.db, w.program, fx_person(w.db, "Ruth", 0), "mentor", STAGE_APPROVED, 2, 0, false);
    int64_t mentee =
        fx_part(w.db, w.program, fx_person(w.db, "Emil", 0), "mentee", STAGE_APPROVED, 0, 1, false);
    int64_t id;
    verr e;
    assert_int_equal(pair(&w, mentor, &mentee, 1, &id, &e), SVC_OK);
    fx_exec(w.db, "ALTER TABLE relationship_members RENAME TO away");
    /* Each of these was a refusal of some kind while the status of the
     * store shared the value -1 with it. */
    int64_t none;
    assert_true(pair(&w, mentor, &mentee, 1, &none, &e) < 0);
    svc_actor coord = {.person_id = w.coord};
    struct svc_rel rel;
    assert_true(svc_relationship_get(w.db, &coord, id, PERM_READ, &rel) < 0);
    fx_exec(w.db, "ALTER TABLE away RENAME TO relationship_members");
    assert_int_equal(svc_relationship_get(w.db, &coord, id, PERM_READ, &rel), SVC_OK);
    fx_exec(w.db, "ALTER TABLE reflections RENAME TO away");
    svc_actor emil = {
        .person_id = fx_count(w.db, "SELECT person_id FROM participations WHERE id = ?1", mentee)};
    assert_int_equal(svc_relationship_get(w.db, &emil, id, PERM_WRITE, &rel), SVC_OK);
    struct rel_reflection refl = {.learned = "x"};
    struct rel_change ch = {
        .action = REL_CLOSE, .reason = "", .reflection = &refl, .version = rel.version};
    assert_true(svc_relationship_change(w.db, &emil, &rel, &w.cfg, &ch, &e) < 0);
    fx_exec(w.db, "ALTER TABLE away RENAME TO reflections");
    program_config_cleanup(&w.cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_create_records_members_stages_and_mail),
        FX_TEST(test_who_may_be_matched),
        FX_TEST(test_capacity_and_wants),
        FX_TEST(test_never_self_never_a_manager_never_again),
        FX_TEST(test_peer_circles_and_sizes),
        FX_TEST(test_status_moves),
        FX_TEST(test_renewal_window),
        FX_TEST(test_proposals_declined_withdrawn_and_closed_by_a_coordinator),
        FX_TEST(test_a_mentor_completes_with_the_last_mentee),
        FX_TEST(test_a_group_closes_when_every_member_confirms),
        FX_TEST(test_ending_early_frees_the_mentee),
        FX_TEST(test_a_failing_database_is_no_refusal),
    };
    return FX_MAIN("service/relationship", tests);
}
