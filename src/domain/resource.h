/* resource.h - the help library's pure rules (product.md §2, §7;
 * docs/internals/resources.md): what a resource is made of and which
 * input is refused, which addresses a link may have, and the order in
 * which a relationship's workspace recommends resources - the current
 * phase's first.
 */
#ifndef TANDEM_DOMAIN_RESOURCE_H
#define TANDEM_DOMAIN_RESOURCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/program.h"
#include "domain/validate.h"

/* The fields of a resource a body gives (POST creates, PATCH changes).
 * Strings are borrowed from the body; lists are new references (NULL when
 * absent). `clear_body` / `clear_url` say the body named the field as null
 * (PATCH: take it away). */
struct resource_fields {
    const char *title, *body_md, *url;
    bool clear_body, clear_url;
    json_t *phases, *topics, *roles; /* normalised: trimmed, no duplicates */
    int64_t position;                /* -1: not given */
    int retired;                     /* -1 not given, 0 restore, 1 retire */
    int64_t version;                 /* 0: not given */
};

/* Releases the lists; accepts an empty struct. */
void resource_fields_cleanup(struct resource_fields *f);

/* Reads and checks a resource body: the known keys (title, body_md, url,
 * phases, topics, roles, and with `patch` also position, retired,
 * version), each value's type and size, a url that resource_url_check
 * accepts, roles among "mentor" and "mentee", and - when cfg is not NULL
 * (a program's resource) - phases of its model. Goes on after a bad field
 * so e names every one (LIMIT_FIELD_ERRORS). On create (`patch` false)
 * the title is required, and an article's text or a link, and roles
 * default to both. Returns 0, or -1 with *out empty. */
int resource_fields_read(const json_t *body, bool patch, const struct program_config *cfg,
                         struct resource_fields *out, verr *e);

/* NULL when `url` is a link a resource may have: an absolute http or https
 * address with a host, no spaces, control characters or backslashes, at
 * most LIMIT_URL_BYTES. Otherwise why not, as a static message. */
const char *resource_url_check(const char *url);

/* Checks the whole of a resource after a change: it has a title, and an
 * article's body or a link (or both). Adds every failure to e (fields
 * "title", "body_md"). Returns 0 or -1. */
int resource_complete_check(const char *title, const char *body_md, const char *url, verr *e);

/* Checks that every name of `phases` is a phase of the program's model
 * (case does not matter), naming each that is not ("phases[1]"). A
 * site-wide resource's phases are not checked: they name phases of any
 * model. Returns 0 or -1. */
int resource_phases_check(const json_t *phases, const struct program_config *cfg, verr *e);

/* true when `role` ("mentor", "mentee", "peer"; NULL or "" for anyone)
 * may be shown a resource for `roles` (a JSON list). A peer reads them all. */
bool resource_for_role(const json_t *roles, const char *role);

/* ---- recommendations ---- */

enum resource_group {
    RESOURCE_CURRENT = 0, /* the current phase's */
    RESOURCE_ANY = 1,     /* no phase of this model: good at any time */
    RESOURCE_LATER = 2,   /* a later phase's, the nearest first */
    RESOURCE_EARLIER = 3, /* an earlier phase's, the nearest first */
};

/* A resource as the ranking sees it. */
struct resource_rank {
    size_t index; /* the caller's: where the resource is in its own array */
    int64_t id;
    bool site; /* site-wide, after the program's own */
    int64_t position;
    /* set by resource_rank_place: */
    enum resource_group group;
    int distance;  /* phases away from the current one (LATER, EARLIER) */
    int listed_at; /* where the current phase's `resources` names it; INT32_MAX if not */
};

/* Places a resource with phase tags `phases` and `title` in the model of
 * cfg whose current phase is `current`: a resource belongs to a phase when
 * it is tagged with the phase's name or the phase's `resources` name its
 * title (both compared without regard to ASCII case). Fills r->group,
 * r->distance and r->listed_at. */
void resource_rank_place(struct resource_rank *r, const json_t *phases, const char *title,
                         const struct program_config *cfg, int current);

/* Sorts placed resources into the order the workspace recommends them:
 * the current phase's first (in the order the phase names them, then the
 * others), then those for any time, then the later phases' (nearest
 * first), then the earlier ones'; within each, the program's own before
 * site-wide ones, then by position, then by id. */
void resource_rank_sort(struct resource_rank *r, size_t n);

const char *resource_group_name(enum resource_group g); /* "current", "any", "later", "earlier" */

/* The body of PUT /programs/{id}/resources/{rid}/hidden: {"hidden":
 * true|false}, the flag required, nothing else. Names every bad field.
 * Returns 0 or -1. */
int resource_hidden_read(const json_t *body, bool *hidden, verr *e);

#endif
