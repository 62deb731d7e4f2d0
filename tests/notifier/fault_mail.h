#pragma once
// What the notifier's fault tests share (notifier_faults_test.cpp,
// notifier_takeover_faults_test.cpp): the c-1 fixture call under other
// call ids, and what the SMTP server (tests/notifier/peers/smtp_server.py)
// saved in its maildir.

#include <rapidjson/document.h>

#include <filesystem>
#include <map>
#include <set>
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

// What the SMTP server received: Message-ID and recipient of each message,
// and the summary the server wrote of it (its connection, when).
struct Mailbox {
  std::vector<std::string> message_ids;
  std::vector<std::string> recipients;
  std::vector<std::string> raw;
  std::vector<std::string> summaries;

  // The alerts received, each once (by Message-ID), and the copies past
  // the first: what the duplicate bounds are about.
  std::size_t distinct() const { return std::set<std::string>(message_ids.begin(), message_ids.end()).size(); }
  std::size_t duplicates() const { return message_ids.size() - distinct(); }
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
    box.summaries.push_back(entry.path().filename().string() + " peer " +
                            (d.HasMember("peer") && d["peer"].IsString() ? d["peer"].GetString() : "?") +
                            " at " +
                            (d.HasMember("received_at") && d["received_at"].IsNumber()
                                 ? std::to_string(d["received_at"].GetDouble())
                                 : std::string("?")));
  }
  return box;
}

// Each Message-ID received more than once, with every copy's summary: what
// a failed duplicate check prints.
inline std::string describe_duplicates(const Mailbox& box) {
  std::map<std::string, std::vector<std::size_t>> copies;
  for (std::size_t i = 0; i < box.message_ids.size(); ++i) copies[box.message_ids[i]].push_back(i);
  std::string out;
  for (const auto& [id, at] : copies) {
    if (at.size() < 2) continue;
    out += id + ":";
    for (const auto i : at) out += "\n  " + box.summaries[i];
    out += "\n";
  }
  return out;
}

}  // namespace e911::notifier::test_mail
