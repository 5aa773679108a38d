/* account.h - what the bodies that sign in, sign up, reset a password or
 * accept an invitation give (product.md §9): an address, a token, a
 * password and a name, read and checked for their shape. Whether the
 * password is strong enough is password_weakness's (domain/password.h),
 * whose token or address it is the services'. Pure. */
#ifndef TANDEM_DOMAIN_ACCOUNT_H
#define TANDEM_DOMAIN_ACCOUNT_H

#include <jansson.h>
#include <stdbool.h>

#include "base/limits.h"
#include "domain/validate.h"

/* POST /session {"email", "password"}: both strings, nothing else. The
 * address is copied lower-cased into email (at most LIMIT_EMAIL_BYTES);
 * *password is borrowed. Refusals, one at a time and in this order:
 * "<field>: a string is required" (email, then password), "only email
 * and password are accepted" (no field), "email: too long". Returns 0 or
 * -1. */
int account_sign_in_read(const json_t *body, char email[LIMIT_EMAIL_BYTES + 1],
                         const char **password, verr *e);

/* POST /password-reset {"email"}: a valid address, lower-cased into
 * email. Every bad field is named (a collecting verr). Returns 0 or -1. */
int account_reset_read(const json_t *body, char email[LIMIT_EMAIL_BYTES + 1], verr *e);

/* POST /password-reset/complete {"token", "password"}: both required
 * (token at most 128 bytes, password LIMIT_PASSWORD_MAX), borrowed.
 * Every bad field is named. Returns 0 or -1. */
int account_reset_complete_read(const json_t *body, const char **token, const char **password,
                                verr *e);

/* POST /sign-up {"email", "name", "password"}: a valid address
 * (lower-cased into email; *email_ok says it is one), a one-line name and
 * a password, all required. Every bad field is named; the caller adds
 * the domain rule and the password's strength. Returns 0 or -1. */
int account_signup_read(const json_t *body, char email[LIMIT_EMAIL_BYTES + 1], const char **name,
                        const char **password, bool *email_ok, verr *e);

/* POST /sign-up/verify {"token"}: required, at most 128 bytes. Returns 0
 * or -1 naming it. */
int account_verify_read(const json_t *body, const char **token, verr *e);

/* POST /invitations/accept {"token", "password", "name"?}: token and
 * password as account_reset_complete_read, a one-line name when given
 * (NULL otherwise). Every bad field is named. Returns 0 or -1. */
int account_invitation_read(const json_t *body, const char **token, const char **password,
                            const char **name, verr *e);

/* POST /people (an admin makes an account) {"email", "name",
 * "password"?, "site_role"?}: email required (the service checks it is
 * an address and free; lower-cased copy in lower, "" when absent), a
 * one-line name required, a password when given that password_weakness
 * accepts for that address, site_role admin, coordinator or member
 * (default). Strings borrowed. Every bad field is named; the caller goes
 * on to the service, which adds its own. Returns 0 or -1. */
int account_person_read(const json_t *body, const char **email, const char **name,
                        const char **password, const char **site_role,
                        char lower[LIMIT_EMAIL_BYTES + 1], verr *e);

#endif
