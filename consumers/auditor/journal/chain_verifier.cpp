#include "consumers/auditor/journal/chain_verifier.h"

#include <iterator>
#include <map>
#include <optional>

#include "consumers/auditor/journal/canonical_json.h"
#include "consumers/auditor/journal/hash_chain.h"
#include "consumers/auditor/journal/purge_entry.h"

namespace e911::auditor {
namespace {

std::string seqs(std::int64_t from, std::int64_t to) {
  return from == to ? std::to_string(from) : std::to_string(from) + ".." + std::to_string(to);
}
// "seq 3", "seqs 3..5"
std::string seq_words(std::int64_t from, std::int64_t to) {
  return (from == to ? "seq " : "seqs ") + seqs(from, to);
}

// The holes (runs of missing seqs) met so far, and the purge gaps listed
// for them. A hole is accounted for when its gaps cover it exactly and
// link hash to hash; then only its bounds are kept (to refuse a second
// listing).
class HoleLedger {
 public:
  explicit HoleLedger(std::int64_t first_seq) : first_seq_(first_seq) {}

  // Seqs from..to are missing: before them `prev_hash` (the hash of seq
  // `before_seq`, or of the chain's start when it is 0), after them the
  // entry `after_seq` whose prev_hash is `after_prev_hash`.
  void open(std::int64_t from, std::int64_t to, std::string prev_hash, std::int64_t before_seq,
            std::string after_prev_hash, std::int64_t after_seq) {
    Hole h;
    h.to = to;
    h.prev_hash = std::move(prev_hash);
    h.before_seq = before_seq;
    h.after_prev_hash = std::move(after_prev_hash);
    h.after_seq = after_seq;
    holes_.emplace(from, std::move(h));
  }

  // A gap listed by the purge entry `purge_seq`; entries up to `last_seq`
  // have been read. The reason when it does not fit.
  std::optional<std::string> list(const PurgeGap& gap, std::int64_t purge_seq, std::int64_t last_seq) {
    const std::string by = "purge entry seq " + std::to_string(purge_seq);
    if (gap.to < first_seq_ || gap.from > last_seq) return std::nullopt;  // outside what is verified
    if (gap.from < first_seq_) {
      return by + " lists " + seq_words(gap.from, gap.to) + ", across seq " + std::to_string(first_seq_) +
             " where verification starts";
    }
    auto it = holes_.upper_bound(gap.from);
    Hole* hole = nullptr;
    std::int64_t hole_from = 0;
    if (it != holes_.begin()) {
      --it;
      if (it->first <= gap.from && gap.to <= it->second.to) {
        hole = &it->second;
        hole_from = it->first;
      }
    }
    if (hole == nullptr) {
      return by + " lists " + seq_words(gap.from, gap.to) + " as removed, but seq " +
             std::to_string(first_present(gap.from, gap.to, last_seq)) + " is in the journal";
    }
    if (hole->resolved) {
      return by + " lists " + seq_words(gap.from, gap.to) + ", which earlier purge entries already account for";
    }
    // Pieces are disjoint: the one starting at or before gap.to must end before gap.from.
    auto next = hole->pieces.upper_bound(gap.to);
    if (next != hole->pieces.begin()) {
      const auto& [p_from, p] = *std::prev(next);
      if (p.to >= gap.from) {
        return by + " lists " + seq_words(gap.from, gap.to) + ", which purge entry seq " +
               std::to_string(p.purge_seq) + " listed as " + seqs(p_from, p.to);
      }
    }
    hole->pieces.emplace(gap.from, Piece{gap.to, gap.prev_hash, gap.last_hash, purge_seq});
    hole->covered += gap.to - gap.from + 1;
    if (hole->covered < hole->to - hole_from + 1) return std::nullopt;

    // Covered: the gaps must link from the hash before the hole to the one after it.
    std::string expected = hole->prev_hash;
    std::int64_t expected_after = hole->before_seq;
    for (const auto& [p_from, p] : hole->pieces) {
      if (p.prev_hash != expected) {
        const std::string before = expected_after == 0 && p_from == first_seq_
                                       ? std::string("the chain's start (") + abbreviated_hash(expected) + ")"
                                       : "seq " + std::to_string(p_from - 1) + "'s hash";
        return "purge entry seq " + std::to_string(p.purge_seq) + ": gap " + seqs(p_from, p.to) +
               " does not link: its prev_hash is not " + before;
      }
      expected = p.last_hash;
      expected_after = p.to;
    }
    if (expected != hole->after_prev_hash) {
      const auto& [p_from, p] = *hole->pieces.rbegin();
      return "purge entry seq " + std::to_string(p.purge_seq) + ": gap " + seqs(p_from, p.to) +
             " does not link: its last_hash is not seq " + std::to_string(hole->after_seq) + "'s prev_hash";
    }
    hole->resolved = true;
    hole->pieces.clear();
    purged_ += hole->to - hole_from + 1;
    return std::nullopt;
  }

  // The first missing seqs no purge entry accounts for, and the reason.
  std::optional<std::pair<std::int64_t, std::string>> first_unaccounted() const {
    for (const auto& [from, hole] : holes_) {
      if (hole.resolved) continue;
      std::int64_t s = from;
      for (const auto& [p_from, p] : hole.pieces) {
        if (p_from > s) break;
        s = p.to + 1;
      }
      auto next = hole.pieces.upper_bound(s);
      const std::int64_t e = next == hole.pieces.end() ? hole.to : next->first - 1;
      return std::pair{s, "seq " + seqs(s, e) + " missing: no purge entry covers " + (s == e ? "it" : "them")};
    }
    return std::nullopt;
  }

  std::int64_t purged() const { return purged_; }

 private:
  struct Piece {
    std::int64_t to = 0;
    std::string prev_hash, last_hash;
    std::int64_t purge_seq = 0;
  };
  struct Hole {
    std::int64_t to = 0;
    std::string prev_hash;
    std::int64_t before_seq = 0;
    std::string after_prev_hash;
    std::int64_t after_seq = 0;
    std::map<std::int64_t, Piece> pieces;  // by from
    std::int64_t covered = 0;
    bool resolved = false;
  };

  // The first seq in from..to (and up to last_seq) that is not in a hole.
  std::int64_t first_present(std::int64_t from, std::int64_t to, std::int64_t last_seq) const {
    std::int64_t s = from;
    while (s <= to && s <= last_seq) {
      auto it = holes_.upper_bound(s);
      if (it == holes_.begin()) break;
      --it;
      if (it->second.to < s) break;
      s = it->second.to + 1;
    }
    return s;
  }

  std::int64_t first_seq_;
  std::map<std::int64_t, Hole> holes_;  // by from
  std::int64_t purged_ = 0;
};

// Hash and signature of an entry read out of chain order (canonical
// payload, hash, signature): the reason it fails, or nullopt.
std::optional<std::string> check_content(const AuditEntry& entry, const Keyring& keyring) {
  const std::string at = "seq " + std::to_string(entry.seq) + ": ";
  const auto payload = canonical_json(entry.payload);
  if (!payload) return at + "payload is not valid canonical JSON: " + payload.error().message;
  if (*payload != entry.payload) return at + "payload is not in canonical form";
  const std::string computed = entry_hash(entry);
  if (computed != entry.hash) {
    return at + "hash does not match its content (stored " + abbreviated_hash(entry.hash) + ", computed " +
           abbreviated_hash(computed) + ")";
  }
  const auto signature = keyring.verify(entry);
  if (!signature) return at + signature.error().message;
  return std::nullopt;
}

}  // namespace

EntrySource entries_of(const std::vector<AuditEntry>& entries) {
  return [&entries, i = std::size_t{0}](AuditEntry& out) mutable {
    if (i == entries.size()) return false;
    out = entries[i++];
    return true;
  };
}

VerifyResult verify_chain(const EntrySource& next, const Keyring& keyring, const ChainAnchor& anchor) {
  return verify_chain(next, keyring, anchor, {});
}

VerifyResult verify_chain(const EntrySource& next, const Keyring& keyring, const ChainAnchor& anchor,
                          const std::vector<AuditEntry>& later_purges) {
  VerifyResult result;
  std::int64_t expected_seq = anchor.first_seq;
  std::string previous_hash = anchor.prev_hash;
  HoleLedger holes(anchor.first_seq);
  AuditEntry entry;

  const auto fail = [&](std::int64_t seq, std::string reason) {
    result.ok = false;
    result.first_bad_seq = seq;
    result.reason = std::move(reason);
    result.purged = holes.purged();
    return result;
  };
  // The gaps of a verified purge entry; the reason they do not fit.
  const auto list_gaps = [&](const AuditEntry& purge, std::int64_t last_seq) -> std::optional<std::string> {
    const auto gaps = purge_gaps_of(purge.payload);
    if (!gaps) return "seq " + std::to_string(purge.seq) + ": purge entry payload: " + gaps.error().message;
    for (const auto& gap : *gaps) {
      if (auto why = holes.list(gap, purge.seq, last_seq)) return why;
    }
    return std::nullopt;
  };

  while (next(entry)) {
    const std::string at = "seq " + std::to_string(entry.seq) + ": ";
    bool after_hole = false;
    if (entry.seq != expected_seq) {
      const std::string found =
          result.last_seq == 0 ? " at the start" : " after " + std::to_string(result.last_seq);
      if (entry.seq < expected_seq) {
        return fail(expected_seq, "seq " + std::to_string(expected_seq) + " expected, found " +
                                      std::to_string(entry.seq) + found + " (out of order or repeated)");
      }
      // Missing seqs: a purge entry further on must account for them.
      holes.open(expected_seq, entry.seq - 1, previous_hash, result.last_seq, entry.prev_hash, entry.seq);
      after_hole = true;
    }
    if (!after_hole && entry.prev_hash != previous_hash) {
      if (result.last_seq == 0) {
        return fail(entry.seq, at + "prev_hash does not match the chain's start (" +
                                   abbreviated_hash(previous_hash) + ")");
      }
      return fail(entry.seq, at + "prev_hash does not match seq " + std::to_string(result.last_seq) + "'s hash");
    }
    if (auto why = check_content(entry, keyring)) return fail(entry.seq, std::move(*why));
    if (entry.kind == entry_kind::kPurge) {
      if (auto why = list_gaps(entry, entry.seq - 1)) return fail(entry.seq, std::move(*why));
    }

    ++result.entries;
    result.last_seq = entry.seq;
    result.last_hash = entry.hash;
    previous_hash = entry.hash;
    expected_seq = entry.seq + 1;
  }
  for (const auto& purge : later_purges) {
    if (purge.kind != entry_kind::kPurge) {
      return fail(purge.seq, "seq " + std::to_string(purge.seq) + ": given as a purge entry, but it is a " +
                                 purge.kind + " entry");
    }
    if (purge.seq <= result.last_seq) {
      return fail(purge.seq, "seq " + std::to_string(purge.seq) + ": given as a later purge entry, but it is not after seq " +
                                 std::to_string(result.last_seq));
    }
    if (auto why = check_content(purge, keyring)) return fail(purge.seq, std::move(*why));
    if (auto why = list_gaps(purge, result.last_seq)) return fail(purge.seq, std::move(*why));
  }
  if (auto missing = holes.first_unaccounted()) return fail(missing->first, std::move(missing->second));
  result.ok = true;
  result.purged = holes.purged();
  return result;
}

}  // namespace e911::auditor
