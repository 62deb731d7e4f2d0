// The shared fixtures, as they are: events.jsonl must give exactly
// expected.jsonl's fields through LocatorCore (and through `e911 resolve`:
// tests/cli/resolve_command_test.cpp).

#include <gtest/gtest.h>


#include "consumers/locator/locator_core.h"
#include "registry/registry_loader.h"
#include "tests/support/expected_calls.h"
#include "tests/support/files.h"

namespace e911::locator {
namespace {

using test::expect_matches;

TEST(Fixtures, EventsGiveExpectedThroughLocatorCore) {
  auto load = registry::load_registry_file(test::shared_fixture("registry.yaml"));
  ASSERT_TRUE(load.ok());
  LocatorCore core(load.registry);
  std::vector<std::string> out;
  for (const auto& line : test::read_lines(test::shared_fixture("events.jsonl"))) {
    auto outcome = core.process(line);
    ASSERT_NE(outcome.kind, Outcome::Kind::rejected) << outcome.reason;
    if (outcome.call) out.push_back(encode_emergency_call(*outcome.call));
  }
  const auto expected = test::read_lines(test::shared_fixture("expected.jsonl"));
  ASSERT_EQ(out.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) expect_matches(expected[i], out[i]);
}

}  // namespace
}  // namespace e911::locator
