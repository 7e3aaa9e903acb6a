// Fixtures shared by the portable test files and the OS-specific ones
// (posix_only_test.cpp, windows_only_test.cpp and their skip lists), so that a
// case has one name on every OS: run on one, skipped with its reason on the
// other.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "support/temp_dir.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock {

// The public API on one lock path in a fresh directory.
class Lock : public ::testing::Test {
 protected:
  options fast() const {
    options opts;
    opts.retry_interval = std::chrono::milliseconds(5);
    return opts;
  }
  test::TempDir dir_;
  std::filesystem::path path_ = dir_ / "app.lock";
};

// Bad input in a fresh directory.
class Errors : public ::testing::Test {
 protected:
  test::TempDir dir_;
};

}  // namespace uuid_filelock
