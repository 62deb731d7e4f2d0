#include "consumers/notifier/alert_text.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <optional>

#include "common/emergency_call.h"
#include "consumers/notifier/time_zone.h"
#include "common/utf8.h"

namespace e911::notifier {
namespace {

// ---------------------------------------------------------------- text ----

// Embedding and override controls (LRE..RLO, LRI..PDI) can make
// "+44 20 7946 0101" read backwards; names never need them.
bool is_bidi_control(char32_t c) { return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069); }

bool is_space_or_control(char32_t c) {
  return c == ' ' || c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0x2028 || c == 0x2029;
}

// ---------------------------------------------------------------- time ----

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// The zone's abbreviation, or "UTC+05:30" for a zone that has none.
std::string zone_label(const LocalType& t) {
  const auto abbreviation = clean_line(t.abbreviation);
  if (!abbreviation.empty()) return abbreviation;
  const auto off = t.utc_offset_s < 0 ? -t.utc_offset_s : t.utc_offset_s;
  char buf[24];
  std::snprintf(buf, sizeof buf, "UTC%c%02d:%02d", t.utc_offset_s < 0 ? '-' : '+', off / 3600, off / 60 % 60);
  return buf;
}

// "2026-11-21 04:00:00 CST"
std::string long_time(EpochMillis t, const LocalType& zone) {
  const auto c = civil_time(t, zone.utc_offset_s);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02u:%02u:%02u ", c.year, c.month, c.day, c.hour, c.minute, c.second);
  return buf + zone_label(zone);
}

// "21 Nov 04:00 CST"
std::string day_and_clock(EpochMillis t, const LocalType& zone) {
  const auto c = civil_time(t, zone.utc_offset_s);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%u %s %02u:%02u ", c.day, kMonths[(c.month + 11) % 12].data(), c.hour, c.minute);
  return buf + zone_label(zone);
}

// "10:00 UTC"
std::string utc_clock(EpochMillis t) {
  const auto c = civil_time(t, 0);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u:%02u UTC", c.hour, c.minute);
  return buf;
}

const LocalType& utc_type() {
  static const LocalType utc{0, false, "UTC"};
  return utc;
}

// The site's local time type at `t`, unless the site is on UTC or its zone
// is unknown (then alerts show UTC alone rather than a guess).
std::optional<LocalType> site_local_type(const AlertSite& site, EpochMillis t) {
  if (site.time_zone.empty()) return std::nullopt;
  const auto zone = find_time_zone(site.time_zone);
  if (!zone) return std::nullopt;
  const auto& local = zone->at(t);
  if (local.utc_offset_s == 0 && local.abbreviation == "UTC") return std::nullopt;
  return local;
}

void fill_times(AlertFacts& f, const std::optional<EpochMillis>& t, const AlertSite& site) {
  if (!t) return;
  f.utc_time = long_time(*t, utc_type());
  const auto local = site_local_type(site, *t);
  if (!local) {
    f.short_time = day_and_clock(*t, utc_type());
    return;
  }
  f.local_time = long_time(*t, *local);
  f.short_time = day_and_clock(*t, *local) + " (" + utc_clock(*t) + ")";
}

// ------------------------------------------------------------ location ----

std::string coordinates_text(const std::optional<GeoPoint>& geo) {
  if (!geo) return {};
  char buf[128];
  if (geo->accuracy_m) {
    const double accuracy = std::min(*geo->accuracy_m, 1e7);
    std::snprintf(buf, sizeof buf, "%.5f, %.5f (accuracy %.0f m)", geo->lat, geo->lon, accuracy);
  } else {
    std::snprintf(buf, sizeof buf, "%.5f, %.5f", geo->lat, geo->lon);
  }
  return buf;
}

std::string location_text(const EmergencyCallView& call, const AlertFacts& f) {
  if (call.routing == Routing::ecrc) return std::string(phrase::kNoDispatchableLocation);
  auto label = clean_line(call.location.label);
  if (!label.empty()) return label;
  if (!f.address.empty()) return f.address;
  if (!f.coordinates.empty()) return f.coordinates;
  return std::string(phrase::kUnknownLocation);
}

std::string site_display_name(const EmergencyCallView& call, const AlertSite& site) {
  for (std::string_view candidate : {std::string_view(site.name), std::string_view(site.id),
                                     std::string_view(call.location.site_id), std::string_view(call.site_id)}) {
    auto name = clean_line(candidate);
    if (!name.empty()) return name;
  }
  return std::string(phrase::kUnknownSite);
}

// The site the caller is at: the alert's site when the location is there
// (the usual case: the physical site's list is the one alerted).
std::string physical_site_name(const EmergencyCallView& call, const AlertSite& site, const std::string& display) {
  const auto& at = call.location.site_id;
  if (at.empty() || at == site.id) return display;
  return clean_line(at);
}

std::vector<std::string> warning_lines(const EmergencyCallView& call, std::string_view physical_site) {
  std::vector<std::string> out;
  if (!call.location.dispatchable && call.routing == Routing::psap && !call.has_warning(warning::kMissingUnit)) {
    out.emplace_back(phrase::kNotDispatchable);
  }
  for (const auto& code : call.warnings) out.push_back(warning_text(code, call, physical_site));
  return out;
}

std::string caller_text(const std::string& name, const std::string& extension) {
  if (name.empty() && extension.empty()) return std::string(phrase::kUnknownCaller);
  if (extension.empty()) return name;
  if (name.empty()) return "x" + extension;
  return name + " x" + extension;
}

// --------------------------------------------------------------- email ----

struct Row {
  std::string_view label;
  std::string value;
};

std::vector<Row> detail_rows(const AlertFacts& f) {
  std::vector<Row> rows{{"Caller", f.caller},
                        {"Callback", f.callback},
                        {"Dialed", f.dialed},
                        {"Time", f.time_line()},
                        {"Location", f.location}};
  if (!f.address.empty()) rows.push_back({"Address", f.address});
  if (!f.registration.empty()) rows.push_back({"Registration", f.registration});
  if (!f.coordinates.empty()) rows.push_back({"Coordinates", f.coordinates});
  rows.push_back({"Source", f.source});
  return rows;
}

std::string footer_line(const AlertFacts& f) {
  std::string out = "Call " + f.call_id;
  if (!f.notify.empty()) out += ", notification list " + f.notify;
  return out + ".";
}

std::string email_subject(const AlertFacts& f) {
  std::string out = f.banner + " - " + f.site + " - " + f.caller;
  if (!f.escalation.empty()) out = f.banner + " (ESCALATED) - " + f.site + " - " + f.caller;
  if (f.no_dispatchable_location) out += " - NO DISPATCHABLE LOCATION";
  return out;
}

std::string email_text(const AlertFacts& f) {
  std::string out = f.banner + " - " + f.site + "\n";
  if (!f.escalation.empty()) out += f.escalation + "\n";
  if (f.no_dispatchable_location) out += std::string(phrase::kNoDispatchableLocation) + "\n";
  out += "\n";
  for (const auto& row : detail_rows(f)) {
    std::string label = std::string(row.label) + ":";
    label.resize(std::max<std::size_t>(label.size() + 1, 13), ' ');
    out += label + row.value + "\n";
  }
  if (!f.warnings.empty()) {
    out += "\nWarnings:\n";
    for (const auto& w : f.warnings) out += "- " + w + "\n";
  }
  if (!f.ack_url.empty()) out += "\nAcknowledge this alert: " + f.ack_url + "\n";
  return out + "\n" + footer_line(f) + "\n";
}

// Inline styles only: mail clients drop <style> blocks and external CSS.
constexpr std::string_view kAlarmRed = "#b00020";
constexpr std::string_view kTestBlue = "#1a5fb4";

// A tel: link only for a plain phone number, so nothing else reaches an href.
std::string callback_html(const std::string& callback) {
  const bool dialable = !callback.empty() && callback.size() <= 32 &&
                        std::all_of(callback.begin(), callback.end(), [](char c) {
                          return (c >= '0' && c <= '9') || c == '+';
                        });
  if (!dialable) return html_escape(callback);
  return "<a href=\"tel:" + callback + "\">" + callback + "</a>";
}

std::string email_html(const AlertFacts& f, bool is_test, const std::string& subject) {
  const std::string colour(is_test ? kTestBlue : kAlarmRed);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html_escape(subject) +
                    "</title></head>\n<body style=\"font-family:Arial,Helvetica,sans-serif;color:#111\">\n";
  out += "<h1 style=\"margin:0 0 4px;color:" + colour + "\">" + html_escape(f.banner) + "</h1>\n";
  out += "<p style=\"margin:0 0 12px;font-size:18px\"><strong>" + html_escape(f.site) + "</strong></p>\n";
  if (!f.escalation.empty()) {
    out += "<p style=\"margin:0 0 12px;font-weight:bold;color:" + std::string(kAlarmRed) + "\">" +
           html_escape(f.escalation) + "</p>\n";
  }
  if (f.no_dispatchable_location) {
    out += "<p style=\"padding:8px;background:" + std::string(kAlarmRed) + ";color:#fff;font-weight:bold\">" +
           html_escape(phrase::kNoDispatchableLocation) + "</p>\n";
  }
  out += "<table style=\"border-collapse:collapse\" cellpadding=\"4\">\n";
  for (const auto& row : detail_rows(f)) {
    const auto value = row.label == "Callback" ? callback_html(row.value) : html_escape(row.value);
    out += "<tr><th style=\"text-align:left;vertical-align:top\">" + html_escape(row.label) + "</th><td>" + value +
           "</td></tr>\n";
  }
  out += "</table>\n";
  if (!f.warnings.empty()) {
    out += "<h2 style=\"font-size:16px;color:" + std::string(kAlarmRed) + "\">Warnings</h2>\n<ul>\n";
    for (const auto& w : f.warnings) out += "<li><strong>" + html_escape(w) + "</strong></li>\n";
    out += "</ul>\n";
  }
  if (!f.ack_url.empty()) {
    // The link opens a page with a button: mail scanners that fetch links
    // must not acknowledge on a person's behalf.
    out += "<p><a href=\"" + html_escape(f.ack_url) +
           "\" style=\"display:inline-block;padding:8px 16px;background:#111;color:#fff;text-decoration:none\">"
           "Acknowledge this alert</a></p>\n";
  }
  out += "<p style=\"color:#555;font-size:12px\">" + html_escape(footer_line(f)) + "</p>\n</body></html>\n";
  return out;
}

// ----------------------------------------------------------------- SMS ----

// Caps per item, in characters: a hostile or absurd value must not push
// everything else out of the message.
constexpr std::size_t kSmsMaxName = 40;
constexpr std::size_t kSmsMaxShort = 24;  // extension, callback, dialed
constexpr std::size_t kSmsMaxLocation = 100;
constexpr std::size_t kSmsMaxLine = 200;  // warnings, address
// How far the label and the name may be shortened to fit a segment.
constexpr std::size_t kSmsMinLocation = 24;
constexpr std::size_t kSmsMinName = 12;

// At most `max_chars` characters, cut at a character boundary with `ellipsis`.
std::string ellipsize(std::string_view text, std::size_t max_chars, std::string_view ellipsis) {
  if (utf8::length(text) <= max_chars) return std::string(text);
  const std::size_t keep = max_chars > utf8::length(ellipsis) ? max_chars - utf8::length(ellipsis) : 0;
  std::size_t end = 0;
  for (std::size_t n = 0; n < keep && end < text.size(); ++n) end += utf8::decode(text, end).size;
  auto head = text.substr(0, end);
  while (!head.empty() && head.back() == ' ') head.remove_suffix(1);
  return std::string(head) + std::string(ellipsis);
}

struct SmsDraft {
  std::string banner, escalation, name, extension, callback, location, time, first_warning, ack;
  bool location_shrinkable = true;
  std::vector<std::string> tail;

  std::string caller() const { return extension.empty() ? name : name.empty() ? extension : name + " " + extension; }
  std::string essentials() const {
    std::string out = banner;
    for (const auto& line : {escalation, caller(), callback, location, time}) {
      if (!line.empty()) out += "\n" + line;
    }
    return out;
  }
  std::string head() const {
    std::string out = essentials();
    for (const auto& line : {first_warning, ack}) {
      if (!line.empty()) out += "\n" + line;
    }
    return out;
  }
  std::string text() const {
    std::string out = head();
    for (const auto& line : tail) out += "\n" + line;
    return out;
  }
};

SmsDraft sms_draft(const AlertFacts& f, std::string_view ell) {
  SmsDraft d;
  d.banner = f.banner + " " + ellipsize(f.dialed, kSmsMaxShort, ell);
  d.escalation = ellipsize(f.escalation, kSmsMaxLine, ell);
  if (!f.ack_url.empty()) d.ack = "Ack: " + f.ack_url;
  d.name = f.caller_name.empty() && f.extension.empty() ? std::string(phrase::kUnknownCaller)
                                                        : ellipsize(f.caller_name, kSmsMaxName, ell);
  if (!f.extension.empty()) d.extension = "x" + ellipsize(f.extension, kSmsMaxShort, ell);
  d.callback = f.callback == phrase::kNoCallback ? f.callback : "Callback " + ellipsize(f.callback, kSmsMaxShort, ell);
  // The relay-centre notice is never shortened.
  d.location_shrinkable = !f.no_dispatchable_location;
  d.location = d.location_shrinkable ? ellipsize(f.location, kSmsMaxLocation, ell) : f.location;
  d.time = f.short_time;
  if (!f.warnings.empty()) d.first_warning = ellipsize(f.warnings.front(), kSmsMaxLine, ell);
  if (!f.registration.empty()) d.tail.push_back("Registration: " + f.registration);
  if (!f.address.empty() && f.address != f.location) d.tail.push_back("Address: " + ellipsize(f.address, kSmsMaxLine, ell));
  if (!f.coordinates.empty() && f.coordinates != f.location) d.tail.push_back("Coordinates: " + f.coordinates);
  for (std::size_t i = 1; i < f.warnings.size(); ++i) d.tail.push_back(ellipsize(f.warnings[i], kSmsMaxLine, ell));
  return d;
}

using DraftTest = std::function<bool(const SmsDraft&)>;

// Shortens the location label, then the caller's name, a character at a
// time until `fits`. Leaves the draft alone when even the shortest allowed
// forms would not fit: shortening would lose detail for nothing.
void shrink_until(SmsDraft& d, const DraftTest& fits, std::string_view ell) {
  if (fits(d)) return;
  SmsDraft shortest = d;
  if (d.location_shrinkable) shortest.location = ellipsize(d.location, kSmsMinLocation, ell);
  shortest.name = ellipsize(d.name, kSmsMinName, ell);
  if (!fits(shortest)) return;
  const std::string location = d.location, name = d.name;
  for (auto n = utf8::length(location); d.location_shrinkable && n > kSmsMinLocation && !fits(d); --n) {
    d.location = ellipsize(location, n - 1, ell);
  }
  for (auto n = utf8::length(name); n > kSmsMinName && !fits(d); --n) d.name = ellipsize(name, n - 1, ell);
}

bool head_fits_message(const SmsDraft& d) {
  return sms_segments(d.head() + std::string(sms_ellipsis(sms_encoding(d.text())))) <= kMaxSmsSegments;
}

// The essentials within the first segment of the message as it will go out
// (a concatenated segment's room once the whole text needs more than one).
bool essentials_fit_first_segment(const SmsDraft& d) {
  const auto text = truncate_sms(d.text(), kMaxSmsSegments);
  const auto encoding = sms_encoding(text);
  return sms_units_as(d.essentials(), encoding) <= sms_first_segment_capacity(text);
}

}  // namespace

// ------------------------------------------------------------- public ----

std::string clean_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space_pending = false;
  for (std::size_t i = 0; i < text.size();) {
    const auto d = utf8::decode(text, i);
    i += d.size;
    if (is_bidi_control(d.code_point)) continue;
    if (is_space_or_control(d.code_point)) {
      space_pending = !out.empty();
      continue;
    }
    if (space_pending) out += ' ';
    space_pending = false;
    utf8::append(out, d.code_point);
  }
  return out;
}

std::string_view banner(const EmergencyCallView& call) {
  return call.is_test() ? phrase::kTestBanner : phrase::kEmergencyBanner;
}

std::string warning_text(std::string_view code, const EmergencyCallView& call, std::string_view physical_site) {
  if (code == warning::kVpn) {
    // On VPN the network says nothing; what was used instead is what matters.
    return std::string(call.location.source == source::kRegistered ? phrase::kVpnRegistered
                                                                    : phrase::kVpnNoNetworkLocation);
  }
  if (code == warning::kStaleLocation) return std::string(phrase::kStaleLocation);
  if (code == warning::kMissingUnit) return std::string(phrase::kMissingUnit);
  if (code == warning::kUnknownNetwork) return std::string(phrase::kUnknownNetwork);
  if (code == warning::kDialPrefix) return std::string(phrase::kDialPrefix);
  if (code == warning::kCallbackMissing || code == warning::kCallbackShared) {
    // Security staff can pass the extension on: it reaches the caller.
    std::string text(code == warning::kCallbackMissing ? phrase::kCallbackMissing : phrase::kCallbackShared);
    if (!call.caller.extension.empty()) text += std::string(phrase::kCallbackExtension) + clean_line(call.caller.extension);
    return text;
  }
  if (code == warning::kElinReused) return std::string(phrase::kElinReused);
  if (code == warning::kSiteMismatch) {
    return std::string(phrase::kSiteMismatchBefore) + clean_line(physical_site) + std::string(phrase::kSiteMismatchAfter);
  }
  return std::string(phrase::kUnknownWarning) + clean_line(code);
}

std::string AlertFacts::time_line() const {
  if (utc_time.empty()) return std::string(phrase::kNoTime);
  if (local_time.empty()) return utc_time;
  return local_time + " (" + utc_time + ")";
}

AlertFacts alert_facts(const EmergencyCallView& call, const AlertSite& site, const AlertExtras& extras) {
  AlertFacts f;
  if (!extras.escalation_note.empty()) f.escalation = std::string(phrase::kEscalated) + clean_line(extras.escalation_note);
  f.ack_url = clean_line(extras.ack_url);
  f.banner = std::string(banner(call));
  f.site = site_display_name(call, site);
  f.call_id = clean_line(call.call_id);
  f.notify = clean_line(call.notify);
  f.caller_name = clean_line(call.caller.name);
  f.extension = clean_line(call.caller.extension);
  f.caller = caller_text(f.caller_name, f.extension);
  f.callback = clean_line(call.caller.callback);
  if (f.callback.empty()) f.callback = std::string(phrase::kNoCallback);
  f.dialed = clean_line(call.dialed);
  fill_times(f, call.occurred_at, site);
  if (call.location.address) f.address = clean_line(one_line(*call.location.address));
  f.coordinates = coordinates_text(call.location.geo);
  f.no_dispatchable_location = call.routing == Routing::ecrc;
  f.location = location_text(call, f);
  f.source = clean_line(call.location.source) + (call.location.dispatchable ? ", dispatchable" : ", NOT dispatchable");
  if (call.location.source == source::kRegistered && call.location.validated) {
    f.registration = std::string(registered_address_check(*call.location.validated));
  }
  f.physical_site = physical_site_name(call, site, f.site);
  f.warnings = warning_lines(call, f.physical_site);
  return f;
}

EmailMessage render_email(const EmergencyCallView& call, const AlertSite& site, const AlertExtras& extras) {
  const auto f = alert_facts(call, site, extras);
  EmailMessage m;
  m.subject = email_subject(f);
  m.text = email_text(f);
  m.html = email_html(f, call.is_test(), m.subject);
  return m;
}

std::string render_sms(const EmergencyCallView& call, const AlertSite& site, const AlertExtras& extras) {
  const auto f = alert_facts(call, site, extras);
  // The ellipsis must be in the message's own alphabet ('…' is not GSM-7).
  const auto ell = sms_ellipsis(sms_encoding(sms_draft(f, "...").text()));
  auto d = sms_draft(f, ell);
  shrink_until(d, head_fits_message, ell);
  shrink_until(d, essentials_fit_first_segment, ell);
  return truncate_sms(d.text(), kMaxSmsSegments);
}

}  // namespace e911::notifier
