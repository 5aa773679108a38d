#include "cli/mail.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/str.h"
#include "domain/mail.h"
#include "jobs/mail.h"
#include "service/service.h"

static const char *flag_or_env(const char *flag, const char *env)
{
    const char *v = flag ? flag : getenv(env);
    return v && *v ? v : NULL;
}

int cli_mail_setup(const char *cmd, const struct cli_mail_flags *m, const char *public_url,
                   bool *delivering)
{
    const char *smtp = flag_or_env(m->smtp, "TANDEM_SMTP_URL");
    const char *from = flag_or_env(m->from, "TANDEM_MAIL_FROM");
    const char *attempts = flag_or_env(m->attempts, "TANDEM_MAIL_ATTEMPTS");
    int64_t n = MAIL_ATTEMPTS_DEFAULT;
    *delivering = false;
    if (attempts && str_to_i64(attempts, 1, MAIL_ATTEMPTS_MAX, &n)) {
        fprintf(stderr, "tandem %s: --mail-attempts: give a number from 1 to %d\n", cmd,
                MAIL_ATTEMPTS_MAX);
        return 2;
    }
    if (from && !str_email_valid(from)) {
        fprintf(stderr, "tandem %s: --mail-from: '%s' is not an address like tandem@example.org\n",
                cmd, from);
        return 2;
    }
    char err[300];
    struct jobs_mail_config jc = {.smtp_url = smtp,
                                  .smtp_password = getenv("TANDEM_SMTP_PASSWORD"),
                                  .from = from,
                                  .max_attempts = (int)n};
    if (jobs_mail_configure(&jc, err, sizeof err)) {
        fprintf(stderr, "tandem %s: --smtp: %s\n", cmd, err);
        return 2;
    }
    *delivering = jobs_mail_enabled();
    svc_configure(&(struct svc_config){
        .public_url = public_url, .mail_from = from, .mail_delivery = *delivering});
    return 0;
}
