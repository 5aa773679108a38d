/* signup.h - who may sign themselves up: the e-mail domains an admin
 * opened self sign-up to. Pure. */
#ifndef TANDEM_DOMAIN_SIGNUP_H
#define TANDEM_DOMAIN_SIGNUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/limits.h"
#include "domain/validate.h"

/* NULL when d is a domain self sign-up may be opened to (lower-case
 * letters, digits, hyphens and dots; labels of 1..63, not starting or
 * ending with a hyphen; at least two labels; at most LIMIT_DOMAIN_BYTES),
 * else a static message saying why not. Upper-case letters are refused:
 * the caller lower-cases first. */
const char *signup_domain_problem(const char *d);

/* true when email's domain (after the last '@', compared without regard
 * to ASCII case) is one of the n domains exactly. A subdomain is not its
 * parent: "a@eu.example.org" is not under "example.org". */
bool signup_email_allowed(const char *email, const char *const *domains, size_t n);

/* The body of PUT /api/v1/sign-up/settings: `enabled` (true or false;
 * false when absent) and `domains` (required: a list of at most
 * LIMIT_SIGNUP_DOMAINS strings of 1..LIMIT_DOMAIN_BYTES, [] for none),
 * nothing else. Each domain is copied trimmed of spaces and lower-cased
 * ("Example.ORG " is example.org) into domains[0..*n); whether it is a
 * domain is signup_domain_problem's, for the service. Names every bad
 * field. Returns 0 or -1. */
int signup_settings_read(const json_t *body, bool *enabled,
                         char domains[LIMIT_SIGNUP_DOMAINS][LIMIT_DOMAIN_BYTES + 1], size_t *n,
                         verr *e);

#endif
