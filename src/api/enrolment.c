#include "api/enrolment.h"

#include <stdio.h>

#include "api/identity.h"
#include "base/buf.h"
#include "base/str.h"
#include "service/outbox.h"

int enrol_invite(store *db, int64_t participation_id, int64_t invited_by, const char *base_url,
                 int64_t now)
{
    struct svc_recipient to;
    int rc = svc_outbox_recipient(db, participation_id, &to);
    if (rc != SVC_OK)
        return rc > 0 ? STORE_ERROR : rc;
    char token[IDENTITY_TOKEN_CHARS], hash[IDENTITY_HASH_HEX];
    identity_new_secret("", token);
    identity_secret_hash(token, hash);
    store_val p[] = {SV_TEXT(hash),
                     SV_INT(to.program_id),
                     SV_INT(participation_id),
                     invited_by ? SV_INT(invited_by) : SV_NULL,
                     SV_INT(now),
                     SV_INT(now + INVITATION_DAYS * 86400)};
    rc =
        store_exec(db,
                   "INSERT INTO invitations (token_hash, program_id, participation_id, created_by, "
                   "created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                   p, 6, NULL);
    if (rc != STORE_OK)
        return rc;
    buf body;
    buf_init(&body, 8192);
    invitation_text(&body, to.name, to.program_name, to.role, base_url, token);
    char subject[300];
    invitation_subject(subject, sizeof subject, to.program_name);
    rc = svc_outbox_add(db, to.email, to.person_id, to.program_id, "invitation", subject, body.data,
                        now);
    buf_cleanup(&body);
    return rc;
}
