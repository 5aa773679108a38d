/* note.h - what a relationship's notes and messages (product.md §2, §6)
 * are made of as their bodies give them: a note's text and visibility, a
 * message's text. Pure readers; who may read or change which note is
 * service/note.h's. */
#ifndef TANDEM_DOMAIN_NOTE_H
#define TANDEM_DOMAIN_NOTE_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/validate.h"

extern const char *const note_visibilities[]; /* private, shared; NULL-ended */

/* Reads the body of a note's POST (`create`) or PATCH: the known keys,
 * its text (`body`, 1..LIMIT_TEXT_BYTES, not blank; required on create,
 * never null) into *text and its visibility (among note_visibilities)
 * into *visibility. Either is NULL when absent: kept, or private for a
 * new note. Both borrowed from body. Stops at the first bad field, named
 * in e. Returns 0 or -1. */
int note_input_read(const json_t *body, bool create, const char **text, const char **visibility,
                    verr *e);

/* Reads the body of a message's POST: the known keys and its text
 * (`body`, required, not blank, at most LIMIT_MESSAGE_BYTES) into *text,
 * borrowed. Returns 0, or -1 naming the field in e. */
int message_input_read(const json_t *body, const char **text, verr *e);

#endif
