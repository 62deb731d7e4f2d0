// The ingest's mirror sockets under bad input, on the embedded broker: binary
// garbage, truncated and oversized SIP on UDP, keep-alives, SIP and HEP
// framed on one TCP stream, and a stream that cannot be framed. Each bad
// record is dead-lettered with its reason; none stops the good ones.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "common/service/background_service.h"
#include "producers/ingest/ingest_service.h"
#include "tests/ingest/ingest_test_cluster.h"
#include "tests/support/files.h"
#include "tests/support/wait.h"

namespace e911::ingest {
namespace {

std::string sip_file(const std::string& name) { return test::read_file(test::source_dir() + "/tests/ingest/sip/" + name); }

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  return addr;
}

void send_datagram(std::uint16_t port, const std::string& bytes) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  const auto addr = loopback(port);
  EXPECT_EQ(::sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&addr), sizeof addr),
            static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

void send_stream(std::uint16_t port, const std::string& bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  const auto addr = loopback(port);
  ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

// A HEP v3 packet carrying `sip` (chunks: IPv4 source 10.40.1.23, time, SIP).
std::string hep_packet(const std::string& sip) {
  std::string body;
  const auto chunk = [&](std::uint16_t type, const std::string& data) {
    const auto len = static_cast<std::uint16_t>(6 + data.size());
    body += std::string{'\0', '\0', static_cast<char>(type >> 8), static_cast<char>(type & 0xff),
                        static_cast<char>(len >> 8), static_cast<char>(len & 0xff)};
    body += data;
  };
  chunk(0x03, std::string("\x0a\x28\x01\x17", 4));
  chunk(0x0b, std::string(1, '\x01'));
  chunk(0x0f, sip);
  const auto total = static_cast<std::uint16_t>(6 + body.size());
  return std::string("HEP3") + static_cast<char>(total >> 8) + static_cast<char>(total & 0xff) + body;
}

class IngestServiceTest : public ::testing::Test, protected test::IngestTestCluster {
 protected:
  void SetUp() override {
    auto o = ingest_options();
    o.sip.tcp = "127.0.0.1:0";
    o.sip.max_record_bytes = 8192;
    o.ingest.limits.max_bytes = 8192;
    service_ = std::make_unique<IngestService>(o, observability::MetricsRegistry());
    run_ = std::make_unique<service::BackgroundService>(*service_);
    ASSERT_TRUE(test::wait_until([&] { return service_->started(); })) << run_->error();
  }
  void TearDown() override {
    run_->stop();
    EXPECT_EQ(run_->error(), "");
  }

  static bool any_contains(const std::vector<std::string>& lines, const std::string& text) {
    for (const auto& l : lines)
      if (l.find(text) != std::string::npos) return true;
    return false;
  }

  std::unique_ptr<IngestService> service_;
  std::unique_ptr<service::BackgroundService> run_;
};

TEST_F(IngestServiceTest, BadDatagramsAreDeadLetteredAndTheGoodOnesStillFlow) {
  const auto port = *service_->sip_udp_port();
  std::string garbage;
  for (int i = 0; i < 600; ++i) garbage.push_back(static_cast<char>((i * 37) & 0xff));
  send_datagram(port, garbage);
  send_datagram(port, sip_file("truncated.sip"));
  send_datagram(port, sip_file("short-body.sip"));
  send_datagram(port, "INVITE sip:911@h SIP/2.0\r\nX-Pad: " + std::string(9000, 'a') + "\r\n\r\n");
  send_datagram(port, "\r\n\r\n");  // a keep-alive: ignored, not an error
  send_datagram(port, sip_file("cisco-911.sip"));
  send_datagram(port, hep_packet(sip_file("pidf-112.sip")));

  ASSERT_TRUE(test::wait_until([&] { return service_->stats().delivered == 2 && topic(topics_.dead_letter).size() == 4; }))
      << "delivered " << service_->stats().delivered << ", dead letters " << topic(topics_.dead_letter).size();
  const auto dead = topic(topics_.dead_letter);
  EXPECT_TRUE(any_contains(dead, "not a SIP message"));
  EXPECT_TRUE(any_contains(dead, "do not end with an empty line"));
  EXPECT_TRUE(any_contains(dead, "body shorter than Content-Length"));
  EXPECT_TRUE(any_contains(dead, "larger than the limit of 8192"));
  EXPECT_TRUE(any_contains(dead, "\"siptrace/udp\""));
  const auto events = topic(topics_.call_events);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(any_contains(events, "\"dialed\":\"911\""));
  EXPECT_TRUE(any_contains(events, "\"dialed\":\"112\""));
  EXPECT_EQ(service_->stats().rejected, 4u);
  EXPECT_TRUE(service_->health().live);
}

TEST_F(IngestServiceTest, TcpStreamsAreFramedAndAnUnframeableOneIsClosed) {
  const auto port = *service_->sip_tcp_port();
  // Two SIP messages and a HEP packet back to back on one connection.
  send_stream(port, sip_file("cisco-911.sip") + sip_file("200-ok.sip") + hep_packet(sip_file("pidf-112.sip")));
  ASSERT_TRUE(test::wait_until([&] { return service_->stats().delivered == 3; })) << service_->stats().delivered;
  // A message without Content-Length cannot be framed on a stream: the
  // connection is closed, and the next one works.
  send_stream(port, "INVITE sip:911@h SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n");
  send_stream(port, sip_file("pureconnect-911.sip"));
  ASSERT_TRUE(test::wait_until([&] { return service_->stats().delivered == 4; })) << service_->stats().delivered;
  EXPECT_TRUE(service_->health().live);
}

}  // namespace
}  // namespace e911::ingest
