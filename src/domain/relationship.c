#include "domain/relationship.h"

#include "base/limits.h"
#include "base/str.h"

#include <string.h>
#include <time.h>

static const char *const actions[REL_ACTION_COUNT] = {"pause", "resume",  "close",   "end_early",
                                                      "renew", "decline", "withdraw"};

int rel_action_parse(const char *s)
{
    for (int i = 0; s && i < REL_ACTION_COUNT; i++)
        if (strcmp(actions[i], s) == 0)
            return i;
    return -1;
}

const char *rel_action_name(enum rel_action a)
{
    return (unsigned)a < REL_ACTION_COUNT ? actions[a] : "unknown";
}

int rel_proposal_parse(const char *s)
{
    return !s                        ? REL_PROPOSAL_NONE
           : strcmp(s, "close") == 0 ? REL_PROPOSAL_CLOSE
           : strcmp(s, "renew") == 0 ? REL_PROPOSAL_RENEW
                                     : REL_PROPOSAL_NONE;
}

const char *rel_proposal_name(enum rel_proposal p)
{
    return p == REL_PROPOSAL_CLOSE ? "close" : p == REL_PROPOSAL_RENEW ? "renew" : NULL;
}

static const char *decided(struct rel_decision *out, enum rel_effect effect,
                           enum rel_proposal about, const char *next)
{
    out->effect = effect;
    out->about = about;
    out->next = next;
    return NULL;
}

/* A member's close or renew: propose it, agree to it, or carry it out when
 * the actor is the last to agree. */
static const char *consent(const struct rel_situation *s, enum rel_proposal what, const char *done,
                           const char *pending, struct rel_decision *out)
{
    if (s->proposal == REL_PROPOSAL_NONE)
        return s->others_waiting > 0 ? decided(out, REL_PROPOSE, what, pending)
                                     : decided(out, REL_CARRY_OUT, what, done);
    if (s->proposal != what)
        return what == REL_PROPOSAL_CLOSE
                   ? "a renewal is proposed: accept, decline or withdraw it first"
                   : "closing is proposed: decline or withdraw it first";
    if (s->proposer)
        return what == REL_PROPOSAL_CLOSE ? "you proposed closing; the others are asked to confirm"
                                          : "you proposed renewing; the others are asked to accept";
    if (s->agreed)
        return what == REL_PROPOSAL_CLOSE ? "you have confirmed closing already"
                                          : "you have accepted the renewal already";
    return s->others_waiting > 0 ? decided(out, REL_AGREE, what, s->status)
                                 : decided(out, REL_CARRY_OUT, what, done);
}

const char *rel_decide(const struct rel_situation *s, enum rel_action a, struct rel_decision *out)
{
    bool active = strcmp(s->status, "active") == 0, paused = strcmp(s->status, "paused") == 0;
    bool closing = strcmp(s->status, "closing") == 0;
    if (!active && !paused && !closing)
        return "the relationship has ended";
    switch (a) {
    case REL_PAUSE:
        if (!active)
            return closing ? "closing is proposed: confirm, decline or withdraw it"
                           : "only an active relationship can be paused";
        return decided(out, REL_MOVE, s->proposal, "paused");
    case REL_RESUME:
        if (!paused)
            return closing ? "closing is proposed: confirm, decline or withdraw it"
                           : "the relationship is active already";
        return decided(out, REL_MOVE, s->proposal, "active");
    case REL_END_EARLY: return decided(out, REL_MOVE, s->proposal, "ended_early");
    case REL_CLOSE:
        if (!s->member)
            return decided(out, REL_CARRY_OUT, REL_PROPOSAL_CLOSE, "completed");
        return consent(s, REL_PROPOSAL_CLOSE, "completed", "closing", out);
    case REL_RENEW:
        if (s->renewals >= s->renewals_allowed)
            return s->renewals_allowed == 0
                       ? "this program allows no renewal"
                       : "the relationship has been renewed as often as the program allows";
        if (closing)
            return "closing is proposed: decline or withdraw it first";
        if (!s->member)
            return decided(out, REL_CARRY_OUT, REL_PROPOSAL_RENEW, s->status);
        return consent(s, REL_PROPOSAL_RENEW, s->status, s->status, out);
    case REL_DECLINE:
    case REL_WITHDRAW:
        if (!s->member)
            return "only the members answer a proposal; a coordinator closes or renews at once";
        if (s->proposal == REL_PROPOSAL_NONE)
            return "nothing is proposed";
        if (a == REL_DECLINE && s->proposer)
            return "you made the proposal: withdraw it instead";
        if (a == REL_WITHDRAW && !s->proposer)
            return "only who proposed it withdraws it; you can decline it";
        return decided(out, REL_DROP, s->proposal, closing ? "active" : s->status);
    }
    return "unknown action";
}

const char *rel_why_not_matchable(enum stage status, bool trained, bool gate, bool mentor,
                                  int64_t slots, int64_t taken, char *buf, size_t len)
{
    switch (participation_eligible(status, trained, gate)) {
    case NOT_APPROVED:
        str_fmt(buf, len, "%s",
                status == STAGE_DECLINED    ? "was declined"
                : status == STAGE_WITHDRAWN ? "has withdrawn"
                : status == STAGE_INVITED   ? "has not applied yet"
                                            : "has not been approved yet");
        return buf;
    case NOT_TRAINED:
        str_fmt(buf, len,
                "has not completed training, which this program requires before matching");
        return buf;
    case COMPLETED: str_fmt(buf, len, "has completed the program"); return buf;
    case ELIGIBLE: break;
    }
    if (taken < slots)
        return NULL;
    if (mentor)
        str_fmt(buf, len, "has no free place (%lld of %lld taken)", (long long)taken,
                (long long)slots);
    else
        str_fmt(buf, len, "has all the mentors they want (%lld of %lld)", (long long)taken,
                (long long)slots);
    return buf;
}

bool rel_member_completes(bool peer, int64_t open, int64_t filled, int64_t slots)
{
    return open == 0 && (peer || filled >= slots);
}

int64_t rel_renewal_opens(int64_t planned_end, int window_days)
{
    return planned_end - (int64_t)window_days * 86400;
}

int64_t rel_planned_end(int64_t start, int months)
{
    time_t t = (time_t)start;
    struct tm tm;
    gmtime_r(&t, &tm);
    int day = tm.tm_mday;
    tm.tm_mon += months;
    tm.tm_year += tm.tm_mon / 12;
    tm.tm_mon %= 12;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = tm.tm_year + 1900;
    int last =
        mdays[tm.tm_mon] + (tm.tm_mon == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    tm.tm_mday = day > last ? last : day;
    return (int64_t)timegm(&tm);
}

bool rel_status_open(const char *status)
{
    return status && (strcmp(status, "active") == 0 || strcmp(status, "paused") == 0 ||
                      strcmp(status, "closing") == 0);
}

const char *rel_kind(bool peer, size_t mentees)
{
    return peer ? "peer" : mentees > 1 ? "group" : "one_to_one";
}

bool rel_members_check(bool peer, size_t mentees, char *why, size_t whylen)
{
    if (mentees == 0 || mentees > LIMIT_RELATIONSHIP_MEMBERS - 1) {
        str_fmt(why, whylen, "a relationship has 1 to %d mentees", LIMIT_RELATIONSHIP_MEMBERS - 1);
        return false;
    }
    if (peer && mentees < 2) {
        str_fmt(why, whylen, "a peer circle has at least two members");
        return false;
    }
    return true;
}

int rel_reflection_read(const json_t *obj, const char *path, struct rel_reflection *out, verr *e)
{
    static const char *const keys[] = {"learned", "next_steps", "program_feedback", NULL};
    return v_known_keys(obj, path, keys, e) ||
                   v_string(obj, "learned", path, true, false, LIMIT_TEXT_BYTES, NULL,
                            &out->learned, e) ||
                   v_string(obj, "next_steps", path, false, true, LIMIT_TEXT_BYTES, "",
                            &out->next_steps, e) ||
                   v_string(obj, "program_feedback", path, false, true, LIMIT_TEXT_BYTES, "",
                            &out->program_feedback, e)
               ? -1
               : 0;
}

int rel_change_read(const json_t *body, struct rel_change *out, struct rel_reflection *refl,
                    verr *e)
{
    static const char *const keys[] = {"action", "reason", "reflection", "version", NULL};
    const char *action;
    if (v_known_keys(body, "", keys, e) ||
        v_string(body, "action", "", true, false, 32, NULL, &action, e) ||
        v_string(body, "reason", "", false, true, LIMIT_REASON_BYTES, "", &out->reason, e) ||
        v_int(body, "version", "", 1, INT64_MAX / 2, 0, true, &out->version, e))
        return -1;
    const json_t *r = json_object_get(body, "reflection");
    if (r && !json_is_object(r))
        return v_fail(e, "", "reflection", "must be an object");
    if (r && rel_reflection_read(r, "reflection", refl, e))
        return -1;
    int a = rel_action_parse(action);
    if (a < 0)
        return v_fail(e, "", "action",
                      "one of pause, resume, close, end_early, renew, decline, withdraw");
    out->action = (enum rel_action)a;
    out->reflection = r ? refl : NULL;
    return 0;
}

int rel_new_read(const json_t *body, int64_t *ids, struct rel_new_input *out, verr *e)
{
    static const char *const keys[] = {"mentor", "mentees", "peers", NULL};
    *out = (struct rel_new_input){.ids = ids};
    out->peer = json_object_get(body, "peers") != NULL;
    const char *key = out->peer ? "peers" : "mentees";
    json_t *list = NULL;
    int bad = v_known_keys(body, "", keys, e);
    if (!out->peer)
        bad |= v_int(body, "mentor", "", 1, INT64_MAX / 2, 0, true, &out->mentor, e);
    bad |= v_array(body, key, "", LIMIT_RELATIONSHIP_MEMBERS - 1, &list, e);
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v)
    {
        if (!json_is_integer(v)) {
            char f[32];
            v_index(f, sizeof f, key, i);
            bad = v_add(e, "", f, "must be a participation id");
        } else {
            ids[out->n++] = json_integer_value(v);
        }
    }
    return bad ? -1 : 0;
}
