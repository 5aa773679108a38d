/* router.h - path patterns. A pattern is a path whose segments are
 * literals or "{name}" placeholders; "{name}.ics" matches a segment with
 * that suffix. The route tables themselves live with their handlers. */
#ifndef TANDEM_HTTP_ROUTER_H
#define TANDEM_HTTP_ROUTER_H

#include <stdbool.h>

#include "http/http.h"

/* true when path matches pattern; each placeholder's text is copied into
 * store (a buffer of storelen bytes) and pointed to by r->params in order.
 * On false, r->params is left in an unspecified state. */
bool http_route_match(const char *pattern, const char *path, http_req *r, char *store,
                      size_t storelen);

#endif
