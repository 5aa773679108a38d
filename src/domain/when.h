/* when.h - instants as people read them, in a named time zone (IANA):
 * "Tuesday 8 December 2026, 16:30 (Europe/Paris)" in an e-mail, the
 * calendar date "today" is in someone's zone. The zone rules come from
 * ICU (libicu), so summer time and past changes of a zone are right.
 * Pure apart from reading ICU's zone data; thread-safe. */
#ifndef TANDEM_DOMAIN_WHEN_H
#define TANDEM_DOMAIN_WHEN_H

#include <stddef.h>
#include <stdint.h>

/* true for a time-zone name ICU and this machine's tz database both know
 * (the names profile_time_zone_valid accepts). */
int when_zone_known(const char *tz);

/* Formats Unix seconds `t` in zone `tz` (NULL, "" or unknown: UTC) as
 * "Tuesday 8 December 2026, 16:30 (Europe/Paris)" into out. Returns 0, or
 * -1 when out is too small (out then holds a shorter, UTC text). */
int when_text(int64_t t, const char *tz, char *out, size_t outlen);

/* The calendar date of `t` in zone `tz` (unknown: UTC) as "YYYY-MM-DD". */
void when_date(int64_t t, const char *tz, char out[11]);

#endif
