#pragma once
// The version this build reports in e911_build_info{version=...,revision=...}.
// The build may define E911_VERSION (the CMake project version); without it
// the gauge says "unknown" rather than a number that drifts from the truth.
// The revision (the git commit) is defined for metrics_registry.cpp only,
// where build_revision() reads it.

namespace e911::observability {

#ifdef E911_VERSION
inline constexpr const char* kBuildVersion = E911_VERSION;
#else
inline constexpr const char* kBuildVersion = "unknown";
#endif

// The git commit this build was configured from, or "unknown".
const char* build_revision();

}  // namespace e911::observability
