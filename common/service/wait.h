#pragma once
// Waiting for a condition with a deadline, never a fixed sleep: the demo
// waiting for the pipeline, the tests and benchmarks waiting for results.

#include <atomic>
#include <chrono>
#include <functional>

namespace e911::service {

// Polls `done()` every few milliseconds until it holds (true), `timeout`
// passes or `stop` (when given) is set (false).
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                const std::atomic<bool>* stop = nullptr);

}  // namespace e911::service
