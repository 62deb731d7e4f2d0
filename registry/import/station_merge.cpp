#include "registry/import/station_merge.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>

#include "common/text.h"

namespace e911::registry {

namespace {

void emit_station(YAML::Emitter& e, const Station& s) {
  e << YAML::Flow << YAML::BeginMap;
  const auto field = [&e](const char* key, const std::string& value) {
    if (!value.empty()) e << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
  };
  field("mac", s.mac.to_string());
  field("extension", s.extension);
  field("site", s.site);
  field("zone", s.zone);
  field("room", s.room);
  field("name", s.name);
  e << YAML::EndMap;
}

// "- {mac: ...}" lines, one per station, without line breaks.
std::vector<std::string> station_lines(const std::vector<Station>& stations) {
  std::vector<std::string> lines;
  for (const auto& s : stations) {
    YAML::Emitter e;
    e << YAML::BeginSeq;
    emit_station(e, s);
    e << YAML::EndSeq;
    lines.emplace_back(e.c_str());
  }
  return lines;
}

bool same_station(const Station& a, const Station& b) {
  return a.mac == b.mac && a.extension == b.extension && a.site == b.site && a.zone == b.zone && a.room == b.room &&
         a.name == b.name;
}

// The comment above imported entries; control characters never reach the file.
std::string import_comment(std::string_view source) {
  std::string out = "# imported from PureConnect";
  if (!source.empty()) {
    out += ": ";
    for (char c : source.substr(0, 200)) {
      out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    }
  }
  return out;
}

// Start offset of each line of `text`.
std::vector<std::size_t> line_starts(std::string_view text) {
  std::vector<std::size_t> starts{0};
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts.push_back(i + 1);
  }
  return starts;
}

std::string_view line_at(std::string_view text, const std::vector<std::size_t>& starts, std::size_t line) {
  const std::size_t begin = starts[line];
  std::size_t end = line + 1 < starts.size() ? starts[line + 1] : text.size();
  while (end > begin && (text[end - 1] == '\n' || text[end - 1] == '\r')) --end;
  return text.substr(begin, end - begin);
}

// Appends the entries to the text as written; nullopt when the layout is
// one this does not handle (the caller re-emits instead).
std::optional<std::string> splice(std::string_view text, const std::vector<Station>& stations,
                                  std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
  if (!root.IsMap()) return std::nullopt;
  const std::string nl = text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
  const auto items = station_lines(stations);
  const std::string comment = import_comment(source);
  const auto starts = line_starts(text);
  const auto entries = [&](std::size_t indent) {
    std::string block = std::string(indent, ' ') + comment + nl;
    for (const auto& item : items) block += std::string(indent, ' ') + item + nl;
    return block;
  };

  // (A default YAML::Node is a defined null node, so `found` says whether there is one.)
  YAML::Node key, value;
  bool found = false;
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == "stations") {
      key = it->first;
      value = it->second;
      found = true;
    }
  }
  if (!found) {
    std::string out(text);
    if (!out.empty() && out.back() != '\n') out += nl;
    out += nl + comment + nl + "stations:" + nl;
    for (const auto& item : items) out += "  " + item + nl;
    return out;
  }
  if (value.IsSequence() && value.size() > 0 && value.Style() == YAML::EmitterStyle::Block) {
    const auto mark = value.Mark();
    if (mark.is_null() || static_cast<std::size_t>(mark.pos) >= text.size() || text[mark.pos] != '-') return std::nullopt;
    const auto dash_col = static_cast<std::size_t>(mark.column);
    const auto last = value[value.size() - 1].Mark();
    if (last.is_null()) return std::nullopt;
    // The last entry runs on over the lines indented deeper than the dashes.
    auto end_line = static_cast<std::size_t>(last.line);
    for (std::size_t l = end_line + 1; l < starts.size(); ++l) {
      const std::string_view content = line_at(text, starts, l);
      const std::string_view t = trim(content);
      if (t.empty() || t.front() == '#') continue;
      const std::size_t indent = content.find_first_not_of(' ');
      if (indent <= dash_col) break;
      end_line = l;
    }
    std::string out;
    if (end_line + 1 < starts.size()) {
      const std::size_t at = starts[end_line + 1];
      out = std::string(text.substr(0, at)) + entries(dash_col) + std::string(text.substr(at));
    } else {
      out = std::string(text);
      if (!out.empty() && out.back() != '\n') out += nl;
      out += entries(dash_col);
    }
    return out;
  }
  if (value.IsNull() || (value.IsSequence() && value.size() == 0)) {
    // "stations:" or "stations: []" (maybe with a comment): the entries go below.
    const auto mark = key.Mark();
    if (mark.is_null() || static_cast<std::size_t>(mark.line) >= starts.size()) return std::nullopt;
    const auto line = static_cast<std::size_t>(mark.line);
    const std::string_view content = line_at(text, starts, line);
    const auto col = static_cast<std::size_t>(mark.column);
    if (content.substr(0, col).find_first_not_of(' ') != std::string_view::npos) return std::nullopt;
    std::string_view rest = content.substr(col);
    if (!rest.starts_with("stations")) return std::nullopt;
    rest = trim(rest.substr(8));
    if (!rest.starts_with(":")) return std::nullopt;
    rest = trim(rest.substr(1));
    if (rest.starts_with("[")) {
      rest = trim(rest.substr(1));
      if (!rest.starts_with("]")) return std::nullopt;
      rest = trim(rest.substr(1));
    }
    if (!rest.empty() && rest.front() != '#') return std::nullopt;
    std::string replacement = std::string(col, ' ') + "stations:" + (rest.empty() ? "" : " " + std::string(rest)) + nl +
                              entries(col + 2);
    const std::size_t begin = starts[line];
    const std::size_t end = line + 1 < starts.size() ? starts[line + 1] : text.size();
    return std::string(text.substr(0, begin)) + replacement + std::string(text.substr(end));
  }
  return std::nullopt;
}

std::optional<std::string> reemit(std::string_view text, const std::vector<Station>& stations) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) return std::nullopt;
    const YAML::Node& view = root;
    if (!view["stations"] || !view["stations"].IsSequence()) root["stations"] = YAML::Node(YAML::NodeType::Sequence);
    YAML::Node list = root["stations"];
    for (const auto& s : stations) {
      YAML::Node m(YAML::NodeType::Map);
      m.SetStyle(YAML::EmitterStyle::Flow);
      m["mac"] = s.mac.to_string();
      if (!s.extension.empty()) m["extension"] = s.extension;
      m["site"] = s.site;
      if (!s.zone.empty()) m["zone"] = s.zone;
      if (!s.room.empty()) m["room"] = s.room;
      if (!s.name.empty()) m["name"] = s.name;
      list.push_back(m);
    }
    YAML::Emitter e;
    e << root;
    if (!e.good()) return std::nullopt;
    return std::string(e.c_str()) + "\n";
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

// Empty when `yaml` loads and holds exactly `expected` stations, in order.
std::vector<Diagnostic> verify(std::string_view yaml, const std::vector<Station>& expected) {
  auto load = load_registry(yaml);
  if (!load.ok()) return std::move(load.errors);
  const auto& got = load.registry->data().stations;
  bool same = got.size() == expected.size();
  for (std::size_t i = 0; same && i < got.size(); ++i) same = same_station(got[i], expected[i]);
  if (same) return {};
  return {{0, 0, "stations",
           "the merged registry does not hold the expected " + std::to_string(expected.size()) + " stations (it has " +
               std::to_string(got.size()) + ")"}};
}

}  // namespace

std::string stations_yaml(const std::vector<Station>& stations) {
  YAML::Emitter e;
  e << YAML::BeginMap << YAML::Key << "stations" << YAML::Value;
  if (stations.empty()) {
    e << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
  } else {
    e << YAML::BeginSeq;
    for (const auto& s : stations) emit_station(e, s);
    e << YAML::EndSeq;
  }
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

MergeResult merge_stations(std::string_view registry_yaml, const std::vector<Station>& stations,
                           std::string_view source) {
  MergeResult result;
  auto before = load_registry(registry_yaml);
  if (!before.ok()) {
    result.errors = std::move(before.errors);
    return result;
  }
  if (stations.empty()) {
    result.yaml = std::string(registry_yaml);
    result.comments_preserved = true;
    return result;
  }
  std::vector<Station> expected = before.registry->data().stations;
  expected.insert(expected.end(), stations.begin(), stations.end());
  if (auto spliced = splice(registry_yaml, stations, source)) {
    if (verify(*spliced, expected).empty()) {
      result.yaml = std::move(*spliced);
      result.comments_preserved = true;
      return result;
    }
  }
  auto emitted = reemit(registry_yaml, stations);
  if (!emitted) {
    result.errors.push_back({0, 0, "", "cannot re-emit the registry"});
    return result;
  }
  result.errors = verify(*emitted, expected);
  result.yaml = std::move(*emitted);
  return result;
}

}  // namespace e911::registry
