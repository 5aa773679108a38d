/* jobs.c - `tandem jobs`: the time-driven jobs (jobs/jobs.h) from the
 * command line, once or on a timer.
 *
 *   tandem jobs --db URL [--once] [--now TIME] [--every SECONDS] [--public-url URL]
 *               [--smtp URL] [--mail-from ADDRESS] [--mail-attempts N]
 *
 * --once runs every job once, prints what each did and exits 0 (1 when a
 * job failed); without it the jobs run every --every seconds until SIGTERM
 * or SIGINT. --now (RFC 3339, e.g. 2027-01-15T09:00:00Z) runs them as if
 * it were that time.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/str.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/db.h"
#include "cli/mail.h"
#include "jobs/jobs.h"
#include "service/service.h"

static void print_outcome(const struct job *job, int status, size_t done, void *arg)
{
    store *db = arg;
    if (status == STORE_OK)
        printf("%s: %zu done\n", job->name, done);
    else
        fprintf(stderr, "tandem jobs: %s failed after %zu: %s\n", job->name, done,
                store_errmsg(db));
}

int cli_jobs(int argc, char **argv)
{
    const char *db = NULL, *now_text = NULL, *every_text = NULL, *public_url = NULL;
    bool once = false;
    struct cli_mail_flags mail = {0};
    const struct cli_flag flags[] = {CLI_MAIL_FLAGS(mail),
                                     {"--db", &db, NULL},
                                     {"--once", NULL, &once},
                                     {"--now", &now_text, NULL},
                                     {"--every", &every_text, NULL},
                                     {"--public-url", &public_url, NULL},
                                     {0}};
    if (cli_parse(argc, argv, flags, NULL, 0, NULL))
        return 2;
    if (!(db = cli_db_url(db, "jobs")))
        return 2;
    int64_t now = clock_now(), every = LIMIT_JOBS_EVERY_S;
    if (now_text && clock_parse(now_text, &now)) {
        fprintf(stderr, "tandem jobs: --now: '%s' is not a time like 2027-01-15T09:00:00Z\n",
                now_text);
        return 2;
    }
    if (every_text && str_to_i64(every_text, 1, 86400, &every)) {
        fprintf(stderr, "tandem jobs: --every: give a number of seconds from 1 to 86400\n");
        return 2;
    }
    if (!public_url)
        public_url = getenv("TANDEM_PUBLIC_URL");
    bool delivering;
    if (cli_mail_setup("jobs", &mail, public_url, &delivering))
        return 2;

    int status;
    store *s = cli_open_db("jobs", db, &status);
    if (!s)
        return status;
    if (once) {
        int rc = jobs_run_all(s, now, print_outcome, s);
        store_free(s);
        return rc == STORE_OK ? 0 : 1;
    }
    store_free(s);

    /* The runner's thread must not take the signals this one waits for. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    jobs_runner *r;
    struct jobs_runner_config rc = {
        .db_url = db, .every_s = every, .offset_s = now_text ? now - clock_now() : 0};
    if (jobs_runner_start(&rc, &r))
        return 1;
    int sig = 0;
    sigwait(&set, &sig);
    jobs_runner_stop(r);
    return 0;
}
