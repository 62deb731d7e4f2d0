// `e911 resolve` on the shared fixtures, as they are: events.jsonl must give
// exactly expected.jsonl's fields, and bad-events.jsonl must be reported
// line by line.

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/support/expected_calls.h"
#include "tests/support/files.h"

namespace e911::locator {
namespace {

using test::expect_matches;

TEST(Fixtures, ResolveCommandGivesExpected) {
  const auto r = test::run_e911("resolve --registry " + test::shared_fixture("registry.yaml"),
                                test::shared_fixture("events.jsonl"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < r.out.size()) {
    const auto nl = r.out.find('\n', start);
    lines.push_back(r.out.substr(start, nl - start));
    start = nl + 1;
  }
  const auto expected = test::read_lines(test::shared_fixture("expected.jsonl"));
  ASSERT_EQ(lines.size(), expected.size()) << r.out;
  for (std::size_t i = 0; i < expected.size(); ++i) expect_matches(expected[i], lines[i]);
}

TEST(Fixtures, BadEventsAreReportedByLineAndTheRestProcessed) {
  const auto r = test::run_e911("resolve --registry " + test::shared_fixture("registry.yaml"),
                                test::shared_fixture("bad-events.jsonl"));
  EXPECT_EQ(r.exit_code, 1);
  const std::vector<std::pair<std::string, std::string>> expected_errors = {
      {"line 1: ", "call_id: missing"},
      {"line 2: ", "occurred_at: not an RFC 3339 timestamp: \"yesterday\""},
      {"line 3: ", "device.ip: not an IP address: \"10.40.1.999\""},
      {"line 4: ", "invalid JSON"},
      {"line 5: ", "invalid JSON"},
      {"line 6: ", "schema: unsupported version \"e911.call-event/v9\""},
      {"line 7: ", "address.country: not an ISO 3166-1 alpha-2 code: \"Narnia\""},
  };
  for (const auto& [prefix, reason] : expected_errors) {
    const auto pos = r.err.find(prefix);
    ASSERT_NE(pos, std::string::npos) << "no report for " << prefix << " in:\n" << r.err;
    const auto eol = r.err.find('\n', pos);
    EXPECT_NE(r.err.substr(pos, eol - pos).find(reason), std::string::npos) << r.err.substr(pos, eol - pos);
  }
  EXPECT_EQ(r.err.find("line 8:"), std::string::npos) << "line 8 is valid";
  // The valid line still produces its call.
  EXPECT_NE(r.out.find("\"call_id\":\"c-b8\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace e911::locator
