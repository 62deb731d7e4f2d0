#pragma once
// The version this build reports in e911_build_info{version=...}. The build
// may define E911_VERSION (the CMake project version); without it the
// gauge says "unknown" rather than a number that drifts from the truth.

namespace e911::observability {

#ifdef E911_VERSION
inline constexpr const char* kBuildVersion = E911_VERSION;
#else
inline constexpr const char* kBuildVersion = "unknown";
#endif

}  // namespace e911::observability
