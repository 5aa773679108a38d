/* mail.h - the mail settings `tandem serve` and `tandem jobs` share:
 * --smtp URL (TANDEM_SMTP_URL; the password in the URL or in
 * TANDEM_SMTP_PASSWORD), --mail-from ADDRESS (TANDEM_MAIL_FROM) and
 * --mail-attempts N (TANDEM_MAIL_ATTEMPTS). */
#ifndef TANDEM_CLI_MAIL_H
#define TANDEM_CLI_MAIL_H

#include <stdbool.h>

#include "cli/args.h"

/* The three flags' values (NULL when absent); flags_out receives the
 * entries to put in a command's flag table. */
struct cli_mail_flags {
    const char *smtp, *from, *attempts;
};
#define CLI_MAIL_FLAGS(m)                                                                          \
    {"--smtp", &(m).smtp, NULL}, {"--mail-from", &(m).from, NULL},                                 \
    {                                                                                              \
        "--mail-attempts", &(m).attempts, NULL                                                     \
    }

/* Reads the flags (the environment where one is absent), checks them and
 * configures the mail job and the services (public_url may be NULL).
 * Prints "tandem CMD: --smtp: ..." and returns 2 on a bad value, else 0;
 * *delivering tells whether an SMTP server is configured. */
int cli_mail_setup(const char *cmd, const struct cli_mail_flags *m, const char *public_url,
                   bool *delivering);

#endif
