/* program_templates.c - the phase models of the seeds (Zachary, Kram, the
 * life cycle, rapport), which a program's phases start from
 * (domain/program.h). */
#include <string.h>

#include "domain/program.h"

struct phase_def {
    const char *name;
    int days;
    const char *actions[4];
    const char *resources[2];
    const char *exits[3];
};

struct template_def {
    const char *name;
    struct phase_def phases[5];
};

static const struct template_def templates[] = {
    {"zachary",
     {{"Preparation",
       14,
       {"Reflect on your motivation and what you can offer or want to learn",
        "Read each other's profiles", "Hold a first, informal conversation"},
       {"What mentoring is and is not"},
       {"Both parties have met once", "Each has shared their expectations"}},
      {"Negotiating",
       30,
       {"Agree goals and how success will be measured", "Set meeting frequency and mode",
        "Agree confidentiality and boundaries", "Sign the partnership agreement"},
       {"Preparing a partnership agreement"},
       {"The partnership agreement is signed", "At least one goal is set"}},
      {"Enabling growth",
       240,
       {"Meet as agreed", "Review progress on goals", "Give and ask for feedback"},
       {"Eight qualities of a successful relationship"},
       {"Goals are reached or reviewed"}},
      {"Closure",
       30,
       {"Reflect on what was learned", "Agree next steps for the mentee",
        "Give feedback on the program", "Celebrate and decide how to stay in touch"},
       {"Closing well"},
       {"Both reflections are written"}}}},
    {"kram",
     {{"Initiation",
       30,
       {"Get to know each other", "Share expectations and hopes", "Agree how to work together"},
       {"What mentoring is and is not"},
       {"The partnership agreement is signed"}},
      {"Cultivation",
       240,
       {"Work on goals with career and psychosocial support", "Meet regularly", "Review progress"},
       {"Eight qualities of a successful relationship"},
       {"Goals are reached or reviewed"}},
      {"Separation",
       45,
       {"Plan the end of the formal relationship", "Build the mentee's independence"},
       {"Closing well"},
       {"A closing conversation is held"}},
      {"Redefinition",
       30,
       {"Redefine the relationship as colleagues", "Reflect on the program"},
       {"Closing well"},
       {"Both reflections are written"}}}},
    {"lifecycle",
     {{"Contemplation",
       14,
       {"Consider what each hopes to gain", "Read each other's profiles"},
       {"What mentoring is and is not"},
       {"Both parties have met once"}},
      {"Initiation",
       30,
       {"Agree goals, roles and boundaries", "Sign the partnership agreement"},
       {"Preparing a partnership agreement"},
       {"The partnership agreement is signed"}},
      {"Growth and maintenance",
       240,
       {"Meet regularly", "Work on goals", "Check the relationship's health"},
       {"Eight qualities of a successful relationship"},
       {"Goals are reached or reviewed"}},
      {"Decline and dissolution",
       30,
       {"Acknowledge the relationship is ending", "Plan the last meetings"},
       {"Closing well"},
       {"A closing conversation is held"}},
      {"Redefinition",
       30,
       {"Decide how to stay connected", "Reflect on what was learned"},
       {"Closing well"},
       {"Both reflections are written"}}}},
    {"rapport",
     {{"Building rapport",
       21,
       {"Share backgrounds and interests", "Agree confidentiality", "Listen actively"},
       {"What mentoring is and is not"},
       {"Both parties have met once"}},
      {"Setting direction",
       30,
       {"Discuss vision and career aspirations", "Assess where the career is now",
        "Name strengths and weaknesses", "Set the top three goals"},
       {"Setting direction: questions to ask"},
       {"At least one goal is set", "The partnership agreement is signed"}},
      {"Recap and progress",
       240,
       {"Recap each meeting", "Track progress on goals", "Adjust goals when needed"},
       {"Eight qualities of a successful relationship"},
       {"Goals are reached or reviewed"}},
      {"Closure",
       30,
       {"Reflect on what was learned", "Agree next steps", "Give feedback on the program"},
       {"Closing well"},
       {"Both reflections are written"}}}},
};

static json_t *strings(const char *const *list, size_t max)
{
    json_t *a = json_array();
    for (size_t i = 0; i < max && list[i]; i++)
        json_array_append_new(a, json_string(list[i]));
    return a;
}

static json_t *template_phases(const struct template_def *t)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < 5 && t->phases[i].name; i++) {
        const struct phase_def *p = &t->phases[i];
        json_array_append_new(
            arr, json_pack("{s:s, s:o, s:i, s:o, s:o}", "name", p->name, "key_actions",
                           strings(p->actions, 4), "timeframe_days", p->days, "resources",
                           strings(p->resources, 2), "exit_criteria", strings(p->exits, 3)));
    }
    return arr;
}

json_t *program_phase_templates(void)
{
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++)
        json_object_set_new(o, templates[i].name, template_phases(&templates[i]));
    return o;
}

json_t *program_template_phases(const char *name)
{
    for (size_t t = 0; name && t < sizeof templates / sizeof templates[0]; t++)
        if (strcmp(templates[t].name, name) == 0)
            return template_phases(&templates[t]);
    return NULL;
}
