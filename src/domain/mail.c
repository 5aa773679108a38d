#include "domain/mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"

/* The kinds. Text bodies are plain paragraphs with links on lines of
 * their own; HTML bodies the same as paragraphs. A new kind is a row here
 * (and its test in tests/unit/test_mail.c and tests/api/test_mail.py). */
static const struct mail_template templates[] = {
    {"invitation", MAIL_REQUIRED, "Invitation to a program", "Invitation: {{program}}",
     "You are invited to take part in \"{{program}}\" as a {{role}}.\n\n"
     "Accept the invitation here (the link works once, for {{days}} days):\n{{link}}\n",
     "<p>You are invited to take part in <strong>{{program}}</strong> as a {{role}}.</p>\n"
     "<p><a href=\"{{link}}\">Accept the invitation</a> (the link works once, for {{days}} "
     "days).</p>\n"},
    {"approved", MAIL_NOTIFICATION, "Application approved", "You are in: {{program}}",
     "Your application to \"{{program}}\" is approved. Sign in to complete your "
     "profile{{#training}} and your training{{/training}}:\n{{link}}\n",
     "<p>Your application to <strong>{{program}}</strong> is approved.</p>\n"
     "<p><a href=\"{{link}}\">Sign in to complete your profile{{#training}} and your "
     "training{{/training}}</a>.</p>\n"},
    {"declined", MAIL_NOTIFICATION, "Application declined", "About your application: {{program}}",
     "Thank you for applying to \"{{program}}\". This time the coordinators could not offer you "
     "a place: {{reason}}\n\nThe program's page:\n{{link}}\n",
     "<p>Thank you for applying to <strong>{{program}}</strong>. This time the coordinators "
     "could not offer you a place: {{reason}}</p>\n<p><a href=\"{{link}}\">The program's "
     "page</a></p>\n"},
    {"matched", MAIL_NOTIFICATION, "Matched in a relationship", "You have been matched",
     "You have been matched in a mentoring relationship. Sign in to meet your {{partner}}, agree "
     "your partnership and set your first goals:\n{{link}}\n",
     "<p>You have been matched in a mentoring relationship.</p>\n"
     "<p><a href=\"{{link}}\">Meet your {{partner}}</a>, agree your partnership and set your "
     "first goals.</p>\n"},
    {"request", MAIL_NOTIFICATION, "A mentee asks for a mentor", "A mentee asks you to mentor them",
     "A mentee has asked you to be their mentor. Read their profile and answer the request:\n"
     "{{link}}\n",
     "<p>A mentee has asked you to be their mentor.</p>\n"
     "<p><a href=\"{{link}}\">Read their profile and answer the request</a>.</p>\n"},
    {"request_accepted", MAIL_NOTIFICATION, "A mentor said yes", "Your mentor said yes",
     "Your mentor said yes to your request.{{#message}} They wrote:\n\n{{message}}\n{{/message}}\n"
     "Start here:\n{{link}}\n",
     "<p>Your mentor said yes to your request.{{#message}} They wrote:</p>\n"
     "<blockquote>{{message}}</blockquote>\n<p>{{/message}}"
     "<a href=\"{{link}}\">Start your relationship</a>.</p>\n"},
    {"request_closed", MAIL_NOTIFICATION, "A request found no mentor", "Your mentoring request",
     "None of the mentors you asked could take you on this time. Look at the recommendations "
     "again, or ask your coordinator:\n{{link}}\n",
     "<p>None of the mentors you asked could take you on this time.</p>\n"
     "<p><a href=\"{{link}}\">Look at the recommendations again</a>, or ask your "
     "coordinator.</p>\n"},
    {"closed", MAIL_NOTIFICATION, "A relationship completed",
     "Your mentoring relationship is complete",
     "Your mentoring relationship has been closed{{#by_coordinator}} by your "
     "coordinator{{/by_coordinator}}. Thank you! You stay connected as alumni; write your "
     "reflection if you have not yet:\n{{link}}\n",
     "<p>Your mentoring relationship has been closed{{#by_coordinator}} by your "
     "coordinator{{/by_coordinator}}. Thank you! You stay connected as alumni.</p>\n"
     "<p><a href=\"{{link}}\">Write your reflection</a> if you have not yet.</p>\n"},
    /* Closing and renewing, agreed by every member: {{who}} is the member
     * (or coordinator) who acted; {{end}} and {{months}} the plan. */
    {"closing_proposed", MAIL_NOTIFICATION, "A proposal to close a relationship",
     "{{who}} proposes to close your mentoring relationship",
     "{{who}} proposes to close your mentoring relationship and has written their reflection. "
     "If you agree, confirm with your own reflection: what you learned, and what comes next. "
     "If not, decline, and you carry on working together.\n\n{{link}}\n",
     "<p>{{who}} proposes to close your mentoring relationship and has written their "
     "reflection.</p>\n<p>If you agree, confirm with your own reflection: what you learned, and "
     "what comes next. If not, decline, and you carry on working together.</p>\n"
     "<p><a href=\"{{link}}\">Confirm or decline</a></p>\n"},
    {"closing_agreed", MAIL_NOTIFICATION, "Agreement to close a relationship",
     "{{who}} agreed to the closing of your mentoring relationship",
     "{{who}} agreed to the closing of your mentoring relationship. Still to agree: "
     "{{waiting}}.\n\n{{link}}\n",
     "<p>{{who}} agreed to the closing of your mentoring relationship. Still to agree: "
     "{{waiting}}.</p>\n<p><a href=\"{{link}}\">Your relationship</a></p>\n"},
    {"closing_dropped", MAIL_NOTIFICATION, "A proposal to close withdrawn or declined",
     "{{who}} {{how}} the proposal to close your mentoring relationship",
     "{{who}} {{how}} the proposal to close your mentoring relationship. It goes on as "
     "before.\n\n{{link}}\n",
     "<p>{{who}} {{how}} the proposal to close your mentoring relationship. It goes on as "
     "before.</p>\n<p><a href=\"{{link}}\">Your relationship</a></p>\n"},
    {"renewal_proposed", MAIL_NOTIFICATION, "A proposal to renew a relationship",
     "{{who}} proposes to renew your mentoring relationship",
     "{{who}} proposes to renew your mentoring relationship, planned to end on {{end}}, for "
     "another {{months}} months. Accept or decline:\n{{link}}\n",
     "<p>{{who}} proposes to renew your mentoring relationship, planned to end on {{end}}, for "
     "another {{months}} months.</p>\n<p><a href=\"{{link}}\">Accept or decline</a></p>\n"},
    {"renewal_agreed", MAIL_NOTIFICATION, "Agreement to renew a relationship",
     "{{who}} agreed to the renewal of your mentoring relationship",
     "{{who}} agreed to the renewal of your mentoring relationship. Still to agree: "
     "{{waiting}}.\n\n{{link}}\n",
     "<p>{{who}} agreed to the renewal of your mentoring relationship. Still to agree: "
     "{{waiting}}.</p>\n<p><a href=\"{{link}}\">Your relationship</a></p>\n"},
    {"renewal_dropped", MAIL_NOTIFICATION, "A proposal to renew withdrawn or declined",
     "{{who}} {{how}} the proposal to renew your mentoring relationship",
     "{{who}} {{how}} the proposal to renew your mentoring relationship. It goes on as before, "
     "planned to end on {{end}}.\n\n{{link}}\n",
     "<p>{{who}} {{how}} the proposal to renew your mentoring relationship. It goes on as "
     "before, planned to end on {{end}}.</p>\n<p><a href=\"{{link}}\">Your relationship</a></p>\n"},
    {"renewed", MAIL_NOTIFICATION, "A relationship renewed",
     "Your mentoring relationship is renewed",
     "Your mentoring relationship has been renewed{{#by_coordinator}} by your "
     "coordinator{{/by_coordinator}}: it is now planned to end on {{end}}.\n\n{{link}}\n",
     "<p>Your mentoring relationship has been renewed{{#by_coordinator}} by your "
     "coordinator{{/by_coordinator}}: it is now planned to end on <strong>{{end}}</strong>.</p>\n"
     "<p><a href=\"{{link}}\">Your relationship</a></p>\n"},
    {"ended_early", MAIL_NOTIFICATION, "A relationship ended early",
     "Your mentoring relationship has ended",
     "Your mentoring relationship has ended early. That happens, and nobody is to blame. Your "
     "coordinator can help you find a new match if you wish:\n{{link}}\n",
     "<p>Your mentoring relationship has ended early. That happens, and nobody is to blame.</p>\n"
     "<p>Your coordinator can help you find a new match if you wish: <a href=\"{{link}}\">your "
     "relationships</a>.</p>\n"},
    {"ended_early_alert", MAIL_NOTIFICATION, "A relationship in your program ended early",
     "A relationship ended early",
     "Relationship {{relationship}} in \"{{program}}\" ended early.{{#reason}} Reason given: "
     "{{reason}}{{/reason}}\n\n{{link}}\n",
     "<p>Relationship {{relationship}} in <strong>{{program}}</strong> ended early."
     "{{#reason}} Reason given: {{reason}}{{/reason}}</p>\n"
     "<p><a href=\"{{link}}\">Open the relationship</a></p>\n"},
    /* Recognition: {{from}} wrote the kudos. */
    {"kudos", MAIL_NOTIFICATION, "Kudos from a partner", "Kudos from {{from}}",
     "{{from}} sent you kudos for your mentoring relationship. Read what they wrote in Tandem:\n"
     "{{link}}\n",
     "<p>{{from}} sent you kudos for your mentoring relationship.</p>\n"
     "<p><a href=\"{{link}}\">Read what they wrote in Tandem</a></p>\n"},
    {"highlighted", MAIL_NOTIFICATION, "A relationship highlighted",
     "Your mentoring relationship is highlighted",
     "Your program's coordinators highlighted your mentoring relationship as a success. The "
     "highlight, with your names, is shown to the people of your program. See it in Tandem:\n"
     "{{link}}\n",
     "<p>Your program's coordinators highlighted your mentoring relationship as a success. The "
     "highlight, with your names, is shown to the people of your program.</p>\n"
     "<p><a href=\"{{link}}\">See it in Tandem</a></p>\n"},
    /* Follow-up (docs/internals/surveys.md): {{title}} the survey's, {{with}}
     * the partners' names (may be empty), {{until}} the day it closes,
     * {{anonymous}} non-empty for an anonymous survey, {{message}} the
     * coordinator's note (may be empty). */
    {"survey_due", MAIL_NOTIFICATION, "A survey to answer", "A survey for you: {{title}}",
     "Please answer \"{{title}}\"{{#with}} about your mentoring relationship with "
     "{{with}}{{/with}}. It takes a minute or two and stays open until {{until}}."
     "{{#anonymous}}\n\nYour answers are anonymous: nobody sees who said what, and results "
     "show only once enough people have answered.{{/anonymous}}\n\nAnswer it here:\n{{link}}\n",
     "<p>Please answer <strong>{{title}}</strong>{{#with}} about your mentoring relationship "
     "with {{with}}{{/with}}. It takes a minute or two and stays open until {{until}}.</p>\n"
     "{{#anonymous}}<p>Your answers are anonymous: nobody sees who said what, and results show "
     "only once enough people have answered.</p>\n{{/anonymous}}"
     "<p><a href=\"{{link}}\">Answer the survey</a></p>\n"},
    {"health_check_due", MAIL_NOTIFICATION, "A health check due", "Time for a health check",
     "It is time for a health check of your mentoring relationship: rate the eight qualities of "
     "a successful relationship (listening, respect, goal clarity ...), 1 to 5. It takes two "
     "minutes, and your partner sees your ratings only if you both choose to share them.\n\n"
     "{{link}}\n",
     "<p>It is time for a health check of your mentoring relationship: rate the eight qualities "
     "of a successful relationship (listening, respect, goal clarity ...), 1 to 5.</p>\n"
     "<p>It takes two minutes, and your partner sees your ratings only if you both choose to "
     "share them.</p>\n<p><a href=\"{{link}}\">Rate your relationship</a></p>\n"},
    {"nudge", MAIL_NOTIFICATION, "A note from a coordinator",
     "A note from your program coordinator",
     "Your program coordinator is checking in on your mentoring relationship.{{#message}} They "
     "wrote:\n\n{{message}}{{/message}}\n\nWhen did you last meet? Plan your next meeting, or "
     "tell your coordinator how they can help:\n{{link}}\n",
     "<p>Your program coordinator is checking in on your mentoring relationship.{{#message}} "
     "They wrote:</p>\n<blockquote>{{message}}</blockquote>\n<p>{{/message}} When did you last "
     "meet? <a href=\"{{link}}\">Plan your next meeting</a>, or tell your coordinator how they "
     "can help.</p>\n"},
    /* Meetings: {{when}} and {{before}} in the recipient's time zone. */
    {"meeting_scheduled", MAIL_NOTIFICATION, "A meeting scheduled", "A meeting was scheduled",
     "A mentoring meeting was scheduled for {{when}}, {{minutes}} minutes ({{mode}}).\n\n"
     "See it, add to the agenda or add it to your calendar:\n{{link}}\n",
     "<p>A mentoring meeting was scheduled for <strong>{{when}}</strong>, {{minutes}} minutes "
     "({{mode}}).</p>\n<p><a href=\"{{link}}\">See it, add to the agenda or add it to your "
     "calendar</a></p>\n"},
    {"meeting_moved", MAIL_NOTIFICATION, "A meeting moved", "A meeting moved",
     "A mentoring meeting moved from {{before}} to {{when}}, {{minutes}} minutes ({{mode}}).\n\n"
     "See it and update your calendar:\n{{link}}\n",
     "<p>A mentoring meeting moved from {{before}} to <strong>{{when}}</strong>, {{minutes}} "
     "minutes ({{mode}}).</p>\n<p><a href=\"{{link}}\">See it and update your calendar</a></p>\n"},
    {"meeting_cancelled", MAIL_NOTIFICATION, "A meeting cancelled", "A meeting was cancelled",
     "The mentoring meeting of {{when}} was cancelled.\n\nSee the meetings:\n{{link}}\n",
     "<p>The mentoring meeting of <strong>{{when}}</strong> was cancelled.</p>\n"
     "<p><a href=\"{{link}}\">See the meetings</a></p>\n"},
    {"message", MAIL_NOTIFICATION, "A new message", "A new message in your mentoring relationship",
     "{{author}} wrote you a message. Read it and answer in Tandem:\n{{link}}\n",
     "<p>{{author}} wrote you a message.</p>\n<p><a href=\"{{link}}\">Read it and answer in "
     "Tandem</a></p>\n"},
    {"agreement_changed", MAIL_NOTIFICATION, "The agreement changed",
     "Your partnership agreement changed",
     "Your partnership agreement was edited (version {{version}}). Please read what changed and "
     "sign the new version:\n{{link}}\n",
     "<p>Your partnership agreement was edited (version {{version}}).</p>\n<p><a "
     "href=\"{{link}}\">Read what changed and sign the new version</a></p>\n"},
    /* The organiser's own copy of a meeting's calendar invitation (service/meeting.c) */
    {"meeting_calendar", MAIL_NOTIFICATION, "A meeting for your calendar",
     "For your calendar: a mentoring meeting {{what}}",
     "The mentoring meeting you {{what}} is attached for your calendar: {{when}}, {{minutes}} "
     "minutes ({{mode}}). Your partners got it too.\n\nSee the meeting:\n{{link}}\n",
     "<p>The mentoring meeting you {{what}} is attached for your calendar: "
     "<strong>{{when}}</strong>, "
     "{{minutes}} minutes ({{mode}}). Your partners got it too.</p>\n"
     "<p><a href=\"{{link}}\">See the meeting</a></p>\n"},
    /* Accounts by mail (service/account.c) */
    {"password_reset", MAIL_REQUIRED, "Password reset", "Reset your Tandem password",
     "Someone asked to reset the password of the Tandem account of this address. Choose a new "
     "password here (the link works once, for {{minutes}} minutes):\n{{link}}\n\n"
     "If it was not you, ignore this mail: your password stays as it is.\n",
     "<p>Someone asked to reset the password of the Tandem account of this address.</p>\n"
     "<p><a href=\"{{link}}\">Choose a new password</a> (the link works once, for {{minutes}} "
     "minutes).</p>\n<p>If it was not you, ignore this mail: your password stays as it "
     "is.</p>\n"},
    {"password_changed", MAIL_REQUIRED, "Password changed", "Your Tandem password was changed",
     "The password of your Tandem account was changed with a reset link. Every browser signed "
     "in to it was signed out and its API tokens were revoked.\n\nIf it was not you, reset it "
     "again at once and tell your administrator:\n{{link}}\n",
     "<p>The password of your Tandem account was changed with a reset link. Every browser "
     "signed in to it was signed out and its API tokens were revoked.</p>\n<p>If it was not "
     "you, <a href=\"{{link}}\">reset it again</a> at once and tell your administrator.</p>\n"},
    {"sign_up_verify", MAIL_REQUIRED, "Confirm your address", "Confirm your address for Tandem",
     "Someone signed up to Tandem with this address. Confirm it to finish (the link works "
     "once, for {{days}} days):\n{{link}}\n\nIf it was not you, ignore this mail: no account "
     "is made.\n",
     "<p>Someone signed up to Tandem with this address.</p>\n<p><a href=\"{{link}}\">Confirm "
     "it to finish</a> (the link works once, for {{days}} days).</p>\n<p>If it was not you, "
     "ignore this mail: no account is made.</p>\n"},
    {"sign_up_exists", MAIL_REQUIRED, "Sign-up with an existing address",
     "You have a Tandem account already",
     "Someone tried to sign up to Tandem with this address, which has an account already. "
     "Sign in here:\n{{signin}}\n\nForgot your password? Reset it:\n{{link}}\n\n"
     "If it was not you, ignore this mail: nothing changed.\n",
     "<p>Someone tried to sign up to Tandem with this address, which has an account "
     "already.</p>\n<p><a href=\"{{signin}}\">Sign in</a>, or <a href=\"{{link}}\">reset your "
     "password</a> if you forgot it.</p>\n<p>If it was not you, ignore this mail: nothing "
     "changed.</p>\n"},
    /* Reminders (docs/internals/reminders.md): {{days}} how long it has
     * been, {{when}} the meeting in the recipient's zone, {{phase}} the
     * phase's name, {{frequency}} the meetings a month of the guideline,
     * {{names}} the partners', {{mentee}} the asker's, {{title}} and
     * {{until}} the survey's. */
    {"reminder_agreement", MAIL_NOTIFICATION, "Reminder: the agreement is not signed",
     "Reminder: sign your partnership agreement",
     "Your mentoring relationship started {{days}} days ago and its partnership agreement is not "
     "signed by everyone yet. Read it, change what you need together, and sign it:\n{{link}}\n",
     "<p>Your mentoring relationship started {{days}} days ago and its partnership agreement is "
     "not signed by everyone yet.</p>\n<p><a href=\"{{link}}\">Read and sign the "
     "agreement</a></p>\n"},
    {"reminder_goals", MAIL_NOTIFICATION, "Reminder: no goals yet", "Reminder: set your first goal",
     "Your mentoring relationship started {{days}} days ago and has no goal yet. A goal or two "
     "gives your meetings a direction; write the first one together:\n{{link}}\n",
     "<p>Your mentoring relationship started {{days}} days ago and has no goal yet. A goal or two "
     "gives your meetings a direction.</p>\n<p><a href=\"{{link}}\">Write the first "
     "goal</a></p>\n"},
    {"reminder_meeting", MAIL_NOTIFICATION, "Reminder: a meeting soon",
     "Reminder: your mentoring meeting on {{when}}",
     "Your mentoring meeting is on {{when}}. See the agenda and add what you want to talk "
     "about:\n{{link}}\n",
     "<p>Your mentoring meeting is on <strong>{{when}}</strong>.</p>\n<p><a "
     "href=\"{{link}}\">See the agenda and add to it</a></p>\n"},
    {"reminder_no_meeting", MAIL_NOTIFICATION, "Reminder: time to meet",
     "Reminder: time for your next meeting",
     "No meeting was held in your mentoring relationship for {{days}} days; the program suggests "
     "{{frequency}} a month. Plan your next one:\n{{link}}\n",
     "<p>No meeting was held in your mentoring relationship for {{days}} days; the program "
     "suggests {{frequency}} a month.</p>\n<p><a href=\"{{link}}\">Plan your next "
     "meeting</a></p>\n"},
    {"reminder_coordinator_no_meeting", MAIL_NOTIFICATION,
     "For coordinators: a pair has not met for twice the guideline",
     "At risk: {{names}} have not met for {{days}} days",
     "{{names}} have held no meeting for {{days}} days, twice the guideline interval of "
     "{{frequency}} meetings a month. The relationship is flagged at risk. See it, write a note "
     "or nudge them:\n{{link}}\n",
     "<p>{{names}} have held no meeting for {{days}} days, twice the guideline interval of "
     "{{frequency}} meetings a month. The relationship is flagged at risk.</p>\n<p><a "
     "href=\"{{link}}\">See the at-risk list</a></p>\n"},
    {"reminder_request", MAIL_NOTIFICATION, "Reminder: a mentee waits for your answer",
     "Reminder: {{mentee}} waits for your answer",
     "{{mentee}} asked you to be their mentor {{days}} days ago. Please say yes or no, so they "
     "can move on if you cannot:\n{{link}}\n",
     "<p>{{mentee}} asked you to be their mentor {{days}} days ago. Please say yes or no, so they "
     "can move on if you cannot.</p>\n<p><a href=\"{{link}}\">Answer the request</a></p>\n"},
    {"reminder_survey", MAIL_NOTIFICATION, "Reminder: a survey to answer",
     "Reminder: a survey for you: {{title}}",
     "You have not answered \"{{title}}\" yet. It takes a minute or two and stays open until "
     "{{until}}:\n{{link}}\n",
     "<p>You have not answered <strong>{{title}}</strong> yet. It takes a minute or two and stays "
     "open until {{until}}.</p>\n<p><a href=\"{{link}}\">Answer the survey</a></p>\n"},
    {"reminder_phase", MAIL_NOTIFICATION, "Reminder: a phase past its timeframe",
     "Reminder: the {{phase}} phase is past its timeframe",
     "Your mentoring relationship has been in its {{phase}} phase longer than the {{days}} days "
     "it suggests. Look at what the phase asks, and move on when you are ready:\n{{link}}\n",
     "<p>Your mentoring relationship has been in its <strong>{{phase}}</strong> phase longer "
     "than the {{days}} days it suggests.</p>\n<p><a href=\"{{link}}\">See the phase and move "
     "on when you are ready</a></p>\n"},
    {"reminder_inactive", MAIL_NOTIFICATION, "Reminder: a quiet relationship",
     "Your mentoring relationship has been quiet",
     "Nothing has happened in your mentoring relationship for {{days}} days: no message, meeting "
     "or goal. Write to your partner or plan a meeting; if it should end, say so:\n{{link}}\n",
     "<p>Nothing has happened in your mentoring relationship for {{days}} days: no message, "
     "meeting or goal.</p>\n<p><a href=\"{{link}}\">Write to your partner or plan a "
     "meeting</a></p>\n"},
    {"reminder_coordinator_inactive", MAIL_NOTIFICATION,
     "For coordinators: close an inactive relationship?",
     "Close it? {{names}} have been inactive for {{days}} days",
     "Nothing has happened between {{names}} for {{days}} days, and they were reminded. Should "
     "the relationship be closed? Close it or end it early from its page, or leave it "
     "open:\n{{link}}\n",
     "<p>Nothing has happened between {{names}} for {{days}} days, and they were reminded. "
     "Should the relationship be closed?</p>\n<p><a href=\"{{link}}\">Close it, end it "
     "early, or leave it open</a></p>\n"},
};
#define NTEMPLATES (sizeof templates / sizeof templates[0])

#define GREETING_TEXT "Hello{{#name}} {{name}}{{/name}},\n\n"
#define GREETING_HTML "<p>Hello{{#name}} {{name}}{{/name}},</p>\n"
#define FOOTER_TEXT "\n-- \nTandem{{#program}} - {{program}}{{/program}}\n{{url}}\n"
#define FOOTER_HTML                                                                                \
    "<p style=\"margin-top:2em;color:#555;font-size:90%\">Tandem{{#program}} - "                   \
    "{{program}}{{/program}}<br><a href=\"{{url}}\" style=\"color:#555\">{{url}}</a></p>\n"

/* The HTML around the body: one column, readable without CSS. */
#define HTML_HEAD                                                                                  \
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"                                        \
    "<meta name=\"viewport\" content=\"width=device-width\"><title>"
#define HTML_BODY                                                                                  \
    "</title></head>\n<body style=\"margin:0;padding:1em;font-family:sans-serif;line-height:1.5;"  \
    "color:#222\">\n<div style=\"max-width:36em\">\n"
#define HTML_END "</div>\n</body></html>\n"

const struct mail_template *mail_template_find(const char *kind)
{
    for (size_t i = 0; kind && i < NTEMPLATES; i++)
        if (strcmp(templates[i].kind, kind) == 0)
            return &templates[i];
    return NULL;
}

const struct mail_template *mail_templates(size_t *n)
{
    *n = NTEMPLATES;
    return templates;
}

void mail_rendered_cleanup(struct mail_rendered *m)
{
    if (!m)
        return;
    free(m->subject);
    free(m->text);
    free(m->html);
    *m = (struct mail_rendered){0};
}

enum esc { ESC_NONE, ESC_HTML, ESC_LINE };

static int put_escaped(buf *b, const char *s, enum esc how)
{
    const char *run = s; /* bytes that go in as they are, appended at once */
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        const char *rep = NULL;
        if (how == ESC_HTML) {
            switch (ch) {
            case '&': rep = "&amp;"; break;
            case '<': rep = "&lt;"; break;
            case '>': rep = "&gt;"; break;
            case '"': rep = "&quot;"; break;
            case '\'': rep = "&#39;"; break;
            case '\n': rep = "<br>\n"; break;
            default: break;
            }
        } else if (how == ESC_LINE && (ch < 0x20 || ch == 0x7f)) {
            rep = " "; /* a subject is one line, whatever a name holds */
        }
        if (!rep)
            continue;
        if (buf_append(b, run, (size_t)(s - run)) || buf_puts(b, rep))
            return -1;
        run = s + 1;
    }
    return buf_append(b, run, (size_t)(s - run));
}

/* The value named name[0..len), or NULL when none is given. */
static const char *lookup(const struct mail_value *v, size_t n, const char *name, size_t len)
{
    for (size_t i = n; i-- > 0;)
        if (strlen(v[i].name) == len && memcmp(v[i].name, name, len) == 0)
            return v[i].value ? v[i].value : "";
    return NULL;
}

/* A rendered part of a plan (mail_plan_make): the text with the open
 * values cut out, and where each goes. */
struct plan_part {
    const char *const *open; /* the names left open */
    size_t nopen;
    bool *shown; /* per open value: a section over it is shown, so it may not be empty */
    char *text;
    struct {
        size_t at;   /* in text */
        size_t open; /* which open value goes there */
    } cuts[LIMIT_MAIL_PLAN_CUTS];
    size_t ncuts;
    bool full; /* more cuts than the array holds */
    enum esc how;
};

/* Whether {{sigil name}} names an open value; then a plain one is cut
 * out at b's end, and a section over it counts as shown. */
static bool plan_open(struct plan_part *pp, const buf *b, char sigil, const char *name, size_t len)
{
    size_t i = 0;
    while (i < pp->nopen && !(strlen(pp->open[i]) == len && memcmp(pp->open[i], name, len) == 0))
        i++;
    if (i == pp->nopen)
        return false;
    if (sigil == '#')
        pp->shown[i] = true;
    else if (!sigil && pp->ncuts == LIMIT_MAIL_PLAN_CUTS)
        pp->full = true;
    else if (!sigil) {
        pp->cuts[pp->ncuts].at = b->len;
        pp->cuts[pp->ncuts++].open = i;
    }
    return true;
}

/* Expands one template into b; with pp (a plan being made), the values
 * named open in it are left as cuts, and sections over them shown. */
static int expand(buf *b, const char *t, const struct mail_value *v, size_t n, enum esc how,
                  struct plan_part *pp, char *err, size_t errlen)
{
    while (*t) {
        const char *open = strstr(t, "{{");
        if (!open)
            return buf_puts(b, t);
        if (buf_append(b, t, (size_t)(open - t)))
            return -1;
        const char *close = strstr(open, "}}");
        if (!close) {
            str_fmt(err, errlen, "template: unclosed {{");
            return -1;
        }
        const char *name = open + 2;
        char sigil = *name == '#' || *name == '/' ? *name++ : 0;
        size_t len = (size_t)(close - name);
        if (pp && plan_open(pp, b, sigil, name, len)) {
            if (pp->full) {
                str_fmt(err, errlen, "template: more than %d open values in a part",
                        LIMIT_MAIL_PLAN_CUTS);
                return -1;
            }
            t = close + 2; /* left open, or a section over an open value: shown */
            continue;
        }
        const char *val = lookup(v, n, name, len);
        if (!val) {
            str_fmt(err, errlen, "template: no value for %.*s", (int)len, name);
            return -1;
        }
        t = close + 2;
        if (sigil == '/')
            continue; /* the end of a part that was shown */
        if (sigil == '#') {
            if (*val)
                continue; /* shown: go on inside it */
            char end[80];
            str_fmt(end, sizeof end, "{{/%.*s}}", (int)len, name);
            const char *stop = strstr(t, end);
            if (!stop) {
                str_fmt(err, errlen, "template: no %s", end);
                return -1;
            }
            t = stop + strlen(end);
            continue;
        }
        if (put_escaped(b, val, how))
            return -1;
    }
    return 0;
}

static int render_one(char **out, const char *const *parts, size_t nparts,
                      const struct mail_value *v, size_t n, enum esc how, struct plan_part *pp,
                      char *err, size_t errlen)
{
    buf b;
    buf_init(&b, LIMIT_MAIL_BODY_BYTES);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < nparts; i++)
        rc = expand(&b, parts[i], v, n, how, pp, err, errlen);
    if (rc == 0 && !b.data)
        rc = buf_puts(&b, "");
    if (rc) {
        if (!err[0])
            str_fmt(err, errlen, "the mail is longer than %u bytes", LIMIT_MAIL_BODY_BYTES);
        buf_cleanup(&b);
        return -1;
    }
    *out = buf_take(&b);
    return 0;
}

int mail_render(const char *kind, const struct mail_value *values, size_t n,
                struct mail_rendered *out, char *err, size_t errlen)
{
    *out = (struct mail_rendered){0};
    err[0] = '\0';
    const struct mail_template *t = mail_template_find(kind);
    if (!t) {
        str_fmt(err, errlen, "no template for mail of kind '%s'", kind ? kind : "");
        return -1;
    }
    const char *subject[] = {t->subject};
    const char *text[] = {GREETING_TEXT, t->text, FOOTER_TEXT};
    int rc = render_one(&out->subject, subject, 1, values, n, ESC_LINE, NULL, err, errlen);
    if (rc == 0)
        rc = render_one(&out->text, text, 3, values, n, ESC_NONE, NULL, err, errlen);
    const char *html[] = {GREETING_HTML, t->html, FOOTER_HTML};
    if (rc == 0)
        rc = render_one(&out->html, html, 3, values, n, ESC_HTML, NULL, err, errlen);
    if (rc)
        mail_rendered_cleanup(out);
    return rc;
}

/* ---- plans: a template rendered once, some values left open ---- */

struct mail_plan {
    struct plan_part parts[3]; /* subject, text, html */
    bool shown[LIMIT_MAIL_VALUES];
    size_t nopen;
};

void mail_plan_free(struct mail_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < 3; i++)
        free(p->parts[i].text);
    free(p);
}

int mail_plan_make(const char *kind, const struct mail_value *values, size_t n,
                   const char *const *open, size_t nopen, struct mail_plan **out, char *err,
                   size_t errlen)
{
    *out = NULL;
    err[0] = '\0';
    const struct mail_template *t = mail_template_find(kind);
    if (!t) {
        str_fmt(err, errlen, "no template for mail of kind '%s'", kind ? kind : "");
        return -1;
    }
    if (nopen > LIMIT_MAIL_VALUES) {
        str_fmt(err, errlen, "more than %d open values", LIMIT_MAIL_VALUES);
        return -1;
    }
    struct mail_plan *p = xcalloc(1, sizeof *p);
    p->nopen = nopen;
    const char *subject[] = {t->subject};
    const char *text[] = {GREETING_TEXT, t->text, FOOTER_TEXT};
    const char *html[] = {GREETING_HTML, t->html, FOOTER_HTML};
    const char *const *parts[] = {subject, text, html};
    const size_t nparts[] = {1, 3, 3};
    const enum esc how[] = {ESC_LINE, ESC_NONE, ESC_HTML};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < 3; i++) {
        struct plan_part *pp = &p->parts[i];
        *pp = (struct plan_part){.open = open, .nopen = nopen, .shown = p->shown, .how = how[i]};
        rc = render_one(&pp->text, parts[i], nparts[i], values, n, how[i], pp, err, errlen);
        pp->open = NULL; /* the caller's; only needed while making */
    }
    if (rc) {
        mail_plan_free(p);
        return -1;
    }
    *out = p;
    return 0;
}

static int fill_part(const struct plan_part *pp, const char *const *values, char **out)
{
    buf b;
    buf_init(&b, LIMIT_MAIL_BODY_BYTES);
    size_t at = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < pp->ncuts; i++) {
        const char *v = values[pp->cuts[i].open];
        rc = buf_append(&b, pp->text + at, pp->cuts[i].at - at) ||
             put_escaped(&b, v ? v : "", pp->how);
        at = pp->cuts[i].at;
    }
    if (rc == 0)
        rc = buf_puts(&b, pp->text + at);
    if (rc == 0 && !b.data)
        rc = buf_puts(&b, "");
    if (rc) {
        buf_cleanup(&b);
        return -1;
    }
    *out = buf_take(&b);
    return 0;
}

int mail_plan_fill(const struct mail_plan *p, const char *const *values, struct mail_rendered *out)
{
    *out = (struct mail_rendered){0};
    for (size_t i = 0; i < p->nopen; i++)
        if (p->shown[i] && (!values[i] || !*values[i]))
            return 1; /* a section the plan showed would be hidden */
    char **dst[] = {&out->subject, &out->text, &out->html};
    for (size_t i = 0; i < 3; i++)
        if (fill_part(&p->parts[i], values, dst[i])) {
            mail_rendered_cleanup(out);
            return -1;
        }
    return 0;
}

int mail_html_page(buf *out, const char *subject, const char *fragment)
{
    if (buf_puts(out, HTML_HEAD) || put_escaped(out, subject ? subject : "", ESC_HTML) ||
        buf_puts(out, HTML_BODY) || buf_puts(out, fragment ? fragment : "") ||
        buf_puts(out, HTML_END))
        return -1;
    return 0;
}

/* ---- redaction ---- */

/* Paths whose next segment is a secret that grants access by itself. */
static const char *const secret_paths[] = {"/invite/", "/password-reset/", "/unsubscribe/",
                                           "/verify/"};

static bool token_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

char *mail_redact(const char *text)
{
    buf b;
    buf_init(&b, (size_t)-1);
    const char *p = text ? text : "";
    while (*p) {
        const char *hit = NULL, *path = NULL;
        for (size_t i = 0; i < sizeof secret_paths / sizeof secret_paths[0]; i++) {
            const char *h = strstr(p, secret_paths[i]);
            if (h && (!hit || h < hit)) {
                hit = h;
                path = secret_paths[i];
            }
        }
        if (!hit) {
            (void)buf_puts(&b, p);
            break;
        }
        const char *tok = hit + strlen(path), *end = tok;
        while (token_char(*end))
            end++;
        (void)buf_append(&b, p, (size_t)(tok - p));
        if (end > tok)
            (void)buf_puts(&b, "\xe2\x80\xa6"); /* … */
        p = end;
    }
    (void)buf_puts(&b, "");
    return buf_take(&b);
}

/* ---- sending ---- */

int64_t mail_backoff_s(int attempts)
{
    int64_t s = MAIL_BACKOFF_FIRST_S;
    for (int i = 1; i < attempts && s < MAIL_BACKOFF_MAX_S; i++)
        s *= 2;
    return s < MAIL_BACKOFF_MAX_S ? s : MAIL_BACKOFF_MAX_S;
}

enum mail_next mail_after_failure(int attempts, int max_attempts, bool permanent)
{
    return permanent || attempts >= max_attempts ? MAIL_DEAD : MAIL_RETRY;
}

bool mail_message_id(int64_t id, int64_t created_at, const char *from, char *out, size_t size)
{
    const char *at = from ? strrchr(from, '@') : NULL;
    const char *domain = at && at[1] ? at + 1 : "localhost";
    for (const char *d = domain; *d; d++)
        if (!token_char(*d))
            domain = "localhost"; /* a Message-ID is ASCII without brackets or spaces */
    return str_fmt(out, size, "<tandem.%lld.%lld@%s>", (long long)id, (long long)created_at,
                   domain);
}
