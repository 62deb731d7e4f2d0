#include "consumers/notifier/outbox_transport.h"

#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/MediaType.h>
#include <Poco/Net/StringPartSource.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/timestamp.h"

namespace e911::notifier {
namespace {

std::string json_line(const OutgoingAlert& a, const std::string& content_key, const std::string& content) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  const auto put = [&w](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  put("at", format_rfc3339(now_millis()));
  put("notification_id", a.notification_id);
  put("call_id", a.call_id);
  put("to", a.address);
  put("name", a.recipient_name);
  if (!a.signature.empty()) put("signature", a.signature);
  put(content_key.c_str(), content);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

}  // namespace

OutboxTransport::OutboxTransport(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  std::filesystem::create_directories(dir_ + "/email", ec);
  if (ec) throw std::runtime_error("outbox " + dir_ + ": " + ec.message());
}

SendResult OutboxTransport::append_line(const std::string& file, const std::string& line) {
  std::lock_guard lock(mu_);
  std::ofstream out(dir_ + "/" + file, std::ios::app | std::ios::binary);
  out << line;
  out.flush();
  if (!out) return SendResult::retry_later("cannot write " + dir_ + "/" + file);
  return SendResult::ok();
}

SendResult OutboxTransport::send(const OutgoingAlert& a) {
  switch (a.channel) {
    case Channel::sms: return append_line("sms.jsonl", json_line(a, "text", a.text));
    case Channel::webhook: return append_line("webhook.jsonl", json_line(a, "body", a.body));
    case Channel::email: break;
  }
  Poco::Net::MailMessage message;
  message.setSender("e911 notifier <e911@localhost>");
  message.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, a.address,
                                                a.recipient_name));
  message.setSubject(Poco::Net::MailMessage::encodeWord(a.subject, "UTF-8"));
  message.set("Message-ID", "<" + a.notification_id + "@e911.localhost>");
  message.set("X-E911-Call-Id", a.call_id);
  // Set before the parts: Poco keeps a multipart type it is given (its
  // default is multipart/mixed, which shows both parts one after the other).
  message.setContentType("multipart/alternative");
  message.addPart("", new Poco::Net::StringPartSource(a.text, "text/plain; charset=utf-8"),
                  Poco::Net::MailMessage::CONTENT_INLINE, Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
  message.addPart("", new Poco::Net::StringPartSource(a.html, "text/html; charset=utf-8"),
                  Poco::Net::MailMessage::CONTENT_INLINE, Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
  const auto path = dir_ + "/email/" + a.notification_id + ".eml";
  const auto tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    message.write(out);
    out.flush();
    if (!out) return SendResult::retry_later("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);  // whole files only: a reader never sees half a message
  if (ec) return SendResult::retry_later("cannot rename " + tmp + ": " + ec.message());
  return SendResult::ok();
}

}  // namespace e911::notifier
