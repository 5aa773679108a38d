#include "domain/resource.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/limits.h"
#include "base/str.h"

void resource_fields_cleanup(struct resource_fields *f)
{
    if (!f)
        return;
    json_decref(f->phases);
    json_decref(f->topics);
    json_decref(f->roles);
    memset(f, 0, sizeof *f);
}

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

const char *resource_url_check(const char *url)
{
    size_t n = url ? strlen(url) : 0;
    if (n == 0)
        return "must be a web address";
    if (n > LIMIT_URL_BYTES)
        return "is too long for a web address";
    size_t scheme;
    if (strncasecmp(url, "https://", 8) == 0)
        scheme = 8;
    else if (strncasecmp(url, "http://", 7) == 0)
        scheme = 7;
    else
        return "must start with http:// or https:// (other kinds of link are not allowed)";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= 0x20 || c == 0x7f || c == '\\' || c == '<' || c == '>' || c == '"')
            return "must not contain spaces, quotes, angle brackets, backslashes or control "
                   "characters";
    }
    /* A host: something before the first '/', '?' or '#', and not only
     * credentials ("http://@/", "http://user@"). */
    const char *host = url + scheme, *end = host + strcspn(host, "/?#");
    const char *at = memrchr(host, '@', (size_t)(end - host));
    if (at)
        host = at + 1;
    if (end == host || *host == ':' || *host == '.')
        return "must name a host (https://example.org/...)";
    return NULL;
}

/* A list of tags at obj[key]: strings, trimmed, not empty, at most
 * maxbytes each and LIMIT_RESOURCE_TAGS in all; duplicates (ASCII case
 * ignored) are dropped. Every bad item is named. *out is a new list, or
 * NULL when the key is absent. */
static int tags(const json_t *obj, const char *key, size_t maxbytes, json_t **out, verr *e)
{
    *out = NULL;
    json_t *list = json_object_get(obj, key);
    if (!list)
        return 0;
    if (!json_is_array(list))
        return v_add(e, "", key, "must be a list of strings");
    if (json_array_size(list) > LIMIT_RESOURCE_TAGS)
        return v_add(e, "", key, "must have at most %d items", LIMIT_RESOURCE_TAGS);
    json_t *res = json_array();
    bool bad = false;
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        char at[64];
        v_index(at, sizeof at, key, i);
        const char *s = json_string_value(item);
        if (!s) {
            bad = v_add(e, at, "", "must be a string") != 0;
            continue;
        }
        while (*s == ' ' || *s == '\t')
            s++;
        size_t len = strlen(s);
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (len == 0) {
            bad = v_add(e, at, "", "must not be empty") != 0;
            continue;
        }
        if (len > maxbytes) {
            bad = v_add(e, at, "", "must be at most %zu bytes", maxbytes) != 0;
            continue;
        }
        bool dup = false;
        for (size_t k = 0; k < json_array_size(res) && !dup; k++) {
            const char *t = json_string_value(json_array_get(res, k));
            dup = strlen(t) == len && strncasecmp(t, s, len) == 0;
        }
        if (!dup)
            json_array_append_new(res, json_stringn(s, len));
    }
    if (bad) {
        json_decref(res);
        return -1;
    }
    *out = res;
    return 0;
}

static int roles(const json_t *obj, json_t **out, verr *e)
{
    if (tags(obj, "roles", 16, out, e))
        return -1;
    if (!*out)
        return 0;
    bool bad = false;
    size_t i;
    json_t *item;
    json_array_foreach(*out, i, item)
    {
        const char *s = json_string_value(item);
        if (strcmp(s, "mentor") != 0 && strcmp(s, "mentee") != 0) {
            char at[32];
            v_index(at, sizeof at, "roles", i);
            bad = v_add(e, at, "", "must be \"mentor\" or \"mentee\"") != 0;
        }
    }
    if (!bad && json_array_size(*out) == 0)
        bad = v_add(e, "", "roles",
                    "must name at least one role (retire a resource to show it to nobody)") != 0;
    if (bad) {
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* A string at obj[key] of at most max bytes, or null when `nullable`
 * (*is_null set). Absent leaves *out NULL. */
static int text(const json_t *obj, const char *key, size_t max, bool nullable, const char **out,
                bool *is_null, verr *e)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (is_null)
        *is_null = false;
    if (!v)
        return 0;
    if (json_is_null(v) && nullable) {
        *is_null = true;
        return 0;
    }
    if (!json_is_string(v))
        return v_add(e, "", key, nullable ? "must be a string or null" : "must be a string");
    if (json_string_length(v) > max)
        return v_add(e, "", key, "must be at most %zu bytes", max);
    if (strlen(json_string_value(v)) != json_string_length(v))
        return v_add(e, "", key, "must not contain NUL characters");
    *out = json_string_value(v);
    return 0;
}

int resource_fields_read(const json_t *body, bool patch, const struct program_config *cfg,
                         struct resource_fields *out, verr *e)
{
    static const char *const create_keys[] = {"title",  "body_md", "url", "phases",
                                              "topics", "roles",   NULL};
    static const char *const patch_keys[] = {"title", "body_md",  "url",     "phases",  "topics",
                                             "roles", "position", "retired", "version", NULL};
    memset(out, 0, sizeof *out);
    out->position = -1;
    out->retired = -1;
    bool bad = false;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        bool known = false;
        for (const char *const *k = patch ? patch_keys : create_keys; *k && !known; k++)
            known = strcmp(*k, key) == 0;
        if (!known)
            bad = v_add(e, "", key, "is not a field of a resource") != 0;
    }
    bad |= text(body, "title", LIMIT_RESOURCE_TITLE_BYTES, false, &out->title, NULL, e) != 0;
    if (out->title && blank(out->title))
        bad = v_add(e, "", "title", "must not be blank") != 0;
    else if (out->title && v_line_problem(out->title, strlen(out->title)))
        bad = v_add(e, "", "title", "%s", v_line_problem(out->title, strlen(out->title))) != 0;
    if (!patch && !json_object_get(body, "title"))
        bad = v_add(e, "", "title", "is required") != 0;
    bad |= text(body, "body_md", LIMIT_RESOURCE_BODY_BYTES, true, &out->body_md, &out->clear_body,
                e) != 0;
    bad |= text(body, "url", LIMIT_URL_BYTES, true, &out->url, &out->clear_url, e) != 0;
    if (out->url && *out->url) {
        const char *why = resource_url_check(out->url);
        if (why)
            bad = v_add(e, "", "url", "%s", why) != 0;
    } else if (out->url) {
        out->url = NULL; /* "" is no link */
        out->clear_url = true;
    }
    if (out->body_md && blank(out->body_md)) {
        out->body_md = NULL;
        out->clear_body = true;
    }
    bad |= tags(body, "phases", LIMIT_RESOURCE_TAG_BYTES, &out->phases, e) != 0;
    if (cfg && out->phases)
        bad |= resource_phases_check(out->phases, cfg, e) != 0;
    if (!patch)
        bad |=
            resource_complete_check(out->title ? out->title : "-", out->body_md, out->url, e) != 0;
    bad |= tags(body, "topics", LIMIT_RESOURCE_TAG_BYTES, &out->topics, e) != 0;
    bad |= roles(body, &out->roles, e) != 0;
    if (patch) {
        json_t *p = json_object_get(body, "position");
        if (p && (!json_is_integer(p) || json_integer_value(p) < 0 ||
                  json_integer_value(p) >= LIMIT_RESOURCES_PER_LIBRARY))
            bad = v_add(e, "", "position", "must be a whole number from 0 to %d",
                        LIMIT_RESOURCES_PER_LIBRARY - 1) != 0;
        else if (p)
            out->position = json_integer_value(p);
        json_t *r = json_object_get(body, "retired");
        if (r && !json_is_boolean(r))
            bad = v_add(e, "", "retired", "must be true or false") != 0;
        else if (r)
            out->retired = json_is_true(r);
        json_t *ver = json_object_get(body, "version");
        if (ver && (!json_is_integer(ver) || json_integer_value(ver) < 1))
            bad = v_add(e, "", "version", "must be the version you read (a whole number)") != 0;
        else if (ver)
            out->version = json_integer_value(ver);
    }
    if (!patch && !out->roles)
        out->roles = json_pack("[s, s]", "mentor", "mentee");
    if (bad) {
        resource_fields_cleanup(out);
        out->position = -1;
        out->retired = -1;
        return -1;
    }
    return 0;
}

int resource_complete_check(const char *title, const char *body_md, const char *url, verr *e)
{
    int bad = 0;
    if (!title || blank(title))
        bad = v_add(e, "", "title", "is required");
    if ((!body_md || blank(body_md)) && (!url || !*url))
        bad = v_add(e, "", "body_md", "an article needs its text, a link its url: give one");
    return bad;
}

static bool same_name(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

/* The index of the phase of cfg named `name`, or -1. */
static int phase_named(const struct program_config *cfg, const char *name)
{
    for (size_t i = 0; i < json_array_size(cfg->phases.items); i++)
        if (same_name(
                json_string_value(json_object_get(json_array_get(cfg->phases.items, i), "name")),
                name))
            return (int)i;
    return -1;
}

int resource_phases_check(const json_t *phases, const struct program_config *cfg, verr *e)
{
    int bad = 0;
    size_t i;
    json_t *p;
    json_array_foreach(phases, i, p)
    {
        if (phase_named(cfg, json_string_value(p)) < 0) {
            char at[32];
            v_index(at, sizeof at, "phases", i);
            bad = v_add(e, at, "", "'%s' is not a phase of this program's model",
                        json_string_value(p));
        }
    }
    return bad;
}

bool resource_for_role(const json_t *roles, const char *role)
{
    if (!role || !*role || strcmp(role, "peer") == 0)
        return true;
    size_t i;
    json_t *r;
    json_array_foreach(roles, i, r)
    {
        if (str_eq(json_string_value(r), role))
            return true;
    }
    return false;
}

/* Where phase i's `resources` names `title`, or -1. */
static int listed(const struct program_config *cfg, size_t i, const char *title)
{
    const json_t *list = json_object_get(json_array_get(cfg->phases.items, i), "resources");
    size_t k;
    json_t *t;
    json_array_foreach(list, k, t)
    {
        if (same_name(json_string_value(t), title))
            return (int)k;
    }
    return -1;
}

static bool tagged(const json_t *phases, const char *name)
{
    size_t k;
    json_t *t;
    json_array_foreach(phases, k, t)
    {
        if (same_name(json_string_value(t), name))
            return true;
    }
    return false;
}

void resource_rank_place(struct resource_rank *r, const json_t *phases, const char *title,
                         const struct program_config *cfg, int current)
{
    size_t n = json_array_size(cfg->phases.items);
    int later = -1, earlier = -1;
    r->group = RESOURCE_ANY;
    r->distance = 0;
    r->listed_at = INT32_MAX;
    for (size_t i = 0; i < n; i++) {
        const char *name =
            json_string_value(json_object_get(json_array_get(cfg->phases.items, i), "name"));
        int at = listed(cfg, i, title);
        if (!tagged(phases, name) && at < 0)
            continue;
        int d = (int)i - current;
        if (d == 0) {
            r->group = RESOURCE_CURRENT;
            r->listed_at = at < 0 ? INT32_MAX : at;
            return;
        }
        if (d > 0 && (later < 0 || d < later))
            later = d;
        if (d < 0 && (earlier < 0 || -d < earlier))
            earlier = -d;
    }
    if (later > 0) {
        r->group = RESOURCE_LATER;
        r->distance = later;
    } else if (earlier > 0) {
        r->group = RESOURCE_EARLIER;
        r->distance = earlier;
    }
}

static int cmp_i64(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

static int cmp_rank(const void *pa, const void *pb)
{
    const struct resource_rank *a = pa, *b = pb;
    int c;
    if ((c = cmp_i64(a->group, b->group)) || (c = cmp_i64(a->distance, b->distance)) ||
        (c = cmp_i64(a->listed_at, b->listed_at)) || (c = cmp_i64(a->site, b->site)) ||
        (c = cmp_i64(a->position, b->position)))
        return c;
    return cmp_i64(a->id, b->id);
}

void resource_rank_sort(struct resource_rank *r, size_t n)
{
    if (n > 1)
        qsort(r, n, sizeof *r, cmp_rank);
}

const char *resource_group_name(enum resource_group g)
{
    switch (g) {
    case RESOURCE_CURRENT: return "current";
    case RESOURCE_LATER: return "later";
    case RESOURCE_EARLIER: return "earlier";
    default: return "any";
    }
}

int resource_hidden_read(const json_t *body, bool *hidden, verr *e)
{
    static const char *const keys[] = {"hidden", NULL};
    *hidden = false;
    int bad = v_known_keys(body, "", keys, e);
    const json_t *h = json_object_get(body, "hidden");
    if (json_is_boolean(h))
        *hidden = json_is_true(h);
    else
        bad = v_fail(e, "", "hidden", "is required: true or false");
    return bad ? -1 : 0;
}
