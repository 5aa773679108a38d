/* limits.h - every named limit of Tandem in one place.
 *
 * Each limit is a compile-time default; the ones marked (config) can be
 * overridden at run time through the server configuration (see
 * http/server.h). Nothing else in the tree may hard-code a size that comes
 * from input.
 */
#ifndef TANDEM_BASE_LIMITS_H
#define TANDEM_BASE_LIMITS_H

/* HTTP */
#define LIMIT_HTTP_BODY_BYTES (1u << 20)         /* (config) request body, 1 MiB */
#define LIMIT_HTTP_IMPORT_BODY_BYTES (64u << 20) /* CSV import body, 64 MiB */
#define LIMIT_HTTP_HEADER_COUNT 64               /* headers per request */
#define LIMIT_HTTP_HEADER_BYTES 8192             /* one header line, name+value */
#define LIMIT_HTTP_CONN_MEMORY                                                                     \
    (32u << 10) /* libmicrohttpd per-connection pool (cleared per request: keep it small) */
#define LIMIT_HTTP_TIMEOUT_S 30 /* (config) idle connection timeout */
#define LIMIT_HTTP_REQUEST_DEADLINE_S                                                              \
    120 /* (config) time to receive one whole request, head and body, however it trickles */
#define LIMIT_HTTP_CONNS_PER_IP 256 /* (config) concurrent connections per IP */
#define LIMIT_HTTP_CONNS_TOTAL 4096 /* concurrent connections */
#define LIMIT_HTTP_PATH_SEGMENTS 12 /* segments in a routed path */
#define LIMIT_HTTP_URL_BYTES 2048   /* request target */

/* JSON */
#define LIMIT_JSON_DEPTH 32           /* nesting depth accepted */
#define LIMIT_JSON_STRING_BYTES 65536 /* one string value */

/* Identity */
#define LIMIT_PASSWORD_MIN 10                /* characters */
#define LIMIT_PASSWORD_MAX 256               /* bytes */
#define LIMIT_EMAIL_BYTES 254                /* RFC 5321 path limit */
#define LIMIT_NAME_BYTES 200                 /* a person's or program's name */
#define LIMIT_SESSION_IDLE_S (2 * 3600)      /* (config) session idle expiry */
#define LIMIT_SESSION_ABSOLUTE_S (7 * 86400) /* (config) session absolute expiry */
#define LIMIT_SEEN_EVERY_S 60                /* a session's or token's use written this often */
#define LIMIT_LOGIN_ATTEMPTS 10              /* failed sign-ins per window per account */
#define LIMIT_LOGIN_ADDRESS_ATTEMPTS 50      /* failed sign-ins per window per client address */
#define LIMIT_LOGIN_WINDOW_S 300             /* the window for the counts above */
#define LIMIT_LOGIN_LOCK_S 300               /* how long a reached limit refuses sign-in */
#define LIMIT_LOGIN_COUNTERS 100000          /* counters kept; past it the global limit applies */
#define LIMIT_LOGIN_GLOBAL_ATTEMPTS 100      /* failed sign-ins per window, all uncounted keys */
#define LIMIT_TOKENS_PER_PERSON 50           /* live API tokens */
#define LIMIT_INVITATION_DAYS 30             /* an invitation link works this long */
#define LIMIT_TOKEN_DAYS_DEFAULT 90 /* (config) an API token's lifetime when none is asked */
#define LIMIT_TOKEN_DAYS_MAX 365    /* (config) the longest lifetime a token may ask for */
/* Accounts by mail (service/account.c) */
#define LIMIT_RESET_LINK_S 3600         /* a password-reset link works this long */
#define LIMIT_RESET_ADDRESS_ATTEMPTS 3  /* reset (or sign-up) mails per window per e-mail address */
#define LIMIT_RESET_CLIENT_ATTEMPTS 20  /* reset and sign-up requests per window per client */
#define LIMIT_RESET_WINDOW_S 3600       /* the window for the counts above */
#define LIMIT_RESET_LOCK_S 3600         /* how long a reached limit holds */
#define LIMIT_SIGNUP_LINK_S (2 * 86400) /* a sign-up's verification link works this long */
#define LIMIT_SIGNUP_DOMAINS 50         /* e-mail domains self sign-up may be open to */
#define LIMIT_DOMAIN_BYTES 253          /* one domain name */
#define LIMIT_ICAL_TZ_CHANGES 256       /* offset changes one VTIMEZONE lists */
#define LIMIT_ICAL_TZ_MARGIN_S                                                                     \
    (366 * 86400) /* a VTIMEZONE covers its events and this either side */

/* Validation */
#define LIMIT_FIELD_ERRORS 16 /* bad fields one refusal names */
#define LIMIT_YEAR_MIN 1900   /* the first year of any date or instant accepted (UTC) */
#define LIMIT_YEAR_MAX 2199   /* the last year of any date or instant accepted (UTC) */

/* Lists */
#define LIMIT_PAGE_DEFAULT 50
#define LIMIT_PAGE_MAX 500

/* Store */
#define LIMIT_STORE_PARAMS 4096             /* bound parameters in one statement (batches) */
#define LIMIT_STORE_SQLITE_QUERY_PARAMS 256 /* parameters of one batched look-up on SQLite */
#define LIMIT_STORE_SQLITE_BATCH_PARAMS 256 /* parameters of one multi-row INSERT on SQLite */
#define LIMIT_STORE_SQLITE_STMT_JOURNAL (16u << 20) /* a statement's undo pages kept in memory */
#define LIMIT_STORE_BATCH_COLUMNS 64                /* columns of one store_batch */
#define LIMIT_STORE_PG_COPY_AHEAD (64u << 20) /* COPY rows formatted while the last COPY ends */
#define LIMIT_STORE_BULK_CACHE (256u << 20)   /* SQLite page cache while a bulk write runs */
#define LIMIT_STORE_BUSY_MS 5000              /* SQLite busy timeout */
#define LIMIT_PATH_BYTES 4096      /* a file name given on the command line (tandem backup) */
#define LIMIT_STORE_STMT_CACHE 128 /* prepared statements kept per connection */

/* CSV files (base/csv.c) and the participant import (import/) */
#define LIMIT_CSV_FIELDS 256               /* fields in one record */
#define LIMIT_CSV_RECORD_BYTES (1u << 20)  /* one record's text, 1 MiB */
#define LIMIT_IMPORT_ROWS 1000000          /* data rows in one import */
#define LIMIT_IMPORT_ERRORS 10000          /* bad cells reported in one report */
#define LIMIT_IMPORT_FILE_BYTES (1u << 30) /* a file given to `tandem import`, 1 GiB */
#define LIMIT_IMPORT_CAPACITY 50           /* a mentor's capacity in an import row */
#define LIMIT_IMPORT_WANTS 10              /* mentors a mentee wants, in an import row */
#define LIMIT_IMPORT_REFRESH_ROWS 1000 /* new participations that refresh the table's statistics */

/* Program configuration and participations (the UI reads these too, from
 * the generated web/src/lib/limits.ts) */
#define LIMIT_CAPACITY_MAX 50             /* mentees a mentor takes at once */
#define LIMIT_WANTS_MAX 10                /* mentors a mentee wants */
#define LIMIT_REQUEST_EXPIRY_DAYS_MAX 90  /* days a self-matching request stays open */
#define LIMIT_REQUEST_CHOICES 3           /* mentors one self-matching request names */
#define LIMIT_REQUIRED_FIELDS 16          /* missing fields a mentee is told of */
#define LIMIT_REQUESTS_LISTED 200         /* requests one inbox shows, newest first */
#define LIMIT_GOALS_COUNT_MAX 10          /* goals a program asks for */
#define LIMIT_RENEWALS_MAX 10             /* renewals a program allows */
#define LIMIT_RENEWAL_WINDOW_DAYS_MAX 365 /* days before the planned end renewal opens */
#define LIMIT_REASON_BYTES 2000           /* a decline or ending reason, a mentor's answer */
#define LIMIT_REQUEST_MESSAGE_BYTES 2000  /* a mentee's note with a mentoring request */
#define LIMIT_DURATION_MONTHS_MAX 60      /* a program's relationships last at most */
#define LIMIT_MEETINGS_PER_MONTH_MAX 31   /* meetings a program asks for each month */
#define LIMIT_MEETING_LENGTH_MIN 5        /* minutes, a program's usual meeting */
#define LIMIT_MEETING_LENGTH_MAX 480      /* minutes, a program's usual meeting */
#define LIMIT_GOALS_DUE_DAYS_MAX 365      /* days to set the goals in */
#define LIMIT_PROFILE_VALUE_BYTES 200     /* one profile value or tag */
#define LIMIT_PROFILE_TEXT_BYTES 2000     /* a profile's headline or bio */
#define LIMIT_PROFILE_TAGS 32             /* tags in one profile field */
#define LIMIT_PROFILE_VECTOR_ITEMS 32 /* numbers in a score field, statements in a questionnaire */
#define LIMIT_PROFILE_OPTIONS 200     /* values a program offers for one profile field */
#define LIMIT_QUESTIONNAIRE_SCALE_MAX 10    /* the top of a questionnaire's 1..N answers */
#define LIMIT_QUESTIONNAIRE_LABEL_BYTES 100 /* a questionnaire scale's end label */
#define LIMIT_ANSWER_BYTES 2000             /* one answer to an enrolment question */
#define LIMIT_ANSWER_SCALE_MAX 5            /* the top of a 1..N scale question */
#define LIMIT_PHASE_DAYS_MAX 3650           /* a phase's timeframe */
#define LIMIT_CONFIG_ID_BYTES 64            /* a question, module or criterion id or name */
#define LIMIT_CONFIG_LABEL_BYTES 500        /* a question's label, a checklist line */
#define LIMIT_CONFIG_OPTION_BYTES 200
#define LIMIT_CONFIG_UNIT_BYTES 32 /* an objective measure's unit */
#define LIMIT_PROGRAM_CRITERIA 32
#define LIMIT_MATCH_FILE_BYTES (1u << 30) /* a file given to `tandem match`, 1 GiB */
#define LIMIT_CRITERION_WEIGHT_MAX                                                                 \
    1000000 /* one matching criterion's weight (API, `tandem match`) */
#define LIMIT_PROGRAM_QUESTIONS 64
#define LIMIT_PROGRAM_PHASES 12
#define LIMIT_PROGRAM_LIST_ITEMS 64 /* objectives, key actions, resources ... */
#define LIMIT_TEXT_BYTES 20000      /* a long-text field */

/* A coordinator's import sets what a coordinator may set by hand (the
 * values stay literals for tools/limits_ts.py). */
_Static_assert(LIMIT_IMPORT_CAPACITY == LIMIT_CAPACITY_MAX, "import capacity is the capacity");
_Static_assert(LIMIT_IMPORT_WANTS == LIMIT_WANTS_MAX, "import wants are the coordinator's wants");

/* Jobs (jobs/) */
#define LIMIT_JOBS_EVERY_S 60 /* (config) how often tandem serve runs the jobs */

/* Mail (domain/mail.h, domain/mime.h, jobs/mail.c) */
#define LIMIT_MAIL_BODY_BYTES (256u << 10)  /* one rendered body (text or HTML) */
#define LIMIT_MAIL_MESSAGE_BYTES (2u << 20) /* one MIME message as sent */
#define LIMIT_MAIL_HEADER_BYTES 4096        /* one header's value before encoding */
#define LIMIT_MAIL_BATCH 50          /* messages one claim takes; one connection sends them */
#define LIMIT_MAIL_LEASE_S 120       /* a claim's lease: another sender may take the rows after */
#define LIMIT_MAIL_SEND_TIMEOUT_S 30 /* one message's SMTP exchange */
#define LIMIT_MAIL_CONNECT_TIMEOUT_S 10 /* reaching the mail server */
#define LIMIT_MAIL_POLL_S 1             /* how often tandem serve looks for due mail */
#define LIMIT_MAIL_REPLY_BYTES 500      /* the mail server's reply kept on a row */
#define LIMIT_MAIL_VALUES 16            /* named values one mail's template takes */
#define LIMIT_MAIL_PLAN_CUTS 16         /* open values cut out of one part of a mail plan */

/* Matching */
#define LIMIT_RUNS_LISTED 100 /* proposals one list shows, newest first */

/* Relationships */
#define LIMIT_RELATIONSHIP_MEMBERS 64 /* a group or peer circle, mentor included */

/* Relationship workspace */
#define LIMIT_WORKSPACE_SHORT_BYTES 2000 /* a goal statement, milestone title, location */
#define LIMIT_GOALS_PER_RELATIONSHIP 50
#define LIMIT_MILESTONES_PER_GOAL 50
#define LIMIT_MEETING_MINUTES 1440 /* one meeting's length */
#define LIMIT_MEETING_AGENDA_ITEMS 30
#define LIMIT_MEETINGS_PER_RELATIONSHIP 2000
#define LIMIT_MESSAGE_BYTES 10000          /* one message */
#define LIMIT_CALENDAR_EVENTS 5000         /* meetings in one calendar feed */
#define LIMIT_CALENDAR_BYTES (16u << 20)   /* one calendar feed's text */
#define LIMIT_MEETING_BEFORE_START_DAYS 30 /* a meeting logged before the relationship began */
#define LIMIT_AGREEMENT_VERSIONS 100       /* versions of an agreement shown, newest first */

/* Resources (the help library) and recognition */
#define LIMIT_RESOURCE_TITLE_BYTES 300     /* a resource's title */
#define LIMIT_RESOURCE_BODY_BYTES 100000   /* an article's Markdown */
#define LIMIT_URL_BYTES 2000               /* a link's address */
#define LIMIT_RESOURCE_TAGS 20             /* phases, topics or roles one resource names */
#define LIMIT_RESOURCE_TAG_BYTES 100       /* one phase name or topic */
#define LIMIT_RESOURCES_PER_LIBRARY 1000   /* resources of one program, or site-wide */
#define LIMIT_KUDOS_BYTES 1000             /* one kudos message */
#define LIMIT_KUDOS_PER_RELATIONSHIP 500   /* kudos kept for one relationship */
#define LIMIT_HIGHLIGHT_BYTES 2000         /* a coordinator's highlight of a relationship */
#define LIMIT_CERTIFICATE_BYTES (4u << 20) /* one certificate PDF */

/* Reports and outcome records */
#define LIMIT_REPORT_TABLES 8        /* tables in one report */
#define LIMIT_REPORT_COLUMNS 12      /* columns in one report table */
#define LIMIT_REPORT_MONTHS 60       /* months in a report's table by month (the latest) */
#define LIMIT_OUTCOME_KIND_BYTES 40  /* an outcome record's kind ("promotion") */
#define LIMIT_OUTCOME_VALUE_BYTES 80 /* an outcome record's value (1, 0 or a band) */
#define LIMIT_OUTCOME_KINDS 20       /* kinds compared in one outcomes report */
#define LIMIT_EQUITY_GROUP_FIELDS 8  /* fields a program adds to the equity report's groups */
#define LIMIT_REPORT_GROUPS 50       /* groups of one field in the equity report (more: "other") */

/* Surveys, health checks, at-risk follow-up (issue 12) */
#define LIMIT_SURVEYS_PER_PROGRAM 100     /* surveys a program keeps */
#define LIMIT_SURVEY_QUESTIONS 50         /* questions in one survey */
#define LIMIT_SURVEY_OPTIONS 20           /* options of a choice question */
#define LIMIT_SURVEY_ANSWER_BYTES 2000    /* one free-text answer */
#define LIMIT_SURVEY_INTRO_BYTES 2000     /* the words above a survey's questions */
#define LIMIT_SURVEY_DAYS_MAX 3650        /* a trigger's after_days and every_days */
#define LIMIT_SURVEY_TIMES_MAX 100        /* rounds a trigger opens per relationship */
#define LIMIT_SURVEY_OPEN_DAYS 30         /* days a round stays open to answer */
#define LIMIT_ANONYMITY_THRESHOLD_MIN 3   /* the fewest responses an aggregate may show */
#define LIMIT_ANONYMITY_THRESHOLD_MAX 100 /* a program's anonymity threshold */
#define LIMIT_HEALTH_CHECK_DAYS_MIN 7     /* a program's health-check cadence */
#define LIMIT_HEALTH_CHECK_DAYS_MAX 365
/* Reminder rules (domain/reminder.h): each rule's N, and how many
 * upcoming meetings of one relationship carry a 24-hour reminder. */
#define LIMIT_REMINDER_DAYS_MIN 1
#define LIMIT_REMINDER_DAYS_MAX 365
#define LIMIT_REMINDER_HOURS_MIN 1
#define LIMIT_REMINDER_HOURS_MAX 168
#define LIMIT_REMINDER_MEETINGS 8
#define LIMIT_HEALTH_COMMENT_BYTES 2000 /* a health check's comment */
#define LIMIT_HEALTH_CHECKS_LISTED 200  /* health checks one history shows, newest first */
#define LIMIT_RISK_NOTE_BYTES 4000      /* a coordinator's note on a relationship */
#define LIMIT_NUDGE_BYTES 2000          /* a coordinator's words in a nudge */
#define LIMIT_AT_RISK_LISTED 500        /* relationships one at-risk list shows */
#define LIMIT_REMATCH_LISTED 500        /* mentees one rematch queue shows */

/* Notifications, digests, unsubscribing and chat alerts
 * (docs/internals/notifications.md). */
#define LIMIT_NOTIFICATIONS_PAGE 100 /* notifications one page of the list holds */
#define LIMIT_DIGEST_ITEMS 50        /* items one digest mail lists (the rest: a count) */
#define LIMIT_UNSUBSCRIBE_DAYS 60    /* how long an unsubscribe link works */
#define LIMIT_WEBHOOK_URL_BYTES 1024 /* a program's incoming-webhook URL */
#define LIMIT_ALERT_TEXT_BYTES 2000  /* one chat alert's text */
#define LIMIT_ALERT_ATTEMPTS 12      /* posts of an alert before it is dead */
#define LIMIT_ALERT_TIMEOUT_S 10     /* one post to a webhook */
#define LIMIT_ALERT_LEASE_S 60       /* a claimed alert's lease */
#define LIMIT_ALERTS_LISTED 100      /* alerts the program's list shows, newest first */

#endif
