#pragma once

#include <cstdint>

namespace uuid_filelock::detail {

// Which file a path named at some moment: st_dev/st_ino on POSIX, volume
// serial/file index on Windows. Two different files never compare equal while
// both exist, which is what lets the protocol tell "our file" from "a new file
// at the same path".
struct file_identity {
  std::uint64_t device = 0;
  std::uint64_t file_id = 0;

  friend bool operator==(const file_identity& a, const file_identity& b) noexcept {
    return a.device == b.device && a.file_id == b.file_id;
  }
  friend bool operator!=(const file_identity& a, const file_identity& b) noexcept {
    return !(a == b);
  }
};

}  // namespace uuid_filelock::detail
