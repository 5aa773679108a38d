#include "cli/args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_parse(int argc, char **argv, const struct cli_flag *flags, const char **positional,
              int maxpos, int *npos)
{
    int n = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || strcmp(a, "--") == 0) {
            if (strcmp(a, "--") == 0 && i + 1 < argc)
                a = argv[++i];
            if (n >= maxpos) {
                fprintf(stderr, "tandem %s: unexpected argument '%s' (see tandem help)\n", argv[0],
                        a);
                return 2;
            }
            positional[n++] = a;
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        const struct cli_flag *f = flags;
        while (f->name && !(strlen(f->name) == len && strncmp(f->name, a, len) == 0))
            f++;
        if (!f->name) {
            fprintf(stderr, "tandem %s: unknown option '%.*s' (see tandem help)\n", argv[0],
                    (int)len, a);
            return 2;
        }
        if (f->set)
            *f->set = true;
        if (!f->value) {
            if (eq) {
                fprintf(stderr, "tandem %s: %s takes no value\n", argv[0], f->name);
                return 2;
            }
            continue;
        }
        if (eq) {
            *f->value = eq + 1;
        } else if (i + 1 < argc) {
            *f->value = argv[++i];
        } else {
            fprintf(stderr, "tandem %s: %s needs a value\n", argv[0], f->name);
            return 2;
        }
    }
    if (npos)
        *npos = n;
    return 0;
}

const char *cli_db_url(const char *flag_value, const char *cmd)
{
    const char *url = flag_value ? flag_value : getenv("TANDEM_DB");
    if (!url || !*url)
        fprintf(stderr, "tandem %s: give the database with --db URL or TANDEM_DB\n", cmd);
    return url && *url ? url : NULL;
}
