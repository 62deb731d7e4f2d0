#include "producers/locations/address_validator.h"

#include <Poco/Exception.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "common/json_reader.h"
#include "common/json_writer.h"
#include "common/net/tls_context.h"
#include "common/secret_file.h"

namespace e911::locations {

namespace {

constexpr std::string_view kUrlKey = "locations.validation.url";
constexpr std::string_view kTokenKey = "locations.validation.token_file";

AddressVerdict unavailable(std::string why) { return {AddressVerdict::Kind::unavailable, std::move(why), {}}; }

// The token, or why there is none to send. Visible ASCII only: anything
// else could split the request's header.
Result<std::string> read_token(const std::string& path) {
  auto token = read_secret_file(path);
  if (!token) return Error{std::string(kTokenKey) + ": " + token.error().message};
  if (token->empty()) return Error{std::string(kTokenKey) + ": the file is empty"};
  const bool printable = std::all_of(token->begin(), token->end(), [](char c) { return c > 0x20 && c < 0x7f; });
  if (!printable) return Error{std::string(kTokenKey) + ": the token has spaces or characters that are not ASCII"};
  return token;
}

std::string request_body(const CivicAddress& address) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::put_address(w, address);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

// "postal_code" or "address.postal_code" as the API names it; "" for
// anything that is not a civic field.
std::string api_field(std::string_view named) {
  if (named.starts_with("address.")) named.remove_prefix(8);
  for (const CivicField& f : civic_fields()) {
    if (f.json_name == named) return "address." + std::string(named);
  }
  return "";
}

// The provider's answer to a 2xx: {"valid": bool, "message"?, "field"?}.
AddressVerdict read_answer(std::string_view body, const std::string& step, const std::string& token) {
  const JsonLimits limits;
  rapidjson::Document doc;
  if (const auto error = parse_json(body, limits, doc)) {
    return unavailable(step + ": the answer is not JSON: " + error->message);
  }
  if (!doc.IsObject()) return unavailable(step + ": the answer is not a JSON object");
  FieldReader r(doc, "", limits);
  bool valid = false;
  std::string message, field;
  if (!find_member(doc, "valid")) r.fail("valid", "missing");
  r.optional_bool("valid", valid);
  r.optional_string("message", message);
  r.optional_string("field", field);
  if (!r.ok()) return unavailable(step + ": unexpected answer: " + net::redact(r.error()->message, {token}));
  if (valid) return {AddressVerdict::Kind::confirmed, {}, {}};
  return {AddressVerdict::Kind::refused, net::redact(net::short_text(message), {token}), api_field(field)};
}

}  // namespace

FieldProblem refusal_problem(const AddressVerdict& refused) {
  const std::string field = refused.field.empty() ? "address" : refused.field;
  const std::string why = refused.message.empty() ? "the address validation provider refused it" : refused.message;
  return {field, field + ": " + why};
}

HttpAddressValidator::HttpAddressValidator(HttpAddressValidatorSettings settings) : settings_(std::move(settings)) {
  auto parsed = net::parse_http_url(settings_.url);
  if (!parsed.endpoint) throw std::invalid_argument(std::string(kUrlKey) + ": " + parsed.error);
  endpoint_ = std::move(*parsed.endpoint);
  if (!endpoint_.user.empty() || !endpoint_.password.empty()) {
    throw std::invalid_argument(std::string(kUrlKey) + ": the URL has user info; put a token in " +
                                std::string(kTokenKey) + " instead");
  }
  if (!settings_.token_file.empty()) {
    if (auto token = read_token(settings_.token_file); !token) throw std::invalid_argument(token.error().message);
  }
  if (settings_.timeout <= std::chrono::milliseconds::zero()) {
    throw std::invalid_argument("locations.validation.timeout_ms: must be positive");
  }
  if (endpoint_.https) {
    try {
      tls_ = net::client_tls_context(settings_.verify_certificate, settings_.ca_file);
    } catch (const Poco::Exception& e) {
      throw std::invalid_argument(std::string(kUrlKey) + ": TLS: " + e.displayText());
    }
  }
  // The path, never the query: a provider's API key may be in it.
  const std::string& target = endpoint_.path_and_query;
  step_ = "POST " + endpoint_.origin() + target.substr(0, target.find('?'));
}

AddressVerdict HttpAddressValidator::validate(const CivicAddress& address) {
  net::HttpRequestSpec request;
  request.method = "POST";
  request.target = endpoint_.path_and_query;
  request.content_type = "application/json";
  request.body = request_body(address);
  request.headers.emplace_back("Accept", "application/json");
  std::string token;
  if (!settings_.token_file.empty()) {
    auto read = read_token(settings_.token_file);
    if (!read) return unavailable(step_ + ": " + read.error().message);
    token = std::move(*read);
    request.headers.emplace_back("Authorization", "Bearer " + token);
  }

  auto exchange = net::http_exchange(endpoint_, request, {settings_.timeout, settings_.timeout}, tls_, step_);
  if (!exchange.response) return unavailable(net::redact(std::move(exchange.failure.error), {token}));
  const auto& response = *exchange.response;
  if (response.status < 200 || response.status >= 300) {
    std::string why = step_ + ": HTTP " + std::to_string(response.status);
    if (const std::string detail = net::short_text(response.body); !detail.empty()) why += ": " + detail;
    return unavailable(net::redact(std::move(why), {token}));
  }
  return read_answer(response.body, step_, token);
}

}  // namespace e911::locations
