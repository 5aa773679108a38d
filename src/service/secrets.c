/* secrets.c - named random keys in server_secrets (see secrets.h). */
#include "service/secrets.h"

#include <sodium.h>
#include <string.h>

int svc_server_secret(store *db, const char *name, bool create, unsigned char out[SVC_SECRET_BYTES],
                      int64_t now)
{
    for (int round = 0; round < 2; round++) {
        store_rows *rows;
        store_val p[] = {SV_TEXT(name)};
        int rc = store_query(db, "SELECT value FROM server_secrets WHERE name = ?1", p, 1, &rows);
        if (rc != STORE_OK)
            return rc;
        int found = 0;
        if ((rc = store_next(rows)) == 1) {
            const char *hex = store_col_text(rows, 0);
            size_t got = 0;
            found =
                hex &&
                sodium_hex2bin(out, SVC_SECRET_BYTES, hex, strlen(hex), NULL, &got, NULL) == 0 &&
                got == SVC_SECRET_BYTES;
        }
        store_rows_free(rows);
        if (rc < 0)
            return rc;
        if (found)
            return 1;
        if (!create || round)
            return 0;
        unsigned char fresh[SVC_SECRET_BYTES];
        char hex[2 * SVC_SECRET_BYTES + 1];
        randombytes_buf(fresh, sizeof fresh);
        sodium_bin2hex(hex, sizeof hex, fresh, sizeof fresh);
        sodium_memzero(fresh, sizeof fresh);
        /* Another server may make it at the same moment: theirs then wins. */
        store_val q[] = {SV_TEXT(name), SV_TEXT(hex), SV_INT(now)};
        rc = store_exec(db,
                        "INSERT INTO server_secrets (name, value, created_at) VALUES (?1, ?2, ?3) "
                        "ON CONFLICT (name) DO NOTHING",
                        q, 3, NULL);
        sodium_memzero(hex, sizeof hex);
        if (rc != STORE_OK)
            return rc;
    }
    return 0;
}
