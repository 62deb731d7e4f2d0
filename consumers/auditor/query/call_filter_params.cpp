#include "consumers/auditor/query/call_filter_params.h"

#include <algorithm>

#include "common/phone_number.h"

namespace e911::auditor {

namespace {
constexpr EpochMillis kDayMillis = 24LL * 60 * 60 * 1000;
}  // namespace

std::optional<EpochMillis> parse_filter_time(std::string_view text, bool end_of_day) {
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    std::string midnight(text);
    midnight += "T00:00:00Z";
    const auto t = parse_rfc3339(midnight);
    if (!t) return std::nullopt;
    return end_of_day ? *t + kDayMillis : *t;
  }
  if (text.size() > 10 && text[10] != 'T' && text[10] != 't') return std::nullopt;
  return parse_rfc3339(text);
}

std::optional<FilterProblem> read_call_filter(const ParameterLookup& lookup, std::initializer_list<std::string_view> names,
                                              CallFilter& filter) {
  const auto wanted = [&](std::string_view name) { return std::find(names.begin(), names.end(), name) != names.end(); };
  const auto value = [&](std::string_view name) -> const std::string* { return wanted(name) ? lookup(name) : nullptr; };
  const auto problem = [](std::string_view name, FilterProblem::Kind kind, const std::string& v) {
    return FilterProblem{std::string(name), kind, v, {}};
  };
  for (const auto& [name, end_of_day, target] :
       {std::tuple{"from", false, &filter.from}, std::tuple{"to", true, &filter.to}}) {
    if (const auto* v = value(name)) {
      *target = parse_filter_time(*v, end_of_day);
      if (!*target) return problem(name, FilterProblem::Kind::not_a_time, *v);
    }
  }
  if (filter.from && filter.to && *filter.to <= *filter.from) {
    return problem("to", FilterProblem::Kind::not_after, *value("to"));
  }
  for (const auto& [name, target] : {std::pair{"site", &filter.site}, std::pair{"caller", &filter.caller}}) {
    if (const auto* v = value(name)) {
      if (v->empty()) return problem(name, FilterProblem::Kind::empty, *v);
      *target = *v;
    }
  }
  if (const auto* v = value("class")) {
    if (*v != "emergency" && *v != "test") return problem("class", FilterProblem::Kind::not_a_class, *v);
    filter.call_class = *v;
  }
  for (const auto& [name, target] :
       {std::pair{"dispatchable", &filter.dispatchable}, std::pair{"notified", &filter.notified},
        std::pair{"failed", &filter.failed}, std::pair{"escalated", &filter.escalated}}) {
    if (const auto* v = value(name)) {
      if (*v == "true" || *v == "yes") {
        *target = true;
      } else if (*v == "false" || *v == "no") {
        *target = false;
      } else {
        return problem(name, FilterProblem::Kind::not_a_bool, *v);
      }
    }
  }
  if (const auto* v = value("elin")) {
    if (auto why = e164_form_problem(*v)) {
      auto p = problem("elin", FilterProblem::Kind::not_e164, *v);
      p.detail = std::move(*why);
      return p;
    }
    filter.elin = *v;
  }
  return std::nullopt;
}

}  // namespace e911::auditor
