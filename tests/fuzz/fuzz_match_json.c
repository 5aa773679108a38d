/* fuzz_match_json.c - the file contract of `tandem match`, through its
 * public parse entry point (match_json_read_string) only.
 *
 * Properties: it accepts (an instance, no message) or refuses (no
 * instance, a one-line message); it never crashes or leaks. */
#include "fuzz.h"
#include "match/match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    char *text = fuzz_text(data, size);
    char err[512];
    err[0] = '\0';
    match_instance *in = (match_instance *)1;
    int rc = match_json_read_string(text, "in.json", &in, err, sizeof err);
    if (rc == 0) {
        fuzz_assert(in != NULL);
    } else {
        fuzz_assert(rc == -1 && in == NULL);
        fuzz_assert(err[0] && !strchr(err, '\n'));
    }
    match_instance_free(rc == 0 ? in : NULL);
    free(text);
    return 0;
}
