/* password.h - the password policy. */
#ifndef TANDEM_DOMAIN_PASSWORD_H
#define TANDEM_DOMAIN_PASSWORD_H

/* NULL when pw is acceptable for the account with this e-mail address,
 * else a static message saying why it is refused. */
const char *password_weakness(const char *pw, const char *email);

#endif
