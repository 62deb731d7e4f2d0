#include "consumers/auditor/journal/hash_chain.h"


#include <stdexcept>

#include "common/text.h"
#include "consumers/auditor/journal/canonical_json.h"

namespace e911::auditor {

std::string entry_signing_input(const AuditEntry& entry) {
  std::string out;
  out.reserve(entry.payload.size() + entry.kind.size() + entry.call_id.size() + entry.key_id.size() + 200);
  out += "{\"at\":";
  append_canonical_string(out, format_rfc3339(entry.at));
  out += ",\"call_id\":";
  append_canonical_string(out, entry.call_id);
  out += ",\"key_id\":";
  append_canonical_string(out, entry.key_id);
  out += ",\"kind\":";
  append_canonical_string(out, entry.kind);
  out += ",\"payload\":";
  out += entry.payload;
  out += ",\"prev_hash\":";
  append_canonical_string(out, entry.prev_hash);
  out += ",\"seq\":";
  out += std::to_string(entry.seq);
  out += '}';
  return out;
}

std::string entry_hash(const AuditEntry& entry) { return sha256_hex(entry_signing_input(entry)); }

AuditEntry chain_next(const AuditEntry* previous, std::string kind, std::string call_id, EpochMillis at,
                      std::string payload_canonical, const Signer& signer) {
  auto payload = canonical_json(payload_canonical);
  if (!payload) throw std::invalid_argument("audit entry payload: " + payload.error().message);
  AuditEntry entry;
  entry.seq = previous ? previous->seq + 1 : 1;
  entry.kind = std::move(kind);
  entry.call_id = std::move(call_id);
  entry.at = at;
  entry.payload = std::move(*payload);
  entry.prev_hash = previous ? previous->hash : std::string(kGenesisHash);
  entry.key_id = signer.key_id();
  entry.hash = entry_hash(entry);
  entry.signature = signer.sign(entry.seq, entry.hash);
  return entry;
}

std::string abbreviated_hash(std::string_view hash) {
  constexpr std::size_t kShown = 12;
  const std::string_view head = hash.substr(0, kShown);
  bool hex = !head.empty();
  for (char c : head) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
  if (!hex) return quote_for_message(head, kShown) + (hash.size() > kShown ? "..." : "");
  return std::string(head) + (hash.size() > kShown ? "..." : "");
}

}  // namespace e911::auditor
