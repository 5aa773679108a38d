#include "service/enrolment.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "domain/enrolment.h"
#include "domain/invitation.h"
#include "domain/profile.h"
#include "service/audit.h"
#include "service/outbox.h"
#include "service/people.h"
#include "service/program.h"

/* The capacity and wants a new participation of the role carries: the
 * program's defaults unless the body names its own; 0 where the role has
 * none. */
static void numbers_of(const struct program_config *cfg, const char *role,
                       const struct enrolment_numbers *in, int64_t *capacity, int64_t *wants)
{
    bool mentor = role && strcmp(role, "mentor") == 0, mentee = role && strcmp(role, "mentee") == 0;
    *capacity = !mentor ? 0 : in->has_capacity ? in->capacity : cfg->selection.default_capacity;
    *wants = !mentee ? 0 : in->has_wants ? in->wants : program_wants_default(cfg);
}

static int insert_participation(store *db, int64_t program, int64_t person, const char *role,
                                const json_t *profile, const json_t *answers, int64_t capacity,
                                int64_t wants, int64_t now, int64_t *id)
{
    json_t *none = json_object();
    char *prof = json_dumps(profile ? profile : none, JSON_COMPACT);
    char *app = json_dumps(answers ? answers : none, JSON_COMPACT);
    json_decref(none);
    store_val p[] = {SV_INT(program),
                     SV_INT(person),
                     SV_TEXT(role),
                     SV_TEXT(prof),
                     SV_TEXT(app),
                     capacity ? SV_INT(capacity) : SV_NULL,
                     wants ? SV_INT(wants) : SV_NULL,
                     SV_INT(now)};
    store_rows *rows = NULL;
    *id = 0;
    int rc =
        store_query(db,
                    "INSERT INTO participations (program_id, person_id, role, status, profile, "
                    "application, capacity, wants, created_at, updated_at, sort_name, email) "
                    "SELECT ?1, ?2, ?3, 'invited', ?4, ?5, ?6, ?7, ?8, ?8, name, email "
                    "FROM people WHERE id = ?2 RETURNING id",
                    p, 8, &rows);
    free(prof);
    free(app);
    if (rc == STORE_OK) {
        rc = store_next(rows);
        *id = rc == 1 ? store_col_int(rows, 0) : 0;
        rc = rc == 1 ? STORE_OK : rc == 0 ? STORE_ERROR : rc;
    }
    store_rows_free(rows);
    return rc;
}

/* The actor's participation in the role, if any: its id and status. */
static int existing(store *db, int64_t program, int64_t person, const char *role, int64_t *id,
                    int *status)
{
    store_rows *rows = NULL;
    store_val d[] = {SV_INT(program), SV_INT(person), SV_TEXT(role)};
    *id = 0;
    *status = -1;
    int rc = store_query(db,
                         "SELECT id, status FROM participations WHERE program_id = ?1 AND "
                         "person_id = ?2 AND role = ?3",
                         d, 3, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        *id = store_col_int(rows, 0);
        *status = stage_parse(store_col_text(rows, 1));
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_enrolment_is_in(store *db, const svc_actor *actor, int64_t program_id, bool *in)
{
    int64_t n = 0;
    store_val q[] = {SV_INT(program_id), SV_INT(actor->person_id)};
    int rc = store_query_int(
        db, "SELECT COUNT(*) FROM participations WHERE program_id = ?1 AND person_id = ?2", q, 2,
        &n);
    *in = rc == 1 && n > 0;
    return rc < 0 ? rc : STORE_OK;
}

/* Records why the program takes no applications on their own at `now`,
 * naming the date: 0 when it does, else -1. */
static int enrolment_window(const struct program_config *cfg, int64_t now, verr *e)
{
    switch (program_enrolment_at(cfg, now)) {
    case PROGRAM_ENROLMENT_NOT_YET:
        return v_fail(e, "dates", "enrolment_opens", "enrolment opens on %s: apply from then",
                      cfg->dates.enrolment_opens);
    case PROGRAM_ENROLMENT_CLOSED:
        return v_fail(e, "dates", "enrolment_closes", "enrolment closed on %s",
                      cfg->dates.enrolment_closes);
    case PROGRAM_ENROLMENT_OPEN: break;
    }
    return 0;
}

int svc_enrolment_apply(store *db, const svc_actor *actor, int64_t program_id,
                        const struct program_config *cfg, const struct enrolment_application *in,
                        int64_t now, int64_t *participation_id, verr *e)
{
    json_t *answers = NULL;
    int64_t part = 0, capacity, wants;
    int status = -1, rc;
    bool member = false;
    perm_roles roles;
    *participation_id = 0;
    if ((rc = svc_enrolment_is_in(db, actor, program_id, &member)) != STORE_OK ||
        (rc = svc_program_roles(db, actor, program_id, &roles)) != STORE_OK)
        return rc;
    /* Invite-only programs are for their invited people alone: others do
     * not learn it exists. */
    if (cfg->selection.access == PROGRAM_INVITE_ONLY && !member &&
        !perm_allows(roles, PERM_PROGRAM, PERM_READ))
        return SVC_NOT_FOUND;
    /* A draft is its coordinators' alone; neither it nor a closed program
     * takes applications. */
    char pstatus[16];
    if ((rc = svc_program_status(db, program_id, pstatus, sizeof pstatus)) != STORE_OK)
        return rc;
    if (!perm_program_takes_applications(pstatus)) {
        if (strcmp(pstatus, "draft") == 0 && !perm_allows(roles, PERM_PROGRAM, PERM_READ))
            return SVC_NOT_FOUND;
        return svc_fail(e, SVC_REFUSED, "status", "the program is %s: it takes no applications",
                        pstatus);
    }
    if (in->role && (rc = existing(db, program_id, actor->person_id, in->role, &part, &status)))
        return rc;
    bool invited = part && status == STAGE_INVITED;
    if (in->role && !invited)
        enrolment_window(cfg, now, e);
    svc_participation_check_numbers(cfg, &in->numbers, e);
    if (in->profile)
        profile_check_program(in->profile, cfg, "profile", e);
    if (in->role)
        enrolment_check_answers(in->answers, cfg->selection.questions, in->role, "", &answers, e);
    if (v_failed(e)) {
        rc = SVC_INVALID;
        goto done;
    }
    if (part && status != STAGE_INVITED && status != STAGE_WITHDRAWN) {
        rc = svc_fail(e, SVC_REFUSED, "role", "you have applied as %s already", in->role);
        goto done;
    }
    if (!part && cfg->selection.access == PROGRAM_INVITE_ONLY) {
        rc = svc_fail(e, SVC_FORBIDDEN, "", "this program takes invited people only");
        goto done;
    }
    numbers_of(cfg, in->role, &in->numbers, &capacity, &wants);
    if (part) {
        char *ptext = in->profile ? json_dumps(in->profile, JSON_COMPACT) : NULL;
        char *atext = json_dumps(answers, JSON_COMPACT);
        store_val u[] = {SV_INT(part),
                         SV_TEXT(atext),
                         capacity ? SV_INT(capacity) : SV_NULL,
                         wants ? SV_INT(wants) : SV_NULL,
                         SV_INT(now),
                         SV_TEXT(ptext)};
        rc = store_exec(db,
                        "UPDATE participations SET application = ?2, capacity = ?3, wants = ?4, "
                        "updated_at = ?5, profile = COALESCE(CAST(?6 AS TEXT), profile), "
                        "decline_reason = NULL WHERE id = ?1",
                        u, 6, NULL);
        free(ptext);
        free(atext);
    } else {
        rc = insert_participation(db, program_id, actor->person_id, in->role, in->profile, answers,
                                  capacity, wants, now, &part);
    }
    if (rc == STORE_OK)
        rc = svc_participation_zone_to_person(db, actor->person_id, in->profile, now);
    if (rc == STORE_OK)
        rc = svc_participation_stage(db, part, STAGE_APPLIED, now);
    if (rc == STORE_OK && cfg->selection.access == PROGRAM_OPEN) {
        rc = svc_participation_stage(db, part, STAGE_APPROVED, now);
        if (rc == STORE_OK)
            rc = svc_participation_trained_if_free(db, cfg, part, in->role, now);
    }
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "participant.apply", "participation", part,
                       json_pack("{s:s}", "role", in->role));
    if (rc == STORE_OK)
        *participation_id = part;
done:
    json_decref(answers);
    return rc;
}

int svc_enrolment_add(store *db, const svc_actor *actor, int64_t program_id,
                      const struct program_config *cfg, const struct enrolment_add *in, int64_t now,
                      int64_t *participation_id, verr *e)
{
    char lower[LIMIT_EMAIL_BYTES + 1] = "";
    int64_t person = 0, part = 0, capacity, wants, dup = 0;
    int rc, status;
    *participation_id = 0;
    if (in->email && str_email_valid(in->email)) {
        str_fmt(lower, sizeof lower, "%s", in->email);
        str_ascii_lower(lower);
        if ((rc = svc_person_by_email(db, lower, &person)) != STORE_OK)
            return rc;
        if (!person && !in->name)
            v_fail(e, "", "name", "is required for someone new");
    } else if (in->email) {
        v_fail(e, "", "email", "is not a valid e-mail address");
    }
    svc_participation_check_numbers(cfg, &in->numbers, e);
    if (in->profile)
        profile_check_program(in->profile, cfg, "profile", e);
    if (v_failed(e))
        return SVC_INVALID;
    if (person && (rc = existing(db, program_id, person, in->role, &dup, &status)) != STORE_OK)
        return rc;
    if (dup)
        return svc_fail(e, SVC_REFUSED, "email", "%s takes part as %s already", lower, in->role);
    if (!person) {
        struct svc_person_new np = {.email = lower, .name = in->name};
        if ((rc = svc_person_create(db, actor, &np, &person, e)) != SVC_OK)
            return rc;
    }
    numbers_of(cfg, in->role, &in->numbers, &capacity, &wants);
    rc = insert_participation(db, program_id, person, in->role, in->profile, NULL, capacity, wants,
                              now, &part);
    if (rc == STORE_OK)
        rc = svc_participation_zone_to_person(db, person, in->profile, now);
    if (rc == STORE_OK)
        rc = svc_participation_stage(db, part, STAGE_INVITED, now);
    /* Coordinators and viewers need no review; they take part at once. */
    if (rc == STORE_OK && (strcmp(in->role, "coordinator") == 0 || strcmp(in->role, "viewer") == 0))
        rc = svc_participation_stage(db, part, STAGE_APPROVED, now);
    if (rc == STORE_OK && in->invite)
        rc = svc_enrolment_invite(db, actor, part, now);
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "participant.add", "participation", part,
                       json_pack("{s:s}", "role", in->role));
    if (rc == STORE_OK)
        *participation_id = part;
    return rc;
}

int svc_enrolment_invite(store *db, const svc_actor *actor, int64_t participation_id, int64_t now)
{
    struct svc_recipient to;
    int rc = svc_outbox_recipient(db, participation_id, &to);
    if (rc != SVC_OK)
        return rc > 0 ? STORE_ERROR : rc; /* the caller's participation exists */
    char token[SECRET_TOKEN_CHARS], hash[SECRET_HASH_HEX];
    secret_new("", token);
    secret_hash(token, hash);
    store_val p[] = {SV_TEXT(hash),
                     SV_INT(to.program_id),
                     SV_INT(participation_id),
                     actor->person_id ? SV_INT(actor->person_id) : SV_NULL,
                     SV_INT(now),
                     SV_INT(now + (int64_t)LIMIT_INVITATION_DAYS * 86400)};
    rc = store_exec(db,
                    "INSERT INTO invitations (token_hash, program_id, participation_id, "
                    "created_by, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    p, 6, NULL);
    if (rc != STORE_OK)
        return rc;
    char link[LIMIT_HTTP_URL_BYTES + SECRET_TOKEN_CHARS];
    struct mail_value v[INVITATION_VALUES];
    invitation_values(v, link, sizeof link, to.role, svc_public_url(), token);
    struct svc_mail m = {.kind = "invitation",
                         .to = to.email,
                         .person_id = to.person_id,
                         .program_id = to.program_id,
                         .name = to.name,
                         .program = to.program_name,
                         .values = v,
                         .nvalues = INVITATION_VALUES};
    verr e = {0};
    rc = svc_outbox_mail(db, &m, now, &e);
    return rc > 0 ? STORE_ERROR : rc; /* a template refusal is a bug, logged */
}

void svc_invitation_cleanup(struct svc_invitation *inv)
{
    if (!inv)
        return;
    free(inv->password_hash);
    inv->password_hash = NULL;
}

int svc_invitation_find(store *db, const char *token, int64_t now, struct svc_invitation *out,
                        verr *e)
{
    memset(out, 0, sizeof *out);
    char hash[SECRET_HASH_HEX];
    secret_hash(token, hash);
    store_rows *rows = NULL;
    store_val q[] = {SV_TEXT(hash), SV_INT(now)};
    int rc = store_query(
        db,
        "SELECT i.id, pe.id, pe.email, pe.password_hash, pa.program_id, pa.id, pe.name, pr.name, "
        "pa.role, i.expires_at FROM invitations i JOIN participations pa ON pa.id = "
        "i.participation_id JOIN people pe ON pe.id = pa.person_id JOIN programs pr ON pr.id = "
        "pa.program_id WHERE i.token_hash = ?1 AND i.used_at IS NULL AND i.expires_at > ?2",
        q, 2, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        out->id = store_col_int(rows, 0);
        out->person_id = store_col_int(rows, 1);
        str_fmt(out->email, sizeof out->email, "%s", store_col_text(rows, 2));
        out->password_hash = store_col_null(rows, 3) ? NULL : xstrdup(store_col_text(rows, 3));
        out->program_id = store_col_int(rows, 4);
        out->participation_id = store_col_int(rows, 5);
        str_fmt(out->person_name, sizeof out->person_name, "%s", store_col_text(rows, 6));
        str_fmt(out->program_name, sizeof out->program_name, "%s", store_col_text(rows, 7));
        str_fmt(out->role, sizeof out->role, "%s", store_col_text(rows, 8));
        out->expires_at = store_col_int(rows, 9);
        rc = SVC_OK;
    } else if (rc == 0) {
        rc = svc_fail(e, SVC_NOT_FOUND, "token",
                      "this invitation is not valid: used, expired or mistyped");
    }
    store_rows_free(rows);
    return rc;
}

int svc_invitation_accept(store *db, const struct svc_invitation *inv, const char *password_hash,
                          const char *name, int64_t now, verr *e)
{
    store_val used[] = {SV_INT(inv->id), SV_INT(now)};
    int64_t changed = 0;
    int rc = store_exec(db, "UPDATE invitations SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL",
                        used, 2, &changed);
    if (rc != STORE_OK)
        return rc;
    if (changed != 1)
        return svc_fail(e, SVC_NOT_FOUND, "token", "this invitation was used meanwhile");
    if (password_hash) {
        store_val u[] = {SV_INT(inv->person_id), SV_TEXT(password_hash), SV_TEXT(name),
                         SV_INT(now)};
        rc = store_exec(db,
                        "UPDATE people SET password_hash = ?2, name = COALESCE(CAST(?3 AS TEXT), "
                        "name), updated_at = ?4 WHERE id = ?1",
                        u, 4, NULL);
        if (rc == STORE_OK && name) {
            store_val n[] = {SV_INT(inv->person_id), SV_TEXT(name)};
            rc = store_exec(db, "UPDATE participations SET sort_name = ?2 WHERE person_id = ?1", n,
                            2, NULL);
        }
    }
    svc_actor who = {.person_id = inv->person_id};
    if (rc == STORE_OK)
        rc = svc_audit(db, &who, "invitation.accept", "participation", inv->participation_id, NULL);
    return rc;
}
