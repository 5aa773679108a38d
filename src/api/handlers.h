/* handlers.h - every API handler, one group per resource file. Each
 * returns 0 on success (commit) or -1 after writing an error (rollback). */
#ifndef TANDEM_API_HANDLERS_H
#define TANDEM_API_HANDLERS_H

#include "api/api.h"

/* system.c */
int h_healthz(api_ctx *c);
int h_metrics(api_ctx *c);
int h_openapi(api_ctx *c);

/* session.c */
int h_session_create(api_ctx *c);
int h_session_delete(api_ctx *c);
int h_me(api_ctx *c);
int h_token_create(api_ctx *c);

/* people.c */
int h_people_create(api_ctx *c);
int h_people_list(api_ctx *c);

/* programs.c */
int h_programs_list(api_ctx *c);
int h_program_create(api_ctx *c);
int h_program_get(api_ctx *c);
int h_program_patch(api_ctx *c);
int h_phase_templates(api_ctx *c);

#endif
