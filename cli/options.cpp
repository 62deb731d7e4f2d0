#include "cli/options.h"

#include <charconv>
#include <cmath>

namespace e911::cli {

Options::Options(Args args, std::set<std::string_view> valued, std::set<std::string_view> flags) {
  flags.insert("--help");
  flags.insert("-h");
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (!a.starts_with("-") || a == "-") {
      positional_.emplace_back(a);
      continue;
    }
    std::string_view name = a;
    std::optional<std::string_view> inline_value;
    if (const auto eq = a.find('='); eq != std::string_view::npos) {
      name = a.substr(0, eq);
      inline_value = a.substr(eq + 1);
    }
    if (flags.count(name) && !inline_value) {
      flags_.insert(std::string(name));
    } else if (valued.count(name)) {
      if (inline_value) {
        values_[std::string(name)] = std::string(*inline_value);
      } else if (i + 1 < args.size()) {
        values_[std::string(name)] = std::string(args[++i]);
      } else {
        error_ = "option " + std::string(name) + " needs a value";
        return;
      }
    } else {
      error_ = "unknown option " + std::string(name);
      return;
    }
  }
}

std::optional<std::string> Options::value(std::string_view name) const {
  const auto it = values_.find(std::string(name));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::uint64_t> parse_whole_number(std::string_view text, std::uint64_t min, std::uint64_t max) {
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < min || v > max) return std::nullopt;
  return v;
}

std::optional<double> parse_decimal(std::string_view text) {
  double v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace e911::cli
