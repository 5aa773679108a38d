#include "domain/health.h"

#include "base/limits.h"

#include <string.h>

/* The qualities of a successful mentoring relationship (seeds: "Building
 * the mentoring relationship"). */
const struct health_quality health_qualities[HEALTH_QUALITIES] = {
    {"articulation", "Articulation",
     "We help each other put feelings, thoughts and ideas into words."},
    {"listening", "Listening", "We both listen actively."},
    {"respect", "Respect", "There is enough respect between us to be open."},
    {"goal_clarity", "Goal clarity",
     "We both understand the mentee's objectives (and the mentor's)."},
    {"challenge", "Challenge", "We both feel challenged in this relationship."},
    {"self_awareness", "Self-awareness",
     "We bring insight into ourselves: the mentor guides from experience, the mentee learns from "
     "it."},
    {"commitment_to_learning", "Commitment to learning", "We are both learning and growing."},
    {"reflection_and_preparation", "Reflection and preparation",
     "We both invest the time to prepare and to follow through."},
};

int health_quality_index(const char *key)
{
    for (int i = 0; key && i < HEALTH_QUALITIES; i++)
        if (strcmp(health_qualities[i].key, key) == 0)
            return i;
    return -1;
}

int health_ratings_check(const json_t *ratings, int out[HEALTH_QUALITIES], verr *e)
{
    if (!ratings || json_is_null(ratings))
        return v_fail(e, "", "ratings", "is required: rate each of the eight qualities 1 to 5");
    if (!json_is_object(ratings))
        return v_fail(e, "", "ratings", "must be an object of quality to rating");
    bool bad = false;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)ratings, key, v)
    {
        if (health_quality_index(key) < 0)
            bad = v_add(e, "ratings", key, "is not one of the eight qualities") != 0;
    }
    for (int i = 0; i < HEALTH_QUALITIES; i++) {
        v = json_object_get(ratings, health_qualities[i].key);
        if (!v || json_is_null(v))
            bad = v_add(e, "ratings", health_qualities[i].key, "is required (1 to 5)") != 0;
        else if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 5)
            bad = v_add(e, "ratings", health_qualities[i].key,
                        "must be a whole number from 1 to 5") != 0;
        else
            out[i] = (int)json_integer_value(v);
    }
    return bad ? -1 : 0;
}

double health_average(const int r[HEALTH_QUALITIES])
{
    int sum = 0;
    for (int i = 0; i < HEALTH_QUALITIES; i++)
        sum += r[i];
    return (double)sum / HEALTH_QUALITIES;
}

int health_check_read(const json_t *body, int ratings[HEALTH_QUALITIES], const char **comment,
                      int *share, verr *e)
{
    static const char *const keys[] = {"ratings", "comment", "share", NULL};
    *share = -1;
    int bad = v_known_keys(body, "", keys, e);
    bad |= v_string(body, "comment", "", false, true, LIMIT_HEALTH_COMMENT_BYTES, "", comment, e);
    const json_t *s = json_object_get(body, "share");
    if (json_is_boolean(s))
        *share = json_is_true(s);
    else if (s && !json_is_null(s))
        bad = v_fail(e, "", "share", "must be true or false");
    bad |= health_ratings_check(json_object_get(body, "ratings"), ratings, e);
    return bad ? -1 : 0;
}

int health_share_read(const json_t *body, bool *share, verr *e)
{
    static const char *const keys[] = {"share", NULL};
    *share = false;
    int bad = v_known_keys(body, "", keys, e);
    const json_t *s = json_object_get(body, "share");
    if (json_is_boolean(s))
        *share = json_is_true(s);
    else if (!s || json_is_null(s))
        bad = v_fail(e, "", "share", "is required (true or false)");
    else
        bad = v_fail(e, "", "share", "must be true or false");
    return bad ? -1 : 0;
}
