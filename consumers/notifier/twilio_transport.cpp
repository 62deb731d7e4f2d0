#include "common/encoding.h"
#include "consumers/notifier/twilio_transport.h"

#include <Poco/Exception.h>

#include <stdexcept>

#include "common/json_reader.h"
#include "consumers/notifier/http_transport_members.h"
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

// The endpoint's path is the Messages resource; the step,
// "POST https://api.twilio.com/2010-04-01/.../Messages.json".
template <>
void open_http_transport(HttpTransportState<TwilioSettings>& state) {
  const TwilioSettings& settings = state.settings;
  net::HttpEndpoint& endpoint = state.endpoint = configured_endpoint("twilio", "base_url", settings.base_url);
  if (settings.account_sid.empty()) throw std::invalid_argument("twilio: account_sid is empty");
  if (settings.auth_token.empty()) throw std::invalid_argument("twilio: auth_token is empty");
  if (settings.from.empty() && settings.messaging_service_sid.empty()) {
    throw std::invalid_argument("twilio: neither from nor messaging_service_sid is set");
  }
  // A base URL may have a path of its own (a proxy's prefix).
  std::string base_path = endpoint.path_and_query;
  while (!base_path.empty() && base_path.back() == '/') base_path.pop_back();
  endpoint.path_and_query =
      base_path + "/2010-04-01/Accounts/" + percent_encode(settings.account_sid) + "/Messages.json";
  state.step = "POST " + endpoint.origin() + base_path + "/2010-04-01/.../Messages.json";
  if (endpoint.https) {
    state.tls = net::client_tls_context_for("twilio", settings.verify_certificate, settings.ca_file);
  }
}

template <>
SendResult send_http_alert(const HttpTransportState<TwilioSettings>& state, const OutgoingAlert& alert) {
  const TwilioSettings& s = state.settings;
  if (alert.address.empty()) return SendResult::give_up("twilio: no phone number");
  if (alert.text.empty()) return SendResult::give_up("twilio: empty message");

  net::HttpRequestSpec request;
  request.method = "POST";
  request.target = state.endpoint.path_and_query;
  request.content_type = "application/x-www-form-urlencoded";
  request.headers.emplace_back("Accept", "application/json");
  request.basic_auth = std::make_pair(s.account_sid, s.auth_token);
  request.body = form_field("To", alert.address) + "&" +
                 (s.messaging_service_sid.empty() ? form_field("From", s.from)
                                                  : form_field("MessagingServiceSid", s.messaging_service_sid)) +
                 "&" + form_field("Body", alert.text);

  auto exchange = http_exchange(state.endpoint, request, s.timeouts, state.tls, state.step);
  if (!exchange.response) {
    exchange.failure.error = net::redact(std::move(exchange.failure.error), {s.auth_token});
    return exchange.failure;
  }
  const TwilioReply reply = read_reply(exchange.response->body);
  if (classify_http_status(exchange.response->status) == SendResult::Kind::accepted) {
    return SendResult::ok(reply.sid);
  }
  std::string detail;
  if (!reply.message.empty()) {
    detail = net::short_text(reply.message);
    if (!detail.empty() && detail.back() == '.') detail.pop_back();
    if (reply.code != 0) detail += " (Twilio " + std::to_string(reply.code) + ")";
  } else {
    detail = net::short_text(exchange.response->body);
  }
  return result_for_status(*exchange.response, state.step, net::redact(std::move(detail), {s.auth_token}));
}

template class HttpTransport<TwilioSettings>;

}  // namespace e911::notifier
