/* request.h - what a mentee's request to a mentor (product.md §5, "Find
 * a mentor") is made of as its bodies give it: the new request (the
 * mentors asked, in order of preference, and a message) and the answer
 * (accept, decline, withdraw). Pure readers; the rules that need data
 * (who is a mentor with a free place, one pending request per mentee)
 * are service/requests.h's. */
#ifndef TANDEM_DOMAIN_REQUEST_H
#define TANDEM_DOMAIN_REQUEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/validate.h"

/* A new request: the mentors asked, in order of preference. */
struct request_new {
    const int64_t *mentors; /* participations */
    size_t n;               /* 1 .. LIMIT_REQUEST_CHOICES */
    const char *message;    /* borrowed; "" for none */
};

/* Reads the body of POST /programs/{id}/requests: the known keys, one to
 * LIMIT_REQUEST_CHOICES mentors (integers, into ids, which out->mentors
 * points at; whether each is a mentor of the program is the service's
 * to say) and a message of at most LIMIT_REQUEST_MESSAGE_BYTES. Stops at
 * the first bad field, named in e ("mentors", "mentors[1]"). Returns 0
 * or -1. */
int request_new_read(const json_t *body, int64_t ids[LIMIT_REQUEST_CHOICES],
                     struct request_new *out, verr *e);

enum request_action { REQUEST_ACCEPT, REQUEST_DECLINE, REQUEST_WITHDRAW };

/* Reads the body of PATCH /requests/{id}: the action (accept, decline,
 * withdraw; required) and a message of at most LIMIT_REASON_BYTES
 * (borrowed, "" when absent). Stops at the first bad field, named in e.
 * Returns 0 or -1. */
int request_answer_read(const json_t *body, enum request_action *action, const char **message,
                        verr *e);

#endif
