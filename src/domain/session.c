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

int token_request_read(const json_t *body, int64_t default_days, int64_t max_days,
                       struct token_request *out, verr *e)
{
    static const char *const keys[] = {"name", "expires_in_days", "password", NULL};
    *out = (struct token_request){.days = default_days};
    int bad = v_known_keys(body, "", keys, e);
    bad |= v_line(body, "name", "", false, false, LIMIT_NAME_BYTES, "API token", &out->name, e);
    bad |= v_int(body, "expires_in_days", "", 1, max_days, default_days, false, &out->days, e);
    bad |= v_string(body, "password", "", true, false, LIMIT_PASSWORD_MAX, NULL, &out->password, e);
    return bad ? -1 : 0;
}
