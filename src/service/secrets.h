/* secrets.h - the random keys the servers sharing one database agree on,
 * kept in server_secrets by name ("signin_counters", "unsubscribe").
 */
#ifndef TANDEM_SERVICE_SECRETS_H
#define TANDEM_SERVICE_SECRETS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define SVC_SECRET_BYTES 32

/* Reads the secret `name` into out: 1 when there is one; 0 when none
 * exists yet (with create set it is made now, which needs a write
 * transaction, and 1 returned; two servers making it at once agree on
 * the first stored); or a store status. */
int svc_server_secret(store *db, const char *name, bool create, unsigned char out[SVC_SECRET_BYTES],
                      int64_t now);

#endif
