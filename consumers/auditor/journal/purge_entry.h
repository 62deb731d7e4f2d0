#pragma once
// The payload of a journal.purge entry: what a retention purge removed
// from the journal, so that verify_chain can tell a purge from a deletion.
//
//   {"calls":12,
//    "cutoffs":{"emergency":"2019-11-21T00:00:00.000Z","test":"2026-08-23T00:00:00.000Z"},
//    "entries":{"call.recorded":12,"location.conveyed":12,"notification":31},
//    "gaps":[{"from":44,"last_hash":"<hash of entry 50>","prev_hash":"<hash of entry 43>","to":50}, ...],
//    "part":1,"parts":1,"reason":"retention","removed":55}
//
// A gap is one run of consecutive seqs the purge removed: `prev_hash` is
// the hash of entry from-1 (kGenesisHash before seq 1; it is the removed
// entry `from`'s prev_hash), `last_hash` the hash of entry `to` (the
// prev_hash the next entry carries). Seqs removed by an earlier purge are
// not listed again, so a hole in the journal may be covered by the gaps of
// several purge entries, which then link hash to hash. A purge that
// removes more than kMaxGapsPerPurgeEntry runs writes several entries
// ("part" i of "parts"), each with the same summary and its own gaps.
//
// Pure.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/timestamp.h"

namespace e911::auditor {

struct PurgeGap {
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::string prev_hash;  // hash of entry from-1
  std::string last_hash;  // hash of entry to

  bool operator==(const PurgeGap&) const = default;
};

struct PurgeSummary {
  std::string reason = "retention";
  std::int64_t calls = 0;                               // calls removed
  std::int64_t removed = 0;                             // entries removed
  std::map<std::string, std::int64_t> entries_by_kind;  // entries removed, by kind
  std::map<std::string, EpochMillis> cutoffs;           // by call class: calls that occurred before it were removed
};

// A gap is about 230 bytes of JSON: a part stays far below the 1 MiB a
// payload may have.
inline constexpr std::size_t kMaxGapsPerPurgeEntry = 2000;

// The canonical payloads for `gaps` (sorted by seq, disjoint), split in
// parts of at most `max_gaps` gaps. At least one payload, even without gaps.
std::vector<std::string> purge_payloads(const PurgeSummary& summary, const std::vector<PurgeGap>& gaps,
                                        std::size_t max_gaps = kMaxGapsPerPurgeEntry);

// The gaps of a journal.purge payload. Errors name the member
// ("gaps[2].prev_hash: expected a 64-character hex hash").
Result<std::vector<PurgeGap>> purge_gaps_of(std::string_view payload);

// Runs of consecutive seqs among `removed` (each entry's seq, prev_hash and
// hash, in seq order) as gaps.
struct RemovedEntry {
  std::int64_t seq = 0;
  std::string prev_hash;
  std::string hash;
};
std::vector<PurgeGap> gaps_of_removed(const std::vector<RemovedEntry>& removed_in_seq_order);

}  // namespace e911::auditor
