#include "consumers/auditor/query/registration_rendering.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/timestamp.h"
#include "consumers/auditor/query/call_rendering.h"  // csv_field
#include "consumers/auditor/query/output_text.h"

namespace e911::auditor {
namespace {

std::string status(const RegistrationRow& r) { return r.withdrawn ? "withdrawn" : "registered"; }
std::string yes_no(const std::optional<bool>& v) { return v ? (*v ? "yes" : "no") : ""; }

std::string padded(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s + "  ";
}

}  // namespace

std::string registration_json(const RegistrationRow& r) {
  rapidjson::StringBuffer buf;
  JsonOut w(buf);
  w.StartObject();
  text_or_null(w, "user_id", r.user_id);
  text_or_null(w, "status", status(r));
  text_or_null(w, "at", format_rfc3339(r.at));
  bool_or_null(w, "validated", r.validated);
  text_or_null(w, "supplied_by", r.supplied_by);
  text_or_null(w, "country", r.country);
  text_or_null(w, "address", r.address);
  bool_or_null(w, "dispatchable", r.dispatchable);
  text_or_null(w, "event_id", r.event_id);
  w.Key("seq");
  w.Int64(r.seq);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string registrations_json_array(const std::vector<RegistrationRow>& rows) {
  std::string out = "[";
  for (std::size_t i = 0; i < rows.size(); ++i) out += (i == 0 ? "\n" : ",\n") + registration_json(rows[i]);
  return out + (rows.empty() ? "]\n" : "\n]\n");
}

std::string registrations_csv_header() {
  return "user_id,status,at,validated,supplied_by,country,address,dispatchable,event_id,seq\r\n";
}

std::string registration_csv_row(const RegistrationRow& r) {
  return csv_field(r.user_id) + "," + status(r) + "," + format_rfc3339(r.at) + "," + yes_no(r.validated) + "," +
         csv_field(r.supplied_by) + "," + csv_field(r.country) + "," + csv_field(r.address) + "," +
         yes_no(r.dispatchable) + "," + csv_field(r.event_id) + "," + std::to_string(r.seq) + "\r\n";
}

std::string registrations_text_header() {
  return padded("user", 16) + padded("status", 10) + padded("at", 24) + padded("validated", 9) + padded("by", 9) +
         "address\n";
}

std::string registration_text_line(const RegistrationRow& r) {
  std::string address = r.withdrawn ? "(withdrawn)" : tty_text(r.address);
  if (!r.withdrawn && r.dispatchable && !*r.dispatchable) address += "  [NOT dispatchable]";
  return padded(tty_text(r.user_id), 16) + padded(status(r), 10) + padded(format_rfc3339(r.at), 24) +
         padded(r.validated ? (*r.validated ? "yes" : "no") : "-", 9) +
         padded(r.supplied_by.empty() ? "-" : tty_text(r.supplied_by), 9) + address + "\n";
}

}  // namespace e911::auditor
