#pragma once
// A chart (chart.h) as an SVG element, to put inline in an HTML page or to
// save as a file. Pure: string out.
//
// Made for a page under a strict Content-Security-Policy (style-src
// 'self'): presentation attributes only (fill, stroke, font-size), no
// style attribute or element, no script, no external font or image. A
// fixed viewBox (the chart's canvas) with width="100%", so the page sizes
// it. Accessible: role="img", aria-label and a <title> (the chart's
// title), a <desc> with its numbers in words, a <title> in each bar (its
// tooltip), and every number also drawn as text. Every text is XML-escaped
// and made valid XML (xml::clean_text), whatever a site id holds.

#include <string>

#include "consumers/auditor/report/chart.h"

namespace e911::auditor {

std::string chart_svg(const Chart& chart);

}  // namespace e911::auditor
