#pragma once
// The embedded cluster an ingest service test runs against, for a test
// fixture to derive from: the topics the service writes, the options that
// point a service at them (SIP on a free UDP port), and what they hold.

#include <string>
#include <vector>

#include "common/config.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/topic_reader.h"
#include "producers/ingest/ingest_service.h"

namespace e911::test {

class IngestTestCluster {
 protected:
  IngestTestCluster() {
    for (const auto& name : {topics_.call_events, topics_.dead_letter}) broker_.create_topic(name, 1);
  }

  ingest::IngestServiceOptions ingest_options() const {
    ingest::IngestServiceOptions o;
    o.kafka = broker_.client_properties();
    o.topics = topics_;
    o.sip.udp = "127.0.0.1:0";
    return o;
  }

  // The values on `name`, oldest first.
  std::vector<std::string> topic(const std::string& name) const {
    std::vector<std::string> out;
    kafka::read_to_end(broker_.client_properties(), name, [&](const kafka::Message& m) { out.emplace_back(m.value); });
    return out;
  }

  kafka::EmbeddedBroker broker_;
  Config::Topics topics_ = Config().topics();
};

}  // namespace e911::test
