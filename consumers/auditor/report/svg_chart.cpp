#include "consumers/auditor/report/svg_chart.h"

#include <cstdio>
#include <string_view>

#include "common/xml_writer.h"

namespace e911::auditor {

namespace {

// Text and attribute values: valid XML characters only, markup escaped.
void append_escaped(std::string& out, std::string_view text) {
  for (const char c : xml::clean_text(text)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
}

// Coordinates with at most two decimals, "12" rather than "12.00".
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

const char* anchor_name(TextAnchor a) {
  switch (a) {
    case TextAnchor::start: return "start";
    case TextAnchor::middle: return "middle";
    case TextAnchor::end: return "end";
  }
  return "start";
}

}  // namespace

std::string chart_svg(const Chart& chart) {
  std::string out;
  out.reserve(4096 + 160 * (chart.rects.size() + chart.texts.size()));
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + number(chart.width) + " " +
         number(chart.height) + "\" width=\"100%\" role=\"img\" aria-label=\"";
  append_escaped(out, chart.title);
  out += "\" font-family=\"sans-serif\"><title>";
  append_escaped(out, chart.title);
  out += "</title><desc>";
  append_escaped(out, chart.description);
  out += "</desc><rect x=\"0\" y=\"0\" width=\"" + number(chart.width) + "\" height=\"" + number(chart.height) +
         "\" fill=\"#ffffff\"/>";
  for (const auto& l : chart.lines) {
    out += "<line x1=\"" + number(l.x1) + "\" y1=\"" + number(l.y1) + "\" x2=\"" + number(l.x2) + "\" y2=\"" +
           number(l.y2) + "\" stroke=\"";
    append_escaped(out, l.stroke);
    out += "\" stroke-width=\"1\"/>";
  }
  for (const auto& r : chart.rects) {
    out += "<rect x=\"" + number(r.x) + "\" y=\"" + number(r.y) + "\" width=\"" + number(r.width) + "\" height=\"" +
           number(r.height) + "\" fill=\"";
    append_escaped(out, r.fill);
    out += "\">";
    if (!r.tooltip.empty()) {
      out += "<title>";
      append_escaped(out, r.tooltip);
      out += "</title>";
    }
    out += "</rect>";
  }
  for (const auto& t : chart.texts) {
    out += "<text x=\"" + number(t.x) + "\" y=\"" + number(t.y) + "\" font-size=\"" + number(t.size) +
           "\" text-anchor=\"" + anchor_name(t.anchor) + "\" fill=\"";
    append_escaped(out, t.fill);
    out += "\"";
    if (t.bold) out += " font-weight=\"bold\"";
    if (t.vertical) out += " transform=\"rotate(-90 " + number(t.x) + " " + number(t.y) + ")\"";
    out += ">";
    append_escaped(out, t.text);
    out += "</text>";
  }
  out += "</svg>";
  return out;
}

}  // namespace e911::auditor
