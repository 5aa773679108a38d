/* signup.h - who may sign themselves up: the e-mail domains an admin
 * opened self sign-up to. Pure. */
#ifndef TANDEM_DOMAIN_SIGNUP_H
#define TANDEM_DOMAIN_SIGNUP_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
