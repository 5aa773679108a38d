/* invitation.h - the words of an invitation to take part in a program,
 * shared by every way people are invited (one by one through the API, many
 * at once by the CSV import), so that both say the same. */
#ifndef TANDEM_DOMAIN_INVITATION_H
#define TANDEM_DOMAIN_INVITATION_H

#include <stddef.h>

#include "base/buf.h"
#include "base/limits.h"

/* Writes the invitation e-mail for `name` to take part in `program` as a
 * `role`, with the link base_url/invite/token, into b (reset first).
 * Pieces, not a printf: the CSV import writes one per row. */
void invitation_text(buf *b, const char *name, const char *program, const char *role,
                     const char *base_url, const char *token);

/* Writes the e-mail's subject ("Invitation: PROGRAM") into out[0..n). */
void invitation_subject(char *out, size_t n, const char *program);

#endif
