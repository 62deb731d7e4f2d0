#pragma once
// What the notifier's fault tests share (notifier_faults_test.cpp,
// notifier_takeover_faults_test.cpp): the c-1 fixture call under other
// call ids, and what the SMTP server (tests/notifier/peers/smtp_server.py)
// saved in its maildir.

#include <rapidjson/document.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/notifier/locator_output.h"
#include "tests/support/files.h"

namespace e911::notifier::test_mail {

// The c-1 fixture call under another call id.
inline std::string call_numbered(const std::string& id) {
  auto doc = test_data::kLondonSubnet;
  doc.replace(doc.find(R"("call_id":"c-1")"), 15, R"("call_id":")" + id + "\"");
  return doc;
}

// What the SMTP server received: Message-ID and recipient of each message.
struct Mailbox {
  std::vector<std::string> message_ids;
  std::vector<std::string> recipients;
  std::vector<std::string> raw;
};

inline Mailbox read_maildir(const std::string& dir) {
  Mailbox box;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    const auto raw_path = std::filesystem::path(entry.path()).replace_extension(".eml");
    const auto json = test::read_file(entry.path().string());
    rapidjson::Document d;
    d.Parse(json.c_str());
    if (d.HasParseError()) continue;
    const auto& headers = d["message"]["headers"];
    box.message_ids.push_back(headers.HasMember("message-id") ? headers["message-id"][0].GetString() : "");
    box.recipients.push_back(d["rcpt_tos"].Size() ? d["rcpt_tos"][0].GetString() : "");
    box.raw.push_back(test::read_file(raw_path.string()));
  }
  return box;
}

}  // namespace e911::notifier::test_mail
