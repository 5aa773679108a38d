/* mail.h - the mail job's settings (docs/internals/mail.md). The job
 * itself, job_mail(), is declared with the others in jobs/jobs.h. */
#ifndef TANDEM_JOBS_MAIL_H
#define TANDEM_JOBS_MAIL_H

#include <stdbool.h>
#include <stddef.h>

struct jobs_mail_config {
    const char *smtp_url;      /* NULL or "": no delivery (mail stays queued) */
    const char *smtp_password; /* NULL: the URL's, if any */
    const char *from;          /* the sender's address; needed with smtp_url */
    int max_attempts;          /* 0: MAIL_ATTEMPTS_DEFAULT */
};

/* Checks and keeps the settings for every later run of the job in this
 * process (call once, before the jobs run). 0, or -1 with err saying what
 * is wrong (the URL, the address, the number of attempts). */
int jobs_mail_configure(const struct jobs_mail_config *cfg, char *err, size_t errlen);

/* true when an SMTP server is configured. */
bool jobs_mail_enabled(void);

/* The configured server for logs, without its password ("" when none). */
const char *jobs_mail_server(void);

#endif
