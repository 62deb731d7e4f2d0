/* The counterpart of libharu_table.c (docs/decisions/0011-report-pdf-with-
 * cairo-and-pango.md): the same 300-row table over A4 pages, header on
 * each page, the "why" column wrapped by pango in its width, the same
 * names, written with cairo's PDF surface and pango (fonts by fontconfig,
 * embedded as subsets). As the project does it, without its report code.
 *   gcc -O2 bench/pdf_libraries/pango_table.c -o /tmp/pango $(pkg-config --cflags --libs pangocairo) && /tmp/pango /tmp/pango.pdf
 *   pdftotext /tmp/pango.pdf - | grep -c 'row-'
 */
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>

#include "timing.h"
#include <time.h>

static const char* kNames[] = {"Ann Example", "Γιώργος Παπαδόπουλος", "王小明", "José Núñez"};
static const char* kWhy = "not dispatchable (location source none, routed ecrc); 2 alerts failed; warnings: vpn, stale-location";

static PangoLayout* text(cairo_t* cr, const char* s, double width) {
  PangoLayout* l = pango_cairo_create_layout(cr);
  PangoFontDescription* f = pango_font_description_from_string("DejaVu Sans 9");
  pango_font_description_set_absolute_size(f, 9 * PANGO_SCALE);
  pango_layout_set_font_description(l, f);
  pango_font_description_free(f);
  if (width > 0) {
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  }
  pango_layout_set_text(l, s, -1);
  return l;
}

static void show(cairo_t* cr, PangoLayout* l, double x, double y) {
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, l);
}

static int write_pdf(const char* path) {
  const double width = 595.276, height = 841.89, margin = 50, lead = 12;
  const double cols[] = {margin, margin + 90, margin + 250};
  cairo_surface_t* surface = cairo_pdf_surface_create(path, width, height);
  cairo_t* cr = cairo_create(surface);
  double y = height;  /* a new page at once */
  int pages = 0;
  for (int row = 0; row < 300; ++row) {
    char call[32];
    snprintf(call, sizeof call, "row-%d", row);
    PangoLayout* why = text(cr, kWhy, width - margin - cols[2]);
    int w, h;
    pango_layout_get_size(why, &w, &h);
    const double row_height = (double)h / PANGO_SCALE + 2;
    if (y + row_height > height - margin) {
      if (pages > 0) cairo_show_page(cr);
      ++pages;
      y = margin;
      const char* heads[] = {"HEADCALL", "caller", "why"};
      for (int c = 0; c < 3; ++c) {
        PangoLayout* l = text(cr, heads[c], 0);
        show(cr, l, cols[c], y);
        g_object_unref(l);
      }
      y += lead;
    }
    PangoLayout* a = text(cr, call, 0);
    PangoLayout* b = text(cr, kNames[row % 4], 0);
    show(cr, a, cols[0], y);
    show(cr, b, cols[1], y);
    show(cr, why, cols[2], y);
    g_object_unref(a);
    g_object_unref(b);
    g_object_unref(why);
    y += row_height;
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const int ok = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS;
  cairo_surface_destroy(surface);
  return ok ? pages : -1;
}

int main(int argc, char** argv) { return time_writer("cairo+pango", write_pdf, argc > 1 ? argv[1] : "pango.pdf"); }
