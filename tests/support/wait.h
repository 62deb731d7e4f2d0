#pragma once
// Waiting in tests: on a condition, with a deadline, never a fixed sleep.

#include <chrono>
#include <functional>

namespace e911::test {

// Generous: a condition that holds is seen at once; this only bounds a
// failing test (and sanitizer builds on a busy CI machine).
inline constexpr std::chrono::seconds kDeadline{60};

// Polls `done()` every few milliseconds until it holds or `timeout`
// passes; true if it held.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = kDeadline);

}  // namespace e911::test
