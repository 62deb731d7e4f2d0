// `e911 ingest decode-sip FILE...` (CONTRACT.md "SIP messages offline"):
// one contract call event per file, in order, a dialog's messages sharing
// one call_id; a file it cannot use reported as `FILE: reason` with exit
// status 1, the other files still decoded.

#include <gtest/gtest.h>

#include <sstream>
#include <variant>

#include "common/events.h"
#include "tests/support/files.h"
#include "tests/support/temp_dir.h"

namespace e911 {
namespace {

std::string sip(const std::string& name) { return test::source_dir() + "/tests/ingest/sip/" + name; }

std::vector<CallEvent> events_of(const std::string& out) {
  std::vector<CallEvent> events;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const auto decoded = decode_input_event(line);
    EXPECT_TRUE(decoded.ok()) << line << ": " << (decoded.ok() ? "" : decoded.error().message);
    if (decoded.ok() && std::holds_alternative<CallEvent>(*decoded)) events.push_back(std::get<CallEvent>(*decoded));
  }
  return events;
}

TEST(IngestDecodeSip, OneContractEventPerFileInOrderAndTheBadOnesNamed) {
  const auto r = test::run_e911("ingest decode-sip " + sip("cisco-911.sip") + " " + sip("garbage.bin") + " " +
                                sip("200-ok.sip") + " " + sip("truncated.sip") + " " + sip("bye.sip"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto events = events_of(r.out);
  ASSERT_EQ(events.size(), 3u) << r.out;
  EXPECT_EQ(events[0].type, CallEventType::initiated);
  EXPECT_EQ(events[1].type, CallEventType::answered);
  EXPECT_EQ(events[2].type, CallEventType::ended);
  for (const auto& e : events) {
    EXPECT_EQ(e.call_id, events[0].call_id) << "one dialog, one call_id";
    EXPECT_EQ(e.dialed, "911");
    EXPECT_EQ(e.caller.user_id, "5001");
  }
  EXPECT_NE(events[0].event_id, events[1].event_id);
  EXPECT_NE(r.err.find(sip("garbage.bin") + ": not a SIP message"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(sip("truncated.sip") + ": "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(sip("cisco-911.sip")), std::string::npos) << r.err;
}

TEST(IngestDecodeSip, UserIdsFromThePatternOrTheRegistryDirectory) {
  auto r = test::run_e911("ingest decode-sip --user-id-pattern '^sip:(j[a-z]+)@' " + sip("pureconnect-911.sip"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(events_of(r.out).size(), 1u);
  EXPECT_EQ(events_of(r.out)[0].caller.user_id, "jdoe");

  test::TempDir dir;
  const auto registry = dir.write(
      "registry.yaml", test::read_file(test::source_dir() + "/ops/demo/registry.yaml") +
                           "\ndirectory:\n  - {user_id: u-john-smith, numbers: [\"+15125550101\"]}\n"
                           "  - {user_id: u-jane-doe, uris: [\"sip:jdoe@PBX.example.com\"]}\n");
  r = test::run_e911("ingest decode-sip --directory " + registry + " " + sip("cisco-911.sip") + " " +
                     sip("pureconnect-911.sip"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto events = events_of(r.out);
  ASSERT_EQ(events.size(), 2u) << r.out;
  EXPECT_EQ(events[0].caller.user_id, "u-john-smith");
  EXPECT_EQ(events[1].caller.user_id, "u-jane-doe");

  r = test::run_e911("ingest decode-sip --directory " + test::source_dir() + "/ops/demo/registry.yaml " +
                     sip("cisco-911.sip"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("has no directory: entries"), std::string::npos) << r.err;
}

TEST(IngestDecodeSip, UsageErrors) {
  auto r = test::run_e911("ingest decode-sip --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--directory REGISTRY"), std::string::npos);
  r = test::run_e911("ingest decode-sip");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no FILE given"), std::string::npos) << r.err;
  r = test::run_e911("ingest decode-sip --user-id-from to " + sip("cisco-911.sip"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--user-id-from: expected from or p-asserted-identity"), std::string::npos) << r.err;
  r = test::run_e911("ingest decode-sip " + sip("no-such-file.sip"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(sip("no-such-file.sip") + ": cannot be read"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace e911
