#pragma once
// How many requests each client of an HTTP endpoint may make: a token
// bucket per client (a bearer token's name, else the peer's address), so a
// misbehaving or hostile sender is answered 429 and cannot take the
// endpoint's capacity from the others. Over the limit means "retry later",
// never "lost": every sender the endpoints serve retries a 429 (the
// platforms by their documented policies, the project's producers by
// Retry-After).
//
// The time comes in as an argument, so the rules are tested without
// waiting. Thread-safe.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace e911::net {

struct RateLimit {
  double per_second = 100;  // the sustained rate; 0: no limit
  double burst = 200;       // requests at once after a quiet spell (at least 1)
  // Clients tracked at once. Past it, idle clients (full buckets) are
  // forgotten; when none is idle, new clients share one bucket, so a
  // flood from many addresses throttles itself rather than memory.
  std::size_t max_clients = 10'000;
};

class RequestRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RequestRateLimiter(RateLimit limit);

  struct Decision {
    bool allowed = true;
    int retry_after_seconds = 0;  // when refused: until one request is allowed again (at least 1)
  };
  Decision admit(std::string_view client, Clock::time_point now);

  std::size_t clients() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  Bucket& bucket_of(std::string_view client, Clock::time_point now);
  void refill(Bucket& b, Clock::time_point now) const;

  RateLimit limit_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  Bucket shared_;  // the clients past max_clients
};

}  // namespace e911::net
