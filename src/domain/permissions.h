/* permissions.h - who may see and change what: the role table of
 * product.md §9, in one place.
 *
 * Handlers work out which roles the actor holds relative to the data (a
 * site admin; a coordinator, mentor, mentee or viewer of the program the
 * data belongs to) and ask perm_allows(). Whether a mentor or mentee is a
 * party to *this* relationship, or the author of *this* note, is decided
 * by the handler before asking (the "own" column of the table). Anything
 * not allowed answers 404, never 403, so ids cannot be probed.
 */
#ifndef TANDEM_DOMAIN_PERMISSIONS_H
#define TANDEM_DOMAIN_PERMISSIONS_H

#include <stdbool.h>
#include <stddef.h>

/* A person's role on the whole site (people.site_role). */
enum site_role { SITE_MEMBER = 0, SITE_COORDINATOR = 1, SITE_ADMIN = 2 };

enum perm_role {
    PERM_MENTEE = 1 << 0,
    PERM_MENTOR = 1 << 1,
    PERM_COORDINATOR = 1 << 2,
    PERM_VIEWER = 1 << 3,
    PERM_ADMIN = 1 << 4,
};
typedef unsigned perm_roles; /* a set of enum perm_role bits */

enum perm_data {
    PERM_PROGRAM,        /* a program's name, status and configuration */
    PERM_PROGRAM_CREATE, /* a new program (site coordinators and admins) */
    PERM_OWN_PROFILE,
    PERM_PARTNER_PROFILE, /* the profile of someone one is matched with */
    PERM_OTHER_PROFILE,   /* any other participant's profile and status */
    PERM_MENTOR_CARD,     /* a mentor's public card in self-matching */
    PERM_RELATIONSHIP,    /* agreement, goals, meetings, shared notes, messages (own) */
    PERM_PRIVATE_NOTE,    /* (author only) */
    PERM_SURVEY_ANSWER,   /* an individual answer (own; non-anonymous for coordinators) */
    PERM_REPORT,          /* aggregates */
    PERM_MATCH_REQUEST,   /* self-matching requests (own: the mentee's and the mentor's asked) */
    PERM_DATA_COUNT
};

enum perm_access { PERM_NONE = 0, PERM_READ = 1, PERM_WRITE = 3 /* write implies read */ };

/* The widest access any of the roles gives to the data. */
enum perm_access perm_access_of(perm_roles roles, enum perm_data data);

/* true when the roles give at least `need` to the data. */
bool perm_allows(perm_roles roles, enum perm_data data, enum perm_access need);

/* Role name ("mentee", "mentor", "coordinator", "viewer") to its bit; 0
 * for anything else. */
perm_roles perm_role_from_name(const char *name);

/* The names of the program roles in roles, coordinator first (then mentor,
 * mentee, viewer), into out (static strings; at most 4). Returns how many. */
size_t perm_role_names(perm_roles roles, const char *out[4]);

/* The roles a site role gives in every program: PERM_ADMIN for an admin,
 * none otherwise (site coordinators coordinate only their own programs). */
perm_roles perm_site_roles(enum site_role site);

/* true when the site role may create programs (site coordinators and
 * admins, product.md §9). */
bool perm_may_create_program(enum site_role site);

/* The roles that count in a program of the given status (programs.status):
 * a draft is its coordinators' and the admins' alone, so the other roles
 * someone was given while it was prepared count once it opens; in every
 * other status all of them. */
perm_roles perm_program_roles(perm_roles roles, const char *program_status);

/* true when a program of the status takes applications (and accepted
 * invitations): not a draft, not closed. */
bool perm_program_takes_applications(const char *program_status);

/* true when the roles coordinate the program: a coordinator of it or a
 * site admin, who see and change every participation and relationship. */
bool perm_coordinates(perm_roles roles);

/* The access to one relationship's workspace: its members read and write
 * it; of everyone else, the program's coordinators and admins read it
 * (their other roles in the program give nothing); nobody else sees it. */
enum perm_access perm_relationship_access(perm_roles roles, bool member);

/* The access to one participation: one's own (`own`: its role's bit when
 * it is the actor's, else 0) is writable as a mentee's or mentor's, and
 * read only as a viewer's (product.md §9 gives viewers no profile); the
 * program's coordinators change anyone's; a matched partner (`partner`)
 * reads the profile; nobody else sees it. */
enum perm_access perm_participation_access(perm_roles roles, perm_roles own, bool partner);

#endif
