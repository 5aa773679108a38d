/* serve.c - `tandem serve`: the web UI and the API, and the time-driven
 * jobs (jobs/jobs.h) in a thread of their own. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "base/limits.h"
#include "base/str.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/db.h"
#include "cli/mail.h"
#include "http/server.h"
#include "base/log.h"
#include "jobs/jobs.h"
#include "jobs/mail.h"

int cli_serve(int argc, char **argv)
{
    const char *db = NULL, *listen = NULL, *access_log = "-", *threads = NULL, *public_url = NULL,
               *deadline = NULL, *proxies = NULL, *token_days = NULL, *token_max_days = NULL,
               *jobs_every = NULL;
    bool secure = false;
    struct cli_mail_flags mail = {0};
    const struct cli_flag flags[] = {CLI_MAIL_FLAGS(mail),
                                     {"--db", &db, NULL},
                                     {"--listen", &listen, NULL},
                                     {"--access-log", &access_log, NULL},
                                     {"--threads", &threads, NULL},
                                     {"--secure-cookies", NULL, &secure},
                                     {"--public-url", &public_url, NULL},
                                     {"--request-deadline", &deadline, NULL},
                                     {"--trusted-proxy", &proxies, NULL},
                                     {"--token-days", &token_days, NULL},
                                     {"--token-max-days", &token_max_days, NULL},
                                     {"--jobs-every", &jobs_every, NULL},
                                     {0}};
    if (cli_parse(argc, argv, flags, NULL, 0, NULL))
        return 2;
    if (!(db = cli_db_url(db, "serve")))
        return 2;
    if (!listen)
        listen = getenv("TANDEM_LISTEN");
    if (!listen || !*listen)
        listen = "127.0.0.1:8080";
    char host[64];
    uint16_t port;
    if (http_parse_listen(listen, host, sizeof host, &port)) {
        fprintf(stderr, "tandem serve: --listen: '%s' is not HOST:PORT\n", listen);
        return 2;
    }
    int64_t nthreads = 0;
    if (threads && str_to_i64(threads, 1, 256, &nthreads)) {
        fprintf(stderr, "tandem serve: --threads: give a number from 1 to 256\n");
        return 2;
    }
    int64_t deadline_s = 0;
    if (deadline && str_to_i64(deadline, 1, 86400, &deadline_s)) {
        fprintf(stderr, "tandem serve: --request-deadline: give seconds from 1 to 86400\n");
        return 2;
    }
    int64_t tdays = LIMIT_TOKEN_DAYS_DEFAULT, tmax = LIMIT_TOKEN_DAYS_MAX;
    if (token_max_days && str_to_i64(token_max_days, 1, 3650, &tmax)) {
        fprintf(stderr, "tandem serve: --token-max-days: give days from 1 to 3650\n");
        return 2;
    }
    if (tdays > tmax)
        tdays = tmax;
    if (token_days && str_to_i64(token_days, 1, tmax, &tdays)) {
        fprintf(stderr, "tandem serve: --token-days: give days from 1 to %lld\n", (long long)tmax);
        return 2;
    }
    if (!proxies)
        proxies = getenv("TANDEM_TRUSTED_PROXIES");
    static struct http_proxies trusted;
    char perr[160];
    if (http_proxies_parse(proxies, &trusted, perr, sizeof perr)) {
        fprintf(stderr, "tandem serve: --trusted-proxy: %s\n", perr);
        return 2;
    }
    int64_t every = LIMIT_JOBS_EVERY_S;
    if (!jobs_every)
        jobs_every = getenv("TANDEM_JOBS_EVERY");
    if (jobs_every && *jobs_every && str_to_i64(jobs_every, 0, 86400, &every)) {
        fprintf(stderr, "tandem serve: --jobs-every: give seconds from 0 (no jobs) to 86400\n");
        return 2;
    }
    bool delivering;
    if (cli_mail_setup("serve", &mail, NULL, &delivering))
        return 2;
    /* Migrations run once here, before any worker opens its connection. */
    int status;
    store *s = cli_open_db("serve", db, &status);
    if (!s)
        return status;
    store_free(s);

    if (!public_url)
        public_url = getenv("TANDEM_PUBLIC_URL");
    char default_url[96];
    if (!public_url || !*public_url) {
        str_fmt(default_url, sizeof default_url, "http://%s", listen);
        public_url = default_url;
    }
    struct api_config cfg = {.db_url = db,
                             .public_url = public_url,
                             .secure_cookies = secure,
                             .token_days = tdays,
                             .token_max_days = tmax};
    api_configure(&cfg);
    if (!delivering)
        log_warn("mail", "no SMTP server (--smtp or TANDEM_SMTP_URL): mail is stored in the outbox "
                         "and not delivered; pages say it is queued");
    else if (every == 0)
        log_info("mail",
                 "mail goes through %s, delivered by a separate tandem jobs (--jobs-every 0)",
                 jobs_mail_server());
    else
        log_info("mail", "delivering mail through %s as %s", jobs_mail_server(), svc_mail_from());
    struct http_server_config hc = {
        .host = host,
        .port = port,
        .threads = (unsigned)nthreads,
        .request_deadline_s = (unsigned)deadline_s,
        .access_log = access_log,
        .trusted_proxies = &trusted,
        .dispatch = api_dispatch,
        .body_limit = api_body_limit,
    };
    /* The jobs' thread starts with SIGTERM and SIGINT blocked, as the
     * server's workers do: only this thread waits for them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    jobs_runner *jobs = NULL;
    struct jobs_runner_config jc = {.db_url = db, .every_s = every};
    if (every > 0 && jobs_runner_start(&jc, &jobs))
        return 1;
    int rc = http_server_run(&hc);
    jobs_runner_stop(jobs); /* after the last request: a job in progress finishes first */
    return rc == 0 ? 0 : 1;
}
