#include "common/net/query_params.h"

#include <utility>

#include "common/encoding.h"
#include "common/text.h"

namespace e911::net {
namespace {

constexpr std::size_t kMaxNameBytes = 32;
constexpr std::size_t kQuotedChars = 60;

ParamError error(std::string parameter, std::string message) {
  return ParamError{std::move(parameter), std::move(message)};
}

bool plain_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<ParamError> parse_query(std::string_view query, QueryParams& params) {
  params.clear();
  if (query.size() > kMaxQueryBytes) {
    return error("", "the query string is longer than " + std::to_string(kMaxQueryBytes) + " bytes");
  }
  std::size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) {
      if (end == query.size()) break;
      continue;  // "a=1&&b=2"
    }
    const auto eq = pair.find('=');
    const auto raw_name = pair.substr(0, eq);
    auto name = percent_decode(raw_name, true);
    if (!name || !plain_name(*name)) {
      return error("", "not a parameter name: " + quote_for_message(name ? *name : raw_name, kQuotedChars));
    }
    if (params.size() >= kMaxParameters) {
      return error(*name, "more than " + std::to_string(kMaxParameters) + " parameters");
    }
    if (params.count(*name)) return error(*name, *name + ": given more than once");
    if (eq == std::string_view::npos) return error(*name, *name + ": no value (expected " + *name + "=...)");
    const auto raw_value = pair.substr(eq + 1);
    auto value = percent_decode(raw_value, true);
    if (!value) {
      return error(*name, *name + ": bad percent-encoding in " + quote_for_message(raw_value, kQuotedChars));
    }
    if (value->empty()) return error(*name, *name + ": empty value");
    if (value->size() > kMaxValueBytes) {
      return error(*name, *name + ": longer than " + std::to_string(kMaxValueBytes) + " bytes");
    }
    if (!is_clean_utf8(*value)) {
      return error(*name, *name + ": not UTF-8 text without control characters: " +
                              quote_for_message(*value, kQuotedChars));
    }
    params.emplace(std::move(*name), std::move(*value));
    if (end == query.size()) break;
  }
  return std::nullopt;
}

std::optional<ParamError> only_known(const QueryParams& params, std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : params) {
    bool found = false;
    for (auto k : known) found = found || k == name;
    if (!found) {
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return error(name, "unknown parameter " + quote_for_message(name, kQuotedChars) +
                             (list.empty() ? " (this endpoint takes none)" : " (expected one of: " + list + ")"));
    }
  }
  return std::nullopt;
}

}  // namespace e911::net
