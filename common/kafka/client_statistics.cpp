#include "common/kafka/client_statistics.h"

#include <rapidjson/document.h>

namespace e911::kafka {

namespace {

std::int64_t int_member(const rapidjson::Value& object, const char* name, std::int64_t fallback) {
  const auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : fallback;
}

}  // namespace

Result<ClientStatistics> parse_client_statistics(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return Error{"librdkafka statistics: not a JSON object"};
  ClientStatistics out;
  const auto type = doc.FindMember("type");
  if (type == doc.MemberEnd() || !type->value.IsString()) return Error{"librdkafka statistics: no type"};
  out.type = type->value.GetString();
  out.queued_messages = int_member(doc, "msg_cnt", 0);

  if (const auto brokers = doc.FindMember("brokers"); brokers != doc.MemberEnd() && brokers->value.IsObject()) {
    for (const auto& b : brokers->value.GetObject()) {
      if (!b.value.IsObject()) continue;
      // The brokers of the cluster: not the bootstrap entries (nodeid -1,
      // the same brokers again before their ids are known), the internal
      // pseudo-broker or the logical group coordinator.
      const auto source = b.value.FindMember("source");
      const std::string_view from =
          source != b.value.MemberEnd() && source->value.IsString() ? source->value.GetString() : "";
      if (from == "internal" || from == "logical" || int_member(b.value, "nodeid", -1) < 0) continue;
      ++out.brokers;
      const auto state = b.value.FindMember("state");
      if (state != b.value.MemberEnd() && state->value.IsString() && std::string_view(state->value.GetString()) == "UP")
        ++out.brokers_up;
    }
  }

  if (const auto topics = doc.FindMember("topics"); topics != doc.MemberEnd() && topics->value.IsObject()) {
    for (const auto& t : topics->value.GetObject()) {
      if (!t.value.IsObject()) continue;
      const auto partitions = t.value.FindMember("partitions");
      if (partitions == t.value.MemberEnd() || !partitions->value.IsObject()) continue;
      for (const auto& p : partitions->value.GetObject()) {
        if (!p.value.IsObject()) continue;
        const auto id = int_member(p.value, "partition", -1);
        if (id < 0) continue;  // -1: the topic's unassigned-messages queue
        // -1 until the consumer knows both its position and the end.
        const auto lag = int_member(p.value, "consumer_lag", -1);
        if (lag < 0) continue;
        out.partitions.push_back({t.name.GetString(), static_cast<std::int32_t>(id), lag});
      }
    }
  }

  if (const auto cgrp = doc.FindMember("cgrp"); cgrp != doc.MemberEnd() && cgrp->value.IsObject()) {
    if (cgrp->value.HasMember("rebalance_cnt")) out.rebalances = int_member(cgrp->value, "rebalance_cnt", 0);
    if (cgrp->value.HasMember("assignment_size")) out.assigned_partitions = int_member(cgrp->value, "assignment_size", 0);
  }
  return out;
}

}  // namespace e911::kafka
