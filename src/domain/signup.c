#include "domain/signup.h"

#include <string.h>
#include <strings.h>

#include "base/limits.h"
#include "base/str.h"

const char *signup_domain_problem(const char *d)
{
    size_t n = d ? strlen(d) : 0;
    if (n == 0)
        return "is empty";
    if (n > LIMIT_DOMAIN_BYTES)
        return "is longer than a domain name may be";
    size_t label = 0, labels = 1;
    for (size_t i = 0; i < n; i++) {
        char c = d[i];
        if (c == '.') {
            if (label == 0 || d[i - 1] == '-')
                return "has an empty label or one ending in a hyphen";
            label = 0;
            labels++;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return "may hold only lower-case letters, digits, hyphens and dots (example.org)";
        if (c == '-' && label == 0)
            return "has a label starting with a hyphen";
        if (++label > 63)
            return "has a label longer than 63 characters";
    }
    if (label == 0 || d[n - 1] == '-')
        return "has an empty label or one ending in a hyphen";
    if (labels < 2)
        return "needs a dot (example.org)";
    return NULL;
}

bool signup_email_allowed(const char *email, const char *const *domains, size_t n)
{
    const char *at = email ? strrchr(email, '@') : NULL;
    if (!at || !at[1])
        return false;
    for (size_t i = 0; i < n; i++)
        if (domains[i] && strcasecmp(at + 1, domains[i]) == 0)
            return true;
    return false;
}

int signup_settings_read(const json_t *body, bool *enabled,
                         char domains[LIMIT_SIGNUP_DOMAINS][LIMIT_DOMAIN_BYTES + 1], size_t *n,
                         verr *e)
{
    static const char *const keys[] = {"enabled", "domains", NULL};
    json_t *list = NULL;
    *n = 0;
    int bad = v_known_keys(body, "", keys, e);
    bad |= v_bool(body, "enabled", "", false, enabled, e);
    if (!json_object_get(body, "domains"))
        bad = v_fail(e, "", "domains", "is required (an empty list when none)");
    else
        bad |=
            v_string_list(body, "domains", "", LIMIT_SIGNUP_DOMAINS, LIMIT_DOMAIN_BYTES, &list, e);
    size_t i;
    json_t *d;
    json_array_foreach(list, i, d)
    {
        const char *v = json_string_value(d);
        while (*v == ' ')
            v++;
        str_copy(domains[*n], LIMIT_DOMAIN_BYTES + 1, v);
        size_t len = strlen(domains[*n]);
        while (len > 0 && domains[*n][len - 1] == ' ')
            domains[*n][--len] = '\0';
        str_ascii_lower(domains[*n]);
        (*n)++;
    }
    return bad ? -1 : 0;
}
