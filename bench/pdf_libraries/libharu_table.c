/* The measurement behind docs/decisions/0011-report-pdf-with-cairo-and-pango.md:
 * libharu (libhpdf-dev) writing what the report's longest part is, a table
 * of 300 failing calls over A4 pages with its header repeated on each page,
 * the "why" column wrapped in its width, names in Greek and Chinese among
 * them, DejaVu Sans embedded as UTF-8. pango_table.c writes the same with
 * cairo and pango. Not built by CMake (the project does not depend on it):
 *   apt-get install libhpdf-dev
 *   gcc -O2 bench/pdf_libraries/libharu_table.c -o /tmp/haru -lhpdf && /tmp/haru /tmp/haru.pdf
 *   pdftotext /tmp/haru.pdf - | grep -c 'row-'
 */
#include <hpdf.h>
#include <stdio.h>

#include "timing.h"
#include <string.h>
#include <time.h>

static const char* kFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
static const char* kNames[] = {"Ann Example", "Γιώργος Παπαδόπουλος", "王小明", "José Núñez"};
static const char* kWhy = "not dispatchable (location source none, routed ecrc); 2 alerts failed; warnings: vpn, stale-location";

static void on_error(HPDF_STATUS e, HPDF_STATUS d, void* u) { (void)u; fprintf(stderr, "libharu error %04X %u\n", (unsigned)e, (unsigned)d); }

/* Words of `text` that fit in `width` from `*at`; returns the line's length. */
static size_t fit(HPDF_Page page, const char* text, float width) {
  HPDF_REAL real;
  HPDF_UINT n = HPDF_Page_MeasureText(page, text, width, HPDF_TRUE, &real);
  if (n == 0) n = HPDF_Page_MeasureText(page, text, width, HPDF_FALSE, &real);
  return n;
}

static int write_pdf(const char* path) {
  HPDF_Doc pdf = HPDF_New(on_error, NULL);
  HPDF_UseUTFEncodings(pdf);
  HPDF_SetCurrentEncoder(pdf, "UTF-8");
  const char* name = HPDF_LoadTTFontFromFile(pdf, kFont, HPDF_TRUE);
  HPDF_Font font = HPDF_GetFont(pdf, name, "UTF-8");
  const float width = 595.276f, height = 841.89f, margin = 50, size = 9, lead = 12;
  const float cols[] = {margin, margin + 90, margin + 250};
  HPDF_Page page = NULL;
  float y = 0;
  int pages = 0;
  for (int row = 0; row < 300; ++row) {
    char call[32], who[64];
    snprintf(call, sizeof call, "row-%d", row);
    snprintf(who, sizeof who, "%s", kNames[row % 4]);
    /* the row's height: the wrapped "why" column */
    int lines = 0;
    for (const char* p = kWhy; *p;) { HPDF_Page probe = page; if (!probe) break; p += fit(probe, p, width - margin - cols[2]); ++lines; }
    if (!page || y - lead * (lines ? lines : 3) < margin) {
      page = HPDF_AddPage(pdf);
      HPDF_Page_SetWidth(page, width);
      HPDF_Page_SetHeight(page, height);
      HPDF_Page_SetFontAndSize(page, font, size);
      ++pages;
      y = height - margin;
      HPDF_Page_BeginText(page);
      HPDF_Page_TextOut(page, cols[0], y, "HEADCALL");
      HPDF_Page_TextOut(page, cols[1], y, "caller");
      HPDF_Page_TextOut(page, cols[2], y, "why");
      HPDF_Page_EndText(page);
      y -= lead;
    }
    HPDF_Page_BeginText(page);
    HPDF_Page_TextOut(page, cols[0], y, call);
    HPDF_Page_TextOut(page, cols[1], y, who);
    float line_y = y;
    for (const char* p = kWhy; *p;) {
      size_t n = fit(page, p, width - margin - cols[2]);
      char buf[256];
      memcpy(buf, p, n);
      buf[n] = '\0';
      HPDF_Page_TextOut(page, cols[2], line_y, buf);
      line_y -= lead;
      p += n;
      while (*p == ' ') ++p;
    }
    HPDF_Page_EndText(page);
    y = line_y - 2;
  }
  HPDF_STATUS s = HPDF_SaveToFile(pdf, path);
  HPDF_Free(pdf);
  return s == HPDF_OK ? pages : -1;
}

int main(int argc, char** argv) { return time_writer("libharu", write_pdf, argc > 1 ? argv[1] : "haru.pdf"); }
