// The address validation provider client (producers/locations/
// address_validator.h) against a provider played by the project's own
// HTTP server on loopback: what it sends, and each kind of answer:
// confirmed, refused (with and without a field), a 500, malformed JSON, no
// answer within the timeout, no server at all; the bearer token from its
// file, rotated, and never in an error text.

#include "producers/locations/address_validator.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "common/net/http_server.h"
#include "tests/locations/contract_address.h"
#include "tests/observability/log_capture.h"
#include "tests/support/gate.h"
#include "tests/support/json.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace e911::locations {
namespace {

using Kind = AddressVerdict::Kind;

net::HttpResponse json_answer(int status, std::string body) {
  net::HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

class AddressValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::HttpServerOptions o;
    o.name = "address provider";
    server_ = std::make_unique<net::HttpServer>([this](const net::HttpRequest& r) { return handle(r); }, o);
  }
  void TearDown() override {
    gate_.open();  // a handler held at it ends, so the server can stop
    server_.reset();
  }

  net::HttpResponse handle(const net::HttpRequest& r) {
    std::function<net::HttpResponse()> answer;
    {
      std::lock_guard lock(mu_);
      last_ = r;
      answer = answer_;
    }
    return answer ? answer() : json_answer(200, R"({"valid": true})");
  }

  void answer_with(std::function<net::HttpResponse()> answer) {
    std::lock_guard lock(mu_);
    answer_ = std::move(answer);
  }
  net::HttpRequest last_request() {
    std::lock_guard lock(mu_);
    return last_;
  }

  HttpAddressValidatorSettings settings(std::string token_file = {}) const {
    HttpAddressValidatorSettings s;
    s.url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1/check?key=k-123";
    s.token_file = std::move(token_file);
    s.timeout = std::chrono::milliseconds(5000);
    return s;
  }

  test::LogCapture logs_{LogLevel::debug};  // keeps the server's lines out of the output
  test::TempDir dir_;
  test::Gate gate_;
  std::mutex mu_;
  std::function<net::HttpResponse()> answer_;
  net::HttpRequest last_;
  std::unique_ptr<net::HttpServer> server_;
};

TEST_F(AddressValidatorTest, AConfirmedAddressAndWhatIsSent) {
  HttpAddressValidator validator(settings());
  const auto verdict = validator.validate(test::contract_address());
  EXPECT_EQ(verdict.kind, Kind::confirmed) << verdict.message;

  const auto sent = last_request();
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.target, "/v1/check?key=k-123");
  EXPECT_EQ(sent.header("Content-Type").value_or(""), "application/json");
  EXPECT_FALSE(sent.header("Authorization"));
  const auto body = test::parse_json(sent.body);
  ASSERT_FALSE(body.HasParseError()) << sent.body;
  ASSERT_TRUE(body.IsObject() && body.HasMember("address")) << sent.body;
  EXPECT_EQ(body.MemberCount(), 1u);
  const auto& address = body["address"];
  EXPECT_EQ(test::member_string(address, "country"), "US");
  EXPECT_EQ(test::member_string(address, "state"), "TX");
  EXPECT_EQ(test::member_string(address, "house_number"), "500");
  EXPECT_EQ(test::member_string(address, "postal_code"), "78701");
  EXPECT_EQ(test::member_string(address, "unit"), "4B");
  ASSERT_TRUE(address.HasMember("multi_dwelling"));
  EXPECT_TRUE(address["multi_dwelling"].GetBool());
  EXPECT_FALSE(address.HasMember("county")) << "fields that are not set are left out";
}

TEST_F(AddressValidatorTest, ARefusalNamesTheField) {
  answer_with([] {
    return json_answer(200, R"({"valid": false, "message": "No house 500 on Example Ave", "field": "house_number"})");
  });
  HttpAddressValidator validator(settings());
  const auto verdict = validator.validate(test::contract_address());
  ASSERT_EQ(verdict.kind, Kind::refused) << verdict.message;
  EXPECT_EQ(verdict.field, "address.house_number");
  EXPECT_EQ(verdict.message, "No house 500 on Example Ave");
  const auto problem = refusal_problem(verdict);
  EXPECT_EQ(problem.field, "address.house_number");
  EXPECT_EQ(problem.message, "address.house_number: No house 500 on Example Ave");
}

TEST_F(AddressValidatorTest, ARefusalWithoutAKnownFieldIsAboutTheAddress) {
  answer_with([] { return json_answer(200, R"({"valid": false, "field": "geocode"})"); });
  HttpAddressValidator validator(settings());
  const auto verdict = validator.validate(test::contract_address());
  ASSERT_EQ(verdict.kind, Kind::refused);
  EXPECT_EQ(verdict.field, "");
  const auto problem = refusal_problem(verdict);
  EXPECT_EQ(problem.field, "address");
  EXPECT_EQ(problem.message, "address: the address validation provider refused it");

  answer_with([] { return json_answer(200, R"({"valid": false, "field": "address.postal_code", "message": "x"})"); });
  EXPECT_EQ(validator.validate(test::contract_address()).field, "address.postal_code");
}

TEST_F(AddressValidatorTest, AServerErrorIsUnavailable) {
  answer_with([] { return json_answer(500, R"({"error": "database down"})"); });
  HttpAddressValidator validator(settings());
  const auto verdict = validator.validate(test::contract_address());
  ASSERT_EQ(verdict.kind, Kind::unavailable);
  const std::string origin = "POST http://127.0.0.1:" + std::to_string(server_->port()) + "/v1/check: HTTP 500: ";
  EXPECT_EQ(verdict.message.rfind(origin, 0), 0u) << verdict.message;
  EXPECT_EQ(verdict.message.find("k-123"), std::string::npos) << "never the query";
}

TEST_F(AddressValidatorTest, AnAnswerThatIsNotTheProtocolIsUnavailable) {
  HttpAddressValidator validator(settings());
  answer_with([] { return json_answer(200, R"({"valid": tru)"); });
  auto verdict = validator.validate(test::contract_address());
  EXPECT_EQ(verdict.kind, Kind::unavailable);
  EXPECT_NE(verdict.message.find("the answer is not JSON"), std::string::npos) << verdict.message;

  answer_with([] { return json_answer(200, R"({"valid": "yes"})"); });
  verdict = validator.validate(test::contract_address());
  EXPECT_EQ(verdict.kind, Kind::unavailable);
  EXPECT_NE(verdict.message.find("valid: expected a boolean"), std::string::npos) << verdict.message;

  answer_with([] { return json_answer(200, R"({"message": "ok"})"); });
  verdict = validator.validate(test::contract_address());
  EXPECT_EQ(verdict.kind, Kind::unavailable);
  EXPECT_NE(verdict.message.find("valid: missing"), std::string::npos) << verdict.message;

  answer_with([] { return json_answer(200, "[true]"); });
  EXPECT_EQ(validator.validate(test::contract_address()).kind, Kind::unavailable);
}

TEST_F(AddressValidatorTest, AProviderThatDoesNotAnswerInTimeIsUnavailable) {
  answer_with([this] {
    gate_.wait();  // until the test is over
    return json_answer(200, R"({"valid": true})");
  });
  auto s = settings();
  s.timeout = std::chrono::milliseconds(200);
  HttpAddressValidator validator(s);
  const auto verdict = validator.validate(test::contract_address());
  ASSERT_EQ(verdict.kind, Kind::unavailable);
  EXPECT_NE(verdict.message.find("read response: timed out"), std::string::npos) << verdict.message;
  EXPECT_TRUE(test::wait_until([&] { return gate_.waiting() == 1; })) << "the provider was holding the request";
}

TEST_F(AddressValidatorTest, NoProviderListeningIsUnavailable) {
  const auto s = settings();
  server_.reset();  // frees the port
  HttpAddressValidator validator(s);
  const auto verdict = validator.validate(test::contract_address());
  ASSERT_EQ(verdict.kind, Kind::unavailable);
  EXPECT_NE(verdict.message.find("connection refused"), std::string::npos) << verdict.message;
}

TEST_F(AddressValidatorTest, TheTokenIsSentAsABearerTokenReadAgainEachTimeAndNeverShown) {
  const std::string token_file = dir_.write("token", "tok-first-123\n");
  HttpAddressValidator validator(settings(token_file));
  EXPECT_EQ(validator.validate(test::contract_address()).kind, Kind::confirmed);
  EXPECT_EQ(last_request().header("Authorization").value_or(""), "Bearer tok-first-123");

  dir_.write("token", "tok-second-456");
  // A provider that echoes the request in its error text.
  answer_with([this] {
    return json_answer(401, "bad credentials: " + std::string(last_request().header("Authorization").value_or("")));
  });
  const auto verdict = validator.validate(test::contract_address());
  EXPECT_EQ(last_request().header("Authorization").value_or(""), "Bearer tok-second-456");
  ASSERT_EQ(verdict.kind, Kind::unavailable);
  EXPECT_NE(verdict.message.find("HTTP 401: bad credentials: Bearer ***"), std::string::npos) << verdict.message;

  std::filesystem::remove(token_file);
  const auto unreadable = validator.validate(test::contract_address());
  EXPECT_EQ(unreadable.kind, Kind::unavailable);
  EXPECT_NE(unreadable.message.find("locations.validation.token_file: cannot read"), std::string::npos)
      << unreadable.message;
}

TEST_F(AddressValidatorTest, SettingsThatCannotWorkAreRefusedAtOnce) {
  const auto refused = [](HttpAddressValidatorSettings s) -> std::string {
    try {
      HttpAddressValidator validator(std::move(s));
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  auto s = settings();
  s.url = "ftp://127.0.0.1/check";
  EXPECT_EQ(refused(s), "locations.validation.url: URL scheme 'ftp' is not http or https");
  s.url = "http://user:pw@127.0.0.1/check";
  EXPECT_EQ(refused(s).rfind("locations.validation.url: the URL has user info", 0), 0u);
  s = settings(dir_.file("missing"));
  EXPECT_EQ(refused(s).rfind("locations.validation.token_file: cannot read", 0), 0u);
  s = settings(dir_.write("spaced", "two words\n"));
  EXPECT_EQ(refused(s), "locations.validation.token_file: the token has spaces or characters that are not ASCII");
  s = settings(dir_.write("empty", "\n"));
  EXPECT_EQ(refused(s), "locations.validation.token_file: the file is empty");
}

}  // namespace
}  // namespace e911::locations
