/* clock.h - time in one unit. Stored times are Unix seconds (int64). */
#ifndef TANDEM_BASE_CLOCK_H
#define TANDEM_BASE_CLOCK_H

#include <stdint.h>

int64_t clock_now(void); /* wall clock, Unix seconds; overridable in tests by TANDEM_NOW */
double clock_mono(void); /* monotonic seconds, for measuring */
/* Formats Unix seconds as RFC 3339 UTC ("2026-11-23T08:00:00Z") into out[21+]. */
void clock_rfc3339(int64_t t, char out[32]);
/* Parses RFC 3339 ("YYYY-MM-DDTHH:MM:SSZ" or with +hh:mm) or a date
 * "YYYY-MM-DD" (midnight UTC); 0 on success. */
int clock_parse(const char *s, int64_t *out);

#endif
