/* invitation.c - the words of an invitation (see invitation.h). */
#include "domain/invitation.h"

#include "base/str.h"

#define TEXT_OF(x) #x
#define NUMBER_TEXT(x) TEXT_OF(x)

void invitation_text(buf *b, const char *name, const char *program, const char *role,
                     const char *base_url, const char *token)
{
    buf_reset(b);
    buf_puts(b, "Hello ");
    buf_puts(b, name);
    buf_puts(b, ",\n\nyou are invited to take part in \"");
    buf_puts(b, program);
    buf_puts(b, "\" as a ");
    buf_puts(b, role);
    buf_puts(b, ".\n\nAccept the invitation here (the link works once, for " NUMBER_TEXT(
                    LIMIT_INVITATION_DAYS) " days):\n");
    buf_puts(b, base_url ? base_url : "");
    buf_puts(b, "/invite/");
    buf_puts(b, token);
    buf_puts(b, "\n\nTandem\n");
}

void invitation_subject(char *out, size_t n, const char *program)
{
    str_fmt(out, n, "Invitation: %s", program);
}
