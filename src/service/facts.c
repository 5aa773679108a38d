/* facts.c - the per-relationship facts (facts.h): the one definition is
 * the view relationship_facts_source (migration 016); this copies it into
 * relationship_facts for one relationship or all, and compares the two. */
#include "service/facts.h"

int svc_facts_refresh(store *db, int64_t rel_id)
{
    store_val p[] = {SV_INT(rel_id)};
    int rc =
        store_exec(db, "DELETE FROM relationship_facts WHERE relationship_id = ?1", p, 1, NULL);
    if (rc == STORE_OK)
        rc = store_exec(db,
                        "INSERT INTO relationship_facts SELECT * FROM relationship_facts_source "
                        "WHERE relationship_id = ?1",
                        p, 1, NULL);
    return rc;
}

int svc_facts_refresh_program(store *db, int64_t program_id)
{
    store_val p[] = {SV_INT(program_id)};
    int rc = store_exec(db, "DELETE FROM relationship_facts WHERE program_id = ?1", p, 1, NULL);
    if (rc == STORE_OK)
        rc = store_exec(db,
                        "INSERT INTO relationship_facts SELECT * FROM relationship_facts_source "
                        "WHERE program_id = ?1",
                        p, 1, NULL);
    return rc;
}

int svc_facts_rebuild(store *db)
{
    int rc = store_begin(db);
    if (rc != STORE_OK)
        return rc;
    if ((rc = store_exec(db, "DELETE FROM relationship_facts", NULL, 0, NULL)) == STORE_OK &&
        (rc = store_exec(db,
                         "INSERT INTO relationship_facts SELECT * FROM relationship_facts_source",
                         NULL, 0, NULL)) == STORE_OK)
        return store_commit(db);
    store_rollback(db);
    return rc;
}

int svc_facts_check(store *db, int64_t *differ)
{
    *differ = 0;
    int rc = store_query_int(db,
                             "SELECT COUNT(*) FROM (SELECT * FROM relationship_facts_source "
                             "EXCEPT SELECT * FROM relationship_facts) d",
                             NULL, 0, differ);
    int64_t extra = 0;
    if (rc >= 0)
        rc = store_query_int(db,
                             "SELECT COUNT(*) FROM (SELECT * FROM relationship_facts EXCEPT "
                             "SELECT * FROM relationship_facts_source) d",
                             NULL, 0, &extra);
    *differ += extra;
    return rc < 0 ? rc : STORE_OK;
}
