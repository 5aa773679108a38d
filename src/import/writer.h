/* writer.h - the import's side of the database (private to import/):
 * finding which people and participations exist, deciding what each good
 * row does, and writing it all - inserts through store_batch_* (COPY on
 * PostgreSQL), look-ups and updates as batched statements (batch.h). */
#ifndef TANDEM_IMPORT_WRITER_H
#define TANDEM_IMPORT_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "base/pool.h"
#include "import/check.h"
#include "import/import.h"
#include "import/roster.h"
#include "service/service.h"
#include "store/store.h"

enum import_action { IMPORT_CREATE, IMPORT_UPDATE, IMPORT_SAME };

/* What one good row will do (parallel to roster.rows). */
struct import_plan {
    enum import_action action;
    int64_t participation_id;
    const char *new_profile;         /* what IMPORT_UPDATE writes */
    int64_t new_capacity, new_wants; /* what IMPORT_UPDATE writes; 0: none */
    const char *token;               /* the invitation's secret (IMPORT_CREATE) */
};

struct import_job {
    store *db;
    const svc_actor *actor;
    const struct import_opts *o;
    pool *pool;
    struct import_problems *problems;
    struct import_roster roster;
    struct import_plan *plans;
    char program_name[LIMIT_NAME_BYTES + 1];
    int64_t default_capacity, default_wants;
    const char *base_url;
    int64_t now;
    size_t records; /* data rows read */
    size_t created_people, created, updated, unchanged;
    size_t writes, written; /* items the write pass has, and has done (progress) */
};

/* Looks up the people and participations the rows name, checks the
 * managers and decides what each good row does (j->plans, the counts).
 * Writes nothing. A store status. */
int import_look_up(struct import_job *j);

/* Writes every good row as planned, new people managers first (by the
 * depths of import_roster_order), and the audit record. Call only when no
 * problem was found. A store status. */
int import_write(struct import_job *j);

/* Reports writing progress: n more items done. */
void import_wrote(struct import_job *j, size_t n);

#endif
