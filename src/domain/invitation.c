/* invitation.c - what an invitation says (see invitation.h). */
#include "domain/invitation.h"

#include "base/str.h"

#define TEXT_OF(x) #x
#define NUMBER_TEXT(x) TEXT_OF(x)

bool invitation_values(struct mail_value v[INVITATION_VALUES], char *link, size_t size,
                       const char *role, const char *base_url, const char *token)
{
    v[0] = (struct mail_value){"role", role};
    v[1] = (struct mail_value){"days", NUMBER_TEXT(LIMIT_INVITATION_DAYS)};
    v[2] = (struct mail_value){"link", link};
    return str_fmt(link, size, "%s/invite/%s", base_url ? base_url : "", token);
}
