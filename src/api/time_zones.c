/* time_zones.c - GET /api/v1/time-zones: the zones people pick from for
 * their profile, with the offset each has now and its standard offset,
 * from this machine's tz database (domain/tz.h). */
#include "api/handlers.h"
#include "base/clock.h"
#include "domain/profile.h"
#include "domain/tz.h"

struct zones {
    json_t *items;
    int64_t now;
};

static void add(const char *zone, void *ctx)
{
    struct zones *z = ctx;
    int offset, standard;
    bool dst;
    if (!profile_time_zone_valid(zone) || tz_describe(zone, z->now, &offset, &dst, &standard))
        return; /* only zones a profile may name */
    char text[8];
    tz_offset_text(offset, text);
    json_array_append_new(z->items,
                          json_pack("{s:s, s:s, s:i, s:i, s:b}", "name", zone, "offset", text,
                                    "offset_minutes", offset / 60, "standard_offset_minutes",
                                    standard / 60, "dst", dst));
}

int h_time_zones(api_ctx *c)
{
    struct zones z = {.items = json_array(), .now = clock_now()};
    if (tz_each_zone(add, &z) < 0) {
        json_decref(z.items);
        return api_problem(c, 503, NULL, "the time-zone database cannot be read");
    }
    c->resp->no_store = false;
    c->resp->cache_control = "private, max-age=3600";
    return api_json(c, 200, json_pack("{s:o}", "items", z.items));
}
