/* session.h - when a sign-in is still good: the expiry rules of browser
 * sessions, and how often a session's or an API token's use is recorded.
 * Pure: the caller gives the times. */
#ifndef TANDEM_DOMAIN_SESSION_H
#define TANDEM_DOMAIN_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/validate.h"

/* Is a session live at now? It ends at expires_at (the absolute expiry,
 * fixed when it was opened) and after idle_s without use (sliding: each
 * recorded use, last_seen_at, moves it on). The end itself is not live. */
bool session_live(int64_t now, int64_t expires_at, int64_t last_seen_at, int64_t idle_s);

/* Is it time to record a use again? Uses are written at most once every
 * LIMIT_SEEN_EVERY_S, so reading stays a read; the idle expiry is that
 * much coarse. */
bool session_seen_due(int64_t now, int64_t last_seen_at);

/* The body of POST /api/v1/tokens: a name (one line of at most
 * LIMIT_NAME_BYTES; "API token" when absent), the lifetime in days
 * (1..max_days; default_days when absent) and the account's password
 * (required, at most LIMIT_PASSWORD_MAX bytes; whether it is right is the
 * caller's). Strings are borrowed from body. */
struct token_request {
    const char *name, *password;
    int64_t days;
};

/* Reads it, naming every bad field. Returns 0 or -1. */
int token_request_read(const json_t *body, int64_t default_days, int64_t max_days,
                       struct token_request *out, verr *e);

#endif
