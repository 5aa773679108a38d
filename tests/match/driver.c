/* driver.c - `tandem match` on its own, for the oracle tests and the
 * benchmark: links only the engine, base/ and the match command. */
#include "cli/cli.h"

#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "match") == 0)
        return cli_match(argc - 1, argv + 1);
    return cli_match(argc, argv);
}
