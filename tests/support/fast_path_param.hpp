// Suites run twice, with the advisory fast path on and off: tests named
// .../On and .../Off.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace uuid_filelock::test {

inline std::string fast_path_name(const ::testing::TestParamInfo<bool>& param) {
  return param.param ? "On" : "Off";
}

}  // namespace uuid_filelock::test
