/* invitation.h - what an invitation to take part in a program says,
 * shared by every way people are invited (one by one through the API, many
 * at once by the CSV import), so that both say the same: the values of the
 * "invitation" mail template (domain/mail.c). The link works
 * LIMIT_INVITATION_DAYS, once. */
#ifndef TANDEM_DOMAIN_INVITATION_H
#define TANDEM_DOMAIN_INVITATION_H

#include <stdbool.h>
#include <stddef.h>

#include "base/limits.h"
#include "domain/mail.h"

#define INVITATION_VALUES 3

/* Fills v[0..INVITATION_VALUES) with the "invitation" template's own
 * values for a `role`: the days the link works and the link
 * base_url/invite/token, written into link[0..size). v points into role
 * and link: keep both while v is used. false when the link did not fit. */
bool invitation_values(struct mail_value v[INVITATION_VALUES], char *link, size_t size,
                       const char *role, const char *base_url, const char *token);

#endif
