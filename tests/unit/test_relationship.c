/* test_relationship.c - a relationship's status machine (closure and
 * renewal agreed by every member), who completes with it, its kind and
 * size, and its planned end (domain/relationship.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "base/clock.h"
#include "domain/relationship.h"

static void test_actions_parse(void **state)
{
    (void)state;
    for (int a = 0; a < REL_ACTION_COUNT; a++)
        assert_int_equal(rel_action_parse(rel_action_name((enum rel_action)a)), a);
    assert_int_equal(rel_action_parse("explode"), -1);
    assert_int_equal(rel_action_parse("start_closing"), -1);
    assert_int_equal(rel_action_parse(NULL), -1);
    assert_int_equal(rel_proposal_parse("close"), REL_PROPOSAL_CLOSE);
    assert_int_equal(rel_proposal_parse("renew"), REL_PROPOSAL_RENEW);
    assert_int_equal(rel_proposal_parse(NULL), REL_PROPOSAL_NONE);
    assert_null(rel_proposal_name(REL_PROPOSAL_NONE));
}

/* A member of a one-to-one relationship with nothing proposed. */
static struct rel_situation member(const char *status)
{
    return (struct rel_situation){.status = status,
                                  .renewals = 0,
                                  .renewals_allowed = 1,
                                  .member = true,
                                  .others_waiting = 1};
}

/* The status after `a`, or "refused". */
static const char *after(struct rel_situation s, enum rel_action a)
{
    struct rel_decision d;
    return rel_decide(&s, a, &d) ? "refused" : d.next;
}

static enum rel_effect effect(struct rel_situation s, enum rel_action a)
{
    struct rel_decision d;
    assert_null(rel_decide(&s, a, &d));
    return d.effect;
}

static void test_pause_resume_end_early(void **state)
{
    (void)state;
    assert_string_equal(after(member("active"), REL_PAUSE), "paused");
    assert_string_equal(after(member("paused"), REL_PAUSE), "refused");
    assert_string_equal(after(member("paused"), REL_RESUME), "active");
    assert_string_equal(after(member("active"), REL_RESUME), "refused");
    assert_string_equal(after(member("paused"), REL_END_EARLY), "ended_early");
    assert_int_equal(effect(member("active"), REL_END_EARLY), REL_MOVE);
    /* Ending early is one-sided, also while closing is proposed. */
    struct rel_situation s = member("closing");
    s.proposal = REL_PROPOSAL_CLOSE;
    assert_string_equal(after(s, REL_END_EARLY), "ended_early");
    /* Closing proposed: not paused or resumed, it is answered. */
    struct rel_decision d;
    assert_string_equal(rel_decide(&s, REL_RESUME, &d),
                        "closing is proposed: confirm, decline or withdraw it");
    assert_string_equal(after(s, REL_PAUSE), "refused");
    /* Ended relationships take no action at all, from anyone. */
    for (int a = 0; a < REL_ACTION_COUNT; a++) {
        assert_string_equal(after(member("completed"), (enum rel_action)a), "refused");
        assert_string_equal(after(member("ended_early"), (enum rel_action)a), "refused");
        struct rel_situation c = member("completed");
        c.member = false;
        assert_string_equal(after(c, (enum rel_action)a), "refused");
    }
    assert_string_equal(rel_decide(&(struct rel_situation){.status = "completed"}, REL_PAUSE, &d),
                        "the relationship has ended");
}

static void test_closing_takes_every_member(void **state)
{
    (void)state;
    struct rel_decision d;
    /* One member proposes: closing, not completed. */
    struct rel_situation s = member("active");
    assert_null(rel_decide(&s, REL_CLOSE, &d));
    assert_int_equal(d.effect, REL_PROPOSE);
    assert_int_equal(d.about, REL_PROPOSAL_CLOSE);
    assert_string_equal(d.next, "closing");
    assert_string_equal(after(member("paused"), REL_CLOSE), "closing");
    /* The proposer cannot confirm their own proposal. */
    s = member("closing");
    s.proposal = REL_PROPOSAL_CLOSE;
    s.proposer = s.agreed = true;
    assert_string_equal(rel_decide(&s, REL_CLOSE, &d),
                        "you proposed closing; the others are asked to confirm");
    /* The other party (the one not to have agreed yet) confirms: completed. */
    s = member("closing");
    s.proposal = REL_PROPOSAL_CLOSE;
    s.others_waiting = 0;
    assert_null(rel_decide(&s, REL_CLOSE, &d));
    assert_int_equal(d.effect, REL_CARRY_OUT);
    assert_string_equal(d.next, "completed");
    /* In a group, each mentee confirms; the last one completes it. */
    s.others_waiting = 2;
    assert_int_equal(effect(s, REL_CLOSE), REL_AGREE);
    assert_string_equal(after(s, REL_CLOSE), "closing");
    s.agreed = true;
    assert_string_equal(rel_decide(&s, REL_CLOSE, &d), "you have confirmed closing already");
    /* A coordinator closes at once, proposed or not. */
    struct rel_situation c = member("active");
    c.member = false;
    assert_int_equal(effect(c, REL_CLOSE), REL_CARRY_OUT);
    assert_string_equal(after(c, REL_CLOSE), "completed");
    c.status = "closing";
    c.proposal = REL_PROPOSAL_CLOSE;
    assert_string_equal(after(c, REL_CLOSE), "completed");
    /* While a renewal is proposed, closing waits for its answer. */
    s = member("active");
    s.proposal = REL_PROPOSAL_RENEW;
    assert_string_equal(rel_decide(&s, REL_CLOSE, &d),
                        "a renewal is proposed: accept, decline or withdraw it first");
}

static void test_declining_and_withdrawing(void **state)
{
    (void)state;
    struct rel_decision d;
    struct rel_situation s = member("closing");
    s.proposal = REL_PROPOSAL_CLOSE;
    /* The other party declines; the relationship is active again. */
    assert_null(rel_decide(&s, REL_DECLINE, &d));
    assert_int_equal(d.effect, REL_DROP);
    assert_string_equal(d.next, "active");
    assert_string_equal(rel_decide(&s, REL_WITHDRAW, &d),
                        "only who proposed it withdraws it; you can decline it");
    /* The proposer withdraws, and does not decline. */
    s.proposer = s.agreed = true;
    assert_string_equal(after(s, REL_WITHDRAW), "active");
    assert_string_equal(rel_decide(&s, REL_DECLINE, &d),
                        "you made the proposal: withdraw it instead");
    /* A renewal declined leaves the status as it was. */
    s = member("paused");
    s.proposal = REL_PROPOSAL_RENEW;
    assert_string_equal(after(s, REL_DECLINE), "paused");
    /* Nothing to answer; a coordinator answers nothing. */
    assert_string_equal(
        rel_decide(&(struct rel_situation){.status = "active", .member = true}, REL_DECLINE, &d),
        "nothing is proposed");
    s.member = false;
    assert_non_null(rel_decide(&s, REL_DECLINE, &d));
}

static void test_renewals(void **state)
{
    (void)state;
    struct rel_decision d;
    /* A member proposes; the status stays; the other accepts. */
    struct rel_situation s = member("active");
    assert_null(rel_decide(&s, REL_RENEW, &d));
    assert_int_equal(d.effect, REL_PROPOSE);
    assert_int_equal(d.about, REL_PROPOSAL_RENEW);
    assert_string_equal(d.next, "active");
    s.proposal = REL_PROPOSAL_RENEW;
    s.others_waiting = 0; /* the proposer agreed */
    assert_int_equal(effect(s, REL_RENEW), REL_CARRY_OUT);
    s.proposer = s.agreed = true;
    assert_string_equal(rel_decide(&s, REL_RENEW, &d),
                        "you proposed renewing; the others are asked to accept");
    /* The limit, for members and coordinators alike. */
    s = member("active");
    s.renewals = 1;
    assert_string_equal(rel_decide(&s, REL_RENEW, &d),
                        "the relationship has been renewed as often as the program allows");
    s.member = false;
    assert_non_null(rel_decide(&s, REL_RENEW, &d));
    s = member("active");
    s.renewals_allowed = 0;
    assert_string_equal(rel_decide(&s, REL_RENEW, &d), "this program allows no renewal");
    /* A coordinator renews at once; closing proposed is answered first. */
    s = member("paused");
    s.member = false;
    assert_int_equal(effect(s, REL_RENEW), REL_CARRY_OUT);
    assert_string_equal(after(s, REL_RENEW), "paused");
    s = member("closing");
    s.proposal = REL_PROPOSAL_CLOSE;
    assert_string_equal(rel_decide(&s, REL_RENEW, &d),
                        "closing is proposed: decline or withdraw it first");
    /* The window opens `days` before the planned end. */
    assert_int_equal(rel_renewal_opens(100 * 86400, 30), 70 * 86400);
}

static void test_member_completes(void **state)
{
    (void)state;
    /* Bilal mentors two (capacity 2): one closes, the other goes on. */
    assert_false(rel_member_completes(false, 1, 1, 2));
    /* Both closed. */
    assert_true(rel_member_completes(false, 0, 2, 2));
    /* One closed, the other ended early: a place is open for matching. */
    assert_false(rel_member_completes(false, 0, 1, 2));
    /* A mentee with the one mentor they wanted. */
    assert_true(rel_member_completes(false, 0, 1, 1));
    /* Peers complete with their last circle. */
    assert_true(rel_member_completes(true, 0, 0, 2));
    assert_false(rel_member_completes(true, 1, 0, 1));
}

static void test_why_not_matchable(void **state)
{
    (void)state;
    char buf[160];
    assert_null(rel_why_not_matchable(STAGE_TRAINED, true, true, false, 1, 0, buf, sizeof buf));
    assert_null(rel_why_not_matchable(STAGE_APPROVED, false, false, true, 2, 1, buf, sizeof buf));
    assert_string_equal(
        rel_why_not_matchable(STAGE_APPROVED, false, true, false, 1, 0, buf, sizeof buf),
        "has not completed training, which this program requires before matching");
    assert_string_equal(
        rel_why_not_matchable(STAGE_ACTIVE, true, true, false, 1, 1, buf, sizeof buf),
        "has all the mentors they want (1 of 1)");
    assert_string_equal(
        rel_why_not_matchable(STAGE_MATCHED, true, true, true, 2, 2, buf, sizeof buf),
        "has no free place (2 of 2 taken)");
    assert_string_equal(
        rel_why_not_matchable(STAGE_APPLIED, true, true, false, 1, 0, buf, sizeof buf),
        "has not been approved yet");
    assert_string_equal(
        rel_why_not_matchable(STAGE_DECLINED, true, true, false, 1, 0, buf, sizeof buf),
        "was declined");
    /* Matched again after an early end: eligible with the place it freed. */
    assert_null(rel_why_not_matchable(STAGE_ENDED_EARLY, true, true, false, 1, 0, buf, sizeof buf));
}

static void test_open_statuses(void **state)
{
    (void)state;
    assert_true(rel_status_open("active"));
    assert_true(rel_status_open("paused"));
    assert_true(rel_status_open("closing"));
    assert_false(rel_status_open("completed"));
    assert_false(rel_status_open("ended_early"));
    assert_false(rel_status_open(NULL));
}

static void test_kind_and_size(void **state)
{
    (void)state;
    char why[128];
    assert_string_equal(rel_kind(false, 1), "one_to_one");
    assert_string_equal(rel_kind(false, 3), "group");
    assert_string_equal(rel_kind(true, 3), "peer");
    assert_true(rel_members_check(false, 1, why, sizeof why));
    assert_true(rel_members_check(false, 63, why, sizeof why));
    assert_false(rel_members_check(false, 64, why, sizeof why));
    assert_string_equal(why, "a relationship has 1 to 63 mentees");
    assert_false(rel_members_check(false, 0, why, sizeof why));
    assert_false(rel_members_check(true, 1, why, sizeof why));
    assert_string_equal(why, "a peer circle has at least two members");
    assert_true(rel_members_check(true, 2, why, sizeof why));
}

static int64_t at(const char *rfc3339)
{
    int64_t t = 0;
    assert_int_equal(clock_parse(rfc3339, &t), 0);
    return t;
}

static void test_planned_end(void **state)
{
    (void)state;
    assert_int_equal(rel_planned_end(at("2026-01-15T09:30:00Z"), 12), at("2027-01-15T09:30:00Z"));
    assert_int_equal(rel_planned_end(at("2026-11-10T00:00:00Z"), 3), at("2027-02-10T00:00:00Z"));
    /* The same day of the month, clamped to the month's end. */
    assert_int_equal(rel_planned_end(at("2026-01-31T12:00:00Z"), 1), at("2026-02-28T12:00:00Z"));
    assert_int_equal(rel_planned_end(at("2027-01-31T12:00:00Z"), 1), at("2027-02-28T12:00:00Z"));
    assert_int_equal(rel_planned_end(at("2028-01-31T12:00:00Z"), 1), at("2028-02-29T12:00:00Z"));
    assert_int_equal(rel_planned_end(at("2026-03-31T00:00:00Z"), 6), at("2026-09-30T00:00:00Z"));
    /* Renewal extends from the planned end, not from today. */
    int64_t end = rel_planned_end(at("2026-05-01T00:00:00Z"), 12);
    assert_int_equal(rel_planned_end(end, 12), at("2028-05-01T00:00:00Z"));
    assert_int_equal(rel_planned_end(at("2026-05-01T00:00:00Z"), 60), at("2031-05-01T00:00:00Z"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_actions_parse),
        cmocka_unit_test(test_pause_resume_end_early),
        cmocka_unit_test(test_closing_takes_every_member),
        cmocka_unit_test(test_declining_and_withdrawing),
        cmocka_unit_test(test_renewals),
        cmocka_unit_test(test_member_completes),
        cmocka_unit_test(test_why_not_matchable),
        cmocka_unit_test(test_open_statuses),
        cmocka_unit_test(test_kind_and_size),
        cmocka_unit_test(test_planned_end),
    };
    return cmocka_run_group_tests_name("relationship", tests, NULL, NULL);
}
