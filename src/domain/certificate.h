/* certificate.h - a certificate of completion as a PDF (product.md §6-7,
 * issue 12 item 6), drawn with cairo and laid out with pango: real text,
 * any script (right-to-left and CJK included, through fontconfig's
 * fallback fonts), a long name made smaller and wrapped until it fits.
 *
 * Every text given is drawn as plain text (pango_layout_set_text, never
 * markup), so a name such as "<b>Ann</b> &amp;" prints exactly as typed;
 * nothing but the texts below, the fixed wording and the fonts' glyphs
 * goes into the file (no links, no images, no other metadata than the
 * title "Certificate of completion" and the creator "Tandem").
 * Pure apart from reading the fonts; thread-safe (each call has its own
 * font map).
 */
#ifndef TANDEM_DOMAIN_CERTIFICATE_H
#define TANDEM_DOMAIN_CERTIFICATE_H

#include <stdint.h>

#include "base/buf.h"

struct certificate {
    const char *name;      /* the person's, as written */
    const char *program;   /* the program's name */
    const char *role;      /* "mentor", "mentee" or "peer" */
    const char *partners;  /* the other members, "Ann Lee and Bo Chen"; "" for none */
    const char *from, *to; /* the relationship's dates, "YYYY-MM-DD" */
    int64_t minutes;       /* of mentoring, in the meetings held */
    int64_t meetings;      /* meetings held */
    const char *issued;    /* "YYYY-MM-DD" */
};

/* Draws the certificate as a one-page A4 landscape PDF into out (whose
 * cap must allow LIMIT_CERTIFICATE_BYTES). Returns 0, or -1 when cairo
 * failed or the file would pass the cap (out is then reset). */
int certificate_pdf(const struct certificate *c, buf *out);

/* "3 March 2026" from "2026-03-03" into out ("" when not a date). */
void certificate_date_words(const char *ymd, char *out, size_t outlen);

/* "3 hours and 30 minutes", "45 minutes", "1 hour" into out. */
void certificate_duration_words(int64_t minutes, char *out, size_t outlen);

#endif
