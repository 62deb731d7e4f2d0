#include "producers/locations/locations_report.h"

#include <algorithm>
#include <array>

#include "common/csv.h"
#include "common/json_writer.h"
#include "producers/locations/user_status.h"

namespace e911::locations {
namespace {

std::string time_or_empty(EpochMillis t) { return t > 0 ? format_rfc3339(t) : std::string(); }

// The row's columns as text, in report order.
std::array<std::string, 7> columns(const ReportRow& row) {
  const auto& last = row.last_reminder;
  return {row.user_id,
          std::string(status_name(row.status)),
          time_or_empty(row.since),
          time_or_empty(row.registered_at),
          row.site_id,
          last ? time_or_empty(last->sent_at) : std::string(),
          last ? std::string(reason_name(last->reason)) : std::string()};
}

constexpr std::array<const char*, 7> kNames = {"user_id",  "status",           "since",
                                               "registered_at", "site_id", "last_reminded_at",
                                               "last_reminder_reason"};

}  // namespace

std::vector<ReportRow> report_rows(const std::vector<UserRecord>& users, const LastReminders& reminders,
                                   const registry::Registry& registry, EpochMillis now, EpochMillis stale_after) {
  const EpochMillis threshold = stale_threshold(stale_after, registry);
  std::vector<ReportRow> rows;
  for (const auto& user : users) {
    const auto status = user_status(user, registry, now, threshold).status;
    if (status == RegistrationStatus::confirmed) continue;
    ReportRow row{.user_id = user.user_id, .status = status};
    if (user.registration) {
      row.registered_at = user.registration->occurred_at;
      row.since = status == RegistrationStatus::stale ? row.registered_at + threshold : row.registered_at;
      row.site_id = registered_site(registry, *user.registration);
    }
    if (const auto it = reminders.find(user.user_id); it != reminders.end()) row.last_reminder = it->second;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string report_json(const std::vector<ReportRow>& rows, EpochMillis now) {
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  w.StartObject();
  json::put(w, "generated_at", format_rfc3339(now));
  w.Key("users");
  w.StartArray();
  for (const auto& row : rows) {
    const auto values = columns(row);
    w.StartObject();
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i < 2) json::put(w, kNames[i], values[i]);
      else json::put_or_null(w, kNames[i], values[i]);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

std::string report_csv(const std::vector<ReportRow>& rows) {
  std::string out;
  for (std::size_t i = 0; i < kNames.size(); ++i) out += std::string(i ? "," : "") + kNames[i];
  out += "\r\n";
  for (const auto& row : rows) {
    const auto values = columns(row);
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + csv_field(values[i]);
    out += "\r\n";
  }
  return out;
}

std::string report_text(const std::vector<ReportRow>& rows) {
  std::array<std::size_t, kNames.size()> width{};
  for (std::size_t i = 0; i < kNames.size(); ++i) width[i] = std::string_view(kNames[i]).size();
  std::vector<std::array<std::string, kNames.size()>> table;
  for (const auto& row : rows) {
    table.push_back(columns(row));
    for (std::size_t i = 0; i < kNames.size(); ++i) {
      if (table.back()[i].empty()) table.back()[i] = "-";
      width[i] = std::max(width[i], table.back()[i].size());
    }
  }
  std::string out;
  const auto line = [&](const auto& cells) {
    std::string text;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::string cell(cells[i]);
      text += cell + (i + 1 < cells.size() ? std::string(width[i] - cell.size() + 2, ' ') : "");
    }
    out += text + "\n";
  };
  line(kNames);
  for (const auto& cells : table) line(cells);
  out += std::to_string(rows.size()) + (rows.size() == 1 ? " user" : " users") + " not confirmed\n";
  return out;
}

}  // namespace e911::locations
