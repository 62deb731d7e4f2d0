#include "consumers/auditor/report/pdf_report.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "common/xml_writer.h"

namespace e911::auditor {

namespace {

constexpr double kMargin = 48;
constexpr double kFooter = 18;  // below the text area
constexpr double kChartWidth = 720;  // the widest chart canvas (compliance_charts.cpp)
constexpr const char* kSans = "DejaVu Sans, Sans";
constexpr const char* kMono = "DejaVu Sans Mono, Monospace";

struct Colour {
  double r = 0, g = 0, b = 0;
};

// "#rrggbb" (the chart builders' constants); anything else is black.
Colour colour(const std::string& hex) {
  if (hex.size() != 7 || hex[0] != '#') return {};
  const auto channel = [&](std::size_t at) { return std::stoi(hex.substr(at, 2), nullptr, 16) / 255.0; };
  try {
    return {channel(1), channel(3), channel(5)};
  } catch (const std::exception&) {
    return {};
  }
}

struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using Layout = std::unique_ptr<PangoLayout, LayoutDeleter>;

// Lays out pages top to bottom: each block is measured, a new page is
// started when it does not fit, tables break between rows.
class Pager {
 public:
  Pager(cairo_surface_t* surface, const ReportDocument& doc, double width, double height)
      : cr_(cairo_create(surface)), doc_(doc), width_(width), height_(height), text_width_(width - 2 * kMargin) {}
  ~Pager() { cairo_destroy(cr_); }
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;

  std::size_t run() {
    new_page();
    for (const auto& block : doc_.blocks) {
      switch (block.kind) {
        case ReportBlock::Kind::heading: heading(block.text); break;
        case ReportBlock::Kind::paragraph: text_block(block.text, kSans, 9, false); break;
        case ReportBlock::Kind::monospace: text_block(block.text, kMono, 8, true); break;
        case ReportBlock::Kind::table: table(block); break;
        case ReportBlock::Kind::chart: chart(block.chart); break;
      }
    }
    footer();
    cairo_show_page(cr_);
    if (cairo_status(cr_) != CAIRO_STATUS_SUCCESS) throw std::runtime_error(cairo_status_to_string(cairo_status(cr_)));
    return page_;
  }

 private:
  double bottom() const { return height_ - kMargin - kFooter; }

  Layout layout(const std::string& text, const char* family, double size, bool bold, double width, bool wrap_anywhere) {
    Layout l(pango_cairo_create_layout(cr_));
    PangoFontDescription* font = pango_font_description_from_string(family);
    pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
    if (bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l.get(), font);
    pango_font_description_free(font);
    if (width > 0) {
      pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
      // Hashes and commands have no spaces to break at.
      pango_layout_set_wrap(l.get(), wrap_anywhere ? PANGO_WRAP_CHAR : PANGO_WRAP_WORD_CHAR);
    }
    // Plain text, never markup; valid UTF-8 whatever it holds (pango
    // refuses anything else).
    const auto clean = xml::clean_text(text);
    pango_layout_set_text(l.get(), clean.data(), static_cast<int>(clean.size()));
    return l;
  }
  static double height_of(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }
  static double width_of(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(w) / PANGO_SCALE;
  }
  void show(PangoLayout* l, double x, double y) {
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, l);
  }

  void new_page() {
    if (page_ > 0) {
      footer();
      cairo_show_page(cr_);
    }
    ++page_;
    y_ = kMargin;
  }
  void footer() {
    cairo_set_source_rgb(cr_, 0.35, 0.35, 0.35);
    auto l = layout(doc_.running_head + " - page " + std::to_string(page_), kSans, 7, false, text_width_, false);
    show(l.get(), kMargin, height_ - kMargin);
    cairo_set_source_rgb(cr_, 0, 0, 0);
  }
  void room_for(double h) {
    if (y_ + h > bottom() && y_ > kMargin) new_page();
  }

  void heading(const std::string& text) {
    const bool title = y_ == kMargin && page_ == 1;
    auto l = layout(text, kSans, title ? 17 : 12, true, text_width_, false);
    const double h = height_of(l.get());
    y_ += title ? 0 : 10;
    room_for(h + 60);  // never a heading alone at the foot of a page
    show(l.get(), kMargin, y_);
    y_ += h + 5;
  }
  void text_block(const std::string& text, const char* family, double size, bool anywhere) {
    auto l = layout(text, family, size, false, text_width_, anywhere);
    const double h = height_of(l.get());
    room_for(h);
    show(l.get(), kMargin, y_);
    y_ += h + 5;
  }

  std::vector<Layout> row_layouts(const ReportBlock& t, const std::vector<std::string>& row, bool bold) {
    std::vector<Layout> cells;
    for (std::size_t i = 0; i < row.size() && i < t.columns.size(); ++i) {
      cells.push_back(layout(row[i], kSans, 7.5, bold, t.columns[i] * text_width_ - 6, false));
    }
    return cells;
  }
  double draw_row(const ReportBlock& t, std::vector<Layout>& cells, bool header) {
    double h = 0;
    for (auto& c : cells) h = std::max(h, height_of(c.get()));
    h += 5;
    if (header) {
      cairo_set_source_rgb(cr_, 0.92, 0.92, 0.92);
      cairo_rectangle(cr_, kMargin, y_, text_width_, h);
      cairo_fill(cr_);
      cairo_set_source_rgb(cr_, 0, 0, 0);
    }
    double x = kMargin;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      show(cells[i].get(), x + 3, y_ + 2.5);
      x += t.columns[i] * text_width_;
    }
    y_ += h;
    cairo_set_source_rgb(cr_, 0.8, 0.8, 0.8);
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, kMargin, y_);
    cairo_line_to(cr_, kMargin + text_width_, y_);
    cairo_stroke(cr_);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    return h;
  }
  void table(const ReportBlock& t) {
    if (t.rows.empty()) return;
    std::size_t first = 0;
    std::vector<Layout> header;
    if (t.header_row) {
      header = row_layouts(t, t.rows[0], true);
      first = 1;
    }
    const auto header_height = [&] {
      double h = 0;
      for (auto& c : header) h = std::max(h, height_of(c.get()));
      return header.empty() ? 0.0 : h + 5;
    };
    bool header_due = t.header_row;
    for (std::size_t r = first; r < t.rows.size() || header_due; ++r) {
      if (r >= t.rows.size()) {  // a table of its header alone
        draw_row(t, header, true);
        break;
      }
      auto cells = row_layouts(t, t.rows[r], false);
      double h = 0;
      for (auto& c : cells) h = std::max(h, height_of(c.get()));
      h += 5;
      if (y_ + h + (header_due ? header_height() : 0) > bottom()) {
        new_page();
        header_due = t.header_row;
      }
      if (header_due) {
        draw_row(t, header, true);
        header_due = false;
      }
      draw_row(t, cells, false);
    }
    y_ += 6;
  }

  void chart(const Chart& c) {
    if (c.width <= 0 || c.height <= 0) return;
    // One scale for every chart (their canvases are at most kChartWidth
    // wide), so their text is the same size on the page.
    double scale = std::min(1.0, text_width_ / std::max(c.width, kChartWidth));
    scale = std::min(scale, (bottom() - kMargin) / c.height);  // a tall chart fits one page
    const double h = c.height * scale;
    room_for(h);
    cairo_save(cr_);
    cairo_translate(cr_, kMargin, y_);
    cairo_scale(cr_, scale, scale);
    cairo_set_line_width(cr_, 1);
    for (const auto& l : c.lines) {
      const auto col = colour(l.stroke);
      cairo_set_source_rgb(cr_, col.r, col.g, col.b);
      cairo_move_to(cr_, l.x1, l.y1);
      cairo_line_to(cr_, l.x2, l.y2);
      cairo_stroke(cr_);
    }
    for (const auto& r : c.rects) {
      const auto col = colour(r.fill);
      cairo_set_source_rgb(cr_, col.r, col.g, col.b);
      cairo_rectangle(cr_, r.x, r.y, r.width, r.height);
      cairo_fill(cr_);
    }
    for (const auto& t : c.texts) {
      auto l = layout(t.text, kSans, t.size, t.bold, 0, false);
      const double w = width_of(l.get());
      const double baseline = static_cast<double>(pango_layout_get_baseline(l.get())) / PANGO_SCALE;
      const double dx = t.anchor == TextAnchor::middle ? w / 2 : t.anchor == TextAnchor::end ? w : 0;
      const auto col = colour(t.fill);
      cairo_set_source_rgb(cr_, col.r, col.g, col.b);
      cairo_save(cr_);
      cairo_translate(cr_, t.x, t.y);
      if (t.vertical) cairo_rotate(cr_, -1.5707963267948966);
      pango_cairo_update_layout(cr_, l.get());
      show(l.get(), -dx, -baseline);
      cairo_restore(cr_);
    }
    cairo_restore(cr_);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    y_ += h + 4;
  }

  cairo_t* cr_;
  const ReportDocument& doc_;
  double width_, height_, text_width_;
  std::size_t page_ = 0;
  double y_ = kMargin;
};

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

std::optional<PaperSize> paper_size_named(std::string_view name) {
  if (name == "a4") return PaperSize::a4;
  if (name == "letter") return PaperSize::letter;
  return std::nullopt;
}

std::string report_pdf(const ReportDocument& document, PaperSize paper, std::size_t* pages) {
  // A4: 210 x 297 mm; US Letter: 8.5 x 11 in; in points.
  const double width = paper == PaperSize::a4 ? 595.276 : 612;
  const double height = paper == PaperSize::a4 ? 841.89 : 792;
  std::string pdf;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append_to_string, &pdf, width, height);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, document.title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "e911 audit report");
  std::size_t count = 0;
  try {
    Pager pager(surface, document, width, height);
    count = pager.run();
  } catch (...) {
    cairo_surface_destroy(surface);
    throw;
  }
  cairo_surface_finish(surface);
  const auto status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) throw std::runtime_error(cairo_status_to_string(status));
  if (pages) *pages = count;
  return pdf;
}

std::size_t write_report_pdf(const ReportDocument& document, const std::string& path, PaperSize paper) {
  std::size_t pages = 0;
  std::string pdf;
  try {
    pdf = report_pdf(document, paper, &pages);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot write " + path + ": " + e.what());
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  out.write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  return pages;
}

}  // namespace e911::auditor
