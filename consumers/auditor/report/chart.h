#pragma once
// A chart as shapes on a fixed canvas: rectangles, lines and text, in
// canvas units (the SVG viewBox; points in the PDF). Pure data, made by
// compliance_charts.h, written out by svg_chart.h (an SVG string) and
// pdf_report.cpp (cairo), so the web page and the PDF draw the same thing.
//
// Colours are "#rrggbb" constants of the chart builders, never input.

#include <string>
#include <vector>

namespace e911::auditor {

struct ChartRect {
  double x = 0, y = 0, width = 0, height = 0;
  std::string fill;
  std::string tooltip;  // what the bar stands for, in words and numbers ("2026-11-21: 3 emergency calls")
};

struct ChartLine {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  std::string stroke;
};

enum class TextAnchor { start, middle, end };

struct ChartText {
  double x = 0, y = 0;  // the baseline's anchor point
  std::string text;
  TextAnchor anchor = TextAnchor::start;
  double size = 11;
  bool bold = false;
  std::string fill = "#222222";
  bool vertical = false;  // turned 90 degrees anticlockwise about (x, y)
};

struct Chart {
  double width = 0, height = 0;
  std::string title;        // the accessible name
  std::string description;  // the numbers in words, for screen readers and text extraction
  std::vector<ChartRect> rects;
  std::vector<ChartLine> lines;
  std::vector<ChartText> texts;
};

}  // namespace e911::auditor
