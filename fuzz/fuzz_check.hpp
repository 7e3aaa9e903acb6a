// The fuzz targets' assertion. A broken invariant must stop the fuzzer with
// the input that broke it in every build type (assert() vanishes with
// NDEBUG), and say which one it was: libFuzzer saves the input on abort().
#pragma once

#include <cstdio>
#include <cstdlib>

namespace uuid_filelock::fuzz {

[[noreturn]] inline void invariant_broken(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, condition);
  std::abort();
}

}  // namespace uuid_filelock::fuzz

#define FUZZ_REQUIRE(condition) \
  ((condition) ? void(0) : ::uuid_filelock::fuzz::invariant_broken(#condition, __FILE__, __LINE__))
