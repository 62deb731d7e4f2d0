#include "common/encoding.h"
#include "consumers/notifier/twilio_transport.h"

#include <Poco/Exception.h>

#include <stdexcept>

#include "common/json_reader.h"
#include "consumers/notifier/http_exchange.h"
#include "common/net/tls_context.h"

namespace e911::notifier {

namespace {

std::string form_field(std::string_view name, std::string_view value) {
  return std::string(name) + "=" + percent_encode(value);
}

struct TwilioReply {
  std::string sid;
  std::string message;  // on errors
  long long code = 0;
};

// The fields of Twilio's JSON answer we use; whatever is missing or
// malformed is left empty (the HTTP status decides the outcome).
TwilioReply read_reply(std::string_view body) {
  TwilioReply reply;
  rapidjson::Document doc;
  if (parse_json(body, JsonLimits{}, doc) || !doc.IsObject()) return reply;
  if (const auto it = doc.FindMember("sid"); it != doc.MemberEnd() && it->value.IsString()) {
    reply.sid = it->value.GetString();
  }
  if (const auto it = doc.FindMember("message"); it != doc.MemberEnd() && it->value.IsString()) {
    reply.message = it->value.GetString();
  }
  if (const auto it = doc.FindMember("code"); it != doc.MemberEnd() && it->value.IsInt64()) {
    reply.code = it->value.GetInt64();
  }
  return reply;
}

}  // namespace

struct TwilioTransport::Impl {
  TwilioSettings settings;
  HttpEndpoint endpoint;  // path_and_query: the Messages resource
  Poco::Net::Context::Ptr tls;
  std::string step;  // "POST https://api.twilio.com/2010-04-01/.../Messages.json"
};

TwilioTransport::TwilioTransport(TwilioSettings settings) : impl_(std::make_unique<Impl>()) {
  auto parsed = parse_http_url(settings.base_url);
  if (!parsed.endpoint) throw std::invalid_argument("twilio: base_url: " + parsed.error);
  if (settings.account_sid.empty()) throw std::invalid_argument("twilio: account_sid is empty");
  if (settings.auth_token.empty()) throw std::invalid_argument("twilio: auth_token is empty");
  if (settings.from.empty() && settings.messaging_service_sid.empty()) {
    throw std::invalid_argument("twilio: neither from nor messaging_service_sid is set");
  }
  HttpEndpoint& endpoint = impl_->endpoint = std::move(*parsed.endpoint);
  // A base URL may have a path of its own (a proxy's prefix); not a query.
  std::string base_path = endpoint.path_and_query.substr(0, endpoint.path_and_query.find('?'));
  while (!base_path.empty() && base_path.back() == '/') base_path.pop_back();
  endpoint.path_and_query =
      base_path + "/2010-04-01/Accounts/" + percent_encode(settings.account_sid) + "/Messages.json";
  impl_->step = "POST " + endpoint.origin() + base_path + "/2010-04-01/.../Messages.json";
  if (endpoint.https) {
    impl_->tls = transport_tls("twilio", settings.verify_certificate, settings.ca_file);
  }
  impl_->settings = std::move(settings);
}

TwilioTransport::~TwilioTransport() = default;

SendResult TwilioTransport::send(const OutgoingAlert& alert) {
  const TwilioSettings& s = impl_->settings;
  if (alert.address.empty()) return SendResult::give_up("twilio: no phone number");
  if (alert.text.empty()) return SendResult::give_up("twilio: empty message");

  HttpRequestSpec request;
  request.method = "POST";
  request.target = impl_->endpoint.path_and_query;
  request.content_type = "application/x-www-form-urlencoded";
  request.headers.emplace_back("Accept", "application/json");
  request.basic_auth = std::make_pair(s.account_sid, s.auth_token);
  request.body = form_field("To", alert.address) + "&" +
                 (s.messaging_service_sid.empty() ? form_field("From", s.from)
                                                  : form_field("MessagingServiceSid", s.messaging_service_sid)) +
                 "&" + form_field("Body", alert.text);

  auto exchange = http_exchange(impl_->endpoint, request, s.timeouts, impl_->tls, impl_->step);
  if (!exchange.response) {
    exchange.failure.error = redact(std::move(exchange.failure.error), {s.auth_token});
    return exchange.failure;
  }
  const TwilioReply reply = read_reply(exchange.response->body);
  if (classify_http_status(exchange.response->status) == SendResult::Kind::accepted) {
    return SendResult::ok(reply.sid);
  }
  std::string detail;
  if (!reply.message.empty()) {
    detail = short_text(reply.message);
    if (!detail.empty() && detail.back() == '.') detail.pop_back();
    if (reply.code != 0) detail += " (Twilio " + std::to_string(reply.code) + ")";
  } else {
    detail = short_text(exchange.response->body);
  }
  return result_for_status(*exchange.response, impl_->step, redact(std::move(detail), {s.auth_token}));
}

}  // namespace e911::notifier
