#include "producers/ingest/xml_screen.h"

#include <gtest/gtest.h>

#include <string>

#include "common/pidf_lo.h"

namespace e911::ingest {
namespace {

std::string a_pidf_lo() {
  PidfLoInput in;
  in.entity = "pres:u@h";
  in.device_id = "d";
  CivicAddress address;
  address.country = "US";
  address.city = "Austin";
  in.address = address;
  return render_pidf_lo(in);
}

TEST(XmlScreen, PassesWellFormedDocuments) {
  for (const std::string& xml : {
           std::string("<a/>"),
           std::string("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c --><a x='1' y=\"&amp;&#38;\"><b>t &lt; u</b><![CDATA[<x>]]></a>\n"),
           a_pidf_lo(),
       }) {
    SCOPED_TRACE(xml);
    EXPECT_EQ(xml_screen_error(xml, 16384), std::nullopt);
  }
}

TEST(XmlScreen, RefusesWhatIsNotXmlOrIsHostile) {
  const struct {
    std::string xml, reason;
  } cases[] = {
      {"not xml at all", "text outside the root element"},
      {"", "no root element"},
      {"<a><b></a>", "</a> closes <b>"},
      {"<a>", "<a> is never closed"},
      {"</a>", "closes nothing"},
      {"<a/><b/>", "a second root element"},
      {"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "DOCTYPE"},
      {"<a>&x;</a>", "entity &x; is not defined"},
      {"<a b=c/>", "unquoted attribute value"},
      {"<a b='<'/>", "'<' in an attribute value"},
      {"<a><!-- open", "unclosed comment"},
      {"<a", "unclosed tag"},
      {std::string(40, '<') , "starts no tag"},
      {std::string("<a>\0</a>", 8), "NUL"},
      {"<a>\xff</a>", "not UTF-8"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.xml);
    const auto error = xml_screen_error(c.xml, 16384);
    ASSERT_TRUE(error);
    EXPECT_NE(error->find(c.reason), std::string::npos) << *error;
  }
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<a>";
  EXPECT_NE(xml_screen_error(deep, 16384)->find("nested deeper than 32"), std::string::npos);
  EXPECT_NE(xml_screen_error("<a>" + std::string(20000, 'x') + "</a>", 16384)->find("larger than 16384"),
            std::string::npos);
}

// Every prefix of a valid document is screened without reading past it.
TEST(XmlScreen, EveryTruncationIsSafe) {
  const auto xml = a_pidf_lo();
  for (std::size_t n = 0; n < xml.size(); ++n) {
    const std::string cut = xml.substr(0, n);
    (void)xml_screen_error(cut, 16384);
  }
}

}  // namespace
}  // namespace e911::ingest
