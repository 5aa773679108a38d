#include "domain/password.h"

#include <string.h>
#include <strings.h>

#include "base/limits.h"
#include "base/str.h"

/* A few of the most common passwords that pass the length rule. */
static const char *const common[] = {"password123",  "1234567890",  "12345678910", "qwertyuiop",
                                     "password1234", "iloveyou123", "letmein123",  "administrator",
                                     "welcome123",   "changeme123", "qwerty12345", NULL};

const char *password_weakness(const char *pw, const char *email)
{
    if (!pw)
        return "a password is required";
    size_t bytes = strlen(pw);
    if (bytes > LIMIT_PASSWORD_MAX)
        return "the password is too long (at most 256 bytes)";
    if (!str_utf8_valid(pw, bytes))
        return "the password is not valid UTF-8";
    if (str_utf8_len(pw) < LIMIT_PASSWORD_MIN)
        return "the password is too short: use at least 10 characters";
    int distinct = 0;
    unsigned char seen[256] = {0};
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++)
        if (!seen[*p]++)
            distinct++;
    if (distinct < 5)
        return "the password repeats too few characters: use at least 5 different ones";
    for (const char *const *c = common; *c; c++)
        if (strcasecmp(pw, *c) == 0)
            return "the password is one of the most common ones";
    if (email) {
        const char *at = strchr(email, '@');
        size_t local = at ? (size_t)(at - email) : strlen(email);
        if (strcasecmp(pw, email) == 0 ||
            (local >= 4 && bytes == local && strncasecmp(pw, email, local) == 0))
            return "the password must not be the e-mail address";
    }
    return NULL;
}
