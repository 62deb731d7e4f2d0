#pragma once
// Views a consumed RdKafka::Message as a kafka::Message (no payload copy).

#include <librdkafka/rdkafkacpp.h>

#include "common/kafka/message.h"

namespace e911::kafka {

// `topic` must outlive the view (RdKafka::Message::topic_name() returns a
// temporary string, so the caller keeps it).
Message view_of(RdKafka::Message& m, const std::string& topic);

}  // namespace e911::kafka
