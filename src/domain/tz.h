/* tz.h - time zones from this machine's tz database (/usr/share/zoneinfo):
 * which names exist, and the UTC offset a zone has at a given time.
 *
 * The zone files are read as RFC 8536 (TZif) describes them: the
 * transition table, and its POSIX TZ footer for times past the table. The
 * only I/O is reading those files; nothing is cached, and nothing touches
 * the process's own time zone (TZ, tzset), so any thread may call these.
 */
#ifndef TANDEM_DOMAIN_TZ_H
#define TANDEM_DOMAIN_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TZ_NAME_BYTES 64 /* the longest zone name accepted */

/* true for an IANA name ("Europe/Lisbon", "UTC") of a zone file here. */
bool tz_known(const char *zone);

/* The offset from UTC in force in `zone` at Unix time t, in seconds east
 * of UTC (Lisbon in summer: 3600), and whether it is daylight saving time
 * (dst may be NULL). 0, or -1 when the zone is unknown or its file cannot
 * be read. */
int tz_offset(const char *zone, int64_t t, int *offset, bool *dst);

/* The zone's standard offset at t: the offset outside daylight saving
 * time (Lisbon: 0 all year, New York: -18000). It does not move with the
 * seasons, so two people's standard offsets compare the same all year.
 * 0, or -1 as tz_offset. */
int tz_standard_offset(const char *zone, int64_t t, int *offset);

/* Both at once, reading the zone's file once: the offset at t, whether it
 * is daylight time (may be NULL) and the standard offset. 0 or -1. */
int tz_describe(const char *zone, int64_t t, int *offset, bool *dst, int *standard);

/* A change of a zone's offset: at Unix time `at` the offset goes from
 * `from` to `to` (seconds east of UTC), into daylight time or out of it. */
struct tz_change {
    int64_t at;
    int from, to;
    bool dst; /* after the change */
};

/* The changes of zone's offset after `from` and before `to`, oldest first
 * (the table's, then the POSIX rule's beyond it), at most max of them into
 * out (*n how many), and the offset and daylight flag in force at `from`.
 * A transition that changes neither (a new abbreviation only) is left
 * out. 0, or -1 when the zone is unknown or its file cannot be read. */
int tz_changes(const char *zone, int64_t from, int64_t to, struct tz_change *out, size_t max,
               size_t *n, int *offset, bool *dst);

/* Formats an offset in seconds as "+01:00", "-05:00", "+05:45" into out. */
void tz_offset_text(int offset, char out[8]);

/* The zone names people choose from: every zone of zone.tab (one or more
 * per country, "Europe/Oslo", "America/Sao_Paulo") and "UTC", sorted.
 * Calls fn for each; returns how many, or -1 when zone.tab cannot be
 * read. */
int tz_each_zone(void (*fn)(const char *zone, void *ctx), void *ctx);

#endif
