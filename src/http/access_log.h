/* access_log.h - the request target as the access log writes it.
 *
 * The log gets the raw target the client sent (not the percent-decoded
 * path), with two changes:
 *
 *   - secrets are redacted: a path segment or query value that holds a
 *     secret becomes "[redacted]" (a calendar feed token in
 *     /api/v1/calendar/TOKEN.ics, an invitation token in /invite/TOKEN, a
 *     reset token in /reset/TOKEN, the value of a query parameter whose
 *     name says token, key, secret, password, code or signature, and
 *     anything that looks like one of Tandem's secrets: a "tdm_" or
 *     "cal_" prefix, or a run of 32 or more base64url characters). A
 *     segment is judged on its decoded text, so percent-encoding does not
 *     hide a secret;
 *   - every byte that could end a line, start a terminal escape or break
 *     the line's fields (controls, space, DEL, non-ASCII, '"', '\') is
 *     written as %HH, so one request is always one line.
 *
 * Pure: no I/O, no allocation.
 */
#ifndef TANDEM_HTTP_ACCESS_LOG_H
#define TANDEM_HTTP_ACCESS_LOG_H

#include <stddef.h>

/* Writes raw (NUL-terminated, as received) into out[outlen] as described
 * above; a target too long for out is cut and ends in "...". Returns the
 * length written (out is always NUL-terminated when outlen > 0). */
size_t access_log_target(const char *raw, char *out, size_t outlen);

/* Writes s into out[outlen] with the same byte escaping and no
 * redaction (for the method). Returns the length written. */
size_t access_log_escape(const char *s, char *out, size_t outlen);

#endif
