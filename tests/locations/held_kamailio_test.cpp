// The HELD responder with a real peer: Kamailio's lost module
// (lost_held_query, over http_client) asks the responder, hosted on the
// project's HttpServer, where a caller's device is, the way
// docs/locations.md tells a proxy operator to; the test sends SIP requests
// to that Kamailio (tests/locations/kamailio/held.cfg) and reads what lost
// made of each answer from the SIP reply.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/net/http_server.h"
#include "common/text.h"
#include "producers/locations/held_responder.h"
#include "tests/ingest/sip_peers.h"
#include "tests/locations/held_documents.h"
#include "tests/support/files.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace e911::locations::held_test {
namespace {

struct SipReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

SipReply parse_reply(const std::string& text) {
  SipReply r;
  const auto head_end = text.find("\r\n\r\n");
  const std::string head = text.substr(0, head_end);
  if (head_end != std::string::npos) r.body = text.substr(head_end + 4);
  std::size_t pos = head.find("\r\n");
  if (head.rfind("SIP/2.0 ", 0) == 0) r.status = std::atoi(head.c_str() + 8);
  while (pos != std::string::npos && pos < head.size()) {
    const auto next = head.find("\r\n", pos + 2);
    const std::string line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    if (const auto colon = line.find(':'); colon != std::string::npos) {
      r.headers[to_lower_ascii(trim(line.substr(0, colon)))] = std::string(trim(line.substr(colon + 1)));
    }
    pos = next;
  }
  return r;
}

// One SIP request over UDP from a socket of its own, and the first reply
// (nullopt when none came within the deadline).
std::optional<SipReply> ask_proxy(int proxy_port, const std::string& connection, const std::string& contact) {
  static std::atomic<int> n{0};
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind failed");
  }
  const std::string local = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  const std::string id = std::to_string(++n);
  const std::string message = "OPTIONS sip:held@127.0.0.1:" + std::to_string(proxy_port) + " SIP/2.0\r\n" +
                              "Via: SIP/2.0/UDP " + local + ";branch=z9hG4bK-held-" + id + ";rport\r\n" +
                              "Max-Forwards: 70\r\n" + "From: <sip:5001@example.com>;tag=t" + id + "\r\n" +
                              "To: <sip:held@127.0.0.1>\r\n" + "Call-ID: held-" + id + "@127.0.0.1\r\n" +
                              "CSeq: 1 OPTIONS\r\n" + "Contact: <" + contact + ">\r\n" +
                              "X-Held-Connection: " + connection + "\r\n" + "Content-Length: 0\r\n\r\n";
  addr.sin_port = htons(static_cast<std::uint16_t>(proxy_port));
  std::optional<SipReply> reply;
  if (::sendto(fd, message.data(), message.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr) ==
      static_cast<ssize_t>(message.size())) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::chrono::milliseconds(test::kDeadline).count())) == 1) {
      std::string buffer(65536, '\0');
      const auto got = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (got > 0) reply = parse_reply(buffer.substr(0, static_cast<std::size_t>(got)));
    }
  }
  ::close(fd);
  return reply;
}

class HeldKamailioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = reference_registry();
    ASSERT_TRUE(registry_);
    // Kamailio asks from 127.0.0.1: allowed by one responder, not by the other.
    held_ = std::make_unique<HeldResponder>(options("127.0.0.0/8"), [r = registry_] { return r; },
                                            [this](HeldOutcome o) { count(o); });
    refusing_ = std::make_unique<HeldResponder>(options("10.9.9.0/24"), [r = registry_] { return r; },
                                                [this](HeldOutcome o) { count(o); });
    held_server_ = host(*held_);
    refusing_server_ = host(*refusing_);
    proxy_port_ = test::free_udp_port();
    kamailio_ = test::start_kamailio(dir_, "tests/locations/kamailio/held.cfg", proxy_port_,
                                     {{"@PROXY_PORT@", std::to_string(proxy_port_)},
                                      {"@HELD_PORT@", std::to_string(held_server_->port())},
                                      {"@REFUSED_PORT@", std::to_string(refusing_server_->port())}});
  }
  void TearDown() override {
    // Now and then Kamailio takes seconds to wind down after SIGTERM; an
    // orderly exit is not what is tested, so it gets one second.
    if (kamailio_) kamailio_->stop(std::chrono::seconds(1));
    if (HasFailure()) std::cerr << "kamailio.log:\n" << test::read_file(dir_.path("kamailio.log"));
  }

  static HeldResponderOptions options(const std::string& allowed) {
    HeldResponderOptions o;
    o.allowed_clients.push_back(*IpPrefix::parse(allowed));
    return o;
  }
  static std::unique_ptr<net::HttpServer> host(const HeldResponder& responder) {
    net::HttpServerOptions o;
    o.name = "HELD responder";
    o.max_body_bytes = kMaxHeldRequestBytes;
    return std::make_unique<net::HttpServer>([&responder](const net::HttpRequest& r) { return responder.answer(r); },
                                             o);
  }

  void count(HeldOutcome o) {
    std::lock_guard lock(mutex_);
    ++counts_[o];
  }
  int counted(HeldOutcome o) {
    std::lock_guard lock(mutex_);
    return counts_[o];
  }

  // What lost_held_query made of the answer for the device at `contact`.
  SipReply ask(const std::string& contact, const std::string& connection = "held") {
    auto reply = ask_proxy(proxy_port_, connection, contact);
    EXPECT_TRUE(reply) << "no SIP reply from kamailio";
    if (!reply) return {};
    EXPECT_EQ(reply->status, 200);
    return *reply;
  }

  test::TempDir dir_;
  std::mutex mutex_;
  std::map<HeldOutcome, int> counts_;  // called from the servers' threads
  std::shared_ptr<const registry::Registry> registry_;
  std::unique_ptr<HeldResponder> held_, refusing_;
  std::unique_ptr<net::HttpServer> held_server_, refusing_server_;
  int proxy_port_ = 0;
  std::unique_ptr<test::ChildProcess> kamailio_;
};

TEST_F(HeldKamailioTest, ADeviceOnAnOfficeSubnetGetsItsPidfLo) {
  const auto reply = ask("sip:5001@10.40.1.23:5060");
  EXPECT_EQ(reply.headers.at("x-held-result"), "200");
  EXPECT_EQ(reply.headers.at("x-held-error"), "");
  EXPECT_EQ(shape_of(reply.body).root, kHeldResponse);
  const auto loc = location_in(reply.body);
  ASSERT_TRUE(loc.address);
  EXPECT_EQ(loc.address->city, "London");
  EXPECT_EQ(loc.address->building, "North Tower");
  EXPECT_EQ(loc.address->floor, "4");
  EXPECT_EQ(loc.method, "DHCP");

  const auto austin = ask("sip:5002@10.60.1.40");
  EXPECT_EQ(austin.headers.at("x-held-result"), "200");
  EXPECT_EQ(location_in(austin.body).address->city, "Austin");
  EXPECT_EQ(counted(HeldOutcome::located), 2);
}

TEST_F(HeldKamailioTest, HeldErrorsReachTheProxyWithTheirCodes) {
  for (const auto& [contact, code] : std::vector<std::pair<std::string, std::string>>{
           {"sip:5001@10.200.1.5:5060", "notLocatable"},     // a VPN address
           {"sip:5001@192.0.2.10", "locationUnknown"},        // no site knows it
           {"sip:alice@example.com", "badIdentifier"}}) {     // a user, not a device
    const auto reply = ask(contact);
    EXPECT_EQ(reply.headers.at("x-held-result"), "500") << contact;
    EXPECT_EQ(reply.headers.at("x-held-error"), code) << contact;
    EXPECT_EQ(shape_of(reply.body).code, code) << contact;
  }
  EXPECT_EQ(counted(HeldOutcome::not_locatable), 1);
  EXPECT_EQ(counted(HeldOutcome::location_unknown), 1);
  EXPECT_EQ(counted(HeldOutcome::bad_identifier), 1);
}

TEST_F(HeldKamailioTest, AProxyThatIsNotAllowedLearnsNothing) {
  const auto reply = ask("sip:5001@10.40.1.23:5060", "held_refused");
  EXPECT_EQ(reply.headers.at("x-held-result"), "400");  // lost: the HTTP request failed
  EXPECT_EQ(reply.body, "");
  EXPECT_EQ(counted(HeldOutcome::refused_client), 1);
  EXPECT_EQ(counted(HeldOutcome::located), 0);
}

}  // namespace
}  // namespace e911::locations::held_test
