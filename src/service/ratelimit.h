/* ratelimit.h - the sign-in rate limit.
 *
 * Failed sign-ins are counted per client address, per account (the
 * e-mail address given) and, while the counter table is full, for
 * everyone without a counter of their own together. A count that reaches
 * its limit within the window locks that key for the lock time, and a
 * lock holds for all of it whatever else arrives: counters live in the
 * database table signin_counters, a row goes only once its window and
 * its lock are over, and when the table holds LIMIT_LOGIN_COUNTERS live
 * rows new keys are not added but fall under the stricter global count.
 * Because the counters are in the database, every server on it shares
 * them. Keys are BLAKE2b hashes keyed with a random secret kept in
 * server_secrets, so the table holds no address in clear and no one can
 * aim at a key. IPv6 addresses count per /64, the block one host holds.
 *
 * Check before verifying a password (svc_ratelimit_check: the address first,
 * and an address refused costs no account read); count the outcome after
 * (svc_ratelimit_failed / svc_ratelimit_succeeded, in a write transaction).
 */
#ifndef TANDEM_SERVICE_RATELIMIT_H
#define TANDEM_SERVICE_RATELIMIT_H

#include <stdint.h>

#include "store/store.h"

struct svc_ratelimit_config {
    int account_attempts; /* failures per window that lock an account */
    int address_attempts; /* ... that lock a client address */
    int global_attempts;  /* ... that lock every key without a counter, while full */
    int64_t window_s;
    int64_t lock_s;
    int64_t max_counters; /* live rows kept before new keys fall under the global count */
    const char *scope;    /* NULL: the sign-in's counters; a word ("reset:") keeps counts of its
                             own in the same table, keyed apart from the sign-in's */
};

/* The limits.h values. */
void svc_ratelimit_defaults(struct svc_ratelimit_config *cfg);

/* May a sign-in for email from address ip be tried at now? Runs in a read
 * (or write) transaction. Returns 0 with *retry_after 0 when it may, or 0
 * with *retry_after the seconds until it may; a store status < 0 when the
 * database fails. cfg NULL means the defaults. */
int svc_ratelimit_check(store *db, const struct svc_ratelimit_config *cfg, const char *email,
                        const char *ip, int64_t now, int64_t *retry_after);

/* As svc_ratelimit_check, telling the two limits apart: *by_address the
 * seconds the client address is refused for, *by_account the e-mail
 * address's (0: not refused). The address is read first: when it is
 * refused the account is not read and *by_account stays 0. */
int svc_ratelimit_check_each(store *db, const struct svc_ratelimit_config *cfg, const char *email,
                             const char *ip, int64_t now, int64_t *by_address, int64_t *by_account);

/* Counts a failed sign-in against the address and the account (or the
 * global count when the table is full). Needs a write transaction.
 * Returns 0 or a store status. */
int svc_ratelimit_failed(store *db, const struct svc_ratelimit_config *cfg, const char *email,
                         const char *ip, int64_t now);

/* A right password: the account's count starts again (the address's
 * does not). Needs a write transaction. Returns 0 or a store status. */
int svc_ratelimit_succeeded(store *db, const struct svc_ratelimit_config *cfg, const char *email,
                            int64_t now);

#endif
