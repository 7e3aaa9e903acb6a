// What a lock attempt on bad input reports.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <system_error>

#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock::test {

// Tries once with a generous wait: an error must come back at once, not
// after the wait (which would mean the error was retried as contention).
inline std::error_code try_lock_error(const std::filesystem::path& path) {
  using namespace std::chrono_literals;
  options opts;
  opts.retry_interval = 10ms;
  UUIDFileLock lock(path, opts);
  std::error_code ec;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(lock.try_lock_for(30s, ec));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_FALSE(lock.owns_lock());
  return ec;
}

}  // namespace uuid_filelock::test
