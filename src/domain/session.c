#include "domain/session.h"

#include "base/limits.h"

bool session_live(int64_t now, int64_t expires_at, int64_t last_seen_at, int64_t idle_s)
{
    return now < expires_at && now < last_seen_at + idle_s;
}

bool session_seen_due(int64_t now, int64_t last_seen_at)
{
    return now - last_seen_at >= LIMIT_SEEN_EVERY_S;
}
