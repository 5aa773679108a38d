#include "domain/permissions.h"

#include <string.h>

#define R PERM_READ
#define W PERM_WRITE
#define N PERM_NONE

/* product.md §9. Columns: mentee, mentor, coordinator (own program),
 * viewer, admin. */
static const unsigned char table[PERM_DATA_COUNT][5] = {
    /*                        mentee mentor coord viewer admin */
    [PERM_PROGRAM] = {R, R, W, R, W},       [PERM_PROGRAM_CREATE] = {N, N, W, N, W},
    [PERM_OWN_PROFILE] = {W, W, W, N, W},   [PERM_PARTNER_PROFILE] = {R, R, W, N, W},
    [PERM_OTHER_PROFILE] = {N, N, W, N, W}, [PERM_MENTOR_CARD] = {R, N, R, N, R},
    [PERM_RELATIONSHIP] = {W, W, R, N, R},  [PERM_PRIVATE_NOTE] = {W, W, N, N, N},
    [PERM_SURVEY_ANSWER] = {W, W, R, N, N}, [PERM_REPORT] = {N, N, R, R, R},
    [PERM_MATCH_REQUEST] = {W, W, R, N, R},
};

enum perm_access perm_access_of(perm_roles roles, enum perm_data data)
{
    unsigned best = PERM_NONE;
    if ((unsigned)data >= PERM_DATA_COUNT)
        return PERM_NONE;
    for (int col = 0; col < 5; col++)
        if (roles & (1u << col))
            best |= table[data][col];
    return (enum perm_access)best;
}

bool perm_allows(perm_roles roles, enum perm_data data, enum perm_access need)
{
    return (perm_access_of(roles, data) & need) == need;
}

perm_roles perm_role_from_name(const char *name)
{
    static const struct {
        const char *name;
        perm_roles bit;
    } map[] = {{"mentee", PERM_MENTEE},
               {"mentor", PERM_MENTOR},
               {"coordinator", PERM_COORDINATOR},
               {"viewer", PERM_VIEWER}};
    for (size_t i = 0; name && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(name, map[i].name) == 0)
            return map[i].bit;
    return 0;
}

size_t perm_role_names(perm_roles roles, const char *out[4])
{
    static const struct {
        perm_roles bit;
        const char *name;
    } order[] = {{PERM_COORDINATOR, "coordinator"},
                 {PERM_MENTOR, "mentor"},
                 {PERM_MENTEE, "mentee"},
                 {PERM_VIEWER, "viewer"}};
    size_t n = 0;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (roles & order[i].bit)
            out[n++] = order[i].name;
    return n;
}

perm_roles perm_site_roles(enum site_role site)
{
    return site == SITE_ADMIN ? PERM_ADMIN : 0;
}

bool perm_may_create_program(enum site_role site)
{
    perm_roles r = site == SITE_ADMIN         ? PERM_ADMIN
                   : site == SITE_COORDINATOR ? PERM_COORDINATOR
                                              : 0;
    return perm_allows(r, PERM_PROGRAM_CREATE, PERM_WRITE);
}

perm_roles perm_program_roles(perm_roles roles, const char *program_status)
{
    if (program_status && strcmp(program_status, "draft") == 0)
        return roles & (PERM_COORDINATOR | PERM_ADMIN);
    return roles;
}

bool perm_program_takes_applications(const char *program_status)
{
    return program_status && strcmp(program_status, "draft") != 0 &&
           strcmp(program_status, "closed") != 0;
}

bool perm_coordinates(perm_roles roles)
{
    return perm_allows(roles, PERM_OTHER_PROFILE, PERM_WRITE);
}

enum perm_access perm_relationship_access(perm_roles roles, bool member)
{
    if (member)
        return PERM_WRITE;
    return perm_access_of(roles & (PERM_COORDINATOR | PERM_ADMIN), PERM_RELATIONSHIP);
}

enum perm_access perm_participation_access(perm_roles roles, perm_roles own, bool partner)
{
    enum perm_access a = perm_access_of(roles, PERM_OTHER_PROFILE);
    if (own) {
        /* One's own as its role holds it, and read at least. */
        enum perm_access o = perm_access_of(own, PERM_OWN_PROFILE);
        o = o == PERM_NONE ? PERM_READ : o;
        return a > o ? a : o;
    }
    if (a == PERM_NONE && partner)
        a = perm_access_of(roles | PERM_MENTEE, PERM_PARTNER_PROFILE);
    return a;
}
