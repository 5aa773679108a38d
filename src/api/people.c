/* people.c - accounts, as a site admin manages them. The rules are
 * service/people.c's; the password is checked and hashed here, outside
 * the service, as argon2id is identity's. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/identity.h"
#include "base/limits.h"
#include "base/str.h"
#include "domain/account.h"
#include "domain/password.h"
#include "service/people.h"

static json_t *person_json(const struct svc_person *p)
{
    return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)p->id, "email", p->email, "name",
                     p->name, "site_role", p->site_role);
}

int h_people_create(api_ctx *c)
{
    if (c->actor.site_role != SITE_ADMIN)
        return api_problem(c, 403, NULL, "only admins create accounts");
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    verr e = VERR_COLLECT;
    struct svc_person_new in = {0};
    const char *password;
    char *hash = NULL;
    char lower[LIMIT_EMAIL_BYTES + 1];
    account_person_read(body, &in.email, &in.name, &password, &in.site_role, lower, &e);
    if (password && !v_failed(&e) && !(hash = identity_password_hash(password)))
        v_fail(&e, "", "password", "could not be hashed");
    in.password_hash = hash;
    svc_actor actor = api_actor(c);
    int64_t id;
    int rc = svc_person_create(c->db, &actor, &in, &id, &e);
    free(hash);
    json_decref(body);
    struct svc_person p;
    if (rc != SVC_OK || (rc = svc_person_get(c->db, id, &p)) != SVC_OK)
        return api_fail(c, rc, &e);
    return api_json(c, 201, person_json(&p));
}

int h_people_list(api_ctx *c)
{
    if (c->actor.site_role != SITE_ADMIN)
        return api_not_found(c);
    int64_t limit, offset;
    if (api_page(c, &limit, &offset))
        return -1;
    const char *q = http_req_query(c->req, "q");
    if (q && strlen(q) > LIMIT_NAME_BYTES)
        return api_problem(c, 400, "q", "the search text is too long");
    struct svc_person_page page;
    int rc = svc_person_list(c->db, q, limit, offset, &page);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    json_t *items = json_array();
    for (size_t i = 0; i < page.n; i++)
        json_array_append_new(items, person_json(&page.items[i]));
    json_int_t total = page.total;
    svc_person_page_cleanup(&page);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", total, "limit",
                              (json_int_t)limit, "offset", (json_int_t)offset));
}
