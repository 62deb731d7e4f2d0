// Cost per audit entry of writing (chain_next: canonicalize, hash, sign)
// and of `e911 audit verify` (verify_chain: canonical check, hash, signature)
// with each signing algorithm, to estimate verifying 1,000,000 entries.
// Results: docs/benchmarks.md, "Auditor: hash chain and signatures".
//   build/bench/audit_chain_bench

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

#include "consumers/auditor/journal/canonical_json.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/journal/hash_chain.h"

namespace {

using namespace e911::auditor;

constexpr int kChainLength = 1000;

// A notification record as the auditor will journal it (~340 bytes).
std::string payload(int i) {
  return R"({"attempt":)" + std::to_string(i % 3 + 1) +
         R"(,"call_id":"sim-c-28","channel":"sms","escalation_level":0,"notification_id":"n-)" + std::to_string(i) +
         R"(","occurred_at":"2026-11-21T10:00:02.250Z","provider_id":"SM8f1c2d3e4b5a69788796a5b4c3d2e1f0",)"
         R"("recipient":"+15125550100","site_id":"austin-hq","status":"delivered",)"
         R"("text_sha256":"3a0b7c9d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b"})";
}

const Signer& signer(SigningAlgorithm alg) {
  static std::map<SigningAlgorithm, Signer> signers;
  auto it = signers.find(alg);
  if (it == signers.end()) {
    auto s = alg == SigningAlgorithm::hs256
                 ? Signer::hs256("k1", "bench-secret-0123456789abcdef0123456789abcdef")
                 : Signer::from_private_key_pem("k1", alg, *generate_private_key_pem(alg));
    it = signers.emplace(alg, *s).first;
  }
  return it->second;
}

const Keyring& keyring(SigningAlgorithm alg) {
  static std::map<SigningAlgorithm, Keyring> keyrings;
  auto it = keyrings.find(alg);
  if (it == keyrings.end()) {
    Keyring k;
    k.add_verifier_of(signer(alg));
    it = keyrings.emplace(alg, std::move(k)).first;
  }
  return it->second;
}

const std::vector<AuditEntry>& chain(SigningAlgorithm alg) {
  static std::map<SigningAlgorithm, std::vector<AuditEntry>> chains;
  auto& c = chains[alg];
  if (c.empty()) {
    for (int i = 0; i < kChainLength; ++i) {
      c.push_back(chain_next(c.empty() ? nullptr : &c.back(), "notification", "sim-c-28", 1795255202250 + i,
                             payload(i), signer(alg)));
    }
  }
  return c;
}

// Writing one entry: canonicalize the payload, hash, sign.
void sign_entry(benchmark::State& state, SigningAlgorithm alg) {
  const Signer& s = signer(alg);
  const std::string p = payload(1);
  AuditEntry previous = chain_next(nullptr, "notification", "sim-c-28", 0, p, s);
  for (auto _ : state) {
    previous = chain_next(&previous, "notification", "sim-c-28", previous.at + 1, p, s);
    benchmark::DoNotOptimize(previous.signature.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// Verifying: everything verify_chain does, per entry.
void verify_entries(benchmark::State& state, SigningAlgorithm alg) {
  const auto& c = chain(alg);
  const auto& k = keyring(alg);
  for (auto _ : state) {
    const auto r = verify_chain(entries_of(c), k);
    if (!r.ok) state.SkipWithError(r.reason.c_str());
    benchmark::DoNotOptimize(r.entries);
  }
  state.SetItemsProcessed(state.iterations() * kChainLength);
}

// The parts: the signature check alone, and the chain without signatures
// (canonical check and hash).
void signature_only(benchmark::State& state, SigningAlgorithm alg) {
  const auto& c = chain(alg);
  const auto& k = keyring(alg);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(k.verify(c[i]).ok());
    i = (i + 1) % c.size();
  }
  state.SetItemsProcessed(state.iterations());
}

void hash_only(benchmark::State& state) {
  const auto& c = chain(SigningAlgorithm::hs256);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& e = c[i];
    benchmark::DoNotOptimize(canonical_json(e.payload).ok());
    benchmark::DoNotOptimize(entry_hash(e).data());
    i = (i + 1) % c.size();
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(sign_entry, HS256, SigningAlgorithm::hs256);
BENCHMARK_CAPTURE(sign_entry, ES256, SigningAlgorithm::es256);
BENCHMARK_CAPTURE(sign_entry, RS256, SigningAlgorithm::rs256);
BENCHMARK_CAPTURE(verify_entries, HS256, SigningAlgorithm::hs256)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(verify_entries, ES256, SigningAlgorithm::es256)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(verify_entries, RS256, SigningAlgorithm::rs256)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(signature_only, HS256, SigningAlgorithm::hs256);
BENCHMARK_CAPTURE(signature_only, ES256, SigningAlgorithm::es256);
BENCHMARK_CAPTURE(signature_only, RS256, SigningAlgorithm::rs256);
BENCHMARK(hash_only);

}  // namespace

BENCHMARK_MAIN();
