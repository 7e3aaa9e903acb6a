#pragma once

#include <chrono>
#include <filesystem>
#include <utility>

#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock {

// The scoped form, like Python's `with UUIDFileLock(path) as lock:` — the
// constructor acquires (honouring options::timeout, throwing on failure) and
// the destructor releases. Call lock().release() before the end of the scope
// to learn whether the lock was lost while held.
class ScopedUUIDFileLock {
 public:
  explicit ScopedUUIDFileLock(std::filesystem::path lock_file, options opts = {})
      : lock_(std::move(lock_file), std::move(opts)) {
    lock_.acquire();
  }
  template <class Rep, class Period>
  ScopedUUIDFileLock(std::filesystem::path lock_file,
                     std::chrono::duration<Rep, Period> retry_interval)
      : lock_(std::move(lock_file), retry_interval) {
    lock_.acquire();
  }

  UUIDFileLock& lock() noexcept { return lock_; }

 private:
  UUIDFileLock lock_;
};

}  // namespace uuid_filelock
