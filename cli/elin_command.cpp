// e911 elin lookup: who a callback to an ELIN should reach now, from the
// ELIN assignments topic the locators write (elin_assignment_record.h).
// For the PBX's callback routing and for operators.

#include <cstdlib>
#include <iostream>
#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "cli/commands.h"
#include "cli/command_line.h"
#include "cli/component_config.h"
#include "cli/options.h"
#include "common/config.h"
#include "common/json_writer.h"
#include "common/kafka/error.h"
#include "common/kafka/producer.h"
#include "common/kafka/topic_tail.h"
#include "common/phone_number.h"
#include "common/timestamp.h"
#include "consumers/locator/elin_assignment_record.h"
#include "consumers/locator/elin_lookup_record.h"
#include "consumers/locator/elin_pool.h"
#include "consumers/locator/locator_config.h"

namespace e911::cli {

namespace {

constexpr const char* kHelp =
    "usage: e911 elin lookup NUMBER [--config FILE] [--at TIME] [--json]\n"
    "\n"
    "Says whom a callback to the ELIN NUMBER (E.164) should reach: the last call\n"
    "it was assigned to, if that was within locator.elin_window_s (3 hours by\n"
    "default): call id, user, extension and the caller's own callback number.\n"
    "Reads the ELIN assignments topic (topics.elin_assignments) the locators\n"
    "write. Every lookup is recorded on topics.elin_lookups for the auditor's\n"
    "journal, with who asked (E911_OPERATOR, else the login name). Exit status 0\n"
    "when someone is to be reached, 1 when nobody is (never assigned, or the\n"
    "window has passed), 2 on a usage or Kafka error (the answer is still printed\n"
    "when only its journaling failed).\n"
    "\n"
    "  --config FILE   YAML configuration: kafka.*, topics.*, locator.elin_window_s\n"
    "  --at TIME       answer as of TIME (RFC 3339) instead of now\n"
    "  --json          one JSON object: {\"elin\", \"reachable\", and the assignment}\n";

void print_json(const std::string& elin, const std::optional<locator::ElinAssignment>& a) {
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  w.StartObject();
  locator::put_elin_answer(w, elin, a);
  w.EndObject();
  std::cout << buf.GetString() << "\n";
}

// Who is asking, for the journal: E911_OPERATOR, else the login name.
std::string operator_name() {
  for (const char* name : {"E911_OPERATOR", "USER", "LOGNAME"}) {
    if (const char* v = std::getenv(name); v && *v) return v;
  }
  return "operator";
}

// The lookup on the lookups topic, for the auditor's journal. False (and
// said on stderr) when Kafka did not take it.
bool record_lookup(const Config& config, const locator::ElinLookup& lookup) {
  const auto topic = config.topics().elin_lookups;
  try {
    kafka::Producer producer(config.kafka_properties(), {.client_id = "e911-elin-lookup", .topics = {topic}});
    std::string error;
    producer.produce(topic, lookup.elin, locator::encode_elin_lookup(lookup), {},
                     [&error](const kafka::DeliveryReport& r) { error = r.ok() ? "" : r.error; });
    if (!producer.flush(std::chrono::seconds(30))) error = "not acknowledged within 30 s";
    if (error.empty()) return true;
    std::cerr << "e911 elin lookup: the lookup was not journaled: " << topic << ": " << error << "\n";
  } catch (const kafka::KafkaError& e) {
    std::cerr << "e911 elin lookup: the lookup was not journaled: " << topic << ": " << e.what() << "\n";
  }
  return false;
}

int run_lookup(Args args) {
  const CommandLine command("elin lookup", kHelp, args, {"--config", "--at"}, {"--json"});
  if (const auto done = command.early_exit(/*positional_allowed=*/true)) return *done;
  const Options& opts = command.options();
  if (opts.positional().size() != 1) return command.usage_error("give one ELIN, e.g. +15125550190");
  const std::string elin = opts.positional().front();
  if (auto problem = validate_e164(elin)) return command.usage_error("NUMBER: " + *problem);
  EpochMillis at = now_millis();
  if (const auto text = opts.value("--at")) {
    const auto t = parse_rfc3339(*text);
    if (!t) return command.usage_error("--at: not an RFC 3339 time: " + *text);
    at = *t;
  }
  auto config = load_component_config(opts, "elin lookup", locator::locator_config_keys(), {});
  if (!config) return 2;
  if (const auto error = kafka_settings_error(*config)) return command.config_error(*error);

  locator::ElinAssignments assignments(std::chrono::seconds(config->get_int("locator.elin_window_s")));
  const auto topic = config->topics().elin_assignments;
  try {
    kafka::TopicTail tail(config->kafka_properties(), topic, {}, std::chrono::seconds(30));
    tail.catch_up(
        [&](const kafka::Message& m) {
          if (m.tombstone) return;
          if (auto a = locator::decode_elin_assignment(m.value)) assignments.apply(*a);
        },
        std::chrono::seconds(60), /*stop_at_end=*/true);
  } catch (const kafka::KafkaError& e) {
    std::cerr << "e911 elin lookup: cannot read " << topic << ": " << e.what() << "\n";
    return 2;
  }
  const auto who = assignments.lookup(elin, at);
  auto lookup = locator::new_elin_lookup(elin, "cli", operator_name(), who);
  if (opts.value("--at")) lookup.as_of = at;
  const bool journaled = record_lookup(*config, lookup);
  if (opts.flag("--json")) {
    print_json(elin, who);
  } else if (who) {
    std::cout << elin << ": call " << who->call_id << (who->user_id.empty() ? "" : ", user " + who->user_id)
              << (who->extension.empty() ? "" : ", extension " + who->extension)
              << (who->callback.empty() ? "" : ", callback " + who->callback) << ", assigned "
              << format_rfc3339(who->assigned_at) << " (pool " << who->pool << ")\n";
  } else {
    std::cout << elin << ": nobody to reach (not assigned within the last "
              << assignments.window().count() / 60'000 << " minutes)\n";
  }
  if (!journaled) return 2;
  return who ? 0 : 1;
}

}  // namespace

int run_elin(Args args) {
  if (!args.empty() && args[0] == "lookup") return run_lookup(args.subspan(1));
  const bool help = !args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help");
  (help ? std::cout : std::cerr) << kHelp;
  return help ? 0 : 2;
}

}  // namespace e911::cli
