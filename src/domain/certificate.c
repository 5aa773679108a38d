#include "domain/certificate.h"

#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "base/limits.h"
#include "base/str.h"

/* A4 landscape, in points. */
#define PAGE_W 841.89
#define PAGE_H 595.28
#define TEXT_W 680.0
#define SERIF "DejaVu Serif"
#define SANS "DejaVu Sans"

static const char *const months[12] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};

void certificate_date_words(const char *ymd, char *out, size_t outlen)
{
    int64_t y, m, d;
    char part[8];
    out[0] = '\0';
    if (!ymd || strlen(ymd) != 10 || ymd[4] != '-' || ymd[7] != '-')
        return;
    memcpy(part, ymd, 4), part[4] = '\0';
    if (str_to_i64(part, 1, 9999, &y))
        return;
    memcpy(part, ymd + 5, 2), part[2] = '\0';
    if (str_to_i64(part, 1, 12, &m))
        return;
    memcpy(part, ymd + 8, 2), part[2] = '\0';
    if (str_to_i64(part, 1, 31, &d))
        return;
    str_fmt(out, outlen, "%lld %s %lld", (long long)d, months[m - 1], (long long)y);
}

void certificate_duration_words(int64_t minutes, char *out, size_t outlen)
{
    if (minutes < 0)
        minutes = 0;
    long long h = minutes / 60, m = minutes % 60;
    if (h && m)
        str_fmt(out, outlen, "%lld hour%s and %lld minute%s", h, h == 1 ? "" : "s", m,
                m == 1 ? "" : "s");
    else if (h)
        str_fmt(out, outlen, "%lld hour%s", h, h == 1 ? "" : "s");
    else
        str_fmt(out, outlen, "%lld minute%s", m, m == 1 ? "" : "s");
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int length)
{
    return buf_append(closure, data, length) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* A centred layout of plain text (never markup) in `family` at `size`
 * points, wrapped to TEXT_W. */
static PangoLayout *layout_at(PangoContext *ctx, const char *family, PangoWeight weight,
                              PangoStyle style, double size, const char *text)
{
    PangoLayout *l = pango_layout_new(ctx);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, family);
    pango_font_description_set_weight(fd, weight);
    pango_font_description_set_style(fd, style);
    pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, (int)(TEXT_W * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
    pango_layout_set_text(l, text, -1);
    return l;
}

/* The largest size from `size` down to `min` (in steps of 2 points) at
 * which text fits on one line; at `min`, it wraps onto up to max_lines
 * lines and what still does not fit ends in an ellipsis. */
static PangoLayout *fitted(PangoContext *ctx, const char *family, PangoWeight weight, double size,
                           double min, int max_lines, const char *text)
{
    for (double s = size; s > min; s -= 2) {
        PangoLayout *l = layout_at(ctx, family, weight, PANGO_STYLE_NORMAL, s, text);
        if (pango_layout_get_line_count(l) <= 1)
            return l;
        g_object_unref(l);
    }
    PangoLayout *l = layout_at(ctx, family, weight, PANGO_STYLE_NORMAL, min, text);
    pango_layout_set_height(l, -max_lines);
    pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    return l;
}

/* Draws l centred horizontally with its top at *y, then moves *y below it
 * by its height and `gap`. Frees l. */
static void put(cairo_t *cr, PangoLayout *l, double *y, double gap)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    cairo_move_to(cr, (PAGE_W - TEXT_W) / 2, *y);
    pango_cairo_show_layout(cr, l);
    *y += (double)h / PANGO_SCALE + gap;
    g_object_unref(l);
}

static void frame(cairo_t *cr)
{
    cairo_set_source_rgb(cr, 0.09, 0.33, 0.36);
    cairo_set_line_width(cr, 3);
    cairo_rectangle(cr, 24, 24, PAGE_W - 48, PAGE_H - 48);
    cairo_stroke(cr);
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, 32, 32, PAGE_W - 64, PAGE_H - 64);
    cairo_stroke(cr);
}

int certificate_pdf(const struct certificate *c, buf *out)
{
    char from[40], to[40], issued[40], hours[80], line[400], sub[200];
    buf_reset(out);
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(to_buf, out, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "Certificate of completion");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Tandem");
    cairo_t *cr = cairo_create(surface);
    PangoFontMap *fm = pango_cairo_font_map_new();
    PangoContext *ctx = pango_font_map_create_context(fm);
    pango_cairo_context_set_resolution(ctx, 72); /* a point is a user unit */
    pango_cairo_update_context(cr, ctx);

    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    frame(cr);

    certificate_date_words(c->from, from, sizeof from);
    certificate_date_words(c->to, to, sizeof to);
    certificate_date_words(c->issued, issued, sizeof issued);
    certificate_duration_words(c->minutes, hours, sizeof hours);
    const char *role = str_eq(c->role, "mentor")   ? "as mentor"
                       : str_eq(c->role, "mentee") ? "as mentee"
                                                   : "as a peer";

    double y = 78;
    cairo_set_source_rgb(cr, 0.09, 0.33, 0.36);
    put(cr,
        layout_at(ctx, SERIF, PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL, 34,
                  "Certificate of completion"),
        &y, 26);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    put(cr,
        layout_at(ctx, SERIF, PANGO_WEIGHT_NORMAL, PANGO_STYLE_ITALIC, 15, "This certifies that"),
        &y, 12);
    cairo_set_source_rgb(cr, 0, 0, 0);
    put(cr, fitted(ctx, SERIF, PANGO_WEIGHT_BOLD, 40, 18, 3, c->name ? c->name : ""), &y, 14);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    str_fmt(sub, sizeof sub, "completed a mentoring relationship %s", role);
    put(cr, layout_at(ctx, SERIF, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, 15, sub), &y, 6);
    if (c->partners && *c->partners) {
        /* "with" and the names are two layouts, so a name is never read
         * as part of the wording. */
        put(cr, layout_at(ctx, SERIF, PANGO_WEIGHT_NORMAL, PANGO_STYLE_ITALIC, 13, "with"), &y, 2);
        put(cr, fitted(ctx, SERIF, PANGO_WEIGHT_NORMAL, 17, 11, 2, c->partners), &y, 10);
    }
    put(cr, layout_at(ctx, SERIF, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, 15, "in the program"),
        &y, 6);
    cairo_set_source_rgb(cr, 0.09, 0.33, 0.36);
    put(cr, fitted(ctx, SERIF, PANGO_WEIGHT_BOLD, 24, 13, 2, c->program ? c->program : ""), &y, 18);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    str_fmt(line, sizeof line, "From %s to %s", from, to);
    put(cr, layout_at(ctx, SANS, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, 12, line), &y, 4);
    str_fmt(line, sizeof line, "%s of mentoring in %lld meeting%s", hours, (long long)c->meetings,
            c->meetings == 1 ? "" : "s");
    put(cr, layout_at(ctx, SANS, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, 12, line), &y, 0);

    double foot = PAGE_H - 70;
    str_fmt(line, sizeof line, "Issued on %s with Tandem", issued);
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    put(cr, layout_at(ctx, SANS, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, 10, line), &foot, 0);

    g_object_unref(ctx);
    g_object_unref(fm);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    int ok = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(surface);
    if (!ok || out->len == 0) {
        buf_reset(out);
        return -1;
    }
    return 0;
}
