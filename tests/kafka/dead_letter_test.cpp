// Dead-letter records: the JSON (schema e911.dead-letter/v1) and the
// writer's rule that a rejected message counts as processed only once its
// record is delivered.

#include "common/encoding.h"
#include "common/kafka/dead_letter.h"
#include "common/text.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/kafka/consumer.h"
#include "common/kafka/dead_letter_writer.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/producer.h"
#include "common/kafka/topic_reader.h"
#include "tests/kafka/kafka_test_util.h"
#include "tests/support/files.h"

namespace e911::kafka {
namespace {

using namespace std::chrono_literals;
using test::kDeadline;
using test::poll_until;

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  EXPECT_FALSE(d.HasParseError()) << json;
  return d;
}

// Records go where the schemas_emitted test validates them against
// schemas/dead-letter.v1.schema.json (tests/schemas/tests.cmake).
void emit(const std::string& json) {
  std::filesystem::path dir;
  if (const char* env = std::getenv("E911_EMITTED_DIR"); env && *env) {
    dir = env;
  } else {
    dir = std::filesystem::path(test::e911_binary()).parent_path() / "emitted";
  }
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "kafka-dead-letters.jsonl", std::ios::app) << json << "\n";
}

DeadLetterRecord record(std::string payload, std::optional<std::string> key = "u-1") {
  DeadLetterRecord r;
  r.component = "locator";
  r.reason = "device.ip: not an IP address: \"10.40.1.999\"";
  r.topic = "e911.call-events";
  r.partition = 0;
  r.offset = 12;
  r.key = std::move(key);
  r.payload = std::move(payload);
  r.at = *parse_rfc3339("2026-11-21T10:00:00.015Z");
  return r;
}

TEST(DeadLetter, TextPayload) {
  const std::string payload = R"({"schema":"e911.call-event/v1","event_id":"b-3","device":{"ip":"10.40.1.999"}})";
  const std::string json = encode_dead_letter(record(payload));
  emit(json);
  const auto d = parse(json);
  EXPECT_STREQ(d["schema"].GetString(), "e911.dead-letter/v1");
  EXPECT_STREQ(d["component"].GetString(), "locator");
  EXPECT_STREQ(d["reason"].GetString(), "device.ip: not an IP address: \"10.40.1.999\"");
  EXPECT_STREQ(d["source"]["topic"].GetString(), "e911.call-events");
  EXPECT_EQ(d["source"]["partition"].GetInt(), 0);
  EXPECT_EQ(d["source"]["offset"].GetInt64(), 12);
  EXPECT_STREQ(d["source"]["key"].GetString(), "u-1");
  EXPECT_EQ(std::string(d["payload"].GetString(), d["payload"].GetStringLength()), payload);
  EXPECT_FALSE(d.HasMember("payload_base64"));
  EXPECT_EQ(d["payload_bytes"].GetUint64(), payload.size());
  EXPECT_FALSE(d["payload_truncated"].GetBool());
  EXPECT_STREQ(d["at"].GetString(), "2026-11-21T10:00:00.015Z");
}

TEST(DeadLetter, BinaryPayloadWithoutKeyIsBase64) {
  const std::string payload("\xff\xfe\xfd\x00\x01\x02\x03", 7);
  const std::string json = encode_dead_letter(record(payload, std::nullopt));
  emit(json);
  const auto d = parse(json);
  EXPECT_TRUE(d["source"]["key"].IsNull());
  EXPECT_FALSE(d.HasMember("payload"));
  EXPECT_STREQ(d["payload_base64"].GetString(), "//79AAECAw==");  // as schemas/examples/dead-letter
  EXPECT_EQ(d["payload_bytes"].GetUint64(), 7u);
  EXPECT_FALSE(d["payload_truncated"].GetBool());
}

TEST(DeadLetter, ControlCharactersAndNulAreTextEscapedByJson) {
  const std::string payload("line1\nline2\t\0end", 16);
  const auto d = parse(encode_dead_letter(record(payload)));
  ASSERT_TRUE(d.HasMember("payload"));
  EXPECT_EQ(std::string(d["payload"].GetString(), d["payload"].GetStringLength()), payload);
}

TEST(DeadLetter, OversizedTextIsTruncatedAtACharacterBoundary) {
  // "é" is two bytes: a cut at an odd byte count must not split one.
  std::string payload;
  for (int i = 0; i < 1000; ++i) payload += "\xc3\xa9";
  const std::string json = encode_dead_letter(record(payload), 101);
  emit(json);
  const auto d = parse(json);
  const std::string kept(d["payload"].GetString(), d["payload"].GetStringLength());
  EXPECT_EQ(kept.size(), 100u);
  EXPECT_TRUE(is_valid_utf8(kept));
  EXPECT_EQ(kept, payload.substr(0, 100));
  EXPECT_EQ(d["payload_bytes"].GetUint64(), 2000u);
  EXPECT_TRUE(d["payload_truncated"].GetBool());

  // The default limit: 64 KiB of a 1 MiB message.
  const auto big = parse(encode_dead_letter(record(std::string(1 << 20, 'x'))));
  EXPECT_EQ(big["payload"].GetStringLength(), 64u * 1024);
  EXPECT_EQ(big["payload_bytes"].GetUint64(), 1u << 20);
  EXPECT_TRUE(big["payload_truncated"].GetBool());
}

TEST(DeadLetter, OversizedBinaryIsTruncatedBeforeBase64) {
  const std::string payload(100, '\xff');
  const auto d = parse(encode_dead_letter(record(payload), 10));
  EXPECT_EQ(std::string(d["payload_base64"].GetString()), base64_encode(std::string(10, '\xff')));
  EXPECT_EQ(d["payload_bytes"].GetUint64(), 100u);
  EXPECT_TRUE(d["payload_truncated"].GetBool());
}

TEST(DeadLetter, KeyThatIsNotText) {
  const std::string json = encode_dead_letter(record("x", std::string("\xff\x00k", 3)));
  emit(json);
  const auto d = parse(json);
  EXPECT_TRUE(d["source"]["key"].IsNull());
  EXPECT_STREQ(d["source"]["key_base64"].GetString(), "/wBr");
}

TEST(DeadLetterWriter, MessageIsProcessedOnlyOnceItsRecordIsDelivered) {
  EmbeddedBroker broker;
  broker.create_topic("e911.call-events", 1);
  broker.create_topic("e911.dead-letter", 1);
  const auto props = test::test_properties(broker);
  Producer producer(props, {.topics = {"e911.call-events", "e911.dead-letter"}});
  producer.produce("e911.call-events", "u-1", "not json");
  producer.produce("e911.call-events", std::nullopt, std::string("\xff\xfe", 2));
  ASSERT_TRUE(producer.flush(kDeadline));
  DeadLetterWriter writer(producer, "e911.dead-letter", "locator");

  ConsumerOptions options;
  options.group_id = test::unique_name("dead-letter");
  options.topics = {"e911.call-events"};
  options.drain_timeout = 0ms;  // the lost record's message stays undone on purpose
  {
    Consumer consumer(props, options);
    int handled = 0;
    ASSERT_TRUE(poll_until(
        consumer,
        [&](const Message& m, const Ack& ack) {
          if (handled++ == 0) {
            // Kafka refuses the first dead letter (non-retriable error).
            broker.fail_next_requests(0 /* Produce */, {RD_KAFKA_RESP_ERR_INVALID_RECORD});
          }
          writer.write(m, "not JSON: invalid value at byte 0", ack);
          ASSERT_TRUE(producer.flush(kDeadline));
        },
        [&] { return handled == 2; }));
    EXPECT_EQ(writer.failed(), 1u);
    EXPECT_EQ(writer.written(), 1u);
    // The first message's record was lost, so nothing may be stored: the
    // second one's offset is behind the first's gap.
    consumer.poll([](const Message&, const Ack&) {}, 0ms);
    EXPECT_EQ(consumer.stats().offsets_stored, 0u);
    consumer.close();
  }

  // Restart: the first message comes again and is dead-lettered now.
  Consumer consumer(props, options);
  std::vector<std::int64_t> offsets;
  ASSERT_TRUE(poll_until(
      consumer,
      [&](const Message& m, const Ack& ack) {
        offsets.push_back(m.offset);
        writer.write(m, "not JSON: invalid value at byte 0", ack);
      },
      [&] { return offsets.size() == 2; }));
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{0, 1}));
  ASSERT_TRUE(producer.flush(kDeadline));
  consumer.close();
  EXPECT_EQ(consumer.stats().offsets_stored, 1u);  // both done: stored as one position, 2

  std::vector<rapidjson::Document> records;
  read_to_end(props, "e911.dead-letter", [&](const Message& m) {
    emit(std::string(m.value));
    records.push_back(parse(std::string(m.value)));
  });
  ASSERT_EQ(records.size(), 3u);  // offset 1, then 0 and 1 again (at-least-once)
  const auto& text = records[1];
  EXPECT_STREQ(text["component"].GetString(), "locator");
  EXPECT_STREQ(text["reason"].GetString(), "not JSON: invalid value at byte 0");
  EXPECT_EQ(text["source"]["offset"].GetInt64(), 0);
  EXPECT_STREQ(text["source"]["key"].GetString(), "u-1");
  EXPECT_STREQ(text["payload"].GetString(), "not json");
  const auto& binary = records[2];
  EXPECT_EQ(binary["source"]["offset"].GetInt64(), 1);
  EXPECT_TRUE(binary["source"]["key"].IsNull());
  EXPECT_STREQ(binary["payload_base64"].GetString(), "//4=");
}

}  // namespace
}  // namespace e911::kafka
