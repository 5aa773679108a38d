#include "domain/account.h"

#include <string.h>

#include "base/str.h"
#include "domain/password.h"

/* A lower-cased address from body's "email" into out: 0, or -1 with e set. */
static int email_of(const json_t *body, char out[LIMIT_EMAIL_BYTES + 1], verr *e)
{
    const char *email = NULL;
    if (v_string(body, "email", "", true, false, LIMIT_EMAIL_BYTES, NULL, &email, e))
        return -1;
    str_copy(out, LIMIT_EMAIL_BYTES + 1, email);
    str_ascii_lower(out);
    if (!str_email_valid(out))
        return v_fail(e, "", "email", "is not a valid e-mail address");
    return 0;
}

int account_sign_in_read(const json_t *body, char email[LIMIT_EMAIL_BYTES + 1],
                         const char **password, verr *e)
{
    const json_t *given = json_object_get(body, "email"), *pw = json_object_get(body, "password");
    *password = NULL;
    /* the field that is wrong, the address first (a password that is no
     * string was once named "email") */
    if (!json_is_string(given))
        return v_fail(e, "", "email", "a string is required");
    if (!json_is_string(pw))
        return v_fail(e, "", "password", "a string is required");
    if (json_object_size(body) != 2)
        return v_fail(e, "", "", "only email and password are accepted");
    if (!str_fmt(email, LIMIT_EMAIL_BYTES + 1, "%s", json_string_value(given)))
        return v_fail(e, "", "email", "too long");
    str_ascii_lower(email);
    *password = json_string_value(pw);
    return 0;
}

int account_reset_read(const json_t *body, char email[LIMIT_EMAIL_BYTES + 1], verr *e)
{
    static const char *const keys[] = {"email", NULL};
    v_known_keys(body, "", keys, e);
    email_of(body, email, e);
    return v_failed(e) ? -1 : 0;
}

int account_reset_complete_read(const json_t *body, const char **token, const char **password,
                                verr *e)
{
    static const char *const keys[] = {"token", "password", NULL};
    v_known_keys(body, "", keys, e);
    v_string(body, "token", "", true, false, 128, NULL, token, e);
    v_string(body, "password", "", true, false, LIMIT_PASSWORD_MAX, NULL, password, e);
    return v_failed(e) ? -1 : 0;
}

int account_signup_read(const json_t *body, char email[LIMIT_EMAIL_BYTES + 1], const char **name,
                        const char **password, bool *email_ok, verr *e)
{
    static const char *const keys[] = {"email", "name", "password", NULL};
    v_known_keys(body, "", keys, e);
    *email_ok = email_of(body, email, e) == 0;
    v_line(body, "name", "", true, false, LIMIT_NAME_BYTES, NULL, name, e);
    v_string(body, "password", "", true, false, LIMIT_PASSWORD_MAX, NULL, password, e);
    return v_failed(e) ? -1 : 0;
}

int account_verify_read(const json_t *body, const char **token, verr *e)
{
    static const char *const keys[] = {"token", NULL};
    v_known_keys(body, "", keys, e);
    v_string(body, "token", "", true, false, 128, NULL, token, e);
    return v_failed(e) ? -1 : 0;
}

int account_invitation_read(const json_t *body, const char **token, const char **password,
                            const char **name, verr *e)
{
    static const char *const keys[] = {"token", "password", "name", NULL};
    v_known_keys(body, "", keys, e);
    v_string(body, "token", "", true, false, 128, NULL, token, e);
    v_string(body, "password", "", true, false, LIMIT_PASSWORD_MAX, NULL, password, e);
    v_line(body, "name", "", false, false, LIMIT_NAME_BYTES, NULL, name, e);
    return v_failed(e) ? -1 : 0;
}

int account_person_read(const json_t *body, const char **email, const char **name,
                        const char **password, const char **site_role,
                        char lower[LIMIT_EMAIL_BYTES + 1], verr *e)
{
    static const char *const keys[] = {"email", "name", "password", "site_role", NULL};
    static const char *const roles[] = {"admin", "coordinator", "member", NULL};
    v_known_keys(body, "", keys, e);
    v_string(body, "email", "", true, false, LIMIT_EMAIL_BYTES, NULL, email, e);
    v_line(body, "name", "", true, false, LIMIT_NAME_BYTES, NULL, name, e);
    v_string(body, "password", "", false, false, LIMIT_PASSWORD_MAX, NULL, password, e);
    v_enum(body, "site_role", "", roles, "member", site_role, e);
    lower[0] = '\0';
    if (*email) {
        str_fmt(lower, LIMIT_EMAIL_BYTES + 1, "%s", *email);
        str_ascii_lower(lower);
    }
    const char *why = *password ? password_weakness(*password, lower) : NULL;
    if (why)
        v_fail(e, "", "password", "%s", why);
    return v_failed(e) ? -1 : 0;
}
