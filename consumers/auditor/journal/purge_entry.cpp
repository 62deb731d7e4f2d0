#include "consumers/auditor/journal/purge_entry.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <stdexcept>

#include "consumers/auditor/journal/canonical_json.h"

namespace e911::auditor {
namespace {

bool is_hex_hash(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string summary_members(const PurgeSummary& summary) {
  std::string out = "\"calls\":" + std::to_string(summary.calls) + ",\"cutoffs\":{";
  bool first = true;
  for (const auto& [call_class, cutoff] : summary.cutoffs) {
    if (!first) out += ',';
    first = false;
    append_canonical_string(out, call_class);
    out += ':';
    append_canonical_string(out, format_rfc3339(cutoff));
  }
  out += "},\"entries\":{";
  first = true;
  for (const auto& [kind, n] : summary.entries_by_kind) {
    if (!first) out += ',';
    first = false;
    append_canonical_string(out, kind);
    out += ':' + std::to_string(n);
  }
  out += "},\"reason\":";
  append_canonical_string(out, summary.reason);
  out += ",\"removed\":" + std::to_string(summary.removed);
  return out;
}

}  // namespace

std::vector<std::string> purge_payloads(const PurgeSummary& summary, const std::vector<PurgeGap>& gaps,
                                        std::size_t max_gaps) {
  if (max_gaps == 0) max_gaps = 1;
  const std::size_t parts = gaps.empty() ? 1 : (gaps.size() + max_gaps - 1) / max_gaps;
  const std::string common = summary_members(summary);
  std::vector<std::string> payloads;
  payloads.reserve(parts);
  for (std::size_t part = 0; part < parts; ++part) {
    std::string out = "{" + common + ",\"gaps\":[";
    const std::size_t begin = part * max_gaps;
    const std::size_t end = std::min(gaps.size(), begin + max_gaps);
    for (std::size_t i = begin; i < end; ++i) {
      const auto& g = gaps[i];
      if (i != begin) out += ',';
      out += "{\"from\":" + std::to_string(g.from) + ",\"last_hash\":";
      append_canonical_string(out, g.last_hash);
      out += ",\"prev_hash\":";
      append_canonical_string(out, g.prev_hash);
      out += ",\"to\":" + std::to_string(g.to) + "}";
    }
    out += "],\"part\":" + std::to_string(part + 1) + ",\"parts\":" + std::to_string(parts) + "}";
    auto canonical = canonical_json(out);
    if (!canonical) throw std::logic_error("purge payload: " + canonical.error().message);
    payloads.push_back(std::move(*canonical));
  }
  return payloads;
}

Result<std::vector<PurgeGap>> purge_gaps_of(std::string_view payload) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(payload.data(), payload.size());
  if (doc.HasParseError() || !doc.IsObject()) return Error{"purge payload is not a JSON object"};
  const auto gaps = doc.FindMember("gaps");
  if (gaps == doc.MemberEnd() || !gaps->value.IsArray()) return Error{"gaps: expected an array"};
  std::vector<PurgeGap> out;
  out.reserve(gaps->value.Size());
  rapidjson::SizeType i = 0;
  for (const auto& g : gaps->value.GetArray()) {
    const std::string at = "gaps[" + std::to_string(i++) + "]";
    if (!g.IsObject()) return Error{at + ": expected an object"};
    PurgeGap gap;
    for (const char* name : {"from", "to"}) {
      const auto m = g.FindMember(name);
      if (m == g.MemberEnd() || !m->value.IsInt64() || m->value.GetInt64() < 1) {
        return Error{at + "." + name + ": expected a seq (a whole number from 1)"};
      }
      (std::string_view(name) == "from" ? gap.from : gap.to) = m->value.GetInt64();
    }
    if (gap.to < gap.from) return Error{at + ": to (" + std::to_string(gap.to) + ") is before from (" +
                                        std::to_string(gap.from) + ")"};
    for (const char* name : {"prev_hash", "last_hash"}) {
      const auto m = g.FindMember(name);
      if (m == g.MemberEnd() || !m->value.IsString() ||
          !is_hex_hash(std::string_view(m->value.GetString(), m->value.GetStringLength()))) {
        return Error{at + "." + name + ": expected a 64-character hex hash"};
      }
      (std::string_view(name) == "prev_hash" ? gap.prev_hash : gap.last_hash) = m->value.GetString();
    }
    out.push_back(std::move(gap));
  }
  return out;
}

std::vector<PurgeGap> gaps_of_removed(const std::vector<RemovedEntry>& removed) {
  std::vector<PurgeGap> gaps;
  for (const auto& e : removed) {
    if (!gaps.empty() && gaps.back().to + 1 == e.seq) {
      gaps.back().to = e.seq;
      gaps.back().last_hash = e.hash;
    } else {
      gaps.push_back(PurgeGap{e.seq, e.seq, e.prev_hash, e.hash});
    }
  }
  return gaps;
}

}  // namespace e911::auditor
