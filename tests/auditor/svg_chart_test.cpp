// The compliance charts (report/compliance_charts.h) and their SVG
// (report/svg_chart.h): well-formed XML read back with the project's
// screened parser, bars proportional to their values, every number also
// as text, hostile labels escaped, nothing a strict CSP would block.

#include "consumers/auditor/report/svg_chart.h"

#include <gtest/gtest.h>

#include <Poco/DOM/Element.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/xml_reader.h"
#include "consumers/auditor/report/compliance_charts.h"

namespace e911::auditor {
namespace {

constexpr const char* kSvg = "http://www.w3.org/2000/svg";

struct Parsed {
  Poco::AutoPtr<Poco::XML::Document> doc;
  std::vector<const Poco::XML::Node*> elements;
  std::vector<const Poco::XML::Node*> named(const std::string& local) const {
    std::vector<const Poco::XML::Node*> out;
    for (const auto* e : elements) {
      if (xml::is_element(e, kSvg, local)) out.push_back(e);
    }
    return out;
  }
  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const auto* t : named("text")) out.push_back(xml::text_of(t));
    return out;
  }
};

Parsed parse(const std::string& svg) {
  auto doc = xml::parse_untrusted(svg, 1 << 22, "chart");
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().message) << "\n" << svg;
  if (!doc.ok()) return {};
  Parsed p{*doc, {}};
  p.elements = *xml::elements_in_order(p.doc->documentElement());
  return p;
}

double number_attribute(const Poco::XML::Node* e, const std::string& name) {
  return std::stod(xml::attribute_of(e, name));
}

bool contains(const std::vector<std::string>& texts, const std::string& t) {
  return std::find(texts.begin(), texts.end(), t) != texts.end();
}

ComplianceFigures site(std::string id, std::size_t emergency, std::size_t dispatchable, std::size_t notified) {
  ComplianceFigures f;
  f.site_id = std::move(id);
  f.emergency_calls = emergency;
  f.dispatchable = dispatchable;
  f.notified = notified;
  return f;
}

TEST(SvgChart, IsAccessibleAndUsesNothingAStrictPolicyBlocks) {
  const auto svg = chart_svg(latency_histogram_chart(latency_histogram({400, 1500, 70000})));
  const auto p = parse(svg);
  ASSERT_FALSE(p.elements.empty());
  const auto* root = p.elements.front();
  EXPECT_TRUE(xml::is_element(root, kSvg, "svg"));
  EXPECT_EQ(xml::attribute_of(root, "role"), "img");
  EXPECT_EQ(xml::attribute_of(root, "aria-label"), "Alert latency: call to first alert accepted");
  EXPECT_EQ(xml::attribute_of(root, "viewBox"), "0 0 480 260");
  ASSERT_FALSE(p.named("title").empty());
  EXPECT_EQ(xml::text_of(p.named("title").front()), "Alert latency: call to first alert accepted");
  EXPECT_NE(xml::text_of(p.named("desc").front()).find("3 notified emergency calls: <1 s 1; 1-2 s 1;"),
            std::string::npos);
  for (const auto* forbidden : {"style", "script", "href", "<image", "<foreignObject", "@font-face", "url("}) {
    EXPECT_EQ(svg.find(forbidden), std::string::npos) << forbidden;
  }
}

TEST(SvgChart, HistogramBarsAreProportionalWithTheirCountsAsText) {
  const auto p = parse(chart_svg(latency_histogram_chart(latency_histogram({100, 200, 300, 400, 1500, 1600, 9000, 61000}))));
  // Bars with a tooltip are the data: <1 s 4, 1-2 s 2, 5-10 s 1, >=60 s 1.
  std::vector<double> heights;
  for (const auto* r : p.named("rect")) {
    if (r->firstChild()) heights.push_back(number_attribute(r, "height"));
  }
  ASSERT_EQ(heights.size(), 4u);
  EXPECT_NEAR(heights[0], 2 * heights[1], 0.02);
  EXPECT_NEAR(heights[1], 2 * heights[2], 0.02);
  EXPECT_NEAR(heights[2], heights[3], 0.02);
  // The axis goes to 5 (the round number above 4): the tallest bar is 4/5 of it.
  EXPECT_NEAR(heights[0], (216 - 40) * 4.0 / 5.0, 0.02);
  const auto texts = p.texts();
  for (const auto* t : {"4", "2", "0", "1", "<1 s", ">=60 s", "10-30 s"}) EXPECT_TRUE(contains(texts, t)) << t;
}

TEST(SvgChart, CallsPerDayStacksTestCallsOnEmergencyCalls) {
  std::vector<DayCount> days{{1'793'491'200'000, 3, 1}, {1'793'577'600'000, 0, 0}, {1'793'664'000'000, 6, 0}};
  const auto chart = calls_per_day_chart(days);
  const auto p = parse(chart_svg(chart));
  std::vector<std::pair<double, double>> bars;  // y, height
  for (const auto* r : p.named("rect")) {
    if (r->firstChild()) bars.emplace_back(number_attribute(r, "y"), number_attribute(r, "height"));
  }
  ASSERT_EQ(bars.size(), 3u);  // 3 emergency + 1 test on day one, 6 emergency on day three
  EXPECT_NEAR(bars[0].second, 3 * bars[1].second, 0.02);
  EXPECT_NEAR(bars[1].first + bars[1].second, bars[0].first, 0.02);  // test sits on emergency
  EXPECT_NEAR(bars[2].second, 2 * bars[0].second, 0.02);
  const auto texts = p.texts();
  EXPECT_TRUE(contains(texts, "4"));  // day totals above the bars
  EXPECT_TRUE(contains(texts, "6"));
  EXPECT_TRUE(contains(texts, "11-01"));
  EXPECT_NE(chart.description.find("9 emergency calls and 1 test call over 3 days, 2026-11-01 to 2026-11-03"),
            std::string::npos)
      << chart.description;
}

TEST(SvgChart, SitePercentagesAndHostileSiteIdsEscaped) {
  ComplianceReport report;
  report.overall = site("", 40, 30, 40);
  report.sites = {site("a<b>&\"c'", 20, 10, 20), site("quiet", 0, 0, 0), site("bad\x01\xff", 20, 20, 20)};
  const auto svg = chart_svg(site_compliance_chart(report));
  const auto p = parse(svg);  // well-formed whatever the ids hold
  const auto texts = p.texts();
  EXPECT_TRUE(contains(texts, "a<b>&\"c'"));
  EXPECT_TRUE(contains(texts, "75.0 % (30 of 40)"));
  EXPECT_TRUE(contains(texts, "50.0 % (10 of 20)"));
  EXPECT_TRUE(contains(texts, "no emergency calls"));
  EXPECT_EQ(svg.find("a<b>"), std::string::npos);
  std::vector<double> widths;
  for (const auto* r : p.named("rect")) {
    if (r->firstChild() && xml::attribute_of(r, "width") != "9") widths.push_back(number_attribute(r, "width"));
  }
  // overall 75 % and 100 %, the first site 50 % and 100 %, the last 100 % twice.
  ASSERT_EQ(widths.size(), 6u);
  EXPECT_NEAR(widths[0] / widths[1], 0.75, 0.001);
  EXPECT_NEAR(widths[2] / widths[3], 0.5, 0.001);
  EXPECT_NEAR(widths[4], widths[1], 0.001);
}

TEST(SvgChart, TheValueAxisLabelsOnlyWholeNumbers) {
  // One call: the axis goes to 1, its middle line has no label (not "0").
  const auto texts = parse(chart_svg(latency_histogram_chart(latency_histogram({1})))).texts();
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "0"), 7);  // the axis's 0 and six empty buckets
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "1"), 2);  // the axis's top and the bar's count
  const auto ten = parse(chart_svg(calls_per_day_chart({{0, 7, 0}}))).texts();
  EXPECT_TRUE(contains(ten, "5"));  // the axis goes to 10: 5 in the middle
  EXPECT_TRUE(contains(ten, "10"));
}

TEST(SvgChart, AxisTopsAreRoundNumbers) {
  EXPECT_EQ(round_axis_top(0), 1u);
  EXPECT_EQ(round_axis_top(1), 1u);
  EXPECT_EQ(round_axis_top(3), 5u);
  EXPECT_EQ(round_axis_top(7), 10u);
  EXPECT_EQ(round_axis_top(11), 20u);
  EXPECT_EQ(round_axis_top(200), 200u);
  EXPECT_EQ(round_axis_top(201), 500u);
}

TEST(SvgChart, EmptyChartsStillParse) {
  for (const auto& chart : {calls_per_day_chart({}), latency_histogram_chart(latency_histogram({})),
                            site_compliance_chart(ComplianceReport{})}) {
    EXPECT_FALSE(parse(chart_svg(chart)).elements.empty()) << chart.title;
  }
}

}  // namespace
}  // namespace e911::auditor
