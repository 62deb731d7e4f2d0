// The RFC 4180 reader behind the registry's CSV imports.

#include "common/csv.h"

#include <gtest/gtest.h>

#include <string>

namespace e911 {
namespace {

TEST(CsvReader, ReadsQuotedFieldsCommasDoubledQuotesAndLineBreaks) {
  const auto csv = parse_csv("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,,\n");
  ASSERT_FALSE(csv.fatal);
  ASSERT_EQ(csv.records.size(), 3u);
  EXPECT_EQ(csv.records[1].fields, (std::vector<std::string>{"x, y", "say \"hi\"", "two\nlines"}));
  EXPECT_EQ(csv.records[1].line, 2);
  EXPECT_EQ(csv.records[2].line, 4) << "the line break inside quotes counts";
  EXPECT_EQ(csv.records[2].fields, (std::vector<std::string>{"last", "", ""}));
  for (const auto& r : csv.records) EXPECT_EQ(r.error, "");
}

TEST(CsvReader, AcceptsCrlfLoneCrBomBlankLinesAndNoFinalNewline) {
  const auto csv = parse_csv("\xEF\xBB\xBFh1,h2\r\n\r\n1,\"a\r\nb\"\r\n2,x\r3,y");
  ASSERT_FALSE(csv.fatal);
  ASSERT_EQ(csv.records.size(), 4u);
  EXPECT_EQ(csv.records[0].fields[0], "h1") << "the byte order mark is not part of the first header";
  EXPECT_EQ(csv.records[1].line, 3) << "the blank line 2 is skipped but counted";
  EXPECT_EQ(csv.records[1].fields[1], "a\r\nb");
  EXPECT_EQ(csv.records[2].line, 5);
  EXPECT_EQ(csv.records[3].line, 6);
  EXPECT_EQ(csv.records[3].fields, (std::vector<std::string>{"3", "y"}));
  EXPECT_TRUE(parse_csv("").records.empty());
  EXPECT_TRUE(parse_csv("\n\n").records.empty());
}

TEST(CsvReader, ToleratesBlanksAroundQuotedFields) {
  const auto csv = parse_csv("a, \"b, c\" ,d\n");
  ASSERT_EQ(csv.records.size(), 1u);
  EXPECT_EQ(csv.records[0].fields, (std::vector<std::string>{"a", "b, c", "d"}));
  EXPECT_EQ(csv.records[0].error, "");
}

TEST(CsvReader, StrayQuotesMarkTheRecordAndReadingGoesOn) {
  const auto csv = parse_csv("a,b\n12\" screen,x\n\"ok\"tail,y\nfine,z\n");
  ASSERT_FALSE(csv.fatal);
  ASSERT_EQ(csv.records.size(), 4u);
  EXPECT_NE(csv.records[1].error.find("quote inside an unquoted field"), std::string::npos);
  EXPECT_EQ(csv.records[1].error_field, 0);
  EXPECT_NE(csv.records[2].error.find("after the closing quote"), std::string::npos);
  EXPECT_EQ(csv.records[3].error, "");
  EXPECT_EQ(csv.records[3].fields[0], "fine");
}

TEST(CsvReader, UnterminatedQuoteIsFatalAndNamesItsLine) {
  const auto csv = parse_csv("a,b\n1,2\n3,\"never closed\n4,5\n6,7\n");
  ASSERT_TRUE(csv.fatal);
  EXPECT_EQ(csv.fatal_line, 3);
  EXPECT_NE(csv.fatal->find("line 3"), std::string::npos) << *csv.fatal;
  EXPECT_EQ(csv.records.size(), 2u) << "the records before it are kept";
}

TEST(CsvReader, HostileInputIsBoundedAndReported) {
  CsvLimits limits;
  limits.max_field_bytes = 1000;
  limits.max_fields = 50;
  const std::string huge(5'000'000, 'A');
  auto csv = parse_csv("a\n" + huge + "\nb\n", limits);
  ASSERT_EQ(csv.records.size(), 3u);
  EXPECT_NE(csv.records[1].error.find("longer than 1000 bytes"), std::string::npos);
  EXPECT_LE(csv.records[1].fields[0].size(), 1000u);
  EXPECT_EQ(csv.records[2].fields[0], "b");

  csv = parse_csv("a\n" + std::string(100'000, ',') + "\n", limits);
  ASSERT_EQ(csv.records.size(), 2u);
  EXPECT_NE(csv.records[1].error.find("more than 50 fields"), std::string::npos);
  EXPECT_EQ(csv.records[1].fields.size(), 50u);

  csv = parse_csv(std::string("a,b\nx\0y,z\n", 10));
  ASSERT_EQ(csv.records.size(), 2u);
  EXPECT_NE(csv.records[1].error.find("NUL byte"), std::string::npos);

  csv = parse_csv("a\n\"" + huge, limits);
  ASSERT_TRUE(csv.fatal);
  EXPECT_EQ(csv.fatal_line, 2);

  csv = parse_csv("\xFF\xFE" "a\0,\0");
  ASSERT_TRUE(csv.fatal);
  EXPECT_NE(csv.fatal->find("UTF-16"), std::string::npos);
}

}  // namespace
}  // namespace e911
