#include "consumers/auditor/console/page_parts.h"

#include "common/text.h"
#include "consumers/auditor/report/overview_figures.h"

namespace e911::auditor::console::html {

std::string_view param(const net::QueryParams& params, std::string_view name) {
  const auto it = params.find(name);
  return it == params.end() ? std::string_view() : std::string_view(it->second);
}

std::string text_field(const net::QueryParams& params, std::string_view name, std::string_view label,
                       std::string_view type, std::string_view hint) {
  const std::string id = "f-" + std::string(name);
  std::string out = "<div class=\"field\"><label for=\"" + html_escape(id) + "\">" + html_escape(label) +
                    "</label><input type=\"" + html_escape(type) + "\" id=\"" + html_escape(id) + "\" name=\"" +
                    html_escape(name) + "\" value=\"" + html_escape(param(params, name)) + "\"";
  if (!hint.empty()) out += " placeholder=\"" + html_escape(hint) + "\"";
  return out + "></div>";
}

std::string select_field(const net::QueryParams& params, std::string_view name, std::string_view label,
                         const std::vector<std::pair<std::string_view, std::string_view>>& options) {
  const std::string id = "f-" + std::string(name);
  const auto current = param(params, name);
  std::string out = "<div class=\"field\"><label for=\"" + html_escape(id) + "\">" + html_escape(label) +
                    "</label><select id=\"" + html_escape(id) + "\" name=\"" + html_escape(name) +
                    "\"><option value=\"\">any</option>";
  for (const auto& [value, words] : options) {
    // The command line's yes/no spell the same filter as true/false.
    const bool selected = current == value || (value == "true" && current == "yes") ||
                          (value == "false" && current == "no");
    out += "<option value=\"" + html_escape(value) + "\"" + (selected ? " selected" : "") + ">" + html_escape(words) +
           "</option>";
  }
  return out + "</select></div>";
}

std::string time_text(std::optional<EpochMillis> at) { return at ? format_rfc3339(*at) : std::string(); }

std::string latency_text(std::optional<std::int64_t> ms) {
  if (!ms) return {};
  if (*ms < 1000) return std::to_string(*ms) + " ms";
  return seconds_text(*ms) + " s";
}

std::string yes_no(std::optional<bool> value) {
  if (!value) return "unknown";
  return *value ? "yes" : "no";
}

std::string cell(std::string_view text) { return "<td>" + html_escape(text) + "</td>"; }

}  // namespace e911::auditor::console::html
