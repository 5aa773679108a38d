#include "domain/survey_template.h"

#include <string.h>

/* Each template is the document a coordinator would POST. Anonymous ones
 * ask no free text (survey.h); the pairing fit is never anonymous, since
 * its coordinator acts on a "No". */
static const struct {
    const char *name, *what, *json;
} templates[] = {
    {"end_of_training", "when someone completes their training",
     "{\"title\": \"End of training\","
     " \"intro\": \"Your immediate reactions to the training and its facilitators. Answers are "
     "anonymous: nobody sees who said what, and results show only once enough people answered.\","
     " \"anonymous\": true, \"audience\": \"both\","
     " \"trigger\": {\"on\": \"training_completed\"},"
     " \"questions\": ["
     "  {\"id\": \"expectations\", \"kind\": \"likert\", \"required\": true,"
     "   \"label\": \"The training made clear what is expected of me in the relationship.\"},"
     "  {\"id\": \"goal_setting\", \"kind\": \"likert\", \"required\": true,"
     "   \"label\": \"I know how to set goals with my partner.\"},"
     "  {\"id\": \"conflict\", \"kind\": \"likert\","
     "   \"label\": \"I feel prepared to handle a disagreement in the relationship.\"},"
     "  {\"id\": \"structure\", \"kind\": \"likert\","
     "   \"label\": \"I understand how the program is structured.\"},"
     "  {\"id\": \"facilitators\", \"kind\": \"likert\","
     "   \"label\": \"The facilitators were helpful.\"},"
     "  {\"id\": \"recommend\", \"kind\": \"nps\","
     "   \"label\": \"How likely are you to recommend this training to a colleague?\"}"
     " ]}"},
    {"pairing_fit", "after a relationship's first meeting",
     "{\"title\": \"Is this a good match?\","
     " \"intro\": \"A quick check after your first meeting. Your coordinator reads your answer and "
     "can help, or find you another partner.\","
     " \"anonymous\": false, \"audience\": \"both\", \"purpose\": \"pairing_fit\","
     " \"trigger\": {\"on\": \"meeting_held\", \"times\": 1},"
     " \"questions\": ["
     "  {\"id\": \"good_match\", \"kind\": \"single\", \"required\": true,"
     "   \"label\": \"Is this a good match?\", \"options\": [\"Yes\", \"Not sure\", \"No\"]},"
     "  {\"id\": \"why\", \"kind\": \"text\","
     "   \"label\": \"What makes you say so?\"}"
     " ]}"},
    {"check_in", "30 days after a relationship starts, then every 60 days",
     "{\"title\": \"Check-in\","
     " \"intro\": \"How is your mentoring relationship going? Your coordinator reads your answers "
     "to see where help is needed.\","
     " \"anonymous\": false, \"audience\": \"both\","
     " \"trigger\": {\"on\": \"relationship_started\", \"after_days\": 30, \"every_days\": 60},"
     " \"questions\": ["
     "  {\"id\": \"meeting_as_agreed\", \"kind\": \"likert\", \"required\": true,"
     "   \"label\": \"We meet as often as we agreed.\"},"
     "  {\"id\": \"goal_clarity\", \"kind\": \"likert\", \"required\": true,"
     "   \"label\": \"Our goals are clear to both of us.\"},"
     "  {\"id\": \"listened_to\", \"kind\": \"likert\","
     "   \"label\": \"I feel listened to and respected.\"},"
     "  {\"id\": \"learning\", \"kind\": \"likert\","
     "   \"label\": \"I am learning and growing in this relationship.\"},"
     "  {\"id\": \"recommend\", \"kind\": \"nps\","
     "   \"label\": \"How likely are you to recommend the program to a colleague?\"},"
     "  {\"id\": \"help\", \"kind\": \"text\","
     "   \"label\": \"Is there anything your coordinator could help with?\"}"
     " ]}"},
    {"midpoint", "half way between a relationship's start and its planned end",
     "{\"title\": \"Mid-point review\","
     " \"intro\": \"Half way through: a moment to look back at the goals and forward to the second "
     "half.\","
     " \"anonymous\": false, \"audience\": \"both\","
     " \"trigger\": {\"on\": \"midpoint\"},"
     " \"questions\": ["
     "  {\"id\": \"progress\", \"kind\": \"likert\", \"required\": true,"
     "   \"label\": \"We are making progress on our goals.\"},"
     "  {\"id\": \"challenge\", \"kind\": \"likert\","
     "   \"label\": \"I am challenged in this relationship.\"},"
     "  {\"id\": \"preparation\", \"kind\": \"likert\","
     "   \"label\": \"We both prepare for our meetings.\"},"
     "  {\"id\": \"adjust_goals\", \"kind\": \"single\","
     "   \"label\": \"Should the goals change for the second half?\","
     "   \"options\": [\"No, they still fit\", \"A little\", \"Yes, a lot\"]},"
     "  {\"id\": \"change\", \"kind\": \"text\","
     "   \"label\": \"What would you like to do differently in the second half?\"}"
     " ]}"},
    {"closure", "when a relationship ends",
     "{\"title\": \"Closing survey\","
     " \"intro\": \"Your relationship has ended: how did it go, and how did the program help? "
     "Answers are anonymous.\","
     " \"anonymous\": true, \"audience\": \"both\","
     " \"trigger\": {\"on\": \"closure\"},"
     " \"questions\": ["
     "  {\"id\": \"expectations_met\", \"kind\": \"likert\", \"required\": true,"
     "   \"label\": \"The relationship met my expectations.\"},"
     "  {\"id\": \"goals_reached\", \"kind\": \"likert\","
     "   \"label\": \"I reached the goals I set.\"},"
     "  {\"id\": \"program_support\", \"kind\": \"likert\","
     "   \"label\": \"The program supported us well.\"},"
     "  {\"id\": \"helped_with\", \"kind\": \"multi\","
     "   \"label\": \"What did the relationship help with?\","
     "   \"options\": [\"Career direction\", \"New skills\", \"Confidence\", \"My network\","
     "    \"Finding my way in the organisation\"]},"
     "  {\"id\": \"again\", \"kind\": \"single\", \"label\": \"Would you take part again?\","
     "   \"options\": [\"Yes\", \"Maybe\", \"No\"]},"
     "  {\"id\": \"recommend\", \"kind\": \"nps\","
     "   \"label\": \"How likely are you to recommend the program to a colleague?\"}"
     " ]}"},
    {"after_meeting", "after each meeting that was held",
     "{\"title\": \"After the meeting\","
     " \"intro\": \"Two questions about the meeting you just had.\","
     " \"anonymous\": false, \"audience\": \"both\","
     " \"trigger\": {\"on\": \"meeting_held\"},"
     " \"questions\": ["
     "  {\"id\": \"useful\", \"kind\": \"likert\", \"required\": true,"
     "   \"label\": \"The meeting was useful.\"},"
     "  {\"id\": \"prepared\", \"kind\": \"likert\","
     "   \"label\": \"We were both prepared.\"},"
     "  {\"id\": \"takeaway\", \"kind\": \"text\","
     "   \"label\": \"One thing you take away from it\"}"
     " ]}"},
};
#define NTEMPLATES (sizeof templates / sizeof templates[0])

size_t survey_template_count(void)
{
    return NTEMPLATES;
}

const char *survey_template_name(size_t i)
{
    return i < NTEMPLATES ? templates[i].name : NULL;
}

const char *survey_template_what(size_t i)
{
    return i < NTEMPLATES ? templates[i].what : NULL;
}

json_t *survey_template_doc(const char *name)
{
    for (size_t i = 0; name && i < NTEMPLATES; i++)
        if (strcmp(templates[i].name, name) == 0)
            return json_loads(templates[i].json, 0, NULL);
    return NULL;
}

int survey_create_doc(const json_t *body, const char **tmpl, json_t **doc, verr *e)
{
    *doc = NULL;
    if (v_string(body, "template", "", false, false, 32, NULL, tmpl, e))
        return -1;
    if (*tmpl && !(*doc = survey_template_doc(*tmpl)))
        return v_fail(e, "", "template", "there is no built-in survey '%s'", *tmpl);
    if (!*doc && !(*doc = json_object()))
        return v_fail(e, "", "", "out of memory");
    json_object_update(*doc, (json_t *)body);
    json_object_del(*doc, "template");
    return 0;
}
